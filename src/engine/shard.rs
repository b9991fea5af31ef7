//! Sharded runs and `pipeline merge`: several machines each export a part of a catalogue,
//! and the parts are combined into exactly the outputs of a single run.
//!
//! A shard's output folder (`pipeline run --shard I/N`) holds the usual exports for its own
//! records (`dc/`, `records.csv`, `records.jsonld`, each valid on its own) plus
//! `shard.json`, the manifest:
//!
//! ```json
//! {"format": "pipeline-shard/1", "shard": 0, "of": 2, "records": 5123,
//!  "agents": [{"iri": "...", "first": "rec-00000007", "kind": "person", "name": "...",
//!              "family": "...", "given": "...", "written": ["..."], "ids": ["..."]}]}
//! ```
//!
//! `agents` keeps what the JSON-LD agent nodes lose (every written form, and which record
//! mentioned the agent first), so that merged agent nodes are the ones a single run builds:
//! the first mention in id order across all shards gives the name. The records of each
//! shard are in id order in its CSV and JSON-LD; the merge interleaves them (a k-way merge,
//! one record at a time) and moves the Dublin Core files.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::engine::manifest::{FORMAT, MANIFEST};
use crate::engine::writers::Staged;
use crate::export::ExportOptions;
use crate::export::jsonld::AgentNode;
use crate::normalize::names::AgentKind;
use crate::output::publish::Published;
use crate::validate::crosscheck::Collection;

/// Why shards could not be merged (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0}: {1}")]
    Invalid(PathBuf, String),
    #[error(transparent)]
    Publish(#[from] crate::output::publish::PublishError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> MergeError + '_ {
    move |e| MergeError::Io(path.to_path_buf(), e)
}

/// The members of a pretty-printed `@graph`, one at a time, as their text.
struct Members {
    lines: std::io::Lines<BufReader<File>>,
    path: PathBuf,
}

impl Members {
    fn open(path: &Path) -> Result<Members, MergeError> {
        let file = File::open(path).map_err(io(path))?;
        let mut lines = BufReader::with_capacity(1 << 20, file).lines();
        // Skip to the `@graph` array.
        for line in lines.by_ref() {
            let line = line.map_err(io(path))?;
            if line.starts_with("  \"@graph\": [") {
                break;
            }
        }
        Ok(Members {
            lines,
            path: path.to_path_buf(),
        })
    }

    fn next_member(&mut self) -> Result<Option<String>, MergeError> {
        let mut text = String::new();
        for line in self.lines.by_ref() {
            let line = line.map_err(io(&self.path))?;
            if text.is_empty() && line != "    {" {
                return Ok(None); // the end of the array
            }
            let end = line == "    }" || line == "    },";
            text.push_str(line.strip_suffix(',').filter(|_| end).unwrap_or(&line));
            if end {
                return Ok(Some(text));
            }
            text.push('\n');
        }
        Ok(None)
    }
}

/// Whether a member is an agent node. The agents follow the records, so they are never
/// reached; a shard written before they did (0.x, up to November 2026) has them between the
/// collections and the records, where they are skipped.
fn is_agent(member: &str) -> bool {
    member.lines().any(|l| {
        matches!(
            l.strip_suffix(',').unwrap_or(l),
            "      \"@type\": \"Person\"" | "      \"@type\": \"Organization\""
        )
    })
}

/// The id of a record member (its `identifier`).
fn member_id(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with("      \"identifier\": "))?;
    serde_json::from_str(
        line.trim_start()
            .strip_prefix("\"identifier\": ")?
            .trim_end_matches(','),
    )
    .ok()
}

struct Part {
    dir: PathBuf,
    csv: ::csv::Reader<File>,
    members: Members,
    next: Option<(String, ::csv::ByteRecord, String)>,
}

impl Part {
    fn advance(&mut self) -> Result<(), MergeError> {
        let mut row = ::csv::ByteRecord::new();
        let csv_path = self.dir.join("records.csv");
        let more = self
            .csv
            .read_byte_record(&mut row)
            .map_err(|e| MergeError::Invalid(csv_path.clone(), e.to_string()))?;
        if !more {
            self.next = None;
            return Ok(());
        }
        let member = loop {
            let member = self.members.next_member()?.ok_or_else(|| {
                MergeError::Invalid(
                    self.members.path.clone(),
                    "fewer records than in records.csv".into(),
                )
            })?;
            if !is_agent(&member) {
                break member;
            }
        };
        let id = String::from_utf8_lossy(row.get(0).unwrap_or_default()).into_owned();
        if member_id(&member).as_deref() != Some(id.as_str()) {
            return Err(MergeError::Invalid(
                self.members.path.clone(),
                format!("records.csv and records.jsonld disagree at `{id}`"),
            ));
        }
        self.next = Some((id, row, member));
        Ok(())
    }
}

/// Combine the outputs of shards `0/N` … `N-1/N` into `output`.
pub fn merge(
    shards: &[PathBuf],
    output: &Path,
    csv_separator: char,
) -> Result<Published, MergeError> {
    let mut manifests = Vec::new();
    for dir in shards {
        let path = dir.join(MANIFEST);
        let text = fs::read_to_string(shard_file(dir, MANIFEST)?).map_err(io(&path))?;
        let m: Json = serde_json::from_str(&text)
            .map_err(|e| MergeError::Invalid(path.clone(), e.to_string()))?;
        if m["format"] != FORMAT {
            return Err(MergeError::Invalid(
                path,
                format!("not a {FORMAT} manifest"),
            ));
        }
        manifests.push((path, m));
    }
    let count = manifests
        .first()
        .and_then(|(_, m)| m["of"].as_u64())
        .unwrap_or(0);
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    for (path, m) in &manifests {
        if m["of"].as_u64() != Some(count) || !seen.insert(m["shard"].as_u64().unwrap_or(u64::MAX))
        {
            return Err(MergeError::Invalid(
                path.clone(),
                "shards of different runs, or one shard twice".into(),
            ));
        }
    }
    if seen.len() as u64 != count {
        let missing: Vec<String> = (0..count)
            .filter(|i| !seen.contains(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        return Err(MergeError::Invalid(
            output.to_path_buf(),
            format!("missing shards: {}", missing.join(", ")),
        ));
    }

    // Agents: the first mention in id order gives the name; every form is kept.
    let mut agents: BTreeMap<String, (String, AgentNode)> = BTreeMap::new();
    for (_, m) in &manifests {
        for a in m["agents"].as_array().into_iter().flatten() {
            let text = |k: &str| a[k].as_str().map(str::to_string);
            let list = |k: &str| -> BTreeSet<String> {
                a[k].as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let node = AgentNode {
                kind: Some(if a["kind"] == "organization" {
                    AgentKind::Organization
                } else {
                    AgentKind::Person
                }),
                name: text("name").unwrap_or_default(),
                family: text("family"),
                given: text("given"),
                written: list("written"),
                ids: list("ids"),
            };
            let first = text("first").unwrap_or_default();
            let iri = text("iri").unwrap_or_default();
            match agents.remove(&iri) {
                None => {
                    agents.insert(iri, (first, node));
                }
                Some((f, mut existing)) => {
                    if first < f {
                        let mut node = node;
                        node.merge(existing);
                        agents.insert(iri, (first, node));
                    } else {
                        existing.merge(node);
                        agents.insert(iri, (f, existing));
                    }
                }
            }
        }
    }

    // Options and collections, from the first shard's JSON-LD document.
    let first_jsonld = shard_file(&shards[0], "records.jsonld")?;
    let (options, collections) = head(&first_jsonld, csv_separator)?;

    let generation = crate::output::publish::Generation::begin(output)?;
    let dc = generation.dc_dir();
    let csv_path = generation.path().join("records.csv");
    let records_path = generation.path().join("records.jsonld");
    let mut csv_file =
        BufWriter::with_capacity(1 << 20, fs::File::create(&csv_path).map_err(io(&csv_path))?);
    csv_file
        .write_all(&crate::export::csv::header())
        .map_err(io(&csv_path))?;
    // The shards' rows are copied as the `csv` crate reads and writes them back: the bytes
    // [`crate::export::csv::write_row`] wrote (RFC 4180 with its minimal quoting).
    let mut csv_out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(csv_file);
    let fail = |e: ::csv::Error| MergeError::Invalid(output.to_path_buf(), e.to_string());
    let mut records_out = BufWriter::with_capacity(
        1 << 20,
        fs::File::create(&records_path).map_err(io(&records_path))?,
    );
    let opening = crate::export::jsonld::opening(&options, &collections)
        .map_err(|e| MergeError::Invalid(output.to_path_buf(), e.to_string()))?;
    records_out.write_all(&opening).map_err(io(&records_path))?;

    let mut parts = Vec::new();
    for dir in shards {
        let csv_path = shard_file(dir, "records.csv")?;
        let csv = ::csv::Reader::from_path(&csv_path)
            .map_err(|e| MergeError::Invalid(csv_path, e.to_string()))?;
        let mut members = Members::open(&shard_file(dir, "records.jsonld")?)?;
        // Skip the collection members; the record members follow.
        for _ in 0..collections.len() {
            members.next_member()?;
        }
        let mut part = Part {
            dir: dir.clone(),
            csv,
            members,
            next: None,
        };
        part.advance()?;
        // Dublin Core files move (or are copied, across file systems) into the new folder.
        if let Some(dc_dir) = shard_dc(dir)? {
            for entry in fs::read_dir(&dc_dir).map_err(io(&dc_dir))? {
                let entry = entry.map_err(io(&dc_dir))?;
                take_dc_file(&entry.path(), &dc.join(entry.file_name()))?;
            }
        }
        parts.push(part);
    }
    let mut written = 0usize;
    let smallest = |parts: &[Part]| {
        (0..parts.len())
            .filter(|&i| parts[i].next.is_some())
            .min_by(|&a, &b| {
                parts[a]
                    .next
                    .as_ref()
                    .map(|n| &n.0)
                    .cmp(&parts[b].next.as_ref().map(|n| &n.0))
            })
    };
    while let Some(i) = smallest(&parts) {
        if let Some((_, row, member)) = parts[i].next.take() {
            csv_out.write_byte_record(&row).map_err(fail)?;
            let separator = crate::export::jsonld::separator(collections.len() + written);
            records_out.write_all(separator).map_err(io(output))?;
            records_out
                .write_all(member.as_bytes())
                .map_err(io(output))?;
            written += 1;
        }
        parts[i].advance()?;
    }
    csv_out.flush().map_err(io(output))?;
    drop(csv_out);
    records_out.flush().map_err(io(output))?;
    drop(records_out);
    let agents = agents.into_iter().map(|(iri, (_, a))| (iri, a)).collect();
    let staged = Staged::from_parts(output, generation, agents, collections.len(), written);
    Ok(staged.publish()?)
}

/// The file `name` of a shard folder, resolved: `records.csv` and the others are links into
/// the shard's generation (`.current/...`), and must lead to a regular file inside the shard
/// folder. A link planted to lead elsewhere (`records.csv -> ~/.aws/credentials`) would be
/// read and its lines published in the merged outputs.
fn shard_file(shard: &Path, name: &str) -> Result<PathBuf, MergeError> {
    let path = shard.join(name);
    let root = shard.canonicalize().map_err(io(shard))?;
    let real = path.canonicalize().map_err(io(&path))?;
    if !real.starts_with(&root) || !real.is_file() {
        return Err(MergeError::Invalid(
            path,
            "this is not a file of the shard (it leads outside the shard folder or is not a \
             regular file); nothing was merged"
                .into(),
        ));
    }
    Ok(real)
}

/// A shard's `dc/` folder, if it has one: `dc` is a link into the shard's generation
/// (`.current/dc`), and must lead to a folder inside the shard folder. A `dc` planted to
/// lead elsewhere (`/etc`) would publish that folder's files in the merged outputs.
fn shard_dc(shard: &Path) -> Result<Option<PathBuf>, MergeError> {
    let dc = shard.join("dc");
    if fs::symlink_metadata(&dc).is_err() {
        return Ok(None);
    }
    let root = shard.canonicalize().map_err(io(shard))?;
    let real = dc.canonicalize().map_err(io(&dc))?;
    if !real.starts_with(&root) || !real.is_dir() {
        return Err(MergeError::Invalid(
            dc,
            "this is not a shard's dc/ folder (it leads outside the shard folder or is not a \
             folder); nothing was merged"
                .into(),
        ));
    }
    Ok(Some(real))
}

/// Put the shard's Dublin Core file `from` into the merged `dc/` at `to`: a hard link, or a
/// copy across file systems. Only a regular file named `<record id>.xml` is taken; a link
/// (which a hard link would publish as a link, and a copy would follow) or anything else is
/// refused, and the file is opened without following links, so one swapped in is refused
/// too.
fn take_dc_file(from: &Path, to: &Path) -> Result<(), MergeError> {
    let refuse = |why: &str| {
        MergeError::Invalid(
            from.to_path_buf(),
            format!("{why}; a shard's dc/ holds only the files pipeline wrote, nothing was merged"),
        )
    };
    let named = from
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".xml"))
        .is_some_and(crate::validate::crosscheck::safe_file_stem);
    if !named {
        return Err(refuse("this is not the Dublin Core file of a record id"));
    }
    let meta = fs::symlink_metadata(from).map_err(io(from))?;
    if !meta.is_file() {
        return Err(refuse(
            "this is not a regular file (a link or a special file)",
        ));
    }
    if fs::hard_link(from, to).is_ok() {
        // `link` does not follow a link: one swapped in since the check would be linked
        // itself, and is caught here.
        if fs::symlink_metadata(to).is_ok_and(|m| m.is_file()) {
            return Ok(());
        }
        let _ = fs::remove_file(to);
        return Err(refuse(
            "this is not a regular file (a link or a special file)",
        ));
    }
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    let mut source = options.open(from).map_err(io(from))?;
    if !source.metadata().map_err(io(from))?.is_file() {
        return Err(refuse(
            "this is not a regular file (a link or a special file)",
        ));
    }
    let mut target = File::options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io(to))?;
    std::io::copy(&mut source, &mut target).map_err(io(to))?;
    Ok(())
}

/// The export options (base IRI from the context) and the collections of a shard's
/// JSON-LD document.
fn head(path: &Path, csv_separator: char) -> Result<(ExportOptions, Vec<Collection>), MergeError> {
    let file = File::open(path).map_err(io(path))?;
    let mut context = String::new();
    let mut base = None;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(io(path))?;
        if let Some(v) = line.trim().strip_prefix("\"catalogue\": ") {
            let v: String = serde_json::from_str(v.trim_end_matches(','))
                .map_err(|e| MergeError::Invalid(path.to_path_buf(), e.to_string()))?;
            base = v.strip_suffix("vocab#").map(str::to_string);
        }
        if line.starts_with("  \"@graph\"") {
            break;
        }
        context.push_str(&line);
    }
    let base_iri = base.ok_or_else(|| {
        MergeError::Invalid(
            path.to_path_buf(),
            "no catalogue vocabulary in the context".into(),
        )
    })?;
    let mut members = Members::open(path)?;
    let mut collections = Vec::new();
    while let Some(m) = members.next_member()? {
        let node: Json = serde_json::from_str(&m)
            .map_err(|e| MergeError::Invalid(path.to_path_buf(), e.to_string()))?;
        if node["@type"] != "Collection" {
            break;
        }
        collections.push(Collection {
            id: node["identifier"].as_str().unwrap_or_default().to_string(),
            title: node["name"].as_str().unwrap_or_default().to_string(),
            description: node["description"].as_str().map(str::to_string),
        });
    }
    Ok((
        ExportOptions {
            base_iri,
            csv_separator,
        },
        collections,
    ))
}
