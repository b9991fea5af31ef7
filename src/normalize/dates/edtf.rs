//! The EDTF (ISO 8601-2, Library of Congress 2019 profile) parser, validator and the
//! earliest/latest-day computation. See the parent module's docs for the decisions.
//!
//! The parser works on ASCII bytes: any non-ASCII input is refused before a byte is indexed,
//! so slicing can never split a character. Internally a refusal is a small `Copy` value
//! ([`Fault`]); the cataloguer-facing text is only built when a refusal is reported, so a
//! failed attempt (free text tried as EDTF first) costs no allocation.

use std::fmt;

use super::{Bound, DateErrorKind, Day, months};

/// `?`, `~` and `%` as they apply to one component of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Qualification {
    /// `?` (or `%`): the value is uncertain.
    pub uncertain: bool,
    /// `~` (or `%`): the value is approximate.
    pub approximate: bool,
}

impl Qualification {
    fn add(&mut self, q: Qualification) {
        self.uncertain |= q.uncertain;
        self.approximate |= q.approximate;
    }
}

/// The year component: the range of years its digits allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Year {
    /// Smallest year allowed by the digits (`X` as 0, significant digits, sign).
    pub min: i64,
    /// Largest year allowed by the digits.
    pub max: i64,
    /// Every digit is `X` (`XXXX`): the year could be any year.
    pub unspecified: bool,
    pub qualification: Qualification,
}

/// The second component: a month (possibly with `X` digits) or a sub-year grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonthPart {
    /// Months `min..=max` (equal unless the month has `X` digits).
    Month { min: u8, max: u8 },
    /// A season or other sub-year grouping, 21–41.
    Grouping(u8),
}

/// The second component with its qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Month {
    pub value: MonthPart,
    pub qualification: Qualification,
}

/// The day component: days `min..=max` (equal unless the day has `X` digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayOfMonth {
    pub min: u8,
    pub max: u8,
    pub qualification: Qualification,
}

/// A time of day (level 0 date-time), with its UTC offset in minutes if one was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// `Z` is `Some(0)`; no offset (local time) is `None`.
    pub offset_minutes: Option<i16>,
}

/// One EDTF date (any level), possibly with a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    pub year: Year,
    pub month: Option<Month>,
    pub day: Option<DayOfMonth>,
    pub time: Option<Time>,
}

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalEnd {
    Date(EdtfDate),
    /// `..`
    Open,
    /// empty
    Unknown,
}

/// `[...]` (one of) or `{...}` (all of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    OneOf,
    AllOf,
}

/// One member of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetMember {
    One(EdtfDate),
    /// `a..b`
    Range(EdtfDate, EdtfDate),
    /// `..a`
    OrEarlier(EdtfDate),
    /// `a..`
    OrLater(EdtfDate),
}

/// A parsed EDTF value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Edtf {
    Date(EdtfDate),
    Interval(IntervalEnd, IntervalEnd),
    Set(SetKind, Vec<SetMember>),
}

/// Why a string is not valid EDTF, worded for cataloguers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdtfError {
    pub kind: DateErrorKind,
    /// Why it was refused (without the quoted value), e.g. `there is no month 13`.
    pub reason: String,
    /// A form that would be accepted.
    pub help: String,
}

impl fmt::Display for EdtfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason, self.help)
    }
}

impl std::error::Error for EdtfError {}

/// Parse and validate an EDTF string (levels 0, 1 and 2 of the 2019 specification).
pub fn parse_edtf(s: &str) -> Result<Edtf, EdtfError> {
    parse(s).map_err(|f| {
        let (kind, reason, help) = describe(f, s);
        EdtfError { kind, reason, help }
    })
}

impl Edtf {
    /// The earliest and latest calendar day this value can mean.
    pub fn bounds(&self) -> (Bound, Bound) {
        match self {
            Edtf::Date(d) => match date_bounds(d) {
                Some((a, b)) => (Bound::Day(a), Bound::Day(b)),
                None => (Bound::Unknown, Bound::Unknown),
            },
            Edtf::Interval(a, b) => (end_bound(a, true), end_bound(b, false)),
            Edtf::Set(_, members) => set_bounds(members),
        }
    }
}

fn end_bound(e: &IntervalEnd, start: bool) -> Bound {
    match e {
        IntervalEnd::Open => Bound::Open,
        IntervalEnd::Unknown => Bound::Unknown,
        IntervalEnd::Date(d) => match date_bounds(d) {
            Some((a, b)) => Bound::Day(if start { a } else { b }),
            None => Bound::Unknown,
        },
    }
}

fn set_bounds(members: &[SetMember]) -> (Bound, Bound) {
    let mut lo: Option<Day> = None;
    let mut hi: Option<Day> = None;
    let mut open_lo = false;
    let mut open_hi = false;
    let mut note = |d: &EdtfDate, lo_side: bool, hi_side: bool| {
        if let Some((a, b)) = date_bounds(d) {
            if lo_side {
                lo = Some(lo.map_or(a, |x| x.min(a)));
            }
            if hi_side {
                hi = Some(hi.map_or(b, |x| x.max(b)));
            }
        }
    };
    for m in members {
        match m {
            SetMember::One(d) => note(d, true, true),
            SetMember::Range(a, b) => {
                note(a, true, false);
                note(b, false, true);
            }
            SetMember::OrEarlier(d) => {
                open_lo = true;
                note(d, false, true);
            }
            SetMember::OrLater(d) => {
                open_hi = true;
                note(d, true, false);
            }
        }
    }
    let earliest = if open_lo {
        Bound::Open
    } else {
        lo.map_or(Bound::Unknown, Bound::Day)
    };
    let latest = if open_hi {
        Bound::Open
    } else {
        hi.map_or(Bound::Unknown, Bound::Day)
    };
    (earliest, latest)
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// Days in `month` (1–12) of `year`: jiff for the years it covers (-9999..=9999), the
/// Gregorian leap-year rule beyond.
pub fn days_in_month(year: i64, month: u8) -> u8 {
    if (-9999..=9999).contains(&year)
        && let (Ok(y), Ok(m)) = (i16::try_from(year), i8::try_from(month))
        && let Ok(d) = jiff::civil::Date::new(y, m, 1)
    {
        return d.days_in_month().unsigned_abs();
    }
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The months a sub-year grouping covers: (first month, last month, last month's year
/// offset). See the module docs for the choices.
pub fn grouping_months(g: u8) -> (u8, u8, i64) {
    match g {
        21 | 25 | 31 => (3, 5, 0),  // spring (northern), autumn (southern)
        22 | 26 | 32 => (6, 8, 0),  // summer (northern), winter (southern)
        23 | 27 | 29 => (9, 11, 0), // autumn (northern), spring (southern)
        24 | 28 | 30 => (12, 2, 1), // winter (northern), summer (southern)
        33..=36 => {
            let q = g - 33;
            (3 * q + 1, 3 * q + 3, 0)
        }
        37..=39 => {
            let q = g - 37;
            (4 * q + 1, 4 * q + 4, 0)
        }
        _ => {
            let q = g.saturating_sub(40).min(1);
            (6 * q + 1, 6 * q + 6, 0)
        }
    }
}

/// Earliest and latest day of one date; `None` when the year is entirely unspecified.
pub fn date_bounds(d: &EdtfDate) -> Option<(Day, Day)> {
    if d.year.unspecified {
        return None;
    }
    let (ylo, yhi) = (d.year.min, d.year.max);
    let day = |year: i64, month: u8, day: u8| Day { year, month, day };
    Some(match (d.month, d.day) {
        (None, _) => (day(ylo, 1, 1), day(yhi, 12, 31)),
        (Some(m), dd) => match m.value {
            MonthPart::Grouping(g) => {
                let (m1, m2, off) = grouping_months(g);
                let ey = yhi.saturating_add(off);
                (day(ylo, m1, 1), day(ey, m2, days_in_month(ey, m2)))
            }
            MonthPart::Month { min, max } => match dd {
                None => (day(ylo, min, 1), day(yhi, max, days_in_month(yhi, max))),
                Some(x) => (
                    day(ylo, min, x.min.min(days_in_month(ylo, min))),
                    day(yhi, max, x.max.min(days_in_month(yhi, max))),
                ),
            },
        },
    })
}

/// A refusal, before it is put into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Not EDTF syntax; the text says what was expected.
    Syntax(&'static str),
    /// `20050924`: basic format (no hyphens).
    BasicFormat,
    /// `Y1985`: the Y prefix with four digits or fewer.
    ShortYPrefix,
    /// `-0000`.
    NegativeZero,
    /// A month that does not exist (the two characters written).
    NoSuchMonth([u8; 2]),
    /// A day that does not exist in its month.
    NoSuchDay {
        year: Option<i64>,
        month: u8,
        day: [u8; 2],
    },
    /// `2001-21-03`
    GroupingWithDay,
    /// An impossible time of day.
    BadTime,
    /// A UTC offset beyond ±14:00.
    BadOffset,
    /// A year beyond what the catalogue can count.
    TooLarge,
    /// An interval or range whose end is before its start: byte positions of its start,
    /// of the separator (`/` or `..`, `len` long) and of its end.
    Reversed {
        start: usize,
        at: usize,
        len: usize,
        end: usize,
    },
    /// `[]`
    EmptySet,
}

impl Fault {
    /// Whether the text was recognisably EDTF and is refused for what it says (so reading
    /// it as free text must not be tried).
    pub(crate) fn is_final(self) -> bool {
        !matches!(self, Fault::Syntax(_))
    }

    pub(crate) fn kind(self) -> DateErrorKind {
        match self {
            Fault::NegativeZero
            | Fault::NoSuchMonth(_)
            | Fault::NoSuchDay { .. }
            | Fault::BadTime
            | Fault::BadOffset => DateErrorKind::Impossible,
            Fault::Reversed { .. } => DateErrorKind::Reversed,
            Fault::Syntax(_)
            | Fault::BasicFormat
            | Fault::ShortYPrefix
            | Fault::GroupingWithDay
            | Fault::TooLarge
            | Fault::EmptySet => DateErrorKind::Unrecognized,
        }
    }
}

const EDTF_HELP: &str = "write a date such as `1957-11-12`, `1957-11`, `1957`, `1957~` (approximate), \
     `1957?` (uncertain), `195X` (the 1950s) or `1957/1959` (from 1957 to 1959)";

/// Put a fault into words: (kind, reason, help). `edtf` is the EDTF text the fault was
/// found in (positions in the fault refer to it).
pub(crate) fn describe(f: Fault, edtf: &str) -> (DateErrorKind, String, String) {
    let kind = f.kind();
    let (reason, help) = match f {
        Fault::Syntax(why) => (
            format!("is not a date in a form we can read ({why})"),
            EDTF_HELP.to_string(),
        ),
        Fault::BasicFormat => {
            let parts = (edtf.get(0..4), edtf.get(4..6), edtf.get(6..8));
            let example = match parts {
                (Some(y), Some(m), Some(d)) => format!("`{y}-{m}-{d}`"),
                _ => "`1957-11-12`".to_string(),
            };
            (
                "is written without hyphens, so its year, month and day cannot be told apart"
                    .to_string(),
                format!("write it with hyphens, e.g. {example}"),
            )
        }
        Fault::ShortYPrefix => (
            "uses the `Y` prefix, which is only for years of more than four digits".to_string(),
            "write a year of up to four digits as it is, e.g. `1985`; keep `Y` for \
             `Y170000002`"
                .to_string(),
        ),
        Fault::NegativeZero => (
            "has a negative year zero, which does not exist".to_string(),
            "write `0000` for the year 1 BC, or `-0001` for 2 BC".to_string(),
        ),
        Fault::NoSuchMonth(m) => (
            format!(
                "is not a real date: there is no month {}",
                String::from_utf8_lossy(&m)
            ),
            "months run from `01` (January) to `12` (December), e.g. `1957-12-01` or \
             `December 1, 1957`; seasons are `21` (spring) to `24` (winter)"
                .to_string(),
        ),
        Fault::NoSuchDay { year, month, day } => {
            let day = String::from_utf8_lossy(&day).into_owned();
            match (year, months::english_name(month)) {
                (Some(y), Some(name)) => {
                    let last = days_in_month(y, month);
                    let ys = format_year(y);
                    (
                        format!(
                            "is not a real date: {name} {ys} has {last} days, so there is \
                             no day {day}"
                        ),
                        format!(
                            "write a day that exists, e.g. `{ys}-{month:02}-{last:02}` or \
                             `{name} {last}, {ys}`"
                        ),
                    )
                }
                (None, Some(name)) => (
                    format!("is not a real date: {name} has no day {day}"),
                    format!(
                        "write a day that exists in {name}, from `01` to `{:02}`",
                        days_in_month(2000, month)
                    ),
                ),
                _ => (
                    format!("is not a real date: no month has a day {day}"),
                    "days run from `01` to `31`, e.g. `1957-12-31` or `December 31, 1957`"
                        .to_string(),
                ),
            }
        }
        Fault::GroupingWithDay => (
            "gives a day within a season or other part of a year, which EDTF does not allow"
                .to_string(),
            "write the season alone, e.g. `2001-21` (spring 2001), or a full date such as \
             `2001-03-21`"
                .to_string(),
        ),
        Fault::BadTime => (
            "has a time of day that does not exist".to_string(),
            "write the time as hours:minutes:seconds from `00:00:00` to `23:59:59`, e.g. \
             `1985-04-12T23:20:30`"
                .to_string(),
        ),
        Fault::BadOffset => (
            "has a time-zone offset that does not exist (offsets run from -12:00 to +14:00)"
                .to_string(),
            "write e.g. `1985-04-12T23:20:30Z` (UTC) or `1985-04-12T23:20:30+04:30`".to_string(),
        ),
        Fault::TooLarge => (
            "has a year too large to be counted".to_string(),
            "write a year of at most 18 digits, e.g. `Y170000002`".to_string(),
        ),
        Fault::Reversed {
            start,
            at,
            len,
            end,
        } => {
            let parts = (
                edtf.get(..start),
                edtf.get(start..at),
                edtf.get(at..at + len),
                edtf.get(at + len..end),
                edtf.get(end..),
            );
            let swapped = match parts {
                (Some(pre), Some(a), Some(sep), Some(b), Some(post)) => {
                    format!("`{pre}{b}{sep}{a}{post}`")
                }
                _ => "`1957/1959`".to_string(),
            };
            (
                "ends before it starts".to_string(),
                format!("write the earlier date first, e.g. {swapped}"),
            )
        }
        Fault::EmptySet => (
            "is an empty list of dates".to_string(),
            "list at least one date, e.g. `[1667,1668]`".to_string(),
        ),
    };
    (kind, reason, help)
}

/// A year as EDTF writes it: four digits, `-` for negative years, `Y` beyond four digits.
pub fn format_year(y: i64) -> String {
    if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if (-9999..0).contains(&y) {
        format!("-{:04}", y.unsigned_abs())
    } else if y < 0 {
        format!("Y-{}", y.unsigned_abs())
    } else {
        format!("Y{y}")
    }
}

/// Parse `s` as EDTF.
pub(crate) fn parse(s: &str) -> Result<Edtf, Fault> {
    if s.is_empty() {
        return Err(Fault::Syntax("it is empty"));
    }
    if !s.is_ascii() {
        return Err(Fault::Syntax(
            "EDTF uses only digits and the signs - / . ? ~ % X",
        ));
    }
    let b = s.as_bytes();
    match b[0] {
        b'[' | b'{' => return parse_set(s),
        _ => {}
    }
    let mut slashes = b.iter().enumerate().filter(|(_, c)| **c == b'/');
    match (slashes.next(), slashes.next()) {
        (None, _) => parse_date(s, true).map(Edtf::Date),
        (Some(_), Some(_)) => Err(Fault::Syntax("an interval has exactly one `/`")),
        (Some((at, _)), None) => {
            let start = parse_end(&s[..at])?;
            let end = parse_end(&s[at + 1..])?;
            match (&start, &end) {
                (IntervalEnd::Date(_), _) | (_, IntervalEnd::Date(_)) => {}
                _ => return Err(Fault::Syntax("an interval needs at least one date")),
            }
            if let (IntervalEnd::Date(a), IntervalEnd::Date(b)) = (&start, &end) {
                check_order(a, b, (0, at, 1, s.len()))?;
            }
            Ok(Edtf::Interval(start, end))
        }
    }
}

fn check_order(
    a: &EdtfDate,
    b: &EdtfDate,
    (start, at, len, end): (usize, usize, usize, usize),
) -> Result<(), Fault> {
    if let (Some((a0, _)), Some((_, b1))) = (date_bounds(a), date_bounds(b))
        && a0 > b1
    {
        return Err(Fault::Reversed {
            start,
            at,
            len,
            end,
        });
    }
    Ok(())
}

fn parse_end(s: &str) -> Result<IntervalEnd, Fault> {
    match s {
        "" => Ok(IntervalEnd::Unknown),
        ".." => Ok(IntervalEnd::Open),
        _ => parse_date(s, false).map(IntervalEnd::Date),
    }
}

fn parse_set(s: &str) -> Result<Edtf, Fault> {
    let b = s.as_bytes();
    let (kind, close) = if b[0] == b'[' {
        (SetKind::OneOf, b']')
    } else {
        (SetKind::AllOf, b'}')
    };
    if b.len() < 2 || b[b.len() - 1] != close {
        return Err(Fault::Syntax("a list of dates is closed with `]` or `}`"));
    }
    let inner = &s[1..s.len() - 1];
    if inner.is_empty() {
        return Err(Fault::EmptySet);
    }
    let mut members = Vec::new();
    let mut offset = 1;
    for raw in inner.split(',') {
        // python-edtf's examples put a space after the comma (`[1667, 1668]`); allow it.
        let lead = raw.len() - raw.trim_start().len();
        let offset_here = offset + lead;
        let part = raw.trim();
        let m = if let Some(rest) = part.strip_prefix("..") {
            SetMember::OrEarlier(parse_date(rest, false)?)
        } else if let Some(rest) = part.strip_suffix("..") {
            SetMember::OrLater(parse_date(rest, false)?)
        } else if let Some(at) = part.find("..") {
            let a = parse_date(&part[..at], false)?;
            let z = parse_date(&part[at + 2..], false)?;
            check_order(
                &a,
                &z,
                (offset_here, offset_here + at, 2, offset_here + part.len()),
            )?;
            SetMember::Range(a, z)
        } else {
            SetMember::One(parse_date(part, false)?)
        };
        members.push(m);
        offset += raw.len() + 1;
    }
    Ok(Edtf::Set(kind, members))
}

fn qual_at(b: &[u8], i: usize) -> Option<Qualification> {
    match b.get(i) {
        Some(b'?') => Some(Qualification {
            uncertain: true,
            approximate: false,
        }),
        Some(b'~') => Some(Qualification {
            uncertain: false,
            approximate: true,
        }),
        Some(b'%') => Some(Qualification {
            uncertain: true,
            approximate: true,
        }),
        _ => None,
    }
}

fn digits_at(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn parse_u64(b: &[u8]) -> Result<u64, Fault> {
    let mut v: u64 = 0;
    for &c in b {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
            .ok_or(Fault::TooLarge)?;
    }
    Ok(v)
}

/// The years `value` stands for when only its first `sig` digits are significant.
fn significant_range(value: i64, sig: u64) -> Result<(i64, i64), Fault> {
    let abs = value.unsigned_abs();
    let ndigits = if abs == 0 { 1 } else { abs.ilog10() as u64 + 1 };
    if sig == 0 || sig > ndigits {
        return Err(Fault::Syntax(
            "the number after `S` must be between 1 and the number of digits of the year",
        ));
    }
    let unit = 10u64.pow((ndigits - sig) as u32);
    let lo = abs / unit * unit;
    let hi = lo + (unit - 1);
    let lo = i64::try_from(lo).map_err(|_| Fault::TooLarge)?;
    let hi = i64::try_from(hi).map_err(|_| Fault::TooLarge)?;
    Ok(if value < 0 { (-hi, -lo) } else { (lo, hi) })
}

/// The values 1..=limit whose two digits match `pat` (digits or `X`): (min, max).
fn pattern_range(pat: [u8; 2], limit: u8) -> Option<(u8, u8)> {
    if pat[0] != b'X' && pat[1] != b'X' {
        let v = (pat[0] - b'0') * 10 + (pat[1] - b'0');
        return (1..=limit).contains(&v).then_some((v, v));
    }
    let matches = |v: u8| {
        let d = [b'0' + v / 10, b'0' + v % 10];
        (pat[0] == b'X' || pat[0] == d[0]) && (pat[1] == b'X' || pat[1] == d[1])
    };
    let min = (1..=limit).find(|&v| matches(v))?;
    let max = (1..=limit).rev().find(|&v| matches(v))?;
    Some((min, max))
}

fn two(b: &[u8], i: usize) -> Option<[u8; 2]> {
    match (b.get(i), b.get(i + 1)) {
        (Some(&x), Some(&y))
            if (x.is_ascii_digit() || x == b'X') && (y.is_ascii_digit() || y == b'X') =>
        {
            Some([x, y])
        }
        _ => None,
    }
}

/// Parse one date (any level), with a time when `allow_time`.
fn parse_date(s: &str, allow_time: bool) -> Result<EdtfDate, Fault> {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut q = [Qualification::default(); 3];
    if b.is_empty() {
        return Err(Fault::Syntax("a date is missing"));
    }
    if digits_at(b, 0) >= 8 {
        return Err(Fault::BasicFormat);
    }
    if let Some(x) = qual_at(b, i) {
        q[0].add(x);
        i += 1;
    }
    // --- year ---
    let (ymin, ymax, unspecified, plain_year, y_prefixed);
    if b.get(i) == Some(&b'Y') {
        i += 1;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let nd = digits_at(b, i);
        if nd == 0 {
            return Err(Fault::Syntax("`Y` is followed by the digits of the year"));
        }
        let leading_zero = b[i] == b'0';
        let base = parse_u64(&b[i..i + nd])?;
        i += nd;
        let mut value = base;
        let mut has_exp = false;
        if b.get(i) == Some(&b'E') {
            i += 1;
            let ne = digits_at(b, i);
            if ne == 0 {
                return Err(Fault::Syntax("`E` is followed by the exponent"));
            }
            let e = parse_u64(&b[i..i + ne])?;
            i += ne;
            let e = u32::try_from(e).map_err(|_| Fault::TooLarge)?;
            let p = 10u64.checked_pow(e).ok_or(Fault::TooLarge)?;
            value = value.checked_mul(p).ok_or(Fault::TooLarge)?;
            has_exp = true;
        }
        let signed = if neg {
            -i128::from(value)
        } else {
            i128::from(value)
        };
        let value = i64::try_from(signed).map_err(|_| Fault::TooLarge)?;
        let mut range = (value, value);
        if b.get(i) == Some(&b'S') {
            i += 1;
            let ns = digits_at(b, i);
            if ns == 0 {
                return Err(Fault::Syntax(
                    "`S` is followed by the number of significant digits",
                ));
            }
            range = significant_range(value, parse_u64(&b[i..i + ns])?)?;
            i += ns;
        }
        if !has_exp && nd <= 4 {
            return Err(Fault::ShortYPrefix);
        }
        if !has_exp && leading_zero {
            return Err(Fault::Syntax(
                "a year written with `Y` does not start with 0",
            ));
        }
        if neg && value == 0 {
            return Err(Fault::NegativeZero);
        }
        (ymin, ymax) = range;
        unspecified = false;
        plain_year = false;
        y_prefixed = true;
    } else {
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let (Some(d01), Some(d23)) = (two(b, i), two(b, i + 2)) else {
            return Err(Fault::Syntax("a year has four digits, e.g. `1957`"));
        };
        let digits = [d01[0], d01[1], d23[0], d23[1]];
        i += 4;
        if b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(Fault::Syntax(
                "a year has four digits; longer years are written with `Y`, e.g. `Y170000002`",
            ));
        }
        let (mut lo, mut hi) = (0i64, 0i64);
        for &c in &digits {
            let (a, z) = if c == b'X' {
                (0, 9)
            } else {
                (i64::from(c - b'0'), i64::from(c - b'0'))
            };
            lo = lo * 10 + a;
            hi = hi * 10 + z;
        }
        let any_x = digits.contains(&b'X');
        if neg && hi == 0 {
            return Err(Fault::NegativeZero);
        }
        let mut range = if neg { (-hi, -lo) } else { (lo, hi) };
        if b.get(i) == Some(&b'S') {
            i += 1;
            let ns = digits_at(b, i);
            if ns == 0 || any_x {
                return Err(Fault::Syntax(
                    "`S` follows a year written in digits and gives how many are significant",
                ));
            }
            range = significant_range(range.0, parse_u64(&b[i..i + ns])?)?;
            i += ns;
        }
        (ymin, ymax) = range;
        unspecified = digits.iter().all(|&c| c == b'X');
        plain_year = !any_x;
        y_prefixed = false;
    }
    if let Some(x) = qual_at(b, i) {
        q[0].add(x);
        i += 1;
    }
    // --- month ---
    let mut month_raw = None;
    if i < n && !(allow_time && b[i] == b'T') {
        if y_prefixed {
            return Err(Fault::Syntax(
                "a year written with `Y` stands alone, without month or day",
            ));
        }
        if b[i] != b'-' {
            return Err(Fault::Syntax(
                "the year, month and day are separated by `-`",
            ));
        }
        i += 1;
        let left = qual_at(b, i);
        if let Some(x) = left {
            q[1].add(x);
            i += 1;
        }
        let Some(m) = two(b, i) else {
            return Err(Fault::Syntax("a month has two digits, e.g. `1957-03`"));
        };
        i += 2;
        if let Some(x) = qual_at(b, i) {
            q[0].add(x);
            q[1].add(x);
            i += 1;
        }
        month_raw = Some(m);
    }
    // --- day ---
    let mut day_raw = None;
    if month_raw.is_some() && i < n && b[i] != b'T' {
        if b[i] != b'-' {
            return Err(Fault::Syntax(
                "the year, month and day are separated by `-`",
            ));
        }
        i += 1;
        if let Some(x) = qual_at(b, i) {
            q[2].add(x);
            i += 1;
        }
        let Some(d) = two(b, i) else {
            return Err(Fault::Syntax("a day has two digits, e.g. `1957-03-05`"));
        };
        i += 2;
        if let Some(x) = qual_at(b, i) {
            q[0].add(x);
            q[1].add(x);
            q[2].add(x);
            i += 1;
        }
        day_raw = Some(d);
    }
    // --- time ---
    let mut time_raw = None;
    if i < n && b[i] == b'T' {
        if !allow_time {
            return Err(Fault::Syntax(
                "the dates of an interval or list are written without a time of day",
            ));
        }
        let qualified = q.iter().any(|x| x.uncertain || x.approximate);
        if day_raw.is_none() || qualified || !plain_year {
            return Err(Fault::Syntax(
                "a time of day follows a complete date, e.g. `1985-04-12T23:20:30`",
            ));
        }
        time_raw = Some(i + 1);
        i = n;
    }
    if i != n {
        return Err(Fault::Syntax("there is something after the date"));
    }
    // Syntax is complete: now validate what it says.
    let year = Year {
        min: ymin,
        max: ymax,
        unspecified,
        qualification: q[0],
    };
    let exact_year = (ymin == ymax).then_some(ymin);
    let month = match month_raw {
        None => None,
        Some(m) => {
            let value = if m.contains(&b'X') {
                let Some((min, max)) = pattern_range(m, 12) else {
                    return Err(Fault::NoSuchMonth(m));
                };
                MonthPart::Month { min, max }
            } else {
                let v = (m[0] - b'0') * 10 + (m[1] - b'0');
                match v {
                    1..=12 => MonthPart::Month { min: v, max: v },
                    21..=41 => {
                        if day_raw.is_some() {
                            return Err(Fault::GroupingWithDay);
                        }
                        MonthPart::Grouping(v)
                    }
                    _ => return Err(Fault::NoSuchMonth(m)),
                }
            };
            Some(Month {
                value,
                qualification: q[1],
            })
        }
    };
    let day = match (day_raw, month) {
        (None, _) => None,
        (Some(d), Some(m)) => {
            let (mmin, mmax) = match m.value {
                MonthPart::Month { min, max } => (min, max),
                MonthPart::Grouping(_) => return Err(Fault::GroupingWithDay),
            };
            // The most days any month in range can have (in any year in range).
            let limit = (mmin..=mmax)
                .map(|mm| match exact_year {
                    Some(y) => days_in_month(y, mm),
                    None if mm == 2 => 29,
                    None => days_in_month(2001, mm),
                })
                .max()
                .unwrap_or(31);
            let fault = Fault::NoSuchDay {
                year: exact_year.filter(|_| mmin == mmax),
                month: if mmin == mmax { mmin } else { 0 },
                day: d,
            };
            let Some((min, max)) = pattern_range(d, limit) else {
                return Err(fault);
            };
            Some(DayOfMonth {
                min,
                max,
                qualification: q[2],
            })
        }
        (Some(_), None) => return Err(Fault::Syntax("a day needs a month")),
    };
    let time = match time_raw {
        None => None,
        Some(t) => Some(parse_time(&b[t..])?),
    };
    Ok(EdtfDate {
        year,
        month,
        day,
        time,
    })
}

fn num2(b: &[u8], i: usize) -> Option<u8> {
    match (b.get(i), b.get(i + 1)) {
        (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
            Some((x - b'0') * 10 + (y - b'0'))
        }
        _ => None,
    }
}

fn parse_time(b: &[u8]) -> Result<Time, Fault> {
    const FORM: Fault = Fault::Syntax("a time is written `hh:mm:ss`, e.g. `23:20:30`");
    let (Some(hour), Some(b':'), Some(minute), Some(b':'), Some(second)) =
        (num2(b, 0), b.get(2), num2(b, 3), b.get(5), num2(b, 6))
    else {
        return Err(FORM);
    };
    let mut rest = &b[8..];
    // Decimal fractions of a second (ISO 8601-1), as edtf.js accepts: read and dropped.
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(FORM);
        }
        rest = &tail[n..];
    }
    let offset_minutes = match rest {
        [] => None,
        [b'Z'] => Some(0),
        [sign @ (b'+' | b'-'), ..] => {
            let oh = num2(rest, 1).ok_or(FORM)?;
            let om = match &rest[3..] {
                [] => 0,
                [b':', ..] if rest.len() == 6 => num2(rest, 4).ok_or(FORM)?,
                _ => return Err(FORM),
            };
            if om > 59 {
                return Err(Fault::BadOffset);
            }
            let total = i16::from(oh) * 60 + i16::from(om);
            if *sign == b'-' && total == 0 {
                // ISO 8601 writes UTC as `Z` or `+00:00`, never `-00:00`.
                return Err(Fault::BadOffset);
            }
            let signed = if *sign == b'-' { -total } else { total };
            if !(-12 * 60..=14 * 60).contains(&signed) {
                return Err(Fault::BadOffset);
            }
            Some(signed)
        }
        _ => return Err(FORM),
    };
    let end_of_day = hour == 24 && minute == 0 && second == 0;
    if (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
        return Err(Fault::BadTime);
    }
    Ok(Time {
        hour,
        minute,
        second,
        offset_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_rule_agrees_with_jiff() {
        for y in -9999..=9999i64 {
            let Ok(yy) = i16::try_from(y) else {
                continue;
            };
            let jiff = jiff::civil::Date::new(yy, 2, 1).map(|d| d.days_in_month());
            assert_eq!(
                jiff.ok(),
                Some(if is_leap_year(y) { 29 } else { 28 }),
                "{y}"
            );
        }
        assert_eq!(days_in_month(170_000_000, 2), 29);
        assert_eq!(days_in_month(170_000_002, 2), 28);
        assert_eq!(days_in_month(-170_000_000, 2), 29);
    }

    #[test]
    fn groupings_cover_whole_months() {
        for g in 21..=41u8 {
            let (a, b, off) = grouping_months(g);
            assert!((1..=12).contains(&a) && (1..=12).contains(&b), "{g}");
            assert!(off == 1 || a <= b, "{g}");
        }
        assert_eq!(grouping_months(33), (1, 3, 0));
        assert_eq!(grouping_months(36), (10, 12, 0));
        assert_eq!(grouping_months(39), (9, 12, 0));
        assert_eq!(grouping_months(41), (7, 12, 0));
    }

    #[test]
    fn qualification_reaches_the_right_components() {
        let Ok(Edtf::Date(d)) = parse("2004-06~-11") else {
            panic!()
        };
        let approx = |q: Qualification| q.approximate;
        assert!(approx(d.year.qualification));
        assert!(d.month.is_some_and(|m| approx(m.qualification)));
        assert!(d.day.is_some_and(|x| !approx(x.qualification)));
        let Ok(Edtf::Date(d)) = parse("?2004-06-~11") else {
            panic!()
        };
        assert!(d.year.qualification.uncertain && !d.year.qualification.approximate);
        assert!(
            d.month
                .is_some_and(|m| m.qualification == Qualification::default())
        );
        assert!(d.day.is_some_and(|x| approx(x.qualification)));
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant_range(1950, 2), Ok((1900, 1999)));
        assert_eq!(significant_range(-1950, 2), Ok((-1999, -1900)));
        assert!(significant_range(1950, 5).is_err());
        assert!(significant_range(1950, 0).is_err());
    }

    #[test]
    fn times_and_offsets() {
        assert!(parse("1985-04-12T23:20:30+14:00").is_ok());
        assert!(parse("1985-04-12T23:20:30-12:00").is_ok());
        assert_eq!(parse("1985-04-12T23:20:30+14:30"), Err(Fault::BadOffset));
        assert_eq!(parse("1985-04-12T23:60:30"), Err(Fault::BadTime));
        assert!(matches!(parse("1985-04T23:20:30"), Err(Fault::Syntax(_))));
        assert!(matches!(parse("1985-04-12T23:20"), Err(Fault::Syntax(_))));
    }
}
