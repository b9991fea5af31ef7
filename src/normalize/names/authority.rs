//! The authority file, indexed for matching a name as written against the preferred form
//! and variants of every entry.
//!
//! Why a module of its own: the collection names the same people in many spellings
//! (`Kim Il Sung`, `Kim Il-sung`, `KIM IL SUNG`, `Chairman Mao [Zedong]`), and the
//! authority file is where a cataloguer says they are one person. Decisions:
//!
//! - **Match key** ([`match_key`]): for a person, the heading that the rules of
//!   [`super::rules`] make (so titles, brackets, initials and inversion are already
//!   settled: `Chairman Mao [Zedong]`, `Mao, Zedong` and `Zedong Mao` all give `Mao,
//!   Zedong`), then folded: case, diacritics, hyphens, punctuation and spaces ignored
//!   (`maozedong`). For an organization, the NFC name folded the same way. The key is
//!   deliberately *not* romanization-aware: `Pak` and `Park` may be different people,
//!   so equating them is left to the cataloguer, helped by
//!   [`super::fingerprint::find_variants`].
//! - **O(n) construction, O(1) lookup**: one `HashMap<(kind, key), entry index>` over
//!   every preferred form and variant.
//! - **Conflicts**: two entries claiming the same key make the match ambiguous. The
//!   first entry (file order) keeps the key; every other claim is reported by
//!   [`AuthorityIndex::conflicts`] so the pipeline can report it with the file's spans.
//!   `AuthorityIndex::new` keeps its signature (the pipeline already calls it).
//! - **Kind**: a key belongs to the entry's kind. [`AuthorityIndex::lookup`] tries the
//!   person key, then the organization key; [`AuthorityIndex::lookup_kind`] tries the
//!   given kind only.
//! - **Slugs**: each entry gets the slug of its agents' IRI once, here ([`super::slug`]): the
//!   slug of its preferred heading without the life dates (`Mao, Zedong` → `mao-zedong`).
//!   Two entries whose slugs would be the same (two `Smith, John` told apart by their dates
//!   or variants) are two agents: the first in file order keeps the slug, a later one is
//!   [`super::slug::qualified`] by its dates (`smith-john--1901-1970`), or, without dates
//!   or when those are taken too, by its place in the file (`smith-john--entry-7`).
//! - **Identity**: an index cannot change once built (no `&mut self` method), and each one
//!   built gets a process-unique number (`AuthorityIndex::identity`; a clone keeps it, as it
//!   has the same entries). The per-thread memo of [`super::resolve_agent`] is tagged with
//!   it, so a memoized agent is never reused with another authority file.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use super::fold::fold;
use super::rules::{PersonName, normalize_organization, normalize_person};
use super::{AgentKind, AuthorityEntry, slug};

/// A name folded to letters and digits only: `Kim Il-sung` → `kimilsung`.
pub(crate) fn alnum_fold(s: &str) -> String {
    // Folded, then filtered in place: one allocation per key (it is made for every name).
    let mut key = fold(s);
    key.retain(char::is_alphanumeric);
    key
}

/// The key under which a name is matched against the authority file (see the module
/// docs): `match_key("Chairman Mao [Zedong]", Person) == "maozedong"`.
pub fn match_key(name: &str, kind: AgentKind) -> String {
    match kind {
        AgentKind::Person => person_key(&normalize_person(name)),
        AgentKind::Organization => alnum_fold(&normalize_organization(name)),
    }
}

/// The match key of an already normalized person name.
pub(crate) fn person_key(p: &PersonName) -> String {
    alnum_fold(&p.heading)
}

/// Two authority entries that claim the same match key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityConflict {
    pub kind: AgentKind,
    /// The shared match key (`kimilsung`).
    pub key: String,
    /// Index (file order) of the entry that keeps the key.
    pub kept: usize,
    pub kept_preferred: String,
    /// Index of the entry whose form was not indexed.
    pub rejected: usize,
    pub rejected_preferred: String,
    /// The form of the rejected entry (its preferred form or a variant) that collides.
    pub form: String,
}

impl fmt::Display for AuthorityConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "authority entries {} (`{}`) and {} (`{}`) both match `{}` ({})",
            self.kept,
            self.kept_preferred,
            self.rejected,
            self.rejected_preferred,
            self.form,
            self.kind.as_str()
        )
    }
}

/// The authority file, indexed for lookup by any of its forms.
#[derive(Debug, Clone)]
pub struct AuthorityIndex {
    /// Process-unique number of this index (see the module docs, "Identity").
    identity: u64,
    entries: Vec<AuthorityEntry>,
    /// The preferred form of each person entry after the rules (for its heading).
    preferred: Vec<Option<PersonName>>,
    /// The slug of each entry's agent (see the module docs, "Slugs").
    slugs: Vec<String>,
    keys: HashMap<(AgentKind, String), usize>,
    conflicts: Vec<AuthorityConflict>,
}

/// A fresh identity for each index built in this process.
fn next_identity() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for AuthorityIndex {
    fn default() -> Self {
        Self {
            identity: next_identity(),
            entries: Vec::new(),
            preferred: Vec::new(),
            slugs: Vec::new(),
            keys: HashMap::new(),
            conflicts: Vec::new(),
        }
    }
}

impl AuthorityIndex {
    /// An index with no entries: every name is normalized by rule alone.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The process-unique number of this index: two indexes with the same identity have the
    /// same entries (one is a clone of the other).
    pub(crate) fn identity(&self) -> u64 {
        self.identity
    }

    /// Index `entries` (O(n) in the number of forms). Conflicting claims are kept in
    /// [`Self::conflicts`]; the first entry keeps a contested key.
    pub fn new(entries: Vec<AuthorityEntry>) -> Self {
        let mut keys = HashMap::with_capacity(entries.len() * 2);
        let mut conflicts = Vec::new();
        let mut preferred = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            preferred.push((e.kind == AgentKind::Person).then(|| normalize_person(&e.preferred)));
            for form in std::iter::once(&e.preferred)
                .chain(&e.variants)
                .chain(e.heading.iter())
            {
                let key = match_key(form, e.kind);
                if key.is_empty() {
                    continue;
                }
                match keys.entry((e.kind, key)) {
                    Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    Entry::Occupied(o) => {
                        let kept = *o.get();
                        let already = conflicts.iter().any(|c: &AuthorityConflict| {
                            c.rejected == i && c.kept == kept && c.key == o.key().1
                        });
                        if kept != i && !already {
                            conflicts.push(AuthorityConflict {
                                kind: e.kind,
                                key: o.key().1.clone(),
                                kept,
                                kept_preferred: entries[kept].preferred.clone(),
                                rejected: i,
                                rejected_preferred: e.preferred.clone(),
                                form: form.clone(),
                            });
                        }
                    }
                }
            }
        }
        let slugs = entry_slugs(&entries, &preferred);
        Self {
            identity: next_identity(),
            entries,
            preferred,
            slugs,
            keys,
            conflicts,
        }
    }

    /// Entries that claimed a key already taken by an earlier entry.
    pub fn conflicts(&self) -> &[AuthorityConflict] {
        &self.conflicts
    }

    pub fn entries(&self) -> &[AuthorityEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry whose preferred form or a variant matches `name`, as a person first,
    /// then as an organization.
    pub fn lookup(&self, name: &str) -> Option<&AuthorityEntry> {
        self.lookup_kind(name, AgentKind::Person)
            .or_else(|| self.lookup_kind(name, AgentKind::Organization))
    }

    /// The entry of kind `kind` that matches `name`.
    pub fn lookup_kind(&self, name: &str, kind: AgentKind) -> Option<&AuthorityEntry> {
        self.index_of(kind, &match_key(name, kind))
            .map(|i| &self.entries[i])
    }

    pub(crate) fn index_of(&self, kind: AgentKind, key: &str) -> Option<usize> {
        if key.is_empty() || self.keys.is_empty() {
            return None;
        }
        // A borrowed `(AgentKind, &str)` cannot look up `(AgentKind, String)` without
        // allocation; one clone per lookup is cheap next to normalization.
        self.keys.get(&(kind, key.to_string())).copied()
    }

    pub(crate) fn entry(&self, i: usize) -> (&AuthorityEntry, Option<&PersonName>) {
        (&self.entries[i], self.preferred[i].as_ref())
    }

    /// The slug of entry `i`'s agent, distinct from every other entry's.
    pub(crate) fn slug(&self, i: usize) -> &str {
        &self.slugs[i]
    }
}

/// The slug of every entry (see the module docs, "Slugs"), distinct per kind.
fn entry_slugs(entries: &[AuthorityEntry], preferred: &[Option<PersonName>]) -> Vec<String> {
    let mut taken: HashSet<(AgentKind, String)> = HashSet::with_capacity(entries.len());
    let mut slugs = Vec::with_capacity(entries.len());
    for (i, (e, p)) in entries.iter().zip(preferred).enumerate() {
        let base = match p {
            Some(p) if !p.display.is_empty() => slug::of(&p.heading),
            _ => slug::of(&normalize_organization(&e.preferred)),
        };
        let by_dates = e
            .dates
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| slug::qualified(&base, d));
        let by_place = || slug::qualified(&base, &format!("entry-{}", i + 1));
        let slug = [Some(base.clone()), by_dates]
            .into_iter()
            .flatten()
            .find(|s| !taken.contains(&(e.kind, s.clone())))
            .unwrap_or_else(by_place);
        taken.insert((e.kind, slug.clone()));
        slugs.push(slug);
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(preferred: &str, dates: Option<&str>) -> AuthorityEntry {
        AuthorityEntry {
            heading: None,
            preferred: preferred.into(),
            kind: AgentKind::Person,
            variants: Vec::new(),
            dates: dates.map(str::to_string),
            ids: Vec::new(),
        }
    }

    /// Entries whose slugs would be the same are still two agents with two slugs: the first
    /// in file order keeps the slug, a later one takes its dates, else its place; an
    /// organization of the same name is in another folder and keeps its own.
    #[test]
    fn every_entry_has_a_slug_of_its_own() {
        let index = AuthorityIndex::new(vec![
            person("John Smith", Some("1900-1980")),
            person("John Smith", Some("1901-1970")),
            person("Smith, John", None),
            person("Mao Zedong", Some("1893-1976")),
            AuthorityEntry {
                kind: AgentKind::Organization,
                ..person("Smith John", None)
            },
        ]);
        let slugs: Vec<&str> = (0..index.len()).map(|i| index.slug(i)).collect();
        assert_eq!(
            slugs,
            [
                "smith-john",
                "smith-john--1901-1970",
                "smith-john--entry-3",
                "mao-zedong",
                "smith-john"
            ]
        );
    }
}
