//! Output: how exports reach the disk.
//!
//! - [`staging`]: the new generation's `dc/` folder, files created relative to it.
//! - [`publish`]: generations of the output folder, written whole and switched atomically.

pub mod publish;
pub mod staging;
