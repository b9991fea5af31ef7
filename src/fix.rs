//! `pipeline fix`: apply the normalizations that are safe to make in the records themselves.
//!
//! Safe means the meaning cannot change and nothing written is lost: Unicode NFC,
//! leading/trailing whitespace and runs of whitespace inside single-line values, and the
//! EDTF of a date added where the reading is certain (not for an all-numeric day/month date,
//! `c.1801-10` or `c1935`, which are ambiguous, nor for the conventions `early/mid/late
//! 1950s` and `19th century`, which are our reading, not the cataloguer's). The date as
//! written stays: `date: 12 March 1946` becomes `date: {expression: 12 March 1946, normal:
//! 1946-03-12}`, as archives keep a date's expression beside its normalized form (DACS 2.4,
//! EAD `unitdate@normal`), and the exports carry both. The EDTF is added only when it reads
//! back as the same date; a date already written as such a mapping is left as it is.
//!
//! Names are never rewritten as headings: a heading is derived (from the authority file, or
//! by rules that may be wrong for a name they do not know), and is derived again by every
//! run, so writing it into the record would lose the name as the source gives it and freeze
//! a reading the next version of the rules or of the authority file may correct.
//!
//! Files are edited by span, never re-serialized: each changed value's source text is
//! replaced in place, keeping its quoting style where it can, so comments, key order,
//! indentation and every other byte of the file stay as they were. Multi-line values
//! (block and folded scalars, plain scalars over several lines) are left alone. Before a
//! file is written, the edited text is parsed again and compared with the intended values;
//! if anything else changed, the file is left alone and reported. Each file is written
//! atomically (a temporary file in the same folder, then a rename).
//!
//! Files are planned in batches on every core by the engine's one batching loop ([`run`]),
//! and each plan is handed, in the order of the walk, to the caller's sink, which writes the
//! file or shows its diff while the next batch is planned: memory holds a few batches of
//! files (each plan carries the file's text and its fixed text), never the whole catalogue.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::{Code, Finding};
use crate::engine::batches::{self, Bounds, Sink};
use crate::engine::catalogue;
use crate::normalize::dates::{self, DateErrorKind, DateInput, DateOptions};
use crate::read::contain::Scope;
use crate::read::{self, Limits, Node, Value};

/// One change to a file: the byte range of a value's source text and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Where the value starts, as a character offset (how the YAML tree knows it).
    pub start_char: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    /// The new value (unquoted).
    pub value: String,
    /// For a date read with certainty: its EDTF, written beside the value (the date as
    /// written, which stays) as `{expression: value, normal: edtf}`.
    pub normal: Option<String>,
    /// The source text that replaces the old one (quoted as needed).
    pub source: String,
}

/// What fixing one file would do.
#[derive(Debug, Default)]
pub struct FileFix {
    pub path: PathBuf,
    pub original: String,
    /// The fixed text, when there is anything to change.
    pub fixed: Option<String>,
    pub edits: usize,
    /// Values left alone, and why.
    pub findings: Vec<Finding>,
}

/// Work out the fixes for one file named by the user (read as given) without writing
/// anything.
pub fn plan(path: &Path, limits: &Limits, date_options: &DateOptions) -> FileFix {
    plan_in(path, &Scope::following(), limits, date_options)
}

/// Work out the fixes for one file of the folder `scope` describes, opened as `validate`
/// opens it ([`Scope::open_regular`]): without following a link that leads out of the
/// folder, even one swapped in after the walk.
pub fn plan_in(path: &Path, scope: &Scope, limits: &Limits, date_options: &DateOptions) -> FileFix {
    let mut result = FileFix {
        path: path.to_path_buf(),
        ..FileFix::default()
    };
    // The whole file or nothing: a file over the limit is refused, never cut short and
    // written back shortened.
    let bytes = match crate::engine::catalogue::read_bounded(path, scope.open_regular(path), limits)
    {
        Ok(b) => b,
        Err(f) => {
            result.findings.push(f);
            return result;
        }
    };
    let text = match read::decode(path, &bytes) {
        Ok(t) => t,
        Err(f) => {
            result.findings.push(f);
            return result;
        }
    };
    // A UTF-8 byte-order mark is kept as it was.
    let bom = bytes.len() - text.len();
    let docs = match read::parse(path, text, limits) {
        Ok(d) => d,
        Err(f) => {
            result.findings.push(f);
            return result;
        }
    };
    let mut edits = Vec::new();
    let mut aliases = Vec::new();
    let lines = LineIndex::new(text);
    let mut ctx = Collector {
        path,
        text,
        lines: &lines,
        date_options,
        edits: &mut edits,
        findings: &mut result.findings,
        aliases: &mut aliases,
    };
    for doc in &docs {
        if let Value::Map(entries) = &doc.value {
            for (key, value) in entries {
                let field = key.as_str().unwrap_or_default();
                ctx.collect(field, value, false);
            }
        }
    }
    result.original = String::from_utf8_lossy(&bytes).into_owned();
    if edits.is_empty() {
        return result;
    }
    edits.sort_by_key(|e| e.start_byte);
    let fixed = apply(text, &edits);
    // Safety net: the edited file must read back as the same documents, with exactly the
    // intended values changed.
    match read::parse(path, &fixed, limits) {
        Ok(new_docs) if same_except(&docs, &new_docs, &edits, &aliases) => {
            result.edits = edits.len();
            result.fixed = Some(format!("{}{fixed}", &result.original[..bom]));
        }
        _ => result.findings.push(
            Finding::new(
                Code::YamlSyntax,
                path,
                None,
                "the fixes could not be applied without changing something else; the file was left alone".into(),
            )
            .with_help("please report this file; fix its values by hand"),
        ),
    }
    result
}

/// Write a planned fix, atomically.
pub fn write(fix: &FileFix) -> std::io::Result<()> {
    let Some(fixed) = &fix.fixed else {
        return Ok(());
    };
    // The record keeps its permissions.
    let permissions = std::fs::metadata(&fix.path).ok().map(|m| m.permissions());
    crate::output::publish::replace_file(&fix.path, fixed.as_bytes(), permissions)
}

/// The unified diff of a planned fix.
pub fn diff(fix: &FileFix) -> String {
    let Some(fixed) = &fix.fixed else {
        return String::new();
    };
    // The name as a finding shows it: a line feed in it cannot start a line of the diff.
    let name = crate::diagnostics::printable(&fix.path.display().to_string()).into_owned();
    similar::TextDiff::from_lines(fix.original.as_str(), fixed.as_str())
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// What `fix` walked: how many record files, and the findings of the walk (links out,
/// special files).
#[derive(Debug, Default)]
pub struct Walked {
    pub files: usize,
    pub findings: Vec<Finding>,
}

/// Plan the fix of every record file under `paths`, in batches on every core, and hand each
/// plan to `sink` in the order of the walk while the next batch is planned
/// ([`crate::engine::batches::run`]): a batch is written (or shown) as it comes, so memory
/// holds a few batches of files, never the catalogue. Stops at the sink's first error.
pub fn run<S: Sink<FileFix, Error: Send> + Send>(
    paths: &[PathBuf],
    settings: &catalogue::Settings,
    sink: &mut S,
) -> Result<Walked, S::Error> {
    let (files, scopes, findings) = files(paths, settings.follow_symlinks);
    let walked = Walked {
        files: files.len(),
        findings,
    };
    batches::run(
        files.into_iter().map(Ok),
        Bounds::units(crate::engine::BATCH),
        |(file, scope)| {
            plan_in(
                &file,
                &scopes[scope],
                &settings.limits,
                &settings.date_options,
            )
        },
        sink,
        |_| Ok(()),
    )?;
    Ok(walked)
}

/// Every record file named by `paths` (files, or folders searched like an input folder:
/// a link in a folder that leads outside it is not followed unless `follow_symlinks`), each
/// with the index of the scope it is opened in: a file named by the user is read as given,
/// a file found in a folder within that folder.
pub fn files(
    paths: &[PathBuf],
    follow_symlinks: bool,
) -> (Vec<(PathBuf, usize)>, Vec<Scope>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut scopes = vec![Scope::following()];
    let mut findings = Vec::new();
    for p in paths {
        if p.is_dir() {
            let scope = Scope::new(p, follow_symlinks);
            let (f, e) = crate::read::contain::record_files(p, &scope);
            files.extend(f.into_iter().map(|f| (f, scopes.len())));
            scopes.push(scope);
            findings.extend(e);
        } else {
            files.push((p.clone(), 0));
        }
    }
    (files, scopes, findings)
}

/// Byte offsets of line starts, to turn a (line, column) into a byte offset without
/// walking the whole file for every value.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The byte offset of a 1-based line and column (columns count characters).
    fn byte(&self, text: &str, loc: crate::diagnostics::Location) -> Option<usize> {
        let line_start = *self.starts.get(loc.line.checked_sub(1)?)?;
        let line = &text[line_start..];
        let col = loc.col.checked_sub(1)?;
        let offset = line
            .char_indices()
            .nth(col)
            .map(|(i, _)| i)
            .or_else(|| (line.chars().count() == col).then_some(line.len()))?;
        Some(line_start + offset)
    }
}

struct Collector<'a> {
    path: &'a Path,
    text: &'a str,
    lines: &'a LineIndex,
    date_options: &'a DateOptions,
    edits: &'a mut Vec<Edit>,
    findings: &'a mut Vec<Finding>,
    /// Where aliases (`*name`) start, as character offsets: never edited, and not compared
    /// by the safety net (each stands for its anchor's value, which is).
    aliases: &'a mut Vec<usize>,
}

impl Collector<'_> {
    /// Collect the edits for `node`, a value of `field`; `in_flow` is whether it sits inside
    /// a `[...]` or `{...}` collection, where commas and brackets end a plain value.
    fn collect(&mut self, field: &str, node: &Node, in_flow: bool) {
        // An alias is left as written: it repeats its anchor's value, fixed where the
        // anchor is. Writing the value in its place expanded the alias (issue 24).
        let at = self.lines.byte(self.text, node.span.start());
        if at.is_some_and(|b| self.text[b..].starts_with('*')) {
            self.aliases.push(node.span.start_char());
            return;
        }
        match &node.value {
            Value::Seq(_) | Value::Map(_) => {
                let flow = in_flow
                    || self
                        .lines
                        .byte(self.text, node.span.start())
                        .and_then(|b| self.text[b..].chars().next())
                        .is_some_and(|c| c == '[' || c == '{');
                match &node.value {
                    Value::Seq(items) => {
                        for item in items {
                            self.collect(field, item, flow);
                        }
                    }
                    Value::Map(entries) => {
                        // The parts of a date written {expression, normal} are not rewritten
                        // as dates: one is the wording, the other the cataloguer's EDTF.
                        let field = if field == "date" { "date part" } else { field };
                        for (_, value) in entries {
                            self.collect(field, value, flow);
                        }
                    }
                    _ => {}
                }
            }
            Value::Str(value) => self.scalar(field, node, value, in_flow),
            _ => {}
        }
    }

    fn scalar(&mut self, field: &str, node: &Node, value: &str, in_flow: bool) {
        let (Some(start), Some(end)) = (
            self.lines.byte(self.text, node.span.start()),
            self.lines.byte(self.text, node.span.end()),
        ) else {
            return;
        };
        let Some(source) = self.text.get(start..end) else {
            return;
        };
        // A quoted value's span can run on past its closing quote (over blanks and a
        // comment): end it at the quote.
        let end = match quoted_len(source) {
            Some(len) => start + len,
            None => end,
        };
        // An anchor (`&name`) or a tag (`!!str`) before the value is kept: only the value
        // after them is replaced (replacing the whole span removed the anchor, and the
        // aliases of it no longer parsed).
        let mut start = start;
        while let Some(rest) = self.text.get(start..end)
            && rest.starts_with(['&', '!'])
        {
            let token = rest.find([' ', '\t']).unwrap_or(rest.len());
            let blanks = rest[token..].len() - rest[token..].trim_start_matches([' ', '\t']).len();
            start += token + blanks;
        }
        let source = &self.text[start..end];
        if source.is_empty() || source.contains(['\n', '\r']) {
            return;
        }
        // A block scalar's span starts after its `|` or `>` indicator line.
        if matches!(
            self.text[..start].trim_end().chars().last(),
            Some('|' | '>')
        ) {
            return;
        }
        let mut new_value: String = value.nfc().collect::<String>();
        new_value = new_value.split_whitespace().collect::<Vec<_>>().join(" ");
        if field == "date" {
            match certain_edtf(&new_value, self.date_options) {
                // The date as written stays; its EDTF is added beside it.
                Ok(Some(edtf)) if !new_value.is_empty() => {
                    self.edits.push(Edit {
                        start_char: node.span.start_char(),
                        start_byte: start,
                        end_byte: end,
                        source: format!(
                            "{{expression: {}, normal: {}}}",
                            requote(source, &new_value, true),
                            requote("", &edtf, true)
                        ),
                        value: new_value,
                        normal: Some(edtf),
                    });
                    return;
                }
                Ok(_) => {}
                Err(finding) => self.findings.push(Finding {
                    file: self.path.to_path_buf(),
                    location: Some(node.span.start()),
                    ..finding
                }),
            }
        }
        if new_value == value || new_value.is_empty() {
            return;
        }
        self.edits.push(Edit {
            start_char: node.span.start_char(),
            start_byte: start,
            end_byte: end,
            source: requote(source, &new_value, in_flow),
            value: new_value,
            normal: None,
        });
    }
}

/// The EDTF form of a date when the reading is certain; `Ok(None)` when it should stay as
/// written; a finding when it cannot be read or is ambiguous.
fn certain_edtf(written: &str, options: &DateOptions) -> Result<Option<String>, Finding> {
    if dates::reads_by_convention(written) {
        return Ok(None);
    }
    match dates::normalize_date_with(DateInput::Text(written), options) {
        // Written only if the EDTF reads back as the same date: what is put in the record
        // must be accepted, with the same meaning, the next time it is checked.
        Ok(d) if d.edtf != written => Ok(dates::normalize_date_with(
            DateInput::Text(&d.edtf),
            options,
        )
        .is_ok_and(|again| again == d)
        .then_some(d.edtf)),
        Ok(_) => Ok(None),
        Err(e) => {
            let code = e.kind.code();
            // An ambiguous or unknown form can be settled without losing its words.
            let help = match e.kind {
                DateErrorKind::Ambiguous | DateErrorKind::Unrecognized => format!(
                    "{}; or keep the words and add the EDTF you read in them: \
                     `date: {{expression: {}, normal: ...}}`",
                    e.help,
                    requote("", written, true)
                ),
                DateErrorKind::Impossible | DateErrorKind::Reversed => e.help,
            };
            Err(Finding::new(
                code,
                Path::new(""),
                None,
                format!("left as written: {}", e.message),
            )
            .with_help(help))
        }
    }
}

/// `value` written in the quoting style of `old_source`, or double-quoted where a plain
/// scalar would read differently.
fn requote(old_source: &str, value: &str, in_flow: bool) -> String {
    if old_source.starts_with('\'') {
        return format!("'{}'", value.replace('\'', "''"));
    }
    if old_source.starts_with('"') || !plain_safe(value, in_flow) {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        return out;
    }
    value.to_string()
}

/// Whether `value` reads back as the same text when written as a plain scalar (inside a
/// flow collection, commas and brackets would end it too).
fn plain_safe(value: &str, in_flow: bool) -> bool {
    let first = value.chars().next();
    let indicator = matches!(
        first,
        Some('-' | '?' | ':' | ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>')
            | Some('\'' | '"' | '%' | '@' | '`')
    );
    let starts_ok =
        !indicator || (first == Some('-') && value.len() > 1 && !value.starts_with("- "));
    let breaks_plain = value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || (in_flow && value.contains([',', '[', ']', '{', '}']));
    let reads_as_other_type = matches!(
        value,
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~"
    ) || looks_numeric(value);
    starts_ok && !breaks_plain && !reads_as_other_type
}

/// The length in bytes of a quoted scalar at the start of `source`, closing quote included;
/// `None` when `source` does not start with a quote (or the quote is not closed).
fn quoted_len(source: &str) -> Option<usize> {
    let quote = source.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut chars = source.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            (q, c) if q == c => return Some(i + c.len_utf8()),
            _ => {}
        }
    }
    None
}

/// Whether YAML's core schema would read a plain `value` as a number (`-0500` as -500).
fn looks_numeric(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.trim_start_matches(['+', '-']).starts_with(".inf")
        || lower == ".nan"
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.start_byte < at {
            continue; // overlapping edits cannot happen; never write one twice
        }
        out.push_str(&text[at..e.start_byte]);
        out.push_str(&e.source);
        at = e.end_byte;
    }
    out.push_str(&text[at..]);
    out
}

/// The text a scalar stands for, whatever type YAML resolved it to.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Whether an edited value reads back as the edit meant: its value, or for a date the
/// mapping `{expression: value, normal: edtf}`, with nothing else in it.
fn reads_as(new: &Value, edit: &Edit) -> bool {
    let Some(normal) = &edit.normal else {
        return scalar_text(new).as_deref() == Some(edit.value.as_str());
    };
    let Value::Map(entries) = new else {
        return false;
    };
    let entry = |(key, value): &(Node, Node), name: &str, expected: &str| {
        key.as_str() == Some(name) && matches!(&value.value, Value::Str(s) if s == expected)
    };
    matches!(&entries[..], [e, n]
        if entry(e, "expression", &edit.value) && entry(n, "normal", normal))
}

/// Whether `new` is `old` with exactly the `edits` made. An alias (at a character offset of
/// `aliases`) stands for its anchor's value, compared where the anchor is (its text is
/// never edited, so it is an alias still).
fn same_except(old: &[Node], new: &[Node], edits: &[Edit], aliases: &[usize]) -> bool {
    fn walk(a: &Node, b: &Node, edits: &[Edit], aliases: &[usize]) -> bool {
        if aliases.contains(&a.span.start_char()) {
            return true;
        }
        match (&a.value, &b.value) {
            (Value::Seq(x), Value::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| walk(a, b, edits, aliases))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y).all(|((ka, va), (kb, vb))| {
                        ka.value == kb.value && walk(va, vb, edits, aliases)
                    })
            }
            (x, y) => match edits.iter().find(|e| e.start_char == a.span.start_char()) {
                Some(edit) => reads_as(y, edit),
                None => x == y,
            },
        }
    }
    old.len() == new.len() && old.iter().zip(new).all(|(a, b)| walk(a, b, edits, aliases))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix_text(text: &str) -> FileFix {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("r.yaml");
        std::fs::write(&path, text).unwrap();
        plan(&path, &Limits::default(), &DateOptions::default())
    }

    /// The `expression` and `normal` of the one record's date in a fixed text, as YAML reads
    /// them.
    fn written_date(fixed: &str) -> (String, String) {
        let docs = read::parse(Path::new("r.yaml"), fixed, &Limits::default()).unwrap();
        let date = docs[0].get("date").unwrap();
        let part = |key| date.get(key).unwrap().as_str().unwrap().to_string();
        (part("expression"), part("normal"))
    }

    /// Keeps the name and fixed text of each plan it takes; refuses the file `refuse`.
    #[derive(Default)]
    struct Plans {
        taken: Vec<(String, Option<String>)>,
        refuse: Option<&'static str>,
    }

    impl Sink<FileFix> for Plans {
        type Error = String;
        fn take(&mut self, fix: FileFix) -> Result<(), String> {
            let name = fix.path.file_name().unwrap().to_string_lossy().into_owned();
            if self.refuse == Some(name.as_str()) {
                return Err(format!("cannot write {name}"));
            }
            self.taken.push((name, fix.fixed));
            Ok(())
        }
    }

    #[test]
    fn run_hands_every_plan_to_the_sink_in_the_order_of_the_walk() {
        let dir = tempfile::TempDir::new().unwrap();
        let names: Vec<String> = (0..5000).map(|i| format!("r-{i:05}.yaml")).collect();
        for name in &names {
            std::fs::write(dir.path().join(name), "id: a\ntitle: Two  spaces\n").unwrap();
        }
        let settings = catalogue::Settings::new(None).unwrap();
        let mut sink = Plans::default();
        let walked = run(&[dir.path().to_path_buf()], &settings, &mut sink).unwrap();
        assert_eq!(walked.files, 5000);
        assert!(walked.findings.is_empty());
        let taken: Vec<&String> = sink.taken.iter().map(|(n, _)| n).collect();
        assert_eq!(taken, names.iter().collect::<Vec<_>>());
        assert!(
            (sink.taken.iter()).all(|(_, f)| f.as_deref() == Some("id: a\ntitle: Two spaces\n"))
        );
        // The sink's error stops the run: nothing after the refused file is taken.
        let mut sink = Plans {
            refuse: Some("r-02500.yaml"),
            ..Plans::default()
        };
        let stopped = run(&[dir.path().to_path_buf()], &settings, &mut sink);
        assert_eq!(stopped.unwrap_err(), "cannot write r-02500.yaml");
        assert_eq!(sink.taken.len(), 2500);
    }

    #[test]
    fn dates_become_edtf_and_everything_else_stays_byte_for_byte() {
        let text = "# A comment that must stay.\nid: a   # trailing comment\ntitle:   'Cable,  Liu   Shaoqi'\ndate: January 22, 1950\ntype: Cable\nsummary: >-\n  Folded   text\n  stays.\nplaces: [ China ,  \"Korea  (North)\" ]\n";
        let fix = fix_text(text);
        assert_eq!(
            fix.fixed.as_deref(),
            Some(
                "# A comment that must stay.\nid: a   # trailing comment\ntitle:   'Cable, Liu Shaoqi'\ndate: {expression: \"January 22, 1950\", normal: 1950-01-22}\ntype: Cable\nsummary: >-\n  Folded   text\n  stays.\nplaces: [ China ,  \"Korea (North)\" ]\n"
            )
        );
        assert_eq!(fix.edits, 3);
    }

    #[test]
    fn nfc_is_applied_and_quoting_added_only_where_needed() {
        // "Kapitsa" with a decomposed é (e + U+0301) in a plain scalar.
        let fix = fix_text("id: a\ntitle: Caf\u{65}\u{301} talk\ndate: ca. 1950\n");
        let fixed = fix.fixed.unwrap();
        assert!(fixed.contains("title: Caf\u{e9} talk\n"), "{fixed}");
        assert!(
            fixed.contains("date: {expression: ca. 1950, normal: 1950~}\n"),
            "{fixed}"
        );
    }

    #[test]
    fn ambiguous_dates_are_left_alone_and_reported() {
        let fix = fix_text("id: a\ndate: 03/04/1957\n");
        assert_eq!(fix.fixed, None);
        assert_eq!(fix.findings.len(), 1);
        assert_eq!(fix.findings[0].code, Code::AmbiguousDate);
        assert_eq!(fix.findings[0].location.unwrap().line, 2);
        // The way to settle it and keep the words.
        let help = fix.findings[0].help.as_deref().unwrap();
        assert!(
            help.ends_with("; or keep the words and add the EDTF you read in them: `date: {expression: 03/04/1957, normal: ...}`"),
            "{help}"
        );
    }

    #[test]
    fn conventions_are_not_applied() {
        assert_eq!(fix_text("id: a\ndate: early 1950s\n").fixed, None);
        assert_eq!(fix_text("id: a\ndate: 1950-01-11\n").fixed, None);
    }

    /// The forms seen in real catalogues (issue #14): each is rewritten to exactly this EDTF,
    /// or (`None`) left as written. Ambiguous and refused forms are never rewritten.
    #[test]
    fn real_catalogue_forms_are_rewritten_only_when_certain() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1843–4", Some("1843/1844")),
            ("c.1786–9", Some("1786~/1789~")),
            ("circa 1809–11", Some("1809~/1811~")),
            ("1976 –7", Some("1976/1977")),
            ("c.1814–15", Some("1814~/1815~")),
            ("1858–64", Some("1858/1864")),
            ("1843-4", Some("1843/1844")),
            ("date not known", Some("XXXX")),
            ("?c.1785", Some("1785%")),
            ("?1787–8", Some("1787?/1788?")),
            ("?1820s", Some("182X?")),
            ("[18--?]", Some("18XX?")),
            ("[197-]", Some("197X")),
            ("[197-?]", Some("197X?")),
            ("[1971 or 1972]", Some("[1971,1972]")),
            ("1786 or 1800", Some("[1786,1800]")),
            ("1833 and 1836", Some("{1833,1836}")),
            ("[not before 1910]", Some("1910/..")),
            ("not after 1920", Some("../1920")),
            ("[between 1906 and 1912?]", Some("1906?/1912?")),
            // No month 64: the years, written short with a hyphen.
            ("1858-64", Some("1858/1864")),
            ("Monday, June 5, 1944", Some("1944-06-05")),
            // Conventions: read, but left as the cataloguer wrote them.
            ("19th century", None),
            ("19th cent.", None),
            ("late 18th C", None),
            ("early 20th century", None),
            ("late 1950s–early 1960s", None),
            // Ambiguous or wrong: refused, never rewritten.
            ("Tuesday, June 5, 1944", None),
            ("c.1801-10", None),
            ("c1935", None),
            ("1794–c.1830–5", None),
            ("c.18799–1802", None),
            ("1828 (or 1836", None),
            ("1899–01", None),
            ("1900s", None),
            // Valid EDTF stays exactly as written.
            ("1801-10", None),
            // Valid EDTF (spring 1820) but also the years 1820–1825: refused, so not rewritten.
            ("1820-25", None),
            ("1939-40", None),
        ];
        for &(written, expected) in cases {
            // Quoted: `[1971 or 1972]` would otherwise be a YAML list.
            let fix = fix_text(&format!("id: a\ndate: '{written}'\n"));
            let got = fix.fixed.as_deref().map(|f| {
                let (expression, normal) = written_date(f);
                // The wording stays, in its quotes.
                assert_eq!(expression, written);
                assert!(f.contains(&format!("date: {{expression: '{written}', normal: ")));
                normal
            });
            assert_eq!(got.as_deref(), expected, "{written}: {:?}", fix.findings);
        }
    }

    #[test]
    fn edtf_that_plain_yaml_would_misread_is_quoted() {
        // `..` is fine plain; `[1957]` becomes `1957`; an open start `../1957` is plain-safe.
        let fix = fix_text("id: a\ndate: before 1957\n");
        assert!(
            (fix.fixed.unwrap()).contains("date: {expression: before 1957, normal: ../1957}\n")
        );
        // In the mapping `{...}` a set is quoted, and so is a year YAML would read as a number.
        let fix = fix_text("id: a\ndate: 1786 or 1800\n");
        assert!(
            (fix.fixed.unwrap())
                .contains("date: {expression: 1786 or 1800, normal: \"[1786,1800]\"}\n")
        );
        assert_eq!(requote("", "1957", true), "\"1957\"");
        assert_eq!(requote("x", "[1667,1668]", false), "\"[1667,1668]\"");
        assert_eq!(requote("x", "true", false), "\"true\"");
        assert_eq!(requote("'x'", "it's", false), "'it''s'");
        // Commas end a plain value only inside [ ] and { }.
        assert_eq!(requote("x", "Cable, to Mao", false), "Cable, to Mao");
        assert_eq!(requote("x", "Cable, to Mao", true), "\"Cable, to Mao\"");
        assert_eq!(quoted_len("'it''s'  # c"), Some(7));
        assert_eq!(quoted_len("\"a \\\" b\" ]"), Some(8));
        assert_eq!(quoted_len("plain"), None);
        // A negative EDTF year would be read back as a number.
        assert_eq!(requote("x", "-0500", false), "\"-0500\"");
    }

    /// An anchored value is fixed after its anchor (and tag), which stay; its aliases stay
    /// aliases, and so repeat the fixed value. `fix` used to replace the anchor with the
    /// value and write the value over each alias (issue 24). Expected texts written by hand.
    #[test]
    fn anchors_and_aliases_are_kept() {
        let text = "id: a\ntitle: &t \"  Title   with  spaces \"\nsummary: *t\n\
                    subjects: !!seq &s [\" a  b \", c]\npeople: *s\nplaces: [!!str &p \" x  y\", *p]\n";
        let fix = fix_text(text);
        assert_eq!(
            fix.fixed.as_deref(),
            Some(
                "id: a\ntitle: &t \"Title with spaces\"\nsummary: *t\n\
                 subjects: !!seq &s [\"a b\", c]\npeople: *s\nplaces: [!!str &p \"x y\", *p]\n"
            ),
            "{:?}",
            fix.findings
        );
        assert_eq!(fix.edits, 3);
    }
}
