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
                location: n.span.start,
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

/// The X001 finding at the `i`-th of several places that use the id `id`.
pub fn duplicate_id(id: &str, places: &[(&Path, Location)], i: usize) -> Finding {
    let others: Vec<String> = places
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, (f, l))| place(f, *l))
        .collect();
    let (file, location) = places[i];
    Finding::new(
        Code::DuplicateId,
        file,
        Some(location),
        format!("the id `{id}` is also used at {}", others.join(", ")),
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

/// At most this many distinct unresolved `related` ids get a "did you mean" suggestion.
pub const MAX_SUGGESTED: usize = 1_000;

/// Suggestions for `related` ids that name no record. Finding the nearest id compares one id
/// with every id of the catalogue, so each distinct unresolved id is searched once (a
/// renamed record referenced by thousands of others costs one search, not thousands: 10k
/// such references to one id took 66 s), and only the first [`MAX_SUGGESTED`] distinct ones
/// in sorted order are searched at all, so that every path and thread count agrees on which
/// get one. The others get the generic help.
pub struct RelatedSuggestions<'k> {
    found: HashMap<Box<str>, &'k str>,
}

impl<'k> RelatedSuggestions<'k> {
    pub fn new<'w>(unresolved: impl IntoIterator<Item = &'w str>, known_ids: &[&'k str]) -> Self {
        let mut distinct: Vec<&str> = unresolved.into_iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let found = distinct
            .iter()
            .take(MAX_SUGGESTED)
            .filter_map(|w| nearest(w, known_ids).map(|k| (Box::from(*w), k)))
            .collect();
        RelatedSuggestions { found }
    }

    pub fn get(&self, id: &str) -> Option<&'k str> {
        self.found.get(id).copied()
    }
}

/// The X003 finding for a `related` entry that names no record, with the suggestion of
/// [`RelatedSuggestions`].
pub fn unresolved_related(file: &Path, r: &Reference, suggestion: Option<&str>) -> Finding {
    let help = match suggestion {
        Some(best) => format!("did you mean `{best}`?"),
        None => "write the id of a record in this catalogue, or remove the entry".into(),
    };
    Finding::new(
        Code::UnresolvedRelated,
        file,
        Some(r.location),
        format!("`related` names `{}`, but no record has that id", r.id),
    )
    .with_help(help)
}

/// The X004 finding for a `collections` entry that names no described collection.
pub fn unresolved_collection(
    file: &Path,
    c: &Reference,
    collections: Option<&[Collection]>,
) -> Finding {
    let collection_ids: Vec<&str> = collections
        .unwrap_or_default()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let help = match (collections, nearest(&c.id, &collection_ids)) {
        (None, _) => format!(
            "describe the collection in `_collections.yaml` at the top of the \
             catalogue folder: `{}: {{title: ..., description: ...}}`",
            c.id
        ),
        (Some(_), Some(best)) => format!("did you mean `{best}`?"),
        (Some(_), None) => format!(
            "add `{}` with its title and description to `_collections.yaml`",
            c.id
        ),
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

fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let chars = word.chars().count();
    candidates
        .iter()
        // The distance is at least the difference in length: skip what cannot be near.
        .filter(|c| c.chars().count().abs_diff(chars) <= 3.max(c.len() / 4))
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
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

    #[test]
    fn the_length_filter_changes_no_suggestion() {
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
        ];
        for word in [
            "",
            "a",
            "abcd",
            "kim-il-sung-1957x",
            "kim-ilsung-1957",
            "zhou-enlai-cable",
            "zhou-enlai-cable-1950-01",
            "ete-1950",
            "été-195",
            "completely-different-id",
        ] {
            assert_eq!(
                nearest(word, &known),
                nearest_unfiltered(word, &known),
                "{word}"
            );
        }
    }

    #[test]
    fn suggestions_are_searched_once_per_id_and_capped_in_sorted_order() {
        let known = ["rec-0001", "rec-0002"];
        let s = RelatedSuggestions::new(["rec-001", "rec-001", "nothing-like-it"], &known);
        assert_eq!(s.get("rec-001"), Some("rec-0001"));
        assert_eq!(s.get("nothing-like-it"), None);
        // Past the cap (in sorted order), no suggestion, whatever the input order.
        let wrong: Vec<String> = (0..=MAX_SUGGESTED)
            .map(|i| format!("rec-{i:05}x"))
            .collect();
        let known = ["rec-00000", &format!("rec-{MAX_SUGGESTED:05}")];
        let mut reversed: Vec<&str> = wrong.iter().map(String::as_str).collect();
        reversed.reverse();
        let s = RelatedSuggestions::new(reversed, &known);
        assert_eq!(s.get("rec-00000x"), Some("rec-00000"));
        assert_eq!(s.get(&format!("rec-{MAX_SUGGESTED:05}x")), None);
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
