//! Validating a patched Job as the API server would: strict decoding into `k8s_openapi`
//! types, the API server's own rules, and Pod Security admission levels.
//!
//! `decode` finds what a schema finds (unknown fields, wrong types), `rules` what the API
//! server's validation finds beyond the schema, `pod_security` what Pod Security admission
//! would refuse when the Job controller creates the Pods.

mod decode;
mod names;
mod pod_security;
mod quantity;
mod quota;
mod rules;

use k8s_openapi::api::batch::v1::Job;
use serde_json::Value;

use crate::location::Span;

pub use decode::{Decoded, decode};
pub use pod_security::{pod_security, pod_security_of_pod, pod_security_of_template};
pub use quantity::QuantityError;
pub use quantity::parse_quantity;
pub use quota::quota_of_pod;

/// How bad a finding is: what the API server (or admission) does with the Job because of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The API server would accept it, but it is probably not meant.
    Warning,
    /// The API server accepts the Job without it: an unknown field. The launcher posts without
    /// `fieldValidation`, whose default `Warn` drops each unknown field and says so in a
    /// `Warning` response header (`fieldValidation` of "create a Job" in
    /// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/).
    Dropped,
    /// The API server (or admission) would refuse it.
    Error,
}

/// A Pod Security Standards level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Unrestricted.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Hardened best practice.
    Restricted,
}

/// The rule id of an unknown field, the finding live runs also make from the API server's
/// `Warning: unknown field "..."` headers.
pub const UNKNOWN_FIELD: &str = "unknown-field";

/// One problem found in a Job.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    /// The id of the rule that found it (`unknown-field`, `privileged`, `job-counts`...): stable,
    /// for matching and for machine-readable reports; the Pod Security ones are upstream's
    /// check ids (`k8s.io/pod-security-admission/policy/check_*.go`).
    pub rule: &'static str,
    /// How bad.
    pub severity: Severity,
    /// Which check found it: `schema`, `api`, or `pod-security:<level>`.
    pub check: String,
    /// Where in the Job, as a dotted path (`spec.template.spec.containers[0].securityContext.priviliged`).
    pub path: String,
    /// What is wrong: lowercase fragment, names in backticks.
    pub message: String,
    /// A did-you-mean or what to write instead.
    pub hint: Option<String>,
    /// Where in the user's files it comes from: the override that wrote the field (filled in
    /// by `pipeline::locate`, since validation sees only the Job).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// What a dropped field means for the admin, said after the finding's own message by every
/// command (`jjo test`, `jjo lint`, `jjo diff`).
pub const DROPPED: &str = "dropped by the API server: this override has no effect in production";

/// Everything validation found in one Job.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Validation {
    /// Schema and API-server findings (Job creation).
    pub findings: Vec<Finding>,
    /// For each Pod Security level, the checks the Job's Pods would fail (empty: admitted).
    pub pod_security: Vec<(Level, Vec<Finding>)>,
}

/// The rules of validation that depend on the Kubernetes version (the caller maps a
/// version to them: `predict::Version::validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Environment variable names may be any printable ASCII but `=` (1.32+), not only
    /// `[-._a-zA-Z][-._a-zA-Z0-9]*`.
    pub relaxed_env_var_names: bool,
}

impl Default for Options {
    /// The newest release's rules.
    fn default() -> Options {
        Options {
            relaxed_env_var_names: true,
        }
    }
}

/// Validates a patched Job with the newest release's rules.
pub fn validate(job: &Value) -> Validation {
    validate_with(job, Options::default())
}

/// Validates a patched Job with the rules of `opts`.
pub fn validate_with(job: &Value, opts: Options) -> Validation {
    let mut findings = decode::check_type_meta(job);
    let decoded: Decoded<Job> = decode::decode_job(job);
    findings.extend(decoded.findings);
    let mut pod_security = vec![(Level::Privileged, Vec::new())];
    if let Some(job) = &decoded.value {
        // A value that had a type error was read as zero; rules would only misreport it.
        let elided = &decoded.elided;
        findings.extend(
            rules::check(job, elided, opts)
                .into_iter()
                .filter(|f| !is_under_any(&f.path, elided)),
        );
        let template = job.spec.as_ref().map(|s| &s.template);
        for level in [Level::Baseline, Level::Restricted] {
            let found = template
                .map(|t| pod_security_of_template(t, level))
                .unwrap_or_default()
                .into_iter()
                .filter(|f| !is_under_any(&f.path, elided))
                .collect();
            pod_security.push((level, found));
        }
    } else {
        pod_security.extend([
            (Level::Baseline, Vec::new()),
            (Level::Restricted, Vec::new()),
        ]);
    }
    Validation {
        findings,
        pod_security,
    }
}

/// Removes every field of `job` the API server does not know, as a create without
/// `fieldValidation` (the launcher's) drops it: what is stored, and what the Pod is made from,
/// never has it. Returns the removed fields' paths, spelt as findings spell them.
pub fn drop_unknown_fields(job: &mut Value) -> Vec<String> {
    let decoded: Decoded<Job> = decode::decode_job(job);
    let mut removed = Vec::new();
    for segs in &decoded.unknown {
        if remove_at(job, segs) {
            removed.push(decode::render(segs));
        }
    }
    removed
}

/// Removes the object key at `segs`; false when the path does not lead to one.
fn remove_at(value: &mut Value, segs: &[decode::Seg]) -> bool {
    let Some((decode::Seg::Key(last), parents)) = segs.split_last() else {
        return false;
    };
    let mut cur = value;
    for seg in parents {
        let next = match (seg, cur) {
            (decode::Seg::Key(k), Value::Object(map)) => map.get_mut(k),
            (decode::Seg::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        };
        let Some(next) = next else {
            return false;
        };
        cur = next;
    }
    cur.as_object_mut()
        .is_some_and(|map| map.remove(last).is_some())
}

impl Finding {
    /// The finding as one line, as every command prints it (`jjo lint`'s line, `jjo test`'s
    /// failure detail, `jjo diff`): `<file:line:col>: <message> (at `<path>`) [<id>]
    /// (hint: ...)`, a dropped field saying what that means.
    pub fn line(&self) -> String {
        let mut line = self.head();
        if let Some(hint) = &self.hint {
            line.push_str(&format!(" (hint: {hint})"));
        }
        line
    }

    /// [`Finding::line`] without the hint, which `jjo lint` prints on a line of its own.
    pub fn head(&self) -> String {
        crate::location::finding_line(
            self.span.as_ref(),
            &self.message(),
            Some(&self.path),
            self.rule,
        )
    }

    /// The message, a dropped field's saying that the override has no effect.
    pub fn message(&self) -> String {
        if self.severity == Severity::Dropped {
            format!("{}: {DROPPED}", self.message)
        } else {
            self.message.clone()
        }
    }

    /// Whether a case's `reason:` names this finding: its rule id, or text (any case) in its
    /// message, path, check or hint.
    pub fn matches(&self, reason: &str) -> bool {
        let reason = reason.to_lowercase();
        let has = |text: &str| text.to_lowercase().contains(&reason);
        crate::diag::id_matches(&reason, self.rule)
            || has(&self.message)
            || has(&self.path)
            || has(&self.check)
            || self.hint.as_deref().is_some_and(has)
    }
}

impl Validation {
    /// The highest Pod Security level the Job's Pods meet (`None` when none does).
    pub fn highest_level(&self) -> Option<Level> {
        let mut level = None;
        for (l, failed) in &self.pod_security {
            if !failed.is_empty() {
                break;
            }
            level = Some(*l);
        }
        level
    }

    /// The fields the API server would drop from the Job (unknown fields).
    pub fn dropped(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Dropped)
    }

    /// Whether the API server would create the Job and its Pods (admission aside): no error finding.
    pub fn accepted(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Whether the Job's Pods would be admitted in a namespace enforcing `level`.
    pub fn admitted_at(&self, level: Level) -> bool {
        self.pod_security
            .iter()
            .filter(|(l, _)| *l == level)
            .all(|(_, found)| found.is_empty())
    }
}

impl Level {
    /// The name used in `pod-security.kubernetes.io/enforce` labels and check names.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// Whether `path` is one of `prefixes` or lies inside one of them.
fn is_under_any(path: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| {
        path == p
            || (path.starts_with(p.as_str())
                && matches!(path.as_bytes().get(p.len()), Some(b'.') | Some(b'[')))
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// The clean launcher-like Job of the brief.
    fn clean() -> Value {
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"generateName": "rstudio-session-"},
            "spec": {"template": {"spec": {
                "restartPolicy": "Never",
                "containers": [{
                    "name": "rs-launcher-container",
                    "image": "rstudio/r-session-complete:jammy-2024.12.0",
                    "command": ["/usr/lib/rstudio-server/bin/rserver-launcher"],
                    "resources": {"limits": {"cpu": "1", "memory": "2Gi"}},
                    "volumeMounts": []
                }],
                "volumes": []
            }}}
        })
    }

    fn level(v: &Validation, l: Level) -> &[Finding] {
        v.pod_security
            .iter()
            .find(|(x, _)| *x == l)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default()
    }

    #[test]
    fn clean_job_is_accepted_and_admitted_at_baseline() {
        let v = validate(&clean());
        assert_eq!(v.findings, []);
        assert!(v.accepted());
        let levels: Vec<Level> = v.pod_security.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            levels,
            [Level::Privileged, Level::Baseline, Level::Restricted]
        );
        assert!(v.admitted_at(Level::Privileged));
        assert!(v.admitted_at(Level::Baseline));
        // A plain session container is not hardened enough for restricted.
        assert!(!v.admitted_at(Level::Restricted));
        assert!(
            level(&v, Level::Restricted)
                .iter()
                .all(|f| f.check == "pod-security:restricted")
        );
    }

    #[test]
    fn misspelt_privileged_is_dropped_with_did_you_mean() {
        let mut job = clean();
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
            json!({"priviliged": true});
        let v = validate(&job);
        assert_eq!(v.findings.len(), 1, "{:#?}", v.findings);
        let f = &v.findings[0];
        // The launcher posts without `fieldValidation`: the server drops the field, not the Job.
        assert_eq!(
            (f.severity, f.rule, f.check.as_str()),
            (Severity::Dropped, UNKNOWN_FIELD, "schema")
        );
        assert!(v.accepted());
        assert_eq!(
            f.path,
            "spec.template.spec.containers[0].securityContext.priviliged"
        );
        assert_eq!(f.hint.as_deref(), Some("did you mean `privileged`?"));
        // The misspelt field is dropped, so nothing is privileged.
        assert!(v.admitted_at(Level::Baseline));
    }

    #[test]
    fn unknown_fields_are_removed_as_the_server_drops_them() {
        let mut job = clean();
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
            json!({"priviliged": true, "runAsUser": 1000});
        job["spec"]["template"]["spec"]["operater"] = json!("x");
        job["metadata"]["labelz"] = json!({"a": "b"});
        let removed = drop_unknown_fields(&mut job);
        assert_eq!(
            removed,
            [
                "metadata.labelz",
                "spec.template.spec.containers[0].securityContext.priviliged",
                "spec.template.spec.operater",
            ]
        );
        assert_eq!(
            job["spec"]["template"]["spec"]["containers"][0]["securityContext"],
            json!({"runAsUser": 1000})
        );
        assert!(job["spec"]["template"]["spec"].get("operater").is_none());
        assert!(job["metadata"].get("labelz").is_none());
        assert_eq!(validate(&job).findings, []);
    }

    #[test]
    fn privileged_fails_baseline_but_not_privileged() {
        let mut job = clean();
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
            json!({"privileged": true});
        let v = validate(&job);
        assert_eq!(v.findings, []);
        assert!(v.admitted_at(Level::Privileged));
        let base = level(&v, Level::Baseline);
        assert_eq!(base.len(), 1, "{base:#?}");
        assert_eq!(
            base[0].path,
            "spec.template.spec.containers[0].securityContext.privileged"
        );
        assert_eq!(
            base[0].message,
            "privileged (container `rs-launcher-container` must not set securityContext.privileged=true)"
        );
        assert!(
            level(&v, Level::Restricted)
                .iter()
                .any(|f| f.check == "pod-security:baseline")
        );
    }

    #[test]
    fn dash_volumes_object_is_reported_once() {
        let mut job = clean();
        job["spec"]["template"]["spec"]["volumes"] = json!({"-": {"name": "home", "emptyDir": {}}});
        job["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "home", "mountPath": "/home"}]);
        let v = validate(&job);
        // The mount of the unreadable volume is not misreported as naming no volume.
        assert_eq!(v.findings.len(), 1, "{:#?}", v.findings);
        assert_eq!(v.findings[0].path, "spec.template.spec.volumes");
        assert!(
            v.findings[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("`{\"-\": ...}`")
        );
    }

    #[test]
    fn api_version_and_kind_required() {
        let mut job = clean();
        job["apiVersion"] = json!("v1");
        job.as_object_mut().map(|m| m.remove("kind"));
        let v = validate(&job);
        let got: Vec<(&str, &str)> = v
            .findings
            .iter()
            .map(|f| (f.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("apiVersion", "`apiVersion` must be `batch/v1`, not `v1`"),
                ("kind", "`kind` is required")
            ]
        );
    }

    #[test]
    fn findings_and_differences_spell_a_path_alike() {
        let mut job = clean();
        job["spec"]["template"]["metadata"] = json!({"labels": {"a/b/c": "x"}});
        let v = validate(&job);
        let finding = v
            .findings
            .iter()
            .find(|f| f.rule == "label")
            .expect("`a/b/c` is not a label key");
        let mut changed = job.clone();
        changed["spec"]["template"]["metadata"]["labels"]["a/b/c"] = json!("y");
        let opts = crate::compare::Options {
            mode: crate::compare::Mode::Exact,
            lists: crate::compare::Lists::Positional,
        };
        let diffs = crate::compare::compare(&job, &changed, opts).expect("compares");
        assert_eq!(diffs[0].path, finding.path);
        assert_eq!(finding.path, r#"spec.template.metadata.labels["a/b/c"]"#);
    }

    #[test]
    fn rule_findings_come_through() {
        let mut job = clean();
        job["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
        let v = validate(&job);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].check, "api");
        assert_eq!(v.findings[0].rule, "restart-policy");
        assert!(!v.accepted());
    }

    #[test]
    fn non_object_job_does_not_panic() {
        let v = validate(&json!("job"));
        assert!(!v.accepted());
        assert_eq!(v.pod_security.len(), 3);
    }

    /// Arbitrary JSON, biased towards Job-shaped keys so decoding goes deep.
    fn arb_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("spec".to_owned()),
            Just("template".to_owned()),
            Just("containers".to_owned()),
            Just("volumes".to_owned()),
            Just("securityContext".to_owned()),
            Just("resources".to_owned()),
            Just("limits".to_owned()),
            Just("ports".to_owned()),
            Just("name".to_owned()),
            Just("metadata".to_owned()),
            Just("labels".to_owned()),
            Just("-".to_owned()),
            "[a-zA-Z]{0,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "[a-zA-Z0-9 ./-]{0,10}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn validate_never_panics(job in arb_json()) {
            let v = validate(&job);
            prop_assert_eq!(v.pod_security.len(), 3);
        }

        #[test]
        fn validate_never_panics_inside_a_job(spec in arb_json()) {
            let mut job = clean();
            job["spec"]["template"]["spec"]["containers"][0]["securityContext"] = spec.clone();
            job["spec"]["template"]["spec"]["volumes"] = spec;
            let _ = validate(&job);
        }
    }
}
