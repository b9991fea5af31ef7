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
//!
//! The steps, one module each: [`options`] (what a run is asked to do), `units` (files and
//! stream documents), [`batches`] (the one batching loop: each batch processed on every
//! core while the results of the one before are handed, in order, to a sink; `convert` and
//! `fix` go through it too), `process` (one unit on a worker thread), `gather` (the run's
//! sink: what is kept of every unit, in order, and the exports written), `kept` (the
//! findings kept: all, or the first N and a count of the rest), `writers` (the
//! exports staged in id order, [`Staged`]), then [`manifest`] and [`shard`] (sharded runs
//! and `merge`), [`incremental`] and [`outline_cache`] (the two stores), [`catalogue`]
//! (settings and the per-unit steps of reading, validating and normalizing) and [`convert`]
//! (the stdin filter).

pub mod batches;
pub mod catalogue;
pub mod convert;
pub mod incremental;
pub mod manifest;
pub mod options;
pub mod outline_cache;
pub mod selection;
pub mod shard;

mod gather;
mod kept;
mod process;
pub(crate) mod units;
pub(crate) mod writers;

pub use kept::dropped_errors;
pub use options::{BATCH, Options, RunError};
pub use selection::{Shard, fnv1a};
pub use writers::Staged;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding, Location, sort_findings};
use crate::engine::catalogue::{Catalogue, LoadError, Settings};
use crate::engine::selection::{NamedFiles, Selection};
use crate::normalize::names::fingerprint::find_variants_counted;
use crate::output::staging::Folder;
use crate::read::contain::Scope;
use crate::read::file_list::FileList;
use crate::validate::outline_table::{OutlineTable, TextArena};
use gather::Gathered;
use process::Ctx;
use units::{StreamDoc, Unit, push_stream};
use writers::{Writers, at};

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
        Selection::Files(paths) => Some(std::sync::Arc::new(NamedFiles::new(paths, root))),
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
    // The schema findings of the two files past the bound of a document, counted.
    let mut special_not_listed = catalogue::NotListed::new();
    let (collections, collection_findings) =
        catalogue::load_collections(root, settings, &mut special_not_listed);
    findings.extend(collection_findings);
    let (authorities, authority_findings) =
        catalogue::load_authorities(root, settings, &mut special_not_listed);
    findings.extend(authority_findings);

    let mut docs: Vec<StreamDoc> = Vec::new();
    let mut doc_keys = TextArena::default();
    let mut units: Vec<Unit> = Vec::new();
    let mut writers: Option<Writers> = None;
    // With a limit: the first findings of what the run reports (the named files', the
    // shard's, filtered as they come: [`gather::Owned`]). The run report lists its first findings and tallies some codes by name: those are
    // kept for it.
    let limit = options.keep_findings.map(|n| match options.report {
        true => n.max(crate::report::FINDINGS_CAP),
        false => n,
    });
    let mut kept = kept::Kept::new(limit).keeping_every(crate::report::TALLIED);
    if let Some(named) = &named {
        let named = std::sync::Arc::clone(named);
        let special = special_files(root);
        kept = kept.with_filter(Box::new(move |f| reported(f, &named, &special)));
    }
    // Named files report nothing of the two files' schema, listed or not.
    if named.is_none() {
        kept.count(special_not_listed);
    }
    // Taken once per file: a shard's ownership by name, and the sort below, which compares
    // stems about log2(files) times per file.
    let stems: Vec<&str> = files.iter().map(crate::read::file_list::stem).collect();
    let mut gathered = Gathered {
        findings: kept,
        owned: shard.map(|s| gather::Owned::new(stems.iter().map(|t| s.owns(t)).collect(), limit)),
        briefs: OutlineTable::with_capacity(files.len()),
        aggregates: options.report.then(Box::default),
        ..Gathered::default()
    };
    gathered.report(findings, &files);
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
    // when it knows them (and the cache learns the others). A cache that is off, or held by
    // another process, is left out: no file is looked up in it for nothing.
    let outline_cache = named
        .is_some()
        .then(|| crate::engine::outline_cache::OutlineCache::open(root, &settings.limits))
        .filter(crate::engine::outline_cache::OutlineCache::usable)
        .map(std::sync::RwLock::new);
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
    let streams = gathered.batches(
        &file_units,
        &work,
        writers.as_mut(),
        &files,
        root,
        &mut progress,
    )?;
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
    gathered.batches(&units, &work, writers.as_mut(), &files, root, &mut progress)?;
    let Gathered {
        mut findings,
        owned,
        briefs,
        spellings,
        documents,
        fragments,
        mut aggregates,
    } = gathered;

    // What a shard reports of the checks below: the files it owns (every unit gathered,
    // they are known; those still waiting are not its own), and those outside the list.
    let reported = |f: &Finding| match (&owned, files.binary_search(&f.file)) {
        (Some(o), Ok(i)) => o.owns(i),
        _ => true,
    };
    // Cross-record checks over every outline.
    let (cross, refused) = briefs.cross_check(&files, collections.as_deref());
    findings.extend(cross.into_iter().filter(|f| reported(f)));
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
    findings.extend(
        crate::validate::name_variants::variant_findings(groups)
            .into_iter()
            .filter(|f| reported(f)),
    );
    let places_of = |s: &gather::Spelling| -> Vec<(PathBuf, Location)> {
        (s.first.iter())
            .map(|(f, _, _, l)| (files[*f as usize].to_path_buf(), Location::from(*l)))
            .collect()
    };
    let placed = || (spellings.iter()).map(|(w, k, s)| (w, k, s.count, places_of(s)));
    findings.extend(
        crate::validate::name_variants::near_authority_findings(placed(), &authorities)
            .into_iter()
            .filter(|f| reported(f)),
    );
    findings.extend(
        crate::validate::agent_identity::identity_findings(placed(), &authorities)
            .into_iter()
            .filter(|f| reported(f)),
    );
    // Only a spelling resolved to several agents can be one given an id and none.
    findings.extend(
        crate::validate::agent_identity::id_split_findings(
            (spellings.iter())
                .filter(|(_, _, s)| s.slugs.len() > 1)
                .map(|(w, k, s)| (w, k, places_of(s), s.slugs.as_slice())),
            &authorities,
        )
        .into_iter()
        .filter(|f| reported(f)),
    );
    let (mut findings, not_kept) = findings.finish();
    if let Some(cache) = outline_cache {
        let cache = cache.into_inner().unwrap_or_else(|e| e.into_inner());
        cache.save(&files);
    }
    sort_findings(&mut findings);
    let catalogue = Catalogue {
        collections: collections.clone().unwrap_or_default(),
        findings,
        not_kept,
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

/// The collections and authority files of the catalogue at `root`.
fn special_files(root: &Path) -> [PathBuf; 2] {
    [
        root.join(catalogue::COLLECTIONS_FILE),
        root.join(catalogue::AUTHORITIES_FILE),
    ]
}

/// Whether a run over named files reports `f`: only the named files' findings are; but a
/// refused collections or authority file changes the checks of every file, whatever is
/// named.
fn reported(f: &Finding, named: &NamedFiles, special: &[PathBuf; 2]) -> bool {
    named.contains(&f.file)
        || (matches!(f.code, Code::OutsideLink | Code::Unreadable) && special.contains(&f.file))
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
