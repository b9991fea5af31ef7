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
/// entry's preferred form, with its letters.
#[test]
fn an_authority_entry_matches_its_spelling_without_the_letters() {
    let index = AuthorityIndex::new(vec![AuthorityEntry {
        preferred: "Lech Wałęsa".into(),
        kind: AgentKind::Person,
        variants: vec![],
        dates: Some("1943-".into()),
        ids: vec!["http://viaf.org/viaf/84045462".into()],
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
            "- preferred: Lech Wałęsa\n  kind: person\n",
        ),
        ("a.yaml", &format!("id: a\n{HEAD}creators: [Lech Walesa]\n")),
    ]);
    let stderr = stderr_of(dir.path(), 0);
    assert!(!stderr.contains("N001"), "{stderr}");
}
