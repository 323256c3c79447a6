//! Every finding id jjo gives is documented in README's "Finding ids" table (issue 17 item
//! 12), so that an admin can look it up and name it in `--allow`.

use std::path::Path;

/// The `.rs` files under `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals that follow `marker` (whitespace allowed before the quote).
fn literals_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = text[i + marker.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn every_finding_id_is_in_the_readme_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let table = readme
        .split("### Finding ids")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("README has a Finding ids section");
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let mut missing = Vec::new();
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        // Unit tests make up ids of their own.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut ids = Vec::new();
        for marker in ["Warning::new(", ".is(", "out.under(", "rule: "] {
            ids.extend(literals_after(text, marker));
        }
        // The launcher's own rules, and the Job spec's, are tables of `id:`s.
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == "job.rs" || name == "rules.rs" {
            ids.extend(literals_after(text, "id: "));
        }
        // Bad input's ids: `Error::id`'s match.
        if file.ends_with("src/error.rs") {
            ids.extend(literals_after(text, "=> "));
        }
        for id in ids.into_iter().filter(|id| !id.is_empty()) {
            seen += 1;
            if !table.contains(&format!("`{id}`")) {
                missing.push(format!("{}: `{id}`", file.display()));
            }
        }
    }
    assert!(seen > 60, "only {seen} ids found: is the scan still right?");
    assert!(
        missing.is_empty(),
        "ids missing from README's table:\n{}",
        missing.join("\n")
    );
}
