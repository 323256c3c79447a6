//! Case directories: finding them, reading every file they hold, and mapping launcher paths
//! into them. The only module that reads user files.

mod error;
mod load;
mod nodes;
mod paths;
mod read;
mod spec;
mod suite;
mod templating;
mod yaml;

pub use error::{Error, ErrorKind, LoadError, NOT_A_CASE_HINT};
pub use load::{
    Case, Golden, LoadOptions, PROFILES_FILE, discover, is_case, load, load_spec, load_with,
    parse_yaml, parse_yaml_value, read_host_db, unreferenced_goldens,
};
pub use nodes::{NODES_FILE, Nodes, parse as parse_nodes};
pub use paths::{ETC_RSTUDIO, Unmapped, map};
pub use read::read_text;
pub use spec::{CaseSpec, Expect, RuntimeCheck, Schedule};
pub use suite::{SUITE_FILE, Suite, SuiteSpec, root_of as suite_root};
