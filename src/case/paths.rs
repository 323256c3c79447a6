//! Mapping the absolute paths a profiles file names on the launcher host into a case directory.

use std::path::{Component, Path, PathBuf};

/// The launcher's configuration directory, which a case directory stands for.
pub const ETC_RSTUDIO: &str = "/etc/rstudio/";

/// Why a path cannot be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmapped {
    /// Not absolute: the launcher would resolve it against its own working directory.
    Relative,
    /// Under no mapped prefix.
    NoPrefix,
    /// `..` leaves the directory it was mapped into.
    Escapes,
}

/// Maps `path` (absolute on the launcher host) to a path inside `case_dir`.
///
/// `/etc/rstudio/` maps to the case root; `extra` holds other prefixes and the case-relative
/// directories they map to. The longest matching prefix wins.
pub fn map(path: &str, case_dir: &Path, extra: &[(String, String)]) -> Result<PathBuf, Unmapped> {
    if !path.starts_with('/') {
        return Err(Unmapped::Relative);
    }
    let mut best: Option<(&str, &str)> = None;
    let candidates = std::iter::once((ETC_RSTUDIO, ""))
        .chain(extra.iter().map(|(a, b)| (a.as_str(), b.as_str())));
    for (prefix, target) in candidates {
        let prefix_dir = prefix.trim_end_matches('/');
        let matches = path
            .strip_prefix(prefix_dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if matches && best.is_none_or(|(b, _)| prefix_dir.len() > b.trim_end_matches('/').len()) {
            best = Some((prefix, target));
        }
    }
    let (prefix, target) = best.ok_or(Unmapped::NoPrefix)?;
    let rest = path[prefix.trim_end_matches('/').len()..].trim_start_matches('/');
    let mut out = case_dir.join(target);
    let root_depth = out.components().count();
    for component in Path::new(rest).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if out.components().count() <= root_depth {
                    return Err(Unmapped::Escapes);
                }
                out.pop();
            }
            Component::RootDir | Component::Prefix(_) => return Err(Unmapped::Escapes),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(path: &str) -> Result<PathBuf, Unmapped> {
        let extra = vec![(
            "/mnt/job-json-overrides-new/".to_string(),
            "job-json-overrides/".to_string(),
        )];
        map(path, Path::new("case"), &extra)
    }

    #[test]
    fn etc_rstudio_maps_to_the_case_root() {
        assert_eq!(
            m("/etc/rstudio/job-json-overrides/sc.json"),
            Ok(PathBuf::from("case/job-json-overrides/sc.json"))
        );
    }

    #[test]
    fn extra_prefixes_map_to_their_directory() {
        assert_eq!(
            m("/mnt/job-json-overrides-new/vol.json"),
            Ok(PathBuf::from("case/job-json-overrides/vol.json"))
        );
    }

    #[test]
    fn prefix_must_end_at_a_path_boundary() {
        assert_eq!(m("/etc/rstudiox/a.json"), Err(Unmapped::NoPrefix));
    }

    #[test]
    fn relative_unmapped_and_escaping_paths_are_refused() {
        assert_eq!(m("job-json-overrides/a.json"), Err(Unmapped::Relative));
        assert_eq!(m("/opt/a.json"), Err(Unmapped::NoPrefix));
        assert_eq!(m("/etc/rstudio/../passwd"), Err(Unmapped::Escapes));
        assert_eq!(
            m("/etc/rstudio/a/../b.json"),
            Ok(PathBuf::from("case/b.json"))
        );
    }
}
