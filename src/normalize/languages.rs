//! Languages: an English language name or an ISO 639 code → one ISO 639 code.
//!
//! The code written out is the shortest ISO 639 code for the language, as BCP 47 (RFC 5646)
//! and the Dublin Core recommendation for `dc:language` ask: the two-letter ISO 639-1 code
//! where the language has one (`zh`, `ru`, `ko`), otherwise the three-letter ISO 639-3 code.
//!
//! The tables come from the `isolang` crate (the full ISO 639-1 and 639-3 registries with
//! their English names). Only two things are added here: the ISO 639-2/B "bibliographic"
//! codes that libraries still write (`chi`, `ger`, `fre`, ...) and that 639-3 replaced, and a
//! few everyday English names that differ from the registry's reference name
//! (`Greek` for "Modern Greek (1453-)").
//!
//! Names are looked up in a `HashMap` built once per process (`NAMES`): `isolang`'s own
//! `from_name_lowercase` scans its whole ISO 639-3 table (~7,900 entries, lower-casing each
//! name) per call, which was 13.6 % of a whole-catalogue validation.

use std::collections::HashMap;
use std::sync::LazyLock;

use isolang::Language;

/// Every English reference name, lower-cased, with the aliases below: name → language. The
/// first language of a name wins, as in `Language::from_name_lowercase`.
static NAMES: LazyLock<HashMap<String, Language>> = LazyLock::new(|| {
    let mut map = HashMap::with_capacity(8192);
    for language in Language::match_names(|_| true) {
        map.entry(language.to_name().to_ascii_lowercase())
            .or_insert(language);
    }
    for (name, code) in ENGLISH_ALIASES {
        if let Some(language) = Language::from_639_3(code) {
            map.entry((*name).to_string()).or_insert(language);
        }
    }
    map
});

/// The languages a "did you mean" may name: those with an ISO 639-1 code (the ~180 languages
/// archives mostly write) and the everyday names below, as (lower case, as written in help).
/// A fixed short list, so that the search for the nearest name stays bounded; the ~7,900
/// ISO 639-3 names hold so many near neighbours that a guess among them would not be certain.
static SUGGESTIBLE: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let mut list: Vec<(String, String)> = Language::match_names(|_| true)
        .filter(|l| l.to_639_1().is_some())
        .map(|l| (l.to_name().to_lowercase(), l.to_name().to_string()))
        .collect();
    for (name, _) in ENGLISH_ALIASES {
        list.push(((*name).to_string(), title_case(name)));
    }
    list
});

/// Names shorter than this are not respelled (they are codes, or too short to be sure of).
const SUGGEST_MIN_CHARS: usize = 4;
/// Names longer than this are not compared (keeps the search bounded).
const SUGGEST_MAX_CHARS: usize = 40;

/// The language name nearest an unknown `written` one (`Polnish` → `Polish`), for a "did you
/// mean"; `None` when none is near, or two languages are equally near (a guess between them
/// would be a confident wrong answer). "Near" is the Damerau–Levenshtein distance (`strsim`):
/// one edit for names of up to 6 letters, two for longer ones.
pub fn nearest_language_name(written: &str) -> Option<String> {
    let lower = written.trim().to_lowercase();
    let chars = lower.chars().count();
    if !(SUGGEST_MIN_CHARS..=SUGGEST_MAX_CHARS).contains(&chars) || NAMES.contains_key(&lower) {
        return None;
    }
    let budget = if chars <= 6 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    let mut two_languages = false;
    for (name, shown) in SUGGESTIBLE.iter() {
        // The distance is at least the difference in length: skip what cannot be near.
        if name.chars().count().abs_diff(chars) > budget {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, name);
        if d > budget {
            continue;
        }
        match best {
            Some((bd, _)) if d > bd => {}
            Some((bd, b)) if d == bd => {
                two_languages |= language(b) != language(shown);
            }
            _ => {
                best = Some((d, shown));
                two_languages = false;
            }
        }
    }
    let (_, shown) = best.filter(|_| !two_languages)?;
    Some(shown.to_string())
}

/// `serbo-croatian` → `Serbo-Croatian`.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ' || c == '-';
    }
    out
}

/// ISO 639-2/B codes that differ from their ISO 639-2/T (= 639-3) form.
const BIBLIOGRAPHIC_CODES: &[(&str, &str)] = &[
    ("alb", "sqi"),
    ("arm", "hye"),
    ("baq", "eus"),
    ("bur", "mya"),
    ("chi", "zho"),
    ("cze", "ces"),
    ("dut", "nld"),
    ("fre", "fra"),
    ("geo", "kat"),
    ("ger", "deu"),
    ("gre", "ell"),
    ("ice", "isl"),
    ("mac", "mkd"),
    ("mao", "mri"),
    ("may", "msa"),
    ("per", "fas"),
    ("rum", "ron"),
    ("slo", "slk"),
    ("tib", "bod"),
    ("wel", "cym"),
];

/// Everyday English names whose ISO reference name is longer or different.
const ENGLISH_ALIASES: &[(&str, &str)] = &[
    ("greek", "ell"),
    ("modern greek", "ell"),
    ("farsi", "fas"),
    ("persian", "fas"),
    ("swahili", "swa"),
    ("malay", "msa"),
    ("nepali", "nep"),
    ("mandarin", "cmn"),
    ("cantonese", "yue"),
    ("serbo-croatian", "hbs"),
    ("scottish gaelic", "gla"),
    ("gaelic", "gla"),
    ("flemish", "nld"),
    ("castilian", "spa"),
    ("old church slavonic", "chu"),
];

/// The normalized code for `written`, or `None` when it names no language we know.
pub fn normalize_language(written: &str) -> Option<&'static str> {
    language(written).map(|l| l.to_639_1().unwrap_or_else(|| l.to_639_3()))
}

/// The English reference name of a code we produced (for messages and JSON-LD labels).
pub fn language_name(code: &str) -> Option<&'static str> {
    language(code).map(|l| l.to_name())
}

fn language(written: &str) -> Option<Language> {
    let w = written.trim();
    if w.is_empty() {
        return None;
    }
    let lower = if w.bytes().any(|b| b.is_ascii_uppercase()) || !w.is_ascii() {
        std::borrow::Cow::Owned(w.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(w)
    };
    let lower: &str = &lower;
    let by_code = match lower.len() {
        2 => Language::from_639_1(lower),
        3 => Language::from_639_3(lower).or_else(|| {
            BIBLIOGRAPHIC_CODES
                .iter()
                .find(|(b, _)| *b == lower)
                .and_then(|(_, t)| Language::from_639_3(t))
        }),
        _ => None,
    };
    by_code.or_else(|| NAMES.get(lower).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The languages of the shipped collection's documents, and the common ones.
    #[test]
    fn english_names_become_two_letter_codes() {
        for (name, code) in [
            ("Chinese", "zh"),
            ("Korean", "ko"),
            ("Russian", "ru"),
            ("Hungarian", "hu"),
            ("German", "de"),
            ("Polish", "pl"),
            ("Japanese", "ja"),
            ("English", "en"),
            ("French", "fr"),
            ("Spanish", "es"),
            ("Czech", "cs"),
            ("Romanian", "ro"),
            ("Bulgarian", "bg"),
            ("Mongolian", "mn"),
            ("Vietnamese", "vi"),
            ("Albanian", "sq"),
            ("Greek", "el"),
            ("Arabic", "ar"),
            ("Italian", "it"),
            ("Portuguese", "pt"),
        ] {
            assert_eq!(normalize_language(name), Some(code), "{name}");
            assert_eq!(
                normalize_language(&name.to_uppercase()),
                Some(code),
                "{name}"
            );
        }
    }

    /// ISO 639-1, 639-2/T, 639-2/B and 639-3 codes all land on the shortest code.
    #[test]
    fn codes_of_every_part_are_accepted() {
        assert_eq!(normalize_language("zh"), Some("zh"));
        assert_eq!(normalize_language("zho"), Some("zh"));
        assert_eq!(normalize_language("chi"), Some("zh"));
        assert_eq!(normalize_language("rus"), Some("ru"));
        assert_eq!(normalize_language("ger"), Some("de"));
        assert_eq!(normalize_language("KOR"), Some("ko"));
        // No ISO 639-1 code: the 639-3 code stays.
        assert_eq!(normalize_language("Cantonese"), Some("yue"));
        assert_eq!(normalize_language("haw"), Some("haw"));
    }

    /// The table gives what isolang's own (linear) lookup gives, for every reference name.
    #[test]
    fn table_agrees_with_isolang_for_every_name() {
        for language in Language::match_names(|_| true) {
            let lower = language.to_name().to_ascii_lowercase();
            assert_eq!(
                NAMES.get(&lower).copied(),
                Language::from_name_lowercase(&lower),
                "{lower}"
            );
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!(normalize_language("Klingonese"), None);
        assert_eq!(normalize_language(""), None);
        assert_eq!(normalize_language("xx"), None);
    }

    /// The misspelling of issue #25 (`Polnish`) and common slips in the names archives write.
    #[test]
    fn a_misspelt_language_has_its_nearest_name() {
        assert_eq!(nearest_language_name("Polnish").as_deref(), Some("Polish"));
        assert_eq!(nearest_language_name("Russain").as_deref(), Some("Russian"));
        assert_eq!(nearest_language_name("chinese ").as_deref(), None, "known");
        assert_eq!(
            nearest_language_name("Hungarain").as_deref(),
            Some("Hungarian")
        );
        assert_eq!(nearest_language_name("Koraen").as_deref(), Some("Korean"));
        assert_eq!(
            nearest_language_name("Cantonesse").as_deref(),
            Some("Cantonese")
        );
    }

    #[test]
    fn no_guess_for_codes_far_names_or_two_languages() {
        assert_eq!(nearest_language_name("xx"), None);
        assert_eq!(nearest_language_name("zzz"), None);
        assert_eq!(nearest_language_name("Klingonese"), None);
        // Three letters are a code or too short to be sure of.
        assert_eq!(nearest_language_name("Tai"), None);
        // One edit from `Igbo` (ig) and from `Ido` (io): no guess between them.
        assert_eq!(nearest_language_name("Idbo"), None);
        assert_eq!(nearest_language_name(&"a".repeat(10_000)), None);
    }
}
