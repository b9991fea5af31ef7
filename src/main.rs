//! The `pipeline` binary: parse arguments, call the library, print findings, map the outcome
//! to an exit code (0 valid, 1 invalid records, 2 the tool could not run).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use pipeline::catalogue::{self, Catalogue, Settings};
use pipeline::cli::{Cli, ColorChoice, Command, Common, DateOrder, FixArgs, RunArgs, ValidateArgs};
use pipeline::diagnostics::Code;
use pipeline::export::ExportOptions;
use pipeline::normalize::dates::{DateOptions, DayMonthOrder};
use pipeline::publish;
use pipeline::render::{self, Format, Summary};
use pipeline::selection::Selection;
use pipeline::streaming;

/// mimalloc instead of the system allocator: a record is parsed into many small strings and
/// trees that are freed a moment later, and glibc's malloc/free were ~20 % of the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Valid = 0,
    Invalid = 1,
    Failed = 2,
    /// Stopped by SIGINT or SIGTERM while writing (128 + 2, as shells report Ctrl-C).
    Interrupted = 130,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let outcome = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
        Command::Fix(args) => fix(&args),
        Command::Merge(args) => merge(&args),
        Command::Convert(args) => convert(&args),
        Command::CheckOutlines(args) => check_outlines(&args),
        Command::Files(args) => files(&args),
        Command::Explain { code } => explain(&code),
    };
    let outcome = outcome.unwrap_or_else(|message| {
        eprintln!("pipeline: error: {message}");
        Outcome::Failed
    });
    ExitCode::from(outcome as u8)
}

fn settings(common: &Common) -> Result<Settings, String> {
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let mut settings = settings_of(
        common.schema.as_ref(),
        common.date_order,
        common.max_file_bytes,
        common.max_value_bytes,
        common.follow_symlinks,
    )?;
    settings.follow_symlinks = common.follow_symlinks;
    Ok(settings)
}

fn settings_of(
    schema: Option<&PathBuf>,
    date_order: Option<DateOrder>,
    max_file_bytes: Option<u64>,
    max_value_bytes: Option<usize>,
    follow_symlinks: bool,
) -> Result<Settings, String> {
    // The default schema is found in the current folder, which in CI is the checkout of
    // the change being checked: it is read under the catalogue's rule, never through a link
    // that leads out of the current folder. A schema named with --schema is read as given.
    let default_schema = Path::new("schemas/record.schema.json");
    let found = match schema {
        Some(_) => Ok(None),
        None => pipeline::contain::Scope::new(Path::new("."), follow_symlinks)
            .special_file(Path::new("."), "schemas/record.schema.json"),
    };
    let found = found.map_err(|f| {
        let why = match f.code {
            Code::OutsideLink => {
                "is a symbolic link that leads outside the current folder; it was not followed"
                    .to_string()
            }
            _ => f.message,
        };
        format!(
            "the default schema {} {why} (name a schema with --schema FILE)",
            default_schema.display()
        )
    })?;
    let schema = match schema {
        Some(path) => Some(path.as_path()),
        None => found.map(|_| default_schema),
    };
    let mut settings = Settings::new(schema).map_err(|e| e.to_string())?;
    let limits = &mut settings.limits;
    limits.max_file_bytes = max_file_bytes.unwrap_or(limits.max_file_bytes);
    limits.max_scalar_bytes = max_value_bytes.unwrap_or(limits.max_scalar_bytes);
    settings.date_options = DateOptions {
        day_month_order: date_order.map(|o| match o {
            DateOrder::DayFirst => DayMonthOrder::DayFirst,
            DateOrder::MonthFirst => DayMonthOrder::MonthFirst,
        }),
    };
    Ok(settings)
}

/// Whether the run failed because of what was found.
fn failed(catalogue: &Catalogue, common: &Common) -> bool {
    catalogue.errors() > 0 || (common.deny_warnings && catalogue.warnings() > 0)
}

/// Print findings in the chosen format; a closed pipe is not an error.
fn report(catalogue: &Catalogue, common: &Common) {
    let shown = common
        .max_errors
        .unwrap_or(usize::MAX)
        .min(catalogue.findings.len());
    let summary = Summary::of(catalogue);
    let findings = &catalogue.findings[..shown];
    let omitted = catalogue.findings.len() - shown;
    print_findings(findings, omitted, &summary, common.format, common.color);
}

/// Print findings in `format` (by default human on a terminal, concise otherwise): the
/// machine formats on standard output, the others on standard error.
fn print_findings(
    findings: &[pipeline::diagnostics::Finding],
    omitted: usize,
    summary: &Summary,
    format: Option<Format>,
    color: ColorChoice,
) {
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let format = format.unwrap_or(if stderr_is_terminal {
        Format::Human
    } else {
        Format::Concise
    });
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stderr_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let _ = if format.is_machine() {
        render::render(
            &mut std::io::stdout().lock(),
            format,
            findings,
            omitted,
            summary,
            color,
        )
    } else {
        render::render(
            &mut std::io::stderr().lock(),
            format,
            findings,
            omitted,
            summary,
            color,
        )
    };
}

fn summary(catalogue: &Catalogue, written: usize, started: Instant, common: &Common) {
    if catalogue.files == 0 && catalogue.findings.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: warning: no record files (*.yaml, *.yml) were found; check the folder"
        );
    }
    if common.quiet {
        return;
    }
    let mut line = format!(
        "pipeline: {} records read, {} valid, {} invalid, {} written",
        catalogue.documents,
        catalogue.valid,
        catalogue.invalid(),
        written
    );
    let (errors, warnings) = (catalogue.errors(), catalogue.warnings());
    if errors + warnings > 0 {
        line.push_str(&format!("; {errors} errors, {warnings} warnings"));
    }
    line.push_str(&format!(" in {:.2}s", started.elapsed().as_secs_f64()));
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn fix(args: &FixArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = settings(&args.common)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("input")]
    } else {
        args.paths.clone()
    };
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(format!("{} does not exist", missing.display()));
    }
    let (files, mut findings) = pipeline::fix::files(&paths, args.common.follow_symlinks);
    let plans: Vec<pipeline::fix::FileFix> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| pipeline::fix::plan(f, &settings.limits, &settings.date_options))
            .collect()
    };
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

fn explain(code: &str) -> Result<Outcome, String> {
    let mut out = std::io::stdout().lock();
    if code.eq_ignore_ascii_case("all") {
        let _ = writeln!(out, "{}", pipeline::diagnostics::CODES_PAGE.trim_end());
        return Ok(Outcome::Valid);
    }
    let known = Code::parse(code).ok_or_else(|| {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        format!(
            "`{code}` is not a finding code; the codes are {}",
            codes.join(", ")
        )
    })?;
    let text = pipeline::diagnostics::explanation(known)
        .ok_or_else(|| format!("{known} has no explanation"))?;
    let _ = writeln!(out, "{text}");
    Ok(Outcome::Valid)
}

fn run(args: &RunArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = settings(&args.common)?;
    publish::check_separate(&args.input, &args.output)?;
    let progress = pipeline::progress::Progress::new(args.common.quiet);
    let report_progress = |done: u64, total: u64| progress.update(done, total);
    let options = streaming::Options {
        output: Some(&args.output),
        export: ExportOptions {
            base_iri: args.base_iri.clone(),
            csv_separator: args.csv_separator,
        },
        selection: args.shard.map(Selection::Shard).unwrap_or_default(),
        progress: Some(&report_progress),
        report: args.report.is_some(),
    };
    // From here on, Ctrl-C and SIGTERM stop the run cleanly: between batches while reading,
    // before the switch while publishing; the previous outputs stay in force.
    publish::stop_on_signals().map_err(|e| e.to_string())?;
    let (mut catalogue, staged) = match streaming::run(&args.input, &settings, &options) {
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
        summary(&catalogue, 0, started, &args.common);
        return Ok(Outcome::Invalid);
    }
    let mut staged = staged;
    if let (Some(name), Some(s)) = (&args.report, staged.as_mut()) {
        let info = run_info("run", &args.input, Some(s.output()), &args.common, started);
        let aggregates = catalogue.aggregates.take().map(|a| *a).unwrap_or_default();
        let report = pipeline::report::build(&aggregates, &catalogue, info);
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
            eprintln!("pipeline: {}", e.source);
            return Ok(Outcome::Interrupted);
        }
        Some(Err(e)) => return Err(e.to_string()),
        None => 0,
    };
    summary(&catalogue, written, started, &args.common);
    Ok(Outcome::Valid)
}

fn convert(args: &pipeline::cli::ConvertArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let settings = settings_of(args.schema.as_ref(), args.date_order, None, None, false)?;
    let export = ExportOptions {
        base_iri: args.base_iri.clone(),
        csv_separator: args.csv_separator,
    };
    let (authorities, findings) = match existing(&args.authorities, "authority")? {
        Some(path) => catalogue::load_authorities_file(path, &settings),
        None => (
            pipeline::normalize::names::AuthorityIndex::empty(),
            Vec::new(),
        ),
    };
    if findings
        .iter()
        .any(|f| f.severity == pipeline::diagnostics::Severity::Error)
    {
        for f in &findings {
            eprintln!("{f}");
        }
        return Err("the authority file is not usable; fix it first".into());
    }
    let mut outlines = match &args.outlines {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
        )),
        None => None,
    };
    let collections = match existing(&args.collections, "collections")? {
        Some(path) => {
            let (collections, problems) = catalogue::load_collections_file(path, &settings);
            if let Some(f) = problems.first() {
                return Err(format!("the collections file is not usable: {f}"));
            }
            collections
        }
        None => Vec::new(),
    };
    let shard = match (args.to, &args.output, args.part) {
        (pipeline::convert::OutputFormat::Shard, Some(dir), Some(part)) => {
            Some(pipeline::convert::ShardOutput {
                dir,
                part,
                collections: &collections,
            })
        }
        (pipeline::convert::OutputFormat::Shard, _, _) => {
            return Err("--to shard needs --output DIR and --part I/N".into());
        }
        (_, None, None) => None,
        _ => return Err("--output and --part go with --to shard".into()),
    };
    let options = pipeline::convert::ConvertOptions {
        from: args.from,
        to: args.to,
        findings: args.findings,
        stdin_name: &args.stdin_name,
        authorities: &authorities,
        shard,
    };
    let counts = pipeline::convert::convert_with(
        std::io::stdin().lock(),
        std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        std::io::stderr().lock(),
        outlines.as_mut().map(|w| w as &mut dyn Write),
        &options,
        &settings,
        &export,
    )
    .map_err(|e| e.to_string())?;
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: {} records read, {} written, {} left out; {} errors, {} warnings in {:.2}s",
            counts.records,
            counts.written,
            counts.records - counts.written,
            counts.errors,
            counts.warnings,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(
        if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
            Outcome::Invalid
        } else {
            Outcome::Valid
        },
    )
}

/// A file named by an option, when it was given: an error naming the option's file when it
/// does not exist.
fn existing<'a>(path: &'a Option<PathBuf>, what: &str) -> Result<Option<&'a PathBuf>, String> {
    match path {
        Some(path) if !path.is_file() => {
            Err(format!("the {what} file {} does not exist", path.display()))
        }
        other => Ok(other.as_ref()),
    }
}

fn files(args: &pipeline::cli::FilesArgs) -> Result<Outcome, String> {
    if !args.input.is_dir() {
        return Err(format!("{} is not a folder", args.input.display()));
    }
    let scope = pipeline::contain::Scope::new(&args.input, args.follow_symlinks);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = None;
    let end = if args.null { b'\0' } else { b'\n' };
    let findings = catalogue::discover_with(&args.input, &scope, |path| {
        use std::os::unix::ffi::OsStrExt;
        if failed.is_none() {
            let written = out
                .write_all(path.as_os_str().as_bytes())
                .and_then(|()| out.write_all(&[end]));
            failed = written.err();
        }
    });
    let mut findings = findings;
    // The collections and authority files are read by every run: a link of theirs out of
    // the catalogue is reported here too, so that a job reading them can leave them out.
    for name in [catalogue::COLLECTIONS_FILE, catalogue::AUTHORITIES_FILE] {
        if let Err(f) = scope.special_file(&args.input, name) {
            findings.push(f);
        }
    }
    pipeline::diagnostics::sort_findings(&mut findings);
    match failed.map_or_else(|| out.flush(), Err) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.to_string()),
        _ => {}
    }
    let mut err = std::io::stderr().lock();
    for f in &findings {
        let _ = match args.findings {
            pipeline::convert::FindingsFormat::Concise => writeln!(err, "{f}"),
            pipeline::convert::FindingsFormat::Json => {
                writeln!(err, "{}", render::finding_json(f))
            }
        };
    }
    Ok(if findings.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

fn check_outlines(args: &pipeline::cli::CheckOutlinesArgs) -> Result<Outcome, String> {
    use pipeline::diagnostics::Severity;
    let started = Instant::now();
    let settings = settings_of(None, None, None, None, false)?;
    let lines = pipeline::outline_file::read(&args.outlines)?;
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
    findings.extend(pipeline::outline_file::check(
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

fn merge(args: &pipeline::cli::MergeArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let published = pipeline::shard::merge(&args.shards, &args.output, args.csv_separator)
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        std::io::stderr(),
        "pipeline: {} shards merged, {} written in {:.2}s",
        args.shards.len(),
        published.dc_files,
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Valid)
}

fn validate(args: &ValidateArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let settings = settings(&args.common)?;
    let mut total = Catalogue::default();
    let mut aggregates: Option<pipeline::report::Aggregates> = None;
    let progress = pipeline::progress::Progress::new(args.common.quiet);
    let report_progress = |done: u64, total: u64| progress.update(done, total);
    // Every catalogue the named paths belong to goes through the one streaming engine: the
    // named files in full, the rest of their catalogue only outlined.
    for (root, selection) in
        group_by_catalogue(&args.paths, &args.input, &settings, &mut total.findings)?
    {
        let options = streaming::Options {
            output: None,
            export: ExportOptions::default(),
            selection: selection.map(Selection::Files).unwrap_or_default(),
            progress: Some(&report_progress),
            report: args.report.is_some(),
        };
        let (c, _) = streaming::run(&root, &settings, &options).map_err(|e| e.to_string())?;
        total.files += c.files;
        total.documents += c.documents;
        total.valid += c.valid;
        total.findings.extend(c.findings);
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
        total.aggregates = aggregates.map(Box::new);
        let info = run_info("validate", &args.input, None, &args.common, started);
        let aggregates = total.aggregates.take().map(|a| *a).unwrap_or_default();
        let report = pipeline::report::build(&aggregates, &total, info);
        write_report_files(path, &report)?;
    }
    summary(&total, 0, started, &args.common);
    Ok(if failed(&total, &args.common) {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}

/// Which catalogue each named path belongs to: paths inside `input` are checked against the
/// whole of `input`; another folder is a catalogue of its own; another file is checked
/// against the folder it is in.
type Group = (PathBuf, Option<Vec<PathBuf>>);

fn group_by_catalogue(
    paths: &[PathBuf],
    input: &Path,
    settings: &Settings,
    findings: &mut Vec<pipeline::diagnostics::Finding>,
) -> Result<Vec<Group>, String> {
    if paths.is_empty() {
        return Ok(vec![(input.to_path_buf(), None)]);
    }
    let input_canon = input.canonicalize().ok();
    let mut groups: Vec<Group> = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{} does not exist", path.display()));
        }
        let canon = path
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let inside_input = input_canon.as_ref().is_some_and(|i| canon.starts_with(i));
        // A file (or a FIFO, which is reported, never opened) inside the catalogue.
        let (root, files) = if inside_input && !path.is_dir() {
            (input.to_path_buf(), Some(vec![path.clone()]))
        } else if inside_input {
            // The folder's links that lead outside, and its special files, are reported
            // here: they are not among its files.
            let (files, refused) = catalogue::discover(path, &settings.scope(input));
            findings.extend(refused);
            (input.to_path_buf(), Some(files))
        } else if path.is_dir() {
            (path.clone(), None)
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")).to_path_buf(),
                Some(vec![path.clone()]),
            )
        };
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, existing)) => match (existing.as_mut(), files) {
                (Some(list), Some(more)) => list.extend(more),
                _ => *existing = None,
            },
            None => groups.push((root, files)),
        }
    }
    Ok(groups)
}

/// What the report says about the run itself.
fn run_info(
    command: &str,
    input: &Path,
    output: Option<&Path>,
    common: &Common,
    started: Instant,
) -> pipeline::report::RunInfo {
    let schema = match &common.schema {
        Some(path) => path.display().to_string(),
        None if Path::new("schemas/record.schema.json").is_file() => {
            "schemas/record.schema.json".to_string()
        }
        None => "built-in copy of schemas/record.schema.json".to_string(),
    };
    pipeline::report::RunInfo {
        command: command.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        input: input.display().to_string(),
        output: output.map(|o| o.display().to_string()),
        schema,
        elapsed_seconds: (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
    }
}

/// Write `validate --report FILE`: the page at FILE, the JSON beside it; each file is
/// written whole to a temporary name beside it and renamed into place.
fn write_report_files(path: &Path, report: &pipeline::report::Report) -> Result<(), String> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Err(format!(
            "--report {}: name the HTML page (e.g. report.html); the JSON is written beside it",
            path.display()
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Written whole to a new temporary file beside it, flushed, then renamed into place (as
    // `fix` writes records); readable as any file the user writes (0644 less the umask is
    // not known here, so 0644).
    let write = |target: &Path, bytes: &[u8]| -> Result<(), String> {
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", target.display());
        let mut tmp = tempfile::Builder::new()
            .prefix(".report-")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(bytes).map_err(fail)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(target).map_err(|e| fail(e.error))?;
        Ok(())
    };
    write(path, pipeline::report::to_html(report).as_bytes())?;
    write(
        Path::new(&pipeline::report::json_name(&path.to_string_lossy())),
        pipeline::report::to_json(report).as_bytes(),
    )
}
