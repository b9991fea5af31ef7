//! Command-line arguments: the subcommands, their options and their help texts.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use pipeline::choice::Choice;
use pipeline::engine::convert::{FindingsFormat, InputFormat, OutputFormat};
use pipeline::normalize::dates::DayMonthOrder;
use pipeline::render::Format;

const AFTER_HELP: &str = "\
Examples:
  pipeline run                              convert input/ into output/
  pipeline run --input catalogue --output public --base-iri https://archive.example.net/id/
  pipeline validate                         check every record under input/
  pipeline validate input/cables/a.yaml     check one file against the whole catalogue
  pipeline validate --format github         findings as GitHub Actions annotations
  pipeline fix --diff                       show the safe normalizations, change nothing
  pipeline explain S002                     what a finding code means and how to fix it

Exit codes:
  0  every record is valid (and, for run, every export was written)
  1  invalid records were found; nothing was written
  2  the tool could not run: bad arguments, an unusable schema, a missing input folder,
     or an output that could not be written
  130  run was stopped by Ctrl-C or SIGTERM; the previous outputs stay in force
  (fix has its own: pipeline fix --help)";

/// Validate catalogue records written in YAML and export them as Dublin Core XML (oai_dc),
/// CSV and JSON-LD.
#[derive(Debug, Parser)]
#[command(name = "pipeline", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every record, then write all three exports (only when every record is valid).
    #[command(after_help = AFTER_HELP)]
    Run(RunArgs),
    /// Validate records and report every problem, writing nothing.
    #[command(after_help = AFTER_HELP)]
    Validate(ValidateArgs),
    /// Rewrite records in place with the normalizations that are safe: NFC, whitespace, and
    /// each date's EDTF added beside its words where the reading is certain. Everything else
    /// stays byte for byte.
    #[command(after_help = FIX_HELP)]
    Fix(FixArgs),
    /// Convert a stream of records from standard input to standard output, record by
    /// record (a filter for Hadoop Streaming, Spark `RDD.pipe`, GNU parallel `--pipe`).
    #[command(after_help = CONVERT_HELP)]
    Convert(ConvertArgs),
    /// List the record files of a catalogue, as `validate` and `run` find them: the files a
    /// cluster job hands out, with the findings of the walk (links out, special files).
    #[command(after_help = FILES_HELP)]
    Files(FilesArgs),
    /// Run the checks across records (unique ids, references, name variants) over the
    /// outline files that `convert --outlines` wrote for the parts of one catalogue.
    #[command(name = "check-outlines", after_help = CHECK_OUTLINES_HELP)]
    CheckOutlines(CheckOutlinesArgs),
    /// Combine the outputs of `run --shard I/N` (every shard of one run) into the outputs a
    /// single run would have written.
    Merge(MergeArgs),
    /// Explain a finding code: what it means, why it matters, an example and the fix.
    Explain {
        /// A finding code such as S002, or `all` for every code.
        code: String,
    },
}

impl Command {
    /// The number of worker threads asked for with `--threads`.
    pub fn threads(&self) -> Option<usize> {
        match self {
            Command::Run(a) => a.common.reading.threads,
            Command::Validate(a) => a.common.reading.threads,
            Command::Fix(a) => a.common.reading.threads,
            Command::Convert(a) => a.reading.threads,
            _ => None,
        }
    }
}

/// How records are read: the options of every command that reads records (`run`,
/// `validate`, `fix`, `convert`).
#[derive(Debug, Args)]
pub struct Reading {
    /// JSON Schema for records [default: schemas/record.schema.json if present, else the
    /// built-in copy of the same schema].
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// How to read all-numeric dates like 03/04/1957, which are refused as ambiguous unless
    /// this is set.
    #[arg(long, value_name = "ORDER", value_parser = choice::<DayMonthOrder>())]
    pub date_order: Option<DayMonthOrder>,
    /// Largest record file read, in bytes [default: 268435456, 256 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,
    /// Longest single value in a record, in bytes [default: 1048576, 1 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_value_bytes: Option<usize>,
}

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub reading: Reading,
    /// Print only findings, no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How to print findings [default: human on a terminal, concise otherwise]. human and
    /// concise go to standard error; json, github and sarif to standard output.
    #[arg(long, value_parser = choice::<Format>(), value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Treat warnings as errors: any warning makes the run fail (exit 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print at most N findings (all of them are still counted).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,
    /// When to colour the human format.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Follow symbolic links wherever they lead. By default a link whose target is outside
    /// the catalogue folder is not followed and is reported (Y009): only for trusted
    /// catalogues, never on pull requests from outside.
    #[arg(long)]
    pub follow_symlinks: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The catalogue folder to read.
    #[arg(long, short, value_name = "DIR", default_value = "input")]
    pub input: PathBuf,
    /// The folder to write dc/, records.csv and records.jsonld into.
    #[arg(long, short, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// The base IRI of record, collection and agent identifiers in the exports.
    #[arg(long, value_name = "IRI", default_value = pipeline::export::DEFAULT_BASE_IRI, value_parser = parse_base_iri)]
    pub base_iri: String,
    /// The separator between several values in one CSV cell.
    #[arg(long, value_name = "CHAR", default_value_t = '|', value_parser = parse_separator)]
    pub csv_separator: char,
    /// Process only shard I of N (from 0): the records whose id hashes (FNV-1a) to I modulo
    /// N. Cross-record checks still see the whole catalogue. Combine the shards' outputs
    /// with `pipeline merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<pipeline::engine::Shard>,
    /// Do not flush the outputs to disk before switching them in. Faster where flushing is
    /// slow; the switch stays atomic for readers, but after a power loss the outputs in
    /// force may be incomplete. For scratch outputs and benchmarks.
    #[arg(long)]
    pub no_sync: bool,
    /// Also write a report of the run: an HTML page (summary, findings, completeness,
    /// timeline, facets, name variants) and the same aggregates as JSON beside it
    /// (`report.json`), published in the output folder with the exports [default file name:
    /// report.html]. Written only when the exports are; see `validate --report`.
    /// Not with --shard (a shard sees only its records; run the report on the merged
    /// catalogue with `validate --report`).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "report.html", conflicts_with = "shard", value_parser = pipeline::report::check_page_name)]
    pub report: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

const FIX_HELP: &str = "\
Examples:
  pipeline fix --diff                       show what would change under input/, change nothing
  pipeline fix                              apply the changes
  pipeline fix input/a.yaml input/b.yaml    only these files

Exit codes:
  0  no error was left as written (with --diff: and nothing would change)
  1  a value fix cannot settle was left as written and reported as an error (the other
     fixes were written; with --diff: also when changes are pending)
  2  the tool could not run, or a file could not be written (those fixed before it stay
     fixed)";

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Record files or folders [default: input].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Show the changes as a unified diff on standard output and write nothing.
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub common: Common,
}

/// A base IRI: absolute (`scheme:`), without spaces, ending in `/` or `#` so that ids can be
/// appended to it.
fn parse_base_iri(text: &str) -> Result<String, String> {
    let scheme_ok = text.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !scheme_ok || text.contains(char::is_whitespace) {
        return Err(format!(
            "`{text}` is not an absolute IRI, e.g. https://archive.example.net/id/"
        ));
    }
    if !text.ends_with(['/', '#']) {
        return Err(format!(
            "`{text}` must end with `/` or `#` (record ids are appended to it): `{text}/`"
        ));
    }
    Ok(text.to_string())
}

/// A multi-value separator: one character that is not the escape (`\\`), a quote or a line
/// break.
fn parse_separator(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !matches!(c, '\\' | '"' | '\n' | '\r') => Ok(c),
        (Some(_), None) => Err(format!(
            "{text:?} cannot separate values: it is the escape character, a quote or a line break"
        )),
        _ => Err(format!("`{text}` is not a single character")),
    }
}

fn parse_shard(text: &str) -> Result<pipeline::engine::Shard, String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not I/N, e.g. 0/4"))?;
    let index: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let count: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if count == 0 || index >= count {
        return Err(format!("shard {index}/{count}: I must be less than N"));
    }
    Ok(pipeline::engine::Shard { index, count })
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Record files or catalogue folders to check [default: the --input folder]. A file inside
    /// the --input folder is checked against the whole catalogue (ids, references); a path
    /// outside it, against the nearest folder up holding _collections.yaml or
    /// _authorities.yaml (the folder taken is printed).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The catalogue folder that files named on the command line belong to.
    #[arg(long, short, value_name = "DIR", default_value = "input")]
    pub input: PathBuf,
    /// Write a report of the catalogue to FILE (HTML), and the same aggregates as JSON
    /// beside it (FILE with the extension .json), also when records are invalid.
    #[arg(long, value_name = "FILE", value_parser = |s: &str| pipeline::report::check_page_path(std::path::Path::new(s)))]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// The folder to write dc/, records.csv and records.jsonld into.
    #[arg(long, short, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// The separator the shards used between several values in one CSV cell.
    #[arg(long, value_name = "CHAR", default_value_t = '|', value_parser = parse_separator)]
    pub csv_separator: char,
}

const CONVERT_HELP: &str = "\
Each record is validated alone (schema, dates, names, languages), with the authority file
given by --authorities. The checks across records need the whole catalogue: --outlines FILE
writes what they need, and check-outlines runs them over the outlines of every part.
Invalid records are left out and reported on standard error as <stdin>:LINE:COL (LINE
counted in the whole stream; --stdin-name names the stream), or as FILE:LINE:COL with
--from paths.

Output framing: jsonl and oai-dc write one record per line (oai-dc: one <oai_dc:dc>
document per line, no XML declaration); csv writes the header first. The output is in
input order whatever the number of threads. --to shard writes no standard output but a
shard folder (--output DIR --part I/N): the part's exports in id order and its shard.json,
as run --shard writes them, so that pipeline merge combines the parts into the exports a
single run writes.

Examples:
  pipeline convert --from yaml-stream --to csv < records.yaml > records.csv
  cat part-*.jsonl | pipeline convert --from jsonl --to oai-dc > records.dc.lines
  parallel --pipe -k pipeline convert --from jsonl --to jsonl < big.jsonl > valid.jsonl
  find input -name '*.yaml' | sort | pipeline convert --from paths --to csv \\
      --authorities input/_authorities.yaml --findings json --outlines part.outlines > part.csv

Exit codes:
  0  every record is valid
  1  invalid records were found (and left out)
  2  the tool could not run (bad arguments, an unusable schema, unreadable input)";

const FILES_HELP: &str = "\
Each record file is printed once, named as validate names it (the --input folder joined
with the file's path inside it), in the order validate reads them. Links are followed only
inside the catalogue, as validate follows them; a link out of it (Y009) or a FIFO, socket
or device (Y001) is not listed but reported on standard error, and so is such a
_collections.yaml or _authorities.yaml.

Example:
  pipeline files --input catalogue -0 | xargs -0 wc -c

Exit codes:
  0  every entry is a readable record file
  1  some entries were refused (reported)
  2  the tool could not run (the folder does not exist)";

#[derive(Debug, Args)]
pub struct FilesArgs {
    /// The catalogue folder to list.
    #[arg(long, short, value_name = "DIR", default_value = "input")]
    pub input: PathBuf,
    /// End each path with a NUL byte instead of a line break (for `xargs -0`).
    #[arg(short = '0', long = "null")]
    pub null: bool,
    /// Follow symbolic links wherever they lead (trusted catalogues only).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// How findings are written to standard error.
    #[arg(long, value_parser = choice::<FindingsFormat>(), value_name = "FORMAT", default_value = "concise")]
    pub findings: FindingsFormat,
}

const CHECK_OUTLINES_HELP: &str = "\
The outlines of all parts are checked together, as validate checks a whole folder: ids
unique (X001) and equal to the file name of a single-record file (X002), related (X003) and
collections (X004) that resolve, and names spelled in several ways (N001). Findings use
the file names and lines the outlines recorded, and are printed as validate prints them.

Example:
  pipeline check-outlines --collections input/_collections.yaml \\
      --authorities input/_authorities.yaml parts/*.outlines

Exit codes:
  0  no error (warnings only fail with --deny-warnings)
  1  errors were found
  2  the tool could not run (an unreadable outline file, a line that is not an outline)";

#[derive(Debug, Args)]
pub struct CheckOutlinesArgs {
    /// Outline files written by `convert --outlines`.
    #[arg(value_name = "OUTLINES", required = true)]
    pub outlines: Vec<PathBuf>,
    /// The catalogue's collections file; without it, every `collections` entry is reported.
    #[arg(long, value_name = "FILE")]
    pub collections: Option<PathBuf>,
    /// The catalogue's authority file, for the name-variant warnings.
    #[arg(long, value_name = "FILE")]
    pub authorities: Option<PathBuf>,
    /// How to print findings [default: human on a terminal, concise otherwise].
    #[arg(long, value_parser = choice::<Format>(), value_name = "FORMAT")]
    pub format: Option<Format>,
    /// When to colour the human format.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// No summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The format of standard input.
    #[arg(long, value_parser = choice::<InputFormat>(), value_name = "FORMAT")]
    pub from: InputFormat,
    /// The format of standard output.
    #[arg(long, value_parser = choice::<OutputFormat>(), value_name = "FORMAT")]
    pub to: OutputFormat,
    /// The base IRI of record, collection and agent identifiers in the output.
    #[arg(long, value_name = "IRI", default_value = pipeline::export::DEFAULT_BASE_IRI, value_parser = parse_base_iri)]
    pub base_iri: String,
    /// The separator between several values in one CSV cell.
    #[arg(long, value_name = "CHAR", default_value_t = '|', value_parser = parse_separator)]
    pub csv_separator: char,
    #[command(flatten)]
    pub reading: Reading,
    /// No summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Treat warnings as errors (exit 1; the records are still written).
    #[arg(long)]
    pub deny_warnings: bool,
    /// With `--from paths`: follow symbolic links wherever they lead (trusted catalogues
    /// only); without it, a path through a link is read only when the link leads inside the
    /// current folder, as validate reads a catalogue (Y009).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// The catalogue's authority file (`_authorities.yaml`): names take its preferred forms.
    #[arg(long, value_name = "FILE")]
    pub authorities: Option<PathBuf>,
    /// How findings are written to standard error.
    #[arg(long, value_parser = choice::<FindingsFormat>(), value_name = "FORMAT", default_value = "concise")]
    pub findings: FindingsFormat,
    /// Write at most N findings (all of them are still counted).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,
    /// The file name findings give to standard input.
    #[arg(long, value_name = "NAME", default_value = pipeline::engine::convert::STDIN)]
    pub stdin_name: String,
    /// Write the outline of every document (one JSON line each) to FILE, for check-outlines.
    #[arg(long, value_name = "FILE")]
    pub outlines: Option<PathBuf>,
    /// With `--to shard`: the shard folder to write (a shard folder an earlier attempt wrote
    /// is replaced; any other folder is refused).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// With `--to shard`: which part of how many this is (from 0), for `pipeline merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub part: Option<pipeline::engine::Shard>,
    /// With `--to shard`: the catalogue's collections file, for the JSON-LD collection nodes.
    #[arg(long, value_name = "FILE")]
    pub collections: Option<PathBuf>,
}

/// The parser of an option whose values the library names ([`Choice`]): `--help` lists each
/// value with its help line, and a wrong value is refused with the list.
fn choice<T: Choice + Clone>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::ALL
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .try_map(|name| {
        T::named(&name).ok_or_else(|| format!("`{name}` is not one of the possible values"))
    })
}
