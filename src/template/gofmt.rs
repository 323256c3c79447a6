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
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_v(*f)),
        Value::Str(s) => out.push_str(s),
        Value::List(l) | Value::Strings(l) | Value::Unordered(l, _) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, e, false);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, e)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, e, false);
            }
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
fn is_go_printable(c: char) -> bool {
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

/// Go's `fmt.Sprintf` for the verbs templates use: `%v %s %d %q %t %f %g %e %x %X %c %%`,
/// flags `-+ 0#`, width and precision. Wrong types and missing operands are written the way
/// Go writes them (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA ...)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut argi = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut minus = false;
        let mut plus = false;
        let mut zero = false;
        let mut space = false;
        let mut sharp = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                ' ' => space = true,
                '#' => sharp = true,
                _ => break,
            }
            chars.next();
        }
        let mut width: Option<usize> = None;
        while let Some(&d) = chars.peek() {
            if let Some(n) = d.to_digit(10) {
                width = Some(width.unwrap_or(0) * 10 + n as usize);
                chars.next();
            } else {
                break;
            }
        }
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            prec = Some(0);
            while let Some(&d) = chars.peek() {
                if let Some(n) = d.to_digit(10) {
                    prec = Some(prec.unwrap_or(0) * 10 + n as usize);
                    chars.next();
                } else {
                    break;
                }
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(argi) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        argi += 1;
        let body = format_one(verb, arg, prec, plus, space, sharp);
        let len = body.chars().count();
        match width {
            Some(w) if w > len => {
                let pad = w - len;
                if minus {
                    out.push_str(&body);
                    out.extend(std::iter::repeat_n(' ', pad));
                } else if zero && matches!(verb, 'd' | 'f' | 'g' | 'e' | 'x' | 'X') {
                    let (sign, rest) = match body.strip_prefix(['-', '+']) {
                        Some(rest) => (&body[..1], rest),
                        None => ("", body.as_str()),
                    };
                    out.push_str(sign);
                    out.extend(std::iter::repeat_n('0', pad));
                    out.push_str(rest);
                } else {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(&body);
                }
            }
            _ => out.push_str(&body),
        }
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[argi..]
            .iter()
            .map(|a| format!("{}={}", go_type_for_fmt(a), sprint_value_inner(a)))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn sprint_value_inner(v: &Value) -> String {
    let mut s = String::new();
    write_v(&mut s, v, false);
    s
}

fn go_type_for_fmt(v: &Value) -> &'static str {
    match v {
        Value::Missing | Value::Null => "<nil>",
        v => v.type_name(),
    }
}

/// Go's `badVerb`: the operand printed with `%v` under the verb's precision.
fn bad_verb(verb: char, v: &Value, prec: Option<usize>) -> String {
    match v {
        Value::Missing | Value::Null => format!("%!{verb}(<nil>)"),
        Value::Str(s) if prec.is_some() => format!(
            "%!{verb}(string={})",
            s.chars().take(prec.unwrap_or(0)).collect::<String>()
        ),
        v => format!("%!{verb}({}={})", v.type_name(), sprint_value_inner(v)),
    }
}

fn signed(s: String, plus: bool, space: bool) -> String {
    if s.starts_with('-') {
        s
    } else if plus {
        format!("+{s}")
    } else if space {
        format!(" {s}")
    } else {
        s
    }
}

fn format_one(
    verb: char,
    arg: &Value,
    prec: Option<usize>,
    plus: bool,
    space: bool,
    sharp: bool,
) -> String {
    match (verb, arg) {
        ('T', v) => go_type_for_fmt(v).to_string(),
        ('v', Value::Float(f)) => signed(float_v(*f), plus, space),
        ('v', Value::Int(i) | Value::Int64(i)) => signed(i.to_string(), plus, space),
        ('v', v) => sprint_value_inner(v),
        ('s', Value::Str(s)) => match prec {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        },
        // fmt applies the verb to each element and key (`%s` of `[1 a]` is `[%!s(float64=1) a]`).
        (_, Value::List(l) | Value::Strings(l) | Value::Unordered(l, _)) => {
            let parts: Vec<String> = l
                .iter()
                .map(|e| format_elem(verb, e, prec, plus, space, sharp))
                .collect();
            format!("[{}]", parts.join(" "))
        }
        (_, Value::Map(m)) => {
            let parts: Vec<String> = m
                .borrow()
                .iter()
                .map(|(k, e)| {
                    format!(
                        "{}:{}",
                        format_one(verb, &Value::str(k.as_str()), prec, plus, space, sharp),
                        format_elem(verb, e, prec, plus, space, sharp)
                    )
                })
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        ('q', Value::Str(s)) => {
            if sharp && !s.contains('`') {
                format!("`{s}`")
            } else {
                quote(s)
            }
        }
        // `%q` of an integer is Go's `strconv.QuoteRune` of it.
        ('q', Value::Int(i) | Value::Int64(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            let q = quote(&c.to_string());
            let inner = q[1..q.len() - 1].replace("\\\"", "\"");
            if c == '\'' {
                "'\\''".to_string()
            } else {
                format!("'{inner}'")
            }
        }
        ('t', Value::Bool(b)) => b.to_string(),
        ('d', Value::Int(i) | Value::Int64(i)) => signed(i.to_string(), plus, space),
        ('x', Value::Int(i) | Value::Int64(i)) => {
            if *i < 0 {
                format!("-{:x}", i.unsigned_abs())
            } else {
                format!("{:x}", i)
            }
        }
        ('X', Value::Int(i) | Value::Int64(i)) => {
            if *i < 0 {
                format!("-{:X}", i.unsigned_abs())
            } else {
                format!("{:X}", i)
            }
        }
        ('x', Value::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
        ('c', Value::Int(i) | Value::Int64(i)) => {
            char::from_u32(*i as u32).unwrap_or('\u{fffd}').to_string()
        }
        ('f' | 'F', Value::Float(f)) => signed(float_f(*f, Some(prec.unwrap_or(6))), plus, space),
        ('e', Value::Float(f)) => {
            let s = format!("{:.*e}", prec.unwrap_or(6), f);
            // Rust writes e5 / e-5; Go writes e+05 / e-05.
            let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
            let n: i32 = e.parse().unwrap_or(0);
            signed(
                format!(
                    "{m}e{}{:02}",
                    if n < 0 { '-' } else { '+' },
                    n.unsigned_abs()
                ),
                plus,
                space,
            )
        }
        ('g', Value::Float(f)) if prec.is_none() => signed(float_v(*f), plus, space),
        _ => bad_verb(verb, arg, prec),
    }
}

/// An element inside a list or map: a nil there prints `<nil>` whatever the verb.
fn format_elem(
    verb: char,
    e: &Value,
    prec: Option<usize>,
    plus: bool,
    space: bool,
    sharp: bool,
) -> String {
    match e {
        Value::Missing | Value::Null => "<nil>".into(),
        e => format_one(verb, e, prec, plus, space, sharp),
    }
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
