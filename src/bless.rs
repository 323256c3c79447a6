//! Writing goldens, atomically, and never under CI. The only module that writes user files.
//!
//! The CI refusal is decided once, at the edge, by whoever asks for a bless (`jjo test
//! --bless`, `jjo init`, the cargo test harness) through [`allowed`], before anything runs;
//! the writers below do not read the environment again, so the library's behaviour does not
//! depend on the process it happens to run in.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::error::Error;

/// Refuses to write when running under CI; every command that writes calls it first.
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

/// The name of bless's temporary files is `{TEMP_PREFIX}<random>{TEMP_SUFFIX}`, next to the
/// golden (so the rename stays on one file system); `.gitignore` names the same pattern.
pub const TEMP_PREFIX: &str = ".jjo-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// What blessing one golden did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blessed {
    /// The golden was missing or different, and was written.
    Wrote,
    /// The golden already held this value; nothing was written.
    Unchanged,
}

/// Blesses one golden after its check: writes `value` to `path` unless `golden` (the value
/// read from `path`) already equals it.
pub fn bless(path: &Path, golden: Option<&Value>, value: &Value) -> Result<Blessed, Error> {
    if golden == Some(value) {
        return Ok(Blessed::Unchanged);
    }
    write(path, value)?;
    Ok(Blessed::Wrote)
}

/// Writes `value` as YAML to `path` through a temporary file and a rename.
pub fn write(path: &Path, value: &Value) -> Result<(), Error> {
    write_bytes(path, to_yaml(value).as_bytes())
}

/// Writes `bytes` to `path` through a temporary file and a rename (for `jjo init`, which copies
/// a configuration into new cases), creating the parent directories.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            action: "create",
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |source| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_names_the_temporary_files_bless_writes() {
        let gitignore = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.gitignore"))
            .expect("the repository has a .gitignore");
        let pattern = format!("{TEMP_PREFIX}*{TEMP_SUFFIX}");
        assert!(
            gitignore.lines().any(|l| l.trim() == pattern),
            "`.gitignore` lacks `{pattern}`:\n{gitignore}"
        );
    }

    #[test]
    fn blessing_an_unchanged_golden_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("expected-job.yaml");
        let value = serde_json::json!({"a": 1});
        assert_eq!(
            bless(&path, Some(&value), &value).ok(),
            Some(Blessed::Unchanged)
        );
        assert!(!path.exists());
        assert_eq!(bless(&path, None, &value).ok(), Some(Blessed::Wrote));
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("a: 1\n")
        );
    }
}
