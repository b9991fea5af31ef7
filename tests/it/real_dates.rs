//! The real-catalogue regression corpus (issue #14): distinct date forms from openly licensed
//! catalogues, each with the reading a cataloguer gives it, in `tests/data/real/dates/`
//! (sources, licences and commits in its README). A form is read to exactly the expected
//! EDTF, or refused with the expected finding code; nothing else passes.

use pipeline::normalize::dates::{DateErrorKind, DateInput, normalize_date};

fn code(kind: DateErrorKind) -> &'static str {
    kind.code().as_str()
}

/// Every `written<TAB>expected[<TAB>...]` line of `file` (comments start with `#`).
fn cases(file: &str) -> Vec<(String, String)> {
    let path = format!(
        "{}/tests/data/real/dates/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut fields = l.split('\t');
            let written = fields.next().unwrap().to_string();
            let expected = fields
                .next()
                .unwrap_or_else(|| panic!("{file}: no expectation in {l:?}"))
                .to_string();
            (written, expected)
        })
        .collect()
}

fn check(file: &str) {
    let cases = cases(file);
    assert!(!cases.is_empty(), "{file} is empty");
    let mut failures = Vec::new();
    for (written, expected) in &cases {
        let got = match normalize_date(DateInput::Text(written)) {
            Ok(n) => n.edtf,
            Err(e) => format!("REFUSED:{}", code(e.kind)),
        };
        if &got != expected {
            failures.push(format!("{written:?}: expected {expected}, got {got}"));
        }
        // Whatever is accepted reads back as itself (what `fix` may write is stable).
        if !got.starts_with("REFUSED") {
            let again = normalize_date(DateInput::Text(&got)).map(|n| n.edtf);
            assert_eq!(again.as_deref(), Ok(got.as_str()), "{written:?}");
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {} of {} forms read wrongly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn tate_collection_forms() {
    check("tate.tsv");
}

#[test]
fn university_of_idaho_collectionbuilder_forms() {
    check("idaho.tsv");
}

#[test]
fn library_cataloguing_rule_examples() {
    check("library.tsv");
}

/// Issue #23: the forms quoted from three museum catalogues the project had not seen.
#[test]
fn issue_23_unseen_catalogue_forms() {
    check("issue23.tsv");
}

/// The written forms in the corpus are distinct (one line per form).
#[test]
fn forms_are_distinct() {
    for file in ["tate.tsv", "idaho.tsv", "library.tsv", "issue23.tsv"] {
        let mut seen = std::collections::HashSet::new();
        for (written, _) in cases(file) {
            assert!(seen.insert(written.clone()), "{file}: {written:?} twice");
        }
    }
}
