//! Decoding JSON as Go's `encoding/json` does for Sprig's `fromJson` and `mustFromJson`:
//! any JSON value (into `interface{}`), and for bad input the exact text of Go's
//! `SyntaxError`, which a template that prints or fails with it shows. The syntax check
//! follows the states of Go's `encoding/json/scanner.go`, which `Unmarshal` runs over the
//! whole input before decoding.

use super::value::Value;

/// `json.Unmarshal(s, &interface{})`: the value, or Go's error text.
pub fn decode(s: &str) -> Result<Value, String> {
    check(s.as_bytes())?;
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(j) => Ok(Value::from_json(&j)),
        // Valid syntax serde_json still refuses: a number beyond float64 (Go decodes what it
        // can and reports the number).
        Err(_) => Err(format!(
            "json: cannot unmarshal number {} into Go value of type float64",
            huge_number(s).unwrap_or_default()
        )),
    }
}

fn huge_number(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        if b[i] == b'-' || b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && matches!(b[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            let tok = &s[start..i];
            if tok.parse::<f64>().is_ok_and(|f| f.is_infinite()) {
                return Some(tok.to_string());
            }
            continue;
        }
        i += 1;
    }
    None
}

/// Go's `quoteChar`: how a `SyntaxError` names the offending byte.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_string(),
        b'"' => "'\"'".to_string(),
        // `string(c)` of a byte is the Latin-1 character of that value, as Go writes it.
        c => {
            let q = super::gofmt::quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

type R = Result<(), String>;

const EOF: &str = "unexpected end of JSON input";

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }
    fn bad(&self, context: &str) -> String {
        match self.peek() {
            None => EOF.to_string(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        }
    }
    fn value(&mut self) -> R {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(self.bad("looking for beginning of value")),
        }
    }
    fn object(&mut self) -> R {
        self.i += 1;
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.bad("looking for beginning of object key string"));
            }
            self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.bad("after object key"));
            }
            self.i += 1;
            self.value()?;
            self.skip_space();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_space();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.bad("after object key:value pair")),
            }
        }
    }
    fn array(&mut self) -> R {
        self.i += 1;
        self.skip_space();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.value()?;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.bad("after array element")),
            }
        }
    }
    fn string(&mut self) -> R {
        self.i += 1;
        loop {
            match self.peek() {
                None => return Err(EOF.into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return Err(self.bad("in \\u hexadecimal character escape"));
                                }
                                self.i += 1;
                            }
                        }
                        _ => return Err(self.bad("in string escape code")),
                    }
                }
                Some(c) if c < 0x20 => return Err(self.bad("in string literal")),
                Some(_) => self.i += 1,
            }
        }
    }
    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }
    fn number(&mut self) -> R {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.bad("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.bad("after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.bad("in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }
    fn literal(&mut self, word: &[u8]) -> R {
        let name = std::str::from_utf8(word).unwrap_or_default();
        self.i += 1;
        for &want in &word[1..] {
            if self.peek() != Some(want) {
                return Err(self.bad(&format!(
                    "in literal {name} (expecting {})",
                    quote_char(want)
                )));
            }
            self.i += 1;
        }
        Ok(())
    }
}

/// Go's `checkValid`: `Err` with the `SyntaxError` text for the first bad byte.
fn check(b: &[u8]) -> R {
    let mut s = Scan { b, i: 0 };
    s.value()?;
    s.skip_space();
    if s.peek().is_some() {
        return Err(s.bad("after top-level value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        decode(s).err().unwrap_or_default()
    }

    #[test]
    fn any_json_value_decodes() {
        assert!(matches!(decode("[1,2]"), Ok(Value::List(l)) if l.len() == 2));
        assert!(matches!(decode("\"s\""), Ok(Value::Str(s)) if &*s == "s"));
        assert!(matches!(decode("null"), Ok(Value::Null)));
        assert!(matches!(decode(" 1.5 "), Ok(Value::Float(f)) if f == 1.5));
    }

    #[test]
    fn syntax_errors_are_go_s() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(
            err("not json"),
            "invalid character 'o' in literal null (expecting 'u')"
        );
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(err("0x1F"), "invalid character 'x' after top-level value");
        assert_eq!(err("[1 2]"), "invalid character '2' after array element");
        assert_eq!(err("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(
            err("{\"a\":1 \"b\"}"),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(
            err("{1:2}"),
            "invalid character '1' looking for beginning of object key string"
        );
        assert_eq!(err("\"a\nb\""), "invalid character '\\n' in string literal");
        assert_eq!(
            err("\"\\x\""),
            "invalid character 'x' in string escape code"
        );
        assert_eq!(err("1."), "unexpected end of JSON input");
        assert_eq!(
            err("1.x"),
            "invalid character 'x' after decimal point in numeric literal"
        );
        assert_eq!(err("-"), "unexpected end of JSON input");
        assert_eq!(
            err("'a'"),
            r"invalid character '\'' looking for beginning of value"
        );
        assert_eq!(
            err("1e400"),
            "json: cannot unmarshal number 1e400 into Go value of type float64"
        );
    }
}
