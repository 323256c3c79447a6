//! Predicting the Pod a cluster creates from a Job, per Kubernetes version: Job defaulting,
//! the Job controller's Pod from the template, Pod defaulting and mutating admission.
//!
//! Generated values are written as placeholders that `compare` understands (see
//! [`placeholders`] for the list), e.g. `kube-api-access-{{suffix:sa}}`.
//!
//! The model is a stock kind cluster: the ServiceAccount exists and automounts its token, no
//! default PriorityClass, RuntimeClass or webhook, and only the LimitRanges given in [`Options`]. What it does not own: validation
//! (a Job the API server would reject still gets a prediction; `validate` reports why) and
//! anything the scheduler or kubelet write later (`nodeName`, conditions, container statuses).

mod admission;
mod error;
mod image;
mod job_defaults;
mod json;
mod limit_range;
pub mod placeholders;
mod pod_defaults;
mod pod_from_template;
mod quantity;
mod template_defaults;
mod version;
pub use version::{DroppedField, FIELD_RELEASES, FieldRelease, dropped_fields};

use serde_json::Value;

pub use error::Error;

/// A supported Kubernetes minor version (1.29 to 1.37).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// The minor number, e.g. 33 for 1.33.
    pub minor: u8,
}

impl Version {
    /// The oldest supported version.
    pub const OLDEST: Version = Version { minor: 29 };
    /// The newest supported version, the default.
    pub const NEWEST: Version = Version { minor: 37 };
}

/// What the predictor needs besides the Job.
#[derive(Debug, Clone)]
pub struct Options {
    /// Kubernetes version to predict for.
    pub version: Version,
    /// Namespace the Job is created in.
    pub namespace: String,
    /// The namespace's LimitRanges (a case's `setup:`), whose defaults LimitRanger gives the Pod.
    pub limit_ranges: Vec<Value>,
}

/// The predicted objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The Job as stored by the API server (defaulted, selector generated, no status).
    pub job: Value,
    /// The Pod as stored by the API server right after creation; its status is only
    /// `{phase: Pending, qosClass}`.
    pub pod: Value,
}

/// Predicts the stored Job and its first Pod.
pub fn predict(job: &Value, opts: &Options) -> Result<Prediction, Error> {
    let (mut job, pod) = stored_and_pod(job, opts)?;
    json::sort_keys(&mut job);
    Ok(Prediction { job, pod })
}

/// Predicts the first Pod of a Job only: what a case compares, without ordering the stored
/// Job's keys for printing (a tenth of the predictor's time).
pub fn predict_pod(job: &Value, opts: &Options) -> Result<Value, Error> {
    Ok(stored_and_pod(job, opts)?.1)
}

/// The stored Job (its keys as the Job had them) and the Pod (keys sorted).
fn stored_and_pod(job: &Value, opts: &Options) -> Result<(Value, Value), Error> {
    // The API server stores what it decoded: nulls and empty lists (the launcher's
    // `initContainers: null`, an unused `volumes: []`) are gone before any defaulting.
    // Fields the server does not know (a misspelt `priviliged`) or, in this version, does not
    // keep (a newer feature's field) are dropped on create: the Pod is made without them.
    let mut stored = job.clone();
    crate::validate::drop_unknown_fields(&mut stored);
    version::drop_newer_fields(&mut stored, opts.version);
    json::drop_empty(&mut stored);
    let Value::Object(mut job) = stored else {
        return Err(Error::NotAnObject {
            pointer: String::new(),
            found: json::describe(job),
        });
    };
    let name = job_defaults::job_name(&job)?;
    job_defaults::apply(&mut job, &name, opts)?;

    let mut pod = pod_from_template::build(&job, &name, &opts.namespace);
    if let Value::Object(pod) = &mut pod {
        pod_defaults::apply(pod);
        // LimitRanger comes before ServiceAccount in the API server's admission order.
        limit_range::apply(pod, &opts.limit_ranges);
        admission::apply(pod);
        pod_defaults::prepare_for_create(pod, opts.version);
    }

    json::sort_keys(&mut pod);
    Ok((Value::Object(job), pod))
}

#[cfg(test)]
mod tests;
