//! Every environment variable jjo reads, read in one place.

/// Whether goldens should be (re)written: `JJO_BLESS=1`.
pub fn bless() -> Result<bool, String> {
    flag("JJO_BLESS")
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`); CI never writes goldens.
pub fn is_ci() -> bool {
    std::env::var_os("CI")
        .is_some_and(|v| !matches!(v.to_str(), Some("" | "0" | "false" | "FALSE")))
}

/// The cluster backend requested by `JJO_CLUSTER`, if any.
pub fn cluster() -> Option<String> {
    std::env::var("JJO_CLUSTER").ok().filter(|v| !v.is_empty())
}

/// The shared namespace for live runs named by `JJO_NAMESPACE`, if any.
pub fn namespace() -> Option<String> {
    std::env::var("JJO_NAMESPACE")
        .ok()
        .filter(|v| !v.is_empty())
}

fn flag(name: &str) -> Result<bool, String> {
    match std::env::var(name) {
        Err(_) => Ok(false),
        Ok(v) => parse_flag(name, &v),
    }
}

fn parse_flag(name: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        // The same words clap's BoolishValueParser takes for `jjo test --bless`.
        "" | "0" | "false" | "no" | "n" | "f" | "off" => Ok(false),
        "1" | "true" | "yes" | "y" | "t" | "on" => Ok(true),
        _ => Err(format!("`{name}` must be 1 or 0, found `{value}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_the_words_clap_takes() {
        for yes in ["1", "true", "YES", "on", "y", "t"] {
            assert_eq!(parse_flag("JJO_BLESS", yes), Ok(true), "{yes}");
        }
        for no in ["", "0", "false", "off", "n", "F"] {
            assert_eq!(parse_flag("JJO_BLESS", no), Ok(false), "{no}");
        }
        assert_eq!(
            parse_flag("JJO_BLESS", "maybe"),
            Err("`JJO_BLESS` must be 1 or 0, found `maybe`".into())
        );
    }
}
