//! Every shipped case (`cases/*`) through the whole live path (`jjo::live::run_case`: load,
//! render, run on a cluster, judge against `expect:` and `expected-pod.yaml`) against the
//! Kubernetes API double in `tests/it/live/double.rs`, and no namespace left behind.
//!
//! The double serves the Job's template overlaid with a fixed Pod fixture and never calls
//! jjo's prediction, so a passing live case means the goldens hold for a second, independent
//! model of the Job controller and the API server; prediction drift is printed as warnings.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::live::double::{Double, Faults, NsEvent};
use jjo::case::Expect;
use jjo::cluster::{Cluster, LiveCase, LiveOptions, LiveResult, RetryPolicy};
use jjo::live::Runner;
use jjo::pipeline::CaseResult;
use jjo::validate::Level;
use serde_json::{Value, json};

/// Cases run at once against one double (the machine has few cores; the double is cheap).
const PARALLEL: usize = 3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<(String, PathBuf)> {
    jjo::case::discover(&[root().join("cases")]).expect("discover cases/")
}

fn options() -> LiveOptions {
    LiveOptions {
        timeout: Duration::from_secs(20),
        run_id: "live-cases".into(),
        retry: RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..LiveOptions::default()
    }
}

/// A double on its own runtime, and a runner (with its own runtime) whose client talks to it.
struct Setup {
    double: Double,
    runner: Runner,
    // Declared last: dropped after the double, whose server task runs on it.
    double_runtime: tokio::runtime::Runtime,
}

fn setup(faults: Faults) -> Setup {
    setup_with(faults, options())
}

fn setup_with(faults: Faults, options: LiveOptions) -> Setup {
    let double_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime for the double");
    let double = double_runtime.block_on(Double::start(faults));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime for the runner");
    // The client's background worker is spawned on the runner's runtime.
    let client = {
        let _guard = runtime.enter();
        double.client()
    };
    let runner = Runner::with_client(runtime, Cluster::from_client(client, None), options);
    Setup {
        double,
        runner,
        double_runtime,
    }
}

/// The outcome of one case: passed, and the failure text and warnings to print.
struct Ran {
    name: String,
    passed: bool,
    text: String,
    warnings: Vec<String>,
}

/// Runs `cases` on `runner`, `PARALLEL` at a time.
fn run_all(runner: &Runner, cases: &[(String, PathBuf)]) -> Vec<Ran> {
    let queue = Mutex::new(cases.iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
                    let Some((name, dir)) = next else { break };
                    let ran = run_one(runner, name, dir);
                    results.lock().unwrap_or_else(|p| p.into_inner()).push(ran);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by(|a, b| a.name.cmp(&b.name));
    results
}

fn run_one(runner: &Runner, name: &str, dir: &Path) -> Ran {
    let (result, warnings, _) = jjo::live::run_case(runner, name, dir, &Default::default());
    Ran {
        name: name.to_string(),
        passed: result.passed(),
        text: jjo::report::failure_text(&result),
        warnings: warnings.iter().map(|w| w.to_string()).collect(),
    }
}

fn report(ran: &[Ran]) -> Vec<String> {
    let mut failed = Vec::new();
    for r in ran {
        for w in &r.warnings {
            eprintln!("live::{}: warning: {w}", r.name);
        }
        if !r.passed {
            eprintln!("live::{} FAILED:\n{}", r.name, r.text);
            failed.push(r.name.clone());
        }
    }
    failed
}

/// Every namespace the double saw created was deleted again, none exists now, and the
/// case did create one.
fn assert_none_left(double: &Double) {
    double.assert_none_left();
    assert!(
        double
            .namespace_log()
            .iter()
            .any(|e| matches!(e, NsEvent::Created(_))),
        "no namespace was created at all"
    );
}

#[test]
fn every_shipped_case_passes_live_against_the_double_and_leaves_no_namespace() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "only {} cases found under cases/",
        cases.len()
    );
    // An unrestricted cluster: each case's Pod Security level comes from the label jjo puts
    // on the case's namespace, as `pod-security:` in case.yaml says.
    let setup = setup(Faults::default());
    let ran = run_all(&setup.runner, &cases);
    assert_eq!(ran.len(), cases.len());
    let failed = report(&ran);
    // The run's own namespace is never drift (the predictor cannot know it).
    let namespace_drift = ran
        .iter()
        .flat_map(|r| &r.warnings)
        .find(|w| w.contains("metadata.namespace"));
    assert!(namespace_drift.is_none(), "{namespace_drift:?}");
    assert_none_left(&setup.double);
    // The cases with a `nodes.yaml` describe an EKS cluster's pools. jjo creates those nodes
    // only on a control plane it starts (`--cluster local`, the harness's live trials);
    // here, as on kind or staging, the cluster's own node decides, and the double binds
    // every Pod to its one `kind-control-plane`: the live schedule check must say so.
    let (scheduling, failed): (Vec<String>, Vec<String>) = failed
        .into_iter()
        .partition(|name| root().join("cases").join(name).join("nodes.yaml").is_file());
    assert!(failed.is_empty(), "failed live: {failed:?}");
    let with_nodes: Vec<&Ran> = ran
        .iter()
        .filter(|r| {
            root()
                .join("cases")
                .join(&r.name)
                .join("nodes.yaml")
                .is_file()
        })
        .collect();
    assert_eq!(scheduling.len(), with_nodes.len(), "{scheduling:?}");
    for r in with_nodes {
        assert!(
            r.text
                .contains("the scheduler placed the session's Pod on node `kind-control-plane`"),
            "{}: {}",
            r.name,
            r.text
        );
    }
}

/// The expected refusals are really the double's: the schema case never gets a Job stored,
/// the Pod Security case gets its Job but no Pod.
#[test]
fn expected_refusals_come_from_the_double() {
    for (name, dir) in cases() {
        let case = jjo::case::load(&name, &dir, false).expect("case loads");
        if case.spec.expect != Expect::Rejected {
            continue;
        }
        let setup = setup(Faults::default());
        let ran = run_one(&setup.runner, &name, &dir);
        assert!(ran.passed, "{name}: {}", ran.text);
        let jobs_posted = setup.double.count("POST", "/jobs");
        assert_eq!(jobs_posted, 1, "{name}");
        // Posted as the launcher posts it.
        let launcher_like = setup.double.requests().iter().any(|r| {
            r.starts_with("POST") && r.contains("/jobs?") && !r.contains("fieldValidation")
        });
        assert!(
            launcher_like,
            "{name}: the Job was not posted as the launcher does"
        );
        // Pods are never stored for a refused case (a Job refused by the schema makes none;
        // a Pod refused by admission is never created).
        assert!(setup.double.objects("pods").is_empty(), "{name}");
        assert_none_left(&setup.double);
    }
}

/// The case's level wins over the cluster's default, both ways, because jjo labels the
/// case's namespace with it: the baseline case is refused on an unrestricted cluster, and a
/// privileged case is admitted on a cluster that enforces baseline by default.
#[test]
fn the_case_pod_security_level_labels_its_namespace() {
    let find = |level: Level, expect: Expect| {
        cases()
            .into_iter()
            .find(|(_, dir)| {
                jjo::case::load("probe", dir, false).is_ok_and(|c| {
                    c.spec.expect == expect
                        && c.spec.pod_security == level
                        && dir.ends_with("seed-privileged") == (level == Level::Privileged)
                })
            })
            .expect("a matching shipped case")
    };
    let (name, dir) = find(Level::Baseline, Expect::Rejected);
    let unrestricted = setup(Faults::default());
    let ran = run_one(&unrestricted.runner, &name, &dir);
    assert!(ran.passed, "{name}: {}", ran.text);
    assert_none_left(&unrestricted.double);

    let (name, dir) = find(Level::Privileged, Expect::Admitted);
    let strict = setup(Faults {
        pod_security: Some("baseline"),
        ..Faults::default()
    });
    let ran = run_one(&strict.runner, &name, &dir);
    assert!(ran.passed, "{name}: {}", ran.text);
    assert_none_left(&strict.double);
}

/// The double's Pod is the Job's template filled from the fixture: the template's
/// containers, nulls and empty lists dropped, defaults and the token volume added.
#[test]
fn the_double_serves_the_template_filled_from_the_fixture() {
    // jjo reads the Pod once, as soon as a watch shows it; a server guarantees it exists
    // then, not how far the kubelet got (with steps of 0 the read raced them and saw
    // `Pending` or `Running`). Held unscheduled, the Pod read is the one the Job controller
    // created, every time.
    let setup = setup(Faults {
        unschedulable: true,
        ..Faults::default()
    });
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"generateName": "overlay-"},
        "spec": {"template": {
            "metadata": {"annotations": {"note": "kept"}},
            "spec": {
                "restartPolicy": "Never",
                "initContainers": null,
                "imagePullSecrets": [],
                "serviceAccountName": "session",
                "volumes": [{"name": "conf", "configMap": {"name": "conf"}}],
                "containers": [
                    {"name": "main", "image": "registry.example/app", "stdin": false,
                     "volumeMounts": [{"name": "conf", "mountPath": "/etc/conf"}]},
                    {"name": "side", "image": "busybox:1.36", "imagePullPolicy": "Never"}
                ]
            }
        }}
    });
    let case = LiveCase {
        name: "overlay".into(),
        job,
        // The account the template names must exist, or the Pod is refused.
        setup: vec![
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "session"}}),
        ],
        checks: Vec::new(),
        namespace_labels: serde_json::Map::new(),
        wait_for_scheduling: false,
    };
    let client = {
        let _guard = setup.double_runtime.enter();
        setup.double.client()
    };
    let outcome = setup
        .double_runtime
        .block_on(jjo::cluster::run_case(&client, &case, &options()))
        .expect("live case");
    let LiveResult::Admitted { pod } = outcome.result else {
        panic!("{:?}", outcome.result)
    };
    let spec = &pod["spec"];
    assert_eq!(spec["containers"][0]["name"], "main");
    assert_eq!(spec["containers"][0]["imagePullPolicy"], "Always");
    assert_eq!(spec["containers"][1]["imagePullPolicy"], "Never");
    assert_eq!(
        spec["containers"][0]["terminationMessagePath"],
        "/dev/termination-log"
    );
    assert!(spec["containers"][0].get("stdin").is_none());
    assert!(spec.get("initContainers").is_none());
    assert!(spec.get("imagePullSecrets").is_none());
    assert_eq!(spec["serviceAccount"], "session");
    assert_eq!(spec["serviceAccountName"], "session");
    assert_eq!(spec["dnsPolicy"], "ClusterFirst");
    assert_eq!(spec["volumes"][0]["configMap"]["defaultMode"], 420);
    let token = spec["volumes"][1]["name"].as_str().unwrap_or_default();
    assert!(token.starts_with("kube-api-access-"), "{token}");
    assert_ne!(token, "kube-api-access-q8hzt", "the suffix is fresh");
    for container in spec["containers"].as_array().into_iter().flatten() {
        let mounts: Vec<&Value> = container["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(mounts.last().map(|m| &m["name"]), Some(&json!(token)));
    }
    assert_eq!(spec["tolerations"].as_array().map(Vec::len), Some(2));
    assert_eq!(pod["metadata"]["annotations"]["note"], "kept");
    assert_eq!(pod["status"]["phase"], "Pending");
    assert_eq!(pod["status"]["qosClass"], "BestEffort");
    assert!(spec.get("nodeName").is_none());
    assert!(pod["status"].get("containerStatuses").is_none());
    assert_none_left(&setup.double);
}

/// A run's CaseResult on a case that cannot load is an error, not a pass (the harness path).
#[test]
fn a_missing_case_directory_is_an_error() {
    let setup = setup(Faults::default());
    let (result, _, _) = jjo::live::run_case(
        &setup.runner,
        "missing",
        &root().join("cases/does-not-exist"),
        &Default::default(),
    );
    assert!(matches!(result, CaseResult::Error(_)));
}

/// The live path reads a case with the same options as the offline one: a `--host-db`
/// that knows no `staff` refuses the shipped case's `[@staff]` before any request is sent.
#[test]
fn the_live_path_reads_cases_with_the_host_db() {
    let setup = setup(Faults::default());
    let host = tempfile::tempdir().expect("temp dir");
    std::fs::write(host.path().join("group"), "alice:x:1000:\n").expect("write");
    std::fs::write(host.path().join("passwd"), "").expect("write");
    let opts = jjo::case::LoadOptions {
        allow_unknown_keys: false,
        host_db: Some(host.path().to_path_buf()),
        skip_nodes: false,
    };
    let (result, _, _) = jjo::live::run_case(
        &setup.runner,
        "two-groups-last-wins",
        &root().join("cases/two-groups-last-wins"),
        &opts,
    );
    let CaseResult::Error(err) = result else {
        panic!("expected an error, got {result:?}")
    };
    assert!(
        err.to_string().contains("the host has no group `staff`"),
        "{err}"
    );
    assert!(setup.double.created("jobs").is_empty());
}

/// Issue 8, item 2: `ci/staging.md` starts with `--dry-run`; there the baseline case's
/// refusal is Pod Security's warning on the Job, as no Pod is made.
#[test]
fn the_baseline_case_passes_a_dry_run() {
    let setup = setup_with(
        Faults::default(),
        LiveOptions {
            dry_run: true,
            ..options()
        },
    );
    let dir = root().join("cases").join("seed-privileged-baseline");
    let ran = run_one(&setup.runner, "seed-privileged-baseline", &dir);
    assert!(ran.passed, "{}", ran.text);
    assert!(setup.double.objects("jobs").is_empty());
    assert!(setup.double.objects("pods").is_empty());
}

/// Issue 8, item 11: drift is the live Pod against the prediction for the cluster's own
/// version (`/version`): a 1.31 server is not expected to set the Pod's
/// `metadata.generation` (1.33+), a 1.33 one is.
#[test]
fn drift_is_against_the_prediction_for_the_clusters_version() {
    let dir = root().join("cases").join("seed-privileged");
    let generation_drift = |version: &'static str| {
        let setup = setup(Faults {
            version: Some(version),
            ..Faults::default()
        });
        let ran = run_one(&setup.runner, "seed-privileged", &dir);
        assert!(ran.passed, "{}", ran.text);
        ran.warnings
            .iter()
            .any(|w| w.contains("metadata.generation"))
    };
    assert!(!generation_drift("v1.31.9"));
    // The fixture Pod comes from 1.27 and has no generation: on a server that says 1.33
    // that is drift, as it would be on a real one.
    assert!(generation_drift("v1.33.1"));
}

/// Issue 8, item 7: the shipped case with a runtime check execs into the running container
/// and reads the file its ConfigMap mount provides.
#[test]
fn the_shipped_check_runs_in_the_container() {
    let setup = setup(Faults::default());
    let dir = root().join("cases").join("session-config-check");
    let ran = run_one(&setup.runner, "session-config-check", &dir);
    assert!(ran.passed, "{}", ran.text);
    let execs: Vec<String> = setup
        .double
        .requests()
        .into_iter()
        .filter(|r| r.contains("/exec?"))
        .collect();
    assert_eq!(execs.len(), 1, "{execs:?}");
    assert!(execs[0].contains("command=cat"), "{execs:?}");
}
