//! Cases per second through the whole offline pipeline (load, resolve, render, patch,
//! validate, predict, compare), on the shipped cases and on 1,000 copies of them.
//!
//! Run with `cargo bench`. Throughput is reported by divan as items (cases) per second.

use std::path::{Path, PathBuf};

use divan::{Bencher, counter::ItemsCount};

fn main() {
    divan::main();
}

fn shipped() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    jjo::case::discover(&[root]).expect("shipped cases are readable")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every stage of every shipped case, files included (what `jjo test cases/` does per case).
#[divan::bench]
fn shipped_cases(bencher: Bencher) {
    let cases = shipped();
    bencher.counter(ItemsCount::new(cases.len())).bench(|| {
        for (name, dir) in &cases {
            let (result, _) = jjo::pipeline::run_case(name, dir, &Default::default(), false);
            divan::black_box(result);
        }
    });
}

/// 1,000 cases, copied from the shipped ones into a temporary directory, discovered and run
/// like `jjo test` does (discovery included).
#[divan::bench(sample_count = 10)]
fn thousand_cases(bencher: Bencher) {
    // A suite's case reads its suite's `etc/`, so only self-contained cases are copied.
    let cases: Vec<(String, PathBuf)> = shipped()
        .into_iter()
        .filter(|(_, dir)| jjo::case::suite_root(dir).is_none())
        .collect();
    let tmp = tempfile::tempdir().expect("temp dir");
    for i in 0..1000 {
        let (name, dir) = &cases[i % cases.len()];
        copy_dir(dir, &tmp.path().join(format!("{i:04}-{name}")));
    }
    let root = vec![tmp.path().to_path_buf()];
    bencher.counter(ItemsCount::new(1000usize)).bench(|| {
        let found = jjo::case::discover(&root).expect("discover");
        let results = jjo::pipeline::run_all(&found, &Default::default(), false);
        divan::black_box(results);
    });
}

/// The pure stages only (no file reads): render, validate, predict for one loaded case.
#[divan::bench]
fn render_validate_predict(bencher: Bencher) {
    let cases: Vec<jjo::case::Case> = shipped()
        .iter()
        .map(|(n, d)| jjo::case::load(n, d, false).expect("loads"))
        .collect();
    bencher.counter(ItemsCount::new(cases.len())).bench(|| {
        for case in &cases {
            let rendered = jjo::pipeline::render(case).expect("renders");
            divan::black_box(jjo::validate::validate(&rendered.patched.job));
            divan::black_box(jjo::pipeline::predict_pod(case, &rendered.patched.job).ok());
        }
    });
}
