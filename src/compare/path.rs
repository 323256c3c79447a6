//! Paths into a Job or Pod as people read them, the one spelling of the crate (differences
//! and validation findings alike): `spec.containers[name=x].image`,
//! `metadata.labels["app.kubernetes.io/name"]`, `spec.tolerations[2]`.
//!
//! Field names that are not plain words (letters, digits, `_`, `-`) are written as `["…"]` (a
//! JSON string), so a label key reads `labels["a/b"]` wherever jjo prints it; selector values
//! that contain `[`, `]`, `,`, `=` or `"` are JSON strings too, so every path parses back
//! (`line_of` needs that).

use std::fmt::Write;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A field of an object.
    Key(String),
    /// An item of a list matched by position.
    Index(usize),
    /// An item of a list matched by merge key: `(field, value as text)` pairs.
    Select(Vec<(String, String)>),
}

/// Renders a path.
pub(crate) fn format(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) if is_plain_key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Key(k) => {
                let _ = write!(out, "[{}]", quote(k));
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Seg::Select(parts) => {
                out.push('[');
                for (n, (field, value)) in parts.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(field);
                    out.push('=');
                    if is_plain_value(value) {
                        out.push_str(value);
                    } else {
                        out.push_str(&quote(value));
                    }
                }
                out.push(']');
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Appends one object key to a formatted path.
pub fn push_key(path: &str, key: &str) -> String {
    let mut out = path.to_owned();
    if is_plain_key(key) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    } else {
        let _ = write!(out, "[{}]", quote(key));
    }
    out
}

/// A JSON Pointer's tokens below `base` (a formatted path) as a path, each token an index
/// where `value` (the value at `base`) has an array there and a key otherwise, so that a
/// member named `0` stays a key: the one way a pointer becomes a path.
pub fn of_tokens(base: &str, value: Option<&serde_json::Value>, tokens: &[String]) -> String {
    let mut out = base.to_owned();
    let mut here = value;
    for t in tokens {
        let index = here
            .filter(|v| v.is_array())
            .and_then(|_| t.parse::<usize>().ok());
        here = match (here, index) {
            (Some(v), Some(i)) => v.get(i),
            (Some(v), None) => v.get(t.as_str()),
            (None, _) => None,
        };
        match index {
            Some(i) => {
                let _ = write!(out, "[{i}]");
            }
            None => out = push_key(&out, t),
        }
    }
    out
}

fn is_plain_value(v: &str) -> bool {
    !v.is_empty()
        && v.trim() == v
        && !v
            .chars()
            .any(|c| matches!(c, '[' | ']' | ',' | '=' | '"') || c.is_control())
}

/// Parses a path written by [`format`]; `None` if it is not one.
pub(crate) fn parse(s: &str) -> Option<Vec<Seg>> {
    let chars: Vec<char> = s.chars().collect();
    let mut segs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => i += 1,
            '[' => {
                i += 1;
                if chars.get(i) == Some(&'"') {
                    let (key, next) = json_string(&chars, i)?;
                    if chars.get(next) != Some(&']') {
                        return None;
                    }
                    segs.push(Seg::Key(key));
                    i = next + 1;
                    continue;
                }
                let start = i;
                let mut in_quote = false;
                while i < chars.len() {
                    match chars[i] {
                        '\\' if in_quote => i += 1,
                        '"' => in_quote = !in_quote,
                        ']' if !in_quote => break,
                        _ => {}
                    }
                    i += 1;
                }
                let inner: String = chars.get(start..i)?.iter().collect();
                if chars.get(i) != Some(&']') {
                    return None;
                }
                i += 1;
                if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
                    segs.push(Seg::Index(inner.parse().ok()?));
                } else {
                    segs.push(Seg::Select(selector(&inner)?));
                }
            }
            _ => {
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                segs.push(Seg::Key(chars[start..i].iter().collect()));
            }
        }
    }
    Some(segs)
}

/// A JSON string starting at `chars[at]`: its value and the index after it.
fn json_string(chars: &[char], at: usize) -> Option<(String, usize)> {
    let mut i = at + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => {
                let text: String = chars[at..=i].iter().collect();
                return Some((serde_json::from_str(&text).ok()?, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

fn selector(inner: &str) -> Option<Vec<(String, String)>> {
    let chars: Vec<char> = inner.chars().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i] != '=' {
            i += 1;
        }
        let field: String = chars[start..i].iter().collect();
        i += 1;
        let value = if chars.get(i) == Some(&'"') {
            let (v, next) = json_string(&chars, i)?;
            i = next;
            v
        } else {
            let vstart = i.min(chars.len());
            while i < chars.len() && chars[i] != ',' {
                i += 1;
            }
            chars[vstart..i.min(chars.len())].iter().collect()
        };
        parts.push((field, value));
        if chars.get(i) == Some(&',') {
            i += 1;
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    #[test]
    fn pointer_tokens_are_indexes_only_where_the_value_has_an_array() {
        let v =
            serde_json::json!({"labels": {"app.kubernetes.io/name": "x", "0": "y"}, "args": ["a"]});
        let t = |s: &[&str]| s.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(
            of_tokens(
                "metadata",
                Some(&v),
                &t(&["labels", "app.kubernetes.io/name"])
            ),
            r#"metadata.labels["app.kubernetes.io/name"]"#
        );
        assert_eq!(of_tokens("", Some(&v), &t(&["args", "0"])), "args[0]");
        assert_eq!(of_tokens("", Some(&v), &t(&["labels", "0"])), "labels.0");
        assert_eq!(of_tokens("a", None, &t(&["b"])), "a.b");
    }

    #[test]
    fn dotted_with_selectors_and_indexes() {
        let p = vec![
            key("spec"),
            key("containers"),
            Seg::Select(vec![("name".into(), "rs-launcher-container".into())]),
            key("securityContext"),
            key("privileged"),
        ];
        assert_eq!(
            format(&p),
            "spec.containers[name=rs-launcher-container].securityContext.privileged"
        );
        let p = vec![key("spec"), key("tolerations"), Seg::Index(2)];
        assert_eq!(format(&p), "spec.tolerations[2]");
        let p = vec![
            key("ports"),
            Seg::Select(vec![
                ("containerPort".into(), "8787".into()),
                ("protocol".into(), "TCP".into()),
            ]),
        ];
        assert_eq!(format(&p), "ports[containerPort=8787,protocol=TCP]");
    }

    #[test]
    fn ambiguous_keys_and_values_are_quoted() {
        let p = vec![
            key("metadata"),
            key("labels"),
            key("app.kubernetes.io/name"),
        ];
        assert_eq!(format(&p), r#"metadata.labels["app.kubernetes.io/name"]"#);
        // One spelling for every key that is not a plain word, with or without a dot.
        let p = vec![key("labels"), key("a/b")];
        assert_eq!(format(&p), r#"labels["a/b"]"#);
        assert_eq!(push_key("labels", "a/b"), r#"labels["a/b"]"#);
        assert_eq!(push_key("", "spec"), "spec");
        let p = vec![
            key("env"),
            Seg::Select(vec![("name".into(), "a,b]".into())]),
        ];
        assert_eq!(format(&p), r#"env[name="a,b]"]"#);
    }

    #[test]
    fn formatted_paths_parse_back() {
        let paths = [
            vec![key("a"), key("b.c"), Seg::Index(3), key("d")],
            vec![key("labels"), key("a/b"), key("x y")],
            vec![Seg::Select(vec![
                ("name".into(), "x=\"y\"".into()),
                ("k".into(), "v".into()),
            ])],
            vec![
                key("spec"),
                key("volumes"),
                Seg::Select(vec![(
                    "name".into(),
                    "kube-api-access-{{suffix:sa}}".into(),
                )]),
            ],
        ];
        for p in paths {
            assert_eq!(parse(&format(&p)), Some(p));
        }
    }
}
