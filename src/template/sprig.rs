//! Sprig v3.3.0 functions beyond the core set in `funcs.rs`: the string, list, dict, math,
//! path, encoding, hash and regular-expression helpers, each written from Sprig's source
//! (`strings.go`, `list.go`, `dict.go`, `numeric.go`, `regex.go`, `crypto.go`,
//! `functions.go`) and the Go library calls it makes. Checked against Go by
//! `tests/template_diff.rs`.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::funcs::{deep_equal, kind_name, strval, to_float64, to_int64};
use super::value::Value;

type F = Result<Value, String>;

fn s(a: &[Value], i: usize) -> Rc<str> {
    match &a[i] {
        Value::Str(s) => s.clone(),
        _ => Rc::from(""),
    }
}

fn int(a: &[Value], i: usize) -> i64 {
    match &a[i] {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    }
}

fn string(v: impl Into<Rc<str>>) -> F {
    Ok(Value::Str(v.into()))
}

fn strings(v: Vec<String>) -> Value {
    Value::Strings(Rc::new(v.into_iter().map(Value::str).collect()))
}

/// Go's `s[i:j]` on bytes: out of range is Go's runtime panic, which text/template reports.
fn byte_slice(t: &str, i: i64, j: i64) -> Result<String, String> {
    let n = t.len() as i64;
    if i < 0 || j < i || j > n {
        // Go names the length only when the end is past it, not when it is negative.
        return Err(if j < 0 {
            format!("runtime error: slice bounds out of range [:{j}]")
        } else if j > n {
            format!("runtime error: slice bounds out of range [:{j}] with length {n}")
        } else {
            format!("runtime error: slice bounds out of range [{i}:{j}]")
        });
    }
    Ok(super::value::go_lossy(
        &t.as_bytes()[i as usize..j as usize],
    ))
}

fn list_arg<'v>(name: &str, v: &'v Value) -> Result<&'v [Value], String> {
    v.as_slice()
        .ok_or_else(|| format!("Cannot find {name} on type {}", kind_name(v)))
}

/// `untilStep` (Sprig numeric.go).
fn until_step(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return v;
        }
        let mut i = start;
        while i > stop && v.len() < MAX_LIST {
            v.push(i);
            i += step;
        }
        return v;
    }
    if step <= 0 {
        return v;
    }
    let mut i = start;
    while i < stop && v.len() < MAX_LIST {
        v.push(i);
        i += step;
    }
    v
}

/// The longest list `until`/`untilStep`/`seq` make: far past any job template, and a bound
/// on what a runaway template can make jjo allocate.
const MAX_LIST: usize = 1 << 20;

fn ints(v: Vec<i64>) -> Value {
    Value::Typed(Rc::new(v.into_iter().map(Value::Int).collect()), "[]int")
}

/// Go's `path.Clean`.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `path.Base`.
fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir`.
fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    path_clean(dir)
}

/// Go's `path.Ext`.
fn path_ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

/// Go's `unicode.IsSpace`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// goutils `AbbreviateFull`, on bytes as Go's is.
fn abbreviate_full(t: &str, offset: i64, width: i64) -> String {
    let n = t.len() as i64;
    if t.is_empty() || width < 4 {
        return t.to_string();
    }
    if n <= width {
        return t.to_string();
    }
    let mut offset = offset.min(n);
    if n - offset < width - 3 {
        offset = n - (width - 3);
    }
    let cut = |i: i64, j: i64| super::value::go_lossy(&t.as_bytes()[i as usize..j as usize]);
    if offset <= 4 {
        return format!("{}...", cut(0, width - 3));
    }
    if width < 7 {
        return String::new();
    }
    if offset + width - 3 < n {
        let rest = cut(offset, n);
        return format!("...{}", abbreviate_full(&rest, 0, width - 3));
    }
    format!("...{}", cut(n - (width - 3), n))
}

fn base32(b: &[u8]) -> String {
    const T: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    for c in b.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..c.len()].copy_from_slice(c);
        let n = buf.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
        let chars = (c.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(T[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString`, step for step (encoding/base32 `decode`): line
/// breaks are dropped first, and the offset of an error is the one Go reports.
fn unbase32(t: &str) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = t.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    let corrupt = |at: usize| Err(format!("illegal base32 data at input byte {at}"));
    let olen = src.len();
    let mut rest = &src[..];
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                // The end, with padding missing.
                return corrupt(olen - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return corrupt(olen);
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return corrupt(olen - rest.len() + k - 1);
                    }
                }
                dlen = j;
                end = true;
                // 1, 3 and 6 symbols cannot make a byte (RFC 4648 section 6).
                if matches!(dlen, 1 | 3 | 6) {
                    return corrupt(olen - rest.len() - 1);
                }
                break;
            }
            dbuf[j] = match c {
                b'A'..=b'Z' => c - b'A',
                b'2'..=b'7' => c - b'2' + 26,
                _ => return corrupt(olen - rest.len() - 1),
            };
            j += 1;
        }
        let d = dbuf;
        let bytes = [
            (d[0] << 3) | (d[1] >> 2),
            (d[1] << 6) | (d[2] << 1) | (d[3] >> 4),
            (d[3] << 4) | (d[4] >> 1),
            (d[4] << 7) | (d[5] << 2) | (d[6] >> 3),
            (d[6] << 5) | d[7],
        ];
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..n]);
    }
    Ok(out)
}

fn adler32(b: &[u8]) -> u32 {
    let (mut a, mut s) = (1u32, 0u32);
    for &x in b {
        a = (a + u32::from(x)) % 65521;
        s = (s + a) % 65521;
    }
    (s << 16) | a
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Go's `regexp.Compile` as far as the `regex` crate agrees with RE2 syntax; the error
/// text is Go's form (`error parsing regexp: ...`) only in outline.
fn compile(re: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(&ascii_classes(re)).map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().last().unwrap_or("").trim().to_string();
        format!(
            "error parsing regexp: {}: `{re}`",
            last.trim_start_matches("error: ")
        )
    })
}

/// RE2's Perl classes are ASCII (`\d` is `[0-9]`); the `regex` crate's are Unicode.
fn ascii_classes(re: &str) -> String {
    let mut out = String::with_capacity(re.len());
    let mut it = re.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('s') => out.push_str("[\\t\\n\\f\\r ]"),
            Some('S') => out.push_str("[^\\t\\n\\f\\r ]"),
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Go's `Regexp.Split(s, n)`.
fn regex_split(r: &regex::Regex, t: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    // Go: a non-empty expression splits "" into one empty string.
    if !r.as_str().is_empty() && t.is_empty() {
        return vec![String::new()];
    }
    let matches: Vec<(usize, usize)> = r.find_iter(t).map(|m| (m.start(), m.end())).collect();
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (ms, me) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = ms;
        if me == 0 {
            continue;
        }
        out.push(t[beg..end].to_string());
        beg = me;
    }
    if end != t.len() {
        out.push(t[beg..].to_string());
    }
    out
}

/// Go's `ReplaceAllString` template: `$1`, `${name}`, `$$`; the `regex` crate's expansion
/// has the same rules.
fn regex_replace(r: &regex::Regex, t: &str, repl: &str, literal: bool) -> String {
    if literal {
        r.replace_all(t, regex::NoExpand(repl)).into_owned()
    } else {
        r.replace_all(t, repl).into_owned()
    }
}

/// huandu/xstrings v1.5.0's word kinds (`convert.go` `nextWord`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || super::funcs::is_go_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    let u = c as u32;
    super::unicase::is_letter(c)
        && !(0x4E00..=0x9FCC).contains(&u)
        && !(0x3400..=0x4D85).contains(&u)
        && !(0x20000..=0x2B81D).contains(&u)
}

fn is_upper(c: char) -> bool {
    c.is_uppercase() && super::unicase::lower(c) != c
}

fn is_lower(c: char) -> bool {
    c.is_lowercase() && super::unicase::upper(c) != c || (c.is_lowercase() && c.is_ascii())
}

/// Go's `unicode.IsTitle`: the digraphs and Greek letters whose title form is their own.
fn is_title(c: char) -> bool {
    matches!(c as u32, 0x01C5 | 0x01C8 | 0x01CB | 0x01F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F
        | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Go's `unicode.IsPunct` (category P), near enough: ASCII punctuation but the symbols
/// (`$+<=>^`|~`), and beyond ASCII what Rust calls punctuation.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    c.is_ascii_punctuation()
        || matches!(c as u32, 0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011)
}

/// xstrings' `nextWord`: the kind and length (in chars) of the word at the start of `s`.
fn next_word(s: &[char]) -> (Word, usize) {
    if s.is_empty() {
        return (Word::Invalid, 0);
    }
    let r = s[0];
    if r == '\u{fffd}' {
        return (Word::Invalid, 1);
    }
    let mut n = 1;
    let wt;
    if is_connector(r) {
        wt = Word::Connector;
        while n < s.len() && is_connector(s[n]) {
            n += 1;
        }
    } else if is_punct(r) {
        wt = Word::Punct;
        while n < s.len() && is_punct(s[n]) {
            n += 1;
        }
    } else if is_upper(r) {
        wt = Word::Upper;
        if n < s.len() {
            let r1 = s[n];
            if is_upper(r1) {
                n += 1;
                while n < s.len() && is_upper(s[n]) {
                    n += 1;
                }
                // "HTTPStatus" is "HTTP" and "Status".
                if n < s.len() && is_alphabet(s[n]) {
                    n -= 1;
                }
            } else if is_alphabet(r1) {
                n += 1;
                while n < s.len() && is_alphabet(s[n]) && !is_upper(s[n]) {
                    n += 1;
                }
            }
        }
    } else if is_alphabet(r) {
        wt = Word::Alphabet;
        while n < s.len() && is_alphabet(s[n]) && !is_upper(s[n]) {
            n += 1;
        }
    } else if r.is_numeric() {
        wt = Word::Number;
        while n < s.len() && s[n].is_numeric() {
            n += 1;
        }
    } else {
        wt = Word::Other;
        while n < s.len() {
            let c = s[n];
            if is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c) {
                break;
            }
            n += 1;
        }
    }
    (wt, n)
}

/// xstrings' `toLower` of one word.
fn word_lower(out: &mut String, wt: Word, w: &[char], connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.extend(w.iter());
        return;
    }
    for &c in w {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(super::unicase::lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase` (`snakecase`, `kebabcase`), ported step for step.
fn camel_to_lower(s: &str, connector: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let mut pos = 0;
    let next = |pos: &mut usize| {
        let (wt, n) = next_word(&chars[*pos..]);
        let w = &chars[*pos..*pos + n];
        *pos += n;
        (wt, w)
    };
    let (mut wt, mut word) = next(&mut pos);
    while pos < chars.len() {
        if wt != Word::Connector {
            word_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word) = next(&mut pos);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    word_lower(&mut out, wt, word, connector);
                    (wt, word) = next(&mut pos);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    out.push(connector);
                }
            }
            Word::Connector => word_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if pos >= chars.len() {
                    continue;
                }
                let last = word;
                (wt, word) = next(&mut pos);
                if wt != Word::Alphabet {
                    word_lower(&mut out, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                word_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    word_lower(&mut out, wt, word, connector);
                    (wt, word) = next(&mut pos);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    out.push(connector);
                }
            }
        }
    }
    word_lower(&mut out, wt, word, connector);
    out
}

/// xstrings' `ToPascalCase` (Sprig's `camelcase`).
fn pascal_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let mut i = 0;
    let mut first_upper = false;
    let mut r0 = '\0';
    while i < chars.len() {
        r0 = chars[i];
        i += 1;
        if !is_connector(r0) {
            first_upper = is_upper(r0);
            r0 = super::unicase::upper(r0);
            break;
        }
        out.push(r0);
    }
    if i >= chars.len() {
        // xstrings writes the last rune read again, a connector too ("__" is "___").
        out.push(r0);
        return out;
    }
    while i < chars.len() {
        let r1 = r0;
        r0 = chars[i];
        i += 1;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = super::unicase::upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = super::unicase::lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// goutils' `SwapCase` (Sprig's `swapcase`): upper and title to lower; lower to title after
/// whitespace, else to upper.
fn swap_case(s: &str) -> String {
    let mut ws = true;
    s.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                ws = false;
                super::unicase::lower(c)
            } else if is_lower(c) {
                if ws {
                    ws = false;
                    super::unicase::title(c)
                } else {
                    super::unicase::upper(c)
                }
            } else {
                ws = super::funcs::is_go_space(c);
                c
            }
        })
        .collect()
}

/// goutils' `WrapCustom`, on bytes as Go's is (a long word cut mid-character comes out as
/// U+FFFD, as Go's invalid UTF-8 does once written to JSON or YAML).
fn wrap_custom(s: &str, len: i64, nl: &str, long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if nl.is_empty() { "\n" } else { nl };
    let w = len.max(1) as usize;
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut off = 0;
    while b.len() - off > w {
        if b[off] == b' ' {
            off += 1;
            continue;
        }
        let end = w + off + 1;
        let at = b[off..end].iter().rposition(|&c| c == b' ');
        if let Some(at) = at.map(|p| p + off) {
            out.extend_from_slice(&b[off..at]);
            out.extend_from_slice(nl.as_bytes());
            off = at + 1;
        } else if long {
            let end = w + off;
            out.extend_from_slice(&b[off..end]);
            out.extend_from_slice(nl.as_bytes());
            off += w;
        } else {
            let end = w + off;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[off..]);
                    off = b.len();
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[off..at]);
                    out.extend_from_slice(nl.as_bytes());
                    off = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[off..]);
    super::value::go_lossy(&out)
}

/// Go's `evalArgs` (the `html`, `js` and `urlquery` builtins): one string as it is, else
/// `fmt.Sprint` of the operands with a nil as `<no value>`.
fn eval_args(a: &[Value]) -> String {
    if let [Value::Str(s)] = a {
        return s.to_string();
    }
    let a: Vec<Value> = a
        .iter()
        .map(|v| match v {
            Value::Missing | Value::Null => Value::str("<no value>"),
            v => v.clone(),
        })
        .collect();
    super::gofmt::sprint(&a)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c < ' ' => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if c.is_ascii() || super::gofmt::is_go_printable(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// `url.QueryEscape`.
pub(super) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `*json.UnsupportedValueError` for the first value `encoding/json` cannot write (a
/// NaN or infinite float), in the order it writes.
fn json_unsupported(v: &Value) -> Option<String> {
    match v {
        Value::Float(f) if !f.is_finite() => Some(format!(
            "json: unsupported value: {}",
            super::gofmt::float_v(*f)
        )),
        Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
            l.iter().find_map(json_unsupported)
        }
        Value::Map(m) | Value::StrMap(m) => {
            super::value::inside(m, false, || m.borrow().values().find_map(json_unsupported))
                .unwrap_or_else(|| {
                    Some(format!(
                        "json: unsupported value: encountered a cycle via {}",
                        v.type_name()
                    ))
                })
        }
        _ => None,
    }
}

const SECOND: u64 = 1_000_000_000;

/// Go's `fmtFrac`: the fraction of `v / 10^prec` (".125"), trailing zeros and an empty
/// fraction left out; returns the text and the integer part.
fn fmt_frac(v: u64, prec: u32) -> (String, u64) {
    let mut v = v;
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let d = (v % 10) as u8;
        print = print || d != 0;
        if print {
            digits.push(b'0' + d);
        }
        v /= 10;
    }
    if !print {
        return (String::new(), v);
    }
    digits.push(b'.');
    digits.reverse();
    (String::from_utf8(digits).unwrap_or_default(), v)
}

/// Go's `time.Duration.String`: `1h2m3.5s`, `1.5µs`, `0s`.
fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < SECOND {
        let (prec, unit) = match u {
            0 => return "0s".into(),
            1..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (frac, int) = fmt_frac(u, prec);
        out.push_str(&format!("{int}{frac}{unit}"));
    } else {
        let (frac, secs) = fmt_frac(u, 9);
        u = secs;
        let mut s = format!("{}{frac}s", u % 60);
        u /= 60;
        if u > 0 {
            s = format!("{}m{s}", u % 60);
            u /= 60;
            if u > 0 {
                s = format!("{u}h{s}");
            }
        }
        out.push_str(&s);
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `time.ParseDuration` (`300ms`, `-1.5h`, `2h45m`); `Err` is Go's message.
fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", super::gofmt::quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > (1 << 63) / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(s[i] - b'0');
            if v > 1 << 63 {
                return Err(invalid());
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut i = 0;
            let mut overflow = false;
            while i < s.len() && s[i].is_ascii_digit() {
                if !overflow {
                    if f > ((1u64 << 63) - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(s[i] - b'0');
                        if y > 1 << 63 {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                super::gofmt::quote(orig)
            ));
        }
        let u = std::str::from_utf8(&s[..i]).unwrap_or("");
        s = &s[i..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => SECOND,
            "m" => 60 * SECOND,
            "h" => 3600 * SECOND,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::gofmt::quote(u),
                    super::gofmt::quote(orig)
                ));
            }
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Sprig's `durationRound`: the largest whole unit (y = 365 days, mo = 30 days) of a
/// duration strictly above one of it, else `0s`.
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    let hour = 3600 * SECOND;
    let units: [(u64, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (60 * SECOND, "m"),
        (SECOND, "s"),
    ];
    for (n, name) in units {
        if u > n {
            return format!("{}{name}", u / n);
        }
    }
    "0s".into()
}

/// Calls one of this module's functions; `None` when `name` is not one of them.
pub(super) fn call(name: &str, a: &[Value]) -> Option<F> {
    Some(match name {
        "hello" => string("Hello!"),
        // Only a string or an int64 counts; a template's int or a JSON float64 is 0.
        "duration" => string(duration_string(
            match &a[0] {
                Value::Str(t) => t.parse::<i64>().unwrap_or(0),
                Value::Int64(n) => *n,
                _ => 0,
            }
            .wrapping_mul(SECOND as i64),
        )),
        "durationRound" => string(duration_round(match &a[0] {
            Value::Str(t) => parse_duration(t).unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        })),
        "camelcase" => string(pascal_case(&s(a, 0))),
        "snakecase" => string(camel_to_lower(&s(a, 0), '_')),
        "kebabcase" => string(camel_to_lower(&s(a, 0), '-')),
        "swapcase" => string(swap_case(&s(a, 0))),
        "wrap" => string(wrap_custom(&s(a, 1), int(a, 0), "", false)),
        "wrapWith" => string(wrap_custom(&s(a, 2), int(a, 0), &s(a, 1), true)),
        "html" => string(html_escape(&eval_args(a))),
        "js" => string(js_escape(&eval_args(a))),
        "urlquery" => string(query_escape(&eval_args(a))),
        "toRawJson" | "mustToJson" | "mustToPrettyJson" | "mustToRawJson" => {
            if let Some(e) = json_unsupported(&a[0]) {
                return Some(Err(e));
            }
            let out = match name {
                "mustToJson" => super::yaml::to_json(&a[0]),
                "mustToPrettyJson" => super::yaml::to_pretty_json(&a[0]),
                _ => super::yaml::to_raw_json(&a[0]),
            };
            string(out.unwrap_or_default())
        }
        "abbrev" => {
            let w = int(a, 0);
            string(if w < 4 {
                s(a, 1).to_string()
            } else {
                abbreviate_full(&s(a, 1), 0, w)
            })
        }
        "abbrevboth" => {
            let (l, r) = (int(a, 0), int(a, 1));
            let t = s(a, 2);
            string(if r < 4 || l > 0 && r < 7 {
                t.to_string()
            } else {
                abbreviate_full(&t, l, r)
            })
        }
        "untitle" => {
            let t = s(a, 0);
            let mut out = String::with_capacity(t.len());
            let mut next = true;
            for c in t.chars() {
                if is_space(c) {
                    next = true;
                    out.push(c);
                } else if next {
                    out.push(super::unicase::lower(c));
                    next = false;
                } else {
                    out.push(c);
                }
            }
            string(out)
        }
        "initials" => {
            // goutils walks bytes, so only ASCII letters start words as Go sees them.
            let t = s(a, 0);
            let mut out = String::new();
            let mut gap = true;
            for &b in t.as_bytes() {
                let c = char::from(b);
                if is_space(c) {
                    gap = true;
                } else if gap {
                    out.push(c);
                    gap = false;
                }
            }
            string(out)
        }
        "substr" => {
            let (start, end, t) = (int(a, 0), int(a, 1), s(a, 2));
            let n = t.len() as i64;
            let r = if start < 0 {
                byte_slice(&t, 0, end)
            } else if end < 0 || end > n {
                byte_slice(&t, start, n)
            } else {
                byte_slice(&t, start, end)
            };
            r.map(Value::str)
        }
        "plural" => string(if int(a, 2) == 1 { s(a, 0) } else { s(a, 1) }),
        "trimall" => {
            let cut = s(a, 0);
            string(s(a, 1).trim_matches(|c| cut.contains(c)).to_string())
        }
        "b32enc" => string(base32(s(a, 0).as_bytes())),
        "b32dec" => string(match unbase32(&s(a, 0)) {
            Ok(b) => match super::funcs::decoded_text("b32dec", b) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            },
            Err(e) => e,
        }),
        "sha1sum" => {
            use sha1::Digest;
            string(hex(&sha1::Sha1::digest(s(a, 0).as_bytes())))
        }
        "sha256sum" => {
            use sha2::Digest;
            string(hex(&sha2::Sha256::digest(s(a, 0).as_bytes())))
        }
        "sha512sum" => {
            use sha2::Digest;
            string(hex(&sha2::Sha512::digest(s(a, 0).as_bytes())))
        }
        "adler32sum" => string(adler32(s(a, 0).as_bytes()).to_string()),
        "split" | "splitn" => {
            let (sep, t) = (s(a, 0), if name == "split" { s(a, 1) } else { s(a, 2) });
            let n = if name == "split" { -1 } else { int(a, 1) };
            let parts = go_split_n(&t, &sep, n);
            Ok(Value::StrMap(Rc::new(std::cell::RefCell::new(
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), Value::str(p)))
                    .collect(),
            ))))
        }
        "until" => {
            let c = int(a, 0);
            Ok(ints(until_step(0, c, if c < 0 { -1 } else { 1 })))
        }
        "untilStep" => Ok(ints(until_step(int(a, 0), int(a, 1), int(a, 2)))),
        "seq" => {
            let p: Vec<i64> = (0..a.len()).map(|i| int(a, i)).collect();
            let v = match p.len() {
                1 => {
                    let inc = if p[0] < 1 { -1 } else { 1 };
                    until_step(1, p[0] + inc, inc)
                }
                2 => {
                    let step = if p[1] < p[0] { -1 } else { 1 };
                    until_step(p[0], p[1] + step, step)
                }
                3 => {
                    let inc = if p[2] < p[0] { -1 } else { 1 };
                    if p[2] < p[0] && p[1] > 0 {
                        Vec::new()
                    } else {
                        until_step(p[0], p[2] + inc, p[1])
                    }
                }
                _ => Vec::new(),
            };
            string(v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
        }
        "toDecimal" => Ok(Value::Int64(
            i64::from_str_radix(&strval(&a[0]), 8)
                .ok()
                .filter(|_| !strval(&a[0]).starts_with('+'))
                .unwrap_or(0),
        )),
        "maxf" => Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_max),
        )),
        "minf" => Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_min),
        )),
        "biggest" => Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0))),
        "floor" => Ok(Value::Float(to_float64(&a[0]).floor())),
        "ceil" => Ok(Value::Float(to_float64(&a[0]).ceil())),
        "round" => {
            let on = a.get(2).map(to_float64).unwrap_or(0.5);
            let val = to_float64(&a[0]);
            let pow = 10f64.powf(int(a, 1) as f64);
            let digit = pow * val;
            let frac = digit.fract();
            let r = if frac >= on {
                digit.ceil()
            } else {
                digit.floor()
            };
            Ok(Value::Float(r / pow))
        }
        // Sprig: `execDecimalOp(i, []interface{}{1}, Add)`, as addf (panics on NaN and Inf).
        "add1f" => super::funcs::decimal_op("addf", &[a[0].clone(), Value::Int(1)]),

        "tuple" => Ok(Value::list(a.iter().map(nil_of).collect())),
        "reverse" | "mustReverse" => {
            list_arg("reverse", &a[0]).map(|l| Value::list(l.iter().rev().cloned().collect()))
        }
        "without" | "mustWithout" => {
            let omit: Vec<Value> = a[1..].iter().map(nil_of).collect();
            list_arg("without", &a[0]).map(|l| {
                Value::list(
                    l.iter()
                        .filter(|e| !omit.iter().any(|o| deep_equal(o, e)))
                        .cloned()
                        .collect(),
                )
            })
        }
        "chunk" | "mustChunk" => {
            let size = int(a, 0);
            let Some(l) = a[1].as_slice() else {
                return Some(Err(format!("Cannot chunk type {}", kind_name(&a[1]))));
            };
            // Sprig's float arithmetic, step for step: a size of 0 makes a NaN or infinite
            // chunk count (Go's int of it is the smallest int64, and make fails); a
            // negative one an empty result or a negative chunk length.
            let makeslice = || Some(Err("runtime error: makeslice: len out of range".into()));
            let n = l.len() as i64;
            let cs = super::funcs::go_f64_to_i64(((n - 1) as f64 / size as f64).floor() + 1.0);
            if cs < 0 {
                return makeslice();
            }
            let mut out = Vec::new();
            for i in 0..cs {
                let mut clen = size;
                if i == cs - 1 {
                    clen = super::funcs::go_f64_to_i64((n as f64 % size as f64).floor());
                    if clen == 0 {
                        clen = size;
                    }
                }
                if clen < 0 {
                    return makeslice();
                }
                let mut c = Vec::new();
                for j in 0..clen {
                    match l.get((i * size + j) as usize) {
                        Some(v) => c.push(v.clone()),
                        None => return Some(Err("reflect: slice index out of range".into())),
                    }
                }
                out.push(Value::list(c));
            }
            Ok(Value::Typed(Rc::new(out), "[][]interface {}"))
        }
        "pluck" => {
            let key = s(a, 0);
            Ok(Value::list(
                a[1..]
                    .iter()
                    .filter_map(|d| match d {
                        Value::Map(m) => m.borrow().get(&*key).cloned(),
                        _ => None,
                    })
                    .collect(),
            ))
        }
        "values" => {
            let vals: Vec<Value> = match &a[0] {
                Value::Map(m) => m.borrow().values().cloned().collect(),
                _ => Vec::new(),
            };
            Ok(if vals.len() > 1 {
                Value::Unordered(Rc::new(vals), false)
            } else {
                Value::list(vals)
            })
        }
        "dig" => dig(a),
        "deepEqual" => Ok(Value::Bool(deep_equal(&a[0], &a[1]))),
        "typeIsLike" => {
            let t = s(a, 0);
            let ty = match &a[1] {
                Value::Missing | Value::Null => "<nil>",
                v => v.type_name(),
            };
            Ok(Value::Bool(*t == *ty || format!("*{t}") == ty))
        }

        "base" => string(path_base(&s(a, 0))),
        "dir" => string(path_dir(&s(a, 0))),
        "clean" => string(path_clean(&s(a, 0))),
        "ext" => string(path_ext(&s(a, 0))),
        "isAbs" => Ok(Value::Bool(s(a, 0).starts_with('/'))),
        // filepath on Linux, where the launcher runs: the same as path.
        "osBase" => string(path_base(&s(a, 0))),
        "osDir" => string(path_dir(&s(a, 0))),
        "osClean" => string(path_clean(&s(a, 0))),
        "osExt" => string(path_ext(&s(a, 0))),
        "osIsAbs" => Ok(Value::Bool(s(a, 0).starts_with('/'))),

        "regexMatch" | "mustRegexMatch" => match compile(&s(a, 0)) {
            Ok(r) => Ok(Value::Bool(r.is_match(&s(a, 1)))),
            Err(_) if name == "regexMatch" => Ok(Value::Bool(false)),
            Err(e) => Err(e),
        },
        "regexFind" | "mustRegexFind" => compile(&s(a, 0))
            .map(|r| Value::str(r.find(&s(a, 1)).map(|m| m.as_str()).unwrap_or(""))),
        "regexFindAll" | "mustRegexFindAll" => compile(&s(a, 0)).map(|r| {
            let n = int(a, 2);
            let t = s(a, 1);
            let mut found: Vec<String> = Vec::new();
            let mut prev_end: Option<usize> = None;
            for m in r.find_iter(&t) {
                if n >= 0 && found.len() as i64 >= n {
                    break;
                }
                // Go skips an empty match right after the previous match.
                if m.is_empty() && prev_end == Some(m.start()) {
                    continue;
                }
                prev_end = Some(m.end());
                found.push(m.as_str().to_string());
            }
            if found.is_empty() {
                Value::nil_strings()
            } else {
                strings(found)
            }
        }),
        "regexReplaceAll" | "mustRegexReplaceAll" => {
            compile(&s(a, 0)).map(|r| Value::str(regex_replace(&r, &s(a, 1), &s(a, 2), false)))
        }
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            compile(&s(a, 0)).map(|r| Value::str(regex_replace(&r, &s(a, 1), &s(a, 2), true)))
        }
        "regexSplit" | "mustRegexSplit" => {
            compile(&s(a, 0)).map(|r| {
                // regexp's Split with n == 0 returns nil.
                if int(a, 2) == 0 {
                    Value::nil_strings()
                } else {
                    strings(regex_split(&r, &s(a, 1), int(a, 2)))
                }
            })
        }
        "regexQuoteMeta" => {
            let mut out = String::new();
            for c in s(a, 0).chars() {
                if r"\.+*?()|[]{}^$".contains(c) {
                    out.push('\\');
                }
                out.push(c);
            }
            string(out)
        }
        _ => return None,
    })
}

fn nil_of(v: &Value) -> Value {
    match v {
        Value::Missing => Value::Null,
        v => v.clone(),
    }
}

/// Go's `math.Max`/`math.Min`: a NaN operand wins.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// Go's `strings.SplitN` (n < 0: all; an empty separator splits into characters).
fn go_split_n(t: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = t.chars().map(String::from).collect();
        if n > 0 && chars.len() as i64 > n {
            let head: Vec<String> = chars[..n as usize - 1].to_vec();
            let tail: String = chars[n as usize - 1..].concat();
            return head.into_iter().chain(std::iter::once(tail)).collect();
        }
        return chars;
    }
    if n < 0 {
        return t.split(sep).map(String::from).collect();
    }
    t.splitn(n as usize, sep).map(String::from).collect()
}

/// Sprig `dig KEY... DEFAULT DICT`: type assertions that fail are Go panics, reported as
/// text/template reports them.
fn dig(a: &[Value]) -> F {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let Value::Map(m) = &a[a.len() - 1] else {
        return Err(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            go_dynamic_type(&a[a.len() - 1])
        ));
    };
    let def = nil_of(&a[a.len() - 2]);
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k {
            Value::Str(s) => keys.push(s.clone()),
            v => {
                return Err(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    go_dynamic_type(v)
                ));
            }
        }
    }
    let mut cur: BTreeMap<String, Value> = m.borrow().clone();
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = cur.get(&**k).cloned() else {
            return Ok(def);
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        match step {
            Value::Map(n) => cur = n.borrow().clone(),
            v => {
                return Err(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    go_dynamic_type(&v)
                ));
            }
        }
    }
    Ok(def)
}

fn go_dynamic_type(v: &Value) -> &'static str {
    match v {
        Value::Missing | Value::Null => "nil",
        v => v.type_name(),
    }
}
