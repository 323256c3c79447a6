//! What rendering a `job.tpl` costs: the job.tpl-shaped template set of the differential
//! corpus (`tests/template_corpus/sets/job-2-5-shape`, helpers and template values included)
//! with a full launch request. Run with `cargo bench --bench template`; the target is well
//! under 1 ms per render.

use std::path::Path;

use divan::Bencher;
use jjo::template::{TemplateSet, Value};

fn main() {
    divan::main();
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
