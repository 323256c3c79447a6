//! The command line: clap definitions and one file per command. No pipeline logic lives here.

mod diff;
mod gc;
mod init;
mod lint;
mod predict;
mod render;
mod resolve;
mod test;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, exit};

use crate::flags::HostDbArgs;

/// Test Posit Workbench job-json-overrides before production.
#[derive(Debug, Parser)]
#[command(name = "jjo", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// When to use colours.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    /// On a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Output format for objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

/// jjo's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run cases and compare them with their goldens.
    Test(test::Args),
    /// Print the patched Job of a case.
    Render(render::Args),
    /// Print the profile values a user gets.
    Resolve(resolve::Args),
    /// Print the Pod a cluster would create for a case or a Job.
    Predict(predict::Args),
    /// Delete what earlier live runs left on a cluster.
    Gc(gc::Args),
    /// Show what a configuration change does to each principal's Pod.
    Diff(diff::Args),
    /// Create a case per principal from a configuration, goldens blessed.
    Init(init::Args),
    /// Check a configuration without goldens: validation, warnings, a security summary.
    Lint(lint::Args),
}

/// Options shared by the commands that read cases.
#[derive(Debug, clap::Args)]
pub struct CaseOptions {
    /// Treat unknown profile keys as warnings (for launchers newer than jjo).
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.color {
        Color::Always => anstream::ColorChoice::Always.write_global(),
        Color::Never => anstream::ColorChoice::Never.write_global(),
        Color::Auto => {}
    }
    let result = match cli.command {
        Command::Test(args) => test::run(args),
        Command::Render(args) => render::run(args),
        Command::Resolve(args) => resolve::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Gc(args) => gc::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Init(args) => init::run(args),
        Command::Lint(args) => lint::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            crate::report::error(&err);
            err.exit_code()
        }
    }
}

impl CaseOptions {
    /// How to read each case, with the host's users and groups from `host`.
    pub fn load_options(&self, host: &HostDbArgs) -> crate::case::LoadOptions {
        crate::case::LoadOptions {
            allow_unknown_keys: self.allow_unknown_keys,
            host_db: host.host_db.clone(),
            skip_nodes: false,
        }
    }
}

/// Loads the single case in `dir`.
fn load_case(
    dir: &PathBuf,
    opts: &CaseOptions,
    host: &HostDbArgs,
) -> Result<crate::case::Case, Error> {
    let found = crate::case::discover(std::slice::from_ref(dir))?;
    let load_opts = opts.load_options(host);
    match found.as_slice() {
        [(name, path)] if path == dir => Ok(crate::case::load_with(name, path, &load_opts)?),
        _ => Err(Error::NotACase { path: dir.clone() }),
    }
}

/// Prints a JSON value as YAML or JSON on stdout.
fn print_value(value: &serde_json::Value, format: Format) -> Result<u8, Error> {
    let text = match format {
        Format::Yaml => crate::bless::to_yaml(value),
        Format::Json => serde_json::to_string_pretty(value)
            .map(|s| s + "\n")
            .map_err(|e| Error::Internal {
                what: format!("cannot serialise JSON: {e}"),
            })?,
    };
    print(&text)?;
    Ok(exit::OK)
}

/// Writes to stdout. A closed pipe (`jjo render x | head`) is not an error: the reader has
/// what it wanted (as ripgrep and cargo treat it). Any other failure, such as a full disk
/// behind `> file`, is, or the user would take a truncated file for the whole output.
fn print(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            action: "write to",
            path: PathBuf::from("stdout"),
            source: e,
        }),
        _ => Ok(()),
    }
}
