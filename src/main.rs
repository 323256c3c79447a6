//! The `jjo` binary: parse the command line, run it, exit with its code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = jjo::cli::Cli::parse();
    ExitCode::from(jjo::cli::run(cli))
}
