//! JSON-LD: one document for the whole catalogue, with an inline `@context` (nothing is
//! fetched to read it) and an `@graph` of collection, agent and record nodes.
//!
//! Vocabulary: schema.org for the description (`ArchiveComponent`, `Person`,
//! `Organization`, `Collection`), DCMI terms for the creation date, source, rights and
//! relations, and the Library of Congress EDTF datatype
//! (`http://id.loc.gov/datatypes/edtf/EDTF`) for the normalized date. The earliest and
//! latest day are `xsd:date` values, so a triple store can sort and filter on them; they are
//! given under the catalogue's own vocabulary (`<base>vocab#`) because neither schema.org nor
//! DCMI has a property for "earliest day a creation date may mean".
//!
//! Each distinct agent is one node with a stable `@id` made from its kind and heading;
//! records point at agents, collections and related records by `@id`.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use crate::crosscheck::Collection;
use crate::export::ExportOptions;
use crate::normalize::dates::Bound;
use crate::normalize::names::{Agent, AgentKind};
use crate::record::{Record, Source};

/// The inline context.
pub fn context(options: &ExportOptions) -> Json {
    json!({
        "@version": 1.1,
        "schema": "https://schema.org/",
        "dcterms": "http://purl.org/dc/terms/",
        "edtf": "http://id.loc.gov/datatypes/edtf/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "catalogue": format!("{}vocab#", options.base_iri),
        "ArchiveComponent": "schema:ArchiveComponent",
        "ArchiveOrganization": "schema:ArchiveOrganization",
        "Collection": "schema:Collection",
        "Person": "schema:Person",
        "Organization": "schema:Organization",
        "identifier": "schema:identifier",
        "name": "schema:name",
        "alternateName": "schema:alternateName",
        "familyName": "schema:familyName",
        "givenName": "schema:givenName",
        "description": "schema:description",
        "abstract": "schema:abstract",
        "genre": "schema:genre",
        "keywords": "schema:keywords",
        "spatialCoverage": "schema:spatialCoverage",
        "inLanguage": "schema:inLanguage",
        "holdingArchive": "schema:holdingArchive",
        "itemLocation": "schema:itemLocation",
        "sameAs": { "@id": "schema:sameAs", "@type": "@id" },
        "creator": { "@id": "schema:creator", "@type": "@id" },
        "recipient": { "@id": "schema:recipient", "@type": "@id" },
        "about": { "@id": "schema:about", "@type": "@id" },
        "isPartOf": { "@id": "schema:isPartOf", "@type": "@id" },
        "relation": { "@id": "dcterms:relation", "@type": "@id" },
        "created": { "@id": "dcterms:created", "@type": "edtf:EDTF" },
        "source": "dcterms:source",
        "rights": "dcterms:rights",
        "dateAsWritten": "catalogue:dateAsWritten",
        "dateEarliest": { "@id": "catalogue:dateEarliest", "@type": "xsd:date" },
        "dateLatest": { "@id": "catalogue:dateLatest", "@type": "xsd:date" },
        "dateOpenStart": { "@id": "catalogue:dateOpenStart", "@type": "xsd:boolean" },
        "dateOpenEnd": { "@id": "catalogue:dateOpenEnd", "@type": "xsd:boolean" }
    })
}

/// The stable `@id` of an agent: its kind and a slug of its preferred (display) name. Life
/// dates are left out, so that adding them to the authority file does not change the IRI.
pub fn agent_iri(agent: &Agent, options: &ExportOptions) -> String {
    let folder = match agent.kind {
        AgentKind::Person => "people",
        AgentKind::Organization => "organizations",
    };
    format!("{}{folder}/{}", options.base_iri, iri_slug(&agent.name))
}

/// A path segment made of the letters and digits of `text` (any script), lowercased, joined
/// by `-`. IRIs (RFC 3987) allow non-ASCII letters, so `毛泽东` stays readable.
fn iri_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// One agent node, merged over every mention of the agent. The first mention (in record
/// order) gives the kind and the name parts; later mentions add written forms and ids.
#[derive(Debug, Default, Clone)]
pub struct AgentNode {
    pub kind: Option<AgentKind>,
    pub name: String,
    pub family: Option<String>,
    pub given: Option<String>,
    pub written: std::collections::BTreeSet<String>,
    pub ids: std::collections::BTreeSet<String>,
}

impl AgentNode {
    /// The node of one mention of `agent`.
    pub fn of(agent: &Agent) -> AgentNode {
        let mut node = AgentNode::default();
        node.add(agent);
        node
    }

    /// Add a mention; the first one sets the kind and name parts.
    pub fn add(&mut self, a: &Agent) {
        if self.kind.is_none() {
            self.kind = Some(a.kind);
            self.name = a.name.clone();
            self.family = a.family.clone();
            self.given = a.given.clone();
        }
        self.written.insert(a.as_written.clone());
        self.ids.extend(a.ids.iter().cloned());
    }

    /// Merge a node built from later mentions into this one.
    pub fn merge(&mut self, later: AgentNode) {
        if self.kind.is_none() {
            self.kind = later.kind;
            self.name = later.name;
            self.family = later.family;
            self.given = later.given;
        }
        self.written.extend(later.written);
        self.ids.extend(later.ids);
    }
}

fn string_or_list(mut values: Vec<String>) -> Option<Json> {
    match values.len() {
        0 => None,
        1 => values.pop().map(Json::String),
        _ => Some(Json::Array(values.into_iter().map(Json::String).collect())),
    }
}

fn refs(iris: Vec<String>) -> Option<Json> {
    string_or_list(iris)
}

/// The node of one record; `agent_ref` is called for each agent mentioned, in order, and
/// returns the agent's `@id`.
pub fn record_node(
    record: &Record,
    options: &ExportOptions,
    mut agent_ref: impl FnMut(&Agent) -> String,
) -> Json {
    let mut agent_refs =
        |list: &[Agent]| -> Vec<String> { list.iter().map(&mut agent_ref).collect() };
    let creators = agent_refs(&record.creators);
    let recipients = agent_refs(&record.recipients);
    let people = agent_refs(&record.people);

    let mut node = Map::new();
    node.insert("@id".into(), Json::String(options.record_iri(&record.id)));
    node.insert("@type".into(), Json::String("ArchiveComponent".into()));
    node.insert("identifier".into(), Json::String(record.id.clone()));
    node.insert("name".into(), Json::String(record.title.clone()));
    if !record.date.edtf.is_empty() {
        node.insert("created".into(), Json::String(record.date.edtf.clone()));
    }
    node.insert(
        "dateAsWritten".into(),
        Json::String(record.date_as_written.clone()),
    );
    for (key, open_key, bound) in [
        ("dateEarliest", "dateOpenStart", &record.date.earliest),
        ("dateLatest", "dateOpenEnd", &record.date.latest),
    ] {
        match bound {
            Bound::Day(day) => {
                node.insert(key.into(), Json::String(day.to_string()));
            }
            Bound::Open => {
                node.insert(open_key.into(), Json::Bool(true));
            }
            Bound::Unknown => {}
        }
    }
    node.insert("genre".into(), Json::String(record.kind.clone()));
    node.insert("abstract".into(), Json::String(record.summary.clone()));
    let optional = [
        ("creator", refs(creators)),
        ("recipient", refs(recipients)),
        ("about", refs(people)),
        ("keywords", string_or_list(record.subjects.clone())),
        ("spatialCoverage", string_or_list(record.places.clone())),
        ("inLanguage", string_or_list(record.languages.clone())),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            node.insert(key.into(), v);
        }
    }
    match &record.source {
        Some(Source::Text(t)) => {
            node.insert("source".into(), Json::String(t.clone()));
        }
        Some(Source::Archive { archive, reference }) => {
            node.insert(
                "holdingArchive".into(),
                json!({ "@type": "ArchiveOrganization", "name": archive }),
            );
            if let Some(r) = reference {
                node.insert("itemLocation".into(), Json::String(r.clone()));
            }
        }
        None => {}
    }
    if let Some(r) = &record.rights {
        node.insert("rights".into(), Json::String(r.clone()));
    }
    let part_of = record
        .collections
        .iter()
        .map(|c| options.collection_iri(&c.id))
        .collect();
    if let Some(v) = refs(part_of) {
        node.insert("isPartOf".into(), v);
    }
    let related = record
        .related
        .iter()
        .map(|r| options.record_iri(&r.id))
        .collect();
    if let Some(v) = refs(related) {
        node.insert("relation".into(), v);
    }
    Json::Object(node)
}

/// The node of a collection.
pub fn collection_node(c: &Collection, options: &ExportOptions) -> Json {
    let mut node = Map::new();
    node.insert("@id".into(), Json::String(options.collection_iri(&c.id)));
    node.insert("@type".into(), Json::String("Collection".into()));
    node.insert("identifier".into(), Json::String(c.id.clone()));
    node.insert("name".into(), Json::String(c.title.clone()));
    if let Some(d) = &c.description {
        node.insert("description".into(), Json::String(d.clone()));
    }
    Json::Object(node)
}

/// The node of an agent, merged over all its mentions.
pub fn agent_node(iri: String, a: AgentNode) -> Json {
    let mut node = Map::new();
    node.insert("@id".into(), Json::String(iri));
    let kind = match a.kind.unwrap_or_default() {
        AgentKind::Person => "Person",
        AgentKind::Organization => "Organization",
    };
    node.insert("@type".into(), Json::String(kind.into()));
    node.insert("name".into(), Json::String(a.name.clone()));
    if let Some(f) = a.family {
        node.insert("familyName".into(), Json::String(f));
    }
    if let Some(g) = a.given {
        node.insert("givenName".into(), Json::String(g));
    }
    let alternates: Vec<String> = a.written.into_iter().filter(|w| *w != a.name).collect();
    if let Some(v) = string_or_list(alternates) {
        node.insert("alternateName".into(), v);
    }
    if let Some(v) = refs(a.ids.into_iter().collect()) {
        node.insert("sameAs".into(), v);
    }
    Json::Object(node)
}

/// The whole JSON-LD document.
pub fn render(
    records: &[Record],
    collections: &[Collection],
    options: &ExportOptions,
) -> serde_json::Result<Vec<u8>> {
    let mut agents: BTreeMap<String, AgentNode> = BTreeMap::new();
    let mut record_nodes = Vec::with_capacity(records.len());
    for record in records {
        record_nodes.push(record_node(record, options, |a| {
            let iri = agent_iri(a, options);
            agents.entry(iri.clone()).or_default().add(a);
            iri
        }));
    }

    let mut graph = Vec::with_capacity(collections.len() + agents.len() + record_nodes.len());
    graph.extend(collections.iter().map(|c| collection_node(c, options)));
    graph.extend(agents.into_iter().map(|(iri, a)| agent_node(iri, a)));
    graph.extend(record_nodes);
    let document = json!({ "@context": context(options), "@graph": graph });
    let mut bytes = serde_json::to_vec_pretty(&document)?;
    bytes.push(b'\n');
    Ok(bytes)
}
