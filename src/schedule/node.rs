//! A Node as scheduling reads it: name, labels, taints, allocatable resources and
//! `spec.unschedulable`. Everything else of a Node (conditions, images, addresses) is left
//! out by `case`, which builds these from `nodes.yaml`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// One Node of the cluster, reduced to what kube-scheduler's filters read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
    /// `status.allocatable` (or `status.capacity` when the export has no allocatable, as the
    /// API server defaults it), in the units the scheduler compares: millicores for `cpu`,
    /// whole units for everything else.
    pub allocatable: BTreeMap<String, i128>,
    /// `spec.unschedulable` (`kubectl cordon`).
    pub unschedulable: bool,
}

/// A taint on a Node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    /// The taint's key.
    pub key: String,
    /// The taint's value (empty when it has none).
    pub value: String,
    /// What the taint does to Pods that do not tolerate it.
    pub effect: Effect,
}

/// A taint's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Effect {
    /// New Pods that do not tolerate it are not scheduled there.
    NoSchedule,
    /// The scheduler avoids the node but may still use it: a score, not a filter.
    PreferNoSchedule,
    /// Like `NoSchedule`, and running Pods that do not tolerate it are evicted.
    NoExecute,
}

impl Effect {
    /// The effect as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::NoSchedule => "NoSchedule",
            Effect::PreferNoSchedule => "PreferNoSchedule",
            Effect::NoExecute => "NoExecute",
        }
    }
}

impl fmt::Display for Taint {
    /// `key=value:Effect`, as `kubectl taint` writes a taint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if !self.value.is_empty() {
            write!(f, "={}", self.value)?;
        }
        write!(f, ":{}", self.effect.as_str())
    }
}

/// The scheduler's unit for a resource from a quantity in nano-units: millicores for `cpu`
/// (`Quantity.MilliValue()`), whole units otherwise (`Quantity.Value()`), both rounded up.
pub fn scheduler_units(resource: &str, nano: i128) -> i128 {
    let per_unit: i128 = if resource == "cpu" {
        1_000_000
    } else {
        1_000_000_000
    };
    nano.div_euclid(per_unit) + i128::from(nano.rem_euclid(per_unit) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_up_as_milli_value_and_value_do() {
        assert_eq!(scheduler_units("cpu", 1_500_000), 2);
        assert_eq!(scheduler_units("cpu", 2_000_000_000), 2000);
        assert_eq!(scheduler_units("memory", 1), 1);
        assert_eq!(scheduler_units("nvidia.com/gpu", 1_000_000_000), 1);
        assert_eq!(scheduler_units("memory", 0), 0);
    }

    #[test]
    fn a_taint_prints_as_kubectl_taint_writes_it() {
        let taint = |value: &str| Taint {
            key: "nvidia.com/gpu".into(),
            value: value.into(),
            effect: Effect::NoSchedule,
        };
        assert_eq!(taint("true").to_string(), "nvidia.com/gpu=true:NoSchedule");
        assert_eq!(taint("").to_string(), "nvidia.com/gpu:NoSchedule");
    }
}
