//! Snapshots of the three exports of the shipped collection ("Repatriation to North Korea").
//!
//! Each snapshot was read and checked by hand against `../shared/collection-listing.txt`
//! and RECORD-FORMAT.md when it was accepted: titles, dates (EDTF and bounds), headings
//! (`Liu, Shaoqi, 1898-1969`; `Puzanov, A. M.`), ISO 639 codes, relations. A change to any
//! export shows up here as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always`
//! and `git diff`).

use std::path::Path;

use pipeline::catalogue::{self, Settings};
use pipeline::export::{ExportOptions, csv, dublin_core, jsonld};

fn shipped() -> catalogue::Catalogue {
    let settings = Settings::new(None).unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    catalogue::load(&input, &settings).unwrap()
}

#[test]
fn dublin_core_of_the_shipped_collection() {
    let c = shipped();
    let options = ExportOptions::default();
    let mut all = String::new();
    for r in &c.records {
        all.push_str(&format!("==> dc/{}.xml <==\n", r.id));
        all.push_str(&String::from_utf8(dublin_core::render(r, &options).unwrap()).unwrap());
    }
    insta::assert_snapshot!(all);
}

#[test]
fn csv_of_the_shipped_collection() {
    let c = shipped();
    let bytes = csv::render(&c.records, &ExportOptions::default()).unwrap();
    insta::assert_snapshot!(String::from_utf8(bytes).unwrap());
}

#[test]
fn jsonld_of_the_shipped_collection() {
    let c = shipped();
    let bytes = jsonld::render(&c.records, &c.collections, &ExportOptions::default()).unwrap();
    insta::assert_snapshot!(String::from_utf8(bytes).unwrap());
}
