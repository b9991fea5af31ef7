//! `pipeline convert`: a streaming filter from standard input to standard output, record by
//! record, for use inside other tools' pipelines (Hadoop Streaming, Spark `RDD.pipe`, GNU
//! parallel `--pipe`), where the catalogue is not a folder but a stream of records.
//!
//! Records are read, validated against the schema, normalized and written out a batch at a
//! time through the engine's one batching loop ([`crate::engine::batches`]): the input is
//! split into units (`Units`, the loop's source), each batch is processed on every core
//! while the results of the one before are written in input order (`Printer`, its sink),
//! so memory stays flat however long the stream. What a stream cannot give
//! is the whole catalogue: the cross-record checks (unique ids, references that resolve, id
//! = file name) and the name-variant warnings are not run, and no authority file is used.
//!
//! Formats:
//!
//! - in `yaml-stream`: YAML documents separated by `---` (or ended by `...`) lines, split
//!   where YAML splits them ([`crate::read::stream_index`]).
//! - in `jsonl`: one JSON object per line (JSON is YAML, so the same parser reads it, with
//!   the same findings and columns); blank lines are skipped.
//! - out `jsonl`: each valid record as one line of JSON, the JSON form of the record as
//!   written (as the schema sees it).
//! - out `csv`: the header, then one row per valid record, as in `records.csv`.
//! - out `oai-dc`: one `<oai_dc:dc>` document per line, without an XML declaration (UTF-8),
//!   the same elements as `dc/<id>.xml`; a line break inside a value is written `&#10;`, so
//!   every record is exactly one line and a line splitter never cuts a record.
//!
//! Findings go to standard error as `<stdin>:LINE:COL: ...`, LINE counted in the whole
//! stream. An invalid record is left out of the output and the run carries on.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Finding, Severity};
use crate::engine::batches::{self, Bounds, Sink};
use crate::engine::catalogue::{self, FileResult, Settings};
use crate::engine::selection::Shard;
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::AuthorityIndex;
use crate::normalize::record::Record;
use crate::read::stream_index::{Split, Splitter};
use crate::read::{self, Node, Value};
use crate::validate::crosscheck::Collection;
use crate::validate::outline_file::{self, OutlineLine};

mod shard_output;

use shard_output::{ShardRecord, ShardWriter};

/// The name findings give to standard input.
pub const STDIN: &str = "<stdin>";

/// The format of the input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// YAML documents separated by `---` lines.
    YamlStream,
    /// One JSON object per line.
    Jsonl,
    /// One path of a record file per line, read as `validate` reads it; findings and
    /// outlines name the file as given.
    Paths,
    /// One JSON object per line, `{"file": PATH, "text": CONTENT}` (or `"base64"` instead
    /// of `"text"`, for bytes that may not be UTF-8): a record file's name and its whole
    /// contents (as a cluster job reads files), read as `validate` reads that file;
    /// findings and outlines name PATH.
    FilesJsonl,
}

/// The format of the output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line: the record as written.
    Jsonl,
    /// CSV with a header row, the columns of records.csv.
    Csv,
    /// One oai_dc document per line.
    OaiDc,
    /// A shard folder (`--output DIR --part I/N`): the exports of this part's records in id
    /// order and its `shard.json`, as `run --shard` writes them, for `pipeline merge`.
    Shard,
}

/// Where `--to shard` writes, and which part of how many this is.
#[derive(Debug, Clone)]
pub struct ShardOutput<'a> {
    pub dir: &'a Path,
    pub part: Shard,
    /// The catalogue's collections, for the JSON-LD document's collection nodes.
    pub collections: &'a [Collection],
}

/// How findings are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindingsFormat {
    /// `file:line:col: severity[CODE]: message`, then an indented help line.
    #[default]
    Concise,
    /// One JSON object per finding and line, with the fields of the JSON output's findings.
    Json,
}

impl crate::choice::Choice for InputFormat {
    const ALL: &'static [(InputFormat, &'static str, &'static str)] = &[
        (
            InputFormat::YamlStream,
            "yaml-stream",
            "YAML documents separated by `---` lines",
        ),
        (InputFormat::Jsonl, "jsonl", "One JSON object per line"),
        (
            InputFormat::Paths,
            "paths",
            "One path of a record file per line, read as `validate` reads it; findings and \
             outlines name the file as given",
        ),
        (
            InputFormat::FilesJsonl,
            "files-jsonl",
            "One JSON object per line, `{\"file\": PATH, \"text\": CONTENT}` (or `\"base64\"` \
             instead of `\"text\"`, for bytes that may not be UTF-8): a record file's name and \
             its whole contents (as a cluster job reads files), read as `validate` reads that \
             file; findings and outlines name PATH",
        ),
    ];
}

impl crate::choice::Choice for OutputFormat {
    const ALL: &'static [(OutputFormat, &'static str, &'static str)] = &[
        (
            OutputFormat::Jsonl,
            "jsonl",
            "One JSON object per line: the record as written",
        ),
        (
            OutputFormat::Csv,
            "csv",
            "CSV with a header row, the columns of records.csv",
        ),
        (
            OutputFormat::OaiDc,
            "oai-dc",
            "One oai_dc document per line",
        ),
        (
            OutputFormat::Shard,
            "shard",
            "A shard folder (`--output DIR --part I/N`): the exports of this part's records \
             in id order and its `shard.json`, as `run --shard` writes them, for `pipeline merge`",
        ),
    ];
}

impl crate::choice::Choice for FindingsFormat {
    const ALL: &'static [(FindingsFormat, &'static str, &'static str)] = &[
        (
            FindingsFormat::Concise,
            "concise",
            "`file:line:col: severity[CODE]: message`, then an indented help line",
        ),
        (
            FindingsFormat::Json,
            "json",
            "One JSON object per finding and line, with the fields of the JSON output's \
             findings",
        ),
    ];
}

/// What to convert and how: everything but the streams and the catalogue settings.
#[derive(Debug, Clone)]
pub struct ConvertOptions<'a> {
    pub from: InputFormat,
    pub to: OutputFormat,
    pub findings: FindingsFormat,
    /// The file name findings and outlines give to standard input ([`STDIN`] by default).
    pub stdin_name: &'a str,
    /// The authority file's index (empty without one).
    pub authorities: &'a AuthorityIndex,
    /// With [`OutputFormat::Shard`]: where and which part.
    pub shard: Option<ShardOutput<'a>>,
    /// Write at most this many findings (`--max-errors`); the others are counted, and the
    /// concise format says how many were left out.
    pub max_findings: Option<usize>,
}

/// What a conversion saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub records: usize,
    pub written: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Why a conversion stopped early.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read standard input: {0}")]
    Input(io::Error),
    #[error("cannot write standard output: {0}")]
    Output(io::Error),
    #[error("cannot write the outlines: {0}")]
    Outlines(io::Error),
    #[error("line {0} of the input is not {{\"file\": ..., \"text\" or \"base64\": ...}}: {1}")]
    NotAFile(usize, String),
    #[error("cannot write the shard folder {0}: {1}")]
    Shard(PathBuf, io::Error),
}

/// How many units (documents or files) are read before they are processed together on
/// every worker thread, and how many bytes of documents at most. Output keeps the input's
/// order; memory holds three batches (being read, processed, written) and their results.
const BATCH_UNITS: usize = 512;
const BATCH_BYTES: usize = 8 << 20;

/// One piece of work: a document of the stream, or a file named on a line of the input.
enum Unit {
    /// A document's bytes, after `lines` lines of the stream; `ordinal` counts documents.
    Doc {
        bytes: Vec<u8>,
        lines: usize,
        ordinal: usize,
    },
    File(PathBuf),
    /// A file's name and its bytes, read from the input.
    Named(PathBuf, Vec<u8>),
    /// A document longer than `--max-file-bytes`, after `lines` lines of the stream: its
    /// bytes were counted, not kept.
    TooLong {
        len: u64,
        lines: usize,
        ordinal: usize,
    },
}

impl Unit {
    /// Its bytes held in memory, for the batch's byte bound (a path's file is read by the
    /// worker).
    fn size(&self) -> usize {
        match self {
            Unit::Doc { bytes, .. } | Unit::Named(_, bytes) => bytes.len(),
            Unit::File(_) | Unit::TooLong { .. } => 0,
        }
    }
}

/// A line of `--from files-jsonl`: the file's name, and its contents as text or, for
/// bytes that may not be UTF-8 (so that `validate`'s encoding findings are kept), as
/// standard base64.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedFile {
    file: String,
    text: Option<String>,
    base64: Option<String>,
}

impl NamedFile {
    fn bytes(self) -> Result<(PathBuf, Vec<u8>), String> {
        use base64::Engine as _;
        let bytes = match (self.text, self.base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("`base64` is not base64: {e}"))?,
            _ => return Err("give one of `text` and `base64`".into()),
        };
        Ok((PathBuf::from(self.file), bytes))
    }
}

/// What processing a unit produced, in the order it is written out.
#[derive(Default)]
struct Done {
    documents: usize,
    findings: Vec<Finding>,
    /// The schema findings past the bound of a document, counted by code and not printed.
    not_listed: std::collections::BTreeMap<crate::diagnostics::Code, usize>,
    output: Vec<u8>,
    written: usize,
    outlines: Vec<OutlineLine>,
    /// With `--to shard`: the valid records, rendered.
    shard: Vec<ShardRecord>,
}

/// Everything a worker needs, shared read-only.
struct Ctx<'a> {
    options: &'a ConvertOptions<'a>,
    settings: &'a Settings,
    export: &'a ExportOptions,
    outlines: bool,
}

/// The sink of a conversion ([`batches::run`]): the results of each unit, written in input
/// order, one at a time, while the next batch is processed: records to standard
/// output, findings to standard error, outlines, and the shard folder.
struct Printer<'a, W: Write, E: Write> {
    findings: FindingsFormat,
    out: W,
    err: E,
    outlines: Option<&'a mut (dyn Write + Send)>,
    counts: Counts,
    /// Findings still to write before `--max-errors` is reached (`usize::MAX` without it).
    room: usize,
    /// With `--to shard`: the shard folder being written.
    shard: Option<ShardWriter<'a>>,
}

/// Convert the records read from `input`, writing them to `out` and findings to `err`
/// (concise), with no authority file. A closed `out` (a reader that stopped early) ends the
/// conversion without error.
pub fn convert(
    input: impl BufRead + Send,
    out: impl Write + Send,
    err: impl Write + Send,
    from: InputFormat,
    to: OutputFormat,
    settings: &Settings,
    export: &ExportOptions,
) -> Result<Counts, ConvertError> {
    let authorities = AuthorityIndex::empty();
    let options = ConvertOptions {
        from,
        to,
        findings: FindingsFormat::Concise,
        stdin_name: STDIN,
        authorities: &authorities,
        shard: None,
        max_findings: None,
    };
    convert_with(input, out, err, None, &options, settings, export)
}

/// [`convert`] with every option, and the outline of each document written to `outlines`
/// (see [`crate::validate::outline_file`]) when given. Units are processed in batches on the
/// current rayon pool, each batch's results written while the next batch is processed
/// ([`batches::run`]); the output is in input order whatever the number of threads. An
/// input that cannot be read, or a line of `files-jsonl` that is not a file, stops the
/// conversion with an error once the units before it are written.
pub fn convert_with<'a>(
    input: impl BufRead + Send,
    out: impl Write + Send,
    err: impl Write + Send,
    outlines: Option<&'a mut (dyn Write + Send)>,
    options: &'a ConvertOptions<'a>,
    settings: &'a Settings,
    export: &'a ExportOptions,
) -> Result<Counts, ConvertError> {
    let ctx = Ctx {
        options,
        settings,
        export,
        outlines: outlines.is_some(),
    };
    let mut printer = Printer {
        findings: options.findings,
        out,
        err,
        outlines,
        counts: Counts::default(),
        room: options.max_findings.unwrap_or(usize::MAX),
        shard: match &options.shard {
            Some(shard) => Some(
                ShardWriter::create(shard, export)
                    .map_err(|e| ConvertError::Shard(shard.dir.to_path_buf(), e))?,
            ),
            None => None,
        },
    };
    let printed = printer.header(options.to).and_then(|()| {
        batches::run(
            Units::new(input, options.from, settings.limits.max_file_bytes),
            Bounds::units(BATCH_UNITS).and_bytes(BATCH_BYTES, Unit::size),
            |unit| ctx.process(&unit),
            &mut printer,
            |_| Ok(()),
        )
    });
    match printed {
        Ok(()) => {}
        Err(ConvertError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e),
    }
    // A reader that stopped early closed the pipe: not an error. Anything else (a full disk
    // behind a redirection) is, or the output would end short with exit 0.
    match printer.out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(ConvertError::Output(e)),
        _ => {}
    }
    if let Some(o) = printer.outlines.as_mut() {
        o.flush().map_err(ConvertError::Outlines)?;
    }
    if let Some(shard) = printer.shard.take() {
        let dir = shard.shard.dir.to_path_buf();
        shard.finish().map_err(|e| ConvertError::Shard(dir, e))?;
    }
    let written = printer.counts.errors + printer.counts.warnings;
    let omitted = written.saturating_sub(options.max_findings.unwrap_or(usize::MAX));
    if omitted > 0 && printer.findings == FindingsFormat::Concise {
        let _ = writeln!(
            printer.err,
            "... and {omitted} more findings (raise --max-errors to see them)"
        );
    }
    Ok(printer.counts)
}

/// The units of the input, in order, as its format splits it: the source of the batching
/// loop, read while the batch before is processed.
struct Units<R> {
    input: R,
    from: InputFormat,
    /// The line being read, and its number in the stream (from 0).
    line: Vec<u8>,
    line_no: usize,
    /// The whole length of the line just read (only its first [`Units::keep`] bytes are
    /// kept in `line`).
    line_len: u64,
    /// The longest document kept (`--max-file-bytes`): a longer one is counted, not held.
    limit: u64,
    /// `yaml-stream`: the document being gathered: its bytes (none once it is longer than
    /// the limit), its whole length and the lines before it; where documents split is the
    /// [`Splitter`]'s to say, as for a stream file.
    doc: Vec<u8>,
    doc_len: u64,
    first_line: usize,
    splitter: Splitter,
    /// The documents given so far.
    ordinal: usize,
    /// The end of the input was reached, or an error given: nothing more is read.
    ended: bool,
}

impl<R: BufRead> Units<R> {
    fn new(input: R, from: InputFormat, limit: u64) -> Self {
        Units {
            input,
            from,
            line: Vec::with_capacity(256),
            line_no: 0,
            line_len: 0,
            limit,
            doc: Vec::new(),
            doc_len: 0,
            first_line: 0,
            splitter: Splitter::default(),
            ordinal: 0,
            ended: false,
        }
    }

    /// The unit the line just read completes, if any.
    fn unit_of_line(&mut self) -> Option<Result<Unit, ConvertError>> {
        let line = &self.line;
        match self.from {
            InputFormat::Jsonl => {
                if !line.iter().any(|b| !b.is_ascii_whitespace()) {
                    return None;
                }
                if self.line_len > self.limit {
                    return Some(Ok(self.too_long(self.line_len, self.line_no)));
                }
                let bytes = line.clone();
                Some(Ok(self.document(bytes, self.line_no)))
            }
            InputFormat::FilesJsonl if self.line_len > self.keep() as u64 => {
                // Not held, so not read: the file it names is not known.
                Some(Err(ConvertError::NotAFile(
                    self.line_no + 1,
                    format!(
                        "the line is {} bytes, more than a file of --max-file-bytes ({} \
                         bytes) takes, written as JSON",
                        self.line_len, self.limit
                    ),
                )))
            }
            InputFormat::FilesJsonl => line.iter().any(|b| !b.is_ascii_whitespace()).then(|| {
                serde_json::from_slice::<NamedFile>(line)
                    .map_err(|e| e.to_string())
                    .and_then(NamedFile::bytes)
                    .map(|(file, bytes)| Unit::Named(file, bytes))
                    .map_err(|e| ConvertError::NotAFile(self.line_no + 1, e))
            }),
            InputFormat::Paths => {
                let text = String::from_utf8_lossy(line);
                let path = text.trim_end_matches(['\n', '\r']);
                (!path.trim().is_empty()).then(|| Ok(Unit::File(PathBuf::from(path))))
            }
            InputFormat::YamlStream => match self.splitter.line(line) {
                Split::Before { begun } => {
                    let ended = self.end_document(begun);
                    self.add_to_document();
                    self.first_line = self.line_no;
                    ended.map(Ok)
                }
                Split::After { begun } => {
                    let ended = self.end_document(begun);
                    self.first_line = self.line_no + 1;
                    ended.map(Ok)
                }
                Split::Within { .. } => {
                    if self.doc_len == 0 {
                        self.first_line = self.line_no;
                    }
                    self.add_to_document();
                    None
                }
            },
        }
    }

    /// `yaml-stream`: add the line just read to the document, or only count it once the
    /// document is longer than the limit.
    fn add_to_document(&mut self) {
        self.doc_len += self.line_len;
        if self.doc_len > self.limit {
            self.doc = Vec::new();
        } else {
            self.doc.extend_from_slice(&self.line);
        }
    }

    /// `yaml-stream`: the document gathered so far, if it has `begun` (the splitter says);
    /// a new one is begun.
    fn end_document(&mut self, begun: bool) -> Option<Unit> {
        let bytes = std::mem::take(&mut self.doc);
        let len = std::mem::take(&mut self.doc_len);
        begun.then(|| match len > self.limit {
            true => self.too_long(len, self.first_line),
            false => self.document(bytes, self.first_line),
        })
    }

    /// How much of a line is kept: a document's worth (a longer line makes its document too
    /// long), and at least enough to tell a `---` or `...` line; for `files-jsonl`, a file's
    /// worth written as JSON (a character escaped as `\u0000` takes six bytes).
    fn keep(&self) -> usize {
        let bytes = match self.from {
            InputFormat::FilesJsonl => self.limit.saturating_mul(6).saturating_add(4096),
            _ => self.limit.saturating_add(1),
        };
        usize::try_from(bytes).unwrap_or(usize::MAX).max(4096)
    }

    /// The next document, too long to be kept, after `lines` lines of the stream.
    fn too_long(&mut self, len: u64, lines: usize) -> Unit {
        self.ordinal += 1;
        Unit::TooLong {
            len,
            lines,
            ordinal: self.ordinal - 1,
        }
    }

    /// The next document, after `lines` lines of the stream.
    fn document(&mut self, bytes: Vec<u8>, lines: usize) -> Unit {
        self.ordinal += 1;
        Unit::Doc {
            bytes,
            lines,
            ordinal: self.ordinal - 1,
        }
    }
}

impl<R: BufRead> Iterator for Units<R> {
    type Item = Result<Unit, ConvertError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.ended {
            self.line.clear();
            let keep = self.keep();
            match read_line_within(&mut self.input, &mut self.line, keep) {
                Ok(0) => {
                    self.ended = true;
                    if self.from == InputFormat::YamlStream {
                        return self.end_document(self.splitter.begun()).map(Ok);
                    }
                }
                Ok(len) => {
                    self.line_len = len;
                    let unit = self.unit_of_line();
                    self.line_no += 1;
                    if let Some(unit) = unit {
                        self.ended = unit.is_err();
                        return Some(unit);
                    }
                }
                Err(e) => {
                    self.ended = true;
                    return Some(Err(ConvertError::Input(e)));
                }
            }
        }
        None
    }
}

/// Read one line (up to and including its `\n`) into `line`, keeping at most `keep` bytes
/// of it, so that one endless line cannot take all the memory; returns the line's whole
/// length in bytes (0 at the end of the input).
fn read_line_within(input: &mut impl BufRead, line: &mut Vec<u8>, keep: usize) -> io::Result<u64> {
    let mut len = 0u64;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(len);
        }
        let (chunk, ends) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = keep.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        len += n as u64;
        input.consume(n);
        if ends {
            return Ok(len);
        }
    }
}

impl<W: Write, E: Write> Printer<'_, W, E> {
    /// What comes before the first record: the CSV header.
    fn header(&mut self, to: OutputFormat) -> Result<(), ConvertError> {
        if to == OutputFormat::Csv {
            let header = csv_export::header();
            self.out.write_all(&header).map_err(ConvertError::Output)?;
        }
        Ok(())
    }

    fn report(&mut self, f: &Finding) {
        match f.severity {
            Severity::Error => self.counts.errors += 1,
            _ => self.counts.warnings += 1,
        }
        if self.room == 0 {
            return;
        }
        self.room -= 1;
        // Findings are best effort: a closed standard error does not stop the conversion.
        let _ = match self.findings {
            FindingsFormat::Concise => writeln!(self.err, "{f}"),
            FindingsFormat::Json => writeln!(self.err, "{}", crate::render::finding_json_line(f)),
        };
    }
}

impl<W: Write, E: Write> Sink<Done> for Printer<'_, W, E> {
    type Error = ConvertError;

    fn take(&mut self, d: Done) -> Result<(), ConvertError> {
        self.counts.records += d.documents;
        for f in &d.findings {
            self.report(f);
        }
        for (code, n) in &d.not_listed {
            match code.severity() {
                Severity::Error => self.counts.errors += n,
                _ => self.counts.warnings += n,
            }
        }
        self.out
            .write_all(&d.output)
            .map_err(ConvertError::Output)?;
        self.counts.written += d.written;
        if let Some(shard) = self.shard.as_mut() {
            for r in d.shard {
                shard
                    .add(r)
                    .map_err(|e| ConvertError::Shard(shard.shard.dir.to_path_buf(), e))?;
            }
        }
        if let Some(o) = self.outlines.as_mut() {
            for line in &d.outlines {
                line.write(o).map_err(ConvertError::Outlines)?;
            }
        }
        Ok(())
    }
}

impl Ctx<'_> {
    fn process(&self, unit: &Unit) -> Done {
        match unit {
            Unit::Doc {
                bytes,
                lines,
                ordinal,
            } => self.document(bytes, *lines, *ordinal),
            Unit::File(path) => {
                // A path given on the input is the user's choice, read as given; but one
                // through a symbolic link (planted in the catalogue `find` lists) is read
                // only inside the current folder, as `validate` reads a catalogue, unless
                // --follow-symlinks.
                let scope = self.settings.scope(Path::new("."));
                let documents = scope
                    .check_named(path)
                    .and_then(|()| catalogue::read_documents(path, &self.settings.limits, &scope));
                self.file(path, documents)
            }
            Unit::Named(path, bytes) => self.file(
                path,
                catalogue::documents_of_bytes(path, bytes, &self.settings.limits),
            ),
            Unit::TooLong {
                len,
                lines,
                ordinal,
            } => Done {
                documents: 1,
                findings: vec![crate::engine::units::document_too_long(
                    Path::new(self.options.stdin_name),
                    crate::diagnostics::Location {
                        line: lines + 1,
                        col: 1,
                    },
                    *ordinal,
                    *len,
                    self.settings.limits.max_file_bytes,
                )],
                ..Done::default()
            },
        }
    }

    /// One document of the stream: `bytes`, after `lines` lines of the stream.
    fn document(&self, bytes: &[u8], lines: usize, ordinal: usize) -> Done {
        let mut done = Done {
            documents: 1,
            ..Done::default()
        };
        let path = Path::new(self.options.stdin_name);
        let shifted = |mut f: Finding| {
            if let Some(l) = f.location.as_mut() {
                l.line += lines;
            }
            f
        };
        let text = match read::decode(path, bytes) {
            Ok(text) => text,
            Err(f) => {
                done.findings.push(shifted(f));
                return done;
            }
        };
        let mut node = match read::parse(path, text, &self.settings.limits) {
            Ok(mut docs) if !docs.is_empty() => docs.swap_remove(0),
            Ok(_) => Node {
                span: Default::default(),
                value: Value::Null,
            },
            Err(f) => {
                done.findings.push(shifted(f));
                return done;
            }
        };
        crate::engine::units::shift_lines(&mut node, lines);
        let mut result = FileResult::default();
        catalogue::process_document(
            path,
            ordinal,
            &node,
            true,
            self.settings,
            self.options.authorities,
            true,
            &mut result,
        );
        self.finish(result, std::slice::from_ref(&node), done)
    }

    /// A record file named on a line of the input: read as `validate` reads one.
    fn file(&self, path: &Path, docs: Result<Vec<Node>, Finding>) -> Done {
        let mut result = FileResult::default();
        let docs = match docs {
            Ok(docs) => docs,
            Err(f) => {
                return Done {
                    documents: 1,
                    findings: vec![f],
                    ..Done::default()
                };
            }
        };
        catalogue::process_documents(
            path,
            &docs,
            self.settings,
            self.options.authorities,
            true,
            &mut result,
        );
        let done = Done {
            documents: result.documents,
            ..Done::default()
        };
        self.finish(result, &docs, done)
    }

    /// Render the valid records of `docs` and gather the findings and outlines.
    fn finish(&self, mut result: FileResult, docs: &[Node], mut done: Done) -> Done {
        if self.outlines {
            done.outlines =
                outline_file::lines_of(&result.outlines, &result.records, &result.refused_mentions);
        }
        done.findings = std::mem::take(&mut result.findings);
        done.not_listed = std::mem::take(&mut result.not_listed);
        if self.options.to == OutputFormat::Shard {
            done.written = result.records.len();
            done.shard = (result.records.iter())
                .map(|r| ShardRecord::of(r, self.export))
                .collect();
            return done;
        }
        // Records come in the order of their documents, so one pass over the documents
        // finds each record's tree (a stream file of many documents stays linear).
        let mut nodes = docs.iter();
        for record in &result.records {
            let Some(node) = nodes.find(|n| {
                n.get("id")
                    .is_some_and(|id| id.span.start() == record.id_location)
            }) else {
                break;
            };
            done.output.extend(self.render(node, record));
            done.written += 1;
        }
        done
    }

    fn render(&self, node: &Node, record: &Record) -> Vec<u8> {
        match self.options.to {
            OutputFormat::Jsonl => {
                // A tree of plain values always serializes.
                let mut line =
                    serde_json::to_vec(&crate::validate::schema::to_json(node)).unwrap_or_default();
                line.push(b'\n');
                line
            }
            OutputFormat::Csv => {
                let mut line = Vec::with_capacity(1024);
                csv_export::write_row(record, self.export.csv_separator, &mut line);
                line
            }
            OutputFormat::OaiDc => oai_dc_line(record, self.export),
            OutputFormat::Shard => Vec::new(),
        }
    }
}

/// The oai_dc document of a record on one line (see the module docs).
fn oai_dc_line(record: &Record, export: &ExportOptions) -> Vec<u8> {
    let mut s = String::with_capacity(1024);
    s.push_str("<oai_dc:dc xmlns:oai_dc=\"");
    s.push_str(dublin_core::OAI_DC_NS);
    s.push_str("\" xmlns:dc=\"");
    s.push_str(dublin_core::DC_NS);
    s.push_str("\" xmlns:xsi=\"");
    s.push_str(dublin_core::XSI_NS);
    s.push_str("\" xsi:schemaLocation=\"");
    s.push_str(dublin_core::SCHEMA_LOCATION);
    s.push_str("\">");
    for (name, value) in dublin_core::elements(record, export) {
        let text = dublin_core::escape_text(&value).replace('\n', "&#10;");
        s.push_str("<dc:");
        s.push_str(name);
        s.push('>');
        s.push_str(&text);
        s.push_str("</dc:");
        s.push_str(name);
        s.push('>');
    }
    s.push_str("</oai_dc:dc>\n");
    s.into_bytes()
}
