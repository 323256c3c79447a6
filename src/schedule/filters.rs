//! kube-scheduler's filter plugins that jjo models, in the order of the default profile
//! (`pkg/scheduler/apis/config/v1/default_plugins.go`): NodeUnschedulable, TaintToleration,
//! NodeAffinity, NodeResourcesFit. Like the framework (`RunFilterPlugins`), a node's first
//! failing filter is its reason; NodeResourcesFit may give several (`Insufficient cpu`,
//! `Insufficient memory`).

use super::node::Node;
use super::placement::Reason;
use super::pod::{PodTerms, Term, tolerated, unschedulable_taint};

/// Why `node` cannot run the Pod, or an empty list when every modelled filter passes.
pub(crate) fn filter(pod: &PodTerms, node: &Node) -> Vec<Reason> {
    if let Some(named) = &pod.named_nodes
        && !named.contains(&node.name)
    {
        return vec![Reason::NotNamed];
    }
    if node.unschedulable && !tolerated(&pod.tolerations, &unschedulable_taint()) {
        return vec![Reason::Unschedulable];
    }
    // PreferNoSchedule only lowers a node's score (`DoNotScheduleTaintsFilterFunc`).
    if let Some(taint) = node.taints.iter().find(|t| {
        t.effect != super::node::Effect::PreferNoSchedule && !tolerated(&pod.tolerations, t)
    }) {
        return vec![Reason::Taint(taint.to_string())];
    }
    if !affinity_matches(pod, node) {
        return vec![Reason::Affinity];
    }
    resources(pod, node)
}

/// The NodeAffinity filter: every `nodeSelector` label, and one of the required terms.
fn affinity_matches(pod: &PodTerms, node: &Node) -> bool {
    let selector = pod
        .node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v));
    selector
        && pod
            .required
            .as_ref()
            .is_none_or(|terms| terms.iter().any(|t| term_matches(t, node)))
}

/// One node selector term: an empty term matches no node (`nodeSelectorTerms` in the API
/// reference: "null or empty term matches no objects").
fn term_matches(term: &Term, node: &Node) -> bool {
    if term.labels.is_empty() && term.fields.is_empty() {
        return false;
    }
    let label = |k: &str| node.labels.get(k).map(String::as_str);
    let field = |k: &str| (k == "metadata.name").then_some(node.name.as_str());
    term.labels.iter().all(|r| r.matches(label)) && term.fields.iter().all(|r| r.matches(field))
}

/// Whether a resource is one the fit compares beyond cpu, memory and ephemeral storage
/// (`IsScalarResourceName`): extended resources (a domain-qualified name such as
/// `nvidia.com/gpu`), hugepages and attachable volumes. Other names are not compared.
fn is_scalar(name: &str) -> bool {
    name.contains('/') || name.starts_with("hugepages-") || name.starts_with("attachable-volumes-")
}

/// NodeResourcesFit on an empty node (`fitsRequest` in
/// `pkg/scheduler/framework/plugins/noderesources/fit.go`): the Pod count first, then every
/// requested resource against the node's allocatable.
fn resources(pod: &PodTerms, node: &Node) -> Vec<Reason> {
    let mut out = Vec::new();
    // The Pod itself is one more Pod on the node.
    if node.allocatable.get("pods").copied().unwrap_or(0) < 1 {
        out.push(Reason::TooManyPods);
    }
    let compared = pod.requests.iter().filter(|(name, amount)| {
        **amount > 0
            && (matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage") || is_scalar(name))
    });
    // The scheduler checks cpu, memory and ephemeral storage before the others.
    let (native, scalar): (Vec<_>, Vec<_>) = compared.partition(|(name, _)| !is_scalar(name));
    for (name, amount) in native.into_iter().chain(scalar) {
        if *amount > node.allocatable.get(name.as_str()).copied().unwrap_or(0) {
            out.push(Reason::Insufficient(name.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::node::{Effect, Taint};
    use super::*;
    use serde_json::json;

    fn node(labels: &[(&str, &str)], taints: Vec<Taint>, cpu: i128, mem: i128) -> Node {
        Node {
            name: "n".into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            taints,
            allocatable: [("cpu", cpu), ("memory", mem), ("pods", 110)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            unschedulable: false,
        }
    }

    fn pod(spec: serde_json::Value) -> PodTerms {
        PodTerms::read(&json!({ "spec": spec })).expect("decodes")
    }

    fn gpu_taint() -> Taint {
        Taint {
            key: "nvidia.com/gpu".into(),
            value: "present".into(),
            effect: Effect::NoSchedule,
        }
    }

    #[test]
    fn the_first_failing_filter_is_the_reason() {
        // Untolerated taint and a selector mismatch: TaintToleration runs first.
        let p = pod(json!({"containers": [{"name": "c"}], "nodeSelector": {"pool": "gpu"}}));
        let n = node(&[("pool", "cpu")], vec![gpu_taint()], 1000, 1 << 30);
        assert_eq!(
            filter(&p, &n),
            [Reason::Taint("nvidia.com/gpu=present:NoSchedule".into())]
        );
        let n = node(&[("pool", "cpu")], vec![], 1000, 1 << 30);
        assert_eq!(filter(&p, &n), [Reason::Affinity]);
        let n = node(&[("pool", "gpu")], vec![], 1000, 1 << 30);
        assert!(filter(&p, &n).is_empty());
    }

    #[test]
    fn prefer_no_schedule_does_not_filter_and_no_execute_does() {
        let p = pod(json!({"containers": [{"name": "c"}]}));
        let mut t = gpu_taint();
        t.effect = Effect::PreferNoSchedule;
        assert!(filter(&p, &node(&[], vec![t.clone()], 1, 1)).is_empty());
        t.effect = Effect::NoExecute;
        assert_eq!(
            filter(&p, &node(&[], vec![t], 1, 1)),
            [Reason::Taint("nvidia.com/gpu=present:NoExecute".into())]
        );
    }

    #[test]
    fn a_cordoned_node_refuses_unless_the_pod_tolerates_unschedulable() {
        let mut n = node(&[], vec![], 1, 1);
        n.unschedulable = true;
        let p = pod(json!({"containers": [{"name": "c"}]}));
        assert_eq!(filter(&p, &n), [Reason::Unschedulable]);
        let p = pod(json!({"containers": [{"name": "c"}], "tolerations": [
            {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]}));
        assert!(filter(&p, &n).is_empty());
    }

    #[test]
    fn every_short_resource_is_named_cpu_and_memory_first() {
        let p = pod(
            json!({"containers": [{"name": "c", "resources": {"requests":
            {"nvidia.com/gpu": "1", "memory": "64Gi", "cpu": "2", "example.com/ignored": "0"}}}]}),
        );
        let n = node(&[], vec![], 1000, 1 << 30);
        assert_eq!(
            filter(&p, &n),
            [
                Reason::Insufficient("cpu".into()),
                Reason::Insufficient("memory".into()),
                Reason::Insufficient("nvidia.com/gpu".into()),
            ]
        );
    }

    #[test]
    fn a_node_without_pods_allocatable_has_room_for_no_pod() {
        let mut n = node(&[], vec![], 1000, 1 << 30);
        n.allocatable.remove("pods");
        let p = pod(json!({"containers": [{"name": "c"}]}));
        assert_eq!(filter(&p, &n), [Reason::TooManyPods]);
    }

    #[test]
    fn required_terms_are_ored_and_an_empty_term_matches_nothing() {
        let affinity = |terms: serde_json::Value| {
            pod(
                json!({"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}),
            )
        };
        let n = node(&[("pool", "gpu")], vec![], 1, 1);
        let p = affinity(json!([
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["cpu"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]},
        ]));
        assert!(filter(&p, &n).is_empty());
        assert_eq!(filter(&affinity(json!([{}])), &n), [Reason::Affinity]);
        let wrong_field = affinity(json!([
            {"matchFields": [{"key": "metadata.uid", "operator": "In", "values": ["n"]}]}]));
        assert_eq!(filter(&wrong_field, &n), [Reason::Affinity]);
    }
}
