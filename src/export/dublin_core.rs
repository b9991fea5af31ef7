//! Dublin Core XML: one `oai_dc:dc` document per record, valid against the OAI-PMH
//! `oai_dc.xsd` (https://www.openarchives.org/OAI/2.0/oai_dc.xsd).
//!
//! The mapping from record fields to the fifteen DC elements is documented in the README.
//! Text is escaped by quick-xml; characters XML 1.0 forbids never reach here (the reader
//! refuses them with a located finding), and [`render`] checks again so that an invalid
//! document can never be written.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::export::ExportOptions;
use crate::normalize::names::Agent;
use crate::read::xml_forbidden;
use crate::record::{Record, Source};

pub const OAI_DC_NS: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const SCHEMA_LOCATION: &str =
    "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd";

/// The `dc:` elements of a record, in the order they are written.
pub fn elements(record: &Record, options: &ExportOptions) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut push = |name, value: String| out.push((name, value));
    push("title", record.title.clone());
    for a in &record.creators {
        push("creator", heading(a));
    }
    for a in &record.recipients {
        push("contributor", heading(a));
    }
    for a in &record.people {
        push("subject", heading(a));
    }
    for s in &record.subjects {
        push("subject", s.clone());
    }
    push("description", record.summary.clone());
    if !record.date.edtf.is_empty() {
        push("date", record.date.edtf.clone());
    }
    push("type", record.kind.clone());
    for l in &record.languages {
        push("language", l.clone());
    }
    for p in &record.places {
        push("coverage", p.clone());
    }
    match &record.source {
        Some(Source::Text(t)) => push("source", t.clone()),
        Some(Source::Archive { archive, reference }) => push(
            "source",
            match reference {
                Some(r) => format!("{archive}, {r}"),
                None => archive.clone(),
            },
        ),
        None => {}
    }
    if let Some(r) = &record.rights {
        push("rights", r.clone());
    }
    for c in &record.collections {
        push("relation", options.collection_iri(&c.id));
    }
    for r in &record.related {
        push("relation", options.record_iri(&r.id));
    }
    push("identifier", record.id.clone());
    push("identifier", options.record_iri(&record.id));
    out
}

fn heading(agent: &Agent) -> String {
    agent.heading.clone()
}

/// Escape element text. Besides `&`, `<` and `>`, a carriage return is written as `&#13;`:
/// XML parsers turn a literal CR (or CR LF) into LF, so only the reference survives a
/// round trip.
pub fn escape_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The oai_dc document of one record.
pub fn render(record: &Record, options: &ExportOptions) -> std::io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::with_capacity(2048), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("oai_dc:dc");
    root.push_attribute(("xmlns:oai_dc", OAI_DC_NS));
    root.push_attribute(("xmlns:dc", DC_NS));
    root.push_attribute(("xmlns:xsi", XSI_NS));
    root.push_attribute(("xsi:schemaLocation", SCHEMA_LOCATION));
    writer.write_event(Event::Start(root))?;
    for (name, value) in elements(record, options) {
        if let Some(c) = value.chars().find(|c| xml_forbidden(*c)) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "record {}: dc:{name} holds U+{:04X}, which XML 1.0 forbids",
                    record.id, c as u32
                ),
            ));
        }
        let tag = format!("dc:{name}");
        writer.write_event(Event::Start(BytesStart::new(tag.as_str())))?;
        writer.write_event(Event::Text(BytesText::from_escaped(escape_text(&value))))?;
        writer.write_event(Event::End(BytesEnd::new(tag.as_str())))?;
    }
    writer.write_event(Event::End(BytesEnd::new("oai_dc:dc")))?;
    let mut bytes = writer.into_inner();
    bytes.write_all(b"\n")?;
    Ok(bytes)
}
