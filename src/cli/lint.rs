//! `jjo lint PATH`: the command line of [`crate::lint`], printed by [`crate::report`] for
//! people, as JSON, as GitHub workflow annotations or as SARIF.

use std::path::PathBuf;

use super::CaseOptions;
use crate::error::{Error, exit};
use crate::principals::Config;
use crate::{lint, report};

/// Check a configuration without goldens.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A copy of `/etc/rstudio`, a case directory, or a Helm values file.
    #[arg(required_unless_present = "helm_values")]
    pub path: Option<PathBuf>,
    /// A Helm values file, instead of PATH.
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub helm_values: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Leave out the findings with this id (README, "Finding ids"); repeat for several.
    #[arg(long, value_name = "ID")]
    pub allow: Vec<String>,
    /// A named user's Unix groups, `user=g1,g2` (repeat for several users).
    #[arg(long = "groups-of", value_name = "USER=GROUPS", value_parser = crate::principals::parse_groups_of)]
    pub groups_of: Vec<(String, Vec<String>)>,
    #[command(flatten)]
    pub host: crate::flags::HostDbArgs,
    #[command(flatten)]
    pub nodes: crate::flags::NodesArgs,
    #[command(flatten)]
    pub opts: CaseOptions,
}

/// How `jjo lint` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// Lines for a terminal.
    Human,
    /// One JSON document.
    Json,
    /// GitHub workflow commands (`::error file=...`): annotations on the file and line.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// Runs `jjo lint`.
pub fn run(args: Args) -> Result<u8, Error> {
    let path = match (&args.path, &args.helm_values) {
        (_, Some(values)) => values.clone(),
        (Some(path), None) => path.clone(),
        (None, None) => {
            return Err(Error::Usage {
                message: "give a configuration PATH or `--helm-values FILE`".into(),
                hint: None,
            });
        }
    };
    let result = Config::open(&path, args.opts.allow_unknown_keys)
        .and_then(|c| c.with_host_db(args.host.host_db.as_deref()))
        .map(|mut c| {
            c.groups_of = args.groups_of.iter().cloned().collect();
            c
        });
    // A bad `--nodes` file is bad input (exit 2), not a finding of the configuration.
    let result = match result {
        Ok(c) => Ok(c.with_nodes(args.nodes.nodes.as_deref())?),
        Err(e) => Err(e),
    };
    let mut report = match &result {
        Ok(config) => lint::lint(config),
        // A configuration that does not even parse is the first thing lint reports.
        Err(e @ (Error::Usage { .. } | Error::Io { .. })) => return Err(clone_usage(e)),
        Err(e) => lint::not_loaded(e),
    };
    report
        .problems
        .retain(|p| !crate::diag::allowed(&args.allow, &p.rule));
    let text = match args.format {
        LintFormat::Human => report::human::lint(&report),
        LintFormat::Json => report::json::lint(&report)?,
        LintFormat::Github => report::github::lint(&report),
        LintFormat::Sarif => report::sarif::lint(&report)?,
    };
    super::print(&text)?;
    let errors = report.count("error");
    let warnings = report.count("warning");
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        exit::FAILED
    } else {
        exit::OK
    })
}

/// Usage and I/O errors end the run as bad input (exit 2), like every other command.
fn clone_usage(e: &Error) -> Error {
    Error::Usage {
        message: e.to_string(),
        hint: e.hint(),
    }
}
