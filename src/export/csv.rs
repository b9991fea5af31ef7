//! CSV: one row per record, RFC 4180 quoting (the `csv` crate), UTF-8, a header row.
//!
//! Several values in one cell are joined with a separator (`|` unless configured). A value
//! that contains the separator or a backslash escapes it with a backslash (`\|`, `\\`), so
//! [`split_multi`] gives back exactly the values that were joined.
//!
//! A cell that a spreadsheet would run as a formula is neutralized as OWASP recommends
//! (https://owasp.org/www-community/attacks/CSV_Injection): a cell starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'`. One exception is made, so that
//! dates stay dates: a cell that is a negative number or a plain EDTF/ISO date with a
//! negative year (`-500`, `-0500`, `-0500-03-01`) is left alone, since a spreadsheet can only
//! read it as a number, never run it.

use crate::export::{ExportOptions, bound_text};
use crate::normalize::names::Agent;
use crate::record::{Record, Source};

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
    let mut out = String::new();
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
    let Some(first) = cell.chars().next() else {
        return cell;
    };
    let risky = matches!(first, '=' | '+' | '@' | '\t' | '\r')
        || (first == '-' && !is_negative_date(&cell));
    if risky { format!("'{cell}") } else { cell }
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

fn headings(agents: &[Agent], separator: char) -> String {
    join_multi(agents.iter().map(|a| a.heading.as_str()), separator)
}

/// The cells of one record's row, before neutralization.
pub fn row(record: &Record, separator: char) -> Vec<String> {
    let multi = |values: &[String]| join_multi(values.iter().map(String::as_str), separator);
    let refs = |values: &[crate::record::Reference]| {
        join_multi(values.iter().map(|r| r.id.as_str()), separator)
    };
    let (source, archive, reference) = match &record.source {
        Some(Source::Text(t)) => (t.clone(), String::new(), String::new()),
        Some(Source::Archive { archive, reference }) => (
            String::new(),
            archive.clone(),
            reference.clone().unwrap_or_default(),
        ),
        None => Default::default(),
    };
    vec![
        record.id.clone(),
        record.title.clone(),
        record.date.edtf.clone(),
        bound_text(&record.date.earliest),
        bound_text(&record.date.latest),
        record.date_as_written.clone(),
        record.kind.clone(),
        record.summary.clone(),
        headings(&record.creators, separator),
        headings(&record.recipients, separator),
        headings(&record.people, separator),
        multi(&record.places),
        multi(&record.subjects),
        multi(&record.languages),
        source,
        archive,
        reference,
        record.rights.clone().unwrap_or_default(),
        refs(&record.collections),
        refs(&record.related),
    ]
}

/// The whole CSV file.
pub fn render(records: &[Record], options: &ExportOptions) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(records.len() * 1024 + 256));
    writer.write_record(COLUMNS)?;
    for record in records {
        writer.write_record(
            row(record, options.csv_separator)
                .into_iter()
                .map(neutralize),
        )?;
    }
    writer
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
