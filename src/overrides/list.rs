//! The list grammar: `"<pointer>":"<path>"` pairs separated by `,`, each token a JSON string
//! literal (Posit's chart writes them with Go's `quote`).

use crate::diag::Warning;
use crate::location::{Located, Span};

use super::error::quote;
use super::{Error, ErrorKind, OverrideRef, Pointer, PointerError};

/// Parses the value of a `job-json-overrides` key; `span` is where the value starts.
///
/// Pairs keep their order and duplicates (the chart emits `volumes/-` twice). Whitespace around
/// `:` and `,` is accepted with one warning for the whole list.
pub fn parse_list(value: &str, span: &Span) -> Result<(Vec<OverrideRef>, Vec<Warning>), Error> {
    let mut parser = Parser {
        chars: value.chars().collect(),
        span,
        spaces: Vec::new(),
    };
    let pairs = parser.pairs()?;
    let mut warnings = Vec::new();
    if let Some(&first) = parser.spaces.first() {
        let corrected = pairs
            .iter()
            .map(|(pair, _)| format!("{}:{}", quote(pair.pointer.as_str()), quote(&pair.path)))
            .collect::<Vec<_>>()
            .join(",");
        let places = parser.spaces.len();
        let message = if places == 1 {
            "whitespace around `:` or `,` in the list".to_owned()
        } else {
            format!("whitespace around `:` or `,` in the list ({places} places)")
        };
        warnings.push(
            Warning::new("list-whitespace", message)
                .at(parser.at(first))
                .hint(format!(
                    "Posit's examples never have it; write `{corrected}`"
                )),
        );
    }
    Ok((pairs.into_iter().map(|(pair, _)| pair).collect(), warnings))
}

struct Parser<'a> {
    chars: Vec<char>,
    span: &'a Span,
    /// Character offsets of whitespace runs between tokens.
    spaces: Vec<usize>,
}

impl Parser<'_> {
    /// The column of character `offset` of the value.
    fn at(&self, offset: usize) -> Span {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.span.col.max(1).checked_add(offset) {
            Some(_) => self.span.shifted(offset),
            None => Span::at(self.span.file.clone(), self.span.line, u32::MAX),
        }
    }

    fn is_space(&self, i: usize) -> bool {
        self.chars.get(i).is_some_and(|c| c.is_whitespace())
    }

    /// Skips whitespace from `i`; remembers it if another token follows.
    fn skip_noting(&mut self, i: usize) -> usize {
        let mut j = i;
        while self.is_space(j) {
            j += 1;
        }
        if j > i && j < self.chars.len() {
            self.spaces.push(i);
        }
        j
    }

    fn pairs(&mut self) -> Result<Vec<(OverrideRef, usize)>, Error> {
        // Leading whitespace is not between tokens; the INI parser trims it anyway.
        let mut i = 0;
        while self.is_space(i) {
            i += 1;
        }
        if i == self.chars.len() {
            return Err(Located::new(self.at(0), ErrorKind::EmptyList));
        }
        let mut pairs = Vec::new();
        loop {
            let start = i;
            let (pointer_text, end) = self.string(i, "a quoted pointer")?;
            let pointer = Pointer::parse(&pointer_text)
                .map_err(|e| self.locate_pointer_error(e, start, end, &pointer_text))?;
            i = self.skip_noting(end);
            match self.chars.get(i) {
                Some(':') => {}
                None | Some(',') | Some('"') => {
                    return Err(Located::new(
                        self.at(i),
                        ErrorKind::MissingColon {
                            pointer: pointer_text,
                        },
                    ));
                }
                Some(&found) => {
                    return Err(Located::new(
                        self.at(i),
                        ErrorKind::UnexpectedChar {
                            found,
                            expected: "`:`",
                        },
                    ));
                }
            }
            i = self.skip_noting(i + 1);
            if i == self.chars.len() {
                return Err(Located::new(
                    self.at(i),
                    ErrorKind::MissingPath {
                        pointer: pointer_text,
                    },
                ));
            }
            let (path, end) = self.string(i, "a quoted path")?;
            pairs.push((
                OverrideRef {
                    pointer,
                    path,
                    span: self.at(start),
                },
                start,
            ));
            // Trailing whitespace after the last pair is not between tokens.
            let mut j = end;
            while self.is_space(j) {
                j += 1;
            }
            if j == self.chars.len() {
                return Ok(pairs);
            }
            i = self.skip_noting(end);
            match self.chars.get(i) {
                Some(',') => {}
                Some(&found) => {
                    return Err(Located::new(
                        self.at(i),
                        ErrorKind::UnexpectedChar {
                            found,
                            expected: "`,` or the end of the list",
                        },
                    ));
                }
                None => return Ok(pairs),
            }
            let comma = i;
            let mut j = i + 1;
            while self.is_space(j) {
                j += 1;
            }
            if j == self.chars.len() {
                return Err(Located::new(self.at(comma), ErrorKind::TrailingComma));
            }
            i = self.skip_noting(comma + 1);
        }
    }

    /// Reads the JSON string literal starting at `i`; returns it decoded and the offset after it.
    fn string(&self, i: usize, expected: &'static str) -> Result<(String, usize), Error> {
        match self.chars.get(i) {
            Some('"') => {}
            Some(&found) => {
                return Err(Located::new(
                    self.at(i),
                    ErrorKind::UnexpectedChar { found, expected },
                ));
            }
            None => {
                return Err(Located::new(
                    self.at(i),
                    ErrorKind::UnexpectedChar {
                        found: ' ',
                        expected,
                    },
                ));
            }
        }
        let mut j = i + 1;
        let end = loop {
            match self.chars.get(j) {
                None => return Err(Located::new(self.at(i), ErrorKind::UnterminatedQuote)),
                Some('\\') => j += 2,
                Some('"') => break j + 1,
                Some(_) => j += 1,
            }
        };
        let token: String = self.chars[i..end].iter().collect();
        match serde_json::from_str::<String>(&token) {
            Ok(s) => Ok((s, end)),
            Err(e) => {
                // serde_json counts bytes from 1; turn that into characters of the token.
                let byte_col = e.column().saturating_sub(1);
                let char_col = token
                    .char_indices()
                    .take_while(|(b, _)| *b < byte_col)
                    .count();
                let reason = strip_position(&e.to_string());
                Err(Located::new(
                    self.at(i + char_col),
                    ErrorKind::BadString { token, reason },
                ))
            }
        }
    }

    /// Points a pointer error at the offending character when the token has no `\` escapes.
    fn locate_pointer_error(
        &self,
        e: PointerError,
        start: usize,
        end: usize,
        decoded: &str,
    ) -> Error {
        let inner: String = self.chars[start + 1..end - 1].iter().collect();
        let at = match e.offset() {
            Some(offset) if inner == decoded => start + 1 + offset,
            _ if inner == decoded => start + 1,
            _ => start,
        };
        Located::new(self.at(at), ErrorKind::Pointer(e))
    }
}

/// serde_json's message without its ` at line L column C` suffix.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value starts at column 20 of line 3 (`job-json-overrides=` is 19 characters).
    fn start() -> Span {
        Span::at("launcher.kubernetes.profiles.conf", 3, 20)
    }

    fn ok(value: &str) -> (Vec<(String, String, u32)>, Vec<Warning>) {
        match parse_list(value, &start()) {
            Ok((pairs, warnings)) => (
                pairs
                    .into_iter()
                    .map(|p| (p.pointer.as_str().to_owned(), p.path, p.span.col))
                    .collect(),
                warnings,
            ),
            Err(e) => panic!("{value:?} should parse: {e}"),
        }
    }

    fn err(value: &str) -> Error {
        match parse_list(value, &start()) {
            Ok(r) => panic!("{value:?} should fail, got {r:?}"),
            Err(e) => e,
        }
    }

    fn col(e: &Error) -> u32 {
        e.span.col
    }

    #[test]
    fn one_pair() {
        let (pairs, warnings) =
            ok(r#""/spec/template/spec/nodeSelector/disk":"/etc/rstudio/o/ssd.json""#);
        assert_eq!(
            pairs,
            [(
                "/spec/template/spec/nodeSelector/disk".into(),
                "/etc/rstudio/o/ssd.json".into(),
                20
            )]
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn order_and_duplicates_are_kept_with_the_column_of_each_pair() {
        let (pairs, _) = ok(r#""/v/-":"/a.json","/m/-":"/b.json","/v/-":"/c.json""#);
        assert_eq!(
            pairs,
            [
                ("/v/-".into(), "/a.json".into(), 20),
                ("/m/-".into(), "/b.json".into(), 37),
                ("/v/-".into(), "/c.json".into(), 54),
            ]
        );
    }

    #[test]
    fn tokens_are_json_string_literals() {
        let (pairs, _) = ok(r#""/\u0061b/c~1d":"/etc/rstudio/x\"y.json""#);
        assert_eq!(pairs[0].0, "/ab/c~1d");
        assert_eq!(pairs[0].1, "/etc/rstudio/x\"y.json");
    }

    #[test]
    fn the_empty_pointer_is_allowed() {
        let (pairs, _) = ok(r#""":"/etc/rstudio/job.json""#);
        assert_eq!(pairs[0].0, "");
    }

    #[test]
    fn whitespace_around_colon_and_comma_is_accepted_with_one_warning() {
        let (pairs, warnings) = ok(r#""/a" : "/f.json" , "/b":"/g.json""#);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1].2, 20 + 19);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].span.as_ref().map(|s| s.col), Some(24));
        assert!(
            warnings[0].message.contains("(4 places)"),
            "{}",
            warnings[0].message
        );
        assert_eq!(
            warnings[0].hint.as_deref(),
            Some(r#"Posit's examples never have it; write `"/a":"/f.json","/b":"/g.json"`"#)
        );
    }

    #[test]
    fn whitespace_around_the_whole_value_is_not_warned() {
        let (_, warnings) = ok(" \"/a\":\"/f\" ");
        assert!(warnings.is_empty());
    }

    #[test]
    fn empty_list_is_an_error_at_the_value() {
        for value in ["", "   "] {
            let e = err(value);
            assert!(matches!(e.error, ErrorKind::EmptyList), "{e:?}");
            assert_eq!(col(&e), 20);
        }
    }

    #[test]
    fn unterminated_quote_points_at_the_opening_quote() {
        let e = err(r#""/a":"/f.json"#);
        assert!(matches!(e.error, ErrorKind::UnterminatedQuote), "{e:?}");
        assert_eq!(col(&e), 25);
        let e = err(r#""/a"#);
        assert_eq!(col(&e), 20);
        // An escaped quote does not close the string.
        assert!(matches!(
            err(r#""/a\""#).error,
            ErrorKind::UnterminatedQuote
        ));
    }

    #[test]
    fn pair_without_colon_is_an_error() {
        let e = err(r#""/a","/f""#);
        assert!(
            matches!(&e.error, ErrorKind::MissingColon { pointer, .. } if pointer == "/a"),
            "{e:?}"
        );
        assert_eq!(col(&e), 24);
        assert_eq!(e.error.pointer(), Some("/a"));
        let e = err(r#""/a""#);
        assert!(matches!(e.error, ErrorKind::MissingColon { .. }), "{e:?}");
        assert_eq!(col(&e), 24);
        let e = err(r#""/a" "/f""#);
        assert!(matches!(e.error, ErrorKind::MissingColon { .. }), "{e:?}");
        assert_eq!(col(&e), 25);
    }

    #[test]
    fn colon_at_the_end_is_a_missing_path() {
        let e = err(r#""/a":"#);
        assert!(matches!(e.error, ErrorKind::MissingPath { .. }), "{e:?}");
        assert_eq!(col(&e), 25);
    }

    #[test]
    fn unexpected_characters_name_what_was_expected() {
        let e = err(r#""/a":/f.json"#);
        assert!(
            matches!(
                e.error,
                ErrorKind::UnexpectedChar {
                    found: '/',
                    expected: "a quoted path",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(col(&e), 25);
        assert!(e.hint().is_some_and(|h| h.contains("quote it")));

        let e = err(r#"/a:"/f""#);
        assert!(
            matches!(
                e.error,
                ErrorKind::UnexpectedChar {
                    found: '/',
                    expected: "a quoted pointer",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(col(&e), 20);

        let e = err(r#""/a"="/f""#);
        assert!(
            matches!(
                e.error,
                ErrorKind::UnexpectedChar {
                    found: '=',
                    expected: "`:`",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(col(&e), 24);

        let e = err(r#""/a":"/f";"/b":"/g""#);
        assert!(
            matches!(e.error, ErrorKind::UnexpectedChar { found: ';', .. }),
            "{e:?}"
        );
        assert_eq!(col(&e), 29);

        let e = err("'/a':'/f'");
        assert!(
            e.hint().is_some_and(|h| h.contains("double quotes")),
            "{e:?}"
        );
    }

    #[test]
    fn pairs_without_a_comma_between_them_get_a_hint() {
        let e = err(r#""/a":"/f" "/b":"/g""#);
        assert!(
            matches!(e.error, ErrorKind::UnexpectedChar { found: '"', .. }),
            "{e:?}"
        );
        assert_eq!(col(&e), 30);
        assert_eq!(e.hint().as_deref(), Some("separate pairs with `,`"));
    }

    #[test]
    fn trailing_comma_points_at_the_comma() {
        let e = err(r#""/a":"/f","#);
        assert!(matches!(e.error, ErrorKind::TrailingComma), "{e:?}");
        assert_eq!(col(&e), 29);
        assert!(matches!(
            err(r#""/a":"/f" , "#).error,
            ErrorKind::TrailingComma
        ));
    }

    #[test]
    fn a_double_comma_is_unexpected() {
        let e = err(r#""/a":"/f",,"/b":"/g""#);
        assert!(
            matches!(e.error, ErrorKind::UnexpectedChar { found: ',', .. }),
            "{e:?}"
        );
        assert_eq!(col(&e), 30);
    }

    #[test]
    fn invalid_string_escapes_are_errors_at_the_escape() {
        let e = err(r#""/a\q":"/f""#);
        assert!(matches!(e.error, ErrorKind::BadString { .. }), "{e:?}");
        assert_eq!(col(&e), 20 + 4);
    }

    #[test]
    fn invalid_pointers_are_errors_at_the_pointer() {
        let e = err(r#""spec/x":"/f""#);
        assert!(
            matches!(
                e.error,
                ErrorKind::Pointer(PointerError::NotAbsolute { .. })
            ),
            "{e:?}"
        );
        assert_eq!(col(&e), 21);
        assert_eq!(e.hint().as_deref(), Some("did you mean `/spec/x`?"));

        let e = err(r#""/a":"/f","/b~2":"/g""#);
        assert!(
            matches!(
                e.error,
                ErrorKind::Pointer(PointerError::Escape { offset: 2, .. })
            ),
            "{e:?}"
        );
        // `"` at 30, `/` at 31, `~` at 33.
        assert_eq!(col(&e), 33);
        assert_eq!(e.error.pointer(), Some("/b~2"));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let e = err(r#""/é":"/f","#);
        assert_eq!(col(&e), 29);
    }
}
