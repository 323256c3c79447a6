//! What kube-apiserver (with its controllers) does on the points jjo's live path depends on,
//! written once and run twice: against the API double (`live/double.rs`, the
//! `conformance_*` tests in `live.rs`) and against a real control plane (the harness's
//! `conformance::` trials on a `ci/control-plane/build` build). The real server is the
//! reference: each expectation below was first seen on kube-apiserver v1.34.4 and v1.37.2,
//! and when the double disagrees the double is changed, never the expectation.
//!
//! Each scenario makes its own namespace (`jjo-conformance-…`, labelled as jjo labels its
//! runs) and deletes it again, also when it fails. Waits poll for at most [`PATIENCE`]:
//! the real controllers act within a few seconds; the double at once.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http_body_util::BodyExt;
use serde_json::{Value, json};

/// How long a scenario waits for a controller (namespace, serviceaccount, job, quota,
/// garbage collector) to act.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A scenario: its name (the trial's and the double test's) and its body.
pub type Scenario = (
    &'static str,
    fn(kube::Client) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>>,
);

/// Every scenario, in a stable order.
pub const SCENARIOS: &[Scenario] = &[
    ("unknown_fields_warn_by_default", |c| {
        Box::pin(unknown_fields_warn_by_default(c))
    }),
    ("unknown_fields_strict_is_400", |c| {
        Box::pin(unknown_fields_strict_is_400(c))
    }),
    ("missing_namespace_is_404", |c| {
        Box::pin(missing_namespace_is_404(c))
    }),
    (
        "terminating_namespace_refuses_content_and_deletes_again_with_200",
        |c| Box::pin(terminating_namespace(c)),
    ),
    ("default_service_account_appears", |c| {
        Box::pin(default_service_account_appears(c))
    }),
    ("pod_security_warns_on_the_job_and_refuses_its_pod", |c| {
        Box::pin(pod_security_warns_and_refuses(c))
    }),
    ("dry_run_warns_and_stores_nothing", |c| {
        Box::pin(dry_run_warns_and_stores_nothing(c))
    }),
    ("quota_on_job_count_refuses_the_job", |c| {
        Box::pin(quota_on_job_count(c))
    }),
    ("quota_on_limits_cpu_refuses_the_pod", |c| {
        Box::pin(quota_on_limits_cpu(c))
    }),
    ("limit_range_fills_the_pods_resources", |c| {
        Box::pin(limit_range_fills_resources(c))
    }),
    ("selector_without_manual_selector_is_422", |c| {
        Box::pin(selector_without_manual_selector(c))
    }),
    ("job_pod_carries_controller_labels_and_owner", |c| {
        Box::pin(job_pod_carries_controller_labels(c))
    }),
    ("background_delete_of_a_job_removes_its_pods", |c| {
        Box::pin(background_delete_removes_pods(c))
    }),
    ("watch_from_a_list_sees_the_pod_added", |c| {
        Box::pin(watch_sees_pod_added(c))
    }),
];

/// One HTTP exchange, as the server answered it.
#[derive(Debug)]
pub struct Reply {
    pub code: u16,
    /// The text of each `Warning: 299 - "…"` header.
    pub warnings: Vec<String>,
    pub body: Value,
}

impl Reply {
    fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }

    fn expect(self, code: u16, what: &str) -> Result<Reply, String> {
        if self.code == code {
            Ok(self)
        } else {
            Err(format!(
                "{what}: expected HTTP {code}, got {}: {}",
                self.code, self.body
            ))
        }
    }
}

/// Sends `method path` with a JSON body (merge-patch for PATCH), through the client jjo uses.
pub async fn send(
    client: &kube::Client,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Reply, String> {
    let content_type = if method == "PATCH" {
        "application/merge-patch+json"
    } else {
        "application/json"
    };
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(kube::client::Body::from(bytes))
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let response = client
        .send(request)
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let code = response.status().as_u16();
    let warnings = response
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|h| h.to_str().ok())
        .filter_map(warning_text)
        .collect();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{method} {path}: reading the body: {e}"))?
        .to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(format!("{bytes:?}")))
    };
    Ok(Reply {
        code,
        warnings,
        body,
    })
}

/// `299 - "text"` → `text` (with `\"` unescaped).
fn warning_text(header: &str) -> Option<String> {
    let quoted = header.strip_prefix("299 - \"")?.strip_suffix('"')?;
    Some(quoted.replace("\\\"", "\"").replace("\\\\", "\\"))
}

/// A namespace of the scenario's own, deleted by [`Ns::finish`].
struct Ns {
    client: kube::Client,
    name: String,
}

impl Ns {
    /// A namespace with its `default` ServiceAccount, as jjo waits for one before its Job.
    async fn create(client: &kube::Client, what: &str, labels: Value) -> Result<Ns, String> {
        let ns = Ns::create_bare(client, what, labels).await?;
        if let Err(e) = ns.default_service_account().await {
            // The namespace goes either way; the missing account is the failure.
            let _ = ns.finish(Ok(())).await;
            return Err(e);
        }
        Ok(ns)
    }

    /// Waits for the serviceaccount controller's `default` ServiceAccount.
    async fn default_service_account(&self) -> Result<(), String> {
        eventually("the default ServiceAccount", || async {
            let reply = send(
                &self.client,
                "GET",
                &self.path("serviceaccounts/default"),
                None,
            )
            .await?;
            Ok((reply.code == 200).then_some(()))
        })
        .await
    }

    /// A namespace, just created.
    async fn create_bare(client: &kube::Client, what: &str, labels: Value) -> Result<Ns, String> {
        let name = format!("jjo-conformance-{what}-{}", random_suffix());
        let mut all = json!({"jjo.dev/run-id": "conformance"});
        if let (Some(all), Some(more)) = (all.as_object_mut(), labels.as_object()) {
            all.extend(more.clone());
        }
        send(
            client,
            "POST",
            "/api/v1/namespaces",
            Some(&json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": all}})),
        )
        .await?
        .expect(201, "namespace create")?;
        Ok(Ns {
            client: client.clone(),
            name,
        })
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/v1/namespaces/{}/{rest}", self.name)
    }

    fn jobs(&self, rest: &str) -> String {
        format!("/apis/batch/v1/namespaces/{}/jobs{rest}", self.name)
    }

    /// Deletes the namespace and hands back the scenario's result; a failed delete fails a
    /// scenario that passed.
    async fn finish(self, result: Result<(), String>) -> Result<(), String> {
        let deleted = send(
            &self.client,
            "DELETE",
            &format!("/api/v1/namespaces/{}", self.name),
            None,
        )
        .await;
        match (result, deleted) {
            (Err(e), _) => Err(e),
            (Ok(()), Ok(r)) if r.code == 200 || r.code == 404 => Ok(()),
            (Ok(()), Ok(r)) => Err(format!("namespace delete: HTTP {}: {}", r.code, r.body)),
            (Ok(()), Err(e)) => Err(e),
        }
    }
}

/// Five characters of a-z0-9, different per call.
fn random_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let mut n = nanos ^ (N.fetch_add(1, Ordering::Relaxed) << 40) ^ u64::from(std::process::id());
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| {
            let c = alphabet[(n % alphabet.len() as u64) as usize] as char;
            n /= alphabet.len() as u64;
            c
        })
        .collect()
}

/// A Job with one container `c`, `extra` merged into the container.
fn job(name: &str, container: Value) -> Value {
    let mut c = json!({"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]});
    json_patch::merge(&mut c, &container);
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
        "spec": {"backoffLimit": 0, "template": {"spec": {
            "restartPolicy": "Never", "containers": [c]}}}})
}

/// Polls `probe` until it gives `Some`, for at most [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, String>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(found) = probe().await? {
            return Ok(found);
        }
        if start.elapsed() > PATIENCE {
            return Err(format!("{what}: not within {} s", PATIENCE.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `FailedCreate` event of Job `job` in `ns`, once there is one.
async fn failed_create(ns: &Ns, job: &str) -> Result<String, String> {
    eventually(&format!("a FailedCreate event for Job {job}"), || async {
        let events = send(&ns.client, "GET", &ns.path("events"), None)
            .await?
            .expect(200, "events list")?;
        Ok(events.body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["reason"] == "FailedCreate" && e["involvedObject"]["name"] == job)
            .and_then(|e| e["message"].as_str().map(str::to_string)))
    })
    .await
}

/// The Pods of Job `job` in `ns`.
async fn pods_of(ns: &Ns, job: &str) -> Result<Vec<Value>, String> {
    let list = send(
        &ns.client,
        "GET",
        &ns.path(&format!(
            "pods?labelSelector=batch.kubernetes.io%2Fjob-name%3D{job}"
        )),
        None,
    )
    .await?
    .expect(200, "pods list")?;
    Ok(list.body["items"].as_array().cloned().unwrap_or_default())
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

/// A Job posted as the launcher posts it (no `fieldValidation`): 201, the unknown fields
/// dropped, one `299` warning per field.
async fn unknown_fields_warn_by_default(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "warn", json!({})).await?;
    let result = async {
        let mut body = job("typo", json!({"securityContext": {"priviliged": true}}));
        body["spec"]["template"]["spec"]["hostnetwork"] = json!(true);
        let reply = send(&client, "POST", &ns.jobs(""), Some(&body))
            .await?
            .expect(201, "Job create")?;
        let mut warnings = reply.warnings.clone();
        warnings.sort();
        ensure(
            warnings
                == [
                    "unknown field \"spec.template.spec.containers[0].securityContext.priviliged\"",
                    "unknown field \"spec.template.spec.hostnetwork\"",
                ],
            || format!("warnings: {warnings:?}"),
        )?;
        let stored = &reply.body["spec"]["template"]["spec"];
        ensure(
            stored["containers"][0]["securityContext"] == json!({})
                && stored.get("hostnetwork").is_none(),
            || format!("stored with the unknown fields: {stored}"),
        )
    }
    .await;
    ns.finish(result).await
}

/// `fieldValidation=Strict` (kubectl's default): 400, every unknown field named.
async fn unknown_fields_strict_is_400(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "strict", json!({})).await?;
    let result = async {
        let body = job("typo", json!({"securityContext": {"priviliged": true}}));
        let reply = send(
            &client,
            "POST",
            &ns.jobs("?fieldValidation=Strict"),
            Some(&body),
        )
        .await?
        .expect(400, "strict Job create")?;
        let want = "Job in version \"v1\" cannot be handled as a Job: strict decoding error: unknown field \"spec.template.spec.containers[0].securityContext.priviliged\"";
        ensure(reply.message() == want, || {
            format!("message: {:?}\nwanted:  {want:?}", reply.message())
        })
    }
    .await;
    ns.finish(result).await
}

/// NamespaceLifecycle: a create in a namespace that does not exist is 404.
async fn missing_namespace_is_404(client: kube::Client) -> Result<(), String> {
    let name = format!("jjo-conformance-missing-{}", random_suffix());
    let reply = send(
        &client,
        "POST",
        &format!("/apis/batch/v1/namespaces/{name}/jobs"),
        Some(&job("j", json!({}))),
    )
    .await?
    .expect(404, "Job create in a missing namespace")?;
    let want = format!("namespaces \"{name}\" not found");
    ensure(reply.message() == want, || {
        format!("message: {:?}\nwanted:  {want:?}", reply.message())
    })
}

/// A deleted namespace is Terminating while a finalizer holds it: a create in it is 403
/// ("being terminated", once admission has seen the delete), and a second DELETE is 200 with
/// the Namespace, not 409 (kubernetes `pkg/registry/core/namespace/storage`).
async fn terminating_namespace(client: kube::Client) -> Result<(), String> {
    let name = format!("jjo-conformance-terminating-{}", random_suffix());
    let path = format!("/api/v1/namespaces/{name}");
    send(
        &client,
        "POST",
        "/api/v1/namespaces",
        Some(
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {
            "name": name, "labels": {"jjo.dev/run-id": "conformance"},
            "finalizers": ["jjo.dev/conformance-hold"]}}),
        ),
    )
    .await?
    .expect(201, "namespace create")?;
    let result = async {
        let first = send(&client, "DELETE", &path, None)
            .await?
            .expect(200, "first namespace delete")?;
        ensure(first.body["status"]["phase"] == "Terminating", || {
            format!("first delete answered: {}", first.body)
        })?;
        let second = send(&client, "DELETE", &path, None)
            .await?
            .expect(200, "second namespace delete")?;
        ensure(
            second.body["kind"] == "Namespace"
                && second.body["status"]["phase"] == "Terminating"
                && !second.body["metadata"]["deletionTimestamp"].is_null(),
            || format!("second delete answered: {}", second.body),
        )?;
        let mut n = 0;
        let refused = eventually("a create refused in the Terminating namespace", || {
            n += 1;
            let (client, path) = (client.clone(), format!("{path}/configmaps"));
            let name = format!("cm-{n}");
            async move {
                let body = json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name}});
                let reply = send(&client, "POST", &path, Some(&body)).await?;
                Ok((reply.code == 403).then_some((name, reply)))
            }
        })
        .await?;
        let (cm, reply) = refused;
        let want = format!(
            "configmaps \"{cm}\" is forbidden: unable to create new content in namespace {name} because it is being terminated"
        );
        ensure(reply.message() == want, || {
            format!("message: {:?}\nwanted:  {want:?}", reply.message())
        })
    }
    .await;
    // Let it go: without the hold it is gone once its content is.
    let released = send(
        &client,
        "PATCH",
        &path,
        Some(&json!({"metadata": {"finalizers": null}})),
    )
    .await;
    let released = match released {
        Ok(r) if r.code == 200 || r.code == 404 => Ok(()),
        Ok(r) => Err(format!("releasing {name}: HTTP {}: {}", r.code, r.body)),
        Err(e) => Err(e),
    };
    result.and(released)
}

/// The serviceaccount controller gives a new namespace its `default` ServiceAccount.
async fn default_service_account_appears(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create_bare(&client, "sa", json!({})).await?;
    let result = ns.default_service_account().await;
    ns.finish(result).await
}

const PRIVILEGED_BASELINE: &str =
    "privileged (container \"c\" must not set securityContext.privileged=true)";

/// Pod Security `enforce: baseline` and a privileged container: the Job is admitted with
/// the API server's warning; its Pod is refused (`FailedCreate`, the Pod's generated name).
async fn pod_security_warns_and_refuses(client: kube::Client) -> Result<(), String> {
    let labels = json!({"pod-security.kubernetes.io/enforce": "baseline"});
    let ns = Ns::create(&client, "psa", labels).await?;
    let result = async {
        let body = job("priv", json!({"securityContext": {"privileged": true}}));
        let reply = send(&client, "POST", &ns.jobs(""), Some(&body))
            .await?
            .expect(201, "Job create")?;
        let want = format!("would violate PodSecurity \"baseline:latest\": {PRIVILEGED_BASELINE}");
        ensure(reply.warnings == [want.clone()], || {
            format!("warnings: {:?}\nwanted:   [{want:?}]", reply.warnings)
        })?;
        let message = failed_create(&ns, "priv").await?;
        let rest = message
            .strip_prefix("Error creating: pods \"priv-")
            .and_then(|m| m.split_once('"'))
            .filter(|(suffix, _)| {
                suffix.len() == 5 && suffix.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .map(|(_, rest)| rest);
        let want = format!(
            " is forbidden: violates PodSecurity \"baseline:latest\": {PRIVILEGED_BASELINE}"
        );
        ensure(rest == Some(want.as_str()), || {
            format!(
                "FailedCreate message: {message:?}\nwanted: \"Error creating: pods \\\"priv-<5 chars>\\\"{want}\""
            )
        })
    }
    .await;
    ns.finish(result).await
}

/// A dry run is admitted (with the Pod Security warning) and stores nothing.
async fn dry_run_warns_and_stores_nothing(client: kube::Client) -> Result<(), String> {
    let labels = json!({"pod-security.kubernetes.io/enforce": "baseline"});
    let ns = Ns::create(&client, "dry", labels).await?;
    let result = async {
        let body = job("dry", json!({"securityContext": {"privileged": true}}));
        let reply = send(&client, "POST", &ns.jobs("?dryRun=All"), Some(&body))
            .await?
            .expect(201, "dry-run Job create")?;
        ensure(
            reply.warnings.len() == 1 && reply.warnings[0].starts_with("would violate"),
            || format!("warnings: {:?}", reply.warnings),
        )?;
        ensure(reply.body["metadata"]["uid"].is_string(), || {
            format!("dry run answered: {}", reply.body)
        })?;
        send(&client, "GET", &ns.jobs("/dry"), None)
            .await?
            .expect(404, "GET of the dry-run Job")?;
        Ok(())
    }
    .await;
    ns.finish(result).await
}

/// Waits until the resourcequota controller has filled `status.hard` of quota `q` (the
/// quota admission plugin enforces a quota only from then on).
async fn quota(ns: &Ns, hard: Value) -> Result<(), String> {
    let body = json!({"apiVersion": "v1", "kind": "ResourceQuota",
        "metadata": {"name": "q"}, "spec": {"hard": hard}});
    send(&ns.client, "POST", &ns.path("resourcequotas"), Some(&body))
        .await?
        .expect(201, "ResourceQuota create")?;
    eventually("the quota's status.hard", || async {
        let reply = send(&ns.client, "GET", &ns.path("resourcequotas/q"), None)
            .await?
            .expect(200, "ResourceQuota get")?;
        Ok(reply.body["status"]["hard"].is_object().then_some(()))
    })
    .await
}

/// `count/jobs.batch: 0`: the Job POST itself is 403.
async fn quota_on_job_count(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "quota-jobs", json!({})).await?;
    let result = async {
        quota(&ns, json!({"count/jobs.batch": "0"})).await?;
        let reply = send(&client, "POST", &ns.jobs(""), Some(&job("j", json!({}))))
            .await?
            .expect(403, "Job create over quota")?;
        let want = "jobs.batch \"j\" is forbidden: exceeded quota: q, requested: count/jobs.batch=1, used: count/jobs.batch=0, limited: count/jobs.batch=0";
        ensure(reply.message() == want, || {
            format!("message: {:?}\nwanted:  {want:?}", reply.message())
        })
    }
    .await;
    ns.finish(result).await
}

/// A quota on `limits.cpu` and a container without a cpu limit: the Job is admitted, its
/// Pod refused (`FailedCreate`).
async fn quota_on_limits_cpu(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "quota-cpu", json!({})).await?;
    let result = async {
        quota(&ns, json!({"limits.cpu": "2"})).await?;
        send(
            &client,
            "POST",
            &ns.jobs(""),
            Some(&job("nolimit", json!({}))),
        )
        .await?
        .expect(201, "Job create")?;
        let message = failed_create(&ns, "nolimit").await?;
        let ok = message.starts_with("Error creating: pods \"nolimit-")
            && message
                .ends_with("\" is forbidden: failed quota: q: must specify limits.cpu for: c");
        ensure(ok, || format!("FailedCreate message: {message:?}"))
    }
    .await;
    ns.finish(result).await
}

/// A LimitRange's container defaults (LimitRanger, mutating admission): the Pod gets the
/// limits and requests its container leaves out, and the annotation that says so; what the
/// container sets stays.
async fn limit_range_fills_resources(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "limits", json!({})).await?;
    let result = async {
        let range = json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"},
            "spec": {"limits": [{"type": "Container",
                "default": {"cpu": "500m", "memory": "512Mi"},
                "defaultRequest": {"cpu": "250m"}}]}});
        send(&client, "POST", &ns.path("limitranges"), Some(&range))
            .await?
            .expect(201, "LimitRange create")?;
        let body = job("lr", json!({"resources": {"limits": {"memory": "1Gi"}}}));
        send(&client, "POST", &ns.jobs(""), Some(&body))
            .await?
            .expect(201, "Job create")?;
        let pod = eventually("the Job's Pod", || async {
            Ok(pods_of(&ns, "lr").await?.into_iter().next())
        })
        .await?;
        let resources = &pod["spec"]["containers"][0]["resources"];
        let want = json!({"limits": {"cpu": "500m", "memory": "1Gi"},
            "requests": {"cpu": "250m", "memory": "1Gi"}});
        ensure(*resources == want, || {
            format!(
                "resources: {resources}
wanted:    {want}"
            )
        })?;
        let annotation = &pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"];
        let want = "LimitRanger plugin set: cpu request for container c; cpu limit for container c";
        ensure(annotation == want, || {
            format!(
                "annotation: {annotation}
wanted:     {want:?}"
            )
        })
    }
    .await;
    ns.finish(result).await
}

/// A Job with its own `selector` but no `manualSelector: true` is invalid.
async fn selector_without_manual_selector(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "selector", json!({})).await?;
    let result = async {
        let mut body = job("sel", json!({}));
        body["spec"]["selector"] = json!({"matchLabels": {"app": "x"}});
        body["spec"]["template"]["metadata"] = json!({"labels": {"app": "x"}});
        let reply = send(&client, "POST", &ns.jobs(""), Some(&body))
            .await?
            .expect(422, "Job create with a selector")?;
        let causes: Vec<String> = reply.body["details"]["causes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "{}: {}",
                    c["field"].as_str().unwrap_or_default(),
                    c["message"].as_str().unwrap_or_default()
                )
            })
            .collect();
        ensure(
            reply
                .message()
                .starts_with("Job.batch \"sel\" is invalid: ")
                && causes.iter().any(|c| {
                    c.starts_with("spec.selector: ") && c.ends_with("`selector` not auto-generated")
                }),
            || format!("message: {:?}\ncauses: {causes:#?}", reply.message()),
        )
    }
    .await;
    ns.finish(result).await
}

/// The Job controller's Pod: `<job>-<5 chars>`, the controller labels, the Job as its
/// controlling owner; Pending (no kubelet here, or not yet there).
async fn job_pod_carries_controller_labels(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "pod", json!({})).await?;
    let result = async {
        let created = send(&client, "POST", &ns.jobs(""), Some(&job("p", json!({}))))
            .await?
            .expect(201, "Job create")?;
        let uid = created.body["metadata"]["uid"].clone();
        let pod = eventually("the Job's Pod", || async {
            Ok(pods_of(&ns, "p").await?.into_iter().next())
        })
        .await?;
        let meta = &pod["metadata"];
        let name = meta["name"].as_str().unwrap_or_default();
        let owner = &meta["ownerReferences"][0];
        let labels = &meta["labels"];
        ensure(
            name.len() == "p-".len() + 5
                && name.starts_with("p-")
                && meta["generateName"] == "p-"
                && labels["batch.kubernetes.io/job-name"] == "p"
                && labels["job-name"] == "p"
                && labels["batch.kubernetes.io/controller-uid"] == uid
                && labels["controller-uid"] == uid
                && owner["kind"] == "Job"
                && owner["name"] == "p"
                && owner["uid"] == uid
                && owner["controller"] == true
                && owner["blockOwnerDeletion"] == true,
            || format!("Pod metadata: {meta:#}"),
        )?;
        let spec = &pod["spec"];
        ensure(
            spec["serviceAccountName"] == "default"
                && spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
                && spec["containers"][0]["terminationMessagePath"] == "/dev/termination-log",
            || format!("Pod spec: {spec:#}"),
        )
    }
    .await;
    ns.finish(result).await
}

/// `propagationPolicy: Background`: the Job goes at once, its Pods after it (the garbage
/// collector).
async fn background_delete_removes_pods(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "gc", json!({})).await?;
    let result = async {
        send(&client, "POST", &ns.jobs(""), Some(&job("g", json!({}))))
            .await?
            .expect(201, "Job create")?;
        eventually("the Job's Pod", || async {
            Ok(pods_of(&ns, "g").await?.into_iter().next())
        })
        .await?;
        let reply = send(
            &client,
            "DELETE",
            &ns.jobs("/g"),
            Some(&json!({"kind": "DeleteOptions", "apiVersion": "v1",
                "propagationPolicy": "Background"})),
        )
        .await?
        .expect(200, "Job delete")?;
        ensure(
            reply.body["kind"] == "Job" || reply.body["kind"] == "Status",
            || format!("delete answered: {}", reply.body),
        )?;
        send(&client, "GET", &ns.jobs("/g"), None)
            .await?
            .expect(404, "GET of the deleted Job")?;
        eventually("the Pods gone", || async {
            Ok(pods_of(&ns, "g").await?.is_empty().then_some(()))
        })
        .await
    }
    .await;
    ns.finish(result).await
}

/// A watch from a list's `resourceVersion`, with a label selector, sees the Job's Pod
/// `ADDED` (what jjo's wait for the Pod does).
async fn watch_sees_pod_added(client: kube::Client) -> Result<(), String> {
    let ns = Ns::create(&client, "watch", json!({})).await?;
    let result = async {
        let list = send(&client, "GET", &ns.path("pods"), None)
            .await?
            .expect(200, "pods list")?;
        let rv = list.body["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        send(&client, "POST", &ns.jobs(""), Some(&job("w", json!({}))))
            .await?
            .expect(201, "Job create")?;
        let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
            kube::Api::namespaced(client.clone(), &ns.name);
        let wp = kube::api::WatchParams::default()
            .labels("batch.kubernetes.io/job-name=w")
            .timeout(30);
        use futures_util::StreamExt;
        let stream = api
            .watch(&wp, &rv)
            .await
            .map_err(|e| format!("watch: {e}"))?;
        let mut stream = std::pin::pin!(stream);
        let first = tokio::time::timeout(PATIENCE, stream.next())
            .await
            .map_err(|_| "no watch event within the patience".to_string())?;
        match first {
            Some(Ok(kube::api::WatchEvent::Added(pod))) => ensure(
                pod.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("w-")),
                || format!("ADDED {:?}", pod.metadata.name),
            ),
            other => Err(format!("first watch event: {other:?}")),
        }
    }
    .await;
    ns.finish(result).await
}
