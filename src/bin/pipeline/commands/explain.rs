//! `pipeline explain CODE`: what a finding code means and how to fix it.

use std::io::Write;

use pipeline::diagnostics::Code;

use crate::output::Outcome;

pub fn explain(code: &str) -> Result<Outcome, String> {
    let mut out = std::io::stdout().lock();
    if code.eq_ignore_ascii_case("all") {
        let _ = writeln!(out, "{}", pipeline::diagnostics::CODES_PAGE.trim_end());
        return Ok(Outcome::Valid);
    }
    let known = Code::parse(code).ok_or_else(|| {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        format!(
            "`{code}` is not a finding code; the codes are {}",
            codes.join(", ")
        )
    })?;
    let text = pipeline::diagnostics::explanation(known)
        .ok_or_else(|| format!("{known} has no explanation"))?;
    let _ = writeln!(out, "{text}");
    Ok(Outcome::Valid)
}
