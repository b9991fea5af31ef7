//! The YAML reader with record validation: bytes → decode → parse (spans, limits) → schema →
//! normalized record, through the same function the pipeline uses for every record file
//! (`catalogue::process_bytes`). `fuzz_smoke` in tests/it/hostile.rs runs it on stable.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pipeline::engine::catalogue::{Settings, process_bytes};
use pipeline::normalize::names::AuthorityIndex;

static SETTINGS: OnceLock<(Settings, AuthorityIndex)> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let (settings, authorities) =
        SETTINGS.get_or_init(|| (Settings::new(None).unwrap(), AuthorityIndex::empty()));
    let _ = process_bytes(Path::new("fuzz.yaml"), bytes, settings, authorities, true);
});
