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

/// A file's stem as text (`rec-7` for `part/rec-7.yaml`), as
/// `path.file_stem().and_then(|s| s.to_str())` gives it (`""` when it is not UTF-8), found
/// without parsing the path's components: a run takes the stem of every file before its
/// first record (to process them in id order) and again in the cross-record checks, and
/// `Path::file_stem` parsed the whole path each time (with walkdir's sort, which parsed
/// too, 0.7 % of a run's instructions, most of it on one thread). A path whose last part is not a plain name (`..`, `.`, a trailing `/`) and
/// any path outside Unix go through `Path::file_stem` (tested to agree).
pub fn stem(path: &Path) -> &str {
    fn slow(path: &Path) -> &str {
        path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    }
    if !cfg!(unix) {
        return slow(path);
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let name = match bytes.iter().rposition(|&b| b == b'/') {
        Some(i) => &bytes[i + 1..],
        None => bytes,
    };
    if matches!(name, b"" | b"." | b"..") {
        return slow(path);
    }
    let stem = match name.iter().rposition(|&b| b == b'.') {
        Some(0) | None => name,
        Some(i) => &name[..i],
    };
    std::str::from_utf8(stem).unwrap_or("")
}

/// A file name that may not be UTF-8, as text: what is UTF-8 as it is (a finding escapes
/// its control characters), any other byte as `\x{FF}`, so that a message names the file it
/// means (the lossy form turns every such byte into the same `�`).
pub fn escaped_name(name: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{{{b:02X}}}"));
        }
    }
    out
}

/// `path` relative to `root` (the folder it was found under), as
/// `path.strip_prefix(root)` gives it, without comparing the two component by component
/// (1.3 % of a run's instructions, for the cache key of every file). A path found by
/// walking `root` begins with root's text: what follows it, after the separators, is the
/// relative path. Any other path, and any path outside Unix, goes through `strip_prefix`
/// (tested to agree).
pub fn relative_to<'a>(path: &'a Path, root: &Path) -> &'a Path {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let root_bytes = root.as_os_str().as_bytes();
        if let Some(rest) = bytes.strip_prefix(root_bytes)
            && (rest.first() == Some(&b'/') || root_bytes.ends_with(b"/"))
        {
            let start = rest.iter().position(|&b| b != b'/').unwrap_or(rest.len());
            let rest = &rest[start..];
            if !rest.starts_with(b"./") && rest != b"." {
                return Path::new(OsStr::from_bytes(rest));
            }
        }
    }
    path.strip_prefix(root).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths as walking a root makes them (`root.join(...)`), and some it does not.
    #[test]
    fn relative_to_is_what_strip_prefix_gives() {
        let roots = [
            "in", "in/", "./in", ".", "/abs/in", "in//", "a/./b", "in/../in",
        ];
        let tails = ["part-1/rec-1.yaml", "rec.yaml", "x/./y.yaml", "x//y.yaml"];
        for root in roots {
            for tail in tails {
                let path = Path::new(root).join(tail);
                let expected = path.strip_prefix(root).unwrap_or(&path);
                let got = relative_to(&path, Path::new(root));
                // The same text, not only the same components: the cache key hashes it.
                assert_eq!(got.as_os_str(), expected.as_os_str(), "{path:?}");
            }
        }
        // Not made by a walk: another folder, a longer name, the root itself, and more than
        // one separator after the root.
        for (path, root) in [
            ("other/x.yaml", "in"),
            ("input/x.yaml", "in"),
            ("in", "in"),
            ("in//x.yaml", "in"),
            ("in///x/y.yaml", "in/"),
        ] {
            let expected = Path::new(path)
                .strip_prefix(root)
                .unwrap_or(Path::new(path));
            let got = relative_to(Path::new(path), Path::new(root));
            assert_eq!(got.as_os_str(), expected.as_os_str());
        }
    }

    #[test]
    fn stem_is_what_path_file_stem_gives() {
        let cases: Vec<&str> = vec![
            "rec-1.yaml",
            "input/rec-1.yaml",
            "/abs/part-7/rec-1.yml",
            "a/b.c.yaml",
            "a/.yaml",
            "a/.hidden.yaml",
            "a/noext",
            "a/trailing.",
            "a/..",
            "a/.",
            "..",
            ".",
            "",
            "/",
            "a/b.yaml/",
            "a//b.yaml",
            "./b.yaml",
            "a/./b.yaml",
            "a/../b.yaml",
            "ñ/ü.yaml",
            "a/.b.c",
            "a/...",
            "a/b..yaml",
        ];
        for case in cases {
            let path = Path::new(case);
            let expected = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            assert_eq!(stem(path), expected, "{case:?}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(OsStr::from_bytes(b"dir/r\xffe.yaml"));
            assert_eq!(stem(path), "", "not UTF-8");
        }
    }

    proptest::proptest! {
        /// Any path made of names, dots and slashes.
        #[test]
        fn stem_agrees_with_path_file_stem_on_any_path(text in "[a./é]{0,12}") {
            let path = Path::new(&text);
            let expected = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            proptest::prop_assert_eq!(stem(path), expected);
        }
    }

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
