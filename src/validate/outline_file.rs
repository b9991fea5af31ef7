//! Outline files: the per-document facts that the checks across records need, written by
//! `pipeline convert --outlines FILE` and read back by `pipeline check-outlines`.
//!
//! # Why this module exists
//!
//! A catalogue converted in pieces (a cluster job's partitions, each piped through
//! `pipeline convert`) is never seen whole by one process, yet ids must be unique across
//! all of it, `related` and `collections` must resolve, a single-record file must be named
//! after its id, and one name spelled several ways is worth a warning. Those checks need
//! only a small outline of each document, so each `convert` writes the outlines of its
//! part, and one `check-outlines` over all the parts runs the checks with the same code
//! and the same findings as `pipeline validate` over the whole folder.
//!
//! # The format (version 1)
//!
//! One JSON object per line, one line per document that is a mapping (as in
//! [`crate::validate::crosscheck::Outline`]):
//!
//! ```json
//! {"v":1,"file":"letters/a-1.yaml","in_stream":false,"id":{"id":"a-1","line":1,"column":5},"related":[],"collections":[{"id":"c","line":9,"column":15}],"agents":[{"name":"Kim Il Sung","kind":"person","line":7,"column":10}]}
//! ```
//!
//! - `id`, `related`, `collections`: as written, with their 1-based line and column;
//!   `id` is `null` for a document without a text id.
//! - `agents`: every agent the record names, as written, with its kind and place. A record
//!   refused with an error lists them too (those whose own shape the schema accepts), as
//!   `validate` checks the names of every record.
//!
//! Fields are only added within a version, never renamed or removed. Lines of other
//! versions are refused, naming the file and line.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Finding, Location, sort_findings};
use crate::normalize::names::AgentKind;
use crate::normalize::names::AuthorityIndex;
use crate::normalize::names::fingerprint::{VariantGroup, find_variants_counted};
use crate::normalize::record::{Mention, Record, Reference};
use crate::validate::crosscheck::{Collection, Outline};
use crate::validate::outline_table::cross_check_outlines;

/// The version written in every line's `v`.
pub const VERSION: u32 = 1;

/// A reference (an id) and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefLine {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

/// An agent as written in a record, with its kind and place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLine {
    pub name: String,
    pub kind: String,
    pub line: usize,
    pub column: usize,
}

/// One line of an outline file: one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineLine {
    pub v: u32,
    pub file: String,
    pub in_stream: bool,
    pub id: Option<RefLine>,
    pub related: Vec<RefLine>,
    pub collections: Vec<RefLine>,
    pub agents: Vec<AgentLine>,
}

fn ref_line(r: &Reference) -> RefLine {
    RefLine {
        id: r.id.clone(),
        line: r.location.line,
        column: r.location.col,
    }
}

fn reference(r: &RefLine) -> Reference {
    Reference {
        id: r.id.clone(),
        location: Location {
            line: r.line,
            col: r.column,
        },
    }
}

fn agent_line(m: &Mention) -> AgentLine {
    AgentLine {
        name: m.written().to_string(),
        kind: m.kind().as_str().to_string(),
        line: m.location.line,
        column: m.location.col,
    }
}

impl OutlineLine {
    /// The line of a document's outline; `record` is the document's record when it passed
    /// the schema (its agents are listed).
    pub fn of(outline: &Outline, record: Option<&Record>) -> OutlineLine {
        OutlineLine {
            v: VERSION,
            file: outline.file.display().to_string(),
            in_stream: outline.in_stream,
            id: outline.id.as_ref().map(ref_line),
            related: outline.related.iter().map(ref_line).collect(),
            collections: outline.collections.iter().map(ref_line).collect(),
            agents: record
                .map(|r| r.mentions.iter().map(agent_line).collect())
                .unwrap_or_default(),
        }
    }

    /// Write the line, with its line break.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }

    /// Read one line; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<OutlineLine, String> {
        let line: OutlineLine = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if line.v != VERSION {
            return Err(format!(
                "outline version {} (this pipeline reads version {VERSION})",
                line.v
            ));
        }
        if let Some(a) = line
            .agents
            .iter()
            .find(|a| !matches!(a.kind.as_str(), "person" | "organization"))
        {
            return Err(format!(
                "the agent `{}` has the kind `{}` (person or organization)",
                a.name, a.kind
            ));
        }
        Ok(line)
    }

    /// The document's outline, for the checks across records.
    pub fn outline(&self) -> Outline {
        Outline {
            file: PathBuf::from(&self.file),
            in_stream: self.in_stream,
            id: self.id.as_ref().map(reference),
            related: self.related.iter().map(reference).collect(),
            collections: self.collections.iter().map(reference).collect(),
        }
    }
}

/// Pair each outline of a file's documents with the record that came from it (matched by
/// the place of the id, which no two documents of a file share). Both are in document
/// order, and only some documents give a record, so one pass over the records does.
pub fn lines_of(
    outlines: &[Outline],
    records: &[Record],
    refused: &[(usize, Mention)],
) -> Vec<OutlineLine> {
    let mut next = records.iter().peekable();
    let mut refused = refused.iter().peekable();
    outlines
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let record = next.next_if(|r| {
                o.id.as_ref()
                    .is_some_and(|id| r.file == o.file && r.id_location == id.location)
            });
            let mut line = OutlineLine::of(o, record);
            // A record refused with an error: its agents, whose names are checked all the same.
            while let Some((_, m)) = refused.next_if(|(at, _)| *at == i) {
                line.agents.push(agent_line(m));
            }
            line
        })
        .collect()
}

fn kind(text: &str) -> AgentKind {
    match text {
        "organization" => AgentKind::Organization,
        _ => AgentKind::Person,
    }
}

/// Every check across records over the outlines of a whole catalogue: unique ids, ids that
/// match file names, `related` and `collections` that resolve (`collections` is `None`
/// when the catalogue describes none), and the name warnings (N001). Sorted as `validate`
/// sorts its findings.
pub fn check(
    lines: &[OutlineLine],
    collections: Option<&[Collection]>,
    authorities: &AuthorityIndex,
) -> Vec<Finding> {
    // The checks of the streaming engine.
    let outlines: Vec<Outline> = lines.iter().map(OutlineLine::outline).collect();
    let mut findings = match cross_check_outlines(&outlines, collections) {
        Ok(findings) => findings,
        Err(e) => {
            let file = lines.first().map_or(Path::new(""), |l| Path::new(&l.file));
            return vec![
                Finding::new(crate::diagnostics::Code::Limit, file, None, e.to_string())
                    .with_help("check the catalogue in parts that share no ids"),
            ];
        }
    };

    // Each spelling once, with how often and where it was written.
    type Places = Vec<(PathBuf, Location)>;
    let mut spellings: BTreeMap<(&str, AgentKind), Places> = BTreeMap::new();
    for line in lines {
        for a in &line.agents {
            spellings
                .entry((a.name.as_str(), kind(&a.kind)))
                .or_default()
                .push((
                    PathBuf::from(&line.file),
                    Location {
                        line: a.line,
                        col: a.column,
                    },
                ));
        }
    }
    let groups: Vec<VariantGroup<(PathBuf, Location)>> = find_variants_counted(
        spellings
            .iter()
            .map(|(&(w, k), places)| (w, k, places.len(), places.clone())),
        authorities,
    );
    findings.extend(crate::validate::name_variants::variant_findings(groups));
    findings.extend(crate::validate::agent_identity::identity_findings(
        spellings
            .iter()
            .map(|(&(w, k), places)| (w, k, places.len(), places.clone())),
        authorities,
    ));
    findings.extend(crate::validate::name_variants::near_authority_findings(
        spellings.into_iter().map(|((w, k), mut places)| {
            places.sort();
            (w, k, places.len(), places)
        }),
        authorities,
    ));
    sort_findings(&mut findings);
    findings
}

/// Read outline files; an unreadable file or a line that is not an outline is an error
/// naming the file and line.
pub fn read(paths: &[impl AsRef<Path>]) -> Result<Vec<OutlineLine>, String> {
    let mut lines = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            lines.push(
                OutlineLine::parse(line)
                    .map_err(|e| format!("{}:{}: not an outline: {e}", path.display(), i + 1))?,
            );
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example line reads back to what it says, and writes back the same.
    #[test]
    fn the_documented_line_round_trips() {
        let text = r#"{"v":1,"file":"letters/a-1.yaml","in_stream":false,"id":{"id":"a-1","line":1,"column":5},"related":[],"collections":[{"id":"c","line":9,"column":15}],"agents":[{"name":"Kim Il Sung","kind":"person","line":7,"column":10}]}"#;
        let line = OutlineLine::parse(text).unwrap();
        assert_eq!(line.file, "letters/a-1.yaml");
        assert_eq!(line.id.as_ref().unwrap().id, "a-1");
        assert_eq!(line.collections[0].column, 15);
        assert_eq!(line.agents[0].name, "Kim Il Sung");
        let mut out = Vec::new();
        line.write(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("{text}\n"));
    }

    #[test]
    fn an_agent_of_an_unknown_kind_is_refused() {
        let text = r#"{"v":1,"file":"a.yaml","in_stream":false,"id":null,"related":[],"collections":[],"agents":[{"name":"X","kind":"robot","line":1,"column":1}]}"#;
        assert!(OutlineLine::parse(text).unwrap_err().contains("`robot`"));
    }

    #[test]
    fn another_version_is_refused() {
        let text = r#"{"v":2,"file":"a.yaml","in_stream":false,"id":null,"related":[],"collections":[],"agents":[]}"#;
        assert!(OutlineLine::parse(text).unwrap_err().contains("version 2"));
    }
}
