//! jjo: test Posit Workbench job-json-overrides before production.
//!
//! ```text
//! case dir ─► case ─► profiles ─► job ─► patch ─┬─► validate
//!  (files)   (load)  (resolve)  (base)         ├─► predict ─┐
//!                                              └─► (cluster)┴─► compare ─► report
//! ```
//! Each stage is a pure function from one value to the next; only `case` reads files and
//! only `bless` writes them.

pub mod bless;
pub mod case;
pub mod cli;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod compare;
pub mod diag;
pub mod diff;
pub mod env;
pub mod error;
pub mod failure;
pub mod flags;
pub mod helm;
pub mod job;
pub mod launcher_conf;
pub mod lint;
#[cfg(feature = "cluster")]
pub mod live;
pub mod location;
pub mod overrides;
pub mod patch;
pub mod pipeline;
pub mod plan;
pub mod predict;
pub mod principals;
pub mod profiles;
pub mod report;
pub mod schedule;
pub mod session;
pub mod template;
pub mod validate;
