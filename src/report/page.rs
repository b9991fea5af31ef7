//! The page: `report.html`, one self-contained document (styles, script and SVG charts
//! inline) written with maud from a [`Report`]. File names are shown [`printable`] (a line
//! feed as `\u{a}`), and no character a strict HTML parser rejects reaches the page
//! ([`crate::escape::html_text`]).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::escape::printable;

use super::*;

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
pub(super) fn ticks(max: u64) -> Vec<u64> {
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
pub(super) fn n(v: u64) -> String {
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
                title { "Catalogue report: " (printable(&r.run.input)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Catalogue report" }
                    p.note { "pipeline " (r.run.tool_version) " · " (r.run.command) " of " code { (printable(&r.run.input)) } " · " time datetime=(r.run.started) { (shown_time(&r.run.started)) } }
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
                        dt { "Input" } dd { code { (printable(&r.run.input)) } }
                        @if let Some(o) = &r.run.output { dt { "Output" } dd { code { (printable(o)) } } }
                        dt { "Schema" } dd { code { (printable(&r.run.schema)) } }
                        dt { "Tool" } dd { "pipeline " (r.run.tool_version) }
                        dt { "Started" } dd { time datetime=(r.run.started) { (shown_time(&r.run.started)) } }
                        dt { "Elapsed" } dd { (format!("{:.2} s", r.run.elapsed_seconds)) }
                    }
                }
                section #findings {
                    h2 { "Findings" }
                    @if r.findings.total == 0 {
                        p { "No findings: every record is valid and no warning was raised." }
                    } @else {
                        p { (n(r.findings.total as u64)) (if r.findings.total == 1 { " finding: " } else { " findings: " }) (n(s.errors as u64)) " errors, " (n(s.warnings as u64)) " warnings." }
                        p.legend {
                            span style=(format!("background:{VERMILLION}")) {} "error (the record is refused)"
                            span style=(format!("background:{ORANGE}")) {} "warning (the record is kept)"
                        }
                        (hbars("codes", "Findings by code", "Findings", &code_rows, max_code))
                        details {
                            summary { "Findings by code as a table" }
                            table {
                                thead { tr { th data-sort="" scope="col" { "Code" } th data-sort="" scope="col" { "Severity" } th data-sort="" scope="col" { "Meaning" } th.n data-sort="" scope="col" { "Findings" } } }
                                tbody { @for c in &r.findings.by_code {
                                    tr { td { (c.code) } td { (c.severity) } td { (with_code(&c.meaning)) } td.n { (n(c.count as u64)) } }
                                } }
                            }
                        }
                        h3 { "By file" }
                        @if r.findings.omitted > 0 {
                            p.note { "The first " (n(r.findings.listed.len() as u64)) " of " (n(r.findings.total as u64)) " findings are listed; " (n(r.findings.omitted as u64)) " more are counted above." }
                        }
                        @for (file, list) in &by_file {
                            details open {
                                summary { code { (printable(file)) } " (" (list.len()) ")" }
                                @for f in list {
                                    div.finding {
                                        code.loc { (printable(&location(f))) } " "
                                        span class=(format!("sev-{}", f.severity)) { (f.severity) "[" a href=(code_link(&f.code)) { (f.code) } "]" } ": " (with_code(&f.message))
                                        @if let Some(h) = &f.help { div.help { "help: " (with_code(h)) } }
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
                                @if f.distinct > f.top.len() {
                                    h3 { (facet_title(name)) ": the " (f.top.len()) " most frequent of " (n(f.distinct as u64)) }
                                    p.note { "The JSON beside this page lists all " (n(f.distinct as u64)) " (" code { "facets." (name) ".values" } ")." }
                                } @else {
                                    h3 { (facet_title(name)) " (" (n(f.distinct as u64)) " distinct)" }
                                }
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
                    h3 { "Persons' names kept as written (N005, N006), most frequent first: " (r.names.kept_as_written.len()) }
                    @if r.names.kept_as_written.is_empty() { p.note { "None." } } @else {
                        (num_table(&["Name", "Code", "First at", "Times"], 3, r.names.kept_as_written.iter().map(|k| vec![k.name.clone(), k.code.clone(), k.first.clone(), k.count.to_string()]).collect()))
                    }
                }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    // Values of valid records may still hold characters an HTML parser rejects (C1
    // controls, noncharacters: XML 1.0 allows them): written `\u{..}` wherever they are.
    let page = page.into_string();
    crate::escape::html_text(&page).into_owned()
}

/// Catalogue text (a finding's message or help) with each `quoted` stretch as `<code>`, as
/// the terminal output marks them with backticks; the text is escaped by maud, so a
/// backtick a cataloguer wrote can only open or close a `<code>`, never markup. An
/// unmatched last backtick is shown as written.
fn with_code(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    // With an even number of backticks the parts are odd in number; else the last
    // backtick is unmatched and stays, with the text after it.
    let paired = if parts.len() % 2 == 1 {
        parts.len()
    } else {
        parts.len() - 1
    };
    html! {
        @for (i, part) in parts[..paired].iter().enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
        @if paired < parts.len() { "`" (parts[paired..].join("`")) }
    }
}

/// `2026-12-08T01:41:15Z` as people read it: `2026-12-08 01:41:15 UTC`.
fn shown_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z').and_then(|t| t.split_once('T')) {
        Some((day, time)) => format!("{day} {time} UTC"),
        None => rfc3339.to_string(),
    }
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
