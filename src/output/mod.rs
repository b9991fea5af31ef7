//! Output: how exports reach the disk.
//!
//! - [`staging`]: the new generation's `dc/` folder, files created relative to it.
//! - [`publish`]: generations of the output folder, written whole and switched atomically.
//! - [`owned`]: what a run wrote in an output folder, the only things it removes or replaces.
//! - [`named`]: files the user names for writing: replaced, or written through a device.

pub mod named;
pub mod owned;
pub mod publish;
pub mod staging;
