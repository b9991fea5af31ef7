//! Dates: what a cataloguer wrote in `date:` → an EDTF string with the earliest and latest
//! calendar day it covers.
//!
//! STUB: the interface the rest of the pipeline relies on. The full implementation (EDTF
//! 2019 levels 0–2, free text in several languages) replaces the body of [`normalize_date`].

use std::fmt;

/// The value of `date:` as the YAML reader delivered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput<'a> {
    /// Any scalar written as text (quoted or plain, including an unquoted `1950-01-11`).
    Text(&'a str),
    /// A plain YAML integer, e.g. `date: 1957`.
    Integer(i64),
}

/// A calendar day in the proleptic Gregorian calendar; years may be negative or above 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i64,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Day {
    /// ISO 8601 / xsd:date form: at least four year digits, a `-` sign for negative years.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}-{:02}-{:02}", -self.year, self.month, self.day)
        } else {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

/// One end of the span a date covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// A known calendar day.
    Day(Day),
    /// An open end (`..` in EDTF, e.g. `before 1957` has an open start).
    Open,
    /// An unknown end (an empty interval end in EDTF, or an undated document).
    Unknown,
}

/// A normalized date: the EDTF string and the days it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedDate {
    /// The EDTF (ISO 8601-2) string, e.g. `1950-01-11`, `195X`, `1957/1959`.
    pub edtf: String,
    /// The earliest day the date can mean.
    pub earliest: Bound,
    /// The latest day the date can mean.
    pub latest: Bound,
}

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateErrorKind {
    /// The calendar has no such day (`February 30, 1957`, `1957-13-01`).
    Impossible,
    /// An interval whose end is before its start (`1959-1957`).
    Reversed,
    /// A numeric form whose day/month order cannot be known (`03/04/1957`).
    Ambiguous,
    /// Nothing we know how to read.
    Unrecognized,
}

/// A refusal: what was wrong and a form that would be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub kind: DateErrorKind,
    /// One sentence quoting what was written and why it was refused.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// Settings for reading dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateOptions {
    /// How to read all-numeric dates such as `03/04/1957`; `None` refuses them as ambiguous.
    pub day_month_order: Option<DayMonthOrder>,
}

/// The order of day and month in all-numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonthOrder {
    /// `03/04/1957` is 3 April 1957.
    DayFirst,
    /// `03/04/1957` is March 4, 1957.
    MonthFirst,
}

/// Normalize one date value with the given options.
pub fn normalize_date_with(
    input: DateInput<'_>,
    options: &DateOptions,
) -> Result<NormalizedDate, DateError> {
    let _ = options;
    normalize_date(input)
}

/// Normalize one date value.
pub fn normalize_date(input: DateInput<'_>) -> Result<NormalizedDate, DateError> {
    let text = match input {
        DateInput::Integer(y) => y.to_string(),
        DateInput::Text(t) => t.trim().to_string(),
    };
    Err(DateError {
        kind: DateErrorKind::Unrecognized,
        message: format!("`{text}` is not a date this stub reads"),
        help: "write the date as YYYY-MM-DD".into(),
    })
}
