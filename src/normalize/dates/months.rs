//! The words the free-text reader knows: month names (and season names) in the collection's
//! languages, and the phrases that mean "undated".
//!
//! To add a language, append its rows to [`MONTH_NAMES`]: the language's ISO 639-1 code, the
//! word in lower case *without* its trailing period (the reader ignores periods, so `Sept.`
//! and `Sept` are both the row `sept`), and the month number 1–12 (or 21–24 for spring,
//! summer, autumn, winter). Give every form archives write: nominative and genitive case,
//! abbreviations, spellings without diacritics. A name may appear in several languages only
//! with the same number (a unit test checks this).

/// (language, lower-case name, month 1–12 or season 21–24).
pub const MONTH_NAMES: &[(&str, &str, u8)] = &[
    // English
    ("en", "january", 1),
    ("en", "jan", 1),
    ("en", "february", 2),
    ("en", "feb", 2),
    ("en", "march", 3),
    ("en", "mar", 3),
    ("en", "april", 4),
    ("en", "apr", 4),
    ("en", "may", 5),
    ("en", "june", 6),
    ("en", "jun", 6),
    ("en", "july", 7),
    ("en", "jul", 7),
    ("en", "august", 8),
    ("en", "aug", 8),
    ("en", "september", 9),
    ("en", "sept", 9),
    ("en", "sep", 9),
    ("en", "october", 10),
    ("en", "oct", 10),
    ("en", "november", 11),
    ("en", "nov", 11),
    ("en", "december", 12),
    ("en", "dec", 12),
    ("en", "spring", 21),
    ("en", "summer", 22),
    ("en", "autumn", 23),
    ("en", "fall", 23),
    ("en", "winter", 24),
    // German
    ("de", "januar", 1),
    ("de", "jänner", 1),
    ("de", "jaenner", 1),
    ("de", "februar", 2),
    ("de", "märz", 3),
    ("de", "maerz", 3),
    ("de", "mrz", 3),
    ("de", "mai", 5),
    ("de", "juni", 6),
    ("de", "juli", 7),
    ("de", "oktober", 10),
    ("de", "okt", 10),
    ("de", "dezember", 12),
    ("de", "dez", 12),
    ("de", "frühling", 21),
    ("de", "frühjahr", 21),
    ("de", "sommer", 22),
    ("de", "herbst", 23),
    // Russian: genitive (as dates are written), nominative, abbreviations
    ("ru", "января", 1),
    ("ru", "февраля", 2),
    ("ru", "марта", 3),
    ("ru", "апреля", 4),
    ("ru", "мая", 5),
    ("ru", "июня", 6),
    ("ru", "июля", 7),
    ("ru", "августа", 8),
    ("ru", "сентября", 9),
    ("ru", "октября", 10),
    ("ru", "ноября", 11),
    ("ru", "декабря", 12),
    ("ru", "январь", 1),
    ("ru", "февраль", 2),
    ("ru", "март", 3),
    ("ru", "апрель", 4),
    ("ru", "май", 5),
    ("ru", "июнь", 6),
    ("ru", "июль", 7),
    ("ru", "август", 8),
    ("ru", "сентябрь", 9),
    ("ru", "октябрь", 10),
    ("ru", "ноябрь", 11),
    ("ru", "декабрь", 12),
    ("ru", "янв", 1),
    ("ru", "фев", 2),
    ("ru", "февр", 2),
    ("ru", "мар", 3),
    ("ru", "апр", 4),
    ("ru", "авг", 8),
    ("ru", "сен", 9),
    ("ru", "сент", 9),
    ("ru", "окт", 10),
    ("ru", "нояб", 11),
    ("ru", "ноя", 11),
    ("ru", "дек", 12),
    ("ru", "весна", 21),
    ("ru", "лето", 22),
    ("ru", "осень", 23),
    ("ru", "зима", 24),
    // Hungarian
    ("hu", "január", 1),
    ("hu", "február", 2),
    ("hu", "febr", 2),
    ("hu", "március", 3),
    ("hu", "márc", 3),
    ("hu", "április", 4),
    ("hu", "ápr", 4),
    ("hu", "május", 5),
    ("hu", "máj", 5),
    ("hu", "június", 6),
    ("hu", "jún", 6),
    ("hu", "július", 7),
    ("hu", "júl", 7),
    ("hu", "augusztus", 8),
    ("hu", "szeptember", 9),
    ("hu", "szept", 9),
    ("hu", "október", 10),
    ("hu", "tavasz", 21),
    ("hu", "nyár", 22),
    ("hu", "ősz", 23),
    ("hu", "tél", 24),
    // Polish: genitive (as dates are written), nominative, abbreviations
    ("pl", "stycznia", 1),
    ("pl", "lutego", 2),
    ("pl", "marca", 3),
    ("pl", "kwietnia", 4),
    ("pl", "maja", 5),
    ("pl", "czerwca", 6),
    ("pl", "lipca", 7),
    ("pl", "sierpnia", 8),
    ("pl", "września", 9),
    ("pl", "października", 10),
    ("pl", "listopada", 11),
    ("pl", "grudnia", 12),
    ("pl", "styczeń", 1),
    ("pl", "luty", 2),
    ("pl", "marzec", 3),
    ("pl", "kwiecień", 4),
    ("pl", "maj", 5),
    ("pl", "czerwiec", 6),
    ("pl", "lipiec", 7),
    ("pl", "sierpień", 8),
    ("pl", "wrzesień", 9),
    ("pl", "październik", 10),
    ("pl", "listopad", 11),
    ("pl", "grudzień", 12),
    ("pl", "sty", 1),
    ("pl", "lut", 2),
    ("pl", "kwi", 4),
    ("pl", "cze", 6),
    ("pl", "lip", 7),
    ("pl", "sie", 8),
    ("pl", "wrz", 9),
    ("pl", "paź", 10),
    ("pl", "lis", 11),
    ("pl", "gru", 12),
    ("pl", "wiosna", 21),
    ("pl", "lato", 22),
    ("pl", "jesień", 23),
    ("pl", "zima", 24),
    // Roman numerals, as Central European archives write months (`17. XII. 1957`)
    ("la", "i", 1),
    ("la", "ii", 2),
    ("la", "iii", 3),
    ("la", "iv", 4),
    ("la", "v", 5),
    ("la", "vi", 6),
    ("la", "vii", 7),
    ("la", "viii", 8),
    ("la", "ix", 9),
    ("la", "x", 10),
    ("la", "xi", 11),
    ("la", "xii", 12),
];

/// (language, lower-case weekday name without a trailing period, 1 = Monday … 7 = Sunday).
/// A weekday before a date (`Monday, June 5, 1944`) is checked against the calendar and then
/// dropped; one that disagrees with the date refuses it.
pub const WEEKDAY_NAMES: &[(&str, &str, u8)] = &[
    ("en", "monday", 1),
    ("en", "mon", 1),
    ("en", "tuesday", 2),
    ("en", "tue", 2),
    ("en", "tues", 2),
    ("en", "wednesday", 3),
    ("en", "wed", 3),
    ("en", "thursday", 4),
    ("en", "thu", 4),
    ("en", "thur", 4),
    ("en", "thurs", 4),
    ("en", "friday", 5),
    ("en", "fri", 5),
    ("en", "saturday", 6),
    ("en", "sat", 6),
    ("en", "sunday", 7),
    ("en", "sun", 7),
    ("de", "montag", 1),
    ("de", "dienstag", 2),
    ("de", "mittwoch", 3),
    ("de", "donnerstag", 4),
    ("de", "freitag", 5),
    ("de", "samstag", 6),
    ("de", "sonnabend", 6),
    ("de", "sonntag", 7),
];

/// Ordinal words read like `1st` … `20th` (`nineteenth century` = `19th century`).
pub const ORDINAL_WORDS: &[(&str, u8)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
];

/// Words that say which event a date belongs to (`published 1881`, `1978, printed 2005`).
/// EDTF records a date, not an event, so a value that names one is refused with the date it
/// holds as the suggestion: only the cataloguer knows whether the record's date is that
/// event's. Lower case; a value's words are compared in lower case.
pub const EVENT_WORDS: &[&str] = &[
    "published",
    "first",
    "republished",
    "reprinted",
    "printed",
    "exhibited",
    "engraved",
    "etched",
    "cast",
    "recast",
    "posthumous",
    "reproduced",
    "remade",
    "reconstructed",
    "reworked",
    "restored",
    "repainted",
    "retouched",
    "assembled",
    "reassembled",
    "enlarged",
    "edition",
    "editioned",
    "replica",
    "version",
    "issued",
    "reissued",
    "made",
    "executed",
    "completed",
    "begun",
    "started",
    "signed",
    "dated",
    "inscribed",
    "copyright",
    "written",
    "drawn",
    "painted",
    "photographed",
    "recorded",
    "performed",
    "broadcast",
    "released",
];

/// English weekday name (1 = Monday) for messages.
pub fn weekday_name(day: u8) -> &'static str {
    const NAMES: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    NAMES
        .get(usize::from(day).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

/// Phrases meaning "no date", compared with case, spaces and periods ignored (so `n.d.`,
/// `N. d.` and `nd` are the same row `nd`).
pub const UNDATED_PHRASES: &[&str] = &[
    "undated",
    "nd",      // n.d., no date
    "nodate",  // no date
    "nodates", // no dates
    "nodategiven",
    "unknown",      //
    "datenotknown", // date not known (Tate)
    "dateunknown",
    "unknowndate",
    "notknown",
    "notdated",
    "datenotgiven",
    "dateundetermined",
    "undetermined",
    "yearunknown",
    "unknownyear",
    "yearnotknown",
    "undatable",
    "datenotrecorded",
    "nodaterecorded",
    "ohnejahr",  // o.J. spelled out (German)
    "sansdate",  // s.d. (French)
    "senzadata", // s.d. (Italian)
    "sinfecha",  // s.f. (Spanish)
    // RDA 2.8.6.6 and its siblings: `[date of publication not identified]`
    "dateofpublicationnotidentified",
    "dateofproductionnotidentified",
    "dateofdistributionnotidentified",
    "dateofmanufacturenotidentified",
    "sd",       // s.d., sine dato
    "sinedato", //
    "sa",       // s.a., sine anno
    "oj",       // o.J., ohne Jahr (German)
    "ohnedatum",
    "бг",      // б.г., без года (Russian)
    "бд",      // б.д., без даты (Russian)
    "бездаты", //
    "bd",      // b.d., bez daty (Polish)
    "bezdaty", //
    "én",      // é.n., év nélkül (Hungarian)
    "keltezetlen",
    // Issue #23: more of the same, as catalogues write them.
    "nda",             // n.d.a., no date available
    "nodateavailable", //
    "datenotavailable",
    "sineanno",    // s.a. spelled out
    "sf",          // s.f., sin fecha (Spanish)
    "semdata",     // s.d., sem data (Portuguese)
    "nondatato",   // non datato (Italian)
    "nondaté",     // non daté (French)
    "undatiert",   // German
    "od",          // o.D., ohne Datum (German)
    "zj",          // z.j., zonder jaar (Dutch)
    "zonderjaar",  //
    "zd",          // z.d., zonder datum (Dutch)
    "zonderdatum", //
    "uå",          // u.å., utan år / uden år / uten år (Swedish, Danish, Norwegian)
    "utanår",      //
    "udenår",      //
    "utenår",      //
    "bezroku",     // bez roku (Polish)
    "безгода",     // без года (Russian)
];

/// English month name for messages.
pub fn english_name(month: u8) -> Option<&'static str> {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES.get(usize::from(month).checked_sub(1)?).copied()
}

/// Whether `word` equals the lower-case `name`, ignoring case, without allocating.
#[inline]
pub fn word_is(word: &str, name: &str) -> bool {
    if word.is_ascii() {
        return word.eq_ignore_ascii_case(name);
    }
    // A non-ASCII word lower-cases to a non-ASCII word; the lengths in bytes of a word and
    // its lower case differ by at most a few bytes per character, so compare characters.
    if name.is_ascii() {
        return false;
    }
    let mut a = word.chars().flat_map(char::to_lowercase);
    let mut b = name.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// The month (1–12) or season (21–24) a word names, in any language of the table.
pub fn lookup(word: &str) -> Option<u8> {
    MONTH_NAMES
        .iter()
        .find(|(_, name, _)| word_is(word, name))
        .map(|&(_, _, n)| n)
}

/// Words shorter than this are never respelled: a three-letter word is one letter from too
/// many abbreviations (`Mat` from `mar`, `may`, `maj`) for a guess to be certain.
const RESPELL_MIN_CHARS: usize = 4;
/// Words longer than this are not compared (no month name is longer; keeps the search bounded).
const RESPELL_MAX_CHARS: usize = 16;

/// The month name a misspelt word most likely stands for (`Octobr` → `October`), in the
/// word's case, for a "did you mean" in a refusal; `None` when the word is a name the table
/// knows, is not near one, or is as near to names of two different months (`Juny`: `June` or
/// `July`), since a guess between two months would be a confident wrong answer.
///
/// "Near" is the Damerau–Levenshtein distance (`strsim`): one edit (a letter missing, added,
/// changed, or two swapped) for words of up to 6 letters, two for longer ones. The search is
/// bounded: the table is a fixed list of a few hundred short names, and words outside
/// 4–16 letters are not compared.
pub fn nearest_name(word: &str) -> Option<String> {
    let chars = word.chars().count();
    if !(RESPELL_MIN_CHARS..=RESPELL_MAX_CHARS).contains(&chars)
        || !word.chars().all(char::is_alphabetic)
        || lookup(word).is_some()
        || WEEKDAY_NAMES.iter().any(|(_, name, _)| word_is(word, name))
        || ORDINAL_WORDS.iter().any(|(name, _)| word_is(word, name))
        || EVENT_WORDS.iter().any(|name| word_is(word, name))
    {
        return None;
    }
    let lower = word.to_lowercase();
    let budget = if chars <= 6 { 1 } else { 2 };
    // The nearest names; among equally near ones, the one of the word's length (`Marz`:
    // `März` rather than `Mar`), then the first in the table.
    let mut best: Option<((usize, usize), &str, u8)> = None;
    let mut two_months = false;
    for &(_, name, n) in MONTH_NAMES {
        let length_gap = name.chars().count().abs_diff(chars);
        // The distance is at least the difference in length: skip what cannot be near.
        if length_gap > budget {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, name);
        if d > budget {
            continue;
        }
        match best {
            Some(((bd, _), _, _)) if d > bd => {}
            Some(((bd, bgap), _, bn)) if d == bd => {
                two_months |= n != bn;
                if length_gap < bgap {
                    best = Some(((d, length_gap), name, bn));
                }
            }
            _ => {
                best = Some(((d, length_gap), name, n));
                two_months = false;
            }
        }
    }
    let (_, name, _) = best.filter(|_| !two_months)?;
    Some(in_case_of(word, name))
}

/// `name` (lower case) written in the case of `word`: all capitals, a capital first, or lower.
fn in_case_of(word: &str, name: &str) -> String {
    let mut letters = word.chars();
    let first_upper = letters.next().is_some_and(char::is_uppercase);
    if first_upper && chars_upper(letters) && word.chars().count() > 1 {
        return name.to_uppercase();
    }
    if first_upper {
        let mut out = String::with_capacity(name.len());
        let mut it = name.chars();
        if let Some(c) = it.next() {
            out.extend(c.to_uppercase());
        }
        out.extend(it);
        return out;
    }
    name.to_string()
}

fn chars_upper(mut rest: std::str::Chars<'_>) -> bool {
    rest.all(|c| !c.is_lowercase())
}

/// Whether `text` is one of [`UNDATED_PHRASES`] (ignoring case, spaces and periods).
pub fn is_undated(text: &str) -> bool {
    // No phrase has a digit, and dates nearly always do: skip the comparisons.
    if text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let letters = || {
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .flat_map(char::to_lowercase)
    };
    UNDATED_PHRASES.iter().any(|p| letters().eq(p.chars()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_and_agree_across_languages() {
        for &(lang, name, n) in MONTH_NAMES {
            assert_eq!(name, name.to_lowercase(), "{lang} {name}");
            assert!(!name.ends_with('.'), "{lang} {name}: periods are ignored");
            assert!(
                (1..=12).contains(&n) || (21..=24).contains(&n),
                "{lang} {name}"
            );
            for &(lang2, name2, n2) in MONTH_NAMES {
                if name == name2 {
                    assert_eq!(n, n2, "`{name}` is {n} in {lang} but {n2} in {lang2}");
                }
            }
        }
    }

    #[test]
    fn every_language_names_every_month() {
        for lang in ["en", "de", "ru", "hu", "pl", "la"] {
            for m in 1..=12u8 {
                // German and Hungarian share some spellings with English (`april`,
                // `november`), which are listed once, under English.
                assert!(
                    MONTH_NAMES
                        .iter()
                        .any(|&(l, _, n)| (l == lang || l == "en") && n == m),
                    "{lang} {m}"
                );
                if lang != "de" && lang != "hu" {
                    assert!(
                        MONTH_NAMES.iter().any(|&(l, _, n)| l == lang && n == m),
                        "{lang} {m}"
                    );
                }
            }
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("JANUARY"), Some(1));
        assert_eq!(lookup("ДЕКАБРЯ"), Some(12));
        assert_eq!(lookup("MÄRZ"), Some(3));
        assert_eq!(lookup("Października"), Some(10));
        assert_eq!(lookup("xii"), Some(12));
        assert_eq!(lookup("smarch"), None);
        assert!(is_undated("N. D."));
        assert!(is_undated("Б.г."));
        assert!(!is_undated("1957"));
    }

    /// Misspellings from issue #25 (`Octobr 1956`) and the common ones of English and German
    /// month names (a letter dropped, doubled, swapped or changed).
    #[test]
    fn a_misspelt_month_has_its_nearest_name() {
        assert_eq!(nearest_name("Octobr").as_deref(), Some("October"));
        assert_eq!(nearest_name("Febuary").as_deref(), Some("February"));
        assert_eq!(nearest_name("Setpember").as_deref(), Some("September"));
        assert_eq!(nearest_name("AUGUTS").as_deref(), Some("AUGUST"));
        assert_eq!(nearest_name("decmber").as_deref(), Some("december"));
        assert_eq!(nearest_name("Smarch").as_deref(), Some("March"));
        // The nearest is the name in the word's own language.
        assert_eq!(nearest_name("Oktobr").as_deref(), Some("Oktober"));
        assert_eq!(nearest_name("Marz").as_deref(), Some("März"));
    }

    #[test]
    fn no_guess_between_two_months_or_for_known_and_short_words() {
        // `juny` is one letter from `june` and from `july`.
        assert_eq!(nearest_name("Juny"), None);
        // Known words are not misspellings.
        assert_eq!(nearest_name("October"), None);
        assert_eq!(nearest_name("Monday"), None);
        assert_eq!(nearest_name("printed"), None);
        // Three letters are too few to be sure of; far words have no neighbour.
        assert_eq!(nearest_name("Mat"), None);
        assert_eq!(nearest_name("Easter"), None);
        assert_eq!(nearest_name("Christmas"), None);
        assert_eq!(nearest_name("Oct0ber"), None);
    }
}
