//! `pipeline validate [PATH...]`: check records and report every problem, writing nothing
//! (but the report page with `--report FILE`).

use std::time::Instant;

use pipeline::engine;
use pipeline::engine::catalogue::Catalogue;
use pipeline::engine::selection::{Selection, group_by_catalogue};
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
    summary(&total, 0, started, &args.common);
    Ok(if failed(&total, &args.common) {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}
