//! Every dependency in `Cargo.toml` is used: a crate named in `[dependencies]` must appear in
//! `src/`, one in `[dev-dependencies]` in `src/`, `tests/`, `harness/` or `benches/`. A
//! dependency nothing uses costs build time and review (`similar` and `json-patch` once sat
//! unused in `[dependencies]`).

use std::path::Path;

/// The crates of a manifest section (`dependencies`, `dev-dependencies`) as Rust names.
fn crates(manifest: &str, section: &str) -> Vec<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == header;
        } else if inside
            && !line.starts_with('#')
            && let Some((name, _)) = line.split_once('=')
        {
            out.push(name.trim().replace('-', "_"));
        }
    }
    out
}

/// The crates of `section` that no source text names (`name::` or `use name`).
fn unused(manifest: &str, section: &str, sources: &[String]) -> Vec<String> {
    crates(manifest, section)
        .into_iter()
        .filter(|name| {
            let (path, import) = (format!("{name}::"), format!("use {name}"));
            !sources
                .iter()
                .any(|text| text.contains(&path) || text.contains(&import))
        })
        .collect()
}

/// The text of every `.rs` file under `dirs` (relative to the repository).
fn sources(dirs: &[&str]) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).expect("read source"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), &mut out);
    }
    out
}

fn manifest() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("read Cargo.toml")
}

#[test]
fn every_dependency_is_used_by_the_crate() {
    assert_eq!(
        unused(&manifest(), "dependencies", &sources(&["src"])),
        Vec::<String>::new()
    );
}

#[test]
fn every_dev_dependency_is_used_by_a_test_or_bench() {
    let sources = sources(&["src", "tests", "harness", "benches"]);
    assert_eq!(
        unused(&manifest(), "dev-dependencies", &sources),
        Vec::<String>::new()
    );
}

#[test]
fn an_unused_dependency_is_found() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\n# a comment\nserde_json = \"1\"\nsimilar = \"3\"\njson-patch = { version = \"5\" }\n\n[dev-dependencies]\nsimilar = \"3\"\n";
    let sources =
        vec!["use serde_json::Value;\nfn f() -> json_patch::Patch { todo!() }".to_string()];
    assert_eq!(unused(manifest, "dependencies", &sources), ["similar"]);
}
