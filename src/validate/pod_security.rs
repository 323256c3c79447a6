//! Pod Security admission: which checks of the Pod Security Standards a Pod fails.
//!
//! Follows `k8s.io/pod-security-admission/policy` at "latest" (Kubernetes 1.34), laid out as
//! it is: one small function per check and a table ([`CHECKS`]: upstream's check id, the
//! level, the function), as upstream has one `check_*.go` per check. The `privileged` level
//! admits everything; `restricted` runs every `baseline` check too. A finding's `rule` is the
//! check's id and its `check` names the level whose rule it breaks, so a `privileged: true`
//! container shows `pod-security:baseline` in the restricted list too. Container-level
//! security context fields win over pod-level ones, as the kubelet applies them.

use k8s_openapi::api::core::v1::{
    Container, PodSecurityContext, PodSpec, PodTemplateSpec, SELinuxOptions, SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use super::decode::decode;
use super::rules::volume_sources;
use super::{Finding, Level, Severity};
use crate::compare::push_key;

/// Capabilities a baseline Pod may add (the container runtime's default set).
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Sysctls that are namespaced and safe, allowed at baseline.
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// SELinux types a baseline Pod may use (besides none).
const SELINUX_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Volume types a restricted Pod may use.
const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The AppArmor annotation prefix (deprecated in favour of `appArmorProfile`, still checked).
const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Checks a bare pod spec (JSON) at `level`; paths are relative to the spec (`containers[0]…`).
///
/// Pod annotations are not part of a spec, so AppArmor annotations are not checked here.
pub fn pod_security(pod_spec: &Value, level: Level) -> Vec<Finding> {
    match decode::<PodSpec>(pod_spec).value {
        Some(spec) => check(None, "metadata", &spec, "", level),
        None => Vec::new(),
    }
}

/// Checks a whole Pod (JSON, e.g. the predicted one) at `level`; paths start at `spec.`.
pub fn pod_security_of_pod(pod: &Value, level: Level) -> Vec<Finding> {
    let meta = pod
        .get("metadata")
        .and_then(|m| decode::<ObjectMeta>(m).value);
    match pod.get("spec").and_then(|s| decode::<PodSpec>(s).value) {
        Some(spec) => check(meta.as_ref(), "metadata", &spec, "spec", level),
        None => Vec::new(),
    }
}

/// Checks a Job's pod template at `level`; paths start at `spec.template.spec.`.
pub fn pod_security_of_template(template: &PodTemplateSpec, level: Level) -> Vec<Finding> {
    match &template.spec {
        Some(spec) => check(
            template.metadata.as_ref(),
            "spec.template.metadata",
            spec,
            "spec.template.spec",
            level,
        ),
        None => Vec::new(),
    }
}

/// Joins a path prefix and a relative path.
fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}.{rest}"),
    }
}

/// Findings of one evaluation, each tagged with the check that is running.
struct Out {
    found: Vec<Finding>,
    /// The running check's id and level.
    rule: &'static str,
    level: Level,
}

impl Out {
    fn push(&mut self, path: String, check: &str, detail: String, hint: Option<&str>) {
        self.found.push(Finding {
            span: None,
            rule: self.rule,
            severity: Severity::Error,
            check: format!("pod-security:{}", self.level.as_str()),
            path,
            message: format!("{check} ({detail})"),
            hint: hint.map(str::to_owned),
        });
    }
}

/// A `securityContext` setting that neither the pod nor any of its containers may have.
struct Forbidden<'a> {
    /// The check's name, the finding's reason.
    check: &'a str,
    /// Where the field is under `securityContext`, e.g. `seccompProfile.type`.
    field: &'a str,
    /// The setting as the message names it after "must not set".
    setting: &'a str,
    /// How to fix it, when there is a usual way.
    hint: Option<&'a str>,
}

impl Forbidden<'_> {
    /// Reports the setting on the pod when `on_pod`, and on each container `on_container` holds for.
    fn report(
        &self,
        out: &mut Out,
        at: &str,
        on_pod: bool,
        cs: &[Ctr<'_>],
        on_container: impl Fn(&SecurityContext) -> bool,
    ) {
        let field = format!("securityContext.{}", self.field);
        let setting = self.setting;
        if on_pod {
            out.push(
                join(at, &field),
                self.check,
                format!("pod must not set {setting}"),
                self.hint,
            );
        }
        for c in cs.iter().filter(|c| c.sc.is_some_and(&on_container)) {
            out.push(
                format!("{}.{field}", c.at),
                self.check,
                format!("container `{}` must not set {setting}", c.c.name),
                self.hint,
            );
        }
    }
}

/// One container with where it is and what the API server calls it.
struct Ctr<'a> {
    c: &'a Container,
    at: String,
    sc: Option<&'a SecurityContext>,
}

/// What every check sees: the pod's metadata and spec, its containers, and their paths.
struct Pod<'a> {
    meta: Option<&'a ObjectMeta>,
    /// Where the metadata is (`metadata`, `spec.template.metadata`).
    meta_at: &'a str,
    spec: &'a PodSpec,
    /// Where the spec is (`spec`, `spec.template.spec`, or empty for a bare spec).
    at: &'a str,
    /// Init containers, then containers.
    cs: Vec<Ctr<'a>>,
    /// The pod-level security context.
    psc: Option<&'a PodSecurityContext>,
}

/// One check of the Pod Security Standards, as upstream lays them out: its id (upstream's
/// `check*ID`, a finding's `rule`), the level it belongs to, and its function.
struct Check {
    id: &'static str,
    level: Level,
    check: fn(&Pod<'_>, &mut Out),
}

const B: Level = Level::Baseline;
const R: Level = Level::Restricted;

/// Every check, in the order findings are reported; a level runs the checks of its own and of
/// every lower level (`k8s.io/pod-security-admission/policy/check_*.go`).
const CHECKS: &[Check] = &[
    Check {
        id: "windowsHostProcess",
        level: B,
        check: windows_host_process,
    },
    Check {
        id: "hostNamespaces",
        level: B,
        check: host_namespaces,
    },
    Check {
        id: "privileged",
        level: B,
        check: privileged,
    },
    Check {
        id: "capabilities_baseline",
        level: B,
        check: capabilities_baseline,
    },
    Check {
        id: "hostPathVolumes",
        level: B,
        check: host_path_volumes,
    },
    Check {
        id: "hostPorts",
        level: B,
        check: host_ports,
    },
    Check {
        id: "appArmorProfile",
        level: B,
        check: app_armor_profile,
    },
    Check {
        id: "seLinuxOptions",
        level: B,
        check: se_linux_options,
    },
    Check {
        id: "procMount",
        level: B,
        check: proc_mount,
    },
    Check {
        id: "seccompProfile_baseline",
        level: B,
        check: seccomp_profile_baseline,
    },
    Check {
        id: "sysctls",
        level: B,
        check: sysctls,
    },
    Check {
        id: "restrictedVolumes",
        level: R,
        check: restricted_volumes,
    },
    Check {
        id: "allowPrivilegeEscalation",
        level: R,
        check: allow_privilege_escalation,
    },
    Check {
        id: "runAsNonRoot",
        level: R,
        check: run_as_non_root,
    },
    Check {
        id: "runAsUser",
        level: R,
        check: run_as_user,
    },
    Check {
        id: "seccompProfile_restricted",
        level: R,
        check: seccomp_profile_restricted,
    },
    Check {
        id: "capabilities_restricted",
        level: R,
        check: capabilities_restricted,
    },
];

/// Runs the checks of `level` on a pod spec.
fn check(
    meta: Option<&ObjectMeta>,
    meta_at: &str,
    spec: &PodSpec,
    at: &str,
    level: Level,
) -> Vec<Finding> {
    let cs: Vec<Ctr<'_>> = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (join(at, &format!("initContainers[{i}]")), c))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(i, c)| (join(at, &format!("containers[{i}]")), c)),
        )
        .map(|(at, c)| Ctr {
            c,
            at,
            sc: c.security_context.as_ref(),
        })
        .collect();
    let pod = Pod {
        meta,
        meta_at,
        spec,
        at,
        cs,
        psc: spec.security_context.as_ref(),
    };
    let mut out = Out {
        found: Vec::new(),
        rule: "",
        level,
    };
    // `privileged` runs no check: every rule belongs to baseline or restricted.
    for c in CHECKS.iter().filter(|c| c.level <= level) {
        out.rule = c.id;
        out.level = c.level;
        (c.check)(&pod, &mut out);
    }
    out.found
}

/// Whether a Pod declares a Windows OS, where Linux-only rules do not apply.
fn windows(p: &Pod<'_>) -> bool {
    p.spec.os.as_ref().is_some_and(|os| os.name == "windows")
}

/// `windowsHostProcess`: no Windows HostProcess containers.
fn windows_host_process(p: &Pod<'_>, out: &mut Out) {
    Forbidden {
        check: "hostProcess",
        field: "windowsOptions.hostProcess",
        setting: "securityContext.windowsOptions.hostProcess=true",
        hint: None,
    }
    .report(
        out,
        p.at,
        p.psc
            .and_then(|s| s.windows_options.as_ref())
            .and_then(|w| w.host_process)
            == Some(true),
        &p.cs,
        |s| s.windows_options.as_ref().and_then(|w| w.host_process) == Some(true),
    );
}

/// `hostNamespaces`: no host network, PID or IPC namespace.
fn host_namespaces(p: &Pod<'_>, out: &mut Out) {
    for (field, set) in [
        ("hostNetwork", p.spec.host_network),
        ("hostPID", p.spec.host_pid),
        ("hostIPC", p.spec.host_ipc),
    ] {
        if set == Some(true) {
            out.push(
                join(p.at, field),
                "host namespaces",
                format!("{field}=true"),
                None,
            );
        }
    }
}

/// `privileged`: no privileged containers (a pod has no such field).
fn privileged(p: &Pod<'_>, out: &mut Out) {
    Forbidden {
        check: "privileged",
        field: "privileged",
        setting: "securityContext.privileged=true",
        hint: Some("remove `privileged: true`, or run the session in a namespace whose Pod Security level is `privileged`"),
    }
    .report(out, p.at, false, &p.cs, |s| s.privileged == Some(true));
}

/// `capabilities_baseline`: no capabilities beyond the container runtime's default set.
fn capabilities_baseline(p: &Pod<'_>, out: &mut Out) {
    for c in &p.cs {
        let added =
            c.sc.and_then(|s| s.capabilities.as_ref())
                .and_then(|k| k.add.as_ref());
        for cap in added.into_iter().flatten() {
            if !BASELINE_CAPABILITIES.contains(&cap.as_str()) {
                out.push(
                    format!("{}.securityContext.capabilities.add", c.at),
                    "non-default capabilities",
                    format!("container `{}` must not include `{cap}` in securityContext.capabilities.add", c.c.name),
                    None,
                );
            }
        }
    }
}

/// `hostPathVolumes`: no hostPath volumes.
fn host_path_volumes(p: &Pod<'_>, out: &mut Out) {
    for (i, v) in p.spec.volumes.iter().flatten().enumerate() {
        if v.host_path.is_some() {
            out.push(
                join(p.at, &format!("volumes[{i}].hostPath")),
                "hostPath volumes",
                format!("volume `{}`", v.name),
                None,
            );
        }
    }
}

/// `hostPorts`: no host ports.
fn host_ports(p: &Pod<'_>, out: &mut Out) {
    for c in &p.cs {
        for (i, port) in c.c.ports.iter().flatten().enumerate() {
            if let Some(hp) = port.host_port.filter(|hp| *hp != 0) {
                out.push(
                    format!("{}.ports[{i}].hostPort", c.at),
                    "hostPort",
                    format!("container `{}` uses hostPort {hp}", c.c.name),
                    None,
                );
            }
        }
    }
}

/// `appArmorProfile`: never `Unconfined`, in the field at pod and container level or in the
/// deprecated annotations.
fn app_armor_profile(p: &Pod<'_>, out: &mut Out) {
    Forbidden {
        check: "forbidden AppArmor profile",
        field: "appArmorProfile.type",
        setting: "securityContext.appArmorProfile.type to `Unconfined`",
        hint: None,
    }
    .report(
        out,
        p.at,
        p.psc
            .and_then(|s| s.app_armor_profile.as_ref())
            .is_some_and(|a| a.type_ == "Unconfined"),
        &p.cs,
        |s| {
            s.app_armor_profile
                .as_ref()
                .is_some_and(|a| a.type_ == "Unconfined")
        },
    );
    for (key, value) in p
        .meta
        .and_then(|m| m.annotations.as_ref())
        .into_iter()
        .flatten()
    {
        if key.starts_with(APPARMOR_PREFIX)
            && !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/"))
        {
            let path = push_key(&format!("{}.annotations", p.meta_at), key);
            out.push(
                path,
                "forbidden AppArmor profile",
                format!("annotation `{key}` must not be `{value}`"),
                Some("use `runtime/default` or `localhost/<profile>`"),
            );
        }
    }
}

/// What is forbidden in SELinux options: a type other than the container types, a user, a role.
fn selinux_violations(opts: Option<&SELinuxOptions>) -> Vec<String> {
    let Some(o) = opts else { return Vec::new() };
    let mut bad = Vec::new();
    if let Some(t) = o
        .type_
        .as_deref()
        .filter(|t| !t.is_empty() && !SELINUX_TYPES.contains(t))
    {
        bad.push(format!("type `{t}`"));
    }
    if o.user.as_deref().is_some_and(|u| !u.is_empty()) {
        bad.push("user".to_owned());
    }
    if o.role.as_deref().is_some_and(|r| !r.is_empty()) {
        bad.push("role".to_owned());
    }
    bad
}

/// `seLinuxOptions`: only the container types, and no user or role.
fn se_linux_options(p: &Pod<'_>, out: &mut Out) {
    let bad = selinux_violations(p.psc.and_then(|s| s.se_linux_options.as_ref()));
    if !bad.is_empty() {
        out.push(
            join(p.at, "securityContext.seLinuxOptions"),
            "seLinuxOptions",
            format!(
                "pod set forbidden securityContext.seLinuxOptions: {}",
                bad.join(", ")
            ),
            None,
        );
    }
    for c in &p.cs {
        let bad = selinux_violations(c.sc.and_then(|s| s.se_linux_options.as_ref()));
        if !bad.is_empty() {
            out.push(
                format!("{}.securityContext.seLinuxOptions", c.at),
                "seLinuxOptions",
                format!(
                    "container `{}` set forbidden securityContext.seLinuxOptions: {}",
                    c.c.name,
                    bad.join(", ")
                ),
                None,
            );
        }
    }
}

/// `procMount`: the default /proc mount type only.
fn proc_mount(p: &Pod<'_>, out: &mut Out) {
    for c in &p.cs {
        if let Some(pm) =
            c.sc.and_then(|s| s.proc_mount.as_deref())
                .filter(|pm| *pm != "Default")
        {
            out.push(
                format!("{}.securityContext.procMount", c.at),
                "procMount",
                format!(
                    "container `{}` must not set securityContext.procMount=`{pm}`",
                    c.c.name
                ),
                None,
            );
        }
    }
}

/// `seccompProfile_baseline`: never `Unconfined`.
fn seccomp_profile_baseline(p: &Pod<'_>, out: &mut Out) {
    Forbidden {
        check: "seccompProfile",
        field: "seccompProfile.type",
        setting: "securityContext.seccompProfile.type to `Unconfined`",
        hint: None,
    }
    .report(
        out,
        p.at,
        p.psc
            .and_then(|s| s.seccomp_profile.as_ref())
            .is_some_and(|s| s.type_ == "Unconfined"),
        &p.cs,
        |s| {
            s.seccomp_profile
                .as_ref()
                .is_some_and(|s| s.type_ == "Unconfined")
        },
    );
}

/// `sysctls`: only the namespaced, safe ones.
fn sysctls(p: &Pod<'_>, out: &mut Out) {
    for (i, s) in p
        .psc
        .and_then(|s| s.sysctls.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !SAFE_SYSCTLS.contains(&s.name.as_str()) {
            out.push(
                join(p.at, &format!("securityContext.sysctls[{i}].name")),
                "forbidden sysctls",
                format!("`{}`", s.name),
                None,
            );
        }
    }
}

/// `restrictedVolumes`: only the volume types in [`RESTRICTED_VOLUMES`].
fn restricted_volumes(p: &Pod<'_>, out: &mut Out) {
    for (i, v) in p.spec.volumes.iter().flatten().enumerate() {
        for source in volume_sources(v) {
            if !RESTRICTED_VOLUMES.contains(&source) {
                out.push(
                    join(p.at, &format!("volumes[{i}].{source}")),
                    "restricted volume types",
                    format!("volume `{}` uses restricted volume type `{source}`", v.name),
                    Some("restricted allows configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret"),
                );
            }
        }
    }
}

/// `allowPrivilegeEscalation`: explicitly off in every container (Linux only).
fn allow_privilege_escalation(p: &Pod<'_>, out: &mut Out) {
    if windows(p) {
        return;
    }
    for c in &p.cs {
        if c.sc.and_then(|s| s.allow_privilege_escalation) != Some(false) {
            out.push(
                format!("{}.securityContext.allowPrivilegeEscalation", c.at),
                "allowPrivilegeEscalation != false",
                format!(
                    "container `{}` must set securityContext.allowPrivilegeEscalation=false",
                    c.c.name
                ),
                None,
            );
        }
    }
}

/// `runAsNonRoot`: true for every container; the container's setting wins over the pod's.
fn run_as_non_root(p: &Pod<'_>, out: &mut Out) {
    let pod_non_root = p.psc.and_then(|s| s.run_as_non_root);
    if pod_non_root == Some(false) {
        out.push(
            join(p.at, "securityContext.runAsNonRoot"),
            "runAsNonRoot != true",
            "pod must not set securityContext.runAsNonRoot=false".to_owned(),
            None,
        );
    }
    for c in &p.cs {
        match c.sc.and_then(|s| s.run_as_non_root) {
            Some(true) => {}
            Some(false) => out.push(
                format!("{}.securityContext.runAsNonRoot", c.at),
                "runAsNonRoot != true",
                format!("container `{}` must not set securityContext.runAsNonRoot=false", c.c.name),
                None,
            ),
            None if pod_non_root == Some(true) => {}
            None if pod_non_root == Some(false) => {}
            None => out.push(
                format!("{}.securityContext.runAsNonRoot", c.at),
                "runAsNonRoot != true",
                format!("pod or container `{}` must set securityContext.runAsNonRoot=true", c.c.name),
                Some("set `runAsNonRoot: true` in the pod's `securityContext` to cover every container"),
            ),
        }
    }
}

/// `runAsUser`: never user 0.
fn run_as_user(p: &Pod<'_>, out: &mut Out) {
    Forbidden {
        check: "runAsUser=0",
        field: "runAsUser",
        setting: "runAsUser=0",
        hint: None,
    }
    .report(
        out,
        p.at,
        p.psc.and_then(|s| s.run_as_user) == Some(0),
        &p.cs,
        |s| s.run_as_user == Some(0),
    );
}

/// `seccompProfile_restricted`: `RuntimeDefault` or `Localhost`, from the container or else
/// the pod (Linux only).
fn seccomp_profile_restricted(p: &Pod<'_>, out: &mut Out) {
    if windows(p) {
        return;
    }
    let allowed = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let pod_type = p
        .psc
        .and_then(|s| s.seccomp_profile.as_ref())
        .map(|s| s.type_.as_str());
    if let Some(t) = pod_type.filter(|t| !allowed(t) && *t != "Unconfined") {
        out.push(
            join(p.at, "securityContext.seccompProfile.type"),
            "seccompProfile",
            format!("pod must not set securityContext.seccompProfile.type to `{t}`"),
            None,
        );
    }
    for c in &p.cs {
        let own =
            c.sc.and_then(|s| s.seccomp_profile.as_ref())
                .map(|s| s.type_.as_str());
        match own {
            // Unconfined is already a baseline finding.
            Some("Unconfined") => {}
            Some(t) if !allowed(t) => out.push(
                format!("{}.securityContext.seccompProfile.type", c.at),
                "seccompProfile",
                format!("container `{}` must not set securityContext.seccompProfile.type to `{t}`", c.c.name),
                None,
            ),
            Some(_) => {}
            None if pod_type.is_some_and(allowed) => {}
            None if pod_type.is_some() => {}
            None => out.push(
                format!("{}.securityContext.seccompProfile", c.at),
                "seccompProfile",
                format!(
                    "pod or container `{}` must set securityContext.seccompProfile.type to `RuntimeDefault` or `Localhost`",
                    c.c.name
                ),
                Some("set `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext`"),
            ),
        }
    }
}

/// `capabilities_restricted`: drop ALL, add at most NET_BIND_SERVICE (Linux only).
fn capabilities_restricted(p: &Pod<'_>, out: &mut Out) {
    if windows(p) {
        return;
    }
    for c in &p.cs {
        let caps = c.sc.and_then(|s| s.capabilities.as_ref());
        if !caps
            .and_then(|k| k.drop.as_ref())
            .is_some_and(|d| d.iter().any(|x| x == "ALL"))
        {
            out.push(
                format!("{}.securityContext.capabilities.drop", c.at),
                "unrestricted capabilities",
                format!(
                    "container `{}` must set securityContext.capabilities.drop=[\"ALL\"]",
                    c.c.name
                ),
                None,
            );
        }
        for cap in caps.and_then(|k| k.add.as_ref()).into_iter().flatten() {
            // Caps outside the baseline set are already a baseline finding.
            if cap != "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.contains(&cap.as_str()) {
                out.push(
                    format!("{}.securityContext.capabilities.add", c.at),
                    "unrestricted capabilities",
                    format!("container `{}` must not include `{cap}` in securityContext.capabilities.add", c.c.name),
                    None,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A restricted-compliant pod spec.
    fn restricted_spec() -> Value {
        json!({
            "restartPolicy": "Never",
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "rs-launcher-container",
                "image": "rstudio/r-session-complete:jammy-2024.12.0",
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
            }],
            "volumes": [{"name": "home", "emptyDir": {}}]
        })
    }

    /// Findings at `level` after `edit`.
    fn run(level: Level, edit: impl FnOnce(&mut Value)) -> Vec<Finding> {
        let mut spec = restricted_spec();
        edit(&mut spec);
        pod_security(&spec, level)
    }

    fn one(found: &[Finding], check: &str, path: &str, text: &str) {
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].check, check, "{found:#?}");
        assert_eq!(found[0].path, path, "{found:#?}");
        assert!(found[0].message.contains(text), "{found:#?}");
    }

    fn c0(spec: &mut Value) -> &mut Value {
        &mut spec["containers"][0]["securityContext"]
    }

    const BASE: &str = "pod-security:baseline";
    const REST: &str = "pod-security:restricted";

    #[test]
    fn compliant_spec_passes_all_levels() {
        for level in [Level::Privileged, Level::Baseline, Level::Restricted] {
            assert_eq!(run(level, |_| {}), [], "{level:?}");
        }
    }

    #[test]
    fn privileged_fails_baseline_passes_privileged() {
        let edit = |s: &mut Value| c0(s)["privileged"] = json!(true);
        assert_eq!(run(Level::Privileged, edit), []);
        let f = run(Level::Baseline, edit);
        one(
            &f,
            BASE,
            "containers[0].securityContext.privileged",
            "privileged (container `rs-launcher-container` must not set securityContext.privileged=true)",
        );
        one(
            &run(Level::Restricted, edit),
            BASE,
            "containers[0].securityContext.privileged",
            "privileged",
        );
    }

    #[test]
    fn host_process() {
        let f = run(Level::Baseline, |s| {
            s["securityContext"]["windowsOptions"] = json!({"hostProcess": true})
        });
        one(
            &f,
            BASE,
            "securityContext.windowsOptions.hostProcess",
            "hostProcess",
        );
    }

    #[test]
    fn host_namespaces() {
        let f = run(Level::Baseline, |s| s["hostNetwork"] = json!(true));
        one(
            &f,
            BASE,
            "hostNetwork",
            "host namespaces (hostNetwork=true)",
        );
        one(
            &run(Level::Baseline, |s| s["hostPID"] = json!(true)),
            BASE,
            "hostPID",
            "hostPID=true",
        );
        one(
            &run(Level::Baseline, |s| s["hostIPC"] = json!(true)),
            BASE,
            "hostIPC",
            "hostIPC=true",
        );
    }

    #[test]
    fn non_default_capabilities() {
        let f = run(Level::Baseline, |s| {
            c0(s)["capabilities"]["add"] = json!(["SYS_ADMIN"])
        });
        one(
            &f,
            BASE,
            "containers[0].securityContext.capabilities.add",
            "`SYS_ADMIN`",
        );
        assert_eq!(
            run(Level::Baseline, |s| c0(s)["capabilities"]["add"] =
                json!(["CHOWN"])),
            []
        );
    }

    #[test]
    fn host_path_volumes() {
        let f = run(Level::Baseline, |s| {
            s["volumes"][0] = json!({"name": "h", "hostPath": {"path": "/"}})
        });
        one(
            &f,
            BASE,
            "volumes[0].hostPath",
            "hostPath volumes (volume `h`)",
        );
    }

    #[test]
    fn host_ports() {
        let f = run(Level::Baseline, |s| {
            s["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 80}])
        });
        one(
            &f,
            BASE,
            "containers[0].ports[0].hostPort",
            "uses hostPort 80",
        );
    }

    #[test]
    fn apparmor_unconfined() {
        let f = run(Level::Baseline, |s| {
            c0(s)["appArmorProfile"] = json!({"type": "Unconfined"})
        });
        one(
            &f,
            BASE,
            "containers[0].securityContext.appArmorProfile.type",
            "forbidden AppArmor profile",
        );
    }

    #[test]
    fn apparmor_annotation() {
        let pod = json!({"metadata": {"annotations": {
                "container.apparmor.security.beta.kubernetes.io/rs-launcher-container": "unconfined"}},
            "spec": restricted_spec()});
        let f = pod_security_of_pod(&pod, Level::Baseline);
        one(
            &f,
            BASE,
            "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/rs-launcher-container\"]",
            "forbidden AppArmor profile",
        );
    }

    #[test]
    fn selinux_custom_type_user_role() {
        let f = run(Level::Baseline, |s| {
            s["securityContext"]["seLinuxOptions"] = json!({"type": "spc_t", "user": "u"})
        });
        one(
            &f,
            BASE,
            "securityContext.seLinuxOptions",
            "type `spc_t`, user",
        );
        assert_eq!(
            run(Level::Baseline, |s| c0(s)["seLinuxOptions"] =
                json!({"type": "container_t", "level": "s0"})),
            []
        );
    }

    #[test]
    fn proc_mount_unmasked() {
        let f = run(Level::Baseline, |s| c0(s)["procMount"] = json!("Unmasked"));
        one(
            &f,
            BASE,
            "containers[0].securityContext.procMount",
            "procMount",
        );
    }

    #[test]
    fn seccomp_unconfined() {
        let f = run(Level::Baseline, |s| {
            c0(s)["seccompProfile"] = json!({"type": "Unconfined"})
        });
        one(
            &f,
            BASE,
            "containers[0].securityContext.seccompProfile.type",
            "`Unconfined`",
        );
        // Restricted reports it once, as the baseline rule.
        let f = run(Level::Restricted, |s| {
            c0(s)["seccompProfile"] = json!({"type": "Unconfined"})
        });
        one(
            &f,
            BASE,
            "containers[0].securityContext.seccompProfile.type",
            "`Unconfined`",
        );
    }

    #[test]
    fn unsafe_sysctls() {
        let f = run(Level::Baseline, |s| {
            s["securityContext"]["sysctls"] = json!([{"name": "kernel.msgmax", "value": "1"}])
        });
        one(
            &f,
            BASE,
            "securityContext.sysctls[0].name",
            "forbidden sysctls (`kernel.msgmax`)",
        );
        assert_eq!(
            run(Level::Baseline, |s| s["securityContext"]["sysctls"] =
                json!([{"name": "net.ipv4.tcp_syncookies", "value": "1"}])),
            []
        );
    }

    #[test]
    fn restricted_volume_types() {
        let f = run(Level::Restricted, |s| {
            s["volumes"][0] = json!({"name": "n", "nfs": {"server": "s", "path": "/"}})
        });
        one(&f, REST, "volumes[0].nfs", "restricted volume type `nfs`");
        assert_eq!(
            run(Level::Baseline, |s| s["volumes"][0] =
                json!({"name": "n", "nfs": {"server": "s", "path": "/"}})),
            []
        );
    }

    #[test]
    fn allow_privilege_escalation_must_be_false() {
        let f = run(Level::Restricted, |s| {
            c0(s)
                .as_object_mut()
                .map(|m| m.remove("allowPrivilegeEscalation"));
        });
        one(
            &f,
            REST,
            "containers[0].securityContext.allowPrivilegeEscalation",
            "allowPrivilegeEscalation != false",
        );
    }

    #[test]
    fn run_as_non_root_required() {
        let f = run(Level::Restricted, |s| {
            s["securityContext"]
                .as_object_mut()
                .map(|m| m.remove("runAsNonRoot"));
        });
        one(
            &f,
            REST,
            "containers[0].securityContext.runAsNonRoot",
            "pod or container `rs-launcher-container` must set",
        );
    }

    #[test]
    fn container_run_as_non_root_overrides_pod() {
        let f = run(Level::Restricted, |s| c0(s)["runAsNonRoot"] = json!(false));
        one(
            &f,
            REST,
            "containers[0].securityContext.runAsNonRoot",
            "must not set securityContext.runAsNonRoot=false",
        );
        let f = run(Level::Restricted, |s| {
            s["securityContext"]
                .as_object_mut()
                .map(|m| m.remove("runAsNonRoot"));
            c0(s)["runAsNonRoot"] = json!(true);
        });
        assert_eq!(f, []);
    }

    #[test]
    fn run_as_user_zero() {
        let f = run(Level::Restricted, |s| c0(s)["runAsUser"] = json!(0));
        one(
            &f,
            REST,
            "containers[0].securityContext.runAsUser",
            "runAsUser=0",
        );
    }

    #[test]
    fn seccomp_must_be_set_for_restricted() {
        let f = run(Level::Restricted, |s| {
            s["securityContext"]
                .as_object_mut()
                .map(|m| m.remove("seccompProfile"));
        });
        one(
            &f,
            REST,
            "containers[0].securityContext.seccompProfile",
            "`RuntimeDefault` or `Localhost`",
        );
        let f = run(Level::Restricted, |s| {
            s["securityContext"]
                .as_object_mut()
                .map(|m| m.remove("seccompProfile"));
            c0(s)["seccompProfile"] = json!({"type": "Localhost", "localhostProfile": "p.json"});
        });
        assert_eq!(f, []);
    }

    #[test]
    fn capabilities_must_drop_all() {
        let f = run(Level::Restricted, |s| {
            c0(s)["capabilities"] = json!({"drop": ["NET_RAW"]})
        });
        one(
            &f,
            REST,
            "containers[0].securityContext.capabilities.drop",
            "drop=[\"ALL\"]",
        );
    }

    #[test]
    fn capabilities_add_only_net_bind_service() {
        let f = run(Level::Restricted, |s| {
            c0(s)["capabilities"]["add"] = json!(["NET_BIND_SERVICE", "CHOWN"])
        });
        one(
            &f,
            REST,
            "containers[0].securityContext.capabilities.add",
            "`CHOWN`",
        );
    }

    #[test]
    fn pod_level_settings_are_checked() {
        let f = run(Level::Baseline, |s| {
            s["securityContext"]["appArmorProfile"] = json!({"type": "Unconfined"})
        });
        one(
            &f,
            BASE,
            "securityContext.appArmorProfile.type",
            "forbidden AppArmor profile (pod must not set securityContext.appArmorProfile.type to `Unconfined`)",
        );
        let f = run(Level::Restricted, |s| {
            s["securityContext"]["seccompProfile"] = json!({"type": "Unconfined"})
        });
        // Restricted adds no finding of its own: no container sets a profile, and the pod does.
        one(
            &f,
            BASE,
            "securityContext.seccompProfile.type",
            "seccompProfile (pod must not set securityContext.seccompProfile.type to `Unconfined`)",
        );
        let f = run(Level::Restricted, |s| {
            s["securityContext"]["runAsUser"] = json!(0)
        });
        one(
            &f,
            REST,
            "securityContext.runAsUser",
            "runAsUser=0 (pod must not set runAsUser=0)",
        );
    }

    #[test]
    fn init_containers_are_checked() {
        let f = run(Level::Baseline, |s| {
            s["initContainers"] = json!([{"name": "init", "image": "busybox:1", "securityContext": {"privileged": true}}]);
        });
        one(
            &f,
            BASE,
            "initContainers[0].securityContext.privileged",
            "container `init`",
        );
    }

    #[test]
    fn findings_carry_upstreams_check_id() {
        let rules = |f: Vec<Finding>| f.iter().map(|f| f.rule).collect::<Vec<_>>();
        assert_eq!(
            rules(run(Level::Restricted, |s| {
                c0(s)["privileged"] = json!(true);
                c0(s)["runAsUser"] = json!(0);
                c0(s)["seccompProfile"] = json!({"type": "Unconfined"});
            })),
            ["privileged", "seccompProfile_baseline", "runAsUser"]
        );
    }

    #[test]
    fn check_table_has_unique_ids_and_lists_baseline_first() {
        let ids: std::collections::HashSet<&str> = CHECKS.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), CHECKS.len());
        assert!(CHECKS.windows(2).all(|w| w[0].level <= w[1].level));
        assert!(CHECKS.iter().all(|c| c.level != Level::Privileged));
    }

    #[test]
    fn windows_pods_skip_linux_only_rules() {
        let f = run(Level::Restricted, |s| {
            s["os"] = json!({"name": "windows"});
            s["containers"][0]
                .as_object_mut()
                .map(|m| m.remove("securityContext"));
            s["securityContext"]
                .as_object_mut()
                .map(|m| m.remove("seccompProfile"));
        });
        assert_eq!(f, []);
    }
}
