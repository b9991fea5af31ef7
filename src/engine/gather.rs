//! Gathering, one unit at a time and in unit order: findings, outlines, name spellings and
//! the report's aggregates of every unit, and the exports written; the engine's sink of the
//! one batching loop ([`super::batches`]). A shard's findings are decided here as they come
//! ([`Owned`]), so that `--max-errors` bounds what a shard keeps.

use std::collections::HashMap;
use std::path::Path;

use super::batches::{self, Bounds, Sink};
use super::kept::Kept;
use super::options::{BATCH, RunError};
use super::process::{MentionPlace, Spelled, Step};
use super::units::Unit;
use super::writers::Writers;
use crate::diagnostics::Finding;
use crate::normalize::names::AgentKind;
use crate::read::file_list::FileList;
use crate::read::stream_index::DocRange;
use crate::validate::outline_table::OutlineTable;

/// Every spelling of an agent: how often, the first few places, and the first few distinct
/// slugs of the agents it was resolved to (more than one when an authority id given in some
/// mentions makes them other agents: N007).
#[derive(Default)]
pub(super) struct Spelling {
    pub(super) count: usize,
    pub(super) first: Vec<MentionPlace>,
    pub(super) slugs: Vec<String>,
}

/// The most distinct slugs kept per spelling: two are enough to tell a name made several
/// agents; a few more let the warning name some of them.
const SLUGS_KEPT: usize = 4;

/// The spellings of the catalogue, one map per kind, so that a spelling already seen is
/// found by its text without making a key for it. Hashed with foldhash: a lookup for every
/// name of every record.
#[derive(Default)]
pub(super) struct Spellings {
    pub(super) person: HashMap<String, Spelling, foldhash::fast::RandomState>,
    pub(super) organization: HashMap<String, Spelling, foldhash::fast::RandomState>,
}

impl Spellings {
    pub(super) fn add(&mut self, spelled: &Spelled, place: MentionPlace) {
        let map = match spelled.kind() {
            AgentKind::Person => &mut self.person,
            AgentKind::Organization => &mut self.organization,
        };
        let s = match map.get_mut(spelled.text()) {
            Some(s) => s,
            None => map.entry(spelled.text().to_string()).or_default(),
        };
        s.count += 1;
        s.first.push(place);
        s.first.sort();
        s.first.truncate(3);
        for slug in spelled.slugs() {
            if s.slugs.len() < SLUGS_KEPT && !s.slugs.contains(slug) {
                s.slugs.push(slug.clone());
            }
        }
    }

    /// Every spelling, with its kind.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, AgentKind, &Spelling)> {
        let person = self
            .person
            .iter()
            .map(|(w, s)| (w.as_str(), AgentKind::Person, s));
        let organization = self
            .organization
            .iter()
            .map(|(w, s)| (w.as_str(), AgentKind::Organization, s));
        person.chain(organization)
    }
}

/// A shard's findings, decided as they come (`run --shard` with `--max-errors`): a shard
/// reports the findings of the files it owns (those holding one of its records) and of
/// files outside the file list (the collections and authority files). A file is known to be
/// the shard's once one of its records is gathered as the shard's; until then, the
/// findings of a stream file wait (a bounded [`Kept`] per file), and those of a
/// single-record file that is not the shard's are dropped once it is gathered.
pub(super) struct Owned {
    /// By file number: whether a record of the shard is in it.
    pub(super) mine: Vec<bool>,
    /// By file number: whether the shard owns the file's name, the id a single-record file
    /// must hold. A single-record file with no record read (`id: [`, a file that cannot be
    /// read) is the shard's by its name, so that exactly one shard reports its findings.
    by_name: Vec<bool>,
    pending: HashMap<u32, Kept>,
    limit: Option<usize>,
}

impl Owned {
    pub(super) fn new(by_name: Vec<bool>, limit: Option<usize>) -> Owned {
        Owned {
            mine: vec![false; by_name.len()],
            by_name,
            pending: HashMap::new(),
            limit,
        }
    }

    /// Whether the findings of file `f` are the shard's, once every unit is gathered.
    pub(super) fn owns(&self, f: usize) -> bool {
        self.mine.get(f).copied().unwrap_or(false)
    }
}

/// What the run keeps of every unit, gathered one unit at a time, in unit order.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) findings: Kept,
    /// For a shard with a limit: which files' findings it reports.
    pub(super) owned: Option<Owned>,
    pub(super) briefs: OutlineTable,
    pub(super) spellings: Spellings,
    pub(super) documents: usize,
    pub(super) fragments: usize,
    pub(super) aggregates: Option<Box<crate::report::Aggregates>>,
}

/// The sink of the engine's batches: each unit's result, in order, gathered into
/// [`Gathered`], its exports written by the [`Writers`] (when the run writes any), and the
/// streams found kept for after the files.
struct Gathering<'g, 'w> {
    gathered: &'g mut Gathered,
    /// The catalogue's files, to find the number of a finding's file.
    files: &'g FileList,
    /// Whether the units are files (else stream documents).
    of_files: bool,
    writers: Option<&'w mut Writers>,
    streams: Vec<(u32, Vec<DocRange>)>,
}

impl Sink<Result<Step, RunError>> for Gathering<'_, '_> {
    type Error = RunError;

    fn take(&mut self, step: Result<Step, RunError>) -> Result<(), RunError> {
        let done = match step? {
            Step::Done(done) => done,
            Step::Stream(file, ranges) => {
                self.streams.push((file, ranges));
                return Ok(());
            }
        };
        let gathered = &mut *self.gathered;
        // A shard's: the files a record of the shard makes its own first.
        if let Some(owned) = gathered.owned.as_mut() {
            // A single-record file (a file unit that is not a stream) with no record read is
            // the shard's that owns its name.
            let unread = (self.of_files && done.briefs.is_empty())
                .then_some(done.unit)
                .filter(|&f| owned.by_name.get(f as usize).copied().unwrap_or(false));
            let files = done.briefs.iter().filter(|b| b.mine).map(|b| b.file);
            for file in files.chain(unread) {
                let f = file as usize;
                if !owned.mine[f] {
                    owned.mine[f] = true;
                    if let Some(waiting) = owned.pending.remove(&file) {
                        let (findings, dropped) = waiting.finish();
                        gathered.findings.extend(findings);
                        gathered.findings.count(dropped);
                    }
                }
            }
        }
        gathered.report(done.findings, self.files);
        // A single-record file is whole once gathered: not the shard's, its findings are
        // not reported.
        if let Some(owned) = gathered.owned.as_mut()
            && self.of_files
            && !owned.mine[done.unit as usize]
        {
            owned.pending.remove(&done.unit);
        }
        gathered.findings.count(done.not_listed);
        gathered.documents += done.documents;
        // A unit renders at most a few records (one, unless a stream document is a list).
        for mut brief in done.briefs {
            brief.valid = brief
                .id
                .as_ref()
                .is_some_and(|(id, _)| done.fragments.iter().any(|f| *f.id == **id));
            gathered
                .briefs
                .push(brief)
                .map_err(|e| RunError::Internal(e.to_string()))?;
        }
        for (spelled, place) in &done.mentions {
            gathered.spellings.add(spelled, *place);
        }
        if let Some(aggregates) = gathered.aggregates.as_deref_mut() {
            for facts in done.facts {
                aggregates.add(facts);
            }
        }
        gathered.fragments += done.fragments.len();
        if let Some(w) = self.writers.as_deref_mut() {
            let mut places = Vec::with_capacity(done.fragments.len());
            for f in done.fragments {
                places.push(w.append(f, done.unit)?);
            }
            if let Some((key, body)) = done.cache {
                w.cache(&key, &body, &places);
            }
        }
        Ok(())
    }
}

impl Gathered {
    /// Take findings: all of them, or for a shard those of files it owns (or outside the
    /// file list), those of files not yet known to be its own waiting.
    pub(super) fn report(&mut self, findings: Vec<Finding>, files: &FileList) {
        let Some(owned) = self.owned.as_mut() else {
            self.findings.extend(findings);
            return;
        };
        let mut reported = Vec::new();
        for f in findings {
            match files.binary_search(&f.file) {
                Ok(i) if !owned.mine[i] => {
                    let limit = owned.limit;
                    owned
                        .pending
                        .entry(i as u32)
                        .or_insert_with(|| Kept::new(limit).keeping_every(crate::report::TALLIED))
                        .extend([f]);
                }
                _ => reported.push(f),
            }
        }
        self.findings.extend(reported);
    }

    /// Process `units` in batches of [`BATCH`] on every thread with `work`, gathering each
    /// batch (and writing its exports) on this thread while the next one is processed, so
    /// that no core waits for the writing ([`batches::run`]). Stops between batches on
    /// SIGINT/SIGTERM (once `publish::stop_on_signals` is set): the staged generation is then
    /// dropped, so nothing is left behind. Returns the streams found.
    pub(super) fn batches(
        &mut self,
        units: &[Unit],
        work: &(dyn Fn(Unit) -> Result<Step, RunError> + Sync),
        writers: Option<&mut Writers>,
        files: &FileList,
        root: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<(u32, Vec<DocRange>)>, RunError> {
        let mut sink = Gathering {
            gathered: self,
            files,
            of_files: matches!(units.first(), Some(Unit::File(_))),
            writers,
            streams: Vec::new(),
        };
        batches::run(
            units.iter().map(|u| Ok(*u)),
            Bounds::units(BATCH),
            work,
            &mut sink,
            |taken| {
                progress(taken as u64);
                Ok(crate::output::publish::interrupted(root)?)
            },
        )?;
        Ok(sink.streams)
    }
}
