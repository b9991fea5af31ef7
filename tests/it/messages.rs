//! The report and the messages as a person reads them (issue #25, "The report and the
//! messages, as a person sees them"): "did you mean" for a misspelt month or language, the
//! N001 help, the catalogue found from a file's folder, the summary line's words, the
//! report's facet notes, legend, code and time.
//!
//! The misspellings are those of the issue (`Octobr 1956`, `Polnish`); what the suggestions
//! must read as comes from the README's date and language rules.

use predicates::prelude::*;

use crate::support::{catalogue, pipeline};

/// A valid record but for `date` and `languages`, as `date: {date}`.
fn record(id: &str, date: &str, languages: &str) -> String {
    format!(
        "id: {id}\ntitle: A title\ndate: {date}\ntype: Cable\nsummary: A summary.\n\
         languages: [{languages}]\n"
    )
}

#[test]
fn a_misspelt_month_gets_a_did_you_mean_that_reads() {
    let dir = catalogue(&[
        ("octobr.yaml", record("octobr", "Octobr 1956", "en")),
        // With the reader's other words around it.
        ("before.yaml", record("before", "before Octobr 1956", "en")),
    ]);
    pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "octobr.yaml:3:7: error[D004]: `Octobr 1956` is not a date in a form we can read\n  \
             help: did you mean `October 1956` (read as `1956-10`)?",
        ))
        .stderr(predicate::str::contains(
            "before.yaml:3:7: error[D004]: `before Octobr 1956` is not a date in a form we can \
             read\n  help: did you mean `before October 1956` (read as `../1956-10`)?",
        ));
}

/// A suggestion is offered only when the respelled date is read: `Juny` is one letter from
/// June and from July, and `Octobr 45th 1956` is no date even as `October`.
#[test]
fn no_did_you_mean_for_a_month_between_two_or_a_date_still_unread() {
    let dir = catalogue(&[
        ("juny.yaml", record("juny", "Juny 1956", "en")),
        (
            "still.yaml",
            record("still", "Octobr the 45th of 1956", "en"),
        ),
    ]);
    pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[D004]: `Juny 1956`"))
        .stderr(predicate::str::contains(
            "error[D004]: `Octobr the 45th of 1956`",
        ))
        .stderr(predicate::str::contains("did you mean").not());
}

#[test]
fn a_misspelt_language_gets_a_did_you_mean() {
    let dir = catalogue(&[("polnish.yaml", record("polnish", "1956", "Polnish"))]);
    pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "polnish.yaml:6:13: error[L001]: `Polnish` is neither an ISO 639 code nor a language \
             name we know\n  help: did you mean `Polish`? Otherwise, write the English name",
        ));
}

/// A collection defined at the top of the catalogue, a record two folders down.
fn nested_catalogue() -> tempfile::TempDir {
    catalogue(&[
        (
            "mycat/_collections.yaml",
            "letters: {title: Letters, description: The letters.}\n".to_string(),
        ),
        (
            "mycat/letters/x.yaml",
            record("x", "1956", "en") + "collections: [letters]\n",
        ),
    ])
}

/// `validate mycat/letters/x.yaml` without `--input mycat` (issue #25): the catalogue is the
/// nearest folder up holding `_collections.yaml`, and the program says which it took.
#[test]
fn a_file_named_outside_input_is_checked_against_its_catalogue() {
    let dir = nested_catalogue();
    pipeline()
        .current_dir(dir.path())
        .args(["validate", "mycat/letters/x.yaml"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "pipeline: mycat/letters/x.yaml: checked against the catalogue folder mycat (the \
             nearest folder up holding _collections.yaml or _authorities.yaml; --input names \
             another)",
        ))
        .stderr(predicate::str::contains("X004").not());
    // A folder of the catalogue, too.
    pipeline()
        .current_dir(dir.path())
        .args(["validate", "mycat/letters"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "pipeline: mycat/letters: checked against the catalogue folder mycat (",
        ));
    // From inside the catalogue, the folder is named as the user can reach it.
    pipeline()
        .current_dir(dir.path().join("mycat/letters"))
        .args(["validate", "x.yaml"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "pipeline: x.yaml: checked against the catalogue folder ..",
        ));
}

/// With no catalogue folder up from it, a file is checked against its own folder, and the
/// note says that none was found (so an X004 can be read for what it is).
#[test]
fn a_file_with_no_catalogue_up_says_so() {
    let dir = catalogue(&[(
        "lone/x.yaml",
        record("x", "1956", "en") + "collections: [letters]\n",
    )]);
    pipeline()
        .current_dir(dir.path())
        .args(["validate", "lone/x.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "pipeline: lone/x.yaml: checked against the catalogue folder lone (no folder up \
             holds _collections.yaml or _authorities.yaml; --input names another)",
        ))
        .stderr(predicate::str::contains("error[X004]"));
}

/// N001 with two spellings written once each (issue #25): the help proposed the unaccented
/// `Lech Walesa` (first in byte order) with `variants: []`. The fuller spelling is proposed
/// (RDA 1.7.4 records diacritics as they appear; they can be folded away but not put back),
/// and an entry is never proposed with an empty list of variants: the authority match
/// already equates `Walesa` with `Wałęsa`.
#[test]
fn n001_prefers_the_spelling_with_diacritics_and_never_proposes_empty_variants() {
    let agent = |id: &str, name: &str| {
        format!(
            "id: {id}\ntitle: A title\ndate: 1980\ntype: Letter\nsummary: A summary.\n\
             creators: [{name}]\n"
        )
    };
    let dir = catalogue(&[
        ("a.yaml", agent("a", "Lech Walesa")),
        ("b.yaml", agent("b", "Lech Wałęsa")),
    ]);
    pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "warning[N001]: one person may be spelled in several ways: `Lech Wałęsa` once",
        ))
        .stderr(predicate::str::contains(
            "help: if they are one person, add to _authorities.yaml: `- {preferred: \
             \"Lech Wałęsa\", kind: person}` (the other spellings match it already",
        ))
        .stderr(predicate::str::contains("variants: []").not());
}

/// The summary line (issue #25): "1 warnings" and "1 records" are singular; `validate`
/// writes nothing and no longer says "0 written"; `run` still counts what it wrote.
#[test]
fn the_summary_line_counts_in_words_and_validate_says_nothing_of_writing() {
    let dir = catalogue(&[
        (
            "a.yaml",
            "id: a\ntitle: A title\ndate: 1957\ntype: Letter\nsummary: A summary.\n\
             creators: [Kim Il Sung]\n",
        ),
        (
            "b.yaml",
            "id: b\ntitle: A title\ndate: Octobr 1956\ntype: Letter\nsummary: A summary.\n\
             creators: [Kim Il-sung]\n",
        ),
    ]);
    pipeline()
        .args(["validate", "--input"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(
            r"\npipeline: 2 records read, 1 valid, 1 invalid; 1 error, 1 warning in [0-9.]+s\n$",
        )
        .unwrap());
    let one = catalogue(&[("a.yaml", record("a", "1957", "en"))]);
    let out = tempfile::TempDir::new().unwrap();
    pipeline()
        .args(["run", "--input"])
        .arg(one.path())
        .arg("--output")
        .arg(out.path())
        .assert()
        .code(0)
        .stderr(
            predicate::str::is_match(
                r"^pipeline: 1 record read, 1 valid, 0 invalid, 1 written in [0-9.]+s\n$",
            )
            .unwrap(),
        );
}

/// `fix` counts in words too ("1 value in 1 of 1 file" was "1 values ... 1 files").
#[test]
fn the_fix_summary_counts_in_words() {
    let dir = catalogue(&[("a.yaml", record("a", "January 11, 1950", "en"))]);
    pipeline()
        .args(["fix", "--diff"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "pipeline: would fix 1 value in 1 of 1 file; 0 left as written, in",
        ));
}

/// The README's exit codes of `fix` (its table had none): 0 when nothing is left, 1 when an
/// error is left as written (the other fixes written), 2 when a path is missing.
#[test]
fn fix_exits_as_the_readme_table_says() {
    let dir = catalogue(&[
        ("a.yaml", record("a", "January 11, 1950", "en")),
        ("b.yaml", record("b", "Octobr 1956", "en")),
    ]);
    pipeline()
        .arg("fix")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "fixed 1 value in 1 of 2 files; 1 left as written",
        ));
    assert!(
        std::fs::read_to_string(dir.path().join("a.yaml"))
            .unwrap()
            .contains("normal: 1950-01-11")
    );
    std::fs::remove_file(dir.path().join("b.yaml")).unwrap();
    pipeline().arg("fix").arg(dir.path()).assert().code(0);
    pipeline()
        .arg("fix")
        .arg(dir.path().join("missing.yaml"))
        .assert()
        .code(2);
}

/// `validate --report` of `files` into a new folder: the page and the JSON as text.
fn report_of(
    files: &[(&str, String)],
    exit: i32,
) -> (String, serde_json::Value, time_bounds::Bounds) {
    let dir = catalogue(files);
    let page = dir.path().join("out/report.html");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    let before = time_bounds::now();
    pipeline()
        .args(["validate", "-q", "--input"])
        .arg(dir.path().join("cat"))
        .arg("--report")
        .arg(&page)
        .assert()
        .code(exit);
    let after = time_bounds::now();
    let html = std::fs::read_to_string(&page).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(page.with_extension("json")).unwrap())
        .unwrap();
    (html, json, (before, after))
}

/// Seconds since the Unix epoch, to compare the report's time with the test's clock.
mod time_bounds {
    pub type Bounds = (u64, u64);
    pub fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }
}

/// The shipped collection names 24 agents: the page listed 20 under "Agents (24 distinct)"
/// with no note (issue #25). It says which 20 it shows, and `report.json` keeps all 24
/// (the 24 counted from the CSV export in `report::agrees_with_csv`).
#[test]
fn facets_say_they_show_the_most_frequent_and_the_json_keeps_them_all() {
    let files: Vec<(String, String)> = std::fs::read_dir(crate::support::shipped_input())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                format!("cat/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    let (html, json, _) = report_of(&files, 0);
    let agents = &json["facets"]["agents"];
    assert_eq!(agents["distinct"], 24);
    assert_eq!(agents["top"].as_array().unwrap().len(), 20);
    assert_eq!(agents["values"].as_array().unwrap().len(), 24);
    assert!(
        html.contains("<h3>Agents: the 20 most frequent of 24</h3>"),
        "{html}"
    );
    assert!(html.contains(
        "<p class=\"note\">The JSON beside this page lists all 24 (<code>facets.agents.values</code>).</p>"
    ));
    // A facet shown whole keeps its heading.
    assert!(html.contains("<h3>Languages (2 distinct)</h3>"));
}

/// The page's findings (issue #25): the colours of the chart by code have a legend, a
/// backtick-quoted stretch is `<code>` (escaped: the catalogue's `<i>` stays text), and the
/// page and the JSON say when the run started.
#[test]
fn report_page_has_a_legend_code_and_the_time_of_the_run() {
    let (html, json, (before, after)) = report_of(
        &[
            ("cat/a.yaml", record("a", "1957", "<i>Polnish</i>")),
            (
                "cat/b.yaml",
                "id: b\ntitle: A title\ndate: 1957\ntype: Letter\nsummary: A summary.\n\
             creators: [Ministry of Foreign Affairs]\n"
                    .to_string(),
            ),
        ],
        1,
    );
    assert!(
        html.contains("<span style=\"background:#D55E00\"></span>error (the record is refused)")
    );
    assert!(
        html.contains("<span style=\"background:#E69F00\"></span>warning (the record is kept)")
    );
    assert!(
        html.contains(
            ": <code>&lt;i&gt;Polnish&lt;/i&gt;</code> is neither an ISO 639 code nor a language \
             name we know"
        ),
        "{html}"
    );
    // No backtick is left in the findings and the table of codes (the explanations, in
    // `<pre>`, are shown as the Markdown of `pipeline explain`).
    let findings =
        &html[html.find("id=\"findings\"").unwrap()..html.find("<h3>What the codes mean").unwrap()];
    assert!(!findings.contains('`'), "{findings}");
    // The page with the catalogue's markup quoted in `<code>` parses in html5lib's strict
    // mode (as `report::report_html_parses_without_errors_in_html5lib_strict_mode`).
    if crate::report::have(
        "html5lib",
        std::process::Command::new("python3").args(["-c", "import html5lib"]),
        "pip install html5lib",
    ) {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, html5lib\n\
                 p = html5lib.HTMLParser(strict=True)\n\
                 p.parse(sys.stdin.buffer.read().decode('utf-8'))\n\
                 print('parsed', len(p.errors), 'errors')",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(html.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "parsed 0 errors\n");
    }
    // The time: RFC 3339 in UTC, within the run, shown on the page.
    let started = json["run"]["started"].as_str().unwrap();
    let t: jiff::Timestamp = started.parse().unwrap();
    let secs = t.as_second() as u64;
    assert!(started.ends_with('Z') && started.len() == 20, "{started}");
    assert!(
        before.saturating_sub(1) <= secs && secs <= after,
        "{started}"
    );
    let (day, time) = started.trim_end_matches('Z').split_once('T').unwrap();
    assert!(html.contains(&format!(
        "<time datetime=\"{started}\">{day} {time} UTC</time>"
    )));
}
