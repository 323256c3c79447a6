//! A case's Nodes (`nodes.yaml`) on a control plane jjo started itself (`--cluster local`),
//! so that the real kube-scheduler places the session's Pod on the cluster the admin
//! exported. Never used on kind or staging: there the real nodes decide.
//!
//! Each Node is created with what scheduling reads (name, labels, taints, `unschedulable`,
//! capacity and allocatable) and nothing else. Admission (the `TaintNodesByCondition`
//! plugin) gives a new Node the taint `node.kubernetes.io/not-ready:NoSchedule`, which a
//! kubelet would clear once ready; there is no kubelet here, so jjo sets the Node's taints
//! back to the export's. No controller jjo runs (no node-lifecycle controller) adds them again.

use k8s_openapi::api::core::v1::Node;
use kube::Client;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::{Map, Value, json};

use super::retry::with_retry;
use super::{Error, Op, RUN_ID_LABEL, RetryPolicy};

/// Creates `nodes` (objects as `nodes.yaml` has them), labelled with `run_id`; returns
/// their names. A failure part way deletes the ones already made.
pub async fn create_nodes(
    client: &Client,
    nodes: &[Value],
    run_id: &str,
    retry: &RetryPolicy,
) -> Result<Vec<String>, Error> {
    let mut made = Vec::new();
    for node in nodes {
        match create_one(client, node, run_id, retry).await {
            Ok(name) => made.push(name),
            Err(e) => {
                let _ = delete_nodes(client, &made, retry).await;
                return Err(e);
            }
        }
    }
    Ok(made)
}

async fn create_one(
    client: &Client,
    node: &Value,
    run_id: &str,
    retry: &RetryPolicy,
) -> Result<String, Error> {
    let api: Api<Node> = Api::all(client.clone());
    let name = node
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut labels: Map<String, Value> = node
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert(RUN_ID_LABEL.into(), run_id.into());
    let taints = node.pointer("/spec/taints").cloned().unwrap_or(Value::Null);
    let mut spec = json!({"taints": taints});
    if let Some(unschedulable) = node.pointer("/spec/unschedulable") {
        spec["unschedulable"] = unschedulable.clone();
    }
    let body = json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels}, "spec": spec});
    let typed: Node = serde_json::from_value(body).map_err(|e| Error::BadObject {
        what: format!("node `{name}` of nodes.yaml"),
        message: e.to_string(),
    })?;
    let op = Op::new("create", "", "nodes", None);
    let post = PostParams::default();
    with_retry(retry, &op, || api.create(&post, &typed)).await?;
    // Capacity and allocatable are status: the create drops them, the status subresource
    // takes them.
    let mut status = Map::new();
    for key in ["capacity", "allocatable"] {
        if let Some(v) = node.pointer(&format!("/status/{key}")) {
            status.insert(key.into(), v.clone());
        }
    }
    if !status.is_empty() {
        let op = Op::new("patch", "", "nodes/status", None);
        let patch = Patch::Merge(json!({"status": status}));
        let params = PatchParams::default();
        with_retry(retry, &op, || api.patch_status(&name, &params, &patch)).await?;
    }
    // Admission's `not-ready` taint off: the export's taints are the Node's taints.
    let op = Op::new("patch", "", "nodes", None);
    let patch = Patch::Merge(json!({"spec": {"taints": taints}}));
    let params = PatchParams::default();
    with_retry(retry, &op, || api.patch(&name, &params, &patch)).await?;
    Ok(name)
}

/// Deletes the Nodes `names` (one already gone is fine) and, first, every Pod bound to them;
/// the first error, after trying all.
///
/// Without a kubelet, a bound Pod's graceful deletion never completes (the kubelet confirms
/// it), and the pod-garbage-collector removes Pods of a deleted Node only after its
/// quarantine: a Pod of this case would go on taking its node's resources when the next
/// case creates a Node of the same name. So they are deleted at once (grace period 0), as
/// `kubectl delete --force` does.
pub async fn delete_nodes(
    client: &Client,
    names: &[String],
    retry: &RetryPolicy,
) -> Result<(), Error> {
    let mut first = None;
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::all(client.clone());
    let list = Op::new("list", "", "pods", None);
    let delete = Op::new("delete", "", "pods", None);
    let now = DeleteParams {
        grace_period_seconds: Some(0),
        ..DeleteParams::default()
    };
    for name in names {
        let lp = kube::api::ListParams::default().fields(&format!("spec.nodeName={name}"));
        let bound = match with_retry(retry, &list, || pods.list(&lp)).await {
            Ok(bound) => bound.items,
            Err(e) => {
                first.get_or_insert(e);
                continue;
            }
        };
        for pod in bound {
            let (Some(ns), Some(pod_name)) = (pod.metadata.namespace, pod.metadata.name) else {
                continue;
            };
            let api: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(client.clone(), &ns);
            match with_retry(retry, &delete, || api.delete(&pod_name, &now)).await {
                Ok(_) | Err(Error::Api { code: 404, .. }) => {}
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
    }
    // The deletes are at once in the API; wait until the list says so.
    for name in names {
        let lp = kube::api::ListParams::default().fields(&format!("spec.nodeName={name}"));
        for _ in 0..100 {
            match with_retry(retry, &list, || pods.list(&lp)).await {
                Ok(left) if !left.items.is_empty() => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                _ => break,
            }
        }
    }
    let api: Api<Node> = Api::all(client.clone());
    let op = Op::new("delete", "", "nodes", None);
    let params = DeleteParams::default();
    for name in names {
        match with_retry(retry, &op, || api.delete(name, &params)).await {
            Ok(_) | Err(Error::Api { code: 404, .. }) => {}
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), Err)
}
