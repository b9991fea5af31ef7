//! The whole-catalogue measurement behind `docs/real-catalogue-dates.md`: every `dateText`
//! of Tate's collection data through [`normalize_date`], with
//!
//! * the refusal rate, and the refusals classified by finding code and by *shape* (the
//!   text with every digit written `9`, so `c.1814–15` and `c.1790–95` are one shape);
//! * the audit: for every accepted date with calendar bounds, its earliest and latest year
//!   against Tate's own, independent reading (`dateRange_from` / `dateRange_to`), every
//!   disagreement listed by shape with an example.
//!
//! ```text
//! cargo run --release --example tate_dates -- /path/to/tate_artworks.csv
//! ```
//!
//! The CSV is an extract of Tate's collection (CC0, github.com/tategallery/collection,
//! commit a51d8afc988ed083557e2950f4d0b644e7719f4a) with the columns acno, dateText,
//! dateRange_text, dateRange_from, dateRange_to, creators_mda, creators_fc, title;
//! `scripts/tate-extract.py` makes it from a clone of that repository.

use std::collections::BTreeMap;

use pipeline::normalize::dates::{Bound, DateInput, normalize_date};

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

#[derive(Default)]
struct Class {
    count: usize,
    example: String,
    detail: String,
}

fn add(map: &mut BTreeMap<String, Class>, key: String, example: &str, detail: String) {
    let c = map.entry(key).or_default();
    if c.count == 0 {
        c.example = example.to_string();
        c.detail = detail;
    }
    c.count += 1;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: tate_dates <tate_artworks.csv>")?;
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (text_i, from_i, to_i) = (
        col("dateText").ok_or("no dateText column")?,
        col("dateRange_from").ok_or("no dateRange_from column")?,
        col("dateRange_to").ok_or("no dateRange_to column")?,
    );
    let (mut total, mut empty, mut refused, mut accepted, mut audited) = (0, 0, 0, 0, 0);
    let mut refusals: BTreeMap<String, Class> = BTreeMap::new();
    let mut disagreements: BTreeMap<String, Class> = BTreeMap::new();
    let mut unbounded: BTreeMap<String, Class> = BTreeMap::new();
    for row in reader.records() {
        let row = row?;
        total += 1;
        let text = row.get(text_i).unwrap_or("");
        if text.trim().is_empty() {
            empty += 1;
            continue;
        }
        match normalize_date(DateInput::Text(text)) {
            Err(e) => {
                refused += 1;
                let code = e.kind.code().as_str();
                add(
                    &mut refusals,
                    format!("{code}\t{}", shape(text)),
                    text,
                    e.message,
                );
            }
            Ok(n) => {
                accepted += 1;
                let year = |b: Bound| match b {
                    Bound::Day(d) => Some(d.year),
                    _ => None,
                };
                let tate = (
                    row.get(from_i).and_then(|s| s.parse::<i64>().ok()),
                    row.get(to_i).and_then(|s| s.parse::<i64>().ok()),
                );
                let ours = (year(n.earliest), year(n.latest));
                if ours.0.is_none() || ours.1.is_none() || tate.0.is_none() || tate.1.is_none() {
                    let key = format!(
                        "{}\t{}\t{:?}-{:?}",
                        shape(text),
                        shape(&n.edtf),
                        tate.0.is_some(),
                        tate.1.is_some()
                    );
                    add(
                        &mut unbounded,
                        key,
                        text,
                        format!("{} (Tate {:?}–{:?})", n.edtf, tate.0, tate.1),
                    );
                    continue;
                }
                audited += 1;
                if ours != tate {
                    add(
                        &mut disagreements,
                        format!("{}\t{}", shape(text), shape(&n.edtf)),
                        text,
                        format!(
                            "{} = {}–{}, Tate {}–{}",
                            n.edtf,
                            ours.0.unwrap_or(0),
                            ours.1.unwrap_or(0),
                            tate.0.unwrap_or(0),
                            tate.1.unwrap_or(0)
                        ),
                    );
                }
            }
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    println!("records\t{total}");
    println!("empty dateText\t{empty}");
    println!("accepted\t{accepted}\t{:.2} %", pct(accepted));
    println!("refused\t{refused}\t{:.2} %", pct(refused));
    println!("audited (both readings bounded)\t{audited}");
    let print = |title: &str, map: &BTreeMap<String, Class>| {
        let mut rows: Vec<_> = map.iter().collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        let n: usize = rows.iter().map(|r| r.1.count).sum();
        println!("\n## {title}: {n} records, {} classes", rows.len());
        for (key, c) in rows {
            println!("{}\t{key}\t{}\t{}", c.count, c.example, c.detail);
        }
    };
    print("refusals (count, code, shape, example, message)", &refusals);
    print(
        "audit disagreements (count, shape, EDTF shape, example, readings)",
        &disagreements,
    );
    print(
        "accepted without bounds on one side (count, shape, EDTF shape, Tate from/to present, example)",
        &unbounded,
    );
    Ok(())
}
