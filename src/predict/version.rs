//! Kubernetes versions the predictor knows, and the version gates its rules depend on.

use std::fmt;
use std::str::FromStr;

use super::{Error, Version};

impl Version {
    /// Parses `1.33`, `v1.33` or `1.33.2` (the patch level does not change any rule).
    pub fn parse(text: &str) -> Result<Version, Error> {
        let unsupported = || Error::UnsupportedVersion {
            text: text.to_string(),
        };
        let trimmed = text.trim();
        let bare = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = bare.split('.');
        let major = parts.next().ok_or_else(unsupported)?;
        let minor = parts.next().ok_or_else(unsupported)?;
        // A patch level is allowed but must be a number; nothing may follow it.
        if let Some(patch) = parts.next()
            && (patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(unsupported());
        }
        if parts.next().is_some() || major != "1" {
            return Err(unsupported());
        }
        if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unsupported());
        }
        let minor: u8 = minor.parse().map_err(|_| unsupported())?;
        let version = Version { minor };
        if version < Version::OLDEST || version > Version::NEWEST {
            return Err(unsupported());
        }
        Ok(version)
    }

    /// Every supported version, oldest first.
    pub fn all() -> impl Iterator<Item = Version> {
        (Version::OLDEST.minor..=Version::NEWEST.minor).map(|minor| Version { minor })
    }

    /// Whether the Pod gets `metadata.generation: 1` on create (pod `strategy.go`, 1.33+).
    pub(crate) fn pod_generation(self) -> bool {
        self.minor >= 33
    }

    /// Whether a stored pod template prints `metadata.creationTimestamp: null` (gone with
    /// kubernetes PR #130989, first released in 1.34).
    pub(crate) fn template_null_creation_timestamp(self) -> bool {
        self.minor <= 33
    }

    /// Whether `spec.podReplacementPolicy` is defaulted (JobPodReplacementPolicy beta-on in
    /// 1.29, so true for every supported version; kept as a gate so the rule says why).
    pub(crate) fn pod_replacement_policy(self) -> bool {
        self.minor >= 29
    }

    /// The validation rules of this release (RelaxedEnvironmentVariableValidation beta-on
    /// in 1.32).
    pub fn validation(self) -> crate::validate::Options {
        crate::validate::Options {
            relaxed_env_var_names: self.minor >= 32,
        }
    }

    /// Whether pod-level `spec.resources` decide the QoS class (PodLevelResources beta-on in
    /// 1.34).
    pub(crate) fn pod_level_resources(self) -> bool {
        self.minor >= 34
    }
}

impl Default for Version {
    fn default() -> Version {
        Version::NEWEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl FromStr for Version {
    type Err = Error;

    fn from_str(text: &str) -> Result<Version, Error> {
        Version::parse(text)
    }
}

/// A Job or Pod-template field that came to Kubernetes in 1.29–1.37, with the first release
/// whose API server keeps it on create: the release its feature gate is on by default
/// (kubernetes `pkg/features/kube_features.go`, versioned specs). An older server either
/// does not know the field (it is dropped with a `Warning: unknown field`) or knows it
/// behind a disabled gate (the strategy's `dropDisabledFields` drops it silently); either
/// way the session starts without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRelease {
    /// The field in the Job, `[*]` for every list item (`spec.template.spec.containers[*].resizePolicy`).
    pub path: &'static str,
    /// The first release that keeps it; `None` for a field whose gate is alpha (off by
    /// default) in every supported release, which every server jjo knows drops.
    pub since: Option<Version>,
    /// The feature gate.
    pub gate: &'static str,
}

const fn release(path: &'static str, minor: u8, gate: &'static str) -> FieldRelease {
    FieldRelease {
        path,
        since: Some(Version { minor }),
        gate,
    }
}

/// A field whose gate is off by default in 1.29–1.37 (the strategy's `dropDisabledFields`
/// drops it on create); `k8s-openapi` knows it, so it is no unknown field.
const fn alpha(path: &'static str, gate: &'static str) -> FieldRelease {
    FieldRelease {
        path,
        since: None,
        gate,
    }
}

/// The source of truth for version-dependent fields (one entry per container list where a
/// container field applies).
pub const FIELD_RELEASES: &[FieldRelease] = &[
    release("spec.backoffLimitPerIndex", 29, "JobBackoffLimitPerIndex"),
    release("spec.maxFailedIndexes", 29, "JobBackoffLimitPerIndex"),
    release("spec.podReplacementPolicy", 29, "JobPodReplacementPolicy"),
    release(
        "spec.template.spec.initContainers[*].restartPolicy",
        29,
        "SidecarContainers",
    ),
    release(
        "spec.template.spec.securityContext.appArmorProfile",
        30,
        "AppArmorFields",
    ),
    release(
        "spec.template.spec.containers[*].securityContext.appArmorProfile",
        30,
        "AppArmorFields",
    ),
    release(
        "spec.template.spec.initContainers[*].securityContext.appArmorProfile",
        30,
        "AppArmorFields",
    ),
    release(
        "spec.template.spec.containers[*].lifecycle.preStop.sleep",
        30,
        "PodLifecycleSleepAction",
    ),
    release(
        "spec.template.spec.containers[*].lifecycle.postStart.sleep",
        30,
        "PodLifecycleSleepAction",
    ),
    release("spec.successPolicy", 31, "JobSuccessPolicy"),
    release(
        "spec.template.spec.containers[*].volumeMounts[*].recursiveReadOnly",
        31,
        "RecursiveReadOnlyMounts",
    ),
    release(
        "spec.template.spec.initContainers[*].volumeMounts[*].recursiveReadOnly",
        31,
        "RecursiveReadOnlyMounts",
    ),
    release("spec.managedBy", 32, "JobManagedBy"),
    release(
        "spec.template.spec.securityContext.supplementalGroupsPolicy",
        33,
        "SupplementalGroupsPolicy",
    ),
    release(
        "spec.template.spec.containers[*].resizePolicy",
        33,
        "InPlacePodVerticalScaling",
    ),
    release("spec.template.spec.resources", 34, "PodLevelResources"),
    release(
        "spec.template.spec.resourceClaims",
        34,
        "DynamicResourceAllocation",
    ),
    release(
        "spec.template.spec.containers[*].resources.claims",
        34,
        "DynamicResourceAllocation",
    ),
    // 1.35–1.37, from kubernetes v1.37.2 `pkg/features/kube_features.go` (the release each
    // gate turns on by default) and `pkg/api/pod/util.go`, `pkg/api/job/util.go` (what
    // `dropDisabledFields` drops while it is off).
    release(
        "spec.template.spec.containers[*].restartPolicy",
        35,
        "ContainerRestartRules",
    ),
    release(
        "spec.template.spec.containers[*].restartPolicyRules",
        35,
        "ContainerRestartRules",
    ),
    release(
        "spec.template.spec.initContainers[*].restartPolicyRules",
        35,
        "ContainerRestartRules",
    ),
    release(
        "spec.template.spec.containers[*].env[*].valueFrom.fileKeyRef",
        35,
        "EnvFiles",
    ),
    release(
        "spec.template.spec.initContainers[*].env[*].valueFrom.fileKeyRef",
        35,
        "EnvFiles",
    ),
    release(
        "spec.template.spec.hostnameOverride",
        35,
        "HostnameOverride",
    ),
    release(
        "spec.template.spec.volumes[*].projected.sources[*].podCertificate",
        37,
        "PodCertificateRequest",
    ),
    alpha("spec.scheduling", "WorkloadWithJob"),
    alpha("spec.template.spec.workloadRef", "GenericWorkload"),
    alpha("spec.template.spec.schedulingGroup", "GenericWorkload"),
    alpha(
        "spec.template.spec.evictionResponders",
        "EvictionRequestAPI",
    ),
    alpha(
        "spec.template.spec.containers[*].volumeMounts[*].bindMountOptions",
        "VolumeBindMountOptions",
    ),
    alpha(
        "spec.template.spec.initContainers[*].volumeMounts[*].bindMountOptions",
        "VolumeBindMountOptions",
    ),
    alpha(
        "spec.template.spec.volumes[*].emptyDir.mode",
        "EmptyDirVolumeMode",
    ),
    alpha(
        "spec.template.spec.containers[*].livenessProbe.httpGet.protocol",
        "H2CContainerProbe",
    ),
    alpha(
        "spec.template.spec.containers[*].readinessProbe.httpGet.protocol",
        "H2CContainerProbe",
    ),
    alpha(
        "spec.template.spec.containers[*].startupProbe.httpGet.protocol",
        "H2CContainerProbe",
    ),
    alpha(
        "spec.template.spec.containers[*].livenessProbe.grpc.mode",
        "GRPCContainerProbeTLS",
    ),
    alpha(
        "spec.template.spec.containers[*].readinessProbe.grpc.mode",
        "GRPCContainerProbeTLS",
    ),
    alpha(
        "spec.template.spec.containers[*].startupProbe.grpc.mode",
        "GRPCContainerProbeTLS",
    ),
    alpha(
        "spec.template.spec.volumes[*].configMap.defaultUser",
        "AtomicWriteVolumeUserFields",
    ),
    alpha(
        "spec.template.spec.volumes[*].secret.defaultUser",
        "AtomicWriteVolumeUserFields",
    ),
    alpha(
        "spec.template.spec.volumes[*].downwardAPI.defaultUser",
        "AtomicWriteVolumeUserFields",
    ),
    alpha(
        "spec.template.spec.volumes[*].projected.defaultUser",
        "AtomicWriteVolumeUserFields",
    ),
];

/// A field of a Job that a server of some version drops on create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedField {
    /// The field with list indices (`spec.template.spec.containers[0].resizePolicy`).
    pub path: String,
    /// The first release that keeps it (`None`: an alpha field no supported release keeps).
    pub since: Option<Version>,
    /// The feature gate.
    pub gate: &'static str,
}

impl FieldRelease {
    /// Whether a `version` API server drops the field on create.
    fn dropped_by(&self, version: Version) -> bool {
        self.since.is_none_or(|since| version < since)
    }
}

/// The fields of `job` that a `version` API server drops on create, from [`FIELD_RELEASES`].
pub fn dropped_fields(job: &serde_json::Value, version: Version) -> Vec<DroppedField> {
    let mut out = Vec::new();
    for field in FIELD_RELEASES.iter().filter(|f| f.dropped_by(version)) {
        for path in paths(job, field.path) {
            out.push(DroppedField {
                path,
                since: field.since,
                gate: field.gate,
            });
        }
    }
    out
}

/// Removes from `job` every field a `version` API server drops on create (see
/// [`dropped_fields`]), so that the predicted Pod is made from what that server stores.
pub(crate) fn drop_newer_fields(job: &mut serde_json::Value, version: Version) {
    for field in FIELD_RELEASES.iter().filter(|f| f.dropped_by(version)) {
        let segments: Vec<&str> = field.path.split('.').collect();
        remove_pattern(job, &segments);
    }
}

/// Removes what a `[*]` pattern (split at its dots) names in `value`.
fn remove_pattern(value: &mut serde_json::Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    let (key, every) = match first.strip_suffix("[*]") {
        Some(key) => (key, true),
        None => (*first, false),
    };
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if rest.is_empty() {
        map.remove(key);
        return;
    }
    let Some(child) = map.get_mut(key) else {
        return;
    };
    match (every, child) {
        (true, serde_json::Value::Array(items)) => {
            items.iter_mut().for_each(|item| remove_pattern(item, rest))
        }
        (true, _) => {}
        (false, child) => remove_pattern(child, rest),
    }
}

/// The paths in `value` a pattern with `[*]` names, with their indices.
fn paths(value: &serde_json::Value, pattern: &str) -> Vec<String> {
    // Nearly every pattern names a field the Job does not have: find that out without
    // spelling a path for each step on the way.
    if !present(value, pattern) {
        return Vec::new();
    }
    let mut found: Vec<(String, &serde_json::Value)> = vec![(String::new(), value)];
    for segment in pattern.split('.') {
        let (key, every) = match segment.strip_suffix("[*]") {
            Some(key) => (key, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for (path, value) in found {
            let Some(child) = value.get(key) else {
                continue;
            };
            let path = crate::compare::push_key(&path, key);
            match (every, child.as_array()) {
                (true, Some(items)) => next.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (format!("{path}[{i}]"), item)),
                ),
                (true, None) => {}
                (false, _) => next.push((path, child)),
            }
        }
        found = next;
    }
    found.into_iter().map(|(path, _)| path).collect()
}

/// Whether the `[*]` pattern names anything in `value` (what [`paths`] would spell).
fn present(value: &serde_json::Value, pattern: &str) -> bool {
    let (segment, rest) = match pattern.split_once('.') {
        Some((segment, rest)) => (segment, Some(rest)),
        None => (pattern, None),
    };
    let (key, every) = match segment.strip_suffix("[*]") {
        Some(key) => (key, true),
        None => (segment, false),
    };
    let Some(child) = value.get(key) else {
        return false;
    };
    match (every, child.as_array(), rest) {
        (true, None, _) => false,
        (true, Some(items), Some(rest)) => items.iter().any(|item| present(item, rest)),
        (true, Some(items), None) => !items.is_empty(),
        (false, _, Some(rest)) => present(child, rest),
        (false, _, None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick look agrees with the paths it stands in for.
    #[test]
    fn present_agrees_with_paths() {
        let job = serde_json::json!({
            "a": {"b": [{"c": 1}, {"d": 2}], "e": [], "f": 3},
        });
        for pattern in [
            "a", "a.b", "a.b[*]", "a.b[*].c", "a.b[*].x", "a.e[*]", "a.f", "a.f[*]", "a.f.g",
            "x.y", "a.b.c",
        ] {
            assert_eq!(
                present(&job, pattern),
                !paths(&job, pattern).is_empty(),
                "{pattern}"
            );
        }
    }

    #[test]
    fn parses_plain_prefixed_and_patch_forms() {
        assert_eq!(Version::parse("1.33").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("v1.33").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("1.33.2").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("v1.29.0").unwrap(), Version { minor: 29 });
    }

    #[test]
    fn rejects_versions_outside_the_supported_range() {
        for text in [
            "1.28", "1.38", "2.33", "1", "", "1.x", "1.33.", "1.33.2.1", "1.33-rc", "v",
        ] {
            let err = Version::parse(text).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains("1.29") && message.contains("1.37"),
                "{text}: {message}"
            );
        }
    }

    #[test]
    fn displays_as_major_dot_minor() {
        assert_eq!(Version { minor: 33 }.to_string(), "1.33");
        assert_eq!("v1.30".parse::<Version>().unwrap().to_string(), "1.30");
    }

    #[test]
    fn default_is_the_newest() {
        assert_eq!(Version::default(), Version::NEWEST);
        assert_eq!(Version::default(), Version { minor: 37 });
        assert_eq!(Version::all().count(), 9);
    }

    #[test]
    fn a_field_newer_than_the_version_is_dropped() {
        let job = serde_json::json!({"spec": {"managedBy": "kueue.x-k8s.io/multikueue",
            "template": {"spec": {"resources": {"limits": {"cpu": "2"}},
                "containers": [{"name": "a", "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]},
                               {"name": "b", "volumeMounts": [{"name": "v", "mountPath": "/v", "recursiveReadOnly": "Enabled"}]}]}}}});
        let at = |minor| -> Vec<(String, String)> {
            dropped_fields(&job, Version { minor })
                .into_iter()
                .map(|d| (d.path, d.since.map_or("alpha".into(), |s| s.to_string())))
                .collect()
        };
        assert_eq!(
            at(31),
            vec![
                ("spec.managedBy".to_string(), "1.32".to_string()),
                (
                    "spec.template.spec.containers[0].resizePolicy".to_string(),
                    "1.33".to_string()
                ),
                (
                    "spec.template.spec.resources".to_string(),
                    "1.34".to_string()
                ),
            ]
        );
        assert_eq!(
            at(30).len(),
            4,
            "recursiveReadOnly came in 1.31: {:?}",
            at(30)
        );
        assert!(at(34).is_empty());
    }

    #[test]
    fn a_field_newer_than_the_version_is_removed_before_predicting() {
        let mut job = serde_json::json!({"spec": {"managedBy": "x", "template": {"spec": {
            "containers": [{"name": "a", "resizePolicy": [], "image": "i"}]}}}});
        drop_newer_fields(&mut job, Version { minor: 32 });
        assert_eq!(
            job,
            serde_json::json!({"spec": {"managedBy": "x", "template": {"spec": {
                "containers": [{"name": "a", "image": "i"}]}}}})
        );
        drop_newer_fields(&mut job, Version { minor: 31 });
        assert_eq!(job["spec"].get("managedBy"), None);
    }

    #[test]
    fn every_release_in_the_table_is_a_supported_version() {
        for field in FIELD_RELEASES {
            assert!(
                field
                    .since
                    .is_none_or(|since| since >= Version::OLDEST && since <= Version::NEWEST),
                "{field:?}"
            );
            assert!(field.path.starts_with("spec."), "{field:?}");
        }
    }
}
