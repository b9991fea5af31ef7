//! One fixture and one snapshot per finding code: what a cataloguer sees (the concise
//! format, exit code included) for each kind of problem. The fixtures are the catalogue
//! folders `tests/fixtures/codes/<code>/`; every code of `Code::ALL` must have one, and the
//! fixture must actually produce its code (so a snapshot cannot silently stop covering it).
//!
//! Two fixtures are committed symbolic links, as git stores them on Unix checkouts:
//! `y001/dangling.yaml` (leads nowhere) and `y009/outside.yaml -> ../y001/good.yaml`, a link
//! out of the `y009` catalogue to a file of this repository, so the snapshot is the same on
//! every machine. (A checkout without symbolic links, `core.symlinks=false`, makes them small
//! text files and these two snapshots fail.) Links to the rest of the machine, `/proc`, and
//! FIFOs are built at test time in `tests/it/hostile.rs`.

use std::path::Path;

use pipeline::diagnostics::Code;

use crate::support::pipeline;

fn validate(dir: &str, format: &str) -> (i32, String, String) {
    let output = pipeline()
        .args(["validate", "-q", "--format", format, dir])
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_code_has_a_fixture_that_produces_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codes");
    for code in Code::ALL {
        let name = code.as_str().to_lowercase();
        assert!(root.join(&name).is_dir(), "no fixture folder for {code}");
        let dir = format!("tests/fixtures/codes/{name}");
        let (exit, _, stderr) = validate(&dir, "concise");
        let tag = format!("{}[{code}]", code.severity().as_str());
        assert!(
            stderr.contains(&tag),
            "{dir} does not produce {tag}:\n{stderr}"
        );
        let expected = if code.severity() == pipeline::diagnostics::Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(exit, expected, "{dir}");
        insta::assert_snapshot!(name.clone(), format!("exit code: {exit}\n{stderr}"));
    }
}

/// Warnings fail the run only with --deny-warnings.
#[test]
fn deny_warnings_makes_warnings_fail() {
    let out = pipeline()
        .args([
            "validate",
            "-q",
            "--deny-warnings",
            "tests/fixtures/codes/n002",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn max_errors_caps_the_output_but_not_the_count() {
    let out = pipeline()
        .args([
            "validate",
            "--max-errors",
            "1",
            "--format",
            "concise",
            "tests/fixtures/codes/x001",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.matches("error[X001]").count(), 1, "{stderr}");
    assert!(stderr.contains("... and 1 more findings"), "{stderr}");
    assert!(stderr.contains("2 errors"), "{stderr}");
}

/// The same findings in every machine format (stdout), and in the human format (stderr).
#[test]
fn every_format_of_one_catalogue() {
    let dir = "tests/fixtures/codes/s002";
    for format in ["human", "json", "github", "sarif"] {
        let (exit, stdout, stderr) = validate(dir, format);
        assert_eq!(exit, 1);
        let shown = if format == "human" { &stderr } else { &stdout };
        insta::assert_snapshot!(format!("format-{format}"), shown);
    }
}

/// The SARIF log is well-formed SARIF 2.1.0 in the parts code-scanning upload reads.
#[test]
fn sarif_has_the_shape_code_scanning_reads() {
    let (_, stdout, _) = validate("tests/fixtures/codes/x003", "sarif");
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "pipeline");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "X003");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "X003");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 6);
    assert_eq!(region["startColumn"], 11);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/codes/x003/cable.yaml"
    );
}

#[test]
fn explain_prints_the_documentation_of_a_code() {
    let out = pipeline().args(["explain", "s002"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("## S002 unknown-field"), "{text}");
    assert!(text.contains("**Fix.**"));
    let out = pipeline().args(["explain", "Q123"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
