//! Names of persons and organizations: the form as written → a display form, an inverted
//! heading and, through the authority file, one preferred form with its authority URIs.
//!
//! Why this module exists: the collection's documents name the same people in many
//! ways (`Mao [Zedong]`, `Chairman Mao [Zedong]`, `Kim Il Sung`, `Kim Il-sung`,
//! `A.M. Puzanov`), and every export needs one display form, one heading that sorts under
//! the family name, and the same authority URIs for the same person.
//!
//! Layout:
//! - [`rules`]: the cataloguing rules for a name that is not in the authority file
//!   (RDA 9.2.2, LC-PCC PS, ALA-LC romanization), documented rule by rule;
//! - [`authority`]: the authority index and its match key;
//! - `fold`: folding for matching (letters without a decomposition, `ł` `ø` `ß`, included);
//! - [`mod@fingerprint`]: romanization-aware variant detection across the catalogue, and the
//!   organization-word heuristic;
//! - `lexicon`: the data files under `data/` (titles, terms of address, additions such as
//!   honours and ranks, particles, suffixes, surnames, romanization equivalences,
//!   organization words).
//!
//! The principle, for every name: **certain, or kept as written, or refused with a
//! suggestion; never a confident guess.** A name the rules cannot read is kept as written
//! and the agent says so ([`Agent::kept_as_written`], finding N005); so is a name that
//! nothing certain says how to invert ([`Agent::unproven`], N006: `Katsushika Hokusai`,
//! `Lou Cannon`); a plain-text name that reads as an organization is not inverted (N002).
//! The kind of an agent is claimed only from evidence: a family or given name read with
//! evidence (an inverted heading as written, the authority file, the rules' evidence)
//! makes the JSON-LD say `Person`; `kind: organization` or the authority file's kind,
//! `Organization`; anything else `dcterms:Agent` (`export::jsonld::agent_type`), also a
//! name written `kind: person` that the rules keep as written (the node carries no sign of
//! the `kind:`; a gap, on the safe side). Two headings that differ in an
//! addition (`Moxon, Charles, Mrs` and `Moxon, Charles`; `Ashburton, Lady` and
//! `Ashburton, Lord`) are two agents everywhere: the heading and so the JSON-LD slug,
//! the memo (keyed by the text as written), the authority match key and the N001
//! fingerprint all carry the additions. N001 does not group them: they are different
//! people, not spellings of one.
//!
//! [`resolve_agent`] puts them together. Decisions:
//! - A name that matches an authority entry takes the entry's preferred form as `name`,
//!   and its heading is built from the preferred form by the same rules, plus `, dates`
//!   (`Mao, Zedong, 1893-1976`). Organizations: the heading is the preferred form (dates
//!   are not added to corporate headings).
//! - The lookup tries the record's kind first, then the other kind; a matched agent takes
//!   the entry's kind (the authority file is the better witness).
//! - `roles` always come from what was written (`Chairman` in `Chairman Mao [Zedong]`),
//!   matched or not.
//! - `ids`: the entry's ids in file order, then the record's explicit id unless already
//!   there.
//! - `given` of a Western name includes the prefixes recorded after it (`Ludwig van`),
//!   i.e. it is the part of the heading between the first comma and the suffix.
//! - Life dates written in an inverted name (`Mao, Zedong, 1893-1976`) go to the heading,
//!   never to the display form.
//! - A spelling is resolved once per thread and authority index: [`resolve_agent`] keeps the
//!   result in a bounded per-thread memo (`memo`: key, bound and why it is sound there).

pub mod authority;
pub mod fingerprint;
mod fold;
mod lexicon;
mod memo;
pub mod rules;
pub mod slug;

pub use authority::{AuthorityConflict, AuthorityIndex, match_key};
pub use fingerprint::{
    VariantGroup, VariantSpelling, find_variants, fingerprint, looks_like_organization,
};
pub use rules::{
    Doubt, NameOrder, PersonName, is_syllabic, normalize_organization, normalize_person,
};

use std::sync::Arc;

/// Whether an agent is a person or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum AgentKind {
    #[default]
    Person,
    Organization,
}

impl AgentKind {
    /// The word used in records and schemas: `person` or `organization`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Person => "person",
            AgentKind::Organization => "organization",
        }
    }

    fn other(self) -> Self {
        match self {
            AgentKind::Person => AgentKind::Organization,
            AgentKind::Organization => AgentKind::Person,
        }
    }
}

/// One entry of the authority file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityEntry {
    /// The preferred form, display order (`Mao Zedong`, `A. M. Puzanov`).
    pub preferred: String,
    pub kind: AgentKind,
    /// Other spellings that mean this agent.
    pub variants: Vec<String>,
    /// Life dates as used in headings, e.g. `1893-1976`.
    pub dates: Option<String>,
    /// Authority URIs (VIAF, LCNAF, Wikidata, ISNI).
    pub ids: Vec<String>,
    /// A person's heading as the cataloguer gives it (`Katsushika, Hokusai`): the family name
    /// before the first comma, the forenames after it. It is the evidence the name rules
    /// cannot find in a display form (which word is the family name), so the heading is
    /// taken as written instead of read from `preferred`; `dates` are added to it.
    pub heading: Option<String>,
}

/// An agent after normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub kind: AgentKind,
    /// Exactly what the cataloguer wrote.
    pub as_written: String,
    /// The display form (`Mao Zedong`, `A. M. Puzanov`), or the preferred form from the
    /// authority file.
    pub name: String,
    /// The inverted heading (`Mao, Zedong`, `Puzanov, A. M.`); organizations: the name.
    pub heading: String,
    /// The slug of the agent's IRI ([`mod@slug`]): made from what tells agents apart (the
    /// heading with its dates and additions, the authority entry, an authority id of the
    /// record's own), so that two agents never share a node.
    pub slug: String,
    /// Whether the text as written reads like a corporate body's name
    /// ([`looks_like_organization`]): made here, once per spelling (the memo keeps it),
    /// rather than for each of its mentions (it was 2.4 % of a run's instructions).
    pub reads_as_organization: bool,
    /// Whether the name rules kept this person's name as written, not inverted, because
    /// they could not read it with confidence ([`PersonName::kept_as_written`]: `Gilbert
    /// & George`, `Gego (Gertrud Goldschmidt)`, `Le Corbusier`). Never for a name matched
    /// in the authority file, nor for an organization. The pipeline reports it (N005).
    pub kept_as_written: bool,
    /// Whether the name rules kept this person's name as written for want of evidence of
    /// which word is the family name ([`PersonName::unproven`]: `Katsushika Hokusai`,
    /// `Meissen Porcelain Manufactory`, `Premier Engraver`). Never for a name matched in the
    /// authority file, nor for an organization. The pipeline reports it (N006) and says why
    /// ([`Doubt::explain`]).
    pub unproven: Option<Doubt>,
    /// The family name, only when the name was read with evidence (an inverted heading as
    /// written, the authority file, or the name rules' evidence): with [`Self::given`], what
    /// makes the JSON-LD type the agent `Person` rather than an agent of unknown kind.
    pub family: Option<String>,
    pub given: Option<String>,
    /// Titles and forms of address dropped from the name (`Chairman`).
    pub roles: Vec<String>,
    /// Authority URIs: from the authority file and from the record's own `id`.
    pub ids: Vec<String>,
}

/// The part of a heading after the family name: given names and the prefixes that
/// follow them.
fn given_with_particles(p: &PersonName) -> Option<String> {
    match (&p.given, &p.particles) {
        (Some(g), Some(x)) => Some(format!("{g} {x}")),
        (g, x) => g.clone().or_else(|| x.clone()),
    }
}

/// The heading an authority entry gives (`heading:`), in NFC with its white space collapsed.
fn given_heading(entry: &AuthorityEntry) -> Option<String> {
    let h = rules::collapse(entry.heading.as_deref()?);
    (!h.is_empty()).then_some(h)
}

fn with_dates(heading: &str, dates: Option<&str>) -> String {
    match dates.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) if !heading.is_empty() => format!("{heading}, {d}"),
        _ => heading.to_string(),
    }
}

/// Normalize one agent as written in a record.
///
/// The same `written`, `kind` and `authorities` always give the same agent, so it comes from
/// this thread's memo after the first time (see `memo`); `explicit_id` is added afterwards.
pub fn resolve_agent(
    written: &str,
    kind: AgentKind,
    explicit_id: Option<&str>,
    authorities: &AuthorityIndex,
) -> Arc<Agent> {
    let agent = memo::resolved(written, kind, authorities, || {
        resolve_uncached(written, kind, authorities)
    });
    with_explicit_id(agent, explicit_id)
}

/// [`resolve_agent`] without the memo (the reference the memo is tested against).
#[cfg(test)]
fn resolve_direct(
    written: &str,
    kind: AgentKind,
    explicit_id: Option<&str>,
    authorities: &AuthorityIndex,
) -> Arc<Agent> {
    with_explicit_id(
        Arc::new(resolve_uncached(written, kind, authorities)),
        explicit_id,
    )
}

/// The record's explicit id goes after the authority entry's ids, unless already there
/// (only then is the shared agent copied). An id the agent did not have makes it another
/// agent (two `John Smith` with two VIAF ids are two people): its slug is qualified by the
/// id ([`slug::qualified`]), so it gets a node of its own.
fn with_explicit_id(mut agent: Arc<Agent>, explicit_id: Option<&str>) -> Arc<Agent> {
    if let Some(id) = explicit_id.map(str::trim).filter(|s| !s.is_empty())
        && !agent.ids.iter().any(|x| x == id)
    {
        let agent = Arc::make_mut(&mut agent);
        agent.ids.push(id.to_string());
        agent.slug = slug::qualified(&agent.slug, id);
    }
    agent
}

/// [`resolve_agent`] without the memo and without an explicit id: the entry's ids only.
fn resolve_uncached(written: &str, kind: AgentKind, authorities: &AuthorityIndex) -> Agent {
    let person = (kind == AgentKind::Person).then(|| normalize_person(written));
    let key_for = |k: AgentKind| match (k, &person) {
        (AgentKind::Person, Some(p)) => authority::person_key(p),
        _ => match_key(written, k),
    };
    let found = authorities
        .index_of(kind, &key_for(kind))
        .or_else(|| authorities.index_of(kind.other(), &key_for(kind.other())));
    let roles = person.as_ref().map(|p| p.roles.clone()).unwrap_or_default();

    if let Some(i) = found {
        let (entry, preferred) = authorities.entry(i);
        let ids = entry.ids.clone();
        let (name, heading, family, given) = match (preferred, given_heading(entry)) {
            (Some(p), Some(h)) => {
                let mut parts = h.splitn(3, ',').map(str::trim);
                let family = parts.next().filter(|f| !f.is_empty()).map(str::to_string);
                let given = parts.next().filter(|g| !g.is_empty()).map(str::to_string);
                let display = if p.display.is_empty() {
                    entry.preferred.clone()
                } else {
                    p.display.clone()
                };
                (
                    display,
                    with_dates(&h, entry.dates.as_deref()),
                    family,
                    given,
                )
            }
            (Some(p), None) if !p.display.is_empty() => (
                p.display.clone(),
                with_dates(&p.heading, entry.dates.as_deref()),
                // A person of the authority file known by one word (`Behrens`): the file
                // is the evidence that it is a person's name, and the word is its heading.
                p.family.clone().or_else(|| {
                    (entry.kind == AgentKind::Person && p.order == NameOrder::Single)
                        .then(|| p.display.clone())
                }),
                given_with_particles(p),
            ),
            // An organization: its preferred form, and the heading the entry gives if any
            // (`Korea (North). Ministry of Foreign Affairs`).
            (_, given) => {
                let n = normalize_organization(&entry.preferred);
                (n.clone(), given.unwrap_or(n), None, None)
            }
        };
        return Agent {
            kind: entry.kind,
            as_written: written.to_string(),
            reads_as_organization: looks_like_organization(written),
            kept_as_written: false,
            unproven: None,
            slug: authorities.slug(i).to_string(),
            name,
            heading,
            family,
            given,
            roles,
            ids,
        };
    }

    let ids = Vec::new();
    match person {
        Some(p) if !p.display.is_empty() => {
            let heading = with_dates(&p.heading, p.dates.as_deref());
            Agent {
                kind,
                as_written: written.to_string(),
                reads_as_organization: looks_like_organization(written),
                kept_as_written: p.kept_as_written(),
                unproven: p.doubt.filter(|_| p.unproven()),
                slug: slug::of(&heading),
                heading,
                given: given_with_particles(&p),
                name: p.display,
                family: p.family,
                roles,
                ids,
            }
        }
        _ => {
            let name = normalize_organization(written);
            Agent {
                kind,
                as_written: written.to_string(),
                reads_as_organization: looks_like_organization(written),
                kept_as_written: false,
                unproven: None,
                heading: name.clone(),
                slug: slug::of(&name),
                name,
                family: None,
                given: None,
                roles,
                ids,
            }
        }
    }
}
