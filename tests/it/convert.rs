//! `pipeline convert` through the binary: the same rows and documents as `pipeline run`,
//! one record per line where promised, findings with the stream's line numbers, exit codes.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

use crate::support::{pipeline, shipped_input};

fn record(id: &str) -> String {
    format!(
        "id: {id}\ntitle: Record {id}\ndate: March 3, 1957\ntype: Cable\n\
         summary: |\n  About {id}.\n  Second line.\npeople: [Kim Il Sung]\nlanguages: [Korean, ru]\n"
    )
}

const IDS: [&str; 3] = ["a-1", "b-1", "c-1"];

/// `pipeline convert --from FROM --to TO` over `input`: exit code, stdout, stderr.
fn convert(from: &str, to: &str, input: &str) -> (i32, String, String) {
    let out = pipeline()
        .args(["convert", "--from", from, "--to", to])
        .write_stdin(input)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `pipeline run` over the records as files; the output folder.
fn run_folder() -> (TempDir, TempDir) {
    let input = TempDir::new().unwrap();
    for id in IDS {
        fs::write(input.path().join(format!("{id}.yaml")), record(id)).unwrap();
    }
    let output = TempDir::new().unwrap();
    pipeline()
        .args(["run", "-q", "--input"])
        .arg(input.path())
        .arg("--output")
        .arg(output.path())
        .assert()
        .code(0);
    (input, output)
}

fn stream() -> String {
    IDS.iter()
        .map(|id| format!("---\n{}", record(id)))
        .collect()
}

#[test]
fn csv_of_a_stream_equals_the_csv_of_a_run() {
    let (_input, output) = run_folder();
    let (code, csv, err) = convert("yaml-stream", "csv", &stream());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        csv,
        fs::read_to_string(output.path().join("records.csv")).unwrap()
    );
}

/// The run's document with its declaration and indentation removed.
fn one_line(dc: &Path) -> String {
    let text = fs::read_to_string(dc).unwrap();
    let body = text.split_once("?>\n").unwrap().1;
    body.trim_end().replace("\n  <", "<").replace(">\n<", "><")
}

#[test]
fn oai_dc_is_one_document_per_line_with_the_run_s_elements() {
    let (_input, output) = run_folder();
    let (code, text, err) = convert("yaml-stream", "oai-dc", &stream());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), IDS.len(), "{text}");
    for (line, id) in lines.iter().zip(IDS) {
        // The summary's line break is a character reference, so the record stays one line.
        assert!(
            line.contains(&format!("About {id}.&#10;Second line.")),
            "{line}"
        );
        let expected = one_line(&output.path().join(format!("dc/{id}.xml"))).replace(
            &format!("About {id}.\nSecond line."),
            &format!("About {id}.&#10;Second line."),
        );
        assert_eq!(*line, expected);
    }
}

#[test]
fn jsonl_round_trips_and_invalid_records_are_reported_by_stream_line() {
    let (code, jsonl, err) = convert("yaml-stream", "jsonl", &stream());
    assert_eq!(code, 0, "{err}");
    assert_eq!(jsonl.lines().count(), 3);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "a-1");
    assert_eq!(first["languages"][1], "ru");

    // Line 2 of the input is invalid (a date that does not exist), line 3 is blank.
    let mut lines: Vec<String> = jsonl.lines().map(str::to_string).collect();
    lines.insert(
        1,
        lines[0]
            .replace("March 3, 1957", "February 30, 1957")
            .replace("a-1", "a-2"),
    );
    lines.insert(2, String::new());
    let input = lines.join("\n") + "\n";
    let (code, out, err) = convert("jsonl", "jsonl", &input);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("<stdin>:2:"), "{err}");
    assert!(err.contains("error[D001]"), "{err}");
    assert_eq!(
        out, jsonl,
        "the invalid record is left out, the others pass through"
    );
}

#[test]
fn a_document_that_is_not_yaml_is_reported_and_the_stream_goes_on() {
    let input = format!("---\nid: [unclosed\n{}", stream());
    let (code, out, err) = convert("yaml-stream", "csv", &input);
    assert_eq!(code, 1);
    assert!(err.contains("error[Y003]"), "{err}");
    let rows = csv::Reader::from_reader(out.as_bytes()).records().count();
    assert_eq!(rows, IDS.len(), "{out}");
}

/// `pipeline ARGS` run in `dir` with `stdin`: exit code, stdout, stderr.
fn pipeline_in(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = pipeline()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A finding as (file, line, column, code, message), from any JSON form of it.
fn key(f: &serde_json::Value) -> (String, u64, u64, String, String) {
    (
        f["file"].as_str().unwrap().to_string(),
        f["line"].as_u64().unwrap_or(0),
        f["column"].as_u64().unwrap_or(0),
        f["code"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap().to_string(),
    )
}

/// A catalogue converted file by file (`convert --from paths`), with the checks across
/// records run afterwards over its outlines (`check-outlines`), gives exactly the findings
/// of `validate` over the whole folder: the per-record ones from `convert`, the rest from
/// `check-outlines`. The expected list was written by hand from what the records hold.
#[test]
fn convert_and_check_outlines_find_what_validate_finds() {
    let dir = TempDir::new().unwrap();
    let cat = dir.path().join("cat");
    fs::create_dir_all(cat.join("sub")).unwrap();
    fs::write(
        cat.join("_collections.yaml"),
        "c:\n  title: C\n  description: D\n",
    )
    .unwrap();
    fs::write(
        cat.join("_authorities.yaml"),
        "- preferred: Kim Il Sung\n  variants: [Kim Il-sung]\n",
    )
    .unwrap();
    fs::write(cat.join("a-1.yaml"), record("a-1") + "collections: [c]\n").unwrap();
    // The same id again, in a file named otherwise (X001 twice, X002).
    fs::write(cat.join("sub/dup.yaml"), record("a-1")).unwrap();
    // A dangling `related` (X003), an undescribed collection (X004), and one name written
    // two ways that romanize alike (N001, on the second spelling's place). `record` is nine
    // lines, so these are lines 10 to 12.
    fs::write(
        cat.join("sub/x-1.yaml"),
        record("x-1")
            + "creators: [Pak Den Ai, Park Den Ai]\nrelated: [nope-1]\ncollections: [nope]\n",
    )
    .unwrap();
    // A date that does not exist (D001): a finding of the record itself.
    fs::write(
        cat.join("sub/y-1.yaml"),
        record("y-1").replace("March 3, 1957", "February 30, 1957"),
    )
    .unwrap();

    let (code, json, err) = pipeline_in(
        dir.path(),
        &["validate", "--input", "cat", "--format", "json", "-q"],
        "",
    );
    assert_eq!(code, 1, "{err}");
    let validate: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut expected: Vec<_> = validate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    expected.sort();

    let paths = "cat/a-1.yaml\ncat/sub/dup.yaml\ncat/sub/x-1.yaml\ncat/sub/y-1.yaml\n";
    let (code, _, err) = pipeline_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "paths",
            "--to",
            "csv",
            "--authorities",
            "cat/_authorities.yaml",
            "--findings",
            "json",
            "--outlines",
            "part.outlines",
            "-q",
        ],
        paths,
    );
    assert_eq!(code, 1, "{err}");
    let (code, json, cerr) = pipeline_in(
        dir.path(),
        &[
            "check-outlines",
            "--collections",
            "cat/_collections.yaml",
            "--authorities",
            "cat/_authorities.yaml",
            "--format",
            "json",
            "-q",
            "part.outlines",
        ],
        "",
    );
    assert_eq!(code, 1, "{cerr}");
    let checked: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut split: Vec<_> = checked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    split.extend(err.lines().map(|l| key(&serde_json::from_str(l).unwrap())));
    split.sort();
    assert_eq!(split, expected);

    let codes: Vec<(&str, u64, &str)> = expected
        .iter()
        .map(|(f, l, _, c, _)| (f.as_str(), *l, c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("cat/a-1.yaml", 1, "X001"),
            ("cat/sub/dup.yaml", 1, "X001"),
            ("cat/sub/dup.yaml", 1, "X002"),
            ("cat/sub/x-1.yaml", 10, "N001"),
            ("cat/sub/x-1.yaml", 11, "X003"),
            ("cat/sub/x-1.yaml", 12, "X004"),
            ("cat/sub/y-1.yaml", 3, "D001"),
        ]
    );
}

/// Records are processed in batches on every thread, yet the output and the findings come
/// in input order: a stream longer than several batches gives the same bytes on 1 and 2
/// threads, and the outlines too.
#[test]
fn convert_output_is_in_input_order_whatever_the_threads() {
    let dir = TempDir::new().unwrap();
    let mut input = String::new();
    for i in 0..1300 {
        let id = format!("r-{i:05}");
        let mut text = record(&id);
        if i % 97 == 0 {
            text = text.replace("March 3, 1957", "03/04/1957");
        }
        input.push_str("---\n");
        input.push_str(&text);
    }
    let run = |threads: &str, outlines: &str| {
        pipeline_in(
            dir.path(),
            &[
                "convert",
                "--from",
                "yaml-stream",
                "--to",
                "csv",
                "-j",
                threads,
                "--outlines",
                outlines,
                "-q",
            ],
            &input,
        )
    };
    let (code1, out1, err1) = run("1", "one.outlines");
    let (code2, out2, err2) = run("2", "two.outlines");
    assert_eq!((code1, code2), (1, 1), "{err1}");
    assert_eq!(out1, out2);
    assert_eq!(err1, err2);
    assert_eq!(err1.matches("error[D003]").count(), 14, "{err1}");
    let ids: Vec<String> = csv::Reader::from_reader(out1.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(ids.len(), 1300 - 14, "the valid rows");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "input order");
    assert_eq!(
        fs::read(dir.path().join("one.outlines")).unwrap(),
        fs::read(dir.path().join("two.outlines")).unwrap()
    );
}

/// `--authorities` gives names their preferred form, and `--stdin-name` names the stream
/// in findings.
#[test]
fn convert_reads_the_authority_file_and_names_the_stream() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("auth.yaml"),
        "- preferred: Kim Il Sung\n  dates: 1912-1994\n  variants: [Kim Il-sung]\n",
    )
    .unwrap();
    let input = record("a-1").replace("[Kim Il Sung]", "[Kim Il-sung]")
        + "---\n"
        + &record("b-1").replace("March 3, 1957", "February 30, 1957");
    let args = ["convert", "--from", "yaml-stream", "--to", "csv", "-q"];
    let (_, plain, _) = pipeline_in(dir.path(), &args, &input);
    let with: Vec<&str> = args
        .iter()
        .copied()
        .chain([
            "--authorities",
            "auth.yaml",
            "--stdin-name",
            "part-0007.yaml",
        ])
        .collect();
    let (code, csv, err) = pipeline_in(dir.path(), &with, &input);
    assert_eq!(code, 1, "{err}");
    assert!(csv.contains("Kim, Il Sung, 1912-1994"), "{csv}");
    assert!(!plain.contains("1912-1994"), "{plain}");
    assert!(err.starts_with("part-0007.yaml:"), "{err}");
    assert!(err.contains("error[D001]"), "{err}");
}

/// The file as a `--from files-jsonl` line: its name (relative to `root`'s parent, as
/// `validate --input root` names it) and its text.
fn named_line(root: &Path, file: &Path) -> String {
    let name = file.strip_prefix(root.parent().unwrap()).unwrap();
    serde_json::json!({"file": name, "text": fs::read_to_string(file).unwrap()}).to_string() + "\n"
}

/// The shipped collection split into three parts, each converted to a shard folder from
/// `{"file", "text"}` lines (as a cluster job reads files), then merged: the same bytes as
/// `pipeline run` over the folder, in every export. Agents are mentioned in several parts,
/// so their nodes must be merged as a single run builds them.
#[test]
fn parts_converted_to_shards_merge_into_the_exports_of_a_run() {
    let dir = TempDir::new().unwrap();
    let cat = dir.path().join("input");
    fs::create_dir_all(&cat).unwrap();
    let shipped = shipped_input();
    let mut files = Vec::new();
    for entry in fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, cat.join(path.file_name().unwrap())).unwrap();
        if !path.file_name().unwrap().to_string_lossy().starts_with('_') {
            files.push(cat.join(path.file_name().unwrap()));
        }
    }
    files.sort();
    assert_eq!(files.len(), 10);
    let (code, _, err) = pipeline_in(
        dir.path(),
        &["run", "-q", "--input", "input", "--output", "single"],
        "",
    );
    assert_eq!(code, 0, "{err}");

    // Parts of 4, 3 and 3 files, not in id order within a part.
    for (i, part) in [&files[0..4], &files[4..7], &files[7..10]]
        .iter()
        .enumerate()
    {
        let lines: String = part.iter().rev().map(|f| named_line(&cat, f)).collect();
        let out = format!("shards/part-{i}");
        let part_arg = format!("{i}/3");
        let (code, stdout, err) = pipeline_in(
            dir.path(),
            &[
                "convert",
                "--from",
                "files-jsonl",
                "--to",
                "shard",
                "--output",
                &out,
                "--part",
                &part_arg,
                "--authorities",
                "input/_authorities.yaml",
                "--collections",
                "input/_collections.yaml",
                "-q",
            ],
            &lines,
        );
        assert_eq!(code, 0, "{err}");
        assert!(stdout.is_empty());
    }
    let (code, _, err) = pipeline_in(
        dir.path(),
        &[
            "merge",
            "shards/part-0",
            "shards/part-1",
            "shards/part-2",
            "--output",
            "merged",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    for name in ["records.csv", "records.jsonld"] {
        assert_eq!(
            fs::read_to_string(dir.path().join("merged").join(name)).unwrap(),
            fs::read_to_string(dir.path().join("single").join(name)).unwrap(),
            "{name}"
        );
    }
    for file in &files {
        let id = file.file_stem().unwrap().to_string_lossy();
        assert_eq!(
            fs::read(dir.path().join(format!("merged/dc/{id}.xml"))).unwrap(),
            fs::read(dir.path().join(format!("single/dc/{id}.xml"))).unwrap(),
            "{id}"
        );
    }
}

/// A `files-jsonl` line names its file in findings, with the file's own lines.
#[test]
fn files_jsonl_findings_name_the_file() {
    let dir = TempDir::new().unwrap();
    let text = record("a-1").replace("March 3, 1957", "February 30, 1957");
    let line = serde_json::json!({"file": "cat/letters/a-1.yaml", "text": text}).to_string();
    let (code, out, err) = pipeline_in(
        dir.path(),
        &["convert", "--from", "files-jsonl", "--to", "jsonl", "-q"],
        &format!("{line}\n"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with("cat/letters/a-1.yaml:3:7: error[D001]"),
        "{err}"
    );
    let (code, _, err) = pipeline_in(
        dir.path(),
        &["convert", "--from", "files-jsonl", "--to", "jsonl", "-q"],
        "{\"name\": 1}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 1 of the input"), "{err}");
}

/// A line of `files-jsonl` that is not a file stops the conversion (exit 2) at that line,
/// once every record before it is written, and nothing after it is read: the output does
/// not depend on where a batch ends.
#[test]
fn files_jsonl_stops_at_a_line_that_is_not_a_file_after_the_records_before_it() {
    let dir = TempDir::new().unwrap();
    let line = |id: &str| {
        serde_json::json!({"file": format!("cat/{id}.yaml"), "text": record(id)}).to_string()
    };
    let input = format!(
        "{}\n\n{}\n{{\"file\": 1}}\n{}\n",
        line("a-1"),
        line("b-1"),
        line("c-1")
    );
    let (code, out, err) = pipeline_in(
        dir.path(),
        &["convert", "--from", "files-jsonl", "--to", "jsonl", "-q"],
        &input,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 4 of the input"), "{err}");
    let ids: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids, ["\"a-1\"", "\"b-1\""]);
}

/// A file's bytes given as base64 are read as the file itself would be: bytes that are not
/// UTF-8 are the same finding (Y002) at the same place as `validate` gives.
#[test]
fn files_jsonl_base64_keeps_the_bytes() {
    let dir = TempDir::new().unwrap();
    fs::create_dir_all(dir.path().join("cat")).unwrap();
    let mut bytes = record("a-1").into_bytes();
    bytes.extend_from_slice(b"rights: caf\xe9\n");
    fs::write(dir.path().join("cat/a-1.yaml"), &bytes).unwrap();
    let (code, _, validate) = pipeline_in(
        dir.path(),
        &["validate", "--input", "cat", "--format", "concise", "-q"],
        "",
    );
    assert_eq!(code, 1);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let line = serde_json::json!({"file": "cat/a-1.yaml", "base64": b64}).to_string();
    let (code, _, err) = pipeline_in(
        dir.path(),
        &["convert", "--from", "files-jsonl", "--to", "csv", "-q"],
        &format!("{line}\n"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[Y002]"), "{err}");
    assert_eq!(err, validate);
}

/// `pipeline files` lists the record files as `validate` finds them (named from the
/// `--input` as given, hidden and `_` entries skipped, links followed only inside) and
/// reports, without listing or reading them, a link out of the catalogue (Y009, also for
/// `_authorities.yaml`) and a FIFO (Y001).
#[cfg(unix)]
#[test]
fn files_lists_what_validate_reads_and_reports_what_it_refuses() {
    let dir = TempDir::new().unwrap();
    let cat = dir.path().join("cat");
    fs::create_dir_all(cat.join("b/_drafts")).unwrap();
    fs::write(cat.join("a-1.yaml"), record("a-1")).unwrap();
    fs::write(cat.join("b/b-1.yml"), record("b-1")).unwrap();
    fs::write(cat.join("b/_drafts/c-1.yaml"), record("c-1")).unwrap();
    fs::write(cat.join(".hidden.yaml"), record("d-1")).unwrap();
    fs::write(cat.join("notes.txt"), "not a record").unwrap();
    std::os::unix::fs::symlink("../a-1.yaml", cat.join("b/alias.yaml")).unwrap();
    fs::write(dir.path().join("secret.yaml"), "id: MARKER-91c2\n").unwrap();
    std::os::unix::fs::symlink("../secret.yaml", cat.join("leak.yaml")).unwrap();
    std::os::unix::fs::symlink("../secret.yaml", cat.join("_authorities.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(cat.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(fifo.success());

    let (code, out, err) = pipeline_in(dir.path(), &["files", "--input", "cat"], "");
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "cat/a-1.yaml\ncat/b/alias.yaml\ncat/b/b-1.yml\n");
    let refused: Vec<&str> = err.lines().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(refused.len(), 3, "{err}");
    assert!(
        refused[0].starts_with("cat/_authorities.yaml: error[Y009]"),
        "{err}"
    );
    assert!(
        refused[1].starts_with("cat/leak.yaml: error[Y009]"),
        "{err}"
    );
    assert!(
        refused[2].starts_with("cat/pipe.yaml: error[Y001]"),
        "{err}"
    );
    assert!(!err.contains("MARKER") && !out.contains("MARKER"));

    // validate reads exactly the listed files (a-1 twice: once through the link, so its
    // id is used twice) and reports the same refusals.
    let (_, _, verr) = pipeline_in(
        dir.path(),
        &["validate", "--input", "cat", "--format", "concise"],
        "",
    );
    assert!(verr.contains("3 records read"), "{verr}");
    for line in refused {
        assert!(verr.contains(line), "{line} not in {verr}");
    }
    let (code, out, _) = pipeline_in(dir.path(), &["files", "--input", "cat", "-0"], "");
    assert_eq!(code, 1);
    assert_eq!(out, "cat/a-1.yaml\0cat/b/alias.yaml\0cat/b/b-1.yml\0");
}

/// A stream file whose middle document is invalid: each valid record is written from its
/// own document, and each document's outline lists its own agents, the invalid one's too
/// (its names are still checked: issue #23; records and documents are paired by position,
/// not by searching).
#[test]
fn a_stream_file_pairs_records_with_their_own_documents() {
    let dir = TempDir::new().unwrap();
    let bad = record("b-1").replace("March 3, 1957", "February 30, 1957");
    let text = format!("---\n{}---\n{bad}---\n{}", record("a-1"), record("c-1"));
    fs::write(dir.path().join("s.yaml"), text).unwrap();
    let (code, out, err) = pipeline_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "paths",
            "--to",
            "jsonl",
            "--outlines",
            "o.outlines",
            "-q",
        ],
        "s.yaml\n",
    );
    assert_eq!(code, 1, "{err}");
    let ids: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids, ["\"a-1\"", "\"c-1\""]);
    let outlines = fs::read_to_string(dir.path().join("o.outlines")).unwrap();
    let agents: Vec<(String, usize)> = outlines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"]["id"].to_string(),
                v["agents"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        agents,
        [
            ("\"a-1\"".to_string(), 1),
            ("\"b-1\"".to_string(), 1),
            ("\"c-1\"".to_string(), 1)
        ]
    );
}

/// The outlines file is put in place only when the conversion succeeded: a refused run
/// leaves the previous file whole (it was truncated before the arguments were checked), and
/// a successful one leaves no temporary file beside it.
#[test]
fn the_outlines_file_is_replaced_only_by_a_conversion_that_succeeded() {
    let dir = tempfile::TempDir::new().unwrap();
    let previous = "{\"v\":1,\"file\":\"a.yaml\",\"in_stream\":false,\"id\":null,\"related\":[],\"collections\":[],\"agents\":[]}\n";
    std::fs::write(dir.path().join("part.outlines"), previous).unwrap();
    let (code, _, stderr) = pipeline_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "yaml-stream",
            "--to",
            "shard",
            "--outlines",
            "part.outlines",
        ],
        &record("a-1"),
    );
    assert_eq!(code, 2, "{stderr}");
    let kept = std::fs::read_to_string(dir.path().join("part.outlines")).unwrap();
    assert_eq!(kept, previous);
    let (code, _, stderr) = pipeline_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "yaml-stream",
            "--to",
            "jsonl",
            "--outlines",
            "part.outlines",
        ],
        &record("a-1"),
    );
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("part.outlines")).unwrap();
    assert!(written.contains("\"a-1\""), "{written}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["part.outlines"]);
}

/// A document longer than `--max-file-bytes` is refused as `validate` refuses it in a stream
/// file (same code, line and message), without being held in memory; the documents around
/// it are written. The same for a JSON line.
#[test]
fn a_document_over_the_size_limit_is_refused_as_validate_refuses_it() {
    let long = format!("{}notes: {}\n", record("b-1"), "x".repeat(5000));
    let text = format!("---\n{}---\n{long}---\n{}", record("a-1"), record("c-1"));
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("stream.yaml"), &text).unwrap();
    let validated = pipeline()
        .args([
            "validate",
            "--format",
            "concise",
            "--max-file-bytes",
            "1000",
            "--input",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let validated = String::from_utf8(validated.stderr).unwrap();
    let finding = validated
        .lines()
        .find(|l| l.contains("more than the limit"))
        .unwrap_or_else(|| panic!("{validated}"));
    // `FILE:LINE:COL: message`: the stream's second document begins on line 11 (its `---`).
    assert_eq!(finding.split(':').nth(1), Some("11"), "{finding}");
    let expected = finding.split_once(": ").unwrap().1;
    assert!(expected.contains("document 2 is"), "{expected}");
    let convert = [
        "convert",
        "--to",
        "jsonl",
        "--max-file-bytes",
        "1000",
        "--from",
    ];
    let (code, stdout, stderr) = pipeline_in(
        dir.path(),
        &[&convert[..], &["yaml-stream"]].concat(),
        &text,
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("<stdin>:11:1: {expected}")),
        "{stderr}"
    );
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids, ["\"a-1\"", "\"c-1\""]);

    // One JSON line over the limit: refused, the lines around it written.
    let json = |id: &str, pad: usize| {
        format!(
            "{{\"id\":\"{id}\",\"title\":\"Record {id}\",\"date\":\"1957\",\"type\":\"Cable\",\
             \"summary\":\"{}\",\"languages\":[\"Korean\"]}}\n",
            "y".repeat(pad)
        )
    };
    let lines = format!("{}{}{}", json("a-1", 1), json("b-1", 5000), json("c-1", 1));
    let (code, stdout, stderr) =
        pipeline_in(dir.path(), &[&convert[..], &["jsonl"]].concat(), &lines);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("<stdin>:2:1: error[Y007]: document 2 is 5"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 2);
}

/// `files-jsonl`: a file over `--max-file-bytes` is refused by name (Y007) and the others
/// converted; a line too long to hold any file of that size (escaped as JSON) is not held:
/// the conversion stops there, naming the line, after the records before it.
#[test]
fn files_jsonl_holds_a_line_to_the_size_limit() {
    let line =
        |file: &str, text: &str| format!("{}\n", serde_json::json!({ "file": file, "text": text }));
    let input = [
        line("a-1.yaml", &record("a-1")),
        line("big.yaml", &"x".repeat(20_000)),
        line("c-1.yaml", &record("c-1")),
    ]
    .concat();
    let dir = TempDir::new().unwrap();
    let run = |limit: &str| {
        let args = [
            "convert",
            "--from",
            "files-jsonl",
            "--to",
            "jsonl",
            "--max-file-bytes",
        ];
        pipeline_in(dir.path(), &[&args[..], &[limit]].concat(), &input)
    };
    // 20,000 bytes of text is a JSON line that a 5,000-byte file could take (escaped).
    let (code, stdout, stderr) = run("5000");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "big.yaml: error[Y007]: the file is 20000 bytes, more than the limit of 5000 bytes"
        ),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    // Not one a 1,000-byte file could: the line is not read.
    let (code, stdout, stderr) = run("1000");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("line 2 of the input is not {\"file\": ..., \"text\" or \"base64\": ...}: the line is 20030 bytes"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

/// `--max-errors N` writes the first N findings, counts every one, and says how many were
/// left out: 3 documents of 2 unknown fields each are 6 errors, 2 written.
#[test]
fn max_errors_caps_the_findings_written_but_not_the_count() {
    let doc = |id: &str| {
        format!(
            "{{\"id\":\"{id}\",\"title\":\"T\",\"date\":\"1950\",\"type\":\"Cable\",\"summary\":\"S\",\"x1\":1,\"x2\":2}}\n"
        )
    };
    let input = [doc("a"), doc("b"), doc("c")].concat();
    let out = pipeline()
        .args([
            "convert",
            "--from",
            "jsonl",
            "--to",
            "jsonl",
            "--max-errors",
            "2",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[S002]").count(), 2, "{stderr}");
    // The first two in input order: both of the first document's.
    assert_eq!(stderr.matches("`x1` is not a field").count(), 1, "{stderr}");
    assert!(stderr.contains("... and 4 more findings"), "{stderr}");
    assert!(stderr.contains("6 errors"), "{stderr}");
}

/// A document of 150 unknown fields writes the first 100 (the bound of a document, README
/// Security), the last saying 50 more, and counts all 150.
#[test]
fn a_document_of_many_unknown_fields_writes_a_hundred_and_counts_every_one() {
    let extra: String = (0..150).map(|i| format!(",\"x{i}\":1")).collect();
    let input = format!(
        "{{\"id\":\"a\",\"title\":\"T\",\"date\":\"1950\",\"type\":\"Cable\",\"summary\":\"S\"{extra}}}\n"
    );
    let out = pipeline()
        .args(["convert", "--from", "jsonl", "--to", "jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[S002]").count(), 100, "{stderr}");
    assert_eq!(
        stderr
            .matches("and 50 more unknown fields in this document, not listed")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("150 errors"), "{stderr}");
}
