//! The run report (`run --report`, `validate --report`): `report.json` snapshots read by a
//! person, the numbers of a held-out catalogue checked by hand and against counts computed
//! independently from the CSV export, the page parsed by a standards HTML parser (html5lib,
//! strict) and rendered in a real browser (headless Chromium: a screenshot that is not blank,
//! the DOM after rendering holding the numbers).
//!
//! html5lib and Chromium are found on the `PATH` (`python3` that can `import html5lib`;
//! `chromium`). Where one is missing the test says SKIPPED, except in CI (`CI` set), where it
//! fails: `.ci/run` installs both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

use crate::support::{pipeline, root};

fn held_out() -> PathBuf {
    root().join("tests/fixtures/report/held-out")
}

fn with_findings() -> PathBuf {
    root().join("tests/fixtures/report/findings")
}

/// `pipeline run --report` over `input` into a new folder; the output folder.
fn run_with_report(input: &Path) -> tempfile::TempDir {
    let out = tempfile::TempDir::new().unwrap();
    pipeline()
        .args([
            "run",
            "--no-sync",
            "-q",
            "--format",
            "concise",
            "--report",
            "--input",
        ])
        .arg(input)
        .arg("--output")
        .arg(out.path().join("o"))
        .assert()
        .success();
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The report with what changes from run to run (time, scratch paths) replaced.
fn stable(mut report: Value) -> String {
    report["run"]["elapsed_seconds"] = Value::from(0);
    report["run"]["started"] = Value::from("<time>");
    if !report["run"]["output"].is_null() {
        report["run"]["output"] = Value::from("<output>");
    }
    let text = serde_json::to_string_pretty(&report).unwrap();
    text.replace(&format!("{}/", root().display()), "")
}

#[test]
fn report_json_of_the_shipped_collection() {
    let out = run_with_report(Path::new("input"));
    let o = out.path().join("o");
    // Published with the exports, through `.current`, like them.
    for name in ["report.html", "report.json"] {
        let link = std::fs::read_link(o.join(name)).unwrap();
        assert_eq!(link, Path::new(".current").join(name));
    }
    insta::assert_snapshot!(stable(read_json(&o.join("report.json"))));
}

#[test]
fn report_json_of_a_catalogue_with_findings() {
    let dir = tempfile::TempDir::new().unwrap();
    let page = dir.path().join("findings.html");
    // Invalid records: exit 1, and the report is written all the same.
    pipeline()
        .args(["validate", "-q", "--format", "concise", "--input"])
        .arg(with_findings())
        .arg("--report")
        .arg(&page)
        .assert()
        .code(1);
    assert!(page.is_file());
    insta::assert_snapshot!(stable(read_json(&dir.path().join("findings.json"))));
}

/// `run` publishes the report with the exports: a run with errors writes neither, and says
/// where a report of such a catalogue comes from.
#[test]
fn a_failed_run_writes_no_report_and_says_so() {
    let out = tempfile::TempDir::new().unwrap();
    let o = out.path().join("o");
    pipeline()
        .args([
            "run",
            "--no-sync",
            "--format",
            "concise",
            "--report",
            "--input",
        ])
        .arg(with_findings())
        .arg("--output")
        .arg(&o)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("validate --report FILE"));
    assert!(!o.join("report.html").exists());
}

/// Every number of the held-out catalogue, counted by hand from its eight files.
#[test]
fn held_out_catalogue_numbers_are_right() {
    let out = run_with_report(&held_out());
    let r = read_json(&out.path().join("o/report.json"));
    assert_eq!(r["version"], 1);
    let s = &r["summary"];
    assert_eq!(
        (
            &s["records"],
            &s["valid"],
            &s["invalid"],
            &s["errors"],
            &s["warnings"]
        ),
        (
            &Value::from(8),
            &Value::from(8),
            &Value::from(0),
            &Value::from(0),
            &Value::from(2)
        )
    );
    let codes: Vec<(&str, u64)> = r["findings"]["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, [("N001", 1), ("N002", 1)]);

    // creators: a, b, c, g, h; recipients: g; people: d, h; places: all but f;
    // subjects: a, b, d, f, g, h; languages: a, b, c, d, g, h; source, rights: h;
    // related: c, h.
    let fields: BTreeMap<&str, u64> = r["completeness"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["present"].as_u64().unwrap()))
        .collect();
    let want = [
        ("id", 8),
        ("title", 8),
        ("date", 8),
        ("type", 8),
        ("summary", 8),
        ("creators", 5),
        ("recipients", 1),
        ("people", 2),
        ("places", 7),
        ("subjects", 6),
        ("languages", 6),
        ("source", 1),
        ("rights", 1),
        ("collections", 8),
        ("related", 2),
    ];
    assert_eq!(fields, want.into_iter().collect());

    // a 1950; b 1950s (1950-1959); c ca. 1957; d 1957-1959; e undated; f before 1957;
    // g 1958?; h 1960-04-21.
    let t = &r["timeline"];
    assert_eq!(t["granularity"], "year");
    let totals = [
        ("dated", 6),
        ("single_year", 4),
        ("ranges", 2),
        ("approximate_or_uncertain", 2),
        ("open_ended", 1),
        ("undated", 1),
    ];
    for (key, n) in totals {
        assert_eq!(t[key], n, "{key}");
    }
    let buckets: Vec<(i64, u64, u64, u64)> = t["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["start"].as_i64().unwrap(),
                b["exact"].as_u64().unwrap(),
                b["approximate"].as_u64().unwrap(),
                b["range"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        buckets,
        [
            (1950, 1, 0, 1),
            (1951, 0, 0, 1),
            (1952, 0, 0, 1),
            (1953, 0, 0, 1),
            (1954, 0, 0, 1),
            (1955, 0, 0, 1),
            (1956, 0, 0, 1),
            (1957, 0, 1, 2),
            (1958, 0, 1, 2),
            (1959, 0, 0, 2),
            (1960, 1, 0, 0),
        ]
    );

    let top = |facet: &str| -> Vec<(String, u64)> {
        r["facets"][facet]["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_u64().unwrap()))
            .collect()
    };
    let pairs = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(s, n)| ((*s).into(), *n)).collect()
    };
    assert_eq!(
        top("agents"),
        pairs(&[
            ("Kim, Il Sung", 3),
            ("Park, Den Khe", 2),
            ("Mao, Zedong", 1),
            // Written as a person, it reads like an organization: kept as written (N002).
            ("Ministry of Foreign Affairs", 1),
            ("Pak, Den Khe", 1),
        ])
    );
    assert_eq!(
        top("places"),
        pairs(&[("Korea", 5), ("China", 2), ("Japan", 1)])
    );
    assert_eq!(
        top("subjects"),
        pairs(&[("Repatriation", 4), ("Ethnic Koreans", 2), ("Trade", 1)])
    );
    assert_eq!(top("languages"), pairs(&[("ru", 3), ("ko", 2), ("zh", 2)]));
    assert_eq!(
        top("types"),
        pairs(&[("Cable", 3), ("Journal", 2), ("Note", 2), ("Report", 1)])
    );
    assert_eq!(top("collections"), pairs(&[("c1", 6), ("c2", 3)]));
    assert_eq!(r["facets"]["languages"]["labels"]["ru"], "Russian");
    assert_eq!(
        r["facets"]["collections"]["labels"]["c2"],
        "Test collection two"
    );

    let names = &r["names"];
    assert_eq!(names["clusters_total"], 1);
    assert_eq!(names["clusters"][0]["suggested"], "Park Den Khe");
    assert_eq!(
        names["clusters"][0]["spellings"],
        serde_json::json!([["Park Den Khe", 2], ["Pak Den Khe", 1]])
    );
    assert_eq!(
        names["organizations"][0]["name"],
        "Ministry of Foreign Affairs"
    );
}

/// Counts computed from `records.csv` with the `csv` crate, field by field, without the
/// report's code; the report of the same run must agree.
fn agrees_with_csv(input: &Path) {
    let out = run_with_report(input);
    let o = out.path().join("o");
    let r = read_json(&o.join("report.json"));
    let mut reader = csv::Reader::from_path(o.join("records.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|row| {
            headers
                .iter()
                .zip(row.unwrap().iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect();
    let multi = |cell: &str| -> Vec<String> {
        let mut v: Vec<String> = if cell.is_empty() {
            Vec::new()
        } else {
            cell.split('|').map(str::to_string).collect()
        };
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(r["completeness"]["records"], rows.len());
    let present = |columns: &[&str]| {
        rows.iter()
            .filter(|row| columns.iter().any(|c| !row[*c].is_empty()))
            .count()
    };
    for field in r["completeness"]["fields"].as_array().unwrap() {
        let name = field["field"].as_str().unwrap();
        let columns: &[&str] = match name {
            "type" => &["type"],
            "source" => &["source", "source_archive"],
            other => &[other][..],
        };
        let columns: Vec<&str> = columns
            .iter()
            .map(|c| if *c == "date" { "date_as_written" } else { c })
            .collect();
        assert_eq!(field["present"], present(&columns), "{name}");
    }
    // Facets: records naming each value.
    let facets = [
        ("agents", &["creators", "recipients", "people"][..]),
        ("places", &["places"]),
        ("subjects", &["subjects"]),
        ("languages", &["languages"]),
        ("types", &["type"]),
        ("collections", &["collections"]),
    ];
    for (facet, columns) in facets {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for row in &rows {
            let mut values: Vec<String> = columns.iter().flat_map(|c| multi(&row[*c])).collect();
            values.sort();
            values.dedup();
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut want: Vec<(String, u64)> = counts.into_iter().collect();
        want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        // Every value in `values` (issue #25), the first 20 in `top`.
        let every: Vec<(String, u64)> = r["facets"][facet]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_u64().unwrap()))
            .collect();
        assert_eq!(every, want, "{facet}: values");
        assert_eq!(r["facets"][facet]["distinct"], want.len(), "{facet}");
        want.truncate(20);
        let got: Vec<(String, u64)> = r["facets"][facet]["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_u64().unwrap()))
            .collect();
        assert_eq!(got, want, "{facet}");
    }
    // The timeline from the bound columns: a year covered by each record's bounds.
    let year = |cell: &str| cell.get(..4).and_then(|y| y.parse::<i64>().ok());
    let (mut undated, mut open, mut per_year) = (0, 0, BTreeMap::<i64, u64>::new());
    for row in &rows {
        match (year(&row["date_earliest"]), year(&row["date_latest"])) {
            (Some(a), Some(b)) => (a..=b).for_each(|y| *per_year.entry(y).or_default() += 1),
            (None, None) => undated += 1,
            _ => open += 1,
        }
    }
    let t = &r["timeline"];
    assert_eq!(t["undated"], undated);
    assert_eq!(t["open_ended"], open);
    assert_eq!(t["granularity"], "year");
    for b in t["buckets"].as_array().unwrap() {
        let y = b["start"].as_i64().unwrap();
        let n = b["exact"].as_u64().unwrap()
            + b["approximate"].as_u64().unwrap()
            + b["range"].as_u64().unwrap();
        assert_eq!(n, per_year.get(&y).copied().unwrap_or(0), "{y}");
    }
    assert_eq!(
        t["buckets"].as_array().unwrap().len() as i64,
        per_year.keys().last().unwrap() - per_year.keys().next().unwrap() + 1
    );
}

#[test]
fn report_agrees_with_the_csv_export_of_the_shipped_collection() {
    agrees_with_csv(Path::new("input"));
}

#[test]
fn report_agrees_with_the_csv_export_of_the_held_out_catalogue() {
    agrees_with_csv(&held_out());
}

/// The incremental cache keeps exports, not what the report counts: a run with `--report`
/// after a run that filled the cache still counts every record, and a second run with the
/// report gives the same aggregates.
#[test]
fn report_counts_every_record_after_a_cached_run() {
    let out = tempfile::TempDir::new().unwrap();
    let o = out.path().join("o");
    let run = |report: bool| {
        let mut cmd = pipeline();
        cmd.args(["run", "--no-sync", "-q", "--format", "concise", "--input"])
            .arg(held_out())
            .arg("--output")
            .arg(&o);
        if report {
            cmd.arg("--report");
        }
        cmd.assert().success();
    };
    run(false);
    assert!(!o.join("report.html").exists());
    run(true);
    let first = stable(read_json(&o.join("report.json")));
    assert!(first.contains("\"records\": 8"), "{first}");
    run(true);
    assert_eq!(stable(read_json(&o.join("report.json"))), first);
    // A run without the report removes the links to the previous one.
    run(false);
    assert!(std::fs::symlink_metadata(o.join("report.html")).is_err());
    assert!(std::fs::symlink_metadata(o.join("report.json")).is_err());
}

/// Records in a `---` stream are counted like records in files, and the report does not
/// depend on the number of threads.
#[test]
fn stream_documents_are_counted_and_the_thread_count_does_not_matter() {
    let dir = tempfile::TempDir::new().unwrap();
    let catalogue = dir.path().join("c");
    std::fs::create_dir(&catalogue).unwrap();
    let mut stream = String::new();
    for (id, date, place) in [
        ("s-1", "1957", "Korea"),
        ("s-2", "1957-1958", "Japan"),
        ("s-3", "undated", "Korea"),
    ] {
        stream.push_str(&format!(
            "---\nid: {id}\ntitle: T\ndate: {date}\ntype: Note\nsummary: S.\nplaces: [{place}]\n"
        ));
    }
    std::fs::write(catalogue.join("stream.yaml"), stream).unwrap();
    std::fs::copy(
        held_out().join("a-1950.yaml"),
        catalogue.join("a-1950.yaml"),
    )
    .unwrap();
    std::fs::copy(
        held_out().join("_collections.yaml"),
        catalogue.join("_collections.yaml"),
    )
    .unwrap();
    let report = |threads: &str, kind: &str| {
        let out = dir.path().join(format!("{kind}-{threads}"));
        let mut cmd = pipeline();
        cmd.args([kind, "-q", "--format", "concise", "-j", threads, "--input"])
            .arg(&catalogue)
            .arg("--report");
        let json = if kind == "run" {
            cmd.arg("--no-sync").arg("--output").arg(&out);
            out.join("report.json")
        } else {
            cmd.arg(out.with_extension("html"));
            out.with_extension("json")
        };
        cmd.assert().success();
        let mut r = read_json(&json);
        r["run"] = Value::Null;
        r
    };
    let one = report("1", "run");
    assert_eq!(one["summary"]["records"], 4);
    assert_eq!(one["completeness"]["records"], 4);
    assert_eq!(one["timeline"]["undated"], 1);
    assert_eq!(one["timeline"]["ranges"], 1);
    assert_eq!(
        one["facets"]["places"]["top"],
        serde_json::json!([["Korea", 3], ["Japan", 1]])
    );
    assert_eq!(report("2", "run"), one);
    assert_eq!(report("1", "validate"), one);
    assert_eq!(report("2", "validate"), one);
}

#[test]
fn run_report_takes_a_file_name_and_refuses_a_path() {
    let out = tempfile::TempDir::new().unwrap();
    let o = out.path().join("o");
    pipeline()
        .args([
            "run",
            "--no-sync",
            "-q",
            "--report",
            "summary.html",
            "--output",
        ])
        .arg(&o)
        .assert()
        .success();
    assert!(o.join("summary.html").is_file());
    assert!(o.join("summary.json").is_file());
    pipeline()
        .args([
            "run",
            "--no-sync",
            "-q",
            "--report",
            "../x.html",
            "--output",
        ])
        .arg(&o)
        .assert()
        .code(2);
    assert!(!out.path().join("x.html").exists());
    // Refused when the arguments are read, before any record: a name whose JSON would be
    // itself, or one of the output folder's own files.
    for name in ["report.json", "records.csv", ".hidden.html"] {
        pipeline()
            .args(["run", "--no-sync", "-q", "--report", name, "--output"])
            .arg(&o)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("invalid value"));
    }
    assert!(
        o.join("summary.html").is_file(),
        "the outputs in force are untouched"
    );
    // A shard sees only its records: no report of a part.
    pipeline()
        .args([
            "run",
            "--no-sync",
            "-q",
            "--shard",
            "0/2",
            "--report",
            "--output",
        ])
        .arg(&o)
        .assert()
        .code(2);
}

#[test]
fn validate_selected_files_writes_a_report_of_them() {
    let dir = tempfile::TempDir::new().unwrap();
    let page = dir.path().join("r.html");
    pipeline()
        .args([
            "validate",
            "-q",
            "input/liu-shaoqi-cable-1950-01-22.yaml",
            "input/puzanov-journal-1957-08-19.yaml",
            "--report",
        ])
        .arg(&page)
        .assert()
        .success();
    let r = read_json(&dir.path().join("r.json"));
    assert_eq!(r["summary"]["records"], 2);
    assert_eq!(r["completeness"]["records"], 2);
    assert_eq!(r["timeline"]["dated"], 2);
}

// ---------------------------------------------------------------------------------------
// The page, parsed and rendered by independent tools.

/// Whether `tool` can run; otherwise SKIPPED, or a failure in CI.
pub(crate) fn have(tool: &str, probe: &mut Process, what: &str) -> bool {
    if probe.output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{tool} is not available ({what}), and CI must run this test"
    );
    eprintln!("SKIPPED: {tool} is not available ({what})");
    false
}

/// The two pages the browser tests look at: the shipped collection's (`run --report`) and
/// the catalogue with findings (`validate --report`).
fn pages(dir: &Path) -> [PathBuf; 2] {
    let shipped = dir.join("o");
    pipeline()
        .args(["run", "--no-sync", "-q", "--report", "--output"])
        .arg(&shipped)
        .assert()
        .success();
    let findings = dir.join("findings.html");
    pipeline()
        .args(["validate", "-q", "--format", "concise", "--input"])
        .arg(with_findings())
        .arg("--report")
        .arg(&findings)
        .assert()
        .code(1);
    [shipped.join("report.html"), findings]
}

#[test]
fn report_html_parses_without_errors_in_html5lib_strict_mode() {
    let probe = &mut Process::new("python3");
    probe.args(["-c", "import html5lib"]);
    if !have("html5lib", probe, "pip install html5lib") {
        return;
    }
    let dir = tempfile::TempDir::new().unwrap();
    let held = run_with_report(&held_out());
    let [shipped, findings] = pages(dir.path());
    for page in [shipped, findings, held.path().join("o/report.html")] {
        let out = Process::new("python3")
            .args([
                "-c",
                "import sys, html5lib\n\
                 p = html5lib.HTMLParser(strict=True)\n\
                 p.parse(open(sys.argv[1], 'rb').read().decode('utf-8'))\n\
                 print('parsed', len(p.errors), 'errors')",
            ])
            .arg(&page)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", page.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "parsed 0 errors\n");
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Process::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Headless Chromium as root needs these; a new profile each time, and nothing fetched.
fn headless(browser: &str, profile: &Path) -> Process {
    let mut cmd = Process::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1100,2400",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The pixels of a PNG: how many differ from the first (the page background).
fn non_background_pixels(png: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples() * usize::from(info.bit_depth as u8 / 8).max(1);
    let first = &bytes[..px];
    let differ = bytes.chunks(px).filter(|p| p != &first).count();
    (differ, bytes.len() / px)
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        have(
            "chromium",
            &mut Process::new("chromium-is-missing"),
            "apt-get install chromium",
        );
        return;
    };
    let dir = tempfile::TempDir::new().unwrap();
    let [shipped, findings] = pages(dir.path());
    let held = run_with_report(&held_out());
    let held_page = held.path().join("o/report.html");
    for (i, page) in [&shipped, &findings, &held_page].into_iter().enumerate() {
        let url = format!("file://{}", page.canonicalize().unwrap().display());
        let shot = dir.path().join(format!("shot-{i}.png"));
        let out = headless(browser, &dir.path().join(format!("profile-shot-{i}")))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        assert!(shot.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
        let (differ, all) = non_background_pixels(&shot);
        // Text, bars and rules cover a good part of a report page; a blank or error page
        // has next to nothing.
        assert!(
            differ * 100 > all * 3,
            "{differ} of {all} pixels drawn in {url}"
        );
        if let Some(keep) = std::env::var_os("REPORT_SCREENSHOTS") {
            std::fs::copy(&shot, Path::new(&keep).join(format!("report-{i}.png"))).unwrap();
        }
    }
    let dom = |page: &Path, i: usize| -> String {
        let url = format!("file://{}", page.canonicalize().unwrap().display());
        let out = headless(browser, &dir.path().join(format!("profile-dom-{i}")))
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    // The shipped collection: ten records, every one valid, the charts with their titles.
    let d = dom(&shipped, 0);
    for text in [
        "<b>10</b>records read",
        "<b>10</b>valid",
        "<b>0</b>invalid",
        "Records with each field",
        "Records per year",
        "No findings",
        "Liu, Shaoqi, 1898-1969",
    ] {
        assert!(d.contains(text), "`{text}` is not in the rendered page");
    }
    // The catalogue with findings: counts, the chart of codes, a finding's place.
    let d = dom(&findings, 1);
    for text in [
        "<b>6</b>records read",
        "<b>2</b>valid",
        "<b>4</b>invalid",
        "<b>4</b>errors",
        "<b>2</b>warnings",
        "Findings by code",
        "bad-date.yaml:3:7",
        "typo.yaml:6:1",
        "Records with each field",
    ] {
        assert!(d.contains(text), "`{text}` is not in the rendered page");
    }
    // The held-out catalogue: the timeline's counts beside the chart and in its table.
    let d = dom(&held_page, 2);
    for text in [
        "<b>8</b>records read",
        "6 dated records (4 within one year, 2 ranges over several years; 2 approximate or uncertain)",
        "<strong>1 undated</strong>",
        "<strong>1 with an open end</strong>",
        "<td>1957</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">2</td>",
        "<td>Kim, Il Sung</td><td class=\"n\">3</td>",
        "<td>Russian (ru)</td><td class=\"n\">3</td>",
    ] {
        assert!(d.contains(text), "`{text}` is not in the rendered page");
    }
}

/// A report named after its JSON is refused when the arguments are read, with exit 2 and
/// before any record is read: for `run` (in the output folder) and `validate` (a path).
#[test]
fn a_report_named_like_its_json_is_refused_before_the_run() {
    let out = tempfile::TempDir::new().unwrap();
    for args in [
        vec![
            "validate",
            "--input",
            "/nonexistent-catalogue",
            "--report",
            "r.json",
        ],
        vec![
            "run",
            "--input",
            "/nonexistent-catalogue",
            "--output",
            "unused",
            "--report",
            "r.json",
        ],
    ] {
        let o = pipeline()
            .current_dir(out.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        // Refused by the argument parser, not by the run (the input does not even exist).
        assert!(stderr.contains("--report"), "{stderr}");
        assert!(!stderr.contains("does not exist"), "{stderr}");
    }
}

/// Issue #23: the report lists the persons' names kept as written (N005, N006), most
/// frequent first, so that a cataloguer can work through them. Counts worked out from the
/// records written here: `Katsushika Hokusai` three times, `Sitting Bull` once (N006),
/// `Gilbert & George` twice (N005).
#[test]
fn report_lists_names_kept_as_written_by_frequency() {
    let dir = tempfile::tempdir().unwrap();
    let record = |id: &str, creators: &str| {
        std::fs::write(
            dir.path().join(format!("{id}.yaml")),
            format!(
                "id: {id}\ntitle: A title\ndate: 1831\ntype: Print\nsummary: A print.\n\
                 creators: [{creators}]\n"
            ),
        )
        .unwrap();
    };
    record("a", "Katsushika Hokusai, Gilbert & George");
    record("b", "Katsushika Hokusai, Sitting Bull");
    record("c", "Katsushika Hokusai, Gilbert & George");
    let out = run_with_report(dir.path());
    let r = read_json(&out.path().join("o").join("report.json"));
    let kept: Vec<(String, String, u64)> = r["names"]["kept_as_written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_string(),
                k["code"].as_str().unwrap().to_string(),
                k["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |n: &str, c: &str, k: u64| (n.to_string(), c.to_string(), k);
    assert_eq!(
        kept,
        [
            expect("Katsushika Hokusai", "N006", 3),
            expect("Gilbert & George", "N005", 2),
            expect("Sitting Bull", "N006", 1),
        ]
    );
    assert!(
        r["names"]["kept_as_written"][0]["first"]
            .as_str()
            .unwrap()
            .ends_with("a.yaml:6:12")
    );
}

/// With `--report`, a limit on the findings kept (`--max-errors`) keeps the report's first
/// [`pipeline::report::FINDINGS_CAP`] findings and every finding it tallies by name, and
/// counts the rest by code: the report is the one a run keeping every finding makes.
/// 1,200 unknown fields (twelve records of 100) come first; the organization-like name
/// (N002) of z.yaml comes after the first thousand.
#[test]
fn a_finding_limit_keeps_what_the_report_lists_and_tallies() {
    let dir = tempfile::TempDir::new().unwrap();
    let base = "title: T\ndate: 1950\ntype: Cable\nsummary: S\n";
    let unknown: String = (0..100).map(|i| format!("unknown-{i}: v\n")).collect();
    for r in 0..12 {
        std::fs::write(
            dir.path().join(format!("r{r:02}.yaml")),
            format!("id: r{r:02}\n{base}{unknown}"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("z.yaml"),
        format!("id: z\n{base}creators:\n  - Acme Trading Company Ltd\n"),
    )
    .unwrap();
    let settings = pipeline::engine::catalogue::Settings::new(None).unwrap();
    let options = |keep| pipeline::engine::Options {
        report: true,
        keep_findings: keep,
        ..crate::support::options(None, pipeline::engine::selection::Selection::All)
    };
    let report = |keep| {
        let (mut c, _) = pipeline::engine::run(dir.path(), &settings, &options(keep)).unwrap();
        let kept = c.findings.len();
        let a = c.aggregates.take().map(|a| *a).unwrap_or_default();
        let info =
            pipeline::report::run_info("validate", dir.path(), None, None, Default::default());
        let r = pipeline::report::build(
            &a,
            &c.findings,
            &c.not_kept,
            &c.collections,
            c.summary(),
            info,
        );
        (kept, serde_json::to_value(&r).unwrap())
    };
    let (all_kept, mut every) = report(None);
    let (kept, mut limited) = report(Some(1));
    assert_eq!(all_kept, 1201);
    // The first thousand and the N002.
    assert_eq!(kept, 1001);
    for r in [&mut every, &mut limited] {
        r["run"] = Value::Null;
    }
    assert_eq!(limited, every);
    assert_eq!(every["findings"]["total"], 1201);
    assert_eq!(every["findings"]["omitted"], 201);
    assert_eq!(
        every["names"]["organizations"][0]["name"],
        "Acme Trading Company Ltd"
    );
}
