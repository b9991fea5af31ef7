//! Rules for a person's name that is not (or not yet) in the authority file: the form as
//! written → a display form, an inverted heading, family and given names, the additions
//! the heading carries after the forename, and the titles dropped from the name.
//!
//! Why a module of its own: most agents of the collection appear once or twice and will
//! never get an authority entry, yet every export needs a heading that sorts under the
//! family name. These rules make a heading from the text alone only where the text is
//! evidence of it, on one principle: **certain, or kept as written** (rules 9 and 10). A mangled name or two people
//! merged into one in published metadata is silent data loss; a name left as written is
//! not. Each rule and its source:
//!
//! 1. **Unicode NFC, whitespace collapsed and trimmed** (RDA 8.5 / 1.7: record names as
//!    they appear, one space between words).
//! 2. **Editorial square brackets removed, their content kept**: brackets mark the
//!    cataloguer's interpolation (RDA 1.7.1, LC-PCC PS 1.7.1), not part of the name:
//!    `Mao [Zedong]` → `Mao Zedong`, `[Kim] Il Sung` → `Kim Il Sung`. A doubt or a note
//!    (`[?]`, a `?` anywhere, `[sic]`, `[illegible]`) and a spaced dash (a name, then a
//!    place) are the cataloguer's words, not an interpolation: such a name is kept as
//!    written, brackets and all (rule 10). **Round brackets are kept whole** and a
//!    comma inside them never splits the name: one plain bracket at the end (a real name,
//!    a fuller form, a nickname; RDA 9.19.1.4) follows the heading of the rest (`Jean Arp
//!    (Hans Arp)` → `Arp, Jean (Hans Arp)`); any other bracket keeps the name as written.
//! 3. **Titles dropped and kept as roles** (RDA 9.2.2.9 / 9.4 / 9.6: a title of office
//!    is not part of the preferred name): `Chairman Mao [Zedong]` → `Mao Zedong` with
//!    roles `["Chairman"]`. The list is `data/titles.txt` (offices, `Dr.`, `Prof.`,
//!    `Mr.`, `Esq.`), matched case-insensitively, with or without a trailing period,
//!    longest first, only at the start of the name (or of the given-name part of an
//!    inverted name, or as a whole comma-separated part: `Mao Zedong, Chairman`). The
//!    only remaining word is never stripped (`Premier` alone stays `Premier`, as RDA
//!    9.2.2.9.4 keeps `Seuss, Dr.`). A title of one word written without a period that is
//!    also a given name of the list (`Marshal`, `Premier`, `Major`, `General`) is dropped
//!    only when the rest is read with evidence as a name of two words or more (`Premier Zhou
//!    Enlai`); otherwise the name is kept as written (`Premier Engraver`, `Marshal "Mickey"
//!    Neilan`: rule 9, N006), so that no given name is lost.
//! 4. **Initials spaced** (LC-PCC PS 8.5.6.1, formerly LCRI 22.1B: "input a single space
//!    between the initials"): `A.M. Puzanov` → `A. M. Puzanov`. An initial written
//!    without a period (`A Puzanov`) stays as written: in case of doubt, no period.
//! 5. **Surname prefixes** (RDA 9.2.2.11 and appendix F.11, which follow the custom of the
//!    person's language). `data/particles.txt` marks each prefix `after` (German `von`,
//!    Dutch `van`/`van der`, French `de`/`d'`: recorded after the given name, `Beethoven,
//!    Ludwig van`, `Gaulle, Charles de`) or `with` (French articles `Le`/`La`/`Du`/`Des`,
//!    Italian `Di`/`Della`, `Saint`: part of the entry element, `La Fontaine, Jean de`,
//!    `Saint Phalle, Niki de`). We cannot know the person's language, so the decision
//!    uses the capitalization as written: a lower-case `van`/`von`/`de` follows the
//!    continental custom (after); a capitalized `Van`/`De` inside a name is read as the
//!    English custom (`Van Buren, Martin`, F.11 "English: enter under the prefix").
//! 6. **Additions after the forename** (`data/address.txt`, `data/additions.txt`,
//!    `data/suffixes.txt`): what identifies the person besides the name is kept, as
//!    written, in the heading after the forename, never folded into it, and in the display
//!    form where English usage puts it:
//!    - terms of address that identify the person: `Mrs`, `Miss`, `Lady`, `Lord`, `Sir`,
//!      `Dame`, `Rev.`, `The Hon.`, and titles of nobility written before the forename
//!      (`Count`, `Baron`). RDA 9.2.2.9.3: a person identified only by a partner's name
//!      takes the term of address (`Ward, Humphry, Mrs.`); 9.2.2.9.4: a surname only keeps
//!      it (`Read, Miss`); 9.4.1.5 and 9.19.1.2 with LC-PCC PS 9.19.1.2: the British terms
//!      of honour follow the forename in the access point (`Beecham, Thomas, Sir`).
//!      `Rev.` and `The Hon.` are kept by our decision (RDA 9.2.2.9 would omit them), so
//!      that dropping them never merges two people. `Peel, Edmund, Mrs` → display `Mrs
//!      Edmund Peel`; `Beaumont, Sir George Howland,
//!      Bt` → `Beaumont, George Howland, Sir, Bt`, display `Sir George Howland Beaumont,
//!      Bt`;
//!    - words of relationship and numerals (RDA 9.2.2.9.5): `Jr.`, `Sr.`, `Junior`,
//!      `Senior`, `I`, `II`, `III`, `fils`: `King, Martin Luther, Jr.`, display `Martin
//!      Luther King Jr.` (no comma, so the display form is never mistaken for an inverted
//!      one); a one-letter numeral only as a comma part or after two words;
//!    - epithets (`the Elder`, `the Younger`: words indicating relationship, RDA
//!      9.2.2.9.5) and places (`of Derby`: other designation, RDA 9.6 / 9.19.1.7; not
//!      after a rank or office: `Master of the Giants` is not read): `Wright, Joseph, of
//!      Derby`, display `Joseph Wright of Derby`;
//!    - titles of nobility (RDA 9.2.2.14: entry under the proper name in the title):
//!      `Aylesford, Heneage Finch, Fifth Earl of`, display `Heneage Finch, Fifth Earl of
//!      Aylesford`, also read from that display form;
//!    - honours and offices (RDA 9.19.1.7): post-nominals of the list, with or without
//!      periods (`OM`, `Ph.D.`), an ordinal before them (`7th Bt`), a comma part of up to
//!      six capitals after a forename (`FRSA`, `K.C.B.`), a comma part with `of` or `the`
//!      (`Bishop of Gibraltar`), and designations as a comma part of their own (`Saint`,
//!      `Pope`, RDA 9.19.1.2): `Moore, Henry, OM, CH`, display `Henry Moore, OM, CH` (the
//!      commas of Debrett's usage, so that the display form reads back to the same
//!      heading). After a one-word family name, capitals are initials (`Jayasankar,
//!      KP`), and `Bart` (not `Bart.`) is a forename.
//!
//!    Heading order: address, relationship and epithets, nobility, honours; written order
//!    within each. Two headings that differ in an addition are two people: the match key,
//!    the slug and the variant fingerprint all see the additions.
//! 7. **Already inverted input** (`Puzanov, A.M.`): the part before the first comma is the
//!    family name; the first later comma part that is not a suffix, life dates (kept in
//!    [`PersonName::dates`]; `1893-1976`, `b. 1911`, `approximately 1525-1569`), a title
//!    or an addition is the forename part; a second one (`Smith, John, Henry`) keeps the
//!    name as written. A first part that began with a title or a term of address and still
//!    has two words is a name in direct order, never an inverted family name (`Sir John
//!    Smith, K.C.B.`).
//! 8. **Family name first for Chinese, Korean, Japanese (and Vietnamese) names** (RDA
//!    9.2.2.9, example `Chiang, Kai-shek`; ALA-LC Chinese and Korean romanization tables:
//!    family name first, a two-syllable Korean given name hyphenated, `Kim Ch'ŏr-wŏn`).
//!    A name is read family-first when its first word is in a surname list
//!    (`data/surnames_*.txt`) **and** every remaining word is syllables of a romanization
//!    of a language whose list has that surname: each hyphen-separated piece decomposes
//!    into one to four (onset)(vowels)(coda) syllables with the onsets and codas that
//!    language's romanizations write (pinyin / Wade-Giles / Cantonese and postal spellings;
//!    McCune-Reischauer / Revised Romanization; Hepburn; quốc ngữ), and there are at most
//!    three given words. So `Kim Il Sung` → `Kim, Il Sung`; `Pak Deok-hwan` → `Pak,
//!    Deok-hwan`; `Liu Shaoqi` → `Liu, Shaoqi`; but `Lee Harvey Oswald` → `Oswald, Lee
//!    Harvey`, `Jo Baer` → `Baer, Jo` (Korean has no final `r`), `Ota Janecek` → `Janecek,
//!    Ota` (Hepburn has no `c` onset). A first word that is both a surname prefix and a
//!    listed family name (`Le Corbusier`, `Le Duan`) keeps the name as written.
//!    Not when a Western reading holds too: a word of the name is a common Western given
//!    name (`Lou`, `Lee`, `June`: `lexicon::COMMON_GIVEN_NAME` births) and every word but
//!    the last is a given name of the list (`Lou Cannon`, `Nam June Paik`, `Kim Lim`),
//!    unless a given word is hyphenated (`Kim Il-sung`): kept as written (N006).
//!    **Limit:** a Chinese name in Western order whose given name is a listed surname
//!    (`Yun Gee`, `Dong Kingman`); only the authority file can fix such a name. A CJK name
//!    written given-name-first (`Zedong Mao`) is kept as written (rule 9: `Zedong` is no
//!    given name of the list).
//! 9. **Western order only from evidence** (issue #23: inverting every other name was wrong
//!    for 1.7 % of the distinct names of three museum catalogues). The last word (with its
//!    `with` prefixes) is the family name (`A. M. Puzanov` → `Puzanov, A. M.`) only when:
//!    the first word before it is a given name of the shipped list (`data/given_names.tsv`:
//!    US Social Security Administration baby names, public domain, every name of 20 births
//!    or more since 1880, which holds given names of many languages: `Georges`, `Giovanni`,
//!    `Pieter`, `Kazimierz`), an initial, or follows `Sir` or `Dame` (which go with the
//!    forename); every later word before it is an initial or a given name of the list that
//!    is more often a given name than a family name in the US census of 1990 (`Henry`,
//!    `Louise`; not `Spencer`, `Garcia`: `George Spencer Watson`, `Mario Garcia Torres` may
//!    have a family name of two words); no prefix is one whose place depends on the
//!    language (lower-case `de`, `da`, `di`, `del`, `della`; an elided `d'`; a capitalized
//!    `Van`, `De`, `Von`; Arabic `El`, `Al`: RDA F.11); the name is not two words of Hepburn
//!    syllables (`Katsushika Hokusai` and `Yoko Ono` are written in both orders); the first
//!    word is no East Asian family name followed by words of romanized syllables (`Lee
//!    Ufan`); and no rank or office comes before an epithet of place (`Abbot Rupert of
//!    Deutz`). A family name written in capitals, last (`Jacob Lauder RAITH`), is evidence
//!    by itself. Everything else is kept as written ([`NameOrder::Unproven`], N006). A
//!    single word (`Behrens`) is its own heading, with no family name claimed unless a
//!    title or a term of address says it is a person's name (`Chairman Mao`). A name whose
//!    last word is an initial (`H. D.`) is not inverted (LCRI 22.10: names of initials are
//!    entered directly), nor is a forename with a regnal numeral (`Henry VIII`, `Elizabeth
//!    II, Queen of Great Britain`; RDA 9.2.2.20). Royal persons and popes written with
//!    their title (`King George III of England`, `Pope John Paul II`, `Prince Alois I of
//!    Liechtenstein`) are headed by the forename, the numeral and the title with its place
//!    (`George III, King of England`, `John Paul II, Pope`; RDA 9.2.2.20 with 9.19.1.2,
//!    LC-PCC PS 9.19.1.2); the title is kept. A word of relationship after one word is a
//!    family name (`Betsy Senior`), unless it is an abbreviation (`Smith Jr.`). `Esq.` at
//!    the end is a title (`John Smith Esq`; only it: `William Calder Marshall` is no
//!    marshal). A name longer than [`MAX_NAME_BYTES`] or [`MAX_NAME_WORDS`] is not read
//!    (N005), which keeps the work on any name linear in its length.
//! 10. **Kept as written** ([`NameOrder::AsWritten`], [`PersonName::kept_as_written`]):
//!     what the rules cannot read with confidence is neither inverted nor changed beyond
//!     rules 1-2: several names joined (`&`, `+`, `;`, `/`, the word `and`: `Gilbert &
//!     George`, `Olds, Wortman & King`), brackets other than rule 2's, a word beginning in
//!     lower case (not a prefix) or holding a digit in a name that is not all lower case
//!     (`Master of the Giants`, `British School 18th century`), a prefix that may be a
//!     family name (rule 8), a second forename part (rule 7), a notname (`Master CR`), and
//!     a name that reads as an organization ([`super::fingerprint::looks_like_organization`],
//!     `Northwest Public Broadcasting`). The pipeline says so: N005, or N002 for an
//!     organization. Rule 7's inverted input is kept as written too (N006) when it may be a
//!     display form rather than a heading: a forename then a title of nobility (`Jean,
//!     comte Budes de Guébriant`), a name in direct order then a word that is no forename
//!     (`Carlo Francesco Rusca, Cavalier`; `Aimée … Stern, Lady Michelham`), a "family
//!     name" of more than three words or with a regnal numeral.
//!
//! Organizations (RDA chapter 11) get none of this: only NFC and whitespace
//! ([`normalize_organization`]); `Embassy [of Poland]` keeps its brackets.

use super::lexicon::{self, Placement};

/// How a person's name was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameOrder {
    /// Family name first, as written (`Mao Zedong`): Chinese, Korean, Japanese, Vietnamese.
    FamilyFirst,
    /// Given names first (`A. M. Puzanov`), inverted in the heading.
    GivenFirst,
    /// One word (`Behrens`): the family name.
    Single,
    /// Not inverted: only initials (`H. D.`), a prefix and a surname (`van Gogh`,
    /// `Le Corbusier`), or nothing left after cleaning.
    Direct,
    /// Kept as written (rule 10): names joined by `&` or `and`, round brackets, a word the
    /// rules do not know how to place (`Master of the Giants`, `British School 18th
    /// century`), or a name that reads as an organization. Display form and heading are
    /// the text with only NFC, whitespace and editorial square brackets changed.
    AsWritten,
    /// Kept as written because nothing in the text is evidence of which word is the family
    /// name (rule 9: `Meissen Porcelain Manufactory`, `Katsushika Hokusai`, `Sitting Bull`),
    /// or because a word may be a title or a given name (rule 3: `Premier Engraver`). The
    /// pipeline says so (N006) and how to settle it. Display form and heading as for
    /// [`NameOrder::AsWritten`].
    Unproven,
}

/// Why a name is kept as written for want of evidence ([`NameOrder::Unproven`], N006): what
/// the finding tells the cataloguer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Doubt {
    /// A word before the family name is no given name of the list (`Katsushika Hokusai`,
    /// `Sitting Bull`).
    NoGivenName,
    /// A middle word is more often a family name than a given name: the family name may
    /// have two words (`George Spencer Watson`), or `St John` may begin it.
    FamilyNameOfTwoWords,
    /// A prefix whose place depends on the person's language (`Charles de Gaulle`, RDA
    /// F.11).
    PrefixOfUnknownCustom,
    /// An East Asian or Japanese name that may be in either order (`Lou Cannon`, `Yoko
    /// Ono`, `Kishi Nobusuke`).
    EitherOrder,
    /// A word that may be a title or a given name (`Premier Engraver`).
    TitleOrGivenName,
    /// A form with a comma that may be a display form of a titled person rather than a
    /// heading (`John Clerk, Lord Eldin`), or an office before an epithet of place.
    DisplayForm,
    /// The last word may be a byname of place rather than a family name (`Giulio Romano`,
    /// LCNAF `Giulio, Romano`; `data/bynames.txt`).
    Byname,
}

impl Doubt {
    /// What the finding says of the name: why no word can be taken as the family name.
    pub fn explain(self) -> &'static str {
        match self {
            Doubt::NoGivenName => {
                "a word before the last is no given name of the list, so the last word may \
                 not be the family name"
            }
            Doubt::FamilyNameOfTwoWords => {
                "a word before the last is more often a family name than a given name, so \
                 the family name may have two words"
            }
            Doubt::PrefixOfUnknownCustom => {
                "it has a prefix whose place in the heading depends on the person's language \
                 (RDA F.11)"
            }
            Doubt::EitherOrder => {
                "it may be an East Asian or Japanese name written in either order"
            }
            Doubt::TitleOrGivenName => "a word of it may be a title or a given name",
            Doubt::DisplayForm => {
                "it may be a display form with a title rather than a heading (`Family, \
                 Given`)"
            }
            Doubt::Byname => {
                "the last word may be a byname of place (entered after the given name, RDA \
                 9.2.2.18) rather than a family name"
            }
        }
    }
}

/// A person's name after the rules of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Display order: `Mao Zedong`, `A. M. Puzanov`, `Martin Luther King Jr.`,
    /// `Sir John Everett Millais, Bt`, `Mrs Edmund Peel`.
    pub display: String,
    /// Inverted heading without dates: `Mao, Zedong`, `Puzanov, A. M.`,
    /// `Beethoven, Ludwig van`, `King, Martin Luther, Jr.`, `Moore, Henry, OM, CH`.
    pub heading: String,
    pub family: Option<String>,
    pub given: Option<String>,
    /// Prefixes recorded after the given name (`van`, `de`).
    pub particles: Option<String>,
    /// `Jr.`, `Sr.`, `III`, `Junior` (also the first of [`Self::additions`] of its kind).
    pub suffix: Option<String>,
    /// Life dates written as a comma part of an inverted name (`Mao, Zedong, 1893-1976`).
    pub dates: Option<String>,
    /// Titles and forms of address dropped from the name, canonical forms
    /// (`Chairman`, `Comrade`, `Dr.`), in the order written, without repeats.
    pub roles: Vec<String>,
    /// What the heading carries after the forename (rule 6), kept as written, in heading
    /// order: terms of address (`Mrs`, `Sir`), words of relationship (`Jr.`, `Junior`,
    /// `II`), epithets (`the Elder`, `of Derby`), titles of nobility (`Fifth Earl of`),
    /// honours and offices (`OM`, `2nd Bt`, `Bishop of Gibraltar`).
    pub additions: Vec<String>,
    pub order: NameOrder,
    /// Why the name is kept as written for want of evidence ([`NameOrder::Unproven`]).
    pub doubt: Option<Doubt>,
}

impl PersonName {
    /// Whether the rules kept the name as written because they could not read it with
    /// confidence ([`NameOrder::AsWritten`], or a prefix and one word such as `Le
    /// Corbusier`): the name is not inverted, and the pipeline says so (N005).
    pub fn kept_as_written(&self) -> bool {
        match self.order {
            NameOrder::AsWritten => !self.display.is_empty(),
            // `Le Corbusier`, `van Gogh`; not `H. D.` (LCRI 22.10) nor `Henry VIII`
            NameOrder::Direct => self
                .display
                .split(' ')
                .any(|w| lexicon::particle(w).is_some()),
            _ => false,
        }
    }

    /// Whether the name is kept as written for want of evidence ([`NameOrder::Unproven`],
    /// finding N006): a heading could be made, but nothing certain says which.
    pub fn unproven(&self) -> bool {
        self.order == NameOrder::Unproven && !self.display.is_empty()
    }
}

/// Where an addition goes in the display form; the heading takes them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// Before the forename: terms of address (`Sir`, `Mrs`, `Rev.`, `The Hon.`).
    Front,
    /// After the family name, no comma: `Jr.`, `Junior`, `II`, `the Elder`, `of Derby`.
    Close,
    /// A title of nobility: `Heneage Finch, Fifth Earl of Aylesford`.
    Nobility,
    /// After the family name and a comma: `OM`, `2nd Bt`, `Bishop of Gibraltar`.
    Comma,
}

#[derive(Debug, Clone)]
struct Addition {
    text: String,
    place: Place,
}

fn add(adds: &mut Vec<Addition>, text: String, place: Place) {
    adds.push(Addition { text, place });
}

/// NFC, whitespace collapsed to single spaces and trimmed.
pub fn collapse(s: &str) -> String {
    let nfc = crate::normalize::nfc(s);
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// An organization's name: NFC and whitespace only; nothing else is changed.
pub fn normalize_organization(written: &str) -> String {
    collapse(written)
}

/// Symbols no personal name is spelled with.
const NOT_IN_NAMES: &[char] = &[
    '<', '>', '{', '}', '=', '@', '#', '|', '\\', '*', '_', '~', '^', '%', '$', '+', '/',
];

/// The longest name, in bytes, that the rules read: a longer one is kept as written (N005).
/// The longest personal names of real catalogues are a few hundred bytes (`Pablo Diego José
/// Francisco de Paula Juan Nepomuceno María de los Remedios Cipriano de la Santísima
/// Trinidad Ruiz y Picasso` is 130); the bound keeps the rules' work on one name constant,
/// whatever a hostile record holds (a name of a million repeated titles took 47 s).
pub const MAX_NAME_BYTES: usize = 1024;

/// The most words (separated by whitespace) of a name that the rules read; see
/// [`MAX_NAME_BYTES`].
pub const MAX_NAME_WORDS: usize = 48;

/// Apply the person rules of this module to a name as written.
///
/// Time and memory are linear in the length of `written`: a name longer than
/// [`MAX_NAME_BYTES`] or [`MAX_NAME_WORDS`] is kept as written after NFC and whitespace
/// only (both linear), and the rules, some of which look at a word against the words
/// before it, run on at most that many words.
pub fn normalize_person(written: &str) -> PersonName {
    if written.len() > MAX_NAME_BYTES || written.split_whitespace().nth(MAX_NAME_WORDS).is_some() {
        return as_written(written);
    }
    let nfc = crate::normalize::nfc(written);
    // A cataloguer's doubt or note is part of what was written, never dropped with the
    // brackets around it: `Curtis, Bert [?]`, `One [?], Richard T.`, `EGW [illegible]`,
    // `Smith [sic]`. Nor is a spaced dash a word of a name (`Veryl Oakland - Santa Rosa
    // (CA)`: a name and a place). Such a name is kept as written, brackets and all.
    // Nor is a symbol that no name is spelled with (`Pak Ŏ-jin <Jr.>`, `Smith {ed}`,
    // `J. Doe @ Archives`, `Kim/Park`): what it marks is not known, so nothing is inverted.
    if nfc.contains('?')
        || nfc.split_whitespace().any(|w| matches!(w, "-" | "–" | "—"))
        || editorial_note(&nfc)
        || nfc.contains(NOT_IN_NAMES)
    {
        return as_written(&nfc);
    }
    let cleaned: String = nfc.chars().filter(|c| *c != '[' && *c != ']').collect();
    // A name in quotes (`'The Wayfarer'`, a title) or with a colon (`Donor: Publications
    // Dept.`, a label and its value) is no personal name to invert.
    let quoted = cleaned
        .trim_start()
        .starts_with(['\'', '"', '\u{2018}', '\u{201C}']);
    if super::fingerprint::looks_like_organization(&cleaned)
        || lexicon::not_a_name(&cleaned)
        || quoted
        || cleaned.contains(':')
    {
        return as_written(&cleaned);
    }
    if let Some((base, qualifier)) = trailing_qualifier(&cleaned)
        && let Some(mut p) = read(&base)
    {
        // `Jean Arp (Hans Arp)` → `Arp, Jean (Hans Arp)`: the bracket kept whole, last.
        for s in [&mut p.display, &mut p.heading] {
            s.push(' ');
            s.push_str(qualifier);
        }
        return p;
    }
    if joins_names_or_brackets(&cleaned) {
        return as_written(&cleaned);
    }
    read(&cleaned).unwrap_or_else(|| as_written(&cleaned))
}

/// Whether a square bracket holds a cataloguer's note rather than a supplied part of the
/// name (`[sic]`, `[illegible]`, `[unknown]`, `[i.e. ...]`).
fn editorial_note(text: &str) -> bool {
    text.split('[').skip(1).any(|rest| {
        let inner = rest
            .split(']')
            .next()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        matches!(
            inner.as_str(),
            "sic" | "illegible" | "unknown" | "unidentified"
        ) || inner.starts_with("i.e.")
            || inner.starts_with("i. e.")
    })
}

/// Rule 2b: one round bracket at the end of a name that can be read without it (a real
/// name, a fuller form, a nickname: `Jean Arp (Hans Arp)`, `Smith, John (John Henry)`, RDA
/// 9.19.1.4), or followed only by life dates (`Eliot, T. S. (Thomas Stearns),
/// 1888-1965`): the bracket is kept whole after the heading. Not when the bracket holds a
/// comma, `;`, `&`, `and` or a digit (the members of a group, with their dates: `Ant Farm
/// (Chip Lord, born 1944, ...)`), nor when the rest joins names: those are kept as
/// written. Returns (the name without the bracket, the bracket).
fn trailing_qualifier(text: &str) -> Option<(String, &str)> {
    let text = text.trim_end();
    let open = text.find('(')?;
    let close = open + text[open..].find(')')?;
    let (base, qualifier, rest) = (
        text[..open].trim_end(),
        &text[open..=close],
        &text[close + 1..],
    );
    let inner = &qualifier[1..qualifier.len() - 1];
    let plain = |s: &str| {
        !s.contains(['(', ')', ',', ';', '&', '+', '/', '{', '}'])
            && !s.chars().any(|c| c.is_ascii_digit())
            && !s.split_whitespace().any(|w| w == "and")
    };
    let dates_only = rest.trim().is_empty()
        || rest.trim_start().starts_with(',')
            && rest
                .split(',')
                .skip(1)
                .all(|p| is_date_like(p) && !p.contains(['(', ')']));
    (!base.is_empty() && plain(inner) && dates_only && !joins_names_or_brackets(base))
        .then(|| ([base, rest].concat(), qualifier))
}

/// Rule 10: several names joined (`&`, `+`, `;`, `/`, the word `and`) or round or curly
/// brackets (a qualifier, a real name, members of a group: `Gego (Gertrud Goldschmidt)`,
/// `The Leach Pottery (St. Ives, UK)`). Nothing in such a name is split or moved.
fn joins_names_or_brackets(text: &str) -> bool {
    text.contains(['&', '+', ';', '/', '(', ')', '{', '}'])
        || text.split_whitespace().any(|w| w == "and")
}

/// The name kept as written: NFC, whitespace, editorial square brackets removed.
fn as_written(cleaned: &str) -> PersonName {
    let text = collapse(cleaned);
    PersonName {
        heading: text.clone(),
        display: text,
        family: None,
        given: None,
        particles: None,
        suffix: None,
        dates: None,
        roles: Vec::new(),
        additions: Vec::new(),
        order: NameOrder::AsWritten,
        doubt: None,
    }
}

/// The name kept as written for want of evidence (N006), as [`as_written`].
fn unproven(cleaned: &str, doubt: Doubt) -> PersonName {
    PersonName {
        order: NameOrder::Unproven,
        doubt: Some(doubt),
        ..as_written(cleaned)
    }
}

/// Rules 2-9 on a name without joins or round brackets; `None` when a part cannot be
/// read with confidence (then the name is kept as written).
fn read(cleaned: &str) -> Option<PersonName> {
    // In a name written all in lower case, case says nothing (`mao zedong`).
    let cased = cleaned.chars().any(char::is_uppercase);
    let readable = |words: &[String]| readable(words, cased);
    let mut roles = Vec::new();
    let mut adds: Vec<Addition> = Vec::new();
    // Each comma part as words (rule 4 applied) and as written (for additions and dates:
    // `K.C.B.`, `Ph.D.` are kept as written).
    let mut parts = cleaned
        .split(',')
        .map(|raw| (words_of(raw), raw))
        .filter(|(w, _)| !w.is_empty());
    let Some((mut first, _)) = parts.next() else {
        return Some(direct(Vec::new(), roles, None, None, adds));
    };
    let before = first.len();
    // A title that may be a given name (`Marshal`, `Premier`): dropped only if the rest is
    // read with evidence as a name of two words or more, checked at the end.
    let ambiguous_front = strip_front(&mut first, &mut roles, &mut adds)?;
    // `Sir John Smith, K.C.B.`: a first part that began with a title or a term of address
    // and still has two words is a name in direct order, not an inverted family name.
    let direct_first = first.len() < before && first.len() > 1;

    let mut suffix: Option<String> = None;
    let mut dates = None;
    let mut given: Option<Vec<String>> = None;
    let mut nobility_family: Option<Vec<String>> = None;
    let mut royal_part = false;
    for (part, raw) in parts {
        // The part as written, for additions and dates; made only when one is found.
        let joined = || collapse(raw);
        let named = given.is_some() || nobility_family.is_some();
        // The first and last words as the lists compare them, folded once per part.
        let first_key = lexicon::title_word_key(&part[0]);
        let last_key = match part.len() {
            1 => first_key.clone(),
            n => lexicon::title_word_key(&part[n - 1]),
        };
        if let Some(s) = (part.len() == 1)
            .then(|| lexicon::suffix(&part[0]))
            .flatten()
        {
            suffix.get_or_insert_with(|| s.to_string());
            add(&mut adds, s.to_string(), Place::Close);
        } else if is_date_like(raw) {
            dates = Some(joined());
        } else if let Some(t) = lexicon::TITLE_LIST
            .may_start(&first_key)
            .then(|| whole_title(&part))
            .flatten()
        {
            if part.len() == 1 && lexicon::title_or_given_name(&part[0]) {
                // `Katayama, Sen`: a given name or a title, nothing says which.
                return None;
            }
            push_role(&mut roles, t);
        } else if part.len() <= 2
            && lexicon::peerage_key(&last_key)
            && !matches!(last_key.as_str(), "lord" | "lady")
            && (part.len() == 1 || lexicon::ordinal(&part[0]))
        {
            // `Harding, The Hon. Charles Stewart, Viscount`; `Byron, George Gordon Byron,
            // Baron` (display `George Gordon Byron, Baron Byron`)
            add(&mut adds, joined(), Place::Nobility);
        } else if lexicon::ADDRESS_LIST.may_start(&first_key) && is_address(&part) {
            add(&mut adds, joined(), Place::Front);
        } else if part.len() == 1 && lexicon::designation_key(&first_key) {
            // `Newman, John Henry, Saint`; `Francis, Pope`
            add(&mut adds, joined(), Place::Comma);
        } else if (named || first.len() > 1 || !all_capitals(&part))
            && is_post_nominal_part(&part, named || direct_first)
        {
            // After a one-word family name, capitals are initials (`Jayasankar, KP`).
            add(&mut adds, joined(), Place::Comma);
        } else if part.last().is_some_and(|w| w == "of") && part.len() > 1 {
            // `Aylesford, Heneage Finch, Fifth Earl of` (RDA 9.2.2.14)
            add(&mut adds, joined(), Place::Nobility);
        } else if let Some(title_len) = (lexicon::peerage_key(&first_key)
            || lexicon::ordinal_key(&first_key))
        .then(|| nobility_in_display_order(&part))
        .flatten()
        {
            if named {
                // `Smith, John, Baron Smith`
                add(&mut adds, joined(), Place::Comma);
            } else {
                // `Heneage Finch, Fifth Earl of Aylesford`: the place is the entry element.
                add(&mut adds, part[..title_len].join(" "), Place::Nobility);
                nobility_family = Some(part[title_len..].to_vec());
            }
        } else if part.len() == 2 && part[0] == "The" && lexicon::fold(&part[1]).ends_with("er") {
            // `David Teniers, The Younger`, `Willem Van De Velde, The Elder`: an epithet
            // (RDA 9.2.2.9.5), never a forename.
            add(&mut adds, format!("the {}", part[1]), Place::Close);
        } else if cased && part.iter().any(|w| w == "of" || w == "the") {
            // `the Elder`, `of Duddingston`, `Bishop of Gibraltar`; any other lower-case
            // word makes the part a forename that is not readable (kept as written).
            // `Leopold Friedrich, Prince of Anhalt`: a royal person, entered under the
            // forename (RDA 9.2.2.20), never inverted.
            royal_part |= part.len() > 2
                && part[1] == "of"
                && matches!(
                    lexicon::fold(&part[0]).as_str(),
                    "king"
                        | "queen"
                        | "prince"
                        | "princess"
                        | "emperor"
                        | "empress"
                        | "archduke"
                        | "archduchess"
                        | "elector"
                        | "tsar"
                        | "czar"
                );
            let place = if lowercase_word(&part[0]) {
                Place::Close
            } else {
                Place::Comma
            };
            add(&mut adds, joined(), place);
        } else if !named && !direct_first {
            let mut g = part;
            let lord_or_lady = matches!(lexicon::fold(&g[0]).as_str(), "lord" | "lady");
            // A term of address that is a title of nobility (`Lady`, `Lord`, `baronne`,
            // `Comte`, `Marquise`; `data/address.txt`).
            let noble_address = lexicon::ADDRESS_LIST
                .get(&[g[0].as_str()])
                .is_some_and(|c| {
                    matches!(
                        c,
                        "Lord"
                            | "Lady"
                            | "Count"
                            | "Countess"
                            | "Baron"
                            | "Baroness"
                            | "Marquis"
                            | "Marquise"
                    )
                });
            // A lower-case prefix followed by a word that is no prefix: `Budes de Guébriant`
            // (a display form's), not `Bart van der` (a heading's prefixes, last).
            let inner_prefix = g.windows(2).any(|w| {
                lexicon::particle(&w[0]).is_some()
                    && !starts_upper(&w[0])
                    && lexicon::particle(&w[1]).is_none()
            });
            if lexicon::rank_or_office(&g[0])
                && !lord_or_lady
                && g.len() > 1
                && !g[1..].iter().all(|w| is_initial(w))
                && (inner_prefix || first.len() == 1 && given_name_evidence(&first[0], false))
            {
                // `Jean, comte Budes de Guébriant`, `Carl, Count de Geer`: a forename, then
                // a title of nobility and a name (a display form), or a family name and a
                // forename with a title: nothing says which.
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            // The part before the comma reads as a name in direct order (`John Clerk`,
            // `George Gordon Byron`, `Alfred Tennyson`), not as a family name of two words.
            let direct_name = first.len() > 1
                && first[..first.len() - 1]
                    .iter()
                    .all(|w| given_name_evidence(w, false) && lexicon::particle(w).is_none());
            if noble_address
                && g.len() == 2
                && (direct_name || first.len() == 1 && given_name_evidence(&first[0], false))
            {
                // `John Clerk, Lord Eldin`, `George Gordon Byron, Lord Byron`, `Frederic, Lord
                // Leighton`, `Pauline, baronne Meunier`, `Amélie … Castelnau, Lady Wallace`:
                // a title and a place or a family name after a name in direct order, or a
                // family name and `Lord` with a forename (`Douglas, Lord Alfred`): nothing
                // says which.
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            let fronts = adds.len();
            if strip_front(&mut g, &mut roles, &mut adds)? {
                // `Neilan, Marshal John`: a title or a given name, nothing says which.
                return Some(unproven(cleaned, Doubt::TitleOrGivenName));
            }
            if inner_prefix {
                // `Alexis-François, Chevalier Artaud de Montor`: a prefix inside the forename
                // part is a display form's (`Gaulle, Charles de` has it last).
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            if direct_name && g.len() > 1 {
                // `Alfred Tennyson, Barton Tennyson`: two names, or a family name of two words
                // and two forenames.
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            let forename = g.first().is_some_and(|w| {
                starts_upper(w)
                    && lexicon::particle(w).is_none()
                    && (given_name_evidence(w, false) || is_initial(w))
                    && !lexicon::rank_or_office(w)
            });
            if first.len() > 1 && adds.len() > fronts && !forename {
                // `Aimée Geraldine Bradshaw Stern, Lady Michelham`: a name in direct order,
                // then a title with a place, or a compound family name and a forename
                // with its term of address: nothing says which.
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            if direct_name && !forename {
                // `Carlo Francesco Rusca, Cavalier`, `Clifford Harrington, Walcliff Antiques`:
                // a name in direct order, then a word that is no forename.
                return Some(unproven(cleaned, Doubt::DisplayForm));
            }
            given = Some(g);
        } else {
            // A second forename part (`Smith, John, Henry`): no rule says what it is.
            return None;
        }
    }

    if (given.is_some() || nobility_family.is_some())
        && (first.len() > 3
            || first.iter().any(|w| regnal_numeral(w))
            || nobility_family.is_some() && first.iter().any(|w| prefix_of_unknown_custom(w)))
    {
        // `Holy Roman Emperor Rudolph II Habsburg, Prague`; `Cesare d' Este, Duke of
        // Ferrara`: no family name has so many words, or a numeral, and the place of `d'`
        // depends on the language.
        return Some(unproven(cleaned, Doubt::DisplayForm));
    }
    if ambiguous_front && (given.is_some() || nobility_family.is_some()) {
        // `Major Smith, John`: the word dropped may have been a given name.
        return Some(unproven(cleaned, Doubt::TitleOrGivenName));
    }
    if let Some(family) = nobility_family {
        if !readable(&first) || !readable(&family) {
            return None;
        }
        return Some(assemble(
            NameOrder::GivenFirst,
            family,
            first,
            Vec::new(),
            suffix,
            dates,
            roles,
            adds,
        ));
    }
    let Some(mut given) = given else {
        if royal_part {
            if !readable(&first) || first.len() > 4 {
                return None;
            }
            let mut p = direct(first, roles, suffix, dates, adds);
            p.given = Some(p.display.split(", ").next().unwrap_or_default().to_string());
            return Some(p);
        }
        let p = from_direct_order(cleaned, first, roles, adds, suffix, dates, cased)?;
        let read_with_evidence =
            matches!(p.order, NameOrder::GivenFirst | NameOrder::FamilyFirst) && p.given.is_some();
        return Some(if ambiguous_front && !read_with_evidence {
            // `Premier Engraver`, `Marshal "Mickey" Neilan`: `Premier` and `Marshal` are
            // given names too; without a certain reading of the rest, none is dropped.
            unproven(cleaned, Doubt::TitleOrGivenName)
        } else {
            p
        });
    };

    // Inverted input: `Family, Given`.
    if !readable(&first) || !readable(&given) {
        return None;
    }
    if suffix.is_none()
        && given.len() > 1
        && let Some(s) = given
            .last()
            .and_then(|w| lexicon::suffix(w))
            .filter(|s| s.chars().count() > 1)
    {
        suffix = Some(s.to_string());
        add(&mut adds, s.to_string(), Place::Close);
        given.pop();
    }
    // `Kamenka, Eugene Dr.` (National Archives of Australia item titles): a title of
    // office or form of address at the end of the forename part is dropped as a role, as
    // it is at the front, never kept as a forename.
    while given.len() > 1 {
        let last = given.len() - 1;
        let Some(t) = whole_title(&given[last..]) else {
            break;
        };
        push_role(&mut roles, t);
        given.pop();
    }
    // `Smith, John RA`: listed post-nominals at the end of the forename part.
    let at = adds.len();
    while given.len() > 1 && given.last().is_some_and(|w| lexicon::post_nominal(w)) {
        let text = given.pop().unwrap_or_default();
        adds.insert(
            at,
            Addition {
                text,
                place: Place::Comma,
            },
        );
    }
    let mut particles = Vec::new();
    while given.len() > 1
        && given
            .last()
            .is_some_and(|w| lexicon::particle(w) == Some(Placement::After))
    {
        particles.insert(0, given.pop().unwrap_or_default());
    }
    let order = if looks_family_first(&first, &given) {
        NameOrder::FamilyFirst
    } else {
        NameOrder::GivenFirst
    };
    Some(assemble(
        order, first, given, particles, suffix, dates, roles, adds,
    ))
}

/// Whether a word begins with a lower-case letter and is not a surname prefix (`of`,
/// `the`, `and`, `artist`; not `van`, `de`, `d'Estaing`).
fn lowercase_word(w: &str) -> bool {
    let Some(c) = w.chars().find(|c| c.is_alphabetic()) else {
        return false;
    };
    if !c.is_lowercase() || lexicon::particle(w).is_some() {
        return false;
    }
    // `d'Estaing`, `l'Hôpital`: an elided prefix written onto the name
    !w.split_once(lexicon::is_apostrophe)
        .is_some_and(|(_, rest)| rest.chars().next().is_some_and(char::is_uppercase))
}

/// Whether every word of a name part can be placed by the rules: no digit, and (when the
/// name is `cased`, i.e. not all lower case) no word that begins with a lower-case
/// letter other than a prefix (`Master of the Giants`, `Alighiero e Boetti`).
fn readable(words: &[String], cased: bool) -> bool {
    words
        .iter()
        .all(|w| !(w.chars().any(|c| c.is_ascii_digit()) || cased && lowercase_word(w)))
}

/// Whether a whole comma part is a term of address (`Mrs`, `Lady`, `Sir`).
fn is_address(words: &[String]) -> bool {
    let slice: Vec<&str> = words.iter().map(String::as_str).collect();
    lexicon::ADDRESS_LIST.get(&slice).is_some()
}

/// Whether a comma part is honours (`OM`, `CH`, `7th Bt`): every word a post-nominal of
/// the list or an ordinal, at least one a post-nominal; or, when `generic` (the name
/// already has its forename), one word of two or more capitals (`FRSA`).
fn is_post_nominal_part(words: &[String], generic: bool) -> bool {
    // `R.A.`, split into initials by rule 4, is `RA`.
    let listed = words.iter().any(|w| lexicon::post_nominal(w))
        && words
            .iter()
            .all(|w| lexicon::post_nominal(w) || lexicon::ordinal(w))
        || words.len() > 1
            && words.iter().all(|w| is_initial(w))
            && lexicon::post_nominal(&words.concat());
    // `FRSA`, `K.C.B.` (split into initials by rule 4), `M.D.`
    let letters = words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| c.is_alphabetic())
        .count();
    listed || (generic && (2..=6).contains(&letters) && all_capitals(words))
}

/// Whether every word of a part is written in capitals (`KP`, `OM CH`).
fn all_capitals(words: &[String]) -> bool {
    words
        .iter()
        .all(|w| w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()))
}

/// `Fifth Earl of Aylesford`, `Duchess of Rutland`, `Viscount Harding`: an optional
/// ordinal, a title of nobility, `of` (required after `Lord` and `Lady`), then the place,
/// capitalized. Returns how many words the title takes (`Fifth Earl of` = 3).
fn nobility_in_display_order(words: &[String]) -> Option<usize> {
    let mut i = usize::from(words.first().is_some_and(|w| lexicon::ordinal(w)));
    let rank = words.get(i)?;
    if !lexicon::peerage(rank) {
        return None;
    }
    i += 1;
    let of = words.get(i).is_some_and(|w| w == "of");
    if of {
        i += 1;
    } else if matches!(lexicon::fold(rank).as_str(), "lord" | "lady") {
        return None;
    }
    let place = &words[i.min(words.len())..];
    // `Larrison, Earl J.`: Earl is a forename there; a place is never an initial. Without
    // `of`, the place is one word (`Viscount Harding`): `Baron Vincenzo Camuccini` is a
    // title and a name.
    (!place.is_empty()
        && (of || place.len() == 1)
        && place.iter().all(|w| starts_upper(w) && !is_initial(w)))
    .then_some(i)
}

fn starts_upper(w: &str) -> bool {
    w.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_uppercase)
}

/// Strip leading titles (dropped as roles) and terms of address (kept as additions),
/// longest first, never the last remaining word. `None` when a leading word may be an
/// abbreviated title or a given name ([`lexicon::title_or_given_name`]: `Sen Katayama`):
/// the name is then kept as written. `Some(true)` when a title dropped is one word, written
/// without a period, that is also in the given-name list (`Marshal`, `Premier`, `Major`):
/// the caller keeps it unless the rest is certain.
fn strip_front(
    words: &mut Vec<String>,
    roles: &mut Vec<String>,
    adds: &mut Vec<Addition>,
) -> Option<bool> {
    let mut ambiguous = false;
    'outer: while words.len() > 1 {
        let key = lexicon::title_word_key(&words[0]);
        for (list, keep) in [
            (&*lexicon::TITLE_LIST, false),
            (&*lexicon::ADDRESS_LIST, true),
        ] {
            if !list.may_start(&key) {
                continue;
            }
            let max = list.max_words.min(words.len() - 1);
            for n in (1..=max).rev() {
                let slice: Vec<&str> = words[..n].iter().map(String::as_str).collect();
                if let Some(t) = list.get(&slice) {
                    if n == 1 && !keep && lexicon::title_or_given_name(slice[0]) {
                        return None;
                    }
                    if n == 1
                        && !keep
                        && !slice[0].ends_with('.')
                        && lexicon::given_name_births(slice[0]) > 0
                    {
                        ambiguous = true;
                    }
                    if keep {
                        add(adds, slice.join(" "), Place::Front);
                    } else {
                        push_role(roles, t);
                    }
                    words.drain(..n);
                    continue 'outer;
                }
            }
        }
        break;
    }
    Some(ambiguous)
}

/// The words of one comma part: split on whitespace, initials spaced, punctuation-only
/// words dropped.
fn words_of(part: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in part.split_whitespace() {
        split_initials(w, &mut out);
    }
    out.retain(|w| w.chars().any(char::is_alphanumeric));
    out
}

/// `A.M.` → `A.`, `M.`; `A.M.Puzanov` → `A.`, `M.`, `Puzanov`. A piece is split off only
/// when it is one letter and a period followed by another letter, so `Ph.D.` and `J.-P.`
/// stay whole.
fn split_initials(word: &str, out: &mut Vec<String>) {
    let mut rest = word;
    loop {
        let mut chars = rest.char_indices();
        let (Some((_, c0)), Some((_, '.')), Some((i2, c2))) =
            (chars.next(), chars.next(), chars.next())
        else {
            break;
        };
        if !c0.is_alphabetic() || !c2.is_alphabetic() {
            break;
        }
        out.push(format!("{c0}."));
        rest = &rest[i2..];
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
}

fn push_role(roles: &mut Vec<String>, title: &str) {
    if !roles.iter().any(|r| r == title) {
        roles.push(title.to_string());
    }
}

/// The title that a whole comma part spells (`Mao Zedong, Chairman`).
fn whole_title(words: &[String]) -> Option<&'static str> {
    let slice: Vec<&str> = words.iter().map(String::as_str).collect();
    lexicon::TITLE_LIST.get(&slice)
}

/// Life dates as written in a heading: `1893-1976`, `1920-`, `b. 1911`, `ca. 1900-1970`.
fn is_date_like(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "b.",
        "d.",
        "ca.",
        "c.",
        "circa",
        "fl.",
        "active",
        "born",
        "died",
        "approximately",
        "approx.",
        "about",
        "after",
        "before",
        "floruit",
    ];
    let mut body = s.trim();
    while let Some(rest) = PREFIXES.iter().find_map(|p| {
        body.strip_prefix(p)
            .filter(|r| r.starts_with([' ', '1', '2']))
    }) {
        body = rest.trim_start();
    }
    body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '–' | '?' | '.' | ' ' | '/'))
}

fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), None, _) => c.is_alphabetic(),
        (Some(c), Some('.'), None) => c.is_alphabetic(),
        _ => false,
    }
}

/// Whether `family` + `given` should be read family-first (rule 8): the family name is
/// in a surname list, and every given word is syllables of a romanization of a language
/// whose list has it ([`Grammar`]: `Jo Baer`, `Lee Bontecou`, `Ota Janecek` are not).
fn looks_family_first(family: &[String], given: &[String]) -> bool {
    if family.len() != 1 || given.is_empty() || given.len() > 3 {
        return false;
    }
    let surname = lexicon::fold(&family[0]);
    if !lexicon::CJK_SURNAMES.contains(&surname) {
        return false;
    }
    let hyphenated = given.iter().any(|w| w.contains('-'));
    let folded: Vec<String> = given.iter().map(|w| lexicon::fold(w)).collect();
    Grammar::of_surname(&surname, hyphenated)
        .into_iter()
        .flatten()
        .any(|g| folded.iter().all(|w| g.is_syllabic(w)))
        || lexicon::KOREAN_SURNAMES.contains(&surname)
            && folded.iter().all(|w| {
                w.len() <= 3
                    && syllable_count(w, KOREAN_FROM_RUSSIAN.onsets, KOREAN_FROM_RUSSIAN.codas)
                        == Some(1)
            })
}

/// Korean names as Soviet documents spell them, from the Russian (the Kontsevich
/// Cyrillization, then Latin letters for the Cyrillic: `Kim Ir Sen` for Ким Ир Сен, `Pak
/// Den Khe` for Пак Ден Хе, `Ho Ka I`): each syllable a word of its own, with the onset
/// `kh` (х) and the final `r` (р) that McCune-Reischauer does not write. Only words of one
/// syllable and at most three letters are read so (`Jo Baer` stays Western).
const KOREAN_FROM_RUSSIAN: Grammar = Grammar {
    onsets: &[
        "kh", "ch", "sh", "ts", "b", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
        "y", "",
    ],
    codas: &["ng", "n", "m", "k", "l", "p", "t", "r", ""],
};

/// The syllable shapes of one family of romanizations: which onsets and codas it writes.
/// ALA-LC Chinese (pinyin; Wade-Giles and the postal and Cantonese spellings also met:
/// `Kai-shek`), Korean (McCune-Reischauer, Revised Romanization), Japanese (modified
/// Hepburn), Vietnamese (quốc ngữ without diacritics).
#[derive(Debug)]
struct Grammar {
    onsets: &'static [&'static str],
    codas: &'static [&'static str],
}

const CHINESE: Grammar = Grammar {
    onsets: ONSETS,
    codas: &["ng", "n", "m", "k", "p", "t", "r", "h", ""],
};
/// Korean never writes c (only ch), f, q, v, x or z; a final r only inside a hyphenated
/// MR name (`Ch'ŏr-wŏn`), see [`KOREAN_HYPHENATED`].
const KOREAN: Grammar = Grammar {
    onsets: &[
        "ch", "sh", "kk", "tt", "pp", "ss", "jj", "ng", "ts", "b", "d", "g", "h", "j", "k", "l",
        "m", "n", "p", "r", "s", "t", "w", "y", "",
    ],
    codas: &["ng", "n", "m", "k", "l", "p", "t", ""],
};
const KOREAN_HYPHENATED: Grammar = Grammar {
    onsets: KOREAN.onsets,
    codas: &["ng", "n", "m", "k", "l", "p", "t", "r", ""],
};
/// Hepburn: no l, c (only ch), q, v, x; the only final is n.
const JAPANESE: Grammar = Grammar {
    onsets: &[
        "ch", "sh", "ts", "b", "d", "f", "g", "h", "j", "k", "m", "n", "p", "r", "s", "t", "w",
        "y", "z", "",
    ],
    codas: &["n", ""],
};
/// Vietnamese: no f, j, w, z; finals c, ch, m, n, ng, nh, p, t.
const VIETNAMESE: Grammar = Grammar {
    onsets: &[
        "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
        "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ],
    codas: &["ng", "nh", "ch", "c", "m", "n", "p", "t", ""],
};

impl Grammar {
    /// The grammars of the languages whose surname list has `surname` (folded).
    fn of_surname(surname: &str, hyphenated: bool) -> [Option<&'static Grammar>; 4] {
        let korean = if hyphenated {
            &KOREAN_HYPHENATED
        } else {
            &KOREAN
        };
        [
            lexicon::CHINESE_SURNAMES
                .contains(surname)
                .then_some(&CHINESE),
            lexicon::KOREAN_SURNAMES.contains(surname).then_some(korean),
            lexicon::JAPANESE_SURNAMES
                .contains(surname)
                .then_some(&JAPANESE),
            lexicon::VIETNAMESE_SURNAMES
                .contains(surname)
                .then_some(&VIETNAMESE),
        ]
    }

    /// Whether a folded word ([`lexicon::fold`]) is syllables of this grammar.
    fn is_syllabic(&self, folded: &str) -> bool {
        !folded.is_empty()
            && folded.split('-').all(|piece| {
                syllable_count(piece, self.onsets, self.codas).is_some_and(|n| (1..=4).contains(&n))
            })
    }
}

const ONSETS: &[&str] = &[
    "ngh", "zh", "ch", "sh", "ts", "tz", "hs", "kk", "tt", "pp", "ss", "jj", "ng", "nh", "ph",
    "th", "tr", "kh", "gh", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "q", "r",
    "s", "t", "v", "w", "x", "y", "z", "",
];
const CODAS: &[&str] = &["ng", "nh", "ch", "n", "m", "k", "l", "p", "t", "r", "h", ""];
/// The finals that a romanized East Asian syllable may have in any of the systems, without
/// the `l` and `r` that only some write after a vowel and that English family names have
/// (`Jo Baer`, `Lee Miller` are not read as romanizations; `Lee Ufan` is).
const ROMANIZED_CODAS: &[&str] = &["ng", "n", "m", "k", "p", "t", "h", ""];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether a word looks like romanized Chinese, Korean, Japanese or Vietnamese
/// syllables: after folding (diacritics and apostrophes removed) each hyphen-separated
/// piece is ASCII letters that split into one to four syllables of the shape
/// (onset)(1-3 vowels)(coda), with the onsets and codas of pinyin, Wade-Giles,
/// McCune-Reischauer, Revised Romanization, Hepburn and Vietnamese.
/// `Zedong`, `Shaoqi`, `Il`, `Deok-hwan`, `Ch'ŏr-wŏn`, `Kakuei` are; `Harvey`,
/// `Oswald`, `A.`, `Puzanov` (`zan` + `ov`: no `v` coda) are not.
pub fn is_syllabic(word: &str) -> bool {
    let folded = lexicon::fold(word);
    !folded.is_empty()
        && folded
            .split('-')
            .all(|piece| syllable_count(piece, ONSETS, CODAS).is_some_and(|n| (1..=4).contains(&n)))
}

/// The fewest syllables `piece` splits into, if it splits at all.
fn syllable_count(piece: &str, onsets: &[&str], codas: &[&str]) -> Option<usize> {
    let b = piece.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let n = b.len();
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    best[0] = Some(0);
    for start in 0..n {
        let Some(count) = best[start] else { continue };
        for onset in onsets {
            let o = onset.as_bytes();
            if !b[start..].starts_with(o) {
                continue;
            }
            let after_onset = start + o.len();
            // A glide after a consonant onset: Korean `hw`/`kw`/`ky`, Japanese `ky`/`ry`.
            let glide = !o.is_empty()
                && !matches!(*onset, "w" | "y")
                && b.get(after_onset).is_some_and(|c| matches!(c, b'w' | b'y'));
            for v0 in [after_onset, after_onset + 1]
                .into_iter()
                .take(if glide { 2 } else { 1 })
            {
                let mut v_end = v0;
                while v_end < n && v_end - v0 < 3 && is_vowel(b[v_end]) {
                    v_end += 1;
                    for coda in codas {
                        let c = coda.as_bytes();
                        if b[v_end..].starts_with(c) {
                            let end = v_end + c.len();
                            if best[end].is_none_or(|e| e > count + 1) {
                                best[end] = Some(count + 1);
                            }
                        }
                    }
                }
            }
        }
    }
    best[n]
}

fn from_direct_order(
    cleaned: &str,
    mut words: Vec<String>,
    mut roles: Vec<String>,
    mut adds: Vec<Addition>,
    mut suffix: Option<String>,
    dates: Option<String>,
    cased: bool,
) -> Option<PersonName> {
    if roles.is_empty()
        && adds.is_empty()
        && let Some(p) = royal_or_papal(&words, dates.as_deref())
    {
        return Some(p);
    }
    // Additions written after the name (rule 6), last first: `Jr.`, `Junior`, `III`,
    // `OM`, `7th Bt`, `the Elder`, `of Derby`.
    let mut tail: Vec<Addition> = Vec::new();
    loop {
        let n = words.len();
        if n >= 2
            && suffix.is_none()
            && let Some(s) = lexicon::suffix(&words[n - 1]).filter(|s| {
                // After one word, only an abbreviation or a regnal numeral: `Betsy
                // Senior` is a forename and a family name.
                (n >= 3
                    || s.ends_with('.')
                    || s.chars().count() > 1 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')))
                    // `Ho Ka I`: a syllable of a Korean name, not the numeral I.
                    && !(*s == "I" && lexicon::CJK_SURNAMES.contains(&lexicon::fold(&words[0])))
            })
        {
            suffix = Some(s.to_string());
            tail.insert(
                0,
                Addition {
                    text: s.to_string(),
                    place: Place::Close,
                },
            );
            words.pop();
            continue;
        }
        if n >= 3
            && words[n - 1]
                .trim_end_matches('.')
                .eq_ignore_ascii_case("esq")
        {
            // `John Smith Esq` (only Esq.: `William Calder Marshall` is no marshal)
            push_role(&mut roles, "Esq.");
            words.pop();
            continue;
        }
        if n >= 3 && lexicon::post_nominal(&words[n - 1]) {
            let mut text = words.pop().unwrap_or_default();
            if n >= 4 && words.last().is_some_and(|w| lexicon::ordinal(w)) {
                text = format!("{} {text}", words.pop().unwrap_or_default());
            }
            tail.insert(
                0,
                Addition {
                    text,
                    place: Place::Comma,
                },
            );
            continue;
        }
        if n >= 4 && words[n - 2] == "the" && starts_upper(&words[n - 1]) {
            let text = words.split_off(n - 2).join(" ");
            tail.insert(
                0,
                Addition {
                    text,
                    place: Place::Close,
                },
            );
            continue;
        }
        if let Some(i) = epithet_of_place(&words) {
            let text = words.split_off(i).join(" ");
            tail.insert(
                0,
                Addition {
                    text,
                    place: Place::Close,
                },
            );
            continue;
        }
        break;
    }
    let at = adds
        .iter()
        .position(|a| a.place != Place::Front)
        .unwrap_or(adds.len());
    adds.splice(at..at, tail);
    // `The Beatles`: no personal name begins with an article (`The Hon.` is an addition).
    if !readable(&words, cased) || words.first().is_some_and(|w| w == "The") {
        return None;
    }
    match words.len() {
        0 => return Some(direct(words, roles, suffix, dates, adds)),
        1 if suffix
            .as_deref()
            .is_some_and(|s| s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))) =>
        {
            // `Henry VIII`, `Elizabeth II, Queen of Great Britain`: a forename and a
            // numeral, entered directly (RDA 9.2.2.20, LCNAF `Napoleon I, Emperor of the
            // French`).
            return Some(direct(words, roles, suffix, dates, adds));
        }
        1 => {
            let family = words.pop().unwrap_or_default();
            // A title or a term of address says that the word is a person's name
            // (`Chairman Mao`, `Lady Dacre`); a word alone (`Canaletto`, `Behrens`) may be a
            // byname or a firm: its own heading, but no family name is claimed.
            let person = !roles.is_empty() || adds.iter().any(|a| a.place == Place::Front);
            let mut p = assemble(
                NameOrder::Single,
                vec![family],
                Vec::new(),
                Vec::new(),
                suffix,
                dates,
                roles,
                adds,
            );
            if !person {
                p.family = None;
            }
            return Some(p);
        }
        _ => {}
    }
    if lexicon::particle(&words[0]).is_some()
        && lexicon::CJK_SURNAMES.contains(&lexicon::fold(&words[0]))
    {
        // `Le Corbusier`, `Le Duan`: a French prefix or a Vietnamese family name; no
        // rule tells which.
        return None;
    }
    if words.len() <= 4 && looks_family_first(&words[..1], &words[1..]) {
        // A hyphenated given name of syllables (`Kim Il-sung`, `Lee Young-guk`) is the
        // romanization's, never a Western name's.
        let hyphenated = words[1..].iter().any(|w| w.contains('-'));
        if only_japanese(&words) || japanese_in_either_order(&words) {
            // `Kishi Nobusuke`, `Tanaka Ryohei`: Japanese names are written in both orders.
            return Some(unproven(cleaned, Doubt::EitherOrder));
        }
        if !hyphenated && western_reading_possible(&words) {
            // `Lou Cannon`, `Nam June Paik`, `Lee Ufan`: a family name of the East Asian
            // lists that is also a common Western given name, and every word but the last a
            // given name: both readings hold.
            return Some(unproven(cleaned, Doubt::EitherOrder));
        }
        let given = words.split_off(1);
        return Some(assemble(
            NameOrder::FamilyFirst,
            words,
            given,
            Vec::new(),
            suffix,
            dates,
            roles,
            adds,
        ));
    }
    // After the family-first rule (`KIM Il Sung` is Kim, Il Sung): one word in capitals
    // among words in mixed case (National Archives of Australia item titles write the
    // family name in capitals, first or last: `CONSIDINE Michael`, `Jacob Lauder RAITH`).
    if cased && words.len() >= 2 {
        // Four letters at least: shorter capitals may be initials (`KP Jayasankar`,
        // `JMW Turner`), which the rules below read.
        let capital = |w: &String| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 4
                && !is_initial(w)
                && w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
        };
        let capitals = words.iter().filter(|w| capital(w)).count();
        let mixed = words
            .iter()
            .filter(|w| w.chars().any(char::is_lowercase))
            .count();
        // Last, it is the family name by the Western rule below. First (`CONSIDINE
        // Michael`) or in the middle it may be the family name, or an acronym of a body
        // (`USDA Forest Service`): kept as written.
        if capitals == 1 && mixed + 1 == words.len() && !capital(&words[words.len() - 1]) {
            return None;
        }
    }
    if words.last().is_some_and(|w| is_initial(w)) {
        return Some(direct(words, roles, suffix, dates, adds));
    }
    // Western order: the last word, with the prefixes before it, is the family name.
    let last = words.len() - 1;
    let mut start = last;
    while start > 0 && lexicon::particle(&words[start - 1]).is_some() {
        start -= 1;
    }
    if start == 0 {
        // Only prefixes before the surname (`van Gogh`, `Le Corbusier`): nothing to invert.
        return Some(direct(words, roles, suffix, dates, adds));
    }
    let mut family_start = last;
    while family_start > start
        && lexicon::particle(&words[family_start - 1]) == Some(Placement::With)
    {
        family_start -= 1;
    }
    // The evidence for inverting (rule 9): every word before the family name (and its
    // prefixes) is a given name of the list or an initial, and no prefix is one whose place
    // depends on the person's language.
    if lexicon::CJK_SURNAMES.contains(&lexicon::fold(&words[0]))
        && words[1..].iter().all(|w| {
            let folded = lexicon::fold(w);
            !folded.is_empty()
                && folded.split('-').all(|piece| {
                    syllable_count(piece, ONSETS, ROMANIZED_CODAS)
                        .is_some_and(|n| (1..=4).contains(&n))
                })
        })
    {
        // `Lee Ufan` (Korean, family name first, in a romanization of his own) or `Lee
        // Miller`: a family name of the East Asian lists, then words that may be syllables
        // of a romanization.
        return Some(unproven(cleaned, Doubt::EitherOrder));
    }
    // `Sir` and `Dame` go with the forename (`Sir Muirhead Bone`, never `Sir Bone`), so the
    // word after them is one.
    let forename_after_address = adds.iter().any(|a| {
        a.place == Place::Front && matches!(lexicon::fold(&a.text).as_str(), "sir" | "dame")
    });
    // The first forename needs only to be in the list (a European forename such as `Georges`,
    // `Ernst` or `Heinz` is more often a family name in the US census); a later one must be
    // more often a given name than a family name, or it may begin a family name of two words
    // (`George Spencer Watson`, `Mario Garcia Torres`).
    // A family name written in capitals, last (`Jacob Lauder RAITH`), is the cataloguer's
    // mark of the family name (National Archives of Australia item titles).
    let capital_family = cased
        && words[..words.len() - 1]
            .iter()
            .all(|w| w.chars().any(char::is_lowercase) || is_initial(w))
        && words[words.len() - 1]
            .chars()
            .filter(|c| c.is_alphabetic())
            .count()
            >= 4
        && words[words.len() - 1]
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_uppercase());
    let evidence = capital_family
        || words[..start].iter().enumerate().all(|(i, w)| {
            if i == 0 {
                forename_after_address || given_name_evidence(w, false)
            } else {
                given_name_evidence(w, true)
            }
        });
    // An epithet of place after a rank or an office (`Abbot Rupert of Deutz`): the first
    // word is the office, not a forename.
    let office_of_place = lexicon::rank_or_office(&words[0])
        && adds
            .iter()
            .any(|a| a.place == Place::Close && a.text.starts_with("of "));
    let doubt = if japanese_in_either_order(&words) || two_syllables(&words) {
        Some(Doubt::EitherOrder)
    } else if words[1..].iter().any(|w| prefix_of_unknown_custom(w)) {
        Some(Doubt::PrefixOfUnknownCustom)
    } else if lexicon::byname(&words[words.len() - 1]) {
        Some(Doubt::Byname)
    } else if office_of_place {
        Some(Doubt::DisplayForm)
    } else if words[1..start]
        .iter()
        .any(|w| matches!(lexicon::fold(w).as_str(), "st" | "st." | "saint"))
    {
        // `John St John Long`: `St John` is a forename or begins the family name.
        Some(Doubt::FamilyNameOfTwoWords)
    } else if !evidence {
        // A word not in the list at all, or only words that are more often family names.
        let absent = words[..start].iter().enumerate().any(|(i, w)| {
            let initial_or_after_sir =
                w.split('-').all(is_initial) || i == 0 && forename_after_address;
            !initial_or_after_sir && lexicon::given_name_births(w) < lexicon::GIVEN_NAME_EVIDENCE
        });
        Some(if absent {
            Doubt::NoGivenName
        } else {
            Doubt::FamilyNameOfTwoWords
        })
    } else {
        None
    };
    if let Some(doubt) = doubt {
        return Some(unproven(cleaned, doubt));
    }
    let family = words.split_off(family_start);
    let particles = words.split_off(start);
    Some(assemble(
        NameOrder::GivenFirst,
        family,
        words,
        particles,
        suffix,
        dates,
        roles,
        adds,
    ))
}

/// Whether a word before the family name is evidence of a name in Western order: an
/// initial (`A.`, `J.-P.`, `A`), or a given name of the list (`data/given_names.tsv`);
/// when `more_than_family_name`, one that is more often a given name than a family name
/// ([`lexicon::given_name_evidence`]).
fn given_name_evidence(word: &str, more_than_family_name: bool) -> bool {
    word.split('-').all(is_initial) || lexicon::given_name_evidence(word, more_than_family_name)
}

/// Whether a word is a lower-case prefix whose place in the heading depends on the
/// person's language, which the text does not give (RDA F.11): `de`, `da` (French, Spanish,
/// Portuguese: after the forename, `Gaulle, Charles de`; modern Italian: the entry element,
/// `De Chirico, Giorgio`), `di`, `del`, `della` (modern Italian: the entry element; before
/// about 1600 a byname, entered under the forename: `Andrea, del Castagno`), and an elided
/// `d'` or `l'` written onto the name (`Erlanger, Rodolphe d'`; `D'Annunzio, Gabriele`).
fn prefix_of_unknown_custom(word: &str) -> bool {
    const PREFIXES: &[&str] = &["de", "da", "di", "del", "della", "dei", "degli", "dello"];
    let lower = word.chars().next().is_some_and(char::is_lowercase);
    let folded = lexicon::fold(word);
    let elided = word.contains(lexicon::is_apostrophe)
        && matches!(
            word.split(lexicon::is_apostrophe)
                .next()
                .map(lexicon::fold)
                .as_deref(),
            Some("d" | "l" | "dell" | "dall" | "nell")
        );
    // A capitalized prefix inside a name (`Henri De Toulouse-Lautrec`, `Jan Van Dar
    // Vaart`) is the English custom (`Van Buren, Martin`) or a capital written where the
    // language writes none; `Saint` and the French articles (`Le Brun`, `Du Maurier`) are
    // part of the entry element in every custom (F.11).
    let capitalized = !lower
        && lexicon::particle(word).is_some()
        && !matches!(
            folded.as_str(),
            "saint" | "sainte" | "st" | "st." | "ste" | "le" | "la" | "les" | "du" | "des"
        );
    // Arabic articles (`Rana El Nemr`: `El Nemr, Rana`; `al-Sadr`).
    let article = matches!(folded.as_str(), "el" | "al")
        || folded.starts_with("al-")
        || folded.starts_with("el-");
    lower && PREFIXES.contains(&folded.as_str()) || elided || capitalized || article
}

/// A regnal numeral of two letters or more (`II`, `XIV`), which no family name holds.
fn regnal_numeral(word: &str) -> bool {
    word.chars().count() > 1 && word.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

/// Whether the family-first reading of rule 8 rests on the Japanese list and Hepburn
/// syllables alone (no Chinese, Korean or Vietnamese reading): catalogues write Japanese
/// names in both orders (`Kaneko Jun`, `Jun Kaneko`), so nothing says which.
fn only_japanese(words: &[String]) -> bool {
    let surname = lexicon::fold(&words[0]);
    let folded: Vec<String> = words[1..].iter().map(|w| lexicon::fold(w)).collect();
    let hyphenated = folded.iter().any(|w| w.contains('-'));
    let [chinese, korean, _, vietnamese] = Grammar::of_surname(&surname, hyphenated);
    lexicon::JAPANESE_SURNAMES.contains(&surname)
        && ![chinese, korean, vietnamese]
            .into_iter()
            .flatten()
            .any(|g| folded.iter().all(|w| g.is_syllabic(w)))
}

/// Whether a name is two words of one romanized syllable each (`Hai Bo`, `Tu Fu`) whose
/// first is no common Western given name: a Chinese name, in either order.
fn two_syllables(words: &[String]) -> bool {
    words.len() == 2
        && lexicon::given_name_births(&words[0]) < lexicon::COMMON_GIVEN_NAME
        && words.iter().all(|w| {
            let folded = lexicon::fold(w);
            syllable_count(&folded, ONSETS, ROMANIZED_CODAS) == Some(1)
        })
}

/// Whether a name of two words may be a Japanese name in either order: both are syllables
/// of Hepburn romanization, two at least each (`Katsushika Hokusai` is family name first,
/// `Yoko Ono` given name first; catalogues write both), and the first is not a common
/// Western given name.
fn japanese_in_either_order(words: &[String]) -> bool {
    words.len() == 2
        && lexicon::given_name_births(&words[0]) < lexicon::COMMON_GIVEN_NAME
        && words.iter().all(|w| {
            let folded = lexicon::fold(w);
            !folded.contains('-')
                && syllable_count(&folded, JAPANESE.onsets, JAPANESE.codas).is_some_and(|n| n >= 2)
        })
}

/// Whether a name read family first (rule 8) may also be read in Western order: one of its
/// words is a common Western given name ([`lexicon::COMMON_GIVEN_NAME`]: `Lou`, `Lee`,
/// `June`) and every word but the last is evidence of a given name.
fn western_reading_possible(words: &[String]) -> bool {
    // As written: `Văn` is Vietnamese, not `Van`.
    words
        .iter()
        .any(|w| w.is_ascii() && lexicon::given_name_births(w) >= lexicon::COMMON_GIVEN_NAME)
        && words[..words.len() - 1]
            .iter()
            .enumerate()
            .all(|(i, w)| given_name_evidence(w, i > 0))
}

/// Royal persons and popes (RDA 9.2.2.20 with 9.19.1.2; LC-PCC PS 9.19.1.2; LCNAF `George
/// III, King of Great Britain`, `John Paul II, Pope`): a title of the list, one to three
/// forenames, then a regnal numeral, `of` and a place, or both (a pope needs neither: `Pope
/// Francis`). The heading is the forenames and numeral, then the title with its place, as
/// written: `King George III of England` → `George III, King of England`. The title is
/// never dropped.
fn royal_or_papal(words: &[String], dates: Option<&str>) -> Option<PersonName> {
    const TITLES: &[&str] = &[
        "king",
        "queen",
        "emperor",
        "empress",
        "pope",
        "tsar",
        "czar",
        "tsarina",
        "czarina",
        "kaiser",
        "prince",
        "princess",
        "archduke",
        "archduchess",
        "sultan",
        "shah",
    ];
    let title = words.first()?;
    let key = lexicon::fold(title);
    if !starts_upper(title) || !TITLES.contains(&key.as_str()) {
        return None;
    }
    let regnal = |w: &str| !w.is_empty() && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    let mut i = 1;
    while i < words.len()
        && i <= 3
        && starts_upper(&words[i])
        && !regnal(&words[i])
        && words[i].chars().all(char::is_alphabetic)
    {
        i += 1;
    }
    let names = &words[1..i];
    if names.is_empty() {
        return None;
    }
    let numeral = words.get(i).filter(|w| regnal(w));
    i += usize::from(numeral.is_some());
    let place = match words.get(i) {
        Some(of) if of == "of" => {
            let place = &words[i + 1..];
            if place.is_empty() || !place.iter().all(|w| starts_upper(w)) {
                return None;
            }
            Some(place)
        }
        Some(_) => return None,
        None => None,
    };
    if numeral.is_none() && place.is_none() && key != "pope" {
        return None;
    }
    let mut given = names.join(" ");
    if let Some(n) = numeral {
        given.push(' ');
        given.push_str(n);
    }
    let mut office = title.clone();
    if let Some(place) = place {
        office.push_str(" of ");
        office.push_str(&place.join(" "));
    }
    Some(PersonName {
        display: words.join(" "),
        heading: format!("{given}, {office}"),
        family: None,
        given: Some(given),
        particles: None,
        suffix: numeral.cloned(),
        dates: dates.map(str::to_string),
        roles: Vec::new(),
        additions: vec![office],
        order: NameOrder::Direct,
        doubt: None,
    })
}

/// `of Derby`, `of Norbury` at the end of a name of at least two words before it, the
/// place capitalized, the word before `of` not a rank or office (`Master of the
/// Giants`, `Queen of Scots` are not read). The index of `of`.
fn epithet_of_place(words: &[String]) -> Option<usize> {
    let i = words.iter().rposition(|w| w == "of")?;
    (i >= 2
        && i + 1 < words.len()
        && words[i + 1..].iter().all(|w| starts_upper(w))
        && !lexicon::rank_or_office(&words[i - 1]))
    .then_some(i)
}

/// A name that is not inverted (`H. D.`, `van Gogh`): the heading is the display form.
fn direct(
    words: Vec<String>,
    roles: Vec<String>,
    suffix: Option<String>,
    dates: Option<String>,
    adds: Vec<Addition>,
) -> PersonName {
    let mut display = String::new();
    let push = |display: &mut String, sep: &str, s: &str| {
        if !display.is_empty() {
            display.push_str(sep);
        }
        display.push_str(s);
    };
    for a in adds.iter().filter(|a| a.place == Place::Front) {
        push(&mut display, " ", &a.text);
    }
    for w in &words {
        push(&mut display, " ", w);
    }
    for a in adds.iter().filter(|a| a.place != Place::Front) {
        let sep = if a.place == Place::Close { " " } else { ", " };
        push(&mut display, sep, &a.text);
    }
    PersonName {
        heading: display.clone(),
        display,
        family: None,
        given: None,
        particles: None,
        suffix,
        dates,
        roles,
        additions: adds.into_iter().map(|a| a.text).collect(),
        order: NameOrder::Direct,
        doubt: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    order: NameOrder,
    family: Vec<String>,
    given: Vec<String>,
    particles: Vec<String>,
    suffix: Option<String>,
    dates: Option<String>,
    roles: Vec<String>,
    mut adds: Vec<Addition>,
) -> PersonName {
    // Heading order (rule 6): address, relationship and epithets, nobility, honours;
    // written order within each (a stable sort).
    adds.sort_by_key(|a| a.place);
    let family = family.join(" ");
    let given = (!given.is_empty()).then(|| given.join(" "));
    let particles = (!particles.is_empty()).then(|| particles.join(" "));
    let mut heading = family.clone();
    let mut display = String::new();
    for a in adds.iter().filter(|a| a.place == Place::Front) {
        display.push_str(&a.text);
        display.push(' ');
    }
    let nobility = adds.iter().position(|a| a.place == Place::Nobility);
    match order {
        NameOrder::FamilyFirst => {
            display.push_str(&family);
            if let Some(g) = &given {
                display.push(' ');
                display.push_str(g);
                heading.push_str(", ");
                heading.push_str(g);
            }
        }
        _ => {
            let mut front: Vec<&str> = Vec::new();
            front.extend(given.as_deref());
            front.extend(particles.as_deref());
            let front = front.join(" ");
            if !front.is_empty() {
                display.push_str(&front);
                heading.push_str(", ");
                heading.push_str(&front);
                // `Heneage Finch, Fifth Earl of Aylesford`
                display.push_str(if nobility.is_some() { ", " } else { " " });
            }
            if let Some(i) = nobility {
                display.push_str(&adds[i].text);
                display.push(' ');
            }
            display.push_str(&family);
        }
    }
    for (i, a) in adds.iter().enumerate() {
        heading.push_str(", ");
        heading.push_str(&a.text);
        match a.place {
            Place::Front => {}
            _ if Some(i) == nobility && order != NameOrder::FamilyFirst => {}
            Place::Close => {
                display.push(' ');
                display.push_str(&a.text);
            }
            Place::Nobility | Place::Comma => {
                display.push_str(", ");
                display.push_str(&a.text);
            }
        }
    }
    PersonName {
        display,
        heading,
        family: Some(family),
        given,
        particles,
        suffix,
        dates,
        roles,
        additions: adds.into_iter().map(|a| a.text).collect(),
        order,
        doubt: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables() {
        for w in [
            "Zedong",
            "Shaoqi",
            "Il",
            "Sung",
            "Deok-hwan",
            "Ch'ŏr-wŏn",
            "Kakuei",
            "Enlai",
            "Biao",
            "Zihui",
            "Zhen",
            "Ke",
            "Erlu",
            "Yong-guk",
            "Il-sung",
            "Kai-shek",
        ] {
            assert!(is_syllabic(w), "{w}");
        }
        for w in [
            "Harvey", "Oswald", "A.", "Puzanov", "Ludwig", "", "-", "Zedong1",
        ] {
            assert!(!is_syllabic(w), "{w}");
        }
    }

    #[test]
    fn initials_split() {
        let mut v = Vec::new();
        split_initials("A.M.Puzanov", &mut v);
        assert_eq!(v, ["A.", "M.", "Puzanov"]);
        v.clear();
        split_initials("Ph.D.", &mut v);
        assert_eq!(v, ["Ph.D."]);
        v.clear();
        split_initials("J.-P.", &mut v);
        assert_eq!(v, ["J.-P."]);
        v.clear();
        split_initials("É.Ö.", &mut v);
        assert_eq!(v, ["É.", "Ö."]);
    }

    /// `Gen`, `Sen` and `Maj` are given names as well as abbreviated titles: without their
    /// period the name is kept as written (a given name is never dropped as a title);
    /// with it, or spelled out, they are the title.
    #[test]
    fn an_abbreviation_that_is_also_a_given_name_is_not_dropped() {
        for written in [
            "Gen Hoshino",
            "Hoshino, Gen",
            "Sen Katayama",
            "Katayama, Sen",
            "Maj Sjöwall",
            "Sjöwall, Maj",
            "Smith, Gen Hoshino",
        ] {
            let p = normalize_person(written);
            assert!(p.kept_as_written(), "{written}: {p:?}");
            assert_eq!(p.heading, written, "{written}");
            assert!(p.roles.is_empty(), "{written}: {:?}", p.roles);
        }
        for (written, heading, role) in [
            ("Gen. Douglas MacArthur", "MacArthur, Douglas", "General"),
            ("General Douglas MacArthur", "MacArthur, Douglas", "General"),
            ("Lt Gen Smith", "Smith", "Lieutenant General"),
            ("Sen. Kennedy", "Kennedy", "Senator"),
            ("MacArthur, Gen.", "MacArthur", "General"),
            ("Maj. John Smith", "Smith, John", "Major"),
        ] {
            let p = normalize_person(written);
            assert_eq!(p.heading, heading, "{written}");
            assert_eq!(p.roles, [role], "{written}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date_like("1893-1976"));
        assert!(is_date_like("b. 1911"));
        assert!(!is_date_like("Jr."));
        assert!(!is_date_like("Zedong"));
    }
}
