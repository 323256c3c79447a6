//! `toYaml` and `toJson` as the launcher's Helm-style helpers write them:
//! `encoding/json` for JSON, and `sigs.k8s.io/yaml` (JSON, then `gopkg.in/yaml.v2`'s emitter)
//! for YAML — block style, indentless sequences, keys in yaml.v2's natural order, strings
//! quoted only when they would read back as something else, plain scalars folded past
//! column 80, multi-line strings as literal blocks.

use super::gofmt;
use super::value::Value;

/// `encoding/json.Marshal`; `None` where Go fails (NaN, infinities).
pub fn to_json(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(&mut out, v, None, 0, true)?;
    Some(out)
}

/// Sprig's `toRawJson`: a `json.Encoder` with `SetEscapeHTML(false)` (`<`, `>`, `&` as they
/// are; U+2028 and U+2029 still escaped).
pub fn to_raw_json(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(&mut out, v, None, 0, false)?;
    Some(out)
}

/// `json.MarshalIndent(v, "", "  ")`.
pub fn to_pretty_json(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(&mut out, v, Some("  "), 0, true)?;
    Some(out)
}

fn write_json(
    out: &mut String,
    v: &Value,
    ind: Option<&str>,
    depth: usize,
    html: bool,
) -> Option<()> {
    let nl = |out: &mut String, d: usize| {
        if let Some(i) = ind {
            out.push('\n');
            for _ in 0..d {
                out.push_str(i);
            }
        }
    };
    match v {
        Value::Missing | Value::Null | Value::NilMap => out.push_str("null"),
        v if v.is_nil_slice() => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint8(b) => out.push_str(&b.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return None;
            }
            out.push_str(&gofmt::float_json(*f));
        }
        Value::Str(s) => json_string(out, s, html),
        Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
            if matches!(v, Value::List(_)) || !l.is_empty() {
                out.push('[');
                for (i, e) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    write_json(out, e, ind, depth + 1, html)?;
                }
                if !l.is_empty() {
                    nl(out, depth);
                }
                out.push(']');
            } else {
                out.push_str("[]");
            }
        }
        Value::Map(mr) | Value::StrMap(mr) => {
            // A map inside itself is encoding/json's "encountered a cycle" error.
            super::value::inside(mr, false, || {
                out.push('{');
                let m = mr.borrow();
                for (i, (k, e)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    json_string(out, k, html);
                    out.push(':');
                    if ind.is_some() {
                        out.push(' ');
                    }
                    write_json(out, e, ind, depth + 1, html)?;
                }
                if !m.is_empty() {
                    nl(out, depth);
                }
                out.push('}');
                Some(())
            })??;
        }
    }
    Some(())
}

/// `encoding/json`'s string encoding, HTML-safe as Go's default is.
fn json_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if !html => out.push(c),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Helm's `toYaml`: `sigs.k8s.io/yaml.Marshal` without the final newline.
pub fn to_yaml(v: &Value) -> Option<String> {
    let node = to_node(v)?;
    let mut e = Emitter::default();
    e.document(&node);
    let out = e.out;
    Some(out.strip_suffix('\n').unwrap_or(&out).to_string())
}

/// A value after the JSON round trip: what yaml.v2 decodes the JSON text into.
enum Node {
    Null,
    Bool(bool),
    Int(String),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

fn to_node(v: &Value) -> Option<Node> {
    Some(match v {
        Value::Missing | Value::Null | Value::NilMap => Node::Null,
        v if v.is_nil_slice() => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Node::Int(i.to_string()),
        Value::Uint8(b) => Node::Int(b.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return None;
            }
            let j = gofmt::float_json(*f);
            // yaml.v2 reads JSON's digits as an int when they fit an int64 or uint64.
            if !j.contains(['.', 'e', 'E'])
                && (j.parse::<i64>().is_ok() || j.parse::<u64>().is_ok())
            {
                Node::Int(j)
            } else {
                Node::Float(j.parse().unwrap_or(*f))
            }
        }
        Value::Str(s) => Node::Str(reread(s)?),
        Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
            Node::Seq(l.iter().map(to_node).collect::<Option<Vec<_>>>()?)
        }
        Value::Map(m) | Value::StrMap(m) => {
            // A map inside itself fails json.Marshal, so sigs.k8s.io/yaml fails too.
            let mut entries = super::value::inside(m, false, || {
                m.borrow()
                    .iter()
                    // A key spanning lines (a raw NEL) is no simple key: yaml.v2 fails to parse.
                    .map(|(k, v)| Some((reread(k).filter(|_| !k.contains('\u{85}'))?, to_node(v)?)))
                    .collect::<Option<Vec<_>>>()
            })??;
            entries.sort_by(|a, b| key_order(&a.0, &b.0));
            Node::Map(entries)
        }
    })
}

/// A string as yaml.v2 reads it back from the JSON text `encoding/json` wrote: the JSON
/// escapes every control character but DEL, C1 controls (but NEL) and U+FFFE/U+FFFF, which
/// yaml.v2's reader refuses ("control characters are not allowed", so `toYaml` gives `""`);
/// a raw NEL is a line break inside a double-quoted scalar and folds as YAML folds (one
/// break and the spaces around it become one space, n breaks n-1 newlines).
fn reread(s: &str) -> Option<String> {
    let bad = |c: char| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF);
    if s.chars().any(bad) {
        return None;
    }
    if !s.contains('\u{85}') {
        return Some(s.to_string());
    }
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    loop {
        while i < c.len() && c[i] != ' ' && c[i] != '\u{85}' {
            out.push(c[i]);
            i += 1;
        }
        if i == c.len() {
            break;
        }
        let mut spaces = 0;
        let mut leading_break = false;
        let mut trailing = 0;
        while i < c.len() && (c[i] == ' ' || c[i] == '\u{85}') {
            if c[i] == ' ' {
                if !leading_break {
                    spaces += 1;
                }
            } else if !leading_break {
                spaces = 0;
                leading_break = true;
            } else {
                trailing += 1;
            }
            i += 1;
        }
        if leading_break {
            if trailing == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', trailing));
            }
        } else {
            out.extend(std::iter::repeat_n(' ', spaces));
        }
    }
    Some(out)
}

/// yaml.v2's `keyList.Less` for string keys: letters compare as characters, a non-letter
/// sorts before a letter, and runs of digits compare as numbers ("k9" before "k10").
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let less = |a: &str, b: &str| -> bool {
        let ar: Vec<char> = a.chars().collect();
        let br: Vec<char> = b.chars().collect();
        let mut i = 0;
        while i < ar.len() && i < br.len() {
            if ar[i] == br[i] {
                i += 1;
                continue;
            }
            let al = ar[i].is_alphabetic();
            let bl = br[i].is_alphabetic();
            if al && bl {
                return ar[i] < br[i];
            }
            if al || bl {
                return bl;
            }
            let (mut an, mut bn) = (0i64, 0i64);
            if ar[i] == '0' || br[i] == '0' {
                let mut j = i;
                while j > 0 && ar[j - 1].is_ascii_digit() {
                    j -= 1;
                    if ar[j] != '0' {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            let mut ai = i;
            while ai < ar.len() && ar[ai].is_ascii_digit() {
                an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
                ai += 1;
            }
            let mut bi = i;
            while bi < br.len() && br[bi].is_ascii_digit() {
                bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
                bi += 1;
            }
            if an != bn {
                return an < bn;
            }
            if ai != bi {
                return ai < bi;
            }
            return ar[i] < br[i];
        }
        ar.len() < br.len()
    };
    if less(a, b) {
        Ordering::Less
    } else if less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// Whether yaml.v2 would read a plain scalar back as something other than a string, so the
/// encoder must quote it (`resolve` plus the base-60 float rule).
fn resolves_to_non_string(s: &str) -> bool {
    if s.is_empty() {
        return true; // null
    }
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let first = s.as_bytes()[0];
    if !matches!(first, b'+' | b'-' | b'.' | b'0'..=b'9') {
        return false;
    }
    // Timestamps: a date, optionally with a time (yaml.v2's allowed layouts).
    if is_timestamp(s) {
        return true;
    }
    if first == b'.' {
        // yaml.v2 hands a leading dot straight to `strconv.ParseFloat`, which allows `_`
        // only between digits.
        return underscore_ok(s) && is_yaml_float(&s.replace('_', ""));
    }
    let plain = s.replace('_', "");
    if go_parse_int(&plain) || is_yaml_float(&plain) {
        return true;
    }
    if let Some(b) = plain.strip_prefix("0b") {
        return !b.is_empty() && b.bytes().all(|c| c == b'0' || c == b'1');
    }
    if let Some(b) = plain.strip_prefix("-0b") {
        return !b.is_empty() && b.bytes().all(|c| c == b'0' || c == b'1');
    }
    is_base60_float(s)
}

/// `strconv`'s `underscoreOK`: underscores only between digits.
fn underscore_ok(s: &str) -> bool {
    let mut saw = '^';
    for c in s.chars() {
        if c.is_ascii_digit() {
            saw = '0';
        } else if c == '_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
    }
    saw != '_'
}

fn go_parse_int(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    if b.is_empty() {
        return false;
    }
    if let Some(h) = b.strip_prefix("0x").or_else(|| b.strip_prefix("0X")) {
        return !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = b.strip_prefix("0o").or_else(|| b.strip_prefix("0O")) {
        return !o.is_empty() && o.bytes().all(|c| (b'0'..=b'7').contains(&c));
    }
    if let Some(o) = b.strip_prefix("0b").or_else(|| b.strip_prefix("0B")) {
        return !o.is_empty() && o.bytes().all(|c| c == b'0' || c == b'1');
    }
    if b.len() > 1 && b.starts_with('0') {
        return b.bytes().all(|c| (b'0'..=b'7').contains(&c));
    }
    b.bytes().all(|c| c.is_ascii_digit())
}

/// yaml.v2's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// yaml.v2's `base60float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut i = 0;
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        let g = &b[st..i];
        let ok = match g.len() {
            1 => true,
            2 => g[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

fn is_timestamp(s: &str) -> bool {
    // "2006-1-2" optionally followed by [Tt ] and a time: yaml.v2 tries these layouts.
    let b = s.as_bytes();
    let mut i = 0;
    // `min..=max` digits at `*i`, then `sep` if given; moves `*i` past what it read.
    let field = |i: &mut usize, min: usize, max: usize, sep: Option<u8>| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - st < max {
            *i += 1;
        }
        if *i - st < min {
            return false;
        }
        let Some(sep) = sep else { return true };
        let found = b.get(*i) == Some(&sep);
        *i += usize::from(found);
        found
    };
    let date = field(&mut i, 4, 4, Some(b'-'))
        && field(&mut i, 1, 2, Some(b'-'))
        && field(&mut i, 1, 2, None);
    if !date {
        return false;
    }
    if i == b.len() {
        return true;
    }
    // With a time part the layouts need h:m:s; accept the common shapes.
    if !matches!(b[i], b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let time = field(&mut i, 1, 2, Some(b':'))
        && field(&mut i, 1, 2, Some(b':'))
        && field(&mut i, 1, 2, None);
    if !time {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        field(&mut i, 1, 9, None);
    }
    let rest = &s[i..];
    rest.is_empty() || rest == "Z" || {
        let r = rest.as_bytes();
        r.len() == 6 && (r[0] == b'+' || r[0] == b'-') && r[3] == b':'
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// libyaml's `yaml_emitter_analyze_scalar`, reduced to the flags the block emitter uses.
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

/// yaml.v2's `is_printable` (go.yaml.in/yaml/v2 yamlprivateh.go), which looks at UTF-8 lead
/// bytes: NEL and every character outside the BMP are not printable, so a string holding
/// one is double-quoted with `\N` or `\U0001F600`.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || ((0xA0..=0xD7FF).contains(&u))
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single: true,
            block: false,
        };
    }
    let (mut flow_ind, mut block_ind) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        flow_ind = true;
        block_ind = true;
    }
    let _ = flow_ind;
    let mut preceded_ws = true;
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_ws = is_blankz(next);
        let first = i == 0;
        let last = i + 1 == chars.len();
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_ind = true,
                '?' | ':' | '-' if followed_ws => block_ind = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_ws => block_ind = true,
                '#' if preceded_ws => block_ind = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if first {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            if first {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_blankz(Some(c));
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block_plain = false;
        a.single = false;
        a.block = false;
    }
    if line_breaks {
        a.block_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

/// The block emitter: yaml.v2's output for the node kinds JSON can hold.
#[derive(Default)]
struct Emitter {
    out: String,
    column: usize,
}

const BEST_WIDTH: usize = 80;

impl Emitter {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.out.push_str(s);
    }

    fn newline_indent(&mut self, indent: usize) {
        self.put("\n");
        for _ in 0..indent {
            self.put(" ");
        }
    }

    fn document(&mut self, n: &Node) {
        match n {
            Node::Map(m) if !m.is_empty() => self.map(m, 0),
            Node::Seq(s) if !s.is_empty() => self.seq(s, 0),
            _ => {
                // A document's root scalar sits one indentation step in (libyaml's
                // `increase_indent` from -1 in flow context gives 2).
                self.scalar(n, 2, false);
                self.put("\n");
            }
        }
    }

    /// A block mapping whose keys start at `indent`; the cursor is already at `indent`.
    fn map(&mut self, m: &[(String, Node)], indent: usize) {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 {
                for _ in 0..indent {
                    self.put(" ");
                }
            }
            self.string(k, indent, true);
            self.put(":");
            self.value(v, indent);
        }
    }

    fn value(&mut self, v: &Node, indent: usize) {
        match v {
            Node::Map(m) if !m.is_empty() => {
                self.newline_indent(indent + 2);
                self.map(m, indent + 2);
            }
            Node::Seq(s) if !s.is_empty() => {
                // yaml.v2 writes a sequence inside a mapping without extra indentation.
                self.newline_indent(indent);
                self.seq(s, indent);
            }
            _ => {
                self.put(" ");
                self.scalar(v, indent + 2, false);
                self.put("\n");
            }
        }
    }

    fn seq(&mut self, s: &[Node], indent: usize) {
        for (i, e) in s.iter().enumerate() {
            if i > 0 {
                for _ in 0..indent {
                    self.put(" ");
                }
            }
            self.put("-");
            match e {
                Node::Map(m) if !m.is_empty() => {
                    self.put(" ");
                    self.map(m, indent + 2);
                }
                Node::Seq(s2) if !s2.is_empty() => {
                    self.put(" ");
                    self.seq(s2, indent + 2);
                }
                _ => {
                    self.put(" ");
                    self.scalar(e, indent + 2, false);
                    self.put("\n");
                }
            }
        }
    }

    fn scalar(&mut self, n: &Node, indent: usize, key: bool) {
        match n {
            Node::Null => self.put("null"),
            Node::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Node::Int(i) => self.put(i),
            Node::Float(f) => self.put(&gofmt::float_v(*f)),
            Node::Str(s) => self.string(s, indent, key),
            Node::Map(_) => self.put("{}"),
            Node::Seq(_) => self.put("[]"),
        }
    }

    /// A string scalar; `indent` is where continuation lines start.
    fn string(&mut self, s: &str, indent: usize, key: bool) {
        let mut style = if s.contains('\n') {
            Style::Literal
        } else if !resolves_to_non_string(s) {
            Style::Plain
        } else {
            Style::Double
        };
        let a = analyze(s);
        if style == Style::Plain
            && (!a.block_plain || (s.is_empty() && key) || (key && a.multiline))
        {
            style = Style::Single;
        }
        if style == Style::Single && !a.single {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || key) {
            style = Style::Double;
        }
        let allow_breaks = !key;
        match style {
            Style::Plain => self.plain(s, indent, allow_breaks),
            Style::Single => self.single(s, indent, allow_breaks),
            Style::Double => self.double(s, indent, allow_breaks),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.newline_indent(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                spaces = false;
            }
        }
    }

    fn single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put("'");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.newline_indent(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put("\n");
                }
                // yaml.v2's write_break: a line feed is a newline, any other break is copied.
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                self.column = 0;
                breaks = true;
            } else {
                if breaks {
                    for _ in 0..indent {
                        self.put(" ");
                    }
                }
                if c == '\'' {
                    self.put("'");
                }
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                spaces = false;
                breaks = false;
            }
        }
        self.put("'");
    }

    fn double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put("\"");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                let esc = match c {
                    '\0' => "\\0".to_string(),
                    '\x07' => "\\a".into(),
                    '\x08' => "\\b".into(),
                    '\t' => "\\t".into(),
                    '\n' => "\\n".into(),
                    '\x0b' => "\\v".into(),
                    '\x0c' => "\\f".into(),
                    '\r' => "\\r".into(),
                    '\x1b' => "\\e".into(),
                    '"' => "\\\"".into(),
                    '\\' => "\\\\".into(),
                    '\u{85}' => "\\N".into(),
                    '\u{a0}' => "\\_".into(),
                    '\u{2028}' => "\\L".into(),
                    '\u{2029}' => "\\P".into(),
                    c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                self.put(&esc);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                {
                    self.newline_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put("\\");
                    }
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                spaces = false;
            }
        }
        self.put("\"");
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put("|");
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.put("2");
        }
        let last = chars.last().copied();
        if !last.is_some_and(is_break) {
            self.put("-");
        } else if chars.len() == 1 || chars.get(chars.len() - 2).is_some_and(|c| is_break(*c)) {
            self.put("+");
        }
        self.put("\n");
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                self.column = 0;
                breaks = true;
            } else {
                if breaks {
                    for _ in 0..indent {
                        self.put(" ");
                    }
                }
                let mut b = [0u8; 4];
                self.put(c.encode_utf8(&mut b));
                breaks = false;
            }
        }
        if !breaks {
            self.put("\n");
        }
        // The caller writes the line end after a scalar; a literal block already ended one.
        self.out.pop();
        self.column = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_in_yaml_v2_natural_order() {
        let mut ks = vec!["k10", "k9", "ab", "a-b", ""];
        ks.sort_by(|a, b| key_order(a, b));
        assert_eq!(ks, ["", "a-b", "ab", "k9", "k10"]);
    }

    #[test]
    fn timestamps_are_the_layouts_yaml_v2_tries() {
        for s in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10Z",
            "2001-12-14T1:2:3",
            "2001-12-14T21:59:43+01:00",
        ] {
            assert!(is_timestamp(s), "{s}");
        }
        for s in [
            "01-12-14",
            "2001-12",
            "2001-123-14",
            "2001-12-14X",
            "2001-12-14T21:59",
            "2001-12-14T21:59:43+0100",
            "2001-12-14T21:59:43Zz",
        ] {
            assert!(!is_timestamp(s), "{s}");
        }
    }

    #[test]
    fn strings_that_read_back_as_other_types_are_quoted() {
        for s in [
            "yes",
            "1",
            "1.5",
            "0x1F",
            "null",
            "",
            "1_000",
            "2001-12-14",
            "1:20",
        ] {
            assert!(resolves_to_non_string(s), "{s}");
        }
        for s in ["hello", "a: b", "1.2.3", "v1"] {
            assert!(!resolves_to_non_string(s), "{s}");
        }
    }
}
