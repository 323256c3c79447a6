//! What ResourceQuota admission decides about a Pod before any usage counts: its
//! constraints (kubernetes `pkg/quota/v1/evaluator/core/pods.go`, `Constraints`). A quota on
//! `cpu`, `memory`, `requests.*` or `limits.*` of those two makes every container and init
//! container state that resource, or the Pod is refused:
//! `failed quota: q: must specify limits.cpu for: rs-launcher-container` (the admission
//! controller's words, `k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go`).
//!
//! Usage against `hard` (`exceeded quota: ...`) depends on what else runs in the namespace,
//! so it is the cluster's to decide; so is a quota with scopes, which may not match the Pod.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Finding, Severity};

/// The check name of quota findings.
const CHECK: &str = "quota";

/// The resources whose quota requires every container to state them (`validationSet`).
const VALIDATED: [&str; 6] = [
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
];

/// The refusals of the Pod (as the API server stores it, after LimitRange defaults) by the
/// namespace's ResourceQuotas, in their order.
pub fn quota_of_pod(pod: &Value, quotas: &[Value]) -> Vec<Finding> {
    let spec = &pod["spec"];
    // With pod-level resources (1.34+), containers need not state them.
    if spec
        .get("resources")
        .is_some_and(|r| r.as_object().is_some_and(|m| !m.is_empty()))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for quota in quotas {
        let scoped = ["/spec/scopes", "/spec/scopeSelector"]
            .iter()
            .any(|p| quota.pointer(p).is_some_and(|v| !v.is_null()));
        if scoped {
            continue;
        }
        let required: BTreeSet<&str> = quota
            .pointer("/spec/hard")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .filter(|k| VALIDATED.contains(k))
            .collect();
        if required.is_empty() {
            continue;
        }
        let mut missing: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for list in ["containers", "initContainers"] {
            for container in spec[list].as_array().into_iter().flatten() {
                let stated = stated(container);
                for resource in required.iter().filter(|r| !stated.contains(**r)) {
                    let name = container["name"].as_str().unwrap_or_default().to_owned();
                    missing.entry(resource).or_default().insert(name);
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        let name = quota
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let what: Vec<String> = missing
            .iter()
            .map(|(resource, names)| {
                format!(
                    "{resource} for: {}",
                    names.iter().cloned().collect::<Vec<_>>().join(",")
                )
            })
            .collect();
        let first = missing.keys().next().copied().unwrap_or_default();
        out.push(Finding {
            span: None,
            rule: "quota-must-specify",
            severity: Severity::Error,
            check: CHECK.into(),
            path: "spec.template.spec.containers".into(),
            message: format!("failed quota: {name}: must specify {}", what.join("; ")),
            hint: Some(format!(
                "set `{}` in every container (an override of `resources`, or a LimitRange default in `setup:`)",
                first.replace("requests.", "resources.requests.").replace("limits.", "resources.limits.")
            )),
        });
    }
    out
}

/// The quota resource names a container states (`podComputeUsageHelper`).
fn stated(container: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let resources = &container["resources"];
    for resource in ["cpu", "memory"] {
        if resources["requests"].get(resource).is_some() {
            out.insert(resource.to_owned());
            out.insert(format!("requests.{resource}"));
        }
        if resources["limits"].get(resource).is_some() {
            out.insert(format!("limits.{resource}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn quota(hard: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
            "spec": {"hard": hard}})
    }

    fn pod(resources: Value) -> Value {
        json!({"spec": {"containers": [{"name": "rs-launcher-container", "resources": resources}]}})
    }

    #[test]
    fn a_container_without_the_quotas_resource_is_refused_in_the_servers_words() {
        let found = quota_of_pod(
            &pod(json!({"requests": {"memory": "1Gi"}})),
            &[quota(
                json!({"limits.cpu": "4", "requests.memory": "8Gi", "pods": "10"}),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "failed quota: q: must specify limits.cpu for: rs-launcher-container"
        );
        assert_eq!(
            (found[0].check.as_str(), found[0].severity),
            ("quota", Severity::Error)
        );
    }

    #[test]
    fn stated_resources_a_scoped_quota_or_pod_level_resources_pass() {
        let limited = pod(json!({"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}));
        assert!(
            quota_of_pod(&limited, &[quota(json!({"limits.cpu": "4", "cpu": "4"}))]).is_empty()
        );
        let mut scoped = quota(json!({"limits.cpu": "4"}));
        scoped["spec"]["scopes"] = json!(["BestEffort"]);
        assert!(quota_of_pod(&pod(json!({})), &[scoped]).is_empty());
        let mut pod_level = pod(json!({}));
        pod_level["spec"]["resources"] = json!({"limits": {"cpu": "1"}});
        assert!(quota_of_pod(&pod_level, &[quota(json!({"limits.cpu": "4"}))]).is_empty());
    }
}
