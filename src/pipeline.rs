//! The chain of stages for one case, shared by `jjo test`, `jjo render` and the cargo test
//! harness: base Job → patched Job → (validation | predicted Pod) → comparison with goldens.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::case::{Case, Expect, Golden};
use crate::compare::{self, Lists, Mode};
use crate::diag::Warning;
use crate::error::Error;
pub use crate::failure::Failure;
use crate::failure::{CaseRef, GoldenDifference, Subject};
use crate::location::{Located, Span};
use crate::patch::{self, Patched};
use crate::predict;
use crate::validate::{self, Finding, Severity};
use crate::{bless, job, schedule};

/// A case's Job before and after its overrides, with every warning on the way.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The Job the launcher builds (or the captured `base-job.yaml`).
    pub base: Value,
    /// The Job after the overrides, and what each override did.
    pub patched: Patched,
    /// Warnings from the profiles file, the override list and every override.
    pub warnings: Vec<Warning>,
}

/// The launcher's Job for the case before overrides.
pub fn base_job(case: &Case) -> Result<Value, Error> {
    if let Some(job) = &case.base_job {
        // A Job captured with `kubectl get job -o yaml` carries what the server set; the
        // launcher sends none of it, and a real server refuses the old selector.
        let mut job = job.clone();
        job::strip_server_set(&mut job);
        return Ok(job);
    }
    Ok(job::build(
        &case.spec.session,
        &case.resolved,
        &case.spec.user,
    )?)
}

/// The warning that a captured `base-job.yaml` carried fields the server sets (dropped by
/// [`base_job`]), naming them.
fn server_set_warning(case: &Case) -> Option<Warning> {
    let mut job = case.base_job.clone()?;
    let removed = job::strip_server_set(&mut job);
    (!removed.is_empty()).then(|| {
        Warning::new("server-set-fields", format!(
            "`base-job.yaml`: ignored what the API server sets on a stored Job: {}",
            removed
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("the launcher never sends them; jjo drops them before predicting and before a live create")
    })
}

/// The warnings met reading the case: the profiles file, the override list, the resolution.
fn read_warnings(case: &Case) -> Vec<Warning> {
    let mut warnings = case.warnings.clone();
    warnings.extend(case.resolved.warnings.iter().cloned());
    warnings
}

/// Builds the base Job and applies the case's overrides; in templating mode, renders
/// `job.tpl` instead (its Job is both the base and the patched Job, with no overrides).
pub fn render(case: &Case) -> Result<Rendered, Error> {
    let base = base_job(case)?;
    let patched = match &case.templates {
        // The base stays jjo's model of the launcher's default Job, so that blessing keeps
        // what the templates change, as it keeps what overrides change.
        Some(templates) => {
            let dot =
                crate::template::launch::job_object(&case.spec.session, &case.spec.user, &base);
            Patched {
                job: crate::template::launch::render(templates, &dot)?.1,
                applied: Vec::new(),
            }
        }
        None => patch::apply(base.clone(), &case.overrides)?,
    };
    let mut warnings = read_warnings(case);
    warnings.extend(server_set_warning(case));
    warnings.extend(
        patched
            .applied
            .iter()
            .flat_map(|a| a.warnings.iter().cloned()),
    );
    Ok(Rendered {
        base,
        patched,
        warnings,
    })
}

/// One of the checks a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    /// The patched Job against `expected-job.yaml`.
    Job,
    /// The API server's and admission's verdict against `expect:`.
    Validation,
    /// The predicted Pod against `expected-pod.yaml`.
    Pod,
    /// The live Pod on a cluster against `expected-pod.yaml` and `expect:`.
    Live,
    /// The predicted Pod scheduled on `nodes.yaml` against `schedule:`.
    Schedule,
}

impl Check {
    /// The check's short name.
    pub fn name(self) -> &'static str {
        match self {
            Check::Job => "job",
            Check::Validation => "validation",
            Check::Pod => "pod",
            Check::Live => "live",
            Check::Schedule => "schedule",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The checks that apply to a case: the Job and validation always; the Pod where
/// `expected-pod.yaml` exists, or when blessing a case whose Pod is expected to be admitted.
pub fn checks(case: &Case, blessing: bool) -> Vec<Check> {
    let mut checks = vec![Check::Job, Check::Validation];
    if case.expected_pod.is_some() || (blessing && case.spec.expect == Expect::Admitted) {
        checks.push(Check::Pod);
    }
    if case.nodes.is_some() && case.spec.expect != Expect::Rejected {
        checks.push(Check::Schedule);
    }
    checks
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It matched.
    Passed,
    /// The golden was missing or different, and was (re)written.
    Blessed(PathBuf),
    /// It did not match.
    Failed(Failure),
    /// Neither passed nor failed: only a cluster can decide it (a quota, a webhook, an
    /// admission policy), and the live check does.
    NotDecided {
        /// Why the offline engine cannot decide it.
        why: String,
    },
}

/// A case made ready for its checks: loaded, rendered, validated, and its Pod predicted, each
/// once, so that every offline check and the live run read the same values (and a case with a
/// golden Pod, a quota and nodes predicts its Pod once, not once per check).
///
/// The Pod and its placement are computed on first use: a case without `expected-pod.yaml`,
/// `nodes.yaml`, a quota or a live run never needs them.
#[derive(Debug, Clone)]
pub struct Prepared {
    case: Case,
    rendered: Rendered,
    validation: validate::Validation,
    pod: OnceLock<Result<Value, predict::Error>>,
    placement: OnceLock<schedule::Placement>,
}

impl Prepared {
    /// A rendered case, validated (findings located at the overrides they come from).
    pub fn new(case: Case, rendered: Rendered) -> Prepared {
        let pod = OnceLock::new();
        // ResourceQuota admission judges the Pod as stored, so validation needs the Pod
        // only when the namespace has a quota; it is then the same Pod the checks read.
        let quotas = setup_of_kind(&case, "ResourceQuota");
        let quota_pod = match quotas.is_empty() {
            true => None,
            false => pod
                .get_or_init(|| predicted(&case, &rendered.patched.job))
                .as_ref()
                .ok(),
        };
        let mut validation = validation_of(&case, &rendered.patched.job, &quotas, quota_pod);
        locate(&case, &rendered, &mut validation);
        Prepared {
            case,
            rendered,
            validation,
            pod,
            placement: OnceLock::new(),
        }
    }

    /// The case.
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// Its Job before and after the overrides.
    pub fn rendered(&self) -> &Rendered {
        &self.rendered
    }

    /// What the API server and admission do with the patched Job ([`validated`]).
    pub fn validation(&self) -> &validate::Validation {
        &self.validation
    }

    /// The predicted Pod of the patched Job, for the case's Kubernetes version.
    pub fn pod(&self) -> Result<&Value, Error> {
        self.pod
            .get_or_init(|| predicted(&self.case, &self.rendered.patched.job))
            .as_ref()
            .map_err(|e| Error::Predict(e.clone()))
    }

    /// Where the predicted Pod fits on the case's nodes (`None` without `nodes.yaml`).
    pub fn placement(&self) -> Result<Option<&schedule::Placement>, Error> {
        let Some(nodes) = &self.case.nodes else {
            return Ok(None);
        };
        let pod = self.pod()?;
        Ok(Some(
            self.placement
                .get_or_init(|| schedule::place(pod, &nodes.nodes)),
        ))
    }

    /// The warnings of the case's offline run: reading, rendering, and the validation
    /// findings that do not fail it ([`finding_warnings`]).
    pub fn warnings(&self) -> Vec<Warning> {
        let mut warnings = self.rendered.warnings.clone();
        warnings.extend(finding_warnings(&self.validation));
        warnings
    }

    /// The same case for another Kubernetes version (a cluster's): the rendered Job is
    /// kept, as rendering does not depend on the version; validation and the Pod are for
    /// `version`. Borrowed when the version is the case's own.
    pub fn for_version(&self, version: predict::Version) -> std::borrow::Cow<'_, Prepared> {
        if version == self.case.version {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut case = self.case.clone();
        case.version = version;
        std::borrow::Cow::Owned(Prepared::new(case, self.rendered.clone()))
    }
}

/// Why a case could not be prepared, with what reading it warned of on the way.
#[derive(Debug)]
pub struct NotPrepared {
    /// The error that stopped it.
    pub error: Error,
    /// The warnings met before it (the profiles file, the override list).
    pub warnings: Vec<Warning>,
}

/// Loads and renders the case in `dir`, and prepares it for its checks.
pub fn prepare(
    name: &str,
    dir: &Path,
    opts: &crate::case::LoadOptions,
) -> Result<Prepared, Box<NotPrepared>> {
    let case = crate::case::load_with(name, dir, opts).map_err(|error| NotPrepared {
        error: error.into(),
        warnings: Vec::new(),
    })?;
    match render(&case) {
        Ok(rendered) => Ok(Prepared::new(case, rendered)),
        // The Job could not be built or patched; what reading the case warned of still holds.
        Err(error) => Err(Box::new(NotPrepared {
            error,
            warnings: read_warnings(&case),
        })),
    }
}

/// What a live check came to: its status (or the error that stopped it), the warnings met
/// (prediction drift, the API server's own), and the phases worth timing.
pub type LiveRun = (Result<Status, Error>, Vec<Warning>, Phases);

/// What decides a case's [`Check::Live`]: a connected cluster (`live::Runner`). The pipeline
/// names only this trait, so that it runs the live check as it runs the others, on the same
/// [`Prepared`] case, without depending on the cluster code.
pub trait LiveCheck: Sync {
    /// Runs the prepared case on the cluster and judges it.
    fn run(&self, prepared: &Prepared) -> LiveRun;
}

/// Runs one check of a prepared case; the live check by `live` (without one, a cluster
/// is what it needs, and it is not decided).
pub fn check(
    prepared: &Prepared,
    which: Check,
    live: Option<&dyn LiveCheck>,
) -> (Result<Status, Error>, Vec<Warning>, Phases) {
    let status = match which {
        Check::Job => check_job(prepared),
        Check::Validation => Ok(verdict(&prepared.case, &prepared.validation)),
        Check::Pod => check_pod(prepared),
        Check::Schedule => check_schedule(prepared),
        Check::Live => match live {
            Some(live) => return live.run(prepared),
            None => Ok(Status::NotDecided {
                why: "the live check needs a cluster (`jjo test --cluster ...`)".into(),
            }),
        },
    };
    (status, Vec::new(), Phases::new())
}

/// The step after a check when blessing: writes the check's golden when it is missing or
/// differs from what the case now produces, and says so ([`Status::Blessed`]); a golden that
/// is already right leaves the check [`Status::Passed`]. A comparison that failed or could
/// not run (a broken placeholder) is what blessing replaces, so `checked` only counts for
/// the checks without a golden (validation) and for a Pod that must not exist.
fn bless_check(
    prepared: &Prepared,
    which: Check,
    checked: Result<Status, Error>,
) -> Result<Status, Error> {
    let (case, rendered) = (&prepared.case, &prepared.rendered);
    match which {
        Check::Job => bless_golden(
            case.expected_job.as_ref(),
            case.expected_job_path(),
            &rendered.patched.job,
        ),
        Check::Pod if case.spec.expect != Expect::Rejected => {
            let pod = prepared.pod()?;
            // The base Job's Pod is predicted only here: a golden is what the overrides change.
            let without = predict_pod(case, &rendered.base)?;
            // The golden is the part of the Pod the overrides changed (README, "Writing a case").
            let reduced = compare::reduce(pod, &without);
            bless_golden(
                case.expected_pod.as_ref(),
                case.expected_pod_path(),
                &reduced,
            )
        }
        Check::Pod | Check::Validation | Check::Live | Check::Schedule => checked,
    }
}

fn check_job(prepared: &Prepared) -> Result<Status, Error> {
    let case = &prepared.case;
    let actual = &prepared.rendered.patched.job;
    let Some(golden) = &case.expected_job else {
        return Ok(Status::Failed(missing_golden(
            case,
            case.expected_job_path(),
        )));
    };
    let opts = compare::Options {
        mode: Mode::Exact,
        lists: Lists::Positional,
    };
    compared(case, golden, actual, opts, Subject::PatchedJob)
}

/// Blesses a golden: [`Status::Blessed`] only when the file was written, so that a bless run
/// says `blessed` for the cases it changed and `ok` for the others.
fn bless_golden(golden: Option<&Golden>, path: PathBuf, value: &Value) -> Result<Status, Error> {
    Ok(
        match bless::bless(&path, golden.map(|g| &g.value), value)? {
            bless::Blessed::Wrote => Status::Blessed(path),
            bless::Blessed::Unchanged => Status::Passed,
        },
    )
}

fn missing_golden(case: &Case, golden: PathBuf) -> Failure {
    Failure::MissingGolden {
        golden,
        case: case_ref(case),
    }
}

/// The case, as failures name it in their hints.
pub fn case_ref(case: &Case) -> CaseRef {
    CaseRef {
        name: case.name.clone(),
        dir: case.dir.clone(),
        cargo: in_cargo_cases(&case.dir),
    }
}

/// Whether `dir` lies in the `cases/` of a checkout of jjo, which `cargo test` runs
/// (harness/main.rs).
fn in_cargo_cases(dir: &std::path::Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    dir.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == "cases")
            && a.parent().is_some_and(|root| {
                root.join("Cargo.toml").is_file() && root.join("harness/main.rs").is_file()
            })
    })
}

/// Each difference with the line of the golden it is on.
pub fn golden_differences(
    golden: &Golden,
    diffs: Vec<compare::Difference>,
) -> Vec<GoldenDifference> {
    diffs
        .into_iter()
        .map(|difference| {
            let line = compare::line_of(&golden.text, &difference.path).unwrap_or(0);
            GoldenDifference {
                at: Span::line(&golden.path, line),
                difference,
            }
        })
        .collect()
}

fn compared(
    case: &Case,
    golden: &Golden,
    actual: &Value,
    opts: compare::Options,
    subject: Subject,
) -> Result<Status, Error> {
    let diffs = compare::compare(&golden.value, actual, opts)
        .map_err(|source| golden_error(golden, source))?;
    if diffs.is_empty() {
        return Ok(Status::Passed);
    }
    Ok(Status::Failed(Failure::Differs {
        subject,
        golden: golden.path.clone(),
        differences: golden_differences(golden, diffs),
        case: case_ref(case),
    }))
}

fn golden_error(golden: &Golden, source: compare::Error) -> Error {
    let line = compare::line_of(&golden.text, source.path()).unwrap_or(0);
    Error::Golden(Box::new(Located::new(
        Span::line(&golden.path, line),
        source,
    )))
}

/// The findings that refuse the Job or its Pod at the case's Pod Security level.
pub fn refusals<'a>(case: &Case, validation: &'a validate::Validation) -> Vec<&'a Finding> {
    let mut out: Vec<&Finding> = validation
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if let Some((_, failed)) = validation
        .pod_security
        .iter()
        .find(|(level, _)| *level == case.spec.pod_security)
    {
        out.extend(failed.iter());
    }
    out
}

/// The fields of the Job that the case's Kubernetes version drops on create, because they
/// came in a later release (`predict::FIELD_RELEASES`), as dropped-field findings.
fn newer_fields(job: &Value, version: predict::Version) -> Vec<Finding> {
    predict::dropped_fields(job, version)
        .into_iter()
        .map(|d| {
            let field = d.path.rsplit('.').next().unwrap_or(&d.path).to_owned();
            let (message, hint) = match d.since {
                Some(since) => (
                    format!(
                        "`{field}` came in Kubernetes {since} (feature `{}`); a {version} API server drops it",
                        d.gate
                    ),
                    format!(
                        "set `kubernetes: \"{since}\"` or later in case.yaml if the cluster runs it, or drop the override"
                    ),
                ),
                None => (
                    format!(
                        "`{field}` is behind the alpha feature `{}`, off by default through Kubernetes {}; a {version} API server drops it",
                        d.gate,
                        predict::Version::NEWEST
                    ),
                    format!(
                        "drop the override, unless the cluster enables the feature gate `{}`",
                        d.gate
                    ),
                ),
            };
            Finding {
                span: None,
                rule: NEWER_FIELD,
                severity: Severity::Dropped,
                check: "schema".into(),
                message,
                hint: Some(hint),
                path: d.path,
            }
        })
        .collect()
}

/// The rule id of a field newer than the case's Kubernetes version.
pub const NEWER_FIELD: &str = "newer-field";

/// What the API server and admission do with a case's Job: every validation finding, and
/// the fields the case's Kubernetes version drops. The one verdict that `jjo test`, `jjo lint`
/// and `jjo diff` render, so that they cannot disagree.
pub fn validation(case: &Case, job: &Value) -> validate::Validation {
    let quotas = setup_of_kind(case, "ResourceQuota");
    let pod = match quotas.is_empty() {
        true => None,
        false => predict_pod(case, job).ok(),
    };
    validation_of(case, job, &quotas, pod.as_ref())
}

/// [`validation`] given the namespace's quotas and the Job's predicted Pod (`None`: no
/// quota, or a Job that cannot be predicted, whose error the pod check reports).
fn validation_of(
    case: &Case,
    job: &Value,
    quotas: &[Value],
    pod: Option<&Value>,
) -> validate::Validation {
    #[cfg(test)]
    counts::VALIDATIONS.with(|n| n.set(n.get() + 1));
    let mut validation = validate::validate_with(job, case.version.validation());
    validation.findings.extend(newer_fields(job, case.version));
    // ResourceQuota admission judges the Pod as stored, after LimitRange defaults.
    if let Some(pod) = pod {
        validation
            .findings
            .extend(validate::quota_of_pod(pod, quotas));
    }
    validation
}

/// How often this thread ran each stage, for the tests that pin "once per case".
#[cfg(test)]
pub(crate) mod counts {
    use std::cell::Cell;

    thread_local! {
        /// Validations of a Job ([`super::validation_of`]).
        pub static VALIDATIONS: Cell<usize> = const { Cell::new(0) };
        /// Predictions of a Pod ([`super::predicted`]).
        pub static PREDICTIONS: Cell<usize> = const { Cell::new(0) };
    }

    /// The two counts, reset to zero.
    pub fn take() -> (usize, usize) {
        (
            VALIDATIONS.with(|n| n.replace(0)),
            PREDICTIONS.with(|n| n.replace(0)),
        )
    }
}

/// The tokens of a finding's dotted path (`spec.volumes[4].name`), as a JSON Pointer's.
fn path_tokens(path: &str) -> Option<Vec<String>> {
    crate::compare::path::parse(path)?
        .into_iter()
        .map(|seg| match seg {
            crate::compare::path::Seg::Key(k) => Some(k),
            crate::compare::path::Seg::Index(i) => Some(i.to_string()),
            crate::compare::path::Seg::Select(_) => None,
        })
        .collect()
}

/// Where in the user's files a finding at `path` (a dotted path of the Job) comes from: the
/// last override that wrote that field or one above it (an append's `-` counted as the index
/// it wrote) — at the key or element in its file when the field is written there, else at
/// its pair in the profiles file — else the `job-json-overrides` line, else nowhere.
pub fn finding_span(case: &Case, rendered: &Rendered, path: &str) -> Option<Span> {
    let tokens = path_tokens(path);
    case.overrides
        .iter()
        .zip(&rendered.patched.applied)
        .rev()
        .find_map(|(o, a)| {
            let target: Vec<String> = match crate::overrides::Pointer::parse(&a.target) {
                Ok(p) => p.tokens().to_vec(),
                Err(_) => return None,
            };
            match &tokens {
                Some(t) if t.starts_with(&target) => Some(o.span_of(&t[target.len()..])),
                Some(_) => None,
                // A path jjo cannot split (a merge-key selection) is matched as text.
                None => {
                    let d = crate::compare::of_tokens("", Some(&rendered.patched.job), &target);
                    (path == d
                        || path.starts_with(&format!("{d}."))
                        || path.starts_with(&format!("{d}[")))
                    .then(|| o.span.clone())
                }
            }
        })
        .or_else(|| {
            case.resolved
                .get("job-json-overrides")
                .map(|s| s.span.clone())
        })
}

/// The validation of a rendered case, each finding located by [`finding_span`]: the one
/// verdict `jjo test`, `jjo lint` and `jjo diff` render.
pub fn validated(case: &Case, rendered: &Rendered) -> validate::Validation {
    let mut v = validation(case, &rendered.patched.job);
    locate(case, rendered, &mut v);
    v
}

/// Locates each finding of `v` by [`finding_span`].
fn locate(case: &Case, rendered: &Rendered, v: &mut validate::Validation) {
    let located = v
        .findings
        .iter_mut()
        .chain(v.pod_security.iter_mut().flat_map(|(_, f)| f.iter_mut()));
    for f in located {
        f.span = finding_span(case, rendered, &f.path);
    }
}

/// The validation findings that do not fail a case (a duplicate env name) as warnings, each
/// at the override it comes from ([`validated`]), so that `jjo test` shows what `jjo lint` shows.
pub fn finding_warnings(validation: &validate::Validation) -> Vec<Warning> {
    validation
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| {
            let mut w = Warning::new(f.rule, f.message.clone()).pointer(f.path.clone());
            w.span = f.span.clone();
            w.hint = f.hint.clone();
            w
        })
        .collect()
}

/// The validation check's status from the case's verdict.
fn verdict(case: &Case, validation: &validate::Validation) -> Status {
    let refused = refusals(case, validation);
    let dropped: Vec<&Finding> = validation.dropped().collect();
    let level = case.spec.pod_security;
    let reason = case.spec.reason.clone();
    let matched = |found: &[&Finding]| {
        found
            .iter()
            .any(|f| reason.as_deref().is_none_or(|r| f.matches(r)))
    };
    let owned = |found: &[&Finding]| found.iter().map(|f| (*f).clone()).collect::<Vec<_>>();
    let refused_failure = || Failure::Refused {
        level,
        findings: owned(&refused).into_iter().chain(owned(&dropped)).collect(),
    };
    let failure = match case.spec.expect {
        Expect::Admitted | Expect::Dropped if !refused.is_empty() => refused_failure(),
        Expect::Admitted if dropped.is_empty() => return Status::Passed,
        Expect::Admitted => Failure::Dropped {
            findings: owned(&dropped),
        },
        Expect::Dropped if matched(&dropped) => return Status::Passed,
        Expect::Dropped if dropped.is_empty() => Failure::NotDropped,
        Expect::Dropped => Failure::DroppedOtherwise {
            reason: reason.unwrap_or_default(),
            findings: owned(&dropped),
        },
        Expect::Rejected if matched(&refused) => return Status::Passed,
        Expect::Rejected if refused.is_empty() => match cluster_only(case) {
            Some(why) => return Status::NotDecided { why },
            None => Failure::NotRefused {
                level,
                dropped: owned(&dropped),
            },
        },
        Expect::Rejected => Failure::RefusedOtherwise {
            reason: reason.unwrap_or_default(),
            findings: owned(&refused),
        },
    };
    Status::Failed(failure)
}

/// Refusals only a cluster gives, as (text of a `reason:` that names one, what gives it):
/// the offline engine models the API server, Pod Security and the namespace's LimitRange
/// defaults, but not a quota's usage, an admission webhook or an admission policy.
const CLUSTER_ONLY: &[(&str, &str)] = &[
    ("quota", "a ResourceQuota"),
    ("webhook", "an admission webhook"),
    ("denied the request", "an admission webhook"),
    ("admission policy", "a ValidatingAdmissionPolicy"),
    ("validatingadmissionpolicy", "a ValidatingAdmissionPolicy"),
    ("limitrange", "a LimitRange"),
    ("usage per container", "a LimitRange"),
    ("usage per pod", "a LimitRange"),
];

/// Why a refusal the case expects and the offline engine does not see is for a cluster to
/// decide, or `None` when the offline verdict stands.
fn cluster_only(case: &Case) -> Option<String> {
    let live = "the live run decides it (`jjo test --cluster ...`)";
    if let Some(reason) = &case.spec.reason {
        let lower = reason.to_lowercase();
        if let Some((_, what)) = CLUSTER_ONLY.iter().find(|(text, _)| lower.contains(text)) {
            return Some(format!(
                "`reason: {reason}` is a refusal only a cluster gives ({what}); {live}"
            ));
        }
        return None;
    }
    let quota = case
        .setup
        .iter()
        .any(|o| o.get("kind").and_then(Value::as_str) == Some("ResourceQuota"));
    quota.then(|| {
        format!(
            "no refusal offline, but the namespace's ResourceQuota may refuse on a cluster; {live}"
        )
    })
}

/// Predicts the Pod of a Job for a case.
pub fn predict_pod(case: &Case, job: &Value) -> Result<Value, Error> {
    Ok(predicted(case, job)?)
}

/// [`predict_pod`] with the predictor's own error, which a [`Prepared`] case keeps.
fn predicted(case: &Case, job: &Value) -> Result<Value, predict::Error> {
    #[cfg(test)]
    counts::PREDICTIONS.with(|n| n.set(n.get() + 1));
    let opts = predict::Options {
        version: case.version,
        namespace: "default".into(),
        limit_ranges: setup_of_kind(case, "LimitRange"),
    };
    predict::predict_pod(job, &opts)
}

/// The case's `setup:` objects of one kind (its namespace's policies).
fn setup_of_kind(case: &Case, kind: &str) -> Vec<Value> {
    case.setup
        .iter()
        .filter(|o| o.get("kind").and_then(Value::as_str) == Some(kind))
        .cloned()
        .collect()
}

fn check_pod(prepared: &Prepared) -> Result<Status, Error> {
    let case = &prepared.case;
    if case.spec.expect == Expect::Rejected {
        return Ok(Status::Failed(Failure::PodOfRefusedCase));
    }
    let pod = prepared.pod()?;
    let Some(golden) = &case.expected_pod else {
        return Ok(Status::Failed(missing_golden(
            case,
            case.expected_pod_path(),
        )));
    };
    compare::check_placeholders(&golden.value).map_err(|source| golden_error(golden, source))?;
    let opts = compare::Options {
        mode: case.spec.match_mode,
        lists: Lists::MergeKeys,
    };
    compared(case, golden, pod, opts, Subject::PredictedPod)
}

/// The offline placement against `schedule:`; without it, the Pod must fit some node.
fn check_schedule(prepared: &Prepared) -> Result<Status, Error> {
    let case = &prepared.case;
    let (Some(nodes), Some(placement)) = (&case.nodes, prepared.placement()?) else {
        return Ok(Status::Passed);
    };
    Ok(schedule_status(
        case.spec.schedule.as_ref(),
        placement,
        &nodes.nodes,
    ))
}

/// A placement judged against `schedule:` (none: the Pod must fit some node).
pub fn schedule_status(
    expected: Option<&crate::case::Schedule>,
    placement: &schedule::Placement,
    nodes: &[schedule::Node],
) -> Status {
    use crate::failure::PlacementSummary;
    use schedule::Verdict;
    let summary = || PlacementSummary::from(placement);
    let unschedulable = expected.is_some_and(|s| s.unschedulable);
    let failure = match placement.verdict() {
        Verdict::Unschedulable if unschedulable => {
            let reason = expected.and_then(|s| s.reason.as_deref());
            // The did-you-mean for a misspelt label key counts too, so a case can pin it.
            let said = |r: &str| {
                let r = r.to_lowercase();
                std::iter::once(placement.message())
                    .chain(placement.hints.iter().cloned())
                    .any(|text| text.to_lowercase().contains(&r))
            };
            match reason {
                Some(r) if !said(r) => Failure::NotScheduledOtherwise {
                    reason: r.to_owned(),
                    placement: summary(),
                },
                _ => return Status::Passed,
            }
        }
        Verdict::Unschedulable => Failure::NotScheduled {
            placement: summary(),
        },
        Verdict::Undecided => {
            let what: Vec<String> = placement
                .unread
                .iter()
                .chain(&placement.unmodelled)
                .cloned()
                .collect();
            return Status::NotDecided {
                why: format!(
                    "the Pod fits {} of {} nodes on the filters jjo models, but its placement also depends on what it does not model: {}; the live run decides it (`jjo test --cluster ...`)",
                    placement.fits.len(),
                    placement.total,
                    what.join(", ")
                ),
            };
        }
        Verdict::Fits if unschedulable => Failure::Scheduled {
            placement: summary(),
        },
        Verdict::Fits => {
            let on = expected.map(|s| s.on.clone()).unwrap_or_default();
            let elsewhere = schedule::elsewhere(placement, nodes, &on);
            if elsewhere.is_empty() {
                return Status::Passed;
            }
            Failure::LandsElsewhere {
                elsewhere: elsewhere.into_iter().map(str::to_owned).collect(),
                on,
                placement: summary(),
            }
        }
    };
    Status::Failed(failure)
}

/// The outcome of one case in a run.
#[derive(Debug)]
pub enum CaseResult {
    /// The case ran; one status per check.
    Ran(Vec<(Check, Status)>),
    /// The case could not run (bad input).
    Error(Error),
}

impl CaseResult {
    /// Whether no check failed (each passed, was blessed, or is not decided offline).
    pub fn passed(&self) -> bool {
        match self {
            CaseResult::Ran(checks) => checks.iter().all(|(_, s)| !matches!(s, Status::Failed(_))),
            CaseResult::Error(_) => false,
        }
    }

    /// Why the case is not decided: it did not fail, a check only a cluster can decide was
    /// met offline, and no live check ran to decide it.
    pub fn not_decided(&self) -> Option<&str> {
        let CaseResult::Ran(checks) = self else {
            return None;
        };
        if !self.passed() || checks.iter().any(|(c, _)| *c == Check::Live) {
            return None;
        }
        checks.iter().find_map(|(_, s)| match s {
            Status::NotDecided { why } => Some(why.as_str()),
            _ => None,
        })
    }
}

/// Which of a case's checks a run runs.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The offline checks ([`checks`]), with the warnings of reading and rendering the case.
    pub offline: bool,
    /// Write the goldens instead of comparing.
    pub blessing: bool,
    /// The cluster that decides the live check, after the offline ones; `None`: no live check.
    pub live: Option<&'a dyn LiveCheck>,
}

/// Runs one case end to end: load, render, then every offline check that applies.
///
/// Returns the result and the warnings met on the way (for the caller to print).
pub fn run_case(
    name: &str,
    dir: &Path,
    opts: &crate::case::LoadOptions,
    blessing: bool,
) -> (CaseResult, Vec<Warning>) {
    let scope = Scope {
        offline: true,
        blessing,
        live: None,
    };
    let (result, warnings, _) = run_case_in(name, dir, opts, scope);
    (result, warnings)
}

/// Runs one case end to end, the checks of `scope`, on one [`Prepared`] case.
pub fn run_case_in(
    name: &str,
    dir: &Path,
    opts: &crate::case::LoadOptions,
    scope: Scope<'_>,
) -> (CaseResult, Vec<Warning>, Phases) {
    match prepare(name, dir, opts) {
        Ok(prepared) => run_prepared(&prepared, scope),
        // What reading the case warned of is the offline checks' to report: a run of the
        // live check alone (the harness's `live::` trial) has an offline twin that does.
        Err(not) => (
            CaseResult::Error(not.error),
            if scope.offline {
                not.warnings
            } else {
                Vec::new()
            },
            Phases::new(),
        ),
    }
}

/// Runs the checks of `scope` on a prepared case: the offline ones, then the live one.
pub fn run_prepared(prepared: &Prepared, scope: Scope<'_>) -> (CaseResult, Vec<Warning>, Phases) {
    let (mut warnings, offline) = match scope.offline {
        true => (
            prepared.warnings(),
            offline_checks(prepared, scope.blessing),
        ),
        false => (Vec::new(), Ok(Vec::new())),
    };
    let mut phases = Phases::new();
    let result = match scope.live {
        None => offline,
        Some(live) => {
            // The live run goes on after an offline check that could not run: its drift
            // and the server's warnings still tell about the cluster.
            let (status, live_warnings, live_phases) = check(prepared, Check::Live, Some(live));
            warnings.extend(live_warnings);
            phases.extend(live_phases);
            offline.and_then(|mut statuses| {
                statuses.push((Check::Live, status?));
                Ok(statuses)
            })
        }
    };
    let result = match result {
        Ok(statuses) => CaseResult::Ran(statuses),
        Err(e) => CaseResult::Error(e),
    };
    (result, warnings, phases)
}

/// Every offline check that applies to the case, blessed when `blessing`; the first check
/// that cannot run stops the others.
fn offline_checks(prepared: &Prepared, blessing: bool) -> Result<Vec<(Check, Status)>, Error> {
    let case = &prepared.case;
    let checked: Vec<(Check, Result<Status, Error>)> = checks(case, blessing)
        .into_iter()
        .map(|which| (which, check(prepared, which, None).0))
        .collect();
    // A golden is blessed only when every check without a golden passes: a golden of a Job
    // the server refuses (or of a Pod that never exists) would pass the next run unseen.
    let failing: Vec<Check> = checked
        .iter()
        .filter(|(which, status)| {
            !blesses_golden(case, *which) && matches!(status, Ok(Status::Failed(_)))
        })
        .map(|(which, _)| *which)
        .collect();
    let mut statuses = Vec::new();
    for (which, mut status) in checked {
        if blessing && blesses_golden(case, which) {
            status = if failing.is_empty() {
                bless_check(prepared, which, status)
            } else {
                not_blessed(case, which, status, &failing)
            };
        }
        statuses.push((which, status?));
    }
    Ok(statuses)
}

/// Whether blessing writes a golden for this check of the case.
fn blesses_golden(case: &Case, which: Check) -> bool {
    match which {
        Check::Job => true,
        Check::Pod => case.spec.expect != Expect::Rejected,
        Check::Validation | Check::Live | Check::Schedule => false,
    }
}

/// A golden check while another check fails: what it found stays, nothing is written, and
/// the failure says which check stopped the bless.
fn not_blessed(
    case: &Case,
    which: Check,
    checked: Result<Status, Error>,
    failing: &[Check],
) -> Result<Status, Error> {
    let golden = match which {
        Check::Pod => case.expected_pod_path(),
        _ => case.expected_job_path(),
    };
    Ok(match checked? {
        Status::Failed(failure) => Status::Failed(Failure::NotBlessed {
            golden,
            because: failing.iter().map(|c| c.name().to_owned()).collect(),
            failure: Box::new(failure),
        }),
        other => other,
    })
}

/// One case's run: its result, the warnings met, and how long it took.
#[derive(Debug)]
pub struct CaseRun {
    /// The case's name.
    pub name: String,
    /// Pass, fail or error.
    pub result: CaseResult,
    /// Warnings from every stage.
    pub warnings: Vec<Warning>,
    /// Wall time of the whole case, files included.
    pub elapsed: std::time::Duration,
    /// Named phases worth timing separately (a live run's create→Pod, compare, cleanup).
    pub phases: Phases,
}

/// Named durations of a case's phases, in the order they happened.
pub type Phases = Vec<(&'static str, std::time::Duration)>;

/// Runs many cases on every core, results in the order of `cases`.
pub fn run_all(
    cases: &[(String, PathBuf)],
    opts: &crate::case::LoadOptions,
    blessing: bool,
) -> Vec<CaseRun> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    run_all_with(cases, workers, |name, dir| {
        let (result, warnings) = run_case(name, dir, opts, blessing);
        (result, warnings, Phases::new())
    })
}

/// Runs `run` for every case on `workers` threads, results in the order of `cases`.
pub fn run_all_with<F>(cases: &[(String, PathBuf)], workers: usize, run: F) -> Vec<CaseRun>
where
    F: Fn(&str, &Path) -> (CaseResult, Vec<Warning>, Phases) + Sync,
{
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let workers = workers.clamp(1, cases.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<CaseRun>>> = cases.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, dir)) = cases.get(i) else {
                        break;
                    };
                    let start = std::time::Instant::now();
                    // A panic is a jjo bug; it fails this case with a clear message, not the run.
                    let (result, warnings, phases) =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(name, dir)))
                            .unwrap_or_else(|_| {
                                let what = format!("case `{name}` panicked; please report this");
                                (
                                    CaseResult::Error(Error::Internal { what }),
                                    Vec::new(),
                                    Phases::new(),
                                )
                            });
                    let run = CaseRun {
                        name: name.clone(),
                        result,
                        warnings,
                        elapsed: start.elapsed(),
                        phases,
                    };
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(run);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(cases)
        .map(|(slot, (name, _))| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                // Only reachable if a lock was poisoned, which catch_unwind above prevents.
                let what = format!("case `{name}` did not finish");
                CaseRun {
                    name: name.clone(),
                    result: CaseResult::Error(Error::Internal { what }),
                    warnings: Vec::new(),
                    elapsed: std::time::Duration::ZERO,
                    phases: Phases::new(),
                }
            })
        })
        .collect()
}

/// What the unit tests of the pipeline and of the renderers (which read its results) share:
/// a writable copy of a shipped case, and a check run on a case a test edited.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A writable copy of the shipped case `cases/<name>`.
    pub(crate) fn copy_of(name: &str) -> tempfile::TempDir {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).expect("mkdir");
            for entry in std::fs::read_dir(from).expect("read dir").flatten() {
                let target = to.join(entry.file_name());
                if entry.path().is_dir() {
                    copy(&entry.path(), &target);
                } else {
                    std::fs::copy(entry.path(), target).expect("copy");
                }
            }
        }
        let tmp = tempfile::tempdir().expect("temp dir");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("cases")
                .join(name),
            tmp.path(),
        );
        tmp
    }

    /// A copy of `seed-privileged` that expects a refusal only a cluster gives (a quota).
    pub(crate) fn expecting_a_quota_refusal() -> tempfile::TempDir {
        let tmp = copy_of("seed-privileged");
        std::fs::write(
            tmp.path().join("case.yaml"),
            "expect: rejected\nreason: exceeded quota\n",
        )
        .expect("write");
        std::fs::remove_file(tmp.path().join("expected-pod.yaml")).expect("rm");
        tmp
    }

    /// The validation check of a case rendered (and perhaps edited) by the test.
    pub(crate) fn check_validation(case: &Case, rendered: &Rendered) -> Status {
        let prepared = Prepared::new(case.clone(), rendered.clone());
        check(&prepared, Check::Validation, None)
            .0
            .expect("validation always runs")
    }

    /// The validation status of the shipped `typo-privileged` case expecting `expect`.
    pub(crate) fn typo_expecting(expect: Expect, reason: Option<&str>) -> Status {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/typo-privileged");
        let mut case = crate::case::load("typo-privileged", &dir, false).expect("loads");
        case.spec.expect = expect;
        case.spec.reason = reason.map(str::to_owned);
        let rendered = render(&case).expect("renders");
        check_validation(&case, &rendered)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    /// Issue 19: a case with a golden Pod, nodes and a quota (each of which reads the Pod)
    /// validates its Job once and predicts its Pod once; blessing predicts the base Job's
    /// Pod too, and nothing more.
    #[test]
    fn each_stage_runs_once_per_case() {
        let tmp = copy_of("schedule-gpu-pool");
        let quota = "setup:\n  - apiVersion: v1\n    kind: ResourceQuota\n    metadata: {name: q}\n    spec: {hard: {pods: \"10\"}}\n";
        let yaml = std::fs::read_to_string(tmp.path().join("case.yaml")).expect("read");
        std::fs::write(tmp.path().join("case.yaml"), format!("{yaml}{quota}")).expect("write");
        counts::take();
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        let CaseResult::Ran(checks) = &result else {
            panic!("{result:?}")
        };
        let names: Vec<Check> = checks.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            names,
            [Check::Job, Check::Validation, Check::Pod, Check::Schedule]
        );
        assert!(result.passed(), "{result:?}");
        assert_eq!(counts::take(), (1, 1), "(validations, predictions)");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        assert!(result.passed(), "{result:?}");
        assert_eq!(
            counts::take(),
            (1, 2),
            "(validations, predictions) when blessing"
        );
    }

    /// A cluster of another version gets validation and a Pod for its version, from the
    /// same rendered Job; its own version borrows the prepared case.
    #[test]
    fn a_prepared_case_for_another_version_is_validated_for_it() {
        let tmp = copy_of("seed-privileged");
        let yaml = "kubernetes: \"1.31\"\nsession:\n  env:\n    - name: 1ABC\n      value: x\n";
        std::fs::write(tmp.path().join("case.yaml"), yaml).expect("write");
        let prepared = prepare("c", tmp.path(), &Default::default()).expect("prepares");
        let v131 = prepared.case().version;
        assert!(matches!(
            prepared.for_version(v131),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(!refusals(prepared.case(), prepared.validation()).is_empty());
        let v132 = predict::Version::parse("1.32").expect("1.32");
        let newer = prepared.for_version(v132);
        assert_eq!(newer.case().version, v132);
        assert_eq!(
            newer.rendered().patched.job,
            prepared.rendered().patched.job
        );
        assert!(refusals(newer.case(), newer.validation()).is_empty());
    }

    /// The live check without a cluster is not decided, and says what it needs.
    #[test]
    fn the_live_check_without_a_cluster_is_not_decided() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/seed-privileged");
        let prepared = prepare("seed-privileged", &dir, &Default::default()).expect("prepares");
        let (status, warnings, phases) = check(&prepared, Check::Live, None);
        assert_eq!(
            status.expect("runs"),
            Status::NotDecided {
                why: "the live check needs a cluster (`jjo test --cluster ...`)".into()
            }
        );
        assert!(warnings.is_empty() && phases.is_empty());
    }

    #[test]
    fn a_case_whose_job_cannot_be_built_keeps_its_profile_warnings() {
        let tmp = tempfile::tempdir().expect("temp dir");
        // `[alice]` before `[*]` warns; a default above the maximum stops the Job being built.
        let profiles = "[alice]\nmax-cpus=4\n[*]\ndefault-cpus=2\nmax-cpus=1\n";
        std::fs::write(tmp.path().join(crate::case::PROFILES_FILE), profiles).expect("write");
        let (result, warnings) = run_case("c", tmp.path(), &Default::default(), false);
        assert!(
            matches!(result, CaseResult::Error(Error::Job(_))),
            "{result:?}"
        );
        assert!(
            warnings.iter().any(|w| w.message.contains("not ordered")),
            "{warnings:?}"
        );
    }

    /// Issue 8, item 11: with `kubernetes: "1.31"`, a field that came in 1.32 is reported
    /// as dropped, from the table of fields and releases.
    #[test]
    fn a_field_newer_than_the_cases_version_is_dropped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/seed-privileged");
        let mut case = crate::case::load("seed-privileged", &dir, false).expect("case loads");
        let mut rendered = render(&case).expect("renders");
        rendered.patched.job["spec"]["managedBy"] = "kueue.x-k8s.io/multikueue".into();
        case.version = predict::Version::parse("1.31").expect("1.31");
        let Status::Failed(Failure::Dropped { findings }) = check_validation(&case, &rendered)
        else {
            panic!("1.31 drops `spec.managedBy`")
        };
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].path, "spec.managedBy");
        assert_eq!(
            findings[0].message,
            "`managedBy` came in Kubernetes 1.32 (feature `JobManagedBy`); a 1.31 API server drops it"
        );
        assert_eq!(findings[0].rule, NEWER_FIELD);
        case.version = predict::Version::parse("1.32").expect("1.32");
        assert_eq!(check_validation(&case, &rendered), Status::Passed);
    }

    /// A copy of a shipped case in a temporary directory.
    #[test]
    fn blessing_an_unchanged_case_says_passed_and_a_changed_one_blessed() {
        let tmp = copy_of("seed-privileged");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        let CaseResult::Ran(checks) = result else {
            panic!("{result:?}")
        };
        assert!(
            checks.iter().all(|(_, s)| *s == Status::Passed),
            "{checks:?}"
        );
        std::fs::remove_file(tmp.path().join("expected-job.yaml")).expect("rm");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        let CaseResult::Ran(checks) = result else {
            panic!("{result:?}")
        };
        assert_eq!(
            checks[0],
            (
                Check::Job,
                Status::Blessed(tmp.path().join("expected-job.yaml"))
            )
        );
        assert_eq!(checks[2], (Check::Pod, Status::Passed));
    }

    /// Issue 17 item 5: a case whose validation fails gets no golden, and says why.
    #[test]
    fn blessing_writes_nothing_for_a_case_that_fails_validation() {
        let tmp = copy_of("seed-privileged");
        // At `baseline`, the privileged override is refused: the case expects it admitted.
        std::fs::write(tmp.path().join("case.yaml"), "pod-security: baseline\n").expect("write");
        let job = tmp.path().join("expected-job.yaml");
        let pod = tmp.path().join("expected-pod.yaml");
        std::fs::remove_file(&job).expect("rm");
        let pod_before = std::fs::read(&pod).expect("read");
        std::fs::write(&pod, "spec: {}\n").expect("write");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        assert!(!result.passed(), "{result:?}");
        assert!(!job.exists(), "a failing case must not be blessed");
        assert_eq!(std::fs::read_to_string(&pod).expect("read"), "spec: {}\n");
        let CaseResult::Ran(checks) = &result else {
            panic!("{result:?}")
        };
        let Status::Failed(Failure::NotBlessed {
            golden, because, ..
        }) = &checks[0].1
        else {
            panic!("{checks:?}")
        };
        assert_eq!(
            (golden, because.as_slice()),
            (&job, ["validation".to_string()].as_slice())
        );
        // Fixed, the same bless writes both goldens.
        std::fs::write(tmp.path().join("case.yaml"), "pod-security: privileged\n").expect("write");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        assert!(result.passed(), "{result:?}");
        assert!(job.exists());
        assert_eq!(std::fs::read(&pod).expect("read"), pod_before);
    }

    #[test]
    fn blessing_replaces_a_golden_the_check_cannot_read() {
        let tmp = copy_of("seed-privileged");
        let golden = tmp.path().join("expected-pod.yaml");
        std::fs::write(&golden, "metadata:\n  name: \"{{sufix}}\"\n").expect("write");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        assert!(
            matches!(result, CaseResult::Error(Error::Golden { .. })),
            "{result:?}"
        );
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        let CaseResult::Ran(checks) = result else {
            panic!("{result:?}")
        };
        assert_eq!(checks[2], (Check::Pod, Status::Blessed(golden)));
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        assert!(result.passed(), "{result:?}");
    }

    /// An unknown field is dropped, not refused (the words are pinned by report's tests).
    #[test]
    fn an_unknown_field_is_dropped_not_refused() {
        assert_eq!(
            typo_expecting(Expect::Dropped, Some("privileged")),
            Status::Passed
        );
        assert_eq!(
            typo_expecting(Expect::Dropped, Some("unknown-field")),
            Status::Passed
        );
        assert_eq!(typo_expecting(Expect::Dropped, None), Status::Passed);
        assert!(matches!(
            typo_expecting(Expect::Dropped, Some("hostPath")),
            Status::Failed(_)
        ));
        assert!(matches!(
            typo_expecting(Expect::Admitted, None),
            Status::Failed(_)
        ));
        assert!(matches!(
            typo_expecting(Expect::Rejected, None),
            Status::Failed(_)
        ));
    }

    #[test]
    fn only_jjos_own_cases_are_run_by_cargo_test() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(in_cargo_cases(&root.join("cases/seed-privileged")));
        assert!(in_cargo_cases(&root.join("cases/shared-etc/anyone")));
        let tmp = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(tmp.path().join("cases/x")).expect("mkdir");
        assert!(!in_cargo_cases(&tmp.path().join("cases/x")));
        assert!(!in_cargo_cases(&root.join("tests")));
    }

    /// Issue 15 §4: a refusal only a cluster gives is not decided offline, never a failure.
    #[test]
    fn a_quota_refusal_is_not_decided_offline() {
        let tmp = expecting_a_quota_refusal();
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        let CaseResult::Ran(checks) = &result else {
            panic!("{result:?}")
        };
        let Status::NotDecided { why } = &checks[1].1 else {
            panic!("{checks:?}")
        };
        assert_eq!(
            why,
            "`reason: exceeded quota` is a refusal only a cluster gives (a ResourceQuota); the live run decides it (`jjo test --cluster ...`)"
        );
        assert!(result.passed(), "not a failure");
        assert_eq!(result.not_decided(), Some(why.as_str()));
        // A live check decides it: the case is then passed (or failed) by that check.
        let CaseResult::Ran(mut checks) = result else {
            unreachable!()
        };
        checks.push((Check::Live, Status::Passed));
        assert_eq!(CaseResult::Ran(checks).not_decided(), None);
        // A refusal the offline engine models is still decided offline.
        std::fs::write(
            tmp.path().join("case.yaml"),
            "expect: rejected\nreason: privileged\n",
        )
        .expect("write");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        assert!(!result.passed(), "{result:?}");
    }

    /// Issue 17 item 7: env var names follow the rule of the case's version.
    #[test]
    fn an_env_var_name_is_checked_by_the_cases_version() {
        let tmp = copy_of("seed-privileged");
        let status = |version: &str| {
            let yaml = format!(
                "kubernetes: \"{version}\"\nsession:\n  env:\n    - name: 1ABC\n      value: x\n"
            );
            std::fs::write(tmp.path().join("case.yaml"), yaml).expect("write");
            let case = crate::case::load("c", tmp.path(), false).expect("loads");
            check_validation(&case, &render(&case).expect("renders"))
        };
        let Status::Failed(Failure::Refused { findings, .. }) = status("1.29") else {
            panic!("1.29 refuses `1ABC`")
        };
        assert!(
            findings[0].message.contains("must not start with a digit"),
            "{findings:?}"
        );
        assert_eq!(status("1.31"), status("1.29"));
        assert_eq!(status("1.32"), Status::Passed);
        assert_eq!(status("1.37"), Status::Passed);
    }

    /// Issue 15 §4: a `limits.cpu` quota refuses a container without a cpu limit, in the
    /// server's words, unless the namespace's LimitRange gives it one.
    #[test]
    fn a_quota_and_a_limit_range_in_setup_decide_offline() {
        let tmp = copy_of("seed-privileged");
        std::fs::remove_file(tmp.path().join("expected-pod.yaml")).expect("rm");
        let quota = "  - apiVersion: v1\n    kind: ResourceQuota\n    metadata: {name: q}\n    spec: {hard: {limits.cpu: \"64\"}}\n";
        let limits = "  - apiVersion: v1\n    kind: LimitRange\n    metadata: {name: l}\n    spec: {limits: [{type: Container, default: {cpu: 500m}}]}\n";
        let load = |yaml: String| {
            std::fs::write(tmp.path().join("case.yaml"), yaml).expect("write");
            let case = crate::case::load("c", tmp.path(), false).expect("loads");
            let rendered = render(&case).expect("renders");
            (case, rendered)
        };
        // The launcher's Job sets no cpu limit without `session: cpus`.
        let (case, rendered) = load(format!(
            "expect: rejected\nreason: failed quota\nsetup:\n{quota}"
        ));
        assert_eq!(
            rendered
                .patched
                .job
                .pointer("/spec/template/spec/containers/0/resources/limits/cpu"),
            None
        );
        assert_eq!(check_validation(&case, &rendered), Status::Passed);
        let v = validation(&case, &rendered.patched.job);
        let refused: Vec<_> = refusals(&case, &v)
            .into_iter()
            .map(|f| f.message.clone())
            .collect();
        assert_eq!(
            refused,
            ["failed quota: q: must specify limits.cpu for: rs-launcher-container"]
        );
        // With the LimitRange's default limit the Pod states it: admitted, and predicted so.
        let (case, rendered) = load(format!("setup:\n{quota}{limits}"));
        assert_eq!(check_validation(&case, &rendered), Status::Passed);
        let pod = predict_pod(&case, &rendered.patched.job).expect("predicts");
        assert_eq!(
            pod["spec"]["containers"][0]["resources"]["limits"]["cpu"],
            "500m"
        );
        assert_eq!(
            pod["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "500m"
        );
        assert_eq!(
            pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
            "LimitRanger plugin set: cpu request for container rs-launcher-container; cpu limit for container rs-launcher-container"
        );
    }

    /// Fields of 1.35–1.37 and alpha fields: dropped by the releases that do not keep them.
    #[test]
    fn a_field_of_a_newer_or_an_alpha_feature_is_dropped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/seed-privileged");
        let mut case = crate::case::load("seed-privileged", &dir, false).expect("case loads");
        let mut rendered = render(&case).expect("renders");
        rendered.patched.job["spec"]["template"]["spec"]["hostnameOverride"] = "h".into();
        case.version = predict::Version::parse("1.34").expect("1.34");
        let Status::Failed(Failure::Dropped { findings }) = check_validation(&case, &rendered)
        else {
            panic!("1.34 drops `hostnameOverride`")
        };
        assert_eq!(
            findings[0].message,
            "`hostnameOverride` came in Kubernetes 1.35 (feature `HostnameOverride`); a 1.34 API server drops it"
        );
        case.version = predict::Version::parse("1.35").expect("1.35");
        assert_eq!(check_validation(&case, &rendered), Status::Passed);
        rendered.patched.job["spec"]["template"]["spec"]["schedulingGroup"] =
            serde_json::json!({"podGroupName": "g"});
        case.version = predict::Version::NEWEST;
        let Status::Failed(Failure::Dropped { findings }) = check_validation(&case, &rendered)
        else {
            panic!("an alpha field is dropped")
        };
        assert_eq!(
            findings[0].message,
            "`schedulingGroup` is behind the alpha feature `GenericWorkload`, off by default through Kubernetes 1.37; a 1.37 API server drops it"
        );
    }

    /// Issue 16: a shipped case's schedule check, with `schedule:` replaced.
    fn schedule_of(name: &str, schedule: Option<crate::case::Schedule>) -> Status {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cases")
            .join(name);
        let mut case = crate::case::load(name, &dir, false).expect("loads");
        case.spec.schedule = schedule;
        let rendered = render(&case).expect("renders");
        check(&Prepared::new(case, rendered), Check::Schedule, None)
            .0
            .expect("checks")
    }

    fn on(k: &str, v: &str) -> Option<crate::case::Schedule> {
        Some(crate::case::Schedule {
            on: [(k.to_owned(), v.to_owned())].into(),
            ..Default::default()
        })
    }

    fn unschedulable(reason: Option<&str>) -> Option<crate::case::Schedule> {
        Some(crate::case::Schedule {
            unschedulable: true,
            reason: reason.map(str::to_owned),
            ..Default::default()
        })
    }

    #[test]
    fn a_case_with_nodes_must_at_least_be_schedulable() {
        assert_eq!(schedule_of("schedule-gpu-pool", None), Status::Passed);
        let Status::Failed(Failure::NotScheduled { placement }) =
            schedule_of("schedule-lost-toleration", None)
        else {
            panic!("the lost toleration leaves no node")
        };
        assert_eq!(
            placement.message,
            "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s)."
        );
    }

    #[test]
    fn on_fails_when_the_pod_may_land_on_a_node_without_the_labels() {
        assert_eq!(
            schedule_of("schedule-gpu-pool", on("pool", "gpu")),
            Status::Passed
        );
        let Status::Failed(Failure::LandsElsewhere { elsewhere, .. }) = schedule_of(
            "schedule-gpu-pool",
            on("topology.kubernetes.io/zone", "us-east-1a"),
        ) else {
            panic!("one GPU node is in us-east-1b")
        };
        assert_eq!(elsewhere, ["ip-10-20-42-211.ec2.internal"]);
    }

    #[test]
    fn unschedulable_fails_when_the_pod_fits_or_for_another_reason() {
        assert!(matches!(
            schedule_of("schedule-gpu-pool", unschedulable(None)),
            Status::Failed(Failure::Scheduled { .. })
        ));
        assert_eq!(
            schedule_of(
                "schedule-memory-too-large",
                unschedulable(Some("insufficient MEMORY"))
            ),
            Status::Passed
        );
        assert!(matches!(
            schedule_of(
                "schedule-memory-too-large",
                unschedulable(Some("Insufficient cpu"))
            ),
            Status::Failed(Failure::NotScheduledOtherwise { .. })
        ));
    }

    #[test]
    fn an_unmodelled_filter_leaves_a_fitting_pod_undecided() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/schedule-gpu-pool");
        let case = crate::case::load("schedule-gpu-pool", &dir, false).expect("loads");
        let mut rendered = render(&case).expect("renders");
        rendered.patched.job["spec"]["template"]["spec"]["affinity"] = serde_json::json!({
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname", "labelSelector": {}}]}});
        let prepared = Prepared::new(case, rendered);
        let Ok(Status::NotDecided { why }) = check(&prepared, Check::Schedule, None).0 else {
            panic!("pod anti-affinity is not modelled")
        };
        assert_eq!(
            why,
            "the Pod fits 2 of 5 nodes on the filters jjo models, but its placement also depends on what it does not model: required pod anti-affinity (`affinity.podAntiAffinity`); the live run decides it (`jjo test --cluster ...`)"
        );
    }

    #[test]
    fn a_dropped_expectation_fails_when_every_field_is_kept() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/seed-privileged");
        let mut case = crate::case::load("seed-privileged", &dir, false).expect("loads");
        case.spec.expect = Expect::Dropped;
        let rendered = render(&case).expect("renders");
        // Its words are pinned by report's tests.
        assert!(matches!(
            check_validation(&case, &rendered),
            Status::Failed(crate::failure::Failure::NotDropped)
        ));
    }
}
