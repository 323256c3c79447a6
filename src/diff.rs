//! What a configuration change does to each principal's predicted Pod — the "what will
//! this rollout do" page, as data; `report` renders it.

use std::path::Path;

use serde_json::Value;

use crate::compare::{self, Kind, Lists, Mode};
use crate::error::Error;
use crate::principals::{Config, Principal};

/// One field that differs between the two Pods.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// The field: `spec.containers[name=x].image`, list items by merge key.
    pub path: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    /// The value with the old configuration.
    pub old: Option<Value>,
    /// The value with the new configuration.
    pub new: Option<Value>,
}

/// One principal's Pod under both configurations.
#[derive(Debug, Clone)]
pub struct PrincipalDiff {
    /// Who.
    pub principal: Principal,
    /// The predicted Pod with the old configuration, or why there is none.
    pub old: Result<Value, String>,
    /// The predicted Pod with the new configuration, or why there is none.
    pub new: Result<Value, String>,
    /// The field changes (empty when either side has no Pod).
    pub changes: Vec<Change>,
}

impl PrincipalDiff {
    /// Whether anything about this principal's session changes.
    pub fn changed(&self) -> bool {
        match (&self.old, &self.new) {
            (Ok(_), Ok(_)) => !self.changes.is_empty(),
            (Err(a), Err(b)) => a != b,
            _ => true,
        }
    }

    /// RFC 6902 operations from the old Pod to the new one (empty without both Pods).
    pub fn patch(&self) -> json_patch::Patch {
        match (&self.old, &self.new) {
            (Ok(a), Ok(b)) => json_patch::diff(a, b),
            _ => json_patch::Patch(Vec::new()),
        }
    }
}

/// The Pod a configuration gives a principal, or the error that stops it, as one line with
/// the configuration's own path left out (so that the same error in both compares equal).
fn pod(config: &Config, p: &Principal) -> Result<Value, String> {
    let run = || -> Result<Value, Error> {
        let case = config.case(p)?;
        let rendered = crate::pipeline::render(&case)?;
        crate::pipeline::predict_pod(&case, &rendered.patched.job)
    };
    run().map_err(|e| {
        let text = e.to_string();
        let root = match &config.source {
            crate::principals::Source::Dir(dir) => dir.clone(),
            crate::principals::Source::Helm(file) => {
                file.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        };
        let prefix = format!("{}/", root.display());
        if root.as_os_str().is_empty() {
            text
        } else {
            text.replace(&prefix, "")
        }
    })
}

/// Diffs every principal either configuration names: old order first, then the new ones.
pub fn diff(old: &Config, new: &Config) -> Result<Vec<PrincipalDiff>, Error> {
    let mut principals = old.principals();
    for p in new.principals() {
        if !principals.iter().any(|o| o.label == p.label) {
            principals.push(p);
        }
    }
    let opts = compare::Options {
        mode: Mode::Exact,
        lists: Lists::MergeKeys,
    };
    let mut out = Vec::new();
    for p in principals {
        let (a, b) = (pod(old, &p), pod(new, &p));
        let changes = match (&a, &b) {
            (Ok(a), Ok(b)) => compare::compare(a, b, opts)
                .map_err(|e| Error::Internal {
                    what: format!("comparing the Pods of `{}`: {e}", p.label),
                })?
                .into_iter()
                .map(|d| Change {
                    path: d.path,
                    change: match d.kind {
                        Kind::Differs => "changed",
                        Kind::Missing => "removed",
                        Kind::Extra => "added",
                    },
                    old: d.expected,
                    new: d.actual,
                })
                .collect(),
            _ => Vec::new(),
        };
        out.push(PrincipalDiff {
            principal: p,
            old: a,
            new: b,
            changes,
        });
    }
    Ok(out)
}
