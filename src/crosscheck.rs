//! Checks across records, which no schema can express: ids are unique, a single-record
//! file is named after its record's id, and every `related` and `collections` entry
//! resolves.
//!
//! They run on an [`Outline`] of each document (its id and references with their places),
//! taken from the raw YAML tree whether or not the record itself is valid: one broken record
//! must not make every reference to it fail as well.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding, Location};
use crate::read::{Node, Value};
use crate::record::Reference;

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

impl Outline {
    /// Whether `at` is the place of this document's id or of one of its references.
    pub fn mentions(&self, at: Location) -> bool {
        self.id
            .iter()
            .chain(&self.related)
            .chain(&self.collections)
            .any(|r| r.location == at)
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
    if !crate::publish::safe_file_stem(&id.id) {
        return None; // the schema reports the id itself
    }
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if stem == id.id {
        return None;
    }
    let ext = file.extension().and_then(|s| s.to_str()).unwrap_or("yaml");
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

/// The X003 finding for a `related` entry that names no record; `known_ids` are every id
/// of the catalogue, for the suggestion.
pub fn unresolved_related(file: &Path, r: &Reference, known_ids: &[&str]) -> Finding {
    let help = match nearest(&r.id, known_ids) {
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

/// Run every cross-record check. `collections` is `None` when the catalogue has no
/// `_collections.yaml`.
pub fn check(outlines: &[Outline], collections: Option<&[Collection]>) -> Vec<Finding> {
    let mut findings = Vec::new();

    let mut by_id: BTreeMap<&str, Vec<(&Path, Location)>> = BTreeMap::new();
    for outline in outlines {
        if let Some(id) = &outline.id {
            by_id
                .entry(id.id.as_str())
                .or_default()
                .push((&outline.file, id.location));
        }
    }
    for (id, places) in &by_id {
        if places.len() < 2 {
            continue;
        }
        for i in 0..places.len() {
            findings.push(duplicate_id(id, places, i));
        }
    }

    for outline in outlines {
        let (false, Some(id)) = (outline.in_stream, &outline.id) else {
            continue;
        };
        findings.extend(id_not_file_name(&outline.file, id));
    }

    let known_ids: Vec<&str> = by_id.keys().copied().collect();
    let id_set: HashSet<&str> = known_ids.iter().copied().collect();
    for outline in outlines {
        for r in &outline.related {
            if !id_set.contains(r.id.as_str()) {
                findings.push(unresolved_related(&outline.file, r, &known_ids));
            }
        }
        for c in &outline.collections {
            if !collections.unwrap_or_default().iter().any(|k| k.id == c.id) {
                findings.push(unresolved_collection(&outline.file, c, collections));
            }
        }
    }
    findings
}

fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, parse};

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
