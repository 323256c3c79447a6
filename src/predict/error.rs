//! Why the predictor cannot work with a Job.

/// A Job the predictor cannot work with, or a version it does not know. `Clone`, so that a
/// case prepared once (`pipeline::Prepared`) gives its error to each check that reads the Pod.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A part of the Job the prediction needs is not a JSON object.
    #[error("{} is {found}, not an object", shown(pointer))]
    NotAnObject {
        /// JSON Pointer of the value in the Job.
        pointer: String,
        /// What it is instead (`an array`, `a string`, ...).
        found: &'static str,
    },
    /// A part of the Job the prediction needs is missing.
    #[error("the job has no `{pointer}`")]
    Missing {
        /// JSON Pointer of the missing value.
        pointer: String,
    },
    /// The Job has neither a name nor a name prefix.
    #[error("the job has neither `metadata.name` nor `metadata.generateName`")]
    NoName {
        /// JSON Pointer of the metadata.
        pointer: String,
    },
    /// A Kubernetes version the predictor does not model.
    #[error(
        "unsupported kubernetes version `{text}`: supported are 1.29 to 1.37 (`1.33`, `v1.33` or `1.33.2`)"
    )]
    UnsupportedVersion {
        /// The version as written.
        text: String,
    },
}

impl Error {
    /// The JSON Pointer in the Job the error concerns, if it concerns one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::NotAnObject { pointer, .. }
            | Error::Missing { pointer }
            | Error::NoName { pointer } => Some(pointer),
            Error::UnsupportedVersion { .. } => None,
        }
    }
}

/// A pointer as messages show it: the whole Job for the empty pointer.
fn shown(pointer: &str) -> String {
    if pointer.is_empty() {
        "the job".to_string()
    } else {
        format!("`{pointer}`")
    }
}
