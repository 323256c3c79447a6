//! End-to-end rules of `predict`: the whole chain on small Jobs, placeholder consistency,
//! version gates that show on the Pod, and no panic on any input.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

fn opts(minor: u8) -> Options {
    Options {
        version: Version { minor },
        namespace: "default".into(),
        limit_ranges: Vec::new(),
    }
}

fn job() -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "rstudio-"},
        "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
        "containers": [{"name": "main", "image": "busybox"}], "initContainers": [{"name": "init", "image": "busybox:1"}]}}}})
}

/// Every string in `value`, with its JSON pointer.
fn strings(value: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((pointer, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                strings(
                    item,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[test]
fn the_job_name_and_uid_are_the_same_placeholders_everywhere() {
    let p = predict(&job(), &opts(34)).unwrap();
    let name = "rstudio-{{suffix:job}}";
    assert_eq!(p.job["metadata"]["name"], name);
    assert_eq!(p.pod["metadata"]["generateName"], format!("{name}-"));
    assert_eq!(
        p.pod["metadata"]["name"],
        format!("{name}-{{{{suffix:pod}}}}")
    );
    assert_eq!(p.pod["metadata"]["labels"]["job-name"], name);
    assert_eq!(
        p.pod["metadata"]["labels"]["batch.kubernetes.io/job-name"],
        name
    );
    assert_eq!(p.pod["metadata"]["ownerReferences"][0]["name"], name);
    let uid = placeholders::JOB_UID.text();
    assert_eq!(p.job["metadata"]["uid"], uid);
    assert_eq!(
        p.job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
        uid
    );
    assert_eq!(p.pod["metadata"]["labels"]["controller-uid"], uid);
    assert_eq!(p.pod["metadata"]["ownerReferences"][0]["uid"], uid);
    assert_eq!(p.pod["metadata"]["uid"], placeholders::POD_UID.text());
}

#[test]
fn the_sa_volume_and_every_mount_share_one_binding() {
    let p = predict(&job(), &opts(34)).unwrap();
    let volume = "kube-api-access-{{suffix:sa}}";
    let volumes = p.pod["spec"]["volumes"].as_array().unwrap();
    assert_eq!(volumes.last().unwrap()["name"], volume);
    for list in ["initContainers", "containers"] {
        let mount = p.pod["spec"][list][0]["volumeMounts"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(mount["name"], volume, "{list}");
    }
    // Every placeholder written is one the module lists.
    let mut all = Vec::new();
    strings(&p.pod, String::new(), &mut all);
    strings(&p.job, String::new(), &mut all);
    let known: Vec<String> = placeholders::generated()
        .iter()
        .map(|g| g.placeholder.text())
        .collect();
    for (pointer, text) in all
        .iter()
        .filter(|(_, t)| placeholders::contains_placeholder(t))
    {
        let mut rest = text.as_str();
        while let Some(start) = rest.find("{{") {
            let end = rest[start..].find("}}").unwrap() + start + 2;
            assert!(
                known.contains(&rest[start..end].to_string()),
                "{pointer}: {text}"
            );
            rest = &rest[end..];
        }
    }
}

#[test]
fn a_plain_job_gives_the_documented_pod() {
    let p = predict(&job(), &opts(33)).unwrap();
    let spec = &p.pod["spec"];
    assert_eq!(spec["enableServiceLinks"], true);
    assert_eq!(spec["serviceAccountName"], "default");
    assert_eq!(spec["serviceAccount"], "default");
    assert_eq!(spec["priority"], 0);
    assert_eq!(spec["preemptionPolicy"], "PreemptLowerPriority");
    assert_eq!(spec["tolerations"].as_array().unwrap().len(), 2);
    assert_eq!(spec["containers"][0]["imagePullPolicy"], "Always");
    assert_eq!(
        p.pod["metadata"]["finalizers"],
        json!(["batch.kubernetes.io/job-tracking"])
    );
    assert_eq!(
        p.pod["status"],
        json!({"phase": "Pending", "qosClass": "BestEffort"})
    );
    assert_eq!(p.pod["metadata"]["generation"], 1);
    // The Pod never carries the template's null creationTimestamp.
    assert_eq!(p.pod["metadata"]["creationTimestamp"], "{{timestamp}}");
    assert_eq!(
        p.job["spec"]["template"]["metadata"]["creationTimestamp"],
        Value::Null
    );
}

#[test]
fn pod_generation_absent_on_1_32_present_on_1_33() {
    let old = predict(&job(), &opts(32)).unwrap();
    assert!(old.pod["metadata"].get("generation").is_none());
    let new = predict(&job(), &opts(33)).unwrap();
    assert_eq!(new.pod["metadata"]["generation"], 1);
}

#[test]
fn pod_replacement_policy_present_on_1_29() {
    let p = predict(&job(), &opts(29)).unwrap();
    assert_eq!(p.job["spec"]["podReplacementPolicy"], "TerminatingOrFailed");
    assert_eq!(p.job["spec"]["manualSelector"], false);
}

#[test]
fn indexed_job_pod_has_env_hostname_and_index() {
    let mut indexed = job();
    indexed["metadata"] = json!({"name": "idx"});
    indexed["spec"]["completionMode"] = json!("Indexed");
    indexed["spec"]["completions"] = json!(3);
    let p = predict(&indexed, &opts(34)).unwrap();
    assert_eq!(p.pod["metadata"]["generateName"], "idx-0-");
    assert_eq!(p.pod["spec"]["hostname"], "idx-0");
    let env = &p.pod["spec"]["containers"][0]["env"][0];
    assert_eq!(env["name"], "JOB_COMPLETION_INDEX");
    // The env var added by the controller is defaulted on Pod create.
    assert_eq!(env["valueFrom"]["fieldRef"]["apiVersion"], "v1");
    assert_eq!(
        p.pod["spec"]["initContainers"][0]["env"][0]["name"],
        "JOB_COMPLETION_INDEX"
    );
}

#[test]
fn keys_are_sorted_like_kubectl_prints_them() {
    let p = predict(&job(), &opts(34)).unwrap();
    let keys: Vec<&String> = p.pod.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec", "status"]);
}

#[test]
fn not_an_object_errors_name_the_path() {
    let err = predict(&json!([1]), &opts(34)).unwrap_err();
    assert_eq!(err.to_string(), "the job is an array, not an object");
    let mut bad = job();
    bad["spec"]["template"]["spec"] = json!("x");
    let err = predict(&bad, &opts(34)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`/spec/template/spec` is a string, not an object"
    );
}

/// Arbitrary JSON, biased towards Job-like keys so the deep rules run.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "metadata",
        "name",
        "generateName",
        "labels",
        "spec",
        "template",
        "containers",
        "initContainers",
        "volumes",
        "volumeMounts",
        "env",
        "ports",
        "resources",
        "limits",
        "requests",
        "cpu",
        "memory",
        "image",
        "completionMode",
        "tolerations",
        "hostNetwork",
        "automountServiceAccountToken",
        "serviceAccountName",
        "serviceAccount",
        "priorityClassName",
        "finalizers",
        "annotations",
        "livenessProbe",
        "httpGet",
        "projected",
        "sources",
        "manualSelector",
        "selector",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "",
            "Indexed",
            "1",
            "500m",
            "1Gi",
            "busybox",
            "kube-api-access-x",
            "a-",
            "/var/run/secrets/kubernetes.io/serviceaccount",
            "{{suffix:job}}",
            "é",
            "1e99999"
        ])
        .prop_map(|s| json!(s)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|entries| Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_json(value in arbitrary_json(), minor in 29u8..=34) {
        let _ = predict(&value, &opts(minor));
    }

    #[test]
    fn never_panics_on_a_job_with_an_arbitrary_template(template in arbitrary_json(), minor in 29u8..=34) {
        let mut job = job();
        job["spec"]["template"] = template;
        if let Ok(p) = predict(&job, &opts(minor)) {
            prop_assert_eq!(&p.pod["status"]["phase"], "Pending");
        }
    }
}

#[test]
fn nulls_and_empty_lists_are_dropped_but_empty_structs_stay() {
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "j", "labels": {}},
        "spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "initContainers": null,
            "volumes": [{"name": "scratch", "emptyDir": {}}],
            "nodeSelector": {},
            "containers": [{"name": "c", "image": "busybox:1.36", "args": [], "volumeMounts": []}]
        }}}
    });
    let opts = Options {
        version: Version::NEWEST,
        namespace: "default".into(),
        limit_ranges: Vec::new(),
    };
    let pod = predict(&job, &opts).expect("predicts").pod;
    let spec = &pod["spec"];
    assert!(spec.get("initContainers").is_none());
    assert!(spec.get("nodeSelector").is_none());
    assert!(spec["containers"][0].get("args").is_none());
    assert_eq!(spec["volumes"][0]["emptyDir"], json!({}));
}

#[test]
fn false_plain_bools_are_not_stored_but_false_pointer_bools_are() {
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "shareProcessNamespace": false,
            "hostNetwork": false,
            "volumes": [{"name": "v", "csi": {"driver": "d", "readOnly": false}}],
            "containers": [{"name": "c", "image": "busybox:1.36", "stdin": false, "stdinOnce": true,
                "securityContext": {"privileged": false},
                "volumeMounts": [{"name": "v", "mountPath": "/v", "readOnly": false}]}]
        }}}
    });
    let opts = Options {
        version: Version::NEWEST,
        namespace: "default".into(),
        limit_ranges: Vec::new(),
    };
    let spec = &predict(&job, &opts).expect("predicts").pod["spec"];
    assert_eq!(spec["shareProcessNamespace"], false);
    assert!(spec.get("hostNetwork").is_none());
    assert_eq!(spec["volumes"][0]["csi"]["readOnly"], false);
    let c = &spec["containers"][0];
    assert!(c.get("stdin").is_none());
    assert_eq!(c["stdinOnce"], true);
    assert_eq!(c["securityContext"]["privileged"], false);
    assert!(c["volumeMounts"][0].get("readOnly").is_none());
}

/// Issue 17 item 4, issue 15 §4: the server drops an unknown field on create (the launcher
/// posts without `fieldValidation`), so the Pod it makes has `securityContext: {}`.
#[test]
fn an_unknown_field_is_not_in_the_predicted_pod() {
    let mut job = job();
    job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
        json!({"priviliged": true});
    let p = predict(&job, &opts(34)).unwrap();
    assert_eq!(p.pod["spec"]["containers"][0]["securityContext"], json!({}));
    assert!(
        p.job["spec"]["template"]["spec"]["containers"][0]["securityContext"]
            .get("priviliged")
            .is_none()
    );
}
