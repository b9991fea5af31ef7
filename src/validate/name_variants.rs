//! The name warnings (N001) over the spellings of a catalogue: names outside the authority
//! file spelled in several ways, and names that look like another spelling of an authority
//! entry. The engine and `check-outlines` gather the spellings (each in its own way) and
//! both make their warnings here.
//!
//! A warning is one line a cataloguer reads, and its text comes from the catalogue, so it is
//! bounded (issue #24): a group lists its first [`MAX_SPELLINGS`] spellings (most frequent
//! first) and says how many it left out, the proposed entry its first [`MAX_SPELLINGS`]
//! variants, and a name is quoted up to [`MAX_NAME_CHARS`] characters, then `…` and how many
//! characters were left out. The run report (`--report`) keeps every spelling of a group.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Finding, Location};
use crate::normalize::names::fingerprint::{VariantGroup, fingerprint};
use crate::normalize::names::{AgentKind, AuthorityEntry, AuthorityIndex};
use crate::validate::AUTHORITIES_FILE;

/// The most spellings (and proposed variants) one N001 warning lists.
pub const MAX_SPELLINGS: usize = 10;

/// The most characters of one name that a warning quotes.
pub const MAX_NAME_CHARS: usize = 200;

/// `name`, or its first [`MAX_NAME_CHARS`] characters and what was left out.
pub(crate) fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(MAX_NAME_CHARS) {
        None => name.into(),
        Some((end, _)) => {
            let left = name[end..].chars().count();
            format!("{}… ({left} more characters)", &name[..end]).into()
        }
    }
}

/// ", and N more spellings" for the items of `total` past the first [`MAX_SPELLINGS`].
fn left_out(total: usize, what: &str) -> String {
    match total.saturating_sub(MAX_SPELLINGS) {
        0 => String::new(),
        n => format!("; and {n} more {what}"),
    }
}

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
                    "`{}` is not in {AUTHORITIES_FILE}, but may be another spelling of `{}`{elsewhere}",
                    shown(written),
                    shown(&entry.preferred)
                ),
            )
            .with_help(format!(
                "if it is the same {}, add {:?} to the `variants` of `{}` in {AUTHORITIES_FILE}",
                entry.kind.as_str(),
                shown(written),
                shown(&entry.preferred)
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
                .take(MAX_SPELLINGS)
                .map(|s| {
                    let places: Vec<String> = s.locations.iter().take(3).map(place).collect();
                    let more = s.count.saturating_sub(3);
                    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                    let times = if s.count == 1 { "once".to_string() } else { format!("{} times", s.count) };
                    format!("`{}` {times} ({}{more})", shown(&s.spelling), places.join(", "))
                })
                .collect();
            let (file, location) = group.spellings.get(1)?.locations.first()?;
            let (file, location) = (file.as_ref(), *location);
            let entry = &group.suggested;
            let variants: Vec<String> = (entry.variants.iter().take(MAX_SPELLINGS))
                .map(|v| format!("{:?}", shown(v)))
                .collect();
            let spellings_left_out = left_out(group.spellings.len(), "spellings");
            let variants_left_out = left_out(entry.variants.len(), "variants");
            Some(
                Finding::new(
                    Code::NameVariants,
                    file,
                    Some(location),
                    format!(
                        "one {} may be spelled in several ways: {}{spellings_left_out}",
                        entry.kind.as_str(),
                        described.join("; ")
                    ),
                )
                .with_help(if variants.is_empty() {
                    // The other spellings differ only in what the authority match ignores
                    // (case, diacritics, hyphens): the entry's preferred form matches them,
                    // and an entry with `variants: []` would read as if something were missing.
                    format!(
                        "if they are one {}, add to {AUTHORITIES_FILE}: `- {{preferred: {:?}, kind: {}}}` (the other spellings match it already: the match ignores case, diacritics, punctuation and spaces); otherwise ignore this warning",
                        entry.kind.as_str(),
                        shown(&entry.preferred),
                        entry.kind.as_str(),
                    )
                } else {
                    format!(
                        "if they are one {}, add to {AUTHORITIES_FILE}: `- {{preferred: {:?}, kind: {}, variants: [{}]}}`{variants_left_out}; otherwise ignore this warning",
                        entry.kind.as_str(),
                        shown(&entry.preferred),
                        entry.kind.as_str(),
                        variants.join(", ")
                    )
                }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::names::fingerprint::VariantSpelling;

    /// A group of 1,000 spellings of 1,000 characters each (issue #24 measured one warning
    /// of 741 KB on one line): the warning lists the first ten, each name cut at 200
    /// characters, and says how many it left out; it no longer grows with the group.
    #[test]
    fn a_warning_of_a_large_group_is_bounded_and_says_what_it_left_out() {
        let spellings: Vec<VariantSpelling<(PathBuf, Location)>> = (0..1000)
            .map(|i| VariantSpelling {
                spelling: format!("{i:04}{}", "x".repeat(996)),
                count: 1,
                locations: vec![(
                    PathBuf::from("a.yaml"),
                    Location {
                        line: i + 1,
                        col: 1,
                    },
                )],
                as_written: vec![format!("{i:04}")],
            })
            .collect();
        let suggested = AuthorityEntry {
            heading: None,
            preferred: spellings[0].spelling.clone(),
            kind: AgentKind::Person,
            variants: spellings[1..].iter().map(|s| s.spelling.clone()).collect(),
            dates: None,
            ids: Vec::new(),
        };
        let group = VariantGroup {
            key: "k".into(),
            kind: AgentKind::Person,
            spellings,
            suggested,
        };
        let findings = variant_findings(vec![group]);
        assert_eq!(findings.len(), 1);
        let message = &findings[0].message;
        let help = findings[0].help.as_deref().unwrap_or_default();
        assert!(message.ends_with("; and 990 more spellings"), "{message}");
        assert_eq!(message.matches("… (800 more characters)").count(), 10);
        assert!(help.contains("; and 989 more variants"), "{help}");
        // Ten names of 200 characters and their places, not a thousand of a thousand.
        assert!(message.len() < 3_000, "{} bytes", message.len());
        assert!(help.len() < 3_000, "{} bytes", help.len());
    }

    #[test]
    fn a_short_name_is_shown_whole() {
        assert_eq!(shown("Kim Il Sung"), "Kim Il Sung");
        let long = "é".repeat(MAX_NAME_CHARS + 5);
        assert_eq!(
            shown(&long),
            format!("{}… (5 more characters)", "é".repeat(MAX_NAME_CHARS))
        );
    }
}
