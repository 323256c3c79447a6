//! Differential tests of jjo's template engine against Go's own `text/template` + Sprig.
//!
//! `tests/gotmpl/main.go` is built once per run (Go modules: Sprig v3 and `sigs.k8s.io/yaml`
//! pinned in `tests/gotmpl/go.mod`, the Go on PATH); then every template of the corpus
//! under `tests/template_corpus/` is rendered by both engines and the outputs (or error
//! messages) must be byte-identical. Property trials feed random data through the same
//! templates. Without a Go toolchain every trial is reported as ignored, with the reason.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::OnceLock;

use jjo::template::{MissingKey, TemplateSet, Value};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus");
    let mut trials = Vec::new();
    for set in dirs(&root.join("sets")) {
        let name = set.file_name().unwrap().to_string_lossy().to_string();
        for data in files(&set.join("data"), "json") {
            let dname = data.file_stem().unwrap().to_string_lossy().to_string();
            let (set, data) = (set.clone(), data.clone());
            trials.push(Trial::ignorable_test(
                format!("set::{name}::{dname}"),
                move || {
                    let files = files(&set, "tpl");
                    let json = read(&data)?;
                    let missing =
                        std::fs::read_to_string(set.join("missingkey")).unwrap_or_default();
                    compare(&files, "job.tpl", &json, missing.trim())
                },
            ));
        }
    }
    let single = root.join("single");
    for tpl in files(&single, "tpl") {
        let name = tpl.file_stem().unwrap().to_string_lossy().to_string();
        let data = single.join("data.json");
        trials.push(Trial::ignorable_test(
            format!("single::{name}"),
            move || {
                let entry = tpl.file_name().unwrap().to_string_lossy().to_string();
                compare(std::slice::from_ref(&tpl), &entry, &read(&data)?, "")
            },
        ));
    }
    let job_set = root.join("sets/job-2-5-shape");
    trials.push(Trial::ignorable_test("prop::random-job-data", move || {
        prop_job(&job_set)
    }));
    let values = single.join("values.tpl");
    trials.push(Trial::ignorable_test("prop::random-values", move || {
        prop_values(&values)
    }));
    libtest_mimic::run(&args, trials).exit_code()
}

fn dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn files(p: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn read(p: &Path) -> Result<String, Failed> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()).into())
}

/// The Go reference binary, built once from `tests/gotmpl` (its `go.mod` pins Sprig and
/// `sigs.k8s.io/yaml`; the module proxy or a warm module cache provides them); `Err` says
/// why it cannot run (the trial is ignored).
fn go_binary() -> Result<&'static Path, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        let go = which("go").ok_or(
            "no `go` toolchain on PATH: install Go (1.22 or later; `.ci/run` uses the one on PATH) \
             to measure the engine against Go's text/template and Sprig",
        )?;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gotmpl");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/gotmpl");
        let bin = dir.join("gotmpl");
        let out = Command::new(go)
            .args(["build", "-o"])
            .arg(&bin)
            .arg(".")
            .current_dir(&src)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=readonly")
            .env_remove("GO111MODULE")
            .env_remove("GOPATH")
            .output()
            .map_err(|e| format!("running go build: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "the Go reference does not build (tests/gotmpl; is the module proxy reachable?): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(bin)
    })
    .as_ref()
    .map(PathBuf::as_path)
    .map_err(Clone::clone)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|f| f.is_file())
    })
}

/// Go's answer: `Ok(output)` or `Err(error text)`.
fn go_render(
    bin: &Path,
    files: &[PathBuf],
    entry: &str,
    json: &str,
    missing: &str,
) -> Result<String, String> {
    let tmp = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    std::fs::write(tmp.path(), json).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(bin);
    if !missing.is_empty() {
        cmd.args(["-missingkey", missing]);
    }
    let out = cmd
        .arg(tmp.path())
        .arg(entry)
        .args(files)
        .output()
        .map_err(|e| format!("running the Go reference: {e}"))?;
    match out.status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Some(1) => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        _ => Err(format!(
            "GO REFERENCE FAILED: {}",
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

/// jjo's answer, in the same shape.
fn jjo_render(files: &[PathBuf], entry: &str, json: &str, missing: &str) -> Result<String, String> {
    let data: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mk = match missing {
        "error" => MissingKey::Error,
        "zero" => MissingKey::Zero,
        _ => MissingKey::Default,
    };
    let mut set = TemplateSet::new().missing_key(mk);
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| e.to_string())?;
        let name = f.file_name().unwrap().to_string_lossy();
        set.add_file(&name, &text).map_err(|e| e.to_string())?;
    }
    set.render(entry, Value::from_json(&data))
        .map(|r| r.text)
        .map_err(|e| e.to_string())
}

fn compare(
    files: &[PathBuf],
    entry: &str,
    json: &str,
    missing: &str,
) -> Result<Completion, Failed> {
    let bin = match go_binary() {
        Ok(b) => b,
        Err(reason) => {
            return Ok(Completion::Ignored {
                reason: Some(reason),
            });
        }
    };
    let go = go_render(bin, files, entry, json, missing);
    if let Err(e) = &go
        && e.starts_with("GO REFERENCE FAILED")
    {
        return Err(e.clone().into());
    }
    let ours = jjo_render(files, entry, json, missing);
    if go != ours {
        return Err(format!(
            "engines differ\n--- go\n{}\n--- jjo\n{}\n{}",
            show(&go),
            show(&ours),
            first_diff(&go, &ours)
        )
        .into());
    }
    Ok(Completion::Completed)
}

fn show(r: &Result<String, String>) -> String {
    match r {
        Ok(s) => s.clone(),
        Err(e) => format!("ERROR: {e}"),
    }
}

fn first_diff(a: &Result<String, String>, b: &Result<String, String>) -> String {
    let (a, b) = (show(a), show(b));
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!(
                "first difference at line {}:\n  go:  {x:?}\n  jjo: {y:?}",
                i + 1
            );
        }
    }
    format!(
        "lengths differ: go {} lines, jjo {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

/// Strings that exercise YAML quoting and folding, fmt and JSON escapes.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,8}",
        "[ -~]{0,40}",
        Just("yes".to_string()),
        Just("1.5".to_string()),
        Just("0x1F".to_string()),
        Just("".to_string()),
        Just("a: b".to_string()),
        Just("<<".to_string()),
        Just("._0".to_string()),
        Just("1_000".to_string()),
        Just("~".to_string()),
        Just("- item".to_string()),
        Just("#comment".to_string()),
        Just("line1\nline2\n".to_string()),
        Just(" lead".to_string()),
        "[a-z ]{60,120}",
        "[a-z\n]{0,20}",
        "[a-zé<>&\t]{0,10}",
    ]
}

fn scalar() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        (-1_000_000i64..10_000_000).prop_map(|i| serde_json::json!(i)),
        prop_oneof![
            Just(0.5f64),
            Just(1.5e-7),
            Just(2.25),
            Just(1e21),
            Just(123456789.0)
        ]
        .prop_map(|f| serde_json::json!(f)),
        text().prop_map(serde_json::Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9_.-]{0,6}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn run_prop<S: Strategy>(
    strategy: S,
    cases: u32,
    f: impl Fn(S::Value) -> Result<(), String>,
) -> Result<Completion, Failed>
where
    S::Value: std::fmt::Debug,
{
    if let Err(reason) = go_binary() {
        return Ok(Completion::Ignored {
            reason: Some(reason),
        });
    }
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |v| f(v).map_err(TestCaseError::fail))
        .map_err(|e| Failed::from(e.to_string()))?;
    Ok(Completion::Completed)
}

fn diff_or_ok(files: &[PathBuf], entry: &str, json: &str) -> Result<(), String> {
    let bin = go_binary()?;
    let go = go_render(bin, files, entry, json, "");
    let ours = jjo_render(files, entry, json, "");
    if go != ours {
        return Err(format!("data {json}\n{}", first_diff(&go, &ours)));
    }
    Ok(())
}

/// Random launch requests and template values through the job.tpl-shaped set.
fn prop_job(set: &Path) -> Result<Completion, Failed> {
    let files = files(set, "tpl");
    let base = read(&set.join("data/full.json"))?;
    let base: serde_json::Value = serde_json::from_str(&base).map_err(|e| e.to_string())?;
    let strategy = (
        prop::collection::vec(("[A-Z_]{1,8}", text()), 0..4),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(("[a-z./-]{1,12}", text()), 0..3),
        prop::collection::vec((1u16..65535, prop::option::of(1u16..65535)), 0..3),
        prop::collection::vec(
            prop_oneof![
                Just("cpuCount"),
                Just("CPU Request"),
                Just("memory"),
                Just("Memory Request"),
                Just("NVIDIA GPUs")
            ],
            0..4,
        ),
        json_value(),
    );
    run_prop(
        strategy,
        48,
        |(env, args, placement, ports, limits, extra)| {
            let mut data = base.clone();
            let job = &mut data["Job"];
            job["environment"] = env
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
                .collect();
            job["args"] = args.iter().map(|a| serde_json::json!(a)).collect();
            job["placementConstraints"] = placement
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
                .collect();
            job["exposedPorts"] = ports
                .iter()
                .map(|(t, p)| match p {
                    Some(p) => {
                        serde_json::json!({"targetPort": t, "publishedPort": p, "protocol": "TCP"})
                    }
                    None => serde_json::json!({"targetPort": t, "protocol": "TCP"}),
                })
                .collect();
            job["resourceLimits"] = limits
                .iter()
                .enumerate()
                .map(|(i, t)| serde_json::json!({"type": t, "value": format!("{}", i + 1)}))
                .collect();
            job["metadata"]["pod"]["annotations"]["extra"] = extra;
            diff_or_ok(&files, "job.tpl", &data.to_string())
        },
    )
}

/// Random values through printing, toYaml, toJson, quote and friends.
fn prop_values(tpl: &Path) -> Result<Completion, Failed> {
    let files = vec![tpl.to_path_buf()];
    run_prop(json_value(), 400, |v| {
        let data = serde_json::json!({ "v": v });
        diff_or_ok(&files, "values.tpl", &data.to_string())
    })
}
