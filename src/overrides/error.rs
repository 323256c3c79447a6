//! Why a `job-json-overrides` list, a pointer or an override file cannot be read.

use std::fmt;

use crate::location::{Hint, Located};

/// A list or a file that cannot be read as the launcher would, with the place it concerns.
pub type Error = Located<ErrorKind>;

/// What is wrong with a list or an override file; [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// The value holds no pair at all (points at the value).
    EmptyList,
    /// A `"` is never closed (points at the opening quote).
    UnterminatedQuote,
    /// A pointer is not followed by `:` and a path (`"/a","/f"` or `"/a"`).
    MissingColon {
        /// The pointer without a file.
        pointer: String,
    },
    /// The list ends right after a `:`.
    MissingPath {
        /// The pointer without a file.
        pointer: String,
    },
    /// A character that cannot appear where it is.
    UnexpectedChar {
        /// What was found.
        found: char,
        /// What the grammar expected there, for the message.
        expected: &'static str,
    },
    /// The list ends with `,` (points at the last comma).
    TrailingComma,
    /// A quoted token is not a valid JSON string literal (a bad `\` escape, a control character).
    BadString {
        /// The token as written, quotes included.
        token: String,
        /// What serde_json said.
        reason: String,
    },
    /// A pointer that cannot be parsed (points at the pointer, or its bad `~`).
    Pointer(PointerError),
    /// An override file with nothing but whitespace.
    EmptyFile,
    /// An override file that is not UTF-8 (points at the first bad byte's line and column).
    NotUtf8 {
        /// The first bad byte, from 0.
        offset: usize,
    },
    /// `"key": value` without braces (points at the `:` after the key).
    Fragment {
        /// The file's text wrapped in `{ }`.
        corrected: String,
    },
    /// A second value or other text after the one JSON value.
    TrailingCharacters {
        /// The line it is on, trimmed.
        line: String,
    },
    /// Anything else serde_json rejects (points where serde_json stopped).
    Syntax {
        /// serde_json's message without its position.
        message: String,
        /// A hint for a known mistake (YAML, comments, a byte order mark).
        hint: Option<String>,
    },
}

/// A JSON Pointer that cannot be parsed; [`Pointer::parse`](super::Pointer::parse) has no place
/// for it, the list parser adds one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    /// A pointer that is neither empty nor starts with `/`.
    #[error("pointer `{pointer}` must be empty or start with `/`")]
    NotAbsolute {
        /// The pointer as written.
        pointer: String,
    },
    /// A `~` not followed by `0` or `1`.
    #[error("{}", escape_message(pointer, *offset, *found))]
    Escape {
        /// The pointer as written.
        pointer: String,
        /// The `~`'s offset in the pointer, in characters from 0.
        offset: usize,
        /// The character after the `~`, if any.
        found: Option<char>,
    },
    /// A `%` in a URI fragment pointer that does not start `%XX` escapes of one UTF-8 character.
    #[error("invalid percent-encoding at offset {offset} in pointer `{pointer}`")]
    PercentEncoding {
        /// The pointer as written.
        pointer: String,
        /// The `%`'s offset in the pointer, in characters from 0.
        offset: usize,
    },
    /// A character a URI fragment pointer must write as `%XX`.
    #[error("`{}` at offset {offset} must be percent-encoded in pointer `{pointer}`", shown(*found))]
    MustPercentEncode {
        /// The pointer as written.
        pointer: String,
        /// The character's offset in the pointer, in characters from 0.
        offset: usize,
        /// The character.
        found: char,
    },
}

fn escape_message(pointer: &str, offset: usize, found: Option<char>) -> String {
    match found {
        Some(c) => format!(
            "invalid escape `~{}` at offset {offset} in pointer `{pointer}`",
            shown(c)
        ),
        None => format!("`~` at the end of pointer `{pointer}` (offset {offset})"),
    }
}

impl PointerError {
    /// The pointer as written.
    pub fn pointer(&self) -> &str {
        match self {
            PointerError::NotAbsolute { pointer }
            | PointerError::Escape { pointer, .. }
            | PointerError::PercentEncoding { pointer, .. }
            | PointerError::MustPercentEncode { pointer, .. } => pointer,
        }
    }

    /// Where in the pointer the problem is, in characters from 0, when it is one character.
    pub fn offset(&self) -> Option<usize> {
        match self {
            PointerError::NotAbsolute { .. } => None,
            PointerError::Escape { offset, .. }
            | PointerError::PercentEncoding { offset, .. }
            | PointerError::MustPercentEncode { offset, .. } => Some(*offset),
        }
    }
}

impl Hint for PointerError {
    fn hint(&self) -> Option<String> {
        match self {
            PointerError::NotAbsolute { pointer } => {
                let fixed = match pointer.strip_prefix('#') {
                    Some(rest) => format!("#/{rest}"),
                    None => format!("/{pointer}"),
                };
                Some(format!("did you mean `{fixed}`?"))
            }
            PointerError::Escape { .. } => {
                Some("write `~0` for `~` and `~1` for `/`; no other `~` escape exists".to_owned())
            }
            PointerError::PercentEncoding { .. } => Some(
                "in a `#` pointer `%` starts two hex digits of a UTF-8 byte; write `%` itself as `%25`"
                    .to_owned(),
            ),
            PointerError::MustPercentEncode { found, .. } => {
                let mut buf = [0; 4];
                let encoded: String = found
                    .encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect();
                Some(format!(
                    "write `{}` as `{encoded}`, or drop the `#` and write a plain pointer",
                    shown(*found)
                ))
            }
        }
    }
}

impl ErrorKind {
    /// The pointer the error concerns, when there is one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            ErrorKind::MissingColon { pointer } | ErrorKind::MissingPath { pointer } => {
                Some(pointer)
            }
            ErrorKind::Pointer(e) => Some(e.pointer()),
            _ => None,
        }
    }
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::EmptyList => Some(
                "write `\"/pointer\":\"/etc/rstudio/job-json-overrides/file.json\"` pairs separated by `,`, or remove the key"
                    .to_owned(),
            ),
            ErrorKind::UnterminatedQuote => Some("close the string with `\"`".to_owned()),
            ErrorKind::MissingColon { pointer } | ErrorKind::MissingPath { pointer } => Some(format!(
                "each pointer needs a file: `{}:\"/etc/rstudio/job-json-overrides/file.json\"`",
                quote(pointer)
            )),
            ErrorKind::UnexpectedChar { found, .. } => unexpected_char_hint(*found),
            ErrorKind::TrailingComma => Some("remove the last `,`".to_owned()),
            ErrorKind::BadString { .. } => {
                Some("tokens are JSON strings: write `\\\\` for `\\` and `\\\"` for `\"`".to_owned())
            }
            ErrorKind::Pointer(e) => e.hint(),
            ErrorKind::EmptyFile => Some(
                "an override file holds one JSON value: an object, an array, a quoted string, a number or a bool"
                    .to_owned(),
            ),
            ErrorKind::NotUtf8 { .. } => Some("save the file as UTF-8".to_owned()),
            ErrorKind::Fragment { corrected } => Some(format!("wrap it in `{{ }}`: `{corrected}`")),
            ErrorKind::TrailingCharacters { .. } => Some(
                "a file holds exactly one JSON value; put several in one array `[ ]` or one object `{ }`"
                    .to_owned(),
            ),
            ErrorKind::Syntax { hint, .. } => hint.clone(),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::EmptyList => f.write_str("empty `job-json-overrides` list"),
            ErrorKind::UnterminatedQuote => f.write_str("unterminated quote"),
            ErrorKind::MissingColon { pointer } => {
                write!(
                    f,
                    "pointer `{pointer}` has no file: expected `:` and a quoted path"
                )
            }
            ErrorKind::MissingPath { pointer } => {
                write!(
                    f,
                    "pointer `{pointer}` has no file: expected a quoted path after `:`"
                )
            }
            ErrorKind::UnexpectedChar { found, expected } => {
                write!(f, "unexpected `{}`, expected {expected}", shown(*found))
            }
            ErrorKind::TrailingComma => f.write_str("trailing comma"),
            ErrorKind::BadString { token, reason } => {
                write!(f, "invalid string `{token}`: {reason}")
            }
            ErrorKind::Pointer(e) => write!(f, "{e}"),
            ErrorKind::EmptyFile => f.write_str("empty file: expected one JSON value"),
            ErrorKind::NotUtf8 { offset } => {
                write!(f, "not UTF-8: invalid byte at offset {offset}")
            }
            ErrorKind::Fragment { .. } => f.write_str(
                "a JSON fragment, not a value: a key and `:` without the braces of an object",
            ),
            ErrorKind::TrailingCharacters { line } => {
                write!(
                    f,
                    "more than one JSON value: text after the value in `{line}`"
                )
            }
            ErrorKind::Syntax { message, .. } => write!(f, "invalid JSON: {message}"),
        }
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
    use crate::location::Span;

    #[test]
    fn display_prefixes_the_span_and_omits_the_hint() {
        let e = Located::new(Span::at("p.conf", 4, 30), ErrorKind::TrailingComma);
        assert_eq!(e.to_string(), "p.conf:4:30: trailing comma");
        assert!(e.hint().is_some());
    }

    #[test]
    fn characters_are_shown_as_written_except_control_characters() {
        let e = ErrorKind::UnexpectedChar {
            found: '"',
            expected: "`,`",
        };
        assert_eq!(e.to_string(), "unexpected `\"`, expected `,`");
        let e = ErrorKind::UnexpectedChar {
            found: '\t',
            expected: "`,`",
        };
        assert_eq!(e.to_string(), "unexpected `\\t`, expected `,`");
    }

    #[test]
    fn a_pointer_error_alone_is_its_message() {
        let e = PointerError::NotAbsolute {
            pointer: "a".to_owned(),
        };
        assert_eq!(e.to_string(), "pointer `a` must be empty or start with `/`");
        let kind = ErrorKind::Pointer(e);
        assert_eq!(kind.pointer(), Some("a"));
        assert_eq!(
            kind.to_string(),
            "pointer `a` must be empty or start with `/`"
        );
    }
}
