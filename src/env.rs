//! Every environment variable jjo reads, read once into one value.
//!
//! The `JJO_*` variables stand for command-line flags (`JJO_CLUSTER` for `--cluster`, ...)
//! and clap reads them, through the `env = ...` of those flags: `jjo` parses them with its
//! command line, and the cargo test harness parses the same flags ([`Env`]) from an empty
//! command line, so both accept the same values and say the same thing about bad ones.
//! `CI` is read by [`is_ci`] (it is no flag: any value but empty, `0` and `false` means CI).

use clap::Parser;
use clap::error::{ContextKind, ContextValue};

use crate::cli::ClusterArgs;
use crate::error::Error;

/// What the environment asks of a `cargo test` run: `JJO_BLESS` and the cluster variables.
#[derive(Debug, Parser)]
#[command(name = "cargo test", no_binary_name = true)]
pub struct Env {
    /// Write the goldens instead of comparing (`JJO_BLESS`, the same words as `jjo test --bless`).
    #[arg(long, env = "JJO_BLESS", value_parser = clap::builder::BoolishValueParser::new())]
    pub bless: bool,
    /// The cluster to run live trials on (`JJO_CLUSTER`, `JJO_CONTEXT`, ...).
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

impl Env {
    /// Reads the environment of this process (no command-line arguments).
    pub fn read() -> Result<Env, Error> {
        Env::try_parse_from(std::iter::empty::<&str>()).map_err(from_clap)
    }
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`); CI never writes goldens.
pub fn is_ci() -> bool {
    std::env::var_os("CI")
        .is_some_and(|v| !matches!(v.to_str(), Some("" | "0" | "false" | "FALSE")))
}

/// A clap error about a flag's value, told in terms of the variable the value came from:
/// clap names the flag (`--cluster <CLUSTER>`), which a `cargo test` user never typed.
fn from_clap(err: clap::Error) -> Error {
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let flag = text(ContextKind::InvalidArg).unwrap_or_default();
    let command = <Env as clap::CommandFactory>::command();
    let arg = command.get_arguments().find(|arg| {
        arg.get_long()
            .is_some_and(|long| flag.split([' ', '=']).next() == Some(&format!("--{long}")))
    });
    let variable = arg.and_then(|arg| arg.get_env());
    let value = text(ContextKind::InvalidValue);
    let (Some(arg), Some(variable), Some(value)) = (arg, variable, value) else {
        // Not about one variable's value: clap's own words, without its `error: `.
        let rendered = err.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        return Error::Usage {
            message: first.trim_start_matches("error: ").to_string(),
            hint: None,
        };
    };
    let variable = variable.to_string_lossy();
    let valid = match err.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    };
    let (expected, hint) = if !valid.is_empty() {
        let list: Vec<String> = valid.iter().map(|v| format!("`{v}`")).collect();
        let hint = crate::diag::did_you_mean(&value, valid.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        (format!("one of {}", list.join(", ")), hint)
    } else if arg.get_value_parser().type_id() == clap::builder::ValueParser::bool().type_id() {
        let words = "`1`, `true`, `yes`, `on` (or `0`, `false`, `no`, `off`)";
        (
            "a yes or no".to_string(),
            Some(format!("use one of {words}")),
        )
    } else {
        let why = std::error::Error::source(&err).map_or_else(String::new, |e| e.to_string());
        (why, None)
    };
    Error::Usage {
        message: format!("`{variable}` is `{value}`, expected {expected}"),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `Env` from a command line. The environment cannot be set safely in a test
    /// that shares its process; clap reports a bad value the same way from either, and the
    /// harness checks the environment itself (`harness::bad_variables_are_named`).
    fn parse(args: &[&str]) -> Result<Env, Error> {
        Env::try_parse_from(args).map_err(from_clap)
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_values_it_takes() {
        let err = parse(&["--cluster", "kinde"])
            .err()
            .map(|e| (e.to_string(), e.hint()));
        assert_eq!(
            err,
            Some((
                "`JJO_CLUSTER` is `kinde`, expected one of `none`, `kind`, `kubeconfig`, `k3s`"
                    .into(),
                Some("did you mean `kind`?".into())
            ))
        );
    }

    #[test]
    fn other_errors_keep_the_words_of_clap() {
        let err = parse(&["--nope"]).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("unexpected argument '--nope' found"));
    }
}
