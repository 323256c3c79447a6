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

fn flag(name: &str) -> Result<bool, String> {
    match std::env::var(name) {
        Err(_) => Ok(false),
        Ok(v) => match v.as_str() {
            "" | "0" | "false" | "no" => Ok(false),
            "1" | "true" | "yes" => Ok(true),
            other => Err(format!("`{name}` must be 1 or 0, found `{other}`")),
        },
    }
}
