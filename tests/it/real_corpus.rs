//! The regression corpus of issue #23: three museum catalogues (CC0) that publish, for each
//! agent, a display form and their own inverted heading, and for each date the text and
//! their own begin and end years: Carnegie Museum of Art (`cmoa`), National Gallery of Art
//! (`nga`), Colby College Museum of Art (`colby`). A sample of each (every Nth distinct
//! form, `tests/data/real/<institution>/README.md`) is measured with the same code as the
//! whole catalogues (`examples/corpus_measure/measure.rs`, figures in
//! `docs/real-catalogue-corpus.md`).
//!
//! Expectations come from the institutions' own headings and years, with the documented
//! classes of legitimate difference (`measure.rs`): no heading may differ from the
//! institution's without a finding or a documented class, and no date may be read to other
//! years than the institution's beyond what the form allows, except the rows reviewed by
//! hand (a `reviewed:` note in the fifth column says why the institution's heading or years
//! are the error; `examples/corpus_extract.py` writes the notes with the samples).
//!
//! `cargo test --test it real_corpus -- --nocapture --include-ignored` prints the figures.

#[allow(dead_code)]
#[path = "../../examples/corpus_measure/measure.rs"]
mod measure;

use measure::{DateOutcome, DateRow, NameOutcome, NameRow};

const INSTITUTIONS: [&str; 3] = ["cmoa", "nga", "colby"];

fn read(inst: &str, what: &str) -> String {
    let path = format!(
        "{}/tests/data/real/{inst}/{what}.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first column of the rows reviewed by hand (a `reviewed:` note in the fifth column).
fn reviewed(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            f.get(4)
                .filter(|n| n.starts_with("reviewed:"))
                .map(|_| f[0].to_string())
        })
        .collect()
}

/// The name rows, and the display forms whose institution heading was reviewed as wrong.
fn names(inst: &str) -> (Vec<NameRow>, Vec<String>) {
    let text = read(inst, "names");
    let rows = measure::read_names(&text);
    assert!(rows.len() >= 250, "{inst}: {} name rows", rows.len());
    (rows, reviewed(&text))
}

/// The date rows, and the texts whose institution years were reviewed as wrong.
fn dates(inst: &str) -> (Vec<DateRow>, Vec<String>) {
    let text = read(inst, "dates");
    let rows = measure::read_dates(&text);
    assert!(rows.len() >= 250, "{inst}: {} date rows", rows.len());
    (rows, reviewed(&text))
}

fn share((distinct, _): (u64, u64), all: u64) -> f64 {
    100.0 * distinct as f64 / all.max(1) as f64
}

/// The share of distinct date forms refused today on each sample, rounded up: refusals may
/// only go down (issue #23 asks for at most 10 % on unseen catalogues; NGA's are life dates,
/// `born 1907`, `active c. 1935`, which no object date reader reads).
const REFUSED_CEILING: [(&str, f64); 3] = [("cmoa", 15.0), ("nga", 28.0), ("colby", 16.0)];

/// Issue #23's ceiling for names kept as written, over distinct names.
const KEPT_CEILING: f64 = 10.0;

#[test]
fn no_date_is_silently_misread() {
    let mut failures = Vec::new();
    for inst in INSTITUTIONS {
        let (rows, reviewed) = dates(inst);
        let f = measure::measure_dates(&rows);
        eprintln!(
            "{inst} dates: {} distinct, agree {:.1} %, documented difference {:.1} %, \
             refused {:.1} %, not audited {:.1} %, misread candidates {}",
            f.distinct,
            share(f.agree(), f.distinct),
            share(f.legit(), f.distinct),
            share(f.refused(), f.distinct),
            share(f.unaudited(), f.distinct),
            f.misread().0
        );
        for (row, outcome, edtf) in measure::date_results(&rows) {
            let is_reviewed = reviewed.contains(&row.text);
            match (outcome == DateOutcome::Misread, is_reviewed) {
                (true, false) => failures.push(format!(
                    "{inst}: {:?} read {edtf}, the institution says {:?}-{:?}",
                    row.text, row.begin, row.end
                )),
                // A note that no longer applies must go, so that none hides a change.
                (false, true) => failures.push(format!(
                    "{inst}: {:?} is marked reviewed but is now {outcome:?} ({edtf})",
                    row.text
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn refused_dates_stay_under_their_ceiling() {
    for (inst, ceiling) in REFUSED_CEILING {
        let (rows, _) = dates(inst);
        let f = measure::measure_dates(&rows);
        let refused = share(f.refused(), f.distinct);
        assert!(
            refused <= ceiling,
            "{inst}: {refused:.1} % of distinct date forms refused, ceiling {ceiling} %"
        );
    }
}

/// The wrong headings without a finding that are known and still open (issue #23's target
/// is none): each is a form the text alone does not settle and the rules still read. The
/// test fails on any other wrong heading, and on one of these that is no longer wrong (take
/// it off the list then).
/// - `Dong Kingman`: a Chinese-American painter written in Western order (LCNAF `Kingman,
///   Dong`); `Dong` is a Chinese family name and `Kingman` is no given name of the list, so
///   the East Asian rule reads it family name first.
/// - `Reinhold Merkelbach`: a German stoneware firm named after its founder (CMOA types it
///   an organization); written as plain text it is read as the person it names.
/// - `K Art`: a body (NGA: corporate) whose name is an initial and a word.
const KNOWN_WRONG: [(&str, &str); 3] = [
    ("cmoa", "Dong Kingman"),
    ("cmoa", "Reinhold Merkelbach"),
    ("nga", "K Art"),
];

#[test]
fn no_heading_is_wrong_without_a_finding() {
    let mut failures = Vec::new();
    for inst in INSTITUTIONS {
        let (rows, reviewed) = names(inst);
        let f = measure::measure_names(&rows);
        eprintln!(
            "{inst} names: {} distinct, agree {:.1} %, documented difference {:.1} %, \
             kept as written {:.1} %, not judged {:.1} %, wrong without a finding {}",
            f.distinct,
            share(f.agree(), f.distinct),
            share(f.legit(), f.distinct),
            share(f.with_finding, f.distinct),
            share(f.unjudged(), f.distinct),
            f.wrong().0
        );
        for r in measure::name_results(&rows) {
            let is_reviewed = reviewed.contains(&r.row.display);
            if is_reviewed && r.outcome == NameOutcome::Agree {
                failures.push(format!(
                    "{inst}: {:?} is marked reviewed but agrees with the institution",
                    r.row.display
                ));
            }
            let known = KNOWN_WRONG.contains(&(inst, r.row.display.as_str()));
            if known && !matches!(r.outcome, NameOutcome::Wrong(_)) {
                failures.push(format!(
                    "{inst}: {:?} is on KNOWN_WRONG but is no longer wrong: take it off",
                    r.row.display
                ));
            }
            if let (NameOutcome::Wrong(class), false, false) = (r.outcome, is_reviewed, known) {
                failures.push(format!(
                    "{inst}: {:?} → {:?}, the institution's heading {:?} ({class})",
                    r.row.display, r.ours, r.row.heading
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Issue #23 asks for at most 10 % of distinct names kept as written ([`KEPT_CEILING`]);
/// with headings only from evidence the samples are at 31.9 % (CMOA), 34.5 % (NGA) and
/// 20.4 % (Colby), N002, N005 and N006 together. Until the target is met, these ceilings
/// (today's figures, rounded up) keep the share from growing.
const KEPT_TODAY: [(&str, f64); 3] = [("cmoa", 32.0), ("nga", 35.0), ("colby", 21.0)];

#[test]
fn names_kept_as_written_stay_under_the_ceiling() {
    for (inst, ceiling) in KEPT_TODAY {
        assert!(ceiling >= KEPT_CEILING);
        let f = measure::measure_names(&names(inst).0);
        let kept = share(f.with_finding, f.distinct);
        assert!(
            kept <= ceiling,
            "{inst}: {kept:.1} % of distinct names kept as written, ceiling {ceiling} % \
             (issue #23's target: {KEPT_CEILING} %)"
        );
    }
}

/// The audit itself: a heading the institution does not invert, inverted without a finding,
/// is counted wrong; the same with a finding is kept; a date read to other years than the
/// institution's, with nothing in the text to explain it, is a misread.
#[test]
fn the_audit_counts_what_it_should() {
    let mut agent = (*measure::our_agent("Kitano Tsunetomi")).clone();
    agent.heading = "Tsunetomi, Kitano".to_string();
    agent.kept_as_written = false;
    // The rules keep it as written (N006: it may be in either order): a heading that differs
    // from the institution's is then one with a finding.
    assert!(agent.unproven.is_some());
    assert_eq!(
        measure::classify_name("Kitano Tsunetomi", "Kitano Tsunetomi", &agent),
        NameOutcome::Finding("N006")
    );
    agent.unproven = None;
    agent.reads_as_organization = false;
    let direct = "Kitano Tsunetomi";
    assert!(matches!(
        measure::classify_name(direct, direct, &agent),
        NameOutcome::Wrong(_)
    ));
    agent.kept_as_written = true;
    assert_eq!(
        measure::classify_name(direct, direct, &agent),
        NameOutcome::Finding("N005")
    );
    agent.kept_as_written = false;
    agent.heading = "Kitano, Tsunetomi".to_string();
    assert!(matches!(
        measure::classify_name(direct, direct, &agent),
        NameOutcome::Legit(_)
    ));

    let row = |text: &str, begin, end| DateRow {
        text: text.to_string(),
        begin: Some(begin),
        end: Some(end),
        count: 1,
    };
    assert_eq!(
        measure::classify_date(&row("1955-1957", 1955, 1957)).0,
        DateOutcome::Agree
    );
    assert_eq!(
        measure::classify_date(&row("May 28, 1938", 1940, 1940)).0,
        DateOutcome::Misread
    );
    // The text states 1913 outright: the institution's 1904 is its own.
    assert!(matches!(
        measure::classify_date(&row("1913", 1904, 1904)).0,
        DateOutcome::Legit(_)
    ));
    assert_eq!(measure::literal_years("1843-4"), None);
    assert_eq!(
        measure::literal_years("17th-19th century"),
        Some((1600, 1899))
    );
    assert_eq!(measure::literal_years("c. 1980s"), Some((1980, 1989)));
    assert_eq!(measure::literal_years("960-1279"), Some((960, 1279)));
    assert_eq!(measure::literal_years("1-199  CE"), Some((1, 199)));
    assert_eq!(measure::literal_years("607"), Some((607, 607)));
    assert_eq!(measure::literal_years("May 28, 1938"), None);
}
