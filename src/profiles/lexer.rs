//! Reading a profiles file line by line as Boost `property_tree::read_ini` does (the SDK's
//! parser, `boost/property_tree/ini_parser.hpp`), then what the SDK does with the tree
//! (`parseLevels` and `validateValues` in the SDK's `sdk/src/options/AbstractUserProfiles.cpp`):
//! section names, known keys, duplicates, and every value typed as the plugin types it at
//! start. Values are kept as written.
//!
//! Boost's rules reproduced here: a section with no key is dropped when the next header or the
//! end of the file is read ("If the previous section was empty, drop it again"); text after a
//! header's `]` is ignored; a key before any header becomes a top-level node, which
//! `parseLevels` then reads as a section named after the key, with no values. A byte-order mark
//! is not skipped: it is part of line 1.

use std::collections::HashMap;
use std::path::Path;

use super::keys::{KNOWN_KEYS, ValueType, is_known_key, reads_as, value_type};
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
    /// A byte-order mark before a line 1 that is not `key=value`: the plugin fails to start.
    #[error(
        "the file starts with a UTF-8 byte-order mark; Boost reads it as part of line 1, which \
         is then not a section header, comment or `key=value` line, and the plugin fails to start"
    )]
    ByteOrderMark,
    /// A value the plugin cannot type at start (in any section, whoever the user is).
    #[error(
        "`{key}={value}` in section `[{section}]` is not {}; the plugin types every section's \
         values when it starts and would not start",
        expected(*ty)
    )]
    BadValue {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// The section name.
        section: String,
        /// What the plugin reads the key as.
        ty: ValueType,
    },
    /// A name written twice at the top level of Boost's tree: a section header and a key
    /// before any header (or two such keys), which `read_ini` refuses.
    #[error(
        "`{name}` was already written on line {first_line} as a key before any section header; \
         Boost refuses the duplicate name"
    )]
    DuplicateTopLevel {
        /// The name.
        name: String,
        /// The line of the key.
        first_line: u32,
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
            ErrorKind::ByteOrderMark => {
                "save the file as UTF-8 without a byte-order mark".to_owned()
            }
            ErrorKind::BadValue { ty, .. } => match ty {
                ValueType::Bool => "write `1` for yes or `0` for no".to_owned(),
                ValueType::Number => "write a plain number such as `2` or `0.5`".to_owned(),
                ValueType::Text => "any text reads".to_owned(),
            },
            ErrorKind::DuplicateTopLevel { .. } => {
                "add a section header such as `[*]` above the first key".to_owned()
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

/// How a [`ValueType`] is named in messages.
fn expected(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Bool => "a bool (`0` or `1`)",
        ValueType::Number => "a number",
        ValueType::Text => "text",
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
    /// `[name]`; `open` is the offset of `[`; `after` is text after `]` (ignored by Boost)
    /// with its offset.
    Header {
        name: &'a str,
        open: usize,
        after: Option<(&'a str, usize)>,
    },
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
    Unclosed { open: usize },
    NoEquals { text: &'a str, at: usize },
    EmptyKey { at: usize },
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
        // `body` is trimmed at the end, so only leading blanks precede `text` in `after`.
        let after = (!text.is_empty()).then(|| {
            let at =
                start + 1 + close + 1 + (after.len() - after.trim_start_matches(is_space).len());
            (text, at)
        });
        return Ok(Line::Header {
            name,
            open: start,
            after,
        });
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
    lex(file, text, Some(opts))
}

/// Parses another file in the same Boost INI dialect (`launcher.kubernetes.resources.conf`):
/// every rule of [`parse`] but the profiles file's keys and value types, which the caller
/// checks.
pub fn parse_ini(file: &Path, text: &str) -> Result<(Profiles, Vec<Warning>), Error> {
    lex(file, text, None)
}

/// The lexer behind [`parse`] and [`parse_ini`]; keys and values are checked only with `opts`.
fn lex(
    file: &Path,
    text: &str,
    opts: Option<ParseOptions>,
) -> Result<(Profiles, Vec<Warning>), Error> {
    let mut profiles = Profiles::default();
    // Boost's top level: section names and keys written before any header, with their line.
    let mut top_level: HashMap<String, (u32, bool)> = HashMap::new();
    // Whether a header has been read yet; keys before it are top-level nodes.
    let mut in_section = false;
    let mut warnings = Vec::new();
    // Boost's `read_ini` fails on the first syntax error anywhere in the file; only a file it
    // reads reaches `parseLevels` (section names, unknown keys) and then `validateValues`
    // (typed values). So errors of those later stages wait for the end of the file.
    let mut levels_error: Option<Error> = None;
    let mut value_error: Option<Error> = None;

    // Boost reads with `std::getline`, so only `\n` ends a line; a `\r` before it is a blank.
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let at = |byte: usize| Span::at(file, line_no, column(raw, byte));
        let lexed = lex_line(raw);
        // The SDK reads the file as bytes: a BOM stays in line 1 (it is no blank to Boost), so
        // only a `key=value` line 1 survives it, as a key whose name starts with the BOM.
        if index == 0 && raw.starts_with('\u{feff}') && !matches!(lexed, Ok(Line::Pair { .. })) {
            return Err(Located::new(at(0), ErrorKind::ByteOrderMark));
        }
        let line = lexed.map_err(|e| match e {
            LineError::Unclosed { open } => Located::new(at(open), ErrorKind::UnclosedSection),
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
            Line::Header { name, open, after } => {
                let span = at(open);
                drop_if_empty(&mut profiles, &mut top_level, in_section, &mut warnings);
                in_section = true;
                if let Some((text, byte)) = after {
                    warnings.push(text_after_header(name, text, at(byte)));
                }
                // `[]` and `[@]` fail in `parseLevels`, and only if the section survives.
                let kind = section_kind(name, &span).unwrap_or(SectionKind::All);
                match top_level.get(name) {
                    Some(&(first_line, true)) => {
                        return Err(Located::new(
                            span,
                            ErrorKind::DuplicateSection {
                                name: name.to_owned(),
                                first_line,
                            },
                        ));
                    }
                    Some(&(first_line, false)) => {
                        return Err(Located::new(
                            span,
                            ErrorKind::DuplicateTopLevel {
                                name: name.to_owned(),
                                first_line,
                            },
                        ));
                    }
                    None => {}
                }
                top_level.insert(name.to_owned(), (line_no, true));
                profiles.sections.push(Section {
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
                if !in_section {
                    let section = top_level_key(key, &span, &top_level)?;
                    warnings.push(key_before_section(key, &section));
                    top_level.insert(key.to_owned(), (line_no, false));
                    profiles.sections.push(section);
                    continue;
                }
                let Some(section) = profiles.sections.last_mut() else {
                    continue;
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
                if let Some(opts) = opts
                    && !is_known_key(key)
                {
                    let suggestion = did_you_mean(key, KNOWN_KEYS.iter().copied());
                    if opts.allow_unknown_keys {
                        // Only a suggestion is news here: without one, the error's hint says
                        // why the plugin refuses the key, which this message already says.
                        let mut warning = Warning::new("unknown-key", format!(
                            "unknown key `{key}` in section `[{}]` is kept; a launcher that does \
                         not know it refuses to start",
                            section.name
                        ))
                        .at(span.clone());
                        if let Some(known) = suggestion {
                            warning = warning.hint(format!("did you mean `{known}`?"));
                        }
                        warnings.push(warning);
                    } else {
                        // Kept as an entry: to Boost the section is not empty.
                        levels_error.get_or_insert(Located::new(
                            span.clone(),
                            ErrorKind::UnknownKey {
                                key: key.to_owned(),
                                section: section.name.clone(),
                                suggestion: suggestion.map(str::to_owned),
                            },
                        ));
                    }
                }
                let value_span = at(value_at);
                // `validateValues()` types every section's values when the plugin starts.
                let ty = value_type(key);
                if opts.is_some() && !reads_as(value, ty) {
                    value_error.get_or_insert(Located::new(
                        value_span.clone(),
                        ErrorKind::BadValue {
                            key: key.to_owned(),
                            value: value.to_owned(),
                            section: section.name.clone(),
                            ty,
                        },
                    ));
                }
                if let Some(offset) = trailing_comment(value) {
                    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
                    warnings.push(
                        Warning::new(
                            "trailing-comment",
                            format!(
                                "value of `{key}` contains what looks like a trailing comment; the \
                             profiles file has none, so it is part of the value"
                            ),
                        )
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
    drop_if_empty(&mut profiles, &mut top_level, in_section, &mut warnings);
    // `parseLevels` walks the surviving sections in order: the name first, then the keys.
    for section in &profiles.sections {
        let name_error = section_kind(&section.name, &section.span).err();
        if let Some(error) = name_error {
            let first_key = levels_error.as_ref().map(|e| &e.span);
            if first_key.is_none_or(|k| (k.line, k.col) > (error.span.line, error.span.col)) {
                levels_error = Some(error);
            }
            break;
        }
    }
    if let Some(error) = levels_error.or(value_error) {
        return Err(error);
    }
    Ok((profiles, warnings))
}

/// Boost's "If the previous section was empty, drop it again", at a header and at the end of
/// the file: the last section, when it holds no key, leaves the tree.
fn drop_if_empty(
    profiles: &mut Profiles,
    top_level: &mut HashMap<String, (u32, bool)>,
    in_section: bool,
    warnings: &mut Vec<Warning>,
) {
    if !in_section
        || !profiles
            .sections
            .last()
            .is_some_and(|s| s.entries.is_empty())
    {
        return;
    }
    let Some(section) = profiles.sections.pop() else {
        return;
    };
    top_level.remove(&section.name);
    warnings.push(
        Warning::new(
            "empty-section",
            format!(
                "section `[{}]` has no key, so the launcher drops it: it does not apply to anyone \
             and does not hide broader sections",
                section.name
            ),
        )
        .at(section.span.clone())
        .hint("add a key to it, or delete the header"),
    );
    profiles.dropped.push(section);
}

/// The warning for text after a header's `]`, which Boost ignores.
fn text_after_header(name: &str, text: &str, span: Span) -> Warning {
    let hint = if text.starts_with(['#', ';']) {
        "the profiles file has no trailing comments; put the comment on its own line"
    } else {
        "put nothing after the `]` of a section header"
    };
    Warning::new(
        "text-after-header",
        format!("text `{text}` after section header `[{name}]` is ignored by the launcher"),
    )
    .at(span)
    .hint(hint)
}

/// The section `parseLevels` makes of a key written before any header: a node named after the
/// key, whose value is not a child, so the section has no values.
fn top_level_key(
    key: &str,
    span: &Span,
    top_level: &HashMap<String, (u32, bool)>,
) -> Result<Section, Error> {
    if let Some(&(first_line, _)) = top_level.get(key) {
        return Err(Located::new(
            span.clone(),
            ErrorKind::DuplicateTopLevel {
                name: key.to_owned(),
                first_line,
            },
        ));
    }
    Ok(Section {
        name: key.to_owned(),
        kind: section_kind(key, span).unwrap_or(SectionKind::All),
        span: span.clone(),
        entries: Vec::new(),
    })
}

/// The warning for a key before any header: what the SDK makes of it.
fn key_before_section(key: &str, section: &Section) -> Warning {
    let who = match &section.kind {
        SectionKind::All => "everyone".to_owned(),
        SectionKind::Group(g) => format!("the members of group `{g}`"),
        SectionKind::User(u) => format!("a user named `{u}`"),
    };
    Warning::new(
        "key-before-section",
        format!(
            "key `{key}` before any section header is not a setting: the launcher reads it as an \
         empty section for {who}, and its value is lost"
        ),
    )
    .at(section.span.clone())
    .hint("add a section header above it, such as `[*]` for everyone")
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
        assert!(p.sections.is_empty());
        assert_eq!(p.dropped.len(), 1);
    }

    #[test]
    fn hash_after_a_value_is_part_of_the_value() {
        let (p, warnings) = parse_with("[*]\ncontainer-images=a # b", false).unwrap();
        assert_eq!(entry(&p, 0, 0).value, "a # b");
        // The warning points at the `#` (column 20).
        assert_eq!(warnings.len(), 1);
        let span = warnings[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.col), (2, 20));
        // In a number it is not a number any more.
        assert!(matches!(
            err("[*]\nmax-cpus=4 # four").error,
            ErrorKind::BadValue { .. }
        ));
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
        let p = ok("[  @staff  ]\nmax-cpus=1\n[ alice ]\nmax-cpus=1\n[*]\nmax-cpus=1");
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
        let p = ok("[*]\ndefault-container-image=   ");
        let e = entry(&p, 0, 0);
        assert_eq!(e.value, "");
        // An empty value starts right after the `=`.
        assert_eq!(e.value_span.col, 25);
        // A number cannot be empty: `lexical_cast<double>("")` fails.
        assert!(matches!(
            err("[*]\nmax-cpus=   ").error,
            ErrorKind::BadValue { .. }
        ));
    }

    #[test]
    fn crlf_line_endings_are_accepted() {
        let p = ok("[*]\r\nmax-cpus=4\r\n[alice]\r\nmax-cpus=2\r\n");
        assert_eq!(entry(&p, 0, 0).value, "4");
        assert_eq!(p.sections[1].name, "alice");
        assert_eq!(p.sections[1].span.line, 3);
    }

    #[test]
    fn lone_carriage_return_does_not_end_a_line() {
        // `std::getline` splits at `\n` only, so this is one header line with text after `]`.
        let (p, warnings) = parse_with("[*]\rmax-cpus=4", false).unwrap();
        assert_eq!(p.dropped.len(), 1);
        assert!(
            warnings[0].message.contains("text `max-cpus=4`"),
            "{warnings:?}"
        );
    }

    // Source: the SDK's `AbstractUserProfiles::initialize` reads the file with
    // `readFileIntoString` (`sdk/src/utils/FileUtils.cpp`) and hands the bytes to Boost's
    // `read_ini`, which does not skip a byte-order mark: line 1 is then no header.
    #[test]
    fn a_utf8_bom_is_an_error_saying_the_plugin_fails_to_start() {
        let e = err("\u{feff}[*]\nmax-cpus=4");
        assert_eq!(e.error, ErrorKind::ByteOrderMark);
        assert_eq!(at(&e), (1, 1));
        assert!(e.to_string().contains("the plugin fails to start"), "{e}");
        assert!(e.hint().unwrap().contains("without a byte-order mark"));
        let e = err("\u{feff}# comment\n[*]\nmax-cpus=4");
        assert_eq!(e.error, ErrorKind::ByteOrderMark);
    }

    // Source: Boost `read_ini` keeps the BOM in the key; `parseLevels` then makes that
    // top-level key an empty section, which warns like any key before a header.
    #[test]
    fn a_utf8_bom_before_a_key_makes_a_key_before_any_section() {
        let (p, warnings) = parse_with("\u{feff}max-cpus=4\n[*]\nmax-cpus=2", false).unwrap();
        assert_eq!(p.sections[0].name, "\u{feff}max-cpus");
        assert!(warnings[0].message.contains("before any section header"));
    }

    #[test]
    fn only_c_locale_blanks_are_trimmed() {
        let p = ok("[*]\n\x0B\x0Ccontainer-images=4\u{a0}");
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

    // Source: Boost `ini_parser.hpp` `read_ini` takes the name up to the first `]` and
    // ignores the rest of the line.
    #[test]
    fn text_after_the_closing_bracket_is_ignored_with_a_warning() {
        let (p, warnings) = parse_with("[a]b]\nmax-cpus=1", false).unwrap();
        assert_eq!(p.sections[0].name, "a");
        assert_eq!(warnings.len(), 1);
        let span = warnings[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.col), (1, 4));
        assert_eq!(
            warnings[0].message,
            "text `b]` after section header `[a]` is ignored by the launcher"
        );
    }

    #[test]
    fn comment_after_a_header_gets_the_no_trailing_comments_hint() {
        let (_, warnings) = parse_with("[*]   # everyone\nmax-cpus=1", false).unwrap();
        let span = warnings[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.col), (1, 7));
        assert!(
            warnings[0]
                .hint
                .as_ref()
                .unwrap()
                .contains("no trailing comments")
        );
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
        let e = err("[*]\nmax-cpus=1\n[alice]\nmax-cpus=2\n [ * ]");
        match &e.error {
            ErrorKind::DuplicateSection {
                name, first_line, ..
            } => {
                assert_eq!((name.as_str(), *first_line), ("*", 1));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at(&e), (5, 2));
    }

    // Source: Boost `read_ini` puts a key before any header at the top of the tree; the SDK's
    // `parseLevels` (`sdk/src/options/AbstractUserProfiles.cpp`) reads every top-level node as
    // a section, so the key is a user section with no values and its value is lost.
    #[test]
    fn key_before_any_section_is_an_empty_section_named_after_it() {
        let (p, warnings) =
            parse_with("# header\n max-cpus=1\n[*]\ndefault-cpus=1", false).unwrap();
        assert_eq!(p.sections.len(), 2);
        assert_eq!(p.sections[0].name, "max-cpus");
        assert_eq!(p.sections[0].kind, SectionKind::User("max-cpus".into()));
        assert!(p.sections[0].entries.is_empty());
        assert_eq!((p.sections[0].span.line, p.sections[0].span.col), (2, 2));
        assert_eq!(
            warnings[0].message,
            "key `max-cpus` before any section header is not a setting: the launcher reads it \
             as an empty section for a user named `max-cpus`, and its value is lost"
        );
    }

    // Source: Boost `read_ini` checks a new section name against the whole top level, keys
    // before any header included ("duplicate section name").
    #[test]
    fn a_section_named_like_a_key_before_any_section_is_a_duplicate() {
        let e = err("alice=1\n[alice]\nmax-cpus=1");
        assert_eq!(
            e.error,
            ErrorKind::DuplicateTopLevel {
                name: "alice".into(),
                first_line: 1
            }
        );
        assert_eq!(at(&e), (2, 1));
    }

    #[test]
    fn empty_section_name_is_an_error() {
        let e = err("[*]\n[  ]\nmax-cpus=1");
        assert!(matches!(e.error, ErrorKind::EmptySection), "{e:?}");
        assert_eq!(at(&e), (2, 1));
    }

    // Source: Boost drops the empty `[]` before the SDK's `parseLevels` could refuse its name.
    #[test]
    fn an_empty_section_without_a_name_is_dropped_not_refused() {
        let (p, _) = parse_with("[*]\nmax-cpus=1\n[]\n[@]\n", false).unwrap();
        assert_eq!(p.sections.len(), 1);
        assert_eq!(p.dropped.len(), 2);
    }

    #[test]
    fn empty_group_name_is_an_error() {
        let e = err("[*]\n  [ @ ]\nmax-cpus=1");
        assert!(matches!(e.error, ErrorKind::EmptyGroup), "{e:?}");
        assert_eq!(at(&e), (2, 3));
    }

    // Source: Boost `ini_parser.hpp` `read_ini`: "If the previous section was empty, drop it
    // again", at the next header and at the end of the file.
    #[test]
    fn empty_sections_are_dropped_with_a_warning() {
        let text = "[*]\nmax-cpus=4\n[alice]\n# nothing yet\n[@staff]\nmax-cpus=2\n[bob]\n";
        let (p, warnings) = parse_with(text, false).unwrap();
        let names: Vec<&str> = p.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["*", "@staff"]);
        let dropped: Vec<(&str, u32)> = p
            .dropped
            .iter()
            .map(|s| (s.name.as_str(), s.span.line))
            .collect();
        assert_eq!(dropped, [("alice", 3), ("bob", 7)]);
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[0]
                .message
                .starts_with("section `[alice]` has no key, so the launcher drops it")
        );
    }

    // Source: the same `read_ini`: the duplicate check runs after the empty section is gone.
    #[test]
    fn a_dropped_section_does_not_count_as_a_duplicate() {
        let (p, _) = parse_with("[alice]\n[*]\nmax-cpus=4\n[alice]\nmax-cpus=8", false).unwrap();
        assert_eq!(p.sections.len(), 2);
        assert_eq!(p.sections[1].name, "alice");
        assert_eq!(p.sections[1].span.line, 4);
    }

    // Source: `validateValues()` (the plugin's, through `AbstractUserProfiles::validateValue`)
    // walks every section; `SafeConvert.hpp` reads a bool as `0` or `1` only.
    #[test]
    fn a_bad_value_in_any_section_is_an_error_naming_line_and_section() {
        let e = err("[*]\nmax-cpus=4\n[nobody]\nallow-unknown-images=true");
        assert_eq!(at(&e), (4, 22));
        assert_eq!(
            e.to_string(),
            "p.conf:4:22: `allow-unknown-images=true` in section `[nobody]` is not a bool (`0` \
             or `1`); the plugin types every section's values when it starts and would not start"
        );
        assert_eq!(e.hint().as_deref(), Some("write `1` for yes or `0` for no"));
        let e = err("[*]\nmax-cpus=four");
        assert!(
            matches!(
                e.error,
                ErrorKind::BadValue {
                    ty: ValueType::Number,
                    ..
                }
            ),
            "{e}"
        );
    }

    // Source: `parseLevels` refuses an unknown key before `validateValues` types any value.
    #[test]
    fn an_unknown_key_is_reported_before_a_bad_value_earlier_in_the_file() {
        let e = err("[*]\nmax-cpus=four\nmax-cpu=4");
        assert!(matches!(e.error, ErrorKind::UnknownKey { .. }), "{e}");
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
    fn allowed_unknown_key_far_from_any_has_no_hint_repeating_the_message() {
        // The error's hint then says why the key is refused, which the warning's message
        // already says ("a launcher that does not know it refuses to start").
        let (_, warnings) = parse_with("[*]\nzzz=4", true).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("refuses to start"),
            "{}",
            warnings[0]
        );
        assert_eq!(warnings[0].hint, None, "{}", warnings[0]);
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
        let e = err("[*]\nnope\n[]\nmax-cpus=1");
        assert_eq!(at(&e), (2, 1));
    }

    #[test]
    fn every_known_key_parses() {
        let text: String = std::iter::once("[*]\n".to_owned())
            .chain(KNOWN_KEYS.iter().map(|k| format!("{k}=1\n")))
            .collect();
        assert_eq!(ok(&text).sections[0].entries.len(), KNOWN_KEYS.len());
    }
}
