//! The `jjo` binary as a user meets it: exit codes, and a clear message naming the file and
//! line (or column, or JSON Pointer) for every kind of bad input, with nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROFILES: &str = "launcher.kubernetes.profiles.conf";
const SC: &str = "/spec/template/spec/containers/0/securityContext";

/// A case directory in a temporary folder.
struct TempCase {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl TempCase {
    fn new(files: &[(&str, &[u8])]) -> TempCase {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("case");
        for (name, content) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, content).expect("write");
        }
        std::fs::create_dir_all(&dir).expect("mkdir");
        TempCase { _tmp: tmp, dir }
    }

    /// A case whose `[*]` section sets `job-json-overrides` to `list`, with `files` beside it.
    fn with_list(list: &str, files: &[(&str, &[u8])]) -> TempCase {
        let profiles = format!("[*]\njob-json-overrides={list}\n");
        TempCase::new(&[&[(PROFILES, profiles.as_bytes())], files].concat())
    }

    /// A case whose `[*]` section has one override of `SC` from `job-json-overrides/sc`.
    fn with_override(content: &[u8]) -> TempCase {
        TempCase::with_list(&sc_list(), &[("job-json-overrides/sc", content)])
    }

    fn profiles(text: &str) -> TempCase {
        TempCase::new(&[(PROFILES, text.as_bytes())])
    }

    /// Every file under the case with its content, to prove nothing was written.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.dir, &mut out);
        out
    }

    /// Runs `jjo test --bless` on the case.
    fn bless(&self) -> Run {
        jjo(&["test", "--bless", self.dir.to_str().expect("utf-8 path")])
    }

    /// Runs `jjo test` on the case and checks that it wrote nothing.
    fn test(&self, extra: &[&str]) -> Run {
        let before = self.snapshot();
        let out = jjo(&[&["test", self.dir.to_str().expect("utf-8 path")], extra].concat());
        assert_eq!(
            before,
            self.snapshot(),
            "jjo test must not write into the case"
        );
        out
    }
}

/// The override list that sets `SC` from `job-json-overrides/sc`.
fn sc_list() -> String {
    format!("\"{SC}\":\"/etc/rstudio/job-json-overrides/sc\"")
}

struct Run {
    code: i32,
    text: String,
}

fn jjo(args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_jjo"))
        .args(args)
        .arg("--color=never")
        .env_remove("JJO_BLESS")
        .env_remove("CI")
        .output()
        .expect("run jjo");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        text,
    }
}

/// Asserts that a run exited with `code` and that its output holds each fragment.
fn assert_run(run: &Run, code: i32, fragments: &[&str]) {
    assert_eq!(
        run.code, code,
        "expected exit {code}, got {}:\n{}",
        run.code, run.text
    );
    for fragment in fragments {
        assert!(
            run.text.contains(fragment),
            "output lacks {fragment:?}:\n{}",
            run.text
        );
    }
}

/// Asserts a bad-input run: exit 2, and the output holds each fragment.
fn assert_bad_input(run: &Run, fragments: &[&str]) {
    assert_run(run, 2, fragments);
    assert!(
        !run.text.contains("panicked"),
        "jjo panicked:\n{}",
        run.text
    );
}

#[test]
fn profiles_missing_bracket_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n[@staff\n");
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:3:1"), "missing `]`"],
    );
}

#[test]
fn profiles_line_without_equals_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus\n");
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2:1"), "expected `key=value`"],
    );
}

#[test]
fn profiles_colon_instead_of_equals_gets_a_hint() {
    let case = TempCase::profiles("[*]\ndefault-cpus: 2\n");
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "hint:", "key=value"],
    );
}

#[test]
fn profiles_duplicate_key_names_both_lines() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\ndefault-cpus=2\n");
    assert_bad_input(
        &case.test(&[]),
        &[
            &format!("{PROFILES}:3:1"),
            "default-cpus",
            "first set on line 2",
        ],
    );
}

#[test]
fn profiles_duplicate_section_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n[*]\nmax-cpus=2\n");
    assert_bad_input(
        &case.test(&[]),
        &[
            &format!("{PROFILES}:3:1"),
            "`[*]`",
            "first opened on line 1",
        ],
    );
}

#[test]
fn profiles_unknown_key_suggests_the_known_one() {
    let case = TempCase::profiles("[*]\ndefault-cpu=1\n");
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "did you mean `default-cpus`"],
    );
}

#[test]
fn unknown_key_is_a_warning_with_allow_unknown_keys() {
    let case = TempCase::profiles("[*]\nnew-launcher-key=1\n");
    let run = case.test(&["--allow-unknown-keys"]);
    assert!(run.text.contains("warning:"), "{}", run.text);
    assert!(run.text.contains("new-launcher-key"), "{}", run.text);
    // The case itself then fails for want of a golden, not for bad input.
    assert_run(&run, 1, &["no golden"]);
}

#[test]
fn override_list_unterminated_quote_names_the_column() {
    let case = TempCase::profiles("[*]\njob-json-overrides=\"/spec/a\":\"/etc/rstudio/x\n");
    // The value starts at column 20; the unterminated quote opens the second token, at 30.
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2:30"), "unterminated quote"],
    );
}

#[test]
fn override_list_pair_without_colon_names_the_column() {
    let case = TempCase::profiles("[*]\njob-json-overrides=\"/spec/a\",\"/etc/rstudio/x\"\n");
    assert_bad_input(&case.test(&[]), &[&format!("{PROFILES}:2:29"), "\":\""]);
}

#[test]
fn missing_override_file_says_how_to_fix() {
    let case = TempCase::with_list(&sc_list(), &[]);
    assert_bad_input(
        &case.test(&[]),
        &[
            &format!("{PROFILES}:2"),
            "does not exist",
            "job-json-overrides/sc",
        ],
    );
}

#[test]
fn unreadable_override_file_is_an_error_not_a_panic() {
    // Root reads any file, so "unreadable" is a directory where the file should be.
    let case = TempCase::with_list(&sc_list(), &[]);
    std::fs::create_dir_all(case.dir.join("job-json-overrides/sc")).expect("mkdir");
    assert_bad_input(&case.test(&[]), &["cannot read", "job-json-overrides/sc"]);
}

#[test]
fn empty_override_file_is_an_error() {
    let case = TempCase::with_override(b"  \n");
    assert_bad_input(&case.test(&[]), &["job-json-overrides/sc", "empty"]);
}

#[test]
fn non_utf8_override_file_is_an_error() {
    let case = TempCase::with_override(b"{\"a\": \"\xff\"}");
    assert_bad_input(&case.test(&[]), &["job-json-overrides/sc", "UTF-8"]);
}

#[test]
fn json_fragment_suggests_braces() {
    let case = TempCase::with_override(b"\"privileged\": true\n");
    assert_bad_input(&case.test(&[]), &["job-json-overrides/sc:1", "hint:", "{"]);
}

#[test]
fn two_json_values_are_an_error() {
    let case = TempCase::with_override(b"{\"privileged\": true}\n{\"runAsUser\": 0}\n");
    assert_bad_input(&case.test(&[]), &["job-json-overrides/sc:2"]);
}

#[test]
fn pointer_without_leading_slash_is_an_error() {
    let case = TempCase::with_list(
        r#""spec/template":"/etc/rstudio/o.json""#,
        &[("o.json", b"{}")],
    );
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "spec/template", "/"],
    );
}

#[test]
fn pointer_with_bad_escape_is_an_error() {
    let case = TempCase::with_list(
        r#""/spec/a~2b":"/etc/rstudio/o.json""#,
        &[("o.json", b"{}")],
    );
    assert_bad_input(&case.test(&[]), &[&format!("{PROFILES}:2"), "~2"]);
}

#[test]
fn relative_override_path_is_an_error() {
    let case = TempCase::with_list(
        r#""/spec/a":"job-json-overrides/o.json""#,
        &[("job-json-overrides/o.json", b"{}")],
    );
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "relative", "hint:"],
    );
}

#[test]
fn override_path_escaping_the_case_is_an_error() {
    let case = TempCase::with_list(r#""/spec/a":"/etc/rstudio/../o.json""#, &[]);
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "leaves the case"],
    );
}

#[test]
fn override_symlink_out_of_the_case_is_an_error() {
    let case = TempCase::with_list(r#""/spec/a":"/etc/rstudio/o.json""#, &[]);
    let outside = case.dir.parent().expect("parent").join("outside.json");
    std::fs::write(&outside, "{}").expect("write");
    std::os::unix::fs::symlink(&outside, case.dir.join("o.json")).expect("symlink");
    assert_bad_input(
        &case.test(&[]),
        &[&format!("{PROFILES}:2"), "outside the case"],
    );
}

#[test]
fn unmapped_absolute_path_suggests_paths_mapping() {
    let case = TempCase::with_list(r#""/spec/a":"/mnt/overrides/o.json""#, &[]);
    assert_bad_input(&case.test(&[]), &[&format!("{PROFILES}:2"), "paths:"]);
}

#[test]
fn case_yaml_typo_gets_a_did_you_mean() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("case.yaml", b"user: alice\ngrups: [staff]\n"),
    ]);
    assert_bad_input(
        &case.test(&[]),
        &[
            "case.yaml:2",
            "unknown key `grups`",
            "did you mean `groups`",
        ],
    );
}

#[test]
fn case_without_golden_fails_and_says_how_to_bless() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n");
    let run = case.test(&[]);
    assert_run(&run, 1, &["no golden", "--bless", "0 passed, 1 failed"]);
}

#[test]
fn bless_writes_goldens_that_then_pass() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let blessed = case.bless();
    assert_eq!(blessed.code, 0, "{}", blessed.text);
    let golden =
        std::fs::read_to_string(case.dir.join("expected-job.yaml")).expect("golden written");
    assert!(golden.contains("privileged: true"), "{golden}");
    assert!(case.dir.join("expected-pod.yaml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&case.dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".jjo-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    let run = case.test(&[]);
    assert_run(&run, 0, &["1 passed, 0 failed"]);
}

#[test]
fn bless_is_refused_under_ci() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let out = Command::new(env!("CARGO_BIN_EXE_jjo"))
        .args([
            "test",
            "--bless",
            case.dir.to_str().expect("utf-8"),
            "--color=never",
        ])
        .env("CI", "true")
        .output()
        .expect("run jjo");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write goldens"));
    assert!(!case.dir.join("expected-job.yaml").exists());
}

#[test]
fn changed_override_fails_with_path_expected_and_actual() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, 0);
    std::fs::write(
        case.dir.join("job-json-overrides/sc"),
        "{\"privileged\": false}",
    )
    .expect("write");
    let run = case.test(&[]);
    assert_run(
        &run,
        1,
        &["expected-job.yaml:", "securityContext.privileged"],
    );
    assert!(
        run.text.contains("true") && run.text.contains("false"),
        "{}",
        run.text
    );
}

#[test]
fn not_a_case_is_bad_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = jjo(&["test", tmp.path().to_str().expect("utf-8")]);
    assert_bad_input(&run, &["not a case directory"]);
}

#[test]
fn render_prints_the_patched_job_and_explains() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let run = jjo(&["render", case.dir.to_str().expect("utf-8"), "--explain"]);
    assert_run(
        &run,
        0,
        &[
            "# overrides, in order:",
            &format!("`{SC}` from `/etc/rstudio/job-json-overrides/sc`: created"),
            "privileged: true",
        ],
    );
}

#[test]
fn render_json_is_json() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let out = Command::new(env!("CARGO_BIN_EXE_jjo"))
        .args([
            "render",
            case.dir.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .output()
        .expect("run jjo");
    let job: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"],
        true
    );
}

#[test]
fn resolve_prints_the_winning_section() {
    let case =
        TempCase::profiles("[*]\ndefault-cpus=1\n[@staff]\ndefault-cpus=2\n[alice]\nmax-cpus=4\n");
    let profiles = case.dir.join(PROFILES);
    let run = jjo(&[
        "resolve",
        "--profiles",
        profiles.to_str().expect("utf-8"),
        "--user",
        "alice",
        "--group",
        "staff",
    ]);
    assert_run(
        &run,
        0,
        &[
            "default-cpus = 2    # [@staff]",
            "max-cpus = 4    # [alice]",
        ],
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(jjo(&["test", "--no-such-flag"]).code, 2);
    assert_eq!(jjo(&["predict"]).code, 2);
}

#[test]
fn kubernetes_version_out_of_range_names_the_line() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("case.yaml", b"user: alice\nkubernetes: \"1.20\"\n"),
    ]);
    assert_bad_input(&case.test(&[]), &["case.yaml:2", "1.20", "1.29 to 1.34"]);
}

#[test]
fn golden_that_is_not_yaml_names_the_line() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("expected-job.yaml", b"apiVersion: batch/v1\nkind: [Job\n"),
    ]);
    assert_bad_input(&case.test(&[]), &["expected-job.yaml:"]);
}

#[test]
fn placeholder_typo_in_golden_names_the_line_and_suggests() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, 0);
    let golden = "spec:\n  containers:\n  - name: rs-launcher-container\n    securityContext:\n      privileged: true\n  volumes:\n  - name: kube-api-access-{{sufix:sa}}\n";
    std::fs::write(case.dir.join("expected-pod.yaml"), golden).expect("write");
    assert_bad_input(
        &case.test(&[]),
        &["expected-pod.yaml:7", "sufix", "did you mean `suffix`"],
    );
}

#[test]
fn misspelt_field_fails_with_did_you_mean() {
    let case = TempCase::with_override(b"{\"priviliged\": true}");
    assert_eq!(case.bless().code, 1, "blessing still validates");
    let run = case.test(&[]);
    assert_run(
        &run,
        1,
        &["securityContext.priviliged", "did you mean `privileged`"],
    );
}

#[test]
fn privileged_fails_baseline_and_passes_privileged() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, 0);
    std::fs::write(case.dir.join("case.yaml"), "pod-security: baseline\n").expect("write");
    let run = case.test(&[]);
    assert_run(&run, 1, &["pod-security:baseline", "privileged"]);
    std::fs::write(case.dir.join("case.yaml"), "pod-security: privileged\n").expect("write");
    assert_eq!(case.test(&[]).code, 0);
}

#[test]
fn check_unreferenced_finds_stray_goldens() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, 0);
    std::fs::write(case.dir.join("expected-pod-old.yaml"), "spec: {}\n").expect("write");
    assert_eq!(
        case.test(&[]).code,
        0,
        "stray goldens only matter when asked"
    );
    let run = case.test(&["--check-unreferenced"]);
    assert_run(&run, 1, &["expected-pod-old.yaml` is not used by any case"]);
}

#[test]
fn predict_reads_a_job_from_stdin() {
    use std::io::Write;
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34.0\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_jjo"))
        .args(["predict", "--job", "-", "--kubernetes", "1.29"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run jjo");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(job.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let pod: serde_json::Value = serde_yaml_ng::from_slice(&out.stdout).expect("YAML");
    assert_eq!(pod["metadata"]["generateName"], "pi-");
    assert_eq!(
        pod["spec"]["containers"][0]["terminationMessagePath"],
        "/dev/termination-log"
    );
    assert!(
        pod["metadata"].get("generation").is_none(),
        "generation appears only from 1.33"
    );
}

#[test]
fn captured_base_job_replaces_the_built_in_model() {
    let base = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: captured-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: rs-launcher-container\n        image: captured:1\n";
    let case = TempCase::with_list(
        &sc_list(),
        &[
            ("job-json-overrides/sc", b"{\"runAsNonRoot\": true}"),
            ("base-job.yaml", base.as_bytes()),
        ],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_jjo"))
        .args([
            "render",
            case.dir.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .output()
        .expect("run jjo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(job["metadata"]["generateName"], "captured-");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "captured:1");
    assert_eq!(container["securityContext"]["runAsNonRoot"], true);
}

#[test]
fn junit_and_json_reports_name_every_case() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let tmp = tempfile::tempdir().expect("temp dir");
    let (junit, json) = (tmp.path().join("junit.xml"), tmp.path().join("report.json"));
    let run = jjo(&[
        "test",
        case.dir.to_str().expect("utf-8"),
        "--junit",
        junit.to_str().expect("utf-8"),
        "--report",
        json.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, 1, "no golden yet: {}", run.text);
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(xml.contains("<testcase name=\"case\""), "{xml}");
    assert!(xml.contains("no golden"), "{xml}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report written"))
            .expect("valid JSON");
    assert_eq!(report["failed"], 1);
    assert_eq!(report["cases"][0]["name"], "case");
    assert_eq!(report["cases"][0]["status"], "failed");
    assert_eq!(report["cases"][0]["checks"][0]["check"], "job");
    assert!(report["cases"][0]["seconds"].as_f64().is_some());
}
