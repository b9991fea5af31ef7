//! Gathering, one unit at a time and in unit order: findings, outlines, name spellings and
//! the report's aggregates of every unit, and the exports written; the engine's sink of the
//! one batching loop ([`super::batches`]).

use std::collections::HashMap;
use std::path::Path;

use super::batches::{self, Bounds, Sink};
use super::kept::Kept;
use super::options::{BATCH, RunError};
use super::process::{MentionPlace, Spelled, Step};
use super::units::Unit;
use super::writers::Writers;
use crate::normalize::names::AgentKind;
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

/// What the run keeps of every unit, gathered one unit at a time, in unit order.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) findings: Kept,
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
        gathered.findings.extend(done.findings);
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
        root: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<(u32, Vec<DocRange>)>, RunError> {
        let mut sink = Gathering {
            gathered: self,
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
