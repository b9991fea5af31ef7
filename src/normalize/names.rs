//! Names of persons and organizations: the form as written → a display form, an inverted
//! heading and, through the authority file, one preferred form with its authority URIs.
//!
//! STUB: the interface the rest of the pipeline relies on. The full rules (RDA 9.2.2,
//! ALA-LC romanization, authority matching) replace the bodies below.

use unicode_normalization::UnicodeNormalization;

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
}

/// The authority file, indexed for lookup by any of its forms.
#[derive(Debug, Clone, Default)]
pub struct AuthorityIndex {
    entries: Vec<AuthorityEntry>,
}

impl AuthorityIndex {
    /// An index with no entries: every name is normalized by rule alone.
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn new(entries: Vec<AuthorityEntry>) -> Self {
        Self { entries }
    }

    /// The entry whose preferred form or a variant matches `name`.
    pub fn lookup(&self, name: &str) -> Option<&AuthorityEntry> {
        let key = collapse(name);
        self.entries.iter().find(|e| {
            collapse(&e.preferred) == key || e.variants.iter().any(|v| collapse(v) == key)
        })
    }
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
    pub family: Option<String>,
    pub given: Option<String>,
    /// Titles and forms of address dropped from the name (`Chairman`).
    pub roles: Vec<String>,
    /// Authority URIs: from the record's own `id` and from the authority file.
    pub ids: Vec<String>,
}

/// Normalize one agent as written in a record.
pub fn resolve_agent(
    written: &str,
    kind: AgentKind,
    explicit_id: Option<&str>,
    authorities: &AuthorityIndex,
) -> Agent {
    let name = collapse(written);
    let ids = explicit_id.map(str::to_string).into_iter().collect();
    let _ = authorities;
    Agent {
        kind,
        as_written: written.to_string(),
        heading: name.clone(),
        name,
        family: None,
        given: None,
        roles: Vec::new(),
        ids,
    }
}

fn collapse(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
