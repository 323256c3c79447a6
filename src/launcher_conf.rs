//! `launcher.kubernetes.conf`: the Kubernetes plugin's own settings. jjo reads it for the
//! templating switch (`use-templating`) and where the templates live (`scratch-path`).
//!
//! The file is `key=value` lines read with the profiles file's rules (lines trimmed, `#`/`;`
//! comment lines, no trailing comments, the value kept as written after trimming). Known keys
//! are those of Posit's Kubernetes plugin reference
//! (<https://docs.posit.co/job-launcher/latest/kube.html>, "Configuration").

use std::path::Path;

use crate::diag::{Warning, did_you_mean};
use crate::location::{Hint, Located, Span};

/// A line of `launcher.kubernetes.conf` the plugin would refuse, with its place.
pub type Error = Located<ErrorKind>;

/// What is wrong with a line of `launcher.kubernetes.conf`; [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// A `[section]` line: the file has none.
    #[error("unexpected section header `{line}`")]
    SectionHeader {
        /// The line as written (trimmed).
        line: String,
    },
    /// A line that is not `key=value`.
    #[error("expected `key=value`, found `{line}`")]
    NotKeyValue {
        /// The line as written (trimmed).
        line: String,
    },
    /// A key on two lines.
    #[error("`{key}` is set twice, first on line {first}")]
    SetTwice {
        /// The key.
        key: String,
        /// The line of its first setting.
        first: u32,
    },
    /// A `scratch-path` that `paths:` maps outside the case.
    #[error("`scratch-path` `{scratch}` does not map into the case")]
    ScratchPathOutside {
        /// The path as written.
        scratch: String,
    },
    /// `use-templating` that is not `0` or `1`.
    #[error("`use-templating` must be `0` or `1`, found `{value}`")]
    NotABoolean {
        /// The value as written.
        value: String,
    },
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::SectionHeader { .. } => {
                Some(format!("`{FILE}` has no sections: write `key=value` lines"))
            }
            ErrorKind::NotKeyValue { line } => line
                .split_once(':')
                .map(|(k, v)| format!("write `{}={}`", k.trim(), v.trim())),
            ErrorKind::SetTwice { .. } => Some("keep one of the two lines".into()),
            ErrorKind::NotABoolean { .. } => Some("the plugin reads booleans as 0 or 1".into()),
            ErrorKind::ScratchPathOutside { .. } => {
                Some("map it in case.yaml `paths:` to a directory inside the case".into())
            }
        }
    }
}

/// The file name, beside the profiles file in `/etc/rstudio`.
pub const FILE: &str = "launcher.kubernetes.conf";

/// Where the plugin keeps its templates unless `scratch-path` says otherwise (Posit's
/// reference: `/var/lib/rstudio-launcher/{name of plugin}`).
const DEFAULT_SCRATCH_PATH: &str = "/var/lib/rstudio-launcher/Kubernetes";

/// The keys Posit documents for `launcher.kubernetes.conf`.
pub const KNOWN_KEYS: &[&str] = &[
    "server-user",
    "thread-pool-size",
    "enable-debug-logging",
    "scratch-path",
    "logging-dir",
    "job-expiry-hours",
    "profile-config",
    "api-url",
    "auth-token-path",
    "auth-token",
    "kubernetes-namespace",
    "verify-ssl-certs",
    "certificate-authority",
    "watch-timeout-seconds",
    "fetch-limit",
    "use-templating",
];

/// One `key=value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The key.
    pub key: String,
    /// The value as written (trimmed).
    pub value: String,
    /// Where the value starts.
    pub span: Span,
}

/// The settings of a `launcher.kubernetes.conf`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LauncherConf {
    /// Every setting, in file order.
    pub settings: Vec<Setting>,
}

impl LauncherConf {
    /// The setting of `key`, if the file has it.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.key == key)
    }

    /// Whether `use-templating=1`.
    pub fn use_templating(&self) -> bool {
        self.get("use-templating").is_some_and(|s| s.value == "1")
    }

    /// `scratch-path`, or its default.
    pub fn scratch_path(&self) -> &str {
        self.get("scratch-path")
            .map_or(DEFAULT_SCRATCH_PATH, |s| s.value.as_str())
    }
}

/// Reads `text` (the contents of `path`).
pub fn parse(path: &Path, text: &str) -> Result<(LauncherConf, Vec<Warning>), Error> {
    let mut conf = LauncherConf::default();
    let mut warnings = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let indent = (raw.len() - raw.trim_start().len()) as u32;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let at = Span::at(path, line_no, indent + 1);
        if line.starts_with('[') {
            return Err(Located::new(
                at,
                ErrorKind::SectionHeader { line: line.into() },
            ));
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(Located::new(
                at,
                ErrorKind::NotKeyValue { line: line.into() },
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        let value_col = raw.find('=').map_or(1, |p| p as u32 + 2);
        if let Some(first) = conf.settings.iter().find(|s| s.key == key) {
            return Err(Located::new(
                at,
                ErrorKind::SetTwice {
                    key: key.into(),
                    first: first.span.line,
                },
            ));
        }
        if !KNOWN_KEYS.contains(&key) {
            warnings.push(Warning {
                id: "unknown-key",
                span: Some(at.clone()),
                pointer: None,
                message: format!("unknown key `{key}` in `{FILE}`"),
                // `namespace` is `kubernetes-namespace`: a known key ending in the word.
                hint: Some(
                    match did_you_mean(key, KNOWN_KEYS.iter().copied()).or_else(|| {
                        KNOWN_KEYS
                            .iter()
                            .copied()
                            .find(|k| k.ends_with(&format!("-{key}")))
                    }) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "jjo only knows the keys of Posit's Kubernetes plugin reference".into()
                        }
                    },
                ),
            });
        }
        if key == "use-templating" && value != "0" && value != "1" {
            return Err(Located::new(
                Span::at(path, line_no, value_col),
                ErrorKind::NotABoolean {
                    value: value.into(),
                },
            ));
        }
        conf.settings.push(Setting {
            key: key.to_string(),
            value: value.to_string(),
            span: Span::at(path, line_no, value_col),
        });
    }
    Ok((conf, warnings))
}

/// The keys whose value is a credential (the plugin's service account token): `jjo init`
/// leaves them out of the suite it writes, since an admin commits the suite.
const CREDENTIALS: &[&str] = &["auth-token"];

/// `text` with each credential's line commented out and its value left out, every other line
/// (and so every line number) as it was.
pub fn without_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let key = line.trim_start().split('=').next().unwrap_or("").trim();
        if line.contains('=') && CREDENTIALS.contains(&key) {
            let end = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            out.push_str(&format!(
                "# {key}= left out by `jjo init`: a credential, which jjo does not need{end}"
            ));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcomer trial of issue 17: `jjo init` copied the service account token of
    /// `launcher.kubernetes.conf` into the suite an admin commits.
    /// Newcomer trial of issue 17: `namespace=rstudio` is the plugin's `kubernetes-namespace`.
    #[test]
    fn a_key_missing_its_prefix_gets_a_did_you_mean() {
        let (_, w) = parse(Path::new("l.conf"), "namespace=rstudio\n").expect("parses");
        assert_eq!(
            w[0].hint.as_deref(),
            Some("did you mean `kubernetes-namespace`?")
        );
    }

    #[test]
    fn credentials_are_left_out_and_lines_kept() {
        let text = "api-url=https://k8s\n  auth-token = eyJhbGciOi\nuse-templating=1\n";
        let out = without_credentials(text);
        assert!(!out.contains("eyJ"), "{out}");
        assert_eq!(out.lines().count(), 3);
        assert_eq!(
            out.lines().nth(1),
            Some("# auth-token= left out by `jjo init`: a credential, which jjo does not need")
        );
        assert!(out.starts_with("api-url=https://k8s\n") && out.ends_with("use-templating=1\n"));
        assert_eq!(
            without_credentials("auth-token-path=/var/run/t\n"),
            "auth-token-path=/var/run/t\n"
        );
    }

    fn read(text: &str) -> Result<(LauncherConf, Vec<Warning>), Error> {
        parse(Path::new(FILE), text)
    }

    #[test]
    fn reads_the_templating_switch_and_scratch_path() {
        let (conf, warnings) =
            read("# comment\napi-url=https://k8s:6443\nuse-templating=1\n").unwrap();
        assert!(conf.use_templating());
        assert_eq!(conf.scratch_path(), DEFAULT_SCRATCH_PATH);
        assert!(warnings.is_empty());
        let (conf, _) = read("use-templating = 0\nscratch-path=/opt/tpl\n").unwrap();
        assert!(!conf.use_templating());
        assert_eq!(conf.scratch_path(), "/opt/tpl");
    }

    #[test]
    fn a_boolean_other_than_0_or_1_is_an_error_at_the_value() {
        let err = read("use-templating=true\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "launcher.kubernetes.conf:1:16: `use-templating` must be `0` or `1`, found `true`"
        );
    }

    #[test]
    fn unknown_keys_warn_with_did_you_mean_and_duplicates_are_errors() {
        let (_, warnings) = read("use-templateing=1\n").unwrap();
        assert_eq!(
            warnings[0].message,
            "unknown key `use-templateing` in `launcher.kubernetes.conf`"
        );
        assert_eq!(
            warnings[0].hint.as_deref(),
            Some("did you mean `use-templating`?")
        );
        let err = read("use-templating=1\nuse-templating=0\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("`use-templating` is set twice, first on line 1"),
            "{err}"
        );
        let err = read("use-templating: 1\n").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("expected `key=value`, found `use-templating: 1`"),
            "{err}"
        );
    }
}
