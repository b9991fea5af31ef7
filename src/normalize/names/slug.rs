//! The slug of an agent's name: its letters and digits (any script), lowercased, joined by
//! `-` (`Kim Il-sung` → `kim-il-sung`, `毛泽东` stays readable: IRIs, RFC 3987, allow
//! non-ASCII letters). It is the last segment of the agent's IRI in the JSON-LD.
//!
//! **Identity** (issue #23: one agent, one heading, one node). The slug is made from what
//! tells agents apart, so that two agents never share a node:
//! - a person's *heading* (`Smith, John, 1900-1980` → `smith-john-1900-1980`), which carries
//!   the life dates and the additions (`Mrs`, `Jr.`), not the display form
//!   (`John Smith` for both `Smith, John, 1900-1980` and `Smith, John, 1901-1970`, and for
//!   both `Goethe, Johann Wolfgang von` and `Von Goethe, Johann Wolfgang`); an
//!   organization's name;
//! - an agent matched in the authority file: its entry's slug ([`super::AuthorityIndex`]
//!   makes one per entry, from the preferred heading without the life dates, so that adding
//!   dates to an entry does not change its IRI; entries whose slugs would be the same are
//!   told apart by their dates, else by their place in the file: [`qualified`]);
//! - a record's own authority `id` that the agent does not already have (two `John Smith`
//!   with different VIAF ids): [`qualified`] by the id (`smith-john--viaf-org-viaf-12`).
//!
//! A slug never holds `--` (runs of other characters become one `-`), so a qualifier after
//! `--` cannot make one agent's slug another's. Headings that differ only in case, spaces
//! or punctuation (`SMITH, JOHN` and `Smith, John`) have one slug: they are one agent, and
//! the engine warns when it meets such a merge (N007).
//!
//! Why it is made here, with the agent, and not by the export: a name is resolved once per
//! thread (the memo in `memo`) but mentioned thousands of times, and making the slug, one
//! character at a time through the case mapping, for every mention cost 1.4 % of a run's
//! instructions (callgrind, `run -j1` over 10k generated records).

/// The slug of `text`; `unnamed` when it has no letter or digit.
pub fn of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    };
    // An ASCII character is lowercased and classified by its ASCII rules, which for ASCII
    // are the Unicode ones, without going through the Unicode case-mapping iterator.
    for c in text.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for lower in c.to_lowercase() {
                push(lower, &mut out);
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("unnamed");
    }
    out
}

/// `base`, told apart by `qualifier` (a date, an authority id): `base--<slug of it>`. An
/// id's scheme and `www.` are left out (`http://viaf.org/viaf/12` → `viaf-org-viaf-12`).
pub fn qualified(base: &str, qualifier: &str) -> String {
    let q = qualifier.trim();
    let q = ["https://", "http://"]
        .iter()
        .find_map(|scheme| {
            q.get(..scheme.len())
                .filter(|head| head.eq_ignore_ascii_case(scheme))
                .map(|_| &q[scheme.len()..])
        })
        .unwrap_or(q);
    let q = q.strip_prefix("www.").unwrap_or(q);
    [base, "--", &of(q)].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slug as it was made before the ASCII path: every character through the Unicode
    /// case mapping.
    fn unicode_slug(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        while out.ends_with('-') {
            out.pop();
        }
        if out.is_empty() {
            "unnamed".into()
        } else {
            out
        }
    }

    #[test]
    fn slugs_agree_with_the_unicode_case_mapping() {
        for text in [
            "Kim Il-sung",
            "A. M. Puzanov",
            "  -- ",
            "",
            "Ministry of Public Security (PRC)",
            "毛泽东",
            "Pak Tŏk-hwan",
            "İSTANBUL ΣΟΦΊΑ",
            "Ludwig van Beethoven, 1770-1827",
            "K\u{212A}elvin",
        ] {
            assert_eq!(of(text), unicode_slug(text), "{text:?}");
        }
        assert_eq!(of("Kim Il-sung"), "kim-il-sung");
    }

    #[test]
    fn a_qualifier_follows_two_hyphens_and_a_slug_never_holds_two() {
        assert_eq!(
            qualified("smith-john", "http://viaf.org/viaf/12"),
            "smith-john--viaf-org-viaf-12"
        );
        assert_eq!(
            qualified("smith-john", " HTTPS://www.wikidata.org/entity/Q1 "),
            "smith-john--wikidata-org-entity-q1"
        );
        assert_eq!(
            qualified("smith-john", "1901-1970"),
            "smith-john--1901-1970"
        );
        for text in ["a -- b", "--", "a--", "Smith, -- John", "a - - b"] {
            assert!(!of(text).contains("--"), "{text:?}");
        }
    }
}
