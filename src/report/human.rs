//! Everything jjo prints for people: errors, warnings, case results and the summary, and
//! the pages of `jjo lint` and `jjo diff`.

use std::fmt;
use std::io::Write;

use anstyle::{AnsiColor, Style};

use std::fmt::Write as _;

use serde_json::Value;

use crate::case::Expect;
use crate::compare;
use crate::diag::Warning;
use crate::diff::PrincipalDiff;
use crate::error::Error;
use crate::failure::{Failure, GoldenDifference, ServerFinding, Subject};
use crate::lint::Lint;
use crate::pipeline::{CaseResult, Status};
use crate::principals::Principal;
use crate::validate::Level;
use crate::validate::{Finding, Severity};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Prints an error with its hint to stderr, `error: ...` then `  hint: ...`.
pub fn error(err: &Error) {
    let mut out = anstream::stderr().lock();
    let _ = out.write_all(error_text(err, true).as_bytes());
}

/// The one way an error is written for people, on stderr and in a case's failure text:
/// `error: ...`, a `  caused by: ...` line per source, then `  hint: ...`; `styled` colours
/// the words (anstream strips the colours where the reader cannot show them).
pub fn error_text(err: &Error, styled: bool) -> String {
    let (e, d) = if styled {
        (ERROR, DIM)
    } else {
        (Style::new(), Style::new())
    };
    let mut out = format!("{e}error{e:#}: {err}\n");
    for cause in causes(err) {
        let _ = writeln!(out, "  caused by: {cause}");
    }
    if let Some(hint) = err.hint() {
        let _ = writeln!(out, "  {d}hint: {hint}{d:#}");
    }
    out
}

/// The messages of an error's sources, outermost first. An error whose message already shows
/// its inner error (`Located`, `#[error(transparent)]`) does not return it as a source, so
/// every cause here is news.
fn causes(err: &Error) -> Vec<String> {
    let mut out = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        out.push(cause.to_string());
        source = cause.source();
    }
    out
}

/// Prints a warning to stderr.
pub fn warning(w: &Warning) {
    // Made whole, then written once: stderr is unbuffered, and a warning written in pieces
    // took eight system calls (a thousand-case run printed thousands).
    let mut text = format!("{WARN}warning{WARN:#}: ");
    if let Some(span) = &w.span {
        let _ = write!(text, "{span}: ");
    }
    text.push_str(&w.message);
    if let Some(pointer) = &w.pointer {
        let _ = write!(text, " (at `{pointer}`)");
    }
    let _ = writeln!(text, " [{}]", w.id);
    if let Some(hint) = &w.hint {
        let _ = writeln!(text, "  {DIM}hint: {hint}{DIM:#}");
    }
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}

/// A failure as people read it: one summary line, detail lines (each starting with its
/// file:line or path), and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureText {
    /// One line: what failed.
    pub summary: String,
    /// One line per difference or finding.
    pub details: Vec<String>,
    /// What to do next.
    pub hint: Option<String>,
}

impl fmt::Display for FailureText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary)?;
        for line in &self.details {
            write!(f, "\n  {line}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        failure(self).fmt(f)
    }
}

/// One validation finding as a line: `<path>: <message> [<check>] (hint: ...)`.
pub fn finding(f: &Finding) -> String {
    f.line()
}

fn findings(found: &[Finding]) -> Vec<String> {
    found.iter().map(finding).collect()
}

fn server_findings(found: &[ServerFinding]) -> Vec<String> {
    found
        .iter()
        .flat_map(|f| f.line().lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

fn differences(found: &[GoldenDifference]) -> Vec<String> {
    found
        .iter()
        .map(|d| {
            let text = compare::render(std::slice::from_ref(&d.difference));
            format!("{}: {}", d.at, text.trim_end())
        })
        .collect()
}

/// Which checks refuse, in the order their findings come: `the API server's schema check and
/// Pod Security admission at level `baseline``. Pod Security is named only when it refused.
fn refusers(level: crate::validate::Level, found: &[Finding]) -> String {
    let mut names: Vec<String> = Vec::new();
    for f in found.iter().filter(|f| f.severity == Severity::Error) {
        let name = match f.check.as_str() {
            "schema" => "the API server's schema check".to_owned(),
            "api" => "the API server's validation".to_owned(),
            check if check.starts_with("pod-security:") => {
                format!("Pod Security admission at level `{}`", level.as_str())
            }
            "quota" => "the namespace's ResourceQuota".to_owned(),
            "limit-range" => "the namespace's LimitRange".to_owned(),
            other => format!("the `{other}` check"),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.split_last() {
        None => "the API server".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// How to bless a case: `jjo test --bless <dir>`, and for one of jjo's own cases the
/// `cargo test` form too (an admin's suite is not a cargo project).
fn bless_command(case: &crate::failure::CaseRef) -> String {
    let jjo = format!("`jjo test --bless {}`", case.dir.display());
    if case.cargo {
        format!("{jjo} or `JJO_BLESS=1 cargo test -- {}`", case.name)
    } else {
        jjo
    }
}

/// `n thing` or `n things`.
/// Up to five names, then how many more.
fn names(all: &[String]) -> String {
    let mut out: Vec<String> = all.iter().take(5).map(|n| format!("`{n}`")).collect();
    if all.len() > 5 {
        out.push(format!("and {} more", all.len() - 5));
    }
    out.join(", ")
}

/// One group of nodes that refuse a Pod for the same reason: `2 nodes (`a`, `b`): why`.
fn node_group(g: &crate::failure::NodeGroup) -> String {
    let mut nodes: Vec<String> = g.nodes.iter().map(|n| format!("`{n}`")).collect();
    if g.count > g.nodes.len() {
        nodes.push(format!("and {} more", g.count - g.nodes.len()));
    }
    format!(
        "{} ({}): {}",
        count(g.count, "node"),
        nodes.join(", "),
        g.why
    )
}

/// The scheduler's message, the nodes that fit, each group of refusing nodes, and what jjo
/// does not model.
fn placement_lines(p: &crate::failure::PlacementSummary) -> Vec<String> {
    let mut out = Vec::new();
    if p.fits.is_empty() {
        out.push(format!("scheduler: {}", p.message));
    } else {
        out.push(format!(
            "fits {} of {}: {}",
            count(p.fits.len(), "node"),
            p.total,
            names(&p.fits)
        ));
    }
    out.extend(p.groups.iter().map(node_group));
    out.extend(
        p.unmodelled
            .iter()
            .map(|u| format!("not modelled offline: {u}")),
    );
    out.extend(p.hints.iter().skip(1).cloned());
    out
}

/// The real scheduler's answer against `schedule:`.
fn live_schedule(
    expected: &crate::case::Schedule,
    live: &crate::failure::LiveScheduling,
) -> FailureText {
    use crate::failure::LiveScheduling;
    let text = |summary: String, details: Vec<String>, hint: Option<String>| FailureText {
        summary,
        details,
        hint,
    };
    let on: Vec<String> = expected
        .on
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    match live {
        LiveScheduling::Bound { node, .. } if expected.unschedulable => text(
            format!(
                "the scheduler placed the session's Pod on node `{node}`, but `schedule:` expects it to fit no node"
            ),
            Vec::new(),
            Some("check the override, or drop `unschedulable: true` from `schedule:`".into()),
        ),
        LiveScheduling::Bound { node, labels } => {
            let details = expected
                .on
                .keys()
                .map(|k| match labels.get(k) {
                    Some(v) => format!("node `{node}` has `{k}: {v}`"),
                    None => format!("node `{node}` has no label `{k}`"),
                })
                .collect();
            text(
                format!(
                    "the scheduler placed the session's Pod on node `{node}`, outside `on: {{{}}}`",
                    on.join(", ")
                ),
                details,
                Some("narrow the Pod with a `nodeSelector` or node affinity".into()),
            )
        }
        LiveScheduling::Unschedulable { message } if expected.unschedulable => text(
            format!(
                "the scheduler cannot place the session's Pod, but not for `{}`",
                expected.reason.as_deref().unwrap_or_default()
            ),
            vec![format!("scheduler: {message}")],
            Some("`reason:` must be part of the scheduler's message above".into()),
        ),
        LiveScheduling::Unschedulable { message } => text(
            "the scheduler cannot place the session's Pod on this cluster's nodes".into(),
            vec![format!("scheduler: {message}")],
            Some(
                "fix the override, or set `schedule: {unschedulable: true}` if that is the point"
                    .into(),
            ),
        ),
    }
}

fn count(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// Renders a failure for people (the terminal, the harness, JUnit).
pub fn failure(f: &Failure) -> FailureText {
    let text = |summary: String, details: Vec<String>, hint: Option<String>| FailureText {
        summary,
        details,
        hint,
    };
    let reason_hint = || Some("`reason:` must be part of one of the messages above".to_owned());
    match f {
        Failure::MissingGolden { golden, case } => text(
            format!("no golden `{}`", golden.display()),
            Vec::new(),
            Some(format!(
                "create it with {}, then review and commit it",
                bless_command(case)
            )),
        ),
        Failure::Differs {
            subject,
            golden,
            differences: diffs,
            case,
        } => {
            let what = match subject {
                Subject::PatchedJob => "patched Job",
                Subject::PredictedPod => "predicted Pod",
            };
            text(
                format!(
                    "{what} differs from `{}` ({})",
                    golden.display(),
                    count(diffs.len(), "difference")
                ),
                differences(diffs),
                Some(format!(
                    "if the change is intended, run {}",
                    bless_command(case)
                )),
            )
        }
        Failure::Refused { level, findings: found } => text(
            format!(
                "the patched Job would be refused by {}",
                refusers(*level, found)
            ),
            findings(found),
            Some("fix the override, or set `expect: rejected` in case.yaml if the refusal is the point".into()),
        ),
        Failure::Dropped { findings: found } => text(
            format!(
                "the API server would drop {} of the patched Job",
                count(found.len(), "field")
            ),
            findings(found),
            Some("fix the override, or set `expect: dropped` in case.yaml if the dropped field is the point".into()),
        ),
        Failure::NotRefused { level, dropped } if dropped.is_empty() => text(
            format!(
                "expected a refusal, but the Job and its Pod are admitted at level `{}`",
                level.as_str()
            ),
            Vec::new(),
            Some("check `pod-security:` in case.yaml".into()),
        ),
        Failure::NotRefused { level, dropped } => text(
            format!(
                "expected a refusal, but the Job and its Pod are admitted at level `{}`, without the dropped field",
                level.as_str()
            ),
            findings(dropped),
            Some("the API server drops an unknown field instead of refusing the Job: set `expect: dropped`".into()),
        ),
        Failure::RefusedOtherwise {
            reason,
            findings: found,
        } => text(
            format!("refused, but for other reasons than `{reason}`"),
            findings(found),
            reason_hint(),
        ),
        Failure::NotDropped => text(
            "expected a dropped field, but the API server would keep every field of the patched Job".into(),
            Vec::new(),
            Some("check the override's field names, or set `expect: admitted`".into()),
        ),
        Failure::DroppedOtherwise {
            reason,
            findings: found,
        } => text(
            format!("a field is dropped, but not for `{reason}`"),
            findings(found),
            reason_hint(),
        ),
        Failure::PodOfRefusedCase => text(
            "the case expects a refusal, so no Pod exists to compare with `expected-pod.yaml`".into(),
            Vec::new(),
            Some("delete `expected-pod.yaml`, or set `expect: admitted`".into()),
        ),
        Failure::LiveRefused {
            expected,
            findings: found,
        } => text(
            "the cluster refused the case".into(),
            server_findings(found),
            Some(match expected {
                Expect::Dropped => "fix the override, or set `expect: rejected` with a `reason:`",
                Expect::Admitted | Expect::Rejected => {
                    "set `expect: rejected` with a `reason:` if the refusal is the point"
                }
            }
            .into()),
        ),
        Failure::LiveRefusedOtherwise { findings: found } => text(
            "refused, but not for the expected reason".into(),
            server_findings(found),
            None,
        ),
        Failure::LiveNotRefused => text(
            "expected a refusal, but the cluster admitted the Job and its Pod".into(),
            Vec::new(),
            None,
        ),
        Failure::LiveDropped { findings: found } => text(
            format!(
                "{} of the Job dropped by the API server: this override has no effect in production",
                count(found.len(), "field")
            ),
            server_findings(found),
            Some("fix the override, or set `expect: dropped` in case.yaml if the dropped field is the point".into()),
        ),
        Failure::LiveNotDropped => text(
            "expected a dropped field, but the cluster kept every field of the Job".into(),
            Vec::new(),
            None,
        ),
        Failure::LiveDroppedOtherwise { findings: found } => text(
            "a field is dropped, but not for the expected reason".into(),
            server_findings(found),
            None,
        ),
        Failure::LivePodDiffers {
            differences: diffs,
            golden_error,
            checks,
            case,
        } => {
            let mut details = differences(diffs);
            details.extend(golden_error.iter().cloned());
            details.extend(checks.iter().map(|check| {
                format!(
                    "check `{}` in `{}`: exit code {}, stdout {:?}, stderr {:?}",
                    check.command.join(" "),
                    check.container,
                    check
                        .exit_code
                        .map_or("unknown".to_string(), |c| c.to_string()),
                    check.stdout.trim_end(),
                    check.stderr.trim_end()
                )
            }));
            text(
                "the live Pod does not match".into(),
                details,
                Some(format!(
                    "compare with the prediction: `jjo predict {}`",
                    case.dir.display()
                )),
            )
        }
        Failure::NotBlessed {
            golden,
            because,
            failure: inner,
        } => {
            let checks = because
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            let inner = failure(inner);
            let mut details = vec![inner.summary];
            details.extend(inner.details.into_iter().map(|l| format!("  {l}")));
            text(
                format!(
                    "not blessed: `{}` was not written, because the {checks} check fails",
                    golden.display()
                ),
                details,
                Some("jjo blesses only a case that passes every other check".into()),
            )
        }
        Failure::NotScheduled { placement } => text(
            "the session's Pod fits no node of `nodes.yaml`".into(),
            placement_lines(placement),
            placement.hints.first().cloned().or_else(|| {
                Some("fix the override, or set `schedule: {unschedulable: true}` if that is the point".into())
            }),
        ),
        Failure::LandsElsewhere {
            on,
            elsewhere,
            placement,
        } => {
            let on: Vec<String> = on.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let mut details = vec![format!(
                "it fits {} outside `on: {{{}}}`: {}",
                count(elsewhere.len(), "node"),
                on.join(", "),
                names(elsewhere)
            )];
            details.extend(placement_lines(placement));
            text(
                "the session's Pod may land outside `schedule.on:`".into(),
                details,
                Some("the scheduler may pick any node that fits: narrow the Pod with a `nodeSelector` or node affinity".into()),
            )
        }
        Failure::Scheduled { placement } => text(
            format!(
                "expected the Pod to fit no node, but it fits {} of {}",
                count(placement.fits.len(), "node"),
                placement.total
            ),
            placement_lines(placement),
            Some("check the override, or drop `unschedulable: true` from `schedule:`".into()),
        ),
        Failure::NotScheduledOtherwise { reason, placement } => text(
            format!("the Pod fits no node, but not for `{reason}`"),
            placement_lines(placement),
            Some("`reason:` must be part of the scheduler's message above".into()),
        ),
        Failure::LiveSchedule { expected, live } => live_schedule(expected, live),
        Failure::Kept {
            namespace,
            inspect,
            failure: inner,
        } => {
            let mut out = failure(inner);
            out.details
                .push(format!("kept namespace `{namespace}`; inspect with:"));
            out.details.extend(inspect.iter().map(|l| format!("  {l}")));
            out
        }
    }
}

/// The plain-text explanation of a failed or broken case (no colours), as the harness shows it.
pub fn failure_text(result: &CaseResult) -> String {
    let mut out = String::new();
    match result {
        CaseResult::Ran(checks) => {
            for (check, status) in checks {
                if let Status::Failed(failure) = status {
                    let text = failure.to_string().replace('\n', "\n  ");
                    out.push_str(&format!("{check}: {text}\n"));
                }
            }
        }
        // A case's I/O error says which file; its cause says why (missing, a directory...).
        CaseResult::Error(err) => out.push_str(&error_text(err, false)),
    }
    out
}

/// One case as printed on stdout: its status line, then the details of a failure; see
/// [`summary`]. The CLI writes it, so that a write error other than a closed pipe fails the
/// run instead of passing unseen.
pub fn case(name: &str, result: &CaseResult) -> String {
    let mut out = String::new();
    match result {
        CaseResult::Ran(checks) => {
            let names: Vec<&str> = checks.iter().map(|(c, _)| c.name()).collect();
            let blessed = checks.iter().any(|(_, s)| matches!(s, Status::Blessed(_)));
            if let Some(why) = result.not_decided() {
                let names = names.join(", ");
                return format!(
                    "{WARN}{NOT_DECIDED}{WARN:#} {name} {DIM}({names}){DIM:#}\n  {why}\n"
                );
            }
            if result.passed() {
                let word = if blessed { "blessed" } else { "ok" };
                let names = names.join(", ");
                return format!("{OK}{word:<7}{OK:#} {name} {DIM}({names}){DIM:#}\n");
            }
            out.push_str(&format!("{ERROR}FAILED{ERROR:#}  {name}\n"));
        }
        CaseResult::Error(_) => out.push_str(&format!("{ERROR}ERROR{ERROR:#}   {name}\n")),
    }
    for line in failure_text(result).lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// How a case that only a cluster can decide is shown: neither `ok` nor `FAILED`.
pub(super) const NOT_DECIDED: &str = "not decided offline";

/// The closing `N passed, N failed` line, after an empty one; cases not decided offline are
/// counted apart, and only named when there are some.
pub fn summary(passed: usize, failed: usize, not_decided: usize) -> String {
    if not_decided == 0 {
        return format!("\n{passed} passed, {failed} failed\n");
    }
    format!("\n{passed} passed, {failed} failed, {not_decided} {NOT_DECIDED}\n")
}

fn level_name(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Restricted) => "restricted",
        Some(Level::Baseline) => "baseline",
        Some(Level::Privileged) => "privileged",
        None => "none (no Job)",
    }
}

/// `jjo lint`'s page for people: problems like `cargo` prints them, then a line per principal.
pub fn lint(l: &Lint) -> String {
    let mut out = String::new();
    for p in &l.problems {
        let at = p
            .span
            .as_ref()
            .map(|s| format!("{s}: "))
            .unwrap_or_default();
        let field = p
            .path
            .as_ref()
            .map(|f| format!(" (at `{f}`)"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}: {at}{}{field} [{}]", p.severity, p.message, p.rule);
        let _ = writeln!(out, "  for: {}", p.principals.join(", "));
        // Which nodes refuse the Pod and why, as `jjo test`'s schedule failure says.
        for g in p.placement.iter().flat_map(|pl| &pl.groups) {
            let _ = writeln!(out, "  {}", node_group(g));
        }
        if let Some(h) = &p.hint {
            let _ = writeln!(out, "  hint: {h}");
        }
    }
    if !l.problems.is_empty() {
        out.push('\n');
    }
    out.push_str(&principals_page(l));
    out
}

/// A line per principal with its security summary, then the counts of the whole run.
pub(super) fn principals_page(l: &Lint) -> String {
    let mut out = String::new();
    for pl in &l.principals {
        let p = &pl.principal;
        let _ = writeln!(
            out,
            "{} ({}): {} override{}, Pod Security `{}`",
            p.label,
            p.who(),
            pl.overrides,
            if pl.overrides == 1 { "" } else { "s" },
            level_name(pl.level)
        );
        for f in &pl.security {
            let _ = writeln!(out, "  {}: `{}` = {}", f.aspect, f.path, f.value);
        }
    }
    let (errors, warnings) = (l.count("error"), l.count("warning"));
    let _ = writeln!(
        out,
        "\n{errors} error{}, {warnings} warning{} in {} principal{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        l.principals.len(),
        if l.principals.len() == 1 { "" } else { "s" }
    );
    out
}

/// Who a principal is, for people: `alice in staff, gpu`, `rstudio-user in no group`.
fn who(p: &Principal) -> String {
    p.who()
}

fn short(v: &Option<Value>) -> String {
    const MAX: usize = 100;
    let Some(v) = v else {
        return "nothing".into();
    };
    let text = v.to_string();
    if text.chars().count() <= MAX {
        text
    } else {
        text.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

/// How a principal's placement on the cluster's nodes changes, for `jjo diff` (nothing when
/// it does not).
fn placement_change(pc: &crate::diff::PlacementChange) -> Vec<String> {
    let Some(change) = pc.change() else {
        return Vec::new();
    };
    let (old, new) = (&pc.old, &pc.new);
    let fits =
        |l: &crate::diff::Landing| format!("fits {} of {}", count(l.fits.len(), "node"), l.total);
    let mut out = Vec::new();
    match change {
        "unschedulable" => {
            out.push(format!(
                "placement: the session no longer fits any node (it {}): {}",
                fits(old),
                new.message
            ));
            out.extend(new.hints.iter().map(|h| format!("  hint: {h}")));
        }
        "schedulable" => out.push(format!(
            "placement: the session now {} (it fitted none: {}): {}",
            fits(new),
            old.message,
            names(&new.fits)
        )),
        "nodes" => {
            let (gained, lost) = pc.moved();
            let mut line = format!(
                "placement: the session now {}, was {}",
                fits(new),
                count(old.fits.len(), "node")
            );
            if !gained.is_empty() {
                let _ = write!(line, "; now also {}", ticked(&gained));
            }
            if !lost.is_empty() {
                let _ = write!(line, "; no longer {}", ticked(&lost));
            }
            out.push(line);
        }
        _ => {
            let side = |l: &crate::diff::Landing| match l.verdict {
                crate::schedule::Verdict::Undecided => format!(
                    "not decided offline ({} on the filters jjo models; also depends on {})",
                    fits(l),
                    l.unmodelled.join(", ")
                ),
                _ => fits(l),
            };
            out.push(format!("placement: {} -> {}", side(old), side(new)));
        }
    }
    out
}

/// Node names in backticks, the first five and a count of the rest.
fn ticked(nodes: &[&str]) -> String {
    let mut out: Vec<String> = nodes.iter().take(5).map(|n| format!("`{n}`")).collect();
    if nodes.len() > 5 {
        out.push(format!("and {} more", nodes.len() - 5));
    }
    out.join(", ")
}

/// `jjo diff`'s page for people: one block per principal whose Pod changes, then those whose Pods do not.
pub fn diff(diffs: &[PrincipalDiff]) -> String {
    let mut out = String::new();
    let mut same = Vec::new();
    for d in diffs {
        if !d.changed() {
            same.push(d.principal.label.as_str());
            continue;
        }
        let p = &d.principal;
        match (&d.old, &d.new) {
            (Ok(_), Ok(_)) => {
                let n = d.changes.len();
                let _ = writeln!(
                    out,
                    "{} ({}): {n} field{} change{}",
                    p.label,
                    who(p),
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" }
                );
                for c in &d.changes {
                    let line = match c.change {
                        "added" => format!("  + {}: {}", c.path, short(&c.new)),
                        "removed" => format!("  - {}: {}", c.path, short(&c.old)),
                        _ => format!("  ~ {}: {} -> {}", c.path, short(&c.old), short(&c.new)),
                    };
                    let _ = writeln!(out, "{line}");
                }
            }
            (Err(e), Ok(_)) => {
                let _ = writeln!(out, "{} ({}): no Pod before, one now", p.label, who(p));
                let _ = writeln!(out, "  old: {e}");
            }
            (Ok(_), Err(e)) => {
                let _ = writeln!(
                    out,
                    "{} ({}): the session no longer starts",
                    p.label,
                    who(p)
                );
                let _ = writeln!(out, "  new: {e}");
            }
            (Err(a), Err(b)) => {
                let _ = writeln!(out, "{} ({}): no Pod before or now", p.label, who(p));
                let _ = writeln!(out, "  old: {a}\n  new: {b}");
            }
        }
        // What else changes for the principal: the override with no effect, the profile
        // values it gets, and the Pod Security level its Pod needs.
        for f in &d.no_effect {
            let _ = writeln!(out, "  the override has no effect: {f}");
        }
        for w in &d.new_warnings {
            let _ = writeln!(out, "  new warning: {w}");
        }
        for c in &d.profile {
            let _ = writeln!(
                out,
                "  profile {}: {} -> {}",
                c.path,
                short(&c.old),
                short(&c.new)
            );
        }
        if let Some(pc) = &d.placement {
            for line in placement_change(pc) {
                let _ = writeln!(out, "  {line}");
            }
        }
        if d.level.0.is_some() && d.level.1.is_some() && d.level.0 != d.level.1 {
            let _ = writeln!(
                out,
                "  Pod Security: `{}` -> `{}`",
                level_name(d.level.0),
                level_name(d.level.1)
            );
        }
        out.push('\n');
    }
    let changed = diffs.len() - same.len();
    let _ = write!(
        out,
        "{changed} principal{} changed, {} unchanged",
        if changed == 1 { "" } else { "s" },
        same.len()
    );
    if !same.is_empty() {
        let _ = write!(out, ": {}", same.join(", "));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Expect;
    use crate::pipeline::testing::{
        check_validation, copy_of, expecting_a_quota_refusal, typo_expecting,
    };
    use crate::pipeline::{Check, run_case};

    fn summary_of(status: Status) -> String {
        match status {
            Status::Failed(f) => failure(&f).summary,
            other => panic!("{other:?}"),
        }
    }

    /// The words for what the pipeline decides about an unknown field (its verdicts are
    /// pinned by the pipeline's own tests).
    #[test]
    fn an_unknown_field_is_reported_at_the_override_that_writes_it() {
        assert_eq!(
            summary_of(typo_expecting(Expect::Dropped, Some("hostPath"))),
            "a field is dropped, but not for `hostPath`"
        );
        assert_eq!(
            summary_of(typo_expecting(Expect::Admitted, None)),
            "the API server would drop 1 field of the patched Job"
        );
        let Status::Failed(rejected) = typo_expecting(Expect::Rejected, None) else {
            panic!("an unknown field is not a refusal")
        };
        let details = failure(&rejected).details;
        // The same line as `jjo lint`'s: where the field is written, the id, the hint.
        assert!(details[0].ends_with(
            "job-json-overrides/securityContext:1:2: unknown field `priviliged`: dropped by the API server: this override has no effect in production (at `spec.template.spec.containers[0].securityContext.priviliged`) [unknown-field] (hint: did you mean `privileged`?)"
        ), "{rejected:?}");
    }

    #[test]
    fn a_dropped_expectation_with_every_field_kept_says_so() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/seed-privileged");
        let mut case = crate::case::load("seed-privileged", &dir, false).expect("loads");
        case.spec.expect = Expect::Dropped;
        let rendered = crate::pipeline::render(&case).expect("renders");
        assert_eq!(
            summary_of(check_validation(&case, &rendered)),
            "expected a dropped field, but the API server would keep every field of the patched Job"
        );
    }

    /// Issue 17 item 5: a case that is not blessed says which golden and why.
    #[test]
    fn a_case_not_blessed_says_which_golden_was_not_written_and_why() {
        let tmp = copy_of("seed-privileged");
        std::fs::write(tmp.path().join("case.yaml"), "pod-security: baseline\n").expect("write");
        let job = tmp.path().join("expected-job.yaml");
        std::fs::remove_file(&job).expect("rm");
        let (result, _) = run_case("c", tmp.path(), &Default::default(), true);
        let text = failure_text(&result);
        assert!(
            text.starts_with(&format!(
                "job: not blessed: `{}` was not written, because the `validation` check fails\n    no golden",
                job.display()
            )),
            "{text}"
        );
    }

    /// Issue 15 §4: a refusal only a cluster gives is shown as not decided, never as failed.
    #[test]
    fn a_case_not_decided_offline_says_so() {
        let tmp = expecting_a_quota_refusal();
        let (result, _) = run_case("c", tmp.path(), &Default::default(), false);
        let line = case("c", &result);
        assert!(line.contains("not decided offline"), "{line}");
        let CaseResult::Ran(mut checks) = result else {
            panic!("it runs")
        };
        checks.push((Check::Live, Status::Passed));
        let line = case("c", &CaseResult::Ran(checks));
        assert!(!line.contains("not decided"), "{line}");
    }

    #[test]
    fn case_error_text_says_why_a_file_cannot_be_read() {
        let err = Error::Io {
            action: "read",
            path: "case/o.json".into(),
            source: std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
        };
        let text = failure_text(&CaseResult::Error(err));
        assert_eq!(
            text,
            "error: cannot read `case/o.json`\n  caused by: is a directory\n"
        );
    }

    fn seed() -> crate::failure::CaseRef {
        crate::failure::CaseRef {
            name: "seed".into(),
            dir: "cases/seed".into(),
            cargo: true,
        }
    }

    /// Newcomer trial of issue 17 (item 16): an admin's suite is not a cargo project, so
    /// its bless hint names `jjo test --bless` alone.
    #[test]
    fn the_bless_hint_offers_cargo_test_only_for_jjos_own_cases() {
        let golden = std::path::PathBuf::from("suite/all/expected-job.yaml");
        let hint = |cargo| {
            let case = crate::failure::CaseRef {
                name: "all".into(),
                dir: "suite/all".into(),
                cargo,
            };
            failure(&Failure::MissingGolden {
                golden: golden.clone(),
                case,
            })
            .hint
        };
        assert_eq!(
            hint(false).as_deref(),
            Some("create it with `jjo test --bless suite/all`, then review and commit it")
        );
        assert!(hint(true).is_some_and(|h| h.contains("`JJO_BLESS=1 cargo test -- all`")));
    }

    fn differs() -> Failure {
        Failure::Differs {
            subject: Subject::PatchedJob,
            golden: "cases/seed/expected-job.yaml".into(),
            differences: vec![GoldenDifference {
                at: crate::location::Span::line("cases/seed/expected-job.yaml", 34),
                difference: compare::Difference {
                    path: "spec.x".into(),
                    kind: compare::Kind::Differs,
                    expected: Some(false.into()),
                    actual: Some(true.into()),
                },
            }],
            case: seed(),
        }
    }

    #[test]
    fn a_failure_is_rendered_for_people_from_its_data() {
        assert_eq!(
            differs().to_string(),
            "patched Job differs from `cases/seed/expected-job.yaml` (1 difference)\n  \
             cases/seed/expected-job.yaml:34: spec.x: expected false, got true\n  \
             hint: if the change is intended, run `jjo test --bless cases/seed` or `JJO_BLESS=1 cargo test -- seed`"
        );
        let kept = Failure::Kept {
            namespace: "jjo-seed-x".into(),
            inspect: vec!["kubectl get all -n jjo-seed-x".into()],
            failure: Box::new(Failure::LiveNotRefused),
        };
        assert_eq!(
            kept.to_string(),
            "expected a refusal, but the cluster admitted the Job and its Pod\n  \
             kept namespace `jjo-seed-x`; inspect with:\n    kubectl get all -n jjo-seed-x"
        );
    }

    fn refusal(check: &str) -> Finding {
        Finding {
            span: None,
            rule: "r",
            severity: Severity::Error,
            check: check.into(),
            path: "spec".into(),
            message: "m".into(),
            hint: None,
        }
    }

    /// Issue 17 item 9: the header names the check that refused; Pod Security only when it did.
    #[test]
    fn a_refusal_header_names_the_checks_that_refused() {
        use crate::validate::Level;
        let header = |level, checks: &[&str]| {
            let findings = checks.iter().map(|c| refusal(c)).collect();
            failure(&Failure::Refused { level, findings }).summary
        };
        assert_eq!(
            header(Level::Privileged, &["schema"]),
            "the patched Job would be refused by the API server's schema check"
        );
        assert_eq!(
            header(Level::Baseline, &["api", "api"]),
            "the patched Job would be refused by the API server's validation"
        );
        assert_eq!(
            header(
                Level::Restricted,
                &["api", "pod-security:baseline", "pod-security:restricted"]
            ),
            "the patched Job would be refused by the API server's validation and Pod Security admission at level `restricted`"
        );
        let mut dropped = refusal("schema");
        dropped.severity = Severity::Dropped;
        let found = vec![refusal("api"), dropped];
        assert_eq!(
            failure(&Failure::Refused {
                level: Level::Baseline,
                findings: found
            })
            .summary,
            "the patched Job would be refused by the API server's validation"
        );
    }

    /// A case only a cluster decides is said so in the JSON report and in JUnit (skipped).
    #[test]
    fn a_case_not_decided_offline_is_neither_passed_nor_failed_in_reports() {
        use crate::pipeline::Check;
        let why = "`reason: exceeded quota` is a refusal only a cluster gives";
        let run = crate::pipeline::CaseRun {
            name: "quota".into(),
            result: CaseResult::Ran(vec![
                (Check::Job, Status::Passed),
                (Check::Validation, Status::NotDecided { why: why.into() }),
            ]),
            warnings: Vec::new(),
            elapsed: std::time::Duration::ZERO,
            phases: Vec::new(),
        };
        let json: serde_json::Value = serde_json::from_str(
            &super::super::json::test_report(std::slice::from_ref(&run), &[]).expect("json"),
        )
        .expect("parses");
        assert_eq!(
            (&json["passed"], &json["failed"], &json["not_decided"]),
            (&0.into(), &0.into(), &1.into())
        );
        assert_eq!(json["cases"][0]["status"], "not-decided");
        assert_eq!(json["cases"][0]["checks"][1]["status"], "not-decided");
        assert_eq!(json["cases"][0]["checks"][1]["message"], why);
        let xml = super::super::junit::test_report(std::slice::from_ref(&run)).expect("junit");
        assert!(
            xml.contains("<skipped message=\"not decided offline\">"),
            "{xml}"
        );
        assert_eq!(
            summary(0, 0, 1),
            "\n0 passed, 0 failed, 1 not decided offline\n"
        );
    }

    #[test]
    fn a_failure_is_serialised_as_data_tagged_by_type() {
        let json = serde_json::to_value(differs()).expect("serialises");
        assert_eq!(json["type"], "differs");
        let data = &json["data"];
        assert_eq!(data["subject"], "patched-job");
        assert_eq!(data["differences"][0]["at"]["line"], 34);
        assert_eq!(data["differences"][0]["difference"]["path"], "spec.x");
        assert_eq!(data["case"]["dir"], "cases/seed");
        let missing = Failure::MissingGolden {
            golden: "g.yaml".into(),
            case: seed(),
        };
        let json = serde_json::to_value(missing).expect("serialises");
        assert_eq!(json["type"], "missing-golden");
        assert_eq!(json["data"]["golden"], "g.yaml");
        let json = serde_json::to_value(Failure::NotDropped).expect("serialises");
        assert_eq!(json, serde_json::json!({"type": "not-dropped"}));
    }

    #[test]
    fn a_cause_is_kept_even_when_the_message_happens_to_contain_its_text() {
        // The substring filter this replaces dropped `boom` because `cannot boom` contains it.
        let err = Error::Io {
            action: "boom",
            path: "x".into(),
            source: std::io::Error::other("boom"),
        };
        assert_eq!(causes(&err), ["boom"]);
    }

    #[test]
    fn a_located_error_is_not_repeated_as_its_own_cause() {
        let text = "[*]\nmax-cpu=4\n";
        let parsed = crate::profiles::parse(
            std::path::Path::new("p.conf"),
            text,
            crate::profiles::ParseOptions::default(),
        );
        let Err(err) = parsed else {
            panic!("an unknown key should fail")
        };
        let err = Error::from(err);
        assert_eq!(
            failure_text(&CaseResult::Error(err)),
            "error: p.conf:2:1: unknown key `max-cpu` in section `[*]`\n  hint: did you mean `max-cpus`?\n"
        );
    }
}
