//! `pipeline convert` through the binary: the same rows and documents as `pipeline run`,
//! one record per line where promised, findings with the stream's line numbers, exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn record(id: &str) -> String {
    format!(
        "id: {id}\ntitle: Record {id}\ndate: March 3, 1957\ntype: Cable\n\
         summary: |\n  About {id}.\n  Second line.\npeople: [Kim Il Sung]\nlanguages: [Korean, ru]\n"
    )
}

const IDS: [&str; 3] = ["a-1", "b-1", "c-1"];

/// `pipeline convert --from FROM --to TO` over `input`: exit code, stdout, stderr.
fn convert(from: &str, to: &str, input: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("pipeline")
        .unwrap()
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
    Command::cargo_bin("pipeline")
        .unwrap()
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
