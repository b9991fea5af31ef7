//! Checks across records, which no schema can express: ids are unique, a single-record
//! file is named after its record's id, and every `related` and `collections` entry
//! resolves.
//!
//! They run on an [`Outline`] of each document (its id and references with their places),
//! taken from the raw YAML tree whether or not the record itself is valid: one broken record
//! must not make every reference to it fail as well.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::record::Reference;
use crate::read::{Node, Value};

/// What the cross-record checks need to know of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub file: PathBuf,
    pub in_stream: bool,
    /// The id and where it was written, when the document has a text `id`.
    pub id: Option<Reference>,
    pub related: Vec<Reference>,
    pub collections: Vec<Reference>,
}

/// A reference as stored between runs: (id, line, column).
pub type StoredRef = (String, u32, u32);

/// An [`Outline`] as the caches store it (the outline cache of `validate FILE`, the
/// incremental cache of `run`): without its file, which the cache's key names.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredOutline {
    pub in_stream: bool,
    pub id: Option<StoredRef>,
    pub related: Vec<StoredRef>,
    pub collections: Vec<StoredRef>,
}

fn store_ref(r: &Reference) -> StoredRef {
    (r.id.clone(), r.location.line as u32, r.location.col as u32)
}

fn load_ref((id, line, col): &StoredRef) -> Reference {
    Reference {
        id: id.clone(),
        location: Location {
            line: *line as usize,
            col: *col as usize,
        },
    }
}

impl StoredOutline {
    pub fn of(o: &Outline) -> StoredOutline {
        StoredOutline {
            in_stream: o.in_stream,
            id: o.id.as_ref().map(store_ref),
            related: o.related.iter().map(store_ref).collect(),
            collections: o.collections.iter().map(store_ref).collect(),
        }
    }

    /// The outline again, as read from `file`.
    pub fn outline(&self, file: &Path) -> Outline {
        Outline {
            file: file.to_path_buf(),
            in_stream: self.in_stream,
            id: self.id.as_ref().map(load_ref),
            related: self.related.iter().map(load_ref).collect(),
            collections: self.collections.iter().map(load_ref).collect(),
        }
    }
}

impl Outline {
    /// The outline of a document, read leniently from its raw tree.
    pub fn of(file: &Path, in_stream: bool, root: &Node) -> Outline {
        let reference = |n: &Node| {
            n.as_str().map(|s| Reference {
                id: s.trim().to_string(),
                location: n.span.start(),
            })
        };
        let list = |field: &str| -> Vec<Reference> {
            match root.get(field).map(|n| &n.value) {
                Some(Value::Seq(items)) => items.iter().filter_map(reference).collect(),
                _ => Vec::new(),
            }
        };
        Outline {
            file: file.to_path_buf(),
            in_stream,
            id: root.get("id").and_then(reference),
            related: list("related"),
            collections: list("collections"),
        }
    }
}

/// A collection as described in `_collections.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

fn place(file: &Path, location: Location) -> String {
    format!("{}:{}:{}", file.display(), location.line, location.col)
}

/// The most other places an X001 finding names: an id used 10,000 times gives 10,000
/// findings, each of a bounded length, not 10,000 places each.
pub const MAX_PLACES: usize = 10;

/// The X001 finding at the `i`-th of several places that use the id `id`: the first
/// [`MAX_PLACES`] others are named, and how many more there are.
pub fn duplicate_id(id: &str, places: &[(&Path, Location)], i: usize) -> Finding {
    let others: Vec<String> = places
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .take(MAX_PLACES)
        .map(|(_, (f, l))| place(f, *l))
        .collect();
    let more = places.len() - 1 - others.len();
    let more = match more {
        0 => String::new(),
        1 => " and 1 more place".into(),
        n => format!(" and {n} more places"),
    };
    let (file, location) = places[i];
    Finding::new(
        Code::DuplicateId,
        file,
        Some(location),
        format!("the id `{id}` is also used at {}{more}", others.join(", ")),
    )
    .with_help("give each record its own id; ids name the output files")
}

/// The X002 finding when the id of a single-record file differs from the file's stem.
pub fn id_not_file_name(file: &Path, id: &Reference) -> Option<Finding> {
    if !safe_file_stem(&id.id) {
        return None; // the schema reports the id itself
    }
    let stem = crate::read::file_list::stem(file);
    if stem == id.id {
        return None;
    }
    let ext = file.extension().and_then(|s| s.to_str()).unwrap_or("yaml");
    let name = file.file_name().unwrap_or_default();
    if name.to_str().is_none() {
        // Not UTF-8: the stem read as text is empty, which named the wrong file and
        // suggested an empty id. Name the file with its bytes escaped; only renaming helps.
        return Some(
            Finding::new(
                Code::IdNotFileName,
                file,
                Some(id.location),
                format!(
                    "the id `{}` differs from the file name `{}`, which is not UTF-8 text \
                     (no id can equal it)",
                    id.id,
                    crate::read::file_list::escaped_name(name)
                ),
            )
            .with_help(format!("rename the file to `{}.{ext}`", id.id)),
        );
    }
    Some(
        Finding::new(
            Code::IdNotFileName,
            file,
            Some(id.location),
            format!(
                "the id `{}` differs from the file name `{stem}.{ext}`",
                id.id
            ),
        )
        .with_help(format!(
            "rename the file to `{}.{ext}`, or change the id to `{stem}`",
            id.id
        )),
    )
}

/// At most this many distinct unresolved ids (of `related`, of `collections`) are searched
/// for a "did you mean" suggestion.
pub const MAX_SUGGESTED: usize = 1_000;

/// The work all the searches of one [`Suggestions`] may do, in steps: a candidate costs
/// the length of both words plus the 128 counters of a lower bound of the distance (from
/// the characters each word lacks), and an edit distance computed costs the product of
/// their lengths (the cells of its table). About a second on one core (a step is about
/// 2 ns on the machine of BENCHMARKS.md); one search among 100k ids of about 30 characters
/// costs about 19 M steps, so some 25 of them fit.
pub const SUGGESTION_BUDGET: u64 = 500_000_000;

/// What the search for a near id found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggestion<'k> {
    /// The nearest known id, close enough to be a misspelling of it.
    Found(&'k str),
    /// No known id is close enough.
    None,
    /// Not searched: more than [`MAX_SUGGESTED`] distinct ids do not resolve, or the
    /// [`SUGGESTION_BUDGET`] was spent on the ids before it (in sorted order).
    NotSearched,
}

/// Suggestions for ids that name nothing known (`related` entries that name no record,
/// `collections` entries that name no described collection). Finding the nearest id
/// compares one id with every known id, so each distinct unresolved id is searched once (a
/// renamed record referenced by thousands of others costs one search, not thousands: 10k
/// such references to one id took 66 s), in sorted order, until [`MAX_SUGGESTED`] ids are
/// searched or the [`SUGGESTION_BUDGET`] is spent: so the work is bounded whatever the
/// catalogue (1,000 unknown ids in 20k records took 30.7 s, 8,000 unknown collections
/// 62 s), and every path and thread count agrees on which ids get one. A search the budget
/// cuts short is dropped, never half used: its best so far may not be the nearest.
pub struct Suggestions<'k> {
    found: HashMap<Box<str>, Option<&'k str>>,
}

impl<'k> Suggestions<'k> {
    pub fn new<'w>(unresolved: impl IntoIterator<Item = &'w str>, known_ids: &[&'k str]) -> Self {
        Self::with_budget(unresolved, known_ids, SUGGESTION_BUDGET)
    }

    pub fn with_budget<'w>(
        unresolved: impl IntoIterator<Item = &'w str>,
        known_ids: &[&'k str],
        budget: u64,
    ) -> Self {
        let mut distinct: Vec<&str> = unresolved.into_iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let known: Vec<Candidate<'k>> = known_ids.iter().map(|k| Candidate::of(k)).collect();
        let mut left = budget;
        let mut found = HashMap::new();
        for w in distinct.into_iter().take(MAX_SUGGESTED) {
            match nearest(w, &known, &mut left) {
                Some(best) => found.insert(Box::from(w), best),
                None => break,
            };
        }
        Suggestions { found }
    }

    pub fn get(&self, id: &str) -> Suggestion<'k> {
        match self.found.get(id) {
            Some(Some(best)) => Suggestion::Found(best),
            Some(None) => Suggestion::None,
            None => Suggestion::NotSearched,
        }
    }
}

/// What a help says of an id no search was made for.
fn not_searched() -> String {
    format!(
        " (no similar id was searched for: the search stops after {MAX_SUGGESTED} distinct \
         unknown ids or a fixed amount of work, in sorted order)"
    )
}

/// The X003 finding for a `related` entry that names no record, with the suggestion of
/// [`Suggestions`].
pub fn unresolved_related(file: &Path, r: &Reference, suggestion: Suggestion<'_>) -> Finding {
    let generic = "write the id of a record in this catalogue, or remove the entry";
    let help = match suggestion {
        Suggestion::Found(best) => format!("did you mean `{best}`?"),
        Suggestion::None => generic.into(),
        Suggestion::NotSearched => format!("{generic}{}", not_searched()),
    };
    Finding::new(
        Code::UnresolvedRelated,
        file,
        Some(r.location),
        format!("`related` names `{}`, but no record has that id", r.id),
    )
    .with_help(help)
}

/// The X004 finding for a `collections` entry that names no described collection (`None`
/// without a collections file), with the suggestion of [`Suggestions`].
pub fn unresolved_collection(
    file: &Path,
    c: &Reference,
    collections: Option<Suggestion<'_>>,
) -> Finding {
    let add = || {
        format!(
            "add `{}` with its title and description to `_collections.yaml`",
            c.id
        )
    };
    let help = match collections {
        None => format!(
            "describe the collection in `_collections.yaml` at the top of the \
             catalogue folder: `{}: {{title: ..., description: ...}}`",
            c.id
        ),
        Some(Suggestion::Found(best)) => format!("did you mean `{best}`?"),
        Some(Suggestion::None) => add(),
        Some(Suggestion::NotSearched) => format!("{}{}", add(), not_searched()),
    };
    Finding::new(
        Code::UnresolvedCollection,
        file,
        Some(c.location),
        format!(
            "the collection `{}` is not described in _collections.yaml",
            c.id
        ),
    )
    .with_help(help)
}

/// A known id with what the cheap filters need of it.
struct Candidate<'k> {
    text: &'k str,
    chars: usize,
}

impl<'k> Candidate<'k> {
    fn of(text: &'k str) -> Self {
        Candidate {
            text,
            chars: text.chars().count(),
        }
    }
}

/// A lower bound of the Damerau-Levenshtein distance from the characters each word has
/// that the other lacks (counted by code point modulo 128, exact for ASCII ids): an
/// insertion or a deletion removes one such character, a substitution one on each side, a
/// transposition none; so the distance is at least the larger of the two counts. Computed
/// in the words' length, it rules out nearly every candidate before the edit distance
/// (the product of the lengths) is computed.
struct LowerBound {
    counts: [i32; 128],
}

impl LowerBound {
    fn of(word: &str) -> Self {
        let mut counts = [0i32; 128];
        for c in word.chars() {
            counts[c as usize % 128] += 1;
        }
        LowerBound { counts }
    }

    fn to(&self, other: &str) -> usize {
        let mut counts = self.counts;
        for c in other.chars() {
            counts[c as usize % 128] -= 1;
        }
        let (mut more, mut fewer) = (0i64, 0i64);
        for n in counts {
            if n > 0 {
                more += i64::from(n);
            } else {
                fewer -= i64::from(n);
            }
        }
        more.max(fewer) as usize
    }
}

/// The nearest candidate to `word` within a distance of `3.max(len / 4)` of the candidate
/// (`Some(None)` when none is), or `None` when the search would spend more than `left`
/// steps (see [`SUGGESTION_BUDGET`]); `left` is decreased by what the search spent.
fn nearest<'k>(
    word: &str,
    candidates: &[Candidate<'k>],
    left: &mut u64,
) -> Option<Option<&'k str>> {
    let chars = word.chars().count();
    let bound = LowerBound::of(word);
    let mut best: Option<(usize, &'k str)> = None;
    for c in candidates {
        let most = 3.max(c.text.len() / 4);
        // The distance is at least the difference in length: skip what cannot be near.
        if c.chars.abs_diff(chars) > most {
            *left = left.checked_sub(1)?;
            continue;
        }
        *left = left.checked_sub(128 + (word.len() + c.text.len()) as u64)?;
        if bound.to(c.text) > most {
            continue;
        }
        *left = left.checked_sub((word.len() as u64 + 2) * (c.text.len() as u64 + 2))?;
        let d = strsim::damerau_levenshtein(word, c.text);
        if d <= most && best.is_none_or(|b| (d, c.text) < b) {
            best = Some((d, c.text));
        }
    }
    Some(best.map(|(_, c)| c))
}

/// Whether `id` can name a file inside the output folder and nowhere else. The schema's id
/// pattern already ensures this; the check is repeated here, at the point of writing.
pub fn safe_file_stem(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, parse};

    /// `nearest` without the length filter: what it must agree with.
    fn nearest_unfiltered<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        candidates
            .iter()
            .map(|c| (strsim::damerau_levenshtein(word, c), *c))
            .filter(|(d, c)| *d <= 3.max(c.len() / 4))
            .min_by_key(|(d, c)| (*d, *c))
            .map(|(_, c)| c)
    }

    fn unbounded<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
        let candidates: Vec<Candidate<'a>> = known.iter().map(|k| Candidate::of(k)).collect();
        let mut left = u64::MAX;
        nearest(word, &candidates, &mut left).expect("an unbounded search ends")
    }

    #[test]
    fn the_filters_change_no_suggestion() {
        let known = [
            "a",
            "ab",
            "abc",
            "kim-il-sung-1957",
            "kim-il-sung-1958",
            "zhou-enlai-cable-1950",
            "zhou-enlai-cable-1950-01-22",
            "été-1950",
            "x",
            // 'é' is U+E9, 'i' U+69: the same counter of the lower bound (233 % 128 = 105).
            "ite-1950",
        ];
        for word in [
            "",
            "a",
            "abcd",
            "kim-il-sung-1957x",
            "kim-ilsung-1957",
            "kmi-il-sung-1957",
            "zhou-enlai-cable",
            "zhou-enlai-cable-1950-01",
            "ete-1950",
            "été-195",
            "éte-1950",
            "completely-different-id",
        ] {
            assert_eq!(
                unbounded(word, &known),
                nearest_unfiltered(word, &known),
                "{word}"
            );
        }
    }

    proptest::proptest! {
        /// The lower bound never exceeds the distance it stands in for (so the filter drops
        /// no candidate the distance would keep), on words of a small alphabet where edits
        /// of every kind are common, and on any text.
        #[test]
        fn the_lower_bound_is_a_lower_bound(a in "[ab\u{e9}i-]{0,12}", b in "[ab\u{e9}i-]{0,12}", c in "\\PC{0,8}", d in "\\PC{0,8}") {
            for (x, y) in [(&a, &b), (&c, &d), (&a, &d)] {
                proptest::prop_assert!(
                    LowerBound::of(x).to(y) <= strsim::damerau_levenshtein(x, y),
                    "{x:?} {y:?}"
                );
            }
        }
    }

    #[test]
    fn suggestions_are_searched_once_per_id_and_capped_in_sorted_order() {
        let known = ["rec-0001", "rec-0002"];
        let s = Suggestions::new(["rec-001", "rec-001", "nothing-like-it"], &known);
        assert_eq!(s.get("rec-001"), Suggestion::Found("rec-0001"));
        assert_eq!(s.get("nothing-like-it"), Suggestion::None);
        // Past the cap (in sorted order), not searched, whatever the input order.
        let wrong: Vec<String> = (0..=MAX_SUGGESTED)
            .map(|i| format!("rec-{i:05}x"))
            .collect();
        let known = ["rec-00000", &format!("rec-{MAX_SUGGESTED:05}")];
        let mut reversed: Vec<&str> = wrong.iter().map(String::as_str).collect();
        reversed.reverse();
        let s = Suggestions::new(reversed, &known);
        assert_eq!(s.get("rec-00000x"), Suggestion::Found("rec-00000"));
        assert_eq!(
            s.get(&format!("rec-{MAX_SUGGESTED:05}x")),
            Suggestion::NotSearched
        );
    }

    #[test]
    fn the_budget_ends_the_searches_in_sorted_order_and_drops_a_search_cut_short() {
        let known = ["rec-0001", "rec-0002", "rec-0003"];
        // What one search of a 7-character word costs here: three candidates of 8, each
        // through the lower bound (128 + 7 + 8, which lets it through: 2 <= 3) and the
        // distance ((7 + 2) * (8 + 2) cells).
        let one = 3 * (128 + 7 + 8 + 9 * 10);
        let words = ["rec-001", "rec-002", "rec-003"];
        let s = Suggestions::with_budget(words.iter().rev().copied(), &known, 2 * one);
        assert_eq!(s.get("rec-001"), Suggestion::Found("rec-0001"));
        assert_eq!(s.get("rec-002"), Suggestion::Found("rec-0002"));
        assert_eq!(s.get("rec-003"), Suggestion::NotSearched);
        // A budget that ends inside a search: the candidates seen so far include the
        // nearest, but the search is not used.
        let s = Suggestions::with_budget(["rec-001"], &known, one - 1);
        assert_eq!(s.get("rec-001"), Suggestion::NotSearched);
    }

    #[test]
    fn a_finding_says_when_no_suggestion_was_searched_for() {
        let r = Reference {
            id: "x".into(),
            location: Location { line: 1, col: 1 },
        };
        let f = unresolved_related(Path::new("a.yaml"), &r, Suggestion::NotSearched);
        let help = f.help.unwrap_or_default();
        assert!(help.contains("no similar id was searched for"), "{help}");
        let f = unresolved_collection(Path::new("a.yaml"), &r, Some(Suggestion::NotSearched));
        let help = f.help.unwrap_or_default();
        assert!(help.starts_with("add `x` with"), "{help}");
        assert!(help.contains("no similar id was searched for"), "{help}");
    }

    /// The checks over these outlines, as the engine runs them.
    fn check(outlines: &[Outline], collections: Option<&[Collection]>) -> Vec<Finding> {
        crate::validate::outline_table::cross_check_outlines(outlines, collections).unwrap()
    }

    fn outline(file: &str, yaml: &str) -> Vec<Outline> {
        let docs = parse(Path::new(file), yaml, &Limits::default()).unwrap();
        let in_stream = docs.len() > 1;
        docs.iter()
            .map(|d| Outline::of(Path::new(file), in_stream, d))
            .collect()
    }

    #[test]
    fn duplicate_ids_name_both_places() {
        let mut o = outline("in/a.yaml", "id: a\n");
        o.extend(outline("in/s.yaml", "id: b\n---\nid: a\n"));
        let f = check(&o, None);
        let dups: Vec<_> = f.iter().filter(|f| f.code == Code::DuplicateId).collect();
        assert_eq!(dups.len(), 2);
        assert!(
            dups[0].message.contains("in/s.yaml:3:5"),
            "{}",
            dups[0].message
        );
        assert!(
            dups[1].message.contains("in/a.yaml:1:5"),
            "{}",
            dups[1].message
        );
    }

    #[test]
    fn a_duplicate_id_names_at_most_ten_other_places_and_counts_the_rest() {
        let mut yaml = String::new();
        for _ in 0..13 {
            yaml.push_str("---\nid: a\n");
        }
        let f = check(&outline("in/s.yaml", &yaml), None);
        assert_eq!(f.len(), 13);
        // The first names the next ten documents (lines 4, 6, ... 22, column 5 where the id is) and counts two more.
        let expected: Vec<String> = (0..10)
            .map(|k| format!("in/s.yaml:{}:5", 4 + 2 * k))
            .collect();
        assert_eq!(
            f[0].message,
            format!(
                "the id `a` is also used at {} and 2 more places",
                expected.join(", ")
            )
        );
        // Two places only: the other one, nothing more.
        let f = check(&outline("in/s.yaml", "---\nid: a\n---\nid: a\n"), None);
        assert_eq!(f[0].message, "the id `a` is also used at in/s.yaml:4:5");
    }

    #[test]
    fn single_record_files_are_named_after_their_id() {
        let f = check(&outline("in/b.yaml", "id: a\n"), None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::IdNotFileName);
        // Streams may name their records freely.
        assert!(check(&outline("in/s.yaml", "id: a\n---\nid: b\n"), None).is_empty());
    }

    #[test]
    fn references_resolve_or_suggest() {
        let mut o = outline("a.yaml", "id: a\nrelated: [bb, a]\ncollections: [koreaa]\n");
        o.extend(outline("b.yaml", "id: b\n"));
        let cols = [Collection {
            id: "korea".into(),
            title: "K".into(),
            description: None,
        }];
        let f = check(&o, Some(&cols));
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].code, Code::UnresolvedRelated);
        assert_eq!(f[0].help.as_deref(), Some("did you mean `b`?"));
        assert_eq!(f[1].code, Code::UnresolvedCollection);
        assert_eq!(f[1].help.as_deref(), Some("did you mean `korea`?"));
    }
}
