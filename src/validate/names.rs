//! Name syntaxes the API server enforces (`k8s.io/apimachinery/pkg/util/validation`).
//!
//! Each check returns `None` when valid, or what is wrong as a lowercase fragment.

/// Whether `s` is `[a-z0-9]([-a-z0-9]*[a-z0-9])?` (no length check).
fn is_label_word(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1123 label: container, volume and namespace names.
pub fn dns1123_label(s: &str) -> Option<String> {
    if s.len() > 63 {
        return Some(format!(
            "must be no more than 63 characters (it has {})",
            s.len()
        ));
    }
    (!is_label_word(s)).then(|| {
        "must consist of lower case alphanumeric characters or `-`, and must start and end with an alphanumeric character"
            .to_owned()
    })
}

/// A DNS-1123 subdomain: object names such as a Job's.
pub fn dns1123_subdomain(s: &str) -> Option<String> {
    if s.len() > 253 {
        return Some(format!(
            "must be no more than 253 characters (it has {})",
            s.len()
        ));
    }
    (!s.split('.').all(is_label_word)).then(|| {
        "must consist of lower case alphanumeric characters, `-` or `.`, and must start and end with an alphanumeric character"
            .to_owned()
    })
}

/// A `generateName` prefix: valid once random characters are appended (a trailing `-` is fine).
pub fn generate_name_prefix(s: &str) -> Option<String> {
    match s.strip_suffix('-') {
        Some(rest) if !rest.is_empty() => dns1123_subdomain(&format!("{rest}a")),
        _ => dns1123_subdomain(s),
    }
}

/// Whether `s` is `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn is_qualified_word(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters.
pub fn qualified_name(s: &str) -> Option<String> {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Some("prefix part must be non-empty".to_owned());
        }
        if let Some(why) = dns1123_subdomain(p) {
            return Some(format!("prefix part {why}"));
        }
    }
    if name.is_empty() {
        return Some("name part must be non-empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!(
            "name part must be no more than 63 characters (it has {})",
            name.len()
        ));
    }
    (!is_qualified_word(name)).then(|| {
        "name part must consist of alphanumeric characters, `-`, `_` or `.`, and must start and end with an alphanumeric character"
            .to_owned()
    })
}

/// A label value: empty, or ≤ 63 characters of the qualified-name alphabet.
pub fn label_value(s: &str) -> Option<String> {
    if s.len() > 63 {
        return Some(format!(
            "must be no more than 63 characters (it has {})",
            s.len()
        ));
    }
    (!s.is_empty() && !is_qualified_word(s)).then(|| {
        "must be empty or consist of alphanumeric characters, `-`, `_` or `.`, and must start and end with an alphanumeric character"
            .to_owned()
    })
}

/// An IANA service name: port names.
pub fn iana_svc_name(s: &str) -> Option<String> {
    if s.len() > 15 {
        return Some(format!(
            "must be no more than 15 characters (it has {})",
            s.len()
        ));
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return Some("must contain only lower case alphanumeric characters or `-`".to_owned());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        return Some("must contain at least one letter".to_owned());
    }
    if s.contains("--") {
        return Some("must not contain consecutive `-`".to_owned());
    }
    (s.starts_with('-') || s.ends_with('-')).then(|| "must not begin or end with `-`".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert_eq!(dns1123_label("rs-launcher-container"), None);
        assert!(dns1123_label("Rs").is_some());
        assert!(dns1123_label("a.b").is_some());
        assert!(dns1123_label("-a").is_some());
        assert!(dns1123_label(&"a".repeat(64)).is_some());
        assert_eq!(dns1123_subdomain("a.b-c"), None);
        assert!(dns1123_subdomain("a..b").is_some());
        assert_eq!(generate_name_prefix("rstudio-session-"), None);
        assert!(generate_name_prefix("RStudio-").is_some());
    }

    #[test]
    fn qualified_names_and_values() {
        assert_eq!(qualified_name("app.kubernetes.io/name"), None);
        assert_eq!(qualified_name("launcher-instance-id"), None);
        assert!(qualified_name("/x").is_some());
        assert!(qualified_name("a/b/c").is_some());
        assert!(qualified_name("-x").is_some());
        assert_eq!(label_value(""), None);
        assert_eq!(label_value("A_b.9"), None);
        assert!(label_value("a b").is_some());
        assert!(label_value(&"a".repeat(64)).is_some());
    }

    #[test]
    fn port_names() {
        assert_eq!(iana_svc_name("http"), None);
        assert!(iana_svc_name("HTTP").is_some());
        assert!(iana_svc_name("80").is_some());
        assert!(iana_svc_name("a--b").is_some());
        assert!(iana_svc_name("a-very-long-port-name").is_some());
    }
}
