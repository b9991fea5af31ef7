//! Dates: what a cataloguer wrote in `date:` → an EDTF string with the earliest and latest
//! calendar day it covers.
//!
//! # Why this module exists
//!
//! Catalogue records are typed by people, in the languages of the collection: `ca. 1950`,
//! `17 декабря 1957 г.`, `1957年12月17日`, `November 12-14, 1957`. Every export needs one
//! machine-readable form (EDTF, ISO 8601-2, as the Library of Congress profiles it in its
//! 2019 specification) and a span of calendar days to sort and filter on. This module reads
//! a value, refuses what cannot be a date with a message a cataloguer can act on, and
//! otherwise returns the EDTF string and the earliest and latest [`Day`].
//!
//! # Why a hand-written EDTF parser
//!
//! The `edtf` crate (0.2, the only established Rust crate) implements levels 0 and 1 only:
//! it has no sets, no component-level qualification, no exponential years or significant
//! digits, no unspecified digits in the middle of a date. Newer crates are young, single-
//! author and unproven. EDTF's grammar is small enough that a hand-written parser over ASCII
//! bytes (see [`parse_edtf`]) is short, allocation-free for anything but sets, and lets every
//! refusal say *why* in words a cataloguer understands.
//!
//! # How a value is read
//!
//! 1. Trimmed; `[...]` around a single date (no `,` or `..` inside, unless it has words) is
//!    the cataloguer's mark for a supplied date, so `[1957]` → `1957`, `[1957?].` → `1957?`
//!    and `[between March 13, 2000 and July 10, 2014]` is read inside its brackets. (A list
//!    of one date means the same thing in EDTF, so nothing is lost.)
//! 2. If the text is valid EDTF (levels 0–2), it is kept exactly as written.
//! 3. If it is EDTF-shaped but says something impossible (`2016-02-30`, `1957-13-01`,
//!    `1959/1957`, `-0000`), it is refused; free text is not tried.
//! 4. Otherwise it is read as free text (see below), written out as EDTF once, and that
//!    EDTF is validated and measured like any other.
//!
//! # Free text
//!
//! | written | EDTF |
//! |---|---|
//! | `January 11, 1950`, `Jan. 11, 1950`, `11 January 1950`, `12th of November 1957`, `1950/01/11`, `1950.01.11` | `1950-01-11` |
//! | `January 1950`, `1950. január` | `1950-01` |
//! | `ca. 1950`, `circa 1950`, `c. 1950`, `c.1950` (also `um`, `около`, `ok.`, `kb.`) | `1950~` |
//! | `?1950`, `?c.1950`, `?1950s` (a `?` before the value qualifies all of it) | `1950?`, `1950%`, `195X?` |
//! | `1950s`, `1950's`, `the 1950s` | `195X` |
//! | `early 1950s` / `mid 1950s` / `late 1950s` | `1950/1953` / `1953/1956` / `1957/1959` |
//! | `19th century`, `19th cent.`, `19th C`, `nineteenth century` | `18XX` |
//! | `early` / `mid` / `late 19th century` | `1800/1839` / `1830/1869` / `1870/1899` |
//! | `[197-]`, `[197-?]`, `[18--]`, `[18--?]` (AACR2 1.4F7) | `197X`, `197X?`, `18XX`, `18XX?` |
//! | `1843–4`, `1843-4`, `1976 –7`, `1858–64`, `c.1814–15`, `1921–c.23` | `1843/1844`, …, `1814~/1815~`, `1921/1923~` |
//! | `1786 or 1800`, `[1971 or 1972]`, `1860 or 63` / `1833 and 1836` | `[1786,1800]` … / `{1833,1836}` |
//! | `not before 1910` / `not after 1920`, `no later than 1920` | `1910/..` / `../1920` |
//! | `Monday, June 5, 1944` (weekday checked with `jiff`, then dropped) | `1944-06-05` |
//! | `Spring 1958` (also summer, autumn/fall, winter; German, Russian, Polish, Hungarian) | `1958-21` |
//! | `1957-1959`, `between 1957 and 1959`, `from 1957 to 1959` | `1957/1959` |
//! | `November 12-14, 1957`, `12-14 November 1957`, `November 12 to 14, 1957` | `1957-11-12/1957-11-14` |
//! | `November 1957 - January 1958` | `1957-11/1958-01` |
//! | `before 1957` / `after 1957` | `../1957` / `1957/..` |
//! | `undated`, `n.d.`, `n.d.a.`, `s.d.`, `unknown`, `date not known`, `not dated`, `o.J.`, `б.г.`, `b.d.` | `XXXX` |
//! | `probably 1867`, `possibly c. 1867` | `1867?`, `1867%` |
//! | `960-1279`, `957` (three digits) / `300 BC`, `AD 14`, `206 BCE-220 CE`, `475–221 BC` | `0960/1279`, `0957` / `-0299`, `0014`, `-0205/0220`, `-0474/-0220` |
//! | `1st century BCE`, `late 2nd century BC`, `3rd millennium B.C.` | `-0099/0000`, `-0129/-0100`, `-2999/-2000` |
//! | `second half of the 19th century`, `third quarter of the 19th century` | `1850/1899`, `1850/1874` |
//! | `late 18th-early 19th century`, `early to mid 19th century` | `1770/1839`, `1800/1869` |
//! | `Qianlong period (1736-1795)` (the years of a period, `period.rs`) | `1736/1795` |
//! | `1957年12月17日`, `17 декабря 1957 г.`, `1957. december 17.`, `17. Dezember 1957`, `17 grudnia 1957`, `17. XII. 1957` | `1957-12-17` |
//!
//! Month names (any case, with or without the abbreviation's period, composed or
//! decomposed accents) come from one table, [`MONTH_NAMES`]; its docs say how to add a
//! language. Also read: Hungarian day suffixes (`1957. december 17-én`), Russian and Polish
//! year words (`г.`, `года`, `r.`), `12th of November`, and dashes `-`, `–` or `—`.
//! Each word is looked up once, in an index built on first use from the table, so reading
//! a date costs one allocation (the EDTF string) and no table scans. The phrases for "not
//! known", weekday names, ordinal words and the words naming an event are data too
//! ([`UNDATED_PHRASES`], [`WEEKDAY_NAMES`], [`ORDINAL_WORDS`], [`EVENT_WORDS`]).
//!
//! The tokenizer keeps apart what changes a reading: the ASCII hyphen-minus between digits
//! (ISO 8601's year-month separator) from other dashes and from a hyphen with a space beside
//! it (a range), and a `c` written directly before a digit (`c1935`, see below). Whatever is
//! left over after a reading (`1794–c.1830–5`, `c.18799–1802`, `1828 (or 1836`) refuses the
//! value: nothing is partly read.
//!
//! # Decisions
//!
//! The rule: certain, or kept as written, or refused with a suggestion; never a confident
//! guess. The README's "Dates" section gives the cataloguing rules behind each decision.
//!
//! * **Early, mid, late decade**: early = years 0–3 of the decade (`1950/1953`), mid =
//!   years 3–6 (`1953/1956`), late = years 7–9 (`1957/1959`). They overlap at the edges
//!   on purpose: "mid" is vaguer than "early" or "late". For a century, the same in
//!   decades: early 19th century = `1800/1839`, mid = `1830/1869`, late = `1870/1899`.
//! * **Centuries**: `19th century` is `18XX` (1800–1899), the common reading; the strict one
//!   (1801–1900) differs only at the edges. Conventions like these are read but never
//!   written into a record by `pipeline fix` ([`reads_by_convention`]).
//! * **Valid EDTF is EDTF**, but for one shape: `1801-10` is October 1801 (ISO year-month)
//!   although a museum cataloguer may mean 1801–1810 (read as a range with an en dash,
//!   `1801–10`); a sub-year grouping 21–41 written after a year it could also end
//!   (`1939-40`, `1920-21`) is refused with both readings (`grouping_or_range`), since
//!   that is how fiscal and academic years are written and nobody types grouping 40 by hand.
//!   `1950-21` (21 is no later year) is spring 1950. The EDTF parser reads every grouping.
//! * **Hyphen and two digits in free text**: `c.1801-10` (a month and a later year of the
//!   same century) is refused as ambiguous, with both readings; `c.1850-10` can only be
//!   October 1850 and `c.1814-15` only 1814–1815. An EDTF-shaped `1858-64` has no month or
//!   grouping 64, so it is read as the one thing it can be, the years `1858/1864` (and
//!   `2001-13` as `2001/2013`); `1957-13` (13 is no later year) stays refused.
//! * **Abbreviated ranges**: the end's digits replace the last digits of the start; an end
//!   that is not later (`1899–01`) is refused as reversed, never rolled over. A qualifier
//!   before a range applies to both ends; in `or`/`and` sets each member keeps its own.
//! * **`c1935`**: MARC/AACR2's copyright date, or circa written carelessly: refused with both.
//! * **Weekdays**: one that disagrees with the date refuses it as impossible.
//! * **Events and lists** (`published 1881`, `1978, printed 2005`): refused with the date they
//!   hold as the suggestion; whether the record's date is that event's is the cataloguer's call.
//! * **`1900s`** (a decade written with `00`) is refused as ambiguous: it means the decade
//!   1900–1909 to some and the century 1900–1999 to others. `190X` or `19XX` is asked for.
//! * **Undated** (`undated`, `n.d.`, …) becomes `XXXX` (EDTF's "year unspecified"; EDTF has
//!   no token for "no date"): what DACS 2.4.16's *undated* says, a date that is not given,
//!   with both bounds [`Bound::Unknown`]. The same holds for any
//!   EDTF date whose year is entirely `X` (`XXXX`, `XXXX-12-XX`): it could be in any year,
//!   so no calendar day bounds it. This keeps `normalize(normalize(x).edtf)` identical.
//! * **Qualifiers do not widen bounds**: `1950~` and `1950?` cover 1950-01-01..1950-12-31,
//!   like `1950`. How far "about" reaches is a judgement the data does not record; the
//!   qualifier stays in the EDTF string for whoever needs it.
//! * **Sub-year groupings** (ISO 8601-2 / EDTF level 1 and 2 codes), northern-hemisphere
//!   meteorological seasons for the location-independent codes:
//!   21 spring = March–May, 22 summer = June–August, 23 autumn = September–November,
//!   24 winter = December of the year to February of the next; 25–28 the same seasons
//!   named as northern-hemisphere; 29–32 southern-hemisphere spring (September–November),
//!   summer (December–February of the next year), autumn (March–May), winter (June–August);
//!   33–36 quarters (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec); 37–39 quadrimesters (Jan–Apr,
//!   May–Aug, Sep–Dec); 40–41 semestrals (Jan–Jun, Jul–Dec).
//! * **Unspecified digits** cover every value the `X`s allow that is a real month or day:
//!   `195X` = 1950-01-01..1959-12-31, `1985-04-XX` = 1985-04-01..1985-04-30, `1984-1X` =
//!   1984-10-01..1984-12-31.
//! * **Significant digits and exponents**: `1950S2` = 1900..1999, `Y171010000S3` =
//!   171000000..171999999, `Y3388E2S3` = 338000..338999; `Y-17E7` is exactly -170000000.
//! * **Intervals**: the earliest day of the start to the latest day of the end; `..` gives
//!   [`Bound::Open`], an empty end [`Bound::Unknown`]. An interval or set range is refused
//!   as reversed when its start's earliest day is after its end's latest day.
//! * **Sets** `[...]` and `{...}`: from the earliest member to the latest; `..a` / `a..`
//!   members make that side open.
//! * **Date-times**: the day as written (the UTC offset is not applied); offsets beyond
//!   -12:00..+14:00 and times beyond 23:59:59 are refused.
//! * **Numeric day and month** (`03/04/1957`, `3.4.1957`, `3-4-1957`) are refused as
//!   ambiguous unless [`DateOptions::day_month_order`] says how the collection writes them.
//!   Without it, a form with only one possible reading is accepted: `13/04/1957` can only be
//!   13 April (`1957-04-13`), `04/13/1957` only April 13, and `04/04/1957` is the same day
//!   either way. With the option set, it is followed strictly (`03/13/1957` read day-first
//!   is refused: there is no month 13). Year-first numeric forms (`1950/01/11`) are read
//!   year-month-day.
//! * **Calendar**: proleptic Gregorian. Day counts come from `jiff` for years -9999..=9999
//!   and from the Gregorian leap-year rule beyond (EDTF years may be longer).
//! * **Years in free text** have three or four digits, or one or two with an era (`44 BC`,
//!   `AD 9`, `50–44 BC`: alone, `44` could be anything). BC years are written as EDTF counts
//!   them, astronomically: 1 BC is `0000`, *n* BC is `1 − n`; only to the year (a BC day
//!   would be Julian). An era written after the end only is the start's too; a BC start
//!   whose end has none is refused. Centuries BC are counted back from their first year
//!   (the 1st is 100–1 BC, `-0099/0000`). Longer years are written in EDTF (`Y170000002`),
//!   or given as a YAML integer ([`DateInput::Integer`]) of three or four digits; one
//!   written with a leading zero or a sign ([`DateInput::PaddedInteger`], `date: 0957`) is
//!   refused, since YAML 1.1 and 1.2 read it differently, and so are a negative one
//!   (`date: -44`: 44 BC as historians count, or EDTF's astronomical -44, 45 BC?) and one
//!   of one or two digits (`date: 0`, `date: 12`), read only with an era, as in text.
//! * **A qualifier at the edge of a range** of years written as one expression
//!   (`c.1814–15`, `1950-1955?`) qualifies the range; when an end is written to the month or
//!   day (`c. 1720 - 23 Mar 1775` → `1720~/1775-03-23`), it stays with its own end.
//! * **Parts of centuries**: halves are years 0–49 and 50–99, quarters 0–24 … 75–99; a range
//!   of parts may write the century word once (`late 18th-early 19th century`). A longer integer is refused: `date: 19570101` is a date written without
//!   hyphens (refused with the suggestion `1957-01-01`), and a year beyond ±9999 is asked
//!   for in EDTF (`"Y170000002"`), where the `Y` makes the intent explicit.

mod edtf;
mod freetext;
mod months;
mod period;

pub use edtf::{
    DayOfMonth, Edtf, EdtfDate, EdtfError, IntervalEnd, Month, MonthPart, Qualification, SetKind,
    SetMember, Time, Year, date_bounds, days_in_month, format_year, grouping_months, is_leap_year,
    parse_edtf,
};
pub use months::{
    EVENT_WORDS, MONTH_NAMES, ORDINAL_WORDS, UNDATED_PHRASES, WEEKDAY_NAMES,
    english_name as month_name, lookup as month_number,
};

use std::fmt;

/// The value of `date:` as the YAML reader delivered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput<'a> {
    /// Any scalar written as text (quoted or plain, including an unquoted `1950-01-11`).
    Text(&'a str),
    /// A plain YAML integer, e.g. `date: 1957`.
    Integer(i64),
    /// A plain YAML integer written with more characters than its value has digits:
    /// `date: 0957` (or `+1957`, `0x7A5`). YAML 1.2 reads `0957` as 957, YAML 1.1 as the
    /// text `0957` (and `0755` as the octal number 493), so which year was meant depends on
    /// the tool; it is refused with a request to quote the date.
    PaddedInteger {
        /// The number as read.
        value: i64,
        /// How many characters were written.
        chars: usize,
    },
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
        // Every record's dates are written twice (CSV and JSON-LD): the common case, a
        // four-digit year, is put together digit by digit instead of through three padded
        // integer formats (a third of the instructions: ~370 against ~1,190 per date, by
        // callgrind).
        if (0..=9999).contains(&self.year) && self.month < 100 && self.day < 100 {
            let digit = |n: i64, unit: i64| b'0' + (n / unit % 10) as u8;
            let (y, m, d) = (self.year, i64::from(self.month), i64::from(self.day));
            let text = [
                digit(y, 1000),
                digit(y, 100),
                digit(y, 10),
                digit(y, 1),
                b'-',
                digit(m, 10),
                digit(m, 1),
                b'-',
                digit(d, 10),
                digit(d, 1),
            ];
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
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

impl DateErrorKind {
    /// The finding code of this refusal (D001-D004, `docs/codes.md`).
    pub fn code(self) -> crate::diagnostics::Code {
        use crate::diagnostics::Code;
        match self {
            DateErrorKind::Impossible => Code::ImpossibleDate,
            DateErrorKind::Reversed => Code::ReversedRange,
            DateErrorKind::Ambiguous => Code::AmbiguousDate,
            DateErrorKind::Unrecognized => Code::UnrecognizedDate,
        }
    }
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

/// How a collection writes numeric dates such as `03/04/1957`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonthOrder {
    /// `03/04/1957` is 3 April 1957.
    DayFirst,
    /// `03/04/1957` is March 4, 1957.
    MonthFirst,
}

impl crate::choice::Choice for DayMonthOrder {
    const ALL: &'static [(DayMonthOrder, &'static str, &'static str)] = &[
        (
            DayMonthOrder::DayFirst,
            "day-first",
            "03/04/1957 is 3 April 1957",
        ),
        (
            DayMonthOrder::MonthFirst,
            "month-first",
            "03/04/1957 is March 4, 1957",
        ),
    ];
}

/// Options for [`normalize_date_with`]. The default reads every form that has one meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateOptions {
    /// How to read numeric day/month forms; `None` refuses those that are ambiguous.
    pub day_month_order: Option<DayMonthOrder>,
}

/// Normalize one date value with the default options.
pub fn normalize_date(input: DateInput<'_>) -> Result<NormalizedDate, DateError> {
    normalize_date_with(input, &DateOptions::default())
}

/// Normalize one date value.
pub fn normalize_date_with(
    input: DateInput<'_>,
    options: &DateOptions,
) -> Result<NormalizedDate, DateError> {
    match input {
        DateInput::Integer(y) if !(-9999..=9999).contains(&y) => {
            // `date: 19570101` is almost always a date written without hyphens (which EDTF
            // refuses, as in `20050924`), not the year 19,570,101.
            let digits = y.unsigned_abs().to_string();
            let compact = (y > 0 && digits.len() == 8)
                .then(|| format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]))
                .filter(|iso| parse_edtf(iso).is_ok());
            Err(DateError {
                kind: DateErrorKind::Unrecognized,
                message: match &compact {
                    Some(_) => format!("`{y}` looks like a date written without hyphens"),
                    None => format!("`{y}` is not a year of four digits or fewer"),
                },
                help: match compact {
                    Some(iso) => format!("write `{iso}` (with hyphens)"),
                    None => format!(
                        "write a year of more than four digits in EDTF, in quotes: \"{}\"",
                        format_year(y)
                    ),
                },
            })
        }
        // `date: -44`: 44 BC as historians write it, or the astronomical year -44, which is
        // 45 BC (EDTF `-0044`)? Either reading could be meant.
        DateInput::Integer(y) if y < 0 => Err(DateError {
            kind: DateErrorKind::Ambiguous,
            message: format!(
                "`{y}` could mean {} BC, or the astronomical year {y} (EDTF `{}`), which is {} BC",
                -y,
                format_year(y),
                1 - y
            ),
            help: format!(
                "write `{} BC` for the year {} BC (EDTF `{}`), or `\"{}\"` in quotes for \
                 EDTF's year {y}",
                -y,
                -y,
                format_year(y + 1),
                format_year(y)
            ),
        }),
        // `date: 0`, `date: 12`: as in text, a year of one or two digits is read only with
        // its era (`12 AD`); `0` is no year of BC/AD counting (EDTF's `0000` is 1 BC), and
        // more often a placeholder for "no date".
        DateInput::Integer(y @ 0..=99) => Err(DateError {
            kind: DateErrorKind::Unrecognized,
            message: format!("`{y}` is too short to be read as a year without an era"),
            help: if y == 0 {
                "write `undated` if the date is not known, or `1 BC` (EDTF `0000`)".to_string()
            } else {
                format!("write `{y} AD` for the year {y}, or `{y} BC`")
            },
        }),
        DateInput::Integer(y) => {
            let edtf = format_year(y);
            normalize_text(&edtf, &y.to_string(), options)
        }
        DateInput::PaddedInteger { value, .. } => Err(DateError {
            kind: DateErrorKind::Ambiguous,
            message: format!(
                "the date is a number written with a leading zero, sign or base prefix \
                     (read as {value}): YAML 1.2 tools read `0957` as the number 957, YAML 1.1 \
                     tools as the text `0957`, and `0755` as the octal number 493"
            ),
            help: "put the date in quotes exactly as written (as in `date: \"0957\"`), so \
                       that every tool reads the same text"
                .to_string(),
        }),
        DateInput::Text(t) => {
            let t = t.trim();
            normalize_text(t, t, options)
        }
    }
}

/// Whether the reading of `written` rests on a convention of this module (`early`, `mid`,
/// `late`; a century by its ordinal, `19th century` = `18XX`) rather than on the words
/// alone. `pipeline fix` leaves such values as the cataloguer wrote them.
pub fn reads_by_convention(written: &str) -> bool {
    // A period's years (`Edo period (1615–1868)`) are read without its name, which the
    // record must keep.
    freetext::uses_convention(written) || period::split(written.trim()).is_some()
}

const FREE_TEXT_HELP: &str = "write the date as e.g. `1957-11-12`, `November 12, 1957`, \
     `12 November 1957`, `November 1957`, `1957`, `ca. 1957`, `1950s` or `1957-1959`";

/// A refused date is respelled only when it is at most this long (the search stays bounded
/// whatever a stranger writes).
const RESPELL_MAX_BYTES: usize = 200;

/// `written` with each word that is a misspelt month name replaced by that name
/// ([`months::nearest_name`]), and what it reads as, when the respelled date is read by the
/// rules: a "did you mean" is offered only for a date that would be accepted.
fn respelled(written: &str, options: &DateOptions) -> Option<(String, String)> {
    if written.len() > RESPELL_MAX_BYTES {
        return None;
    }
    let mut out = String::with_capacity(written.len() + 4);
    let mut changed = false;
    let mut rest = written;
    while let Some(start) = rest.find(char::is_alphabetic) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let respelled = (!freetext::is_known_word(word))
            .then(|| months::nearest_name(word))
            .flatten();
        match respelled {
            Some(name) => {
                out.push_str(&name);
                changed = true;
            }
            None => out.push_str(word),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if !changed {
        return None;
    }
    // The respelled words are names the table knows, so this call respells nothing again.
    let date = normalize_text(out.trim(), &out, options).ok()?;
    Some((out, date.edtf))
}

fn normalize_text(
    text: &str,
    written: &str,
    options: &DateOptions,
) -> Result<NormalizedDate, DateError> {
    if text.is_empty() {
        return Err(DateError {
            kind: DateErrorKind::Unrecognized,
            message: "the date is empty".to_string(),
            help: FREE_TEXT_HELP.to_string(),
        });
    }
    let text = supplied(text).unwrap_or(text);
    let grouping = grouping_or_range(text);
    let syntax_fault = match edtf::parse(text) {
        Ok(_) if let Some((year, two)) = grouping => {
            let end = short_end(year, two);
            return Err(DateError {
                kind: DateErrorKind::Ambiguous,
                message: format!(
                    "`{written}` could mean the years {year:04}–{end:04} written short, or \
                     EDTF's sub-year grouping {two} of {year:04} ({})",
                    grouping_name(two)
                ),
                help: format!(
                    "write `{year:04}/{end:04}` (or `{year:04}–{two:02}` with an en dash) for \
                     the years; a season is read in words (`Spring {year:04}`)"
                ),
            });
        }
        Ok(e) => return Ok(measured(text.to_owned(), &e)),
        Err(f) if f.is_final() => {
            // `1858-64`: EDTF-shaped, but there is no month or sub-year grouping 64, so the
            // one reading left is the years 1858–1864 written short, as catalogues write
            // them with a hyphen as often as with an en dash.
            if let Some((year, two)) = abbreviated_range_shape(text) {
                let end = short_end(year, two);
                let q = match text.as_bytes().last() {
                    Some(&c @ (b'?' | b'~' | b'%')) => char::from(c).to_string(),
                    _ => String::new(),
                };
                let range = format!("{year:04}{q}/{end:04}{q}");
                if let Ok(e) = edtf::parse(&range) {
                    return Ok(measured(range, &e));
                }
            }
            return Err(edtf_error(f, written, text));
        }
        Err(f) => f,
    };
    if let Some(periods) = period::split(text) {
        return period_date(&periods, written, options);
    }
    match freetext::parse(text, options) {
        Ok(expr) => {
            let s = expr.to_edtf();
            match edtf::parse(&s) {
                Ok(e) => Ok(measured(s, &e)),
                Err(f) => Err(edtf_error(f, written, &s)),
            }
        }
        Err(freetext::TextFault::NoMatch) => Err(event_refusal(text, written, options)
            .unwrap_or_else(|| {
                if period::names_period_without_years(text) {
                    DateError {
                        kind: DateErrorKind::Unrecognized,
                        message: format!("`{written}` names a period without its years"),
                        help: "write the period's years in brackets after its name (as in \
                               `Edo period (1615–1868)`), or the years alone"
                            .to_string(),
                    }
                } else if looks_like_edtf(text) {
                    edtf_error(syntax_fault, written, text)
                } else {
                    DateError {
                        kind: DateErrorKind::Unrecognized,
                        message: format!("`{written}` is not a date in a form we can read"),
                        help: match respelled(written, options) {
                            Some((date, edtf)) => format!(
                                "did you mean `{date}` (read as `{edtf}`)? Otherwise, \
                                 {FREE_TEXT_HELP}"
                            ),
                            None => FREE_TEXT_HELP.to_string(),
                        },
                    }
                }
            })),
        Err(freetext::TextFault::Ambiguous(a, b, y)) => {
            let (ma, mb) = (months::english_name(b), months::english_name(a));
            let readings = match (ma, mb) {
                (Some(ma), Some(mb)) => format!("{a} {ma} {y} or {mb} {b}, {y}"),
                _ => "two different days".to_string(),
            };
            Err(DateError {
                kind: DateErrorKind::Ambiguous,
                message: format!(
                    "`{written}` could mean {readings}: the order of day and month is not known"
                ),
                help: format!(
                    "write `{y:04}-{b:02}-{a:02}` for {a} {}, `{y:04}-{a:02}-{b:02}` for {} {b}, \
                     or write the month as a word",
                    ma.unwrap_or("?"),
                    mb.unwrap_or("?"),
                ),
            })
        }
        Err(freetext::TextFault::MonthOrRange(y, m)) => {
            let month = months::english_name(m).unwrap_or("?");
            let end = y - y % 100 + u32::from(m);
            Err(DateError {
                kind: DateErrorKind::Ambiguous,
                message: format!(
                    "`{written}` could mean {month} {y} (ISO year-month) or the years {y}–{end}"
                ),
                help: format!(
                    "write `{month} {y}` (EDTF `{y}-{m:02}`) for the month, or `{y}–{end}` \
                     (EDTF `{y}/{end}`) for the years"
                ),
            })
        }
        Err(freetext::TextFault::CopyrightOrCirca(y)) => Err(DateError {
            kind: DateErrorKind::Ambiguous,
            message: format!(
                "`{written}` could mean copyright {y} (MARC/AACR2 write `c` and the year, \
                 without a space) or circa {y}"
            ),
            help: format!(
                "write `{y}` for the copyright year as the date, or `ca. {y}` (EDTF `{y}~`) \
                 for about {y}"
            ),
        }),
        Err(freetext::TextFault::AbbreviatedBackwards(start, digits, len)) => {
            let unit = 10u32.pow(u32::from(len));
            let next = start - start % unit + digits + unit;
            Err(DateError {
                kind: DateErrorKind::Reversed,
                message: format!(
                    "`{written}` ends before it starts: the last digits `{digits:0w$}` do not \
                     make a year after {start}",
                    w = usize::from(len)
                ),
                help: format!(
                    "write both years in full, e.g. `{start}–{next}` if the range runs into \
                     the next {}",
                    if len == 1 { "decade" } else { "century" }
                ),
            })
        }
        Err(freetext::TextFault::EndWithoutEra) => Err(DateError {
            kind: DateErrorKind::Ambiguous,
            message: format!(
                "`{written}` gives an era (BC) for its start but none for its end, which could \
                 be BC or AD"
            ),
            help: "write the era after each end (`206 BC–220 AD`), or once after the end when \
                   both are BC (`475–221 BC`)"
                .to_string(),
        }),
        Err(freetext::TextFault::Weekday(named, actual)) => Err(DateError {
            kind: DateErrorKind::Impossible,
            message: format!(
                "`{written}` names a {}, but that date is a {}",
                months::weekday_name(named),
                months::weekday_name(actual)
            ),
            help: "check the date against the source; write it without the weekday once it \
                   is right"
                .to_string(),
        }),
        Err(freetext::TextFault::Century(y)) => Err(DateError {
            kind: DateErrorKind::Ambiguous,
            message: format!(
                "`{written}` could mean the decade {y}–{} or the century {y}–{}",
                y + 9,
                y + 99
            ),
            help: format!(
                "write `{:03}X` for the decade or `{:02}XX` for the century",
                y / 10,
                y / 100
            ),
        }),
    }
}

/// `Qianlong period (1736-1795)` → the years in brackets; periods written one inside the
/// other (`Qing dynasty (1644–1911), Qianlong period (1736–95)`), or a period and then the
/// work's date (`Meiji period (1868–1912), ca. 1880`) → the innermost, when each one's years
/// lie within the one before. See [`period`] for why.
fn period_date(
    periods: &[period::Period<'_>],
    written: &str,
    options: &DateOptions,
) -> Result<NormalizedDate, DateError> {
    let mut outer: Option<NormalizedDate> = None;
    for p in periods {
        let date = normalize_text(p.date, written, options)?;
        if let Some(word) = p.narrowed_by {
            return Err(DateError {
                kind: DateErrorKind::Unrecognized,
                message: format!(
                    "`{written}` narrows `{}` with `{word}`, but the years in brackets are \
                     those of the whole period",
                    p.name
                ),
                help: format!(
                    "write the years of the part of the period that is meant, or `{}` if the \
                     date is the whole period",
                    date.edtf
                ),
            });
        }
        if let Some(o) = &outer
            && !(bound_le(o.earliest, date.earliest) && bound_le(date.latest, o.latest))
        {
            return Err(DateError {
                kind: DateErrorKind::Unrecognized,
                message: format!(
                    "`{written}`: `{}` does not lie within `{}`, the period written before it",
                    date.edtf, o.edtf
                ),
                help: "write the one period or date that is meant".to_string(),
            });
        }
        outer = Some(date);
    }
    outer.ok_or_else(|| DateError {
        kind: DateErrorKind::Unrecognized,
        message: format!("`{written}` is not a date in a form we can read"),
        help: FREE_TEXT_HELP.to_string(),
    })
}

/// `a` is a known day no later than `b` (open and unknown bounds compare as not).
fn bound_le(a: Bound, b: Bound) -> bool {
    matches!((a, b), (Bound::Day(a), Bound::Day(b)) if a <= b)
}

/// The EDTF of `text` if it reads as a date, by either reader.
fn reading(text: &str, options: &DateOptions) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if edtf::parse(text).is_ok() {
        return Some(text.to_owned());
    }
    let s = freetext::parse(text, options).ok()?.to_edtf();
    edtf::parse(&s).is_ok().then_some(s)
}

/// `published 1881`, `first published c.1820–3`, `?exhibited 1826` → (`published`, `1881`):
/// the event words before a date (at least one, all in [`EVENT_WORDS`]) and the rest.
fn event_words(text: &str) -> Option<(&str, &str)> {
    let body = text.trim_start_matches(['?', ' ']);
    let mut end = 0;
    let mut rest = body;
    loop {
        let trimmed = rest.trim_start();
        let word_len = trimmed
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(trimmed.len());
        let word = &trimmed[..word_len];
        // A word must end at a space or the end (`c.1820` is not the word `c`).
        let ends = trimmed[word_len..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
        if word.is_empty() || !ends || !EVENT_WORDS.contains(&word.to_lowercase().as_str()) {
            break;
        }
        end = body.len() - trimmed.len() + word_len;
        rest = &trimmed[word_len..];
    }
    (end > 0).then(|| (&body[..end], body[end..].trim()))
}

/// A more useful refusal for a value that holds a date and says which event it belongs to
/// (`published 1881`, `?exhibited 1826`), or holds two dates (`1978, printed 2005`,
/// `1995–6, 2007`): the date it holds is suggested, the choice left to the cataloguer.
fn event_refusal(text: &str, written: &str, options: &DateOptions) -> Option<DateError> {
    // Two dates, or a date and an event: `1978, printed 2005`, `1955–6; printed 1970s`,
    // `first published 1830, reprinted 1993`.
    if let Some(i) = text.find([',', ';']) {
        // A list of dates and nothing else (`1955; 1956; 1957`, `1936, 1939`): the EDTF sets.
        let parts: Option<Vec<String>> = text
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            // A range is written `a..b` inside an EDTF set.
            .map(|p| reading(p, options).map(|e| e.replacen('/', "..", 1)))
            .collect();
        if let Some(parts) = parts.filter(|p| p.len() > 1)
            && edtf::parse(&format!("{{{}}}", parts.join(","))).is_ok()
        {
            let list = parts.join(",");
            return Some(DateError {
                kind: DateErrorKind::Unrecognized,
                message: format!("`{written}` is a list of {} dates", parts.len()),
                help: format!(
                    "write them as EDTF: `{{{list}}}` if all of them are dates of what the record \
                     describes, `[{list}]` if it is one of them; or keep one date and put the \
                     others in a note"
                ),
            });
        }
        let (first, rest) = (text[..i].trim(), text[i + 1..].trim());
        let date = event_words(first).map_or(first, |(_, date)| date);
        // The rest is a date, or an event (`printed later`); not any words (`Monday`).
        let dated = rest.bytes().any(|b| b.is_ascii_digit()) || event_words(rest).is_some();
        if let Some(edtf) = reading(date, options)
            && dated
        {
            return Some(DateError {
                kind: DateErrorKind::Unrecognized,
                message: format!("`{written}` holds more than one date: `{first}` and `{rest}`"),
                help: format!(
                    "a record has one date: write `{date}` (EDTF `{edtf}`) if that is the date \
                     of what the record describes, and put `{rest}` in a note"
                ),
            });
        }
    }
    // `published 1881`, `first published 1830`, `?exhibited 1826`: event words before a date.
    let (words, date) = event_words(text)?;
    let edtf = reading(date, options)?;
    Some(DateError {
        kind: DateErrorKind::Unrecognized,
        message: format!(
            "`{written}` dates an event (`{words}`), not necessarily what the record describes"
        ),
        help: format!(
            "write `{date}` (EDTF `{edtf}`) if the record's date is the date of that event, and \
             keep the event in a note"
        ),
    })
}

/// The year an abbreviated end names: `1858` and `64` → 1864.
fn short_end(year: u32, two: u8) -> u32 {
    year - year % 100 + u32::from(two)
}

/// `1939-40`, `1920-21`: valid EDTF (a sub-year grouping, 21–41) that is also the years
/// 1939–1940 written short, the way catalogues write them → (the year, the two digits).
/// Nobody types grouping 40 ("first half of the year") by hand, while `1939-40` is how
/// an archive writes a fiscal or academic year, so the value has two readings and is
/// refused rather than taken as the rarer one. `1950-21` (21 is no later year) is spring.
fn grouping_or_range(text: &str) -> Option<(u32, u8)> {
    abbreviated_range_shape(text).filter(|&(_, two)| (21..=41).contains(&two))
}

/// What a sub-year grouping code names, for messages.
fn grouping_name(code: u8) -> &'static str {
    match code {
        21 | 25 | 29 => "spring",
        22 | 26 | 30 => "summer",
        23 | 27 | 31 => "autumn",
        24 | 28 | 32 => "winter",
        33..=36 => "a quarter",
        37..=39 => "a third of the year",
        _ => "a half of the year",
    }
}

/// `1858-64`, `1814-15?`: a four-digit year, a hyphen and two digits (and at most a
/// qualifier) → (the year, the two digits), when the two digits are a later year of the
/// same century, so that the text could be an abbreviated range. Only asked of text that
/// EDTF refused as impossible, so the two digits are no month and no sub-year grouping.
fn abbreviated_range_shape(text: &str) -> Option<(u32, u8)> {
    let b = text.as_bytes();
    let b = match b.last() {
        Some(b'?' | b'~' | b'%') => &b[..b.len() - 1],
        _ => b,
    };
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let digits = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = digits(&b[..4])?;
    let two = u8::try_from(digits(&b[5..])?).ok()?;
    (u32::from(two) > year % 100).then_some((year, two))
}

/// `[1957]`, `[1957?]`, `[ca. 1957]`: a date the cataloguer supplied → the date inside.
fn supplied(text: &str) -> Option<&str> {
    // MARC 260 $c / 264 $c end with the ISBD full stop: `[1972?].`
    let text = text.strip_suffix('.').unwrap_or(text);
    let inner = text.strip_prefix('[')?.strip_suffix(']')?.trim();
    // `[1957,1958]` and `[..1957]` are EDTF sets; words (`[between March 13, 2000 and July
    // 10, 2014]`) never are (EDTF's letters are capitals: X, Y, E, S, T, Z).
    let words = inner
        .chars()
        .any(|c| c.is_alphabetic() && !c.is_ascii_uppercase());
    (!inner.is_empty() && (words || !inner.contains(',') && !inner.contains(".."))).then_some(inner)
}

/// Only characters EDTF uses: a refusal then explains the EDTF rule that was broken.
fn looks_like_edtf(text: &str) -> bool {
    text.bytes()
        .all(|c| c.is_ascii_digit() || b"XYES?~%-/.[]{},:TZ+".contains(&c))
}

fn measured(edtf: String, e: &Edtf) -> NormalizedDate {
    let (earliest, latest) = e.bounds();
    NormalizedDate {
        edtf,
        earliest,
        latest,
    }
}

fn edtf_error(f: edtf::Fault, written: &str, edtf_text: &str) -> DateError {
    let (kind, reason, help) = edtf::describe(f, edtf_text);
    DateError {
        kind,
        message: format!("`{written}` {reason}"),
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    /// The ISO 8601 form through `format!`'s padding: the definition the digit-by-digit
    /// path must match.
    fn padded(d: &Day) -> String {
        if d.year < 0 {
            format!("-{:04}-{:02}-{:02}", -d.year, d.month, d.day)
        } else {
            format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
        }
    }

    #[test]
    fn days_are_written_in_iso_form() {
        let day = |year, month, day| Day { year, month, day }.to_string();
        assert_eq!(day(1957, 12, 17), "1957-12-17");
        assert_eq!(day(0, 1, 1), "0000-01-01");
        assert_eq!(day(476, 9, 4), "0476-09-04");
        assert_eq!(day(-500, 3, 1), "-0500-03-01");
        assert_eq!(day(12_345, 1, 2), "12345-01-02");
        for year in -10_050..=10_050 {
            for (month, d) in [(1, 1), (2, 29), (10, 9), (12, 31)] {
                let d = Day {
                    year,
                    month,
                    day: d,
                };
                assert_eq!(d.to_string(), padded(&d));
            }
        }
    }
}
