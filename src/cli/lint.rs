//! `jjo lint PATH`: checks a configuration without goldens — every principal's override list
//! applied and validated, every warning and error `jjo test` knows, a security summary per
//! principal and the highest Pod Security level its Pod meets; for people, JSON, GitHub
//! workflow annotations or SARIF.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::CaseOptions;
use crate::diag::Warning;
use crate::error::{Error, exit};
use crate::location::Span;
use crate::principals::{Config, Principal};
use crate::validate::{self, Level, Severity};

/// Check a configuration without goldens.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A copy of `/etc/rstudio`, a case directory, or a Helm values file.
    #[arg(required_unless_present = "helm_values")]
    pub path: Option<PathBuf>,
    /// A Helm values file, instead of PATH.
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub helm_values: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// A named user's Unix groups, `user=g1,g2` (repeat for several users).
    #[arg(long = "groups-of", value_name = "USER=GROUPS", value_parser = crate::principals::parse_groups_of)]
    pub groups_of: Vec<(String, Vec<String>)>,
    #[command(flatten)]
    pub opts: CaseOptions,
}

/// How `jjo lint` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// Lines for a terminal.
    Human,
    /// One JSON document.
    Json,
    /// GitHub workflow commands (`::error file=...`): annotations on the file and line.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// One problem, with every principal it concerns.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// `error` or `warning`.
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
}

/// A security-relevant field of the session Pod and whether the overrides changed it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SecurityField {
    /// What it is: `privileged`, `capabilities`, `hostPath`, `hostNetwork`, ...
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

    fn count(&self, severity: &str) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// Where an error points, when it knows.
fn error_span(e: &Error) -> Option<Span> {
    match e {
        Error::Syntax { span, .. } | Error::NotUtf8 { span } => Some(span.clone()),
        Error::Case(e) => Some(e.span.clone()),
        Error::Profiles(e) => Some(e.span.clone()),
        Error::Overrides(e) => Some(e.span.clone()),
        Error::Golden(e) => Some(e.span.clone()),
        _ => None,
    }
}

/// An error as a problem; its message without the `file:line:col: ` its Display starts with.
fn error_problem(e: &Error) -> Problem {
    let span = error_span(e);
    let text = e.to_string();
    let message = match &span {
        Some(s) => text
            .strip_prefix(&format!("{s}: "))
            .unwrap_or(&text)
            .to_string(),
        None => text,
    };
    let rule = match e {
        Error::Job(e) => e.rule,
        _ => "bad-input",
    };
    Problem {
        severity: "error",
        rule: rule.into(),
        span,
        path: None,
        message,
        hint: e.hint(),
        principals: Vec::new(),
    }
}

fn warning_problem(w: &Warning) -> Problem {
    Problem {
        severity: "warning",
        rule: "warning".into(),
        span: w.span.clone(),
        path: w.pointer.clone(),
        message: w.message.clone(),
        hint: w.hint.clone(),
        principals: Vec::new(),
    }
}

/// A JSON pointer as the dotted path validation findings use (`spec.containers[0].image`).
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            let _ = write!(out, "[{token}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

/// Lints every principal of a configuration.
pub fn lint(config: &Config) -> Lint {
    let mut out = Lint::default();
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
        // Findings point at the override that wrote their field, else at the list itself.
        let list_span = case
            .resolved
            .get("job-json-overrides")
            .map(|s| s.span.clone());
        let span_of = |path: &str| {
            case.overrides
                .iter()
                .rev()
                .find(|o| {
                    let d = dotted(&o.pointer.to_string());
                    path == d
                        || path.starts_with(&format!("{d}."))
                        || path.starts_with(&format!("{d}["))
                })
                .map(|o| o.span.clone())
                .or_else(|| list_span.clone())
        };
        let validation = validate::validate(&rendered.patched.job);
        for f in &validation.findings {
            out.add(
                Problem {
                    severity: if f.severity == Severity::Error {
                        "error"
                    } else {
                        "warning"
                    },
                    rule: f.rule.to_string(),
                    span: span_of(&f.path),
                    path: Some(f.path.clone()),
                    message: f.message.clone(),
                    hint: f.hint.clone(),
                    principals: Vec::new(),
                },
                &who,
            );
        }
        if let Err(e) = crate::pipeline::predict_pod(&case, &rendered.patched.job) {
            out.add(error_problem(&e), &who);
        }
        let mut level = None;
        for (l, failed) in &validation.pod_security {
            if !failed.is_empty() {
                break;
            }
            level = Some(*l);
        }
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
        ("allowPrivilegeEscalation", "privileged"),
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

/// Runs `jjo lint`.
pub fn run(args: Args) -> Result<u8, Error> {
    let path = match (&args.path, &args.helm_values) {
        (_, Some(values)) => values.clone(),
        (Some(path), None) => path.clone(),
        (None, None) => {
            return Err(Error::Usage {
                message: "give a configuration PATH or `--helm-values FILE`".into(),
                hint: None,
            });
        }
    };
    let result = Config::open(&path, args.opts.allow_unknown_keys).map(|mut c| {
        c.groups_of = args.groups_of.iter().cloned().collect();
        c
    });
    let report = match &result {
        Ok(config) => lint(config),
        // A configuration that does not even parse is the first thing lint reports.
        Err(e @ (Error::Usage { .. } | Error::Io { .. })) => return Err(clone_usage(e)),
        Err(e) => {
            let mut l = Lint::default();
            l.add(
                error_problem(e),
                "every principal (the configuration does not load)",
            );
            l
        }
    };
    let text = match args.format {
        LintFormat::Human => human(&report),
        LintFormat::Json => pretty(&as_json(&report)),
        LintFormat::Github => github(&report),
        LintFormat::Sarif => pretty(&sarif(&report)),
    };
    super::print(&text)?;
    let errors = report.count("error");
    let warnings = report.count("warning");
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        exit::FAILED
    } else {
        exit::OK
    })
}

/// Usage and I/O errors end the run as bad input (exit 2), like every other command.
fn clone_usage(e: &Error) -> Error {
    Error::Usage {
        message: e.to_string(),
        hint: e.hint(),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn level_name(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Restricted) => "restricted",
        Some(Level::Baseline) => "baseline",
        Some(Level::Privileged) => "privileged",
        None => "none (no Job)",
    }
}

/// The page for people: problems like `cargo` prints them, then a line per principal.
pub fn human(l: &Lint) -> String {
    let mut out = String::new();
    for p in &l.problems {
        let at = p
            .span
            .as_ref()
            .map(|s| format!("{s}: "))
            .unwrap_or_default();
        let field = p
            .path
            .as_ref()
            .map(|f| format!(" (at `{f}`)"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}: {at}{}{field} [{}]", p.severity, p.message, p.rule);
        let _ = writeln!(out, "  for: {}", p.principals.join(", "));
        if let Some(h) = &p.hint {
            let _ = writeln!(out, "  hint: {h}");
        }
    }
    if !l.problems.is_empty() {
        out.push('\n');
    }
    out.push_str(&principals_page(l));
    out
}

/// A line per principal with its security summary, then the counts of the whole run.
fn principals_page(l: &Lint) -> String {
    let mut out = String::new();
    for pl in &l.principals {
        let p = &pl.principal;
        let groups = if p.groups.is_empty() {
            "no group".to_string()
        } else {
            p.groups.join(", ")
        };
        let _ = writeln!(
            out,
            "{} (`{}` in {groups}): {} override{}, Pod Security `{}`",
            p.label,
            p.user,
            pl.overrides,
            if pl.overrides == 1 { "" } else { "s" },
            level_name(pl.level)
        );
        for f in &pl.security {
            let _ = writeln!(out, "  {}: `{}` = {}", f.aspect, f.path, f.value);
        }
    }
    let (errors, warnings) = (l.count("error"), l.count("warning"));
    let _ = writeln!(
        out,
        "\n{errors} error{}, {warnings} warning{} in {} principal{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        l.principals.len(),
        if l.principals.len() == 1 { "" } else { "s" }
    );
    out
}

/// The JSON document of `--format json`.
pub fn as_json(l: &Lint) -> Value {
    json!({
        "problems": l.problems,
        "principals": l.principals,
        "errors": l.count("error"),
        "warnings": l.count("warning"),
    })
}

/// GitHub's workflow-command escaping of a property value or a message.
fn gh_escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

/// `::error file=F,line=L,col=C,title=T::message` per problem, then the per-principal summary.
/// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
pub fn github(l: &Lint) -> String {
    let mut out = String::new();
    for p in &l.problems {
        let mut props = Vec::new();
        if let Some(s) = &p.span {
            props.push(format!(
                "file={}",
                gh_escape(&s.file.to_string_lossy(), true)
            ));
            if s.line > 0 {
                props.push(format!("line={}", s.line));
            }
            if s.col > 0 {
                props.push(format!("col={}", s.col));
            }
        }
        props.push(format!(
            "title={}",
            gh_escape(&format!("jjo {}", p.rule), true)
        ));
        let mut message = p.message.clone();
        if let Some(f) = &p.path {
            let _ = write!(message, " (at `{f}`)");
        }
        let _ = write!(message, "\nfor: {}", p.principals.join(", "));
        if let Some(h) = &p.hint {
            let _ = write!(message, "\nhint: {h}");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            p.severity,
            props.join(","),
            gh_escape(&message, false)
        );
    }
    // The summary goes to the log as plain lines, counting the problems annotated above.
    out.push_str(&principals_page(l));
    out
}

/// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the subset
/// GitHub code scanning reads: rules, results with a level, message and physical location.
pub fn sarif(l: &Lint) -> Value {
    let mut rules: BTreeMap<&str, &Problem> = BTreeMap::new();
    for p in &l.problems {
        rules.entry(p.rule.as_str()).or_insert(p);
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id,
                "shortDescription": {"text": format!("jjo `{id}`")},
                "defaultConfiguration": {"level": p.severity},
            })
        })
        .collect();
    let results: Vec<Value> = l
        .problems
        .iter()
        .map(|p| {
            let mut text = p.message.clone();
            if let Some(f) = &p.path {
                let _ = write!(text, " (at `{f}`)");
            }
            let _ = write!(text, "; for {}", p.principals.join(", "));
            // The hint (the did-you-mean) is half of the message for a reader of code scanning.
            if let Some(h) = &p.hint {
                let _ = write!(text, "\nhint: {h}");
            }
            let mut result = json!({
                "ruleId": p.rule,
                "level": p.severity,
                "message": {"text": text},
            });
            if let Some(s) = &p.span {
                let mut region = serde_json::Map::new();
                if s.line > 0 {
                    region.insert("startLine".into(), json!(s.line));
                    if s.col > 0 {
                        region.insert("startColumn".into(), json!(s.col));
                    }
                }
                let mut physical = json!({
                    "artifactLocation": {"uri": s.file.to_string_lossy().replace('\\', "/")},
                });
                if !region.is_empty() {
                    physical["region"] = Value::Object(region);
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jjo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_the_dotted_paths_of_findings() {
        assert_eq!(
            dotted("/spec/template/spec/containers/0/securityContext"),
            "spec.template.spec.containers[0].securityContext"
        );
        assert_eq!(dotted("/metadata/labels/a~1b"), "metadata.labels.a/b");
    }

    #[test]
    fn github_messages_escape_newlines_and_property_separators() {
        assert_eq!(gh_escape("a:b,c", true), "a%3Ab%2Cc");
        assert_eq!(gh_escape("50%\nnext", false), "50%25%0Anext");
    }

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
}
