//! The mutating admission plugins a stock (kind) cluster runs on a new Pod, in their order:
//! ServiceAccount (`plugin/pkg/admission/serviceaccount/admission.go`),
//! DefaultTolerationSeconds (`plugin/pkg/admission/defaulttolerationseconds/admission.go`) and
//! Priority (`plugin/pkg/admission/priority/admission.go`).
//!
//! Assumed cluster state, as on kind: the named ServiceAccount exists, does not disable token
//! automount and has no imagePullSecrets; there is no `globalDefault` PriorityClass; no
//! LimitRange, RuntimeClass, webhook or admission policy changes the Pod.

use serde_json::{Value, json};

use super::json::{Map, ensure_array, is_empty_string, object_mut, objects_in, string};
use super::placeholders;
use super::template_defaults::mirror_service_account;

/// Where the ServiceAccount token volume is mounted.
pub(crate) const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The token lifetime the admission plugin asks for (`WarnOnlyBoundTokenExpirationSeconds`).
const TOKEN_EXPIRATION_SECONDS: i64 = 3607;
/// The two taints every Pod tolerates for 300 seconds by default.
const DEFAULT_TOLERATED_TAINTS: [&str; 2] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
];
/// The PriorityClasses every cluster has, with their values.
const SYSTEM_PRIORITY_CLASSES: [(&str, i64); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// Runs the mutating admission plugins on the Pod.
pub(crate) fn apply(pod: &mut Map) {
    let Some(spec) = object_mut(pod, "spec") else {
        return;
    };
    service_account(spec);
    default_tolerations(spec);
    priority(spec);
}

/// ServiceAccount admission: `serviceAccountName` defaults to `default`; unless
/// `automountServiceAccountToken` is false, a projected token volume is appended last and
/// mounted last in every init and regular container with nothing at the token path.
fn service_account(spec: &mut Map) {
    if is_empty_string(spec.get("serviceAccountName")) {
        spec.insert("serviceAccountName".into(), json!("default"));
    }
    mirror_service_account(spec);
    if spec.get("automountServiceAccountToken") == Some(&Value::Bool(false)) {
        return;
    }
    // An existing `kube-api-access-…` volume is reused rather than a second one added.
    let existing = spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_object().and_then(|v| string(v, "name")))
        .find(|name| name.starts_with(placeholders::SA_VOLUME_PREFIX))
        .map(str::to_string);
    let volume_name = existing.clone().unwrap_or_else(|| {
        format!(
            "{}{}",
            placeholders::SA_VOLUME_PREFIX,
            placeholders::SA_VOLUME_SUFFIX
        )
    });
    let mut needs_volume = false;
    for list in ["initContainers", "containers"] {
        for container in objects_in(spec, list) {
            let Some(mounts) = ensure_array(container, "volumeMounts") else {
                continue;
            };
            let mounted = mounts
                .iter()
                .any(|m| m.get("mountPath").and_then(Value::as_str) == Some(TOKEN_MOUNT_PATH));
            if !mounted {
                mounts.push(
                    json!({"name": volume_name, "readOnly": true, "mountPath": TOKEN_MOUNT_PATH}),
                );
                needs_volume = true;
            }
        }
    }
    if existing.is_none()
        && needs_volume
        && let Some(volumes) = ensure_array(spec, "volumes")
    {
        volumes.push(token_volume(&volume_name));
    }
}

/// The projected volume with the token, the cluster CA and the namespace.
pub(crate) fn token_volume(name: &str) -> Value {
    json!({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [
                    {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}
                ]}},
            ],
        },
    })
}

/// DefaultTolerationSeconds: tolerate `not-ready` and `unreachable` for 300 s, each unless an
/// existing toleration already covers it (same or empty key, `NoExecute` or empty effect).
fn default_tolerations(spec: &mut Map) {
    let Some(tolerations) = ensure_array(spec, "tolerations") else {
        return;
    };
    let covers = |taint: &str| {
        tolerations.iter().any(|t| {
            let key = t.get("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            (key == taint || key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
        })
    };
    let missing: Vec<&str> = DEFAULT_TOLERATED_TAINTS
        .into_iter()
        .filter(|taint| !covers(taint))
        .collect();
    for taint in missing {
        tolerations.push(json!({"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
    }
}

/// Priority: without a class, priority 0 and `PreemptLowerPriority`; the system classes give
/// their values; another class's values are unknown offline (`{{any}}`). A user value is kept
/// (the plugin rejects the Pod if it disagrees; validation reports that).
fn priority(spec: &mut Map) {
    let class = string(spec, "priorityClassName").unwrap_or("");
    let value = if class.is_empty() {
        json!(0)
    } else {
        match SYSTEM_PRIORITY_CLASSES
            .iter()
            .find(|(name, _)| *name == class)
        {
            Some((_, value)) => json!(value),
            None => json!(placeholders::ANY.text()),
        }
    };
    let policy = match class {
        "" => json!("PreemptLowerPriority"),
        c if SYSTEM_PRIORITY_CLASSES.iter().any(|(name, _)| *name == c) => {
            json!("PreemptLowerPriority")
        }
        _ => json!(placeholders::ANY.text()),
    };
    super::json::default_value(spec, "priority", value);
    super::json::default_value(spec, "preemptionPolicy", policy);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admitted(spec: Value) -> Value {
        let mut pod = json!({"spec": spec}).as_object().cloned().unwrap();
        apply(&mut pod);
        pod["spec"].clone()
    }

    const SA_VOLUME: &str = "kube-api-access-{{suffix:sa}}";

    #[test]
    fn service_account_name_defaults_and_is_mirrored() {
        let spec = admitted(json!({"containers": []}));
        assert_eq!(spec["serviceAccountName"], "default");
        assert_eq!(spec["serviceAccount"], "default");
        let named = admitted(json!({"serviceAccountName": "robot", "containers": []}));
        assert_eq!(named["serviceAccount"], "robot");
    }

    #[test]
    fn token_volume_is_appended_last_and_mounted_last_everywhere() {
        let spec = admitted(json!({
            "volumes": [{"name": "data", "emptyDir": {}}],
            "initContainers": [{"name": "i"}],
            "containers": [{"name": "c", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "ephemeralContainers": [{"name": "e"}]
        }));
        assert_eq!(spec["volumes"][1], token_volume(SA_VOLUME));
        assert_eq!(spec["volumes"].as_array().unwrap().len(), 2);
        let mount = json!({"name": SA_VOLUME, "readOnly": true, "mountPath": TOKEN_MOUNT_PATH});
        assert_eq!(spec["initContainers"][0]["volumeMounts"], json!([mount]));
        assert_eq!(spec["containers"][0]["volumeMounts"][1], mount);
        assert!(spec["ephemeralContainers"][0].get("volumeMounts").is_none());
    }

    #[test]
    fn token_volume_has_exactly_the_three_sources() {
        let volume = token_volume("v");
        let sources = volume["projected"]["sources"].as_array().unwrap();
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[0]["serviceAccountToken"]["expirationSeconds"], 3607);
        assert_eq!(sources[1]["configMap"]["name"], "kube-root-ca.crt");
        assert_eq!(
            sources[2]["downwardAPI"]["items"][0]["fieldRef"]["fieldPath"],
            "metadata.namespace"
        );
    }

    #[test]
    fn no_token_when_automount_is_false() {
        let spec =
            admitted(json!({"automountServiceAccountToken": false, "containers": [{"name": "c"}]}));
        assert!(spec.get("volumes").is_none());
        assert!(spec["containers"][0].get("volumeMounts").is_none());
        assert_eq!(spec["serviceAccountName"], "default");
    }

    #[test]
    fn containers_mounting_the_path_are_skipped_and_no_volume_if_none_needs_it() {
        let spec = admitted(json!({"containers": [{"name": "c",
            "volumeMounts": [{"name": "mine", "mountPath": TOKEN_MOUNT_PATH}]}]}));
        assert_eq!(
            spec["containers"][0]["volumeMounts"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(spec["volumes"].as_array().is_none_or(|v| v.is_empty()));
    }

    #[test]
    fn existing_kube_api_access_volume_is_reused() {
        let spec = admitted(
            json!({"volumes": [{"name": "kube-api-access-abcde", "emptyDir": {}}],
            "containers": [{"name": "c"}]}),
        );
        assert_eq!(spec["volumes"].as_array().unwrap().len(), 1);
        assert_eq!(
            spec["containers"][0]["volumeMounts"][0]["name"],
            "kube-api-access-abcde"
        );
    }

    #[test]
    fn default_tolerations_are_appended_after_user_ones() {
        let spec = admitted(json!({"tolerations": [{"key": "gpu", "operator": "Exists"}]}));
        assert_eq!(
            spec["tolerations"],
            json!([
                {"key": "gpu", "operator": "Exists"},
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ])
        );
    }

    #[test]
    fn default_tolerations_are_suppressed_by_covering_ones() {
        let wildcard = admitted(json!({"tolerations": [{"operator": "Exists"}]}));
        assert_eq!(wildcard["tolerations"].as_array().unwrap().len(), 1);
        let one = admitted(
            json!({"tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]}),
        );
        assert_eq!(one["tolerations"].as_array().unwrap().len(), 2);
        assert_eq!(one["tolerations"][1]["key"], "node.kubernetes.io/not-ready");
        let no_schedule =
            admitted(json!({"tolerations": [{"operator": "Exists", "effect": "NoSchedule"}]}));
        assert_eq!(no_schedule["tolerations"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn priority_defaults() {
        let spec = admitted(json!({}));
        assert_eq!(spec["priority"], 0);
        assert_eq!(spec["preemptionPolicy"], "PreemptLowerPriority");
        assert!(spec.get("priorityClassName").is_none());
        let system = admitted(json!({"priorityClassName": "system-node-critical"}));
        assert_eq!(system["priority"], 2_000_001_000);
        let custom = admitted(json!({"priorityClassName": "high"}));
        assert_eq!(custom["priority"], "{{any}}");
    }
}
