//! `pipeline validate [PATH...]`: check records and report every problem, writing nothing
//! (but the report page with `--report FILE`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use pipeline::engine;
use pipeline::engine::catalogue::Catalogue;
use pipeline::engine::selection::{CATALOGUE_MARKERS, Selection, group_by_catalogue};
use pipeline::export::ExportOptions;

use crate::cli::ValidateArgs;
use crate::output::{Outcome, failed, report, summary};

pub fn validate(args: &ValidateArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = crate::commands::settings(&args.common)?;
    let mut total = Catalogue::default();
    let mut aggregates: Option<pipeline::report::Aggregates> = None;
    let progress = crate::progress::Progress::new(args.common.quiet);
    let report_progress = |done: u64, total: u64| progress.update(done, total);
    // Every catalogue the named paths belong to goes through the one streaming engine: the
    // named files in full, the rest of their catalogue only outlined.
    for (root, selection) in group_by_catalogue(&args.paths, &args.input)? {
        if !args.common.quiet {
            say_which_catalogue(&root, selection.as_deref(), &args.input);
        }
        let options = engine::Options {
            output: None,
            export: ExportOptions::default(),
            selection: selection.map(Selection::Files).unwrap_or_default(),
            progress: Some(&report_progress),
            report: args.report.is_some(),
            // With a report, the engine keeps what it lists and tallies, and counts the rest.
            keep_findings: args.common.max_errors,
        };
        let (c, _) = engine::run(&root, &settings, &options).map_err(|e| e.to_string())?;
        total.files += c.files;
        total.documents += c.documents;
        total.valid += c.valid;
        total.findings.extend(c.findings);
        for (code, n) in c.not_kept {
            *total.not_kept.entry(code).or_default() += n;
        }
        total.collections.extend(c.collections);
        if let Some(a) = c.aggregates {
            match aggregates.as_mut() {
                Some(all) => all.merge(*a),
                None => aggregates = Some(*a),
            }
        }
    }
    progress.finish();
    pipeline::diagnostics::sort_findings(&mut total.findings);
    report(&total, &args.common);
    if let Some(path) = &args.report {
        let info = pipeline::report::run_info(
            "validate",
            &args.input,
            None,
            settings.schema_file.as_deref(),
            started.elapsed(),
        );
        let aggregates = aggregates.unwrap_or_default();
        let report = pipeline::report::build(
            &aggregates,
            &total.findings,
            &total.not_kept,
            &total.collections,
            total.summary(),
            info,
        );
        pipeline::report::write_files(path, &report)?;
    }
    summary(&total, None, started, &args.common);
    Ok(if failed(&total, &args.common) {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}

/// Names the folder taken as the catalogue when it is not `--input`, so that a finding that
/// depends on the catalogue (a collection not described, an unknown `related` id) can be read
/// against the right folder.
fn say_which_catalogue(root: &Path, files: Option<&[PathBuf]>, input: &Path) {
    // A folder named and checked whole is the catalogue the user named.
    let Some(files) = files.filter(|_| root != input) else {
        return;
    };
    let shown = |p: &Path| pipeline::escape::log_line(&p.display().to_string());
    // At most three names: a list from `xargs` may hold thousands.
    let mut named = files
        .iter()
        .take(3)
        .map(|f| shown(f))
        .collect::<Vec<_>>()
        .join(", ");
    if files.len() > 3 {
        named.push_str(&format!(" and {} more", files.len() - 3));
    }
    let why = if CATALOGUE_MARKERS.iter().any(|m| root.join(m).is_file()) {
        "the nearest folder up holding _collections.yaml or _authorities.yaml"
    } else {
        "no folder up holds _collections.yaml or _authorities.yaml"
    };
    let _ = writeln!(
        std::io::stderr(),
        "pipeline: {named}: checked against the catalogue folder {} ({why}; --input names another)",
        shown(root)
    );
}
