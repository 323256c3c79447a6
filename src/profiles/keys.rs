//! The keys the Kubernetes plugin accepts in a profiles section (the union of those Posit's
//! Helm chart and operator write); the plugin refuses to start on any other.

/// Every key a `launcher.kubernetes.profiles.conf` section may set.
pub const KNOWN_KEYS: &[&str] = &[
    "container-images",
    "default-container-image",
    "allow-unknown-images",
    "placement-constraints",
    "default-cpus",
    "max-cpus",
    "default-cpus-request",
    "max-cpus-request",
    "default-mem-mb",
    "max-mem-mb",
    "default-mem-mb-request",
    "max-mem-mb-request",
    "default-nvidia-gpus",
    "max-nvidia-gpus",
    "default-amd-gpus",
    "max-amd-gpus",
    "cpu-request-ratio",
    "memory-request-ratio",
    "resource-profiles",
    "allow-custom-resources",
    "job-json-overrides",
];

/// How the plugin types a key's value when it starts (`validateValues()`, through the SDK's
/// `parseValue` in `sdk/src/options/AbstractUserProfiles.cpp`, which trims the value and
/// hands it to `boost::lexical_cast` in `sdk/include/SafeConvert.hpp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `lexical_cast<bool>`: exactly `0` or `1`.
    Bool,
    /// `lexical_cast<double>`: a decimal number, optionally signed, with a fraction or an
    /// exponent (`2`, `0.5`, `1e3`).
    Number,
    /// Text, or a `,`-separated list of text items: any value reads.
    Text,
}

/// The type of a known key's value.
pub fn value_type(key: &str) -> ValueType {
    match key {
        "allow-unknown-images" | "allow-custom-resources" => ValueType::Bool,
        "default-cpus"
        | "max-cpus"
        | "default-cpus-request"
        | "max-cpus-request"
        | "default-mem-mb"
        | "max-mem-mb"
        | "default-mem-mb-request"
        | "max-mem-mb-request"
        | "default-nvidia-gpus"
        | "max-nvidia-gpus"
        | "default-amd-gpus"
        | "max-amd-gpus"
        | "cpu-request-ratio"
        | "memory-request-ratio" => ValueType::Number,
        _ => ValueType::Text,
    }
}

/// Whether `value` (already trimmed) reads as `ty`, as `boost::lexical_cast` would read it.
pub fn reads_as(value: &str, ty: ValueType) -> bool {
    match ty {
        ValueType::Bool => value == "0" || value == "1",
        // Rust's grammar for `f64` is the C one `lexical_cast<double>` follows: sign, digits,
        // fraction, exponent, `inf` and `nan`; no hex, no blanks, nothing after the number.
        ValueType::Number => value.parse::<f64>().is_ok(),
        ValueType::Text => true,
    }
}

/// Whether the plugin knows `key`; case-sensitive, as the SDK looks keys up in a `std::set`.
pub fn is_known_key(key: &str) -> bool {
    KNOWN_KEYS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_distinct() {
        let mut keys = KNOWN_KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), KNOWN_KEYS.len());
        assert_eq!(keys.len(), 21);
    }

    // Source: rstudio-launcher-plugin-sdk `sdk/include/SafeConvert.hpp` (`stringTo` is
    // `boost::lexical_cast`), whose `lexical_cast<bool>` takes `0` and `1` only.
    #[test]
    fn a_bool_is_zero_or_one_only() {
        assert!(reads_as("1", ValueType::Bool));
        assert!(reads_as("0", ValueType::Bool));
        for word in ["true", "false", "yes", "on", "01", ""] {
            assert!(!reads_as(word, ValueType::Bool), "{word}");
        }
        assert_eq!(value_type("allow-unknown-images"), ValueType::Bool);
    }

    // Source: the same `SafeConvert.hpp`, `lexical_cast<double>`.
    #[test]
    fn a_number_is_what_lexical_cast_double_reads() {
        for ok in ["2", "0.5", "+1", "1e3", ".5", "-1"] {
            assert!(reads_as(ok, ValueType::Number), "{ok}");
        }
        for bad in ["four", "2 cpus", "0x10", "", "1,5"] {
            assert!(!reads_as(bad, ValueType::Number), "{bad}");
        }
        assert_eq!(value_type("max-cpus"), ValueType::Number);
        assert_eq!(value_type("container-images"), ValueType::Text);
    }

    #[test]
    fn lookup_is_case_sensitive() {
        assert!(is_known_key("job-json-overrides"));
        assert!(!is_known_key("Job-Json-Overrides"));
        assert!(!is_known_key("job_json_overrides"));
    }
}
