//! Why a case directory cannot be read: its `case.yaml`, a YAML file it holds, or an override
//! path its profiles file names. Each kind carries its data; [`Error`] adds the place.

use std::path::PathBuf;

use crate::location::{Hint, Located};

/// A case file that cannot be read, with the place it concerns.
pub type Error = Located<ErrorKind>;

/// What is wrong with a case file; [`Error`] adds where.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A key no field of `case.yaml` (or of the struct at `parent`) takes.
    #[error("unknown key `{key}`{}", parent_suffix(parent))]
    UnknownKey {
        /// The key as written.
        key: String,
        /// Where it is, as `session.env[0]`; empty at the top level.
        parent: String,
        /// The keys that are known there, in declaration order.
        known: &'static [&'static str],
    },
    /// YAML that does not parse, or a value of the wrong type.
    #[error("{}{message}", at_prefix(at))]
    Yaml {
        /// Where in the document, as `session.cpus`; empty for the document itself.
        at: String,
        /// serde_yaml_ng's message without its position.
        message: String,
    },
    /// `kubernetes:` names a version jjo cannot predict for.
    #[error(transparent)]
    Version(crate::predict::Error),
    /// A `job-json-overrides` list that does not parse, in any section: the plugin reads
    /// every section's list when it starts, whoever the case's user is.
    #[error(
        "bad `job-json-overrides` list in section `[{section}]`: the plugin reads every section's list when it starts, so it would not start for anyone"
    )]
    ListInSection {
        /// The section's name (`*`, `@staff`, `alice`).
        section: String,
        /// Why the list does not parse, and where.
        source: Box<crate::overrides::Error>,
    },
    /// `helm-values:` in a case that also holds a profiles file.
    #[error("the case has both `helm-values:` and `{}`", super::PROFILES_FILE)]
    HelmAndProfiles,
    /// An override file the profiles file names that the case does not hold.
    #[error("override file `{path}` does not exist (`{}` in the case)", file.display())]
    OverrideMissing {
        /// The path as written in the profiles file.
        path: String,
        /// Where jjo looked for it in the case.
        file: PathBuf,
    },
    /// An override path that is not absolute.
    #[error("override file `{path}` is a relative path")]
    RelativePath {
        /// The path as written.
        path: String,
    },
    /// An override path outside `/etc/rstudio/` that no `paths:` entry maps.
    #[error("override file `{path}` is outside `/etc/rstudio/` and no `paths:` entry maps it")]
    NotMapped {
        /// The path as written.
        path: String,
    },
    /// An override path that leaves the case directory with `..`.
    #[error("override file `{path}` leaves the case directory")]
    Escapes {
        /// The path as written.
        path: String,
    },
    /// An override file that is a link to somewhere outside the case.
    #[error("override file `{path}` resolves to `{}`, outside the case", real.display())]
    LinkOutside {
        /// The path as written.
        path: String,
        /// Where the link leads.
        real: PathBuf,
    },
}

fn parent_suffix(parent: &str) -> String {
    if parent.is_empty() {
        String::new()
    } else {
        format!(" in `{parent}`")
    }
}

fn at_prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("`{at}`: ")
    }
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::UnknownKey { key, known, .. } => Some(
                match crate::diag::did_you_mean(key, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => "remove it".to_owned(),
                    None => format!("known keys: {}", known.join(", ")),
                },
            ),
            ErrorKind::Yaml { message, .. } => variant_hint(message),
            ErrorKind::Version(_) => None,
            ErrorKind::ListInSection { source, .. } => source.hint(),
            ErrorKind::HelmAndProfiles => Some(format!(
                "the chart renders the profiles file from the values: delete `{}` or `helm-values:`",
                super::PROFILES_FILE
            )),
            ErrorKind::OverrideMissing { file, .. } => Some(format!(
                "create `{}` holding one JSON value",
                file.display()
            )),
            ErrorKind::RelativePath { .. } => Some(
                "the launcher needs an absolute path such as `/etc/rstudio/job-json-overrides/...`"
                    .to_owned(),
            ),
            ErrorKind::NotMapped { .. } => Some(
                "map its directory in case.yaml, e.g. `paths: {\"/mnt/job-json-overrides-new/\": job-json-overrides/}`"
                    .to_owned(),
            ),
            ErrorKind::Escapes { .. } => {
                Some("keep override files inside the case (no `..`)".to_owned())
            }
            ErrorKind::LinkOutside { .. } => {
                Some("copy the file into the case instead of linking to it".to_owned())
            }
        }
    }
}

/// A did-you-mean for serde's "unknown variant `x`, expected one of `a`, `b`" (a misspelt
/// `expect:`, `match:` or `pod-security:` value).
fn variant_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown variant `")?;
    let (word, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected ")?.1;
    let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    // The words README and the API server use for `expect:`'s outcomes.
    let synonym = match word {
        "refused" | "denied" | "forbidden" => Some("rejected"),
        "accepted" | "allowed" => Some("admitted"),
        "ignored" => Some("dropped"),
        _ => None,
    };
    if let Some(s) = synonym.filter(|s| choices.contains(s)) {
        return Some(format!("did you mean `{s}`?"));
    }
    crate::diag::did_you_mean(word, choices.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod variant_tests {
    use super::variant_hint;

    #[test]
    fn a_misspelt_variant_gets_a_did_you_mean() {
        assert_eq!(
            variant_hint(
                "unknown variant `rejcted`, expected one of `admitted`, `rejected`, `dropped`"
            )
            .as_deref(),
            Some("did you mean `rejected`?")
        );
        assert_eq!(
            variant_hint("unknown variant `zzz`, expected `exact` or `subset`"),
            None
        );
        assert_eq!(
            variant_hint(
                "unknown variant `refused`, expected one of `admitted`, `rejected`, `dropped`"
            )
            .as_deref(),
            Some("did you mean `rejected`?")
        );
        assert_eq!(variant_hint("invalid type: sequence"), None);
    }
}
