//! The incremental cache as a run writes it: its places, in the order of the run, and the
//! bodies it appends to the log (the log in force, or a new one when the old one is more
//! garbage than bodies in use).

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::store::{Previous, Store};
use super::{
    BODY_REF_BYTES, Body, BodyRef, Key, LOG_HEADER, LOG_SUFFIX, OLD_STORES, PLACE_BYTES, PLACES,
    PLACES_HEADER, Place, TEMP_PREFIX, body_check, place_bytes, read_at, read_place, write_at,
};

/// Where the bodies of this run go.
enum Log {
    /// Appended to the log in force, whose length was `start`: cut back to it if the run
    /// does not put its places in force.
    Appending { start: u64 },
    /// A new log, begun in the run's generation and moved into the cache folder by
    /// [`PackWriter::finish`] (deleted with the writer otherwise).
    New(Option<tempfile::NamedTempFile>),
}

/// This run's places, written in the order of the run, and the bodies it adds to the log.
pub struct PackWriter {
    /// The places, in the run's generation (`None` once put in force).
    file: Option<tempfile::NamedTempFile>,
    out: BufWriter<File>,
    /// The places file in the cache folder.
    path: PathBuf,
    /// Where the record nodes' offset is written, and where the units begin.
    base_at: u64,
    head_len: u64,
    log: Log,
    /// The log, opened for appending (`None` once finished or dropped).
    log_out: Option<BufWriter<File>>,
    log_name: String,
    /// Where the next body goes in the log.
    log_len: u64,
    /// The places in force when this run appends to their log: their bodies are pointed
    /// at. `None` for a new log.
    previous: Option<Arc<Previous>>,
    /// The bodies appended have been flushed to disk.
    synced: bool,
    /// The places are in force: the log must not be cut back.
    in_force: bool,
    /// Bodies appended (for tests and figures).
    appended: u64,
}

impl std::fmt::Debug for PackWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackWriter")
            .field("path", &self.path)
            .field("log", &self.log_name)
            .finish()
    }
}

/// Write a name: a u16 length, then its bytes.
fn write_name(out: &mut impl Write, name: &str) -> std::io::Result<()> {
    let len = u16::try_from(name.len()).map_err(std::io::Error::other)?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(name.as_bytes())
}

impl PackWriter {
    /// A writer for a run of `store`, whose new generation is `dir`.
    pub(super) fn create(store: &Store, dir: &Path) -> std::io::Result<PackWriter> {
        // The log in force is appended to unless more of it is garbage than bodies in use:
        // then this run copies the bodies it uses into a new log (a compaction), and has no
        // previous bodies to point at.
        let previous = store.old.clone().filter(|p| {
            let garbage = p.log_len.saturating_sub(LOG_HEADER.len() as u64 + p.live);
            garbage <= p.live
        });
        let (log, log_out, log_name, log_len) = match &previous {
            Some(p) => {
                let file = OpenOptions::new()
                    .append(true)
                    .open(store.dir.join(&p.log_name))?;
                let start = p.log_len;
                (
                    Log::Appending { start },
                    BufWriter::with_capacity(1 << 20, file),
                    p.log_name.clone(),
                    start,
                )
            }
            None => {
                let file = tempfile::Builder::new()
                    .prefix(TEMP_PREFIX)
                    .tempfile_in(dir)?;
                let random = file
                    .path()
                    .file_name()
                    .map(|n| {
                        n.to_string_lossy()
                            .trim_start_matches(TEMP_PREFIX)
                            .to_owned()
                    })
                    .unwrap_or_default();
                let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
                out.write_all(LOG_HEADER)?;
                (
                    Log::New(Some(file)),
                    out,
                    format!("records-{random}{LOG_SUFFIX}"),
                    LOG_HEADER.len() as u64,
                )
            }
        };
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let generation = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
        out.write_all(PLACES_HEADER)?;
        out.write_all(&store.run_key)?;
        write_name(&mut out, &generation)?;
        let base_at = (PLACES_HEADER.len() + 16 + 2 + generation.len()) as u64;
        out.write_all(&0u64.to_le_bytes())?; // the record nodes' offset, set by `finish`
        write_name(&mut out, &log_name)?;
        let head_len = base_at + 8 + 2 + log_name.len() as u64;
        Ok(PackWriter {
            file: Some(file),
            out,
            path: store.dir.join(PLACES),
            base_at,
            head_len,
            log,
            log_out: Some(log_out),
            log_name,
            log_len,
            previous,
            synced: false,
            in_force: false,
            appended: 0,
        })
    }

    /// Append the entry of a unit: its body ([`super::EntryView::encode`], or carried over
    /// from [`Store::get`]) and where each of its records was written. The body is appended
    /// to the log unless the log already holds it for this key.
    pub fn append(&mut self, key: &Key, body: &Body, places: &[Place]) -> std::io::Result<()> {
        let count = u32::try_from(places.len()).map_err(std::io::Error::other)?;
        let at = match self.held(key, body) {
            Some(at) => at,
            None => {
                let len = u32::try_from(body.bytes.len()).map_err(std::io::Error::other)?;
                let log = self
                    .log_out
                    .as_mut()
                    .ok_or_else(|| std::io::Error::other("the log was closed"))?;
                log.write_all(&body.bytes)?;
                let at = BodyRef {
                    len,
                    offset: self.log_len,
                    check: body_check(&body.bytes),
                };
                self.log_len += u64::from(len);
                self.appended += 1;
                at
            }
        };
        self.out.write_all(key)?;
        self.out.write_all(&count.to_le_bytes())?;
        self.out.write_all(&at.to_bytes())?;
        for place in places {
            self.out.write_all(&place_bytes(*place))?;
        }
        Ok(())
    }

    /// Where the log this run appends to already holds `body` for `key`: where the run read
    /// it (a hit), or, for a body made again (a run with a report, a hit whose exports had
    /// changed or whose body was damaged), where the places in force put it, if the log
    /// holds those very bytes there.
    fn held(&self, key: &Key, body: &Body) -> Option<BodyRef> {
        let previous = self.previous.as_ref()?;
        if let Some(stored) = body.stored {
            return Some(stored);
        }
        let stored = previous.body_ref(key)?;
        if stored.len as usize != body.bytes.len() || stored.check != body_check(&body.bytes) {
            return None;
        }
        stored
            .offset
            .checked_add(u64::from(stored.len))
            .filter(|end| *end <= previous.log_len)?;
        let mut bytes = vec![0; body.bytes.len()];
        read_at(&previous.log, &mut bytes, stored.offset).ok()?;
        (bytes == body.bytes).then_some(stored)
    }

    /// Step 1 of [`PackWriter::finish`], which may be taken before the generation is
    /// published (the engine does): flush the bodies this run appended to disk, so that
    /// publishing does not wait on them and the places, once in force, name only bodies on
    /// disk.
    pub fn store_bodies(&mut self) -> std::io::Result<()> {
        let log = self
            .log_out
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the log was closed"))?;
        log.flush()?;
        log.get_ref().sync_data()?;
        self.synced = true;
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
        let old = self.places_file()?.path().to_path_buf();
        let dir = old
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
        let mut r = BufReader::with_capacity(1 << 20, File::open(&old)?);
        let mut head = vec![0; self.head_len as usize];
        r.read_exact(&mut head)?;
        out.write_all(&head)?;
        let unusable = || std::io::Error::other("a unit's places cannot be moved");
        let mut unit = [0u8; 20 + BODY_REF_BYTES];
        let mut bytes = Vec::new();
        for n in 0.. {
            match r.read_exact(&mut unit) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(e),
            }
            let count = u32::from_le_bytes([unit[16], unit[17], unit[18], unit[19]]) as usize;
            bytes.resize(count.checked_mul(PLACE_BYTES).ok_or_else(unusable)?, 0);
            r.read_exact(&mut bytes)?;
            for bytes in bytes.chunks_exact_mut(PLACE_BYTES) {
                let mut place = read_place(bytes).ok_or_else(unusable)?;
                moved(n, &mut place).ok_or_else(unusable)?;
                bytes.copy_from_slice(&place_bytes(place));
            }
            out.write_all(&unit)?;
            out.write_all(&bytes)?;
        }
        self.out = out;
        self.file = Some(file);
        Ok(())
    }

    fn places_file(&self) -> std::io::Result<&tempfile::NamedTempFile> {
        self.file
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the places were put in force"))
    }

    /// After the new generation is published: put this run's log and places in force
    /// (`jsonld_base` is where the record nodes start in the new generation's
    /// `records.jsonld`), then delete every other log of the cache folder. Returns how many
    /// bodies this run appended.
    pub fn finish(mut self, jsonld_base: u64) -> std::io::Result<u64> {
        self.out.flush()?;
        write_at(self.out.get_ref(), &jsonld_base.to_le_bytes(), self.base_at)?;
        // 1. The bodies, on disk (already, when the caller called `store_bodies` before
        //    publishing).
        if !self.synced {
            self.store_bodies()?;
        }
        let cache = self
            .path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        fs::create_dir_all(&cache)?;
        // 2. A new log, into the cache folder (no places file names it yet).
        if let Log::New(file) = &mut self.log
            && let Some(file) = file.take()
        {
            file.persist(cache.join(&self.log_name))
                .map_err(|e| e.error)?;
        }
        // 3. The places: from now on, they are the ones in force.
        let file = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("finished twice"))?;
        file.persist(&self.path).map_err(|e| e.error)?;
        self.in_force = true;
        // 4. Every other log (a compacted one, or one left by a run killed between 2 and 3),
        //    and the stores of earlier versions.
        for entry in fs::read_dir(&cache)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if (name.ends_with(LOG_SUFFIX) && name != self.log_name) || OLD_STORES.contains(&&*name)
            {
                let _ = fs::remove_file(cache.join(&*name));
            }
        }
        Ok(self.appended)
    }
}

impl Drop for PackWriter {
    /// A run whose places are not put in force leaves the log in force as it was: what it
    /// appended is cut off (its buffer dropped unwritten). A new log is deleted with its
    /// temporary file.
    fn drop(&mut self) {
        if let Some(out) = self.log_out.take() {
            let (file, _unwritten) = out.into_parts();
            if let (Log::Appending { start }, false) = (&self.log, self.in_force) {
                let _ = file.set_len(*start);
            }
        }
    }
}
