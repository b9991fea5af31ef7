//! Run the name rules over Tate's artist list and creator pairs, and audit them against
//! Tate's own two forms (docs/real-catalogue-names.md has the figures and the classes).
//!
//! Tate's collection data is CC0: <https://github.com/tategallery/collection>, commit
//! a51d8afc988ed083557e2950f4d0b644e7719f4a. The files are not in this repository:
//!
//! ```sh
//! cargo run --example tate_names -- artist_data.csv artworks.csv [--list]
//! ```
//!
//! `artist_data.csv` is Tate's artist list (column `name`, the inverted "mda" form);
//! `artworks.csv` has the columns `creators_mda` and `creators_fc` (Tate's heading and
//! display forms of each creator, several separated by ` ;; `). The output counts how
//! each written order is read (inverted, kept as written, flagged as an organization)
//! and compares the heading made from Tate's display form with Tate's heading.

use std::collections::{BTreeMap, BTreeSet};

use pipeline::normalize::names::{NameOrder, looks_like_organization, normalize_person};

#[derive(Default)]
struct Tally {
    total: usize,
    inverted: usize,
    single: usize,
    kept: usize,
    organization: usize,
}

impl Tally {
    fn add(&mut self, name: &str) -> (String, &'static str) {
        let p = normalize_person(name);
        self.total += 1;
        let how = if looks_like_organization(name) {
            self.organization += 1;
            "organization (N002)"
        } else if p.kept_as_written() {
            self.kept += 1;
            "kept as written (N005)"
        } else if p.order == NameOrder::Single {
            self.single += 1;
            "single word"
        } else {
            self.inverted += 1;
            "read"
        };
        (p.heading, how)
    }

    fn print(&self, what: &str) {
        println!(
            "{what}: {} names; read and inverted {}, one word {}, kept as written {}, \
             organization {}",
            self.total, self.inverted, self.single, self.kept, self.organization
        );
    }
}

/// The class of a disagreement between our heading (from Tate's display form) and
/// Tate's heading.
fn class(ours: &str, tate: &str, fc: &str) -> &'static str {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let words = |s: &str| -> BTreeSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    if fc.contains('(') || fc.contains('&') || fc.contains(';') {
        return "kept as written: Tate's display form adds a bracketed real name or lists members";
    }
    if words(ours) == words(tate) {
        if ["Sir", "Lady", "Lord", "Dame", "Rev", "Hon", "Mrs", "Miss"]
            .iter()
            .any(|t| tate.contains(&format!(", {t}")) || tate.contains(&format!(", The {t}")))
        {
            return "term of address after the forename (RDA 9.19.1.2), Tate puts it before";
        }
        return "same words, other order or punctuation";
    }
    if words(tate).is_subset(&words(ours)) {
        return "ours keeps what Tate's heading leaves out";
    }
    if words(ours).is_subset(&words(tate)) {
        return "Tate's heading has what its display form leaves out";
    }
    if fold(ours) == fold(fc) {
        return "kept as written, Tate inverts";
    }
    "other"
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [artists, artworks] = files[..] else {
        eprintln!("usage: tate_names ARTIST_DATA.csv ARTWORKS.csv [--list]");
        std::process::exit(2);
    };

    // 1. The artist list, in Tate's heading (mda) form.
    let mut mda = Tally::default();
    let mut reader = csv::Reader::from_path(artists)?;
    let headers = reader.headers()?.clone();
    let col = headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == "name")
        .ok_or("no `name` column")?;
    let mut artist_names = Vec::new();
    for row in reader.records() {
        artist_names.push(row?[col].to_string());
    }
    for name in &artist_names {
        let (heading, how) = mda.add(name);
        if list && how != "read" {
            println!("mda\t{how}\t{name}\t{heading}");
        }
    }
    mda.print("artist list, heading form (mda)");

    // 2. Distinct creator pairs of the artworks: display form (fc) -> heading, compared
    //    with Tate's heading (mda).
    let mut reader = csv::Reader::from_path(artworks)?;
    let headers = reader.headers()?.clone();
    let at = |n: &str| headers.iter().position(|h| h == n).ok_or(format!("no {n}"));
    let (m, f) = (at("creators_mda")?, at("creators_fc")?);
    let mut pairs = BTreeSet::new();
    for row in reader.records() {
        let row = row?;
        let ms: Vec<&str> = row[m].split(" ;; ").collect();
        let fs: Vec<&str> = row[f].split(" ;; ").collect();
        if ms.len() == fs.len() {
            for (a, b) in ms.into_iter().zip(fs) {
                pairs.insert((a.to_string(), b.to_string()));
            }
        }
    }
    let mut fc = Tally::default();
    let mut agree = 0;
    let mut classes: BTreeMap<&str, Vec<(String, String, String)>> = BTreeMap::new();
    for (tate, display) in &pairs {
        let (ours, how) = fc.add(display);
        if list && how != "read" {
            println!("fc\t{how}\t{display}\t{ours}");
        }
        if ours == *tate {
            agree += 1;
        } else {
            classes
                .entry(class(&ours, tate, display))
                .or_default()
                .push((display.clone(), ours, tate.clone()));
        }
    }
    fc.print("creators, display form (fc)");
    println!(
        "fc -> heading equal to Tate's mda: {agree} of {} distinct pairs",
        pairs.len()
    );
    for (c, rows) in &classes {
        println!("  {:4}  {c}", rows.len());
        for (display, ours, tate) in rows.iter().take(if list { usize::MAX } else { 4 }) {
            println!("        {display:?} -> {ours:?}; Tate: {tate:?}");
        }
    }
    Ok(())
}
