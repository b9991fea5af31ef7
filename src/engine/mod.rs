//! The engine: the one streaming pass every command that reads a catalogue goes through
//! (`run`, `validate`, `validate FILE...`, `run --shard`), with bounded memory.
//!
//! A [`crate::engine::selection::Selection`] says which units are processed in full (all, one
//! shard's, the named files') and which are only outlined for the cross-record checks; the
//! options' output says where the results go (findings only, or exports staged in a new
//! generation of the output folder). Records flow through the stages in batches of
//! [`BATCH`]: each batch is read, validated, normalized and rendered in parallel (rayon), its
//! Dublin Core files are written to the staging folder at once, and its CSV rows and JSON-LD
//! record nodes are appended, in order, to temporary files in the output folder. What is
//! kept for the whole catalogue is small: the file list, a compact outline of each record
//! (id and references with their places, for the cross-record checks), one entry per
//! distinct agent (JSON-LD agent nodes) and per distinct spelling (name-variant warnings).
//!
//! Id order without holding the records, reading each file once: a single-record file must
//! be named after its id (X002 otherwise), so processing files sorted by stem gives their
//! records in id order. Each file is read once and processed from that read; a `---` stream
//! found that way is indexed ([`crate::read::stream_index`]: byte range and id of each document)
//! and its documents are processed after every file, sorted by id, each read by itself.
//! When the documents' ids fall between the files' ids, their CSV rows and JSON-LD nodes are
//! written to a second pair of files, and the two sequences are merged by id at the end
//! (records only move; the incremental cache's places are moved with them). Validating only
//! (nothing written, so no order to keep), nothing is sorted.
//!
//! When writing exports (without shards), each unit is first looked up in the incremental
//! cache ([`crate::engine::incremental`]) by the hash of its bytes: a unit found there is not parsed,
//! validated or rendered again, and a Dublin Core file identical to the previous run's is
//! hard-linked from it instead of written (creating inodes dominates a re-run otherwise).
//!
//! Nothing is published until the caller has seen the findings: [`Staged::publish`] assembles
//! the final files and swaps them in (the same write-then-rename as [`crate::output::publish`]); a
//! dropped [`Staged`] removes its temporary files. The CSV and JSON-LD are written with the
//! one encoder of each ([`crate::export::csv`], [`crate::export::jsonld`]).

pub mod catalogue;
pub mod convert;
pub mod incremental;
pub mod outline_cache;
pub mod selection;
pub mod shard;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Code, Finding, Location, sort_findings};
use crate::engine::catalogue::{Catalogue, FileResult, LoadError, Settings};
use crate::engine::incremental::{AgentView, CachedOutline, Entry, EntryView, Piece, RecordView};
use crate::engine::selection::{NamedFiles, Selection};
use crate::export::jsonld::{self, AgentNode};
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::fingerprint::find_variants_counted;
use crate::normalize::names::{Agent, AgentKind};
use crate::normalize::record::Record;
use crate::output::publish::{Generation, PublishError, Published};
use crate::output::staging::Folder;
use crate::read::contain::Scope;
use crate::read::file_list::FileList;
use crate::read::stream_index::{self, DocRange};
use crate::read::{self, Node, Value};
use crate::validate::crosscheck::Collection;
use crate::validate::crosscheck::safe_file_stem;
use crate::validate::outline_table::{Brief, Loc, OutlineTable, Text, TextArena};

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
    /// Which records are processed in full (the others are only outlined).
    pub selection: Selection,
    /// Called with (units done, units in all) as the run advances.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Gather the run report's aggregates ([`crate::report`]) into
    /// [`Catalogue::aggregates`]. Units are then never replayed from the incremental cache
    /// (it keeps their exports, not what the report counts); they are still stored in it.
    pub report: bool,
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

/// One document of a `---` stream, indexed: 40 bytes, its id in a [`TextArena`] (a stream of a
/// million records keeps a million of these for the whole run).
struct StreamDoc {
    file: u32,
    /// Its number in the file, from 0.
    ordinal: u32,
    offset: u64,
    len: u64,
    line: u64,
    /// Its id (the sort key), in the run's [`TextArena`] of document ids.
    key: Text,
}

impl StreamDoc {
    fn range(&self) -> DocRange {
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
enum Unit {
    File(u32),
    Doc(u32),
}

impl Unit {
    /// The file's or the document's number.
    fn index(self) -> u32 {
        match self {
            Unit::File(i) | Unit::Doc(i) => i,
        }
    }
}

/// A record rendered: its CSV row, JSON-LD node and the agents it mentions.
struct Fragment {
    id: String,
    /// Its CSV row, then its JSON-LD node: one buffer, so that a record's exports are one
    /// allocation on the thread that renders them and one free on the thread that writes.
    exports: Vec<u8>,
    csv_len: usize,
    agents: RecordAgents,
    /// The digest of its Dublin Core document (only for the incremental cache).
    dc: Option<incremental::Digest>,
}

impl Fragment {
    fn csv(&self) -> &[u8] {
        &self.exports[..self.csv_len]
    }

    fn jsonld(&self) -> &[u8] {
        &self.exports[self.csv_len..]
    }
}

/// The agents a record names, with their IRIs, for the JSON-LD agent nodes.
enum RecordAgents {
    /// As this run resolved them: every mention, in the record's order (shared with the
    /// memo of resolved names, so that a mention costs no copy of the agent's text).
    Resolved(Vec<(String, Arc<Agent>)>),
    /// As the incremental cache kept them: one node per agent.
    Nodes(Vec<(String, AgentNode)>),
}

/// Where a mention was written, ordered as the in-memory run orders them.
type MentionPlace = (u32, u32, u32, Loc);

/// What processing one unit gave.
#[derive(Default)]
struct Done {
    /// The unit: a file's or a document's number.
    unit: u32,
    briefs: Vec<Brief>,
    findings: Vec<Finding>,
    documents: usize,
    fragments: Vec<Fragment>,
    mentions: Vec<(Spelled, MentionPlace)>,
    /// What the run report counts of its valid records (only with `Options::report`).
    facts: Vec<crate::report::Facts>,
    /// The unit's key and the body of its entry for this run's incremental cache (the
    /// places of its exports are added when they are written).
    cache: Option<(incremental::Key, Vec<u8>)>,
}

/// What one unit of a batch gave: a unit processed, or (on the read of a file) a stream whose
/// documents are still to be processed.
enum Step {
    Done(Done),
    Stream(u32, Vec<DocRange>),
}

/// A name as written: in a record processed now, the agent it resolved to (so a mention
/// copies no text on its way to be gathered); in the cache, the spelling and kind.
enum Spelled {
    Agent(Arc<Agent>),
    Text(String, AgentKind),
}

impl Spelled {
    fn text(&self) -> &str {
        match self {
            Spelled::Agent(a) => &a.as_written,
            Spelled::Text(t, _) => t,
        }
    }

    fn kind(&self) -> AgentKind {
        match self {
            Spelled::Agent(a) => a.kind,
            Spelled::Text(_, k) => *k,
        }
    }
}

/// Every spelling of an agent: how often, and the first few places.
#[derive(Default)]
struct Spelling {
    count: usize,
    first: Vec<MentionPlace>,
}

/// The spellings of the catalogue, one map per kind, so that a spelling already seen is
/// found by its text without making a key for it. Hashed with foldhash: a lookup for every
/// name of every record.
#[derive(Default)]
struct Spellings {
    person: HashMap<String, Spelling, foldhash::fast::RandomState>,
    organization: HashMap<String, Spelling, foldhash::fast::RandomState>,
}

impl Spellings {
    fn add(&mut self, spelled: &Spelled, place: MentionPlace) {
        let map = match spelled.kind() {
            AgentKind::Person => &mut self.person,
            AgentKind::Organization => &mut self.organization,
        };
        let s = match map.get_mut(spelled.text()) {
            Some(s) => s,
            None => map.entry(spelled.text().to_string()).or_default(),
        };
        s.count += 1;
        s.first.push(place);
        s.first.sort();
        s.first.truncate(3);
    }

    /// Every spelling, with its kind.
    fn iter(&self) -> impl Iterator<Item = (&str, AgentKind, &Spelling)> {
        let person = self
            .person
            .iter()
            .map(|(w, s)| (w.as_str(), AgentKind::Person, s));
        let organization = self
            .organization
            .iter()
            .map(|(w, s)| (w.as_str(), AgentKind::Organization, s));
        person.chain(organization)
    }
}

/// What the run keeps of every unit, gathered on the calling thread in unit order.
#[derive(Default)]
struct Gathered {
    findings: Vec<Finding>,
    briefs: OutlineTable,
    spellings: Spellings,
    documents: usize,
    fragments: usize,
    aggregates: Option<Box<crate::report::Aggregates>>,
}

impl Gathered {
    /// Take the results of one batch, in order, and write their exports; the streams found
    /// are added to `streams`.
    fn take(
        &mut self,
        results: Vec<Result<Step, RunError>>,
        mut writers: Option<&mut Writers>,
        streams: &mut Vec<(u32, Vec<DocRange>)>,
    ) -> Result<(), RunError> {
        for step in results {
            let done = match step? {
                Step::Done(done) => done,
                Step::Stream(file, ranges) => {
                    streams.push((file, ranges));
                    continue;
                }
            };
            self.findings.extend(done.findings);
            self.documents += done.documents;
            // A unit renders at most a few records (one, unless a stream document is a list).
            for mut brief in done.briefs {
                brief.valid = brief
                    .id
                    .as_ref()
                    .is_some_and(|(id, _)| done.fragments.iter().any(|f| *f.id == **id));
                self.briefs
                    .push(brief)
                    .map_err(|e| RunError::Internal(e.to_string()))?;
            }
            for (spelled, place) in &done.mentions {
                self.spellings.add(spelled, *place);
            }
            if let Some(aggregates) = self.aggregates.as_deref_mut() {
                for facts in done.facts {
                    aggregates.add(facts);
                }
            }
            self.fragments += done.fragments.len();
            if let Some(w) = writers.as_deref_mut() {
                let mut places = Vec::with_capacity(done.fragments.len());
                for f in done.fragments {
                    places.push(w.append(f, done.unit)?);
                }
                if let Some((key, body)) = done.cache {
                    w.cache(&key, &body, &places);
                }
            }
        }
        Ok(())
    }

    /// Process `units` in batches on every thread with `work`, gathering each batch (and
    /// writing its exports) on this thread while the next one is processed, so that no core
    /// waits for the writing. Stops between batches on SIGINT/SIGTERM (once
    /// `publish::stop_on_signals` is set): the staged generation is then dropped, so nothing
    /// is left behind. Returns the streams found.
    fn batches(
        &mut self,
        units: &[Unit],
        work: &(dyn Fn(Unit) -> Result<Step, RunError> + Sync),
        mut writers: Option<&mut Writers>,
        root: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<(u32, Vec<DocRange>)>, RunError> {
        let mut streams = Vec::new();
        let mut pending: Option<(usize, Vec<Result<Step, RunError>>)> = None;
        for batch in units.chunks(BATCH) {
            crate::output::publish::interrupted(root)?;
            let (results, taken) = rayon::join(
                || batch.par_iter().map(|u| work(*u)).collect::<Vec<_>>(),
                || match pending.take() {
                    Some((n, results)) => self
                        .take(results, writers.as_deref_mut(), &mut streams)
                        .map(|()| n),
                    None => Ok(0),
                },
            );
            progress(taken? as u64);
            pending = Some((batch.len(), results));
        }
        if let Some((n, results)) = pending.take() {
            self.take(results, writers, &mut streams)?;
            progress(n as u64);
        }
        Ok(streams)
    }
}

/// The exports of a run, written into a new generation of the output folder
/// ([`crate::output::publish::Generation`]), waiting to be published.
pub struct Staged {
    output: PathBuf,
    generation: Generation,
    agents: BTreeMap<String, AgentNode>,
    /// The collection nodes that open the `@graph` (written with the context, before the
    /// records), and the record nodes after them: the members before the agents.
    collections: usize,
    written: usize,
    /// Where the record nodes begin in `records.jsonld`: after the context and the
    /// collection nodes, written before the first record.
    jsonld_base: u64,
    /// For a sharded run: the shard and the first record (id) that mentions each agent.
    shard: Option<(Shard, BTreeMap<String, String>)>,
    /// This run's incremental cache, put in place after the exports.
    pack: Option<incremental::PackWriter>,
}

struct Writers {
    staged: Staged,
    /// The part being written: the single-record files' records, then the stream
    /// documents' (in a second part when their ids fall between the files' ids).
    part: Part,
    /// The files' part, once a second part is being written.
    files_part: Option<Part>,
    /// The length of the CSV header in `records.csv` (what comes before the first record
    /// node in `records.jsonld` is `staged.jsonld_base`).
    header_len: u64,
    shard: Option<Shard>,
    /// Entries appended to this run's pack, and how many of them for the files' part.
    pack_entries: usize,
    files_part_entries: usize,
}

/// A sequence of records in id order, written to a CSV file and a file of JSON-LD record
/// nodes, each node after its `@graph` separator (`[\n` or `,\n`, two bytes).
struct Part {
    csv: BufWriter<File>,
    records: BufWriter<File>,
    csv_path: PathBuf,
    records_path: PathBuf,
    /// Bytes written so far to each; for the JSON-LD, since the first record's separator.
    csv_len: u64,
    records_len: u64,
    /// The `@graph` members before this part's first record.
    graph_members: usize,
    /// Every record written: (unit, length of its CSV row, length of its JSON-LD node).
    order: Vec<(u32, u32, u32)>,
    last_id: Option<String>,
    /// The agents its records name, and the first record (id) that names each.
    agents: BTreeMap<String, AgentNode>,
    first: BTreeMap<String, String>,
}

/// Where a record's CSV row and JSON-LD node were written, if they were.
type Written = Option<incremental::Place>;

/// Validate (and, with `options.output`, export) the catalogue under `root`.
pub fn run(
    root: &Path,
    settings: &Settings,
    options: &Options<'_>,
) -> Result<(Catalogue, Option<Staged>), RunError> {
    if !root.is_dir() {
        return Err(LoadError::MissingInput(root.to_path_buf()).into());
    }
    let mut files = FileList::new();
    let scope = settings.scope(root);
    let mut findings = crate::read::contain::discover(root, &scope, &mut |path| files.push(&path));
    let shard = options.selection.shard();
    let named = match &options.selection {
        Selection::Files(paths) => Some(NamedFiles::new(paths)),
        _ => None,
    };
    // The files read through a link that leads outside the catalogue, because the user
    // named the link (by number in `files`).
    let mut followed: HashSet<u32> = HashSet::new();
    if let Some(named) = &named {
        files = take_named_links(files, &mut findings, named, &mut followed);
    }
    // Which files are processed in full, for a selection of files.
    let selected: Vec<bool> = match &named {
        Some(named) => files.iter().map(|f| named.contains(f)).collect(),
        None => Vec::new(),
    };
    let (collections, collection_findings) = catalogue::load_collections(root, settings);
    findings.extend(collection_findings);
    let (authorities, authority_findings) = catalogue::load_authorities(root, settings);
    findings.extend(authority_findings);

    let mut docs: Vec<StreamDoc> = Vec::new();
    let mut doc_keys = TextArena::default();
    let mut units: Vec<Unit> = Vec::new();
    let mut writers: Option<Writers> = None;
    let mut gathered = Gathered {
        findings,
        briefs: OutlineTable::with_capacity(files.len()),
        aggregates: options.report.then(Box::default),
        ..Gathered::default()
    };
    // Each file is read once. A single-record file is processed from that read; a stream
    // is indexed from it, and its documents are processed after every file. Exports are
    // written in id order: the files are processed sorted by stem (a file is named after its
    // record's id), then the documents sorted by id; when those ids fall between the files'
    // ids, the documents' exports are written apart and the two sequences are merged at the
    // end ([`Writers::finish`]). Validating only, order does not matter (the findings are
    // sorted at the end, the cross-record checks sort what they compare), so nothing is
    // sorted.
    let ordered = !(options.output.is_none() && shard.is_none());
    // The files only outlined for a selection of files are outlined from the outline cache
    // when it knows them (and the cache learns the others).
    let outline_cache = named.is_some().then(|| {
        std::sync::Mutex::new(crate::engine::outline_cache::OutlineCache::open(
            root,
            &settings.limits,
        ))
    });
    let total_work = std::cell::Cell::new(files.len() as u64);
    let done_work = std::cell::Cell::new(0u64);
    let mut progress = |n: u64| {
        done_work.set(done_work.get() + n);
        if let Some(p) = options.progress {
            p(done_work.get(), total_work.get());
        }
    };
    if let Some(output) = options.output {
        let mut w = Writers::new(
            output,
            &options.export,
            collections.as_deref().unwrap_or_default(),
        )?;
        w.shard = shard;
        writers = Some(w);
    }
    // The incremental cache: runs that write exports, without shards. Opened once the new
    // generation exists, so that a first run that fails leaves no output folder behind.
    let store = match (options.output, shard) {
        (Some(output), None) => Some(incremental::Store::open(
            output,
            incremental::run_key(root, settings, &options.export),
        )),
        _ => None,
    };
    if let (Some(w), Some(store)) = (writers.as_mut(), store.as_ref()) {
        w.staged.pack = store.writer(w.staged.generation.path()).ok();
    }
    let staging = match writers.as_ref() {
        Some(w) => {
            let dir = w.staged.generation.dc_dir();
            Some(Folder::open(&dir).map_err(at(&dir))?)
        }
        None => None,
    };
    let previous = options
        .output
        .map(|o| o.join("dc"))
        .filter(|d| d.is_dir() && shard.is_none());
    // Taken once per file: the sort below compares stems about log2(files) times per file.
    let stems: Vec<&str> = files.iter().map(crate::read::file_list::stem).collect();
    let stem = |f: u32| -> &str { stems[f as usize] };
    // Whether a file (a single-record file by its stem, which is its record's id) or a
    // document (by its id, or by its file for a selection of files) is processed in full.
    let mine_file = |f: u32| match &named {
        Some(_) => selected[f as usize],
        None => shard.is_none_or(|s| s.owns(stem(f))),
    };
    let ctx = Ctx {
        root,
        scope: &scope,
        following: Scope::following(),
        followed: &followed,
        outline_cache: outline_cache.as_ref(),
        previous: previous.as_deref(),
        store: store.as_ref(),
        files: &files,
        docs: &[],
        settings,
        authorities: &authorities,
        staging: staging.as_ref(),
        export: &options.export,
        report: options.report,
    };

    let mut file_units: Vec<Unit> = (0..files.len() as u32).map(Unit::File).collect();
    if ordered {
        file_units.sort_by(|a, b| stem(a.index()).cmp(stem(b.index())));
    }
    let work = |u: Unit| match u {
        Unit::File(f) => ctx.file_step(f, mine_file(f)),
        Unit::Doc(_) => Err(RunError::Internal("a document before its stream".into())),
    };
    let streams = gathered.batches(&file_units, &work, writers.as_mut(), root, &mut progress)?;
    drop(file_units);

    for (file, ranges) in streams {
        push_stream(file, ranges, &mut docs, &mut doc_keys, &mut units)?;
    }
    let doc_key = |d: u32| doc_keys.get(docs[d as usize].key);
    let mine_doc = |d: u32| match &named {
        Some(_) => selected[docs[d as usize].file as usize],
        None => shard.is_none_or(|s| s.owns(doc_key(d))),
    };
    if ordered {
        units.sort_by(|a, b| doc_key(a.index()).cmp(doc_key(b.index())));
    }
    total_work.set(total_work.get() + units.len() as u64);
    if let (Some(w), Some(Unit::Doc(first))) = (writers.as_mut(), units.first()) {
        w.documents_from(doc_key(*first))?;
    }
    let ctx = Ctx { docs: &docs, ..ctx };
    let work = |u: Unit| match u {
        Unit::Doc(d) => ctx.doc_step(d, mine_doc(d)),
        Unit::File(_) => Err(RunError::Internal("a file among documents".into())),
    };
    gathered.batches(&units, &work, writers.as_mut(), root, &mut progress)?;
    let Gathered {
        mut findings,
        briefs,
        spellings,
        documents,
        fragments,
        mut aggregates,
    } = gathered;

    // Cross-record checks over every outline.
    let (cross, refused) = briefs.cross_check(&files, collections.as_deref());
    findings.extend(cross);
    let groups = find_variants_counted(
        spellings
            .iter()
            .map(|(w, k, s)| (w, k, s.count, s.first.clone())),
        &authorities,
    );
    let groups: Vec<crate::normalize::names::fingerprint::VariantGroup<(PathBuf, Location)>> =
        groups
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
    if let Some(a) = aggregates.as_deref_mut() {
        a.names = groups.iter().map(crate::report::NameCluster::of).collect();
    }
    findings.extend(crate::validate::name_variants::variant_findings(groups));
    findings.extend(crate::validate::name_variants::near_authority_findings(
        spellings.iter().map(|(w, k, s)| {
            let places = s
                .first
                .iter()
                .map(|(f, _, _, l)| (files[*f as usize].to_path_buf(), Location::from(*l)))
                .collect();
            (w, k, s.count, places)
        }),
        &authorities,
    ));
    if let Some(named) = &named {
        // Only the named files' findings are reported; but a refused collections or
        // authority file changes the checks of every file, whatever is named.
        let special = [
            root.join(catalogue::COLLECTIONS_FILE),
            root.join(catalogue::AUTHORITIES_FILE),
        ];
        findings.retain(|f| {
            named.contains(&f.file)
                || (matches!(f.code, Code::OutsideLink | Code::Unreadable)
                    && special.contains(&f.file))
        });
    }
    if let Some(cache) = outline_cache {
        let cache = cache.into_inner().unwrap_or_else(|e| e.into_inner());
        cache.save(&Vec::from(&files));
    }
    if shard.is_some() {
        let mine: HashSet<&Path> = (0..briefs.len())
            .filter(|&i| briefs.mine(i))
            .map(|i| &files[briefs.file(i) as usize])
            .collect();
        // Findings in other shards' files are theirs to report; those in the collections
        // and authority files are reported by every shard.
        findings.retain(|f| {
            mine.contains(f.file.as_path()) || files.binary_search(f.file.as_path()).is_err()
        });
    }
    sort_findings(&mut findings);
    let catalogue = Catalogue {
        records: Vec::new(),
        collections: collections.clone().unwrap_or_default(),
        findings,
        files: match &named {
            Some(_) => selected.iter().filter(|&&s| s).count(),
            None => files.len(),
        },
        documents,
        valid: fragments - refused,
        aggregates,
    };
    let staged = match writers {
        Some(w) => {
            let id = |second: bool, unit: u32| {
                if second { doc_key(unit) } else { stem(unit) }.to_string()
            };
            Some(w.finish(&id)?)
        }
        None => None,
    };
    Ok((catalogue, staged))
}

/// The files of the catalogue, with the links among them that lead outside it but that the
/// user named (`pipeline validate LINK`): those are taken back from the findings (they were
/// refused as Y009 when discovered) and read through the link (their numbers in the new
/// list are put in `followed`).
fn take_named_links(
    files: FileList,
    findings: &mut Vec<Finding>,
    named: &NamedFiles,
    followed: &mut HashSet<u32>,
) -> FileList {
    let mut links = Vec::new();
    findings.retain(|f| {
        let take = f.code == Code::OutsideLink
            && crate::read::contain::is_record_file(&f.file)
            && named.names_link(&f.file);
        if take {
            links.push(f.file.clone());
        }
        !take
    });
    if links.is_empty() {
        return files;
    }
    let mut all: Vec<PathBuf> = Vec::from(&files);
    all.extend(links.iter().cloned());
    all.sort();
    let files: FileList = all.iter().collect();
    for link in &links {
        if let Ok(i) = files.binary_search(link) {
            followed.insert(i as u32);
        }
    }
    files
}

/// Add the documents of the stream `file` to the units to process.
fn push_stream(
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
enum Classified {
    /// A single-record file, with its bytes when they could be read within the limits
    /// (otherwise processing it reports why).
    Single(Option<Vec<u8>>),
    /// A `---` stream of several documents.
    Stream(Vec<DocRange>),
}

/// Read a file once and tell a stream from a single-record file. Problems reading it are
/// left for the processing stage to report.
fn classify(path: &Path, settings: &Settings, scope: &Scope) -> Classified {
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
fn learn_ids(path: &Path, ranges: &mut [DocRange], settings: &Settings, scope: &Scope) {
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
fn file_key(
    store: &incremental::Store,
    root: &Path,
    path: &Path,
    bytes: &[u8],
) -> incremental::Key {
    let relative = crate::read::file_list::relative_to(path, root);
    store.key(relative, u32::MAX, 0, bytes)
}

/// Read and parse one document of a stream; positions are those in the whole file.
fn read_doc(
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
fn parse_doc(
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
        .with_help("split the document, or raise the limit with --max-file-bytes"));
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
fn read_range(path: &Path, range: &DocRange, scope: &Scope) -> std::io::Result<Vec<u8>> {
    let mut file = scope.open(path)?;
    file.seek(SeekFrom::Start(range.offset))?;
    let mut bytes = vec![0; range.len as usize];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The body of the cache entry of a unit processed now, encoded from the run's own values;
/// the places of its exports are added when they are written ([`Writers::cache`]).
fn entry_body(result: &FileResult, fragments: &[Fragment]) -> Option<Vec<u8>> {
    let outlines = result.outlines.iter().map(CachedOutline::of).collect();
    let mut records = Vec::with_capacity(fragments.len());
    for (record, f) in result.records.iter().zip(fragments) {
        let mentions = record
            .mentions
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.written(),
                    m.kind().as_str(),
                    i as u32,
                    m.location.line as u32,
                    m.location.col as u32,
                )
            })
            .collect();
        records.push(RecordView {
            id: &f.id,
            dc: f.dc?,
            csv: Piece {
                digest: incremental::digest(f.csv()),
                ..Piece::default()
            },
            jsonld: Piece {
                digest: incremental::digest(f.jsonld()),
                ..Piece::default()
            },
            agents: match &f.agents {
                RecordAgents::Resolved(mentions) => AgentView::group(mentions),
                // Only a record processed now is encoded (a cached one carries its body).
                RecordAgents::Nodes(_) => return None,
            },
            mentions,
        });
    }
    EntryView {
        documents: result.documents,
        outlines,
        records,
    }
    .encode()
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
    /// Where the catalogue's files may be read from (records are opened through it).
    scope: &'a Scope,
    /// For the files in `followed`: links that lead outside the catalogue, named by the user
    /// and read through.
    following: Scope,
    followed: &'a HashSet<u32>,
    /// For a selection of files: the outlines of the other files, kept between runs.
    outline_cache: Option<&'a std::sync::Mutex<crate::engine::outline_cache::OutlineCache>>,
    /// The Dublin Core folder of the previous run, whose unchanged files are linked into the
    /// new one instead of being written again.
    previous: Option<&'a Path>,
    store: Option<&'a incremental::Store>,
    files: &'a FileList,
    docs: &'a [StreamDoc],
    settings: &'a Settings,
    authorities: &'a crate::normalize::names::AuthorityIndex,
    staging: Option<&'a Folder>,
    export: &'a ExportOptions,
    /// Whether the run report's facts are taken (and the cache is not replayed).
    report: bool,
}

impl Ctx<'_> {
    /// Where file `f` may be read from.
    fn scope_of(&self, f: u32) -> &Scope {
        if self.followed.contains(&f) {
            &self.following
        } else {
            self.scope
        }
    }

    /// A file only outlined, from the outline cache; `Err` with its stamp when the cache does
    /// not know this version of it (`None` without a cache).
    fn cached_outlines(&self, f: u32) -> Result<Done, Option<crate::engine::outline_cache::Stamp>> {
        let cache = self.outline_cache.ok_or(None)?;
        let path = &self.files[f as usize];
        let stamp = fs::metadata(path)
            .map(|m| crate::engine::outline_cache::Stamp::of(&m))
            .map_err(|_| None)?;
        let outlines = cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path, &stamp)
            .ok_or(Some(stamp))?;
        Ok(Done {
            unit: f,
            briefs: outlines.iter().map(|o| Brief::of(f, o, false)).collect(),
            ..Done::default()
        })
    }

    /// Write a Dublin Core file into the staging folder. When the previous run's file of the
    /// same name holds the same bytes, it is hard-linked instead: creating tens of thousands
    /// of new inodes (and freeing as many old ones) is most of a re-run's time on ext4.
    fn put_dc(&self, dir: &Folder, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(previous) = self.previous {
            let old = previous.join(name);
            if fs::symlink_metadata(&old)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && fs::read(&old).is_ok_and(|b| b == bytes)
                && fs::hard_link(&old, dir.path(name)).is_ok()
            {
                return Ok(());
            }
        }
        dir.write_new(name, bytes)
    }

    /// A document's key in the incremental cache (`None`: not cached), and its bytes, so
    /// that a document not found in the cache is not read again.
    fn doc_cache_key(&self, d: u32) -> Option<(incremental::Key, Vec<u8>)> {
        let store = self.store?;
        let doc = &self.docs[d as usize];
        if doc.len > self.settings.limits.max_file_bytes {
            return None;
        }
        let path = &self.files[doc.file as usize];
        let bytes = read_range(path, &doc.range(), self.scope_of(doc.file)).ok()?;
        let relative = crate::read::file_list::relative_to(path, self.root);
        let key = store.key(relative, doc.ordinal, doc.line as usize, &bytes);
        Some((key, bytes))
    }

    /// The unit found in the cache under `key`, if there is one whose exports are still
    /// whole in the previous generation.
    fn cached(&self, unit: Unit, key: Option<incremental::Key>) -> Option<Done> {
        let (store, key) = self.store.zip(key)?;
        if self.report {
            return None;
        }
        let (entry, body) = store.get(&key)?;
        self.replay(unit, entry, (key, body))
    }

    /// A unit as the previous run left it in the cache, if its exports are still in the
    /// previous generation as they were written (`None`: process the unit again).
    fn replay(&self, unit: Unit, entry: Entry, cache: (incremental::Key, Vec<u8>)) -> Option<Done> {
        let store = self.store?;
        let (file, ordinal) = match unit {
            Unit::File(f) => (f, 0u32),
            Unit::Doc(d) => (self.docs[d as usize].file, self.docs[d as usize].ordinal),
        };
        // Everything is read back and checked before anything is written.
        let exports: Vec<incremental::Replayed> = entry
            .records
            .iter()
            .map(|r| store.replay(r).filter(|_| safe_file_stem(&r.id)))
            .collect::<Option<_>>()?;
        if let Some(dir) = self.staging {
            for (record, replayed) in entry.records.iter().zip(&exports) {
                let name = format!("{}.xml", record.id);
                fs::hard_link(&replayed.dc_path, dir.path(&name))
                    .or_else(|_| dir.write_new(&name, &replayed.dc))
                    .ok()?;
            }
        }
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
            ..Done::default()
        };
        for (record, replayed) in entry.records.into_iter().zip(exports) {
            for (written, kind, i, line, col) in record.mentions.iter().cloned() {
                let loc = Loc { line, col };
                done.mentions.push((
                    Spelled::Text(written, Entry::kind(&kind)),
                    (file, ordinal, i, loc),
                ));
            }
            done.fragments.push(Fragment {
                id: record.id.clone(),
                csv_len: replayed.csv.len(),
                exports: [replayed.csv, replayed.jsonld].concat(),
                agents: RecordAgents::Nodes(
                    record
                        .agents
                        .iter()
                        .map(|(iri, a)| (iri.clone(), a.clone().node()))
                        .collect(),
                ),
                dc: Some(record.dc),
            });
        }
        done.cache = Some(cache);
        Some(done)
    }

    /// The one read of a file: a single-record file is processed from the bytes read (or
    /// found by them in the incremental cache); a stream is handed back, indexed, to have its
    /// documents processed after every file.
    fn file_step(&self, f: u32, mine: bool) -> Result<Step, RunError> {
        let path = &self.files[f as usize];
        let scope = self.scope_of(f);
        // A file only outlined may be known to the outline cache.
        let stamp = match (!mine).then(|| self.cached_outlines(f)) {
            Some(Ok(done)) => return Ok(Step::Done(done)),
            Some(Err(stamp)) => stamp,
            None => None,
        };
        let bytes = match classify(path, self.settings, scope) {
            Classified::Single(bytes) => bytes,
            Classified::Stream(mut ranges) => {
                // (A stream's documents are outlined one by one, and not kept in the
                // outline cache: a stream of a million records would be held whole.)
                learn_ids(path, &mut ranges, self.settings, scope);
                return Ok(Step::Stream(f, ranges));
            }
        };
        let key = match (self.store, &bytes) {
            (Some(store), Some(bytes)) if mine => Some(file_key(store, self.root, path, bytes)),
            _ => None,
        };
        let done = match self.cached(Unit::File(f), key) {
            Some(done) => done,
            None => {
                let (settings, authorities) = (self.settings, self.authorities);
                let result = match bytes {
                    Some(bytes) => {
                        catalogue::process_bytes(path, &bytes, settings, authorities, mine)
                    }
                    None => catalogue::process_file(path, settings, scope, authorities, mine),
                };
                if let (Some(stamp), Some(cache)) = (stamp, self.outline_cache) {
                    cache.lock().unwrap_or_else(|e| e.into_inner()).put(
                        path,
                        stamp,
                        &result.outlines,
                    );
                }
                self.finish(f, 0, result, mine, key)?
            }
        };
        Ok(Step::Done(Done { unit: f, ..done }))
    }

    /// One document of a stream, read by itself (or found in the incremental cache).
    fn doc_step(&self, d: u32, mine: bool) -> Result<Step, RunError> {
        let (key, bytes) = match if mine { self.doc_cache_key(d) } else { None } {
            Some((key, bytes)) => (Some(key), Some(bytes)),
            None => (None, None),
        };
        if let Some(done) = self.cached(Unit::Doc(d), key) {
            return Ok(Step::Done(Done { unit: d, ..done }));
        }
        let doc = &self.docs[d as usize];
        let path = &self.files[doc.file as usize];
        let mut r = FileResult::default();
        let range = doc.range();
        let node = match parse_doc(
            path,
            doc.ordinal as usize,
            &range,
            bytes,
            self.settings,
            self.scope_of(doc.file),
        ) {
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
        let done = self.finish(doc.file, doc.ordinal, r, mine, key)?;
        Ok(Step::Done(Done { unit: d, ..done }))
    }

    /// What the run keeps of a unit just processed: outlines, findings, mentions, rendered
    /// exports, and its cache entry.
    fn finish(
        &self,
        file: u32,
        ordinal: u32,
        mut result: FileResult,
        mine: bool,
        key: Option<incremental::Key>,
    ) -> Result<Done, RunError> {
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
        done.fragments.reserve_exact(result.records.len());
        for record in &result.records {
            done.fragments.push(self.render(record)?);
        }
        // Only a unit that came through with no finding at all is cached.
        let clean = done.findings.is_empty()
            && result.records.len() == result.outlines.len()
            && result.records.len() == result.documents;
        if let Some(key) = key.filter(|_| clean) {
            done.cache = entry_body(&result, &done.fragments).map(|body| (key, body));
        }
        // The records are done with: their mentions move on to be gathered.
        done.mentions
            .reserve_exact(result.records.iter().map(|r| r.mentions.len()).sum());
        for mut record in result.records {
            if self.report {
                done.facts.push(crate::report::Facts::take(&mut record));
            }
            for (i, m) in record.mentions.into_iter().enumerate() {
                let place = (file, ordinal, i as u32, m.location.into());
                done.mentions.push((Spelled::Agent(m.agent), place));
            }
        }
        Ok(done)
    }

    fn render(&self, record: &Record) -> Result<Fragment, RunError> {
        let options = self.export;
        let Some(dir) = self.staging else {
            // Validating only: nothing is written, so nothing is rendered.
            return Ok(Fragment {
                id: record.id.clone(),
                exports: Vec::new(),
                csv_len: 0,
                agents: RecordAgents::Resolved(Vec::new()),
                dc: None,
            });
        };
        let dc = {
            let name = format!("{}.xml", record.id);
            let path = dir.path(&name);
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
            self.put_dc(dir, &name, &bytes).map_err(fail)?;
            bytes
        };
        let mut exports = Vec::with_capacity(4096);
        csv_export::write_row(record, options.csv_separator, &mut exports);
        let csv_len = exports.len();
        let mut agents: Vec<Arc<Agent>> = Vec::new();
        let node = jsonld::RecordNode::new(record, options, |a| {
            agents.push(Arc::clone(a));
            jsonld::agent_iri(a, options)
        });
        node.write_graph_member(&mut exports);
        // The node's references are the agents' IRIs, in the order the agents were named.
        let agents = node.into_agent_iris().zip(agents).collect();
        Ok(Fragment {
            id: record.id.clone(),
            exports,
            csv_len,
            agents: RecordAgents::Resolved(agents),
            dc: self.store.is_some().then(|| incremental::digest(&dc)),
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

impl Part {
    fn create(path: PathBuf, records_path: PathBuf) -> Result<Part, PublishError> {
        let open = |path: &Path| {
            File::create(path)
                .map(|f| BufWriter::with_capacity(1 << 20, f))
                .map_err(at(path))
        };
        Ok(Part {
            csv: open(&path)?,
            records: open(&records_path)?,
            csv_path: path,
            records_path,
            csv_len: 0,
            records_len: 0,
            graph_members: 0,
            order: Vec::new(),
            last_id: None,
            agents: BTreeMap::new(),
            first: BTreeMap::new(),
        })
    }

    /// Flush both files to the operating system.
    fn flush(&mut self) -> Result<(), PublishError> {
        self.csv.flush().map_err(at(&self.csv_path))?;
        self.records.flush().map_err(at(&self.records_path))
    }
}

impl Writers {
    fn new(
        output: &Path,
        options: &ExportOptions,
        collections: &[Collection],
    ) -> Result<Writers, PublishError> {
        let generation = Generation::begin(output)?;
        let mut part = Part::create(
            generation.path().join("records.csv"),
            generation.path().join("records.jsonld"),
        )?;
        let opening = jsonld::opening(options, collections)
            .map_err(|e| at(&part.records_path)(std::io::Error::other(e)))?;
        part.records
            .write_all(&opening)
            .map_err(at(&part.records_path))?;
        part.graph_members = collections.len();
        let header = csv_export::header();
        part.csv.write_all(&header).map_err(at(output))?;
        part.csv_len = header.len() as u64;
        Ok(Writers {
            header_len: header.len() as u64,
            part,
            files_part: None,
            shard: None,
            pack_entries: 0,
            files_part_entries: 0,
            staged: Staged {
                output: output.to_path_buf(),
                generation,
                agents: BTreeMap::new(),
                collections: collections.len(),
                written: 0,
                jsonld_base: opening.len() as u64,
                shard: None,
                pack: None,
            },
        })
    }

    /// The stream documents come next, the first of them with id `first`: when that id
    /// sorts after every record written so far they continue the files' part; otherwise
    /// they are written to a second part, merged with the first by [`Writers::finish`].
    fn documents_from(&mut self, first: &str) -> Result<(), PublishError> {
        if self.part.last_id.as_deref().is_none_or(|last| last < first) {
            return Ok(());
        }
        let dir = self.staged.generation.path().to_path_buf();
        let mut second = Part::create(
            dir.join(".records-csv-streams"),
            dir.join(".records-jsonld-streams"),
        )?;
        // Its separators are not copied when the parts are merged; any will do.
        second.graph_members = 1;
        self.files_part = Some(std::mem::replace(&mut self.part, second));
        self.files_part_entries = self.pack_entries;
        Ok(())
    }

    /// Write a record's CSV row and JSON-LD node; where they went (`None`: not written).
    fn append(&mut self, f: Fragment, unit: u32) -> Result<Written, RunError> {
        let part = &mut self.part;
        if let Some(last) = &part.last_id {
            if f.id < *last {
                return Err(RunError::Internal(format!(
                    "record `{}` came after `{last}`: the stream index and the parsed id disagree",
                    f.id
                )));
            }
            if f.id == *last {
                return Ok(None); // a duplicate id: X001 fails the run
            }
        }
        let len = |bytes: &[u8]| {
            u32::try_from(bytes.len())
                .map_err(|_| RunError::Internal(format!("record `{}` is too large", f.id)))
        };
        let (csv_len, jsonld_len) = (len(f.csv())?, len(f.jsonld())?);
        let csv_place = (part.csv_len, csv_len);
        part.csv.write_all(f.csv()).map_err(at(&part.csv_path))?;
        part.csv_len += u64::from(csv_len);
        let separator = jsonld::separator(part.graph_members + part.order.len());
        part.records
            .write_all(separator)
            .map_err(at(&part.records_path))?;
        part.records_len += separator.len() as u64;
        let jsonld_place = (part.records_len, jsonld_len);
        part.records
            .write_all(f.jsonld())
            .map_err(at(&part.records_path))?;
        part.records_len += u64::from(jsonld_len);
        // The first mention (in id order) of an agent gives its node's name; later ones
        // add their spellings and ids.
        match f.agents {
            RecordAgents::Resolved(mentions) => {
                for (iri, agent) in mentions {
                    match part.agents.get_mut(&iri) {
                        Some(existing) => existing.add(&agent),
                        None => {
                            part.first.insert(iri.clone(), f.id.clone());
                            part.agents.insert(iri, AgentNode::of(&agent));
                        }
                    }
                }
            }
            RecordAgents::Nodes(nodes) => {
                for (iri, node) in nodes {
                    match part.agents.get_mut(&iri) {
                        Some(existing) => existing.merge(node),
                        None => {
                            part.first.insert(iri.clone(), f.id.clone());
                            part.agents.insert(iri, node);
                        }
                    }
                }
            }
        }
        part.order.push((unit, csv_len, jsonld_len));
        self.staged.written += 1;
        part.last_id = Some(f.id);
        Ok(Some((csv_place, jsonld_place)))
    }

    /// Add a unit to this run's incremental cache, with the places its records were written.
    fn cache(&mut self, key: &incremental::Key, body: &[u8], places: &[Written]) {
        let Some(pack) = self.staged.pack.as_mut() else {
            return;
        };
        // A record not written has nothing to be found next time.
        let Some(places) = places.iter().copied().collect::<Option<Vec<_>>>() else {
            return;
        };
        let stored = pack.append(key, body, &places);
        if stored.is_ok() {
            self.pack_entries += 1;
        } else {
            self.staged.pack = None; // the cache is only an optimization
        }
    }

    /// Close the files; with two parts, merge them by id (`id(second, unit)` is the id of a
    /// record written from `unit` in the first or the second part) into `records.csv` and
    /// the record nodes, and move the places in this run's pack to match.
    fn finish(mut self, id: &dyn Fn(bool, u32) -> String) -> Result<Staged, PublishError> {
        self.part.flush()?;
        let mut agents = std::mem::take(&mut self.part.agents);
        let mut first = std::mem::take(&mut self.part.first);
        if let Some(mut files_part) = self.files_part.take() {
            files_part.flush()?;
            let heads = (self.header_len, self.staged.jsonld_base);
            let moved = merge_parts(&files_part, &self.part, heads, id)?;
            for path in [&self.part.csv_path, &self.part.records_path] {
                fs::remove_file(path).map_err(at(path))?;
            }
            (agents, first) = merge_agents(
                (std::mem::take(&mut files_part.agents), files_part.first),
                (agents, first),
            );
            let split = self.files_part_entries;
            if let Some(pack) = self.staged.pack.as_mut()
                && pack
                    .relocate(&mut |n, ((csv, _), (jsonld, _))| {
                        let part = &moved[usize::from(n >= split)];
                        *csv = part.csv(*csv)?;
                        *jsonld = part.jsonld(*jsonld)?;
                        Some(())
                    })
                    .is_err()
            {
                self.staged.pack = None;
            }
        }
        self.staged.agents = agents;
        self.staged.shard = self.shard.map(|s| (s, first));
        Ok(self.staged)
    }
}

/// The agents of two parts (nodes, and the id of the first record naming each) as one
/// id-ordered pass would have gathered them: for an agent named in both, the part whose
/// first mention comes first gives the name, and the written forms and ids are joined.
fn merge_agents(
    (mut agents, mut first): (BTreeMap<String, AgentNode>, BTreeMap<String, String>),
    (other_agents, other_first): (BTreeMap<String, AgentNode>, BTreeMap<String, String>),
) -> (BTreeMap<String, AgentNode>, BTreeMap<String, String>) {
    for (iri, node) in other_agents {
        let other = other_first.get(&iri).cloned().unwrap_or_default();
        let node = match agents.remove(&iri) {
            Some(mut earlier) if first.get(&iri).is_some_and(|f| *f < other) => {
                earlier.merge(node);
                earlier
            }
            known => {
                let mut node = node;
                if let Some(later) = known {
                    node.merge(later);
                }
                first.insert(iri.clone(), other);
                node
            }
        };
        agents.insert(iri, node);
    }
    (agents, first)
}

/// Where the records of one part moved in the merged files: (old offset, new offset) of
/// each CSV row and JSON-LD node, in the order of the old offsets.
#[derive(Default)]
struct Moved {
    csv: Vec<(u64, u64)>,
    jsonld: Vec<(u64, u64)>,
}

impl Moved {
    fn csv(&self, old: u64) -> Option<u64> {
        let i = self.csv.binary_search_by_key(&old, |m| m.0).ok()?;
        Some(self.csv[i].1)
    }

    fn jsonld(&self, old: u64) -> Option<u64> {
        let i = self.jsonld.binary_search_by_key(&old, |m| m.0).ok()?;
        Some(self.jsonld[i].1)
    }
}

/// Merge the records of two parts by id into the first part's files (what comes before the
/// first record in each, `header_len` bytes of CSV and `jsonld_base` of JSON-LD, stays
/// first); where each record moved, for each part.
fn merge_parts(
    files: &Part,
    streams: &Part,
    (header_len, jsonld_base): (u64, u64),
    id: &dyn Fn(bool, u32) -> String,
) -> Result<[Moved; 2], PublishError> {
    let parts = [files, streams];
    let dir = files.csv_path.parent().unwrap_or(Path::new("."));
    let open = |path: &Path| {
        File::open(path)
            .map(|f| BufReader::with_capacity(1 << 20, f))
            .map_err(at(path))
    };
    let create = |name: &str| {
        let path = dir.join(name);
        File::create(&path)
            .map(|f| (BufWriter::with_capacity(1 << 20, f), path.clone()))
            .map_err(at(&path))
    };
    let mut csv_in = [open(&files.csv_path)?, open(&streams.csv_path)?];
    let mut records_in = [open(&files.records_path)?, open(&streams.records_path)?];
    let (mut csv_out, csv_tmp) = create(".records-csv-merged")?;
    let (mut records_out, records_tmp) = create(".records-jsonld-merged")?;
    let copy = |from: &mut BufReader<File>, to: &mut BufWriter<File>, len: u64| {
        let copied = std::io::copy(&mut from.by_ref().take(len), to)?;
        if copied == len {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "a part of the exports is shorter than was written",
            ))
        }
    };
    copy(&mut csv_in[0], &mut csv_out, header_len).map_err(at(&csv_tmp))?;
    copy(&mut records_in[0], &mut records_out, jsonld_base).map_err(at(&records_tmp))?;
    let mut moved = [Moved::default(), Moved::default()];
    let mut next = [0usize; 2];
    // Offsets in the parts being read, and in the merged files.
    let mut old = [(header_len, 0u64), (0, 0)];
    let (mut csv_len, mut records_len) = (header_len, 0u64);
    let mut ids: [Option<String>; 2] = [None, None];
    loop {
        for p in 0..2 {
            if ids[p].is_none() {
                ids[p] = parts[p].order.get(next[p]).map(|o| id(p == 1, o.0));
            }
        }
        // The files' record first when both have one id: that is the order of a run over
        // one sorted sequence (the run fails on a repeated id anyway, X001).
        let p = match (&ids[0], &ids[1]) {
            (Some(a), Some(b)) => usize::from(b < a),
            (Some(_), None) => 0,
            (None, Some(_)) => 1,
            (None, None) => break,
        };
        let (_, csv, jsonld) = parts[p].order[next[p]];
        // Skip the part's own separator before this node; write the merged document's.
        let mut separator = [0u8; 2];
        records_in[p]
            .read_exact(&mut separator)
            .map_err(at(&parts[p].records_path))?;
        old[p].1 += 2;
        let separator = jsonld::separator(files.graph_members + next[0] + next[1]);
        records_out.write_all(separator).map_err(at(&records_tmp))?;
        records_len += separator.len() as u64;
        copy(&mut csv_in[p], &mut csv_out, u64::from(csv)).map_err(at(&csv_tmp))?;
        copy(&mut records_in[p], &mut records_out, u64::from(jsonld)).map_err(at(&records_tmp))?;
        moved[p].csv.push((old[p].0, csv_len));
        moved[p].jsonld.push((old[p].1, records_len));
        old[p].0 += u64::from(csv);
        old[p].1 += u64::from(jsonld);
        csv_len += u64::from(csv);
        records_len += u64::from(jsonld);
        next[p] += 1;
        ids[p] = None;
    }
    csv_out
        .into_inner()
        .map_err(|e| at(&csv_tmp)(e.into_error()))?;
    records_out
        .into_inner()
        .map_err(|e| at(&records_tmp)(e.into_error()))?;
    fs::rename(&csv_tmp, &files.csv_path).map_err(at(&files.csv_path))?;
    fs::rename(&records_tmp, &files.records_path).map_err(at(&files.records_path))?;
    Ok(moved)
}

impl Staged {
    /// Records written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Write a file beside the exports, in the same generation ([`Generation::write_extra`]).
    pub fn write_extra(&mut self, name: &str, bytes: &[u8]) -> Result<(), PublishError> {
        self.generation.write_extra(name, bytes)
    }

    /// Where the new generation is being written (the report names the output folder).
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Publish without flushing to disk first ([`Generation::skip_sync`]).
    pub fn skip_sync(&mut self) {
        self.generation.skip_sync();
    }

    /// Finish the JSON-LD document (its agent nodes after the records), flush everything to
    /// disk and switch the new generation in.
    pub fn publish(self) -> Result<Published, PublishError> {
        let output = &self.output;
        let generation = self.generation;
        let jsonld_path = generation.path().join("records.jsonld");
        {
            let file = fs::OpenOptions::new()
                .append(true)
                .open(&jsonld_path)
                .map_err(at(&jsonld_path))?;
            let mut w = BufWriter::with_capacity(1 << 20, file);
            let io = |e: RunError| at(output)(std::io::Error::other(e.to_string()));
            let mut members = self.collections + self.written;
            for (iri, a) in &self.agents {
                let bytes =
                    graph_member(&jsonld::agent_node(iri.clone(), a.clone())).map_err(io)?;
                w.write_all(jsonld::separator(members))
                    .and_then(|()| w.write_all(&bytes))
                    .map_err(at(&jsonld_path))?;
                members += 1;
            }
            w.write_all(jsonld::closing(members))
                .map_err(at(&jsonld_path))?;
            w.into_inner()
                .map_err(|e| at(&jsonld_path)(e.into_error()))?;
        }
        if let Some((shard, first)) = &self.shard {
            // The manifest sits beside the outputs; it is written before the switch, and
            // `merge` checks its record count against the outputs.
            let text = crate::engine::shard::manifest(*shard, self.written, &self.agents, first)
                .map_err(|e| at(output)(std::io::Error::other(e)))?;
            let path = output.join(crate::engine::shard::MANIFEST);
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
            let _ = pack.finish(self.jsonld_base);
        }
        Ok(Published {
            dc_files: self.written,
        })
    }

    /// Staged outputs assembled by `pipeline merge`: `generation` holds `dc/`,
    /// `records.csv` and `records.jsonld` up to its last record node (written as
    /// [`jsonld::opening`] and [`jsonld::separator`] say).
    pub(crate) fn from_parts(
        output: &Path,
        generation: Generation,
        agents: BTreeMap<String, AgentNode>,
        collections: usize,
        written: usize,
    ) -> Staged {
        Staged {
            output: output.to_path_buf(),
            generation,
            agents,
            collections,
            written,
            jsonld_base: 0, // no cache to point into it
            shard: None,
            pack: None,
        }
    }
}
