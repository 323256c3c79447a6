//! Security-relevant values an override writes (README "The launcher's rules, in brief"):
//! privileged containers, host namespaces and paths, added capabilities, root. Pod Security
//! levels are `validate`'s; this only points the admin at the override that introduced them.

use serde_json::Value;

use crate::diag::Warning;
use crate::overrides::Override;

use super::pointer_of;

/// Warnings for every security-relevant value in the override's value, at or below its target.
pub(crate) fn check(o: &Override) -> Vec<Warning> {
    let mut path = o.pointer.tokens().to_vec();
    let mut warnings = Vec::new();
    scan(&mut path, &o.value, o, &mut warnings);
    warnings
}

fn scan(path: &mut Vec<String>, v: &Value, o: &Override, out: &mut Vec<Warning>) {
    if let Some((id, message, hint)) = finding(path, v) {
        out.push(
            Warning::new(id, message)
                .at(o.span_of(path.get(o.pointer.tokens().len()..).unwrap_or_default()))
                .pointer(pointer_of(path))
                .hint(hint),
        );
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                scan(path, child, o, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(i.to_string());
                scan(path, child, o, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The id, message and hint for a security-relevant value at `path`, if it is one.
fn finding(path: &[String], v: &Value) -> Option<(&'static str, String, String)> {
    let from_end = |i: usize| {
        path.len()
            .checked_sub(i + 1)
            .and_then(|j| path.get(j))
            .map(String::as_str)
    };
    let is_true = v.as_bool() == Some(true);
    match from_end(0)? {
        "privileged" if is_true => Some((
            "sets-privileged",
            "sets `privileged: true`".to_owned(),
            "a privileged container has full access to the node; Pod Security `baseline` rejects it".to_owned(),
        )),
        "hostPath" if !v.is_null() => Some((
            "host-path",
            "adds a `hostPath` volume".to_owned(),
            "it exposes a directory of the node; Pod Security `baseline` rejects it, prefer a PVC or NFS volume".to_owned(),
        )),
        name @ ("hostNetwork" | "hostPID" | "hostIPC") if is_true => Some((
            "host-namespace",
            format!("sets `{name}: true`"),
            "the session shares the node's namespace; Pod Security `baseline` rejects it".to_owned(),
        )),
        "runAsUser" if v.as_f64() == Some(0.0) => Some((
            "run-as-root",
            "sets `runAsUser: 0` (root)".to_owned(),
            "sessions should run as the user; Pod Security `restricted` rejects root".to_owned(),
        )),
        _ if v.is_string() && under_capabilities_add(from_end(0), from_end(1), from_end(2)) => Some((
            "capability",
            format!("adds capability `{}`", v.as_str().unwrap_or_default()),
            "Pod Security `baseline` allows only a small default set; `restricted` only `NET_BIND_SERVICE`".to_owned(),
        )),
        _ => None,
    }
}

/// Whether the last three tokens put a value under `capabilities/add` (as an element, or as
/// the whole, mistyped, `add`).
fn under_capabilities_add(
    last: Option<&str>,
    parent: Option<&str>,
    grandparent: Option<&str>,
) -> bool {
    (parent == Some("add") && grandparent == Some("capabilities"))
        || (last == Some("add") && parent == Some("capabilities"))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::apply;
    use super::super::test_support::ov;

    fn found(pointer: &str, value: Value) -> Vec<(String, String)> {
        match apply(
            json!({"spec": {"containers": [{}], "volumes": []}}),
            &[ov(pointer, value)],
        ) {
            Ok(p) => p.applied[0]
                .warnings
                .iter()
                .map(|w| (w.message.clone(), w.pointer.clone().unwrap_or_default()))
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    fn pair(m: &str, p: &str) -> (String, String) {
        (m.to_owned(), p.to_owned())
    }

    #[test]
    fn privileged_inside_the_value() {
        assert_eq!(
            found(
                "/spec/containers/0/securityContext",
                json!({"privileged": true})
            ),
            [pair(
                "sets `privileged: true`",
                "/spec/containers/0/securityContext/privileged"
            )]
        );
    }

    #[test]
    fn privileged_at_the_target() {
        assert_eq!(
            found("/spec/containers/0/securityContext/privileged", json!(true)),
            [pair(
                "sets `privileged: true`",
                "/spec/containers/0/securityContext/privileged"
            )]
        );
    }

    #[test]
    fn privileged_false_is_fine() {
        assert!(
            found(
                "/spec/containers/0/securityContext",
                json!({"privileged": false})
            )
            .is_empty()
        );
    }

    #[test]
    fn host_path_volume() {
        assert_eq!(
            found(
                "/spec/volumes/-",
                json!({"name": "h", "hostPath": {"path": "/var"}})
            ),
            [pair("adds a `hostPath` volume", "/spec/volumes/-/hostPath")]
        );
    }

    #[test]
    fn host_namespaces() {
        assert_eq!(
            found("/spec/hostNetwork", json!(true)),
            [pair("sets `hostNetwork: true`", "/spec/hostNetwork")]
        );
        assert_eq!(
            found("/spec", json!({"hostPID": true, "hostIPC": true})).len(),
            2
        );
        assert!(found("/spec/hostIPC", json!(false)).is_empty());
    }

    #[test]
    fn added_capabilities_each_flagged() {
        let f = found(
            "/spec/containers/0/securityContext",
            json!({"capabilities": {"add": ["NET_ADMIN", "SYS_TIME"], "drop": ["ALL"]}}),
        );
        assert_eq!(
            f,
            [
                pair(
                    "adds capability `NET_ADMIN`",
                    "/spec/containers/0/securityContext/capabilities/add/0"
                ),
                pair(
                    "adds capability `SYS_TIME`",
                    "/spec/containers/0/securityContext/capabilities/add/1"
                ),
            ]
        );
        let f = found(
            "/spec/containers/0/securityContext/capabilities/add/-",
            json!("SYS_ADMIN"),
        );
        assert!(
            f.contains(&pair(
                "adds capability `SYS_ADMIN`",
                "/spec/containers/0/securityContext/capabilities/add/-"
            )),
            "{f:?}"
        );
    }

    #[test]
    fn dropped_capabilities_are_fine() {
        assert!(
            found(
                "/spec/containers/0/securityContext/capabilities",
                json!({"drop": ["ALL"]})
            )
            .is_empty()
        );
    }

    #[test]
    fn run_as_root() {
        assert_eq!(
            found("/spec/securityContext", json!({"runAsUser": 0})),
            [pair(
                "sets `runAsUser: 0` (root)",
                "/spec/securityContext/runAsUser"
            )]
        );
        assert!(found("/spec/securityContext/runAsUser", json!(1000)).is_empty());
    }
}
