//! The name warnings (N001) over the spellings of a catalogue: names outside the authority
//! file spelled in several ways, and names that look like another spelling of an authority
//! entry. The engine and `check-outlines` gather the spellings (each in its own way) and
//! both make their warnings here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::names::fingerprint::{VariantGroup, fingerprint};
use crate::normalize::names::{AgentKind, AuthorityEntry, AuthorityIndex};
use crate::validate::AUTHORITIES_FILE;

/// One N001 warning per distinct spelling (as written, kind, how often, its first places)
/// that is not in the authority file but shares its fingerprint with an entry's form.
pub fn near_authority_findings<'a>(
    spellings: impl IntoIterator<Item = (&'a str, AgentKind, usize, Vec<(PathBuf, Location)>)>,
    authorities: &AuthorityIndex,
) -> Vec<Finding> {
    let mut by_fingerprint: HashMap<(AgentKind, String), &AuthorityEntry> = HashMap::new();
    for entry in authorities.entries() {
        for form in std::iter::once(&entry.preferred).chain(&entry.variants) {
            let key = fingerprint(form, entry.kind);
            if !key.is_empty() && key != "|" {
                by_fingerprint.entry((entry.kind, key)).or_insert(entry);
            }
        }
    }
    if by_fingerprint.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (written, kind, count, mut places) in spellings {
        if authorities.lookup_kind(written, kind).is_some() {
            continue;
        }
        let Some(entry) = by_fingerprint.get(&(kind, fingerprint(written, kind))) else {
            continue;
        };
        places.sort();
        let Some((file, location)) = places.first().cloned() else {
            continue;
        };
        let elsewhere = match count {
            0 | 1 => String::new(),
            2 => " (written so once more)".to_string(),
            n => format!(" (written so {} more times)", n - 1),
        };
        findings.push(
            Finding::new(
                Code::NameVariants,
                &file,
                Some(location),
                format!(
                    "`{written}` is not in {AUTHORITIES_FILE}, but may be another spelling of `{}`{elsewhere}",
                    entry.preferred
                ),
            )
            .with_help(format!(
                "if it is the same {}, add {written:?} to the `variants` of `{}` in {AUTHORITIES_FILE}",
                entry.kind.as_str(),
                entry.preferred
            )),
        );
    }
    findings
}

/// The N001 warnings of the variant groups found in a catalogue.
pub fn variant_findings<P: AsRef<Path>>(groups: Vec<VariantGroup<(P, Location)>>) -> Vec<Finding> {
    groups
        .into_iter()
        .filter_map(|group| {
            let place = |(f, l): &(P, Location)| {
                format!("{}:{}:{}", f.as_ref().display(), l.line, l.col)
            };
            let described: Vec<String> = group
                .spellings
                .iter()
                .map(|s| {
                    let places: Vec<String> = s.locations.iter().take(3).map(place).collect();
                    let more = s.count.saturating_sub(3);
                    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                    let times = if s.count == 1 { "once".to_string() } else { format!("{} times", s.count) };
                    format!("`{}` {times} ({}{more})", s.spelling, places.join(", "))
                })
                .collect();
            let (file, location) = group.spellings.get(1)?.locations.first()?;
            let (file, location) = (file.as_ref(), *location);
            let entry = &group.suggested;
            let variants: Vec<String> = entry.variants.iter().map(|v| format!("{v:?}")).collect();
            Some(
                Finding::new(
                    Code::NameVariants,
                    file,
                    Some(location),
                    format!("one {} may be spelled in several ways: {}", entry.kind.as_str(), described.join("; ")),
                )
                .with_help(format!(
                    "if they are one {}, add to {AUTHORITIES_FILE}: `- {{preferred: {:?}, kind: {}, variants: [{}]}}`; otherwise ignore this warning",
                    entry.kind.as_str(),
                    entry.preferred,
                    entry.kind.as_str(),
                    variants.join(", ")
                )),
            )
        })
        .collect()
}
