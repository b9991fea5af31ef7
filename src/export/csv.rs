//! CSV: one row per record, RFC 4180 quoting (as the `csv` crate writes it), UTF-8, a header
//! row.
//!
//! One encoder writes the file, record by record: [`header`] first, then [`write_row`] for
//! each record in id order; nothing closes the file. `run` ([`crate::engine`]), `convert`
//! (`--to csv` and `--to shard`) and `merge` ([`crate::engine::shard`], which copies the shards' rows
//! after its own header) all write with these functions.
//!
//! Several values in one cell are joined with a separator (`|` unless configured). A value
//! that contains the separator or a backslash escapes it with a backslash (`\|`, `\\`), so
//! [`split_multi`] gives back exactly the values that were joined.
//!
//! A cell that a spreadsheet would run as a formula is neutralized as OWASP recommends
//! (<https://owasp.org/www-community/attacks/CSV_Injection>): a cell starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'`. One exception is made, so that
//! dates stay dates: a cell that is a negative number or a plain EDTF/ISO date with a
//! negative year (`-500`, `-0500`, `-0500-03-01`) is left alone, since a spreadsheet can only
//! read it as a number, never run it.

use std::borrow::Cow;
use std::sync::Arc;

use crate::export::bound_text;
use crate::normalize::names::Agent;
use crate::normalize::record::{Record, Source};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "id",
    "title",
    "date",
    "date_earliest",
    "date_latest",
    "date_as_written",
    "type",
    "summary",
    "creators",
    "recipients",
    "people",
    "places",
    "subjects",
    "languages",
    "source",
    "source_archive",
    "source_reference",
    "rights",
    "collections",
    "related",
];

/// Join several values into one cell, escaping the separator and the escape character.
pub fn join_multi<'a>(values: impl IntoIterator<Item = &'a str>, separator: char) -> String {
    let mut out = String::with_capacity(64);
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        if !needs_escape(v, separator) {
            out.push_str(v);
            continue;
        }
        for c in v.chars() {
            if c == separator || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Whether `value` holds the separator or the escape character. An ASCII separator (the
/// usual case) is looked for byte by byte: in UTF-8 an ASCII byte is only ever that
/// character.
fn needs_escape(value: &str, separator: char) -> bool {
    if separator.is_ascii() {
        let sep = separator as u8;
        value.bytes().any(|b| b == sep || b == b'\\')
    } else {
        value.contains([separator, '\\'])
    }
}

/// Split a cell written by [`join_multi`] back into its values.
pub fn split_multi(cell: &str, separator: char) -> Vec<String> {
    if cell.is_empty() {
        return Vec::new();
    }
    let mut values = vec![String::new()];
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next()
                && let Some(last) = values.last_mut()
            {
                last.push(next);
            }
        } else if c == separator {
            values.push(String::new());
        } else if let Some(last) = values.last_mut() {
            last.push(c);
        }
    }
    values
}

/// A cell made safe to open in a spreadsheet.
pub fn neutralize(cell: String) -> String {
    if is_risky(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Whether a spreadsheet could run `cell` as a formula ([`neutralize`]).
fn is_risky(cell: &str) -> bool {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => !is_negative_date(cell),
        _ => false,
    }
}

/// A negative number or a date with a negative year: `-500`, `-0500`, `-0500-03`,
/// `-0500-03-01`, `-170000000-01-01` (a minus sign, digits, then up to two `-DD` parts).
fn is_negative_date(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('-') else {
        return false;
    };
    let mut parts = rest.split('-');
    let year_ok = parts
        .next()
        .is_some_and(|y| !y.is_empty() && y.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = parts.collect();
    year_ok
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn headings(agents: &[Arc<Agent>], separator: char) -> String {
    join_multi(agents.iter().map(|a| a.heading.as_str()), separator)
}

/// The cells of one record's row, before neutralization, borrowed from the record where it
/// holds them as they are written.
fn cells(record: &Record, separator: char) -> [Cow<'_, str>; 20] {
    let b = Cow::<str>::Borrowed;
    let multi =
        |values: &[String]| Cow::Owned(join_multi(values.iter().map(String::as_str), separator));
    let refs = |values: &[crate::normalize::record::Reference]| {
        Cow::Owned(join_multi(values.iter().map(|r| r.id.as_str()), separator))
    };
    let (source, archive, reference) = match &record.source {
        Some(Source::Text(t)) => (b(t), b(""), b("")),
        Some(Source::Archive { archive, reference }) => {
            (b(""), b(archive), b(reference.as_deref().unwrap_or("")))
        }
        None => (b(""), b(""), b("")),
    };
    [
        b(&record.id),
        b(&record.title),
        b(&record.date.edtf),
        Cow::Owned(bound_text(&record.date.earliest)),
        Cow::Owned(bound_text(&record.date.latest)),
        b(&record.date_as_written),
        b(&record.kind),
        b(&record.summary),
        Cow::Owned(headings(&record.creators, separator)),
        Cow::Owned(headings(&record.recipients, separator)),
        Cow::Owned(headings(&record.people, separator)),
        multi(&record.places),
        multi(&record.subjects),
        multi(&record.languages),
        source,
        archive,
        reference,
        b(record.rights.as_deref().unwrap_or("")),
        refs(&record.collections),
        refs(&record.related),
    ]
}

/// The header row: [`COLUMNS`], ending in CRLF.
pub fn header() -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_cells(COLUMNS.iter().copied(), &mut out);
    out
}

/// Append one record's row to `out`: its cells ([`COLUMNS`] in order, several values joined
/// by [`join_multi`]), neutralized ([`neutralize`]), as RFC 4180 text ending in CRLF. The
/// bytes the `csv` crate's writer writes for those cells (tested); written here because a
/// run writes a row per record, and the crate's writer wanted a `String` per cell and its
/// own buffer per row.
pub fn write_row(record: &Record, separator: char, out: &mut Vec<u8>) {
    let cells = cells(record, separator);
    write_cells(cells.iter().map(|c| c.as_ref()), out);
}

/// Whether a cell holds a comma, a double quote or a line break.
fn needs_quotes(cell: &[u8]) -> bool {
    crate::read::byte_scan::any_byte(cell, b' ', |b| {
        (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r')
    })
}

/// Append a row of cells to `out` as the `csv` crate writes one with its default settings
/// and a CRLF terminator: each cell neutralized ([`neutralize`]), then quoted only if it
/// holds a comma, a double quote (doubled inside) or a line break; empty cells stay empty.
/// A row of one empty cell, which the crate writes as `""`, never occurs (a record row has
/// twenty cells).
fn write_cells<'a>(cells: impl IntoIterator<Item = &'a str>, out: &mut Vec<u8>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let bytes = cell.as_bytes();
        let quoted = needs_quotes(bytes);
        if quoted {
            out.push(b'"');
        }
        if is_risky(cell) {
            out.push(b'\'');
        }
        if quoted {
            for (j, part) in bytes.split(|&b| b == b'"').enumerate() {
                if j > 0 {
                    out.extend_from_slice(b"\"\"");
                }
                out.extend_from_slice(part);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(bytes);
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A row as the `csv` crate writes it (the reference for [`write_cells`]).
    fn by_csv_crate(cells: &[String]) -> Vec<u8> {
        let mut writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer
            .write_record(cells.iter().cloned().map(neutralize))
            .unwrap();
        writer.into_inner().unwrap()
    }

    fn by_write_cells(cells: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        write_cells(cells.iter().map(String::as_str), &mut out);
        out
    }

    #[test]
    fn rows_are_written_as_the_csv_crate_writes_them() {
        let cells: Vec<String> = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "two\nlines",
            "cr\r",
            "=SUM(A1)",
            "+1",
            "-1957",
            "-0500-03-01",
            "-x",
            "@here",
            "\tindent",
            "'quoted",
            "김일성, 毛泽东",
        ]
        .map(String::from)
        .to_vec();
        for (i, a) in cells.iter().enumerate() {
            for b in &cells[i..] {
                let row = [a.clone(), b.clone(), String::new()];
                assert_eq!(by_write_cells(&row), by_csv_crate(&row), "{row:?}");
            }
        }
    }

    #[test]
    fn the_header_is_written_as_the_csv_crate_writes_it() {
        let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        assert_eq!(header(), by_csv_crate(&columns));
        assert!(header().starts_with(b"id,title,date,"));
        assert!(header().ends_with(b",collections,related\r\n"));
    }

    proptest! {
        #[test]
        fn any_row_is_written_as_the_csv_crate_writes_it(
            cells in proptest::collection::vec("[,\"\r\n=+@\t' a-z-]{0,6}|\\PC{0,12}", 2..6)
        ) {
            prop_assert_eq!(by_write_cells(&cells), by_csv_crate(&cells));
        }
    }

    #[test]
    fn multi_values_round_trip_through_the_escape() {
        let values = ["a|b", "c\\d", "", "plain", "\\|"];
        let cell = join_multi(values, '|');
        assert_eq!(cell, "a\\|b|c\\\\d||plain|\\\\\\|");
        assert_eq!(split_multi(&cell, '|'), values);
        // A separator outside ASCII.
        let values = ["a¦b", "Kim Il-sung", "c\\d"];
        let cell = join_multi(values, '¦');
        assert_eq!(cell, "a\\¦b¦Kim Il-sung¦c\\\\d");
        assert_eq!(split_multi(&cell, '¦'), values);
    }

    /// OWASP CSV injection: `=`, `+`, `-`, `@`, tab and carriage return start a formula.
    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+1".into()), "'+1");
        assert_eq!(neutralize("-2+3".into()), "'-2+3");
        assert_eq!(neutralize("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(neutralize("\tx".into()), "'\tx");
        assert_eq!(neutralize("Cable".into()), "Cable");
        // Negative EDTF years stay dates.
        assert_eq!(neutralize("-0500".into()), "-0500");
        assert_eq!(neutralize("-0500-03-01".into()), "-0500-03-01");
        assert_eq!(neutralize("-170000000-01-01".into()), "-170000000-01-01");
        assert_eq!(neutralize("-500".into()), "-500");
        assert_eq!(neutralize("-0500-03-01+1".into()), "'-0500-03-01+1");
        assert_eq!(neutralize("-".into()), "'-");
        assert_eq!(neutralize("-1-2-3-4".into()), "'-1-2-3-4");
    }
}
