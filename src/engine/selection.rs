//! Which records a run processes in full, and which it only outlines.
//!
//! Every command goes through the one streaming engine ([`crate::engine::run`]); what
//! differs is the *selection*:
//!
//! - [`Selection::All`]: every record is read, validated, normalized (and exported).
//! - [`Selection::Shard`]: the records whose id falls in one shard of a sharded run; the
//!   others are only outlined (id and references), so that the cross-record checks still
//!   see the whole catalogue.
//! - [`Selection::Files`]: the files and folders named on the command line
//!   (`pipeline validate PATH...`):
//!   they are checked in full, every other file of the catalogue is only outlined (from the
//!   outline cache, [`crate::engine::outline_cache`], when it knows the file), and only findings in the named
//!   files are reported.
//!
//! A named file is matched by its canonical path, and canonicalized only when its file name
//! is one of the named files' names (a catalogue of a million files is not canonicalized for
//! one named file). A named file that is a symbolic link leading outside the catalogue is
//! read through the link: naming it is the user's choice, not the catalogue's.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Which records a run processes in full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every record.
    #[default]
    All,
    /// The records of one shard (by id).
    Shard(Shard),
    /// The records of these files, and of the files under these folders of the catalogue
    /// (paths as the user wrote them).
    Files(Vec<PathBuf>),
}

impl Selection {
    /// The shard, for a sharded run.
    pub fn shard(&self) -> Option<Shard> {
        match self {
            Selection::Shard(s) => Some(*s),
            _ => None,
        }
    }
}

/// Which catalogue each named path belongs to: paths inside `input` are checked against the
/// whole of `input`; another path against the nearest catalogue up from it
/// ([`enclosing_catalogue`]); failing that, a folder is a catalogue of its own and a file is
/// checked against the folder it is in.
pub type Group = (PathBuf, Option<Vec<PathBuf>>);

pub fn group_by_catalogue(paths: &[PathBuf], input: &Path) -> Result<Vec<Group>, String> {
    if paths.is_empty() {
        return Ok(vec![(input.to_path_buf(), None)]);
    }
    let input_canon = input.canonicalize().ok();
    let mut groups: Vec<Group> = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{} does not exist", path.display()));
        }
        // A file is placed by its folder, not by where a link it may be leads: a link inside
        // the catalogue that leads out of it is still a file of the catalogue (read through
        // the link because it was named, see `take_named_links` in the engine).
        let canon = if path.is_dir() {
            path.canonicalize()
                .map_err(|e| format!("{}: {e}", path.display()))?
        } else {
            located(path).ok_or_else(|| format!("{}: cannot be located", path.display()))?
        };
        let inside_input = input_canon.as_ref().is_some_and(|i| canon.starts_with(i));
        // A file (or a FIFO, which is reported, never opened) inside the catalogue.
        let (root, files) = if inside_input && !path.is_dir() {
            (input.to_path_buf(), Some(vec![path.clone()]))
        } else if inside_input && input_canon.as_ref() == Some(&canon) {
            // The catalogue folder itself: all of it.
            (input.to_path_buf(), None)
        } else if inside_input {
            // A folder of the catalogue: the files under it (and the findings of the walk
            // there: links that lead outside, special files).
            (input.to_path_buf(), Some(vec![path.clone()]))
        } else if let Some(root) = enclosing_catalogue(path) {
            // Outside `--input`, a path belongs to the nearest catalogue up from it.
            match root.canonicalize().ok() == Some(canon.clone()) {
                true => (root, None),
                false => (root, Some(vec![path.clone()])),
            }
        } else if path.is_dir() {
            (path.clone(), None)
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")).to_path_buf(),
                Some(vec![path.clone()]),
            )
        };
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, existing)) => match (existing.as_mut(), files) {
                (Some(list), Some(more)) => list.extend(more),
                _ => *existing = None,
            },
            None => groups.push((root, files)),
        }
    }
    // A file whose folder lies inside a catalogue checked whole is checked with it, not a
    // second time as a catalogue of its own (`validate other other/sub/a.yaml`).
    let whole: Vec<PathBuf> = groups
        .iter()
        .filter(|(_, files)| files.is_none())
        .filter_map(|(root, _)| root.canonicalize().ok())
        .collect();
    groups.retain(|(root, files)| {
        files.is_none()
            || root
                .canonicalize()
                .map_or(true, |r| !whole.iter().any(|w| r.starts_with(w)))
    });
    Ok(groups)
}

/// Which part of the catalogue a run processes in full: shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the record with this id belongs to the shard. The id is hashed with 64-bit
    /// FNV-1a, which is fixed (not seeded per process), so every machine agrees.
    pub fn owns(&self, id: &str) -> bool {
        self.count <= 1 || fnv1a(id.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The named files of a [`Selection::Files`], ready to be matched against the catalogue's.
#[derive(Debug, Default)]
pub(crate) struct NamedFiles {
    /// The catalogue folder, and the named folders inside it (relative to it): every file
    /// under one of them is named (compared by path, so a catalogue of a million files is
    /// not canonicalized for one named folder).
    root: PathBuf,
    folders: Vec<PathBuf>,
    canonical: HashSet<PathBuf>,
    names: HashSet<OsString>,
    /// Where each named path is, with its folder resolved but not its last part: a link
    /// named on the command line is recognized as itself, not by its target.
    located: HashSet<PathBuf>,
}

impl NamedFiles {
    /// The named `paths` of the catalogue at `root`: files, and folders inside it.
    pub(crate) fn new(paths: &[PathBuf], root: &Path) -> NamedFiles {
        let root_canonical = canonical(root);
        let (folders, files): (Vec<&PathBuf>, Vec<&PathBuf>) =
            paths.iter().partition(|p| p.is_dir());
        NamedFiles {
            root: root.to_path_buf(),
            folders: folders
                .iter()
                .filter_map(|f| {
                    canonical(f)
                        .strip_prefix(&root_canonical)
                        .ok()
                        .map(Path::to_path_buf)
                })
                .collect(),
            canonical: files.iter().map(|p| canonical(p)).collect(),
            names: files
                .iter()
                .filter_map(|p| p.file_name())
                .map(OsString::from)
                .collect(),
            located: files.iter().filter_map(|p| located(p)).collect(),
        }
    }

    /// Whether `path` (as discovered in the catalogue) is one of the named files, or in one
    /// of the named folders.
    pub(crate) fn contains(&self, path: &Path) -> bool {
        if let Ok(relative) = path.strip_prefix(&self.root)
            && self.folders.iter().any(|f| relative.starts_with(f))
        {
            return true;
        }
        path.file_name().is_some_and(|n| self.names.contains(n))
            && self.canonical.contains(&canonical(path))
    }

    /// Whether `path` is itself one of the named paths, without following a link it may be.
    pub(crate) fn names_link(&self, path: &Path) -> bool {
        located(path).is_some_and(|l| self.located.contains(&l))
    }
}

/// Where `path` is, with its folder resolved but not its last part (a link stays itself).
/// The files that mark a catalogue's top folder (README, "The record format in brief").
pub const CATALOGUE_MARKERS: [&str; 2] = ["_collections.yaml", "_authorities.yaml"];

/// The catalogue a path outside `--input` belongs to: the nearest folder, from the path (a
/// folder) or its folder (a file) up, that holds one of [`CATALOGUE_MARKERS`], not looking
/// above a folder that holds `.git` (a repository's top). Written as the user wrote the path
/// where it is one of its folders (`mycat` for `mycat/letters/x.yaml`), else absolute; `None`
/// when no folder up holds a marker.
pub fn enclosing_catalogue(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let canon = start.canonicalize().ok()?;
    let (up, found) = canon.ancestors().enumerate().find_map(|(up, dir)| {
        let marked = CATALOGUE_MARKERS.iter().any(|m| dir.join(m).is_file());
        match (marked, dir.join(".git").exists()) {
            (true, _) => Some(Some((up, dir))),
            (false, true) => Some(None),
            (false, false) => None,
        }
    })??;
    // The folder as written: `start` with `up` trailing folders taken off, when that is the
    // same folder (it may not be through a symbolic link).
    let mut written = start.to_path_buf();
    for _ in 0..up {
        match written.components().next_back() {
            Some(Component::Normal(_)) => {
                written.pop();
            }
            Some(Component::CurDir) | None => written = PathBuf::from(".."),
            Some(Component::ParentDir) => written.push(".."),
            Some(Component::RootDir | Component::Prefix(_)) => return Some(found.to_path_buf()),
        }
    }
    if written.as_os_str().is_empty() {
        written = PathBuf::from(".");
    }
    if written.canonicalize().ok().as_deref() == Some(found) {
        Some(written)
    } else {
        Some(found.to_path_buf())
    }
}

fn located(path: &Path) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or(Path::new(".")).canonicalize().ok()?;
    Some(parent.join(path.file_name()?))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_file_is_matched_by_where_it_is_not_how_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.yaml"), "id: a\n").unwrap();
        std::fs::write(sub.join("b.yaml"), "id: b\n").unwrap();
        let named = NamedFiles::new(&[sub.join("..").join("sub").join("a.yaml")], dir.path());
        assert!(named.contains(&sub.join("a.yaml")));
        assert!(!named.contains(&sub.join("b.yaml")));
        // Same name, another folder: not the named file.
        assert!(!named.contains(&dir.path().join("a.yaml")));
    }

    #[test]
    fn a_named_folder_selects_the_files_under_it_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let letters = dir.path().join("letters");
        std::fs::create_dir_all(letters.join("1957")).unwrap();
        std::fs::create_dir_all(dir.path().join("letters-more")).unwrap();
        // Named as the user may write it: with a `..` in it.
        let named = NamedFiles::new(&[letters.join("1957").join("..")], dir.path());
        assert!(named.contains(&letters.join("a.yaml")));
        assert!(named.contains(&letters.join("1957").join("b.yaml")));
        // A sibling whose name starts the same is not under it.
        assert!(!named.contains(&dir.path().join("letters-more").join("c.yaml")));
        assert!(!named.contains(&dir.path().join("d.yaml")));
    }

    #[test]
    fn the_catalogue_folder_itself_is_the_whole_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let input = dir.path().to_path_buf();
        let groups = group_by_catalogue(&[input.join("sub").join("..")], &input).unwrap();
        assert_eq!(groups, vec![(input.clone(), None)]);
        let groups = group_by_catalogue(std::slice::from_ref(&sub), &input).unwrap();
        assert_eq!(groups, vec![(input, Some(vec![sub]))]);
    }

    #[test]
    fn a_file_inside_a_catalogue_checked_whole_is_not_checked_again() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other");
        std::fs::create_dir_all(other.join("sub")).unwrap();
        std::fs::write(other.join("sub").join("a.yaml"), "id: a\n").unwrap();
        let input = dir.path().join("input");
        let groups =
            group_by_catalogue(&[other.clone(), other.join("sub").join("a.yaml")], &input).unwrap();
        assert_eq!(groups, vec![(other, None)]);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_link_inside_the_catalogue_belongs_to_it_wherever_it_leads() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input");
        std::fs::create_dir_all(input.join("sub")).unwrap();
        std::fs::write(dir.path().join("elsewhere.yaml"), "id: x\n").unwrap();
        let link = input.join("sub").join("x.yaml");
        std::os::unix::fs::symlink(dir.path().join("elsewhere.yaml"), &link).unwrap();
        let groups = group_by_catalogue(std::slice::from_ref(&link), &input).unwrap();
        assert_eq!(groups, vec![(input, Some(vec![link]))]);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_link_is_recognized_as_itself_not_as_its_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("target.yaml"), "id: t\n").unwrap();
        std::os::unix::fs::symlink("target.yaml", dir.path().join("link.yaml")).unwrap();
        let named = NamedFiles::new(&[dir.path().join("link.yaml")], dir.path());
        assert!(named.names_link(&dir.path().join("link.yaml")));
        assert!(!named.names_link(&dir.path().join("target.yaml")));
    }
}
