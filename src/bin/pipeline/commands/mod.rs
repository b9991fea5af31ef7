//! One module per subcommand: each reads its arguments, calls the library and prints.

mod check_outlines;
mod convert;
mod explain;
mod files;
mod fix;
mod merge;
mod run;
mod validate;

use std::path::PathBuf;

use pipeline::engine::catalogue::Settings;
use pipeline::normalize::dates::DateOptions;
use pipeline::read::Limits;

use crate::cli::{Command, Common, Reading};
use crate::output::Outcome;

/// Run the command.
pub fn dispatch(command: Command) -> Result<Outcome, String> {
    match command {
        Command::Run(args) => run::run(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Fix(args) => fix::fix(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Convert(args) => convert::convert(&args),
        Command::CheckOutlines(args) => check_outlines::check_outlines(&args),
        Command::Files(args) => files::files(&args),
        Command::Explain { code } => explain::explain(&code),
    }
}

/// The catalogue settings of a command's common options.
pub fn settings(common: &Common) -> Result<Settings, String> {
    settings_of(&common.reading, common.follow_symlinks)
}

/// The catalogue settings of these reading options (the defaults where not given).
pub fn settings_of(reading: &Reading, follow_symlinks: bool) -> Result<Settings, String> {
    let mut limits = Limits::default();
    limits.max_file_bytes = reading.max_file_bytes.unwrap_or(limits.max_file_bytes);
    limits.max_scalar_bytes = reading.max_value_bytes.unwrap_or(limits.max_scalar_bytes);
    let date_options = DateOptions {
        day_month_order: reading.date_order,
    };
    Settings::configured(
        reading.schema.as_deref(),
        limits,
        date_options,
        follow_symlinks,
    )
}

/// A file named by an option, when it was given: an error naming the option's file when it
/// does not exist.
pub fn existing<'a>(path: &'a Option<PathBuf>, what: &str) -> Result<Option<&'a PathBuf>, String> {
    match path {
        Some(path) if !path.is_file() => {
            Err(format!("the {what} file {} does not exist", path.display()))
        }
        other => Ok(other.as_ref()),
    }
}
