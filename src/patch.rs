//! Applying overrides with the launcher's "set, creating what is missing" semantics
//! (launcher.md §3), and saying what each override did.
//!
//! STUB: the public API below is fixed; the implementation is being written.

use serde_json::Value;

use crate::diag::Warning;
use crate::overrides::Override;

/// What one override did to the Job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// `-` on an existing array added an element.
    Appended,
    /// The target existed and was overwritten.
    Replaced,
    /// The target did not exist and was created (with any missing parents).
    Created,
}

/// The outcome of one override, in the order the overrides were applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// What it did.
    pub effect: Effect,
    /// Quirks the admin probably did not mean, and launcher-owned fields it replaced.
    pub warnings: Vec<Warning>,
}

/// The patched Job and the effect of every override.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    /// The Job after all overrides.
    pub job: Value,
    /// One entry per override, same order.
    pub applied: Vec<Applied>,
}

/// An override the launcher could apply but jjo refuses to (e.g. padding an array to a huge index).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until the implementation lands.
    #[error("{message}")]
    Refused {
        /// What.
        message: String,
    },
}

/// Applies `overrides` left to right to `base`.
pub fn apply(base: Value, overrides: &[Override]) -> Result<Patched, Error> {
    let _ = (base, overrides);
    todo!("patch::apply")
}
