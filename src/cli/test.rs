//! `jjo test`: run cases, compare with goldens, print one line per case and a summary.

use std::path::PathBuf;

use super::CaseOptions;
use crate::error::{Error, exit};
use crate::pipeline::CaseResult;
use crate::plan::Plan;
use crate::report;

/// Run cases and compare them with their goldens.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case directories, or directories holding cases.
    #[arg(default_value = "cases")]
    pub paths: Vec<PathBuf>,
    /// Write the goldens instead of comparing (refused when `CI` is set).
    #[arg(long, env = "JJO_BLESS", value_parser = clap::builder::BoolishValueParser::new())]
    pub bless: bool,
    /// Fail on golden files that no case uses.
    #[arg(long)]
    pub check_unreferenced: bool,
    /// Also write a JUnit XML report (one test per case) to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a JSON report (results, findings, timings) to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Leave out the warnings with this id (README, "Finding ids"); repeat for several.
    #[arg(long, value_name = "ID")]
    pub allow: Vec<String>,
    #[command(flatten)]
    pub opts: CaseOptions,
    #[command(flatten)]
    pub host: crate::flags::HostDbArgs,
    #[command(flatten)]
    pub cluster: crate::flags::ClusterArgs,
    #[command(flatten)]
    pub live: crate::flags::LiveArgs,
}

/// Writes a report the user asked for.
fn write_report(path: &std::path::Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// Runs `jjo test`.
pub fn run(args: Args) -> Result<u8, Error> {
    let load = args.opts.load_options(&args.host);
    let plan = Plan::for_test(&args.paths, args.bless, load, &args.cluster, &args.live)?;
    let mut runs = plan.run()?;
    for run in &mut runs {
        run.warnings
            .retain(|w| !crate::diag::allowed(&args.allow, w.id));
    }
    let (mut passed, mut failed, mut errors, mut not_decided) = (0, 0, 0, 0);
    for run in &runs {
        for w in &run.warnings {
            report::warning(w);
        }
        super::print(&report::case(&run.name, &run.result))?;
        match &run.result {
            // Neither a pass nor a failure: only a cluster decides it (the exit code stays 0).
            r if r.not_decided().is_some() => not_decided += 1,
            r if r.passed() => passed += 1,
            CaseResult::Error(_) => errors += 1,
            _ => failed += 1,
        }
    }
    let unreferenced = if args.check_unreferenced {
        crate::case::unreferenced_goldens(&args.paths, &plan.cases)?
    } else {
        Vec::new()
    };
    for path in &unreferenced {
        report::error(&Error::Unreferenced { path: path.clone() });
        failed += 1;
    }
    if let Some(path) = &args.junit {
        write_report(path, &report::junit::test_report(&runs)?)?;
    }
    if let Some(path) = &args.report {
        write_report(path, &report::json::test_report(&runs, &unreferenced)?)?;
    }
    super::print(&report::summary(passed, failed + errors, not_decided))?;
    Ok(if errors > 0 {
        exit::ERROR
    } else if failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    })
}
