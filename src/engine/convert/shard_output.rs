//! `convert --to shard`: the records of a part written into a shard folder as they come (a
//! Dublin Core file each, CSV rows and JSON-LD nodes spilled to two files), then put in id
//! order, with the manifest, when the part is complete.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::BTreeMap;

use crate::export::jsonld::{self, AgentNode};
use crate::export::{ExportOptions, csv as csv_export, dublin_core};
use crate::normalize::names::Agent;
use crate::normalize::record::Record;

use super::ShardOutput;

/// With `--to shard`: one valid record, rendered on a worker thread with the exports'
/// per-record encoders, for [`ShardWriter::add`].
pub(super) struct ShardRecord {
    pub(super) id: String,
    /// Its Dublin Core file, or why it cannot be written.
    pub(super) dc: io::Result<Vec<u8>>,
    /// Its CSV row ([`csv_export::write_row`]).
    pub(super) csv: Vec<u8>,
    /// Its JSON-LD node ([`jsonld::RecordNode::write_graph_member`]).
    pub(super) jsonld: Vec<u8>,
    /// The agents its node refers to, with their IRIs, in the order it names them.
    pub(super) agents: Vec<(String, Arc<Agent>)>,
}

impl ShardRecord {
    pub(super) fn of(record: &Record, export: &ExportOptions) -> ShardRecord {
        // As `run` does at the point of writing: an id from a loosened schema never names a
        // file outside `dc/`.
        let dc = if crate::validate::crosscheck::safe_file_stem(&record.id) {
            dublin_core::render(record, export)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the record id `{}` cannot name a file", record.id),
            ))
        };
        let mut csv = Vec::with_capacity(1024);
        csv_export::write_row(record, export.csv_separator, &mut csv);
        let mut agents = Vec::new();
        let node = jsonld::RecordNode::new(record, export, |a| {
            let iri = jsonld::agent_iri(a, export);
            agents.push((iri.clone(), Arc::clone(a)));
            iri
        });
        let mut jsonld = Vec::with_capacity(2048);
        node.write_graph_member(&mut jsonld);
        ShardRecord {
            id: record.id.clone(),
            dc,
            csv,
            jsonld,
            agents,
        }
    }
}

/// Writes a part's records as a shard folder: `dc/`, `records.csv`, `records.jsonld` in id
/// order and `shard.json`, as `run --shard` writes them. They are written into `DIR.partial`
/// and the folder is renamed to DIR only when complete, so a task killed half-way never
/// leaves a folder that looks like a shard; a folder left by an earlier attempt at the same
/// part (a retried task) is replaced, and a conversion that fails removes its `DIR.partial`.
///
/// Records come in input order. Each Dublin Core file is written as its record comes; its
/// CSV row and JSON-LD node are appended to two spill files, and only their places are kept,
/// so memory holds an id and four numbers per record, not the records. [`ShardWriter::finish`]
/// copies the rows and nodes in id order (records with one id in input order) into the CSV
/// and JSON-LD files, between the header and opening and the agents and closing of the one
/// encoder of each format.
pub(super) struct ShardWriter<'a> {
    pub(super) shard: &'a ShardOutput<'a>,
    pub(super) export: &'a ExportOptions,
    pub(super) partial: PathBuf,
    /// Whether the folder was renamed into place (else dropping the writer removes it).
    pub(super) complete: bool,
    pub(super) rows: BufWriter<File>,
    pub(super) nodes: BufWriter<File>,
    pub(super) rows_len: u64,
    pub(super) nodes_len: u64,
    /// Per record, in input order: its id, and where its row and its node are in the spill
    /// files (offset, length).
    pub(super) index: Vec<(String, Place, Place)>,
    /// Each agent's node, and the first record naming it in id order (id, input ordinal):
    /// that mention gives the node its name; every mention adds its spellings and ids.
    pub(super) agents: BTreeMap<String, ((String, usize), AgentNode)>,
    /// The failure of the record first in id order that cannot be written.
    pub(super) failed: Option<((String, usize), io::Error)>,
}

/// Where bytes are in a spill file: offset and length.
pub(super) type Place = (u64, usize);

pub(super) const SPILL_ROWS: &str = ".rows.csv";
pub(super) const SPILL_NODES: &str = ".nodes.jsonld";

impl<'a> ShardWriter<'a> {
    pub(super) fn create(
        shard: &'a ShardOutput<'a>,
        export: &'a ExportOptions,
    ) -> io::Result<Self> {
        let mut partial = shard.dir.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        check_shard_folder(shard.dir, false)?;
        if check_shard_folder(&partial, true)? {
            std::fs::remove_dir_all(&partial)?;
        }
        std::fs::create_dir_all(partial.join("dc"))?;
        let spill = |name: &str| -> io::Result<BufWriter<File>> {
            Ok(BufWriter::with_capacity(
                1 << 20,
                File::create(partial.join(name))?,
            ))
        };
        Ok(ShardWriter {
            shard,
            export,
            rows: spill(SPILL_ROWS)?,
            nodes: spill(SPILL_NODES)?,
            partial,
            complete: false,
            rows_len: 0,
            nodes_len: 0,
            index: Vec::new(),
            agents: BTreeMap::new(),
            failed: None,
        })
    }

    pub(super) fn add(&mut self, r: ShardRecord) -> io::Result<()> {
        let key = (r.id, self.index.len());
        match r.dc {
            Ok(bytes) => {
                // A later record with the same id replaces the file, as it comes later in
                // id order.
                let path = self.partial.join("dc").join(format!("{}.xml", key.0));
                std::fs::write(path, bytes)?;
            }
            Err(e) => {
                if self.failed.as_ref().is_none_or(|(k, _)| key < *k) {
                    self.failed = Some((key.clone(), e));
                }
            }
        }
        self.rows.write_all(&r.csv)?;
        self.nodes.write_all(&r.jsonld)?;
        let row = (self.rows_len, r.csv.len());
        let node = (self.nodes_len, r.jsonld.len());
        self.rows_len += r.csv.len() as u64;
        self.nodes_len += r.jsonld.len() as u64;
        for (iri, agent) in r.agents {
            match self.agents.get_mut(&iri) {
                None => {
                    self.agents
                        .insert(iri, (key.clone(), AgentNode::of(&agent)));
                }
                Some((first, node)) if key < *first => {
                    let mut earlier = AgentNode::of(&agent);
                    earlier.merge(std::mem::take(node));
                    *node = earlier;
                    *first = key.clone();
                }
                Some((_, node)) => node.add(&agent),
            }
        }
        self.index.push((key.0, row, node));
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
        if let Some((_, e)) = self.failed.take() {
            return Err(e);
        }
        self.rows.flush()?;
        self.nodes.flush()?;
        let dir = self.partial.clone();
        let mut index = std::mem::take(&mut self.index);
        // Stable: records with one id stay in input order.
        index.sort_by(|a, b| a.0.cmp(&b.0));

        let mut csv = BufWriter::with_capacity(1 << 20, File::create(dir.join("records.csv"))?);
        csv.write_all(&csv_export::header())?;
        let mut doc = BufWriter::with_capacity(1 << 20, File::create(dir.join("records.jsonld"))?);
        let collections = self.shard.collections;
        doc.write_all(&jsonld::opening(self.export, collections).map_err(io::Error::other)?)?;
        let mut members = collections.len();
        let mut rows = Spill::open(&dir.join(SPILL_ROWS))?;
        let mut nodes = Spill::open(&dir.join(SPILL_NODES))?;
        let mut bytes = Vec::new();
        for (_, row, node) in &index {
            csv.write_all(rows.read(*row, &mut bytes)?)?;
            doc.write_all(jsonld::separator(members))?;
            doc.write_all(nodes.read(*node, &mut bytes)?)?;
            members += 1;
        }
        let mut agents: BTreeMap<String, AgentNode> = BTreeMap::new();
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        for (iri, ((id, _), node)) in std::mem::take(&mut self.agents) {
            first.insert(iri.clone(), id);
            agents.insert(iri, node);
        }
        let manifest =
            crate::engine::manifest::manifest(self.shard.part, index.len(), &agents, &first)
                .map_err(io::Error::other)?;
        for (iri, node) in agents {
            doc.write_all(jsonld::separator(members))?;
            bytes.clear();
            jsonld::graph_member(&jsonld::agent_node(iri, node), &mut bytes)
                .map_err(io::Error::other)?;
            doc.write_all(&bytes)?;
            members += 1;
        }
        doc.write_all(jsonld::closing(members))?;
        csv.into_inner().map_err(io::IntoInnerError::into_error)?;
        doc.into_inner().map_err(io::IntoInnerError::into_error)?;
        for name in [SPILL_ROWS, SPILL_NODES] {
            std::fs::remove_file(dir.join(name))?;
        }
        std::fs::write(dir.join(crate::engine::manifest::MANIFEST), manifest)?;
        // On disk before the folder takes its name, as `run` flushes a generation before
        // switching to it: a folder named like a finished shard is a finished shard.
        crate::output::publish::sync_folder(&dir)?;
        if check_shard_folder(self.shard.dir, false)? {
            std::fs::remove_dir_all(self.shard.dir)?;
        }
        std::fs::rename(&dir, self.shard.dir)?;
        self.complete = true;
        Ok(())
    }
}

impl Drop for ShardWriter<'_> {
    fn drop(&mut self) {
        if !self.complete {
            let _ = std::fs::remove_dir_all(&self.partial);
        }
    }
}

/// Whether `dir` is there to be replaced, after checking that it is a shard folder this
/// tool wrote (an earlier attempt at the part): a real folder holding only a shard's
/// entries (`dc/` of `.xml` files, the two exports, `shard.json`; for `partial`, the spill
/// files too), and, for a finished one, a `shard.json` of this format. Anything else is
/// refused with an error naming it: `--output` naming a user's folder deleted it whole.
fn check_shard_folder(dir: &Path, partial: bool) -> io::Result<bool> {
    let refuse = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} {why}; it is not replaced, since pipeline removes only the shard folders \
                 it wrote: choose a new folder, or remove it",
                if partial {
                    "the folder .partial beside it"
                } else {
                    "it"
                }
            ),
        ))
    };
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(false);
    };
    if !meta.is_dir() {
        return refuse("is not a folder (a file or a link)");
    }
    let mut allowed = vec![
        "dc",
        "records.csv",
        "records.jsonld",
        crate::engine::manifest::MANIFEST,
    ];
    if partial {
        allowed.extend([SPILL_ROWS, SPILL_NODES]);
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let known = name.to_str().is_some_and(|n| allowed.contains(&n));
        if !known {
            return refuse(&format!(
                "holds {}, which is not part of a shard",
                Path::new(&name).display()
            ));
        }
        if name != "dc" && !entry.file_type()?.is_file() {
            return refuse(&format!(
                "holds {}, which is not a regular file",
                Path::new(&name).display()
            ));
        }
        if name == "dc" {
            if !entry.file_type()?.is_dir() {
                return refuse("has a dc that is not a folder");
            }
            for file in std::fs::read_dir(entry.path())? {
                let file = file?;
                let xml = file.file_type()?.is_file()
                    && Path::new(&file.file_name())
                        .extension()
                        .is_some_and(|e| e == "xml");
                if !xml {
                    return refuse("has a dc/ holding something else than Dublin Core files");
                }
            }
        }
    }
    if !partial {
        let manifest = std::fs::read(dir.join(crate::engine::manifest::MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let ours = manifest.is_some_and(|m| m["format"] == crate::engine::manifest::FORMAT);
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !ours && !empty {
            return refuse("has no shard.json of a shard");
        }
    }
    Ok(true)
}

/// A spill file read back at the places [`ShardWriter::add`] wrote to, mostly in order.
pub(super) struct Spill {
    pub(super) file: BufReader<File>,
    pub(super) at: u64,
}

impl Spill {
    pub(super) fn open(path: &Path) -> io::Result<Spill> {
        Ok(Spill {
            file: BufReader::with_capacity(1 << 20, File::open(path)?),
            at: 0,
        })
    }

    /// The `len` bytes at `offset`, read into `buf`.
    pub(super) fn read<'b>(
        &mut self,
        (offset, len): Place,
        buf: &'b mut Vec<u8>,
    ) -> io::Result<&'b [u8]> {
        if offset != self.at {
            self.file.seek(SeekFrom::Start(offset))?;
        }
        buf.resize(len, 0);
        self.file.read_exact(buf)?;
        self.at = offset + len as u64;
        Ok(buf)
    }
}
