//! Processing one unit on a worker thread: read, validate, normalize and render it (or
//! replay it from the incremental cache), giving what the gathering thread keeps.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::Arc;

use super::options::RunError;
use super::units::{
    Classified, StreamDoc, Unit, classify, file_key, learn_ids, parse_doc, read_range,
};
use super::{catalogue, incremental};
use crate::diagnostics::Finding;
use crate::engine::catalogue::{FileResult, Settings};
use crate::engine::incremental::{AgentView, CachedOutline, Entry, EntryView, Piece, RecordView};
use crate::export::jsonld::{self, AgentNode};
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::{Agent, AgentKind};
use crate::normalize::record::Record;
use crate::output::publish::PublishError;
use crate::output::staging::Folder;
use crate::read::contain::Scope;
use crate::read::file_list::FileList;
use crate::read::stream_index::DocRange;
use crate::read::{Node, Value};
use crate::validate::crosscheck::safe_file_stem;
use crate::validate::outline_table::{Brief, Loc};

/// A record rendered: its CSV row, JSON-LD node and the agents it mentions.
pub(super) struct Fragment {
    pub(super) id: String,
    /// Its CSV row, then its JSON-LD node: one buffer, so that a record's exports are one
    /// allocation on the thread that renders them and one free on the thread that writes.
    pub(super) exports: Vec<u8>,
    pub(super) csv_len: usize,
    pub(super) agents: RecordAgents,
    /// The digest of its Dublin Core document (only for the incremental cache).
    pub(super) dc: Option<incremental::Digest>,
}

impl Fragment {
    pub(super) fn csv(&self) -> &[u8] {
        &self.exports[..self.csv_len]
    }

    pub(super) fn jsonld(&self) -> &[u8] {
        &self.exports[self.csv_len..]
    }
}

/// The agents a record names, with their IRIs, for the JSON-LD agent nodes.
pub(super) enum RecordAgents {
    /// As this run resolved them: every mention, in the record's order (shared with the
    /// memo of resolved names, so that a mention costs no copy of the agent's text).
    Resolved(Vec<(String, Arc<Agent>)>),
    /// As the incremental cache kept them: one node per agent.
    Nodes(Vec<(String, AgentNode)>),
}

/// Where a mention was written, ordered as the in-memory run orders them.
pub(super) type MentionPlace = (u32, u32, u32, Loc);

/// What processing one unit gave.
#[derive(Default)]
pub(super) struct Done {
    /// The unit: a file's or a document's number.
    pub(super) unit: u32,
    pub(super) briefs: Vec<Brief>,
    pub(super) findings: Vec<Finding>,
    /// The schema findings past the bound of a document, counted by code.
    pub(super) not_listed: std::collections::BTreeMap<crate::diagnostics::Code, usize>,
    pub(super) documents: usize,
    pub(super) fragments: Vec<Fragment>,
    pub(super) mentions: Vec<(Spelled, MentionPlace)>,
    /// What the run report counts of its valid records (only with `Options::report`).
    pub(super) facts: Vec<crate::report::Facts>,
    /// The unit's key and the body of its entry for this run's incremental cache (the
    /// places of its exports are added when they are written).
    pub(super) cache: Option<(incremental::Key, incremental::Body)>,
}

/// What one unit of a batch gave: a unit processed, or (on the read of a file) a stream whose
/// documents are still to be processed. (Nearly every step is `Done`: boxing it would add
/// an allocation per unit to save memory on the rare `Stream`.)
#[allow(clippy::large_enum_variant)]
pub(super) enum Step {
    Done(Done),
    Stream(u32, Vec<DocRange>),
}

/// A name as written: in a record processed now, the agent it resolved to (so a mention
/// copies no text on its way to be gathered); in the cache, the spelling, kind and the slugs
/// of the record's agents written so (for N007: one name given an authority id in one
/// mention and none in another).
pub(super) enum Spelled {
    Agent(Arc<Agent>),
    Text(String, AgentKind, Vec<String>),
}

impl Spelled {
    pub(super) fn text(&self) -> &str {
        match self {
            Spelled::Agent(a) => &a.as_written,
            Spelled::Text(t, _, _) => t,
        }
    }

    /// The slugs of the agents this spelling was resolved to in its record (one, unless a
    /// cached record names it twice with different authority ids).
    pub(super) fn slugs(&self) -> &[String] {
        match self {
            Spelled::Agent(a) => std::slice::from_ref(&a.slug),
            Spelled::Text(_, _, slugs) => slugs,
        }
    }

    pub(super) fn kind(&self) -> AgentKind {
        match self {
            Spelled::Agent(a) => a.kind,
            Spelled::Text(_, k, _) => *k,
        }
    }
}

/// The body of the cache entry of a unit processed now, encoded from the run's own values;
/// the places of its exports are added when they are written
/// ([`super::writers::Writers::cache`]).
pub(super) fn entry_body(result: &FileResult, fragments: &[Fragment]) -> Option<Vec<u8>> {
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

/// What every unit's processing shares.
pub(super) struct Ctx<'a> {
    pub(super) root: &'a Path,
    /// Where the catalogue's files may be read from (records are opened through it).
    pub(super) scope: &'a Scope,
    /// For the files in `followed`: links that lead outside the catalogue, named by the user
    /// and read through.
    pub(super) following: Scope,
    pub(super) followed: &'a HashSet<u32>,
    /// For a selection of files: the outlines of the other files, kept between runs.
    pub(super) outline_cache:
        Option<&'a std::sync::RwLock<crate::engine::outline_cache::OutlineCache>>,
    /// The Dublin Core folder of the previous run, whose unchanged files are linked into the
    /// new one instead of being written again.
    pub(super) previous: Option<&'a Path>,
    pub(super) store: Option<&'a incremental::Store>,
    pub(super) files: &'a FileList,
    pub(super) docs: &'a [StreamDoc],
    pub(super) settings: &'a Settings,
    pub(super) authorities: &'a crate::normalize::names::AuthorityIndex,
    pub(super) staging: Option<&'a Folder>,
    pub(super) export: &'a ExportOptions,
    /// Whether the run report's facts are taken (and the cache is not replayed).
    pub(super) report: bool,
}

impl Ctx<'_> {
    /// Where file `f` may be read from.
    pub(super) fn scope_of(&self, f: u32) -> &Scope {
        if self.followed.contains(&f) {
            &self.following
        } else {
            self.scope
        }
    }

    /// A file only outlined, from the outline cache; `Err` with its stamp when the cache does
    /// not know this version of it (`None` without a cache).
    pub(super) fn cached_outlines(
        &self,
        f: u32,
    ) -> Result<Done, Option<crate::engine::outline_cache::Stamp>> {
        let cache = self.outline_cache.ok_or(None)?;
        let path = &self.files[f as usize];
        let stamp = fs::metadata(path)
            .map(|m| crate::engine::outline_cache::Stamp::of(&m))
            .map_err(|_| None)?;
        // Lookups share the lock (every worker reads at once); only a miss's put takes it
        // alone.
        let outlines = cache
            .read()
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
    pub(super) fn put_dc(&self, dir: &Folder, name: &str, bytes: &[u8]) -> std::io::Result<()> {
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
    pub(super) fn doc_cache_key(&self, d: u32) -> Option<(incremental::Key, Vec<u8>)> {
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
    pub(super) fn cached(&self, unit: Unit, key: Option<incremental::Key>) -> Option<Done> {
        let (store, key) = self.store.zip(key)?;
        if self.report {
            return None;
        }
        let (entry, body) = store.get(&key)?;
        self.replay(unit, entry, (key, body))
    }

    /// A unit as the previous run left it in the cache, if its exports are still in the
    /// previous generation as they were written (`None`: process the unit again).
    pub(super) fn replay(
        &self,
        unit: Unit,
        entry: Entry,
        cache: (incremental::Key, incremental::Body),
    ) -> Option<Done> {
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
            // The slug of each agent node of the record, by the forms written for it (one
            // pass over the nodes, so a record naming many agents stays linear).
            let mut slugs: HashMap<&str, Vec<String>> = HashMap::new();
            for (iri, agent) in &record.agents {
                let slug = iri.rsplit('/').next().unwrap_or_default();
                for w in &agent.written {
                    let of = slugs.entry(w.as_str()).or_default();
                    if !of.iter().any(|s| s == slug) {
                        of.push(slug.to_string());
                    }
                }
            }
            for (written, kind, i, line, col) in record.mentions.iter().cloned() {
                let loc = Loc { line, col };
                let of = slugs.get(written.as_str()).cloned().unwrap_or_default();
                done.mentions.push((
                    Spelled::Text(written, Entry::kind(&kind), of),
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
    pub(super) fn file_step(&self, f: u32, mine: bool) -> Result<Step, RunError> {
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
                    cache.write().unwrap_or_else(|e| e.into_inner()).put(
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
    pub(super) fn doc_step(&self, d: u32, mine: bool) -> Result<Step, RunError> {
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
    pub(super) fn finish(
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
            not_listed: std::mem::take(&mut result.not_listed),
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
            done.cache = entry_body(&result, &done.fragments)
                .map(|body| (key, incremental::Body::new(body)));
        }
        // The records are done with: their mentions move on to be gathered.
        done.mentions.reserve_exact(
            result
                .records
                .iter()
                .map(|r| r.mentions.len())
                .sum::<usize>()
                + result.refused_mentions.len(),
        );
        // The names of records refused with an error are checked across the catalogue too
        // (every problem at once); placed as those of the records kept.
        for (i, (_, m)) in result.refused_mentions.into_iter().enumerate() {
            let place = (file, ordinal, i as u32, m.location.into());
            done.mentions.push((Spelled::Agent(m.agent), place));
        }
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

    pub(super) fn render(&self, record: &Record) -> Result<Fragment, RunError> {
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
