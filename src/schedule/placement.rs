//! Where a Pod can go: the nodes that pass every modelled filter, why each other node does
//! not, and the scheduler's `FailedScheduling` summary (`FitError.Error()` in
//! `pkg/scheduler/framework/types.go`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

/// Why one node cannot run the Pod, as kube-scheduler's filter plugins say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "filter", content = "detail", rename_all = "kebab-case")]
pub enum Reason {
    /// Left out by NodeAffinity's PreFilter: the Pod names other nodes (`matchFields`).
    NotNamed,
    /// NodeUnschedulable: the node is cordoned.
    Unschedulable,
    /// TaintToleration: the first taint (`key=value:Effect`) the Pod does not tolerate.
    Taint(String),
    /// NodeAffinity: `nodeSelector` or the required node affinity does not match.
    Affinity,
    /// NodeResourcesFit: the node's `pods` allocatable has no room for one more Pod.
    TooManyPods,
    /// NodeResourcesFit: the Pod requests more of this resource than the node has.
    Insufficient(String),
}

impl Reason {
    /// The scheduler's words for the reason, as in a `FailedScheduling` event.
    pub fn message(&self) -> Cow<'static, str> {
        match self {
            Reason::NotNamed => "node(s) didn't satisfy plugin(s) [NodeAffinity]".into(),
            Reason::Unschedulable => "node(s) were unschedulable".into(),
            // 1.34 no longer names the taint (it names it in the scheduler's log only).
            Reason::Taint(_) => "node(s) had untolerated taint(s)".into(),
            Reason::Affinity => "node(s) didn't match Pod's node affinity/selector".into(),
            Reason::TooManyPods => "Too many pods".into(),
            Reason::Insufficient(r) => format!("Insufficient {r}").into(),
        }
    }

    /// The reason with jjo's detail (which taint), for the per-node lines.
    pub fn detail(&self) -> String {
        match self {
            Reason::Taint(t) => format!("{}: `{t}`", self.message()),
            other => other.message().into_owned(),
        }
    }
}

/// A node that cannot run the Pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// The node's name.
    pub node: String,
    /// Why, in the scheduler's words (one filter's reasons).
    pub reasons: Vec<Reason>,
}

/// The offline placement of one Pod over the cluster's nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// How many nodes there are.
    pub total: usize,
    /// The nodes that pass every filter jjo models, in the order of `nodes.yaml`.
    pub fits: Vec<String>,
    /// The other nodes and why.
    pub rejected: Vec<Rejected>,
    /// A PreFilter failure that refuses every node before any filter runs.
    pub prefilter: Option<String>,
    /// What of the Pod decides placement in filters jjo does not model.
    pub unmodelled: Vec<String>,
    /// Did-you-mean for a label key the Pod requires and no node has.
    pub hints: Vec<String>,
    /// For each hint, the Pod field that requires the key (`spec.nodeSelector["k"]`).
    pub hint_fields: Vec<String>,
    /// Why the Pod could not be read, so that no node was filtered.
    pub unread: Option<String>,
}

/// What can be said of a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Some node fits, and every filter that applies to the Pod is modelled.
    Fits,
    /// No node fits. Filters jjo does not model can only remove nodes, so this holds even
    /// when the Pod has some.
    Unschedulable,
    /// Some node passes the modelled filters, but the Pod has features jjo does not model;
    /// or the Pod could not be read.
    Undecided,
}

impl Placement {
    /// The verdict jjo can claim.
    pub fn verdict(&self) -> Verdict {
        if self.unread.is_some() {
            Verdict::Undecided
        } else if self.fits.is_empty() {
            Verdict::Unschedulable
        } else if self.unmodelled.is_empty() {
            Verdict::Fits
        } else {
            Verdict::Undecided
        }
    }

    /// The scheduler's `FailedScheduling` message up to its preemption part (which jjo does
    /// not predict): `0/3 nodes are available: 1 Insufficient memory, 2 node(s) had
    /// untolerated taint(s).` Reasons are counted per node and sorted as strings, as
    /// `FitError.Error()` sorts them.
    pub fn message(&self) -> String {
        if self.total == 0 {
            return "no nodes available to schedule pods".into();
        }
        if let Some(pre) = &self.prefilter {
            return format!("0/{} nodes are available: {pre}.", self.total);
        }
        let mut counts: BTreeMap<Cow<'static, str>, usize> = BTreeMap::new();
        for r in &self.rejected {
            for reason in &r.reasons {
                *counts.entry(reason.message()).or_insert(0) += 1;
            }
        }
        let mut parts: Vec<String> = counts
            .into_iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        parts.sort();
        format!(
            "{}/{} nodes are available: {}.",
            self.fits.len(),
            self.total,
            parts.join(", ")
        )
    }

    /// The rejected nodes grouped by their reasons (most nodes first), each group with its
    /// first few node names: a readable account of thousands of nodes.
    pub fn groups(&self) -> Vec<(String, usize, Vec<&str>)> {
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for r in &self.rejected {
            let why: Vec<String> = r.reasons.iter().map(Reason::detail).collect();
            groups.entry(why.join(", ")).or_default().push(&r.node);
        }
        let mut out: Vec<(String, usize, Vec<&str>)> = groups
            .into_iter()
            .map(|(why, nodes)| {
                let n = nodes.len();
                (why, n, nodes.into_iter().take(3).collect())
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(node: &str, reasons: Vec<Reason>) -> Rejected {
        Rejected {
            node: node.into(),
            reasons,
        }
    }

    fn placement(rejected: Vec<Rejected>, fits: &[&str]) -> Placement {
        Placement {
            total: rejected.len() + fits.len(),
            fits: fits.iter().map(|s| s.to_string()).collect(),
            rejected,
            prefilter: None,
            unmodelled: Vec::new(),
            hints: Vec::new(),
            hint_fields: Vec::new(),
            unread: None,
        }
    }

    #[test]
    fn the_summary_counts_reasons_per_node_and_sorts_them_as_strings() {
        let p = placement(
            vec![
                rejected("a", vec![Reason::Taint("x:NoSchedule".into())]),
                rejected(
                    "b",
                    vec![
                        Reason::Insufficient("cpu".into()),
                        Reason::Insufficient("memory".into()),
                    ],
                ),
                rejected("c", vec![Reason::Taint("y:NoSchedule".into())]),
            ],
            &[],
        );
        assert_eq!(
            p.message(),
            "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) had untolerated taint(s)."
        );
        assert_eq!(p.verdict(), Verdict::Unschedulable);
        // "10 ..." sorts before "2 ..." as Go's sort.Strings puts it.
        let many: Vec<Rejected> = (0..10)
            .map(|i| rejected(&format!("n{i}"), vec![Reason::Affinity]))
            .chain((0..2).map(|i| rejected(&format!("m{i}"), vec![Reason::Unschedulable])))
            .collect();
        assert_eq!(
            placement(many, &[]).message(),
            "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 node(s) were unschedulable."
        );
    }

    #[test]
    fn a_verdict_is_claimed_only_for_what_is_modelled() {
        let mut p = placement(vec![], &["gpu-1"]);
        assert_eq!(p.verdict(), Verdict::Fits);
        p.unmodelled.push("required pod affinity".into());
        assert_eq!(p.verdict(), Verdict::Undecided);
        p.fits.clear();
        assert_eq!(p.verdict(), Verdict::Unschedulable);
    }

    #[test]
    fn groups_put_the_largest_first_with_three_names() {
        let rejected: Vec<Rejected> = (0..5)
            .map(|i| rejected(&format!("cpu-{i}"), vec![Reason::Affinity]))
            .chain([rejected("gpu-0", vec![Reason::TooManyPods])])
            .collect();
        let p = placement(rejected, &[]);
        let groups = p.groups();
        assert_eq!(groups[0].1, 5);
        assert_eq!(groups[0].2, ["cpu-0", "cpu-1", "cpu-2"]);
        assert_eq!(groups[1].0, "Too many pods");
    }
}
