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
//!   where YAML splits them ([`crate::stream_index`]).
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
use std::path::Path;

use crate::catalogue::{self, FileResult, Settings};
use crate::diagnostics::{Finding, Severity};
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::AuthorityIndex;
use crate::read::{self, Node, Value};
use crate::record::Record;
use crate::stream_index::{content, marker};

/// The name findings give to standard input.
pub const STDIN: &str = "<stdin>";

/// The format of the input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// YAML documents separated by `---` lines.
    YamlStream,
    /// One JSON object per line.
    Jsonl,
}

/// The format of the output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per line: the record as written.
    Jsonl,
    /// CSV with a header row, the columns of records.csv.
    Csv,
    /// One oai_dc document per line.
    OaiDc,
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
}

struct Converter<'a, W: Write, E: Write> {
    to: OutputFormat,
    settings: &'a Settings,
    export: &'a ExportOptions,
    authorities: AuthorityIndex,
    out: W,
    err: E,
    counts: Counts,
}

/// Convert the records read from `input`, writing them to `out` and findings to `err`.
/// A closed `out` (a reader that stopped early) ends the conversion without error.
pub fn convert(
    input: impl BufRead,
    out: impl Write,
    err: impl Write,
    from: InputFormat,
    to: OutputFormat,
    settings: &Settings,
    export: &ExportOptions,
) -> Result<Counts, ConvertError> {
    let mut c = Converter {
        to,
        settings,
        export,
        authorities: AuthorityIndex::empty(),
        out,
        err,
        counts: Counts::default(),
    };
    match c.run(input, from) {
        Ok(()) => {}
        Err(ConvertError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e),
    }
    let _ = c.out.flush();
    Ok(c.counts)
}

impl<W: Write, E: Write> Converter<'_, W, E> {
    fn run(&mut self, mut input: impl BufRead, from: InputFormat) -> Result<(), ConvertError> {
        if self.to == OutputFormat::Csv {
            let mut header = Vec::with_capacity(256);
            csv_export::write_cells(csv_export::COLUMNS.iter().copied(), &mut header);
            self.out.write_all(&header).map_err(ConvertError::Output)?;
        }
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
                        self.document(&line, line_no, ordinal)?;
                        ordinal += 1;
                    }
                }
                InputFormat::YamlStream => {
                    if marker(&line, b"---") {
                        if explicit || has_content {
                            self.document(&doc, first_line, ordinal)?;
                            ordinal += 1;
                        }
                        doc.clear();
                        doc.extend_from_slice(&line);
                        first_line = line_no;
                        explicit = true;
                        has_content = content(&line[3..]);
                    } else if marker(&line, b"...") {
                        if explicit || has_content {
                            self.document(&doc, first_line, ordinal)?;
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
            self.document(&doc, first_line, ordinal)?;
        }
        Ok(())
    }

    fn report(&mut self, mut f: Finding, lines: usize) -> Result<(), ConvertError> {
        if let Some(l) = f.location.as_mut() {
            l.line += lines;
        }
        match f.severity {
            Severity::Error => self.counts.errors += 1,
            _ => self.counts.warnings += 1,
        }
        // Findings are best effort: a closed standard error does not stop the conversion.
        let _ = writeln!(self.err, "{f}");
        Ok(())
    }

    /// One document of the stream: `bytes`, after `lines` lines of the stream.
    fn document(&mut self, bytes: &[u8], lines: usize, ordinal: usize) -> Result<(), ConvertError> {
        self.counts.records += 1;
        let path = Path::new(STDIN);
        let text = match read::decode(path, bytes) {
            Ok(text) => text,
            Err(f) => return self.report(f, lines),
        };
        let mut node = match read::parse(path, text, &self.settings.limits) {
            Ok(mut docs) if !docs.is_empty() => docs.swap_remove(0),
            Ok(_) => Node {
                span: Default::default(),
                value: Value::Null,
            },
            Err(f) => return self.report(f, lines),
        };
        crate::streaming::shift_lines(&mut node, lines);
        let mut result = FileResult::default();
        catalogue::process_document(
            path,
            ordinal,
            &node,
            true,
            self.settings,
            &self.authorities,
            true,
            &mut result,
        );
        for f in std::mem::take(&mut result.findings) {
            self.report(f, 0)?;
        }
        for record in &result.records {
            let bytes = self.render(&node, record)?;
            self.out.write_all(&bytes).map_err(ConvertError::Output)?;
            self.counts.written += 1;
        }
        Ok(())
    }

    fn render(&self, node: &Node, record: &Record) -> Result<Vec<u8>, ConvertError> {
        match self.to {
            OutputFormat::Jsonl => {
                let mut line = serde_json::to_vec(&crate::schema::to_json(node))
                    .map_err(|e| ConvertError::Output(io::Error::other(e)))?;
                line.push(b'\n');
                Ok(line)
            }
            OutputFormat::Csv => {
                let mut line = Vec::with_capacity(1024);
                csv_export::write_row(record, self.export.csv_separator, &mut line);
                Ok(line)
            }
            OutputFormat::OaiDc => Ok(oai_dc_line(record, self.export)),
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
