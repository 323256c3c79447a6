//! The live path against the loopback Kubernetes API double in `tests/it/live/double.rs`:
//! the happy path, and one test per injected fault showing that jjo reports it clearly,
//! retries where a client should, and leaves no namespace behind.

pub mod double;

use std::time::Duration;

use double::{Double, Faults, NsEvent, Rule};
use jjo::cluster::{
    Check, Cleanup, Error, FieldValidation, LiveCase, LiveOptions, LiveResult, RetryPolicy,
    Severity, gc, run_case,
};
use serde_json::{Value, json};

fn job() -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"generateName": "rstudio-session-"},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "rs-launcher-container", "image": "busybox:1.36", "command": ["sleep", "3600"]}]
                }
            }
        }
    })
}

fn case(name: &str) -> LiveCase {
    LiveCase {
        name: name.into(),
        job: job(),
        setup: Vec::new(),
        checks: Vec::new(),
        namespace_labels: serde_json::Map::new(),
        wait_for_scheduling: false,
    }
}

fn options() -> LiveOptions {
    LiveOptions {
        timeout: Duration::from_secs(10),
        run_id: "test-run".into(),
        retry: RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..LiveOptions::default()
    }
}

/// A double whose next `times` requests `method` on a path containing `path` get `status`.
async fn failing(method: &'static str, path: &'static str, status: u16, times: usize) -> Double {
    let rules = vec![Rule {
        method,
        path,
        status,
        times,
    }];
    Double::start(Faults {
        rules,
        ..Faults::default()
    })
    .await
}

#[tokio::test]
async fn happy_path_creates_namespace_and_launcher_like_job_reads_pod_and_deletes_namespace() {
    let double = Double::start(Faults::default()).await;
    let mut case = case("Happy Path");
    case.job["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "launcher"});
    case.setup.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "b"}}));
    let outcome = run_case(&double.client(), &case, &options())
        .await
        .expect("live case");

    assert!(
        outcome.namespace.starts_with("jjo-happy-path-"),
        "{}",
        outcome.namespace
    );
    let LiveResult::Admitted { pod } = &outcome.result else {
        panic!("{:?}", outcome.result)
    };
    let job_name = outcome.job_name.clone().expect("job name");
    assert!(job_name.starts_with("rstudio-session-"));
    // The Pod is the Job's template filled from the fixture, with this Job's name,
    // namespace and labels.
    assert_eq!(pod["metadata"]["namespace"], outcome.namespace.as_str());
    assert_eq!(pod["metadata"]["generateName"], format!("{job_name}-"));
    assert_eq!(
        pod["metadata"]["labels"]["batch.kubernetes.io/job-name"],
        job_name.as_str()
    );
    assert_eq!(pod["spec"]["serviceAccountName"], "default");
    assert!(matches!(outcome.cleanup, Cleanup::Deleted { .. }));
    assert!(outcome.timings.create_to_pod.is_some());
    assert!(outcome.timings.cleanup.is_some());

    let requests = double.requests();
    let create = requests
        .iter()
        .find(|r| r.starts_with("POST /apis/batch/v1/"))
        .expect("job create");
    // As the launcher posts it: no `fieldValidation`, so the server's default applies.
    assert!(!create.contains("fieldValidation"), "{create}");
    assert!(!create.contains("dryRun"), "{create}");
    // The launcher's label stays; jjo's own labels join it.
    let jobs = double.created("jobs");
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0]["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "launcher"
    );
    assert_eq!(jobs[0]["metadata"]["labels"]["jjo.dev/run-id"], "test-run");
    assert_eq!(double.count("POST", "/configmaps"), 1);
    let log = double.namespace_log();
    assert_eq!(
        log,
        vec![
            NsEvent::Created(outcome.namespace.clone()),
            NsEvent::Deleted(outcome.namespace.clone())
        ]
    );
    double.assert_none_left();
}

#[tokio::test]
async fn namespace_carries_managed_by_and_run_id_labels() {
    let double = Double::start(Faults {
        no_pod: true,
        ..Faults::default()
    })
    .await;
    let opts = LiveOptions {
        timeout: Duration::from_millis(500),
        keep: true,
        ..options()
    };
    let err = run_case(&double.client(), &case("labels"), &opts)
        .await
        .expect_err("no pod");
    let Error::Kept { namespace, .. } = err else {
        panic!("{err}")
    };
    let ns = double
        .get("namespaces", "", &namespace)
        .expect("kept namespace");
    assert_eq!(
        ns["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "jjo"
    );
    assert_eq!(ns["metadata"]["labels"]["jjo.dev/run-id"], "test-run");
}

#[tokio::test]
async fn unknown_fields_are_dropped_with_warnings_as_in_production() {
    let double = Double::start(Faults::default()).await;
    let mut case = case("dropped");
    case.job["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = json!("Always");
    case.job["spec"]["backofLimit"] = json!(1);
    let outcome = run_case(&double.client(), &case, &options())
        .await
        .expect("live case");
    // The Job and its Pod exist, without the misspelt fields.
    let LiveResult::Admitted { pod } = &outcome.result else {
        panic!("{:?}", outcome.result)
    };
    assert!(pod["spec"]["containers"][0].get("imagePullPolcy").is_none());
    let mut dropped: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Dropped)
        .filter_map(|f| f.field.clone())
        .collect();
    dropped.sort();
    assert_eq!(
        dropped,
        vec![
            "spec.backofLimit".to_string(),
            "spec.template.spec.containers[0].imagePullPolcy".to_string()
        ]
    );
    double.assert_none_left();
}

#[tokio::test]
async fn unknown_fields_become_findings_from_strict_validation() {
    let double = Double::start(Faults::default()).await;
    let mut case = case("strict");
    case.job["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = json!("Always");
    case.job["spec"]["backofLimit"] = json!(1);
    let opts = LiveOptions {
        field_validation: FieldValidation::Strict,
        ..options()
    };
    let outcome = run_case(&double.client(), &case, &opts)
        .await
        .expect("live case");
    let create = double
        .requests()
        .into_iter()
        .find(|r| r.starts_with("POST /apis/batch/v1/"));
    assert!(create.is_some_and(|c| c.contains("fieldValidation=Strict")));
    assert_eq!(outcome.result, LiveResult::Invalid);
    let fields: Vec<_> = outcome
        .findings
        .iter()
        .filter_map(|f| f.field.clone())
        .collect();
    assert!(
        fields.contains(&"spec.template.spec.containers[0].imagePullPolcy".to_string()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"spec.backofLimit".to_string()),
        "{fields:?}"
    );
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| f.severity == Severity::Error)
    );
    assert!(double.objects("pods").is_empty());
    double.assert_none_left();
}

#[tokio::test]
async fn server_warnings_become_warning_findings() {
    let double = Double::start(Faults {
        warning: Some("spec.template.spec.nodeSelector: deprecated".into()),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("warn"), &options())
        .await
        .expect("live case");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(outcome.findings[0].severity, Severity::Warning);
    assert_eq!(
        outcome.findings[0].message,
        "spec.template.spec.nodeSelector: deprecated"
    );
    double.assert_none_left();
}

#[tokio::test]
async fn dry_run_creates_no_job_and_no_pod() {
    let double = Double::start(Faults::default()).await;
    let opts = LiveOptions {
        dry_run: true,
        ..options()
    };
    let outcome = run_case(&double.client(), &case("dry"), &opts)
        .await
        .expect("live case");
    let LiveResult::DryRun { job } = &outcome.result else {
        panic!("{:?}", outcome.result)
    };
    assert!(job["spec"]["selector"]["matchLabels"].is_object());
    assert!(
        double
            .requests()
            .iter()
            .any(|r| r.contains("/jobs?") && r.contains("dryRun=All"))
    );
    assert!(double.objects("jobs").is_empty());
    assert!(double.objects("pods").is_empty());
    double.assert_none_left();
}

#[tokio::test]
async fn server_errors_are_retried() {
    let double = failing("POST", "/api/v1/namespaces", 500, 2).await;
    let outcome = run_case(&double.client(), &case("five-hundred"), &options())
        .await
        .expect("retried");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert_eq!(double.count("POST", "/api/v1/namespaces"), 3);
    double.assert_none_left();
}

#[tokio::test]
async fn throttling_is_retried_on_job_create() {
    let double = failing("POST", "/jobs", 429, 2).await;
    let outcome = run_case(&double.client(), &case("throttled"), &options())
        .await
        .expect("retried");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert_eq!(double.count("POST", "/jobs"), 3);
    double.wait_terminated().await;
    assert_eq!(
        double.objects("jobs").len(),
        0,
        "deleted with the namespace"
    );
    double.assert_none_left();
}

#[tokio::test]
async fn persistent_server_errors_are_reported_after_retries() {
    let double = failing("POST", "/jobs", 503, 100).await;
    let err = run_case(&double.client(), &case("down"), &options())
        .await
        .expect_err("gives up");
    let text = err.to_string();
    assert!(
        matches!(err, Error::Unavailable { attempts: 4, .. }),
        "{text}"
    );
    assert!(text.contains("`create` `jobs`"), "{text}");
    assert!(text.contains("503"), "{text}");
    assert_eq!(double.count("POST", "/jobs"), 4);
    double.assert_none_left();
}

#[tokio::test]
async fn a_dropped_watch_is_resumed() {
    let faults = Faults {
        drop_watches: Some(("pods", 2)),
        pod_delay: Duration::from_millis(150),
        ..Faults::default()
    };
    let double = Double::start(faults).await;
    let outcome = run_case(&double.client(), &case("drop"), &options())
        .await
        .expect("resumed");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert!(outcome.timings.watch_restarts >= 2, "{:?}", outcome.timings);
    assert!(
        double
            .requests()
            .iter()
            .filter(|r| r.contains("/pods?") && r.contains("watch=true"))
            .count()
            >= 3
    );
    double.assert_none_left();
}

#[tokio::test]
async fn a_pod_that_never_appears_times_out_clearly() {
    let double = Double::start(Faults {
        no_pod: true,
        ..Faults::default()
    })
    .await;
    let opts = LiveOptions {
        timeout: Duration::from_millis(600),
        ..options()
    };
    let err = run_case(&double.client(), &case("never"), &opts)
        .await
        .expect_err("times out");
    let text = err.to_string();
    assert!(matches!(err, Error::Timeout { .. }), "{text}");
    assert!(text.contains("waiting for the job's pod"), "{text}");
    double.assert_none_left();
}

#[tokio::test]
async fn forbidden_names_the_verb_resource_and_rbac_rule() {
    let double = failing("POST", "/jobs", 403, 1).await;
    let err = run_case(&double.client(), &case("rbac"), &options())
        .await
        .expect_err("forbidden");
    let text = err.to_string();
    assert!(
        matches!(err, Error::Forbidden { verb: "create", .. }),
        "{text}"
    );
    assert!(
        text.contains("`create` `jobs` forbidden in namespace `jjo-rbac-"),
        "{text}"
    );
    let hint = err.hint().unwrap_or_default();
    assert!(
        hint.contains("apiGroups: [\"batch\"], resources: [\"jobs\"], verbs: [\"create\"]"),
        "{hint}"
    );
    assert_eq!(double.count("POST", "/jobs"), 1, "403 is not retried");
    double.assert_none_left();
}

#[tokio::test]
async fn forbidden_namespace_create_points_to_namespace_scoped_mode() {
    let double = failing("POST", "/api/v1/namespaces", 403, 1).await;
    let err = run_case(&double.client(), &case("rbac"), &options())
        .await
        .expect_err("forbidden");
    let text = err.to_string();
    assert!(text.contains("`create` `namespaces` forbidden"), "{text}");
    assert!(
        err.hint().is_some_and(|h| h.contains("--namespace")),
        "{text}"
    );
    double.assert_none_left();
}

#[tokio::test]
async fn a_conflict_on_namespace_create_takes_a_new_name() {
    let double = failing("POST", "/api/v1/namespaces", 409, 1).await;
    let outcome = run_case(&double.client(), &case("taken"), &options())
        .await
        .expect("new name");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert_eq!(double.count("POST", "/api/v1/namespaces"), 2);
    assert_eq!(double.namespace_log().len(), 2, "one created, one deleted");
    double.assert_none_left();
}

#[tokio::test]
async fn slow_responses_still_pass_within_the_timeout() {
    let double = Double::start(Faults {
        delay: Duration::from_millis(60),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("slow"), &options())
        .await
        .expect("slow but fine");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert!(outcome.timings.create_job >= Duration::from_millis(60));
    double.assert_none_left();
}

#[tokio::test]
async fn responses_slower_than_the_timeout_report_the_phase() {
    let double = Double::start(Faults {
        delay: Duration::from_millis(400),
        ..Faults::default()
    })
    .await;
    let opts = LiveOptions {
        timeout: Duration::from_millis(300),
        ..options()
    };
    let err = run_case(&double.client(), &case("slower"), &opts)
        .await
        .expect_err("times out");
    let text = err.to_string();
    assert!(
        text.contains("timed out after 0.3s while creating the namespace"),
        "{text}"
    );
    // The namespace create did reach the server; its cleanup must still happen.
    tokio::time::sleep(Duration::from_millis(600)).await;
    double.assert_none_left();
}

#[tokio::test]
async fn a_refused_pod_surfaces_the_failed_create_reason() {
    let message = "Error creating: pods \"rstudio-session-x-\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false";
    let double = Double::start(Faults {
        failed_create: Some(message.into()),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("refused"), &options())
        .await
        .expect("live case");
    assert_eq!(
        outcome.result,
        LiveResult::Rejected {
            reason: "FailedCreate".into(),
            message: message.into()
        }
    );
    double.assert_none_left();
}

#[tokio::test]
async fn checks_exec_in_the_running_container() {
    let double = Double::start(Faults::default()).await;
    let mut case = case("checks");
    case.checks.push(Check {
        stdout_contains: Some("hello".into()),
        ..Check::command(["echo", "hello", "world"])
    });
    case.checks.push(Check::command(["false"]));
    let outcome = run_case(&double.client(), &case, &options())
        .await
        .expect("live case");
    assert_eq!(outcome.checks.len(), 2);
    assert_eq!(outcome.checks[0].stdout, "hello world\n");
    assert_eq!(outcome.checks[0].exit_code, Some(0));
    // The Pod's first container, as in the Job's template.
    assert_eq!(outcome.checks[0].container, "rs-launcher-container");
    assert!(outcome.checks[0].passed);
    assert_eq!(outcome.checks[1].exit_code, Some(1));
    assert!(!outcome.checks[1].passed);
    assert!(
        double
            .requests()
            .iter()
            .any(|r| r.contains("/exec?") && r.contains("command=echo"))
    );
    double.assert_none_left();
}

#[tokio::test]
async fn keep_holds_a_failed_case_and_says_how_to_inspect_it() {
    let double = Double::start(Faults {
        no_pod: true,
        ..Faults::default()
    })
    .await;
    let opts = LiveOptions {
        timeout: Duration::from_millis(400),
        keep: true,
        ..options()
    };
    let err = run_case(&double.client(), &case("kept"), &opts)
        .await
        .expect_err("no pod");
    let text = err.to_string();
    let Error::Kept {
        namespace, inspect, ..
    } = &err
    else {
        panic!("{text}")
    };
    assert!(text.contains("timed out"), "{text}");
    assert!(
        inspect.contains(&format!("kubectl get all,events -n {namespace}")),
        "{inspect}"
    );
    assert_eq!(double.namespaces(), vec![namespace.clone()]);
}

#[tokio::test]
async fn keep_lets_the_caller_delete_a_passing_case() {
    let double = Double::start(Faults::default()).await;
    let opts = LiveOptions {
        keep: true,
        ..options()
    };
    let outcome = run_case(&double.client(), &case("kept-pass"), &opts)
        .await
        .expect("live case");
    assert_eq!(double.namespaces().len(), 1);
    let Cleanup::Pending(_) = &outcome.cleanup else {
        panic!("{:?}", outcome.cleanup)
    };
    let kept = outcome.cleanup.finish(false).await.expect("deleted");
    assert_eq!(kept, None);
    double.assert_none_left();
}

#[tokio::test]
async fn a_cancelled_case_still_deletes_its_namespace() {
    let double = Double::start(Faults {
        no_pod: true,
        ..Faults::default()
    })
    .await;
    let client = double.client();
    let case = case("cancelled");
    let opts = options();
    let cancelled =
        tokio::time::timeout(Duration::from_millis(300), run_case(&client, &case, &opts)).await;
    assert!(cancelled.is_err(), "run_case should still be waiting");
    // The guard's background delete runs on the runtime after the drop.
    for _ in 0..50 {
        if double.namespaces().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        double.namespace_log().len(),
        2,
        "{:?}",
        double.namespace_log()
    );
    double.assert_none_left();
}

#[tokio::test]
async fn the_interrupt_cleanup_deletes_running_cases() {
    let double = Double::start(Faults {
        no_pod: true,
        ..Faults::default()
    })
    .await;
    let client = double.client();
    // Its own run id, so the cleanup leaves the cases of tests running in parallel alone.
    let opts = LiveOptions {
        run_id: "interrupted-run".into(),
        ..options()
    };
    let task = tokio::spawn(async move { run_case(&client, &case("interrupted"), &opts).await });
    while double.namespaces().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // What the Ctrl-C handler calls before exiting.
    let deleted = jjo::cluster::cleanup_registered(Some("interrupted-run")).await;
    assert!(deleted >= 1);
    assert!(double.namespaces().is_empty());
    task.abort();
}

#[tokio::test]
async fn shared_namespace_mode_creates_no_namespace_and_deletes_its_objects() {
    let double = Double::start(Faults::default()).await;
    double.namespace("team-a");
    let mut case = case("shared");
    case.setup
        .push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}));
    let opts = LiveOptions {
        namespace: Some("team-a".into()),
        ..options()
    };
    let outcome = run_case(&double.client(), &case, &opts)
        .await
        .expect("live case");
    assert_eq!(outcome.namespace, "team-a");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert_eq!(double.count("POST", "/api/v1/namespaces?"), 0);
    assert!(
        double.objects("jobs").is_empty(),
        "{:?}",
        double.objects("jobs")
    );
    assert!(double.objects("pods").is_empty());
    assert!(double.objects("configmaps").is_empty());
    assert_eq!(double.namespaces(), vec!["team-a".to_string()]);
}

#[tokio::test]
async fn gc_removes_labelled_leftovers_only() {
    let double = Double::start(Faults::default()).await;
    let labels = json!({"app.kubernetes.io/managed-by": "jjo", "jjo.dev/run-id": "old-run"});
    double.insert("namespaces", "", json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "jjo-old-bcdfg", "labels": labels}}));
    double.insert(
        "namespaces",
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "production"}}),
    );
    let deleted = gc(&double.client(), None, None, &RetryPolicy::default())
        .await
        .expect("gc");
    assert_eq!(
        deleted.deleted,
        vec!["namespaces/jjo-old-bcdfg".to_string()]
    );
    assert_eq!(double.namespaces(), vec!["production".to_string()]);
}

/// Right after a run, the namespaces jjo deleted are still Terminating, and a delete may
/// answer 409 (older servers, or a race): gc skips the first, counts the second as on its
/// way, carries on past an error on a third, and reports only that one as left.
#[tokio::test]
async fn gc_gets_past_terminating_namespaces_and_errors() {
    let double = Double::start(Faults {
        terminating: Duration::from_secs(30),
        rules: vec![
            Rule {
                method: "DELETE",
                path: "/namespaces/jjo-broken-",
                status: 500,
                times: 100,
            },
            Rule {
                // Someone deleted `e` between gc's list and its delete.
                method: "DELETE",
                path: "/namespaces/jjo-e-",
                status: 409,
                times: 1,
            },
        ],
        ..Faults::default()
    })
    .await;
    let client = double.client();
    let ns = |name: &str| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"jjo.dev/run-id": "old-run"}}});
    for name in [
        "jjo-a-bcdfg",
        "jjo-broken-bcdfg",
        "jjo-c-bcdfg",
        "jjo-d-bcdfg",
        "jjo-e-bcdfg",
    ] {
        double.insert("namespaces", "", ns(name));
    }
    // A run deleted `a` a moment ago.
    let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(client.clone());
    assert!(api.delete("jjo-a-bcdfg", &Default::default()).await.is_ok());
    assert_eq!(double.terminating(), vec!["jjo-a-bcdfg".to_string()]);
    let report = gc(&client, None, None, &fast_retry()).await.expect("gc");
    assert_eq!(
        report.terminating,
        vec![
            "namespaces/jjo-a-bcdfg".to_string(),
            "namespaces/jjo-e-bcdfg".to_string()
        ]
    );
    assert_eq!(
        report.deleted,
        vec![
            "namespaces/jjo-c-bcdfg".to_string(),
            "namespaces/jjo-d-bcdfg".to_string()
        ]
    );
    assert_eq!(report.left.len(), 1, "{report:?}");
    assert_eq!(report.left[0].0, "namespaces/jjo-broken-bcdfg");
    // A second gc while they terminate deletes only `e` (still live after the race) and
    // reports only `broken`.
    let again = gc(&client, None, None, &fast_retry()).await.expect("gc");
    assert_eq!(again.deleted, vec!["namespaces/jjo-e-bcdfg".to_string()]);
    assert_eq!(again.terminating.len(), 3, "{again:?}");
    assert_eq!(again.left.len(), 1, "{again:?}");
    // A plain second delete of a Terminating namespace answers 200 with it, as
    // kube-apiserver 1.34 and 1.37 do (`conformance::terminating_namespace…` checks both).
    let again = api.delete("jjo-c-bcdfg", &Default::default()).await;
    assert!(
        matches!(&again, Ok(either) if either.clone().left().is_some_and(|ns| ns.metadata.deletion_timestamp.is_some())),
        "{again:?}"
    );
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn gc_in_a_shared_namespace_deletes_labelled_jobs() {
    let double = Double::start(Faults::default()).await;
    double.namespace("team-a");
    // A leftover Job keeps the launcher's managed-by label; jjo knows it by its run id.
    let labels = json!({"app.kubernetes.io/managed-by": "launcher", "jjo.dev/run-id": "old-run"});
    double.insert("jobs", "team-a", json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "old", "namespace": "team-a", "labels": labels}}));
    let sa_labels = json!({"jjo.dev/run-id": "old-run"});
    double.insert("serviceaccounts", "team-a", json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "rstudio-session", "namespace": "team-a", "labels": sa_labels}}));
    double.insert("jobs", "team-a", json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "theirs", "namespace": "team-a"}}));
    let deleted = gc(
        &double.client(),
        Some("team-a"),
        None,
        &RetryPolicy::default(),
    )
    .await
    .expect("gc");
    assert_eq!(
        deleted.deleted,
        vec![
            "jobs/old".to_string(),
            "serviceaccounts/rstudio-session".to_string()
        ]
    );
    assert_eq!(
        double.objects("serviceaccounts"),
        vec![("team-a".to_string(), "default".to_string())]
    );
    assert_eq!(
        double.objects("jobs"),
        vec![("team-a".to_string(), "theirs".to_string())]
    );
}

#[tokio::test]
async fn a_setup_object_that_is_someone_elses_is_left_alone_in_a_shared_namespace() {
    let double = Double::start(Faults::default()).await;
    double.namespace("team-a");
    double.insert("configmaps", "team-a", json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "team-a"}}));
    let mut case = case("foreign");
    case.setup
        .push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}));
    let opts = LiveOptions {
        namespace: Some("team-a".into()),
        ..options()
    };
    let err = run_case(&double.client(), &case, &opts)
        .await
        .expect_err("the name is taken");
    let text = err.to_string();
    assert!(matches!(err, Error::BadObject { .. }), "{text}");
    assert!(
        text.contains(
            "`configmaps/settings` already exists in namespace `team-a` and is not this case's"
        ),
        "{text}"
    );
    assert!(text.contains("--jobs 1"), "{text}");
    assert_eq!(
        double.objects("configmaps"),
        vec![("team-a".to_string(), "settings".to_string())],
        "the existing ConfigMap is not ours to delete"
    );
}

/// Issue 8, item 1: a 403 from a ResourceQuota or an admission webhook refuses the Job;
/// it is not a right jjo lacks, so an `expect: rejected` case can match it.
#[tokio::test]
async fn a_quota_or_webhook_403_on_the_job_is_a_refusal() {
    let double = Double::start(Faults::default()).await;
    double.namespace("team-a");
    double.insert("resourcequotas", "team-a", json!({"apiVersion": "v1", "kind": "ResourceQuota",
        "metadata": {"name": "jobs", "namespace": "team-a"}, "spec": {"hard": {"count/jobs.batch": "0"}}}));
    let opts = LiveOptions {
        namespace: Some("team-a".into()),
        ..options()
    };
    let outcome = run_case(&double.client(), &case("quota"), &opts)
        .await
        .expect("a refusal is an outcome, not an error");
    assert_eq!(outcome.result, LiveResult::Invalid);
    assert!(
        outcome.findings[0].message.contains("exceeded quota: jobs"),
        "{:?}",
        outcome.findings
    );

    let double = Double::start(Faults {
        webhook_denies_privileged: true,
        ..Faults::default()
    })
    .await;
    let mut privileged = case("webhook");
    privileged.job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
        json!({"privileged": true});
    let outcome = run_case(&double.client(), &privileged, &options())
        .await
        .expect("a refusal is an outcome, not an error");
    assert_eq!(outcome.result, LiveResult::Invalid);
    assert!(
        outcome.findings[0]
            .message
            .starts_with("admission webhook \"validation.gatekeeper.sh\" denied the request"),
        "{:?}",
        outcome.findings
    );
    double.wait_terminated().await;
    double.assert_none_left();
}

/// Issue 8, item 2: a dry run makes no Pod; Pod Security's verdict arrives as a warning
/// on the Job create.
#[tokio::test]
async fn a_dry_run_carries_the_pod_security_warning() {
    let double = Double::start(Faults::default()).await;
    let mut privileged = case("dry-baseline");
    privileged.job["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
        json!({"privileged": true});
    privileged.namespace_labels.insert(
        "pod-security.kubernetes.io/enforce".into(),
        json!("baseline"),
    );
    let opts = LiveOptions {
        dry_run: true,
        ..options()
    };
    let outcome = run_case(&double.client(), &privileged, &opts)
        .await
        .expect("live case");
    assert!(matches!(outcome.result, LiveResult::DryRun { .. }));
    let warned = outcome.findings.iter().any(|f| {
        f.message
            == "would violate PodSecurity \"baseline:latest\": privileged (container \"rs-launcher-container\" must not set securityContext.privileged=true)"
    });
    assert!(warned, "{:?}", outcome.findings);
    assert!(double.objects("jobs").is_empty());
    double.wait_terminated().await;
    double.assert_none_left();
}

/// `case` in a namespace whose Pod Security enforce level is `level`.
fn case_at(name: &str, level: &str) -> LiveCase {
    let mut c = case(name);
    c.namespace_labels
        .insert("pod-security.kubernetes.io/enforce".into(), json!(level));
    c
}

/// Runs `case` against a fresh double and returns what it made of the Pod.
async fn pod_verdict(case: &LiveCase) -> LiveResult {
    let double = Double::start(Faults::default()).await;
    let outcome = run_case(&double.client(), case, &options())
        .await
        .expect("live case");
    double.wait_terminated().await;
    double.assert_none_left();
    outcome.result
}

/// The `violates PodSecurity` part of a refused Pod's `FailedCreate` message.
fn violation(result: &LiveResult) -> String {
    let LiveResult::Rejected { reason, message } = result else {
        panic!("expected a refused Pod, got {result:?}")
    };
    assert_eq!(reason, "FailedCreate");
    let (_, violation) = message
        .split_once("is forbidden: violates PodSecurity ")
        .unwrap_or_else(|| panic!("not a PodSecurity refusal: {message}"));
    violation.to_string()
}

/// The launcher's plain Job (no securityContext) is what `baseline` admits and `restricted`
/// refuses: the double enforces the namespace's level, with each restricted check named.
#[tokio::test]
async fn a_pod_baseline_admits_is_refused_by_restricted() {
    let admitted = pod_verdict(&case_at("plain-baseline", "baseline")).await;
    assert!(
        matches!(admitted, LiveResult::Admitted { .. }),
        "{admitted:?}"
    );
    let refused = pod_verdict(&case_at("plain-restricted", "restricted")).await;
    assert_eq!(
        violation(&refused),
        concat!(
            "\"restricted:latest\": ",
            "allowPrivilegeEscalation != false (container \"rs-launcher-container\" must set securityContext.allowPrivilegeEscalation=false); ",
            "unrestricted capabilities (container \"rs-launcher-container\" must set securityContext.capabilities.drop=[\"ALL\"]); ",
            "runAsNonRoot != true (pod or container \"rs-launcher-container\" must set securityContext.runAsNonRoot=true); ",
            "seccompProfile (pod or container \"rs-launcher-container\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
        )
    );
}

/// The same Job hardened the way the Pod Security Standards ask is admitted at
/// `restricted`, so the refusals above are the checks', not a blanket no.
#[tokio::test]
async fn a_hardened_pod_is_admitted_by_restricted() {
    let mut hardened = case_at("hardened", "restricted");
    let spec = &mut hardened.job["spec"]["template"]["spec"];
    spec["securityContext"] =
        json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}});
    spec["containers"][0]["securityContext"] = json!({
        "allowPrivilegeEscalation": false,
        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    });
    spec["volumes"] = json!([{"name": "scratch", "emptyDir": {}}]);
    let result = pod_verdict(&hardened).await;
    assert!(matches!(result, LiveResult::Admitted { .. }), "{result:?}");
}

/// Before, the double checked only privileged containers and host namespaces: this Pod,
/// which kube-apiserver refuses at `baseline`, was admitted.
#[tokio::test]
async fn baseline_refuses_host_paths_host_ports_and_added_capabilities() {
    let mut case = case_at("baseline-holes", "baseline");
    let spec = &mut case.job["spec"]["template"]["spec"];
    spec["volumes"] = json!([{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}]);
    spec["containers"][0]["ports"] = json!([{"containerPort": 8787, "hostPort": 8787}]);
    spec["containers"][0]["securityContext"] = json!({
        "capabilities": {"add": ["SYS_ADMIN", "CHOWN"]},
        "seccompProfile": {"type": "Unconfined"}
    });
    spec["securityContext"] = json!({"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]});
    let result = pod_verdict(&case).await;
    assert_eq!(
        violation(&result),
        concat!(
            "\"baseline:latest\": ",
            "non-default capabilities (container \"rs-launcher-container\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add); ",
            "hostPath volumes (volume \"docker\"); ",
            "hostPort (container \"rs-launcher-container\" uses hostPort 8787); ",
            "seccompProfile (container \"rs-launcher-container\" must not set securityContext.seccompProfile.type to \"Unconfined\"); ",
            "forbidden sysctls (kernel.msgmax)"
        )
    );
}

/// Before, a Pod that set every restricted field but ran as root and added `SYS_ADMIN`
/// on top of dropping ALL was admitted at `restricted`; kube-apiserver refuses it. The
/// dry run's warning keeps the `would violate PodSecurity` format.
#[tokio::test]
async fn restricted_refuses_root_and_added_capabilities() {
    let mut case = case_at("restricted-holes", "restricted");
    let spec = &mut case.job["spec"]["template"]["spec"];
    spec["securityContext"] = json!({
        "runAsNonRoot": true,
        "runAsUser": 0,
        "seccompProfile": {"type": "RuntimeDefault"}
    });
    spec["containers"][0]["securityContext"] = json!({
        "allowPrivilegeEscalation": false,
        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "NET_RAW"]}
    });
    spec["volumes"] =
        json!([{"name": "data", "nfs": {"server": "nfs.example.com", "path": "/home"}}]);
    let expected = concat!(
        "\"restricted:latest\": ",
        "unrestricted capabilities (container \"rs-launcher-container\" must not include \"NET_RAW\" in securityContext.capabilities.add); ",
        "restricted volume types (volume \"data\" uses restricted volume type \"nfs\"); ",
        "runAsUser=0 (pod must not set runAsUser=0)"
    );
    assert_eq!(violation(&pod_verdict(&case).await), expected);

    let double = Double::start(Faults::default()).await;
    let opts = LiveOptions {
        dry_run: true,
        ..options()
    };
    let outcome = run_case(&double.client(), &case, &opts)
        .await
        .expect("live case");
    assert!(matches!(outcome.result, LiveResult::DryRun { .. }));
    let warning = format!("would violate PodSecurity {expected}");
    assert!(
        outcome.findings.iter().any(|f| f.message == warning),
        "{:?}",
        outcome.findings
    );
    double.wait_terminated().await;
    double.assert_none_left();
}

/// Issue 8, item 3: a Job captured with `kubectl get job -o yaml` carries what the server
/// set, including the old selector, which a real server refuses; jjo posts it without.
#[tokio::test]
async fn a_captured_job_is_posted_without_what_the_server_set() {
    let double = Double::start(Faults::default()).await;
    let mut captured = case("captured");
    captured.job["metadata"] = json!({"name": "rstudio-session-x7k2p", "generateName": "rstudio-session-",
        "uid": "0b9f1c2e-0000-4000-8000-000000000001", "resourceVersion": "4711",
        "creationTimestamp": "2026-01-01T00:00:00Z", "generation": 1,
        "managedFields": [{"manager": "rstudio-launcher", "operation": "Update"}]});
    captured.job["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "0b9f1c2e-0000-4000-8000-000000000001"}});
    captured.job["spec"]["template"]["metadata"] = json!({"labels": {
        "batch.kubernetes.io/controller-uid": "0b9f1c2e-0000-4000-8000-000000000001",
        "batch.kubernetes.io/job-name": "rstudio-session-x7k2p",
        "controller-uid": "0b9f1c2e-0000-4000-8000-000000000001", "job-name": "rstudio-session-x7k2p"}});
    captured.job["status"] = json!({"active": 1});
    let outcome = run_case(&double.client(), &captured, &options())
        .await
        .expect("live case");
    assert!(
        matches!(outcome.result, LiveResult::Admitted { .. }),
        "{:?} {:?}",
        outcome.result,
        outcome.findings
    );
    let posted = &double.created("jobs")[0];
    assert_ne!(
        posted["metadata"]["uid"],
        "0b9f1c2e-0000-4000-8000-000000000001"
    );
    assert!(
        posted["metadata"]["name"]
            .as_str()
            .is_some_and(|n| n != "rstudio-session-x7k2p")
    );
    double.wait_terminated().await;
    double.assert_none_left();
}

/// A kubeconfig with the kind context pointing at the double and the current context at
/// another cluster.
fn kind_kubeconfig(double: &Double, with_kind_context: bool) -> tempfile::NamedTempFile {
    let kind_context = if with_kind_context {
        "- name: kind-jjo\n  context: {cluster: kind-jjo, user: kind-jjo}\n"
    } else {
        ""
    };
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: kind-jjo\n  cluster: {{server: '{}'}}\n- name: prod\n  cluster: {{server: 'http://127.0.0.1:1'}}\nusers:\n- name: kind-jjo\n  user: {{token: t}}\ncontexts:\n{kind_context}- name: prod\n  context: {{cluster: prod, user: kind-jjo}}\ncurrent-context: prod\n",
        double.url
    );
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), text).expect("write kubeconfig");
    file
}

/// Issue 8, items 5 and 13: `--cluster kind` with `JJO_KUBECONFIG` talks to the context
/// `kind-jjo` only, never the file's current context; it checks the node version against
/// `--kind-image`; and connecting leaves the process environment alone.
#[tokio::test]
async fn the_kind_backend_uses_only_the_kind_context_and_checks_its_version() {
    let double = Double::start(Faults {
        version: Some("v1.33.1"),
        ..Faults::default()
    })
    .await;
    let file = kind_kubeconfig(&double, true);
    let backend = |image: Option<&str>, path: &std::path::Path| jjo::cluster::Backend::Kind {
        config: "kind-config.yaml".into(),
        recreate: false,
        image: image.map(str::to_string),
        kubeconfig: Some(path.to_path_buf()),
    };
    let before = std::env::var_os("JJO_KUBECONFIG");
    let cluster = backend(None, file.path())
        .connect()
        .await
        .expect("the kind context, not `prod`");
    assert_eq!(cluster.version.as_deref(), Some("v1.33.1"));
    assert!(double.count("GET", "/version") >= 1);
    assert_eq!(std::env::var_os("JJO_KUBECONFIG"), before);

    let pinned = "kindest/node:v1.31.9@sha256:b94a3a6c06198d17f59cca8c6f486236fa05e2fb359cbd75dabbfc348a10b211";
    let err = backend(Some(pinned), file.path())
        .connect()
        .await
        .expect_err("the cluster runs 1.33");
    assert!(
        err.to_string().contains("runs Kubernetes `v1.33.1`"),
        "{err}"
    );
    assert!(err.hint().unwrap_or_default().contains("--recreate"));

    let without = kind_kubeconfig(&double, false);
    let err = backend(None, without.path())
        .connect()
        .await
        .expect_err("no kind-jjo context");
    assert!(
        err.to_string().contains("context `kind-jjo` not found"),
        "{err}"
    );
    assert!(
        err.hint()
            .unwrap_or_default()
            .contains("never a kubeconfig's current context")
    );
}

/// Issue 8, item 7: waiting for Running has its own timeout, longer than the case's: a
/// Pod whose image takes a while still gets its checks; one that never runs says so.
#[tokio::test]
async fn waiting_for_running_has_its_own_timeout() {
    let double = Double::start(Faults {
        kubelet_step: Duration::from_millis(300),
        ..Faults::default()
    })
    .await;
    let mut checked = case("slow-image");
    checked.checks.push(Check::command(["echo", "up"]));
    let opts = LiveOptions {
        timeout: Duration::from_millis(600),
        running_timeout: Duration::from_secs(5),
        progress: true,
        ..options()
    };
    let outcome = run_case(&double.client(), &checked, &opts)
        .await
        .expect("Running within its own timeout");
    assert!(outcome.checks[0].passed, "{:?}", outcome.checks);
    let opts = LiveOptions {
        running_timeout: Duration::from_millis(200),
        ..opts
    };
    let err = run_case(&double.client(), &checked, &opts)
        .await
        .expect_err("never Running in time");
    let text = err.to_string();
    assert!(text.contains("to be running"), "{text}");
    assert!(text.contains("pre-loaded"), "{text}");
    double.wait_terminated().await;
    double.assert_none_left();
}

/// The double's kubelet: a Pod whose command exits fails; a check then cannot exec, and a
/// command the image lacks fails the check.
#[tokio::test]
async fn checks_in_a_failed_pod_or_with_a_missing_command_fail() {
    let double = Double::start(Faults::default()).await;
    let mut failing = case("exits");
    failing.job["spec"]["template"]["spec"]["containers"][0]["command"] = json!(["false"]);
    failing.checks.push(Check::command(["echo", "up"]));
    let err = run_case(&double.client(), &failing, &options())
        .await
        .expect_err("the Pod failed");
    assert!(
        matches!(err, Error::PodNotRunning { ref phase, .. } if phase == "Failed"),
        "{err}"
    );
    let mut missing = case("missing-command");
    missing.checks.push(Check::command(["rsession-check"]));
    let outcome = run_case(&double.client(), &missing, &options())
        .await
        .expect("live case");
    assert!(!outcome.checks[0].passed);
    assert_eq!(outcome.checks[0].exit_code, Some(1));
    double.wait_terminated().await;
    double.assert_none_left();
}

/// Issue 8, item 12: a watch answered with 410 Gone lists afresh instead of failing.
#[tokio::test]
async fn a_watch_answered_410_lists_afresh() {
    let double = Double::start(Faults {
        gone_watches: Some(("pods", 2)),
        expired_watches: Some(("events", 1)),
        pod_delay: Duration::from_millis(100),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("gone"), &options())
        .await
        .expect("relisted");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    assert!(outcome.timings.watch_restarts >= 2, "{:?}", outcome.timings);
    // Each 410 was followed by a list, not a watch from the same version.
    let requests = double.requests();
    let pod_calls: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("GET") && r.contains("/pods?") && r.contains("labelSelector"))
        .collect();
    assert!(pod_calls.len() >= 5, "{pod_calls:?}");
    double.wait_terminated().await;
    double.assert_none_left();
}

/// Issue 8, item 8: setup objects are limited to the kinds the documented Role grants and
/// gc sweeps, refused before anything is created.
#[tokio::test]
async fn a_setup_object_of_another_kind_is_refused_before_anything_is_created() {
    let double = Double::start(Faults::default()).await;
    let mut role = case("role");
    role.setup.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "x"}}));
    let err = run_case(&double.client(), &role, &options())
        .await
        .expect_err("not a setup kind");
    let text = err.to_string();
    assert!(
        text.contains("jjo does not create `rbac.authorization.k8s.io/v1` `Role` objects"),
        "{text}"
    );
    assert!(text.contains("`v1` `ServiceAccount`"), "{text}");
    assert!(double.requests().iter().all(|r| !r.starts_with("POST")));
}

/// Issue 8, item 8: the Role in `ci/staging.md` grants every call a shared-namespace run
/// makes, for every kind setup may create (read from the file, not restated).
#[test]
fn the_documented_role_grants_every_setup_kind_and_call() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ci/staging.md"))
        .expect("ci/staging.md");
    let role = text
        .split("```yaml")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("the YAML block");
    let docs: Vec<Value> = role
        .split("\n---\n")
        .filter_map(|d| serde_yaml_ng::from_str(d).ok())
        .collect();
    let rules = docs
        .iter()
        .find(|d| d["kind"] == "Role")
        .and_then(|r| r["rules"].as_array())
        .expect("a Role with rules");
    let grants = |group: &str, resource: &str, verb: &str| {
        rules.iter().any(|r| {
            let has = |key: &str, want: &str| {
                r[key]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|v| v == want))
            };
            has("apiGroups", group) && has("resources", resource) && has("verbs", verb)
        })
    };
    for (_, _, plural) in jjo::cluster::SETUP_KINDS {
        for verb in ["create", "get", "list", "delete"] {
            assert!(
                grants("", plural, verb),
                "`{verb}` `{plural}` missing from the Role"
            );
        }
    }
    for verb in ["create", "get", "list", "delete"] {
        assert!(grants("batch", "jobs", verb), "`{verb}` `jobs`");
    }
    for verb in ["get", "list", "watch"] {
        assert!(grants("", "pods", verb), "`{verb}` `pods`");
        assert!(grants("", "events", verb), "`{verb}` `events`");
    }
    assert!(grants("", "pods/exec", "create"));
}

/// Issue 8, item 6: the workflow polls for the Pod before `kubectl wait`, keeps the capture
/// from failing the run, scopes `JJO_CLUSTER` to the cases target, and pins node images by
/// digest (read from the shipped file).
#[test]
fn the_ci_workflow_runs_live_only_where_it_should() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/ci/github-actions.yml"
    ))
    .expect("ci/github-actions.yml");
    let workflow: Value = serde_yaml_ng::from_str(&text).expect("YAML");
    let job = &workflow["jobs"]["kind"];
    assert!(
        job["env"].get("JJO_CLUSTER").is_none(),
        "JJO_CLUSTER for every step"
    );
    let steps = job["steps"].as_array().expect("steps");
    for step in steps {
        let run = step["run"].as_str().unwrap_or_default();
        if step["env"].get("JJO_CLUSTER").is_some() {
            assert_eq!(run.trim(), "cargo test --test cases", "{step:?}");
        }
        if let Some(wait) = run.find("kubectl wait --for") {
            assert!(
                run[..wait].contains("kubectl get pod"),
                "no poll before `kubectl wait`"
            );
            assert_eq!(step["continue-on-error"], true, "{step:?}");
        }
    }
    for image in job["strategy"]["matrix"]["node-image"]
        .as_array()
        .expect("images")
    {
        let image = image.as_str().unwrap_or_default();
        let digest = image
            .split_once("@sha256:")
            .map(|(_, d)| d)
            .unwrap_or_default();
        assert!(
            digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
            "{image} is not pinned by digest"
        );
    }
}

/// Issue 8, item 12: a `Status` in the watch stream (the server giving up on the watch)
/// leads to a fresh list, never a re-watch from the version it had.
#[tokio::test]
async fn a_status_in_the_watch_stream_lists_afresh() {
    let double = Double::start(Faults {
        failing_watches: Some(("pods", 1)),
        pod_delay: Duration::from_millis(100),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("status"), &options())
        .await
        .expect("relisted");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    let pod_calls: Vec<String> = double
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET") && r.contains("/pods?") && r.contains("labelSelector"))
        .collect();
    // list, watch (ends with the Status), then a list again.
    assert!(pod_calls.len() >= 3, "{pod_calls:?}");
    assert!(pod_calls[1].contains("watch=true"), "{pod_calls:?}");
    assert!(!pod_calls[2].contains("watch=true"), "{pod_calls:?}");
    double.wait_terminated().await;
    double.assert_none_left();
}

/// The double's serviceaccount controller: a new namespace's `default` ServiceAccount comes
/// a moment later, and jjo creates the Job only once it is there.
#[tokio::test]
async fn the_job_waits_for_the_default_service_account() {
    let double = Double::start(Faults {
        service_account_delay: Duration::from_millis(300),
        ..Faults::default()
    })
    .await;
    let outcome = run_case(&double.client(), &case("young-namespace"), &options())
        .await
        .expect("live case");
    assert!(matches!(outcome.result, LiveResult::Admitted { .. }));
    let requests = double.requests();
    let watch = requests
        .iter()
        .position(|r| r.contains("/serviceaccounts?") && r.contains("watch=true"))
        .expect("a watch for the ServiceAccount");
    let create = requests
        .iter()
        .position(|r| r.starts_with("POST /apis/batch/v1/"))
        .expect("the Job create");
    assert!(watch < create, "{requests:?}");
    // No FailedCreate for the missing account was ever needed.
    assert!(double.created("events").is_empty());
    double.wait_terminated().await;
    double.assert_none_left();
}

/// Issue 8, item 4, as an admin runs it: `jjo gc` lists what it deleted, what is already
/// Terminating and what is left, and exits 1 only while something of jjo's remains.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jjo_gc_exits_non_zero_only_while_something_remains() {
    let double = Double::start(Faults {
        terminating: Duration::from_secs(30),
        rules: vec![Rule {
            method: "DELETE",
            path: "/namespaces/jjo-broken-",
            status: 500,
            times: 6,
        }],
        ..Faults::default()
    })
    .await;
    let ns = |name: &str| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"jjo.dev/run-id": "old-run"}}});
    double.insert("namespaces", "", ns("jjo-a-bcdfg"));
    double.insert("namespaces", "", ns("jjo-broken-bcdfg"));
    let kubeconfig = tempfile::NamedTempFile::new().expect("temp file");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: staging\n  cluster: {{server: '{}'}}\nusers:\n- name: me\n  user: {{token: t}}\ncontexts:\n- name: staging\n  context: {{cluster: staging, user: me}}\ncurrent-context: staging\n",
        double.url
    );
    std::fs::write(kubeconfig.path(), text).expect("write kubeconfig");
    let path = kubeconfig.path().to_path_buf();
    let gc = move || {
        crate::support::jjo(&[
            "gc",
            "--cluster",
            "kubeconfig",
            "--context",
            "staging",
            "--kubeconfig",
        ])
        .arg(&path)
        .output()
        .expect("run jjo")
    };
    let first = tokio::task::spawn_blocking(gc.clone())
        .await
        .expect("jjo gc");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("deleted namespaces/jjo-a-bcdfg"),
        "{stdout}"
    );
    assert!(
        stdout.contains("left namespaces/jjo-broken-bcdfg"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 deleted, 0 terminating, 1 left"),
        "{stdout}"
    );
    // The server recovered; `a` is still Terminating.
    let second = tokio::task::spawn_blocking(gc).await.expect("jjo gc");
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("terminating namespaces/jjo-a-bcdfg (already being deleted)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 deleted, 1 terminating, 0 left"),
        "{stdout}"
    );
}

/// The conformance scenarios (`conformance.rs`) on the double: it must answer as the real
/// kube-apiserver does (the harness's `conformance::` trials run the same scenarios on one).
mod conformance_on_the_double {
    use super::*;
    use crate::conformance::SCENARIOS;

    async fn run(name: &str) {
        let double = Double::start(Faults {
            service_account_delay: Duration::from_millis(50),
            ..Faults::default()
        })
        .await;
        let (_, scenario) = SCENARIOS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no scenario {name}"));
        if let Err(e) = scenario(double.client()).await {
            panic!("the double disagrees with kube-apiserver: {e}");
        }
        double.wait_terminated().await;
        double.assert_none_left();
    }

    macro_rules! scenarios {
        ($($name:ident),* $(,)?) => {
            $(#[tokio::test]
            async fn $name() {
                run(stringify!($name)).await;
            })*

            /// A scenario added to `SCENARIOS` is run here too.
            #[test]
            fn every_scenario_runs_on_the_double() {
                let here = [$(stringify!($name)),*];
                let all: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
                assert_eq!(here.to_vec(), all);
            }
        };
    }

    scenarios!(
        unknown_fields_warn_by_default,
        unknown_fields_strict_is_400,
        missing_namespace_is_404,
        terminating_namespace_refuses_content_and_deletes_again_with_200,
        default_service_account_appears,
        pod_security_warns_on_the_job_and_refuses_its_pod,
        dry_run_warns_and_stores_nothing,
        quota_on_job_count_refuses_the_job,
        quota_on_limits_cpu_refuses_the_pod,
        limit_range_fills_the_pods_resources,
        selector_without_manual_selector_is_422,
        job_pod_carries_controller_labels_and_owner,
        background_delete_of_a_job_removes_its_pods,
        watch_from_a_list_sees_the_pod_added,
    );
}
