//! The `cases` test target: one libtest-mimic trial per case directory under `cases/`, so that
//! `cargo test`, `cargo test -- NAME`, `--list`, `--exact`, `--ignored` and `cargo nextest run`
//! work as for any Rust test. All logic lives in the library (`jjo::pipeline`).

use std::path::PathBuf;

use libtest_mimic::{Arguments, Failed, Trial};

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let blessing = match jjo::env::bless() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let cases = match jjo::case::discover(&[root]) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let trials = cases
        .into_iter()
        .map(|(name, dir)| {
            Trial::test(name.clone(), move || {
                let (result, warnings) = jjo::pipeline::run_case(&name, &dir, false, blessing);
                for w in &warnings {
                    eprintln!("warning: {w}");
                }
                if result.passed() {
                    Ok(())
                } else {
                    Err(Failed::from(jjo::report::failure_text(&result)))
                }
            })
            .with_kind("case")
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
