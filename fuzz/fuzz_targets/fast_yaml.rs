//! The fast YAML front end against saphyr: for any UTF-8 input, the fast path either
//! declines or yields the tree saphyr's path yields, spans included (compared through
//! `Debug`, which treats NaN as equal to itself). Also catches panics in the fast path.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pipeline::read::{self, Limits};

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.yaml");
    let Ok(text) = read::decode(path, bytes) else {
        return;
    };
    let limits = Limits::default();
    if let Some(Ok(fast)) = read::parse_fast(path, text, &limits) {
        match read::parse_saphyr(path, text, &limits) {
            Ok(slow) => assert_eq!(
                format!("{fast:?}"),
                format!("{slow:?}"),
                "the fast path's tree differs from saphyr's for {text:?}"
            ),
            Err(e) => panic!("the fast path accepted {text:?}, which saphyr refuses: {e}"),
        }
    }
});
