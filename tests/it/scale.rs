//! The streaming run on catalogues of single-record files, `---` streams and a mix of both:
//! the outputs of a mix are those of the same records one per file (nothing to merge), the
//! findings those worked out by hand from the fixture; sharded runs merge into the single
//! run's outputs; the outline cache and the incremental store change no result.

use std::fs;
use std::path::Path;

use pipeline::engine::catalogue::Settings;
use pipeline::engine::selection::Selection;
use pipeline::engine::{self, Options, Shard};
use tempfile::TempDir;

use crate::support::{options, pipeline, tree};

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

/// Single files and a stream whose ids all sort after theirs (`after`) or all before: the
/// stream's records continue the files' sequence, or come first (a merge).
fn files_and_a_stream(after: bool) -> TempDir {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    for id in ["m-1", "m-2"] {
        fs::write(p.join(format!("{id}.yaml")), record(id, "")).unwrap();
    }
    let ids = if after {
        ["x-2", "x-1"]
    } else {
        ["a-2", "a-1"]
    };
    // The stream spells the agent the files spell `Kim Il Sung` otherwise (one IRI): the
    // agent node takes its name from the first mention in id order, whichever part it is in.
    let stream: Vec<String> = ids
        .iter()
        .map(|id| record(id, "").replace("[Kim Il Sung, Kim Il-sung]", "[Kim Il-sung]"))
        .collect();
    fs::write(p.join("stream.yaml"), stream.join("---\n")).unwrap();
    dir
}

fn streamed(
    input: &Path,
    out: &Path,
    shard: Option<Shard>,
) -> pipeline::engine::catalogue::Catalogue {
    let settings = Settings::new(None).unwrap();
    let (c, staged) = engine::run(
        input,
        &settings,
        &options(Some(out), shard.map(Selection::Shard).unwrap_or_default()),
    )
    .unwrap();
    assert_eq!(c.errors(), 0, "{:?}", c.findings);
    staged.unwrap().publish().unwrap();
    c
}

/// The same records as [`mixed`] and [`files_and_a_stream`], each in its own file named by
/// its id: written in id order as they are read, with no part to merge.
fn one_file_each(records: &[(&str, String)], collections: bool) -> TempDir {
    let dir = TempDir::new().unwrap();
    if collections {
        fs::write(
            dir.path().join("_collections.yaml"),
            "col: {title: A collection}\n",
        )
        .unwrap();
    }
    for (id, text) in records {
        fs::write(dir.path().join(format!("{id}.yaml")), text).unwrap();
    }
    dir
}

#[test]
fn streams_mixed_with_files_write_what_one_file_per_record_writes() {
    let mix = mixed();
    let mut mixed_records = vec![
        ("e-1", record("e-1", "related: [b-1]\n")),
        ("a-1", record("a-1", "")),
        ("c-1", record("c-1", "creators: [Zhou Enlai]\n")),
    ];
    for id in ["b-1", "d-1", "f-1"] {
        mixed_records.push((id, record(id, "collections: [col]\n")));
    }
    let stream_record = |id| record(id, "").replace("[Kim Il Sung, Kim Il-sung]", "[Kim Il-sung]");
    let files_and = |ids: [&'static str; 2]| {
        let mut records = vec![("m-1", record("m-1", "")), ("m-2", record("m-2", ""))];
        records.extend(ids.map(|id| (id, stream_record(id))));
        records
    };
    let (after, before) = (files_and_a_stream(true), files_and_a_stream(false));
    for (input, records, collections) in [
        (mix.path(), mixed_records, true),
        (after.path(), files_and(["x-2", "x-1"]), false),
        (before.path(), files_and(["a-2", "a-1"]), false),
    ] {
        let expected_ids = {
            let mut ids: Vec<&str> = records.iter().map(|(id, _)| *id).collect();
            ids.sort();
            ids
        };
        let single = one_file_each(&records, collections);
        let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
        let c = streamed(input, a.path(), None);
        assert_eq!(c.valid, c.documents);
        streamed(single.path(), b.path(), None);
        let csv = fs::read(a.path().join("records.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let ids: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(ids, expected_ids, "one row per record, in id order");
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
fn findings_in_streams_and_files_are_located_and_refuse_their_records() {
    let dir = mixed();
    let p = dir.path();
    // Errors in a stream (an unresolved reference, an unknown field, a bad date, and a
    // duplicate id of a single file's record) and in a single file (an id that is not the
    // file name).
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
    let (got, _) = engine::run(p, &settings, &options(None, Selection::All)).unwrap();
    let found: Vec<(String, String, usize, usize)> = got
        .findings
        .iter()
        .map(|f| {
            let at = f.location.unwrap_or_default();
            let name = f.file.strip_prefix(p).unwrap().display().to_string();
            (f.code.to_string(), name, at.line, at.col)
        })
        .collect();
    // Read off the fixture: `record()` writes 7 lines; `bad.yaml`'s documents start on
    // lines 1, 10 and 19, and its closing `---` (line 26) opens an empty document (27).
    let expected = [
        // The first place of the second spelling, `Kim Il-sung`, in the first file by path.
        ("N001", "a/b-1.yaml", 6, 23),
        ("X002", "a/g-1.yaml", 1, 5),
        ("X003", "bad.yaml", 8, 11),
        ("X001", "bad.yaml", 10, 5),
        ("S002", "bad.yaml", 17, 1),
        ("D001", "bad.yaml", 21, 7),
        ("Y005", "bad.yaml", 27, 1),
        ("X001", "stream.yaml", 11, 5),
    ]
    .map(|(c, f, l, col)| (c.to_string(), f.to_string(), l, col));
    assert_eq!(found, expected);
    // 3 files + 3 documents in `stream.yaml` + 4 in `bad.yaml` + `g-1.yaml`; valid: b-1, d-1,
    // f-1, e-1, c-1 (each of the others has an error, both `a-1`s the duplicate id).
    assert_eq!((got.documents, got.valid), (11, 5));
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
        pipeline::engine::shard::merge(&dirs, merged.path(), '|').unwrap();
        assert_eq!(tree(merged.path()), tree(single.path()), "{n} shards");
    }
}

/// A shard written before the JSON-LD listed records before agents (collections, agents,
/// records) merges into the same outputs as one written now: the agent nodes are found by
/// their type and skipped wherever they stand.
#[test]
fn shards_with_the_agents_before_the_records_merge_as_before() {
    let dir = mixed();
    let single = TempDir::new().unwrap();
    streamed(dir.path(), single.path(), None);
    let shards: Vec<TempDir> = (0..2).map(|_| TempDir::new().unwrap()).collect();
    for (i, out) in shards.iter().enumerate() {
        streamed(
            dir.path(),
            out.path(),
            Some(Shard {
                index: i as u32,
                count: 2,
            }),
        );
    }
    let old_layout = shards[0].path().join("records.jsonld");
    let text = std::fs::read_to_string(&old_layout).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let graph = doc["@graph"].as_array_mut().unwrap();
    let is_agent =
        |n: &serde_json::Value| matches!(n["@type"].as_str(), Some("Person" | "Organization"));
    let agents: Vec<_> = graph.iter().filter(|n| is_agent(n)).cloned().collect();
    assert!(!agents.is_empty(), "the shard names agents");
    graph.retain(|n| !is_agent(n));
    let collections = graph
        .iter()
        .take_while(|n| n["@type"] == "Collection")
        .count();
    graph.splice(collections..collections, agents);
    let mut rewritten = serde_json::to_string_pretty(&doc).unwrap();
    rewritten.push('\n');
    assert_ne!(rewritten, text, "the agents moved");
    // The file is a link into the shard's current generation; replace it as a file.
    std::fs::remove_file(&old_layout).unwrap();
    std::fs::write(&old_layout, rewritten).unwrap();
    let merged = TempDir::new().unwrap();
    let dirs: Vec<_> = shards.iter().map(|d| d.path().to_path_buf()).collect();
    pipeline::engine::shard::merge(&dirs, merged.path(), '|').unwrap();
    assert_eq!(tree(merged.path()), tree(single.path()));
}

/// `pipeline validate --input DIR FILE` with the outline cache in `cache` (`None`: off);
/// its exit code and findings.
fn validate_one(input: &Path, file: &str, cache: Option<&Path>) -> (i32, String) {
    let out = pipeline()
        .args(["validate", "-q", "--format", "concise", "--input"])
        .arg(input)
        .arg(input.join(file))
        .env(
            "PIPELINE_CACHE_DIR",
            cache.map_or("".as_ref(), Path::as_os_str),
        )
        .output()
        .unwrap();
    let text = String::from_utf8(out.stderr).unwrap();
    (
        out.status.code().unwrap(),
        text.replace(&*input.to_string_lossy(), "IN"),
    )
}

fn set_mtime(path: &Path, t: std::time::SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// The only file in the cache folder.
fn cache_file(dir: &Path) -> std::path::PathBuf {
    let files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn outline_cache_gives_the_same_findings_and_sees_edits() {
    let input = mixed();
    let p = input.path();
    fs::write(
        p.join("a/d-1.yaml"),
        record("d-1", "collections: [col]\nrelated: [b-1, e-1]\n"),
    )
    .unwrap();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for f in ["a/b-1.yaml", "a/d-1.yaml", "a/f-1.yaml", "stream.yaml"] {
        set_mtime(&p.join(f), an_hour_ago);
    }
    // Files changed within the last RACY_SECONDS are not cached: let them age.
    std::thread::sleep(std::time::Duration::from_millis(
        pipeline::engine::outline_cache::RACY_SECONDS * 1000 + 200,
    ));
    let cache = TempDir::new().unwrap();
    let without = validate_one(p, "a/d-1.yaml", None);
    assert_eq!(without.0, 0, "{}", without.1);
    assert!(!without.1.contains("error"), "{}", without.1);
    assert!(fs::read_dir(cache.path()).unwrap().next().is_none());
    let cold = validate_one(p, "a/d-1.yaml", Some(cache.path()));
    assert_eq!(cold, without);
    let stored = cache_file(cache.path());
    let warm = validate_one(p, "a/d-1.yaml", Some(cache.path()));
    assert_eq!(warm, without);

    // The warm run reads the cache: an outline changed in the cache changes the result.
    let bytes = fs::read(&stored).unwrap();
    tamper_outlines(&stored, b"\x03b-1", b"\x03b-9");
    let tampered = validate_one(p, "a/d-1.yaml", Some(cache.path()));
    assert_eq!(tampered.0, 1);
    assert!(tampered.1.contains("X003"), "{}", tampered.1);
    fs::write(&stored, bytes).unwrap();
    assert_eq!(validate_one(p, "a/d-1.yaml", Some(cache.path())), without);

    // An edit that keeps the size and the modification time is still seen (the change time
    // moves), and the edited file is outlined again.
    let b = p.join("a/b-1.yaml");
    let edited = fs::read_to_string(&b)
        .unwrap()
        .replace("id: b-1", "id: b-2");
    fs::write(&b, edited).unwrap();
    set_mtime(&b, an_hour_ago);
    let after_edit = validate_one(p, "a/d-1.yaml", Some(cache.path()));
    assert_eq!(after_edit.0, 1);
    assert!(after_edit.1.contains("X003"), "{}", after_edit.1);
    assert_eq!(after_edit, validate_one(p, "a/d-1.yaml", None));

    // A corrupt cache is ignored, and replaced by one that is read next time.
    fs::write(&stored, "not a store").unwrap();
    assert_eq!(
        validate_one(p, "a/d-1.yaml", Some(cache.path())),
        after_edit
    );
    assert_eq!(cache_file(cache.path()), stored);
    // (Only single-record files are kept in the outline cache: `e-1` is in the stream, and
    // the edited `b-1.yaml` changed too recently to be kept. `f-1.yaml`, given the id `b-1`
    // in the cache, resolves `d-1`'s reference that the edit broke.)
    tamper_outlines(&stored, b"\x03f-1", b"\x03b-1");
    let read = validate_one(p, "a/d-1.yaml", Some(cache.path()));
    assert!(read.0 == 0 && !read.1.contains("X003"), "{}", read.1);
}

/// Replace every `from` in `bytes` by `to`, of the same length; whether there was one.
fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) -> bool {
    assert_eq!(from.len(), to.len());
    let n = from.len();
    let mut found = false;
    for i in 0..bytes.len().saturating_sub(n - 1) {
        if &bytes[i..i + n] == from {
            bytes[i..i + n].copy_from_slice(to);
            found = true;
        }
    }
    found
}

/// Replace `from` by `to` (of the same length) in every value of an outline cache.
fn tamper_outlines(path: &Path, from: &[u8], to: &[u8]) {
    use redb::{ReadableDatabase, ReadableTable};
    const OUTLINES: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("outlines");
    let db = redb::Database::create(path).unwrap();
    let mut changed = Vec::new();
    {
        let txn = db.begin_read().unwrap();
        for entry in txn.open_table(OUTLINES).unwrap().iter().unwrap() {
            let (key, value) = entry.unwrap();
            let mut bytes = value.value().to_vec();
            if replace_all(&mut bytes, from, to) {
                changed.push((key.value().to_string(), bytes));
            }
        }
    }
    assert!(!changed.is_empty(), "not in the cache");
    let txn = db.begin_write().unwrap();
    {
        let mut table = txn.open_table(OUTLINES).unwrap();
        for (key, bytes) in &changed {
            table.insert(key.as_str(), bytes.as_slice()).unwrap();
        }
    }
    txn.commit().unwrap();
}

/// `pipeline` with `args`, which must succeed.
fn pipeline_cli(args: &[&std::ffi::OsStr]) {
    let out = pipeline().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `run --shard I/N` for every I, then `pipeline merge`, all through the binary: the merged
/// folder holds exactly what one `pipeline run` writes; an incomplete set is refused.
#[test]
fn cli_shards_and_merge_equal_the_single_run() {
    let dir = mixed();
    let input = dir.path().as_os_str();
    let single = TempDir::new().unwrap();
    pipeline_cli(&[
        "run".as_ref(),
        "-q".as_ref(),
        "--input".as_ref(),
        input,
        "--output".as_ref(),
        single.path().as_os_str(),
    ]);
    let shards: Vec<TempDir> = (0..3).map(|_| TempDir::new().unwrap()).collect();
    for (i, out) in shards.iter().enumerate() {
        let shard = format!("{i}/3");
        pipeline_cli(&[
            "run".as_ref(),
            "-q".as_ref(),
            "--input".as_ref(),
            input,
            "--output".as_ref(),
            out.path().as_os_str(),
            "--shard".as_ref(),
            shard.as_ref(),
        ]);
        assert!(
            out.path()
                .join(pipeline::engine::manifest::MANIFEST)
                .is_file()
        );
    }
    let merged = TempDir::new().unwrap();
    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    args.extend(shards.iter().map(|d| d.path().as_os_str()));
    args.extend(["--output".as_ref(), merged.path().as_os_str()]);
    pipeline_cli(&args);
    assert_eq!(tree(merged.path()), tree(single.path()));

    // Two shards of three: refused, exit 2, nothing written.
    let partial = TempDir::new().unwrap();
    let out = pipeline()
        .arg("merge")
        .args(shards[..2].iter().map(|d| d.path()))
        .arg("--output")
        .arg(partial.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(tree(partial.path()).is_empty());
}

/// A streaming run with an optional schema file, published.
fn run_with_schema(input: &Path, out: &Path, schema: Option<&Path>) {
    let settings = Settings::new(schema).unwrap();
    let (c, staged) = engine::run(input, &settings, &options(Some(out), Selection::All)).unwrap();
    assert_eq!(c.errors(), 0, "{:?}", c.findings);
    staged.unwrap().publish().unwrap();
}

/// One unit of an output folder's places file, read as `src/engine/incremental/mod.rs`
/// documents the format: where its body is in the log (length, offset, XXH3-64), and where
/// that is in the places file.
struct PlacedUnit {
    len: u32,
    offset: u64,
    check: u64,
    /// Where the body's check is in the places file.
    check_at: usize,
}

/// The places file of an output folder: the name of its log and its units, in order.
fn places(out: &Path) -> (String, Vec<PlacedUnit>) {
    let bytes = fs::read(out.join(".cache/records.places")).unwrap();
    let header = b"pipeline-places/2\n";
    assert_eq!(&bytes[..header.len()], header);
    let mut at = header.len() + 16; // the run key
    let name = |at: &mut usize| {
        let len = u16::from_le_bytes([bytes[*at], bytes[*at + 1]]) as usize;
        let text = String::from_utf8(bytes[*at + 2..*at + 2 + len].to_vec()).unwrap();
        *at += 2 + len;
        text
    };
    let _generation = name(&mut at);
    at += 8; // where the record nodes start in records.jsonld
    let log = name(&mut at);
    let le = |range: std::ops::Range<usize>| -> u64 {
        let mut b = [0u8; 8];
        b[..range.len()].copy_from_slice(&bytes[range]);
        u64::from_le_bytes(b)
    };
    let mut units = Vec::new();
    while at < bytes.len() {
        let count = le(at + 16..at + 20) as usize;
        units.push(PlacedUnit {
            len: le(at + 20..at + 24) as u32,
            offset: le(at + 24..at + 32),
            check: le(at + 32..at + 40),
            check_at: at + 32,
        });
        at += 40 + 24 * count;
    }
    (log, units)
}

/// Replace `from` by `to` (of the same length) in every body of the incremental cache, with
/// the digests in the places made to match, so that the run takes the changed bodies.
fn tamper_pack(out: &Path, from: &str, to: &str) {
    let (log, units) = places(out);
    let log_path = out.join(".cache").join(log);
    let mut log = fs::read(&log_path).unwrap();
    let places_path = out.join(".cache/records.places");
    let mut places = fs::read(&places_path).unwrap();
    let mut found = false;
    for unit in &units {
        let range = unit.offset as usize..unit.offset as usize + unit.len as usize;
        let body = &mut log[range];
        assert_eq!(xxhash_rust::xxh3::xxh3_64(body), unit.check);
        found |= replace_all(body, from.as_bytes(), to.as_bytes());
        let check = xxhash_rust::xxh3::xxh3_64(body).to_le_bytes();
        places[unit.check_at..unit.check_at + 8].copy_from_slice(&check);
    }
    assert!(found, "`{from}` is not in the store");
    fs::write(&log_path, log).unwrap();
    fs::write(&places_path, places).unwrap();
}

#[test]
fn incremental_runs_equal_clean_runs_and_redo_what_changed() {
    let input = mixed();
    let p = input.path();
    let out = TempDir::new().unwrap();
    run_with_schema(p, out.path(), None);
    assert!(out.path().join(".cache/records.places").is_file());
    assert!(!out.path().join("dc/.cache").exists());
    // A second run over the cache writes the same bytes as a clean run.
    run_with_schema(p, out.path(), None);
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), None);
    assert_eq!(tree(out.path()), tree(clean.path()));

    // The cache is read: what it holds is what the next run writes (the agents of the
    // JSON-LD come from it; the exports are read back from the previous generation).
    tamper_pack(out.path(), "Zhou Enlai", "Zhou Enlax");
    run_with_schema(p, out.path(), None);
    let jsonld = fs::read_to_string(out.path().join("records.jsonld")).unwrap();
    assert!(jsonld.contains("Zhou Enlax"), "{jsonld}");
    let csv = fs::read_to_string(out.path().join("records.csv")).unwrap();
    assert!(csv.contains("Record b-1"), "{csv}");

    // An edited record is processed again (the others still come from the cache).
    let d = p.join("a/d-1.yaml");
    let text = fs::read_to_string(&d).unwrap();
    fs::write(
        &d,
        text.replace("title: Record d-1", "title: Record d-1, edited"),
    )
    .unwrap();
    run_with_schema(p, out.path(), None);
    let csv = fs::read_to_string(out.path().join("records.csv")).unwrap();
    assert!(csv.contains("Record d-1, edited"), "{csv}");
    let jsonld = fs::read_to_string(out.path().join("records.jsonld")).unwrap();
    assert!(jsonld.contains("Zhou Enlax"), "{jsonld}");
    let xml = fs::read_to_string(out.path().join("dc/d-1.xml")).unwrap();
    assert!(xml.contains("Record d-1, edited"), "{xml}");

    // Another schema invalidates every entry.
    let schema = TempDir::new().unwrap();
    let schema_path = schema.path().join("record.schema.json");
    let mut json: serde_json::Value =
        serde_json::from_str(pipeline::engine::catalogue::BUILTIN_RECORD_SCHEMA).unwrap();
    json["$comment"] = "a comment changes nothing but the schema's bytes".into();
    fs::write(&schema_path, json.to_string()).unwrap();
    run_with_schema(p, out.path(), Some(&schema_path));
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), Some(&schema_path));
    assert_eq!(tree(out.path()), tree(clean.path()));

    // So does another authority file.
    tamper_pack(out.path(), "Zhou Enlai", "Zhou Enlax");
    fs::write(
        p.join("_authorities.yaml"),
        "- {preferred: Zhou Enlai, kind: person, variants: [Chou En-lai]}\n",
    )
    .unwrap();
    run_with_schema(p, out.path(), Some(&schema_path));
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), Some(&schema_path));
    assert_eq!(tree(out.path()), tree(clean.path()));
}

/// In `mixed()` the stream's ids fall between the files' ids, so a run writes the files'
/// records and the stream's apart and merges them: the places kept in the cache must be
/// those in the merged outputs, for records of both kinds. A cached agent changed in the
/// pack shows that a record was taken from the cache; a wrong place would fail the digest
/// check and the record would be processed again (without the change).
#[test]
fn incremental_runs_find_both_files_and_stream_documents_after_a_merge() {
    let input = mixed();
    let p = input.path();
    fs::write(
        p.join("a/f-1.yaml"),
        record("f-1", "collections: [col]\ncreators: [Peng Dehuai]\n"),
    )
    .unwrap();
    let out = TempDir::new().unwrap();
    run_with_schema(p, out.path(), None);
    tamper_pack(out.path(), "Peng Dehuai", "Peng Dehuax"); // a file's record
    tamper_pack(out.path(), "Zhou Enlai", "Zhou Enlax"); // a stream document
    run_with_schema(p, out.path(), None);
    let jsonld = fs::read_to_string(out.path().join("records.jsonld")).unwrap();
    assert!(jsonld.contains("Peng Dehuax"), "{jsonld}");
    assert!(jsonld.contains("Zhou Enlax"), "{jsonld}");
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), None);
    let (got, want) = (tree(out.path()), tree(clean.path()));
    assert_eq!(got.len(), want.len());
    for ((name, a), (_, b)) in got.iter().zip(&want) {
        if name != "records.jsonld" {
            assert!(a == b, "{name} differs");
        }
    }
}

/// A cached unit whose exports in the previous generation were edited, truncated or removed
/// since is processed again: the cache never puts a byte into the outputs that a clean run
/// would not write.
#[test]
fn incremental_runs_check_the_previous_exports_they_reuse() {
    let input = mixed();
    let p = input.path();
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), None);
    let out = TempDir::new().unwrap();
    run_with_schema(p, out.path(), None);
    let current = out
        .path()
        .join(fs::read_link(out.path().join(".current")).unwrap());

    // A CSV row edited in place (same length), a JSON-LD node edited in place, a Dublin
    // Core file removed and another one emptied.
    let edit = |path: &Path, from: &str, to: &str| {
        let text = fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "`{from}` is not in {}", path.display());
        // Replace the file (not write through it): the generation's files may be linked.
        fs::remove_file(path).unwrap();
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    edit(&current.join("records.csv"), "Record f-1", "Record F-1");
    edit(&current.join("records.jsonld"), "Record e-1", "Record E-1");
    fs::remove_file(current.join("dc/a-1.xml")).unwrap();
    fs::remove_file(current.join("dc/b-1.xml")).unwrap();
    fs::write(current.join("dc/b-1.xml"), "").unwrap();

    run_with_schema(p, out.path(), None);
    assert_eq!(tree(out.path()), tree(clean.path()));
    // And the cache the repaired run wrote is whole again.
    run_with_schema(p, out.path(), None);
    assert_eq!(tree(out.path()), tree(clean.path()));
}

/// A pack left by a run whose generation is not the one in force (it was switched by hand,
/// or the pack was copied from another output folder) is not used.
#[test]
fn a_pack_of_another_generation_is_ignored() {
    let input = mixed();
    let p = input.path();
    let out = TempDir::new().unwrap();
    run_with_schema(p, out.path(), None);
    let first_pack = fs::read(out.path().join(".cache/records.places")).unwrap();
    run_with_schema(p, out.path(), None);
    // The first run's pack names a generation that has been removed since.
    fs::write(out.path().join(".cache/records.places"), &first_pack).unwrap();
    tamper_pack(out.path(), "Zhou Enlai", "Zhou Enlax");
    run_with_schema(p, out.path(), None);
    let jsonld = fs::read_to_string(out.path().join("records.jsonld")).unwrap();
    assert!(!jsonld.contains("Zhou Enlax"), "{jsonld}");
    let clean = TempDir::new().unwrap();
    run_with_schema(p, clean.path(), None);
    assert_eq!(tree(out.path()), tree(clean.path()));
}

/// Two records with one id both write `dc/<id>.xml` in the new generation. When the first
/// was linked from the previous generation (an unchanged record), the second must replace
/// the link, not write through it into the published file; the run then fails (X001) and
/// the published outputs are exactly as they were.
#[test]
fn a_repeated_id_does_not_write_through_into_the_published_files() {
    let input = mixed();
    let p = input.path();
    let out = TempDir::new().unwrap();
    run_with_schema(p, out.path(), None);
    let before = tree(out.path());
    let other = record("b-1", "").replace("Record b-1", "Another record");
    fs::write(
        p.join("more.yaml"),
        format!("---\n{other}---\n{}", record("g-1", "")),
    )
    .unwrap();
    let settings = Settings::new(None).unwrap();
    let options = options(Some(out.path()), Selection::All);
    for _ in 0..5 {
        let (c, staged) = engine::run(p, &settings, &options).unwrap();
        assert!(c.errors() > 0, "X001 expected");
        drop(staged); // not published
        assert_eq!(tree(out.path()), before);
    }
}

/// The bodies logs in an output folder's cache folder.
fn logs(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out.join(".cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bodies"))
        .collect();
    names.sort();
    names
}

/// Edit the title of record `id` (a file `<id>.yaml` of `dir`).
fn edit_title(dir: &Path, id: &str, to: &str) {
    let path = dir.join(format!("{id}.yaml"));
    let text = fs::read_to_string(&path).unwrap();
    let edited: String = text
        .lines()
        .map(|line| match line.starts_with("title: ") {
            true => format!("title: {to}\n"),
            false => format!("{line}\n"),
        })
        .collect();
    assert_ne!(text, edited);
    fs::write(&path, edited).unwrap();
}

/// The bodies log is appended to, never rewritten, while it holds more bodies in use than
/// garbage: a run over an unchanged catalogue, or with a report (which makes every body
/// again), appends nothing; one edit appends one body; a deleted record appends nothing. A
/// run that fails leaves it as it was. When more of it is garbage than bodies in use, the
/// next run writes a new log with only those, and deletes the old one. A damaged log is
/// never trusted. The exports are those of a clean run throughout.
#[test]
fn the_bodies_log_is_appended_to_and_compacted() {
    use std::os::unix::fs::MetadataExt;
    let input = TempDir::new().unwrap();
    let p = input.path();
    let n = 1000;
    for i in 0..n {
        let id = format!("r-{i:04}");
        fs::write(p.join(format!("{id}.yaml")), record(&id, "")).unwrap();
    }
    let out = TempDir::new().unwrap();
    let same_as_clean = |out: &Path| {
        let clean = TempDir::new().unwrap();
        run_with_schema(p, clean.path(), None);
        assert_eq!(tree(out), tree(clean.path()));
    };
    run_with_schema(p, out.path(), None);
    // The temporary files (a new log, the places before their rename) are gone once the run
    // is published: none is left in the generation or the cache folder.
    let leftovers: Vec<_> = walkdir::WalkDir::new(out.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".records-new-"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (log_name, units) = places(out.path());
    assert_eq!(logs(out.path()), std::slice::from_ref(&log_name));
    assert_eq!(units.len(), n);
    let log = out.path().join(".cache").join(&log_name);
    let before = fs::read(&log).unwrap();
    // The log is its header and the bodies, one after the other, in the run's order.
    let header = b"pipeline-bodies/1\n".len() as u64;
    let mut end = header;
    for u in &units {
        assert_eq!(u.offset, end);
        end += u64::from(u.len);
    }
    assert_eq!(end, before.len() as u64);
    let inode = fs::metadata(&log).unwrap().ino();

    // Nothing changed: nothing appended. The store of the previous version, and a log no
    // places file names (left by a run killed as it put its places in force), are deleted.
    fs::write(out.path().join(".cache/records.redb"), "old").unwrap();
    fs::write(out.path().join(".cache/records-stray.bodies"), "old").unwrap();
    run_with_schema(p, out.path(), None);
    assert_eq!(fs::read(&log).unwrap(), before);
    assert!(!out.path().join(".cache/records.redb").exists());
    assert_eq!(logs(out.path()), std::slice::from_ref(&log_name));
    // A run with a report makes every body again, finds each in the log, appends none.
    let settings = Settings::new(None).unwrap();
    let options = Options {
        report: true,
        ..options(Some(out.path()), Selection::All)
    };
    let (_, staged) = engine::run(p, &settings, &options).unwrap();
    staged.unwrap().publish().unwrap();
    assert_eq!(fs::read(&log).unwrap(), before);

    // One edit: one body appended, the rest of the log as it was (same file).
    edit_title(p, "r-0500", "Record r-0500, edited");
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    let after = fs::read(&log).unwrap();
    assert_eq!(fs::metadata(&log).unwrap().ino(), inode);
    assert_eq!(&after[..before.len()], before.as_slice());
    let (_, units) = places(out.path());
    let moved: Vec<_> = units
        .iter()
        .filter(|u| u.offset >= before.len() as u64)
        .collect();
    assert_eq!(moved.len(), 1, "one body appended");
    assert_eq!(
        moved[0].offset + u64::from(moved[0].len),
        after.len() as u64
    );

    // A record deleted: nothing appended, one unit fewer.
    fs::remove_file(p.join("r-0007.yaml")).unwrap();
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    assert_eq!(fs::read(&log).unwrap(), after);
    assert_eq!(places(out.path()).1.len(), n - 1);

    // A run that fails (a repeated id) after appending a new record's body: the log is cut
    // back to what it was.
    fs::write(p.join("new-1.yaml"), record("new-1", "")).unwrap();
    fs::write(p.join("r-0001.yaml.yaml"), record("r-0001", "")).unwrap();
    let (c, staged) = engine::run(p, &settings, &options).unwrap();
    assert!(c.errors() > 0, "X001 expected");
    drop(staged);
    assert_eq!(fs::read(&log).unwrap(), after);
    fs::remove_file(p.join("new-1.yaml")).unwrap();
    fs::remove_file(p.join("r-0001.yaml.yaml")).unwrap();

    // Every record edited: the log is now more garbage than bodies in use...
    for i in 0..n {
        if i != 7 {
            let id = format!("r-{i:04}");
            edit_title(p, &id, &format!("Record {id}, edited twice"));
        }
    }
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    assert_eq!(logs(out.path()), std::slice::from_ref(&log_name));
    // ...so the next run writes a new log with only the bodies in use.
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    let (new_name, units) = places(out.path());
    assert_ne!(new_name, log_name);
    assert_eq!(logs(out.path()), std::slice::from_ref(&new_name));
    let live: u64 = units.iter().map(|u| u64::from(u.len)).sum();
    let log = out.path().join(".cache").join(&new_name);
    assert_eq!(fs::metadata(&log).unwrap().len(), header + live);

    // A damaged log: every body fails its digest; the run is a clean one (it appends the
    // bodies again, rather than point at the damaged ones), and so is the next.
    let mut bytes = fs::read(&log).unwrap();
    for b in bytes.iter_mut().skip(header as usize) {
        *b ^= 0x5A;
    }
    fs::write(&log, &bytes).unwrap();
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    let (_, units) = places(out.path());
    assert!(units.iter().all(|u| u.offset >= bytes.len() as u64));
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
    // A log cut short: the same.
    let (name, _) = places(out.path());
    let log = out.path().join(".cache").join(&name);
    let len = fs::metadata(&log).unwrap().len();
    fs::File::options()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    run_with_schema(p, out.path(), None);
    same_as_clean(out.path());
}
