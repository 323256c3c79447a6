//! The part of image-reference parsing that decides the default `imagePullPolicy`.
//!
//! `SetDefaults_Container` asks `pkg/util/parsers.ParseImageName` for the tag: it is `latest`
//! when the reference names neither a tag nor a digest, and empty when the reference does not
//! parse (the error is ignored). Only a `latest` tag gives `Always`.

/// The tag the API server sees in `image`, `latest` standing for "no tag and no digest", or
/// `None` when the reference does not parse.
pub(crate) fn effective_tag(image: &str) -> Option<String> {
    let (name, tag, digest) = split(image)?;
    if !valid_name(name) {
        return None;
    }
    if let Some(tag) = tag
        && !valid_tag(tag)
    {
        return None;
    }
    if let Some(digest) = digest
        && !valid_digest(digest)
    {
        return None;
    }
    match (tag, digest) {
        (Some(tag), _) => Some(tag.to_string()),
        (None, Some(_)) => Some(String::new()),
        (None, None) => Some("latest".to_string()),
    }
}

/// The default pull policy for `image`.
pub(crate) fn default_pull_policy(image: &str) -> &'static str {
    match effective_tag(image).as_deref() {
        Some("latest") => "Always",
        _ => "IfNotPresent",
    }
}

/// Splits `name[:tag][@digest]`.
fn split(image: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    Some((name, tag, digest))
}

/// `[domain/]component(/component)*` with lower-case path components, at most 255 chars.
fn valid_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    // A bare 64-hex string is an image ID, which references may not be.
    if name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains('.')
            || first.contains(':')
            || first == "localhost"
            || first.bytes().any(|b| b.is_ascii_uppercase())
        {
            if !valid_domain(first) {
                return false;
            }
            parts.remove(0);
        }
    }
    !parts.is_empty() && parts.iter().all(|p| valid_component(p))
}

/// `host[:port]`, the host made of dot-separated alphanumeric labels with inner dashes (IPv6
/// literals in brackets are accepted loosely).
fn valid_domain(domain: &str) -> bool {
    if domain.starts_with('[') {
        return domain.contains(']');
    }
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain, None),
    };
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn valid_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

/// `algorithm:encoded`, the encoded part at least 32 characters (64 hex for sha256).
fn valid_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let encoded_ok = encoded.len() >= 32
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-');
    let sha256_ok = algorithm != "sha256"
        || (encoded.len() == 64
            && encoded
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    algorithm_ok && encoded_ok && sha256_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn untagged_means_latest_and_always() {
        assert_eq!(default_pull_policy("busybox"), "Always");
        assert_eq!(default_pull_policy("docker.io/library/busybox"), "Always");
        assert_eq!(default_pull_policy("localhost:5000/team/app"), "Always");
    }

    #[test]
    fn explicit_latest_is_always_other_tags_if_not_present() {
        assert_eq!(default_pull_policy("busybox:latest"), "Always");
        assert_eq!(default_pull_policy("busybox:1.36"), "IfNotPresent");
        assert_eq!(default_pull_policy("registry:5000/app:v2"), "IfNotPresent");
    }

    #[test]
    fn digest_only_is_if_not_present() {
        assert_eq!(
            default_pull_policy(&format!("busybox@{DIGEST}")),
            "IfNotPresent"
        );
        assert_eq!(
            default_pull_policy(&format!("busybox:latest@{DIGEST}")),
            "Always"
        );
    }

    #[test]
    fn unparseable_is_if_not_present() {
        for image in [
            "",
            " busybox",
            "busybox ",
            "BusyBox",
            "a//b",
            "busybox@sha256:xyz",
            "app:",
        ] {
            assert_eq!(default_pull_policy(image), "IfNotPresent", "{image:?}");
        }
    }

    #[test]
    fn registry_port_is_not_a_tag() {
        assert_eq!(
            effective_tag("registry:5000/app").as_deref(),
            Some("latest")
        );
        assert_eq!(
            effective_tag("Registry.Example.com/app:1").as_deref(),
            Some("1")
        );
    }
}
