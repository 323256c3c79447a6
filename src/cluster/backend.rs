//! Cluster backends: kind (through the `kind` CLI), an existing cluster through a
//! kubeconfig context, and (feature `k3s`) a K3s container. Each yields a [`Cluster`].

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU32;
use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

use super::Error;
use super::retry::{Op, RetryPolicy};
use super::watch::watch_until;

/// The name of the kind cluster jjo creates and reuses.
pub const KIND_CLUSTER_NAME: &str = "jjo";
/// The kubeconfig context kind writes for [`KIND_CLUSTER_NAME`] (`kind-<name>`): the only
/// context `--cluster kind` talks to, whatever a kubeconfig's current context is.
pub const KIND_CONTEXT: &str = "kind-jjo";

/// Where a live run gets its cluster from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A local kind cluster named [`KIND_CLUSTER_NAME`], created from `config` if missing.
    Kind {
        /// The kind config file (the repository's `kind-config.yaml`).
        config: PathBuf,
        /// Delete and create the cluster even if it exists.
        recreate: bool,
        /// The node image (`kindest/node:v1.33.1`); kind's default when `None`.
        image: Option<String>,
        /// The kubeconfig of a kind cluster that is already up (`JJO_KUBECONFIG`): used
        /// through its [`KIND_CONTEXT`] context only, instead of calling `kind`.
        kubeconfig: Option<PathBuf>,
    },
    /// An existing cluster, e.g. staging, through an explicit kubeconfig context.
    Kubeconfig {
        /// The kubeconfig file; `$KUBECONFIG` or `~/.kube/config` when `None`.
        path: Option<PathBuf>,
        /// The context to use; required, so a run never lands on a cluster by accident.
        context: String,
        /// Run every case in this namespace (namespace-scoped rights only) instead of
        /// creating one per case.
        namespace: Option<String>,
    },
    /// A K3s container started for this run (needs a Docker engine).
    #[cfg(feature = "k3s")]
    K3s,
    /// A control plane of this machine's own, started for this run from the builds in the
    /// cache (`ci/control-plane/build`); no kubelet, so Pods stay Pending.
    Local {
        /// The Kubernetes minor to run (`--kubernetes 1.31`): its build, or a newer one under
        /// `--emulated-version`; the newest build when `None`.
        minor: Option<u8>,
        /// The cache of builds; the build script's default when `None`.
        cache: Option<PathBuf>,
    },
}

/// A connected cluster: the client, the shared namespace if any, and whatever must live as
/// long as the run (the temporary kubeconfig, the K3s container).
pub struct Cluster {
    /// The client for every API call.
    pub client: Client,
    /// The namespace every case runs in, in namespace-scoped mode.
    pub namespace: Option<String>,
    /// The kubeconfig file this run uses (temporary for kind and k3s).
    pub kubeconfig: Option<PathBuf>,
    /// The API server's `/version` (`gitVersion`, e.g. `v1.33.1`), when it answered.
    pub version: Option<String>,
    /// The minor the server emulates (`--emulated-version kube=1.31`) when that is not the
    /// binary's own: what it stands for, although it is not an older server in every respect.
    pub emulated: Option<u8>,
    /// Whether the cluster runs containers (has kubelets); a local control plane does not,
    /// so runtime `checks:` cannot run there.
    pub runs_containers: bool,
    /// The local control plane this cluster is, stopped when the cluster is dropped.
    pub local: Option<super::local::ControlPlane>,
    _temp: Option<tempfile::TempPath>,
    #[cfg(feature = "k3s")]
    _container: Option<testcontainers::ContainerAsync<testcontainers_modules::k3s::K3s>>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("namespace", &self.namespace)
            .field("kubeconfig", &self.kubeconfig)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Reads the server's `/version` into [`Cluster::version`] if it is not known yet.
    pub async fn fetch_version(&mut self) {
        if self.version.is_none() {
            self.version = server_version(&self.client).await;
        }
    }

    /// A cluster from an existing client (tests, embedding).
    pub fn from_client(client: Client, namespace: Option<String>) -> Cluster {
        Cluster {
            client,
            namespace,
            kubeconfig: None,
            version: None,
            emulated: None,
            runs_containers: true,
            local: None,
            _temp: None,
            #[cfg(feature = "k3s")]
            _container: None,
        }
    }
}

impl Backend {
    /// Connects: creates or reuses the cluster, waits until a node is Ready, and reads the
    /// server's `/version`. A kind cluster whose version is not the one `image` names is an
    /// error (`--recreate` replaces it).
    pub async fn connect(&self) -> Result<Cluster, Error> {
        self.connect_with(true).await
    }

    /// Connects to a cluster that exists, never creating one (`jjo gc`).
    pub async fn connect_existing(&self) -> Result<Cluster, Error> {
        self.connect_with(false).await
    }

    async fn connect_with(&self, create: bool) -> Result<Cluster, Error> {
        let mut cluster = match self {
            Backend::Kind {
                config,
                recreate,
                image,
                kubeconfig,
            } => {
                let recreate = *recreate && create;
                let mut cluster = match kubeconfig.as_ref().filter(|_| !recreate) {
                    // Another process of this run (or CI) already brought the cluster up.
                    Some(path) => {
                        let client = client_from_kubeconfig(path, Some(KIND_CONTEXT), "kind")
                            .await
                            .map_err(kind_context_hint)?;
                        Cluster {
                            kubeconfig: Some(path.clone()),
                            ..Cluster::from_client(client, None)
                        }
                    }
                    None => {
                        let temp = kind_up(config, recreate, create, image.as_deref()).await?;
                        let client =
                            client_from_kubeconfig(&temp, Some(KIND_CONTEXT), "kind").await?;
                        Cluster {
                            kubeconfig: Some(temp.to_path_buf()),
                            _temp: Some(temp),
                            ..Cluster::from_client(client, None)
                        }
                    }
                };
                if create {
                    wait_for_ready_node(&cluster.client, Duration::from_secs(180)).await?;
                }
                cluster.version = server_version(&cluster.client).await;
                if let (Some(image), true) = (image, create) {
                    check_kind_version(image, cluster.version.as_deref())?;
                }
                return Ok(cluster);
            }
            Backend::Kubeconfig {
                path,
                context,
                namespace,
            } => {
                let path = match path {
                    Some(path) => path.clone(),
                    None => default_kubeconfig_path()?,
                };
                let client = client_from_kubeconfig(&path, Some(context), "kubeconfig").await?;
                Cluster {
                    kubeconfig: Some(path),
                    ..Cluster::from_client(client, namespace.clone())
                }
            }
            #[cfg(feature = "k3s")]
            Backend::K3s if !create => {
                return Err(Error::Backend {
                    backend: "k3s",
                    message: "a K3s cluster lives only as long as its run: nothing to collect"
                        .into(),
                    hint: None,
                });
            }
            #[cfg(feature = "k3s")]
            Backend::K3s => k3s_up().await?,
            Backend::Local { .. } if !create => {
                return Err(Error::Backend {
                    backend: "local",
                    message: "a local control plane lives only as long as its run: no cluster to collect from".into(),
                    hint: None,
                });
            }
            Backend::Local { minor, cache } => local_up(*minor, cache.as_deref()).await?,
        };
        cluster.version = server_version(&cluster.client).await;
        Ok(cluster)
    }
}

/// Starts a local control plane for `minor` from the cache.
async fn local_up(minor: Option<u8>, cache: Option<&Path>) -> Result<Cluster, Error> {
    use super::local;
    let root = local::cache_root(cache).ok_or_else(|| Error::Backend {
        backend: "local",
        message:
            "no cache directory: none of `JJO_CONTROL_PLANE_CACHE`, `XDG_CACHE_HOME`, `HOME` is set"
                .into(),
        hint: Some("pass `--control-plane-cache DIR`".into()),
    })?;
    let choice = local::choose(&root, &local::builds(&root), minor)?;
    let (plane, client) = local::ControlPlane::start(&choice).await?;
    Ok(Cluster {
        kubeconfig: Some(plane.kubeconfig().to_path_buf()),
        emulated: choice.emulated,
        runs_containers: false,
        local: Some(plane),
        ..Cluster::from_client(client, None)
    })
}

/// The API server's `gitVersion` from `/version`; `None` when it cannot be read (the
/// prediction then assumes the newest supported version and says so).
pub(crate) async fn server_version(client: &Client) -> Option<String> {
    client
        .apiserver_version()
        .await
        .ok()
        .map(|info| info.git_version)
}

/// The Kubernetes version a kind node image names: `kindest/node:v1.33.1@sha256:…` →
/// `v1.33.1`.
pub(crate) fn kind_image_version(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let (_, tag) = image.rsplit_once(':')?;
    (!tag.contains('/')).then_some(tag)
}

/// An existing kind cluster must run the version `--kind-image` asks for, or every case
/// would silently test another Kubernetes.
pub(crate) fn check_kind_version(image: &str, server: Option<&str>) -> Result<(), Error> {
    let (Some(wanted), Some(server)) = (kind_image_version(image), server) else {
        return Ok(());
    };
    let rest = server.strip_prefix(wanted);
    if rest.is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_digit())) {
        return Ok(());
    }
    Err(Error::Backend {
        backend: "kind",
        message: format!(
            "the kind cluster `{KIND_CLUSTER_NAME}` runs Kubernetes `{server}`, but `--kind-image` is `{image}` (`{wanted}`)"
        ),
        hint: Some("add `--recreate` to replace the cluster with one from that image".into()),
    })
}

/// A missing `kind-jjo` context in `JJO_KUBECONFIG` gets the reason jjo insists on it.
fn kind_context_hint(err: Error) -> Error {
    match err {
        Error::Backend {
            backend,
            message,
            hint,
        } if message.contains(&format!("context `{KIND_CONTEXT}` not found")) => Error::Backend {
            backend,
            message,
            hint: Some(format!(
                "`--cluster kind` only talks to the kind cluster `{KIND_CLUSTER_NAME}` (context `{KIND_CONTEXT}`), never a kubeconfig's current context; for another cluster use `--cluster kubeconfig --context NAME`{}",
                hint.map(|h| format!(" ({h})")).unwrap_or_default()
            )),
        },
        other => other,
    }
}

fn default_kubeconfig_path() -> Result<PathBuf, Error> {
    if let Some(first) =
        std::env::var_os("KUBECONFIG").and_then(|v| std::env::split_paths(&v).next())
    {
        return Ok(first);
    }
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".kube").join("config"))
        .ok_or_else(|| Error::Backend {
            backend: "kubeconfig",
            message: "no kubeconfig: neither `KUBECONFIG` nor `HOME` is set".into(),
            hint: Some("pass the file with `JJO_KUBECONFIG`".into()),
        })
}

/// A client from a kubeconfig file and context (the file's current context when `None`).
pub(crate) async fn client_from_kubeconfig(
    path: &Path,
    context: Option<&str>,
    backend: &'static str,
) -> Result<Client, Error> {
    let fail = |message: String, hint: Option<String>| Error::Backend {
        backend,
        message,
        hint,
    };
    let kubeconfig = Kubeconfig::read_from(path).map_err(|e| {
        fail(
            format!("cannot read kubeconfig `{}`: {e}", path.display()),
            None,
        )
    })?;
    if let Some(context) = context {
        let names: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if !names.contains(&context) {
            let hint = crate::diag::did_you_mean(context, names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(format!("contexts in the file: {}", names.join(", "))));
            return Err(fail(
                format!("context `{context}` not found in `{}`", path.display()),
                hint,
            ));
        }
    }
    let options = KubeConfigOptions {
        context: context.map(str::to_string),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| fail(format!("bad kubeconfig `{}`: {e}", path.display()), None))?;
    client_from_config(config).map_err(|e| fail(format!("cannot build a client: {e}"), None))
}

/// A client for live runs: kube's own retry layer is turned off, because jjo's
/// [`RetryPolicy`] retries within the case timeout and reports how often it tried (kube's
/// would wait up to minutes on a 503 before jjo sees it).
pub fn client_from_config(mut config: Config) -> Result<Client, kube::Error> {
    config.default_retry = false;
    Client::try_from(config)
}

/// Runs `kind` with arguments, returning stdout; the error carries stderr.
async fn kind(args: &[&str]) -> Result<String, Error> {
    let output = tokio::process::Command::new("kind")
        .args(args)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| Error::Backend {
            backend: "kind",
            message: format!("cannot run `kind`: {e}"),
            hint: Some("install kind (https://kind.sigs.k8s.io) and a container engine".into()),
        })?;
    if !output.status.success() {
        return Err(Error::Backend {
            backend: "kind",
            message: format!(
                "`kind {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            hint: None,
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// What to do with the kind cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindPlan {
    /// It exists: use it.
    Reuse,
    /// It does not exist: create it.
    Create,
    /// It exists but `--recreate` asks for a fresh one.
    Recreate,
}

/// Decides from whether the cluster exists; with `create` false (`jjo gc`) a missing
/// cluster is an error, never a reason to make one.
pub(crate) fn kind_plan(present: bool, recreate: bool, create: bool) -> Result<KindPlan, Error> {
    match (present, create) {
        (false, false) => Err(Error::Backend {
            backend: "kind",
            message: format!("there is no kind cluster `{KIND_CLUSTER_NAME}`: nothing to collect"),
            hint: Some(
                "`jjo gc` never creates a cluster; `kind get clusters` lists those that exist"
                    .into(),
            ),
        }),
        (false, true) => Ok(KindPlan::Create),
        (true, true) if recreate => Ok(KindPlan::Recreate),
        (true, _) => Ok(KindPlan::Reuse),
    }
}

/// The kind config to create the cluster from: `config` as given when it exists (relative
/// to the working directory), else `config` in the nearest directory above the working
/// directory that holds `Cargo.toml` or `cases/` (the repository). Missing everywhere is an
/// error naming where it looked.
pub(crate) fn resolve_kind_config(config: &Path, cwd: &Path) -> Result<PathBuf, Error> {
    let mut looked = Vec::new();
    let direct = cwd.join(config);
    if direct.is_file() {
        return Ok(direct);
    }
    looked.push(direct);
    if config.is_relative() {
        for dir in cwd.ancestors().skip(1) {
            if dir.join("Cargo.toml").is_file() || dir.join("cases").is_dir() {
                let candidate = dir.join(config);
                if candidate.is_file() {
                    return Ok(candidate);
                }
                looked.push(candidate);
                break;
            }
        }
    }
    Err(Error::Backend {
        backend: "kind",
        message: format!(
            "kind config `{}` not found (looked at {})",
            config.display(),
            looked
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        hint: Some(
            "run from the repository (it ships `kind-config.yaml`), or pass `--kind-config PATH`"
                .into(),
        ),
    })
}

/// Creates (or reuses, or recreates) the kind cluster and writes its kubeconfig to a
/// temporary file. `--kubeconfig` is passed to every call so `~/.kube/config` is never
/// touched. With `create` false it only reuses.
async fn kind_up(
    config: &Path,
    recreate: bool,
    create: bool,
    image: Option<&str>,
) -> Result<tempfile::TempPath, Error> {
    let temp = tempfile::Builder::new()
        .prefix("jjo-kind-")
        .suffix(".kubeconfig")
        .tempfile()
        .map_err(|e| Error::Backend {
            backend: "kind",
            message: format!("cannot create a temporary file: {e}"),
            hint: None,
        })?
        .into_temp_path();
    let kubeconfig = temp.to_string_lossy().into_owned();
    let exists = |clusters: &str| clusters.lines().any(|l| l.trim() == KIND_CLUSTER_NAME);
    let present = exists(&kind(&["get", "clusters"]).await?);
    let plan = kind_plan(present, recreate, create)?;
    if plan == KindPlan::Recreate {
        kind(&[
            "delete",
            "cluster",
            "--name",
            KIND_CLUSTER_NAME,
            "--kubeconfig",
            &kubeconfig,
        ])
        .await?;
    }
    if plan != KindPlan::Reuse {
        let cwd = std::env::current_dir().unwrap_or_default();
        let config = resolve_kind_config(config, &cwd)?;
        let config = config.to_string_lossy().into_owned();
        let mut args = vec![
            "create",
            "cluster",
            "--name",
            KIND_CLUSTER_NAME,
            "--config",
            &config,
            "--kubeconfig",
            &kubeconfig,
        ];
        if let Some(image) = image {
            args.extend(["--image", image]);
        }
        if let Err(err) = kind(&args).await {
            // Another process of this run may have created it in the meantime.
            if !exists(&kind(&["get", "clusters"]).await?) {
                return Err(err);
            }
        }
    }
    let text = kind(&["get", "kubeconfig", "--name", KIND_CLUSTER_NAME]).await?;
    std::fs::write(&temp, text).map_err(|e| Error::Backend {
        backend: "kind",
        message: format!("cannot write `{kubeconfig}`: {e}"),
        hint: None,
    })?;
    Ok(temp)
}

/// Waits with a watch until some node has condition Ready=True.
pub(crate) async fn wait_for_ready_node(client: &Client, timeout: Duration) -> Result<(), Error> {
    let nodes: Api<Node> = Api::all(client.clone());
    let op = Op::new("watch", "", "nodes", None);
    let restarts = AtomicU32::new(0);
    let retry = RetryPolicy::default();
    let ready = watch_until(&nodes, &op, None, None, &retry, &restarts, |node: &Node| {
        node.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
            .then_some(())
    });
    tokio::time::timeout(timeout, ready)
        .await
        .map_err(|_| Error::Timeout {
            phase: "waiting for a node to be ready".into(),
            after: timeout,
        })?
}

#[cfg(feature = "k3s")]
async fn k3s_up() -> Result<Cluster, Error> {
    use testcontainers::ImageExt;
    use testcontainers::runners::AsyncRunner;
    use testcontainers_modules::k3s::{K3s, KUBE_SECURE_PORT};
    let fail = |message: String| Error::Backend {
        backend: "k3s",
        message,
        hint: None,
    };
    let dir = tempfile::tempdir()
        .map_err(|e| fail(format!("cannot create a temporary directory: {e}")))?;
    let container = K3s::default()
        .with_conf_mount(dir.path())
        .with_privileged(true)
        .with_userns_mode("host")
        .start()
        .await
        .map_err(|e| fail(format!("cannot start the K3s container: {e}")))?;
    let port = container
        .get_host_port_ipv4(KUBE_SECURE_PORT)
        .await
        .map_err(|e| fail(format!("no port for the K3s API: {e}")))?;
    let text = container
        .image()
        .read_kube_config()
        .map_err(|e| fail(format!("no kubeconfig from K3s: {e}")))?;
    let mut kubeconfig =
        Kubeconfig::from_yaml(&text).map_err(|e| fail(format!("bad K3s kubeconfig: {e}")))?;
    for named in &mut kubeconfig.clusters {
        if let Some(cluster) = named.cluster.as_mut() {
            cluster.server = Some(format!("https://127.0.0.1:{port}"));
        }
    }
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .map_err(|e| fail(format!("bad K3s kubeconfig: {e}")))?;
    let client =
        client_from_config(config).map_err(|e| fail(format!("cannot build a client: {e}")))?;
    wait_for_ready_node(&client, Duration::from_secs(180)).await?;
    Ok(Cluster {
        _container: Some(container),
        ..Cluster::from_client(client, None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster: {server: 'http://127.0.0.1:1'}
users:
- name: me
  user: {token: abc}
contexts:
- name: staging
  context: {cluster: staging, user: me}
current-context: staging
";

    #[tokio::test(flavor = "current_thread")]
    async fn an_unknown_context_is_an_error_with_a_hint() {
        let Ok(file) = tempfile::NamedTempFile::new() else {
            return;
        };
        assert!(std::fs::write(file.path(), KUBECONFIG).is_ok());
        let err = client_from_kubeconfig(file.path(), Some("stagng"), "kubeconfig").await;
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("context `stagng` not found"), "{text}");
        let ok = client_from_kubeconfig(file.path(), Some("staging"), "kubeconfig").await;
        assert!(ok.is_ok());
    }

    #[test]
    fn gc_never_creates_a_kind_cluster() {
        let err = kind_plan(false, false, false).unwrap_err().to_string();
        assert!(err.contains("no kind cluster `jjo`"), "{err}");
        assert!(kind_plan(false, true, false).is_err());
        // `--recreate` never deletes from gc either.
        assert_eq!(kind_plan(true, true, false).ok(), Some(KindPlan::Reuse));
        assert_eq!(kind_plan(false, false, true).ok(), Some(KindPlan::Create));
        assert_eq!(kind_plan(true, true, true).ok(), Some(KindPlan::Recreate));
        assert_eq!(kind_plan(true, false, true).ok(), Some(KindPlan::Reuse));
    }

    #[test]
    fn the_kind_image_names_the_version_the_cluster_must_run() {
        let pinned = "kindest/node:v1.31.9@sha256:b94a3a6c06198d17f59cca8c6f486236fa05e2fb359cbd75dabbfc348a10b211";
        assert_eq!(kind_image_version(pinned), Some("v1.31.9"));
        assert_eq!(kind_image_version("localhost:5000/node"), None);
        assert!(check_kind_version(pinned, Some("v1.31.9")).is_ok());
        assert!(check_kind_version(pinned, None).is_ok());
        let err = check_kind_version(pinned, Some("v1.33.1")).unwrap_err();
        assert!(
            err.to_string().contains("runs Kubernetes `v1.33.1`"),
            "{err}"
        );
        assert!(err.hint().unwrap_or_default().contains("--recreate"));
        // v1.31.9 is not v1.31.90.
        assert!(check_kind_version(pinned, Some("v1.31.90")).is_err());
    }

    #[test]
    fn the_kind_config_is_found_in_the_repository_or_named_as_missing() {
        let Ok(repo) = tempfile::tempdir() else {
            return;
        };
        let sub = repo.path().join("cases").join("a");
        assert!(std::fs::create_dir_all(&sub).is_ok());
        assert!(std::fs::write(repo.path().join("Cargo.toml"), "").is_ok());
        let config = Path::new("kind-config.yaml");
        let err = resolve_kind_config(config, &sub).unwrap_err().to_string();
        assert!(
            err.contains("kind config `kind-config.yaml` not found"),
            "{err}"
        );
        assert!(
            err.contains(&repo.path().join("kind-config.yaml").display().to_string()),
            "{err}"
        );
        assert!(std::fs::write(repo.path().join("kind-config.yaml"), "kind: Cluster").is_ok());
        assert_eq!(
            resolve_kind_config(config, &sub).ok(),
            Some(repo.path().join("kind-config.yaml"))
        );
    }
}
