//! `pipeline` reads catalogue records written as YAML, validates them against a JSON Schema
//! and the rules a schema cannot express, normalizes dates, names and languages, and exports
//! Dublin Core XML (oai_dc), CSV and JSON-LD.

pub mod choice;
pub mod diagnostics;
pub mod engine;
pub mod export;
pub mod fix;
pub mod normalize;
pub mod output;
pub mod read;
pub mod render;
pub mod report;
pub mod validate;
