//! The agent-identity warnings (N007): where the exports' one-agent-one-node rule meets a
//! name that the text alone cannot settle.
//!
//! Why a module of its own: the exports give each agent one heading and one node, whose
//! `@id` is made from what tells agents apart (the heading with its life dates and
//! additions, the authority entry, an authority id: `crate::normalize::names::slug`). Two
//! cases follow from that rule that a cataloguer should decide, and this module finds them
//! over the distinct spellings of a catalogue (as N001 does, in one pass, linear in the
//! number of spellings):
//!
//! - **merged**: two headings that differ only in case, spaces or punctuation have one
//!   slug, so they are one node. Where N001 reports them as spellings of one name (same
//!   fingerprint: `Kim, Il Sung` and `Kim, Il-sung`, `Smith, John` and `SMITH, JOHN`) one
//!   node is what it proposes and nothing more is said; otherwise (`Gilbert & George`, kept
//!   as written, and `Gilbert, George`) the text cannot tell whether they are one agent.
//! - **split**: one name, the same display form with the same life dates and additions, made
//!   into two headings (`Goethe, Johann Wolfgang von` and `Von Goethe, Johann Wolfgang`: both
//!   `Johann Wolfgang von Goethe`), so two nodes. Before, the JSON-LD merged them while the
//!   CSV and Dublin Core carried two headings.
//!
//! - **split by an id**: one spelling given an authority `id` in some mentions and none in
//!   others (`{name: John Smith, id: http://viaf.org/viaf/1}` and `John Smith`). The id makes
//!   its mentions an agent of their own; the text cannot say whether the others are the same
//!   one. Made by [`id_split_findings`] from the slugs the engine gathers per spelling (not by
//!   `check-outlines`, whose outlines carry no ids). Two spellings with two different ids
//!   are two agents that the ids tell apart: no warning.
//!
//! Names matched in the authority file are left out of both: the file already says who is
//! who. Names told apart by their text (other life dates, another addition, other letters:
//! those are N001's) are two agents and get no warning.
//!
//! A warning lists at most [`MAX_SPELLINGS`] headings and quotes each one up to
//! [`super::name_variants::MAX_NAME_CHARS`] characters (issue #24).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::names::{
    AgentKind, AuthorityIndex, fingerprint, normalize_person, resolve_agent,
};
use crate::validate::AUTHORITIES_FILE;
use crate::validate::name_variants::{MAX_SPELLINGS, shown};

/// One member of a group: its heading, one spelling that gave it, and its first place.
struct Member {
    heading: String,
    written: String,
    place: (PathBuf, Location),
}

/// The members of a group, one per heading (merged) or per node (split).
type Group = BTreeMap<String, Member>;

/// One name: its display form in lower case, its life dates and its additions.
type NameKey = (String, Option<String>, Vec<String>);

/// The N007 warnings of the distinct spellings of a catalogue: (as written, kind, how often,
/// some of its places).
pub fn identity_findings<'a>(
    spellings: impl IntoIterator<Item = (&'a str, AgentKind, usize, Vec<(PathBuf, Location)>)>,
    authorities: &AuthorityIndex,
) -> Vec<Finding> {
    // Each group keyed by what its members share, and within it one member per heading
    // (merged) or per node (split); the first place wins. Maps, so that many spellings of
    // one heading stay linear.
    let mut by_slug: HashMap<(AgentKind, String), Group> = HashMap::new();
    let mut by_name: HashMap<NameKey, Group> = HashMap::new();
    for (written, kind, _count, mut places) in spellings {
        places.sort();
        let Some(place) = places.into_iter().next() else {
            continue;
        };
        let matched = authorities.lookup_kind(written, kind).is_some()
            || authorities.lookup_kind(written, other(kind)).is_some();
        if matched || written.trim().is_empty() {
            continue;
        }
        let agent = resolve_agent(written, kind, None, authorities);
        let member = || Member {
            heading: agent.heading.clone(),
            written: written.to_string(),
            place: place.clone(),
        };
        // `by` is what the members of a group are told apart by.
        let keep = |group: &mut Group, by: &str| {
            let m = member();
            match group.get_mut(by) {
                Some(kept) if kept.place <= m.place => {}
                _ => {
                    group.insert(by.to_string(), m);
                }
            }
        };
        // Merged: one node (slug), several headings.
        keep(
            by_slug.entry((agent.kind, agent.slug.clone())).or_default(),
            &agent.heading,
        );
        // Split: one name, several nodes.
        if agent.kind == AgentKind::Person && kind == AgentKind::Person {
            let p = normalize_person(written);
            keep(
                by_name
                    .entry((p.display.to_lowercase(), p.dates, p.additions))
                    .or_default(),
                &agent.slug,
            );
        }
    }
    let mut findings = Vec::new();
    for ((kind, slug), group) in by_slug {
        if let Some(f) = merged(kind, &slug, group) {
            findings.push(f);
        }
    }
    for (_, group) in by_name {
        if let Some(f) = split(group) {
            findings.push(f);
        }
    }
    findings
        .sort_by(|a, b| (&a.file, a.location, &a.message).cmp(&(&b.file, b.location, &b.message)));
    findings
}

fn other(kind: AgentKind) -> AgentKind {
    match kind {
        AgentKind::Person => AgentKind::Organization,
        AgentKind::Organization => AgentKind::Person,
    }
}

/// The members of a group with two headings or more, in the order of their first places.
fn ordered(group: Group) -> Option<Vec<Member>> {
    if group.len() < 2 {
        return None;
    }
    let mut members: Vec<Member> = group.into_values().collect();
    members.sort_by(|a, b| a.place.cmp(&b.place));
    Some(members)
}

/// The headings of `members`, each with its first place, bounded.
fn listed(members: &[Member]) -> String {
    let mut text: Vec<String> = members
        .iter()
        .take(MAX_SPELLINGS)
        .map(|m| {
            let (file, at) = &m.place;
            format!(
                "`{}` ({}:{}:{})",
                shown(&m.heading),
                file.display(),
                at.line,
                at.col
            )
        })
        .collect();
    if members.len() > MAX_SPELLINGS {
        text.push(format!(
            "and {} more headings",
            members.len() - MAX_SPELLINGS
        ));
    }
    text.join(", ")
}

/// The finding at the first place of the second member.
fn at_second(members: &[Member], message: String, help: String) -> Finding {
    let (file, location) = &members[1].place;
    Finding::new(Code::AgentIdentity, file, Some(*location), message).with_help(help)
}

fn merged(kind: AgentKind, slug: &str, group: Group) -> Option<Finding> {
    let members = ordered(group)?;
    // Spellings of one name by N001's fingerprint (`Kim Il Sung`, `Kim Il-sung`) are
    // reported there, as spellings to settle in the authority file: one node is what they
    // ask for.
    let key = |m: &Member| fingerprint(&m.written, kind);
    let first = key(&members[0]);
    if members[1..].iter().all(|m| key(m) == first) {
        return None;
    }
    let folder = match kind {
        AgentKind::Person => "people",
        AgentKind::Organization => "organizations",
    };
    let message = format!(
        "the headings {} differ only in case, spaces or punctuation, so the exports make them one {} (`{folder}/{}`)",
        listed(&members),
        kind.as_str(),
        shown(slug)
    );
    let help = format!(
        "if they are one {kind}, write one heading everywhere; if they are not, tell them apart \
         by their life dates, an addition or an authority `id`, or add each to {AUTHORITIES_FILE}",
        kind = kind.as_str()
    );
    Some(at_second(&members, message, help))
}

fn split(group: Group) -> Option<Finding> {
    let members = ordered(group)?;
    let message = format!(
        "one name is written with {} headings, {}, so the exports make {} agents of it",
        members.len(),
        listed(&members),
        members.len()
    );
    let variants: Vec<String> = (members.iter().skip(1).take(MAX_SPELLINGS))
        .map(|m| format!("{:?}", shown(&m.written)))
        .collect();
    let help = format!(
        "if they are one person, write one heading everywhere, or add to {AUTHORITIES_FILE}: \
         `- {{preferred: {:?}, kind: person, variants: [{}]}}`; if they are not, give each its \
         life dates or an authority `id`",
        shown(&members[0].written),
        variants.join(", ")
    );
    Some(at_second(&members, message, help))
}

/// The N007 warnings for spellings given an authority id in some mentions and none in
/// others: (as written, kind, some of its places, the slugs of the agents it was resolved to).
pub fn id_split_findings<'a>(
    spellings: impl IntoIterator<Item = (&'a str, AgentKind, Vec<(PathBuf, Location)>, &'a [String])>,
    authorities: &AuthorityIndex,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (written, kind, mut places, slugs) in spellings {
        if slugs.len() < 2 {
            continue;
        }
        let plain = resolve_agent(written, kind, None, authorities);
        if !slugs.contains(&plain.slug) {
            continue;
        }
        places.sort();
        let Some((file, location)) = places.into_iter().next() else {
            continue;
        };
        let folder = match plain.kind {
            AgentKind::Person => "people",
            AgentKind::Organization => "organizations",
        };
        let mut slugs = slugs.to_vec();
        slugs.sort();
        let nodes: Vec<String> = (slugs.iter())
            .map(|s| format!("`{folder}/{}`", shown(s)))
            .collect();
        findings.push(
            Finding::new(
                Code::AgentIdentity,
                &file,
                Some(location),
                format!(
                    "`{}` is written with an authority `id` in some mentions and without one in \
                     others, so the exports make several agents of it: {}",
                    shown(written),
                    nodes.join(", ")
                ),
            )
            .with_help(format!(
                "if they are one {}, give the id in every mention, or add an entry with the id \
                 to {AUTHORITIES_FILE}; if they are not, give each its own id",
                plain.kind.as_str()
            )),
        );
    }
    findings
        .sort_by(|a, b| (&a.file, a.location, &a.message).cmp(&(&b.file, b.location, &b.message)));
    findings
}
