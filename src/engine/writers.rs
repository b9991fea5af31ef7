//! Writing the exports of a run in id order into a new generation ([`Staged`]), merging the
//! files' and the streams' parts, and publishing.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::incremental;
use super::options::RunError;
use super::process::{Fragment, RecordAgents};
use super::selection::Shard;
use crate::export::jsonld::{self, AgentNode};
use crate::export::{ExportOptions, csv as csv_export};
use crate::output::publish::{Generation, PublishError, Published};
use crate::validate::crosscheck::Collection;

/// The exports of a run, written into a new generation of the output folder
/// ([`crate::output::publish::Generation`]), waiting to be published.
pub struct Staged {
    pub(super) output: PathBuf,
    pub(super) generation: Generation,
    pub(super) agents: BTreeMap<String, AgentNode>,
    /// The collection nodes that open the `@graph` (written with the context, before the
    /// records), and the record nodes after them: the members before the agents.
    pub(super) collections: usize,
    pub(super) written: usize,
    /// Where the record nodes begin in `records.jsonld`: after the context and the
    /// collection nodes, written before the first record.
    pub(super) jsonld_base: u64,
    /// For a sharded run: the shard and the first record (id) that mentions each agent.
    pub(super) shard: Option<(Shard, BTreeMap<String, String>)>,
    /// This run's incremental cache, put in place after the exports.
    pub(super) pack: Option<incremental::PackWriter>,
    /// Why the exports are not in id order, if a record came after one whose id sorts
    /// after its own ([`Writers::append`]): publishing is then refused.
    pub(super) disordered: Option<String>,
}

pub(super) struct Writers {
    pub(super) staged: Staged,
    /// The part being written: the single-record files' records, then the stream
    /// documents' (in a second part when their ids fall between the files' ids).
    pub(super) part: Part,
    /// The files' part, once a second part is being written.
    pub(super) files_part: Option<Part>,
    /// The length of the CSV header in `records.csv` (what comes before the first record
    /// node in `records.jsonld` is `staged.jsonld_base`).
    pub(super) header_len: u64,
    pub(super) shard: Option<Shard>,
    /// Entries appended to this run's pack, and how many of them for the files' part.
    pub(super) pack_entries: usize,
    pub(super) files_part_entries: usize,
}

/// A sequence of records in id order, written to a CSV file and a file of JSON-LD record
/// nodes, each node after its `@graph` separator (`[\n` or `,\n`, two bytes).
pub(super) struct Part {
    pub(super) csv: BufWriter<File>,
    pub(super) records: BufWriter<File>,
    pub(super) csv_path: PathBuf,
    pub(super) records_path: PathBuf,
    /// Bytes written so far to each; for the JSON-LD, since the first record's separator.
    pub(super) csv_len: u64,
    pub(super) records_len: u64,
    /// The `@graph` members before this part's first record.
    pub(super) graph_members: usize,
    /// Every record written: (unit, length of its CSV row, length of its JSON-LD node).
    pub(super) order: Vec<(u32, u32, u32)>,
    pub(super) last_id: Option<String>,
    /// The agents its records name, and the first record (id) that names each.
    pub(super) agents: BTreeMap<String, AgentNode>,
    pub(super) first: BTreeMap<String, String>,
}

/// Where a record's CSV row and JSON-LD node were written, if they were.
pub(super) type Written = Option<incremental::Place>;

/// A node as it appears in the pretty-printed `@graph` array: indented by four spaces
/// ([`jsonld::graph_member`], written in one pass from the node).
pub(super) fn graph_member<T: serde::Serialize + ?Sized>(node: &T) -> Result<Vec<u8>, RunError> {
    let mut out = Vec::with_capacity(2048);
    jsonld::graph_member(node, &mut out).map_err(|e| RunError::Internal(e.to_string()))?;
    Ok(out)
}

pub(super) fn at(path: &Path) -> impl Fn(std::io::Error) -> PublishError + '_ {
    move |source| PublishError {
        path: path.to_path_buf(),
        source,
    }
}

impl Part {
    pub(super) fn create(path: PathBuf, records_path: PathBuf) -> Result<Part, PublishError> {
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
    pub(super) fn flush(&mut self) -> Result<(), PublishError> {
        self.csv.flush().map_err(at(&self.csv_path))?;
        self.records.flush().map_err(at(&self.records_path))
    }
}

impl Writers {
    pub(super) fn new(
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
        part.csv.write_all(&header).map_err(at(&part.csv_path))?;
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
                disordered: None,
            },
        })
    }

    /// The stream documents come next, the first of them with id `first`: when that id
    /// sorts after every record written so far they continue the files' part; otherwise
    /// they are written to a second part, merged with the first by [`Writers::finish`].
    pub(super) fn documents_from(&mut self, first: &str) -> Result<(), PublishError> {
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
    pub(super) fn append(&mut self, f: Fragment, unit: u32) -> Result<Written, RunError> {
        let part = &mut self.part;
        if let Some(last) = &part.last_id {
            if f.id < *last {
                // The order of single-record files is their file names': a file whose id
                // sorts elsewhere (`0.yaml` holding `id: z`) is X002, which fails the run
                // before anything is published. The record is not written; should a run
                // with no error come here, publishing refuses (see `Staged::publish`).
                self.staged.disordered.get_or_insert_with(|| {
                    format!(
                        "record `{}` came after `{last}`: the exports are not in id order",
                        f.id
                    )
                });
                return Ok(None);
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
    pub(super) fn cache(
        &mut self,
        key: &incremental::Key,
        body: &incremental::Body,
        places: &[Written],
    ) {
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
    pub(super) fn finish(
        mut self,
        id: &dyn Fn(bool, u32) -> String,
    ) -> Result<Staged, PublishError> {
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
pub(super) fn merge_agents(
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
pub(super) struct Moved {
    pub(super) csv: Vec<(u64, u64)>,
    pub(super) jsonld: Vec<(u64, u64)>,
}

impl Moved {
    pub(super) fn csv(&self, old: u64) -> Option<u64> {
        let i = self.csv.binary_search_by_key(&old, |m| m.0).ok()?;
        Some(self.csv[i].1)
    }

    pub(super) fn jsonld(&self, old: u64) -> Option<u64> {
        let i = self.jsonld.binary_search_by_key(&old, |m| m.0).ok()?;
        Some(self.jsonld[i].1)
    }
}

/// Merge the records of two parts by id into the first part's files (what comes before the
/// first record in each, `header_len` bytes of CSV and `jsonld_base` of JSON-LD, stays
/// first); where each record moved, for each part.
pub(super) fn merge_parts(
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
    pub fn publish(mut self) -> Result<Published, PublishError> {
        if let Some(why) = self.disordered.take() {
            return Err(PublishError {
                path: self.output.clone(),
                source: std::io::Error::other(format!("internal error: {why}")),
            });
        }
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
            let text = crate::engine::manifest::manifest(*shard, self.written, &self.agents, first)
                .map_err(|e| at(output)(std::io::Error::other(e)))?;
            let path = output.join(crate::engine::manifest::MANIFEST);
            // Replaced only when it is a manifest a run wrote: never a file of the user's.
            if fs::symlink_metadata(&path).is_ok() {
                let ours = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                    && fs::read(&path)
                        .ok()
                        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                        .is_some_and(|m| m["format"] == crate::engine::manifest::FORMAT);
                if !ours {
                    return Err(PublishError {
                        path,
                        source: std::io::Error::new(
                            std::io::ErrorKind::AlreadyExists,
                            "this is not a shard manifest pipeline wrote; it is not replaced: \
                             move it away, or choose another output folder",
                        ),
                    });
                }
            }
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
        // The incremental cache's bodies flushed to disk before publishing (the places put in
        // force after).
        if let Some(pack) = self.pack.as_mut()
            && pack.store_bodies().is_err()
        {
            self.pack = None;
        }
        let locked = generation.commit()?;
        if let Some(pack) = self.pack {
            // The cache is only an optimization: a pack that cannot be put in place is left.
            let _ = pack.finish(self.jsonld_base);
        }
        drop(locked);
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
            disordered: None,
        }
    }
}
