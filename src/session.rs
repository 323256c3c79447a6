//! The launch request: what the user asked for in Workbench's New Session dialog (case.yaml
//! `session:`), the input of the launcher's rules (`profiles::resources` fills its amounts,
//! `job` and `template::launch` build the Job from it). Below every stage that reads it.

use serde::Deserialize;
use serde_json::Value;

/// The launch request: what the user asked for in the New Session dialog (case.yaml `session:`;
/// `case::yaml` refuses unknown keys in it and in the structs below).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Session {
    /// The session name shown in Workbench.
    pub name: String,
    /// The requested image; default: the profile's `default-container-image`.
    pub image: Option<String>,
    /// The executable the container runs (`command: [exe]`).
    pub exe: Option<String>,
    /// A shell command, run as `/bin/sh -c "<command> <args>"`; wins over `exe`.
    pub command: Option<String>,
    /// Arguments.
    pub args: Vec<String>,
    /// Environment variables, in order.
    pub env: Vec<EnvVar>,
    /// CPU limit; default: the profile's `default-cpus`.
    pub cpus: Option<f64>,
    /// CPU request; default: `default-cpus-request`, else cpus × `cpu-request-ratio`.
    pub cpus_request: Option<f64>,
    /// Memory limit in MB; default: the profile's `default-mem-mb`.
    pub memory_mb: Option<f64>,
    /// Memory request in MB; default: `default-mem-mb-request`, else memory × `memory-request-ratio`.
    pub memory_mb_request: Option<f64>,
    /// NVIDIA GPUs; default: `default-nvidia-gpus`.
    pub nvidia_gpus: Option<f64>,
    /// AMD GPUs; default: `default-amd-gpus`.
    pub amd_gpus: Option<f64>,
    /// Ports the session exposes.
    pub ports: Vec<Port>,
    /// Placement constraints chosen, as `name:value`, each offered by `placement-constraints`.
    pub placement: Vec<String>,
    /// The user's uid, gid and supplemental groups, when the launcher runs the container as the user.
    pub run_as: Option<RunAs>,
    /// Launcher mounts (home directories, shared storage).
    pub mounts: Vec<Mount>,
    /// Working directory.
    pub working_dir: Option<String>,
    /// The text the job reads on standard input (the launcher's `Job.stdin`, a string);
    /// empty when it reads none.
    pub stdin: String,
    /// Job tags (become `USER_TAG_<i>` annotations).
    pub tags: Vec<String>,
    /// The service account, when the launcher is configured with one.
    pub service_account: Option<String>,
    /// The launcher instance id (label `launcher-instance-id`).
    pub instance_id: Option<String>,
    /// A resource profile of `launcher.kubernetes.resources.conf` (its section name), which
    /// fills the amounts as the New Session dialog does.
    pub resource_profile: Option<String>,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            name: "RStudio Session".into(),
            image: None,
            exe: Some("/usr/lib/rstudio-server/bin/rsession-run".into()),
            command: None,
            args: Vec::new(),
            env: Vec::new(),
            cpus: None,
            cpus_request: None,
            memory_mb: None,
            memory_mb_request: None,
            nvidia_gpus: None,
            amd_gpus: None,
            ports: vec![Port {
                target: 8788,
                published: None,
            }],
            placement: Vec::new(),
            run_as: None,
            mounts: Vec::new(),
            working_dir: None,
            stdin: String::new(),
            tags: Vec::new(),
            service_account: None,
            instance_id: Some("jjo".into()),
            resource_profile: None,
        }
    }
}

/// One environment variable.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EnvVar {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// One exposed port.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Port {
    /// The port inside the container.
    pub target: u16,
    /// The host port, when the launcher publishes it (becomes `hostPort`).
    pub published: Option<u16>,
}

/// The identity the container runs as.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RunAs {
    /// `runAsUser`.
    pub uid: Option<i64>,
    /// `runAsGroup`.
    pub gid: Option<i64>,
    /// `supplementalGroups`.
    #[serde(default)]
    pub supplemental_groups: Vec<i64>,
}

/// A launcher mount: a volume and where it is mounted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Mount {
    /// The volume (any Kubernetes volume source, with its `name`).
    pub volume: Value,
    /// Where it is mounted in the container.
    pub path: String,
    /// Read-only mount.
    #[serde(default)]
    pub read_only: bool,
    /// Mount a sub-path of the volume.
    pub sub_path: Option<String>,
}
