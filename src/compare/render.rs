//! Differences as human lines, one per difference, values as compact JSON.

use serde_json::Value;

use super::{Difference, Kind, shown};

/// Longest value shown in full; longer ones are cut, since the golden file has the rest.
const MAX_VALUE_CHARS: usize = 80;

/// Renders differences as lines: `path: expected X, got Y`, `path: missing (expected X)`,
/// `path: unexpected (got Y)`; each line ends with a newline, no differences is empty text.
pub fn render(diffs: &[Difference]) -> String {
    let mut out = String::new();
    for d in diffs {
        let path = shown(&d.path);
        let line = match d.kind {
            Kind::Differs => {
                format!(
                    "{path}: expected {}, got {}",
                    value(&d.expected),
                    value(&d.actual)
                )
            }
            Kind::Missing => format!("{path}: missing (expected {})", value(&d.expected)),
            Kind::Extra => format!("{path}: unexpected (got {})", value(&d.actual)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A value as compact JSON, cut to [`MAX_VALUE_CHARS`] characters with `…`.
fn value(v: &Option<Value>) -> String {
    let Some(v) = v else { return "nothing".into() };
    let text = v.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn diff(path: &str, kind: Kind, expected: Option<Value>, actual: Option<Value>) -> Difference {
        Difference {
            path: path.into(),
            kind,
            expected,
            actual,
        }
    }

    #[test]
    fn one_line_per_difference() {
        let text = render(&[
            diff(
                "spec.containers[name=x].securityContext.privileged",
                Kind::Differs,
                Some(json!(true)),
                Some(json!(false)),
            ),
            diff(
                "spec.volumes[name=data]",
                Kind::Missing,
                Some(json!({"name": "data"})),
                None,
            ),
            diff("spec.hostNetwork", Kind::Extra, None, Some(json!(true))),
            diff("", Kind::Differs, Some(json!("a")), Some(json!(1))),
        ]);
        assert_eq!(
            text,
            "spec.containers[name=x].securityContext.privileged: expected true, got false\n\
             spec.volumes[name=data]: missing (expected {\"name\":\"data\"})\n\
             spec.hostNetwork: unexpected (got true)\n\
             (root): expected \"a\", got 1\n"
        );
        assert_eq!(render(&[]), "");
    }

    #[test]
    fn long_values_are_cut() {
        let long = json!({"data": "é".repeat(200)});
        let text = render(&[diff("a", Kind::Extra, None, Some(long))]);
        let shown = text.trim_end().strip_prefix("a: unexpected (got ").unwrap();
        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS + 1, "{shown}");
        assert!(shown.ends_with("…)"));
    }
}
