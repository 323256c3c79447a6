//! Reading one of a case's files as text: the file and line:column of bad UTF-8. Its own file
//! so that `load` and `templating`, which both read files, need not import each other.

use std::path::Path;

use super::error::LoadError as Error;
use crate::location::Span;

/// Reads a text file, with a precise error for missing files and bad UTF-8.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.into(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let col = valid
            .rsplit(|b| *b == b'\n')
            .next()
            .map_or(0, |l| String::from_utf8_lossy(l).chars().count()) as u32
            + 1;
        Error::NotUtf8 {
            span: Span::at(path, line, col),
        }
    })
}
