//! `pipeline fix` keeps what was written (issue #23): a date keeps its wording beside the EDTF
//! `fix` adds (`{expression, normal}`), the three exports carry both, names are never
//! replaced by headings, and the rest of the file stays byte for byte.
//!
//! Where the expectations come from: the EDTF of each date is the Library of Congress EDTF
//! specification (2019) for the date the words name (`Spring` is the season code 21, level 1);
//! the mapping of the expression and the normal form to the exports is the README's (CSV
//! `date` / `date_as_written`, JSON-LD `dcterms:created` / `dateAsWritten`, Dublin Core
//! `dc:date`), after DACS 2.4 and EAD `unitdate@normal`, which keep the expression as written
//! beside its normalized form; the fixed files are written out here by hand.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

use crate::exports::dc_elements;
use crate::support::{catalogue, pipeline};

const REST: &str = "type: Cable\nsummary: S.\n";

/// `pipeline run` of `input` into a new folder; it must succeed.
fn run(input: &Path) -> TempDir {
    let out = TempDir::new().unwrap();
    let output = pipeline()
        .args(["run", "-q", "--format", "concise", "-i"])
        .arg(input)
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    out
}

/// The CSV rows as (id, date, date_as_written), read with the `csv` crate.
fn csv_dates(out: &TempDir) -> Vec<(String, String, String)> {
    let bytes = fs::read(out.path().join("records.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (date, written) = (col("date"), col("date_as_written"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[date].to_string(),
                r[written].to_string(),
            )
        })
        .collect()
}

/// The JSON-LD record node of `id`: its EDTF (`dcterms:created`'s value) and `dateAsWritten`.
fn jsonld_date(out: &TempDir, id: &str) -> (String, String) {
    let doc: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("records.jsonld")).unwrap()).unwrap();
    let node = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["identifier"] == id)
        .unwrap_or_else(|| panic!("no node for {id}"));
    let edtf = node["created"].as_str().unwrap_or_else(|| panic!("{node}"));
    (
        edtf.to_string(),
        node["dateAsWritten"].as_str().unwrap().to_string(),
    )
}

/// The `dc:date` elements of a record's Dublin Core.
fn dc_dates(out: &TempDir, id: &str) -> Vec<String> {
    let text = fs::read_to_string(out.path().join(format!("dc/{id}.xml"))).unwrap();
    dc_elements(&text)
        .into_iter()
        .filter(|(name, _)| name == "date")
        .map(|(_, v)| v)
        .collect()
}

/// The two cases: after `fix`, the CSV's `date_as_written` and the JSON-LD's
/// `dateAsWritten` hold the words, the EDTF is `date`, `dcterms:created` and `dc:date`.
/// Before this change `fix` replaced the words, and every export held the EDTF twice.
#[test]
fn after_fix_the_exports_carry_the_wording_and_the_edtf() {
    let march = format!(
        "# Cable of 12 March.\nid: march\ntitle: T\ndate: 12 March 1946  # as typed\n{REST}"
    );
    let spring = format!("id: spring\ntitle: T\ndate: 'Spring  1961'\n{REST}");
    let dir = catalogue(&[("march.yaml", &march), ("spring.yaml", &spring)]);
    pipeline().arg("fix").arg(dir.path()).assert().code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("march.yaml")).unwrap(),
        format!(
            "# Cable of 12 March.\nid: march\ntitle: T\ndate: {{expression: 12 March 1946, normal: 1946-03-12}}  # as typed\n{REST}"
        )
    );
    // Runs of whitespace are collapsed (as in every single-line value); the quotes stay.
    assert_eq!(
        fs::read_to_string(dir.path().join("spring.yaml")).unwrap(),
        format!(
            "id: spring\ntitle: T\ndate: {{expression: 'Spring 1961', normal: 1961-21}}\n{REST}"
        )
    );
    let out = run(dir.path());
    assert_eq!(
        csv_dates(&out),
        [
            ("march".into(), "1946-03-12".into(), "12 March 1946".into()),
            ("spring".into(), "1961-21".into(), "Spring 1961".into()),
        ]
    );
    assert_eq!(
        jsonld_date(&out, "march"),
        ("1946-03-12".into(), "12 March 1946".into())
    );
    assert_eq!(
        jsonld_date(&out, "spring"),
        ("1961-21".into(), "Spring 1961".into())
    );
    assert_eq!(dc_dates(&out, "march"), ["1946-03-12"]);
    assert_eq!(dc_dates(&out, "spring"), ["1961-21"]);
}

/// `fix --diff` shows the one line that changes, writes nothing, and a second `fix` has
/// nothing left to do: the parts of a date mapping are not read as dates again.
#[test]
fn fix_diff_shows_the_mapping_and_fix_is_done_in_one_pass() {
    let text = format!("id: a\ntitle: T\ndate: January 22, 1950\n{REST}");
    let dir = catalogue(&[("a.yaml", &text)]);
    let file = dir.path().join("a.yaml");
    let assert = pipeline()
        .args(["fix", "--diff"])
        .arg(&file)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let changed: Vec<&str> = stdout
        .lines()
        .filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---"))
        .filter(|l| !l.starts_with("+++"))
        .collect();
    assert_eq!(
        changed,
        [
            "-date: January 22, 1950",
            "+date: {expression: \"January 22, 1950\", normal: 1950-01-22}"
        ],
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text,
        "--diff writes nothing"
    );
    pipeline().arg("fix").arg(&file).assert().code(0);
    pipeline()
        .args(["fix", "--diff"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout("");
    pipeline().arg("validate").arg(&file).assert().code(0);
}

/// Comments, anchors and aliases, flow and block styles, key order and a multi-line date
/// stay byte for byte; only the values that change are rewritten. A date inside a flow
/// mapping gets its mapping inside the flow.
#[test]
fn fix_changes_nothing_but_the_values_it_fixes() {
    let block = "%YAML 1.2\n---\n# head\nid: a   # id\ntitle: &t 'Cable'\ndate: \"1950s\" # c\ntype: *t\nsummary: |\n  Keep   this\n    as it is.\nplaces: [ China , Korea ]   # places\n";
    let flow = "{id: b, title: T, date: \"c. 1950\", type: Cable, summary: S}\n";
    let multi = "id: c\ntitle: T\ndate: January 22,\n  1950\ntype: Cable\nsummary: S\n";
    let dir = catalogue(&[("a.yaml", block), ("b.yaml", flow), ("c.yaml", multi)]);
    pipeline().arg("fix").arg(dir.path()).assert().code(0);
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(
        read("a.yaml"),
        "%YAML 1.2\n---\n# head\nid: a   # id\ntitle: &t 'Cable'\ndate: {expression: \"1950s\", normal: 195X} # c\ntype: *t\nsummary: |\n  Keep   this\n    as it is.\nplaces: [ China , Korea ]   # places\n"
    );
    assert_eq!(
        read("b.yaml"),
        "{id: b, title: T, date: {expression: \"c. 1950\", normal: 1950~}, type: Cable, summary: S}\n"
    );
    // A multi-line value is left alone: its words stay (and it is read as it is).
    assert_eq!(read("c.yaml"), multi);
    let out = run(dir.path());
    assert_eq!(
        csv_dates(&out),
        [
            ("a".into(), "195X".into(), "1950s".into()),
            ("b".into(), "1950~".into(), "c. 1950".into()),
            ("c".into(), "1950-01-22".into(), "January 22, 1950".into()),
        ]
    );
}

/// Names are never replaced by headings: the record keeps each name as the source gives it
/// (only Unicode NFC and runs of whitespace change, as in every value); the heading is made
/// by every run, in the exports. (A guard: `fix` has never written headings.)
#[test]
fn fix_never_replaces_a_name_with_its_heading() {
    let text = format!(
        "id: a\ntitle: T\ndate: 1950-01-11\n{REST}creators: [Liu  Shaoqi, 'Mao [Zedong]']\nrecipients:\n  - {{name: Kim Il Sung, kind: person}}\npeople: [Thomas Phillips, R.A.]\n"
    );
    let dir = catalogue(&[("a.yaml", &text)]);
    pipeline().arg("fix").arg(dir.path()).assert().code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
        text.replace("Liu  Shaoqi", "Liu Shaoqi")
    );
}

/// The wording survives hostile input: YAML specials, quotes of both kinds, escapes,
/// non-Latin scripts; `fix` quotes it so that it reads back as the same text (checked by
/// the exports' `date_as_written`).
#[test]
fn hostile_wording_survives_fix_and_the_exports() {
    // (written in the file, the words as YAML reads them, EDTF). The EDTF: `[...]` around a
    // date is the cataloguer's supplied date, `?` uncertain, `or` one of a set (EDTF 2019).
    let cases: &[(&str, &str, &str)] = &[
        ("'[1971 or 1972]'", "[1971 or 1972]", "[1971,1972]"),
        ("\"[1957?].\"", "[1957?].", "1957?"),
        ("'?1787–8'", "?1787–8", "1787?/1788?"),
        (
            "\"Monday, June 5, 1944\"",
            "Monday, June 5, 1944",
            "1944-06-05",
        ),
        ("\"\\u004Aan. 11, 1950\"", "Jan. 11, 1950", "1950-01-11"),
        ("'1957年12月17日'", "1957年12月17日", "1957-12-17"),
        ("17 декабря 1957 г.", "17 декабря 1957 г.", "1957-12-17"),
        ("\"1786\\tor 1800\"", "1786 or 1800", "[1786,1800]"),
        ("'1833 and 1836'", "1833 and 1836", "{1833,1836}"),
    ];
    let files: Vec<(String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (written, _, _))| {
            (
                format!("h{i}.yaml"),
                format!("id: h{i}\ntitle: T\ndate: {written}\n{REST}"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = catalogue(&files);
    pipeline().arg("fix").arg(dir.path()).assert().code(0);
    let out = run(dir.path());
    let expected: Vec<(String, String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, words, edtf))| (format!("h{i}"), edtf.to_string(), words.to_string()))
        .collect();
    assert_eq!(csv_dates(&out), expected);
    for (id, edtf, words) in &expected {
        assert_eq!(&jsonld_date(&out, id), &(edtf.clone(), words.clone()));
    }
}

/// A date written `{expression, normal}` by hand, in any YAML style: the expression is kept
/// to the byte, however hostile (several lines, `: `, `#`, quotes, a leading `-`), when the
/// rules cannot read it; the normal form is what is published as the date.
#[test]
fn a_hand_written_mapping_keeps_any_expression() {
    let block = format!(
        "id: a\ntitle: T\ndate:\n  expression: |\n    sometime: \"after\" the war\n    # not a comment, 'quoted'\n  normal: 1946/..\n{REST}"
    );
    let flow =
        format!("id: b\ntitle: T\ndate: {{expression: '- [undated] #1', normal: XXXX}}\n{REST}");
    // An ambiguous expression settled by the cataloguer: kept, with their EDTF.
    let settled =
        format!("id: c\ntitle: T\ndate: {{expression: 03/04/1957, normal: 1957-04-03}}\n{REST}");
    let year = format!("id: d\ntitle: T\ndate: {{expression: 1957, normal: 1957}}\n{REST}");
    let dir = catalogue(&[
        ("a.yaml", &block),
        ("b.yaml", &flow),
        ("c.yaml", &settled),
        ("d.yaml", &year),
    ]);
    // Nothing for fix to do in a date already written as a mapping.
    pipeline()
        .args(["fix", "--diff"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
    let out = run(dir.path());
    let expected: [(String, String, String); 4] = [
        (
            "a".into(),
            "1946/..".into(),
            "sometime: \"after\" the war\n# not a comment, 'quoted'\n".into(),
        ),
        // In the CSV, a cell starting with `-` gets a leading `'` (a spreadsheet would run
        // it as a formula; README, "The exports"); the JSON-LD has it as written.
        ("b".into(), "XXXX".into(), "'- [undated] #1".into()),
        ("c".into(), "1957-04-03".into(), "03/04/1957".into()),
        ("d".into(), "1957".into(), "1957".into()),
    ];
    assert_eq!(csv_dates(&out), expected);
    assert_eq!(jsonld_date(&out, "a").1, expected[0].2);
    assert_eq!(jsonld_date(&out, "b").1, "- [undated] #1");
    assert_eq!(dc_dates(&out, "a"), ["1946/.."]);
    assert_eq!(dc_dates(&out, "c"), ["1957-04-03"]);
}

/// The concise findings of `pipeline validate` on a catalogue.
fn findings(dir: &Path) -> String {
    let out = pipeline()
        .args(["validate", "-q", "--format", "concise"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A normal form that is not EDTF, or disagrees with what the expression reads as, is
/// refused at the line and column of `normal`; a missing or unknown part at its key; an
/// unquoted EDTF set (`{1667,1668}`, a YAML mapping) still gets the "quote it" help.
#[test]
fn a_normal_form_is_checked_against_its_expression() {
    let cases: &[(&str, &str)] = &[
        // 12 March is 1946-03-12, not the 13th.
        (
            "date:\n  expression: 12 March 1946\n  normal: 1946-03-13\n",
            "a.yaml:5:11: error[D005]: the date is written `12 March 1946`, which reads as `1946-03-12`; its normal form `1946-03-13` is not what the date rules read it as",
        ),
        // `ca. 1950` is approximate: a plain 1950 drops the qualifier.
        (
            "date: {expression: ca. 1950, normal: 1950}\n",
            "a.yaml:3:38: error[D005]: the date is written `ca. 1950`, which reads as `1950~`",
        ),
        // A convention: a normal form outside the span the rules read is refused.
        (
            "date: {expression: early 19th century, normal: 1950}\n",
            "a.yaml:3:48: error[D005]: the date is written `early 19th century`, which reads as `1800/1839`; its normal form `1950` does not overlap",
        ),
        (
            "date: {expression: 1957, normal: January 1957}\n",
            "a.yaml:3:34: error[D004]: the normal form of the date, `January 1957`, is not EDTF",
        ),
        (
            "date: {expression: 1957, normal: 1957-02-30}\n",
            "a.yaml:3:34: error[D001]:",
        ),
        (
            "date: {expression: 12 March 1946}\n",
            "a.yaml:3:7: error[S001]: a date written as a mapping needs `normal`",
        ),
        (
            "date: {expression: 1957, normal: 1957, note: x}\n",
            "a.yaml:3:40: error[S002]: `note` is not a field of `date`",
        ),
        (
            "date: {expresion: 1957, normal: 1957}\n",
            "a.yaml:3:8: error[S002]: `expresion` is not a field of `date`\n  help: did you mean `expression`?",
        ),
        // Unquoted, the comma ends the expression and `1950` becomes a key.
        (
            "date: {expression: January 22, 1950, normal: 1950-01-22}\n",
            "a.yaml:3:32: error[S002]: `1950` is not a field of `date`\n  help: inside `{...}` a comma ends a value: put the expression in quotes",
        ),
        (
            "date: {1667,1668}\n",
            "a.yaml:3:7: error[S003]: `date` must be text, a whole number or a mapping {expression, normal}",
        ),
    ];
    for (date, expected) in cases {
        let dir = catalogue(&[("a.yaml", format!("id: a\ntitle: T\n{date}{REST}"))]);
        let found = findings(dir.path());
        assert!(found.contains(expected), "{date}: {found}");
        assert_eq!(found.matches("error[").count(), 1, "{date}: {found}");
    }
    // Agreement: the same EDTF; for a convention, any span that overlaps the rules' reading
    // (a cataloguer may bound the 19th century 1801-1900); an expression the rules cannot
    // read is the cataloguer's to settle.
    for date in [
        "date: {expression: 12 March 1946, normal: 1946-03-12}\n",
        "date: {expression: 19th century, normal: 1801/1900}\n",
        "date: {expression: about the time of the war, normal: 194X}\n",
    ] {
        let dir = catalogue(&[("a.yaml", format!("id: a\ntitle: T\n{date}{REST}"))]);
        assert_eq!(findings(dir.path()), "", "{date}");
    }
}

/// Words of dates the rules read with certainty, with the characters YAML treats specially:
/// quotes, brackets, `?`, commas, `.`, non-Latin scripts.
const READABLE: &[&str] = &[
    "12 March 1946",
    "Spring 1961",
    "January 22, 1950",
    "1930's-40's",
    "[1971 or 1972]",
    "?1787–8",
    "c.1814–15",
    "[1957?].",
    "1957年12月17日",
    "17 декабря 1957 г.",
    "Monday, June 5, 1944",
    "[between 1906 and 1912?]",
    "before 1957",
    "1833 and 1836",
];

/// `text` as a YAML scalar: plain, single-quoted or double-quoted.
fn scalar(text: &str, style: u8) -> String {
    match style {
        0 => text.to_string(),
        1 => format!("'{}'", text.replace('\'', "''")),
        _ => format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

proptest::proptest! {
    /// Whatever the quoting, the spacing, the flow or block style and a comment after it,
    /// `fix` keeps the words of a date (runs of spaces collapsed) and adds the EDTF that
    /// validation reads from them; the comment stays.
    #[test]
    fn fix_keeps_the_words_of_any_readable_date(
        which in 0..READABLE.len(),
        style in 0u8..3,
        flow: bool,
        wide: bool,
        comment: bool,
    ) {
        use pipeline::normalize::dates::{DateInput, DateOptions, normalize_date};
        use pipeline::read::{self, Limits};
        let words = READABLE[which];
        let written = if wide { words.replace(' ', "  ") } else { words.to_string() };
        let value = scalar(&written, style);
        let note = if comment { "  # note: 'x' \"y\" {z}" } else { "" };
        let text = if flow {
            format!("{{id: a, date: {value}, title: T}}{note}\n")
        } else {
            format!("id: a\ndate: {value}{note}\ntitle: T\n")
        };
        let path = Path::new("r.yaml");
        // A plain value YAML reads as something else (`[1971 or 1972]` is a list) is not a
        // date as written: skip it.
        let docs = read::parse(path, &text, &Limits::default());
        let as_read = docs.as_ref().ok().and_then(|d| d[0].get("date")?.as_str().map(String::from));
        proptest::prop_assume!(as_read.as_deref() == Some(written.as_str()));
        let dir = TempDir::new().unwrap();
        let file = dir.path().join("r.yaml");
        fs::write(&file, &text).unwrap();
        let fix = pipeline::fix::plan(&file, &Limits::default(), &DateOptions::default());
        proptest::prop_assert_eq!(&fix.findings, &vec![]);
        let fixed = fix.fixed.expect("the date is fixed");
        let docs = read::parse(path, &fixed, &Limits::default()).unwrap();
        let date = docs[0].get("date").unwrap();
        let part = |key| date.get(key).and_then(|n| n.as_str()).map(String::from);
        let edtf = normalize_date(DateInput::Text(words)).unwrap().edtf;
        proptest::prop_assert_eq!(part("expression"), Some(words.to_string()));
        proptest::prop_assert_eq!(part("normal"), Some(edtf));
        let ending = format!("{note}\n");
        proptest::prop_assert!(!flow || fixed.ends_with(&ending));
        proptest::prop_assert!(fixed.contains(note));
    }
}
