//! `pipeline fix`: rewrite records with the safe normalizations, or show them (`--diff`).
//!
//! The library plans the files a batch at a time ([`pipeline::fix::run`]); this command's
//! sink ([`Apply`]) writes each file, or prints its diff, as its plan comes, counts what
//! changed and keeps the findings, which are printed sorted once every file is done.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use pipeline::diagnostics::Finding;
use pipeline::engine::batches::Sink;
use pipeline::engine::catalogue::Catalogue;
use pipeline::escape::log_line;
use pipeline::fix::FileFix;

use crate::cli::FixArgs;
use crate::output::{Outcome, count, failed, report};

pub fn fix(args: &FixArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = crate::commands::settings(&args.common)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("input")]
    } else {
        args.paths.clone()
    };
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(format!("{} does not exist", missing.display()));
    }
    let mut apply = Apply {
        diff: args.diff,
        quiet: args.common.quiet,
        values: 0,
        changed: 0,
        findings: Vec::new(),
    };
    let walked = pipeline::fix::run(&paths, &settings, &mut apply)?;
    let (values, changed) = (apply.values, apply.changed);
    let mut findings = walked.findings;
    findings.extend(apply.findings);
    pipeline::diagnostics::sort_findings(&mut findings);
    let catalogue = Catalogue {
        findings,
        files: walked.files,
        ..Catalogue::default()
    };
    report(&catalogue, &args.common);
    if !args.common.quiet {
        let verb = if args.diff { "would fix" } else { "fixed" };
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: {verb} {} in {changed} of {}; {} left as written, in {:.2}s",
            count(values, "value", "values"),
            count(walked.files, "file", "files"),
            catalogue.findings.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let pending = args.diff && changed > 0;
    Ok(if failed(&catalogue, &args.common) || pending {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}

/// What is done with each file's plan, in the order of the walk: the file is written (or,
/// with `--diff`, its diff printed), and the values and files changed are counted; the
/// findings are kept for the end.
struct Apply {
    diff: bool,
    quiet: bool,
    values: usize,
    changed: usize,
    findings: Vec<Finding>,
}

impl Sink<FileFix> for Apply {
    /// The message of a file that cannot be written; it stops the command (exit 2).
    type Error = String;

    fn take(&mut self, mut plan: FileFix) -> Result<(), String> {
        self.findings.append(&mut plan.findings);
        if plan.fixed.is_none() {
            return Ok(());
        }
        self.values += plan.edits;
        self.changed += 1;
        // A file is written by replacing it: a link is replaced by a file, never written
        // through (its target, maybe outside the catalogue, stays as it is). Said so.
        let link = plan.path.is_symlink();
        // The path and the diff's lines are the catalogue's: escaped for a log.
        let name = log_line(&plan.path.display().to_string());
        if self.diff {
            let diff = pipeline::fix::diff(&plan);
            let (diff, escaped) = pipeline::escape::diff_text(&diff);
            let _ = write!(std::io::stdout().lock(), "{diff}");
            if escaped && !self.quiet {
                eprintln!(
                    "pipeline: note: the diff of {name} shows characters escaped as \\u{{..}} \
                     (control characters, or text a CI runner would take as a command); \
                     those lines are for reading and do not apply as a patch"
                );
            }
            if link && !self.quiet {
                eprintln!(
                    "pipeline: note: {name} is a symbolic link; fixing it would replace the link \
                     by a file with the fixed text (its target would not change)"
                );
            }
        } else {
            pipeline::fix::write(&plan).map_err(|e| format!("cannot write {name}: {e}"))?;
            if link && !self.quiet {
                eprintln!(
                    "pipeline: note: {name} was a symbolic link; it is now a file with the fixed \
                     text (its target was not changed)"
                );
            }
        }
        Ok(())
    }
}
