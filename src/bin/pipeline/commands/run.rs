//! `pipeline run`: validate every record, then stage, report and publish the exports.

use std::time::Instant;

use pipeline::engine;
use pipeline::engine::selection::Selection;
use pipeline::export::ExportOptions;
use pipeline::output::publish;

use crate::cli::RunArgs;
use crate::output::{Outcome, failed, report, summary};

pub fn run(args: &RunArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = crate::commands::settings(&args.common)?;
    publish::check_separate(&args.input, &args.output)?;
    let progress = crate::progress::Progress::new(args.common.quiet);
    let report_progress = |done: u64, total: u64| progress.update(done, total);
    let options = engine::Options {
        output: Some(&args.output),
        export: ExportOptions {
            base_iri: args.base_iri.clone(),
            csv_separator: args.csv_separator,
        },
        selection: args.shard.map(Selection::Shard).unwrap_or_default(),
        progress: Some(&report_progress),
        report: args.report.is_some(),
        // The report lists and counts every finding: they are kept for it.
        // With a report, the engine keeps what it lists and tallies, and counts the rest.
        keep_findings: args.common.max_errors,
    };
    // From here on, Ctrl-C and SIGTERM stop the run cleanly: between batches while reading,
    // before the switch while publishing; the previous outputs stay in force.
    publish::stop_on_signals().map_err(|e| e.to_string())?;
    let (mut catalogue, staged) = match engine::run(&args.input, &settings, &options) {
        Ok(done) => done,
        Err(e) if e.is_interrupted() => {
            progress.finish();
            eprintln!(
                "pipeline: interrupted by a signal; the previous outputs are left as they were"
            );
            return Ok(Outcome::Interrupted);
        }
        Err(e) => return Err(e.to_string()),
    };
    progress.finish();
    report(&catalogue, &args.common);
    if failed(&catalogue, &args.common) {
        if args.report.is_some() && !args.common.quiet {
            eprintln!(
                "pipeline: note: the report is published with the exports, so none was written; \
                 `pipeline validate --report FILE` writes one for a catalogue with errors"
            );
        }
        summary(&catalogue, Some(0), started, &args.common);
        return Ok(Outcome::Invalid);
    }
    let mut staged = staged;
    if let (Some(name), Some(s)) = (&args.report, staged.as_mut()) {
        let info = pipeline::report::run_info(
            "run",
            &args.input,
            Some(s.output()),
            settings.schema_file.as_deref(),
            started.elapsed(),
        );
        let aggregates = catalogue.aggregates.take().map(|a| *a).unwrap_or_default();
        let report = pipeline::report::build(
            &aggregates,
            &catalogue.findings,
            &catalogue.not_kept,
            &catalogue.collections,
            catalogue.summary(),
            info,
        );
        pipeline::report::write_both(&report, name, |n, bytes| {
            s.write_extra(n, bytes).map_err(std::io::Error::other)
        })
        .map_err(|e| e.to_string())?;
    }
    let written = match staged.map(|mut s| {
        if args.no_sync {
            s.skip_sync();
        }
        s.publish()
    }) {
        Some(Ok(published)) => published.dc_files,
        Some(Err(e)) if e.is_interrupted() => {
            eprintln!(
                "pipeline: {}",
                pipeline::escape::log_line(&e.source.to_string())
            );
            return Ok(Outcome::Interrupted);
        }
        Some(Err(e)) => return Err(e.to_string()),
        None => 0,
    };
    summary(&catalogue, Some(written), started, &args.common);
    Ok(Outcome::Valid)
}
