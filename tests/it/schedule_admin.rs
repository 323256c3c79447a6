//! The admin tools with the cluster's nodes (issue 16): `jjo lint --nodes` reports every
//! principal whose session fits no node, `jjo diff --nodes` every principal whose placement
//! changes, `jjo init --nodes` puts the nodes in the suite so every case is placed.

use std::path::Path;

use crate::support::{Run, assert_run, path, tree};

fn jjo(args: &[&str]) -> Run {
    Run::of(crate::support::jjo(args).arg("--color=never"))
}

/// The shipped EKS sample: `pool: general` (`ip-10-20-11-37` in us-east-1a,
/// `ip-10-20-12-154` cordoned, `ip-10-20-13-90`), and `pool: gpu` tainted
/// `nvidia.com/gpu=true:NoSchedule` (`ip-10-20-41-8`, `ip-10-20-42-211`).
fn nodes() -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/schedule-gpu-pool/nodes.yaml");
    std::fs::read_to_string(file).expect("the shipped sample")
}

const IMAGE: &str = "default-container-image=rstudio/r-session-complete:jammy-2024.12.0\n";
const TOLERATION: &str =
    r#"[{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]"#;

/// A configuration: `[@gpu-users]` on the GPU pool with its toleration, `[alice]` with a
/// misspelt label key, `[bob]` on the GPU pool without the toleration, `[carol]` with a pod
/// anti-affinity jjo does not model.
fn production() -> Vec<(String, String)> {
    let o = "/etc/rstudio/job-json-overrides";
    let profiles = format!(
        "[*]\n{IMAGE}\n[@gpu-users]\njob-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/gpu-pool\",\"/spec/template/spec/tolerations\":\"{o}/gpu-toleration\"\n\n\
         [alice]\njob-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/typo-pool\"\n\n\
         [bob]\njob-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/gpu-pool\"\n\n\
         [carol]\njob-json-overrides=\"/spec/template/spec/affinity\":\"{o}/spread\"\n"
    );
    vec![
        ("launcher.kubernetes.profiles.conf".into(), profiles),
        ("job-json-overrides/gpu-pool".into(), "{\"pool\": \"gpu\"}\n".into()),
        ("job-json-overrides/typo-pool".into(), "{\n  \"pol\": \"gpu\"\n}\n".into()),
        ("job-json-overrides/gpu-toleration".into(), format!("{TOLERATION}\n")),
        (
            "job-json-overrides/spread".into(),
            r#"{"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "rstudio"}}}]}}"#.into(),
        ),
    ]
}

fn config(files: &[(String, String)]) -> tempfile::TempDir {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    tree(&refs)
}

const LOST_TOLERATION: &str = "the session's Pod fits no node of `nodes.yaml`: 0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s).";

#[test]
fn lint_with_nodes_reports_every_principal_whose_session_fits_no_node() {
    let etc = config(&production());
    let cluster = tree(&[("nodes.yaml", &nodes())]);
    let nodes = path(&cluster, "nodes.yaml");
    let dir = etc.path().to_str().expect("utf-8");
    // Without nodes, nothing is said of placement.
    let run = jjo(&["lint", dir]);
    assert_run(&run, 0, &[]);
    assert!(!run.stdout.contains("unschedulable"), "{}", run.stdout);

    let run = jjo(&["lint", dir, "--nodes", &nodes]);
    let o = etc.path().join("job-json-overrides");
    assert_run(
        &run,
        1,
        &[
            // bob lost the toleration: the scheduler's words, and which nodes refuse why.
            &format!(
                "error: {}/launcher.kubernetes.profiles.conf:11:20: {LOST_TOLERATION} [unschedulable]\n  for: [bob]\n",
                etc.path().display()
            ),
            "  2 nodes (`ip-10-20-11-37.ec2.internal`, `ip-10-20-13-90.ec2.internal`): node(s) didn't match Pod's node affinity/selector\n",
            "  2 nodes (`ip-10-20-41-8.ec2.internal`, `ip-10-20-42-211.ec2.internal`): node(s) had untolerated taint(s): `nvidia.com/gpu=true:NoSchedule`\n",
            "  1 node (`ip-10-20-12-154.ec2.internal`): node(s) were unschedulable\n",
            // alice's misspelt key: at the key in her override file, with the did-you-mean.
            &format!(
                "error: {}/typo-pool:2:3: the session's Pod fits no node of `nodes.yaml`: 0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s). (at `spec.template.spec.nodeSelector.pol`) [unschedulable]\n  for: [alice]\n",
                o.display()
            ),
            "  hint: no node has the label `pol`: did you mean `pool`?\n",
            // carol's placement depends on what jjo does not model: a note, not an error.
            "note: ",
            "placement on `",
            "not decided offline: the Pod fits 2 of 5 nodes on the filters jjo models, but its placement also depends on what it does not model: required pod anti-affinity (`affinity.podAntiAffinity`)",
            "[schedule-undecided]\n  for: [carol]\n",
            "2 errors, 0 warnings in 5 principals",
        ],
    );
    // The principals that fit are not named.
    for fits in ["for: [*]", "for: [@gpu-users]"] {
        assert!(!run.stdout.contains(fits), "{fits}:\n{}", run.stdout);
    }
    // `--allow` leaves the errors out of the output and the exit code.
    let run = jjo(&["lint", dir, "--nodes", &nodes, "--allow", "unschedulable"]);
    assert_run(&run, 0, &["[schedule-undecided]"]);
    assert!(!run.stdout.contains("[unschedulable]"), "{}", run.stdout);
}

#[test]
fn lint_with_nodes_in_every_format() {
    let etc = config(&production());
    let cluster = tree(&[("nodes.yaml", &nodes())]);
    let nodes = path(&cluster, "nodes.yaml");
    let dir = etc.path().to_str().expect("utf-8");

    let run = jjo(&["lint", dir, "--nodes", &nodes, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let problems = doc["problems"].as_array().expect("problems");
    let of = |who: &str| {
        problems
            .iter()
            .find(|p| p["principals"] == serde_json::json!([who]))
            .unwrap_or_else(|| panic!("no problem for {who}: {}", run.stdout))
    };
    let bob = of("[bob]");
    assert_eq!(bob["rule"], "unschedulable");
    assert_eq!(bob["severity"], "error");
    assert_eq!(bob["message"], LOST_TOLERATION);
    assert_eq!(bob["placement"]["total"], 5);
    assert_eq!(bob["placement"]["fits"], serde_json::json!([]));
    assert_eq!(
        bob["placement"]["groups"][1]["why"],
        "node(s) had untolerated taint(s): `nvidia.com/gpu=true:NoSchedule`"
    );
    let alice = of("[alice]");
    assert_eq!(alice["path"], "spec.template.spec.nodeSelector.pol");
    assert_eq!(alice["span"]["line"], 2);
    assert_eq!(
        alice["hint"],
        "no node has the label `pol`: did you mean `pool`?"
    );
    let carol = of("[carol]");
    assert_eq!(carol["rule"], "schedule-undecided");
    assert_eq!(carol["severity"], "note");
    assert_eq!(doc["errors"], 2);
    assert_eq!(doc["warnings"], 0);

    let run = jjo(&["lint", dir, "--nodes", &nodes, "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let typo = etc.path().join("job-json-overrides/typo-pool");
    assert!(
        run.stdout.contains(&format!(
            "::error file={},line=2,col=3,title=jjo unschedulable::the session's Pod fits no node of `nodes.yaml`",
            typo.display().to_string().replace(':', "%3A").replace(',', "%2C")
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("%0Ahint: no node has the label `pol`: did you mean `pool`?"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("::notice file="), "{}", run.stdout);
    assert!(
        run.stdout.contains("title=jjo schedule-undecided::"),
        "{}",
        run.stdout
    );

    let run = jjo(&["lint", dir, "--nodes", &nodes, "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let levels: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|r| Some((r["ruleId"].as_str()?, r["level"].as_str()?)))
        .filter(|(id, _)| id.contains("schedul"))
        .collect();
    assert_eq!(
        levels,
        [
            ("unschedulable", "error"),
            ("unschedulable", "error"),
            ("schedule-undecided", "note")
        ]
    );
    let located = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("did you mean `pool`"))
        })
        .expect("alice's result");
    assert_eq!(
        located["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn lint_of_a_suite_places_on_the_nodes_beside_suite_yaml() {
    let mut files: Vec<(String, String)> = production()
        .into_iter()
        .map(|(name, text)| (format!("etc/{name}"), text))
        .collect();
    files.push(("suite.yaml".into(), "etc: etc/\n".into()));
    files.push(("nodes.yaml".into(), nodes()));
    let suite = config(&files);
    let run = jjo(&["lint", suite.path().to_str().expect("utf-8")]);
    assert_run(
        &run,
        1,
        &[
            LOST_TOLERATION,
            "for: [bob]",
            "did you mean `pool`?",
            "2 errors",
        ],
    );
    // `--nodes` replaces them: on the GPU pool alone, only the GPU users' Pod (selector and
    // toleration) fits; anyone's (`[*]`, no toleration, at the nodes file: it has no
    // override list) no longer does.
    let gpu_only: String = {
        let all: serde_yaml_ng::Value = serde_yaml_ng::from_str(&nodes()).expect("YAML");
        let mut list = all.clone();
        let items: Vec<serde_yaml_ng::Value> = all["items"]
            .as_sequence()
            .expect("items")
            .iter()
            .filter(|n| n["metadata"]["labels"]["pool"] == "gpu")
            .cloned()
            .collect();
        list["items"] = serde_yaml_ng::Value::Sequence(items);
        serde_yaml_ng::to_string(&list).expect("YAML")
    };
    let cluster = tree(&[("gpu.yaml", &gpu_only)]);
    let run = jjo(&[
        "lint",
        suite.path().to_str().expect("utf-8"),
        "--nodes",
        &path(&cluster, "gpu.yaml"),
    ]);
    assert_run(
        &run,
        1,
        &[
            "gpu.yaml: the session's Pod fits no node of `gpu.yaml`: 0/2 nodes are available: 2 node(s) had untolerated taint(s). [unschedulable]\n  for: [*]\n",
            "profiles.conf:11:20: the session's Pod fits no node of `gpu.yaml`: 0/2 nodes are available: 2 node(s) had untolerated taint(s). [unschedulable]\n  for: [bob]\n",
            "4 errors",
        ],
    );
    // A `--nodes` that is not there is bad input.
    let run = jjo(&[
        "lint",
        suite.path().to_str().expect("utf-8"),
        "--nodes",
        "/nonexistent/nodes.yaml",
    ]);
    assert_run(
        &run,
        2,
        &[
            "`--nodes /nonexistent/nodes.yaml`: no such file",
            "kubectl get nodes -o yaml",
        ],
    );
}

#[test]
fn diff_with_nodes_says_whose_placement_changes() {
    let old = config(&production());
    let mut changed = production();
    for (name, text) in &mut changed {
        if name == "launcher.kubernetes.profiles.conf" {
            let o = "/etc/rstudio/job-json-overrides";
            // Anyone is pinned to us-east-1a; the GPU users lose their toleration; bob gains it.
            *text = text
                .replace(
                    &format!("[*]\n{IMAGE}"),
                    &format!("[*]\n{IMAGE}job-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/zone-a\"\n"),
                )
                .replace(
                    &format!(",\"/spec/template/spec/tolerations\":\"{o}/gpu-toleration\"\n\n[alice]"),
                    "\n\n[alice]",
                )
                .replace(
                    &format!("[bob]\njob-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/gpu-pool\"\n"),
                    &format!("[bob]\njob-json-overrides=\"/spec/template/spec/nodeSelector\":\"{o}/gpu-pool\",\"/spec/template/spec/tolerations\":\"{o}/gpu-toleration\"\n"),
                );
        }
    }
    changed.push((
        "job-json-overrides/zone-a".into(),
        "{\"topology.kubernetes.io/zone\": \"us-east-1a\"}\n".into(),
    ));
    let new = config(&changed);
    let cluster = tree(&[("nodes.yaml", &nodes())]);
    let nodes = path(&cluster, "nodes.yaml");
    let (a, b) = (
        old.path().to_str().expect("utf-8"),
        new.path().to_str().expect("utf-8"),
    );

    let run = jjo(&["diff", a, b, "--nodes", &nodes]);
    assert_run(
        &run,
        1,
        &[
            "  placement: the session now fits 1 node of 5, was 2 nodes; no longer `ip-10-20-13-90.ec2.internal`\n",
            "[@gpu-users] (`rstudio-user` in gpu-users): ",
            "  placement: the session no longer fits any node (it fits 2 nodes of 5): 0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s).\n",
            "  placement: the session now fits 2 nodes of 5 (it fitted none: 0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s).): `ip-10-20-41-8.ec2.internal`, `ip-10-20-42-211.ec2.internal`\n",
            "3 principals changed, 2 unchanged: [alice], [carol]",
        ],
    );

    let run = jjo(&["diff", a, b, "--nodes", &nodes, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let of = |section: &str| {
        doc["principals"]
            .as_array()
            .expect("principals")
            .iter()
            .find(|p| p["section"] == section)
            .unwrap_or_else(|| panic!("no {section}"))
            .clone()
    };
    assert_eq!(of("[*]")["placement"]["change"], "nodes");
    assert_eq!(
        of("[*]")["placement"]["new"]["fits"],
        serde_json::json!(["ip-10-20-11-37.ec2.internal"])
    );
    assert_eq!(of("[@gpu-users]")["placement"]["change"], "unschedulable");
    assert_eq!(
        of("[@gpu-users]")["placement"]["new"]["verdict"],
        "unschedulable"
    );
    assert_eq!(of("[bob]")["placement"]["change"], "schedulable");
    assert_eq!(of("[bob]")["placement"]["old"]["verdict"], "unschedulable");
    assert_eq!(
        of("[alice]")["placement"]["change"],
        serde_json::Value::Null
    );
    assert_eq!(of("[alice]")["changed"], false);

    // Without nodes only the Pods' fields are compared: bob's toleration is still a change,
    // and no principal has a placement.
    let run = jjo(&["diff", a, b, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(
        doc["principals"]
            .as_array()
            .expect("principals")
            .iter()
            .all(|p| p["placement"].is_null())
    );
}

#[test]
fn init_with_nodes_puts_them_in_the_suite_and_blesses_only_what_fits() {
    let etc = config(&production());
    let cluster = tree(&[("nodes.yaml", &nodes())]);
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("suite");
    let out = out.to_str().expect("utf-8");
    let run = jjo(&[
        "init",
        "--from",
        etc.path().to_str().expect("utf-8"),
        "--out",
        out,
        "--nodes",
        &path(&cluster, "nodes.yaml"),
    ]);
    assert_run(
        &run,
        1,
        &[
            "/suite/nodes.yaml: the cluster's 5 nodes from `",
            "every case's Pod must fit one of them (the `schedule` check)\n",
            "/suite/all: [*] as `rstudio-user`, 0 overrides: blessed\n",
            "/suite/group-gpu-users: [@gpu-users] as `rstudio-user` in gpu-users, 2 overrides: blessed\n",
            "/suite/user-bob: [bob] as `bob`, 1 override: job: not blessed: ",
            "/suite/user-bob/expected-pod.yaml` was not written, because the `schedule` check fails",
            "schedule: the session's Pod fits no node of `nodes.yaml`\n    scheduler: 0/5 nodes are available: ",
            "/suite/user-carol: [carol] as `carol`, 1 override: blessed\n",
        ],
    );
    let suite = tmp.path().join("suite");
    assert_eq!(
        std::fs::read_to_string(suite.join("nodes.yaml")).expect("nodes.yaml"),
        nodes()
    );
    // A case whose Pod fits no node gets no golden.
    assert!(!suite.join("user-bob/expected-pod.yaml").exists());
    assert!(!suite.join("user-alice/expected-job.yaml").exists());
    assert!(suite.join("user-carol/expected-pod.yaml").is_file());
    let run = jjo(&["test", out]);
    assert_run(
        &run,
        1,
        &[
            "FAILED  user-bob",
            "FAILED  user-alice",
            "did you mean `pool`?",
        ],
    );

    // A `nodes.yaml` in the configuration is taken without `--nodes`.
    let mut with_nodes = production();
    with_nodes.push(("nodes.yaml".into(), nodes()));
    let etc = config(&with_nodes);
    let out = tmp.path().join("again");
    let run = jjo(&[
        "init",
        "--from",
        etc.path().to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_run(
        &run,
        1,
        &["/again/nodes.yaml: the cluster's 5 nodes from `"],
    );
    assert!(out.join("nodes.yaml").is_file());
}
