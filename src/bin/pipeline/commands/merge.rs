//! `pipeline merge`: the outputs of every shard of one run, combined.

use std::io::Write;
use std::time::Instant;

use crate::output::Outcome;

pub fn merge(args: &crate::cli::MergeArgs) -> Result<Outcome, String> {
    let started = Instant::now();
    let published = pipeline::engine::shard::merge(&args.shards, &args.output, args.csv_separator)
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        std::io::stderr(),
        "pipeline: {} shards merged, {} written in {:.2}s",
        args.shards.len(),
        published.dc_files,
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Valid)
}
