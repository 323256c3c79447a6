//! Writing goldens, atomically, and never under CI. The only module that writes user files.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::error::Error;

/// Refuses to write when running under CI.
pub fn allowed() -> Result<(), Error> {
    if crate::env::is_ci() {
        return Err(Error::BlessRefused {
            why: "`CI` is set, and CI must check goldens, not write them".into(),
        });
    }
    Ok(())
}

/// The YAML jjo writes for a golden.
pub fn to_yaml(value: &Value) -> String {
    // Serializing a serde_json::Value cannot fail: every key is a string.
    serde_yaml_ng::to_string(value).unwrap_or_default()
}

/// Writes `value` as YAML to `path` through a temporary file and a rename.
pub fn write(path: &Path, value: &Value) -> Result<(), Error> {
    allowed()?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |source| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".jjo-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(to_yaml(value).as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
