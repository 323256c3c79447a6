//! Predicting the Pod a cluster creates from a Job, per Kubernetes version: Job defaulting,
//! the Job controller's Pod from the template, Pod defaulting and mutating admission.
//!
//! Generated values are written as placeholders that `compare` understands (see
//! `compare` for the syntax), e.g. `kube-api-access-{{suffix:sa}}`.
//!
//! STUB: the public API below is fixed; the implementation is being written.

use serde_json::Value;

/// A supported Kubernetes minor version (1.29 to 1.34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// The minor number, e.g. 33 for 1.33.
    pub minor: u8,
}

impl Version {
    /// The oldest supported version.
    pub const OLDEST: Version = Version { minor: 29 };
    /// The newest supported version, the default.
    pub const NEWEST: Version = Version { minor: 34 };

    /// Parses `1.33`.
    pub fn parse(text: &str) -> Result<Version, Error> {
        let _ = text;
        todo!("Version::parse")
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

/// What the predictor needs besides the Job.
#[derive(Debug, Clone)]
pub struct Options {
    /// Kubernetes version to predict for.
    pub version: Version,
    /// Namespace the Job is created in.
    pub namespace: String,
}

/// The predicted objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The Job as stored by the API server (defaulted, selector generated).
    pub job: Value,
    /// The Pod as stored by the API server right after creation (status omitted).
    pub pod: Value,
}

/// A Job the predictor cannot work with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Placeholder until the implementation lands.
    #[error("{message}")]
    Invalid {
        /// What.
        message: String,
    },
}

/// Predicts the stored Job and its first Pod.
pub fn predict(job: &Value, opts: &Options) -> Result<Prediction, Error> {
    let _ = (job, opts);
    todo!("predict::predict")
}
