//! The test plan: what a run of `jjo test` or of the cargo test harness does, resolved once
//! from what was asked before any case runs, as ripgrep resolves its `LowArgs` into `HiArgs`:
//! the cases, how each is read, whether goldens are written, the cluster of the live check
//! and how many cases run at once. Both front ends run their cases through it, on one
//! [`pipeline::Prepared`] case each, so neither merges live results into offline ones.
//!
//! Not here: printing (`report`), and the harness's own trials (control planes per minor,
//! kill tests), which are about the cluster code rather than the cases.

use std::path::{Path, PathBuf};

use crate::case::LoadOptions;
use crate::diag::Warning;
use crate::error::Error;
use crate::flags::{ClusterArgs, LiveArgs};
use crate::pipeline::{self, CaseResult, CaseRun, Scope};

#[cfg(feature = "cluster")]
use crate::cluster::{Backend, LiveOptions, local};
#[cfg(feature = "cluster")]
use crate::live::Runner;

/// A run's cases and what to do with them, resolved from the flags or the environment.
#[derive(Debug)]
pub struct Plan {
    /// The cases, in the order they are reported.
    pub cases: Vec<(String, PathBuf)>,
    /// How each case is read (`--allow-unknown-keys`, `--host-db`).
    pub load: LoadOptions,
    /// Whether goldens are written instead of compared; a bless run is offline.
    pub blessing: bool,
    /// The cluster that decides the live check; `None`: offline only.
    #[cfg(feature = "cluster")]
    pub cluster: Option<Backend>,
    /// How a live case runs.
    #[cfg(feature = "cluster")]
    pub live: LiveOptions,
    /// Cases run at once: `--jobs` on a cluster, else every core.
    pub workers: usize,
}

/// The number of cores, the default of every parallel run.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Plan {
    /// `jjo test`'s plan: the cases under `paths`, and the cluster of `cluster` unless
    /// blessing (which writes goldens from the offline run alone).
    pub fn for_test(
        paths: &[PathBuf],
        bless: bool,
        load: LoadOptions,
        cluster: &ClusterArgs,
        live: &LiveArgs,
    ) -> Result<Plan, Error> {
        if bless {
            crate::bless::allowed()?;
        }
        let cases = crate::case::discover(paths)?;
        #[cfg(feature = "cluster")]
        {
            let backend = match bless {
                true => None,
                false => cluster.backend()?,
            };
            let workers = match backend {
                Some(_) => live.jobs.unwrap_or_else(cores),
                None => cores(),
            };
            Ok(Plan {
                cases,
                load,
                blessing: bless,
                cluster: backend,
                live: live.options(cluster.namespace.clone()),
                workers,
            })
        }
        #[cfg(not(feature = "cluster"))]
        {
            let _ = live;
            if !bless {
                cluster.require_offline()?;
            }
            Ok(Plan {
                cases,
                load,
                blessing: bless,
                workers: cores(),
            })
        }
    }

    /// The cargo test harness's plan: every case under `root/cases`, read and blessed as
    /// the `JJO_*` variables say (`env`). Its cluster is the one they name; with
    /// `JJO_CLUSTER` unset, a local control plane when `ci/control-plane/build` has built
    /// one. Also says why the live check does not run, when it does not.
    pub fn for_harness(root: &Path, env: crate::env::Env) -> Result<(Plan, String), Error> {
        if env.bless {
            crate::bless::allowed()?;
        }
        let cases = crate::case::discover(&[root.join("cases")])?;
        let load = LoadOptions {
            allow_unknown_keys: false,
            host_db: env.host.host_db.clone(),
            skip_nodes: false,
        };
        let mut args = env.cluster;
        args.kind_config = root.join(&args.kind_config);
        #[cfg(feature = "cluster")]
        {
            let (backend, why_not) = harness_backend(&args, env.cluster_named)?;
            let plan = Plan {
                cases,
                load,
                blessing: env.bless,
                cluster: backend,
                live: LiveOptions {
                    namespace: args.namespace.clone(),
                    ..LiveOptions::default()
                },
                // libtest-mimic runs the trials on its threads; the plan runs one at a time.
                workers: 1,
            };
            Ok((plan, why_not))
        }
        #[cfg(not(feature = "cluster"))]
        {
            args.require_offline()?;
            let plan = Plan {
                cases,
                load,
                blessing: env.bless,
                workers: 1,
            };
            Ok((plan, "jjo was built without the `cluster` feature".into()))
        }
    }

    /// Connects to the plan's cluster (none for an offline plan).
    #[cfg(feature = "cluster")]
    pub fn connect(&self) -> Result<Option<Runner>, Error> {
        self.cluster
            .as_ref()
            .map(|backend| Runner::connect(backend, self.live.clone()))
            .transpose()
    }

    /// Runs every case of the plan, each prepared once and given all of its checks (the
    /// live one on the plan's cluster, connected first), on [`Plan::workers`] threads;
    /// results in the order of the cases.
    pub fn run(&self) -> Result<Vec<CaseRun>, Error> {
        #[cfg(feature = "cluster")]
        let runner = self.connect()?;
        #[cfg(feature = "cluster")]
        let live = runner.as_ref().map(|r| r as &dyn pipeline::LiveCheck);
        #[cfg(not(feature = "cluster"))]
        let live = None;
        let scope = Scope {
            offline: true,
            blessing: self.blessing,
            live,
        };
        Ok(pipeline::run_all_with(
            &self.cases,
            self.workers,
            |name, dir| pipeline::run_case_in(name, dir, &self.load, scope),
        ))
    }

    /// One case's offline checks (the harness's `<case>` trial).
    pub fn run_offline(&self, name: &str, dir: &Path) -> (CaseResult, Vec<Warning>) {
        pipeline::run_case(name, dir, &self.load, self.blessing)
    }

    /// One case's live check on `runner` (the harness's `live::<case>` trial).
    #[cfg(feature = "cluster")]
    pub fn run_live(
        &self,
        runner: &Runner,
        name: &str,
        dir: &Path,
    ) -> (CaseResult, Vec<Warning>, pipeline::Phases) {
        crate::live::run_case(runner, name, dir, &self.load)
    }
}

/// The harness's cluster: the one the variables name, else (`JJO_CLUSTER` unset, `named`
/// false) a local control plane when one is built; with why the live check does not run
/// when there is none.
#[cfg(feature = "cluster")]
fn harness_backend(args: &ClusterArgs, named: bool) -> Result<(Option<Backend>, String), Error> {
    let mut backend = args.backend()?;
    let mut why_not = format!("no cluster ({SET_A_CLUSTER})");
    let cache = local::cache_root(args.control_plane_cache.as_deref());
    if backend.is_none() && named {
        why_not = "`JJO_CLUSTER` is `none`".into();
    } else if backend.is_none()
        && let Some(root) = &cache
    {
        if local::builds(root).is_empty() {
            why_not = format!(
                "no cluster, and no local control plane built in `{}` ({SET_A_CLUSTER})",
                root.display()
            );
        } else {
            backend = Some(Backend::Local {
                minor: args.kubernetes,
                cache: Some(root.clone()),
            });
        }
    }
    Ok((backend, why_not))
}

/// How to name a cluster, said when live trials are ignored or asked for without one.
pub const SET_A_CLUSTER: &str = "build a local control plane with `ci/control-plane/build v1.34.4` (needs Go; then they run on it), or set `JJO_CLUSTER=kind`, `JJO_CLUSTER=kubeconfig` with `JJO_CONTEXT`, or `JJO_CLUSTER=k3s`";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::ClusterKind;

    /// The flags of `jjo test` with `--cluster`, `--context` and `--jobs` as given, built
    /// by hand so that no `JJO_*` variable of the test's environment gets in.
    fn args(
        cluster: ClusterKind,
        context: Option<&str>,
        jobs: Option<usize>,
    ) -> (ClusterArgs, LiveArgs) {
        let cluster = ClusterArgs {
            cluster,
            context: context.map(str::to_owned),
            namespace: None,
            kubeconfig: None,
            kind_config: "kind-config.yaml".into(),
            kind_image: None,
            recreate: false,
            kubernetes: None,
            control_plane_cache: None,
        };
        let live = LiveArgs {
            jobs,
            timeout: 60,
            keep: false,
            dry_run: false,
            field_validation: crate::flags::FieldValidationArg::Launcher,
            running_timeout: 300,
        };
        (cluster, live)
    }

    fn cases() -> Vec<PathBuf> {
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")]
    }

    #[test]
    fn a_plan_names_every_case_and_is_offline_without_a_cluster() {
        let (cluster, live) = args(ClusterKind::None, None, Some(3));
        let plan =
            Plan::for_test(&cases(), false, LoadOptions::default(), &cluster, &live).expect("plan");
        assert!(plan.cases.iter().any(|(name, _)| name == "seed-privileged"));
        assert!(
            plan.cases
                .iter()
                .any(|(name, _)| name == "shared-etc/anyone")
        );
        // `--jobs` is the live check's: an offline run uses every core.
        assert_eq!(plan.workers, cores());
        #[cfg(feature = "cluster")]
        assert!(plan.cluster.is_none());
    }

    /// The harness's environment, built by hand (no `JJO_*` variable of the test's gets in).
    fn env(cluster: ClusterKind, named: bool, cache: &Path) -> crate::env::Env {
        let (mut cluster, _) = args(cluster, None, None);
        cluster.control_plane_cache = Some(cache.to_path_buf());
        crate::env::Env {
            bless: false,
            cluster,
            host: crate::flags::HostDbArgs { host_db: None },
            cluster_named: named,
        }
    }

    #[cfg(feature = "cluster")]
    #[test]
    fn the_harness_plan_says_why_it_is_offline() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let empty = tempfile::tempdir().expect("temp dir");
        let (plan, why) =
            Plan::for_harness(root, env(ClusterKind::None, true, empty.path())).expect("plan");
        assert!(plan.cluster.is_none());
        assert_eq!(why, "`JJO_CLUSTER` is `none`");
        assert_eq!(plan.cases.len(), cases_under(root));
        // Unset, it would run on a local control plane, but none is built in the cache.
        let (plan, why) =
            Plan::for_harness(root, env(ClusterKind::None, false, empty.path())).expect("plan");
        assert!(plan.cluster.is_none());
        assert!(
            why.starts_with(&format!(
                "no cluster, and no local control plane built in `{}`",
                empty.path().display()
            )),
            "{why}"
        );
        // A named cluster is the plan's, its kind config found in the checkout.
        let (plan, _) =
            Plan::for_harness(root, env(ClusterKind::Kind, true, empty.path())).expect("plan");
        let Some(Backend::Kind { config, .. }) = &plan.cluster else {
            panic!("{:?}", plan.cluster)
        };
        assert_eq!(config, &root.join("kind-config.yaml"));
    }

    /// The cases `jjo test` finds under the checkout's `cases/`.
    fn cases_under(root: &Path) -> usize {
        crate::case::discover(&[root.join("cases")])
            .expect("discovers")
            .len()
    }

    #[cfg(feature = "cluster")]
    #[test]
    fn a_cluster_is_resolved_once_and_a_bless_run_stays_offline() {
        let (cluster, live) = args(ClusterKind::Kubeconfig, Some("x"), Some(3));
        let plan =
            Plan::for_test(&cases(), false, LoadOptions::default(), &cluster, &live).expect("plan");
        assert!(matches!(plan.cluster, Some(Backend::Kubeconfig { .. })));
        assert_eq!(plan.workers, 3);
        // A bad cluster is refused before any case runs.
        let (cluster, live) = args(ClusterKind::Kubeconfig, None, None);
        let err = Plan::for_test(&cases(), false, LoadOptions::default(), &cluster, &live)
            .expect_err("needs a context");
        assert!(err.to_string().contains("--context"), "{err}");
        // Goldens are written from the offline run alone: no cluster, not even resolved.
        if !crate::env::is_ci() {
            let plan = Plan::for_test(&cases(), true, LoadOptions::default(), &cluster, &live)
                .expect("a bless run never reads the cluster flags");
            assert!(plan.cluster.is_none() && plan.blessing);
        }
    }
}
