//! The streaming run: a whole catalogue validated and exported with bounded memory.
//!
//! [`crate::catalogue::load`] holds every parsed record at once, which is fine for thousands
//! of records and not for a million. Here records flow through the stages in batches of
//! [`BATCH`] in id order: each batch is read, validated, normalized and rendered in parallel
//! (rayon), its Dublin Core files are written to the staging folder at once, and its CSV rows
//! and JSON-LD record nodes are appended, in order, to temporary files in the output folder.
//! What is kept for the whole catalogue is small: the file list, a compact outline of each
//! record (id and references with their places, for the cross-record checks), one entry per
//! distinct agent (JSON-LD agent nodes) and per distinct spelling (name-variant warnings).
//!
//! Id order without holding the records: a single-record file must be named after its id
//! (X002 otherwise), so sorting files by stem sorts their records by id. A `---` stream is
//! first indexed ([`crate::stream_index`]: byte range and id of each document), its
//! documents are sorted by id with the single files, and each is then read by itself.
//!
//! When writing exports (without shards), each unit is first looked up in the incremental
//! cache ([`crate::incremental`]) by the hash of its bytes: a unit found there is not parsed,
//! validated or rendered again, and a Dublin Core file identical to the previous run's is
//! hard-linked from it instead of written (creating inodes dominates a re-run otherwise).
//!
//! Nothing is published until the caller has seen the findings: [`Staged::publish`] assembles
//! the final files and swaps them in (the same write-then-rename as [`crate::publish`]); a
//! dropped [`Staged`] removes its temporary files. The outputs are byte-identical to those of
//! [`crate::publish::publish`] over the same records.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalogue::{self, Catalogue, FileResult, LoadError, Settings};
use crate::crosscheck::{self, Collection, Outline};
use crate::diagnostics::{Code, Finding, Location, sort_findings};
use crate::export::jsonld::{self, AgentNode};
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::incremental::{self, CachedAgent, CachedOutline, CachedRecord, Entry};
use crate::normalize::names::AgentKind;
use crate::normalize::names::fingerprint::find_variants_counted;
use crate::publish::{Generation, PublishError, Published, safe_file_stem};
use crate::read::{self, Node, Value};
use crate::record::{Record, Reference};
use crate::stream_index::{self, DocRange};

/// Records processed together: enough to keep both cores busy, few enough that a batch's
/// parsed records and rendered exports stay small (~2,048 × a few KiB).
pub const BATCH: usize = 2048;

/// Which part of the catalogue a run processes in full: shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the record with this id belongs to the shard. The id is hashed with 64-bit
    /// FNV-1a, which is fixed (not seeded per process), so every machine agrees.
    pub fn owns(&self, id: &str) -> bool {
        self.count <= 1 || fnv1a(id.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// What a streaming run is asked to do.
pub struct Options<'a> {
    /// Where to stage the exports; `None` validates only.
    pub output: Option<&'a Path>,
    pub export: ExportOptions,
    pub shard: Option<Shard>,
    /// Called with (units done, units in all) as the run advances.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

/// A failure that stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl RunError {
    /// Whether the run stopped because of SIGINT or SIGTERM.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, RunError::Publish(e) if e.is_interrupted())
    }
}

/// A place, compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Loc {
    line: u32,
    col: u32,
}

impl From<Location> for Loc {
    fn from(l: Location) -> Loc {
        Loc {
            line: l.line as u32,
            col: l.col as u32,
        }
    }
}

impl From<Loc> for Location {
    fn from(l: Loc) -> Location {
        Location {
            line: l.line as usize,
            col: l.col as usize,
        }
    }
}

/// The outline of one record, as small as it can be: what the cross-record checks need.
struct Brief {
    file: u32,
    in_stream: bool,
    /// Whether the record made it through validation and normalization.
    valid: bool,
    /// Whether the record is in this run's shard (always, without shards).
    mine: bool,
    id: Option<(Box<str>, Loc)>,
    related: Box<[(Box<str>, Loc)]>,
    collections: Box<[(Box<str>, Loc)]>,
}

fn refs(list: &[Reference]) -> Box<[(Box<str>, Loc)]> {
    list.iter()
        .map(|r| (r.id.as_str().into(), r.location.into()))
        .collect()
}

impl Brief {
    fn of(file: u32, o: &Outline, mine: bool) -> Brief {
        Brief {
            file,
            in_stream: o.in_stream,
            valid: false,
            mine,
            id: o
                .id
                .as_ref()
                .map(|r| (r.id.as_str().into(), r.location.into())),
            related: refs(&o.related),
            collections: refs(&o.collections),
        }
    }
}

fn reference((id, loc): &(Box<str>, Loc)) -> Reference {
    Reference {
        id: id.to_string(),
        location: (*loc).into(),
    }
}

/// One document of a `---` stream, indexed.
struct StreamDoc {
    file: u32,
    /// Its number in the file, from 0.
    ordinal: u32,
    range: DocRange,
    key: Box<str>,
}

/// A unit of work: a single-record file or one document of a stream.
#[derive(Clone, Copy)]
enum Unit {
    File(u32),
    Doc(u32),
}

/// A record rendered: its CSV row, JSON-LD node and the agents it mentions.
struct Fragment {
    id: String,
    csv: Vec<u8>,
    jsonld: Vec<u8>,
    agents: Vec<(String, AgentNode)>,
    /// The Dublin Core document (kept only for the incremental cache).
    dc: Vec<u8>,
}

/// Where a mention was written, ordered as the in-memory run orders them.
type MentionPlace = (u32, u32, u32, Loc);

/// What processing one unit gave.
#[derive(Default)]
struct Done {
    briefs: Vec<Brief>,
    findings: Vec<Finding>,
    documents: usize,
    fragments: Vec<Fragment>,
    mentions: Vec<(String, AgentKind, MentionPlace)>,
    /// The unit's key and entry for this run's incremental cache.
    cache: Option<(incremental::Key, Vec<u8>)>,
}

/// Every spelling of an agent: how often, and the first few places.
#[derive(Default)]
struct Spelling {
    count: usize,
    first: Vec<MentionPlace>,
}

/// The JSON-LD record nodes of a run, gathered in the new generation until the document is
/// assembled (and removed before it is switched in).
const RECORDS_PART: &str = ".records-part";

/// The exports of a run, written into a new generation of the output folder
/// ([`crate::publish::Generation`]), waiting to be published.
pub struct Staged {
    output: PathBuf,
    generation: Generation,
    agents: BTreeMap<String, AgentNode>,
    collections: Vec<Collection>,
    options: ExportOptions,
    written: usize,
    /// For a sharded run: the shard and the first record (id) that mentions each agent.
    shard: Option<(Shard, BTreeMap<String, String>)>,
    /// This run's incremental cache, put in place after the exports.
    pack: Option<incremental::PackWriter>,
}

struct Writers {
    staged: Staged,
    csv: BufWriter<File>,
    records: BufWriter<File>,
    last_id: Option<String>,
}

/// Validate (and, with `options.output`, export) the catalogue under `root`.
pub fn run(
    root: &Path,
    settings: &Settings,
    options: &Options<'_>,
) -> Result<(Catalogue, Option<Staged>), RunError> {
    if !root.is_dir() {
        return Err(LoadError::MissingInput(root.to_path_buf()).into());
    }
    let (files, mut findings) = catalogue::discover(root);
    let files: Vec<Box<Path>> = files.into_iter().map(PathBuf::into_boxed_path).collect();
    let (collections, collection_findings) = catalogue::load_collections(root, settings);
    findings.extend(collection_findings);
    let (authorities, authority_findings) = catalogue::load_authorities(root, settings);
    findings.extend(authority_findings);

    // The incremental cache: runs that write exports, without shards.
    let store = match (options.output, options.shard) {
        (Some(output), None) => Some(incremental::Store::open(
            output,
            incremental::run_key(root, settings, &options.export),
        )),
        _ => None,
    };

    // Index: which files are streams, and the ids of their documents. A single-record file
    // is read here anyway: its key in the incremental cache is taken from these bytes, so
    // that a file found in the cache is not read again.
    let mut file_keys: Vec<Option<incremental::Key>> = Vec::with_capacity(files.len());
    let mut docs: Vec<StreamDoc> = Vec::new();
    let mut units: Vec<Unit> = Vec::with_capacity(files.len());
    let total_work = files.len() as u64 * 2;
    let mut done_work = 0u64;
    for (chunk_no, chunk) in files.chunks(BATCH * 4).enumerate() {
        let indexed: Vec<(Option<Vec<DocRange>>, Option<incremental::Key>)> = chunk
            .par_iter()
            .map(|f| index_file(f, settings, store.as_ref().map(|s| (s, root))))
            .collect();
        for (i, (stream, file_key)) in indexed.into_iter().enumerate() {
            let file = (chunk_no * BATCH * 4 + i) as u32;
            file_keys.push(file_key);
            match stream {
                None => units.push(Unit::File(file)),
                Some(ranges) => {
                    for (ordinal, mut range) in ranges.into_iter().enumerate() {
                        let key = range.id.take().unwrap_or_default();
                        units.push(Unit::Doc(docs.len() as u32));
                        docs.push(StreamDoc {
                            file,
                            ordinal: ordinal as u32,
                            range,
                            key,
                        });
                    }
                }
            }
        }
        done_work += chunk.len() as u64;
        if let Some(p) = options.progress {
            p(done_work, total_work);
        }
    }
    let key = |u: &Unit| -> &str {
        match *u {
            Unit::File(f) => files[f as usize]
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(""),
            Unit::Doc(d) => &docs[d as usize].key,
        }
    };
    units.sort_by(|a, b| key(a).cmp(key(b)));
    let total_work = files.len() as u64 + units.len() as u64;

    let mut writers = match options.output {
        Some(output) => Some(Writers::new(output, &options.export, &collections)?),
        None => None,
    };
    if let (Some(w), Some(shard)) = (writers.as_mut(), options.shard) {
        w.staged.shard = Some((shard, BTreeMap::new()));
    }
    if let (Some(w), Some(store)) = (writers.as_mut(), store.as_ref()) {
        w.staged.pack = store.writer(w.staged.generation.path()).ok();
    }
    let staging = writers.as_ref().map(|w| w.staged.generation.dc_dir());
    let mut briefs: Vec<Brief> = Vec::with_capacity(units.len());
    let mut spellings: HashMap<(String, AgentKind), Spelling> = HashMap::new();
    let mut documents = 0usize;
    let mut fragments = 0usize;
    let previous = options
        .output
        .map(|o| o.join("dc"))
        .filter(|d| d.is_dir() && options.shard.is_none());
    let ctx = Ctx {
        root,
        file_keys: &file_keys,
        previous: previous.as_deref(),
        store: store.as_ref(),
        files: &files,
        docs: &docs,
        settings,
        authorities: &authorities,
        staging: staging.as_deref(),
        export: &options.export,
    };
    for batch in units.chunks(BATCH) {
        // SIGINT/SIGTERM (once `publish::stop_on_signals` is set): stop between batches; the
        // staged generation is dropped, so nothing is left behind.
        crate::publish::interrupted(root)?;
        let results: Vec<Result<Done, RunError>> = batch
            .par_iter()
            .map(|u| {
                let mine = options.shard.is_none_or(|s| s.owns(key(u)));
                ctx.process(*u, mine)
            })
            .collect();
        for done in results {
            let done = done?;
            findings.extend(done.findings);
            documents += done.documents;
            let valid_ids: HashSet<&str> = done.fragments.iter().map(|f| f.id.as_str()).collect();
            for mut brief in done.briefs {
                brief.valid = brief
                    .id
                    .as_ref()
                    .is_some_and(|(id, _)| valid_ids.contains(&**id));
                briefs.push(brief);
            }
            for (written, kind, place) in done.mentions {
                let s = spellings.entry((written, kind)).or_default();
                s.count += 1;
                s.first.push(place);
                s.first.sort();
                s.first.truncate(3);
            }
            fragments += done.fragments.len();
            if let (Some(w), Some((key, entry))) = (writers.as_mut(), done.cache.as_ref())
                && let Some(pack) = w.staged.pack.as_mut()
                && pack.append(key, entry).is_err()
            {
                w.staged.pack = None; // the cache is only an optimization
            }
            if let Some(w) = writers.as_mut() {
                for f in done.fragments {
                    w.append(f)?;
                }
            }
        }
        done_work += batch.len() as u64;
        if let Some(p) = options.progress {
            p(done_work, total_work);
        }
    }

    // Cross-record checks over every outline.
    let (cross, refused) = cross_check(&briefs, &files, collections.as_deref());
    findings.extend(cross);
    let groups = find_variants_counted(
        spellings
            .iter()
            .map(|((w, k), s)| (w.as_str(), *k, s.count, s.first.clone())),
        &authorities,
    );
    let groups = groups
        .into_iter()
        .map(|g| crate::normalize::names::fingerprint::VariantGroup {
            key: g.key,
            kind: g.kind,
            suggested: g.suggested,
            spellings: g
                .spellings
                .into_iter()
                .map(|s| crate::normalize::names::fingerprint::VariantSpelling {
                    spelling: s.spelling,
                    count: s.count,
                    as_written: s.as_written,
                    locations: s
                        .locations
                        .into_iter()
                        .map(|(f, _, _, l)| (files[f as usize].to_path_buf(), l.into()))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    findings.extend(catalogue::variant_findings(groups));
    findings.extend(catalogue::near_authority_findings(
        spellings.iter().map(|((w, k), s)| {
            let places = s
                .first
                .iter()
                .map(|(f, _, _, l)| (files[*f as usize].to_path_buf(), Location::from(*l)))
                .collect();
            (w.as_str(), *k, s.count, places)
        }),
        &authorities,
    ));
    if options.shard.is_some() {
        let mine: HashSet<&Path> = briefs
            .iter()
            .filter(|b| b.mine)
            .map(|b| &*files[b.file as usize])
            .collect();
        // Findings in other shards' files are theirs to report; those in the collections
        // and authority files are reported by every shard.
        findings.retain(|f| {
            mine.contains(f.file.as_path())
                || files
                    .binary_search_by(|p| (**p).cmp(f.file.as_path()))
                    .is_err()
        });
    }
    sort_findings(&mut findings);
    let catalogue = Catalogue {
        records: Vec::new(),
        collections: collections.clone().unwrap_or_default(),
        findings,
        files: files.len(),
        documents,
        valid: fragments - refused,
    };
    let staged = match writers {
        Some(w) => {
            let mut staged = w.finish()?;
            staged.collections = collections.unwrap_or_default();
            Some(staged)
        }
        None => None,
    };
    Ok((catalogue, staged))
}

/// Whether a file is a stream (its documents indexed) or a single-record file (`None`);
/// for a single-record file read whole, its key in the incremental cache (with `store`).
/// Problems reading it are left for the processing stage to report.
fn index_file(
    path: &Path,
    settings: &Settings,
    store: Option<(&incremental::Store, &Path)>,
) -> (Option<Vec<DocRange>>, Option<incremental::Key>) {
    let Ok(meta) = fs::metadata(path) else {
        return (None, None);
    };
    let size = meta.len();
    let single = |bytes: &[u8]| {
        let key = store.map(|(s, root)| file_key(s, root, path, bytes));
        (None, key)
    };
    let mut ranges = if size <= settings.limits.max_file_bytes {
        let Ok(bytes) = fs::read(path) else {
            return (None, None);
        };
        if !stream_index::may_be_stream(&bytes) {
            return single(&bytes);
        }
        let Ok(ranges) = stream_index::index(&bytes[..]) else {
            return (None, None);
        };
        if ranges.len() <= 1 {
            return single(&bytes);
        }
        ranges
    } else {
        let Ok(file) = File::open(path) else {
            return (None, None);
        };
        match stream_index::index(BufReader::with_capacity(1 << 20, file)) {
            Ok(ranges) => ranges,
            Err(_) => return (None, None),
        }
    };
    // Documents whose id is not a plain `id:` line: parse them to learn it.
    for (i, range) in ranges.iter_mut().enumerate() {
        if range.id.is_none()
            && let Ok(Some(doc)) = read_doc(path, i, range, settings)
        {
            range.id = doc
                .get("id")
                .and_then(Node::as_str)
                .map(|s| s.trim().into());
        }
    }
    (Some(ranges), None)
}

/// The incremental-cache key of a single-record file with these bytes.
fn file_key(
    store: &incremental::Store,
    root: &Path,
    path: &Path,
    bytes: &[u8],
) -> incremental::Key {
    let relative = path.strip_prefix(root).unwrap_or(path);
    store.key(relative, u32::MAX, 0, bytes)
}

/// Read and parse one document of a stream; positions are those in the whole file.
fn read_doc(
    path: &Path,
    ordinal: usize,
    range: &DocRange,
    settings: &Settings,
) -> Result<Option<Node>, Finding> {
    let at = Location {
        line: range.line + 1,
        col: 1,
    };
    if range.len > settings.limits.max_file_bytes {
        return Err(Finding::new(
            Code::Limit,
            path,
            Some(at),
            format!(
                "document {} is {} bytes, more than the limit of {} bytes",
                ordinal + 1,
                range.len,
                settings.limits.max_file_bytes
            ),
        )
        .with_help("split the document"));
    }
    let unreadable = |e: std::io::Error| {
        Finding::new(Code::Unreadable, path, None, format!("cannot be read: {e}"))
            .with_help("check that the file exists and that you may read it")
    };
    let bytes = read_range(path, range).map_err(unreadable)?;
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
fn read_range(path: &Path, range: &DocRange) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(range.offset))?;
    let mut bytes = vec![0; range.len as usize];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The cache entry of a unit processed now (`None` if a fragment is not UTF-8 text).
fn entry(result: &FileResult, fragments: &mut [Fragment]) -> Option<Vec<u8>> {
    let place = |r: &Reference| (r.id.clone(), r.location.line as u32, r.location.col as u32);
    let outlines = result
        .outlines
        .iter()
        .map(|o| CachedOutline {
            in_stream: o.in_stream,
            id: o.id.as_ref().map(place),
            related: o.related.iter().map(place).collect(),
            collections: o.collections.iter().map(place).collect(),
        })
        .collect();
    let mut records = Vec::with_capacity(fragments.len());
    for (record, f) in result.records.iter().zip(fragments.iter_mut()) {
        let mentions = record
            .mentions
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.written.clone(),
                    m.kind.as_str().to_string(),
                    i as u32,
                    m.location.line as u32,
                    m.location.col as u32,
                )
            })
            .collect();
        let cached = CachedRecord {
            id: f.id.clone(),
            dc: String::from_utf8(std::mem::take(&mut f.dc)).ok()?,
            csv: String::from_utf8(f.csv.clone()).ok()?,
            jsonld: String::from_utf8(f.jsonld.clone()).ok()?,
            agents: f
                .agents
                .iter()
                .map(|(iri, a)| (iri.clone(), CachedAgent::of(a)))
                .collect(),
        };
        records.push((cached, mentions));
    }
    serde_json::to_vec(&Entry {
        documents: result.documents,
        outlines,
        records,
    })
    .ok()
}

/// Move every position of a tree down by `lines`.
pub(crate) fn shift_lines(node: &mut Node, lines: usize) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        n.span.start.line += lines;
        n.span.end.line += lines;
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

/// What every unit's processing shares.
struct Ctx<'a> {
    root: &'a Path,
    /// The incremental-cache key of each single-record file, as the index pass read it.
    file_keys: &'a [Option<incremental::Key>],
    /// The Dublin Core folder of the previous run, whose unchanged files are linked into the
    /// new one instead of being written again.
    previous: Option<&'a Path>,
    store: Option<&'a incremental::Store>,
    files: &'a [Box<Path>],
    docs: &'a [StreamDoc],
    settings: &'a Settings,
    authorities: &'a crate::normalize::names::AuthorityIndex,
    staging: Option<&'a Path>,
    export: &'a ExportOptions,
}

impl Ctx<'_> {
    /// Write a Dublin Core file into the staging folder. When the previous run's file of the
    /// same name holds the same bytes, it is hard-linked instead: creating tens of thousands
    /// of new inodes (and freeing as many old ones) is most of a re-run's time on ext4.
    fn put_dc(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if let (Some(previous), Some(name)) = (self.previous, path.file_name()) {
            let old = previous.join(name);
            if fs::symlink_metadata(&old)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && fs::read(&old).is_ok_and(|b| b == bytes)
                && fs::hard_link(&old, path).is_ok()
            {
                return Ok(());
            }
        }
        fs::write(path, bytes)
    }

    /// The unit's key in the incremental cache (`None`: not cached), and its bytes, so that
    /// a unit not found in the cache is not read again.
    fn unit_key(&self, unit: Unit) -> Option<(incremental::Key, Vec<u8>)> {
        let store = self.store?;
        let limit = self.settings.limits.max_file_bytes;
        let (file, ordinal, line, bytes) = match unit {
            Unit::File(f) => {
                let path = &self.files[f as usize];
                if fs::metadata(path).ok()?.len() > limit {
                    return None;
                }
                let bytes = fs::read(path).ok()?;
                return Some((file_key(store, self.root, path, &bytes), bytes));
            }
            Unit::Doc(d) => {
                let doc = &self.docs[d as usize];
                if doc.range.len > limit {
                    return None;
                }
                let path = &self.files[doc.file as usize];
                let bytes = read_range(path, &doc.range).ok()?;
                (doc.file, doc.ordinal, doc.range.line, bytes)
            }
        };
        let path = &self.files[file as usize];
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        Some((store.key(relative, ordinal, line, &bytes), bytes))
    }

    /// A unit as the previous run left it in the cache.
    fn replay(
        &self,
        unit: Unit,
        entry: Entry,
        key: incremental::Key,
        raw: Vec<u8>,
    ) -> Result<Done, RunError> {
        let (file, ordinal) = match unit {
            Unit::File(f) => (f, 0u32),
            Unit::Doc(d) => (self.docs[d as usize].file, self.docs[d as usize].ordinal),
        };
        let place = |(id, line, col): &incremental::Ref| -> (Box<str>, Loc) {
            (
                id.as_str().into(),
                Loc {
                    line: *line,
                    col: *col,
                },
            )
        };
        let mut done = Done {
            briefs: entry
                .outlines
                .iter()
                .map(|o| Brief {
                    file,
                    in_stream: o.in_stream,
                    valid: false,
                    mine: true,
                    id: o.id.as_ref().map(place),
                    related: o.related.iter().map(place).collect(),
                    collections: o.collections.iter().map(place).collect(),
                })
                .collect(),
            documents: entry.documents,
            cache: Some((key, raw)),
            ..Done::default()
        };
        for (record, mentions) in entry.records {
            if let Some(dir) = self.staging {
                let path = dir.join(format!("{}.xml", record.id));
                if !safe_file_stem(&record.id) {
                    return Err(RunError::Internal(format!(
                        "cached record id `{}` cannot name a file",
                        record.id
                    )));
                }
                self.put_dc(&path, record.dc.as_bytes())
                    .map_err(|source| PublishError {
                        path: path.clone(),
                        source,
                    })?;
            }
            for (written, kind, i, line, col) in mentions {
                let loc = Loc { line, col };
                done.mentions
                    .push((written, Entry::kind(&kind), (file, ordinal, i, loc)));
            }
            done.fragments.push(Fragment {
                id: record.id,
                csv: record.csv.into_bytes(),
                jsonld: record.jsonld.into_bytes(),
                agents: record
                    .agents
                    .into_iter()
                    .map(|(iri, a)| (iri, a.node()))
                    .collect(),
                dc: Vec::new(),
            });
        }
        Ok(done)
    }

    fn process(&self, unit: Unit, mine: bool) -> Result<Done, RunError> {
        // A single-record file whose bytes, as the index pass read them, are in the cache.
        if let (Some(store), Unit::File(f), true) = (self.store, unit, mine)
            && let Some(key) = self.file_keys[f as usize]
            && let Some((entry, raw)) = store.get(&key)
        {
            return self.replay(unit, entry, key, raw);
        }
        let (key, bytes) = match if mine { self.unit_key(unit) } else { None } {
            Some((key, bytes)) => (Some(key), Some(bytes)),
            None => (None, None),
        };
        if let (Some(store), Some(key)) = (self.store, key)
            && let Some((entry, raw)) = store.get(&key)
        {
            return self.replay(unit, entry, key, raw);
        }
        let (file, ordinal, mut result) = match unit {
            Unit::File(f) => {
                let path = &self.files[f as usize];
                let r = match &bytes {
                    Some(bytes) => {
                        catalogue::process_bytes(path, bytes, self.settings, self.authorities, mine)
                    }
                    None => catalogue::process_file(path, self.settings, self.authorities, mine),
                };
                (f, 0u32, r)
            }
            Unit::Doc(d) => {
                let doc = &self.docs[d as usize];
                let path = &self.files[doc.file as usize];
                let mut r = FileResult::default();
                let node = match read_doc(path, doc.ordinal as usize, &doc.range, self.settings) {
                    Ok(Some(node)) => Some(node),
                    // A document of comments only: as the parser would see it, empty.
                    Ok(None) => Some(Node {
                        span: Default::default(),
                        value: Value::Null,
                    }),
                    Err(finding) => {
                        if mine {
                            r.findings.push(finding);
                            r.documents = 1;
                        }
                        None
                    }
                };
                if let Some(node) = node {
                    catalogue::process_document(
                        path,
                        doc.ordinal as usize,
                        &node,
                        true,
                        self.settings,
                        self.authorities,
                        mine,
                        &mut r,
                    );
                }
                (doc.file, doc.ordinal, r)
            }
        };
        let mut done = Done {
            briefs: result
                .outlines
                .iter()
                .map(|o| Brief::of(file, o, mine))
                .collect(),
            findings: std::mem::take(&mut result.findings),
            documents: result.documents,
            ..Done::default()
        };
        for record in &result.records {
            for (i, m) in record.mentions.iter().enumerate() {
                let place = (file, ordinal, i as u32, m.location.into());
                done.mentions.push((m.written.clone(), m.kind, place));
            }
            done.fragments.push(self.render(record)?);
        }
        // Only a unit that came through with no finding at all is cached.
        let clean = done.findings.is_empty()
            && result.records.len() == result.outlines.len()
            && result.records.len() == result.documents;
        if let Some(key) = key.filter(|_| clean) {
            done.cache = entry(&result, &mut done.fragments).map(|e| (key, e));
        }
        for f in &mut done.fragments {
            f.dc = Vec::new();
        }
        Ok(done)
    }

    fn render(&self, record: &Record) -> Result<Fragment, RunError> {
        let options = self.export;
        let Some(dir) = self.staging else {
            // Validating only: nothing is written, so nothing is rendered.
            return Ok(Fragment {
                id: record.id.clone(),
                csv: Vec::new(),
                jsonld: Vec::new(),
                agents: Vec::new(),
                dc: Vec::new(),
            });
        };
        let dc = {
            let path = dir.join(format!("{}.xml", record.id));
            let fail = |source: std::io::Error| PublishError {
                path: path.clone(),
                source,
            };
            if !safe_file_stem(&record.id) {
                return Err(fail(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the record id cannot name a file inside the output folder",
                ))
                .into());
            }
            let bytes = dublin_core::render(record, options).map_err(fail)?;
            self.put_dc(&path, &bytes).map_err(fail)?;
            bytes
        };
        // The writer's own buffer only stages bytes on their way into the row (flushed when
        // full, so its size never shows in the output): 256 bytes instead of the default
        // 8 KiB, which were allocated and zeroed for every record.
        let mut csv = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .buffer_capacity(256)
            .from_writer(Vec::with_capacity(2048));
        csv.write_record(
            csv_export::row(record, options.csv_separator)
                .into_iter()
                .map(csv_export::neutralize),
        )
        .map_err(|e| RunError::Internal(e.to_string()))?;
        let csv = csv
            .into_inner()
            .map_err(|e| RunError::Internal(e.to_string()))?;
        let mut agents = Vec::new();
        let node = jsonld::RecordNode::new(record, options, |a| {
            let iri = jsonld::agent_iri(a, options);
            agents.push((iri.clone(), AgentNode::of(a)));
            iri
        });
        Ok(Fragment {
            id: record.id.clone(),
            csv,
            jsonld: graph_member(&node)?,
            agents,
            dc: if self.store.is_some() { dc } else { Vec::new() },
        })
    }
}

/// A node as it appears in the pretty-printed `@graph` array: indented by four spaces
/// ([`jsonld::graph_member`], written in one pass from the node).
fn graph_member<T: serde::Serialize + ?Sized>(node: &T) -> Result<Vec<u8>, RunError> {
    let mut out = Vec::with_capacity(2048);
    jsonld::graph_member(node, &mut out).map_err(|e| RunError::Internal(e.to_string()))?;
    Ok(out)
}

fn at(path: &Path) -> impl Fn(std::io::Error) -> PublishError + '_ {
    move |source| PublishError {
        path: path.to_path_buf(),
        source,
    }
}

impl Writers {
    fn new(
        output: &Path,
        options: &ExportOptions,
        _collections: &Option<Vec<Collection>>,
    ) -> Result<Writers, PublishError> {
        let generation = Generation::begin(output)?;
        let create = |name: &str| {
            let path = generation.path().join(name);
            File::create(&path).map_err(at(&path))
        };
        let mut csv = BufWriter::with_capacity(1 << 20, create("records.csv")?);
        let records = BufWriter::with_capacity(1 << 20, create(RECORDS_PART)?);
        let mut header = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(Vec::new());
        header
            .write_record(csv_export::COLUMNS)
            .map_err(|e| at(output)(std::io::Error::other(e)))?;
        let header = header
            .into_inner()
            .map_err(|e| at(output)(std::io::Error::other(e.to_string())))?;
        csv.write_all(&header).map_err(at(output))?;
        Ok(Writers {
            staged: Staged {
                output: output.to_path_buf(),
                generation,
                agents: BTreeMap::new(),
                collections: Vec::new(),
                options: options.clone(),
                written: 0,
                shard: None,
                pack: None,
            },
            csv,
            records,
            last_id: None,
        })
    }

    fn append(&mut self, f: Fragment) -> Result<(), RunError> {
        if let Some(last) = &self.last_id {
            if f.id < *last {
                return Err(RunError::Internal(format!(
                    "record `{}` came after `{last}`: the stream index and the parsed id disagree",
                    f.id
                )));
            }
            if f.id == *last {
                return Ok(()); // a duplicate id: X001 fails the run
            }
        }
        let out = self.staged.output.clone();
        self.csv.write_all(&f.csv).map_err(at(&out))?;
        if self.staged.written > 0 {
            self.records.write_all(b",\n").map_err(at(&out))?;
        }
        self.records.write_all(&f.jsonld).map_err(at(&out))?;
        for (iri, node) in f.agents {
            match self.staged.agents.get_mut(&iri) {
                Some(existing) => existing.merge(node),
                None => {
                    if let Some((_, first)) = self.staged.shard.as_mut() {
                        first.insert(iri.clone(), f.id.clone());
                    }
                    self.staged.agents.insert(iri, node);
                }
            }
        }
        self.staged.written += 1;
        self.last_id = Some(f.id);
        Ok(())
    }

    fn finish(self) -> Result<Staged, PublishError> {
        let out = self.staged.output.clone();
        self.csv
            .into_inner()
            .map_err(|e| at(&out)(e.into_error()))?;
        self.records
            .into_inner()
            .map_err(|e| at(&out)(e.into_error()))?;
        Ok(self.staged)
    }
}

impl Staged {
    /// Records written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Assemble the JSON-LD document, flush everything to disk and switch the new
    /// generation in.
    pub fn publish(self) -> Result<Published, PublishError> {
        let output = &self.output;
        let generation = self.generation;
        let jsonld_path = generation.path().join("records.jsonld");
        let part_path = generation.path().join(RECORDS_PART);
        {
            let file = File::create(&jsonld_path).map_err(at(&jsonld_path))?;
            let mut w = BufWriter::with_capacity(1 << 20, file);
            let empty =
                serde_json::json!({ "@context": jsonld::context(&self.options), "@graph": [] });
            let text = serde_json::to_string_pretty(&empty)
                .map_err(|e| at(output)(std::io::Error::other(e)))?;
            let head = text.strip_suffix("[]\n}").unwrap_or(&text);
            let mut members = 0usize;
            let mut member = |w: &mut BufWriter<File>, bytes: &[u8]| -> std::io::Result<()> {
                w.write_all(if members == 0 { b"[\n" } else { b",\n" })?;
                members += 1;
                w.write_all(bytes)
            };
            let io = |e: RunError| at(output)(std::io::Error::other(e.to_string()));
            w.write_all(head.as_bytes()).map_err(at(output))?;
            for c in &self.collections {
                let bytes = graph_member(&jsonld::collection_node(c, &self.options)).map_err(io)?;
                member(&mut w, &bytes).map_err(at(output))?;
            }
            for (iri, a) in &self.agents {
                let bytes =
                    graph_member(&jsonld::agent_node(iri.clone(), a.clone())).map_err(io)?;
                member(&mut w, &bytes).map_err(at(output))?;
            }
            if self.written > 0 {
                member(&mut w, b"").map_err(at(output))?;
                let mut records = File::open(&part_path).map_err(at(&part_path))?;
                std::io::copy(&mut records, &mut w).map_err(at(output))?;
            }
            let tail: &[u8] = if members == 0 {
                b"[]\n}\n"
            } else {
                b"\n  ]\n}\n"
            };
            w.write_all(tail).map_err(at(output))?;
            w.into_inner().map_err(|e| at(output)(e.into_error()))?;
        }
        fs::remove_file(&part_path).map_err(at(&part_path))?;
        if let Some((shard, first)) = &self.shard {
            // The manifest sits beside the outputs; it is written before the switch, and
            // `merge` checks its record count against the outputs.
            let text = crate::shard::manifest(*shard, self.written, &self.agents, first)
                .map_err(|e| at(output)(std::io::Error::other(e)))?;
            let path = output.join(crate::shard::MANIFEST);
            let mut tmp = tempfile::Builder::new()
                .prefix(".manifest-")
                .tempfile_in(output)
                .map_err(at(output))?;
            tmp.write_all(text.as_bytes()).map_err(at(output))?;
            tmp.persist(&path).map_err(|e| PublishError {
                path: path.clone(),
                source: e.error,
            })?;
        }
        generation.commit()?;
        if let Some(pack) = self.pack {
            // The cache is only an optimization: a pack that cannot be put in place is left.
            let _ = pack.finish();
        }
        Ok(Published {
            dc_files: self.written,
        })
    }

    /// Staged outputs assembled by `pipeline merge`: `generation` holds `dc/`,
    /// `records.csv` and the record nodes in [`Staged::records_part`].
    pub(crate) fn from_parts(
        output: &Path,
        generation: Generation,
        agents: BTreeMap<String, AgentNode>,
        collections: Vec<Collection>,
        options: ExportOptions,
        written: usize,
    ) -> Staged {
        Staged {
            output: output.to_path_buf(),
            generation,
            agents,
            collections,
            options,
            written,
            shard: None,
            pack: None,
        }
    }

    /// Where the JSON-LD record nodes are gathered inside a generation.
    pub(crate) fn records_part(generation: &Generation) -> PathBuf {
        generation.path().join(RECORDS_PART)
    }
}

/// The cross-record checks over the outlines; also how many valid records they refused.
fn cross_check(
    briefs: &[Brief],
    files: &[Box<Path>],
    collections: Option<&[Collection]>,
) -> (Vec<Finding>, usize) {
    let mut findings = Vec::new();
    let mut refused = vec![false; briefs.len()];
    // Ids, sorted, with the outline that holds each.
    let mut ids: Vec<(&str, usize)> = briefs
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.id.as_ref().map(|(id, _)| (&**id, i)))
        .collect();
    ids.sort();
    for group in ids.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        let mut places: Vec<(usize, &Path, Location)> = group
            .iter()
            .map(|&(_, i)| {
                let b = &briefs[i];
                let loc = b.id.as_ref().map(|(_, l)| (*l).into()).unwrap_or_default();
                (i, &*files[b.file as usize], loc)
            })
            .collect();
        // The in-memory check lists places in discovery order.
        places.sort_by_key(|&(i, _, loc)| (briefs[i].file, loc));
        let bare: Vec<(&Path, Location)> = places.iter().map(|&(_, f, l)| (f, l)).collect();
        for (k, &(i, _, _)) in places.iter().enumerate() {
            findings.push(crosscheck::duplicate_id(group[0].0, &bare, k));
            refused[i] = true;
        }
    }
    let known: Vec<&str> = {
        let mut v: Vec<&str> = ids.iter().map(|(id, _)| *id).collect();
        v.dedup();
        v
    };
    for (i, b) in briefs.iter().enumerate() {
        let file = &files[b.file as usize];
        if !b.in_stream
            && let Some(id) = &b.id
            && let Some(f) = crosscheck::id_not_file_name(file, &reference(id))
        {
            findings.push(f);
            refused[i] = true;
        }
        for r in b.related.iter() {
            if known.binary_search(&&*r.0).is_err() {
                findings.push(crosscheck::unresolved_related(file, &reference(r), &known));
                refused[i] = true;
            }
        }
        for c in b.collections.iter() {
            if !collections
                .unwrap_or_default()
                .iter()
                .any(|k| *k.id == *c.0)
            {
                findings.push(crosscheck::unresolved_collection(
                    file,
                    &reference(c),
                    collections,
                ));
                refused[i] = true;
            }
        }
    }
    let refused = briefs
        .iter()
        .zip(&refused)
        .filter(|(b, r)| **r && b.valid && b.mine)
        .count();
    (findings, refused)
}
