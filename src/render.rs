//! Rendering findings for people and for machines.
//!
//! - `human`: the source line with a caret under the offending value and a help line
//!   (annotate-snippets, as rustc and cargo render), in colour on a terminal;
//! - `concise`: `path:line:col: severity[CODE]: message`, one line per finding, followed by its
//!   indented help line;
//! - `json`: a documented, versioned document (see `docs/output-formats.md`);
//! - `github`: GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::…`);
//! - `sarif`: SARIF 2.1.0, for code-scanning upload.
//!
//! People formats go to standard error, machine formats to standard output (the caller
//! chooses the stream).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value as Json, json};

use crate::diagnostics::{Code, Finding, Severity};

/// The output formats of `pipeline validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source line, caret and help; the default on a terminal.
    Human,
    /// One line per finding plus its help line; the default otherwise.
    Concise,
    /// A JSON document on standard output.
    Json,
    /// GitHub Actions annotations on standard output.
    Github,
    /// SARIF 2.1.0 on standard output.
    Sarif,
}

impl Format {
    /// Whether the format is for machines (written to standard output).
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json | Format::Github | Format::Sarif)
    }
}

/// Counts for the JSON and SARIF summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub records: usize,
    pub valid: usize,
    pub invalid: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Write `findings` in `format`. `omitted` findings were cut by `--max-errors`.
pub fn render(
    out: &mut dyn Write,
    format: Format,
    findings: &[Finding],
    omitted: usize,
    summary: &Summary,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Concise => {
            for f in findings {
                writeln!(out, "{f}")?;
            }
            more(out, omitted)
        }
        Format::Human => human(out, findings, color).and_then(|()| more(out, omitted)),
        Format::Json => {
            let doc = json_document(findings, omitted, summary);
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Github => {
            for f in findings {
                writeln!(out, "{}", github_annotation(f))?;
            }
            Ok(())
        }
        Format::Sarif => {
            let doc = sarif(findings);
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

fn more(out: &mut dyn Write, omitted: usize) -> io::Result<()> {
    if omitted > 0 {
        writeln!(
            out,
            "... and {omitted} more findings (raise --max-errors to see them)"
        )?;
    }
    Ok(())
}

/// The source lines of the files findings point into, read once per file.
struct Sources(HashMap<PathBuf, Option<String>>);

impl Sources {
    fn line(&mut self, path: &Path, line: usize) -> Option<String> {
        let text = self
            .0
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok());
        let text = text.as_deref()?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.lines().nth(line.checked_sub(1)?).map(str::to_string)
    }
}

fn human(out: &mut dyn Write, findings: &[Finding], color: bool) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources = Sources(HashMap::new());
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = f.file.display().to_string();
        let title = level.primary_title(f.message.as_str()).id(f.code.as_str());
        let line_text = f.location.and_then(|l| sources.line(&f.file, l.line));
        let mut report: Vec<Group<'_>> = Vec::new();
        let located;
        match (f.location, &line_text) {
            (Some(loc), Some(text)) => {
                // Columns count characters; annotate-snippets wants byte offsets.
                let start = text
                    .char_indices()
                    .nth(loc.col.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i);
                // Underline a key up to its colon, any other value to the end of the line.
                let rest = &text[start..];
                let key_len = rest.find(':').filter(|&i| {
                    !rest[..i].contains([' ', '"', '\'', '[', '{'])
                        && rest[i + 1..].chars().next().is_none_or(char::is_whitespace)
                });
                let end = match key_len {
                    Some(len) if len > 0 => start + len,
                    _ => text.trim_end().len().max(start),
                };
                let end = if end == start {
                    (start + 1).min(text.len())
                } else {
                    end
                };
                located = path.clone();
                report.push(
                    title.element(
                        Snippet::source(text.as_str())
                            .line_start(loc.line)
                            .path(located.as_str())
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    ),
                );
            }
            (loc, _) => {
                located = match loc {
                    Some(l) => format!("{path}:{}:{}", l.line, l.col),
                    None => path.clone(),
                };
                report.push(
                    Group::with_title(title)
                        .element(annotate_snippets::Origin::path(located.as_str())),
                );
            }
        }
        if let Some(help) = &f.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    Ok(())
}

/// One finding as the JSON output (version 1) writes it in `findings`; `convert
/// --findings json` writes one per line.
pub fn finding_json(f: &Finding) -> Json {
    json!({
        "code": f.code.as_str(),
        "severity": f.severity.as_str(),
        "file": f.file.display().to_string(),
        "line": f.location.map(|l| l.line),
        "column": f.location.map(|l| l.col),
        "message": f.message,
        "help": f.help,
    })
}

/// The JSON output, version 1. Documented in `docs/output-formats.md`; fields are only ever
/// added, never renamed or removed, within a version.
pub fn json_document(findings: &[Finding], omitted: usize, summary: &Summary) -> Json {
    let list: Vec<Json> = findings.iter().map(finding_json).collect();
    json!({
        "version": 1,
        "findings": list,
        "omitted": omitted,
        "summary": {
            "files": summary.files,
            "records": summary.records,
            "valid": summary.valid,
            "invalid": summary.invalid,
            "errors": summary.errors,
            "warnings": summary.warnings,
        }
    })
}

/// Escape data for a workflow command (GitHub's `escapeData` / `escapeProperty`).
fn github_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// One GitHub Actions annotation.
pub fn github_annotation(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = format!(
        "file={}",
        github_escape(&f.file.display().to_string(), true)
    );
    if let Some(l) = f.location {
        props.push_str(&format!(",line={},col={}", l.line, l.col));
    }
    props.push_str(&format!(",title={}", github_escape(f.code.as_str(), true)));
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{command} {props}::{}", github_escape(&message, false))
}

/// A path as a SARIF artifact URI: relative, with forward slashes.
fn artifact_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(findings: &[Finding]) -> Json {
    let rules: Vec<Json> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": { "text": c.summary() },
                "help": {
                    "text": format!("Run `pipeline explain {}` for what it means and how to fix it.", c.as_str()),
                    "markdown": crate::diagnostics::explanation(*c).unwrap_or_default(),
                },
                "defaultConfiguration": { "level": c.severity().as_str() },
            })
        })
        .collect();
    let results: Vec<Json> = findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": artifact_uri(&f.file) }
                }
            });
            if let Some(l) = f.location {
                location["physicalLocation"]["region"] =
                    json!({ "startLine": l.line, "startColumn": l.col });
            }
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!(" (help: {help})"));
            }
            json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == f.code),
                "level": f.severity.as_str(),
                "message": { "text": text },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pipeline",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}
