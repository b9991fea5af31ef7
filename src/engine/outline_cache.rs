//! The outline cache: the ids and references of a catalogue's files, kept between runs so
//! that `pipeline validate FILE` in a big catalogue does not parse every other file again.
//!
//! `validate PATH...` checks the named files in full but resolves their ids and references
//! against the whole catalogue, which needs the [`Outline`] of every other file. Parsing
//! 100,000 files for that took ~4.7 s; reading their outlines from this cache takes a
//! fraction of it (figures in BENCHMARKS.md).
//!
//! Decisions:
//!
//! - **Where**: `$PIPELINE_CACHE_DIR` if set (an empty value turns the cache off), else
//!   `$XDG_CACHE_HOME/pipeline`, else `~/.cache/pipeline`; one file per catalogue folder,
//!   `outlines-<hash of the folder's canonical path>.redb`. Not inside the catalogue: it is
//!   usually under version control and may be read-only.
//! - **Format**: a [redb](https://docs.rs/redb) store, table `outlines`: relative path →
//!   postcard of (stamp, outlines). Unlike the incremental cache's bodies (found through a
//!   places file, never by key alone: an append-only log, see [`crate::engine::incremental`]),
//!   outlines are looked up by path, one file at a time, and replaced in place when a file
//!   changes: what a B-tree is for. redb over fjall, the other well-kept pure-Rust embedded
//!   store: one file rather than a folder of journal and segment files; reads with `pread`
//!   through a page cache whose size we set (8 MB here; its default, 1 GiB, would not fit a
//!   256 MB run), where fjall keeps memtables, a block cache and background threads; and no
//!   dependencies of its own. It needs Rust 1.90. It is **updated in place**: a run puts
//!   the files it outlined, removes the files gone, and commits once, in one transaction, so
//!   `validate FILE` after an edit writes a few pages, not the whole cache (it was one JSON
//!   file, read and rewritten whole: 221 MB for a million records). The
//!   `outlines-*.json` file of earlier versions is removed when its catalogue is next
//!   validated.
//! - **Two processes at once**: redb locks the file while a process has it open; a
//!   `pipeline validate` that finds it locked runs without the cache (parses every file), and
//!   never fails for it. A run killed before it commits leaves the store as it was.
//! - **Key**: a file's path relative to the catalogue, its size, modification time, change
//!   time and inode. The change time cannot be set back by tools (`touch -d`, `rsync -t`),
//!   so an edit that keeps the size and restores the modification time is still seen.
//! - **Racy entries**: a file modified less than [`RACY_SECONDS`] before it was outlined may
//!   be modified again within the same timestamp tick; such outlines are not stored (the file
//!   is parsed again next time), as git does for its index.
//! - **An optimization only**: a missing, unreadable, corrupt or foreign cache is ignored and
//!   made anew; results are the same with and without it (tested in `tests/it/scale.rs`).
//!   The `meta` table holds the cache format and the reading limits, which decide what a
//!   file's outline is; any difference empties the whole cache.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{
    Database, DatabaseError, ReadOnlyTable, ReadableDatabase, TableDefinition, WriteTransaction,
};
use serde::{Deserialize, Serialize};

use crate::read::Limits;

/// The memory redb may use for its page cache and write buffer. Its default (1 GiB) would
/// be most of the memory a million-record run may take; lookups go through the operating
/// system's page cache anyway.
const DB_CACHE: usize = 8 << 20;

/// A redb database at `path` with our cache size; a damaged file may make redb panic rather
/// than fail, which is taken as a failure.
fn open_redb(path: &Path) -> Result<Database, DatabaseError> {
    std::panic::catch_unwind(|| redb::Builder::new().set_cache_size(DB_CACHE).create(path))
        .unwrap_or_else(|_| {
            Err(DatabaseError::Storage(redb::StorageError::Corrupted(
                "the file could not be opened".into(),
            )))
        })
}
use crate::read::file_list::FileList;
use crate::validate::crosscheck::{Outline, StoredOutline};

/// A file modified this recently is outlined but not cached.
pub const RACY_SECONDS: u64 = 2;

const FORMAT: u32 = 2;

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    inode: u64,
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Stamp {
        let since = |t: std::io::Result<SystemTime>| -> (i64, u32) {
            match t.map(|t| t.duration_since(UNIX_EPOCH)) {
                Ok(Ok(d)) => (d.as_secs() as i64, d.subsec_nanos()),
                _ => (-1, 0),
            }
        };
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec() as u32), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime, inode) = ((0, 0), 0);
        Stamp {
            size: meta.len(),
            mtime: since(meta.modified()),
            ctime,
            inode,
        }
    }

    /// Whether the file changed too recently for its stamp to be trusted later.
    fn racy(&self) -> bool {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs() as i64;
        let newest = self.mtime.0.max(self.ctime.0);
        newest < 0 || now - newest < RACY_SECONDS as i64
    }
}

/// Relative path → postcard of ([`Stamp`], outlines).
const OUTLINES: TableDefinition<&str, &[u8]> = TableDefinition::new("outlines");
/// `header` → the format and the reading limits the outlines were taken with.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Outlines to write are put into the store in batches of about this many bytes.
const BATCH_BYTES: usize = 4 << 20;

/// The outline cache of one catalogue folder.
pub struct OutlineCache {
    root: PathBuf,
    path: Option<PathBuf>,
    header: String,
    db: Option<Database>,
    /// What the store held when opened (`None`: nothing usable).
    stored: Option<ReadOnlyTable<&'static str, &'static [u8]>>,
    /// The store holds another format or other limits: empty it before writing.
    fresh: bool,
    /// Writes not yet made: relative path → new value (`None`: remove).
    pending: Vec<(String, Option<Vec<u8>>)>,
    pending_bytes: usize,
    txn: Option<WriteTransaction>,
}

impl std::fmt::Debug for OutlineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutlineCache")
            .field("path", &self.path)
            .finish()
    }
}

/// The folder that holds outline caches, or `None` when caching is off.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PIPELINE_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("pipeline"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(".cache").join("pipeline"))
}

fn io(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> std::io::Error {
    std::io::Error::other(e)
}

impl OutlineCache {
    /// The cache of the catalogue under `root` (empty when there is none, it does not fit,
    /// or another process has it open).
    pub fn open(root: &Path, limits: &Limits) -> OutlineCache {
        Self::open_in(root, limits, cache_dir())
    }

    /// The cache of the catalogue under `root` kept in `dir` (`None`: off).
    fn open_in(root: &Path, limits: &Limits, dir: Option<PathBuf>) -> OutlineCache {
        let header = format!("{FORMAT} {limits:?}");
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let name = format!(
            "outlines-{:016x}",
            crate::engine::selection::fnv1a(canonical.to_string_lossy().as_bytes())
        );
        let path = dir.as_ref().map(|dir| dir.join(format!("{name}.redb")));
        let mut cache = OutlineCache {
            root: root.to_path_buf(),
            path: path.clone(),
            header,
            db: None,
            stored: None,
            fresh: true,
            pending: Vec::new(),
            pending_bytes: 0,
            txn: None,
        };
        let (Some(dir), Some(path)) = (dir, path) else {
            return cache;
        };
        if fs::create_dir_all(&dir).is_err() {
            return cache;
        }
        // The whole-file JSON cache of earlier versions.
        let _ = fs::remove_file(dir.join(format!("{name}.json")));
        let db = match open_redb(&path) {
            Ok(db) => db,
            // Another `pipeline validate` of this catalogue has it: go without.
            Err(DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch) => {
                return cache;
            }
            // Not a store, or a damaged one: made anew.
            Err(_) => {
                if fs::remove_file(&path).is_err() {
                    return cache;
                }
                match open_redb(&path) {
                    Ok(db) => db,
                    Err(_) => return cache,
                }
            }
        };
        let read = db.begin_read().ok();
        let ours = read
            .as_ref()
            .and_then(|txn| {
                let meta = txn.open_table(META).ok()?;
                let header = meta.get("header").ok()??;
                Some(header.value() == cache.header.as_bytes())
            })
            .unwrap_or(false);
        if ours {
            cache.stored = read.and_then(|txn| txn.open_table(OUTLINES).ok());
        }
        cache.fresh = !ours;
        cache.db = Some(db);
        cache
    }

    /// Where the cache is kept (`None`: caching is off).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the cache can be used: it is on, and this process could open its store (not
    /// held by another one).
    pub fn usable(&self) -> bool {
        self.db.is_some()
    }

    fn key(&self, file: &Path) -> Option<String> {
        file.strip_prefix(&self.root)
            .ok()?
            .to_str()
            .map(str::to_string)
    }

    /// The outlines of `file` when its stamp is the one they were taken from.
    pub fn get(&self, file: &Path, stamp: &Stamp) -> Option<Vec<Outline>> {
        let value = self.stored.as_ref()?.get(self.key(file)?.as_str()).ok()??;
        let (stored, outlines): (Stamp, Vec<StoredOutline>) =
            postcard::from_bytes(value.value()).ok()?;
        (stored == *stamp).then(|| outlines.iter().map(|o| o.outline(file)).collect())
    }

    /// Remember the outlines of `file` as of `stamp` (unless the stamp is too recent).
    pub fn put(&mut self, file: &Path, stamp: Stamp, outlines: &[Outline]) {
        if self.db.is_none() {
            return;
        }
        let Some(key) = self.key(file) else { return };
        let value = if stamp.racy() {
            None
        } else {
            let outlines: Vec<StoredOutline> = outlines.iter().map(StoredOutline::of).collect();
            postcard::to_stdvec(&(stamp, outlines)).ok()
        };
        self.pending_bytes += key.len() + value.as_ref().map_or(0, Vec::len);
        self.pending.push((key, value));
        if self.pending_bytes >= BATCH_BYTES && self.write_pending().is_err() {
            self.db = None; // only an optimization: go on without
        }
    }

    /// The write transaction of this run, begun (and the store emptied, if it was not ours)
    /// the first time it is needed.
    fn txn(&mut self) -> std::io::Result<&WriteTransaction> {
        if self.txn.is_none() {
            let db = self.db.as_ref().ok_or_else(|| io("no cache"))?;
            let txn = db.begin_write().map_err(io)?;
            if self.fresh {
                txn.delete_table(OUTLINES).map_err(io)?;
                txn.delete_table(META).map_err(io)?;
                txn.open_table(META)
                    .map_err(io)?
                    .insert("header", self.header.as_bytes())
                    .map_err(io)?;
            }
            self.txn = Some(txn);
        }
        self.txn.as_ref().ok_or_else(|| io("no transaction"))
    }

    fn write_pending(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let txn = self.txn()?;
        let mut table = txn.open_table(OUTLINES).map_err(io)?;
        for (key, value) in pending {
            match value {
                Some(value) => table.insert(key.as_str(), value.as_slice()).map(drop),
                None => table.remove(key.as_str()).map(drop),
            }
            .map_err(io)?;
        }
        Ok(())
    }

    /// Forget every file not in `present`; then commit what changed. A cache that cannot be
    /// written is not an error (it is only an optimization).
    pub fn save(mut self, present: &FileList) {
        if self.db.is_none() {
            return;
        }
        let _ = (|| -> std::io::Result<()> {
            let written = !self.pending.is_empty() || self.fresh;
            self.write_pending()?;
            // Looked up in the run's file list, not copied out of it: a catalogue of a
            // million files needs no second list of their names.
            let root = self.root.clone();
            let mut removed = false;
            let txn = self.txn()?;
            txn.open_table(OUTLINES)
                .map_err(io)?
                .retain(|k, _| {
                    let present = present.binary_search(&root.join(k)).is_ok();
                    removed |= !present;
                    present
                })
                .map_err(io)?;
            // The read snapshot goes first, so that pages it held can be reused.
            self.stored = None;
            let txn = self.txn.take().ok_or_else(|| io("no transaction"))?;
            if written || removed {
                txn.commit().map_err(io)
            } else {
                txn.abort().map_err(io)
            }
        })();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::ReadableTableMetadata;

    fn stamp(size: u64) -> Stamp {
        Stamp {
            size,
            mtime: (1_000_000, 0),
            ctime: (1_000_000, 0),
            inode: size,
        }
    }

    fn outline(root: &Path, id: &str) -> Outline {
        StoredOutline {
            in_stream: false,
            id: Some((id.into(), 1, 5)),
            related: vec![("r-0".into(), 9, 12)],
            collections: vec![],
        }
        .outline(&root.join(format!("{id}.yaml")))
    }

    /// `n` files, sorted as a catalogue's walk lists them.
    fn files(root: &Path, n: usize) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = (0..n).map(|i| root.join(format!("r-{i}.yaml"))).collect();
        files.sort();
        files
    }

    fn entries(cache: &OutlineCache) -> u64 {
        cache.stored.as_ref().map_or(0, |t| t.len().unwrap())
    }

    /// Files put are found with their stamp, a file gone is removed, one edit rewrites a
    /// small part of the file (the same file), and a second process (here: a second handle)
    /// that finds the cache open goes without it, harmlessly.
    #[test]
    fn updated_in_place_and_shared_safely() {
        let root = tempfile::TempDir::new().unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let limits = Limits::default();
        let open = || OutlineCache::open_in(root.path(), &limits, Some(dir.path().into()));
        let all = files(root.path(), 5000);
        let mut cache = open();
        for (i, f) in all.iter().enumerate() {
            assert!(cache.get(f, &stamp(i as u64)).is_none());
            cache.put(
                f,
                stamp(i as u64),
                &[outline(root.path(), &format!("r-{i}"))],
            );
        }
        let path = cache.path().unwrap().to_path_buf();
        cache.save(&all.iter().collect());

        let cache = open();
        assert_eq!(entries(&cache), 5000);
        let got = cache.get(&all[7], &stamp(7)).unwrap();
        assert_eq!(got[0].id.as_ref().unwrap().id, "r-7");
        assert_eq!(got[0].file, all[7]);
        assert!(cache.get(&all[7], &stamp(8)).is_none(), "another stamp");
        // Opened twice at once: the second goes without the cache.
        let mut second = open();
        assert!(second.get(&all[7], &stamp(7)).is_none());
        second.put(&all[8], stamp(1), &[]);
        second.save(&all.iter().collect());
        // The first saves as usual (one file gone).
        cache.save(&all[1..].iter().collect());
        let before = fs::read(&path).unwrap();
        let cache = open();
        assert_eq!(entries(&cache), 4999);
        assert!(cache.get(&all[0], &stamp(0)).is_none());
        assert!(cache.get(&all[8], &stamp(8)).is_some());

        // One file outlined again: a few pages change.
        let mut cache = cache;
        cache.put(&all[2500], stamp(99), &[outline(root.path(), "r-x")]);
        cache.save(&all[1..].iter().collect());
        let after = fs::read(&path).unwrap();
        let differ = after
            .chunks(4096)
            .enumerate()
            .filter(|(i, page)| before.get(i * 4096..i * 4096 + page.len()) != Some(*page))
            .count();
        let pages = after.len().div_ceil(4096);
        assert!(differ * 5 < pages, "{differ} of {pages} pages written");
        let cache = open();
        assert_eq!(entries(&cache), 4999);
        assert!(cache.get(&all[2500], &stamp(99)).is_some());

        // Other limits: the cache is emptied.
        let other = Limits {
            max_file_bytes: 12345,
            ..Limits::default()
        };
        drop(cache);
        let mut cache = OutlineCache::open_in(root.path(), &other, Some(dir.path().into()));
        assert!(cache.get(&all[9], &stamp(9)).is_none());
        cache.put(&all[9], stamp(9), &[]);
        cache.save(&all.iter().collect());
        let cache = OutlineCache::open_in(root.path(), &other, Some(dir.path().into()));
        assert_eq!(entries(&cache), 1);
    }
}
