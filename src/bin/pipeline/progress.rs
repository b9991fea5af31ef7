//! A progress bar on standard error for long runs: records/s and time left.
//!
//! It exists because a million-record run takes minutes and a silent terminal looks hung.
//! It is shown only when standard error is a terminal, `--quiet` is not given, and the run
//! has lasted more than a second (short runs print nothing extra); it never goes to a pipe
//! or a CI log.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress of a run; does nothing when not wanted.
pub struct Progress {
    started: Instant,
    bar: Option<Mutex<Option<ProgressBar>>>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let wanted = !quiet && std::io::stderr().is_terminal();
        Progress {
            started: Instant::now(),
            bar: wanted.then(|| Mutex::new(None)),
        }
    }

    /// `done` of `total` units of work are finished.
    pub fn update(&self, done: u64, total: u64) {
        let Some(slot) = &self.bar else { return };
        if self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let Ok(mut slot) = slot.lock() else { return };
        let bar = slot.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} records · {per_sec} · {eta} left",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        bar.set_length(total);
        bar.set_position(done);
    }

    /// Remove the bar before the findings and the summary are printed.
    pub fn finish(&self) {
        if let Some(slot) = &self.bar
            && let Ok(mut slot) = slot.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}
