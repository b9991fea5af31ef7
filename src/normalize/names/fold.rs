//! Folding for matching: the form of a name that the authority match key
//! ([`super::authority::match_key`]) and the variant fingerprint ([`super::fingerprint`]) are
//! built from. Display forms and headings are never folded: they keep every letter.
//!
//! Why a module of its own: canonical decomposition (NFD, then dropping the combining
//! marks) folds `é` to `e` and `ặ` to `a`, but leaves the Latin letters that Unicode does
//! not decompose: `ł`, `ø`, `ß`, `đ`, `æ`, `œ`, `þ`, `ð`, `ı`, `ŋ`, `ħ`. Before, `Wałęsa` and
//! `Walesa`, `Søren` and `Soren`, `Strauß` and `Strauss`, `Ægidius` and `Aegidius`, `Đặng`
//! and `Dang` were never compared equal: no N001, and the authority entry `Lech Wałęsa` did
//! not match `Lech Walesa`.
//!
//! **The rule**: NFD; combining marks and apostrophes dropped; a remaining *Latin letter*
//! that is not ASCII is replaced by its ASCII transliteration from the `any_ascii` crate
//! (`ł` → `l`, `ø` → `o`, `ß` → `ss`, `æ` → `ae`, `œ` → `oe`, `þ` → `th`, `đ` → `d`,
//! `ı` → `i`); everything lower case. Letters of other scripts (Cyrillic, Greek, Han,
//! Hangul, ...) are only lowercased: transliterating them would be a romanization, which the
//! match key leaves to the cataloguer on purpose (`Pak` and `Park` may be two people; so may
//! `Борис` and `Boris`). "Latin letter" is an alphabetic character of the Latin blocks:
//! Latin-1 Supplement, Latin Extended-A to -E, Latin Extended Additional and the Latin
//! ligatures (`ﬁ`); `×` and `÷` of Latin-1 are not letters and stay as they are.
//!
//! **Why `any_ascii`** (rather than `deunicode`, the other well-kept transliteration crate, or
//! a table of our own): both map the Latin letters the same way for the letters above;
//! `any_ascii` gives one `&'static str` per character with no `Option` and no allocation,
//! has no dependency, and documents its mappings as following the established
//! romanizations (ISC licence, maintained: 0.3.3, 2025). A hand-written table would have to
//! be kept complete by us.
//!
//! **Cost**: one pass over the name, one output `String` (ASCII text, the common case, takes
//! a fast path that does not decompose); linear in the length of the name.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::lexicon::is_apostrophe;

/// The folded form of `s` (see the module docs): `fold("Wałęsa") == fold("Walesa")`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`], appended to `out`.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        // NFD leaves ASCII as it is and it has no combining marks.
        out.extend(
            s.bytes()
                .filter(|&b| b != b'\'' && b != b'`')
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    for c in s.nfd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_latin_letter(c) {
            let ascii = any_ascii::any_ascii_char(c);
            if ascii.is_empty() {
                out.extend(c.to_lowercase());
            } else {
                out.extend(ascii.chars().map(|a| a.to_ascii_lowercase()));
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// Whether `c` is a letter of one of the Latin blocks (see the module docs).
fn is_latin_letter(c: char) -> bool {
    let latin = matches!(c,
        '\u{00C0}'..='\u{024F}'     // Latin-1 Supplement letters, Latin Extended-A and -B
        | '\u{1E00}'..='\u{1EFF}'   // Latin Extended Additional (Vietnamese, Welsh)
        | '\u{2C60}'..='\u{2C7F}'   // Latin Extended-C
        | '\u{A720}'..='\u{A7FF}'   // Latin Extended-D
        | '\u{AB30}'..='\u{AB6F}'   // Latin Extended-E
        | '\u{FB00}'..='\u{FB06}'); // Latin ligatures
    latin && c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letters named in issue #23, each against its ASCII spelling (the spellings
    /// libraries use for them: LC romanization tables and NACO normalization fold `ł`, `ø`,
    /// `đ` to their base letter, `ß` to `ss`, `æ`/`œ`/`þ` to `ae`/`oe`/`th`).
    #[test]
    fn letters_without_a_decomposition_are_folded() {
        for (with, without) in [
            ("Wałęsa", "Walesa"),
            ("Søren", "Soren"),
            ("Strauß", "Strauss"),
            ("Ægidius", "Aegidius"),
            ("Đặng", "Dang"),
            ("Œuvre", "Oeuvre"),
            ("Þórr", "Thorr"),
            ("Kırşehir", "Kirsehir"),
            ("ÉCOLE", "ecole"),
            ("Ch’oe", "Choe"),
        ] {
            assert_eq!(fold(with), fold(without), "{with} / {without}");
            assert!(fold(with).is_ascii(), "{with}");
        }
    }

    /// Other scripts are lowercased, not romanized; symbols of Latin-1 are not letters.
    #[test]
    fn other_scripts_are_only_lowercased() {
        assert_eq!(fold("Борис"), "борис");
        assert_eq!(fold("毛泽东"), "毛泽东");
        assert_eq!(fold("ΣΟΦΊΑ"), "σοφια");
        assert_eq!(fold("2×3"), "2×3");
    }

    #[test]
    fn ascii_fast_path_folds_as_the_general_path() {
        let every: String = (0u8..128).map(char::from).collect();
        // A non-ASCII letter at the end sends the text down the general path.
        let general = fold(&format!("{every}é"));
        assert_eq!(fold(&every), general[..general.len() - 1]);
    }
}
