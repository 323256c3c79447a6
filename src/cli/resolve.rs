//! `jjo resolve`: the profile values one user gets.

use std::path::PathBuf;

use clap::ValueEnum;
use serde_json::json;

use super::Format;
use crate::error::Error;
use crate::location::Span;
use crate::profiles::{self, ParseOptions};

/// Print the profile values a user gets.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The profiles file (`launcher.kubernetes.profiles.conf`).
    #[arg(
        long,
        required_unless_present = "helm_values",
        conflicts_with = "helm_values"
    )]
    pub profiles: Option<PathBuf>,
    /// A values file of Posit's rstudio-workbench Helm chart, instead of a profiles file.
    #[arg(long, value_name = "FILE")]
    pub helm_values: Option<PathBuf>,
    /// The user launching the session.
    #[arg(long)]
    pub user: String,
    /// A Unix group of the user (repeat for several; order does not matter).
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ResolveFormat::Text)]
    pub format: ResolveFormat,
    /// Treat unknown keys as warnings.
    #[arg(long)]
    pub allow_unknown_keys: bool,
    #[command(flatten)]
    pub host: crate::flags::HostDbArgs,
}

/// What `jjo resolve` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolveFormat {
    /// `key = value` lines, each with its section and place as a comment.
    Text,
    /// The values as YAML: key, value, section and place (the JSON below, as YAML).
    Yaml,
    /// The values as JSON: key, value, section and place.
    Json,
}

/// Runs `jjo resolve`.
pub fn run(args: Args) -> Result<u8, Error> {
    let opts = ParseOptions {
        allow_unknown_keys: args.allow_unknown_keys,
    };
    let (parsed, mut warnings) = match (&args.profiles, &args.helm_values) {
        (_, Some(values)) => {
            let text = crate::case::read_text(values)?;
            let options = crate::helm::Options {
                allow_unknown_keys: args.allow_unknown_keys,
                ..Default::default()
            };
            let chart = crate::helm::render(values, &text, &options)?;
            crate::helm::profiles(&chart, opts)?
        }
        (Some(path), None) => {
            let text = crate::case::read_text(path)?;
            profiles::parse(path, &text, opts)?
        }
        (None, None) => {
            return Err(Error::Usage {
                message: "give `--profiles FILE` or `--helm-values FILE`".into(),
                hint: None,
            });
        }
    };
    let mut groups = args.groups.clone();
    if let Some(dir) = &args.host.host_db {
        let host = crate::case::read_host_db(dir)?;
        host.check_sections(&parsed)?;
        let at = Span::file("--user");
        let groups_at = Span::file("--group");
        let (host_groups, group_warnings) =
            host.groups_for(&args.user, &args.groups, &parsed, (&at, &groups_at))?;
        warnings.extend(group_warnings);
        groups = host_groups;
    }
    let resolved = profiles::resolve(&parsed, &args.user, &groups);
    for w in warnings.iter().chain(&resolved.warnings) {
        crate::report::warning(w);
    }
    match args.format {
        ResolveFormat::Yaml | ResolveFormat::Json => {
            let map: serde_json::Map<String, serde_json::Value> = resolved
                .values
                .iter()
                .map(|(k, s)| {
                    let at =
                        json!({"file": s.span.file, "line": s.span.line, "column": s.span.col});
                    (
                        k.clone(),
                        json!({"value": s.value, "section": s.section, "at": at}),
                    )
                })
                .collect();
            let format = match args.format {
                ResolveFormat::Yaml => Format::Yaml,
                _ => Format::Json,
            };
            super::print_value(&serde_json::Value::Object(map), format)
        }
        ResolveFormat::Text => {
            let mut out = String::new();
            for (key, s) in &resolved.values {
                out.push_str(&format!(
                    "{key} = {}    # [{}] {}\n",
                    s.value, s.section, s.span
                ));
            }
            if resolved.values.is_empty() {
                out.push_str(
                    "# no section applies to this user: every key has the launcher's default\n",
                );
            }
            super::print(&out)?;
            Ok(crate::error::exit::OK)
        }
    }
}
