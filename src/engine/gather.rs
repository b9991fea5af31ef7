//! Gathering, on the calling thread and in unit order: findings, outlines, name spellings and
//! the report's aggregates of every unit, and the batches that keep every core busy.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::options::{BATCH, RunError};
use super::process::{MentionPlace, Spelled, Step};
use super::units::Unit;
use super::writers::Writers;
use crate::diagnostics::Finding;
use crate::normalize::names::AgentKind;
use crate::read::stream_index::DocRange;
use crate::validate::outline_table::OutlineTable;

/// Every spelling of an agent: how often, and the first few places.
#[derive(Default)]
pub(super) struct Spelling {
    pub(super) count: usize,
    pub(super) first: Vec<MentionPlace>,
}

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

/// What the run keeps of every unit, gathered on the calling thread in unit order.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) findings: Vec<Finding>,
    pub(super) briefs: OutlineTable,
    pub(super) spellings: Spellings,
    pub(super) documents: usize,
    pub(super) fragments: usize,
    pub(super) aggregates: Option<Box<crate::report::Aggregates>>,
}

impl Gathered {
    /// Take the results of one batch, in order, and write their exports; the streams found
    /// are added to `streams`.
    pub(super) fn take(
        &mut self,
        results: Vec<Result<Step, RunError>>,
        mut writers: Option<&mut Writers>,
        streams: &mut Vec<(u32, Vec<DocRange>)>,
    ) -> Result<(), RunError> {
        for step in results {
            let done = match step? {
                Step::Done(done) => done,
                Step::Stream(file, ranges) => {
                    streams.push((file, ranges));
                    continue;
                }
            };
            self.findings.extend(done.findings);
            self.documents += done.documents;
            // A unit renders at most a few records (one, unless a stream document is a list).
            for mut brief in done.briefs {
                brief.valid = brief
                    .id
                    .as_ref()
                    .is_some_and(|(id, _)| done.fragments.iter().any(|f| *f.id == **id));
                self.briefs
                    .push(brief)
                    .map_err(|e| RunError::Internal(e.to_string()))?;
            }
            for (spelled, place) in &done.mentions {
                self.spellings.add(spelled, *place);
            }
            if let Some(aggregates) = self.aggregates.as_deref_mut() {
                for facts in done.facts {
                    aggregates.add(facts);
                }
            }
            self.fragments += done.fragments.len();
            if let Some(w) = writers.as_deref_mut() {
                let mut places = Vec::with_capacity(done.fragments.len());
                for f in done.fragments {
                    places.push(w.append(f, done.unit)?);
                }
                if let Some((key, body)) = done.cache {
                    w.cache(&key, &body, &places);
                }
            }
        }
        Ok(())
    }

    /// Process `units` in batches on every thread with `work`, gathering each batch (and
    /// writing its exports) on this thread while the next one is processed, so that no core
    /// waits for the writing. Stops between batches on SIGINT/SIGTERM (once
    /// `publish::stop_on_signals` is set): the staged generation is then dropped, so nothing
    /// is left behind. Returns the streams found.
    pub(super) fn batches(
        &mut self,
        units: &[Unit],
        work: &(dyn Fn(Unit) -> Result<Step, RunError> + Sync),
        mut writers: Option<&mut Writers>,
        root: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<(u32, Vec<DocRange>)>, RunError> {
        let mut streams = Vec::new();
        let mut pending: Option<(usize, Vec<Result<Step, RunError>>)> = None;
        for batch in units.chunks(BATCH) {
            crate::output::publish::interrupted(root)?;
            let (results, taken) = rayon::join(
                || batch.par_iter().map(|u| work(*u)).collect::<Vec<_>>(),
                || match pending.take() {
                    Some((n, results)) => self
                        .take(results, writers.as_deref_mut(), &mut streams)
                        .map(|()| n),
                    None => Ok(0),
                },
            );
            progress(taken? as u64);
            pending = Some((batch.len(), results));
        }
        if let Some((n, results)) = pending.take() {
            self.take(results, writers, &mut streams)?;
            progress(n as u64);
        }
        Ok(streams)
    }
}
