//! The `cases` test target: one libtest-mimic trial per case directory under `cases/`, so that
//! `cargo test`, `cargo test -- NAME`, `--list`, `--exact`, `--ignored` and `cargo nextest run`
//! work as for any Rust test. All logic lives in the library (`jjo::plan`, `jjo::pipeline`,
//! `jjo::live`).
//!
//! Each case is two trials: `<case>` (offline: patched Job, validation, predicted Pod) and
//! `live::<case>` (the case on a cluster). The environment is read once, by clap, with the
//! same flags as `jjo test` ([`jjo::env::Env`]), and resolved into a test plan as `jjo test`'s
//! flags are ([`jjo::plan::Plan`]): the cases, how to read them, blessing and the cluster. Without a cluster (`JJO_CLUSTER` unset or
//! `none`) the live trials are marked ignored when they are listed, not when they run:
//! nextest lists the trials in one process and runs each in another, and counts a trial that
//! returns "ignored" at run time as passed.
//!
//! With `JJO_CLUSTER` unset, the live trials run on a local control plane (`--cluster local`)
//! when `ci/control-plane/build` has built one into the cache, and are ignored otherwise, with
//! a note naming the command. With a local control plane, `live-versions::1.<minor>` runs every
//! case on each minor 1.31–1.37 (failing on any prediction drift), and `local::` kills jjo
//! mid-run and checks that nothing is left.
//!
//! Two `harness::` trials check that listing by running this binary again with `--list`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // The plan `jjo test` resolves from its flags, here from the `JJO_*` variables.
    let env = match jjo::env::Env::read() {
        Ok(env) => env,
        Err(e) => return fail(&e),
    };
    let builds = env.cluster.control_plane_cache.clone();
    let (plan, why_offline) = match jjo::plan::Plan::for_harness(&root, env) {
        Ok(resolved) => resolved,
        Err(e) => return fail(&e),
    };
    let plan = Arc::new(plan);
    let live = Arc::new(live::Live::new(Arc::clone(&plan), why_offline, builds));
    if !live.configured() && !args.list {
        eprintln!("note: live trials are ignored: {}", live.why_not());
    }
    let mut trials = Vec::new();
    let cases = plan.cases.clone();
    let names: Vec<String> = cases.iter().map(|(name, _)| name.clone()).collect();
    for (name, dir) in cases.clone() {
        let (offline_name, offline_dir) = (name.clone(), dir.clone());
        let plan = Arc::clone(&plan);
        trials.push(
            Trial::test(name.clone(), move || {
                let (result, warnings) = plan.run_offline(&offline_name, &offline_dir);
                // Not a failure, and not a pass either: the `live::` trial decides it.
                if let Some(why) = result.not_decided() {
                    eprintln!("note: {offline_name}: not decided offline: {why}");
                }
                outcome(&result, &warnings)
            })
            .with_kind("case"),
        );
        let live = Arc::clone(&live);
        let configured = live.configured();
        trials.push(
            Trial::test(format!("live::{name}"), move || live.run(&name, &dir))
                .with_kind("live")
                .with_ignored_flag(!configured),
        );
    }
    trials.extend(live::local_trials(&live, &cases, &plan.load, args.list));
    #[cfg(feature = "cluster")]
    trials.extend(on_local::trials(live.builds_root(), args.list));
    trials.extend(listing::trials(names));
    let conclusion = libtest_mimic::run(&args, trials);
    #[cfg(feature = "cluster")]
    on_local::stop();
    conclusion.exit_code()
}

fn fail(err: &jjo::error::Error) -> ExitCode {
    jjo::report::error(err);
    ExitCode::from(jjo::error::exit::ERROR)
}

fn outcome(
    result: &jjo::pipeline::CaseResult,
    warnings: &[jjo::diag::Warning],
) -> Result<(), Failed> {
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if result.passed() {
        Ok(())
    } else {
        Err(Failed::from(jjo::report::failure_text(result)))
    }
}

#[cfg(feature = "cluster")]
mod live {
    use std::sync::OnceLock;

    use super::*;
    use jjo::cluster::{Backend, LiveOptions, local};
    use jjo::error::Error;
    use jjo::live::Runner;

    /// The plan's cluster, connected on first use (so `--list` never starts one) and shared
    /// by every live trial of this process.
    pub struct Live {
        plan: Arc<jjo::plan::Plan>,
        runner: OnceLock<Result<Runner, String>>,
        /// Why the live trials are ignored, when they are.
        why_not: String,
        /// The cache of local builds, when the live trials run on them.
        cache: Option<PathBuf>,
        /// Where local builds are looked for, whatever the live trials run on.
        builds_root: Option<PathBuf>,
    }

    impl Live {
        /// The live trials of `plan`, ignored for `why_not` when it has no cluster; local
        /// builds are looked for in `builds` (`JJO_CONTROL_PLANE_CACHE`), else the default.
        pub fn new(plan: Arc<jjo::plan::Plan>, why_not: String, builds: Option<PathBuf>) -> Live {
            let builds_root = local::cache_root(builds.as_deref());
            let on_local = matches!(plan.cluster, Some(Backend::Local { .. }));
            Live {
                plan,
                runner: OnceLock::new(),
                why_not,
                cache: if on_local { builds_root.clone() } else { None },
                builds_root,
            }
        }

        /// Where local control-plane builds are looked for.
        pub fn builds_root(&self) -> Option<PathBuf> {
            self.builds_root.clone()
        }

        /// Whether a cluster is configured, i.e. whether live trials run.
        pub fn configured(&self) -> bool {
            self.plan.cluster.is_some()
        }

        /// Why the live trials are ignored.
        pub fn why_not(&self) -> &str {
            &self.why_not
        }

        /// Runs one case on the cluster; without one (`--ignored` asked for it), fails.
        pub fn run(&self, name: &str, dir: &Path) -> Result<(), Failed> {
            if !self.configured() {
                return Err(Failed::from(format!(
                    "needs a cluster: {}",
                    jjo::plan::SET_A_CLUSTER
                )));
            }
            let runner = self.runner.get_or_init(|| match self.plan.connect() {
                Ok(Some(runner)) => Ok(runner),
                Ok(None) => Err("the plan has no cluster".into()),
                Err(e) => Err(message(&e)),
            });
            let runner = runner
                .as_ref()
                .map_err(|e| Failed::from(format!("cannot reach the cluster: {e}")))?;
            let (result, warnings, _) = self.plan.run_live(runner, name, dir);
            outcome(&result, &warnings)
        }
    }

    fn message(e: &Error) -> String {
        match e.hint() {
            Some(hint) => format!("{e}\n  hint: {hint}"),
            None => e.to_string(),
        }
    }

    /// The minors every shipped case must pass on with zero prediction drift.
    const MINORS: std::ops::RangeInclusive<u8> = 31..=37;

    /// `live-versions::1.<minor>` for each minor, and `local::` kill tests: they need local
    /// builds (and jjo's predictor to know the minor); ignored otherwise, with a note.
    pub fn local_trials(
        live: &Live,
        cases: &[(String, PathBuf)],
        load_opts: &jjo::case::LoadOptions,
        listing: bool,
    ) -> Vec<Trial> {
        let builds = live.cache.as_deref().map(local::builds).unwrap_or_default();
        let mut trials = Vec::new();
        let mut notes = Vec::new();
        for minor in MINORS {
            let why_not = match &live.cache {
                None => Some("they run on `--cluster local` only".to_string()),
                Some(root) => local::choose(root, &builds, Some(minor))
                    .err()
                    .map(|e| message(&Error::Cluster(Box::new(e)))),
            }
            .or_else(|| {
                jjo::predict::Version::parse(&format!("1.{minor}"))
                    .err()
                    .map(|e| format!("jjo does not predict for it: {e}"))
            });
            if let Some(why) = &why_not {
                notes.push(format!(
                    "live-versions::1.{minor}: {}",
                    why.lines().next().unwrap_or_default()
                ));
            }
            let (cases, load_opts, cache) = (cases.to_vec(), load_opts.clone(), live.cache.clone());
            trials.push(
                Trial::test(format!("live-versions::1.{minor}"), move || {
                    every_case_on(minor, cache, &cases, &load_opts)
                })
                .with_kind("live")
                .with_ignored_flag(why_not.is_some()),
            );
        }
        let no_build = builds.is_empty();
        for (name, signal) in [
            ("local::ctrl_c_mid_run_leaves_nothing", libc::SIGINT),
            ("local::sigkill_mid_run_leaves_nothing", libc::SIGKILL),
        ] {
            trials.push(
                Trial::test(name, move || kill::mid_run(signal))
                    .with_kind("live")
                    .with_ignored_flag(no_build),
            );
        }
        if !listing && !notes.is_empty() && live.configured() {
            eprintln!("note: ignored: {}", notes.join("; "));
        }
        trials
    }

    /// Every case on a control plane of `minor`, started and stopped by this trial: any
    /// failed case or prediction drift fails it, each named.
    fn every_case_on(
        minor: u8,
        cache: Option<PathBuf>,
        cases: &[(String, PathBuf)],
        load_opts: &jjo::case::LoadOptions,
    ) -> Result<(), Failed> {
        let backend = Backend::Local {
            minor: Some(minor),
            cache,
        };
        let runner = Runner::connect(&backend, LiveOptions::default()).map_err(|e| {
            format!(
                "cannot start the control plane for 1.{minor}: {}",
                message(&e)
            )
        })?;
        let mut problems = Vec::new();
        for (name, dir) in cases {
            let (result, warnings, _) = jjo::live::run_case(&runner, name, dir, load_opts);
            if !result.passed() {
                problems.push(format!("{name}: {}", jjo::report::failure_text(&result)));
            }
            for w in warnings.iter().map(|w| w.to_string()) {
                if w.starts_with("prediction drift") {
                    problems.push(format!("{name}: {w}"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failed::from(problems.join("\n")))
        }
    }

    /// jjo killed while a local control plane runs: nothing may be left.
    mod kill {
        use std::path::{Path, PathBuf};
        use std::process::{Command, Stdio};
        use std::time::{Duration, Instant};

        use libtest_mimic::Failed;

        /// Runs `jjo test cases/ --cluster local`, sends `signal` once its control plane
        /// answers, and checks that no process, port or directory of it is left.
        pub fn mid_run(signal: i32) -> Result<(), Failed> {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut jjo = Command::new(env!("CARGO_BIN_EXE_jjo"))
                .args(["test", "cases/", "--cluster", "local", "--color", "never"])
                .current_dir(root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start jjo: {e}"))?;
            let Some(dir) = wait_for_control_plane(jjo.id()) else {
                let _ = jjo.kill();
                let _ = jjo.wait();
                return Err("the control plane did not answer within 120 s".into());
            };
            let port = apiserver_port(&dir).ok_or("no port in the kubeconfig")?;
            let before = processes_naming(&dir);
            if before.len() < 4 {
                let _ = jjo.kill();
                let _ = jjo.wait();
                return Err(format!(
                    "expected the four components and the watcher, found {before:?}"
                )
                .into());
            }
            // SAFETY: kill(2) on our own child, not yet reaped.
            unsafe {
                libc::kill(jjo.id() as libc::pid_t, signal);
            }
            let status = jjo.wait().map_err(|e| format!("wait: {e}"))?;
            if signal == libc::SIGINT && status.code() != Some(130) {
                return Err(format!("jjo exited {status} on Ctrl-C, expected 130").into());
            }
            let left = leftovers(&dir, port, Duration::from_secs(20));
            if left.is_empty() {
                Ok(())
            } else {
                Err(format!("left behind: {}", left.join(", ")).into())
            }
        }

        /// The control plane directory of `pid` (`$TMPDIR/jjo-local-<pid>-*`), once the API
        /// server it names listens and all of its processes run.
        fn wait_for_control_plane(pid: u32) -> Option<PathBuf> {
            let prefix = format!("jjo-local-{pid}-");
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                let found = std::fs::read_dir(std::env::temp_dir())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
                    });
                // The watcher and the four components: the last two start once the API
                // server is ready.
                if let Some(dir) = found
                    && let Some(port) = apiserver_port(&dir)
                    && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && processes_naming(&dir).len() == 5
                {
                    return Some(dir);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        }

        /// The API server's port, from the admin kubeconfig jjo wrote.
        fn apiserver_port(dir: &Path) -> Option<u16> {
            let text = std::fs::read_to_string(dir.join("admin.kubeconfig")).ok()?;
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            let server = value.pointer("/clusters/0/cluster/server")?.as_str()?;
            server.rsplit(':').next()?.parse().ok()
        }

        /// PIDs of processes whose command line names `dir` (every component and the watcher do).
        fn processes_naming(dir: &Path) -> Vec<u32> {
            let needle = dir.to_string_lossy().into_owned();
            std::fs::read_dir("/proc")
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
                .filter(|pid| {
                    std::fs::read(format!("/proc/{pid}/cmdline"))
                        .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
                })
                .collect()
        }

        /// What of the control plane in `dir` is still there once `within` has passed (or
        /// nothing, as soon as nothing is): processes, the API server's port, the directory.
        fn leftovers(dir: &Path, port: u16, within: Duration) -> Vec<String> {
            let deadline = Instant::now() + within;
            loop {
                let mut left = Vec::new();
                let pids = processes_naming(dir);
                if !pids.is_empty() {
                    left.push(format!("processes {pids:?}"));
                }
                if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
                    left.push(format!("port {port}"));
                }
                if dir.exists() {
                    left.push(format!("directory {}", dir.display()));
                }
                if left.is_empty() || Instant::now() > deadline {
                    return left;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// The API double's conformance scenarios (`tests/it/conformance.rs`), here run on the real
/// thing: every control plane `ci/control-plane/build` has built, one of each started once
/// for all of this process's `conformance::` trials and stopped after them.
#[cfg(feature = "cluster")]
#[path = "../tests/it/conformance.rs"]
mod conformance;

#[cfg(feature = "cluster")]
mod on_local {
    use std::sync::{Arc, Mutex, OnceLock};

    use jjo::cluster::local::{self, Build, Choice, ControlPlane};
    use libtest_mimic::{Failed, Trial};

    /// A started control plane, its runtime (the client lives on it) and an admin client.
    struct Plane {
        runtime: tokio::runtime::Runtime,
        plane: ControlPlane,
        client: kube::Client,
    }

    type Slot = Arc<OnceLock<Result<Plane, String>>>;

    /// One slot per build, filled by the first trial that needs it.
    static PLANES: Mutex<Vec<(String, Slot)>> = Mutex::new(Vec::new());

    fn slot(build: &Build) -> Slot {
        let mut planes = PLANES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, slot)) = planes.iter().find(|(v, _)| *v == build.version) {
            return Arc::clone(slot);
        }
        let slot: Slot = Arc::default();
        planes.push((build.version.clone(), Arc::clone(&slot)));
        slot
    }

    fn start(build: &Build) -> Result<Plane, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a runtime: {e}"))?;
        let choice = Choice {
            build: build.clone(),
            emulated: None,
        };
        let (plane, client) = runtime
            .block_on(ControlPlane::start(&choice))
            .map_err(|e| format!("cannot start {}: {e}", build.version))?;
        Ok(Plane {
            runtime,
            plane,
            client,
        })
    }

    /// `conformance::<scenario>` for each scenario: run on every build in `cache`; ignored
    /// (with a note) when there is none.
    pub fn trials(cache: Option<std::path::PathBuf>, listing: bool) -> Vec<Trial> {
        let builds = cache.as_deref().map(local::builds).unwrap_or_default();
        if builds.is_empty() && !listing {
            eprintln!(
                "note: conformance:: trials are ignored: no local control plane built (`ci/control-plane/build v1.34.4`, needs Go)"
            );
        }
        super::conformance::SCENARIOS
            .iter()
            .map(|&(name, scenario)| {
                let builds = builds.clone();
                let none = builds.is_empty();
                Trial::test(format!("conformance::{name}"), move || {
                    let mut problems = Vec::new();
                    for build in &builds {
                        let slot = slot(build);
                        match slot.get_or_init(|| start(build)) {
                            Err(e) => problems.push(e.clone()),
                            Ok(p) => {
                                if let Err(e) = p.runtime.block_on(scenario(p.client.clone())) {
                                    p.plane.keep_logs();
                                    problems.push(format!("kube-apiserver {}: {e}", build.version));
                                }
                            }
                        }
                    }
                    if problems.is_empty() {
                        Ok(())
                    } else {
                        Err(Failed::from(problems.join("\n")))
                    }
                })
                .with_kind("live")
                .with_ignored_flag(none)
            })
            .collect()
    }

    /// Stops every control plane the trials started.
    pub fn stop() {
        let planes = std::mem::take(&mut *PLANES.lock().unwrap_or_else(|p| p.into_inner()));
        for (_, slot) in planes {
            if let Some(Ok(plane)) = Arc::into_inner(slot).and_then(|s| s.into_inner()) {
                let Plane {
                    runtime,
                    plane,
                    client,
                } = plane;
                drop(client);
                if let Some(logs) = plane.stop() {
                    eprintln!(
                        "note: logs of the failed conformance run kept in `{}`",
                        logs.display()
                    );
                }
                drop(runtime);
            }
        }
    }
}

#[cfg(not(feature = "cluster"))]
mod live {
    use super::*;

    /// Without the `cluster` feature, live trials are listed and ignored.
    pub struct Live;

    impl Live {
        /// Nothing to connect: [`jjo::plan::Plan::for_harness`] refused a cluster already.
        pub fn new(_: Arc<jjo::plan::Plan>, _: String, _: Option<PathBuf>) -> Live {
            Live
        }

        /// Why live trials are ignored.
        pub fn why_not(&self) -> &str {
            "jjo was built without the `cluster` feature"
        }

        /// Never: no build without the `cluster` feature runs live trials.
        pub fn configured(&self) -> bool {
            false
        }

        /// Fails: only `--ignored` runs a live trial here, and it cannot run.
        pub fn run(&self, _: &str, _: &Path) -> Result<(), Failed> {
            Err(Failed::from("jjo was built without the `cluster` feature"))
        }
    }

    /// None without the `cluster` feature.
    pub fn local_trials(
        _: &Live,
        _: &[(String, PathBuf)],
        _: &jjo::case::LoadOptions,
        _: bool,
    ) -> Vec<Trial> {
        Vec::new()
    }
}

/// Checks of the listing itself: this binary run again with `--list`, in a clean environment.
mod listing {
    use std::process::{Command, Output};

    use super::*;

    /// Runs this binary with `args` and the extra variables `vars`.
    fn this(args: &[&str], vars: &[(&str, &str)]) -> Result<Output, Failed> {
        let exe = std::env::current_exe().map_err(|e| format!("no current exe: {e}"))?;
        let mut command = Command::new(exe);
        command.args(args);
        // Every variable [`jjo::env::Env`] reads, removed so the child sees no cluster.
        for name in jjo::env::Env::variables() {
            command.env_remove(name);
        }
        // Messages are compared as text: no colours whatever the terminal asks for.
        command.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
        command.envs(vars.iter().copied());
        command
            .output()
            .map_err(|e| Failed::from(format!("cannot run the harness again: {e}")))
    }

    /// The lines of a successful run's stdout.
    fn lines(output: &Output) -> Result<Vec<String>, Failed> {
        if !output.status.success() {
            return Err(format!(
                "exit {:?}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect())
    }

    pub fn trials(names: Vec<String>) -> Vec<Trial> {
        let mut trials = vec![
            Trial::test(
                "harness::without_a_cluster_live_trials_are_listed_as_ignored",
                move || {
                    // nextest asks exactly this (`--list --format terse --ignored`) to decide.
                    // An empty build cache: no local control plane to default to either.
                    let empty = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
                    let cache = empty.path().to_string_lossy().into_owned();
                    let ignored = lines(&this(
                        &["--list", "--format", "terse", "--ignored"],
                        &[("JJO_CONTROL_PLANE_CACHE", cache.as_str())],
                    )?)?;
                    let ignored: Vec<String> = ignored
                        .into_iter()
                        .filter(|l| l.starts_with("[live] live::"))
                        .collect();
                    let expected: Vec<String> = names
                        .iter()
                        .map(|n| format!("[live] live::{n}: test"))
                        .collect();
                    if ignored != expected {
                        return Err(format!(
                            "listed as ignored:\n{ignored:#?}\nexpected:\n{expected:#?}"
                        )
                        .into());
                    }
                    Ok(())
                },
            )
            .with_kind("harness"),
        ];
        trials.push(
            Trial::test("harness::bad_variables_are_named", || {
                let cases = [
                    (
                        ("JJO_CLUSTER", "kinde"),
                        "error: `JJO_CLUSTER` is `kinde`, expected one of `none`, `kind`, \
                         `kubeconfig`, `k3s`, `local`\n  hint: did you mean `kind`?\n",
                    ),
                    (
                        ("JJO_BLESS", "maybe"),
                        "error: `JJO_BLESS` is `maybe`, expected a yes or no\n  hint: use one of \
                         `1`, `true`, `yes`, `on` (or `0`, `false`, `no`, `off`)\n",
                    ),
                ];
                for (var, expected) in cases {
                    let output = this(&["--list"], &[var])?;
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    if output.status.code() != Some(2) || stderr != expected {
                        return Err(format!("exit {:?}: {stderr}", output.status.code()).into());
                    }
                }
                Ok(())
            })
            .with_kind("harness"),
        );
        trials.push(
            Trial::test("harness::the_host_db_variable_reaches_every_case", || {
                // A host that knows no group: the shipped case's `[@staff]` cannot start.
                let host = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
                for (name, text) in [("group", "alice:x:1000:\n"), ("passwd", "")] {
                    std::fs::write(host.path().join(name), text)
                        .map_err(|e| format!("write {name}: {e}"))?;
                }
                let dir = host.path().to_string_lossy().into_owned();
                let output = this(
                    &["two-groups-last-wins", "--exact"],
                    &[("JJO_HOST_DB", dir.as_str())],
                )?;
                let stdout = String::from_utf8_lossy(&output.stdout);
                if output.status.success() || !stdout.contains("the host has no group `staff`") {
                    return Err(format!("exit {:?}: {stdout}", output.status.code()).into());
                }
                Ok(())
            })
            .with_kind("harness"),
        );
        #[cfg(feature = "cluster")]
        trials.push(
            Trial::test(
                "harness::with_a_cluster_no_trial_is_listed_as_ignored",
                || {
                    // Listing never connects, so naming a cluster that does not exist is fine.
                    let ignored = lines(&this(
                        &["--list", "--format", "terse", "--ignored"],
                        &[("JJO_CLUSTER", "kubeconfig"), ("JJO_CONTEXT", "nowhere")],
                    )?)?;
                    // The cases' own trials; `live-versions::` and `local::` need local builds.
                    let ignored: Vec<&String> = ignored
                        .iter()
                        .filter(|l| l.starts_with("[live] live::"))
                        .collect();
                    if !ignored.is_empty() {
                        return Err(format!("listed as ignored: {ignored:#?}").into());
                    }
                    Ok(())
                },
            )
            .with_kind("harness"),
        );
        #[cfg(all(feature = "cluster", not(feature = "k3s")))]
        trials.push(
            Trial::test("harness::k3s_without_the_feature_says_so", || {
                let output = this(&["--list"], &[("JJO_CLUSTER", "k3s")])?;
                let stderr = String::from_utf8_lossy(&output.stderr);
                if output.status.code() != Some(2)
                    || !stderr.contains("built without the `k3s` feature")
                    || stderr.contains("unknown")
                {
                    return Err(format!("exit {:?}: {stderr}", output.status.code()).into());
                }
                Ok(())
            })
            .with_kind("harness"),
        );
        trials
    }
}
