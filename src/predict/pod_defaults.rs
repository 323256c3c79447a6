//! What the API server does to the Pod itself: Pod defaulting (`SetObjectDefaults_Pod`, which
//! repeats the PodSpec defaults and adds `SetDefaults_Pod`) before admission, and the Pod
//! strategy's `PrepareForCreate` (`pkg/registry/core/pod/strategy.go`: `generation`, status
//! `Pending` with the QoS class) after it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Version;
use super::json::{Map, default_value, ensure_object, object_mut, objects_in};
use super::placeholders;
use super::quantity::Quantity;
use super::template_defaults::default_pod_spec;

/// Pod defaulting: the PodSpec defaults again (the Job controller added fields that need
/// them), then `SetDefaults_Pod`.
pub(crate) fn apply(pod: &mut Map) {
    let Some(spec) = object_mut(pod, "spec") else {
        return;
    };
    default_pod_spec(spec);
    default_value(spec, "enableServiceLinks", json!(true));
    for list in ["initContainers", "containers"] {
        for container in objects_in(spec, list) {
            whole_numbers_as_quantity_strings(container);
            requests_from_limits(container);
        }
    }
    if spec.get("hostNetwork") == Some(&Value::Bool(true)) {
        for list in ["initContainers", "containers"] {
            for container in objects_in(spec, list) {
                for port in objects_in(container, "ports") {
                    host_port_from_container_port(port);
                }
            }
        }
    }
}

/// A quantity sent as a JSON number comes back as a string: `resource.Quantity` reads a number
/// but always writes a string (apimachinery `pkg/api/resource/quantity.go`, `MarshalJSON`).
/// Launcher templates write GPU counts as numbers (`float64` in job.tpl 2.4.0). Only whole
/// numbers are converted, whose canonical form is their digits; a fractional number is left
/// as it is (its canonical form, such as `500m`, is not computed here).
fn whole_numbers_as_quantity_strings(container: &mut Map) {
    let Some(resources) = object_mut(container, "resources") else {
        return;
    };
    for list in ["limits", "requests"] {
        let Some(Value::Object(amounts)) = resources.get_mut(list) else {
            continue;
        };
        for amount in amounts.values_mut() {
            let whole = match amount {
                Value::Number(n) => n
                    .as_i64()
                    .map(|i| i.to_string())
                    .or_else(|| n.as_u64().map(|u| u.to_string()))
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                            .map(|f| format!("{f:.0}"))
                    }),
                _ => None,
            };
            if let Some(text) = whole {
                *amount = Value::String(text);
            }
        }
    }
}

/// Every resource with a limit and no request gets the limit as request.
fn requests_from_limits(container: &mut Map) {
    let Some(resources) = object_mut(container, "resources") else {
        return;
    };
    let Some(limits) = resources.get("limits").and_then(Value::as_object).cloned() else {
        return;
    };
    if limits.is_empty() {
        return;
    }
    let Some(requests) = ensure_object(resources, "requests") else {
        return;
    };
    for (name, limit) in limits {
        requests.entry(name).or_insert(limit);
    }
}

/// With `hostNetwork`, a port without `hostPort` (or 0) gets the container port.
fn host_port_from_container_port(port: &mut Map) {
    let unset = match port.get("hostPort") {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(_) => false,
    };
    if unset && let Some(container_port) = port.get("containerPort").cloned() {
        port.insert("hostPort".into(), container_port);
    }
}

/// The Pod strategy's create-time fields: server metadata, `generation` (1.33+), and the
/// initial status.
pub(crate) fn prepare_for_create(pod: &mut Map, version: Version) {
    if let Some(metadata) = object_mut(pod, "metadata") {
        placeholders::set_server_metadata(
            metadata,
            placeholders::POD_UID,
            version.pod_generation(),
        );
    }
    let qos = pod
        .get("spec")
        .and_then(Value::as_object)
        .map_or("BestEffort", |s| qos_class(s, version));
    pod.insert(
        "status".into(),
        json!({"phase": "Pending", "qosClass": qos}),
    );
}

/// The resources the QoS class looks at.
const QOS_RESOURCES: [&str; 2] = ["cpu", "memory"];

/// Sums per resource; `None` once a quantity does not parse (then it cannot be compared).
type Totals = BTreeMap<String, Option<Quantity>>;

/// Adds the positive cpu/memory quantities of `list` to `totals`; returns the names found.
fn add_positive(totals: &mut Totals, list: Option<&Value>) -> Vec<String> {
    let mut found = Vec::new();
    let Some(list) = list.and_then(Value::as_object) else {
        return found;
    };
    for (name, value) in list {
        if !QOS_RESOURCES.contains(&name.as_str()) {
            continue;
        }
        let quantity = Quantity::from_json(value);
        // An unparseable quantity is rejected by validation; count it as set.
        if quantity.is_some_and(|q| !q.is_positive()) {
            continue;
        }
        found.push(name.clone());
        let entry = totals.entry(name.clone()).or_insert(Some(Quantity::ZERO));
        *entry = match (*entry, quantity) {
            (Some(total), Some(q)) => total.checked_add(q),
            _ => None,
        };
    }
    found
}

/// `ComputePodQOS`: BestEffort without cpu/memory requests or limits; Guaranteed when every
/// container limits both and requests equal limits; Burstable otherwise. From 1.34, pod-level
/// `resources` decide when set.
pub(crate) fn qos_class(spec: &Map, version: Version) -> &'static str {
    let mut requests = Totals::new();
    let mut limits = Totals::new();
    let mut guaranteed = true;
    let mut add = |resources: Option<&Value>, pod_level: bool| {
        let resources = resources.and_then(Value::as_object);
        add_positive(&mut requests, resources.and_then(|r| r.get("requests")));
        let limit_list = resources.and_then(|r| r.get("limits"));
        // Pod-level resources without limits say nothing about guaranteed-ness.
        if pod_level
            && limit_list
                .and_then(Value::as_object)
                .is_none_or(|l| l.is_empty())
        {
            return;
        }
        let found = add_positive(&mut limits, limit_list);
        if !QOS_RESOURCES.iter().all(|r| found.iter().any(|f| f == r)) {
            guaranteed = false;
        }
    };
    match spec
        .get("resources")
        .filter(|r| r.is_object() && version.pod_level_resources())
    {
        Some(resources) => add(Some(resources), true),
        None => {
            for list in ["containers", "initContainers"] {
                for container in spec
                    .get(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    add(container.get("resources"), false);
                }
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    let equal = requests
        .iter()
        .all(|(name, request)| match (request, limits.get(name)) {
            (Some(request), Some(Some(limit))) => request == limit,
            _ => false,
        });
    if guaranteed && equal && requests.len() == limits.len() {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaulted(spec: Value) -> Value {
        let mut pod = json!({"spec": spec}).as_object().cloned().unwrap();
        apply(&mut pod);
        Value::Object(pod)
    }

    fn qos(spec: Value, minor: u8) -> &'static str {
        qos_class(
            defaulted(spec)["spec"].as_object().unwrap(),
            Version { minor },
        )
    }

    #[test]
    fn enable_service_links_defaults_to_true_but_keeps_false() {
        assert_eq!(defaulted(json!({}))["spec"]["enableServiceLinks"], true);
        assert_eq!(
            defaulted(json!({"enableServiceLinks": false}))["spec"]["enableServiceLinks"],
            false
        );
    }

    #[test]
    fn requests_take_missing_limits() {
        let pod = defaulted(
            json!({"initContainers": [{"name": "i", "resources": {"limits": {"cpu": "1"}}}],
            "containers": [{"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"},
            "requests": {"cpu": "500m"}}}]}),
        );
        assert_eq!(
            pod["spec"]["containers"][0]["resources"]["requests"],
            json!({"cpu": "500m", "memory": "1Gi"})
        );
        assert_eq!(
            pod["spec"]["initContainers"][0]["resources"]["requests"],
            json!({"cpu": "1"})
        );
    }

    /// apimachinery `pkg/api/resource/quantity.go`: `MarshalJSON` writes every quantity as a
    /// string, so the Pod read back holds `"1"` where the Job said `1`.
    #[test]
    fn whole_number_quantities_come_back_as_strings() {
        let pod = defaulted(json!({"containers": [{"name": "c", "resources": {
            "limits": {"nvidia.com/gpu": 1.0, "cpu": "2", "amd.com/gpu": 2},
            "requests": {"cpu": 0.5}}}]}));
        let resources = &pod["spec"]["containers"][0]["resources"];
        assert_eq!(
            resources["limits"],
            json!({"nvidia.com/gpu": "1", "cpu": "2", "amd.com/gpu": "2"})
        );
        // Fractions keep their number (their canonical `500m` is not computed).
        assert_eq!(
            resources["requests"],
            json!({"cpu": 0.5, "nvidia.com/gpu": "1", "amd.com/gpu": "2"})
        );
    }

    #[test]
    fn host_network_copies_container_ports_to_host_ports() {
        let pod = defaulted(json!({"hostNetwork": true, "containers": [{"name": "c",
            "ports": [{"containerPort": 80}, {"containerPort": 81, "hostPort": 9}]}]}));
        assert_eq!(pod["spec"]["containers"][0]["ports"][0]["hostPort"], 80);
        assert_eq!(pod["spec"]["containers"][0]["ports"][1]["hostPort"], 9);
        let no_host =
            defaulted(json!({"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}));
        assert!(
            no_host["spec"]["containers"][0]["ports"][0]
                .get("hostPort")
                .is_none()
        );
    }

    #[test]
    fn qos_best_effort_burstable_guaranteed() {
        assert_eq!(
            qos(json!({"containers": [{"name": "c"}]}), 34),
            "BestEffort"
        );
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}),
                34
            ),
            "Burstable"
        );
        let both = json!({"cpu": "1", "memory": "1Gi"});
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": both}}]}),
                34
            ),
            "Guaranteed"
        );
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": both, "requests": {"cpu": "1000m"}}}]}),
                34
            ),
            "Guaranteed"
        );
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": both, "requests": {"cpu": "500m"}}}]}),
                34
            ),
            "Burstable"
        );
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": both}}, {"name": "d"}]}),
                34
            ),
            "Burstable"
        );
        // Only cpu and memory count.
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": {"ephemeral-storage": "1Gi"}}}]}),
                34
            ),
            "BestEffort"
        );
        assert_eq!(
            qos(
                json!({"containers": [{"name": "c", "resources": {"limits": {"cpu": "0", "memory": "0"}}}]}),
                34
            ),
            "BestEffort"
        );
    }

    #[test]
    fn qos_pod_level_resources_from_1_34() {
        let spec = json!({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}},
            "containers": [{"name": "c"}]});
        assert_eq!(qos(spec.clone(), 34), "Guaranteed");
        assert_eq!(qos(spec, 33), "BestEffort");
    }

    #[test]
    fn prepare_for_create_sets_generation_from_1_33_and_status() {
        let mut pod = json!({"metadata": {}, "spec": {}})
            .as_object()
            .cloned()
            .unwrap();
        prepare_for_create(&mut pod, Version { minor: 32 });
        assert!(pod["metadata"].get("generation").is_none());
        assert_eq!(
            pod["status"],
            json!({"phase": "Pending", "qosClass": "BestEffort"})
        );
        prepare_for_create(&mut pod, Version { minor: 33 });
        assert_eq!(pod["metadata"]["generation"], 1);
        assert_eq!(pod["metadata"]["uid"], "{{uid:pod}}");
    }
}
