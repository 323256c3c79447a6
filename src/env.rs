//! Every environment variable jjo reads, read once into one value.
//!
//! The `JJO_*` variables stand for command-line flags (`JJO_CLUSTER` for `--cluster`, ...)
//! and clap reads them, through the `env = ...` of those flags: `jjo` parses them with its
//! command line, and the cargo test harness parses the same flags ([`Env`]) from an empty
//! command line, so both accept the same values and say the same thing about bad ones.
//! `CI` is read by [`is_ci`] (it is no flag: any value but empty, `0` and `false` means CI).

use clap::Parser;
use clap::error::{ContextKind, ContextValue};

use crate::error::Error;
use crate::flags::{ClusterArgs, HostDbArgs};

/// What the environment asks of a `cargo test` run: `JJO_BLESS`, the cluster variables and
/// `JJO_HOST_DB`.
#[derive(Debug, Parser)]
#[command(name = "cargo test", no_binary_name = true)]
pub struct Env {
    /// Write the goldens instead of comparing (`JJO_BLESS`, the same words as `jjo test --bless`).
    #[arg(long, env = "JJO_BLESS", value_parser = clap::builder::BoolishValueParser::new())]
    pub bless: bool,
    /// The cluster to run live trials on (`JJO_CLUSTER`, `JJO_CONTEXT`, ...).
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The host's users and groups for every case (`JJO_HOST_DB`, as `jjo test --host-db`).
    #[command(flatten)]
    pub host: HostDbArgs,
    /// Whether `JJO_CLUSTER` was set (to anything, `none` included): unset, the live trials
    /// run on a local control plane when one is built.
    #[arg(skip)]
    pub cluster_named: bool,
}

impl Env {
    /// The names of the variables [`Env`] reads: the `env = ...` of its flags.
    pub fn variables() -> Vec<String> {
        <Env as clap::CommandFactory>::command()
            .get_arguments()
            .filter_map(|arg| arg.get_env())
            .map(|name| name.to_string_lossy().into_owned())
            .collect()
    }

    /// Reads the environment of this process (no command-line arguments).
    pub fn read() -> Result<Env, Error> {
        use clap::{CommandFactory, FromArgMatches};
        let parsed = Env::command()
            .try_get_matches_from(std::iter::empty::<&str>())
            .and_then(|matches| {
                let mut env = Env::from_arg_matches(&matches)?;
                env.cluster_named =
                    matches.value_source("cluster") == Some(clap::parser::ValueSource::EnvVariable);
                Ok(env)
            });
        parsed.map_err(|err| {
            let command = <Env as clap::CommandFactory>::command();
            variable_error(&err, &command, &[]).unwrap_or_else(|| Error::Usage {
                // Not about one variable's value: clap's own words, without its `error: `.
                message: err
                    .render()
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("error: ")
                    .to_string(),
                hint: None,
            })
        })
    }
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`); CI never writes goldens.
pub fn is_ci() -> bool {
    std::env::var_os("CI")
        .is_some_and(|v| !matches!(v.to_str(), Some("" | "0" | "false" | "FALSE")))
}

/// A clap error about a flag's bad value that came from the flag's environment variable
/// (the flag is not among `args`), told in terms of that variable: clap names the flag
/// (`--cluster <CLUSTER>`), which the user never typed. `None` for any other error.
pub fn variable_error(
    err: &clap::Error,
    command: &clap::Command,
    args: &[String],
) -> Option<Error> {
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let flag = text(ContextKind::InvalidArg)?;
    let flag = flag.split([' ', '=']).next().unwrap_or_default();
    if args
        .iter()
        .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    {
        return None;
    }
    let arg = find_arg(command, flag)?;
    let variable = arg.get_env()?.to_string_lossy();
    let value = text(ContextKind::InvalidValue)?;
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
        let why = std::error::Error::source(err).map_or_else(String::new, |e| e.to_string());
        (why, None)
    };
    Some(Error::Usage {
        message: format!("`{variable}` is `{value}`, expected {expected}"),
        hint,
    })
}

/// The argument whose long flag is `flag` (`--cluster`), in `command` or its subcommands.
fn find_arg<'a>(command: &'a clap::Command, flag: &str) -> Option<&'a clap::Arg> {
    command
        .get_arguments()
        .find(|arg| {
            arg.get_long()
                .is_some_and(|long| flag.strip_prefix("--") == Some(long))
        })
        .or_else(|| {
            command
                .get_subcommands()
                .find_map(|sub| find_arg(sub, flag))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_the_flags_environment_names() {
        let names = Env::variables();
        for name in [
            "JJO_BLESS",
            "JJO_CLUSTER",
            "JJO_CONTEXT",
            "JJO_NAMESPACE",
            "JJO_KUBECONFIG",
            "JJO_KIND_IMAGE",
            "JJO_HOST_DB",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        }
    }

    /// The error `variable_error` makes of parsing `args` with `C`, as if the flags in `args`
    /// had come from their variables (`typed` being what the user really typed). The
    /// environment cannot be set safely in a test that shares its process; clap reports a
    /// bad value the same way from either, and the harness and the CLI tests check the
    /// environment itself.
    fn error<C: clap::CommandFactory>(
        args: &[&str],
        typed: &[&str],
    ) -> Option<(String, Option<String>)> {
        let err = C::command().try_get_matches_from(args).err()?;
        let typed: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
        variable_error(&err, &C::command(), &typed).map(|e| (e.to_string(), e.hint()))
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_values_it_takes() {
        assert_eq!(
            error::<Env>(&["--cluster", "kinde"], &[]),
            Some((
                "`JJO_CLUSTER` is `kinde`, expected one of `none`, `kind`, `kubeconfig`, `k3s`, `local`"
                    .into(),
                Some("did you mean `kind`?".into())
            ))
        );
    }

    #[test]
    fn the_flags_of_subcommands_are_found() {
        // jjo's own command line has the cluster flags under `test` and `gc`; built here from
        // `Env` so that `env` does not import `cli`.
        let jjo = || {
            clap::Command::new("jjo")
                .subcommand(<Env as clap::CommandFactory>::command().name("gc"))
        };
        let err = jjo()
            .try_get_matches_from(["jjo", "gc", "--cluster", "kinde"])
            .expect_err("kinde is no cluster");
        let typed = ["jjo".to_string(), "gc".to_string()];
        let found = variable_error(&err, &jjo(), &typed).map(|e| e.to_string());
        assert!(found.is_some_and(|message| message.starts_with("`JJO_CLUSTER` is `kinde`")));
    }

    #[test]
    fn a_typed_flag_and_other_errors_are_left_to_clap() {
        let typed = ["--cluster", "kinde"];
        assert_eq!(error::<Env>(&typed, &typed), None);
        assert_eq!(
            error::<Env>(&["--cluster=kinde"], &["--cluster=kinde"]),
            None
        );
        assert_eq!(error::<Env>(&["--nope"], &[]), None);
    }
}
