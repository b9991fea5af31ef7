//! Normalization: raw field values → the forms every export shares.
//!
//! Each sub-module is a pure function of one value, so it can be tested and benchmarked
//! alone; the record-level assembly lives in [`crate::normalize::record`].

pub mod dates;
pub mod languages;
pub mod names;
pub mod record;

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// `text` in Unicode NFC, borrowed when it already is (pure ASCII always is; other text
/// when the quick check says so), so that the common case copies and allocates nothing.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_borrows_only_text_already_composed() {
        assert!(matches!(nfc("Kim Il Sung"), Cow::Borrowed(_)));
        assert!(matches!(nfc("Pak T\u{14f}k-hwan"), Cow::Borrowed(_)));
        // `o` + combining breve: composed to U+014F.
        let decomposed = "Pak To\u{306}k-hwan";
        assert_eq!(nfc(decomposed), "Pak T\u{14f}k-hwan");
        assert!(matches!(nfc(decomposed), Cow::Owned(_)));
    }
}
