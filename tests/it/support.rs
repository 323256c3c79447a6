//! What the tests that run the `jjo` binary share: one way to spawn it with none of the
//! variables jjo reads, and one way to write a tree of files in a temporary directory.
//! A test that needs a variable sets it on the command it gets; nothing leaks in from the
//! shell that runs `cargo test` (`JJO_HOST_DB=... cargo test` once failed 15 tests).

use std::path::Path;
use std::process::Command;

/// Variables jjo reads that are no flag's `env = ...`: `CI` (never write goldens), the
/// colour switches anstream obeys, and the kubeconfig kube reads.
const OTHER_VARIABLES: &[&str] = &["CI", "CLICOLOR", "CLICOLOR_FORCE", "KUBECONFIG"];

/// The `jjo` binary with `args`, none of the variables jjo reads set (every flag's variable,
/// [`jjo::env::Env::variables`], any other `JJO_*` of this process, and
/// [`OTHER_VARIABLES`]) and colours off through `NO_COLOR` (not `--color=never`, which clap
/// would echo in its usage lines).
pub fn jjo<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jjo"));
    command.args(args);
    for name in read_variables() {
        command.env_remove(name);
    }
    command.env("NO_COLOR", "1");
    command
}

/// The names [`jjo`] removes from a child's environment.
pub fn read_variables() -> Vec<String> {
    let mut names = jjo::env::Env::variables();
    names.extend(
        std::env::vars_os()
            .filter_map(|(name, _)| name.into_string().ok())
            .filter(|name| name.starts_with("JJO_")),
    );
    names.extend(OTHER_VARIABLES.iter().map(|s| s.to_string()));
    names.sort();
    names.dedup();
    names
}

/// What a run of `jjo` returned: exit code (-1 for a signal), stdout and stderr as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `command` to its end (a test's spawn failing is the test's failure).
    pub fn of(command: &mut Command) -> Run {
        let out = command.output().expect("run jjo");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// stdout then stderr, as a terminal shows them.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Asserts the exit code, that the output holds each fragment, and that jjo did not panic.
pub fn assert_run(run: &Run, code: i32, fragments: &[&str]) {
    let text = run.text();
    assert_eq!(run.code, code, "expected exit {code}:\n{text}");
    for f in fragments {
        assert!(text.contains(f), "output lacks {f:?}:\n{text}");
    }
    assert!(!text.contains("panicked"), "jjo panicked:\n{text}");
}

/// `rel` under the temporary directory, as a command-line argument.
pub fn path(tmp: &tempfile::TempDir, rel: &str) -> String {
    tmp.path().join(rel).to_string_lossy().into_owned()
}

/// Writes `files` (paths relative to `root`, parents created) under `root`.
pub fn write_tree<C: AsRef<[u8]>>(root: &Path, files: &[(&str, C)]) {
    std::fs::create_dir_all(root).expect("mkdir");
    for (name, content) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
    }
}

/// A new temporary directory holding the text `files`; removed when dropped.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    write_tree(tmp.path(), files);
    tmp
}

#[test]
fn every_variable_jjo_reads_is_removed() {
    let names = read_variables();
    for name in [
        "JJO_BLESS",
        "JJO_CLUSTER",
        "JJO_HOST_DB",
        "CI",
        "KUBECONFIG",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
    }
    // The child of a command built here sees none of them, whatever this process has.
    let command = jjo::<&str>(&[]);
    let mut removed: Vec<String> = command
        .get_envs()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .collect();
    removed.sort();
    assert_eq!(removed, names);
}

#[test]
fn no_other_test_spawns_jjo_its_own_way() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let mut others = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read tests/it").flatten() {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if path.file_name().is_some_and(|n| n != "support.rs") && text.contains("CARGO_BIN_EXE_jjo")
        {
            others.push(path.display().to_string());
        }
    }
    assert!(others.is_empty(), "use support::jjo instead in {others:?}");
}
