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
//!   `outlines-<hash of the folder's canonical path>.json`. Not inside the catalogue: it is
//!   usually under version control and may be read-only.
//! - **Key**: a file's path relative to the catalogue, its size, modification time, change
//!   time and inode. The change time cannot be set back by tools (`touch -d`, `rsync -t`),
//!   so an edit that keeps the size and restores the modification time is still seen.
//! - **Racy entries**: a file modified less than [`RACY_SECONDS`] before it was outlined may
//!   be modified again within the same timestamp tick; such outlines are not stored (the file
//!   is parsed again next time), as git does for its index.
//! - **An optimization only**: a missing, unreadable, corrupt or foreign cache is ignored and
//!   rewritten; results are the same with and without it (tested in `tests/scale.rs`).
//!   The header holds the cache format and the reading limits, which decide what a file's
//!   outline is; any difference discards the whole cache.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::crosscheck::{Outline, StoredOutline};
use crate::read::Limits;

/// A file modified this recently is outlined but not cached.
pub const RACY_SECONDS: u64 = 2;

const FORMAT: u32 = 1;

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

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    outlines: Vec<StoredOutline>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    header: String,
    /// Path relative to the catalogue folder → its outlines.
    entries: HashMap<String, Entry>,
}

/// The outline cache of one catalogue folder.
#[derive(Debug)]
pub struct OutlineCache {
    root: PathBuf,
    path: Option<PathBuf>,
    stored: Stored,
    changed: bool,
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

impl OutlineCache {
    /// The cache of the catalogue under `root` (empty when there is none or it does not fit).
    pub fn open(root: &Path, limits: &Limits) -> OutlineCache {
        let header = format!("{limits:?}");
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let path = cache_dir().map(|dir| {
            let name = canonical.to_string_lossy();
            dir.join(format!(
                "outlines-{:016x}.json",
                crate::streaming::fnv1a(name.as_bytes())
            ))
        });
        let stored = path
            .as_ref()
            .and_then(|p| fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.format == FORMAT && s.header == header)
            .unwrap_or(Stored {
                format: FORMAT,
                header,
                entries: HashMap::new(),
            });
        OutlineCache {
            root: root.to_path_buf(),
            path,
            stored,
            changed: false,
        }
    }

    /// Where the cache is kept (`None`: caching is off).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn key(&self, file: &Path) -> Option<String> {
        file.strip_prefix(&self.root)
            .ok()?
            .to_str()
            .map(str::to_string)
    }

    /// The outlines of `file` when its stamp is the one they were taken from.
    pub fn get(&self, file: &Path, stamp: &Stamp) -> Option<Vec<Outline>> {
        let entry = self.stored.entries.get(&self.key(file)?)?;
        (entry.stamp == *stamp).then(|| entry.outlines.iter().map(|o| o.outline(file)).collect())
    }

    /// Remember the outlines of `file` as of `stamp` (unless the stamp is too recent).
    pub fn put(&mut self, file: &Path, stamp: Stamp, outlines: &[Outline]) {
        let Some(key) = self.key(file) else { return };
        if stamp.racy() {
            if self.stored.entries.remove(&key).is_some() {
                self.changed = true;
            }
            return;
        }
        let outlines = outlines.iter().map(StoredOutline::of).collect();
        self.stored.entries.insert(key, Entry { stamp, outlines });
        self.changed = true;
    }

    /// Forget every file not in `present`; then write the cache if anything changed. A cache
    /// that cannot be written is not an error (it is only an optimization).
    pub fn save(mut self, present: &[PathBuf]) {
        let keep: std::collections::HashSet<String> =
            present.iter().filter_map(|f| self.key(f)).collect();
        let before = self.stored.entries.len();
        self.stored.entries.retain(|k, _| keep.contains(k));
        self.changed |= self.stored.entries.len() != before;
        let Some(path) = self.path.as_ref().filter(|_| self.changed) else {
            return;
        };
        let _ = (|| -> std::io::Result<()> {
            let dir = path.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(dir)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".outlines-")
                .tempfile_in(dir)?;
            let bytes = serde_json::to_vec(&self.stored).map_err(std::io::Error::other)?;
            tmp.write_all(&bytes)?;
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        })();
    }
}
