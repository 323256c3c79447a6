//! The lexer of Go's `text/template` (Go 1.19 `text/template/parse/lex.go`): the file's text
//! as tokens, with Go's own words for what it cannot read.

use super::why::Why;

/// A position: byte offset in the file's text, and its 1-based line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Byte offset into the template file.
    pub off: usize,
    /// 1-based line.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Text(String),
    LeftDelim,
    RightDelim,
    Space,
    Pipe,
    Declare,
    Assign,
    Comma,
    LeftParen,
    RightParen,
    Field(String),
    Variable(String),
    Ident(String),
    Dot,
    Bool(bool),
    Nil,
    Number(String),
    Char(String),
    Str(String, String),
    Keyword(&'static str),
    Eof,
    /// Go's words, and the kind of mistake for jjo's hint.
    Error(String, Why),
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: Pos,
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
];

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    start: usize,
    line: usize,
    start_line: usize,
    out: Vec<Token>,
    paren: usize,
    name: &'a str,
    action_line: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn emit(&mut self, tok: Tok) {
        self.out.push(Token {
            tok,
            pos: Pos {
                off: self.start,
                line: self.start_line,
            },
        });
        self.ignore();
    }

    fn ignore(&mut self) {
        self.line += self.src[self.start..self.pos].matches('\n').count();
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn error(&mut self, msg: String) {
        self.error_why(msg, Why::Other);
    }

    /// An error token whose kind a hint can match.
    fn error_why(&mut self, msg: String, why: Why) {
        self.out.push(Token {
            tok: Tok::Error(msg, why),
            pos: Pos {
                off: self.start,
                line: self.start_line,
            },
        });
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest().as_bytes();
        if r.len() >= 4 && is_space(r[0]) && r[1] == b'-' && &r[2..4] == b"}}" {
            return (true, true);
        }
        (r.starts_with(b"}}"), false)
    }

    fn run(mut self) -> Vec<Token> {
        loop {
            // Text up to the next left delimiter.
            match self.rest().find("{{") {
                None => {
                    self.pos = self.src.len();
                    if self.pos > self.start {
                        let t = self.src[self.start..self.pos].to_string();
                        self.emit(Tok::Text(t));
                    }
                    self.emit(Tok::Eof);
                    return self.out;
                }
                Some(i) => {
                    let delim = self.pos + i;
                    let after = &self.src.as_bytes()[delim + 2..];
                    let trim = after.len() >= 2 && after[0] == b'-' && is_space(after[1]);
                    let mut text_end = delim;
                    if trim {
                        text_end = self.src[self.pos..delim]
                            .trim_end_matches([' ', '\t', '\r', '\n'])
                            .len()
                            + self.pos;
                    }
                    self.pos = text_end;
                    if self.pos > self.start {
                        let t = self.src[self.start..self.pos].to_string();
                        self.emit(Tok::Text(t));
                    }
                    self.pos = delim;
                    self.ignore();
                    if !self.left_delim(trim) {
                        return self.out;
                    }
                }
            }
        }
    }

    /// Lexes from a left delimiter to its right delimiter; false after an error.
    fn left_delim(&mut self, trim: bool) -> bool {
        self.pos += 2;
        let after_marker = self.pos + if trim { 2 } else { 0 };
        if self.src[after_marker..].starts_with("/*") {
            self.pos = after_marker;
            self.ignore();
            return self.comment();
        }
        self.action_line = self.start_line;
        self.emit(Tok::LeftDelim);
        self.pos = after_marker;
        self.ignore();
        self.paren = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> bool {
        let Some(end) = self.rest().find("*/") else {
            self.error("unclosed comment".into());
            return false;
        };
        self.pos += end + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.error("comment ends before closing delimiter".into());
            return false;
        }
        if trim {
            self.pos += 2;
        }
        self.pos += 2;
        if trim {
            self.skip_trimmed_space();
        }
        self.ignore();
        true
    }

    /// Moves past the spaces after a ` -}}` trim marker, which trimming removes.
    fn skip_trimmed_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    fn inside_action(&mut self) -> bool {
        loop {
            let (delim, trim) = self.at_right_delim();
            if delim {
                if self.paren == 0 {
                    if trim {
                        self.pos += 2;
                        self.ignore();
                    }
                    self.pos += 2;
                    self.emit(Tok::RightDelim);
                    if trim {
                        self.skip_trimmed_space();
                        self.ignore();
                    }
                    return true;
                }
                self.error("unclosed left paren".into());
                return false;
            }
            let Some(c) = self.next() else {
                self.ignore();
                let msg = format!(
                    "unclosed action started at {}:{}",
                    self.name, self.action_line
                );
                self.error_why(msg, Why::UnclosedAction);
                return false;
            };
            match c {
                c if c.is_ascii() && is_space(c as u8) => {
                    let mut n = 1;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii() && is_space(c as u8))
                    {
                        self.next();
                        n += 1;
                    }
                    // A space that starts ` -}}` belongs to the delimiter.
                    let b = &self.src.as_bytes()[self.pos - 1..];
                    if b.len() >= 4 && b[1] == b'-' && &b[2..4] == b"}}" {
                        self.pos -= 1;
                        if n == 1 {
                            continue;
                        }
                    }
                    self.emit(Tok::Space);
                }
                '=' => self.emit(Tok::Assign),
                ':' => {
                    if self.next() != Some('=') {
                        self.error("expected :=".into());
                        return false;
                    }
                    self.emit(Tok::Declare);
                }
                '|' => self.emit(Tok::Pipe),
                '"' => {
                    let mut val = String::new();
                    loop {
                        match self.next() {
                            Some('\\') => match self.next() {
                                Some(e) if e != '\n' => {
                                    val.push('\\');
                                    val.push(e)
                                }
                                _ => {
                                    self.error("unterminated quoted string".into());
                                    return false;
                                }
                            },
                            Some('\n') | None => {
                                self.error("unterminated quoted string".into());
                                return false;
                            }
                            Some('"') => break,
                            Some(c) => val.push(c),
                        }
                    }
                    let raw = self.src[self.start..self.pos].to_string();
                    match unquote_go(&val) {
                        Some(v) => self.emit(Tok::Str(raw, v)),
                        None => {
                            self.error(format!("bad string syntax: {raw:?}"));
                            return false;
                        }
                    }
                }
                '`' => match self.rest().find('`') {
                    Some(end) => {
                        let v = self.rest()[..end].to_string();
                        self.pos += end + 1;
                        let raw = self.src[self.start..self.pos].to_string();
                        self.emit(Tok::Str(raw, v));
                    }
                    None => {
                        self.error("unterminated raw quoted string".into());
                        return false;
                    }
                },
                '$' => {
                    while self.peek().is_some_and(is_alnum) {
                        self.next();
                    }
                    let v = self.src[self.start..self.pos].to_string();
                    self.emit(Tok::Variable(v));
                }
                '\'' => {
                    loop {
                        match self.next() {
                            Some('\\') => {
                                self.next();
                            }
                            Some('\'') => break,
                            Some('\n') | None => {
                                self.error("unterminated character constant".into());
                                return false;
                            }
                            _ => {}
                        }
                    }
                    let v = self.src[self.start..self.pos].to_string();
                    self.emit(Tok::Char(v));
                }
                '.' => {
                    if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos -= 1;
                        if !self.number() {
                            return false;
                        }
                        continue;
                    }
                    while self.peek().is_some_and(is_alnum) {
                        self.next();
                    }
                    if self.pos - self.start == 1 {
                        self.emit(Tok::Dot);
                    } else {
                        let v = self.src[self.start..self.pos].to_string();
                        self.emit(Tok::Field(v));
                    }
                }
                '+' | '-' | '0'..='9' => {
                    self.pos -= 1;
                    if !self.number() {
                        return false;
                    }
                }
                c if is_alnum(c) => {
                    while self.peek().is_some_and(is_alnum) {
                        self.next();
                    }
                    let w = &self.src[self.start..self.pos];
                    let tok = if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
                        Tok::Keyword(k)
                    } else if w == "true" || w == "false" {
                        Tok::Bool(w == "true")
                    } else if w == "nil" {
                        Tok::Nil
                    } else {
                        Tok::Ident(w.to_string())
                    };
                    self.emit(tok);
                }
                '(' => {
                    self.paren += 1;
                    self.emit(Tok::LeftParen);
                }
                ')' => {
                    if self.paren == 0 {
                        self.error("unexpected right paren".into());
                        return false;
                    }
                    self.paren -= 1;
                    self.emit(Tok::RightParen);
                }
                ',' => self.emit(Tok::Comma),
                c => {
                    self.error(format!("unrecognized character in action: {}", go_u(c)));
                    return false;
                }
            }
        }
    }

    fn accept(&mut self, valid: &str) -> bool {
        if self.peek().is_some_and(|c| valid.contains(c)) {
            self.next();
            return true;
        }
        false
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    /// Go's `scanNumber`: sign, base prefix (`0x`, `0o`, `0b`), digits with `_`, fraction,
    /// `e` or (hex) `p` exponent, an `i` for imaginary; nothing alphanumeric after it.
    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 10 + 1 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 16 + 6 + 1 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    /// Go's `lexNumber`, with `1+2i` (a complex constant) kept as one token.
    fn number(&mut self) -> bool {
        if !self.scan_number() {
            let v = &self.src[self.start..self.pos];
            self.error(format!("bad number syntax: {v:?}"));
            return false;
        }
        if matches!(self.peek(), Some('+' | '-'))
            && (!self.scan_number() || !self.src[..self.pos].ends_with('i'))
        {
            let v = &self.src[self.start..self.pos];
            self.error(format!("bad number syntax: {v:?}"));
            return false;
        }
        let v = self.src[self.start..self.pos].to_string();
        self.emit(Tok::Number(v));
        true
    }
}

/// `%#U` of a character, as Go writes it in lexer errors.
fn go_u(c: char) -> String {
    format!("U+{:04X} '{}'", c as u32, c)
}

/// Interprets Go escape sequences of a double-quoted string body.
pub(super) fn unquote_go(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => return None,
            'x' => {
                let h: String = it.by_ref().take(2).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'u' => {
                let h: String = it.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'U' => {
                let h: String = it.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The tokens of one file (`name` is what errors call it), ending with `Eof` or `Error`.
pub(super) fn lex(name: &str, text: &str) -> Vec<Token> {
    Lexer {
        src: text,
        pos: 0,
        start: 0,
        line: 1,
        start_line: 1,
        out: Vec::new(),
        paren: 0,
        name,
        action_line: 1,
    }
    .run()
}
