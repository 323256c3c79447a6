//! Suites: one configuration shared by many cases. A directory holding `suite.yaml` is a
//! suite root; its `etc:` directory stands for `/etc/rstudio` (profiles, override files, the
//! host's `host/`, resources, templating) for every case below the root, and its
//! `pod-security:`, `kubernetes:` and `paths:` are defaults that a case's `case.yaml` may
//! override. Each case directory then holds only `case.yaml` and its goldens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::LoadError as Error;
use super::yaml::{self, fields_of};
use crate::validate::Level;

/// The file that makes a directory a suite root.
pub const SUITE_FILE: &str = "suite.yaml";

/// `suite.yaml`: the shared configuration and the defaults of the suite's cases.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct SuiteSpec {
    /// The directory standing for `/etc/rstudio`, relative to the suite root.
    pub etc: String,
    /// A Helm values file (relative to the suite root) instead of a profiles file in `etc`.
    pub helm_values: Option<String>,
    /// The Helm release name, with `helm-values`.
    pub helm_release: Option<String>,
    /// Default Pod Security level of every case.
    pub pod_security: Option<Level>,
    /// Default Kubernetes version of every case.
    pub kubernetes: Option<String>,
    /// Default `paths:` of every case (directories relative to `etc`).
    pub paths: BTreeMap<String, String>,
    /// Unknown profile keys are warnings for every case.
    pub allow_unknown_keys: bool,
}

impl Default for SuiteSpec {
    fn default() -> SuiteSpec {
        SuiteSpec {
            etc: "etc".into(),
            helm_values: None,
            helm_release: None,
            pod_security: None,
            kubernetes: None,
            paths: BTreeMap::new(),
            allow_unknown_keys: false,
        }
    }
}

fn known_keys(shape: &[&str]) -> &'static [&'static str] {
    match shape {
        [] => fields_of::<SuiteSpec>(),
        _ => &[],
    }
}

/// A suite root and its `suite.yaml`.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The directory holding `suite.yaml`.
    pub root: PathBuf,
    /// Its settings.
    pub spec: SuiteSpec,
}

impl Suite {
    /// The directory that stands for `/etc/rstudio`.
    pub fn etc(&self) -> PathBuf {
        self.root.join(&self.spec.etc)
    }

    /// The values file, when the suite names one.
    pub fn helm_values(&self) -> Option<PathBuf> {
        self.spec.helm_values.as_ref().map(|v| self.root.join(v))
    }

    /// Reads `suite.yaml` in `root`.
    pub fn read(root: &Path) -> Result<Suite, Error> {
        let path = root.join(SUITE_FILE);
        let text = super::read_text(&path)?;
        let spec: SuiteSpec = if text.trim().is_empty() {
            SuiteSpec::default()
        } else {
            yaml::parse_with(&path, &text, known_keys)?
        };
        Ok(Suite {
            root: root.to_path_buf(),
            spec,
        })
    }

    /// Whether `dir` is the suite's `etc` or inside it (never a case of the suite).
    pub fn holds_config(&self, dir: &Path) -> bool {
        let etc = absolute(&self.etc());
        absolute(dir).starts_with(etc)
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The suite root above `dir` (its nearest ancestor holding `suite.yaml`, not `dir` itself).
pub fn root_of(dir: &Path) -> Option<PathBuf> {
    let abs = absolute(dir);
    let mut up = dir.to_path_buf();
    for ancestor in abs.ancestors().skip(1) {
        up.push("..");
        if ancestor.join(SUITE_FILE).is_file() {
            // Keep the path as the user gave it (relative stays relative) for messages.
            return Some(if dir.is_absolute() {
                ancestor.to_path_buf()
            } else {
                normalise(&up)
            });
        }
    }
    None
}

/// The lexical form of a path (`..` after a name removed), to compare directories that may
/// not exist.
pub(super) fn lexical(p: &Path) -> PathBuf {
    normalise(p)
}

/// `a/b/../..` as `.`, `a/b/..` as `a`: the lexical form, for the names in messages.
fn normalise(p: &Path) -> PathBuf {
    let mut out: Vec<std::path::Component> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir
                if out
                    .last()
                    .is_some_and(|l| matches!(l, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::Hint;

    #[test]
    fn the_root_is_the_nearest_ancestor_with_suite_yaml_in_the_form_given() {
        let tmp = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(tmp.path().join("s/a/b")).expect("mkdir");
        std::fs::write(tmp.path().join("s/suite.yaml"), "etc: etc/\n").expect("write");
        assert_eq!(
            root_of(&tmp.path().join("s/a/b")),
            Some(tmp.path().join("s"))
        );
        assert_eq!(root_of(&tmp.path().join("s")), None);
        assert_eq!(normalise(Path::new("x/a/b/../..")), PathBuf::from("x"));
        assert_eq!(normalise(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn an_unknown_suite_key_gets_a_did_you_mean() {
        let tmp = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            tmp.path().join(SUITE_FILE),
            "etc: etc/\npod-securty: baseline\n",
        )
        .expect("write");
        let err = Suite::read(tmp.path()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("suite.yaml:2:1: unknown key `pod-securty`"),
            "{err}"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `pod-security`?"));
    }
}
