//! Imports point down: no top-level module of `src/` names (`crate::x`, `crate::{x, ...}`) a
//! module that names it back, and nothing in `src/` names `cli`, the edge. A circle means
//! two modules can only be understood, tested and changed together; `env` importing `cli`
//! once tied fourteen files into one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level modules of `src/` (`case`, `job`, ...), `lib` and `main` left out.
fn top_level_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("read src/")
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let module = if entry.path().is_dir() {
                name
            } else {
                name.strip_suffix(".rs")?.to_string()
            };
            (module != "lib" && module != "main").then_some(module)
        })
        .collect()
}

/// The first identifier of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules a source text names after `crate::`, grouped imports included
/// (`crate::{bless, job::Session}` names `bless` and `job`). Comments are skipped, since a
/// doc comment may mention any module.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the group's top level: split on commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(ident(group[start..i].trim()).to_string());
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(group[start..i].trim()).to_string());
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest).to_string());
        }
    }
    out
}

/// For each top-level module, the other top-level modules its files name, with the file.
fn imports(src: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let modules = top_level_modules(src);
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src/");
        let first = relative
            .components()
            .next()
            .expect("a file")
            .as_os_str()
            .to_string_lossy();
        let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if !modules.contains(&module) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        for named in named_modules(&text) {
            if named != module && modules.contains(&named) {
                graph
                    .entry(module.clone())
                    .or_default()
                    .entry(named)
                    .or_insert_with(|| format!("src/{}", relative.display()));
            }
        }
    }
    graph
}

/// Pairs of modules that name each other: (`a <-> b`, the two files that do).
fn circles(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (a, names) in graph {
        for (b, file) in names {
            if a < b
                && let Some(back) = graph.get(b).and_then(|n| n.get(a))
            {
                out.push((format!("{a} <-> {b}"), format!("{file} / {back}")));
            }
        }
    }
    out
}

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_top_level_module_imports_one_that_imports_it_back() {
    let found = circles(&imports(&src()));
    let new: Vec<String> = found
        .iter()
        .map(|(pair, files)| format!("  {pair} ({files})"))
        .collect();
    assert!(
        new.is_empty(),
        "modules that import each other (make the lower one not know the upper one):\n{}",
        new.join("\n")
    );
}

#[test]
fn nothing_in_the_library_imports_the_command_line() {
    let graph = imports(&src());
    let importers: Vec<String> = graph
        .iter()
        .filter_map(|(module, names)| names.get("cli").map(|file| format!("{module} ({file})")))
        .collect();
    assert!(
        importers.is_empty(),
        "`cli` is the edge, but these import it: {importers:?}"
    );
}

#[test]
fn grouped_and_nested_imports_are_seen() {
    let text = "use crate::{bless, job::{self, Session}};\n// crate::cli in a comment\n\
                fn f() { crate::report::failure(); }";
    let named: Vec<String> = named_modules(text).into_iter().collect();
    assert_eq!(named, ["bless", "job", "report"]);
}
