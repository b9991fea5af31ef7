//! Validate: what a record must be, beyond reading.
//!
//! - [`schema`]: a record against the JSON Schema (`schemas/record.schema.json`).
//! - [`crosscheck`] and `outline_table`: the checks across records (unique ids, ids that
//!   name their file, references that resolve), over a compact outline of every record.
//! - [`name_variants`]: the name warnings (N001) over the spellings of a catalogue.
//! - [`agent_identity`]: the agent-identity warnings (N007) over the same spellings.
//! - [`outline_file`]: those outlines written by `convert --outlines` and checked by
//!   `check-outlines` when a catalogue is converted in parts.

/// The name of the collections file at the top of a catalogue folder.
pub const COLLECTIONS_FILE: &str = "_collections.yaml";
/// The name of the authority file at the top of a catalogue folder.
pub const AUTHORITIES_FILE: &str = "_authorities.yaml";

pub mod agent_identity;
pub mod crosscheck;
pub mod name_variants;
pub mod outline_file;
pub(crate) mod outline_table;
pub mod schema;
