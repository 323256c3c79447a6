//! `jjo predict`: the Pod a cluster would create.

use std::io::Read;
use std::path::PathBuf;

use super::{CaseOptions, Format};
use crate::error::Error;
use crate::pipeline;
use crate::predict::{self, Version};

/// Print the Pod a cluster would create for a case or a Job.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["case", "job"]))]
pub struct Args {
    /// The case directory.
    pub case: Option<PathBuf>,
    /// A Job manifest instead of a case (`-` reads stdin), e.g. from `kubectl get job -o yaml`.
    #[arg(long)]
    pub job: Option<PathBuf>,
    /// Kubernetes version to predict for (1.29 to 1.37); default the case's, else the newest.
    #[arg(long)]
    pub kubernetes: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    #[command(flatten)]
    pub opts: CaseOptions,
    #[command(flatten)]
    pub host: crate::flags::HostDbArgs,
}

/// Runs `jjo predict`.
pub fn run(args: Args) -> Result<u8, Error> {
    let version = match &args.kubernetes {
        // A flag is no place in a file: a usage error, in the words it always had.
        Some(v) => Some(Version::parse(v).map_err(|e| Error::Usage {
            message: format!("--kubernetes: {e}"),
            hint: None,
        })?),
        None => None,
    };
    let (job, version, limit_ranges) = match (&args.case, &args.job) {
        (Some(dir), _) => {
            let case = super::load_case(dir, &args.opts, &args.host)?;
            let rendered = pipeline::render(&case)?;
            let version = version.unwrap_or(case.version);
            // The namespace's LimitRanges in `setup:` default the Pod, as in `jjo test`.
            let limit_ranges = case
                .setup
                .iter()
                .filter(|o| o.get("kind").and_then(serde_json::Value::as_str) == Some("LimitRange"))
                .cloned()
                .collect();
            (rendered.patched.job, version, limit_ranges)
        }
        (None, Some(file)) => {
            let (name, text) = if file.as_os_str() == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|source| Error::Io {
                        action: "read",
                        path: "<stdin>".into(),
                        source,
                    })?;
                (PathBuf::from("<stdin>"), text)
            } else {
                (file.clone(), crate::case::read_text(file)?)
            };
            let job = crate::case::parse_yaml_value(&name, &text)?;
            check_kind(&name, &text, &job)?;
            (job, version.unwrap_or(Version::NEWEST), Vec::new())
        }
        // clap requires one of the two; this arm only keeps the match total.
        (None, None) => {
            return Err(Error::NotACase {
                path: PathBuf::new(),
            });
        }
    };
    let prediction = predict::predict(
        &job,
        &predict::Options {
            version,
            namespace: "default".into(),
            limit_ranges,
        },
    )?;
    super::print_value(&prediction.pod, args.format)
}

/// `--job` must be a Job: a Pod, a Deployment or a typo in `kind:` would otherwise be
/// predicted as if it were one, or fail later with a message about its metadata.
fn check_kind(name: &std::path::Path, text: &str, job: &serde_json::Value) -> Result<(), Error> {
    let kind = job.get("kind").and_then(serde_json::Value::as_str);
    if kind == Some("Job") {
        return Ok(());
    }
    // Found by the one YAML position reader, quoted keys included.
    let line = crate::compare::line_of(text, "kind").unwrap_or(0);
    Err(Error::Case(crate::location::Located::new(
        crate::location::Span::line(name, line),
        crate::case::ErrorKind::NotAJob {
            found: kind.map(str::to_owned),
        },
    )))
}
