//! Measure the name rules on a table of display forms and the institution's own headings
//! (the regression-corpus tables of issue #23: `display`, `heading`, `count`, `kind`,
//! tab-separated, first line a header), counting distinct forms: read with the
//! institution's family name, read with another family name (a wrong heading without a
//! finding unless it is a known difference of form), kept as written (N005, N006) and
//! organization (N002).
//!
//! ```sh
//! cargo run --example held_out_names -- nga-names.tsv [--list]
//! ```

use pipeline::normalize::names::{looks_like_organization, normalize_person};

fn family(heading: &str) -> String {
    heading
        .split(',')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    for file in args.iter().filter(|a| !a.starts_with("--")) {
        let text = std::fs::read_to_string(file)?;
        let (mut total, mut agree, mut other, mut n005, mut n006, mut org, mut single) =
            (0, 0, 0, 0, 0, 0, 0);
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [display, heading, ..] = cols[..] else {
                continue;
            };
            if display.is_empty() {
                continue;
            }
            total += 1;
            let p = normalize_person(display);
            let how = if looks_like_organization(display) {
                org += 1;
                "N002"
            } else if p.kept_as_written() {
                n005 += 1;
                "N005"
            } else if p.unproven() {
                n006 += 1;
                "N006"
            } else if p.family.is_none() {
                single += 1;
                "direct"
            } else if family(&p.heading) == family(heading) {
                agree += 1;
                "agree"
            } else {
                other += 1;
                "OTHER"
            };
            if list && how != "agree" {
                println!("{how}\t{display}\t{}\t{heading}", p.heading);
            }
        }
        let pc = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
        println!(
            "{file}: {total} distinct; family name as the institution's {agree} ({:.1} %), \
             another family name {other} ({:.1} %), no family name {single}, N005 {n005} \
             ({:.1} %), N006 {n006} ({:.1} %), N002 {org} ({:.1} %)",
            pc(agree),
            pc(other),
            pc(n005),
            pc(n006),
            pc(org)
        );
    }
    Ok(())
}
