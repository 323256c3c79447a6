//! Fields the launcher sets and depends on: an override that replaces or removes one is
//! flagged, because Posit warns it breaks session launches
//! (https://docs.posit.co/job-launcher/latest/kube.html; README "The launcher's rules, in
//! brief").

use serde_json::Value;

use crate::diag::Warning;
use crate::overrides::Override;

use super::{get, pointer_of};

const POD: [&str; 3] = ["spec", "template", "spec"];

/// A launcher-set field present in the base Job.
#[derive(Debug)]
pub(crate) struct Owned {
    tokens: Vec<String>,
    /// A whole array (`containers`, `volumes`, `volumeMounts`): only replacing it counts, since
    /// appending to it is the documented way to add.
    whole_array: bool,
}

/// A launcher field related to one override, and its value just before the override.
#[derive(Debug)]
pub(crate) struct Before<'a> {
    field: &'a Owned,
    value: Value,
}

fn path(prefix: &[&str], rest: &[&str]) -> Vec<String> {
    prefix.iter().chain(rest).map(|s| (*s).to_owned()).collect()
}

/// The launcher's fields that exist in `base`, the Job it built.
pub(crate) fn owned_fields(base: &Value) -> Vec<Owned> {
    let mut candidates: Vec<(Vec<String>, bool)> = vec![
        (path(&["metadata", "generateName"], &[]), false),
        (
            path(&["metadata", "labels", "app.kubernetes.io/managed-by"], &[]),
            false,
        ),
        (
            path(&["metadata", "labels", "launcher-instance-id"], &[]),
            false,
        ),
        (path(&POD, &["restartPolicy"]), false),
        (path(&POD, &["containers"]), true),
        (path(&POD, &["volumes"]), true),
        (path(&POD, &["containers", "0", "volumeMounts"]), true),
    ];
    for field in [
        "name",
        "image",
        "command",
        "args",
        "stdin",
        "stdinOnce",
        "ports",
    ] {
        candidates.push((path(&POD, &["containers", "0", field]), false));
    }
    let annotations = path(&["spec", "template", "metadata", "annotations"], &[]);
    if let Some(Value::Object(m)) = get(base, &annotations) {
        for key in m.keys() {
            let mut tokens = annotations.clone();
            tokens.push(key.clone());
            candidates.push((tokens, false));
        }
    }
    candidates
        .into_iter()
        .filter(|(tokens, whole_array)| match get(base, tokens) {
            None => false,
            Some(Value::Array(a)) if *whole_array => !a.is_empty(),
            Some(_) => !whole_array,
        })
        .map(|(tokens, whole_array)| Owned {
            tokens,
            whole_array,
        })
        .collect()
}

/// The current values of the fields an override at `pointer` may change.
pub(crate) fn snapshot<'a>(owned: &'a [Owned], job: &Value, pointer: &[String]) -> Vec<Before<'a>> {
    owned
        .iter()
        .filter(|f| {
            f.tokens.starts_with(pointer) || (!f.whole_array && pointer.starts_with(&f.tokens))
        })
        .filter_map(|field| {
            get(job, &field.tokens).map(|v| Before {
                field,
                value: v.clone(),
            })
        })
        .collect()
}

/// Warnings for the launcher fields the override replaced (not merely added to) or removed.
pub(crate) fn check(before: &[Before<'_>], job: &Value, o: &Override) -> Vec<Warning> {
    let mut replaced = Vec::new();
    let mut removed = Vec::new();
    let mut warnings = Vec::new();
    for b in before {
        let at = pointer_of(&b.field.tokens);
        match get(job, &b.field.tokens) {
            None => removed.push(at),
            Some(after) if extends(&b.value, after) => {}
            Some(_) if b.field.whole_array => {
                let n = b.value.as_array().map_or(0, Vec::len);
                let plural = if n == 1 { "entry" } else { "entries" };
                warnings.push(
                    Warning::new(
                        "launcher-field",
                        format!(
                            "replaces the whole `{at}` array the launcher filled ({n} {plural})"
                        ),
                    )
                    .at(o.span.clone())
                    .pointer(o.pointer.as_str())
                    .hint(format!(
                        "append with `{at}/-` instead, so the launcher's entries stay"
                    )),
                );
            }
            Some(_) => replaced.push(at),
        }
    }
    for (verb, fields) in [("replaces", replaced), ("removes", removed)] {
        let message = match fields.as_slice() {
            [] => continue,
            [one] => format!("{verb} `{one}`, which the launcher sets"),
            many => format!(
                "{verb} {} fields the launcher sets: {}",
                many.len(),
                many.iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        warnings.push(
            Warning::new("launcher-field", message).at(o.span.clone()).pointer(o.pointer.as_str()).hint(
                "the launcher relies on them and sessions may fail to start; add fields rather than overwrite them",
            ),
        );
    }
    warnings
}

/// Whether `new` only adds to `old`: same scalars, arrays grown at the end, members added.
fn extends(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Array(o), Value::Array(n)) => {
            o.len() <= n.len() && o.iter().zip(n).all(|(o, n)| extends(o, n))
        }
        (Value::Object(o), Value::Object(n)) => o
            .iter()
            .all(|(k, v)| n.get(k).is_some_and(|n| extends(v, n))),
        _ => old == new,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::apply;
    use super::super::test_support::ov;

    fn base() -> Value {
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "generateName": "rstudio-",
                "labels": {"app.kubernetes.io/managed-by": "launcher", "launcher-instance-id": "abc"}
            },
            "spec": {"template": {
                "metadata": {"annotations": {"user": "alice", "stdin": "{}"}},
                "spec": {
                    "restartPolicy": "Never",
                    "volumes": [{"name": "home"}],
                    "initContainers": null,
                    "containers": [{
                        "name": "rs-launcher-container",
                        "image": "rstudio/r-session",
                        "command": ["/bin/sh"],
                        "args": ["-c", "rsession"],
                        "stdin": true,
                        "stdinOnce": true,
                        "ports": [{"containerPort": 8788}],
                        "volumeMounts": []
                    }]
                }
            }}
        })
    }

    fn messages(pointer: &str, value: Value) -> Vec<String> {
        match apply(base(), &[ov(pointer, value)]) {
            Ok(p) => p.applied[0]
                .warnings
                .iter()
                .map(|w| w.message.clone())
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn replacing_a_launcher_field_is_flagged() {
        assert_eq!(
            messages("/spec/template/spec/restartPolicy", json!("Always")),
            ["replaces `/spec/template/spec/restartPolicy`, which the launcher sets"]
        );
        assert_eq!(
            messages("/spec/template/spec/containers/0/image", json!("mine")),
            ["replaces `/spec/template/spec/containers/0/image`, which the launcher sets"]
        );
        assert_eq!(
            messages(
                "/metadata/labels/app.kubernetes.io~1managed-by",
                json!("me")
            ),
            ["replaces `/metadata/labels/app.kubernetes.io~1managed-by`, which the launcher sets"]
        );
    }

    #[test]
    fn writing_the_same_value_is_not_flagged() {
        assert!(messages("/spec/template/spec/restartPolicy", json!("Never")).is_empty());
    }

    #[test]
    fn changing_inside_a_launcher_field_is_flagged() {
        assert_eq!(
            messages(
                "/spec/template/spec/containers/0/command/0",
                json!("/bin/bash")
            ),
            ["replaces `/spec/template/spec/containers/0/command`, which the launcher sets"]
        );
    }

    #[test]
    fn adding_to_a_launcher_field_is_not_flagged() {
        assert!(
            messages(
                "/spec/template/spec/containers/0/ports/-",
                json!({"containerPort": 1})
            )
            .is_empty()
        );
        assert!(messages("/spec/template/spec/volumes/-", json!({"name": "x"})).is_empty());
        assert!(messages("/spec/template/metadata/annotations/mine", json!("x")).is_empty());
        assert!(
            messages(
                "/spec/template/spec/containers/0/imagePullPolicy",
                json!("Always")
            )
            .is_empty()
        );
        assert!(messages("/spec/template/spec/containers/1", json!({"name": "side"})).is_empty());
    }

    #[test]
    fn removing_launcher_fields_is_flagged_as_removal() {
        assert_eq!(
            messages("/spec/template/metadata/annotations", json!({"mine": "x"})),
            [
                "removes 2 fields the launcher sets: `/spec/template/metadata/annotations/user`, `/spec/template/metadata/annotations/stdin`"
            ]
        );
        assert_eq!(
            messages(
                "/metadata/labels",
                json!({"app.kubernetes.io/managed-by": "launcher"})
            ),
            ["removes `/metadata/labels/launcher-instance-id`, which the launcher sets"]
        );
    }

    #[test]
    fn replacing_the_whole_first_container_lists_each_field() {
        let m = messages("/spec/template/spec/containers/0", json!({"name": "mine"}));
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(
            m[0],
            "replaces `/spec/template/spec/containers/0/name`, which the launcher sets"
        );
        assert!(
            m[1].starts_with(
                "removes 6 fields the launcher sets: `/spec/template/spec/containers/0/image`, "
            ),
            "{m:?}"
        );
    }

    #[test]
    fn replacing_a_filled_array_is_flagged_with_an_append_hint() {
        let patched = apply(
            base(),
            &[ov("/spec/template/spec/volumes", json!([{"name": "x"}]))],
        )
        .ok();
        let w = patched
            .map(|p| p.applied[0].warnings.clone())
            .unwrap_or_default();
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            w[0].message,
            "replaces the whole `/spec/template/spec/volumes` array the launcher filled (1 entry)"
        );
        assert_eq!(
            w[0].hint.as_deref(),
            Some(
                "append with `/spec/template/spec/volumes/-` instead, so the launcher's entries stay"
            )
        );
    }

    #[test]
    fn replacing_an_empty_launcher_array_is_not_flagged() {
        assert!(
            messages(
                "/spec/template/spec/containers/0/volumeMounts",
                json!([{"name": "x"}])
            )
            .is_empty()
        );
    }

    #[test]
    fn a_field_absent_from_the_base_is_not_the_launchers() {
        let patched = apply(
            json!({"metadata": {}}),
            &[ov("/metadata/generateName", json!("x"))],
        )
        .ok();
        assert_eq!(patched.map(|p| p.applied[0].warnings.len()), Some(0));
    }

    #[test]
    fn replacing_the_whole_job_flags_launcher_fields() {
        let m = messages("", json!({"kind": "Job"}));
        assert!(m.iter().any(|m| m.starts_with("removes ")), "{m:?}");
    }

    #[test]
    fn a_field_already_replaced_is_flagged_once() {
        let o = ov("/spec/template/spec/restartPolicy", json!("Always"));
        let patched = apply(base(), &[o.clone(), o]).ok();
        let counts: Vec<usize> = patched
            .map(|p| p.applied.iter().map(|a| a.warnings.len()).collect())
            .unwrap_or_default();
        assert_eq!(counts, [1, 0]);
    }
}
