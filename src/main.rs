//! The `jjo` binary: parse the command line, run it, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// A case is thousands of small JSON and YAML values made and dropped: with glibc's allocator,
/// malloc and free were a fifth of `jjo test`'s time, and its arena locks kept two workers
/// from running side by side.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match jjo::cli::Cli::try_parse_from(&args) {
        Ok(cli) => ExitCode::from(jjo::cli::run(cli)),
        // A bad value from `JJO_CLUSTER` & co. is named by its variable, not its flag.
        Err(err) => {
            match jjo::env::variable_error(&err, &jjo::cli::Cli::command(), &typed(&args)) {
                Some(e) => {
                    jjo::report::error(&e);
                    ExitCode::from(e.exit_code())
                }
                None => err.exit(),
            }
        }
    }
}

/// The arguments as text, to tell whether a flag was typed (non-UTF-8 bytes replaced).
fn typed(args: &[std::ffi::OsString]) -> Vec<String> {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}
