//! Normalization: raw field values → the forms every export shares.
//!
//! Each sub-module is a pure function of one value, so it can be tested and benchmarked
//! alone; the record-level assembly lives in [`crate::record`].

pub mod dates;
pub mod languages;
pub mod names;
