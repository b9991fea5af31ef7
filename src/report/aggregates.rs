//! The aggregates of a run: the few facts the report needs of each valid record ([`Facts`],
//! taken on the worker that normalized it) and their bounded sums ([`Aggregates`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::{FACET_CAP, FACETS, FIELDS, TimelineBucket, YEAR_LIMIT};
use crate::normalize::dates::{Bound, NormalizedDate};
use crate::normalize::names::Agent;
use crate::normalize::record::{Record, Source};

/// A facet value taken from a record: moved out of it, or an agent shared with it.
pub enum Value {
    Text(String),
    Agent(Arc<Agent>),
}

impl Value {
    pub(super) fn as_str(&self) -> &str {
        match self {
            Value::Text(t) => t,
            Value::Agent(a) => &a.heading,
        }
    }
}

/// What the report needs of one valid record.
pub struct Facts {
    /// Bit `i` set: the record has field [`FIELDS`]`[i]`.
    pub(super) present: u16,
    pub(super) date: DateFacts,
    /// (facet number in [`FACETS`], value); a value at most once per record and facet.
    pub(super) values: Vec<(u8, Value)>,
}

pub(super) enum DateFacts {
    Undated,
    Open,
    Span {
        first: i64,
        last: i64,
        qualified: bool,
    },
}

impl DateFacts {
    pub(super) fn of(date: &NormalizedDate) -> DateFacts {
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
pub(super) struct FacetCounts {
    pub(super) counts: HashMap<String, u64, foldhash::fast::RandomState>,
    pub(super) other: u64,
}

impl FacetCounts {
    pub(super) fn add(&mut self, value: &str) {
        if let Some(n) = self.counts.get_mut(value) {
            *n += 1;
        } else if self.counts.len() < FACET_CAP {
            self.counts.insert(value.to_string(), 1);
        } else {
            self.other += 1;
        }
    }

    pub(super) fn merge(&mut self, other: FacetCounts) {
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
pub(super) struct Buckets {
    pub(super) exact: BTreeMap<i64, u64>,
    pub(super) qualified: BTreeMap<i64, u64>,
    pub(super) range_delta: BTreeMap<i64, i64>,
}

impl Buckets {
    pub(super) fn add(&mut self, first: i64, last: i64, qualified: bool) {
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

    pub(super) fn merge(&mut self, other: Buckets) {
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

    pub(super) fn bounds(&self) -> Option<(i64, i64)> {
        let within = || self.exact.keys().chain(self.qualified.keys()).copied();
        // A range's -1 sits one past its last bucket.
        let min = within().chain(self.range_delta.keys().copied()).min()?;
        let max = within()
            .chain(self.range_delta.keys().map(|k| k - 1))
            .max()?;
        Some((min, max.max(min)))
    }

    /// Every bucket from the first to the last, with its three counts.
    pub(super) fn rows(&self, label: impl Fn(i64) -> String) -> Vec<TimelineBucket> {
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
    pub(super) records: u64,
    pub(super) present: [u64; FIELDS.len()],
    pub(super) facets: [FacetCounts; FACETS.len()],
    pub(super) years: Buckets,
    pub(super) decades: Buckets,
    pub(super) centuries: Buckets,
    pub(super) outside: u64,
    pub(super) dated: u64,
    pub(super) single_year: u64,
    pub(super) ranges: u64,
    pub(super) qualified: u64,
    pub(super) open: u64,
    pub(super) undated: u64,
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
