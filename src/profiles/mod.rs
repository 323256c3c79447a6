//! The profiles file (`launcher.kubernetes.profiles.conf`): Boost-INI lexing, the keys the
//! Kubernetes plugin knows, and the SDK's per-key resolution for a user and groups.
//!
//! This module only declares the data types; `lexer` reads the text (Boost `property_tree`
//! INI rules plus jjo's stricter checks), `keys` lists what the plugin accepts, and `resolve`
//! picks each key's value for one user the way the launcher SDK does. It does not interpret
//! values (the `job-json-overrides` list belongs to `crate::overrides`).

mod keys;
mod lexer;
mod resolve;

use std::collections::BTreeMap;

use crate::diag::Warning;
use crate::location::Span;

pub use keys::{KNOWN_KEYS, is_known_key};
pub use lexer::{Error, parse};
pub use resolve::resolve;

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
