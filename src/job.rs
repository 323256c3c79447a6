//! The Job the launcher builds for a session before overrides apply, from the session request
//! and the user's resolved profile values: a table of small rules decides each part, and one
//! function writes the parts in the order of Posit's default `job.tpl`.
//!
//! jjo models that template (version 2.4.0, rstudio/helm `examples/launcher-templates/`)
//! natively, with one documented difference (README, "The launcher's rules, in brief"):
//! `volumes: []` and `containers[0].volumeMounts: []` are always present, because Posit's own
//! chart (`charts/rstudio-workbench`) appends to them with `-` on every session.

use serde_json::{Map, Value, json};

use crate::diag::{Warning, did_you_mean};
use crate::location::Span;
use crate::profiles::{Resolved, Setting};
use crate::session::{Mount, Port, RunAs, Session};

/// The image a session gets when neither the request nor the profile names one.
pub const DEFAULT_IMAGE: &str = "rstudio/r-session-complete:jammy-2024.12.0";
/// The container name the launcher always uses.
pub const CONTAINER_NAME: &str = "rs-launcher-container";

/// A session the launcher would refuse to start with this profile: the rule that refused and
/// the profile setting it refused by, when one is written somewhere.
#[derive(Debug, thiserror::Error)]
pub struct Error {
    /// The id of the rule in [`build`]'s table that refused (`resources`, `image`, ...).
    pub rule: &'static str,
    /// Where the setting that refuses is written; `None` when no setting is (a placement
    /// constraint asked of a profile with no `placement-constraints`).
    pub span: Option<Span>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// Where the refusing setting is written, if anywhere.
    pub fn span(&self) -> Option<&Span> {
        self.span.as_ref()
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        self.kind.hint()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span {
            Some(span) => write!(f, "{span}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// A refusal as a rule returns it; [`build`] adds the rule's id.
struct Refusal {
    span: Option<Span>,
    kind: ErrorKind,
}

impl Refusal {
    /// A refusal by the setting written at `span`.
    fn at(span: &Span, kind: ErrorKind) -> Refusal {
        Refusal {
            span: Some(span.clone()),
            kind,
        }
    }
}

/// Why the launcher would refuse the session; [`Error`] adds the rule and the place.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A numeric profile value that is not a number.
    #[error("`{key}` must be a number, found `{value}`")]
    NotANumber {
        /// The profile key.
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// A request above the profile's maximum.
    #[error("session asks for {what} {asked}, above `{key}={max}`")]
    AboveMax {
        /// What was asked for (`cpus`, `memory-mb`, ...).
        what: &'static str,
        /// The amount asked for.
        asked: f64,
        /// The profile key of the maximum.
        key: &'static str,
        /// The maximum.
        max: f64,
    },
    /// An image not offered by `container-images`.
    #[error("image `{image}` is not in `container-images` and `allow-unknown-images` is not 1")]
    UnknownImage {
        /// The image asked for.
        image: String,
        /// The closest listed image.
        suggestion: Option<String>,
    },
    /// A placement constraint the profile does not offer.
    #[error("placement constraint `{constraint}` is not offered by `placement-constraints`")]
    UnknownPlacement {
        /// The constraint asked for.
        constraint: String,
        /// What is offered.
        offered: Vec<String>,
    },
}

impl ErrorKind {
    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::AboveMax { what, max, .. } => Some(format!(
                "ask for at most {max} {what}, or raise the maximum"
            )),
            ErrorKind::UnknownImage {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            ErrorKind::UnknownImage { .. } => {
                Some("add it to `container-images`, or set `allow-unknown-images=1`".into())
            }
            ErrorKind::UnknownPlacement { offered, .. } if offered.is_empty() => {
                Some("the profile offers no `placement-constraints`".into())
            }
            ErrorKind::UnknownPlacement { offered, .. } => {
                Some(format!("offered: {}", offered.join(", ")))
            }
            ErrorKind::NotANumber { .. } => None,
        }
    }
}

/// What a rule reads: the launch request, the user's resolved profile and the user's name.
struct Input<'a> {
    session: &'a Session,
    profile: &'a Resolved,
    user: &'a str,
}

/// The values the rules decide, which [`assemble`] writes into the Job in `job.tpl`'s order.
#[derive(Default)]
struct Parts {
    generate_name: String,
    job_labels: Map<String, Value>,
    pod_labels: Map<String, Value>,
    annotations: Map<String, Value>,
    image: String,
    command: Value,
    args: Option<Value>,
    env: Option<Value>,
    ports: Option<Value>,
    resources: Option<Value>,
    volumes: Vec<Value>,
    volume_mounts: Vec<Value>,
    node_selector: Map<String, Value>,
    security_context: Option<Value>,
}

/// One rule of the Job: an id (for messages and tests) and the function that decides its part.
struct Rule {
    id: &'static str,
    apply: fn(&Input<'_>, &mut Parts) -> Result<(), Refusal>,
}

/// Every rule, each one small and independent, as the upstream Pod Security admission checks
/// are laid out (kubernetes/pod-security-admission `policy/check_*.go`, one check per file).
const RULES: &[Rule] = &[
    Rule {
        id: "generate-name",
        apply: rule_generate_name,
    },
    Rule {
        id: "labels",
        apply: rule_labels,
    },
    Rule {
        id: "annotations",
        apply: rule_annotations,
    },
    Rule {
        id: "image",
        apply: rule_image,
    },
    Rule {
        id: "command",
        apply: rule_command,
    },
    Rule {
        id: "env",
        apply: rule_env,
    },
    Rule {
        id: "ports",
        apply: rule_ports,
    },
    Rule {
        id: "resources",
        apply: rule_resources,
    },
    Rule {
        id: "placement",
        apply: rule_placement,
    },
    Rule {
        id: "mounts",
        apply: rule_mounts,
    },
    Rule {
        id: "run-as",
        apply: rule_run_as,
    },
];

/// Builds the launcher's Job for `user` launching `session` with the resolved `profile`.
pub fn build(session: &Session, profile: &Resolved, user: &str) -> Result<Value, Error> {
    let input = Input {
        session,
        profile,
        user,
    };
    let mut parts = Parts::default();
    for rule in RULES {
        (rule.apply)(&input, &mut parts).map_err(|r| Error {
            rule: rule.id,
            span: r.span,
            kind: r.kind,
        })?;
    }
    Ok(assemble(session, parts))
}

/// `metadata.generateName` and the template's, from the session name.
fn rule_generate_name(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.generate_name = generate_name(&input.session.name);
    Ok(())
}

/// `app.kubernetes.io/managed-by: launcher` on the Job; `launcher-instance-id` on both.
fn rule_labels(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts
        .job_labels
        .insert("app.kubernetes.io/managed-by".into(), json!("launcher"));
    if let Some(id) = &input.session.instance_id {
        parts
            .job_labels
            .insert("launcher-instance-id".into(), json!(id));
        parts
            .pod_labels
            .insert("launcher-instance-id".into(), json!(id));
    }
    Ok(())
}

/// The template annotations: `USER_TAG_<i>`, `stdin`, `user`, `name`, `service_ports`.
fn rule_annotations(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    let session = input.session;
    let annotations = &mut parts.annotations;
    for (i, tag) in session.tags.iter().enumerate() {
        annotations.insert(format!("USER_TAG_{i}"), json!(tag));
    }
    // job.tpl 2.4.0 (rstudio/helm examples/launcher-templates/default/2.4.0/job.tpl):
    // `stdin: {{ toYaml .Job.stdin ... }}`, the text itself (`""` when empty), and the
    // container's `stdin: true` exactly when that text is not empty (`{{- if .Job.stdin }}`).
    annotations.insert("stdin".into(), json!(session.stdin));
    annotations.insert("user".into(), json!(input.user));
    annotations.insert("name".into(), json!(session.name));
    annotations.insert("service_ports".into(), json!(service_ports(&session.ports)));
    Ok(())
}

/// The image asked for, else `default-container-image`, checked against `container-images`.
fn rule_image(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.image = image(input.session, input.profile)?;
    Ok(())
}

/// `command: [exe]` with `args`, or `/bin/sh -c "<command> <args>"` for a shell command.
fn rule_command(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    let session = input.session;
    if let Some(command) = &session.command {
        let mut line = command.clone();
        if !session.args.is_empty() {
            line.push(' ');
            line.push_str(&session.args.join(" "));
        }
        parts.command = json!(["/bin/sh"]);
        parts.args = Some(json!(["-c", line]));
    } else {
        parts.command = json!([session.exe.clone().unwrap_or_default()]);
        if !session.args.is_empty() {
            parts.args = Some(json!(session.args));
        }
    }
    Ok(())
}

/// The environment, in the order asked for; absent when empty.
fn rule_env(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    if !input.session.env.is_empty() {
        let env: Vec<Value> = input
            .session
            .env
            .iter()
            .map(|e| json!({"name": e.name, "value": e.value}))
            .collect();
        parts.env = Some(Value::Array(env));
    }
    Ok(())
}

/// `ports` with `hostPort` for published ports only; absent when none is published.
fn rule_ports(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    let published: Vec<Value> = input
        .session
        .ports
        .iter()
        .filter_map(|p| {
            p.published
                .map(|h| json!({"containerPort": p.target, "hostPort": h}))
        })
        .collect();
    if !published.is_empty() {
        parts.ports = Some(Value::Array(published));
    }
    Ok(())
}

/// Limits and requests from the request and the profile's defaults, maxima and ratios.
fn rule_resources(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.resources = resources(input.session, input.profile)?;
    Ok(())
}

/// `nodeSelector` from the placement constraints asked for, each offered by the profile.
fn rule_placement(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.node_selector = placement(input.session, input.profile)?;
    Ok(())
}

/// Launcher mounts: a volume and a volume mount each.
fn rule_mounts(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.volumes = input
        .session
        .mounts
        .iter()
        .map(|m| m.volume.clone())
        .collect();
    parts.volume_mounts = input.session.mounts.iter().map(volume_mount).collect();
    Ok(())
}

/// The pod `securityContext` from the user's uid, gid and supplemental groups.
fn rule_run_as(input: &Input<'_>, parts: &mut Parts) -> Result<(), Refusal> {
    parts.security_context = run_as(input.session.run_as.as_ref());
    Ok(())
}

/// Writes the parts into a Job in the order Posit's `job.tpl` 2.4.0 writes its keys
/// (rstudio/helm `examples/launcher-templates/`), so that rendered Jobs read like the real one.
fn assemble(session: &Session, parts: Parts) -> Value {
    let mut container = Map::new();
    container.insert("name".into(), json!(CONTAINER_NAME));
    container.insert("image".into(), json!(parts.image));
    container.insert("command".into(), parts.command);
    container.insert("stdin".into(), json!(!session.stdin.is_empty()));
    container.insert("stdinOnce".into(), json!(true));
    if let Some(dir) = &session.working_dir {
        container.insert("workingDir".into(), json!(dir));
    }
    if let Some(args) = parts.args {
        container.insert("args".into(), args);
    }
    if let Some(env) = parts.env {
        container.insert("env".into(), env);
    }
    if let Some(ports) = parts.ports {
        container.insert("ports".into(), ports);
    }
    if let Some(resources) = parts.resources {
        container.insert("resources".into(), resources);
    }
    container.insert("volumeMounts".into(), Value::Array(parts.volume_mounts));

    let mut spec = Map::new();
    spec.insert("restartPolicy".into(), json!("Never"));
    spec.insert("shareProcessNamespace".into(), json!(false));
    spec.insert("volumes".into(), Value::Array(parts.volumes));
    if !parts.node_selector.is_empty() {
        spec.insert("nodeSelector".into(), Value::Object(parts.node_selector));
    }
    if let Some(security) = parts.security_context {
        spec.insert("securityContext".into(), security);
    }
    if let Some(sa) = &session.service_account {
        spec.insert("serviceAccountName".into(), json!(sa));
    }
    spec.insert("initContainers".into(), Value::Null);
    spec.insert("containers".into(), json!([Value::Object(container)]));

    let mut template_metadata = Map::new();
    template_metadata.insert("annotations".into(), Value::Object(parts.annotations));
    if !parts.pod_labels.is_empty() {
        template_metadata.insert("labels".into(), Value::Object(parts.pod_labels));
    }
    template_metadata.insert("generateName".into(), json!(parts.generate_name));

    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "labels": parts.job_labels,
            "generateName": parts.generate_name,
        },
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": template_metadata,
                "spec": spec,
            }
        }
    })
}

/// The launcher names Jobs after the session, lower-cased to a DNS-1123 prefix.
fn generate_name(session: &str) -> String {
    let mut out = String::new();
    for c in session.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(50).collect();
    if out.is_empty() {
        out.push_str("session");
    }
    out.push('-');
    out
}

/// The `service_ports` annotation: the exposed ports as JSON text.
fn service_ports(ports: &[Port]) -> String {
    let list: Vec<Value> = ports
        .iter()
        .map(|p| json!({"targetPort": p.target, "publishedPort": p.published, "protocol": "TCP"}))
        .collect();
    Value::Array(list).to_string()
}

fn volume_mount(mount: &Mount) -> Value {
    let mut m = Map::new();
    m.insert(
        "name".into(),
        mount.volume.get("name").cloned().unwrap_or(Value::Null),
    );
    m.insert("mountPath".into(), json!(mount.path));
    if mount.read_only {
        m.insert("readOnly".into(), json!(true));
    }
    if let Some(sub) = &mount.sub_path {
        m.insert("subPath".into(), json!(sub));
    }
    Value::Object(m)
}

/// The pod `securityContext` as template 2.4.0 writes it (rstudio/helm
/// `examples/launcher-templates/default/2.4.0/job.tpl`): each field under Go's `if`, which
/// treats `0` and an empty list as false, so `runAsUser: 0` and `runAsGroup: 0` are never
/// written (the container then runs as the image's user), while `supplementalGroups: [0]` is.
/// [`template_drops`] says so to the admin.
fn run_as(run_as: Option<&RunAs>) -> Option<Value> {
    let run_as = run_as?;
    let mut ctx = Map::new();
    for (key, id) in [("runAsUser", run_as.uid), ("runAsGroup", run_as.gid)] {
        if let Some(id) = id.filter(|id| *id != 0) {
            ctx.insert(key.into(), json!(id));
        }
    }
    if !run_as.supplemental_groups.is_empty() {
        ctx.insert(
            "supplementalGroups".into(),
            json!(run_as.supplemental_groups),
        );
    }
    (!ctx.is_empty()).then_some(Value::Object(ctx))
}

/// Warnings for what the session asks that the launcher's template silently leaves out of the
/// Job: a `run-as` uid or gid of 0 (see [`run_as`]).
pub fn template_drops(session: &Session) -> Vec<Warning> {
    let Some(run_as) = &session.run_as else {
        return Vec::new();
    };
    [
        ("uid", "runAsUser", run_as.uid),
        ("gid", "runAsGroup", run_as.gid),
    ]
    .into_iter()
    .filter(|(_, _, id)| *id == Some(0))
    .map(|(field, key, _)| {
        Warning::new(
            "run-as-zero",
            format!(
                "session `run-as.{field}: 0` is not written: the launcher's template sets `{key}` \
                 under Go's `if`, which treats 0 as false, so the container runs as the image's \
                 user"
            ),
        )
        .pointer(format!("/spec/template/spec/securityContext/{key}"))
        .hint(format!(
            "to run as root, set `{key}` to 0 with a job-json-override on \
                 `/spec/template/spec/securityContext/{key}`"
        ))
    })
    .collect()
}

fn image(session: &Session, profile: &Resolved) -> Result<String, Refusal> {
    let image = session
        .image
        .clone()
        .or_else(|| {
            profile
                .get("default-container-image")
                .map(|s| s.value.clone())
        })
        .unwrap_or_else(|| DEFAULT_IMAGE.to_string());
    let allow_unknown = profile
        .get("allow-unknown-images")
        .is_some_and(|s| truthy(&s.value));
    if let Some(listed) = profile.get("container-images")
        && !allow_unknown
    {
        let images: Vec<&str> = listed
            .value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if !images.contains(&image.as_str()) {
            return Err(Refusal::at(
                &listed.span,
                ErrorKind::UnknownImage {
                    suggestion: did_you_mean(&image, images.iter().copied()).map(str::to_string),
                    image,
                },
            ));
        }
    }
    Ok(image)
}

/// A bool as the SDK reads it: `boost::lexical_cast<bool>` takes `1` and `0` only
/// (`sdk/include/SafeConvert.hpp`); the profiles lexer has refused anything else already.
fn truthy(value: &str) -> bool {
    value.trim() == "1"
}

fn number<'a>(
    profile: &'a Resolved,
    key: &'static str,
) -> Result<Option<(f64, &'a Setting)>, Refusal> {
    let Some(setting) = profile.get(key) else {
        return Ok(None);
    };
    match setting.value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some((n, setting))),
        _ => Err(Refusal::at(
            &setting.span,
            ErrorKind::NotANumber {
                key,
                value: setting.value.clone(),
            },
        )),
    }
}

/// A session amount: the request's own value, else the profile default; checked against the max.
///
/// [DECISION] `0` as a default or a maximum means none: no limit is sent and any amount is
/// allowed (README, "The launcher's rules"). It is the reading of `0` as "left to Kubernetes";
/// the table of defaults on docs.posit.co/job-launcher/latest/kube.html could not be read from
/// here to confirm it, and a maximum of 0 that refused every amount would make no sense.
fn amount(
    profile: &Resolved,
    asked: Option<f64>,
    what: &'static str,
    default_key: &'static str,
    max_key: &'static str,
) -> Result<Option<f64>, Refusal> {
    let value = match asked {
        Some(v) => Some(v),
        None => number(profile, default_key)?
            .map(|(n, _)| n)
            .filter(|n| *n != 0.0),
    };
    let max = number(profile, max_key)?.filter(|(n, _)| *n != 0.0);
    if let (Some(v), Some((max, setting))) = (value, max)
        && v > max
    {
        return Err(Refusal::at(
            &setting.span,
            ErrorKind::AboveMax {
                what,
                asked: v,
                key: max_key,
                max,
            },
        ));
    }
    Ok(value)
}

fn request(
    profile: &Resolved,
    asked: Option<f64>,
    limit: Option<f64>,
    spec: (&'static str, &'static str, &'static str, &'static str),
) -> Result<Option<f64>, Refusal> {
    let (what, default_key, max_key, ratio_key) = spec;
    let mut value = amount(profile, asked, what, default_key, max_key)?;
    if value.is_none()
        && let (Some(limit), Some((ratio, _))) = (limit, number(profile, ratio_key)?)
    {
        value = Some(limit * ratio);
    }
    Ok(value)
}

fn resources(session: &Session, profile: &Resolved) -> Result<Option<Value>, Refusal> {
    let cpus = amount(profile, session.cpus, "cpus", "default-cpus", "max-cpus")?;
    let mem = amount(
        profile,
        session.memory_mb,
        "memory-mb",
        "default-mem-mb",
        "max-mem-mb",
    )?;
    let cpus_req = request(
        profile,
        session.cpus_request,
        cpus,
        (
            "cpus-request",
            "default-cpus-request",
            "max-cpus-request",
            "cpu-request-ratio",
        ),
    )?;
    let mem_req = request(
        profile,
        session.memory_mb_request,
        mem,
        (
            "memory-mb-request",
            "default-mem-mb-request",
            "max-mem-mb-request",
            "memory-request-ratio",
        ),
    )?;
    let nvidia = amount(
        profile,
        session.nvidia_gpus,
        "nvidia-gpus",
        "default-nvidia-gpus",
        "max-nvidia-gpus",
    )?;
    let amd = amount(
        profile,
        session.amd_gpus,
        "amd-gpus",
        "default-amd-gpus",
        "max-amd-gpus",
    )?;

    let mut limits = Map::new();
    let mut requests = Map::new();
    if let Some(c) = cpus {
        limits.insert("cpu".into(), json!(decimal(c)));
    }
    if let Some(m) = mem {
        limits.insert("memory".into(), json!(format!("{}M", decimal(m))));
    }
    if let Some(n) = nvidia.filter(|n| *n != 0.0) {
        limits.insert("nvidia.com/gpu".into(), number_value(n));
    }
    if let Some(n) = amd.filter(|n| *n != 0.0) {
        limits.insert("amd.com/gpu".into(), number_value(n));
    }
    if let Some(c) = cpus_req {
        requests.insert("cpu".into(), json!(decimal(c)));
    }
    if let Some(m) = mem_req {
        requests.insert("memory".into(), json!(format!("{}M", decimal(m))));
    }
    if limits.is_empty() && requests.is_empty() {
        return Ok(None);
    }
    let mut resources = Map::new();
    if !requests.is_empty() {
        resources.insert("requests".into(), Value::Object(requests));
    }
    if !limits.is_empty() {
        resources.insert("limits".into(), Value::Object(limits));
    }
    Ok(Some(Value::Object(resources)))
}

/// Prints `2` rather than `2.0`, and keeps fractions (`0.5`) as the launcher sends them.
fn decimal(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

fn placement(session: &Session, profile: &Resolved) -> Result<Map<String, Value>, Refusal> {
    let mut selector = Map::new();
    if session.placement.is_empty() {
        return Ok(selector);
    }
    let setting = profile.get("placement-constraints");
    let offered: Vec<String> = setting
        .map(|s| {
            s.value
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for constraint in &session.placement {
        if !offered.iter().any(|o| o == constraint) {
            return Err(Refusal {
                span: setting.map(|s| s.span.clone()),
                kind: ErrorKind::UnknownPlacement {
                    constraint: constraint.clone(),
                    offered,
                },
            });
        }
        let (name, value) = constraint
            .split_once(':')
            .unwrap_or((constraint.as_str(), ""));
        selector.insert(name.trim().to_string(), json!(value.trim()));
    }
    Ok(selector)
}

/// The fields the API server sets on a stored Job, which `kubectl get job -o yaml` prints
/// and the launcher never sends: `metadata.uid`, `resourceVersion`, `creationTimestamp`,
/// `generation`, `managedFields`, `selfLink`, `deletionTimestamp`,
/// `deletionGracePeriodSeconds`, the generated `name` (when `generateName` is set), the
/// `batch.kubernetes.io/job-tracking` annotation, `status`, and, unless
/// `spec.manualSelector` is true, the generated `spec.selector` and the four controller
/// labels on the template and the Job (kubernetes `pkg/registry/batch/job/strategy.go`,
/// `generateSelector`; a real server refuses a Job that brings them: "`selector` not
/// auto-generated"). Also the template's `creationTimestamp: null`. Returns the dotted
/// paths it removed, so the caller can say so.
pub fn strip_server_set(job: &mut Value) -> Vec<String> {
    const METADATA: &[&str] = &[
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "managedFields",
        "selfLink",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ];
    const CONTROLLER_LABELS: &[&str] = &[
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name",
        "controller-uid",
        "job-name",
    ];
    let mut removed = Vec::new();
    let Some(root) = job.as_object_mut() else {
        return removed;
    };
    if root.remove("status").is_some() {
        removed.push("status".to_string());
    }
    let manual = root
        .get("spec")
        .and_then(|s| s.get("manualSelector"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(metadata) = root.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in METADATA {
            if metadata.remove(*key).is_some() {
                removed.push(format!("metadata.{key}"));
            }
        }
        let generated = metadata
            .get("generateName")
            .and_then(Value::as_str)
            .zip(metadata.get("name").and_then(Value::as_str))
            .is_some_and(|(prefix, name)| name.starts_with(prefix) && name.len() > prefix.len());
        if generated {
            metadata.remove("name");
            removed.push("metadata.name".into());
        }
        if let Some(annotations) = metadata
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
            && annotations
                .remove("batch.kubernetes.io/job-tracking")
                .is_some()
        {
            removed.push(crate::compare::push_key(
                "metadata.annotations",
                "batch.kubernetes.io/job-tracking",
            ));
        }
        if !manual {
            strip_labels(metadata, CONTROLLER_LABELS, "metadata.labels", &mut removed);
        }
    }
    if let Some(spec) = root.get_mut("spec").and_then(Value::as_object_mut) {
        if !manual && spec.remove("selector").is_some() {
            removed.push("spec.selector".into());
        }
        if let Some(metadata) = spec
            .get_mut("template")
            .and_then(|t| t.get_mut("metadata"))
            .and_then(Value::as_object_mut)
        {
            if metadata.get("creationTimestamp") == Some(&Value::Null) {
                metadata.remove("creationTimestamp");
                removed.push("spec.template.metadata.creationTimestamp".into());
            }
            if !manual {
                strip_labels(
                    metadata,
                    CONTROLLER_LABELS,
                    "spec.template.metadata.labels",
                    &mut removed,
                );
            }
        }
    }
    removed
}

fn strip_labels(
    metadata: &mut Map<String, Value>,
    keys: &[&str],
    at: &str,
    removed: &mut Vec<String>,
) {
    let Some(labels) = metadata.get_mut("labels").and_then(Value::as_object_mut) else {
        return;
    };
    for key in keys {
        if labels.remove(*key).is_some() {
            removed.push(crate::compare::push_key(at, key));
        }
    }
    if labels.is_empty() {
        metadata.remove("labels");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_captured_job_loses_what_the_server_set() {
        let mut job = json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "rstudio-abcde", "generateName": "rstudio-", "uid": "u1",
                "resourceVersion": "9", "creationTimestamp": "2026-01-01T00:00:00Z", "generation": 1,
                "managedFields": [{"manager": "launcher"}],
                "labels": {"app.kubernetes.io/managed-by": "launcher", "job-name": "rstudio-abcde"}},
            "spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
                "template": {"metadata": {"creationTimestamp": null, "labels": {
                    "batch.kubernetes.io/controller-uid": "u1", "batch.kubernetes.io/job-name": "rstudio-abcde",
                    "controller-uid": "u1", "job-name": "rstudio-abcde", "launcher-instance-id": "i"}},
                    "spec": {"restartPolicy": "Never"}}},
            "status": {"active": 1}
        });
        let removed = super::strip_server_set(&mut job);
        assert_eq!(
            job,
            json!({
                "apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"generateName": "rstudio-",
                    "labels": {"app.kubernetes.io/managed-by": "launcher"}},
                "spec": {"template": {"metadata": {"labels": {"launcher-instance-id": "i"}},
                    "spec": {"restartPolicy": "Never"}}}
            })
        );
        assert!(
            removed.contains(&"spec.selector".to_string()),
            "{removed:?}"
        );
        // Label keys are spelt as every path of the crate spells them (`compare::path`).
        assert!(
            removed.contains(
                &r#"spec.template.metadata.labels["batch.kubernetes.io/controller-uid"]"#
                    .to_string()
            ),
            "{removed:?}"
        );
        assert!(
            removed.contains(&"metadata.labels.job-name".to_string()),
            "{removed:?}"
        );
        // A Job the launcher builds has none of it.
        let mut clean = job.clone();
        assert!(super::strip_server_set(&mut clean).is_empty());
        assert_eq!(clean, job);
    }

    #[test]
    fn a_manual_selector_is_kept() {
        let mut job = json!({"spec": {"manualSelector": true,
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b", "job-name": "x"}}}}});
        let before = job.clone();
        assert!(super::strip_server_set(&mut job).is_empty());
        assert_eq!(job, before);
    }

    use super::*;
    use std::collections::BTreeMap;

    use crate::session::EnvVar;

    fn profile(pairs: &[(&str, &str)]) -> Resolved {
        let values: BTreeMap<String, Setting> = pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Setting {
                        value: v.to_string(),
                        section: "*".into(),
                        span: Span::line("p.conf", 2),
                    },
                )
            })
            .collect();
        Resolved {
            values,
            warnings: Vec::new(),
        }
    }

    fn build_ok(session: &Session, pairs: &[(&str, &str)]) -> Value {
        build(session, &profile(pairs), "alice").expect("builds")
    }

    #[test]
    fn default_job_has_launcher_shape() {
        let job = build_ok(&Session::default(), &[]);
        assert_eq!(job["apiVersion"], "batch/v1");
        assert_eq!(job["metadata"]["generateName"], "rstudio-session-");
        assert_eq!(
            job["metadata"]["labels"]["app.kubernetes.io/managed-by"],
            "launcher"
        );
        assert_eq!(job["spec"]["backoffLimit"], 0);
        let spec = &job["spec"]["template"]["spec"];
        assert_eq!(spec["restartPolicy"], "Never");
        assert_eq!(spec["volumes"], json!([]));
        assert_eq!(spec["initContainers"], Value::Null);
        let c = &spec["containers"][0];
        assert_eq!(c["name"], CONTAINER_NAME);
        assert_eq!(c["image"], DEFAULT_IMAGE);
        assert_eq!(c["volumeMounts"], json!([]));
        assert_eq!(c["stdinOnce"], true);
        assert!(c.get("resources").is_none());
        assert_eq!(
            job["spec"]["template"]["metadata"]["annotations"]["user"],
            "alice"
        );
    }

    /// job.tpl 2.4.0 (rstudio/helm `examples/launcher-templates/default/2.4.0/job.tpl`)
    /// writes the annotation as `toYaml .Job.stdin` (the text; `""` when there is none) and
    /// the container's `stdin` as `{{- if .Job.stdin }}`: true exactly for a non-empty text.
    #[test]
    fn stdin_annotation_is_the_text_and_the_container_reads_it_when_not_empty() {
        let stdin = |job: &Value| {
            let template = &job["spec"]["template"];
            (
                template["metadata"]["annotations"]["stdin"].clone(),
                template["spec"]["containers"][0]["stdin"].clone(),
            )
        };
        let none = build_ok(&Session::default(), &[]);
        assert_eq!(stdin(&none), (json!(""), json!(false)));
        let session = Session {
            stdin: "{\"launch\": 1}\n".into(),
            ..Session::default()
        };
        let some = build_ok(&session, &[]);
        assert_eq!(stdin(&some), (json!("{\"launch\": 1}\n"), json!(true)));
    }

    #[test]
    fn profile_defaults_feed_image_and_resources() {
        let job = build_ok(
            &Session::default(),
            &[
                ("default-container-image", "img:1"),
                ("default-cpus", "2"),
                ("default-mem-mb", "4096"),
            ],
        );
        let c = &job["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["image"], "img:1");
        assert_eq!(
            c["resources"],
            json!({"limits": {"cpu": "2", "memory": "4096M"}})
        );
    }

    #[test]
    fn request_ratio_applies_when_no_request_is_set() {
        let job = build_ok(
            &Session {
                cpus: Some(2.0),
                memory_mb: Some(1000.0),
                ..Session::default()
            },
            &[
                ("cpu-request-ratio", "0.5"),
                ("memory-request-ratio", "0.25"),
            ],
        );
        let r = &job["spec"]["template"]["spec"]["containers"][0]["resources"];
        assert_eq!(r["requests"], json!({"cpu": "1", "memory": "250M"}));
    }

    #[test]
    fn above_max_is_refused() {
        let err = build(
            &Session {
                cpus: Some(8.0),
                ..Session::default()
            },
            &profile(&[("max-cpus", "4")]),
            "a",
        )
        .unwrap_err();
        assert!(
            matches!(
                err.kind,
                ErrorKind::AboveMax {
                    key: "max-cpus",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("p.conf:2: session asks for cpus 8"),
            "{err}"
        );
        assert_eq!(err.rule, "resources");
    }

    #[test]
    fn rule_ids_are_unique_and_each_refusal_names_its_rule() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        let image = Session {
            image: Some("img:2".into()),
            ..Session::default()
        };
        let err = build(&image, &profile(&[("container-images", "img:1")]), "a").unwrap_err();
        assert_eq!(err.rule, "image");
        let placed = Session {
            placement: vec!["zone:c".into()],
            ..Session::default()
        };
        let err = build(&placed, &profile(&[]), "a").unwrap_err();
        assert_eq!(err.rule, "placement");
    }

    #[test]
    fn keys_come_in_job_tpl_order() {
        let session = Session {
            working_dir: Some("/w".into()),
            args: vec!["a".into()],
            env: vec![EnvVar {
                name: "A".into(),
                value: "b".into(),
            }],
            run_as: Some(RunAs {
                uid: Some(1),
                gid: None,
                supplemental_groups: vec![],
            }),
            service_account: Some("sa".into()),
            placement: vec!["zone:a".into()],
            ..Session::default()
        };
        let job = build_ok(
            &session,
            &[("placement-constraints", "zone:a"), ("default-cpus", "1")],
        );
        let keys = |v: &Value| -> Vec<String> {
            v.as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let spec = &job["spec"]["template"]["spec"];
        assert_eq!(
            keys(spec),
            [
                "restartPolicy",
                "shareProcessNamespace",
                "volumes",
                "nodeSelector",
                "securityContext",
                "serviceAccountName",
                "initContainers",
                "containers"
            ]
        );
        assert_eq!(
            keys(&spec["containers"][0]),
            [
                "name",
                "image",
                "command",
                "stdin",
                "stdinOnce",
                "workingDir",
                "args",
                "env",
                "resources",
                "volumeMounts"
            ]
        );
        assert_eq!(
            keys(&job["spec"]["template"]["metadata"]),
            ["annotations", "labels", "generateName"]
        );
    }

    #[test]
    fn unlisted_image_is_refused_unless_allowed() {
        let session = Session {
            image: Some("img:2".into()),
            ..Session::default()
        };
        let err = build(
            &session,
            &profile(&[("container-images", "img:1,img:3")]),
            "a",
        )
        .unwrap_err();
        assert!(matches!(err.kind, ErrorKind::UnknownImage { .. }));
        assert_eq!(err.hint().as_deref(), Some("did you mean `img:1`?"));
        let ok = build_ok(
            &session,
            &[("container-images", "img:1"), ("allow-unknown-images", "1")],
        );
        assert_eq!(
            ok["spec"]["template"]["spec"]["containers"][0]["image"],
            "img:2"
        );
    }

    #[test]
    fn non_numeric_profile_value_is_an_error() {
        let err = build(
            &Session::default(),
            &profile(&[("default-cpus", "two")]),
            "a",
        )
        .unwrap_err();
        assert!(matches!(
            err.kind,
            ErrorKind::NotANumber {
                key: "default-cpus",
                ..
            }
        ));
    }

    #[test]
    fn shell_command_becomes_sh_c() {
        let job = build_ok(
            &Session {
                command: Some("echo".into()),
                args: vec!["hi".into()],
                ..Session::default()
            },
            &[],
        );
        let c = &job["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["command"], json!(["/bin/sh"]));
        assert_eq!(c["args"], json!(["-c", "echo hi"]));
    }

    #[test]
    fn placement_must_be_offered() {
        let offered = [("placement-constraints", "zone:a,zone:b")];
        let job = build_ok(
            &Session {
                placement: vec!["zone:b".into()],
                ..Session::default()
            },
            &offered,
        );
        assert_eq!(
            job["spec"]["template"]["spec"]["nodeSelector"],
            json!({"zone": "b"})
        );
        let err = build(
            &Session {
                placement: vec!["zone:c".into()],
                ..Session::default()
            },
            &profile(&offered),
            "a",
        )
        .unwrap_err();
        assert!(matches!(err.kind, ErrorKind::UnknownPlacement { .. }));
    }

    #[test]
    fn mounts_fill_volumes_and_volume_mounts() {
        let session = Session {
            mounts: vec![Mount {
                volume: json!({"name": "home", "nfs": {"server": "nfs", "path": "/home/alice"}}),
                path: "/home/alice".into(),
                read_only: false,
                sub_path: None,
            }],
            run_as: Some(RunAs {
                uid: Some(1000),
                gid: Some(1000),
                supplemental_groups: vec![],
            }),
            ..Session::default()
        };
        let job = build_ok(&session, &[]);
        let spec = &job["spec"]["template"]["spec"];
        assert_eq!(spec["volumes"][0]["name"], "home");
        assert_eq!(
            spec["containers"][0]["volumeMounts"],
            json!([{"name": "home", "mountPath": "/home/alice"}])
        );
        assert_eq!(
            spec["securityContext"],
            json!({"runAsUser": 1000, "runAsGroup": 1000})
        );
    }

    /// rstudio/helm `examples/launcher-templates/default/2.4.0/job.tpl`: `runAsUser` and
    /// `runAsGroup` are set under `{{- if .Job.container.runAsUserId }}`; Go's `if` is false for
    /// 0, so root ids are not written. `supplementalGroups` is under `if` on the list, which is
    /// true for any non-empty list, `[0]` included.
    #[test]
    fn root_ids_are_not_written_as_go_if_treats_zero_as_false() {
        let session = Session {
            run_as: Some(RunAs {
                uid: Some(0),
                gid: Some(0),
                supplemental_groups: vec![0],
            }),
            ..Session::default()
        };
        let job = build_ok(&session, &[]);
        assert_eq!(
            job["spec"]["template"]["spec"]["securityContext"],
            json!({"supplementalGroups": [0]})
        );
        let warnings = template_drops(&session);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0]
                .message
                .contains("`run-as.uid: 0` is not written")
        );
        assert_eq!(
            warnings[1].pointer.as_deref(),
            Some("/spec/template/spec/securityContext/runAsGroup")
        );
        assert!(template_drops(&Session::default()).is_empty());
        let only_root = Session {
            run_as: Some(RunAs {
                uid: Some(0),
                gid: None,
                supplemental_groups: vec![],
            }),
            ..Session::default()
        };
        let job = build_ok(&only_root, &[]);
        assert!(
            job["spec"]["template"]["spec"]
                .get("securityContext")
                .is_none()
        );
    }

    /// job.tpl 2.4.0: `requests` exist only for the launcher's `CPU Request` and `Memory
    /// Request` limits, memory is `printf "%s%s" .value "M"`, GPUs are `float64` and left out
    /// when 0 (`if ne $val 0.0`).
    #[test]
    fn requests_appear_only_when_asked_and_memory_is_in_m() {
        let limits_only = build_ok(
            &Session {
                cpus: Some(1.5),
                memory_mb: Some(512.0),
                nvidia_gpus: Some(0.0),
                ..Session::default()
            },
            &[],
        );
        assert_eq!(
            limits_only["spec"]["template"]["spec"]["containers"][0]["resources"],
            json!({"limits": {"cpu": "1.5", "memory": "512M"}})
        );
        let with_requests = build_ok(
            &Session {
                cpus: Some(2.0),
                memory_mb: Some(1024.0),
                amd_gpus: Some(1.0),
                ..Session::default()
            },
            &[
                ("default-cpus-request", "0.5"),
                ("default-mem-mb-request", "256"),
            ],
        );
        assert_eq!(
            with_requests["spec"]["template"]["spec"]["containers"][0]["resources"],
            json!({
                "requests": {"cpu": "0.5", "memory": "256M"},
                "limits": {"cpu": "2", "memory": "1024M", "amd.com/gpu": 1}
            })
        );
    }

    /// [DECISION] (README, "The launcher's rules"): `0` for a default or a maximum means none.
    #[test]
    fn zero_defaults_and_maximums_mean_none() {
        let zeros = [
            ("default-cpus", "0"),
            ("default-mem-mb", "0.0"),
            ("max-cpus", "0"),
            ("max-mem-mb", "0"),
            ("default-cpus-request", "0"),
            ("max-cpus-request", "0"),
        ];
        let defaults = build_ok(&Session::default(), &zeros);
        assert!(
            defaults["spec"]["template"]["spec"]["containers"][0]
                .get("resources")
                .is_none()
        );
        let asked = build_ok(
            &Session {
                cpus: Some(64.0),
                memory_mb: Some(1e6),
                cpus_request: Some(32.0),
                ..Session::default()
            },
            &zeros,
        );
        assert_eq!(
            asked["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"],
            json!({"cpu": "64", "memory": "1000000M"})
        );
        // A maximum above 0 still refuses more.
        let err = build(
            &Session {
                memory_mb: Some(4096.0),
                ..Session::default()
            },
            &profile(&[("max-mem-mb", "2048")]),
            "a",
        )
        .unwrap_err();
        assert!(
            matches!(
                err.kind,
                ErrorKind::AboveMax {
                    key: "max-mem-mb",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn generate_name_is_a_dns_prefix() {
        assert_eq!(generate_name("RStudio Session"), "rstudio-session-");
        assert_eq!(generate_name("  Jupyter Lab!! "), "jupyter-lab-");
        assert_eq!(generate_name("ÜÜ"), "session-");
    }
}
