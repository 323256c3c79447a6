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
    text_of(path, bytes)
}

/// [`read_text`] of a file that may be missing: `None` when it is. One open, not a stat
/// first: a case has several optional files, and a thousand-case run stats thousands.
pub fn read_text_if_present(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => text_of(path, bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            action: "read",
            path: path.into(),
            source,
        }),
    }
}

/// The bytes of `path` as text, or where the first byte that is not UTF-8 is.
fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
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
