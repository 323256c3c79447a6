//! The `job-json-overrides` value: the `"pointer":"file"` list grammar, RFC 6901 pointers, and
//! the one JSON value each override file holds (README, "The launcher's rules, in brief").
//!
//! This module only parses; reading the files and mapping launcher paths into a case belongs to
//! `case`, and applying the values belongs to `patch`.

mod error;
mod list;
mod pointer;
mod value;

#[cfg(test)]
mod proptests;

use std::path::PathBuf;

use serde_json::Value;

use crate::location::Span;

pub use error::{Error, ErrorKind, PointerError};
pub use list::parse_list;
pub use pointer::{Pointer, escape_token};
pub use value::{locate, parse_value};

/// One `"pointer":"path"` pair as written in the profiles file.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideRef {
    /// The target in the Job.
    pub pointer: Pointer,
    /// The file path as written (absolute on the launcher host).
    pub path: String,
    /// Where the pair starts in the profiles file.
    pub span: Span,
}

/// An override ready to apply: its pointer, its file and the file's JSON value.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The target in the Job.
    pub pointer: Pointer,
    /// The file path as written in the profiles file.
    pub path: String,
    /// The file inside the case directory that `path` maps to.
    pub file: PathBuf,
    /// Where the value is inside `file` when that file holds more than the value (a Helm
    /// values file's `json:`, YAML), as a path; `None` when `file` holds the value alone,
    /// as JSON.
    pub within: Option<String>,
    /// Where the pair is in the profiles file.
    pub span: Span,
    /// The JSON value the file holds.
    pub value: Value,
}

impl Override {
    /// Where the part of this override's value at `rest` (tokens below its pointer) is
    /// written: that key or element in the override file when `rest` names one there,
    /// else the pair in the profiles file.
    pub fn span_of(&self, rest: &[String]) -> Span {
        if rest.is_empty() {
            return self.span.clone();
        }
        std::fs::read_to_string(&self.file)
            .ok()
            .and_then(|text| match &self.within {
                Some(at) => crate::compare::place_of(
                    &text,
                    &crate::compare::of_tokens(at, Some(&self.value), rest),
                ),
                None => locate(&text, rest),
            })
            .map_or_else(
                || self.span.clone(),
                |(line, col)| Span::at(&self.file, line, col),
            )
    }
}
