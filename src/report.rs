//! The run report: what the catalogue looks like, as one self-contained HTML page
//! (`report.html`) and the same aggregates for machines (`report.json`).
//!
//! **Gathering.** The aggregates are collected in the run's one pass: a worker that has
//! normalized a record takes its [`Facts`] (moving the strings out of the record it is done
//! with, so nothing is copied), and the gathering thread adds them to the [`Aggregates`] in
//! unit order, so the report does not depend on the thread count. Memory is bounded: each
//! facet keeps an exact count for at most [`FACET_CAP`] distinct values, the first ones seen
//! in processing order; a value first seen after that is counted in the facet's `other`
//! (and the facet is marked `complete: false`). The timeline keeps one entry per year and per
//! decade that occurs, the findings list is capped at [`FINDINGS_CAP`] (the counts by code are
//! always complete), and the name clusters at [`NAMES_CAP`].
//!
//! **Timeline.** A record dated within one year (one decade) is counted in that bucket as
//! exact, or as approximate/uncertain when its EDTF carries `~`, `?` or `%`. A range that
//! covers several buckets is counted once in *each* bucket it covers ("range"): a bar is the
//! number of records that may date from that year. A date with an open or unknown end
//! (`before 1957`, `1957/..`) and an undated record are counted beside the chart, not in it.
//!
//! **Libraries.** The page is a [`maud`] template: HTML checked when the crate compiles
//! (unbalanced or misspelt markup does not build) and every interpolated value escaped, which
//! matters for a page that shows cataloguers' text. The charts are hand-written SVG (a few
//! `<rect>`s and `<text>`s per chart): plotters, charming and charts-rs render text as
//! positioned glyph runs without `<title>`/`role="img"`, pull in font handling (or
//! JavaScript, for charming) and make an offline page much larger; a bar chart with a title,
//! axis labels and a data table beside it is easier to keep accessible by hand.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use crate::diagnostics::Code;
use crate::normalize::dates::{Bound, NormalizedDate};
use crate::normalize::names::Agent;
use crate::record::{Record, Source};

/// The version of `report.json` (fields are only added within a version).
pub const FORMAT_VERSION: u32 = 1;
/// Distinct values counted exactly per facet; later new values are counted as `other`.
pub const FACET_CAP: usize = 10_000;
/// Values listed per facet.
pub const TOP: usize = 20;
/// Findings listed (all are counted).
pub const FINDINGS_CAP: usize = 1_000;
/// Name clusters listed.
pub const NAMES_CAP: usize = 200;
/// A timeline with more years than this is drawn by decade.
pub const MAX_YEARS: i64 = 60;
/// A timeline with more years than this is drawn by century.
pub const MAX_DECADE_YEARS: i64 = 1_500;
/// Years beyond ±9999 (EDTF long years) are counted, not drawn: the chart stays bounded.
pub const YEAR_LIMIT: i64 = 9_999;

/// The fields of a record whose completeness is measured, in the record format's order.
pub const FIELDS: [&str; 15] = [
    "id",
    "title",
    "date",
    "type",
    "summary",
    "creators",
    "recipients",
    "people",
    "places",
    "subjects",
    "languages",
    "source",
    "rights",
    "collections",
    "related",
];

/// The facets counted.
pub const FACETS: [&str; 6] = [
    "agents",
    "places",
    "subjects",
    "languages",
    "types",
    "collections",
];

/// A facet value taken from a record: moved out of it, or an agent shared with it.
pub enum Value {
    Text(String),
    Agent(Arc<Agent>),
}

impl Value {
    fn as_str(&self) -> &str {
        match self {
            Value::Text(t) => t,
            Value::Agent(a) => &a.heading,
        }
    }
}

/// What the report needs of one valid record.
pub struct Facts {
    /// Bit `i` set: the record has field [`FIELDS`]`[i]`.
    present: u16,
    date: DateFacts,
    /// (facet number in [`FACETS`], value); a value at most once per record and facet.
    values: Vec<(u8, Value)>,
}

enum DateFacts {
    Undated,
    Open,
    Span {
        first: i64,
        last: i64,
        qualified: bool,
    },
}

impl DateFacts {
    fn of(date: &NormalizedDate) -> DateFacts {
        let qualified = date.edtf.contains(['~', '?', '%']);
        match (&date.earliest, &date.latest) {
            (Bound::Day(e), Bound::Day(l)) => DateFacts::Span {
                first: e.year.min(l.year),
                last: l.year.max(e.year),
                qualified,
            },
            (Bound::Day(_), _) | (_, Bound::Day(_)) => DateFacts::Open,
            _ => DateFacts::Undated,
        }
    }
}

impl Facts {
    /// The facts of a record the caller is done with (its texts are moved out).
    pub fn take(record: &mut Record) -> Facts {
        let has = [
            !record.id.is_empty(),
            !record.title.is_empty(),
            !record.date_as_written.is_empty(),
            !record.kind.is_empty(),
            !record.summary.is_empty(),
            !record.creators.is_empty(),
            !record.recipients.is_empty(),
            !record.people.is_empty(),
            !record.places.is_empty(),
            !record.subjects.is_empty(),
            !record.languages.is_empty(),
            match &record.source {
                None => false,
                Some(Source::Text(t)) => !t.is_empty(),
                Some(Source::Archive { archive, .. }) => !archive.is_empty(),
            },
            record.rights.as_ref().is_some_and(|r| !r.is_empty()),
            !record.collections.is_empty(),
            !record.related.is_empty(),
        ];
        let present = has
            .iter()
            .enumerate()
            .fold(0u16, |bits, (i, &h)| bits | (u16::from(h) << i));
        let mut values: Vec<(u8, Value)> = Vec::new();
        let mut push = |facet: u8, value: Value| {
            if !values
                .iter()
                .any(|(f, v)| *f == facet && v.as_str() == value.as_str())
            {
                values.push((facet, value));
            }
        };
        for agent in record
            .creators
            .iter()
            .chain(&record.recipients)
            .chain(&record.people)
        {
            push(0, Value::Agent(Arc::clone(agent)));
        }
        for place in std::mem::take(&mut record.places) {
            push(1, Value::Text(place));
        }
        for subject in std::mem::take(&mut record.subjects) {
            push(2, Value::Text(subject));
        }
        for language in std::mem::take(&mut record.languages) {
            push(3, Value::Text(language));
        }
        if !record.kind.is_empty() {
            push(4, Value::Text(std::mem::take(&mut record.kind)));
        }
        for c in std::mem::take(&mut record.collections) {
            push(5, Value::Text(c.id));
        }
        Facts {
            present,
            date: DateFacts::of(&record.date),
            values,
        }
    }
}

/// Counts of one facet: exact for the first [`FACET_CAP`] distinct values.
#[derive(Debug, Default)]
struct FacetCounts {
    counts: HashMap<String, u64, foldhash::fast::RandomState>,
    other: u64,
}

impl FacetCounts {
    fn add(&mut self, value: &str) {
        if let Some(n) = self.counts.get_mut(value) {
            *n += 1;
        } else if self.counts.len() < FACET_CAP {
            self.counts.insert(value.to_string(), 1);
        } else {
            self.other += 1;
        }
    }

    fn merge(&mut self, other: FacetCounts) {
        for (value, n) in other.counts {
            if let Some(m) = self.counts.get_mut(&value) {
                *m += n;
            } else if self.counts.len() < FACET_CAP {
                self.counts.insert(value, n);
            } else {
                self.other += n;
            }
        }
        self.other += other.other;
    }
}

/// Records per bucket (a year or a decade): within it (exact or qualified), and ranges that
/// cover it, as a difference array (+1 where a range starts, -1 after it ends).
#[derive(Debug, Default)]
struct Buckets {
    exact: BTreeMap<i64, u64>,
    qualified: BTreeMap<i64, u64>,
    range_delta: BTreeMap<i64, i64>,
}

impl Buckets {
    fn add(&mut self, first: i64, last: i64, qualified: bool) {
        if first == last {
            let map = if qualified {
                &mut self.qualified
            } else {
                &mut self.exact
            };
            *map.entry(first).or_default() += 1;
        } else {
            *self.range_delta.entry(first).or_default() += 1;
            *self.range_delta.entry(last + 1).or_default() -= 1;
        }
    }

    fn merge(&mut self, other: Buckets) {
        for (mine, theirs) in [
            (&mut self.exact, other.exact),
            (&mut self.qualified, other.qualified),
        ] {
            for (k, n) in theirs {
                *mine.entry(k).or_default() += n;
            }
        }
        for (k, d) in other.range_delta {
            *self.range_delta.entry(k).or_default() += d;
        }
    }

    fn bounds(&self) -> Option<(i64, i64)> {
        let within = || self.exact.keys().chain(self.qualified.keys()).copied();
        // A range's -1 sits one past its last bucket.
        let min = within().chain(self.range_delta.keys().copied()).min()?;
        let max = within()
            .chain(self.range_delta.keys().map(|k| k - 1))
            .max()?;
        Some((min, max.max(min)))
    }

    /// Every bucket from the first to the last, with its three counts.
    fn rows(&self, label: impl Fn(i64) -> String) -> Vec<TimelineBucket> {
        let Some((min, max)) = self.bounds() else {
            return Vec::new();
        };
        let mut rows = Vec::with_capacity((max - min + 1) as usize);
        let mut running: i64 = 0;
        let mut deltas = self.range_delta.range(min..).peekable();
        for b in min..=max {
            while let Some(&(&k, &d)) = deltas.peek() {
                if k > b {
                    break;
                }
                running += d;
                deltas.next();
            }
            rows.push(TimelineBucket {
                start: b,
                label: label(b),
                exact: self.exact.get(&b).copied().unwrap_or(0),
                approximate: self.qualified.get(&b).copied().unwrap_or(0),
                range: running.max(0) as u64,
            });
        }
        rows
    }
}

/// The aggregates of a run, fed record by record.
#[derive(Debug, Default)]
pub struct Aggregates {
    records: u64,
    present: [u64; FIELDS.len()],
    facets: [FacetCounts; FACETS.len()],
    years: Buckets,
    decades: Buckets,
    centuries: Buckets,
    outside: u64,
    dated: u64,
    single_year: u64,
    ranges: u64,
    qualified: u64,
    open: u64,
    undated: u64,
    /// The name clusters (N001) of the run.
    pub names: Vec<NameCluster>,
}

impl Aggregates {
    /// Add one valid record's facts.
    pub fn add(&mut self, facts: Facts) {
        self.records += 1;
        for (i, n) in self.present.iter_mut().enumerate() {
            *n += u64::from(facts.present >> i & 1);
        }
        for (facet, value) in &facts.values {
            self.facets[usize::from(*facet)].add(value.as_str());
        }
        match facts.date {
            DateFacts::Undated => self.undated += 1,
            DateFacts::Open => self.open += 1,
            DateFacts::Span {
                first,
                last,
                qualified,
            } => {
                self.dated += 1;
                if first == last {
                    self.single_year += 1;
                } else {
                    self.ranges += 1;
                }
                self.qualified += u64::from(qualified);
                if first < -YEAR_LIMIT || last > YEAR_LIMIT {
                    self.outside += 1;
                    return;
                }
                self.years.add(first, last, qualified);
                for (buckets, width) in [(&mut self.decades, 10), (&mut self.centuries, 100)] {
                    let start = |y: i64| y.div_euclid(width) * width;
                    buckets.add(start(first), start(last), qualified);
                }
            }
        }
    }

    /// Add the aggregates of another catalogue checked in the same run (`validate` of paths
    /// in two catalogues).
    pub fn merge(&mut self, other: Aggregates) {
        self.records += other.records;
        for (n, m) in self.present.iter_mut().zip(other.present) {
            *n += m;
        }
        for (mine, theirs) in self.facets.iter_mut().zip(other.facets) {
            mine.merge(theirs);
        }
        for (mine, theirs) in [
            (&mut self.years, other.years),
            (&mut self.decades, other.decades),
            (&mut self.centuries, other.centuries),
        ] {
            mine.merge(theirs);
        }
        self.outside += other.outside;
        self.dated += other.dated;
        self.single_year += other.single_year;
        self.ranges += other.ranges;
        self.qualified += other.qualified;
        self.open += other.open;
        self.undated += other.undated;
        self.names.extend(other.names);
    }
}

/// One cluster of spellings of a name (N001).
#[derive(Debug, Clone, Serialize)]
pub struct NameCluster {
    pub kind: String,
    /// The authority entry suggested: the most frequent spelling.
    pub suggested: String,
    /// Spelling and count, most frequent first.
    pub spellings: Vec<(String, usize)>,
}

impl NameCluster {
    /// The cluster of a variant group.
    pub fn of<L>(group: &crate::normalize::names::fingerprint::VariantGroup<L>) -> NameCluster {
        NameCluster {
            kind: group.kind.as_str().to_string(),
            suggested: group.suggested.preferred.clone(),
            spellings: group
                .spellings
                .iter()
                .map(|s| (s.spelling.clone(), s.count))
                .collect(),
        }
    }
}

/// Where and how the run was made.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub command: String,
    pub tool_version: String,
    pub input: String,
    pub output: Option<String>,
    pub schema: String,
    pub elapsed_seconds: f64,
}

// ---------------------------------------------------------------------------------------
// The report document: what report.json holds and report.html shows.

#[derive(Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub run: RunInfo,
    pub summary: crate::render::Summary,
    pub findings: FindingsPart,
    pub completeness: CompletenessPart,
    pub timeline: TimelinePart,
    pub facets: BTreeMap<String, FacetPart>,
    pub names: NamesPart,
}

#[derive(Debug, Serialize)]
pub struct CodeCount {
    pub code: String,
    pub severity: String,
    pub count: usize,
    /// The code's name in `docs/codes.md` (`name-variants`).
    pub title: String,
    /// The first sentence of the code's explanation (`pipeline explain CODE`).
    pub meaning: String,
}

#[derive(Debug, Serialize)]
pub struct ListedFinding {
    pub code: String,
    pub severity: String,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FindingsPart {
    pub total: usize,
    pub by_code: Vec<CodeCount>,
    /// The first [`FINDINGS_CAP`] findings, sorted by file and position.
    pub listed: Vec<ListedFinding>,
    pub omitted: usize,
}

#[derive(Debug, Serialize)]
pub struct FieldCompleteness {
    pub field: String,
    pub present: u64,
    pub missing: u64,
    /// Percentage of valid records with the field, one decimal.
    pub percent: f64,
}

#[derive(Debug, Serialize)]
pub struct CompletenessPart {
    /// Valid records (the ones measured).
    pub records: u64,
    pub fields: Vec<FieldCompleteness>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineBucket {
    pub start: i64,
    pub label: String,
    /// Records dated within the bucket, without qualifier.
    pub exact: u64,
    /// Records dated within the bucket, approximate or uncertain (`~`, `?`, `%`).
    pub approximate: u64,
    /// Records whose range covers this bucket and others.
    pub range: u64,
}

#[derive(Debug, Serialize)]
pub struct TimelinePart {
    /// `year`, `decade` or `century`.
    pub granularity: String,
    pub dated: u64,
    pub single_year: u64,
    pub ranges: u64,
    pub approximate_or_uncertain: u64,
    pub open_ended: u64,
    pub undated: u64,
    /// Dated records with a year beyond ±[`YEAR_LIMIT`]: counted in `dated`, not drawn.
    pub outside_range: u64,
    pub buckets: Vec<TimelineBucket>,
}

#[derive(Debug, Serialize)]
pub struct FacetPart {
    /// Distinct values counted exactly.
    pub distinct: usize,
    /// Whether every value was counted exactly (no more than [`FACET_CAP`] distinct).
    pub complete: bool,
    /// Mentions of values first seen after the cap.
    pub other: u64,
    /// The most frequent, by records (ties by value).
    pub top: Vec<(String, u64)>,
    /// What a listed value means, where the value is a code: a language's English name, a
    /// collection's title.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct OrgWarning {
    pub name: String,
    pub count: usize,
    /// The first place it was written, `file:line:col`.
    pub first: String,
}

#[derive(Debug, Serialize)]
pub struct NamesPart {
    pub clusters_total: usize,
    pub clusters: Vec<NameCluster>,
    pub organizations: Vec<OrgWarning>,
}

/// The first line of a code's explanation, without the `## CODE` heading.
fn code_title(code: Code) -> String {
    crate::diagnostics::explanation(code)
        .and_then(|t| t.lines().next())
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .trim_start_matches(code.as_str())
                .trim_start_matches([' ', ':', '-', '—', '–'])
                .to_string()
        })
        .unwrap_or_default()
}

/// The first sentence of a code's "What it means", without "(Warning.)".
fn code_meaning(code: Code) -> String {
    let text = crate::diagnostics::explanation(code).unwrap_or_default();
    let Some(start) = text.find("**What it means.**") else {
        return String::new();
    };
    let rest = text[start + "**What it means.**".len()..]
        .trim_start()
        .trim_start_matches("(Warning.)")
        .trim_start();
    let end = rest
        .find(". ")
        .or_else(|| rest.find(".\n"))
        .map_or(rest.len(), |i| i + 1);
    rest[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn location(f: &ListedFinding) -> String {
    match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", f.file),
        _ => f.file.clone(),
    }
}

/// Build the report from the run's aggregates and its (sorted) findings.
pub fn build(
    aggregates: &Aggregates,
    findings: &[crate::diagnostics::Finding],
    collections: &[crate::crosscheck::Collection],
    summary: crate::render::Summary,
    run: RunInfo,
) -> Report {
    let mut by_code: BTreeMap<Code, usize> = BTreeMap::new();
    for f in findings {
        *by_code.entry(f.code).or_default() += 1;
    }
    let mut by_code: Vec<CodeCount> = by_code
        .into_iter()
        .map(|(code, count)| CodeCount {
            code: code.as_str().to_string(),
            severity: code.severity().as_str().to_string(),
            count,
            title: code_title(code),
            meaning: code_meaning(code),
        })
        .collect();
    by_code.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
    let listed = findings
        .iter()
        .take(FINDINGS_CAP)
        .map(|f| ListedFinding {
            code: f.code.as_str().to_string(),
            severity: f.severity.as_str().to_string(),
            file: f.file.display().to_string(),
            line: f.location.map(|l| l.line),
            column: f.location.map(|l| l.col),
            message: f.message.clone(),
            help: f.help.clone(),
        })
        .collect();

    let records = aggregates.records;
    let percent = |n: u64| {
        if records == 0 {
            0.0
        } else {
            (n as f64 * 1000.0 / records as f64).round() / 10.0
        }
    };
    let fields = FIELDS
        .iter()
        .zip(aggregates.present)
        .map(|(field, present)| FieldCompleteness {
            field: (*field).to_string(),
            present,
            missing: records - present,
            percent: percent(present),
        })
        .collect();

    let span = aggregates.years.bounds().map_or(0, |(a, b)| b - a);
    let (granularity, buckets) = if span < MAX_YEARS {
        ("year", aggregates.years.rows(|y| y.to_string()))
    } else if span < MAX_DECADE_YEARS {
        let mut rows = aggregates.decades.rows(|d| format!("{d}s"));
        // The rows of the bucket starts only (every tenth year).
        rows.retain(|r| r.start.rem_euclid(10) == 0);
        ("decade", rows)
    } else {
        let mut rows = aggregates.centuries.rows(|c| format!("{c}–{}", c + 99));
        rows.retain(|r| r.start.rem_euclid(100) == 0);
        ("century", rows)
    };

    let facets = FACETS
        .iter()
        .zip(&aggregates.facets)
        .map(|(name, counts)| {
            let mut top: Vec<(String, u64)> =
                counts.counts.iter().map(|(v, n)| (v.clone(), *n)).collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            top.truncate(TOP);
            let labels = top
                .iter()
                .filter_map(|(v, _)| {
                    let label = match *name {
                        "languages" => isolang::Language::from_639_1(v)
                            .or_else(|| isolang::Language::from_639_3(v))
                            .map(|l| l.to_name().to_string()),
                        "collections" => collections
                            .iter()
                            .find(|c| c.id == *v)
                            .map(|c| c.title.clone()),
                        _ => None,
                    };
                    label.map(|l| (v.clone(), l))
                })
                .collect();
            (
                (*name).to_string(),
                FacetPart {
                    distinct: counts.counts.len(),
                    complete: counts.other == 0,
                    other: counts.other,
                    top,
                    labels,
                },
            )
        })
        .collect();

    let mut organizations: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.code == Code::LooksLikeOrganization)
    {
        let name = f.message.split('`').nth(1).unwrap_or_default().to_string();
        let place = match f.location {
            Some(l) => format!("{}:{}:{}", f.file.display(), l.line, l.col),
            None => f.file.display().to_string(),
        };
        let e = organizations.entry(name).or_insert((0, place));
        e.0 += 1;
    }
    let mut organizations: Vec<OrgWarning> = organizations
        .into_iter()
        .map(|(name, (count, first))| OrgWarning { name, count, first })
        .collect();
    organizations.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    organizations.truncate(NAMES_CAP);
    let mut clusters = aggregates.names.clone();
    let total = |c: &NameCluster| c.spellings.iter().map(|s| s.1).sum::<usize>();
    clusters.sort_by(|a, b| {
        total(b)
            .cmp(&total(a))
            .then_with(|| a.suggested.cmp(&b.suggested))
    });
    let clusters_total = clusters.len();
    clusters.truncate(NAMES_CAP);

    Report {
        version: FORMAT_VERSION,
        run,
        summary,
        findings: FindingsPart {
            total: findings.len(),
            by_code,
            listed,
            omitted: findings.len().saturating_sub(FINDINGS_CAP),
        },
        completeness: CompletenessPart { records, fields },
        timeline: TimelinePart {
            granularity: granularity.to_string(),
            outside_range: aggregates.outside,
            dated: aggregates.dated,
            single_year: aggregates.single_year,
            ranges: aggregates.ranges,
            approximate_or_uncertain: aggregates.qualified,
            open_ended: aggregates.open,
            undated: aggregates.undated,
            buckets,
        },
        facets,
        names: NamesPart {
            clusters_total,
            clusters,
            organizations,
        },
    }
}

/// `report.json`: the report, pretty-printed, with a final newline.
pub fn to_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// Write `report.html` and `report.json` (the JSON beside the HTML, with its stem) through
/// `write(name, bytes)`.
pub fn write_both(
    report: &Report,
    html_name: &str,
    mut write: impl FnMut(&str, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write(html_name, to_html(report).as_bytes())?;
    write(&json_name(html_name), to_json(report).as_bytes())
}

/// The JSON file's name beside the HTML file `html`: `report.html` → `report.json`.
/// `run --report NAME`, checked when the arguments are read (not after the whole run): a
/// plain file name for the page in the output folder, whose JSON (`json_name`) is another
/// name, neither of them one of the outputs.
pub fn check_page_name(name: &str) -> Result<String, String> {
    let json = json_name(name);
    if !crate::publish::extra_name(name) || !crate::publish::extra_name(&json) {
        return Err(format!(
            "`{name}` is not a plain file name for the report in the output folder (e.g. \
             report.html), or it is one of the folder's other files"
        ));
    }
    if json == name {
        return Err(format!(
            "`{name}`: name the HTML page (e.g. report.html); the JSON is written beside it"
        ));
    }
    Ok(name.to_string())
}

pub fn json_name(html: &str) -> String {
    let path = Path::new(html);
    path.with_extension("json").to_string_lossy().into_owned()
}

// ---------------------------------------------------------------------------------------
// The page.

/// Okabe–Ito colours (safe for the common colour-vision deficiencies).
const BLUE: &str = "#0072B2";
const SKY: &str = "#56B4E9";
const ORANGE: &str = "#E69F00";
const VERMILLION: &str = "#D55E00";
const GREEN: &str = "#009E73";

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  margin: 0 auto; max-width: 62rem; padding: 1rem 1.5rem 3rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
nav a { margin-right: .9rem; }
a { color: #005a8c; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; }
.card { border: 1px solid #c9d3dc; border-radius: 6px; padding: .45rem .8rem; min-width: 7rem; }
.card b { display: block; font-size: 1.5rem; }
.card.bad b { color: #b34700; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #dde3e8; padding: .2rem .6rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th[data-sort] { cursor: pointer; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; word-break: break-all; }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1b1b1b; }
svg .title { font-weight: 600; font-size: 13px; }
details { margin: .3rem 0 1rem; }
summary { cursor: pointer; color: #005a8c; }
.facets { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 0 1.5rem; }
.finding { margin: .25rem 0 .5rem; }
.finding code.loc { font-weight: 600; }
.sev-error { color: #b34700; font-weight: 600; }
.sev-warning { color: #7a5a00; font-weight: 600; }
.help { color: #44515c; margin-left: 1.2rem; }
.note { color: #44515c; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .8rem; vertical-align: middle; }
@media print { nav, summary { display: none; } details { display: block; } details > * { display: block; }
  h2 { break-after: avoid; } svg, table { break-inside: avoid; } a { color: inherit; } }
"#;

/// Sorting a table by a header click, and opening the tables to print; the page reads the
/// same without it.
const SCRIPT: &str = r#"
document.querySelectorAll('th[data-sort]').forEach(function (th) {
  th.title = 'sort';
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], i = th.cellIndex;
    var num = th.classList.contains('n'), asc = th.dataset.dir !== 'asc';
    th.dataset.dir = asc ? 'asc' : 'desc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[i].textContent, y = b.cells[i].textContent;
      var c = num ? parseFloat(x.replace(/[^0-9.-]/g, '')) - parseFloat(y.replace(/[^0-9.-]/g, ''))
        : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
// Printed, every table is shown.
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
"#;

/// A horizontal bar chart: a label and a value per row, the bar's length the value over
/// `max`. Accessible: `role="img"`, a `<title>`, an axis label; the numbers are in the
/// table that follows every chart.
fn hbars(
    id: &str,
    title: &str,
    axis: &str,
    rows: &[(String, f64, String, &str, Option<String>)],
    max: f64,
) -> Markup {
    let label_w = 190.0;
    let bar_w = 440.0;
    let row_h = 20.0;
    let top = 28.0;
    let height = top + row_h * rows.len() as f64 + 34.0;
    let width = label_w + bar_w + 70.0;
    let max = if max > 0.0 { max } else { 1.0 };
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=(format!("{id}-t"))
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) {
            title id=(format!("{id}-t")) { (title) }
            text class="title" x="0" y="16" { (title) }
            @for (i, (label, value, shown, colour, link)) in rows.iter().enumerate() {
                @let y = top + row_h * i as f64;
                @let w = (value / max * bar_w).max(if *value > 0.0 { 1.5 } else { 0.0 });
                @if let Some(href) = link {
                    a href=(href) {
                        text x=(label_w - 8.0) y=(y + 14.0) text-anchor="end" { (truncate(label, 30)) }
                    }
                } @else {
                    text x=(label_w - 8.0) y=(y + 14.0) text-anchor="end" { (truncate(label, 30)) }
                }
                rect x=(label_w) y=(y + 3.0) width=(format!("{w:.1}")) height=(row_h - 6.0) fill=(colour) {
                    title { (label) ": " (shown) }
                }
                text x=(label_w + w + 5.0) y=(y + 14.0) { (shown) }
            }
            line x1=(label_w) x2=(label_w) y1=(top) y2=(top + row_h * rows.len() as f64) stroke="#555" {}
            text x=(label_w + bar_w / 2.0) y=(height - 8.0) text-anchor="middle" { (axis) }
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The timeline as stacked columns: exact, approximate or uncertain, range.
fn timeline_chart(t: &TimelinePart) -> Markup {
    let columns = t.buckets.len().max(1) as f64;
    let left = 64.0;
    let plot_w = 640.0;
    let plot_h = 200.0;
    let top = 30.0;
    let col_w = plot_w / columns;
    let max = t
        .buckets
        .iter()
        .map(|b| b.exact + b.approximate + b.range)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let height = top + plot_h + 60.0;
    let width = left + plot_w + 10.0;
    let unit = unit(&t.granularity);
    // Label every bucket when there is room, else about twelve of them.
    let every = ((columns / 12.0).ceil() as usize).max(1);
    let title = format!("Records per {}", t.granularity);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-t"
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) {
            title id="timeline-t" { (title) }
            text class="title" x="0" y="16" { (title) }
            line x1=(left) x2=(left + plot_w) y1=(top + plot_h) y2=(top + plot_h) stroke="#555" {}
            line x1=(left) x2=(left) y1=(top) y2=(top + plot_h) stroke="#555" {}
            @for tick in ticks(max as u64) {
                @let y = top + plot_h - tick as f64 / max * plot_h;
                line x1=(left) x2=(left + plot_w) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) stroke="#dde3e8" {}
                text x=(left - 6.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" { (n(tick)) }
            }
            text x="12" y=(top + plot_h / 2.0) text-anchor="middle"
                transform=(format!("rotate(-90 12 {})", top + plot_h / 2.0)) { "Records" }
            @for (i, b) in t.buckets.iter().enumerate() {
                @let x = left + col_w * i as f64;
                @for (y, h, value, colour, what) in stack(b, top + plot_h, plot_h / max) {
                    rect x=(format!("{:.1}", x + col_w * 0.1)) y=(format!("{y:.1}")) width=(format!("{:.1}", col_w * 0.8)) height=(format!("{h:.1}")) fill=(colour) {
                        title { (b.label) ": " (value) " " (what) }
                    }
                }
                @if i % every == 0 {
                    text x=(format!("{:.1}", x + col_w / 2.0)) y=(top + plot_h + 14.0) text-anchor="middle" { (b.label) }
                }
            }
            text x=(left + plot_w / 2.0) y=(height - 12.0) text-anchor="middle" { (unit) }
        }
    }
}

/// The stacked segments of a timeline column whose base is at `base`, `scale` pixels per
/// record: (top, height, records, colour, what), bottom up.
fn stack(
    b: &TimelineBucket,
    base: f64,
    scale: f64,
) -> Vec<(f64, f64, u64, &'static str, &'static str)> {
    let mut y = base;
    let mut out = Vec::new();
    for (value, colour, what) in [
        (b.exact, BLUE, "exact"),
        (b.approximate, ORANGE, "approximate or uncertain"),
        (b.range, SKY, "range"),
    ] {
        if value > 0 {
            let h = value as f64 * scale;
            y -= h;
            out.push((y, h, value, colour, what));
        }
    }
    out
}

/// Axis ticks from 0 to `max`: a step of 1, 2 or 5 times a power of ten, at most 6 ticks.
fn ticks(max: u64) -> Vec<u64> {
    let mut step = 1u64;
    'find: loop {
        for m in [1, 2, 5] {
            if max / (step * m) <= 5 {
                step *= m;
                break 'find;
            }
        }
        step *= 10;
    }
    (0..=max / step).map(|i| i * step).collect()
}

/// A table whose first `text` columns are text and the others numbers (right-aligned).
fn num_table(headers: &[&str], text: usize, rows: Vec<Vec<String>>) -> Markup {
    html! {
        table {
            thead { tr { @for (i, h) in headers.iter().enumerate() {
                @if i >= text { th.n data-sort="" scope="col" { (h) } } @else { th data-sort="" scope="col" { (h) } }
            } } }
            tbody { @for row in rows { tr { @for (i, c) in row.iter().enumerate() {
                @if i >= text { td.n { (c) } } @else { td { (c) } }
            } } } }
        }
    }
}

/// A count with thousands separators (`1,000,000`), for people; report.json has plain numbers.
fn n(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn pct(v: f64) -> String {
    format!("{v:.1} %")
}

/// Where `explain` text for a code is: the published codes page.
fn code_link(code: &str) -> String {
    format!("#explain-{code}")
}

/// `report.html`.
pub fn to_html(r: &Report) -> String {
    let s = &r.summary;
    let code_rows: Vec<_> = r
        .findings
        .by_code
        .iter()
        .map(|c| {
            let colour = if c.severity == "error" {
                VERMILLION
            } else {
                ORANGE
            };
            (
                format!("{} {}", c.code, c.title),
                c.count as f64,
                c.count.to_string(),
                colour,
                Some(code_link(&c.code)),
            )
        })
        .collect();
    let max_code = r
        .findings
        .by_code
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(0) as f64;
    let field_rows: Vec<_> = r
        .completeness
        .fields
        .iter()
        .map(|f| {
            (
                f.field.clone(),
                f.percent,
                pct(f.percent),
                if f.missing == 0 { GREEN } else { BLUE },
                None,
            )
        })
        .collect();
    // Findings grouped by file, in the listed (sorted) order.
    let mut by_file: Vec<(&str, Vec<&ListedFinding>)> = Vec::new();
    for f in &r.findings.listed {
        match by_file.last_mut() {
            Some((file, list)) if *file == f.file => list.push(f),
            _ => by_file.push((&f.file, vec![f])),
        }
    }
    let t = &r.timeline;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Catalogue report: " (r.run.input) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Catalogue report" }
                    p.note { "pipeline " (r.run.tool_version) " · " (r.run.command) " of " code { (r.run.input) } }
                    nav { a href="#summary" { "Summary" } a href="#findings" { "Findings" } a href="#completeness" { "Completeness" } a href="#timeline" { "Timeline" } a href="#facets" { "Facets" } a href="#names" { "Names" } }
                }
                main {
                section #summary {
                    h2 { "Summary" }
                    div.cards {
                        div.card { b { (n(s.records as u64)) } "records read" }
                        div.card { b { (n(s.valid as u64)) } "valid" }
                        div class=(if s.invalid > 0 { "card bad" } else { "card" }) { b { (n(s.invalid as u64)) } "invalid" }
                        div class=(if s.errors > 0 { "card bad" } else { "card" }) { b { (n(s.errors as u64)) } "errors" }
                        div.card { b { (n(s.warnings as u64)) } "warnings" }
                        div.card { b { (n(s.files as u64)) } "files" }
                    }
                    dl.meta {
                        dt { "Input" } dd { code { (r.run.input) } }
                        @if let Some(o) = &r.run.output { dt { "Output" } dd { code { (o) } } }
                        dt { "Schema" } dd { code { (r.run.schema) } }
                        dt { "Tool" } dd { "pipeline " (r.run.tool_version) }
                        dt { "Elapsed" } dd { (format!("{:.2} s", r.run.elapsed_seconds)) }
                    }
                }
                section #findings {
                    h2 { "Findings" }
                    @if r.findings.total == 0 {
                        p { "No findings: every record is valid and no warning was raised." }
                    } @else {
                        p { (n(r.findings.total as u64)) (if r.findings.total == 1 { " finding: " } else { " findings: " }) (n(s.errors as u64)) " errors, " (n(s.warnings as u64)) " warnings." }
                        (hbars("codes", "Findings by code", "Findings", &code_rows, max_code))
                        details {
                            summary { "Findings by code as a table" }
                            (num_table(&["Code", "Severity", "Meaning", "Findings"], 3, r.findings.by_code.iter().map(|c| vec![c.code.clone(), c.severity.clone(), c.meaning.clone(), n(c.count as u64)]).collect()))
                        }
                        h3 { "By file" }
                        @if r.findings.omitted > 0 {
                            p.note { "The first " (n(r.findings.listed.len() as u64)) " of " (n(r.findings.total as u64)) " findings are listed; " (n(r.findings.omitted as u64)) " more are counted above." }
                        }
                        @for (file, list) in &by_file {
                            details open {
                                summary { code { (file) } " (" (list.len()) ")" }
                                @for f in list {
                                    div.finding {
                                        code.loc { (location(f)) } " "
                                        span class=(format!("sev-{}", f.severity)) { (f.severity) "[" a href=(code_link(&f.code)) { (f.code) } "]" } ": " (f.message)
                                        @if let Some(h) = &f.help { div.help { "help: " (h) } }
                                    }
                                }
                            }
                        }
                        h3 { "What the codes mean" }
                        @for c in &r.findings.by_code {
                            details id=(format!("explain-{}", c.code)) {
                                summary { (c.code) " " (c.title) }
                                pre style="white-space: pre-wrap" { (Code::parse(&c.code).and_then(crate::diagnostics::explanation).unwrap_or_default()) }
                            }
                        }
                    }
                }
                section #completeness {
                    h2 { "Completeness" }
                    p { "The share of the " (n(r.completeness.records)) " records that passed the checks of a record on its own (schema, dates, languages) that have each field. Records refused only by a check across records (X001–X004) are counted here, not in “valid”." }
                    (hbars("fields", "Records with each field", "Share of records (%)", &field_rows, 100.0))
                    details {
                        summary { "Completeness as a table" }
                        (num_table(&["Field", "Records with it", "Records lacking it", "Share"], 1, r.completeness.fields.iter().map(|f| vec![f.field.clone(), n(f.present), n(f.missing), pct(f.percent)]).collect()))
                    }
                }
                section #timeline {
                    h2 { "Timeline" }
                    p {
                        (n(t.dated)) " dated records (" (n(t.single_year)) " within one year, " (n(t.ranges)) " ranges over several years; "
                        (n(t.approximate_or_uncertain)) " approximate or uncertain). "
                        strong { (n(t.undated)) " undated" } " and " strong { (n(t.open_ended)) " with an open end" } " (before or after a year) are not in the chart."
                        @if t.outside_range > 0 { " " (n(t.outside_range)) " with a year beyond ±9999 are counted, not drawn." }
                    }
                    @if t.buckets.is_empty() {
                        p.note { "No dated records." }
                    } @else {
                        p.legend {
                            span style=(format!("background:{BLUE}")) {} "exact"
                            span style=(format!("background:{ORANGE}")) {} "approximate or uncertain"
                            span style=(format!("background:{SKY}")) {} "a range covering this " (t.granularity) " (counted in each " (t.granularity) " it covers)"
                        }
                        (timeline_chart(t))
                        details {
                            summary { "Timeline as a table" }
                            (num_table(&[unit(&t.granularity), "Exact", "Approximate or uncertain", "Range"], 1, t.buckets.iter().filter(|b| b.exact + b.approximate + b.range > 0).map(|b| vec![b.label.clone(), n(b.exact), n(b.approximate), n(b.range)]).collect()))
                        }
                    }
                }
                section #facets {
                    h2 { "Facets" }
                    p.note { "Records naming each value (an agent is counted once per record, by its authority heading)." }
                    div.facets {
                        @for (name, f) in &r.facets {
                            div {
                                h3 { (facet_title(name)) " (" (n(f.distinct as u64)) " distinct)" }
                                @if f.top.is_empty() { p.note { "None." } } @else {
                                    (num_table(&["Value", "Records"], 1, f.top.iter().map(|(v, count)| vec![match f.labels.get(v) { Some(l) => format!("{l} ({v})"), None => v.clone() }, self::n(*count)]).collect()))
                                }
                                @if !f.complete { p.note { (n(f.other)) " mentions of values first seen after " (FACET_CAP) " distinct ones are not itemized." } }
                            }
                        }
                    }
                }
                section #names {
                    h2 { "Names" }
                    h3 { "Spelled several ways (N001): " (r.names.clusters_total) }
                    @if r.names.clusters.is_empty() { p.note { "None." } }
                    @for c in &r.names.clusters {
                        div.finding {
                            (c.kind) " " strong { (c.suggested) } ": "
                            @for (i, (sp, n)) in c.spellings.iter().enumerate() {
                                @if i > 0 { "; " }
                                code { (sp) } " × " (n)
                            }
                        }
                    }
                    h3 { "Written as persons, look like organizations (N002): " (r.names.organizations.len()) }
                    @if r.names.organizations.is_empty() { p.note { "None." } } @else {
                        (num_table(&["Name", "First at", "Times"], 2, r.names.organizations.iter().map(|o| vec![o.name.clone(), o.first.clone(), o.count.to_string()]).collect()))
                    }
                }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// A timeline bucket's name as a column or axis title.
fn unit(granularity: &str) -> &'static str {
    match granularity {
        "year" => "Year",
        "decade" => "Decade",
        _ => "Century",
    }
}

fn facet_title(name: &str) -> &str {
    match name {
        "agents" => "Agents",
        "places" => "Places",
        "subjects" => "Subjects",
        "languages" => "Languages",
        "types" => "Types",
        "collections" => "Collections",
        other => other,
    }
}

/// What the report says about the run itself: `schema` is the file named with `--schema`.
pub fn run_info(
    command: &str,
    input: &Path,
    output: Option<&Path>,
    schema: Option<&Path>,
    elapsed: std::time::Duration,
) -> RunInfo {
    let schema = match schema {
        Some(path) => path.display().to_string(),
        None if Path::new("schemas/record.schema.json").is_file() => {
            "schemas/record.schema.json".to_string()
        }
        None => "built-in copy of schemas/record.schema.json".to_string(),
    };
    RunInfo {
        command: command.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        input: input.display().to_string(),
        output: output.map(|o| o.display().to_string()),
        schema,
        elapsed_seconds: (elapsed.as_secs_f64() * 100.0).round() / 100.0,
    }
}

/// Write `validate --report FILE`: the page at FILE, the JSON beside it; each file is
/// written whole to a temporary name beside it and renamed into place.
pub fn write_files(path: &Path, report: &Report) -> Result<(), String> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Err(format!(
            "--report {}: name the HTML page (e.g. report.html); the JSON is written beside it",
            path.display()
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Written whole to a new temporary file beside it, flushed, then renamed into place (as
    // `fix` writes records); readable as any file the user writes (0644 less the umask is
    // not known here, so 0644).
    let write = |target: &Path, bytes: &[u8]| -> Result<(), String> {
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", target.display());
        let mut tmp = tempfile::Builder::new()
            .prefix(".report-")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(bytes).map_err(fail)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(target).map_err(|e| fail(e.error))?;
        Ok(())
    };
    write(path, to_html(report).as_bytes())?;
    write(
        Path::new(&json_name(&path.to_string_lossy())),
        to_json(report).as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(first: i64, last: i64, qualified: bool) -> Facts {
        Facts {
            present: 0,
            date: DateFacts::Span {
                first,
                last,
                qualified,
            },
            values: Vec::new(),
        }
    }

    fn report_of(a: &Aggregates) -> Report {
        let run = RunInfo {
            command: "test".into(),
            tool_version: "0".into(),
            input: "in".into(),
            output: None,
            schema: "s".into(),
            elapsed_seconds: 0.0,
        };
        build(a, &[], &[], crate::render::Summary::default(), run)
    }

    #[test]
    fn a_long_timeline_is_drawn_by_decade_and_a_range_counts_in_each_decade_it_covers() {
        let mut a = Aggregates::default();
        a.add(span(1899, 1899, false)); // 1890s, exact
        a.add(span(1905, 1905, true)); // 1900s, approximate
        a.add(span(1908, 1912, false)); // 1900s and 1910s
        a.add(span(1990, 1990, false)); // 1990s: the timeline spans 92 years
        let t = report_of(&a).timeline;
        assert_eq!(t.granularity, "decade");
        let rows: Vec<(&str, u64, u64, u64)> = t
            .buckets
            .iter()
            .map(|b| (b.label.as_str(), b.exact, b.approximate, b.range))
            .collect();
        assert_eq!(rows.len(), 11); // 1890s to 1990s
        assert_eq!(rows[0], ("1890s", 1, 0, 0));
        assert_eq!(rows[1], ("1900s", 0, 1, 1));
        assert_eq!(rows[2], ("1910s", 0, 0, 1));
        assert_eq!(rows[3], ("1920s", 0, 0, 0));
        assert_eq!(rows[10], ("1990s", 1, 0, 0));
        assert_eq!((t.dated, t.single_year, t.ranges), (4, 3, 1));
    }

    #[test]
    fn long_spans_are_drawn_by_century_and_far_years_are_counted_not_drawn() {
        let mut a = Aggregates::default();
        a.add(span(450, 450, false));
        a.add(span(1990, 2010, false));
        a.add(span(-170_000_000, -170_000_000, false)); // EDTF Y-170000000
        let t = report_of(&a).timeline;
        assert_eq!(t.granularity, "century");
        assert_eq!((t.dated, t.outside_range), (3, 1));
        let rows: Vec<(&str, u64, u64)> = t
            .buckets
            .iter()
            .map(|b| (b.label.as_str(), b.exact, b.range))
            .collect();
        assert_eq!(rows.len(), 17); // 400-499 to 2000-2099
        assert_eq!(rows[0], ("400–499", 1, 0));
        assert_eq!(rows[1], ("500–599", 0, 0));
        assert_eq!(rows[15], ("1900–1999", 0, 1));
        assert_eq!(rows[16], ("2000–2099", 0, 1));
    }

    #[test]
    fn negative_years_fall_in_their_decade() {
        let mut a = Aggregates::default();
        a.add(span(-5, -5, false));
        a.add(span(100, 100, false));
        let t = report_of(&a).timeline;
        assert_eq!(t.buckets[0].label, "-10s");
        assert_eq!(t.buckets[0].exact, 1);
    }

    #[test]
    fn a_facet_counts_at_most_the_cap_of_distinct_values_and_the_rest_as_other() {
        let mut f = FacetCounts::default();
        for i in 0..FACET_CAP + 5 {
            f.add(&format!("v{i}"));
        }
        f.add("v0");
        f.add(&format!("v{}", FACET_CAP + 1));
        assert_eq!(f.counts.len(), FACET_CAP);
        assert_eq!(f.counts["v0"], 2);
        assert_eq!(f.other, 6);
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(1), [0, 1]);
        assert_eq!(ticks(3), [0, 1, 2, 3]);
        assert_eq!(ticks(7), [0, 2, 4, 6]);
        assert_eq!(ticks(48), [0, 10, 20, 30, 40]);
        assert_eq!(ticks(120_000), [0, 50_000, 100_000]);
        assert_eq!(
            [n(0), n(999), n(1000), n(1_000_000)],
            ["0", "999", "1,000", "1,000,000"]
        );
    }

    #[test]
    fn the_page_escapes_catalogue_text() {
        let mut a = Aggregates::default();
        a.add(Facts {
            present: 0,
            date: DateFacts::Undated,
            values: vec![(1, Value::Text("<script>alert(1)</script>".into()))],
        });
        let html = to_html(&report_of(&a));
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn every_code_has_a_title_and_a_meaning() {
        for code in Code::ALL {
            assert!(!code_title(*code).is_empty(), "{code}");
            assert!(
                code_meaning(*code).ends_with(['.', ')']),
                "{code}: {}",
                code_meaning(*code)
            );
        }
    }
}
