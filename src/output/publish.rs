//! Publishing: writing the three exports so that a reader sees either the complete previous
//! set or the complete new set, never a mix and never a half-written file, whatever happens
//! to the run (an error, a full disk, Ctrl-C, `kill -9`, a power cut after the switch).
//!
//! On Unix the output folder is laid out in generations:
//!
//! ```text
//! output/.gen-XXXXXX/            one complete set: dc/, records.csv, records.jsonld
//! output/.current -> .gen-XXXXXX the set in force (a symbolic link)
//! output/dc             -> .current/dc
//! output/records.csv    -> .current/records.csv
//! output/records.jsonld -> .current/records.jsonld
//! ```
//!
//! A run writes a whole new generation beside the current one, flushes it to disk, and only
//! then switches `.current` to it with one `rename` of a symbolic link, which is atomic: the
//! three paths users read change together. The previous generation is removed after the
//! switch; leftovers of a killed run (a half-written generation, temporary links, and the
//! `.dc-new-*` / `.export-new-*` files of earlier versions) are removed at the start of the next
//! run. The three user-facing paths are links the tool replaces, never follows for writing.
//!
//! The tool removes or replaces only what it wrote ([`super::owned`]): an existing output
//! folder must be empty or carry the lock file every run leaves, and `dc`, `records.csv`,
//! `records.jsonld` and the report must be missing or links into `.current`; `.cache` must
//! be a real folder. Anything else (a user's folder, a real `dc/` of the layout before
//! generations, a link planted to point elsewhere) refuses the run with the path named.
//!
//! What is not atomic: a reader that opens `records.csv` and later `dc/x.xml` may straddle a
//! switch; to read one set for sure, resolve `.current` once and read inside that generation.
//!
//! One run at a time may write an output folder: a lock (`.pipeline.lock`, `flock`) refuses a
//! second. Record ids are checked again at the point of writing
//! ([`crate::validate::crosscheck::safe_file_stem`]).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

pub use super::owned::{CACHE_DIR, CURRENT, LOCK_FILE, OUTPUTS};

/// The start of a generation folder's name.
pub const GENERATION_PREFIX: &str = ".gen-";
/// Names of temporary entries a killed run may leave (this version and earlier ones).
const LEFTOVER_PREFIXES: [&str; 4] = [".dc-new-", ".export-new-", ".current-new-", ".link-new-"];

/// A failure to write the outputs: the tool cannot do its job (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct PublishError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl PublishError {
    /// Whether the run stopped because of SIGINT or SIGTERM (see [`stop_on_signals`]).
    pub fn is_interrupted(&self) -> bool {
        self.source.kind() == std::io::ErrorKind::Interrupted
    }
}

impl From<super::owned::Refused> for PublishError {
    fn from(r: super::owned::Refused) -> PublishError {
        PublishError {
            path: r.path,
            source: r.source,
        }
    }
}

fn at(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError {
        path: path.to_path_buf(),
        source,
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub dc_files: usize,
}

static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// From now on, SIGINT and SIGTERM stop a run cleanly instead of killing the process: the
/// streaming run checks between batches and publishing checks before the switch
/// ([`interrupted`]); the half-written generation is removed and the previous outputs stay
/// in force. A second signal ends the process at once (exit 130); the next run removes what
/// it left. Called by the binary at the start of `pipeline run`, since the new generation is
/// written from the first batch on.
pub fn stop_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = INTERRUPTED.get_or_init(Arc::default);
    for signal in [SIGINT, SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(flag))?;
        signal_hook::flag::register(signal, Arc::clone(flag))?;
    }
    Ok(())
}

fn check_interrupted(path: &Path) -> Result<(), PublishError> {
    if INTERRUPTED.get().is_some_and(|f| f.load(Ordering::Relaxed)) {
        return Err(PublishError {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted by a signal; the previous outputs are left as they were",
            ),
        });
    }
    Ok(())
}

/// Whether `name` can be a file of a generation besides the outputs ([`Generation::write_extra`]):
/// a plain file name, not hidden, not one of the outputs nor the lock.
pub fn extra_name(name: &str) -> bool {
    !(name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\'])
        || OUTPUTS.contains(&name)
        || name == LOCK_FILE)
}

/// Refuse an output folder that is the input folder, inside it, or contains it: the tool
/// would read its own outputs, or replacing `dc/` could remove records. Paths are compared
/// after resolving symbolic links (of the part that exists).
pub fn check_separate(input: &Path, output: &Path) -> Result<(), String> {
    let (i, o) = (resolve(input), resolve(output));
    if o.starts_with(&i) || i.starts_with(&o) {
        return Err(format!(
            "the output folder {} and the input folder {} overlap (one is inside the other); \
             choose an output folder outside the catalogue",
            output.display(),
            input.display()
        ));
    }
    Ok(())
}

/// `path` made absolute and resolved one component at a time, as the system will walk it:
/// an existing part has its links resolved, and a `..` after a part that does not exist
/// (yet) takes that part away. Resolving only the longest existing prefix left
/// `nothere/../input` unresolved, so it passed for a folder beside the catalogue while the
/// system wrote into the catalogue.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => {
                out.push(other);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    out
}

/// A new generation being written: the output folder is locked, what earlier killed runs
/// left is removed, and the folder `output/.gen-XXXXXX/` (with an empty `dc/`) is ready for
/// the exports. [`Generation::commit`] switches it in; dropping it instead removes it, so an
/// error or an interruption leaves the previous outputs in force.
pub struct Generation {
    output: PathBuf,
    /// `None` once committed.
    dir: Option<tempfile::TempDir>,
    lock: Option<File>,
    /// Whether this run created the output folder (removed again if nothing is published).
    created: bool,
    /// Whether the generation is flushed to disk before it is switched in (see
    /// [`Generation::skip_sync`]).
    sync: bool,
    /// Files besides the three outputs (the run report), linked like them on commit.
    extra: Vec<String>,
}

impl Drop for Generation {
    /// A generation dropped before [`Generation::commit`]: its folder is removed (by
    /// `TempDir`), and an output folder this run created is removed too, so a failed first
    /// run leaves nothing behind.
    fn drop(&mut self) {
        if self.dir.take().is_none() || !self.created {
            return;
        }
        drop(self.lock.take());
        let _ = fs::remove_file(self.output.join(LOCK_FILE));
        let _ = fs::remove_dir_all(self.output.join(CACHE_DIR));
        let _ = fs::remove_dir(&self.output);
    }
}

impl Generation {
    /// Lock `output` (created if missing), clean leftovers, and start a new generation.
    ///
    /// An output folder that exists must be one this tool writes
    /// ([`super::owned::check_ours`]): the run
    /// is refused, before anything is written, rather than remove or replace a file it did
    /// not write.
    pub fn begin(output: &Path) -> Result<Generation, PublishError> {
        let created = !output.exists();
        fs::create_dir_all(output).map_err(at(output))?;
        if !created {
            super::owned::check_ours(output)?;
        }
        let lock = lock(output)?;
        remove_leftovers(output);
        let dir = tempfile::Builder::new()
            .prefix(GENERATION_PREFIX)
            .tempdir_in(output)
            .map_err(at(output))?;
        let dc = dir.path().join("dc");
        fs::create_dir(&dc).map_err(at(&dc))?;
        Ok(Generation {
            output: output.to_path_buf(),
            dir: Some(dir),
            lock: Some(lock),
            created,
            sync: true,
            extra: Vec::new(),
        })
    }

    /// The generation's folder: `dc/`, `records.csv` and `records.jsonld` go here.
    pub fn path(&self) -> &Path {
        self.dir.as_ref().map_or(&self.output, |d| d.path())
    }

    /// The generation's `dc/` folder.
    pub fn dc_dir(&self) -> PathBuf {
        self.path().join("dc")
    }

    /// Write one whole file of the generation (it must not exist yet).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), PublishError> {
        write_file(&self.path().join(name), bytes)
    }

    /// Write a file besides the three outputs (the run report, `report.html`): it is part of
    /// the generation and, on commit, `output/NAME` becomes a link through `.current` like
    /// the outputs. `name` must be a plain file name.
    pub fn write_extra(&mut self, name: &str, bytes: &[u8]) -> Result<(), PublishError> {
        if !extra_name(name) {
            return Err(PublishError {
                path: self.output.join(name),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the report must be a plain file name inside the output folder, not one of \
                     its other files",
                ),
            });
        }
        self.write(name, bytes)?;
        self.extra.push(name.to_string());
        Ok(())
    }

    /// Do not flush the generation to disk before switching it in (`run --no-sync`): the
    /// switch is still atomic for readers, but after a power loss or a crash of the system
    /// (not of this program) the outputs in force may be incomplete. For scratch outputs,
    /// and for measuring against tools that do not flush either.
    pub fn skip_sync(&mut self) {
        self.sync = false;
    }

    /// Flush the generation to disk and switch it in: the three output paths now show it.
    /// The output folder stays locked until the returned [`Locked`] is dropped, so that what
    /// the run still writes beside the generation (the incremental cache) is written before
    /// another run may begin.
    pub fn commit(mut self) -> Result<Locked, PublishError> {
        let output = self.output.clone();
        check_interrupted(&output)?;
        if self.sync {
            sync_generation(self.path())?;
        }
        check_interrupted(&output)?;
        let name = self
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let names: Vec<&str> = OUTPUTS
            .iter()
            .copied()
            .chain(self.extra.iter().map(String::as_str))
            .collect();
        super::owned::check_entries(&output, &names)?;
        let Some(dir) = self.dir.take() else {
            return Ok(Locked {
                _lock: self.lock.take(),
            });
        };
        let kept = dir.keep();
        if let Err(e) = switch(&output, &name) {
            let _ = fs::remove_dir_all(&kept);
            return Err(e);
        }
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        link_outputs(&output, &extra)?;
        remove_leftovers(&output);
        File::open(&output)
            .and_then(|dir| dir.sync_all())
            .map_err(at(&output))?;
        Ok(Locked {
            _lock: self.lock.take(),
        })
    }
}

/// An output folder's lock, held after its generation was switched in; released when
/// dropped.
#[must_use = "the lock is released when this is dropped"]
pub struct Locked {
    _lock: Option<File>,
}

/// Stop with an "interrupted" error if SIGINT or SIGTERM arrived (see [`stop_on_signals`]).
pub fn interrupted(path: &Path) -> Result<(), PublishError> {
    check_interrupted(path)
}

/// Hold the output folder's lock until the returned file is dropped.
///
/// A lock found held is tried again for a moment ([`LOCK_PATIENCE`]) before the run is
/// refused: a process that another thread of this one starts (`fork`, then `exec`) holds a
/// copy of every open file, and so of the lock, until its `exec`; a lock just released by
/// this process can still be held by such a copy for that instant. Another run holds it for
/// the whole of its run, and is refused.
fn lock(output: &Path) -> Result<File, PublishError> {
    let path = output.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(at(&path))?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        let started = std::time::Instant::now();
        loop {
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => break,
                Err(e)
                    if e == rustix::io::Errno::WOULDBLOCK && started.elapsed() < LOCK_PATIENCE =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => {
                    return Err(PublishError {
                        path: output.to_path_buf(),
                        source: if e == rustix::io::Errno::WOULDBLOCK {
                            std::io::Error::new(
                                std::io::ErrorKind::WouldBlock,
                                "another pipeline run is writing to this folder",
                            )
                        } else {
                            e.into()
                        },
                    });
                }
            }
        }
    }
    Ok(file)
}

/// How long a lock found held is tried again before the run is refused (see [`lock`]).
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

/// The generation `.current` names, if any.
pub(crate) fn current_generation(output: &Path) -> Option<std::ffi::OsString> {
    let target = fs::read_link(output.join(CURRENT)).ok()?;
    target.file_name().map(ToOwned::to_owned)
}

/// Remove what a killed run left and every generation but the current one. Best effort: a
/// leftover that cannot be removed now is tried again next time.
fn remove_leftovers(output: &Path) {
    let current = current_generation(output);
    let Ok(entries) = fs::read_dir(output) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let stale = LEFTOVER_PREFIXES.iter().any(|p| text.starts_with(p))
            || (text.starts_with(GENERATION_PREFIX) && current.as_ref() != Some(&name));
        if !stale {
            continue;
        }
        let path = entry.path();
        let _ = match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
    }
}

/// Create `path` (which must not exist: a planted file or link is never written through).
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut file = File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(at(path))?;
    file.write_all(bytes).map_err(at(path))?;
    #[cfg(not(target_os = "linux"))]
    file.sync_all().map_err(at(path))?;
    Ok(())
}

/// Flush the new generation to disk before it is switched in. On Linux one `syncfs` flushes
/// the file system holding it, much faster than one `fsync` per file.
fn sync_generation(dir: &Path) -> Result<(), PublishError> {
    sync_folder(dir).map_err(at(dir))
}

/// Write `bytes` as the whole of `target`: into a new temporary file beside it, flushed to
/// disk, then renamed over it, so that a reader sees the old file or the new one, never a
/// part of one, and a failure leaves the old one. The new file gets `permissions` (a
/// temporary file is made 0600); `None` gives 0644, as a file the user writes.
pub fn replace_file(
    target: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The temporary file's name is not the user's business: its error is told without it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".new-")
        .tempfile_in(dir)
        .map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("the folder {} does not exist", dir.display())
                }
                kind => format!("cannot create a file in {}: {kind}", dir.display()),
            };
            std::io::Error::new(e.kind(), why)
        })?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    let permissions = permissions.or_else(|| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            Some(fs::Permissions::from_mode(0o644))
        }
        #[cfg(not(unix))]
        None
    });
    if let Some(p) = permissions {
        let _ = fs::set_permissions(tmp.path(), p);
    }
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Flush the file system holding `dir` to disk (`syncfs`; elsewhere the folder itself).
pub(crate) fn sync_folder(dir: &Path) -> std::io::Result<()> {
    let handle = File::open(dir)?;
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(&handle)?;
    #[cfg(not(target_os = "linux"))]
    handle.sync_all()?;
    Ok(())
}

/// Point `.current` at the generation `name` with one atomic rename.
fn switch(output: &Path, name: &str) -> Result<(), PublishError> {
    let current = output.join(CURRENT);
    let temp = output.join(format!(".current-new-{name}"));
    let _ = fs::remove_file(&temp);
    symlink(Path::new(name), &temp)?;
    fs::rename(&temp, &current).map_err(at(&current))
}

/// Make `dc`, `records.csv` and `records.jsonld` links through `.current`. Nothing to do
/// after the first run; anything there but a link of ours is refused
/// ([`super::owned::check_entries`]).
/// `extra` files (the report) are linked the same way; a link through `.current` whose file
/// the new generation does not have (a report of an earlier run) is removed.
fn link_outputs(output: &Path, extra: &[&str]) -> Result<(), PublishError> {
    if let Ok(entries) = fs::read_dir(output) {
        for entry in entries.flatten() {
            let path = entry.path();
            if let Ok(target) = fs::read_link(&path)
                && target.starts_with(CURRENT)
                && !output.join(&target).exists()
            {
                let _ = fs::remove_file(&path);
            }
        }
    }
    let names: Vec<&str> = OUTPUTS
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect();
    super::owned::check_entries(output, &names)?;
    for name in names {
        let path = output.join(name);
        let want = Path::new(CURRENT).join(name);
        if fs::read_link(&path).is_ok_and(|target| target == want) {
            continue;
        }
        let temp = output.join(format!(".link-new-{name}"));
        let _ = fs::remove_file(&temp);
        symlink(&want, &temp)?;
        // `rename` replaces a link itself, never what a link points to; `check_entries`
        // made sure that `path` is nothing but a link of ours or missing.
        fs::rename(&temp, &path).map_err(at(&path))?;
    }
    Ok(())
}

fn symlink(target: &Path, link: &Path) -> Result<(), PublishError> {
    #[cfg(unix)]
    return std::os::unix::fs::symlink(target, link).map_err(at(link));
    #[cfg(windows)]
    return if target.extension().is_some() {
        std::os::windows::fs::symlink_file(target, link).map_err(at(link))
    } else {
        std::os::windows::fs::symlink_dir(target, link).map_err(at(link))
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::crosscheck::safe_file_stem;

    #[test]
    fn ids_that_could_leave_the_folder_are_not_file_stems() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "/etc/passwd",
            "A",
            "a b",
            "a\0b",
        ] {
            assert!(!safe_file_stem(bad), "{bad:?}");
        }
        assert!(!safe_file_stem(&"a".repeat(129)));
        for good in ["a", "liu-shaoqi-cable-1950-01-22", "a.b_c-1"] {
            assert!(safe_file_stem(good), "{good:?}");
        }
    }

    #[test]
    fn overlapping_input_and_output_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input");
        fs::create_dir(&input).unwrap();
        assert!(check_separate(&input, &input).is_err());
        assert!(check_separate(&input, &input.join("out")).is_err());
        assert!(check_separate(&input.join("sub"), &input).is_err());
        assert!(check_separate(&input, &dir.path().join("output")).is_ok());
        // `input-2` starts with the text `input` but is not inside it.
        assert!(check_separate(&input, &dir.path().join("input-2")).is_ok());
        #[cfg(unix)]
        {
            // A link that leads into the input folder is seen through.
            let link = dir.path().join("sneaky");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(check_separate(&input, &link.join("out")).is_err());
        }
        // A part that does not exist, then `..`: the system walks back out of it.
        let nothere = dir.path().join("nothere").join("..").join("input");
        assert!(check_separate(&input, &nothere).is_err());
        assert!(check_separate(&input, &dir.path().join("nothere/../input/out")).is_err());
        assert!(check_separate(&nothere.join("sub"), &input).is_err());
    }
}
