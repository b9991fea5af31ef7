//! Records: a schema-valid YAML document → the normalized record every export is fed.
//!
//! [`normalize_record`] is only called on documents the schema accepted, so it can rely on
//! the shape of the tree; it still never panics on a surprise (a missing value reads as
//! empty). Each normalization that refuses a value returns a finding located at that value.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::dates::{self, DateErrorKind, DateInput, NormalizedDate};
use crate::normalize::languages::normalize_language;
use crate::normalize::names::{Agent, AgentKind, AuthorityIndex, resolve_agent};
use crate::read::{Node, Value};

/// Where the original of the document is held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Free text, e.g. `Wilson Center Digital Archive`.
    Text(String),
    /// An archive and, optionally, the archive's reference for the item.
    Archive {
        archive: String,
        reference: Option<String>,
    },
}

/// A reference to another record or a collection, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub id: String,
    pub location: Location,
}

/// A record after validation and normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    /// The file the record came from and the position of its `id` value.
    pub file: PathBuf,
    pub id_location: Location,
    /// Whether the file holds a `---` stream of several records.
    pub in_stream: bool,
    pub title: String,
    /// The date exactly as written (an integer year as its digits).
    pub date_as_written: String,
    pub date: NormalizedDate,
    pub kind: String,
    pub summary: String,
    pub creators: Vec<Arc<Agent>>,
    pub recipients: Vec<Arc<Agent>>,
    pub people: Vec<Arc<Agent>>,
    pub places: Vec<String>,
    pub subjects: Vec<String>,
    /// ISO 639 codes, in the order written, without repeats.
    pub languages: Vec<String>,
    pub source: Option<Source>,
    pub rights: Option<String>,
    pub collections: Vec<Reference>,
    pub related: Vec<Reference>,
    /// Every agent as written, with its kind and place, for the catalogue-wide name checks.
    pub mentions: Vec<Mention>,
}

/// One agent as written in a record: the agent it resolved to (shared with every other
/// mention of the same spelling, so a mention copies no text), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub agent: Arc<Agent>,
    pub location: Location,
}

impl Mention {
    /// The name exactly as written.
    pub fn written(&self) -> &str {
        &self.agent.as_written
    }

    /// The kind of agent it was read as.
    pub fn kind(&self) -> AgentKind {
        self.agent.kind
    }
}

/// Everything normalization needs besides the document: shared, read-only.
pub struct Context<'a> {
    pub authorities: &'a AuthorityIndex,
    pub date_options: &'a dates::DateOptions,
}

/// Normalize a schema-valid document. Returns the record (`None` when an error refuses it)
/// and every finding, warnings included.
pub fn normalize_record(
    file: &Path,
    root: &Node,
    in_stream: bool,
    ctx: &Context<'_>,
) -> (Option<Record>, Vec<Finding>) {
    let mut findings = Vec::new();
    let text = |field: &str| root.get(field).map(text_of).unwrap_or_default();
    let id_node = root.get("id");

    let (date_as_written, date) = match root.get("date") {
        Some(node) => {
            let (written, input) = match &node.value {
                Value::Int(year) => (year.to_string(), DateInput::Integer(*year)),
                Value::Str(s) => (s.clone(), DateInput::Text(s)),
                other => (other.kind_name().to_string(), DateInput::Text("")),
            };
            match dates::normalize_date_with(input, ctx.date_options) {
                Ok(date) => (written, Some(date)),
                Err(e) => {
                    let code = match e.kind {
                        DateErrorKind::Impossible => Code::ImpossibleDate,
                        DateErrorKind::Reversed => Code::ReversedRange,
                        DateErrorKind::Ambiguous => Code::AmbiguousDate,
                        DateErrorKind::Unrecognized => Code::UnrecognizedDate,
                    };
                    findings.push(
                        Finding::new(code, file, Some(node.span.start), e.message)
                            .with_help(e.help),
                    );
                    (written, None)
                }
            }
        }
        None => (String::new(), None),
    };

    let mut languages: Vec<String> = Vec::new();
    for node in root.get("languages").map(Node::items).unwrap_or_default() {
        let written = node.as_str().unwrap_or_default();
        match normalize_language(written) {
            Some(code) => {
                if !languages.iter().any(|l| l == code) {
                    languages.push(code.to_string());
                }
            }
            None => findings.push(
                Finding::new(
                    Code::UnknownLanguage,
                    file,
                    Some(node.span.start),
                    format!("`{written}` is neither an ISO 639 code nor a language name we know"),
                )
                .with_help(
                    "write the English name of the language (Chinese, Korean, Russian) or its \
                     ISO 639 code (zh, ko, ru; see https://iso639-3.sil.org)",
                ),
            ),
        }
    }

    if !findings.is_empty() {
        return (None, findings);
    }
    let named = |field: &str| root.get(field).map_or(0, |n| n.items().len());
    let mut mentions =
        Vec::with_capacity(named("creators") + named("recipients") + named("people"));
    let mut agents = |field: &str| -> Vec<Arc<Agent>> {
        let nodes = root.get(field).map(Node::items).unwrap_or_default();
        let mut out = Vec::with_capacity(nodes.len());
        for node in nodes {
            let (agent, written) = agent(node, ctx.authorities);
            let at = node.get("name").unwrap_or(node).span.start;
            if let Written::Mapping { kind: Some(kind) } = written
                && kind != agent.kind
            {
                let kind_at = node.get("kind").map_or(at, |k| k.span.start);
                findings.push(
                    Finding::new(
                        Code::KindDiffersFromAuthority,
                        file,
                        Some(kind_at),
                        format!(
                            "`{}` is written as {} `{}`, but the authority file has it as {} `{}`",
                            agent.as_written,
                            article(kind),
                            kind.as_str(),
                            article(agent.kind),
                            agent.kind.as_str()
                        ),
                    )
                    .with_help(format!(
                        "write `kind: {}` (the exports use the authority file's kind), or correct \
                         the entry in _authorities.yaml",
                        agent.kind.as_str()
                    )),
                );
            }
            if written == Written::Text
                && agent.kind == AgentKind::Person
                && agent.reads_as_organization
            {
                findings.push(
                    Finding::new(
                        Code::LooksLikeOrganization,
                        file,
                        Some(at),
                        format!(
                            "`{}` in `{field}` looks like an organization, but plain text is \
                             taken as a person's name",
                            agent.as_written
                        ),
                    )
                    .with_help(format!(
                        "write it as `- {{name: {}, kind: organization}}` so that it is not \
                         inverted like a person's name",
                        agent.as_written
                    )),
                );
            }
            if agent.kind == AgentKind::Person
                && agent.kept_as_written
                && !(written == Written::Text && agent.reads_as_organization)
            {
                findings.push(
                    Finding::new(
                        Code::KeptAsWritten,
                        file,
                        Some(at),
                        format!(
                            "`{}` in `{field}` is kept as written: the name rules cannot tell \
                             which part is the family name, so it is not inverted",
                            quoted_name(&agent.as_written)
                        ),
                    )
                    .with_help(
                        "if it is one person, write the heading inverted (`Family, Given`) or \
                         add it to _authorities.yaml; if it names several people, list each \
                         one; a group is written `- {name: ..., kind: organization}`",
                    ),
                );
            }
            if let Some(doubt) = agent.unproven.filter(|_| {
                agent.kind == AgentKind::Person
                    && !(written == Written::Text && agent.reads_as_organization)
            }) {
                findings.push(
                    Finding::new(
                        Code::NoEvidenceToInvert,
                        file,
                        Some(at),
                        format!(
                            "`{}` in `{field}` is kept as written, not inverted: nothing \
                             certain says which word is the family name; {}",
                            quoted_name(&agent.as_written),
                            doubt.explain()
                        ),
                    )
                    .with_help(
                        "add the person to _authorities.yaml, or write the heading inverted \
                         (`Family, Given`); a group or a firm is written `- {name: ..., kind: \
                         organization}`",
                    ),
                );
            }
            mentions.push(Mention {
                agent: Arc::clone(&agent),
                location: at,
            });
            out.push(agent);
        }
        out
    };
    let creators = agents("creators");
    let recipients = agents("recipients");
    let people = agents("people");
    let texts = |field: &str| -> Vec<String> {
        root.get(field)
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .map(|n| collapse(text_of(n)))
            .collect()
    };
    let references = |field: &str| -> Vec<Reference> {
        root.get(field)
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .map(|n| Reference {
                id: text_of(n),
                location: n.span.start,
            })
            .collect()
    };
    let source = root.get("source").map(|node| match &node.value {
        Value::Map(_) => Source::Archive {
            archive: node.get("archive").map(text_of).unwrap_or_default(),
            reference: node.get("reference").map(text_of),
        },
        _ => Source::Text(text_of(node)),
    });
    let record = Record {
        id: id_node.map(text_of).unwrap_or_default(),
        file: file.to_path_buf(),
        id_location: id_node.map_or(root.span.start, |n| n.span.start),
        in_stream,
        title: text("title"),
        date_as_written,
        date: date.unwrap_or_else(|| NormalizedDate {
            edtf: String::new(),
            earliest: dates::Bound::Unknown,
            latest: dates::Bound::Unknown,
        }),
        kind: collapse(text("type")),
        summary: text("summary"),
        creators,
        recipients,
        people,
        places: texts("places"),
        subjects: texts("subjects"),
        languages,
        source,
        rights: root.get("rights").map(text_of),
        collections: references("collections"),
        related: references("related"),
        mentions,
    };
    (Some(record), findings)
}

/// How an agent was written: as plain text, or as a mapping with or without `kind:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Text,
    Mapping { kind: Option<AgentKind> },
}

/// The agent written at `node`, and how it was written.
fn agent(node: &Node, authorities: &AuthorityIndex) -> (Arc<Agent>, Written) {
    match &node.value {
        Value::Map(_) => {
            let name = node.get("name").map(text_in).unwrap_or_default();
            let written = match node.get("kind").and_then(Node::as_str) {
                Some("organization") => Some(AgentKind::Organization),
                Some("person") => Some(AgentKind::Person),
                _ => None,
            };
            let id = node.get("id").and_then(Node::as_str);
            let kind = written.unwrap_or_default();
            (
                resolve_agent(&name, kind, id, authorities),
                Written::Mapping { kind: written },
            )
        }
        _ => (
            resolve_agent(&text_in(node), AgentKind::Person, None, authorities),
            Written::Text,
        ),
    }
}

/// A name as quoted in a finding: at most 200 characters, then how many were left out (a
/// name may be a megabyte of hostile text; issue #24: a finding's message is bounded).
fn quoted_name(name: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 200;
    match name.char_indices().nth(MAX) {
        None => name.into(),
        Some((cut, _)) => format!(
            "{}… ({} more characters)",
            &name[..cut],
            name[cut..].chars().count()
        )
        .into(),
    }
}

fn article(kind: AgentKind) -> &'static str {
    match kind {
        AgentKind::Person => "a",
        AgentKind::Organization => "an",
    }
}

/// Free text as written, in Unicode NFC, without leading or trailing whitespace.
fn text_of(node: &Node) -> String {
    text_in(node).into_owned()
}

/// [`text_of`], borrowed from the tree where it is already so (a name only looked up).
fn text_in(node: &Node) -> Cow<'_, str> {
    match &node.value {
        Value::Str(s) => crate::normalize::nfc(s.trim()),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Float(f) => Cow::Owned(f.to_string()),
        Value::Bool(b) => Cow::Owned(b.to_string()),
        _ => Cow::Borrowed(""),
    }
}

/// A short label (a place, a subject, a genre): whitespace runs collapsed to one space.
/// Most labels are ASCII words with single spaces between them, which are kept as they are.
fn collapse(text: String) -> String {
    let bytes = text.as_bytes();
    let single_spaced = text.is_ascii()
        && !bytes.first().is_some_and(u8::is_ascii_whitespace)
        && !bytes.last().is_some_and(u8::is_ascii_whitespace)
        && bytes.iter().all(|&b| !b.is_ascii_whitespace() || b == b' ')
        && !bytes.windows(2).any(|w| w == b"  ");
    if single_spaced {
        return text;
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::collapse;

    #[test]
    fn labels_are_collapsed_as_splitting_on_whitespace_collapses_them() {
        for text in [
            "",
            " ",
            "Korea (North)",
            "Economic construction",
            " leading",
            "trailing ",
            "two  spaces",
            "tab\there",
            "new\nline",
            "no-break\u{A0}space",
            "ideographic\u{3000}space",
            "김일성 毛泽东",
            "a\r\nb",
        ] {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse(text.to_string()), expected, "{text:?}");
        }
    }
}
