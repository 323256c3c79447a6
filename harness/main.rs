//! The `cases` test target: one libtest-mimic trial per case directory under `cases/`, so that
//! `cargo test`, `cargo test -- NAME`, `--list`, `--exact`, `--ignored` and `cargo nextest run`
//! work as for any Rust test. All logic lives in the library (`jjo::pipeline`, `jjo::live`).
//!
//! Each case is two trials: `<case>` (offline: patched Job, validation, predicted Pod) and
//! `live::<case>` (the case on a cluster). The environment is read once, by clap, with the
//! same flags as `jjo test` ([`jjo::env::Env`]). Without a cluster (`JJO_CLUSTER` unset or
//! `none`) the live trials are marked ignored when they are listed, not when they run:
//! nextest lists the trials in one process and runs each in another, and counts a trial that
//! returns "ignored" at run time as passed.
//!
//! Two `harness::` trials check that listing by running this binary again with `--list`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

/// How to name a cluster, said when live trials are ignored or asked for without one.
const SET_A_CLUSTER: &str =
    "set `JJO_CLUSTER=kind`, `JJO_CLUSTER=kubeconfig` with `JJO_CONTEXT`, or `JJO_CLUSTER=k3s`";

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let env = match jjo::env::Env::read() {
        Ok(env) => env,
        Err(e) => return fail(&e),
    };
    if env.bless
        && let Err(e) = jjo::bless::allowed()
    {
        return fail(&e);
    }
    let cases = match jjo::case::discover(&[root.join("cases")]) {
        Ok(cases) => cases,
        Err(e) => return fail(&e),
    };
    let load_opts = jjo::case::LoadOptions {
        allow_unknown_keys: false,
        host_db: env.host.host_db.clone(),
    };
    let live = match live::Live::new(&root, env.cluster, load_opts.clone()) {
        Ok(live) => Arc::new(live),
        Err(e) => return fail(&e),
    };
    if !live.configured() && !args.list {
        eprintln!("note: live trials are ignored: no cluster ({SET_A_CLUSTER})");
    }
    let mut trials = Vec::new();
    let names: Vec<String> = cases.iter().map(|(name, _)| name.clone()).collect();
    for (name, dir) in cases {
        let (offline_name, offline_dir) = (name.clone(), dir.clone());
        let blessing = env.bless;
        let load_opts = load_opts.clone();
        trials.push(
            Trial::test(name.clone(), move || {
                let (result, warnings) =
                    jjo::pipeline::run_case(&offline_name, &offline_dir, &load_opts, blessing);
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
    trials.extend(listing::trials(names));
    libtest_mimic::run(&args, trials).exit_code()
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
    use jjo::cli::ClusterArgs;
    use jjo::cluster::{Backend, LiveOptions};
    use jjo::error::Error;
    use jjo::live::Runner;

    /// The cluster the environment names, connected on first use (so `--list` never starts
    /// one) and shared by every live trial of this process.
    pub struct Live {
        backend: Option<Backend>,
        namespace: Option<String>,
        runner: OnceLock<Result<Runner, String>>,
        /// How to read each case (`JJO_HOST_DB`).
        load_opts: jjo::case::LoadOptions,
    }

    impl Live {
        /// The backend `args` select; the kind config is found in the repository `root`.
        pub fn new(
            root: &Path,
            mut args: ClusterArgs,
            load_opts: jjo::case::LoadOptions,
        ) -> Result<Live, Error> {
            args.kind_config = root.join(&args.kind_config);
            Ok(Live {
                backend: args.backend()?,
                namespace: args.namespace,
                runner: OnceLock::new(),
                load_opts,
            })
        }

        /// Whether a cluster is configured, i.e. whether live trials run.
        pub fn configured(&self) -> bool {
            self.backend.is_some()
        }

        /// Runs one case on the cluster; without one (`--ignored` asked for it), fails.
        pub fn run(&self, name: &str, dir: &Path) -> Result<(), Failed> {
            let Some(backend) = &self.backend else {
                return Err(Failed::from(format!("needs a cluster: {SET_A_CLUSTER}")));
            };
            let runner = self.runner.get_or_init(|| {
                let options = LiveOptions {
                    namespace: self.namespace.clone(),
                    ..LiveOptions::default()
                };
                Runner::connect(backend, options).map_err(|e| match e.hint() {
                    Some(hint) => format!("{e}\n  hint: {hint}"),
                    None => e.to_string(),
                })
            });
            let runner = runner
                .as_ref()
                .map_err(|e| Failed::from(format!("cannot reach the cluster: {e}")))?;
            let (result, warnings, _) = jjo::live::run_case(runner, name, dir, &self.load_opts);
            outcome(&result, &warnings)
        }
    }
}

#[cfg(not(feature = "cluster"))]
mod live {
    use super::*;
    use jjo::cli::ClusterArgs;
    use jjo::error::Error;

    /// Without the `cluster` feature, live trials are listed and ignored.
    pub struct Live;

    impl Live {
        /// Refuses a cluster the environment asks for: this build cannot reach one.
        pub fn new(_: &Path, args: ClusterArgs, _: jjo::case::LoadOptions) -> Result<Live, Error> {
            args.require_offline()?;
            Ok(Live)
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
                    let ignored =
                        lines(&this(&["--list", "--format", "terse", "--ignored"], &[])?)?;
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
