//! LimitRanger admission (`plugin/pkg/admission/limitranger/admission.go`, `PodMutateLimitFunc`)
//! for the LimitRanges of the case's namespace (`setup:`): each, in order, gives every
//! container and init container the limits and requests it does not set, from its
//! `type: Container` items, and says what it set in the Pod's `kubernetes.io/limit-ranger`
//! annotation. An item's `default` falls back to its `max`, its `defaultRequest` to its
//! `default`, then its `min` (`SetDefaults_LimitRangeItem`, `pkg/apis/core/v1/defaults.go`).

use serde_json::Value;

use super::json::{Map, ensure_object, object_mut, objects_in, string};

/// The annotation LimitRanger writes.
const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// A LimitRange's container defaults: `(limits, requests)`, each resource name to quantity.
fn container_defaults(limit_range: &Value) -> (Map, Map) {
    let (mut limits, mut requests) = (Map::new(), Map::new());
    let items = limit_range
        .pointer("/spec/limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("Container"));
    for item in items {
        let map = |key: &str| item.get(key).and_then(Value::as_object).cloned();
        let mut default = map("default").unwrap_or_default();
        for (k, v) in map("max").unwrap_or_default() {
            default.entry(k).or_insert(v);
        }
        let mut default_request = map("defaultRequest").unwrap_or_default();
        for (k, v) in default.iter().chain(&map("min").unwrap_or_default()) {
            default_request.entry(k.clone()).or_insert(v.clone());
        }
        // Later items of one LimitRange win, as the plugin's map assignment does.
        limits.extend(default);
        requests.extend(default_request);
    }
    (limits, requests)
}

/// Applies every LimitRange's defaults to the Pod, in order.
pub(crate) fn apply(pod: &mut Map, limit_ranges: &[Value]) {
    for limit_range in limit_ranges {
        let (limits, requests) = container_defaults(limit_range);
        if limits.is_empty() && requests.is_empty() {
            continue;
        }
        let mut notes: Vec<String> = Vec::new();
        if let Some(spec) = object_mut(pod, "spec") {
            for (list, prefix) in [
                ("containers", "container"),
                ("initContainers", "init container"),
            ] {
                for container in objects_in(spec, list) {
                    merge(container, &limits, &requests, prefix, &mut notes);
                }
            }
        }
        if notes.is_empty() {
            continue;
        }
        let text = format!("LimitRanger plugin set: {}", notes.join("; "));
        if let Some(metadata) = ensure_object(pod, "metadata")
            && let Some(annotations) = ensure_object(metadata, "annotations")
        {
            annotations.insert(ANNOTATION.into(), Value::String(text));
        }
    }
}

/// `mergeContainerResources`: the defaults a container lacks, and a note of what was set.
fn merge(container: &mut Map, limits: &Map, requests: &Map, prefix: &str, notes: &mut Vec<String>) {
    let name = string(container, "name").unwrap_or_default().to_owned();
    let Some(resources) = ensure_object(container, "resources") else {
        return;
    };
    let mut set = |key: &str, defaults: &Map| -> Vec<String> {
        let mut names = Vec::new();
        if defaults.is_empty() {
            return names;
        }
        if let Some(current) = ensure_object(resources, key) {
            for (resource, quantity) in defaults {
                if !current.contains_key(resource) {
                    current.insert(resource.clone(), quantity.clone());
                    names.push(resource.clone());
                }
            }
        }
        names.sort();
        names
    };
    let set_limits = set("limits", limits);
    let set_requests = set("requests", requests);
    if !set_requests.is_empty() {
        notes.push(format!(
            "{} request for {prefix} {name}",
            set_requests.join(", ")
        ));
    }
    if !set_limits.is_empty() {
        notes.push(format!(
            "{} limit for {prefix} {name}",
            set_limits.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(resources: Value) -> Map {
        json!({"metadata": {}, "spec": {"containers": [
            {"name": "rs-launcher-container", "resources": resources}]}})
        .as_object()
        .cloned()
        .expect("object")
    }

    #[test]
    fn a_container_gets_the_defaults_it_lacks_and_the_annotation_says_so() {
        let lr = json!({"kind": "LimitRange", "spec": {"limits": [{"type": "Container",
            "default": {"cpu": "500m", "memory": "1Gi"}, "defaultRequest": {"cpu": "100m"}}]}});
        let mut p = pod(json!({"limits": {"memory": "2Gi"}, "requests": {"memory": "2Gi"}}));
        apply(&mut p, &[lr]);
        assert_eq!(
            p["spec"]["containers"][0]["resources"],
            json!({"limits": {"memory": "2Gi", "cpu": "500m"},
                   "requests": {"memory": "2Gi", "cpu": "100m"}})
        );
        assert_eq!(
            p["metadata"]["annotations"][ANNOTATION],
            "LimitRanger plugin set: cpu request for container rs-launcher-container; cpu limit for container rs-launcher-container"
        );
    }

    #[test]
    fn default_request_falls_back_to_default_then_min_and_default_to_max() {
        let lr = json!({"spec": {"limits": [{"type": "Container",
            "max": {"cpu": "2"}, "min": {"memory": "64Mi"}}]}});
        let mut p = pod(json!({}));
        apply(&mut p, &[lr]);
        assert_eq!(
            p["spec"]["containers"][0]["resources"],
            json!({"limits": {"cpu": "2"}, "requests": {"cpu": "2", "memory": "64Mi"}})
        );
        assert_eq!(
            p["metadata"]["annotations"][ANNOTATION],
            "LimitRanger plugin set: cpu, memory request for container rs-launcher-container; cpu limit for container rs-launcher-container"
        );
    }

    #[test]
    fn a_pod_item_or_a_fully_set_container_changes_nothing() {
        let lr = json!({"spec": {"limits": [{"type": "Pod", "max": {"cpu": "2"}},
            {"type": "Container", "default": {"cpu": "1"}}]}});
        let mut p = pod(json!({"limits": {"cpu": "4"}, "requests": {"cpu": "4"}}));
        let before = p.clone();
        apply(&mut p, &[lr]);
        assert_eq!(p, before);
    }
}
