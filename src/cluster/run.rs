//! One live case from namespace to cleanup, and `gc` for leftovers of earlier runs.

use std::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Event, Namespace, Pod, ServiceAccount};
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, ResourceExt};
use serde_json::{Map, Value, json};

use super::cleanup::{Cleanup, Guard, Target};
use super::exec::run_check;
use super::retry::{Attempt, Op, RetryPolicy, classify, status_code, unavailable, with_retry};
use super::watch::watch_until;
use super::{
    CASE_LABEL, Error, FieldValidation, Finding, LiveCase, LiveOptions, LiveOutcome, LiveResult,
    MANAGED_BY, MANAGED_BY_LABEL, RUN_ID_LABEL, SETUP_KINDS, Scheduling, Severity, TOKEN_LABEL,
    Timings, dns_label_part, namespace_name, random_suffix,
};

/// What the case task shares with its caller, so cleanup and error messages still work
/// after a timeout or a panic.
#[derive(Default)]
struct Shared {
    phase: &'static str,
    guard: Option<Guard>,
    namespace: Option<String>,
}

type SharedState = Arc<Mutex<Shared>>;

fn lock(shared: &SharedState) -> std::sync::MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn set_phase(shared: &SharedState, phase: &'static str) {
    lock(shared).phase = phase;
}

/// Runs one live case: a fresh namespace (or the shared one from
/// [`LiveOptions::namespace`]), the setup objects, the Job created with
/// `fieldValidation=Strict` (or a server-side dry run), a watch for its Pod or its
/// `FailedCreate` event, the Pod read back, the checks; then cleanup, also on error,
/// timeout and panic.
pub async fn run_case(
    client: &Client,
    case: &LiveCase,
    options: &LiveOptions,
) -> Result<LiveOutcome, Error> {
    let shared: SharedState = Arc::new(Mutex::new(Shared {
        phase: "starting",
        ..Default::default()
    }));
    let task = {
        let (client, case, options, shared) = (
            client.clone(),
            case.clone(),
            options.clone(),
            shared.clone(),
        );
        tokio::spawn(async move {
            let body = case_body(&client, &case, &options, &shared);
            // Waiting for Running has its own bound (inside the body); the case timeout
            // covers everything else.
            let bound = match case.checks.is_empty() || options.dry_run {
                true => options.timeout,
                false => options.timeout + options.running_timeout,
            };
            match tokio::time::timeout(bound, body).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    phase: lock(&shared).phase.to_string(),
                    after: options.timeout,
                }),
            }
        })
    };
    // If this future is dropped (the caller gave up), the task is aborted too, which
    // drops the guard and so deletes the namespace in the background.
    let mut task = AbortOnDrop(task);
    let result = match (&mut task.0).await {
        Ok(result) => result,
        Err(join) => Err(Error::Panicked {
            message: panic_message(join),
        }),
    };
    let (guard, namespace) = {
        let mut shared = lock(&shared);
        (
            shared.guard.take(),
            shared.namespace.clone().unwrap_or_default(),
        )
    };
    let Some(guard) = guard else {
        // Nothing was created.
        return result.map(|mut outcome| {
            outcome.cleanup = Cleanup::Deleted {
                took: Duration::ZERO,
            };
            outcome
        });
    };
    match result {
        Ok(mut outcome) if options.keep => {
            outcome.cleanup = guard.into_handle().map_or(
                Cleanup::Deleted {
                    took: Duration::ZERO,
                },
                Cleanup::Pending,
            );
            Ok(outcome)
        }
        Ok(mut outcome) => {
            outcome.cleanup = match guard.delete_now().await {
                Ok(took) => {
                    outcome.timings.cleanup = Some(took);
                    Cleanup::Deleted { took }
                }
                Err(err) => Cleanup::Failed {
                    message: err.to_string(),
                },
            };
            Ok(outcome)
        }
        Err(err) if options.keep => {
            let inspect = guard.target().map(|t| t.inspect()).unwrap_or_default();
            // Unregister without deleting: the user asked to keep failed cases.
            guard.forget();
            Err(Error::Kept {
                error: Box::new(err),
                namespace,
                inspect,
            })
        }
        Err(err) => {
            // The case's own error matters more than a failed cleanup; gc catches leftovers.
            let _ = guard.delete_now().await;
            Err(err)
        }
    }
}

/// Aborts a spawned task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn panic_message(join: tokio::task::JoinError) -> String {
    if !join.is_panic() {
        return "the case task was cancelled".into();
    }
    let payload = join.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The case itself; cleanup is left to [`run_case`].
async fn case_body(
    client: &Client,
    case: &LiveCase,
    options: &LiveOptions,
    shared: &SharedState,
) -> Result<LiveOutcome, Error> {
    let retry = &options.retry;
    let restarts = AtomicU32::new(0);
    let token = random_suffix(12);
    let labels = own_labels(&case.name, &options.run_id, &token);
    let mut timings = Timings::default();
    let start = Instant::now();
    for (index, object) in case.setup.iter().enumerate() {
        setup_kind(
            object,
            &format!("setup object {}", index + 1),
            options.namespace.as_deref(),
        )?;
    }

    set_phase(shared, "creating the namespace");
    let namespace = match &options.namespace {
        Some(ns) => {
            let guard = Guard::register(
                client,
                &options.run_id,
                Target::Objects {
                    namespace: ns.clone(),
                    objects: Vec::new(),
                },
                *retry,
            );
            let mut s = lock(shared);
            s.guard = Some(guard);
            s.namespace = Some(ns.clone());
            ns.clone()
        }
        None => {
            let mut ns_labels = case.namespace_labels.clone();
            ns_labels.extend(labels.clone());
            ns_labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
            let ns = create_namespace(
                client,
                &case.name,
                &options.run_id,
                &ns_labels,
                retry,
                shared,
            )
            .await?;
            set_phase(shared, "waiting for the namespace's default ServiceAccount");
            wait_for_default_service_account(client, &ns, retry, &restarts).await?;
            ns
        }
    };

    set_phase(shared, "applying the setup objects");
    for (index, object) in case.setup.iter().enumerate() {
        apply_setup(client, &namespace, index, object, &labels, retry, shared).await?;
    }
    timings.prepare = start.elapsed();

    set_phase(shared, "creating the job");
    let job_start = Instant::now();
    let created = create_job(client, &namespace, &case.job, &labels, options, shared).await?;
    timings.create_job = job_start.elapsed();
    let mut outcome = LiveOutcome {
        namespace: namespace.clone(),
        job_name: created
            .job
            .as_ref()
            .and_then(|j| str_at(j, "/metadata/name"))
            .map(str::to_string),
        result: LiveResult::Invalid,
        findings: created.findings,
        checks: Vec::new(),
        not_checked: None,
        scheduling: None,
        timings: Timings::default(),
        cleanup: Cleanup::Deleted {
            took: Duration::ZERO,
        },
    };
    let Some(job) = created.job else {
        outcome.timings = timings;
        return Ok(outcome);
    };
    if options.dry_run {
        outcome.result = LiveResult::DryRun { job };
        outcome.timings = timings;
        return Ok(outcome);
    }

    set_phase(shared, "waiting for the job's pod");
    let seen = wait_for_pod_or_refusal(client, &namespace, &job, retry, &restarts).await?;
    timings.create_to_pod = Some(job_start.elapsed());
    let pod_name = match seen {
        PodOrRefusal::Refused { reason, message } => {
            outcome.result = LiveResult::Rejected { reason, message };
            timings.watch_restarts = restarts.load(Ordering::Relaxed);
            outcome.timings = timings;
            return Ok(outcome);
        }
        PodOrRefusal::Pod(name) => name,
    };

    if case.wait_for_scheduling {
        set_phase(shared, "waiting for the scheduler");
        outcome.scheduling = Some(wait_for_scheduling(client, &namespace, &pod_name, retry).await?);
    }

    set_phase(shared, "reading the pod back");
    let pod = get_raw(
        client,
        &format!("/api/v1/namespaces/{namespace}/pods"),
        &pod_name,
        retry,
        &Op::new("get", "", "pods", Some(&namespace)),
    )
    .await?;

    if !case.checks.is_empty() && !options.runs_containers {
        // No kubelet: the Pod never runs, so waiting for it would only end in a timeout.
        outcome.not_checked = Some("this cluster runs no containers".into());
    } else if !case.checks.is_empty() {
        let checks_start = Instant::now();
        set_phase(shared, "waiting for the pod to be running");
        let pods: Api<Pod> = Api::namespaced(client.clone(), &namespace);
        let progress = options.progress.then_some(case.name.as_str());
        let running = wait_for_running(&pods, &namespace, &pod_name, retry, &restarts, progress);
        match tokio::time::timeout(options.running_timeout, running).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(Error::Timeout {
                    phase: format!(
                        "waiting for pod `{pod_name}` to be running (checks need a running container: is the image present or pre-loaded, and does its command stay up?)"
                    ),
                    after: options.running_timeout,
                });
            }
        }
        set_phase(shared, "running the checks");
        let first_container = str_at(&pod, "/spec/containers/0/name")
            .unwrap_or_default()
            .to_string();
        for check in &case.checks {
            outcome.checks.push(
                run_check(
                    &pods,
                    &pod_name,
                    &first_container,
                    check,
                    options.max_output,
                )
                .await?,
            );
        }
        timings.checks = Some(checks_start.elapsed());
    }
    outcome.result = LiveResult::Admitted { pod };
    timings.watch_restarts = restarts.load(Ordering::Relaxed);
    outcome.timings = timings;
    Ok(outcome)
}

/// The labels jjo puts on everything it creates. Only jjo's own `jjo.dev/` keys: the
/// Job keeps the launcher's `app.kubernetes.io/managed-by: launcher`.
fn own_labels(case: &str, run_id: &str, token: &str) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert(RUN_ID_LABEL.into(), dns_label_part(run_id, 63).into());
    labels.insert(CASE_LABEL.into(), dns_label_part(case, 63).into());
    labels.insert(TOKEN_LABEL.into(), token.into());
    labels
}

/// Adds `labels` to the object's `metadata.labels`; a non-object is an error.
fn add_labels(object: &mut Value, labels: &Map<String, Value>, what: &str) -> Result<(), Error> {
    let bad = |message: &str| Error::BadObject {
        what: what.to_string(),
        message: message.to_string(),
    };
    let root = object
        .as_object_mut()
        .ok_or_else(|| bad("is not a JSON object"))?;
    let metadata = root.entry("metadata").or_insert_with(|| json!({}));
    let metadata = metadata
        .as_object_mut()
        .ok_or_else(|| bad("`metadata` is not an object"))?;
    let existing = metadata.entry("labels").or_insert_with(|| json!({}));
    let existing = existing
        .as_object_mut()
        .ok_or_else(|| bad("`metadata.labels` is not an object"))?;
    for (key, value) in labels {
        existing.insert(key.clone(), value.clone());
    }
    Ok(())
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// Whether a namespace (or any object) carries this case's token.
fn is_ours(labels: &std::collections::BTreeMap<String, String>, token: &Value) -> bool {
    labels.get(TOKEN_LABEL).map(String::as_str) == token.as_str()
}

/// Whether the object `name` that a create's 409 says exists carries this run's `token`: an
/// earlier try of the same create got through and only its answer was lost.
async fn stored_is_ours<K>(
    api: &Api<K>,
    name: &str,
    token: &Value,
    retry: &RetryPolicy,
    get: &Op,
) -> Result<bool, Error>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    with_retry(retry, get, || api.get_opt(name))
        .await
        .map(|existing| existing.is_some_and(|o| is_ours(o.labels(), token)))
}

/// Creates `jjo-<case>-<random>`; a 409 means the name is taken (or an earlier retried
/// try of ours succeeded), so it checks and tries a new name.
async fn create_namespace(
    client: &Client,
    case: &str,
    run_id: &str,
    labels: &Map<String, Value>,
    retry: &RetryPolicy,
    shared: &SharedState,
) -> Result<String, Error> {
    let api: Api<Namespace> = Api::all(client.clone());
    let op = Op::new("create", "", "namespaces", None);
    let pp = PostParams::default();
    let (api, op, pp) = (&api, &op, &pp);
    let named = NAME_TRIES
        .run(|_| async move {
            let name = namespace_name(case);
            let ns: Namespace = match serde_json::from_value(json!({
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": labels},
            })) {
                Ok(ns) => ns,
                Err(e) => {
                    return Attempt::Done(Err(Error::BadObject {
                        what: "namespace".into(),
                        message: e.to_string(),
                    }));
                }
            };
            // Registered before the call: a create that succeeds on the server while the
            // answer is lost must still be cleaned up.
            {
                let guard =
                    Guard::register(client, run_id, Target::Namespace(name.clone()), *retry);
                let mut s = lock(shared);
                s.guard = Some(guard);
                s.namespace = Some(name.clone());
            }
            match with_retry(retry, op, || api.create(pp, &ns)).await {
                Ok(_) => Attempt::Done(Ok(name)),
                Err(Error::Api { code: 409, .. }) => {
                    let get = Op::new("get", "", "namespaces", None);
                    let ours = stored_is_ours(api, &name, &labels[TOKEN_LABEL], retry, &get).await;
                    if matches!(ours, Ok(true)) {
                        return Attempt::Done(Ok(name));
                    }
                    // Someone else's namespace, or one that cannot be told from it because
                    // the get failed: forget it (never delete it; if ours, `jjo gc` finds it
                    // by its labels), then pick a new name or give up.
                    if let Some(guard) = lock(shared).guard.take() {
                        guard.forget();
                    }
                    match ours {
                        Err(get) => Attempt::Done(Err(get)),
                        Ok(_) => Attempt::Retry(()),
                    }
                }
                Err(err) => Attempt::Done(Err(err)),
            }
        })
        .await;
    named.unwrap_or_else(|_| {
        Err(Error::Api {
            operation: op.describe(),
            code: 409,
            reason: "AlreadyExists".into(),
            message: "five random namespace names in a row were taken".into(),
        })
    })
}

/// A namespace name is random: after a taken one, another is tried at once, five in all.
const NAME_TRIES: RetryPolicy = RetryPolicy::immediate(5);

/// How often a setup quota is read again until the resourcequota controller has filled its
/// `status.hard` (within a second or two); the case's timeout bounds the wait.
const QUOTA_POLL: RetryPolicy = RetryPolicy::poll(Duration::from_millis(50));
/// How often the Pod is read again until the scheduler has answered; the case's timeout
/// bounds the wait.
const SCHEDULING_POLL: RetryPolicy = RetryPolicy::poll(Duration::from_millis(100));

/// A poll that used up its policy's tries before the case's timeout ended it.
fn polled_out(phase: &str, policy: &RetryPolicy, tries: u32) -> Error {
    Error::Timeout {
        phase: phase.to_string(),
        after: policy.max_delay.saturating_mul(tries),
    }
}

/// Pods need the namespace's `default` ServiceAccount, which a controller creates shortly
/// after the namespace; creating the Job before it exists gives a transient FailedCreate.
async fn wait_for_default_service_account(
    client: &Client,
    namespace: &str,
    retry: &RetryPolicy,
    restarts: &AtomicU32,
) -> Result<(), Error> {
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    let op = Op::new("watch", "", "serviceaccounts", Some(namespace));
    let result = watch_until(
        &api,
        &op,
        None,
        Some("metadata.name=default"),
        retry,
        restarts,
        |_| Some(()),
    )
    .await;
    match result {
        // Without rights to see ServiceAccounts the Job is created anyway; a missing
        // account then shows as FailedCreate.
        Err(Error::Forbidden { .. }) => Ok(()),
        other => other,
    }
}

/// The ApiResource of an object from its `apiVersion` and `kind`.
fn api_resource(object: &Value, what: &str) -> Result<ApiResource, Error> {
    let bad = |message: String| Error::BadObject {
        what: what.to_string(),
        message,
    };
    let api_version =
        str_at(object, "/apiVersion").ok_or_else(|| bad("has no `apiVersion`".into()))?;
    let kind = str_at(object, "/kind").ok_or_else(|| bad("has no `kind`".into()))?;
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    Ok(ApiResource::from_gvk(&GroupVersionKind::gvk(
        group, version, kind,
    )))
}

/// Checks that a setup object is of a kind in [`SETUP_KINDS`]: those the documented Role
/// grants and `jjo gc` sweeps, so nothing jjo creates can outlive a run unseen.
/// A namespace policy ([`OWN_NAMESPACE_SETUP_KINDS`]) only in a namespace of jjo's own.
fn setup_kind(object: &Value, what: &str, shared: Option<&str>) -> Result<(), Error> {
    let api_version = str_at(object, "/apiVersion").unwrap_or_default();
    let kind = str_at(object, "/kind").unwrap_or_default();
    let is = |kinds: &[(&str, &str, &str)]| {
        kinds
            .iter()
            .any(|(v, k, _)| *v == api_version && *k == kind)
    };
    if is(SETUP_KINDS) {
        return Ok(());
    }
    if is(super::OWN_NAMESPACE_SETUP_KINDS) {
        return match shared {
            None => Ok(()),
            Some(namespace) => Err(Error::BadObject {
                what: what.to_string(),
                message: format!(
                    "jjo does not create a `{kind}` in `--namespace {namespace}`: it would change the policy of a namespace jjo does not own; run the case without `--namespace`, in a namespace of jjo's own"
                ),
            }),
        };
    }
    let known: Vec<String> = SETUP_KINDS
        .iter()
        .map(|(v, k, _)| format!("`{v}` `{k}`"))
        .collect();
    let hint = crate::diag::did_you_mean(kind, SETUP_KINDS.iter().map(|(_, k, _)| *k))
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    Err(Error::BadObject {
        what: what.to_string(),
        message: format!(
            "jjo does not create `{api_version}` `{kind}` objects: setup may create {}{hint}",
            known.join(", ")
        ),
    })
}

/// Waits until the resourcequota controller has filled quota `name`'s `status.hard`: the
/// quota admission plugin enforces a quota only from then on, so a Job created at once could
/// get its Pod past a quota that production enforces (seen on kube-apiserver 1.34 emulating
/// 1.32: the Pod admitted). Bounded by the case's timeout.
async fn quota_enforced(
    api: &Api<DynamicObject>,
    name: &str,
    retry: &RetryPolicy,
    op: &Op,
) -> Result<(), Error> {
    let get = Op {
        verb: "get",
        ..op.clone()
    };
    let get = &get;
    let filled = QUOTA_POLL
        .run(|_| async move {
            match with_retry(retry, get, || api.get(name)).await {
                Err(e) => Attempt::Done(Err(e)),
                Ok(quota)
                    if quota
                        .data
                        .pointer("/status/hard")
                        .is_some_and(|h| !h.is_null()) =>
                {
                    Attempt::Done(Ok(()))
                }
                Ok(_) => Attempt::Retry(()),
            }
        })
        .await;
    filled.unwrap_or_else(|gave_up| {
        Err(polled_out(
            "waiting for a setup quota to be enforced",
            &QUOTA_POLL,
            gave_up.tries,
        ))
    })
}

async fn apply_setup(
    client: &Client,
    namespace: &str,
    index: usize,
    object: &Value,
    labels: &Map<String, Value>,
    retry: &RetryPolicy,
    shared: &SharedState,
) -> Result<(), Error> {
    let what = format!("setup object {}", index + 1);
    let resource = api_resource(object, &what)?;
    let mut object = object.clone();
    add_labels(&mut object, labels, &what)?;
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("namespace".into(), namespace.into());
    }
    let name = str_at(&object, "/metadata/name")
        .ok_or_else(|| Error::BadObject {
            what: what.clone(),
            message: "has no `metadata.name`".into(),
        })?
        .to_string();
    let typed: DynamicObject = serde_json::from_value(object).map_err(|e| Error::BadObject {
        what: what.clone(),
        message: e.to_string(),
    })?;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &resource);
    if let Some(guard) = &lock(shared).guard {
        guard.add_object(resource.clone(), name.clone());
    }
    let op = Op::new("create", &resource.group, &resource.plural, Some(namespace));
    let pp = PostParams::default();
    match with_retry(retry, &op, || api.create(&pp, &typed)).await {
        Ok(_) if resource.kind == "ResourceQuota" => quota_enforced(&api, &name, retry, &op).await,
        Ok(_) => Ok(()),
        Err(Error::Api { code: 409, .. }) => {
            // Ours if an earlier try of this very call got through.
            let get = Op {
                verb: "get",
                ..op.clone()
            };
            let ours = stored_is_ours(&api, &name, &labels[TOKEN_LABEL], retry, &get).await;
            if matches!(ours, Ok(true)) {
                return Ok(());
            }
            // Someone else's object (or one that cannot be told from it): the case's
            // cleanup in a shared namespace must not delete it.
            if let Some(guard) = &lock(shared).guard {
                guard.forget_object(&resource, &name);
            }
            match ours {
                Err(get) => Err(get),
                Ok(_) => Err(Error::BadObject {
                    what,
                    message: format!(
                        "`{}/{name}` already exists in namespace `{namespace}` and is not this case's, so jjo leaves it alone; cases (or runs) that set up the same name collide in a shared namespace: run them one at a time (`--jobs 1`) or without `--namespace`",
                        resource.plural
                    ),
                }),
            }
        }
        Err(err) => Err(err),
    }
}

struct CreatedJob {
    /// The stored (or dry-run) Job; `None` when the server refused it.
    job: Option<Value>,
    findings: Vec<Finding>,
}

/// Creates the Job as the launcher does (no `fieldValidation`, so unknown fields are
/// dropped with a `Warning` header, reported as [`Severity::Dropped`]) or with
/// `fieldValidation=Strict`; a 400/422, or a 403 that is not RBAC's (quota, admission
/// webhook), becomes findings; other `Warning` headers become warning findings. The
/// fields the server sets on a stored Job (a captured `base-job.yaml`) are dropped first,
/// as the launcher never sends them. Retried on 429/5xx; before a retry it looks for a
/// Job an earlier try may have created (by the case token), so a `generateName` Job is
/// never created twice.
async fn create_job(
    client: &Client,
    namespace: &str,
    job: &Value,
    labels: &Map<String, Value>,
    options: &LiveOptions,
    shared: &SharedState,
) -> Result<CreatedJob, Error> {
    let mut job = job.clone();
    crate::job::strip_server_set(&mut job);
    add_labels(&mut job, labels, "job")?;
    if let Some(metadata) = job.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("namespace".into(), namespace.into());
    }
    let body = serde_json::to_vec(&job).map_err(|e| Error::BadObject {
        what: "job".into(),
        message: e.to_string(),
    })?;
    let op = Op::new("create", "batch", "jobs", Some(namespace));
    let jobs_resource = ApiResource::erase::<k8s_openapi::api::batch::v1::Job>(&());
    let jobs: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &jobs_resource);
    let token_selector = format!(
        "{TOKEN_LABEL}={}",
        labels[TOKEN_LABEL].as_str().unwrap_or_default()
    );
    let pp = PostParams {
        dry_run: options.dry_run,
        field_manager: Some("jjo".into()),
    };
    let retry = &options.retry;
    // The status of the last try when it was worth another (0: the first try, or a lost
    // answer): after a 5xx or a lost answer the Job may have been stored anyway.
    let last_status = AtomicU16::new(0);
    let (last_status, op, pp, body, jobs, jobs_resource, token_selector) = (
        &last_status,
        &op,
        &pp,
        &body,
        &jobs,
        &jobs_resource,
        &token_selector,
    );
    let created = retry
        .run(|tried| async move {
            // Adopt the Job an earlier try created, so a `generateName` Job is never made twice.
            if tried > 0 && !options.dry_run && last_status.load(Ordering::Relaxed) != 429 {
                let lp = ListParams::default().labels(token_selector);
                let list_op = Op::new("list", "batch", "jobs", Some(namespace));
                match with_retry(retry, &list_op, || jobs.list(&lp)).await {
                    Err(e) => return Attempt::Done(Err(e)),
                    Ok(existing) => {
                        if let Some(found) = existing.items.into_iter().next() {
                            let value = serde_json::to_value(found).unwrap_or(Value::Null);
                            register_job(shared, jobs_resource, &value);
                            return Attempt::Done(Ok(CreatedJob {
                                job: Some(value),
                                findings: Vec::new(),
                            }));
                        }
                    }
                }
            }
            let request = match job_request(namespace, pp, body, options.field_validation) {
                Ok(request) => request,
                Err(e) => return Attempt::Done(Err(e)),
            };
            let error = match send_raw(client, request).await {
                Ok((code, warnings, value)) if code < 300 => {
                    let findings = warnings.into_iter().map(warning_finding).collect();
                    if !options.dry_run {
                        register_job(shared, jobs_resource, &value);
                    }
                    return Attempt::Done(Ok(CreatedJob {
                        job: Some(value),
                        findings,
                    }));
                }
                Ok((code, warnings, value))
                    if matches!(code, 400 | 422)
                        || (code == 403
                            && !is_rbac_denial(str_at(&value, "/message").unwrap_or(""))) =>
                {
                    let mut findings: Vec<Finding> =
                        warnings.into_iter().map(warning_finding).collect();
                    findings.extend(status_findings(&value));
                    return Attempt::Done(Ok(CreatedJob {
                        job: None,
                        findings,
                    }));
                }
                Ok((code, _, value)) => status_error(code, &value),
                Err(err) => err,
            };
            if retry.retries(&error) {
                last_status.store(status_code(&error).unwrap_or(0), Ordering::Relaxed);
                Attempt::Retry(error)
            } else {
                Attempt::Done(Err(classify(op, error)))
            }
        })
        .await;
    created.unwrap_or_else(|gave_up| Err(unavailable(op, gave_up)))
}

/// The request that creates the Job, with `fieldValidation=Strict` when asked.
fn job_request(
    namespace: &str,
    pp: &PostParams,
    body: &[u8],
    validation: FieldValidation,
) -> Result<http::Request<Vec<u8>>, Error> {
    let mut request =
        kube::core::Request::new(format!("/apis/batch/v1/namespaces/{namespace}/jobs"))
            .create(pp, body.to_vec())
            .map_err(|e| Error::BadObject {
                what: "job".into(),
                message: e.to_string(),
            })?;
    if validation == FieldValidation::Strict {
        let uri = request.uri().to_string();
        let separator = if uri.contains('?') { '&' } else { '?' };
        *request.uri_mut() = format!("{uri}{separator}fieldValidation=Strict")
            .parse()
            .map_err(|e: http::uri::InvalidUri| Error::BadObject {
                what: "job".into(),
                message: e.to_string(),
            })?;
    }
    Ok(request)
}

/// In a shared namespace, the Job is deleted on its own (its own namespace goes as a whole,
/// and [`Guard::add_object`] ignores a namespace target).
fn register_job(shared: &SharedState, resource: &ApiResource, job: &Value) {
    if let (Some(name), Some(guard)) = (str_at(job, "/metadata/name"), &lock(shared).guard) {
        guard.add_object(resource.clone(), name.to_string());
    }
}

/// Sends a request through the kube client and returns status, `Warning` header texts and
/// the JSON body.
async fn send_raw(
    client: &Client,
    request: http::Request<Vec<u8>>,
) -> Result<(u16, Vec<String>, Value), kube::Error> {
    let response = client.send(request.map(kube::client::Body::from)).await?;
    let code = response.status().as_u16();
    let warnings = response
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(warning_text)
        .collect();
    let bytes = response.into_body().collect_bytes().await?;
    let value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        json!({"kind": "Status", "code": code, "message": String::from_utf8_lossy(&bytes).trim()})
    });
    Ok((code, warnings, value))
}

/// The text of a `Warning: 299 - "text"` header.
fn warning_text(header: &str) -> String {
    let rest = header.trim();
    let rest = rest
        .strip_prefix("299")
        .map(str::trim_start)
        .unwrap_or(rest);
    let rest = rest.strip_prefix('-').map(str::trim_start).unwrap_or(rest);
    let rest = rest.strip_prefix('"').unwrap_or(rest);
    let rest = rest.strip_suffix('"').unwrap_or(rest);
    rest.replace("\\\"", "\"")
}

/// A `Warning` header as a finding: `unknown field "<path>"` and `duplicate field
/// "<path>"` (the server's field-validation warnings, `Warn` being its default) are
/// dropped fields; anything else (deprecations, Pod Security) a plain warning.
fn warning_finding(message: String) -> Finding {
    let dropped = ["unknown field \"", "duplicate field \""]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_string);
    match dropped {
        Some(field) => Finding {
            severity: Severity::Dropped,
            reason: Some(
                if message.starts_with("unknown") {
                    "FieldValueUnknown"
                } else {
                    "FieldValueDuplicate"
                }
                .into(),
            ),
            field: Some(field),
            message,
        },
        None => Finding {
            severity: Severity::Warning,
            field: None,
            reason: None,
            message,
        },
    }
}

/// Whether a 403 is RBAC's: the authorizer's message has the form `User "…" cannot <verb>
/// resource "…"` (kube-apiserver `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
/// responsewriters/errors.go`, `forbiddenMessage`). A ResourceQuota (`exceeded quota: …`,
/// `plugin/pkg/admission/resourcequota`) and admission webhooks (`admission webhook "…"
/// denied the request: …`: 403 from Gatekeeper, which denies through controller-runtime's
/// `admission.Denied`; a webhook that names no code gets 400, kube-apiserver
/// `staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go`)
/// answer 403 too; those are refusals of the object, not a right jjo lacks.
pub(crate) fn is_rbac_denial(message: &str) -> bool {
    message
        .split_once("User \"")
        .is_some_and(|(_, rest)| rest.contains("\" cannot "))
}

/// Findings from a refusal `Status`: one per cause (422), or the strict decoding message
/// split into its `unknown field "…"` parts (400), else the message itself.
fn status_findings(status: &Value) -> Vec<Finding> {
    let message = str_at(status, "/message").unwrap_or_default();
    let causes = status.pointer("/details/causes").and_then(Value::as_array);
    if let Some(causes) = causes.filter(|c| !c.is_empty()) {
        return causes
            .iter()
            .map(|cause| Finding {
                severity: Severity::Error,
                field: str_at(cause, "/field").map(str::to_string),
                reason: str_at(cause, "/reason").map(str::to_string),
                message: str_at(cause, "/message").unwrap_or(message).to_string(),
            })
            .collect();
    }
    if let Some((_, rest)) = message.split_once("strict decoding error: ") {
        return rest
            .split(", ")
            .map(|part| Finding {
                severity: Severity::Error,
                field: part
                    .strip_prefix("unknown field \"")
                    .or_else(|| part.strip_prefix("duplicate field \""))
                    .and_then(|f| f.strip_suffix('"'))
                    .map(str::to_string),
                reason: Some("FieldValueUnknown".into())
                    .filter(|_| part.starts_with("unknown field")),
                message: part.to_string(),
            })
            .collect();
    }
    vec![Finding {
        severity: Severity::Error,
        field: None,
        reason: str_at(status, "/reason").map(str::to_string),
        message: message.to_string(),
    }]
}

fn status_error(code: u16, value: &Value) -> kube::Error {
    let status = kube::core::Status::failure(
        str_at(value, "/message").unwrap_or_default(),
        str_at(value, "/reason").unwrap_or_default(),
    )
    .with_code(code);
    kube::Error::Api(status.boxed())
}

/// GETs one object as raw JSON, so fields unknown to k8s-openapi and the server's key
/// order survive for the comparison.
async fn get_raw(
    client: &Client,
    collection: &str,
    name: &str,
    retry: &RetryPolicy,
    op: &Op,
) -> Result<Value, Error> {
    with_retry(retry, op, || async {
        let request = kube::core::Request::new(collection)
            .get(name, &kube::api::GetParams::default())
            .map_err(kube::Error::BuildRequest)?;
        client.request::<Value>(request).await
    })
    .await
}

enum PodOrRefusal {
    Pod(String),
    Refused { reason: String, message: String },
}

/// FailedCreate messages that the Job controller overcomes by retrying.
fn transient_refusal(message: &str) -> bool {
    message.contains("serviceaccount \"default\" not found")
        || message.contains("object is being deleted")
}

/// Watches the Job's Pods (by the Job's selector) and the Job's events at once; the first
/// Pod or non-transient `FailedCreate` wins.
async fn wait_for_pod_or_refusal(
    client: &Client,
    namespace: &str,
    job: &Value,
    retry: &RetryPolicy,
    restarts: &AtomicU32,
) -> Result<PodOrRefusal, Error> {
    let selector = job
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|s| !s.is_empty())
        .or_else(|| str_at(job, "/metadata/uid").map(|uid| format!("controller-uid={uid}")))
        .ok_or_else(|| Error::BadObject {
            what: "job".into(),
            message: "the stored job has neither `spec.selector.matchLabels` nor a uid".into(),
        })?;
    let uid = str_at(job, "/metadata/uid").unwrap_or_default().to_string();
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let events: Api<Event> = Api::namespaced(client.clone(), namespace);
    let pod_op = Op::new("watch", "", "pods", Some(namespace));
    let event_op = Op::new("watch", "", "events", Some(namespace));
    let field = format!("involvedObject.uid={uid}");
    let pod = watch_until(
        &pods,
        &pod_op,
        Some(&selector),
        None,
        retry,
        restarts,
        |pod: &Pod| Some(PodOrRefusal::Pod(pod.name_any())),
    );
    let refusal = watch_until(
        &events,
        &event_op,
        None,
        Some(&field),
        retry,
        restarts,
        |event: &Event| {
            let reason = event.reason.clone().unwrap_or_default();
            let message = event.message.clone().unwrap_or_default();
            (reason == "FailedCreate" && !transient_refusal(&message))
                .then_some(PodOrRefusal::Refused { reason, message })
        },
    );
    tokio::pin!(pod, refusal);
    tokio::select! {
        found = &mut pod => found,
        refused = &mut refusal => match refused {
            // Without rights on events, the Pod watch alone decides.
            Err(Error::Forbidden { .. }) => pod.await,
            other => other,
        },
    }
}

/// Watches one Pod until it is Running; Succeeded or Failed first is an error. With
/// `progress` (the case name), says every 10 s on stderr what the Pod is doing: a session
/// image of several GB takes minutes to pull.
async fn wait_for_running(
    pods: &Api<Pod>,
    namespace: &str,
    name: &str,
    retry: &RetryPolicy,
    restarts: &AtomicU32,
    progress: Option<&str>,
) -> Result<(), Error> {
    let op = Op::new("watch", "", "pods", Some(namespace));
    let field = format!("metadata.name={name}");
    let last = Mutex::new(String::from("Pending"));
    let phase = watch_until(
        pods,
        &op,
        None,
        Some(&field),
        retry,
        restarts,
        |pod: &Pod| {
            let status = pod.status.as_ref();
            let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
            let waiting = status
                .and_then(|s| s.container_statuses.as_ref())
                .into_iter()
                .flatten()
                .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone());
            if let Ok(mut last) = last.lock() {
                *last = match waiting {
                    Some(reason) => format!("{phase}, {reason}"),
                    None => phase.clone(),
                };
            }
            if let Some(message) = unschedulable(pod) {
                return Some(Err(message));
            }
            matches!(phase.as_str(), "Running" | "Succeeded" | "Failed").then_some(Ok(phase))
        },
    );
    let phase = match progress {
        None => phase.await?,
        Some(case) => {
            tokio::pin!(phase);
            let start = Instant::now();
            let mut tick = tokio::time::interval_at(
                tokio::time::Instant::now() + PROGRESS_EVERY,
                PROGRESS_EVERY,
            );
            loop {
                tokio::select! {
                    done = &mut phase => break done?,
                    _ = tick.tick() => {
                        let state = last.lock().map(|s| s.clone()).unwrap_or_default();
                        eprintln!(
                            "{case}: waiting for pod `{name}` to be running ({state}, {}s)",
                            start.elapsed().as_secs()
                        );
                    }
                }
            }
        }
    };
    let phase = phase.map_err(|message| Error::Unschedulable {
        pod: name.to_string(),
        message,
    })?;
    if phase == "Running" {
        Ok(())
    } else {
        Err(Error::PodNotRunning {
            pod: name.to_string(),
            phase,
        })
    }
}

/// The scheduler's verdict when it could not place the Pod: the `PodScheduled` condition
/// `False` with reason `Unschedulable`, and its message (`0/3 nodes are available: ...`).
/// The scheduler retries, but nothing the case does will change its answer.
fn unschedulable(pod: &Pod) -> Option<String> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.reason.as_deref() == Some("Unschedulable")
        })
        .map(|c| {
            c.message
                .clone()
                .unwrap_or_else(|| "no reason given".into())
        })
}

/// Waits for the scheduler's answer on Pod `name`: bound (`spec.nodeName`, with the node's
/// labels), or `PodScheduled` `False`/`Unschedulable` (it retries, but the answer stands:
/// nothing the case does changes it). Polled, as the answer comes within a second or two;
/// the case's timeout bounds the wait.
async fn wait_for_scheduling(
    client: &Client,
    namespace: &str,
    name: &str,
    retry: &RetryPolicy,
) -> Result<Scheduling, Error> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let op = Op::new("get", "", "pods", Some(namespace));
    let (pods, op) = (&pods, &op);
    let answer = SCHEDULING_POLL
        .run(|_| async move {
            let pod = match with_retry(retry, op, || pods.get(name)).await {
                Ok(pod) => pod,
                Err(e) => return Attempt::Done(Err(e)),
            };
            if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
                let nodes: Api<k8s_openapi::api::core::v1::Node> = Api::all(client.clone());
                let op = Op::new("get", "", "nodes", None);
                let bound =
                    with_retry(retry, &op, || nodes.get(&node))
                        .await
                        .map(|n| Scheduling::Bound {
                            node: node.clone(),
                            labels: n.metadata.labels.unwrap_or_default(),
                        });
                return Attempt::Done(bound);
            }
            match unschedulable(&pod) {
                Some(message) => Attempt::Done(Ok(Scheduling::Unschedulable { message })),
                None => Attempt::Retry(()),
            }
        })
        .await;
    answer.unwrap_or_else(|gave_up| {
        Err(polled_out(
            "waiting for the scheduler",
            &SCHEDULING_POLL,
            gave_up.tries,
        ))
    })
}

/// How often the wait for Running says what it is waiting for.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// What `jjo gc` found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GcReport {
    /// Deleted now (`namespaces/<name>`, or `<plural>/<name>` in a shared namespace).
    pub deleted: Vec<String>,
    /// Already being deleted (a `deletionTimestamp`, or a namespace answering 409): they
    /// go on their own.
    pub terminating: Vec<String>,
    /// Still there, with the error that kept them (or the list that failed).
    pub left: Vec<(String, String)>,
}

/// Deletes leftovers of earlier runs: namespaces labelled [`RUN_ID_LABEL`] (all, or only
/// those of `run_id`), or in namespace-scoped mode the labelled Jobs and setup objects
/// ([`SETUP_KINDS`]) in `namespace`. Objects already being deleted are skipped; a
/// namespace that answers 409 is Terminating (kubernetes
/// `pkg/registry/core/namespace/storage/storage.go`: "The system is ensuring all content is
/// removed from this namespace"), so it counts as on its way out. An error on one object
/// does not stop the sweep: it is reported in [`GcReport::left`].
pub async fn gc(
    client: &Client,
    namespace: Option<&str>,
    run_id: Option<&str>,
    retry: &RetryPolicy,
) -> Result<GcReport, Error> {
    let selector = match run_id {
        Some(run_id) => format!("{RUN_ID_LABEL}={}", dns_label_part(run_id, 63)),
        None => RUN_ID_LABEL.to_string(),
    };
    let lp = ListParams::default().labels(&selector);
    let dp = kube::api::DeleteParams {
        propagation_policy: Some(kube::api::PropagationPolicy::Background),
        ..Default::default()
    };
    let mut report = GcReport::default();
    let mut resources: Vec<ApiResource> = Vec::new();
    match namespace {
        None => resources.push(ApiResource::erase::<Namespace>(&())),
        Some(_) => {
            resources.push(ApiResource::erase::<k8s_openapi::api::batch::v1::Job>(&()));
            for (version, kind, _) in SETUP_KINDS {
                resources.push(ApiResource::from_gvk(&GroupVersionKind::gvk(
                    "", version, kind,
                )));
            }
        }
    }
    for resource in resources {
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
            None => Api::all_with(client.clone(), &resource),
        };
        let op = Op::new("list", &resource.group, &resource.plural, namespace);
        let list = match with_retry(retry, &op, || api.list(&lp)).await {
            Ok(list) => list,
            Err(err) => {
                report
                    .left
                    .push((format!("{}/*", resource.plural), err.to_string()));
                continue;
            }
        };
        for object in list.items {
            let name = format!("{}/{}", resource.plural, object.name_any());
            if object.metadata.deletion_timestamp.is_some() {
                report.terminating.push(name);
                continue;
            }
            let op = Op::new("delete", &resource.group, &resource.plural, namespace);
            let object_name = object.name_any();
            match with_retry(retry, &op, || api.delete(&object_name, &dp)).await {
                Ok(_) | Err(Error::Api { code: 404, .. }) => report.deleted.push(name),
                Err(Error::Api { code: 409, .. }) if namespace.is_none() => {
                    report.terminating.push(name)
                }
                Err(err) => report.left.push((name, err.to_string())),
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_message_becomes_one_finding_per_field() {
        let status = json!({"kind": "Status", "code": 400, "reason": "BadRequest",
            "message": "Job in version \"v1\" cannot be handled as a Job: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[0].bar\""});
        let findings = status_findings(&status);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].field.as_deref(), Some("spec.foo"));
        assert_eq!(
            findings[1].field.as_deref(),
            Some("spec.template.spec.containers[0].bar")
        );
        assert_eq!(findings[1].reason.as_deref(), Some("FieldValueUnknown"));
    }

    #[test]
    fn invalid_causes_become_findings_with_fields() {
        let status = json!({"code": 422, "reason": "Invalid", "message": "Job is invalid",
            "details": {"causes": [{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.template.spec.containers[0].image"}]}});
        let findings = status_findings(&status);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].field.as_deref(),
            Some("spec.template.spec.containers[0].image")
        );
        assert_eq!(findings[0].reason.as_deref(), Some("FieldValueRequired"));
    }

    #[test]
    fn warning_headers_are_unquoted() {
        assert_eq!(
            warning_text("299 - \"spec.foo: deprecated\""),
            "spec.foo: deprecated"
        );
        assert_eq!(warning_text("plain"), "plain");
    }

    #[test]
    fn labels_are_added_and_bad_metadata_is_an_error() {
        let labels = own_labels("My Case", "run1", "tok");
        let mut job = json!({"metadata": {"labels": {"a": "b"}}});
        assert!(add_labels(&mut job, &labels, "job").is_ok());
        assert_eq!(job["metadata"]["labels"]["a"], "b");
        assert_eq!(job["metadata"]["labels"][RUN_ID_LABEL], "run1");
        assert_eq!(job["metadata"]["labels"][CASE_LABEL], "my-case");
        let mut bad = json!({"metadata": {"labels": []}});
        assert!(matches!(
            add_labels(&mut bad, &labels, "job"),
            Err(Error::BadObject { .. })
        ));
    }

    #[test]
    fn an_unschedulable_pod_says_why() {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "status": {"phase": "Pending", "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/1 nodes are available: 1 node(s) had untolerated taint(s)."
            }]}
        }))
        .expect("pod");
        assert_eq!(
            unschedulable(&pod).as_deref(),
            Some("0/1 nodes are available: 1 node(s) had untolerated taint(s).")
        );
        let scheduled: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}]}
        }))
        .expect("pod");
        assert_eq!(unschedulable(&scheduled), None);
    }

    #[test]
    fn transient_service_account_refusals_are_not_rejections() {
        assert!(transient_refusal(
            "Error creating: pods \"x-\" is forbidden: error looking up service account ns/default: serviceaccount \"default\" not found"
        ));
        assert!(!transient_refusal(
            "Error creating: pods \"x-\" is forbidden: violates PodSecurity \"restricted:latest\""
        ));
    }

    #[test]
    fn setup_objects_map_to_their_resource() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        let resource = api_resource(&cm, "setup object 1").ok();
        assert_eq!(
            resource.map(|r| (r.group, r.plural)),
            Some((String::new(), "configmaps".into()))
        );
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role"});
        assert_eq!(
            api_resource(&role, "x").ok().map(|r| r.plural),
            Some("roles".into())
        );
        assert!(api_resource(&json!({"kind": "X"}), "x").is_err());
    }
}
