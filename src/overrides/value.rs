//! The one JSON value an override file holds, and the mistakes admins make writing it.

use std::path::Path;

use serde_json::Value;

use crate::location::{Located, Span};

use super::list::strip_position;
use super::{Error, ErrorKind};

/// Reads the one JSON value an override file holds; `file` is the path shown in messages.
pub fn parse_value(file: &Path, bytes: &[u8]) -> Result<Value, Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.valid_up_to();
            // The valid prefix locates the bad byte; the bad byte itself is one column.
            let valid = String::from_utf8_lossy(&bytes[..offset]);
            let (line, col) = line_col(&valid, valid.len());
            return Err(Located::new(
                Span::at(file, line, col),
                ErrorKind::NotUtf8 { offset },
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(Located::new(Span::file(file), ErrorKind::EmptyFile));
    }
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = match values.next() {
        Some(Ok(value)) => value,
        Some(Err(e)) => return Err(syntax(file, text, &e)),
        None => {
            return Err(Located::new(Span::file(file), ErrorKind::EmptyFile));
        }
    };
    let end = values.byte_offset();
    let rest = text.get(end..).unwrap_or("");
    let Some(extra) = rest.find(|c: char| !c.is_whitespace()).map(|i| end + i) else {
        return Ok(value);
    };
    let (line, col) = line_col(text, extra);
    let span = Span::at(file, line, col);
    if value.is_string() && text[extra..].starts_with(':') {
        return Err(Located::new(
            span,
            ErrorKind::Fragment {
                corrected: wrap(text),
            },
        ));
    }
    Err(Located::new(
        span,
        ErrorKind::TrailingCharacters {
            line: line_text(text, extra).to_owned(),
        },
    ))
}

/// The 1-based line and column in the JSON `text` of the member key or array element that
/// `tokens` (RFC 6901 tokens, unescaped) lead to; `None` when the text has no such place (or
/// is not JSON).
pub fn locate(text: &str, tokens: &[String]) -> Option<(u32, u32)> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let offset = scan.find(tokens)?;
    Some(line_col(text, offset))
}

/// A cursor over JSON text that skips what it does not need; the text already parsed, so
/// anything unexpected only ends the search.
struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// The offset of the place `tokens` lead to from the value at the cursor.
    fn find(&mut self, tokens: &[String]) -> Option<usize> {
        self.space();
        let Some((first, rest)) = tokens.split_first() else {
            return Some(self.at);
        };
        match self.peek()? {
            b'{' => {
                self.at += 1;
                let mut found = None;
                loop {
                    self.space();
                    if self.peek()? == b'}' {
                        break;
                    }
                    let key_at = self.at;
                    let key = self.string()?;
                    self.space();
                    (self.peek()? == b':').then_some(())?;
                    self.at += 1;
                    // A repeated key: the last one is the value (as serde_json reads it).
                    if key == *first {
                        found = Some((key_at, self.at));
                    }
                    self.skip()?;
                    self.space();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => break,
                        _ => return None,
                    }
                }
                let (key_at, value_at) = found?;
                if rest.is_empty() {
                    return Some(key_at);
                }
                self.at = value_at;
                self.find(rest)
            }
            b'[' => {
                let wanted: usize = first.parse().ok()?;
                self.at += 1;
                for _ in 0..wanted {
                    self.skip()?;
                    self.space();
                    (self.peek()? == b',').then_some(())?;
                    self.at += 1;
                }
                self.space();
                (self.peek()? != b']').then_some(())?;
                self.find(rest)
            }
            _ => None,
        }
    }

    /// Reads the string at the cursor.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        (self.peek()? == b'"').then_some(())?;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        serde_json::from_str(self.text.get(start..self.at)?).ok()
    }

    /// Moves the cursor past the value at it.
    fn skip(&mut self) -> Option<()> {
        self.space();
        match self.peek()? {
            b'"' => self.string().map(drop),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.at += 1;
                loop {
                    self.space();
                    if self.peek()? == close {
                        self.at += 1;
                        return Some(());
                    }
                    if open == b'{' {
                        self.string()?;
                        self.space();
                        (self.peek()? == b':').then_some(())?;
                        self.at += 1;
                    }
                    self.skip()?;
                    self.space();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b if b == close => {}
                        _ => return None,
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// The trimmed line holding byte `offset`.
fn line_text(text: &str, offset: usize) -> &str {
    let start = text
        .get(..offset)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)
        .and_then(|a| a.find('\n'))
        .map_or(text.len(), |i| offset + i);
    text.get(start..end).unwrap_or("").trim()
}

/// The fragment as the object the admin meant.
fn wrap(text: &str) -> String {
    let inner = text.trim();
    if inner.contains('\n') {
        format!("{{\n{inner}\n}}")
    } else {
        format!("{{ {inner} }}")
    }
}

/// A serde_json error as a located [`ErrorKind::Syntax`], with a hint for known mistakes.
fn syntax(file: &Path, text: &str, e: &serde_json::Error) -> Error {
    // serde_json reports an error found at a line break at column 0 of the next line; the
    // admin's mistake is at the end of the line before.
    let (line, byte_col) = match (e.line(), e.column()) {
        (line, 0) if line > 1 => {
            let prev = text.lines().nth(line - 2).unwrap_or("");
            (line - 1, prev.len() + 1)
        }
        other => other,
    };
    // serde_json counts columns in bytes; spans count characters.
    let line_str = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let col = line_str
        .char_indices()
        .take_while(|(b, _)| *b < byte_col)
        .count();
    let col = if byte_col > line_str.len() {
        col + 1
    } else {
        col
    };
    let col = u32::try_from(col).unwrap_or(u32::MAX);
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    Located::new(
        Span::at(file, line, col),
        ErrorKind::Syntax {
            message: strip_position(&e.to_string()),
            hint: syntax_hint(text),
        },
    )
}

fn syntax_hint(text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    if text.starts_with('\u{feff}') {
        return Some("remove the byte order mark at the start of the file".to_owned());
    }
    if trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.starts_with('#') {
        return Some("JSON has no comments; remove them".to_owned());
    }
    if trimmed.starts_with('\'') {
        return Some("JSON strings use double quotes `\"`".to_owned());
    }
    // `key: value` or `- item` at the start: the admin wrote YAML.
    let first_word: String = trimmed
        .chars()
        .take_while(|c| c.is_alphanumeric() || "-_.".contains(*c))
        .collect();
    let after = trimmed[first_word.len()..].trim_start();
    let yaml_key = !first_word.is_empty() && after.starts_with(':');
    if yaml_key || trimmed.starts_with("- ") {
        return Some(
            "override files are JSON, not YAML: quote keys and strings, wrap objects in `{ }`"
                .to_owned(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Value, Error> {
        parse_value(Path::new("o/sc.json"), text.as_bytes())
    }

    fn pos(e: &Error) -> (u32, u32) {
        (e.span.line, e.span.col)
    }

    #[test]
    fn any_one_value_is_accepted() {
        assert_eq!(
            parse(r#"{"privileged": true}"#).ok(),
            Some(json!({"privileged": true}))
        );
        assert_eq!(parse("[1, 2]\n").ok(), Some(json!([1, 2])));
        assert_eq!(parse(" \"Always\" ").ok(), Some(json!("Always")));
        assert_eq!(parse("\"false\"").ok(), Some(json!("false")));
        assert_eq!(parse("42").ok(), Some(json!(42)));
        assert_eq!(parse("true").ok(), Some(json!(true)));
        assert_eq!(parse("null").ok(), Some(json!(null)));
    }

    #[test]
    fn object_member_order_is_kept() {
        let v = parse(r#"{"b": 1, "a": 2}"#).ok();
        let keys: Vec<String> = v
            .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect()))
            .unwrap_or_default();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn empty_or_blank_file_is_an_error() {
        for text in ["", " \n\t\n"] {
            let e = parse(text).err();
            assert!(
                matches!(e.as_ref().map(|e| &e.error), Some(ErrorKind::EmptyFile)),
                "{e:?}"
            );
            assert_eq!(
                e.map(|e| e.to_string()).as_deref(),
                Some("o/sc.json: empty file: expected one JSON value")
            );
        }
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let e = parse_value(Path::new("o/sc.json"), b"{\n  \"a\": \"\xff\"}").err();
        assert!(
            matches!(
                e.as_ref().map(|e| &e.error),
                Some(ErrorKind::NotUtf8 { offset: 10, .. })
            ),
            "{e:?}"
        );
        assert_eq!(e.as_ref().map(pos), Some((2, 9)));
        assert_eq!(
            e.and_then(|e| e.hint()).as_deref(),
            Some("save the file as UTF-8")
        );
    }

    #[test]
    fn a_fragment_without_braces_suggests_wrapping_it() {
        let e = parse("\"privileged\": true\n").err();
        assert!(
            matches!(
                e.as_ref().map(|e| &e.error),
                Some(ErrorKind::Fragment { .. })
            ),
            "{e:?}"
        );
        assert_eq!(e.as_ref().map(pos), Some((1, 13)));
        assert_eq!(
            e.and_then(|e| e.hint()).as_deref(),
            Some("wrap it in `{ }`: `{ \"privileged\": true }`")
        );
    }

    #[test]
    fn a_multi_line_fragment_is_wrapped_on_its_own_lines() {
        let e = parse("\"a\": 1,\n\"b\": 2\n").err();
        let Some(ErrorKind::Fragment { corrected, .. }) = e.as_ref().map(|e| &e.error) else {
            panic!("{e:?}")
        };
        assert_eq!(corrected, "{\n\"a\": 1,\n\"b\": 2\n}");
    }

    #[test]
    fn two_values_are_an_error_showing_the_line() {
        let e = parse("{\"a\": 1}\n{\"b\": 2}\n").err();
        assert!(
            matches!(e.as_ref().map(|e| &e.error), Some(ErrorKind::TrailingCharacters { line, .. }) if line == "{\"b\": 2}"),
            "{e:?}"
        );
        assert_eq!(e.as_ref().map(pos), Some((2, 1)));
        let e = parse("[1] x").err();
        assert!(
            matches!(
                e.as_ref().map(|e| &e.error),
                Some(ErrorKind::TrailingCharacters { .. })
            ),
            "{e:?}"
        );
        assert_eq!(e.as_ref().map(pos), Some((1, 5)));
        // A string followed by something other than `:` is two values, not a fragment.
        assert!(matches!(
            parse("\"a\" \"b\"").map_err(|e| e.error),
            Err(ErrorKind::TrailingCharacters { .. })
        ));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = parse("{\n  \"a\": tru\n}").err();
        assert!(
            matches!(e.as_ref().map(|e| &e.error), Some(ErrorKind::Syntax { .. })),
            "{e:?}"
        );
        assert_eq!(e.as_ref().map(pos), Some((2, 11)));
        let text = e.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(text, "o/sc.json:2:11: invalid JSON: expected ident");
    }

    #[test]
    fn syntax_error_columns_count_characters() {
        let e = parse("{\"é\": x}").err();
        assert_eq!(e.as_ref().map(pos), Some((1, 7)));
    }

    #[test]
    fn yaml_gets_a_hint() {
        let e = parse("privileged: true\n").err();
        assert!(
            e.and_then(|e| e.hint())
                .is_some_and(|h| h.contains("not YAML"))
        );
    }

    #[test]
    fn comments_get_a_hint() {
        let e = parse("// sc\n{}").err();
        assert!(
            e.and_then(|e| e.hint())
                .is_some_and(|h| h.contains("no comments"))
        );
    }

    #[test]
    fn a_byte_order_mark_gets_a_hint() {
        let e = parse("\u{feff}{}").err();
        assert!(
            e.and_then(|e| e.hint())
                .is_some_and(|h| h.contains("byte order mark"))
        );
    }

    fn tokens(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn locate_finds_the_key_or_element_a_pointer_names() {
        let text = "[\n  {\"name\": \"home\", \"emptyDir\": {}},\n  {\"name\": \"a\\\"b\", \"x\": [1, {\"y\": 2}]},\n    {\"name\": \"home\"}\n]\n";
        assert_eq!(locate(text, &tokens(&["2"])), Some((4, 5)));
        assert_eq!(locate(text, &tokens(&["2", "name"])), Some((4, 6)));
        assert_eq!(locate(text, &tokens(&["1", "x", "1", "y"])), Some((3, 30)));
        assert_eq!(locate(text, &tokens(&["0", "emptyDir"])), Some((2, 20)));
        assert_eq!(locate(text, &tokens(&["3"])), None);
        assert_eq!(locate(text, &tokens(&["0", "nope"])), None);
        assert_eq!(
            locate("{\"a\": 1, \"a\": 2}", &tokens(&["a"])),
            Some((1, 10))
        );
        assert_eq!(locate("name: x", &tokens(&["name"])), None);
    }
}
