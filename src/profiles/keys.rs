//! The keys the Kubernetes plugin accepts in its profiles file (launcher.md §2).

/// Every key the launcher's Kubernetes plugin knows; any other key fails its start.
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

/// Whether the plugin knows `key`.
pub fn is_known(key: &str) -> bool {
    KNOWN_KEYS.contains(&key)
}
