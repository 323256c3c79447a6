//! A small Kubernetes API double on 127.0.0.1 for the live tests: namespaces, Jobs (strict
//! field validation, dry run), Pods made from a fixed Pod fixture, events, list + watch
//! (JSON lines), delete, exec over WebSocket, and fault injection.
//!
//! It knows nothing of jjo's prediction: the Pod it serves is the Job's template filled from
//! `fixtures/job-pod.yaml`, a real captured Pod of a Job (see the fixture overlay below).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures_util::SinkExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::{Message, handshake::derive_accept_key};

/// A real captured Pod of a Job (EKS 1.27, the watch `ADDED` object, so `Pending`); its
/// source is in `README.md`.
const POD_FIXTURE: &str = include_str!("fixtures/job-pod.yaml");
/// A Running status in the shape of a 1.33 kind node's, written by hand: the capture above
/// was taken before the Pod was scheduled.
const RUNNING_STATUS: &str = include_str!("fixtures/running-status.json");

type Body = BoxBody<Bytes, std::io::Error>;

/// An injected HTTP error: the next `times` requests with this method whose path contains
/// `path` get `status`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub status: u16,
    pub times: usize,
}

/// Faults a test turns on.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// HTTP errors for matching requests.
    pub rules: Vec<Rule>,
    /// The first `n` watches on this resource (`pods`, `events`) break off mid-stream.
    pub drop_watches: Option<(&'static str, usize)>,
    /// The Job controller never makes a Pod.
    pub no_pod: bool,
    /// The Job controller's Pod create is refused with this message (a FailedCreate event).
    pub failed_create: Option<String>,
    /// How long after the Job the Pod appears.
    pub pod_delay: Duration,
    /// Every response is delayed this long.
    pub delay: Duration,
    /// A `Warning` header on Job creates.
    pub warning: Option<String>,
    /// The Pod Security level enforced where a namespace has no
    /// `pod-security.kubernetes.io/enforce` label: the `defaults.enforce` of the PodSecurity
    /// admission plugin's configuration, a setting of the cluster, not of the namespace.
    pub pod_security: Option<&'static str>,
    /// The server's version (`/version`, `v1.33.1` when `None`); the Job schema and the
    /// feature gates follow it (see [`FIELD_HISTORY`]).
    pub version: Option<&'static str>,
    /// The first `n` watch requests on this resource answer HTTP 410 Gone.
    pub gone_watches: Option<(&'static str, usize)>,
    /// The first `n` watches on this resource send a `Status` (410 Expired) `ERROR` event
    /// and end, as the watch cache does for a compacted resourceVersion.
    pub expired_watches: Option<(&'static str, usize)>,
    /// The first `n` watches on this resource send a `Status` (500 InternalError) `ERROR`
    /// event and end, as the server does when it gives up on a watch.
    pub failing_watches: Option<(&'static str, usize)>,
    /// How long a deleted namespace stays `Terminating` (its `kubernetes` finalizer)
    /// before it and its contents are gone; a second delete meanwhile answers 200 with it,
    /// as does one while a `metadata.finalizers` entry still holds it.
    pub terminating: Duration,
    /// How long after a namespace its `default` ServiceAccount appears (the
    /// serviceaccount controller's work).
    pub service_account_delay: Duration,
    /// How long each kubelet step takes: scheduled, `ContainerCreating`, `Running`.
    pub kubelet_step: Duration,
    /// No node takes the Pod: it stays as the Job controller created it (`Pending`, no
    /// `nodeName`, no container statuses), as on a cluster without room for it.
    pub unschedulable: bool,
    /// A validating admission webhook (`validation.gatekeeper.sh`) that answers 403 to a
    /// Job create with a privileged container.
    pub webhook_denies_privileged: bool,
}

/// When Job and Pod fields came to the API, from kubernetes `pkg/features/kube_features.go`
/// and the API types: (path, minor release the field entered the schema, minor release
/// its feature gate is on by default). Before the first a server does not know the field
/// (decoding reports it unknown); between the two it is known but dropped on create by the
/// Job strategy (`dropDisabledFields`), silently. Written for the double from the
/// Kubernetes sources, independently of jjo's own table.
pub const FIELD_HISTORY: &[(&str, u8, u8)] = &[
    ("spec.managedBy", 30, 32),
    ("spec.successPolicy", 30, 31),
    ("spec.template.spec.resources", 32, 34),
    (
        "spec.template.spec.securityContext.supplementalGroupsPolicy",
        31,
        33,
    ),
    (
        "spec.template.spec.containers[*].volumeMounts[*].recursiveReadOnly",
        30,
        31,
    ),
    (
        "spec.template.spec.initContainers[*].volumeMounts[*].recursiveReadOnly",
        30,
        31,
    ),
];

/// What happened to a namespace, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsEvent {
    Created(String),
    Deleted(String),
}

#[derive(Default)]
struct State {
    rv: u64,
    /// (resource, namespace, name) → object; cluster-scoped objects have namespace "".
    objects: BTreeMap<(String, String, String), Value>,
    /// Every change, for watches: (resourceVersion, resource, namespace, type, object).
    log: Vec<(u64, String, String, &'static str, Value)>,
    namespaces: Vec<NsEvent>,
    requests: Vec<String>,
    faults: Faults,
    watches: BTreeMap<String, usize>,
    next: u64,
}

/// A running double.
pub struct Double {
    pub url: String,
    state: Arc<Mutex<State>>,
    notify: Arc<Notify>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Double {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl Double {
    /// Starts the double on a random port with the given faults.
    pub async fn start(faults: Faults) -> Double {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let mut state = State {
            faults,
            ..State::default()
        };
        // kind's one node, Ready.
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kind-control-plane"},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
        store(&mut state, "nodes", "", node, "ADDED");
        let state = Arc::new(Mutex::new(state));
        let notify = Arc::new(Notify::new());
        let (s, n) = (state.clone(), notify.clone());
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (s, n) = (s.clone(), n.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let (s, n) = (s.clone(), n.clone());
                        async move { Ok::<_, Infallible>(handle(req, s, n).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Double {
            url,
            state,
            notify,
            server,
        }
    }

    /// A kube client talking plain HTTP to the double.
    pub fn client(&self) -> kube::Client {
        let mut config = kube::Config::new(self.url.parse().expect("double url"));
        config.default_namespace = "default".into();
        jjo::cluster::client_from_config(config).expect("client")
    }

    /// Puts an object in place directly (a leftover of an earlier run).
    pub fn insert(&self, resource: &str, namespace: &str, object: Value) {
        let mut state = lock(&self.state);
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if resource == "namespaces" {
            state.namespaces.push(NsEvent::Created(name.clone()));
        }
        let mut object = object;
        if resource == "resourcequotas" && object["status"]["hard"].is_null() {
            // One that was there before has its status from the resourcequota controller.
            object["status"] = json!({"hard": object["spec"]["hard"].clone()});
        }
        store(&mut state, resource, namespace, object, "ADDED");
        self.notify.notify_waiters();
    }

    /// A namespace as a real cluster has it: with its `default` ServiceAccount.
    pub fn namespace(&self, name: &str) {
        self.insert(
            "namespaces",
            "",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        );
        self.insert(
            "serviceaccounts",
            name,
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}}),
        );
    }

    /// Waits (up to 5 s) until no namespace is `Terminating`.
    pub async fn wait_terminated(&self) {
        for _ in 0..500 {
            if self.terminating().is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// An object as stored now.
    pub fn get(&self, resource: &str, namespace: &str, name: &str) -> Option<Value> {
        let key = (
            resource.to_string(),
            namespace.to_string(),
            name.to_string(),
        );
        lock(&self.state).objects.get(&key).cloned()
    }

    /// Namespaces that exist now and are not being deleted.
    pub fn namespaces(&self) -> Vec<String> {
        let state = lock(&self.state);
        state
            .objects
            .iter()
            .filter(|((r, _, _), o)| {
                r == "namespaces" && o["metadata"]["deletionTimestamp"].is_null()
            })
            .map(|((_, _, n), _)| n.clone())
            .collect()
    }

    /// Namespaces that are `Terminating` now.
    pub fn terminating(&self) -> Vec<String> {
        let state = lock(&self.state);
        state
            .objects
            .iter()
            .filter(|((r, _, _), o)| {
                r == "namespaces" && !o["metadata"]["deletionTimestamp"].is_null()
            })
            .map(|((_, _, n), _)| n.clone())
            .collect()
    }

    /// Every namespace created and deleted, in order.
    pub fn namespace_log(&self) -> Vec<NsEvent> {
        lock(&self.state).namespaces.clone()
    }

    /// Objects of a resource that exist now, as (namespace, name).
    pub fn objects(&self, resource: &str) -> Vec<(String, String)> {
        let state = lock(&self.state);
        state
            .objects
            .keys()
            .filter(|(r, _, _)| r == resource)
            .map(|(_, ns, n)| (ns.clone(), n.clone()))
            .collect()
    }

    /// How many requests matched `METHOD path-fragment`.
    pub fn count(&self, method: &str, path: &str) -> usize {
        let state = lock(&self.state);
        state
            .requests
            .iter()
            .filter(|r| r.starts_with(method) && r.contains(path))
            .count()
    }

    /// Every object of a resource ever stored (created), in order, as first stored.
    pub fn created(&self, resource: &str) -> Vec<Value> {
        let state = lock(&self.state);
        state
            .log
            .iter()
            .filter(|(_, r, _, kind, _)| r == resource && *kind == "ADDED")
            .map(|(_, _, _, _, o)| o.clone())
            .collect()
    }

    /// All requests seen, as `METHOD path?query`.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.state).requests.clone()
    }

    /// Asserts that no namespace exists now (one that is `Terminating` is on its way out)
    /// and that every namespace created was deleted again (as often as namespaces were
    /// created).
    pub fn assert_none_left(&self) {
        let left = self.namespaces();
        assert!(left.is_empty(), "left behind: {left:?}");
        let log = self.namespace_log();
        let created: Vec<&String> = log
            .iter()
            .filter_map(|e| match e {
                NsEvent::Created(n) => Some(n),
                NsEvent::Deleted(_) => None,
            })
            .collect();
        for name in &created {
            assert!(
                log.contains(&NsEvent::Deleted((*name).clone())),
                "`{name}` was never deleted: {log:?}"
            );
        }
        assert_eq!(created.len() * 2, log.len(), "{log:?}");
    }
}

/// The stored object `name` of `target`'s resource, or the API server's 404.
// The error is the response itself, handed straight back by every caller.
#[allow(clippy::result_large_err)]
fn stored(s: &State, target: &Target, name: &str) -> Result<Value, Response<Body>> {
    let key = (
        target.resource.clone(),
        target.namespace.clone(),
        name.to_string(),
    );
    s.objects.get(&key).cloned().ok_or_else(|| {
        let message = format!("{} \"{name}\" not found", target.resource);
        reply(404, &status(404, "NotFound", &message))
    })
}

/// Whether a finalizer in `metadata.finalizers` holds the object.
fn holds(object: &Value) -> bool {
    object["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| !f.is_empty())
}

/// A JSON merge patch (`application/merge-patch+json`, RFC 7386, what `kubectl patch
/// --type merge` sends). A Terminating namespace whose content is gone (its `kubernetes`
/// finalizer done) and whose last finalizer the patch removes goes at once.
fn patch(
    state: &Arc<Mutex<State>>,
    notify: &Arc<Notify>,
    target: &Target,
    name: &str,
    body: &[u8],
) -> Response<Body> {
    let Ok(merge) = serde_json::from_slice::<Value>(body) else {
        return reply(400, &status(400, "BadRequest", "the body is not JSON"));
    };
    let mut s = lock(state);
    let mut object = match stored(&s, target, name) {
        Ok(object) => object,
        Err(not_found) => return not_found,
    };
    json_patch::merge(&mut object, &merge);
    let gone = target.resource == "namespaces"
        && !object["metadata"]["deletionTimestamp"].is_null()
        && object["spec"]["finalizers"]
            .as_array()
            .is_some_and(|f| f.is_empty())
        && !holds(&object);
    let kind = if gone { "DELETED" } else { "MODIFIED" };
    let stored = store(&mut s, &target.resource, &target.namespace, object, kind);
    drop(s);
    notify.notify_waiters();
    reply(200, &stored)
}

fn store(
    state: &mut State,
    resource: &str,
    namespace: &str,
    mut object: Value,
    kind: &'static str,
) -> Value {
    state.rv += 1;
    let rv = state.rv;
    object["metadata"]["resourceVersion"] = rv.to_string().into();
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let key = (resource.to_string(), namespace.to_string(), name);
    if kind == "DELETED" {
        state.objects.remove(&key);
    } else {
        state.objects.insert(key, object.clone());
    }
    state.log.push((
        rv,
        resource.to_string(),
        namespace.to_string(),
        kind,
        object.clone(),
    ));
    object
}

fn uid(state: &mut State) -> String {
    state.next += 1;
    format!("00000000-0000-4000-8000-{:012x}", state.next)
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

fn reply(code: u16, value: &Value) -> Response<Body> {
    let body = Full::new(Bytes::from(value.to_string()))
        .map_err(|never| match never {})
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("header"));
    response
}

/// A parsed request path.
struct Target {
    /// The API group (`batch`), empty for the core group.
    group: String,
    resource: String,
    namespace: String,
    name: Option<String>,
    sub: Option<String>,
}

impl Target {
    /// The resource as the API server's messages name it: `jobs.batch`, `configmaps`.
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

fn parse_path(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, rest) = match parts.as_slice() {
        ["api", "v1", rest @ ..] => ("", rest),
        ["apis", group, _version, rest @ ..] => (*group, rest),
        _ => return None,
    };
    let group = group.to_string();
    let owned = |s: &&str| s.to_string();
    match rest {
        ["namespaces"] => Some(Target {
            group: group.clone(),
            resource: "namespaces".into(),
            namespace: String::new(),
            name: None,
            sub: None,
        }),
        ["namespaces", name] => Some(Target {
            group: group.clone(),
            resource: "namespaces".into(),
            namespace: String::new(),
            name: Some(name.to_string()),
            sub: None,
        }),
        ["namespaces", ns, resource, rest @ ..] => Some(Target {
            group: group.clone(),
            resource: resource.to_string(),
            namespace: ns.to_string(),
            name: rest.first().map(owned),
            sub: rest.get(1).map(owned),
        }),
        [resource, rest @ ..] => Some(Target {
            group: group.clone(),
            resource: resource.to_string(),
            namespace: String::new(),
            name: rest.first().map(owned),
            sub: None,
        }),
        [] => None,
    }
}

fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Selectors of the equality and existence forms (`a=b`, `a==b`, `a!=b`, `a`, `!a`,
/// comma-joined) against a flat string map found at `lookup`.
fn matches(selector: Option<&String>, lookup: impl Fn(&str) -> Option<String>) -> bool {
    selector.is_none_or(|sel| {
        sel.split(',').filter(|p| !p.is_empty()).all(|part| {
            if let Some((key, value)) = part.split_once("!=") {
                return lookup(key).as_deref() != Some(value);
            }
            if let Some((key, value)) = part.split_once('=') {
                let value = value.trim_start_matches('=');
                return lookup(key).as_deref() == Some(value);
            }
            match part.strip_prefix('!') {
                Some(key) => lookup(key).is_none(),
                None => lookup(part).is_some(),
            }
        })
    })
}

fn selected(object: &Value, labels: Option<&String>, fields: Option<&String>) -> bool {
    matches(labels, |k| {
        object["metadata"]["labels"][k].as_str().map(str::to_string)
    }) && matches(fields, |k| {
        let pointer = format!("/{}", k.replace('.', "/"));
        object
            .pointer(&pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    })
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
    notify: Arc<Notify>,
) -> Response<Body> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let delay = {
        let mut s = lock(&state);
        s.requests.push(format!("{method} {path}?{query}"));
        // An injected error for this request?
        let hit = s
            .faults
            .rules
            .iter_mut()
            .find(|r| r.times > 0 && r.method == method && path.contains(r.path));
        if let Some(rule) = hit {
            rule.times -= 1;
            let code = rule.status;
            let (reason, message) = match code {
                403 => ("Forbidden", forbidden_message(&method, &path)),
                409 if method == "DELETE" => (
                    "Conflict",
                    format!(
                        "Operation cannot be fulfilled on {}: The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
                        path.rsplit('/').next().unwrap_or_default()
                    ),
                ),
                409 => ("AlreadyExists", "the object already exists".to_string()),
                429 => (
                    "TooManyRequests",
                    "too many requests, please try again later".to_string(),
                ),
                _ => (
                    "InternalError",
                    "Internal error occurred: injected by the test double".to_string(),
                ),
            };
            return reply(code, &status(code, reason, &message));
        }
        s.faults.delay
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let params = query_params(&query);
    let param = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if path == "/version" {
        let version = lock(&state).faults.version.unwrap_or(DEFAULT_VERSION);
        let minor = minor_of(version);
        return reply(
            200,
            &json!({"major": "1", "minor": minor.to_string(), "gitVersion": version,
                "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.24.0",
                "compiler": "gc", "platform": "linux/amd64"}),
        );
    }
    let Some(target) = parse_path(&path) else {
        return reply(
            404,
            &status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        );
    };
    if target.sub.as_deref() == Some("exec") {
        return exec(req, &params, &state, &target);
    }
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    match (method.as_str(), &target.name) {
        ("POST", None) => create(
            &state,
            &notify,
            &target,
            &body,
            param("dryRun").is_some(),
            param("fieldValidation"),
            param("fieldManager"),
        ),
        ("GET", None) if param("watch").is_some_and(|w| w == "true" || w == "1") => watch(
            &state,
            &notify,
            &target,
            param("resourceVersion"),
            param("labelSelector"),
            param("fieldSelector"),
            param("timeoutSeconds"),
        ),
        ("GET", None) => {
            let s = lock(&state);
            let items: Vec<Value> = s
                .objects
                .iter()
                .filter(|((r, ns, _), _)| {
                    *r == target.resource
                        && (target.namespace.is_empty() || *ns == target.namespace)
                })
                .map(|(_, o)| o.clone())
                .filter(|o| {
                    selected(
                        o,
                        param("labelSelector").as_ref(),
                        param("fieldSelector").as_ref(),
                    )
                })
                .collect();
            reply(
                200,
                &json!({"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": s.rv.to_string()}, "items": items}),
            )
        }
        ("GET", Some(name)) => {
            let s = lock(&state);
            match s.objects.get(&(
                target.resource.clone(),
                target.namespace.clone(),
                name.clone(),
            )) {
                Some(object) => reply(200, object),
                None => reply(
                    404,
                    &status(
                        404,
                        "NotFound",
                        &format!("{} \"{name}\" not found", target.resource),
                    ),
                ),
            }
        }
        ("DELETE", Some(name)) => delete(&state, &notify, &target, name),
        ("PATCH", Some(name)) => patch(&state, &notify, &target, name, &body),
        _ => reply(
            405,
            &status(405, "MethodNotAllowed", "not supported by the test double"),
        ),
    }
}

fn forbidden_message(method: &str, path: &str) -> String {
    let verb = match method {
        "POST" => "create",
        "DELETE" => "delete",
        _ => "get",
    };
    let resource = parse_path(path).map(|t| t.resource).unwrap_or_default();
    format!(
        "{resource} is forbidden: User \"system:serviceaccount:ci:jjo\" cannot {verb} resource \"{resource}\""
    )
}

/// The version the double serves when a test names none.
const DEFAULT_VERSION: &str = "v1.33.1";
/// When the double says things happened (its objects need a time, not a real one).
const NOW: &str = "2026-03-14T09:21:06Z";

/// `v1.33.1` → 33.
fn minor_of(version: &str) -> u8 {
    version
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(33)
}

/// A `Warning` header value as the API server writes it (`299 - "text"`, quotes escaped).
fn warning_header(text: &str) -> String {
    format!("299 - \"{}\"", text.replace('"', "\\\""))
}

fn with_warnings(mut response: Response<Body>, warnings: &[String]) -> Response<Body> {
    for text in warnings {
        if let Ok(value) = warning_header(text).parse() {
            response.headers_mut().append("warning", value);
        }
    }
    response
}

/// The paths in `object` a `FIELD_HISTORY` pattern (`a.b[*].c`) names, as (path in the
/// server's notation, JSON pointer).
fn history_paths(object: &Value, pattern: &str) -> Vec<(String, String)> {
    let mut found = vec![(String::new(), String::new(), object)];
    for segment in pattern.split('.') {
        let (key, all) = match segment.strip_suffix("[*]") {
            Some(key) => (key, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for (path, pointer, value) in found {
            let Some(child) = value.get(key) else {
                continue;
            };
            let path = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            let pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            if all {
                for (i, item) in child.as_array().into_iter().flatten().enumerate() {
                    next.push((format!("{path}[{i}]"), format!("{pointer}/{i}"), item));
                }
            } else {
                next.push((path, pointer, child));
            }
        }
        found = next;
    }
    found.into_iter().map(|(p, ptr, _)| (p, ptr)).collect()
}

fn remove_at(object: &mut Value, pointer: &str) {
    if let Some((parent, key)) = pointer.rsplit_once('/')
        && let Some(map) = object.pointer_mut(parent).and_then(Value::as_object_mut)
    {
        map.remove(&key.replace("~1", "/").replace("~0", "~"));
    }
}

/// Decoding a Job as the given server version does: the fields its schema does not know
/// (the 1.34 schema of k8s-openapi, less what [`FIELD_HISTORY`] says came later), in the
/// server's path notation.
fn unknown_job_fields(object: &Value, minor: u8) -> Vec<(String, Option<String>)> {
    let mut unknown: Vec<(String, Option<String>)> =
        unknown_fields::<k8s_openapi::api::batch::v1::Job>(object)
            .into_iter()
            .map(|f| (f, None))
            .collect();
    for (pattern, in_schema, _) in FIELD_HISTORY {
        if minor < *in_schema {
            for (path, pointer) in history_paths(object, pattern) {
                unknown.push((path, Some(pointer)));
            }
        }
    }
    unknown
}

/// The fields the Job strategy drops because their feature gate is off in this version.
fn drop_disabled_fields(object: &mut Value, minor: u8) {
    for (pattern, in_schema, on) in FIELD_HISTORY {
        if minor >= *in_schema && minor < *on {
            for (_, pointer) in history_paths(object, pattern) {
                remove_at(object, &pointer);
            }
        }
    }
}

/// The namespace's Pod Security enforce level: its label, else the cluster default.
fn enforced_level(s: &State, namespace: &str) -> Option<String> {
    s.objects
        .get(&("namespaces".into(), String::new(), namespace.to_string()))
        .and_then(|ns| ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"].as_str())
        .map(str::to_string)
        .or_else(|| s.faults.pod_security.map(str::to_string))
        .filter(|l| l != "privileged")
}

/// Validation of a Job's selector (kubernetes `pkg/apis/batch/validation/validation.go`
/// `validateJobSpec` with the strategy's `generateSelector`): a selector the user brings
/// without `manualSelector: true` is refused, and the template's labels must match it.
fn job_selector_errors(object: &Value) -> Vec<(String, String)> {
    let manual = object["spec"]["manualSelector"] == true;
    let mut errors = Vec::new();
    if !manual && !object["spec"]["selector"].is_null() {
        errors.push((
            "spec.selector".to_string(),
            format!(
                "Invalid value: {}: `selector` not auto-generated",
                object["spec"]["selector"]
            ),
        ));
    }
    errors
}

fn invalid(kind: &str, name: &str, errors: &[(String, String)]) -> Value {
    let causes: Vec<Value> = errors
        .iter()
        .map(|(field, message)| json!({"reason": "FieldValueInvalid", "message": message, "field": field}))
        .collect();
    let text: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
    let mut value = status(
        422,
        "Invalid",
        &format!("{kind}.batch \"{name}\" is invalid: {}", text.join(", ")),
    );
    value["details"] = json!({"name": name, "group": "batch", "kind": kind.to_lowercase() + "s", "causes": causes});
    value
}

#[allow(clippy::too_many_arguments)]
fn create(
    state: &Arc<Mutex<State>>,
    notify: &Arc<Notify>,
    target: &Target,
    body: &[u8],
    dry_run: bool,
    validation: Option<String>,
    manager: Option<String>,
) -> Response<Body> {
    let Ok(mut object) = serde_json::from_slice::<Value>(body) else {
        return reply(400, &status(400, "BadRequest", "the body is not JSON"));
    };
    let minor = minor_of(lock(state).faults.version.unwrap_or(DEFAULT_VERSION));
    let mut warnings = Vec::new();
    // Decoding: unknown fields by `fieldValidation` (default `Warn` since 1.27).
    if target.resource == "jobs" {
        let unknown = unknown_job_fields(&object, minor);
        match validation.as_deref().unwrap_or("Warn") {
            "Strict" if !unknown.is_empty() => {
                let fields: Vec<String> = unknown
                    .iter()
                    .map(|(f, _)| format!("unknown field \"{f}\""))
                    .collect();
                let message = format!(
                    "Job in version \"v1\" cannot be handled as a Job: strict decoding error: {}",
                    fields.join(", ")
                );
                return reply(400, &status(400, "BadRequest", &message));
            }
            "Strict" | "Warn" | "Ignore" => {}
            other => {
                return reply(
                    400,
                    &status(
                        400,
                        "BadRequest",
                        &format!(
                            "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", not \"{other}\""
                        ),
                    ),
                );
            }
        }
        if validation.as_deref() != Some("Ignore") {
            warnings.extend(
                unknown
                    .iter()
                    .map(|(f, _)| format!("unknown field \"{f}\"")),
            );
        }
        // Decoding into the typed object loses them.
        let typed = serde_json::from_value::<k8s_openapi::api::batch::v1::Job>(object.clone())
            .ok()
            .and_then(|job| serde_json::to_value(job).ok());
        for (_, pointer) in &unknown {
            if let Some(pointer) = pointer {
                remove_at(&mut object, pointer);
            }
        }
        if let Some(typed) = typed {
            let mut kept = typed;
            for (_, pointer) in &unknown {
                if let Some(pointer) = pointer {
                    remove_at(&mut kept, pointer);
                }
            }
            object = kept;
        }
    }
    let mut s = lock(state);
    let metadata = object["metadata"].as_object().cloned().unwrap_or_default();
    let name = match (
        metadata.get("name").and_then(Value::as_str),
        metadata.get("generateName").and_then(Value::as_str),
    ) {
        (Some(name), _) => name.to_string(),
        (None, Some(prefix)) => {
            s.next += 1;
            format!("{prefix}{}", suffix(s.next))
        }
        (None, None) => {
            return reply(
                422,
                &status(422, "Invalid", "name or generateName is required"),
            );
        }
    };
    // NamespaceLifecycle admission.
    if !target.namespace.is_empty() {
        match s
            .objects
            .get(&("namespaces".into(), String::new(), target.namespace.clone()))
        {
            None => {
                return reply(
                    404,
                    &status(
                        404,
                        "NotFound",
                        &format!("namespaces \"{}\" not found", target.namespace),
                    ),
                );
            }
            Some(ns) if !ns["metadata"]["deletionTimestamp"].is_null() => {
                return reply(
                    403,
                    &status(
                        403,
                        "Forbidden",
                        &format!(
                            "{} \"{name}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                            target.qualified(),
                            target.namespace
                        ),
                    ),
                );
            }
            Some(_) => {}
        }
    }
    let key = (
        target.resource.clone(),
        target.namespace.clone(),
        name.clone(),
    );
    if s.objects.contains_key(&key) {
        return reply(
            409,
            &status(
                409,
                "AlreadyExists",
                &format!("{} \"{name}\" already exists", target.resource),
            ),
        );
    }
    let uid = uid(&mut s);
    object["metadata"]["name"] = name.clone().into();
    object["metadata"]["uid"] = uid.clone().into();
    object["metadata"]["creationTimestamp"] = NOW.into();
    if !target.namespace.is_empty() {
        object["metadata"]["namespace"] = target.namespace.clone().into();
    }
    object["metadata"]["managedFields"] = json!([{
        "apiVersion": object["apiVersion"].clone(), "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {}, "f:spec": {}},
        "manager": manager.unwrap_or_else(|| "unknown".into()), "operation": "Update", "time": NOW}]);
    if target.resource == "jobs" {
        // Validation: the selector is the server's to generate.
        let errors = job_selector_errors(&object);
        if !errors.is_empty() {
            return with_warnings(reply(422, &invalid("Job", &name, &errors)), &warnings);
        }
        drop_disabled_fields(&mut object, minor);
        // Any other warning a test wants (a deprecation, say).
        warnings.extend(s.faults.warning.clone());
        // The strategy's PrepareForCreate: the selector and the controller labels on the
        // template (each only where absent).
        let labels = json!({
            "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
            "controller-uid": uid, "job-name": name});
        object["spec"]["selector"] =
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
        let template_labels = &mut object["spec"]["template"]["metadata"]["labels"];
        if !template_labels.is_object() {
            *template_labels = json!({});
        }
        if let (Some(into), Some(from)) = (template_labels.as_object_mut(), labels.as_object()) {
            for (k, v) in from {
                into.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if object["spec"]["template"]["metadata"]["labels"]["batch.kubernetes.io/controller-uid"]
            != uid.as_str()
        {
            let errors = vec![(
                "spec.template.metadata.labels".to_string(),
                format!(
                    "Invalid value: {}: `selector` does not match template `labels`",
                    object["spec"]["template"]["metadata"]["labels"]
                ),
            )];
            return with_warnings(reply(422, &invalid("Job", &name, &errors)), &warnings);
        }
        // Validating admission. PodSecurity on a pod controller only warns.
        if let Some(level) = enforced_level(&s, &target.namespace)
            && let Some(violation) = pod_security_violation(&object["spec"]["template"], &level)
        {
            warnings.push(format!(
                "would violate PodSecurity \"{level}:latest\": {violation}"
            ));
        }
        if let Some(message) = quota_exceeded(&s, &target.namespace, &name) {
            return with_warnings(reply(403, &status(403, "Forbidden", &message)), &warnings);
        }
        if s.faults.webhook_denies_privileged
            && let Some(container) = privileged_container(&object["spec"]["template"]["spec"])
        {
            let message = format!(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [psp-privileged-container] Privileged container is not allowed: {container}"
            );
            return with_warnings(reply(403, &status(403, "Forbidden", &message)), &warnings);
        }
    }
    if dry_run {
        return with_warnings(reply(201, &object), &warnings);
    }
    if target.resource == "resourcequotas" {
        // The resourcequota controller fills the status (here at once); the quota
        // admission plugin enforces a quota only once `status.hard` is there.
        let hard = object["spec"]["hard"].clone();
        let used: Map<String, Value> = hard
            .as_object()
            .map(|h| h.keys().map(|k| (k.clone(), json!("0"))).collect())
            .unwrap_or_default();
        object["status"] = json!({"hard": hard, "used": used});
    }
    let stored = store(&mut s, &target.resource, &target.namespace, object, "ADDED");
    if target.resource == "namespaces" {
        s.namespaces.push(NsEvent::Created(name.clone()));
        // The serviceaccount controller adds `default` a moment later.
        let (state, notify, delay) = (
            state.clone(),
            notify.clone(),
            s.faults.service_account_delay,
        );
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let mut s = lock(&state);
            let alive = s
                .objects
                .get(&("namespaces".into(), String::new(), name.clone()))
                .is_some_and(|ns| ns["metadata"]["deletionTimestamp"].is_null());
            if alive {
                let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
                    "name": "default", "namespace": name, "uid": uid_of(&mut s),
                    "creationTimestamp": NOW}});
                store(&mut s, "serviceaccounts", &name, sa, "ADDED");
            }
            drop(s);
            notify.notify_waiters();
        });
    }
    if target.resource == "jobs" {
        job_controller(&s, &stored, &target.namespace, (state, notify));
    }
    drop(s);
    notify.notify_waiters();
    with_warnings(reply(201, &stored), &warnings)
}

fn uid_of(s: &mut State) -> String {
    uid(s)
}

/// The ResourceQuota admission plugin: a quota with `count/jobs.batch` in the namespace
/// refuses the Job that would exceed it.
fn quota_exceeded(s: &State, namespace: &str, name: &str) -> Option<String> {
    let used = s
        .objects
        .keys()
        .filter(|(r, ns, _)| r == "jobs" && ns == namespace)
        .count();
    s.objects
        .iter()
        .filter(|((r, ns, _), _)| r == "resourcequotas" && ns == namespace)
        .filter(|(_, quota)| quota["status"]["hard"].is_object())
        .find_map(|(_, quota)| {
            let hard = quota["spec"]["hard"]["count/jobs.batch"]
                .as_str()
                .and_then(|h| h.parse::<usize>().ok())?;
            (used + 1 > hard).then(|| {
                format!(
                    "jobs.batch \"{name}\" is forbidden: exceeded quota: {}, requested: count/jobs.batch=1, used: count/jobs.batch={used}, limited: count/jobs.batch={hard}",
                    quota["metadata"]["name"].as_str().unwrap_or_default()
                )
            })
        })
}

/// LimitRanger admission on a Pod (kubernetes `plugin/pkg/admission/limitranger`,
/// `mergeContainerResources`): each `type: Container` item of the namespace's LimitRanges
/// gives a container the `default` limits and `defaultRequest` requests (falling back to
/// `default`) it does not set, and the Pod says so in its `kubernetes.io/limit-ranger`
/// annotation: `LimitRanger plugin set: cpu, memory request for container c; cpu limit for
/// container c` (resources sorted; init containers say `init container`).
fn limit_ranger(s: &State, namespace: &str, template: &mut Value) {
    let mut limits = Map::new();
    let mut requests = Map::new();
    for (_, range) in s
        .objects
        .iter()
        .filter(|((r, ns, _), _)| r == "limitranges" && ns == namespace)
    {
        for item in range["spec"]["limits"].as_array().into_iter().flatten() {
            if item["type"] != "Container" {
                continue;
            }
            let default = item["default"].as_object().cloned().unwrap_or_default();
            let mut request = item["defaultRequest"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (k, v) in &default {
                request.entry(k.clone()).or_insert(v.clone());
            }
            limits.extend(default);
            requests.extend(request);
        }
    }
    if limits.is_empty() && requests.is_empty() {
        return;
    }
    let mut said = Vec::new();
    for (kind, prefix) in [
        ("initContainers", "init container"),
        ("containers", "container"),
    ] {
        for c in template["spec"][kind].as_array_mut().into_iter().flatten() {
            let name = container_name(c);
            // Defaulting comes before admission: a limit without a request is requested
            // at the limit, so LimitRanger's `defaultRequest` does not apply to it.
            if let Some(limits) = c["resources"]["limits"].as_object().cloned() {
                if !c["resources"]["requests"].is_object() {
                    c["resources"]["requests"] = json!({});
                }
                if let Some(requests) = c["resources"]["requests"].as_object_mut() {
                    for (k, v) in limits {
                        requests.entry(k).or_insert(v);
                    }
                }
            }
            for (bucket, defaults, word) in [
                ("requests", &requests, "request"),
                ("limits", &limits, "limit"),
            ] {
                if !c["resources"].is_object() {
                    c["resources"] = json!({});
                }
                if !c["resources"][bucket].is_object() {
                    c["resources"][bucket] = json!({});
                }
                let mut set = Vec::new();
                if let Some(have) = c["resources"][bucket].as_object_mut() {
                    for (k, v) in defaults {
                        if !have.contains_key(k) {
                            have.insert(k.clone(), v.clone());
                            set.push(k.clone());
                        }
                    }
                }
                if !set.is_empty() {
                    said.push(format!(
                        "{} {word} for {prefix} {name}",
                        sorted(set).join(", ")
                    ));
                }
            }
        }
    }
    if !said.is_empty() {
        if !template["metadata"]["annotations"].is_object() {
            template["metadata"]["annotations"] = json!({});
        }
        template["metadata"]["annotations"]["kubernetes.io/limit-ranger"] =
            format!("LimitRanger plugin set: {}", said.join("; ")).into();
    }
}

/// The quota admission plugin's constraint on a Pod (kubernetes
/// `pkg/quota/v1/evaluator/core/pods.go`): a quota on cpu or memory (requests or limits)
/// needs every container to say that resource, else `failed quota: <q>: must specify
/// <resource> for: <containers>` (resources sorted, `; ` between, containers sorted,
/// `,` between). Enforced only once the quota's `status.hard` is filled.
fn quota_constraints(s: &State, namespace: &str, spec: &Value) -> Option<String> {
    const CONSTRAINED: [&str; 6] = [
        "cpu",
        "memory",
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
    ];
    s.objects
        .iter()
        .filter(|((r, ns, _), _)| r == "resourcequotas" && ns == namespace)
        .map(|(_, quota)| quota)
        .filter(|quota| quota["status"]["hard"].is_object())
        .find_map(|quota| {
            let hard = quota["spec"]["hard"].as_object()?;
            let mut missing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for resource in CONSTRAINED.iter().filter(|r| hard.contains_key(**r)) {
                let (bucket, name) = match resource.split_once('.') {
                    Some((bucket, name)) => (bucket, name),
                    None => ("requests", *resource),
                };
                for c in all_containers(spec) {
                    let resources = &c["resources"];
                    // Requests default to limits (the API server's defaulting, first).
                    let said = !resources[bucket][name].is_null()
                        || (bucket == "requests" && !resources["limits"][name].is_null());
                    if !said {
                        missing.entry(resource).or_default().push(container_name(c));
                    }
                }
            }
            (!missing.is_empty()).then(|| {
                let segments: Vec<String> = missing
                    .into_iter()
                    .map(|(resource, containers)| {
                        format!(
                            "must specify {resource} for: {}",
                            sorted(containers).join(",")
                        )
                    })
                    .collect();
                format!(
                    "failed quota: {}: {}",
                    quota["metadata"]["name"].as_str().unwrap_or_default(),
                    segments.join("; ")
                )
            })
        })
}

fn privileged_container(spec: &Value) -> Option<String> {
    ["initContainers", "containers"]
        .iter()
        .filter_map(|kind| spec[*kind].as_array())
        .flatten()
        .find(|c| c["securityContext"]["privileged"] == true)
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
}

/// The Job controller, asynchronous as the real one: after `pod_delay`, the Pod (or a
/// `FailedCreate` event: Pod Security, a ServiceAccount that does not exist yet, an
/// injected refusal), then the kubelet's steps.
fn job_controller(
    s: &State,
    job: &Value,
    namespace: &str,
    handle: (&Arc<Mutex<State>>, &Arc<Notify>),
) {
    if s.faults.no_pod {
        return;
    }
    let (state, notify) = (handle.0.clone(), handle.1.clone());
    let (job, namespace, delay) = (job.clone(), namespace.to_string(), s.faults.pod_delay);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        // The event recorder: one event per distinct message (a repeat only counts up).
        let mut reported: Option<String> = None;
        let pod = loop {
            let step = {
                let mut s = lock(&state);
                let job_alive = s.objects.contains_key(&(
                    "jobs".into(),
                    namespace.clone(),
                    job["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                ));
                if !job_alive {
                    return;
                }
                let step = pod_create(&mut s, &job, &namespace);
                if let PodCreate::Retry(message) = &step
                    && reported.as_ref() != Some(message)
                {
                    let (job_name, job_uid) = names(&job);
                    failed_create(&mut s, &namespace, &job_name, &job_uid, message);
                    reported = Some(message.clone());
                }
                step
            };
            notify.notify_waiters();
            match step {
                PodCreate::Created(pod) => break pod,
                PodCreate::Refused => return,
                PodCreate::Retry(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        };
        kubelet(&state, &notify, pod, &namespace).await;
    });
}

fn names(job: &Value) -> (String, String) {
    (
        job["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        job["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

enum PodCreate {
    /// Stored `Pending`, not yet scheduled; the Pod as stored.
    Created(Value),
    /// Refused for good (an event says why).
    Refused,
    /// Refused for now (the controller retries): the event's message.
    Retry(String),
}

/// One Pod create by the Job controller, through admission.
fn pod_create(s: &mut State, job: &Value, namespace: &str) -> PodCreate {
    let (job_name, job_uid) = names(job);
    // The API server makes the name from `generateName` before admission, so a refusal
    // names the Pod (`pods "priv-7r6f4" is forbidden`), as seen on kube-apiserver 1.34.
    s.next += 1;
    let pod_name = format!("{job_name}-{}", suffix(s.next ^ clock_nanos()));
    if let Some(message) = s.faults.failed_create.clone() {
        failed_create(s, namespace, &job_name, &job_uid, &message);
        return PodCreate::Refused;
    }
    if let Some(level) = enforced_level(s, namespace)
        && let Some(violation) = pod_security_violation(&job["spec"]["template"], &level)
    {
        let message = format!(
            "Error creating: pods \"{pod_name}\" is forbidden: violates PodSecurity \"{level}:latest\": {violation}"
        );
        failed_create(s, namespace, &job_name, &job_uid, &message);
        return PodCreate::Refused;
    }
    // The ServiceAccount admission plugin needs the account to exist.
    let account = job["spec"]["template"]["spec"]["serviceAccountName"]
        .as_str()
        .filter(|a| !a.is_empty())
        .unwrap_or("default")
        .to_string();
    if !s.objects.contains_key(&(
        "serviceaccounts".into(),
        namespace.to_string(),
        account.clone(),
    )) {
        return PodCreate::Retry(format!(
            "Error creating: pods \"{pod_name}\" is forbidden: error looking up service account {namespace}/{account}: serviceaccount \"{account}\" not found"
        ));
    }
    // Mutating admission first: LimitRanger fills resources the containers leave out.
    let mut job = job.clone();
    limit_ranger(s, namespace, &mut job["spec"]["template"]);
    let job = &job;
    if let Some(message) = quota_constraints(s, namespace, &job["spec"]["template"]["spec"]) {
        return PodCreate::Retry(format!(
            "Error creating: pods \"{pod_name}\" is forbidden: {message}"
        ));
    }
    let Some(pod) = pod_from_fixture(s, job, namespace, pod_name) else {
        return PodCreate::Refused;
    };
    PodCreate::Created(store(s, "pods", namespace, pod, "ADDED"))
}

/// The kubelet's part: scheduled, `ContainerCreating`, then `Running`, or `Failed` when
/// the first container's command is `false` (it exits 1 at once).
async fn kubelet(state: &Arc<Mutex<State>>, notify: &Arc<Notify>, pod: Value, namespace: &str) {
    let Ok(running) = serde_json::from_str::<Value>(RUNNING_STATUS) else {
        return;
    };
    let (step, unschedulable) = {
        let s = lock(state);
        (s.faults.kubelet_step, s.faults.unschedulable)
    };
    if unschedulable {
        return;
    }
    let name = pod["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let fails = pod["spec"]["containers"][0]["command"][0] == "false";
    let update = |change: &dyn Fn(&mut Value)| {
        let mut s = lock(state);
        let key = ("pods".to_string(), namespace.to_string(), name.clone());
        let Some(mut current) = s.objects.get(&key).cloned() else {
            return false;
        };
        change(&mut current);
        store(&mut s, "pods", namespace, current, "MODIFIED");
        drop(s);
        notify.notify_waiters();
        true
    };
    tokio::time::sleep(step).await;
    let scheduled = update(&|pod: &mut Value| {
        pod["spec"]["nodeName"] = "kind-control-plane".into();
        pod["status"]["conditions"] = json!([{"type": "PodScheduled", "status": "True",
            "lastProbeTime": null, "lastTransitionTime": NOW}]);
    });
    if !scheduled {
        return;
    }
    tokio::time::sleep(step).await;
    let creating = update(&|pod: &mut Value| {
        let waiting: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                json!({"name": c["name"], "image": c["image"], "imageID": "",
                "ready": false, "restartCount": 0, "started": false,
                "state": {"waiting": {"reason": "ContainerCreating"}}})
            })
            .collect();
        pod["status"]["containerStatuses"] = waiting.into();
        pod["status"]["hostIP"] = "172.18.0.2".into();
    });
    if !creating {
        return;
    }
    tokio::time::sleep(step).await;
    let mut last = overlay_status(&running["status"], &pod["spec"]);
    if fails {
        last["phase"] = "Failed".into();
        if let Some(statuses) = last["containerStatuses"].as_array_mut() {
            for status in statuses {
                status["ready"] = false.into();
                status["started"] = false.into();
                status["state"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
                    "startedAt": NOW, "finishedAt": NOW, "containerID": status["containerID"]}});
            }
        }
    }
    update(&|pod: &mut Value| {
        pod["status"] = last.clone();
        if let Some(fields) = pod["metadata"]["managedFields"].as_array_mut() {
            fields.push(json!({"apiVersion": "v1", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:status": {}}, "manager": "kubelet", "operation": "Update",
                "subresource": "status", "time": NOW}));
        }
    });
}

/// The Pod the Job controller asks for, from the fixture (see `README.md`).
fn pod_from_fixture(
    s: &mut State,
    job: &Value,
    namespace: &str,
    pod_name: String,
) -> Option<Value> {
    let (job_name, job_uid) = names(job);
    let fixture = serde_yaml_ng::from_str::<Value>(POD_FIXTURE).ok()?;
    let pod_uid = uid(s);
    s.next += 1;
    let volume_suffix = suffix(s.next ^ clock_nanos());
    let template = &job["spec"]["template"];
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": fixture["metadata"].clone(),
        "spec": overlay_spec(&template["spec"], &fixture["spec"], &volume_suffix),
    });
    // The capture's managedFields describe the captured Pod's fields; this Pod's are the
    // controller-manager's.
    pod["metadata"]["managedFields"] = json!([{"apiVersion": "v1", "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {}, "f:spec": {}}, "manager": "kube-controller-manager",
        "operation": "Update", "time": NOW}]);
    let mut labels: Map<String, Value> = template["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.insert(
        "batch.kubernetes.io/controller-uid".into(),
        job_uid.clone().into(),
    );
    labels.insert(
        "batch.kubernetes.io/job-name".into(),
        job_name.clone().into(),
    );
    labels.insert("controller-uid".into(), job_uid.clone().into());
    labels.insert("job-name".into(), job_name.clone().into());
    pod["metadata"]["name"] = pod_name.into();
    pod["metadata"]["generateName"] = format!("{job_name}-").into();
    pod["metadata"]["namespace"] = namespace.into();
    pod["metadata"]["uid"] = pod_uid.into();
    pod["metadata"]["labels"] = labels.into();
    match template["metadata"]["annotations"].as_object() {
        Some(annotations) if !annotations.is_empty() => {
            pod["metadata"]["annotations"] = annotations.clone().into();
        }
        _ => {
            if let Some(metadata) = pod["metadata"].as_object_mut() {
                metadata.remove("annotations");
            }
        }
    }
    pod["metadata"]["ownerReferences"][0]["name"] = job_name.into();
    pod["metadata"]["ownerReferences"][0]["uid"] = job_uid.into();
    // The Pod appears with the capture's status (`Pending`, not scheduled); the kubelet
    // takes it from there. The QoS class is the fixture's (BestEffort) whatever the
    // resources: naive.
    pod["status"] = fixture["status"].clone();
    Some(pod)
}

/// The Job controller's `FailedCreate` event on the Job.
fn failed_create(s: &mut State, namespace: &str, job_name: &str, job_uid: &str, message: &str) {
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{job_name}.18a2b3c4d5e6f708"), "namespace": namespace},
        "involvedObject": {"apiVersion": "batch/v1", "kind": "Job", "name": job_name, "namespace": namespace, "uid": job_uid},
        "reason": "FailedCreate", "message": message, "type": "Warning", "count": 1,
        "source": {"component": "job-controller"}});
    store(s, "events", namespace, event, "ADDED");
}

/// The PodSecurity admission plugin's verdict on a Pod template (`metadata` and `spec`) at
/// an enforce `level`, in its message format: `reason (detail)` per failed check, joined
/// with `; `, in the order of the check IDs. An independent model written from the checks in
/// kubernetes `staging/src/k8s.io/pod-security-admission/policy/check_*.go` and the Pod
/// Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
/// never from jjo's `src/validate/pod_security.rs`, so the two can disagree. The Windows
/// hostProcess check and user-namespace relaxations are left out (no case uses them).
fn pod_security_violation(template: &Value, level: &str) -> Option<String> {
    let restricted = level == "restricted";
    let spec = &template["spec"];
    let mut checks: Vec<Option<(String, String)>> = Vec::new();
    if restricted {
        checks.push(allow_privilege_escalation(spec));
    }
    checks.push(app_armor(template));
    // capabilities_restricted overrides capabilities_baseline at `restricted`.
    checks.push(if restricted {
        capabilities_restricted(spec)
    } else {
        capabilities_baseline(spec)
    });
    checks.push(host_namespaces(spec));
    // restrictedVolumes overrides hostPathVolumes at `restricted` (its list covers hostPath).
    if !restricted {
        checks.push(host_path_volumes(spec));
    }
    checks.push(host_ports(spec));
    checks.push(privileged(spec));
    checks.push(proc_mount(spec));
    if restricted {
        checks.push(restricted_volumes(spec));
        checks.push(run_as_non_root(spec));
        checks.push(run_as_user(spec));
    }
    checks.push(se_linux_options(spec));
    // seccompProfile_restricted overrides seccompProfile_baseline at `restricted`.
    checks.push(if restricted {
        seccomp_restricted(spec)
    } else {
        seccomp_baseline(spec)
    });
    checks.push(sysctls(spec));
    let violations: Vec<String> = checks
        .into_iter()
        .flatten()
        .map(|(reason, detail)| {
            if detail.is_empty() {
                reason
            } else {
                format!("{reason} ({detail})")
            }
        })
        .collect();
    (!violations.is_empty()).then(|| violations.join("; "))
}

/// Every container of a Pod spec: init, regular and ephemeral (the checks visit all three).
fn all_containers(spec: &Value) -> impl Iterator<Item = &Value> {
    ["initContainers", "containers", "ephemeralContainers"]
        .into_iter()
        .filter_map(|kind| spec[kind].as_array())
        .flatten()
}

fn container_name(c: &Value) -> String {
    c["name"].as_str().unwrap_or_default().to_string()
}

/// `"a", "b"`: the admission plugin's way of listing names.
fn join_quote(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pluralize(singular: &'static str, plural: &'static str, n: usize) -> &'static str {
    if n == 1 { singular } else { plural }
}

/// `container "a"` or `containers "a", "b"`.
fn containers_phrase(names: &[String]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// A sorted, deduplicated list.
fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items.dedup();
    items
}

/// The containers for which `bad` holds.
fn containers_where(spec: &Value, bad: impl Fn(&Value) -> bool) -> Vec<String> {
    all_containers(spec)
        .filter(|c| bad(c))
        .map(container_name)
        .collect()
}

/// restricted `allowPrivilegeEscalation`: every container sets it to false.
fn allow_privilege_escalation(spec: &Value) -> Option<(String, String)> {
    let bad = containers_where(spec, |c| {
        c["securityContext"]["allowPrivilegeEscalation"] != false
    });
    (!bad.is_empty()).then(|| {
        (
            "allowPrivilegeEscalation != false".into(),
            format!(
                "{} must set securityContext.allowPrivilegeEscalation=false",
                containers_phrase(&bad)
            ),
        )
    })
}

/// baseline `appArmorProfile`: no `unconfined` profile, neither through the beta
/// annotations nor through `securityContext.appArmorProfile`.
fn app_armor(template: &Value) -> Option<(String, String)> {
    const PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
    let mut bad = Vec::new();
    if let Some(annotations) = template["metadata"]["annotations"].as_object() {
        for (key, value) in annotations {
            let value = value.as_str().unwrap_or_default();
            let allowed =
                value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
            if key.starts_with(PREFIX) && !allowed {
                bad.push(format!("{key}=\"{value}\""));
            }
        }
    }
    let spec = &template["spec"];
    let unconfined = |sc: &Value| sc["appArmorProfile"]["type"] == "Unconfined";
    if unconfined(&spec["securityContext"]) {
        bad.push("pod securityContext.appArmorProfile.type=\"Unconfined\"".into());
    }
    for c in all_containers(spec).filter(|c| unconfined(&c["securityContext"])) {
        bad.push(format!(
            "container \"{}\" securityContext.appArmorProfile.type=\"Unconfined\"",
            container_name(c)
        ));
    }
    let bad = sorted(bad);
    (!bad.is_empty()).then(|| {
        (
            pluralize(
                "forbidden AppArmor profile",
                "forbidden AppArmor profiles",
                bad.len(),
            )
            .into(),
            bad.join(", "),
        )
    })
}

/// The capabilities baseline lets a container add (the Pod Security Standards' list).
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The capabilities a container adds that `allowed` does not hold.
fn added_beyond(c: &Value, allowed: &[&str]) -> Vec<String> {
    c["securityContext"]["capabilities"]["add"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|cap| !allowed.contains(cap))
        .map(str::to_string)
        .collect()
}

/// `containers "a" must not include "X" in securityContext.capabilities.add`.
fn forbidden_adds(spec: &Value, allowed: &[&str]) -> Option<String> {
    let mut names = Vec::new();
    let mut caps = Vec::new();
    for c in all_containers(spec) {
        let beyond = added_beyond(c, allowed);
        if !beyond.is_empty() {
            names.push(container_name(c));
            caps.extend(beyond);
        }
    }
    (!names.is_empty()).then(|| {
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&names),
            join_quote(&sorted(caps))
        )
    })
}

/// baseline `capabilities_baseline`: nothing added beyond the baseline set.
fn capabilities_baseline(spec: &Value) -> Option<(String, String)> {
    forbidden_adds(spec, BASELINE_CAPABILITIES)
        .map(|detail| ("non-default capabilities".into(), detail))
}

/// restricted `capabilities_restricted`: drop `ALL`, add at most `NET_BIND_SERVICE`.
fn capabilities_restricted(spec: &Value) -> Option<(String, String)> {
    let mut details = Vec::new();
    let missing = containers_where(spec, |c| {
        !c["securityContext"]["capabilities"]["drop"]
            .as_array()
            .is_some_and(|d| d.iter().any(|cap| cap == "ALL"))
    });
    if !missing.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_phrase(&missing)
        ));
    }
    details.extend(forbidden_adds(spec, &["NET_BIND_SERVICE"]));
    (!details.is_empty()).then(|| ("unrestricted capabilities".into(), details.join("; ")))
}

/// baseline `hostNamespaces`: no hostNetwork, hostPID or hostIPC.
fn host_namespaces(spec: &Value) -> Option<(String, String)> {
    let hosts: Vec<String> = ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .filter(|k| spec[**k] == true)
        .map(|k| format!("{k}=true"))
        .collect();
    (!hosts.is_empty()).then(|| ("host namespaces".into(), hosts.join(", ")))
}

fn volume_names(spec: &Value, bad: impl Fn(&Map<String, Value>) -> bool) -> Vec<String> {
    spec["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .filter(|v| bad(v))
        .map(|v| {
            v.get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// baseline `hostPathVolumes`: no hostPath volume.
fn host_path_volumes(spec: &Value) -> Option<(String, String)> {
    let bad = volume_names(spec, |v| v.contains_key("hostPath"));
    (!bad.is_empty()).then(|| {
        (
            "hostPath volumes".into(),
            format!(
                "{} {}",
                pluralize("volume", "volumes", bad.len()),
                join_quote(&bad)
            ),
        )
    })
}

/// baseline `hostPorts`: no container port sets hostPort.
fn host_ports(spec: &Value) -> Option<(String, String)> {
    let mut names = Vec::new();
    let mut ports = Vec::new();
    for c in all_containers(spec) {
        let used: Vec<String> = c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["hostPort"].as_i64())
            .filter(|p| *p != 0)
            .map(|p| p.to_string())
            .collect();
        if !used.is_empty() {
            names.push(container_name(c));
            ports.extend(used);
        }
    }
    let ports = sorted(ports);
    (!names.is_empty()).then(|| {
        (
            "hostPort".into(),
            format!(
                "{} {} {} {}",
                containers_phrase(&names),
                pluralize("uses", "use", names.len()),
                pluralize("hostPort", "hostPorts", ports.len()),
                ports.join(", ")
            ),
        )
    })
}

/// baseline `privileged`: no privileged container.
fn privileged(spec: &Value) -> Option<(String, String)> {
    let bad = containers_where(spec, |c| c["securityContext"]["privileged"] == true);
    (!bad.is_empty()).then(|| {
        (
            "privileged".into(),
            format!(
                "{} must not set securityContext.privileged=true",
                containers_phrase(&bad)
            ),
        )
    })
}

/// baseline `procMount`: only the `Default` proc mount.
fn proc_mount(spec: &Value) -> Option<(String, String)> {
    let mut values = Vec::new();
    let bad = containers_where(spec, |c| {
        c["securityContext"]["procMount"]
            .as_str()
            .is_some_and(|m| m != "Default")
    });
    for c in all_containers(spec) {
        if let Some(m) = c["securityContext"]["procMount"]
            .as_str()
            .filter(|m| *m != "Default")
        {
            values.push(m.to_string());
        }
    }
    (!bad.is_empty()).then(|| {
        (
            "procMount".into(),
            format!(
                "{} must not set securityContext.procMount to {}",
                containers_phrase(&bad),
                join_quote(&sorted(values))
            ),
        )
    })
}

/// Volume sources `restricted` allows.
const RESTRICTED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// restricted `restrictedVolumes`: only the allowed volume sources (it covers hostPath).
fn restricted_volumes(spec: &Value) -> Option<(String, String)> {
    let mut names = Vec::new();
    let mut types = Vec::new();
    for v in spec["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        if v.keys()
            .any(|k| RESTRICTED_VOLUME_SOURCES.contains(&k.as_str()))
        {
            continue;
        }
        names.push(
            v.get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        );
        types.extend(v.keys().filter(|k| *k != "name").cloned());
    }
    let types = sorted(types);
    (!names.is_empty()).then(|| {
        (
            "restricted volume types".into(),
            format!(
                "{} {} {} {} {}",
                pluralize("volume", "volumes", names.len()),
                join_quote(&names),
                pluralize("uses", "use", names.len()),
                pluralize(
                    "restricted volume type",
                    "restricted volume types",
                    types.len()
                ),
                join_quote(&types)
            ),
        )
    })
}

/// The shape of the restricted checks on a pod-level default a container may override:
/// explicit bad values are named first; else the containers the pod level does not cover.
fn pod_or_containers(
    spec: &Value,
    field: &str,
    good: impl Fn(&Value) -> bool,
) -> (Vec<String>, Vec<String>) {
    let pod = &spec["securityContext"][field];
    let mut explicit = Vec::new();
    if !pod.is_null() && !good(pod) {
        explicit.push("pod".to_string());
    }
    let pod_covers = !pod.is_null() && good(pod);
    let mut bad_containers = Vec::new();
    let mut implicit = Vec::new();
    for c in all_containers(spec) {
        let own = &c["securityContext"][field];
        if own.is_null() {
            if !pod_covers {
                implicit.push(container_name(c));
            }
        } else if !good(own) {
            bad_containers.push(container_name(c));
        }
    }
    if !bad_containers.is_empty() {
        explicit.push(containers_phrase(&bad_containers));
    }
    (explicit, implicit)
}

/// restricted `runAsNonRoot`: true at pod level or in every container, never false.
fn run_as_non_root(spec: &Value) -> Option<(String, String)> {
    let (explicit, implicit) = pod_or_containers(spec, "runAsNonRoot", |v| *v == true);
    let reason = "runAsNonRoot != true".to_string();
    if !explicit.is_empty() {
        return Some((
            reason,
            format!(
                "{} must not set securityContext.runAsNonRoot=false",
                explicit.join(" and ")
            ),
        ));
    }
    (!implicit.is_empty()).then(|| {
        (
            reason,
            format!(
                "pod or {} must set securityContext.runAsNonRoot=true",
                containers_phrase(&implicit)
            ),
        )
    })
}

/// restricted `runAsUser`: never 0, at pod or container level.
fn run_as_user(spec: &Value) -> Option<(String, String)> {
    let mut setters = Vec::new();
    if spec["securityContext"]["runAsUser"] == 0 {
        setters.push("pod".to_string());
    }
    let bad = containers_where(spec, |c| c["securityContext"]["runAsUser"] == 0);
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    (!setters.is_empty()).then(|| {
        (
            "runAsUser=0".into(),
            format!("{} must not set runAsUser=0", setters.join(" and ")),
        )
    })
}

/// baseline `seLinuxOptions`: type empty or a container type, no user, no role.
fn se_linux_options(spec: &Value) -> Option<(String, String)> {
    const TYPES: &[&str] = &[
        "",
        "container_t",
        "container_init_t",
        "container_kvm_t",
        "container_engine_t",
    ];
    let mut types = Vec::new();
    let (mut user, mut role) = (false, false);
    let mut check = |o: &Value| {
        if o.is_null() {
            return true;
        }
        let t = o["type"].as_str().unwrap_or_default();
        let mut ok = true;
        if !TYPES.contains(&t) {
            types.push(t.to_string());
            ok = false;
        }
        if o["user"].as_str().is_some_and(|u| !u.is_empty()) {
            user = true;
            ok = false;
        }
        if o["role"].as_str().is_some_and(|r| !r.is_empty()) {
            role = true;
            ok = false;
        }
        ok
    };
    let mut setters = Vec::new();
    if !check(&spec["securityContext"]["seLinuxOptions"]) {
        setters.push("pod".to_string());
    }
    let bad: Vec<String> = all_containers(spec)
        .filter(|c| !check(&c["securityContext"]["seLinuxOptions"]))
        .map(container_name)
        .collect();
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    let types = sorted(types);
    let mut data = Vec::new();
    if !types.is_empty() {
        data.push(format!(
            "{} {}",
            pluralize("type", "types", types.len()),
            join_quote(&types)
        ));
    }
    if user {
        data.push("user may not be set".to_string());
    }
    if role {
        data.push("role may not be set".to_string());
    }
    Some((
        "seLinuxOptions".into(),
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.join(" and "),
            data.join("; ")
        ),
    ))
}

/// baseline `seccompProfile_baseline`: nothing sets the `Unconfined` profile.
fn seccomp_baseline(spec: &Value) -> Option<(String, String)> {
    let unconfined = |v: &Value| v["type"] == "Unconfined";
    let mut setters = Vec::new();
    if unconfined(&spec["securityContext"]["seccompProfile"]) {
        setters.push("pod".to_string());
    }
    let bad = containers_where(spec, |c| {
        unconfined(&c["securityContext"]["seccompProfile"])
    });
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    (!setters.is_empty()).then(|| {
        (
            "seccompProfile".into(),
            format!(
                "{} must not set securityContext.seccompProfile.type to \"Unconfined\"",
                setters.join(" and ")
            ),
        )
    })
}

/// restricted `seccompProfile_restricted`: `RuntimeDefault` or `Localhost`, at pod level or
/// in every container.
fn seccomp_restricted(spec: &Value) -> Option<(String, String)> {
    let good = |v: &Value| v["type"] == "RuntimeDefault" || v["type"] == "Localhost";
    let (explicit, implicit) = pod_or_containers(spec, "seccompProfile", good);
    if !explicit.is_empty() {
        let mut values = Vec::new();
        let pod = &spec["securityContext"]["seccompProfile"];
        let profiles = std::iter::once(pod)
            .chain(all_containers(spec).map(|c| &c["securityContext"]["seccompProfile"]));
        for p in profiles.filter(|p| !p.is_null() && !good(p)) {
            values.push(p["type"].as_str().unwrap_or_default().to_string());
        }
        return Some((
            "seccompProfile".into(),
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                explicit.join(" and "),
                join_quote(&sorted(values))
            ),
        ));
    }
    (!implicit.is_empty()).then(|| {
        (
            "seccompProfile".into(),
            format!(
                "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                containers_phrase(&implicit)
            ),
        )
    })
}

/// baseline `sysctls`: only the namespaced, safe sysctls (the list as of the 1.32 policy,
/// which `latest` enforces).
fn sysctls(spec: &Value) -> Option<(String, String)> {
    const SAFE: &[&str] = &[
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    ];
    let bad: Vec<String> = spec["securityContext"]["sysctls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .filter(|n| !SAFE.contains(n))
        .map(str::to_string)
        .collect();
    (!bad.is_empty()).then(|| ("forbidden sysctls".into(), bad.join(", ")))
}

// The fixture overlay, deliberately naive: a second, independent model of what the Job
// controller and the API server make of a Job's template, so that the drift report (jjo's
// prediction against this Pod) means something. It never calls jjo's prediction code. The
// Pod spec is the stored template spec copied verbatim (that is literally what the Job
// controller does), then filled from the captured fixture Pod as a fixed response: what the
// template lacks is taken from the fixture, field by field.

/// Top-level Pod spec fields taken from the fixture when the template lacks them (the API
/// server's defaults; the capture predates scheduling, so there is no `nodeName`).
const SPEC_DEFAULTS: &[&str] = &[
    "dnsPolicy",
    "enableServiceLinks",
    "preemptionPolicy",
    "priority",
    "restartPolicy",
    "schedulerName",
    "securityContext",
    "terminationGracePeriodSeconds",
];

/// Per-container fields taken from the fixture's first container when a container lacks them.
const CONTAINER_DEFAULTS: &[&str] = &[
    "resources",
    "terminationMessagePath",
    "terminationMessagePolicy",
];

/// Where the ServiceAccount admission plugin mounts the token volume.
const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The Pod spec the double serves for a Job template spec: the template, filled from the
/// fixture's spec.
fn overlay_spec(template: &Value, fixture: &Value, volume_suffix: &str) -> Value {
    let mut spec = template.as_object().cloned().unwrap_or_default();
    // The API server stores no nulls and (Go `omitempty`) no empty lists.
    prune(&mut spec);
    for key in SPEC_DEFAULTS {
        if let (false, Some(value)) = (spec.contains_key(*key), fixture.get(*key)) {
            spec.insert((*key).to_string(), value.clone());
        }
    }
    // `serviceAccount` is the deprecated alias the API server keeps equal to the name.
    let account = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .or_else(|| fixture.get("serviceAccountName"))
        .cloned()
        .unwrap_or_else(|| "default".into());
    spec.insert("serviceAccountName".into(), account.clone());
    spec.insert("serviceAccount".into(), account);
    // The DefaultTolerationSeconds admission plugin appends its two tolerations unless the
    // Pod already tolerates that key.
    let fixture_tolerations = fixture["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
    if let Some(list) = tolerations.as_array_mut() {
        for toleration in fixture_tolerations {
            if !list.iter().any(|t| t["key"] == toleration["key"]) {
                list.push(toleration);
            }
        }
    }
    // Volumes of the kinds with a `defaultMode` get the fixture's (the projected token
    // volume's) when they lack one.
    let default_mode = fixture
        .pointer("/volumes/0/projected/defaultMode")
        .cloned()
        .unwrap_or_else(|| 420.into());
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for volume in volumes.iter_mut() {
            for kind in ["configMap", "secret", "projected", "downwardAPI"] {
                if let Some(source) = volume.get_mut(kind).and_then(Value::as_object_mut) {
                    source
                        .entry("defaultMode")
                        .or_insert_with(|| default_mode.clone());
                }
            }
        }
    }
    // The ServiceAccount admission plugin: the fixture's token volume under a fresh name,
    // mounted in every container, unless the Pod opts out.
    let automount = spec.get("automountServiceAccountToken") != Some(&Value::Bool(false));
    let token = fixture["volumes"]
        .as_array()
        .and_then(|v| v.iter().find(|v| is_token_volume(v)))
        .cloned();
    let token_mount = fixture
        .pointer("/containers/0/volumeMounts")
        .and_then(Value::as_array)
        .and_then(|m| m.iter().find(|m| is_token_volume(m)))
        .cloned();
    let token_name = format!("kube-api-access-{volume_suffix}");
    if let (true, Some(mut volume)) = (automount, token) {
        volume["name"] = token_name.clone().into();
        let volumes = spec.entry("volumes").or_insert_with(|| json!([]));
        if let Some(list) = volumes.as_array_mut() {
            list.push(volume);
        }
    }
    let fixture_container = &fixture["containers"][0];
    for kind in ["initContainers", "containers"] {
        let Some(containers) = spec.get_mut(kind).and_then(Value::as_array_mut) else {
            continue;
        };
        for container in containers.iter_mut() {
            let Some(c) = container.as_object_mut() else {
                continue;
            };
            for key in CONTAINER_DEFAULTS {
                if let (false, Some(value)) = (c.contains_key(*key), fixture_container.get(*key)) {
                    c.insert((*key).to_string(), value.clone());
                }
            }
            // A defaulting rule one fixture cannot show (it depends on the image): `:latest`
            // or no tag pulls `Always`, else `IfNotPresent` (Kubernetes API reference,
            // Container.imagePullPolicy).
            let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
            let last = image.rsplit('/').next().unwrap_or_default();
            let tagless = !last.contains(':') && !image.contains('@');
            let policy = match tagless || last.ends_with(":latest") {
                true => "Always",
                false => "IfNotPresent",
            };
            c.entry("imagePullPolicy").or_insert_with(|| policy.into());
            // Another defaulting rule the fixture cannot show: a resource with a limit but
            // no request is requested at its limit (Kubernetes API reference,
            // ResourceRequirements.requests).
            if let Some(limits) = c
                .get("resources")
                .and_then(|r| r.get("limits"))
                .and_then(Value::as_object)
                .cloned()
            {
                let requests = c["resources"]
                    .as_object_mut()
                    .map(|r| r.entry("requests").or_insert_with(|| json!({})));
                if let Some(requests) = requests.and_then(Value::as_object_mut) {
                    for (name, limit) in limits {
                        requests.entry(name).or_insert(limit);
                    }
                }
            }
            let mounts_token = c
                .get("volumeMounts")
                .and_then(Value::as_array)
                .is_some_and(|m| m.iter().any(|m| m["mountPath"] == TOKEN_MOUNT_PATH));
            if let (true, false, Some(mount)) = (automount, mounts_token, &token_mount) {
                let mut mount = mount.clone();
                mount["name"] = token_name.clone().into();
                let mounts = c.entry("volumeMounts").or_insert_with(|| json!([]));
                if let Some(list) = mounts.as_array_mut() {
                    list.push(mount);
                }
            }
        }
    }
    prune(&mut spec);
    Value::Object(spec)
}

fn is_token_volume(value: &Value) -> bool {
    value["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("kube-api-access-"))
}

/// Drops nulls, empty lists and `false` of the plain (`omitempty`) container booleans,
/// as the API server's storage does.
fn prune(map: &mut Map<String, Value>) {
    map.retain(|key, value| match value {
        Value::Null => false,
        Value::Array(list) => !list.is_empty(),
        Value::Bool(false) => !matches!(key.as_str(), "stdin" | "stdinOnce" | "tty"),
        _ => true,
    });
    for value in map.values_mut() {
        match value {
            Value::Object(inner) => prune(inner),
            Value::Array(list) => {
                for item in list.iter_mut() {
                    if let Some(inner) = item.as_object_mut() {
                        prune(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The fixture's status, with one container status per container of the Pod (the
/// fixture's first, renamed).
fn overlay_status(fixture: &Value, spec: &Value) -> Value {
    let mut status = fixture.clone();
    let template = fixture["containerStatuses"][0].clone();
    let statuses: Vec<Value> = spec["containers"]
        .as_array()
        .map(|containers| {
            containers
                .iter()
                .map(|c| {
                    let mut s = template.clone();
                    s["name"] = c["name"].clone();
                    s["image"] = c["image"].clone();
                    s["volumeMounts"] = c["volumeMounts"].clone();
                    s
                })
                .collect()
        })
        .unwrap_or_default();
    status["containerStatuses"] = statuses.into();
    status
}

fn clock_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos().into())
}

fn suffix(n: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..5)
        .map(|_| {
            let c = ALPHABET[(x % 27) as usize];
            x /= 27;
            char::from(c)
        })
        .collect()
}

/// Unknown fields of `object` when decoded as `T`, in the API server's path notation
/// (`spec.template.spec.containers[0].foo`).
fn unknown_fields<T: serde::de::DeserializeOwned>(object: &Value) -> Vec<String> {
    let mut unknown = Vec::new();
    let _ = serde_ignored::deserialize::<_, _, T>(object.clone(), |path| {
        let mut out = String::new();
        for segment in path.to_string().split('.') {
            if segment == "?" || segment.is_empty() {
                continue;
            }
            if segment.chars().all(|c| c.is_ascii_digit()) {
                out.push_str(&format!("[{segment}]"));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(segment);
            }
        }
        unknown.push(out);
    });
    unknown
}

fn delete(
    state: &Arc<Mutex<State>>,
    notify: &Arc<Notify>,
    target: &Target,
    name: &str,
) -> Response<Body> {
    let mut s = lock(state);
    let mut object = match stored(&s, target, name) {
        Ok(object) => object,
        Err(not_found) => return not_found,
    };
    if target.resource == "namespaces" {
        // The namespace registry (kubernetes `pkg/registry/core/namespace/storage`): the
        // first delete only marks it Terminating; while a finalizer holds it, a second
        // delete answers 200 with the Namespace as it is (kube-apiserver 1.34 and 1.37;
        // the 409 "ensuring all content is removed" is what older servers said, and what
        // `Rule` can still inject).
        if !object["metadata"]["deletionTimestamp"].is_null() {
            return reply(200, &object);
        }
        object["metadata"]["deletionTimestamp"] = NOW.into();
        object["spec"]["finalizers"] = json!(["kubernetes"]);
        object["status"]["phase"] = "Terminating".into();
        let marked = store(&mut s, "namespaces", "", object, "MODIFIED");
        s.namespaces.push(NsEvent::Deleted(name.to_string()));
        // The namespace controller empties it, then the finalizer goes and so does it.
        let (state_, notify_, delay, name) = (
            state.clone(),
            notify.clone(),
            s.faults.terminating,
            name.to_string(),
        );
        tokio::spawn(async move {
            let (state, notify) = (state_, notify_);
            tokio::time::sleep(delay).await;
            let mut s = lock(&state);
            let inside: Vec<_> = s
                .objects
                .iter()
                .filter(|((_, ns, _), _)| *ns == name)
                .map(|((r, ns, _), o)| (r.clone(), ns.clone(), o.clone()))
                .collect();
            for (resource, ns, o) in inside {
                store(&mut s, &resource, &ns, o, "DELETED");
            }
            // Its `kubernetes` finalizer is done; the object goes unless a finalizer of
            // someone else's (`metadata.finalizers`) still holds it (then a PATCH that
            // clears them lets it go, see `patch`).
            if let Some(mut o) = s
                .objects
                .get(&("namespaces".into(), String::new(), name.clone()))
                .cloned()
            {
                o["spec"]["finalizers"] = json!([]);
                let kind = if holds(&o) { "MODIFIED" } else { "DELETED" };
                store(&mut s, "namespaces", "", o, kind);
            }
            drop(s);
            notify.notify_waiters();
        });
        drop(s);
        notify.notify_waiters();
        return reply(200, &marked);
    }
    let deleted = store(
        &mut s,
        &target.resource,
        &target.namespace,
        object,
        "DELETED",
    );
    if target.resource == "jobs" {
        // Background propagation: the Job's Pods go too.
        let pods: Vec<_> = s
            .objects
            .iter()
            .filter(|((r, ns, _), o)| {
                r == "pods"
                    && *ns == target.namespace
                    && o["metadata"]["ownerReferences"][0]["name"] == name
            })
            .map(|(_, o)| o.clone())
            .collect();
        for pod in pods {
            store(&mut s, "pods", &target.namespace, pod, "DELETED");
        }
    }
    drop(s);
    notify.notify_waiters();
    reply(200, &deleted)
}

#[allow(clippy::too_many_arguments)]
fn watch(
    state: &Arc<Mutex<State>>,
    notify: &Arc<Notify>,
    target: &Target,
    version: Option<String>,
    labels: Option<String>,
    fields: Option<String>,
    timeout: Option<String>,
) -> Response<Body> {
    let (drop_it, gone, expired, failing, current) = {
        let mut s = lock(state);
        let count = s.watches.entry(target.resource.clone()).or_default();
        *count += 1;
        let n = *count;
        let hit = |fault: Option<(&'static str, usize)>| matches!(fault, Some((r, times)) if r == target.resource && n <= times);
        (
            hit(s.faults.drop_watches),
            hit(s.faults.gone_watches),
            hit(s.faults.expired_watches),
            hit(s.faults.failing_watches),
            s.rv,
        )
    };
    let too_old = |version: &Option<String>| {
        status(
            410,
            "Expired",
            &format!(
                "too old resource version: {} ({current})",
                version.as_deref().unwrap_or("0")
            ),
        )
    };
    if gone {
        return reply(410, &too_old(&version));
    }
    let expired_status = too_old(&version);
    let (tx, rx) = mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(16);
    let (state, notify) = (state.clone(), notify.clone());
    let (resource, namespace) = (target.resource.clone(), target.namespace.clone());
    let mut seen: u64 = version.and_then(|v| v.parse().ok()).unwrap_or(0);
    let timeout = Duration::from_secs(timeout.and_then(|t| t.parse().ok()).unwrap_or(290));
    tokio::spawn(async move {
        if failing {
            let status = status(
                500,
                "InternalError",
                "Internal error occurred: the watch was closed by the server",
            );
            let line = json!({"type": "ERROR", "object": status}).to_string() + "\n";
            let _ = tx.send(Ok(Frame::data(Bytes::from(line)))).await;
            return;
        }
        if expired {
            // The watch cache's answer to a compacted version: a Status in the stream.
            let line = json!({"type": "ERROR", "object": expired_status}).to_string() + "\n";
            let _ = tx.send(Ok(Frame::data(Bytes::from(line)))).await;
            return;
        }
        if drop_it {
            // Break off mid-stream: the connection dies without a clean end.
            tokio::time::sleep(Duration::from_millis(30)).await;
            let _ = tx
                .send(Err(std::io::Error::other(
                    "watch dropped by the test double",
                )))
                .await;
            return;
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let lines: Vec<String> = {
                let s = lock(&state);
                let lines = s
                    .log
                    .iter()
                    .filter(|(rv, r, ns, _, o)| {
                        *rv > seen
                            && *r == resource
                            && (namespace.is_empty() || *ns == namespace)
                            && selected(o, labels.as_ref(), fields.as_ref())
                    })
                    .map(|(_, _, _, kind, o)| json!({"type": kind, "object": o}).to_string() + "\n")
                    .collect();
                seen = s.rv;
                lines
            };
            for line in lines {
                if tx.send(Ok(Frame::data(Bytes::from(line)))).await.is_err() {
                    return;
                }
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(deadline) => return,
                _ = tx.closed() => return,
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("header"));
    response
}

/// The text of `path` in a container of `pod`, when a ConfigMap or Secret volume provides it
/// (a `subPath` mount names one key; a directory mount every key as a file).
fn mounted_file(s: &State, pod: &Value, container: &str, path: &str) -> Option<String> {
    let namespace = pod["metadata"]["namespace"].as_str()?;
    let container = pod["spec"]["containers"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == container)?;
    for mount in container["volumeMounts"].as_array().into_iter().flatten() {
        let mount_path = mount["mountPath"].as_str().unwrap_or_default();
        let key = match mount["subPath"].as_str() {
            Some(sub) if path == mount_path => sub.to_string(),
            None => match path
                .strip_prefix(mount_path)
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rest) if !rest.contains('/') => rest.to_string(),
                _ => continue,
            },
            _ => continue,
        };
        let volume = pod["spec"]["volumes"]
            .as_array()?
            .iter()
            .find(|v| v["name"] == mount["name"])?;
        let (resource, name) = if let Some(name) = volume["configMap"]["name"].as_str() {
            ("configmaps", name)
        } else if let Some(name) = volume["secret"]["secretName"].as_str() {
            ("secrets", name)
        } else {
            continue;
        };
        let object = s
            .objects
            .get(&(resource.into(), namespace.to_string(), name.to_string()))?;
        if let Some(text) = object["data"][&key].as_str() {
            return Some(text.to_string());
        }
        if let Some(text) = object["stringData"][&key].as_str() {
            return Some(text.to_string());
        }
    }
    None
}

/// Exec over WebSocket (v4/v5.channel.k8s.io): `echo` prints its arguments, `false` exits 1,
/// anything else exits 0 silently.
fn exec(
    req: Request<Incoming>,
    params: &[(String, String)],
    state: &Mutex<State>,
    target: &Target,
) -> Response<Body> {
    let command: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    // What the API server and the kubelet check before a stream exists.
    let name = target.name.clone().unwrap_or_default();
    let pod = lock(state)
        .objects
        .get(&("pods".into(), target.namespace.clone(), name.clone()))
        .cloned();
    let Some(pod) = pod else {
        return reply(
            404,
            &status(404, "NotFound", &format!("pods \"{name}\" not found")),
        );
    };
    let container = params
        .iter()
        .find(|(k, _)| k == "container")
        .map(|(_, v)| v.clone())
        .or_else(|| {
            pod["spec"]["containers"][0]["name"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_default();
    let known = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["name"] == container.as_str());
    if !known {
        return reply(
            400,
            &status(
                400,
                "BadRequest",
                &format!("container {container} is not valid for pod {name}"),
            ),
        );
    }
    match pod["status"]["phase"].as_str().unwrap_or_default() {
        "Running" => {}
        phase @ ("Succeeded" | "Failed") => {
            return reply(
                400,
                &status(
                    400,
                    "BadRequest",
                    &format!(
                        "cannot exec into a container in a completed pod; current phase is {phase}"
                    ),
                ),
            );
        }
        _ => {
            return reply(
                400,
                &status(
                    400,
                    "BadRequest",
                    &format!("unable to upgrade connection: container not found (\"{container}\")"),
                ),
            );
        }
    }
    let key = req
        .headers()
        .get("sec-websocket-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let offered = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // `cat` reads what the container sees: files of ConfigMap and Secret volumes.
    let file = command
        .get(1)
        .filter(|_| command.first().map(String::as_str) == Some("cat"))
        .map(|path| mounted_file(&lock(state), &pod, &container, path));
    let protocol = if offered.contains("v5.channel.k8s.io") {
        "v5.channel.k8s.io"
    } else {
        "v4.channel.k8s.io"
    };
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(req).await else {
            return;
        };
        let mut ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
            TokioIo::new(upgraded),
            Role::Server,
            None,
        )
        .await;
        let (stdout, status) = match command.first().map(String::as_str) {
            Some("echo") => (
                format!("{}\n", command[1..].join(" ")),
                json!({"metadata": {}, "status": "Success"}),
            ),
            Some("false") => (
                String::new(),
                json!({"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                "message": "command terminated with non-zero exit code: error executing command [false], exit code 1",
                "details": {"causes": [{"reason": "ExitCode", "message": "1"}]}}),
            ),
            Some("cat") => match file.clone().flatten() {
                Some(text) => (text, json!({"metadata": {}, "status": "Success"})),
                None => (
                    String::new(),
                    json!({"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                    "message": "command terminated with non-zero exit code: error executing command [cat], exit code 1",
                    "details": {"causes": [{"reason": "ExitCode", "message": "1"}]}}),
                ),
            },
            Some("true" | "sleep" | "sh") => {
                (String::new(), json!({"metadata": {}, "status": "Success"}))
            }
            other => (
                String::new(),
                json!({"metadata": {}, "status": "Failure", "reason": "InternalError",
                "message": format!("Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown", other.unwrap_or_default())}),
            ),
        };
        if !stdout.is_empty() {
            let mut frame = vec![1u8];
            frame.extend_from_slice(stdout.as_bytes());
            let _ = ws.send(Message::Binary(frame.into())).await;
        }
        let mut frame = vec![3u8];
        frame.extend_from_slice(status.to_string().as_bytes());
        let _ = ws.send(Message::Binary(frame.into())).await;
        let _ = ws.close(None).await;
    });
    let mut response = Response::new(
        Full::new(Bytes::new())
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert("connection", "Upgrade".parse().expect("header"));
    headers.insert("upgrade", "websocket".parse().expect("header"));
    headers.insert(
        "sec-websocket-accept",
        derive_accept_key(key.as_bytes()).parse().expect("header"),
    );
    headers.insert("sec-websocket-protocol", protocol.parse().expect("header"));
    response
}
