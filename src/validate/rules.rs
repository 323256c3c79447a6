//! The API server's own rules for a Job that a schema cannot express.
//!
//! Follows `pkg/apis/batch/validation` and the pod-template part of
//! `pkg/apis/core/validation` (Kubernetes 1.34), including the defaulting that happens first
//! (a missing `restartPolicy` becomes `Always`, which a Job may not use). Rules that only fail
//! when the Job controller creates the Pods say so in their message. Every finding carries the
//! id of the rule that made it; the Job spec's rules are a table ([`JOB_SPEC`]) of small
//! functions, the rest are tagged by the function that checks one part (`pod-spec`,
//! `container`, `ports`, `volume-mounts`, `resources`, `env`...).

use std::collections::{BTreeMap, HashMap, HashSet};

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, Volume};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::names;
use super::quantity::parse_quantity;
use super::{Finding, Severity};
use crate::compare::push_key;
use crate::diag::did_you_mean;

/// The check name of API-server findings.
const CHECK: &str = "api";

/// Where the pod spec lives in a Job.
const POD: &str = "spec.template.spec";

/// Findings collected by the rules, each tagged with the id of the rule that is running.
struct Out {
    found: Vec<Finding>,
    rule: &'static str,
    /// The id of the next finding only, when it is more precise than the running rule's
    /// (`duplicate-volume` inside `volumes`): each distinct finding has its own id.
    next: Option<&'static str>,
    /// The version-dependent rules in force.
    opts: super::Options,
}

impl Out {
    /// Runs `f` with its findings attributed to the rule `id`.
    fn under<R>(&mut self, id: &'static str, f: impl FnOnce(&mut Out) -> R) -> R {
        let outer = std::mem::replace(&mut self.rule, id);
        let r = f(self);
        self.rule = outer;
        r
    }

    /// Gives the next finding the id `id` (README, "Finding ids").
    fn is(&mut self, id: &'static str) -> &mut Out {
        self.next = Some(id);
        self
    }

    fn push(
        &mut self,
        severity: Severity,
        path: impl Into<String>,
        message: String,
        hint: Option<String>,
    ) {
        let rule = self.next.take().unwrap_or(self.rule);
        self.found.push(Finding {
            span: None,
            rule,
            severity,
            check: CHECK.to_owned(),
            path: path.into(),
            message,
            hint,
        });
    }

    fn error(&mut self, path: impl Into<String>, message: String) {
        self.push(Severity::Error, path, message, None);
    }

    fn error_hint(&mut self, path: impl Into<String>, message: String, hint: impl Into<String>) {
        self.push(Severity::Error, path, message, Some(hint.into()));
    }
}

/// One rule of the Job spec: its id (a finding's `rule`) and the function that checks it,
/// laid out as upstream Pod Security admission's checks are (one `check_*.go` per rule).
struct Rule {
    id: &'static str,
    check: fn(&JobSpec, &mut Out),
}

/// The rules of `pkg/apis/batch/validation/validation.go` `validateJobSpec` that jjo knows,
/// in the order the API server reports them.
const JOB_SPEC: &[Rule] = &[
    Rule {
        id: "job-counts",
        check: job_counts,
    },
    Rule {
        id: "job-completion-mode",
        check: job_completion_mode,
    },
    Rule {
        id: "job-selector",
        check: job_selector,
    },
    Rule {
        id: "job-pod-failure-policy",
        check: job_pod_failure_policy,
    },
    Rule {
        id: "job-pod-replacement-policy",
        check: job_pod_replacement_policy,
    },
];

/// Runs every rule on a decoded Job; `elided` are the paths decoding could not read.
pub fn check(job: &Job, elided: &[String], opts: super::Options) -> Vec<Finding> {
    // Mounts can only be matched against volumes that were read.
    let volumes_path = format!("{POD}.volumes");
    let volumes_known = !elided
        .iter()
        .any(|e| e.starts_with(&volumes_path) || volumes_path.starts_with(e.as_str()));
    let mut out = Out {
        found: Vec::new(),
        rule: "job-required",
        next: None,
        opts,
    };
    out.under("job-metadata", |out| job_meta(&job.metadata, out));
    match &job.spec {
        None => out.error_hint(
            "spec",
            "`spec` is required".to_owned(),
            "a Job needs `spec.template`",
        ),
        Some(spec) => {
            job_spec(spec, &mut out);
            out.under("template-metadata", |out| {
                object_meta_maps(
                    spec.template.metadata.as_ref(),
                    "spec.template.metadata",
                    out,
                )
            });
            match &spec.template.spec {
                None => out.error(
                    "spec.template.spec",
                    "`spec.template.spec` is required".to_owned(),
                ),
                Some(pod) => out.under("pod-spec", |out| pod_spec(pod, volumes_known, out)),
            }
        }
    }
    out.found
}

/// The Job's name, generateName, namespace, labels and annotations.
fn job_meta(meta: &ObjectMeta, out: &mut Out) {
    let name = meta.name.as_deref().unwrap_or("");
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if name.is_empty() && generate_name.is_empty() {
        out.is("job-name").error(
            "metadata.name",
            "`name` or `generateName` is required".to_owned(),
        );
    }
    if !name.is_empty() {
        if let Some(why) = names::dns1123_subdomain(name) {
            out.is("job-name")
                .error("metadata.name", format!("invalid Job name `{name}`: {why}"));
        } else if name.len() > 63 {
            out.is("job-name").error_hint(
                "metadata.name",
                format!("the Job name `{name}` is longer than 63 characters"),
                "the name goes into the `batch.kubernetes.io/job-name` label of the Pods, and label values are limited to 63 characters",
            );
        } else if names::dns1123_label(name).is_some() {
            out.is("job-name").push(
                Severity::Warning,
                "metadata.name",
                format!("the Job name `{name}` is not a DNS-1123 label"),
                Some("Pod hostnames are derived from it; avoid `.` in Job names".to_owned()),
            );
        }
    } else if !generate_name.is_empty()
        && let Some(why) = names::generate_name_prefix(generate_name)
    {
        out.is("job-generate-name").error(
            "metadata.generateName",
            format!("invalid `generateName` `{generate_name}`: {why}"),
        );
    }
    if let Some(ns) = meta.namespace.as_deref()
        && !ns.is_empty()
        && let Some(why) = names::dns1123_label(ns)
    {
        out.is("namespace").error(
            "metadata.namespace",
            format!("invalid namespace `{ns}`: {why}"),
        );
    }
    object_meta_maps(Some(meta), "metadata", out);
}

/// Labels and annotations syntax.
fn object_meta_maps(meta: Option<&ObjectMeta>, at: &str, out: &mut Out) {
    let Some(meta) = meta else { return };
    for (key, value) in meta.labels.iter().flatten() {
        let path = push_key(&format!("{at}.labels"), key);
        if let Some(why) = names::qualified_name(key) {
            out.is("label")
                .error(path.clone(), format!("invalid label key `{key}`: {why}"));
        }
        if let Some(why) = names::label_value(value) {
            out.is("label").error_hint(
                path,
                format!("invalid value for label `{key}`: {why}"),
                "put free text in an annotation instead",
            );
        }
    }
    let mut total = 0usize;
    for (key, value) in meta.annotations.iter().flatten() {
        total += key.len() + value.len();
        if let Some(why) = names::qualified_name(key) {
            let path = push_key(&format!("{at}.annotations"), key);
            out.is("annotation")
                .error(path, format!("invalid annotation key `{key}`: {why}"));
        }
    }
    if total > 256 * 1024 {
        out.is("annotation").error(
            format!("{at}.annotations"),
            format!("annotations are too long: {total} bytes, at most 262144"),
        );
    }
}

/// Runs the [`JOB_SPEC`] rules.
fn job_spec(spec: &JobSpec, out: &mut Out) {
    for rule in JOB_SPEC {
        out.under(rule.id, |out| (rule.check)(spec, out));
    }
}

/// Counts and deadlines are not negative (`activeDeadlineSeconds` is positive).
fn job_counts(spec: &JobSpec, out: &mut Out) {
    for (field, value) in [
        ("parallelism", spec.parallelism),
        ("completions", spec.completions),
        ("backoffLimit", spec.backoff_limit),
        ("backoffLimitPerIndex", spec.backoff_limit_per_index),
        ("maxFailedIndexes", spec.max_failed_indexes),
        ("ttlSecondsAfterFinished", spec.ttl_seconds_after_finished),
    ] {
        if let Some(v) = value
            && v < 0
        {
            out.error(
                format!("spec.{field}"),
                format!("`{field}` must be greater than or equal to 0, not {v}"),
            );
        }
    }
    if let Some(v) = spec.active_deadline_seconds
        && v <= 0
    {
        out.error(
            "spec.activeDeadlineSeconds",
            format!("`activeDeadlineSeconds` must be greater than 0, not {v}"),
        );
    }
}

/// `completionMode` is known; `Indexed` needs `completions`, and the per-index fields need it.
fn job_completion_mode(spec: &JobSpec, out: &mut Out) {
    let indexed = match spec.completion_mode.as_deref() {
        None | Some("NonIndexed") => false,
        Some("Indexed") => true,
        Some(other) => {
            unsupported(
                out,
                "spec.completionMode",
                other,
                &["NonIndexed", "Indexed"],
            );
            false
        }
    };
    if indexed && spec.completions.is_none() {
        out.error_hint(
            "spec.completions",
            "`completions` is required when `completionMode` is `Indexed`".to_owned(),
            "set `completions: 1` for a single indexed Pod",
        );
    }
    if !indexed {
        for (field, set) in [
            (
                "backoffLimitPerIndex",
                spec.backoff_limit_per_index.is_some(),
            ),
            ("maxFailedIndexes", spec.max_failed_indexes.is_some()),
        ] {
            if set {
                out.error(
                    format!("spec.{field}"),
                    format!("`{field}` requires `completionMode: Indexed`"),
                );
            }
        }
    }
    if spec.max_failed_indexes.is_some() && spec.backoff_limit_per_index.is_none() {
        out.error(
            "spec.maxFailedIndexes",
            "`maxFailedIndexes` requires `backoffLimitPerIndex`".to_owned(),
        );
    }
}

/// A `selector` only with `manualSelector: true`, and then matching the template's labels.
fn job_selector(spec: &JobSpec, out: &mut Out) {
    let manual = spec.manual_selector == Some(true);
    match (&spec.selector, manual) {
        (Some(_), false) => out.error_hint(
            "spec.selector",
            "`selector` not auto-generated".to_owned(),
            "remove `selector` (the API server generates one), or set `manualSelector: true`",
        ),
        (None, true) => out.error(
            "spec.selector",
            "`selector` is required when `manualSelector` is true".to_owned(),
        ),
        (Some(selector), true) => {
            let labels = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.as_ref());
            if !selector_matches(selector, labels) {
                out.error(
                    "spec.template.metadata.labels",
                    "`selector` does not match template `labels`".to_owned(),
                );
            }
        }
        (None, false) => {}
    }
}

/// A `podFailurePolicy` needs `restartPolicy: Never`.
fn job_pod_failure_policy(spec: &JobSpec, out: &mut Out) {
    let restart = spec
        .template
        .spec
        .as_ref()
        .and_then(|p| p.restart_policy.as_deref());
    if spec.pod_failure_policy.is_some() && restart.is_some_and(|r| r != "Never") {
        out.error_hint(
            "spec.template.spec.restartPolicy",
            "`podFailurePolicy` requires `restartPolicy: Never`".to_owned(),
            "set `restartPolicy: Never`",
        );
    }
}

/// `podReplacementPolicy` is known, and `Failed` when a `podFailurePolicy` is set.
fn job_pod_replacement_policy(spec: &JobSpec, out: &mut Out) {
    match spec.pod_replacement_policy.as_deref() {
        None => {}
        Some("Failed") => {}
        Some("TerminatingOrFailed") if spec.pod_failure_policy.is_some() => out.error(
            "spec.podReplacementPolicy",
            "`podReplacementPolicy` must be `Failed` when `podFailurePolicy` is set".to_owned(),
        ),
        Some("TerminatingOrFailed") => {}
        Some(other) => unsupported(
            out,
            "spec.podReplacementPolicy",
            other,
            &["TerminatingOrFailed", "Failed"],
        ),
    }
}

/// Whether a label selector selects the given labels.
fn selector_matches(
    selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k));
    let empty = selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty);
    if empty {
        // An empty selector is itself invalid for a Job: it would select every Pod.
        return false;
    }
    let labels_ok = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v));
    let exprs_ok = selector.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" => get(&e.key).is_some_and(|v| values.contains(v)),
            "NotIn" => get(&e.key).is_none_or(|v| !values.contains(v)),
            "Exists" => get(&e.key).is_some(),
            "DoesNotExist" => get(&e.key).is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// An enum field with a value the API server does not support.
fn unsupported(out: &mut Out, path: &str, value: &str, supported: &[&str]) {
    let list = supported
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint =
        did_you_mean(value, supported.iter().copied()).map(|s| format!("did you mean `{s}`?"));
    let field = path.rsplit('.').next().unwrap_or(path);
    out.push(
        Severity::Error,
        path,
        format!("unsupported value `{value}` for `{field}`: supported values are {list}"),
        hint,
    );
}

/// The pod template's spec.
fn pod_spec(pod: &PodSpec, volumes_known: bool, out: &mut Out) {
    match pod.restart_policy.as_deref() {
        None => out.is("restart-policy").error_hint(
            format!("{POD}.restartPolicy"),
            "`restartPolicy` is missing, so it defaults to `Always`, which a Job does not support"
                .to_owned(),
            "set `restartPolicy: Never` (or `OnFailure`)",
        ),
        Some("Never" | "OnFailure") => {}
        Some(other) => unsupported(
            out.is("restart-policy"),
            &format!("{POD}.restartPolicy"),
            other,
            &["OnFailure", "Never"],
        ),
    }
    if let Some(dns) = pod.dns_policy.as_deref()
        && !["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"].contains(&dns)
    {
        unsupported(
            out.is("dns-policy"),
            &format!("{POD}.dnsPolicy"),
            dns,
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        );
    }
    if pod.containers.is_empty() {
        out.is("containers-required").error(
            format!("{POD}.containers"),
            "`containers` must have at least one container".to_owned(),
        );
    }

    let volumes = out.under("volumes", |out| {
        volumes(pod.volumes.as_deref().unwrap_or_default(), out)
    });
    let volumes = volumes_known.then_some(volumes);

    let all = pod
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (format!("{POD}.initContainers[{i}]"), c, true))
        .chain(
            pod.containers
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("{POD}.containers[{i}]"), c, false)),
        );
    let mut container_names: HashSet<&str> = HashSet::new();
    let mut host_ports: HashSet<(i32, &str)> = HashSet::new();
    for (at, c, init) in all {
        if c.name.is_empty() {
            out.is("container-name").error(
                format!("{at}.name"),
                "container `name` is required".to_owned(),
            );
        } else if let Some(why) = names::dns1123_label(&c.name) {
            out.is("container-name").error(
                format!("{at}.name"),
                format!("invalid container name `{}`: {why}", c.name),
            );
        } else if !container_names.insert(&c.name) {
            out.is("duplicate-container").error_hint(
                format!("{at}.name"),
                format!("duplicate container name `{}`", c.name),
                "container names must be unique across `containers` and `initContainers`",
            );
        }
        out.under("container", |out| {
            container(c, &at, init, volumes.as_ref(), &mut host_ports, out)
        });
    }
}

/// Checks the volumes; returns their names for the mount checks.
fn volumes<'a>(list: &'a [Volume], out: &mut Out) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for (i, v) in list.iter().enumerate() {
        let at = format!("{POD}.volumes[{i}]");
        if v.name.is_empty() {
            out.is("volume-name")
                .error(format!("{at}.name"), "volume `name` is required".to_owned());
        } else if let Some(why) = names::dns1123_label(&v.name) {
            out.is("volume-name").error(
                format!("{at}.name"),
                format!("invalid volume name `{}`: {why}", v.name),
            );
        } else if !seen.insert(v.name.as_str()) {
            out.is("duplicate-volume").error(
                format!("{at}.name"),
                format!("duplicate volume name `{}`", v.name),
            );
        }
        let sources = volume_sources(v);
        if sources.len() > 1 {
            let list = sources
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.is("volume-sources").error_hint(
                at,
                format!("volume `{}` may not specify more than 1 volume type: it has {list}", v.name),
                "an override that replaces a volume's source must remove the old one (`op: remove`) or replace the whole volume",
            );
        }
    }
    seen
}

/// The volume source fields set on a volume (none means `emptyDir` after defaulting).
pub fn volume_sources(v: &Volume) -> Vec<&'static str> {
    [
        ("awsElasticBlockStore", v.aws_elastic_block_store.is_some()),
        ("azureDisk", v.azure_disk.is_some()),
        ("azureFile", v.azure_file.is_some()),
        ("cephfs", v.cephfs.is_some()),
        ("cinder", v.cinder.is_some()),
        ("configMap", v.config_map.is_some()),
        ("csi", v.csi.is_some()),
        ("downwardAPI", v.downward_api.is_some()),
        ("emptyDir", v.empty_dir.is_some()),
        ("ephemeral", v.ephemeral.is_some()),
        ("fc", v.fc.is_some()),
        ("flexVolume", v.flex_volume.is_some()),
        ("flocker", v.flocker.is_some()),
        ("gcePersistentDisk", v.gce_persistent_disk.is_some()),
        ("gitRepo", v.git_repo.is_some()),
        ("glusterfs", v.glusterfs.is_some()),
        ("hostPath", v.host_path.is_some()),
        ("image", v.image.is_some()),
        ("iscsi", v.iscsi.is_some()),
        ("nfs", v.nfs.is_some()),
        ("persistentVolumeClaim", v.persistent_volume_claim.is_some()),
        ("photonPersistentDisk", v.photon_persistent_disk.is_some()),
        ("portworxVolume", v.portworx_volume.is_some()),
        ("projected", v.projected.is_some()),
        ("quobyte", v.quobyte.is_some()),
        ("rbd", v.rbd.is_some()),
        ("scaleIO", v.scale_io.is_some()),
        ("secret", v.secret.is_some()),
        ("storageos", v.storageos.is_some()),
        ("vsphereVolume", v.vsphere_volume.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect()
}

/// One container or init container.
fn container<'a>(
    c: &'a Container,
    at: &str,
    init: bool,
    volumes: Option<&HashSet<&str>>,
    host_ports: &mut HashSet<(i32, &'a str)>,
    out: &mut Out,
) {
    let image = c.image.as_deref().unwrap_or("");
    if image.is_empty() {
        out.is("image-required").error(
            format!("{at}.image"),
            "container `image` is required".to_owned(),
        );
    } else if image.trim() != image {
        out.is("image-whitespace").error_hint(
            format!("{at}.image"),
            format!("`image` `{image}` has leading or trailing whitespace: the Job is accepted but every Pod create fails"),
            format!("write `{}`", image.trim()),
        );
    }
    if let Some(p) = c.image_pull_policy.as_deref()
        && !["Always", "IfNotPresent", "Never"].contains(&p)
    {
        unsupported(
            out.is("image-pull-policy"),
            &format!("{at}.imagePullPolicy"),
            p,
            &["Always", "IfNotPresent", "Never"],
        );
    }
    if let Some(r) = c.restart_policy.as_deref() {
        if !init {
            out.is("container-restart-policy").error(
                format!("{at}.restartPolicy"),
                "`restartPolicy` may only be set on init containers (as `Always`, for sidecars)"
                    .to_owned(),
            );
        } else if r != "Always" {
            unsupported(
                out.is("container-restart-policy"),
                &format!("{at}.restartPolicy"),
                r,
                &["Always"],
            );
        }
    }
    out.under("ports", |out| ports(c, at, host_ports, out));
    out.under("volume-mounts", |out| mounts(c, at, volumes, out));
    out.under("resources", |out| resources(c, at, out));
    out.under("env", |out| env(c, at, out));
}

/// Container ports: ranges, names, protocols, host port conflicts.
fn ports<'a>(c: &'a Container, at: &str, host_ports: &mut HashSet<(i32, &'a str)>, out: &mut Out) {
    let mut names_seen = HashSet::new();
    for (i, p) in c.ports.iter().flatten().enumerate() {
        let at = format!("{at}.ports[{i}]");
        if !(1..=65535).contains(&p.container_port) {
            out.is("port-range").error(
                format!("{at}.containerPort"),
                format!(
                    "`containerPort` must be between 1 and 65535, inclusive, not {}",
                    p.container_port
                ),
            );
        }
        let host_port = p.host_port.unwrap_or(0);
        if host_port != 0 && !(1..=65535).contains(&host_port) {
            out.is("port-range").error(
                format!("{at}.hostPort"),
                format!("`hostPort` must be between 1 and 65535, inclusive, not {host_port}"),
            );
        }
        let protocol = p.protocol.as_deref().unwrap_or("TCP");
        if !["TCP", "UDP", "SCTP"].contains(&protocol) {
            unsupported(
                out.is("port-protocol"),
                &format!("{at}.protocol"),
                protocol,
                &["TCP", "UDP", "SCTP"],
            );
        }
        if host_port != 0 && !host_ports.insert((host_port, protocol)) {
            out.is("duplicate-host-port").error(
                format!("{at}.hostPort"),
                format!("duplicate `hostPort` {host_port}/{protocol}"),
            );
        }
        if let Some(name) = p.name.as_deref() {
            if let Some(why) = names::iana_svc_name(name) {
                out.is("port-name").error(
                    format!("{at}.name"),
                    format!("invalid port name `{name}`: {why}"),
                );
            } else if !names_seen.insert(name) {
                out.is("duplicate-port-name").error(
                    format!("{at}.name"),
                    format!("duplicate port name `{name}`"),
                );
            }
        }
    }
}

/// Volume mounts: existing volume, unique mount path, safe subPath.
fn mounts(c: &Container, at: &str, volumes: Option<&HashSet<&str>>, out: &mut Out) {
    let mut paths = HashSet::new();
    for (i, m) in c.volume_mounts.iter().flatten().enumerate() {
        let at = format!("{at}.volumeMounts[{i}]");
        if m.name.is_empty() {
            out.is("mount-name").error(
                format!("{at}.name"),
                "volume mount `name` is required".to_owned(),
            );
        } else if let Some(volumes) = volumes
            && !volumes.contains(m.name.as_str())
        {
            let hint = did_you_mean(&m.name, volumes.iter().copied())
                .map(|v| format!("did you mean `{v}`?"))
                .unwrap_or_else(|| {
                    "add a volume with this name to `spec.template.spec.volumes`".to_owned()
                });
            out.is("mount-without-volume").error_hint(
                format!("{at}.name"),
                format!("volume mount `{}` names no volume", m.name),
                hint,
            );
        }
        if m.mount_path.is_empty() {
            out.is("mount-path").error(
                format!("{at}.mountPath"),
                "`mountPath` is required".to_owned(),
            );
        } else if !paths.insert(m.mount_path.as_str()) {
            out.is("duplicate-mount-path").error(
                format!("{at}.mountPath"),
                format!("`mountPath` `{}` must be unique", m.mount_path),
            );
        }
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            if sub.starts_with('/') {
                out.is("sub-path").error(
                    format!("{at}.subPath"),
                    format!("`subPath` `{sub}` must be a relative path"),
                );
            } else if sub.split(['/', '\\']).any(|part| part == "..") {
                out.is("sub-path").error(
                    format!("{at}.subPath"),
                    format!("`subPath` `{sub}` must not contain `..`"),
                );
            }
            if m.sub_path_expr.as_deref().is_some_and(|s| !s.is_empty()) {
                out.is("sub-path").error(
                    format!("{at}.subPathExpr"),
                    "`subPathExpr` and `subPath` are mutually exclusive".to_owned(),
                );
            }
        }
        match m.recursive_read_only.as_deref() {
            None | Some("Disabled") => {}
            Some("IfPossible" | "Enabled") if m.read_only != Some(true) => {
                out.is("recursive-read-only").error(
                    format!("{at}.recursiveReadOnly"),
                    "`recursiveReadOnly` requires `readOnly: true`".to_owned(),
                )
            }
            Some("IfPossible" | "Enabled") => {}
            Some(other) => {
                unsupported(
                    out.is("recursive-read-only"),
                    &format!("{at}.recursiveReadOnly"),
                    other,
                    &["Disabled", "IfPossible", "Enabled"],
                );
            }
        }
    }
}

/// The resource names a container may use without a domain prefix.
const STANDARD_RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

/// Resource names, quantities, and request ≤ limit.
fn resources(c: &Container, at: &str, out: &mut Out) {
    let Some(res) = &c.resources else { return };
    let parse = |kind: &str,
                 map: Option<&BTreeMap<String, Quantity>>,
                 out: &mut Out|
     -> HashMap<String, i128> {
        let mut parsed = HashMap::new();
        for (name, q) in map.into_iter().flatten() {
            let path = push_key(&format!("{at}.resources.{kind}"), name);
            let standard =
                STANDARD_RESOURCES.contains(&name.as_str()) || name.starts_with("hugepages-");
            if !standard && !name.contains('/') {
                let hint = did_you_mean(name, STANDARD_RESOURCES.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"));
                out.is("resource-name").push(
                    Severity::Error,
                    path.clone(),
                    format!("invalid resource name `{name}`: must be a standard resource type or fully qualified"),
                    hint,
                );
                continue;
            }
            match parse_quantity(&q.0) {
                Err(e) => out.is("quantity").error_hint(
                    path,
                    e.to_string(),
                    "write e.g. `500m` or `2` for cpu, `512Mi` or `1Gi` for memory",
                ),
                Ok(v) if v < 0 => out.is("quantity").error(
                    path,
                    format!("`{name}` must be greater than or equal to 0, not `{}`", q.0),
                ),
                Ok(v) => {
                    parsed.insert(name.clone(), v);
                }
            }
        }
        parsed
    };
    let limits = parse("limits", res.limits.as_ref(), out);
    let requests = parse("requests", res.requests.as_ref(), out);
    let show = |m: Option<&BTreeMap<String, Quantity>>, name: &str| {
        m.and_then(|m| m.get(name))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    };
    let mut names: Vec<&String> = requests.keys().collect();
    names.sort();
    for name in names {
        let path = push_key(&format!("{at}.resources.requests"), name);
        let request = show(res.requests.as_ref(), name);
        let limit = show(res.limits.as_ref(), name);
        // Extended resources and hugepages cannot be overcommitted.
        let overcommit = STANDARD_RESOURCES.contains(&name.as_str());
        match (requests.get(name), limits.get(name)) {
            (Some(req), Some(lim)) if req > lim => out.is("request-above-limit").error_hint(
                path,
                format!("`{name}` request `{request}` must be less than or equal to its limit `{limit}`"),
                "raise the limit or lower the request",
            ),
            (Some(req), Some(lim)) if !overcommit && req != lim => out.is("overcommit").error(
                path,
                format!("`{name}` request `{request}` must be equal to its limit `{limit}`: it cannot be overcommitted"),
            ),
            (Some(_), None) if !overcommit && !res.limits.as_ref().is_some_and(|l| l.contains_key(name)) => {
                out.is("overcommit").error_hint(
                    push_key(&format!("{at}.resources.limits"), name),
                    format!("a limit must be set for `{name}`: it cannot be overcommitted"),
                    format!("set `limits: {{{name}: {request}}}`"),
                );
            }
            _ => {}
        }
    }
}

/// Whether `name` is a C-identifier-like environment variable name, the rule before
/// RelaxedEnvironmentVariableValidation (apimachinery `IsEnvVarName`: `[-._a-zA-Z][-._a-zA-Z0-9]*`).
fn strict_env_var_name(name: &str) -> bool {
    let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    name.bytes()
        .next()
        .is_some_and(|b| !b.is_ascii_digit() && ok(b))
        && name.bytes().all(ok)
}

/// Environment variable names: printable ASCII except `=` from 1.32
/// (RelaxedEnvironmentVariableValidation beta-on), apimachinery's `IsEnvVarName` before;
/// duplicates only warn.
fn env(c: &Container, at: &str, out: &mut Out) {
    let mut seen = HashSet::new();
    for (i, e) in c.env.iter().flatten().enumerate() {
        let path = format!("{at}.env[{i}].name");
        if e.name.is_empty() {
            out.is("env-name")
                .error(path, "environment variable `name` is required".to_owned());
        } else if !out.opts.relaxed_env_var_names && !strict_env_var_name(&e.name) {
            out.is("env-name").error_hint(
                path,
                format!(
                    "invalid environment variable name `{}`: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
                    e.name
                ),
                "Kubernetes 1.32 and later accept any printable ASCII without `=`; set `kubernetes:` if the cluster runs one",
            );
        } else if !e
            .name
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'=')
        {
            out.is("env-name").error(
                path,
                format!(
                    "invalid environment variable name `{}`: must be printable ASCII without `=`",
                    e.name
                ),
            );
        } else if !seen.insert(e.name.as_str()) {
            out.is("duplicate-env").push(
                Severity::Warning,
                path,
                format!(
                    "environment variable `{}` is set more than once; the last one wins",
                    e.name
                ),
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::validate::decode::decode;

    /// A launcher-like Job that passes every rule.
    pub(crate) fn clean() -> Value {
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"generateName": "rstudio-session-", "namespace": "rstudio",
                "labels": {"launcher-instance-id": "1b2c3d", "app.kubernetes.io/name": "rs"},
                "annotations": {"user": "alice", "user_metadata": "{\"a\": 1}"}},
            "spec": {
                "backoffLimit": 0,
                "template": {
                    "metadata": {"generateName": "rstudio-session-", "annotations": {"stdin": "true"}},
                    "spec": {
                        "restartPolicy": "Never",
                        "enableServiceLinks": false,
                        "containers": [{
                            "name": "rs-launcher-container",
                            "image": "rstudio/r-session-complete:jammy-2024.12.0",
                            "command": ["/usr/lib/rstudio-server/bin/rsession"],
                            "stdin": true,
                            "ports": [{"containerPort": 8787, "name": "session"}],
                            "resources": {"limits": {"cpu": "2", "memory": "4Gi"}, "requests": {"cpu": "500m", "memory": "512M"}},
                            "volumeMounts": []
                        }],
                        "volumes": []
                    }
                }
            }
        })
    }

    #[test]
    fn findings_carry_the_id_of_their_rule() {
        let found = run(|j| {
            j["spec"]["selector"] = json!({"matchLabels": {"a": "b"}});
            j["spec"]["backoffLimit"] = json!(-1);
            j["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] =
                json!("two");
        });
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            ["job-counts", "job-selector", "quantity"],
            "{found:#?}"
        );
    }

    /// Runs the rules on `job` after `edit`.
    fn run(edit: impl FnOnce(&mut Value)) -> Vec<Finding> {
        let mut job = clean();
        edit(&mut job);
        let d = decode::<Job>(&job);
        assert!(
            d.findings.is_empty(),
            "fixture must decode cleanly: {:?}",
            d.findings
        );
        check(
            &d.value.expect("decodes"),
            &[],
            super::super::Options::default(),
        )
    }

    /// Asserts exactly one error finding, at `path`, whose message contains `text`.
    fn one(found: &[Finding], path: &str, text: &str) {
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path, path, "{found:#?}");
        assert!(found[0].message.contains(text), "{found:#?}");
        assert_eq!(found[0].check, "api");
    }

    fn c0(job: &mut Value) -> &mut Value {
        &mut job["spec"]["template"]["spec"]["containers"][0]
    }

    const C0: &str = "spec.template.spec.containers[0]";

    #[test]
    fn clean_job_has_no_findings() {
        assert_eq!(run(|_| {}), []);
    }

    #[test]
    fn name_or_generate_name_required() {
        let f = run(|j| {
            j["metadata"]
                .as_object_mut()
                .map(|m| m.remove("generateName"));
        });
        one(&f, "metadata.name", "`name` or `generateName` is required");
    }

    #[test]
    fn job_name_must_be_dns_subdomain() {
        one(
            &run(|j| j["metadata"]["name"] = json!("My_Job")),
            "metadata.name",
            "invalid Job name",
        );
    }

    #[test]
    fn job_name_longer_than_63_fails_labels() {
        one(
            &run(|j| j["metadata"]["name"] = json!("a".repeat(64))),
            "metadata.name",
            "longer than 63",
        );
    }

    #[test]
    fn job_name_with_dot_warns() {
        let f = run(|j| j["metadata"]["name"] = json!("a.b"));
        one(&f, "metadata.name", "not a DNS-1123 label");
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn generate_name_must_be_valid_prefix() {
        one(
            &run(|j| j["metadata"]["generateName"] = json!("RStudio-")),
            "metadata.generateName",
            "invalid `generateName`",
        );
    }

    #[test]
    fn namespace_must_be_dns_label() {
        one(
            &run(|j| j["metadata"]["namespace"] = json!("R")),
            "metadata.namespace",
            "invalid namespace",
        );
    }

    #[test]
    fn label_key_syntax() {
        one(
            &run(|j| j["metadata"]["labels"]["bad key"] = json!("x")),
            "metadata.labels[\"bad key\"]",
            "invalid label key",
        );
    }

    #[test]
    fn label_value_syntax_and_length() {
        let f =
            run(|j| j["spec"]["template"]["metadata"]["labels"] = json!({"user": "alice smith"}));
        one(
            &f,
            "spec.template.metadata.labels.user",
            "invalid value for label `user`",
        );
        let f = run(|j| j["metadata"]["labels"]["user"] = json!("a".repeat(64)));
        one(&f, "metadata.labels.user", "no more than 63");
    }

    #[test]
    fn annotation_key_syntax() {
        one(
            &run(|j| j["metadata"]["annotations"]["a b"] = json!("x")),
            "metadata.annotations[\"a b\"]",
            "invalid annotation key",
        );
    }

    #[test]
    fn counts_must_not_be_negative() {
        one(
            &run(|j| j["spec"]["backoffLimit"] = json!(-1)),
            "spec.backoffLimit",
            "greater than or equal to 0",
        );
    }

    #[test]
    fn active_deadline_must_be_positive() {
        one(
            &run(|j| j["spec"]["activeDeadlineSeconds"] = json!(0)),
            "spec.activeDeadlineSeconds",
            "greater than 0",
        );
    }

    #[test]
    fn completion_mode_values() {
        one(
            &run(|j| j["spec"]["completionMode"] = json!("indexed")),
            "spec.completionMode",
            "unsupported value",
        );
    }

    #[test]
    fn indexed_requires_completions() {
        one(
            &run(|j| j["spec"]["completionMode"] = json!("Indexed")),
            "spec.completions",
            "`completions` is required",
        );
    }

    #[test]
    fn per_index_fields_require_indexed() {
        one(
            &run(|j| j["spec"]["backoffLimitPerIndex"] = json!(1)),
            "spec.backoffLimitPerIndex",
            "requires `completionMode: Indexed`",
        );
    }

    #[test]
    fn selector_requires_manual_selector() {
        let f = run(|j| j["spec"]["selector"] = json!({"matchLabels": {"a": "b"}}));
        one(&f, "spec.selector", "`selector` not auto-generated");
        assert!(
            f[0].hint
                .as_deref()
                .unwrap_or("")
                .contains("manualSelector: true")
        );
    }

    #[test]
    fn manual_selector_must_match_template_labels() {
        let f = run(|j| {
            j["spec"]["selector"] = json!({"matchLabels": {"a": "b"}});
            j["spec"]["manualSelector"] = json!(true);
        });
        one(&f, "spec.template.metadata.labels", "does not match");
        let f = run(|j| {
            j["spec"]["selector"] = json!({"matchLabels": {"a": "b"}});
            j["spec"]["manualSelector"] = json!(true);
            j["spec"]["template"]["metadata"]["labels"] = json!({"a": "b"});
        });
        assert_eq!(f, []);
    }

    #[test]
    fn manual_selector_requires_selector() {
        one(
            &run(|j| j["spec"]["manualSelector"] = json!(true)),
            "spec.selector",
            "`selector` is required",
        );
    }

    #[test]
    fn pod_failure_policy_requires_never() {
        let f = run(|j| {
            j["spec"]["podFailurePolicy"] = json!({"rules": []});
            j["spec"]["template"]["spec"]["restartPolicy"] = json!("OnFailure");
        });
        one(
            &f,
            "spec.template.spec.restartPolicy",
            "requires `restartPolicy: Never`",
        );
    }

    #[test]
    fn pod_replacement_policy_with_failure_policy() {
        let f = run(|j| {
            j["spec"]["podFailurePolicy"] = json!({"rules": []});
            j["spec"]["podReplacementPolicy"] = json!("TerminatingOrFailed");
        });
        one(&f, "spec.podReplacementPolicy", "must be `Failed`");
    }

    #[test]
    fn restart_policy_missing_defaults_to_always() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]
                .as_object_mut()
                .map(|m| m.remove("restartPolicy"));
        });
        one(
            &f,
            "spec.template.spec.restartPolicy",
            "defaults to `Always`",
        );
    }

    #[test]
    fn restart_policy_always_rejected() {
        let f = run(|j| j["spec"]["template"]["spec"]["restartPolicy"] = json!("Always"));
        one(
            &f,
            "spec.template.spec.restartPolicy",
            "unsupported value `Always`",
        );
    }

    #[test]
    fn dns_policy_values() {
        one(
            &run(|j| j["spec"]["template"]["spec"]["dnsPolicy"] = json!("clusterfirst")),
            "spec.template.spec.dnsPolicy",
            "unsupported value",
        );
    }

    #[test]
    fn containers_required() {
        one(
            &run(|j| j["spec"]["template"]["spec"]["containers"] = json!([])),
            "spec.template.spec.containers",
            "at least one",
        );
    }

    #[test]
    fn container_name_must_be_dns_label() {
        one(
            &run(|j| c0(j)["name"] = json!("RS")),
            &format!("{C0}.name"),
            "invalid container name",
        );
    }

    #[test]
    fn container_name_required() {
        one(
            &run(|j| c0(j)["name"] = json!("")),
            &format!("{C0}.name"),
            "container `name` is required",
        );
    }

    #[test]
    fn container_names_unique_across_init_containers() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["initContainers"] =
                json!([{"name": "rs-launcher-container", "image": "busybox:1"}]);
        });
        one(&f, &format!("{C0}.name"), "duplicate container name");
    }

    #[test]
    fn image_required() {
        let f = run(|j| {
            c0(j).as_object_mut().map(|m| m.remove("image"));
        });
        one(&f, &format!("{C0}.image"), "`image` is required");
    }

    #[test]
    fn image_whitespace_fails_only_pods() {
        let f = run(|j| c0(j)["image"] = json!("rstudio/r-session-complete:jammy "));
        one(
            &f,
            &format!("{C0}.image"),
            "the Job is accepted but every Pod create fails",
        );
    }

    #[test]
    fn image_pull_policy_values() {
        one(
            &run(|j| c0(j)["imagePullPolicy"] = json!("always")),
            &format!("{C0}.imagePullPolicy"),
            "unsupported value",
        );
    }

    #[test]
    fn container_restart_policy_only_on_init() {
        one(
            &run(|j| c0(j)["restartPolicy"] = json!("Always")),
            &format!("{C0}.restartPolicy"),
            "only be set on init containers",
        );
    }

    #[test]
    fn container_port_range() {
        one(
            &run(|j| c0(j)["ports"][0]["containerPort"] = json!(70000)),
            &format!("{C0}.ports[0].containerPort"),
            "between 1 and 65535",
        );
    }

    #[test]
    fn host_port_range() {
        one(
            &run(|j| c0(j)["ports"][0]["hostPort"] = json!(-1)),
            &format!("{C0}.ports[0].hostPort"),
            "between 1 and 65535",
        );
    }

    #[test]
    fn port_protocol_values() {
        one(
            &run(|j| c0(j)["ports"][0]["protocol"] = json!("tcp")),
            &format!("{C0}.ports[0].protocol"),
            "unsupported value",
        );
    }

    #[test]
    fn port_name_syntax() {
        one(
            &run(|j| c0(j)["ports"][0]["name"] = json!("Session")),
            &format!("{C0}.ports[0].name"),
            "invalid port name",
        );
    }

    #[test]
    fn port_names_unique() {
        let f = run(|j| {
            c0(j)["ports"] =
                json!([{"containerPort": 1, "name": "a"}, {"containerPort": 2, "name": "a"}])
        });
        one(&f, &format!("{C0}.ports[1].name"), "duplicate port name");
    }

    #[test]
    fn host_ports_unique() {
        let f = run(|j| {
            c0(j)["ports"] =
                json!([{"containerPort": 1, "hostPort": 80}, {"containerPort": 2, "hostPort": 80}])
        });
        one(
            &f,
            &format!("{C0}.ports[1].hostPort"),
            "duplicate `hostPort`",
        );
    }

    #[test]
    fn volume_name_must_be_dns_label() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "Home", "emptyDir": {}}])
        });
        one(
            &f,
            "spec.template.spec.volumes[0].name",
            "invalid volume name",
        );
    }

    #[test]
    fn volume_names_unique() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}, {"name": "a"}])
        });
        one(
            &f,
            "spec.template.spec.volumes[1].name",
            "duplicate volume name",
        );
    }

    #[test]
    fn volume_with_two_sources() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] =
                json!([{"name": "a", "emptyDir": {}, "nfs": {"server": "s", "path": "/"}}]);
        });
        one(
            &f,
            "spec.template.spec.volumes[0]",
            "more than 1 volume type",
        );
    }

    #[test]
    fn volume_without_source_is_fine() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}]);
            c0(j)["volumeMounts"] = json!([{"name": "a", "mountPath": "/a"}]);
        });
        assert_eq!(f, []);
    }

    #[test]
    fn volume_mount_names_existing_volume() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "home"}]);
            c0(j)["volumeMounts"] = json!([{"name": "hom", "mountPath": "/home"}]);
        });
        one(&f, &format!("{C0}.volumeMounts[0].name"), "names no volume");
        assert_eq!(f[0].hint.as_deref(), Some("did you mean `home`?"));
    }

    #[test]
    fn mount_paths_unique_per_container() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}, {"name": "b"}]);
            c0(j)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/x"}, {"name": "b", "mountPath": "/x"}]);
        });
        one(
            &f,
            &format!("{C0}.volumeMounts[1].mountPath"),
            "must be unique",
        );
    }

    #[test]
    fn mount_path_required() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}]);
            c0(j)["volumeMounts"] = json!([{"name": "a"}]);
        });
        one(
            &f,
            &format!("{C0}.volumeMounts[0].mountPath"),
            "`mountPath` is required",
        );
    }

    #[test]
    fn sub_path_relative_without_dotdot() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}]);
            c0(j)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/x", "subPath": "a/../../etc"}]);
        });
        one(
            &f,
            &format!("{C0}.volumeMounts[0].subPath"),
            "must not contain `..`",
        );
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}]);
            c0(j)["volumeMounts"] = json!([{"name": "a", "mountPath": "/x", "subPath": "/etc"}]);
        });
        one(
            &f,
            &format!("{C0}.volumeMounts[0].subPath"),
            "relative path",
        );
    }

    #[test]
    fn recursive_read_only_requires_read_only() {
        let f = run(|j| {
            j["spec"]["template"]["spec"]["volumes"] = json!([{"name": "a"}]);
            c0(j)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/x", "recursiveReadOnly": "Enabled"}]);
        });
        one(
            &f,
            &format!("{C0}.volumeMounts[0].recursiveReadOnly"),
            "requires `readOnly: true`",
        );
    }

    #[test]
    fn request_must_not_exceed_limit() {
        let f = run(|j| {
            c0(j)["resources"] =
                json!({"limits": {"memory": "1Gi"}, "requests": {"memory": "1025Mi"}})
        });
        one(
            &f,
            &format!("{C0}.resources.requests.memory"),
            "must be less than or equal to its limit",
        );
        // Equal values in different units are fine.
        let f = run(|j| {
            c0(j)["resources"] = json!({"limits": {"cpu": "0.5"}, "requests": {"cpu": "500m"}})
        });
        assert_eq!(f, []);
    }

    #[test]
    fn extended_resources_cannot_be_overcommitted() {
        let f = run(|j| {
            c0(j)["resources"] =
                json!({"limits": {"nvidia.com/gpu": "2"}, "requests": {"nvidia.com/gpu": "1"}})
        });
        one(
            &f,
            &format!("{C0}.resources.requests[\"nvidia.com/gpu\"]"),
            "must be equal to its limit",
        );
        let f = run(|j| c0(j)["resources"] = json!({"requests": {"nvidia.com/gpu": "1"}}));
        one(
            &f,
            &format!("{C0}.resources.limits[\"nvidia.com/gpu\"]"),
            "a limit must be set",
        );
        let f = run(|j| c0(j)["resources"] = json!({"limits": {"nvidia.com/gpu": "1"}}));
        assert_eq!(f, []);
    }

    #[test]
    fn quantities_must_parse() {
        let f = run(|j| c0(j)["resources"]["limits"]["memory"] = json!("4GB"));
        one(
            &f,
            &format!("{C0}.resources.limits.memory"),
            "is not a quantity",
        );
    }

    #[test]
    fn quantities_must_not_be_negative() {
        let f = run(|j| c0(j)["resources"]["limits"]["cpu"] = json!("-1"));
        one(
            &f,
            &format!("{C0}.resources.limits.cpu"),
            "greater than or equal to 0",
        );
    }

    #[test]
    fn resource_names_standard_or_qualified() {
        let f = run(|j| c0(j)["resources"]["limits"]["memroy"] = json!("1Gi"));
        one(
            &f,
            &format!("{C0}.resources.limits.memroy"),
            "invalid resource name",
        );
        assert_eq!(f[0].hint.as_deref(), Some("did you mean `memory`?"));
    }

    #[test]
    fn env_names_printable_without_equals() {
        let f = run(|j| c0(j)["env"] = json!([{"name": "A=B", "value": "x"}]));
        one(
            &f,
            &format!("{C0}.env[0].name"),
            "invalid environment variable name",
        );
    }

    /// Issue 17 item 7: before 1.32 a name must be a C identifier (plus `-` and `.`).
    #[test]
    fn env_names_follow_each_versions_rule() {
        let mut job = clean();
        c0(&mut job)["env"] = json!([{"name": "1ABC", "value": "x"}, {"name": "my.env-name"}]);
        let job: Job = decode::<Job>(&job).value.expect("decodes");
        let strict = super::super::Options {
            relaxed_env_var_names: false,
        };
        let found = check(&job, &[], strict);
        one(
            &found,
            &format!("{C0}.env[0].name"),
            "must not start with a digit",
        );
        assert!(check(&job, &[], super::super::Options::default()).is_empty());
        assert!(strict_env_var_name("_A.b-1") && !strict_env_var_name("A B"));
    }

    #[test]
    fn duplicate_env_warns() {
        let f = run(|j| c0(j)["env"] = json!([{"name": "A"}, {"name": "A"}]));
        one(&f, &format!("{C0}.env[1].name"), "more than once");
        assert_eq!(f[0].severity, Severity::Warning);
    }
}
