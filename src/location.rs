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

/// A value together with the place it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// Where the value was read.
    pub span: Span,
    /// The value itself.
    pub value: T,
}

impl<T> Located<T> {
    /// Pairs a value with its span.
    pub fn new(span: Span, value: T) -> Located<T> {
        Located { span, value }
    }
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
}
