//! JSON-LD: one document for the whole catalogue, with an inline `@context` (nothing is
//! fetched to read it) and an `@graph` of collection, record and agent nodes, in that
//! order.
//!
//! Why records come before agents: the agents are known only once every record has been
//! read, so with the agents first `run` had to gather its record nodes in a second file and
//! copy them in after the agents (a tenth of a second of one thread per 100,000 records).
//! With the records first they are written where they stay, and the agents are appended.
//! For a JSON-LD processor the order of the `@graph` carries no meaning.
//!
//! Vocabulary: schema.org for the description (`ArchiveComponent`, `Person`,
//! `Organization`, `Collection`), DCMI terms for the creation date, source, rights and
//! relations, and the Library of Congress EDTF datatype
//! (`http://id.loc.gov/datatypes/edtf/EDTF`) for the normalized date. The earliest and
//! latest day are `xsd:date` values, so a triple store can sort and filter on them; they are
//! given under the catalogue's own vocabulary (`<base>vocab#`) because neither schema.org nor
//! DCMI has a property for "earliest day a creation date may mean".
//!
//! Each distinct agent is one node with a stable `@id` made from its kind and what tells it
//! from other agents ([`agent_iri`]);
//! records point at agents, collections and related records by `@id`.
//!
//! One encoder writes the document, member by member: [`opening`] (the context, then the
//! `@graph` with the collection nodes), then for each record in id order its [`separator`]
//! and its node ([`RecordNode::write_graph_member`]), then for each agent its separator and
//! [`graph_member`] of its [`agent_node`], then [`closing`]. `run` ([`crate::engine`]),
//! `convert --to shard` and `merge` ([`crate::engine::shard`]) all write with these functions.
//!
//! A record node is a [`RecordNode`], written straight from the record: a run writes
//! thousands of them, and building a `serde_json::Value` tree for each (a map, a key string
//! and a value string per field) cost more than writing it. It is laid out byte for byte as
//! serde_json's pretty printer lays out the rest of the document (tested).

use std::io;
use std::sync::Arc;

use serde::ser::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::{Map, Value as Json, json};

use crate::export::ExportOptions;
use crate::normalize::dates::Bound;
use crate::normalize::names::{Agent, AgentKind};
use crate::normalize::record::{Record, Source};
use crate::validate::crosscheck::Collection;

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
        "Agent": "dcterms:Agent",
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

/// The stable `@id` of an agent: its kind and its slug ([`Agent::slug`]), made from what
/// tells agents apart: the heading with its life dates and additions, the authority entry,
/// an authority id of the record's own ([`crate::normalize::names::slug`]). One agent, one
/// heading, one node: two agents never share an `@id`. The life dates of an authority entry
/// are left out of its slug, so that adding them to the authority file does not change the
/// IRI.
pub fn agent_iri(agent: &Agent, options: &ExportOptions) -> String {
    let folder = match agent.kind {
        AgentKind::Person => "people/",
        AgentKind::Organization => "organizations/",
    };
    [options.base_iri.as_str(), folder, agent.slug.as_str()].concat()
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

    /// Add a mention; the first one sets the kind and name parts. A spelling or id already
    /// in the node is not copied again (most mentions add nothing new).
    pub fn add(&mut self, a: &Agent) {
        if self.kind.is_none() {
            self.kind = Some(a.kind);
            self.name = a.name.clone();
            self.family = a.family.clone();
            self.given = a.given.clone();
        }
        if !self.written.contains(&a.as_written) {
            self.written.insert(a.as_written.clone());
        }
        for id in &a.ids {
            if !self.ids.contains(id) {
                self.ids.insert(id.clone());
            }
        }
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

/// The node of one record, borrowed from it and written field by field (see the module
/// docs). Its agents' `@id`s are taken when it is made.
pub struct RecordNode<'a> {
    record: &'a Record,
    options: &'a ExportOptions,
    creators: Vec<String>,
    recipients: Vec<String>,
    people: Vec<String>,
}

impl<'a> RecordNode<'a> {
    /// `agent_ref` is called for each agent mentioned, in order (creators, recipients,
    /// people), and returns the agent's `@id`.
    pub fn new(
        record: &'a Record,
        options: &'a ExportOptions,
        mut agent_ref: impl FnMut(&Arc<Agent>) -> String,
    ) -> Self {
        let mut agent_refs =
            |list: &[Arc<Agent>]| -> Vec<String> { list.iter().map(&mut agent_ref).collect() };
        let creators = agent_refs(&record.creators);
        let recipients = agent_refs(&record.recipients);
        let people = agent_refs(&record.people);
        RecordNode {
            record,
            options,
            creators,
            recipients,
            people,
        }
    }
}

impl RecordNode<'_> {
    /// The `@id`s of the agents the node refers to, in the order `agent_ref` gave them
    /// (creators, recipients, people), kept instead of copied.
    pub fn into_agent_iris(self) -> impl Iterator<Item = String> {
        let RecordNode {
            creators,
            recipients,
            people,
            ..
        } = self;
        creators.into_iter().chain(recipients).chain(people)
    }
}

impl RecordNode<'_> {
    /// Append the node to `out` as a member of the `@graph`: laid out as [`graph_member`]
    /// lays out a JSON value (serde_json's pretty printer, indented by four spaces), so that
    /// a document parsed and pretty-printed again is the same bytes (tested on the exports of
    /// `input/` and of crafted records whose values need escaping, in `tests/it/exports.rs`).
    /// Written directly, not through serde_json: a run writes one node per record, and
    /// through serde_json's serializer, pretty printer and the indenting writer each string
    /// went byte by byte through an escape table and each key and bracket through several
    /// calls; writing directly saved 4.5 % of a whole run's instructions (callgrind,
    /// BENCHMARKS.md). The node's shape is fixed (string values, lists of strings, one
    /// nested object, `true`), so it is written here as the pretty printer lays it out.
    pub fn write_graph_member(&self, out: &mut Vec<u8>) {
        let (record, options) = (self.record, self.options);
        let mut w = MemberWriter { out, first: true };
        w.out.extend_from_slice(b"    {");
        w.string("@id", &options.record_iri(&record.id));
        w.string("@type", "ArchiveComponent");
        w.string("identifier", &record.id);
        w.string("name", &record.title);
        if !record.date.edtf.is_empty() {
            w.string("created", &record.date.edtf);
        }
        w.string("dateAsWritten", &record.date_as_written);
        for (key, open_key, bound) in [
            ("dateEarliest", "dateOpenStart", &record.date.earliest),
            ("dateLatest", "dateOpenEnd", &record.date.latest),
        ] {
            match bound {
                Bound::Day(day) => w.string(key, &day.to_string()),
                Bound::Open => {
                    w.key(open_key);
                    w.out.extend_from_slice(b"true");
                }
                Bound::Unknown => {}
            }
        }
        w.string("genre", &record.kind);
        w.string("abstract", &record.summary);
        w.list("creator", &self.creators);
        w.list("recipient", &self.recipients);
        w.list("about", &self.people);
        w.list("keywords", &record.subjects);
        w.list("spatialCoverage", &record.places);
        w.list("inLanguage", &record.languages);
        match &record.source {
            Some(Source::Text(t)) => w.string("source", t),
            Some(Source::Archive { archive, reference }) => {
                w.key("holdingArchive");
                w.out
                    .extend_from_slice(b"{\n        \"@type\": \"ArchiveOrganization\",");
                w.out.extend_from_slice(b"\n        \"name\": ");
                json_string(archive, w.out);
                w.out.extend_from_slice(b"\n      }");
                if let Some(r) = reference {
                    w.string("itemLocation", r);
                }
            }
            None => {}
        }
        if let Some(r) = &record.rights {
            w.string("rights", r);
        }
        let part_of: Vec<String> = (record.collections.iter())
            .map(|c| options.collection_iri(&c.id))
            .collect();
        w.list("isPartOf", &part_of);
        let related: Vec<String> = (record.related.iter())
            .map(|r| options.record_iri(&r.id))
            .collect();
        w.list("relation", &related);
        w.out.extend_from_slice(b"\n    }");
    }
}

/// Writes the entries of a record node inside the `@graph` (keys indented by six spaces).
struct MemberWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl MemberWriter<'_> {
    /// A key: one of the node's own, which never need escaping.
    fn key(&mut self, key: &str) {
        let lead: &[u8] = if self.first {
            b"\n      \""
        } else {
            b",\n      \""
        };
        self.first = false;
        self.out.extend_from_slice(lead);
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        json_string(value, self.out);
    }

    /// Several values: left out when there are none, one as itself, more as an array.
    fn list(&mut self, key: &str, values: &[String]) {
        match values {
            [] => {}
            [one] => self.string(key, one),
            many => {
                self.key(key);
                self.out.push(b'[');
                for (i, value) in many.iter().enumerate() {
                    let lead: &[u8] = if i == 0 {
                        b"\n        "
                    } else {
                        b",\n        "
                    };
                    self.out.extend_from_slice(lead);
                    json_string(value, self.out);
                }
                self.out.extend_from_slice(b"\n      ]");
            }
        }
    }
}

/// `text` as a JSON string, escaped as serde_json escapes it: `"` and `\\`, and the
/// control characters below U+0020 (`\b`, `\t`, `\n`, `\f`, `\r`, the others as `\u00xx`);
/// nothing else.
fn json_string(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    out.push(b'"');
    let escaped = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    if !crate::read::byte_scan::any_byte(bytes, b' ', escaped) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !escaped(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]),
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Append `node` to `out` as it appears inside the pretty-printed `@graph` array of the
/// document: pretty-printed, and every line indented by four more spaces. Written in one
/// pass, by serde_json's own pretty printer whose line breaks (and only those: a newline
/// inside a string is escaped) are followed by the four spaces.
pub fn graph_member<T: Serialize + ?Sized>(node: &T, out: &mut Vec<u8>) -> serde_json::Result<()> {
    out.extend_from_slice(GRAPH_INDENT);
    let formatter = GraphMemberFormatter(PrettyFormatter::new());
    node.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

const GRAPH_INDENT: &[u8] = b"    ";

/// [`PrettyFormatter`] (what `to_vec_pretty` uses), with the output of the four methods that
/// write line breaks passed through [`Indented`]. Every other method is delegated as it is,
/// so the pretty printer's state (depth, whether a container has values) stays its own.
struct GraphMemberFormatter(PrettyFormatter<'static>);

impl Formatter for GraphMemberFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(&mut Indented(w))
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(&mut Indented(w), first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(&mut Indented(w))
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(&mut Indented(w), first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// A writer that puts [`GRAPH_INDENT`] after every newline it passes on.
struct Indented<'a, W: ?Sized>(&'a mut W);

impl<W: ?Sized + io::Write> io::Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while let Some(i) = buf.iter().position(|&b| b == b'\n') {
            self.0.write_all(&buf[..=i])?;
            self.0.write_all(GRAPH_INDENT)?;
            buf = &buf[i + 1..];
        }
        self.0.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
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

/// The type of an agent node: only what is certain (issue #23). `Organization` comes only
/// from `kind: organization` written in a record or from the authority file. `Person` only
/// when the name was read as a person's name with evidence, which is when it has a family
/// or a given name: an inverted heading as written, the authority file's preferred form,
/// or the name rules' evidence (a given name of the list, a title or a term of address, a
/// rule for royal persons). Any other agent, a name kept as written (`Meissen Porcelain
/// Manufactory`, `Gilbert & George`) or a word alone (`Canaletto`), is `dcterms:Agent`: the
/// class that the range of `dcterms:creator` already gives any creator, so it claims
/// nothing the record does not say (schema.org has no class above Person and
/// Organization but Thing).
pub fn agent_type(a: &AgentNode) -> &'static str {
    match a.kind.unwrap_or_default() {
        AgentKind::Organization => "Organization",
        AgentKind::Person if a.family.is_some() || a.given.is_some() => "Person",
        AgentKind::Person => "Agent",
    }
}

/// The node of an agent, merged over all its mentions.
pub fn agent_node(iri: String, a: AgentNode) -> Json {
    let mut node = Map::new();
    node.insert("@id".into(), Json::String(iri));
    let kind = agent_type(&a);
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

/// The document up to its first record: the context, then the `@graph` with the collection
/// nodes. A document written one member at a time is this, then each member after its
/// [`separator`] (members as [`graph_member`] writes them), then [`closing`]: the bytes
/// serde_json pretty-prints for the whole document (tested).
pub fn opening(options: &ExportOptions, collections: &[Collection]) -> serde_json::Result<Vec<u8>> {
    let empty = json!({ "@context": context(options), "@graph": [] });
    let mut text = serde_json::to_vec_pretty(&empty)?;
    let empty_graph = b"[]\n}";
    if text.ends_with(empty_graph) {
        text.truncate(text.len() - empty_graph.len());
    }
    for (before, c) in collections.iter().enumerate() {
        text.extend_from_slice(separator(before));
        graph_member(&collection_node(c, options), &mut text)?;
    }
    Ok(text)
}

/// What goes before a `@graph` member that has `members_before` members before it.
pub fn separator(members_before: usize) -> &'static [u8] {
    if members_before == 0 { b"[\n" } else { b",\n" }
}

/// What ends a document whose `@graph` has `members` members.
pub fn closing(members: usize) -> &'static [u8] {
    if members == 0 {
        b"[]\n}\n"
    } else {
        b"\n  ]\n}\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `graph_member` replaced: the node pretty-printed, then every line indented.
    fn reindented(node: &Json) -> Vec<u8> {
        let text = serde_json::to_string_pretty(node).unwrap();
        let lines: Vec<String> = text.split('\n').map(|l| format!("    {l}")).collect();
        lines.join("\n").into_bytes()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut texts: Vec<String> = (0u8..=0x7F).map(|b| format!("a{}b", b as char)).collect();
        texts.extend(["", "plain", "김일성 \u{2028} \u{FFFD} é", "\"\\/\u{7F}"].map(String::from));
        // Long enough to be looked at in several 32-byte blocks.
        texts.push(format!("{}\"{}\u{1}", "x".repeat(40), "y".repeat(30)));
        for text in texts {
            let mut out = Vec::new();
            json_string(&text, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(text in "\\PC*|[\\x00-\\x7F]{0,70}") {
            let mut out = Vec::new();
            json_string(&text, &mut out);
            proptest::prop_assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    #[test]
    fn graph_member_is_the_pretty_node_indented() {
        let nodes = [
            json!({
                "@id": "https://example.org/catalogue/records/a",
                "name": "two\nlines, a \"quote\" and a tab\t",
                "empty": [],
                "none": {},
                "list": ["x", {"nested": [1, 2.5, true, null]}],
                "holdingArchive": { "@type": "ArchiveOrganization", "name": "AVPRF" }
            }),
            json!("alone"),
            json!([]),
        ];
        for node in &nodes {
            let mut out = b"kept ".to_vec();
            graph_member(node, &mut out).unwrap();
            let expected = [b"kept ".to_vec(), reindented(node)].concat();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
    /// A document written one member at a time (as `run`, `convert` and `merge` write it)
    /// is the document serde_json pretty-prints whole: with no collection, one,
    /// two, and after them no other member, one, several.
    #[test]
    fn a_document_written_member_by_member_is_the_pretty_document() {
        let options = ExportOptions::default();
        let collections = [
            Collection {
                id: "col-a".into(),
                title: "A \"quoted\" title".into(),
                description: Some("two\nlines".into()),
            },
            Collection {
                id: "col-b".into(),
                title: "B".into(),
                description: None,
            },
        ];
        let nodes = [
            json!({"@id": "https://example.org/b", "list": ["x", {"y": []}], "empty": {}}),
            json!({"@id": "https://example.org/c", "name": "line\nbreak"}),
            json!("alone"),
        ];
        for c in 0..=collections.len() {
            for n in 0..=nodes.len() {
                let mut written = opening(&options, &collections[..c]).unwrap();
                for (i, node) in nodes[..n].iter().enumerate() {
                    written.extend_from_slice(separator(c + i));
                    graph_member(node, &mut written).unwrap();
                }
                written.extend_from_slice(closing(c + n));
                let mut graph: Vec<Json> = collections[..c]
                    .iter()
                    .map(|c| collection_node(c, &options))
                    .collect();
                graph.extend(nodes[..n].iter().cloned());
                let whole = json!({ "@context": context(&options), "@graph": graph });
                let mut expected = serde_json::to_vec_pretty(&whole).unwrap();
                expected.push(b'\n');
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "{c} collections, {n} other members"
                );
            }
        }
    }
}
