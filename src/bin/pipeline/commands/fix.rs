//! `pipeline fix`: rewrite records with the safe normalizations, or show them (`--diff`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use pipeline::engine::catalogue::Catalogue;

use crate::cli::FixArgs;
use crate::output::{Outcome, failed, report};

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
    let (files, plans, mut findings) = pipeline::fix::plan_all(&paths, &settings);
    let (mut values, mut changed) = (0, 0);
    for plan in &plans {
        findings.extend(plan.findings.iter().cloned());
        if plan.fixed.is_none() {
            continue;
        }
        values += plan.edits;
        changed += 1;
        // A file is written by replacing it: a link is replaced by a file, never written
        // through (its target, maybe outside the catalogue, stays as it is). Said so.
        let link = plan.path.is_symlink();
        if args.diff {
            let _ = write!(std::io::stdout().lock(), "{}", pipeline::fix::diff(plan));
            if link && !args.common.quiet {
                eprintln!(
                    "pipeline: note: {} is a symbolic link; fixing it would replace the link \
                     by a file with the fixed text (its target would not change)",
                    plan.path.display()
                );
            }
        } else {
            pipeline::fix::write(plan)
                .map_err(|e| format!("cannot write {}: {e}", plan.path.display()))?;
            if link && !args.common.quiet {
                eprintln!(
                    "pipeline: note: {} was a symbolic link; it is now a file with the fixed \
                     text (its target was not changed)",
                    plan.path.display()
                );
            }
        }
    }
    pipeline::diagnostics::sort_findings(&mut findings);
    let catalogue = Catalogue {
        findings,
        files: files.len(),
        ..Catalogue::default()
    };
    report(&catalogue, &args.common);
    if !args.common.quiet {
        let verb = if args.diff { "would fix" } else { "fixed" };
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: {verb} {values} values in {changed} of {} files; {} left as written, in {:.2}s",
            files.len(),
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
