//! The findings a run keeps: every one, or with a limit (`--max-errors N`) only the first N
//! in reporting order, the others counted by code and dropped as they come. A file of 160k
//! unknown fields then costs the findings of one unit at a time, not all of them at once
//! (a 10.5 MB file peaked at 2.5 GB with `--max-errors 10`). A run over named files gives
//! its filter (only their findings are reported, the others neither kept nor counted); a
//! run with a report names the codes it tallies, kept whole. The schema's findings past the
//! bound of a document are counted here too ([`Kept::count`]). Hand-written: a bounded
//! ordered set is a `BTreeSet` and a count.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Code, Finding, Severity, sort_findings};

/// A finding ordered as findings are reported ([`Finding::sort_key`], then its help), so
/// that two findings are equal exactly when they are the same finding.
#[derive(PartialEq, Eq)]
struct Ordered(Finding);

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0.sort_key(), &self.0.help).cmp(&(other.0.sort_key(), &other.0.help))
    }
}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Which findings a run reports at all (`validate FILE...`: those of the named files), so
/// that the others are dropped as they come, not kept until the end.
pub(super) type Filter = Box<dyn Fn(&Finding) -> bool + Send>;

/// Findings as they are gathered, kept whole or up to a limit.
pub(super) struct Kept {
    limit: Option<usize>,
    /// The findings reported at all; the others are neither kept nor counted.
    filter: Option<Filter>,
    /// With a limit: the codes whose findings are all kept whatever the limit (the run
    /// report tallies them by name), and never counted as not kept.
    whole: &'static [Code],
    /// With a limit: the findings of the codes in `whole`.
    also: Vec<Finding>,
    /// Without a limit: every finding, sorted at the end.
    all: Vec<Finding>,
    /// With a limit: the first ones in reporting order, at most `limit`.
    first: BTreeSet<Ordered>,
    /// The findings counted but not kept, by code: with a limit, those past it; with or
    /// without, those never built ([`Kept::count`]).
    dropped: BTreeMap<Code, usize>,
}

impl Default for Kept {
    fn default() -> Self {
        Kept::new(None)
    }
}

impl Kept {
    /// Keep every finding (`None`), or the first `limit` in reporting order.
    pub(super) fn new(limit: Option<usize>) -> Kept {
        Kept {
            limit,
            filter: None,
            whole: &[],
            also: Vec::new(),
            all: Vec::new(),
            first: BTreeSet::new(),
            dropped: BTreeMap::new(),
        }
    }

    /// Keep and count only the findings `filter` accepts.
    pub(super) fn with_filter(mut self, filter: Filter) -> Kept {
        self.filter = Some(filter);
        self
    }

    /// With a limit, keep every finding of the codes `whole` as well as the first ones.
    pub(super) fn keeping_every(mut self, whole: &'static [Code]) -> Kept {
        self.whole = whole;
        self
    }

    /// Take the findings of one unit (or one check). Exact repeats among them are counted
    /// once, as the reporting order drops them ([`sort_findings`]); repeats across units do
    /// not occur (each unit is its own file or document).
    pub(super) fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        let filter = self.filter.as_ref();
        let findings = findings
            .into_iter()
            .filter(|f| filter.is_none_or(|keep| keep(f)));
        let Some(limit) = self.limit else {
            self.all.extend(findings);
            return;
        };
        let mut findings: Vec<Finding> = findings.collect();
        sort_findings(&mut findings);
        let whole = self.whole;
        for f in findings {
            if whole.contains(&f.code) {
                self.also.push(f.clone());
            }
            let f = Ordered(f);
            if self.first.contains(&f) {
                continue;
            }
            if self.first.len() < limit {
                self.first.insert(f);
                continue;
            }
            let code = match self.first.last() {
                Some(last) if f < *last => {
                    self.first.insert(f);
                    self.first.pop_last().map(|l| l.0.code)
                }
                _ => Some(f.0.code),
            };
            if let Some(code) = code.filter(|c| !whole.contains(c)) {
                *self.dropped.entry(code).or_default() += 1;
            }
        }
    }

    /// Count findings that were never built (a document's schema findings past their
    /// bound, [`crate::validate::schema::LISTED_PER_CODE`]) as not kept, with or without a
    /// limit.
    pub(super) fn count(&mut self, counts: BTreeMap<Code, usize>) {
        for (code, n) in counts {
            *self.dropped.entry(code).or_default() += n;
        }
    }

    /// The findings kept, sorted and without repeats, and those counted but not kept.
    pub(super) fn finish(self) -> (Vec<Finding>, BTreeMap<Code, usize>) {
        match self.limit {
            None => {
                let mut all = self.all;
                sort_findings(&mut all);
                (all, self.dropped)
            }
            Some(_) => {
                // The first ones and every one of the `whole` codes: the first N of these
                // are still the first N of all (those of `whole` come after them or are
                // among them, repeats dropped by the set).
                let mut kept = self.first;
                kept.extend(self.also.into_iter().map(Ordered));
                (kept.into_iter().map(|o| o.0).collect(), self.dropped)
            }
        }
    }
}

/// How many of the `dropped` findings are errors.
pub fn dropped_errors(dropped: &BTreeMap<Code, usize>) -> usize {
    dropped
        .iter()
        .filter(|(c, _)| c.severity() == Severity::Error)
        .map(|(_, n)| n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use std::path::Path;

    fn finding(file: &str, line: usize, code: Code) -> Finding {
        Finding::new(
            code,
            Path::new(file),
            Some(Location { line, col: 1 }),
            format!("at {line}"),
        )
    }

    #[test]
    fn a_limit_keeps_the_first_in_reporting_order_and_counts_the_rest_once() {
        // Units arriving in any order; the kept ones are the first three of them all, in
        // order, whatever order they came in.
        let units = [
            vec![
                finding("b.yaml", 2, Code::UnknownField),
                finding("b.yaml", 1, Code::UnknownField),
            ],
            vec![finding("c.yaml", 1, Code::MissingField)],
            vec![
                finding("a.yaml", 5, Code::UnknownField),
                // An exact repeat: counted once.
                finding("a.yaml", 5, Code::UnknownField),
                finding("a.yaml", 9, Code::MissingField),
            ],
        ];
        let mut kept = Kept::new(Some(3));
        for u in units.iter().cloned() {
            kept.extend(u);
        }
        let (first, dropped) = kept.finish();
        let shown: Vec<(String, usize)> = first
            .iter()
            .map(|f| (f.file.display().to_string(), f.location.unwrap().line))
            .collect();
        assert_eq!(
            shown,
            [
                ("a.yaml".into(), 5),
                ("a.yaml".into(), 9),
                ("b.yaml".into(), 1)
            ]
        );
        // Dropped: b.yaml:2 (unknown field), c.yaml:1 (missing field).
        assert_eq!(
            dropped,
            BTreeMap::from([(Code::MissingField, 1), (Code::UnknownField, 1)])
        );
        // Without a limit: all of them, sorted, the repeat dropped, nothing counted apart.
        let mut all = Kept::new(None);
        for u in units {
            all.extend(u);
        }
        let (all, dropped) = all.finish();
        assert_eq!(all.len(), 5);
        assert!(dropped.is_empty());
        assert_eq!(&all[..3], &first[..]);
    }

    #[test]
    fn a_limit_of_zero_keeps_nothing_and_counts_everything() {
        let mut kept = Kept::new(Some(0));
        kept.extend([
            finding("a.yaml", 1, Code::UnknownField),
            finding("a.yaml", 2, Code::UnknownField),
        ]);
        let (first, dropped) = kept.finish();
        assert!(first.is_empty());
        assert_eq!(dropped, BTreeMap::from([(Code::UnknownField, 2)]));
        assert_eq!(dropped_errors(&dropped), 2);
    }

    #[test]
    fn the_codes_kept_whole_are_all_kept_and_never_counted() {
        // A limit of 1: a.yaml:1 is the first; both N002 findings are kept besides, not
        // counted; b.yaml's S002 is counted. A filter leaves c.yaml out altogether.
        let mut kept = Kept::new(Some(1))
            .keeping_every(&[Code::LooksLikeOrganization])
            .with_filter(Box::new(|f: &Finding| !f.file.starts_with("c.yaml")));
        kept.extend([
            finding("b.yaml", 1, Code::UnknownField),
            finding("a.yaml", 2, Code::LooksLikeOrganization),
            finding("a.yaml", 1, Code::UnknownField),
            finding("c.yaml", 1, Code::UnknownField),
            finding("b.yaml", 9, Code::LooksLikeOrganization),
        ]);
        let (first, dropped) = kept.finish();
        let shown: Vec<(String, usize)> = first
            .iter()
            .map(|f| (f.file.display().to_string(), f.location.unwrap().line))
            .collect();
        assert_eq!(
            shown,
            [
                ("a.yaml".into(), 1),
                ("a.yaml".into(), 2),
                ("b.yaml".into(), 9)
            ]
        );
        assert_eq!(dropped, BTreeMap::from([(Code::UnknownField, 1)]));
    }
}
