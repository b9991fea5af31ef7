//! How the name and date rules fare on a catalogue that publishes its own reading: for each
//! name, the institution's display form and its own inverted heading; for each date, the
//! text and the institution's begin and end years. Shared by the example `corpus_measure`
//! (whole extracts, `docs/real-catalogue-corpus.md`) and the test `tests/it/real_corpus.rs`
//! (the committed samples under `tests/data/real/<institution>/`), so both count the same way.
//!
//! It exists because a heading can be wrong without any check seeing it: only a catalogue
//! that publishes both forms shows where the rules give a confident wrong answer. Every
//! difference falls into exactly one class, the first that fits, in the order of
//! [`classify_name`] and [`classify_date`]; the classes that are not errors are the ones
//! `docs/real-catalogue-names.md` and `docs/real-catalogue-dates.md` document for Tate.
//!
//! Hand-written (no crate does this): the comparison is this project's own audit rule.

use std::collections::BTreeMap;

use pipeline::normalize::dates::{Bound, DateErrorKind, DateInput, normalize_date};
use pipeline::normalize::names::{Agent, AgentKind, AuthorityIndex, resolve_agent};

/// One distinct name pair of an institution's catalogue.
pub struct NameRow {
    pub display: String,
    pub heading: String,
    pub count: u64,
    /// The institution's kind of agent (`Organization`, `corporate`, `Person`, ...; may be
    /// empty).
    pub kind: String,
}

impl NameRow {
    /// Whether the institution says the agent is a corporate body.
    pub fn is_organization(&self) -> bool {
        matches!(self.kind.as_str(), "Organization" | "corporate")
    }
}

/// One distinct date form with the institution's years (`None`: none given).
pub struct DateRow {
    pub text: String,
    pub begin: Option<i64>,
    pub end: Option<i64>,
    pub count: u64,
}

/// The data lines of a TSV with a header line (comments start with `#`).
fn data_lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
}

/// `display<TAB>heading<TAB>count[<TAB>...]` with a header line.
pub fn read_names(text: &str) -> Vec<NameRow> {
    data_lines(text)
        .map(|f| NameRow {
            display: f.first().unwrap_or(&"").to_string(),
            heading: f.get(1).unwrap_or(&"").to_string(),
            count: f.get(2).and_then(|c| c.parse().ok()).unwrap_or(1),
            kind: f.get(3).unwrap_or(&"").to_string(),
        })
        .collect()
}

/// `date_text<TAB>begin_year<TAB>end_year<TAB>count[<TAB>...]` with a header line.
pub fn read_dates(text: &str) -> Vec<DateRow> {
    data_lines(text)
        .map(|f| DateRow {
            text: f.first().unwrap_or(&"").to_string(),
            begin: f.get(1).and_then(|c| c.trim().parse().ok()),
            end: f.get(2).and_then(|c| c.trim().parse().ok()),
            count: f.get(3).and_then(|c| c.parse().ok()).unwrap_or(1),
        })
        .collect()
}

/// What became of one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameOutcome {
    /// Our heading is the institution's, character for character.
    Agree,
    /// A documented difference of convention, not an error.
    Legit(&'static str),
    /// Not inverted, and the pipeline says so with this finding.
    Finding(&'static str),
    /// The institution's two forms disagree in a way that leaves nothing to compare.
    Unjudged(&'static str),
    /// Our heading differs from the institution's, no finding, no documented class.
    Wrong(&'static str),
}

/// The finding the pipeline reports for a plain-text person name, if any
/// (`normalize::record`: N002 when it reads as an organization, else N005 when kept as
/// written). The one place to add a new name warning.
pub fn name_finding(agent: &Agent) -> Option<&'static str> {
    if agent.reads_as_organization {
        Some("N002")
    } else if agent.kept_as_written {
        Some("N005")
    } else if agent.unproven.is_some() {
        Some("N006")
    } else {
        None
    }
}

/// Lower-case alphanumeric words (punctuation and order ignored).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Periods and the spaces after them removed, spaces collapsed: `B. A. R.` = `B.A.R.` = `BAR`.
fn loose(s: &str) -> String {
    s.replace(". ", ".")
        .replace('.', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Terms of address, words of relationship and titles that RDA 9.19.1 places after the
/// forename and some catalogues before it or inside the family part.
const ADDITIONS: &[&str] = &[
    "sir", "dame", "lady", "lord", "baron", "baroness", "count", "countess", "comte", "comtesse",
    "mrs", "mr", "miss", "ms", "mme", "mlle", "madame", "dr", "rev", "reverend", "jr", "sr",
    "junior", "senior", "ii", "iii", "iv", "esq", "hon", "the", "elder", "younger", "prince",
    "princess", "duke", "duchess", "marquis", "marquise", "earl", "viscount", "bt", "ra", "fils",
    "père", "pere", "filho", "neto",
];

/// The text without its round-bracketed parts (`Bierstadt (Attributed to)` → `Bierstadt `):
/// an attribution qualifier or a real name in brackets is not part of the family name.
fn unbracketed(s: &str) -> String {
    let mut depth = 0usize;
    s.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

/// The words of the family part of a heading (before its first comma), additions and
/// bracketed qualifiers removed.
fn family(heading: &str) -> Vec<String> {
    let head = unbracketed(heading.split(',').next().unwrap_or(""));
    words(&head)
        .into_iter()
        .filter(|w| !ADDITIONS.contains(&w.as_str()))
        .collect()
}

/// Particles that some languages put before the family name in the heading and others after
/// the forename (RDA appendix F.11).
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "du", "des", "la", "le", "di", "da", "del", "della", "dei",
    "ten", "ter", "d", "l", "y", "zu", "dos", "das",
];

/// Classify our heading (`agent`, from the institution's display form) against the
/// institution's heading. The order of the checks is the order of precedence.
pub fn classify_name(display: &str, heading: &str, agent: &Agent) -> NameOutcome {
    use NameOutcome::*;
    let ours = agent.heading.as_str();
    if ours == heading {
        return Agree;
    }
    if ours.to_lowercase() == heading.to_lowercase() {
        return Legit(
            "capitals differ: the institution's heading changes the case of its display form",
        );
    }
    if loose(ours) == loose(heading) {
        return Legit("initials spaced (LC-PCC PS 8.5.6.1); the institution writes them otherwise");
    }
    if let Some(code) = name_finding(agent) {
        return Finding(code);
    }
    let (w_ours, w_display, w_heading) = (words(ours), words(display), words(heading));
    // A word both of the institution's forms have and ours has not: dropped, unless the
    // institution too treats it as a title (after the forename: `Stewart, Johnston, Admiral`;
    // `Eckhardt, Ferdinand Dr.`).
    let additions_of =
        |h: &str| -> Vec<String> { h.splitn(3, ',').nth(2).map(words).unwrap_or_default() };
    let after_family: Vec<String> = heading
        .split_once(',')
        .map(|(_, r)| words(r))
        .unwrap_or_default();
    let dropped: Vec<&String> = w_display
        .iter()
        .filter(|w| w_heading.contains(w) && !w_ours.contains(w))
        .collect();
    if !dropped.is_empty() {
        if ours.contains(',')
            && dropped.iter().all(|w| {
                additions_of(heading).contains(w)
                    || (ADDITIONS.contains(&w.as_str()) && after_family.contains(w))
            })
        {
            return Legit(
                "a title of rank or office left out of the heading and kept as a role \
                 (RDA 9.2.2.9); the institution writes it after the forename",
            );
        }
        return Wrong("a word of the name dropped");
    }
    let (f_ours, f_heading) = (family(ours), family(heading));
    if !heading.contains(',') {
        if ours.replacen(", ", " ", 1) == heading {
            return Legit(
                "family name first (Chinese, Japanese, Korean): the RDA heading has a comma after it",
            );
        }
        return Wrong("inverted, where the institution keeps the name direct");
    }
    if f_ours == f_heading {
        // A word of our forenames that the institution writes elsewhere than in its forenames
        // or family name: a term of address or title read as a forename (`Corsini, Prince
        // Tommaso`, `Barberini, Don Taddeo`). The institution's forenames are its part after
        // the family name that shares the most words with ours (the first of equals): NGA
        // also writes `Wells, Jr., Charles` and `Demidov, prince of San Donato, Anatoly`.
        let our_forenames = words(ours.split(',').nth(1).unwrap_or(""));
        let shared = |seg: &Vec<String>| our_forenames.iter().filter(|w| seg.contains(w)).count();
        let their_forenames =
            heading
                .split(',')
                .skip(1)
                .map(words)
                .fold(Vec::new(), |best: Vec<String>, seg| {
                    if shared(&seg) > shared(&best) {
                        seg
                    } else {
                        best
                    }
                });
        let their_family = words(heading.split(',').next().unwrap_or(""));
        if our_forenames.iter().any(|w| {
            w_heading.contains(w) && !their_forenames.contains(w) && !their_family.contains(w)
        }) {
            return Wrong("a term of address or title read as a forename");
        }
        if sorted(w_ours.clone()) == sorted(w_heading.clone()) {
            return Legit(
                "a term of address, word of relationship or title placed after the forename \
                 (RDA 9.19.1.2, 9.19.1.5); the institution puts it elsewhere",
            );
        }
        return Legit(
            "the family name agrees; the institution's heading and display form differ in \
             other words (middle names, initials, titles)",
        );
    }
    let strip = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|w| !PARTICLES.contains(&w.as_str()))
            .cloned()
            .collect()
    };
    if strip(&f_ours) == strip(&f_heading) {
        return Wrong("a prefix placed otherwise than the institution places it (RDA F.11)");
    }
    if !f_heading.iter().all(|w| w_display.contains(w)) {
        return Unjudged("the institution's family name is not in its display form");
    }
    Wrong("a different family name")
}

/// Our heading for a display form: the pipeline's reading of plain text (a person unless
/// the authority file says otherwise; here there is none).
pub fn our_agent(display: &str) -> std::sync::Arc<Agent> {
    resolve_agent(display, AgentKind::Person, None, &AuthorityIndex::empty())
}

/// Figures for one institution's names, over distinct pairs and over links (their counts).
#[derive(Default)]
pub struct NameFigures {
    pub distinct: u64,
    pub links: u64,
    /// Names the pipeline keeps as written with a finding (whatever their outcome).
    pub with_finding: (u64, u64),
    /// Agents the institution calls organizations: all, and those we invert as persons
    /// without a finding (distinct).
    pub organizations: (u64, u64),
    /// Outcome → (distinct, links, an example: display, institution's heading, ours).
    pub outcomes: BTreeMap<NameOutcome, (u64, u64, String)>,
}

impl NameFigures {
    fn count(&self, pick: impl Fn(&NameOutcome) -> bool) -> (u64, u64) {
        self.outcomes
            .iter()
            .filter(|(o, _)| pick(o))
            .fold((0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1))
    }
    pub fn agree(&self) -> (u64, u64) {
        self.count(|o| matches!(o, NameOutcome::Agree))
    }
    pub fn legit(&self) -> (u64, u64) {
        self.count(|o| matches!(o, NameOutcome::Legit(_)))
    }
    pub fn kept(&self) -> (u64, u64) {
        self.count(|o| matches!(o, NameOutcome::Finding(_)))
    }
    pub fn unjudged(&self) -> (u64, u64) {
        self.count(|o| matches!(o, NameOutcome::Unjudged(_)))
    }
    pub fn wrong(&self) -> (u64, u64) {
        self.count(|o| matches!(o, NameOutcome::Wrong(_)))
    }
}

/// A name row and what became of it.
pub struct NameResult<'a> {
    pub row: &'a NameRow,
    pub ours: String,
    pub finding: Option<&'static str>,
    pub outcome: NameOutcome,
}

/// Every row with a display form, classified.
pub fn name_results(rows: &[NameRow]) -> Vec<NameResult<'_>> {
    rows.iter()
        .filter(|r| !r.display.trim().is_empty() && !r.heading.trim().is_empty())
        .map(|row| {
            let agent = our_agent(&row.display);
            NameResult {
                row,
                ours: agent.heading.clone(),
                finding: name_finding(&agent),
                outcome: classify_name(&row.display, &row.heading, &agent),
            }
        })
        .collect()
}

pub fn measure_names(rows: &[NameRow]) -> NameFigures {
    let mut f = NameFigures::default();
    for r in name_results(rows) {
        f.distinct += 1;
        f.links += r.row.count;
        if r.finding.is_some() {
            f.with_finding.0 += 1;
            f.with_finding.1 += r.row.count;
        }
        if r.row.is_organization() {
            f.organizations.0 += 1;
            if r.finding.is_none() && r.ours.contains(',') && !r.row.heading.contains(',') {
                f.organizations.1 += 1;
            }
        }
        let e = f.outcomes.entry(r.outcome).or_default();
        if e.0 == 0 {
            e.2 = format!("{} | {} | {}", r.row.display, r.row.heading, r.ours);
        }
        e.0 += 1;
        e.1 += r.row.count;
    }
    f
}

/// What became of one date form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateOutcome {
    /// Our earliest and latest years are the institution's.
    Agree,
    /// A documented difference of convention, not an error.
    Legit(&'static str),
    /// Read, but one of the two readings has no year at one end (undated, open).
    Unaudited,
    /// Refused with this finding.
    Refused(&'static str),
    /// Read, and the years disagree beyond what the form allows: a silent misread unless
    /// the institution's own years contradict its text (classified by hand).
    Misread,
}

fn code(kind: DateErrorKind) -> &'static str {
    kind.code().as_str()
}

/// A year of EDTF's astronomical numbering (0 = 1 BCE) as museums count it (no year 0,
/// -1 = 1 BCE).
fn historical(year: i64) -> i64 {
    if year <= 0 { year - 1 } else { year }
}

/// Our reading of a date text: the EDTF and the earliest and latest years, or the finding.
pub fn our_date(text: &str) -> Result<(String, Option<i64>, Option<i64>), &'static str> {
    let year = |b: Bound| match b {
        Bound::Day(d) => Some(historical(d.year)),
        _ => None,
    };
    normalize_date(DateInput::Text(text))
        .map(|n| (n.edtf, year(n.earliest), year(n.latest)))
        .map_err(|e| code(e.kind))
}

/// Words by which a form names part of a period, read by the convention in the README's
/// "Dates" (thirds of a decade or century) where museums often use halves.
fn names_part_of_period(text: &str) -> bool {
    let t = text.to_lowercase();
    ["early", "mid", "late", "half", "quarter", "third"]
        .iter()
        .any(|w| t.contains(w))
}

/// The years a text states outright, if every number in it is a four-digit year (`1913`,
/// `1955-1957`), a decade (`1970s`) or an ordinal century (`19th century`): the first year
/// of the earliest and the last of the latest. `None` for anything else (a day, a month
/// number, an abbreviated year such as the `4` of `1843-4`, an era): those are not checked
/// this way.
pub fn literal_years(text: &str) -> Option<(i64, i64)> {
    let lower = text.to_lowercase();
    if lower.contains("bc") || lower.contains("b.c") {
        return None;
    }
    if let Some(years) = plain_years(&lower) {
        return Some(years);
    }
    let chars: Vec<char> = lower.chars().collect();
    let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let n: i64 = chars[start..i].iter().collect::<String>().parse().ok()?;
        let rest: String = chars[i..].iter().take(2).collect();
        let (a, b) =
            if ["st", "nd", "rd", "th"].contains(&rest.as_str()) && lower.contains("centur") {
                ((n - 1) * 100, (n - 1) * 100 + 99)
            } else if rest.starts_with('s') && i - start == 4 && n % 10 == 0 {
                (n, n + 9)
            } else if i - start == 4 {
                (n, n)
            } else {
                return None;
            };
        first = Some(first.map_or(a, |f: i64| f.min(a)));
        last = Some(last.map_or(b, |l: i64| l.max(b)));
    }
    first.zip(last)
}

/// A year or a range of years of one to four digits and nothing else but an era of the
/// common era (`960-1279`, `607`, `1-199 CE`): the years the text states.
fn plain_years(lower: &str) -> Option<(i64, i64)> {
    let mut t = lower.trim();
    for era in [" ce", " a.d.", " ad"] {
        t = t.strip_suffix(era).unwrap_or(t).trim_end();
    }
    let mut parts = t.splitn(2, ['-', '–']).map(str::trim);
    let year = |p: &str| {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
    };
    let a = year(parts.next()?)?;
    let b = match parts.next() {
        Some(p) => year(p)?,
        None => a,
    };
    (a <= b).then_some((a, b))
}

/// Classify our reading of `text` against the institution's years.
///
/// Tolerance: exact years, except that (a) a decade or century (`X` in the EDTF) may be
/// bounded one year otherwise at either end (`16th century`: 1500–1599; museums also write
/// 1499–1599 or 1501–1600); (b) an approximate or uncertain reading (`~`, `?`,
/// `%` in the EDTF) may be widened by the institution on either side (museums widen
/// `c.` by five or ten years; we do not, the qualifier stays in the EDTF); (c) a part of a
/// period (`late 18th century`) may be cut otherwise, as long as the two readings overlap.
/// Anything else that differs is a misread candidate.
pub fn classify_date(row: &DateRow) -> (DateOutcome, String) {
    match our_date(&row.text) {
        Err(code) => (DateOutcome::Refused(code), String::new()),
        Ok((edtf, Some(a), Some(b))) => {
            let (Some(begin), Some(end)) = (row.begin, row.end) else {
                return (DateOutcome::Unaudited, edtf);
            };
            if (a, b) == (begin, end) {
                return (DateOutcome::Agree, edtf);
            }
            if edtf.contains('X') && (a - begin).abs() <= 1 && (b - end).abs() <= 1 {
                return (
                    DateOutcome::Legit(
                        "a decade or century whose ends the institution counts one year otherwise",
                    ),
                    edtf,
                );
            }
            let approximate = edtf.contains(['~', '?', '%']);
            if approximate && begin <= a && b <= end {
                return (
                    DateOutcome::Legit(
                        "the institution widens an approximate date; we keep the qualifier instead",
                    ),
                    edtf,
                );
            }
            if names_part_of_period(&row.text) && a <= end && begin <= b {
                return (
                    DateOutcome::Legit(
                        "part of a period cut by another convention (README: thirds; museums: halves)",
                    ),
                    edtf,
                );
            }
            if literal_years(&row.text) == Some((a, b)) {
                return (
                    DateOutcome::Legit(
                        "the institution's years differ from the years the text states; ours are the text's",
                    ),
                    edtf,
                );
            }
            (DateOutcome::Misread, edtf)
        }
        Ok((edtf, _, _)) => (DateOutcome::Unaudited, edtf),
    }
}

/// Figures for one institution's dates, over distinct forms and over records.
#[derive(Default)]
pub struct DateFigures {
    pub distinct: u64,
    pub records: u64,
    /// Outcome → (distinct, records, an example: text, institution's years, ours).
    pub outcomes: BTreeMap<DateOutcome, (u64, u64, String)>,
}

impl DateFigures {
    fn count(&self, pick: impl Fn(&DateOutcome) -> bool) -> (u64, u64) {
        self.outcomes
            .iter()
            .filter(|(o, _)| pick(o))
            .fold((0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1))
    }
    pub fn refused(&self) -> (u64, u64) {
        self.count(|o| matches!(o, DateOutcome::Refused(_)))
    }
    pub fn misread(&self) -> (u64, u64) {
        self.count(|o| matches!(o, DateOutcome::Misread))
    }
    pub fn agree(&self) -> (u64, u64) {
        self.count(|o| matches!(o, DateOutcome::Agree))
    }
    pub fn legit(&self) -> (u64, u64) {
        self.count(|o| matches!(o, DateOutcome::Legit(_)))
    }
    pub fn unaudited(&self) -> (u64, u64) {
        self.count(|o| matches!(o, DateOutcome::Unaudited))
    }
}

/// Every date row, classified, with our EDTF (empty when refused).
pub fn date_results(rows: &[DateRow]) -> Vec<(&DateRow, DateOutcome, String)> {
    rows.iter()
        .filter(|r| !r.text.trim().is_empty())
        .map(|r| {
            let (o, edtf) = classify_date(r);
            (r, o, edtf)
        })
        .collect()
}

pub fn measure_dates(rows: &[DateRow]) -> DateFigures {
    let mut f = DateFigures::default();
    for (row, outcome, edtf) in date_results(rows) {
        f.distinct += 1;
        f.records += row.count;
        let e = f.outcomes.entry(outcome).or_default();
        if e.0 == 0 {
            e.2 = format!("{} | {:?}-{:?} | {edtf}", row.text, row.begin, row.end);
        }
        e.0 += 1;
        e.1 += row.count;
    }
    f
}
