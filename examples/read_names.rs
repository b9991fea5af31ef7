//! Read personal names, one a line, from standard input and print how the rules read each:
//! `written<TAB>heading<TAB>display<TAB>notes`, where notes are `kept-as-written` (N005),
//! `organization?` (N002) and the roles dropped.
//!
//! `cargo run --example read_names < names.txt`: a quick way to see how a catalogue's
//! creator column reads (one name a line). The whole-catalogue audit of Tate's names is
//! `examples/tate_names.rs` (docs/real-catalogue-names.md).

use std::io::{BufRead, Write};

use pipeline::normalize::names::{looks_like_organization, normalize_person};

fn main() -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let written = line?;
        if written.trim().is_empty() {
            continue;
        }
        let name = normalize_person(&written);
        let mut notes = Vec::new();
        if name.kept_as_written() {
            notes.push("kept-as-written".to_string());
        }
        if looks_like_organization(&written) {
            notes.push("organization?".to_string());
        }
        if !name.roles.is_empty() {
            notes.push(format!("roles dropped: {}", name.roles.join(", ")));
        }
        writeln!(
            out,
            "{written}\t{}\t{}\t{}",
            name.heading,
            name.display,
            notes.join("; ")
        )?;
    }
    out.flush()
}
