//! A real-size `kubectl get nodes -o yaml` (issue 16): 2,400 nodes of an EKS and a GKE
//! cluster written as kubectl writes them — dozens of labels, annotations, taints,
//! `managedFields`, conditions, addresses, images, `nodeInfo` — are read, reduced to what
//! scheduling reads, and a session placed on them exactly where the pools say.

use std::fmt::Write;
use std::path::Path;

use serde_json::json;

/// The kind of pool a generated node belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pool {
    /// EKS, m6i.2xlarge, untainted.
    EksGeneral,
    /// EKS, g5.2xlarge, tainted `nvidia.com/gpu=true:NoSchedule`, label `pool: gpu`.
    EksGpu,
    /// GKE, n1-standard-8 with a T4, tainted `nvidia.com/gpu=present:NoSchedule`.
    GkeT4,
    /// GKE spot VMs, tainted `cloud.google.com/gke-spot=true:NoSchedule`.
    GkeSpot,
}

/// What the generator decided for one node, to compute the expected placement from.
struct Made {
    name: String,
    pool: Pool,
    cordoned: bool,
    /// GPUs the device plugin reports allocatable (0 while it is not ready).
    gpus: u32,
}

const POOLS: [(Pool, usize); 4] = [
    (Pool::EksGeneral, 1200),
    (Pool::EksGpu, 400),
    (Pool::GkeT4, 400),
    (Pool::GkeSpot, 400),
];

/// One `managedFields` entry as the API server writes it.
fn managed(out: &mut String, manager: &str, subresource: Option<&str>, fields: &[&str]) {
    let _ = writeln!(
        out,
        "    - apiVersion: v1\n      fieldsType: FieldsV1\n      fieldsV1:"
    );
    for f in fields {
        let _ = writeln!(out, "        {f}");
    }
    let _ = writeln!(out, "      manager: {manager}\n      operation: Update");
    if let Some(s) = subresource {
        let _ = writeln!(out, "      subresource: {s}");
    }
    let _ = writeln!(out, "      time: \"2026-11-30T10:04:11Z\"");
}

/// The export and what was made, node by node.
fn export() -> (String, Vec<Made>) {
    let mut out = String::from("apiVersion: v1\nitems:\n");
    let mut made = Vec::new();
    let mut i = 0usize;
    for (pool, n) in POOLS {
        for k in 0..n {
            i += 1;
            let eks = matches!(pool, Pool::EksGeneral | Pool::EksGpu);
            let (a, b) = (i / 250, i % 250);
            let name = if eks {
                format!("ip-10-20-{a}-{b}.ec2.internal")
            } else {
                let pool_name = if pool == Pool::GkeT4 {
                    "t4-pool"
                } else {
                    "spot-pool"
                };
                format!("gke-prod-{pool_name}-7f3c9a1e-{k:04x}")
            };
            let cordoned = k % 37 == 5;
            let gpus = match pool {
                Pool::EksGpu => 1,
                // A node whose device plugin is not ready yet reports no GPU.
                Pool::GkeT4 if k % 10 == 3 => 0,
                Pool::GkeT4 => 1,
                _ => 0,
            };
            let zone = ["a", "b", "c"][k % 3];
            let _ = writeln!(
                out,
                "- apiVersion: v1\n  kind: Node\n  metadata:\n    annotations:"
            );
            if eks {
                let _ = writeln!(
                    out,
                    "      alpha.kubernetes.io/provided-node-ip: 10.20.{a}.{b}\n      csi.volume.kubernetes.io/nodeid: '{{\"ebs.csi.aws.com\":\"i-0{i:016x}\"}}'"
                );
            } else {
                let _ = writeln!(
                    out,
                    "      container.googleapis.com/instance_id: \"{}\"\n      csi.volume.kubernetes.io/nodeid: '{{\"pd.csi.storage.gke.io\":\"projects/prod/zones/europe-west4-{zone}/instances/{name}\"}}'\n      node.gke.io/last-applied-node-labels: cloud.google.com/gke-boot-disk=pd-balanced,cloud.google.com/gke-nodepool=x",
                    7_000_000_000_000_000u64 + i as u64
                );
            }
            let _ = writeln!(
                out,
                "      node.alpha.kubernetes.io/ttl: \"0\"\n      volumes.kubernetes.io/controller-managed-attach-detach: \"true\"\n    creationTimestamp: \"2026-11-02T08:14:51Z\"\n    labels:"
            );
            let arch = "      beta.kubernetes.io/arch: amd64\n      beta.kubernetes.io/os: linux\n      kubernetes.io/arch: amd64\n      kubernetes.io/os: linux";
            let _ = writeln!(out, "{arch}\n      kubernetes.io/hostname: {name}");
            match pool {
                Pool::EksGeneral | Pool::EksGpu => {
                    let (itype, group, label) = if pool == Pool::EksGpu {
                        ("g5.2xlarge", "gpu-g5", "gpu")
                    } else {
                        ("m6i.2xlarge", "general-m6i", "general")
                    };
                    let _ = writeln!(
                        out,
                        "      beta.kubernetes.io/instance-type: {itype}\n      eks.amazonaws.com/capacityType: ON_DEMAND\n      eks.amazonaws.com/nodegroup: {group}\n      eks.amazonaws.com/nodegroup-image: ami-0c1d2e3f4a5b6c7d8\n      eks.amazonaws.com/sourceLaunchTemplateVersion: \"3\"\n      failure-domain.beta.kubernetes.io/region: us-east-1\n      failure-domain.beta.kubernetes.io/zone: us-east-1{zone}\n      k8s.io/cloud-provider-aws: 5f1c0e3b2a9d8c7b6a5f4e3d2c1b0a99\n      node.kubernetes.io/instance-type: {itype}\n      pool: {label}\n      topology.ebs.csi.aws.com/zone: us-east-1{zone}\n      topology.k8s.aws/zone-id: use1-az{k}\n      topology.kubernetes.io/region: us-east-1\n      topology.kubernetes.io/zone: us-east-1{zone}"
                    );
                }
                Pool::GkeT4 | Pool::GkeSpot => {
                    let (nodepool, mtype) = if pool == Pool::GkeT4 {
                        ("t4-pool", "n1-standard-8")
                    } else {
                        ("spot-pool", "e2-standard-8")
                    };
                    if pool == Pool::GkeT4 {
                        let _ = writeln!(
                            out,
                            "      cloud.google.com/gke-accelerator: nvidia-tesla-t4\n      cloud.google.com/gke-gpu: \"true\"\n      cloud.google.com/gke-gpu-driver-version: default"
                        );
                    } else {
                        let _ = writeln!(out, "      cloud.google.com/gke-spot: \"true\"");
                    }
                    let _ = writeln!(
                        out,
                        "      cloud.google.com/gke-boot-disk: pd-balanced\n      cloud.google.com/gke-container-runtime: containerd\n      cloud.google.com/gke-cpu-scaling-level: \"8\"\n      cloud.google.com/gke-logging-variant: DEFAULT\n      cloud.google.com/gke-max-pods-per-node: \"110\"\n      cloud.google.com/gke-nodepool: {nodepool}\n      cloud.google.com/gke-os-distribution: cos\n      cloud.google.com/gke-provisioning: standard\n      cloud.google.com/gke-stack-type: IPV4\n      cloud.google.com/machine-family: {}\n      cloud.google.com/private-node: \"false\"\n      failure-domain.beta.kubernetes.io/region: europe-west4\n      failure-domain.beta.kubernetes.io/zone: europe-west4-{zone}\n      node.kubernetes.io/instance-type: {mtype}\n      topology.gke.io/zone: europe-west4-{zone}\n      topology.kubernetes.io/region: europe-west4\n      topology.kubernetes.io/zone: europe-west4-{zone}",
                        &mtype[..2]
                    );
                }
            }
            let _ = writeln!(out, "    managedFields:");
            managed(
                &mut out,
                "kubelet",
                None,
                &[
                    "f:metadata:",
                    "  f:annotations:",
                    "    .: {}",
                    "    f:node.alpha.kubernetes.io/ttl: {}",
                    "  f:labels:",
                    "    .: {}",
                    "    f:kubernetes.io/hostname: {}",
                    "f:spec:",
                    "  f:providerID: {}",
                ],
            );
            managed(
                &mut out,
                "kubelet",
                Some("status"),
                &[
                    "f:status:",
                    "  f:allocatable:",
                    "    f:memory: {}",
                    "  f:conditions:",
                    "    k:{\"type\":\"Ready\"}:",
                    "      f:lastHeartbeatTime: {}",
                    "  f:images: {}",
                ],
            );
            let _ = writeln!(
                out,
                "    name: {name}\n    resourceVersion: \"{}\"\n    uid: 7c0b0022-3f2e-4d1c-9b8a-{i:012x}\n  spec:",
                48_000_000 + i
            );
            if eks {
                let _ = writeln!(out, "    providerID: aws:///us-east-1{zone}/i-0{i:016x}");
            } else {
                let _ = writeln!(
                    out,
                    "    podCIDR: 10.{a}.{b}.0/24\n    podCIDRs:\n    - 10.{a}.{b}.0/24\n    providerID: gce://prod/europe-west4-{zone}/{name}"
                );
            }
            let mut taints = Vec::new();
            match pool {
                Pool::EksGpu => taints.push(("nvidia.com/gpu", "true", "NoSchedule")),
                Pool::GkeT4 => taints.push(("nvidia.com/gpu", "present", "NoSchedule")),
                Pool::GkeSpot => taints.push(("cloud.google.com/gke-spot", "true", "NoSchedule")),
                Pool::EksGeneral => {}
            }
            if cordoned {
                taints.push(("node.kubernetes.io/unschedulable", "", "NoSchedule"));
            }
            if !taints.is_empty() {
                let _ = writeln!(out, "    taints:");
                for (key, value, effect) in taints {
                    let _ = writeln!(out, "    - effect: {effect}\n      key: {key}");
                    if !value.is_empty() {
                        let _ = writeln!(out, "      value: \"{value}\"");
                    } else {
                        let _ = writeln!(out, "      timeAdded: \"2026-11-30T09:58:02Z\"");
                    }
                }
            }
            if cordoned {
                let _ = writeln!(out, "    unschedulable: true");
            }
            let _ = writeln!(out, "  status:\n    addresses:");
            if eks {
                let _ = writeln!(
                    out,
                    "    - address: 10.20.{a}.{b}\n      type: InternalIP\n    - address: {name}\n      type: InternalDNS\n    - address: {name}\n      type: Hostname"
                );
            } else {
                let _ = writeln!(
                    out,
                    "    - address: 10.164.{a}.{b}\n      type: InternalIP\n    - address: 34.90.{a}.{b}\n      type: ExternalIP\n    - address: {name}\n      type: Hostname"
                );
            }
            let gpu = if matches!(pool, Pool::EksGpu | Pool::GkeT4) {
                format!("\n      nvidia.com/gpu: \"{gpus}\"")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    allocatable:\n      cpu: 7910m\n      ephemeral-storage: \"95491281146\"\n      hugepages-1Gi: \"0\"\n      hugepages-2Mi: \"0\"\n      memory: 31312792Ki{gpu}\n      pods: \"58\"\n    capacity:\n      cpu: \"8\"\n      ephemeral-storage: 104845292Ki\n      hugepages-1Gi: \"0\"\n      hugepages-2Mi: \"0\"\n      memory: 32329624Ki{gpu}\n      pods: \"58\"\n    conditions:"
            );
            for (kind, status, reason) in [
                ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                ("PIDPressure", "False", "KubeletHasSufficientPID"),
                ("Ready", "True", "KubeletReady"),
            ] {
                let _ = writeln!(
                    out,
                    "    - lastHeartbeatTime: \"2026-11-30T10:04:11Z\"\n      lastTransitionTime: \"2026-11-02T08:15:22Z\"\n      message: kubelet is posting status\n      reason: {reason}\n      status: \"{status}\"\n      type: {kind}"
                );
            }
            let _ = writeln!(
                out,
                "    daemonEndpoints:\n      kubeletEndpoint:\n        Port: 10250\n    images:"
            );
            for (image, tag, size) in [
                ("amazon-k8s-cni", "v1.18.3-eksbuild.1", 54_862_348u64),
                ("kube-proxy", "v1.30.4-minimal-eksbuild.2", 36_120_001),
                ("aws-ebs-csi-driver", "v1.35.0", 31_908_111),
                ("pause", "3.5", 299_514),
            ] {
                let _ = writeln!(
                    out,
                    "    - names:\n      - 602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/{image}@sha256:{:064x}\n      - 602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/{image}:{tag}\n      sizeBytes: {size}",
                    size as u128 * 7919
                );
            }
            let _ = writeln!(
                out,
                "    nodeInfo:\n      architecture: amd64\n      bootID: 4f0f2a5e-{i:04x}\n      containerRuntimeVersion: containerd://1.7.22\n      kernelVersion: 5.10.225-213.878.amzn2.x86_64\n      kubeProxyVersion: v1.30.4-eks-a737599\n      kubeletVersion: v1.30.4-eks-a737599\n      machineID: ec2{i:029x}\n      operatingSystem: linux\n      osImage: Amazon Linux 2\n      systemUUID: ec2{i:029x}"
            );
            made.push(Made {
                name,
                pool,
                cordoned,
                gpus,
            });
        }
    }
    out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    (out, made)
}

#[test]
fn a_2400_node_export_is_read_and_a_session_placed_where_the_pools_say() {
    let (text, made) = export();
    assert!(text.lines().count() > 250_000, "a real-size export");
    let started = std::time::Instant::now();
    let nodes = jjo::case::parse_nodes(Path::new("nodes.yaml"), &text).expect("reads the export");
    eprintln!(
        "read {} nodes ({} lines) in {:?}",
        nodes.nodes.len(),
        text.lines().count(),
        started.elapsed()
    );
    assert_eq!(nodes.nodes.len(), 2400);
    let names: Vec<&str> = nodes.nodes.iter().map(|n| n.name.as_str()).collect();
    let made_names: Vec<&str> = made.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, made_names, "every node, in the file's order");
    // What scheduling does not read is dropped, and said.
    let note = nodes.note();
    for dropped in [
        "metadata.managedFields",
        "metadata.annotations",
        "spec.providerID",
        "spec.podCIDRs",
        "status.conditions",
        "status.images",
        "status.addresses",
        "status.nodeInfo",
        "status.daemonEndpoints",
        // A cordoned node's taint carries `timeAdded`: that field is dropped, not the taints.
        "spec.taints.timeAdded",
    ] {
        assert!(note.contains(&format!("`{dropped}`")), "{dropped}: {note}");
    }
    assert!(!note.contains("`spec.taints`"), "{note}");
    // One node of each pool, field by field.
    let t4 = &nodes.nodes[1600];
    assert_eq!(t4.name, "gke-prod-t4-pool-7f3c9a1e-0000");
    assert_eq!(t4.labels.len(), 25);
    assert_eq!(
        t4.labels["cloud.google.com/gke-accelerator"],
        "nvidia-tesla-t4"
    );
    assert_eq!(t4.taints.len(), 1);
    assert_eq!(
        t4.taints[0].to_string(),
        "nvidia.com/gpu=present:NoSchedule"
    );
    assert_eq!(t4.allocatable["cpu"], 7910);
    assert_eq!(t4.allocatable["memory"], 31_312_792 * 1024);
    assert_eq!(t4.allocatable["nvidia.com/gpu"], 1);
    let cordoned = made
        .iter()
        .position(|m| m.cordoned)
        .expect("some node is cordoned");
    assert!(nodes.nodes[cordoned].unschedulable);
    assert_eq!(
        nodes.nodes[cordoned].taints.last().map(ToString::to_string),
        Some("node.kubernetes.io/unschedulable:NoSchedule".to_owned())
    );

    // A T4 session lands on the T4 pool's nodes that are not cordoned and have their GPU.
    let session = json!({"spec": {
        "containers": [{"name": "rs", "resources": {
            "requests": {"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"},
            "limits": {"nvidia.com/gpu": "1"}}}],
        "nodeSelector": {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }});
    let started = std::time::Instant::now();
    let placement = jjo::schedule::place(&session, &nodes.nodes);
    eprintln!("placed one Pod on 2400 nodes in {:?}", started.elapsed());
    let expected: Vec<&str> = made
        .iter()
        .filter(|m| m.pool == Pool::GkeT4 && !m.cordoned && m.gpus > 0)
        .map(|m| m.name.as_str())
        .collect();
    assert!(expected.len() > 300 && expected.len() < 400);
    assert_eq!(placement.fits, expected);
    assert_eq!(placement.verdict(), jjo::schedule::Verdict::Fits);
    let no_gpu = made
        .iter()
        .filter(|m| m.pool == Pool::GkeT4 && !m.cordoned && m.gpus == 0)
        .count();
    assert!(
        placement
            .message()
            .contains(&format!("{no_gpu} Insufficient nvidia.com/gpu")),
        "{}",
        placement.message()
    );

    // The EKS GPU session without its toleration fits nothing, in the scheduler's words.
    let lost = json!({"spec": {"containers": [{"name": "rs"}], "nodeSelector": {"pool": "gpu"}}});
    let placement = jjo::schedule::place(&lost, &nodes.nodes);
    let cordoned = made.iter().filter(|m| m.cordoned).count();
    let tainted = made
        .iter()
        .filter(|m| !m.cordoned && m.pool != Pool::EksGeneral)
        .count();
    let elsewhere = made
        .iter()
        .filter(|m| !m.cordoned && m.pool == Pool::EksGeneral)
        .count();
    // The filters run in the default profile's order (NodeUnschedulable, TaintToleration,
    // NodeAffinity), each node counted once, reasons sorted as strings as Go sorts them.
    let mut parts = [
        format!("{cordoned} node(s) were unschedulable"),
        format!("{tainted} node(s) had untolerated taint(s)"),
        format!("{elsewhere} node(s) didn't match Pod's node affinity/selector"),
    ];
    parts.sort();
    assert_eq!(
        placement.message(),
        format!("0/2400 nodes are available: {}.", parts.join(", "))
    );
    assert_eq!(placement.verdict(), jjo::schedule::Verdict::Unschedulable);
}

#[test]
fn one_node_per_document_reads_in_one_pass() {
    // The same nodes as `kubectl get node NAME -o yaml` writes them one by one, joined by
    // `---`: each document is read once (it was read again from the start of the file for
    // every document, so 600 documents took a minute and a half in a debug build).
    let (text, made) = export();
    let mut docs = String::new();
    let mut count = 0;
    for line in text.lines().skip(2) {
        if line.starts_with("kind: List") {
            break;
        }
        if let Some(rest) = line.strip_prefix("- ") {
            count += 1;
            if count > 600 {
                break;
            }
            docs.push_str("---\n");
            docs.push_str(rest);
        } else {
            docs.push_str(line.get(2..).unwrap_or_default());
        }
        docs.push('\n');
    }
    let started = std::time::Instant::now();
    let nodes = jjo::case::parse_nodes(Path::new("nodes.yaml"), &docs).expect("reads them");
    let took = started.elapsed();
    let names: Vec<&str> = nodes.nodes.iter().map(|n| n.name.as_str()).collect();
    let made_names: Vec<&str> = made.iter().take(600).map(|m| m.name.as_str()).collect();
    assert_eq!(names, made_names);
    assert_eq!(nodes.objects.len(), 600);
    assert_eq!(nodes.objects[7]["metadata"]["name"], made[7].name.as_str());
    assert!(
        took < std::time::Duration::from_secs(20),
        "600 one-node documents took {took:?}"
    );
}
