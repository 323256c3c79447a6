//! The Pod the Job controller asks for: `manageJob` in `pkg/controller/job/job_controller.go`
//! (Indexed-Job additions, the tracking finalizer) and `GetPodFromTemplate` in
//! `pkg/controller/controller_utils.go` (labels, annotations, finalizers and spec copied from
//! the template, `generateName`, the controller ownerReference). The prediction is the first
//! Pod, which for an Indexed Job has completion index 0.

use serde_json::{Value, json};

use super::job_defaults::{MAX_GENERATED_PREFIX, cut_generated};
use super::json::{Map, ensure_array, ensure_object, objects_in, string};
use super::placeholders;

/// The finalizer the Job controller puts on every Pod it creates.
pub(crate) const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// The label and annotation holding an Indexed Job Pod's completion index.
pub(crate) const COMPLETION_INDEX_KEY: &str = "batch.kubernetes.io/job-completion-index";
/// The environment variable holding the completion index.
pub(crate) const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// The index the predicted Pod gets in an Indexed Job.
const FIRST_INDEX: u32 = 0;

/// Builds the Pod (before the API server defaults and admits it) from the stored Job.
pub(crate) fn build(job: &Map, job_name: &str, namespace: &str) -> Value {
    let template = job.get("spec").and_then(|s| s.get("template"));
    // A copy of one part of the template (the Pod gets only these two).
    let part = |key: &str| {
        template
            .and_then(|t| t.get(key))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut template_metadata = part("metadata");
    let mut spec = part("spec");

    let indexed = job
        .get("spec")
        .and_then(|s| s.get("completionMode"))
        .and_then(Value::as_str)
        == Some("Indexed");
    let generate_name = if indexed {
        add_completion_index_env(&mut spec);
        let index = FIRST_INDEX.to_string();
        if let Some(annotations) = ensure_object(&mut template_metadata, "annotations") {
            annotations.insert(COMPLETION_INDEX_KEY.into(), json!(index));
        }
        if let Some(labels) = ensure_object(&mut template_metadata, "labels") {
            labels.insert(COMPLETION_INDEX_KEY.into(), json!(index));
        }
        spec.insert("hostname".into(), json!(format!("{job_name}-{index}")));
        generate_name_with_index(job_name, FIRST_INDEX)
    } else {
        pods_prefix(job_name)
    };
    if let Some(finalizers) = ensure_array(&mut template_metadata, "finalizers")
        && !finalizers
            .iter()
            .any(|f| f.as_str() == Some(TRACKING_FINALIZER))
    {
        finalizers.push(json!(TRACKING_FINALIZER));
    }

    let mut metadata = Map::new();
    metadata.insert("generateName".into(), json!(generate_name));
    let name = format!(
        "{}{}",
        cut_generated(&generate_name, MAX_GENERATED_PREFIX),
        placeholders::POD_NAME_SUFFIX
    );
    metadata.insert("name".into(), json!(name));
    metadata.insert("namespace".into(), json!(namespace));
    // Only labels, annotations and finalizers of the template reach the Pod; its name,
    // generateName and namespace are ignored.
    for key in ["labels", "annotations", "finalizers"] {
        if let Some(value) = template_metadata
            .get(key)
            .filter(|v| !is_empty_collection(v))
        {
            metadata.insert(key.into(), value.clone());
        }
    }
    metadata.insert(
        "ownerReferences".into(),
        json!([{
            "apiVersion": "batch/v1",
            "kind": "Job",
            "name": job_name,
            "uid": placeholders::JOB_UID.text(),
            "controller": true,
            "blockOwnerDeletion": true,
        }]),
    );
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})
}

/// Whether a value is `null`, `{}` or `[]` (Go omits empty maps and slices).
fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// `getPodsPrefix`: `<job>-`, or `<job>` when `<job>-` is not a valid name prefix.
fn pods_prefix(job_name: &str) -> String {
    let prefix = format!("{job_name}-");
    if is_dns_subdomain(&without_placeholders(job_name)) {
        prefix
    } else {
        job_name.to_string()
    }
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the Job name cut so it fits 58 characters.
fn generate_name_with_index(job_name: &str, index: u32) -> String {
    let append = format!("-{index}-");
    format!(
        "{}{append}",
        cut_generated(job_name, MAX_GENERATED_PREFIX - append.len())
    )
}

/// The name with placeholders replaced by a valid stand-in, for syntax checks.
fn without_placeholders(name: &str) -> String {
    name.replace(&placeholders::JOB_NAME_SUFFIX.text(), "xxxxx")
        .replace(&placeholders::ANY.text(), "x")
}

/// DNS-1123 subdomain: at most 253 characters, dot-separated lower-case alphanumeric labels
/// with inner dashes.
fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `addCompletionIndexEnvVariables`: `JOB_COMPLETION_INDEX` from the index label, appended to
/// every init and regular container that does not define it.
fn add_completion_index_env(spec: &mut Map) {
    for list in ["initContainers", "containers"] {
        for container in objects_in(spec, list) {
            let Some(env) = ensure_array(container, "env") else {
                continue;
            };
            let defined = env.iter().any(|e| {
                e.as_object().and_then(|e| string(e, "name")) == Some(COMPLETION_INDEX_ENV)
            });
            if !defined {
                env.push(json!({
                    "name": COMPLETION_INDEX_ENV,
                    "valueFrom": {"fieldRef": {
                        "fieldPath": format!("metadata.labels['{COMPLETION_INDEX_KEY}']")
                    }},
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(spec: Value) -> Map {
        json!({"metadata": {"name": "j"}, "spec": spec})
            .as_object()
            .cloned()
            .unwrap()
    }

    fn template(metadata: Value, spec: Value) -> Value {
        json!({"template": {"metadata": metadata, "spec": spec}})
    }

    #[test]
    fn copies_labels_annotations_finalizers_and_spec() {
        let job = job(template(
            json!({"name": "ignored", "labels": {"a": "1"}, "annotations": {"n": "v"}, "finalizers": ["x/y"]}),
            json!({"containers": [{"name": "c"}]}),
        ));
        let pod = build(&job, "j", "ns");
        assert_eq!(pod["metadata"]["labels"], json!({"a": "1"}));
        assert_eq!(pod["metadata"]["annotations"], json!({"n": "v"}));
        assert_eq!(
            pod["metadata"]["finalizers"],
            json!(["x/y", TRACKING_FINALIZER])
        );
        assert_eq!(pod["metadata"]["namespace"], "ns");
        assert_eq!(pod["spec"], json!({"containers": [{"name": "c"}]}));
    }

    #[test]
    fn generate_name_and_name_placeholder() {
        let pod = build(&job(template(json!({}), json!({}))), "j", "ns");
        assert_eq!(pod["metadata"]["generateName"], "j-");
        assert_eq!(pod["metadata"]["name"], "j-{{suffix:pod}}");
        assert!(pod["metadata"].get("labels").is_none());
        let generated = build(
            &job(template(json!({}), json!({}))),
            "foo-{{suffix:job}}",
            "ns",
        );
        assert_eq!(
            generated["metadata"]["name"],
            "foo-{{suffix:job}}-{{suffix:pod}}"
        );
    }

    #[test]
    fn long_job_names_are_cut_in_the_pod_name_only() {
        let long = "a".repeat(60);
        let pod = build(&job(template(json!({}), json!({}))), &long, "ns");
        assert_eq!(pod["metadata"]["generateName"], format!("{long}-"));
        assert_eq!(
            pod["metadata"]["name"],
            format!("{}{{{{suffix:pod}}}}", "a".repeat(58))
        );
    }

    #[test]
    fn tracking_finalizer_is_not_duplicated() {
        let job = job(template(
            json!({"finalizers": [TRACKING_FINALIZER]}),
            json!({}),
        ));
        assert_eq!(
            build(&job, "j", "ns")["metadata"]["finalizers"],
            json!([TRACKING_FINALIZER])
        );
    }

    #[test]
    fn owner_reference_names_the_job_and_its_uid() {
        let pod = build(&job(template(json!({}), json!({}))), "j", "ns");
        assert_eq!(
            pod["metadata"]["ownerReferences"],
            json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "j", "uid": "{{uid:job}}",
                "controller": true, "blockOwnerDeletion": true}])
        );
    }

    #[test]
    fn indexed_jobs_get_index_label_annotation_hostname_env() {
        let mut spec = template(
            json!({}),
            json!({
            "initContainers": [{"name": "i"}],
            "containers": [{"name": "c", "env": [{"name": "A", "value": "1"}]},
                           {"name": "d", "env": [{"name": COMPLETION_INDEX_ENV, "value": "7"}]}]}),
        );
        spec["completionMode"] = json!("Indexed");
        let pod = build(&job(spec), "j", "ns");
        assert_eq!(pod["metadata"]["labels"][COMPLETION_INDEX_KEY], "0");
        assert_eq!(pod["metadata"]["annotations"][COMPLETION_INDEX_KEY], "0");
        assert_eq!(pod["metadata"]["generateName"], "j-0-");
        assert_eq!(pod["spec"]["hostname"], "j-0");
        let env = json!({"name": COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef":
            {"fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}});
        assert_eq!(pod["spec"]["initContainers"][0]["env"], json!([env]));
        assert_eq!(pod["spec"]["containers"][0]["env"][1], env);
        assert_eq!(
            pod["spec"]["containers"][1]["env"],
            json!([{"name": COMPLETION_INDEX_ENV, "value": "7"}])
        );
    }

    #[test]
    fn indexed_generate_name_is_cut_to_58() {
        assert_eq!(
            generate_name_with_index(&"a".repeat(60), 0),
            format!("{}-0-", "a".repeat(55))
        );
    }

    #[test]
    fn invalid_job_names_get_no_dash() {
        assert_eq!(pods_prefix("Bad_Name"), "Bad_Name");
        assert_eq!(pods_prefix("ok.name"), "ok.name-");
    }
}
