//! Comparing an expected object (a golden) with an actual one: exact or partial, lists
//! matched by Kubernetes merge keys, placeholders for generated values.
//!
//! Placeholder syntax in golden strings: `{{kind}}` or `{{kind:binding}}`, alone or inside a
//! string. Kinds: `any` (any value / any text), `suffix` (5 chars of `bcdfghjklmnpqrstvwxz2456789`,
//! the API server's name generator), `uid`, `timestamp` (RFC 3339), `digits`. A binding makes
//! every use of the same `kind:binding` match the same text (the `kube-api-access-…` token of a
//! volume and its mounts).
//!
//! Rules (details in each file):
//! * Subset mode: every golden field must match, extra actual fields are ignored; a golden
//!   `null` matches an absent field too (Kubernetes omits nulls), so a golden can say "not
//!   set". Exact mode: the golden is the whole object; actual fields absent from the golden are
//!   reported as extra (actual `null`s count as absent).
//! * Lists of objects are matched by merge key in `MergeKeys` mode (`merge_keys` decides the
//!   key by the list's field name and item shape), else by position. In subset mode actual
//!   items the golden does not list are ignored, in exact mode reported. Lists of scalars
//!   (`command`, `args`) are values: ordered and of the same length, in both modes; in
//!   `MergeKeys` mode `finalizers` is a set.
//! * A golden string that is exactly `{{any}}` matches any value of any type (the field must
//!   still exist and not be `null`); exactly `{{digits}}` also matches a non-negative integer.
//!   Placeholders inside strings match text of their kind (see `placeholders`). Placeholders on the actual
//!   side (a prediction) stand for an unknown value of their kind: they match a golden
//!   placeholder of the same kind or golden text of their kind's shape.
//! * Bindings are captured in golden document order (object fields in the golden's order,
//!   list items paired when their list is reached), so results are deterministic; a later use
//!   that disagrees is a difference whose expected value names the binding and its capture,
//!   `kube-api-access-{{suffix:sa=x7k2p}}`.
//! * Every `{{` in a golden starts a placeholder (there is no escape; `{{any}}` covers text
//!   that holds one). On the actual side, text that is not valid placeholder text is literal.
//! * `reduce` makes blessed goldens small; `render` and `line_of` make differences readable.

mod lines;
mod matcher;
mod merge_keys;
pub(crate) mod path;
mod placeholders;
#[cfg(test)]
mod proptests;
mod reduce;
mod render;

use serde_json::Value;

pub use lines::{document_line_of, line_of, place_of, value_place_of};
pub use matcher::{check_placeholders, compare};
pub use path::{of_tokens, push_key};
pub use placeholders::PLACEHOLDER_KINDS;
pub use reduce::reduce;
pub use render::render;

/// How much of the actual object the golden must describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every field in the golden must match; extra actual fields are ignored.
    #[default]
    Subset,
    /// The golden is the whole object.
    Exact,
}

/// How lists are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lists {
    /// By position (a Job's lists, whose order the overrides decide).
    Positional,
    /// By Kubernetes merge keys (`name`, `mountPath`, `containerPort`, ...).
    MergeKeys,
}

/// Comparison settings.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Subset or exact.
    pub mode: Mode,
    /// Positional or by merge keys.
    pub lists: Lists,
}

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// In the golden, not in the actual object.
    Missing,
    /// In both, with different values.
    Differs,
    /// In the actual object, not in the golden (exact mode only).
    Extra,
}

/// One difference, with its path.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    /// Dotted path, list items named by merge key (`spec.containers[name=x].image`) or index.
    pub path: String,
    /// What kind of difference.
    pub kind: Kind,
    /// The golden's value, if it has one there.
    pub expected: Option<Value>,
    /// The actual value, if there is one there.
    pub actual: Option<Value>,
}

/// A golden that uses placeholders wrongly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// `{{name}}` where `name` is no placeholder kind.
    #[error("unknown placeholder kind `{kind}` in `{placeholder}` at `{}`", shown(.path))]
    UnknownKind {
        /// Where in the golden (a path as differences write them, items by index).
        path: String,
        /// The placeholder as written.
        placeholder: String,
        /// The kind as written.
        kind: String,
        /// The closest kind and the list of kinds.
        hint: Option<String>,
    },
    /// `{{` without `}}`.
    #[error("unterminated `{{{{` in `{text}` at `{}`", shown(.path))]
    Unterminated {
        /// Where in the golden.
        path: String,
        /// The golden string.
        text: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// `{{kind:}}` or a binding name with characters other than letters, digits, `-`, `_`.
    #[error("bad binding name in placeholder `{placeholder}` at `{}`", shown(.path))]
    BadBinding {
        /// Where in the golden.
        path: String,
        /// The placeholder as written.
        placeholder: String,
        /// How to fix it.
        hint: Option<String>,
    },
}

impl Error {
    /// Where in the golden the mistake is.
    pub fn path(&self) -> &str {
        match self {
            Error::UnknownKind { path, .. }
            | Error::Unterminated { path, .. }
            | Error::BadBinding { path, .. } => path,
        }
    }

    /// What to do about it, shown on its own line after the error.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::UnknownKind { hint, .. }
            | Error::Unterminated { hint, .. }
            | Error::BadBinding { hint, .. } => hint.as_deref(),
        }
    }
}

/// A path as messages show it: the empty path is the whole object.
pub(crate) fn shown(path: &str) -> &str {
    if path.is_empty() { "(root)" } else { path }
}
