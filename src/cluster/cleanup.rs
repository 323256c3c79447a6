//! Cleanup of what a live case created: a registry of live targets (for Ctrl-C), a guard
//! that deletes in the background when a case future is dropped, and the handle `--keep`
//! hands to the caller.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kube::Client;
use kube::api::{Api, DeleteParams, DynamicObject, PropagationPolicy};
use kube::core::ApiResource;

use super::Error;
use super::retry::{Op, RetryPolicy, with_retry};

/// What has to be deleted after a case.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// A namespace of its own: deleting it deletes everything in it.
    Namespace(String),
    /// Objects in a shared namespace, deleted one by one (the Job with its Pods).
    Objects {
        namespace: String,
        objects: Vec<(ApiResource, String)>,
    },
}

impl Target {
    /// The namespace the target lives in.
    pub(crate) fn namespace(&self) -> &str {
        match self {
            Target::Namespace(ns) | Target::Objects { namespace: ns, .. } => ns,
        }
    }

    /// kubectl commands to inspect what is kept.
    pub(crate) fn inspect(&self) -> String {
        let ns = self.namespace();
        let mut out =
            format!("    kubectl get all,events -n {ns}\n    kubectl describe jobs,pods -n {ns}\n");
        match self {
            Target::Namespace(_) => {
                out.push_str(&format!("    kubectl delete namespace {ns}   # when done"))
            }
            Target::Objects { objects, .. } => {
                for (resource, name) in objects {
                    out.push_str(&format!(
                        "    kubectl delete -n {ns} {}/{name}   # when done\n",
                        resource.plural
                    ));
                }
                out.truncate(out.trim_end().len());
            }
        }
        out
    }
}

/// Deletes a target; a missing object counts as deleted. Background propagation, so the
/// call returns at once and the namespace (or Job's Pods) terminate on the server.
pub(crate) async fn delete_target(
    client: &Client,
    target: &Target,
    retry: &RetryPolicy,
) -> Result<(), Error> {
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..Default::default()
    };
    match target {
        Target::Namespace(ns) => {
            let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
            let op = Op::new("delete", "", "namespaces", None);
            ignore_not_found(with_retry(retry, &op, || api.delete(ns, &dp)).await)
        }
        Target::Objects { namespace, objects } => {
            let mut first_error = None;
            for (resource, name) in objects {
                let api: Api<DynamicObject> =
                    Api::namespaced_with(client.clone(), namespace, resource);
                let op = Op::new("delete", &resource.group, &resource.plural, Some(namespace));
                if let Err(err) =
                    ignore_not_found(with_retry(retry, &op, || api.delete(name, &dp)).await)
                {
                    first_error.get_or_insert(err);
                }
            }
            first_error.map_or(Ok(()), Err)
        }
    }
}

fn ignore_not_found<T>(result: Result<T, Error>) -> Result<(), Error> {
    match result {
        Ok(_) | Err(Error::Api { code: 404, .. }) => Ok(()),
        Err(err) => Err(err),
    }
}

struct Registered {
    run_id: String,
    client: Client,
    target: Target,
    retry: RetryPolicy,
}

static REGISTRY: Mutex<BTreeMap<u64, Registered>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn registry() -> std::sync::MutexGuard<'static, BTreeMap<u64, Registered>> {
    // A panic while holding the lock leaves the map itself intact.
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A registered cleanup target; dropping it while armed deletes the target in the
/// background (a case future cancelled or unwound by a panic).
pub(crate) struct Guard {
    id: u64,
    armed: bool,
}

impl Guard {
    /// Registers a target so Ctrl-C and drops clean it up.
    pub(crate) fn register(
        client: &Client,
        run_id: &str,
        target: Target,
        retry: RetryPolicy,
    ) -> Guard {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        registry().insert(
            id,
            Registered {
                run_id: run_id.to_string(),
                client: client.clone(),
                target,
                retry,
            },
        );
        Guard { id, armed: true }
    }

    /// Adds an object to a shared-namespace target.
    pub(crate) fn add_object(&self, resource: ApiResource, name: String) {
        if let Some(Registered {
            target: Target::Objects { objects, .. },
            ..
        }) = registry().get_mut(&self.id)
        {
            objects.push((resource, name));
        }
    }

    /// Drops an object from a shared-namespace target: it turned out not to be ours, so
    /// the case's cleanup must leave it alone.
    pub(crate) fn forget_object(&self, resource: &ApiResource, name: &str) {
        if let Some(Registered {
            target: Target::Objects { objects, .. },
            ..
        }) = registry().get_mut(&self.id)
        {
            objects.retain(|(r, n)| !(r == resource && n == name));
        }
    }

    /// Unregisters without deleting: the target is not ours, or the user keeps it.
    pub(crate) fn forget(mut self) {
        self.armed = false;
        registry().remove(&self.id);
    }

    /// The registered target.
    pub(crate) fn target(&self) -> Option<Target> {
        registry().get(&self.id).map(|r| r.target.clone())
    }

    /// Deletes the target now and unregisters it.
    pub(crate) async fn delete_now(mut self) -> Result<Duration, Error> {
        self.armed = false;
        let entry = registry().remove(&self.id);
        let start = Instant::now();
        if let Some(entry) = entry {
            delete_target(&entry.client, &entry.target, &entry.retry).await?;
        }
        Ok(start.elapsed())
    }

    /// Unregisters without deleting; the caller takes over (`--keep`).
    pub(crate) fn into_handle(mut self) -> Option<CleanupHandle> {
        self.armed = false;
        registry()
            .remove(&self.id)
            .map(|entry| CleanupHandle { entry: Some(entry) })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Some(entry) = registry().remove(&self.id) {
            spawn_delete(entry);
        }
    }
}

fn spawn_delete(entry: Registered) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            let _ = delete_target(&entry.client, &entry.target, &entry.retry).await;
        });
    }
}

/// What happened to a case's objects after the case.
#[derive(Debug)]
pub enum Cleanup {
    /// Deleted (the namespace terminates in the background).
    Deleted {
        /// How long the delete requests took.
        took: Duration,
    },
    /// Deleting failed; the objects may be left (`jjo gc` removes them later).
    Failed {
        /// Why.
        message: String,
    },
    /// `--keep`: nothing deleted yet; call [`Cleanup::finish`] once the case's verdict is known.
    Pending(CleanupHandle),
}

impl Cleanup {
    /// With `--keep`, deletes when the case passed and keeps (returning how to inspect it)
    /// when it failed; does nothing for other states.
    pub async fn finish(self, failed: bool) -> Result<Option<String>, Error> {
        match self {
            Cleanup::Pending(handle) if failed => Ok(Some(handle.keep())),
            Cleanup::Pending(handle) => handle.delete().await.map(|_| None),
            _ => Ok(None),
        }
    }
}

/// Objects of a finished case that `--keep` left for the caller; dropped unused, it deletes
/// them in the background.
pub struct CleanupHandle {
    entry: Option<Registered>,
}

impl std::fmt::Debug for CleanupHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ns = self
            .entry
            .as_ref()
            .map(|e| e.target.namespace().to_string());
        f.debug_struct("CleanupHandle")
            .field("namespace", &ns)
            .finish()
    }
}

impl CleanupHandle {
    /// The namespace the objects are in.
    pub fn namespace(&self) -> Option<&str> {
        self.entry.as_ref().map(|e| e.target.namespace())
    }

    /// Deletes the objects now.
    pub async fn delete(mut self) -> Result<Duration, Error> {
        let start = Instant::now();
        if let Some(entry) = self.entry.take() {
            delete_target(&entry.client, &entry.target, &entry.retry).await?;
        }
        Ok(start.elapsed())
    }

    /// Keeps the objects and returns kubectl commands to inspect them.
    pub fn keep(mut self) -> String {
        self.entry
            .take()
            .map(|e| e.target.inspect())
            .unwrap_or_default()
    }
}

impl Drop for CleanupHandle {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            spawn_delete(entry);
        }
    }
}

/// Deletes the targets of cases still running in this process (namespaces and objects),
/// all of them or those of one run id; returns how many were deleted. Called on Ctrl-C.
pub async fn cleanup_registered(run_id: Option<&str>) -> usize {
    let entries: Vec<Registered> = {
        let mut registry = registry();
        let ids: Vec<u64> = registry
            .iter()
            .filter(|(_, e)| run_id.is_none_or(|r| r == e.run_id))
            .map(|(id, _)| *id)
            .collect();
        ids.iter().filter_map(|id| registry.remove(id)).collect()
    };
    let deletes = entries
        .iter()
        .map(|e| delete_target(&e.client, &e.target, &e.retry));
    let results = futures_util::future::join_all(deletes).await;
    results.iter().filter(|r| r.is_ok()).count()
}

/// What else must go on Ctrl-C once the namespaces are deleted: local control planes,
/// whose processes and directory `process::exit` would otherwise leave to their watcher.
type Hook = Box<dyn FnOnce() + Send>;

static HOOKS: Mutex<BTreeMap<u64, Hook>> = Mutex::new(BTreeMap::new());

fn hooks() -> std::sync::MutexGuard<'static, BTreeMap<u64, Hook>> {
    HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers `hook` to run on Ctrl-C after the namespaces are deleted; returns its id.
pub(crate) fn on_interrupt(hook: Hook) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    hooks().insert(id, hook);
    id
}

/// Unregisters a hook (its owner stopped on its own).
pub(crate) fn remove_interrupt_hook(id: u64) {
    hooks().remove(&id);
}

/// Runs and unregisters every hook.
fn run_hooks() {
    let all: Vec<Hook> = std::mem::take(&mut *hooks()).into_values().collect();
    for hook in all {
        hook();
    }
}

/// Installs a Ctrl-C handler that deletes the namespaces of running cases (within `grace`),
/// stops local control planes, then exits with 130. Call once per process from inside the
/// tokio runtime.
pub fn install_interrupt_handler(grace: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted: deleting the namespaces of running cases");
            let _ = tokio::time::timeout(grace, cleanup_registered(None)).await;
            if !hooks().is_empty() {
                eprintln!("interrupted: stopping the local control plane");
                let _ = tokio::task::spawn_blocking(run_hooks).await;
            }
            std::process::exit(130);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_names_the_namespace_and_how_to_delete_it() {
        let text = Target::Namespace("jjo-a-bcdfg".into()).inspect();
        assert!(
            text.contains("kubectl get all,events -n jjo-a-bcdfg"),
            "{text}"
        );
        assert!(
            text.contains("kubectl delete namespace jjo-a-bcdfg"),
            "{text}"
        );
        let resource = ApiResource::erase::<k8s_openapi::api::batch::v1::Job>(&());
        let text = Target::Objects {
            namespace: "team".into(),
            objects: vec![(resource, "job-x".into())],
        }
        .inspect();
        assert!(text.contains("kubectl delete -n team jobs/job-x"), "{text}");
    }
}
