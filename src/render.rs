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
//! chooses the stream). Both may land in a CI log that a runner reads for workflow commands:
//! every format escapes the catalogue's text for where it lands ([`crate::escape`]; the
//! README's "Security" has the table).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value as Json, json};

use crate::diagnostics::{Code, Finding, Severity};

/// The output formats of `pipeline validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl crate::choice::Choice for Format {
    const ALL: &'static [(Format, &'static str, &'static str)] = &[
        (
            Format::Human,
            "human",
            "Source line, caret and help; the default on a terminal",
        ),
        (
            Format::Concise,
            "concise",
            "One line per finding plus its help line; the default otherwise",
        ),
        (Format::Json, "json", "A JSON document on standard output"),
        (
            Format::Github,
            "github",
            "GitHub Actions annotations on standard output",
        ),
        (Format::Sarif, "sarif", "SARIF 2.1.0 on standard output"),
    ];
}

impl Format {
    /// Whether the format is for machines (written to standard output).
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json | Format::Github | Format::Sarif)
    }
}

/// Counts for the JSON and SARIF summaries (and the run report's summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
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
            let mut out = crate::escape::JsonNoCommands::new(out);
            serde_json::to_writer_pretty(&mut out, &doc)?;
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
            let mut out = crate::escape::JsonNoCommands::new(out);
            serde_json::to_writer_pretty(&mut out, &doc)?;
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
struct Sources(HashMap<PathBuf, Option<Vec<u8>>>);

/// A source line as the human format may show it.
enum SourceLine {
    /// UTF-8 text without control characters: shown as it is, with a caret.
    Plain(String),
    /// Anything else: only an escaped, bounded excerpt ([`escaped_excerpt`]).
    Escaped(String),
}

impl Sources {
    fn line(&mut self, path: &Path, line: usize, col: usize) -> Option<SourceLine> {
        let bytes = self
            .0
            .entry(path.to_path_buf())
            .or_insert_with(|| read_source(path));
        let bytes = bytes.as_deref()?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let raw = bytes.split(|&b| b == b'\n').nth(line.checked_sub(1)?)?;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match std::str::from_utf8(raw) {
            // A line holding a runner's command opening is shown escaped, like a control
            // character, so that the caret stays under the character it points at.
            Ok(text)
                if !text.chars().any(needs_escape)
                    && !crate::escape::holds_command_opening(text) =>
            {
                Some(SourceLine::Plain(text.into()))
            }
            _ => Some(SourceLine::Escaped(escaped_excerpt(raw, col))),
        }
    }
}

/// A file's bytes for its snippets: a regular file only, opened without blocking, never
/// through a link ([`crate::read::contain::open_quoted`]).
fn read_source(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let (file, meta) = crate::read::contain::open_quoted(path).ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    (&file)
        .take(crate::read::Limits::default().max_file_bytes)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Characters a snippet never shows as they are: control characters (C0, DEL, C1; a tab
/// is shown as it is) and direction controls, as in messages ([`crate::diagnostics::hidden`]).
fn needs_escape(c: char) -> bool {
    c == '\n' || crate::diagnostics::hidden(c)
}

/// The most characters of an escaped excerpt.
pub const EXCERPT_CHARS: usize = 80;

/// An excerpt of a source line around column `col` (1-based, in characters), at most
/// [`EXCERPT_CHARS`] characters long: control characters written `\u{..}`, bytes that are
/// not UTF-8 `\x{..}`, a backslash `\\`, and `…` where the line goes on. For lines that
/// are not plain text (a file that is not UTF-8, a line holding a NUL): never their raw bytes.
pub fn escaped_excerpt(line: &[u8], col: usize) -> String {
    // Only the characters that can be shown are escaped and kept: a window of
    // EXCERPT_CHARS on either side of the column, so a line of any length (a 256 MiB file
    // on one line) costs no more than the window.
    // A column past the end shows the end of the line (counted without allocating).
    let total: usize = line
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum();
    let at = col.saturating_sub(1).min(total);
    let lo = at.saturating_sub(EXCERPT_CHARS);
    let hi = at + EXCERPT_CHARS;
    let mut pieces: Vec<String> = Vec::new();
    let mut index = 0usize;
    let mut more_after = false;
    let mut keep = |piece: &dyn Fn() -> String| -> bool {
        if index >= hi {
            return false;
        }
        if index >= lo {
            pieces.push(piece());
        }
        index += 1;
        true
    };
    'line: for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            let piece = || match c {
                '\\' => "\\\\".into(),
                c if needs_escape(c) => format!("\\u{{{:x}}}", c as u32),
                c => c.to_string(),
            };
            if !keep(&piece) {
                more_after = true;
                break 'line;
            }
        }
        for &b in chunk.invalid() {
            if !keep(&|| format!("\\x{{{b:02X}}}")) {
                more_after = true;
                break 'line;
            }
        }
    }
    let at = (at - lo).min(pieces.len());
    let mut start = at.saturating_sub(20);
    // Room for the two `…`.
    let budget = EXCERPT_CHARS - 2;
    let width = |p: &String| p.chars().count();
    let mut end = start;
    let mut used = 0;
    while end < pieces.len() && used + width(&pieces[end]) <= budget {
        used += width(&pieces[end]);
        end += 1;
    }
    // Use what is left before the column when the line ends early.
    while start > 0 && used + width(&pieces[start - 1]) <= budget {
        start -= 1;
        used += width(&pieces[start]);
    }
    let mut out = String::new();
    if lo + start > 0 {
        out.push('…');
    }
    out.extend(pieces[start..end].iter().map(String::as_str));
    if end < pieces.len() || more_after {
        out.push('…');
    }
    out
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
        let path = f.file_name();
        let title = level.primary_title(f.message.as_str()).id(f.code.as_str());
        let line_text = f
            .location
            .and_then(|l| sources.line(&f.file, l.line, l.col));
        let mut report: Vec<Group<'_>> = Vec::new();
        let located;
        let note;
        match (f.location, &line_text) {
            (Some(loc), Some(SourceLine::Escaped(excerpt))) => {
                located = format!("{path}:{}:{}", loc.line, loc.col);
                note = format!("line {}, escaped: {excerpt}", loc.line);
                report.push(
                    Group::with_title(title)
                        .element(annotate_snippets::Origin::path(located.as_str()))
                        .element(Level::NOTE.message(note.as_str())),
                );
            }
            (Some(loc), Some(SourceLine::Plain(text))) => {
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
        // No line of it a CI runner takes as a workflow command (a `##[` in a quoted
        // source line or excerpt; the catalogue's text is already one line per field).
        let rendered = renderer.render(&report);
        writeln!(out, "{}\n", crate::escape::commands(&rendered))?;
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

/// One finding as one line of JSON ([`finding_json`]) for a log: a `##[` is written
/// `##\u005b` ([`crate::escape::json_no_commands`]), the same text to a JSON parser.
pub fn finding_json_line(f: &Finding) -> String {
    crate::escape::json_no_commands(&finding_json(f).to_string()).into_owned()
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
    // The runner splits a property at its first `=` and drops empty parts: a name that
    // starts with `=` would lose it, so it is given as `./=…` (the same file).
    let mut file = f.file_name();
    if file.starts_with('=') {
        file.insert_str(0, "./");
    }
    let mut props = format!("file={}", github_escape(&file, true));
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
                    "artifactLocation": { "uri": crate::escape::sarif_uri(&f.file) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_starting_with_equals_keeps_it_in_an_annotation() {
        // The runner splits a property at `=` dropping empty parts (`file==x.yaml` names
        // `x.yaml`; the runner parser of tests/it/forged_output.rs shows it): `./=x.yaml`
        // names the same file. The engine writes names given as `=x.yaml` as `./=x.yaml`;
        // a finding made elsewhere may not.
        let f = Finding::new(Code::MissingField, Path::new("=x.yaml"), None, "m".into());
        assert!(github_annotation(&f).starts_with("::error file=./=x.yaml,title=S001::"));
    }

    #[test]
    fn excerpts_are_escaped_and_bounded() {
        assert_eq!(escaped_excerpt(b"title: a\0b", 9), "title: a\\u{0}b");
        assert_eq!(
            escaped_excerpt(b"caf\xe9 \\ \x1b", 4),
            "caf\\x{E9} \\\\ \\u{1b}"
        );
        assert_eq!(escaped_excerpt("\u{9b}2J".as_bytes(), 1), "\\u{9b}2J");
        // Long lines, full of escapes, columns anywhere (past the end too).
        for line in [
            vec![0u8; 1000],
            vec![b'a'; 1000],
            [b"x\xff".as_slice(); 400].concat(),
        ] {
            for col in [1, 2, 30, 500, 999, 1000, 5000] {
                let e = escaped_excerpt(&line, col);
                assert!(e.chars().count() <= EXCERPT_CHARS, "{col}: {e}");
                assert!(e.chars().count() >= EXCERPT_CHARS - 8, "{col}: {e}");
                assert!(!e.contains('\0') && !e.contains('\u{fffd}'), "{e}");
            }
        }
        // The column is in the excerpt.
        let mut line = vec![b'a'; 500];
        line[300] = 0;
        assert!(escaped_excerpt(&line, 301).contains("a\\u{0}a"));
    }
}
