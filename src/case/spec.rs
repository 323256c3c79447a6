//! `case.yaml`: who launches the session, with what, and what the case expects.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::yaml::fields_of;
use crate::compare::Mode;
use crate::session::Session;
use crate::validate::Level;

/// The keys `case.yaml` takes at a place (given as its keys without indexes, `["session",
/// "env"]`), read from the structs' serde fields, for did-you-mean on a typo.
pub(crate) fn known_keys(shape: &[&str]) -> &'static [&'static str] {
    use crate::session::{EnvVar, Mount, Port, RunAs};
    match shape {
        [] => fields_of::<CaseSpec>(),
        ["session"] => fields_of::<Session>(),
        ["session", "env"] => fields_of::<EnvVar>(),
        ["session", "ports"] => fields_of::<Port>(),
        ["session", "run-as"] => fields_of::<RunAs>(),
        ["session", "mounts"] => fields_of::<Mount>(),
        ["checks"] => fields_of::<RuntimeCheck>(),
        ["schedule"] => fields_of::<Schedule>(),
        _ => &[],
    }
}

/// The settings of one case; every key is optional. Unknown keys are errors, found with
/// `serde_ignored` by `case::yaml` (which names the place and a did-you-mean).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct CaseSpec {
    /// The user who launches the session.
    pub user: String,
    /// The user's Unix groups (primary group included).
    pub groups: Vec<String>,
    /// The user is not on the host yet (the next one added to `groups`): with the host's
    /// users and groups, `groups` is taken as given instead of from the host.
    pub new_user: bool,
    /// The launch request.
    pub session: Session,
    /// Absolute path prefixes other than `/etc/rstudio/`, mapped to directories in the case.
    pub paths: BTreeMap<String, String>,
    /// Kubernetes version to predict for (`"1.33"`); default the newest supported.
    pub kubernetes: Option<String>,
    /// Whether `expected-pod.yaml` is the whole Pod or a subset.
    #[serde(rename = "match")]
    pub match_mode: Mode,
    /// The Pod Security level the namespace enforces.
    pub pod_security: Level,
    /// Whether the Job's Pod should be admitted.
    pub expect: Expect,
    /// With `expect: rejected` (or `dropped`): text the refusal (or the dropped field's
    /// finding) must contain, or the id of the rule that found it.
    pub reason: Option<String>,
    /// Unknown profile keys are warnings, not errors (for newer launchers).
    pub allow_unknown_keys: bool,
    /// Objects applied into a live namespace before the Job (e.g. a ConfigMap).
    pub setup: Vec<Value>,
    /// Commands run in the session container on a live cluster, once it is Running.
    pub checks: Vec<RuntimeCheck>,
    /// A Helm values file (relative to the case) that replaces the profiles file and override
    /// files with what Posit's chart renders from it.
    pub helm_values: Option<String>,
    /// The Helm release name the chart's own names derive from (default `rstudio-workbench`).
    pub helm_release: Option<String>,
    /// Where the session must land on the cluster's nodes (`nodes.yaml`), or that it must not.
    pub schedule: Option<Schedule>,
}

/// `schedule:`: what must hold when the Pod is scheduled on the case's nodes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Schedule {
    /// Labels every node the Pod may land on carries (`pool: gpu`).
    pub on: BTreeMap<String, String>,
    /// The Pod must fit no node.
    pub unschedulable: bool,
    /// With `unschedulable: true`: text the scheduler's message must contain.
    pub reason: Option<String>,
}

impl Default for CaseSpec {
    fn default() -> CaseSpec {
        CaseSpec {
            user: "rstudio-user".into(),
            groups: Vec::new(),
            new_user: false,
            session: Session::default(),
            paths: BTreeMap::new(),
            kubernetes: None,
            match_mode: Mode::Subset,
            pod_security: Level::Privileged,
            expect: Expect::Admitted,
            reason: None,
            allow_unknown_keys: false,
            setup: Vec::new(),
            checks: Vec::new(),
            helm_values: None,
            helm_release: None,
            schedule: None,
        }
    }
}

/// The outcome a case expects from the API server and admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The Job is created and its Pod admitted.
    #[default]
    Admitted,
    /// The Job or its Pod is refused.
    Rejected,
    /// The Job is created, but the API server drops a field of it (an unknown field: the
    /// launcher posts without `fieldValidation`), so an override has no effect.
    Dropped,
}

/// A command run in the live session container through the exec API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RuntimeCheck {
    /// The command and its arguments (`[cat, /etc/rstudio/rsession.conf]`).
    pub command: Vec<String>,
    /// The container; the first one when absent.
    #[serde(default)]
    pub container: Option<String>,
    /// The exit code that passes (default 0).
    #[serde(default)]
    pub exit_code: i32,
    /// Text standard output must contain.
    #[serde(default)]
    pub stdout_contains: Option<String>,
}
