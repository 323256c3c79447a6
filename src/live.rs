//! Running cases on a cluster and judging the live result: the bridge between the offline
//! pipeline (case, render, compare) and `cluster` (which only talks to the API server).
//!
//! A [`Runner`] owns the async runtime and the connected cluster for a whole run, so that the
//! CLI and the cargo test harness share one cluster across all cases (and threads).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use serde_json::Value;

use crate::case::{Case, Expect};
use crate::cluster::{self, Backend, Cluster, LiveCase, LiveOptions, LiveOutcome, LiveResult};
use crate::compare::{self, Lists, Mode};
use crate::diag::Warning;
use crate::error::Error;
use crate::failure::{FailedCheck, Failure, ServerFinding};
use crate::pipeline::{self, LiveRun, Phases, Prepared, Status};
use crate::validate::{Finding, Validation};

/// A connected cluster and the runtime its calls run on.
pub struct Runner {
    runtime: tokio::runtime::Runtime,
    cluster: Cluster,
    options: LiveOptions,
    /// The backend, when it can start a cluster per Kubernetes version (`--cluster local`
    /// without `--kubernetes`): a case's `kubernetes:` then gets a control plane of its own.
    per_version: Option<Backend>,
    /// Those control planes, started on first use and shared by the cases of that minor.
    others: Mutex<BTreeMap<u8, Arc<Slot>>>,
    /// Nodes are cluster-wide: a case that creates its `nodes.yaml` on a local control plane
    /// runs alone (write), every other case alongside the others (read).
    nodes: RwLock<()>,
}

/// A control plane started on first use, or why it could not start.
type Slot = OnceLock<Result<Cluster, String>>;

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("cluster", &self.cluster)
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// Connects to `backend` once for the run and installs the Ctrl-C cleanup handler.
    pub fn connect(backend: &Backend, mut options: LiveOptions) -> Result<Runner, Error> {
        let runtime = runtime()?;
        // Before connecting: a Ctrl-C while a local control plane starts stops it too.
        runtime.spawn(async { cluster::install_interrupt_handler(Duration::from_secs(10)).await });
        let (backend, per_version) = match backend {
            // The default is the version jjo predicts for by default; a case's
            // `kubernetes:` gets its own.
            Backend::Local { minor: None, cache } => (
                &Backend::Local {
                    minor: Some(crate::predict::Version::NEWEST.minor),
                    cache: cache.clone(),
                },
                Some(backend.clone()),
            ),
            other => (other, None),
        };
        let cluster = runtime.block_on(backend.connect()).map_err(cluster_error)?;
        options.namespace = options.namespace.or_else(|| cluster.namespace.clone());
        Ok(Runner {
            runtime,
            cluster,
            options,
            per_version,
            others: Mutex::new(BTreeMap::new()),
            nodes: RwLock::new(()),
        })
    }

    /// The cluster of the run (for a local control plane: the default one).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The minor of a cluster: the one it emulates, else its `/version`'s.
    fn minor_of(cluster: &Cluster) -> Option<u8> {
        cluster.emulated.or_else(|| {
            cluster
                .version
                .as_deref()
                .and_then(cluster::local::parse_minor)
        })
    }

    /// The control plane for a case that names another Kubernetes minor than the default
    /// one, when the backend starts one per version; `None`: the default cluster.
    fn other_cluster(&self, case: &Case) -> Option<Arc<Slot>> {
        let Backend::Local { cache, .. } = self.per_version.as_ref()? else {
            return None;
        };
        let wanted = case
            .spec
            .kubernetes
            .as_deref()
            .and_then(cluster::local::parse_minor)?;
        if Self::minor_of(&self.cluster) == Some(wanted) {
            return None;
        }
        let slot = Arc::clone(
            self.others
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(wanted)
                .or_default(),
        );
        slot.get_or_init(|| {
            let backend = Backend::Local {
                minor: Some(wanted),
                cache: cache.clone(),
            };
            self.runtime
                .block_on(backend.connect())
                .map_err(|e| match e.hint() {
                    Some(hint) => format!("{e}\n  hint: {hint}"),
                    None => e.to_string(),
                })
        });
        Some(slot)
    }

    /// Builds a runner on an existing client (tests against an API double, embedding);
    /// reads the server's `/version` so predictions are for that version.
    pub fn with_client(
        runtime: tokio::runtime::Runtime,
        mut cluster: Cluster,
        options: LiveOptions,
    ) -> Runner {
        runtime.block_on(cluster.fetch_version());
        Runner {
            runtime,
            cluster,
            options,
            per_version: None,
            others: Mutex::new(BTreeMap::new()),
            nodes: RwLock::new(()),
        }
    }

    /// The Kubernetes version to predict for on this cluster: the minor it emulates, else
    /// its `/version`, clamped to the versions jjo knows (with a warning when it had to), or
    /// the case's own when the server did not say.
    pub fn version(&self, case: &Case) -> (crate::predict::Version, Option<Warning>) {
        cluster_version(&self.cluster, case.version)
    }

    /// Runs one prepared case live and judges it; warnings carry the prediction drift. A
    /// failed case keeps the logs of a local control plane.
    pub fn run(&self, prepared: &Prepared) -> LiveRun {
        let slot = self.other_cluster(prepared.case());
        let cluster = match slot.as_deref().map(|s| s.get()) {
            None => &self.cluster,
            Some(Some(Ok(cluster))) => cluster,
            Some(Some(Err(message))) => {
                let error = Error::Cluster(Box::new(cluster::Error::Backend {
                    backend: "local",
                    message: message.clone(),
                    hint: None,
                }));
                return (Err(error), Vec::new(), Phases::new());
            }
            Some(None) => {
                let error = Error::Internal {
                    what: "the control plane for this case's version was not started".into(),
                };
                return (Err(error), Vec::new(), Phases::new());
            }
        };
        let result = self.run_on(cluster, prepared);
        if !matches!(result.0, Ok(Status::Passed))
            && let Some(plane) = &cluster.local
        {
            plane.keep_logs();
        }
        result
    }

    fn run_on(&self, cluster: &Cluster, prepared: &Prepared) -> LiveRun {
        // Drift is the live Pod against the prediction for this cluster's version: the
        // offline one when the cluster runs the case's version, else made for this one.
        let (version, version_warning) = cluster_version(cluster, prepared.case().version);
        let prepared = prepared.for_version(version);
        let (case, rendered) = (prepared.case(), prepared.rendered());
        let live = LiveCase {
            name: case.name.clone(),
            job: rendered.patched.job.clone(),
            setup: case.setup.clone(),
            checks: case
                .spec
                .checks
                .iter()
                .map(|c| cluster::Check {
                    command: c.command.clone(),
                    container: c.container.clone(),
                    expect_exit_code: c.exit_code,
                    stdout_contains: c.stdout_contains.clone(),
                })
                .collect(),
            // The case's Pod Security level is the namespace's, as on a cluster where
            // Workbench sessions run in a namespace that enforces it.
            namespace_labels: [(
                "pod-security.kubernetes.io/enforce".to_string(),
                Value::String(case.spec.pod_security.as_str().to_string()),
            )]
            .into_iter()
            .collect(),
            // The scheduler's answer: on the case's nodes (created below), or on a real
            // cluster's own nodes when the case says where it must land.
            wait_for_scheduling: case.nodes.is_some()
                || (cluster.local.is_none() && case.spec.schedule.is_some()),
        };
        let options = LiveOptions {
            runs_containers: cluster.runs_containers,
            ..self.options.clone()
        };
        // Only on a control plane jjo started: kind and staging have their own nodes, and
        // jjo never adds any there.
        let nodes = case.nodes.as_ref().filter(|_| cluster.local.is_some());
        let _alone = nodes.map(|_| self.nodes.write().unwrap_or_else(|p| p.into_inner()));
        let _alongside = nodes
            .is_none()
            .then(|| self.nodes.read().unwrap_or_else(|p| p.into_inner()));
        self.runtime.block_on(async {
            let created = match nodes {
                None => Vec::new(),
                Some(nodes) => {
                    let made = cluster::create_nodes(
                        &cluster.client,
                        &nodes.objects,
                        &options.run_id,
                        &options.retry,
                    )
                    .await;
                    match made {
                        Ok(names) => names,
                        Err(e) => return (Err(cluster_error(e)), Vec::new(), Phases::new()),
                    }
                }
            };
            let mut result = self
                .judged(cluster, &prepared, &live, &options, nodes.is_some())
                .await;
            result.1.extend(version_warning);
            if created.is_empty() {
                return result;
            }
            match cluster::delete_nodes(&cluster.client, &created, &options.retry).await {
                Ok(()) => result,
                Err(e) => (Err(cluster_error(e)), result.1, result.2),
            }
        })
    }

    /// One live case, judged, with its namespace cleaned up (or kept).
    async fn judged(
        &self,
        cluster: &Cluster,
        prepared: &Prepared,
        live: &LiveCase,
        options: &LiveOptions,
        on_case_nodes: bool,
    ) -> LiveRun {
        {
            let outcome = match cluster::run_case(&cluster.client, live, options).await {
                Ok(outcome) => outcome,
                Err(e) => return (Err(cluster_error(e)), Vec::new(), Phases::new()),
            };
            let compare_start = std::time::Instant::now();
            let emulated = cluster.emulated.is_some();
            let (mut status, warnings) = judge_on(prepared, &outcome, emulated, on_case_nodes);
            let mut phases = phases(&outcome.timings);
            phases.push(("compare", compare_start.elapsed()));
            let failed = matches!(status, Status::Failed(_));
            match outcome.cleanup.finish(failed).await {
                Ok(Some(inspect)) => {
                    if let Status::Failed(failure) = status {
                        status = Status::Failed(Failure::Kept {
                            namespace: outcome.namespace.clone(),
                            inspect: inspect.lines().map(str::to_owned).collect(),
                            failure: Box::new(failure),
                        });
                    }
                }
                Ok(None) => {}
                Err(e) => return (Err(cluster_error(e)), warnings, phases),
            }
            (Ok(status), warnings, phases)
        }
    }
}

/// The version to predict for on `cluster`: the minor it emulates, else its `/version`.
fn cluster_version(
    cluster: &Cluster,
    case: crate::predict::Version,
) -> (crate::predict::Version, Option<Warning>) {
    match cluster.emulated {
        Some(minor) => version_for(Some(&format!("v1.{minor}.0")), case),
        None => version_for(cluster.version.as_deref(), case),
    }
}

/// The version to predict for from the server's `gitVersion` (`v1.33.1`, `v1.31.4+k3s1`).
fn version_for(
    server: Option<&str>,
    case: crate::predict::Version,
) -> (crate::predict::Version, Option<Warning>) {
    use crate::predict::Version;
    let Some(server) = server else {
        return (case, None);
    };
    let numeric = server
        .trim_start_matches('v')
        .split(['.', '+', '-'])
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    if let Ok(version) = Version::parse(&numeric) {
        return (version, None);
    }
    let minor: Option<u8> = numeric.split('.').nth(1).and_then(|m| m.parse().ok());
    let nearest = match minor {
        Some(m) if m < Version::OLDEST.minor => Version::OLDEST,
        _ => Version::NEWEST,
    };
    (
        nearest,
        Some(
            Warning::new("unknown-version", format!(
                "the cluster runs Kubernetes `{server}`, which jjo does not know; predicting for {nearest}"
            ))
            .hint("prediction drift may be the version difference"),
        ),
    )
}

/// The live run's phases, named for the JSON report.
fn phases(t: &cluster::Timings) -> Phases {
    let mut out = vec![("prepare", t.prepare), ("create-job", t.create_job)];
    out.extend(t.create_to_pod.map(|d| ("create-to-pod", d)));
    out.extend(t.checks.map(|d| ("checks", d)));
    out.extend(t.cleanup.map(|d| ("cleanup", d)));
    out
}

/// The async runtime every live command runs its API calls on.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal {
            what: format!("cannot start the async runtime: {e}"),
        })
}

fn cluster_error(e: cluster::Error) -> Error {
    Error::Cluster(Box::new(e))
}

/// Judges a live outcome against the case: the expected refusal, the live Pod against
/// `expected-pod.yaml`, the runtime checks; and the live Pod against the prediction (drift,
/// reported as warnings so that the predictor can be trusted and fixed).
pub fn judge(prepared: &Prepared, outcome: &LiveOutcome) -> (Status, Vec<Warning>) {
    judge_on(prepared, outcome, false, false)
}

/// [`judge`] on a server that may be emulating an older minor (`--emulated-version`):
/// emulation gates APIs and features but keeps the binary's own Pod bookkeeping, so
/// `metadata.generation` (set by 1.33+ servers only) is not held against an exact golden
/// of an older minor there.
///
/// `on_case_nodes`: the cluster's nodes are the case's own `nodes.yaml` (created on a local
/// control plane), so the scheduler's answer is also held against jjo's offline placement.
fn judge_on(
    prepared: &Prepared,
    outcome: &LiveOutcome,
    emulated: bool,
    on_case_nodes: bool,
) -> (Status, Vec<Warning>) {
    let case = prepared.case();
    let mut warnings: Vec<Warning> = outcome
        .findings
        .iter()
        .filter(|f| f.severity == cluster::Severity::Warning)
        .map(|f| Warning::new("api-warning", format!("API server warning: {}", f.message)))
        .collect();
    let offline = prepared.validation();
    let refusal: Option<Vec<ServerFinding>> = match &outcome.result {
        LiveResult::Invalid => Some(
            outcome
                .findings
                .iter()
                .filter(|f| f.severity == cluster::Severity::Error)
                .map(|f| server_finding(f, offline))
                .collect(),
        ),
        LiveResult::Rejected { reason, message } => Some(vec![ServerFinding {
            field: None,
            message: format!("{reason}: {message}"),
            hint: None,
        }]),
        // A dry run makes no Pod: Pod Security's verdict on the Pod is only its warning on
        // the Job (`would violate PodSecurity "baseline:latest": …`).
        LiveResult::DryRun { .. } if case.spec.expect == Expect::Rejected => {
            let would: Vec<ServerFinding> = outcome
                .findings
                .iter()
                .filter(|f| f.message.starts_with("would violate PodSecurity"))
                .map(|f| server_finding(f, offline))
                .collect();
            (!would.is_empty()).then_some(would)
        }
        LiveResult::DryRun { .. } | LiveResult::Admitted { .. } => None,
    };
    if case.spec.expect == Expect::Rejected
        && refusal.is_none()
        && matches!(outcome.result, LiveResult::DryRun { .. })
    {
        // Whatever else would refuse the Pod (a missing ServiceAccount, a quota) only shows
        // when a Pod is made: not checked, never failed.
        warnings.push(
            Warning::new(
                "not-checked",
                "not checked: a dry run makes no Pod, so the expected refusal of the Pod cannot be seen",
            )
            .hint("run without `--dry-run` to check it"),
        );
        return (Status::Passed, warnings);
    }
    match case.spec.expect {
        Expect::Dropped => {
            if let Some(failure) = judge_dropped(case, outcome, offline, refusal.as_deref()) {
                return (Status::Failed(failure), warnings);
            }
            if outcome.result == LiveResult::Invalid {
                // A strict create refuses what a plain one drops: the refusal is the evidence.
                return (Status::Passed, warnings);
            }
        }
        Expect::Rejected => {
            let status = match refusal {
                Some(found) if mentions(&found, case.spec.reason.as_deref()) => Status::Passed,
                Some(found) => Status::Failed(Failure::LiveRefusedOtherwise { findings: found }),
                None => Status::Failed(Failure::LiveNotRefused),
            };
            return (status, warnings);
        }
        Expect::Admitted => {}
    }
    if let Some(found) = refusal {
        let failure = Failure::LiveRefused {
            expected: case.spec.expect,
            findings: found,
        };
        return (Status::Failed(failure), warnings);
    }
    // The launcher posts without `fieldValidation`: an unknown field is dropped, and the
    // session starts without it.
    if case.spec.expect == Expect::Admitted {
        let dropped: Vec<ServerFinding> = outcome
            .findings
            .iter()
            .filter(|f| f.severity == cluster::Severity::Dropped)
            .map(|f| server_finding(f, offline))
            .collect();
        if !dropped.is_empty() {
            return (
                Status::Failed(Failure::LiveDropped { findings: dropped }),
                warnings,
            );
        }
    }
    let LiveResult::Admitted { pod } = &outcome.result else {
        // A dry run has no Pod: the server accepting the Job is the whole check.
        return (Status::Passed, warnings);
    };
    if let Some(why) = &outcome.not_checked {
        let n = case.spec.checks.len();
        warnings.push(
            Warning::new(
                "not-checked",
                format!(
                    "not checked: {why}, so the {n} command{} of `checks:` did not run",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .hint(
                "run the case on a cluster with nodes (`--cluster kind`, or staging) to run them",
            ),
        );
    }
    warnings.extend(drift(prepared, pod));
    if let Some(scheduling) = &outcome.scheduling {
        let placement = prepared.placement().ok().flatten();
        if on_case_nodes && let Some(placement) = placement {
            warnings.extend(schedule_drift(placement, scheduling));
        }
        let hints = placement.map(|p| p.hints.clone()).unwrap_or_default();
        if let Some(failure) = live_schedule(case, scheduling, &hints) {
            return (Status::Failed(failure), warnings);
        }
    }
    let mut differences = Vec::new();
    let mut golden_error = None;
    if let Some(golden) = &case.expected_pod {
        let opts = compare::Options {
            mode: case.spec.match_mode,
            lists: Lists::MergeKeys,
        };
        let (expected, actual) = match case.spec.match_mode {
            Mode::Exact => without_bookkeeping(&golden.value, pod, emulated),
            Mode::Subset => (golden.value.clone(), pod.clone()),
        };
        match compare::compare(&expected, &actual, opts) {
            Ok(diffs) => differences = pipeline::golden_differences(golden, diffs),
            Err(e) => golden_error = Some(format!("{}: {e}", golden.path.display())),
        }
    }
    let checks: Vec<FailedCheck> = outcome
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| FailedCheck {
            command: c.command.clone(),
            container: c.container.clone(),
            exit_code: c.exit_code,
            stdout: c.stdout.clone(),
            stderr: c.stderr.clone(),
        })
        .collect();
    if differences.is_empty() && golden_error.is_none() && checks.is_empty() {
        return (Status::Passed, warnings);
    }
    let failure = Failure::LivePodDiffers {
        differences,
        golden_error,
        checks,
        case: pipeline::case_ref(case),
    };
    (Status::Failed(failure), warnings)
}

/// The scheduler's answer against `schedule:` (without one: placed somewhere). A `reason:`
/// may be in the scheduler's message or in jjo's did-you-mean for a label key no node has
/// (`hints`, from the offline placement), as offline.
fn live_schedule(
    case: &Case,
    scheduling: &cluster::Scheduling,
    hints: &[String],
) -> Option<Failure> {
    use crate::failure::LiveScheduling;
    let expected = case.spec.schedule.clone().unwrap_or_default();
    let live = match scheduling {
        cluster::Scheduling::Bound { node, labels } => {
            let on_it = expected.on.iter().all(|(k, v)| labels.get(k) == Some(v));
            if on_it && !expected.unschedulable {
                return None;
            }
            LiveScheduling::Bound {
                node: node.clone(),
                labels: labels.clone(),
            }
        }
        cluster::Scheduling::Unschedulable { message } => {
            if expected.unschedulable {
                let reason = expected
                    .reason
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase();
                let said = std::iter::once(message)
                    .chain(hints)
                    .any(|text| text.to_lowercase().contains(&reason));
                if said {
                    return None;
                }
            }
            LiveScheduling::Unschedulable {
                message: message.clone(),
            }
        }
    };
    Some(Failure::LiveSchedule { expected, live })
}

/// Where the real scheduler's answer on the case's own nodes differs from jjo's offline
/// placement: prediction drift, as for Pod fields. Nothing is claimed where jjo's placement
/// is undecided (a filter it does not model).
fn schedule_drift(
    placement: &crate::schedule::Placement,
    live: &cluster::Scheduling,
) -> Vec<Warning> {
    use crate::schedule::Verdict;
    let predicted = placement.message();
    let problem = match (placement.verdict(), live) {
        (Verdict::Undecided, _) => None,
        (Verdict::Fits, cluster::Scheduling::Bound { node, .. }) => {
            (!placement.fits.iter().any(|n| n == node)).then(|| {
                format!(
                    "the scheduler bound the Pod to node `{node}`, which jjo's placement rejects ({predicted})"
                )
            })
        }
        (Verdict::Unschedulable, cluster::Scheduling::Bound { node, .. }) => Some(format!(
            "the scheduler bound the Pod to node `{node}`; jjo predicted it fits no node ({predicted})"
        )),
        (Verdict::Fits, cluster::Scheduling::Unschedulable { message }) => Some(format!(
            "the scheduler cannot place the Pod ({message}); jjo predicted it fits {}",
            placement.fits.join(", ")
        )),
        // The scheduler's summary goes on with its preemption part, which jjo leaves out.
        (Verdict::Unschedulable, cluster::Scheduling::Unschedulable { message }) => {
            (!message.starts_with(predicted.trim_end_matches('.'))).then(|| {
                format!("the scheduler says `{message}`; jjo predicted `{predicted}`")
            })
        }
    };
    problem
        .map(|p| {
            Warning::new(
                "prediction-drift",
                format!("prediction drift: scheduling: {p}"),
            )
            .hint("the predictor differs from this cluster here; please report it")
        })
        .into_iter()
        .collect()
}

/// A server finding about the Job, with jjo's did-you-mean when offline validation found the
/// same field.
fn server_finding(f: &cluster::Finding, offline: &Validation) -> ServerFinding {
    ServerFinding {
        field: f.field.clone(),
        message: f.message.clone(),
        hint: f
            .field
            .as_deref()
            .and_then(|field| offline_hint(offline, field))
            .map(str::to_owned),
    }
}

/// Whether any of the server's findings, as a line, holds a case's `reason:` (text the
/// server's message must contain, in any letter case; without one any finding will do).
fn mentions(found: &[ServerFinding], reason: Option<&str>) -> bool {
    let wanted = reason.unwrap_or_default().to_lowercase();
    found
        .iter()
        .any(|f| f.line().to_lowercase().contains(&wanted))
}

/// Whether a server finding is about an unknown field (refused by a strict create, dropped
/// with a `Warning` header by a plain one).
fn is_unknown_field(f: &cluster::Finding) -> bool {
    f.reason.as_deref() == Some("FieldValueUnknown") || f.message.starts_with("unknown field")
}

/// Judges `expect: dropped`: the server must have found an unknown field (matching `reason:`)
/// and nothing else that refuses the Job. `None` when that holds.
fn judge_dropped(
    case: &Case,
    outcome: &LiveOutcome,
    offline: &Validation,
    refusal: Option<&[ServerFinding]>,
) -> Option<Failure> {
    let refused_otherwise = match &outcome.result {
        LiveResult::Invalid => !outcome
            .findings
            .iter()
            .filter(|f| f.severity == cluster::Severity::Error)
            .all(is_unknown_field),
        LiveResult::Rejected { .. } => true,
        LiveResult::DryRun { .. } | LiveResult::Admitted { .. } => false,
    };
    if refused_otherwise {
        return Some(Failure::LiveRefused {
            expected: Expect::Dropped,
            findings: refusal.unwrap_or_default().to_vec(),
        });
    }
    let evidence: Vec<ServerFinding> = outcome
        .findings
        .iter()
        .filter(|f| is_unknown_field(f))
        .map(|f| server_finding(f, offline))
        .collect();
    if evidence.is_empty() {
        return Some(Failure::LiveNotDropped);
    }
    if !mentions(&evidence, case.spec.reason.as_deref()) {
        return Some(Failure::LiveDroppedOtherwise { findings: evidence });
    }
    None
}

/// The live Pod's server bookkeeping, which an exact `expected-pod.yaml` cannot pin: it
/// depends on timing, not on the Job. Dropped before an exact live comparison (README, "On a
/// real cluster"): `metadata.managedFields`, `metadata.deletionTimestamp` and
/// `metadata.deletionGracePeriodSeconds` (the Pod may be going), `spec.nodeName` unless the
/// golden sets one (the scheduler's choice), and `status` on both sides (the kubelet's,
/// changing by the second).
fn without_bookkeeping(golden: &Value, pod: &Value, emulated: bool) -> (Value, Value) {
    let (mut golden, mut pod) = (golden.clone(), pod.clone());
    if emulated
        && golden.pointer("/metadata/generation").is_none()
        && let Some(metadata) = pod.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.remove("generation");
    }
    if let Some(metadata) = pod.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "managedFields",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            metadata.remove(key);
        }
    }
    if golden.pointer("/spec/nodeName").is_none()
        && let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut)
    {
        spec.remove("nodeName");
    }
    for object in [&mut golden, &mut pod] {
        if let Some(map) = object.as_object_mut() {
            map.remove("status");
        }
    }
    (golden, pod)
}

/// jjo's own hint for the field the server refused or dropped (`did you mean ...`): the
/// server names the field but never suggests a fix, and a case's `reason:` may quote the
/// suggestion. Only offered when the offline validation refused or dropped the very same field.
fn offline_hint<'a>(offline: &'a Validation, field: &str) -> Option<&'a str> {
    offline
        .findings
        .iter()
        .filter(|f| of_the_api_server(f))
        .filter(|f| f.severity != crate::validate::Severity::Warning && f.path == field)
        .find_map(|f| f.hint.as_deref())
}

/// Whether an offline finding models the API server's own validation of the Job, the one
/// that names a field the way the server does: not jjo's table of fields newer than the
/// case's version, nor its model of quota admission (which judges the Pod).
fn of_the_api_server(f: &Finding) -> bool {
    f.rule != pipeline::NEWER_FIELD && f.check != "quota"
}

/// Fields where the live Pod differs from the offline prediction.
fn drift(prepared: &Prepared, live: &Value) -> Vec<Warning> {
    let predicted = match prepared.pod() {
        Ok(p) => p.clone(),
        Err(e) => {
            return vec![Warning::new(
                "prediction-drift",
                format!("prediction drift not checked: {e}"),
            )];
        }
    };
    // Status is the kubelet's and changes by the second; the prediction only models its shape.
    let mut predicted = predicted;
    if let Some(map) = predicted.as_object_mut() {
        map.remove("status");
    }
    // The namespace is the run's choice (a fresh one per case), not the predictor's.
    if let (Some(metadata), Some(namespace)) = (
        predicted.get_mut("metadata").and_then(Value::as_object_mut),
        live.pointer("/metadata/namespace"),
    ) {
        metadata.insert("namespace".into(), namespace.clone());
    }
    let opts = compare::Options {
        mode: Mode::Subset,
        lists: Lists::MergeKeys,
    };
    match compare::compare(&predicted, live, opts) {
        Ok(diffs) => diffs
            .iter()
            .map(|d| {
                Warning::new(
                    "prediction-drift",
                    format!(
                        "prediction drift: {}",
                        compare::render(std::slice::from_ref(d)).trim_end()
                    ),
                )
                .hint("the predictor differs from this cluster here; please report it")
            })
            .collect(),
        Err(e) => vec![Warning::new(
            "prediction-drift",
            format!("prediction drift not checked: {e}"),
        )],
    }
}

/// Runs the live check of one case end to end: loaded, rendered, validated and predicted
/// once ([`pipeline::prepare`]), then run on the cluster.
pub fn run_case(
    runner: &Runner,
    name: &str,
    dir: &std::path::Path,
    opts: &crate::case::LoadOptions,
) -> (pipeline::CaseResult, Vec<Warning>, Phases) {
    let scope = pipeline::Scope {
        offline: false,
        blessing: false,
        live: Some(runner),
    };
    pipeline::run_case_in(name, dir, opts, scope)
}

impl pipeline::LiveCheck for Runner {
    fn run(&self, prepared: &Prepared) -> LiveRun {
        Runner::run(self, prepared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str) -> Prepared {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cases")
            .join(name);
        let case = crate::case::load(name, &dir, false).expect("shipped case loads");
        let rendered = pipeline::render(&case).expect("shipped case renders");
        Prepared::new(case, rendered)
    }

    fn outcome(result: LiveResult, findings: Vec<cluster::Finding>) -> LiveOutcome {
        LiveOutcome {
            namespace: "jjo-case-abcde".into(),
            job_name: None,
            result,
            findings,
            checks: Vec::new(),
            not_checked: None,
            scheduling: None,
            timings: cluster::Timings::default(),
            cleanup: cluster::Cleanup::Deleted {
                took: Duration::ZERO,
            },
        }
    }

    fn bound(node: &str, labels: &[(&str, &str)]) -> cluster::Scheduling {
        cluster::Scheduling::Bound {
            node: node.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn unschedulable(message: &str) -> cluster::Scheduling {
        cluster::Scheduling::Unschedulable {
            message: message.into(),
        }
    }

    /// Issue 16: the real scheduler's answer is held against `schedule:`.
    #[test]
    fn the_live_schedule_check_reads_the_bound_nodes_labels_and_the_schedulers_words() {
        let gpu = case("schedule-gpu-pool");
        let gpu = gpu.case().clone();
        let g5 = [("node.kubernetes.io/instance-type", "g5.2xlarge")];
        assert_eq!(live_schedule(&gpu, &bound("gpu-1", &g5), &[]), None);
        let m5 = [("node.kubernetes.io/instance-type", "m5.xlarge")];
        let Some(Failure::LiveSchedule { live, .. }) =
            live_schedule(&gpu, &bound("general-1", &m5), &[])
        else {
            panic!("a node outside `on:` passed")
        };
        assert!(
            matches!(live, crate::failure::LiveScheduling::Bound { node, .. } if node == "general-1")
        );
        assert!(live_schedule(&gpu, &unschedulable("0/5 nodes are available"), &[]).is_some());
        // `reason:` in the scheduler's message, or only in jjo's did-you-mean (the typo case).
        let lost = case("schedule-lost-toleration");
        let lost = lost.case().clone();
        let taints = "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s). preemption: ...";
        assert_eq!(live_schedule(&lost, &unschedulable(taints), &[]), None);
        assert!(
            live_schedule(
                &lost,
                &unschedulable("0/5 nodes are available: 5 Insufficient cpu."),
                &[]
            )
            .is_some()
        );
        assert!(live_schedule(&lost, &bound("gpu-1", &g5), &[]).is_some());
        let typo = case("schedule-selector-typo");
        let typo = typo.case().clone();
        let selector =
            "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector.";
        assert!(live_schedule(&typo, &unschedulable(selector), &[]).is_some());
        let hint = ["did you mean `node.kubernetes.io/instance-type`?".to_string()];
        assert_eq!(live_schedule(&typo, &unschedulable(selector), &hint), None);
    }

    /// Issue 16: on the case's own nodes, the scheduler and jjo's placement must agree.
    #[test]
    fn the_scheduler_disagreeing_with_the_offline_placement_is_drift() {
        let gpu = case("schedule-gpu-pool");
        let placement = gpu.placement().expect("places").expect("has nodes");
        let fit = placement.fits[0].clone();
        assert!(schedule_drift(placement, &bound(&fit, &[])).is_empty());
        let drift = schedule_drift(placement, &bound("ip-10-20-11-37.ec2.internal", &[]));
        assert_eq!(drift.len(), 1);
        assert!(drift[0].to_string().starts_with("prediction drift: scheduling: the scheduler bound the Pod to node `ip-10-20-11-37.ec2.internal`, which jjo's placement rejects"), "{}", drift[0]);
        assert_eq!(
            schedule_drift(placement, &unschedulable("0/5 nodes are available")).len(),
            1
        );
        let lost = case("schedule-lost-toleration");
        let placement = lost.placement().expect("places").expect("has nodes");
        let same = format!(
            "{} preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
            placement.message()
        );
        assert!(schedule_drift(placement, &unschedulable(&same)).is_empty());
        assert_eq!(
            schedule_drift(
                placement,
                &unschedulable("0/5 nodes are available: 5 Insufficient cpu.")
            )
            .len(),
            1
        );
    }

    const TYPO_FIELD: &str = "spec.template.spec.containers[0].securityContext.priviliged";

    fn unknown(field: &str) -> cluster::Finding {
        cluster::Finding {
            severity: cluster::Severity::Error,
            field: Some(field.into()),
            reason: Some("FieldValueUnknown".into()),
            message: format!("unknown field \"{field}\""),
        }
    }

    #[test]
    fn a_strict_refusal_of_a_field_jjo_also_refused_carries_jjos_hint() {
        let prepared = case("typo-privileged");
        let live = outcome(LiveResult::Invalid, vec![unknown(TYPO_FIELD)]);
        let (status, _) = judge(&prepared, &live);
        assert!(matches!(status, Status::Passed), "{status:?}");
    }

    #[test]
    fn a_strict_refusal_of_another_field_gets_no_hint() {
        let prepared = case("typo-privileged");
        let other = "spec.template.spec.containers[0].securityContext.bogus";
        let live = outcome(LiveResult::Invalid, vec![unknown(other)]);
        let (status, _) = judge(&prepared, &live);
        let Status::Failed(Failure::LiveDroppedOtherwise { findings }) = status else {
            panic!("{status:?}")
        };
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].hint, None);
    }

    #[test]
    fn a_dropped_field_case_fails_when_the_cluster_keeps_every_field() {
        let prepared = case("typo-privileged");
        let live = outcome(LiveResult::DryRun { job: Value::Null }, Vec::new());
        let (status, _) = judge(&prepared, &live);
        assert_eq!(status, Status::Failed(Failure::LiveNotDropped));
    }

    #[test]
    fn a_dropped_field_case_fails_when_the_cluster_refuses_for_another_reason() {
        let prepared = case("typo-privileged");
        let mut invalid = unknown(TYPO_FIELD);
        invalid.reason = Some("FieldValueInvalid".into());
        invalid.message = "Invalid value".into();
        let live = outcome(LiveResult::Invalid, vec![unknown(TYPO_FIELD), invalid]);
        let (status, _) = judge(&prepared, &live);
        let Status::Failed(Failure::LiveRefused { expected, findings }) = status else {
            panic!("{status:?}")
        };
        assert_eq!(expected, Expect::Dropped);
        assert_eq!(findings.len(), 2);
    }

    /// Issue 19: the live verdict reads the prepared case; judging validates nothing and
    /// predicts nothing again, and the placement is the one the schedule check made.
    #[test]
    fn judging_runs_no_stage_of_the_prepared_case_again() {
        let prepared = case("schedule-gpu-pool");
        let pod = prepared.pod().expect("predicts").clone();
        let offline = prepared.placement().expect("places").expect("has nodes") as *const _;
        let mut live = outcome(LiveResult::Admitted { pod }, Vec::new());
        let g5 = [("node.kubernetes.io/instance-type", "g5.2xlarge")];
        live.scheduling = Some(bound("gpu-1", &g5));
        pipeline::counts::take();
        let (status, _) = judge(&prepared, &live);
        assert_eq!(status, Status::Passed);
        assert_eq!(
            pipeline::counts::take(),
            (0, 0),
            "(validations, predictions)"
        );
        let again = prepared.placement().expect("places").expect("has nodes") as *const _;
        assert!(std::ptr::eq(offline, again), "the placement is made once");
    }

    #[test]
    fn the_run_namespace_is_not_prediction_drift() {
        let prepared = case("seed-privileged");
        let mut pod = prepared.pod().expect("predicts").clone();
        pod["metadata"]["namespace"] = "jjo-seed-privileged-x7k2p".into();
        let warnings = drift(&prepared, &pod);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    /// Issue 8, item 10: an exact golden passes against the live Pod although the server
    /// added its bookkeeping (managedFields, the node, a newer status).
    #[test]
    fn an_exact_golden_ignores_the_live_pods_bookkeeping() {
        let prepared = case("seed-privileged");
        let predicted = prepared.pod().expect("predicts").clone();
        let mut case = prepared.case().clone();
        let mut golden = predicted.clone();
        if let Some(map) = golden.as_object_mut() {
            map.remove("status");
        }
        case.spec.match_mode = Mode::Exact;
        case.expected_pod = Some(crate::case::Golden {
            path: "expected-pod.yaml".into(),
            text: String::new(),
            value: golden,
        });
        let prepared = Prepared::new(case, prepared.rendered().clone());
        let mut pod = predicted;
        pod["metadata"]["managedFields"] = serde_json::json!([{"manager": "kubelet"}]);
        pod["spec"]["nodeName"] = "kind-control-plane".into();
        pod["status"] = serde_json::json!({"phase": "Running"});
        let live = outcome(LiveResult::Admitted { pod: pod.clone() }, Vec::new());
        let (status, _) = judge(&prepared, &live);
        assert!(matches!(status, Status::Passed), "{status:?}");
        // Anything else the golden lacks still fails an exact match.
        pod["spec"]["hostname"] = "surprise".into();
        let live = outcome(LiveResult::Admitted { pod }, Vec::new());
        let (status, _) = judge(&prepared, &live);
        assert!(matches!(status, Status::Failed(_)), "{status:?}");
    }

    #[test]
    fn checks_on_a_cluster_without_containers_are_not_checked_and_not_failed() {
        let prepared = case("session-config-check");
        let pod = prepared.pod().expect("predicts").clone();
        let mut live = outcome(LiveResult::Admitted { pod }, Vec::new());
        live.not_checked = Some("this cluster runs no containers".into());
        let (status, warnings) = judge(&prepared, &live);
        assert!(matches!(status, Status::Passed), "{status:?}");
        let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            text.iter().any(|w| w.starts_with(
                "not checked: this cluster runs no containers, so the 1 command of `checks:` did not run"
            )),
            "{text:?}"
        );
    }

    #[test]
    fn an_emulating_server_s_pod_generation_is_not_held_against_an_older_golden() {
        let golden = serde_json::json!({"metadata": {"name": "p"}});
        let pod = serde_json::json!({"metadata": {"name": "p", "generation": 1}});
        let (_, native) = without_bookkeeping(&golden, &pod, false);
        assert_eq!(native["metadata"]["generation"], 1);
        let (_, emulated) = without_bookkeeping(&golden, &pod, true);
        assert!(emulated["metadata"].get("generation").is_none());
        // A golden that pins it still compares it.
        let pinned = serde_json::json!({"metadata": {"name": "p", "generation": 1}});
        let (_, kept) = without_bookkeeping(&pinned, &pod, true);
        assert_eq!(kept["metadata"]["generation"], 1);
    }

    #[test]
    fn the_cluster_version_decides_the_prediction() {
        use crate::predict::Version;
        let case_version = Version::parse("1.33").expect("1.33");
        assert_eq!(version_for(None, case_version), (case_version, None));
        assert_eq!(
            version_for(Some("v1.31.4+k3s1"), case_version).0,
            Version::parse("1.31").expect("1.31")
        );
        let (newest, warning) = version_for(Some("v1.38.0"), case_version);
        assert_eq!(newest, Version::NEWEST);
        assert!(warning.is_some_and(|w| w.to_string().contains("`v1.38.0`")));
        assert_eq!(
            version_for(Some("v1.27.3"), case_version).0,
            Version::OLDEST
        );
    }
}
