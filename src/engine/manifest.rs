//! The manifest of a shard's output folder (`shard.json`, described in [`super::shard`]):
//! written by `run --shard` and `convert --to shard`, read by `pipeline merge`.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use crate::engine::selection::Shard;
use crate::export::jsonld::AgentNode;
use crate::normalize::names::AgentKind;

/// The manifest's file name in a shard's output folder.
pub const MANIFEST: &str = "shard.json";
/// The manifest's `format`.
pub(crate) const FORMAT: &str = "pipeline-shard/1";

/// The manifest of a shard.
pub fn manifest(
    shard: Shard,
    records: usize,
    agents: &BTreeMap<String, AgentNode>,
    first: &BTreeMap<String, String>,
) -> serde_json::Result<String> {
    let agents: Vec<Json> = agents
        .iter()
        .map(|(iri, a)| {
            json!({
                "iri": iri,
                "first": first.get(iri),
                "kind": match a.kind.unwrap_or_default() {
                    AgentKind::Person => "person",
                    AgentKind::Organization => "organization",
                },
                "name": a.name,
                "family": a.family,
                "given": a.given,
                "written": a.written,
                "ids": a.ids,
            })
        })
        .collect();
    let doc = json!({
        "format": FORMAT,
        "shard": shard.index,
        "of": shard.count,
        "records": records,
        "agents": agents,
    });
    let mut text = serde_json::to_string(&doc)?;
    text.push('\n');
    Ok(text)
}
