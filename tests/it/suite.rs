//! Suites an admin keeps: who gets which section (shadowed sections, the user picked for
//! `[*]`), one `--host-db` option set for every command, and the shared-`etc/` suite layout.

use std::path::Path;

use crate::support::{Run, assert_run, path, tree};

fn jjo(args: &[&str]) -> Run {
    jjo_env(args, &[])
}

fn jjo_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = crate::support::jjo(args);
    cmd.arg("--color=never");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::of(&mut cmd)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Issue 17's configuration: alice has her own section and carol gets `[@gpu]`'s list, so no
/// member of data-science gets `[@data-science]`'s line.
const SHADOWED: &str = "\
[*]
max-cpus=2

[@data-science]
job-json-overrides=\"/spec/template/spec/containers/0/imagePullPolicy\":\"/etc/rstudio/job-json-overrides/pull.json\"

[@gpu]
job-json-overrides=\"/spec/template/spec/nodeSelector\":\"/etc/rstudio/job-json-overrides/gpu.json\"

[alice]
job-json-overrides=\"/spec/template/metadata/labels/who\":\"/etc/rstudio/job-json-overrides/alice.json\"
";
const GROUP: &str = "root:x:0:\ndata-science:x:2000:alice,carol\ngpu:x:2001:carol\nusers:x:100:\n";
const PASSWD: &str = "\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:100::/home/alice:/bin/bash
carol:x:1001:100::/home/carol:/bin/bash
bob:x:1002:100::/home/bob:/bin/bash
";

fn shadowed_etc(profiles: &str) -> tempfile::TempDir {
    tree(&[
        ("etc/launcher.kubernetes.profiles.conf", profiles),
        ("etc/job-json-overrides/pull.json", "\"Always\"\n"),
        ("etc/job-json-overrides/gpu.json", "{\"gpu\": \"true\"}\n"),
        ("etc/job-json-overrides/alice.json", "\"alice\"\n"),
        ("etc/host/group", GROUP),
        ("etc/host/passwd", PASSWD),
    ])
}

#[test]
fn init_tests_a_shadowed_group_section_as_a_new_member_not_as_carol() {
    let tmp = shadowed_etc(SHADOWED);
    let out = path(&tmp, "cases");
    let run = jjo(&["init", "--from", &path(&tmp, "etc"), "--out", &out]);
    assert_run(
        &run,
        0,
        &[
            "[@data-science] as `new-data-science-member` in data-science (a new user, not on the host)",
            "picked: no current member gets this section; the next user added to data-science will",
            "[@gpu] as `carol` in data-science, gpu, users",
        ],
    );
    let case = tmp.path().join("cases/group-data-science");
    assert_eq!(
        read(&case.join("case.yaml")),
        "user: new-data-science-member\ngroups: [data-science]\nnew-user: true\n"
    );
    // data-science's own override, not `[@gpu]`'s, is what its golden shows.
    let job = read(&case.join("expected-job.yaml"));
    assert!(job.contains("imagePullPolicy: Always"), "{job}");
    assert!(!job.contains("gpu"), "{job}");
    // `jjo test` says so too.
    let run = jjo(&["test", &out]);
    assert_run(
        &run,
        0,
        &[
            "section `[@data-science]`: no current member gets this section; the next user added to data-science will",
            "4 passed, 0 failed",
        ],
    );
}

#[test]
fn lint_flags_a_shadowed_section_and_still_checks_its_own_line() {
    // A typo'd pointer in the shadowed section: carol's and alice's sessions never show it.
    let broken = SHADOWED.replace(
        "/spec/template/spec/containers/0/imagePullPolicy",
        "/spec/template/spec/containers/3/imagePullPolicy",
    );
    let tmp = shadowed_etc(&broken);
    let run = jjo(&["lint", &path(&tmp, "etc"), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let problems = report["problems"].as_array().expect("problems");
    let shadowed = problems
        .iter()
        .find(|p| p["rule"] == "shadowed-section")
        .unwrap_or_else(|| panic!("no shadowed-section in {problems:#?}"));
    assert_eq!(shadowed["severity"], "warning");
    assert_eq!(shadowed["span"]["line"], 4, "{shadowed}");
    assert!(
        problems.iter().any(|p| p["severity"] == "error"
            && p["span"]["line"] == 5
            && p["principals"][0] == "[@data-science]"),
        "no error at data-science's own line: {problems:#?}"
    );
}

#[test]
fn init_picks_a_regular_user_for_anyone_and_says_why() {
    // root and daemon are in no sectioned group either; bob is the regular user who fits.
    let tmp = shadowed_etc(SHADOWED);
    let run = jjo(&[
        "init",
        "--from",
        &path(&tmp, "etc"),
        "--out",
        &path(&tmp, "cases"),
    ]);
    assert_run(
        &run,
        0,
        &[
            "/cases/all: [*] as `bob` in users",
            "picked: `bob` gets every key of the section; a regular user (uid 1002 ≥ 1000)",
        ],
    );
    // With only system users, init takes one and says it is one.
    let tmp = tree(&[
        ("etc/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=2\n"),
        ("etc/host/group", "root:x:0:\n"),
        ("etc/host/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
    ]);
    let run = jjo(&[
        "init",
        "--from",
        &path(&tmp, "etc"),
        "--out",
        &path(&tmp, "cases"),
    ]);
    assert_run(&run, 0, &["[*] as `root` in root", "a system user (uid 0)"]);
}

#[test]
fn lint_diff_and_init_take_the_host_db_from_the_flag_or_the_variable() {
    // The configuration carries no `host/`: memberships come from `--host-db` or JJO_HOST_DB.
    let tmp = shadowed_etc(SHADOWED);
    std::fs::rename(tmp.path().join("etc/host"), tmp.path().join("host")).expect("move host/");
    let etc = path(&tmp, "etc");
    let host = path(&tmp, "host");
    for (flag, env) in [
        (vec!["--host-db", host.as_str()], vec![]),
        (vec![], vec![("JJO_HOST_DB", host.as_str())]),
    ] {
        let mut args = vec!["lint", etc.as_str()];
        args.extend(&flag);
        assert_run(
            &jjo_env(&args, &env),
            0,
            &[
                "[shadowed-section]",
                "[@gpu] (`carol` in data-science, gpu, users)",
            ],
        );
        let mut args = vec!["diff", etc.as_str(), etc.as_str()];
        args.extend(&flag);
        assert_run(
            &jjo_env(&args, &env),
            0,
            &["[@data-science]", "0 principals changed"],
        );
    }
    let diff = jjo(&["diff", &etc, &etc, "--host-db", &host, "--format", "json"]);
    assert!(
        diff.stdout.contains("new-data-science-member"),
        "{}",
        diff.text()
    );
    let out = path(&tmp, "cases");
    let run = jjo(&["init", "--from", &etc, "--out", &out, "--host-db", &host]);
    assert_run(&run, 0, &["[@gpu] as `carol`"]);
    // Each case carries the host's view it was made with.
    assert_eq!(read(&tmp.path().join("cases/etc/host/group")), GROUP);
    assert_run(&jjo(&["test", &out]), 0, &["4 passed, 0 failed"]);
}

#[test]
fn a_new_user_the_host_has_is_an_error() {
    let tmp = tree(&[
        ("c/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=2\n"),
        ("c/case.yaml", "user: root\nnew-user: true\n"),
        ("c/host/group", "root:x:0:\n"),
        ("c/host/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
    ]);
    assert_run(
        &jjo(&["test", &path(&tmp, "c")]),
        2,
        &[
            "case.yaml:1:7: user `root` is in",
            "but the case says `new-user: true`",
            "hint: drop `new-user: true`",
        ],
    );
}

/// A suite: one `etc/` for every case, suite-level defaults a case may override.
fn suite_tree() -> tempfile::TempDir {
    tree(&[
        (
            "s/suite.yaml",
            "etc: etc/\npod-security: baseline\nkubernetes: \"1.31\"\n",
        ),
        (
            "s/etc/launcher.kubernetes.profiles.conf",
            "[*]\nmax-cpus=2\n[@admins]\njob-json-overrides=\"/spec/template/spec/containers/0/securityContext\":\"/etc/rstudio/job-json-overrides/privileged.json\"\n",
        ),
        (
            "s/etc/job-json-overrides/privileged.json",
            "{\"privileged\": true}\n",
        ),
        ("s/anyone/case.yaml", "user: alice\n"),
        (
            "s/admins-refused/case.yaml",
            "user: bob\ngroups: [admins]\nexpect: rejected\nreason: privileged\n",
        ),
        (
            "s/admins-privileged/case.yaml",
            "user: bob\ngroups: [admins]\npod-security: privileged\n",
        ),
    ])
}

#[test]
fn a_suite_shares_one_etc_and_its_defaults_which_a_case_may_override() {
    let tmp = suite_tree();
    let suite = path(&tmp, "s");
    assert_run(
        &jjo(&["test", "--bless", &suite]),
        0,
        &["3 passed, 0 failed"],
    );
    // The suite's `etc/` is its configuration, not a case.
    let run = jjo(&["test", &suite]);
    assert_run(
        &run,
        0,
        &[
            "ok      admins-privileged",
            "ok      admins-refused",
            "ok      anyone",
            "3 passed, 0 failed",
        ],
    );
    assert!(!run.stdout.contains("etc"), "{}", run.stdout);
    // A case of the suite on its own, and the suite's Kubernetes version as the default.
    assert_run(
        &jjo(&["test", &path(&tmp, "s/anyone")]),
        0,
        &["1 passed, 0 failed"],
    );
    let pod = read(&tmp.path().join("s/admins-privileged/expected-pod.yaml"));
    assert!(pod.contains("privileged: true"), "{pod}");
    // One edit in `etc/` reaches every case that uses the file.
    std::fs::write(
        tmp.path().join("s/etc/job-json-overrides/privileged.json"),
        "{\"privileged\": false}\n",
    )
    .expect("write");
    assert_run(
        &jjo(&["test", &suite]),
        1,
        &[
            "FAILED  admins-privileged",
            "FAILED  admins-refused",
            "1 passed, 2 failed",
        ],
    );
    // lint and diff read the suite's configuration from its root.
    assert_run(
        &jjo(&["lint", &suite]),
        0,
        &["[@admins] (`rstudio-user` in admins): 1 override"],
    );
}

#[test]
fn a_suite_yaml_typo_and_a_missing_etc_are_bad_input() {
    let tmp = suite_tree();
    std::fs::write(
        tmp.path().join("s/suite.yaml"),
        "etc: etc/\nkubernets: \"1.31\"\n",
    )
    .expect("write");
    assert_run(
        &jjo(&["test", &path(&tmp, "s")]),
        2,
        &[
            "suite.yaml:2:1: unknown key `kubernets`",
            "did you mean `kubernetes`?",
        ],
    );
    std::fs::write(tmp.path().join("s/suite.yaml"), "etc: rstudio/\n").expect("write");
    assert_run(
        &jjo(&["test", &path(&tmp, "s/anyone")]),
        2,
        &["the suite's `etc:` directory", "s/rstudio/` does not exist"],
    );
}

#[test]
fn init_writes_a_suite_that_one_etc_edit_reaches() {
    let tmp = shadowed_etc(SHADOWED);
    let out = path(&tmp, "suite");
    assert_run(
        &jjo(&["init", "--from", &path(&tmp, "etc"), "--out", &out]),
        0,
        &[
            "/suite/suite.yaml: one `etc/` for every case",
            "(6 files copied)",
        ],
    );
    assert!(
        tmp.path()
            .join("suite/etc/launcher.kubernetes.profiles.conf")
            .is_file()
    );
    assert!(
        !tmp.path()
            .join("suite/group-gpu/launcher.kubernetes.profiles.conf")
            .exists()
    );
    std::fs::write(
        tmp.path().join("suite/etc/job-json-overrides/gpu.json"),
        "{}\n",
    )
    .expect("write");
    assert_run(
        &jjo(&["test", &out]),
        1,
        &["FAILED  group-gpu", "3 passed, 1 failed"],
    );
    // A suite.yaml beside other cases would take them over: init refuses a busy `--out`.
    std::fs::create_dir_all(tmp.path().join("busy/my-case")).expect("mkdir");
    assert_run(
        &jjo(&[
            "init",
            "--from",
            &path(&tmp, "etc"),
            "--out",
            &path(&tmp, "busy"),
        ]),
        2,
        &["already holds other files", "busy/my-case"],
    );
}
