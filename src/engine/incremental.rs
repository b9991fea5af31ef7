//! Incremental runs: what `pipeline run` made of each record last time, kept under the
//! output folder, so that a run after editing k of N records parses, validates and renders
//! only those k.
//!
//! Why here and how:
//!
//! - **Where**: `<output>/.cache/`, next to the exports it helps to rebuild: `records.redb`
//!   (the bodies store) and `records.places` (where each unit's exports are). The publish
//!   step switches generations of `dc/`, `records.csv` and `records.jsonld`, never the whole
//!   output folder, so the cache survives it; a reader of the exports never sees it (it is
//!   not under `dc/`). Deleting it is always safe: the next run is a clean one.
//! - **Key** of a unit (a single-record file, or one document of a `---` stream): XXH3-128 of
//!   the run key, the file's path relative to the catalogue, the document's number and first
//!   line, and its bytes. The **run key** covers everything else an output depends on: this
//!   binary (version, size and modification time of the executable), the record schema,
//!   the base IRI and CSV separator, the date order, the reading limits, and the bytes of
//!   `_collections.yaml` and `_authorities.yaml`. Any change to one of them makes every key
//!   new, so the whole catalogue is processed again.
//! - **What is kept**: only units that came through with no finding at all. For each, what
//!   the streaming run keeps of it (outlines for the cross-record checks, name mentions for
//!   the variant warnings, the agents it names for the JSON-LD agent nodes) and *where* its
//!   exports are in the previous generation of the output: the byte range of its CSV row in
//!   `records.csv` and of its node in `records.jsonld`, and an XXH3-128 digest of each of them
//!   and of its Dublin Core file. The exports themselves are not copied into the cache (that
//!   made the cache larger than the exports: ~5 KB per record); a hit reads them back from
//!   the previous generation and checks them against the digests, so an output file edited,
//!   truncated or removed since makes that unit a miss, processed again, never a wrong byte.
//!   Cross-record checks and name-variant warnings always run over every outline and
//!   mention, cached or not; units with findings are always processed again, so their
//!   findings are reported every time.
//! - **Two parts, because they change at different rates.** An entry's *body* (outlines,
//!   mentions, agents, digests; postcard, a compact and stable serde format, ~750 bytes a
//!   record) depends only on the unit's key, so it does not change while the record does not.
//!   Its *places* (24 bytes a record: CSV offset u64, length u32, JSON-LD offset u64, length
//!   u32) change on every run that moves a record (any earlier record changing length). So:
//!   - the bodies live in a key-value store, `records.redb`, table `bodies` (unit key → body),
//!     **updated in place**: a run inserts the bodies of its misses and, once its outputs are
//!     published, removes the bodies of units it no longer has. An incremental run after one
//!     edit writes a few pages of it, not the ~750 MB a million records take;
//!   - the places are written fresh by every run, as `records.places`: a header line, the
//!     name of the generation they describe and the offset of the record nodes in its
//!     `records.jsonld`, then `[16-byte key][u32 records][24 bytes per record]` in the order
//!     of the run (~45 bytes a record). They are written inside the run's new generation
//!     ([`crate::output::publish`]), so a failed or killed run leaves no stray file, and renamed
//!     into the cache folder after publishing. Places whose generation is not the one
//!     `.current` names are ignored (the run is a clean one). Moving the exports
//!     ([`PackWriter::relocate`]) rewrites only this file.
//!
//!   The places come apart from the body because they are known only when the unit is
//!   written, in id order, on the one thread that writes: the body is encoded on the worker
//!   threads, straight from the run's own values ([`EntryView`]), and a hit carries its body
//!   over unchanged (it is not written again: the writer skips a body the run read from the
//!   store, compared by a digest of its bytes).
//! - **Safety of the order of writes.** A body is keyed by the unit's key, which is a digest
//!   of everything the body is made from: a body in the store that no places file names is
//!   harmless, it is only never read. Places are trusted only for the generation in force,
//!   and only point at bodies the store holds, because the writer does, in this order:
//!   (1) before the generation is published ([`PackWriter::store_bodies`]), commit the
//!   bodies of this run durably (a run with many misses has also committed every 64 MB along the way, not
//!   durably), after publishing ([`PackWriter::finish`]), (2) rename the places into the cache
//!   folder, (3) remove the bodies no unit of this run has (a second transaction). A run
//!   that dies before (1) leaves the store as it was (redb rolls back an uncommitted
//!   transaction) and the places of an older generation, ignored; between (1) and (2) or
//!   (2) and (3), extra bodies, removed by the next run's step (3), which removes every
//!   body not among its units whenever the store holds more than them. A hit is still
//!   checked against the digests of the previous generation's bytes. One run at a time
//!   writes an output folder (its lock); redb locks the store file too, and a store another
//!   process has open is not used (the run goes without the cache).
//! - **Why redb** (compared with fjall, the other well-kept pure-Rust embedded store):
//!   - *maintenance*: both are actively released (redb 4.x, fjall 3.x, both in 2026);
//!     sled, the older choice, has had no stable release for years;
//!   - *file format*: redb is one file, fjall a folder of journal and segment files; both
//!     keep their format within a major version and changed it across majors. redb refuses
//!     a file of an older format (`UpgradeRequired`), which we treat as "not ours": the file
//!     is made anew (it is only a cache);
//!   - *memory*: redb reads pages with `pread` into a cache whose size we set (8 MB here;
//!     its default, 1 GiB, would not fit a 256 MB run) and writes an uncommitted
//!     transaction's pages back to the file when its buffer is full; fjall keeps memtables,
//!     a block cache and background flush and compaction threads;
//!   - *compile cost*: redb has no dependencies of its own (one crate added to the lock
//!     file); fjall brings lsm-tree, lz4, crossbeam-skiplist and more;
//!   - fjall's log-structured writes would be cheaper for a clean run of a million
//!     inserts, but an incremental run inserts a handful, and a B-tree updated in place
//!     (copy-on-write pages reused once freed) keeps the file at its live size without
//!     compaction. A clean run's million inserts are made cheap by their order: the
//!     bodies to insert are appended to a spill file beside the places while the run goes
//!     (sequential writes, 28 bytes a body kept in memory: key, offset, length), and
//!     inserted in key order at the end, so each B-tree page is written once. Inserted in
//!     the run's order (random key order) through the 8 MB page cache, they took the clean
//!     run of 100,000 records from 10 s to 16 s (BENCHMARKS.md).
//!
//!   The price: redb needs Rust 1.90 (the crate's `rust-version` was raised from 1.88).
//!   A damaged store file may make redb fail or panic when opened; both are caught, and the
//!   file is removed and made anew.
//! - Not used by `validate` (no output folder) nor by sharded runs.

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use redb::{
    Builder, Database, DatabaseError, Durability, ReadOnlyTable, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition, WriteTransaction,
};
use serde::{Deserialize, Serialize};

use crate::engine::catalogue::{AUTHORITIES_FILE, COLLECTIONS_FILE, Settings};
use crate::export::ExportOptions;
use crate::export::jsonld::AgentNode;
use crate::normalize::names::{Agent, AgentKind};

/// The cache folder inside the output folder.
pub const DIR: &str = crate::output::publish::CACHE_DIR;
const PLACES: &str = "records.places";
/// The bodies store in the cache folder.
pub const BODIES_FILE: &str = "records.redb";
/// The format of the bodies (in the store's `meta` table and in the run key).
const HEADER: &[u8] = b"pipeline-incremental/5\n";
const PLACES_HEADER: &[u8] = b"pipeline-places/1\n";
const TEMP_PREFIX: &str = ".records-new-";

/// The key of one unit.
pub type Key = [u8; 16];

/// A 128-bit XXH3 digest: enough to tell an edited output file from the one a unit wrote.
/// XXH3 is not a cryptographic hash: it guards against accidents, not against an adversary,
/// who could as well edit the records or the output folder directly. It is chosen over
/// BLAKE3 for speed: a run hashes every record and its three exports, and on 100,000 records
/// BLAKE3 took ~6 % of the run's CPU time, XXH3 well under 1 %.
pub type Digest = [u8; 16];

/// A digest in an entry's body as one run of 16 bytes (postcard writes an array as its
/// elements one by one: 16 calls, for three digests per record).
mod digest_bytes {
    use serde::de::{Deserializer, Error};
    use serde::ser::Serializer;

    pub fn serialize<S: Serializer>(digest: &super::Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(digest)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<super::Digest, D::Error> {
        let bytes: &[u8] = serde::Deserialize::deserialize(d)?;
        bytes
            .try_into()
            .map_err(|_| D::Error::custom("a digest is 16 bytes"))
    }
}

/// The digest of some bytes.
pub fn digest(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes()
}

/// A place: (text, line, column).
pub use crate::validate::crosscheck::StoredRef as Ref;

/// What the cross-record checks need of a cached record (the same form as the outline cache).
pub use crate::validate::crosscheck::StoredOutline as CachedOutline;

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

/// Where one export of a record is in the generation the places describe: its byte range
/// (for `records.jsonld`, counted from the first record node) and digest. The range is kept
/// in the entry's places, not in its body.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Piece {
    #[serde(skip)]
    pub offset: u64,
    #[serde(skip)]
    pub len: u32,
    #[serde(with = "digest_bytes")]
    pub digest: Digest,
}

/// Where a record's CSV row and JSON-LD node were written: (offset, length) of each.
pub type Place = ((u64, u32), (u64, u32));

/// The bytes of one place in the places file.
const PLACE_BYTES: usize = 24;

/// A name as written: (spelling, kind, its number in the record, line, column).
pub type CachedMention = (String, String, u32, u32, u32);

/// One record as rendered: where its exports are, and what the run keeps of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedRecord {
    pub id: String,
    /// The digest of its Dublin Core file, `dc/<id>.xml`.
    #[serde(with = "digest_bytes")]
    pub dc: Digest,
    pub csv: Piece,
    pub jsonld: Piece,
    pub agents: Vec<(String, CachedAgent)>,
    pub mentions: Vec<CachedMention>,
}

/// What one unit gave, as kept between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub documents: usize,
    pub outlines: Vec<CachedOutline>,
    pub records: Vec<CachedRecord>,
}

impl Entry {
    pub fn kind(text: &str) -> AgentKind {
        kind_of(text)
    }
}

/// An entry's body borrowed from the values a run has in hand: it encodes to the bytes that
/// decode as [`Entry`] (field for field, in the same order; a set is encoded as a list), so
/// that no owned copy of every name and spelling is made for each unit only to be encoded.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub documents: usize,
    pub outlines: Vec<CachedOutline>,
    pub records: Vec<RecordView<'a>>,
}

/// [`CachedRecord`], borrowed.
#[derive(Serialize)]
pub struct RecordView<'a> {
    pub id: &'a str,
    #[serde(with = "digest_bytes")]
    pub dc: Digest,
    pub csv: Piece,
    pub jsonld: Piece,
    pub agents: Vec<(&'a str, AgentView<'a>)>,
    pub mentions: Vec<(&'a str, &'static str, u32, u32, u32)>,
}

/// [`CachedAgent`], borrowed from the agents a record names: the node
/// ([`AgentNode`]) that its mentions of one agent make, with the spellings and ids as sorted
/// lists without repeats (encoded as the node's sets are).
#[derive(Serialize)]
pub struct AgentView<'a> {
    kind: Option<&'static str>,
    name: &'a str,
    family: Option<&'a str>,
    given: Option<&'a str>,
    written: Vec<&'a str>,
    ids: Vec<&'a str>,
}

impl<'a> AgentView<'a> {
    /// One view per agent of `mentions` (IRI and agent, in the record's order), in the
    /// order of their first mention, as [`AgentNode::add`] would merge them.
    pub fn group(mentions: &'a [(String, Arc<Agent>)]) -> Vec<(&'a str, AgentView<'a>)> {
        let mut views: Vec<(&str, AgentView)> = Vec::with_capacity(mentions.len());
        for (iri, a) in mentions {
            let view = match views.iter_mut().find(|(known, _)| *known == iri) {
                Some((_, view)) => view,
                None => {
                    views.push((
                        iri,
                        AgentView {
                            kind: Some(a.kind.as_str()),
                            name: &a.name,
                            family: a.family.as_deref(),
                            given: a.given.as_deref(),
                            written: Vec::with_capacity(1),
                            ids: Vec::new(),
                        },
                    ));
                    &mut views.last_mut().expect("just pushed").1
                }
            };
            insert_sorted(&mut view.written, &a.as_written);
            for id in &a.ids {
                insert_sorted(&mut view.ids, id);
            }
        }
        views
    }
}

/// Add `value` to a sorted list without repeats.
fn insert_sorted<'a>(list: &mut Vec<&'a str>, value: &'a str) {
    if let Err(at) = list.binary_search(&value) {
        list.insert(at, value);
    }
}

impl EntryView<'_> {
    /// The body of the entry as stored in the bodies store. Written into room for a typical body
    /// (about 800 bytes for one record), not grown from nothing six times per entry.
    pub fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_extend(self, Vec::with_capacity(1024)).ok()
    }
}

/// The entry whose body is `body`, with its records' places (`places`, as in the places
/// file) filled in.
fn decode(places: &[u8], body: &[u8]) -> Option<Entry> {
    let mut entry: Entry = postcard::from_bytes(body).ok()?;
    if entry.records.len() * PLACE_BYTES != places.len() {
        return None;
    }
    for (record, place) in entry
        .records
        .iter_mut()
        .zip(places.chunks_exact(PLACE_BYTES))
    {
        let ((csv_offset, csv_len), (jsonld_offset, jsonld_len)) = read_place(place)?;
        (record.csv.offset, record.csv.len) = (csv_offset, csv_len);
        (record.jsonld.offset, record.jsonld.len) = (jsonld_offset, jsonld_len);
    }
    Some(entry)
}

fn read_place(bytes: &[u8]) -> Option<Place> {
    let u64_at = |i: usize| Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    Some(((u64_at(0)?, u32_at(8)?), (u64_at(12)?, u32_at(20)?)))
}

fn place_bytes(((csv_offset, csv_len), (jsonld_offset, jsonld_len)): Place) -> [u8; PLACE_BYTES] {
    let mut bytes = [0u8; PLACE_BYTES];
    bytes[..8].copy_from_slice(&csv_offset.to_le_bytes());
    bytes[8..12].copy_from_slice(&csv_len.to_le_bytes());
    bytes[12..20].copy_from_slice(&jsonld_offset.to_le_bytes());
    bytes[20..].copy_from_slice(&jsonld_len.to_le_bytes());
    bytes
}

/// Where each unit's places are in the places file, sorted by key: (key, offset << 24 |
/// number of records). Kept for a whole re-run, so as small as it can be: 24 bytes per unit.
type Index = Vec<(Key, u64)>;

/// Units with more records than this are not indexed (they are misses): no file comes near.
const MAX_RECORDS: u32 = (1 << 24) - 1;
/// Bodies longer than this are misses: no record comes near it.
const MAX_ENTRY: u32 = (1 << 24) - 1;
/// Places files longer than this are not used (a 1,000,000-record one is ~45 MB).
const MAX_PLACES: u64 = (1 << 40) - 1;

/// The bodies: unit key → body.
const BODIES: TableDefinition<Key, &[u8]> = TableDefinition::new("bodies");
/// What the store holds: `format` → [`HEADER`].
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// The memory redb may use for its page cache and write buffer. Its default (1 GiB) would
/// be most of the memory a million-record run may take; lookups go through the operating
/// system's page cache anyway.
const DB_CACHE: usize = 8 << 20;
/// Bodies are inserted in key order at the end of a run and committed (not durably) every
/// this many bytes, until the durable commit at the end.
const COMMIT_BYTES: usize = 64 << 20;

/// The keys of the generation in force, shared by the store (lookups from any thread) and
/// the writer (which inserts only the bodies the store does not hold already).
struct Shared {
    index: Index,
    /// For each key of the index: a digest of the body a lookup read from the store this
    /// run (0: not read). The writer skips inserting a body the store is known to hold.
    read: Vec<AtomicU32>,
}

impl Shared {
    fn position(&self, key: &Key) -> Option<usize> {
        self.index.binary_search_by(|(k, _)| k.cmp(key)).ok()
    }
}

fn body_digest(body: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(body) as u32 | 1
}

/// The generation the places file describes, opened: its exports, read back on a hit.
struct Previous {
    places: File,
    shared: Arc<Shared>,
    dc: PathBuf,
    csv: File,
    jsonld: File,
    /// Where the first record node starts in `records.jsonld`.
    jsonld_base: u64,
}

/// The bodies store and the places of the generation in force, for lookups from any thread.
pub struct Store {
    run_key: Digest,
    dir: PathBuf,
    db: Option<Arc<Database>>,
    bodies: Option<ReadOnlyTable<Key, &'static [u8]>>,
    /// The store was created or emptied now (or holds another format): start it afresh.
    fresh: bool,
    old: Option<Previous>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

/// The exports of a cached record, read back from the previous generation and checked.
pub struct Replayed {
    /// The previous generation's Dublin Core file, and its bytes.
    pub dc_path: PathBuf,
    pub dc: Vec<u8>,
    pub csv: Vec<u8>,
    pub jsonld: Vec<u8>,
}

/// The run key (see the module docs).
pub fn run_key(root: &Path, settings: &Settings, export: &ExportOptions) -> Digest {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
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
    // Read as the run reads them: never through a link that leads outside the catalogue,
    // never a FIFO (the run reports those).
    let scope = settings.scope(root);
    for name in [COLLECTIONS_FILE, AUTHORITIES_FILE] {
        let bytes = scope
            .special_file(root, name)
            .ok()
            .flatten()
            .and_then(|path| {
                use std::io::Read;
                let (file, _) = crate::read::contain::open_regular(&path).ok()?;
                let mut bytes = Vec::new();
                (&file)
                    .take(settings.limits.max_file_bytes)
                    .read_to_end(&mut bytes)
                    .ok()?;
                Some(bytes)
            });
        match bytes {
            Some(bytes) => part(&bytes),
            None => part(b"\xff(none)"),
        }
    }
    h.digest128().to_le_bytes()
}

/// Open (or create) the bodies store at `path`, and whether it holds bodies of this format.
/// A file that is not a store of ours, or is damaged, is removed and made anew; a store
/// another process has open gives `None` (the run goes without).
fn open_db(path: &Path) -> Option<(Database, bool)> {
    let db = match open_redb(path) {
        Ok(db) => db,
        Err(DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch) => {
            return None;
        }
        Err(_) => {
            fs::remove_file(path).ok()?;
            open_redb(path).ok()?
        }
    };
    let ours = (|| -> Option<bool> {
        let txn = db.begin_read().ok()?;
        let meta = txn.open_table(META).ok()?;
        let format = meta.get("format").ok()??;
        Some(format.value() == HEADER)
    })()
    .unwrap_or(false);
    Some((db, ours))
}

/// A redb database at `path` with our cache size; a damaged file may make redb panic rather
/// than fail, which is taken as a failure.
pub(crate) fn open_redb(path: &Path) -> Result<Database, DatabaseError> {
    std::panic::catch_unwind(|| Builder::new().set_cache_size(DB_CACHE).create(path))
        .unwrap_or_else(|_| {
            Err(DatabaseError::Storage(redb::StorageError::Corrupted(
                "the file could not be opened".into(),
            )))
        })
}

impl Store {
    /// The bodies store under `output` and the places of the generation in force, if there is
    /// a readable places file that describes it and the store holds bodies of this format.
    pub fn open(output: &Path, run_key: Digest) -> Store {
        let dir = output.join(DIR);
        let opened = fs::create_dir_all(&dir)
            .ok()
            .and_then(|()| open_db(&dir.join(BODIES_FILE)));
        let (db, ours) = match opened {
            Some((db, ours)) => (Some(Arc::new(db)), ours),
            None => (None, false),
        };
        let bodies = db
            .as_ref()
            .filter(|_| ours)
            .and_then(|db| db.begin_read().ok()?.open_table(BODIES).ok());
        let old = bodies
            .as_ref()
            .and_then(|_| open_previous(output, &dir.join(PLACES)).ok());
        Store {
            run_key,
            dir,
            fresh: !ours,
            db,
            bodies,
            old,
        }
    }

    /// Whether there is a previous run to look units up in.
    pub fn has_previous(&self) -> bool {
        self.old.is_some()
    }

    /// The key of a unit: its path relative to the catalogue, where it is, and its bytes.
    pub fn key(&self, relative: &Path, ordinal: u32, line: usize, bytes: &[u8]) -> Key {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&self.run_key);
        let rel = relative.to_string_lossy();
        h.update(&(rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(&ordinal.to_le_bytes());
        h.update(&(line as u64).to_le_bytes());
        h.update(bytes);
        h.digest128().to_le_bytes()
    }

    /// The stored entry of `key`, if the previous run kept one, and its encoded body.
    pub fn get(&self, key: &Key) -> Option<(Entry, Vec<u8>)> {
        let old = self.old.as_ref()?;
        let i = old.shared.position(key)?;
        let packed = old.shared.index[i].1;
        let (offset, count) = (packed >> 24, packed & u64::from(MAX_RECORDS));
        let mut places = vec![0; count as usize * PLACE_BYTES];
        read_at(&old.places, &mut places, offset).ok()?;
        let body = self.bodies.as_ref()?.get(key).ok()??.value().to_vec();
        if body.len() > MAX_ENTRY as usize {
            return None;
        }
        let entry = decode(&places, &body)?;
        old.shared.read[i].store(body_digest(&body), Ordering::Relaxed);
        Some((entry, body))
    }

    /// The exports of `record` as the previous generation holds them, if every one of them
    /// is still there with the digest the record was written with.
    pub fn replay(&self, record: &CachedRecord) -> Option<Replayed> {
        let old = self.old.as_ref()?;
        let piece = |file: &File, base: u64, p: &Piece| -> Option<Vec<u8>> {
            // A damaged places file must not make us allocate gigabytes: no record's export
            // is anywhere near the size of the largest entry.
            if p.len > MAX_ENTRY {
                return None;
            }
            let mut bytes = vec![0; p.len as usize];
            read_at(file, &mut bytes, base.checked_add(p.offset)?).ok()?;
            (digest(&bytes) == p.digest).then_some(bytes)
        };
        let csv = piece(&old.csv, 0, &record.csv)?;
        let jsonld = piece(&old.jsonld, old.jsonld_base, &record.jsonld)?;
        let dc_path = old.dc.join(format!("{}.xml", record.id));
        let dc = fs::read(&dc_path).ok()?;
        (digest(&dc) == record.dc).then_some(Replayed {
            dc_path,
            dc,
            csv,
            jsonld,
        })
    }

    /// A writer for this run: its places file is written in `dir` (the run's new generation
    /// of the output folder, so that a failed or killed run leaves nothing behind) and moved
    /// to the cache folder by [`PackWriter::finish`]; the bodies of misses go into the store
    /// in a write transaction committed by [`PackWriter::finish`].
    pub fn writer(&self, dir: &Path) -> std::io::Result<PackWriter> {
        let db = self
            .db
            .clone()
            .ok_or_else(|| std::io::Error::other("no store"))?;
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let generation = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name_len = u16::try_from(generation.len()).map_err(std::io::Error::other)?;
        let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
        out.write_all(PLACES_HEADER)?;
        out.write_all(&name_len.to_le_bytes())?;
        out.write_all(generation.as_bytes())?;
        let base_at = (PLACES_HEADER.len() + 2 + generation.len()) as u64;
        out.write_all(&0u64.to_le_bytes())?; // the record nodes' offset, set by `finish`
        let spill_file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let txn = db.begin_write().map_err(std::io::Error::other)?;
        if self.fresh {
            // Whatever the file held is not ours: start it afresh.
            let cleared = (|| -> Result<(), redb::Error> {
                txn.delete_table(BODIES)?;
                txn.delete_table(META)?;
                txn.open_table(META)?.insert("format", HEADER)?;
                Ok(())
            })();
            cleared.map_err(std::io::Error::other)?;
        }
        Ok(PackWriter {
            file,
            out,
            path: self.dir.join(PLACES),
            base_at,
            txn: Some(txn),
            db,
            previous: self.old.as_ref().map(|o| o.shared.clone()),
            spill: BufWriter::with_capacity(1 << 20, spill_file.reopen()?),
            spill_file: Some(spill_file),
            spill_len: 0,
            spilled: Vec::new(),
            inserted: 0,
        })
    }
}

/// Open the previous generation described by the places file at `path`.
fn open_previous(output: &Path, path: &Path) -> std::io::Result<Previous> {
    let places = File::open(path)?;
    let (generation, jsonld_base, index) = index(&places)?;
    if crate::output::publish::current_generation(output).as_deref()
        != Some(std::ffi::OsStr::new(&generation))
    {
        return Err(std::io::Error::other(
            "the places describe another generation",
        ));
    }
    let dir = output.join(&generation);
    let read = (0..index.len()).map(|_| AtomicU32::new(0)).collect();
    Ok(Previous {
        places,
        shared: Arc::new(Shared { index, read }),
        dc: dir.join("dc"),
        csv: File::open(dir.join("records.csv"))?,
        jsonld: File::open(dir.join("records.jsonld"))?,
        jsonld_base,
    })
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

/// Read the index of a places file: the generation it describes, where that generation's
/// record nodes start in `records.jsonld`, and where each unit's places are.
fn index(file: &File) -> std::io::Result<(String, u64, Index)> {
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut header = vec![0; PLACES_HEADER.len()];
    r.read_exact(&mut header)?;
    if header != PLACES_HEADER {
        return Err(std::io::Error::other("not a places file of this format"));
    }
    let mut len = [0u8; 2];
    r.read_exact(&mut len)?;
    let mut name = vec![0; usize::from(u16::from_le_bytes(len))];
    r.read_exact(&mut name)?;
    let generation = String::from_utf8(name).map_err(std::io::Error::other)?;
    let mut base = [0u8; 8];
    r.read_exact(&mut base)?;
    let mut index = Vec::new();
    let mut offset = (PLACES_HEADER.len() + 2 + generation.len() + 8) as u64;
    let mut head = [0u8; 20];
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&head[..16]);
        let count = u32::from_le_bytes([head[16], head[17], head[18], head[19]]);
        offset += 20;
        if count <= MAX_RECORDS && offset <= MAX_PLACES {
            index.push((key, offset << 24 | u64::from(count)));
        }
        let len = u64::from(count) * PLACE_BYTES as u64;
        r.seek_relative(i64::try_from(len).map_err(std::io::Error::other)?)?;
        offset += len;
    }
    // One key twice does not come from this program (a unit's key includes its place); keep
    // the first.
    index.sort_by_key(|e| e.0);
    index.dedup_by(|later, first| later.0 == first.0);
    Ok((generation, u64::from_le_bytes(base), index))
}

/// This run's places, written in the order of the run, and the bodies it adds to the store.
pub struct PackWriter {
    file: tempfile::NamedTempFile,
    out: BufWriter<File>,
    path: PathBuf,
    /// Where the record nodes' offset is written.
    base_at: u64,
    db: Arc<Database>,
    /// Uncommitted until [`PackWriter::finish`]; dropped (aborted) with the writer.
    txn: Option<WriteTransaction>,
    /// The keys of the generation in force, and which bodies this run read from the store.
    previous: Option<Arc<Shared>>,
    /// The bodies to insert, appended during the run to a temporary file beside the places
    /// (sequential writes), and inserted in key order by [`PackWriter::finish`]: a B-tree
    /// filled in key order writes each page once, where inserting a million bodies in the
    /// run's order (random key order) through a small page cache took five times the
    /// system time of the whole run.
    spill: BufWriter<File>,
    /// The spill file itself: deleted once the bodies are stored, or with the writer.
    spill_file: Option<tempfile::NamedTempFile>,
    spill_len: u64,
    /// Each spilled body: its key, offset and length in the spill file.
    spilled: Vec<(Key, u64, u32)>,
    /// Bodies inserted (for tests and figures).
    inserted: u64,
}

impl std::fmt::Debug for PackWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackWriter")
            .field("path", &self.path)
            .finish()
    }
}

impl PackWriter {
    /// Append the entry of a unit: its body ([`EntryView::encode`], or carried over from
    /// [`Store::get`]) and where each of its records was written. The body is inserted into
    /// the store unless this run read that very body from it.
    pub fn append(&mut self, key: &Key, body: &[u8], places: &[Place]) -> std::io::Result<()> {
        let count = u32::try_from(places.len()).map_err(std::io::Error::other)?;
        self.out.write_all(key)?;
        self.out.write_all(&count.to_le_bytes())?;
        for place in places {
            self.out.write_all(&place_bytes(*place))?;
        }
        let held = self.previous.as_ref().is_some_and(|shared| {
            shared
                .position(key)
                .is_some_and(|i| shared.read[i].load(Ordering::Relaxed) == body_digest(body))
        });
        if !held {
            let len = u32::try_from(body.len()).map_err(std::io::Error::other)?;
            self.spill.write_all(body)?;
            self.spilled.push((*key, self.spill_len, len));
            self.spill_len += u64::from(len);
        }
        Ok(())
    }

    /// Step 1 of [`PackWriter::finish`], which may be taken before the generation is
    /// published (the engine does): insert this run's bodies into the store and commit
    /// them durably, then delete the spill file, so that publishing does not flush a file
    /// that is about to be deleted. A body no places file names is never read, so bodies
    /// stored for a run that then fails are harmless (the next run removes them).
    pub fn store_bodies(&mut self) -> std::io::Result<()> {
        self.insert_spilled()?;
        self.txn
            .take()
            .ok_or_else(|| std::io::Error::other("the store was closed"))?
            .commit()
            .map_err(std::io::Error::other)?;
        self.spill_file.take();
        Ok(())
    }

    /// Insert the spilled bodies into the store, in key order.
    fn insert_spilled(&mut self) -> std::io::Result<()> {
        fn io(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> std::io::Error {
            std::io::Error::other(e)
        }
        self.spill.flush()?;
        let mut spilled = std::mem::take(&mut self.spilled);
        spilled.sort_unstable_by_key(|s| s.0);
        spilled.dedup_by(|a, b| a.0 == b.0);
        let mut spilled = spilled.into_iter().peekable();
        let mut body = Vec::new();
        while spilled.peek().is_some() {
            let txn = self
                .txn
                .as_ref()
                .ok_or_else(|| io("the store was closed"))?;
            let mut table = txn.open_table(BODIES).map_err(io)?;
            let mut uncommitted = 0usize;
            while uncommitted < COMMIT_BYTES {
                let Some((key, offset, len)) = spilled.next() else {
                    break;
                };
                body.resize(len as usize, 0);
                read_at(self.spill.get_ref(), &mut body, offset)?;
                // A unit of the previous run that this run did not take from the store (a
                // run with `--report`, or a hit whose exports had changed) may well have
                // the body the store holds: then it is not written again.
                let known = self
                    .previous
                    .as_ref()
                    .is_some_and(|shared| shared.position(&key).is_some());
                if known
                    && table
                        .get(key)
                        .map_err(io)?
                        .is_some_and(|stored| stored.value() == body.as_slice())
                {
                    continue;
                }
                table.insert(key, body.as_slice()).map_err(io)?;
                self.inserted += 1;
                uncommitted += body.len();
            }
            drop(table);
            if spilled.peek().is_some() {
                // A long transaction keeps track of every page it wrote: commit along the
                // way (not durably: the last commit, in `finish`, is), which is safe because
                // a body no places file names is never read (module docs).
                let mut txn = self.txn.take().ok_or_else(|| io("closed"))?;
                txn.set_durability(Durability::None).map_err(io)?;
                txn.commit().map_err(io)?;
                self.txn = Some(self.db.begin_write().map_err(io)?);
            }
        }
        Ok(())
    }

    /// Rewrite the places appended so far with `moved(n, place)` applied to the place of
    /// each record of the `n`th entry (from 0), when the run has moved the exports they
    /// point to (the engine's writers merging the files' and the streams' records); the bodies
    /// are not touched.
    /// An error, or `None` from `moved`, leaves the writer unusable: drop it.
    pub fn relocate(
        &mut self,
        moved: &mut dyn FnMut(usize, &mut Place) -> Option<()>,
    ) -> std::io::Result<()> {
        self.out.flush()?;
        let dir = self
            .file
            .path()
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
        let mut r = BufReader::with_capacity(1 << 20, File::open(self.file.path())?);
        let mut head = vec![0; self.base_at as usize + 8];
        r.read_exact(&mut head)?;
        out.write_all(&head)?;
        let unusable = || std::io::Error::other("a unit's places cannot be moved");
        let mut key_count = [0u8; 20];
        let mut bytes = Vec::new();
        for n in 0.. {
            match r.read_exact(&mut key_count) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(e),
            }
            let count =
                u32::from_le_bytes([key_count[16], key_count[17], key_count[18], key_count[19]])
                    as usize;
            bytes.resize(count.checked_mul(PLACE_BYTES).ok_or_else(unusable)?, 0);
            r.read_exact(&mut bytes)?;
            for bytes in bytes.chunks_exact_mut(PLACE_BYTES) {
                let mut place = read_place(bytes).ok_or_else(unusable)?;
                moved(n, &mut place).ok_or_else(unusable)?;
                bytes.copy_from_slice(&place_bytes(place));
            }
            out.write_all(&key_count)?;
            out.write_all(&bytes)?;
        }
        self.out = out;
        self.file = file;
        Ok(())
    }

    /// After the new generation is published: commit the bodies, put the places in place of
    /// the previous ones (`jsonld_base` is where the record nodes start in the new
    /// generation's `records.jsonld`), then remove from the store the bodies of units this
    /// run did not have. Returns how many bodies were inserted and how many removed.
    pub fn finish(mut self, jsonld_base: u64) -> std::io::Result<(u64, u64)> {
        fn io(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> std::io::Error {
            std::io::Error::other(e)
        }
        self.out.flush()?;
        write_at(self.out.get_ref(), &jsonld_base.to_le_bytes(), self.base_at)?;
        // 1. The bodies (already stored when the caller called `store_bodies` before
        //    publishing): the store then holds every body the new places name (and, until
        //    step 3, the previous run's too), so whichever places file is in force points
        //    only at bodies the store holds.
        if self.txn.is_some() {
            self.store_bodies()?;
        }
        // 2. The places.
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let PackWriter {
            file,
            out,
            path,
            db,
            previous,
            inserted,
            ..
        } = self;
        drop(out);
        file.persist(&path).map_err(|e| e.error)?;
        // This run's keys, read back from its places rather than kept through the run.
        let (_, _, index) = index(&File::open(&path)?)?;
        let mut keys: Vec<Key> = index.into_iter().map(|(k, _)| k).collect();
        // 3. Bodies no places file in force names: those of the previous generation's units
        //    that this run did not have, and, when the store holds more than this run's
        //    units (a run that died between step 1 and 2, a store carried over), every
        //    other one.
        keys.shrink_to_fit();
        let live = |k: &Key| keys.binary_search(k).is_ok();
        let txn = db.begin_write().map_err(io)?;
        let mut removed = 0;
        {
            let mut table = txn.open_table(BODIES).map_err(io)?;
            if let Some(shared) = previous.as_ref() {
                for (key, _) in &shared.index {
                    if !live(key) && table.remove(key).map_err(io)?.is_some() {
                        removed += 1;
                    }
                }
            }
            if table.len().map_err(io)? != keys.len() as u64 {
                table
                    .retain(|k, _| {
                        let keep = live(&k);
                        removed += u64::from(!keep);
                        keep
                    })
                    .map_err(io)?;
            }
        }
        txn.commit().map_err(io)?;
        Ok((inserted, removed))
    }
}

#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buf, offset)
}

#[cfg(not(unix))]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.write_all(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry as the run encodes it (a view of its own values, places apart) decodes as
    /// the owned entry that a hit reads, with every field and place where it was.
    #[test]
    fn a_view_decodes_as_the_entry_with_its_places() {
        let kim = |written: &str, ids: &[&str]| {
            Arc::new(Agent {
                kind: AgentKind::Person,
                as_written: written.into(),
                name: "Kim Il Sung".into(),
                heading: "Kim, Il Sung".into(),
                slug: "kim-il-sung".into(),
                reads_as_organization: false,
                kept_as_written: false,
                family: Some("Kim".into()),
                given: Some("Il Sung".into()),
                roles: vec![],
                ids: ids.iter().map(|s| s.to_string()).collect(),
            })
        };
        let iri = "https://example.org/people/kim-il-sung".to_string();
        // Two spellings of one agent, one of them twice: one view, as one node.
        let mentions = vec![
            (iri.clone(), kim("Kim Il-sung", &[])),
            (
                iri.clone(),
                kim("Kim Il Sung", &["http://www.wikidata.org/entity/Q39998"]),
            ),
            (iri.clone(), kim("Kim Il-sung", &[])),
        ];
        let mut agent = AgentNode::of(&mentions[0].1);
        for (_, a) in &mentions[1..] {
            agent.add(a);
        }
        assert_eq!(agent.written.len(), 2);
        let views = AgentView::group(&mentions);
        assert_eq!(views.len(), 1, "one view per agent");
        // Sorted and without repeats, as the node's set is encoded.
        assert_eq!(views[0].1.written, ["Kim Il Sung", "Kim Il-sung"]);
        let piece = |d: u8| Piece {
            digest: [d; 16],
            ..Piece::default()
        };
        let view = EntryView {
            documents: 1,
            outlines: vec![CachedOutline {
                in_stream: true,
                id: Some(("rec-1".into(), 1, 5)),
                related: vec![("rec-2".into(), 9, 12)],
                collections: vec![],
            }],
            records: vec![RecordView {
                id: "rec-1",
                dc: [1; 16],
                csv: piece(2),
                jsonld: piece(3),
                agents: views,
                mentions: vec![("Kim Il-sung", "person", 0, 7, 10)],
            }],
        };
        let body = view.encode().unwrap();
        let place = ((1 << 40, 77), (123_456, 1 << 20));
        let places = place_bytes(place);

        let entry = decode(&places, &body).unwrap();
        assert_eq!(entry.documents, 1);
        assert_eq!(entry.outlines.len(), 1);
        assert_eq!(
            entry.outlines[0].related,
            vec![("rec-2".to_string(), 9, 12)]
        );
        let record = &entry.records[0];
        assert_eq!((record.id.as_str(), record.dc), ("rec-1", [1; 16]));
        assert_eq!(
            (record.csv.offset, record.csv.len, record.csv.digest),
            (1 << 40, 77, [2; 16])
        );
        let jsonld = (
            record.jsonld.offset,
            record.jsonld.len,
            record.jsonld.digest,
        );
        assert_eq!(jsonld, (123_456, 1 << 20, [3; 16]));
        assert_eq!(
            record.mentions,
            vec![("Kim Il-sung".into(), "person".into(), 0, 7, 10)]
        );
        let (iri, stored) = &record.agents[0];
        assert_eq!(iri, "https://example.org/people/kim-il-sung");
        let node = stored.clone().node();
        assert_eq!(
            (node.kind, &node.name, &node.written),
            (agent.kind, &agent.name, &agent.written)
        );
        assert_eq!(
            (&node.family, &node.given, &node.ids),
            (&agent.family, &agent.given, &agent.ids)
        );

        // Places for more records than the body has, or places cut short: a miss.
        assert!(decode(&[places, places].concat(), &body).is_none());
        assert!(decode(&places[..10], &body).is_none());
    }
}
