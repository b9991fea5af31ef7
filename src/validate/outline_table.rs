//! The outlines of a whole catalogue, compactly, and the cross-record checks over them.
//!
//! Why a module: the cross-record checks (duplicate ids, an id that is not its file's name,
//! references to records or collections that do not exist) need every record's id and
//! references with their places, so a streaming run keeps one outline per record for the
//! whole catalogue: the one thing it keeps that grows with the catalogue. Kept as separate
//! boxed strings that was ~140 bytes per record (and the checks copied every id once more),
//! too much for a million records in 256 MB. Here every string goes into one text arena and
//! each record is one fixed row of 32 bytes plus 16 per reference; collection ids, which
//! repeat in every record, are stored once.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Finding, Location};
use crate::normalize::record::Reference;
use crate::read::file_list::FileList;
use crate::validate::crosscheck::{self, Collection, Outline};

/// A place, compactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Loc {
    pub line: u32,
    pub col: u32,
}

impl From<Location> for Loc {
    fn from(l: Location) -> Loc {
        Loc {
            line: l.line as u32,
            col: l.col as u32,
        }
    }
}

impl From<Loc> for Location {
    fn from(l: Loc) -> Location {
        Location {
            line: l.line as usize,
            col: l.col as usize,
        }
    }
}

/// The outline of one record as a worker hands it over: what the cross-record checks need.
pub(crate) struct Brief {
    pub file: u32,
    pub in_stream: bool,
    /// Whether the record made it through validation and normalization.
    pub valid: bool,
    /// Whether the record is in this run's shard (always, without shards).
    pub mine: bool,
    pub id: Option<(Box<str>, Loc)>,
    pub related: Box<[(Box<str>, Loc)]>,
    pub collections: Box<[(Box<str>, Loc)]>,
}

fn refs(list: &[Reference]) -> Box<[(Box<str>, Loc)]> {
    list.iter()
        .map(|r| (r.id.as_str().into(), r.location.into()))
        .collect()
}

impl Brief {
    pub fn of(file: u32, o: &Outline, mine: bool) -> Brief {
        Brief {
            file,
            in_stream: o.in_stream,
            valid: false,
            mine,
            id: o
                .id
                .as_ref()
                .map(|r| (r.id.as_str().into(), r.location.into())),
            related: refs(&o.related),
            collections: refs(&o.collections),
        }
    }
}

/// A string in a [`TextArena`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Text {
    start: u32,
    len: u32,
}

/// Strings written one after the other into one buffer, each named by a [`Text`] of 8 bytes
/// (a boxed string costs 16 bytes plus an allocation). Used for the outlines' ids and
/// references here and for the ids of indexed stream documents.
#[derive(Debug, Default)]
pub(crate) struct TextArena(String);

impl TextArena {
    pub fn put(&mut self, s: &str) -> Result<Text, Full> {
        let start = u32::try_from(self.0.len()).map_err(|_| Full("4 GiB of ids"))?;
        let len = u32::try_from(s.len()).map_err(|_| Full("an id of 4 GiB"))?;
        start.checked_add(len).ok_or(Full("4 GiB of ids"))?;
        self.0.push_str(s);
        Ok(Text { start, len })
    }

    pub fn get(&self, t: Text) -> &str {
        &self.0[t.start as usize..(t.start + t.len) as usize]
    }
}

const IN_STREAM: u8 = 1;
const VALID: u8 = 2;
const MINE: u8 = 4;
const HAS_ID: u8 = 8;

/// One record's outline.
#[derive(Debug, Clone, Copy)]
struct Row {
    file: u32,
    flags: u8,
    id: Text,
    id_at: Loc,
    /// Its references: `related` then `collections` of them, from `first`.
    first: u32,
    related: u32,
    collections: u32,
}

#[derive(Debug, Clone, Copy)]
struct Ref {
    text: Text,
    at: Loc,
}

/// Every record's outline, in the order of the run.
#[derive(Default)]
pub(crate) struct OutlineTable {
    text: TextArena,
    rows: Vec<Row>,
    refs: Vec<Ref>,
    /// Collection ids already in the arena.
    collection_texts: HashMap<Box<str>, Text>,
}

/// The table cannot hold more (4 GiB of ids and references, or 4 billion references: far
/// beyond any catalogue this tool reads, but said rather than wrapped). One record's
/// references are counted in `u32`, as the whole table's are: a record of more than
/// 65,535 references (a few hundred KiB of YAML) stopped the run with an internal error.
#[derive(Debug, thiserror::Error)]
#[error("the catalogue's outlines exceed what one run can hold ({0})")]
pub struct Full(&'static str);

impl OutlineTable {
    pub fn with_capacity(records: usize) -> OutlineTable {
        OutlineTable {
            rows: Vec::with_capacity(records),
            ..OutlineTable::default()
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    fn put(&mut self, s: &str) -> Result<Text, Full> {
        self.text.put(s)
    }

    fn collection(&mut self, s: &str) -> Result<Text, Full> {
        if let Some(t) = self.collection_texts.get(s) {
            return Ok(*t);
        }
        let t = self.put(s)?;
        self.collection_texts.insert(s.into(), t);
        Ok(t)
    }

    /// Add one record's outline.
    pub fn push(&mut self, b: Brief) -> Result<(), Full> {
        let first = u32::try_from(self.refs.len()).map_err(|_| Full("4 billion references"))?;
        let count = |n: usize| u32::try_from(n).map_err(|_| Full("4 billion references"));
        let related = count(b.related.len())?;
        let collections = count(b.collections.len())?;
        for (s, at) in b.related.iter() {
            let text = self.put(s)?;
            self.refs.push(Ref { text, at: *at });
        }
        for (s, at) in b.collections.iter() {
            let text = self.collection(s)?;
            self.refs.push(Ref { text, at: *at });
        }
        let (id, id_at) = match &b.id {
            Some((s, at)) => (self.put(s)?, *at),
            None => (Text::default(), Loc::default()),
        };
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let flags = flag(b.in_stream, IN_STREAM)
            | flag(b.valid, VALID)
            | flag(b.mine, MINE)
            | flag(b.id.is_some(), HAS_ID);
        self.rows.push(Row {
            file: b.file,
            flags,
            id,
            id_at,
            first,
            related,
            collections,
        });
        Ok(())
    }

    fn text(&self, t: Text) -> &str {
        self.text.get(t)
    }

    pub fn file(&self, i: usize) -> u32 {
        self.rows[i].file
    }

    pub fn mine(&self, i: usize) -> bool {
        self.rows[i].flags & MINE != 0
    }

    fn valid(&self, i: usize) -> bool {
        self.rows[i].flags & VALID != 0
    }

    fn in_stream(&self, i: usize) -> bool {
        self.rows[i].flags & IN_STREAM != 0
    }

    pub fn id(&self, i: usize) -> Option<(&str, Loc)> {
        let r = &self.rows[i];
        (r.flags & HAS_ID != 0).then(|| (self.text(r.id), r.id_at))
    }

    fn references(&self, i: usize) -> (&[Ref], &[Ref]) {
        let r = &self.rows[i];
        let first = r.first as usize;
        let middle = first + r.related as usize;
        (
            &self.refs[first..middle],
            &self.refs[middle..middle + r.collections as usize],
        )
    }

    fn reference(&self, r: &Ref) -> Reference {
        Reference {
            id: self.text(r.text).to_string(),
            location: r.at.into(),
        }
    }

    /// The cross-record checks over every outline; also how many valid records of this
    /// run's shard they refused.
    pub fn cross_check(
        &self,
        files: &FileList,
        collections: Option<&[Collection]>,
    ) -> (Vec<Finding>, usize) {
        let mut findings = Vec::new();
        let mut refused = vec![false; self.len()];
        // Rows with an id, sorted by id (then by row, as the in-memory check orders them).
        let mut ids: Vec<u32> = (0..self.len())
            .filter(|&i| self.id(i).is_some())
            .map(|i| i as u32)
            .collect();
        let id_of = |i: u32| self.id(i as usize).map_or("", |(s, _)| s);
        ids.sort_by(|&a, &b| id_of(a).cmp(id_of(b)).then(a.cmp(&b)));
        for group in ids.chunk_by(|&a, &b| id_of(a) == id_of(b)) {
            if group.len() < 2 {
                continue;
            }
            let mut places: Vec<(usize, &Path, Location)> = group
                .iter()
                .map(|&i| {
                    let i = i as usize;
                    let loc = self.id(i).map(|(_, l)| l.into()).unwrap_or_default();
                    (i, &files[self.file(i) as usize], loc)
                })
                .collect();
            // The in-memory check lists places in discovery order.
            places.sort_by_key(|&(i, _, loc)| (self.file(i), loc));
            let bare: Vec<(&Path, Location)> = places.iter().map(|&(_, f, l)| (f, l)).collect();
            for (k, &(i, _, _)) in places.iter().enumerate() {
                findings.push(crosscheck::duplicate_id(id_of(group[0]), &bare, k));
                refused[i] = true;
            }
        }
        let exists = |id: &str| ids.binary_search_by(|&i| id_of(i).cmp(id)).is_ok();
        // Suggestions for the references that do not resolve (made only when there are some).
        let unresolved = || {
            (0..self.len())
                .flat_map(|i| self.references(i).0)
                .map(|r| self.text(r.text))
                .filter(|id| !exists(id))
        };
        let known: Vec<&str> = match unresolved().next() {
            Some(_) => {
                let mut v: Vec<&str> = ids.iter().map(|&i| id_of(i)).collect();
                v.dedup();
                v
            }
            None => Vec::new(),
        };
        let suggestions = crosscheck::Suggestions::new(unresolved(), &known);
        // The described collections, looked up once per reference; and suggestions for the
        // references that name none of them.
        let described: std::collections::HashSet<&str> = collections
            .unwrap_or_default()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let mut collection_ids: Vec<&str> = described.iter().copied().collect();
        collection_ids.sort_unstable();
        let unknown_collections = || {
            (0..self.len())
                .flat_map(|i| self.references(i).1)
                .map(|c| self.text(c.text))
                .filter(|id| !described.contains(id))
        };
        let collection_suggestions = match (collections, unknown_collections().next()) {
            (Some(_), Some(_)) => {
                crosscheck::Suggestions::new(unknown_collections(), &collection_ids)
            }
            _ => crosscheck::Suggestions::new(std::iter::empty(), &[]),
        };
        for (i, refused) in refused.iter_mut().enumerate() {
            let file = &files[self.file(i) as usize];
            if !self.in_stream(i)
                && let Some((id, at)) = self.id(i)
                && let Some(f) = crosscheck::id_not_file_name(
                    file,
                    &Reference {
                        id: id.to_string(),
                        location: at.into(),
                    },
                )
            {
                findings.push(f);
                *refused = true;
            }
            let (related, in_collections) = self.references(i);
            for r in related {
                let id = self.text(r.text);
                if !exists(id) {
                    findings.push(crosscheck::unresolved_related(
                        file,
                        &self.reference(r),
                        suggestions.get(id),
                    ));
                    *refused = true;
                }
            }
            for c in in_collections {
                let id = self.text(c.text);
                if !described.contains(id) {
                    findings.push(crosscheck::unresolved_collection(
                        file,
                        &self.reference(c),
                        collections.map(|_| collection_suggestions.get(id)),
                    ));
                    *refused = true;
                }
            }
        }
        let refused = (0..self.len())
            .filter(|&i| refused[i] && self.valid(i) && self.mine(i))
            .count();
        (findings, refused)
    }
}

/// The checks across records over outlines held in memory (`check-outlines`): the files are
/// numbered in path order, as a catalogue's walk numbers them, so that the findings are
/// those of a run over the same records. `Err` when the outlines overflow one table.
pub fn cross_check_outlines(
    outlines: &[Outline],
    collections: Option<&[Collection]>,
) -> Result<Vec<Finding>, Full> {
    let files: FileList = outlines
        .iter()
        .map(|o| o.file.as_path())
        .collect::<std::collections::BTreeSet<&Path>>()
        .into_iter()
        .collect();
    let mut table = OutlineTable::with_capacity(outlines.len());
    for o in outlines {
        let file = files.binary_search(&o.file).map_or(0, |i| i as u32);
        table.push(Brief::of(file, o, true))?;
    }
    Ok(table.cross_check(&files, collections).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(file: u32, id: Option<&str>, related: &[&str], collections: &[&str]) -> Brief {
        let at = |n: usize| Loc {
            line: n as u32 + 1,
            col: 3,
        };
        Brief {
            file,
            in_stream: true,
            valid: true,
            mine: true,
            id: id.map(|s| (s.into(), at(0))),
            related: related
                .iter()
                .enumerate()
                .map(|(n, s)| ((*s).into(), at(n + 1)))
                .collect(),
            collections: collections
                .iter()
                .enumerate()
                .map(|(n, s)| ((*s).into(), at(n + 10)))
                .collect(),
        }
    }

    #[test]
    fn rows_give_back_what_was_pushed() {
        let mut t = OutlineTable::default();
        t.push(brief(0, Some("a-1"), &["b-1", "c-1"], &["col"]))
            .unwrap();
        t.push(brief(1, None, &[], &["col", "other"])).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.id(0).map(|(s, _)| s), Some("a-1"));
        assert_eq!(t.id(1), None);
        let (related, collections) = t.references(0);
        let texts = |r: &[Ref]| r.iter().map(|r| t.text(r.text)).collect::<Vec<_>>();
        assert_eq!(texts(related), ["b-1", "c-1"]);
        assert_eq!(texts(collections), ["col"]);
        assert_eq!(related[1].at, Loc { line: 3, col: 3 });
        let (related, collections) = t.references(1);
        assert!(related.is_empty());
        assert_eq!(texts(collections), ["col", "other"]);
        // A collection id repeated in every record is stored once.
        assert_eq!(t.text.0.matches("col").count(), 1);
    }

    #[test]
    fn cross_check_finds_duplicates_and_unresolved_references() {
        let files: FileList = ["s.yaml", "t.yaml"].iter().collect();
        let collections = vec![Collection {
            id: "col".into(),
            title: "A collection".into(),
            description: None,
        }];
        let mut t = OutlineTable::default();
        t.push(brief(0, Some("a-1"), &["b-1"], &["col"])).unwrap();
        t.push(brief(0, Some("b-1"), &["a-2"], &["nope"])).unwrap();
        t.push(brief(1, Some("a-1"), &[], &[])).unwrap();
        let (findings, refused) = t.cross_check(&files, Some(&collections));
        let codes: Vec<String> = findings.iter().map(|f| f.code.to_string()).collect();
        // Two duplicate-id findings (one per place), an unresolved related record (with a
        // suggestion) and an unresolved collection.
        assert_eq!(
            codes.iter().filter(|c| c.as_str() == "X001").count(),
            2,
            "{codes:?}"
        );
        assert_eq!(
            codes.iter().filter(|c| c.as_str() == "X003").count(),
            1,
            "{codes:?}"
        );
        assert_eq!(
            codes.iter().filter(|c| c.as_str() == "X004").count(),
            1,
            "{codes:?}"
        );
        let related = findings
            .iter()
            .find(|f| f.code.to_string() == "X003")
            .unwrap();
        assert!(format!("{related:?}").contains("a-1"), "{related:?}");
        assert_eq!(refused, 3);
    }
}
