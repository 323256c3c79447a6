//! Go's `fmt` as templates use it: `%v` printing of values (`print`, actions), `strconv`
//! float formatting, `%q` quoting, and the `printf` verbs job templates use.

use super::value::Value;

/// Shortest-digit float formatting: exponent form when the decimal exponent is below -4 or
/// at least `eprec` (6 is `strconv`'s 'g' with shortest precision).
fn format_g(f: f64, eprec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as Go's shortest mode does.
    let e = format!("{:e}", f);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let nd = digits.len() as i32;
    // strconv: "%e is used if the exponent from the conversion is less than -4 or greater
    // than or equal to the precision. if precision was the shortest possible, use precision
    // 6 for this decision."
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let a = exp.abs();
        if a < 10 {
            out.push('0');
        }
        out.push_str(&a.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = (exp + 1) as usize;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `fmt`'s `%v` of a float64, and how yaml.v2 writes
/// floats.
pub fn float_v(f: f64) -> String {
    format_g(f, 6)
}

/// `strconv.FormatFloat(f, 'f', prec, 64)`; `None` is the shortest representation.
pub fn float_f(f: f64, prec: Option<usize>) -> String {
    match prec {
        Some(p) => format!("{:.*}", p, f),
        None if f.is_finite() => f.to_string(),
        None => format_g(f, 6),
    }
}

/// `encoding/json`'s float encoding ('f' unless tiny or huge, then 'e' with a cleaned exponent).
pub fn float_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_g(f, -100); // always exponent form
        // Go writes e-07 as e-7 in JSON.
        if let Some(pos) = s.find("e-0") {
            s.remove(pos + 2);
        }
        s
    } else {
        float_f(f, None)
    }
}

/// `fmt`'s `%v` of a value at top level (`fmt.Sprint`).
pub fn sprint_value(v: &Value) -> String {
    let mut s = String::new();
    write_v(&mut s, v, true);
    s
}

fn write_v(out: &mut String, v: &Value, top: bool) {
    match v {
        Value::Missing => out.push_str(if top { "<no value>" } else { "<nil>" }),
        Value::Null => out.push_str("<nil>"),
        Value::NilMap => out.push_str("map[]"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint8(b) => out.push_str(&b.to_string()),
        Value::Float(f) => out.push_str(&float_v(*f)),
        Value::Str(s) => out.push_str(s),
        Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, e, false);
            }
            out.push(']');
        }
        Value::Map(m) | Value::StrMap(m) => {
            out.push_str("map[");
            // A map inside itself: Go's fmt recurses until its stack overflows; the cycle
            // is noted and the caller refuses the result.
            let _ = super::value::inside(m, true, || {
                for (i, (k, e)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    write_v(out, e, false);
                }
            });
            out.push(']');
        }
    }
}

/// `strconv.Quote`: Go's double-quoted string with escapes for non-printable characters.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` good for the characters configurations hold:
/// controls, the C1 block, separators and unassigned surrogates are not printable.
pub(super) fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    !(u < 0x20
        || (0x7f..0xa1).contains(&u)
        || u == 0xad
        || u == 0x2028
        || u == 0x2029
        || u == 0xfeff
        || (0xfff9..=0xfffb).contains(&u)
        || (0x200b..=0x200f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2060..=0x206f).contains(&u))
}

/// Go's `fmt.Sprint(args...)`: a space between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        let is_str = matches!(a, Value::Str(_));
        if i > 0 && !is_str && !matches!(args[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        write_v(&mut out, a, false);
    }
    out
}

/// Go's `fmt.Sprintln(args...)`: spaces always, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|a| {
            let mut s = String::new();
            write_v(&mut s, a, false);
            s
        })
        .collect();
    let mut out = parts.join(" ");
    out.push('\n');
    out
}

/// Go's `fmt.Sprintf`, ported from `fmt/print.go` and `fmt/format.go` (Go 1.26) for the
/// types template values have: every verb, the flags `-+ #0`, width and precision (also
/// `*` from an operand, `%!(BADWIDTH)`/`%!(BADPREC)`), `%#v` in Go syntax, and Go's texts for
/// wrong types, missing and extra operands (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA ...)`).
/// Argument indexes (`%[2]d`) are written as Go writes a bad index, `%!d(BADINDEX)`, unless
/// they are in range (then honoured).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// [`sprintf`] for `printf`: `%p` of a map or list is the address Go allocated it at, which
/// differs from run to run, so it is refused rather than printed as something else.
pub fn sprintf_checked(format: &str, args: &[Value]) -> Result<String, String> {
    let mut p = Printer::default();
    p.do_printf(format, args);
    match p.pointer {
        true => Err("`%p` prints the address Go's runtime gave a map or list, which differs from run to run (no golden file can hold it); jjo does not print it".into()),
        false => Ok(p.buf),
    }
}

/// `fmt`'s flags of the verb being formatted.
#[derive(Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: usize,
    prec: usize,
}

/// Go's `pp`: the output and the current verb's flags.
#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    /// `%p` of a map or list was asked for.
    pointer: bool,
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Go's `tooLarge`: widths and precisions above 1e6 are refused.
fn too_large(n: usize) -> bool {
    n > 1_000_000
}

/// Go's `parsenum`: digits from `i`, the number, whether there was one, and where they end.
fn parsenum(s: &[u8], mut i: usize) -> (usize, bool, usize) {
    let mut num = 0usize;
    let mut isnum = false;
    while i < s.len() && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, s.len());
        }
        num = num * 10 + (s[i] - b'0') as usize;
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

/// Go's `intFromArg`: an `int` operand for `*`.
fn int_from_arg(a: &[Value], argnum: usize) -> (i64, bool, usize) {
    if argnum >= a.len() {
        return (0, false, argnum);
    }
    let (mut n, mut ok) = match a[argnum] {
        Value::Int(i) | Value::Int64(i) => (i, true),
        _ => (0, false),
    };
    if ok && !(-1_000_000..=1_000_000).contains(&n) {
        n = 0;
        ok = false;
    }
    (n, ok, argnum + 1)
}

impl Printer {
    fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut argnum = 0usize;
        let mut reordered = false;
        let mut i = 0usize;
        'format: while i < end {
            let mut good_argnum = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            let mut after_index;
            (argnum, i, after_index) =
                self.arg_number(argnum, fb, i, a.len(), &mut good_argnum, &mut reordered);
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, n) = int_from_arg(a, argnum);
                argnum = n;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.f.wid = if ok { w.unsigned_abs() as usize } else { 0 };
                after_index = false;
            } else {
                let (w, ok, n) = parsenum(fb, i);
                self.f.wid = w;
                self.f.wid_present = ok;
                i = n;
                if after_index && ok {
                    good_argnum = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    good_argnum = false;
                }
                (argnum, i, after_index) =
                    self.arg_number(argnum, fb, i, a.len(), &mut good_argnum, &mut reordered);
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (pr, ok, n) = int_from_arg(a, argnum);
                    argnum = n;
                    self.f.prec_present = ok && pr >= 0;
                    self.f.prec = if self.f.prec_present { pr as usize } else { 0 };
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (pr, ok, n) = parsenum(fb, i);
                    i = n;
                    self.f.prec = if ok { pr } else { 0 };
                    self.f.prec_present = true;
                }
            }
            if !after_index {
                (argnum, i, _) =
                    self.arg_number(argnum, fb, i, a.len(), &mut good_argnum, &mut reordered);
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('%');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
                continue 'format;
            }
            if !good_argnum {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
                continue 'format;
            }
            if argnum >= a.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
                continue 'format;
            }
            if verb == 'v' {
                self.f.sharp_v = self.f.sharp;
                self.f.sharp = false;
                self.f.plus_v = self.f.plus;
                self.f.plus = false;
            }
            self.print_arg(&a[argnum], verb);
            argnum += 1;
        }
        if !reordered && argnum < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in a[argnum..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if is_nil(arg) {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    /// Go's `argNumber`: an explicit `[n]` index.
    fn arg_number(
        &mut self,
        argnum: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
        good: &mut bool,
        reordered: &mut bool,
    ) -> (usize, usize, bool) {
        if fb.len() <= i || fb[i] != b'[' {
            return (argnum, i, false);
        }
        *reordered = true;
        // Go's parseArgNumber.
        let mut idx = None;
        let mut wid = 1;
        let mut found = false;
        for j in 1..fb.len() - i {
            if fb[i + j] == b']' {
                let (n, ok, newi) = parsenum(fb, i + 1);
                if !ok || newi != i + j {
                    wid = j + 1;
                    found = true;
                    break;
                }
                idx = n.checked_sub(1);
                wid = j + 1;
                found = true;
                break;
            }
        }
        if !found {
            *good = false;
            return (argnum, i + 1, false);
        }
        match idx {
            Some(n) if n < num_args => (n, i + wid, true),
            _ => {
                *good = false;
                (argnum, i + wid, true)
            }
        }
    }

    fn write_padding(&mut self, n: isize) {
        if n <= 0 {
            return;
        }
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        self.buf.extend(std::iter::repeat_n(c, n as usize));
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid as isize - s.chars().count() as isize;
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if is_nil(arg) {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        if verb == 'T' {
            self.fmt_s(arg.type_name());
            return;
        }
        if verb == 'p' {
            // Maps and slices are pointers to Go; their addresses are the runtime's.
            if matches!(
                arg,
                Value::Map(_)
                    | Value::StrMap(_)
                    | Value::List(_)
                    | Value::Strings(_)
                    | Value::Typed(..)
                    | Value::Unordered(..)
            ) {
                self.pointer = true;
            }
            self.bad_verb(verb, arg);
            return;
        }
        self.print_value(arg, verb);
    }

    /// Go's `printValue` for a value of a concrete type (also inside a container).
    fn print_value(&mut self, v: &Value, verb: char) {
        match v {
            Value::Missing | Value::Null => {
                // A nil inside `[]interface{}` or a map's value: an empty interface.
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::NilMap if self.f.sharp_v => self.buf.push_str("map[string]interface {}(nil)"),
            Value::NilMap => self.buf.push_str("map[]"),
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, v),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer_verb(*i, verb, v),
            // Unsigned: `%#v` is Go's fmt0x64 (`0x68`), and no sign is ever written.
            Value::Uint8(b) if verb == 'v' && self.f.sharp_v => {
                let sharp = self.f.sharp;
                self.f.sharp = true;
                self.fmt_integer(u64::from(*b), 16, 'v', LDIGITS);
                self.f.sharp = sharp;
            }
            Value::Uint8(b) => self.fmt_integer_verb(i64::from(*b), verb, v),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v),
            Value::Str(s) => match verb {
                'v' => {
                    if self.f.sharp_v {
                        self.fmt_q(s)
                    } else {
                        self.fmt_s(s)
                    }
                }
                's' => self.fmt_s(s),
                'x' => self.fmt_sx(s, LDIGITS),
                'X' => self.fmt_sx(s, UDIGITS),
                'q' => self.fmt_q(s),
                _ => self.bad_verb(verb, v),
            },
            Value::Strings(_) | Value::List(_) if self.f.sharp_v && v.is_nil_slice() => {
                self.buf.push_str(v.type_name());
                self.buf.push_str("(nil)");
            }
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
                if self.f.sharp_v {
                    self.buf.push_str(v.type_name());
                    self.buf.push('{');
                    for (k, e) in l.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(e, verb);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (k, e) in l.iter().enumerate() {
                        if k > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(e, verb);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) | Value::StrMap(m) => {
                if self.f.sharp_v {
                    self.buf.push_str(v.type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                // A map inside itself: noted, and the caller refuses (Go's stack overflows).
                let _ = super::value::inside(m, true, || {
                    for (k, (key, e)) in m.borrow().iter().enumerate() {
                        if k > 0 {
                            if self.f.sharp_v {
                                self.buf.push_str(", ");
                            } else {
                                self.buf.push(' ');
                            }
                        }
                        self.print_value(&Value::str(key.as_str()), verb);
                        self.buf.push(':');
                        self.print_value(e, verb);
                    }
                });
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
        }
    }

    /// Go's `badVerb`: `%!verb(type=value)`, the value printed with `%v` under the current
    /// flags (so a precision or width shows there too).
    fn bad_verb(&mut self, verb: char, v: &Value) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if is_nil(v) {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(v.type_name());
            self.buf.push('=');
            self.print_value(v, 'v');
        }
        self.buf.push(')');
    }

    fn fmt_integer_verb(&mut self, i: i64, verb: char, v: &Value) {
        let u = i as u64;
        match verb {
            'v' | 'd' => self.fmt_integer(u, 10, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, verb, UDIGITS),
            'c' => {
                let c = char_of(i);
                self.pad(&c.to_string());
            }
            'q' => {
                let c = char_of(i);
                let q = quote_with(&c.to_string(), '\'', self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, v),
        }
    }

    /// Go's `fmt.fmtInteger` (always signed: template integers are `int`/`int64`).
    fn fmt_integer(&mut self, u: u64, base: u64, verb: char, digits: &[u8; 17]) {
        let negative = (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let z = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid as isize);
                self.f.zero = z;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::new();
        while u >= base {
            rev.push(digits[(u % base) as usize]);
            u /= base;
        }
        rev.push(digits[u as usize]);
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8(rev).unwrap_or_default();
        let z = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = z;
    }

    /// Go's `fmtUnicode`: `U+0041`, with `#` also the character.
    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("U+{u:0prec$X}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_go_printable(c)
        {
            s.push_str(&format!(" '{c}'"));
        }
        let z = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = z;
    }

    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb, -1),
            'f' | 'e' | 'E' => self.fmt_float(x, verb, 6),
            'F' => self.fmt_float(x, 'f', 6),
            _ => self.bad_verb(verb, v),
        }
    }

    /// Go's `fmt.fmtFloat`.
    fn fmt_float(&mut self, v: f64, verb: char, prec: i64) {
        let prec = if self.f.prec_present {
            self.f.prec as i64
        } else {
            prec
        };
        let mut num: Vec<u8> = ftoa(v, verb, prec).into_bytes();
        if num[0] == b'-' || num[0] == b'+' {
        } else {
            num.insert(0, b'+');
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num[1] == b'I' || num[1] == b'N' {
            let z = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&String::from_utf8_lossy(&num));
            self.f.zero = z;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = 0;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = prec;
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut k = 1;
            while k < num.len() {
                match num[k] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail = num.split_off(k);
                        break;
                    }
                    b'e' | b'E' if verb != 'x' && verb != 'X' => {
                        tail = num.split_off(k);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                k += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(num[0] as char);
                self.write_padding((self.f.wid - num.len()) as isize);
                self.buf.push_str(&s[1..]);
                return;
            }
            self.pad(&s);
            return;
        }
        self.pad(&s[1..]);
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad(&s);
    }

    /// Go's `fmtSbx` for a string: hex of its bytes.
    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid as isize);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding((self.f.wid - width) as isize);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (k, c) in b[..length].iter().enumerate() {
            if self.f.space && k > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xf) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding((self.f.wid - width) as isize);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        if self.f.sharp && can_backquote(&s) {
            self.pad(&format!("`{s}`"));
            return;
        }
        let q = quote_with(&s, '"', self.f.plus);
        self.pad(&q);
    }
}

fn is_nil(v: &Value) -> bool {
    matches!(v, Value::Missing | Value::Null)
}

/// `rune(i)` as `fmt` takes it: out of range is U+FFFD.
fn char_of(i: i64) -> char {
    u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}')
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '\u{feff}' && !((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}'))
}

/// Go's `strconv.FormatFloat(v, fmt, prec, 64)` for `b e E f g G x X`; `prec` -1 is the
/// shortest representation that reads back as `v`.
pub fn ftoa(v: f64, fmt: char, prec: i64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    let sign = if neg { "-" } else { "" };
    let shortest = prec < 0;
    match fmt {
        'b' => {
            let e = exp - 52;
            return format!("{sign}{mant}p{}{}", if e >= 0 { "+" } else { "-" }, e.abs());
        }
        'x' | 'X' => return fmt_x(prec, fmt, neg, mant, exp),
        _ => {}
    }
    // The decimal digits (no leading zeros) and the decimal point's position.
    let (digits, dp, prec) = if mant == 0 {
        (String::new(), 0i64, prec.max(0))
    } else if prec < 0 {
        let (d, dp) = sci_digits(&format!("{:e}", v.abs()));
        let p = match fmt {
            'e' | 'E' => (d.len() as i64 - 1).max(0),
            'f' => (d.len() as i64 - dp).max(0),
            _ => d.len() as i64,
        };
        (d, dp, p)
    } else {
        match fmt {
            'f' => return format!("{:.*}", prec as usize, v),
            'e' | 'E' => {
                let (d, dp) = sci_digits(&format!("{:.*e}", prec as usize, v.abs()));
                (d, dp, prec)
            }
            _ => {
                let p = prec.max(1);
                let (d, dp) = sci_digits(&format!("{:.*e}", (p - 1) as usize, v.abs()));
                let d = d.trim_end_matches('0').to_string();
                (d, dp, p)
            }
        }
    };
    let d = digits.as_bytes();
    let nd = d.len() as i64;
    let mut out = String::from(sign);
    let fmt_e = |out: &mut String, prec: i64, ch: char| {
        out.push(d.first().map_or('0', |&c| c as char));
        if prec > 0 {
            out.push('.');
            for k in 1..=prec {
                out.push(d.get(k as usize).map_or('0', |&c| c as char));
            }
        }
        out.push(ch);
        let e = if nd == 0 { 0 } else { dp - 1 };
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    };
    let fmt_f = |out: &mut String, prec: i64| {
        if dp > 0 {
            for k in 0..dp {
                out.push(d.get(k as usize).map_or('0', |&c| c as char));
            }
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            for k in 0..prec {
                let j = dp + k;
                out.push(if (0..nd).contains(&j) {
                    d[j as usize] as char
                } else {
                    '0'
                });
            }
        }
    };
    match fmt {
        'e' | 'E' => fmt_e(&mut out, prec, fmt),
        'f' => fmt_f(&mut out, prec),
        _ => {
            let mut eprec = prec;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let e = dp - 1;
            let ch = if fmt == 'G' { 'E' } else { 'e' };
            if e < -4 || e >= eprec {
                let p = prec.min(nd);
                fmt_e(&mut out, p - 1, ch);
            } else {
                let p = if prec > dp { nd } else { prec };
                fmt_f(&mut out, (p - dp).max(0));
            }
        }
    }
    out
}

/// Digits and decimal-point position of Rust's `{:e}` text (`1.25e3` is `125`, 4).
fn sci_digits(s: &str) -> (String, i64) {
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let e: i64 = e.parse().unwrap_or(0);
    let d: String = m.chars().filter(char::is_ascii_digit).collect();
    let d = d.trim_start_matches('0').to_string();
    if d.is_empty() {
        return (String::new(), 0);
    }
    (d, e + 1)
}

/// Go's `strconv` `fmtX`: `%x` of a float, `-0x1.yyyp±dd`.
fn fmt_x(prec: i64, fmt: char, neg: bool, mut mant: u64, mut exp: i64) -> String {
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex = if fmt == 'X' { UDIGITS } else { LDIGITS };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == 'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

/// Go's `strconv.Quote` (`"`) and `QuoteRune` (`'`), with `ascii` the `...ToASCII` forms.
fn quote_with(s: &str, q: char, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        if c == q || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        if ascii {
            if c.is_ascii() && is_go_printable(c) {
                out.push(c);
                continue;
            }
        } else if is_go_printable(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(q);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        // Values checked against Go 1.19's fmt.Sprint.
        assert_eq!(float_v(1000000.0), "1e+06");
        assert_eq!(float_v(123456.0), "123456");
        assert_eq!(float_v(1.5), "1.5");
        assert_eq!(float_v(0.0001), "0.0001");
        assert_eq!(float_v(0.00001), "1e-05");
        assert_eq!(float_v(1234567.0), "1.234567e+06");
        assert_eq!(float_json(1e21), "1e+21");
        assert_eq!(float_json(1e-7), "1e-7");
        assert_eq!(float_json(1000000.0), "1000000");
        assert_eq!(float_json(0.3), "0.3");
    }
}
