//! The admin's rollout tools as an admin meets them: Helm values files (good and malformed),
//! `jjo diff`, `jjo init` and `jjo lint`, run through the `jjo` binary.

use std::path::Path;

use crate::support::{Run, assert_run, path, tree};

fn jjo(args: &[&str]) -> Run {
    jjo_in(Path::new("."), args)
}

fn jjo_in(dir: &Path, args: &[&str]) -> Run {
    Run::of(
        crate::support::jjo(args)
            .current_dir(dir)
            .arg("--color=never"),
    )
}

const HELM_HEAD: &str = "launcher:\n  useTemplates: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        job-json-overrides:\n          - name: pull\n            target: /spec/template/spec/containers/0/imagePullPolicy\n";

#[test]
fn helm_case_blesses_then_passes_and_fails_when_the_values_change() {
    let values = format!("{HELM_HEAD}            json: Always\n");
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        ("c/values.yaml", &values),
    ]);
    let case = path(&tmp, "c");
    assert_run(&jjo(&["test", "--bless", &case]), 0, &["blessed"]);
    assert_run(&jjo(&["test", &case]), 0, &["1 passed"]);
    let changed = format!("{HELM_HEAD}            json: Never\n");
    std::fs::write(tmp.path().join("c/values.yaml"), changed).expect("write");
    assert_run(
        &jjo(&["test", &case]),
        1,
        &["imagePullPolicy", "\"Always\"", "\"Never\""],
    );
}

#[test]
fn helm_values_with_an_emptied_json_name_the_line_and_column() {
    let values = format!("{HELM_HEAD}            json: # Always\n");
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        ("c/values.yaml", &values),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    assert_run(
        &run,
        2,
        &["values.yaml:10:13", "`json` is empty", "YAML comment"],
    );
}

#[test]
fn truncated_helm_values_say_so() {
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        ("c/values.yaml", HELM_HEAD),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    assert_run(&run, 2, &["values.yaml:8:13", "has no `json`", "truncated"]);
}

#[test]
fn helm_values_with_an_unquoted_colon_in_a_pointer_name_the_line() {
    let values = HELM_HEAD.replace(
        "target: /spec/template/spec/containers/0/imagePullPolicy",
        "target: /metadata/annotations/note: x",
    ) + "            json: 1\n";
    let tmp = tree(&[("values.yaml", &values)]);
    let run = jjo(&[
        "resolve",
        "--helm-values",
        &path(&tmp, "values.yaml"),
        "--user",
        "u",
    ]);
    assert_run(
        &run,
        2,
        &["values.yaml:9:", "invalid YAML", "quote the value"],
    );
}

/// A shipped fixture, by its path in the repository.
fn fixture(rel: &str) -> String {
    format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn diff_names_each_principals_field_changes_and_who_is_unchanged() {
    let run = jjo(&[
        "diff",
        &fixture("rollout/production"),
        &fixture("rollout/change"),
        "--groups-of",
        "alice=interns",
    ]);
    assert_run(
        &run,
        1,
        &[
            "[*] (`rstudio-user` in no group): 1 field changes\n  ~ metadata.labels.team: \"general\" -> \"shared\"\n",
            "[@gpu-users] (`rstudio-user` in gpu-users): 2 fields change\n  - spec.tolerations[key=nvidia.com/gpu]: {\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\"}\n  + spec.tolerations[key=nvidia.com/gpu,effect=NoSchedule]: ",
            "[alice] (`alice` in interns): 1 field changes",
            "[dave] (`dave` in no group): 1 field changes",
            "5 principals changed, 5 unchanged: [@data-science], [@finance], [@admins], [bob], [carol]\n",
        ],
    );
    // `[@data-science]` has its own list, so the `[*]` label change does not reach it.
    assert!(!run.stdout.contains("[@data-science] ("), "{}", run.stdout);
}

#[test]
fn diff_exit_zero_and_identical_configurations() {
    let (old, new) = (fixture("rollout/production"), fixture("rollout/change"));
    assert_run(
        &jjo(&["diff", &old, &new, "--exit-zero"]),
        0,
        &["5 principals changed"],
    );
    assert_run(
        &jjo(&["diff", &old, &old]),
        0,
        &["0 principals changed, 10 unchanged"],
    );
}

#[test]
fn diff_json_and_json_patch_formats() {
    let (old, new) = (fixture("rollout/production"), fixture("rollout/change"));
    let run = jjo(&["diff", &old, &new, "--format", "json-patch"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let patches: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        patches["[@gpu-users]"],
        serde_json::json!([{"op": "add", "path": "/spec/tolerations/0/effect", "value": "NoSchedule"}])
    );
    assert_eq!(
        patches["[*]"],
        serde_json::json!([{"op": "replace", "path": "/metadata/labels/team", "value": "shared"}])
    );
    assert_eq!(patches["[bob]"], serde_json::json!([]));
    let run = jjo(&["diff", &old, &new, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        doc["unchanged"],
        serde_json::json!([
            "[@data-science]",
            "[@finance]",
            "[@admins]",
            "[bob]",
            "[carol]"
        ])
    );
    let star = &doc["principals"][0];
    assert_eq!(star["section"], "[*]");
    assert_eq!(
        star["changes"],
        serde_json::json!([{"path": "metadata.labels.team", "change": "changed", "old": "general", "new": "shared"}])
    );
}

#[test]
fn diff_reads_helm_values_too_and_refuses_what_is_neither() {
    let values = format!("{HELM_HEAD}            json: Always\n");
    let changed = format!("{HELM_HEAD}            json: Never\n");
    let tmp = tree(&[
        ("old.yaml", &values),
        ("new.yaml", &changed),
        ("notes.txt", "not a configuration\n"),
    ]);
    assert_run(
        &jjo(&["diff", &path(&tmp, "old.yaml"), &path(&tmp, "new.yaml")]),
        1,
        &["~ spec.containers[name=rs-launcher-container].imagePullPolicy: \"Always\" -> \"Never\""],
    );
    assert_run(
        &jjo(&["diff", &path(&tmp, "old.yaml"), &path(&tmp, "notes.txt")]),
        2,
        &["is neither a configuration directory nor a Helm values file"],
    );
}

#[test]
fn init_makes_a_suite_that_passes_at_once_and_fails_with_a_diff_after_a_change() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("cases");
    let out = out.to_str().expect("utf-8 path");
    let from = fixture("rollout/production");
    let run = jjo(&[
        "init",
        "--from",
        &from,
        "--out",
        out,
        "--groups-of",
        "alice=interns",
    ]);
    assert_run(
        &run,
        0,
        &[
            "/cases/suite.yaml: one `etc/` for every case, from ",
            "(9 files copied)\n",
            "[1/10] ",
            "/cases/all: [*] as `rstudio-user`, 1 override: blessed\n",
            "/cases/group-gpu-users: [@gpu-users] as `rstudio-user` in gpu-users, 2 overrides: blessed\n",
            "/cases/user-alice: [alice] as `alice` in interns, 1 override: blessed\n",
            "[10/10] ",
            "10 cases in",
        ],
    );
    // One `etc/` for the suite; a case holds only case.yaml, README.md and its goldens.
    let etc = tmp.path().join("cases/etc/job-json-overrides");
    assert!(etc.join("pull-always.json").is_file());
    let mut bob: Vec<String> = std::fs::read_dir(tmp.path().join("cases/user-bob"))
        .expect("bob's case")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    bob.sort();
    assert_eq!(
        bob,
        [
            "README.md",
            "case.yaml",
            "expected-job.yaml",
            "expected-pod.yaml"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("cases/user-alice/case.yaml")).expect("case.yaml"),
        "user: alice\ngroups: [interns]\n"
    );

    assert_run(&jjo(&["test", out]), 0, &["10 passed, 0 failed"]);

    std::fs::write(etc.join("pull-always.json"), "\"Never\"\n").expect("write");
    assert_run(
        &jjo(&["test", out]),
        1,
        &[
            "FAILED  user-bob",
            "imagePullPolicy: expected \"Always\", got \"Never\"",
            "9 passed, 1 failed",
        ],
    );

    assert_run(
        &jjo(&["init", "--from", &from, "--out", out]),
        2,
        &[
            "refusing to overwrite existing cases",
            "user-bob",
            "--force",
        ],
    );
    assert_run(
        &jjo(&["init", "--from", &from, "--out", out, "--force"]),
        0,
        &["10 cases in"],
    );
    assert_run(&jjo(&["test", out]), 0, &["10 passed, 0 failed"]);
}

#[test]
fn init_from_helm_values_copies_the_values_file() {
    let values = format!("{HELM_HEAD}            json: Always\n");
    let tmp = tree(&[("values.yaml", &values)]);
    let out = path(&tmp, "cases");
    assert_run(
        &jjo(&[
            "init",
            "--helm-values",
            &path(&tmp, "values.yaml"),
            "--out",
            &out,
        ]),
        0,
        &[
            "(1 file copied)",
            "/cases/all: [*] as `rstudio-user`, 3 overrides: blessed",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("cases/all/case.yaml")).expect("case.yaml"),
        "user: rstudio-user\n"
    );
    let suite = std::fs::read_to_string(tmp.path().join("cases/suite.yaml")).expect("suite.yaml");
    assert!(
        suite.ends_with("etc: etc/\nhelm-values: etc/values.yaml\n"),
        "{suite}"
    );
    assert_run(&jjo(&["test", &out]), 0, &["1 passed, 0 failed"]);
    assert_run(&jjo(&["test", &out]), 0, &["1 passed, 0 failed"]);
}

#[test]
fn lint_summarises_security_per_principal_and_passes_with_warnings() {
    let prod = fixture("rollout/production");
    let run = jjo(&["lint", &prod]);
    assert_run(
        &run,
        0,
        &[
            "warning: ",
            "job-json-overrides/privileged.json:1:2: sets `privileged: true`",
            "  for: [carol]\n",
            "[carol] (`carol` in no group): 1 override, Pod Security `privileged`\n  privileged: `spec.template.spec.containers[0].securityContext.privileged` = true\n",
            "[@admins] (`rstudio-user` in admins): 1 override, Pod Security `baseline`\n  serviceAccount: `spec.template.spec.serviceAccountName` = \"workbench-admin\"\n",
            "[bob] (`bob` in no group): 1 override, Pod Security `baseline`\n[carol]",
            "0 errors, 1 warning in 10 principals",
        ],
    );
    assert_run(&jjo(&["lint", &prod, "--deny-warnings"]), 1, &["1 warning"]);
}

const BAD_PROFILES: &str = "[*]\njob-json-overrides=\"/spec/template/spec/restartPolicy\":\"/etc/rstudio/job-json-overrides/restart.json\",\"/spec/template/spec/containers/0/resourcez\":\"/etc/rstudio/job-json-overrides/r.json\"\n";

fn bad_config() -> tempfile::TempDir {
    tree(&[
        ("etc/launcher.kubernetes.profiles.conf", BAD_PROFILES),
        ("etc/job-json-overrides/restart.json", "\"Always\"\n"),
        ("etc/job-json-overrides/r.json", "{}\n"),
    ])
}

#[test]
fn lint_errors_point_at_the_override_that_set_the_field() {
    let tmp = bad_config();
    let run = jjo(&["lint", &path(&tmp, "etc")]);
    assert_run(
        &run,
        1,
        &[
            "error: ",
            "launcher.kubernetes.profiles.conf:2:20: unsupported value `Always` for `restartPolicy`",
            "[restart-policy]",
            "launcher.kubernetes.profiles.conf:2:103: unknown field `resourcez`",
            "hint: did you mean `resources`?",
            "2 errors, 1 warning in 1 principal",
        ],
    );
}

#[test]
fn lint_github_annotations_and_sarif_name_file_line_and_column() {
    let tmp = bad_config();
    let run = jjo(&["lint", &path(&tmp, "etc"), "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error ") && l.contains("restart-policy"))
        .expect("an error annotation");
    assert!(
        error.contains("launcher.kubernetes.profiles.conf,line=2,col=20,title=jjo restart-policy::unsupported value `Always`"),
        "{error}"
    );
    assert!(error.contains("%0Afor: [*]"), "{error}");

    let run = jjo(&["lint", &path(&tmp, "etc"), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let error = results
        .iter()
        .find(|r| r["level"] == "error" && r["ruleId"] == "restart-policy")
        .expect("an error result");
    let region = &error["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(20))
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        rules.iter().any(|r| r["id"] == "unknown-field"),
        "{rules:?}"
    );
}

/// Issue 19: lint found the place of five kinds of error by matching them, so a Job the
/// launcher refuses and an override jjo refuses lost `file=`/`line=` in GitHub annotations
/// and their SARIF location, and printed the place inside the message instead.
#[test]
fn lint_github_and_sarif_locate_job_and_patch_errors() {
    let tmp = tree(&[
        (
            "job/launcher.kubernetes.profiles.conf",
            "[*]\nmax-cpus=4\ndefault-cpus=8\n",
        ),
        (
            "patch/launcher.kubernetes.profiles.conf",
            "[*]\njob-json-overrides=\"/spec/template/spec/tolerations/10001\":\"/etc/rstudio/job-json-overrides/t.json\"\n",
        ),
        ("patch/job-json-overrides/t.json", "{}\n"),
    ]);
    for (dir, line, col, rule, message) in [
        (
            "job",
            2,
            10,
            "resources",
            "session asks for cpus 8, above `max-cpus=4`",
        ),
        (
            "patch",
            2,
            20,
            "patch",
            "refusing index 10001 of `/spec/template/spec/tolerations/10001`",
        ),
    ] {
        let etc = path(&tmp, dir);
        let file = format!("{etc}/launcher.kubernetes.profiles.conf");
        let run = jjo(&["lint", &etc, "--format", "github"]);
        assert_eq!(run.code, 1, "{}", run.text());
        let want = format!(
            "::error file={},line={line},col={col},title=jjo {rule}::{message}",
            file.replace(':', "%3A").replace(',', "%2C")
        );
        assert!(run.stdout.contains(&want), "{want}\n{}", run.text());

        let run = jjo(&["lint", &etc, "--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], rule, "{sarif}");
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], file, "{sarif}");
        assert_eq!(
            (
                physical["region"]["startLine"].as_u64(),
                physical["region"]["startColumn"].as_u64()
            ),
            (Some(line), Some(col)),
            "{sarif}"
        );
        let text = result["message"]["text"].as_str().expect("text");
        assert!(text.starts_with(message), "{text}");
    }
}

/// Issue 19 item 3: a finding inside a Helm override's `json:` pointed at the entry's
/// `- name:` line, since the value's place was looked up as JSON in the YAML values file (and
/// Helm's locator found a key's column by searching its line for `key:` spelt three ways). The
/// one YAML reader finds the quoted label key itself.
#[test]
fn lint_points_at_a_quoted_label_inside_a_helm_override() {
    let values = format!(
        "{}            target: /spec/template/metadata/labels\n            json:\n              team: a\n              \"app.kubernetes.io/name\": \"bad value!\"\n",
        HELM_HEAD
            .strip_suffix("            target: /spec/template/spec/containers/0/imagePullPolicy\n")
            .expect("HELM_HEAD ends with its target")
    );
    let tmp = tree(&[("values.yaml", &values)]);
    let file = path(&tmp, "values.yaml");
    let run = jjo(&["lint", "--helm-values", &file, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let label = json["problems"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["rule"] == "label"))
        .expect("a label problem");
    assert_eq!(
        label["path"],
        r#"spec.template.metadata.labels["app.kubernetes.io/name"]"#
    );
    assert_eq!(
        label["span"],
        serde_json::json!({"file": file, "line": 12, "col": 15}),
        "{values}"
    );
}

#[test]
fn lint_of_malformed_helm_values_is_an_annotated_error() {
    let values = format!("{HELM_HEAD}            json: # Always\n");
    let tmp = tree(&[("values.yaml", &values)]);
    let run = jjo(&[
        "lint",
        "--helm-values",
        &path(&tmp, "values.yaml"),
        "--format",
        "github",
    ]);
    assert_run(
        &run,
        1,
        &[
            "::error file=",
            "values.yaml,line=10,col=13,title=jjo syntax::`json` is empty",
        ],
    );
    let run = jjo(&["lint", "--helm-values", &path(&tmp, "nowhere.yaml")]);
    assert_run(&run, 2, &["nowhere.yaml"]);
}

#[test]
fn diff_of_the_same_broken_principal_in_both_is_no_change() {
    let files = |label: &str| {
        vec![(
            "launcher.kubernetes.profiles.conf".to_string(),
            format!(
                "[*]\nmax-cpus=2\n[@ops]\njob-json-overrides=\"/spec/x\":\"/etc/rstudio/missing.json\"\n# {label}\n"
            ),
        )]
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    for side in ["old", "new"] {
        for (name, text) in files(side) {
            let p = tmp.path().join(side).join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
    }
    let run = jjo(&["diff", &path(&tmp, "old"), &path(&tmp, "new")]);
    assert_run(&run, 0, &["0 principals changed, 2 unchanged: [*], [@ops]"]);
    // A principal whose session stops building is a change, with the reason.
    std::fs::write(tmp.path().join("new/missing.json"), "1").expect("write");
    let run = jjo(&["diff", &path(&tmp, "new"), &path(&tmp, "old")]);
    assert_run(
        &run,
        1,
        &[
            "[@ops] (`rstudio-user` in ops): the session no longer starts",
            "missing.json",
        ],
    );
}

#[test]
fn diff_of_an_overrides_configuration_and_its_templating_replacement() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = jjo(&[
        "diff",
        &format!("{root}/cases/migration-overrides"),
        &format!("{root}/cases/migration-templates"),
    ]);
    assert_run(&run, 0, &["0 principals changed, 1 unchanged: [*]\n"]);
}

#[test]
fn helm_templating_mode_needs_the_cases_job_tpl() {
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        (
            "c/values.yaml",
            "launcher:\n  templateValues:\n    pod: {volumes: [], volumeMounts: []}\n",
        ),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    assert_run(&run, 2, &["templates/job.tpl", "no `job.tpl`"]);
}

#[test]
fn init_takes_memberships_from_the_hosts_group_and_passwd() {
    let tmp = tree(&[
        (
            "etc/launcher.kubernetes.profiles.conf",
            "[*]\nmax-cpus=2\n[@staff]\njob-json-overrides=\"/spec/template/spec/containers/0/imagePullPolicy\":\"/etc/rstudio/job-json-overrides/pull.json\"\n[@gpu]\nmax-cpus=8\n[alice]\nmax-cpus=4\n",
        ),
        ("etc/job-json-overrides/pull.json", "\"Always\"\n"),
        (
            "etc/host/group",
            "staff:x:100:alice,carol\ngpu:x:200:carol\nusers:x:300:\n",
        ),
        (
            "etc/host/passwd",
            "alice:x:1000:300::/home/alice:/bin/bash\ncarol:x:1001:300::/home/carol:/bin/bash\nbob:x:1002:100::/home/bob:/bin/bash\ndave:x:1003:300::/home/dave:/bin/bash\n",
        ),
    ]);
    let out = path(&tmp, "cases");
    let run = jjo(&["init", "--from", &path(&tmp, "etc"), "--out", &out]);
    assert_run(
        &run,
        0,
        &[
            // Anyone: a host user in none of the sections' groups.
            "/cases/all: [*] as `dave` in users, 0 overrides: blessed",
            // bob is in staff only (his primary group); gpu's only member is carol, who is in
            // staff too, so her session takes staff's list (`[@gpu]` sets none).
            "/cases/group-staff: [@staff] as `bob` in staff, 1 override: blessed",
            "/cases/group-gpu: [@gpu] as `carol` in staff, gpu, users, 1 override: blessed",
            "/cases/user-alice: [alice] as `alice` in staff, users, 1 override: blessed",
        ],
    );
    assert!(tmp.path().join("cases/etc/host/passwd").is_file());
    assert_run(&jjo(&["test", &out]), 0, &["4 passed, 0 failed"]);
}

/// A run as the CLI snapshots show it (tests/it/cli.rs): exit code, stdout, stderr, with
/// `root` written `[ROOT]` so that snapshots hold in any checkout or temporary directory.
fn snapshot(run: &Run, root: &str) -> String {
    let filter = |s: &str| s.replace(root, "[ROOT]");
    format!(
        "exit code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        run.code,
        filter(&run.stdout),
        filter(&run.stderr)
    )
}

#[test]
fn diff_page_snapshot() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = jjo(&[
        "diff",
        "tests/fixtures/rollout/production",
        "tests/fixtures/rollout/change",
    ]);
    insta::assert_snapshot!(snapshot(&run, root), @r#"
    exit code: 1
    ----- stdout -----
    [*] (`rstudio-user` in no group): 1 field changes
      ~ metadata.labels.team: "general" -> "shared"

    [@gpu-users] (`rstudio-user` in gpu-users): 2 fields change
      - spec.tolerations[key=nvidia.com/gpu]: {"key":"nvidia.com/gpu","operator":"Exists"}
      + spec.tolerations[key=nvidia.com/gpu,effect=NoSchedule]: {"effect":"NoSchedule","key":"nvidia.com/gpu","operator":"Exists"}

    [@interns] (`rstudio-user` in interns): 1 field changes
      ~ metadata.labels.team: "general" -> "shared"

    [alice] (`alice` in no group): 1 field changes
      ~ metadata.labels.team: "general" -> "shared"

    [dave] (`dave` in no group): 1 field changes
      ~ metadata.labels.team: "general" -> "shared"

    5 principals changed, 5 unchanged: [@data-science], [@finance], [@admins], [bob], [carol]

    ----- stderr -----
    "#);
}

#[test]
fn lint_page_snapshot() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = jjo(&["lint", "tests/fixtures/rollout/production"]);
    insta::assert_snapshot!(snapshot(&run, root), @r#"
    exit code: 0
    ----- stdout -----
    warning: tests/fixtures/rollout/production/job-json-overrides/privileged.json:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      for: [carol]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it

    [*] (`rstudio-user` in no group): 1 override, Pod Security `baseline`
    [@gpu-users] (`rstudio-user` in gpu-users): 2 overrides, Pod Security `baseline`
    [@data-science] (`rstudio-user` in data-science): 1 override, Pod Security `baseline`
    [@finance] (`rstudio-user` in finance): 1 override, Pod Security `baseline`
    [@interns] (`rstudio-user` in interns): 1 override, Pod Security `baseline`
    [@admins] (`rstudio-user` in admins): 1 override, Pod Security `baseline`
      serviceAccount: `spec.template.spec.serviceAccountName` = "workbench-admin"
    [alice] (`alice` in no group): 1 override, Pod Security `baseline`
    [bob] (`bob` in no group): 1 override, Pod Security `baseline`
    [carol] (`carol` in no group): 1 override, Pod Security `privileged`
      privileged: `spec.template.spec.containers[0].securityContext.privileged` = true
    [dave] (`dave` in no group): 1 override, Pod Security `baseline`

    0 errors, 1 warning in 10 principals

    ----- stderr -----
    "#);
}

#[test]
fn truncated_helm_values_snapshot() {
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        ("c/values.yaml", HELM_HEAD),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----
    ERROR   c
      error: [ROOT]/c/values.yaml:8:13: an entry of `[*].job-json-overrides` has no `json`; the chart refuses it (it must have keys `name`, `json` and `target`)
        hint: the entry is the end of the file: was the file truncated?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

// Broken on purpose, as a new admin breaks things: each error names the file and place, says
// what was expected and hints at the fix.

#[test]
fn helm_entry_with_a_misspelt_key_points_at_it_not_at_truncation() {
    let values = format!("{HELM_HEAD}            jsn: Always\n");
    let tmp = tree(&[
        ("c/case.yaml", "helm-values: values.yaml\n"),
        ("c/values.yaml", &values),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----
    ERROR   c
      error: [ROOT]/c/values.yaml:10:13: an entry of `[*].job-json-overrides` has no `json`; the chart refuses it (it must have keys `name`, `json` and `target`)
        hint: `jsn` is not a key of an entry: did you mean `json`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn lint_of_a_configuration_that_does_not_load_keeps_its_hint_and_count_in_every_format() {
    let tmp = tree(&[("etc/launcher.kubernetes.profiles.conf", "[*]\nmax-cpu=2\n")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    let etc = path(&tmp, "etc");
    let run = jjo(&["lint", &etc, "--format", "github"]);
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 1
    ----- stdout -----
    ::error file=[ROOT]/etc/launcher.kubernetes.profiles.conf,line=2,col=1,title=jjo profiles::unknown key `max-cpu` in section `[*]`%0Afor: every principal (the configuration does not load)%0Ahint: did you mean `max-cpus`?

    1 error, 0 warnings in 0 principals

    ----- stderr -----
    ");
    let run = jjo(&["lint", &etc, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    insta::assert_snapshot!(
        sarif["runs"][0]["results"][0]["message"]["text"].as_str().expect("text"),
        @"
    unknown key `max-cpu` in section `[*]`; for every principal (the configuration does not load)
    hint: did you mean `max-cpus`?
    "
    );
}

#[test]
fn diff_lint_and_init_say_when_a_path_does_not_exist() {
    let tmp = tree(&[("etc/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=2\n")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    let run = jjo(&["diff", &path(&tmp, "etc"), &path(&tmp, "etc-new")]);
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: `[ROOT]/etc-new` does not exist
      hint: give a copy of `/etc/rstudio`, or a Helm values file (`values.yaml`)
    ");
    let run = jjo(&["lint", &path(&tmp, "nowhere")]);
    assert_run(&run, 2, &["nowhere` does not exist"]);
    let run = jjo(&[
        "init",
        "--from",
        &path(&tmp, "nowhere"),
        "--out",
        &path(&tmp, "cases"),
    ]);
    assert_run(&run, 2, &["nowhere` does not exist"]);
}

#[test]
fn unknown_resource_profile_names_case_yaml_line_and_column() {
    let tmp = tree(&[
        ("c/case.yaml", "session:\n  resource-profile: gpux\n"),
        ("c/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=8\n"),
        ("c/launcher.kubernetes.resources.conf", "[gpu]\ncpus=4\n"),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----
    ERROR   c
      error: [ROOT]/c/case.yaml:2:21: no resource profile `[gpux]` in `launcher.kubernetes.resources.conf`
        hint: did you mean `gpu`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn template_block_without_end_hints_at_the_missing_end() {
    let tmp = tree(&[
        ("c/launcher.kubernetes.conf", "use-templating=1\n"),
        ("c/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=8\n"),
        (
            "c/templates/job.tpl",
            "# Version: 2.5.0\n{{ if .Job.name }}\napiVersion: batch/v1\n",
        ),
    ]);
    let run = jjo(&["test", &path(&tmp, "c")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----
    ERROR   c
      error: [ROOT]/c/templates/job.tpl:4: unexpected EOF
        hint: an `{{ if }}`, `{{ range }}`, `{{ with }}`, `{{ define }}` or `{{ block }}` has no `{{ end }}`

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn a_misspelt_case_yaml_value_gets_line_column_and_a_did_you_mean() {
    let tmp = tree(&[
        ("a/case.yaml", "user: bob\nexpect: refused\n"),
        ("a/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=8\n"),
    ]);
    let run = jjo(&["test", &path(&tmp, "a")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----
    ERROR   a
      error: [ROOT]/a/case.yaml:2:9: `expect`: unknown variant `refused`, expected one of `admitted`, `rejected`, `dropped`
        hint: did you mean `rejected`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn predict_of_something_that_is_not_a_job_says_so() {
    let tmp = tree(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n",
    )]);
    let run = jjo(&["predict", "--job", &path(&tmp, "pod.yaml")]);
    let root = tmp.path().to_str().expect("utf-8 path");
    insta::assert_snapshot!(snapshot(&run, root), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: [ROOT]/pod.yaml:2: expected a Job (`kind: Job`), found `kind: Pod`
      hint: give a Job as `kubectl get job NAME -o yaml` prints it
    ");
}

const TYPO_PROFILES: &str = "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/securityContext\":\"/etc/rstudio/job-json-overrides/sc.json\"\n";

/// Issue 17, item 2: a field the API server drops fails `jjo lint` as it fails `jjo test`,
/// in the same words, with the did-you-mean, at the override's pair.
#[test]
fn lint_fails_on_a_dropped_field_in_the_words_of_test() {
    let tmp = tree(&[
        ("c/launcher.kubernetes.profiles.conf", TYPO_PROFILES),
        ("c/job-json-overrides/sc.json", "{\"priviliged\": true}\n"),
    ]);
    let words = "unknown field `priviliged`: dropped by the API server: this override has no effect in production";
    let lint = jjo(&["lint", &path(&tmp, "c")]);
    assert_run(
        &lint,
        1,
        &[
            // At the misspelt key in the override file, which is what to edit.
            &format!("job-json-overrides/sc.json:1:2: {words}"),
            "[unknown-field]",
            "hint: did you mean `privileged`?",
            "1 error, 0 warnings",
        ],
    );
    let test = jjo(&["test", &path(&tmp, "c")]);
    assert_run(&test, 1, &[words, "did you mean `privileged`?"]);
}

/// Issue 17, item 8: `jjo test` shows the warnings `jjo lint` shows (an env name set twice),
/// with the same id and place, on stderr and in the JSON report.
#[test]
fn test_shows_the_warnings_lint_shows() {
    let profiles = "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/env\":\"/etc/rstudio/job-json-overrides/env.json\"\n";
    let tmp = tree(&[
        ("c/launcher.kubernetes.profiles.conf", profiles),
        (
            "c/job-json-overrides/env.json",
            "[{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"A\", \"value\": \"2\"}]\n",
        ),
    ]);
    let warning = "job-json-overrides/env.json:1:32: environment variable `A` is set more than once; the last one wins";
    let lint = jjo(&["lint", &path(&tmp, "c")]);
    assert_run(&lint, 0, &[warning, "[duplicate-env]"]);
    let report = path(&tmp, "report.json");
    let test = jjo(&["test", &path(&tmp, "c"), "--report", &report]);
    assert!(
        test.stderr.contains(warning) && test.stderr.contains("[duplicate-env]"),
        "{}",
        test.text()
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let warnings = json["cases"][0]["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w["id"] == "duplicate-env"
            && w["span"]["line"] == 1
            && w["span"]["col"] == 32),
        "{warnings:?}"
    );
    // `--allow ID` leaves the finding out of both; `env`, the id before each finding had its
    // own, still names it.
    let lint = jjo(&["lint", &path(&tmp, "c"), "--allow", "env"]);
    assert_run(&lint, 0, &["0 errors, 0 warnings"]);
    let test = jjo(&["test", &path(&tmp, "c"), "--allow", "env"]);
    assert!(!test.stderr.contains("[duplicate-env]"), "{}", test.text());
}

/// Issue 17, items 3 and 14: `jjo diff` says when the session no longer starts (a Job the API
/// server refuses, with its error), when an override has no effect (a dropped field), and
/// shows the profile values and the Pod Security level that change.
#[test]
fn diff_says_refused_no_effect_profile_values_and_pod_security() {
    let sc = "[*]\nmax-cpus=32\njob-json-overrides=\"/spec/template/spec/containers/0/securityContext\":\"/etc/rstudio/job-json-overrides/sc.json\"\n";
    let vols = "[*]\nmax-cpus=16\njob-json-overrides=\"/spec/template/spec/volumes/-\":\"/etc/rstudio/job-json-overrides/v.json\",\"/spec/template/spec/volumes/-\":\"/etc/rstudio/job-json-overrides/v.json\"\n";
    let tmp = tree(&[
        (
            "old/launcher.kubernetes.profiles.conf",
            "[*]\nmax-cpus=16\n",
        ),
        ("new/launcher.kubernetes.profiles.conf", sc),
        (
            "new/job-json-overrides/sc.json",
            "{\"privileged\": true, \"priviliged\": true}\n",
        ),
        ("vols/launcher.kubernetes.profiles.conf", vols),
        (
            "vols/job-json-overrides/v.json",
            "{\"name\": \"scratch\", \"emptyDir\": {}}\n",
        ),
    ]);
    let run = jjo(&["diff", &path(&tmp, "old"), &path(&tmp, "new")]);
    assert_run(
        &run,
        1,
        &[
            "  profile max-cpus: \"16 ([*])\" -> \"32 ([*])\"",
            "  the override has no effect: ",
            "job-json-overrides/sc.json:1:22: unknown field `priviliged`: dropped by the API server: this override has no effect in production (at `spec.template.spec.containers[0].securityContext.priviliged`) [unknown-field]",
            "  Pod Security: `baseline` -> `privileged`",
        ],
    );
    let run = jjo(&["diff", &path(&tmp, "old"), &path(&tmp, "vols")]);
    assert_run(
        &run,
        1,
        &[
            "the session no longer starts",
            "new: the API server refuses the Job: ",
        ],
    );
    assert!(!run.stdout.contains("  + "), "{}", run.text());
    let run = jjo(&[
        "diff",
        &path(&tmp, "old"),
        &path(&tmp, "vols"),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let error = json["principals"][0]["new_error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.starts_with("the API server refuses the Job: "),
        "{json}"
    );
}

/// A profiles line longer than 300 characters whose last pair writes a multi-line volumes
/// file with a duplicate name on line 7, column 5; `with_duplicate: false` leaves that pair out.
fn long_list(with_duplicate: bool) -> Vec<(String, String)> {
    let mut pairs: Vec<String> = (1..=5)
        .map(|i| {
            format!("\"/spec/template/metadata/annotations/team-{i}\":\"/etc/rstudio/job-json-overrides/team.json\"")
        })
        .collect();
    if with_duplicate {
        pairs.push(
            "\"/spec/template/spec/volumes\":\"/etc/rstudio/job-json-overrides/vols.json\"".into(),
        );
    }
    let line = format!("job-json-overrides={}", pairs.join(","));
    assert!(line.len() > 300 || !with_duplicate, "{}", line.len());
    let vols = "[\n  {\n    \"name\": \"data\",\n    \"emptyDir\": {}\n  },\n  {\n    \"name\": \"data\",\n    \"emptyDir\": {}\n  }\n]\n";
    vec![
        (
            "launcher.kubernetes.profiles.conf".into(),
            format!("[*]\n{line}\n"),
        ),
        ("job-json-overrides/team.json".into(), "\"data\"\n".into()),
        ("job-json-overrides/vols.json".into(), vols.into()),
    ]
}

/// Issue 17 item 13: a duplicate volume written on line 7 of a multi-line override file,
/// named by the last pair of a 300-character list, is reported at that file's line 7,
/// column 5 with its own id — the same line in `jjo lint` (every format), `jjo test`'s failure
/// and `jjo diff`.
#[test]
fn lint_test_and_diff_print_one_finding_at_the_line_that_wrote_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (dir, dup) in [("old", false), ("new", true)] {
        for (rel, text) in long_list(dup) {
            crate::support::write_tree(&tmp.path().join(dir), &[(rel.as_str(), text)]);
        }
    }
    let new = path(&tmp, "new");
    let file = format!("{new}/job-json-overrides/vols.json");
    let line = format!(
        "{file}:7:5: duplicate volume name `data` (at `spec.template.spec.volumes[1].name`) [duplicate-volume]"
    );

    let lint = jjo(&["lint", &new]);
    assert_run(&lint, 1, &[&format!("error: {line}\n")]);
    let report = path(&tmp, "report.json");
    let test = jjo(&["test", &new, "--report", &report]);
    assert_run(&test, 1, &[&format!("      {line}\n")]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let refused = json["cases"][0]["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["check"] == "validation"))
        .map(|c| c["failure"]["data"]["findings"][0].clone())
        .expect("a validation failure");
    assert_eq!(refused["rule"], "duplicate-volume", "{refused}");
    assert_eq!(
        refused["span"],
        serde_json::json!({"file": file, "line": 7, "col": 5})
    );
    let diff = jjo(&["diff", &path(&tmp, "old"), &new]);
    assert_run(
        &diff,
        1,
        &[&format!("  new: the API server refuses the Job: {line}\n")],
    );

    let github = jjo(&["lint", &new, "--format", "github"]);
    assert!(
        github.stdout.contains(&format!(
            "::error file={},line=7,col=5,title=jjo duplicate-volume::duplicate volume name `data`",
            file.replace(':', "%3A").replace(',', "%2C")
        )),
        "{}",
        github.text()
    );
    let json = jjo(&["lint", &new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let p = &json["problems"][0];
    assert_eq!(
        (
            &p["rule"],
            &p["span"]["file"],
            &p["span"]["line"],
            &p["span"]["col"]
        ),
        (
            &serde_json::json!("duplicate-volume"),
            &serde_json::json!(file),
            &serde_json::json!(7),
            &serde_json::json!(5)
        ),
        "{json}"
    );
    let sarif = jjo(&["lint", &new, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "duplicate-volume", "{sarif}");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(7), Some(5))
    );
}

/// The ids of `jjo lint --format json`'s problems, in order.
fn lint_ids(dir: &str, allow: &[&str]) -> Vec<String> {
    let mut args = vec!["lint", dir, "--format", "json"];
    for a in allow {
        args.extend(["--allow", a]);
    }
    let run = jjo(&args);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Issue 17 item 12: each distinct finding has its own id in `jjo lint`'s JSON, `--allow ID`
/// leaves out exactly that finding, and an id that used to cover several (`volumes`,
/// `privileged` for the override warning) still leaves out what it covered, nothing more.
#[test]
fn each_finding_has_its_own_id_and_allow_leaves_out_exactly_it() {
    let profiles = "[*]\njob-json-overrides=\"/spec/template/spec/volumes\":\"/etc/rstudio/job-json-overrides/vols.json\",\"/spec/template/spec/containers/0/env\":\"/etc/rstudio/job-json-overrides/env.json\",\"/spec/template/spec/containers/0/securityContext\":\"/etc/rstudio/job-json-overrides/sc.json\"\n";
    let tmp = tree(&[
        ("c/launcher.kubernetes.profiles.conf", profiles),
        (
            "c/job-json-overrides/vols.json",
            "[{\"name\": \"a\", \"emptyDir\": {}}, {\"name\": \"a\", \"emptyDir\": {}}, {\"name\": \"Bad_Name\", \"emptyDir\": {}}]\n",
        ),
        (
            "c/job-json-overrides/env.json",
            "[{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"A\", \"value\": \"2\"}]\n",
        ),
        (
            "c/job-json-overrides/sc.json",
            "{\"privileged\": true, \"priviliged\": true}\n",
        ),
    ]);
    let dir = path(&tmp, "c");
    let mut all = lint_ids(&dir, &[]);
    all.sort();
    assert_eq!(
        all,
        [
            "duplicate-env",
            "duplicate-volume",
            "sets-privileged",
            "unknown-field",
            "volume-name"
        ]
    );
    for id in &all {
        let mut rest = lint_ids(&dir, &[id]);
        rest.sort();
        let expected: Vec<&String> = all.iter().filter(|i| *i != id).collect();
        assert_eq!(rest.iter().collect::<Vec<_>>(), expected, "--allow {id}");
    }
    let mut rest = lint_ids(&dir, &["volumes", "privileged"]);
    rest.sort();
    assert_eq!(rest, ["duplicate-env", "unknown-field"]);
}

/// Issue 17 item 6: an override that replaces the container's `env` drops the variables the
/// launcher put there (the session's `env:`); `jjo test` and `jjo lint` warn as they do for
/// `image`, naming the variable lost, with the id `launcher-list`.
#[test]
fn replacing_the_launchers_env_warns_naming_what_is_lost() {
    let profiles = "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/env\":\"/etc/rstudio/job-json-overrides/env.json\"\n";
    let tmp = tree(&[
        ("c/launcher.kubernetes.profiles.conf", profiles),
        (
            "c/case.yaml",
            "session:\n  env:\n    - name: FOO\n      value: \"1\"\n",
        ),
        (
            "c/job-json-overrides/env.json",
            "[{\"name\": \"BAR\", \"value\": \"2\"}]\n",
        ),
    ]);
    let dir = path(&tmp, "c");
    let warning = "replaces `/spec/template/spec/containers/0/env`, which the launcher sets: the launcher's environment variable `FOO` is lost";
    let test = jjo(&["test", &dir]);
    assert!(
        test.stderr.contains(warning) && test.stderr.contains("[launcher-list]"),
        "{}",
        test.text()
    );
    assert!(
        test.stderr
            .contains("hint: append with `/spec/template/spec/containers/0/env/-` instead"),
        "{}",
        test.text()
    );
    let quiet = jjo(&["test", &dir, "--allow", "launcher-list"]);
    assert!(!quiet.stderr.contains(warning), "{}", quiet.text());
}

/// Issue 17 items 6 and 8: a warning the change brings (an override that sets `privileged`)
/// is the same line, id and place in `jjo lint`, `jjo test` and `jjo diff`, which lists it for
/// the principals that get it; a warning both configurations have is no news.
#[test]
fn diff_shows_the_warnings_a_change_brings_as_lint_and_test_do() {
    let old = "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/imagePullPolicy\":\"/etc/rstudio/job-json-overrides/pull.json\"\n";
    let new = "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/imagePullPolicy\":\"/etc/rstudio/job-json-overrides/pull.json\",\"/spec/template/spec/containers/0/securityContext\":\"/etc/rstudio/job-json-overrides/sc.json\"\n";
    let sc = "{\n  \"runAsNonRoot\": false,\n  \"privileged\": true\n}\n";
    let tmp = tree(&[
        ("old/launcher.kubernetes.profiles.conf", old),
        ("old/job-json-overrides/pull.json", "\"Always\"\n"),
        ("new/launcher.kubernetes.profiles.conf", new),
        ("new/job-json-overrides/pull.json", "\"Always\"\n"),
        ("new/job-json-overrides/sc.json", sc),
    ]);
    let new_dir = path(&tmp, "new");
    let line = format!(
        "{new_dir}/job-json-overrides/sc.json:3:3: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]"
    );
    let lint = jjo(&["lint", &new_dir]);
    assert_run(&lint, 0, &[&format!("warning: {line}\n")]);
    let test = jjo(&["test", &new_dir]);
    assert!(
        test.stderr.contains(&format!("warning: {line}\n")),
        "{}",
        test.text()
    );
    let diff = jjo(&["diff", &path(&tmp, "old"), &new_dir]);
    assert_run(&diff, 1, &[&format!("  new warning: {line}\n")]);
    let same = jjo(&["diff", &new_dir, &new_dir]);
    assert_run(&same, 0, &["0 principals changed"]);
    assert!(!same.stdout.contains("new warning"), "{}", same.text());
}

/// Newcomer trial of issue 17: `jjo init` copied `launcher.kubernetes.conf` with the plugin's
/// service account token into the suite an admin commits; it leaves the token out, and the
/// suite still passes.
#[test]
fn init_leaves_the_plugins_token_out_of_the_suite() {
    let tmp = tree(&[
        (
            "etc/launcher.kubernetes.profiles.conf",
            "[*]\njob-json-overrides=\"/spec/template/spec/containers/0/imagePullPolicy\":\"/etc/rstudio/job-json-overrides/pull.json\"\n",
        ),
        ("etc/job-json-overrides/pull.json", "\"Always\"\n"),
        (
            "etc/launcher.kubernetes.conf",
            "api-url=https://kubernetes.default.svc\nauth-token=eyJhbGciOiJSUzI1NiJ9.secret\nkubernetes-namespace=rstudio\n",
        ),
    ]);
    let suite = path(&tmp, "suite");
    let init = jjo(&["init", "--from", &path(&tmp, "etc"), "--out", &suite]);
    assert_run(&init, 0, &["blessed"]);
    let conf = std::fs::read_to_string(tmp.path().join("suite/etc/launcher.kubernetes.conf"))
        .expect("copied");
    assert!(!conf.contains("eyJ"), "{conf}");
    assert!(conf.contains("kubernetes-namespace=rstudio"), "{conf}");
    assert_run(&jjo(&["test", &suite]), 0, &["1 passed, 0 failed"]);
}
