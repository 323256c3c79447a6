//! Real Job/Pod pairs under `tests/captures/<name>/` against the predictor: the prediction from
//! the submitted Job (`job.yaml`) must equal the captured Pod (`pod.yaml`) except for generated
//! values, status, and the fields named in that capture's allow-list below (each with why).
//!
//! Two checks: a self-contained normaliser (generated values replaced by fixed tokens on both
//! sides, then `assert_eq!`), and the same check through `jjo::compare`, whose placeholders
//! must accept the real generated values.

use std::fs;
use std::path::{Path, PathBuf};

use jjo::predict::{self, Options, Version, placeholders};
use serde_json::Value;

/// Fields a capture may legitimately differ in, with the reason. Pointers are JSON Pointers
/// into the Pod; the entry is removed from both sides before comparing, and must exist on at
/// least one side so the list cannot go stale.
struct Allowed {
    pointer: &'static str,
    why: &'static str,
}

/// The allow-list of each capture, by directory name.
fn allowed(capture: &str) -> &'static [Allowed] {
    match capture {
        // EKS 1.27 capture compared with the 1.29 prediction: only the PodIndexLabel changes
        // (beta, on by default from 1.28) separate them.
        "eks-1.27-indexed-job" => &[
            Allowed {
                pointer: "/metadata/labels/batch.kubernetes.io~1job-completion-index",
                why: "version-gated: the Job controller adds the index label from 1.28 (PodIndexLabel)",
            },
            Allowed {
                pointer: "/spec/containers/0/env/0/valueFrom/fieldRef/fieldPath",
                why: "version-gated: JOB_COMPLETION_INDEX reads the index label from 1.28 \
                      (PodIndexLabel), the annotation before",
            },
        ],
        _ => &[],
    }
}

/// Fields that are never predicted: written later by the scheduler or kubelet, or by the
/// Job controller after the Pod finished.
const ALWAYS_IGNORED: &[(&str, &str)] = &[
    (
        "/status",
        "kubelet-owned; the prediction only carries phase and qosClass",
    ),
    ("/spec/nodeName", "set by the scheduler's binding"),
    (
        "/metadata/managedFields",
        "hidden by kubectl >= 1.21 but present in raw API output",
    ),
];

/// One capture directory.
struct Capture {
    name: String,
    dir: PathBuf,
    version: Version,
    namespace: String,
}

fn captures() -> Vec<Capture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(&root) else {
        return found;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.join("pod.yaml").exists() {
            continue;
        }
        let meta: Value = read_yaml(&dir.join("capture.yaml"));
        // A capture from a version older than the predictor supports names the version it is
        // compared with in `predict_as`; its allow-list names the version-gated differences.
        let server = meta["kubernetes"]
            .as_str()
            .expect("capture.yaml: kubernetes");
        let version = Version::parse(meta["predict_as"].as_str().unwrap_or(server))
            .expect("capture.yaml: supported kubernetes version (or `predict_as`)");
        let namespace = meta["namespace"].as_str().unwrap_or("default").to_string();
        found.push(Capture {
            name: entry.file_name().to_string_lossy().into_owned(),
            dir,
            version,
            namespace,
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

fn read_yaml(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces every string equal to or containing `from` by `to`, recursively.
fn replace_strings(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) if s.contains(from) => *s = s.replace(from, to),
        Value::Array(items) => items.iter_mut().for_each(|v| replace_strings(v, from, to)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_strings(v, from, to)),
        _ => {}
    }
}

/// Renames the ServiceAccount token volume (`kube-api-access-xxxxx`) to a fixed token.
fn normalise_sa_volume(value: &mut Value) {
    match value {
        Value::String(s) if s.starts_with(placeholders::SA_VOLUME_PREFIX) => {
            *s = format!("{}<sa>", placeholders::SA_VOLUME_PREFIX);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_sa_volume),
        Value::Object(map) => map.values_mut().for_each(normalise_sa_volume),
        _ => {}
    }
}

/// Generated values in a Pod replaced by fixed tokens. `job_suffix` is the captured Job's
/// random suffix, if its name was generated.
fn normalise(pod: &mut Value, job_uid: &str, job_suffix: Option<&str>) {
    if let Some(metadata) = pod.get_mut("metadata").and_then(Value::as_object_mut) {
        for (key, token) in [
            ("name", "<pod-name>"),
            ("uid", "<pod-uid>"),
            ("resourceVersion", "<rv>"),
            ("creationTimestamp", "<created>"),
        ] {
            if metadata.contains_key(key) {
                metadata.insert(key.into(), Value::String(token.into()));
            }
        }
    }
    replace_strings(pod, job_uid, "<job-uid>");
    replace_strings(pod, &placeholders::JOB_UID.text(), "<job-uid>");
    if let Some(suffix) = job_suffix {
        replace_strings(pod, &placeholders::JOB_NAME_SUFFIX.text(), suffix);
    }
    normalise_sa_volume(pod);
}

/// Removes the value at a JSON Pointer; whether there was one.
fn remove_pointer(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Pointers where two values differ, for a readable failure.
fn differences(expected: &Value, actual: &Value, at: String, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys().filter(|k| !e.contains_key(*k))) {
                let child = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (e.get(key), a.get(key)) {
                    (Some(e), Some(a)) => differences(e, a, child, out),
                    (Some(e), None) => out.push(format!("{child}: captured {e}, not predicted")),
                    (None, Some(a)) => out.push(format!("{child}: predicted {a}, not captured")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                differences(e, a, format!("{at}/{i}"), out);
            }
        }
        _ if expected != actual => {
            out.push(format!("{at}: captured {expected}, predicted {actual}"))
        }
        _ => {}
    }
}

/// The capture's Job, its captured Pod and the Pod jjo predicts for that Job, as read.
fn read_and_predict(capture: &Capture) -> (Value, Value, Value) {
    let job = read_yaml(&capture.dir.join("job.yaml"));
    let captured = read_yaml(&capture.dir.join("pod.yaml"));
    let opts = Options {
        version: capture.version,
        namespace: capture.namespace.clone(),
        limit_ranges: Vec::new(),
    };
    let predicted = predict::predict(&job, &opts).expect("prediction").pod;
    (job, captured, predicted)
}

/// The prediction and the captured Pod, both normalised and with allowed fields removed.
fn prepared(capture: &Capture) -> (Value, Value) {
    let (job, mut captured, mut predicted) = read_and_predict(capture);

    let owner = &captured["metadata"]["ownerReferences"][0];
    let job_uid = owner["uid"]
        .as_str()
        .expect("captured pod has an owner uid")
        .to_string();
    let job_name = owner["name"].as_str().unwrap_or_default().to_string();
    let job_suffix = job["metadata"]["generateName"]
        .as_str()
        .and_then(|prefix| job_name.strip_prefix(prefix))
        .map(str::to_string);
    normalise(&mut captured, &job_uid, job_suffix.as_deref());
    normalise(&mut predicted, &job_uid, job_suffix.as_deref());

    for (pointer, _why) in ALWAYS_IGNORED {
        remove_pointer(&mut captured, pointer);
        remove_pointer(&mut predicted, pointer);
    }
    for allowed in allowed(&capture.name) {
        let in_captured = remove_pointer(&mut captured, allowed.pointer);
        let in_predicted = remove_pointer(&mut predicted, allowed.pointer);
        assert!(
            in_captured || in_predicted,
            "{}: allow-list entry `{}` ({}) matches nothing; remove it",
            capture.name,
            allowed.pointer,
            allowed.why
        );
    }
    (captured, predicted)
}

#[test]
fn predictions_match_captured_pods_except_allowed_fields() {
    let captures = captures();
    // A test binary that finds no capture directory would pass vacuously.
    assert!(!captures.is_empty(), "no capture under tests/captures/");
    for capture in captures {
        let (captured, predicted) = prepared(&capture);
        let mut diffs = Vec::new();
        differences(&captured, &predicted, String::new(), &mut diffs);
        assert!(
            diffs.is_empty(),
            "{} (kubernetes {}): prediction differs from the captured pod at:\n  {}",
            capture.name,
            capture.version,
            diffs.join("\n  ")
        );
        assert_eq!(captured, predicted, "{}", capture.name);
    }
}

#[test]
#[ignore = "only one real pair (EKS 1.27) is public so far; capture 1.29-1.34 on kind, see tests/captures/README.md"]
fn at_least_three_captures_spanning_versions() {
    let captures = captures();
    assert!(captures.len() >= 3, "only {} captures", captures.len());
    let first = captures.iter().map(|c| c.version).min();
    let last = captures.iter().map(|c| c.version).max();
    assert_ne!(first, last, "captures should span kubernetes versions");
}

#[test]
fn predictions_match_captured_pods_through_compare() {
    use jjo::compare::{self, Lists, Mode};
    for capture in captures() {
        let (_, mut captured, mut predicted) = read_and_predict(&capture);
        for (pointer, _) in ALWAYS_IGNORED {
            remove_pointer(&mut captured, pointer);
            remove_pointer(&mut predicted, pointer);
        }
        for allowed in allowed(&capture.name) {
            remove_pointer(&mut captured, allowed.pointer);
            remove_pointer(&mut predicted, allowed.pointer);
        }
        // The prediction is the golden (it carries the placeholders); the capture is actual.
        let diffs = compare::compare(
            &predicted,
            &captured,
            compare::Options {
                mode: Mode::Subset,
                lists: Lists::MergeKeys,
            },
        )
        .expect("prediction uses placeholders correctly");
        assert!(diffs.is_empty(), "{}: {diffs:#?}", capture.name);
    }
}

#[test]
fn normaliser_replaces_generated_values_on_both_sides() {
    let mut predicted = serde_json::json!({"metadata": {"name": "j-{{suffix:pod}}", "uid": "{{uid:pod}}",
        "labels": {"controller-uid": "{{uid:job}}", "job-name": "foo-{{suffix:job}}"}},
        "spec": {"volumes": [{"name": "kube-api-access-{{suffix:sa}}"}]}});
    let mut captured = serde_json::json!({"metadata": {"name": "j-x7k2p", "uid": "0000",
        "labels": {"controller-uid": "1111", "job-name": "foo-abcde"}},
        "spec": {"volumes": [{"name": "kube-api-access-q9z4t"}]}});
    normalise(&mut predicted, "1111", Some("abcde"));
    normalise(&mut captured, "1111", Some("abcde"));
    assert_eq!(predicted, captured);
    assert!(remove_pointer(&mut captured, "/spec/volumes/0"));
    assert!(!remove_pointer(&mut captured, "/spec/volumes/0"));
}
