//! The `dc/` folder of a new generation, opened once, where a run creates one file per record.
//!
//! Why a module: a run creates N files in one folder. Opened by full path, each creation makes
//! the kernel walk every component of `output/.gen-XXXX/dc/<id>.xml` again (in the profile of
//! a run, path lookup was most of the cost of creating a file). On Unix the folder is opened
//! once and files are created relative to it (`openat`, through rustix); elsewhere by path.
//!
//! Files are created with `O_EXCL`. A file already there is removed first, never truncated:
//! it may be a hard link to the previous generation's file (two records with one id both
//! write it, and the first may have been linked), and writing through the link would change
//! the published file.

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
    pub fn write_new(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = match self.create(name) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                self.remove(name)?;
                self.create(name)?
            }
            other => other?,
        };
        file.write_all(bytes)
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

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Folder::open(&dir.path().join("missing")).is_err());
    }
}
