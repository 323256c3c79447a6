//! The JUnit XML report of `jjo test --junit`.

use crate::error::Error;
use crate::pipeline::{CaseResult, CaseRun};

/// The JUnit XML report: one test case per jjo case, the failure text as the message body.
pub fn test_report(runs: &[CaseRun]) -> Result<String, Error> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

    let mut suite = TestSuite::new("jjo");
    for run in runs {
        let status = match &run.result {
            // Neither a pass nor a failure: only a cluster can decide it.
            r if r.not_decided().is_some() => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(super::human::NOT_DECIDED);
                s.set_description(r.not_decided().unwrap_or_default());
                s
            }
            r if r.passed() => TestCaseStatus::success(),
            CaseResult::Error(_) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_description(super::human::failure_text(&run.result));
                s
            }
            CaseResult::Ran(_) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_description(super::human::failure_text(&run.result));
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
    report
        .to_string()
        .map_err(|e| super::json::unserialisable("JUnit", &e))
}
