//! The incremental cache as a run reads it: the places file in force, its index of keys, and
//! the lookups of units (their bodies from the log, their exports from the previous
//! generation), from any worker thread.

use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{
    BODY_REF_BYTES, Body, BodyRef, CachedRecord, DIR, Digest, Entry, Index, Key, LOG_HEADER,
    MAX_ENTRY, MAX_PLACES, MAX_RECORDS, PLACE_BYTES, PLACES, PLACES_HEADER, PackWriter, Piece,
    body_check, decode, digest, read_at,
};

/// The head of a places file.
struct PlacesHead {
    run_key: Digest,
    generation: String,
    jsonld_base: u64,
    /// The name of the bodies log in the cache folder.
    log: String,
}

/// The places file in force, its log, and the generation they describe, opened: the
/// exports are read back from it on a hit.
pub(super) struct Previous {
    pub(super) places: File,
    pub(super) index: Index,
    pub(super) log: File,
    pub(super) log_name: String,
    /// The log's length when the run began, and how much of it the places name.
    pub(super) log_len: u64,
    pub(super) live: u64,
    dc: PathBuf,
    csv: File,
    jsonld: File,
    /// Where the first record node starts in `records.jsonld`.
    jsonld_base: u64,
}

impl Previous {
    fn position(&self, key: &Key) -> Option<usize> {
        self.index.binary_search_by(|(k, _)| k.cmp(key)).ok()
    }

    /// Where the log holds the body of the unit `key` of the places in force.
    pub(super) fn body_ref(&self, key: &Key) -> Option<BodyRef> {
        let (offset, _) = unpack(self.index[self.position(key)?].1);
        let mut bytes = [0; BODY_REF_BYTES];
        read_at(&self.places, &mut bytes, offset).ok()?;
        BodyRef::of_bytes(&bytes)
    }
}

/// (offset, number of records) of an index entry.
fn unpack(packed: u64) -> (u64, u64) {
    (packed >> 24, packed & u64::from(MAX_RECORDS))
}

/// The incremental cache of an output folder, for lookups from any thread.
pub struct Store {
    pub(super) run_key: Digest,
    pub(super) dir: PathBuf,
    pub(super) old: Option<Arc<Previous>>,
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

impl Store {
    /// The incremental cache under `output`, with the places of the generation in force if
    /// there is a readable places file that describes it, was written with this run key,
    /// and whose log is there. Nothing is created or changed on disk.
    pub fn open(output: &Path, run_key: Digest) -> Store {
        let dir = output.join(DIR);
        let old = open_previous(output, &dir, &run_key).ok().map(Arc::new);
        Store { run_key, dir, old }
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

    /// The stored entry of `key`, if the previous run kept one, and its body.
    pub fn get(&self, key: &Key) -> Option<(Entry, Body)> {
        let old = self.old.as_ref()?;
        let (offset, count) = unpack(old.index[old.position(key)?].1);
        let mut head = vec![0; BODY_REF_BYTES + count as usize * PLACE_BYTES];
        read_at(&old.places, &mut head, offset).ok()?;
        let stored = BodyRef::of_bytes(&head)?;
        if stored.len > MAX_ENTRY || stored.offset.checked_add(u64::from(stored.len))? > old.log_len
        {
            return None;
        }
        let mut bytes = vec![0; stored.len as usize];
        read_at(&old.log, &mut bytes, stored.offset).ok()?;
        if body_check(&bytes) != stored.check {
            return None;
        }
        let entry = decode(&head[BODY_REF_BYTES..], &bytes)?;
        Some((
            entry,
            Body {
                bytes,
                stored: Some(stored),
            },
        ))
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

    /// A writer for this run: its places file (and a new log, if it begins one) is written
    /// in `dir`, the run's new generation of the output folder, so that a failed or killed
    /// run leaves nothing behind, and moved to the cache folder by [`PackWriter::finish`].
    pub fn writer(&self, dir: &Path) -> std::io::Result<PackWriter> {
        PackWriter::create(self, dir)
    }
}

/// Open the places file in force in the cache folder `dir`, if it was written with
/// `run_key`, describes the generation in force of `output`, and its log is there.
fn open_previous(output: &Path, dir: &Path, run_key: &Digest) -> std::io::Result<Previous> {
    let places = File::open(dir.join(PLACES))?;
    let (head, index, live) = index(&places)?;
    if head.run_key != *run_key {
        return Err(std::io::Error::other("the places are of another run key"));
    }
    if crate::output::publish::current_generation(output).as_deref()
        != Some(std::ffi::OsStr::new(&head.generation))
    {
        return Err(std::io::Error::other(
            "the places describe another generation",
        ));
    }
    let (log, log_len) = open_log(&dir.join(&head.log))?;
    let generation = output.join(&head.generation);
    Ok(Previous {
        places,
        index,
        log,
        log_name: head.log,
        log_len,
        live,
        dc: generation.join("dc"),
        csv: File::open(generation.join("records.csv"))?,
        jsonld: File::open(generation.join("records.jsonld"))?,
        jsonld_base: head.jsonld_base,
    })
}

/// A bodies log, opened for reading, and its length; not one if it lacks the header.
fn open_log(path: &Path) -> std::io::Result<(File, u64)> {
    let mut log = File::open(path)?;
    let mut header = [0; LOG_HEADER.len()];
    log.read_exact(&mut header)?;
    if header != LOG_HEADER {
        return Err(std::io::Error::other("not a bodies log of this format"));
    }
    let len = log.metadata()?.len();
    Ok((log, len))
}

/// Read a name: a u16 length, then UTF-8.
fn read_name(r: &mut impl Read) -> std::io::Result<String> {
    let mut len = [0u8; 2];
    r.read_exact(&mut len)?;
    let mut name = vec![0; usize::from(u16::from_le_bytes(len))];
    r.read_exact(&mut name)?;
    String::from_utf8(name).map_err(std::io::Error::other)
}

/// The head of a places file, and how many bytes it takes.
fn read_head(r: &mut impl Read) -> std::io::Result<(PlacesHead, u64)> {
    let mut header = vec![0; PLACES_HEADER.len()];
    r.read_exact(&mut header)?;
    if header != PLACES_HEADER {
        return Err(std::io::Error::other("not a places file of this format"));
    }
    let mut run_key = [0u8; 16];
    r.read_exact(&mut run_key)?;
    let generation = read_name(r)?;
    let mut base = [0u8; 8];
    r.read_exact(&mut base)?;
    let log = read_name(r)?;
    // The names are joined to the output and cache folders, and the log is appended to: a
    // damaged or planted places file must not name a file anywhere else (`../../x.bodies`).
    let plain = |n: &str| !n.is_empty() && n != "." && n != ".." && !n.contains(['/', '\\', '\0']);
    if !plain(&generation) || !plain(&log) || !log.ends_with(super::LOG_SUFFIX) {
        return Err(std::io::Error::other(
            "the places name a file outside the output folder",
        ));
    }
    let len = (PLACES_HEADER.len() + 16 + 2 + generation.len() + 8 + 2 + log.len()) as u64;
    Ok((
        PlacesHead {
            run_key,
            generation,
            jsonld_base: u64::from_le_bytes(base),
            log,
        },
        len,
    ))
}

/// Read a places file: its head, where each unit's places are, and how many bytes of the
/// log its bodies take.
fn index(file: &File) -> std::io::Result<(PlacesHead, Index, u64)> {
    let file_len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(1 << 16, file);
    let (head, mut offset) = read_head(&mut r)?;
    let mut index = Vec::new();
    let mut live = 0u64;
    let mut unit = [0u8; 20 + BODY_REF_BYTES];
    loop {
        match r.read_exact(&mut unit) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&unit[..16]);
        let count = u32::from_le_bytes([unit[16], unit[17], unit[18], unit[19]]);
        offset += 20;
        let len = u64::from(count) * PLACE_BYTES as u64;
        // A count that a damaged file makes run past its end is never read (nor are
        // gigabytes allocated for it).
        let whole = offset + BODY_REF_BYTES as u64 + len <= file_len;
        if whole && count <= MAX_RECORDS && offset <= MAX_PLACES {
            index.push((key, offset << 24 | u64::from(count)));
        }
        if let Some(body) = BodyRef::of_bytes(&unit[20..]) {
            live += u64::from(body.len);
        }
        r.seek_relative(i64::try_from(len).map_err(std::io::Error::other)?)?;
        offset += BODY_REF_BYTES as u64 + len;
    }
    // One key twice does not come from this program (a unit's key includes its place); keep
    // the first.
    index.sort_by_key(|e| e.0);
    index.dedup_by(|later, first| later.0 == first.0);
    Ok((head, index, live))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The places file as `super` documents it, with `units` as (key byte, count, places
    /// bytes actually written).
    fn places_file(units: &[(u8, u32, usize)]) -> tempfile::NamedTempFile {
        places_file_naming("gen", "records-x.bodies", units)
    }

    /// [`places_file`] naming the generation `generation` and the log `log`.
    fn places_file_naming(
        generation: &str,
        log: &str,
        units: &[(u8, u32, usize)],
    ) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let mut bytes = PLACES_HEADER.to_vec();
        bytes.extend([7u8; 16]); // the run key
        for (i, name) in [generation, log].into_iter().enumerate() {
            bytes.extend((name.len() as u16).to_le_bytes());
            bytes.extend(name.as_bytes());
            if i == 0 {
                bytes.extend(0u64.to_le_bytes()); // the record nodes' offset
            }
        }
        for &(key, count, written) in units {
            bytes.extend([key; 16]);
            bytes.extend(count.to_le_bytes());
            bytes.extend([0u8; BODY_REF_BYTES]);
            bytes.extend(vec![0u8; written]);
        }
        f.write_all(&bytes).unwrap();
        f
    }

    #[test]
    fn a_unit_whose_places_run_past_the_end_is_not_indexed() {
        let f = places_file(&[(1, 2, 2 * PLACE_BYTES), (2, 1000, PLACE_BYTES)]);
        let (head, index, _) = index(&f.reopen().unwrap()).unwrap();
        assert_eq!(
            (head.generation.as_str(), head.log.as_str()),
            ("gen", "records-x.bodies")
        );
        let keys: Vec<u8> = index.iter().map(|(k, _)| k[0]).collect();
        assert_eq!(
            keys,
            [1],
            "the unit claiming 1,000 places in 24 bytes is left out"
        );
    }

    /// A places file naming a log or a generation outside the cache folder (the log is
    /// appended to by the next run) is not read: `.cache/../../x.bodies` would be written.
    #[test]
    fn places_naming_a_file_elsewhere_are_not_read() {
        for (generation, log) in [
            ("gen", "../../x.bodies"),
            ("gen", "/tmp/x.bodies"),
            ("gen", "records-x.txt"),
            ("../elsewhere", "records-x.bodies"),
            ("..", "records-x.bodies"),
        ] {
            let f = places_file_naming(generation, log, &[(1, 1, PLACE_BYTES)]);
            assert!(index(&f.reopen().unwrap()).is_err(), "{generation} {log}");
        }
        let f = places_file_naming("gen", "records-x.bodies", &[(1, 1, PLACE_BYTES)]);
        assert!(index(&f.reopen().unwrap()).is_ok());
    }
}
