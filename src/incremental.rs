//! Incremental runs: what `pipeline run` made of each record last time, kept under the
//! output folder, so that a run after editing k of N records parses, validates and renders
//! only those k.
//!
//! Why here and how:
//!
//! - **Where**: `<output>/.cache/records.pack`, next to the exports it helps to rebuild. The
//!   publish step switches generations of `dc/`, `records.csv` and `records.jsonld`, never
//!   the whole output folder, so the cache survives it; a reader of the exports never sees
//!   it (it is not under `dc/`). Deleting it is always safe: the next run is a clean one.
//! - **Key** of a unit (a single-record file, or one document of a `---` stream): BLAKE3 of
//!   the run key, the file's path relative to the catalogue, the document's number and first
//!   line, and its bytes. The **run key** covers everything else an output depends on: this
//!   binary (version, size and modification time of the executable), the record schema,
//!   the base IRI and CSV separator, the date order, the reading limits, and the bytes of
//!   `_collections.yaml` and `_authorities.yaml`. Any change to one of them makes every key
//!   new, so the whole catalogue is processed again.
//! - **What is kept**: only units that came through with no finding at all. For each, what
//!   the streaming run keeps of it (outlines for the cross-record checks, name mentions for
//!   the variant warnings) and what it writes (Dublin Core file, CSV row, JSON-LD node,
//!   agents). Cross-record checks and name-variant warnings always run over every outline
//!   and mention, cached or not; units with findings are always processed again, so their
//!   findings are reported every time.
//! - **Pack file**: a header line, then `[16-byte key][u32 length][JSON entry]` records, in
//!   the order of the run. Each run writes a new pack holding exactly the units of this run
//!   (hits copied, misses added) and renames it into place after publishing, so entries of
//!   deleted or edited records do not accumulate. The new pack is written inside the run's
//!   new generation ([`crate::publish`]), so a failed or killed run leaves no stray file.
//! - Not used by `validate` (no output folder) nor by sharded runs.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalogue::{AUTHORITIES_FILE, COLLECTIONS_FILE, Settings};
use crate::export::ExportOptions;
use crate::export::jsonld::AgentNode;
use crate::normalize::names::AgentKind;

/// The cache folder inside the output folder.
pub const DIR: &str = ".cache";
const PACK: &str = "records.pack";
const HEADER: &[u8] = b"pipeline-incremental/1\n";
const TEMP_PREFIX: &str = ".records-new-";

/// The key of one unit.
pub type Key = [u8; 16];

/// A place: (text, line, column).
pub type Ref = (String, u32, u32);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedOutline {
    pub in_stream: bool,
    pub id: Option<Ref>,
    pub related: Vec<Ref>,
    pub collections: Vec<Ref>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedAgent {
    pub kind: Option<String>,
    pub name: String,
    pub family: Option<String>,
    pub given: Option<String>,
    pub written: Vec<String>,
    pub ids: Vec<String>,
}

fn kind_of(text: &str) -> AgentKind {
    if text == AgentKind::Organization.as_str() {
        AgentKind::Organization
    } else {
        AgentKind::Person
    }
}

impl CachedAgent {
    pub fn of(a: &AgentNode) -> CachedAgent {
        CachedAgent {
            kind: a.kind.map(|k| k.as_str().to_string()),
            name: a.name.clone(),
            family: a.family.clone(),
            given: a.given.clone(),
            written: a.written.iter().cloned().collect(),
            ids: a.ids.iter().cloned().collect(),
        }
    }

    pub fn node(self) -> AgentNode {
        AgentNode {
            kind: self.kind.as_deref().map(kind_of),
            name: self.name,
            family: self.family,
            given: self.given,
            written: self.written.into_iter().collect(),
            ids: self.ids.into_iter().collect(),
        }
    }
}

/// One record as rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedRecord {
    pub id: String,
    pub dc: String,
    pub csv: String,
    pub jsonld: String,
    pub agents: Vec<(String, CachedAgent)>,
}

/// A name as written: (spelling, kind, its number in the record, line, column).
pub type CachedMention = (String, String, u32, u32, u32);

/// What one unit gave, as kept between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub documents: usize,
    pub outlines: Vec<CachedOutline>,
    /// Per record, in order: the record and its mentions.
    pub records: Vec<(CachedRecord, Vec<CachedMention>)>,
}

impl Entry {
    pub fn kind(text: &str) -> AgentKind {
        kind_of(text)
    }
}

/// Where each entry of a pack is: key → (offset, length).
type Index = HashMap<Key, (u64, u32)>;

/// The previous run's pack, for lookups from any thread.
pub struct Store {
    run_key: [u8; 32],
    path: PathBuf,
    old: Option<(File, Index)>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The run key (see the module docs).
pub fn run_key(root: &Path, settings: &Settings, export: &ExportOptions) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    let mut part = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(HEADER);
    part(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| format!("{:?}", (m.len(), m.modified().ok())))
        .unwrap_or_default();
    part(exe.as_bytes());
    part(&serde_json::to_vec(settings.schema.document()).unwrap_or_default());
    part(export.base_iri.as_bytes());
    part(export.csv_separator.to_string().as_bytes());
    part(format!("{:?}", settings.date_options).as_bytes());
    part(format!("{:?}", settings.limits).as_bytes());
    for name in [COLLECTIONS_FILE, AUTHORITIES_FILE] {
        match fs::read(root.join(name)) {
            Ok(bytes) => part(&bytes),
            Err(_) => part(b"\xff(none)"),
        }
    }
    *h.finalize().as_bytes()
}

impl Store {
    /// The pack of the previous run into `output`, if there is a readable one.
    pub fn open(output: &Path, run_key: [u8; 32]) -> Store {
        let path = output.join(DIR).join(PACK);
        let old = File::open(&path).ok().and_then(|f| {
            let index = index(&f).ok()?;
            Some((f, index))
        });
        Store { run_key, path, old }
    }

    /// The key of a unit: its path relative to the catalogue, where it is, and its bytes.
    pub fn key(&self, relative: &Path, ordinal: u32, line: usize, bytes: &[u8]) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(&self.run_key);
        let rel = relative.to_string_lossy();
        h.update(&(rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(&ordinal.to_le_bytes());
        h.update(&(line as u64).to_le_bytes());
        h.update(bytes);
        let mut key = [0u8; 16];
        key.copy_from_slice(&h.finalize().as_bytes()[..16]);
        key
    }

    /// The stored entry of `key` and its bytes, if the previous run kept one.
    pub fn get(&self, key: &Key) -> Option<(Entry, Vec<u8>)> {
        let (file, index) = self.old.as_ref()?;
        let &(offset, len) = index.get(key)?;
        let mut bytes = vec![0; len as usize];
        read_at(file, &mut bytes, offset).ok()?;
        let entry = serde_json::from_slice(&bytes).ok()?;
        Some((entry, bytes))
    }

    /// A writer for this run's pack, written in `dir` (the run's new generation of the
    /// output folder, so that a failed or killed run leaves nothing behind) and moved to the
    /// cache folder by [`PackWriter::finish`].
    pub fn writer(&self, dir: &Path) -> std::io::Result<PackWriter> {
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
        out.write_all(HEADER)?;
        Ok(PackWriter {
            file,
            out,
            path: self.path.clone(),
        })
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// Read the index of a pack.
fn index(file: &File) -> std::io::Result<Index> {
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut header = vec![0; HEADER.len()];
    r.read_exact(&mut header)?;
    if header != HEADER {
        return Err(std::io::Error::other("not a pack of this format"));
    }
    let mut index = HashMap::new();
    let mut offset = HEADER.len() as u64;
    let mut head = [0u8; 20];
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&head[..16]);
        let len = u32::from_le_bytes([head[16], head[17], head[18], head[19]]);
        offset += 20;
        index.insert(key, (offset, len));
        r.seek_relative(i64::from(len))?;
        offset += u64::from(len);
    }
    Ok(index)
}

/// This run's pack, written in the order of the run.
pub struct PackWriter {
    file: tempfile::NamedTempFile,
    out: BufWriter<File>,
    path: PathBuf,
}

impl std::fmt::Debug for PackWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackWriter")
            .field("path", &self.path)
            .finish()
    }
}

impl PackWriter {
    pub fn append(&mut self, key: &Key, entry: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(entry.len()).map_err(std::io::Error::other)?;
        self.out.write_all(key)?;
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(entry)
    }

    /// Put the pack in place of the previous one.
    pub fn finish(self) -> std::io::Result<()> {
        self.out.into_inner().map_err(|e| e.into_error())?;
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        self.file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}
