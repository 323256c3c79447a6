//! `nodes.yaml`: the cluster's nodes as `kubectl get nodes -o yaml` writes them (a `List`
//! or `NodeList`, or one Node per document), reduced to what scheduling reads. The rest of
//! a real export (conditions, images, addresses, managed fields) is dropped, and named in a
//! note.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

use super::error::{Error, ErrorKind};
use super::yaml::{self, Step};
use crate::location::{Located, Span};
use crate::schedule::{Effect, Node, Taint, scheduler_units};
use crate::validate::parse_quantity;

/// The file that gives a case the cluster's nodes.
pub const NODES_FILE: &str = "nodes.yaml";

/// The nodes of `nodes.yaml`, for offline scheduling and for a live run on a cluster jjo
/// starts itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Nodes {
    /// Where they were read from.
    pub path: PathBuf,
    /// Each node reduced to what scheduling reads, in the file's order.
    pub nodes: Vec<Node>,
    /// Each node as a Node object of what was kept (name, labels, taints, `unschedulable`,
    /// capacity and allocatable as the file writes them), for creating it on a cluster.
    pub objects: Vec<Value>,
    /// What jjo did not keep, as paths without indexes (`status.conditions`).
    pub dropped: BTreeSet<String>,
}

impl Nodes {
    /// The note on what was kept and what dropped.
    pub fn note(&self) -> String {
        let mut note = format!(
            "`{}`: kept what scheduling reads of {} node{} (name, labels, taints, allocatable, capacity, unschedulable)",
            self.path.display(),
            self.nodes.len(),
            if self.nodes.len() == 1 { "" } else { "s" }
        );
        if !self.dropped.is_empty() {
            let list: Vec<String> = self.dropped.iter().map(|d| format!("`{d}`")).collect();
            note.push_str(&format!("; dropped {}", list.join(", ")));
        }
        note
    }
}

/// One YAML document: a Node, or a list of them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    items: Option<Vec<NodeObject>>,
    #[serde(default)]
    metadata: DocumentMetadata,
    #[serde(default)]
    spec: Spec,
    #[serde(default)]
    status: Status,
}

/// A document's metadata: a List's has no name.
#[derive(Deserialize, Default)]
struct DocumentMetadata {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct NodeObject {
    #[serde(default)]
    kind: Option<String>,
    metadata: Metadata,
    #[serde(default)]
    spec: Spec,
    #[serde(default)]
    status: Status,
}

#[derive(Deserialize)]
struct Metadata {
    name: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct Spec {
    #[serde(default)]
    taints: Vec<TaintObject>,
    #[serde(default)]
    unschedulable: bool,
}

#[derive(Deserialize, serde::Serialize)]
struct TaintObject {
    key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    value: String,
    effect: Effect,
}

#[derive(Deserialize, Default)]
struct Status {
    #[serde(default)]
    allocatable: Option<BTreeMap<String, Nano>>,
    #[serde(default)]
    capacity: Option<BTreeMap<String, Nano>>,
}

/// A quantity (`"8"`, `32386220Ki`, `110`) in nano-units, and as the file wrote it.
struct Nano(i128, String);

impl<'de> Deserialize<'de> for Nano {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Nano, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Nano;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as `8`, `500m` or `32Gi`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Nano, E> {
                parse_quantity(s)
                    .map(|n| Nano(n, s.to_owned()))
                    .map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Nano, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Nano, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Nano, E> {
                self.visit_str(&n.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

/// The Node object jjo creates on a cluster: what it kept, in the API's shape.
fn object_of(metadata: &Metadata, spec: &Spec, status: &Status) -> Value {
    let quantities = |q: &Option<BTreeMap<String, Nano>>| {
        q.as_ref().map(|q| {
            q.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.1.clone())))
                .collect::<serde_json::Map<_, _>>()
        })
    };
    let mut object = serde_json::json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": metadata.name, "labels": metadata.labels},
        "spec": {"taints": spec.taints}});
    if spec.unschedulable {
        object["spec"]["unschedulable"] = true.into();
    }
    for (key, q) in [
        ("capacity", &status.capacity),
        ("allocatable", &status.allocatable),
    ] {
        if let Some(q) = quantities(q) {
            object["status"][key] = q.into();
        }
    }
    object
}

fn node_of(metadata: Metadata, spec: Spec, status: Status) -> Node {
    // The API server defaults allocatable to capacity (`SetDefaults_NodeStatus`).
    let resources = status.allocatable.or(status.capacity).unwrap_or_default();
    Node {
        name: metadata.name,
        labels: metadata.labels,
        taints: spec
            .taints
            .into_iter()
            .map(|t| Taint {
                key: t.key,
                value: t.value,
                effect: t.effect,
            })
            .collect(),
        allocatable: resources
            .into_iter()
            .map(|(name, q)| {
                let units = scheduler_units(&name, q.0);
                (name, units)
            })
            .collect(),
        unschedulable: spec.unschedulable,
    }
}

/// A dropped field's path, without indexes and at most two keys deep below the Node.
fn dropped_path(steps: &[Step]) -> Option<String> {
    let keys: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let keys = match keys.as_slice() {
        ["items", rest @ ..] => rest,
        all => all,
    };
    match keys {
        // `apiVersion` and a List's own `metadata` say nothing about any node.
        [] | ["apiVersion"] => None,
        [one] => Some((*one).to_owned()),
        // Inside a field jjo keeps (a taint's `timeAdded`), the field alone is dropped, not
        // the taints.
        ["spec", "taints", c, ..] => Some(format!("spec.taints.{c}")),
        [a, b, ..] => Some(format!("{a}.{b}")),
    }
}

/// [`parse`], once per distinct text in this process: a suite's one `nodes.yaml` serves
/// every case below it, and a real export is megabytes of YAML. Only what parsed is kept.
pub fn parse_once(path: &Path, text: &str) -> Result<Nodes, Error> {
    use std::sync::{Mutex, PoisonError};
    /// Distinct exports kept; a run seldom has more than a few.
    const KEEP: usize = 16;
    static PARSED: Mutex<Vec<(String, Nodes)>> = Mutex::new(Vec::new());
    let found = PARSED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(t, _)| t == text)
        .map(|(_, nodes)| nodes.clone());
    if let Some(mut nodes) = found {
        nodes.path = path.to_path_buf();
        return Ok(nodes);
    }
    let nodes = parse(path, text)?;
    let mut parsed = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
    if parsed.len() >= KEEP {
        parsed.remove(0);
    }
    parsed.push((text.to_owned(), nodes.clone()));
    Ok(nodes)
}

/// Parses `nodes.yaml` text read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Nodes, Error> {
    let mut out = Nodes {
        path: path.to_path_buf(),
        nodes: Vec::new(),
        objects: Vec::new(),
        dropped: BTreeSet::new(),
    };
    // The `kind:` line of document `n` (or of its item `i`), by the one YAML position reader:
    // a scan for the first `kind: X` of the file found another document's.
    let kind_line = |n: usize, item: Option<usize>| {
        let at = item.map_or_else(|| "kind".to_owned(), |i| format!("items[{i}].kind"));
        crate::compare::document_line_of(text, n, &at).unwrap_or(0)
    };
    let not_a_node = |found: Option<&str>, at: &str, line: u32| {
        let line = found.map_or(0, |_| line);
        Located::new(
            Span::line(path, line),
            ErrorKind::NotANode {
                found: found.map(str::to_owned),
                at: at.to_owned(),
            },
        )
    };
    // Each document is read once, into what scheduling reads: a real export is thousands
    // of lines of managedFields, images and conditions that nothing here needs.
    for (n, document) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let mut dropped = Vec::new();
        let doc: Option<Document> = yaml::parse_lenient(path, document, &mut |steps| {
            dropped.push(steps);
        })?;
        let Some(doc) = doc else {
            // An empty document (`---` at the end).
            continue;
        };
        out.dropped
            .extend(dropped.iter().filter_map(|s| dropped_path(s)));
        match (doc.kind.as_deref(), doc.items) {
            (Some("List" | "NodeList"), Some(items)) => {
                for (i, item) in items.into_iter().enumerate() {
                    if item.kind.as_deref().is_some_and(|k| k != "Node") {
                        return Err(not_a_node(
                            item.kind.as_deref(),
                            &format!("items[{i}]"),
                            kind_line(n, Some(i)),
                        ));
                    }
                    out.objects
                        .push(object_of(&item.metadata, &item.spec, &item.status));
                    out.nodes
                        .push(node_of(item.metadata, item.spec, item.status));
                }
            }
            (Some("List" | "NodeList"), None) => {}
            (Some("Node"), _) => {
                let Some(name) = doc.metadata.name else {
                    return Err(Located::new(
                        Span::line(path, kind_line(n, None)),
                        ErrorKind::Yaml {
                            at: format!("document {}", n + 1),
                            message: "missing field `metadata.name`".into(),
                        },
                    ));
                };
                let metadata = Metadata {
                    name,
                    labels: doc.metadata.labels,
                };
                out.objects
                    .push(object_of(&metadata, &doc.spec, &doc.status));
                out.nodes.push(node_of(metadata, doc.spec, doc.status));
            }
            (kind, _) => {
                return Err(not_a_node(
                    kind,
                    &format!("document {}", n + 1),
                    kind_line(n, None),
                ));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for node in &out.nodes {
        if !seen.insert(node.name.as_str()) {
            return Err(Located::new(
                Span::file(path),
                ErrorKind::DuplicateNode {
                    name: node.name.clone(),
                },
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Nodes {
        parse(Path::new("nodes.yaml"), text).expect("parses")
    }

    fn parse_err(text: &str) -> Error {
        match parse(Path::new("nodes.yaml"), text) {
            Ok(n) => panic!("{text:?} should fail, got {n:?}"),
            Err(e) => e,
        }
    }

    const LIST: &str = r#"apiVersion: v1
items:
- apiVersion: v1
  kind: Node
  metadata:
    annotations:
      node.alpha.kubernetes.io/ttl: "0"
    labels:
      pool: gpu
    name: gpu-1
  spec:
    providerID: aws:///us-east-1a/i-0abc
    taints:
    - effect: NoSchedule
      key: nvidia.com/gpu
      value: "true"
  status:
    allocatable:
      cpu: 3920m
      memory: 15147368Ki
      nvidia.com/gpu: "1"
      pods: "58"
    capacity:
      cpu: "4"
    conditions:
    - type: Ready
      status: "True"
kind: List
metadata:
  resourceVersion: ""
"#;

    #[test]
    fn a_list_keeps_what_scheduling_reads_and_names_what_it_drops() {
        let nodes = parse_ok(LIST);
        assert_eq!(nodes.nodes.len(), 1);
        let n = &nodes.nodes[0];
        assert_eq!(n.name, "gpu-1");
        assert_eq!(n.labels["pool"], "gpu");
        assert_eq!(n.taints[0].to_string(), "nvidia.com/gpu=true:NoSchedule");
        assert_eq!(n.allocatable["cpu"], 3920);
        assert_eq!(n.allocatable["memory"], 15147368 * 1024);
        assert_eq!(n.allocatable["nvidia.com/gpu"], 1);
        assert_eq!(n.allocatable["pods"], 58);
        assert_eq!(
            nodes.note(),
            "`nodes.yaml`: kept what scheduling reads of 1 node (name, labels, taints, allocatable, capacity, unschedulable); dropped `metadata.annotations`, `metadata.resourceVersion`, `spec.providerID`, `status.conditions`"
        );
        // What a live run creates: the kept fields, quantities as the export writes them.
        let object = &nodes.objects[0];
        assert_eq!(object["metadata"]["name"], "gpu-1");
        assert_eq!(object["metadata"]["labels"]["pool"], "gpu");
        assert_eq!(
            object["spec"]["taints"],
            serde_json::json!([{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}])
        );
        assert_eq!(object["status"]["allocatable"]["cpu"], "3920m");
        assert!(object["spec"].get("providerID").is_none(), "{object}");
        assert!(object["metadata"].get("annotations").is_none(), "{object}");
    }

    #[test]
    fn one_node_per_document_and_capacity_when_allocatable_is_absent() {
        let text = "kind: Node\nmetadata: {name: a}\nstatus:\n  capacity: {cpu: 2, pods: 110}\n---\n---\nkind: Node\nmetadata: {name: b}\nspec: {unschedulable: true}\n";
        let nodes = parse_ok(text);
        assert_eq!(nodes.nodes.len(), 2);
        assert_eq!(nodes.nodes[0].allocatable["cpu"], 2000);
        assert!(nodes.nodes[1].unschedulable);
        assert!(nodes.nodes[1].allocatable.is_empty());
    }

    #[test]
    fn a_misspelt_effect_is_located_with_a_did_you_mean() {
        let err = parse_err(
            "kind: Node\nmetadata: {name: a}\nspec:\n  taints:\n  - {key: k, effect: NoSchedul}\n",
        );
        assert_eq!(err.span.line, 5);
        assert!(
            err.to_string()
                .contains("`spec.taints[0].effect`: unknown variant `NoSchedul`"),
            "{err}"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `NoSchedule`?"));
    }

    #[test]
    fn a_bad_quantity_is_located() {
        let err = parse_err(
            "kind: Node\nmetadata: {name: a}\nstatus:\n  allocatable:\n    memory: 16GB\n",
        );
        assert_eq!(err.span.line, 5, "{err}");
        assert!(
            err.to_string().contains("`16GB` is not a quantity"),
            "{err}"
        );
    }

    /// Issue 19 item 3: the line came from a scan for the file's first `kind: Node`, so a
    /// nameless Node in a later document was shown at the first document's line.
    #[test]
    fn a_nameless_node_in_a_later_document_is_shown_at_its_own_line() {
        let err =
            parse_err("kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {labels: {}}\n");
        assert_eq!(err.span.line, 4, "{err}");
        let err = parse_err(
            "kind: Pod\nmetadata: {name: a}\n---\nkind: List\nitems:\n- kind: Node\n  metadata: {name: n}\n- kind: Pod\n",
        );
        assert_eq!(err.span.line, 1, "{err}");
        let err = parse_err(
            "kind: Node\nmetadata: {name: a}\n---\nkind: List\nitems:\n- kind: Node\n  metadata: {name: n}\n- kind: Pod\n",
        );
        assert_eq!(err.span.line, 8, "{err}");
    }

    #[test]
    fn another_kind_is_refused_at_its_line() {
        let err = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
        assert_eq!(err.span.line, 2);
        assert_eq!(
            err.error.to_string(),
            "document 1 is `kind: Pod`, not a Node"
        );
        let err = parse_err("kind: List\nitems:\n- kind: Pod\n  metadata: {name: p}\n");
        assert_eq!(err.span.line, 3);
        assert_eq!(err.error.to_string(), "items[0] is `kind: Pod`, not a Node");
        let err = parse_err("metadata: {name: a}\n");
        assert_eq!(
            err.error.to_string(),
            "document 1 has no `kind`, not a Node"
        );
    }

    #[test]
    fn a_node_without_a_name_and_two_nodes_of_one_name_are_errors() {
        let err = parse_err("kind: List\nitems:\n- kind: Node\n  metadata: {labels: {a: b}}\n");
        assert!(err.to_string().contains("missing field `name`"), "{err}");
        let err =
            parse_err("kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {name: a}\n");
        assert_eq!(err.error.to_string(), "two nodes are named `a`");
    }
}
