//! The whole-catalogue measurement behind `docs/real-catalogue-corpus.md`: the name and date
//! rules over the full extracts of three CC0 museum catalogues (Carnegie Museum of Art,
//! National Gallery of Art, Colby College Museum of Art), each compared with the
//! institution's own heading and years (`measure.rs` says how).
//!
//! The extracts are not in this repository (`examples/corpus_extract.py` makes them from
//! the institutions' git repositories, commits in its docstring):
//!
//! ```sh
//! cargo run --example corpus_measure -- DIR cmoa nga colby          # figures and classes
//! cargo run --example corpus_measure -- DIR cmoa --list             # every wrong / misread
//! cargo run --example corpus_measure -- DIR nga --class=Legit       # every row of a class
//! ```
//!
//! `DIR/<institution>-names.tsv` and `DIR/<institution>-dates.tsv` are read; either may be
//! missing. `--class=TEXT` lists every name and date whose outcome (as printed in the class
//! table) contains TEXT.

mod measure;

use measure::{DateOutcome, NameOutcome};

fn pct(n: u64, d: u64) -> String {
    format!("{:.2} %", 100.0 * n as f64 / d.max(1) as f64)
}

/// What to list besides the figures: the wrong and misread rows, or the rows of a class.
#[derive(Clone, Copy)]
enum Listing<'a> {
    None,
    Wrong,
    Class(&'a str),
}

impl Listing<'_> {
    fn wants(self, outcome: &str, wrong: bool) -> bool {
        match self {
            Listing::None => false,
            Listing::Wrong => wrong,
            Listing::Class(c) => outcome.contains(c),
        }
    }
}

fn names(inst: &str, text: &str, listing: Listing) {
    let rows = measure::read_names(text);
    let f = measure::measure_names(&rows);
    let line = |what: &str, (d, l): (u64, u64)| {
        println!(
            "{inst}\tnames\t{what}\t{d}\t{}\t{l}\t{}",
            pct(d, f.distinct),
            pct(l, f.links)
        );
    };
    println!(
        "{inst}\tnames\tall (distinct, links)\t{}\t\t{}",
        f.distinct, f.links
    );
    line("agree exactly", f.agree());
    line("documented difference", f.legit());
    line("kept as written, with a finding", f.with_finding);
    line("  of which differ from the institution", f.kept());
    line("not judged (institution's forms disagree)", f.unjudged());
    line("WRONG without a finding", f.wrong());
    println!(
        "{inst}\tnames\torganizations (institution's kind), inverted without a finding\t{}\t{}",
        f.organizations.0, f.organizations.1
    );
    println!("\n## {inst}: classes (distinct, links, example: display | theirs | ours)");
    for (o, (d, l, ex)) in &f.outcomes {
        println!("{d}\t{l}\t{o:?}\t{ex}");
    }
    if !matches!(listing, Listing::None) {
        println!("\n## {inst}: names listed (links, outcome, display | theirs | ours)");
        for r in measure::name_results(&rows) {
            let outcome = format!("{:?}", r.outcome);
            if listing.wants(&outcome, matches!(r.outcome, NameOutcome::Wrong(_))) {
                println!(
                    "{}\t{outcome}\t{} | {} | {}",
                    r.row.count, r.row.display, r.row.heading, r.ours
                );
            }
        }
    }
    println!();
}

fn dates(inst: &str, text: &str, listing: Listing) {
    let rows = measure::read_dates(text);
    let f = measure::measure_dates(&rows);
    let line = |what: &str, (d, r): (u64, u64)| {
        println!(
            "{inst}\tdates\t{what}\t{d}\t{}\t{r}\t{}",
            pct(d, f.distinct),
            pct(r, f.records)
        );
    };
    println!(
        "{inst}\tdates\tall (distinct, records)\t{}\t\t{}",
        f.distinct, f.records
    );
    line("agree exactly", f.agree());
    line("documented difference", f.legit());
    line("read, not audited (an open or unknown end)", f.unaudited());
    line("refused (D00x)", f.refused());
    line("MISREAD candidates (years disagree)", f.misread());
    println!("\n## {inst}: classes (distinct, records, example: text | theirs | ours)");
    for (o, (d, r, ex)) in &f.outcomes {
        println!("{d}\t{r}\t{o:?}\t{ex}");
    }
    if !matches!(listing, Listing::None) {
        println!("\n## {inst}: dates listed (records, outcome, text, theirs, ours)");
        for (row, o, edtf) in measure::date_results(&rows) {
            let outcome = format!("{o:?}");
            if listing.wants(&outcome, o == DateOutcome::Misread) {
                println!(
                    "{}\t{outcome}\t{}\t{:?}-{:?}\t{edtf}",
                    row.count, row.text, row.begin, row.end
                );
            }
        }
    }
    println!();
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let listing = match args.iter().find_map(|a| a.strip_prefix("--class=")) {
        Some(c) => Listing::Class(c),
        None if args.iter().any(|a| a == "--list") => Listing::Wrong,
        None => Listing::None,
    };
    let rest: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some((dir, institutions)) = rest.split_first() else {
        eprintln!("usage: corpus_measure DIR INSTITUTION... [--list | --class=TEXT]");
        std::process::exit(2);
    };
    for inst in institutions {
        let path =
            |what: &str| std::path::Path::new(dir.as_str()).join(format!("{inst}-{what}.tsv"));
        if let Ok(text) = std::fs::read_to_string(path("names")) {
            names(inst, &text, listing);
        }
        if let Ok(text) = std::fs::read_to_string(path("dates")) {
            dates(inst, &text, listing);
        }
    }
    Ok(())
}
