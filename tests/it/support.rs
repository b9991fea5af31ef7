//! Helpers shared by the modules of this test binary: the program as a user runs it, the
//! shipped collection, catalogue folders made for a test, the engine's options, and the
//! files a user reads in an output folder.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pipeline::engine::Options;
use pipeline::engine::selection::Selection;
use pipeline::export::ExportOptions;
use tempfile::TempDir;

/// The repository's root (`CARGO_MANIFEST_DIR`): the fixtures and data are under `tests/`.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `pipeline` binary, run in the repository's root (so that relative paths such as
/// `tests/fixtures/...` and `input` name the repository's files).
pub fn pipeline() -> Command {
    let mut cmd = Command::cargo_bin("pipeline").expect("the pipeline binary is built");
    cmd.current_dir(root());
    cmd
}

/// The shipped collection, `input/`.
pub fn shipped_input() -> PathBuf {
    root().join("input")
}

/// A new catalogue folder holding `files`: (path relative to the folder, contents as text
/// or bytes); parent folders are made as needed.
pub fn catalogue(files: &[(&str, impl AsRef<[u8]>)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// The engine's options as `pipeline run` sets them by default, writing into `output`
/// (`None`: validate only) the records of `selection` (one place, so that a new field is set
/// once).
pub fn options(output: Option<&Path>, selection: Selection) -> Options<'_> {
    Options {
        output,
        export: ExportOptions::default(),
        selection,
        progress: None,
        report: false,
        keep_findings: None,
    }
}

/// The files a user reads in an output folder, in name order, with their bytes: through the
/// links (the outputs are links into the current generation), without the hidden entries
/// (the generation folders, the link `.current`, the lock, the incremental cache `.cache/`:
/// their names differ between runs).
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let visible =
        |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(visible)
    {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            out.push((rel, fs::read(entry.path()).unwrap()));
        }
    }
    out
}

/// The character an XML reference stands for: a character reference, or one of XML's five
/// predefined entities (the only ones a document without a DTD may use).
pub fn xml_reference(r: &quick_xml::events::BytesRef) -> char {
    match r.resolve_char_ref().unwrap() {
        Some(c) => c,
        None => match &*r.xml10_content() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => panic!("unknown entity {other}"),
        },
    }
}
