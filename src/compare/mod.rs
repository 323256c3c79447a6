//! Comparing an expected object (a golden) with an actual one: exact or partial, lists
//! matched by Kubernetes merge keys, placeholders for generated values.
//!
//! Placeholder syntax in golden strings: `{{kind}}` or `{{kind:binding}}`, alone or inside a
//! string. Kinds: `any` (any value / any text), `suffix` (5 chars of `bcdfghjklmnpqrstvwxz2456789`,
//! the API server's name generator), `uid`, `timestamp` (RFC 3339), `digits`. A binding makes
//! every use of the same `kind:binding` match the same text (the `kube-api-access-…` token of a
//! volume and its mounts).
//!
//! STUB: the public API below is fixed; the implementation is being written.

use serde_json::Value;

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
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until the implementation lands.
    #[error("{message}")]
    Placeholder {
        /// Where in the golden.
        path: String,
        /// What.
        message: String,
    },
}

/// Compares `expected` (a golden, possibly with placeholders) with `actual`.
pub fn compare(expected: &Value, actual: &Value, opts: Options) -> Result<Vec<Difference>, Error> {
    let _ = (expected, actual, opts);
    todo!("compare::compare")
}

/// Checks a golden's placeholders without comparing it.
pub fn check_placeholders(golden: &Value) -> Result<(), Error> {
    let _ = golden;
    todo!("compare::check_placeholders")
}

/// Renders differences as human lines.
pub fn render(diffs: &[Difference]) -> String {
    let _ = diffs;
    todo!("compare::render")
}

/// The line of `path` in a golden's YAML text, best effort.
pub fn line_of(yaml_text: &str, path: &str) -> Option<u32> {
    let _ = (yaml_text, path);
    todo!("compare::line_of")
}

/// Reduces a prediction to what differs from the prediction without overrides.
pub fn reduce(with_overrides: &Value, without: &Value) -> Value {
    let _ = (with_overrides, without);
    todo!("compare::reduce")
}
