//! Periods that carry their years: `Qianlong period (1736-1795)`, `Edo period (1615–1868)`,
//! `Meiji era (1868–1912)`, `Ming dynasty (1368–1644)`.
//!
//! # Why this module exists
//!
//! Museum catalogues of Asian art, and of antiquities, date a work by the period or reign
//! it was made in, and write that period's years in brackets after its name (the
//! Metropolitan Museum's `Edo period (1615–1868)`, `Qing dynasty (1644–1911), Qianlong
//! period (1736–95)`). The years in brackets are the date: the work was made within them.
//! The name itself is not read: no table of periods is kept, since sources give them
//! different years, and a name without its years is refused with a request for them.
//!
//! A name with a word that narrows it (`late Edo period (1615–1868)`, and Egypt's `Late
//! Period (664–332 BC)`, which a word alone cannot tell apart) is refused: the brackets
//! then hold the whole period's years, wider than what was written. Periods written one
//! inside the other (`Qing dynasty (1644–1911), Qianlong period (1736–95)`), or a period
//! followed by the work's own date (`Meiji period (1868–1912), ca. 1880`), are read as the
//! innermost when each one's years lie within the one before; otherwise refused.

/// The last word of a period's name (lower case).
const PERIOD_WORDS: &[&str] = &[
    "period",
    "periods",
    "era",
    "dynasty",
    "dynasties",
    "reign",
    "kingdom",
    "empire",
    "shogunate",
    "sultanate",
    "caliphate",
];

/// Words that narrow a period, or say that its date is not certain: a name holding one is
/// not read as the period's years.
const NARROWING_WORDS: &[&str] = &[
    "early",
    "earlier",
    "mid",
    "middle",
    "late",
    "later",
    "first",
    "second",
    "third",
    "last",
    "half",
    "quarter",
    "end",
    "beginning",
    "start",
    "ca",
    "circa",
    "c",
    "about",
    "probably",
    "possibly",
    "perhaps",
    "before",
    "after",
    "or",
];

/// One period and the date written in brackets after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period<'a> {
    /// The name as written (`Qianlong period`).
    pub name: &'a str,
    /// The text inside the brackets (`1736-1795`).
    pub date: &'a str,
    /// A word of the name that narrows the period (`late`), if any.
    pub narrowed_by: Option<&'a str>,
}

/// `Name period (date)`, or several separated by commas, the last of which may be a date
/// without a name (`Meiji period (1868–1912), ca. 1880`; its `name` is empty) → each
/// period; `None` when `text` is not written that way.
pub(crate) fn split(text: &str) -> Option<Vec<Period<'_>>> {
    let mut periods = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        // After the periods, the work's own date: `Meiji period (1868–1912), ca. 1880`.
        if !periods.is_empty() && !rest.contains(['(', ')', ',']) {
            periods.push(Period {
                name: "",
                date: rest,
                narrowed_by: None,
            });
            break;
        }
        let open = rest.find('(')?;
        let close = open + rest[open..].find(')')?;
        let name = rest[..open].trim();
        let date = rest[open + 1..close].trim();
        if date.is_empty() || date.contains(['(', ')']) {
            return None;
        }
        periods.push(Period {
            name,
            date,
            narrowed_by: period_name(name)?,
        });
        rest = rest[close + 1..].trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
            if rest.is_empty() {
                return None;
            }
        } else if !rest.is_empty() {
            return None;
        }
    }
    (!periods.is_empty()).then_some(periods)
}

/// Whether `text` names a period without giving its years (`Edo period`).
pub(crate) fn names_period_without_years(text: &str) -> bool {
    !text.contains(['(', ')']) && period_name(text).is_some()
}

/// A period's name: words of letters (hyphens and apostrophes inside them), the last one
/// in [`PERIOD_WORDS`] → the word that narrows it, if any (`Some(None)` when none does).
fn period_name(name: &str) -> Option<Option<&str>> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last()?;
    let word_ok = |w: &&str| {
        w.chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '’')
    };
    if !words.iter().all(word_ok) || !PERIOD_WORDS.contains(&last.to_lowercase().as_str()) {
        return None;
    }
    Some(
        words
            .iter()
            .find(|w| NARROWING_WORDS.contains(&w.to_lowercase().as_str()))
            .copied(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_split_from_their_years() {
        let p = split("Qianlong period (1736-1795)").unwrap();
        assert_eq!(
            p,
            [Period {
                name: "Qianlong period",
                date: "1736-1795",
                narrowed_by: None
            }]
        );
        let p = split("Qing dynasty (1644–1911), Qianlong period (1736–95)").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!((p[1].name, p[1].date), ("Qianlong period", "1736–95"));
        assert_eq!(
            split("late Edo period (1615–1868)").unwrap()[0].narrowed_by,
            Some("late")
        );
        let p = split("Meiji period (1868–1912), ca. 1880").unwrap();
        assert_eq!((p[1].name, p[1].date), ("", "ca. 1880"));
        // A date alone, or first, is no period.
        assert_eq!(split("ca. 1880"), None);
        assert_eq!(split("ca. 1880, Meiji period (1868–1912)"), None);
        // Not a period: no period word, digits in the name, text after the brackets, an
        // unclosed bracket, a trailing comma.
        for text in [
            "1828 (or 1836)",
            "Paris (1840)",
            "Dynasty 26 (664–525 BC)",
            "Edo period (1615–1868) or later",
            "Edo period (1615–1868",
            "Edo period (1615–1868),",
            "Edo period ()",
        ] {
            assert_eq!(split(text), None, "{text}");
        }
        assert!(names_period_without_years("Edo period"));
        assert!(!names_period_without_years("undated"));
    }
}
