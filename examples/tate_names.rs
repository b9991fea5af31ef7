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
    unproven: usize,
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
        } else if p.unproven() {
            self.unproven += 1;
            "kept as written, no evidence (N006)"
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
             no evidence to invert {}, organization {}",
            self.total, self.inverted, self.single, self.kept, self.unproven, self.organization
        );
    }
}

/// The class of a disagreement between our heading (made from Tate's display form `fc`)
/// and Tate's heading; the first class that fits, in this order.
fn class(ours: &str, tate: &str, fc: &str, kept: bool, organization: bool) -> &'static str {
    let words = |s: &str| -> BTreeSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let family = |s: &str| s.split(',').next().unwrap_or("").trim().to_string();
    let address = [
        "Sir", "Lady", "Lord", "Dame", "Rev", "Hon", "Mrs", "Miss", "Comte", "Count",
    ];
    if organization {
        return "A organization word: kept as written (N002)";
    }
    if kept {
        return "B kept as written (N005): names joined, brackets, unknown words; Tate inverts or trims";
    }
    if fc == ours {
        return "M kept as written for want of evidence (N006)";
    }
    if ours.replace(". ", ".") == tate.replace(". ", ".")
        || ours.replace(". ", ".").replace('.', "") == tate.replace(". ", ".").replace('.', "")
    {
        return "C initials spaced (LC-PCC PS 8.5.6.1); Tate writes them without spaces or periods";
    }
    if words(ours) == words(tate) {
        if address
            .iter()
            .any(|t| tate.contains(&format!(", {t}")) || tate.contains(&format!(", The {t}")))
        {
            return "D term of address after the forename (RDA 9.19.1.2); Tate puts it before";
        }
        if ["OBE", "CBE", "MBE", "RA", "OM"]
            .iter()
            .any(|t| tate.contains(&format!(", {t} ")))
        {
            return "E Tate's heading folds an honour into the forename";
        }
        let (fo, ft) = (family(ours), family(tate));
        let first_word = fc.split_whitespace().next().unwrap_or("");
        if fo == first_word || ft == first_word {
            return "F family name first or last (Chinese, Korean names)";
        }
        if ft.contains(' ') && ft.ends_with(&fo) && !fo.contains(' ') {
            return "G compound family name without a hyphen (limit)";
        }
        if fo.contains(' ') || ft.contains(' ') || fo.starts_with("d'") {
            if fc.contains(" of ") {
                return "I epithet of place read as part of the family name by Tate";
            }
            return "H prefix placed by another language's custom (RDA F.11; language unknown)";
        }
        return "I other order (epithet of place)";
    }
    if words(tate).is_subset(&words(ours)) {
        return "J ours keeps what Tate's heading leaves out (middle names, Sir, honours, a bracketed real name)";
    }
    if words(ours).is_subset(&words(tate)) {
        return "K Tate's heading has what its display form leaves out (Dr, Esq, CBE, née)";
    }
    "L spelling differs between Tate's two forms"
}

/// The words of a name, sorted (order and punctuation ignored).
fn sorted_words(s: &str) -> Vec<String> {
    let mut w: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    w.sort();
    w
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
    let mut same = 0;
    let mut differ: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for n in &artist_names {
        let heading = normalize_person(n).heading;
        if heading == *n {
            same += 1;
            continue;
        }
        let c = if heading.replace(". ", ".") == n.replace(". ", ".") {
            "initials spaced (LC-PCC PS 8.5.6.1)"
        } else if sorted_words(&heading) == sorted_words(n) {
            "terms of address moved after the forename (RDA 9.19.1.2)"
        } else {
            "titles dropped as roles (Dr, Professor, Esq)"
        };
        differ.entry(c).or_default().push((n.clone(), heading));
    }
    println!(
        "mda -> heading equal to Tate's heading as written: {same} of {}",
        artist_names.len()
    );
    for (c, rows) in &differ {
        println!("  {:4}  {c}", rows.len());
        for (n, h) in rows.iter().take(if list { usize::MAX } else { 3 }) {
            println!("        {n:?} -> {h:?}");
        }
    }

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
            let (kept, organization) = (how.starts_with("kept"), how.starts_with("organization"));
            classes
                .entry(class(&ours, tate, display, kept, organization))
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
