//! The `dc/` folder of a new generation, opened once, where a run creates one file per record.
//!
//! Why a module: a run creates N files in one folder. Opened by full path, each creation makes
//! the kernel walk every component of `output/.gen-XXXX/dc/<id>.xml` again (in the profile of
//! a run, path lookup was most of the cost of creating a file). On Unix the folder is opened
//! once and files are created relative to it (`openat`, through rustix); elsewhere by path.
//!
//! Files are created with `O_EXCL`. A file already there is replaced by a rename, never
//! truncated: it may be a hard link to the previous generation's file (two records with one
//! id both write it, and the first may have been linked), and writing through the link would
//! change the published file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A folder of the new generation.
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
}

impl std::fmt::Debug for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Folder").field("path", &self.path).finish()
    }
}

impl Folder {
    /// Open the folder at `path` (it must exist).
    pub fn open(path: &Path) -> std::io::Result<Folder> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::open(
                path,
                OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Folder {
                path: path.to_path_buf(),
                fd,
            })
        }
        #[cfg(not(unix))]
        {
            if !path.is_dir() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not a folder",
                ));
            }
            Ok(Folder {
                path: path.to_path_buf(),
            })
        }
    }

    /// The path of the file `name` in the folder (for messages and links).
    pub fn path(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Create the file `name` with `bytes`, replacing (not truncating) one already there.
    ///
    /// A file already there (two records with one id, written by two threads at once, or a
    /// hard link) is replaced by a new file of a name no one else uses, renamed over it:
    /// removing it and creating it again raced with the other thread's creation ("File
    /// exists", exit 2, issue 24). Which of the two stays does not matter: a duplicate id
    /// fails the run (X001).
    pub fn write_new(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        match self.create(name) {
            Ok(mut file) => file.write_all(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.replace(name, bytes),
            Err(e) => Err(e),
        }
    }

    /// Write `bytes` to a new file of a unique hidden name, then rename it to `name`.
    fn replace(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let temp = format!(".again-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let written = self.create(&temp).and_then(|mut f| f.write_all(bytes));
        let renamed = written.and_then(|()| self.rename(&temp, name));
        if renamed.is_err() {
            let _ = self.remove(&temp);
        }
        renamed
    }

    #[cfg(unix)]
    fn rename(&self, from: &str, to: &str) -> std::io::Result<()> {
        Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?)
    }

    #[cfg(not(unix))]
    fn rename(&self, from: &str, to: &str) -> std::io::Result<()> {
        std::fs::rename(self.path(from), self.path(to))
    }

    #[cfg(unix)]
    fn create(&self, name: &str) -> std::io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o666),
        )?;
        Ok(File::from(fd))
    }

    #[cfg(not(unix))]
    fn create(&self, name: &str) -> std::io::Result<File> {
        File::options()
            .write(true)
            .create_new(true)
            .open(self.path(name))
    }

    #[cfg(unix)]
    fn remove(&self, name: &str) -> std::io::Result<()> {
        Ok(rustix::fs::unlinkat(
            &self.fd,
            name,
            rustix::fs::AtFlags::empty(),
        )?)
    }

    #[cfg(not(unix))]
    fn remove(&self, name: &str) -> std::io::Result<()> {
        std::fs::remove_file(self.path(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_files_and_replaces_links_without_writing_through_them() {
        let dir = tempfile::tempdir().unwrap();
        let published = dir.path().join("published.xml");
        std::fs::write(&published, "published").unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        folder.write_new("a.xml", b"first").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.xml")).unwrap(), b"first");
        // A link to the published file, then a second write of the same name.
        std::fs::hard_link(&published, folder.path("b.xml")).unwrap();
        folder.write_new("b.xml", b"second").unwrap();
        assert_eq!(std::fs::read(folder.path("b.xml")).unwrap(), b"second");
        assert_eq!(std::fs::read(&published).unwrap(), b"published");
    }

    /// Two records with one id are written by several threads at once: every write
    /// succeeds and one whole file stays. Removing and creating again failed with "File
    /// exists" when another thread created the file in between.
    #[test]
    fn one_name_written_by_several_threads_at_once_never_fails() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        let contents: Vec<Vec<u8>> = (0..8u8).map(|t| vec![b'a' + t; 4096]).collect();
        std::thread::scope(|s| {
            for bytes in &contents {
                let folder = &folder;
                s.spawn(move || {
                    for _ in 0..300 {
                        folder.write_new("same.xml", bytes).unwrap();
                    }
                });
            }
        });
        let left = std::fs::read(folder.path("same.xml")).unwrap();
        assert!(contents.contains(&left));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Folder::open(&dir.path().join("missing")).is_err());
    }
}
