//! Defaulting of a PodSpec, shared by the Job's pod template and the Pod
//! (`pkg/apis/core/v1/defaults.go` `SetDefaults_PodSpec`, `SetDefaults_Container`, the volume
//! source defaults, and the declarative defaults in `zz_generated.defaults.go`), plus the
//! `serviceAccount` mirror that conversion writes (`pkg/apis/core/v1/conversion.go`).
//!
//! Everything here is idempotent: the API server defaults the template on Job create and the
//! Pod again on Pod create.

use serde_json::{Value, json};

use super::image;
use super::json::{
    Map, default_string, default_value, ensure_object, is_unset, object_mut, objects_in, string,
};

/// The container lists a PodSpec holds.
const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Applies every PodSpec default to `spec`.
pub(crate) fn default_pod_spec(spec: &mut Map) {
    default_string(spec, "dnsPolicy", "ClusterFirst");
    // Job validation rejects `Always`; defaulting still writes it first.
    default_string(spec, "restartPolicy", "Always");
    default_value(spec, "securityContext", json!({}));
    default_value(spec, "terminationGracePeriodSeconds", json!(30));
    default_string(spec, "schedulerName", "default-scheduler");
    mirror_service_account(spec);
    for list in CONTAINER_LISTS {
        for container in objects_in(spec, list) {
            default_container(container);
        }
    }
    for volume in objects_in(spec, "volumes") {
        default_volume(volume);
    }
}

/// `serviceAccount` is a deprecated alias: on the way in, it fills an empty
/// `serviceAccountName`; on the way out, it always repeats `serviceAccountName`.
pub(crate) fn mirror_service_account(spec: &mut Map) {
    let name = match (
        string(spec, "serviceAccountName"),
        string(spec, "serviceAccount"),
    ) {
        (Some(name), _) if !name.is_empty() => name.to_string(),
        (None | Some(_), Some(alias)) if !alias.is_empty() => alias.to_string(),
        _ => String::new(),
    };
    if name.is_empty() {
        // Both empty: both are omitted on output (wrong shapes are left for validation).
        for key in ["serviceAccountName", "serviceAccount"] {
            if matches!(spec.get(key), Some(Value::Null) | Some(Value::String(_))) {
                spec.remove(key);
            }
        }
        return;
    }
    for key in ["serviceAccountName", "serviceAccount"] {
        if is_unset(spec.get(key)) || spec.get(key).is_some_and(Value::is_string) {
            spec.insert(key.to_string(), Value::String(name.clone()));
        }
    }
}

/// `SetDefaults_Container` and the per-container declarative defaults.
fn default_container(container: &mut Map) {
    if super::json::is_empty_string(container.get("imagePullPolicy")) {
        let image = string(container, "image").unwrap_or("");
        let policy = image::default_pull_policy(image);
        container.insert("imagePullPolicy".to_string(), json!(policy));
    }
    default_string(container, "terminationMessagePath", "/dev/termination-log");
    default_string(container, "terminationMessagePolicy", "File");
    // `resources` is a struct, not a pointer: it is always printed, as `{}` when empty.
    default_value(container, "resources", json!({}));
    for port in objects_in(container, "ports") {
        default_string(port, "protocol", "TCP");
    }
    for env in objects_in(container, "env") {
        if let Some(value_from) = object_mut(env, "valueFrom")
            && let Some(field_ref) = object_mut(value_from, "fieldRef")
        {
            default_string(field_ref, "apiVersion", "v1");
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(probe) = object_mut(container, probe) {
            default_probe(probe);
        }
    }
    if let Some(lifecycle) = object_mut(container, "lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(hook) = object_mut(lifecycle, hook)
                && let Some(http_get) = object_mut(hook, "httpGet")
            {
                default_http_get(http_get);
            }
        }
    }
}

/// Sets an int32 field that is not a pointer: 0 counts as unset.
fn default_nonzero(map: &mut Map, key: &str, value: i64) {
    let unset = match map.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(_) => false,
    };
    if unset {
        map.insert(key.to_string(), json!(value));
    }
}

/// `SetDefaults_Probe`, `SetDefaults_HTTPGetAction` and the gRPC `service` default.
fn default_probe(probe: &mut Map) {
    default_nonzero(probe, "timeoutSeconds", 1);
    default_nonzero(probe, "periodSeconds", 10);
    default_nonzero(probe, "successThreshold", 1);
    default_nonzero(probe, "failureThreshold", 3);
    if let Some(http_get) = object_mut(probe, "httpGet") {
        default_http_get(http_get);
    }
    if let Some(grpc) = object_mut(probe, "grpc") {
        default_value(grpc, "service", json!(""));
    }
}

/// `SetDefaults_HTTPGetAction`.
fn default_http_get(http_get: &mut Map) {
    default_string(http_get, "path", "/");
    default_string(http_get, "scheme", "HTTP");
}

/// The volume source keys of a `Volume` (everything except `name`).
fn has_source(volume: &Map) -> bool {
    volume
        .iter()
        .any(|(key, value)| key != "name" && !value.is_null())
}

/// `SetDefaults_Volume` and the volume-source defaults.
fn default_volume(volume: &mut Map) {
    if !has_source(volume) {
        volume.insert("emptyDir".to_string(), json!({}));
    }
    if let Some(host_path) = object_mut(volume, "hostPath") {
        default_value(host_path, "type", json!(""));
    }
    for mode_source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(source) = object_mut(volume, mode_source) {
            default_value(source, "defaultMode", json!(420));
        }
    }
    if let Some(downward) = object_mut(volume, "downwardAPI") {
        default_downward_items(downward);
    }
    if let Some(projected) = object_mut(volume, "projected") {
        for source in objects_in(projected, "sources") {
            if let Some(downward) = object_mut(source, "downwardAPI") {
                default_downward_items(downward);
            }
            if let Some(token) = object_mut(source, "serviceAccountToken") {
                default_value(token, "expirationSeconds", json!(3600));
            }
        }
    }
    if let Some(iscsi) = object_mut(volume, "iscsi") {
        default_string(iscsi, "iscsiInterface", "default");
    }
    if let Some(rbd) = object_mut(volume, "rbd") {
        default_string(rbd, "pool", "rbd");
        default_string(rbd, "user", "admin");
        default_string(rbd, "keyring", "/etc/ceph/keyring");
    }
    if let Some(azure) = object_mut(volume, "azureDisk") {
        default_value(azure, "cachingMode", json!("ReadWrite"));
        default_value(azure, "kind", json!("Shared"));
        default_value(azure, "fsType", json!("ext4"));
        default_value(azure, "readOnly", json!(false));
    }
    if let Some(scale_io) = object_mut(volume, "scaleIO") {
        default_string(scale_io, "storageMode", "ThinProvisioned");
        default_string(scale_io, "fsType", "xfs");
    }
    if let Some(ephemeral) = object_mut(volume, "ephemeral")
        && let Some(template) = object_mut(ephemeral, "volumeClaimTemplate")
        && let Some(spec) = ensure_object(template, "spec")
    {
        default_value(spec, "volumeMode", json!("Filesystem"));
    }
}

/// `fieldRef.apiVersion` in downward API items.
fn default_downward_items(downward: &mut Map) {
    for item in objects_in(downward, "items") {
        if let Some(field_ref) = object_mut(item, "fieldRef") {
            default_string(field_ref, "apiVersion", "v1");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaulted(spec: Value) -> Value {
        let mut spec = spec;
        default_pod_spec(spec.as_object_mut().unwrap());
        spec
    }

    #[test]
    fn pod_spec_scalars() {
        let spec = defaulted(json!({"containers": []}));
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["securityContext"], json!({}));
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["schedulerName"], "default-scheduler");
        let kept = defaulted(json!({"restartPolicy": "Never", "terminationGracePeriodSeconds": 0}));
        assert_eq!(kept["restartPolicy"], "Never");
        assert_eq!(kept["terminationGracePeriodSeconds"], 0);
    }

    #[test]
    fn container_fields() {
        let spec = defaulted(json!({"initContainers": [{"name": "i", "image": "a:1"}],
            "containers": [{"name": "c", "image": "busybox", "ports": [{"containerPort": 80}],
            "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}));
        let c = &spec["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Always");
        assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c["terminationMessagePolicy"], "File");
        assert_eq!(c["resources"], json!({}));
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"], "v1");
        assert_eq!(spec["initContainers"][0]["imagePullPolicy"], "IfNotPresent");
    }

    #[test]
    fn probes_and_lifecycle() {
        let spec = defaulted(json!({"containers": [{"name": "c", "image": "x:1",
            "livenessProbe": {"httpGet": {"port": 8080}, "periodSeconds": 0},
            "readinessProbe": {"grpc": {"port": 9}, "timeoutSeconds": 5},
            "lifecycle": {"preStop": {"httpGet": {"port": 1}}}}]}));
        let c = &spec["containers"][0];
        assert_eq!(
            c["livenessProbe"],
            json!({"httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
            "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3})
        );
        assert_eq!(c["readinessProbe"]["timeoutSeconds"], 5);
        assert_eq!(c["readinessProbe"]["grpc"]["service"], "");
        assert_eq!(c["lifecycle"]["preStop"]["httpGet"]["path"], "/");
    }

    #[test]
    fn volume_sources() {
        let spec = defaulted(json!({"volumes": [
            {"name": "none"},
            {"name": "s", "secret": {"secretName": "x"}},
            {"name": "c", "configMap": {"name": "x", "defaultMode": 256}},
            {"name": "h", "hostPath": {"path": "/x"}},
            {"name": "d", "downwardAPI": {"items": [{"path": "p", "fieldRef": {"fieldPath": "metadata.name"}}]}},
            {"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}},
                {"downwardAPI": {"items": [{"path": "p", "fieldRef": {"fieldPath": "metadata.name"}}]}}]}},
            {"name": "e", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"]}}}}
        ]}));
        let v = &spec["volumes"];
        assert_eq!(v[0]["emptyDir"], json!({}));
        assert_eq!(v[1]["secret"]["defaultMode"], 420);
        assert_eq!(v[2]["configMap"]["defaultMode"], 256);
        assert_eq!(v[3]["hostPath"]["type"], "");
        assert_eq!(v[4]["downwardAPI"]["defaultMode"], 420);
        assert_eq!(
            v[4]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"],
            "v1"
        );
        assert_eq!(v[5]["projected"]["defaultMode"], 420);
        assert_eq!(
            v[5]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"],
            3600
        );
        assert_eq!(
            v[5]["projected"]["sources"][1]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"],
            "v1"
        );
        assert_eq!(
            v[6]["ephemeral"]["volumeClaimTemplate"]["spec"]["volumeMode"],
            "Filesystem"
        );
    }

    #[test]
    fn service_account_alias_is_mirrored_both_ways() {
        let from_alias = defaulted(json!({"serviceAccount": "a"}));
        assert_eq!(from_alias["serviceAccountName"], "a");
        assert_eq!(from_alias["serviceAccount"], "a");
        let name_wins = defaulted(json!({"serviceAccountName": "n", "serviceAccount": "a"}));
        assert_eq!(name_wins["serviceAccount"], "n");
        let neither = defaulted(json!({"serviceAccountName": ""}));
        assert!(
            neither.get("serviceAccountName").is_none() && neither.get("serviceAccount").is_none()
        );
    }

    #[test]
    fn wrong_shapes_are_left_alone() {
        let spec = defaulted(
            json!({"containers": [1, "x", {"name": "c", "image": 5, "ports": {}}],
            "volumes": {"a": 1}}),
        );
        assert_eq!(spec["containers"][0], 1);
        assert_eq!(spec["containers"][2]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(spec["volumes"], json!({"a": 1}));
    }
}
