//! `jjo test`: run cases, compare with goldens, print one line per case and a summary.

use std::path::PathBuf;

use super::CaseOptions;
use crate::error::{Error, exit};
use crate::pipeline;
use crate::pipeline::CaseResult;
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
    if args.bless {
        crate::bless::allowed()?;
    }
    let cases = crate::case::discover(&args.paths)?;
    let load_opts = args.opts.load_options(&args.host);
    let mut runs = pipeline::run_all(&cases, &load_opts, args.bless);
    if !args.bless {
        live(&args, &cases, &mut runs)?;
    }
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
        crate::case::unreferenced_goldens(&args.paths, &cases)?
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

/// Runs the cases on a cluster too, when one is selected, and adds the `live` check.
#[cfg(feature = "cluster")]
fn live(
    args: &Args,
    cases: &[(String, PathBuf)],
    runs: &mut [pipeline::CaseRun],
) -> Result<(), Error> {
    use crate::live::Runner;

    let Some(backend) = args.cluster.backend()? else {
        return Ok(());
    };
    let options = args.live.options(args.cluster.namespace.clone());
    let runner = Runner::connect(&backend, options)?;
    let workers = args
        .live
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let load_opts = args.opts.load_options(&args.host);
    let live = pipeline::run_all_with(cases, workers, |name, dir| {
        crate::live::run_case(&runner, name, dir, &load_opts)
    });
    for (run, live) in runs.iter_mut().zip(live) {
        run.warnings.extend(live.warnings);
        run.elapsed += live.elapsed;
        run.phases.extend(live.phases);
        match (&mut run.result, live.result) {
            (CaseResult::Ran(checks), CaseResult::Ran(more)) => checks.extend(more),
            (CaseResult::Ran(_), error @ CaseResult::Error(_)) => run.result = error,
            // A case that cannot even load already reports that.
            (CaseResult::Error(_), _) => {}
        }
    }
    Ok(())
}

/// Without the `cluster` feature, only offline runs exist.
#[cfg(not(feature = "cluster"))]
fn live(args: &Args, _: &[(String, PathBuf)], _: &mut [pipeline::CaseRun]) -> Result<(), Error> {
    args.cluster.require_offline()
}
