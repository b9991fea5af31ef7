//! The date normalizer on any text and any integer year.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipeline::normalize::dates::{DateInput, normalize_date};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let _ = normalize_date(DateInput::Text(&text));
    if let Ok(head) = <[u8; 8]>::try_from(bytes.get(..8).unwrap_or_default()) {
        let _ = normalize_date(DateInput::Integer(i64::from_le_bytes(head)));
    }
});
