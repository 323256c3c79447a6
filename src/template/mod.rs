//! Templating mode: Go `text/template` with Sprig and the launcher's Helm-style helpers,
//! written for Posit's `job.tpl` (the launcher's Kubernetes Job template). The engine is
//! jjo's own (see the README for why the published Rust engines do not fit) and is
//! measured against Go itself by `tests/template_diff.rs`.

mod exec;
mod funcs;
pub(crate) mod gofmt;
mod json;
pub mod launch;
mod lex;
mod parse;
mod set;
mod sprig;
mod strconv;
mod unicase;
mod value;
mod why;
mod yaml;

pub use exec::{ExecError, MissingKey, NoValue};
pub use funcs::{SPRIG_V3_3_0, function_table};
pub use parse::ParseError;
pub use set::{Rendered, TemplateError, TemplateSet, function_names};
pub use value::Value;
pub use why::Why;
