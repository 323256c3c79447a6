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
    /// A whole array (`containers`, `volumes`, `volumeMounts`, `env`, `ports`): only replacing
    /// it counts, since appending to it is the documented way to add.
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
        (path(&POD, &["containers", "0", "env"]), true),
        (path(&POD, &["containers", "0", "ports"]), true),
    ];
    for field in ["name", "image", "command", "args", "stdin", "stdinOnce"] {
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
        let after = get(job, &b.field.tokens);
        match after {
            Some(after) if extends(&b.value, after) => {}
            // A list replaced as a whole (by the override itself or one above it): say
            // which of the launcher's entries are gone, since that is what breaks sessions.
            _ if b.field.whole_array => {
                warnings.push(list_replaced(&at, &b.value, after, o));
            }
            None => removed.push(at),
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

/// The `launcher-list` warning for a list the launcher filled that the override replaced or
/// removed, naming the launcher's entries it loses or changes.
fn list_replaced(at: &str, old: &Value, new: Option<&Value>, o: &Override) -> Warning {
    let old = old.as_array().map(Vec::as_slice).unwrap_or_default();
    let new = new
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut lost = Vec::new();
    let mut changed = Vec::new();
    for entry in old {
        let key = entry_key(entry);
        match new.iter().find(|n| entry_key(n) == key) {
            None => lost.push(key),
            Some(n) if !extends(entry, n) => changed.push(key),
            Some(_) => {}
        }
    }
    let kind = entry_kind(at);
    // `the launcher's volume `home` is lost`, `... volumes `a`, `b` are lost`.
    let names = |keys: &[String], one: &str, many: &str| {
        let (plural, verb) = if keys.len() == 1 {
            ("", one)
        } else {
            ("s", many)
        };
        let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        format!("the launcher's {kind}{plural} {} {verb}", list.join(", "))
    };
    let verb = if new.is_empty() && !old.is_empty() && lost.len() == old.len() {
        "removes"
    } else {
        "replaces"
    };
    let mut message = format!("{verb} `{at}`, which the launcher sets");
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(names(&lost, "is lost", "are lost"));
    }
    if !changed.is_empty() {
        parts.push(names(&changed, "changes", "change"));
    }
    if parts.is_empty() {
        parts.push("the launcher's entries are reordered".to_owned());
    }
    message.push_str(": ");
    message.push_str(&parts.join("; "));
    Warning::new("launcher-list", message)
        .at(o.span.clone())
        .pointer(o.pointer.as_str())
        .hint(format!(
            "append with `{at}/-` instead, so the launcher's entries stay"
        ))
}

/// What names an entry of a launcher list: its `name` (env, volumes, mounts, containers), a
/// port's number, or the value itself (`args`, `command`).
fn entry_key(entry: &Value) -> String {
    if let Some(name) = entry.get("name").and_then(Value::as_str) {
        return name.to_owned();
    }
    if let Some(port) = entry.get("containerPort") {
        return port.to_string();
    }
    match entry {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the entries of the list at `at` are, for people.
fn entry_kind(at: &str) -> &'static str {
    match at.rsplit('/').next() {
        Some("env") => "environment variable",
        Some("volumes") => "volume",
        Some("volumeMounts") => "volume mount",
        Some("containers") => "container",
        Some("ports") => "port",
        _ => "entry",
    }
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
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(
            m[0],
            "removes `/spec/template/spec/containers/0/ports`, which the launcher sets: the launcher's port `8788` is lost"
        );
        assert_eq!(
            m[1],
            "replaces `/spec/template/spec/containers/0/name`, which the launcher sets"
        );
        assert!(
            m[2].starts_with(
                "removes 5 fields the launcher sets: `/spec/template/spec/containers/0/image`, "
            ),
            "{m:?}"
        );
    }

    /// Issue 17 item 6: replacing `env` drops the variables the launcher put there (a
    /// session's `env:`); the warning names them, as the one for `image` names the field.
    #[test]
    fn replacing_the_launchers_env_names_the_variables_lost() {
        let mut job = base();
        job["spec"]["template"]["spec"]["containers"][0]["env"] =
            json!([{"name": "FOO", "value": "1"}, {"name": "BAR", "value": "2"}]);
        let env = "/spec/template/spec/containers/0/env";
        let warnings = |value: Value| match apply(job.clone(), &[ov(env, value)]) {
            Ok(p) => p.applied[0].warnings.clone(),
            Err(e) => panic!("{e}"),
        };
        let w = warnings(json!([{"name": "BAR", "value": "3"}, {"name": "MINE", "value": "x"}]));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].id, "launcher-list");
        assert_eq!(
            w[0].message,
            "replaces `/spec/template/spec/containers/0/env`, which the launcher sets: the launcher's environment variable `FOO` is lost; the launcher's environment variable `BAR` changes"
        );
        assert_eq!(w[0].pointer.as_deref(), Some(env));
        let all_gone = warnings(json!([{"name": "MINE", "value": "x"}]));
        assert!(
            all_gone[0]
                .message
                .ends_with("the launcher's environment variables `FOO`, `BAR` are lost"),
            "{all_gone:?}"
        );
        // Appending keeps the launcher's entries: nothing to say.
        let appended = apply(
            job.clone(),
            &[ov(&format!("{env}/-"), json!({"name": "MINE"}))],
        );
        assert_eq!(appended.ok().map(|p| p.applied[0].warnings.len()), Some(0));
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
        assert_eq!(w[0].id, "launcher-list");
        assert_eq!(
            w[0].message,
            "replaces `/spec/template/spec/volumes`, which the launcher sets: the launcher's volume `home` is lost"
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
