//! `pipeline` reads catalogue records written as YAML, validates them against a JSON Schema
//! and the rules a schema cannot express, normalizes dates, names and languages, and exports
//! Dublin Core XML (oai_dc), CSV and JSON-LD.

pub mod byte_scan;
pub mod cache;
pub mod catalogue;
pub mod choice;
pub mod contain;
pub mod convert;
pub mod crosscheck;
pub mod diagnostics;
pub mod export;
pub mod fast_yaml;
pub mod file_list;
pub mod fix;
pub mod incremental;
pub mod name_variants;
pub mod normalize;
pub mod outline_file;
mod outline_table;
pub mod progress;
pub mod publish;
pub mod read;
pub mod record;
pub mod render;
pub mod report;
pub mod schema;
pub mod selection;
pub mod shard;
pub mod staging;
pub mod stream_index;
pub mod streaming;
