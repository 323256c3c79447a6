//! JSON Pointers as the launcher reads them: RStudio's `setValueAtPointerPath` hands the text
//! to rapidjson's `GenericPointer` (`include/rapidjson/pointer.h`, `Parse`), which takes an RFC
//! 6901 pointer (`""` or `/`-separated tokens with the `~0`/`~1` escapes) or its URI fragment
//! form (`#/spec/...`, RFC 6901 section 6, with `%XX` escapes and only unreserved characters
//! written as themselves).

use std::fmt;

use super::PointerError;

/// A parsed RFC 6901 JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pointer {
    raw: String,
    tokens: Vec<String>,
}

impl Pointer {
    /// Parses a pointer (`""`, `/a/b~1c`, or the URI fragment `#/a/b%20c`).
    pub fn parse(raw: &str) -> Result<Pointer, PointerError> {
        let chars: Vec<char> = raw.chars().collect();
        let uri = chars.first() == Some(&'#');
        // Offsets are in characters so that they can be turned into columns.
        let mut i = usize::from(uri);
        if i < chars.len() && chars[i] != '/' {
            return Err(PointerError::NotAbsolute {
                pointer: raw.to_owned(),
            });
        }
        let mut tokens = Vec::new();
        while i < chars.len() {
            i += 1; // the `/`
            let mut token = String::new();
            while let Some(&found) = chars.get(i).filter(|c| **c != '/') {
                let start = i;
                let mut c = found;
                if uri && c == '%' {
                    let Some((decoded, used)) = percent_decode(&chars[i..]) else {
                        return Err(PointerError::PercentEncoding {
                            pointer: raw.to_owned(),
                            offset: i,
                        });
                    };
                    i += used;
                    if decoded.len_utf8() > 1 {
                        token.push(decoded);
                        continue;
                    }
                    // rapidjson goes on with a one-byte character as if written plainly, so
                    // `%7E` starts a `~` escape.
                    c = decoded;
                } else if uri && needs_percent_encoding(c) {
                    return Err(PointerError::MustPercentEncode {
                        pointer: raw.to_owned(),
                        offset: i,
                        found: c,
                    });
                } else {
                    i += 1;
                }
                if c == '~' {
                    match chars.get(i) {
                        Some('0') => c = '~',
                        Some('1') => c = '/',
                        other => {
                            return Err(PointerError::Escape {
                                pointer: raw.to_owned(),
                                offset: start,
                                found: other.copied(),
                            });
                        }
                    }
                    i += 1;
                }
                token.push(c);
            }
            tokens.push(token);
        }
        Ok(Pointer {
            raw: raw.to_owned(),
            tokens,
        })
    }

    /// The pointer as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Whether a URI fragment pointer must write `c` as `%XX`: everything but RFC 3986's
/// unreserved characters (rapidjson `NeedPercentEncode`).
fn needs_percent_encoding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
}

/// Decodes the `%XX` triplets of one UTF-8 character at the start of `chars`: the character
/// and how many characters of `chars` it took, or `None` when they are not valid UTF-8.
fn percent_decode(chars: &[char]) -> Option<(char, usize)> {
    let byte = |at: usize| -> Option<u8> {
        if chars.get(at) != Some(&'%') {
            return None;
        }
        let hex: String = chars.get(at + 1..at + 3)?.iter().collect();
        u8::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 2)
    };
    let first = byte(0)?;
    let len = match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let bytes: Vec<u8> = (0..len).map(|k| byte(3 * k)).collect::<Option<_>>()?;
    let decoded = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    Some((decoded, 3 * len))
}

/// One reference token escaped for writing into a pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::Hint;

    fn tokens(raw: &str) -> Vec<String> {
        match Pointer::parse(raw) {
            Ok(p) => p.tokens().to_vec(),
            Err(e) => panic!("{raw:?} should parse: {e}"),
        }
    }

    #[test]
    fn empty_pointer_is_the_whole_document() {
        assert!(tokens("").is_empty());
        assert_eq!(
            Pointer::parse("").map(|p| p.as_str().to_owned()).ok(),
            Some(String::new())
        );
    }

    #[test]
    fn tokens_are_split_at_slashes() {
        assert_eq!(tokens("/spec/template/spec"), ["spec", "template", "spec"]);
        assert_eq!(tokens("/"), [""]);
        assert_eq!(tokens("/a//b/"), ["a", "", "b", ""]);
    }

    #[test]
    fn tilde_one_is_a_slash_and_tilde_zero_a_tilde() {
        assert_eq!(
            tokens("/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict"),
            [
                "metadata",
                "annotations",
                "cluster-autoscaler.kubernetes.io/safe-to-evict"
            ]
        );
        assert_eq!(tokens("/a~0b"), ["a~b"]);
        // `~01` is `~` then `1`, not `/`: escapes are decoded once, left to right.
        assert_eq!(tokens("/~01"), ["~1"]);
    }

    #[test]
    fn as_str_and_display_keep_the_text_as_written() {
        let p = Pointer::parse("/a~1b").ok();
        assert_eq!(p.as_ref().map(Pointer::as_str), Some("/a~1b"));
        assert_eq!(p.map(|p| p.to_string()), Some("/a~1b".to_owned()));
    }

    #[test]
    fn a_pointer_without_leading_slash_is_an_error_with_a_hint() {
        let err = Pointer::parse("spec/template").err();
        assert!(
            matches!(err, Some(PointerError::NotAbsolute { .. })),
            "{err:?}"
        );
        let hint = err.and_then(|e| e.hint());
        assert_eq!(hint.as_deref(), Some("did you mean `/spec/template`?"));
    }

    // Source: rapidjson `include/rapidjson/pointer.h` `GenericPointer::Parse`: a leading `#`
    // is the URI fragment form, whose `%XX` escapes are decoded; RStudio's
    // `setValueAtPointerPath` passes the text to it unchanged.
    #[test]
    fn a_uri_fragment_pointer_is_read_with_percent_decoding() {
        assert_eq!(
            tokens("#/metadata/annotations/a%2Fb%20c"),
            ["metadata", "annotations", "a/b c"]
        );
        assert_eq!(tokens("#/spec/caf%C3%A9"), ["spec", "café"]);
        assert!(tokens("#").is_empty());
        // A decoded `~` still starts an escape, as in rapidjson.
        assert_eq!(tokens("#/a%7E1b"), ["a/b"]);
        assert_eq!(
            Pointer::parse("#/spec").map(|p| p.as_str().to_owned()).ok(),
            Some("#/spec".to_owned())
        );
    }

    // Source: the same `Parse`: `kPointerParseErrorInvalidPercentEncoding` and
    // `kPointerParseErrorCharacterMustPercentEncode` (`NeedPercentEncode`).
    #[test]
    fn bad_uri_fragments_are_errors_naming_the_offset() {
        let err = Pointer::parse("#/a%zz").err();
        assert_eq!(
            err,
            Some(PointerError::PercentEncoding {
                pointer: "#/a%zz".into(),
                offset: 3
            })
        );
        assert!(Pointer::parse("#/a%C3").is_err());
        let err = Pointer::parse("#/a:b").err();
        assert_eq!(
            err,
            Some(PointerError::MustPercentEncode {
                pointer: "#/a:b".into(),
                offset: 3,
                found: ':'
            })
        );
        assert_eq!(
            err.and_then(|e| e.hint()).as_deref(),
            Some("write `:` as `%3A`, or drop the `#` and write a plain pointer")
        );
        // Without `#` the same characters are plain.
        assert_eq!(tokens("/a:b%zz"), ["a:b%zz"]);
    }

    #[test]
    fn a_fragment_without_its_slash_gets_a_hint() {
        let hint = Pointer::parse("#spec").err().and_then(|e| e.hint());
        assert_eq!(hint.as_deref(), Some("did you mean `#/spec`?"));
    }

    #[test]
    fn other_tilde_escapes_are_errors_naming_the_offset() {
        let err = Pointer::parse("/ab~2").err();
        assert!(
            matches!(
                &err,
                Some(PointerError::Escape {
                    offset: 3,
                    found: Some('2'),
                    ..
                })
            ),
            "{err:?}"
        );
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("invalid escape `~2` at offset 3 in pointer `/ab~2`")
        );
        let err = Pointer::parse("/a~").err();
        assert!(
            matches!(
                &err,
                Some(PointerError::Escape {
                    offset: 2,
                    found: None,
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn escape_token_round_trips() {
        let token = "a/b~c";
        let p = Pointer::parse(&format!("/{}", escape_token(token))).ok();
        assert_eq!(p.map(|p| p.tokens().to_vec()), Some(vec![token.to_owned()]));
    }
}
