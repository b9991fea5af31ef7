//! Agents across a catalogue (issue #23): every problem of a record reported at once (the
//! name warnings of a record that also has errors), folding for matching, and one agent, one
//! heading, one node in the three exports.
//!
//! Where the expectations come from: the cases named in issue #23 (Goethe, the two John
//! Smiths, Wałęsa, Søren, Strauß, Ægidius, Đặng), read against the rules stated in the
//! README ("Names and the authority file", "The exports") and docs/codes.md.

use pipeline::normalize::names::{
    AgentKind, AuthorityEntry, AuthorityIndex, find_variants, resolve_agent,
};

use crate::support::{catalogue, pipeline};

/// A record's fields apart from its agents, valid.
const HEAD: &str = "title: T\ndate: 1957\ntype: Cable\nsummary: S\n";

fn stderr_of(dir: &std::path::Path, code: i32) -> String {
    let assert = pipeline().arg("validate").arg(dir).assert().code(code);
    String::from_utf8_lossy(&assert.get_output().stderr).to_string()
}

/// A record refused for its date still gets the warnings about its names (N002, N005), and
/// its names take part in the catalogue-wide N001; the run fails for the date alone (exit 1),
/// and a catalogue with the same warnings but no error still passes (exit 0).
#[test]
fn a_record_with_a_bad_date_still_gets_its_name_warnings() {
    let bad = "id: bad\ntitle: T\ndate: February 30, 1957\ntype: Cable\nsummary: S\n\
               creators: [Central Military Commission, Gilbert & George, Park Deok-hwan]\n";
    let good = format!("id: good\n{HEAD}creators: [Pak Deok-hwan]\n");
    let dir = catalogue(&[("bad.yaml", bad), ("good.yaml", good.as_str())]);
    let stderr = stderr_of(dir.path(), 1);
    assert!(stderr.contains("bad.yaml:3:7: error[D001]"), "{stderr}");
    assert!(stderr.contains("bad.yaml:6:12: warning[N002]"), "{stderr}");
    assert!(stderr.contains("bad.yaml:6:41: warning[N005]"), "{stderr}");
    assert!(
        stderr.contains("warning[N001]") && stderr.contains("`Park Deok-hwan`"),
        "{stderr}"
    );
    // The same names without the error: warnings only, exit 0.
    let fixed = bad.replace("February 30", "February 3");
    let dir = catalogue(&[("bad.yaml", fixed.as_str()), ("good.yaml", good.as_str())]);
    let stderr = stderr_of(dir.path(), 0);
    assert!(stderr.contains("bad.yaml:6:12: warning[N002]"), "{stderr}");
    assert!(stderr.contains("warning[N001]"), "{stderr}");
}

/// A record the schema refuses (a misspelt field) still gets the warnings about its names;
/// an agent whose own shape the schema refuses is left to the schema's finding.
#[test]
fn a_record_the_schema_refuses_still_gets_its_name_warnings() {
    let typo = "id: typo\ntittle: T\ndate: 1957\ntype: Cable\nsummary: S\n\
                creators: [Central Military Commission, {name: [x]}, {name: Gilbert & George, kind: robot}]\n";
    let dir = catalogue(&[("typo.yaml", typo)]);
    let stderr = stderr_of(dir.path(), 1);
    assert!(stderr.contains("typo.yaml:2:1: error[S002]"), "{stderr}");
    assert!(stderr.contains("typo.yaml:6:12: warning[N002]"), "{stderr}");
    // Neither malformed agent is read as a name.
    assert!(!stderr.contains("warning[N005]"), "{stderr}");
}

/// Folding for matching covers the letters Unicode does not decompose: each pair of
/// issue #23 is one variant group (N001), and each display form keeps its letters.
#[test]
fn letters_without_a_decomposition_make_variants() {
    for (with, without) in [
        ("Lech Wałęsa", "Lech Walesa"),
        ("Søren Kierkegaard", "Soren Kierkegaard"),
        ("Richard Strauß", "Richard Strauss"),
        ("Ægidius Tschudi", "Aegidius Tschudi"),
        ("Đặng Văn Ngữ", "Dang Van Ngu"),
    ] {
        let names = [
            (with, AgentKind::Person, 1),
            (without, AgentKind::Person, 2),
        ];
        let groups = find_variants(names, &AuthorityIndex::empty());
        assert_eq!(groups.len(), 1, "{with} / {without}: {groups:?}");
        let spellings: Vec<&str> = groups[0]
            .spellings
            .iter()
            .map(|s| s.spelling.as_str())
            .collect();
        assert!(spellings.contains(&with), "{spellings:?}");
        assert!(spellings.contains(&without), "{spellings:?}");
    }
}

/// The authority entry `Lech Wałęsa` matches `Lech Walesa` as written; the agent takes the
/// entry's preferred form, with its letters, and the heading the entry gives (`Lech` is no
/// forename of the shipped list, so the entry is where the family name is said).
#[test]
fn an_authority_entry_matches_its_spelling_without_the_letters() {
    let index = AuthorityIndex::new(vec![AuthorityEntry {
        preferred: "Lech Wałęsa".into(),
        kind: AgentKind::Person,
        variants: vec![],
        dates: Some("1943-".into()),
        ids: vec!["http://viaf.org/viaf/84045462".into()],
        heading: Some("Wałęsa, Lech".into()),
    }]);
    for written in ["Lech Walesa", "Walesa, Lech", "LECH WALESA", "Lech Wałęsa"] {
        let agent = resolve_agent(written, AgentKind::Person, None, &index);
        assert_eq!(agent.name, "Lech Wałęsa", "{written}");
        assert_eq!(agent.heading, "Wałęsa, Lech, 1943-", "{written}");
        assert_eq!(agent.ids, ["http://viaf.org/viaf/84045462"], "{written}");
    }
    // A validate of a catalogue with that entry: no N001 for the matched spelling.
    let dir = catalogue(&[
        (
            "_authorities.yaml",
            "- preferred: Lech Wałęsa\n  kind: person\n  heading: Wałęsa, Lech\n",
        ),
        ("a.yaml", &format!("id: a\n{HEAD}creators: [Lech Walesa]\n")),
    ]);
    let stderr = stderr_of(dir.path(), 0);
    assert!(!stderr.contains("N001"), "{stderr}");
    assert!(!stderr.contains("N006"), "{stderr}");
}

/// An authority entry settles what the text cannot (issue #23): with `heading:` the heading
/// is the entry's, whatever order the display form has (a Japanese name written family name
/// first, LCNAF `Katsushika, Hokusai, 1760-1849`); without it, a display form whose family
/// name nothing certain gives is kept whole as the heading, never inverted by guess.
#[test]
fn an_authority_entry_gives_the_heading_the_rules_cannot() {
    let entry = |heading: Option<&str>| AuthorityEntry {
        preferred: "Katsushika Hokusai".into(),
        kind: AgentKind::Person,
        variants: vec![],
        dates: Some("1760-1849".into()),
        ids: vec![],
        heading: heading.map(str::to_string),
    };
    let index = AuthorityIndex::new(vec![entry(Some("Katsushika,  Hokusai"))]);
    for written in [
        "Katsushika Hokusai",
        "Katsushika, Hokusai",
        "KATSUSHIKA HOKUSAI",
    ] {
        let agent = resolve_agent(written, AgentKind::Person, None, &index);
        assert_eq!(agent.name, "Katsushika Hokusai", "{written}");
        assert_eq!(agent.heading, "Katsushika, Hokusai, 1760-1849", "{written}");
        assert_eq!(agent.family.as_deref(), Some("Katsushika"), "{written}");
        assert_eq!(agent.given.as_deref(), Some("Hokusai"), "{written}");
    }
    let index = AuthorityIndex::new(vec![entry(None)]);
    let agent = resolve_agent("Katsushika Hokusai", AgentKind::Person, None, &index);
    assert_eq!(agent.heading, "Katsushika Hokusai, 1760-1849");
    assert_eq!(agent.family, None);
    // An organization's heading is the entry's too, as written, never dropped.
    let index = AuthorityIndex::new(vec![AuthorityEntry {
        preferred: "Ministry of Foreign Affairs".into(),
        kind: AgentKind::Organization,
        heading: Some("Korea (North). Ministry of Foreign Affairs".into()),
        ..entry(None)
    }]);
    let agent = resolve_agent(
        "Ministry of Foreign Affairs",
        AgentKind::Organization,
        None,
        &index,
    );
    assert_eq!(agent.name, "Ministry of Foreign Affairs");
    assert_eq!(agent.heading, "Korea (North). Ministry of Foreign Affairs");
    // Through the binary: the schema takes `heading`, the export carries it, no N006.
    let dir = catalogue(&[
        (
            "_authorities.yaml",
            "- preferred: Katsushika Hokusai\n  heading: Katsushika, Hokusai\n  dates: 1760-1849\n",
        ),
        (
            "a.yaml",
            &format!("id: a\n{HEAD}creators: [Katsushika Hokusai]\n"),
        ),
    ]);
    let stderr = stderr_of(dir.path(), 0);
    assert!(!stderr.contains("N006"), "{stderr}");
}

/// What `pipeline run` wrote for a catalogue: the warnings, and for each record (by id) the
/// pairs (CSV heading, JSON-LD `@id`) of its creators, and the agent nodes by `@id`.
struct Written {
    stderr: String,
    creators: Vec<(String, Vec<(String, String)>)>,
    nodes: std::collections::BTreeMap<String, serde_json::Value>,
}

fn run(files: &[(&str, &str)]) -> Written {
    let dir = catalogue(files);
    let out = tempfile::TempDir::new().unwrap();
    let assert = pipeline()
        .args(["run", "-q", "--output"])
        .arg(out.path())
        .arg("--input")
        .arg(dir.path())
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("records.jsonld")).unwrap()).unwrap();
    let graph = doc["@graph"].as_array().unwrap();
    let mut iris = std::collections::BTreeMap::new();
    let mut nodes = std::collections::BTreeMap::new();
    for node in graph {
        let id = node["@id"].as_str().unwrap().to_string();
        match node["@type"].as_str() {
            Some("ArchiveComponent") => {
                let creators: Vec<String> = match &node["creator"] {
                    serde_json::Value::String(s) => vec![s.clone()],
                    serde_json::Value::Array(a) => {
                        a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
                    }
                    _ => vec![],
                };
                iris.insert(node["identifier"].as_str().unwrap().to_string(), creators);
            }
            _ => {
                nodes.insert(id, node.clone());
            }
        }
    }
    let csv = std::fs::read(out.path().join("records.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "creators")
        .unwrap();
    let creators = reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            let id = row[0].to_string();
            let headings: Vec<String> = row[column].split('|').map(str::to_string).collect();
            let pairs = headings.into_iter().zip(iris[&id].clone()).collect();
            (id, pairs)
        })
        .collect();
    Written {
        stderr,
        creators,
        nodes,
    }
}

/// Every node is one heading in the CSV (and so in Dublin Core, which writes the same
/// heading), and every heading of an agent without an authority id is one node. (Two agents
/// that only their ids tell apart share their heading in the CSV and Dublin Core, as
/// undifferentiated headings do in library catalogues; their nodes differ, by `sameAs`.)
fn one_heading_one_node(w: &Written) {
    let mut heading_of = std::collections::BTreeMap::new();
    let mut node_of = std::collections::BTreeMap::new();
    for (_, pairs) in &w.creators {
        for (heading, iri) in pairs {
            let h = heading_of.entry(iri.clone()).or_insert(heading.clone());
            assert_eq!(h, heading, "one node {iri}, two headings");
            if w.nodes[iri].get("sameAs").is_none() {
                let n = node_of.entry(heading.clone()).or_insert(iri.clone());
                assert_eq!(n, iri, "one heading {heading}, two nodes");
            }
        }
    }
}

fn iri_of<'a>(w: &'a Written, id: &str) -> &'a str {
    let (_, pairs) = w.creators.iter().find(|(r, _)| r == id).unwrap();
    &pairs[0].1
}

/// Issue #23's three cases: the two headings of Goethe are two nodes, as they are two
/// headings in the CSV and Dublin Core (and a warning, N007, says the text cannot tell
/// whether they are one person); the two John Smiths with different life dates are two
/// nodes with no warning (the dates tell them apart); the two John Smiths with different
/// VIAF ids are two nodes, each with its own `sameAs`.
#[test]
fn one_agent_one_heading_one_node() {
    let smith = |id: &str, name: &str| format!("id: {id}\n{HEAD}creators: [\"{name}\"]\n");
    let viaf = |id: &str, n: u32| {
        format!(
            "id: {id}\n{HEAD}creators: [{{name: John Smith, id: \"http://viaf.org/viaf/{n}\"}}]\n"
        )
    };
    let files = [
        (
            "goethe-a.yaml",
            smith("goethe-a", "Goethe, Johann Wolfgang von"),
        ),
        (
            "goethe-b.yaml",
            smith("goethe-b", "Von Goethe, Johann Wolfgang"),
        ),
        ("smith-a.yaml", smith("smith-a", "Smith, John, 1900-1980")),
        ("smith-b.yaml", smith("smith-b", "Smith, John, 1901-1970")),
        ("viaf-a.yaml", viaf("viaf-a", 1)),
        ("viaf-b.yaml", viaf("viaf-b", 2)),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let w = run(&files);
    one_heading_one_node(&w);
    assert_ne!(iri_of(&w, "goethe-a"), iri_of(&w, "goethe-b"));
    assert_ne!(iri_of(&w, "smith-a"), iri_of(&w, "smith-b"));
    assert_ne!(iri_of(&w, "viaf-a"), iri_of(&w, "viaf-b"));
    assert!(iri_of(&w, "smith-a").ends_with("/people/smith-john-1900-1980"));
    for (record, n) in [("viaf-a", 1), ("viaf-b", 2)] {
        let node = &w.nodes[iri_of(&w, record)];
        assert_eq!(
            node["sameAs"],
            format!("http://viaf.org/viaf/{n}"),
            "{node}"
        );
    }
    // One warning: the Goethe split, at the second heading's place, naming both.
    assert_eq!(w.stderr.matches("warning[N007]").count(), 1, "{}", w.stderr);
    assert!(
        w.stderr.contains("goethe-b.yaml:6:12: warning[N007]: one name is written with 2 headings, `Goethe, Johann Wolfgang von`"),
        "{}",
        w.stderr
    );
    assert!(
        w.stderr.contains("`Von Goethe, Johann Wolfgang`"),
        "{}",
        w.stderr
    );
}

/// Two headings that differ only in case or punctuation are one agent and one node (the
/// stated rule). Where they are spellings of one name by N001 (`Smith, John` and `SMITH,
/// JOHN`), N001 reports them; otherwise (`Gilbert & George`, kept as written, and `Gilbert,
/// George`) a warning (N007) names both.
#[test]
fn headings_that_differ_only_in_punctuation_are_one_node_with_a_warning() {
    let one = |id: &str, name: &str| format!("id: {id}\n{HEAD}creators: [\"{name}\"]\n");
    let (a, b) = (one("a", "Smith, John"), one("b", "SMITH, JOHN"));
    let (c, d) = (one("c", "Gilbert & George"), one("d", "Gilbert, George"));
    let w = run(&[
        ("a.yaml", a.as_str()),
        ("b.yaml", b.as_str()),
        ("c.yaml", c.as_str()),
        ("d.yaml", d.as_str()),
    ]);
    assert_eq!(iri_of(&w, "a"), iri_of(&w, "b"));
    assert_eq!(iri_of(&w, "c"), iri_of(&w, "d"));
    assert!(
        w.stderr
            .contains("warning[N001]: one person may be spelled in several ways: `JOHN SMITH`"),
        "{}",
        w.stderr
    );
    assert!(
        w.stderr
            .contains("d.yaml:6:12: warning[N007]: the headings `Gilbert & George`"),
        "{}",
        w.stderr
    );
    assert_eq!(w.stderr.matches("warning[N007]").count(), 1, "{}", w.stderr);
}

/// One spelling given an authority id in one mention and none in another is two agents (the
/// id makes its mention an agent of its own), with a warning (N007); two spellings with two
/// different ids are two agents with no warning. The same in an incremental `run`, where the
/// unchanged records come from the cache.
#[test]
fn a_name_with_an_id_and_without_one_is_two_agents_with_a_warning() {
    let with = |id: &str, n: u32| {
        format!(
            "id: {id}\n{HEAD}creators: [{{name: Jane Roe, id: \"http://viaf.org/viaf/{n}\"}}]\n"
        )
    };
    let without = format!("id: c\n{HEAD}creators: [Jane Roe]\n");
    let (a, b) = (with("a", 1), with("b", 2));
    let ids_only = run(&[("a.yaml", a.as_str()), ("b.yaml", b.as_str())]);
    assert!(!ids_only.stderr.contains("N007"), "{}", ids_only.stderr);
    let files = [
        ("a.yaml", a.as_str()),
        ("b.yaml", b.as_str()),
        ("c.yaml", without.as_str()),
    ];
    let w = run(&files);
    assert_eq!(w.nodes.len(), 3, "{:?}", w.nodes.keys());
    let warning = "a.yaml:6:19: warning[N007]: `Jane Roe` is written with an authority `id` in \
                   some mentions and without one in others, so the exports make several agents \
                   of it: `people/roe-jane`, `people/roe-jane--viaf-org-viaf-1`, \
                   `people/roe-jane--viaf-org-viaf-2`";
    assert!(w.stderr.contains(warning), "{}", w.stderr);
    // Run twice into one output folder: the second run takes every record from the cache.
    let dir = catalogue(&files);
    let out = tempfile::TempDir::new().unwrap();
    for _ in 0..2 {
        let assert = pipeline()
            .args(["run", "-q", "--output"])
            .arg(out.path())
            .arg("--input")
            .arg(dir.path())
            .assert()
            .code(0);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(stderr.contains(warning), "{stderr}");
    }
}

/// The outlines of `convert --outlines` list the agents of a record refused with an error,
/// so `check-outlines` checks its names across the catalogue as `validate` does: the N001 of
/// a refused record's `Park Deok-hwan` with another record's `Pak Deok-hwan`, at the same
/// place.
#[test]
fn check_outlines_checks_the_names_of_refused_records_as_validate_does() {
    let bad = "id: bad\ntitle: T\ndate: February 30, 1957\ntype: Cable\nsummary: S\n\
               creators: [Park Deok-hwan]\n";
    let good = format!("id: good\n{HEAD}creators: [Pak Deok-hwan]\n");
    let dir = catalogue(&[("cat/bad.yaml", bad), ("cat/good.yaml", good.as_str())]);
    let n001 = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.contains("warning[N001]"))
            .map(|l| l.replace(&format!("{}/", dir.path().display()), ""))
            .collect()
    };
    let validate = pipeline()
        .current_dir(dir.path())
        .args(["validate", "--format", "concise", "-q", "--input", "cat"])
        .output()
        .unwrap();
    let from_validate = n001(&String::from_utf8_lossy(&validate.stderr));
    assert_eq!(from_validate.len(), 1, "{from_validate:?}");
    assert!(from_validate[0].starts_with("cat/bad.yaml:6:12: warning[N001]"));
    pipeline()
        .current_dir(dir.path())
        .args(["convert", "--from", "paths", "--to", "csv", "-q"])
        .args(["--outlines", "part.outlines"])
        .write_stdin("cat/bad.yaml\ncat/good.yaml\n")
        .assert()
        .code(1);
    let checked = pipeline()
        .current_dir(dir.path())
        .args([
            "check-outlines",
            "--format",
            "concise",
            "-q",
            "part.outlines",
        ])
        .output()
        .unwrap();
    assert_eq!(
        n001(&String::from_utf8_lossy(&checked.stderr)),
        from_validate
    );
}
