//! Exports: the normalized records → Dublin Core XML, CSV and JSON-LD.
//!
//! Each format is one module with one encoder, written record by record and tested without
//! touching the disk: [`dublin_core::render`] gives a record's file; [`csv`] has a header, a
//! row per record and no closing; [`jsonld`] has an opening, a node per record (then per
//! agent) and a closing. `run` ([`crate::engine`]), `convert` and `merge` ([`crate::engine::shard`])
//! all write with these, and [`crate::output::publish`] switches the finished files in atomically.
//! All three are fed the same records in the same (id) order.

pub mod csv;
pub mod dublin_core;
pub mod jsonld;

use crate::normalize::dates::Bound;

/// Settings shared by the exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The base from which record, collection and agent IRIs are made (JSON-LD `@id`,
    /// Dublin Core `dc:identifier` and `dc:relation`). Ends with `/` or `#`.
    pub base_iri: String,
    /// The separator between several values in one CSV cell.
    pub csv_separator: char,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            base_iri: DEFAULT_BASE_IRI.to_string(),
            csv_separator: '|',
        }
    }
}

/// The base IRI used when none is configured. `example.org` is reserved for examples
/// (RFC 2606): a publisher sets its own with `--base-iri`.
pub const DEFAULT_BASE_IRI: &str = "https://example.org/catalogue/";

impl ExportOptions {
    pub fn record_iri(&self, id: &str) -> String {
        format!("{}records/{id}", self.base_iri)
    }

    pub fn collection_iri(&self, id: &str) -> String {
        format!("{}collections/{id}", self.base_iri)
    }
}

/// A date bound as written in exports: an ISO day, `..` for an open end, empty when unknown.
pub fn bound_text(bound: &Bound) -> String {
    match bound {
        Bound::Day(day) => day.to_string(),
        Bound::Open => "..".to_string(),
        Bound::Unknown => String::new(),
    }
}
