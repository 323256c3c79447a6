//! Flag groups shared by jjo's commands and the cargo test harness ([`crate::env::Env`]):
//! the cluster flags of `jjo test` and `jjo gc` and the backend they select, the live-run
//! options and the host database. Here rather than in `cli` so that `env` need not import the
//! command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use crate::error::Error;

/// Where live cases run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterKind {
    /// Offline only.
    None,
    /// A local kind cluster named `jjo`, created from `kind-config.yaml` if missing.
    Kind,
    /// An existing cluster through an explicit kubeconfig context (e.g. staging).
    Kubeconfig,
    /// A K3s container (cargo feature `k3s`; needs a Docker engine).
    K3s,
    /// A control plane started on this machine for the run (no kubelet), from the builds of
    /// `ci/control-plane/build`.
    Local,
}

/// Which cluster to use and how.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Also run every case on a cluster.
    #[arg(long, value_enum, env = "JJO_CLUSTER", default_value_t = ClusterKind::None)]
    pub cluster: ClusterKind,
    /// The kubeconfig context (required with `--cluster kubeconfig`; never the current one implicitly).
    #[arg(long, env = "JJO_CONTEXT")]
    pub context: Option<String>,
    /// Run every case in this namespace instead of a fresh one per case (namespace-scoped rights).
    #[arg(long, env = "JJO_NAMESPACE")]
    pub namespace: Option<String>,
    /// The kubeconfig file (default `$KUBECONFIG` or `~/.kube/config`); with `--cluster kind`, the
    /// kubeconfig of a kind cluster another process of this run brought up, reused as it is.
    #[arg(long, env = "JJO_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// The kind config to create the cluster from.
    #[arg(long, default_value = "kind-config.yaml")]
    pub kind_config: PathBuf,
    /// The kind node image, i.e. the Kubernetes version (`kindest/node:v1.33.1`).
    #[arg(long, env = "JJO_KIND_IMAGE")]
    pub kind_image: Option<String>,
    /// Delete and create the kind cluster even if it exists.
    #[arg(long)]
    pub recreate: bool,
    /// The Kubernetes version of `--cluster local` (`1.31`): its build, or a newer build
    /// under `--emulated-version`; default: each case's `kubernetes:`, else the newest build.
    #[arg(long, env = "JJO_KUBERNETES", value_name = "VERSION", value_parser = parse_kubernetes)]
    pub kubernetes: Option<u8>,
    /// Where `ci/control-plane/build` put the builds (default
    /// `${XDG_CACHE_HOME:-~/.cache}/jjo/control-plane`).
    #[arg(long, env = "JJO_CONTROL_PLANE_CACHE", value_name = "DIR")]
    pub control_plane_cache: Option<PathBuf>,
}

/// `--kubernetes`: a version `1.MINOR` (a patch or a leading `v` is allowed), as a minor.
fn parse_kubernetes(text: &str) -> Result<u8, String> {
    let minor = text
        .trim()
        .trim_start_matches('v')
        .strip_prefix("1.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|m| m.parse::<u8>().ok());
    minor.ok_or_else(|| format!("`{text}` is not a Kubernetes version such as `1.31`"))
}

impl ClusterArgs {
    /// The backend the flags select; `None` for offline runs.
    #[cfg(feature = "cluster")]
    pub fn backend(&self) -> Result<Option<crate::cluster::Backend>, Error> {
        use crate::cluster::Backend;
        if let (Some(minor), ClusterKind::Kind | ClusterKind::Kubeconfig | ClusterKind::K3s) =
            (self.kubernetes, self.cluster)
        {
            return Err(Error::Usage {
                message: format!(
                    "`--kubernetes 1.{minor}` picks the build of `--cluster local`; this cluster runs the version it runs"
                ),
                hint: Some(
                    "for kind, pick the node image with `--kind-image kindest/node:v1.N.P`".into(),
                ),
            });
        }
        Ok(match self.cluster {
            ClusterKind::None => None,
            ClusterKind::Kind => Some(Backend::Kind {
                config: self.kind_config.clone(),
                recreate: self.recreate,
                image: self.kind_image.clone(),
                kubeconfig: self.kubeconfig.clone(),
            }),
            ClusterKind::Kubeconfig => Some(Backend::Kubeconfig {
                path: self.kubeconfig.clone(),
                context: self.context.clone().ok_or_else(|| Error::Usage {
                    message: "`--cluster kubeconfig` needs `--context NAME` (`JJO_CONTEXT`)".into(),
                    hint: Some("jjo never uses the current context implicitly; name it, e.g. `--context staging`".into()),
                })?,
                namespace: self.namespace.clone(),
            }),
            ClusterKind::Local => Some(Backend::Local {
                minor: self.kubernetes,
                cache: self.control_plane_cache.clone(),
            }),
            #[cfg(feature = "k3s")]
            ClusterKind::K3s => Some(Backend::K3s),
            #[cfg(not(feature = "k3s"))]
            ClusterKind::K3s => {
                return Err(Error::Usage {
                    message: "this jjo was built without the `k3s` feature".into(),
                    hint: Some("build with `cargo build --features k3s` (needs a Docker engine at run time)".into()),
                });
            }
        })
    }

    /// Without the `cluster` feature only `none` works.
    #[cfg(not(feature = "cluster"))]
    pub fn require_offline(&self) -> Result<(), Error> {
        match self.cluster {
            ClusterKind::None => Ok(()),
            _ => Err(Error::Usage {
                message: "this jjo was built without the `cluster` feature".into(),
                hint: Some("build with default features to run cases on a cluster".into()),
            }),
        }
    }
}

/// Options of a live run.
#[derive(Debug, clap::Args)]
pub struct LiveArgs {
    /// Live cases run at once (default: the number of CPUs).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Seconds one live case may take, Pod and checks included.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Keep the namespaces of failed live cases and print how to inspect them.
    #[arg(long)]
    pub keep: bool,
    /// Only a server-side dry run of each Job (for clusters where no Pod may be created).
    #[arg(long)]
    pub dry_run: bool,
    /// How the API server treats unknown fields of the Job: `launcher` (as the launcher
    /// posts it: dropped, and reported as dropped) or `strict` (refused).
    #[arg(long, value_enum, default_value_t = FieldValidationArg::Launcher)]
    pub field_validation: FieldValidationArg,
    /// Seconds the Pod may take to become Running before `checks:` run (image pulls),
    /// on top of `--timeout`.
    #[arg(long, default_value_t = 300)]
    pub running_timeout: u64,
}

/// `--field-validation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FieldValidationArg {
    /// No `fieldValidation` parameter, as the launcher: unknown fields are dropped.
    Launcher,
    /// `fieldValidation=Strict`: the server refuses unknown fields.
    Strict,
}

impl LiveArgs {
    /// The timeout as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// The live options these flags ask for.
    #[cfg(feature = "cluster")]
    pub fn options(&self, namespace: Option<String>) -> crate::cluster::LiveOptions {
        use crate::cluster::{FieldValidation, LiveOptions};
        LiveOptions {
            timeout: self.timeout(),
            dry_run: self.dry_run,
            keep: self.keep,
            namespace,
            field_validation: match self.field_validation {
                FieldValidationArg::Launcher => FieldValidation::Launcher,
                FieldValidationArg::Strict => FieldValidation::Strict,
            },
            running_timeout: Duration::from_secs(self.running_timeout),
            progress: true,
            ..LiveOptions::default()
        }
    }
}

/// The host's users and groups for a command that reads one case or profiles file.
#[derive(Debug, clap::Args)]
pub struct HostDbArgs {
    /// A directory holding `group` and `passwd` as `getent group` and `getent passwd` print
    /// them on the Workbench host (default: the case's `host/`, when it has one).
    #[arg(long, value_name = "DIR", env = "JJO_HOST_DB")]
    pub host_db: Option<PathBuf>,
}

/// The cluster's nodes for the admin tools (`jjo lint`, `jjo diff`, `jjo init`).
#[derive(Debug, clap::Args)]
pub struct NodesArgs {
    /// The cluster's nodes as `kubectl get nodes -o yaml` writes them (default: the
    /// `nodes.yaml` of the configuration, its case or its suite, when there is one).
    #[arg(long, value_name = "FILE")]
    pub nodes: Option<PathBuf>,
}
