//! The paths of a catalogue's record files, in one buffer.
//!
//! Why a module: a streaming run keeps the list of files for the whole run (findings name
//! them; outlines point into the list). One `PathBuf` or `Box<Path>` per file costs its
//! ~50 bytes of text plus a pointer, a length and an allocation's overhead: ~80 bytes per
//! file, 80 MB for a million files, a third of the memory target. Here the paths are
//! written one after the other into one byte buffer, with the end of each: ~58 bytes per
//! file, in two allocations (on Unix, where a path is bytes; elsewhere one box per path).

#[cfg(unix)]
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Paths, in the order they were pushed.
#[derive(Debug, Default, Clone)]
pub struct FileList {
    /// Every path's bytes, one after the other (Unix: a path is bytes).
    #[cfg(unix)]
    bytes: Vec<u8>,
    /// Where each path ends in `bytes`.
    #[cfg(unix)]
    ends: Vec<usize>,
    /// Elsewhere a path is not plain bytes (and `unsafe` is not allowed in this crate to
    /// rebuild it from its encoding): one boxed path each.
    #[cfg(not(unix))]
    paths: Vec<Box<Path>>,
}

impl FileList {
    pub fn new() -> FileList {
        FileList::default()
    }

    #[cfg(unix)]
    pub fn push(&mut self, path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        self.bytes.extend_from_slice(path.as_os_str().as_bytes());
        self.ends.push(self.bytes.len());
    }

    #[cfg(not(unix))]
    pub fn push(&mut self, path: &Path) {
        self.paths.push(path.into());
    }

    #[cfg(unix)]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    #[cfg(not(unix))]
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th path.
    #[cfg(unix)]
    pub fn get(&self, i: usize) -> &Path {
        use std::os::unix::ffi::OsStrExt;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Path::new(OsStr::from_bytes(&self.bytes[start..self.ends[i]]))
    }

    /// The `i`th path.
    #[cfg(not(unix))]
    pub fn get(&self, i: usize) -> &Path {
        &self.paths[i]
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Path> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Where `path` is, if the list is sorted (as discovery leaves it).
    pub fn binary_search(&self, path: &Path) -> Result<usize, usize> {
        let mut low = 0;
        let mut high = self.len();
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid).cmp(path) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }
}

impl std::ops::Index<usize> for FileList {
    type Output = Path;

    fn index(&self, i: usize) -> &Path {
        self.get(i)
    }
}

impl<P: AsRef<Path>> FromIterator<P> for FileList {
    fn from_iter<I: IntoIterator<Item = P>>(iter: I) -> FileList {
        let mut list = FileList::new();
        for p in iter {
            list.push(p.as_ref());
        }
        list
    }
}

impl From<&FileList> for Vec<PathBuf> {
    fn from(list: &FileList) -> Vec<PathBuf> {
        list.iter().map(Path::to_path_buf).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_every_path_and_finds_them() {
        let paths = [
            "/cat/a/b-1.yaml",
            "/cat/a/d-1.yaml",
            "/cat/é/ü-1.yaml",
            "/cat/stream.yaml",
            "",
        ];
        let mut sorted: Vec<&str> = paths.to_vec();
        sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
        let list: FileList = sorted.iter().collect();
        assert_eq!(list.len(), paths.len());
        for (i, p) in sorted.iter().enumerate() {
            assert_eq!(&list[i], Path::new(p));
            assert_eq!(list.binary_search(Path::new(p)), Ok(i));
        }
        assert!(list.binary_search(Path::new("/cat/a/c-1.yaml")).is_err());
        assert_eq!(list.iter().count(), paths.len());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_paths_that_are_not_unicode() {
        use std::os::unix::ffi::OsStrExt;
        let odd = Path::new(OsStr::from_bytes(b"/cat/\xff\xfe.yaml"));
        let list: FileList = [Path::new("/cat/a.yaml"), odd].into_iter().collect();
        assert_eq!(&list[1], odd);
    }
}
