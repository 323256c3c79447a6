//! Why a check failed, as data. `pipeline` (offline checks) and `live` (a case on a cluster)
//! produce a [`Failure`]; `report` renders it for people and for JUnit; serde serialises it
//! for the JSON report as `{"type": ..., "data": {...}}`, as ripgrep's
//! `crates/printer/src/jsont.rs` serialises its messages, so that later consumers (lint,
//! diff, SARIF) read fields, never text.

use std::path::PathBuf;

use serde::Serialize;

use crate::case::Expect;
use crate::compare::Difference;
use crate::location::Span;
use crate::validate::{Finding, Level};

/// The case a failure belongs to, for the hints that name it (`jjo test --bless <dir>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRef {
    /// The case's name (its directory's path under the root it was found in).
    pub name: String,
    /// The case directory.
    pub dir: PathBuf,
    /// Whether `cargo test` runs it: it is one of jjo's own `cases/`, so `JJO_BLESS=1 cargo
    /// test -- <name>` blesses it too; an admin's suite has no such command.
    pub cargo: bool,
}

/// What was compared with a golden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// The Job after the overrides, against `expected-job.yaml`.
    PatchedJob,
    /// The predicted Pod, against `expected-pod.yaml`.
    PredictedPod,
}

/// One difference from a golden, with the line of the golden it is on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldenDifference {
    /// The golden file and line (line 0 when the path is not in the golden's text).
    pub at: Span,
    /// What differs.
    pub difference: Difference,
}

/// What the API server said about the Job on a live run (a validation error, or the event
/// that refused its Pod).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerFinding {
    /// The field the server named, if any.
    pub field: Option<String>,
    /// The server's message (for a refused Pod: `<event reason>: <event message>`).
    pub message: String,
    /// jjo's own did-you-mean for the field, when offline validation found the same field.
    pub hint: Option<String>,
}

/// A runtime check (`checks:` in case.yaml) that failed in the live container.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedCheck {
    /// The command and its arguments.
    pub command: Vec<String>,
    /// The container it ran in.
    pub container: String,
    /// Its exit code, when known.
    pub exit_code: Option<i32>,
    /// What it wrote to standard output.
    pub stdout: String,
    /// What it wrote to standard error.
    pub stderr: String,
}

/// Nodes that refuse the Pod for the same reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeGroup {
    /// The reasons, in the scheduler's words with jjo's detail (which taint).
    pub why: String,
    /// How many nodes.
    pub count: usize,
    /// The first few of them.
    pub nodes: Vec<String>,
}

/// Where a Pod fits on the case's nodes, as a failure shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementSummary {
    /// The scheduler's summary, `0/3 nodes are available: ...` (without its preemption part).
    pub message: String,
    /// How many nodes there are.
    pub total: usize,
    /// The nodes that fit (all of them).
    pub fits: Vec<String>,
    /// The others, grouped by reason.
    pub groups: Vec<NodeGroup>,
    /// What of the Pod jjo does not model (or why it could not read the Pod).
    pub unmodelled: Vec<String>,
    /// Did-you-mean for a label key no node has.
    pub hints: Vec<String>,
}

impl From<&crate::schedule::Placement> for PlacementSummary {
    fn from(p: &crate::schedule::Placement) -> PlacementSummary {
        PlacementSummary {
            message: p.message(),
            total: p.total,
            fits: p.fits.clone(),
            groups: p
                .groups()
                .into_iter()
                .map(|(why, count, nodes)| NodeGroup {
                    why,
                    count,
                    nodes: nodes.into_iter().map(str::to_owned).collect(),
                })
                .collect(),
            unmodelled: p.unread.iter().chain(&p.unmodelled).cloned().collect(),
            hints: p.hints.clone(),
        }
    }
}

/// The real scheduler's answer for a live case's Pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum LiveScheduling {
    /// Bound to `node`, which has `labels`.
    Bound {
        /// The node's name.
        node: String,
        /// The node's labels.
        labels: std::collections::BTreeMap<String, String>,
    },
    /// Not placed: the `PodScheduled` condition's message.
    Unschedulable {
        /// `0/5 nodes are available: ...`.
        message: String,
    },
}

/// Why one check of a case failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "kebab-case")]
pub enum Failure {
    /// A golden the check compares with does not exist.
    MissingGolden {
        /// The golden's path.
        golden: PathBuf,
        /// The case, for the bless hint.
        case: CaseRef,
    },
    /// The patched Job or the predicted Pod differs from its golden.
    Differs {
        /// What was compared.
        subject: Subject,
        /// The golden's path.
        golden: PathBuf,
        /// Every difference, in the golden's order.
        differences: Vec<GoldenDifference>,
        /// The case, for the bless hint.
        case: CaseRef,
    },
    /// The case expects the Job admitted (or a field dropped), but it would be refused.
    Refused {
        /// The Pod Security level of the case.
        level: Level,
        /// What refuses it, then any field the API server would drop.
        findings: Vec<Finding>,
    },
    /// The case expects the Job admitted, but the API server would drop fields of it.
    Dropped {
        /// The dropped fields.
        findings: Vec<Finding>,
    },
    /// The case expects a refusal, but the Job and its Pod would be admitted.
    NotRefused {
        /// The Pod Security level of the case.
        level: Level,
        /// Fields the API server would drop instead (an unknown field is not a refusal).
        dropped: Vec<Finding>,
    },
    /// Refused, but no refusal matches the case's `reason:`.
    RefusedOtherwise {
        /// The case's `reason:`.
        reason: String,
        /// What refuses it.
        findings: Vec<Finding>,
    },
    /// The case expects a dropped field, but the API server would keep every field.
    NotDropped,
    /// Fields are dropped, but none matches the case's `reason:`.
    DroppedOtherwise {
        /// The case's `reason:`.
        reason: String,
        /// The dropped fields.
        findings: Vec<Finding>,
    },
    /// `expected-pod.yaml` exists, but the case expects a refusal, so there is no Pod.
    PodOfRefusedCase,
    /// The cluster refused the Job or its Pod, which the case did not expect.
    LiveRefused {
        /// What the case expected instead.
        expected: Expect,
        /// What the server said.
        findings: Vec<ServerFinding>,
    },
    /// The cluster refused, but not for the case's `reason:`.
    LiveRefusedOtherwise {
        /// What the server said.
        findings: Vec<ServerFinding>,
    },
    /// The case expects a refusal, but the cluster admitted the Job and its Pod.
    LiveNotRefused,
    /// The case expects the Job admitted, but the cluster dropped fields of it (`Warning:
    /// unknown field` on a create without `fieldValidation`, as the launcher posts it).
    LiveDropped {
        /// The dropped fields.
        findings: Vec<ServerFinding>,
    },
    /// The case expects a dropped field, but the cluster kept every field of the Job.
    LiveNotDropped,
    /// The cluster dropped fields, but none matches the case's `reason:`.
    LiveDroppedOtherwise {
        /// The server's unknown-field findings.
        findings: Vec<ServerFinding>,
    },
    /// The live Pod differs from `expected-pod.yaml`, or a runtime check failed.
    LivePodDiffers {
        /// Differences from the golden.
        differences: Vec<GoldenDifference>,
        /// The golden could not be compared (a bad placeholder): `<golden>: <why>`.
        golden_error: Option<String>,
        /// Runtime checks that failed.
        checks: Vec<FailedCheck>,
        /// The case, for the hint.
        case: CaseRef,
    },
    /// `--bless` wrote nothing for this golden, because another check of the case fails.
    NotBlessed {
        /// The golden that was not written.
        golden: PathBuf,
        /// The checks that fail (`validation`).
        because: Vec<String>,
        /// What this check found against the golden as it is.
        failure: Box<Failure>,
    },
    /// The Pod fits no node of `nodes.yaml`, and the case expects it scheduled.
    NotScheduled {
        /// Where it fits and why not.
        placement: PlacementSummary,
    },
    /// The Pod fits nodes outside `schedule.on:`, where the scheduler may put it.
    LandsElsewhere {
        /// The case's `schedule.on:`.
        on: std::collections::BTreeMap<String, String>,
        /// The fitting nodes without those labels.
        elsewhere: Vec<String>,
        /// Where it fits and why not.
        placement: PlacementSummary,
    },
    /// The case expects `unschedulable: true`, but the Pod fits a node.
    Scheduled {
        /// Where it fits.
        placement: PlacementSummary,
    },
    /// The Pod fits no node, but the scheduler's message does not contain `schedule.reason:`.
    NotScheduledOtherwise {
        /// The case's `schedule.reason:`.
        reason: String,
        /// Where it fits and why not.
        placement: PlacementSummary,
    },
    /// On a cluster, the real scheduler's answer does not meet `schedule:` (or, without
    /// one, the Pod was not placed).
    LiveSchedule {
        /// The case's `schedule:` (the default: schedulable anywhere).
        expected: crate::case::Schedule,
        /// What the scheduler did.
        live: LiveScheduling,
    },
    /// A failed live case whose namespace was kept (`--keep`) for inspection.
    Kept {
        /// The kept namespace.
        namespace: String,
        /// Commands to inspect it, one per line.
        inspect: Vec<String>,
        /// The failure itself.
        failure: Box<Failure>,
    },
}

impl ServerFinding {
    /// The finding as one line: `<field>: <message> (hint: ...)`; what a live `reason:`
    /// is matched against.
    pub fn line(&self) -> String {
        let mut line = match &self.field {
            Some(field) => format!("{field}: {}", self.message),
            None => self.message.clone(),
        };
        if let Some(hint) = &self.hint {
            line.push_str(&format!(" (hint: {hint})"));
        }
        line
    }
}
