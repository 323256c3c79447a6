//! The Boost `property_tree` INI rules the launcher's SDK reads profiles with (launcher.md §2).

use std::collections::HashMap;
use std::path::Path;

use super::{Entry, Error, ParseOptions, Profiles, Section, SectionKind, keys};
use crate::diag::{Warning, did_you_mean};
use crate::location::Span;

/// 1-based character column of byte offset `byte` in `line`.
fn col(line: &str, byte: usize) -> u32 {
    line[..byte].chars().count() as u32 + 1
}

/// Parses a profiles file; `file` is the path shown in messages.
pub fn parse(
    file: &Path,
    text: &str,
    opts: ParseOptions,
) -> Result<(Profiles, Vec<Warning>), Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section> = Vec::new();
    let mut warnings = Vec::new();
    let mut seen_sections: HashMap<String, u32> = HashMap::new();
    let mut seen_keys: HashMap<String, u32> = HashMap::new();

    for (index, raw) in text.split('\n').enumerate() {
        let number = index as u32 + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let lead = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            let open = Span::at(file, number, col(raw, lead));
            let Some(close) = line.find(']') else {
                return Err(Error::MissingBracket { span: open });
            };
            let after = line[close + 1..].trim();
            if !after.is_empty() {
                let at = lead
                    + close
                    + 1
                    + (line[close + 1..].len() - line[close + 1..].trim_start().len());
                return Err(Error::TextAfterHeader {
                    span: Span::at(file, number, col(raw, at)),
                    text: after.into(),
                });
            }
            let name = line[1..close].trim().to_string();
            let kind = match name.as_str() {
                "" | "@" => return Err(Error::EmptySection { span: open, name }),
                "*" => SectionKind::All,
                n => match n.strip_prefix('@') {
                    Some(group) => SectionKind::Group(group.to_string()),
                    None => SectionKind::User(n.to_string()),
                },
            };
            if let Some(first_line) = seen_sections.insert(name.clone(), number) {
                return Err(Error::DuplicateSection {
                    span: open,
                    name,
                    first_line,
                });
            }
            seen_keys.clear();
            sections.push(Section {
                name,
                kind,
                span: open,
                entries: Vec::new(),
            });
            continue;
        }
        let Some(eq) = line.find('=') else {
            let colon = line
                .split_once(':')
                .is_some_and(|(k, _)| !k.trim().is_empty() && !k.contains(' '));
            return Err(Error::NoEquals {
                span: Span::line(file, number),
                text: line.into(),
                colon,
            });
        };
        let key = line[..eq].trim();
        if key.is_empty() {
            return Err(Error::EmptyKey {
                span: Span::at(file, number, col(raw, lead)),
            });
        }
        let key_span = Span::at(file, number, col(raw, lead));
        let after_eq = &line[eq + 1..];
        let value = after_eq.trim();
        let value_at = lead + eq + 1 + (after_eq.len() - after_eq.trim_start().len());
        let value_span = Span::at(file, number, col(raw, value_at));
        let Some(section) = sections.last_mut() else {
            return Err(Error::KeyOutsideSection {
                span: key_span,
                key: key.into(),
            });
        };
        if let Some(first_line) = seen_keys.insert(key.to_string(), number) {
            return Err(Error::DuplicateKey {
                span: key_span,
                key: key.into(),
                first_line,
            });
        }
        if !keys::is_known(key) {
            let suggestion = did_you_mean(key, keys::KNOWN_KEYS.iter().copied());
            let error = Error::UnknownKey {
                span: key_span.clone(),
                key: key.into(),
                suggestion,
            };
            if !opts.allow_unknown_keys {
                return Err(error);
            }
            let mut warning = Warning::new(format!(
                "unknown key `{key}` (kept: `--allow-unknown-keys`)"
            ))
            .at(key_span.clone());
            if let Some(s) = suggestion {
                warning = warning.hint(format!("did you mean `{s}`?"));
            }
            warnings.push(warning);
        }
        section.entries.push(Entry {
            key: key.into(),
            value: value.into(),
            span: key_span,
            value_span,
        });
    }
    Ok((Profiles { sections }, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Profiles {
        parse(Path::new("p.conf"), text, ParseOptions::default())
            .expect("parses")
            .0
    }

    fn err(text: &str) -> Error {
        parse(Path::new("p.conf"), text, ParseOptions::default()).expect_err("fails")
    }

    fn at(e: &Error) -> (u32, u32) {
        (e.span().line, e.span().col)
    }

    #[test]
    fn blank_and_comment_lines_are_skipped() {
        let p = ok("\n  # comment\n; other\n[*]\n   \n  default-cpus = 2  \n");
        assert_eq!(p.sections.len(), 1);
        assert_eq!(p.sections[0].entries[0].key, "default-cpus");
        assert_eq!(p.sections[0].entries[0].value, "2");
    }

    #[test]
    fn hash_after_a_value_is_part_of_the_value() {
        let p = ok("[*]\ndefault-container-image=img:1 # pinned\n");
        assert_eq!(p.sections[0].entries[0].value, "img:1 # pinned");
    }

    #[test]
    fn value_splits_at_the_first_equals_and_keeps_quotes() {
        let p = ok("[*]\njob-json-overrides=\"/a\":\"/b=c\"\n");
        assert_eq!(p.sections[0].entries[0].value, "\"/a\":\"/b=c\"");
    }

    #[test]
    fn value_span_points_at_the_first_character_of_the_value() {
        let p = ok("[*]\n  job-json-overrides =  \"/a\":\"/b\"\n");
        let e = &p.sections[0].entries[0];
        assert_eq!((e.span.line, e.span.col), (2, 3));
        assert_eq!((e.value_span.line, e.value_span.col), (2, 25));
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let p = ok("\u{feff}[*]\r\ndefault-cpus=2\r\n");
        assert_eq!(p.sections[0].entries[0].value, "2");
    }

    #[test]
    fn section_kinds() {
        let p = ok("[*]\n[@staff]\n[ alice ]\n");
        let kinds: Vec<_> = p.sections.iter().map(|s| s.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                SectionKind::All,
                SectionKind::Group("staff".into()),
                SectionKind::User("alice".into())
            ]
        );
        assert_eq!(p.sections[2].name, "alice");
    }

    #[test]
    fn missing_bracket_points_at_the_open_bracket() {
        let e = err("[*]\n  [@staff\n");
        assert!(matches!(e, Error::MissingBracket { .. }));
        assert_eq!(at(&e), (2, 3));
    }

    #[test]
    fn text_after_header_is_an_error() {
        let e = err("[*] # everyone\n");
        assert!(matches!(e, Error::TextAfterHeader { .. }));
        assert_eq!(at(&e), (1, 5));
    }

    #[test]
    fn empty_section_names_are_errors() {
        assert!(matches!(err("[]\n"), Error::EmptySection { .. }));
        assert!(matches!(err("[@]\n"), Error::EmptySection { .. }));
    }

    #[test]
    fn line_without_equals_is_an_error() {
        let e = err("[*]\ndefault-cpus\n");
        assert!(matches!(e, Error::NoEquals { colon: false, .. }));
        assert_eq!(e.span().line, 2);
    }

    #[test]
    fn key_colon_value_gets_its_own_hint() {
        let e = err("[*]\ndefault-cpus: 2\n");
        assert!(matches!(e, Error::NoEquals { colon: true, .. }));
        assert!(e.hint().is_some_and(|h| h.contains("key=value")));
    }

    #[test]
    fn empty_key_is_an_error() {
        assert!(matches!(err("[*]\n = 2\n"), Error::EmptyKey { .. }));
    }

    #[test]
    fn duplicate_key_names_the_first_line() {
        let e = err("[*]\ndefault-cpus=1\nmax-cpus=2\ndefault-cpus=2\n");
        assert_eq!(
            e,
            Error::DuplicateKey {
                span: Span::at("p.conf", 4, 1),
                key: "default-cpus".into(),
                first_line: 2
            }
        );
    }

    #[test]
    fn same_key_in_two_sections_is_fine() {
        assert_eq!(
            ok("[*]\ndefault-cpus=1\n[alice]\ndefault-cpus=2\n")
                .sections
                .len(),
            2
        );
    }

    #[test]
    fn duplicate_section_names_the_first_line() {
        let e = err("[*]\n[alice]\n[*]\n");
        assert_eq!(
            e,
            Error::DuplicateSection {
                span: Span::at("p.conf", 3, 1),
                name: "*".into(),
                first_line: 1
            }
        );
    }

    #[test]
    fn key_before_any_section_is_an_error() {
        assert!(matches!(
            err("default-cpus=1\n[*]\n"),
            Error::KeyOutsideSection { .. }
        ));
    }

    #[test]
    fn unknown_key_suggests_a_known_one() {
        let e = err("[*]\ndefault-cpu=1\n");
        assert_eq!(e.hint().as_deref(), Some("did you mean `default-cpus`?"));
        assert_eq!(at(&e), (2, 1));
    }

    #[test]
    fn unknown_key_is_a_warning_when_allowed() {
        let opts = ParseOptions {
            allow_unknown_keys: true,
        };
        let (p, warnings) =
            parse(Path::new("p.conf"), "[*]\nsome-new-key=1\n", opts).expect("parses");
        assert_eq!(p.sections[0].entries.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("some-new-key"));
    }
}
