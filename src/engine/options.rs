//! What a run is asked to do ([`Options`]), how it can fail ([`RunError`]), and how many
//! units it processes at a time ([`BATCH`]): shared by every stage of the engine.

use std::path::Path;

use crate::engine::catalogue::LoadError;
use crate::engine::selection::Selection;
use crate::export::ExportOptions;
use crate::output::publish::PublishError;

/// Records processed together: enough to keep both cores busy, few enough that a batch's
/// parsed records and rendered exports stay small (~2,048 × a few KiB).
pub const BATCH: usize = 2048;

/// What a streaming run is asked to do.
pub struct Options<'a> {
    /// Where to stage the exports; `None` validates only.
    pub output: Option<&'a Path>,
    pub export: ExportOptions,
    /// Which records are processed in full (the others are only outlined).
    pub selection: Selection,
    /// Called with (units done, units in all) as the run advances.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Gather the run report's aggregates ([`crate::report`]) into
    /// [`crate::engine::catalogue::Catalogue::aggregates`]. Units are then never replayed from the incremental cache
    /// (it keeps their exports, not what the report counts); they are still stored in it.
    pub report: bool,
    /// Keep only the first N findings in reporting order (`--max-errors N`), counting the
    /// others by code as they come ([`crate::engine::catalogue::Catalogue::not_kept`]).
    /// The first of what the run reports: a selection of files reports the named files'
    /// findings, a shard those of the files it owns, both filtered as they come. With
    /// [`Options::report`], at
    /// least the report's [`crate::report::FINDINGS_CAP`] are kept, and every finding of
    /// the codes it tallies ([`crate::report::TALLIED`]).
    pub keep_findings: Option<usize>,
}

/// A failure that stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl RunError {
    /// Whether the run stopped because of SIGINT or SIGTERM.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, RunError::Publish(e) if e.is_interrupted())
    }
}
