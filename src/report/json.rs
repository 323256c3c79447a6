//! The JSON documents: `jjo test --report`, `jjo lint --format json` and `jjo diff
//! --format json|json-patch`.

use serde_json::{Value, json};

use crate::diff::PrincipalDiff;
use crate::error::Error;
use crate::lint::Lint;
use crate::pipeline::{CaseResult, CaseRun, Status};
use crate::validate::Level;

/// A report that cannot be serialised is a jjo bug, never an empty file and success.
pub(super) fn unserialisable(which: &str, e: &dyn std::fmt::Display) -> Error {
    Error::Internal {
        what: format!("cannot serialise the {which} report: {e}"),
    }
}

/// Pretty JSON of a report, with a final newline.
pub(super) fn to_json<T: serde::Serialize>(report: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(report)
        .map(|text| text + "\n")
        .map_err(|e| unserialisable("JSON", &e))
}

/// The JSON report: per case, its status, each check, failure details, warnings and timing;
/// `unreferenced` are golden files no case uses (`--check-unreferenced`), counted as failures.
pub fn test_report(runs: &[CaseRun], unreferenced: &[std::path::PathBuf]) -> Result<String, Error> {
    let cases: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let checks: Vec<serde_json::Value> = match &run.result {
                CaseResult::Ran(checks) => checks
                    .iter()
                    .map(|(check, status)| match status {
                        Status::Passed => serde_json::json!({"check": check, "status": "passed"}),
                        Status::Blessed(p) => {
                            serde_json::json!({"check": check, "status": "blessed", "file": p})
                        }
                        Status::NotDecided { why } => serde_json::json!({
                            "check": check,
                            "status": "not-decided",
                            "message": why,
                        }),
                        Status::Failed(f) => serde_json::json!({
                            "check": check,
                            "status": "failed",
                            "message": f.to_string(),
                            "failure": f,
                        }),
                    })
                    .collect(),
                CaseResult::Error(_) => Vec::new(),
            };
            let status = match &run.result {
                r if r.not_decided().is_some() => "not-decided",
                r if r.passed() => "passed",
                CaseResult::Error(_) => "error",
                CaseResult::Ran(_) => "failed",
            };
            let error = match &run.result {
                CaseResult::Error(e) => Some(serde_json::json!({
                    "message": e.to_string(),
                    "hint": e.hint(),
                    "span": e.span(),
                    "pointer": e.pointer(),
                })),
                CaseResult::Ran(_) => None,
            };
            serde_json::json!({
                "name": run.name,
                "status": status,
                "checks": checks,
                "error": error,
                "warnings": run.warnings,
                "seconds": run.elapsed.as_secs_f64(),
                "phases": run
                    .phases
                    .iter()
                    .map(|(name, d)| (name.to_string(), serde_json::json!(d.as_secs_f64())))
                    .collect::<serde_json::Map<String, serde_json::Value>>(),
            })
        })
        .collect();
    let not_decided = runs
        .iter()
        .filter(|r| r.result.not_decided().is_some())
        .count();
    let passed = runs.iter().filter(|r| r.result.passed()).count() - not_decided;
    let report = serde_json::json!({
        "passed": passed,
        "failed": runs.len() - passed - not_decided + unreferenced.len(),
        "not_decided": not_decided,
        "cases": cases,
        "unreferenced": unreferenced,
    });
    to_json(&report)
}

/// The JSON document of `--format json`.
pub fn lint(l: &Lint) -> Result<String, Error> {
    to_json(&json!({
        "problems": l.problems,
        "principals": l.principals,
        "errors": l.count("error"),
        "warnings": l.count("warning"),
    }))
}

/// The JSON document of `--format json`.
pub fn diff(diffs: &[PrincipalDiff]) -> Result<String, Error> {
    let principals: Vec<Value> = diffs
        .iter()
        .map(|d| {
            let p = &d.principal;
            json!({
                "section": p.label,
                "user": p.user,
                "groups": p.groups,
                "new_user": p.synthetic,
                "changed": d.changed(),
                "changes": d.changes,
                "old_error": d.old.as_ref().err(),
                "new_error": d.new.as_ref().err(),
                "no_effect": d.no_effect,
                "new_warnings": d.new_warnings,
                "profile": d.profile,
                "pod_security": {
                    "old": d.level.0.map(Level::as_str),
                    "new": d.level.1.map(Level::as_str),
                },
                "placement": d.placement.as_ref().map(|p| json!({
                    "change": p.change(),
                    "old": p.old,
                    "new": p.new,
                })),
            })
        })
        .collect();
    let unchanged: Vec<&str> = diffs
        .iter()
        .filter(|d| !d.changed())
        .map(|d| d.principal.label.as_str())
        .collect();
    to_json(&json!({ "principals": principals, "unchanged": unchanged }))
}

/// The JSON document of `jjo diff --format json-patch`: per principal, the RFC 6902 patch
/// from the old Pod to the new one.
pub fn diff_patches(diffs: &[PrincipalDiff]) -> Result<String, Error> {
    let mut map = serde_json::Map::new();
    for d in diffs {
        let patch = serde_json::to_value(d.patch()).map_err(|e| unserialisable("JSON", &e))?;
        map.insert(d.principal.label.clone(), patch);
    }
    to_json(&Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_that_cannot_be_serialised_is_an_error() {
        struct Unserialisable;
        impl serde::Serialize for Unserialisable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let err = to_json(&Unserialisable).expect_err("must not become an empty report");
        assert_eq!(
            err.to_string(),
            "internal error: cannot serialise the JSON report: no"
        );
        assert_eq!(err.exit_code(), crate::error::exit::ERROR);
    }
}
