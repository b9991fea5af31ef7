//! The name normalizer on any text, as a person and as an organization.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipeline::normalize::names::{AgentKind, AuthorityIndex, resolve_agent};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let authorities = AuthorityIndex::empty();
    for kind in [AgentKind::Person, AgentKind::Organization] {
        let _ = resolve_agent(&text, kind, None, &authorities);
    }
});
