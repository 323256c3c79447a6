//! Live runs on a Kubernetes cluster: backends that yield a client, and one live case
//! (namespace, strict Job create, watch for the Pod, read back, exec checks, cleanup).
//!
//! Every API call goes through `kube`; this is the only async module. The comparison of the
//! live Pod with the goldens is not done here: [`run_case`] hands the Pod back as JSON.
//!
//! ```text
//! let cluster = backend.connect().await?;   // once per run (backend: `ClusterArgs::backend`)
//! install_interrupt_handler(Duration::from_secs(10));                       // Ctrl-C cleanup
//! let options = LiveOptions { namespace: cluster.namespace.clone(), keep, dry_run, .. };
//! let outcome = run_case(&cluster.client, &LiveCase { name, job, setup, checks, namespace_labels }, &options).await?;
//! match outcome.result { Admitted { pod } => compare(pod, golden), Rejected { reason, message } => …, … }
//! if let Some(inspect) = outcome.cleanup.finish(case_failed).await? { print(inspect) } // --keep
//! gc(&cluster.client, cluster.namespace.as_deref(), None, &RetryPolicy::default()).await?; // jjo gc
//! ```

mod backend;
mod cleanup;
mod exec;
pub mod local;
mod nodes;
mod pki;
mod retry;
mod run;
mod watch;

use std::time::Duration;

use serde_json::{Map, Value};

pub use backend::{Backend, Cluster, KIND_CLUSTER_NAME, KIND_CONTEXT, client_from_config};
pub use cleanup::{Cleanup, CleanupHandle, cleanup_registered, install_interrupt_handler};
pub use nodes::{create_nodes, delete_nodes};
pub use retry::{Op, RetryPolicy};
pub use run::{GcReport, gc, run_case};

/// The label Kubernetes recommends for the tool managing an object; jjo sets it on the
/// namespaces it creates only. The Job keeps the launcher's own value (`launcher`), so
/// admission policies keyed on it behave as in production; jjo finds its objects by
/// [`RUN_ID_LABEL`] instead.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Value of [`MANAGED_BY_LABEL`] on jjo's namespaces.
pub const MANAGED_BY: &str = "jjo";
/// Label with the run id on every object jjo creates (namespaces, setup objects, Jobs):
/// `jjo gc` finds leftovers by this label.
pub const RUN_ID_LABEL: &str = "jjo.dev/run-id";
/// Label with the case name (shortened to a label value).
pub const CASE_LABEL: &str = "jjo.dev/case";
/// Label with a random token unique to one case attempt; lets a retried create recognise
/// an object its earlier, seemingly failed, attempt did create.
pub const TOKEN_LABEL: &str = "jjo.dev/token";

/// The kinds a case's `setup:` may create, as (apiVersion, kind, plural): the Role in
/// `ci/staging.md` grants exactly these, and `jjo gc --namespace` sweeps exactly these
/// (plus Jobs). Anything else is refused before the case starts, with this list.
pub const SETUP_KINDS: &[(&str, &str, &str)] = &[
    ("v1", "ConfigMap", "configmaps"),
    ("v1", "Secret", "secrets"),
    ("v1", "ServiceAccount", "serviceaccounts"),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
];

/// The namespace policies a case's `setup:` may create in a namespace of jjo's own, which
/// goes with them: never with `--namespace`, where they would change the admin's policy
/// (and `ci/staging.md`'s Role does not grant them).
pub const OWN_NAMESPACE_SETUP_KINDS: &[(&str, &str, &str)] = &[
    ("v1", "ResourceQuota", "resourcequotas"),
    ("v1", "LimitRange", "limitranges"),
];

/// One live case: the patched Job, the objects it needs first, and runtime checks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveCase {
    /// The case name; becomes part of the namespace name.
    pub name: String,
    /// The patched Job as the launcher would submit it.
    pub job: Value,
    /// Objects applied into the case namespace before the Job (a ConfigMap, a Secret…).
    pub setup: Vec<Value>,
    /// Commands run in the running container after the Pod is admitted.
    pub checks: Vec<Check>,
    /// Labels for the case's own namespace, e.g. `pod-security.kubernetes.io/enforce`
    /// (ignored in a shared namespace, whose own labels apply).
    pub namespace_labels: Map<String, Value>,
    /// Wait for the scheduler's answer (bound, or unschedulable) before reading the Pod back.
    pub wait_for_scheduling: bool,
}

/// The real scheduler's answer for the case's Pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheduling {
    /// Bound to a node (`spec.nodeName`), with that node's labels.
    Bound {
        /// The node's name.
        node: String,
        /// The node's labels, read back from the API.
        labels: std::collections::BTreeMap<String, String>,
    },
    /// The `PodScheduled` condition is `False` with reason `Unschedulable`.
    Unschedulable {
        /// The scheduler's message (`0/5 nodes are available: ...`).
        message: String,
    },
}

/// A runtime check: a command run in the Pod's container through the exec API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The command and its arguments (no shell unless the command is one).
    pub command: Vec<String>,
    /// The container; the first container when `None`.
    pub container: Option<String>,
    /// The exit code that passes the check.
    pub expect_exit_code: i32,
    /// Text the standard output must contain, if any.
    pub stdout_contains: Option<String>,
}

impl Check {
    /// A check that `command` exits with 0.
    pub fn command<S: Into<String>>(command: impl IntoIterator<Item = S>) -> Check {
        Check {
            command: command.into_iter().map(Into::into).collect(),
            container: None,
            expect_exit_code: 0,
            stdout_contains: None,
        }
    }
}

/// How a live case is run.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveOptions {
    /// Upper bound for the whole case (namespace, Job, Pod, checks); default 60 s.
    pub timeout: Duration,
    /// Only a server-side dry run of the Job create; no Pod is made.
    pub dry_run: bool,
    /// Keep the namespace so a failed case can be inspected; the caller then decides
    /// through [`Cleanup::finish`].
    pub keep: bool,
    /// The run id put on every namespace as [`RUN_ID_LABEL`].
    pub run_id: String,
    /// A namespace to run in instead of a fresh one per case (namespace-scoped rights only);
    /// then the case's objects are labelled and deleted one by one.
    pub namespace: Option<String>,
    /// Retries on 429, 5xx and dropped connections or watches.
    pub retry: RetryPolicy,
    /// Longest stdout/stderr kept from one check.
    pub max_output: usize,
    /// How the API server treats unknown fields in the Job: as the launcher sends it (the
    /// server's default, `Warn`: dropped with a `Warning` header), or refused (`Strict`).
    pub field_validation: FieldValidation,
    /// Upper bound for the Pod to become Running before `checks:` run (image pulls of a
    /// session image take minutes); counted apart from [`LiveOptions::timeout`].
    pub running_timeout: Duration,
    /// Print progress on stderr while waiting for Running.
    pub progress: bool,
    /// Whether the cluster runs containers; without (a local control plane has no kubelet)
    /// `checks:` are reported as not checked at once instead of waiting for Running.
    pub runs_containers: bool,
}

/// The `fieldValidation` of the Job create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// No `fieldValidation` parameter, as the launcher posts the Job: the server applies
    /// its default (`Warn` since Kubernetes 1.27), drops unknown fields and says so in
    /// `Warning` headers, which jjo reports as dropped fields.
    #[default]
    Launcher,
    /// `fieldValidation=Strict`: the server refuses a Job with an unknown field.
    Strict,
}

impl Default for LiveOptions {
    fn default() -> LiveOptions {
        LiveOptions {
            timeout: Duration::from_secs(60),
            dry_run: false,
            keep: false,
            run_id: new_run_id(),
            namespace: None,
            retry: RetryPolicy::default(),
            max_output: 64 * 1024,
            field_validation: FieldValidation::Launcher,
            running_timeout: Duration::from_secs(300),
            progress: false,
            runs_containers: true,
        }
    }
}

/// What happened to the Job on the cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveResult {
    /// The server-side dry run passed; `job` is what the server would have stored.
    DryRun {
        /// The Job the API server returned (defaulted, not persisted).
        job: Value,
    },
    /// The API server refused the Job itself; the reasons are in `findings`.
    Invalid,
    /// The Job's Pod was created; `pod` is the Pod as read back from the server.
    Admitted {
        /// The Pod, as the API server returned it.
        pod: Value,
    },
    /// The Job was stored but its Pod was refused (PodSecurity, missing ServiceAccount,
    /// quota); from the Job's `FailedCreate` event.
    Rejected {
        /// The event reason (`FailedCreate`).
        reason: String,
        /// The event message, e.g. `pods "x" is forbidden: violates PodSecurity …`.
        message: String,
    },
}

/// How serious a finding from the API server is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    /// The server refused the object.
    Error,
    /// The server accepted the object but warned (a `Warning` header).
    Warning,
    /// The server accepted the object without this field: `Warning: unknown field "…"`
    /// (or a duplicate field, of which only the last is kept). In production the
    /// override has no effect.
    Dropped,
}

/// A server-side validation error or warning about the Job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The field path the server named (`spec.template.spec.containers[0].foo`), if any.
    pub field: Option<String>,
    /// The server's reason (`FieldValueInvalid`, `FieldValueUnknown`, …), if any.
    pub reason: Option<String>,
    /// The server's message.
    pub message: String,
}

/// The result of one runtime check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The command that ran.
    pub command: Vec<String>,
    /// The container it ran in.
    pub container: String,
    /// The exit code, when the server reported one.
    pub exit_code: Option<i32>,
    /// Standard output, cut at [`LiveOptions::max_output`].
    pub stdout: String,
    /// Standard error, cut at [`LiveOptions::max_output`].
    pub stderr: String,
    /// Whether the exit code and output matched the check.
    pub passed: bool,
}

/// How long the phases of a live case took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    /// Namespace create (and setup objects).
    pub prepare: Duration,
    /// Job create request.
    pub create_job: Duration,
    /// From the Job create to the Pod (or its refusal) seen on the watch.
    pub create_to_pod: Option<Duration>,
    /// Waiting for Running and running the checks.
    pub checks: Option<Duration>,
    /// The cleanup requests (the namespace itself terminates in the background).
    pub cleanup: Option<Duration>,
    /// How often a watch was restarted after it dropped.
    pub watch_restarts: u32,
}

/// Everything a live case produced.
#[derive(Debug)]
pub struct LiveOutcome {
    /// The namespace the case ran in.
    pub namespace: String,
    /// The Job's name as stored (generated when the Job used `generateName`).
    pub job_name: Option<String>,
    /// Dry run, invalid, admitted with its Pod, or rejected with the reason.
    pub result: LiveResult,
    /// Server-side validation errors and warnings about the Job.
    pub findings: Vec<Finding>,
    /// Results of the runtime checks, in order.
    pub checks: Vec<CheckOutcome>,
    /// Why the case's `checks:` did not run, when they could not (no kubelet).
    pub not_checked: Option<String>,
    /// The scheduler's answer, when [`LiveCase::wait_for_scheduling`] asked for it.
    pub scheduling: Option<Scheduling>,
    /// Phase timings.
    pub timings: Timings,
    /// Whether the case's objects were deleted, or are kept for the caller to decide.
    pub cleanup: Cleanup,
}

/// Errors of live runs; every one names the operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API server refused a call for lack of rights.
    #[error(
        "`{verb}` `{resource}` forbidden{}: {message}",
        namespace.as_deref().map(|n| format!(" in namespace `{n}`")).unwrap_or_default(),
    )]
    Forbidden {
        /// The RBAC verb.
        verb: &'static str,
        /// The RBAC resource.
        resource: String,
        /// The API group (`""` for core).
        group: String,
        /// The namespace, for namespaced calls.
        namespace: Option<String>,
        /// The server's message.
        message: String,
    },
    /// Retries were used up on 429/5xx or broken connections.
    #[error("the API server kept failing on {operation} ({attempts} attempts): {last}")]
    Unavailable {
        /// The operation.
        operation: String,
        /// How many tries were made.
        attempts: u32,
        /// The last error.
        last: String,
    },
    /// Any other API error.
    #[error("{operation} failed: {code} {reason}: {message}")]
    Api {
        /// The operation.
        operation: String,
        /// HTTP status code.
        code: u16,
        /// The server's reason.
        reason: String,
        /// The server's message.
        message: String,
    },
    /// The connection failed in a way that is not worth retrying.
    #[error("{operation} failed: {message}")]
    Transport {
        /// The operation.
        operation: String,
        /// What went wrong.
        message: String,
    },
    /// The case did not finish within its timeout.
    #[error("timed out after {}s while {phase}", after.as_secs_f32())]
    Timeout {
        /// What the case was waiting for.
        phase: String,
        /// The timeout.
        after: Duration,
    },
    /// A setup object or the Job cannot be sent as it is.
    #[error("{what}: {message}")]
    BadObject {
        /// Which object (`setup object 2`, `job`).
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// The Pod ended before it was Running, so checks cannot exec into it.
    #[error(
        "pod `{pod}` reached phase `{phase}` before it was running; checks need a running container"
    )]
    PodNotRunning {
        /// The Pod name.
        pod: String,
        /// Its phase.
        phase: String,
    },
    /// The scheduler cannot place the Pod, so it will never run its checks.
    #[error("pod `{pod}` cannot be scheduled: {message}")]
    Unschedulable {
        /// The Pod name.
        pod: String,
        /// The scheduler's message (`0/3 nodes are available: ...`).
        message: String,
    },
    /// Running a check through the exec API failed.
    #[error("exec of `{command}` in pod `{pod}` failed: {message}")]
    Exec {
        /// The command line.
        command: String,
        /// The Pod name.
        pod: String,
        /// What went wrong.
        message: String,
    },
    /// The case's task panicked; its namespace was still cleaned up.
    #[error("the live case panicked: {message}")]
    Panicked {
        /// The panic message.
        message: String,
    },
    /// A failed case whose namespace was kept (`--keep`).
    // `error`, not `source`: the message shows it, so it must not come back as a cause.
    #[error("{error}\n  kept namespace `{namespace}`; inspect it with:\n{inspect}")]
    Kept {
        /// Why the case failed.
        error: Box<Error>,
        /// The namespace that was kept.
        namespace: String,
        /// Commands to inspect it.
        inspect: String,
    },
    /// A backend could not be set up (kind, kubeconfig, k3s).
    #[error("{backend}: {message}")]
    Backend {
        /// Which backend.
        backend: &'static str,
        /// What went wrong.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
}

impl Error {
    /// What to do about it, when jjo knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Backend { hint, .. } => hint.clone(),
            Error::Kept { error, .. } => error.hint(),
            Error::Forbidden {
                verb,
                resource,
                group,
                namespace,
                ..
            } => Some(format!(
                "grant it with an RBAC rule `apiGroups: [\"{group}\"], resources: [\"{resource}\"], verbs: [\"{verb}\"]`{}",
                if namespace.is_some() {
                    " in a Role bound in that namespace; see ci/staging.md for the minimal Role"
                } else {
                    " in a ClusterRole, or run with `--namespace` and namespace-scoped rights"
                }
            )),
            _ => None,
        }
    }
}

/// A new random run id: 10 lowercase letters and digits.
pub fn new_run_id() -> String {
    random_suffix(10)
}

/// `n` random characters from the API server's name alphabet (no vowels, no look-alikes).
pub(crate) fn random_suffix(n: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(n);
    let mut bits = 0u64;
    for i in 0..n {
        if i % 8 == 0 {
            // RandomState is seeded randomly per process; the counter and clock make each
            // call differ within one process.
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default();
            hasher.write_u64(nanos);
            bits = hasher.finish();
        }
        let index = (bits % ALPHABET.len() as u64) as usize;
        bits /= ALPHABET.len() as u64;
        out.push(char::from(ALPHABET[index]));
    }
    out
}

/// The namespace name for a case: `jjo-<case>-<random>`, a valid DNS label (≤ 63 chars).
pub fn namespace_name(case: &str) -> String {
    let suffix = random_suffix(5);
    format!("jjo-{}-{suffix}", dns_label_part(case, 63 - 4 - 6))
}

/// `text` as lowercase alphanumerics and single dashes, at most `max` chars, no dash at
/// either end; `case` when nothing is left.
pub(crate) fn dns_label_part(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.truncate(max);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "case".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_names_are_dns_labels_with_the_case_name() {
        let long = "A Very/Long case_name ".repeat(10);
        for case in ["gpu-limits", "", "---", long.as_str()] {
            let ns = namespace_name(case);
            assert!(ns.len() <= 63, "{ns}");
            assert!(ns.starts_with("jjo-"), "{ns}");
            assert!(
                ns.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{ns}"
            );
            assert!(!ns.contains("--"), "{ns}");
        }
        assert!(namespace_name("gpu-limits").starts_with("jjo-gpu-limits-"));
    }

    #[test]
    fn random_suffixes_differ() {
        let a = random_suffix(5);
        let b = random_suffix(5);
        assert_eq!(a.len(), 5);
        assert_ne!(a, b);
    }

    #[test]
    fn forbidden_without_namespace_suggests_namespace_scoped_mode() {
        let err = Error::Forbidden {
            verb: "create",
            resource: "namespaces".into(),
            group: String::new(),
            namespace: None,
            message: "no".into(),
        };
        // The hint is the hint's, not the message's: the JSON report and `report::error`
        // show it once, as `hint`.
        assert!(!err.to_string().contains("hint"), "{err}");
        assert!(err.hint().is_some_and(|h| h.contains("--namespace")));
    }
}
