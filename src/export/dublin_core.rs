//! Dublin Core XML: one `oai_dc:dc` document per record, valid against the OAI-PMH
//! `oai_dc.xsd` (<https://www.openarchives.org/OAI/2.0/oai_dc.xsd>).
//!
//! The mapping from record fields to the fifteen DC elements is documented in the README.
//! Characters XML 1.0 forbids never reach here (the reader refuses them with a located
//! finding), and [`render`] checks again so that an invalid document can never be written.
//!
//! Why the document is written by hand, not by an XML writer: its shape is fixed (a
//! declaration, one root start tag that is a constant, then one `dc:` element of escaped
//! text per value, indented by two spaces), so the only part an XML library would do for us
//! is escaping, which [`escape_text`] does. quick-xml's writer did it before: it went
//! through an event per tag and an indentation state per element; writing directly saved
//! 4.4 % of a whole run's instructions (callgrind, BENCHMARKS.md). `tests/it/exports.rs`
//! parses what a run wrote with quick-xml's reader and compares it with values written by
//! hand from the records' YAML, and validates it against the official XSD with `xmllint`.
//!
//! [`render`] runs once per record, so it borrows the values from the record
//! ([`for_each_element`], the one list of the mapping that [`elements`] also collects).

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::export::ExportOptions;
use crate::normalize::names::Agent;
use crate::normalize::record::{Record, Source};

pub const OAI_DC_NS: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const SCHEMA_LOCATION: &str =
    "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd";

/// The `dc:` elements of a record, in the order they are written.
pub fn elements(record: &Record, options: &ExportOptions) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let Ok(()) = for_each_element(record, options, |name, value| {
        out.push((name, value.into_owned()));
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// Call `f` with each `dc:` element of a record (name and value), in the order they are
/// written; the values are borrowed from the record where they are stored as written.
pub fn for_each_element<'r, E>(
    record: &'r Record,
    options: &ExportOptions,
    mut f: impl FnMut(&'static str, Cow<'r, str>) -> Result<(), E>,
) -> Result<(), E> {
    let b = |s: &'r String| Cow::Borrowed(s.as_str());
    f("title", b(&record.title))?;
    for a in &record.creators {
        f("creator", heading(a))?;
    }
    for a in &record.recipients {
        f("contributor", heading(a))?;
    }
    for a in &record.people {
        f("subject", heading(a))?;
    }
    for s in &record.subjects {
        f("subject", b(s))?;
    }
    f("description", b(&record.summary))?;
    if !record.date.edtf.is_empty() {
        f("date", b(&record.date.edtf))?;
    }
    f("type", b(&record.kind))?;
    for l in &record.languages {
        f("language", b(l))?;
    }
    for p in &record.places {
        f("coverage", b(p))?;
    }
    match &record.source {
        Some(Source::Text(t)) => f("source", b(t))?,
        Some(Source::Archive { archive, reference }) => f(
            "source",
            match reference {
                Some(r) => Cow::Owned(format!("{archive}, {r}")),
                None => b(archive),
            },
        )?,
        None => {}
    }
    if let Some(r) = &record.rights {
        f("rights", b(r))?;
    }
    for c in &record.collections {
        f("relation", Cow::Owned(options.collection_iri(&c.id)))?;
    }
    for r in &record.related {
        f("relation", Cow::Owned(options.record_iri(&r.id)))?;
    }
    f("identifier", b(&record.id))?;
    f("identifier", Cow::Owned(options.record_iri(&record.id)))
}

fn heading(agent: &Agent) -> Cow<'_, str> {
    Cow::Borrowed(&agent.heading)
}

/// The XML declaration and the `oai_dc:dc` start tag with its namespaces and schema
/// location: the same for every record.
static HEAD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oai_dc:dc xmlns:oai_dc=\"{OAI_DC_NS}\" \
         xmlns:dc=\"{DC_NS}\" xmlns:xsi=\"{XSI_NS}\" xsi:schemaLocation=\"{SCHEMA_LOCATION}\">"
    )
});

/// The first character of `text` that XML 1.0 forbids (checked byte by byte
/// first, [`crate::read::first_xml_forbidden`]).
fn first_forbidden(text: &str) -> Option<char> {
    crate::read::first_xml_forbidden(text).map(|(_, c)| c)
}

/// Escape element text. Besides `&`, `<` and `>`, a carriage return is written as `&#13;`:
/// XML parsers turn a literal CR (or CR LF) into LF, so only the reference survives a
/// round trip.
pub fn escape_text(text: &str) -> std::borrow::Cow<'_, str> {
    let escaped = |b: u8| (b == b'&') | (b == b'<') | (b == b'>') | (b == b'\r');
    if !crate::read::byte_scan::any_byte(text.as_bytes(), b' ', escaped) {
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
    let mut out = Vec::with_capacity(2048);
    out.extend_from_slice(HEAD.as_bytes());
    for_each_element(record, options, |name, value| {
        if let Some(c) = first_forbidden(&value) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "record {}: dc:{name} holds U+{:04X}, which XML 1.0 forbids",
                    record.id, c as u32
                ),
            ));
        }
        out.extend_from_slice(b"\n  <dc:");
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
        out.extend_from_slice(escape_text(&value).as_bytes());
        out.extend_from_slice(b"</dc:");
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
        Ok(())
    })?;
    out.extend_from_slice(b"\n</oai_dc:dc>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::xml_forbidden;

    #[test]
    fn byte_check_finds_what_the_char_check_finds() {
        for text in [
            "",
            "plain ASCII",
            "tab\tnewline\ncarriage return\r",
            "bell \u{7} here",
            "\u{0}",
            "\u{1F}",
            "non-character \u{FFFE}",
            "non-character \u{FFFF}",
            "fullwidth \u{FF21} and \u{F000}, private use, are allowed",
            "Kim Il-sung 김일성 毛泽东 Ŏ",
        ] {
            // Also where the character falls at either side of a 64-byte chunk's edge.
            for pad in [0, 1, 62, 63, 64, 65, 127, 128] {
                let padded = format!("{}{text}", "x".repeat(pad));
                assert_eq!(
                    first_forbidden(&padded),
                    padded.chars().find(|c| xml_forbidden(*c)),
                    "{padded:?}"
                );
            }
            assert_eq!(
                first_forbidden(text),
                text.chars().find(|c| xml_forbidden(*c)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn escaping() {
        assert!(matches!(escape_text("plain"), Cow::Borrowed("plain")));
        assert_eq!(escape_text("a&b<c>d\re"), "a&amp;b&lt;c&gt;d&#13;e");
        for pad in [0, 1, 62, 63, 64, 65, 127, 128] {
            let plain = "y".repeat(pad);
            assert!(matches!(escape_text(&plain), Cow::Borrowed(_)));
            for c in ["&", "<", ">", "\r"] {
                let text = format!("{plain}{c}");
                assert!(matches!(escape_text(&text), Cow::Owned(_)), "{text:?}");
            }
        }
    }
}
