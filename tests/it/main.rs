//! Every integration test in one binary, so the crate links once and the Kubernetes API
//! double (`live/double.rs`) compiles once; each former test file is a module. The case
//! harness (`harness/main.rs`, target `cases`) and the template differential tests
//! (`tests/template_diff.rs`) stay their own binaries: each is a libtest-mimic `main`, not
//! `#[test]` functions.

mod admin;
mod cli;
#[cfg(feature = "cluster")]
mod conformance;
mod dependencies;
mod ids;
mod imports;
#[cfg(feature = "cluster")]
mod live;
#[cfg(feature = "cluster")]
mod live_cases;
mod nodes_export;
mod predict_captures;
mod robustness;
mod schedule_admin;
mod suite;
mod support;
mod template;
