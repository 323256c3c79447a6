//! Kubernetes resource quantities (`500m`, `1Gi`, `512M`, `2`, `1e3`), parsed exactly.
//!
//! Values are kept as integers of nano-units so that `1Gi` equals `1073741824` and `0.1`
//! equals `100m` exactly; floating point would make request-vs-limit comparisons flaky.

/// Why a string is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// It does not follow the quantity syntax.
    #[error("`{0}` is not a quantity")]
    Invalid(String),
    /// It is too large to be represented.
    #[error("quantity `{0}` is too large")]
    TooLarge(String),
}

/// Parses a quantity into nano-units (10⁻⁹), rounding sub-nano fractions up as Kubernetes does.
pub fn parse_quantity(text: &str) -> Result<i128, QuantityError> {
    let invalid = || QuantityError::Invalid(text.to_owned());
    let too_large = || QuantityError::TooLarge(text.to_owned());

    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return Err(invalid());
    }

    let (exp10, exp2): (i32, u32) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        s if s.starts_with(['e', 'E']) => {
            let exp = &s[1..];
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            (exp.parse::<i32>().map_err(|_| too_large())?, 0)
        }
        _ => return Err(invalid()),
    };

    let mut mantissa: i128 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    let frac_len = i32::try_from(frac_part.len()).map_err(|_| too_large())?;
    let scale = exp10
        .checked_add(9)
        .and_then(|s| s.checked_sub(frac_len))
        .ok_or_else(too_large)?;
    let mut value = if scale >= 0 {
        let factor = 10i128
            .checked_pow(scale.unsigned_abs())
            .ok_or_else(too_large)?;
        mantissa.checked_mul(factor).ok_or_else(too_large)?
    } else {
        match 10i128.checked_pow(scale.unsigned_abs()) {
            // Round up: Kubernetes never loses a non-zero amount to rounding.
            Some(divisor) => (mantissa + divisor - 1) / divisor,
            None => i128::from(mantissa > 0),
        }
    };
    value = value.checked_mul(1i128 << exp2).ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NANO: i128 = 1_000_000_000;

    #[test]
    fn decimal_and_binary_suffixes() {
        assert_eq!(parse_quantity("2"), Ok(2 * NANO));
        assert_eq!(parse_quantity("500m"), Ok(NANO / 2));
        assert_eq!(parse_quantity("0.5"), Ok(NANO / 2));
        assert_eq!(parse_quantity("1Gi"), Ok(1_073_741_824 * NANO));
        assert_eq!(parse_quantity("512M"), Ok(512_000_000 * NANO));
        assert_eq!(parse_quantity("1e3"), Ok(1000 * NANO));
        assert_eq!(parse_quantity("1.5Ki"), Ok(1536 * NANO));
        assert_eq!(parse_quantity("-1"), Ok(-NANO));
        assert_eq!(parse_quantity("1n"), Ok(1));
    }

    #[test]
    fn sub_nano_rounds_up() {
        assert_eq!(parse_quantity("0.1n"), Ok(1));
    }

    #[test]
    fn rejects_bad_syntax() {
        for bad in [
            "", "abc", "1K", "1 Gi", "1.2.3", "Gi", "1e", "1ee3", "1gi", "m",
        ] {
            assert!(
                matches!(parse_quantity(bad), Err(QuantityError::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_huge_values() {
        assert!(matches!(
            parse_quantity("1e99"),
            Err(QuantityError::TooLarge(_))
        ));
        assert!(matches!(
            parse_quantity("99999999999999999999999999999999999999999"),
            Err(QuantityError::TooLarge(_))
        ));
    }
}
