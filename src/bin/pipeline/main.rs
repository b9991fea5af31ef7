//! The `pipeline` binary: parse the arguments ([`cli`]), run the command ([`commands`]),
//! print what it found ([`output`]) and map the outcome to an exit code (0 valid, 1 invalid
//! records, 2 the tool could not run). Everything a command does with records is in the
//! library; this binary holds only the command line and the terminal.

mod cli;
mod commands;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;
use output::Outcome;

/// mimalloc instead of the system allocator: a record is parsed into many small strings and
/// trees that are freed a moment later, and glibc's malloc/free were ~20 % of the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // `--threads N`: the command runs inside a pool of N threads (every parallel step of the
    // library runs on the pool it is called from).
    let outcome = match cli.command.threads() {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| e.to_string())
            .and_then(|pool| pool.install(|| commands::dispatch(cli.command))),
        None => commands::dispatch(cli.command),
    };
    let outcome = outcome.unwrap_or_else(|message| {
        // A message may name a file of the catalogue: escaped for a log.
        eprintln!("pipeline: error: {}", pipeline::escape::log_line(&message));
        Outcome::Failed
    });
    ExitCode::from(outcome as u8)
}
