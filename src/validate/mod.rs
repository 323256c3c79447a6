//! Validating a patched Job as the API server would: strict decoding into `k8s_openapi`
//! types, the API server's own rules, and Pod Security admission levels.
//!
//! STUB: the public API below is fixed; the implementation is being written.

use serde_json::Value;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The API server would accept it, but it is probably not meant.
    Warning,
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

/// One problem found in a Job.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
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
}

/// Everything validation found in one Job.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Validation {
    /// Schema and API-server findings (Job creation).
    pub findings: Vec<Finding>,
    /// For each Pod Security level, the checks the Job's Pods would fail (empty: admitted).
    pub pod_security: Vec<(Level, Vec<Finding>)>,
}

/// Validates a patched Job.
pub fn validate(job: &Value) -> Validation {
    let _ = job;
    todo!("validate::validate")
}
