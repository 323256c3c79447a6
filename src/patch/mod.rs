//! Applying overrides with the launcher's "set, creating what is missing" semantics
//! (RStudio's `setValueAtPointerPath` in `src/cpp/shared_core/json/Json.cpp`, over rapidjson's
//! `GenericPointer::Set` in `include/rapidjson/pointer.h`; README "The launcher's rules, in
//! brief"), and saying what each override did.
//!
//! The walk itself is in `set`; the warnings about fields the launcher depends on and about
//! security-relevant values (Posit's warning against overriding what the launcher sets,
//! https://docs.posit.co/job-launcher/latest/kube.html) are in `launcher` and `security`.
//! Validating the patched Job against Kubernetes is `validate`'s job, not this module's.

mod launcher;
mod security;
mod set;

#[cfg(test)]
mod proptests;

use serde_json::Value;

use crate::diag::Warning;
use crate::location::{Hint, Located};
use crate::overrides::Override;

/// The largest array index jjo pads to; the launcher would allocate anything, jjo refuses.
pub const MAX_INDEX: usize = 10_000;

/// What one override did to the Job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// `-` on an existing array added an element.
    Appended,
    /// The target existed and was overwritten.
    Replaced,
    /// The target did not exist and was created (with any missing parents).
    Created,
}

/// The outcome of one override, in the order the overrides were applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// What it did.
    pub effect: Effect,
    /// The pointer it wrote, `-` resolved to the index it appended at: where a finding about
    /// that part of the Job comes from.
    pub target: String,
    /// Quirks the admin probably did not mean, and launcher-owned fields it replaced.
    pub warnings: Vec<Warning>,
}

/// The patched Job and the effect of every override.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    /// The Job after all overrides.
    pub job: Value,
    /// One entry per override, same order.
    pub applied: Vec<Applied>,
}

/// An override the launcher could apply but jjo refuses to, at the override in the profiles
/// file.
pub type Error = Located<ErrorKind>;

/// Why jjo refuses an override (e.g. padding an array to a huge index); [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// An index past the end of an array and above [`MAX_INDEX`].
    #[error(
        "refusing index {index} of `{pointer}`: it pads an array of {len} past the limit of {MAX_INDEX}"
    )]
    IndexTooLarge {
        /// The override's pointer.
        pointer: String,
        /// The index token as written.
        index: String,
        /// The array's length before padding.
        len: usize,
    },
}

impl ErrorKind {
    /// The refused override's pointer.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            ErrorKind::IndexTooLarge { pointer, .. } => Some(pointer),
        }
    }
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::IndexTooLarge { len, .. } => Some(format!(
                "the launcher would pad the array with nulls up to that index; use `-` to append or an index up to {len}"
            )),
        }
    }
}

/// Applies `overrides` left to right to `base`.
pub fn apply(base: Value, overrides: &[Override]) -> Result<Patched, Error> {
    // The launcher's fields are those of the Job it built, before any override.
    let owned = launcher::owned_fields(&base);
    let mut job = base;
    let mut applied = Vec::with_capacity(overrides.len());
    for o in overrides {
        let before = launcher::snapshot(&owned, &job, o.pointer.tokens());
        let mut warnings = Vec::new();
        let (effect, target) = set::set(&mut job, o, &mut warnings)?;
        warnings.extend(launcher::check(&before, &job, o));
        warnings.extend(security::check(o));
        applied.push(Applied {
            effect,
            target,
            warnings,
        });
    }
    Ok(Patched { job, applied })
}

/// The value at `tokens` in `root`, walking arrays only by canonical index tokens.
pub(crate) fn get<'a>(root: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(root, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => set::index_token(t).and_then(|i| a.get(i)),
        _ => None,
    })
}

/// `tokens` written back as a pointer.
pub(crate) fn pointer_of(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", crate::overrides::escape_token(t)))
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    use crate::location::Span;
    use crate::overrides::{Override, Pointer};

    /// An override of `value` at `pointer`, written on line 3 of the profiles file.
    pub fn ov(pointer: &str, value: Value) -> Override {
        let pointer = match Pointer::parse(pointer) {
            Ok(p) => p,
            Err(e) => panic!("bad test pointer {pointer:?}: {e}"),
        };
        Override {
            pointer,
            path: "/etc/rstudio/o.json".to_owned(),
            file: "case/o.json".into(),
            within: None,
            span: Span::at("p.conf", 3, 20),
            value,
        }
    }
}
