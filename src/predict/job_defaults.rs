//! What the API server does to a Job on create: `SetDefaults_Job`
//! (`pkg/apis/batch/v1/defaults.go`), pod-template defaulting, name generation, and the Job
//! strategy's `PrepareForCreate` (`pkg/registry/batch/job/strategy.go`: generated selector and
//! template labels, `generation: 1`, fields of disabled feature gates dropped).

use serde_json::{Value, json};

use super::json::{
    Map, default_string, default_value, describe, ensure_object, is_empty_map, is_unset,
    object_mut, objects_in, string,
};
use super::placeholders;
use super::template_defaults::default_pod_spec;
use super::{Error, Options};

/// The name generator keeps at most this many characters of a prefix (`names.MaxGeneratedNameLength`).
pub(crate) const MAX_GENERATED_PREFIX: usize = 58;
/// The length of the random suffix the name generator appends.
const SUFFIX_LEN: usize = 5;

/// Label and selector keys the Job strategy generates.
pub(crate) const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
/// The Job-name label.
pub(crate) const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
/// The legacy controller-uid label, still written.
pub(crate) const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
/// The legacy Job-name label, still written.
pub(crate) const LEGACY_JOB_NAME_LABEL: &str = "job-name";

/// The Job's name as stored: `metadata.name`, or `metadata.generateName` (cut to 58
/// characters) followed by the Job-name suffix placeholder.
pub(crate) fn job_name(job: &Map) -> Result<String, Error> {
    let metadata = match job.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m),
        Some(other) => {
            return Err(Error::NotAnObject {
                pointer: "/metadata".into(),
                found: describe(other),
            });
        }
    };
    let no_name = || Error::NoName {
        pointer: "/metadata".into(),
    };
    let metadata = metadata.ok_or_else(no_name)?;
    if let Some(name) = string(metadata, "name").filter(|n| !n.is_empty()) {
        return Ok(name.to_string());
    }
    let prefix = string(metadata, "generateName")
        .filter(|n| !n.is_empty())
        .ok_or_else(no_name)?;
    Ok(format!(
        "{}{}",
        cut(prefix, MAX_GENERATED_PREFIX),
        placeholders::JOB_NAME_SUFFIX
    ))
}

/// The first `max` bytes of `text`, backed off to a character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` cut to `max` characters of the *generated* string, where the Job-name suffix
/// placeholder stands for 5 characters. A cut inside the suffix leaves `{{any}}`.
pub(crate) fn cut_generated(text: &str, max: usize) -> String {
    let suffix = placeholders::JOB_NAME_SUFFIX.text();
    let Some(at) = text.find(&suffix) else {
        return cut(text, max).to_string();
    };
    let (before, after) = (&text[..at], &text[at + suffix.len()..]);
    if before.len() + SUFFIX_LEN + after.len() <= max {
        text.to_string()
    } else if max <= before.len() {
        cut(before, max).to_string()
    } else if max < before.len() + SUFFIX_LEN {
        format!("{before}{}", placeholders::ANY)
    } else {
        format!(
            "{before}{suffix}{}",
            cut(after, max - before.len() - SUFFIX_LEN)
        )
    }
}

/// Turns the submitted Job into the stored one.
pub(crate) fn apply(job: &mut Map, name: &str, opts: &Options) -> Result<(), Error> {
    job.insert("apiVersion".into(), json!("batch/v1"));
    job.insert("kind".into(), json!("Job"));
    // The API server never stores a submitted status on create.
    job.remove("status");
    {
        let metadata = require_object(job, "metadata", "/metadata")?;
        set_metadata(metadata, name, &opts.namespace);
    }
    let spec = require_object(job, "spec", "/spec")?;
    let template = require_object(spec, "template", "/spec/template")?;
    let template_metadata = ensure_object_at(template, "metadata", "/spec/template/metadata")?;
    if opts.version.template_null_creation_timestamp() {
        default_value(template_metadata, "creationTimestamp", Value::Null);
    } else if matches!(
        template_metadata.get("creationTimestamp"),
        Some(Value::Null)
    ) {
        template_metadata.remove("creationTimestamp");
    }
    let pod_spec = ensure_object_at(template, "spec", "/spec/template/spec")?;
    default_pod_spec(pod_spec);

    default_job_spec(spec, opts);
    generate_selector_if_needed(spec, name);
    copy_template_labels(job);
    Ok(())
}

/// The object at `key`, which must exist.
fn require_object<'a>(map: &'a mut Map, key: &str, pointer: &str) -> Result<&'a mut Map, Error> {
    match map.get(key) {
        None | Some(Value::Null) => Err(Error::Missing {
            pointer: pointer.into(),
        }),
        Some(Value::Object(_)) => Ok(object_mut(map, key).expect("checked to be an object")),
        Some(other) => Err(Error::NotAnObject {
            pointer: pointer.into(),
            found: describe(other),
        }),
    }
}

/// The object at `key`, created when unset.
fn ensure_object_at<'a>(map: &'a mut Map, key: &str, pointer: &str) -> Result<&'a mut Map, Error> {
    if let Some(other) = map.get(key).filter(|v| !v.is_null() && !v.is_object()) {
        return Err(Error::NotAnObject {
            pointer: pointer.into(),
            found: describe(other),
        });
    }
    Ok(ensure_object(map, key).expect("checked to be an object or unset"))
}

/// The server-set metadata: name, namespace, uid, resourceVersion, creationTimestamp and
/// `generation: 1`.
fn set_metadata(metadata: &mut Map, name: &str, namespace: &str) {
    metadata.insert("name".into(), json!(name));
    metadata.insert("namespace".into(), json!(namespace));
    placeholders::set_server_metadata(metadata, placeholders::JOB_UID, true);
    for cleared in [
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
        "managedFields",
    ] {
        metadata.remove(cleared);
    }
}

/// `SetDefaults_Job`, except the labels copy (done last, see `copy_template_labels`).
fn default_job_spec(spec: &mut Map, opts: &Options) {
    if is_unset(spec.get("completions")) && is_unset(spec.get("parallelism")) {
        spec.insert("completions".into(), json!(1));
    }
    default_value(spec, "parallelism", json!(1));
    if is_unset(spec.get("backoffLimit")) {
        let limit = if is_unset(spec.get("backoffLimitPerIndex")) {
            6
        } else {
            i32::MAX as i64
        };
        spec.insert("backoffLimit".into(), json!(limit));
    }
    default_string(spec, "completionMode", "NonIndexed");
    default_value(spec, "suspend", json!(false));
    let has_failure_policy = !is_unset(spec.get("podFailurePolicy"));
    if let Some(policy) = object_mut(spec, "podFailurePolicy") {
        for rule in objects_in(policy, "rules") {
            for pattern in objects_in(rule, "onPodConditions") {
                default_string(pattern, "status", "True");
            }
        }
    }
    if opts.version.pod_replacement_policy() {
        let policy = if has_failure_policy {
            "Failed"
        } else {
            "TerminatingOrFailed"
        };
        default_string(spec, "podReplacementPolicy", policy);
    }
    default_value(spec, "manualSelector", json!(false));
}

/// `generateSelectorIfNeeded`: unless `manualSelector` is true, the four template labels
/// (each only when the user did not set it) and `selector.matchLabels[controller-uid]`.
fn generate_selector_if_needed(spec: &mut Map, name: &str) {
    if spec.get("manualSelector") == Some(&Value::Bool(true)) {
        return;
    }
    let uid = placeholders::JOB_UID.text();
    let wanted = [
        (LEGACY_JOB_NAME_LABEL, name),
        (JOB_NAME_LABEL, name),
        (LEGACY_CONTROLLER_UID_LABEL, uid.as_str()),
        (CONTROLLER_UID_LABEL, uid.as_str()),
    ];
    if let Some(template) = object_mut(spec, "template")
        && let Some(metadata) = object_mut(template, "metadata")
        && let Some(labels) = ensure_object(metadata, "labels")
    {
        for (key, value) in wanted {
            // A user value is kept; validation rejects it if it conflicts with the selector.
            labels.entry(key).or_insert_with(|| json!(value));
        }
    }
    if let Some(selector) = ensure_object(spec, "selector")
        && let Some(match_labels) = ensure_object(selector, "matchLabels")
    {
        match_labels
            .entry(CONTROLLER_UID_LABEL)
            .or_insert_with(|| json!(uid));
    }
}

/// `SetDefaults_Job`: a Job without labels takes its template's labels. The stored Job shows
/// the template labels *after* selector generation (the Job is defaulted again on every read).
fn copy_template_labels(job: &mut Map) {
    let template_labels = job
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .filter(|l| l.as_object().is_some_and(|l| !l.is_empty()))
        .cloned();
    if let (Some(labels), Some(metadata)) = (template_labels, object_mut(job, "metadata"))
        && is_empty_map(metadata, "labels")
    {
        metadata.insert("labels".into(), labels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::Version;

    fn opts(minor: u8) -> Options {
        Options {
            version: Version { minor },
            namespace: "ns".into(),
            limit_ranges: Vec::new(),
        }
    }

    fn stored(job: Value, minor: u8) -> Value {
        let mut job = job.as_object().cloned().unwrap();
        let name = job_name(&job).unwrap();
        apply(&mut job, &name, &opts(minor)).unwrap();
        Value::Object(job)
    }

    fn minimal() -> Value {
        json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1"}]}}}})
    }

    #[test]
    fn completions_and_parallelism_default_together() {
        let job = stored(minimal(), 34);
        assert_eq!(job["spec"]["completions"], 1);
        assert_eq!(job["spec"]["parallelism"], 1);
    }

    #[test]
    fn only_parallelism_defaults_when_completions_is_set_or_not() {
        let mut with_parallelism = minimal();
        with_parallelism["spec"]["parallelism"] = json!(3);
        let job = stored(with_parallelism, 34);
        assert!(job["spec"].get("completions").is_none());
        let mut with_completions = minimal();
        with_completions["spec"]["completions"] = json!(4);
        let job = stored(with_completions, 34);
        assert_eq!(job["spec"]["completions"], 4);
        assert_eq!(job["spec"]["parallelism"], 1);
    }

    #[test]
    fn backoff_limit_defaults_to_six_or_max_with_per_index() {
        assert_eq!(stored(minimal(), 34)["spec"]["backoffLimit"], 6);
        let mut per_index = minimal();
        per_index["spec"]["backoffLimitPerIndex"] = json!(1);
        assert_eq!(stored(per_index, 34)["spec"]["backoffLimit"], 2147483647);
        let mut zero = minimal();
        zero["spec"]["backoffLimit"] = json!(0);
        assert_eq!(stored(zero, 34)["spec"]["backoffLimit"], 0);
    }

    #[test]
    fn completion_mode_suspend_manual_selector() {
        let job = stored(minimal(), 34);
        assert_eq!(job["spec"]["completionMode"], "NonIndexed");
        assert_eq!(job["spec"]["suspend"], false);
        assert_eq!(job["spec"]["manualSelector"], false);
    }

    #[test]
    fn pod_replacement_policy_on_1_29_depends_on_failure_policy() {
        assert_eq!(
            stored(minimal(), 29)["spec"]["podReplacementPolicy"],
            "TerminatingOrFailed"
        );
        let mut with_policy = minimal();
        with_policy["spec"]["podFailurePolicy"] = json!({"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]});
        let job = stored(with_policy, 29);
        assert_eq!(job["spec"]["podReplacementPolicy"], "Failed");
        assert_eq!(
            job["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"],
            "True"
        );
    }

    #[test]
    fn selector_and_four_template_labels_are_generated() {
        let job = stored(minimal(), 34);
        let uid = "{{uid:job}}";
        assert_eq!(
            job["spec"]["selector"],
            json!({"matchLabels": {CONTROLLER_UID_LABEL: uid}})
        );
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"],
            json!({"job-name": "j", JOB_NAME_LABEL: "j", "controller-uid": uid, CONTROLLER_UID_LABEL: uid})
        );
        assert_eq!(job["metadata"]["uid"], uid);
    }

    #[test]
    fn user_labels_win_and_manual_selector_skips_generation() {
        let mut user = minimal();
        user["spec"]["template"]["metadata"] = json!({"labels": {"job-name": "mine"}});
        let job = stored(user, 34);
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"]["job-name"],
            "mine"
        );
        let mut manual = minimal();
        manual["spec"]["manualSelector"] = json!(true);
        manual["spec"]["selector"] = json!({"matchLabels": {"a": "b"}});
        manual["spec"]["template"]["metadata"] = json!({"labels": {"a": "b"}});
        let job = stored(manual, 34);
        assert_eq!(job["spec"]["selector"], json!({"matchLabels": {"a": "b"}}));
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"],
            json!({"a": "b"})
        );
    }

    #[test]
    fn job_labels_copy_only_when_the_job_has_none() {
        let job = stored(minimal(), 34);
        assert_eq!(
            job["metadata"]["labels"],
            job["spec"]["template"]["metadata"]["labels"]
        );
        let mut labelled = minimal();
        labelled["metadata"]["labels"] = json!({"team": "x"});
        let job = stored(labelled, 34);
        assert_eq!(job["metadata"]["labels"], json!({"team": "x"}));
    }

    #[test]
    fn generation_and_server_metadata() {
        let job = stored(minimal(), 29);
        assert_eq!(job["metadata"]["generation"], 1);
        assert_eq!(job["metadata"]["namespace"], "ns");
        assert_eq!(job["metadata"]["resourceVersion"], "{{digits}}");
        assert_eq!(job["metadata"]["creationTimestamp"], "{{timestamp}}");
    }

    #[test]
    fn template_creation_timestamp_null_until_1_33() {
        let old = stored(minimal(), 33);
        assert_eq!(
            old["spec"]["template"]["metadata"]["creationTimestamp"],
            Value::Null
        );
        assert!(
            old["spec"]["template"]["metadata"]
                .as_object()
                .unwrap()
                .contains_key("creationTimestamp")
        );
        let mut submitted_null = minimal();
        submitted_null["spec"]["template"]["metadata"] = json!({"creationTimestamp": null});
        let new = stored(submitted_null, 34);
        assert!(
            !new["spec"]["template"]["metadata"]
                .as_object()
                .unwrap()
                .contains_key("creationTimestamp")
        );
    }

    #[test]
    fn gated_fields_are_dropped_on_old_versions() {
        let mut job = minimal();
        job["spec"]["managedBy"] = json!("example.com/x");
        job["spec"]["successPolicy"] = json!({"rules": []});
        // The Job strategy's dropDisabledFields: `predict` drops them from the table of releases.
        let stored = |job: Value, minor| {
            crate::predict::predict(&job, &opts(minor))
                .expect("predicts")
                .job
        };
        let v30 = stored(job.clone(), 30);
        assert!(
            v30["spec"].get("managedBy").is_none() && v30["spec"].get("successPolicy").is_none()
        );
        let v31 = stored(job.clone(), 31);
        assert!(
            v31["spec"].get("managedBy").is_none() && v31["spec"].get("successPolicy").is_some()
        );
        let v32 = stored(job, 32);
        assert_eq!(v32["spec"]["managedBy"], "example.com/x");
    }

    #[test]
    fn template_is_defaulted() {
        let job = stored(minimal(), 34);
        let spec = &job["spec"]["template"]["spec"];
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["containers"][0]["imagePullPolicy"], "IfNotPresent");
    }

    #[test]
    fn generate_name_gives_a_suffix_placeholder() {
        let job = stored(
            json!({"metadata": {"generateName": "foo-"}, "spec": {"template": {}}}),
            34,
        );
        assert_eq!(job["metadata"]["name"], "foo-{{suffix:job}}");
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"]["job-name"],
            "foo-{{suffix:job}}"
        );
        let long = "a".repeat(70);
        let name = job_name(
            json!({"metadata": {"generateName": long}})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(name, format!("{}{{{{suffix:job}}}}", "a".repeat(58)));
    }

    #[test]
    fn cut_generated_counts_the_suffix_as_five_characters() {
        let name = "abc{{suffix:job}}";
        assert_eq!(cut_generated(name, 58), name);
        assert_eq!(cut_generated(name, 6), "abc{{any}}");
        assert_eq!(cut_generated(name, 2), "ab");
        assert_eq!(
            cut_generated("abc{{suffix:job}}-x-", 9),
            "abc{{suffix:job}}-"
        );
        assert_eq!(cut("héllo", 2), "h");
    }

    #[test]
    fn shapes_the_predictor_needs_are_errors_with_pointers() {
        let cases = [
            (json!({"metadata": []}), "/metadata"),
            (json!({"metadata": {"name": "j"}}), "/spec"),
            (
                json!({"metadata": {"name": "j"}, "spec": {"template": 3}}),
                "/spec/template",
            ),
            (
                json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": []}}}),
                "/spec/template/spec",
            ),
            (json!({"metadata": {}}), "/metadata"),
        ];
        for (job, pointer) in cases {
            let mut job = job.as_object().cloned().unwrap();
            let err = job_name(&job).and_then(|name| apply(&mut job, &name, &opts(34)));
            assert_eq!(err.unwrap_err().pointer(), Some(pointer));
        }
    }
}
