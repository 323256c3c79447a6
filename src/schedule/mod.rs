//! Offline scheduling: which of the cluster's nodes (`nodes.yaml`) a predicted Pod fits,
//! and why the others do not, in kube-scheduler's own words.
//!
//! Modelled, as the default profile of kube-scheduler 1.34 runs them: NodeAffinity's
//! PreFilter (`matchFields` `metadata.name In`), then per node NodeUnschedulable,
//! TaintToleration (`NoSchedule` and `NoExecute`; `PreferNoSchedule` only scores),
//! NodeAffinity (`nodeSelector` and required node affinity, every operator) and
//! NodeResourcesFit (requests with init containers, sidecars, overhead and pod-level
//! resources, extended resources such as `nvidia.com/gpu`, the `pods` count).
//!
//! Not modelled, so never claimed: inter-pod affinity and anti-affinity, topology spread
//! constraints, volumes (binding, zones, limits), dynamic resource claims, scheduling gates,
//! other schedulers, and scoring (which node of those that fit is picked). A Pod that uses
//! one gets [`Verdict::Undecided`] when some node passes the modelled filters. The nodes are
//! taken as empty: a Node export does not say what already runs there, so resource fit is
//! against allocatable, and host ports always fit.

mod filters;
mod node;
mod placement;
mod pod;

use std::collections::BTreeSet;

use serde_json::Value;

pub use node::{Effect, Node, Taint, scheduler_units};
pub use placement::{Placement, Reason, Rejected, Verdict};

/// Places a predicted Pod on `nodes`: every modelled filter on every node.
pub fn place(pod: &Value, nodes: &[Node]) -> Placement {
    let terms = match pod::PodTerms::read(pod) {
        Ok(terms) => terms,
        Err(why) => {
            return Placement {
                total: nodes.len(),
                fits: Vec::new(),
                rejected: Vec::new(),
                prefilter: None,
                unmodelled: Vec::new(),
                hints: Vec::new(),
                hint_fields: Vec::new(),
                unread: Some(why),
            };
        }
    };
    let mut placement = Placement {
        total: nodes.len(),
        fits: Vec::new(),
        rejected: Vec::new(),
        prefilter: None,
        unmodelled: terms.unmodelled.clone(),
        hints: Vec::new(),
        hint_fields: Vec::new(),
        unread: None,
    };
    if terms.named_nodes.as_ref().is_some_and(BTreeSet::is_empty) {
        // NodeAffinity's PreFilter: each term names nodes, and no name is in all of a term's.
        placement.prefilter = Some("pod affinity terms conflict".into());
        return placement;
    }
    for node in nodes {
        let reasons = filters::filter(&terms, node);
        if reasons.is_empty() {
            placement.fits.push(node.name.clone());
        } else {
            placement.rejected.push(Rejected {
                node: node.name.clone(),
                reasons,
            });
        }
    }
    if placement.fits.is_empty() {
        (placement.hints, placement.hint_fields) = label_hints(&terms, nodes).into_iter().unzip();
    }
    placement
}

/// For each label key the Pod requires that no node carries, the closest key some node
/// does carry (`node.kubernetes.io/instance-typ` → `node.kubernetes.io/instance-type`), with
/// the Pod field that asks for it (so that `jjo lint` can point at the override that wrote it).
fn label_hints(terms: &pod::PodTerms, nodes: &[Node]) -> Vec<(String, String)> {
    const AFFINITY: &str =
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
    // Most Pods ask only for keys some node has: that is found at the first nodes, and the
    // set of every node's keys (thousands of nodes, dozens of keys each) is made only for a
    // key no node has.
    let on_some = |key: &str| nodes.iter().any(|n| n.labels.contains_key(key));
    let mut keys: Option<BTreeSet<&str>> = None;
    let wanted = terms
        .node_selector
        .iter()
        .map(|(k, _)| {
            let field = crate::compare::path::push_key("spec.nodeSelector", k);
            (k.as_str(), field)
        })
        .chain(
            terms
                .required
                .iter()
                .flatten()
                .flat_map(|t| t.labels.iter().filter_map(pod::Requirement::required_key))
                .map(|k| (k, AFFINITY.to_owned())),
        );
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (key, field) in wanted {
        if !seen.insert(key) || on_some(key) {
            continue;
        }
        let keys = keys.get_or_insert_with(|| label_keys(nodes));
        let hint = match crate::diag::did_you_mean(key, keys.iter().copied()) {
            Some(close) => format!("no node has the label `{key}`: did you mean `{close}`?"),
            None => format!("no node has the label `{key}`"),
        };
        out.push((hint, field));
    }
    out
}

/// Every label key some node has. The nodes of one pool share their keys (only values such
/// as the hostname differ), so each distinct list of keys is added once: thousands of nodes
/// cost a comparison each, not dozens of set insertions.
fn label_keys(nodes: &[Node]) -> BTreeSet<&str> {
    // Enough for every pool of a real cluster; past it, nodes are simply added.
    const LISTS: usize = 64;
    let mut lists: Vec<&std::collections::BTreeMap<String, String>> = Vec::new();
    let mut keys = BTreeSet::new();
    for node in nodes {
        let labels = &node.labels;
        if lists
            .iter()
            .any(|l| l.len() == labels.len() && l.keys().eq(labels.keys()))
        {
            continue;
        }
        keys.extend(labels.keys().map(String::as_str));
        if lists.len() < LISTS {
            lists.push(labels);
        }
    }
    keys
}

/// Whether every node the Pod fits carries the labels of `on` (a `schedule.on:` selector);
/// the names of those that do not, which the scheduler may pick as well.
pub fn elsewhere<'a>(
    placement: &'a Placement,
    nodes: &[Node],
    on: &std::collections::BTreeMap<String, String>,
) -> Vec<&'a str> {
    placement
        .fits
        .iter()
        .filter(|name| {
            nodes
                .iter()
                .find(|n| &&n.name == name)
                .is_none_or(|n| on.iter().any(|(k, v)| n.labels.get(k) != Some(v)))
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, labels: &[(&str, &str)]) -> Node {
        Node {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            taints: Vec::new(),
            allocatable: [("cpu".to_owned(), 4000), ("pods".to_owned(), 110)].into(),
            unschedulable: false,
        }
    }

    #[test]
    fn a_selector_key_no_node_has_gets_a_did_you_mean_from_the_nodes_labels() {
        let nodes = [
            node("a", &[("node.kubernetes.io/instance-type", "g5.xlarge")]),
            node("b", &[("node.kubernetes.io/instance-type", "m5.large")]),
        ];
        let pod = json!({"spec": {"containers": [{"name": "c"}],
            "nodeSelector": {"node.kubernetes.io/instance-typ": "g5.xlarge"}}});
        let p = place(&pod, &nodes);
        assert_eq!(p.verdict(), Verdict::Unschedulable);
        assert_eq!(
            p.hints,
            [
                "no node has the label `node.kubernetes.io/instance-typ`: did you mean `node.kubernetes.io/instance-type`?"
            ]
        );
        assert_eq!(
            p.hint_fields,
            [r#"spec.nodeSelector["node.kubernetes.io/instance-typ"]"#]
        );
    }

    #[test]
    fn a_did_you_mean_looks_at_every_pools_keys() {
        // Three nodes of one pool, then a node whose keys differ: its key is a candidate too.
        let mut nodes: Vec<Node> = (0..3)
            .map(|i| {
                node(
                    &format!("g{i}"),
                    &[("pool", "gpu"), ("kubernetes.io/hostname", "x")],
                )
            })
            .collect();
        nodes.push(node("z", &[("topology.kubernetes.io/zone", "a")]));
        let pod = json!({"spec": {"containers": [{"name": "c"}],
            "nodeSelector": {"pool": "gpu", "topology.kubernetes.io/zon": "a"}}});
        let p = place(&pod, &nodes);
        assert_eq!(
            p.hints,
            [
                "no node has the label `topology.kubernetes.io/zon`: did you mean `topology.kubernetes.io/zone`?"
            ]
        );
        assert_eq!(label_keys(&nodes).len(), 3);
    }

    #[test]
    fn on_lists_the_fitting_nodes_outside_the_selector() {
        let nodes = [node("a", &[("pool", "gpu")]), node("b", &[("pool", "cpu")])];
        let pod = json!({"spec": {"containers": [{"name": "c"}]}});
        let p = place(&pod, &nodes);
        let on = [("pool".to_owned(), "gpu".to_owned())].into();
        assert_eq!(elsewhere(&p, &nodes, &on), ["b"]);
    }

    #[test]
    fn conflicting_named_nodes_fail_in_prefilter() {
        let pod = json!({"spec": {"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": ["a"]},
                {"key": "metadata.name", "operator": "In", "values": ["b"]}]}]}}}}});
        let p = place(&pod, &[node("a", &[]), node("b", &[])]);
        assert_eq!(
            p.message(),
            "0/2 nodes are available: pod affinity terms conflict."
        );
        let pod = json!({"spec": {"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": ["a"]}]}]}}}}});
        let p = place(&pod, &[node("a", &[]), node("b", &[])]);
        assert_eq!(p.fits, ["a"]);
        assert_eq!(p.rejected[0].reasons, [Reason::NotNamed]);
    }

    #[test]
    fn a_pod_that_does_not_decode_is_undecided_not_a_verdict() {
        let pod = json!({"spec": {"containers": "not a list"}});
        let p = place(&pod, &[node("a", &[])]);
        assert_eq!(p.verdict(), Verdict::Undecided);
        assert!(
            p.unread
                .as_deref()
                .unwrap_or_default()
                .starts_with("the Pod's `spec` does not decode")
        );
    }
}
