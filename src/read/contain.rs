//! Containment: a catalogue cannot reach outside itself.
//!
//! `pipeline validate` runs in CI on pull requests from people outside the team, so a
//! catalogue is untrusted input. A symbolic link in it could point anywhere on the runner
//! (`leak.yaml -> /home/runner/.ssh/id_rsa`, `env.yaml -> /proc/self/environ`, a folder link
//! to `/etc`), and whatever is read may end up in a finding's snippet in a public log.
//!
//! So, unless `--follow-symlinks` is given, discovery does not follow links blindly: every
//! symbolic link met while walking (and `_collections.yaml` and `_authorities.yaml` when
//! they are links) is resolved, with `..` and every link on the way, and only a target
//! inside the catalogue root (itself resolved once) is taken. A link whose target is outside
//! is a [`Code::OutsideLink`] finding that names the link and never the target; the target
//! is not opened. A folder link inside the catalogue is walked like a folder, with the same
//! check for every link under it. Entries that are not links cost nothing more than before:
//! a plain file or folder found by walking a folder inside the root is inside the root.
//!
//! Files that are neither regular files nor folders (FIFOs, sockets, devices) with a record
//! extension are a [`Code::Unreadable`] finding and are never opened (opening a FIFO
//! blocks until someone writes to it).
//!
//! Opening ([`Scope::open`]): the check is made when the catalogue is walked, and a file is
//! opened by its path later. Records are opened with `O_NONBLOCK` (a FIFO swapped in cannot
//! block the run) and `O_NOFOLLOW`: a file that is a link when it is opened is resolved
//! and checked again, and opened by its resolved path. What remains: a process that can
//! change the catalogue while the tool runs could swap a folder above a checked file for a
//! link, or a link's target between its check and its open. In CI the checkout is fixed
//! before the tool starts, so this needs code already running on the runner.
//!
//! Hard links: a regular file with more than one link is refused when opened (unless
//! `--follow-symlinks`), since one of its names may be outside the catalogue and nothing
//! tells which ([`Scope::open`]).

use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Finding};

/// Where a catalogue's files may be read from.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The catalogue root with every link and `..` resolved; `None` when links are
    /// followed wherever they lead (`--follow-symlinks`).
    root: Option<PathBuf>,
}

/// Where a symbolic link leads.
#[derive(Debug)]
pub enum Resolved {
    /// Inside the catalogue (or anywhere, when links are followed): the resolved path.
    Inside(PathBuf),
    /// Outside the catalogue. The target is deliberately not kept.
    Outside,
    /// Nowhere: the target (inside the catalogue) does not exist.
    Dangling,
    /// The link leads to itself through other links.
    Loop,
    /// It could not be resolved for another reason.
    Failed(io::Error),
}

impl Scope {
    /// The scope of the catalogue at `root`. With `follow` every link is followed.
    pub fn new(root: &Path, follow: bool) -> Scope {
        // A root that cannot be resolved contains nothing reached through a link.
        let root = (!follow).then(|| {
            root.canonicalize()
                .unwrap_or_else(|_| PathBuf::from("\0unresolved"))
        });
        Scope { root }
    }

    /// The scope of paths named by the user (on the command line, on `convert`'s input):
    /// read as given, links followed wherever they lead.
    pub fn following() -> Scope {
        Scope { root: None }
    }

    /// Whether links are followed wherever they lead.
    pub fn follows(&self) -> bool {
        self.root.is_none()
    }

    fn contains(&self, resolved: &Path) -> bool {
        self.root.as_ref().is_none_or(|r| resolved.starts_with(r))
    }

    /// Where the link `path` leads. A link whose target does not exist is only called
    /// dangling when the place it names is inside the catalogue: otherwise it is outside,
    /// so that links cannot be used to learn which files exist on the machine.
    pub fn resolve(&self, path: &Path) -> Resolved {
        match path.canonicalize() {
            Ok(target) if self.contains(&target) => Resolved::Inside(target),
            Ok(_) => Resolved::Outside,
            Err(e) => match self.unresolved_inside(path) {
                false => Resolved::Outside,
                true if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                    Resolved::Loop
                }
                true if e.kind() == io::ErrorKind::NotFound => Resolved::Dangling,
                true => Resolved::Failed(e),
            },
        }
    }

    /// For a link that cannot be resolved: whether every step of it stays inside the
    /// catalogue, as far as it exists. Each link of the chain is read and its target
    /// made absolute without touching it; the deepest folder of that place that exists
    /// is resolved and must be inside the root.
    fn unresolved_inside(&self, path: &Path) -> bool {
        if self.root.is_none() {
            return true;
        }
        let mut link = path.to_path_buf();
        // As many steps as the system follows before it calls a chain a loop.
        for _ in 0..40 {
            let Ok(target) = fs::read_link(&link) else {
                return false;
            };
            let Some(parent) = link.parent().and_then(|p| p.canonicalize().ok()) else {
                return false;
            };
            let place = lexical(&parent.join(target));
            if !self.contains(&place) {
                return false;
            }
            match fs::symlink_metadata(&place) {
                Ok(m) if m.file_type().is_symlink() => link = place,
                Ok(_) => return place.canonicalize().is_ok_and(|p| self.contains(&p)),
                Err(_) => {
                    let existing = place.ancestors().skip(1).find(|a| a.exists());
                    return existing
                        .and_then(|a| a.canonicalize().ok())
                        .is_some_and(|a| self.contains(&a));
                }
            }
        }
        true
    }

    /// Open a file of the catalogue to read it, without blocking ([`open`]). When links are
    /// not followed, the file is opened with `O_NOFOLLOW`: a link (one found inside the
    /// catalogue when it was walked, or a file swapped for a link since) is resolved again
    /// and opened by its resolved path only when that is inside the catalogue. This narrows
    /// the time between the check and the open to the folders above the file.
    pub fn open(&self, path: &Path) -> io::Result<File> {
        if self.follows() {
            return open(path);
        }
        let file = match open_with(path, true) {
            Err(e) if is_link_refused(&e) => match self.resolve(path) {
                Resolved::Inside(target) => open_with(&target, true),
                Resolved::Outside => Err(io::Error::other(
                    "this symbolic link leads outside the catalogue; it was not followed",
                )),
                _ => Err(e),
            },
            other => other,
        }?;
        single_link(file)
    }

    /// [`Scope::open`], then check that it is a regular file: the bytes of anything else
    /// are not read (a device can be endless).
    pub fn open_regular(&self, path: &Path) -> io::Result<(File, fs::Metadata)> {
        regular(self.open(path)?)
    }

    /// Check a path named on `convert --from paths`' input (as `find` prints them): a path
    /// with no symbolic link in it is read as given (the list is the user's), but one that
    /// goes through a link (planted in the catalogue: `leak.yaml -> ~/.ssh/id_rsa`) is read
    /// only when it leads inside the scope's root, as `validate` reads the catalogue; else
    /// the [`outside`] finding, which names the path and not the target.
    pub fn check_named(&self, path: &Path) -> Result<(), Finding> {
        if self.follows() {
            return Ok(());
        }
        let mut prefix = PathBuf::new();
        let mut through_link = false;
        for part in path.components() {
            prefix.push(part);
            if matches!(part, Component::Normal(_))
                && fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink())
            {
                through_link = true;
                break;
            }
        }
        if !through_link {
            return Ok(());
        }
        match self.resolve(path) {
            Resolved::Outside => Err(outside(path)),
            _ => Ok(()),
        }
    }

    /// Check `root/name` (`_collections.yaml`, `_authorities.yaml`): the path to read, `None`
    /// when there is no such file, or the finding that refuses it.
    pub fn special_file(&self, root: &Path, name: &str) -> Result<Option<PathBuf>, Finding> {
        let path = root.join(name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return Ok(None);
        };
        let meta = if meta.file_type().is_symlink() {
            match self.resolve(&path) {
                Resolved::Inside(target) => match fs::metadata(target) {
                    Ok(m) => m,
                    Err(_) => return Ok(None),
                },
                Resolved::Outside => return Err(outside(&path)),
                // As before: a link that leads nowhere is a file that is not there.
                Resolved::Dangling | Resolved::Loop | Resolved::Failed(_) => return Ok(None),
            }
        } else {
            meta
        };
        if meta.is_file() {
            // The whole path, not only its last part: `schemas/record.schema.json` through a
            // folder link `schemas` out of the catalogue is outside too.
            let inside =
                self.follows() || path.canonicalize().is_ok_and(|real| self.contains(&real));
            if inside {
                Ok(Some(path))
            } else {
                Err(outside(&path))
            }
        } else if meta.is_dir() {
            Ok(None)
        } else {
            Err(not_regular(&path, meta.file_type()))
        }
    }
}

/// `path` with `.` and `..` taken away by their text (`path` is absolute).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The finding for a link that leads outside the catalogue. It names the link only: the
/// target's path is what an attacker wants printed.
pub fn outside(link: &Path) -> Finding {
    Finding::new(
        Code::OutsideLink,
        link,
        None,
        "this symbolic link leads outside the catalogue; it was not followed".into(),
    )
    .with_help(
        "replace the link by the file itself, or point it at a file inside the catalogue; \
         in a trusted setup, --follow-symlinks follows links wherever they lead",
    )
}

/// The finding for a FIFO, socket or device with a record's name.
pub fn not_regular(path: &Path, kind: fs::FileType) -> Finding {
    Finding::new(
        Code::Unreadable,
        path,
        None,
        format!(
            "this is {}, not a regular file; it was not opened",
            kind_name(kind)
        ),
    )
    .with_help("a record must be a regular file: remove this entry or replace it by the file")
}

fn kind_name(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    let _ = kind;
    "a special file"
}

/// Open a file to read it, without blocking: a FIFO put where a record was opens at once
/// (and reads as empty) instead of waiting for a writer. Links are followed: for the
/// catalogue's files, [`Scope::open`].
pub fn open(path: &Path) -> io::Result<File> {
    open_with(path, false)
}

fn open_with(path: &Path, no_follow: bool) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NONBLOCK;
        if no_follow {
            flags |= OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    options.open(path)
}

/// The error of a file refused for its hard links when opened ([`Scope::open`]).
#[derive(Debug, thiserror::Error)]
#[error(
    "this file has {0} hard links (names), and one of them may be a file outside the \
     catalogue; it was not read"
)]
pub struct SeveralLinks(pub u64);

impl SeveralLinks {
    /// What to do about it.
    pub const HELP: &'static str = "replace it by a copy of its own (e.g. `cp --remove-destination \
         SOURCE FILE`); in a trusted setup, --follow-symlinks reads it";

    /// Whether `e` is this error.
    pub fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<SeveralLinks>())
    }
}

/// Refuse a regular file with more than one hard link (when links are not followed). A
/// hard link is not a symbolic link: nothing in the catalogue says where else the file is,
/// and a tarball or a shared runner can make `record.yaml` a second name of a file outside
/// the catalogue (`~/.ssh/id_rsa`), which would then be read and quoted in findings. A
/// checkout never holds hard links (git writes each file), so a record with several names
/// is refused and reported; `--follow-symlinks` (trusted catalogues) reads it.
fn single_link(file: File) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata()?;
        if meta.is_file() && meta.nlink() > 1 {
            return Err(io::Error::other(SeveralLinks(meta.nlink())));
        }
    }
    Ok(file)
}

/// The error `O_NOFOLLOW` gives for a link (`ELOOP`; `EMLINK` on FreeBSD).
fn is_link_refused(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let code = e.raw_os_error();
        code == Some(Errno::LOOP.raw_os_error()) || code == Some(Errno::MLINK.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Open a file that findings point into, to quote its lines (the human format), at the
/// time they are printed: never through a symbolic link (`O_NOFOLLOW`) nor a file of
/// several hard links, a regular file only. The file was checked when it was read, but it
/// may have been swapped for a link to a secret since; a file that is a link now gets no
/// quoted line (its findings are printed with their place, as in the concise format).
pub fn open_quoted(path: &Path) -> io::Result<(File, fs::Metadata)> {
    regular(single_link(open_with(path, true)?)?)
}

/// Open a file (following links, as [`open`]) and check that it is a regular file: the
/// bytes of anything else are not read (a device can be endless).
pub fn open_regular(path: &Path) -> io::Result<(File, fs::Metadata)> {
    regular(open(path)?)
}

fn regular(file: File) -> io::Result<(File, fs::Metadata)> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "this is {}, not a regular file",
            kind_name(meta.file_type())
        )));
    }
    Ok((file, meta))
}

/// Every record file under `start`, handed to `found` in sorted order; problems become
/// findings. `scope` says where links may lead (`start` is the catalogue root or a folder
/// inside it).
pub fn discover(start: &Path, scope: &Scope, found: &mut dyn FnMut(PathBuf)) -> Vec<Finding> {
    let mut walk = Walk {
        scope,
        found,
        findings: Vec::new(),
        levels: Vec::new(),
    };
    let base = if scope.follows() {
        PathBuf::new()
    } else {
        start.canonicalize().unwrap_or_else(|_| start.to_path_buf())
    };
    walk.walk(start, base);
    walk.findings
}

struct Walk<'a> {
    scope: &'a Scope,
    found: &'a mut dyn FnMut(PathBuf),
    findings: Vec<Finding>,
    /// For each folder being walked (the start, then the folder links inside it): its
    /// path as walked and its resolved path. A folder link whose target is a folder above
    /// it, through any of them, is a loop.
    levels: Vec<(PathBuf, PathBuf)>,
}

impl Walk<'_> {
    fn walk(&mut self, start: &Path, base: PathBuf) {
        self.levels.push((start.to_path_buf(), base));
        // Sorted by name within each folder. Siblings' paths are their folder's path and
        // their names, so comparing the paths orders them as comparing the names does;
        // walkdir's own `sort_by_file_name` parsed both paths for every comparison (a fifth
        // of the walk's instructions).
        let walker = walkdir::WalkDir::new(start)
            .follow_links(self.scope.follows())
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) => {
                    let kind = e.file_type();
                    if kind.is_file() {
                        if is_record_file(e.path()) {
                            (self.found)(e.into_path());
                        }
                    } else if kind.is_dir() {
                    } else if kind.is_symlink() {
                        // The start itself is followed by walkdir (it was checked).
                        if e.depth() > 0 {
                            self.link(e.path());
                        }
                    } else if is_record_file(e.path()) {
                        self.findings.push(not_regular(e.path(), kind));
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(start).to_path_buf();
                    let dangling = path.is_symlink() && !path.exists();
                    let message = if e.loop_ancestor().is_some() {
                        "this symbolic link leads back to a folder that contains it (a loop)".into()
                    } else if dangling {
                        "this symbolic link leads nowhere: its target does not exist".into()
                    } else {
                        format!(
                            "cannot be read: {}",
                            e.io_error()
                                .map_or_else(|| "unknown error".into(), |e| e.to_string())
                        )
                    };
                    self.findings.push(
                        Finding::new(Code::Unreadable, &path, None, message)
                            .with_help("fix the permissions or remove the link"),
                    );
                }
            }
        }
        self.levels.pop();
    }

    /// A symbolic link met while walking (links are not followed blindly).
    fn link(&mut self, path: &Path) {
        let unreadable = |message: String| {
            Finding::new(Code::Unreadable, path, None, message)
                .with_help("fix the permissions or remove the link")
        };
        let target = match self.scope.resolve(path) {
            Resolved::Inside(target) => target,
            Resolved::Outside => {
                self.findings.push(outside(path));
                return;
            }
            Resolved::Dangling => {
                self.findings.push(unreadable(
                    "this symbolic link leads nowhere: its target does not exist".into(),
                ));
                return;
            }
            Resolved::Loop => {
                self.findings.push(unreadable(
                    "this symbolic link leads back to itself through other links (a loop)".into(),
                ));
                return;
            }
            Resolved::Failed(e) => {
                self.findings
                    .push(unreadable(format!("cannot be read: {}", e.kind())));
                return;
            }
        };
        let meta = match fs::metadata(&target) {
            Ok(meta) => meta,
            Err(e) => {
                self.findings
                    .push(unreadable(format!("cannot be read: {}", e.kind())));
                return;
            }
        };
        if meta.is_file() {
            if is_record_file(path) {
                (self.found)(path.to_path_buf());
            }
        } else if meta.is_dir() {
            if self.above(&target, path) {
                self.findings.push(unreadable(
                    "this symbolic link leads back to a folder that contains it (a loop)".into(),
                ));
            } else {
                self.walk(path, target);
            }
        } else if is_record_file(path) {
            self.findings.push(not_regular(path, meta.file_type()));
        }
    }

    /// Whether the folder `target` is one of the folders that hold `link`, as walked.
    fn above(&self, target: &Path, link: &Path) -> bool {
        let mut inner = link;
        self.levels.iter().rev().any(|(walked, resolved)| {
            let within = inner
                .parent()
                .and_then(|p| p.strip_prefix(walked).ok())
                .map(|rel| resolved.join(rel));
            inner = walked;
            within.is_some_and(|here| target.starts_with(resolved) && here.starts_with(target))
        })
    }
}

/// Whether a file or folder name is skipped: names starting with `_` or `.`.
pub(crate) fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('_') || n.starts_with('.'))
}

pub(crate) fn is_record_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Every record file under `root`, sorted; unreadable folders, links that lead outside
/// `root` and special files become findings (see [`discover`]).
pub fn record_files(root: &Path, scope: &Scope) -> (Vec<PathBuf>, Vec<Finding>) {
    let mut files = Vec::new();
    let findings = discover(root, scope, &mut |path| files.push(path));
    (files, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that is a link when it is opened is checked again, whatever the walk saw.
    #[cfg(unix)]
    #[test]
    fn opening_checks_links_again() {
        let dir = tempfile::tempdir().unwrap();
        let cat = dir.path().join("cat");
        fs::create_dir(&cat).unwrap();
        fs::write(dir.path().join("secret.yaml"), "secret").unwrap();
        fs::write(cat.join("a.yaml"), "a").unwrap();
        std::os::unix::fs::symlink("a.yaml", cat.join("inside.yaml")).unwrap();
        std::os::unix::fs::symlink("../secret.yaml", cat.join("outside.yaml")).unwrap();
        let read = |scope: &Scope, name: &str| {
            let mut text = String::new();
            io::Read::read_to_string(&mut scope.open(&cat.join(name))?, &mut text)?;
            Ok::<_, io::Error>(text)
        };
        let scope = Scope::new(&cat, false);
        assert_eq!(read(&scope, "a.yaml").unwrap(), "a");
        assert_eq!(read(&scope, "inside.yaml").unwrap(), "a");
        let refused = read(&scope, "outside.yaml").unwrap_err();
        assert!(
            refused.to_string().contains("outside the catalogue"),
            "{refused}"
        );
        assert!(!refused.to_string().contains("secret"), "{refused}");
        let following = Scope::following();
        assert_eq!(read(&following, "outside.yaml").unwrap(), "secret");
        // A FIFO opens at once and is not a regular file.
        rustix::fs::mknodat(
            rustix::fs::CWD,
            cat.join("pipe.yaml"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        assert!(scope.open_regular(&cat.join("pipe.yaml")).is_err());
        assert!(open_regular(&cat.join("pipe.yaml")).is_err());
    }

    #[test]
    fn lexical_takes_away_dots() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(lexical(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
