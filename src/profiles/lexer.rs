//! Reading a profiles file line by line as Boost `property_tree::read_ini` does (the SDK's
//! parser), then the checks the launcher or jjo adds on top: section names, known keys,
//! duplicates. Values are kept as written; nothing here interprets them.

use std::collections::HashMap;
use std::path::Path;

use super::keys::{KNOWN_KEYS, is_known_key};
use super::{Entry, ParseOptions, Profiles, Section, SectionKind};
use crate::diag::{Warning, did_you_mean};
use crate::location::Span;

/// A profiles file that cannot be read as the launcher would.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A line starting with `[` that has no `]`.
    #[error("{span}: missing `]` in section header")]
    UnclosedSection {
        /// The `[`.
        span: Span,
    },
    /// Something after the `]` of a section header (Boost drops it silently; jjo refuses).
    #[error("{span}: unexpected text `{text}` after section header `[{name}]`")]
    TextAfterSection {
        /// The first character after `]` that is not blank.
        span: Span,
        /// The section name.
        name: String,
        /// The text after `]`, trimmed.
        text: String,
    },
    /// `[]`: the SDK rejects an empty section name.
    #[error("{span}: empty section name `[]`")]
    EmptySection {
        /// The `[`.
        span: Span,
    },
    /// `[@]`: a group section without a group.
    #[error("{span}: empty group name in `[@]`")]
    EmptyGroup {
        /// The `[`.
        span: Span,
    },
    /// The same section name twice.
    #[error("{span}: duplicate section `[{name}]`, first opened on line {first_line}")]
    DuplicateSection {
        /// The second `[`.
        span: Span,
        /// The section name.
        name: String,
        /// The line of the first header with that name.
        first_line: u32,
    },
    /// A line that is neither blank, a comment, a header nor `key=value`.
    #[error("{span}: expected `key=value`, found `{text}`")]
    MissingEquals {
        /// The line's first character that is not blank.
        span: Span,
        /// The line, trimmed.
        text: String,
    },
    /// `=value` with nothing before the `=`.
    #[error("{span}: empty key before `=`")]
    EmptyKey {
        /// The `=`.
        span: Span,
    },
    /// A `key=value` line above the first section header.
    #[error("{span}: key `{key}` before any section header")]
    KeyOutsideSection {
        /// The key.
        span: Span,
        /// The key.
        key: String,
    },
    /// The same key twice in one section.
    #[error(
        "{span}: duplicate key `{key}` in section `[{section}]`, first set on line {first_line}"
    )]
    DuplicateKey {
        /// The second occurrence of the key.
        span: Span,
        /// The key.
        key: String,
        /// The section name.
        section: String,
        /// The line of the first occurrence.
        first_line: u32,
    },
    /// A key the Kubernetes plugin does not know (it would refuse to start).
    #[error("{span}: unknown key `{key}` in section `[{section}]`")]
    UnknownKey {
        /// The key.
        span: Span,
        /// The key as written.
        key: String,
        /// The section name.
        section: String,
        /// The closest known key, if one is close.
        suggestion: Option<String>,
    },
}

impl Error {
    /// Where in the profiles file the problem is.
    pub fn span(&self) -> &Span {
        match self {
            Error::UnclosedSection { span }
            | Error::TextAfterSection { span, .. }
            | Error::EmptySection { span }
            | Error::EmptyGroup { span }
            | Error::DuplicateSection { span, .. }
            | Error::MissingEquals { span, .. }
            | Error::EmptyKey { span }
            | Error::KeyOutsideSection { span, .. }
            | Error::DuplicateKey { span, .. }
            | Error::UnknownKey { span, .. } => span,
        }
    }

    /// What to do about it, when there is a likely fix (not part of `Display`).
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::UnclosedSection { .. } => {
                "end the section header with `]` on the same line".to_owned()
            }
            Error::TextAfterSection { text, .. } if text.starts_with(['#', ';']) => {
                "the profiles file has no trailing comments; put the comment on its own line"
                    .to_owned()
            }
            Error::TextAfterSection { .. } => {
                "put nothing after the `]` of a section header".to_owned()
            }
            Error::EmptySection { .. } => {
                "name the section `[*]` (everyone), `[@group]` (a Unix group) or `[user]` (one user)"
                    .to_owned()
            }
            Error::EmptyGroup { .. } => {
                "write the group name after `@`, as in `[@staff]`".to_owned()
            }
            Error::DuplicateSection { name, .. } => {
                format!("merge the two `[{name}]` sections into one")
            }
            Error::MissingEquals { text, .. } => match colon_pair(text) {
                Some((key, value)) => format!(
                    "the launcher needs `key=value`, not `key: value`; write `{key}={value}`"
                ),
                None => "each line must be a `[section]` header, a `key=value` pair, or a \
                         comment starting with `#` or `;`"
                    .to_owned(),
            },
            Error::EmptyKey { .. } => "write the key before `=`, as in `max-cpus=4`".to_owned(),
            Error::KeyOutsideSection { .. } => {
                "add a section header above it, such as `[*]` for everyone".to_owned()
            }
            Error::DuplicateKey { key, .. } => {
                format!("the launcher refuses a key set twice in one section; keep one `{key}=` line")
            }
            Error::UnknownKey { suggestion: Some(known), .. } => {
                format!("did you mean `{known}`?")
            }
            Error::UnknownKey { suggestion: None, .. } => {
                "the Kubernetes plugin refuses to start on a key it does not know".to_owned()
            }
        })
    }
}

/// `key: value` split at the first `:`, when the part before it looks like a key.
fn colon_pair(text: &str) -> Option<(&str, &str)> {
    let (key, value) = text.split_once(':')?;
    let key = trim(key);
    let looks_like_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    looks_like_key.then(|| (key, trim(value)))
}

/// The blanks Boost trims: `std::isspace` in the C locale (Rust's `trim` also strips Unicode
/// spaces such as U+00A0, which Boost keeps in the value).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// Trims Boost's blanks from both ends.
fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// The 1-based character column of byte offset `byte` in `line`.
fn column(line: &str, byte: usize) -> u32 {
    let chars = line.get(..byte).map_or(0, |prefix| prefix.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// What one line of the file is, with byte offsets into the raw line.
#[derive(Debug, PartialEq)]
enum Line<'a> {
    /// Blank or a comment.
    Skip,
    /// `[name]`; `open` is the offset of `[`.
    Header { name: &'a str, open: usize },
    /// `key=value`; offsets of the key's and the value's first characters.
    Pair {
        key: &'a str,
        value: &'a str,
        key_at: usize,
        value_at: usize,
    },
}

/// Lexical errors of one line, before a file name and line number are attached.
#[derive(Debug, PartialEq)]
enum LineError<'a> {
    Unclosed {
        open: usize,
    },
    TextAfter {
        name: &'a str,
        text: &'a str,
        at: usize,
    },
    NoEquals {
        text: &'a str,
        at: usize,
    },
    EmptyKey {
        at: usize,
    },
}

/// Classifies one raw line (without its `\n`) as Boost's `read_ini` does.
fn lex_line(raw: &str) -> Result<Line<'_>, LineError<'_>> {
    let start = raw.len() - raw.trim_start_matches(is_space).len();
    let body = trim(raw);
    if body.is_empty() || body.starts_with([';', '#']) {
        return Ok(Line::Skip);
    }
    if let Some(inner) = body.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Err(LineError::Unclosed { open: start });
        };
        let name = trim(&inner[..close]);
        let after = &inner[close + 1..];
        let text = trim(after);
        if !text.is_empty() {
            // `body` is trimmed at the end, so only leading blanks precede `text` in `after`.
            let at =
                start + 1 + close + 1 + (after.len() - after.trim_start_matches(is_space).len());
            return Err(LineError::TextAfter { name, text, at });
        }
        return Ok(Line::Header { name, open: start });
    }
    let Some(eq) = body.find('=') else {
        return Err(LineError::NoEquals {
            text: body,
            at: start,
        });
    };
    let key = trim(&body[..eq]);
    if key.is_empty() {
        return Err(LineError::EmptyKey { at: start + eq });
    }
    let rest = &body[eq + 1..];
    let value = trim(rest);
    let value_at = start + eq + 1 + (rest.len() - rest.trim_start_matches(is_space).len());
    Ok(Line::Pair {
        key,
        value,
        key_at: start,
        value_at,
    })
}

/// Who a section name applies to, or the error for `[]` and `[@]`.
fn section_kind(name: &str, span: &Span) -> Result<SectionKind, Error> {
    match name {
        "" => Err(Error::EmptySection { span: span.clone() }),
        "@" => Err(Error::EmptyGroup { span: span.clone() }),
        "*" => Ok(SectionKind::All),
        // The SDK keeps everything after `@` as the group name, blanks included.
        _ => Ok(match name.strip_prefix('@') {
            Some(group) => SectionKind::Group(group.to_owned()),
            None => SectionKind::User(name.to_owned()),
        }),
    }
}

/// Where `value` seems to carry a trailing comment: a `#` or `;` after a blank.
fn trailing_comment(value: &str) -> Option<usize> {
    let mut prev_blank = false;
    for (i, c) in value.chars().enumerate() {
        if prev_blank && (c == '#' || c == ';') {
            return Some(i);
        }
        prev_blank = is_space(c);
    }
    None
}

/// Parses a profiles file; `file` is the path shown in messages.
pub fn parse(
    file: &Path,
    text: &str,
    opts: ParseOptions,
) -> Result<(Profiles, Vec<Warning>), Error> {
    // Editors on Windows add a BOM; Boost's file reader skips it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section> = Vec::new();
    let mut first_header: HashMap<&str, u32> = HashMap::new();
    let mut warnings = Vec::new();

    // Boost reads with `std::getline`, so only `\n` ends a line; a `\r` before it is a blank.
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let at = |byte: usize| Span::at(file, line_no, column(raw, byte));
        let line = lex_line(raw).map_err(|e| match e {
            LineError::Unclosed { open } => Error::UnclosedSection { span: at(open) },
            LineError::TextAfter {
                name,
                text,
                at: byte,
            } => Error::TextAfterSection {
                span: at(byte),
                name: name.to_owned(),
                text: text.to_owned(),
            },
            LineError::NoEquals { text, at: byte } => Error::MissingEquals {
                span: at(byte),
                text: text.to_owned(),
            },
            LineError::EmptyKey { at: byte } => Error::EmptyKey { span: at(byte) },
        })?;
        match line {
            Line::Skip => {}
            Line::Header { name, open } => {
                let span = at(open);
                let kind = section_kind(name, &span)?;
                if let Some(&first_line) = first_header.get(name) {
                    return Err(Error::DuplicateSection {
                        span,
                        name: name.to_owned(),
                        first_line,
                    });
                }
                first_header.insert(name, line_no);
                sections.push(Section {
                    name: name.to_owned(),
                    kind,
                    span,
                    entries: Vec::new(),
                });
            }
            Line::Pair {
                key,
                value,
                key_at,
                value_at,
            } => {
                let span = at(key_at);
                let Some(section) = sections.last_mut() else {
                    return Err(Error::KeyOutsideSection {
                        span,
                        key: key.to_owned(),
                    });
                };
                if let Some(first) = section.entries.iter().find(|e| e.key == key) {
                    return Err(Error::DuplicateKey {
                        span,
                        key: key.to_owned(),
                        section: section.name.clone(),
                        first_line: first.span.line,
                    });
                }
                if !is_known_key(key) {
                    let suggestion =
                        did_you_mean(key, KNOWN_KEYS.iter().copied()).map(str::to_owned);
                    let error = Error::UnknownKey {
                        span: span.clone(),
                        key: key.to_owned(),
                        section: section.name.clone(),
                        suggestion,
                    };
                    if !opts.allow_unknown_keys {
                        return Err(error);
                    }
                    let mut warning = Warning::new(format!(
                        "unknown key `{key}` in section `[{}]` is kept; a launcher that does \
                         not know it refuses to start",
                        section.name
                    ))
                    .at(span.clone());
                    if let Some(hint) = error.hint() {
                        warning = warning.hint(hint);
                    }
                    warnings.push(warning);
                }
                let value_span = at(value_at);
                if let Some(offset) = trailing_comment(value) {
                    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
                    warnings.push(
                        Warning::new(format!(
                            "value of `{key}` contains what looks like a trailing comment; the \
                             profiles file has none, so it is part of the value"
                        ))
                        .at(value_span.shifted(offset))
                        .hint("move the comment to its own line, starting with `#` or `;`"),
                    );
                }
                section.entries.push(Entry {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    span,
                    value_span,
                });
            }
        }
    }
    Ok((Profiles { sections }, warnings))
}
