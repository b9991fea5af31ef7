//! Variant detection across the catalogue: names that are probably the same agent spelled
//! differently, and are not yet in the authority file.
//!
//! Why a module of its own: the authority match ([`super::authority`]) is strict on
//! purpose; this module is the loose net that proposes new authority entries. It never
//! changes a record.
//!
//! The **fingerprint** ([`fingerprint`]) of a person is built from the family and given
//! names and the additions (`Mrs`, `Jr.`, `OM`, `the Elder`) that the rules of
//! [`super::rules`] found (so word order, titles dropped as roles, brackets and initials
//! do not matter, but `Moxon, Charles, Mrs` and `Moxon, Charles` never share one: two
//! headings that differ in an addition are two people, not a variant to report), folded (case, diacritics, hyphens, punctuation and spaces
//! ignored), and made romanization-aware with the table in `data/romanization.txt`:
//!
//! - McCune-Reischauer `ŏ`/`ŭ` (also the mistaken caron `ǒ`/`ǔ`) become Revised
//!   Romanization `eo`/`eu` before diacritics are folded;
//! - a family name in the Korean surname list is replaced by its canonical spelling
//!   (`Park`/`Bak` → `Pak`, `Gim` → `Kim`, `Lee`/`Rhee`/`Ri` → `Yi`, `Choi` → `Choe`,
//!   `Jeong`/`Chung`/`Jung` → `Chong`), and every name part then gets the Korean rewrites
//!   (MR/RR vowel spellings and the common `u`/`oo`; `k`/`g`, `t`/`d`, `p`/`b`, `ch`/`j`
//!   that MR writes by position and RR writes one way; final `l`/`r`);
//! - a family name in the Chinese surname list gets the Wade-Giles/pinyin rewrites
//!   (`hs`/`x`, `ts`/`z`, `ch`/`zh`/`j`/`q`, aspirated and plain stops, `-ih`, `-ung`).
//!
//! The rewrites run on each syllable group (hyphen- and space-separated piece) apart, so
//! a rule never spans two syllables. They are lossy by design (`Song`, `Sung` and
//! `Sŏng` share a fingerprint): a group is a suggestion for a cataloguer, not a merge.
//! Organizations are folded only. A Korean spelling of `Lee` (李) that belongs to a
//! Chinese person gets the Korean rules too (limit).
//!
//! **Output order** is deterministic: groups sorted by fingerprint then kind; spellings by
//! count (descending), then the fuller spelling (more letters with diacritics) first, then
//! spelling; locations in input order.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::authority::{AuthorityIndex, alnum_fold, match_key, person_key};
use super::fold::fold;
use super::lexicon;
use super::rules::{normalize_organization, normalize_person};
use super::{AgentKind, AuthorityEntry};

/// MR breve vowels to their RR spelling, before folding.
fn expand_breves(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            'ŏ' | 'ǒ' => out.push_str("eo"),
            'Ŏ' | 'Ǒ' => out.push_str("Eo"),
            'ŭ' | 'ǔ' => out.push_str("eu"),
            'Ŭ' | 'Ǔ' => out.push_str("Eu"),
            _ => out.push(c),
        }
    }
    out
}

/// Fold a name part into its syllable groups: lower case, diacritics and apostrophes
/// dropped, split on anything that is not a letter or digit.
fn pieces(s: &str) -> Vec<String> {
    fold(&expand_breves(s))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn rewrite(piece: &str, rules: &[(String, String)]) -> String {
    let mut s = piece.to_string();
    for (from, to) in rules {
        if s.contains(from.as_str()) {
            s = s.replace(from.as_str(), to);
        }
    }
    s
}

/// The romanization-aware fingerprint of a name (see the module docs):
/// `fingerprint("Pak Tŏk-hwan", Person) == fingerprint("Park Deok-hwan", Person)`.
pub fn fingerprint(name: &str, kind: AgentKind) -> String {
    if kind == AgentKind::Organization {
        return alnum_fold(&normalize_organization(name));
    }
    let p = normalize_person(name);
    let Some(family) = p.family.as_deref() else {
        return kept_fingerprint(&p.display);
    };
    let mut rest = Vec::new();
    // The additions (terms of address, `Jr.`, `OM`, `the Elder`) are part of the
    // fingerprint: `Moxon, Charles, Mrs` and `Moxon, Charles` are two people, not two
    // spellings of one (the titles dropped as roles, `Chairman`, are not).
    for part in [p.given.as_deref(), p.particles.as_deref()]
        .into_iter()
        .flatten()
        .chain(p.additions.iter().map(String::as_str))
    {
        rest.extend(pieces(part));
    }
    romanized_key(pieces(family).concat(), &rest)
}

/// The fingerprint of a person's name the rules keep as written (no family name read).
///
/// A name whose first word is a family name of the East Asian lists is keyed as if that
/// word were the family name, for the fingerprint only (no heading is claimed): a spelling
/// the rules read family name first (`Đặng Văn Ngữ` → `Đặng, Văn Ngữ`) and one they keep as
/// written for lack of evidence (`Dang Van Ngu`, whose order the text does not settle) are
/// then one variant group (N001), as the display forms of both are in the written order.
/// Any other kept name is its folded letters.
fn kept_fingerprint(display: &str) -> String {
    let mut words = display.split_whitespace();
    if let (Some(first), Some(_)) = (words.next(), words.clone().next()) {
        let fam = pieces(first).concat();
        if lexicon::CJK_SURNAMES.contains(&fam) {
            let rest: Vec<String> = words.flat_map(pieces).collect();
            return romanized_key(fam, &rest);
        }
    }
    alnum_fold(display)
}

/// `family|given`, each rewritten by the romanization rules of the family name's language.
fn romanized_key(mut fam: String, rest: &[String]) -> String {
    let table = &*lexicon::ROMANIZATION_TABLE;
    let rules: &[(String, String)] = if let Some(canonical) = table.korean_surnames.get(&fam) {
        fam = canonical.clone();
        &table.korean
    } else if lexicon::KOREAN_SURNAMES.contains(&fam) {
        &table.korean
    } else if lexicon::CHINESE_SURNAMES.contains(&fam) {
        &table.chinese
    } else {
        &[]
    };
    let fam = rewrite(&fam, rules);
    let given: String = rest.iter().map(|r| rewrite(r, rules)).collect();
    format!("{fam}|{given}")
}

/// One spelling of a variant group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantSpelling<L> {
    /// The spelling after the rules (display form; organizations: NFC and whitespace).
    pub spelling: String,
    /// How many times it occurs.
    pub count: usize,
    /// Where, in input order.
    pub locations: Vec<L>,
    /// The distinct forms as written that gave this spelling, in input order.
    pub as_written: Vec<String>,
}

/// Names outside the authority file that share a fingerprint but are spelled differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantGroup<L> {
    /// The shared fingerprint.
    pub key: String,
    pub kind: AgentKind,
    /// Most frequent first.
    pub spellings: Vec<VariantSpelling<L>>,
    /// A proposed authority entry: the most frequent spelling as preferred form, the
    /// others (minus those the authority match already equates with it) as variants.
    pub suggested: AuthorityEntry,
}

/// Group the names of a catalogue that are not in `authorities` by fingerprint; keep the
/// groups with two or more spellings. `names` yields (as written, kind, location).
pub fn find_variants<'a, L: Clone>(
    names: impl IntoIterator<Item = (&'a str, AgentKind, L)>,
    authorities: &AuthorityIndex,
) -> Vec<VariantGroup<L>> {
    let counted = names.into_iter().map(|(w, k, l)| (w, k, 1, vec![l]));
    variant_groups(group_spellings(counted, authorities))
}

/// [`find_variants`] over names already counted: `names` yields (as written, kind, number
/// of mentions, some of their locations). Each spelling's locations are sorted, so callers
/// that keep only the first few locations of each written form still get the first ones.
pub fn find_variants_counted<'a, L: Clone + Ord>(
    names: impl IntoIterator<Item = (&'a str, AgentKind, usize, Vec<L>)>,
    authorities: &AuthorityIndex,
) -> Vec<VariantGroup<L>> {
    let mut groups = group_spellings(names, authorities);
    for spellings in groups.values_mut() {
        for s in spellings.values_mut() {
            s.locations.sort();
        }
    }
    variant_groups(groups)
}

/// Names outside the authority file, grouped by (fingerprint, kind) and then by spelling
/// (the display form the rules give), with counts, locations and the forms as written.
fn group_spellings<'a, L>(
    names: impl IntoIterator<Item = (&'a str, AgentKind, usize, Vec<L>)>,
    authorities: &AuthorityIndex,
) -> Groups<L> {
    let mut groups: Groups<L> = BTreeMap::new();
    // The forms as written already placed: a form gives one key and one spelling, so a
    // form met again only adds its count and places (a set, not a search of the spelling's
    // forms, so that many forms of one spelling stay linear).
    let mut placed: HashSet<(AgentKind, &'a str)> = HashSet::new();
    for (written, kind, count, locations) in names {
        if authorities.lookup_kind(written, kind).is_some() {
            continue;
        }
        let spelling = match kind {
            AgentKind::Person => normalize_person(written).display,
            AgentKind::Organization => normalize_organization(written),
        };
        if spelling.is_empty() {
            continue;
        }
        let key = fingerprint(written, kind);
        if key.is_empty() || key == "|" {
            continue;
        }
        let s = groups
            .entry((key, kind))
            .or_default()
            .entry(spelling.clone())
            .or_insert_with(|| VariantSpelling {
                spelling,
                count: 0,
                locations: Vec::new(),
                as_written: Vec::new(),
            });
        s.count += count;
        s.locations.extend(locations);
        if placed.insert((kind, written)) {
            s.as_written.push(written.to_string());
        }
    }
    groups
}

type Groups<L> = BTreeMap<(String, AgentKind), HashMap<String, VariantSpelling<L>>>;

fn variant_groups<L>(groups: Groups<L>) -> Vec<VariantGroup<L>> {
    groups
        .into_iter()
        .filter(|(_, spellings)| spellings.len() > 1)
        .map(|((key, kind), spellings)| {
            let mut spellings: Vec<_> = spellings.into_values().collect();
            // Equal counts: the fuller spelling first (see `marked_letters`), then by spelling.
            spellings.sort_by_cached_key(|s| {
                (
                    std::cmp::Reverse(s.count),
                    std::cmp::Reverse(marked_letters(&s.spelling)),
                    s.spelling.clone(),
                )
            });
            let preferred = spellings[0].spelling.clone();
            // A set, so that a group of many spellings stays linear.
            let mut seen = HashSet::from([match_key(&preferred, kind)]);
            let mut variants = Vec::new();
            for s in &spellings[1..] {
                let k = match kind {
                    AgentKind::Person => person_key(&normalize_person(&s.spelling)),
                    AgentKind::Organization => match_key(&s.spelling, kind),
                };
                if seen.insert(k) {
                    variants.push(s.spelling.clone());
                }
            }
            VariantGroup {
                key,
                kind,
                suggested: AuthorityEntry {
                    heading: None,
                    preferred,
                    kind,
                    variants,
                    dates: None,
                    ids: Vec::new(),
                },
                spellings,
            }
        })
        .collect()
}

/// How many Latin letters of `spelling` carry a diacritic or are letters ASCII lacks (`ł`,
/// `ę`, `ŏ`, `ß`; a combining mark counts as one). Of two spellings written equally often,
/// the one with more is proposed as the preferred form: `Wałęsa` over `Walesa`, since the
/// diacritics can be folded away from the fuller spelling but not put back into the plainer
/// one (the authority match ignores them either way), and library practice records them
/// (RDA 1.7.4: diacritical marks are recorded as they appear, and may be added where the
/// source left them out but the language's usage has them).
fn marked_letters(spelling: &str) -> usize {
    spelling
        .chars()
        .filter(|&c| {
            let u = u32::from(c);
            (0x0300..=0x036F).contains(&u)
                || (c.is_alphabetic()
                    && ((0x00C0..=0x024F).contains(&u) || (0x1E00..=0x1EFF).contains(&u)))
        })
        .count()
}

/// Whether a bare-text agent looks like a corporate body: one of its words (folded) is in
/// `data/organization_words.txt` (`Ministry`, `Committee`, `Embassy`, `Gallery`,
/// `Broadcasting`, ...). Such a name is never inverted as a person's, and a plain-text
/// one gets the N002 warning; the kind is never changed.
///
/// A personal heading written inverted with a one-word family name (`Press, Frank`,
/// `Court, Margaret`, `Gallery, Daniel V.`) is judged on what follows the comma only: the
/// family name of a person may be such a word. In direct order (`Frank Press`) nothing
/// tells the two apart, and the name is flagged (a refusal with a suggestion, never an
/// inverted organization).
pub fn looks_like_organization(name: &str) -> bool {
    match name.split_once(',') {
        Some((family, rest)) if family.split_whitespace().count() == 1 => words_of_list(rest),
        _ => words_of_list(name),
    }
}

/// Whether a word of `name` (folded) is in the organization list, a name in direct order of
/// four words or more (initials not counted) has a word of the weak list (`United States Forest
/// Service`, not `Robert Service`), or the name is a corporate hierarchy written with
/// periods (`United States. Air Force`: two words or more, then a period after a word of
/// three letters or more; `Geo. Washington` and `John A. Smith` are not).
fn words_of_list(name: &str) -> bool {
    if weak_words_or_hierarchy(name) {
        return true;
    }
    if name.is_ascii() {
        return ascii_looks_like_organization(name);
    }
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| !w.is_empty() && lexicon::ORGANIZATION_WORD_SET.contains(w))
}

fn weak_words_or_hierarchy(name: &str) -> bool {
    // Only a name in direct order: before a comma stands a family name (`Clarke Hall, Lady
    // Edna`), and after it forenames.
    if name.contains(',') {
        return false;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let initial = |w: &str| {
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        letters <= 1 || (w.ends_with('.') && letters <= 2)
    };
    // Initials and terms of address or titles do not count (`Lady Edna Clarke Hall`).
    let full = words
        .iter()
        .filter(|w| {
            !initial(w)
                && lexicon::ADDRESS_LIST.get(&[w]).is_none()
                && lexicon::TITLE_LIST.get(&[w]).is_none()
        })
        .count();
    if full >= 4
        && words.iter().any(|w| {
            let key = fold(w.trim_matches(|c: char| !c.is_alphanumeric()));
            lexicon::ORGANIZATION_WORD_WEAK_SET.contains(key.as_str())
        })
    {
        return true;
    }
    words.iter().enumerate().any(|(i, w)| {
        let stem = w.trim_end_matches('.');
        i >= 1
            && i + 1 < words.len()
            && w.ends_with('.')
            && stem.chars().count() >= 3
            && stem.chars().all(char::is_alphabetic)
            && lexicon::suffix(w).is_none()
            && lexicon::TITLE_LIST.get(&[w]).is_none()
            && lexicon::ADDRESS_LIST.get(&[w]).is_none()
            && words[i + 1].chars().next().is_some_and(char::is_uppercase)
    })
}

/// The longest word [`ascii_looks_like_organization`] looks up; every word of the list is
/// shorter (tested), so a longer word cannot be one of them.
const LONGEST_ORGANIZATION_WORD: usize = 32;

/// [`looks_like_organization`] for ASCII text, without building the folded string (it runs
/// for most names of every record): folding ASCII only lowercases and drops `'` and `` ` ``,
/// so each word is lowercased into a small buffer, apostrophes skipped, and looked up.
fn ascii_looks_like_organization(name: &str) -> bool {
    let mut word = [0u8; LONGEST_ORGANIZATION_WORD];
    let mut len = 0usize;
    let mut too_long = false;
    let found = |word: &[u8], too_long: bool| {
        !word.is_empty()
            && !too_long
            && std::str::from_utf8(word).is_ok_and(|w| lexicon::ORGANIZATION_WORD_SET.contains(w))
    };
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() {
            if len < word.len() {
                word[len] = b.to_ascii_lowercase();
                len += 1;
            } else {
                too_long = true;
            }
        } else if b != b'\'' && b != b'`' {
            if found(&word[..len], too_long) {
                return true;
            }
            (len, too_long) = (0, false);
        }
    }
    found(&word[..len], too_long)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: fold, split into words, look each up.
    fn by_folding(name: &str) -> bool {
        fold(name)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| !w.is_empty() && lexicon::ORGANIZATION_WORD_SET.contains(w))
    }

    #[test]
    fn every_organization_word_fits_the_ascii_buffer() {
        for w in lexicon::ORGANIZATION_WORD_SET.iter() {
            assert!(w.len() <= LONGEST_ORGANIZATION_WORD, "{w}");
        }
    }

    #[test]
    fn ascii_names_are_judged_as_by_folding() {
        for name in [
            "Ministry of Foreign Affairs",
            "Chinese Ministry of Foreign Affairs",
            "MINISTRY",
            "Kim Il Sung",
            "Pak's Committee",
            "Comm'ittee",
            "Com`mittee",
            "Embassy,Soviet",
            "",
            "x",
            "Ministryx",
            "A.M. Puzanov",
        ] {
            assert_eq!(
                ascii_looks_like_organization(name),
                by_folding(name),
                "{name:?}"
            );
        }
        assert!(looks_like_organization("Comm'ittee of the Party"));
        assert!(looks_like_organization("Embassy of Poland, Warsaw"));
        assert!(!looks_like_organization("Press, Frank"));
        assert!(!looks_like_organization("Kim Il Sung"));
    }

    proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_folding(
            parts in prop::collection::vec(
                prop_oneof![
                    Just("Ministry".to_string()),
                    Just("party".to_string()),
                    Just("CO".to_string()),
                    Just("'".to_string()),
                    Just("`".to_string()),
                    Just(" ".to_string()),
                    Just(".".to_string()),
                    Just("-".to_string()),
                    "[ -~]{0,40}",
                ],
                0..8,
            )
        ) {
            let name: String = parts.concat();
            prop_assert_eq!(ascii_looks_like_organization(&name), by_folding(&name));
        }
    }
}
