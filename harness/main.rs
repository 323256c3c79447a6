//! The `cases` test target: one libtest-mimic trial per case directory under `cases/`, so that
//! `cargo test`, `cargo test -- NAME`, `--list`, `--exact`, `--ignored` and `cargo nextest run`
//! work as for any Rust test. All logic lives in the library (`jjo::pipeline`, `jjo::live`).
//!
//! Each case is two trials: `<case>` (offline: patched Job, validation, predicted Pod) and
//! `live::<case>` (the case on a cluster), which is reported as ignored, with the reason,
//! unless `JJO_CLUSTER` names a cluster.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let blessing = match jjo::env::bless() {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    if blessing && let Err(e) = jjo::bless::allowed() {
        return fail(&e.to_string());
    }
    let cases = match jjo::case::discover(&[root.join("cases")]) {
        Ok(cases) => cases,
        Err(e) => return fail(&e.to_string()),
    };
    let live = match live::Live::from_env(&root) {
        Ok(live) => Arc::new(live),
        Err(e) => return fail(&e),
    };
    let mut trials = Vec::new();
    for (name, dir) in cases {
        let (offline_name, offline_dir) = (name.clone(), dir.clone());
        trials.push(
            Trial::test(name.clone(), move || {
                let (result, warnings) =
                    jjo::pipeline::run_case(&offline_name, &offline_dir, false, blessing);
                outcome(&result, &warnings)
            })
            .with_kind("case"),
        );
        let live = Arc::clone(&live);
        trials.push(
            Trial::ignorable_test(format!("live::{name}"), move || live.run(&name, &dir))
                .with_kind("live"),
        );
    }
    libtest_mimic::run(&args, trials).exit_code()
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
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
    use jjo::cluster::{Backend, LiveOptions};
    use jjo::live::Runner;

    /// The cluster named by `JJO_CLUSTER`, connected on first use (so `--list` never starts one)
    /// and shared by every live trial of this process.
    pub struct Live {
        backend: Option<Backend>,
        runner: OnceLock<Result<Runner, String>>,
    }

    impl Live {
        pub fn from_env(root: &Path) -> Result<Live, String> {
            let backend = Backend::from_env(root).map_err(|e| e.to_string())?;
            Ok(Live {
                backend,
                runner: OnceLock::new(),
            })
        }

        pub fn run(&self, name: &str, dir: &Path) -> Result<Completion, Failed> {
            let Some(backend) = &self.backend else {
                return Ok(Completion::ignored_with(
                    "needs a cluster: set JJO_CLUSTER=kind, or kubeconfig with JJO_CONTEXT, or k3s",
                ));
            };
            let runner = self.runner.get_or_init(|| {
                let options = LiveOptions {
                    namespace: jjo::env::namespace(),
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
            let (result, warnings, _) = jjo::live::run_case(runner, name, dir, false);
            outcome(&result, &warnings).map(|()| Completion::Completed)
        }
    }
}

#[cfg(not(feature = "cluster"))]
mod live {
    use super::*;

    /// Without the `cluster` feature, live trials are listed and ignored.
    pub struct Live;

    impl Live {
        pub fn from_env(_: &Path) -> Result<Live, String> {
            Ok(Live)
        }

        pub fn run(&self, _: &str, _: &Path) -> Result<Completion, Failed> {
            Ok(Completion::ignored_with(
                "jjo was built without the `cluster` feature",
            ))
        }
    }
}
