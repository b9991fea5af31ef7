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
mod aggregates;
mod page;

pub use aggregates::{Aggregates, Facts, NameCluster, Value};
pub use page::to_html;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Code;

pub const FORMAT_VERSION: u32 = 1;
/// Distinct values counted exactly per facet; later new values are counted as `other`.
pub const FACET_CAP: usize = 10_000;
/// Values listed per facet.
pub const TOP: usize = 20;
/// Findings listed (all are counted).
pub const FINDINGS_CAP: usize = 1_000;

/// The codes whose findings the report tallies by name (organizations, names kept as
/// written): a run with a limit on the findings it keeps keeps all of these for it.
pub const TALLIED: &[Code] = &[
    Code::LooksLikeOrganization,
    Code::KeptAsWritten,
    Code::NoEvidenceToInvert,
];
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

/// Where and how the run was made.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub command: String,
    pub tool_version: String,
    pub input: String,
    pub output: Option<String>,
    pub schema: String,
    /// When the run started, in UTC to the second (RFC 3339, `2026-12-08T01:41:15Z`). The
    /// report is not an export: it carries this time and `elapsed_seconds`, so two reports
    /// of one catalogue differ in these two fields (the exports are byte-identical).
    pub started: String,
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
    /// The [`TOP`] most frequent, by records (ties by value).
    pub top: Vec<(String, u64)>,
    /// Every value counted exactly (at most [`FACET_CAP`]), in the order of `top`: the page
    /// shows the first [`TOP`] and says of how many.
    pub values: Vec<(String, u64)>,
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

/// A person's name kept as written (N005, N006), with how often: the forms a cataloguer
/// settles first (an authority entry, or the heading written inverted).
#[derive(Debug, Serialize)]
pub struct KeptName {
    pub name: String,
    /// `N005` or `N006`.
    pub code: String,
    pub count: usize,
    /// The first place it was written, `file:line:col`.
    pub first: String,
}

#[derive(Debug, Serialize)]
pub struct NamesPart {
    pub clusters_total: usize,
    pub clusters: Vec<NameCluster>,
    pub organizations: Vec<OrgWarning>,
    /// Names kept as written, most frequent first (at most `NAMES_CAP`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_as_written: Vec<KeptName>,
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

/// Build the report from the run's aggregates, its (sorted) findings and the counts by
/// code of those not kept (`--max-errors`, or past the bound of a document): the findings
/// kept are at least the first [`FINDINGS_CAP`] and every one of the [`TALLIED`] codes.
pub fn build(
    aggregates: &Aggregates,
    findings: &[crate::diagnostics::Finding],
    not_kept: &BTreeMap<Code, usize>,
    collections: &[crate::validate::crosscheck::Collection],
    summary: crate::render::Summary,
    run: RunInfo,
) -> Report {
    let mut by_code: BTreeMap<Code, usize> = BTreeMap::new();
    for f in findings {
        *by_code.entry(f.code).or_default() += 1;
    }
    for (code, n) in not_kept {
        *by_code.entry(*code).or_default() += n;
    }
    let found = findings.len() + not_kept.values().sum::<usize>();
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
    let listed: Vec<ListedFinding> = findings
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

    // Every value of a facet is labelled: a map, so that many collections stay linear.
    let titles: std::collections::HashMap<&str, &str> = collections
        .iter()
        .rev()
        .map(|c| (c.id.as_str(), c.title.as_str()))
        .collect();
    let facets = FACETS
        .iter()
        .zip(&aggregates.facets)
        .map(|(name, counts)| {
            let mut values: Vec<(String, u64)> =
                counts.counts.iter().map(|(v, n)| (v.clone(), *n)).collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let top = values[..values.len().min(TOP)].to_vec();
            let labels = values
                .iter()
                .filter_map(|(v, _)| {
                    let label = match *name {
                        "languages" => isolang::Language::from_639_1(v)
                            .or_else(|| isolang::Language::from_639_3(v))
                            .map(|l| l.to_name().to_string()),
                        "collections" => titles.get(v.as_str()).map(|t| (*t).to_string()),
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
                    values,
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
    let mut kept: BTreeMap<(String, Code), (usize, String)> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| matches!(f.code, Code::KeptAsWritten | Code::NoEvidenceToInvert))
    {
        let name = f.message.split('`').nth(1).unwrap_or_default().to_string();
        let place = match f.location {
            Some(l) => format!("{}:{}:{}", f.file.display(), l.line, l.col),
            None => f.file.display().to_string(),
        };
        kept.entry((name, f.code)).or_insert((0, place)).0 += 1;
    }
    let mut kept_as_written: Vec<KeptName> = kept
        .into_iter()
        .map(|((name, code), (count, first))| KeptName {
            name,
            code: code.as_str().to_string(),
            count,
            first,
        })
        .collect();
    kept_as_written.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    kept_as_written.truncate(NAMES_CAP);
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
            total: found,
            by_code,
            omitted: found - listed.len(),
            listed,
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
            kept_as_written,
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

/// `run --report NAME`, checked when the arguments are read (not after the whole run): a
/// plain file name for the page in the output folder, whose JSON (`json_name`) is another
/// name, neither of them one of the outputs.
pub fn check_page_name(name: &str) -> Result<String, String> {
    let json = json_name(name);
    if !crate::output::publish::extra_name(name) || !crate::output::publish::extra_name(&json) {
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

/// The JSON file's name beside the HTML file `html`: `report.html` → `report.json`.
pub fn json_name(html: &str) -> String {
    let path = Path::new(html);
    path.with_extension("json").to_string_lossy().into_owned()
}

/// What the report says about the run itself: `schema` is the record schema file the run
/// read (`Settings::schema_file`), `None` for the built-in copy.
pub fn run_info(
    command: &str,
    input: &Path,
    output: Option<&Path>,
    schema: Option<&Path>,
    elapsed: std::time::Duration,
) -> RunInfo {
    let schema = match schema {
        Some(path) => path.display().to_string(),
        None => "built-in copy of schemas/record.schema.json".to_string(),
    };
    RunInfo {
        command: command.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        input: input.display().to_string(),
        output: output.map(|o| o.display().to_string()),
        schema,
        started: started_at(jiff::Timestamp::now(), elapsed),
        elapsed_seconds: (elapsed.as_secs_f64() * 100.0).round() / 100.0,
    }
}

/// The time `elapsed` before `now`, in UTC to the second (`2026-12-08T01:41:15Z`).
fn started_at(now: jiff::Timestamp, elapsed: std::time::Duration) -> String {
    let started = jiff::SignedDuration::try_from(elapsed)
        .ok()
        .and_then(|d| now.checked_sub(d).ok())
        .unwrap_or(now);
    started.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Write `validate --report FILE`: the page at FILE, the JSON beside it; each file is
/// written whole to a temporary name beside it and renamed into place.
pub fn write_files(path: &Path, report: &Report) -> Result<(), String> {
    check_page_path(path)?;
    let write = |target: &Path, bytes: &[u8]| {
        crate::output::named::write_named_file(target, bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))
    };
    write(path, to_html(report).as_bytes())?;
    write(&path.with_extension("json"), to_json(report).as_bytes())
}

/// `validate --report FILE`, checked when the arguments are read (not after the whole
/// run): the HTML page, not the JSON written beside it.
pub fn check_page_path(path: &Path) -> Result<std::path::PathBuf, String> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Err(format!(
            "--report {}: name the HTML page (e.g. report.html); the JSON is written beside it",
            path.display()
        ));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::aggregates::{DateFacts, FacetCounts};
    use super::page::{n, ticks};
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
            started: "2026-12-08T01:41:15Z".into(),
            elapsed_seconds: 0.0,
        };
        build(
            a,
            &[],
            &BTreeMap::new(),
            &[],
            crate::render::Summary::default(),
            run,
        )
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

    /// The time a run started: the report's time less the time taken, to the second, UTC.
    #[test]
    fn the_start_is_the_time_taken_before_now_in_utc() {
        let now: jiff::Timestamp = "2026-12-08T01:41:15.700Z".parse().unwrap();
        assert_eq!(
            started_at(now, std::time::Duration::from_millis(2_500)),
            "2026-12-08T01:41:13Z"
        );
        assert_eq!(
            started_at(now, std::time::Duration::ZERO),
            "2026-12-08T01:41:15Z"
        );
    }
}
