//! Linting a configuration without goldens: every principal's override list applied and
//! validated, every warning and error `jjo test` knows, a security summary per principal and
//! the highest Pod Security level its Pod meets. Returns data; `report` renders it.

use serde_json::Value;

use crate::diag::Warning;
use crate::error::Error;
use crate::location::Span;
use crate::principals::{Config, Principal};
use crate::validate::{self, Level, Severity};

/// One problem, with every principal it concerns.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// `error`, `warning` or `note` (said, but never failing the run).
    pub severity: &'static str,
    /// A stable id: the validation rule, or the kind of warning/error.
    pub rule: String,
    /// Where in the user's files, when known.
    pub span: Option<Span>,
    /// Where in the Job, when it concerns a field.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
    /// The principals it concerns (`[*]`, `[@g]`, `[user]`).
    pub principals: Vec<String>,
    /// For `unschedulable`: where the Pod fits and why each group of nodes refuses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::failure::PlacementSummary>,
}

/// A security-relevant field of the session Pod and whether the overrides changed it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SecurityField {
    /// What it is: `privileged`, `allowPrivilegeEscalation`, `capabilities`, `hostPath`,
    /// `hostNetwork`, ...
    pub aspect: &'static str,
    /// The field in the Job.
    pub path: String,
    /// Its value after the overrides.
    pub value: Value,
}

/// One principal's outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PrincipalLint {
    /// Who.
    pub principal: Principal,
    /// The highest Pod Security level the Pod meets (`None` when no Job could be built).
    pub level: Option<Level>,
    /// The security-relevant fields the overrides set or changed.
    pub security: Vec<SecurityField>,
    /// How many overrides the principal's list applies.
    pub overrides: usize,
}

/// What linting a configuration found.
#[derive(Debug, Clone, Default)]
pub struct Lint {
    /// Problems, each once, in the order found.
    pub problems: Vec<Problem>,
    /// One entry per principal.
    pub principals: Vec<PrincipalLint>,
}

impl Lint {
    fn add(&mut self, mut p: Problem, who: &str) {
        if let Some(same) = self.problems.iter_mut().find(|q| {
            q.rule == p.rule && q.span == p.span && q.message == p.message && q.path == p.path
        }) {
            if !same.principals.iter().any(|w| w == who) {
                same.principals.push(who.to_string());
            }
            return;
        }
        p.principals = vec![who.to_string()];
        self.problems.push(p);
    }

    /// How many problems have this severity (`error` or `warning`).
    pub fn count(&self, severity: &str) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// The lint of a configuration that does not even load: that is its one problem.
pub fn not_loaded(e: &Error) -> Lint {
    let mut l = Lint::default();
    l.add(
        error_problem(e),
        "every principal (the configuration does not load)",
    );
    l
}

/// An error as a problem: its place, message and hint from the error's own accessors.
fn error_problem(e: &Error) -> Problem {
    Problem {
        severity: "error",
        rule: e.id().into(),
        span: e.span().cloned(),
        path: None,
        message: e.message(),
        hint: e.hint(),
        principals: Vec::new(),
        placement: None,
    }
}

fn warning_problem(w: &Warning) -> Problem {
    Problem {
        severity: "warning",
        rule: w.id.into(),
        span: w.span.clone(),
        path: w.pointer.clone(),
        message: w.message.clone(),
        hint: w.hint.clone(),
        principals: Vec::new(),
        placement: None,
    }
}

/// A validation finding as a problem: a field the API server drops is an error, since the
/// override has no effect in production, in the words `jjo test` uses.
fn finding_problem(f: &validate::Finding) -> Problem {
    let severity = match f.severity {
        Severity::Error | Severity::Dropped => "error",
        Severity::Warning => "warning",
    };
    Problem {
        severity,
        rule: f.rule.to_string(),
        span: f.span.clone(),
        path: Some(f.path.clone()),
        message: f.message(),
        hint: f.hint.clone(),
        principals: Vec::new(),
        placement: None,
    }
}

/// Where a principal's Pod lands on the cluster's nodes, judged as `jjo test` judges a case
/// with nodes and no `schedule:` (it must fit some node): an `unschedulable` error in the
/// scheduler's words when it fits none, a `schedule-undecided` note when it fits only on
/// the filters jjo models, nothing when it fits.
fn schedule_problem(
    case: &crate::case::Case,
    rendered: &crate::pipeline::Rendered,
    pod: &Value,
    nodes: &crate::case::Nodes,
) -> Option<Problem> {
    use crate::failure::Failure;
    use crate::pipeline::Status;
    let placement = crate::schedule::place(pod, &nodes.nodes);
    // Named as `jjo test`'s schedule check names it; the location says where it is.
    let file = nodes.path.file_name().map_or_else(
        || nodes.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // The principal's override list made this Pod: point there, else at the nodes.
    let list = case
        .resolved
        .get("job-json-overrides")
        .map(|s| s.span.clone());
    let at = list.clone().or_else(|| Some(Span::file(&nodes.path)));
    match crate::pipeline::schedule_status(None, &placement, &nodes.nodes) {
        Status::Passed | Status::Blessed(_) => None,
        Status::NotDecided { why } => Some(Problem {
            severity: "note",
            rule: "schedule-undecided".into(),
            span: at,
            path: None,
            message: format!("placement on `{file}` not decided offline: {why}"),
            hint: None,
            principals: Vec::new(),
            placement: None,
        }),
        Status::Failed(Failure::NotScheduled { placement: summary }) => {
            // A label key no node has: at the override that wrote it, as findings are.
            let (path, span) = match placement.hint_fields.first() {
                Some(field) => {
                    let path = format!("spec.template.{field}");
                    let span = crate::pipeline::finding_span(case, rendered, &path).or(at);
                    (Some(path), span)
                }
                None => (None, at),
            };
            let hint = if placement.hints.is_empty() {
                "fix the override or the session's requests, or the node pools, so that some node fits".to_owned()
            } else {
                placement.hints.join("; ")
            };
            Some(Problem {
                severity: "error",
                rule: "unschedulable".into(),
                span,
                path,
                message: format!(
                    "the session's Pod fits no node of `{file}`: {}",
                    summary.message
                ),
                hint: Some(hint),
                principals: Vec::new(),
                placement: Some(summary),
            })
        }
        // Without `schedule:` no other failure is possible; said as `jjo test` says it.
        Status::Failed(other) => Some(Problem {
            severity: "error",
            rule: "unschedulable".into(),
            span: at,
            path: None,
            message: other.to_string().replace('\n', "; "),
            hint: None,
            principals: Vec::new(),
            placement: None,
        }),
    }
}

/// Lints every principal of a configuration.
pub fn lint(config: &Config) -> Lint {
    let mut out = Lint::default();
    for (label, w) in config.shadowed() {
        out.add(warning_problem(&w), &label);
    }
    for p in config.principals() {
        let who = p.label.clone();
        let case = match config.case(&p) {
            Ok(case) => case,
            Err(e) => {
                out.add(error_problem(&e), &who);
                out.principals.push(PrincipalLint {
                    principal: p,
                    level: None,
                    security: Vec::new(),
                    overrides: 0,
                });
                continue;
            }
        };
        let rendered = match crate::pipeline::render(&case) {
            Ok(r) => r,
            Err(e) => {
                for w in case.warnings.iter().chain(&case.resolved.warnings) {
                    out.add(warning_problem(w), &who);
                }
                out.add(error_problem(&e), &who);
                out.principals.push(PrincipalLint {
                    principal: p,
                    level: None,
                    security: Vec::new(),
                    overrides: case.overrides.len(),
                });
                continue;
            }
        };
        for w in &rendered.warnings {
            out.add(warning_problem(w), &who);
        }
        // Findings point at the override that wrote their field, as in `jjo test`.
        let validation = crate::pipeline::validated(&case, &rendered);
        for f in &validation.findings {
            out.add(finding_problem(f), &who);
        }
        match crate::pipeline::predict_pod(&case, &rendered.patched.job) {
            Err(e) => out.add(error_problem(&e), &who),
            Ok(pod) => {
                if let Some(nodes) = &config.nodes
                    && let Some(p) = schedule_problem(&case, &rendered, &pod, nodes)
                {
                    out.add(p, &who);
                }
            }
        }
        let level = validation.highest_level();
        out.principals.push(PrincipalLint {
            principal: p,
            level,
            security: security(&rendered.base, &rendered.patched.job),
            overrides: case.overrides.len(),
        });
    }
    out
}

/// The security-relevant fields of the Pod template that the overrides set or changed.
fn security(base: &Value, patched: &Value) -> Vec<SecurityField> {
    let before = security_fields(base);
    security_fields(patched)
        .into_iter()
        .filter(|f| {
            !before
                .iter()
                .any(|b| b.path == f.path && b.value == f.value)
        })
        .collect()
}

/// Every security-relevant field a Job's Pod template sets.
fn security_fields(job: &Value) -> Vec<SecurityField> {
    let mut out = Vec::new();
    let Some(spec) = job.pointer("/spec/template/spec") else {
        return out;
    };
    let base = "spec.template.spec";
    let mut push = |aspect: &'static str, path: String, value: &Value| {
        if !value.is_null() {
            out.push(SecurityField {
                aspect,
                path,
                value: value.clone(),
            });
        }
    };
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(v) = spec.get(key) {
            push(key_aspect(key), format!("{base}.{key}"), v);
        }
    }
    for key in ["serviceAccountName", "serviceAccount"] {
        if let Some(v) = spec.get(key) {
            push("serviceAccount", format!("{base}.{key}"), v);
        }
    }
    if let Some(v) = spec.get("automountServiceAccountToken") {
        push(
            "serviceAccount",
            format!("{base}.automountServiceAccountToken"),
            v,
        );
    }
    if let Some(sc) = spec.get("securityContext") {
        context(&mut push, &format!("{base}.securityContext"), sc);
    }
    for (i, v) in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(h) = v.get("hostPath") {
            push("hostPath", format!("{base}.volumes[{i}].hostPath"), h);
        }
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, c) in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(sc) = c.get("securityContext") {
                context(
                    &mut push,
                    &format!("{base}.{list}[{i}].securityContext"),
                    sc,
                );
            }
        }
    }
    out
}

fn key_aspect(key: &str) -> &'static str {
    match key {
        "hostNetwork" => "hostNetwork",
        "hostPID" => "hostPID",
        _ => "hostIPC",
    }
}

/// The security-relevant fields of a Pod or container `securityContext`.
fn context(push: &mut impl FnMut(&'static str, String, &Value), at: &str, sc: &Value) {
    for (key, aspect) in [
        ("privileged", "privileged"),
        // Not `privileged`: `false` hardens the container, and `privileged` is a Pod Security
        // check and a warning id of its own.
        ("allowPrivilegeEscalation", "allowPrivilegeEscalation"),
        ("runAsUser", "runAsUser"),
        ("runAsNonRoot", "runAsNonRoot"),
        ("seccompProfile", "seccomp"),
    ] {
        if let Some(v) = sc.get(key) {
            push(aspect, format!("{at}.{key}"), v);
        }
    }
    if let Some(v) = sc.pointer("/capabilities/add") {
        push("capabilities", format!("{at}.capabilities.add"), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn security_lists_only_what_the_overrides_changed() {
        let base = json!({"spec": {"template": {"spec": {"containers": [{"name": "c"}], "serviceAccountName": "default"}}}});
        let patched = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "c", "securityContext": {"privileged": true, "capabilities": {"add": ["SYS_ADMIN"]}}}],
            "serviceAccountName": "default",
            "hostNetwork": true,
            "volumes": [{"name": "h", "hostPath": {"path": "/var/run"}}],
        }}}});
        let got: Vec<(&str, String)> = security(&base, &patched)
            .into_iter()
            .map(|f| (f.aspect, f.path))
            .collect();
        assert_eq!(
            got,
            vec![
                ("hostNetwork", "spec.template.spec.hostNetwork".to_string()),
                (
                    "hostPath",
                    "spec.template.spec.volumes[0].hostPath".to_string()
                ),
                (
                    "privileged",
                    "spec.template.spec.containers[0].securityContext.privileged".to_string()
                ),
                (
                    "capabilities",
                    "spec.template.spec.containers[0].securityContext.capabilities.add".to_string()
                ),
            ]
        );
    }

    /// Newcomer trial of issue 17: `allowPrivilegeEscalation: false` hardens a container; the
    /// summary named it `privileged`, as if the override made the container privileged.
    #[test]
    fn privilege_escalation_is_not_summarised_as_privileged() {
        let base = json!({"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}});
        let patched = json!({"spec": {"template": {"spec": {"containers": [{"name": "c",
            "securityContext": {"allowPrivilegeEscalation": false}}]}}}});
        let aspects: Vec<&str> = security(&base, &patched).iter().map(|f| f.aspect).collect();
        assert_eq!(aspects, ["allowPrivilegeEscalation"]);
    }
}
