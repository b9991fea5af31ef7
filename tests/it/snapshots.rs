//! Snapshots of the three exports of the shipped collection ("Repatriation to North Korea"),
//! as `pipeline run` writes them (the streaming engine, then [`Staged::publish`]).
//!
//! Each snapshot was read and checked by hand against `../shared/collection-listing.txt`
//! and RECORD-FORMAT.md when it was accepted: titles, dates (EDTF and bounds), headings
//! (`Liu, Shaoqi, 1898-1969`; `Puzanov, A. M.`), ISO 639 codes, relations. A change to any
//! export shows up here as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always`
//! and `git diff`).
//!
//! [`Staged::publish`]: pipeline::engine::Staged::publish

use std::path::Path;

use pipeline::engine;
use pipeline::engine::catalogue::Settings;
use pipeline::engine::selection::Selection;
use tempfile::TempDir;

use crate::support::{options, shipped_input};

/// The shipped collection run into a new output folder.
fn shipped() -> TempDir {
    let settings = Settings::new(None).unwrap();
    let out = TempDir::new().unwrap();
    let (c, staged) = engine::run(
        &shipped_input(),
        &settings,
        &options(Some(out.path()), Selection::All),
    )
    .unwrap();
    assert_eq!(c.findings, vec![], "the shipped collection is valid");
    staged.unwrap().publish().unwrap();
    out
}

fn text(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn dublin_core_of_the_shipped_collection() {
    let out = shipped();
    let mut files: Vec<_> = std::fs::read_dir(out.path().join("dc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    let mut all = String::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        all.push_str(&format!("==> dc/{name} <==\n"));
        all.push_str(&text(path));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn csv_of_the_shipped_collection() {
    let out = shipped();
    insta::assert_snapshot!(text(&out.path().join("records.csv")));
}

#[test]
fn jsonld_of_the_shipped_collection() {
    let out = shipped();
    insta::assert_snapshot!(text(&out.path().join("records.jsonld")));
}
