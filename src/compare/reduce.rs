//! Reducing a prediction to what a case changed, so that blessed goldens stay small, readable
//! and valid across Kubernetes versions.

use serde_json::{Map, Value};

use super::merge_keys;

/// Keeps from `with_overrides` only what differs from `without`: new fields, changed values,
/// new or changed list items (each kept item keeps its merge key, e.g. `name`, so the golden
/// still says which item it means), and `null` for a field the overrides removed (a golden
/// `null` matches an absent field). Placeholders are kept as they are.
///
/// Lists without a merge key, and keyed lists with duplicate keys, are kept whole when they
/// differ, since they are matched by position. If nothing differs the result is `{}`, which
/// matches any object (or `with_overrides` itself when it is not an object, since `{}` would
/// not match it). `compare(reduce(w, wo), w, Subset + MergeKeys)` is always empty.
pub fn reduce(with_overrides: &Value, without: &Value) -> Value {
    match diff(None, with_overrides, without) {
        Some(v) => v,
        None if with_overrides.is_object() => Value::Object(Map::new()),
        None => with_overrides.clone(),
    }
}

/// What of `w` differs from `wo`, or `None` when nothing does.
fn diff(field: Option<&str>, w: &Value, wo: &Value) -> Option<Value> {
    if w == wo {
        return None;
    }
    match (w, wo) {
        (Value::Object(wm), Value::Object(wom)) => {
            let mut out = Map::new();
            for (k, v) in wm {
                match wom.get(k) {
                    Some(old) => {
                        if let Some(d) = diff(Some(k), v, old) {
                            out.insert(k.clone(), d);
                        }
                    }
                    None => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            for (k, old) in wom {
                if !wm.contains_key(k) && !old.is_null() {
                    out.insert(k.clone(), Value::Null);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        (Value::Array(wv), Value::Array(wov)) => match list(field, wv, wov) {
            // Only items were removed: a subset golden cannot say so, and `[]` would mean
            // "an empty list".
            Some(items) if items.is_empty() => None,
            Some(items) => Some(Value::Array(items)),
            None => Some(w.clone()),
        },
        _ => Some(w.clone()),
    }
}

/// The changed items of a keyed list, or `None` when the list must be kept whole.
fn list(field: Option<&str>, wv: &[Value], wov: &[Value]) -> Option<Vec<Value>> {
    if wv.is_empty() || !wv.iter().all(Value::is_object) {
        return None;
    }
    let spec = merge_keys::for_list(field?, wv)?;
    let keys: Vec<_> = wv
        .iter()
        .filter_map(Value::as_object)
        .map(|m| merge_keys::key_of(&spec, m))
        .collect();
    // With a repeated key, the comparison pairs items in order; dropping one would shift them.
    if keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
        return None;
    }
    let mut out = Vec::new();
    for (item, key) in wv.iter().filter_map(Value::as_object).zip(&keys) {
        let old = wov
            .iter()
            .filter_map(Value::as_object)
            .find(|m| &merge_keys::key_of(&spec, m) == key);
        let Some(old) = old else {
            out.push(Value::Object(item.clone()));
            continue;
        };
        let Some(Value::Object(changed)) = diff(
            None,
            &Value::Object(item.clone()),
            &Value::Object(old.clone()),
        ) else {
            continue;
        };
        let mut kept = Map::new();
        for f in spec.fields {
            if let Some(v) = item.get(*f) {
                kept.insert((*f).to_string(), v.clone());
            }
        }
        for (k, v) in changed {
            kept.entry(k).or_insert(v);
        }
        out.push(Value::Object(kept));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compare::{Lists, Mode, Options, compare};

    const OPTS: Options = Options {
        mode: Mode::Subset,
        lists: Lists::MergeKeys,
    };

    fn base() -> Value {
        json!({"spec": {
            "containers": [{"name": "rs-launcher-container", "image": "r:1",
                            "volumeMounts": [{"name": "kube-api-access-{{suffix:sa}}", "mountPath": "/t"}]}],
            "volumes": [{"name": "kube-api-access-{{suffix:sa}}", "projected": {}}],
            "enableServiceLinks": false
        }})
    }

    #[test]
    fn keeps_changes_with_their_merge_keys() {
        let mut w = base();
        w["spec"]["containers"][0]["securityContext"] = json!({"privileged": true});
        w["spec"]["volumes"] = json!([{"name": "kube-api-access-{{suffix:sa}}", "projected": {}}, {"name": "data", "nfs": {"path": "/d"}}]);
        let r = reduce(&w, &base());
        assert_eq!(
            r,
            json!({"spec": {
                "containers": [{"name": "rs-launcher-container", "securityContext": {"privileged": true}}],
                "volumes": [{"name": "data", "nfs": {"path": "/d"}}]
            }})
        );
        assert_eq!(compare(&r, &w, OPTS).unwrap(), vec![]);
    }

    #[test]
    fn removed_fields_become_null() {
        let mut w = base();
        w["spec"]
            .as_object_mut()
            .unwrap()
            .remove("enableServiceLinks");
        assert_eq!(
            reduce(&w, &base()),
            json!({"spec": {"enableServiceLinks": null}})
        );
    }

    #[test]
    fn unkeyed_lists_are_kept_whole() {
        let w = json!({"args": ["a", "c"], "envFrom": [{"a": 1}, {"b": 2}]});
        let wo = json!({"args": ["a", "b"], "envFrom": [{"a": 1}, {"b": 3}]});
        assert_eq!(reduce(&w, &wo), w);
    }

    #[test]
    fn duplicate_keys_keep_the_list_whole() {
        let w = json!({"env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]});
        let wo = json!({"env": [{"name": "A", "value": "1"}]});
        assert_eq!(reduce(&w, &wo), w);
        assert_eq!(compare(&reduce(&w, &wo), &w, OPTS).unwrap(), vec![]);
    }

    #[test]
    fn nothing_differs_is_an_empty_object() {
        assert_eq!(reduce(&base(), &base()), json!({}));
        assert_eq!(reduce(&json!(3), &json!(3)), json!(3));
    }
}
