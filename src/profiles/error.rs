//! What can be wrong in a profiles file.

use crate::location::Span;

/// A profiles file the launcher would refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// `[name` without the closing bracket.
    #[error("{span}: section header has no closing `]`")]
    MissingBracket {
        /// The `[`.
        span: Span,
    },
    /// `[*] x`: text after the header.
    #[error("{span}: unexpected `{text}` after section header")]
    TextAfterHeader {
        /// Where the text starts.
        span: Span,
        /// The text.
        text: String,
    },
    /// `[]` or `[@]`.
    #[error("{span}: section `[{name}]` names no user or group")]
    EmptySection {
        /// The header.
        span: Span,
        /// The text between the brackets.
        name: String,
    },
    /// A line that is neither a comment, a header nor `key=value`.
    #[error("{span}: expected `key=value`, found `{text}`")]
    NoEquals {
        /// The line.
        span: Span,
        /// The line's text.
        text: String,
        /// The line looks like `key: value`.
        colon: bool,
    },
    /// `=value`.
    #[error("{span}: `=` with no key before it")]
    EmptyKey {
        /// The line.
        span: Span,
    },
    /// A key set twice in one section.
    #[error("{span}: `{key}` is already set in this section on line {first_line}")]
    DuplicateKey {
        /// The second occurrence.
        span: Span,
        /// The key.
        key: String,
        /// The first occurrence's line.
        first_line: u32,
    },
    /// A section opened twice.
    #[error("{span}: section `[{name}]` already opened on line {first_line}")]
    DuplicateSection {
        /// The second header.
        span: Span,
        /// The section name.
        name: String,
        /// The first header's line.
        first_line: u32,
    },
    /// `key=value` before any `[section]`.
    #[error("{span}: `{key}` is set before any `[section]`")]
    KeyOutsideSection {
        /// The line.
        span: Span,
        /// The key.
        key: String,
    },
    /// A key the Kubernetes plugin does not know.
    #[error("{span}: unknown key `{key}`")]
    UnknownKey {
        /// The key.
        span: Span,
        /// The key as written.
        key: String,
        /// The closest known key.
        suggestion: Option<&'static str>,
    },
}

impl Error {
    /// Where in the profiles file.
    pub fn span(&self) -> &Span {
        match self {
            Error::MissingBracket { span }
            | Error::TextAfterHeader { span, .. }
            | Error::EmptySection { span, .. }
            | Error::NoEquals { span, .. }
            | Error::EmptyKey { span }
            | Error::DuplicateKey { span, .. }
            | Error::DuplicateSection { span, .. }
            | Error::KeyOutsideSection { span, .. }
            | Error::UnknownKey { span, .. } => span,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::MissingBracket { .. } => "close the section name with `]`, e.g. `[@staff]`".into(),
            Error::TextAfterHeader { .. } => "a header stands alone on its line; comments start a line with `#`".into(),
            Error::EmptySection { .. } => "use `[*]` for everyone, `[@group]` for a group, `[user]` for a user".into(),
            Error::NoEquals { colon: true, .. } => {
                "the launcher reads `key=value`, not `key: value` (some Helm docs print the latter)".into()
            }
            Error::NoEquals { .. } => "write `key=value`, or start a comment line with `#`".into(),
            Error::EmptyKey { .. } => return None,
            Error::DuplicateKey { .. } => "the launcher refuses duplicate keys; keep one line".into(),
            Error::DuplicateSection { .. } => "merge the two sections into one".into(),
            Error::KeyOutsideSection { .. } => "put it under `[*]` to apply it to everyone".into(),
            Error::UnknownKey { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            Error::UnknownKey { .. } => {
                "the launcher refuses unknown keys; `--allow-unknown-keys` accepts keys of newer launchers".into()
            }
        })
    }
}
