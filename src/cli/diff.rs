//! `jjo diff OLD NEW`: what a configuration change does to each principal's predicted Pod —
//! the "what will this rollout do" page.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::CaseOptions;
use crate::compare::{self, Kind, Lists, Mode};
use crate::error::{Error, exit};
use crate::principals::{Config, Principal};

/// What a configuration change does to each principal's Pod.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The configuration in production: a copy of `/etc/rstudio` or a Helm values file.
    pub old: PathBuf,
    /// The changed configuration, in either form.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 0 even when a Pod changes.
    #[arg(long)]
    pub exit_zero: bool,
    /// A named user's Unix groups, `user=g1,g2` (repeat for several users).
    #[arg(long = "groups-of", value_name = "USER=GROUPS", value_parser = crate::principals::parse_groups_of)]
    pub groups_of: Vec<(String, Vec<String>)>,
    #[command(flatten)]
    pub opts: CaseOptions,
}

/// How `jjo diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Lines for a terminal or a CI log.
    Human,
    /// One JSON document: every principal with its field changes.
    Json,
    /// RFC 6902 JSON Patch per principal, old Pod to new Pod.
    JsonPatch,
}

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

/// Runs `jjo diff`.
pub fn run(args: Args) -> Result<u8, Error> {
    let open = |path: &PathBuf| -> Result<Config, Error> {
        let mut config = Config::open(path, args.opts.allow_unknown_keys)?;
        config.groups_of = args.groups_of.iter().cloned().collect();
        Ok(config)
    };
    let (old, new) = (open(&args.old)?, open(&args.new)?);
    let diffs = diff(&old, &new)?;
    let text = match args.format {
        DiffFormat::Human => human(&diffs),
        DiffFormat::Json => pretty(&as_json(&diffs)),
        DiffFormat::JsonPatch => {
            let map: serde_json::Map<String, Value> = diffs
                .iter()
                .map(|d| {
                    let patch = serde_json::to_value(d.patch()).unwrap_or(Value::Null);
                    (d.principal.label.clone(), patch)
                })
                .collect();
            pretty(&Value::Object(map))
        }
    };
    super::print(&text)?;
    let changed = diffs.iter().any(PrincipalDiff::changed);
    Ok(if changed && !args.exit_zero {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Who a principal is, for people: `alice in staff, gpu`, `rstudio-user in no group`.
fn who(p: &Principal) -> String {
    if p.groups.is_empty() {
        format!("`{}` in no group", p.user)
    } else {
        format!("`{}` in {}", p.user, p.groups.join(", "))
    }
}

fn short(v: &Option<Value>) -> String {
    const MAX: usize = 100;
    let Some(v) = v else {
        return "nothing".into();
    };
    let text = v.to_string();
    if text.chars().count() <= MAX {
        text
    } else {
        text.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

/// The human page: one block per principal whose Pod changes, then those whose Pods do not.
pub fn human(diffs: &[PrincipalDiff]) -> String {
    let mut out = String::new();
    let mut same = Vec::new();
    for d in diffs {
        if !d.changed() {
            same.push(d.principal.label.as_str());
            continue;
        }
        let p = &d.principal;
        match (&d.old, &d.new) {
            (Ok(_), Ok(_)) => {
                let n = d.changes.len();
                let _ = writeln!(
                    out,
                    "{} ({}): {n} field{} change{}",
                    p.label,
                    who(p),
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" }
                );
                for c in &d.changes {
                    let line = match c.change {
                        "added" => format!("  + {}: {}", c.path, short(&c.new)),
                        "removed" => format!("  - {}: {}", c.path, short(&c.old)),
                        _ => format!("  ~ {}: {} -> {}", c.path, short(&c.old), short(&c.new)),
                    };
                    let _ = writeln!(out, "{line}");
                }
            }
            (Err(e), Ok(_)) => {
                let _ = writeln!(out, "{} ({}): no Pod before, one now", p.label, who(p));
                let _ = writeln!(out, "  old: {e}");
            }
            (Ok(_), Err(e)) => {
                let _ = writeln!(
                    out,
                    "{} ({}): the session no longer starts",
                    p.label,
                    who(p)
                );
                let _ = writeln!(out, "  new: {e}");
            }
            (Err(a), Err(b)) => {
                let _ = writeln!(out, "{} ({}): no Pod before or now", p.label, who(p));
                let _ = writeln!(out, "  old: {a}\n  new: {b}");
            }
        }
        out.push('\n');
    }
    let changed = diffs.len() - same.len();
    let _ = write!(
        out,
        "{changed} principal{} changed, {} unchanged",
        if changed == 1 { "" } else { "s" },
        same.len()
    );
    if !same.is_empty() {
        let _ = write!(out, ": {}", same.join(", "));
    }
    out.push('\n');
    out
}

/// The JSON document of `--format json`.
pub fn as_json(diffs: &[PrincipalDiff]) -> Value {
    let principals: Vec<Value> = diffs
        .iter()
        .map(|d| {
            let p = &d.principal;
            json!({
                "section": p.label,
                "user": p.user,
                "groups": p.groups,
                "changed": d.changed(),
                "changes": d.changes,
                "old_error": d.old.as_ref().err(),
                "new_error": d.new.as_ref().err(),
            })
        })
        .collect();
    let unchanged: Vec<&str> = diffs
        .iter()
        .filter(|d| !d.changed())
        .map(|d| d.principal.label.as_str())
        .collect();
    json!({ "principals": principals, "unchanged": unchanged })
}
