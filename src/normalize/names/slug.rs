//! The slug of an agent's name: its letters and digits (any script), lowercased, joined by
//! `-` (`Kim Il-sung` → `kim-il-sung`, `毛泽东` stays readable: IRIs, RFC 3987, allow
//! non-ASCII letters). It is the last segment of the agent's IRI in the JSON-LD.
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
}
