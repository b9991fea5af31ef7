//! Reading: bytes on disk → YAML documents whose every node knows its line and column.
//!
//! We drive saphyr's event parser (`saphyr-parser`, the parser half of the saphyr YAML 1.2
//! project) and build our own small tree instead of loading saphyr's `MarkedYaml`. Owning the
//! tree-building loop is what lets us report, with positions, the things a catalogue check
//! needs: both places of a duplicate key, nesting that is too deep (refused before any
//! recursion could overflow the stack), alias expansion past a node budget ("billion
//! laughs"), oversized values, and characters that XML 1.0 cannot carry. The loop keeps an
//! explicit stack, so no input can make it recurse.
//!
//! Plain scalars are resolved with the YAML 1.2 core schema (so `yes` stays text and
//! `1957` is an integer); quoted and block scalars are always text.
//!
//! Beside the tree: [`fast_yaml`] (the front end for the common record shape, the same tree
//! faster), [`stream_index`] (the documents of a `---` stream), [`contain`] (which files of a
//! catalogue may be read: the walk, links that lead outside, special files), [`file_list`]
//! (a million paths in one buffer) and [`byte_scan`].

pub mod byte_scan;
pub mod contain;
pub mod fast_yaml;
pub mod file_list;
pub mod stream_index;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span as YamlSpan};

use crate::diagnostics::{Code, Finding, Location};

/// A node's place in its file: where it starts and where it ends (exclusive).
///
/// Every node of a tree carries one, so its size is most of a tree's memory for a long list
/// of short values (issue #24): columns and character offsets are held in 32 bits and lines
/// in a machine word, 32 bytes in all (two [`Location`]s and two `usize` took 48). Columns and
/// character offsets count within one parsed text, which [`parse`] refuses above
/// [`MAX_TEXT_BYTES`] (4 GiB − 1; a file or document is refused far below that, at
/// `--max-file-bytes`, 256 MiB by default), so they always fit. Lines stay a word wide:
/// [`Span::shift_lines`] moves a document of a stream down by the lines
/// before it, and a stream on standard input has no length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    start_line: usize,
    end_line: usize,
    start_col: u32,
    end_col: u32,
    start_char: u32,
    end_char: u32,
}

/// The longest text [`parse`] reads, in bytes: every column and character offset of a
/// [`Span`] fits in 32 bits below it.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// A column or character offset of a text of at most [`MAX_TEXT_BYTES`] bytes, which
/// [`parse`] has checked: a larger value cannot occur (saturated rather than wrapped, were it
/// ever to).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Span {
    fn from_yaml(span: YamlSpan) -> Self {
        let mut s = Span::default();
        s.set_start(&span.start);
        s.set_end(&span.end);
        s
    }

    fn set_start(&mut self, m: &Marker) {
        let at = location(m);
        self.start_line = at.line;
        self.start_col = narrow(at.col);
        self.start_char = narrow(m.index());
    }

    fn set_end(&mut self, m: &Marker) {
        let at = location(m);
        self.end_line = at.line;
        self.end_col = narrow(at.col);
        self.end_char = narrow(m.index());
    }

    /// Where the node starts (line from 1, column from 1).
    pub fn start(&self) -> Location {
        Location {
            line: self.start_line,
            col: self.start_col as usize,
        }
    }

    /// Where the node ends (exclusive).
    pub fn end(&self) -> Location {
        Location {
            line: self.end_line,
            col: self.end_col as usize,
        }
    }

    /// The character offset of the start in the decoded text.
    pub fn start_char(&self) -> usize {
        self.start_char as usize
    }

    /// The character offset of the end (exclusive) in the decoded text.
    pub fn end_char(&self) -> usize {
        self.end_char as usize
    }

    /// Move the span down by `lines` lines (a document of a stream, after the lines before
    /// it).
    pub fn shift_lines(&mut self, lines: usize) {
        self.start_line += lines;
        self.end_line += lines;
    }
}

fn location(m: &Marker) -> Location {
    Location {
        line: m.line(),
        col: m.col() + 1,
    }
}

/// A YAML value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// The value of a node, after core-schema resolution of plain scalars.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// Lists and mappings are boxed slices, not `Vec`s, so that a `Value` is 24 bytes (the
    /// `String`'s niche holds the tag), not 32: a long list of short values is mostly nodes
    /// (issue #24). A finished list or mapping never grows.
    Seq(Box<[Node]>),
    /// Entries in document order; keys are unique (duplicates are refused while reading).
    Map(Box<[(Node, Node)]>),
}

impl Value {
    /// What a cataloguer would call this kind of value, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing (an empty value)",
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping of fields",
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value for `key` in a mapping node, with the key's node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node for `key` in a mapping node.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The items of a sequence node (empty for any other node).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Safety limits for reading untrusted files.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Longest single value, in bytes.
    pub max_scalar_bytes: usize,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes that aliases may expand to in one file.
    pub max_alias_nodes: usize,
    /// Most bytes of text that aliases may expand to in one file (an alias of one long
    /// value repeated many times is a "billion laughs" too).
    pub max_alias_bytes: usize,
}

/// The deepest nesting [`parse`] ever builds, whatever [`Limits::max_depth`] says. Trees are
/// cloned, dropped, validated and converted to JSON by recursive code; this cap keeps every
/// one of those recursions far from the stack's end.
pub const HARD_MAX_DEPTH: usize = 128;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_scalar_bytes: 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 10_000,
            max_alias_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The bytes of the file at `path`, or `None` when it holds more than `limit` bytes.
///
/// A catalogue's files are small and read once or twice each by a run over a million of
/// them, so the system calls count: a small file is read with `open`, two `read`s and
/// `close`, without the `statx` that `std::fs::read` makes to size its buffer (and without
/// a separate one to check the limit). Only a file that fills the first 64 KiB is measured.
pub fn read_within(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    // Without blocking: a FIFO swapped in for a checked file reads as empty.
    read_within_file(&crate::read::contain::open(path)?, limit)
}

/// [`read_within`] for a file already open.
pub fn read_within_file(file: &std::fs::File, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    const FIRST: u64 = 64 * 1024;
    let mut bytes = Vec::with_capacity(8 * 1024);
    file.take(FIRST.min(limit + 1)).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < FIRST.min(limit + 1) {
        return Ok(Some(bytes));
    }
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(None);
    }
    bytes.reserve(
        usize::try_from(size)
            .unwrap_or(0)
            .saturating_sub(bytes.len()),
    );
    file.take(limit + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Decode a file's bytes as UTF-8, accepting and dropping a UTF-8 byte-order mark.
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Finding> {
    const BOMS: &[(&[u8], &str)] = &[
        (&[0x00, 0x00, 0xFE, 0xFF], "UTF-32 (big-endian)"),
        (&[0xFF, 0xFE, 0x00, 0x00], "UTF-32 (little-endian)"),
        (&[0xFE, 0xFF], "UTF-16 (big-endian)"),
        (&[0xFF, 0xFE], "UTF-16 (little-endian)"),
    ];
    for (bom, name) in BOMS {
        if bytes.starts_with(bom) {
            return Err(Finding::new(
                Code::Encoding,
                path,
                None,
                format!("the file is encoded as {name}; records must be UTF-8"),
            )
            .with_help("save the file as UTF-8 (in most editors: Save As, encoding UTF-8)"));
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8 by construction.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        Finding::new(
            Code::Encoding,
            path,
            Some(Location { line, col }),
            format!("byte 0x{byte:02X} is not valid UTF-8; records must be UTF-8 text"),
        )
        .with_help(
            "the file was probably saved in another encoding (Latin-1, Windows-1252): \
             save it as UTF-8 and check the characters on this line",
        )
    })
}

/// Parse YAML text into its documents. The first problem ends the file: later positions
/// cannot be trusted after a syntax error.
///
/// Most records are read by the fast front end ([`crate::read::fast_yaml`]); a file it declines,
/// and a file whose tree it builds but the checks refuse, is read again by saphyr, whose
/// result is the one returned. Both give the same tree for every file the fast front end
/// accepts.
pub fn parse(path: &Path, text: &str, limits: &Limits) -> Result<Vec<Node>, Finding> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(too_long_text(path, text.len()));
    }
    if let Some(Ok(docs)) = parse_fast(path, text, limits) {
        return Ok(docs);
    }
    parse_saphyr(path, text, limits)
}

/// [`parse`] with the fast front end only: `None` when it declines the text. For the
/// differential tests; [`parse`] is the reader.
pub fn parse_fast(path: &Path, text: &str, limits: &Limits) -> Option<Result<Vec<Node>, Finding>> {
    if text.len() > MAX_TEXT_BYTES {
        return Some(Err(too_long_text(path, text.len())));
    }
    let mut builder = Builder::new(path, limits);
    match crate::read::fast_yaml::parse(text, |event, span| builder.on_event(event, span)) {
        Ok(()) => Some(Ok(builder.docs)),
        Err(crate::read::fast_yaml::Stop::Sink(finding)) => Some(Err(finding)),
        Err(crate::read::fast_yaml::Stop::Declined) => None,
    }
}

/// [`parse`] with saphyr's parser only. For the differential tests; [`parse`] is the reader.
pub fn parse_saphyr(path: &Path, text: &str, limits: &Limits) -> Result<Vec<Node>, Finding> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(too_long_text(path, text.len()));
    }
    let mut builder = Builder::new(path, limits);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => builder.on_event(event, span)?,
            Err(e) => return Err(syntax_error(path, text, &e)),
        }
    }
    Ok(builder.docs)
}

/// A text past [`MAX_TEXT_BYTES`]: refused, since its positions would not fit a [`Span`].
/// Only reached with `--max-file-bytes` raised above 4 GiB.
fn too_long_text(path: &Path, len: usize) -> Finding {
    Finding::new(
        Code::Limit,
        path,
        None,
        format!("the file is {len} bytes, more than the {MAX_TEXT_BYTES} bytes a file can hold"),
    )
    .with_help("split the file")
}

fn syntax_error(path: &Path, text: &str, e: &ScanError) -> Finding {
    let info = e.info();
    let at = Some(location(e.marker()));
    // saphyr's scanner stops at 255 levels of `[` / `{` (it looks ahead, so this can come
    // before our own depth check sees the 65th level): a limit, not a syntax error.
    if info.contains("recursion limit exceeded") {
        return Finding::new(
            Code::Limit,
            path,
            at,
            "`[` and `{` are nested more than 255 levels deep here (records allow 64)".into(),
        )
        .with_help("a record needs at most three levels: check the brackets");
    }
    // A raw control character the YAML scanner refuses (NUL and the like).
    if info.contains("unprintable character") {
        let found = text
            .chars()
            .nth(e.marker().index())
            .map_or(String::new(), |c| format!(" U+{:04X}", c as u32));
        return Finding::new(
            Code::ForbiddenCharacter,
            path,
            at,
            format!(
                "this line holds the control character{found}, which YAML and XML 1.0 \
                 cannot carry"
            ),
        )
        .with_help("delete the character; it is usually a stray control code pasted in");
    }
    let help = if info.contains("mapping values are not allowed") {
        "a value that contains `: ` must be put in quotes, e.g. title: \"Cable: the reply\""
    } else if info.contains("tab") {
        "YAML indents with spaces only: replace the tab characters with spaces"
    } else if info.contains("did not find expected") || info.contains("while parsing") {
        "check the indentation of this line against the lines above it, and that every \
         quote, `[` and `{` is closed"
    } else {
        "check the line for unbalanced quotes or brackets and for indentation that does not \
         line up; quote values that start with a special character (`[ { * & ! | > ' \" % @`)"
    };
    Finding::new(
        Code::YamlSyntax,
        path,
        at,
        format!("this is not valid YAML: {info}"),
    )
    .with_help(help)
}

enum Frame {
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        span: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// The keys so far and where they are, once the mapping has [`SMALL_MAP`] of them
        /// (a smaller one is searched through its entries).
        seen: Option<HashMap<String, Location>>,
    },
}

/// Up to this many keys, a new key is compared with every earlier one to find a duplicate
/// (a record's mappings hold a dozen keys: cheaper than hashing each one into a map); past
/// it, the mapping gets an index, so that a mapping of a million keys costs no more than
/// that.
const SMALL_MAP: usize = 16;

struct Builder<'p> {
    path: &'p Path,
    limits: &'p Limits,
    docs: Vec<Node>,
    stack: Vec<Frame>,
    /// Anchored nodes with their size in nodes, in bytes of text, and their depth.
    anchors: HashMap<usize, (Node, Cost)>,
    alias_nodes: usize,
    alias_bytes: usize,
}

/// What repeating a node through an alias costs.
#[derive(Clone, Copy)]
struct Cost {
    nodes: usize,
    bytes: usize,
    depth: usize,
}

impl<'p> Builder<'p> {
    fn new(path: &'p Path, limits: &'p Limits) -> Self {
        Builder {
            path,
            limits,
            docs: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            alias_bytes: 0,
        }
    }

    fn on_event(&mut self, event: Event<'_>, yspan: YamlSpan) -> Result<(), Finding> {
        let span = Span::from_yaml(yspan);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let node = self.scalar(text, style, is_str_tag, span)?;
                self.finish(node, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Seq {
                    span,
                    anchor,
                    items: Vec::new(),
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(span)?;
                // A record's own mapping holds a dozen fields: room for them from the start
                // saves growing it (and moving its entries) twice per record.
                let capacity = if self.stack.is_empty() { 16 } else { 0 };
                self.stack.push(Frame::Map {
                    span,
                    anchor,
                    entries: Vec::with_capacity(capacity),
                    key: None,
                    seen: None,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        mut span,
                        anchor,
                        items,
                    }) => {
                        span.set_end(&yspan.end);
                        (
                            Node {
                                span,
                                value: Value::Seq(items.into_boxed_slice()),
                            },
                            anchor,
                        )
                    }
                    Some(Frame::Map {
                        mut span,
                        anchor,
                        entries,
                        ..
                    }) => {
                        span.set_end(&yspan.end);
                        (
                            Node {
                                span,
                                value: Value::Map(entries.into_boxed_slice()),
                            },
                            anchor,
                        )
                    }
                    None => return Ok(()),
                };
                self.finish(node, anchor)
            }
            Event::Alias(id) => {
                let Some((node, cost)) = self.anchors.get(&id) else {
                    return Err(Finding::new(
                        Code::YamlSyntax,
                        self.path,
                        Some(span.start()),
                        "this alias refers to an anchor that is not defined before it".into(),
                    )
                    .with_help("define the anchor (`&name`) before using it (`*name`)"));
                };
                let cost = *cost;
                if self.stack.len() + cost.depth > self.max_depth() {
                    return Err(self.too_deep(span));
                }
                self.alias_nodes = self.alias_nodes.saturating_add(cost.nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(cost.bytes);
                if self.alias_nodes > self.limits.max_alias_nodes
                    || self.alias_bytes > self.limits.max_alias_bytes
                {
                    let what = if self.alias_nodes > self.limits.max_alias_nodes {
                        format!("more than {} values", self.limits.max_alias_nodes)
                    } else {
                        format!("more than {} bytes of text", self.limits.max_alias_bytes)
                    };
                    return Err(Finding::new(
                        Code::Limit,
                        self.path,
                        Some(span.start()),
                        format!("aliases in this file expand to {what}"),
                    )
                    .with_help(
                        "write the values out instead of repeating them through aliases; \
                         nested aliases multiply (\"billion laughs\")",
                    ));
                }
                let mut node = node.clone();
                node.span = span;
                self.finish(node, 0)
            }
            Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing => Ok(()),
        }
    }

    /// The depth limit in force: the configured one, never above [`HARD_MAX_DEPTH`].
    fn max_depth(&self) -> usize {
        self.limits.max_depth.min(HARD_MAX_DEPTH)
    }

    fn check_depth(&self, span: Span) -> Result<(), Finding> {
        if self.stack.len() >= self.max_depth() {
            return Err(self.too_deep(span));
        }
        Ok(())
    }

    fn too_deep(&self, span: Span) -> Finding {
        Finding::new(
            Code::Limit,
            self.path,
            Some(span.start()),
            format!(
                "lists and mappings are nested more than {} levels deep here",
                self.max_depth()
            ),
        )
        .with_help("a record needs at most three levels: check the indentation")
    }

    fn scalar(
        &self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        forced_str: bool,
        span: Span,
    ) -> Result<Node, Finding> {
        if text.len() > self.limits.max_scalar_bytes {
            return Err(Finding::new(
                Code::Limit,
                self.path,
                Some(span.start()),
                format!(
                    "this value is {} bytes long, more than the limit of {} bytes",
                    text.len(),
                    self.limits.max_scalar_bytes
                ),
            )
            .with_help("shorten the value, or raise the limit with --max-value-bytes"));
        }
        if let Some((i, c)) = first_xml_forbidden(&text) {
            return Err(Finding::new(
                Code::ForbiddenCharacter,
                self.path,
                Some(span.start()),
                format!(
                    "this value holds the character U+{:04X} at position {}, which XML 1.0 \
                     (and so Dublin Core) cannot carry",
                    c as u32,
                    i + 1
                ),
            )
            .with_help("delete the character; it is usually a stray control code pasted in"));
        }
        let value = if style == ScalarStyle::Plain && !forced_str {
            resolve_plain(&text)
        } else {
            Value::Str(text.into_owned())
        };
        Ok(Node { span, value })
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Finding> {
        if anchor > 0 {
            let cost = cost_of(&node);
            self.anchors.insert(anchor, (node.clone(), cost));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => {
                    let span = node.span;
                    let text = match node.value {
                        Value::Str(s) => s,
                        Value::Int(i) => i.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Null => String::new(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(Finding::new(
                                Code::YamlSyntax,
                                self.path,
                                Some(span.start()),
                                "a key must be a plain word, not a list or mapping".into(),
                            )
                            .with_help("write `field: value` with the field name as the key"));
                        }
                    };
                    if seen.is_none() && entries.len() >= SMALL_MAP {
                        *seen = Some(
                            entries
                                .iter()
                                .map(|(k, _)| {
                                    (k.as_str().unwrap_or_default().into(), k.span.start())
                                })
                                .collect(),
                        );
                    }
                    let first = match seen {
                        Some(seen) => seen.get(&text).copied(),
                        None => entries
                            .iter()
                            .find(|(k, _)| k.as_str() == Some(&text))
                            .map(|(k, _)| k.span.start()),
                    };
                    if let Some(first) = first {
                        return Err(Finding::new(
                            Code::DuplicateKey,
                            self.path,
                            Some(span.start()),
                            format!(
                                "`{text}` appears twice in this mapping (first at line {}, column {})",
                                first.line, first.col
                            ),
                        )
                        .with_help(format!(
                            "keep one `{text}` and delete the other; a field that takes several \
                             values takes them as one list, e.g. subjects: [Trade, Education]"
                        )));
                    }
                    if let Some(seen) = seen {
                        seen.insert(text.clone(), span.start());
                    }
                    *key = Some(Node {
                        span,
                        value: Value::Str(text),
                    });
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// Counted with an explicit stack: the node may be as deep as the depth limit allows.
fn cost_of(node: &Node) -> Cost {
    let mut cost = Cost {
        nodes: 0,
        bytes: 0,
        depth: 0,
    };
    let mut stack = vec![(node, 1)];
    while let Some((n, depth)) = stack.pop() {
        cost.nodes += 1;
        if matches!(n.value, Value::Seq(_) | Value::Map(_)) {
            cost.depth = cost.depth.max(depth);
        }
        match &n.value {
            Value::Str(s) => cost.bytes += s.len(),
            Value::Seq(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Map(entries) => {
                for (k, v) in entries {
                    cost.bytes += k.as_str().map_or(0, str::len);
                    stack.push((v, depth + 1));
                }
            }
            _ => {}
        }
    }
    cost
}

/// The first character of `text` that XML 1.0 forbids ([`xml_forbidden`]), with its position
/// in characters. Every value of every record is checked, so most text is passed byte by
/// byte: a forbidden character is a C0 control other than tab, newline and carriage return
/// (a byte below 0x20) or U+FFFE/U+FFFF (whose UTF-8 starts with 0xEF), and text with
/// neither byte is accepted without decoding it.
pub fn first_xml_forbidden(text: &str) -> Option<(usize, char)> {
    if !may_hold_xml_forbidden(text.as_bytes()) {
        return None;
    }
    text.chars().enumerate().find(|(_, c)| xml_forbidden(*c))
}

/// Whether `bytes` hold a C0 control other than tab, newline and carriage return, or the
/// byte 0xEF that starts U+FFFE and U+FFFF in UTF-8 (and other characters, which the caller
/// then decodes).
fn may_hold_xml_forbidden(bytes: &[u8]) -> bool {
    crate::read::byte_scan::any_byte(bytes, b' ', |b| {
        (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF)
    })
}

/// Characters XML 1.0 forbids: C0 controls other than tab, newline and carriage return,
/// and the non-characters U+FFFE and U+FFFF.
pub fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        return Value::Str(text.to_string());
    }
    if let Some(hex) = text.strip_prefix("0x")
        && !hex.is_empty()
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && !oct.is_empty()
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == s.len()
}

#[cfg(test)]
mod tests {

    /// Issue #24: a node of a long list of short values costs its `Span` and `Value`; the
    /// span was 48 bytes (two `Location`s of two `usize` and two `usize`), the value 32 (a
    /// `String` or a `Vec` and the tag), the node 80.
    #[test]
    fn a_node_is_56_bytes_a_span_32_and_a_value_24() {
        assert_eq!(std::mem::size_of::<super::Span>(), 32);
        assert_eq!(std::mem::size_of::<super::Value>(), 24);
        assert_eq!(std::mem::size_of::<super::Node>(), 56);
    }

    /// The positions a span gives back are the ones the parser reported, past 65,535 lines
    /// and columns (where a 16-bit field would wrap).
    #[test]
    fn span_positions_survive_compaction() {
        let text = format!("{}x: {}y\n", "\n".repeat(70_000), " ".repeat(70_000));
        let docs = super::parse(
            std::path::Path::new("a.yaml"),
            &text,
            &super::Limits::default(),
        )
        .unwrap();
        let (k, v) = match &docs[0].value {
            super::Value::Map(entries) => (&entries[0].0, &entries[0].1),
            other => panic!("not a mapping: {other:?}"),
        };
        assert_eq!((k.span.start().line, k.span.start().col), (70_001, 1));
        assert_eq!((v.span.start().line, v.span.start().col), (70_001, 70_004));
        assert_eq!(v.span.start_char(), 70_000 + 70_003);
        assert_eq!(v.span.end_char(), 70_000 + 70_004);
        let mut span = v.span;
        span.shift_lines(5_000_000_000);
        assert_eq!(span.start().line, 5_000_070_001);
        assert_eq!(span.end().line, 5_000_070_001);
    }

    #[test]
    fn read_within_reads_whole_files_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, len: usize| {
            let path = dir.path().join(name);
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            (path, bytes)
        };
        for (len, limit, fits) in [
            (0, 10, true),
            (10, 10, true),
            (11, 10, false),
            (1500, 1 << 20, true),
            (64 * 1024, 64 * 1024, true),
            (64 * 1024 + 1, 64 * 1024, false),
            (200_000, 1 << 20, true),
            (200_000, 199_999, false),
            (200_000, 100_000, false),
        ] {
            let (path, bytes) = write(&format!("f{len}-{limit}"), len);
            let got = read_within(&path, limit).unwrap();
            if fits {
                assert_eq!(
                    got.as_deref(),
                    Some(&bytes[..]),
                    "{len} bytes, limit {limit}"
                );
            } else {
                assert!(got.is_none(), "{len} bytes, limit {limit}");
            }
        }
        assert!(read_within(&dir.path().join("missing"), 10).is_err());
    }
    use super::*;

    fn parse_ok(text: &str) -> Vec<Node> {
        parse(Path::new("t.yaml"), text, &Limits::default()).expect("valid YAML")
    }

    fn parse_err(text: &str) -> Finding {
        parse(Path::new("t.yaml"), text, &Limits::default()).expect_err("invalid YAML")
    }

    #[test]
    fn every_value_knows_its_line_and_column() {
        let docs = parse_ok("id: a\ntitle: \"T\"\nlist:\n  - x\n  - y\n");
        let root = &docs[0];
        assert_eq!(
            root.get("title").unwrap().span.start(),
            Location { line: 2, col: 8 }
        );
        let list = root.get("list").unwrap();
        assert_eq!(list.items()[1].span.start(), Location { line: 5, col: 5 });
        let (key, _) = root.entry("list").unwrap();
        assert_eq!(key.span.start(), Location { line: 3, col: 1 });
    }

    /// YAML 1.2.2 section 10.3.2 (core schema tag resolution).
    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let docs =
            parse_ok("a: 1957\nb: yes\nc: ~\nd: true\ne: '1957'\nf: 1.5\ng: 1950-01-11\nh: 0x1F\n");
        let r = &docs[0];
        assert_eq!(r.get("a").unwrap().value, Value::Int(1957));
        assert_eq!(r.get("b").unwrap().value, Value::Str("yes".into()));
        assert_eq!(r.get("c").unwrap().value, Value::Null);
        assert_eq!(r.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(r.get("e").unwrap().value, Value::Str("1957".into()));
        assert_eq!(r.get("f").unwrap().value, Value::Float(1.5));
        assert_eq!(r.get("g").unwrap().value, Value::Str("1950-01-11".into()));
        assert_eq!(r.get("h").unwrap().value, Value::Int(31));
    }

    #[test]
    fn streams_hold_several_documents() {
        let docs = parse_ok("id: a\n---\nid: b\n---\nid: c\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[2].get("id").unwrap().span.start().line, 5);
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        let f = parse_err("id: a\ntitle: x\ntitle: y\n");
        assert_eq!(f.code, Code::DuplicateKey);
        assert_eq!(f.location, Some(Location { line: 3, col: 1 }));
        assert!(f.message.contains("line 2"), "{}", f.message);
    }

    #[test]
    fn duplicate_keys_are_found_in_small_and_large_mappings() {
        // Below and past SMALL_MAP keys, duplicates are found by different means.
        for keys in [3, SMALL_MAP - 1, SMALL_MAP, SMALL_MAP + 1, 40] {
            let mut text: String = (1..=keys).map(|i| format!("k{i}: v\n")).collect();
            assert_eq!(parse_ok(&text).len(), 1);
            for repeated in [1, keys] {
                let with = format!("{text}k{repeated}: again\n");
                let f = parse_err(&with);
                assert_eq!(f.code, Code::DuplicateKey, "{keys} keys");
                assert_eq!(
                    f.location,
                    Some(Location {
                        line: keys + 1,
                        col: 1
                    })
                );
                let first = format!("first at line {repeated}, column 1");
                assert!(f.message.contains(&first), "{keys} keys: {}", f.message);
            }
            text.push_str("nested: {a: 1, b: 2, a: 3}\n");
            assert_eq!(parse_err(&text).code, Code::DuplicateKey);
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let f = parse_err("id: a\ntitle: \"unclosed\nsummary: x\n");
        assert_eq!(f.code, Code::YamlSyntax);
        assert!(f.location.is_some());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let f = parse_err(&text);
        assert_eq!(f.code, Code::Limit);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        let f = parse_err(&text);
        assert!(matches!(f.code, Code::Limit | Code::YamlSyntax), "{f}");
    }

    #[test]
    fn the_byte_check_finds_what_the_character_check_finds() {
        for text in [
            "",
            "plain",
            "tab\tnewline\ncarriage return\r",
            "bell \u{7}",
            "\u{0}",
            "\u{1F} unit separator",
            "\u{FEFF} is allowed, \u{FFFE} is not",
            "\u{FFFF}",
            "\u{EFFF} private, \u{F000} allowed",
            "Kim Il-sung 김일성 毛泽东",
        ] {
            // Also at every place of a text long enough to be looked at in 32-byte blocks:
            // in the first block, at a block's edges, in the remainder after the last.
            let padding = "Repatriation to North Korea, 1959-1984. ".repeat(3);
            for at in 0..=padding.len() {
                let long = format!("{}{text}{}", &padding[..at], &padding[at..]);
                for text in [text, long.as_str()] {
                    assert_eq!(
                        first_xml_forbidden(text),
                        text.chars().enumerate().find(|(_, c)| xml_forbidden(*c)),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn xml_forbidden_characters_are_refused() {
        let f = parse_err("title: \"bell \\a here\"\n");
        assert_eq!(f.code, Code::ForbiddenCharacter);
        assert_eq!(f.location, Some(Location { line: 1, col: 8 }));
    }

    #[test]
    fn encodings_other_than_utf8_are_named() {
        let f = decode(Path::new("t.yaml"), b"\xFF\xFEi\x00d\x00").unwrap_err();
        assert!(f.message.contains("UTF-16"));
        let f = decode(Path::new("t.yaml"), b"id: a\ntitle: caf\xE9\n").unwrap_err();
        assert_eq!(f.location, Some(Location { line: 2, col: 11 }));
        assert_eq!(
            decode(Path::new("t.yaml"), b"\xEF\xBB\xBFid: a").unwrap(),
            "id: a"
        );
    }
}
