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
        for (i, (file, location)) in places.iter().enumerate() {
            let others: Vec<String> = places
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (f, l))| place(f, *l))
                .collect();
            findings.push(
                Finding::new(
                    Code::DuplicateId,
                    file,
                    Some(*location),
                    format!("the id `{id}` is also used at {}", others.join(", ")),
                )
                .with_help("give each record its own id; ids name the output files"),
            );
        }
    }

    for outline in outlines {
        let (false, Some(id)) = (outline.in_stream, &outline.id) else {
            continue;
        };
        if !crate::publish::safe_file_stem(&id.id) {
            continue; // the schema reports the id itself
        }
        let stem = outline
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if stem != id.id {
            let ext = outline
                .file
                .extension()
                .and_then(|s| s.to_str())
                .unwrap_or("yaml");
            findings.push(
                Finding::new(
                    Code::IdNotFileName,
                    &outline.file,
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
            );
        }
    }

    let known_ids: Vec<&str> = by_id.keys().copied().collect();
    let id_set: HashSet<&str> = known_ids.iter().copied().collect();
    let collection_ids: Vec<&str> = collections
        .unwrap_or_default()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    for outline in outlines {
        for r in &outline.related {
            if !id_set.contains(r.id.as_str()) {
                let help = match nearest(&r.id, &known_ids) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => {
                        "write the id of a record in this catalogue, or remove the entry".into()
                    }
                };
                findings.push(
                    Finding::new(
                        Code::UnresolvedRelated,
                        &outline.file,
                        Some(r.location),
                        format!("`related` names `{}`, but no record has that id", r.id),
                    )
                    .with_help(help),
                );
            }
        }
        for c in &outline.collections {
            if !collection_ids.contains(&c.id.as_str()) {
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
                findings.push(
                    Finding::new(
                        Code::UnresolvedCollection,
                        &outline.file,
                        Some(c.location),
                        format!(
                            "the collection `{}` is not described in _collections.yaml",
                            c.id
                        ),
                    )
                    .with_help(help),
                );
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
