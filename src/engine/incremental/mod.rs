//! Incremental runs: what `pipeline run` made of each record last time, kept under the
//! output folder, so that a run after editing k of N records parses, validates and renders
//! only those k.
//!
//! Why here and how:
//!
//! - **Where**: `<output>/.cache/`, next to the exports it helps to rebuild: a bodies log
//!   `records-<name>.bodies` and `records.places` (where each unit's exports and body are).
//!   The publish step switches generations of `dc/`, `records.csv` and `records.jsonld`,
//!   never the whole output folder, so the cache survives it; a reader of the exports never
//!   sees it (it is not under `dc/`). Deleting it is always safe: the next run is a clean
//!   one.
//! - **Key** of a unit (a single-record file, or one document of a `---` stream): XXH3-128 of
//!   the run key, the file's path relative to the catalogue, the document's number and first
//!   line, and its bytes. The **run key** covers everything else an output depends on: this
//!   binary (version, size and modification time of the executable), the record schema,
//!   the base IRI and CSV separator, the date order, the reading limits, and the bytes of
//!   `_collections.yaml` and `_authorities.yaml`. Any change to one of them makes every key
//!   new, so the whole catalogue is processed again (the places file records the run key,
//!   so such a run does not even read the previous index, and starts a new log).
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
//!   - the bodies are **appended** to a log (`records-<name>.bodies`: a header line, then
//!     the bodies one after the other, nothing else). A run appends the bodies of its misses
//!     and nothing more: a body already in the log, whether the run took it from there (a
//!     hit) or made the same bytes again (a run with `--report`, a hit whose exports had
//!     changed), is pointed at where it is. An incremental run after one edit writes one
//!     body, not the ~750 MB a million records take;
//!   - the places are written fresh by every run, as `records.places`: a header line, the
//!     run key, the name of the generation they describe and the offset of the record nodes
//!     in its `records.jsonld`, the name of the log, then for each unit in the order of the
//!     run `[16-byte key][u32 records][where its body is: u32 length, u64 offset in the log,
//!     u64 XXH3-64 of its bytes][24 bytes per record]` (~60 bytes a record). They are written
//!     inside the run's new generation ([`crate::output::publish`]), so a failed or killed
//!     run leaves no stray file, and renamed into the cache folder after publishing. Places
//!     whose generation is not the one `.current` names are ignored (the run is a clean
//!     one). Moving the exports ([`PackWriter::relocate`]) rewrites only this file.
//!   - **Garbage and compaction.** A body no places file names any longer (an edited or
//!     deleted record's) stays in the log until the log is more garbage than live bodies;
//!     the run that finds it so writes a new log with only the bodies it uses (copied
//!     from the old log as it goes, in the run's order), and the old log is deleted once the
//!     new places are in force. A catalogue edited a little at a time is compacted rarely;
//!     each compaction is one sequential copy of the live bodies, as every run made when the
//!     cache was one file rewritten whole.
//!
//!   The places come apart from the body because they are known only when the unit is
//!   written, in id order, on the one thread that writes: the body is encoded on the worker
//!   threads, straight from the run's own values ([`EntryView`]), and a hit carries its body
//!   over with where it is in the log ([`Body`]).
//! - **Safety of the order of writes.** A body is read only through a places file in force,
//!   which names the log, the body's range and a digest of its bytes (a damaged or cut log
//!   makes that unit a miss, never a wrong body). The log in force is only appended to,
//!   so every range an older places file names stays as it was. The writer does, in this
//!   order: (1) before the generation is published ([`PackWriter::store_bodies`]), flush
//!   the bodies it appended to disk (`fdatasync`); after publishing ([`PackWriter::finish`]),
//!   (2) move a new log into the cache folder, (3) rename the places into the cache folder,
//!   (4) delete every other log there. A run that fails leaves the log in force as it was
//!   (what it appended is cut off again) and a new log it began is deleted with the
//!   generation; a run killed before (3) leaves the previous places in force (and their
//!   log), ignored if the generation switched; between (3) and (4), a stray log, deleted by
//!   the next run's step (4). A hit is still checked against the digests of the previous
//!   generation's bytes. One run at a time writes an output folder (its lock).
//! - **Why a log of our own** rather than a key-value store: the previous version kept the
//!   bodies in a redb B-tree (updated in place), which cost ~14,000 instructions per body
//!   inserted and a B-tree lookup per hit: about 10 % more instructions per `run` than the
//!   earlier single-file cache (BENCHMARKS.md). Nothing here needs a B-tree: bodies are
//!   found through the places file (which a run reads anyway, and whose index is the sorted
//!   list of keys), never by key alone, and are never updated, only replaced by a new key.
//!   An append-only file with offsets kept elsewhere is the Bitcask design (Riak's storage
//!   engine), about forty lines here; a crate for it would bring its own index and
//!   directory layout that the places file already is.
//! - Not used by `validate` (no output folder) nor by sharded runs.

use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::catalogue::{AUTHORITIES_FILE, COLLECTIONS_FILE, Settings};
use crate::export::ExportOptions;
use crate::export::jsonld::AgentNode;
use crate::normalize::names::{Agent, AgentKind};

mod store;
mod writer;

pub use store::{Replayed, Store};
pub use writer::PackWriter;

/// The cache folder inside the output folder.
pub const DIR: &str = crate::output::publish::CACHE_DIR;
/// The places file in the cache folder.
pub const PLACES: &str = "records.places";
/// What a bodies log's name ends with.
pub const LOG_SUFFIX: &str = ".bodies";
/// The stores of earlier versions, removed when a run puts its places in force.
const OLD_STORES: [&str; 2] = ["records.redb", "records.pack"];
/// The format of the bodies (in the run key) and of the log.
const HEADER: &[u8] = b"pipeline-incremental/6\n";
const LOG_HEADER: &[u8] = b"pipeline-bodies/1\n";
const PLACES_HEADER: &[u8] = b"pipeline-places/2\n";
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
    /// The body of the entry as kept in the bodies log. Written into room for a typical body
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

/// Where a body is in the log: its length, offset and XXH3-64 digest, as in the places file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BodyRef {
    len: u32,
    offset: u64,
    check: u64,
}

/// The bytes of a [`BodyRef`] in the places file.
const BODY_REF_BYTES: usize = 20;

impl BodyRef {
    fn to_bytes(self) -> [u8; BODY_REF_BYTES] {
        let mut bytes = [0u8; BODY_REF_BYTES];
        bytes[..4].copy_from_slice(&self.len.to_le_bytes());
        bytes[4..12].copy_from_slice(&self.offset.to_le_bytes());
        bytes[12..].copy_from_slice(&self.check.to_le_bytes());
        bytes
    }

    fn of_bytes(bytes: &[u8]) -> Option<BodyRef> {
        Some(BodyRef {
            len: u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?),
            offset: u64::from_le_bytes(bytes.get(4..12)?.try_into().ok()?),
            check: u64::from_le_bytes(bytes.get(12..20)?.try_into().ok()?),
        })
    }
}

/// The digest of a body, checked when it is read back.
fn body_check(body: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(body)
}

/// An entry's encoded body, on its way to the writer: made now ([`Body::new`]), or read from
/// the log in force by [`Store::get`] (then the writer points at it rather than append it
/// again).
#[derive(Debug, Clone)]
pub struct Body {
    bytes: Vec<u8>,
    stored: Option<BodyRef>,
}

impl Body {
    /// A body encoded by this run ([`EntryView::encode`]).
    pub fn new(bytes: Vec<u8>) -> Body {
        Body {
            bytes,
            stored: None,
        }
    }
}

/// Where each unit's places are in the places file, sorted by key: (key, offset << 24 |
/// number of records), the offset being that of the unit's [`BodyRef`]. Kept for a whole
/// re-run, so as small as it can be: 24 bytes per unit.
type Index = Vec<(Key, u64)>;

/// Units with more records than this are not indexed (they are misses): no file comes near.
const MAX_RECORDS: u32 = (1 << 24) - 1;
/// Bodies longer than this are misses: no record comes near it.
const MAX_ENTRY: u32 = (1 << 24) - 1;
/// Places files longer than this are not used (a 1,000,000-record one is ~60 MB).
const MAX_PLACES: u64 = (1 << 40) - 1;

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

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buf, offset)
}

#[cfg(not(unix))]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
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
                unproven: None,
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
