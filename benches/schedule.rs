//! Offline scheduling: one Pod over 5,000 nodes (issue 16: under 5 ms), and reading a
//! 5,000-node `kubectl get nodes -o yaml` export.
//!
//! The nodes are the shipped EKS sample (`cases/schedule-gpu-pool/nodes.yaml`: a general
//! pool with a cordoned node, a tainted GPU pool) repeated under new names. Run with
//! `cargo bench --bench schedule`.

use std::path::Path;

use divan::{Bencher, counter::ItemsCount};
use serde_json::Value;

fn main() {
    divan::main();
}

const NODES: usize = 5000;

fn case_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cases")
        .join(name)
}

/// A 5,000-node export made from the shipped sample, as YAML text.
fn big_export() -> String {
    let text = std::fs::read_to_string(case_dir("schedule-gpu-pool").join("nodes.yaml"))
        .expect("the shipped sample is readable");
    let sample: Value = serde_yaml_ng::from_str(&text).expect("the shipped sample is YAML");
    let items = sample["items"].as_array().expect("a List");
    let nodes: Vec<Value> = (0..NODES)
        .map(|i| {
            let mut node = items[i % items.len()].clone();
            let name = format!(
                "ip-10-{}-{}-{}.ec2.internal",
                i / 65536,
                (i / 256) % 256,
                i % 256
            );
            node["metadata"]["labels"]["kubernetes.io/hostname"] = name.clone().into();
            node["metadata"]["name"] = name.into();
            node
        })
        .collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": nodes});
    serde_yaml_ng::to_string(&list).expect("serialises")
}

/// The predicted Pod of a shipped case.
fn pod_of(case: &str) -> Value {
    let dir = case_dir(case);
    let case = jjo::case::load(case, &dir, false).expect("the shipped case loads");
    let rendered = jjo::pipeline::render(&case).expect("renders");
    jjo::pipeline::predict_pod(&case, &rendered.patched.job).expect("predicts")
}

/// The GPU session (fits the GPU nodes), the one that lost its toleration (fits none, so
/// every node gets a reason) and the selector typo (fits none, and the did-you-mean reads
/// every pool's label keys).
#[divan::bench(args = ["schedule-gpu-pool", "schedule-lost-toleration", "schedule-selector-typo"])]
fn one_pod_over_5000_nodes(bencher: Bencher, case: &str) {
    let nodes = jjo::case::parse_nodes(Path::new("nodes.yaml"), &big_export())
        .expect("the export parses")
        .nodes;
    assert_eq!(nodes.len(), NODES);
    let pod = pod_of(case);
    bencher.bench(|| divan::black_box(jjo::schedule::place(&pod, &nodes)));
}

/// Reading the 5,000-node export (about 580,000 lines), nodes per second.
#[divan::bench(sample_count = 5)]
fn read_a_5000_node_export(bencher: Bencher) {
    let text = big_export();
    bencher
        .counter(ItemsCount::new(NODES))
        .bench(|| divan::black_box(jjo::case::parse_nodes(Path::new("nodes.yaml"), &text)));
}
