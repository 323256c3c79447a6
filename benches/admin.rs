//! The admin's tools on the shipped ten-principal configuration (`tests/fixtures/rollout/`):
//! rendering a Helm values file, `jjo diff` of the pair, `jjo lint` of one.
//!
//! Run with `cargo bench --bench admin`. Throughput is principals (or values files) per second.

use std::path::Path;

use divan::{Bencher, counter::ItemsCount};
use jjo::principals::Config;

fn main() {
    divan::main();
}

fn config(rel: &str) -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    Config::open(&path, false).expect("the fixture opens")
}

/// `jjo diff` of the production/change pair: ten principals, each rendered, predicted and
/// compared under both configurations.
#[divan::bench(sample_count = 20)]
fn diff_ten_principals(bencher: Bencher) {
    let (old, new) = (
        config("tests/fixtures/rollout/production"),
        config("tests/fixtures/rollout/change"),
    );
    bencher
        .counter(ItemsCount::new(10usize))
        .bench(|| divan::black_box(jjo::diff::diff(&old, &new, None).expect("diffs")));
}

/// `jjo lint` of the ten-principal configuration.
#[divan::bench(sample_count = 20)]
fn lint_ten_principals(bencher: Bencher) {
    let config = config("tests/fixtures/rollout/production");
    bencher
        .counter(ItemsCount::new(10usize))
        .bench(|| divan::black_box(jjo::lint::lint(&config)));
}

/// Rendering the shipped Helm values file as the chart would.
#[divan::bench]
fn helm_render(bencher: Bencher) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/helm-values/values.yaml");
    let text = std::fs::read_to_string(&path).expect("values");
    let opts = jjo::helm::Options::default();
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| divan::black_box(jjo::helm::render(&path, &text, &opts).expect("renders")));
}
