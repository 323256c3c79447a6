//! What rendering a `job.tpl` costs: the job.tpl-shaped template set of the differential
//! corpus (`tests/template_corpus/sets/job-2-5-shape`, helpers and template values included)
//! with a full launch request. Run with `cargo bench --bench template`; the target is well
//! under 1 ms per render. With Go on PATH it first renders the same sets (and the newest
//! Workbench chart `job.tpl` of `tests/template_corpus/rstudio-helm/`) with Go's own
//! text/template + Sprig (`tests/gotmpl -bench`) and prints both per-render times and the
//! ratio; each side decodes the JSON data in every render, as the launcher does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use divan::Bencher;
use jjo::template::{TemplateSet, Value};

fn main() {
    vs_go();
    divan::main();
}

/// The template sets timed against Go: (label, files, entry).
fn sets() -> Vec<(&'static str, Vec<PathBuf>, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus");
    let shape = root.join("sets/job-2-5-shape");
    let mut out = vec![(
        "job-2-5-shape",
        vec![
            shape.join("job.tpl"),
            shape.join("rstudio-library-templates-data.tpl"),
        ],
        "job.tpl".to_string(),
    )];
    let mut wb: Vec<PathBuf> = std::fs::read_dir(root.join("rstudio-helm/job"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    wb.retain(|p| p.to_string_lossy().contains("rstudio-workbench"));
    wb.sort();
    if let Some(newest) = wb.pop() {
        let entry = newest.file_name().unwrap().to_string_lossy().into_owned();
        out.push((
            "chart job.tpl (newest rstudio-workbench)",
            vec![newest, root.join("rstudio-helm/values/rich.tpl")],
            entry,
        ));
    }
    out
}

/// jjo against Go per render, printed; skipped (with a line saying why) without Go.
fn vs_go() {
    const N: u32 = 2000;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gotmpl-bench/gotmpl");
    let built = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(root.join("tests/gotmpl"))
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=readonly")
        .status();
    if !built.is_ok_and(|s| s.success()) {
        println!("jjo vs Go: skipped (no Go toolchain, or tests/gotmpl does not build)");
        return;
    }
    let data_path = root.join("tests/template_corpus/sets/job-2-5-shape/data/full.json");
    let raw = std::fs::read_to_string(&data_path).expect("data");
    for (label, files, entry) in sets() {
        let go = Command::new(&bin)
            .arg("-bench")
            .arg(N.to_string())
            .arg(&data_path)
            .arg(&entry)
            .args(&files)
            .output()
            .expect("run gotmpl");
        let go_ns: f64 = String::from_utf8_lossy(&go.stdout)
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        let mut set = TemplateSet::new();
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy();
            set.add_file(&name, &std::fs::read_to_string(f).expect("template"))
                .expect("parses");
        }
        let start = Instant::now();
        for _ in 0..N {
            let data: serde_json::Value = serde_json::from_str(&raw).expect("json");
            let out = set
                .render(&entry, Value::from_json(&data))
                .expect("renders");
            divan::black_box(out);
        }
        let jjo_ns = start.elapsed().as_nanos() as f64 / f64::from(N);
        println!(
            "jjo vs Go, {label}: jjo {:.0} µs, Go {:.0} µs per render: {:.1}x",
            jjo_ns / 1000.0,
            go_ns / 1000.0,
            go_ns / jjo_ns
        );
    }
}

fn corpus() -> (Vec<(String, String)>, serde_json::Value) {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus/sets/job-2-5-shape");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tpl"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("template"))
        })
        .collect();
    files.sort();
    let data = std::fs::read_to_string(dir.join("data/full.json")).expect("data");
    (files, serde_json::from_str(&data).expect("json"))
}

fn parse(files: &[(String, String)]) -> TemplateSet {
    let mut set = TemplateSet::new();
    for (name, text) in files {
        set.add_file(name, text).expect("parses");
    }
    set
}

/// Parse the set and render `job.tpl` (what one case in templating mode pays).
#[divan::bench]
fn parse_and_render(bencher: Bencher) {
    let (files, data) = corpus();
    bencher.bench_local(|| {
        let set = parse(&files);
        let out = set
            .render("job.tpl", Value::from_json(&data))
            .expect("renders");
        divan::black_box(out);
    });
}

/// Render an already parsed set.
#[divan::bench]
fn render_only(bencher: Bencher) {
    let (files, data) = corpus();
    let set = parse(&files);
    bencher.bench_local(|| {
        let out = set
            .render("job.tpl", Value::from_json(&data))
            .expect("renders");
        divan::black_box(out);
    });
}
