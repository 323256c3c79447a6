//! RFC 6901 JSON Pointers as the launcher reads them: `""` or `/`-separated tokens with the
//! `~0`/`~1` escapes and nothing else.

use std::fmt;

use super::PointerError;

/// A parsed RFC 6901 JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pointer {
    raw: String,
    tokens: Vec<String>,
}

impl Pointer {
    /// Parses a pointer (`""` or `/a/b~1c`).
    pub fn parse(raw: &str) -> Result<Pointer, PointerError> {
        if raw.is_empty() {
            return Ok(Pointer {
                raw: String::new(),
                tokens: Vec::new(),
            });
        }
        if !raw.starts_with('/') {
            return Err(PointerError::NotAbsolute {
                pointer: raw.to_owned(),
            });
        }
        let mut tokens = Vec::new();
        let mut current = String::new();
        // Offsets are in characters so that they can be turned into columns.
        let mut chars = raw.chars().enumerate().skip(1);
        while let Some((offset, c)) = chars.next() {
            match c {
                '/' => tokens.push(std::mem::take(&mut current)),
                '~' => match chars.next() {
                    Some((_, '0')) => current.push('~'),
                    Some((_, '1')) => current.push('/'),
                    other => {
                        return Err(PointerError::Escape {
                            pointer: raw.to_owned(),
                            offset,
                            found: other.map(|(_, c)| c),
                        });
                    }
                },
                c => current.push(c),
            }
        }
        tokens.push(current);
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

    #[test]
    fn a_uri_fragment_pointer_gets_a_hint_without_the_hash() {
        let hint = Pointer::parse("#/spec").err().and_then(|e| e.hint());
        assert_eq!(hint.as_deref(), Some("did you mean `/spec`?"));
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
