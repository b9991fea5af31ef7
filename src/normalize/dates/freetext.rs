//! Free text → EDTF: the forms cataloguers write (`January 11, 1950`, `ca. 1950`,
//! `17 декабря 1957 г.`, `1957年12月17日`, ...). See the parent module's docs for the list
//! and the decisions.
//!
//! The text is cut into at most [`MAX_TOKENS`] tokens held on the stack (numbers, words,
//! dashes, slashes, question marks; periods and commas are dropped), and the token sequence
//! is matched against the known forms. The result is a small [`Expr`] that is written out
//! as an EDTF string once, then validated by the EDTF parser (so impossible days and reversed
//! ranges are refused in one place).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::months;
use super::{DateOptions, DayMonthOrder};

const MAX_TOKENS: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suffix {
    None,
    /// `1st`, `2nd`, `12th`
    Ordinal,
    /// `1950s`, `1950's`
    Decade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Num {
        val: u32,
        len: u8,
        suffix: Suffix,
    },
    /// A word, with what it means worked out once: its keyword flags ([`Kw`]) and the
    /// month or season it names (0 if none).
    Word {
        text: &'a str,
        kw: Kw,
        month: u8,
        /// The weekday it names, 1 = Monday … 7 = Sunday (0 if none).
        weekday: u8,
    },
    /// An en or em dash (or another dash that is not the ASCII hyphen-minus).
    Dash,
    /// The ASCII hyphen-minus `-`: ISO 8601 writes year-month with it, so `1801-10` can be
    /// October 1801, while `1801–10` (en dash) can only be a range.
    Hyphen,
    Slash,
    Question,
    /// `c` written directly before a digit (`c1935`): the MARC/AACR2 copyright mark, or
    /// a careless `c.` (circa).
    CopyrightC,
}

/// Why free text could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFault {
    NoMatch,
    /// Numeric day and month whose order is unknown: (first, second, year).
    Ambiguous(u8, u8, u32),
    /// `1900s`: decade or century.
    Century(u32),
    /// `c.1801-10`: a year and two digits after a hyphen that are both a month (or an EDTF
    /// sub-year grouping) and the end of an abbreviated range: (year, the two digits).
    MonthOrRange(u32, u8),
    /// `c1935`: copyright date (MARC/AACR2 `c` + year) or circa.
    CopyrightOrCirca(u32),
    /// An abbreviated range end that is not after its start (`1899–01`): (start, end as
    /// written, its number of digits).
    AbbreviatedBackwards(u32, u32, u8),
    /// A weekday that the date does not fall on: (named weekday, the day's weekday), both
    /// 1 = Monday … 7 = Sunday.
    Weekday(u8, u8),
    /// A range or set whose start is BC and whose end has no era (`206 BC–220`).
    EndWithoutEra,
}

/// A point in time as free text gives it. `month` 0 = none; 21–24 = a season.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Point {
    year: u32,
    month: u8,
    day: u8,
    /// How many trailing year digits are unspecified (`X`): 1 for a decade (`195X`), 2
    /// for a century (`18XX`).
    unspec: u8,
    uncertain: bool,
    approximate: bool,
    /// `YYYY-NN` with a hyphen where `NN` is a month and also a later year of the same
    /// century (`1801-10`): fine as one end of a range of ISO dates, ambiguous alone.
    month_or_range: bool,
    /// A year before the common era: `year` is then the year as written (`300` in `300
    /// BC`), which EDTF writes astronomically (`-0299`; 1 BC is `0000`).
    bce: bool,
    /// An era was written (`BC`, `AD`, `CE`, …), or given by the other end of a range.
    era: bool,
    /// A year of one or two digits with no era (`50` in `50–44 BC`): read only if the
    /// other end gives one.
    needs_era: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Open,
    At(Point),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expr {
    Point(Point),
    Interval(End, End),
    /// Two alternatives: EDTF one-of `[a,b]` (`all` false) or all-of `{a,b}`.
    Set {
        all: bool,
        a: Point,
        b: Point,
    },
    Undated,
}

impl Point {
    fn write(&self, out: &mut String) {
        // Free-text years have at most four digits (see `year()`), so `{:04}` is the EDTF
        // form. A year before the common era is written astronomically, as EDTF (ISO
        // 8601-2) counts: 1 BC is `0000`, 2 BC is `-0001`, 300 BC is `-0299`. Only whole
        // years are BC here (`bce_ok`): no decade, century, month or day.
        if self.bce {
            match self.year.saturating_sub(1) {
                0 => out.push_str("0000"),
                y => {
                    let _ = write!(out, "-{y:04}");
                }
            }
        } else {
            self.write_ce(out);
        }
        match (self.uncertain, self.approximate) {
            (true, true) => out.push('%'),
            (true, false) => out.push('?'),
            (false, true) => out.push('~'),
            (false, false) => {}
        }
    }

    fn write_ce(&self, out: &mut String) {
        match self.unspec {
            1 => {
                let _ = write!(out, "{:03}X", self.year / 10);
            }
            2 => {
                let _ = write!(out, "{:02}XX", self.year / 100);
            }
            _ => {
                let _ = write!(out, "{:04}", self.year);
            }
        }
        if self.month != 0 {
            let _ = write!(out, "-{:02}", self.month);
        }
        if self.day != 0 {
            let _ = write!(out, "-{:02}", self.day);
        }
    }

    /// Whether the point is a whole year (no month, day or unspecified digits), the only
    /// precision a BC date is read to: a BC day or month is a Julian one, which EDTF's
    /// proleptic Gregorian calendar would shift, and BC decades are not written as digits.
    fn whole_year(&self) -> bool {
        self.month == 0 && self.day == 0 && self.unspec == 0
    }

    /// The point of an astronomical year (EDTF's numbering: 0 is 1 BC, -1 is 2 BC).
    fn astronomical(y: i32) -> Point {
        if y > 0 {
            Point {
                year: y.unsigned_abs(),
                ..Point::default()
            }
        } else {
            Point {
                year: 1i32.saturating_sub(y).unsigned_abs(),
                bce: true,
                era: true,
                ..Point::default()
            }
        }
    }
}

impl Expr {
    /// The EDTF string for this expression (`XXXX` for undated).
    pub(crate) fn to_edtf(self) -> String {
        let mut out = String::with_capacity(24);
        match self {
            Expr::Undated => out.push_str("XXXX"),
            Expr::Point(p) => p.write(&mut out),
            Expr::Set { all, a, b } => {
                out.push(if all { '{' } else { '[' });
                a.write(&mut out);
                out.push(',');
                b.write(&mut out);
                out.push(if all { '}' } else { ']' });
            }
            Expr::Interval(a, b) => {
                for (i, e) in [a, b].into_iter().enumerate() {
                    if i == 1 {
                        out.push('/');
                    }
                    match e {
                        End::Open => out.push_str(".."),
                        End::At(p) => p.write(&mut out),
                    }
                }
            }
        }
        out
    }
}

fn is_cjk_unit(c: char) -> bool {
    matches!(c, '年' | '月' | '日')
}

/// Cut `text` into tokens; `None` when it holds a character no form uses or too many tokens.
/// Also returns which tokens are written right after the one before, with no space between
/// (bit `i` for token `i`): `197-` is a decade, `197 -` is not.
fn tokenize<'a>(text: &'a str, out: &mut [Tok<'a>; MAX_TOKENS]) -> Option<(usize, u32)> {
    let mut n = 0;
    let mut glued = 0u32;
    let spaced = std::cell::Cell::new(false);
    let mut push = |t: Tok<'a>| -> Option<()> {
        *out.get_mut(n)? = t;
        if !spaced.get() {
            glued |= 1 << n;
        }
        n += 1;
        Some(())
    };
    let mut it = text.char_indices().peekable();
    let mut after_space = false;
    while let Some((start, c)) = it.next() {
        if c.is_whitespace() || c == '.' || c == ',' {
            after_space = c.is_whitespace();
            continue;
        }
        spaced.set(std::mem::take(&mut after_space));
        if c.is_ascii_digit() {
            let mut val: u32 = c.to_digit(10)?;
            let mut len: u8 = 1;
            while let Some(&(_, d)) = it.peek() {
                let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) else {
                    break;
                };
                val = val.saturating_mul(10).saturating_add(v);
                len = len.saturating_add(1);
                it.next();
            }
            // Suffixes written onto the number: st/nd/rd/th, s, 's.
            let rest = text.get(start + usize::from(len)..).unwrap_or("");
            let letters: usize = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            let word = &rest[..letters];
            let mut suffix = Suffix::None;
            let mut skip = 0;
            if ["st", "nd", "rd", "th"]
                .iter()
                .any(|s| word.eq_ignore_ascii_case(s))
            {
                suffix = Suffix::Ordinal;
                skip = 2;
            } else if word.eq_ignore_ascii_case("s") {
                suffix = Suffix::Decade;
                skip = 1;
            } else if letters == 0 {
                let mut cs = rest.chars();
                if let (Some('\'' | '’'), Some('s' | 'S')) = (cs.next(), cs.next())
                    && !cs.next().is_some_and(char::is_alphabetic)
                {
                    suffix = Suffix::Decade;
                    skip = 2;
                }
            }
            for _ in 0..skip {
                it.next();
            }
            push(Tok::Num { val, len, suffix })?;
        } else if is_cjk_unit(c) {
            push(word_token(&text[start..start + c.len_utf8()]))?;
        } else if c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = it.peek() {
                // Combining marks belong to the word: `März` may arrive decomposed.
                if !(d.is_alphabetic() || is_combining_mark(d)) || is_cjk_unit(d) {
                    break;
                }
                end = i + d.len_utf8();
                it.next();
            }
            let word = &text[start..end];
            if word.eq_ignore_ascii_case("c") && it.peek().is_some_and(|&(_, d)| d.is_ascii_digit())
            {
                push(Tok::CopyrightC)?;
            } else {
                push(word_token(word))?;
            }
        } else {
            match c {
                // A hyphen with a space on either side separates a range (`1983 - 03 Sep
                // 2015`); only one between digits can be ISO's year-month hyphen.
                '-' if spaced.get() || it.peek().is_some_and(|&(_, d)| d.is_whitespace()) => {
                    push(Tok::Dash)?
                }
                '-' => push(Tok::Hyphen)?,
                '–' | '—' | '‐' | '‑' | '−' => push(Tok::Dash)?,
                '/' => push(Tok::Slash)?,
                '?' => push(Tok::Question)?,
                _ => return None,
            }
        }
    }
    Some((n, glued))
}

const APPROX_WORDS: &[&str] = &[
    "ca",
    "circa",
    "c",
    "approx",
    "approximately",
    "about",
    "around",
    "um",
    "etwa",
    "gegen",
    "около",
    "ок",
    "około",
    "ok",
    "kb",
    "körülbelül",
    "cca",
];
/// `probably 1867` (DACS 2.4.15): EDTF's "uncertain", `1867?`.
const UNCERTAIN_WORDS: &[&str] = &[
    "probably",
    "prob",
    "possibly",
    "perhaps",
    "wahrscheinlich",
    "vermutlich",
];
const BEFORE_WORDS: &[&str] = &["before", "bef", "vor", "до", "przed"];
const AFTER_WORDS: &[&str] = &["after", "aft", "nach", "после", "po"];
const BETWEEN_WORDS: &[&str] = &["between", "zwischen", "между", "pomiędzy", "między"];
const AND_WORDS: &[&str] = &["and", "und", "и", "i", "a", "és"];
/// `1786 or 1800`: alternatives (an EDTF one-of set).
const OR_WORDS: &[&str] = &["or", "oder", "или", "lub", "albo", "vagy"];
/// Eras written after a year or a century, as words (periods are dropped, so `B.C.` is
/// `b`, `c`): `true` before the common era (English `BC`, `BCE`; German `v. Chr.`),
/// `false` in it (`AD`, `CE`; German `n. Chr.`). Longer forms first.
const ERAS: &[(&[&str], bool)] = &[
    (&["bce"], true),
    (&["bc"], true),
    (&["b", "c", "e"], true),
    (&["b", "c"], true),
    (&["v", "chr"], true),
    (&["vor", "christus"], true),
    (&["ce"], false),
    (&["ad"], false),
    (&["c", "e"], false),
    (&["a", "d"], false),
    (&["n", "chr"], false),
    (&["nach", "christus"], false),
];
/// `not` in `not before 1910`, `no later than 1920`.
const NOT_WORDS: &[&str] = &["not", "no", "nicht", "nie"];
/// `19th century`, `19th cent.`, `19th C` (the `c` is read as "century" only after an
/// ordinal number).
const CENTURY_WORDS: &[&str] = &["century", "centuries", "cent", "jahrhundert", "jh", "jhdt"];
/// `3rd millennium BC` (also misspelt with one `n`).
const MILLENNIUM_WORDS: &[&str] = &["millennium", "millennia", "millenium", "millenia"];
/// Century words that follow a plain number: German `19. Jahrhundert`, `19. Jh.` (the
/// period that makes the number ordinal is dropped with the other periods).
const NUMBERED_CENTURY_WORDS: &[&str] = &["jahrhundert", "jh", "jhdt"];
const FROM_WORDS: &[&str] = &["from", "von", "с", "od"];
const TO_WORDS: &[&str] = &["to", "until", "till", "through", "bis", "до", "по", "do"];
/// Words written after a year: Russian `г.`/`года`/`год`, Polish `r.`/`roku`.
const YEAR_MARK_WORDS: &[&str] = &["г", "года", "год", "r", "rok", "roku", "évben"];

/// Keyword flags, so that each word is compared with the word lists once, when it is cut.
type Kw = u32;
const APPROX: Kw = 1;
const BEFORE: Kw = 1 << 1;
const AFTER: Kw = 1 << 2;
const BETWEEN: Kw = 1 << 3;
const AND: Kw = 1 << 4;
const FROM: Kw = 1 << 5;
const TO: Kw = 1 << 6;
const YEAR_MARK: Kw = 1 << 7;
const THE: Kw = 1 << 8;
const EARLY: Kw = 1 << 9;
const MID: Kw = 1 << 10;
const LATE: Kw = 1 << 11;
const OF: Kw = 1 << 12;
const HU_DAY: Kw = 1 << 13;
const OR: Kw = 1 << 14;
const NOT: Kw = 1 << 15;
const CENTURY: Kw = 1 << 16;
const EARLIER: Kw = 1 << 17;
const LATER: Kw = 1 << 18;
const THAN: Kw = 1 << 19;
const NUMBERED_CENTURY: Kw = 1 << 20;
const UNCERTAIN: Kw = 1 << 21;

const KEYWORD_LISTS: &[(&[&str], Kw)] = &[
    (APPROX_WORDS, APPROX),
    (BEFORE_WORDS, BEFORE),
    (AFTER_WORDS, AFTER),
    (BETWEEN_WORDS, BETWEEN),
    (AND_WORDS, AND),
    (FROM_WORDS, FROM),
    (TO_WORDS, TO),
    (YEAR_MARK_WORDS, YEAR_MARK),
    (&["the"], THE),
    (&["early"], EARLY),
    (&["mid", "middle"], MID),
    (&["late"], LATE),
    (&["of"], OF),
    (&["én", "án", "jén", "ján", "i"], HU_DAY),
    (OR_WORDS, OR),
    (NOT_WORDS, NOT),
    (CENTURY_WORDS, CENTURY),
    (NUMBERED_CENTURY_WORDS, NUMBERED_CENTURY),
    (&["earlier"], EARLIER),
    (&["later"], LATER),
    (&["than"], THAN),
    (UNCERTAIN_WORDS, UNCERTAIN),
];

/// Whether the reader knows `word` (any case): a month, weekday, ordinal or keyword. A known
/// word is never respelled as a misspelt month (`late` is not `lato`).
pub(super) fn is_known_word(word: &str) -> bool {
    word_index().contains_key(word.to_lowercase().as_str())
}

/// What a known word means: keyword flags, month or season, weekday, ordinal number.
type WordInfo = (Kw, u8, u8, u8);

/// Every known word (lower case) → its [`WordInfo`]. Built once from
/// [`months::MONTH_NAMES`], [`months::WEEKDAY_NAMES`], [`months::ORDINAL_WORDS`] and the
/// keyword lists, so a word costs one lookup.
fn word_index() -> &'static HashMap<&'static str, WordInfo> {
    static INDEX: OnceLock<HashMap<&'static str, WordInfo>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<&'static str, WordInfo> = HashMap::new();
        for &(_, name, n) in months::MONTH_NAMES {
            map.entry(name).or_default().1 = n;
        }
        for &(_, name, n) in months::WEEKDAY_NAMES {
            map.entry(name).or_default().2 = n;
        }
        for &(name, n) in months::ORDINAL_WORDS {
            map.entry(name).or_default().3 = n;
        }
        for &(list, flag) in KEYWORD_LISTS {
            for &w in list {
                map.entry(w).or_default().0 |= flag;
            }
        }
        map
    })
}

/// `text` in lower case, in `buf`; `None` if it does not fit (no known word is that long).
/// Non-ASCII words are put in composed form (NFC) first, as the table is written.
fn lower<'b>(text: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    let mut n = 0;
    let mut put = |c: char| -> Option<()> {
        let len = c.len_utf8();
        c.encode_utf8(buf.get_mut(n..n + len)?);
        n += len;
        Some(())
    };
    if text.is_ascii() {
        for c in text.chars() {
            put(c.to_ascii_lowercase())?;
        }
    } else {
        for c in text.nfc().flat_map(char::to_lowercase) {
            put(c)?;
        }
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

fn word_token(text: &str) -> Tok<'_> {
    let mut buf = [0u8; 64];
    let (kw, month, weekday, ordinal) = lower(text, &mut buf)
        .and_then(|w| word_index().get(w).copied())
        .unwrap_or_default();
    if ordinal != 0 {
        // `nineteenth` reads as `19th`.
        return Tok::Num {
            val: u32::from(ordinal),
            len: 2,
            suffix: Suffix::Ordinal,
        };
    }
    Tok::Word {
        text,
        kw,
        month,
        weekday,
    }
}

struct Parser<'t, 'a> {
    toks: &'t [Tok<'a>],
    /// Bit `i`: token `i` follows token `i - 1` with no space between.
    glued: u32,
    pos: usize,
    order: Option<DayMonthOrder>,
}

type Res<T> = Result<Option<T>, TextFault>;

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn word(&mut self, flag: Kw) -> bool {
        if let Some(Tok::Word { kw, .. }) = self.peek()
            && kw & flag != 0
        {
            self.pos += 1;
            return true;
        }
        false
    }

    fn tok(&mut self, t: Tok<'a>) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn cjk(&mut self, unit: &str) -> bool {
        if let Some(Tok::Word { text, .. }) = self.peek()
            && text == unit
        {
            self.pos += 1;
            return true;
        }
        false
    }

    /// Whether the next token is written right after the previous one, with no space.
    fn glued(&self) -> bool {
        self.glued >> self.pos & 1 == 1
    }

    /// Any dash, the hyphen-minus included.
    fn dash(&mut self) -> bool {
        self.tok(Tok::Dash) || self.tok(Tok::Hyphen)
    }

    /// A dash or a word such as `to`.
    fn range_sep(&mut self) -> bool {
        self.dash() || self.word(TO)
    }

    /// A month name (or Roman numeral) → 1–12.
    fn month(&mut self) -> Option<u8> {
        if let Some(Tok::Word {
            month: m @ 1..=12, ..
        }) = self.peek()
        {
            self.pos += 1;
            return Some(m);
        }
        None
    }

    fn season(&mut self) -> Option<u8> {
        if let Some(Tok::Word {
            month: m @ 21..=24, ..
        }) = self.peek()
        {
            self.pos += 1;
            return Some(m);
        }
        None
    }

    /// A day number (one or two digits, ordinal or not), optionally followed by `of`.
    fn day(&mut self) -> Option<u8> {
        if let Some(Tok::Num { val, len, suffix }) = self.peek()
            && len <= 2
            && suffix != Suffix::Decade
        {
            self.pos += 1;
            self.word(OF);
            // 0 is no day (and 0 stands for "none" in `Point`): not a match.
            return u8::try_from(val).ok().filter(|&d| d != 0);
        }
        None
    }

    /// A plain number of one or two digits (numeric months and days).
    fn small(&mut self) -> Option<u8> {
        if let Some(Tok::Num {
            val,
            len: 1..=2,
            suffix: Suffix::None,
        }) = self.peek()
        {
            self.pos += 1;
            return u8::try_from(val).ok().filter(|&v| v != 0);
        }
        None
    }

    /// A four-digit year, with an optional year word after it (`г.`, `r.`).
    fn year(&mut self) -> Option<u32> {
        self.year_of(4, 0..=u32::MAX)
    }

    /// A year of three digits (`960` in `960–1279`): read as a year, as a YAML integer
    /// `960` is; one or two digits are a year only with an era (`44 BC`, see `point`).
    fn three_digit_year(&mut self) -> Option<u32> {
        self.year_of(3, 100..=999)
    }

    /// A number of `digits` digits in `range`, with an optional year word after it.
    fn year_of(&mut self, digits: u8, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
        if let Some(Tok::Num {
            val,
            len,
            suffix: Suffix::None,
        }) = self.peek()
            && len == digits
            && range.contains(&val)
        {
            self.pos += 1;
            self.word(YEAR_MARK);
            return Some(val);
        }
        None
    }

    /// A year of at most `max` digits, not 0 (there is no year 0 BC or AD).
    fn short_year(&mut self, max: u8) -> Option<Point> {
        if let Some(Tok::Num {
            val,
            len,
            suffix: Suffix::None,
        }) = self.peek()
            && len <= max
            && val > 0
        {
            self.pos += 1;
            return Some(Point {
                year: val,
                ..Point::default()
            });
        }
        None
    }

    /// The next word, if its text is `text` (ASCII, any case).
    fn text_word(&mut self, text: &str) -> bool {
        if let Some(Tok::Word { text: t, .. }) = self.peek()
            && t.eq_ignore_ascii_case(text)
        {
            self.pos += 1;
            return true;
        }
        false
    }

    /// All of `words` in sequence, or nothing consumed.
    fn text_words(&mut self, words: &[&str]) -> bool {
        self.opt(|s| words.iter().all(|w| s.text_word(w)).then_some(()))
            .is_some()
    }

    /// An era written after a year or a century: `Some(true)` before the common era,
    /// `Some(false)` in it ([`ERAS`]).
    fn era_suffix(&mut self) -> Option<bool> {
        ERAS.iter()
            .find(|(words, _)| self.text_words(words))
            .map(|&(_, bce)| bce)
    }

    /// `AD` or `A.D.` written before a year (`AD 220`).
    fn era_prefix(&mut self) -> bool {
        self.text_words(&["ad"]) || self.text_words(&["a", "d"])
    }

    /// Try `f`; on no match, rewind.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<T> {
        let save = self.pos;
        let r = f(self);
        if !matches!(r, Ok(Some(_))) {
            self.pos = save;
        }
        r
    }

    /// Try `f` returning an option; on `None`, rewind.
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let save = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = save;
        }
        r
    }

    /// Trailing `?`.
    fn question(&mut self, mut p: Point) -> Point {
        if self.tok(Tok::Question) {
            p.uncertain = true;
        }
        p
    }

    /// One point in time.
    fn point(&mut self) -> Res<Point> {
        self.attempt(|s| {
            if s.tok(Tok::CopyrightC) {
                return match s.point_inner()? {
                    Some(p) => Err(TextFault::CopyrightOrCirca(p.year)),
                    None => Ok(None),
                };
            }
            let uncertain = s.word(UNCERTAIN);
            let approximate = s.word(APPROX);
            // `AD 220`, `220 AD`, `300 BC`, `44 B.C.`: a year of one or two digits is read
            // only with its era; three or four digits are a year without one.
            let (p, era) = if s.era_prefix() {
                (s.short_year(4), Some(false))
            } else if let Some((p, bce)) = s.opt(|s| {
                // A year and its era first: `1000 v. Chr.` is not May (`V`) of 1000.
                let p = s.short_year(4)?;
                Some((p, s.era_suffix()?))
            }) {
                (Some(p), Some(bce))
            } else {
                (s.point_inner()?, None)
            };
            let Some(mut p) = p else {
                return Ok(None);
            };
            match era.or_else(|| s.era_suffix()) {
                // A BC date is a whole year: a month or day would be a Julian one, which
                // EDTF's proleptic Gregorian calendar does not hold; a BC century is read
                // as a range by `centuries`, a decade with an era not at all.
                Some(true) if !p.whole_year() => return Ok(None),
                Some(_) if p.unspec == 1 => return Ok(None),
                Some(bce) => {
                    p.bce = bce;
                    p.era = true;
                }
                None => {}
            }
            let mut p = s.question(p);
            p.approximate |= approximate;
            p.uncertain |= uncertain;
            Ok(Some(p))
        })
    }

    fn point_inner(&mut self) -> Res<Point> {
        let ymd = |year, month, day| Point {
            year,
            month,
            day,
            ..Point::default()
        };
        // 1957-11-12, 1957-11 (ISO with dashes), 1950/01/11, 1957.12.17 (periods dropped)
        if let Some(p) = self.opt(|s| {
            let y = s.year()?;
            let sep = s.peek()?;
            match sep {
                Tok::Dash | Tok::Hyphen | Tok::Slash => {
                    s.pos += 1;
                    let two_digits = matches!(s.peek(), Some(Tok::Num { len: 2, .. }));
                    let m = s.small()?;
                    if s.tok(sep) {
                        let d = s.small()?;
                        Some(ymd(y, m, d))
                    } else if sep == Tok::Hyphen && two_digits && (1..=12).contains(&m) {
                        // ISO 8601 year-month is written with the hyphen-minus and two
                        // digits; `1843-4` and `1843–04` are abbreviated ranges instead.
                        Some(Point {
                            month_or_range: u32::from(m) > y % 100,
                            ..ymd(y, m, 0)
                        })
                    } else {
                        None
                    }
                }
                Tok::Num { .. } => {
                    let m = s.small()?;
                    let d = s.small()?;
                    Some(ymd(y, m, d))
                }
                _ => None,
            }
        }) {
            return Ok(Some(p));
        }
        // 1957年12月17日, 1957年12月, 1957年
        if let Some(p) = self.opt(|s| {
            let y = s.year()?;
            if !s.cjk("年") {
                return None;
            }
            let Some(m) = s.opt(|s| {
                let m = s.small()?;
                s.cjk("月").then_some(m)
            }) else {
                return Some(ymd(y, 0, 0));
            };
            let d = s
                .opt(|s| {
                    let d = s.small()?;
                    s.cjk("日").then_some(d)
                })
                .unwrap_or(0);
            Some(ymd(y, m, d))
        }) {
            return Ok(Some(p));
        }
        // 03/04/1957, 3.4.1957, 3-4-1957: numeric day and month
        let numeric = self.attempt(|s| {
            let Some(a) = s.small() else {
                return Ok(None);
            };
            let sep = s.peek();
            if matches!(sep, Some(Tok::Dash | Tok::Hyphen | Tok::Slash)) {
                s.pos += 1;
            }
            let Some(b) = s.small() else {
                return Ok(None);
            };
            if let Some(t @ (Tok::Dash | Tok::Hyphen | Tok::Slash)) = sep
                && !s.tok(t)
            {
                return Ok(None);
            }
            let Some(y) = s.year() else {
                return Ok(None);
            };
            let (day, month) = match s.order {
                Some(DayMonthOrder::DayFirst) => (a, b),
                Some(DayMonthOrder::MonthFirst) => (b, a),
                // One reading only: the same either way, or one number cannot be a month.
                None if a == b || b > 12 => (b, a),
                None if a > 12 => (a, b),
                None => return Err(TextFault::Ambiguous(a, b, y)),
            };
            Ok(Some(ymd(y, month, day)))
        })?;
        if numeric.is_some() {
            return Ok(numeric);
        }
        // Month D, YYYY
        if let Some(p) = self.opt(|s| {
            let m = s.month()?;
            let d = s.day()?;
            let y = s.year()?;
            Some(ymd(y, m, d))
        }) {
            return Ok(Some(p));
        }
        // D Month YYYY (also `17. XII. 1957`, `12th of November 1957`)
        if let Some(p) = self.opt(|s| {
            let d = s.day()?;
            let m = s.month()?;
            let y = s.year()?;
            Some(ymd(y, m, d))
        }) {
            return Ok(Some(p));
        }
        // Month YYYY, Season YYYY
        if let Some(p) = self.opt(|s| {
            let m = s.month().or_else(|| s.season())?;
            let y = s.year()?;
            Some(ymd(y, m, 0))
        }) {
            return Ok(Some(p));
        }
        // YYYY Month D (Hungarian `1957. december 17.`), YYYY Month
        if let Some(p) = self.opt(|s| {
            let y = s.year()?;
            let m = s.month()?;
            let d = s
                .opt(|s| {
                    let d = s.day()?;
                    // Hungarian day suffixes: `17-én`, `2-án`, `1-jén`, `17-i`.
                    s.opt(|s| (s.dash() && s.word(HU_DAY)).then_some(()));
                    Some(d)
                })
                .unwrap_or(0);
            Some(ymd(y, m, d))
        }) {
            return Ok(Some(p));
        }
        // 1950s
        if let Some(Tok::Num {
            val,
            len: 4,
            suffix: Suffix::Decade,
        }) = self.peek()
        {
            if val % 100 == 0 {
                return Err(TextFault::Century(val));
            }
            if val % 10 == 0 {
                self.pos += 1;
                return Ok(Some(Point {
                    year: val,
                    unspec: 1,
                    ..Point::default()
                }));
            }
            return Ok(None);
        }
        // AACR2 1.4F7 / RDA 1.9.2: a dash for each unknown digit, `197-` (probable decade
        // when followed by `?`), `18--` (century). Nothing but `?` may follow.
        if let Some(p) = self.opt(|s| {
            let Some(Tok::Num {
                val,
                len: len @ 2..=3,
                suffix: Suffix::None,
            }) = s.peek()
            else {
                return None;
            };
            s.pos += 1;
            let unspec = 4 - len;
            // The dashes are written onto the digits: `197-`, `18--`, never `18 - -`.
            for _ in 0..unspec {
                if !(s.glued() && s.dash()) {
                    return None;
                }
            }
            matches!(s.peek(), None | Some(Tok::Question)).then(|| Point {
                year: val * 10u32.pow(u32::from(unspec)),
                unspec,
                ..Point::default()
            })
        }) {
            return Ok(Some(p));
        }
        // `19th century`, `19th cent.`, `19th C`, `nineteenth century` → `18XX`.
        if let Some(p) = self.opt(|s| {
            let n = s.ordinal()?;
            s.century_word().then(|| century(n))
        }) {
            return Ok(Some(p));
        }
        // `19. Jahrhundert`, `19. Jh.`
        if let Some(p) = self.opt(|s| {
            let Some(Tok::Num {
                val: n @ 1..=99,
                len: 1..=2,
                suffix: Suffix::None,
            }) = s.peek()
            else {
                return None;
            };
            s.pos += 1;
            s.word(NUMBERED_CENTURY).then(|| century(n))
        }) {
            return Ok(Some(p));
        }
        // YYYY, YYY
        Ok(self
            .year()
            .or_else(|| self.three_digit_year())
            .map(|y| ymd(y, 0, 0)))
    }

    /// A range written once for both ends: `November 12-14, 1957`, `12-14 November 1957`,
    /// `November 30 - December 2, 1957`, `30 November - 2 December 1957`,
    /// `November-December 1957`.
    fn shared_year_range(&mut self) -> Option<(Point, Point)> {
        let pt = |year, month, day| Point {
            year,
            month,
            day,
            ..Point::default()
        };
        // DACS 2.4.13, year first: `1975 March-August`.
        if let Some(r) = self.opt(|s| {
            let y = s.year()?;
            let m1 = s.month()?;
            if !s.range_sep() {
                return None;
            }
            let m2 = s.month()?;
            Some((pt(y, m1, 0), pt(y, m2, 0)))
        }) {
            return Some(r);
        }
        self.opt(|s| {
            let m = s.month()?;
            let d1 = s.day()?;
            if !s.range_sep() {
                return None;
            }
            let (m2, d2) = match s.opt(|s| s.month()) {
                Some(m2) => (m2, s.day()?),
                None => (m, s.day()?),
            };
            let y = s.year()?;
            Some((pt(y, m, d1), pt(y, m2, d2)))
        })
        .or_else(|| {
            self.opt(|s| {
                let d1 = s.day()?;
                let m1 = s.opt(|s| s.month());
                if !s.range_sep() {
                    return None;
                }
                let d2 = s.day()?;
                let m2 = s.month()?;
                let y = s.year()?;
                Some((pt(y, m1.unwrap_or(m2), d1), pt(y, m2, d2)))
            })
        })
        .or_else(|| {
            self.opt(|s| {
                let m1 = s.month()?;
                if !s.range_sep() {
                    return None;
                }
                let m2 = s.month()?;
                let y = s.year()?;
                Some((pt(y, m1, 0), pt(y, m2, 0)))
            })
        })
    }

    /// An ordinal number (`19th`, `nineteenth`) of at most two digits.
    fn ordinal(&mut self) -> Option<u32> {
        if let Some(Tok::Num {
            val: n @ 1..=99,
            len: 1..=2,
            suffix: Suffix::Ordinal,
        }) = self.peek()
        {
            self.pos += 1;
            return Some(n);
        }
        None
    }

    /// `century`, `cent.`, or `C` / `c.` (read so only after an ordinal), optionally after a
    /// dash (`19th-century`).
    fn century_word(&mut self) -> bool {
        self.opt(|s| {
            s.dash();
            let yes = matches!(s.peek(), Some(Tok::Word { kw, text, .. })
                if kw & CENTURY != 0 || text.eq_ignore_ascii_case("c"));
            yes.then(|| s.pos += 1)
        })
        .is_some()
    }

    /// A weekday name (`Monday`, `Mon.`), 1 = Monday … 7 = Sunday.
    fn weekday(&mut self) -> Option<u8> {
        if let Some(Tok::Word {
            weekday: w @ 1..=7, ..
        }) = self.peek()
        {
            self.pos += 1;
            return Some(w);
        }
        None
    }

    /// The whole value: an optional leading `?` (the date is uncertain: `?c.1785`,
    /// `?1820s`, `?1787–8`) and an optional weekday, which must agree with the day.
    fn expr(&mut self) -> Res<Expr> {
        let uncertain = self.tok(Tok::Question);
        let weekday = self.weekday();
        let Some(mut e) = self.expr_inner()? else {
            return Ok(None);
        };
        if let Some(named) = weekday {
            // A weekday goes with a single, whole day.
            let Expr::Point(p) = e else {
                return Ok(None);
            };
            if p.day == 0 || p.unspec != 0 {
                return Ok(None);
            }
            // A day the calendar does not have is refused later, by the EDTF validator.
            if let Some(actual) = weekday_of(&p)
                && actual != named
            {
                return Err(TextFault::Weekday(named, actual));
            }
        }
        if uncertain {
            e = e.map_points(|p| p.uncertain = true);
        }
        // `c.1801-10` alone: October 1801 or 1801–1810? Inside a range of ISO dates
        // (`1801-10 to 1801-12`) the month reading is the only one.
        let flagged = |p: &Point| p.month_or_range;
        let refuse = match e {
            Expr::Point(p) => flagged(&p).then_some(p),
            Expr::Interval(End::At(a), End::At(b)) => {
                if flagged(&a) && b.month == 0 {
                    Some(a)
                } else if flagged(&b) && a.month == 0 {
                    Some(b)
                } else {
                    None
                }
            }
            Expr::Interval(End::At(p), End::Open) | Expr::Interval(End::Open, End::At(p)) => {
                flagged(&p).then_some(p)
            }
            Expr::Set { a, b, .. } => [a, b].into_iter().find(flagged),
            _ => None,
        };
        if let Some(p) = refuse {
            return Err(TextFault::MonthOrRange(p.year, p.month));
        }
        Ok(Some(e))
    }

    /// `early|mid|late` (with or without a dash) before a decade or century → its first
    /// and last year. Decade: years 0–3, 3–6, 7–9; century: decades 0–3, 3–6, 7–9.
    fn part(&mut self) -> Res<(Point, Point)> {
        self.attempt(Self::part_inner)
    }

    fn part_inner(&mut self) -> Res<(Point, Point)> {
        let Some(which) = self.opt(|s| {
            let w = if s.word(EARLY) {
                0
            } else if s.word(MID) {
                1
            } else if s.word(LATE) {
                2
            } else {
                return None;
            };
            s.dash();
            Some(w)
        }) else {
            return Ok(None);
        };
        let Some(mut p) = self.point()?.filter(|p| p.unspec == 1 || p.unspec == 2) else {
            return Ok(None);
        };
        let (a, b) = if p.unspec == 1 {
            [(0, 3), (3, 6), (7, 9)][which]
        } else {
            [(0, 39), (30, 69), (70, 99)][which]
        };
        p.unspec = 0;
        let (mut p1, mut p2) = (p, p);
        p1.year += a;
        p2.year += b;
        Ok(Some((p1, p2)))
    }

    /// The second member of a range or of alternatives: a point, or the last digits of a
    /// year after `a` (`1843–4`, `1858–64`, `1921–c.23`, `1860 or 63`).
    fn end(&mut self, a: Point) -> Res<Point> {
        if let Some(b) = self.point()? {
            return Ok(Some(b));
        }
        // `1950s–60s`: a decade ended by a later decade of the same century.
        if a.unspec == 1
            && a.month == 0
            && let Some(Tok::Num {
                val,
                len: 2,
                suffix: Suffix::Decade,
            }) = self.peek()
        {
            let year = a.year - a.year % 100 + val;
            if val % 10 != 0 || year <= a.year {
                return Ok(None);
            }
            self.pos += 1;
            let b = Point {
                year,
                unspec: 1,
                ..Point::default()
            };
            return Ok(Some(self.question(b)));
        }
        // No abbreviated end after a year with an era: `206 BC–20` ends in the year 20 of
        // an era not written (which `eras` refuses).
        if a.era && a.whole_year() {
            return Ok(self.short_year(2));
        }
        if a.month != 0 || a.unspec != 0 {
            return Ok(None);
        }
        self.attempt(|s| {
            let approximate = s.word(APPROX);
            let Some(Tok::Num {
                val,
                len: len @ 1..=2,
                suffix: Suffix::None,
            }) = s.peek()
            else {
                return Ok(None);
            };
            s.pos += 1;
            let unit = 10u32.pow(u32::from(len));
            let year = a.year - a.year % unit + val;
            // The written digits replace the last digits of the start; an end that is not
            // later (`1899–01`, `1843–3`) is refused, not rolled over into the next decade
            // or century: inclusive years that cross a century are written in full.
            if year <= a.year {
                // Only when nothing else follows: `1958-10-1958` is not a range at all.
                s.tok(Tok::Question);
                if !s.at_end() {
                    return Ok(None);
                }
                return Err(TextFault::AbbreviatedBackwards(a.year, val, len));
            }
            let p = Point {
                year,
                approximate,
                ..Point::default()
            };
            Ok(Some(s.question(p)))
        })
    }

    fn expr_inner(&mut self) -> Res<Expr> {
        // not before / not after / no earlier than / no later than
        if self.word(NOT) {
            let later = if self.word(BEFORE) || (self.word(EARLIER) && self.word(THAN)) {
                true
            } else if self.word(AFTER) || (self.word(LATER) && self.word(THAN)) {
                false
            } else {
                return Ok(None);
            };
            return Ok(self.point()?.map(|p| {
                if later {
                    Expr::Interval(End::At(p), End::Open)
                } else {
                    Expr::Interval(End::Open, End::At(p))
                }
            }));
        }
        // before / after
        if self.word(BEFORE) {
            return Ok(self.point()?.map(|p| Expr::Interval(End::Open, End::At(p))));
        }
        if self.word(AFTER) {
            return Ok(self.point()?.map(|p| Expr::Interval(End::At(p), End::Open)));
        }
        // between A and B; a `?` after B qualifies the whole statement, as in AACR2's
        // `[between 1906 and 1912?]`.
        if self.word(BETWEEN) {
            let Some(mut a) = self.point()? else {
                return Ok(None);
            };
            if !self.word(AND) {
                return Ok(None);
            }
            return Ok(self.end(a)?.map(|b| {
                a.uncertain |= b.uncertain;
                Expr::Interval(End::At(a), End::At(b))
            }));
        }
        self.word(FROM);
        self.word(THE);
        if let Some(e) = self.centuries()? {
            return Ok(Some(e));
        }
        // early / mid / late 1950s, 19th century; `late 1950s–early 1960s`
        if let Some((p1, p2)) = self.part()? {
            if self.at_end() {
                return Ok(Some(Expr::Interval(End::At(p1), End::At(p2))));
            }
            if !self.range_sep() {
                return Ok(None);
            }
            let end = match self.part()? {
                Some((_, q2)) => q2,
                None => match self.point()? {
                    Some(q) if q.unspec == 0 => q,
                    _ => return Ok(None),
                },
            };
            return Ok(Some(Expr::Interval(End::At(p1), End::At(end))));
        }
        // A qualifier before a range or alternatives applies to both ends (`c.1814–15`).
        let uncertain = self.word(UNCERTAIN);
        let approximate = self.word(APPROX);
        let mark = |mut p: Point| {
            p.approximate |= approximate;
            p.uncertain |= uncertain;
            p
        };
        if let Some((a, b)) = self.shared_year_range() {
            // One expression (`November 12–14, 1957?`): a `?` after it qualifies it whole.
            let b = self.question(b);
            let a = Point {
                uncertain: b.uncertain,
                ..a
            };
            return Ok(Some(Expr::Interval(End::At(mark(a)), End::At(mark(b)))));
        }
        // `50–44 BC`, `44 or 43 BC`: a year of one or two digits starts a range or a set
        // whose end gives the era (`eras`); alone, it is no year.
        let Some(a) = self.point()?.or_else(|| {
            self.short_year(2).map(|p| Point {
                needs_era: true,
                ..p
            })
        }) else {
            return Ok(None);
        };
        if self.at_end() {
            return Ok((!a.needs_era).then_some(Expr::Point(mark(a))));
        }
        // `1786 or 1800` → one of; `1833 and 1836` → all of. Members are separate
        // statements: `c.1826 or 1834` qualifies the first only (a range's ends, by
        // contrast, share the qualifier). As with `between`, a `?` after the last member
        // qualifies the whole statement (`[1971 or 1972?]`).
        let or = self.word(OR);
        // Not `a`: "and" in Czech and Slovak, but "to" in Spanish, Italian and Portuguese.
        let and = !or
            && !matches!(self.peek(), Some(Tok::Word { text, .. }) if text.eq_ignore_ascii_case("a"))
            && self.word(AND);
        if or || and {
            // Members written to different precisions (`May 1950 or 1951`: May 1951, or any
            // time in 1951?) say no one thing: not read.
            let same_precision =
                |b: &Point| (a.month == 0) == (b.month == 0) && (a.day == 0) == (b.day == 0);
            let Some(b) = self.end(a)?.filter(same_precision) else {
                return Ok(None);
            };
            let mut a = a;
            eras(&mut a, &b)?;
            return Ok(Some(Expr::Set {
                all: !or,
                a: mark(Point {
                    uncertain: a.uncertain || b.uncertain,
                    ..a
                }),
                b,
            }));
        }
        if (self.range_sep() || self.tok(Tok::Slash))
            && let Some(b) = self.end(a)?
        {
            let mut a = a;
            eras(&mut a, &b)?;
            // A qualifier at either edge of a range of years (`c.1797–1801`, `c.1814–15`,
            // `1950–1955?`) qualifies the range, as catalogues write an estimated span
            // (DACS 2.4.12: `circa 1870-1879`). When an end is written to the month or day
            // (`c. 1720 - 23 Mar 1775`), the ends are separate statements, and the
            // qualifier stays with the end it is written on: a day written out is known.
            let years = a.month == 0 && a.day == 0 && b.month == 0 && b.day == 0;
            if !years {
                return Ok(Some(Expr::Interval(End::At(mark(a)), End::At(b))));
            }
            if self.at_end() && self.toks.last() == Some(&Tok::Question) {
                a.uncertain = true;
            }
            return Ok(Some(Expr::Interval(End::At(mark(a)), End::At(mark(b)))));
        }
        Ok(None)
    }

    /// Centuries with a part, ranges of centuries and centuries before the common era
    /// (the README's "Dates" gives the conventions): `late 19th century`, `second half of
    /// the 19th century`, `18th–19th century`, `late 18th–early 19th century` (the century
    /// word written once, after the end), `early to mid 19th century`, `1st century BC`,
    /// `2nd–1st century BCE`. A whole century of the common era alone is left to `point`
    /// (`18XX`).
    fn centuries(&mut self) -> Res<Expr> {
        self.attempt(|s| {
            // One expression: a qualifier before it or a `?` after it qualifies all of it
            // (`c. 1st century BC`, `late 18th–early 19th century?`).
            let approximate = s.word(APPROX);
            let Some(e) = s.centuries_inner()? else {
                return Ok(None);
            };
            let uncertain = s.tok(Tok::Question);
            Ok(Some(e.map_points(|p| {
                p.approximate |= approximate;
                p.uncertain |= uncertain;
            })))
        })
    }

    fn centuries_inner(&mut self) -> Res<Expr> {
        self.attempt(|s| {
            // `early to mid 19th century`: two parts of one century.
            if let Some((q1, q2)) = s.opt(|s| {
                let q1 = s.century_part()?;
                // `early to mid`, `mid-to-late`, `early–mid`
                let dash = s.dash();
                if !(s.word(TO) || dash) {
                    return None;
                }
                s.dash();
                Some((q1, s.century_part()?))
            }) {
                s.dash();
                let Some(n) = s.ordinal() else {
                    return Ok(None);
                };
                if !s.century_word() {
                    return Ok(None);
                }
                let bce = s.era_suffix() == Some(true);
                let (Some((start, _)), Some((_, end))) = (
                    span_years(n, 100, bce, Some(q1)),
                    span_years(n, 100, bce, Some(q2)),
                ) else {
                    return Ok(None);
                };
                return Ok(Some(Expr::Interval(
                    End::At(Point::astronomical(start)),
                    End::At(Point::astronomical(end)),
                )));
            }
            let q1 = s.century_part();
            if q1.is_some() {
                s.dash();
            }
            let Some(n1) = s.ordinal() else {
                return Ok(None);
            };
            let unit1 = s.unit_word();
            let mut era1 = unit1.and_then(|_| s.era_suffix());
            if unit1.is_some() && matches!(s.peek(), None | Some(Tok::Question)) {
                // One century or millennium: with a part, or before the common era, or a
                // millennium (a whole century of the common era is `point`'s).
                let bce = era1 == Some(true);
                if unit1 == Some(100) && q1.is_none() && !bce {
                    return Ok(None);
                }
                let Some((lo, hi)) = span_years(n1, unit1.unwrap_or(100), bce, q1) else {
                    return Ok(None);
                };
                return Ok(Some(Expr::Interval(
                    End::At(Point::astronomical(lo)),
                    End::At(Point::astronomical(hi)),
                )));
            }
            if !s.range_sep() {
                return Ok(None);
            }
            let q2 = s.century_part();
            if q2.is_some() {
                s.dash();
            }
            let Some(n2) = s.ordinal() else {
                return Ok(None);
            };
            let Some(unit2) = s.unit_word() else {
                return Ok(None);
            };
            let era2 = s.era_suffix();
            match (era1, era2) {
                // The unit word and era are written once, after the end.
                (None, _) if unit1.is_none() => era1 = era2,
                (None, Some(true)) => era1 = era2,
                (Some(true), None) => return Err(TextFault::EndWithoutEra),
                _ => {}
            }
            let unit1 = unit1.unwrap_or(unit2);
            let (bce1, bce2) = (era1 == Some(true), era2 == Some(true));
            // A whole century of the common era keeps its EDTF form (`17XX/18XX`).
            let start = match (q1, bce1, unit1) {
                (None, false, 100) => century(n1),
                _ => match span_years(n1, unit1, bce1, q1) {
                    Some((lo, _)) => Point::astronomical(lo),
                    None => return Ok(None),
                },
            };
            let end = match (q2, bce2, unit2) {
                (None, false, 100) => century(n2),
                _ => match span_years(n2, unit2, bce2, q2) {
                    Some((_, hi)) => Point::astronomical(hi),
                    None => return Ok(None),
                },
            };
            Ok(Some(Expr::Interval(End::At(start), End::At(end))))
        })
    }

    /// `millennium` (`millennia`; also misspelt with one `n`), optionally after a dash.
    fn millennium_word(&mut self) -> bool {
        self.opt(|s| {
            s.dash();
            MILLENNIUM_WORDS
                .iter()
                .any(|w| s.text_word(w))
                .then_some(())
        })
        .is_some()
    }

    /// A century or millennium word after an ordinal → the years it spans (100 or 1000).
    fn unit_word(&mut self) -> Option<u32> {
        if self.century_word() {
            Some(100)
        } else if self.millennium_word() {
            Some(1000)
        } else {
            None
        }
    }

    /// `early`, `mid`, `late`, `first half of the`, `2nd quarter of the`, `last quarter of
    /// the` before a century → the years of the century it covers, 0–99 (README, "Dates").
    fn century_part(&mut self) -> Option<(i32, i32)> {
        self.opt(|s| {
            let part = if s.word(EARLY) {
                (0, 39)
            } else if s.word(MID) {
                (30, 69)
            } else if s.word(LATE) {
                (70, 99)
            } else {
                let k = if s.text_word("last") {
                    0
                } else {
                    i32::try_from(s.ordinal()?).ok()?
                };
                if s.text_word("half") {
                    match k {
                        1 => (0, 49),
                        0 | 2 => (50, 99),
                        _ => return None,
                    }
                } else if s.text_word("quarter") {
                    match k {
                        1..=4 => ((k - 1) * 25, (k - 1) * 25 + 24),
                        0 => (75, 99),
                        _ => return None,
                    }
                } else {
                    return None;
                }
            };
            s.word(OF);
            s.word(THE);
            Some(part)
        })
    }
}

/// The astronomical years (EDTF's numbering) of the `n`th century (`unit` 100) or
/// millennium (1000), or of the `part` of a century (its years 0–99, counted forward in
/// time). One of the common era is the span whose first year is `(n - 1) × unit` (the
/// common reading: the 19th century is 1800–1899, `century`); one before it is counted
/// back from its first year: the 1st century BC is 100–1 BC, EDTF `-0099` to `0000`, the
/// 2nd is 200–101 BC, `-0199` to `-0100`, and the 3rd millennium BC is 3000–2001 BC.
/// `None` for a part of a millennium (no convention is kept for one) or a span beyond
/// four-digit years.
fn span_years(n: u32, unit: u32, bce: bool, part: Option<(i32, i32)>) -> Option<(i32, i32)> {
    if unit != 100 && part.is_some() {
        return None;
    }
    let (n, unit) = (i32::try_from(n).ok()?, i32::try_from(unit).ok()?);
    let first = if bce { 1 - n * unit } else { (n - 1) * unit };
    let (lo, hi) = part.unwrap_or((0, unit - 1));
    let (lo, hi) = (first + lo, first + hi);
    (lo >= -9999 && hi <= 9999).then_some((lo, hi))
}

/// The eras of a range's or a set's two ends: an era written on the end only is the
/// start's too (`475–221 BC`, `100–200 AD`: a BC end after a start of the common era
/// would run backwards); a BC start before an end with no era (`206 BC–220`) could end
/// in either era and is refused.
fn eras(a: &mut Point, b: &Point) -> Result<(), TextFault> {
    if a.needs_era && !b.era {
        return Err(TextFault::NoMatch);
    }
    if a.bce && !b.era {
        return Err(TextFault::EndWithoutEra);
    }
    if b.era && !a.era {
        if b.bce && !a.whole_year() {
            return Err(TextFault::NoMatch);
        }
        a.bce = b.bce;
        a.era = true;
    }
    Ok(())
}

/// The `n`th century as EDTF writes it: the hundred years whose first two digits are one
/// less than `n` (`19th` → `18XX`, 1800–1899: the common reading, not the strict 1801–1900).
fn century(n: u32) -> Point {
    Point {
        year: (n - 1) * 100,
        unspec: 2,
        ..Point::default()
    }
}

/// The weekday of a whole day, 1 = Monday … 7 = Sunday; `None` for a day the calendar does
/// not have (or one beyond `jiff`'s years).
fn weekday_of(p: &Point) -> Option<u8> {
    let date = jiff::civil::Date::new(
        i16::try_from(p.year).ok()?,
        i8::try_from(p.month).ok()?,
        i8::try_from(p.day).ok()?,
    )
    .ok()?;
    u8::try_from(date.weekday().to_monday_one_offset()).ok()
}

impl Expr {
    fn map_points(self, f: impl Fn(&mut Point)) -> Expr {
        let g = |mut p: Point| {
            f(&mut p);
            p
        };
        match self {
            Expr::Point(p) => Expr::Point(g(p)),
            Expr::Interval(a, b) => {
                let end = |e| match e {
                    End::At(p) => End::At(g(p)),
                    End::Open => End::Open,
                };
                Expr::Interval(end(a), end(b))
            }
            Expr::Set { all, a, b } => Expr::Set {
                all,
                a: g(a),
                b: g(b),
            },
            Expr::Undated => Expr::Undated,
        }
    }
}

/// Whether reading `text` relies on one of this module's conventions rather than on what
/// the words say exactly: `early`/`mid`/`late` (how many years they cover is our choice), a
/// millennium, or a century by its ordinal (`19th century` is read `18XX`, 1800–1899, the common reading; the
/// strict one is 1801–1900).
pub(crate) fn uses_convention(text: &str) -> bool {
    let mut buf = [Tok::Dash; MAX_TOKENS];
    let Some((n, _)) = tokenize(text, &mut buf) else {
        return false;
    };
    let toks = &buf[..n];
    toks.iter().enumerate().any(|(i, t)| match *t {
        Tok::Word { kw, text, .. } => {
            kw & (EARLY | MID | LATE | CENTURY) != 0
                || MILLENNIUM_WORDS.iter().any(|w| text.eq_ignore_ascii_case(w))
        }
        Tok::Num {
            suffix: Suffix::Ordinal,
            ..
        } => matches!(toks.get(i + 1), Some(Tok::Word { text, .. }) if text.eq_ignore_ascii_case("c")),
        _ => false,
    })
}

/// Read free text; the result still has to pass the EDTF validator.
pub(crate) fn parse(text: &str, options: &DateOptions) -> Result<Expr, TextFault> {
    if months::is_undated(text) {
        return Ok(Expr::Undated);
    }
    let mut buf = [Tok::Dash; MAX_TOKENS];
    let (n, glued) = tokenize(text, &mut buf).ok_or(TextFault::NoMatch)?;
    let mut p = Parser {
        toks: &buf[..n],
        glued,
        pos: 0,
        order: options.day_month_order,
    };
    match p.expr()? {
        Some(e) if p.at_end() => Ok(season_over_years(e)?),
        _ => Err(TextFault::NoMatch),
    }
}

/// `Winter 1950-1951`, `Winter 1950 – 1951`: the winter that runs from one year into the next,
/// EDTF `1950-24` (December 1950 to February 1951), not an interval from winter 1950 to the
/// whole of 1951. Any other season followed by a range of years (`Summer 1950-1951`) says
/// no one thing, and is not read; nor is an abbreviated end after a season (`Winter
/// 1950–51`: `end` takes an abbreviated year only after a bare year).
fn season_over_years(e: Expr) -> Result<Expr, TextFault> {
    let Expr::Interval(End::At(a), End::At(b)) = e else {
        return Ok(e);
    };
    if !(21..=24).contains(&a.month) || b.month != 0 || b.day != 0 {
        return Ok(e);
    }
    if a.month == 24 && b.year == a.year + 1 && b.unspec == 0 && a.unspec == 0 {
        return Ok(Expr::Point(a));
    }
    Err(TextFault::NoMatch)
}
