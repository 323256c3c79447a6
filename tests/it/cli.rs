//! The `jjo` binary as a user meets it: exit code, stdout and stderr of each command, pinned
//! as inline insta snapshots (a clear message naming the file and line, or column, or JSON
//! Pointer, for every kind of bad input), with nothing written into the case.
//!
//! The temporary directory is written `[TEMP]` in the snapshots, as uv's test crate
//! (`crates/uv-test/src/lib.rs`) filters its temporary paths. Under CI insta never writes a
//! snapshot (`CI` set: `INSTA_UPDATE` defaults to `no`); locally a changed output leaves a
//! `.pending-snap` file to review with `cargo insta review`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PROFILES: &str = "launcher.kubernetes.profiles.conf";
const SC: &str = "/spec/template/spec/containers/0/securityContext";

/// A case directory in a temporary folder.
struct TempCase {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl TempCase {
    fn new(files: &[(&str, &[u8])]) -> TempCase {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("case");
        crate::support::write_tree(&dir, files);
        TempCase { tmp, dir }
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

    /// The case directory as an argument.
    fn arg(&self) -> &str {
        self.dir.to_str().expect("utf-8 path")
    }

    /// Every file under the case with its content, to prove nothing was written.
    fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
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

    /// Runs `jjo` with `args`, the temporary directory filtered from its output.
    fn jjo(&self, args: &[&str]) -> Run {
        jjo(args).filter(self.tmp.path())
    }

    /// Runs `jjo test --bless` on the case.
    fn bless(&self) -> Run {
        self.jjo(&["test", "--bless", self.arg()])
    }

    /// Runs `jjo test` on the case and checks that it wrote nothing.
    fn test(&self, extra: &[&str]) -> Run {
        let before = self.files();
        let out = self.jjo(&[&["test", self.arg()], extra].concat());
        assert_eq!(
            before,
            self.files(),
            "jjo test must not write into the case"
        );
        out
    }
}

/// The override list that sets `SC` from `job-json-overrides/sc`.
fn sc_list() -> String {
    format!("\"{SC}\":\"/etc/rstudio/job-json-overrides/sc\"")
}

/// What a run of `jjo` printed; its `Display` is the snapshot (exit code, stdout, stderr).
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Writes the temporary directory `tmp` as `[TEMP]`, so snapshots hold across runs.
    fn filter(mut self, tmp: &Path) -> Run {
        let mut roots = vec![tmp.to_string_lossy().into_owned()];
        if let Ok(real) = tmp.canonicalize() {
            roots.push(real.to_string_lossy().into_owned());
        }
        for root in roots {
            self.stdout = self.stdout.replace(&root, "[TEMP]");
            self.stderr = self.stderr.replace(&root, "[TEMP]");
        }
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self
            .code
            .map_or("none (killed by a signal)".into(), |c| c.to_string());
        write!(
            f,
            "exit code: {code}\n----- stdout -----\n{}\n----- stderr -----\n{}",
            self.stdout, self.stderr
        )
    }
}

/// A `jjo` command with a clean environment (no blessing, not CI, no cluster, no colours).
fn command(args: &[&str]) -> Command {
    crate::support::jjo(args)
}

fn jjo(args: &[&str]) -> Run {
    let out = command(args).output().expect("run jjo");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn profiles_missing_bracket_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n[@staff\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:3:1: missing `]` in section header
        hint: end the section header with `]` on the same line

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn profiles_line_without_equals_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:1: expected `key=value`, found `default-cpus`
        hint: each line must be a `[section]` header, a `key=value` pair, or a comment starting with `#` or `;`

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn profiles_colon_instead_of_equals_gets_a_hint() {
    let case = TempCase::profiles("[*]\ndefault-cpus: 2\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:1: expected `key=value`, found `default-cpus: 2`
        hint: the launcher needs `key=value`, not `key: value`; write `default-cpus=2`

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn profiles_duplicate_key_names_both_lines() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\ndefault-cpus=2\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:3:1: duplicate key `default-cpus` in section `[*]`, first set on line 2
        hint: the launcher refuses a key set twice in one section; keep one `default-cpus=` line

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn profiles_duplicate_section_names_the_line() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n[*]\nmax-cpus=2\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:3:1: duplicate section `[*]`, first opened on line 1
        hint: merge the two `[*]` sections into one

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn profiles_unknown_key_suggests_the_known_one() {
    let case = TempCase::profiles("[*]\ndefault-cpu=1\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:1: unknown key `default-cpu` in section `[*]`
        hint: did you mean `default-cpus`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn unknown_key_is_a_warning_with_allow_unknown_keys() {
    // The case itself then fails for want of a golden, not for bad input.
    let case = TempCase::profiles("[*]\nnew-launcher-key=1\n");
    insta::assert_snapshot!(case.test(&["--allow-unknown-keys"]), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      job: no golden `[TEMP]/case/expected-job.yaml`
          hint: create it with `jjo test --bless [TEMP]/case`, then review and commit it

    0 passed, 1 failed

    ----- stderr -----
    warning: [TEMP]/case/launcher.kubernetes.profiles.conf:2:1: unknown key `new-launcher-key` in section `[*]` is kept; a launcher that does not know it refuses to start [unknown-key]
    ");
}

#[test]
fn override_list_unterminated_quote_names_the_column() {
    // The value starts at column 20; the unterminated quote opens the second token, at 30.
    let case = TempCase::profiles("[*]\njob-json-overrides=\"/spec/a\":\"/etc/rstudio/x\n");
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:30: unterminated quote
        hint: close the string with `"`

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn override_list_pair_without_colon_names_the_column() {
    let case = TempCase::profiles("[*]\njob-json-overrides=\"/spec/a\",\"/etc/rstudio/x\"\n");
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:29: pointer `/spec/a` has no file: expected `:` and a quoted path
        hint: each pointer needs a file: `"/spec/a":"/etc/rstudio/job-json-overrides/file.json"`

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn missing_override_file_says_how_to_fix() {
    let case = TempCase::with_list(&sc_list(), &[]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:20: override file `/etc/rstudio/job-json-overrides/sc` does not exist (`[TEMP]/case/job-json-overrides/sc` in the case)
        hint: create `[TEMP]/case/job-json-overrides/sc` holding one JSON value

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn unreadable_override_file_is_an_error_not_a_panic() {
    // Root reads any file, so "unreadable" is a directory where the file should be.
    let case = TempCase::with_list(&sc_list(), &[]);
    std::fs::create_dir_all(case.dir.join("job-json-overrides/sc")).expect("mkdir");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: cannot read `[TEMP]/case/job-json-overrides/sc`
        caused by: Is a directory (os error 21)

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn empty_override_file_is_an_error() {
    let case = TempCase::with_override(b"  \n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/job-json-overrides/sc: empty file: expected one JSON value
        hint: an override file holds one JSON value: an object, an array, a quoted string, a number or a bool

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn non_utf8_override_file_is_an_error() {
    let case = TempCase::with_override(b"{\"a\": \"\xff\"}");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/job-json-overrides/sc:1:8: not UTF-8: invalid byte at offset 7
        hint: save the file as UTF-8

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn json_fragment_suggests_braces() {
    let case = TempCase::with_override(b"\"privileged\": true\n");
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/job-json-overrides/sc:1:13: a JSON fragment, not a value: a key and `:` without the braces of an object
        hint: wrap it in `{ }`: `{ "privileged": true }`

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn two_json_values_are_an_error() {
    let case = TempCase::with_override(b"{\"privileged\": true}\n{\"runAsUser\": 0}\n");
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/job-json-overrides/sc:2:1: more than one JSON value: text after the value in `{"runAsUser": 0}`
        hint: a file holds exactly one JSON value; put several in one array `[ ]` or one object `{ }`

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn pointer_without_leading_slash_is_an_error() {
    let case = TempCase::with_list(
        r#""spec/template":"/etc/rstudio/o.json""#,
        &[("o.json", b"{}")],
    );
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:21: pointer `spec/template` must be empty or start with `/`
        hint: did you mean `/spec/template`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn pointer_with_bad_escape_is_an_error() {
    let case = TempCase::with_list(
        r#""/spec/a~2b":"/etc/rstudio/o.json""#,
        &[("o.json", b"{}")],
    );
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:28: invalid escape `~2` at offset 7 in pointer `/spec/a~2b`
        hint: write `~0` for `~` and `~1` for `/`; no other `~` escape exists

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn relative_override_path_is_an_error() {
    let case = TempCase::with_list(
        r#""/spec/a":"job-json-overrides/o.json""#,
        &[("job-json-overrides/o.json", b"{}")],
    );
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:20: override file `job-json-overrides/o.json` is a relative path
        hint: the launcher needs an absolute path such as `/etc/rstudio/job-json-overrides/...`

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn override_path_escaping_the_case_is_an_error() {
    let case = TempCase::with_list(r#""/spec/a":"/etc/rstudio/../o.json""#, &[]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:20: override file `/etc/rstudio/../o.json` leaves the case directory
        hint: keep override files inside the case, or in a suite's `etc/` (no `..`); to share files among cases, make them a suite (`suite.yaml`)

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn override_symlink_out_of_the_case_is_an_error() {
    let case = TempCase::with_list(r#""/spec/a":"/etc/rstudio/o.json""#, &[]);
    let outside = case.dir.parent().expect("parent").join("outside.json");
    std::fs::write(&outside, "{}").expect("write");
    std::os::unix::fs::symlink(&outside, case.dir.join("o.json")).expect("symlink");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:20: override file `/etc/rstudio/o.json` resolves to `[TEMP]/outside.json`, outside the case
        hint: jjo reads only files inside the case (in a suite, inside its `etc/`); to share one configuration among cases, make them a suite (`suite.yaml`)

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn unmapped_absolute_path_suggests_paths_mapping() {
    let case = TempCase::with_list(r#""/spec/a":"/mnt/overrides/o.json""#, &[]);
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:2:20: override file `/mnt/overrides/o.json` is outside `/etc/rstudio/` and no `paths:` entry maps it
        hint: map its directory in case.yaml (or suite.yaml): `paths: {"/mnt/overrides/": mnt/overrides/}`, and put the file at `mnt/overrides/o.json` there

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn case_yaml_typo_gets_a_did_you_mean() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("case.yaml", b"user: alice\ngrups: [staff]\n"),
    ]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/case.yaml:2:1: unknown key `grups`
        hint: did you mean `groups`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn case_without_golden_fails_and_says_how_to_bless() {
    let case = TempCase::profiles("[*]\ndefault-cpus=1\n");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      job: no golden `[TEMP]/case/expected-job.yaml`
          hint: create it with `jjo test --bless [TEMP]/case`, then review and commit it

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn bless_writes_goldens_that_then_pass() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    insta::assert_snapshot!(case.bless(), @"
    exit code: 0
    ----- stdout -----
    blessed case (job, validation, pod)

    1 passed, 0 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    ");
    let golden =
        std::fs::read_to_string(case.dir.join("expected-job.yaml")).expect("golden written");
    let job: serde_json::Value = serde_yaml_ng::from_str(&golden).expect("golden is YAML");
    assert_eq!(job.pointer(&format!("{SC}/privileged")), Some(&true.into()));
    assert!(case.dir.join("expected-pod.yaml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&case.dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".jjo-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 0
    ----- stdout -----
    ok      case (job, validation, pod)

    1 passed, 0 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    ");
    // Blessing again changes nothing, and says so: `ok`, not `blessed`.
    let before = case.files();
    insta::assert_snapshot!(case.bless(), @"
    exit code: 0
    ----- stdout -----
    ok      case (job, validation, pod)

    1 passed, 0 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    ");
    assert!(case.files() == before, "an unchanged bless changed a file");
}

#[test]
fn bless_is_refused_under_ci() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let out = command(&["test", "--bless", case.arg()])
        .env("CI", "true")
        .output()
        .expect("run jjo");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    insta::assert_snapshot!(run.filter(case.tmp.path()), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: refusing to write goldens: `CI` is set, and CI must check goldens, not write them
      hint: bless locally and commit the goldens
    ");
    assert!(!case.dir.join("expected-job.yaml").exists());
}

#[test]
fn changed_override_fails_with_path_expected_and_actual() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, Some(0));
    std::fs::write(
        case.dir.join("job-json-overrides/sc"),
        "{\"privileged\": false}",
    )
    .expect("write");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      job: patched Job differs from `[TEMP]/case/expected-job.yaml` (1 difference)
          [TEMP]/case/expected-job.yaml:34: spec.template.spec.containers[0].securityContext.privileged: expected true, got false
          hint: if the change is intended, run `jjo test --bless [TEMP]/case`
      pod: predicted Pod differs from `[TEMP]/case/expected-pod.yaml` (1 difference)
          [TEMP]/case/expected-pod.yaml:5: spec.containers[name=rs-launcher-container].securityContext.privileged: expected true, got false
          hint: if the change is intended, run `jjo test --bless [TEMP]/case`

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn not_a_case_is_bad_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = jjo(&["test", tmp.path().to_str().expect("utf-8")]).filter(tmp.path());
    insta::assert_snapshot!(run, @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: `[TEMP]` is not a case directory (no `launcher.kubernetes.profiles.conf`)
      hint: a case directory holds `launcher.kubernetes.profiles.conf`; see README.md
    ");
}

#[test]
fn render_prints_the_patched_job_and_explains() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    insta::assert_snapshot!(case.jjo(&["render", case.arg(), "--explain"]), @r#"
    exit code: 0
    ----- stdout -----
    # profile of `rstudio-user` (groups: none)
    #   job-json-overrides = …    from [*] at [TEMP]/case/launcher.kubernetes.profiles.conf:2:20
    # overrides, in order:
    #   1. `/spec/template/spec/containers/0/securityContext` from `/etc/rstudio/job-json-overrides/sc`: created
    #      warning: sets `privileged: true`
    apiVersion: batch/v1
    kind: Job
    metadata:
      labels:
        app.kubernetes.io/managed-by: launcher
        launcher-instance-id: jjo
      generateName: rstudio-session-
    spec:
      backoffLimit: 0
      template:
        metadata:
          annotations:
            stdin: ''
            user: rstudio-user
            name: RStudio Session
            service_ports: '[{"targetPort":8788,"publishedPort":null,"protocol":"TCP"}]'
          labels:
            launcher-instance-id: jjo
          generateName: rstudio-session-
        spec:
          restartPolicy: Never
          shareProcessNamespace: false
          volumes: []
          initContainers: null
          containers:
          - name: rs-launcher-container
            image: rstudio/r-session-complete:jammy-2024.12.0
            command:
            - /usr/lib/rstudio-server/bin/rsession-run
            stdin: false
            stdinOnce: true
            volumeMounts: []
            securityContext:
              privileged: true

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    "#);
}

#[test]
fn render_explain_lists_a_dropped_empty_section() {
    let case = TempCase::profiles("[alice]\n# later\n[*]\ndefault-cpus=2\n");
    let run = case.jjo(&["render", case.arg(), "--explain"]);
    assert_eq!(run.code, Some(0), "{run}");
    // The explanation (the YAML comments before the Job) and the warning.
    let explained: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with('#')).collect();
    insta::assert_snapshot!(format!("{}\n{}", explained.join("\n"), run.stderr), @r"
    # profile of `rstudio-user` (groups: none)
    #   default-cpus = 2    from [*] at [TEMP]/case/launcher.kubernetes.profiles.conf:4:14
    #   [alice] at [TEMP]/case/launcher.kubernetes.profiles.conf:1:1 has no key: dropped, as Boost's read_ini drops empty sections
    # overrides, in order:
    #   (none)
    warning: [TEMP]/case/launcher.kubernetes.profiles.conf:1:1: section `[alice]` has no key, so the launcher drops it: it does not apply to anyone and does not hide broader sections [empty-section]
      hint: add a key to it, or delete the header
    ");
}

#[test]
fn render_json_is_json() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    let run = case.jjo(&["render", case.arg(), "--format", "json"]);
    let job: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"],
        true
    );
}

/// A profiles file where `alice` in `staff` gets values from two sections.
fn resolve_case() -> TempCase {
    TempCase::profiles("[*]\ndefault-cpus=1\n[@staff]\ndefault-cpus=2\n[alice]\nmax-cpus=4\n")
}

/// `jjo resolve` for `alice` in `staff` on `case`, in `format`; raw, or filtered for a snapshot.
fn resolve(case: &TempCase, format: &[&str]) -> (Run, Run) {
    let profiles = case.dir.join(PROFILES);
    let profiles = profiles.to_str().expect("utf-8");
    let args = [
        "resolve",
        "--profiles",
        profiles,
        "--user",
        "alice",
        "--group",
        "staff",
    ];
    let run = || jjo(&[&args[..], format].concat());
    (run(), run().filter(case.tmp.path()))
}

#[test]
fn resolve_prints_the_winning_section() {
    insta::assert_snapshot!(resolve(&resolve_case(), &[]).1, @"
    exit code: 0
    ----- stdout -----
    default-cpus = 2    # [@staff] [TEMP]/case/launcher.kubernetes.profiles.conf:4:14
    max-cpus = 4    # [alice] [TEMP]/case/launcher.kubernetes.profiles.conf:6:10

    ----- stderr -----
    ");
}

#[test]
fn resolve_yaml_is_the_json_as_yaml() {
    let case = resolve_case();
    let (yaml, filtered) = resolve(&case, &["--format", "yaml"]);
    let (json, _) = resolve(&case, &["--format", "json"]);
    let from_json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let from_yaml: Result<serde_json::Value, _> = serde_yaml_ng::from_str(&yaml.stdout);
    assert_eq!(from_yaml.ok(), Some(from_json), "{yaml}");
    insta::assert_snapshot!(filtered, @"
    exit code: 0
    ----- stdout -----
    default-cpus:
      value: '2'
      section: '@staff'
      at:
        file: [TEMP]/case/launcher.kubernetes.profiles.conf
        line: 4
        column: 14
    max-cpus:
      value: '4'
      section: alice
      at:
        file: [TEMP]/case/launcher.kubernetes.profiles.conf
        line: 6
        column: 10

    ----- stderr -----
    ");
}

/// `getent group` and `getent passwd` as saved from a host where alice is in `staff`.
const HOST: [(&str, &[u8]); 2] = [
    ("host/group", b"staff:x:50:alice\nalice:x:1000:\n"),
    ("host/passwd", b"alice:x:1000:1000::/home/alice:/bin/sh\n"),
];

#[test]
fn resolve_takes_the_users_groups_from_the_host_db() {
    let profiles = b"[*]\ndefault-cpus=1\n[@staff]\ndefault-cpus=2\n";
    let case = TempCase::new(&[&[(PROFILES, &profiles[..])][..], &HOST].concat());
    let profiles = case.dir.join(PROFILES);
    let host = case.dir.join("host");
    let run = case.jjo(&[
        "resolve",
        "--profiles",
        profiles.to_str().expect("utf-8"),
        "--user",
        "alice",
        "--host-db",
        host.to_str().expect("utf-8"),
    ]);
    insta::assert_snapshot!(run, @r"
    exit code: 0
    ----- stdout -----
    default-cpus = 2    # [@staff] [TEMP]/case/launcher.kubernetes.profiles.conf:4:14

    ----- stderr -----
    ");
}

/// `jjo test --host-db DIR`, or `JJO_HOST_DB=DIR`: the host's users and groups from a
/// directory outside the cases, for every case (the section check and the memberships).
#[test]
fn test_takes_the_host_db_from_its_flag_or_variable() {
    let profiles = b"[*]\ndefault-cpus=1\n[@staf]\ndefault-cpus=2\n";
    let case = TempCase::new(&[(PROFILES, &profiles[..])]);
    let host = case.tmp.path().join("host-db");
    for (name, content) in HOST {
        let path = host.join(name.trim_start_matches("host/"));
        std::fs::create_dir_all(&host).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    let host = host.to_str().expect("utf-8");
    // Without the host's view no section can be checked against it (only the golden is
    // missing).
    let unchecked = case.test(&[]);
    assert!(!unchecked.stdout.contains("`staf`"), "{unchecked}");
    assert!(unchecked.stdout.contains("no golden"), "{unchecked}");
    let flag = case.test(&["--host-db", host]);
    let out = command(&["test", case.arg()])
        .env("JJO_HOST_DB", host)
        .output()
        .expect("run jjo");
    let variable = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
    .filter(case.tmp.path());
    assert_eq!(flag.to_string(), variable.to_string());
    insta::assert_snapshot!(flag, @r"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:3:1: unable to retrieve group information for `[@staf]`: the host has no group `staf`
        hint: did you mean `[@staff]`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

/// Issue 9, item 4: the plugin reads every section's `job-json-overrides` list when it
/// starts (the SDK's `iterateValues` walks all sections), so a malformed list in a section
/// the case's user is not in still fails the case, naming file, line and section.
#[test]
fn a_bad_list_in_a_section_that_does_not_apply_is_an_error() {
    let profiles = format!(
        "[*]\njob-json-overrides={}\n[@gpu]\njob-json-overrides=\"/spec/x\" \"/etc/f\"\n",
        sc_list()
    );
    let case = TempCase::new(&[
        (PROFILES, profiles.as_bytes()),
        ("job-json-overrides/sc", b"{}"),
    ]);
    insta::assert_snapshot!(case.test(&[]), @r#"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:4:30: bad `job-json-overrides` list in section `[@gpu]`: the plugin reads every section's list when it starts, so it would not start for anyone
        caused by: [TEMP]/case/launcher.kubernetes.profiles.conf:4:30: pointer `/spec/x` has no file: expected `:` and a quoted path
        hint: each pointer needs a file: `"/spec/x":"/etc/rstudio/job-json-overrides/file.json"`

    0 passed, 1 failed

    ----- stderr -----
    "#);
}

#[test]
fn group_section_unknown_to_the_host_is_bad_input_at_its_line() {
    let profiles = b"[*]\ndefault-cpus=1\n[@staf]\ndefault-cpus=2\n";
    let case = TempCase::new(&[&[(PROFILES, &profiles[..])][..], &HOST].concat());
    insta::assert_snapshot!(case.test(&[]), @r"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/launcher.kubernetes.profiles.conf:3:1: unable to retrieve group information for `[@staf]`: the host has no group `staf`
        hint: did you mean `[@staff]`?

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn usage_errors_exit_2() {
    insta::assert_snapshot!(jjo(&["test", "--no-such-flag"]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: unexpected argument '--no-such-flag' found

      tip: to pass '--no-such-flag' as a value, use '-- --no-such-flag'

    Usage: jjo test [OPTIONS] [PATHS]...

    For more information, try '--help'.
    ");
    insta::assert_snapshot!(jjo(&["predict"]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: the following required arguments were not provided:
      <CASE|--job <JOB>>

    Usage: jjo predict <CASE|--job <JOB>>

    For more information, try '--help'.
    ");
}

#[test]
fn a_bad_variable_is_named_by_the_variable_not_the_flag() {
    let case = TempCase::profiles("[*]\n");
    let run = |var: (&str, &str), args: &[&str]| {
        let out = command(&[&["test", case.arg()], args].concat())
            .env(var.0, var.1)
            .output()
            .expect("run jjo");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
        .filter(case.tmp.path())
    };
    insta::assert_snapshot!(run(("JJO_CLUSTER", "kinde"), &[]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: `JJO_CLUSTER` is `kinde`, expected one of `none`, `kind`, `kubeconfig`, `k3s`, `local`
      hint: did you mean `kind`?
    ");
    insta::assert_snapshot!(run(("JJO_BLESS", "maybe"), &[]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: `JJO_BLESS` is `maybe`, expected a yes or no
      hint: use one of `1`, `true`, `yes`, `on` (or `0`, `false`, `no`, `off`)
    ");
    // Typed on the command line, the flag is what clap names.
    insta::assert_snapshot!(run(("JJO_CLUSTER", "kind"), &["--cluster", "kinde"]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: invalid value 'kinde' for '--cluster <CLUSTER>'
      [possible values: none, kind, kubeconfig, k3s, local]

      tip: a similar value exists: 'kind'

    For more information, try '--help'.
    ");
}

#[cfg(all(feature = "cluster", not(feature = "k3s")))]
#[test]
fn k3s_without_the_feature_says_so() {
    let case = TempCase::profiles("[*]\n");
    insta::assert_snapshot!(case.test(&["--cluster", "k3s"]), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: this jjo was built without the `k3s` feature
      hint: build with `cargo build --features k3s` (needs a Docker engine at run time)
    ");
}

#[test]
fn kubernetes_version_out_of_range_names_the_line() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("case.yaml", b"user: alice\nkubernetes: \"1.20\"\n"),
    ]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/case.yaml:2:13: unsupported kubernetes version `1.20`: supported are 1.29 to 1.37 (`1.33`, `v1.33` or `1.33.2`)

    0 passed, 1 failed

    ----- stderr -----
    ");
}

/// Issue 19 item 3: the place of a case.yaml value was found by a line scan for `key:` at
/// the start of a line, so a quoted key (`"kubernetes":`) got no line at all.
#[test]
fn kubernetes_version_under_a_quoted_key_names_the_line() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("case.yaml", b"user: alice\n\"kubernetes\": \"1.20\"\n"),
    ]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/case.yaml:2:15: unsupported kubernetes version `1.20`: supported are 1.29 to 1.37 (`1.33`, `v1.33` or `1.33.2`)

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn golden_that_is_not_yaml_names_the_line() {
    let case = TempCase::new(&[
        (PROFILES, b"[*]\n"),
        ("expected-job.yaml", b"apiVersion: batch/v1\nkind: [Job\n"),
    ]);
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/expected-job.yaml:3:1: `kind`: did not find expected ',' or ']'

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn placeholder_typo_in_golden_names_the_line_and_suggests() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, Some(0));
    let golden = "spec:\n  containers:\n  - name: rs-launcher-container\n    securityContext:\n      privileged: true\n  volumes:\n  - name: kube-api-access-{{sufix:sa}}\n";
    std::fs::write(case.dir.join("expected-pod.yaml"), golden).expect("write");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 2
    ----- stdout -----
    ERROR   case
      error: [TEMP]/case/expected-pod.yaml:7: unknown placeholder kind `sufix` in `{{sufix:sa}}` at `spec.volumes[0].name`
        hint: did you mean `suffix`? placeholder kinds are `any`, `suffix`, `uid`, `timestamp`, `digits`

    0 passed, 1 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    ");
}

#[test]
fn misspelt_field_fails_with_did_you_mean() {
    let case = TempCase::with_override(b"{\"priviliged\": true}");
    // Blessing still validates, and writes nothing for a case that fails (issue 17 item 5).
    insta::assert_snapshot!(case.bless(), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      job: not blessed: `[TEMP]/case/expected-job.yaml` was not written, because the `validation` check fails
          no golden `[TEMP]/case/expected-job.yaml`
          hint: jjo blesses only a case that passes every other check
      validation: the API server would drop 1 field of the patched Job
          [TEMP]/case/job-json-overrides/sc:1:2: unknown field `priviliged`: dropped by the API server: this override has no effect in production (at `spec.template.spec.containers[0].securityContext.priviliged`) [unknown-field] (hint: did you mean `privileged`?)
          hint: fix the override, or set `expect: dropped` in case.yaml if the dropped field is the point
      pod: not blessed: `[TEMP]/case/expected-pod.yaml` was not written, because the `validation` check fails
          no golden `[TEMP]/case/expected-pod.yaml`
          hint: jjo blesses only a case that passes every other check

    0 passed, 1 failed

    ----- stderr -----
    ");
    assert!(!case.dir.join("expected-job.yaml").exists());
    assert!(!case.dir.join("expected-pod.yaml").exists());
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      job: no golden `[TEMP]/case/expected-job.yaml`
          hint: create it with `jjo test --bless [TEMP]/case`, then review and commit it
      validation: the API server would drop 1 field of the patched Job
          [TEMP]/case/job-json-overrides/sc:1:2: unknown field `priviliged`: dropped by the API server: this override has no effect in production (at `spec.template.spec.containers[0].securityContext.priviliged`) [unknown-field] (hint: did you mean `privileged`?)
          hint: fix the override, or set `expect: dropped` in case.yaml if the dropped field is the point

    0 passed, 1 failed

    ----- stderr -----
    ");
}

#[test]
fn privileged_fails_baseline_and_passes_privileged() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, Some(0));
    std::fs::write(case.dir.join("case.yaml"), "pod-security: baseline\n").expect("write");
    insta::assert_snapshot!(case.test(&[]), @"
    exit code: 1
    ----- stdout -----
    FAILED  case
      validation: the patched Job would be refused by Pod Security admission at level `baseline`
          [TEMP]/case/job-json-overrides/sc:1:2: privileged (container `rs-launcher-container` must not set securityContext.privileged=true) (at `spec.template.spec.containers[0].securityContext.privileged`) [privileged] (hint: remove `privileged: true`, or run the session in a namespace whose Pod Security level is `privileged`)
          hint: fix the override, or set `expect: rejected` in case.yaml if the refusal is the point

    0 passed, 1 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    ");
    std::fs::write(case.dir.join("case.yaml"), "pod-security: privileged\n").expect("write");
    assert_eq!(case.test(&[]).code, Some(0));
}

#[test]
fn check_unreferenced_finds_stray_goldens() {
    let case = TempCase::with_override(b"{\"privileged\": true}");
    assert_eq!(case.bless().code, Some(0));
    std::fs::write(case.dir.join("expected-pod-old.yaml"), "spec: {}\n").expect("write");
    // Stray goldens only matter when asked.
    assert_eq!(case.test(&[]).code, Some(0));
    insta::assert_snapshot!(case.test(&["--check-unreferenced"]), @"
    exit code: 1
    ----- stdout -----
    ok      case (job, validation, pod)

    1 passed, 1 failed

    ----- stderr -----
    warning: [TEMP]/case/job-json-overrides/sc:1:2: sets `privileged: true` (at `/spec/template/spec/containers/0/securityContext/privileged`) [sets-privileged]
      hint: a privileged container has full access to the node; Pod Security `baseline` rejects it
    error: `[TEMP]/case/expected-pod-old.yaml` is not used by any case
      hint: delete it, or move it into the case it belongs to
    ");
}

#[test]
fn predict_reads_a_job_from_stdin() {
    use std::io::Write;
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34.0\n";
    let mut child = command(&["predict", "--job", "-", "--kubernetes", "1.29"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
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
    let run = case.jjo(&["render", case.arg(), "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run}");
    let job: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
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
    let run = case.jjo(&[
        "test",
        case.arg(),
        "--junit",
        junit.to_str().expect("utf-8"),
        "--report",
        json.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, Some(1), "no golden yet: {run}");
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

/// Issue 19: a case's error in the JSON report carries its place and pointer from the
/// error's own accessors, as lint's annotations do.
#[test]
fn the_json_report_locates_a_case_error() {
    let case = TempCase::new(&[
        (
            PROFILES,
            b"[*]\njob-json-overrides=\"/spec/template/spec/tolerations/10001\":\"/etc/rstudio/t.json\"\n",
        ),
        ("t.json", b"{}\n"),
    ]);
    let tmp = tempfile::tempdir().expect("temp dir");
    let json = tmp.path().join("report.json");
    let run = case.jjo(&[
        "test",
        case.arg(),
        "--report",
        json.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, Some(2), "bad input: {run}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report written"))
            .expect("valid JSON");
    let error = &report["cases"][0]["error"];
    assert_eq!(report["cases"][0]["status"], "error", "{report}");
    assert_eq!(
        error["pointer"], "/spec/template/spec/tolerations/10001",
        "{error}"
    );
    assert_eq!(
        (&error["span"]["line"], &error["span"]["col"]),
        (&serde_json::json!(2), &serde_json::json!(20)),
        "{error}"
    );
    assert!(
        error["span"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(PROFILES)),
        "{error}"
    );
}

/// `jjo render` on a case, its stdout going to `stdout`.
fn render_into(case: &TempCase, stdout: impl Into<Stdio>) -> Run {
    run_into(case, "render", stdout)
}

/// `jjo <subcommand>` on a case, its stdout going to `stdout`.
fn run_into(case: &TempCase, subcommand: &str, stdout: impl Into<Stdio>) -> Run {
    let out = command(&[subcommand, case.arg()])
        .stdout(stdout)
        .output()
        .expect("run jjo");
    Run {
        code: out.status.code(),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
    .filter(case.tmp.path())
}

#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    // `jjo render case | head -0`: the reader is gone before jjo writes.
    let case = TempCase::with_override(b"{\"runAsNonRoot\": true}");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    insta::assert_snapshot!(render_into(&case, writer), @"
    exit code: 0
    ----- stdout -----

    ----- stderr -----
    ");
}

#[test]
fn other_errors_writing_stdout_are_errors() {
    // A full disk: every write to /dev/full fails with ENOSPC.
    let case = TempCase::with_override(b"{\"runAsNonRoot\": true}");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    insta::assert_snapshot!(render_into(&case, full), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: cannot write to `stdout`
      caused by: No space left on device (os error 28)
    ");
}

/// A writer whose reader is gone, as `jjo ... | head -0` leaves it.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

/// `/dev/full`: every write fails with ENOSPC, as on a full disk.
fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
}

#[test]
fn a_closed_pipe_on_stdout_leaves_the_test_exit_code_to_the_run() {
    // `jjo test case | head -0`: the case fails for want of a golden, so the exit code is 1,
    // as it would be with a reader; the closed pipe adds no error.
    let case = TempCase::with_override(b"{\"runAsNonRoot\": true}");
    insta::assert_snapshot!(run_into(&case, "test", closed_pipe()), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    ");
}

#[test]
fn other_errors_writing_test_results_to_stdout_are_errors() {
    // `jjo test case > file` on a full disk: a truncated result list must not look whole.
    let case = TempCase::with_override(b"{\"runAsNonRoot\": true}");
    insta::assert_snapshot!(run_into(&case, "test", dev_full()), @"
    exit code: 2
    ----- stdout -----

    ----- stderr -----
    error: cannot write to `stdout`
      caused by: No space left on device (os error 28)
    ");
}

/// `jjo predict CASE` applies the case's LimitRange defaults, as `jjo test` does.
#[test]
fn predict_applies_the_cases_limit_range() {
    let case = TempCase::with_override(b"{}");
    std::fs::write(
        case.dir.join("case.yaml"),
        "setup:\n  - apiVersion: v1\n    kind: LimitRange\n    metadata: {name: l}\n    spec: {limits: [{type: Container, default: {cpu: 500m}}]}\n",
    )
    .expect("write");
    let out = case.jjo(&["predict", case.arg(), "--format", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let pod: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(
        pod["spec"]["containers"][0]["resources"]["limits"]["cpu"],
        "500m"
    );
    assert!(
        pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"]
            .as_str()
            .is_some_and(|a| a.starts_with("LimitRanger plugin set: cpu request")),
        "{pod}"
    );
}
