//! A fast YAML front end for the common shape of a catalogue record, emitting the same
//! events as saphyr, or declining.
//!
//! # Why this is hand-written
//!
//! saphyr (`saphyr-parser`) remains the parser of record: every file this module does not
//! accept, and every file it accepts but whose tree the reader then refuses (a duplicate
//! key, a limit, a forbidden character), is parsed again from scratch by saphyr, and what
//! saphyr says is what the user sees. Profiling a run over 100,000 records showed saphyr's
//! scanner and parser to be the largest single CPU cost (~20 % of all CPU time): it is a
//! general YAML 1.2 scanner that looks at every character through a small lookahead buffer
//! and tracks simple keys, flow levels and indentation for constructs a record never uses.
//! No crate offers a faster YAML front end that reports the positions (line, column and
//! character offset of every node) our findings need, so this module reads only a strict,
//! simple subset, line by line, and hands anything else to saphyr.
//!
//! It produces saphyr [`Event`]s with saphyr [`Span`]s, so the reader feeds them to the same
//! tree builder and every check stays shared. The spans are those saphyr gives (the parts
//! the builder reads: the start of every node, the end of every scalar and collection), and
//! the differential tests (`tests/it/fast_yaml.rs`, the `fast_yaml` fuzz target) check that
//! every accepted input yields a tree equal to saphyr's, spans included.
//!
//! # The accepted subset
//!
//! Anything outside this list makes [`parse`] return [`Stop::Declined`], possibly after some
//! events were emitted (the caller discards them):
//!
//! - The text ends with a line feed. It contains no tab, carriage return, other C0 control
//!   character, DEL, byte-order mark (U+FEFF), U+0085, U+2028 or U+2029. Other non-ASCII
//!   characters are accepted anywhere a scalar's content is; columns and offsets count
//!   characters, as saphyr's do.
//! - Blank lines (possibly holding spaces) and comment lines (`#` after optional spaces) are
//!   accepted anywhere outside block scalars; a comment after a value needs a space before
//!   its `#`.
//! - A stream of one or more documents, each a block mapping or block sequence starting at
//!   column 0. Documents are separated by lines that are exactly `---`; a `---` line may also
//!   open the first document. No `...`, no directives (`%`), no empty document.
//! - Block mappings whose keys are plain words (`[A-Za-z0-9_][A-Za-z0-9_.-]*`, at most 512
//!   bytes) written right before `:`, followed by a space or the end of the line.
//! - Block sequences whose items are `- ` followed on the same line by a value or by the first
//!   `key: ...` entry of a nested block mapping. No empty item (`-` alone) and no sequence
//!   at the same indentation as its parent mapping's key (`key:` / `- x` in the same column).
//! - Every line of a collection starts at exactly that collection's column; a nested
//!   collection after `key:` (and a comment) is indented more than the key.
//! - Values on the key's (or the `- `'s) line:
//!   - a single-line plain scalar that does not start with an indicator character
//!     (`[ ] { } , # & * ! | > ' " % @` and backquote, `?`, `:`, or `-` followed by a space)
//!     and contains no `: ` and no trailing `:` (a ` #` starts a comment);
//!   - a single-line single-quoted scalar (with `''`), or a single-line double-quoted scalar
//!     with any of YAML's escapes except an escaped line break;
//!   - a single-line flow sequence of such quoted scalars and of plain scalars that start
//!     with no indicator and contain none of `[ ] { } ,`, no `:` before a space, a flow
//!     character or the end of the line, and no ` #`, ` -` before a flow character (no empty
//!     entries, no trailing comma, no nested collections; `[]` is accepted);
//!   - a literal (`|`) or folded (`>`) block scalar with any chomping and indentation
//!     indicator, and at least one content line at the scalar's indentation.
//! - Nothing after `key:`, when the next content line is not more indented than the key: the
//!   value is empty (null), as in saphyr.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

/// Why [`parse`] stopped before the end of the text.
#[derive(Debug)]
pub enum Stop<E> {
    /// The text is outside the accepted subset: parse it with saphyr instead.
    Declined,
    /// The sink refused an event, with this error.
    Sink(E),
}

type Step<E> = Result<(), Stop<E>>;

/// Feed the events of `text` to `sink`, as saphyr's parser would, when `text` is in the
/// accepted subset (see the module documentation). Returns `Err(Stop::Declined)` otherwise,
/// possibly after some events: the caller must then discard whatever the events built.
pub fn parse<'a, E>(
    text: &'a str,
    sink: impl FnMut(Event<'a>, Span) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    if !text.ends_with('\n') || !allowed_characters(text) {
        return Err(Stop::Declined);
    }
    let mut fast = Fast {
        text,
        b: text.as_bytes(),
        ascii: text.is_ascii(),
        pos: 0,
        ls: 0,
        line: 1,
        ls_char: 0,
        stack: Vec::new(),
        pending: None,
        sink,
    };
    fast.run()
}

/// No byte or character that saphyr treats specially and this module does not handle.
fn allowed_characters(text: &str) -> bool {
    // Branch-free over chunks, so that it vectorizes: `all` stops at the first bad byte and
    // does not.
    let controls_free = text.as_bytes().chunks(64).all(|chunk| {
        !chunk.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20) & (b != b'\n')) | (b == 0x7F)
        })
    });
    controls_free
        && (text.is_ascii() || !text.contains(['\u{FEFF}', '\u{85}', '\u{2028}', '\u{2029}']))
}

#[derive(Clone, Copy)]
struct Block {
    indent: usize,
    seq: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

struct Fast<'a, F> {
    text: &'a str,
    b: &'a [u8],
    ascii: bool,
    /// Byte offset of the next thing to read.
    pos: usize,
    /// Byte offset where the current line starts.
    ls: usize,
    /// The current line (1-based).
    line: usize,
    /// Character offset where the current line starts.
    ls_char: usize,
    /// Open block collections, outermost first.
    stack: Vec<Block>,
    /// After `key:` with nothing on its line: the mapping's indentation and the `:`.
    pending: Option<(usize, Marker)>,
    sink: F,
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Characters that may not start a plain scalar here (saphyr reads them as indicators or
/// refuses them; `-`, `?` and `:` are plain starts in some cases, which are declined too).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'[' | b']'
            | b'{'
            | b'}'
            | b','
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
    )
}

impl<'a, E, F> Fast<'a, F>
where
    F: FnMut(Event<'a>, Span) -> Result<(), E>,
{
    fn emit(&mut self, event: Event<'a>, span: Span) -> Step<E> {
        (self.sink)(event, span).map_err(Stop::Sink)
    }

    /// The marker of byte offset `p` on the current line.
    fn mark(&self, p: usize) -> Marker {
        let col = if self.ascii {
            p - self.ls
        } else {
            char_count(&self.b[self.ls..p])
        };
        Marker::new(self.ls_char + col, self.line, col)
    }

    /// The offset of the line feed ending the line that holds `p`.
    fn eol(&self, p: usize) -> usize {
        // The text ends with a line feed, so there is one.
        p + self.b[p..].iter().position(|&c| c == b'\n').unwrap_or(0)
    }

    /// Move to the line after the line feed at `le`.
    fn next_line(&mut self, le: usize) {
        let next = le + 1;
        self.ls_char += if self.ascii {
            next - self.ls
        } else {
            char_count(&self.b[self.ls..next])
        };
        self.ls = next;
        self.line += 1;
        self.pos = next;
    }

    /// From `pos` (at a line's start or within its indentation), skip spaces, blank lines and
    /// comment lines. Whether there is content (at `pos`) before the end of the text.
    fn skip_to_content(&mut self) -> bool {
        while self.pos < self.b.len() {
            let mut p = self.pos;
            while self.b[p] == b' ' {
                p += 1;
            }
            match self.b[p] {
                b'\n' => self.next_line(p),
                b'#' => {
                    let le = self.eol(p);
                    self.next_line(le);
                }
                _ => {
                    self.pos = p;
                    return true;
                }
            }
        }
        false
    }

    fn run(&mut self) -> Step<E> {
        let start = self.mark(0);
        self.emit(Event::StreamStart, Span::empty(start))?;
        let mut doc_open = false;
        let mut root_opened = false;
        loop {
            let content = self.skip_to_content();
            let p = self.pos;
            let col = p - self.ls;
            let mut doc_marker = false;
            if content && col == 0 {
                let rest = &self.b[p..];
                if rest.starts_with(b"---\n") {
                    doc_marker = true;
                } else if (rest.starts_with(b"---") || rest.starts_with(b"..."))
                    && matches!(rest.get(3), Some(b' ' | b'\n'))
                {
                    return Err(Stop::Declined);
                }
            }
            if !content || doc_marker {
                let m = self.mark(p);
                self.empty_value()?;
                self.close_blocks(0, m, true)?;
                if doc_open {
                    if !root_opened {
                        return Err(Stop::Declined);
                    }
                    self.emit(Event::DocumentEnd, Span::empty(m))?;
                }
                if !content {
                    return self.emit(Event::StreamEnd, Span::empty(m));
                }
                let end = self.mark(p + 3);
                self.emit(Event::DocumentStart(true), Span::new(m, end))?;
                doc_open = true;
                root_opened = false;
                self.next_line(p + 3);
                continue;
            }
            if !doc_open {
                self.emit(Event::DocumentStart(false), Span::empty(self.mark(p)))?;
                doc_open = true;
            }
            if let Some((parent, _)) = self.pending {
                if col > parent {
                    self.pending = None;
                    self.open(p, col)?;
                    continue;
                }
                let top_is_map = self.stack.last().is_some_and(|b| !b.seq);
                if col == parent && top_is_map && self.b[p] == b'-' {
                    // `key:` then `- item` in the key's column: declined.
                    return Err(Stop::Declined);
                }
                self.empty_value()?;
            }
            if self.stack.is_empty() {
                if root_opened || col != 0 {
                    return Err(Stop::Declined);
                }
                root_opened = true;
                self.open(p, col)?;
                continue;
            }
            let m = self.mark(p);
            self.close_blocks(col, m, false)?;
            match self.stack.last() {
                Some(top) if top.indent == col => self.entry(p)?,
                _ => return Err(Stop::Declined),
            }
        }
    }

    /// The empty value of a pending `key:`, if any: saphyr gives it the `:`'s position.
    fn empty_value(&mut self) -> Step<E> {
        if let Some((_, colon)) = self.pending.take() {
            self.emit(
                Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                Span::empty(colon),
            )?;
        }
        Ok(())
    }

    /// End the block collections indented more than `col` (all of them when `all`).
    fn close_blocks(&mut self, col: usize, m: Marker, all: bool) -> Step<E> {
        while let Some(top) = self.stack.last().copied() {
            if !all && top.indent <= col {
                break;
            }
            self.stack.pop();
            let event = if top.seq {
                Event::SequenceEnd
            } else {
                Event::MappingEnd
            };
            self.emit(event, Span::empty(m))?;
        }
        Ok(())
    }

    /// Open a block collection whose first entry starts at `p` (column `col`), and read that
    /// entry.
    fn open(&mut self, p: usize, col: usize) -> Step<E> {
        let seq = self.b[p] == b'-' && matches!(self.b[p + 1], b' ' | b'\n');
        let span = Span::empty(self.mark(p));
        self.stack.push(Block { indent: col, seq });
        let event = if seq {
            Event::SequenceStart(0, None)
        } else {
            Event::MappingStart(0, None)
        };
        self.emit(event, span)?;
        self.entry(p)
    }

    /// Read the entry starting at `p` of the innermost collection.
    fn entry(&mut self, p: usize) -> Step<E> {
        let Some(top) = self.stack.last().copied() else {
            return Err(Stop::Declined);
        };
        if !top.seq {
            return self.map_entry(p, top.indent);
        }
        if self.b[p] != b'-' || self.b[p + 1] != b' ' {
            return Err(Stop::Declined);
        }
        let mut q = p + 1;
        while self.b[q] == b' ' {
            q += 1;
        }
        if matches!(self.b[q], b'\n' | b'#') {
            return Err(Stop::Declined);
        }
        if self.key_end(q).is_some() {
            // `- key: ...` opens a mapping at the key's column (the prefix is ASCII).
            let indent = q - self.ls;
            let span = Span::empty(self.mark(q));
            self.stack.push(Block { indent, seq: false });
            self.emit(Event::MappingStart(0, None), span)?;
            return self.map_entry(q, indent);
        }
        self.value(q, top.indent)
    }

    /// Where the `:` of a key starting at `p` is, when the line starts with `key:` followed
    /// by a space or the end of the line.
    fn key_end(&self, p: usize) -> Option<usize> {
        if !is_key_start(self.b[p]) {
            return None;
        }
        let len = self.b[p..]
            .iter()
            .take(513)
            .position(|&c| !is_key_char(c))?;
        let colon = p + len;
        (len <= 512 && self.b[colon] == b':' && matches!(self.b[colon + 1], b' ' | b'\n'))
            .then_some(colon)
    }

    /// A `key: value` entry of the mapping at column `indent`, its key starting at `p`.
    fn map_entry(&mut self, p: usize, indent: usize) -> Step<E> {
        let Some(colon) = self.key_end(p) else {
            return Err(Stop::Declined);
        };
        let span = Span::new(self.mark(p), self.mark(colon));
        self.emit(
            Event::Scalar(
                Cow::Borrowed(&self.text[p..colon]),
                ScalarStyle::Plain,
                0,
                None,
            ),
            span,
        )?;
        let mut q = colon + 1;
        while self.b[q] == b' ' {
            q += 1;
        }
        match self.b[q] {
            b'\n' => {
                self.pending = Some((indent, self.mark(colon)));
                self.next_line(q);
                Ok(())
            }
            b'#' => {
                self.pending = Some((indent, self.mark(colon)));
                let le = self.eol(q);
                self.next_line(le);
                Ok(())
            }
            _ => self.value(q, indent),
        }
    }

    /// The value starting at `q` on the current line, in a collection at column `parent`;
    /// leaves `pos` at the next thing to read.
    fn value(&mut self, q: usize, parent: usize) -> Step<E> {
        match self.b[q] {
            b'"' | b'\'' => {
                let (value, close) = self.quoted(q)?;
                let end = self.after_value(close + 1)?;
                let style = if self.b[q] == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let span = Span::new(self.mark(q), self.mark(end));
                self.emit(Event::Scalar(value, style, 0, None), span)?;
                self.next_line(self.eol(end));
                Ok(())
            }
            b'[' => self.flow_sequence(q),
            b'|' | b'>' => self.block_scalar(q, parent),
            b'-' if matches!(self.b[q + 1], b' ' | b'\n') => Err(Stop::Declined),
            c if is_indicator(c) => Err(Stop::Declined),
            _ => self.plain(q),
        }
    }

    /// After a quoted scalar or a flow sequence ending before `r`: saphyr's span runs on over
    /// spaces and a comment to the end of the line, and nothing else may follow.
    fn after_value(&self, r: usize) -> Result<usize, Stop<E>> {
        let mut s = r;
        while self.b[s] == b' ' {
            s += 1;
        }
        match self.b[s] {
            b'\n' => Ok(s),
            b'#' if s > r => Ok(self.eol(s)),
            _ => Err(Stop::Declined),
        }
    }

    /// A single-line plain scalar in block context starting at `q`; the rest of the line
    /// may only be a comment.
    fn plain(&mut self, q: usize) -> Step<E> {
        let b = self.b;
        let mut i = q;
        let mut end = q;
        loop {
            match b[i] {
                b'\n' => break,
                b':' if matches!(b[i + 1], b' ' | b'\n') => return Err(Stop::Declined),
                b'#' if b[i - 1] == b' ' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        let span = Span::new(self.mark(q), self.mark(end));
        self.emit(
            Event::Scalar(
                Cow::Borrowed(&self.text[q..end]),
                ScalarStyle::Plain,
                0,
                None,
            ),
            span,
        )?;
        self.next_line(self.eol(i));
        Ok(())
    }

    /// A single-line quoted scalar whose opening quote is at `q`: its value and the offset of
    /// its closing quote.
    fn quoted(&self, q: usize) -> Result<(Cow<'a, str>, usize), Stop<E>> {
        let b = self.b;
        let text = self.text;
        let double = b[q] == b'"';
        let quote = b[q];
        let mut owned: Option<String> = None;
        let mut run = q + 1;
        let mut i = q + 1;
        loop {
            let c = b[i];
            if c == b'\n' {
                return Err(Stop::Declined);
            }
            if !double && c == b'\'' && b[i + 1] == b'\'' {
                let s = owned.get_or_insert_with(String::new);
                s.push_str(&text[run..=i]);
                i += 2;
                run = i;
                continue;
            }
            if c == quote {
                break;
            }
            if double && c == b'\\' {
                let s = owned.get_or_insert_with(String::new);
                s.push_str(&text[run..i]);
                let (ch, len) = escape(&b[i + 1..]).ok_or(Stop::Declined)?;
                s.push(ch);
                i += 1 + len;
                run = i;
                continue;
            }
            i += 1;
        }
        let value = match owned {
            None => Cow::Borrowed(&text[q + 1..i]),
            Some(mut s) => {
                s.push_str(&text[run..i]);
                Cow::Owned(s)
            }
        };
        Ok((value, i))
    }

    /// A single-line flow sequence whose `[` is at `q`.
    fn flow_sequence(&mut self, q: usize) -> Step<E> {
        let b = self.b;
        let span = Span::empty(self.mark(q));
        self.emit(Event::SequenceStart(0, None), span)?;
        let mut i = q + 1;
        while b[i] == b' ' {
            i += 1;
        }
        if b[i] != b']' {
            loop {
                // An entry.
                match b[i] {
                    b'"' | b'\'' => {
                        let (value, close) = self.quoted(i)?;
                        let mut j = close + 1;
                        while b[j] == b' ' {
                            j += 1;
                        }
                        let style = if b[i] == b'"' {
                            ScalarStyle::DoubleQuoted
                        } else {
                            ScalarStyle::SingleQuoted
                        };
                        let span = Span::new(self.mark(i), self.mark(j));
                        self.emit(Event::Scalar(value, style, 0, None), span)?;
                        i = j;
                    }
                    c if c == b'-' || c == b'\n' || c == b' ' || is_indicator(c) => {
                        return Err(Stop::Declined);
                    }
                    _ => {
                        let mut k = i;
                        let mut end = i;
                        loop {
                            let c = b[k];
                            match c {
                                b'\n' => return Err(Stop::Declined),
                                b',' | b']' | b'[' | b'{' | b'}' => break,
                                b':' if matches!(b[k + 1], b' ' | b'\n') || is_flow(b[k + 1]) => {
                                    return Err(Stop::Declined);
                                }
                                b'#' if b[k - 1] == b' ' => return Err(Stop::Declined),
                                b'-' if b[k - 1] == b' ' && is_flow(b[k + 1]) => {
                                    return Err(Stop::Declined);
                                }
                                b' ' => {}
                                _ => end = k + 1,
                            }
                            k += 1;
                        }
                        let span = Span::new(self.mark(i), self.mark(end));
                        self.emit(
                            Event::Scalar(
                                Cow::Borrowed(&self.text[i..end]),
                                ScalarStyle::Plain,
                                0,
                                None,
                            ),
                            span,
                        )?;
                        i = k;
                    }
                }
                // After an entry: `,` and the next entry, or `]`.
                match b[i] {
                    b',' => {
                        i += 1;
                        while b[i] == b' ' {
                            i += 1;
                        }
                        if matches!(b[i], b']' | b',' | b'#' | b'\n') {
                            return Err(Stop::Declined);
                        }
                    }
                    b']' => break,
                    _ => return Err(Stop::Declined),
                }
            }
        }
        let end = self.after_value(i + 1)?;
        let span = Span::new(self.mark(i), self.mark(end));
        self.emit(Event::SequenceEnd, span)?;
        self.next_line(self.eol(end));
        Ok(())
    }

    /// A block scalar whose `|` or `>` is at `q`, in a collection at column `parent`. A port
    /// of saphyr's `scan_block_scalar` for lines without tabs and carriage returns, declining
    /// where it would give an empty scalar or an error.
    fn block_scalar(&mut self, q: usize, parent: usize) -> Step<E> {
        let b = self.b;
        let literal = b[q] == b'|';
        let mut chomping = Chomping::Clip;
        let mut increment = 0;
        let mut i = q + 1;
        let chomp = |c: u8| match c {
            b'+' => Some(Chomping::Keep),
            b'-' => Some(Chomping::Strip),
            _ => None,
        };
        if let Some(c) = chomp(b[i]) {
            chomping = c;
            i += 1;
            if b[i].is_ascii_digit() {
                increment = usize::from(b[i] - b'0');
                i += 1;
            }
        } else if b[i].is_ascii_digit() {
            increment = usize::from(b[i] - b'0');
            i += 1;
            if let Some(c) = chomp(b[i]) {
                chomping = c;
                i += 1;
            }
        }
        if b[q + 1..i].contains(&b'0') {
            return Err(Stop::Declined);
        }
        let mut s = i;
        while b[s] == b' ' {
            s += 1;
        }
        if b[s] == b'#' && s > i {
            s = self.eol(s);
        }
        if b[s] != b'\n' {
            return Err(Stop::Declined);
        }
        self.next_line(s);

        let mut breaks = 0usize;
        let indent = if increment > 0 {
            self.skip_block_indent(parent + increment, &mut breaks);
            parent + increment
        } else {
            let mut max_indent = 0;
            while self.pos < b.len() {
                let mut p = self.pos;
                while b[p] == b' ' {
                    p += 1;
                }
                max_indent = max_indent.max(p - self.ls);
                if b[p] == b'\n' {
                    breaks += 1;
                    self.next_line(p);
                } else {
                    self.pos = p;
                    break;
                }
            }
            max_indent.max(parent + 1)
        };
        if self.pos >= b.len() || self.pos - self.ls < indent {
            return Err(Stop::Declined);
        }

        let start = self.mark(self.pos);
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.pos < b.len() && self.pos - self.ls == indent && b[self.pos] != b'\n' {
            let trailing_blank = b[self.pos] == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if breaks == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            push_breaks(&mut out, breaks);
            breaks = 0;
            leading_blank = trailing_blank;
            let le = self.eol(self.pos);
            out.push_str(&self.text[self.pos..le]);
            leading_break = true;
            self.next_line(le);
            self.skip_block_indent(indent, &mut breaks);
        }
        if chomping != Chomping::Strip && leading_break {
            out.push('\n');
        }
        if chomping == Chomping::Keep {
            push_breaks(&mut out, breaks);
        }
        let end = self.mark(self.pos);
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.emit(
            Event::Scalar(Cow::Owned(out), style, 0, None),
            Span::new(start, end),
        )
    }

    /// saphyr's `skip_block_scalar_indent`: skip up to `indent` spaces and empty lines,
    /// counting the line breaks.
    fn skip_block_indent(&mut self, indent: usize, breaks: &mut usize) {
        while self.pos < self.b.len() {
            let mut p = self.pos;
            while p - self.ls < indent && self.b[p] == b' ' {
                p += 1;
            }
            if self.b[p] == b'\n' {
                *breaks += 1;
                self.next_line(p);
            } else {
                self.pos = p;
                return;
            }
        }
    }
}

fn push_breaks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\n');
    }
}

/// Characters in UTF-8 `bytes` (which start and end on character boundaries).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The character a double-quoted escape stands for, `rest` following the backslash, and
/// how many bytes after the backslash it takes. `None` for an escaped line break and for
/// what saphyr refuses.
fn escape(rest: &[u8]) -> Option<(char, usize)> {
    let simple = match rest.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\x0d',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{A0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match rest[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = rest.get(1..=digits)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            return Some((ch, 1 + digits));
        }
        _ => return None,
    };
    Some((simple, 1))
}
