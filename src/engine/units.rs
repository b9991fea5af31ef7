//! The units of work: a single-record file, or one document of a `---` stream (found by
//! reading the file once and indexing it), and how each is read and parsed.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::incremental;
use super::options::RunError;
use crate::diagnostics::{Code, Finding, Location};
use crate::engine::catalogue::Settings;
use crate::read::contain::Scope;
use crate::read::stream_index::{self, DocRange};
use crate::read::{self, Node, Value};
use crate::validate::outline_table::{Text, TextArena};

/// One document of a `---` stream, indexed: 40 bytes, its id in a [`TextArena`] (a stream of a
/// million records keeps a million of these for the whole run).
pub(super) struct StreamDoc {
    pub(super) file: u32,
    /// Its number in the file, from 0.
    pub(super) ordinal: u32,
    pub(super) offset: u64,
    pub(super) len: u64,
    pub(super) line: u64,
    /// Its id (the sort key), in the run's [`TextArena`] of document ids.
    pub(super) key: Text,
}

impl StreamDoc {
    pub(super) fn range(&self) -> DocRange {
        DocRange {
            offset: self.offset,
            len: self.len,
            line: self.line as usize,
            id: None,
        }
    }
}

/// A unit of work: a single-record file or one document of a stream.
#[derive(Clone, Copy)]
pub(super) enum Unit {
    File(u32),
    Doc(u32),
}

impl Unit {
    /// The file's or the document's number.
    pub(super) fn index(self) -> u32 {
        match self {
            Unit::File(i) | Unit::Doc(i) => i,
        }
    }
}

/// Add the documents of the stream `file` to the units to process.
pub(super) fn push_stream(
    file: u32,
    ranges: Vec<DocRange>,
    docs: &mut Vec<StreamDoc>,
    doc_keys: &mut TextArena,
    units: &mut Vec<Unit>,
) -> Result<(), RunError> {
    docs.reserve_exact(ranges.len());
    units.reserve(ranges.len());
    for (ordinal, range) in ranges.into_iter().enumerate() {
        let key = doc_keys
            .put(range.id.as_deref().unwrap_or_default())
            .map_err(|e| RunError::Internal(e.to_string()))?;
        units.push(Unit::Doc(docs.len() as u32));
        docs.push(StreamDoc {
            file,
            ordinal: ordinal as u32,
            offset: range.offset,
            len: range.len,
            line: range.line as u64,
            key,
        });
    }
    Ok(())
}

/// What a first read of a file found.
pub(super) enum Classified {
    /// A single-record file, with its bytes when they could be read within the limits
    /// (otherwise processing it reports why).
    Single(Option<Vec<u8>>),
    /// A `---` stream of several documents.
    Stream(Vec<DocRange>),
}

/// Read a file once and tell a stream from a single-record file. Problems reading it are
/// left for the processing stage to report.
pub(super) fn classify(path: &Path, settings: &Settings, scope: &Scope) -> Classified {
    let whole = match scope
        .open(path)
        .and_then(|file| read::read_within_file(&file, settings.limits.max_file_bytes))
    {
        Ok(whole) => whole,
        Err(_) => return Classified::Single(None),
    };
    if let Some(bytes) = whole {
        if !stream_index::may_be_stream(&bytes) {
            return Classified::Single(Some(bytes));
        }
        match stream_index::index(&bytes[..]) {
            Ok(ranges) if ranges.len() > 1 => Classified::Stream(ranges),
            Ok(_) => Classified::Single(Some(bytes)),
            Err(_) => Classified::Single(None),
        }
    } else {
        let Ok(file) = scope.open(path) else {
            return Classified::Single(None);
        };
        // A file over the limit is a stream when it holds several documents, each within
        // the limit; a single record over the limit is refused as a file (Y007).
        match stream_index::index(BufReader::with_capacity(1 << 20, file)) {
            Ok(ranges) if ranges.len() > 1 => Classified::Stream(ranges),
            _ => Classified::Single(None),
        }
    }
}

/// The ids of a stream's documents whose id is not a plain `id:` line (which the index
/// reads): parse those documents to learn it.
pub(super) fn learn_ids(path: &Path, ranges: &mut [DocRange], settings: &Settings, scope: &Scope) {
    for (i, range) in ranges.iter_mut().enumerate() {
        if range.id.is_none()
            && let Ok(Some(doc)) = read_doc(path, i, range, settings, scope)
        {
            range.id = doc
                .get("id")
                .and_then(Node::as_str)
                .map(|s| s.trim().into());
        }
    }
}

/// The incremental-cache key of a single-record file with these bytes.
pub(super) fn file_key(
    store: &incremental::Store,
    root: &Path,
    path: &Path,
    bytes: &[u8],
) -> incremental::Key {
    let relative = crate::read::file_list::relative_to(path, root);
    store.key(relative, u32::MAX, 0, bytes)
}

/// Read and parse one document of a stream; positions are those in the whole file.
pub(super) fn read_doc(
    path: &Path,
    ordinal: usize,
    range: &DocRange,
    settings: &Settings,
    scope: &Scope,
) -> Result<Option<Node>, Finding> {
    parse_doc(path, ordinal, range, None, settings, scope)
}

/// Parse one document of a stream, from its `bytes` when they have been read already (else
/// they are read from the file); positions are those in the whole file.
pub(super) fn parse_doc(
    path: &Path,
    ordinal: usize,
    range: &DocRange,
    bytes: Option<Vec<u8>>,
    settings: &Settings,
    scope: &Scope,
) -> Result<Option<Node>, Finding> {
    let at = Location {
        line: range.line + 1,
        col: 1,
    };
    if range.len > settings.limits.max_file_bytes {
        return Err(document_too_long(
            path,
            at,
            ordinal,
            range.len,
            settings.limits.max_file_bytes,
        ));
    }
    let unreadable = |e: std::io::Error| {
        Finding::new(Code::Unreadable, path, None, format!("cannot be read: {e}"))
            .with_help("check that the file exists and that you may read it")
    };
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => read_range(path, range, scope).map_err(unreadable)?,
    };
    let text = read::decode(path, &bytes)?;
    let shift = |mut f: Finding| {
        if let Some(l) = f.location.as_mut() {
            l.line += range.line;
        }
        f
    };
    let mut docs = read::parse(path, text, &settings.limits).map_err(shift)?;
    let Some(mut doc) = (!docs.is_empty()).then(|| docs.swap_remove(0)) else {
        return Ok(None);
    };
    shift_lines(&mut doc, range.line);
    Ok(Some(doc))
}

/// The bytes of one document of a stream.
pub(super) fn read_range(path: &Path, range: &DocRange, scope: &Scope) -> std::io::Result<Vec<u8>> {
    let mut file = scope.open(path)?;
    file.seek(SeekFrom::Start(range.offset))?;
    let mut bytes = vec![0; range.len as usize];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// Move every position of a tree down by `lines`.
pub(crate) fn shift_lines(node: &mut Node, lines: usize) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        n.span.shift_lines(lines);
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    stack.push(k);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

/// The finding for a document of a `---` stream longer than `--max-file-bytes` (a stream's
/// documents are held to the limit of a record file each).
pub(crate) fn document_too_long(
    path: &Path,
    at: Location,
    ordinal: usize,
    len: u64,
    limit: u64,
) -> Finding {
    Finding::new(
        Code::Limit,
        path,
        Some(at),
        format!(
            "document {} is {len} bytes, more than the limit of {limit} bytes",
            ordinal + 1,
        ),
    )
    .with_help("split the document, or raise the limit with --max-file-bytes")
}
