//! The `pipeline` program as a user runs it: exit codes, findings with file:line:col,
//! outputs written only for a valid catalogue, byte-identical across runs and thread counts.

use std::fs;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::{catalogue, pipeline, shipped_input, tree};

const GOOD: &str = "id: good\ntitle: A title\ndate: 1957-12-17\ntype: Cable\nsummary: A summary.\n";

#[test]
fn run_converts_the_shipped_collection() {
    let out = TempDir::new().unwrap();
    pipeline()
        .args(["run", "--output"])
        .arg(out.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "10 records read, 10 valid, 0 invalid, 10 written",
        ));
    let dc: Vec<_> = fs::read_dir(out.path().join("dc")).unwrap().collect();
    assert_eq!(dc.len(), 10);
    let csv = fs::read_to_string(out.path().join("records.csv")).unwrap();
    let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(rows, 10);
    let jsonld: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("records.jsonld")).unwrap()).unwrap();
    assert!(jsonld["@graph"].is_array());
}

#[test]
fn outputs_are_byte_identical_across_runs_and_thread_counts() {
    let runs: Vec<Vec<(String, Vec<u8>)>> = ["1", "2", "2", "8"]
        .iter()
        .map(|threads| {
            let out = TempDir::new().unwrap();
            pipeline()
                .args(["run", "-q", "--threads", threads, "--output"])
                .arg(out.path())
                .assert()
                .code(0);
            tree(out.path())
        })
        .collect();
    assert_eq!(runs[0].len(), 12);
    for run in &runs[1..] {
        assert!(run == &runs[0], "outputs differ between runs");
    }
}

/// `--no-sync` changes when the outputs reach the disk, never what they are.
#[test]
fn no_sync_writes_the_same_outputs() {
    let synced = TempDir::new().unwrap();
    let unsynced = TempDir::new().unwrap();
    for (out, extra) in [(&synced, None), (&unsynced, Some("--no-sync"))] {
        pipeline()
            .args(["run", "-q", "--output"])
            .arg(out.path())
            .args(extra)
            .assert()
            .code(0);
    }
    let synced = tree(synced.path());
    assert_eq!(synced.len(), 12);
    assert!(
        tree(unsynced.path()) == synced,
        "outputs differ with --no-sync"
    );
    pipeline()
        .args(["run", "--help"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("--no-sync"));
}

#[test]
fn validate_passes_the_shipped_collection() {
    pipeline()
        .arg("validate")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "10 records read, 10 valid, 0 invalid",
        ));
}

/// The three problems named in the "done when": each exits 1 and names file:line.
#[test]
fn validate_names_the_file_and_line_of_each_problem() {
    let dir = catalogue(&[
        (
            "no-title.yaml",
            "id: no-title\ndate: 1957\ntype: Cable\nsummary: S\n",
        ),
        (
            "typo.yaml",
            "id: typo\ntittle: T\ndate: 1957\ntype: Cable\nsummary: S\n",
        ),
        (
            "sub/bad-date.yaml",
            "id: bad-date\ntitle: T\ndate: February 30, 1957\ntype: Cable\nsummary: S\n",
        ),
    ]);
    let assert = pipeline().arg("validate").arg(dir.path()).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let root = dir.path().display().to_string();
    assert!(
        stderr.contains(&format!("{root}/no-title.yaml:1:1: error[S001]")),
        "{stderr}"
    );
    assert!(stderr.contains("`title`"), "{stderr}");
    assert!(
        stderr.contains(&format!("{root}/typo.yaml:2:1: error[S002]")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
    assert!(
        stderr.contains(&format!("{root}/sub/bad-date.yaml:3:7: error[D001]")),
        "{stderr}"
    );
    // Sorted by file, every finding with a help line.
    let files: Vec<&str> = stderr.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(files.len(), 3, "{stderr}");
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert_eq!(stderr.matches("\n  help: ").count(), 3, "{stderr}");
}

#[test]
fn an_invalid_catalogue_writes_nothing_and_keeps_the_previous_outputs() {
    let dir = catalogue(&[("good.yaml", GOOD)]);
    let out = TempDir::new().unwrap();
    pipeline()
        .args(["run", "-q", "--input"])
        .arg(dir.path())
        .arg("--output")
        .arg(out.path())
        .assert()
        .code(0);
    let before = tree(out.path());
    assert_eq!(before.len(), 3);

    fs::write(dir.path().join("bad.yaml"), "id: bad\ntitle: T\n").unwrap();
    pipeline()
        .args(["run", "--input"])
        .arg(dir.path())
        .arg("--output")
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("0 written"));
    assert_eq!(tree(out.path()), before);
}

#[test]
fn a_removed_record_disappears_from_the_outputs() {
    let dir = catalogue(&[
        ("good.yaml", GOOD),
        ("other.yaml", &GOOD.replace("id: good", "id: other")),
    ]);
    let out = TempDir::new().unwrap();
    let run = || {
        pipeline()
            .args(["run", "-q", "--input"])
            .arg(dir.path())
            .arg("--output")
            .arg(out.path())
            .assert()
            .code(0);
    };
    run();
    assert!(out.path().join("dc/other.xml").exists());
    fs::remove_file(dir.path().join("other.yaml")).unwrap();
    run();
    assert!(!out.path().join("dc/other.xml").exists());
    assert!(out.path().join("dc/good.xml").exists());
    // No temporary files are left behind.
    let names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(names[..2], [".cache", ".current"]);
    assert!(names[2].starts_with(".gen-"), "{names:?}");
    assert_eq!(
        names[3..],
        [".pipeline.lock", "dc", "records.csv", "records.jsonld"]
    );
}

#[test]
fn a_missing_input_folder_exits_2() {
    pipeline()
        .args(["run", "--input", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/folder"));
}

#[test]
fn an_unusable_schema_exits_2() {
    let dir = catalogue(&[("schema.json", "{ not json")]);
    pipeline()
        .args(["validate", "--schema"])
        .arg(dir.path().join("schema.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema.json"));
}

#[test]
fn bad_arguments_exit_2_and_help_exits_0() {
    pipeline().arg("--no-such-flag").assert().code(2);
    // A base IRI ids cannot be appended to, and a separator that is the escape character.
    pipeline()
        .args(["run", "--base-iri", "https://archive.example.net/id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must end with `/` or `#`"));
    pipeline()
        .args(["run", "--csv-separator", "\\"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("escape character"));
    pipeline()
        .args(["run", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes:"));
}

#[test]
fn validating_one_file_checks_its_references_against_the_whole_catalogue() {
    let dir = catalogue(&[
        (
            "a.yaml",
            format!("{}related: [b]\n", GOOD.replace("id: good", "id: a")).as_str(),
        ),
        ("b.yaml", &GOOD.replace("id: good", "id: b")),
        ("c.yaml", "id: c\n"),
    ]);
    // c.yaml is invalid, but only a.yaml is checked; its reference to b resolves.
    pipeline()
        .arg("validate")
        .arg(dir.path().join("a.yaml"))
        .arg("--input")
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 record read, 1 valid"));
    pipeline()
        .arg("validate")
        .arg(dir.path().join("c.yaml"))
        .arg("--input")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("c.yaml:1:1: error[S001]"));
}

#[test]
fn duplicate_ids_and_unresolved_references_fail() {
    let dir = catalogue(&[
        (
            "stream.yaml",
            format!(
                "{GOOD}---\n{}related: [nowhere]\ncollections: [none]\n",
                GOOD.replace("id: good", "id: second")
            )
            .as_str(),
        ),
        ("good.yaml", GOOD),
    ]);
    let assert = pipeline().arg("validate").arg(dir.path()).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("error[X001]"), "{stderr}");
    assert!(stderr.contains("error[X003]"), "{stderr}");
    assert!(stderr.contains("error[X004]"), "{stderr}");
    assert!(
        stderr.contains("stream.yaml:12:11: error[X003]"),
        "{stderr}"
    );
}

#[test]
fn the_shipped_input_folder_exists() {
    assert!(shipped_input().join("_collections.yaml").is_file());
}

#[test]
fn fix_shows_a_diff_then_applies_only_safe_changes() {
    let original = "# Keep this comment.\nid: x\ntitle:  'Cable,  Liu Shaoqi  to Mao'  # and this one\ndate: January 22, 1950\ntype: Cable\nsummary: >-\n  Folded   text\n  stays as it is.\n";
    let ambiguous = "id: y\ntitle: T\ndate: 03/04/1957\ntype: Cable\nsummary: S\n";
    let dir = catalogue(&[("x.yaml", original), ("y.yaml", ambiguous)]);
    let x = dir.path().join("x.yaml");

    let assert = pipeline()
        .args(["fix", "--diff"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("\n-date: January 22, 1950\n"), "{stdout}");
    assert!(
        stdout.contains("\n+date: {expression: \"January 22, 1950\", normal: 1950-01-22}\n"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(&x).unwrap(),
        original,
        "--diff writes nothing"
    );
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("y.yaml:3:7: error[D003]"), "{stderr}");

    pipeline().args(["fix"]).arg(dir.path()).assert().code(1);
    assert_eq!(
        fs::read_to_string(&x).unwrap(),
        "# Keep this comment.\nid: x\ntitle:  'Cable, Liu Shaoqi to Mao'  # and this one\ndate: {expression: \"January 22, 1950\", normal: 1950-01-22}\ntype: Cable\nsummary: >-\n  Folded   text\n  stays as it is.\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("y.yaml")).unwrap(),
        ambiguous
    );
    // Nothing is left to change in x.yaml.
    pipeline()
        .args(["fix", "--diff"])
        .arg(&x)
        .assert()
        .code(0)
        .stdout("");
}

/// A spelling outside the authority file that matches an entry under the
/// romanization-aware fingerprint (McCune-Reischauer `Pak` / common `Park`) is a warning
/// naming the entry, and the run still succeeds without --deny-warnings.
#[test]
fn a_spelling_close_to_an_authority_entry_is_a_warning() {
    let dir = catalogue(&[
        (
            "_authorities.yaml",
            "- preferred: Pak Deok-hwan\n  kind: person\n",
        ),
        (
            "good.yaml",
            &format!("{GOOD}people: [Park Deok-hwan, Pak Deok-hwan]\n"),
        ),
    ]);
    let assert = pipeline().arg("validate").arg(dir.path()).assert().code(0);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("good.yaml:6:10: warning[N001]: `Park Deok-hwan` is not in _authorities.yaml, but may be another spelling of `Pak Deok-hwan`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning[N001]").count(), 1, "{stderr}");
    pipeline()
        .args(["validate", "--deny-warnings"])
        .arg(dir.path())
        .assert()
        .code(1);
}

/// A file over `--max-file-bytes` is refused by `fix` (Y007) and left byte for byte as it
/// was: it is never read in part, fixed, and written back shortened.
#[test]
fn fix_refuses_a_file_over_the_limit_and_leaves_it_whole() {
    let text = "id: a-1\ntitle: Title\ndate: January 22, 1950\ntype: Cable\nsummary: |\n  One.\n"
        .to_string()
        + &"  A long summary line.\n".repeat(100);
    let dir = catalogue(&[("a-1.yaml", &text)]);
    let file = dir.path().join("a-1.yaml");
    pipeline()
        .args(["fix", "--max-file-bytes", "200", "--format", "concise"])
        .arg(&file)
        .assert()
        .stderr(predicate::str::contains("error[Y007]"));
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
    // Within the limit the same file is fixed (the date's EDTF is added beside it).
    pipeline().arg("fix").arg(&file).assert().code(0);
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("date: {expression: \"January 22, 1950\", normal: 1950-01-22}\n")
    );
}
