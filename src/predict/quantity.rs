//! Exact arithmetic on resource quantities (`1`, `500m`, `1.5Gi`, `2e3`), enough for the QoS
//! class: compare with zero, add, compare for equality.

use std::cmp::Ordering;

use serde_json::Value;

/// A quantity as `mantissa × 10^exp10`, normalised so equal values are equal structs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    mantissa: i128,
    exp10: i32,
}

impl Quantity {
    /// Parses a quantity given as a string or a JSON number; `None` when it does not parse or
    /// does not fit.
    pub(crate) fn from_json(value: &Value) -> Option<Quantity> {
        match value {
            Value::String(s) => Quantity::parse(s),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// Parses `<signed decimal><suffix>`, the suffix binary (`Ki`…`Ei`), decimal (`n`…`E`) or an
    /// exponent (`e3`, `E-2`).
    pub(crate) fn parse(text: &str) -> Option<Quantity> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let number_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let (number, suffix) = rest.split_at(number_len);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(b - b'0'))?;
        }
        let mut exp10 = -i32::try_from(fraction.len()).ok()?;
        let binary = |power: u32| 1024i128.checked_pow(power);
        match suffix {
            "" => {}
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = "KMGTPE".find(&suffix[..1])? as u32 + 1;
                mantissa = mantissa.checked_mul(binary(power)?)?;
            }
            "n" => exp10 -= 9,
            "u" => exp10 -= 6,
            "m" => exp10 -= 3,
            "k" => exp10 += 3,
            "M" => exp10 += 6,
            "G" => exp10 += 9,
            "T" => exp10 += 12,
            "P" => exp10 += 15,
            "E" => exp10 += 18,
            _ => {
                let exponent = suffix.strip_prefix(['e', 'E'])?;
                let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                exp10 = exp10.checked_add(exponent.parse::<i32>().ok()?)?;
            }
        }
        Some(
            Quantity {
                mantissa: if negative { -mantissa } else { mantissa },
                exp10,
            }
            .normalised(),
        )
    }

    /// Strips trailing decimal zeros so that equal values compare equal.
    fn normalised(mut self) -> Quantity {
        if self.mantissa == 0 {
            return Quantity {
                mantissa: 0,
                exp10: 0,
            };
        }
        while self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.exp10 += 1;
        }
        self
    }

    /// Whether the quantity is greater than zero.
    pub(crate) fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    /// The sum, or `None` on overflow.
    pub(crate) fn checked_add(self, other: Quantity) -> Option<Quantity> {
        let exp10 = self.exp10.min(other.exp10);
        let scale = |q: Quantity| -> Option<i128> {
            let shift = u32::try_from(q.exp10 - exp10).ok()?;
            q.mantissa.checked_mul(10i128.checked_pow(shift)?)
        };
        let mantissa = scale(self)?.checked_add(scale(other)?)?;
        Some(Quantity { mantissa, exp10 }.normalised())
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        let exp10 = self.exp10.min(other.exp10);
        let scale = |q: &Quantity| -> Option<i128> {
            q.mantissa
                .checked_mul(10i128.checked_pow(u32::try_from(q.exp10 - exp10).ok()?)?)
        };
        Some(scale(self)?.cmp(&scale(other)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[test]
    fn equal_values_in_different_forms_are_equal() {
        assert_eq!(q("0.1"), q("100m"));
        assert_eq!(q("1Gi"), q("1073741824"));
        assert_eq!(q("1k"), q("1e3"));
        assert_eq!(q("1.5"), q("1500m"));
        assert_eq!(Quantity::from_json(&json!(2)).unwrap(), q("2000m"));
        assert_eq!(Quantity::from_json(&json!(0.5)).unwrap(), q("500m"));
    }

    #[test]
    fn sign_zero_and_order() {
        assert!(!q("0").is_positive());
        assert!(!q("-1").is_positive());
        assert!(q("1n").is_positive());
        assert!(q("1Mi") > q("1M"));
        assert_eq!(q("250m").checked_add(q("750m")), Some(q("1")));
    }

    #[test]
    fn rejects_garbage() {
        for text in ["", "m", "1x", "1.2.3", "1e", "1Ki2", "abc", "1 "] {
            assert!(Quantity::parse(text).is_none(), "{text:?}");
        }
    }
}
