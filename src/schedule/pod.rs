//! What kube-scheduler reads from a Pod, read once before the nodes are filtered: the node
//! selector and required node affinity, the tolerations, the resource requests the fit
//! compares, and the features jjo does not model (which keep a verdict from being claimed).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Container, NodeSelectorRequirement, PodSpec, ResourceRequirements, Toleration,
};
use serde_json::Value;

use super::node::{Effect, Taint, scheduler_units};
use crate::validate::parse_quantity;

/// The Pod as the filters see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodTerms {
    /// `spec.nodeSelector`.
    pub node_selector: Vec<(String, String)>,
    /// The required node affinity's terms (ORed), when the Pod has any.
    pub required: Option<Vec<Term>>,
    /// The node names NodeAffinity's PreFilter narrows to: when every required term names
    /// nodes with `matchFields` `metadata.name In`.
    pub named_nodes: Option<BTreeSet<String>>,
    /// `spec.tolerations`.
    pub tolerations: Vec<Toleration>,
    /// What the Pod requests, in scheduler units (`scheduler_units`), sorted by name.
    pub requests: BTreeMap<String, i128>,
    /// Features that decide scheduling which jjo does not model, in words.
    pub unmodelled: Vec<String>,
}

/// One required node selector term: every requirement must hold.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    /// `matchExpressions`, on labels.
    pub labels: Vec<Requirement>,
    /// `matchFields`, on `metadata.name` (the only field the scheduler supports).
    pub fields: Vec<Requirement>,
}

/// One requirement of a term, already checked: an invalid one (`Gt` with a value that is no
/// integer, an unknown operator) never matches, as the scheduler drops a term it cannot parse.
#[derive(Debug, Clone)]
pub(crate) enum Requirement {
    /// The key's value is one of these.
    In(String, Vec<String>),
    /// The key is absent or its value is none of these.
    NotIn(String, Vec<String>),
    /// The key is present.
    Exists(String),
    /// The key is absent.
    DoesNotExist(String),
    /// The key's value is an integer greater than this one.
    Gt(String, i64),
    /// The key's value is an integer less than this one.
    Lt(String, i64),
    /// A requirement the scheduler cannot parse.
    Invalid,
}

impl Requirement {
    fn of(r: &NodeSelectorRequirement) -> Requirement {
        let key = r.key.clone();
        let values = r.values.clone().unwrap_or_default();
        let one_int = || match values.as_slice() {
            [v] => v.parse::<i64>().ok(),
            _ => None,
        };
        match r.operator.as_str() {
            "In" if !values.is_empty() => Requirement::In(key, values),
            "NotIn" if !values.is_empty() => Requirement::NotIn(key, values),
            "Exists" if values.is_empty() => Requirement::Exists(key),
            "DoesNotExist" if values.is_empty() => Requirement::DoesNotExist(key),
            "Gt" => one_int().map_or(Requirement::Invalid, |n| Requirement::Gt(key, n)),
            "Lt" => one_int().map_or(Requirement::Invalid, |n| Requirement::Lt(key, n)),
            _ => Requirement::Invalid,
        }
    }

    /// Whether the requirement holds for `get` (a label lookup, or the node's name).
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        let int = |key: &str| get(key).and_then(|v| v.parse::<i64>().ok());
        match self {
            Requirement::In(key, values) => get(key).is_some_and(|v| values.iter().any(|x| x == v)),
            Requirement::NotIn(key, values) => {
                get(key).is_none_or(|v| !values.iter().any(|x| x == v))
            }
            Requirement::Exists(key) => get(key).is_some(),
            Requirement::DoesNotExist(key) => get(key).is_none(),
            Requirement::Gt(key, n) => int(key).is_some_and(|v| v > *n),
            Requirement::Lt(key, n) => int(key).is_some_and(|v| v < *n),
            Requirement::Invalid => false,
        }
    }

    /// The label key a node must carry for the requirement to hold, for did-you-mean.
    pub fn required_key(&self) -> Option<&str> {
        match self {
            Requirement::In(k, _)
            | Requirement::Exists(k)
            | Requirement::Gt(k, _)
            | Requirement::Lt(k, _) => Some(k),
            _ => None,
        }
    }
}

/// Whether one of the Pod's tolerations tolerates the taint (`Toleration.ToleratesTaint` in
/// `k8s.io/api/core/v1/toleration.go`): an empty effect or key matches any, `Exists` any
/// value, `Equal` (or no operator) only the same value.
pub(crate) fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect.as_str());
        let key_ok = t
            .key
            .as_deref()
            .is_none_or(|k| k.is_empty() || k == taint.key);
        let value = t.value.as_deref().unwrap_or("");
        effect_ok
            && key_ok
            && match t.operator.as_deref().unwrap_or("") {
                "" | "Equal" => value == taint.value,
                "Exists" => true,
                _ => false,
            }
    })
}

/// The taint a cordoned node is treated as having by the NodeUnschedulable filter.
pub(crate) fn unschedulable_taint() -> Taint {
    Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        value: String::new(),
        effect: Effect::NoSchedule,
    }
}

impl PodTerms {
    /// Reads a predicted Pod; `Err` with the reason when it does not decode as a Pod.
    pub fn read(pod: &Value) -> Result<PodTerms, String> {
        let spec: PodSpec = match pod.get("spec") {
            Some(spec) => serde_json::from_value(spec.clone())
                .map_err(|e| format!("the Pod's `spec` does not decode: {e}"))?,
            None => return Err("the Pod has no `spec`".into()),
        };
        let mut terms = PodTerms {
            node_selector: spec
                .node_selector
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            tolerations: spec.tolerations.clone().unwrap_or_default(),
            requests: requests(&spec),
            unmodelled: unmodelled(&spec),
            ..PodTerms::default()
        };
        let required = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            });
        if let Some(required) = required {
            let list: Vec<Term> = required
                .node_selector_terms
                .iter()
                .map(|t| Term {
                    labels: t
                        .match_expressions
                        .iter()
                        .flatten()
                        .map(Requirement::of)
                        .collect(),
                    fields: t
                        .match_fields
                        .iter()
                        .flatten()
                        .map(|r| match Requirement::of(r) {
                            // `metadata.name` is the only field a node selector supports.
                            _ if r.key != "metadata.name" => Requirement::Invalid,
                            req @ (Requirement::In(..) | Requirement::NotIn(..)) => req,
                            _ => Requirement::Invalid,
                        })
                        .collect(),
                })
                .collect();
            terms.named_nodes = named_nodes(&list);
            terms.required = Some(list);
        }
        Ok(terms)
    }
}

/// NodeAffinity's PreFilter: the union over the terms of the names each term's
/// `metadata.name In` requirements allow (intersected within a term); `None` when a term
/// names no node, since the terms are ORed and that one may match any node.
fn named_nodes(terms: &[Term]) -> Option<BTreeSet<String>> {
    let mut union = BTreeSet::new();
    for term in terms {
        let mut names: Option<BTreeSet<String>> = None;
        for field in &term.fields {
            if let Requirement::In(_, values) = field {
                let these: BTreeSet<String> = values.iter().cloned().collect();
                names = Some(match names {
                    None => these,
                    Some(n) => n.intersection(&these).cloned().collect(),
                });
            }
        }
        union.extend(names?);
    }
    (!terms.is_empty()).then_some(union)
}

/// The requests of one container, in scheduler units.
fn container_requests(c: &Container) -> BTreeMap<String, i128> {
    requests_of(c.resources.as_ref())
}

fn requests_of(resources: Option<&ResourceRequirements>) -> BTreeMap<String, i128> {
    let mut out = BTreeMap::new();
    for (name, q) in resources
        .and_then(|r| r.requests.as_ref())
        .into_iter()
        .flatten()
    {
        // A quantity that does not parse is `validate`'s finding; here it requests nothing.
        if let Ok(nano) = parse_quantity(&q.0) {
            out.insert(name.clone(), scheduler_units(name, nano));
        }
    }
    out
}

fn add(to: &mut BTreeMap<String, i128>, from: &BTreeMap<String, i128>) {
    for (k, v) in from {
        *to.entry(k.clone()).or_insert(0) += v;
    }
}

fn max(to: &mut BTreeMap<String, i128>, from: &BTreeMap<String, i128>) {
    for (k, v) in from {
        let e = to.entry(k.clone()).or_insert(0);
        *e = (*e).max(*v);
    }
}

/// The Pod's requests as the scheduler computes them (`PodRequests` in
/// `k8s.io/component-helpers/resource/helpers.go`): the sum over the containers and the
/// restartable (sidecar) init containers, or the largest init container with the sidecars
/// started before it, whichever is larger per resource; then the Pod overhead. Pod-level
/// `spec.resources.requests` (1.34, on by default) replace the containers' cpu and memory.
fn requests(spec: &PodSpec) -> BTreeMap<String, i128> {
    let mut reqs = BTreeMap::new();
    for c in &spec.containers {
        add(&mut reqs, &container_requests(c));
    }
    let mut sidecars = BTreeMap::new();
    let mut init_max = BTreeMap::new();
    for c in spec.init_containers.iter().flatten() {
        let own = container_requests(c);
        let step = if c.restart_policy.as_deref() == Some("Always") {
            add(&mut reqs, &own);
            add(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut step = own;
            add(&mut step, &sidecars);
            step
        };
        max(&mut init_max, &step);
    }
    max(&mut reqs, &init_max);
    let pod_level = requests_of(spec.resources.as_ref());
    for name in ["cpu", "memory"] {
        if let Some(v) = pod_level.get(name) {
            reqs.insert(name.to_owned(), *v);
        }
    }
    if let Some(overhead) = &spec.overhead {
        for (name, q) in overhead {
            if let Ok(nano) = parse_quantity(&q.0) {
                *reqs.entry(name.clone()).or_insert(0) += scheduler_units(name, nano);
            }
        }
    }
    reqs
}

/// The parts of the Pod that decide its placement in filters jjo does not model.
fn unmodelled(spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    let affinity = spec.affinity.as_ref();
    if affinity
        .and_then(|a| a.pod_affinity.as_ref())
        .and_then(|p| {
            p.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_some_and(|t| !t.is_empty())
    {
        out.push("required pod affinity (`affinity.podAffinity`)".into());
    }
    if affinity
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|p| {
            p.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_some_and(|t| !t.is_empty())
    {
        out.push("required pod anti-affinity (`affinity.podAntiAffinity`)".into());
    }
    if spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .any(|t| t.when_unsatisfiable == "DoNotSchedule")
    {
        out.push("topology spread constraints (`topologySpreadConstraints`)".into());
    }
    for v in spec.volumes.iter().flatten() {
        let kind = if v.persistent_volume_claim.is_some() {
            Some("persistentVolumeClaim")
        } else if v.ephemeral.is_some() {
            Some("ephemeral")
        } else if v.csi.is_some() {
            Some("csi")
        } else if v.aws_elastic_block_store.is_some() {
            Some("awsElasticBlockStore")
        } else if v.gce_persistent_disk.is_some() {
            Some("gcePersistentDisk")
        } else if v.azure_disk.is_some() {
            Some("azureDisk")
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(format!("volume `{}` ({kind})", v.name));
        }
    }
    if spec.resource_claims.as_ref().is_some_and(|c| !c.is_empty()) {
        out.push("dynamic resource claims (`resourceClaims`)".into());
    }
    if spec
        .scheduling_gates
        .as_ref()
        .is_some_and(|g| !g.is_empty())
    {
        out.push(
            "scheduling gates (`schedulingGates`): the Pod waits until they are removed".into(),
        );
    }
    if let Some(name) = spec
        .scheduler_name
        .as_deref()
        .filter(|n| *n != "default-scheduler")
    {
        out.push(format!("another scheduler (`schedulerName: {name}`)"));
    }
    if let Some(node) = &spec.node_name {
        out.push(format!(
            "`nodeName: {node}`: the Pod is bound without the scheduler"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn terms(spec: Value) -> PodTerms {
        PodTerms::read(&json!({ "spec": spec })).expect("decodes")
    }

    fn container(requests: Value) -> Value {
        json!({"name": "c", "resources": {"requests": requests}})
    }

    #[test]
    fn requests_sum_containers_and_take_the_largest_init_container() {
        let t = terms(json!({
            "containers": [container(json!({"cpu": "500m", "memory": "1Gi"})),
                           container(json!({"cpu": "250m", "nvidia.com/gpu": "1"}))],
            "initContainers": [container(json!({"cpu": "2", "memory": "512Mi"}))],
        }));
        assert_eq!(t.requests["cpu"], 2000);
        assert_eq!(t.requests["memory"], 1 << 30);
        assert_eq!(t.requests["nvidia.com/gpu"], 1);
    }

    #[test]
    fn sidecars_add_to_the_containers_and_to_later_init_containers() {
        let mut sidecar = container(json!({"cpu": "1"}));
        sidecar["restartPolicy"] = "Always".into();
        let t = terms(json!({
            "containers": [container(json!({"cpu": "1"}))],
            "initContainers": [sidecar, container(json!({"cpu": "2500m"}))],
        }));
        // Containers 1 + sidecar 1 = 2; the plain init container runs beside the sidecar: 3.5.
        assert_eq!(t.requests["cpu"], 3500);
    }

    #[test]
    fn overhead_is_added_and_pod_level_requests_replace_cpu_and_memory() {
        let t = terms(json!({
            "containers": [container(json!({"cpu": "1", "memory": "1Gi"}))],
            "overhead": {"cpu": "250m"},
            "resources": {"requests": {"memory": "4Gi"}},
        }));
        assert_eq!(t.requests["cpu"], 1250);
        assert_eq!(t.requests["memory"], 4 << 30);
    }

    #[test]
    fn toleration_rules_follow_tolerates_taint() {
        let taint = Taint {
            key: "nvidia.com/gpu".into(),
            value: "present".into(),
            effect: Effect::NoSchedule,
        };
        let tol =
            |v: Value| -> Vec<Toleration> { vec![serde_json::from_value(v).expect("toleration")] };
        assert!(tolerated(
            &tol(json!({"key": "nvidia.com/gpu", "operator": "Exists"})),
            &taint
        ));
        assert!(tolerated(&tol(json!({"operator": "Exists"})), &taint));
        assert!(tolerated(
            &tol(json!({"key": "nvidia.com/gpu", "value": "present"})),
            &taint
        ));
        assert!(tolerated(
            &tol(
                json!({"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"})
            ),
            &taint
        ));
        assert!(!tolerated(
            &tol(json!({"key": "nvidia.com/gpu", "value": "absent"})),
            &taint
        ));
        assert!(!tolerated(
            &tol(json!({"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"})),
            &taint
        ));
        assert!(!tolerated(
            &tol(json!({"key": "gpu", "operator": "Exists"})),
            &taint
        ));
        assert!(!tolerated(&[], &taint));
    }

    #[test]
    fn each_operator_matches_as_the_scheduler_does() {
        let labels: BTreeMap<&str, &str> = [("pool", "gpu"), ("cores", "16")].into();
        let get = |k: &str| labels.get(k).copied();
        let req = |op: &str, key: &str, values: &[&str]| {
            Requirement::of(
                &serde_json::from_value(json!({"key": key, "operator": op, "values": values}))
                    .expect("req"),
            )
        };
        assert!(req("In", "pool", &["cpu", "gpu"]).matches(get));
        assert!(!req("In", "zone", &["a"]).matches(get));
        assert!(req("NotIn", "pool", &["cpu"]).matches(get));
        assert!(req("NotIn", "zone", &["a"]).matches(get));
        assert!(!req("NotIn", "pool", &["gpu"]).matches(get));
        assert!(req("Exists", "pool", &[]).matches(get));
        assert!(!req("Exists", "zone", &[]).matches(get));
        assert!(req("DoesNotExist", "zone", &[]).matches(get));
        assert!(req("Gt", "cores", &["8"]).matches(get));
        assert!(!req("Gt", "cores", &["16"]).matches(get));
        assert!(req("Lt", "cores", &["32"]).matches(get));
        assert!(!req("Gt", "pool", &["1"]).matches(get));
        // The scheduler cannot parse these, so their term matches no node.
        assert!(!req("Gt", "cores", &["eight"]).matches(get));
        assert!(!req("In", "pool", &[]).matches(get));
        assert!(!req("Exists", "pool", &["gpu"]).matches(get));
        assert!(!req("Equals", "pool", &["gpu"]).matches(get));
    }

    #[test]
    fn unmodelled_features_are_named() {
        let t = terms(json!({
            "containers": [{"name": "c"}],
            "affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname", "labelSelector": {}}]}},
            "volumes": [{"name": "home", "persistentVolumeClaim": {"claimName": "home"}},
                        {"name": "cfg", "configMap": {"name": "cfg"}}],
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"}],
        }));
        assert_eq!(
            t.unmodelled,
            [
                "required pod affinity (`affinity.podAffinity`)",
                "volume `home` (persistentVolumeClaim)"
            ]
        );
    }

    #[test]
    fn match_fields_in_every_term_narrow_the_nodes() {
        let affinity = |terms: Value| {
            self::terms(
                json!({"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}),
            )
        };
        let named = affinity(json!([
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["b"]}]},
        ]));
        assert_eq!(
            named.named_nodes,
            Some(["a".to_owned(), "b".to_owned()].into())
        );
        let open = affinity(json!([
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]},
            {"matchExpressions": [{"key": "pool", "operator": "Exists"}]},
        ]));
        assert_eq!(open.named_nodes, None);
    }
}
