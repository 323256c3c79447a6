//! Resource quantities for the QoS class: compare with zero, add, compare for equality.
//!
//! Parsing is `validate::parse_quantity`'s, the one parser of the crate, so that the
//! predictor and the validator read every quantity alike (sub-nano fractions rounded up, as
//! `k8s.io/apimachinery/pkg/api/resource/quantity.go` does).

use serde_json::Value;

use crate::validate::parse_quantity;

/// A quantity in nano-units (`1` is `1_000_000_000`), exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Quantity(i128);

impl Quantity {
    /// Zero.
    pub(crate) const ZERO: Quantity = Quantity(0);

    /// Parses a quantity given as a string or a JSON number; `None` when it does not parse or
    /// does not fit.
    pub(crate) fn from_json(value: &Value) -> Option<Quantity> {
        match value {
            Value::String(s) => parse_quantity(s).ok().map(Quantity),
            Value::Number(n) => parse_quantity(&n.to_string()).ok().map(Quantity),
            _ => None,
        }
    }

    /// Whether the quantity is greater than zero.
    pub(crate) fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The sum, or `None` on overflow.
    pub(crate) fn checked_add(self, other: Quantity) -> Option<Quantity> {
        self.0.checked_add(other.0).map(Quantity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(text: &str) -> Quantity {
        Quantity::from_json(&json!(text)).unwrap()
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
    fn sub_nano_fractions_round_up_as_in_validation() {
        // Kubernetes keeps nano precision and rounds up: `0.1n` is `1n`, so a request of
        // `0.1n` equals a limit of `1n` (a Guaranteed Pod), as validation reads them.
        assert_eq!(q("0.1n"), q("1n"));
        assert!(q("0.1n").is_positive());
    }

    #[test]
    fn sign_zero_and_order() {
        assert!(!q("0").is_positive());
        assert!(!q("-1").is_positive());
        assert!(q("1n").is_positive());
        assert!(q("1Mi") > q("1M"));
        assert_eq!(q("250m").checked_add(q("750m")), Some(q("1")));
        assert_eq!(Quantity::ZERO, q("0"));
    }

    #[test]
    fn rejects_garbage() {
        for text in ["", "m", "1x", "1.2.3", "1e", "1Ki2", "abc", "1 "] {
            assert!(Quantity::from_json(&json!(text)).is_none(), "{text:?}");
        }
        assert!(Quantity::from_json(&json!(true)).is_none());
    }
}
