//! Schema validation: a YAML document against a JSON Schema (draft 2020-12), with every
//! violation turned into a finding that points at the offending value.
//!
//! The schema is compiled once ([`Schema::load`]) and shared by reference across worker
//! threads (`jsonschema::Validator` is `Send + Sync`). The validator reads our YAML tree
//! directly, through jsonschema's interface for other JSON representations ([`Tree`], the
//! same interface its Python and Ruby bindings use), so a document is not copied into a
//! `serde_json::Value` first; the tree reads exactly as [`to_json`] would convert it. All
//! errors are collected (never only the first), and each error's instance path is walked
//! back through the YAML tree to the node's line and column. A missing field points at the
//! mapping that lacks it; an unknown field points at its key and suggests the nearest known
//! field; a type error says what was found and what was expected.
//!
//! Every problem at once, within a bound: a document lists at most [`LISTED_PER_CODE`]
//! findings of one code, and counts the others ([`Checked::not_listed`]), the last one
//! listed saying how many more there are. A real record has a handful; a hostile one of
//! 600k unknown keys made 600k findings of some 900 bytes each (558 MB) before any
//! `--max-errors` could drop them. The counts join those the engine does not keep
//! (`engine::kept`), so error totals and the exit status stay exact.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Map, Number, Value as Json};

use crate::diagnostics::{Code, Finding, Location};
use crate::read::{Node, Value};

/// Why a schema could not be used: the tool cannot run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read the schema {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the schema {path} is not valid JSON: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("the schema {path} is not a valid JSON Schema: {message}")]
    Invalid { path: String, message: String },
}

/// The most findings of one code listed for one document; the others are counted.
pub const LISTED_PER_CODE: usize = 100;

/// What checking one document against the schema found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The findings listed: at most [`LISTED_PER_CODE`] of each code.
    pub findings: Vec<Finding>,
    /// The findings past [`LISTED_PER_CODE`], counted by code and not built.
    pub not_listed: BTreeMap<Code, usize>,
}

/// How many findings of each code a document has listed so far.
#[derive(Default)]
struct Budget {
    listed: HashMap<Code, usize>,
    over: BTreeMap<Code, usize>,
}

impl Budget {
    /// Whether one more finding of `code` is listed; if not, it is counted.
    fn admit(&mut self, code: Code) -> bool {
        let listed = self.listed.entry(code).or_default();
        if *listed < LISTED_PER_CODE {
            *listed += 1;
            true
        } else {
            *self.over.entry(code).or_default() += 1;
            false
        }
    }
}

/// What the findings of a code are, counted in the note of the last one listed.
fn plural(code: Code) -> &'static str {
    match code {
        Code::UnknownField => "unknown fields",
        Code::MissingField => "missing fields",
        Code::WrongType => "values of the wrong type",
        Code::EmptyValue => "empty values",
        Code::InvalidId => "invalid ids",
        Code::InvalidValue => "values the format does not allow",
        _ => "findings of this kind",
    }
}

/// A compiled schema plus the field names it declares (for "did you mean" suggestions).
pub struct Schema {
    validator: jsonschema::Validator<Tree>,
    document: Json,
}

impl Schema {
    /// Read and compile a schema file.
    pub fn load(path: &Path) -> Result<Schema, SchemaError> {
        let shown = path.display().to_string();
        // A regular file only, opened without blocking: a FIFO at `--schema` hung the run
        // waiting for a writer, and a device can be endless (issue 24).
        let text = crate::read::contain::open_regular(path)
            .and_then(|(mut file, _)| {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut file, &mut text).map(|_| text)
            })
            .map_err(|source| SchemaError::Io {
                path: shown.clone(),
                source,
            })?;
        let document: Json = serde_json::from_str(&text).map_err(|source| SchemaError::Json {
            path: shown.clone(),
            source,
        })?;
        Self::from_json(document).map_err(|message| SchemaError::Invalid {
            path: shown,
            message,
        })
    }

    /// Compile a schema held in memory.
    /// The schema document (its JSON), e.g. to tell two schemas apart.
    pub fn document(&self) -> &Json {
        &self.document
    }

    pub fn from_json(document: Json) -> Result<Schema, String> {
        let validator = jsonschema::options_for::<Tree>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&document)
            .map_err(|e| e.to_string())?;
        Ok(Schema {
            validator,
            document,
        })
    }

    /// Every violation of the schema by `root`, located in `file`: the findings listed
    /// ([`Schema::check_counted`]), without the count of those past the bound.
    pub fn check(&self, file: &Path, root: &Node) -> Vec<Finding> {
        self.check_counted(file, root).findings
    }

    /// Every violation of the schema by `root`, located in `file`: at most
    /// [`LISTED_PER_CODE`] findings of a code listed, the others counted.
    ///
    /// A misspelt required field (`tittle` for `title`) is one mistake, not two: it is
    /// reported once, as the unknown field with its suggestion.
    pub fn check_counted(&self, file: &Path, root: &Node) -> Checked {
        // Most records are valid: the validator's yes/no path stops at nothing and builds
        // no error (a tenth of the instructions of collecting none); only a record that
        // fails it is walked again for every error.
        if self.validator.is_valid(root) {
            return Checked::default();
        }
        let mut budget = Budget::default();
        let collected: Vec<_> = self.validator.iter_errors(root).collect();
        let mut errors: Vec<(Vec<String>, &ValidationErrorKind)> =
            Vec::with_capacity(collected.len());
        for error in &collected {
            let path: Vec<String> = error
                .instance_path()
                .as_str()
                .split('/')
                .skip(1)
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            errors.push((path, error.kind()));
        }
        let mut findings = Vec::new();
        // `date: {1667,1668}` is an EDTF set YAML read as a mapping, not a date written as
        // {expression, normal}: one finding that says to quote it, not one per key.
        if let Some(date) = root.get("date").filter(|d| is_unquoted_date(d)) {
            errors.retain(|(path, _)| path.first().is_none_or(|f| f != "date"));
            budget.admit(Code::WrongType);
            let expected = "text, a whole number or a mapping {expression, normal}";
            findings.push(
                Finding::new(
                    Code::WrongType,
                    file,
                    Some(date.span.start()),
                    format!(
                        "`date` must be {expected}, but {} was found",
                        date.value.kind_name()
                    ),
                )
                .with_help(type_help(&["date".to_string()], &date.value, expected)),
            );
        }
        // The fields a misspelling was taken for, by the path of their mapping: a set, so
        // that a record with thousands of unknown fields is not searched once per error.
        let mut typos: HashSet<(&[String], String)> = HashSet::new();
        for (path, kind) in &errors {
            if let ValidationErrorKind::AdditionalProperties { unexpected } = kind {
                let known = self.known_fields(path);
                for field in unexpected {
                    if let Some(best) = nearest(field, &known) {
                        typos.insert((path.as_slice(), best.to_string()));
                    }
                }
            }
        }
        let mut keys = Keys::default();
        for (path, kind) in &errors {
            if let ValidationErrorKind::Required { property } = kind
                && let Some(property) = property.as_str()
                && typos.contains(&(path.as_slice(), property.to_string()))
            {
                continue;
            }
            let node = keys.walk(root, path).unwrap_or(root);
            let described = self.describe(file, root, node, path, kind, &mut keys, &mut budget);
            if matches!(kind, ValidationErrorKind::AdditionalProperties { .. }) {
                // Admitted one by one as they were built.
                findings.extend(described);
            } else {
                findings.extend(described.into_iter().filter(|f| budget.admit(f.code)));
            }
        }
        // The last finding listed of a code past the bound says how many more there are.
        for (&code, &more) in &budget.over {
            let last = findings
                .iter_mut()
                .filter(|f| f.code == code)
                .max_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            if let Some(last) = last {
                last.message.push_str(&format!(
                    "; and {more} more {} in this document, not listed (at most \
                     {LISTED_PER_CODE} of a kind are listed per document)",
                    plural(code)
                ));
            }
        }
        Checked {
            findings,
            not_listed: budget.over,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn describe<'n>(
        &self,
        file: &Path,
        root: &Node,
        node: &'n Node,
        path: &[String],
        kind: &ValidationErrorKind,
        keys: &mut Keys<'n>,
        budget: &mut Budget,
    ) -> Vec<Finding> {
        let at = Some(node.span.start());
        let what = describe_path(path);
        let one = |code, message: String, help: String| {
            vec![Finding::new(code, file, at, message).with_help(help)]
        };
        match kind {
            ValidationErrorKind::Required { property } => {
                let field = property.as_str().unwrap_or_default();
                let (message, help) = match context(path) {
                    Context::Record => (
                        format!("this record has no `{field}`, which every record needs"),
                        format!("add a line `{field}: ...` to the record"),
                    ),
                    Context::Agent => (
                        format!("an agent written as a mapping needs `{field}`"),
                        format!(
                            "add `{field}: ...` to this agent, or write the agent as plain text, \
                             e.g. - Liu Shaoqi"
                        ),
                    ),
                    Context::Date => (
                        format!("a date written as a mapping needs `{field}`"),
                        "write both: `date: {expression: 12 March 1946, normal: 1946-03-12}`, \
                         the date as written and its EDTF, or the date alone as text"
                            .into(),
                    ),
                    _ => (
                        format!("{what} needs `{field}`"),
                        format!("add `{field}: ...` here"),
                    ),
                };
                one(Code::MissingField, message, help)
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = self.known_fields(path);
                // Only the fields listed are looked up and described: the others are counted.
                unexpected
                    .iter()
                    .filter(|_| budget.admit(Code::UnknownField))
                    .map(|field| {
                        let key_at = keys.entry(node, field).map(|(k, _)| k.span.start()).or(at);
                        let message = match context(path) {
                            Context::Record => format!("`{field}` is not a field of a record"),
                            _ => format!("`{field}` is not a field of {what}"),
                        };
                        let help = match nearest(field, &known) {
                            Some(best) => format!("did you mean `{best}`?"),
                            // `{expression: January 22, 1950, normal: ...}`: `1950` is a key.
                            None if context(path) == Context::Date
                                && node.get(field).is_some_and(|v| v.value == Value::Null) =>
                            {
                                "inside `{...}` a comma ends a value: put the expression in \
                                 quotes, e.g. `{expression: \"January 22, 1950\", normal: \
                                 1950-01-22}`"
                                    .into()
                            }
                            None => format!("the fields allowed here are: {}", known.join(", ")),
                        };
                        Finding::new(Code::UnknownField, file, key_at, message).with_help(help)
                    })
                    .collect()
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => json_type_name(&t.to_string()),
                    TypeKind::Multiple(set) => set
                        .iter()
                        .map(|t| json_type_name(&t.to_string()))
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let found = node.value.kind_name();
                let help = type_help(path, &node.value, &expected);
                one(
                    Code::WrongType,
                    format!("{what} must be {expected}, but {found} was found"),
                    help,
                )
            }
            ValidationErrorKind::MinLength { .. } => one(
                Code::EmptyValue,
                format!("{what} is empty"),
                "write a value, or delete the line if the field is optional".into(),
            ),
            ValidationErrorKind::Pattern { pattern }
                if pattern == "\\S" && node.as_str().is_some_and(str::is_empty) =>
            {
                // `minLength` already reports an empty value.
                Vec::new()
            }
            ValidationErrorKind::Pattern { pattern } if pattern == "\\S" => one(
                Code::EmptyValue,
                format!("{what} holds only spaces"),
                "write a value, or delete the line if the field is optional".into(),
            ),
            ValidationErrorKind::Pattern { pattern } if pattern.starts_with("^[a-z0-9]") => {
                let written = node.as_str().unwrap_or_default();
                let message = if path == ["id"] {
                    format!("`{written}` is not a valid id")
                } else {
                    format!("`{written}` ({what}) is not a valid id")
                };
                one(Code::InvalidId, message, id_help(written))
            }
            ValidationErrorKind::MaxLength { limit } => one(
                Code::InvalidId,
                format!(
                    "{what} is {} characters long; an id may have at most {limit}",
                    node.as_str().map_or(0, |s| s.chars().count())
                ),
                "shorten the id; it names the output files".into(),
            ),
            ValidationErrorKind::PropertyNames { error } => {
                let name = error.instance().as_str().unwrap_or_default().to_string();
                let key_at = keys.entry(node, &name).map(|(k, _)| k.span.start()).or(at);
                vec![
                    Finding::new(
                        Code::InvalidId,
                        file,
                        key_at,
                        format!("`{name}` is not a valid collection id"),
                    )
                    .with_help(id_help(&name)),
                ]
            }
            ValidationErrorKind::Pattern { pattern } if pattern.starts_with("^https?") => one(
                Code::InvalidValue,
                format!(
                    "the authority id `{}` is not a URI",
                    node.as_str().unwrap_or_default()
                ),
                "write the full URI, e.g. https://viaf.org/viaf/12345 or \
                 http://www.wikidata.org/entity/Q5816, or leave `id` out"
                    .into(),
            ),
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|o| format!("`{}`", o.as_str().unwrap_or("?")))
                            .collect()
                    })
                    .unwrap_or_default();
                let written = match &node.value {
                    Value::Str(s) => s.clone(),
                    other => other.kind_name().to_string(),
                };
                one(
                    Code::InvalidValue,
                    format!("{what} is `{written}`, which is not allowed"),
                    format!("write one of {}", allowed.join(" or ")),
                )
            }
            other => {
                let _ = root;
                one(
                    Code::InvalidValue,
                    format!("{what}: {}", other_message(other)),
                    "see the record format in the README".into(),
                )
            }
        }
    }

    /// The property names the schema allows at `path`, for suggestions.
    fn known_fields(&self, path: &[String]) -> Vec<String> {
        let props = match context(path) {
            Context::Record => self.document.pointer("/properties"),
            Context::Agent => self.document.pointer("/$defs/agent/then/properties"),
            Context::Source => self.document.pointer("/properties/source/then/properties"),
            Context::Date => self.document.pointer("/properties/date/then/properties"),
            Context::Other => self
                .document
                .pointer("/additionalProperties/properties")
                .or_else(|| self.document.pointer("/items/properties"))
                .or_else(|| self.document.pointer("/properties")),
        };
        props
            .and_then(Json::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Context {
    Record,
    Agent,
    Source,
    Date,
    Other,
}

/// Whether `date` is a mapping that is an EDTF set YAML read unquoted (`{1667,1668}`,
/// `{1667-01,1668}`): every key starts as a year does.
fn is_unquoted_date(date: &Node) -> bool {
    let year_like = |key: &Node| match &key.value {
        Value::Int(_) | Value::Float(_) => true,
        Value::Str(s) => {
            s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | 'X'))
        }
        _ => false,
    };
    matches!(&date.value, Value::Map(entries) if entries.iter().all(|(k, _)| year_like(k)))
}

fn context(path: &[String]) -> Context {
    match path {
        [] => Context::Record,
        [field, _index] if matches!(field.as_str(), "creators" | "recipients" | "people") => {
            Context::Agent
        }
        [field] if field == "source" => Context::Source,
        [field] if field == "date" => Context::Date,
        _ => Context::Other,
    }
}

/// How a path reads to a cataloguer: `title`, `creators` entry 2, `name` of `creators` entry 2.
fn describe_path(path: &[String]) -> String {
    let index = |s: &String| s.parse::<usize>().ok().map(|i| i + 1);
    if let Some(first) = path.first().and_then(index) {
        // A list at the top, as in the authority file.
        return match &path[1..] {
            [] => format!("entry {first}"),
            [field] => format!("`{field}` of entry {first}"),
            [field, item, ..] => match index(item) {
                Some(i) => format!("item {i} of `{field}` of entry {first}"),
                None => format!("`{field}.{item}` of entry {first}"),
            },
        };
    }
    match path {
        [] => "the record".into(),
        [field] => format!("`{field}`"),
        [field, index] if index.parse::<usize>().is_ok() => {
            format!(
                "entry {} of `{field}`",
                index.parse::<usize>().unwrap_or(0) + 1
            )
        }
        [field, index, sub] if index.parse::<usize>().is_ok() => format!(
            "`{sub}` of entry {} of `{field}`",
            index.parse::<usize>().unwrap_or(0) + 1
        ),
        [field, sub] => format!("`{sub}` of `{field}`"),
        _ => format!("`{}`", path.join(".")),
    }
}

fn json_type_name(t: &str) -> String {
    match t {
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "array" => "a list",
        "object" => "a mapping of fields",
        "boolean" => "true or false",
        "null" => "empty",
        other => other,
    }
    .to_string()
}

fn type_help(path: &[String], found: &Value, expected: &str) -> String {
    let field = path.first().map(String::as_str).unwrap_or("field");
    match (found, expected) {
        (Value::Seq(_) | Value::Map(_), _) if field == "date" => {
            "YAML reads an unquoted `[...]` or `{...}` as a list or a mapping: put the date in \
             quotes, e.g. date: \"[1957?]\" or date: \"{1667,1668}\""
                .into()
        }
        _ if field == "date" => {
            "write the date as text, e.g. date: January 11, 1950 or date: 1950-01-11".into()
        }
        (Value::Int(_) | Value::Float(_) | Value::Bool(_), e) if e.starts_with("text") => {
            format!("put the value in quotes so it is read as text, e.g. {field}: \"1984\"")
        }
        (Value::Null, _) => "write a value after the colon, or delete the line".into(),
        (_, "a list") => format!(
            "write a list: `{field}: [first, second]`, or one `- value` per line under `{field}:`"
        ),
        _ => format!("write {expected} here"),
    }
}

fn id_help(written: &str) -> String {
    let slug = slugify(written);
    let example = if slug.is_empty() {
        String::new()
    } else {
        format!(", e.g. `{slug}`")
    };
    format!(
        "ids use lowercase letters a-z and digits 0-9, with single `-`, `_` or `.` \
         between them{example}"
    )
}

/// A valid id made from arbitrary text, for suggestions.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.chars()
        .take(128)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn nearest<'a>(field: &str, known: &'a [String]) -> Option<&'a str> {
    let chars = field.chars().count();
    known
        .iter()
        // The distance is at least the difference in length: a field name far longer than
        // any known one (a key of a megabyte) is not compared, which would cost its length
        // times the known name's in time and memory.
        .filter(|k| k.chars().count().abs_diff(chars) <= 2.max(k.len() / 3))
        .map(|k| (strsim::damerau_levenshtein(field, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn other_message(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} entries"),
        ValidationErrorKind::MaxItems { limit } => format!("may have at most {limit} entries"),
        ValidationErrorKind::UniqueItems => "lists the same value twice".into(),
        ValidationErrorKind::Constant { expected_value } => {
            format!("must be {expected_value}")
        }
        ValidationErrorKind::FalseSchema => "is not allowed here".into(),
        _ => format!("breaks the schema rule `{}`", kind.keyword()),
    }
}

/// The entries of the large mappings of one document, indexed by key once they are looked
/// up: a finding for each of thousands of fields of one mapping (unknown fields, collections
/// without a title) finds its field in constant time, not by reading the mapping from the
/// start each time (160k unknown fields took 48 s). A small mapping is read in place.
#[derive(Default)]
struct Keys<'a> {
    maps: HashMap<*const Node, HashMap<&'a str, usize>>,
}

impl<'a> Keys<'a> {
    /// A mapping of at most this many entries is searched in place.
    const SMALL: usize = 16;

    fn entry(&mut self, node: &'a Node, key: &str) -> Option<(&'a Node, &'a Node)> {
        let Value::Map(entries) = &node.value else {
            return None;
        };
        if entries.len() <= Self::SMALL {
            return node.entry(key);
        }
        let index = self
            .maps
            .entry(std::ptr::from_ref(node))
            .or_insert_with(|| {
                let mut index = HashMap::with_capacity(entries.len());
                for (i, (k, _)) in entries.iter().enumerate() {
                    if let Some(k) = k.as_str() {
                        // Keys are unique; the first is kept, as `Node::entry` finds it.
                        index.entry(k).or_insert(i);
                    }
                }
                index
            });
        index.get(key).map(|&i| (&entries[i].0, &entries[i].1))
    }

    fn walk(&mut self, root: &'a Node, path: &[String]) -> Option<&'a Node> {
        let mut node = root;
        for segment in path {
            node = match &node.value {
                Value::Map(_) => self.entry(node, segment)?.1,
                Value::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// The node at a JSON-pointer path, if the path leads anywhere.
pub fn walk<'a>(root: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut node = root;
    for segment in path {
        node = match &node.value {
            Value::Map(_) => node.get(segment)?,
            Value::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The JSON form of a YAML tree, as the schema sees it. The tree is at most
/// [`crate::read::Limits::max_depth`] deep, so recursion here is bounded.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number((*i).into()),
        Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, v) in entries {
                map.insert(k.as_str().unwrap_or_default().to_string(), to_json(v));
            }
            Json::Object(map)
        }
    }
}

/// The YAML tree as jsonschema reads it: the same JSON as [`to_json`] makes of it, read in
/// place (a mapping's keys are text; a float that JSON cannot hold, `.nan` or `.inf`, reads
/// as null).
pub struct Tree;

impl jsonschema::json::Json for Tree {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = NameNode;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut NameNode, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        match &mut buffer.0.value {
            Value::Str(text) => {
                text.clear();
                text.push_str(string);
            }
            other => *other = Value::Str(string.to_owned()),
        }
        f(&buffer.0)
    }
}

/// A text node that jsonschema reuses to check property names (`propertyNames`).
pub struct NameNode(Node);

impl Default for NameNode {
    fn default() -> Self {
        NameNode(Node {
            span: Default::default(),
            value: Value::Str(String::new()),
        })
    }
}

/// A number of the tree as JSON holds it.
fn json_number(value: &Value) -> Option<Number> {
    match value {
        Value::Int(i) => Some((*i).into()),
        Value::Float(f) => Number::from_f64(*f),
        _ => None,
    }
}

impl<'a> jsonschema::json::Node<'a, Tree> for &'a Node {
    type Object = &'a [(Node, Node)];
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<&'a [(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<std::borrow::Cow<'a, str>> {
        match &self.value {
            Value::Str(text) => Some(std::borrow::Cow::Borrowed(text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        json_number(&self.value)
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == jsonschema::JsonType::Null
    }

    fn json_type(&self) -> jsonschema::JsonType {
        use jsonschema::JsonType;
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) => JsonType::Number,
            Value::Float(f) if f.is_finite() => JsonType::Number,
            Value::Float(_) => JsonType::Null,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> std::borrow::Cow<'a, Json> {
        std::borrow::Cow::Owned(to_json(self))
    }

    fn identity(&self) -> Option<jsonschema::json::NodeIdentity> {
        Some(jsonschema::json::NodeIdentity::new(
            std::ptr::from_ref::<Node>(*self) as usize,
        ))
    }
}

impl<'a> jsonschema::json::Object<'a, Tree> for &'a [(Node, Node)] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[(Node, Node)]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Node> {
        self.iter()
            .find(|(k, _)| k.as_str().unwrap_or_default() == key)
            .map(|(_, v)| v)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The entries of a mapping as JSON members: (key text, value).
pub struct Members<'a>(std::slice::Iter<'a, (Node, Node)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|(k, v)| (k.as_str().unwrap_or_default(), v))
    }
}

impl<'a> jsonschema::json::Array<'a, Tree> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

/// The location a finding about `path` should point at in `root`.
pub fn location_of(root: &Node, path: &[String]) -> Location {
    walk(root, path).unwrap_or(root).span.start()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, parse};

    fn schema() -> Schema {
        let text = include_str!("../../schemas/record.schema.json");
        Schema::from_json(serde_json::from_str(text).unwrap()).unwrap()
    }

    fn findings(yaml: &str) -> Vec<Finding> {
        let docs = parse(Path::new("r.yaml"), yaml, &Limits::default()).unwrap();
        let mut f = schema().check(Path::new("r.yaml"), &docs[0]);
        crate::diagnostics::sort_findings(&mut f);
        f
    }

    /// A large mapping is searched through its index (`Keys`), a small one in place: the
    /// findings point at the same keys either way, and a misspelt required field is still
    /// reported once: `tittle` for `title`, then 40 unknown fields.
    #[test]
    fn the_fields_of_a_large_mapping_are_found_through_its_index() {
        let mut yaml = String::from("id: a\ntittle: T\ndate: 1950\ntype: Cable\nsummary: S\n");
        for i in 0..40 {
            yaml.push_str(&format!("unknown-{i}: v\n"));
        }
        let f = findings(&yaml);
        assert_eq!(f.len(), 41, "{f:?}");
        assert!(f.iter().all(|f| f.code == Code::UnknownField));
        assert_eq!(f[0].location, Some(Location { line: 2, col: 1 }));
        assert_eq!(f[0].help.as_deref(), Some("did you mean `title`?"));
        for (i, f) in f[1..].iter().enumerate() {
            assert_eq!(
                f.location,
                Some(Location {
                    line: 6 + i,
                    col: 1
                }),
                "{f:?}"
            );
            assert_eq!(
                f.message,
                format!("`unknown-{i}` is not a field of a record")
            );
        }
        let mut keys = Keys::default();
        let docs = parse(Path::new("r.yaml"), &yaml, &Limits::default()).unwrap();
        for i in [0, 17, 39] {
            let key = format!("unknown-{i}");
            assert_eq!(keys.entry(&docs[0], &key), docs[0].entry(&key));
        }
        assert_eq!(keys.entry(&docs[0], "nothing"), None);
        assert_eq!(keys.entry(&docs[0], "id"), docs[0].entry("id"));
    }

    /// Every error of `validator` on `instance`: (instance path, schema path, message).
    fn errors_of<'i, F: jsonschema::json::Json>(
        validator: &'i jsonschema::Validator<F>,
        instance: F::Node<'i>,
    ) -> Vec<(String, String, String)> {
        let mut errors: Vec<_> = validator
            .iter_errors(instance)
            .map(|e| {
                (
                    e.instance_path().as_str().to_string(),
                    e.schema_path().as_str().to_string(),
                    e.to_string(),
                )
            })
            .collect();
        errors.sort();
        errors
    }

    /// The validator reading the tree in place reports what the stock validator reports on
    /// the tree converted to `serde_json` (`to_json`), for every fixture of the test suite and
    /// for values JSON cannot hold as such; and its yes/no answer (`is_valid`, which `check`
    /// asks first) is yes exactly when there is no error.
    #[test]
    fn reading_the_tree_in_place_equals_validating_its_json() {
        let text = include_str!("../../schemas/record.schema.json");
        let document: Json = serde_json::from_str(text).unwrap();
        let stock = jsonschema::draft202012::new(&document).unwrap();
        let ours = Schema::from_json(document).unwrap().validator;
        let mut texts: Vec<String> = [
            VALID,
            "id: a-1\ntitle: .nan\ndate: .inf\ntype: -.inf\nsummary: 1.5\n",
            "id: 7\ntitle: [1, 2.5, true, null, ~]\n1: one\ntrue: yes\nsummary: {a: {b: [c]}}\n",
            "- not a mapping\n",
            "just text\n",
            "id: a-1\ntitle: T\ndate: 1957\ntype: Cable\nsummary: S\ncreators:\n  - {name: X, kind: robot}\n",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(root.join("tests/fixtures"))
            .sort_by_file_name()
            .into_iter()
            .chain(walkdir::WalkDir::new(root.join("input")).sort_by_file_name())
        {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "yaml")
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                texts.push(text);
            }
        }
        let mut compared = 0;
        for text in &texts {
            let Ok(docs) = parse(Path::new("r.yaml"), text, &Limits::default()) else {
                continue;
            };
            for doc in &docs {
                let json = to_json(doc);
                let errors = errors_of(&ours, doc);
                assert_eq!(errors, errors_of(&stock, &json), "{text}");
                // `check` asks `is_valid` first and collects errors only when it says no.
                assert_eq!(ours.is_valid(doc), errors.is_empty(), "{text}");
                assert_eq!(stock.is_valid(&json), errors.is_empty(), "{text}");
                compared += 1;
            }
        }
        assert!(compared > 50, "only {compared} documents compared");

        // A schema of the keywords a user's own schema may use, on values at the edges of
        // what JSON holds (`.nan` and `.inf` are null to it, `1.0` is an integer).
        let document = serde_json::json!({
            "type": "object",
            "required": ["n"],
            "properties": {
                "n": {"type": "number"}, "z": {"type": "null"}, "i": {"type": "integer"},
                "s": {"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]"},
                "b": {"type": "boolean"},
                "a": {"type": "array", "uniqueItems": true, "maxItems": 3,
                      "items": {"type": ["string", "number"]}},
                "o": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"},
                      "additionalProperties": {"type": "integer", "minimum": 0}},
                "e": {"enum": [1, "x", null]}, "c": {"const": 2.0},
                "m": {"multipleOf": 0.5, "exclusiveMaximum": 10}
            },
            "additionalProperties": false
        });
        let stock = jsonschema::draft202012::new(&document).unwrap();
        let ours = Schema::from_json(document).unwrap().validator;
        for text in [
            "n: 1\n",
            "n: .nan\nz: .nan\ni: 1.0\ns: a\nb: yes\n",
            "n: -.inf\nz: ~\ni: 2.5\ns: abcd\nb: true\nextra: 1\n",
            "n: 1e3\na: [1, 1.0, x, x]\no: {Ab: 1, b: x, c: -1, d: 2}\n",
            "n: 0\ne: 1.0\nc: 2\nm: 1.5\n",
            "n: 0\ne: y\nc: 2.5\nm: 1.3\na: [[1], {a: 1}]\n",
            "z: null\ns: Ab\n",
            "- 1\n",
        ] {
            let docs = parse(Path::new("r.yaml"), text, &Limits::default()).unwrap();
            let json = to_json(&docs[0]);
            let errors = errors_of(&ours, &docs[0]);
            assert_eq!(errors, errors_of(&stock, &json), "{text}");
            assert_eq!(ours.is_valid(&docs[0]), errors.is_empty(), "{text}");
        }
    }

    const VALID: &str = "id: a-1\ntitle: T\ndate: 1957\ntype: Cable\nsummary: S\n";

    #[test]
    fn a_minimal_record_is_valid() {
        assert_eq!(findings(VALID), vec![]);
    }

    #[test]
    fn a_missing_field_points_at_the_mapping() {
        let f = findings("id: a\ndate: 1957\ntype: Cable\nsummary: S\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::MissingField);
        assert_eq!(f[0].location, Some(Location { line: 1, col: 1 }));
        assert!(f[0].message.contains("`title`"));
    }

    #[test]
    fn an_unknown_field_suggests_the_nearest() {
        let f = findings(&format!("{VALID}tittle: X\n"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::UnknownField);
        assert_eq!(f[0].location, Some(Location { line: 6, col: 1 }));
        assert_eq!(f[0].help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn an_agent_mapping_without_name_says_so() {
        let f = findings(&format!("{VALID}creators:\n  - kind: organization\n"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, Code::MissingField);
        assert!(f[0].message.contains("agent"), "{}", f[0].message);
        assert_eq!(f[0].location, Some(Location { line: 7, col: 5 }));
    }

    #[test]
    fn type_errors_say_what_was_found() {
        let f =
            findings("id: a\ntitle: 1984\ndate: 1957\ntype: Cable\nsummary: S\nplaces: Korea\n");
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].message.contains("whole number"), "{}", f[0].message);
        assert!(f[0].help.as_deref().unwrap().contains("quotes"));
        assert!(f[1].message.contains("must be a list"), "{}", f[1].message);
    }

    #[test]
    fn bad_ids_get_a_suggestion() {
        let f = findings("id: Korean Officers\ntitle: T\ndate: 1957\ntype: Cable\nsummary: S\n");
        assert_eq!(f[0].code, Code::InvalidId);
        assert!(f[0].help.as_deref().unwrap().contains("`korean-officers`"));
    }

    #[test]
    fn every_violation_is_reported() {
        let f = findings("id: A\ntitle: ''\ndate: [1]\nsumary: S\n");
        let codes: Vec<_> = f.iter().map(|f| f.code).collect();
        assert!(codes.contains(&Code::MissingField));
        assert!(codes.contains(&Code::InvalidId));
        assert!(codes.contains(&Code::EmptyValue));
        assert!(codes.contains(&Code::WrongType));
        assert!(codes.contains(&Code::UnknownField));
        // `sumary` is reported once, as a typo of the missing `summary`.
        assert_eq!(codes.len(), 5, "{f:?}");
        assert!(!f.iter().any(|f| f.message.contains("no `summary`")));
    }
}
