//! Go's `strconv.ParseInt(s, 0, 64)` and `strconv.ParseFloat(s, 64)`: the number syntax of
//! template constants (`0x1F`, `0o17`, `0b101`, `017`, `1_000`, `0x1p-2`) and of the strings
//! spf13/cast converts (Sprig's `int`, `float64`, ...).

/// Go's `underscoreOK`: `_` only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Why a parse failed, as Go's `*NumError` says it.
#[derive(Debug, PartialEq, Eq)]
pub enum NumError {
    /// `invalid syntax`.
    Syntax,
    /// `value out of range`.
    Range,
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint0(s0: &str) -> Result<u64, NumError> {
    if s0.is_empty() {
        return Err(NumError::Syntax);
    }
    let b = s0.as_bytes();
    let (base, digits): (u64, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(|c| c | 0x20) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    let mut range = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u64,
            b'a'..=b'z' => (c - b'a' + 10) as u64,
            b'A'..=b'Z' => (c - b'A' + 10) as u64,
            _ => return Err(NumError::Syntax),
        };
        if d >= base {
            return Err(NumError::Syntax);
        }
        match n.checked_mul(base).and_then(|n| n.checked_add(d)) {
            Some(v) => n = v,
            None => {
                range = true;
                n = u64::MAX;
            }
        }
    }
    if underscores && !underscore_ok(s0) {
        return Err(NumError::Syntax);
    }
    if range {
        return Err(NumError::Range);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int0(s: &str) -> Result<i64, NumError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(body)?;
    if neg {
        if u > 1 << 63 {
            return Err(NumError::Range);
        }
        Ok((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).map_err(|_| NumError::Range)
    }
}

/// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`) forms, `_` between
/// digits, `Inf`/`Infinity`/`NaN` in any case. Out of range is `Range` (Go returns ±Inf
/// with it).
pub fn parse_float(s: &str) -> Result<f64, NumError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" && !s.starts_with(['+', '-']) {
        return Ok(f64::NAN);
    }
    if body.contains('_') && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let v = if let Some(h) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        parse_hex_float(h)?
    } else {
        let ok = !clean.is_empty()
            && clean
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            && clean.bytes().any(|c| c.is_ascii_digit());
        if !ok {
            return Err(NumError::Syntax);
        }
        clean.parse::<f64>().map_err(|_| NumError::Syntax)?
    };
    if v.is_infinite() {
        return Err(NumError::Range);
    }
    Ok(if neg { -v } else { v })
}

/// The part of a hexadecimal float after `0x`: hex digits, an optional `.`, and the
/// required `p` exponent.
fn parse_hex_float(h: &str) -> Result<f64, NumError> {
    let (mant, exp) = h.split_once(['p', 'P']).ok_or(NumError::Syntax)?;
    let exp: i64 = if exp.is_empty() {
        return Err(NumError::Syntax);
    } else {
        exp.parse().map_err(|_| NumError::Syntax)?
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(NumError::Syntax);
    }
    let mut m: u64 = 0;
    let mut shift: i64 = 0;
    let mut sticky = false;
    for (k, c) in int.chars().chain(frac.chars()).enumerate() {
        let d = c.to_digit(16).ok_or(NumError::Syntax)? as u64;
        let is_frac = k >= int.len();
        if m >> 58 == 0 {
            m = m * 16 + d;
            if is_frac {
                shift -= 4;
            }
        } else {
            sticky |= d != 0;
            if !is_frac {
                shift += 4;
            }
        }
    }
    if sticky {
        m |= 1;
    }
    // m < 2^62, so as f64 it is rounded once; scaling by a power of two is exact unless it
    // leaves the normal range.
    let v = (m as f64) * 2f64.powi((exp + shift).clamp(-2000, 2000) as i32);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_integer_syntax() {
        assert_eq!(parse_int0("0o17"), Ok(15));
        assert_eq!(parse_int0("017"), Ok(15));
        assert_eq!(parse_int0("0b101"), Ok(5));
        assert_eq!(parse_int0("0x_ff"), Ok(255));
        assert_eq!(parse_int0("1_000"), Ok(1000));
        assert_eq!(parse_int0("-0"), Ok(0));
        assert_eq!(parse_int0("0"), Ok(0));
        assert_eq!(parse_int0("1__0"), Err(NumError::Syntax));
        assert_eq!(parse_int0("_1"), Err(NumError::Syntax));
        assert_eq!(parse_int0("08"), Err(NumError::Syntax));
        assert_eq!(parse_int0("0x"), Err(NumError::Syntax));
        assert_eq!(parse_int0("9223372036854775808"), Err(NumError::Range));
        assert_eq!(parse_int0("-9223372036854775808"), Ok(i64::MIN));
    }

    #[test]
    fn go_float_syntax() {
        assert_eq!(parse_float("0x1p4"), Ok(16.0));
        assert_eq!(parse_float("0x1.8p1"), Ok(3.0));
        assert_eq!(parse_float("0x.8p0"), Ok(0.5));
        assert_eq!(parse_float("1_000.5"), Ok(1000.5));
        assert_eq!(parse_float("Inf"), Ok(f64::INFINITY));
        assert_eq!(parse_float("-infinity"), Ok(f64::NEG_INFINITY));
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("0x1"), Err(NumError::Syntax));
        assert_eq!(parse_float("1e400"), Err(NumError::Range));
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("1e"), Err(NumError::Syntax));
    }
}
