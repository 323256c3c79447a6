//! The profiles file (`launcher.kubernetes.profiles.conf`): Boost-INI lexing, the keys the
//! Kubernetes plugin knows, and the SDK's per-key resolution for a user and groups.
//!
//! STUB: the public API below is fixed; the implementation is being written.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Warning;
use crate::location::Span;

/// A parsed profiles file, sections in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Profiles {
    /// The sections in file order.
    pub sections: Vec<Section>,
}

/// One `[name]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The text between the brackets, trimmed (`*`, `@staff`, `alice`).
    pub name: String,
    /// Who the section applies to.
    pub kind: SectionKind,
    /// Where the `[name]` header is.
    pub span: Span,
    /// The `key=value` lines in file order.
    pub entries: Vec<Entry>,
}

/// Who a section applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    /// `[*]`: everyone.
    All,
    /// `[@group]`: members of a Unix group.
    Group(String),
    /// `[user]`: one user.
    User(String),
}

/// One `key=value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, trimmed.
    pub key: String,
    /// The value, trimmed, quotes kept.
    pub value: String,
    /// Where the key starts.
    pub span: Span,
    /// Where the value starts (1-based column of its first character).
    pub value_span: Span,
}

/// How strict parsing is.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Unknown keys become warnings instead of errors (for newer launchers).
    pub allow_unknown_keys: bool,
}

/// The value a user gets for one key, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The value as written.
    pub value: String,
    /// The name of the section that won (`*`, `@staff`, `alice`).
    pub section: String,
    /// Where the winning value starts.
    pub span: Span,
}

/// Every key's value for one user, plus ordering warnings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// Key → winning setting; keys no section sets are absent (the launcher default applies).
    pub values: BTreeMap<String, Setting>,
    /// Ordering problems and sections the SDK's quirk shadows for this user.
    pub warnings: Vec<Warning>,
}

impl Resolved {
    /// The winning setting for `key`, if any section sets it.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.values.get(key)
    }
}

/// A profiles file that cannot be read as the launcher would.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until the implementation lands.
    #[error("{span}: {message}")]
    Syntax {
        /// Where.
        span: Span,
        /// What.
        message: String,
        /// Hint.
        hint: Option<String>,
    },
}

/// Parses a profiles file; `file` is the path shown in messages.
pub fn parse(
    file: &Path,
    text: &str,
    opts: ParseOptions,
) -> Result<(Profiles, Vec<Warning>), Error> {
    let _ = (file, text, opts);
    todo!("profiles::parse")
}

/// Resolves every key for `user` in `groups`, with the SDK's algorithm and its ordering quirk.
pub fn resolve(profiles: &Profiles, user: &str, groups: &[String]) -> Resolved {
    let _ = (profiles, user, groups);
    todo!("profiles::resolve")
}
