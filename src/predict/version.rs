//! Kubernetes versions the predictor knows, and the version gates its rules depend on.

use std::fmt;
use std::str::FromStr;

use super::{Error, Version};

impl Version {
    /// Parses `1.33`, `v1.33` or `1.33.2` (the patch level does not change any rule).
    pub fn parse(text: &str) -> Result<Version, Error> {
        let unsupported = || Error::UnsupportedVersion {
            text: text.to_string(),
        };
        let trimmed = text.trim();
        let bare = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = bare.split('.');
        let major = parts.next().ok_or_else(unsupported)?;
        let minor = parts.next().ok_or_else(unsupported)?;
        // A patch level is allowed but must be a number; nothing may follow it.
        if let Some(patch) = parts.next()
            && (patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(unsupported());
        }
        if parts.next().is_some() || major != "1" {
            return Err(unsupported());
        }
        if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unsupported());
        }
        let minor: u8 = minor.parse().map_err(|_| unsupported())?;
        let version = Version { minor };
        if version < Version::OLDEST || version > Version::NEWEST {
            return Err(unsupported());
        }
        Ok(version)
    }

    /// Every supported version, oldest first.
    pub fn all() -> impl Iterator<Item = Version> {
        (Version::OLDEST.minor..=Version::NEWEST.minor).map(|minor| Version { minor })
    }

    /// Whether the Pod gets `metadata.generation: 1` on create (pod `strategy.go`, 1.33+).
    pub(crate) fn pod_generation(self) -> bool {
        self.minor >= 33
    }

    /// Whether a stored pod template prints `metadata.creationTimestamp: null` (gone with
    /// kubernetes PR #130989, first released in 1.34).
    pub(crate) fn template_null_creation_timestamp(self) -> bool {
        self.minor <= 33
    }

    /// Whether `spec.managedBy` survives Job create (JobManagedBy beta-on in 1.32; the Job
    /// strategy drops fields of disabled gates).
    pub(crate) fn job_managed_by(self) -> bool {
        self.minor >= 32
    }

    /// Whether `spec.successPolicy` survives Job create (JobSuccessPolicy beta-on in 1.31).
    pub(crate) fn job_success_policy(self) -> bool {
        self.minor >= 31
    }

    /// Whether `spec.podReplacementPolicy` is defaulted (JobPodReplacementPolicy beta-on in
    /// 1.29, so true for every supported version; kept as a gate so the rule says why).
    pub(crate) fn pod_replacement_policy(self) -> bool {
        self.minor >= 29
    }

    /// Whether pod-level `spec.resources` decide the QoS class (PodLevelResources beta-on in
    /// 1.34).
    pub(crate) fn pod_level_resources(self) -> bool {
        self.minor >= 34
    }
}

impl Default for Version {
    fn default() -> Version {
        Version::NEWEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl FromStr for Version {
    type Err = Error;

    fn from_str(text: &str) -> Result<Version, Error> {
        Version::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_prefixed_and_patch_forms() {
        assert_eq!(Version::parse("1.33").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("v1.33").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("1.33.2").unwrap(), Version { minor: 33 });
        assert_eq!(Version::parse("v1.29.0").unwrap(), Version { minor: 29 });
    }

    #[test]
    fn rejects_versions_outside_the_supported_range() {
        for text in [
            "1.28", "1.35", "2.33", "1", "", "1.x", "1.33.", "1.33.2.1", "1.33-rc", "v",
        ] {
            let err = Version::parse(text).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains("1.29") && message.contains("1.34"),
                "{text}: {message}"
            );
        }
    }

    #[test]
    fn displays_as_major_dot_minor() {
        assert_eq!(Version { minor: 33 }.to_string(), "1.33");
        assert_eq!("v1.30".parse::<Version>().unwrap().to_string(), "1.30");
    }

    #[test]
    fn default_is_the_newest() {
        assert_eq!(Version::default(), Version::NEWEST);
        assert_eq!(Version::all().count(), 6);
    }
}
