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

    #[test]
    fn lookup_is_case_sensitive() {
        assert!(is_known_key("job-json-overrides"));
        assert!(!is_known_key("Job-Json-Overrides"));
        assert!(!is_known_key("job_json_overrides"));
    }
}
