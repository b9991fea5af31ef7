//! The catalogue: discovering record files under a folder, reading, validating and
//! normalizing every record in parallel, and running the cross-record checks.
//!
//! Files are discovered in sorted order and processed with rayon; results are gathered in
//! discovery order, so findings and records come out the same whatever the thread count.
//! Every problem becomes a finding; only a problem with the tool's own inputs (a missing
//! input folder, an unusable schema) stops the run with [`LoadError`].

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding};
use crate::normalize::dates::DateOptions;
use crate::normalize::names::{AgentKind, AuthorityEntry, AuthorityIndex};
use crate::normalize::record::{self, Record};
use crate::read::contain::Scope;
use crate::read::{self, Limits, Node, Value};
use crate::validate::crosscheck::{Collection, Outline};
use crate::validate::schema::{Schema, SchemaError};

/// The record schema shipped with the tool, used when no schema file is found.
pub const BUILTIN_RECORD_SCHEMA: &str = include_str!("../../schemas/record.schema.json");
/// The schema of `_collections.yaml`.
pub const BUILTIN_COLLECTIONS_SCHEMA: &str = include_str!("../../schemas/collections.schema.json");
/// The schema of `_authorities.yaml`.
pub const BUILTIN_AUTHORITIES_SCHEMA: &str = include_str!("../../schemas/authorities.schema.json");
/// The record schema read from the current folder when `--schema` names none.
pub const DEFAULT_SCHEMA: &str = "schemas/record.schema.json";
pub use crate::validate::{AUTHORITIES_FILE, COLLECTIONS_FILE};

/// A problem that stops the tool itself (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the input folder {0} does not exist")]
    MissingInput(PathBuf),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// Everything that stays the same for every record of a run, built once and shared.
pub struct Settings {
    pub schema: Schema,
    pub collections_schema: Schema,
    pub authorities_schema: Schema,
    /// The record schema's file, as named (`None`: the built-in copy).
    pub schema_file: Option<PathBuf>,
    pub limits: Limits,
    pub date_options: DateOptions,
    /// Follow symbolic links wherever they lead (`--follow-symlinks`), instead of refusing
    /// those whose target is outside the catalogue.
    pub follow_symlinks: bool,
}

impl Settings {
    /// Settings with the given record schema file, or the built-in schema for `None`.
    pub fn new(schema_path: Option<&Path>) -> Result<Settings, LoadError> {
        let schema = match schema_path {
            Some(path) => Schema::load(path)?,
            None => builtin(BUILTIN_RECORD_SCHEMA),
        };
        Ok(Settings {
            schema,
            collections_schema: builtin(BUILTIN_COLLECTIONS_SCHEMA),
            authorities_schema: builtin(BUILTIN_AUTHORITIES_SCHEMA),
            schema_file: schema_path.map(Path::to_path_buf),
            limits: Limits::default(),
            date_options: DateOptions::default(),
            follow_symlinks: false,
        })
    }

    /// The settings of a command: `schema` as named with `--schema`, else the default schema
    /// `schemas/record.schema.json` of the current folder when there is one, else the built-in
    /// copy. The default schema is found in the current folder, which in CI is the checkout of
    /// the change being checked: it is read under the catalogue's rule, never through a link
    /// that leads out of the current folder. A schema named with `--schema` is read as given.
    pub fn configured(
        schema: Option<&Path>,
        limits: Limits,
        date_options: DateOptions,
        follow_symlinks: bool,
    ) -> Result<Settings, String> {
        let default_schema = Path::new(DEFAULT_SCHEMA);
        let found = match schema {
            Some(_) => Ok(None),
            None => Scope::new(Path::new("."), follow_symlinks)
                .special_file(Path::new("."), DEFAULT_SCHEMA),
        };
        let found = found.map_err(|f| {
            let why = match f.code {
                Code::OutsideLink => {
                    "is a symbolic link that leads outside the current folder; it was not followed"
                        .to_string()
                }
                _ => f.message,
            };
            format!(
                "the default schema {} {why} (name a schema with --schema FILE)",
                default_schema.display()
            )
        })?;
        let schema = schema.or(found.map(|_| default_schema));
        let mut settings = Settings::new(schema).map_err(|e| e.to_string())?;
        settings.limits = limits;
        settings.date_options = date_options;
        settings.follow_symlinks = follow_symlinks;
        Ok(settings)
    }

    /// Where the files of the catalogue at `root` may be read from.
    pub fn scope(&self, root: &Path) -> Scope {
        Scope::new(root, self.follow_symlinks)
    }
}

fn builtin(text: &str) -> Schema {
    // The built-in schemas are tested to compile (see the tests below).
    let json = serde_json::from_str(text).unwrap_or_default();
    Schema::from_json(json).unwrap_or_else(|e| panic!("built-in schema does not compile: {e}"))
}

/// The outcome of a run over a catalogue: its findings and counts (the records themselves
/// go through the engine a batch at a time and are not kept).
#[derive(Debug, Default)]
pub struct Catalogue {
    pub collections: Vec<Collection>,
    /// Every finding, sorted by file and position; with [`crate::engine::Options::keep_findings`],
    /// only the first ones.
    pub findings: Vec<Finding>,
    /// The findings counted but not kept, by code.
    pub not_kept: std::collections::BTreeMap<crate::diagnostics::Code, usize>,
    /// Record files read.
    pub files: usize,
    /// Records (documents) read, valid or not.
    pub documents: usize,
    /// Valid records: through every check, their own and those across records.
    pub valid: usize,
    /// The run report's aggregates, when the streaming run was asked for them.
    pub aggregates: Option<Box<crate::report::Aggregates>>,
}

impl Catalogue {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::diagnostics::Severity::Error)
            .count()
            + crate::engine::kept::dropped_errors(&self.not_kept)
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() + self.not_kept.values().sum::<usize>() - self.errors()
    }

    /// How many findings were counted but not kept.
    pub fn not_kept(&self) -> usize {
        self.not_kept.values().sum()
    }

    /// Records read that did not make it through validation.
    pub fn invalid(&self) -> usize {
        self.documents - self.valid
    }

    /// The counts of the findings' formats and the report.
    pub fn summary(&self) -> crate::render::Summary {
        crate::render::Summary {
            files: self.files,
            records: self.documents,
            valid: self.valid,
            invalid: self.invalid(),
            errors: self.errors(),
            warnings: self.warnings(),
        }
    }
}

/// What reading one file produced.
#[derive(Debug, Default)]
pub struct FileResult {
    pub outlines: Vec<Outline>,
    pub records: Vec<Record>,
    /// The agents named by records refused with an error, with the index of their
    /// document's outline: their names are checked across the catalogue all the same (N001,
    /// N007), as those of the records kept, and listed in the outline files.
    pub refused_mentions: Vec<(usize, crate::normalize::record::Mention)>,
    pub findings: Vec<Finding>,
    /// The schema findings past the bound of a document, counted by code and not built
    /// ([`crate::validate::schema::LISTED_PER_CODE`]).
    pub not_listed: std::collections::BTreeMap<Code, usize>,
    pub documents: usize,
}

/// Read, validate and normalize one record file. With `full` false the file is only
/// outlined (its id and references) for the cross-record checks of other files.
pub(crate) fn process_file(
    path: &Path,
    settings: &Settings,
    scope: &Scope,
    authorities: &AuthorityIndex,
    full: bool,
) -> FileResult {
    process_read(
        path,
        read_documents(path, &settings.limits, scope),
        settings,
        authorities,
        full,
    )
}

/// `process_file` for a file whose bytes (within the size limit) were already read. Also
/// the entry point of the `read_record` fuzz target and its stable fallback test.
pub fn process_bytes(
    path: &Path,
    bytes: &[u8],
    settings: &Settings,
    authorities: &AuthorityIndex,
    full: bool,
) -> FileResult {
    let docs = documents_of_bytes(path, bytes, &settings.limits);
    process_read(path, docs, settings, authorities, full)
}

fn process_read(
    path: &Path,
    docs: Result<Vec<Node>, Finding>,
    settings: &Settings,
    authorities: &AuthorityIndex,
    full: bool,
) -> FileResult {
    let mut result = FileResult::default();
    match docs {
        Ok(docs) => process_documents(path, &docs, settings, authorities, full, &mut result),
        Err(_) if !full => {}
        Err(finding) => {
            result.findings.push(finding);
            result.documents = 1;
        }
    }
    result
}

/// Validate and normalize the documents of a file that was read and parsed, adding to
/// `result`: a file of no document is a finding, several documents make a stream.
pub(crate) fn process_documents(
    path: &Path,
    docs: &[Node],
    settings: &Settings,
    authorities: &AuthorityIndex,
    full: bool,
    result: &mut FileResult,
) {
    if docs.is_empty() {
        result.findings.push(
            Finding::new(
                Code::EmptyDocument,
                path,
                None,
                "the file holds no record".into(),
            )
            .with_help("write the record's fields, or delete the file"),
        );
        result.documents = usize::from(full);
        return;
    }
    let in_stream = docs.len() > 1;
    for (i, doc) in docs.iter().enumerate() {
        process_document(path, i, doc, in_stream, settings, authorities, full, result);
    }
}

/// Validate and normalize document `i` (from 0) of a file, adding to `result`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn process_document(
    path: &Path,
    i: usize,
    doc: &Node,
    in_stream: bool,
    settings: &Settings,
    authorities: &AuthorityIndex,
    full: bool,
    result: &mut FileResult,
) {
    let ctx = record::Context {
        authorities,
        date_options: &settings.date_options,
    };
    result.documents += usize::from(full);
    match &doc.value {
        Value::Map(_) => {}
        Value::Null => {
            result.findings.push(
                Finding::new(
                    Code::EmptyDocument,
                    path,
                    Some(doc.span.start()),
                    format!("document {} of this file is empty", i + 1),
                )
                .with_help("remove the extra `---` or write the record's fields"),
            );
            return;
        }
        other => {
            result.findings.push(
                Finding::new(
                    Code::NotAMapping,
                    path,
                    Some(doc.span.start()),
                    format!(
                        "a record must be a mapping of fields, but {} was found",
                        other.kind_name()
                    ),
                )
                .with_help("write one `field: value` per line, starting with `id: ...`"),
            );
            return;
        }
    }
    result.outlines.push(Outline::of(path, in_stream, doc));
    if !full {
        return;
    }
    let checked = settings.schema.check_counted(path, doc);
    if !checked.findings.is_empty() {
        result.findings.extend(checked.findings);
        for (code, n) in checked.not_listed {
            *result.not_listed.entry(code).or_default() += n;
        }
        // Every problem at once: the names of a refused record are still checked.
        let (mentions, warnings) = record::check_names(path, doc, &ctx);
        result.findings.extend(warnings);
        let outline = result.outlines.len() - 1;
        result
            .refused_mentions
            .extend(mentions.into_iter().map(|m| (outline, m)));
        return;
    }
    let normalized = record::normalize_record(path, doc, in_stream, &ctx);
    result.records.extend(normalized.record);
    let outline = result.outlines.len() - 1;
    result.refused_mentions.extend(
        normalized
            .refused_mentions
            .into_iter()
            .map(|m| (outline, m)),
    );
    result.findings.extend(normalized.findings);
}

/// Read a file and parse its YAML documents. The file is opened through `scope` (see
/// [`Scope::open`]) and read only if it is a regular file.
pub fn read_documents(path: &Path, limits: &Limits, scope: &Scope) -> Result<Vec<Node>, Finding> {
    let bytes = read_bounded(path, scope.open_regular(path), limits)?;
    documents_of_bytes(path, &bytes, limits)
}

/// The whole content of a file that was opened (`opened`), or the finding that refuses it:
/// unreadable (Y001), or larger than the limit (Y007), however it grew since it was
/// measured; a file is never cut short.
pub(crate) fn read_bounded(
    path: &Path,
    opened: std::io::Result<(std::fs::File, std::fs::Metadata)>,
    limits: &Limits,
) -> Result<Vec<u8>, Finding> {
    let unreadable = |e: std::io::Error| {
        let help = if crate::read::contain::SeveralLinks::is(&e) {
            crate::read::contain::SeveralLinks::HELP
        } else {
            "check that the file exists and that you may read it"
        };
        Finding::new(Code::Unreadable, path, None, format!("cannot be read: {e}")).with_help(help)
    };
    let (file, meta) = opened.map_err(unreadable)?;
    match read::read_within_file(&file, limits.max_file_bytes) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(too_large(path, meta.len(), limits)),
        Err(e) => Err(unreadable(e)),
    }
}

/// [`read_documents`] for a file whose bytes came from elsewhere (`convert --from
/// files-jsonl`): the same size limit, decoding and parsing.
pub fn documents_of_bytes(
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Node>, Finding> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(path, bytes.len() as u64, limits));
    }
    let text = read::decode(path, bytes)?;
    read::parse(path, text, limits)
}

fn too_large(path: &Path, size: u64, limits: &Limits) -> Finding {
    Finding::new(
        Code::Limit,
        path,
        None,
        format!(
            "the file is {size} bytes, more than the limit of {} bytes",
            limits.max_file_bytes
        ),
    )
    .with_help("split the file, or raise the limit with --max-file-bytes")
}

/// The schema findings of a document past their bound, counted by code.
pub(crate) type NotListed = std::collections::BTreeMap<Code, usize>;

/// Read `_collections.yaml`, if the catalogue has one; the schema findings past the bound
/// of the document are counted in `not_listed`.
pub(crate) fn load_collections(
    root: &Path,
    settings: &Settings,
    not_listed: &mut NotListed,
) -> (Option<Vec<Collection>>, Vec<Finding>) {
    let scope = settings.scope(root);
    let path = match scope.special_file(root, COLLECTIONS_FILE) {
        Ok(Some(path)) => path,
        Ok(None) => return (None, Vec::new()),
        Err(f) => return (Some(Vec::new()), vec![f]),
    };
    let (collections, findings) = collections_in(&path, settings, &scope, not_listed);
    (Some(collections), findings)
}

/// Read a collections file named on the command line (read as given): the collections it
/// describes, sorted by id, and its problems as findings (at most
/// [`crate::validate::schema::LISTED_PER_CODE`] of a code, the last saying how many more).
pub fn load_collections_file(path: &Path, settings: &Settings) -> (Vec<Collection>, Vec<Finding>) {
    collections_in(path, settings, &Scope::following(), &mut NotListed::new())
}

fn collections_in(
    path: &Path,
    settings: &Settings,
    scope: &Scope,
    not_listed: &mut NotListed,
) -> (Vec<Collection>, Vec<Finding>) {
    let path = path.to_path_buf();
    let docs = match read_documents(&path, &settings.limits, scope) {
        Ok(docs) => docs,
        Err(f) => return (Vec::new(), vec![f]),
    };
    let Some(doc) = docs.first() else {
        return (Vec::new(), Vec::new());
    };
    let checked = settings.collections_schema.check_counted(&path, doc);
    let mut findings = checked.findings;
    for (code, n) in checked.not_listed {
        *not_listed.entry(code).or_default() += n;
    }
    if docs.len() > 1 {
        findings.push(
            Finding::new(
                Code::InvalidValue,
                &path,
                Some(docs[1].span.start()),
                "the collections file must hold a single mapping, not a `---` stream".into(),
            )
            .with_help("put every collection into the first document"),
        );
    }
    let mut collections = Vec::new();
    if let Value::Map(entries) = &doc.value {
        for (key, value) in entries {
            let text = |field: &str| {
                value
                    .get(field)
                    .and_then(Node::as_str)
                    .map(|s| s.trim().to_string())
            };
            collections.push(Collection {
                id: key.as_str().unwrap_or_default().to_string(),
                title: text("title").unwrap_or_default(),
                description: text("description"),
            });
        }
    }
    collections.sort_by(|a, b| a.id.cmp(&b.id));
    (collections, findings)
}

/// Read `_authorities.yaml`, if the catalogue has one, into an index. Schema violations and
/// entries that claim a name another entry already claims are findings; the schema findings
/// past the bound of the document are counted in `not_listed`.
pub(crate) fn load_authorities(
    root: &Path,
    settings: &Settings,
    not_listed: &mut NotListed,
) -> (AuthorityIndex, Vec<Finding>) {
    let scope = settings.scope(root);
    let path = match scope.special_file(root, AUTHORITIES_FILE) {
        Ok(Some(path)) => path,
        Ok(None) => return (AuthorityIndex::empty(), Vec::new()),
        Err(f) => return (AuthorityIndex::empty(), vec![f]),
    };
    authorities_in(&path, settings, &scope, not_listed)
}

/// Read an authority file named on the command line (read as given) into an index, with
/// its problems as findings (an unusable file gives an empty index; at most
/// [`crate::validate::schema::LISTED_PER_CODE`] findings of a code, the last saying how many
/// more).
pub fn load_authorities_file(path: &Path, settings: &Settings) -> (AuthorityIndex, Vec<Finding>) {
    authorities_in(path, settings, &Scope::following(), &mut NotListed::new())
}

fn authorities_in(
    path: &Path,
    settings: &Settings,
    scope: &Scope,
    not_listed: &mut NotListed,
) -> (AuthorityIndex, Vec<Finding>) {
    let path = path.to_path_buf();
    let docs = match read_documents(&path, &settings.limits, scope) {
        Ok(docs) => docs,
        Err(f) => return (AuthorityIndex::empty(), vec![f]),
    };
    let Some(doc) = docs.first() else {
        return (AuthorityIndex::empty(), Vec::new());
    };
    let checked = settings.authorities_schema.check_counted(&path, doc);
    let mut findings = checked.findings;
    for (code, n) in checked.not_listed {
        *not_listed.entry(code).or_default() += n;
    }
    if !findings.is_empty() {
        return (AuthorityIndex::empty(), findings);
    }
    let items = doc.items();
    let entries: Vec<AuthorityEntry> = items
        .iter()
        .map(|item| {
            let text = |field: &str| {
                item.get(field)
                    .and_then(Node::as_str)
                    .map(|s| s.trim().to_string())
            };
            let list = |field: &str| -> Vec<String> {
                item.get(field)
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| n.as_str().map(|s| s.trim().to_string()))
                    .collect()
            };
            AuthorityEntry {
                preferred: text("preferred").unwrap_or_default(),
                kind: match text("kind").as_deref() {
                    Some("organization") => AgentKind::Organization,
                    _ => AgentKind::Person,
                },
                variants: list("variants"),
                dates: text("dates"),
                ids: list("ids"),
                heading: text("heading"),
            }
        })
        .collect();
    let index = AuthorityIndex::new(entries);
    for conflict in index.conflicts() {
        let at = |i: usize| items.get(i).map(|n| n.span.start());
        let kept_at = at(conflict.kept).unwrap_or_default();
        findings.push(
            Finding::new(
                Code::AuthorityConflict,
                &path,
                at(conflict.rejected),
                format!(
                    "`{}` (entry `{}`) matches the same name as the entry `{}` at line {}",
                    conflict.form,
                    conflict.rejected_preferred,
                    conflict.kept_preferred,
                    kept_at.line
                ),
            )
            .with_help(
                "merge the two entries if they are one agent; if they are different agents, \
                 remove the shared spelling from one of them (names are matched ignoring case, \
                 accents, hyphens, spaces, titles and brackets)",
            ),
        );
    }
    (index, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_compile() {
        let s = Settings::new(None).unwrap();
        let _ = s.schema;
    }
}
