//! `pipeline check-outlines`: the checks across records over the outlines of every part.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use pipeline::engine::catalogue;
use pipeline::render::Summary;

use crate::commands::existing;
use crate::output::{Outcome, print_findings};

pub fn check_outlines(args: &crate::cli::CheckOutlinesArgs) -> Result<Outcome, String> {
    use pipeline::diagnostics::Severity;
    let started = Instant::now();
    // Only the collections and authority files are read (with their built-in schemas): no
    // record schema is looked for, so a broken `schemas/record.schema.json` in the current
    // folder does not stop the checks.
    let settings = catalogue::Settings::new(None).map_err(|e| e.to_string())?;
    let lines = pipeline::validate::outline_file::read(&args.outlines)?;
    let mut findings = Vec::new();
    let collections = match existing(&args.collections, "collections")? {
        Some(path) => {
            let (collections, problems) = catalogue::load_collections_file(path, &settings);
            findings.extend(problems);
            Some(collections)
        }
        None => None,
    };
    let authorities = match existing(&args.authorities, "authority")? {
        Some(path) => {
            let (index, problems) = catalogue::load_authorities_file(path, &settings);
            findings.extend(problems);
            index
        }
        None => pipeline::normalize::names::AuthorityIndex::empty(),
    };
    findings.extend(pipeline::validate::outline_file::check(
        &lines,
        collections.as_deref(),
        &authorities,
    ));
    pipeline::diagnostics::sort_findings(&mut findings);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    // A document is invalid when an error points at its id or one of its references.
    let error_places: std::collections::HashSet<(&Path, usize, usize)> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter_map(|f| f.location.map(|at| (f.file.as_path(), at.line, at.col)))
        .collect();
    let invalid = lines
        .iter()
        .filter(|l| {
            let file = Path::new(&l.file);
            l.id.iter()
                .chain(&l.related)
                .chain(&l.collections)
                .any(|r| error_places.contains(&(file, r.line, r.column)))
        })
        .count();
    let files: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.file.as_str()).collect();
    let summary = Summary {
        files: files.len(),
        records: lines.len(),
        valid: lines.len() - invalid,
        invalid,
        errors,
        warnings,
    };
    print_findings(&findings, 0, &summary, args.format, args.color);
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: {} outlines of {} files checked; {errors} errors, {warnings} warnings in {:.2}s",
            lines.len(),
            files.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}
