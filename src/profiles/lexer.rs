//! Reading a profiles file line by line as Boost `property_tree::read_ini` does (the SDK's
//! parser), then the checks the launcher or jjo adds on top: section names, known keys,
//! duplicates. Values are kept as written; nothing here interprets them.

use std::collections::HashMap;
use std::path::Path;

use super::keys::{KNOWN_KEYS, is_known_key};
use super::{Entry, ParseOptions, Profiles, Section, SectionKind};
use crate::diag::{Warning, did_you_mean};
use crate::location::{Hint, Located, Span};

/// A profiles file that cannot be read as the launcher would, with the place in the file.
pub type Error = Located<ErrorKind>;

/// What is wrong with a profiles file; [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// A line starting with `[` that has no `]` (points at the `[`).
    #[error("missing `]` in section header")]
    UnclosedSection,
    /// Something after the `]` of a section header (Boost drops it silently; jjo refuses);
    /// points at the first character after `]` that is not blank.
    #[error("unexpected text `{text}` after section header `[{name}]`")]
    TextAfterSection {
        /// The section name.
        name: String,
        /// The text after `]`, trimmed.
        text: String,
    },
    /// `[]`: the SDK rejects an empty section name.
    #[error("empty section name `[]`")]
    EmptySection,
    /// `[@]`: a group section without a group.
    #[error("empty group name in `[@]`")]
    EmptyGroup,
    /// The same section name twice (points at the second `[`).
    #[error("duplicate section `[{name}]`, first opened on line {first_line}")]
    DuplicateSection {
        /// The section name.
        name: String,
        /// The line of the first header with that name.
        first_line: u32,
    },
    /// A line that is neither blank, a comment, a header nor `key=value`.
    #[error("expected `key=value`, found `{text}`")]
    MissingEquals {
        /// The line, trimmed.
        text: String,
    },
    /// `=value` with nothing before the `=` (points at the `=`).
    #[error("empty key before `=`")]
    EmptyKey,
    /// A `key=value` line above the first section header.
    #[error("key `{key}` before any section header")]
    KeyOutsideSection {
        /// The key.
        key: String,
    },
    /// The same key twice in one section (points at the second occurrence).
    #[error("duplicate key `{key}` in section `[{section}]`, first set on line {first_line}")]
    DuplicateKey {
        /// The key.
        key: String,
        /// The section name.
        section: String,
        /// The line of the first occurrence.
        first_line: u32,
    },
    /// A key the Kubernetes plugin does not know (it would refuse to start).
    #[error("unknown key `{key}` in section `[{section}]`")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The section name.
        section: String,
        /// The closest known key, if one is close.
        suggestion: Option<String>,
    },
}

impl Hint for ErrorKind {
    /// What to do about it, when there is a likely fix (not part of `Display`).
    fn hint(&self) -> Option<String> {
        Some(match self {
            ErrorKind::UnclosedSection => {
                "end the section header with `]` on the same line".to_owned()
            }
            ErrorKind::TextAfterSection { text, .. } if text.starts_with(['#', ';']) => {
                "the profiles file has no trailing comments; put the comment on its own line"
                    .to_owned()
            }
            ErrorKind::TextAfterSection { .. } => {
                "put nothing after the `]` of a section header".to_owned()
            }
            ErrorKind::EmptySection => {
                "name the section `[*]` (everyone), `[@group]` (a Unix group) or `[user]` (one user)"
                    .to_owned()
            }
            ErrorKind::EmptyGroup => "write the group name after `@`, as in `[@staff]`".to_owned(),
            ErrorKind::DuplicateSection { name, .. } => {
                format!("merge the two `[{name}]` sections into one")
            }
            ErrorKind::MissingEquals { text } => match colon_pair(text) {
                Some((key, value)) => format!(
                    "the launcher needs `key=value`, not `key: value`; write `{key}={value}`"
                ),
                None => "each line must be a `[section]` header, a `key=value` pair, or a \
                         comment starting with `#` or `;`"
                    .to_owned(),
            },
            ErrorKind::EmptyKey => "write the key before `=`, as in `max-cpus=4`".to_owned(),
            ErrorKind::KeyOutsideSection { .. } => {
                "add a section header above it, such as `[*]` for everyone".to_owned()
            }
            ErrorKind::DuplicateKey { key, .. } => {
                format!("the launcher refuses a key set twice in one section; keep one `{key}=` line")
            }
            ErrorKind::UnknownKey {
                suggestion: Some(known),
                ..
            } => {
                format!("did you mean `{known}`?")
            }
            ErrorKind::UnknownKey {
                suggestion: None, ..
            } => "the Kubernetes plugin refuses to start on a key it does not know".to_owned(),
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
        "" => Err(Located::new(span.clone(), ErrorKind::EmptySection)),
        "@" => Err(Located::new(span.clone(), ErrorKind::EmptyGroup)),
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
            LineError::Unclosed { open } => Located::new(at(open), ErrorKind::UnclosedSection),
            LineError::TextAfter {
                name,
                text,
                at: byte,
            } => Located::new(
                at(byte),
                ErrorKind::TextAfterSection {
                    name: name.to_owned(),
                    text: text.to_owned(),
                },
            ),
            LineError::NoEquals { text, at: byte } => Located::new(
                at(byte),
                ErrorKind::MissingEquals {
                    text: text.to_owned(),
                },
            ),
            LineError::EmptyKey { at: byte } => Located::new(at(byte), ErrorKind::EmptyKey),
        })?;
        match line {
            Line::Skip => {}
            Line::Header { name, open } => {
                let span = at(open);
                let kind = section_kind(name, &span)?;
                if let Some(&first_line) = first_header.get(name) {
                    return Err(Located::new(
                        span,
                        ErrorKind::DuplicateSection {
                            name: name.to_owned(),
                            first_line,
                        },
                    ));
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
                    return Err(Located::new(
                        span,
                        ErrorKind::KeyOutsideSection {
                            key: key.to_owned(),
                        },
                    ));
                };
                if let Some(first) = section.entries.iter().find(|e| e.key == key) {
                    return Err(Located::new(
                        span,
                        ErrorKind::DuplicateKey {
                            key: key.to_owned(),
                            section: section.name.clone(),
                            first_line: first.span.line,
                        },
                    ));
                }
                if !is_known_key(key) {
                    let suggestion =
                        did_you_mean(key, KNOWN_KEYS.iter().copied()).map(str::to_owned);
                    let error = Located::new(
                        span.clone(),
                        ErrorKind::UnknownKey {
                            key: key.to_owned(),
                            section: section.name.clone(),
                            suggestion,
                        },
                    );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(text: &str, allow_unknown_keys: bool) -> Result<(Profiles, Vec<Warning>), Error> {
        parse(
            Path::new("p.conf"),
            text,
            ParseOptions { allow_unknown_keys },
        )
    }

    fn ok(text: &str) -> Profiles {
        match parse_with(text, false) {
            Ok((profiles, _)) => profiles,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(text: &str) -> Error {
        match parse_with(text, false) {
            Ok(parsed) => panic!("expected an error, got {parsed:?}"),
            Err(e) => e,
        }
    }

    /// The line and column an error points at.
    fn at(e: &Error) -> (u32, u32) {
        (e.span.line, e.span.col)
    }

    fn entry(profiles: &Profiles, section: usize, index: usize) -> &Entry {
        &profiles.sections[section].entries[index]
    }

    #[test]
    fn lines_are_trimmed_and_columns_point_into_the_raw_line() {
        let p = ok("  [*]  \n   max-cpus   =   4   \n");
        assert_eq!(p.sections[0].name, "*");
        assert_eq!((p.sections[0].span.line, p.sections[0].span.col), (1, 3));
        let e = entry(&p, 0, 0);
        assert_eq!((e.key.as_str(), e.value.as_str()), ("max-cpus", "4"));
        assert_eq!((e.span.line, e.span.col), (2, 4));
        assert_eq!((e.value_span.line, e.value_span.col), (2, 19));
    }

    #[test]
    fn blank_lines_are_skipped() {
        let p = ok("\n   \n\t\n[*]\n\n\nmax-cpus=4\n\n");
        assert_eq!(p.sections.len(), 1);
        assert_eq!(p.sections[0].entries.len(), 1);
        assert_eq!(entry(&p, 0, 0).span.line, 7);
    }

    #[test]
    fn semicolon_and_hash_start_comment_lines() {
        let p = ok("; top\n  # indented\n[*]\n;max-cpus=4\n   #default-cpus=1\n");
        assert_eq!(p.sections.len(), 1);
        assert!(p.sections[0].entries.is_empty());
    }

    #[test]
    fn hash_after_a_value_is_part_of_the_value() {
        let (p, warnings) = parse_with("[*]\nmax-cpus=4 # four", false).unwrap();
        assert_eq!(entry(&p, 0, 0).value, "4 # four");
        // The warning points at the `#` (column 12).
        assert_eq!(warnings.len(), 1);
        let span = warnings[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.col), (2, 12));
        assert!(warnings[0].message.contains("trailing comment"));
    }

    #[test]
    fn hash_without_blank_before_it_is_not_a_comment_warning() {
        let (p, warnings) = parse_with("[*]\ncontainer-images=img#1;x", false).unwrap();
        assert_eq!(entry(&p, 0, 0).value, "img#1;x");
        assert!(warnings.is_empty());
    }

    #[test]
    fn section_name_is_text_up_to_first_bracket_trimmed() {
        let p = ok("[  @staff  ]\n[ alice ]\n[*]");
        assert_eq!(p.sections[0].name, "@staff");
        assert_eq!(p.sections[0].kind, SectionKind::Group("staff".into()));
        assert_eq!(p.sections[1].name, "alice");
        assert_eq!(p.sections[1].kind, SectionKind::User("alice".into()));
        assert_eq!(p.sections[2].kind, SectionKind::All);
    }

    #[test]
    fn pair_splits_at_the_first_equals() {
        let p = ok("[*]\njob-json-overrides = \"/a\":\"/b=c\"");
        let e = entry(&p, 0, 0);
        assert_eq!(e.key, "job-json-overrides");
        assert_eq!(e.value, "\"/a\":\"/b=c\"");
    }

    #[test]
    fn quotes_are_kept() {
        let p = ok("[*]\ndefault-container-image=\"rocker/r-ver:4\"");
        assert_eq!(entry(&p, 0, 0).value, "\"rocker/r-ver:4\"");
    }

    #[test]
    fn empty_value_is_allowed() {
        let p = ok("[*]\nmax-cpus=   ");
        let e = entry(&p, 0, 0);
        assert_eq!(e.value, "");
        // An empty value starts right after the `=`.
        assert_eq!(e.value_span.col, 10);
    }

    #[test]
    fn crlf_line_endings_are_accepted() {
        let p = ok("[*]\r\nmax-cpus=4\r\n[alice]\r\n");
        assert_eq!(entry(&p, 0, 0).value, "4");
        assert_eq!(p.sections[1].name, "alice");
        assert_eq!(p.sections[1].span.line, 3);
    }

    #[test]
    fn lone_carriage_return_does_not_end_a_line() {
        // `std::getline` splits at `\n` only, so this is one header line with text after `]`.
        let e = err("[*]\rmax-cpus=4");
        assert!(
            matches!(e.error, ErrorKind::TextAfterSection { .. }),
            "{e:?}"
        );
    }

    #[test]
    fn utf8_bom_is_skipped_silently() {
        let (p, warnings) = parse_with("\u{feff}[*]\nmax-cpus=4", false).unwrap();
        assert_eq!(p.sections[0].name, "*");
        assert_eq!(p.sections[0].span.col, 1);
        assert!(warnings.is_empty());
    }

    #[test]
    fn only_c_locale_blanks_are_trimmed() {
        let p = ok("[*]\n\x0B\x0Cmax-cpus=4\u{a0}");
        // Vertical tab and form feed are blanks to Boost; U+00A0 is not.
        assert_eq!(entry(&p, 0, 0).value, "4\u{a0}");
        assert_eq!(entry(&p, 0, 0).span.col, 3);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let (p, _) = parse_with("[*]\nclé = v", true).unwrap();
        assert_eq!(entry(&p, 0, 0).value_span.col, 7);
    }

    #[test]
    fn missing_closing_bracket_is_an_error_at_the_bracket() {
        let e = err("[*]\nmax-cpus=1\n  [alice\n");
        assert!(matches!(e.error, ErrorKind::UnclosedSection), "{e:?}");
        assert_eq!(at(&e), (3, 3));
        assert_eq!(e.to_string(), "p.conf:3:3: missing `]` in section header");
        assert!(e.hint().is_some());
    }

    #[test]
    fn text_after_the_closing_bracket_is_an_error() {
        let e = err("[a]b]");
        match &e.error {
            ErrorKind::TextAfterSection { name, text, .. } => {
                assert_eq!((name.as_str(), text.as_str()), ("a", "b]"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at(&e), (1, 4));
    }

    #[test]
    fn comment_after_a_header_gets_the_no_trailing_comments_hint() {
        let e = err("[*]   # everyone");
        assert!(
            matches!(e.error, ErrorKind::TextAfterSection { .. }),
            "{e:?}"
        );
        assert_eq!(at(&e), (1, 7));
        assert!(e.hint().unwrap().contains("no trailing comments"));
    }

    #[test]
    fn line_without_equals_is_an_error() {
        let e = err("[*]\nmax-cpus 4");
        assert!(matches!(e.error, ErrorKind::MissingEquals { .. }), "{e:?}");
        assert_eq!(at(&e), (2, 1));
        assert!(!e.hint().unwrap().contains("key: value"));
    }

    #[test]
    fn colon_pair_gets_the_key_equals_value_hint() {
        let e = err("[*]\n  container-images: rocker/r-ver");
        assert!(matches!(e.error, ErrorKind::MissingEquals { .. }), "{e:?}");
        assert_eq!(at(&e), (2, 3));
        let hint = e.hint().unwrap();
        assert!(hint.contains("needs `key=value`"), "{hint}");
        assert!(hint.contains("`container-images=rocker/r-ver`"), "{hint}");
    }

    #[test]
    fn empty_key_is_an_error_at_the_equals() {
        let e = err("[*]\n  = 4");
        assert!(matches!(e.error, ErrorKind::EmptyKey), "{e:?}");
        assert_eq!(at(&e), (2, 3));
    }

    #[test]
    fn duplicate_key_in_a_section_names_the_first_line() {
        let e = err("[*]\nmax-cpus=1\n\n  max-cpus=2");
        match &e.error {
            ErrorKind::DuplicateKey {
                key,
                section,
                first_line,
                ..
            } => {
                assert_eq!(
                    (key.as_str(), section.as_str(), *first_line),
                    ("max-cpus", "*", 2)
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at(&e), (4, 3));
        assert!(e.to_string().contains("first set on line 2"));
    }

    #[test]
    fn same_key_in_two_sections_is_fine() {
        let p = ok("[*]\nmax-cpus=1\n[alice]\nmax-cpus=2");
        assert_eq!(p.sections.len(), 2);
    }

    #[test]
    fn duplicate_section_names_the_first_line() {
        let e = err("[*]\n[alice]\n [ * ]");
        match &e.error {
            ErrorKind::DuplicateSection {
                name, first_line, ..
            } => {
                assert_eq!((name.as_str(), *first_line), ("*", 1));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at(&e), (3, 2));
    }

    #[test]
    fn key_before_any_section_is_an_error() {
        let e = err("# header\n max-cpus=1\n[*]");
        assert!(
            matches!(e.error, ErrorKind::KeyOutsideSection { .. }),
            "{e:?}"
        );
        assert_eq!(at(&e), (2, 2));
    }

    #[test]
    fn empty_section_name_is_an_error() {
        let e = err("[*]\n[  ]");
        assert!(matches!(e.error, ErrorKind::EmptySection), "{e:?}");
        assert_eq!(at(&e), (2, 1));
    }

    #[test]
    fn empty_group_name_is_an_error() {
        let e = err("[*]\n  [ @ ]");
        assert!(matches!(e.error, ErrorKind::EmptyGroup), "{e:?}");
        assert_eq!(at(&e), (2, 3));
    }

    #[test]
    fn unknown_key_is_an_error_with_did_you_mean() {
        let e = err("[*]\nmax-cpu=4");
        match &e.error {
            ErrorKind::UnknownKey {
                key,
                section,
                suggestion,
                ..
            } => {
                assert_eq!((key.as_str(), section.as_str()), ("max-cpu", "*"));
                assert_eq!(suggestion.as_deref(), Some("max-cpus"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at(&e), (2, 1));
        assert_eq!(e.hint().as_deref(), Some("did you mean `max-cpus`?"));
    }

    #[test]
    fn keys_are_case_sensitive() {
        let e = err("[*]\nMax-Cpus=4");
        assert!(
            matches!(
                e.error,
                ErrorKind::UnknownKey {
                    suggestion: Some(_),
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_key_far_from_any_has_no_suggestion() {
        let e = err("[*]\nzzz=4");
        assert!(
            matches!(
                e.error,
                ErrorKind::UnknownKey {
                    suggestion: None,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.hint().unwrap().contains("refuses to start"));
    }

    #[test]
    fn allowed_unknown_key_is_a_warning_and_kept() {
        let (p, warnings) = parse_with("[*]\n  max-cpu=4", true).unwrap();
        assert_eq!(entry(&p, 0, 0).key, "max-cpu");
        assert_eq!(warnings.len(), 1);
        let span = warnings[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.col), (2, 3));
        assert_eq!(
            warnings[0].hint.as_deref(),
            Some("did you mean `max-cpus`?")
        );
    }

    #[test]
    fn display_is_span_then_message_without_hint() {
        let e = err("[*]\nmax-cpu=4");
        assert_eq!(
            e.to_string(),
            "p.conf:2:1: unknown key `max-cpu` in section `[*]`"
        );
    }

    #[test]
    fn first_error_in_file_order_wins() {
        let e = err("[*]\nnope\n[]");
        assert_eq!(at(&e), (2, 1));
    }

    #[test]
    fn every_known_key_parses() {
        let text: String = std::iter::once("[*]\n".to_owned())
            .chain(KNOWN_KEYS.iter().map(|k| format!("{k}=x\n")))
            .collect();
        assert_eq!(ok(&text).sections[0].entries.len(), KNOWN_KEYS.len());
    }
}
