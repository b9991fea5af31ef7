//! What the binary prints: findings in the chosen format, the summary line, and how a run
//! ended as an exit code.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use pipeline::engine::catalogue::Catalogue;
use pipeline::render::{self, Format, Summary};

use crate::cli::{ColorChoice, Common};

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Valid = 0,
    Invalid = 1,
    Failed = 2,
    /// Stopped by SIGINT or SIGTERM while writing (128 + 2, as shells report Ctrl-C).
    Interrupted = 130,
}

/// Whether the run failed because of what was found.
pub fn failed(catalogue: &Catalogue, common: &Common) -> bool {
    catalogue.errors() > 0 || (common.deny_warnings && catalogue.warnings() > 0)
}

/// Print findings in the chosen format; a closed pipe is not an error.
pub fn report(catalogue: &Catalogue, common: &Common) {
    let shown = common
        .max_errors
        .unwrap_or(usize::MAX)
        .min(catalogue.findings.len());
    let summary = catalogue.summary();
    let findings = &catalogue.findings[..shown];
    let omitted = catalogue.findings.len() - shown + catalogue.not_kept();
    print_findings(findings, omitted, &summary, common.format, common.color);
}

/// Print findings in `format` (by default human on a terminal, concise otherwise): the
/// machine formats on standard output, the others on standard error.
pub fn print_findings(
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
    // Buffered: standard error is not, and a finding written in pieces was several system
    // calls (600k findings: 7 s in the kernel).
    let _ = if format.is_machine() {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        render::render(&mut out, format, findings, omitted, summary, color)
            .and_then(|()| out.flush())
    } else {
        let mut out = std::io::BufWriter::new(std::io::stderr().lock());
        render::render(&mut out, format, findings, omitted, summary, color)
            .and_then(|()| out.flush())
    };
}

/// `1 record`, `2 records`, `0 records`: a count and its noun, singular only for one.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary line. `written` is the number of records exported, for the commands that
/// export (`run`); `validate` writes nothing and says nothing of it.
pub fn summary(catalogue: &Catalogue, written: Option<usize>, started: Instant, common: &Common) {
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
        "pipeline: {} read, {} valid, {} invalid",
        count(catalogue.documents, "record", "records"),
        catalogue.valid,
        catalogue.invalid(),
    );
    if let Some(written) = written {
        line.push_str(&format!(", {written} written"));
    }
    let (errors, warnings) = (catalogue.errors(), catalogue.warnings());
    if errors + warnings > 0 {
        line.push_str(&format!(
            "; {}, {}",
            count(errors, "error", "errors"),
            count(warnings, "warning", "warnings")
        ));
    }
    line.push_str(&format!(" in {:.2}s", started.elapsed().as_secs_f64()));
    let _ = writeln!(std::io::stderr(), "{line}");
}
