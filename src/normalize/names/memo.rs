//! A bounded per-thread memo of [`super::resolve_agent`]: the agent that a spelling resolves
//! to, so that a name written thousands of times is normalized once per thread.
//!
//! Why it exists: catalogues name the same people over and over (the same creators and
//! correspondents across thousands of records), and normalizing a person's name (NFC, titles,
//! initials, surname lists, syllable check, authority match key) costs far more than looking
//! the spelling up and sharing the result.
//!
//! - **Key**: the text as written, the kind it is read as, and the identity of the authority
//!   index ([`super::AuthorityIndex`], process-unique per index built, kept by a clone). The
//!   memo holds the agent resolved *without* the record's explicit `id`;
//!   [`super::resolve_agent`] adds that id to its own copy (the shared agent is copied only
//!   then), exactly as the direct path adds it (after the entry's ids, unless already there).
//! - **Shared, not cloned**: the memo hands out an `Arc` of the agent, so a name written
//!   thousands of times is one agent in memory, and a mention costs a reference count instead
//!   of copying six strings (an eighth of a run's allocations before).
//! - **Why it is sound**: the resolution is a pure function of that key. It reads only the
//!   written text, the kind, the authority index (which cannot change once built) and the
//!   lexicon tables (fixed at compile time); nothing else (no clock, no settings, no
//!   environment). A memo tagged with another index is emptied before use.
//! - **Bound**: at most [`CAPACITY`] spellings per thread; when a new spelling would go
//!   past it, the memo is emptied and starts again. A few thousand agents of a few hundred
//!   bytes each: about a megabyte per worker thread at most.
//! - **Per thread** (`thread_local!`), so the rayon workers never wait on a lock. Each
//!   worker fills its own memo; results do not depend on which thread resolved a name.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::{Agent, AgentKind, AuthorityIndex};

/// The most spellings one thread keeps before it empties its memo.
pub(crate) const CAPACITY: usize = 4096;

#[derive(Default)]
struct Memo {
    /// The identity of the authority index that every entry was resolved with.
    authority: Option<u64>,
    /// One map per kind, so that a lookup by `&str` needs no key allocation. Hashed with
    /// foldhash (randomly seeded, as std's SipHash is, and several times cheaper for the
    /// short keys of names): the memo is looked up for every name of every record.
    person: HashMap<String, Arc<Agent>, foldhash::fast::RandomState>,
    organization: HashMap<String, Arc<Agent>, foldhash::fast::RandomState>,
}

impl Memo {
    fn len(&self) -> usize {
        self.person.len() + self.organization.len()
    }

    fn clear(&mut self) {
        self.person.clear();
        self.organization.clear();
    }

    /// Empty the memo unless its entries were resolved with the index `identity`.
    fn use_index(&mut self, identity: u64) {
        if self.authority != Some(identity) {
            self.clear();
            self.authority = Some(identity);
        }
    }

    fn map(
        &mut self,
        kind: AgentKind,
    ) -> &mut HashMap<String, Arc<Agent>, foldhash::fast::RandomState> {
        match kind {
            AgentKind::Person => &mut self.person,
            AgentKind::Organization => &mut self.organization,
        }
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// The agent `written` resolves to as `kind` against `authorities` (with no explicit id):
/// from this thread's memo, or from `resolve`, whose result is then kept.
pub(crate) fn resolved(
    written: &str,
    kind: AgentKind,
    authorities: &AuthorityIndex,
    resolve: impl FnOnce() -> Agent,
) -> Arc<Agent> {
    let identity = authorities.identity();
    let found = MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        memo.use_index(identity);
        memo.map(kind).get(written).cloned()
    });
    if let Some(agent) = found {
        return agent;
    }
    // Resolved outside the borrow, so that `resolve` may itself use the memo.
    let agent = Arc::new(resolve());
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        memo.use_index(identity);
        if memo.len() >= CAPACITY {
            memo.clear();
        }
        memo.map(kind).insert(written.to_string(), agent.clone());
    });
    agent
}

/// How many spellings this thread's memo holds (for tests).
#[cfg(test)]
pub(crate) fn len() -> usize {
    MEMO.with(|memo| memo.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::super::{AuthorityEntry, resolve_agent, resolve_direct};
    use super::*;

    fn index(preferred: &str, kind: AgentKind, variants: &[&str], ids: &[&str]) -> AuthorityIndex {
        AuthorityIndex::new(vec![AuthorityEntry {
            heading: None,
            preferred: preferred.into(),
            kind,
            variants: variants.iter().map(|v| v.to_string()).collect(),
            dates: Some("1912-1994".into()),
            ids: ids.iter().map(|v| v.to_string()).collect(),
        }])
    }

    /// Every call, the first (filling the memo) and the later ones (read from it), gives
    /// what the direct resolution gives: for both kinds, with and without an explicit id,
    /// and against two authority indexes that read the same spelling differently.
    #[test]
    fn memoized_agent_equals_the_direct_one() {
        let empty = AuthorityIndex::empty();
        let kim = index(
            "Kim Il Sung",
            AgentKind::Person,
            &["Kim Il-sung"],
            &["http://viaf.org/viaf/1"],
        );
        let ministry = index(
            "Kim Il-sung",
            AgentKind::Organization,
            &[],
            &["http://viaf.org/viaf/2"],
        );
        let names = [
            "Kim Il-sung",
            "Chairman Mao [Zedong]",
            "A.M. Puzanov",
            "Puzanov, A.M.",
            "Ministry of Public Security",
            "  Kim   Il-sung ",
            "",
            // additions: each spelling its own agent, never the memo entry of another
            "Moxon, Charles, Mrs",
            "Moxon, Charles",
            "Ashburton, Lady",
            "Ashburton, Lord",
            "Gilbert & George",
        ];
        for round in 0..3 {
            for authorities in [&empty, &kim, &ministry, &empty] {
                for name in names {
                    for kind in [AgentKind::Person, AgentKind::Organization] {
                        for id in [None, Some("http://viaf.org/viaf/1"), Some(" Q1 ")] {
                            assert_eq!(
                                resolve_agent(name, kind, id, authorities),
                                resolve_direct(name, kind, id, authorities),
                                "round {round}, {name:?} as {kind:?}, id {id:?}"
                            );
                        }
                    }
                }
            }
        }
        // The same spelling really does resolve differently with each index and kind, so
        // a memo that ignored either would have failed above.
        let with = |a: &AuthorityIndex, k| resolve_agent("Kim Il-sung", k, None, a);
        assert_ne!(
            with(&empty, AgentKind::Person),
            with(&kim, AgentKind::Person)
        );
        assert_ne!(
            with(&empty, AgentKind::Person),
            with(&empty, AgentKind::Organization)
        );
        assert_ne!(
            with(&kim, AgentKind::Person),
            with(&ministry, AgentKind::Person)
        );
        // Headings that differ in an addition stay two agents through the memo.
        let mrs = resolve_agent("Moxon, Charles, Mrs", AgentKind::Person, None, &empty);
        let mr = resolve_agent("Moxon, Charles", AgentKind::Person, None, &empty);
        assert_ne!((&mrs.heading, &mrs.slug), (&mr.heading, &mr.slug));
        // A clone of an index is the same index to the memo.
        let clone = kim.clone();
        assert_eq!(
            with(&clone, AgentKind::Person),
            with(&kim, AgentKind::Person)
        );
    }

    /// The memo never holds more than `CAPACITY` spellings, and a resolution after it was
    /// emptied is still the direct one.
    #[test]
    fn memo_stays_bounded() {
        let empty = AuthorityIndex::empty();
        let mut most = 0;
        for i in 0..CAPACITY * 2 + 10 {
            let name = format!("Person Number{i}");
            let kind = if i % 3 == 0 {
                AgentKind::Organization
            } else {
                AgentKind::Person
            };
            resolve_agent(&name, kind, None, &empty);
            most = most.max(len());
            assert!(len() <= CAPACITY, "{} spellings after {i}", len());
        }
        assert_eq!(most, CAPACITY, "the memo was never full");
        assert!(len() < CAPACITY);
        for name in ["Person Number0", "Kim Il Sung"] {
            assert_eq!(
                resolve_agent(name, AgentKind::Person, None, &empty),
                resolve_direct(name, AgentKind::Person, None, &empty)
            );
        }
    }
}
