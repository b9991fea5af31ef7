//! The exports of the shipped collection, read back with independent parsers: quick-xml for
//! the Dublin Core (plus `xmllint` against the official oai_dc.xsd kept in `tests/data/oai_dc/`),
//! the `csv` crate for the CSV, serde_json for the JSON-LD, all on the files `pipeline run`
//! writes (the engine, then the publish). The crafted records' Dublin Core and JSON-LD and a
//! shipped CSV row are checked against values written here by hand from their YAML; the
//! shipped records' Dublin Core is checked for well-formedness and escaping (its text
//! parses back to what `dublin_core::elements` gave), and against the official XSD.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use pipeline::engine;
use pipeline::engine::catalogue::{self, Settings};
use pipeline::engine::selection::Selection;
use pipeline::export::csv::{COLUMNS, split_multi};
use pipeline::export::{ExportOptions, dublin_core};
use pipeline::normalize::names::AuthorityIndex;
use pipeline::normalize::record::Record;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use tempfile::TempDir;

use crate::support::{options, shipped_input};

/// The records of a catalogue folder as the engine's per-file step makes them (with the
/// folder's authority file), sorted by id: what the exports are made from.
fn records_of(dir: &Path) -> Vec<Record> {
    let settings = Settings::new(None).unwrap();
    let authorities_file = dir.join(catalogue::AUTHORITIES_FILE);
    let authorities = if authorities_file.is_file() {
        catalogue::load_authorities_file(&authorities_file, &settings).0
    } else {
        AuthorityIndex::empty()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    files.sort();
    let mut records = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let r = catalogue::process_bytes(&f, &bytes, &settings, &authorities, true);
        assert_eq!(r.findings, vec![], "{} is valid", f.display());
        records.extend(r.records);
    }
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

/// `input` run into a new output folder as `pipeline run` runs it; it must be valid.
fn run(input: &Path) -> TempDir {
    let settings = Settings::new(None).unwrap();
    let out = TempDir::new().unwrap();
    let (c, staged) =
        engine::run(input, &settings, &options(Some(out.path()), Selection::All)).unwrap();
    assert_eq!(c.findings, vec![], "the records are valid");
    staged.unwrap().publish().unwrap();
    out
}

/// The ids of the shipped records: their file names (a record's id is its file's name), in
/// id order.
fn shipped_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(shipped_input())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('_'))
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 10);
    ids
}

fn jsonld_of(out: &TempDir) -> (Vec<u8>, serde_json::Value) {
    let bytes = std::fs::read(out.path().join("records.jsonld")).unwrap();
    let doc = serde_json::from_slice(&bytes).unwrap();
    (bytes, doc)
}

/// The DC elements of the OAI-PMH oai_dc schema (simpledc20021212.xsd: the 15 elements).
const DC_ELEMENTS: &[&str] = &[
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
];

#[test]
fn dublin_core_is_well_formed_oai_dc() {
    let records = records_of(&shipped_input());
    assert_eq!(records.len(), 10);
    let out = run(&shipped_input());
    let options = ExportOptions::default();
    for record in &records {
        let path = out.path().join("dc").join(format!("{}.xml", record.id));
        let text = std::fs::read_to_string(path).unwrap();
        let mut reader = NsReader::from_str(&text);
        let mut depth = 0;
        let mut seen = Vec::new();
        let mut values = Vec::new();
        loop {
            match reader.read_resolved_event().unwrap() {
                (ns, Event::Start(e)) => {
                    depth += 1;
                    let local = e.local_name().as_ref().to_string();
                    let ns = match ns {
                        ResolveResult::Bound(n) => n.as_ref().to_string(),
                        other => panic!("unbound element {local}: {other:?}"),
                    };
                    if depth == 1 {
                        assert_eq!(
                            (ns.as_str(), local.as_str()),
                            (dublin_core::OAI_DC_NS, "dc")
                        );
                    } else {
                        assert_eq!(ns, dublin_core::DC_NS, "{local}");
                        assert!(DC_ELEMENTS.contains(&local.as_str()), "{local}");
                        seen.push(local);
                        values.push(String::new());
                    }
                }
                (_, Event::Text(t)) if depth == 2 => {
                    values.last_mut().unwrap().push_str(&t.xml10_content());
                }
                (_, Event::GeneralRef(r)) if depth == 2 => {
                    let c = crate::support::xml_reference(&r);
                    values.last_mut().unwrap().push(c);
                }
                (_, Event::End(_)) => depth -= 1,
                (_, Event::Eof) => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
        // Text parses back to exactly what was exported.
        let expected: Vec<String> = dublin_core::elements(record, &options)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values, expected, "{}", record.id);
        for required in ["title", "date", "identifier", "type", "description"] {
            assert!(
                seen.iter().any(|s| s == required),
                "{}: no dc:{required}",
                record.id
            );
        }
    }
}

/// The official oai_dc schema, kept in the repository with the two schemas it imports
/// (`tests/data/oai_dc/README.md` names their sources).
fn oai_dc_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oai_dc/oai_dc.xsd")
}

/// Validation against the official schema, with `xmllint` (libxml2), an independent
/// validator. Where xmllint is missing the test says it was skipped, except in CI
/// (`CI` set), where a missing validator is a failure: `.ci/run` installs it.
#[test]
fn dublin_core_validates_against_the_oai_dc_xsd() {
    let xsd = oai_dc_xsd();
    assert!(xsd.is_file(), "{} is missing", xsd.display());
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is not installed (Debian package libxml2-utils), and CI must run this test"
        );
        eprintln!("SKIPPED: xmllint is not installed (Debian package libxml2-utils)");
        return;
    }
    let dir = run(&shipped_input());
    let files: Vec<PathBuf> = std::fs::read_dir(dir.path().join("dc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 10);
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .args(&files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches(" validates").count(), 10, "{stderr}");
}

#[test]
fn csv_parses_back_into_the_same_values() {
    let out = run(&shipped_input());
    let bytes = std::fs::read(out.path().join("records.csv")).unwrap();
    assert!(bytes.ends_with(b"\r\n"), "rows end in CRLF (RFC 4180)");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, shipped_ids(), "one row per record, in id order");
    // input/border-crossing-cable-1957-12-17.yaml, cell by cell as read from its YAML: the
    // folded title and summary on one line, the date as EDTF and its bounds, the agents'
    // headings, the places, subjects and language (Chinese: ISO 639-1 `zh`) joined by `|`.
    let row = rows
        .iter()
        .find(|r| &r[0] == "border-crossing-cable-1957-12-17")
        .unwrap();
    let expected = [
        "border-crossing-cable-1957-12-17",
        "Cable from the Ministry of Foreign Affairs, Ministry of Public Security, and Central \
         Overseas Chinese Committee, 'Views on Handling the Issue of Ethnic Koreans in the \
         Northeast Illegally Crossing the Border to Korea'",
        "1957-12-17",
        "1957-12-17",
        "1957-12-17",
        "December 17, 1957",
        "Cable",
        "The Chinese Ministry of Foreign Affairs informs the Chinese Embassy in North Korea and \
         the Public Security Offices in Liaoning, Jilin, Heilongjiang Provinces of China and \
         North Korea's policies regarding illegal border crossings.",
        "Chinese Ministry of Foreign Affairs|Ministry of Public Security|Central Overseas \
         Chinese Committee",
        "Chinese Embassy in North Korea|Public Security Offices in Liaoning, Jilin, \
         Heilongjiang Provinces",
        "",
        "Northeast China|Liaoning|Jilin|Heilongjiang|Korea (North)",
        "Ethnic Koreans|Border crossing",
        "zh",
        "",
        "",
        "",
        "",
        "repatriation-to-north-korea",
        "",
    ];
    assert_eq!(row.iter().collect::<Vec<_>>(), expected);
    // Multi-value cells split back into the values.
    let places = &row[COLUMNS.iter().position(|c| *c == "places").unwrap()];
    assert_eq!(
        split_multi(places, '|'),
        [
            "Northeast China",
            "Liaoning",
            "Jilin",
            "Heilongjiang",
            "Korea (North)"
        ]
    );
}

/// Every key the JSON-LD uses must be defined by the inline context, or a JSON-LD processor
/// would silently drop it on expansion ("without loss of any field").
#[test]
fn jsonld_uses_only_terms_its_context_defines() {
    let (_, doc) = jsonld_of(&run(&shipped_input()));
    let context = doc["@context"].as_object().unwrap();
    let mut used = BTreeSet::new();
    fn keys(v: &serde_json::Value, used: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    used.insert(k.clone());
                    keys(v, used);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, used)),
            _ => {}
        }
    }
    for node in doc["@graph"].as_array().unwrap() {
        keys(node, &mut used);
        if let Some(t) = node["@type"].as_str() {
            assert!(context.contains_key(t), "type {t} is not in the context");
        }
    }
    for key in used {
        assert!(
            key.starts_with('@') || context.contains_key(&key),
            "`{key}` is not defined in the @context"
        );
    }
}

#[test]
fn jsonld_record_nodes_have_absolute_ids() {
    let (_, doc) = jsonld_of(&run(&shipped_input()));
    let graph = doc["@graph"].as_array().unwrap();
    let records: Vec<&serde_json::Value> = graph
        .iter()
        .filter(|n| n["@type"] == "ArchiveComponent")
        .collect();
    let ids: Vec<&str> = records
        .iter()
        .map(|n| n["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, shipped_ids(), "one node per record, in id order");
    for node in &records {
        let id = node["@id"].as_str().unwrap();
        let identifier = node["identifier"].as_str().unwrap();
        assert_eq!(
            id,
            format!("https://example.org/catalogue/records/{identifier}")
        );
    }
    // `date: December 17, 1957`, as EDTF.
    let border = records
        .iter()
        .find(|n| n["identifier"] == "border-crossing-cable-1957-12-17")
        .unwrap();
    assert_eq!(border["created"], "1957-12-17");
    // Every @id a record points at is a node of the graph.
    let ids: BTreeSet<&str> = graph.iter().filter_map(|n| n["@id"].as_str()).collect();
    for node in &records {
        for key in ["creator", "recipient", "about", "isPartOf", "relation"] {
            let targets: Vec<&str> = match &node[key] {
                serde_json::Value::String(s) => vec![s.as_str()],
                serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
                _ => vec![],
            };
            for t in targets {
                assert!(ids.contains(t), "{key} -> {t} is not in the graph");
            }
        }
    }
}

/// The elements of a Dublin Core file, parsed with quick-xml: (local name, text).
pub(crate) fn dc_elements(text: &str) -> Vec<(String, String)> {
    let mut reader = NsReader::from_str(text);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut depth = 0;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                depth += 1;
                if depth == 2 {
                    let local = e.local_name().as_ref().to_string();
                    out.push((local, String::new()));
                }
            }
            Event::Text(t) if depth == 2 => {
                out.last_mut().unwrap().1.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if depth == 2 => {
                let c = crate::support::xml_reference(&r);
                out.last_mut().unwrap().1.push(c);
            }
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn dublin_core_of_values_to_escape_reads_back_as_written() {
    // Values that need escaping, span lines, carry a carriage return, non-ASCII text, an
    // archive source with a reference, and related records.
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "id: a\ntitle: \"Fish & chips <cheap> \\r\\n in \\\"quotes\\\" & 'apostrophes'\"\n\
         date: 1959\ntype: Letter\nsummary: |\n  Two lines,\n  김일성 and 毛泽东 > ]]> here.\n\
         creators: [{name: \"Kim Il-sung\", kind: person}]\n\
         people: [\"Pak Ŏ-jin\"]\nplaces: [\"A<B\"]\nsubjects: [S]\nlanguages: [ko]\n\
         source: {archive: \"Archive & Library\", reference: \"f. 1 <2>\"}\n\
         rights: \"© none\"\nrelated: [b]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "id: b\ntitle: T\ndate: 1960\ntype: Cable\nsummary: S\nsource: \"Just text\"\n",
    )
    .unwrap();
    let out = run(dir.path());
    let a = std::fs::read_to_string(out.path().join("dc/a.xml")).unwrap();
    let b = std::fs::read_to_string(out.path().join("dc/b.xml")).unwrap();
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(e, v)| (e.to_string(), v.to_string()))
            .collect()
    };
    // Written from the YAML above and the README's mapping table (fields in its order; a
    // person as the inverted heading; the block scalar without its final line break).
    assert_eq!(
        dc_elements(&a),
        pairs(&[
            (
                "title",
                "Fish & chips <cheap> \r\n in \"quotes\" & 'apostrophes'"
            ),
            ("creator", "Kim, Il-sung"),
            ("subject", "Pak, Ŏ-jin"),
            ("subject", "S"),
            ("description", "Two lines,\n김일성 and 毛泽东 > ]]> here."),
            ("date", "1959"),
            ("type", "Letter"),
            ("language", "ko"),
            ("coverage", "A<B"),
            ("source", "Archive & Library, f. 1 <2>"),
            ("rights", "© none"),
            ("relation", "https://example.org/catalogue/records/b"),
            ("identifier", "a"),
            ("identifier", "https://example.org/catalogue/records/a"),
        ])
    );
    assert_eq!(
        dc_elements(&b),
        pairs(&[
            ("title", "T"),
            ("description", "S"),
            ("date", "1960"),
            ("type", "Cable"),
            ("source", "Just text"),
            ("identifier", "b"),
            ("identifier", "https://example.org/catalogue/records/b"),
        ])
    );
    // The carriage return is written as a character reference, so that an XML parser's
    // end-of-line handling does not turn it into a line feed.
    assert!(a.contains("&#13;"), "{a}");
}

/// The JSON-LD `run` writes, record nodes written by hand
/// ([`pipeline::export::jsonld::RecordNode::write_graph_member`]), is laid out exactly as
/// serde_json pretty-prints the document it parses into; and the crafted records' values
/// (to escape, open date ends, one and several values in a list, every optional field)
/// parse back to what their YAML says.
#[test]
fn jsonld_record_nodes_are_written_as_serde_json_writes_them() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "id: a\ntitle: \"Back\\\\slash \\\"quoted\\\" \\t tab \\r\\n line\"\n\
         date: before 1959\ntype: Letter\nsummary: |\n  Two lines,\n  김일성 and 毛泽东.\n\
         creators: [{name: \"Kim Il-sung\", kind: person}, {name: Ministry of Interior, kind: organization}]\n\
         recipients: [Behrens]\npeople: [\"Mao Zedong\"]\nplaces: [\"A/B\"]\nsubjects: [S, T]\n\
         languages: [ko, Russian]\n\
         source: {archive: \"Archive & Library\", reference: \"f. 1 <2>\"}\n\
         rights: \"© none\"\ncollections: [repatriation-to-north-korea]\nrelated: [b, c]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "id: b\ntitle: T\ndate: 1957/..\ntype: Cable\nsummary: S\nsource: \"Just text\"\n\
         related: [a]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "id: c\ntitle: T\ndate: undated\ntype: Cable\nsummary: S\n",
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("input/_collections.yaml"),
        dir.path().join("_collections.yaml"),
    )
    .unwrap();
    let crafted = run(dir.path());
    for out in [&crafted, &run(&shipped_input())] {
        let (bytes, doc) = jsonld_of(out);
        let mut pretty = serde_json::to_vec_pretty(&doc).unwrap();
        pretty.push(b'\n');
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(pretty).unwrap()
        );
    }
    let (_, doc) = jsonld_of(&crafted);
    let nodes: Vec<&serde_json::Value> = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["@type"] == "ArchiveComponent")
        .collect();
    // Written from the YAML above: `before 1959` is EDTF `../1959` (open start, latest
    // day 1959-12-31), `1957/..` opens the end, `undated` is `XXXX` with no bounds; the
    // literal summary loses its final line break; `Russian` is ISO 639-1 `ru`.
    let base = "https://example.org/catalogue/";
    let expected = [
        serde_json::json!({
            "@id": format!("{base}records/a"),
            "@type": "ArchiveComponent",
            "identifier": "a",
            "name": "Back\\slash \"quoted\" \t tab \r\n line",
            "created": "../1959",
            "dateAsWritten": "before 1959",
            "dateOpenStart": true,
            "dateLatest": "1959-12-31",
            "genre": "Letter",
            "abstract": "Two lines,\n김일성 and 毛泽东.",
            "creator": [
                format!("{base}people/kim-il-sung"),
                format!("{base}organizations/ministry-of-interior")
            ],
            "recipient": format!("{base}people/behrens"),
            "about": format!("{base}people/mao-zedong"),
            "keywords": ["S", "T"],
            "spatialCoverage": "A/B",
            "inLanguage": ["ko", "ru"],
            "holdingArchive": {"@type": "ArchiveOrganization", "name": "Archive & Library"},
            "itemLocation": "f. 1 <2>",
            "rights": "© none",
            "isPartOf": format!("{base}collections/repatriation-to-north-korea"),
            "relation": [format!("{base}records/b"), format!("{base}records/c")]
        }),
        serde_json::json!({
            "@id": format!("{base}records/b"),
            "@type": "ArchiveComponent",
            "identifier": "b",
            "name": "T",
            "created": "1957/..",
            "dateAsWritten": "1957/..",
            "dateEarliest": "1957-01-01",
            "dateOpenEnd": true,
            "genre": "Cable",
            "abstract": "S",
            "source": "Just text",
            "relation": format!("{base}records/a")
        }),
        serde_json::json!({
            "@id": format!("{base}records/c"),
            "@type": "ArchiveComponent",
            "identifier": "c",
            "name": "T",
            "created": "XXXX",
            "dateAsWritten": "undated",
            "genre": "Cable",
            "abstract": "S"
        }),
    ];
    assert_eq!(nodes.len(), expected.len());
    for (node, expected) in nodes.iter().zip(&expected) {
        assert_eq!(*node, expected);
        // And in the order written above (`@id` first, the relations last).
        let keys: Vec<&String> = node.as_object().unwrap().keys().collect();
        let want: Vec<&String> = expected.as_object().unwrap().keys().collect();
        assert_eq!(keys, want);
    }
}
