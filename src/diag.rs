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

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = &self.span {
            write!(f, "{span}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at `{pointer}`)")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
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
}
