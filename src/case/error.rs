//! Why a case directory cannot be read: its `case.yaml`, a YAML file it holds, or an override
//! path its profiles file names. Each kind carries its data; [`Error`] adds the place.

use std::path::PathBuf;

use crate::location::{Hint, Located, Span};
use crate::profiles::{host, resources};

/// A case file that cannot be read, with the place it concerns.
pub type Error = Located<ErrorKind>;

/// Why a case cannot be loaded: one of its own files ([`Error`]), a file that cannot be read
/// at all, or what a stage below says of the file it reads for the case (the profiles file,
/// an override, the host's users, a Helm values file, the templates). Each keeps its own
/// place; the top-level error takes each variant as its own.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// case.yaml, suite.yaml, nodes.yaml, a golden, an override path.
    #[error(transparent)]
    Case(#[from] Error),
    /// A file that cannot be read.
    #[error("cannot {action} `{path}`")]
    Io {
        /// `read`, `list`, ...
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file that is not UTF-8.
    #[error("{span}: not valid UTF-8")]
    NotUtf8 {
        /// Where the first bad byte is.
        span: Span,
    },
    /// A path that is not a case.
    #[error("`{path}` is not a case directory (no `{}`)", super::PROFILES_FILE)]
    NotACase {
        /// The path.
        path: PathBuf,
    },
    /// Options that cannot work together.
    #[error("{message}")]
    Usage {
        /// What.
        message: String,
        /// What to do.
        hint: Option<String>,
    },
    /// The profiles file.
    #[error(transparent)]
    Profiles(#[from] crate::profiles::Error),
    /// The override list or an override file.
    #[error(transparent)]
    Overrides(#[from] crate::overrides::Error),
    /// The host's users and groups.
    #[error(transparent)]
    Host(#[from] Located<host::ErrorKind>),
    /// The resources file, or the resource profile a case picks.
    #[error(transparent)]
    Resources(#[from] Located<resources::ErrorKind>),
    /// A Helm values file (boxed: it is large and rare).
    #[error(transparent)]
    Helm(Box<crate::helm::Error>),
    /// `launcher.kubernetes.conf`.
    #[error(transparent)]
    LauncherConf(#[from] crate::launcher_conf::Error),
    /// The case's templates (boxed: it is large and rare).
    #[error(transparent)]
    Template(Box<crate::template::launch::Error>),
}

/// What to do about a path that is not a case.
pub const NOT_A_CASE_HINT: &str =
    "a case directory holds `launcher.kubernetes.profiles.conf`; see README.md";

impl Hint for LoadError {
    fn hint(&self) -> Option<String> {
        match self {
            LoadError::Case(e) => e.hint(),
            LoadError::Io { .. } | LoadError::NotUtf8 { .. } => None,
            LoadError::NotACase { .. } => Some(NOT_A_CASE_HINT.into()),
            LoadError::Usage { hint, .. } => hint.clone(),
            LoadError::Profiles(e) => e.hint(),
            LoadError::Overrides(e) => e.hint(),
            LoadError::Host(e) => e.hint(),
            LoadError::Resources(e) => e.hint(),
            LoadError::Helm(e) => e.hint(),
            LoadError::LauncherConf(e) => e.hint(),
            LoadError::Template(e) => e.hint(),
        }
    }
}

impl From<crate::helm::Error> for LoadError {
    fn from(e: crate::helm::Error) -> LoadError {
        LoadError::Helm(Box::new(e))
    }
}

impl From<crate::template::launch::Error> for LoadError {
    fn from(e: crate::template::launch::Error) -> LoadError {
        LoadError::Template(Box::new(e))
    }
}

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
    /// A `paths:` entry whose directory is outside the case.
    #[error(
        "override file `{path}` maps through `paths:` entry `{prefix}: {target}`, outside the case"
    )]
    PathsOutside {
        /// The path as written.
        path: String,
        /// The entry's prefix.
        prefix: String,
        /// The entry's directory.
        target: String,
    },
    /// A document (or a List item) of `nodes.yaml` that is not a Node.
    #[error("{at} {} not a Node", found.as_deref().map_or("has no `kind`,".to_owned(), |k| format!("is `kind: {k}`,")))]
    NotANode {
        /// The `kind:` it has, if any.
        found: Option<String>,
        /// Which document or item (`document 2`, `items[3]`).
        at: String,
    },
    /// A file given as a Job (`jjo predict --job`) that is not one.
    #[error("expected a Job (`kind: Job`), found {}", found.as_deref().map_or("no `kind`".to_owned(), |k| format!("`kind: {k}`")))]
    NotAJob {
        /// The `kind:` it has, if any.
        found: Option<String>,
    },
    /// Two nodes of `nodes.yaml` with one name.
    #[error("two nodes are named `{name}`")]
    DuplicateNode {
        /// The name.
        name: String,
    },
    /// `schedule:` in a case without `nodes.yaml`.
    #[error(
        "`schedule:` needs the cluster's nodes, and the case has no `{}`",
        super::nodes::NODES_FILE
    )]
    ScheduleWithoutNodes,
    /// `schedule:` with both `on:` and `unschedulable: true`.
    #[error("`schedule:` has both `on:` and `unschedulable: true`")]
    ScheduleOnAndUnschedulable,
    /// `schedule.reason:` without `unschedulable: true`.
    #[error("`schedule.reason:` only applies with `unschedulable: true`")]
    ScheduleReasonWithoutUnschedulable,
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
            ErrorKind::UnknownKey { key, known, parent } => Some(match close_key(key, known) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.is_empty() => "remove it".to_owned(),
                // A Kubernetes field (`imagePullSecrets`) is set by an override, not here.
                // At the top of case.yaml, a Pod's own field (`imagepullsecrets:`) is written
                // where a case key was expected: it belongs in an override too.
                None if parent.is_empty() && pod_field(key).is_some() => format!(
                    "case.yaml says who launches the session and what to expect, not the Pod: \
                     set `{}` with job-json-overrides in the profiles file; known keys: {}",
                    pod_field(key).unwrap_or(key),
                    known.join(", ")
                ),
                None if parent == "session" => format!(
                    "`session:` is the launch request, not the Job: set a Job field such as \
                         `{key}` with job-json-overrides in the profiles file; known keys: {}",
                    known.join(", ")
                ),
                None => format!("known keys: {}", known.join(", ")),
            }),
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
            ErrorKind::NotMapped { path } => {
                // Mirror the path's own directory, so the hint names no folder of jjo's choosing.
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                let local = dir.trim_start_matches('/');
                Some(format!(
                    "map its directory in case.yaml (or suite.yaml): `paths: {{\"{dir}/\": {local}/}}`, \
                     and put the file at `{local}/{}` there",
                    path.rsplit('/').next().unwrap_or_default()
                ))
            }
            ErrorKind::Escapes { .. } => Some(
                "keep override files inside the case, or in a suite's `etc/` (no `..`); to share \
                 files among cases, make them a suite (`suite.yaml`)"
                    .to_owned(),
            ),
            ErrorKind::LinkOutside { .. } => Some(
                "jjo reads only files inside the case (in a suite, inside its `etc/`); to share \
                 one configuration among cases, make them a suite (`suite.yaml`)"
                    .to_owned(),
            ),
            ErrorKind::PathsOutside { prefix, .. } => Some(format!(
                "a `paths:` target is a directory inside the case (in a suite, inside its \
                 `etc/`); to share files among cases, make them a suite (`suite.yaml`) and map \
                 `{prefix}` into its `etc/`"
            )),
            ErrorKind::NotANode { .. } => Some(
                "give the nodes as `kubectl get nodes -o yaml` prints them (a List of Nodes, or one Node per document)".to_owned(),
            ),
            ErrorKind::NotAJob { .. } => {
                Some("give a Job as `kubectl get job NAME -o yaml` prints it".to_owned())
            }
            ErrorKind::DuplicateNode { .. } => {
                Some("a cluster has one Node per name: remove the copy".to_owned())
            }
            ErrorKind::ScheduleWithoutNodes => Some(format!(
                "save the cluster's nodes with `kubectl get nodes -o yaml > {}` in the case",
                super::nodes::NODES_FILE
            )),
            ErrorKind::ScheduleOnAndUnschedulable => Some(
                "keep `on:` for where the session must land, or `unschedulable: true` if it must not land anywhere".to_owned(),
            ),
            ErrorKind::ScheduleReasonWithoutUnschedulable => Some(
                "add `unschedulable: true`, or use `on:` to say where the session must land".to_owned(),
            ),
        }
    }
}

/// The field of a Pod or its container that `key` spells (in any case, `-`/`_` aside), which
/// admins set with job-json-overrides.
fn pod_field(key: &str) -> Option<&'static str> {
    const FIELDS: &[&str] = &[
        "imagePullSecrets",
        "nodeSelector",
        "tolerations",
        "affinity",
        "securityContext",
        "serviceAccountName",
        "volumes",
        "volumeMounts",
        "env",
        "resources",
        "initContainers",
        "containers",
        "annotations",
        "labels",
        "hostNetwork",
        "priorityClassName",
    ];
    let plain = |s: &str| s.replace(['-', '_'], "").to_ascii_lowercase();
    FIELDS.iter().copied().find(|f| plain(f) == plain(key))
}

/// The known key a misspelt one means: close as a typo (Jaro-Winkler) and not a mere prefix
/// (`imagepullsecrets` is not `image`).
fn close_key(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let s = crate::diag::did_you_mean(key, known.iter().copied())?;
    (strsim::normalized_damerau_levenshtein(&key.to_ascii_lowercase(), s) >= 0.5).then_some(s)
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
    fn a_job_field_in_session_is_not_a_did_you_mean_of_a_prefix() {
        use super::{ErrorKind, Hint};
        let kind = ErrorKind::UnknownKey {
            key: "imagepullsecrets".into(),
            parent: "session".into(),
            known: &["image", "cpus"],
        };
        let hint = kind.hint().expect("hint");
        assert!(!hint.contains("did you mean `image`"), "{hint}");
        assert!(
            hint.contains("with job-json-overrides in the profiles file"),
            "{hint}"
        );
        // Newcomer trial of issue 17 (item 16): the same mistake at the top of case.yaml.
        let top = ErrorKind::UnknownKey {
            key: "imagepullsecrets".into(),
            parent: String::new(),
            known: &["user", "groups", "session"],
        };
        let hint = top.hint().expect("hint");
        assert!(
            hint.contains("set `imagePullSecrets` with job-json-overrides in the profiles file"),
            "{hint}"
        );
        let typo = ErrorKind::UnknownKey {
            key: "imagee".into(),
            parent: "session".into(),
            known: &["image", "cpus"],
        };
        assert_eq!(typo.hint().as_deref(), Some("did you mean `image`?"));
    }

    #[test]
    fn an_unmapped_override_path_gets_its_own_directory_in_the_hint() {
        use super::{ErrorKind, Hint};
        let kind = ErrorKind::NotMapped {
            path: "/opt/overrides/sc.json".into(),
        };
        let hint = kind.hint().expect("hint");
        assert!(
            hint.contains("`paths: {\"/opt/overrides/\": opt/overrides/}`"),
            "{hint}"
        );
        assert!(!hint.contains("job-json-overrides-new"), "{hint}");
    }

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
