//! Small helpers for editing Kubernetes objects held as JSON. Every helper tolerates wrong
//! shapes by doing nothing: the API server would reject them, and validation reports them.

use serde_json::Value;

/// A JSON object.
pub(crate) type Map = serde_json::Map<String, Value>;

/// How a value is described in messages (`an array`, `a string`, ...).
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether a field is unset the way a nil Go pointer is: absent or `null`.
pub(crate) fn is_unset(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null))
}

/// Whether a string field is unset the way an empty Go string is: absent, `null` or `""`.
pub(crate) fn is_empty_string(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Sets `key` to `value` when it is unset (absent or `null`).
pub(crate) fn default_value(map: &mut Map, key: &str, value: Value) {
    if is_unset(map.get(key)) {
        map.insert(key.to_string(), value);
    }
}

/// Sets the string field `key` to `value` when it is absent, `null` or empty.
pub(crate) fn default_string(map: &mut Map, key: &str, value: &str) {
    if is_empty_string(map.get(key)) {
        map.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// The object under `key`, if there is one.
pub(crate) fn object_mut<'a>(map: &'a mut Map, key: &str) -> Option<&'a mut Map> {
    map.get_mut(key).and_then(Value::as_object_mut)
}

/// The object under `key`, created when unset; `None` when `key` holds something else.
pub(crate) fn ensure_object<'a>(map: &'a mut Map, key: &str) -> Option<&'a mut Map> {
    if is_unset(map.get(key)) {
        map.insert(key.to_string(), Value::Object(Map::new()));
    }
    object_mut(map, key)
}

/// The array under `key`, created when unset; `None` when `key` holds something else.
pub(crate) fn ensure_array<'a>(map: &'a mut Map, key: &str) -> Option<&'a mut Vec<Value>> {
    if is_unset(map.get(key)) {
        map.insert(key.to_string(), Value::Array(Vec::new()));
    }
    map.get_mut(key).and_then(Value::as_array_mut)
}

/// The objects in the array under `key`, skipping items that are not objects.
pub(crate) fn objects_in<'a>(map: &'a mut Map, key: &str) -> impl Iterator<Item = &'a mut Map> {
    map.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// The string under `key`, if it is one.
pub(crate) fn string<'a>(map: &'a Map, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// Whether the object under `key` is absent, `null` or has no keys (an empty Go map).
pub(crate) fn is_empty_map(map: &Map, key: &str) -> bool {
    match map.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(_) => false,
    }
}

/// Sorts every object's keys, recursively, as `kubectl get -o yaml` prints them.
pub(crate) fn sort_keys(value: &mut Value) {
    match value {
        // In place: rebuilding each map (take, sort, insert again) rehashed every key and
        // was a quarter of the predictor's time.
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Fields whose Go type is a map: an empty one is dropped when the object is stored
/// (`omitempty`), whereas an empty struct such as `emptyDir: {}` or `securityContext: {}` stays.
const MAP_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "nodeSelector",
    "limits",
    "requests",
    "matchLabels",
    "data",
];

/// Fields whose Go type is a plain `bool` with `omitempty`: `false` is not stored. (Pointer
/// bools such as `privileged`, `shareProcessNamespace` or `csi.readOnly` keep their `false`.)
const PLAIN_BOOLS: &[&str] = &[
    "stdin",
    "stdinOnce",
    "tty",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "readOnly",
];

/// What decoding into Go types and encoding again does to a submitted object: `null` fields,
/// empty lists, empty maps and `false` plain bools disappear (`omitempty`). List items are
/// left alone.
pub(crate) fn drop_empty(value: &mut Value) {
    drop_empty_under(value, "");
}

fn drop_empty_under(value: &mut Value, parent: &str) {
    match value {
        Value::Object(map) => {
            map.retain(|key, v| {
                drop_empty_under(v, key);
                match v {
                    Value::Null => false,
                    Value::Array(items) => !items.is_empty(),
                    Value::Object(m) => !(m.is_empty() && MAP_FIELDS.contains(&key.as_str())),
                    Value::Bool(false) => !(PLAIN_BOOLS.contains(&key.as_str()) && parent != "csi"),
                    _ => true,
                }
            });
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| drop_empty_under(item, parent)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_apply_to_unset_only() {
        let mut map = json!({"a": null, "b": 0, "c": "", "d": "x"})
            .as_object()
            .cloned()
            .unwrap();
        default_value(&mut map, "a", json!(1));
        default_value(&mut map, "b", json!(1));
        default_string(&mut map, "c", "y");
        default_string(&mut map, "d", "y");
        default_value(&mut map, "e", json!(true));
        assert_eq!(
            Value::Object(map),
            json!({"a": 1, "b": 0, "c": "y", "d": "x", "e": true})
        );
    }

    #[test]
    fn ensure_object_refuses_other_shapes() {
        let mut map = json!({"a": [], "b": null}).as_object().cloned().unwrap();
        assert!(ensure_object(&mut map, "a").is_none());
        assert!(ensure_object(&mut map, "b").is_some());
        assert!(ensure_object(&mut map, "c").is_some());
    }

    #[test]
    fn sorts_keys_recursively_keeping_list_order() {
        let mut value = json!({"b": [{"z": 1, "a": 2}, 1], "a": {"d": 1, "c": 2}});
        sort_keys(&mut value);
        assert_eq!(
            value.to_string(),
            r#"{"a":{"c":2,"d":1},"b":[{"a":2,"z":1},1]}"#
        );
    }
}
