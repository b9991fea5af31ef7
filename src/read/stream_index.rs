//! The index of a `---` stream: where each document starts and ends, and its id, found by
//! scanning lines, without parsing.
//!
//! It exists so that a stream of a million records can be processed in id order with
//! bounded memory: the streaming run ([`crate::engine`]) indexes the stream once
//! (sequential reading, a few dozen bytes kept per document), sorts the documents by id, and
//! then reads, parses and renders each document on its own (`pread` of its byte range).
//!
//! Documents are split where YAML 1.2 splits them: at a `---` line or after a `...` line, both
//! at column 0 (a marker at column 0 cannot occur inside a scalar). A segment holding only
//! blank lines, comments and directives before the first `---` is not a document of its own,
//! as in the YAML parser. The id is read from a top-level `id: value` line when the value is
//! a plain id (letters a-z, digits, `-`, `_`, `.`); any other form (quoted, flow mapping,
//! missing) leaves the id unknown, and the caller parses that document to learn it.

use std::io::{self, BufRead};

/// One document of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRange {
    /// Byte offset of the document's first line in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// Lines before the document (its first line is line `line + 1`).
    pub line: usize,
    /// The id, when a plain `id:` line gives it.
    pub id: Option<Box<str>>,
}

fn marker(line: &[u8], m: &[u8; 3]) -> bool {
    line.starts_with(m) && line.get(3).is_none_or(|b| b.is_ascii_whitespace())
}

/// Whether a line holds a value (not blank, not a comment, not a directive).
fn content(line: &[u8]) -> bool {
    if line.first() == Some(&b'%') {
        return false;
    }
    match line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        Some(i) => line[i] != b'#',
        None => false,
    }
}

/// Where a `---` stream splits, told line by line: the one rule of this module's
/// [`index`] of a stream file and of `convert`'s reading of standard input, so that both
/// split where YAML does. A segment is a document once it has an explicit `---` or a line
/// with content ([`content`]); what each caller keeps of a segment that is not (blank
/// lines, comments and directives before the first `---`) is its own affair.
#[derive(Debug, Default)]
pub(crate) struct Splitter {
    explicit: bool,
    has_content: bool,
}

/// What a line is to the stream ([`Splitter::line`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// A `---` line: the segment before it ends (`begun`: it is a document), and the line
    /// begins the next.
    Before { begun: bool },
    /// A `...` line: the segment ends with it (`begun`: it is a document); the next begins
    /// after it.
    After { begun: bool },
    /// Any other line, part of the segment; `content`: it holds a value.
    Within { content: bool },
}

impl Splitter {
    pub(crate) fn line(&mut self, line: &[u8]) -> Split {
        if marker(line, b"---") {
            let begun = self.begun();
            self.explicit = true;
            self.has_content = content(&line[3..]);
            Split::Before { begun }
        } else if marker(line, b"...") {
            let begun = self.begun();
            (self.explicit, self.has_content) = (false, false);
            Split::After { begun }
        } else {
            let content = content(line);
            self.has_content |= content;
            Split::Within { content }
        }
    }

    /// Whether the current segment is a document (at the end of the input: whether it is
    /// one to keep).
    pub(crate) fn begun(&self) -> bool {
        self.explicit || self.has_content
    }
}

/// The id of an `id: value` line, when the value is a plain id.
pub fn plain_id(line: &[u8]) -> Option<&str> {
    let rest = line.strip_prefix(b"id:")?;
    let rest = std::str::from_utf8(rest).ok()?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = match rest.find(" #") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let value = rest.trim_matches([' ', '\t', '\r', '\n']);
    let plain = !value.is_empty()
        && value.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    plain.then_some(value)
}

/// Whether `bytes` may hold more than one document (a fast test before [`index`]): whether
/// a line starts with `---` or `...`. Every file of a run passes here, so only the line
/// starts are looked at (memchr finds them), not every 4-byte window.
pub fn may_be_stream(bytes: &[u8]) -> bool {
    let marker = |at: usize| {
        let line = &bytes[at..];
        line.starts_with(b"---") || line.starts_with(b"...")
    };
    marker(0) || memchr::memchr_iter(b'\n', bytes).any(|i| marker(i + 1))
}

/// Index the documents of a stream.
pub fn index(mut reader: impl BufRead) -> io::Result<Vec<DocRange>> {
    let mut docs = Vec::new();
    let mut buf = Vec::with_capacity(256);
    let mut offset = 0u64;
    let mut line_no = 0usize;
    let mut splitter = Splitter::default();
    // The current segment: where it starts, and its `id:` lines.
    let mut start = 0u64;
    let mut start_line = 0usize;
    let mut id: Option<Box<str>> = None;
    let mut ids_seen = 0usize;
    let mut close = |end: u64, start: u64, start_line: usize, id: Option<Box<str>>, ids: usize| {
        docs.push(DocRange {
            offset: start,
            len: end - start,
            line: start_line,
            // Two `id:` lines are a duplicate key: let the parser report it.
            id: if ids == 1 { id } else { None },
        });
    };
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        let line = &buf[..];
        match splitter.line(line) {
            Split::Before { begun } => {
                // Blank lines, comments and directives before the first `---` stay with
                // the document it begins.
                if begun {
                    close(offset, start, start_line, id.take(), ids_seen);
                    start = offset;
                    start_line = line_no;
                }
                ids_seen = 0;
            }
            Split::After { begun } => {
                if begun {
                    close(offset + n as u64, start, start_line, id.take(), ids_seen);
                }
                start = offset + n as u64;
                start_line = line_no + 1;
                ids_seen = 0;
            }
            Split::Within { content } => {
                if content && line.starts_with(b"id:") {
                    ids_seen += 1;
                    id = plain_id(line).map(Into::into);
                }
            }
        }
        offset += n as u64;
        line_no += 1;
    }
    if splitter.begun() {
        close(offset, start, start_line, id, ids_seen);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(u64, u64, usize, Option<String>)> {
        index(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|d| (d.offset, d.len, d.line, d.id.map(String::from)))
            .collect()
    }

    #[test]
    fn splits_at_markers_like_the_parser() {
        assert_eq!(ids("id: a\n"), vec![(0, 6, 0, Some("a".into()))]);
        assert_eq!(
            ids("---\nid: a\n---\nid: b # note\n"),
            vec![(0, 10, 0, Some("a".into())), (10, 17, 2, Some("b".into()))]
        );
        // Comments and directives before the first marker belong to the first document.
        assert_eq!(ids("# c\n%YAML 1.2\n---\nid: a\n").len(), 1);
        // An explicit empty document counts; trailing blank lines do not.
        assert_eq!(ids("id: a\n---\n").len(), 2);
        assert_eq!(ids("id: a\n...\n\n").len(), 1);
        assert_eq!(ids("").len(), 0);
        assert_eq!(ids("# only a comment\n").len(), 0);
        // `----` is not a marker; an indented `---` is not either.
        assert_eq!(ids("id: a\nsummary: |\n  ---\n----: x\n").len(), 1);
    }

    #[test]
    fn only_plain_ids_are_read_without_parsing() {
        assert_eq!(plain_id(b"id: abc-1.x_y\n"), Some("abc-1.x_y"));
        assert_eq!(plain_id(b"id: 'abc'\n"), None);
        assert_eq!(plain_id(b"id: Abc\n"), None);
        assert_eq!(plain_id(b"idx: abc\n"), None);
        assert_eq!(plain_id(b"id:\n"), None);
        // Two id lines: the parser reports the duplicate key; no id is guessed.
        assert_eq!(ids("id: a\nid: b\n")[0].3, None);
    }

    #[test]
    fn fast_test_finds_every_marker() {
        assert!(!may_be_stream(b"id: a\ntitle: x\n"));
        assert!(may_be_stream(b"id: a\n---\nid: b\n"));
        assert!(may_be_stream(b"---\nid: a\n"));
        assert!(may_be_stream(b"id: a\r\n...\r\n"));
        assert!(!may_be_stream(b"title: a---b\n"));
        // Every text of up to seven bytes made of newlines, dashes, dots and a letter: the
        // same answer as looking at every 4-byte window.
        let by_windows = |b: &[u8]| {
            b.starts_with(b"---")
                || b.starts_with(b"...")
                || b.windows(4).any(|w| w == b"\n---" || w == b"\n...")
        };
        let mut texts = vec![Vec::new()];
        for _ in 0..7 {
            let longer: Vec<Vec<u8>> = texts
                .iter()
                .flat_map(|t| {
                    b"\n-.a".iter().map(move |&c| {
                        let mut t = t.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            for t in &longer {
                assert_eq!(
                    may_be_stream(t),
                    by_windows(t),
                    "{:?}",
                    String::from_utf8_lossy(t)
                );
            }
            texts = longer;
        }
    }
}
