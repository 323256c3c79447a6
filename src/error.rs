//! The top-level error, which knows its location, hint and exit code.

use std::path::PathBuf;

use crate::location::{Located, Span};

/// Exit codes, named in one place.
pub mod exit {
    /// Everything passed.
    pub const OK: u8 = 0;
    /// A case failed.
    pub const FAILED: u8 = 1;
    /// Bad input, bad usage or an internal error.
    pub const ERROR: u8 = 2;
}

/// Anything that stops jjo from running a case: bad input, not a failing comparison.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`")]
    Io {
        /// `read`, `write`, ...
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not UTF-8.
    #[error("{span}: not valid UTF-8")]
    NotUtf8 {
        /// Where the first bad byte is.
        span: Span,
    },
    /// A path given on the command line that is not a case.
    #[error("`{path}` is not a case directory (no `launcher.kubernetes.profiles.conf`)")]
    NotACase {
        /// The path.
        path: PathBuf,
    },
    /// A command line that cannot work.
    #[error("{message}")]
    Usage {
        /// What.
        message: String,
        /// What to do.
        hint: Option<String>,
    },
    /// A bug in jjo.
    #[error("internal error: {what}")]
    Internal {
        /// What went wrong.
        what: String,
    },
    /// A golden file that no case reads.
    #[error("`{path}` is not used by any case")]
    Unreferenced {
        /// The file.
        path: PathBuf,
    },
    /// Goldens may not be written here.
    #[error("refusing to write goldens: {why}")]
    BlessRefused {
        /// Why (`CI` is set).
        why: String,
    },
    /// A case file: case.yaml, a YAML file, an override path.
    #[error(transparent)]
    Case(#[from] crate::case::Error),
    /// The profiles file.
    #[error(transparent)]
    Profiles(#[from] crate::profiles::Error),
    /// The override list or an override file.
    #[error(transparent)]
    Overrides(#[from] crate::overrides::Error),
    /// The host's users and groups, or a profile section naming a group the host lacks.
    #[error(transparent)]
    Host(#[from] Located<crate::profiles::host::ErrorKind>),
    /// The resources file, or the resource profile a case picks.
    #[error(transparent)]
    Resources(#[from] Located<crate::profiles::resources::ErrorKind>),
    /// The session cannot be built with this profile.
    #[error(transparent)]
    Job(#[from] crate::job::Error),
    /// An override jjo refuses to apply.
    #[error(transparent)]
    Patch(#[from] crate::patch::Error),
    /// The predictor cannot work with the Job.
    #[error(transparent)]
    Predict(#[from] crate::predict::Error),
    /// A live run failed (API errors, timeouts, a backend that cannot start).
    #[cfg(feature = "cluster")]
    #[error(transparent)]
    Cluster(Box<crate::cluster::Error>),
    /// A golden with a bad placeholder (boxed: it is large and rare).
    #[error(transparent)]
    Golden(Box<Located<crate::compare::Error>>),
    /// A Helm values file the chart refuses (boxed: it is large and rare).
    #[error(transparent)]
    Helm(Box<crate::helm::Error>),
    /// A line of `launcher.kubernetes.conf`.
    #[error(transparent)]
    LauncherConf(#[from] crate::launcher_conf::Error),
    /// The case's templates make no Job (boxed: it is large and rare).
    #[error(transparent)]
    Template(Box<crate::template::launch::Error>),
}

/// A case that cannot be loaded is the error of the stage that refused it: each variant of
/// the case's error is the top-level variant of the same name, so ids, hints and words stay.
impl From<crate::case::LoadError> for Error {
    fn from(e: crate::case::LoadError) -> Error {
        use crate::case::LoadError as L;
        match e {
            L::Case(e) => Error::Case(e),
            L::Io {
                action,
                path,
                source,
            } => Error::Io {
                action,
                path,
                source,
            },
            L::NotUtf8 { span } => Error::NotUtf8 { span },
            L::NotACase { path } => Error::NotACase { path },
            L::Usage { message, hint } => Error::Usage { message, hint },
            L::Profiles(e) => Error::Profiles(e),
            L::Overrides(e) => Error::Overrides(e),
            L::Host(e) => Error::Host(e),
            L::Resources(e) => Error::Resources(e),
            L::Helm(e) => Error::Helm(e),
            L::LauncherConf(e) => Error::LauncherConf(e),
            L::Template(e) => Error::Template(e),
        }
    }
}

impl From<crate::helm::Error> for Error {
    fn from(e: crate::helm::Error) -> Error {
        Error::Helm(Box::new(e))
    }
}

impl From<crate::template::launch::Error> for Error {
    fn from(e: crate::template::launch::Error) -> Error {
        Error::Template(Box::new(e))
    }
}

impl Error {
    /// Where in the user's files the error is, when it knows: the one lookup every renderer
    /// (lint's GitHub and SARIF annotations, the JSON report) uses, so that no renderer
    /// matches variants of its own and a stage's error cannot lose its place in one of them.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::NotUtf8 { span } => Some(span),
            Error::Case(e) => Some(&e.span),
            Error::Profiles(e) => Some(&e.span),
            Error::Overrides(e) => Some(&e.span),
            Error::Host(e) => Some(&e.span),
            Error::Resources(e) => Some(&e.span),
            Error::Job(e) => e.span(),
            Error::Patch(e) => Some(&e.span),
            Error::Golden(e) => Some(&e.span),
            Error::Helm(e) => Some(&e.span),
            Error::LauncherConf(e) => Some(&e.span),
            Error::Template(e) => Some(&e.span),
            Error::Io { .. }
            | Error::NotACase { .. }
            | Error::Usage { .. }
            | Error::Internal { .. }
            | Error::Unreferenced { .. }
            | Error::BlessRefused { .. }
            | Error::Predict(_) => None,
            #[cfg(feature = "cluster")]
            Error::Cluster(_) => None,
        }
    }

    /// The JSON Pointer in the Job (or in an override's value) the error concerns, when it
    /// concerns one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::Overrides(e) => e.error.pointer(),
            Error::Patch(e) => e.error.pointer(),
            Error::Predict(e) => e.pointer(),
            _ => None,
        }
    }

    /// What is wrong, without the place [`Error::span`] gives (the error's `Display` is
    /// `{span}: {message}` when it has a span).
    pub fn message(&self) -> String {
        let text = self.to_string();
        match self.span() {
            Some(span) => match text.strip_prefix(&format!("{span}: ")) {
                Some(rest) => rest.to_owned(),
                None => text,
            },
            None => text,
        }
    }

    /// The hint to print after the error, if there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } => hint.clone(),
            Error::NotACase { .. } => Some(crate::case::NOT_A_CASE_HINT.into()),
            Error::Unreferenced { .. } => {
                Some("delete it, or move it into the case it belongs to".into())
            }
            Error::BlessRefused { .. } => Some("bless locally and commit the goldens".into()),
            Error::Case(e) => e.hint(),
            Error::Profiles(e) => e.hint(),
            Error::Overrides(e) => e.hint(),
            Error::Host(e) => e.hint(),
            Error::Resources(e) => e.hint(),
            Error::Job(e) => e.hint(),
            Error::Patch(e) => e.hint(),
            Error::Golden(e) => e.error.hint().map(str::to_string),
            Error::Helm(e) => e.hint(),
            Error::LauncherConf(e) => e.hint(),
            Error::Template(e) => e.hint(),
            #[cfg(feature = "cluster")]
            Error::Cluster(e) => e.hint(),
            Error::Io { .. }
            | Error::NotUtf8 { .. }
            | Error::Internal { .. }
            | Error::Predict(_) => None,
        }
    }

    /// A stable id for the error as a finding (README, "Finding ids"): the stage whose input
    /// is wrong, or the launcher's rule that stops the session.
    pub fn id(&self) -> &'static str {
        match self {
            Error::Io { .. } | Error::NotUtf8 { .. } => "unreadable",
            // The files jjo reads with their own syntax keep the one id README lists.
            Error::Helm(_) | Error::LauncherConf(_) | Error::Template(_) => "syntax",
            Error::NotACase { .. } | Error::Usage { .. } => "usage",
            Error::Internal { .. } => "internal",
            Error::Unreferenced { .. } => "unreferenced-golden",
            Error::BlessRefused { .. } => "bless-refused",
            Error::Case(_) => "case",
            Error::Profiles(_) => "profiles",
            Error::Overrides(_) => "overrides",
            Error::Host(_) => "host-db",
            Error::Resources(_) => "resource-profiles",
            Error::Job(e) => e.rule,
            Error::Patch(_) => "patch",
            Error::Predict(_) => "predict",
            #[cfg(feature = "cluster")]
            Error::Cluster(_) => "cluster",
            Error::Golden(_) => "golden",
        }
    }

    /// The exit code this error ends a run with.
    pub fn exit_code(&self) -> u8 {
        exit::ERROR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The accessors every renderer uses: a stage's error keeps its place and pointer, and
    /// its message is said once, without the place in front.
    #[test]
    fn a_patch_error_has_its_span_pointer_and_message_apart() {
        let e = Error::from(Located::new(
            Span::at("p.conf", 3, 20),
            crate::patch::ErrorKind::IndexTooLarge {
                pointer: "/a/10001".into(),
                index: "10001".into(),
                len: 0,
            },
        ));
        assert_eq!(e.span(), Some(&Span::at("p.conf", 3, 20)));
        assert_eq!(e.pointer(), Some("/a/10001"));
        assert!(
            e.to_string().starts_with("p.conf:3:20: refusing index"),
            "{e}"
        );
        assert!(
            e.message()
                .starts_with("refusing index 10001 of `/a/10001`"),
            "{e}"
        );
        assert!(e.hint().is_some_and(|h| h.contains("use `-` to append")));
    }

    #[test]
    fn an_error_without_a_place_keeps_its_whole_message() {
        let e = Error::Usage {
            message: "give a PATH".into(),
            hint: None,
        };
        assert_eq!((e.span(), e.pointer()), (None, None));
        assert_eq!(e.message(), "give a PATH");
    }
}
