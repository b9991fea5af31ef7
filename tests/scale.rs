//! The streaming run against the in-memory one: the same outputs byte for byte and the same
//! findings, for single-record files, `---` streams and a mix of both; sharded runs.

use std::fs;
use std::path::Path;

use pipeline::catalogue::{self, Settings};
use pipeline::export::ExportOptions;
use pipeline::streaming::{self, Options, Shard};
use tempfile::TempDir;

/// The files a user reads in an output folder: through the links, without the hidden
/// generation folders, the lock and the link `.current` (their names differ between runs).
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

fn record(id: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: Record {id}\ndate: March 3, 1957\ntype: Cable\nsummary: About {id}.\n\
         people: [Kim Il Sung, Kim Il-sung]\nlanguages: [Korean]\n{extra}"
    )
}

/// A catalogue of single files and a stream whose records fall between them in id order.
fn mixed() -> TempDir {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("a")).unwrap();
    fs::write(p.join("_collections.yaml"), "col: {title: A collection}\n").unwrap();
    for id in ["b-1", "d-1", "f-1"] {
        fs::write(
            p.join("a").join(format!("{id}.yaml")),
            record(id, "collections: [col]\n"),
        )
        .unwrap();
    }
    let stream = [
        record("e-1", "related: [b-1]\n"),
        record("a-1", ""),
        format!("# a comment\n{}", record("c-1", "creators: [Zhou Enlai]\n")),
    ]
    .join("---\n");
    fs::write(p.join("stream.yaml"), format!("---\n{stream}")).unwrap();
    dir
}

fn in_memory(input: &Path, out: &Path) {
    let settings = Settings::new(None).unwrap();
    let c = catalogue::load(input, &settings).unwrap();
    assert_eq!(c.errors(), 0, "{:?}", c.findings);
    pipeline::publish::publish(out, &c.records, &c.collections, &ExportOptions::default()).unwrap();
}

fn streamed(input: &Path, out: &Path, shard: Option<Shard>) -> pipeline::catalogue::Catalogue {
    let settings = Settings::new(None).unwrap();
    let options = Options {
        output: Some(out),
        export: ExportOptions::default(),
        shard,
        progress: None,
    };
    let (c, staged) = streaming::run(input, &settings, &options).unwrap();
    assert_eq!(c.errors(), 0, "{:?}", c.findings);
    staged.unwrap().publish().unwrap();
    c
}

#[test]
fn streaming_outputs_equal_the_in_memory_outputs() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    let mix = mixed();
    for input in [shipped.as_path(), mix.path()] {
        let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
        in_memory(input, a.path());
        let c = streamed(input, b.path(), None);
        assert_eq!(c.valid, c.documents);
        let (ta, tb) = (tree(a.path()), tree(b.path()));
        assert_eq!(ta.len(), tb.len());
        for ((na, ba), (nb, bb)) in ta.iter().zip(&tb) {
            assert_eq!(na, nb);
            assert!(
                ba == bb,
                "{na} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(ba),
                String::from_utf8_lossy(bb)
            );
        }
    }
}

#[test]
fn streaming_findings_equal_the_in_memory_findings() {
    let dir = mixed();
    let p = dir.path();
    // Errors in a stream (a bad date, an unknown field, an unresolved reference, a duplicate
    // id) and in single files (an id that is not the file name).
    fs::write(
        p.join("bad.yaml"),
        format!(
            "{}---\n{}---\n{}---\n",
            record("z-1", "related: [nope]\n"),
            record("a-1", "tittle: x\n"),
            record("z-2", "").replace("March 3, 1957", "February 30, 1957"),
        ),
    )
    .unwrap();
    fs::write(p.join("a").join("g-1.yaml"), record("g-2", "")).unwrap();
    let settings = Settings::new(None).unwrap();
    let expected = catalogue::load(p, &settings).unwrap();
    let options = Options {
        output: None,
        export: ExportOptions::default(),
        shard: None,
        progress: None,
    };
    let (got, _) = streaming::run(p, &settings, &options).unwrap();
    assert!(expected.errors() >= 5, "{:?}", expected.findings);
    assert_eq!(got.findings, expected.findings);
    assert_eq!(
        (got.documents, got.valid),
        (expected.documents, expected.valid)
    );
}

#[test]
fn shards_merged_equal_the_single_run() {
    let dir = mixed();
    let single = TempDir::new().unwrap();
    streamed(dir.path(), single.path(), None);
    for n in [2u32, 3] {
        let shards: Vec<TempDir> = (0..n).map(|_| TempDir::new().unwrap()).collect();
        let mut written = 0;
        for (i, out) in shards.iter().enumerate() {
            let c = streamed(
                dir.path(),
                out.path(),
                Some(Shard {
                    index: i as u32,
                    count: n,
                }),
            );
            written += c.valid;
        }
        assert_eq!(written, 6, "each record is in exactly one shard");
        let merged = TempDir::new().unwrap();
        let dirs: Vec<_> = shards.iter().map(|d| d.path().to_path_buf()).collect();
        pipeline::shard::merge(&dirs, merged.path(), '|').unwrap();
        assert_eq!(tree(merged.path()), tree(single.path()), "{n} shards");
    }
}
