//! Live runs on a real control plane (`--cluster local`): how long one takes to start and
//! be ready (etcd, kube-apiserver, controller-manager, scheduler, the `default`
//! ServiceAccount) and stop, and one shipped case's live latency on a running one (namespace,
//! setup, the Job as the launcher posts it, the Pod read back, compared, the namespace deleted).
//!
//! Needs a build from `ci/control-plane/build v1.34.4` (or any release) in the cache; without
//! one it says so and measures nothing. Run with `cargo bench --bench live`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jjo::cluster::{Backend, LiveOptions, local};
use jjo::live::Runner;

/// The newest cached build's own minor (no emulation), and the cache it is in.
fn build() -> Option<(PathBuf, u8)> {
    let root = local::cache_root(None)?;
    let newest = local::builds(&root).into_iter().map(|b| b.minor).max()?;
    Some((root, newest))
}

fn backend() -> Backend {
    let (cache, minor) = build().expect("checked in main");
    Backend::Local {
        minor: Some(minor),
        cache: Some(cache),
    }
}

fn main() {
    match build() {
        Some((root, minor)) => {
            eprintln!("control plane: 1.{minor} from `{}`", root.display());
            divan::main();
        }
        None => eprintln!(
            "note: no local control plane built, nothing measured: run `ci/control-plane/build v1.34.4` (needs Go) first"
        ),
    }
}

/// Start until ready, then stop (every process ended, the directory removed).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn start_ready_stop() {
    let runner = Runner::connect(&backend(), LiveOptions::default()).expect("starts");
    drop(divan::black_box(runner));
}

fn runner() -> &'static Runner {
    static RUNNER: OnceLock<Runner> = OnceLock::new();
    RUNNER.get_or_init(|| Runner::connect(&backend(), LiveOptions::default()).expect("starts"))
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cases")
        .join(name)
}

/// One shipped case live, on a control plane already running (started before timing).
#[divan::bench(sample_count = 10, sample_size = 1, args = ["seed-privileged", "namespace-limit-range", "session-config-check", "schedule-gpu-pool"])]
fn one_case(bencher: divan::Bencher, name: &str) {
    let runner = runner();
    let dir = case(name);
    let opts = jjo::case::LoadOptions::default();
    bencher.bench(|| {
        let (result, _, _) = jjo::live::run_case(runner, name, &dir, &opts);
        assert!(
            result.passed(),
            "{name}: {}",
            jjo::report::failure_text(&result)
        );
    });
}
