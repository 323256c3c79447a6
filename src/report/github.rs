//! GitHub workflow commands of `jjo lint --format github`: `::error file=...` annotations
//! on the file and line, then the summary as plain lines.

use std::fmt::Write;

use crate::lint::Lint;

/// GitHub's workflow-command escaping of a property value or a message.
fn gh_escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

/// `::error file=F,line=L,col=C,title=T::message` per problem, then the per-principal summary.
/// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
pub fn lint(l: &Lint) -> String {
    let mut out = String::new();
    for p in &l.problems {
        let mut props = Vec::new();
        if let Some(s) = &p.span {
            props.push(format!(
                "file={}",
                gh_escape(&s.file.to_string_lossy(), true)
            ));
            if s.line > 0 {
                props.push(format!("line={}", s.line));
            }
            if s.col > 0 {
                props.push(format!("col={}", s.col));
            }
        }
        props.push(format!(
            "title={}",
            gh_escape(&format!("jjo {}", p.rule), true)
        ));
        let mut message = p.message.clone();
        if let Some(f) = &p.path {
            let _ = write!(message, " (at `{f}`)");
        }
        let _ = write!(message, "\nfor: {}", p.principals.join(", "));
        if let Some(h) = &p.hint {
            let _ = write!(message, "\nhint: {h}");
        }
        // GitHub's command for a note is `notice`.
        let command = if p.severity == "note" {
            "notice"
        } else {
            p.severity
        };
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command,
            props.join(","),
            gh_escape(&message, false)
        );
    }
    // The summary goes to the log as plain lines, counting the problems annotated above.
    out.push_str(&super::human::principals_page(l));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_messages_escape_newlines_and_property_separators() {
        assert_eq!(gh_escape("a:b,c", true), "a%3Ab%2Cc");
        assert_eq!(gh_escape("50%\nnext", false), "50%25%0Anext");
    }
}
