//! Places in a user's files, so that every error and warning can point at its source.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a file: 1-based line and column; 0 means "the whole file" or "the whole line".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// The file as the user should see it (relative to where jjo was started when possible).
    pub file: PathBuf,
    /// 1-based line, or 0 for the file as a whole.
    pub line: u32,
    /// 1-based column (in characters), or 0 for the line as a whole.
    pub col: u32,
}

impl Span {
    /// A span covering a whole file.
    pub fn file(file: impl Into<PathBuf>) -> Span {
        Span {
            file: file.into(),
            line: 0,
            col: 0,
        }
    }

    /// A span covering one line of a file.
    pub fn line(file: impl Into<PathBuf>, line: u32) -> Span {
        Span {
            file: file.into(),
            line,
            col: 0,
        }
    }

    /// A span at one column of one line.
    pub fn at(file: impl Into<PathBuf>, line: u32, col: u32) -> Span {
        Span {
            file: file.into(),
            line,
            col,
        }
    }

    /// The same line, `offset` characters further right (used for positions inside a value).
    pub fn shifted(&self, offset: u32) -> Span {
        Span {
            file: self.file.clone(),
            line: self.line,
            col: self.col.max(1) + offset,
        }
    }

    /// The file this span points into.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        Ok(())
    }
}

/// An error together with the place in a user's file it concerns, as ripgrep's `ignore` crate
/// wraps its errors in `WithPath` and `WithLineNumber` instead of giving every variant a path.
///
/// It displays as `{span}: {error}`. Because the message already shows `error`, `source()`
/// skips it and returns the error's own cause, so a report never says the same thing twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<E> {
    /// Where the problem is.
    pub span: Span,
    /// What the problem is.
    pub error: E,
}

impl<E> Located<E> {
    /// Pairs an error with its span.
    pub fn new(span: Span, error: E) -> Located<E> {
        Located { span, error }
    }

    /// What to do about it, when the error knows.
    pub fn hint(&self) -> Option<String>
    where
        E: Hint,
    {
        self.error.hint()
    }
}

impl<E: fmt::Display> fmt::Display for Located<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.span, self.error)
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Located<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// An error kind that may know what the user can do about it (printed after the error as
/// `hint: ...`, never part of its `Display`).
pub trait Hint {
    /// The hint, if there is a likely fix.
    fn hint(&self) -> Option<String>;
}

impl<E: Hint + ?Sized> Hint for Box<E> {
    fn hint(&self) -> Option<String> {
        (**self).hint()
    }
}

/// One finding as every command prints it: `file:line:col: message (at `path`) [id]`. The
/// one formatter of warnings and validation findings, so `jjo lint`, `jjo test` and
/// `jjo diff` cannot print the same finding two ways.
pub fn finding_line(span: Option<&Span>, message: &str, at: Option<&str>, id: &str) -> String {
    let mut line = span.map(|s| format!("{s}: ")).unwrap_or_default();
    line.push_str(message);
    if let Some(at) = at {
        line.push_str(&format!(" (at `{at}`)"));
    }
    line.push_str(&format!(" [{id}]"));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_omits_unknown_parts() {
        assert_eq!(Span::file("a.conf").to_string(), "a.conf");
        assert_eq!(Span::line("a.conf", 3).to_string(), "a.conf:3");
        assert_eq!(Span::at("a.conf", 3, 7).to_string(), "a.conf:3:7");
        assert_eq!(
            Span::at("a.conf", 3, 7).shifted(2).to_string(),
            "a.conf:3:9"
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn located_displays_the_span_and_skips_its_error_in_the_source_chain() {
        let e = Located::new(
            Span::at("a.conf", 2, 1),
            Outer(std::io::Error::other("inner")),
        );
        assert_eq!(e.to_string(), "a.conf:2:1: outer");
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("inner"));
    }
}
