//! `jjo diff OLD NEW`: the command line of [`crate::diff`], printed by [`crate::report`].

use std::path::PathBuf;

use super::CaseOptions;
use crate::diff::{self, PrincipalDiff};
use crate::error::{Error, exit};
use crate::principals::Config;
use crate::report;

/// What a configuration change does to each principal's Pod.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The configuration in production: a copy of `/etc/rstudio` or a Helm values file.
    pub old: PathBuf,
    /// The changed configuration, in either form.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 0 even when a Pod changes.
    #[arg(long)]
    pub exit_zero: bool,
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

/// How `jjo diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Lines for a terminal or a CI log.
    Human,
    /// One JSON document: every principal with its field changes.
    Json,
    /// RFC 6902 JSON Patch per principal, old Pod to new Pod.
    JsonPatch,
}

/// Runs `jjo diff`.
pub fn run(args: Args) -> Result<u8, Error> {
    let open = |path: &PathBuf| -> Result<Config, Error> {
        let mut config = Config::open(path, args.opts.allow_unknown_keys)?
            .with_host_db(args.host.host_db.as_deref())?;
        config.groups_of = args.groups_of.iter().cloned().collect();
        Ok(config)
    };
    let (old, new) = (open(&args.old)?, open(&args.new)?);
    // One cluster for both sides: `--nodes`, else the new configuration's, else the old's.
    let new = new.with_nodes(args.nodes.nodes.as_deref())?;
    let nodes = new.nodes.as_ref().or(old.nodes.as_ref());
    let diffs = diff::diff(&old, &new, nodes)?;
    let text = match args.format {
        DiffFormat::Human => report::human::diff(&diffs),
        DiffFormat::Json => report::json::diff(&diffs)?,
        DiffFormat::JsonPatch => report::json::diff_patches(&diffs)?,
    };
    super::print(&text)?;
    let changed = diffs.iter().any(PrincipalDiff::changed);
    Ok(if changed && !args.exit_zero {
        exit::FAILED
    } else {
        exit::OK
    })
}
