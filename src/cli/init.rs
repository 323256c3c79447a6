//! `jjo init --from DIR --out suite/`: a suite — `suite.yaml`, one `etc/` with the files the
//! configuration's principals use, and one case per principal (`case.yaml` and blessed
//! goldens) — that passes at once.

use std::path::{Path, PathBuf};

use super::CaseOptions;
use crate::case::{NODES_FILE, PROFILES_FILE, SUITE_FILE};
use crate::profiles::resources::RESOURCES_FILE;

/// The suite's copy of `/etc/rstudio`, beside `suite.yaml`.
const ETC: &str = "etc";
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
    pub host: crate::flags::HostDbArgs,
    #[command(flatten)]
    pub nodes: crate::flags::NodesArgs,
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
        .with_host_db(args.host.host_db.as_deref())?
        .with_nodes(args.nodes.nodes.as_deref())?;
    config.groups_of = args.groups_of.iter().cloned().collect();
    let principals = config.principals();
    let out = &args.out;
    let ours: Vec<std::ffi::OsString> = principals
        .iter()
        .map(|p| p.slug.clone().into())
        .chain([ETC.into(), SUITE_FILE.into(), NODES_FILE.into()])
        .collect();
    // A suite's cases share its `etc/`: a `suite.yaml` among other cases would take them over.
    let others: Vec<String> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| !n.to_string_lossy().starts_with('.') && !ours.contains(n))
        .map(|n| format!("`{}`", out.join(n).display()))
        .collect();
    if !others.is_empty() {
        return Err(Error::Usage {
            message: format!(
                "`{}` already holds other files: {}",
                out.display(),
                others.join(", ")
            ),
            hint: Some(
                "a suite's cases share its `etc/`; give `--out` an empty or new directory".into(),
            ),
        });
    }
    let existing: Vec<String> = ours
        .iter()
        .map(|n| out.join(n))
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
    let copied = write_etc(&config, loaded.iter().map(|(_, c)| c), out)?;
    super::print(&format!(
        "{}: one `{ETC}/` for every case, from `{}` ({copied} file{} copied)\n",
        out.join(SUITE_FILE).display(),
        config.path().display(),
        if copied == 1 { "" } else { "s" },
    ))?;
    if let Some(nodes) = &config.nodes {
        // Beside `suite.yaml`, the nodes serve every case: each gets the schedule check.
        let target = out.join(NODES_FILE);
        crate::bless::write_bytes(&target, &read(&nodes.path)?)?;
        super::print(&format!(
            "{}: the cluster's {} from `{}`: every case's Pod must fit one of them (the `schedule` check)\n",
            target.display(),
            if nodes.nodes.len() == 1 {
                "node".to_owned()
            } else {
                format!("{} nodes", nodes.nodes.len())
            },
            nodes.path.display(),
        ))?;
    }
    let total = loaded.len();
    let mut failed = 0;
    for (i, (p, case)) in loaded.into_iter().enumerate() {
        let dir = out.join(&p.slug);
        write_case(&config, p, &dir)?;
        let name = dir.display().to_string();
        // The cases read the suite's `etc/`, which holds the host's view `--host-db` gave.
        let load_opts = crate::case::LoadOptions {
            allow_unknown_keys: args.opts.allow_unknown_keys,
            host_db: None,
            skip_nodes: false,
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
            "[{}/{total}] {}: {} as {}, {} override{}{refused}: {verdict}{why}\n",
            i + 1,
            dir.display(),
            p.label,
            who(p),
            case.overrides.len(),
            if case.overrides.len() == 1 { "" } else { "s" },
        ))?;
    }
    super::print(&format!(
        "\n{} case{} in `{}`; review the goldens, then run `jjo test {}`\n",
        total,
        if total == 1 { "" } else { "s" },
        out.display(),
        out.display()
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

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `suite.yaml` and the suite's `etc/`: the profiles file (or the values file), the
/// host's view, and the override files any principal's list uses. Returns how many files
/// were copied.
fn write_etc<'a>(
    config: &Config,
    cases: impl Iterator<Item = &'a crate::case::Case>,
    out: &Path,
) -> Result<usize, Error> {
    let etc = out.join(ETC);
    let mut copied = 0;
    let suite = match &config.source {
        Source::Dir(from) => {
            crate::bless::write_bytes(&etc.join(PROFILES_FILE), &read(&from.join(PROFILES_FILE))?)?;
            copied += 1;
            if from.join(RESOURCES_FILE).is_file() {
                crate::bless::write_bytes(
                    &etc.join(RESOURCES_FILE),
                    &read(&from.join(RESOURCES_FILE))?,
                )?;
                copied += 1;
            }
            // The plugin's settings hold its service account token; the suite is committed.
            let conf = crate::launcher_conf::FILE;
            if from.join(conf).is_file() {
                let bytes = read(&from.join(conf))?;
                let bytes = match std::str::from_utf8(&bytes) {
                    Ok(text) => crate::launcher_conf::without_credentials(text).into_bytes(),
                    // Not text: the case's own read reports it.
                    Err(_) => bytes,
                };
                crate::bless::write_bytes(&etc.join(conf), &bytes)?;
                copied += 1;
            }
            // Templating mode reads `templates/*.tpl` beside `launcher.kubernetes.conf`.
            let templates = from.join("templates");
            if templates.is_dir() {
                let entries = std::fs::read_dir(&templates).map_err(|source| Error::Io {
                    action: "read",
                    path: templates.clone(),
                    source,
                })?;
                for entry in entries.filter_map(Result::ok) {
                    if entry.file_type().is_ok_and(|t| t.is_file()) {
                        let target = etc.join("templates").join(entry.file_name());
                        crate::bless::write_bytes(&target, &read(&entry.path())?)?;
                        copied += 1;
                    }
                }
            }
            // The host's users and groups, so every case checks memberships the same.
            let host = crate::profiles::host::HOST_DIR;
            let host_from = config.host_dir.clone().unwrap_or_else(|| from.join(host));
            for file in [
                crate::profiles::host::GROUP_FILE,
                crate::profiles::host::PASSWD_FILE,
            ] {
                let source = host_from.join(file);
                if source.is_file() {
                    crate::bless::write_bytes(&etc.join(host).join(file), &read(&source)?)?;
                    copied += 1;
                }
            }
            let mut files: Vec<&PathBuf> = cases
                .flat_map(|c| c.overrides.iter().map(|o| &o.file))
                .collect();
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
                crate::bless::write_bytes(&etc.join(rel), &read(file)?)?;
                copied += 1;
            }
            format!("etc: {ETC}/\n")
        }
        Source::Helm(values) => {
            crate::bless::write_bytes(&etc.join("values.yaml"), &read(values)?)?;
            copied += 1;
            format!("etc: {ETC}/\nhelm-values: {ETC}/values.yaml\n")
        }
    };
    let header = "# A jjo suite: every case below reads this configuration from `etc/`.\n\
                  # Defaults for every case (a case.yaml may override them):\n\
                  # pod-security: baseline\n# kubernetes: \"1.33\"\n";
    crate::bless::write_bytes(&out.join(SUITE_FILE), format!("{header}{suite}").as_bytes())?;
    Ok(copied)
}

/// Writes one case of the suite: `case.yaml` (who launches the session) and `README.md`.
fn write_case(config: &Config, p: &Principal, dir: &Path) -> Result<(), Error> {
    let mut spec = format!("user: {}\n", yaml_scalar(&p.user));
    if !p.groups.is_empty() {
        let groups: Vec<String> = p.groups.iter().map(|g| yaml_scalar(g)).collect();
        spec.push_str(&format!("groups: [{}]\n", groups.join(", ")));
    }
    if p.synthetic {
        spec.push_str("new-user: true\n");
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
    Ok(())
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
