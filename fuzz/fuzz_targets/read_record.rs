//! The YAML reader with record validation: bytes → decode → parse (spans, limits) → schema →
//! normalized record. The same steps as `fuzz_smoke` in tests/hostile.rs.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pipeline::catalogue::Settings;
use pipeline::normalize::names::AuthorityIndex;
use pipeline::read::{self, Limits, Value};
use pipeline::record::{self, Context};

static SETTINGS: OnceLock<(Settings, AuthorityIndex)> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let (settings, authorities) =
        SETTINGS.get_or_init(|| (Settings::new(None).unwrap(), AuthorityIndex::empty()));
    let path = Path::new("fuzz.yaml");
    let Ok(text) = read::decode(path, bytes) else {
        return;
    };
    let Ok(docs) = read::parse(path, text, &Limits::default()) else {
        return;
    };
    let ctx = Context {
        authorities,
        date_options: &settings.date_options,
    };
    for doc in &docs {
        if matches!(doc.value, Value::Map(_)) && settings.schema.check(path, doc).is_empty() {
            let _ = record::normalize_record(path, doc, docs.len() > 1, &ctx);
        }
    }
});
