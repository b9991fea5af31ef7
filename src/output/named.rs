//! Files the user names for writing on the command line (`validate --report FILE`,
//! `convert --outlines FILE`): a regular file is replaced whole, but a device or a pipe is
//! written through or refused, never replaced (issue 24: `--outlines /dev/null` turned the
//! machine's `/dev/null` into a file).

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use super::publish::replace_file;

/// A file the user names for writing (`validate --report FILE`, `convert --outlines FILE`)
/// that must not be replaced: a character device (`/dev/null`, a terminal) is opened and
/// written through, as a shell's `>` would, and so is a pipe with a reader (`/dev/stderr`
/// into a pipe, `>(gzip > x)`); a pipe with no reader (which could block the run for ever),
/// a socket, a block device or a folder is refused. `Ok(None)`: `target` is missing or a
/// regular file, to be replaced whole ([`replace_file`]). Renaming a new file over
/// `/dev/null` turned the machine's `/dev/null` into a file (issue 24).
pub fn device_target(target: &Path) -> std::io::Result<Option<File>> {
    let Ok(meta) = fs::metadata(target) else {
        return Ok(None);
    };
    if meta.is_file() {
        return Ok(None);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        if meta.file_type().is_char_device() {
            return File::options().write(true).open(target).map(Some);
        }
        if meta.file_type().is_fifo() {
            // Without a reader, a non-blocking open fails (ENXIO) instead of waiting.
            let file = File::options()
                .write(true)
                .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
                .open(target)
                .map_err(|e| match e.raw_os_error() {
                    Some(code) if code == rustix::io::Errno::NXIO.raw_os_error() => {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidInput,
                            "it is a named pipe (FIFO) that no one reads; it is not replaced: \
                             name a file, or start the reader first",
                        )
                    }
                    _ => e,
                })?;
            // Written as a shell writes to a pipe: waiting while the reader catches up.
            let flags = rustix::fs::fcntl_getfl(&file)? - rustix::fs::OFlags::NONBLOCK;
            rustix::fs::fcntl_setfl(&file, flags)?;
            return Ok(Some(file));
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "it is not a regular file, a character device nor a pipe; it is not replaced: name a \
         file",
    ))
}

/// Write a file the user named on the command line (`validate --report FILE`): a character
/// device is written through, anything else but a regular file refused ([`device_target`]),
/// a regular file replaced whole ([`replace_file`]). Only for names the user gives: a
/// record's path (`fix`) is always replaced, never written through.
pub fn write_named_file(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match device_target(target)? {
        Some(mut device) => device.write_all(bytes),
        None => replace_file(target, bytes, None),
    }
}
