//! Forged CI output (issue #24): no byte of a catalogue (a key, a value, a file name, a quoted
//! source line) may make pipeline's output say something it did not mean to its consumer.
//! Each output is read back by a parser of its consumer, never by pipeline's escaping code:
//!
//! - **A GitHub Actions runner**, which reads every line a step prints on standard output and
//!   standard error and takes some as workflow commands: [`runner`] is a line-by-line copy of
//!   the runner's parser (actions/runner: `src/Runner.Common/ActionCommand.cs`, `TryParseV2`
//!   and the legacy `TryParse`, tried in that order by `ActionCommandManager.TryProcessCommand`;
//!   lines as `StreamReader.ReadLine` splits them, `src/Runner.Sdk/ProcessInvoker.cs`). It
//!   takes any command name, not only the registered ones, so it is stricter than the runner.
//!   Every line of `--format github` must be an annotation that reads back exactly the
//!   finding the JSON output holds (read with serde_json); no line of any other output
//!   (concise, human with and without colour, JSON, SARIF, `fix --diff`, the summaries) may be
//!   a command at all, nor an Azure Pipelines logging command (`##vso[` anywhere in a line,
//!   [`azure_command`]).
//! - **SARIF viewers**: each `artifactLocation.uri` is parsed as an RFC 3986 URI reference
//!   (fluent-uri), resolved against a base and percent-decoded; it must give back the file's
//!   bytes, with no query and no fragment (SARIF 2.1.0 §3.10).
//! - **Browsers**: the report page is parsed by html5lib in strict mode (as in
//!   `tests/it/report.rs`), which fails on controls and noncharacters.
//!
//! The hostile text is generated (proptest) from the pieces that break each consumer:
//! `::`, `##[`, LF, CR, `%`-escapes, `,`, `=`, `]`, `;`, terminal escape sequences, .NET white
//! space, C1 controls, direction controls, noncharacters, `#`, `?`, `\`.

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;
use serde_json::Value;

use crate::support::pipeline;

/// A copy of the GitHub Actions runner's workflow-command parser (actions/runner,
/// `src/Runner.Common/ActionCommand.cs`), with .NET's string functions spelled out.
///
/// The runner calls `StartsWith("::")` and `IndexOf("##[")` without a comparison type, which
/// in .NET compare by culture (a soft hyphen, say, is ignored). This copy compares
/// ordinally: the runner then cuts the command's name at a fixed offset from the match
/// (`Substring(2, …)`, `prefixIndex + 3`), so a match that spans an ignored character starts
/// the name with `:` or `[`, which names no command.
pub mod runner {
    /// One parsed command.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Command {
        pub name: String,
        /// Properties in order; the runner keeps them in a case-insensitive dictionary
        /// (a later key replaces an earlier one).
        pub properties: Vec<(String, String)>,
        pub data: String,
    }

    impl Command {
        pub fn property(&self, key: &str) -> Option<&str> {
            self.properties
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        }
    }

    /// The lines the runner reads from a step's output: `StreamReader.ReadLine` ends a line at
    /// LF, CR or CR LF, and a last line without a break is a line too.
    pub fn lines(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find(['\n', '\r']) {
                None => {
                    out.push(rest);
                    break;
                }
                Some(i) => {
                    out.push(&rest[..i]);
                    let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                    rest = &rest[i + skip..];
                }
            }
        }
        out
    }

    /// .NET's `Char.IsWhiteSpace`, which `TrimStart()` and `Trim()` remove: the separators
    /// (Zs, Zl, Zp), U+0009–U+000D and U+0085 (the list in .NET's documentation).
    const WHITE_SPACE: &[char] = &[
        '\u{9}', '\u{a}', '\u{b}', '\u{c}', '\u{d}', '\u{20}', '\u{85}', '\u{a0}', '\u{1680}',
        '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
        '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}',
        '\u{205f}', '\u{3000}',
    ];

    /// `s.Split(sep, StringSplitOptions.RemoveEmptyEntries)`.
    fn split_non_empty(s: &str, sep: char) -> Vec<&str> {
        s.split(sep).filter(|p| !p.is_empty()).collect()
    }

    /// `s.Split(new[] { sep }, count: 2, StringSplitOptions.RemoveEmptyEntries)`, as .NET's
    /// `SplitWithPostProcessing` does it: the first non-empty part, then empty parts after it
    /// are skipped, and the rest of the string (from there) is the second part.
    fn split2_non_empty(s: &str, sep: char) -> Vec<&str> {
        let seps: Vec<usize> = s.match_indices(sep).map(|(i, _)| i).collect();
        let mut out = Vec::new();
        let mut current = 0;
        let mut i = 0;
        while i < seps.len() {
            let entry = &s[current..seps[i]];
            if !entry.is_empty() {
                out.push(entry);
            }
            current = seps[i] + sep.len_utf8();
            if out.len() == 1 {
                i += 1;
                while i < seps.len() {
                    if !s[current..seps[i]].is_empty() {
                        break;
                    }
                    current = seps[i] + sep.len_utf8();
                    i += 1;
                }
                break;
            }
            i += 1;
        }
        if current < s.len() {
            out.push(&s[current..]);
        }
        out
    }

    /// The runner's `Unescape*`: each mapping's replacement turned back into its token, one
    /// mapping after the other, in the runner's order.
    fn unescape(text: &str, mappings: &[(&str, &str)]) -> String {
        let mut out = text.to_string();
        for (token, replacement) in mappings {
            out = out.replace(replacement, token);
        }
        out
    }
    /// `_escapeMappings` (the legacy form).
    const LEGACY: &[(&str, &str)] = &[
        (";", "%3B"),
        ("\r", "%0D"),
        ("\n", "%0A"),
        ("]", "%5D"),
        ("%", "%25"),
    ];
    /// `_escapeDataMappings`.
    const DATA: &[(&str, &str)] = &[("\r", "%0D"), ("\n", "%0A"), ("%", "%25")];
    /// `_escapePropertyMappings`.
    const PROPERTY: &[(&str, &str)] = &[
        ("\r", "%0D"),
        ("\n", "%0A"),
        (":", "%3A"),
        (",", "%2C"),
        ("%", "%25"),
    ];

    /// `TryParseV2`: `::name key=value,…::data` after leading white space.
    pub fn parse_v2(line: &str) -> Option<Command> {
        let message = line.trim_start_matches(WHITE_SPACE);
        if !message.starts_with("::") {
            return None;
        }
        let end = message[2..].find("::")? + 2;
        let info = &message[2..end];
        let space = info.find(' ');
        let name = match space {
            Some(i) => &info[..i],
            None => info,
        };
        if name.is_empty() {
            return None;
        }
        let mut properties = Vec::new();
        if let Some(i) = space.filter(|&i| i > 0) {
            let props = info[i + 1..].trim_matches(WHITE_SPACE);
            for prop in split_non_empty(props, ',') {
                if let [key, value] = split2_non_empty(prop, '=')[..] {
                    properties.push((key.to_string(), unescape(value, PROPERTY)));
                }
            }
        }
        Some(Command {
            name: name.to_string(),
            properties,
            data: unescape(&message[end + 2..], DATA),
        })
    }

    /// `TryParse`, the legacy form: `##[name key=value;…]data` anywhere in the line.
    pub fn parse_legacy(line: &str) -> Option<Command> {
        let prefix = line.find("##[")?;
        let rb = prefix + line[prefix..].find(']')?;
        let info = &line[prefix + 3..rb];
        let space = info.find(' ');
        let name = match space {
            Some(i) => &info[..i],
            None => info,
        };
        if name.is_empty() {
            return None;
        }
        let mut properties = Vec::new();
        if let Some(i) = space.filter(|&i| i > 0) {
            for prop in split_non_empty(&info[i + 1..], ';') {
                if let [key, value] = split2_non_empty(prop, '=')[..] {
                    properties.push((key.to_string(), unescape(value, LEGACY)));
                }
            }
        }
        Some(Command {
            name: name.to_string(),
            properties,
            data: unescape(&line[rb + 1..], LEGACY),
        })
    }

    /// What the runner makes of one line: `TryParseV2`, else `TryParse`.
    pub fn parse(line: &str) -> Option<Command> {
        parse_v2(line).or_else(|| parse_legacy(line))
    }

    #[test]
    fn the_parser_reads_the_runners_own_examples() {
        // The forms of GitHub's documentation of workflow commands and of the issue.
        let c = parse("::error file=app.js,line=1,col=5,endColumn=7::Missing semicolon").unwrap();
        assert_eq!(c.name, "error");
        assert_eq!(c.property("FILE"), Some("app.js"));
        assert_eq!(c.property("endColumn"), Some("7"));
        assert_eq!(c.data, "Missing semicolon");
        assert_eq!(parse(" \u{3000}::add-mask::s3cret").unwrap().data, "s3cret");
        let c = parse("in/a.yaml:1:1: `x ##[error]forged` y").unwrap();
        assert_eq!((c.name.as_str(), c.data.as_str()), ("error", "forged` y"));
        assert_eq!(parse("a ##[add-mask k=v%3B]x%0Ay").unwrap().data, "x\ny");
        assert_eq!(
            parse("::warning file=a%3Ab%2Cc%0Ad%25,title=T::m%0A%250A")
                .unwrap()
                .property("file"),
            Some("a:b,c\nd%")
        );
        assert_eq!(parse("::warning file=a::m%0A%250A").unwrap().data, "m\n%0A");
        // '=' splits once, empty parts dropped: a leading '=' of a value is lost.
        assert_eq!(
            parse("::error file==x.yaml::m").unwrap().property("file"),
            Some("x.yaml")
        );
        assert_eq!(
            parse("::error file=a=b::m").unwrap().property("file"),
            Some("a=b")
        );
        for not in [
            "x ::error::m",
            "::error",
            ":: ::m",
            "# ##[]x",
            "##[x",
            "\\u{3a}:error::m",
            "##\\u{5b}error]m",
        ] {
            assert_eq!(parse(not), None, "{not}");
        }
        assert_eq!(lines("a\rb\r\nc\n\nd"), ["a", "b", "c", "", "d"]);
    }
}

/// Pieces of hostile text: each breaks at least one consumer when printed raw.
const PIECES: &[&str] = &[
    "::",
    "##[",
    "##vso[",
    "\n",
    "\r",
    "\r\n",
    "%",
    "%0A",
    "%25",
    "%3A",
    "%2C",
    ",",
    "=",
    ":",
    "]",
    ";",
    "\u{1b}[31m",
    "\u{1b}]0;t\u{7}",
    "\u{3000}",
    " ",
    "\t",
    "\u{85}",
    "\u{2028}",
    "\u{202e}",
    "#",
    "[",
    "add-mask",
    "error",
    "warning",
    "file=",
    "\\",
    "?",
    "%41",
    "é",
    "\u{fdd0}",
    "\u{7f}",
    "\u{9b}",
    "a",
    "x",
    "\u{ad}",
    "\u{feff}",
];

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..10).prop_map(|v| v.concat())
}

/// `text` as a YAML double-quoted scalar: every character but ASCII letters and digits
/// written as a `\U` escape, so any text can be a key or a value.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push_str(&format!("\\U{:08X}", c as u32));
        }
    }
    out.push('"');
    out
}

/// The record file of a generated case: the hostile text as its id, as an unknown key, as
/// the values of fields that quote them in findings.
fn record(name: &str, key: &str, value: &str) -> String {
    let (n, k, v) = (quoted(name), quoted(key), quoted(value));
    format!(
        "id: {n}\n{k}: {v}\ntitle: {v}\ndate: {v}\ntype: Cable\nlanguages: [{v}]\n\
         related: [{v}]\ncollections: [{v}]\ncreators: [{{name: {v}, kind: person}}]\n"
    )
}

/// A record `fix` rewrites (its date), with the hostile text raw in a comment and in a block
/// scalar next to the date, so that the diff quotes them.
fn fixable(value: &str) -> String {
    // Line breaks left out: YAML takes a CR as one, `fix` (its line index) does not, and then
    // leaves the date as written. A CR inside a diff line is checked in `escape`'s unit tests.
    // A byte order mark is not YAML inside a document.
    let comment = value.replace(['\n', '\r', '\u{feff}'], " ");
    let block: String = value
        .chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            // Characters a YAML value may not hold (`fix` leaves such a file as written).
            c if (c.is_control() && c != '\t') || c == '\u{feff}' => '?',
            c => c,
        })
        .collect();
    format!(
        "id: a\ntitle: T\ntype: Cable\nsummary: |2-\n  {block}\n# {comment}\ndate: December 17, 1957\n\
         summary2: |2-\n  {block}\n"
    )
}

/// What findings show of a name (the README's rule for terminals and logs): control
/// characters (tab aside), U+2028/U+2029 and the direction controls written `\u{..}`.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            let hide = (c.is_control() && c != '\t')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if hide {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("pipeline prints UTF-8")
}

/// Whether Azure Pipelines' agent takes `line` as a logging command: it looks for `##vso[`
/// anywhere in the line with an ordinal `IndexOf` (microsoft/azure-pipelines-agent,
/// `Command.TryParse`), on lines read as the GitHub runner reads them.
fn azure_command(line: &str) -> bool {
    line.contains("##vso[")
}

/// No line of `output` is a workflow command (GitHub) or a logging command (Azure).
fn no_command(what: &str, output: &str) -> Result<(), TestCaseError> {
    for line in runner::lines(output) {
        prop_assert!(
            runner::parse(line).is_none(),
            "{what}: a runner takes {line:?} as {:?}",
            runner::parse(line)
        );
        prop_assert!(
            !azure_command(line),
            "{what}: Azure takes {line:?} as a command"
        );
    }
    Ok(())
}

/// No character of `output` a terminal or log would act on: no control character but line
/// feed and tab, no line or direction control; with `sgr`, escape sequences only as the
/// colours of the human format (`ESC [ digits ; m`).
fn no_raw_controls(what: &str, output: &str, sgr: bool) -> Result<(), TestCaseError> {
    let mut chars = output.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if sgr && c == '\u{1b}' {
            let rest = &output[i + 1..];
            let len = rest.find('m').unwrap_or(0);
            prop_assert!(
                rest.starts_with('[')
                    && rest[1..len].chars().all(|c| c.is_ascii_digit() || c == ';'),
                "{what}: an escape that is not a colour at {i}: {:?}",
                &output[i..(i + 20).min(output.len())]
            );
            for _ in 0..=len {
                chars.next();
            }
            continue;
        }
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        prop_assert!(!bad, "{what}: raw U+{:04X} at {i}", c as u32);
    }
    Ok(())
}

fn validate(dir: &Path, args: &[&str]) -> Output {
    pipeline()
        .current_dir(dir)
        .args(["validate", "--input", "in"])
        .args(args)
        .output()
        .unwrap()
}

/// Each `artifactLocation.uri` of a SARIF log, parsed and resolved against `file:///base/`
/// by an RFC 3986 parser: the decoded path's bytes, or why it is not a plain path.
fn sarif_paths(sarif: &Value) -> Vec<Result<Vec<u8>, String>> {
    let base = fluent_uri::Uri::parse("file:///base/").unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            let reference = fluent_uri::UriRef::parse(uri).map_err(|e| format!("{uri:?}: {e}"))?;
            let resolved = reference
                .resolve_against(&base)
                .map_err(|e| format!("{uri:?}: {e}"))?;
            if resolved.query().is_some() || resolved.fragment().is_some() {
                return Err(format!("{uri:?} has a query or a fragment"));
            }
            let path = resolved.path().decode().to_bytes().into_owned();
            Ok(path
                .strip_prefix(b"/base/")
                .map(<[u8]>::to_vec)
                .unwrap_or(path))
        })
        .collect()
}

/// Every output of one hostile catalogue, checked by the consumers' parsers.
fn check_case(name: &str, key: &str, value: &str) -> Result<(), TestCaseError> {
    let file = format!("r{name}.yaml");
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in").join(&file), record(name, key, value)).unwrap();

    // The findings as the JSON output has them: the truth the other formats are held to.
    let json = validate(dir.path(), &["--format", "json"]);
    prop_assert_eq!(json.status.code(), Some(1));
    let stdout = text(&json.stdout);
    no_command("json", &stdout)?;
    no_command("json (stderr)", &text(&json.stderr))?;
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap().clone();
    prop_assert!(!findings.is_empty());
    for f in &findings {
        prop_assert_eq!(
            f["file"].as_str().map(String::from),
            Some(format!("in/{file}"))
        );
    }

    // GitHub annotations: each line one annotation, read back exactly.
    let github = validate(dir.path(), &["--format", "github"]);
    let stdout = text(&github.stdout);
    let lines = runner::lines(&stdout);
    prop_assert_eq!(lines.len(), findings.len(), "{}", stdout);
    for (line, f) in lines.iter().zip(&findings) {
        let c = runner::parse(line);
        prop_assert!(c.is_some(), "not an annotation: {:?}", line);
        let c = c.unwrap();
        prop_assert_eq!(&c.name, f["severity"].as_str().unwrap());
        prop_assert_eq!(
            c.property("file").map(String::from),
            Some(shown(f["file"].as_str().unwrap()))
        );
        prop_assert_eq!(
            c.property("line").map(String::from),
            Some(f["line"].to_string())
        );
        prop_assert_eq!(
            c.property("col").map(String::from),
            Some(f["column"].to_string())
        );
        prop_assert_eq!(c.property("title"), f["code"].as_str());
        let mut message = f["message"].as_str().unwrap().to_string();
        if let Some(help) = f["help"].as_str() {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        prop_assert_eq!(&c.data, &message);
        prop_assert_eq!(c.properties.len(), 4, "{:?}", c.properties);
    }
    no_command("github (stderr)", &text(&github.stderr))?;

    // The formats for people: one line per line, no command, no raw control.
    for (what, args, sgr) in [
        ("concise", &["--format", "concise"][..], false),
        (
            "human",
            &["--format", "human", "--color", "never"][..],
            false,
        ),
        (
            "human --color always",
            &["--format", "human", "--color", "always"][..],
            true,
        ),
    ] {
        let out = validate(dir.path(), args);
        let stderr = text(&out.stderr);
        no_command(what, &stderr)?;
        no_raw_controls(what, &stderr, sgr)?;
        if what == "concise" {
            // One line per finding and one per help, then the summary.
            let helps = findings.iter().filter(|f| f["help"].is_string()).count();
            prop_assert_eq!(
                stderr.lines().count(),
                findings.len() + helps + 1,
                "{}",
                stderr
            );
        }
    }

    // SARIF: on standard output, no command; each URI names the file, byte for byte.
    let sarif = validate(dir.path(), &["--format", "sarif"]);
    let stdout = text(&sarif.stdout);
    no_command("sarif", &stdout)?;
    let log: Value = serde_json::from_str(&stdout).unwrap();
    for path in sarif_paths(&log) {
        prop_assert_eq!(path, Ok(format!("in/{file}").into_bytes()));
    }

    // fix --diff on a record holding the text raw, in a file of the hostile name.
    let fix_dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir_all(fix_dir.path().join("in")).unwrap();
    std::fs::write(fix_dir.path().join("in").join(&file), fixable(value)).unwrap();
    let diff = pipeline()
        .current_dir(fix_dir.path())
        .args(["fix", "--diff", "in"])
        .output()
        .unwrap();
    let stdout = text(&diff.stdout);
    prop_assert!(
        stdout.contains("+date: {expression: \"December 17, 1957\", normal: 1957-12-17}"),
        "no diff: {}{}",
        stdout,
        text(&diff.stderr)
    );
    no_command("fix --diff", &stdout)?;
    no_raw_controls("fix --diff", &stdout, false)?;
    no_command("fix --diff (stderr)", &text(&diff.stderr))?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn no_catalogue_text_forges_output(name in hostile(), key in hostile(), value in hostile()) {
        check_case(&name, &key, &value)?;
    }
}

#[test]
fn the_cases_of_the_issue_hold() {
    // A line feed in a key and a file name; the legacy form in a key; a CR.
    check_case(
        "\n::error file=x::forged",
        "x\n::error file=f::pwned",
        "##[add-mask]s3cret",
    )
    .unwrap();
    check_case(
        "a\r::warning::x",
        "##[error]k",
        "v\r\n  ::add-mask::y\u{1b}[2J",
    )
    .unwrap();
    check_case(" ##[group]g", " ::stop-commands::t", "\u{3000}::error::v").unwrap();
    check_case(
        "##vso[task.setvariable variable=x]y",
        "k",
        "##vso[task.complete result=Succeeded]",
    )
    .unwrap();
}

#[test]
fn sarif_uris_name_the_file_for_a_uri_parser() {
    // `%41` would be `A`, `#` a fragment, `?` a query, `\` a `/` to a WHATWG parser; a byte
    // that is not UTF-8 must survive too.
    let names: Vec<Vec<u8>> = vec![
        b"%41.yaml".to_vec(),
        b"a#b.yaml".to_vec(),
        b"a?b=c.yaml".to_vec(),
        b"a\\..\\b.yaml".to_vec(),
        b"c:d.yaml".to_vec(),
        b"e f+g&h;i'j(k)[l]@m.yaml".to_vec(),
        b"n\xffo.yaml".to_vec(),
        "é\u{202e}.yaml".as_bytes().to_vec(),
    ];
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    for name in &names {
        use std::os::unix::ffi::OsStrExt;
        let path = dir
            .path()
            .join("in")
            .join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, "id: x\n").unwrap();
    }
    let out = validate(dir.path(), &["--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<Vec<u8>> = sarif_paths(&log).into_iter().map(Result::unwrap).collect();
    got.sort();
    got.dedup();
    let mut want: Vec<Vec<u8>> = names
        .iter()
        .map(|n| [b"in/".as_slice(), n].concat())
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn the_report_page_parses_strictly_with_hostile_names_and_values() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import html5lib"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "html5lib is not available, and CI must run this test"
        );
        eprintln!("SKIPPED: html5lib is not available (pip install html5lib)");
        return;
    }
    let dir = tempfile::TempDir::new().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    // Invalid records under hostile names, and a valid record whose values hold characters
    // XML 1.0 allows but HTML does not (C1 controls, noncharacters, direction controls).
    for name in [
        "a\u{1}b",
        "c\u{1b}[31md",
        "e\u{85}f\u{9b}",
        "g\u{fdd0}h",
        "i\rj\nk",
        "l\u{202e}m",
        "n\u{7f}",
    ] {
        std::fs::write(
            input.join(format!("{name}.yaml")),
            "id: x\nbad key\u{9b}: 1\n",
        )
        .unwrap();
    }
    std::fs::write(
        input.join("v.yaml"),
        "id: v\ntitle: T\ndate: '1957'\ntype: Cable\nsummary: S\n\
         places: [\"X\\u0085Y\\uFDD0\"]\nsubjects: [\"\\u009B2J\\u202E\"]\n",
    )
    .unwrap();
    let page = dir.path().join("report.html");
    let out = pipeline()
        .current_dir(dir.path())
        .args([
            "validate", "-q", "--format", "concise", "--input", "in", "--report",
        ])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("v.yaml") || html.contains("X"),
        "the page lists the catalogue"
    );
    let parsed = std::process::Command::new("python3")
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
    assert!(parsed.status.success(), "{}", text(&parsed.stderr));
    assert_eq!(text(&parsed.stdout), "parsed 0 errors\n");
    // The names are there, escaped.
    assert!(
        html.contains("in/i\\u{d}j\\u{a}k.yaml"),
        "file names are shown escaped"
    );
}

#[test]
fn convert_findings_are_no_commands_and_json_keeps_the_text() {
    let record = "id: a\ntitle: T\n\"##[add-mask]x\\n::error::y\": 1\n";
    for findings in ["json", "concise"] {
        let out = pipeline()
            .args([
                "convert",
                "--from",
                "yaml-stream",
                "--to",
                "jsonl",
                "--findings",
                findings,
            ])
            .write_stdin(record)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        for line in runner::lines(&stderr) {
            assert_eq!(runner::parse(line), None, "{findings}: {line}");
            assert!(!azure_command(line), "{findings}: {line}");
        }
        if findings == "json" {
            // The JSON string is the message as the other formats give it: `##[` kept.
            let messages: Vec<String> = stderr
                .lines()
                .filter(|l| l.starts_with('{'))
                .map(|l| {
                    serde_json::from_str::<Value>(l).unwrap()["message"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert!(
                messages.contains(
                    &"`##[add-mask]x\\u{a}::error::y` is not a field of a record".to_string()
                ),
                "{messages:?}"
            );
        }
    }
}

#[test]
fn fix_diff_quotes_no_command_and_no_escape_sequence() {
    // A record fix rewrites (its date), with a terminal escape in a comment and command forms
    // in a block scalar and a comment next to the date, so the diff's context quotes them.
    let record = "id: a\ntitle: T\ntype: Cable\nsummary: |-\n  ##[add-mask]s3cret\n  \
                  ::error file=x::forged\n# \u{1b}]0;title\u{7} \u{1b}[2J \u{9b}2J\n\
                  date: December 17, 1957\n";
    let dir = crate::support::catalogue(&[("in/a.yaml", record)]);
    let out = pipeline()
        .current_dir(dir.path())
        .args(["fix", "--diff", "in"])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains("+date: {expression: \"December 17, 1957\", normal: 1957-12-17}"),
        "{stdout}{stderr}"
    );
    for line in runner::lines(&stdout)
        .into_iter()
        .chain(runner::lines(&stderr))
    {
        assert_eq!(runner::parse(line), None, "{line}");
    }
    no_raw_controls("fix --diff", &stdout, false).unwrap();
    // What the lines hold is still there to read, and the diff says it is escaped.
    assert!(
        stdout.contains(" # \\u{1b}]0;title\\u{7} \\u{1b}[2J \\u{9b}2J\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("   \\u{3a}:error file=x::forged\n"),
        "{stdout}"
    );
    assert!(stderr.contains("do not apply as a patch"), "{stderr}");
}

#[test]
fn error_messages_naming_a_path_stay_on_one_line() {
    let out = pipeline()
        .args(["fix", "nothere\n::error::forged ##[add-mask]x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(runner::lines(&stderr).len(), 1, "{stderr}");
    assert_eq!(runner::parse(&stderr), None, "{stderr}");
}
