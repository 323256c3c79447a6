//! Which field identifies an item of a Kubernetes list (its merge key), decided by the list's
//! field name and the shape of its items, never by the full path: `containers` are matched by
//! `name` in a Pod's `spec` and in a Job's `spec.template.spec` alike.
//!
//! Lists without a known key (`args`, `envFrom`, ...) are matched by position. `finalizers` is
//! a set of strings.

use serde_json::{Map, Value};

use super::path::Seg;

/// The fields that identify an item of one kind of list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeySpec {
    /// The key fields, in the order paths name them.
    pub(crate) fields: &'static [&'static str],
    /// A field every item must have for the list to be keyed (the shape check).
    required: Option<&'static str>,
    /// Values the API server defaults a key field to, so that a golden port without
    /// `protocol` still finds the `TCP` port.
    defaults: &'static [(&'static str, &'static str)],
}

const fn spec(fields: &'static [&'static str], required: Option<&'static str>) -> KeySpec {
    KeySpec {
        fields,
        required,
        defaults: &[],
    }
}

const BY_NAME: KeySpec = spec(&["name"], Some("name"));

/// The merge key of a list named `field` whose items are `items`, or `None` for a list that
/// is matched by position (unknown name, or an item without the key or not an object).
pub(crate) fn for_list(field: &str, items: &[Value]) -> Option<KeySpec> {
    let spec = match field {
        // `ownerReferences` are keyed by `uid` in Kubernetes, but a golden writes the uid as a
        // placeholder, so the name identifies them better.
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "ownerReferences"
        | "schedulingGates"
        | "resourceClaims"
        | "containerStatuses"
        | "initContainerStatuses"
        | "ephemeralContainerStatuses" => BY_NAME,
        "volumeMounts" => spec(&["mountPath"], Some("mountPath")),
        "volumeDevices" => spec(&["devicePath"], Some("devicePath")),
        "ports" => KeySpec {
            fields: &["containerPort", "protocol"],
            required: Some("containerPort"),
            defaults: &[("protocol", "TCP")],
        },
        // Both parts may be absent (a wildcard toleration has neither).
        "tolerations" => spec(&["key", "effect"], None),
        "hostAliases" => spec(&["ip"], Some("ip")),
        "conditions" => spec(&["type"], Some("type")),
        "readinessGates" => spec(&["conditionType"], Some("conditionType")),
        "resizePolicy" => spec(&["resourceName"], Some("resourceName")),
        "topologySpreadConstraints" => {
            spec(&["topologyKey", "whenUnsatisfiable"], Some("topologyKey"))
        }
        _ => return None,
    };
    let shaped = items.iter().all(|item| match item {
        Value::Object(map) => spec.required.is_none_or(|r| map.contains_key(r)),
        _ => false,
    });
    shaped.then_some(spec)
}

/// Whether a list named `field` is a set of strings rather than a sequence.
pub(crate) fn is_set(field: &str) -> bool {
    field == "finalizers"
}

/// The key of one item, defaults applied; `None` parts are absent fields.
pub(crate) fn key_of(spec: &KeySpec, item: &Map<String, Value>) -> Vec<Option<Value>> {
    spec.fields
        .iter()
        .map(|f| {
            item.get(*f).filter(|v| !v.is_null()).cloned().or_else(|| {
                spec.defaults
                    .iter()
                    .find(|(d, _)| d == f)
                    .map(|(_, v)| Value::String((*v).to_string()))
            })
        })
        .collect()
}

/// The path step naming an item by the key fields it has, or by `index` when it has none.
pub(crate) fn segment(spec: &KeySpec, item: &Map<String, Value>, index: usize) -> Seg {
    let parts: Vec<(String, String)> = spec
        .fields
        .iter()
        .filter_map(|f| {
            item.get(*f)
                .filter(|v| !v.is_null())
                .map(|v| ((*f).to_string(), text(v)))
        })
        .collect();
    if parts.is_empty() {
        Seg::Index(index)
    } else {
        Seg::Select(parts)
    }
}

/// A key value as a path shows it: strings bare, anything else as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_follow_the_field_name_not_the_path() {
        let items = [json!({"name": "a"})];
        assert_eq!(
            for_list("containers", &items).map(|s| s.fields),
            Some(&["name"][..])
        );
        assert_eq!(
            for_list("volumes", &items).map(|s| s.fields),
            Some(&["name"][..])
        );
        let mounts = [json!({"mountPath": "/x", "name": "a"})];
        assert_eq!(
            for_list("volumeMounts", &mounts).map(|s| s.fields),
            Some(&["mountPath"][..])
        );
        assert_eq!(for_list("args", &items), None);
    }

    #[test]
    fn shape_decides_when_an_item_lacks_the_key() {
        assert_eq!(
            for_list("env", &[json!({"name": "a"}), json!({"value": "b"})]),
            None
        );
        assert_eq!(for_list("env", &[json!("a")]), None);
        assert!(for_list("tolerations", &[json!({"operator": "Exists"})]).is_some());
    }

    #[test]
    fn port_protocol_defaults_to_tcp() {
        let spec = for_list("ports", &[json!({"containerPort": 80})]).unwrap();
        let a = json!({"containerPort": 80});
        let b = json!({"containerPort": 80, "protocol": "TCP"});
        assert_eq!(
            key_of(&spec, a.as_object().unwrap()),
            key_of(&spec, b.as_object().unwrap())
        );
        // The path only names what the item says.
        assert_eq!(
            segment(&spec, a.as_object().unwrap(), 0),
            Seg::Select(vec![("containerPort".into(), "80".into())])
        );
    }

    #[test]
    fn keyless_items_are_named_by_index() {
        let spec = for_list("tolerations", &[json!({"operator": "Exists"})]).unwrap();
        let t = json!({"operator": "Exists"});
        assert_eq!(segment(&spec, t.as_object().unwrap(), 3), Seg::Index(3));
    }
}
