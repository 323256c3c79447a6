//! Warnings as values, and the did-you-mean helper every stage uses for hints.
//!
//! Stages return warnings; only `report` prints them.

use std::fmt;

use crate::location::Span;

/// Something a user probably did not mean, which does not fail a case by itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// A stable id (README, "Finding ids"): what `--allow` names and machine output keys on.
    pub id: &'static str,
    /// Where in the user's files, when known.
    pub span: Option<Span>,
    /// The JSON Pointer in the Job it concerns, when it concerns one.
    pub pointer: Option<String>,
    /// What is wrong: a lowercase fragment, names in backticks.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Warning {
    /// A warning with its id and message only.
    pub fn new(id: &'static str, message: impl Into<String>) -> Warning {
        Warning {
            id,
            span: None,
            pointer: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Sets where the warning points in a file.
    pub fn at(mut self, span: Span) -> Warning {
        self.span = Some(span);
        self
    }

    /// Sets the JSON Pointer the warning concerns.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Warning {
        self.pointer = Some(pointer.into());
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Warning {
        self.hint = Some(hint.into());
        self
    }
}

impl Warning {
    /// The warning as one line without its hint, as `jjo lint`, `jjo test` and `jjo diff`
    /// print it: `file:line:col: message (at `pointer`) [id]`.
    pub fn head(&self) -> String {
        crate::location::finding_line(
            self.span.as_ref(),
            &self.message,
            self.pointer.as_deref(),
            self.id,
        )
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With the id, as `jjo test` and `jjo lint` print it (`cargo test`'s trials print this).
        write!(f, "{}", self.head())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Ids that named several findings before each finding got its own (README, "Finding
/// ids"): each still names all of them, so `--allow volumes` and `reason: volumes` written
/// for an older jjo keep working.
pub const ALIASES: &[(&str, &[&str])] = &[
    (
        "pod-spec",
        &[
            "restart-policy",
            "dns-policy",
            "containers-required",
            "container-name",
            "duplicate-container",
        ],
    ),
    (
        "volumes",
        &["volume-name", "duplicate-volume", "volume-sources"],
    ),
    (
        "container",
        &[
            "image-required",
            "image-whitespace",
            "image-pull-policy",
            "container-restart-policy",
        ],
    ),
    (
        "ports",
        &[
            "port-range",
            "port-protocol",
            "duplicate-host-port",
            "port-name",
            "duplicate-port-name",
        ],
    ),
    (
        "volume-mounts",
        &[
            "mount-name",
            "mount-without-volume",
            "mount-path",
            "duplicate-mount-path",
            "sub-path",
            "recursive-read-only",
        ],
    ),
    (
        "resources",
        &[
            "resource-name",
            "quantity",
            "request-above-limit",
            "overcommit",
        ],
    ),
    ("env", &["env-name", "duplicate-env"]),
    (
        "job-metadata",
        &[
            "job-name",
            "job-generate-name",
            "namespace",
            "label",
            "annotation",
        ],
    ),
    ("template-metadata", &["label", "annotation"]),
    ("privileged", &["sets-privileged"]),
    ("launcher-field", &["launcher-list"]),
];

/// Whether `name` (from `--allow` or a case's `reason:`, any case) names the finding id `id`:
/// the id itself, or an old id that covered it ([`ALIASES`]).
pub fn id_matches(name: &str, id: &str) -> bool {
    name.eq_ignore_ascii_case(id)
        || ALIASES.iter().any(|(old, ids)| {
            old.eq_ignore_ascii_case(name) && ids.iter().any(|i| i.eq_ignore_ascii_case(id))
        })
}

/// Whether `--allow` leaves findings with id `id` out.
pub fn allowed(allow: &[String], id: &str) -> bool {
    allow.iter().any(|a| id_matches(a, id))
}

/// The candidate closest to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word, &candidate.to_ascii_lowercase());
        // Ties keep the earlier candidate, so suggestions follow the order they are listed in.
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["privileged", "runAsUser", "capabilities"];
        assert_eq!(did_you_mean("priviliged", keys), Some("privileged"));
        assert_eq!(did_you_mean("runasuser", keys), Some("runAsUser"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn an_old_id_names_the_findings_it_covered_and_no_others() {
        assert!(id_matches("duplicate-volume", "duplicate-volume"));
        assert!(id_matches("volumes", "duplicate-volume"));
        assert!(id_matches("Volumes", "volume-sources"));
        assert!(!id_matches("volumes", "duplicate-env"));
        assert!(!id_matches("duplicate-volume", "volume-name"));
        assert!(allowed(&["privileged".into()], "sets-privileged"));
        assert!(!allowed(&["sets-privileged".into()], "privileged"));
    }
}
