//! `pipeline` reads catalogue records written as YAML, validates them against a JSON Schema
//! and the rules a schema cannot express, normalizes dates, names and languages, and exports
//! Dublin Core XML (oai_dc), CSV and JSON-LD.
//!
//! The modules are the stages a record goes through, in order, and the engine that drives
//! them (`docs/architecture.md` draws the map):
//!
//! - [`read`]: bytes → a tree with the line and column of every value; which files of a
//!   catalogue may be read at all ([`read::contain`]).
//! - [`validate`]: the JSON Schema, and the checks across records (unique ids, references
//!   that resolve, name warnings).
//! - [`normalize`]: dates to EDTF, names to authority forms, languages to ISO 639 codes, and
//!   the normalized record ([`normalize::record`]).
//! - [`export`]: the three encoders (Dublin Core, CSV, JSON-LD), one per format.
//! - [`output`]: staging and the atomic publishing of generations of the output folder.
//! - [`report`]: the run report (`report.html`, `report.json`).
//! - [`engine`]: the one streaming pass every command that reads a catalogue goes through
//!   ([`engine::run`]), with its [`engine::selection`], the incremental store, the outline
//!   cache, sharding and `convert`.
//! - [`fix`]: `pipeline fix`, safe normalizations edited into the source.
//! - [`diagnostics`] and [`render`]: the findings every stage reports, and their five formats;
//!   [`escape`]: catalogue text made harmless where it is printed (logs read by CI runners,
//!   terminals, SARIF URIs, HTML); [`choice`]: the named values of options.

pub mod choice;
pub mod diagnostics;
pub mod engine;
pub mod escape;
pub mod export;
pub mod fix;
pub mod normalize;
pub mod output;
pub mod read;
pub mod render;
pub mod report;
pub mod validate;
