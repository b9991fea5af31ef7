//! `pipeline files`: the record files of a catalogue as `validate` finds them.

use std::io::Write;

use pipeline::engine::catalogue;
use pipeline::render;

use crate::output::Outcome;

pub fn files(args: &crate::cli::FilesArgs) -> Result<Outcome, String> {
    if !args.input.is_dir() {
        return Err(format!("{} is not a folder", args.input.display()));
    }
    let scope = pipeline::read::contain::Scope::new(&args.input, args.follow_symlinks);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = None;
    let end = if args.null { b'\0' } else { b'\n' };
    let findings = pipeline::read::contain::discover(&args.input, &scope, &mut |path| {
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
            pipeline::engine::convert::FindingsFormat::Concise => writeln!(err, "{f}"),
            pipeline::engine::convert::FindingsFormat::Json => {
                writeln!(err, "{}", render::finding_json_line(f))
            }
        };
    }
    Ok(if findings.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}
