//! Everything jjo prints for people: errors, warnings, case results and the summary.
//! Stages return values; only this module and the CLI print.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::diag::Warning;
use crate::error::Error;
use crate::pipeline::{CaseResult, CaseRun, Status};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Prints an error with its hint to stderr, `error: ...` then `  hint: ...`.
pub fn error(err: &Error) {
    let mut out = anstream::stderr().lock();
    let _ = writeln!(out, "{ERROR}error{ERROR:#}: {err}");
    for cause in causes(err) {
        let _ = writeln!(out, "  caused by: {cause}");
    }
    if let Some(hint) = err.hint() {
        let _ = writeln!(out, "  {DIM}hint: {hint}{DIM:#}");
    }
}

/// The messages of an error's sources, outermost first, leaving out those its own message
/// already shows (`{span}: {source}` variants), so nothing is said twice.
fn causes(err: &Error) -> Vec<String> {
    let mut shown = err.to_string();
    let mut out = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !shown.contains(&text) {
            shown.push_str(&text);
            out.push(text);
        }
        source = cause.source();
    }
    out
}

/// Prints a warning to stderr.
pub fn warning(w: &Warning) {
    let mut out = anstream::stderr().lock();
    let _ = write!(out, "{WARN}warning{WARN:#}: ");
    if let Some(span) = &w.span {
        let _ = write!(out, "{span}: ");
    }
    let _ = write!(out, "{}", w.message);
    if let Some(pointer) = &w.pointer {
        let _ = write!(out, " (at `{pointer}`)");
    }
    let _ = writeln!(out);
    if let Some(hint) = &w.hint {
        let _ = writeln!(out, "  {DIM}hint: {hint}{DIM:#}");
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
        CaseResult::Error(err) => {
            out.push_str(&format!("error: {err}\n"));
            // A case's I/O error says which file; its cause says why (missing, a directory...).
            for cause in causes(err) {
                out.push_str(&format!("  caused by: {cause}\n"));
            }
            if let Some(hint) = err.hint() {
                out.push_str(&format!("  hint: {hint}\n"));
            }
        }
    }
    out
}

/// Prints one line per case, the details of failures, and returns nothing; see [`summary`].
pub fn case(name: &str, result: &CaseResult) {
    let mut out = anstream::stdout().lock();
    match result {
        CaseResult::Ran(checks) => {
            let names: Vec<&str> = checks.iter().map(|(c, _)| c.name()).collect();
            let blessed = checks.iter().any(|(_, s)| matches!(s, Status::Blessed(_)));
            if result.passed() {
                let word = if blessed { "blessed" } else { "ok" };
                let _ = writeln!(
                    out,
                    "{OK}{word:<7}{OK:#} {name} {DIM}({}){DIM:#}",
                    names.join(", ")
                );
                return;
            }
            let _ = writeln!(out, "{ERROR}FAILED{ERROR:#}  {name}");
        }
        CaseResult::Error(_) => {
            let _ = writeln!(out, "{ERROR}ERROR{ERROR:#}   {name}");
        }
    }
    for line in failure_text(result).lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// Prints the closing `N passed, N failed` line.
pub fn summary(passed: usize, failed: usize) {
    let mut out = anstream::stdout().lock();
    let _ = writeln!(out, "\n{passed} passed, {failed} failed");
}

/// The JUnit XML report: one test case per jjo case, the failure text as the message body.
pub fn junit(runs: &[CaseRun]) -> Result<String, Error> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

    let mut suite = TestSuite::new("jjo");
    for run in runs {
        let status = match &run.result {
            r if r.passed() => TestCaseStatus::success(),
            CaseResult::Error(_) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_description(failure_text(&run.result));
                s
            }
            CaseResult::Ran(_) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_description(failure_text(&run.result));
                s
            }
        };
        let mut case = TestCase::new(run.name.as_str(), status);
        case.set_classname("jjo.cases");
        case.set_time(run.elapsed);
        suite.add_test_case(case);
    }
    let mut report = Report::new("jjo");
    report.add_test_suite(suite);
    report.to_string().map_err(|e| unserialisable("JUnit", &e))
}

/// A report that cannot be serialised is a jjo bug, never an empty file and success.
fn unserialisable(which: &str, e: &dyn std::fmt::Display) -> Error {
    Error::Internal {
        what: format!("cannot serialise the {which} report: {e}"),
    }
}

/// Pretty JSON of a report, with a final newline.
fn to_json<T: serde::Serialize>(report: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(report)
        .map(|text| text + "\n")
        .map_err(|e| unserialisable("JSON", &e))
}

/// The JSON report: per case, its status, each check, failure details, warnings and timing;
/// `unreferenced` are golden files no case uses (`--check-unreferenced`), counted as failures.
pub fn json(runs: &[CaseRun], unreferenced: &[std::path::PathBuf]) -> Result<String, Error> {
    let cases: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let checks: Vec<serde_json::Value> = match &run.result {
                CaseResult::Ran(checks) => checks
                    .iter()
                    .map(|(check, status)| match status {
                        Status::Passed => serde_json::json!({"check": check, "status": "passed"}),
                        Status::Blessed(p) => {
                            serde_json::json!({"check": check, "status": "blessed", "file": p})
                        }
                        Status::Failed(f) => {
                            serde_json::json!({"check": check, "status": "failed", "failure": f})
                        }
                    })
                    .collect(),
                CaseResult::Error(_) => Vec::new(),
            };
            let status = match &run.result {
                r if r.passed() => "passed",
                CaseResult::Error(_) => "error",
                CaseResult::Ran(_) => "failed",
            };
            let error = match &run.result {
                CaseResult::Error(e) => {
                    Some(serde_json::json!({"message": e.to_string(), "hint": e.hint()}))
                }
                CaseResult::Ran(_) => None,
            };
            serde_json::json!({
                "name": run.name,
                "status": status,
                "checks": checks,
                "error": error,
                "warnings": run.warnings,
                "seconds": run.elapsed.as_secs_f64(),
                "phases": run
                    .phases
                    .iter()
                    .map(|(name, d)| (name.to_string(), serde_json::json!(d.as_secs_f64())))
                    .collect::<serde_json::Map<String, serde_json::Value>>(),
            })
        })
        .collect();
    let passed = runs.iter().filter(|r| r.result.passed()).count();
    let report = serde_json::json!({
        "passed": passed,
        "failed": runs.len() - passed + unreferenced.len(),
        "cases": cases,
        "unreferenced": unreferenced,
    });
    to_json(&report)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_report_that_cannot_be_serialised_is_an_error() {
        struct Unserialisable;
        impl serde::Serialize for Unserialisable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let err = to_json(&Unserialisable).expect_err("must not become an empty report");
        assert_eq!(
            err.to_string(),
            "internal error: cannot serialise the JSON report: no"
        );
        assert_eq!(err.exit_code(), crate::error::exit::ERROR);
    }

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let inner = std::io::Error::other("boom");
        let err = Error::Io {
            action: "boom",
            path: "x".into(),
            source: inner,
        };
        assert!(causes(&err).is_empty(), "{:?}", causes(&err));
    }
}
