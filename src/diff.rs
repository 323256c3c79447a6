//! What a configuration change does to each principal's predicted Pod — the "what will
//! this rollout do" page, as data; `report` renders it.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::compare::{self, Kind, Lists, Mode};
use crate::error::Error;
use crate::principals::{Config, Principal};
use crate::validate::{Level, Severity};

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
    /// The profile values that change (`path` is the key, values are `value ([section])`).
    pub profile: Vec<Change>,
    /// The highest Pod Security level the Pod meets, old and new (`None`: no Pod).
    pub level: (Option<Level>, Option<Level>),
    /// Fields the new configuration writes that the API server drops: overrides with no
    /// effect in production, in `jjo test`'s words.
    pub no_effect: Vec<String>,
    /// Warnings the new configuration gives this principal that the old one does not, each
    /// as `jjo lint` prints it (`file:line:col: message (at ...) [id]`).
    pub new_warnings: Vec<String>,
    /// Both configurations fail the same way (their errors equal once each one's own
    /// directory is left out of the paths they name).
    pub same_error: bool,
    /// Where the Pod lands on the cluster's nodes under each configuration (with nodes, and
    /// a Pod on both sides).
    pub placement: Option<PlacementChange>,
}

/// Where one configuration's Pod lands on the cluster's nodes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Landing {
    /// `fits`, `unschedulable` or `undecided` (some node fits on the modelled filters, but
    /// the Pod uses one jjo does not model).
    pub verdict: crate::schedule::Verdict,
    /// The nodes it fits, in the order of the nodes file.
    pub fits: Vec<String>,
    /// How many nodes there are.
    pub total: usize,
    /// The scheduler's summary, `0/5 nodes are available: ...`.
    pub message: String,
    /// Did-you-mean for a label key no node has.
    pub hints: Vec<String>,
    /// What of the Pod jjo does not model.
    pub unmodelled: Vec<String>,
}

impl From<&crate::schedule::Placement> for Landing {
    fn from(p: &crate::schedule::Placement) -> Landing {
        Landing {
            verdict: p.verdict(),
            fits: p.fits.clone(),
            total: p.total,
            message: p.message(),
            hints: p.hints.clone(),
            unmodelled: p.unread.iter().chain(&p.unmodelled).cloned().collect(),
        }
    }
}

/// A principal's placement under both configurations.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlacementChange {
    /// With the old configuration.
    pub old: Landing,
    /// With the new one.
    pub new: Landing,
}

impl PlacementChange {
    /// What changes, in a word: `unschedulable` (it fitted some node and now fits none),
    /// `schedulable` (the reverse), `nodes` (it fits another set of nodes), `undecided` (the
    /// verdict becomes or stops being one jjo cannot give offline); `None` when nothing does.
    pub fn change(&self) -> Option<&'static str> {
        use crate::schedule::Verdict;
        let (a, b) = (&self.old, &self.new);
        match (a.verdict, b.verdict) {
            (x, y) if x == y && a.fits == b.fits => None,
            (_, Verdict::Unschedulable) => Some("unschedulable"),
            (Verdict::Unschedulable, _) => Some("schedulable"),
            (x, y) if x == y => Some("nodes"),
            _ => Some("undecided"),
        }
    }

    /// The nodes the new Pod fits that the old did not, and those it no longer fits.
    pub fn moved(&self) -> (Vec<&str>, Vec<&str>) {
        let gained = self
            .new
            .fits
            .iter()
            .filter(|n| !self.old.fits.contains(n))
            .map(String::as_str)
            .collect();
        let lost = self
            .old
            .fits
            .iter()
            .filter(|n| !self.new.fits.contains(n))
            .map(String::as_str)
            .collect();
        (gained, lost)
    }
}

impl PrincipalDiff {
    /// Whether anything about this principal's session changes.
    pub fn changed(&self) -> bool {
        let session = match (&self.old, &self.new) {
            (Ok(_), Ok(_)) => !self.changes.is_empty(),
            (Err(_), Err(_)) => !self.same_error,
            _ => true,
        };
        session
            || self
                .placement
                .as_ref()
                .is_some_and(|p| p.change().is_some())
            || !self.profile.is_empty()
            || self.level.0 != self.level.1
            || !self.no_effect.is_empty()
            || !self.new_warnings.is_empty()
    }

    /// RFC 6902 operations from the old Pod to the new one (empty without both Pods).
    pub fn patch(&self) -> json_patch::Patch {
        match (&self.old, &self.new) {
            (Ok(a), Ok(b)) => json_patch::diff(a, b),
            _ => json_patch::Patch(Vec::new()),
        }
    }
}

/// What one configuration gives a principal: the predicted Pod or why there is none, the
/// highest Pod Security level it meets, the fields the API server drops, the profile values.
struct Session {
    pod: Result<Value, String>,
    level: Option<Level>,
    /// Each dropped field's line, and the same line relative to its configuration (to
    /// compare with the other one's).
    dropped: Vec<(String, String)>,
    profile: BTreeMap<String, String>,
    /// The error relative to its configuration, when there is no Pod.
    error: Option<String>,
    /// Each warning's line, and the same line relative to its configuration.
    warnings: Vec<(String, String)>,
}

/// The session a configuration gives a principal, from the one verdict `jjo test` renders: a
/// Job the API server refuses has no Pod (the session no longer starts), whatever the
/// predictor would make of it. Errors are one line with the configuration's own path left
/// out (so that the same error in both compares equal).
fn session(config: &Config, p: &Principal) -> Session {
    let mut out = Session {
        pod: Err(String::new()),
        level: None,
        dropped: Vec::new(),
        profile: BTreeMap::new(),
        error: None,
        warnings: Vec::new(),
    };
    let mut run = || -> Result<Value, Error> {
        let case = config.case(p)?;
        // An override list's change shows as the Pod's; the other values are news of their own.
        out.profile = case
            .resolved
            .values
            .iter()
            .filter(|(k, _)| k.as_str() != "job-json-overrides")
            .map(|(k, v)| (k.clone(), format!("{} ([{}])", v.value, v.section)))
            .collect();
        let rendered = crate::pipeline::render(&case)?;
        let validation = crate::pipeline::validated(&case, &rendered);
        // The warnings `jjo test` and `jjo lint` give this principal, one list.
        let mut lines: Vec<String> = Vec::new();
        for w in rendered
            .warnings
            .iter()
            .chain(&crate::pipeline::finding_warnings(&validation))
        {
            let line = w.head();
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        out.warnings = lines
            .into_iter()
            .map(|l| {
                let key = relative(config, &l);
                (l, key)
            })
            .collect();
        out.dropped = validation
            .dropped()
            .map(|f| (f.line(), relative(config, &f.line())))
            .collect();
        let refused: Vec<String> = validation
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(crate::validate::Finding::line)
            .collect();
        if !refused.is_empty() {
            return Err(Error::Usage {
                message: format!("the API server refuses the Job: {}", refused.join("; ")),
                hint: None,
            });
        }
        out.level = validation.highest_level();
        crate::pipeline::predict_pod(&case, &rendered.patched.job)
    };
    let pod = run();
    out.pod = pod.map_err(|e| e.to_string());
    out.error = out.pod.as_ref().err().map(|e| relative(config, e));
    out
}

/// `text` with the configuration's own directory left out of the paths it names, so that
/// the same error in both configurations compares equal.
fn relative(config: &Config, text: &str) -> String {
    let root = match &config.source {
        crate::principals::Source::Dir(dir) => dir.clone(),
        crate::principals::Source::Helm(file) => {
            file.parent().map(Path::to_path_buf).unwrap_or_default()
        }
    };
    if root.as_os_str().is_empty() {
        text.to_owned()
    } else {
        text.replace(&format!("{}/", root.display()), "")
    }
}

/// The profile values that differ between two sessions, key by key.
fn profile_changes(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| {
            let (a, b) = (old.get(k), new.get(k));
            Change {
                path: k.clone(),
                change: match (a, b) {
                    (None, _) => "added",
                    (_, None) => "removed",
                    _ => "changed",
                },
                old: a.map(|v| Value::String(v.clone())),
                new: b.map(|v| Value::String(v.clone())),
            }
        })
        .collect()
}

/// Diffs every principal either configuration names: old order first, then the new ones.
/// With `nodes`, each principal's Pod is also placed on them under both configurations, by
/// the offline scheduler `jjo test`'s schedule check runs.
pub fn diff(
    old: &Config,
    new: &Config,
    nodes: Option<&crate::case::Nodes>,
) -> Result<Vec<PrincipalDiff>, Error> {
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
        let (sa, sb) = (session(old, &p), session(new, &p));
        let profile = profile_changes(&sa.profile, &sb.profile);
        let no_effect = sb
            .dropped
            .iter()
            .filter(|(_, key)| !sa.dropped.iter().any(|(_, k)| k == key))
            .map(|(line, _)| line.clone())
            .collect();
        let same_error = sa.error.is_some() && sa.error == sb.error;
        let new_warnings = sb
            .warnings
            .iter()
            .filter(|(_, key)| !sa.warnings.iter().any(|(_, k)| k == key))
            .map(|(line, _)| line.clone())
            .collect();
        let level = (sa.level, sb.level);
        let (a, b) = (sa.pod, sb.pod);
        let placement = match (nodes, &a, &b) {
            (Some(nodes), Ok(a), Ok(b)) => Some(PlacementChange {
                old: Landing::from(&crate::schedule::place(a, &nodes.nodes)),
                new: Landing::from(&crate::schedule::place(b, &nodes.nodes)),
            }),
            _ => None,
        };
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
            profile,
            level,
            no_effect,
            new_warnings,
            same_error,
            placement,
        });
    }
    Ok(out)
}
