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

/// The source lines findings point into. Findings come sorted by file, so one file is held
/// at a time (not every file quoted: 334 MB against 57 MB of input), read once, with where
/// each of its lines starts; and the line of the last finding on a long line, with where each
/// of its characters starts, so that a thousand findings on one line of 129 KB do not each
/// read the line from its start (37 s). What is shown of a line is bounded: a long line is
/// shown as a window around the column ([`WINDOW_BEFORE`], [`WINDOW_AFTER`]).
#[derive(Default)]
struct Sources {
    file: Option<(PathBuf, Option<Source>)>,
}

/// One file's bytes, where its lines start, and its last long line looked up.
struct Source {
    bytes: Vec<u8>,
    /// The offset of each line's first byte (after a byte-order mark).
    starts: Vec<usize>,
    long: Option<(usize, LongLine)>,
}

/// A line longer than [`LONG_LINE`] bytes: whether it is plain text, and the offset of
/// each of its characters as [`escaped_excerpt`] counts them (a character of valid UTF-8,
/// or one byte that is not).
struct LongLine {
    plain: bool,
    units: Vec<usize>,
}

/// A line of at most this many bytes is shown whole; a longer one as a window.
const LONG_LINE: usize = 512;
/// The most characters a window shows before the column.
const WINDOW_BEFORE: usize = 40;
/// The most characters a window shows from the column on.
const WINDOW_AFTER: usize = 120;

/// A source line as the human format may show it.
enum SourceLine {
    /// UTF-8 text without control characters: shown as it is, with a caret at the column
    /// (1-based, in characters, within the text: a window of a long line, `…` where it is
    /// cut, has its own).
    Plain(String, usize),
    /// Anything else: only an escaped, bounded excerpt ([`escaped_excerpt`]).
    Escaped(String),
}

impl Sources {
    fn line(&mut self, path: &Path, line: usize, col: usize) -> Option<SourceLine> {
        if self.file.as_ref().is_none_or(|(p, _)| p != path) {
            self.file = Some((path.to_path_buf(), read_source(path).map(Source::new)));
        }
        let source = self.file.as_mut()?.1.as_mut()?;
        let index = line.checked_sub(1)?;
        let start = *source.starts.get(index)?;
        let end = source
            .starts
            .get(index + 1)
            .map_or(source.bytes.len(), |next| next - 1);
        let raw = &source.bytes[start..end];
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.len() <= LONG_LINE {
            return Some(match std::str::from_utf8(raw) {
                // A line holding a runner's command opening is shown escaped, like a control
                // character, so that the caret stays under the character it points at.
                Ok(text)
                    if !text.chars().any(needs_escape)
                        && !crate::escape::holds_command_opening(text) =>
                {
                    SourceLine::Plain(text.into(), col)
                }
                _ => SourceLine::Escaped(escaped_excerpt(raw, col)),
            });
        }
        if source.long.as_ref().is_none_or(|(l, _)| *l != line) {
            source.long = Some((line, LongLine::new(raw)));
        }
        let (_, long) = source.long.as_ref()?;
        Some(long.shown(raw, col))
    }
}

impl Source {
    fn new(bytes: Vec<u8>) -> Source {
        let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let mut starts = vec![bom];
        starts.extend(
            bytes[bom..]
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| bom + i + 1),
        );
        Source {
            bytes,
            starts,
            long: None,
        }
    }
}

impl LongLine {
    fn new(raw: &[u8]) -> LongLine {
        let mut units = Vec::new();
        let mut plain = true;
        let mut at = 0;
        for chunk in raw.utf8_chunks() {
            for (i, c) in chunk.valid().char_indices() {
                plain &= !needs_escape(c);
                units.push(at + i);
            }
            at += chunk.valid().len();
            for _ in chunk.invalid() {
                plain = false;
                units.push(at);
                at += 1;
            }
        }
        LongLine { plain, units }
    }

    /// The bytes of characters `from..to` (clamped to the line).
    fn slice<'r>(&self, raw: &'r [u8], from: usize, to: usize) -> &'r [u8] {
        let byte = |i: usize| self.units.get(i).copied().unwrap_or(raw.len());
        &raw[byte(from)..byte(to)]
    }

    /// What is shown of the line for a finding at `col`: a window around the column, read
    /// from the characters near it only.
    fn shown(&self, raw: &[u8], col: usize) -> SourceLine {
        let total = self.units.len();
        let at = col.saturating_sub(1).min(total);
        let escaped = || {
            // The excerpt never reaches further than twice its width from the column:
            // given those characters, it is the excerpt of the whole line.
            let from = at.saturating_sub(2 * EXCERPT_CHARS);
            let to = at + 2 * EXCERPT_CHARS;
            let near = self.slice(raw, from, to);
            let mut excerpt = escaped_excerpt(near, at - from + 1);
            if from > 0 && !excerpt.starts_with('…') {
                excerpt.insert(0, '…');
            }
            SourceLine::Escaped(excerpt)
        };
        if !self.plain {
            return escaped();
        }
        let from = at.saturating_sub(WINDOW_BEFORE);
        let to = (at + WINDOW_AFTER).min(total);
        // The line is plain text, so the characters' bytes are UTF-8.
        let text = String::from_utf8_lossy(self.slice(raw, from, to));
        let mut shown = String::with_capacity(text.len() + 6);
        if from > 0 {
            shown.push('…');
        }
        shown.push_str(&text);
        if to < total {
            shown.push('…');
        }
        // A window holding a runner's command opening is shown escaped, as a short line is.
        if crate::escape::holds_command_opening(&shown) {
            return escaped();
        }
        SourceLine::Plain(shown, at - from + 1 + usize::from(from > 0))
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
    let mut sources = Sources::default();
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
            (Some(loc), Some(SourceLine::Plain(text, col))) => {
                // Columns count characters; annotate-snippets wants byte offsets.
                let start = text
                    .char_indices()
                    .nth(col.saturating_sub(1))
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

    /// The line `line` of `bytes` as the human format shows it, through [`Sources`].
    fn shown(bytes: &[u8], line: usize, col: usize) -> Option<SourceLine> {
        let mut sources = Sources {
            file: Some((PathBuf::from("a.yaml"), Some(Source::new(bytes.to_vec())))),
        };
        sources.line(Path::new("a.yaml"), line, col)
    }

    #[test]
    fn lines_are_found_by_their_index_as_by_splitting_the_file() {
        let file = b"\xEF\xBB\xBFid: a\r\ntitle: b\n\nsummary: \x00c\nlast";
        let lines = ["id: a", "title: b", "", "summary: \\u{0}c", "last"];
        for (i, expected) in lines.iter().enumerate() {
            match shown(file, i + 1, 1) {
                Some(SourceLine::Plain(text, 1)) => assert_eq!(text, *expected),
                Some(SourceLine::Escaped(text)) => assert_eq!(text, *expected),
                _ => panic!("line {}", i + 1),
            }
        }
        assert!(shown(file, 6, 1).is_none());
        assert!(shown(file, 0, 1).is_none());
    }

    #[test]
    fn one_quoted_file_is_held_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
        std::fs::write(&a, "id: a\n").unwrap();
        std::fs::write(&b, "id: b\n").unwrap();
        let mut sources = Sources::default();
        for (path, text) in [(&a, "id: a"), (&b, "id: b"), (&a, "id: a")] {
            match sources.line(path, 1, 1) {
                Some(SourceLine::Plain(line, 1)) => assert_eq!(line, text),
                _ => panic!("{}", path.display()),
            }
            // Only the file just quoted is held.
            assert_eq!(sources.file.as_ref().map(|(p, _)| p), Some(path));
        }
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        // 2,000 distinct words on one line (`w0 w1 ...`): the window holds the word at
        // the column, at most 40 characters before it and 120 from it, and `…` where cut.
        let line: String = (0..2000).map(|i| format!("w{i} ")).collect();
        let col = line.find("w1000 ").unwrap() + 1;
        let Some(SourceLine::Plain(text, at)) = shown(line.as_bytes(), 1, col) else {
            panic!("a plain line")
        };
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(text.chars().count(), 1 + WINDOW_BEFORE + WINDOW_AFTER + 1);
        let rest: String = text.chars().skip(at - 1).collect();
        assert!(rest.starts_with("w1000 "), "{at}: {text}");
        // At the start of the line nothing is cut before it.
        let Some(SourceLine::Plain(text, 1)) = shown(line.as_bytes(), 1, 1) else {
            panic!("a plain line at column 1")
        };
        assert!(text.starts_with("w0 w1 ") && text.ends_with('…'), "{text}");
    }

    #[test]
    fn a_long_escaped_line_gives_the_excerpt_of_the_whole_line() {
        // What escaped_excerpt makes of the whole line, read from the characters near the
        // column only: the same text, at every column, for lines with escapes, invalid
        // bytes and multi-byte characters.
        for line in [
            [b"x\xff\xc3\xa9\x00".as_slice(); 300].concat(),
            [b"ab\x1b".as_slice(); 400].concat(),
            [vec![b'a'; 700], vec![0u8], vec![b'b'; 700]].concat(),
        ] {
            let units = LongLine::new(&line).units.len();
            for col in [
                1,
                2,
                79,
                80,
                81,
                161,
                162,
                400,
                699,
                700,
                701,
                702,
                units,
                units + 1,
                units + 500,
            ] {
                let Some(SourceLine::Escaped(windowed)) = shown(&line, 1, col) else {
                    panic!("an escaped line")
                };
                assert_eq!(windowed, escaped_excerpt(&line, col), "column {col}");
            }
        }
    }
}
