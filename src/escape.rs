//! Catalogue text made harmless for the place it is printed.
//!
//! Every byte of a catalogue may come from a stranger's pull request, and what pipeline
//! prints lands in terminals, CI logs, SARIF viewers and a web page. Each of them reads some
//! text as more than text; this module holds, for each, the escaping that keeps a catalogue's
//! keys, values, file names and snippets text:
//!
//! - **terminals and logs**: control characters (a line feed too), Unicode line and direction
//!   controls are written `\u{..}` ([`printable`]), so a finding stays on its own line and
//!   no escape sequence reaches a terminal;
//! - **GitHub Actions runners**, which read every line a step prints (standard output and
//!   standard error) and take two forms as workflow commands ([`commands`], [`JsonNoCommands`],
//!   [`json_no_commands`]). In the runner's source (actions/runner,
//!   `src/Runner.Common/ActionCommand.cs`): `TryParseV2` takes a line that, after leading white
//!   space (`TrimStart`), starts with `::` (`::error file=…::…`, `::add-mask::…`,
//!   `::stop-commands::…`); `TryParse`, the legacy form, takes a line holding `##[` anywhere
//!   (`##[error]…`, `##[add-mask]…`). A line is what .NET's `StreamReader.ReadLine` returns
//!   (`src/Runner.Sdk/ProcessInvoker.cs`): text up to a LF, a CR or a CR LF. Azure Pipelines'
//!   agent, built on the same code, takes `##vso[` anywhere in a line (its `Command.cs`,
//!   an ordinal `IndexOf`): taken apart too;
//! - **diffs** (`fix --diff`): each line's text escaped as above, its line break kept
//!   ([`diff_text`]);
//! - **SARIF** artifact locations: a path as an RFC 3986 relative reference, every byte but
//!   the unreserved ones percent-encoded ([`sarif_uri`]; SARIF 2.1.0 §3.10);
//! - **HTML**: the characters an HTML parser reports as errors (controls, noncharacters)
//!   written `\u{..}` ([`html_text`]); `<`, `>`, `&` and quotes are maud's.
//!
//! Hand-written: the runner's command grammar is its own and no crate models it (the tests
//! parse the output with a separate, faithful copy of the runner's parser); the percent
//! encoding is the `percent-encoding` crate's.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// Whether a character is one no output shows as it is: a control character (C0 but tab,
/// DEL, C1: a line feed or carriage return would start a new log line, an escape a terminal
/// sequence), a Unicode line or paragraph separator (U+2028, U+2029), or a Unicode direction
/// control (U+202A–U+202E, U+2066–U+2069, which reorder what a terminal or a web log shows).
pub fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`hidden`] character written `\u{..}` (hexadecimal code point);
/// borrowed when there is none.
pub fn printable(text: &str) -> Cow<'_, str> {
    escaped_where(text, hidden)
}

/// `text` with every character for which `hide` holds written `\u{..}`; borrowed when there
/// is none.
fn escaped_where(text: &str, hide: fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hide(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// The openings of commands a runner finds anywhere in a line: GitHub's legacy form and
/// Azure Pipelines' logging commands. Each is taken apart at its `[`.
const ANYWHERE: [&str; 2] = ["##[", "##vso["];

/// Whether `text` holds the opening of a command a runner finds anywhere in a line (`##[`,
/// `##vso[`).
pub fn holds_command_opening(text: &str) -> bool {
    ANYWHERE.iter().any(|o| text.contains(o))
}

/// `text` with the `[` of every [`ANYWHERE`] opening written `escaped_bracket`.
fn break_openings<'a>(text: &'a str, escaped_bracket: &str) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for opening in ANYWHERE {
        if text.contains(opening) {
            let replacement = format!("{}{escaped_bracket}", &opening[..opening.len() - 1]);
            text = Cow::Owned(text.replace(opening, &replacement));
        }
    }
    text
}

/// Printed lines (`text` broken at LF, CR and CR LF, as the runner reads them) with the
/// command forms taken apart: a `::` that starts a line after white space has its first colon
/// written `\u{3a}`, and every `##[` (`##vso[`) is written `##\u{5b}` (`##vso\u{5b}`).
/// Everything else is kept byte for byte (line breaks too); borrowed when there is nothing to
/// change. For text whose control characters are already escaped ([`printable`]), in formats
/// read by people.
pub fn commands(text: &str) -> Cow<'_, str> {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    if !holds_command_opening(text) && !text.split(['\n', '\r']).any(starts_command) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    // Lines with their break (LF, CR or CR LF) kept at their end.
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).map_or(rest.len(), |i| {
            if rest[i..].starts_with("\r\n") {
                i + 2
            } else {
                i + 1
            }
        });
        let (line, next) = rest.split_at(end);
        rest = next;
        let body_len = line.trim_end_matches(['\n', '\r']).len();
        let (body, brk) = line.split_at(body_len);
        let mut body = body;
        if starts_command(body) {
            let lead = body.len() - body.trim_start().len();
            out.push_str(&body[..lead]);
            out.push_str("\\u{3a}");
            body = &body[lead + 1..];
        }
        out.push_str(&break_openings(body, "\\u{5b}"));
        out.push_str(brk);
    }
    Cow::Owned(out)
}

/// Text for one line of a log: [`printable`] (so it stays one line), then [`commands`].
pub fn log_line(text: &str) -> String {
    commands(&printable(text)).into_owned()
}

/// A unified diff made safe to print: each line's text has its [`hidden`] characters
/// escaped, a carriage return too unless it ends the line (CR LF), and the command forms
/// taken apart ([`commands`]); line breaks are kept. The second value says whether anything
/// was escaped (the diff then no longer applies as a patch to those lines).
pub fn diff_text(diff: &str) -> (Cow<'_, str>, bool) {
    let clean = |line: &str| {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        !body.chars().any(hidden)
    };
    let escaped = commands(diff);
    if matches!(escaped, Cow::Borrowed(_)) && diff.split_inclusive('\n').all(clean) {
        return (Cow::Borrowed(diff), false);
    }
    let mut out = String::with_capacity(diff.len() + 16);
    for line in diff.split_inclusive('\n') {
        let (body, brk) = match line.strip_suffix("\r\n") {
            Some(body) => (body, "\r\n"),
            None => match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            },
        };
        out.push_str(&commands(&printable(body)));
        out.push_str(brk);
    }
    (Cow::Owned(out), true)
}

/// A writer for JSON printed where a runner reads it (standard output of `--format json` and
/// `--format sarif`): the `[` of every `##[` and `##vso[` is written `\u005b`, the same
/// string to a JSON parser. In JSON a `#` occurs only inside strings, and no line of JSON
/// starts with `::`, so this is the one change needed. Works across writes.
pub struct JsonNoCommands<W> {
    inner: W,
    /// The last bytes written, one per byte of the number, the last in the lowest byte.
    recent: u64,
}

impl<W: Write> JsonNoCommands<W> {
    pub fn new(inner: W) -> Self {
        JsonNoCommands { inner, recent: 0 }
    }
}

impl<W: Write> Write for JsonNoCommands<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            // `##` and `##vso` as the last two and five bytes.
            const HASHES: u64 = u64::from_be_bytes([0, 0, 0, 0, 0, 0, b'#', b'#']);
            const HASHES_VSO: u64 = u64::from_be_bytes([0, 0, 0, b'#', b'#', b'v', b's', b'o']);
            let after_opening =
                self.recent & 0xFFFF == HASHES || self.recent & 0xFF_FFFF_FFFF == HASHES_VSO;
            if b == b'[' && after_opening {
                self.inner.write_all(&buf[start..i])?;
                self.inner.write_all(b"\\u005b")?;
                start = i + 1;
            }
            self.recent = (self.recent << 8) | u64::from(b);
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One JSON text (a line of `convert --findings json`) with the `[` of every `##[` and
/// `##vso[` written `\u005b` (see [`JsonNoCommands`]).
pub fn json_no_commands(json: &str) -> Cow<'_, str> {
    break_openings(json, "\\u005b")
}

/// The bytes a URI path segment keeps as they are: RFC 3986's unreserved characters
/// (`ALPHA / DIGIT / "-" / "." / "_" / "~"`); everything else, `%`, `#`, `?`, `:`, `\` and
/// every byte of a non-ASCII name included, is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path as a SARIF `artifactLocation.uri` (SARIF 2.1.0 §3.10, a URI reference per
/// RFC 3986): its components joined by `/` (a leading `./` left out, an absolute path
/// starting with `/`), each percent-encoded byte for byte (all but the unreserved
/// `A–Z a–z 0–9 - . _ ~`), so a URI parser gives back exactly the file's name, whatever
/// bytes it holds.
pub fn sarif_uri(path: &Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for component in path.components() {
        let bytes: Cow<'_, [u8]> = match component {
            Component::CurDir => continue,
            Component::RootDir | Component::Prefix(_) => {
                out.push('/');
                continue;
            }
            Component::ParentDir => Cow::Borrowed(b".."),
            Component::Normal(name) => os_bytes(name),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.extend(percent_encoding::percent_encode(&bytes, SEGMENT));
    }
    out
}

/// A file name's bytes: as they are on Unix, else its UTF-8 text.
fn os_bytes(name: &std::ffi::OsStr) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        match name.to_string_lossy() {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        }
    }
}

/// Whether an HTML parser reports `c` as an error in a document (WHATWG HTML, "control" and
/// "noncharacter" in the input stream), or it is one of [`hidden`]'s: controls but tab and
/// line feed, direction controls, and the noncharacters U+FDD0–U+FDEF and U+xFFFE, U+xFFFF.
fn html_hidden(c: char) -> bool {
    (c != '\n' && hidden(c))
        || matches!(c, '\u{FDD0}'..='\u{FDEF}')
        || (c as u32) & 0xFFFE == 0xFFFE
}

/// Text for an HTML page with every character a strict HTML parser rejects (and every
/// [`hidden`] one but the line feed) written `\u{..}`; borrowed when there is none. The
/// markup characters are left to the template engine.
pub fn html_text(text: &str) -> Cow<'_, str> {
    escaped_where(text, html_hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_line_breaks_and_controls() {
        assert_eq!(printable("a\nb\rc\td"), "a\\u{a}b\\u{d}c\td");
        assert_eq!(
            printable("\u{1b}[31m\u{85}\u{2028}\u{202e}"),
            "\\u{1b}[31m\\u{85}\\u{2028}\\u{202e}"
        );
        assert!(matches!(printable("plain: ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn commands_takes_both_forms_apart_and_keeps_the_rest() {
        assert_eq!(commands("::error::x"), "\\u{3a}:error::x");
        assert_eq!(
            commands("  \u{3000}::warning::x"),
            "  \u{3000}\\u{3a}:warning::x"
        );
        assert_eq!(
            commands("ok\n::a::b\r::c::d\r\n e ##[add-mask]s"),
            "ok\n\\u{3a}:a::b\r\\u{3a}:c::d\r\n e ##\\u{5b}add-mask]s"
        );
        assert_eq!(commands("a: b::c ## [x] #[y]"), "a: b::c ## [x] #[y]");
        assert_eq!(commands("###[x]"), "###\\u{5b}x]");
        assert_eq!(
            commands("a ##vso[task.setvariable]b"),
            "a ##vso\\u{5b}task.setvariable]b"
        );
    }

    #[test]
    fn diffs_keep_their_line_breaks() {
        let (d, escaped) = diff_text("@@ -1 +1 @@\r\n-a\u{1b}b\n+a\rb\n ::x::y\n");
        assert!(escaped);
        assert_eq!(d, "@@ -1 +1 @@\r\n-a\\u{1b}b\n+a\\u{d}b\n \\u{3a}:x::y\n");
        let (d, escaped) = diff_text("--- a/x\n+++ b/x\n-a\r\n+b\r\n");
        assert!(!escaped);
        assert!(matches!(d, Cow::Borrowed(_)));
    }

    #[test]
    fn json_writer_escapes_the_legacy_prefix_across_writes() {
        let mut w = JsonNoCommands::new(Vec::new());
        w.write_all(b"\"a#").unwrap();
        w.write_all(b"#").unwrap();
        w.write_all(b"[b ##[c #[d ##v").unwrap();
        w.write_all(b"so[e #vso[f\"").unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "\"a##\\u005bb ##\\u005bc #[d ##vso\\u005be #vso[f\""
        );
        assert_eq!(
            json_no_commands("\"##vso[x] ##[y\""),
            "\"##vso\\u005bx] ##\\u005by\""
        );
    }

    #[test]
    fn sarif_uris_encode_every_byte_but_the_unreserved() {
        assert_eq!(sarif_uri(Path::new("./input/a b.yaml")), "input/a%20b.yaml");
        assert_eq!(
            sarif_uri(Path::new("in/%41#x?y\\z:w.yaml")),
            "in/%2541%23x%3Fy%5Cz%3Aw.yaml"
        );
        assert_eq!(sarif_uri(Path::new("/abs/é.yaml")), "/abs/%C3%A9.yaml");
        assert_eq!(sarif_uri(Path::new("../x~_-.yaml")), "../x~_-.yaml");
    }

    #[test]
    fn html_text_escapes_controls_and_noncharacters() {
        assert_eq!(
            html_text("a\u{1}\u{85}\u{fdd0}\u{fffe}\u{1ffff}\nb"),
            "a\\u{1}\\u{85}\\u{fdd0}\\u{fffe}\\u{1ffff}\nb"
        );
        assert!(matches!(html_text("a\tb\nc é"), Cow::Borrowed(_)));
    }
}
