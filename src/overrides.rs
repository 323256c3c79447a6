//! The `job-json-overrides` value: the `"pointer":"file"` list grammar, RFC 6901 pointers, and
//! the one JSON value each override file holds.
//!
//! STUB: the public API below is fixed; the implementation is being written.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::Warning;
use crate::location::Span;

/// A parsed RFC 6901 JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pointer {
    raw: String,
    tokens: Vec<String>,
}

impl Pointer {
    /// Parses a pointer (`""` or `/a/b~1c`).
    pub fn parse(raw: &str) -> Result<Pointer, Error> {
        let _ = raw;
        todo!("Pointer::parse")
    }

    /// The pointer as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

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
    /// Where the pair is in the profiles file.
    pub span: Span,
    /// The JSON value the file holds.
    pub value: Value,
}

/// A list or a file that cannot be read as the launcher would.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until the implementation lands.
    #[error("{message}")]
    Syntax {
        /// Where.
        span: Option<Span>,
        /// What.
        message: String,
        /// Hint.
        hint: Option<String>,
    },
}

impl Error {
    /// Where.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::Syntax { span, .. } => span.as_ref(),
        }
    }
    /// Pointer.
    pub fn pointer(&self) -> Option<&str> {
        None
    }
    /// Hint.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Syntax { hint, .. } => hint.clone(),
        }
    }
}

/// Parses the value of a `job-json-overrides` key; `span` is where the value starts.
pub fn parse_list(value: &str, span: &Span) -> Result<(Vec<OverrideRef>, Vec<Warning>), Error> {
    let _ = (value, span);
    todo!("overrides::parse_list")
}

/// Reads the one JSON value an override file holds; `file` is the path shown in messages.
pub fn parse_value(file: &Path, bytes: &[u8]) -> Result<Value, Error> {
    let _ = (file, bytes);
    todo!("overrides::parse_value")
}
