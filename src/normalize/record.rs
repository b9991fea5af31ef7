//! Records: a schema-valid YAML document → the normalized record every export is fed.
//!
//! [`normalize_record`] is only called on documents the schema accepted, so it can rely on
//! the shape of the tree; it still never panics on a surprise (a missing value reads as
//! empty). Each normalization that refuses a value returns a finding located at that value.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::dates::{self, Bound, DateError, DateInput, DateOptions, NormalizedDate};
use crate::normalize::languages::{nearest_language_name, normalize_language};

use crate::normalize::names::{Agent, AgentKind, AuthorityIndex, resolve_agent};
use crate::read::{Node, Value};

const LANGUAGE_HELP: &str = "write the English name of the language (Chinese, Korean, Russian) or \
     its ISO 639 code (zh, ko, ru; see https://iso639-3.sil.org)";

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

/// What normalizing a document gave.
#[derive(Debug, Default)]
pub struct Normalized {
    /// The record, `None` when an error refuses it.
    pub record: Option<Record>,
    /// The agents of a refused record (a kept record holds its own in
    /// [`Record::mentions`]): its names are still checked across the catalogue (N001).
    pub refused_mentions: Vec<Mention>,
    /// Every finding, warnings included: a record refused for its date or a language still
    /// gets the warnings about its names, so that a cataloguer sees every problem at once.
    pub findings: Vec<Finding>,
}

/// Normalize a schema-valid document: the record, or its refusal with the mentions of its
/// agents, and every finding, warnings included.
pub fn normalize_record(
    file: &Path,
    root: &Node,
    in_stream: bool,
    ctx: &Context<'_>,
) -> Normalized {
    let mut findings = Vec::new();
    let text = |field: &str| root.get(field).map(text_of).unwrap_or_default();
    let id_node = root.get("id");

    let (date_as_written, date) = match root.get("date") {
        Some(node) => read_date(file, node, ctx.date_options, &mut findings),
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
                    Some(node.span.start()),
                    format!("`{written}` is neither an ISO 639 code nor a language name we know"),
                )
                .with_help(match nearest_language_name(written) {
                    Some(name) => format!("did you mean `{name}`? Otherwise, {}", LANGUAGE_HELP),
                    None => LANGUAGE_HELP.to_string(),
                }),
            ),
        }
    }

    // A date or a language refuses the record, but its names are checked all the same.
    let refused = !findings.is_empty();
    let mut mentions = Vec::new();
    let mut agents =
        |field: &str| agents_of(file, root, field, ctx, &mut findings, &mut mentions, false);
    let creators = agents("creators");
    let recipients = agents("recipients");
    let people = agents("people");
    if refused {
        return Normalized {
            record: None,
            refused_mentions: mentions,
            findings,
        };
    }
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
                location: n.span.start(),
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
        id_location: id_node.map_or(root.span.start(), |n| n.span.start()),
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
    Normalized {
        record: Some(record),
        refused_mentions: Vec::new(),
        findings,
    }
}

/// The names of a document the schema refused, checked as those of a valid record are
/// (N002, N004, N005 here; N001 across the catalogue from the mentions): a record with a
/// misspelt field still has names to check. Only the agents whose shape the schema would
/// accept are read (a name as text, or a mapping whose `name` is text and whose `kind` and
/// `id`, if written, are valid); the schema's findings say what is wrong with the others.
pub fn check_names(file: &Path, root: &Node, ctx: &Context<'_>) -> (Vec<Mention>, Vec<Finding>) {
    let (mut findings, mut mentions) = (Vec::new(), Vec::new());
    for field in ["creators", "recipients", "people"] {
        agents_of(file, root, field, ctx, &mut findings, &mut mentions, true);
    }
    (mentions, findings)
}

/// Whether an agent node has the shape the record schema gives agents.
fn well_shaped_agent(node: &Node) -> bool {
    let text = |n: &Node| matches!(&n.value, Value::Str(s) if !s.trim().is_empty());
    match &node.value {
        Value::Str(_) => text(node),
        Value::Map(_) => {
            node.get("name").is_some_and(text)
                && node
                    .get("kind")
                    .is_none_or(|k| matches!(k.as_str(), Some("person" | "organization")))
                && node.get("id").is_none_or(text)
        }
        _ => false,
    }
}

/// The agents of list `field`, resolved, with their warnings added to `findings` and their
/// mentions to `mentions`. With `checked_shape`, agents the schema would refuse are skipped
/// (see [`check_names`]).
#[allow(clippy::too_many_arguments)]
fn agents_of(
    file: &Path,
    root: &Node,
    field: &str,
    ctx: &Context<'_>,
    findings: &mut Vec<Finding>,
    mentions: &mut Vec<Mention>,
    checked_shape: bool,
) -> Vec<Arc<Agent>> {
    let nodes = root.get(field).map(Node::items).unwrap_or_default();
    let mut out = Vec::with_capacity(nodes.len());
    mentions.reserve(nodes.len());
    for node in nodes {
        if checked_shape && !well_shaped_agent(node) {
            continue;
        }
        let (agent, written) = agent(node, ctx.authorities);
        let at = node.get("name").unwrap_or(node).span.start();
        if let Written::Mapping { kind: Some(kind) } = written
            && kind != agent.kind
        {
            let kind_at = node.get("kind").map_or(at, |k| k.span.start());
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
                    "add the person to _authorities.yaml with its heading (`heading: Family, \
                     Given`), or write the heading inverted in the record (`Family, Given`); \
                     a group or a firm is written `- {name: ..., kind: organization}`",
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
}

/// The date of a record: the expression as written, and the normalized date the exports
/// publish (`None` when a finding refuses it).
///
/// A text or a bare year is the expression, normalized by the date rules. A mapping
/// `{expression, normal}` keeps the expression as written beside its EDTF, as archives do
/// (DACS 2.4; EAD `<unitdate normal="...">`): `normal` must be valid EDTF, and it is what the
/// exports publish as the date. Where the rules read the expression, `normal` must agree
/// with that reading ([`agrees`]), or the record is refused (D005): one of the two is wrong
/// and the text alone cannot say which. Where they cannot read it (`03/04/1957`, a form they
/// do not know), `normal` is the cataloguer's reading and is taken as written.
fn read_date(
    file: &Path,
    node: &Node,
    options: &DateOptions,
    findings: &mut Vec<Finding>,
) -> (String, Option<NormalizedDate>) {
    let refusal = |e: DateError, at: &Node| {
        Finding::new(e.kind.code(), file, Some(at.span.start()), e.message).with_help(e.help)
    };
    let Value::Map(_) = &node.value else {
        let (written, input) = date_input(node);
        return match dates::normalize_date_with(input, options) {
            Ok(date) => (written, Some(date)),
            Err(e) => {
                findings.push(refusal(e, node));
                (written, None)
            }
        };
    };
    // The schema requires both; without them the record is refused already.
    let (Some(expression), Some(normal_node)) = (node.get("expression"), node.get("normal")) else {
        return (String::new(), None);
    };
    let (written, expression_input) = date_input(expression);
    let (normal_written, normal_input) = date_input(normal_node);
    let normal = match dates::normalize_date_with(normal_input, options) {
        Err(e) => {
            findings.push(refusal(e, normal_node));
            return (written, None);
        }
        // Free text the rules read (`January 1950`) is not EDTF: `normal` says what the
        // exports publish, so it is written as they publish it.
        Ok(read) if matches!(normal_input, DateInput::Text(t) if dates::parse_edtf(t.trim()).is_err()) =>
        {
            findings.push(
                Finding::new(
                    Code::UnrecognizedDate,
                    file,
                    Some(normal_node.span.start()),
                    format!("the normal form of the date, `{normal_written}`, is not EDTF"),
                )
                .with_help(format!(
                    "write `normal:` in EDTF (ISO 8601-2): `{}` says the same; the wording \
                     belongs in `expression:`",
                    read.edtf
                )),
            );
            return (written, None);
        }
        Ok(normal) => normal,
    };
    if let Ok(read) = dates::normalize_date_with(expression_input, options) {
        let convention =
            matches!(expression_input, DateInput::Text(t) if dates::reads_by_convention(t));
        if !agrees(&read, &normal, convention) {
            let (how, help) = if convention {
                (
                    "does not overlap the span the date rules read it as",
                    format!(
                        "correct `normal:` (the rules read the expression as `{}` by a \
                         convention, so a normal form within that span is taken as yours) or \
                         the expression",
                        read.edtf
                    ),
                )
            } else {
                (
                    "is not what the date rules read it as",
                    format!(
                        "write `normal: {}`, or correct the expression if it is the wording that \
                         is wrong",
                        read.edtf
                    ),
                )
            };
            findings.push(
                Finding::new(
                    Code::DateDisagrees,
                    file,
                    Some(normal_node.span.start()),
                    format!(
                        "the date is written `{written}`, which reads as `{}`; its normal form \
                         `{}` {how}",
                        read.edtf, normal.edtf
                    ),
                )
                .with_help(help),
            );
            return (written, None);
        }
    }
    (written, Some(normal))
}

/// Whether a normal form agrees with the reading of the expression: the same EDTF, or,
/// where the reading rests on a convention of the date rules (`early 1950s`, `19th
/// century`), a span that overlaps it (the cataloguer's bounds for `19th century` may be
/// 1801–1900 where the rules say 1800–1899).
fn agrees(read: &NormalizedDate, normal: &NormalizedDate, convention: bool) -> bool {
    if !convention {
        return read == normal;
    }
    // An open or unknown end reaches as far as it may.
    let day = |b: Bound| match b {
        Bound::Day(d) => Some(d),
        Bound::Open | Bound::Unknown => None,
    };
    let not_after = |a: Bound, b: Bound| match (day(a), day(b)) {
        (Some(a), Some(b)) => a <= b,
        _ => true,
    };
    not_after(read.earliest, normal.latest) && not_after(normal.earliest, read.latest)
}

/// A date scalar as written (an integer year as its digits) and as the date rules take it.
fn date_input(node: &Node) -> (String, DateInput<'_>) {
    match &node.value {
        Value::Int(year) => {
            // `date: 0957`: more characters than the number's digits (a leading zero, a
            // sign, a base prefix), which YAML 1.1 and 1.2 read differently.
            let chars = node.span.end_char().saturating_sub(node.span.start_char());
            let input = if chars > year.to_string().len() {
                DateInput::PaddedInteger {
                    value: *year,
                    chars,
                }
            } else {
                DateInput::Integer(*year)
            };
            (year.to_string(), input)
        }
        Value::Str(s) => (s.clone(), DateInput::Text(s)),
        other => (other.kind_name().to_string(), DateInput::Text("")),
    }
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
    use super::{agrees, collapse};
    use crate::normalize::dates::{DateInput, normalize_date};

    /// Agreement is the same EDTF; for a reading by convention, an overlapping span, where
    /// an open or unknown end reaches as far as it may.
    #[test]
    fn a_normal_form_agrees_by_its_edtf_or_for_a_convention_by_overlap() {
        let date = |s: &str| normalize_date(DateInput::Text(s)).unwrap();
        let agree =
            |read: &str, normal: &str, convention| agrees(&date(read), &date(normal), convention);
        assert!(agree("1946-03-12", "1946-03-12", false));
        // The same span with another qualifier, or in another EDTF form, is not the same.
        assert!(!agree("1950~", "1950", false));
        assert!(!agree("195X", "1950/1959", false));
        // `early 19th century` is 1800/1839 by convention.
        assert!(agree("1800/1839", "1801/1835", true));
        assert!(agree("1800/1839", "18XX", true));
        assert!(agree("1800/1839", "1839-12-31", true));
        assert!(!agree("1800/1839", "1840", true));
        assert!(!agree("1800/1839", "1799", true));
        // Open and unknown ends.
        assert!(agree("1800/1839", "../1800", true));
        assert!(agree("1800/1839", "1830/..", true));
        assert!(!agree("1800/1839", "1840/..", true));
        assert!(agree("1800/1839", "XXXX", true));
    }

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
