//! Finding the line and column of a path in a YAML text, so that a failure points at
//! `expected-pod.yaml:17` and a Helm values file's error or finding at the key it is about:
//! the one YAML position reader of the crate (goldens, Helm values).
//!
//! `serde_yaml_ng` keeps no positions, so this is a light indentation-aware scan of block-style
//! YAML (what bless writes and people usually write): mapping keys, `- ` items (indented or
//! not), quoted keys, and block scalars (`|`, `>`) skipped. Flow collections and multi-line plain
//! scalars are not looked into.

use super::path::{self, Seg};

/// The 1-based line of `path` in the golden YAML text, best effort: the deepest part of the path
/// that the text has (a field the golden lacks, such as an extra one, gives its parent's line),
/// `None` when not even the first step is found or the path does not parse.
pub fn line_of(yaml_text: &str, path: &str) -> Option<u32> {
    place_of(yaml_text, path).map(|(line, _)| line)
}

/// The 1-based line and column (in characters) of `path` in a YAML text, found as
/// [`line_of`] finds the line: the column of the key (its opening quote when quoted), or of
/// what an item holds on the line of its `- `.
pub fn place_of(yaml_text: &str, path: &str) -> Option<(u32, u32)> {
    find(yaml_text, path).map(|(line, col, _)| (line, col))
}

/// The 1-based line and column of the value of the key `path` ends with, when the text has
/// that key: where `key: value` writes the value (the end of `key:` when the value is on the
/// lines below), for an error about the value.
pub fn value_place_of(yaml_text: &str, path: &str) -> Option<(u32, u32)> {
    let (line, _, value) = find(yaml_text, path)?;
    value.map(|col| (line, col))
}

/// The 1-based line of `path` in document `document` (0-based, as a YAML stream counts them:
/// each `---` after the stream's start begins the next) of a multi-document YAML text, found
/// as [`line_of`] finds it in one document.
pub fn document_line_of(yaml_text: &str, document: usize, path: &str) -> Option<u32> {
    let segs = path::parse(path)?;
    let toks: Vec<Tok> = tokenize(yaml_text)
        .into_iter()
        .filter(|t| t.doc == document)
        .collect();
    walk(&toks, &segs).map(|(line, _, _)| line)
}

/// The line and column of `path` (its deepest part found) and, when the whole path is found
/// and ends at a key, the column of that key's value.
fn find(yaml_text: &str, path: &str) -> Option<(u32, u32, Option<u32>)> {
    let segs = path::parse(path)?;
    walk(&tokenize(yaml_text), &segs)
}

/// [`find`] over tokens already read.
fn walk(toks: &[Tok], segs: &[Seg]) -> Option<(u32, u32, Option<u32>)> {
    let mut scope = (0, toks.len());
    let mut place = None;
    let mut found_all = true;
    for seg in segs {
        let found = match seg {
            Seg::Key(name) => find_key(toks, scope, name).map(|i| (i, key_scope(toks, i, scope.1))),
            Seg::Index(n) => items(toks, scope)
                .get(*n)
                .map(|&i| (i, item_scope(toks, i, scope.1))),
            Seg::Select(parts) => items(toks, scope).into_iter().find_map(|i| {
                let inner = item_scope(toks, i, scope.1);
                let all = parts.iter().all(|(field, value)| {
                    find_key(toks, inner, field).is_some_and(|k| match &toks[k].kind {
                        TokKind::Key { value: v, .. } => unquote(v) == *value,
                        _ => false,
                    })
                });
                all.then_some((i, inner))
            }),
        };
        let Some((i, next)) = found else {
            found_all = false;
            break;
        };
        // An item is where its content starts: the token after `- ` on the same line.
        let at = match toks[i].kind {
            TokKind::Item => toks
                .get(i + 1)
                .filter(|t| t.line == toks[i].line)
                .unwrap_or(&toks[i]),
            _ => &toks[i],
        };
        place = Some((at.line, at.char_col, at.value_col));
        scope = next;
    }
    place.map(|(line, col, value)| (line, col, value.filter(|_| found_all)))
}

#[derive(Debug)]
struct Tok {
    line: u32,
    /// The byte offset in the line, for comparing indentation.
    col: usize,
    /// The 1-based column in characters, as spans count.
    char_col: u32,
    /// For a key, the 1-based column of its value (just past `key: `).
    value_col: Option<u32>,
    /// The document of the stream it is in, from 0.
    doc: usize,
    kind: TokKind,
}

#[derive(Debug)]
enum TokKind {
    /// `- ` starting a sequence item.
    Item,
    /// `name: value` (value as written, possibly empty).
    Key { name: String, value: String },
    /// A scalar item or anything else.
    Other,
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    // Lines indented deeper than this column belong to a block scalar.
    let mut block: Option<usize> = None;
    // A `---` begins the next document, except the first marker of a stream with nothing
    // before it, which begins the first.
    let (mut doc, mut started) = (0, false);
    for (n, raw) in text.lines().enumerate() {
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let body = raw.trim_start_matches(' ');
        let indent = raw.len() - body.len();
        if body.trim().is_empty() {
            continue;
        }
        match block {
            Some(b) if indent > b => continue,
            _ => block = None,
        }
        if body.starts_with("---") && indent == 0 {
            if started {
                doc += 1;
            }
            started = true;
            continue;
        }
        if body.starts_with('#') || body.starts_with("---") || body.starts_with("...") {
            continue;
        }
        started = true;
        let (mut col, mut rest) = (indent, body);
        while rest == "-" || rest.starts_with("- ") {
            toks.push(Tok {
                line,
                col,
                char_col: char_col(raw, col),
                value_col: None,
                doc,
                kind: TokKind::Item,
            });
            let after = &rest[1..];
            let trimmed = after.trim_start_matches(' ');
            col += 1 + after.len() - trimmed.len();
            rest = trimmed;
        }
        if rest.is_empty() {
            continue;
        }
        let (kind, value_col) = match split_key(rest) {
            Some((name, value, at)) => {
                if value.starts_with('|') || value.starts_with('>') {
                    block = Some(col);
                }
                (TokKind::Key { name, value }, Some(char_col(raw, col + at)))
            }
            None => {
                if rest.starts_with('|') || rest.starts_with('>') {
                    block = Some(col.saturating_sub(1));
                }
                (TokKind::Other, None)
            }
        };
        toks.push(Tok {
            line,
            col,
            char_col: char_col(raw, col),
            value_col,
            doc,
            kind,
        });
    }
    toks
}

/// The 1-based character column of byte offset `col` in `line`.
fn char_col(line: &str, col: usize) -> u32 {
    let chars = line.get(..col).map_or(col, |s| s.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// `key: value` or `key:`, with a plain, single- or double-quoted key: the key, the value
/// and the byte offset in `rest` where the value starts.
fn split_key(rest: &str) -> Option<(String, String, usize)> {
    let (name, after) = if rest.starts_with('"') || rest.starts_with('\'') {
        let end = quoted_end(rest)?;
        (unquote(&rest[..end]), &rest[end..])
    } else if rest.starts_with('{') || rest.starts_with('[') {
        return None;
    } else {
        let end = rest
            .find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))?;
        (rest[..end].trim_end().to_string(), &rest[end..])
    };
    let value = after.strip_prefix(':')?;
    if !value.is_empty() && !value.starts_with(' ') {
        return None;
    }
    let at = rest.len() - value.trim_start().len();
    Some((name, value.trim().to_string(), at))
}

/// The byte index just after the quoted scalar that `s` starts with.
fn quoted_end(s: &str) -> Option<usize> {
    let quote = s.chars().next()?;
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().map(|(_, c)| *c) == Some('\'') {
                chars.next();
                continue;
            }
            return Some(i + 1);
        }
    }
    None
}

/// A scalar as written in YAML, quotes and trailing comment removed.
fn unquote(v: &str) -> String {
    if v.starts_with('"')
        && let Some(end) = quoted_end(v)
    {
        return serde_json::from_str(&v[..end]).unwrap_or_else(|_| v[1..end - 1].to_string());
    }
    if v.starts_with('\'')
        && let Some(end) = quoted_end(v)
    {
        return v[1..end - 1].replace("''", "'");
    }
    match v.find(" #") {
        Some(i) => v[..i].trim().to_string(),
        None => v.trim().to_string(),
    }
}

fn min_col(toks: &[Tok], (start, end): (usize, usize)) -> Option<usize> {
    toks.get(start..end)?.iter().map(|t| t.col).min()
}

fn find_key(toks: &[Tok], scope: (usize, usize), name: &str) -> Option<usize> {
    let col = min_col(toks, scope)?;
    (scope.0..scope.1).find(|&i| {
        toks[i].col == col && matches!(&toks[i].kind, TokKind::Key { name: n, .. } if n == name)
    })
}

fn items(toks: &[Tok], scope: (usize, usize)) -> Vec<usize> {
    let Some(col) = min_col(toks, scope) else {
        return Vec::new();
    };
    (scope.0..scope.1)
        .filter(|&i| toks[i].col == col && matches!(toks[i].kind, TokKind::Item))
        .collect()
}

/// What a key holds: deeper lines, and `- ` items at its own column (YAML lets a sequence
/// under a key start at the key's indentation, and serializers write it so).
fn key_scope(toks: &[Tok], i: usize, end: usize) -> (usize, usize) {
    let col = toks[i].col;
    let stop = (i + 1..end)
        .find(|&k| {
            toks[k].col < col || (toks[k].col == col && !matches!(toks[k].kind, TokKind::Item))
        })
        .unwrap_or(end);
    (i + 1, stop)
}

/// What an item holds: everything deeper than its dash.
fn item_scope(toks: &[Tok], i: usize, end: usize) -> (usize, usize) {
    let col = toks[i].col;
    let stop = (i + 1..end).find(|&k| toks[k].col <= col).unwrap_or(end);
    (i + 1, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = "\
# a golden
metadata:
  labels:
    app.kubernetes.io/name: rstudio
spec:
  containers:
  - name: sidecar
    image: busybox
  - name: rs-launcher-container
    securityContext:
      privileged: true
    command:
    - /bin/sh
    ports:
    - containerPort: 8787
      protocol: TCP
    env:
      - name: NOTES
        value: |
          name: not-a-key
          more text
      - name: \"QUOTED\"
        value: 'it''s'
  volumes:
  - name: session-config
    configMap:
      name: cfg
";

    #[test]
    fn finds_fields_and_items_by_key() {
        assert_eq!(
            line_of(
                GOLDEN,
                "spec.containers[name=rs-launcher-container].securityContext.privileged"
            ),
            Some(11)
        );
        assert_eq!(
            line_of(GOLDEN, "spec.volumes[name=session-config]"),
            Some(25)
        );
        assert_eq!(
            line_of(GOLDEN, "spec.volumes[name=session-config].configMap.name"),
            Some(27)
        );
        assert_eq!(
            line_of(GOLDEN, r#"metadata.labels["app.kubernetes.io/name"]"#),
            Some(4)
        );
        assert_eq!(
            line_of(
                GOLDEN,
                "spec.containers[name=rs-launcher-container].ports[containerPort=8787,protocol=TCP]"
            ),
            Some(15)
        );
    }

    #[test]
    fn finds_items_by_index() {
        assert_eq!(line_of(GOLDEN, "spec.containers[0].image"), Some(8));
        assert_eq!(line_of(GOLDEN, "spec.containers[1].command[0]"), Some(13));
    }

    #[test]
    fn quoted_values_and_block_scalars() {
        assert_eq!(
            line_of(
                GOLDEN,
                "spec.containers[name=rs-launcher-container].env[name=QUOTED].value"
            ),
            Some(23)
        );
        // `name: not-a-key` inside the block scalar is no item key.
        assert_eq!(
            line_of(
                GOLDEN,
                "spec.containers[name=rs-launcher-container].env[name=not-a-key]"
            ),
            Some(17)
        );
    }

    #[test]
    fn works_on_what_bless_writes() {
        let golden = serde_json::json!({"spec": {
            "containers": [{"name": "c", "volumeMounts": [
                {"mountPath": "/t", "name": "kube-api-access-{{suffix:sa}}"}]}],
            "volumes": [{"name": "{{any}}", "emptyDir": {}}, {"name": "kube-api-access-{{suffix:sa}}"}]}});
        let yaml = serde_yaml_ng::to_string(&golden).unwrap();
        let line =
            |path| line_of(&yaml, path).map(|n| yaml.lines().nth(n as usize - 1).unwrap().trim());
        assert_eq!(
            line("spec.containers[name=c].volumeMounts[mountPath=/t].name"),
            Some("name: kube-api-access-{{suffix:sa}}")
        );
        assert_eq!(
            line("spec.volumes[name={{any}}].emptyDir"),
            Some("emptyDir: {}")
        );
        assert_eq!(
            line("spec.volumes[name=kube-api-access-{{suffix:sa}}]"),
            Some("- name: kube-api-access-{{suffix:sa}}")
        );
    }

    #[test]
    fn places_have_the_column_of_the_key_or_of_an_item_s_content() {
        assert_eq!(
            place_of(GOLDEN, r#"metadata.labels["app.kubernetes.io/name"]"#),
            Some((4, 5))
        );
        assert_eq!(place_of(GOLDEN, "spec.containers[0]"), Some((7, 5)));
        assert_eq!(
            place_of(GOLDEN, "spec.containers[1].command[0]"),
            Some((13, 7))
        );
        let quoted = "labels:\n  team: a\n  \"app.kubernetes.io/name\": \"bad value!\"\n";
        assert_eq!(
            place_of(quoted, r#"labels["app.kubernetes.io/name"]"#),
            Some((3, 3))
        );
        // Columns count characters, not bytes.
        assert_eq!(place_of("é: {}\nb:\n  ü: 1\n", "b.ü"), Some((3, 3)));
    }

    #[test]
    fn a_value_s_place_is_past_its_key_quoted_or_not() {
        let text = "\"kubernetes\":  \"1.99\"\nsession:\n  resource-profile: gpux\ngroups:\n- a\n";
        assert_eq!(value_place_of(text, "kubernetes"), Some((1, 16)));
        assert_eq!(
            value_place_of(text, "session.resource-profile"),
            Some((3, 21))
        );
        assert_eq!(value_place_of(text, "groups"), Some((4, 8)));
        // A key the text lacks has no value place, though its parent has a place.
        assert_eq!(value_place_of(text, "session.cpus"), None);
        assert_eq!(place_of(text, "session.cpus"), Some((2, 1)));
    }

    #[test]
    fn documents_of_a_stream_are_found_apart() {
        let text = "---\nkind: Node\nmetadata: {name: a}\n---\n# b\nkind: Node\n---\nkind: List\nitems:\n- kind: Pod\n";
        assert_eq!(document_line_of(text, 0, "kind"), Some(2));
        assert_eq!(document_line_of(text, 1, "kind"), Some(6));
        assert_eq!(document_line_of(text, 2, "items[0].kind"), Some(10));
        assert_eq!(document_line_of(text, 3, "kind"), None);
        // Without a leading marker the first document starts at the top.
        assert_eq!(
            document_line_of("kind: A\n---\nkind: B\n", 1, "kind"),
            Some(3)
        );
    }

    #[test]
    fn missing_parts_give_the_deepest_found() {
        assert_eq!(
            line_of(GOLDEN, "spec.volumes[name=kube-api-access-x7k2p]"),
            Some(24)
        );
        assert_eq!(line_of(GOLDEN, "status.phase"), None);
    }
}
