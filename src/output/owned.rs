//! What a run of the tool wrote in an output folder, and so may remove or replace: the tool
//! never removes or replaces anything else (issue 24: an existing folder's own `dc/` and
//! `records.csv` were deleted without a message, and a planted `.cache` link was written
//! through). How it knows is in [`check_ours`].

use std::fs;
use std::path::{Path, PathBuf};

/// The link naming the generation in force.
pub const CURRENT: &str = ".current";
/// The lock file that keeps two runs from writing one output folder.
pub const LOCK_FILE: &str = ".pipeline.lock";
/// The paths users read, relative to the output folder.
pub const OUTPUTS: [&str; 3] = ["dc", "records.csv", "records.jsonld"];
/// The incremental cache's folder inside the output folder (see `engine::incremental`): kept
/// across generations, removed with an output folder a failed first run created.
pub const CACHE_DIR: &str = ".cache";

/// A path the tool refuses to remove or replace, and why (a `PublishError` to the caller).
#[derive(Debug)]
pub struct Refused {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Refuse an output folder, or an entry of it, that this tool did not write. How the tool
/// knows what it wrote:
///
/// - the folder: it is empty, or it holds the lock file [`LOCK_FILE`], which every run
///   creates in the folder it writes and never removes (a folder that has it was written by
///   an earlier run; a folder without it is someone's folder, and its `dc/` or
///   `records.csv` are theirs);
/// - the paths it replaces ([`OUTPUTS`], the report's names): missing, or a link into
///   [`CURRENT`] (what a run leaves there). A real folder or file, or a link elsewhere, is
///   never replaced: it was put there by someone else (or by a version of the tool older
///   than generations, whose outputs cannot be told from a user's files);
/// - the incremental cache [`CACHE_DIR`]: missing or a real folder, never a link (files
///   are written into it and old logs removed from it).
///
/// Every refusal names the path and says what to do.
pub fn check_ours(output: &Path) -> Result<(), Refused> {
    let refuse = |path: PathBuf, why: String| Refused {
        path,
        source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, why),
    };
    let lock = output.join(LOCK_FILE);
    let marked = fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file());
    if !marked {
        let mut entries = fs::read_dir(output).map_err(|source| Refused {
            path: output.to_path_buf(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(refuse(
                output.to_path_buf(),
                format!(
                    "this folder is not empty and no earlier pipeline run wrote it (it has no \
                     {LOCK_FILE}); pipeline never removes or replaces files it did not write: \
                     choose a new or empty output folder"
                ),
            ));
        }
        return Ok(());
    }
    check_entries(output, &OUTPUTS)?;
    let cache = output.join(CACHE_DIR);
    match fs::symlink_metadata(&cache) {
        Ok(m) if !m.is_dir() => Err(refuse(
            cache,
            "this is not a folder pipeline made (a link or a file): it is never written \
             through nor removed; move it away and run again"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Refuse when `output/NAME`, for a name of `names`, exists and is not a link into
/// [`CURRENT`] (see [`check_ours`]).
pub(super) fn check_entries(output: &Path, names: &[&str]) -> Result<(), Refused> {
    for name in names {
        let path = output.join(name);
        if fs::symlink_metadata(&path).is_err() {
            continue;
        }
        if fs::read_link(&path).is_ok_and(|t| t.starts_with(CURRENT)) {
            continue;
        }
        return Err(Refused {
            path,
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "this was not written by pipeline (the outputs are links into .current); it is \
                 never removed or replaced: move it away, or choose another output folder",
            ),
        });
    }
    Ok(())
}
