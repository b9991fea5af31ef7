//! Writing where it must not, and wrong exits and leaks (issue 24): each test builds the
//! attack of the issue in a temporary folder, runs the binary as a user would, and checks
//! that nothing outside what the tool wrote was removed, replaced, written through or
//! printed. Every test here failed before its fix; the expectations come from the issue's
//! description of each attack and the README's "Security" section.

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use tempfile::TempDir;

use crate::support;

/// A small valid record with id `id`.
fn record(id: &str) -> String {
    format!("id: {id}\ntitle: Title of {id}\ndate: 1957-12-17\ntype: Cable\nsummary: Summary.\n")
}

/// The binary run in `dir`, killed after two minutes so that a hang fails the test.
fn pipeline_in(dir: &Path) -> Command {
    let mut cmd = support::pipeline();
    cmd.current_dir(dir).timeout(Duration::from_secs(120));
    cmd
}

/// Exit code and standard error of a run of `cmd`.
fn outcome(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `run --output nothere/../input`: the output names the catalogue through a folder that
/// does not exist. It used to pass the overlap check and replace the catalogue's `dc/`.
#[test]
fn an_output_folder_that_walks_back_into_the_input_is_refused() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("input");
    fs::create_dir_all(input.join("dc")).unwrap();
    fs::write(input.join("dc/a.yaml"), record("a")).unwrap();
    let (code, stderr) = outcome(pipeline_in(dir.path()).args([
        "run",
        "--input",
        "input",
        "--output",
        "nothere/../input",
    ]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("overlap"), "{stderr}");
    assert_eq!(
        fs::read_to_string(input.join("dc/a.yaml")).unwrap(),
        record("a")
    );
    assert!(!input.join(".current").exists());
}

/// An existing folder that no run wrote (no lock file): its `dc/` and `records.csv` are the
/// user's. They used to be deleted without a message.
#[test]
fn an_existing_folder_no_run_wrote_is_refused_and_kept() {
    let dir = TempDir::new().unwrap();
    let input = support::catalogue(&[("a.yaml", record("a"))]);
    let output = dir.path().join("mine");
    fs::create_dir_all(output.join("dc")).unwrap();
    fs::write(output.join("dc/thesis.xml"), "mine").unwrap();
    fs::write(output.join("records.csv"), "mine").unwrap();
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args(["run", "--input"])
            .arg(input.path())
            .arg("--output")
            .arg(&output),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("no earlier pipeline run wrote it"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(output.join("dc/thesis.xml")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(output.join("records.csv")).unwrap(),
        "mine"
    );
    assert!(!output.join(".pipeline.lock").exists());
}

/// A run's output folder where the user later put a real `records.csv` and a report name
/// of their own: both are refused, not replaced.
#[test]
fn a_file_of_the_user_at_an_output_path_is_refused_and_kept() {
    let dir = TempDir::new().unwrap();
    let input = support::catalogue(&[("a.yaml", record("a"))]);
    let output = dir.path().join("out");
    let run = |extra: &[&str]| {
        outcome(
            pipeline_in(dir.path())
                .args(["run", "-q", "--input"])
                .arg(input.path())
                .arg("--output")
                .arg(&output)
                .args(extra),
        )
    };
    assert_eq!(run(&[]).0, Some(0));
    fs::write(output.join("notes.html"), "mine").unwrap();
    let (code, stderr) = run(&["--report", "notes.html"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("notes.html"), "{stderr}");
    assert_eq!(
        fs::read_to_string(output.join("notes.html")).unwrap(),
        "mine"
    );
    fs::remove_file(output.join("records.csv")).unwrap();
    fs::write(output.join("records.csv"), "mine").unwrap();
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("records.csv"), "{stderr}");
    assert_eq!(
        fs::read_to_string(output.join("records.csv")).unwrap(),
        "mine"
    );
}

/// A `.cache` link planted in an output folder: the incremental cache would be written
/// through it, and old logs removed from where it leads.
#[cfg(unix)]
#[test]
fn a_cache_link_planted_in_the_output_folder_is_not_written_through() {
    let dir = TempDir::new().unwrap();
    let input = support::catalogue(&[("a.yaml", record("a"))]);
    let output = dir.path().join("out");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("precious.bodies"), "keep").unwrap();
    let run = || {
        outcome(
            pipeline_in(dir.path())
                .args(["run", "-q", "--input"])
                .arg(input.path())
                .arg("--output")
                .arg(&output),
        )
    };
    assert_eq!(run().0, Some(0));
    fs::remove_dir_all(output.join(".cache")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, output.join(".cache")).unwrap();
    let (code, stderr) = run();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(".cache"), "{stderr}");
    let names: Vec<_> = fs::read_dir(&elsewhere)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["precious.bodies"]);
    assert_eq!(
        fs::read_to_string(elsewhere.join("precious.bodies")).unwrap(),
        "keep"
    );
}

/// `validate --report FILE` and `convert --outlines FILE` at a character device write
/// through it and leave it in place. A link to `/dev/null` stands for the device: the old
/// code renamed a new file over the name (the link), which would have been `/dev/null`
/// itself.
#[cfg(unix)]
#[test]
fn reports_and_outlines_at_a_character_device_are_written_through_not_replaced() {
    let dir = TempDir::new().unwrap();
    let cat = support::catalogue(&[("a.yaml", record("a"))]);
    for name in ["page.html", "page.json", "o.outlines"] {
        std::os::unix::fs::symlink("/dev/null", dir.path().join(name)).unwrap();
    }
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args(["validate", "-q", "--report", "page.html"])
            .arg(cat.path()),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args([
                "convert",
                "-q",
                "--from",
                "yaml-stream",
                "--to",
                "jsonl",
                "--outlines",
                "o.outlines",
            ])
            .write_stdin(record("a")),
    );
    assert_eq!(code, Some(0), "{stderr}");
    for name in ["page.html", "page.json", "o.outlines"] {
        let meta = fs::symlink_metadata(dir.path().join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name} was replaced");
    }
}

/// The same options at a FIFO no one reads (a reader may never come) are refused at once,
/// and the FIFO stays.
#[cfg(unix)]
#[test]
fn reports_and_outlines_at_a_fifo_no_one_reads_are_refused_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new().unwrap();
    let cat = support::catalogue(&[("a.yaml", record("a"))]);
    for name in ["page.html", "o.outlines"] {
        use rustix::fs::{CWD, FileType, Mode};
        rustix::fs::mknodat(
            CWD,
            dir.path().join(name),
            FileType::Fifo,
            Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
    }
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args(["validate", "-q", "--report", "page.html"])
            .arg(cat.path()),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("page.html"), "{stderr}");
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args([
                "convert",
                "-q",
                "--from",
                "yaml-stream",
                "--to",
                "jsonl",
                "--outlines",
                "o.outlines",
            ])
            .write_stdin(record("a")),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("o.outlines"), "{stderr}");
    for name in ["page.html", "o.outlines"] {
        let meta = fs::symlink_metadata(dir.path().join(name)).unwrap();
        assert!(meta.file_type().is_fifo(), "{name} was replaced");
    }
}

/// Two shards of a small catalogue written by `run --shard I/2`, in `dir/shard-I`.
fn two_shards(dir: &Path) -> Vec<std::path::PathBuf> {
    let input = dir.join("input");
    fs::create_dir_all(&input).unwrap();
    for id in ["a", "b", "c", "d"] {
        fs::write(input.join(format!("{id}.yaml")), record(id)).unwrap();
    }
    (0..2)
        .map(|i| {
            let out = dir.join(format!("shard-{i}"));
            let (code, stderr) = outcome(
                pipeline_in(dir)
                    .args(["run", "-q", "--input", "input", "--output"])
                    .arg(&out)
                    .args(["--shard", &format!("{i}/2")]),
            );
            assert_eq!(code, Some(0), "{stderr}");
            out
        })
        .collect()
}

/// `merge` of shards into `dir/merged`: exit code and standard error.
fn merge(dir: &Path, shards: &[std::path::PathBuf]) -> (Option<i32>, String) {
    outcome(
        pipeline_in(dir)
            .arg("merge")
            .args(shards)
            .args(["--output", "merged"]),
    )
}

/// A link planted among a shard's Dublin Core files was published by `merge` (hard-linked
/// as a link, or copied through it): refused, and nothing is published.
#[cfg(unix)]
#[test]
fn merge_refuses_a_link_planted_in_a_shard_s_dc_folder() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
    let shards = two_shards(dir.path());
    let dc = fs::canonicalize(shards[0].join("dc")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), dc.join("zz.xml")).unwrap();
    let (code, stderr) = merge(dir.path(), &shards);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("zz.xml"), "{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert!(!dir.path().join("merged/dc").exists());
}

/// A shard's `dc` replaced by a link to a folder outside it: its files (regular files, which
/// a hard link publishes) are not merged.
#[cfg(unix)]
#[test]
fn merge_refuses_a_shard_dc_link_that_leads_outside_the_shard() {
    let dir = TempDir::new().unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("zz.xml"), "SECRET").unwrap();
    let shards = two_shards(dir.path());
    let real = fs::canonicalize(shards[1].join("dc")).unwrap();
    for entry in fs::read_dir(&real).unwrap() {
        fs::copy(
            entry.as_ref().unwrap().path(),
            outside.join(entry.unwrap().file_name()),
        )
        .unwrap();
    }
    fs::remove_file(shards[1].join("dc")).unwrap();
    std::os::unix::fs::symlink(&outside, shards[1].join("dc")).unwrap();
    let (code, stderr) = merge(dir.path(), &shards);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("dc"), "{stderr}");
    assert!(!dir.path().join("merged/dc").exists());
}

/// `find input -name '*.yaml' | pipeline convert --from paths`: a link planted in the
/// catalogue (to a file, or a folder link) that leads out of the current folder is Y009, as
/// `validate` reports it, and the target is not read; a link inside is read; with
/// `--follow-symlinks` links are followed. The secret used to be printed in a finding.
#[cfg(unix)]
#[test]
fn convert_from_paths_does_not_follow_links_out_of_the_current_folder() {
    let dir = TempDir::new().unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.yaml"), "id: SECRET-TOKEN-1234\n").unwrap();
    let work = dir.path().join("work");
    let input = work.join("input");
    fs::create_dir_all(input.join("real")).unwrap();
    fs::write(input.join("a.yaml"), record("a")).unwrap();
    fs::write(input.join("real/b.yaml"), record("b")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.yaml"), input.join("leak.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, input.join("sub")).unwrap();
    std::os::unix::fs::symlink("real/b.yaml", input.join("b.yaml")).unwrap();
    let paths = "input/a.yaml\ninput/leak.yaml\ninput/sub/secret.yaml\ninput/b.yaml\n";
    let out = pipeline_in(&work)
        .args(["convert", "-q", "--from", "paths", "--to", "csv"])
        .write_stdin(paths)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for link in ["input/leak.yaml", "input/sub/secret.yaml"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(link) && l.contains("Y009")),
            "{stderr}"
        );
    }
    assert!(
        !stderr.contains("SECRET") && !stdout.contains("SECRET"),
        "{stderr}{stdout}"
    );
    // a and b (through a link inside) are converted: a header and two rows.
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let out = pipeline_in(&work)
        .args([
            "convert",
            "-q",
            "--from",
            "paths",
            "--to",
            "csv",
            "--follow-symlinks",
        ])
        .write_stdin("input/leak.yaml\n")
        .output()
        .unwrap();
    // Followed: the file is read (its id is quoted in the S004 finding).
    assert!(String::from_utf8_lossy(&out.stderr).contains("SECRET-TOKEN-1234"));
}

/// `fix` opens each file of a folder as `validate` does: a record swapped for a link out of
/// the folder after the walk (here, a link there when the file is opened) is refused, its
/// target neither read nor shown in a diff. `fix` used to open it following the link.
#[cfg(unix)]
#[test]
fn fix_does_not_read_through_a_link_out_of_the_folder() {
    use pipeline::normalize::dates::DateOptions;
    use pipeline::read::Limits;
    use pipeline::read::contain::Scope;
    let dir = TempDir::new().unwrap();
    let secret = dir.path().join("secret.yaml");
    fs::write(&secret, "id: a\ntitle: '  SECRET   TEXT  '\n").unwrap();
    let cat = dir.path().join("cat");
    fs::create_dir_all(&cat).unwrap();
    std::os::unix::fs::symlink(&secret, cat.join("a.yaml")).unwrap();
    let scope = Scope::new(&cat, false);
    let plan = pipeline::fix::plan_in(
        &cat.join("a.yaml"),
        &scope,
        &Limits::default(),
        &DateOptions::default(),
    );
    assert!(plan.fixed.is_none());
    assert!(!plan.original.contains("SECRET"));
    assert_eq!(plan.findings.len(), 1, "{:?}", plan.findings);
    assert!(!plan.findings[0].message.contains("SECRET"));
    // Through the command, a folder holding the link: reported, nothing shown or written.
    let out = pipeline_in(dir.path())
        .args(["fix", "--diff", "cat"])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("SECRET"), "{all}");
    assert!(all.contains("Y009"), "{all}");
}

/// `0.yaml` holding `id: z` next to `a.yaml`: `run` gives X002 and exit 1, as `validate`
/// does for the same folder. It used to stop with exit 2 and an internal error (the
/// records came in file-name order, not id order).
#[test]
fn run_reports_x002_when_a_file_s_id_sorts_elsewhere_than_its_name() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("0.yaml"), record("z")).unwrap();
    fs::write(input.join("a.yaml"), record("a")).unwrap();
    let (code, stderr) =
        outcome(pipeline_in(dir.path()).args(["run", "--input", "in", "--output", "out"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("in/0.yaml:1:5: error[X002]"), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert!(!dir.path().join("out").exists());
    let (code, validate) = outcome(pipeline_in(dir.path()).args(["validate", "in"]));
    assert_eq!(code, Some(1));
    assert!(
        validate.contains("in/0.yaml:1:5: error[X002]"),
        "{validate}"
    );
}

/// One id in many documents of a stream: `run` gives X001 and exit 1 every time. It used to
/// stop with exit 2 "File exists" in about one run of three (two threads wrote the one
/// Dublin Core file at once). The race itself is shown deterministically by the unit test
/// `output::staging::tests::one_name_written_by_several_threads_at_once_never_fails`; this
/// is the user's view of it, run several times.
#[test]
fn one_id_in_many_documents_of_a_stream_is_x001_every_time() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    let stream: String = (0..64)
        .map(|_| format!("---\n{}", record("same")))
        .collect();
    fs::write(input.join("stream.yaml"), stream).unwrap();
    for _ in 0..6 {
        let (code, stderr) = outcome(
            pipeline_in(dir.path())
                .args(["run", "-q", "-j", "2", "--input", "in", "--output", "out"]),
        );
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("error[X001]"), "{stderr}");
    }
}

/// One record with 65,536 `related` references (one more than a `u16` counts), and one with
/// as many unresolved: the first is valid and exported, the second is X003 at the place of
/// each reference (exit 1). Both used to stop the run with exit 2, "internal error", and no
/// finding.
#[test]
fn a_record_with_more_than_65535_references_is_checked_like_any_other() {
    let refs = |to: &str| -> String {
        let mut text = record("a");
        text.push_str("related:\n");
        for _ in 0..65_536 {
            text.push_str(&format!("  - {to}\n"));
        }
        text
    };
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.yaml"), refs("b")).unwrap();
    fs::write(input.join("b.yaml"), record("b")).unwrap();
    let (code, stderr) =
        outcome(pipeline_in(dir.path()).args(["run", "-q", "--input", "in", "--output", "out"]));
    assert_eq!(code, Some(0), "{stderr}");
    let csv = fs::read_to_string(dir.path().join("out/records.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and two records");
    fs::write(input.join("a.yaml"), refs("nowhere")).unwrap();
    let (code, stderr) =
        outcome(pipeline_in(dir.path()).args(["validate", "--max-errors", "2", "in"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("in/a.yaml:7:5: error[X003]"), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
}

/// `--schema` naming a FIFO: refused at once (exit 2, naming it) instead of waiting for a
/// writer forever. The two-minute timeout of [`pipeline_in`] is what fails the test before
/// the fix.
#[cfg(unix)]
#[test]
fn a_schema_at_a_fifo_is_refused_without_waiting() {
    use rustix::fs::{CWD, FileType, Mode};
    let dir = TempDir::new().unwrap();
    let cat = support::catalogue(&[("a.yaml", record("a"))]);
    rustix::fs::mknodat(
        CWD,
        dir.path().join("schema.json"),
        FileType::Fifo,
        Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args(["validate", "--schema", "schema.json"])
            .arg(cat.path())
            .timeout(Duration::from_secs(20)),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("schema.json") && stderr.contains("FIFO"),
        "{stderr}"
    );
}

/// A record file whose name is not UTF-8 (`b\xFF.yaml`, holding `id: b`): X002 names the
/// file with the byte escaped and suggests the id's file name, never an empty id. It used
/// to say "differs from the file name `.yaml`" and "change the id to ``".
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named_in_x002_with_no_empty_suggestion() {
    use std::os::unix::ffi::OsStrExt;
    let cat = support::catalogue(&[("a.yaml", record("a"))]);
    let name = std::ffi::OsStr::from_bytes(b"b\xFF.yaml");
    fs::write(cat.path().join(name), record("b")).unwrap();
    let out = pipeline_in(cat.path())
        .args(["validate", "--format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{doc}");
    assert_eq!(findings[0]["code"], "X002");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains(r"`b\x{FF}.yaml`"), "{message}");
    assert_eq!(findings[0]["help"], "rename the file to `b.yaml`");
}

/// A record that is a hard link to a file outside the catalogue (a tarball can make one):
/// refused (Y001, naming the record and saying why), its text never quoted, by `validate`,
/// `run` and `fix`; read with `--follow-symlinks`. It used to be read and quoted.
#[cfg(unix)]
#[test]
fn a_record_with_several_hard_links_is_refused_unless_links_are_followed() {
    let dir = TempDir::new().unwrap();
    let secret = dir.path().join("secret.yaml");
    fs::write(&secret, "id: a\ntitle: '  SECRET   TEXT '\n").unwrap();
    let cat = dir.path().join("cat");
    fs::create_dir_all(&cat).unwrap();
    fs::write(cat.join("b.yaml"), record("b")).unwrap();
    fs::hard_link(&secret, cat.join("a.yaml")).unwrap();
    for args in [
        &["validate", "cat"][..],
        &["run", "--input", "cat", "--output", "out"],
        &["fix", "--diff", "cat"],
    ] {
        let out = pipeline_in(dir.path()).args(args).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(!all.contains("SECRET"), "{args:?}: {all}");
        assert!(
            all.contains("cat/a.yaml: error[Y001]") && all.contains("hard links"),
            "{args:?}: {all}"
        );
    }
    let out = pipeline_in(dir.path())
        .args(["validate", "--follow-symlinks", "cat"])
        .output()
        .unwrap();
    // Read: the record's missing fields are reported, not its links.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("hard links"), "{stderr}");
    assert!(stderr.contains("cat/a.yaml:1:1: error[S001]"), "{stderr}");
}

/// `convert --to shard --output DIR` replaces only a shard folder it wrote (an earlier
/// attempt at the part): a user's folder, or a `DIR.partial` of theirs, is refused and kept.
/// Both used to be deleted whole.
#[test]
fn convert_to_shard_replaces_only_a_shard_folder() {
    let dir = TempDir::new().unwrap();
    let convert = |out: &str| {
        outcome(
            pipeline_in(dir.path())
                .args(["convert", "-q", "--from", "yaml-stream", "--to", "shard"])
                .args(["--part", "0/1", "--output", out])
                .write_stdin(record("a")),
        )
    };
    // A shard written twice: the second attempt replaces the first.
    assert_eq!(convert("shard").0, Some(0));
    let (code, stderr) = convert("shard");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(dir.path().join("shard/dc/a.xml").is_file());
    // A user's folder and a user's `.partial` folder.
    for (folder, keep) in [
        ("mine", "mine/thesis.txt"),
        ("other.partial", "other.partial/notes.txt"),
    ] {
        let path = dir.path().join(keep);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "precious").unwrap();
        let out = folder.trim_end_matches(".partial");
        let (code, stderr) = convert(out);
        assert_eq!(code, Some(2), "{folder}: {stderr}");
        assert!(stderr.contains("is not part of a shard"), "{stderr}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "precious");
    }
}

/// The human format quotes the lines findings point at, reading the file when it prints:
/// a record swapped for a link to a secret after it was checked (here, a link when the
/// findings are printed), or a hard link to one, is not quoted; its findings keep their
/// place. It used to follow the link and print the secret's line.
#[cfg(unix)]
#[test]
fn the_human_format_never_quotes_through_a_link_at_print_time() {
    use pipeline::diagnostics::{Code, Finding, Location};
    use pipeline::render::{Format, Summary, render};
    let dir = TempDir::new().unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, "SECRET-TOKEN-1234: x\n").unwrap();
    let cat = dir.path().join("cat");
    fs::create_dir_all(&cat).unwrap();
    fs::write(cat.join("plain.yaml"), "titel: x\n").unwrap();
    std::os::unix::fs::symlink(&secret, cat.join("a.yaml")).unwrap();
    fs::hard_link(&secret, cat.join("b.yaml")).unwrap();
    let at = Location { line: 1, col: 1 };
    let findings: Vec<Finding> = ["a.yaml", "b.yaml", "plain.yaml"]
        .iter()
        .map(|name| {
            Finding::new(
                Code::UnknownField,
                &cat.join(name),
                Some(at),
                "unknown".into(),
            )
        })
        .collect();
    let mut out = Vec::new();
    render(
        &mut out,
        Format::Human,
        &findings,
        0,
        &Summary::default(),
        false,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("SECRET"), "{text}");
    for name in ["a.yaml:1:1", "b.yaml:1:1"] {
        assert!(text.contains(name), "{text}");
    }
    // A plain file is still quoted.
    assert!(text.contains("titel: x"), "{text}");
}

/// A shard's `records.csv` (or `records.jsonld`, `shard.json`) replaced by a link out of the
/// shard folder: its lines were read as rows and published in the merged `records.csv`.
#[cfg(unix)]
#[test]
fn merge_refuses_a_shard_file_that_leads_outside_the_shard() {
    let dir = TempDir::new().unwrap();
    let shards = two_shards(dir.path());
    let real = fs::canonicalize(shards[1].join("records.csv")).unwrap();
    // Another CSV of the same shape, outside: its rows would be merged as they are.
    let text = fs::read_to_string(&real)
        .unwrap()
        .replace("Title of", "SECRET of");
    assert!(text.contains("SECRET"));
    fs::write(dir.path().join("outside.csv"), text).unwrap();
    fs::remove_file(shards[1].join("records.csv")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("outside.csv"),
        shards[1].join("records.csv"),
    )
    .unwrap();
    let (code, stderr) = merge(dir.path(), &shards);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("records.csv"), "{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert!(!dir.path().join("merged/records.csv").exists());
}

/// `convert --outlines FIFO` with a reader (as `>(gzip > x)` gives): written through, the
/// FIFO left in place. The reader here opens first, without blocking, and reads what the
/// pipe holds once the conversion is done (one outline, far less than a pipe buffer).
#[cfg(unix)]
#[test]
fn outlines_into_a_pipe_with_a_reader_are_written_through() {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("o.outlines");
    {
        use rustix::fs::{CWD, FileType, Mode};
        rustix::fs::mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o644), 0).unwrap();
    }
    let mut reader = fs::File::options()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(&fifo)
        .unwrap();
    let (code, stderr) = outcome(
        pipeline_in(dir.path())
            .args(["convert", "-q", "--from", "yaml-stream", "--to", "jsonl"])
            .args(["--outlines", "o.outlines"])
            .write_stdin(record("a")),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let mut text = String::new();
    reader.read_to_string(&mut text).unwrap();
    let outline: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(outline.to_string().contains("\"a\""), "{text}");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

/// `run --shard` into a folder a run wrote, where the user put a `shard.json` of their own
/// (or a link by that name): refused and kept. It was replaced.
#[test]
fn run_shard_does_not_replace_a_shard_json_it_did_not_write() {
    let dir = TempDir::new().unwrap();
    let shards = two_shards(dir.path());
    // A second run over a shard folder replaces the manifest it wrote.
    let again = |out: &Path| {
        outcome(
            pipeline_in(dir.path())
                .args(["run", "-q", "--input", "input", "--output"])
                .arg(out)
                .args(["--shard", "0/2"]),
        )
    };
    assert_eq!(again(&shards[0]).0, Some(0));
    fs::write(shards[0].join("shard.json"), "{\"mine\": true}").unwrap();
    let (code, stderr) = again(&shards[0]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("shard.json"), "{stderr}");
    assert_eq!(
        fs::read_to_string(shards[0].join("shard.json")).unwrap(),
        "{\"mine\": true}"
    );
}
