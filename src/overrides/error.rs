//! Why a `job-json-overrides` list, a pointer or an override file cannot be read.

use std::fmt;

use crate::location::Span;

/// A list or a file that cannot be read as the launcher would.
///
/// Every variant carries where it happened; pointer errors get their span once the pointer is
/// known to come from a list (a bare [`Pointer::parse`](super::Pointer::parse) has none).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The value holds no pair at all.
    EmptyList {
        /// Where the value starts.
        span: Span,
    },
    /// A `"` is never closed.
    UnterminatedQuote {
        /// The opening quote.
        span: Span,
    },
    /// A pointer is not followed by `:` and a path (`"/a","/f"` or `"/a"`).
    MissingColon {
        /// Where the `:` was expected.
        span: Span,
        /// The pointer without a file.
        pointer: String,
    },
    /// The list ends right after a `:`.
    MissingPath {
        /// Where the path was expected.
        span: Span,
        /// The pointer without a file.
        pointer: String,
    },
    /// A character that cannot appear where it is.
    UnexpectedChar {
        /// The character.
        span: Span,
        /// What was found.
        found: char,
        /// What the grammar expected there, for the message.
        expected: &'static str,
    },
    /// The list ends with `,`.
    TrailingComma {
        /// The last comma.
        span: Span,
    },
    /// A quoted token is not a valid JSON string literal (a bad `\` escape, a control character).
    BadString {
        /// Where in the token.
        span: Span,
        /// The token as written, quotes included.
        token: String,
        /// What serde_json said.
        reason: String,
    },
    /// A pointer that is neither empty nor starts with `/`.
    PointerNotAbsolute {
        /// The pointer in the profiles file, when it came from one.
        span: Option<Span>,
        /// The pointer as written.
        pointer: String,
    },
    /// A `~` not followed by `0` or `1`.
    PointerEscape {
        /// The `~` in the profiles file, when the pointer came from one.
        span: Option<Span>,
        /// The pointer as written.
        pointer: String,
        /// The `~`'s offset in the pointer, in characters from 0.
        offset: usize,
        /// The character after the `~`, if any.
        found: Option<char>,
    },
    /// An override file with nothing but whitespace.
    EmptyFile {
        /// The file.
        span: Span,
    },
    /// An override file that is not UTF-8.
    NotUtf8 {
        /// The first bad byte's line and column.
        span: Span,
        /// The first bad byte, from 0.
        offset: usize,
    },
    /// `"key": value` without braces.
    Fragment {
        /// The `:` after the key.
        span: Span,
        /// The file's text wrapped in `{ }`.
        corrected: String,
    },
    /// A second value or other text after the one JSON value.
    TrailingCharacters {
        /// Where the extra text starts.
        span: Span,
        /// The line it is on, trimmed.
        line: String,
    },
    /// Anything else serde_json rejects.
    Syntax {
        /// Where serde_json stopped.
        span: Span,
        /// serde_json's message without its position.
        message: String,
        /// A hint for a known mistake (YAML, comments, a byte order mark).
        hint: Option<String>,
    },
}

impl Error {
    /// Where the error is, when known.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::EmptyList { span }
            | Error::UnterminatedQuote { span }
            | Error::MissingColon { span, .. }
            | Error::MissingPath { span, .. }
            | Error::UnexpectedChar { span, .. }
            | Error::TrailingComma { span }
            | Error::BadString { span, .. }
            | Error::EmptyFile { span }
            | Error::NotUtf8 { span, .. }
            | Error::Fragment { span, .. }
            | Error::TrailingCharacters { span, .. }
            | Error::Syntax { span, .. } => Some(span),
            Error::PointerNotAbsolute { span, .. } | Error::PointerEscape { span, .. } => {
                span.as_ref()
            }
        }
    }

    /// The pointer the error concerns, when there is one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::MissingColon { pointer, .. }
            | Error::MissingPath { pointer, .. }
            | Error::PointerNotAbsolute { pointer, .. }
            | Error::PointerEscape { pointer, .. } => Some(pointer),
            _ => None,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::EmptyList { .. } => Some(
                "write `\"/pointer\":\"/etc/rstudio/job-json-overrides/file.json\"` pairs separated by `,`, or remove the key"
                    .to_owned(),
            ),
            Error::UnterminatedQuote { .. } => Some("close the string with `\"`".to_owned()),
            Error::MissingColon { pointer, .. } | Error::MissingPath { pointer, .. } => Some(format!(
                "each pointer needs a file: `{}:\"/etc/rstudio/job-json-overrides/file.json\"`",
                quote(pointer)
            )),
            Error::UnexpectedChar { found, .. } => unexpected_char_hint(*found),
            Error::TrailingComma { .. } => Some("remove the last `,`".to_owned()),
            Error::BadString { .. } => {
                Some("tokens are JSON strings: write `\\\\` for `\\` and `\\\"` for `\"`".to_owned())
            }
            Error::PointerNotAbsolute { pointer, .. } => {
                let fixed = match pointer.strip_prefix('#') {
                    Some(rest) if rest.starts_with('/') => rest.to_owned(),
                    _ => format!("/{pointer}"),
                };
                Some(format!("did you mean `{fixed}`?"))
            }
            Error::PointerEscape { .. } => {
                Some("write `~0` for `~` and `~1` for `/`; no other `~` escape exists".to_owned())
            }
            Error::EmptyFile { .. } => Some(
                "an override file holds one JSON value: an object, an array, a quoted string, a number or a bool"
                    .to_owned(),
            ),
            Error::NotUtf8 { .. } => Some("save the file as UTF-8".to_owned()),
            Error::Fragment { corrected, .. } => Some(format!("wrap it in `{{ }}`: `{corrected}`")),
            Error::TrailingCharacters { .. } => Some(
                "a file holds exactly one JSON value; put several in one array `[ ]` or one object `{ }`"
                    .to_owned(),
            ),
            Error::Syntax { hint, .. } => hint.clone(),
        }
    }

    /// Gives a pointer error the place its pointer was written.
    pub(crate) fn with_pointer_span(self, at: Span) -> Error {
        match self {
            Error::PointerNotAbsolute { pointer, .. } => Error::PointerNotAbsolute {
                span: Some(at),
                pointer,
            },
            Error::PointerEscape {
                pointer,
                offset,
                found,
                ..
            } => Error::PointerEscape {
                span: Some(at),
                pointer,
                offset,
                found,
            },
            other => other,
        }
    }

    fn message(&self) -> String {
        match self {
            Error::EmptyList { .. } => "empty `job-json-overrides` list".to_owned(),
            Error::UnterminatedQuote { .. } => "unterminated quote".to_owned(),
            Error::MissingColon { pointer, .. } => {
                format!("pointer `{pointer}` has no file: expected `:` and a quoted path")
            }
            Error::MissingPath { pointer, .. } => {
                format!("pointer `{pointer}` has no file: expected a quoted path after `:`")
            }
            Error::UnexpectedChar {
                found, expected, ..
            } => {
                format!("unexpected `{}`, expected {expected}", shown(*found))
            }
            Error::TrailingComma { .. } => "trailing comma".to_owned(),
            Error::BadString { token, reason, .. } => format!("invalid string `{token}`: {reason}"),
            Error::PointerNotAbsolute { pointer, .. } => {
                format!("pointer `{pointer}` must be empty or start with `/`")
            }
            Error::PointerEscape {
                pointer,
                offset,
                found,
                ..
            } => match found {
                Some(c) => format!(
                    "invalid escape `~{}` at offset {offset} in pointer `{pointer}`",
                    shown(*c)
                ),
                None => format!("`~` at the end of pointer `{pointer}` (offset {offset})"),
            },
            Error::EmptyFile { .. } => "empty file: expected one JSON value".to_owned(),
            Error::NotUtf8 { offset, .. } => format!("not UTF-8: invalid byte at offset {offset}"),
            Error::Fragment { .. } => {
                "a JSON fragment, not a value: a key and `:` without the braces of an object"
                    .to_owned()
            }
            Error::TrailingCharacters { line, .. } => {
                format!("more than one JSON value: text after the value in `{line}`")
            }
            Error::Syntax { message, .. } => format!("invalid JSON: {message}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = self.span() {
            write!(f, "{span}: ")?;
        }
        f.write_str(&self.message())
    }
}

/// A string as a JSON literal, for hints that show corrected list text.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A character as written, with control characters escaped so that messages stay on one line.
fn shown(c: char) -> String {
    if c.is_control() {
        c.escape_debug().to_string()
    } else {
        c.to_string()
    }
}

fn unexpected_char_hint(found: char) -> Option<String> {
    match found {
        // Only reachable right after a path: the next pair lacks its separator.
        '"' => Some("separate pairs with `,`".to_owned()),
        '\'' => Some("use double quotes `\"`: each token is a JSON string".to_owned()),
        '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' => {
            Some("replace typographic quotes with plain `\"`".to_owned())
        }
        '=' => Some("pairs are written `\"pointer\":\"path\"`, with `:`".to_owned()),
        c if c == '/' || c.is_alphanumeric() => Some(
            "quote it: every pointer and every path is a JSON string in double quotes".to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prefixes_the_span_and_omits_the_hint() {
        let e = Error::TrailingComma {
            span: Span::at("p.conf", 4, 30),
        };
        assert_eq!(e.to_string(), "p.conf:4:30: trailing comma");
        assert!(e.hint().is_some());
    }

    #[test]
    fn characters_are_shown_as_written_except_control_characters() {
        let at = Span::at("p.conf", 1, 1);
        let e = Error::UnexpectedChar {
            span: at.clone(),
            found: '"',
            expected: "`,`",
        };
        assert_eq!(e.to_string(), "p.conf:1:1: unexpected `\"`, expected `,`");
        let e = Error::UnexpectedChar {
            span: at,
            found: '\t',
            expected: "`,`",
        };
        assert_eq!(e.to_string(), "p.conf:1:1: unexpected `\\t`, expected `,`");
    }

    #[test]
    fn display_without_span_is_the_message() {
        let e = Error::PointerNotAbsolute {
            span: None,
            pointer: "a".to_owned(),
        };
        assert_eq!(e.to_string(), "pointer `a` must be empty or start with `/`");
        assert_eq!(e.span(), None);
        assert_eq!(e.pointer(), Some("a"));
    }

    #[test]
    fn with_pointer_span_fills_the_span_of_pointer_errors_only() {
        let at = Span::at("p.conf", 2, 5);
        let e = Error::PointerNotAbsolute {
            span: None,
            pointer: "a".to_owned(),
        };
        assert_eq!(e.with_pointer_span(at.clone()).span(), Some(&at));
        let other = Error::TrailingComma {
            span: Span::at("p.conf", 1, 1),
        };
        assert_eq!(
            other.with_pointer_span(at).span(),
            Some(&Span::at("p.conf", 1, 1))
        );
    }
}
