//! Read dates, one a line, from standard input and print each with its reading:
//! `written<TAB>EDTF<TAB>earliest<TAB>latest` or
//! `written<TAB>REFUSED:<code><TAB>message<TAB>help`.
//!
//! `cargo run --example read_dates < dates.txt`: a quick way to see how a catalogue's date
//! column reads (one value a line; `cut -f1` of a TSV will do). The whole-catalogue
//! measurement in `docs/real-catalogue-dates.md` is `examples/tate_dates.rs`.

use std::io::{BufRead, Write};

use pipeline::normalize::dates::{Bound, DateInput, normalize_date};

fn bound(b: Bound) -> String {
    match b {
        Bound::Day(d) => d.to_string(),
        Bound::Open => "..".to_string(),
        Bound::Unknown => String::new(),
    }
}

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        match normalize_date(DateInput::Text(&line)) {
            Ok(n) => writeln!(
                out,
                "{line}\t{}\t{}\t{}",
                n.edtf,
                bound(n.earliest),
                bound(n.latest)
            )?,
            Err(e) => {
                let code = e.kind.code().as_str();
                writeln!(out, "{line}\tREFUSED:{code}\t{}\t{}", e.message, e.help)?;
            }
        }
    }
    out.flush()
}
