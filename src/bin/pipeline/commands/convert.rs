//! `pipeline convert`: a filter from standard input to standard output, record by record.

use std::io::Write;
use std::time::Instant;

use pipeline::engine::catalogue;
use pipeline::export::ExportOptions;

use crate::commands::{existing, settings_of};
use crate::output::{Outcome, count};

pub fn convert(args: &crate::cli::ConvertArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    // A path given on the input (`--from paths`) is the user's choice, read as given.
    let settings = settings_of(&args.reading, args.follow_symlinks)?;
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
    // The authority file's findings are shown, warnings too, in the format asked for.
    for f in &findings {
        match args.findings {
            pipeline::engine::convert::FindingsFormat::Concise => eprintln!("{f}"),
            pipeline::engine::convert::FindingsFormat::Json => {
                eprintln!("{}", pipeline::render::finding_json_line(f))
            }
        }
    }
    if findings
        .iter()
        .any(|f| f.severity == pipeline::diagnostics::Severity::Error)
    {
        return Err("the authority file is not usable; fix it first".into());
    }
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
        (pipeline::engine::convert::OutputFormat::Shard, Some(dir), Some(part)) => {
            Some(pipeline::engine::convert::ShardOutput {
                dir,
                part,
                collections: &collections,
            })
        }
        (pipeline::engine::convert::OutputFormat::Shard, _, _) => {
            return Err("--to shard needs --output DIR and --part I/N".into());
        }
        (_, None, None) => None,
        _ => return Err("--output and --part go with --to shard".into()),
    };
    // The outlines are written to a temporary file beside their name and put in place only
    // when the conversion succeeded: a failed one leaves the previous file as it was, never
    // a file cut short that `check-outlines` would read as complete.
    // A character device (`--outlines /dev/null`) is written through, never replaced.
    let mut device = match &args.outlines {
        Some(path) => pipeline::output::named::device_target(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?
            .map(std::io::BufWriter::new),
        None => None,
    };
    let mut outlines = match &args.outlines {
        Some(_) if device.is_some() => None,
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let file = tempfile::Builder::new()
                .prefix(".outlines-")
                .tempfile_in(dir)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            Some((path, std::io::BufWriter::new(file)))
        }
        None => None,
    };
    let options = pipeline::engine::convert::ConvertOptions {
        from: args.from,
        to: args.to,
        findings: args.findings,
        stdin_name: &args.stdin_name,
        authorities: &authorities,
        shard,
        max_findings: args.max_errors,
    };
    // Unlocked handles: the conversion reads and writes from whichever thread of the pool
    // takes each batch (one at a time), and a lock may not move between threads.
    let counts = pipeline::engine::convert::convert_with(
        std::io::BufReader::with_capacity(1 << 16, std::io::stdin()),
        std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
        std::io::stderr(),
        match (outlines.as_mut(), device.as_mut()) {
            (Some((_, w)), _) => Some(w as &mut (dyn Write + Send)),
            (None, Some(w)) => Some(w as &mut (dyn Write + Send)),
            (None, None) => None,
        },
        &options,
        &settings,
        &export,
    )
    .map_err(|e| e.to_string())?;
    if let (Some(mut writer), Some(path)) = (device, &args.outlines) {
        writer
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some((path, writer)) = outlines {
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let file = writer.into_inner().map_err(|e| fail(e.into_error()))?;
        #[cfg(unix)]
        {
            // Readable as a file the user writes (a temporary file is made 0600).
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644));
        }
        file.as_file().sync_all().map_err(fail)?;
        file.persist(path).map_err(|e| fail(e.error))?;
    }
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "pipeline: {} read, {} written, {} left out; {}, {} in {:.2}s",
            count(counts.records, "record", "records"),
            counts.written,
            counts.records - counts.written,
            count(counts.errors, "error", "errors"),
            count(counts.warnings, "warning", "warnings"),
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
