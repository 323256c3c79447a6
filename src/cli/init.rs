//! `jjo init --from DIR --out cases/`: one case per principal a configuration names, with only
//! the files each case uses, `case.yaml`, and blessed goldens — a suite that passes at once.

use std::path::{Path, PathBuf};

use super::CaseOptions;
use crate::case::PROFILES_FILE;
use crate::error::{Error, exit};
use crate::pipeline::{self, CaseResult};
use crate::principals::{Config, Principal, Source};

/// Scaffold a case per principal from a configuration.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The configuration: a copy of `/etc/rstudio` (only read) or a Helm values file.
    #[arg(long, required_unless_present = "helm_values")]
    pub from: Option<PathBuf>,
    /// A Helm values file, instead of `--from DIR`.
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    pub helm_values: Option<PathBuf>,
    /// Where to create the cases (one directory per principal).
    #[arg(long, default_value = "cases")]
    pub out: PathBuf,
    /// A named user's Unix groups, `user=g1,g2` (repeat for several users).
    #[arg(long = "groups-of", value_name = "USER=GROUPS", value_parser = crate::principals::parse_groups_of)]
    pub groups_of: Vec<(String, Vec<String>)>,
    /// Overwrite the files of cases that already exist.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub host: super::HostDbArgs,
    #[command(flatten)]
    pub opts: CaseOptions,
}

/// Runs `jjo init`.
pub fn run(args: Args) -> Result<u8, Error> {
    crate::bless::allowed()?;
    let from = match (&args.from, &args.helm_values) {
        (_, Some(values)) => values.clone(),
        (Some(from), None) => from.clone(),
        (None, None) => {
            return Err(Error::Usage {
                message: "give `--from DIR` or `--helm-values FILE`".into(),
                hint: None,
            });
        }
    };
    let mut config = Config::open(&from, args.opts.allow_unknown_keys)?
        .with_host_db(args.host.host_db.as_deref())?;
    config.groups_of = args.groups_of.iter().cloned().collect();
    let principals = config.principals();
    let existing: Vec<String> = principals
        .iter()
        .map(|p| args.out.join(&p.slug))
        .filter(|d| d.exists())
        .map(|d| format!("`{}`", d.display()))
        .collect();
    if !existing.is_empty() && !args.force {
        return Err(Error::Usage {
            message: format!(
                "refusing to overwrite existing cases: {}",
                existing.join(", ")
            ),
            hint: Some("pass `--force` to overwrite their files, or choose another `--out`".into()),
        });
    }
    // Load every case from the configuration first, so that a bad file writes nothing.
    let mut loaded = Vec::new();
    for p in &principals {
        loaded.push((p, config.case(p)?));
    }
    let total = loaded.len();
    let mut failed = 0;
    for (i, (p, case)) in loaded.into_iter().enumerate() {
        let dir = args.out.join(&p.slug);
        let copied = write_case(&config, p, &case, &dir)?;
        let name = dir.display().to_string();
        // Each case carries its own copy of `host/`, so no `--host-db` here.
        let load_opts = crate::case::LoadOptions {
            allow_unknown_keys: args.opts.allow_unknown_keys,
            host_db: None,
        };
        let (result, warnings) = pipeline::run_case(&name, &dir, &load_opts, true);
        for w in &warnings {
            crate::report::warning(w);
        }
        let verdict = match &result {
            r if r.passed() => "blessed".to_string(),
            CaseResult::Error(e) => {
                failed += 1;
                format!("error: {e}")
            }
            CaseResult::Ran(_) => {
                failed += 1;
                crate::report::failure_text(&result)
            }
        };
        let refused = if case.spec.expect == crate::case::Expect::Rejected {
            ", expects a refusal"
        } else {
            ""
        };
        let why = p
            .why
            .as_ref()
            .map(|w| format!("\n  picked: {w}"))
            .unwrap_or_default();
        super::print(&format!(
            "[{}/{total}] {}: {} as {}, {copied} file{} copied, {} override{}{refused}: {verdict}{why}\n",
            i + 1,
            dir.display(),
            p.label,
            who(p),
            if copied == 1 { "" } else { "s" },
            case.overrides.len(),
            if case.overrides.len() == 1 { "" } else { "s" },
        ))?;
    }
    super::print(&format!(
        "\n{} case{} in `{}`; review the goldens, then run `jjo test {}`\n",
        total,
        if total == 1 { "" } else { "s" },
        args.out.display(),
        args.out.display()
    ))?;
    Ok(if failed == 0 { exit::OK } else { exit::FAILED })
}

fn who(p: &Principal) -> String {
    let new = if p.synthetic {
        " (a new user, not on the host)"
    } else {
        ""
    };
    if p.groups.is_empty() {
        format!("`{}`{new}", p.user)
    } else {
        format!("`{}` in {}{new}", p.user, p.groups.join(", "))
    }
}

/// Writes one case: the profiles file (or the values file), the override files its principal
/// uses, `case.yaml` and `README.md`. Returns how many files were copied.
fn write_case(
    config: &Config,
    p: &Principal,
    case: &crate::case::Case,
    dir: &Path,
) -> Result<usize, Error> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| Error::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })
    };
    let mut copied = 0;
    let mut spec = format!("user: {}\n", yaml_scalar(&p.user));
    if !p.groups.is_empty() {
        let groups: Vec<String> = p.groups.iter().map(|g| yaml_scalar(g)).collect();
        spec.push_str(&format!("groups: [{}]\n", groups.join(", ")));
    }
    if p.synthetic {
        spec.push_str("new-user: true\n");
    }
    match &config.source {
        Source::Dir(from) => {
            crate::bless::write_bytes(&dir.join(PROFILES_FILE), &read(&from.join(PROFILES_FILE))?)?;
            copied += 1;
            // The host's users and groups travel with every case, so it checks the same.
            let host = crate::profiles::host::HOST_DIR;
            let host_from = config.host_dir.clone().unwrap_or_else(|| from.join(host));
            for file in [
                crate::profiles::host::GROUP_FILE,
                crate::profiles::host::PASSWD_FILE,
            ] {
                let source = host_from.join(file);
                if source.is_file() {
                    crate::bless::write_bytes(&dir.join(host).join(file), &read(&source)?)?;
                    copied += 1;
                }
            }
            let mut files: Vec<&PathBuf> = case.overrides.iter().map(|o| &o.file).collect();
            files.sort();
            files.dedup();
            for file in files {
                let rel = file.strip_prefix(from).map_err(|_| Error::Internal {
                    what: format!(
                        "override file `{}` is outside `{}`",
                        file.display(),
                        from.display()
                    ),
                })?;
                crate::bless::write_bytes(&dir.join(rel), &read(file)?)?;
                copied += 1;
            }
        }
        Source::Helm(values) => {
            crate::bless::write_bytes(&dir.join("values.yaml"), &read(values)?)?;
            copied += 1;
            spec.push_str("helm-values: values.yaml\n");
        }
    }
    crate::bless::write_bytes(&dir.join("case.yaml"), spec.as_bytes())?;
    let why = p
        .why
        .as_ref()
        .map(|w| format!("Picked: {w}.\n"))
        .unwrap_or_default();
    let readme = format!(
        "{} as {}, scaffolded by `jjo init` from `{}`.\n{why}",
        p.label,
        who(p),
        config.path().display()
    );
    crate::bless::write_bytes(&dir.join("README.md"), readme.as_bytes())?;
    Ok(copied)
}

/// A YAML scalar for a user or group name: plain when safe, JSON-quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            s,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}
