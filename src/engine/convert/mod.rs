//! `pipeline convert`: a streaming filter from standard input to standard output, record by
//! record, for use inside other tools' pipelines (Hadoop Streaming, Spark `RDD.pipe`, GNU
//! parallel `--pipe`), where the catalogue is not a folder but a stream of records.
//!
//! Each record is read, validated against the schema, normalized and written out before the
//! next one is read, so memory stays flat however long the stream. What a stream cannot give
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

use rayon::prelude::*;

use crate::diagnostics::{Finding, Severity};
use crate::engine::catalogue::{self, FileResult, Settings};
use crate::engine::selection::Shard;
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::AuthorityIndex;
use crate::normalize::record::Record;
use crate::read::stream_index::{content, marker};
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
/// order; memory holds one batch and its results.
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

struct Converter<'a, W: Write, E: Write> {
    ctx: Ctx<'a>,
    out: W,
    err: E,
    outlines: Option<&'a mut dyn Write>,
    counts: Counts,
    batch: Vec<Unit>,
    batch_bytes: usize,
    /// With `--to shard`: the shard folder being written.
    shard: Option<ShardWriter<'a>>,
}

/// Convert the records read from `input`, writing them to `out` and findings to `err`
/// (concise), with no authority file. A closed `out` (a reader that stopped early) ends the
/// conversion without error.
pub fn convert(
    input: impl BufRead,
    out: impl Write,
    err: impl Write,
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
    };
    convert_with(input, out, err, None, &options, settings, export)
}

/// [`convert`] with every option, and the outline of each document written to `outlines`
/// (see [`crate::validate::outline_file`]) when given. Units are processed in batches on the current
/// rayon pool; the output is in input order whatever the number of threads.
pub fn convert_with<'a>(
    input: impl BufRead,
    out: impl Write,
    err: impl Write,
    outlines: Option<&'a mut dyn Write>,
    options: &'a ConvertOptions<'a>,
    settings: &'a Settings,
    export: &'a ExportOptions,
) -> Result<Counts, ConvertError> {
    let mut c = Converter {
        ctx: Ctx {
            options,
            settings,
            export,
            outlines: outlines.is_some(),
        },
        out,
        err,
        outlines,
        counts: Counts::default(),
        batch: Vec::with_capacity(BATCH_UNITS),
        batch_bytes: 0,
        shard: match &options.shard {
            Some(shard) => Some(
                ShardWriter::create(shard, export)
                    .map_err(|e| ConvertError::Shard(shard.dir.to_path_buf(), e))?,
            ),
            None => None,
        },
    };
    match c.run(input).and_then(|()| c.flush_batch()) {
        Ok(()) => {}
        Err(ConvertError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e),
    }
    // A reader that stopped early closed the pipe: not an error. Anything else (a full disk
    // behind a redirection) is, or the output would end short with exit 0.
    match c.out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(ConvertError::Output(e)),
        _ => {}
    }
    if let Some(o) = c.outlines.as_mut() {
        o.flush().map_err(ConvertError::Outlines)?;
    }
    if let Some(shard) = c.shard.take() {
        let dir = shard.shard.dir.to_path_buf();
        shard.finish().map_err(|e| ConvertError::Shard(dir, e))?;
    }
    Ok(c.counts)
}

impl<W: Write, E: Write> Converter<'_, W, E> {
    fn run(&mut self, mut input: impl BufRead) -> Result<(), ConvertError> {
        if self.ctx.options.to == OutputFormat::Csv {
            let header = csv_export::header();
            self.out.write_all(&header).map_err(ConvertError::Output)?;
        }
        let from = self.ctx.options.from;
        let mut line = Vec::with_capacity(256);
        let mut line_no = 0usize;
        // The document being gathered: its bytes, the lines before it, and whether it has
        // begun (an explicit `---`, or a line with content).
        let mut doc: Vec<u8> = Vec::new();
        let mut first_line = 0usize;
        let (mut explicit, mut has_content) = (false, false);
        let mut ordinal = 0usize;
        loop {
            line.clear();
            let n = input
                .read_until(b'\n', &mut line)
                .map_err(ConvertError::Input)?;
            if n == 0 {
                break;
            }
            match from {
                InputFormat::Jsonl => {
                    if line.iter().any(|b| !b.is_ascii_whitespace()) {
                        self.document(line.clone(), line_no, ordinal)?;
                        ordinal += 1;
                    }
                }
                InputFormat::FilesJsonl => {
                    if line.iter().any(|b| !b.is_ascii_whitespace()) {
                        let (file, bytes) = serde_json::from_slice::<NamedFile>(&line)
                            .map_err(|e| e.to_string())
                            .and_then(NamedFile::bytes)
                            .map_err(|e| ConvertError::NotAFile(line_no + 1, e))?;
                        let size = bytes.len();
                        self.push(Unit::Named(file, bytes), size)?;
                    }
                }
                InputFormat::Paths => {
                    let text = String::from_utf8_lossy(&line);
                    let path = text.trim_end_matches(['\n', '\r']);
                    if !path.trim().is_empty() {
                        self.push(Unit::File(PathBuf::from(path)), 0)?;
                    }
                }
                InputFormat::YamlStream => {
                    if marker(&line, b"---") {
                        if explicit || has_content {
                            self.document(std::mem::take(&mut doc), first_line, ordinal)?;
                            ordinal += 1;
                        }
                        doc.clear();
                        doc.extend_from_slice(&line);
                        first_line = line_no;
                        explicit = true;
                        has_content = content(&line[3..]);
                    } else if marker(&line, b"...") {
                        if explicit || has_content {
                            self.document(std::mem::take(&mut doc), first_line, ordinal)?;
                            ordinal += 1;
                        }
                        doc.clear();
                        first_line = line_no + 1;
                        (explicit, has_content) = (false, false);
                    } else {
                        if doc.is_empty() {
                            first_line = line_no;
                        }
                        doc.extend_from_slice(&line);
                        has_content |= content(&line);
                    }
                }
            }
            line_no += 1;
        }
        if from == InputFormat::YamlStream && (explicit || has_content) {
            self.document(doc, first_line, ordinal)?;
        }
        Ok(())
    }

    fn document(
        &mut self,
        bytes: Vec<u8>,
        lines: usize,
        ordinal: usize,
    ) -> Result<(), ConvertError> {
        let size = bytes.len();
        self.push(
            Unit::Doc {
                bytes,
                lines,
                ordinal,
            },
            size,
        )
    }

    fn push(&mut self, unit: Unit, bytes: usize) -> Result<(), ConvertError> {
        self.batch.push(unit);
        self.batch_bytes += bytes;
        if self.batch.len() >= BATCH_UNITS || self.batch_bytes >= BATCH_BYTES {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Process the batch on every worker, then write its results in input order.
    fn flush_batch(&mut self) -> Result<(), ConvertError> {
        let ctx = &self.ctx;
        let done: Vec<Done> = self.batch.par_iter().map(|u| ctx.process(u)).collect();
        self.batch.clear();
        self.batch_bytes = 0;
        for d in done {
            self.counts.records += d.documents;
            for f in &d.findings {
                self.report(f);
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
        }
        Ok(())
    }

    fn report(&mut self, f: &Finding) {
        match f.severity {
            Severity::Error => self.counts.errors += 1,
            _ => self.counts.warnings += 1,
        }
        // Findings are best effort: a closed standard error does not stop the conversion.
        let _ = match self.ctx.options.findings {
            FindingsFormat::Concise => writeln!(self.err, "{f}"),
            FindingsFormat::Json => writeln!(self.err, "{}", crate::render::finding_json(f)),
        };
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
                // A path given on the input is the user's choice, read as given (as a file
                // named on the command line is).
                let scope = crate::read::contain::Scope::following();
                self.file(
                    path,
                    catalogue::read_documents(path, &self.settings.limits, &scope),
                )
            }
            Unit::Named(path, bytes) => self.file(
                path,
                catalogue::documents_of_bytes(path, bytes, &self.settings.limits),
            ),
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
            done.outlines = outline_file::lines_of(&result.outlines, &result.records);
        }
        done.findings = std::mem::take(&mut result.findings);
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
                    .is_some_and(|id| id.span.start == record.id_location)
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
