//! Hostile and malformed input: every case is a finding with its file and place (exit 1),
//! never a panic, a hang, a stack overflow or unbounded memory.
//!
//! `tests/fixtures/hostile/` holds one file per case; [`CASES`] says which finding each one
//! must produce and where. Cases that cannot be a committed file (permissions, symbolic-link
//! loops, values of several megabytes) are built in a temporary folder by the tests below.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use pipeline::diagnostics::{Code, Finding};
use pipeline::engine::catalogue::Settings;
use pipeline::read::{self, Limits};
use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::{self, catalogue};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// The binary as [`support::pipeline`] runs it, killed after two minutes: input that makes
/// it hang fails the test instead of blocking the suite.
fn pipeline() -> Command {
    let mut cmd = support::pipeline();
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// File → the first finding it must produce: code, and line and column where the file has
/// them (`None` for a file as a whole: an encoding named by its byte-order mark, no record).
/// `None` as the code: the file is valid.
type Case = (&'static str, Option<Code>, Option<(usize, usize)>);

const CASES: &[Case] = &[
    ("alias-bomb.yaml", Some(Code::Limit), Some((5, 45))),
    ("alias-long-text.yaml", Some(Code::Limit), Some((4, 65))),
    ("alias-too-deep.yaml", Some(Code::Limit), Some((3, 34))),
    (
        "alias-undefined.yaml",
        Some(Code::YamlSyntax),
        Some((2, 10)),
    ),
    (
        "control-escaped-bell.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    (
        "control-in-key.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 1)),
    ),
    (
        "control-nul.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 9)),
    ),
    (
        "control-raw-in-quotes.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 10)),
    ),
    (
        "control-raw-plain.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    ("deep-block-mapping.yaml", Some(Code::Limit), Some((1, 129))),
    (
        "deep-block-sequence.yaml",
        Some(Code::Limit),
        Some((1, 129)),
    ),
    ("deep-flow-mapping.yaml", Some(Code::Limit), Some((1, 1021))),
    ("deep-flow-sequence.yaml", Some(Code::Limit), Some((1, 256))),
    (
        "deep-indented-mapping.yaml",
        Some(Code::Limit),
        Some((65, 65)),
    ),
    (
        "duplicate-key-nested.yaml",
        Some(Code::DuplicateKey),
        Some((2, 22)),
    ),
    ("duplicate-key.yaml", Some(Code::DuplicateKey), Some((3, 1))),
    (
        "empty-document-in-stream.yaml",
        Some(Code::EmptyDocument),
        Some((7, 1)),
    ),
    ("empty.yaml", Some(Code::EmptyDocument), None),
    ("id-hidden.yaml", Some(Code::InvalidId), Some((1, 5))),
    ("id-with-slash.yaml", Some(Code::InvalidId), Some((1, 5))),
    (
        "invalid-utf8-truncated.yaml",
        Some(Code::Encoding),
        Some((2, 8)),
    ),
    ("invalid-utf8.yaml", Some(Code::Encoding), Some((2, 11))),
    ("key-is-a-list.yaml", Some(Code::YamlSyntax), Some((2, 3))),
    (
        "noncharacter-fffe-escaped.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 16)),
    ),
    (
        "noncharacter-ffff-raw.yaml",
        Some(Code::ForbiddenCharacter),
        Some((2, 8)),
    ),
    (
        "not-a-mapping-list.yaml",
        Some(Code::NotAMapping),
        Some((1, 1)),
    ),
    (
        "not-a-mapping-scalar.yaml",
        Some(Code::NotAMapping),
        Some((1, 1)),
    ),
    ("only-comments.yaml", Some(Code::EmptyDocument), None),
    (
        "path-traversal-id.yaml",
        Some(Code::InvalidId),
        Some((1, 5)),
    ),
    (
        "syntax-colon-in-value.yaml",
        Some(Code::YamlSyntax),
        Some((2, 13)),
    ),
    (
        "syntax-tab-indent.yaml",
        Some(Code::YamlSyntax),
        Some((3, 2)),
    ),
    (
        "syntax-unclosed-bracket.yaml",
        Some(Code::YamlSyntax),
        Some((3, 1)),
    ),
    (
        "syntax-unclosed-quote.yaml",
        Some(Code::YamlSyntax),
        Some((2, 8)),
    ),
    ("utf16be-bom.yaml", Some(Code::Encoding), None),
    ("utf16le-bom.yaml", Some(Code::Encoding), None),
    ("utf32be-bom.yaml", Some(Code::Encoding), None),
    ("utf32le-bom.yaml", Some(Code::Encoding), None),
    ("utf8-bom.yaml", None, None),
];

fn findings_by_file(dir: &Path) -> Vec<(String, Vec<Finding>)> {
    let settings = Settings::new(None).unwrap();
    let options = support::options(None, pipeline::engine::selection::Selection::All);
    let (catalogue, _) = pipeline::engine::run(dir, &settings, &options).unwrap();
    let mut out: Vec<(String, Vec<Finding>)> = Vec::new();
    for f in catalogue.findings {
        let name = f.file.file_name().unwrap().to_string_lossy().into_owned();
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(f),
            None => out.push((name, vec![f])),
        }
    }
    out
}

#[test]
fn every_hostile_fixture_is_one_located_finding() {
    let started = Instant::now();
    let found = findings_by_file(&fixtures());
    // All 38 files, including 20,000-level nesting and an alias bomb, in well under a second
    // in a release build; the bound here is loose for debug builds on a busy machine.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    let mut names: Vec<String> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let table: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    assert_eq!(
        names, table,
        "every fixture has a row in CASES, and only those"
    );

    for (file, code, place) in CASES {
        let findings = found
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default();
        let Some(code) = code else {
            assert!(findings.is_empty(), "{file}: {findings:?}");
            continue;
        };
        let first = findings
            .first()
            .unwrap_or_else(|| panic!("{file}: no finding"));
        assert_eq!(first.code, *code, "{file}: {first}");
        assert_eq!(
            first.location.map(|l| (l.line, l.col)),
            *place,
            "{file}: {first}"
        );
        assert!(first.help.is_some(), "{file}: no help line");
    }
}

#[test]
fn the_cli_names_every_hostile_file_and_exits_1() {
    let assert = pipeline()
        .args(["validate", "--format", "concise"])
        .arg(fixtures())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for (file, code, _) in CASES {
        if let Some(code) = code {
            assert!(
                stderr.contains(file) && stderr.contains(code.as_str()),
                "{file} not reported:\n{stderr}"
            );
        }
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// saphyr-parser itself, driven to the end of 20,000-level inputs on a thread with a small
/// stack: it keeps its own state stack and never recurses per level. (Block nesting it
/// reads in full; `[`/`{` it stops at 255 levels with an error.)
#[test]
fn the_yaml_parser_does_not_recurse_on_deep_nesting() {
    let deep_indented: String = (0..2_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let inputs = [
        ("- ".repeat(20_000) + "x\n", false),
        ("? ".repeat(20_000) + "x\n", false),
        (deep_indented + &" ".repeat(2_000) + "x\n", false),
        ("[".repeat(20_000) + &"]".repeat(20_000), true),
        ("{a: ".repeat(20_000) + "b" + &"}".repeat(20_000), true),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(move || {
            for (text, refused) in inputs {
                let mut parser = saphyr_parser::Parser::new_from_str(&text);
                let mut events = 0usize;
                let mut error = None;
                while let Some(event) = parser.next_event() {
                    match event {
                        Ok(_) => events += 1,
                        Err(e) => {
                            error = Some(e.info().to_string());
                            break;
                        }
                    }
                }
                if refused {
                    assert!(error.is_some_and(|e| e.contains("recursion limit")));
                } else {
                    assert!(error.is_none(), "{error:?}");
                    assert!(events > 2_000, "{events}");
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow in saphyr-parser");
}

/// However high a caller sets the depth limit, the reader stops at its hard cap, so no tree
/// it builds is deep enough to overflow the stack when it is dropped, cloned or validated.
/// Checked on a 1 MiB stack, half of what a worker thread has, in a debug build (whose
/// frames are the largest).
#[test]
fn the_reader_caps_depth_and_deep_trees_drop_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let limits = Limits {
                max_depth: usize::MAX,
                ..Limits::default()
            };
            let path = Path::new("deep.yaml");
            let text = "- ".repeat(20_000) + "x\n";
            let f = read::parse(path, &text, &limits).unwrap_err();
            assert_eq!(f.code, Code::Limit);
            let col = 2 * read::HARD_MAX_DEPTH + 1;
            assert_eq!(f.location.map(|l| (l.line, l.col)), Some((1, col)));
            // A tree exactly at the cap is built, cloned and dropped.
            let text = "- ".repeat(read::HARD_MAX_DEPTH) + "x\n";
            let docs = read::parse(path, &text, &limits).unwrap();
            let settings = Settings::new(None).unwrap();
            let findings = settings.schema.check(path, &docs[0]);
            assert_eq!(findings[0].code, Code::WrongType, "a list is not a record");
            let copy = docs.clone();
            drop(docs);
            drop(copy);
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn alias_bombs_are_refused_fast() {
    for file in ["alias-bomb.yaml", "alias-long-text.yaml"] {
        let bytes = fs::read(fixtures().join(file)).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let started = Instant::now();
        let f = read::parse(Path::new(file), text, &Limits::default()).unwrap_err();
        assert_eq!(f.code, Code::Limit, "{f}");
        assert!(started.elapsed() < Duration::from_secs(2), "{file}");
    }
}

fn record(id: &str, summary: &str) -> Vec<u8> {
    format!("id: {id}\ntitle: T\ndate: 1957-12-17\ntype: Cable\nsummary: {summary}\n").into_bytes()
}

#[test]
fn huge_values_and_files_are_refused_with_the_option_that_raises_the_limit() {
    let huge = "x".repeat(2 * 1024 * 1024);
    let dir = catalogue(&[("huge.yaml", &record("huge", &huge))]);
    pipeline()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("huge.yaml:5:10"))
        .stderr(predicate::str::contains("Y007"))
        .stderr(predicate::str::contains("--max-value-bytes"));
    pipeline()
        .args(["validate", "--max-value-bytes", "3000000"])
        .arg(dir.path())
        .assert()
        .code(0);
    pipeline()
        .args([
            "validate",
            "--max-file-bytes",
            "1000000",
            "--max-value-bytes",
            "3000000",
        ])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Y007"))
        .stderr(predicate::str::contains("--max-file-bytes"));
    pipeline()
        .args(["validate", "--max-value-bytes", "lots"])
        .arg(dir.path())
        .assert()
        .code(2);
}

/// Whether permissions stop this process from reading `path` (they do not for root).
#[cfg(unix)]
fn permissions_bind(path: &Path) -> bool {
    if path.is_dir() {
        fs::read_dir(path).is_err()
    } else {
        fs::read(path).is_err()
    }
}

#[cfg(unix)]
#[test]
#[ignore = "permissions do not stop root: needs an unprivileged user (CI runs it as nobody)"]
fn unreadable_files_and_folders_are_findings() {
    use assert_cmd::assert::OutputAssertExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = catalogue(&[
        ("good.yaml", &record("good", "S.")),
        ("locked.yaml", &record("locked", "S.")),
        ("private/inner.yaml", &record("inner", "S.")),
    ]);
    let (file, folder) = (dir.path().join("locked.yaml"), dir.path().join("private"));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o000)).unwrap();
    let binding = permissions_bind(&file) && permissions_bind(&folder);
    let run = binding.then(|| pipeline().arg("validate").arg(dir.path()).output().unwrap());
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    let run = run.expect(
        "chmod 000 does not stop this user from reading (root?): run this test as an unprivileged user",
    );
    run.assert()
        .code(1)
        .stderr(predicate::str::contains("locked.yaml: error[Y001]"))
        .stderr(predicate::str::contains("private: error[Y001]"));
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_dangling_links_are_findings() {
    let dir = catalogue(&[("good.yaml", &record("good", "S."))]);
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("dangling.yaml")).unwrap();
    pipeline()
        .arg("validate")
        .arg(dir.path())
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("loop: error[Y001]"))
        .stderr(predicate::str::contains("(a loop)"))
        .stderr(predicate::str::contains("dangling.yaml: error[Y001]"));
}

// ---- Containment: a catalogue cannot reach outside itself (#18) ---------------------------
//
// Symbolic links and FIFOs cannot be committed portably, so every case is built at test time
// in a temporary folder: `cat/` is the catalogue, `outside-<marker>/` is the rest of the
// machine. The marker is in the outside files' first line, in their folder's name (so in
// every link's target path) and, for `/proc/self/environ`, in the environment: it must not
// appear in any output format.

const MARKER: &str = "SECRET-MARKER-7f3a";
const FORMATS: [&str; 5] = ["human", "concise", "json", "github", "sarif"];

/// A temporary folder with `cat/good.yaml` (valid) and, outside `cat/`, a secret file, a
/// folder with a record, and a hidden folder inside `cat/` that links may point into.
#[cfg(unix)]
fn contained() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let cat = dir.path().join("cat");
    let outside = dir.path().join(format!("outside-{MARKER}"));
    fs::create_dir_all(cat.join("_shared")).unwrap();
    fs::create_dir_all(outside.join("folder")).unwrap();
    fs::write(cat.join("good.yaml"), record("good", "S.")).unwrap();
    fs::write(cat.join("_shared/shared.yaml"), record("shared", "S.")).unwrap();
    fs::write(
        outside.join("secret.yaml"),
        // A YAML error on the first line: read, it would be the snippet.
        format!("{MARKER}: [{MARKER}\n"),
    )
    .unwrap();
    fs::write(
        outside.join("folder/walked.yaml"),
        record(MARKER, &format!("{MARKER}.")),
    )
    .unwrap();
    (dir, cat)
}

#[cfg(unix)]
fn link(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// `validate` in every format: (format, exit code, stdout and stderr as bytes).
fn validate_in_every_format(args: &[&std::ffi::OsStr]) -> Vec<(&'static str, i32, Vec<u8>)> {
    FORMATS
        .iter()
        .map(|format| {
            let out = pipeline()
                .args(["validate", "--format", format])
                .args(args)
                .env("PIPELINE_TEST_SECRET", MARKER)
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let mut shown = out.stdout;
            shown.extend_from_slice(&out.stderr);
            (*format, out.status.code().unwrap_or(-1), shown)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The JSON findings of `validate` for the file named `name`.
fn json_findings(args: &[&std::ffi::OsStr], name: &str) -> Vec<serde_json::Value> {
    let out = pipeline()
        .args(["validate", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with(name))
        .cloned()
        .collect()
}

/// Each hostile entry in its own catalogue: the finding it must produce on the entry (code,
/// no line and column: it is about the entry as a whole), a failing run in every format,
/// and the marker nowhere.
#[cfg(unix)]
#[test]
fn links_out_of_the_catalogue_and_fifos_are_findings_that_show_nothing_of_the_target() {
    type Build = fn(&Path, &Path);
    let cases: Vec<(&str, &str, Build)> = vec![
        ("leak.yaml", "Y009", |cat, out| {
            link(out.join("secret.yaml"), cat.join("leak.yaml"))
        }),
        ("folder", "Y009", |cat, out| {
            link(out.join("folder"), cat.join("folder"))
        }),
        ("relative.yaml", "Y009", |cat, out| {
            let name = out.file_name().unwrap();
            link(
                Path::new("..").join(name).join("secret.yaml"),
                cat.join("relative.yaml"),
            )
        }),
        ("chain.yaml", "Y009", |cat, out| {
            fs::create_dir(cat.join("sub")).unwrap();
            link(out.join("secret.yaml"), cat.join("sub/hop.yaml"));
            link("sub/hop.yaml", cat.join("chain.yaml"));
        }),
        ("dotdot.yaml", "Y009", |cat, out| {
            // Through a folder inside, then `..` out of it.
            fs::create_dir(cat.join("sub")).unwrap();
            let name = out.file_name().unwrap();
            link(
                Path::new("sub/../..").join(name).join("secret.yaml"),
                cat.join("dotdot.yaml"),
            )
        }),
        ("probe.yaml", "Y009", |cat, out| {
            // Leads nowhere, outside: reported as outside, not as "does not exist".
            link(out.join("missing.yaml"), cat.join("probe.yaml"))
        }),
        ("_collections.yaml", "Y009", |cat, out| {
            link(out.join("secret.yaml"), cat.join("_collections.yaml"))
        }),
        ("_authorities.yaml", "Y009", |cat, out| {
            link(out.join("secret.yaml"), cat.join("_authorities.yaml"))
        }),
        ("pipe.yaml", "Y001", |cat, _| {
            use rustix::fs::{CWD, FileType, Mode};
            rustix::fs::mknodat(
                CWD,
                cat.join("pipe.yaml"),
                FileType::Fifo,
                Mode::from_raw_mode(0o644),
                0,
            )
            .unwrap();
        }),
        ("_collections.yaml", "Y001", |cat, _| {
            use rustix::fs::{CWD, FileType, Mode};
            rustix::fs::mknodat(
                CWD,
                cat.join("_collections.yaml"),
                FileType::Fifo,
                Mode::from_raw_mode(0o644),
                0,
            )
            .unwrap();
        }),
    ];
    #[cfg(target_os = "linux")]
    let cases = {
        let mut cases = cases;
        cases.push(("env.yaml", "Y009", |cat, _| {
            link("/proc/self/environ", cat.join("env.yaml"))
        }));
        cases
    };
    for (name, code, build) in cases {
        let (dir, cat) = contained();
        build(&cat, &dir.path().join(format!("outside-{MARKER}")));
        let args = [cat.as_os_str()];
        let found = json_findings(&args, name);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0]["code"], code, "{name}");
        assert_eq!(found[0]["line"], serde_json::Value::Null, "{name}");
        assert_eq!(found[0]["column"], serde_json::Value::Null, "{name}");
        for (format, exit, shown) in validate_in_every_format(&args) {
            assert_eq!(exit, 1, "{name} {format}");
            assert!(
                !contains(&shown, MARKER.as_bytes()),
                "{name} {format}: {}",
                String::from_utf8_lossy(&shown)
            );
        }
        // The streaming run that writes exports refuses it the same way.
        let output = dir.path().join("out");
        let run = pipeline()
            .args(["run", "--format", "concise", "--input"])
            .arg(&cat)
            .arg("--output")
            .arg(&output)
            .env("PIPELINE_TEST_SECRET", MARKER)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{name}: run");
        assert!(contains(&run.stderr, format!("[{code}]").as_bytes()));
        assert!(!contains(&run.stderr, MARKER.as_bytes()), "{name}: run");
        assert!(!output.exists(), "{name}: run wrote outputs");
    }
}

/// Links whose target is inside the catalogue are still read: a file, a folder, and a chain
/// that leaves through `..` and comes back.
#[cfg(unix)]
#[test]
fn links_inside_the_catalogue_are_still_read() {
    let (_dir, cat) = contained();
    link("_shared/shared.yaml", cat.join("shared.yaml"));
    fs::create_dir(cat.join("_more")).unwrap();
    fs::write(cat.join("_more/more.yaml"), record("more", "S.")).unwrap();
    link("_more", cat.join("linked"));
    let back = format!("../{}/_more/more.yaml", "cat");
    fs::create_dir(cat.join("sub")).unwrap();
    link(format!("../{back}"), cat.join("sub/more-again.yaml"));
    let out = pipeline()
        .args(["validate", "--format", "json"])
        .arg(&cat)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // good, shared, linked/more and sub/more-again (the last two share an id: X001, X002).
    assert_eq!(doc["summary"]["records"], 4, "{doc}");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"Y009") && !codes.contains(&"Y001"),
        "{doc}"
    );
    fs::remove_file(cat.join("sub/more-again.yaml")).unwrap();
    pipeline().arg("validate").arg(&cat).assert().code(0);
}

/// `--follow-symlinks` is the old behaviour, for trusted setups; a file named on the command
/// line is read as given.
#[cfg(unix)]
#[test]
fn follow_symlinks_and_named_files_read_through_links() {
    let (dir, cat) = contained();
    let outside = dir.path().join(format!("outside-{MARKER}"));
    link(outside.join("secret.yaml"), cat.join("leak.yaml"));
    link(outside.join("folder"), cat.join("folder"));
    let out = pipeline()
        .args(["validate", "--format", "concise", "--follow-symlinks"])
        .arg(&cat)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr.contains("Y009"), "{stderr}");
    assert!(stderr.contains("leak.yaml:2:1: error[Y003]"), "{stderr}");
    assert!(stderr.contains("walked.yaml"), "{stderr}");
    // Named on the command line: read, the folder's other links still refused.
    let out = pipeline()
        .args(["validate", "--format", "concise", "--input"])
        .arg(&cat)
        .arg(cat.join("leak.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("leak.yaml:2:1: error[Y003]"), "{stderr}");
    assert!(!stderr.contains("Y009"), "{stderr}");
    // A folder of the catalogue named on the command line: its links are checked.
    fs::create_dir(cat.join("part")).unwrap();
    link(outside.join("secret.yaml"), cat.join("part/leak.yaml"));
    let out = pipeline()
        .args(["validate", "--format", "concise", "--input"])
        .arg(&cat)
        .arg(cat.join("part"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("leak.yaml: error[Y009]"), "{stderr}");
    assert!(!stderr.contains(MARKER), "{stderr}");
}

/// `fix` walks folders with the same rule, and says when it replaces a link by a file.
#[cfg(unix)]
#[test]
fn fix_does_not_follow_links_out_and_says_when_it_replaces_one() {
    let (dir, cat) = contained();
    let outside = dir.path().join(format!("outside-{MARKER}"));
    let untidy =
        b"id: tidy\ntitle: \"  Two  spaces \"\ndate: 1957-12-17\ntype: Cable\nsummary: S.\n";
    fs::write(outside.join("tidy.yaml"), untidy).unwrap();
    fs::write(cat.join("_shared/tidy.yaml"), untidy).unwrap();
    link(outside.join("tidy.yaml"), cat.join("out.yaml"));
    link("_shared/tidy.yaml", cat.join("tidy.yaml"));
    let out = pipeline()
        .args(["fix", "--format", "concise"])
        .arg(&cat)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("out.yaml: error[Y009]"), "{stderr}");
    assert!(
        stderr.contains("tidy.yaml was a symbolic link; it is now a file"),
        "{stderr}"
    );
    assert!(!stderr.contains(MARKER), "{stderr}");
    assert_eq!(fs::read(outside.join("tidy.yaml")).unwrap(), untidy);
    assert_eq!(fs::read(cat.join("_shared/tidy.yaml")).unwrap(), untidy);
    assert!(cat.join("out.yaml").is_symlink());
    assert!(!cat.join("tidy.yaml").is_symlink());
    assert!(
        fs::read_to_string(cat.join("tidy.yaml"))
            .unwrap()
            .contains("\"Two spaces\"")
    );
}

/// The default schema is found in the current folder (in CI, the checkout of the change):
/// not through a link out of it. A schema named with `--schema` is read as given.
#[cfg(unix)]
#[test]
fn the_default_schema_is_not_read_through_a_link_out_of_the_current_folder() {
    let (dir, cat) = contained();
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("schemas")).unwrap();
    let outside = dir.path().join(format!("outside-{MARKER}"));
    fs::write(
        outside.join("schema.json"),
        format!("{{\"type\": \"object\", \"description\": \"{MARKER}\"}}"),
    )
    .unwrap();
    link(
        outside.join("schema.json"),
        work.join("schemas/record.schema.json"),
    );
    // `validate` in `folder` with the default schema: refused (exit 2), the target unseen.
    let refused_in = |folder: &Path| {
        let out = pipeline()
            .current_dir(folder)
            .arg("validate")
            .arg(&cat)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("leads outside the current folder"),
            "{stderr}"
        );
        assert!(stderr.contains("--schema FILE"), "{stderr}");
        assert!(!stderr.contains(MARKER), "{stderr}");
    };
    refused_in(&work);
    pipeline()
        .current_dir(&work)
        .args(["validate", "--schema", "schemas/record.schema.json"])
        .arg(&cat)
        .assert()
        .code(0);

    // The folder `schemas` itself a link out: the whole path is checked, not its last part.
    let work2 = dir.path().join("work2");
    fs::create_dir_all(&work2).unwrap();
    fs::rename(
        outside.join("schema.json"),
        outside.join("record.schema.json"),
    )
    .unwrap();
    link(outside.clone(), work2.join("schemas"));
    refused_in(&work2);
}

/// A line that is not UTF-8 or holds a control character is shown as an escaped excerpt of
/// at most 80 characters, never as raw bytes, in the human format (the only one that shows
/// source lines).
#[test]
fn snippets_of_refused_bytes_are_escaped_and_bounded() {
    let long = format!("id: c\ntitle: {}\0{}\n", "a".repeat(200), "b".repeat(200));
    let dir = catalogue(&[
        ("nul.yaml", &b"id: nul\ntitle: a\0b\n"[..]),
        ("latin1.yaml", b"id: latin1\ntitle: caf\xe9 \x1b[31mred\n"),
        ("long.yaml", long.as_bytes()),
    ]);
    let out = pipeline()
        .args(["validate", "--format", "human", "--color", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = out.stderr;
    let text = std::str::from_utf8(&stderr).expect("the output is UTF-8");
    assert!(!text.contains('\0') && !text.contains('\x1b'), "{text:?}");
    assert!(text.contains("title: a\\u{0}b"), "{text}");
    assert!(text.contains("title: caf\\x{E9} \\u{1b}[31mred"), "{text}");
    let excerpt = text
        .lines()
        .find(|l| l.contains("bbbb"))
        .and_then(|l| l.split_once("escaped: "))
        .map(|(_, e)| e)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(excerpt.chars().count() <= 80, "{excerpt}");
    assert!(
        excerpt.starts_with('…') && excerpt.ends_with('…'),
        "{excerpt}"
    );
    assert!(excerpt.contains("a\\u{0}b"), "{excerpt}");
}

#[test]
fn record_ids_cannot_lead_outside_the_output_folder() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for (name, id) in [
        ("a.yaml", "../../escaped"),
        ("b.yaml", "/tmp/escaped"),
        ("c.yaml", "x/../../escaped"),
    ] {
        fs::write(input.join(name), record(id, "S.")).unwrap();
    }
    let output = dir.path().join("out");
    pipeline()
        .args(["run", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("S004"));
    assert!(!output.exists());
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["in"]);
}

#[test]
fn input_and_output_folders_must_not_overlap() {
    let dir = catalogue(&[("good.yaml", &record("good", "S."))]);
    for output in [dir.path().to_path_buf(), dir.path().join("out")] {
        pipeline()
            .args(["run", "--input"])
            .arg(dir.path())
            .arg("--output")
            .arg(&output)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("overlap"));
    }
    let parent = dir.path().parent().unwrap().to_path_buf();
    pipeline()
        .args(["run", "--input"])
        .arg(dir.path())
        .arg("--output")
        .arg(parent)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("overlap"));
    assert!(!dir.path().join("out").exists());
    assert!(!dir.path().join("dc").exists());
}

// ---- Round trips of the three exports (proptest) -------------------------------------------
//
// Records made in memory with hostile values (which the reader would refuse or normalize),
// written with the per-record encoders `run` uses, read back by independent parsers.

mod round_trips {
    use pipeline::diagnostics::Location;
    use pipeline::export::{ExportOptions, csv as csv_export, dublin_core, jsonld};
    use pipeline::normalize::dates::{Bound, NormalizedDate};
    use pipeline::normalize::record::Record;
    use pipeline::read::xml_forbidden;
    use proptest::prelude::*;
    use quick_xml::events::Event;

    /// Text with what breaks exports: separators, quotes, escapes, markup, `]]>`, CR, tab,
    /// newlines, formula starts, non-BMP characters, and any other allowed character.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("|".to_string()),
            Just("\\".to_string()),
            Just("\"".to_string()),
            Just(",".to_string()),
            Just("&".to_string()),
            Just("<".to_string()),
            Just("]]>".to_string()),
            Just("\r".to_string()),
            Just("\r\n".to_string()),
            Just("\n".to_string()),
            Just("\t".to_string()),
            Just("=".to_string()),
            Just("-".to_string()),
            Just("😀".to_string()),
            Just("𠀀".to_string()),
            any::<char>()
                .prop_filter("XML 1.0 character", |c| !xml_forbidden(*c))
                .prop_map(String::from),
            "[a-z ]{1,5}",
        ];
        prop::collection::vec(piece, 1..8).prop_map(|p| p.concat())
    }

    fn record(title: String, summary: String, subjects: Vec<String>) -> Record {
        Record {
            id: "r1".into(),
            file: "r1.yaml".into(),
            id_location: Location { line: 1, col: 5 },
            in_stream: false,
            title,
            date_as_written: "1957".into(),
            date: NormalizedDate {
                edtf: "1957".into(),
                earliest: Bound::Unknown,
                latest: Bound::Unknown,
            },
            kind: "Cable".into(),
            summary,
            creators: vec![],
            recipients: vec![],
            people: vec![],
            places: subjects.clone(),
            subjects,
            languages: vec![],
            source: None,
            rights: None,
            collections: vec![],
            related: vec![],
            mentions: vec![],
        }
    }

    /// Element texts of a Dublin Core document, read back by an XML parser.
    fn xml_texts(bytes: &[u8], element: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        let (mut out, mut current, mut inside) = (Vec::new(), String::new(), false);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).unwrap() {
                Event::Start(e) => {
                    inside = e.name().as_ref() == element;
                    current.clear();
                }
                Event::Text(t) if inside => current.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if inside => current.push(crate::support::xml_reference(&r)),
                Event::End(_) if inside => {
                    out.push(std::mem::take(&mut current));
                    inside = false;
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn csv_parses_back_to_the_same_values(
            title in text(), summary in text(), subjects in prop::collection::vec(text(), 1..4),
            separator in prop::sample::select(vec!['|', ';', ',', '\t']),
        ) {
            let options = ExportOptions { csv_separator: separator, ..ExportOptions::default() };
            let r = record(title.clone(), summary.clone(), subjects.clone());
            // The file as `run` writes it: the header, then the record's row.
            let mut bytes = csv_export::header();
            csv_export::write_row(&r, options.csv_separator, &mut bytes);
            let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
            let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            prop_assert_eq!(rows.len(), 1);
            let cell = |name: &str| {
                let i = csv_export::COLUMNS.iter().position(|c| *c == name).unwrap();
                rows[0][i].to_string()
            };
            // A formula start is neutralized with a leading `'`, and only then.
            let unneutralize = |cell: String, original_first: char| {
                if matches!(original_first, '=' | '+' | '-' | '@' | '\t' | '\r') {
                    cell.strip_prefix('\'').map(str::to_string).unwrap_or(cell)
                } else {
                    cell
                }
            };
            prop_assert_eq!(unneutralize(cell("title"), title.chars().next().unwrap()), title);
            prop_assert_eq!(unneutralize(cell("summary"), summary.chars().next().unwrap()), summary);
            let joined = unneutralize(cell("subjects"), subjects[0].chars().next().unwrap());
            prop_assert_eq!(csv_export::split_multi(&joined, separator), subjects);
        }

        #[test]
        fn xml_text_parses_back_equal(title in text(), summary in text(), subject in text()) {
            let r = record(title.clone(), summary.clone(), vec![subject.clone()]);
            let bytes = dublin_core::render(&r, &ExportOptions::default()).unwrap();
            prop_assert_eq!(xml_texts(&bytes, "dc:title"), vec![title]);
            prop_assert_eq!(xml_texts(&bytes, "dc:description"), vec![summary]);
            prop_assert_eq!(xml_texts(&bytes, "dc:subject"), vec![subject]);
        }

        #[test]
        fn characters_xml_forbids_are_never_written(
            before in text(),
            c in prop::sample::select(vec!['\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}']),
        ) {
            let r = record(format!("{before}{c}"), "S".into(), vec![]);
            prop_assert!(dublin_core::render(&r, &ExportOptions::default()).is_err());
        }

        #[test]
        fn jsonld_values_parse_back_equal(
            title in text(), summary in text(), subjects in prop::collection::vec(text(), 1..4),
        ) {
            let r = record(title.clone(), summary.clone(), subjects.clone());
            // The document as `run` writes it: the opening, the record's node (it names no
            // agent), the closing.
            let options = ExportOptions::default();
            let mut bytes = jsonld::opening(&options, &[]).unwrap();
            bytes.extend_from_slice(jsonld::separator(0));
            jsonld::RecordNode::new(&r, &options, |a| jsonld::agent_iri(a, &options))
                .write_graph_member(&mut bytes);
            bytes.extend_from_slice(jsonld::closing(1));
            let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let node = doc["@graph"].as_array().unwrap().iter()
                .find(|n| n["@type"] == "ArchiveComponent").unwrap();
            prop_assert_eq!(node["name"].as_str().unwrap(), title);
            prop_assert_eq!(node["abstract"].as_str().unwrap(), summary);
            let keywords: Vec<String> = match &node["keywords"] {
                serde_json::Value::String(s) => vec![s.clone()],
                v => v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect(),
            };
            prop_assert_eq!(keywords, subjects);
        }
    }
}

// ---- Fuzzing on the stable toolchain ------------------------------------------------------

/// The four entry points of the `cargo fuzz` targets in `fuzz/`, driven by a small
/// deterministic mutator seeded from the fixtures and the shipped records. `FUZZ_ITERATIONS`
/// sets the number of inputs per entry point (default 2,000; `scripts/fuzz.sh` runs 300,000
/// in a release build). Any panic fails the test and prints the input; so does an input that
/// takes more than five seconds (a hang).
mod fuzz_smoke {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use pipeline::engine::catalogue::Settings;
    use pipeline::normalize::dates::{DateInput, normalize_date};
    use pipeline::normalize::names::{AgentKind, AuthorityIndex, resolve_agent};

    /// xorshift64*: deterministic, so a failure can be replayed with the same seed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    const TOKENS: &[&str] = &[
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "\"",
        "'",
        "\n",
        "  ",
        "---\n",
        "? ",
        "!!str ",
        "|\n  ",
        ">-\n  ",
        "#",
        "\t",
        "%YAML 1.2\n",
        "\u{FEFF}",
        "é",
        "😀",
        "\\u0000",
        "\\x07",
        "\r\n",
        "id: ",
        "date: ",
        "title: ",
        "~",
        "null",
        "0x1F",
        "1957",
        "..",
        "/",
        "c. ",
        "?",
        "~",
        "%",
        "X",
        "-01-",
        "January ",
        "[Zedong]",
        ", ",
        "Jr.",
        "\u{301}",
    ];

    fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut data = seeds[rng.below(seeds.len())].clone();
        for _ in 0..=rng.below(8) {
            let at = rng.below(data.len() + 1);
            match rng.below(6) {
                0 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    data[i] ^= 1 << rng.below(8);
                }
                1 => data.insert(at, rng.next() as u8),
                2 => {
                    let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                    data.splice(at..at, t.iter().copied());
                }
                3 if at < data.len() => {
                    let end = (at + rng.below(16)).min(data.len());
                    data.drain(at..end);
                }
                4 if at < data.len() => {
                    let end = (at + rng.below(64)).min(data.len());
                    let piece = data[at..end].to_vec();
                    data.splice(at..at, piece.into_iter().cycle().take((end - at) * 4));
                }
                _ => {
                    let other = &seeds[rng.below(seeds.len())];
                    let from = rng.below(other.len());
                    let end = (from + rng.below(128)).min(other.len());
                    data.splice(at..at, other[from..end].iter().copied());
                }
            }
        }
        data.truncate(64 * 1024);
        data
    }

    /// The reader with record validation: what `fuzz/fuzz_targets/read_record.rs` runs.
    fn read_record(settings: &Settings, authorities: &AuthorityIndex, bytes: &[u8]) {
        let path = Path::new("fuzz.yaml");
        let _ =
            pipeline::engine::catalogue::process_bytes(path, bytes, settings, authorities, true);
    }

    /// Inputs the fast YAML front end accepted (and so compared with saphyr).
    static FAST_ACCEPTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// The fast YAML front end against saphyr: what `fuzz/fuzz_targets/fast_yaml.rs` runs.
    fn fast_yaml_agrees(bytes: &[u8]) {
        use pipeline::read::{self, Limits};
        let path = Path::new("fuzz.yaml");
        let Ok(text) = read::decode(path, bytes) else {
            return;
        };
        let limits = Limits::default();
        if let Some(Ok(fast)) = read::parse_fast(path, text, &limits) {
            FAST_ACCEPTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match read::parse_saphyr(path, text, &limits) {
                Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}")),
                Err(e) => panic!("the fast path accepted what saphyr refuses: {e}"),
            }
        }
    }

    fn seeds() -> Vec<Vec<u8>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seeds = Vec::new();
        for dir in ["tests/fixtures/hostile", "input"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                if bytes.len() <= 64 * 1024 {
                    seeds.push(bytes);
                }
            }
        }
        seeds
    }

    const DATES: &[&str] = &[
        "January 22, 1950",
        "1950-01-11",
        "195X",
        "1957/1959",
        "03/04/1957",
        "c. 1950",
        "[1950..1952]",
        "17-én",
        "1950-01-11T10:00:00Z",
        "-0500",
        "1957?",
        "1950s",
        "undated",
        "22 janvier 1950",
        "1950年1月22日",
        "before 1957",
        "Y-170000002",
        "2001-21",
        "..",
    ];
    const NAMES: &[&str] = &[
        "Liu Shaoqi",
        "Mao [Zedong]",
        "Puzanov, A. M.",
        "Kim Il Sung",
        "Chairman Mao",
        "Ministry of Foreign Affairs",
        "de Gaulle, Charles",
        "O'Brien, J. Jr.",
        "Ri Ju-yeon",
    ];

    fn iterations() -> usize {
        std::env::var("FUZZ_ITERATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000)
    }

    /// Run `f` on `input`; on a panic or a hang, say which input it was.
    fn guarded(target: &str, input: &[u8], f: impl FnOnce()) {
        let started = Instant::now();
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            eprintln!(
                "{target}: panic on input {:?}",
                String::from_utf8_lossy(input)
            );
            std::panic::resume_unwind(panic);
        }
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{target}: {took:?} on input {:?}",
            String::from_utf8_lossy(input)
        );
    }

    #[test]
    fn fuzz_smoke_reader_dates_and_names() {
        let settings = Settings::new(None).unwrap();
        let authorities = AuthorityIndex::empty();
        let seeds = seeds();
        let text_seeds = |list: &[&str]| -> Vec<Vec<u8>> {
            list.iter().map(|s| s.as_bytes().to_vec()).collect()
        };
        let (dates, names) = (text_seeds(DATES), text_seeds(NAMES));
        let mut rng = Rng(0x5EED_CAFE_F00D_D00D);
        for _ in 0..iterations() {
            let input = mutate(&mut rng, &seeds);
            guarded("read_record", &input, || {
                read_record(&settings, &authorities, &input)
            });
            guarded("fast_yaml", &input, || fast_yaml_agrees(&input));

            let input = mutate(&mut rng, &dates);
            let text = String::from_utf8_lossy(&input);
            guarded("normalize_date", &input, || {
                let _ = normalize_date(DateInput::Text(&text));
                let _ = normalize_date(DateInput::Integer(rng.next() as i64));
            });

            let input = mutate(&mut rng, &names);
            let text = String::from_utf8_lossy(&input);
            guarded("resolve_agent", &input, || {
                for kind in [AgentKind::Person, AgentKind::Organization] {
                    let _ = resolve_agent(&text, kind, Some("http://viaf.org/x"), &authorities);
                }
            });
        }
        eprintln!(
            "fast_yaml: {} of {} inputs took the fast path and agreed with saphyr",
            FAST_ACCEPTED.load(std::sync::atomic::Ordering::Relaxed),
            iterations()
        );
    }
}

/// A file name or a field name holding a terminal escape or a direction control reaches no
/// output format as it is: messages, help and paths write them `\u{..}`.
#[test]
fn escapes_in_names_and_fields_are_written_escaped_in_every_format() {
    let dir = catalogue(&[
        (
            "x\u{1b}[2J.yaml",
            "id: x\ntitle: T\ndate: 1950\ntype: Cable\nsummary: S\n".as_bytes(),
        ),
        (
            "y.yaml",
            "id: y\ntitle: T\ndate: 1950\ntype: Cable\nsummary: S\n\"ab\u{202e}cd\": x\n"
                .as_bytes(),
        ),
    ]);
    for format in ["human", "concise", "json", "github", "sarif"] {
        let out = pipeline()
            .args(["validate", "--color", "never", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(!text.contains('\u{1b}'), "{format}: {text}");
        assert!(!text.contains('\u{202e}'), "{format}: {text}");
        // Found all the same: X002 for the file name, S002 for the field.
        assert!(
            text.contains("X002") && text.contains("S002"),
            "{format}: {text}"
        );
    }
}

/// With a limit (`--max-errors`), the engine keeps the first findings in reporting order
/// and counts the others by code: the same first findings and the same counts as a run
/// that keeps them all, whatever the order units finish in.
#[test]
fn a_finding_limit_keeps_the_first_and_counts_the_rest() {
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    // 60 unknown fields: under the bound of a document's findings of one code, all listed.
    let unknown: String = (0..60).map(|i| format!("unknown-{i}: v\n")).collect();
    let a = format!("id: a\n{base}{unknown}");
    let b = format!("id: b\n{base}related: [nowhere]\n");
    let c = "id: c\ntitle: T\n".to_string();
    let dir = catalogue(&[("a.yaml", &a), ("b.yaml", &b), ("c.yaml", &c)]);
    let settings = Settings::new(None).unwrap();
    let all = support::options(None, pipeline::engine::selection::Selection::All);
    let (every, _) = pipeline::engine::run(dir.path(), &settings, &all).unwrap();
    assert!(every.not_kept.is_empty());
    let limited = pipeline::engine::Options {
        keep_findings: Some(5),
        ..support::options(None, pipeline::engine::selection::Selection::All)
    };
    let (first, _) = pipeline::engine::run(dir.path(), &settings, &limited).unwrap();
    assert_eq!(first.findings, every.findings[..5]);
    assert_eq!(first.not_kept(), every.findings.len() - 5);
    assert_eq!(first.errors(), every.errors());
    assert_eq!(first.warnings(), every.warnings());
    // The counts by code of what was left out: 55 of a's 60 unknown fields (S002; the
    // first five, lines 6 to 10, are kept), b's
    // unresolved reference (X003), c's three missing fields (S001).
    let mut left: std::collections::BTreeMap<Code, usize> = Default::default();
    for f in &every.findings[5..] {
        *left.entry(f.code).or_default() += 1;
    }
    assert_eq!(first.not_kept, left);
    assert_eq!(left.get(&Code::UnknownField), Some(&55));
}

/// A record of 1,000 unknown fields lists the first 100 (the bound of one code in one
/// document, README Security) and counts the other 900: the totals and the exit status are
/// those of 1,000 errors, the last listed says how many more there are, and the 900 are
/// never built (600k of them held 558 MB whatever `--max-errors` said).
#[test]
fn a_record_of_many_unknown_fields_lists_a_hundred_and_counts_the_rest() {
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    let unknown: String = (0..1000).map(|i| format!("unknown-{i}: v\n")).collect();
    let dir = catalogue(&[("a.yaml", &format!("id: a\n{base}{unknown}"))]);
    let settings = Settings::new(None).unwrap();
    for keep in [None, Some(10)] {
        let options = pipeline::engine::Options {
            keep_findings: keep,
            ..support::options(None, pipeline::engine::selection::Selection::All)
        };
        let (c, _) = pipeline::engine::run(dir.path(), &settings, &options).unwrap();
        assert_eq!(c.errors(), 1000, "{keep:?}");
        assert_eq!(c.findings.len() + c.not_kept(), 1000, "{keep:?}");
        let listed = c.findings.len();
        assert_eq!(c.not_kept.get(&Code::UnknownField), Some(&(1000 - listed)));
        if keep.is_none() {
            assert_eq!(listed, 100);
            // The keys are on lines 6 to 1005: the first hundred listed, in order.
            let lines: Vec<usize> = c
                .findings
                .iter()
                .map(|f| f.location.unwrap().line)
                .collect();
            assert_eq!(lines, (6..106).collect::<Vec<_>>());
            let notes: Vec<&Finding> = c
                .findings
                .iter()
                .filter(|f| f.message.contains("more unknown fields"))
                .collect();
            assert_eq!(notes.len(), 1);
            assert_eq!(notes[0].location.unwrap().line, 105);
            assert!(
                notes[0]
                    .message
                    .contains("and 900 more unknown fields in this document, not listed"),
                "{}",
                notes[0].message
            );
        }
    }
    // From the command line: the exit status and the summary count all 1,000.
    let out = pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .args(["--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
    assert_eq!(text.matches("S002").count(), 100, "{text}");
    assert!(
        text.contains("1000 errors") || text.contains("1,000 errors"),
        "{text}"
    );
}

/// `validate FILE...` with a limit keeps the first findings of the named files and counts
/// the rest, as it comes: the same first findings and counts as a run that keeps every
/// finding, and nothing of the files not named (b.yaml's three missing fields).
#[test]
fn a_finding_limit_applies_to_named_files_and_counts_only_theirs() {
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    let unknown: String = (0..40).map(|i| format!("unknown-{i}: v\n")).collect();
    let a = format!("id: a\n{base}{unknown}");
    let dir = catalogue(&[("a.yaml", &a), ("b.yaml", &"id: b\ntitle: T\n".to_string())]);
    let settings = Settings::new(None).unwrap();
    let named = || pipeline::engine::selection::Selection::Files(vec![dir.path().join("a.yaml")]);
    let (every, _) =
        pipeline::engine::run(dir.path(), &settings, &support::options(None, named())).unwrap();
    assert_eq!(every.findings.len(), 40);
    assert!(every.not_kept.is_empty());
    let limited = pipeline::engine::Options {
        keep_findings: Some(5),
        ..support::options(None, named())
    };
    let (first, _) = pipeline::engine::run(dir.path(), &settings, &limited).unwrap();
    assert_eq!(first.findings, every.findings[..5]);
    assert_eq!(
        first.not_kept,
        std::collections::BTreeMap::from([(Code::UnknownField, 35)])
    );
    assert_eq!(first.errors(), 40);
}

/// The bound of a document holds for the collections file too: 150 collections each with
/// an unknown field list 100 and count 50, in the totals of a run.
#[test]
fn the_collections_file_lists_a_hundred_of_a_code_and_counts_the_rest() {
    let collections: String = (0..150)
        .map(|i| format!("c{i}:\n  title: C\n  unknown: x\n"))
        .collect();
    let record = "id: a\ntitle: T\ndate: 1950\ntype: Cable\nsummary: S\n".to_string();
    let dir = catalogue(&[("_collections.yaml", &collections), ("a.yaml", &record)]);
    let settings = Settings::new(None).unwrap();
    let all = support::options(None, pipeline::engine::selection::Selection::All);
    let (c, _) = pipeline::engine::run(dir.path(), &settings, &all).unwrap();
    let listed = c
        .findings
        .iter()
        .filter(|f| f.code == Code::UnknownField)
        .count();
    assert_eq!(listed, 100);
    assert_eq!(
        c.not_kept,
        std::collections::BTreeMap::from([(Code::UnknownField, 50)])
    );
    assert_eq!(c.errors(), 150);
}

/// `run --shard` with a limit keeps the first findings of what the shard reports (its own
/// files', single-record and stream, and the cross-record ones placed in them) and counts
/// the rest as they come: the same first findings and counts as the shard keeping every
/// finding, for both shards.
#[test]
fn a_finding_limit_applies_to_a_shard_and_counts_only_its_own() {
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    let unknown: String = (0..5).map(|i| format!("unknown-{i}: v\n")).collect();
    let mut files: Vec<(String, String)> = (0..20)
        .map(|r| {
            (
                format!("r{r:02}.yaml"),
                format!("id: r{r:02}\n{base}{unknown}related: [nowhere-{r}]\n"),
            )
        })
        .collect();
    // A stream: documents of both shards, an empty one, one that is not a mapping.
    let mut stream: String = (0..10)
        .map(|d| format!("---\nid: s{d:02}\n{base}tittle: x\n"))
        .collect();
    stream.push_str("---\n---\n- a list\n");
    files.push(("s.yaml".into(), stream));
    let files: Vec<(&str, &String)> = files.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let dir = catalogue(&files);
    let settings = Settings::new(None).unwrap();
    for index in 0..2 {
        let shard = || {
            pipeline::engine::selection::Selection::Shard(pipeline::engine::Shard {
                index,
                count: 2,
            })
        };
        let (every, _) =
            pipeline::engine::run(dir.path(), &settings, &support::options(None, shard())).unwrap();
        assert!(every.findings.len() > 20, "{}", every.findings.len());
        let limited = pipeline::engine::Options {
            keep_findings: Some(7),
            ..support::options(None, shard())
        };
        let (first, _) = pipeline::engine::run(dir.path(), &settings, &limited).unwrap();
        assert_eq!(first.findings, every.findings[..7]);
        let mut left: std::collections::BTreeMap<Code, usize> = Default::default();
        for f in &every.findings[7..] {
            *left.entry(f.code).or_default() += 1;
        }
        assert_eq!(first.not_kept, left);
        assert_eq!(first.errors(), every.errors());
        assert_eq!(first.warnings(), every.warnings());
    }
}

/// A single-record file with no record read (a YAML error, `id: [`) is reported by exactly
/// one shard, the one that owns its name (the id it must hold), as `validate` reports it: no
/// shard reported it, so the merged shards lost an error and a broken catalogue could pass.
/// Files that cannot be read at all are each one shard's too.
#[test]
fn a_file_with_no_record_read_is_reported_by_the_shard_that_owns_its_name() {
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    let mut files: Vec<(String, String)> = (0..12)
        .map(|r| (format!("r{r:02}.yaml"), format!("id: r{r:02}\n{base}")))
        .collect();
    for bad in ["b1", "b2", "b3", "b4", "b5"] {
        files.push((format!("{bad}.yaml"), "id: [\n".into()));
    }
    let files: Vec<(&str, &String)> = files.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let dir = catalogue(&files);
    let settings = Settings::new(None).unwrap();
    let y003 = |c: &pipeline::engine::catalogue::Catalogue| {
        let mut files: Vec<String> = c
            .findings
            .iter()
            .filter(|f| f.code == Code::YamlSyntax)
            .map(|f| f.file.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    };
    let (whole, _) = pipeline::engine::run(
        dir.path(),
        &settings,
        &support::options(None, pipeline::engine::selection::Selection::All),
    )
    .unwrap();
    assert_eq!(y003(&whole).len(), 5, "{:?}", whole.findings);
    for keep in [None, Some(1000)] {
        let mut reported = Vec::new();
        for index in 0..3 {
            let options = pipeline::engine::Options {
                keep_findings: keep,
                ..support::options(
                    None,
                    pipeline::engine::selection::Selection::Shard(pipeline::engine::Shard {
                        index,
                        count: 3,
                    }),
                )
            };
            let (shard, _) = pipeline::engine::run(dir.path(), &settings, &options).unwrap();
            reported.extend(y003(&shard));
        }
        reported.sort();
        assert_eq!(reported, y003(&whole), "keep_findings {keep:?}");
    }
}
