//! Findings: every problem the pipeline reports, as data.
//!
//! A finding carries a stable code, a severity, the file and the 1-based line and column it
//! points at, a message saying what was found, and a help line saying what to write instead.
//! Stages never print or stop on bad data: they return findings, the pipeline sorts all of
//! them by file and position, and only then are they rendered and the exit code decided
//! (the habit of ruff and ripgrep: collect everything, keep going, decide at the end).

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is. Errors make the run fail; warnings only with `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// A finding code. The letter names the stage: `Y` reading YAML, `S` the schema,
        /// `D` dates, `L` languages, `N` names, `X` checks across records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `S002`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity findings of this code have.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// The code named by `s` (case-insensitive), if any.
            pub fn parse(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

codes! {
    Unreadable = "Y001", Error, "a file or folder could not be read";
    Encoding = "Y002", Error, "a file is not UTF-8 text";
    YamlSyntax = "Y003", Error, "a file is not well-formed YAML";
    DuplicateKey = "Y004", Error, "a mapping has the same key twice";
    EmptyDocument = "Y005", Error, "a file or a document of a stream holds no record";
    NotAMapping = "Y006", Error, "a record is not a mapping of fields";
    Limit = "Y007", Error, "a file exceeds a safety limit (size, nesting, aliases)";
    ForbiddenCharacter = "Y008", Error, "a value holds a character XML 1.0 cannot carry";
    OutsideLink = "Y009", Error, "a symbolic link leads outside the catalogue";
    MissingField = "S001", Error, "a required field is missing";
    UnknownField = "S002", Error, "a field the record format does not know";
    WrongType = "S003", Error, "a value has the wrong type";
    InvalidId = "S004", Error, "an id breaks the id rules";
    EmptyValue = "S005", Error, "a value is empty";
    InvalidValue = "S006", Error, "a value is not one the format allows";
    ImpossibleDate = "D001", Error, "a date that is not in the calendar";
    ReversedRange = "D002", Error, "a date range that ends before it starts";
    AmbiguousDate = "D003", Error, "a numeric date whose day and month order is unknown";
    UnrecognizedDate = "D004", Error, "a date in a form the pipeline does not read";
    DateDisagrees = "D005", Error, "a date's normal form (EDTF) disagrees with its expression as written";
    UnknownLanguage = "L001", Error, "a language that is neither an ISO 639 code nor a known name";
    NameVariants = "N001", Warning, "one name spelled in several ways across the catalogue";
    LooksLikeOrganization = "N002", Warning, "an agent written as a person looks like an organization";
    AuthorityConflict = "N003", Error, "two entries of the authority file claim the same name";
    KindDiffersFromAuthority = "N004", Warning, "an agent's `kind` differs from its authority entry";
    KeptAsWritten = "N005", Warning, "a person's name the rules cannot read with confidence is kept as written";
    NoEvidenceToInvert = "N006", Warning, "a person's name is kept as written: nothing certain says which word is the family name";
    AgentIdentity = "N007", Warning, "one name written as two headings (two agents), or two headings that differ only in case or punctuation (one agent)";
    DuplicateId = "X001", Error, "two records share one id";
    IdNotFileName = "X002", Error, "a record's id differs from its file name";
    UnresolvedRelated = "X003", Error, "`related` names a record that does not exist";
    UnresolvedCollection = "X004", Error, "`collections` names a collection that is not described";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub file: PathBuf,
    /// Where the finding points; `None` for a file as a whole (e.g. it cannot be opened).
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// A finding. The message may quote the catalogue's own text (a field name, a value):
    /// its control characters (line breaks too) and direction controls are written escaped
    /// ([`printable`]), so no output format carries a terminal escape sequence or a new log
    /// line into a log.
    pub fn new(code: Code, file: &Path, location: Option<Location>, message: String) -> Self {
        Finding {
            code,
            severity: code.severity(),
            file: file.to_path_buf(),
            location,
            message: printable(&message).into_owned(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        let help = help.into();
        self.help = Some(printable(&help).into_owned());
        self
    }

    /// The file's name for people, with any control character (a line break too) or direction
    /// character escaped ([`printable`]).
    pub fn file_name(&self) -> String {
        printable(&self.file.display().to_string()).into_owned()
    }

    /// The order findings are reported in: file, then position, then code.
    pub fn sort_key(&self) -> (&Path, Option<Location>, Code, &str) {
        (&self.file, self.location, self.code, &self.message)
    }
}

/// Sort findings into reporting order and drop exact repeats.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

pub use crate::escape::{hidden, printable};

impl fmt::Display for Finding {
    /// The concise form: `path:line:col: error[CODE]: message`, then an indented help line.
    /// Its text is escaped for a log ([`crate::escape::commands`]: no line a CI runner takes
    /// as a workflow command), its file name, message and help already being [`printable`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.file_name();
        if let Some(loc) = self.location {
            text.push_str(&format!(":{}:{}", loc.line, loc.col));
        }
        text.push_str(&format!(
            ": {}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        ));
        if let Some(help) = &self.help {
            text.push_str(&format!("\n  help: {help}"));
        }
        f.write_str(&crate::escape::commands(&text))
    }
}

/// The documentation page of every code, `docs/codes.md`, built into the binary so that
/// `pipeline explain` and the page can never disagree.
pub const CODES_PAGE: &str = include_str!("../docs/codes.md");

/// The section of `docs/codes.md` that explains `code`: heading and body.
pub fn explanation(code: Code) -> Option<&'static str> {
    let heading = format!("\n## {} ", code.as_str());
    let start = CODES_PAGE.find(&heading)? + 1;
    let rest = &CODES_PAGE[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 4);
    Some(rest[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_and_every_section_is_a_code() {
        for code in Code::ALL {
            let text = explanation(*code).unwrap_or_else(|| panic!("{code} has no section"));
            for part in [
                "**What it means.**",
                "**Why it matters.**",
                "**Example.**",
                "**Fix.**",
            ] {
                assert!(text.contains(part), "{code}: no {part}");
            }
            assert!(
                !text[3..].contains("\n## "),
                "{code}: section runs into the next"
            );
        }
        let sections = CODES_PAGE.matches("\n## ").count();
        assert_eq!(sections, Code::ALL.len());
    }

    #[test]
    fn codes_parse_back() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
        assert_eq!(Code::parse("Z999"), None);
    }
}
