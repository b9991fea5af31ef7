//! Publishing: writing the three exports so that a reader never sees a half-written file.
//!
//! Every file is first written in full under a temporary name in the output folder, flushed
//! to disk, and only then renamed over the old one (a rename within one file system is
//! atomic). The Dublin Core files are written into a fresh folder that replaces `dc/` as a
//! whole (on Linux with one atomic `renameat2(RENAME_EXCHANGE)`), so records removed from the
//! input disappear from `dc/` and no reader sees a mix of old and new files there. If
//! anything fails before the renames, the previous outputs are left as they were.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::crosscheck::Collection;
use crate::export::{ExportOptions, csv, dublin_core, jsonld};
use crate::record::Record;

/// A failure to write the outputs: the tool cannot do its job (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct PublishError {
    pub path: PathBuf,
    pub source: std::io::Error,
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

/// Whether `id` can name a file inside the output folder and nowhere else. The schema's id
/// pattern already ensures this; the check is repeated here, at the point of writing.
pub fn safe_file_stem(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

/// Render and write every export of `records` into `output`.
pub fn publish(
    output: &Path,
    records: &[Record],
    collections: &[Collection],
    options: &ExportOptions,
) -> Result<Published, PublishError> {
    fs::create_dir_all(output).map_err(at(output))?;
    let staging = tempfile::Builder::new()
        .prefix(".dc-new-")
        .tempdir_in(output)
        .map_err(at(output))?;

    let ((dc, csv_bytes), jsonld_bytes) = rayon::join(
        || {
            rayon::join(
                || write_dublin_core(staging.path(), records, options),
                || csv::render(records, options).map_err(std::io::Error::other),
            )
        },
        || jsonld::render(records, collections, options).map_err(std::io::Error::other),
    );
    dc?;
    let csv_path = output.join("records.csv");
    let jsonld_path = output.join("records.jsonld");
    let csv_tmp = write_temp(output, &csv_bytes.map_err(at(&csv_path))?)?;
    let jsonld_tmp = write_temp(output, &jsonld_bytes.map_err(at(&jsonld_path))?)?;

    // Everything is on disk: now replace the old outputs.
    let dc_path = output.join("dc");
    replace_dir(staging.keep(), &dc_path)?;
    csv_tmp.persist(&csv_path).map_err(|e| PublishError {
        path: csv_path.clone(),
        source: e.error,
    })?;
    jsonld_tmp.persist(&jsonld_path).map_err(|e| PublishError {
        path: jsonld_path.clone(),
        source: e.error,
    })?;
    Ok(Published {
        dc_files: records.len(),
    })
}

fn write_dublin_core(
    dir: &Path,
    records: &[Record],
    options: &ExportOptions,
) -> Result<(), PublishError> {
    records.par_iter().try_for_each(|record| {
        let path = dir.join(format!("{}.xml", record.id));
        if !safe_file_stem(&record.id) {
            return Err(PublishError {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the record id cannot name a file inside the output folder",
                ),
            });
        }
        let bytes = dublin_core::render(record, options).map_err(at(&path))?;
        let mut file = File::create(&path).map_err(at(&path))?;
        file.write_all(&bytes).map_err(at(&path))?;
        file.sync_all().map_err(at(&path))
    })
}

fn write_temp(dir: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, PublishError> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".export-new-")
        .tempfile_in(dir)
        .map_err(at(dir))?;
    tmp.write_all(bytes).map_err(at(tmp.path()))?;
    tmp.as_file().sync_all().map_err(at(tmp.path()))?;
    Ok(tmp)
}

/// Put the folder `new` in the place of `target`, removing the old folder.
pub fn replace_dir(new: PathBuf, target: &Path) -> Result<(), PublishError> {
    if target.exists() {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            if renameat_with(CWD, &new, CWD, target, RenameFlags::EXCHANGE).is_ok() {
                // `new` now holds the previous files.
                return fs::remove_dir_all(&new).map_err(at(&new));
            }
        }
        // Without an atomic exchange: move the old folder aside, then the new one in.
        let old = target.with_extension("old");
        let _ = fs::remove_dir_all(&old);
        fs::rename(target, &old).map_err(at(target))?;
        fs::rename(&new, target).map_err(at(target))?;
        return fs::remove_dir_all(&old).map_err(at(&old));
    }
    fs::rename(&new, target).map_err(at(target))
}
