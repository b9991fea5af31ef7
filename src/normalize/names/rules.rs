//! Rules for a person's name that is not (or not yet) in the authority file: the form as
//! written → a display form, an inverted heading, family and given names, and the titles
//! dropped from the name.
//!
//! Why a module of its own: most agents of the collection appear once or twice and will
//! never get an authority entry, yet every export needs a heading that sorts under the
//! family name. These rules make a consistent heading from the text alone. Each rule and
//! its source:
//!
//! 1. **Unicode NFC, whitespace collapsed and trimmed** (RDA 8.5 / 1.7: record names as
//!    they appear, one space between words).
//! 2. **Editorial square brackets removed, their content kept**: brackets mark the
//!    cataloguer's interpolation (RDA 1.7.1, LC-PCC PS 1.7.1), not part of the name:
//!    `Mao [Zedong]` → `Mao Zedong`, `[Kim] Il Sung` → `Kim Il Sung`. Words left with no
//!    letter or digit (`[?]`, `-`) are dropped.
//! 3. **Titles and forms of address dropped and kept as roles** (RDA 9.2.2.9 / 9.4 / 9.6:
//!    a title of office is not part of the preferred name): `Chairman Mao [Zedong]` →
//!    `Mao Zedong` with roles `["Chairman"]`. The list is `data/titles.txt`, matched
//!    case-insensitively, with or without a trailing period, longest first, only at the
//!    start of the name (or of the given-name part of an inverted name, or as a whole
//!    comma-separated part: `Mao Zedong, Chairman`). The only remaining word is never
//!    stripped (`Premier` alone stays `Premier`, as RDA 9.2.2.9.4 keeps `Seuss, Dr.`).
//! 4. **Initials spaced** (LC-PCC PS 8.5.6.1, formerly LCRI 22.1B: "input a single space
//!    between the initials"): `A.M. Puzanov` → `A. M. Puzanov`. An initial written
//!    without a period (`A Puzanov`) stays as written: in case of doubt, no period.
//! 5. **Surname prefixes** (RDA 9.2.2.11 and appendix F.11, which follow the custom of the
//!    person's language). `data/particles.txt` marks each prefix `after` (German `von`,
//!    Dutch `van`/`van der`, French `de`/`d'`: recorded after the given name, `Beethoven,
//!    Ludwig van`, `Gaulle, Charles de`) or `with` (French articles `Le`/`La`/`Du`/`Des`,
//!    Italian `Di`/`Della`: part of the entry element, `La Fontaine, Jean de`). We cannot
//!    know the person's language, so the decision uses the capitalization as written: a
//!    lower-case `van`/`von`/`de` follows the continental custom (after); a capitalized
//!    `Van`/`De` inside a name is read as the English custom (`Van Buren, Martin`, F.11
//!    "English: enter under the prefix").
//! 6. **Suffixes** `Jr.`, `Sr.`, `II`, `III`, `IV` (RDA 9.2.2.9.5): recorded after the given
//!    names, preceded by a comma: `King, Martin Luther, Jr.`; display `Martin Luther King
//!    Jr.` (no comma, so the display form is never mistaken for an inverted one).
//! 7. **Already inverted input** (`Puzanov, A.M.`): the part before the first comma is the
//!    family name; later comma parts are a suffix, life dates (kept in
//!    [`PersonName::dates`]), a title, or given names.
//! 8. **Family name first for Chinese, Korean, Japanese (and Vietnamese) names** (RDA
//!    9.2.2.9, example `Chiang, Kai-shek`; ALA-LC Chinese and Korean romanization tables:
//!    family name first, a two-syllable Korean given name hyphenated, `Kim Ch'ŏr-wŏn`).
//!    A name is read family-first when its first word is in a surname list
//!    (`data/surnames_*.txt`) **and** every remaining word looks like romanized syllables:
//!    each hyphen-separated piece decomposes into one to four CV(C) syllables of the
//!    pinyin / Wade-Giles / McCune-Reischauer / Revised Romanization / Hepburn shape
//!    (see [`is_syllabic`]), and there are at most three given words. So
//!    `Kim Il Sung` → `Kim, Il Sung`; `Pak Deok-hwan` → `Pak, Deok-hwan`; `Liu Shaoqi` →
//!    `Liu, Shaoqi`; but `Lee Harvey Oswald` → `Oswald, Lee Harvey` because `Harvey` and
//!    `Oswald` are not syllable strings (no `v` coda cluster, no `sw` onset). **Limit:** a
//!    Western given name that happens to be a syllable string after a listed surname
//!    (`Lee Linda`, `Kim Anna`) is read family-first; only the authority file can fix
//!    such a name. A CJK name written given-name-first (`Zedong Mao`) is inverted like a
//!    Western one and so gets the same heading `Mao, Zedong`.
//! 9. **Everything else** is Western order: the last word (with its `with` prefixes) is
//!    the family name (`A. M. Puzanov` → `Puzanov, A. M.`). A single word (`Behrens`) is
//!    the family name and the heading. A name whose last word is an initial (`H. D.`) is
//!    not inverted (LCRI 22.10: names of initials are entered directly). Compound
//!    surnames without a hyphen (`Smith Brindle`) are not recognized (limit).
//!
//! Organizations (RDA chapter 11) get none of this: only NFC and whitespace
//! ([`normalize_organization`]); `Embassy [of Poland]` keeps its brackets.

use super::lexicon::{self, Placement};

/// How a person's name was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameOrder {
    /// Family name first, as written (`Mao Zedong`): Chinese, Korean, Japanese, Vietnamese.
    FamilyFirst,
    /// Given names first (`A. M. Puzanov`), inverted in the heading.
    GivenFirst,
    /// One word (`Behrens`): the family name.
    Single,
    /// Not inverted: only initials (`H. D.`), a prefix and a surname (`van Gogh`), or
    /// nothing left after cleaning.
    Direct,
}

/// A person's name after the rules of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Display order: `Mao Zedong`, `A. M. Puzanov`, `Martin Luther King Jr.`.
    pub display: String,
    /// Inverted heading without dates: `Mao, Zedong`, `Puzanov, A. M.`,
    /// `Beethoven, Ludwig van`, `King, Martin Luther, Jr.`.
    pub heading: String,
    pub family: Option<String>,
    pub given: Option<String>,
    /// Prefixes recorded after the given name (`van`, `de`).
    pub particles: Option<String>,
    /// `Jr.`, `Sr.`, `III`.
    pub suffix: Option<String>,
    /// Life dates written as a comma part of an inverted name (`Mao, Zedong, 1893-1976`).
    pub dates: Option<String>,
    /// Titles and forms of address dropped from the name, canonical forms
    /// (`Chairman`, `Comrade`, `Dr.`), in the order written, without repeats.
    pub roles: Vec<String>,
    pub order: NameOrder,
}

/// NFC, whitespace collapsed to single spaces and trimmed.
pub fn collapse(s: &str) -> String {
    let nfc = crate::normalize::nfc(s);
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// An organization's name: NFC and whitespace only; nothing else is changed.
pub fn normalize_organization(written: &str) -> String {
    collapse(written)
}

/// Apply the person rules of this module to a name as written.
pub fn normalize_person(written: &str) -> PersonName {
    let cleaned: String = crate::normalize::nfc(written)
        .chars()
        .filter(|c| *c != '[' && *c != ']')
        .collect();
    let mut roles = Vec::new();
    let mut parts = cleaned.split(',').map(words_of).filter(|w| !w.is_empty());
    let Some(mut first) = parts.next() else {
        return direct(Vec::new(), roles, None, None);
    };
    strip_titles(&mut first, &mut roles);

    let mut suffix = None;
    let mut dates = None;
    let mut rest: Vec<String> = Vec::new();
    for part in parts {
        let joined = part.join(" ");
        if let Some(s) = (part.len() == 1)
            .then(|| lexicon::suffix(&part[0]))
            .flatten()
        {
            suffix = Some(s.to_string());
        } else if is_date_like(&joined) {
            dates = Some(joined);
        } else if let Some(t) = whole_title(&part) {
            push_role(&mut roles, t);
        } else {
            rest.extend(part);
        }
    }

    if rest.is_empty() {
        return from_direct_order(first, roles, suffix, dates);
    }

    // Inverted input: `Family, Given`.
    let mut given = rest;
    strip_titles(&mut given, &mut roles);
    if suffix.is_none()
        && given.len() > 1
        && let Some(s) = given.last().and_then(|w| lexicon::suffix(w))
    {
        suffix = Some(s.to_string());
        given.pop();
    }
    let mut particles = Vec::new();
    while given.len() > 1
        && given
            .last()
            .is_some_and(|w| lexicon::particle(w) == Some(Placement::After))
    {
        particles.insert(0, given.pop().unwrap_or_default());
    }
    let order = if looks_family_first(&first, &given) {
        NameOrder::FamilyFirst
    } else {
        NameOrder::GivenFirst
    };
    assemble(order, first, given, particles, suffix, dates, roles)
}

/// The words of one comma part: split on whitespace, initials spaced, punctuation-only
/// words dropped.
fn words_of(part: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in part.split_whitespace() {
        split_initials(w, &mut out);
    }
    out.retain(|w| w.chars().any(char::is_alphanumeric));
    out
}

/// `A.M.` → `A.`, `M.`; `A.M.Puzanov` → `A.`, `M.`, `Puzanov`. A piece is split off only
/// when it is one letter and a period followed by another letter, so `Ph.D.` and `J.-P.`
/// stay whole.
fn split_initials(word: &str, out: &mut Vec<String>) {
    let mut rest = word;
    loop {
        let mut chars = rest.char_indices();
        let (Some((_, c0)), Some((_, '.')), Some((i2, c2))) =
            (chars.next(), chars.next(), chars.next())
        else {
            break;
        };
        if !c0.is_alphabetic() || !c2.is_alphabetic() {
            break;
        }
        out.push(format!("{c0}."));
        rest = &rest[i2..];
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
}

fn push_role(roles: &mut Vec<String>, title: &str) {
    if !roles.iter().any(|r| r == title) {
        roles.push(title.to_string());
    }
}

/// Strip leading titles, longest first, never the last remaining word.
fn strip_titles(words: &mut Vec<String>, roles: &mut Vec<String>) {
    'outer: while words.len() > 1 {
        let max = lexicon::TITLE_LIST.max_words.min(words.len() - 1);
        for n in (1..=max).rev() {
            let slice: Vec<&str> = words[..n].iter().map(String::as_str).collect();
            if let Some(t) = lexicon::TITLE_LIST.get(&slice) {
                push_role(roles, t);
                words.drain(..n);
                continue 'outer;
            }
        }
        break;
    }
}

/// The title that a whole comma part spells (`Mao Zedong, Chairman`).
fn whole_title(words: &[String]) -> Option<&'static str> {
    let slice: Vec<&str> = words.iter().map(String::as_str).collect();
    lexicon::TITLE_LIST.get(&slice)
}

/// Life dates as written in a heading: `1893-1976`, `1920-`, `b. 1911`, `ca. 1900-1970`.
fn is_date_like(s: &str) -> bool {
    let body = ["b.", "d.", "ca.", "fl.", "active", "born", "died"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '–' | '?' | '.' | ' ' | '/'))
}

fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), None, _) => c.is_alphabetic(),
        (Some(c), Some('.'), None) => c.is_alphabetic(),
        _ => false,
    }
}

/// Whether `family` + `given` should be read family-first (rule 8).
fn looks_family_first(family: &[String], given: &[String]) -> bool {
    family.len() == 1
        && !given.is_empty()
        && given.len() <= 3
        && lexicon::CJK_SURNAMES.contains(&lexicon::fold(&family[0]))
        && given.iter().all(|w| is_syllabic(w))
}

const ONSETS: &[&str] = &[
    "ngh", "zh", "ch", "sh", "ts", "tz", "hs", "kk", "tt", "pp", "ss", "jj", "ng", "nh", "ph",
    "th", "tr", "kh", "gh", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "q", "r",
    "s", "t", "v", "w", "x", "y", "z", "",
];
const CODAS: &[&str] = &["ng", "nh", "ch", "n", "m", "k", "l", "p", "t", "r", "h", ""];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether a word looks like romanized Chinese, Korean, Japanese or Vietnamese
/// syllables: after folding (diacritics and apostrophes removed) each hyphen-separated
/// piece is ASCII letters that split into one to four syllables of the shape
/// (onset)(1-3 vowels)(coda), with the onsets and codas of pinyin, Wade-Giles,
/// McCune-Reischauer, Revised Romanization, Hepburn and Vietnamese.
/// `Zedong`, `Shaoqi`, `Il`, `Deok-hwan`, `Ch'ŏr-wŏn`, `Kakuei` are; `Harvey`,
/// `Oswald`, `A.`, `Puzanov` (`zan` + `ov`: no `v` coda) are not.
pub fn is_syllabic(word: &str) -> bool {
    let folded = lexicon::fold(word);
    !folded.is_empty()
        && folded
            .split('-')
            .all(|piece| syllable_count(piece).is_some_and(|n| (1..=4).contains(&n)))
}

/// The fewest syllables `piece` splits into, if it splits at all.
fn syllable_count(piece: &str) -> Option<usize> {
    let b = piece.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let n = b.len();
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    best[0] = Some(0);
    for start in 0..n {
        let Some(count) = best[start] else { continue };
        for onset in ONSETS {
            let o = onset.as_bytes();
            if !b[start..].starts_with(o) {
                continue;
            }
            let after_onset = start + o.len();
            // A glide after a consonant onset: Korean `hw`/`kw`/`ky`, Japanese `ky`/`ry`.
            let glide = !o.is_empty()
                && !matches!(*onset, "w" | "y")
                && b.get(after_onset).is_some_and(|c| matches!(c, b'w' | b'y'));
            for v0 in [after_onset, after_onset + 1]
                .into_iter()
                .take(if glide { 2 } else { 1 })
            {
                let mut v_end = v0;
                while v_end < n && v_end - v0 < 3 && is_vowel(b[v_end]) {
                    v_end += 1;
                    for coda in CODAS {
                        let c = coda.as_bytes();
                        if b[v_end..].starts_with(c) {
                            let end = v_end + c.len();
                            if best[end].is_none_or(|e| e > count + 1) {
                                best[end] = Some(count + 1);
                            }
                        }
                    }
                }
            }
        }
    }
    best[n]
}

fn from_direct_order(
    mut words: Vec<String>,
    roles: Vec<String>,
    mut suffix: Option<String>,
    dates: Option<String>,
) -> PersonName {
    if suffix.is_none()
        && words.len() > 1
        && let Some(s) = words.last().and_then(|w| lexicon::suffix(w))
    {
        suffix = Some(s.to_string());
        words.pop();
    }
    match words.len() {
        0 => return direct(words, roles, suffix, dates),
        1 => {
            let family = words.pop().unwrap_or_default();
            return assemble(
                NameOrder::Single,
                vec![family],
                Vec::new(),
                Vec::new(),
                suffix,
                dates,
                roles,
            );
        }
        _ => {}
    }
    if words.len() <= 4 && looks_family_first(&words[..1], &words[1..]) {
        let given = words.split_off(1);
        return assemble(
            NameOrder::FamilyFirst,
            words,
            given,
            Vec::new(),
            suffix,
            dates,
            roles,
        );
    }
    if words.last().is_some_and(|w| is_initial(w)) {
        return direct(words, roles, suffix, dates);
    }
    // Western order: the last word, with the prefixes before it, is the family name.
    let last = words.len() - 1;
    let mut start = last;
    while start > 0 && lexicon::particle(&words[start - 1]).is_some() {
        start -= 1;
    }
    if start == 0 {
        // Only prefixes before the surname (`van Gogh`): nothing to invert.
        return direct(words, roles, suffix, dates);
    }
    let mut family_start = last;
    while family_start > start
        && lexicon::particle(&words[family_start - 1]) == Some(Placement::With)
    {
        family_start -= 1;
    }
    let family = words.split_off(family_start);
    let particles = words.split_off(start);
    assemble(
        NameOrder::GivenFirst,
        family,
        words,
        particles,
        suffix,
        dates,
        roles,
    )
}

fn direct(
    words: Vec<String>,
    roles: Vec<String>,
    suffix: Option<String>,
    dates: Option<String>,
) -> PersonName {
    let mut display = words.join(" ");
    if let Some(s) = &suffix {
        if !display.is_empty() {
            display.push(' ');
        }
        display.push_str(s);
    }
    PersonName {
        heading: display.clone(),
        display,
        family: None,
        given: None,
        particles: None,
        suffix,
        dates,
        roles,
        order: NameOrder::Direct,
    }
}

fn assemble(
    order: NameOrder,
    family: Vec<String>,
    given: Vec<String>,
    particles: Vec<String>,
    suffix: Option<String>,
    dates: Option<String>,
    roles: Vec<String>,
) -> PersonName {
    let family = family.join(" ");
    let given = (!given.is_empty()).then(|| given.join(" "));
    let particles = (!particles.is_empty()).then(|| particles.join(" "));
    let mut heading = family.clone();
    let mut display = String::new();
    match order {
        NameOrder::FamilyFirst => {
            display.push_str(&family);
            if let Some(g) = &given {
                display.push(' ');
                display.push_str(g);
                heading.push_str(", ");
                heading.push_str(g);
            }
        }
        _ => {
            let mut front: Vec<&str> = Vec::new();
            front.extend(given.as_deref());
            front.extend(particles.as_deref());
            let front = front.join(" ");
            if !front.is_empty() {
                display.push_str(&front);
                display.push(' ');
                heading.push_str(", ");
                heading.push_str(&front);
            }
            display.push_str(&family);
        }
    }
    if let Some(s) = &suffix {
        display.push(' ');
        display.push_str(s);
        heading.push_str(", ");
        heading.push_str(s);
    }
    PersonName {
        display,
        heading,
        family: Some(family),
        given,
        particles,
        suffix,
        dates,
        roles,
        order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables() {
        for w in [
            "Zedong",
            "Shaoqi",
            "Il",
            "Sung",
            "Deok-hwan",
            "Ch'ŏr-wŏn",
            "Kakuei",
            "Enlai",
            "Biao",
            "Zihui",
            "Zhen",
            "Ke",
            "Erlu",
            "Yong-guk",
            "Il-sung",
            "Kai-shek",
        ] {
            assert!(is_syllabic(w), "{w}");
        }
        for w in [
            "Harvey", "Oswald", "A.", "Puzanov", "Ludwig", "", "-", "Zedong1",
        ] {
            assert!(!is_syllabic(w), "{w}");
        }
    }

    #[test]
    fn initials_split() {
        let mut v = Vec::new();
        split_initials("A.M.Puzanov", &mut v);
        assert_eq!(v, ["A.", "M.", "Puzanov"]);
        v.clear();
        split_initials("Ph.D.", &mut v);
        assert_eq!(v, ["Ph.D."]);
        v.clear();
        split_initials("J.-P.", &mut v);
        assert_eq!(v, ["J.-P."]);
        v.clear();
        split_initials("É.Ö.", &mut v);
        assert_eq!(v, ["É.", "Ö."]);
    }

    #[test]
    fn dates() {
        assert!(is_date_like("1893-1976"));
        assert!(is_date_like("b. 1911"));
        assert!(!is_date_like("Jr."));
        assert!(!is_date_like("Zedong"));
    }
}
