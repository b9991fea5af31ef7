//! Hostile and malformed input: every case is a finding with its file and place (exit 1),
//! never a panic, a hang, a stack overflow or unbounded memory.
//!
//! `tests/fixtures/hostile/` holds one file per case; [`CASES`] says which finding each one
//! must produce and where. Cases that cannot be a committed file (permissions, symbolic-link
//! loops, values of several megabytes) are built in a temporary folder by the tests below.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use pipeline::catalogue::{self, Settings};
use pipeline::diagnostics::{Code, Finding};
use pipeline::read::{self, Limits};
use predicates::prelude::*;
use tempfile::TempDir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn pipeline() -> Command {
    let mut cmd = Command::cargo_bin("pipeline").expect("the pipeline binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// File → the first finding it must produce: code, and line and column where the file has
/// them (`None` for a file as a whole: an encoding named by its byte-order mark, no record).
/// `None` as the code: the file is valid.
type Case = (&'static str, Option<Code>, Option<(usize, usize)>);

const CASES: &[Case] = &[
    ("alias-bomb.yaml", Some(Code::Limit), Some((5, 45))),
    ("alias-long-text.yaml", Some(Code::Limit), Some((4, 65))),
    ("alias-too-deep.yaml", Some(Code::Limit), Some((3, 34))),
    (
        "alias-undefined.yaml",
        Some(Code::YamlSyntax),
        Some((2, 10)),
    ),
    (
        "control-escaped-bell.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    (
        "control-in-key.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 1)),
    ),
    (
        "control-nul.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 9)),
    ),
    (
        "control-raw-in-quotes.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 10)),
    ),
    (
        "control-raw-plain.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    ("deep-block-mapping.yaml", Some(Code::Limit), Some((1, 129))),
    (
        "deep-block-sequence.yaml",
        Some(Code::Limit),
        Some((1, 129)),
    ),
    ("deep-flow-mapping.yaml", Some(Code::Limit), Some((1, 1021))),
    ("deep-flow-sequence.yaml", Some(Code::Limit), Some((1, 256))),
    (
        "deep-indented-mapping.yaml",
        Some(Code::Limit),
        Some((65, 65)),
    ),
    (
        "duplicate-key-nested.yaml",
        Some(Code::DuplicateKey),
        Some((2, 22)),
    ),
    ("duplicate-key.yaml", Some(Code::DuplicateKey), Some((3, 1))),
    (
        "empty-document-in-stream.yaml",
        Some(Code::EmptyDocument),
        Some((7, 1)),
    ),
    ("empty.yaml", Some(Code::EmptyDocument), None),
    ("id-hidden.yaml", Some(Code::InvalidId), Some((1, 5))),
    ("id-with-slash.yaml", Some(Code::InvalidId), Some((1, 5))),
    (
        "invalid-utf8-truncated.yaml",
        Some(Code::Encoding),
        Some((2, 8)),
    ),
    ("invalid-utf8.yaml", Some(Code::Encoding), Some((2, 11))),
    ("key-is-a-list.yaml", Some(Code::YamlSyntax), Some((2, 3))),
    (
        "noncharacter-fffe-escaped.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 16)),
    ),
    (
        "noncharacter-ffff-raw.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    (
        "not-a-mapping-list.yaml",
        Some(Code::NotAMapping),
        Some((1, 1)),
    ),
    (
        "not-a-mapping-scalar.yaml",
        Some(Code::NotAMapping),
        Some((1, 1)),
    ),
    ("only-comments.yaml", Some(Code::EmptyDocument), None),
    (
        "path-traversal-id.yaml",
        Some(Code::InvalidId),
        Some((1, 5)),
    ),
    (
        "syntax-colon-in-value.yaml",
        Some(Code::YamlSyntax),
        Some((2, 13)),
    ),
    (
        "syntax-tab-indent.yaml",
        Some(Code::YamlSyntax),
        Some((3, 2)),
    ),
    (
        "syntax-unclosed-bracket.yaml",
        Some(Code::YamlSyntax),
        Some((3, 1)),
    ),
    (
        "syntax-unclosed-quote.yaml",
        Some(Code::YamlSyntax),
        Some((2, 8)),
    ),
    ("utf16be-bom.yaml", Some(Code::Encoding), None),
    ("utf16le-bom.yaml", Some(Code::Encoding), None),
    ("utf32be-bom.yaml", Some(Code::Encoding), None),
    ("utf32le-bom.yaml", Some(Code::Encoding), None),
    ("utf8-bom.yaml", None, None),
];

fn findings_by_file(dir: &Path) -> Vec<(String, Vec<Finding>)> {
    let settings = Settings::new(None).unwrap();
    let catalogue = catalogue::load(dir, &settings).unwrap();
    let mut out: Vec<(String, Vec<Finding>)> = Vec::new();
    for f in catalogue.findings {
        let name = f.file.file_name().unwrap().to_string_lossy().into_owned();
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(f),
            None => out.push((name, vec![f])),
        }
    }
    out
}

#[test]
fn every_hostile_fixture_is_one_located_finding() {
    let started = Instant::now();
    let found = findings_by_file(&fixtures());
    // All 38 files, including 20,000-level nesting and an alias bomb, in well under a second
    // in a release build; the bound here is loose for debug builds on a busy machine.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    let mut names: Vec<String> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let table: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    assert_eq!(
        names, table,
        "every fixture has a row in CASES, and only those"
    );

    for (file, code, place) in CASES {
        let findings = found
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default();
        let Some(code) = code else {
            assert!(findings.is_empty(), "{file}: {findings:?}");
            continue;
        };
        let first = findings
            .first()
            .unwrap_or_else(|| panic!("{file}: no finding"));
        assert_eq!(first.code, *code, "{file}: {first}");
        assert_eq!(
            first.location.map(|l| (l.line, l.col)),
            *place,
            "{file}: {first}"
        );
        assert!(first.help.is_some(), "{file}: no help line");
    }
}
