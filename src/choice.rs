//! The named values of an option (`--format human`, `--from yaml-stream`), defined once in
//! the library that acts on them.
//!
//! The library does not depend on a command-line parser: the binary turns [`Choice::ALL`]
//! into its parser's possible values (with each value's help line), so that a new value is
//! added in one place and `--help` lists it.

/// A closed set of named values.
pub trait Choice: Sized + Copy + Send + Sync + 'static {
    /// Every value: the value, its name on the command line, and one line of help.
    const ALL: &'static [(Self, &'static str, &'static str)];

    /// The value of this name.
    fn named(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(v, _, _)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::convert::{FindingsFormat, InputFormat, OutputFormat};
    use crate::render::Format;

    fn names_are_unique_and_round_trip<T: Choice + PartialEq + std::fmt::Debug>() {
        let mut names: Vec<&str> = T::ALL.iter().map(|(_, n, _)| *n).collect();
        for (value, name, help) in T::ALL {
            assert_eq!(T::named(name), Some(*value));
            assert!(!help.is_empty(), "{name} has no help");
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), T::ALL.len());
    }

    #[test]
    fn every_choice_round_trips() {
        names_are_unique_and_round_trip::<Format>();
        names_are_unique_and_round_trip::<InputFormat>();
        names_are_unique_and_round_trip::<OutputFormat>();
        names_are_unique_and_round_trip::<FindingsFormat>();
        names_are_unique_and_round_trip::<crate::normalize::dates::DayMonthOrder>();
    }
}
