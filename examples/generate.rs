//! Generates a synthetic catalogue for benchmarks: N valid records with varied dates,
//! names, languages and text lengths, either one file per record or one `---` stream.
//!
//! ```sh
//! cargo run --release --example generate -- 100000 /tmp/catalogue          # N files
//! cargo run --release --example generate -- 100000 /tmp/catalogue --stream # one stream
//! ```
//!
//! The output is deterministic (a fixed-seed generator), so benchmark runs compare like
//! with like.

use std::fmt::Write as _;

use pipeline::normalize::dates::month_name;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small deterministic generator (SplitMix64), so no dependency is needed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PERSONS: &[&str] = &[
    "Mao [Zedong]",
    "Chairman Mao Zedong",
    "Liu Shaoqi",
    "Zhou Enlai",
    "Kim Il Sung",
    "Kim Il-sung",
    "A.M. Puzanov",
    "M.S. Kapitsa",
    "Cde. Pak Deok-hwan",
    "Pak Yong-guk",
    "Lin Biao",
    "Deng Zihui",
    "Xiao Ke",
    "Zhao Erlu",
    "Ambassador Ivankov",
    "Behrens",
];
const ORGANIZATIONS: &[&str] = &[
    "Central Military Commission",
    "Chinese Ministry of Foreign Affairs",
    "Ministry of Public Security",
    "Central Overseas Chinese Committee",
];
const TYPES: &[&str] = &[
    "Cable",
    "Report",
    "Letter",
    "Journal",
    "Note",
    "Record of Conversation",
    "Notification",
    "Memorandum",
    "Minutes",
    "Telegram",
];
const LANGUAGES: &[&str] = &[
    "Chinese", "Russian", "Korean", "zh", "ru", "ko", "German", "hu",
];
const PLACES: &[&str] = &[
    "China",
    "Korea (North)",
    "Korea (South)",
    "Japan",
    "Soviet Union",
    "Northeast China",
    "Poland",
];
const SUBJECTS: &[&str] = &[
    "Repatriation",
    "Ethnic Koreans",
    "Koreans in Japan",
    "Trade",
    "Border crossing",
    "Education",
    "Economic construction",
];
const WORDS: &[&str] = &[
    "the",
    "ministry",
    "reports",
    "on",
    "ethnic",
    "Koreans",
    "returning",
    "from",
    "China",
    "and",
    "Japan",
    "to",
    "the",
    "DPRK",
    "with",
    "details",
    "of",
    "transport",
    "housing",
    "employment",
    "and",
    "schooling",
];

fn date(rng: &mut Rng) -> String {
    let year = 1945 + rng.below(30);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    // The month's English name, from the table the date reader itself uses.
    let name = |m: usize| month_name(m as u8).unwrap_or("January");
    match rng.below(8) {
        0 => format!("{year}-{month:02}-{day:02}"),
        1 => format!("{} {year}", name(month)),
        2 => format!("ca. {year}"),
        3 => format!("{year}-{}", year + 1 + rng.below(3)),
        4 => format!("{day} {} {year}", name(month)),
        5 => format!("{year}"),
        _ => format!("{} {day}, {year}", name(month)),
    }
}

fn list(rng: &mut Rng, items: &[&str], max: usize) -> String {
    let n = 1 + rng.below(max);
    let picked: Vec<String> = (0..n).map(|_| format!("{:?}", rng.pick(items))).collect();
    format!("[{}]", picked.join(", "))
}

pub(crate) fn record(rng: &mut Rng, id: &str) -> String {
    let mut text = String::with_capacity(1024);
    let words = 20 + rng.below(120);
    let summary: Vec<&str> = (0..words).map(|_| rng.pick(WORDS)).collect();
    let _ = writeln!(text, "id: {id}");
    let _ = writeln!(text, "title: {} on {}", rng.pick(TYPES), rng.pick(SUBJECTS));
    let _ = writeln!(text, "date: {}", date(rng));
    let _ = writeln!(text, "type: {}", rng.pick(TYPES));
    let _ = writeln!(text, "summary: >-\n  {}.", summary.join(" "));
    let _ = writeln!(
        text,
        "creators:\n  - name: {}\n    kind: organization",
        rng.pick(ORGANIZATIONS)
    );
    let _ = writeln!(text, "recipients: {}", list(rng, PERSONS, 3));
    let _ = writeln!(text, "people: {}", list(rng, PERSONS, 4));
    let _ = writeln!(text, "places: {}", list(rng, PLACES, 3));
    let _ = writeln!(text, "subjects: {}", list(rng, SUBJECTS, 3));
    let _ = writeln!(text, "languages: {}", list(rng, LANGUAGES, 2));
    text
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: generate N DIR [--stream]");
        std::process::exit(2);
    };
    let n: usize = n.parse().map_err(std::io::Error::other)?;
    let stream = args.iter().any(|a| a == "--stream");
    let dir = Path::new(dir);
    fs::create_dir_all(dir)?;
    let mut rng = Rng(0x5EED);
    if stream {
        let mut out = BufWriter::new(fs::File::create(dir.join("catalogue.yaml"))?);
        for i in 0..n {
            if i > 0 {
                out.write_all(b"---\n")?;
            }
            out.write_all(record(&mut rng, &format!("rec-{i:08}")).as_bytes())?;
        }
        out.flush()?;
    } else {
        for i in 0..n {
            let id = format!("rec-{i:08}");
            // 1,000 records per folder, as large catalogues are usually laid out.
            let sub = dir.join(format!("part-{:05}", i / 1000));
            if i % 1000 == 0 {
                fs::create_dir_all(&sub)?;
            }
            fs::write(sub.join(format!("{id}.yaml")), record(&mut rng, &id))?;
        }
    }
    Ok(())
}
