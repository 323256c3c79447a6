//! A launcher configuration as an admin has it — a copy of `/etc/rstudio` or a Helm values
//! file — and the principals its profiles file names: `[*]` as a user in no group, `[@g]` as a
//! member of `g`, `[user]` as that user. `jjo diff`, `jjo init` and `jjo lint` work per principal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::case::{self, Case, CaseSpec, PROFILES_FILE};
use crate::error::Error;
use crate::profiles::{ParseOptions, Profiles, SectionKind};

/// The user that stands for "anyone" (`[*]`) and for a group's members, unless a user section
/// has that name.
const DEFAULT_USER: &str = "rstudio-user";

/// Where a configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory standing for `/etc/rstudio` (holds `launcher.kubernetes.profiles.conf`).
    Dir(PathBuf),
    /// A values file of Posit's rstudio-workbench Helm chart.
    Helm(PathBuf),
}

/// A configuration, its parsed profiles and the Unix groups of its users.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it comes from.
    pub source: Source,
    /// Its profiles file, parsed.
    pub profiles: Profiles,
    /// Unix groups of named users (from `--groups-of user=g1,g2`).
    pub groups_of: BTreeMap<String, Vec<String>>,
    /// Unknown profile keys are warnings.
    pub allow_unknown_keys: bool,
    /// The host's users and groups (`host/group`, `host/passwd` beside the profiles file).
    pub host: Option<crate::profiles::host::HostDb>,
}

/// Who launches a session: the principal a section names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The section as written in the profiles file: `[*]`, `[@staff]`, `[alice]`.
    pub label: String,
    /// A file-name-safe name: `all`, `group-staff`, `user-alice`.
    pub slug: String,
    /// The user name the session is launched as.
    pub user: String,
    /// The user's Unix groups.
    pub groups: Vec<String>,
}

/// Parses `user=g1,g2` (the `--groups-of` flag).
pub fn parse_groups_of(text: &str) -> Result<(String, Vec<String>), String> {
    let (user, groups) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not `user=group1,group2`"))?;
    if user.trim().is_empty() {
        return Err(format!("`{text}` names no user"));
    }
    let groups = groups
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    Ok((user.trim().to_string(), groups))
}

impl Config {
    /// Opens a configuration: a directory with a profiles file, or a `.yaml`/`.yml` values file.
    pub fn open(path: &Path, allow_unknown_keys: bool) -> Result<Config, Error> {
        let source = if path.is_file()
            && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
        {
            Source::Helm(path.to_path_buf())
        } else if path.join(PROFILES_FILE).is_file() {
            Source::Dir(path.to_path_buf())
        } else if let Some(values) = helm_case_values(path)? {
            Source::Helm(values)
        } else if path.is_dir() {
            return Err(Error::Usage {
                message: format!("`{}` holds no `{PROFILES_FILE}`", path.display()),
                hint: Some(
                    "give a copy of `/etc/rstudio`, or a Helm values file (`values.yaml`)".into(),
                ),
            });
        } else if !path.exists() {
            return Err(Error::Usage {
                message: format!("`{}` does not exist", path.display()),
                hint: Some(
                    "give a copy of `/etc/rstudio`, or a Helm values file (`values.yaml`)".into(),
                ),
            });
        } else {
            return Err(Error::Usage {
                message: format!(
                    "`{}` is neither a configuration directory nor a Helm values file",
                    path.display()
                ),
                hint: Some(
                    "give a copy of `/etc/rstudio`, or a Helm values file (`values.yaml`)".into(),
                ),
            });
        };
        let opts = ParseOptions { allow_unknown_keys };
        let profiles = match &source {
            Source::Dir(dir) => {
                let file = dir.join(PROFILES_FILE);
                let text = case::read_text(&file)?;
                crate::profiles::parse(&file, &text, opts)?.0
            }
            Source::Helm(file) => {
                let text = case::read_text(file)?;
                let options = crate::helm::Options {
                    allow_unknown_keys,
                    ..Default::default()
                };
                let chart = crate::helm::render(file, &text, &options)?;
                crate::helm::profiles(&chart, opts)?.0
            }
        };
        let host = match &source {
            Source::Dir(dir) if dir.join(crate::profiles::host::HOST_DIR).is_dir() => Some(
                case::read_host_db(&dir.join(crate::profiles::host::HOST_DIR))?,
            ),
            _ => None,
        };
        Ok(Config {
            source,
            profiles,
            groups_of: BTreeMap::new(),
            allow_unknown_keys,
            host,
        })
    }

    /// The path the configuration was opened from.
    pub fn path(&self) -> &Path {
        match &self.source {
            Source::Dir(p) | Source::Helm(p) => p,
        }
    }

    /// The principals the profiles file names, in file order, each once. With the host's
    /// users and groups, a user's groups come from the host (unless `--groups-of` names them),
    /// a group is launched as a host user in it, and anyone as a host user in none of the
    /// profiles' groups.
    pub fn principals(&self) -> Vec<Principal> {
        let mut out = principals(&self.profiles, &self.groups_of);
        let Some(host) = &self.host else {
            return out;
        };
        let sections: Vec<&str> = self
            .profiles
            .sections
            .iter()
            .filter_map(|s| match &s.kind {
                SectionKind::Group(g) => Some(g.as_str()),
                _ => None,
            })
            .collect();
        let named: Vec<&str> = out
            .iter()
            .filter(|p| p.label.starts_with('[') && !p.label.starts_with("[@") && p.label != "[*]")
            .map(|p| p.user.as_str())
            .collect::<Vec<_>>();
        let named: Vec<String> = named.into_iter().map(str::to_string).collect();
        let groups_of = |user: &str| {
            host.memberships(user, &crate::location::Span::default())
                .ok()
        };
        for p in &mut out {
            if p.label == "[*]" {
                if let Some(u) = host.users.iter().find(|u| {
                    !named.contains(&u.name)
                        && groups_of(&u.name)
                            .is_some_and(|gs| !gs.iter().any(|g| sections.contains(&g.as_str())))
                }) {
                    p.user = u.name.clone();
                    p.groups = groups_of(&u.name).unwrap_or_default();
                }
            } else if let Some(group) = p.label.strip_prefix("[@").and_then(|l| l.strip_suffix(']'))
            {
                // Prefer a member of no other section's group, whose session shows this one.
                let member = |only: bool| {
                    host.users.iter().find(|u| {
                        !named.contains(&u.name)
                            && groups_of(&u.name).is_some_and(|gs| {
                                gs.iter().any(|g| g == group)
                                    && (!only
                                        || gs
                                            .iter()
                                            .all(|g| g == group || !sections.contains(&g.as_str())))
                            })
                    })
                };
                if let Some(u) = member(true).or_else(|| member(false)) {
                    p.user = u.name.clone();
                    p.groups = groups_of(&u.name).unwrap_or_default();
                }
            } else if !self.groups_of.contains_key(&p.user)
                && let Some(gs) = groups_of(&p.user)
            {
                p.groups = gs;
            }
        }
        out
    }

    /// The case spec that launches a session as `p` from this configuration.
    pub fn spec(&self, p: &Principal) -> CaseSpec {
        let mut spec = CaseSpec {
            user: p.user.clone(),
            groups: p.groups.clone(),
            ..CaseSpec::default()
        };
        if let Source::Helm(file) = &self.source {
            let abs = std::path::absolute(file).unwrap_or_else(|_| file.clone());
            spec.helm_values = Some(abs.to_string_lossy().into_owned());
        }
        spec
    }

    /// Loads the case that launches a session as `p`.
    pub fn case(&self, p: &Principal) -> Result<Case, Error> {
        let dir = match &self.source {
            Source::Dir(dir) => dir.clone(),
            Source::Helm(file) => file
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let opts = case::LoadOptions {
            allow_unknown_keys: self.allow_unknown_keys,
            host_db: None,
        };
        case::load_spec(&p.slug, &dir, self.spec(p), "", &opts)
    }
}

/// The values file of a case directory whose `case.yaml` names one (`helm-values:`).
fn helm_case_values(dir: &Path) -> Result<Option<PathBuf>, Error> {
    let spec_path = dir.join("case.yaml");
    if !case::is_case(dir) || !spec_path.is_file() {
        return Ok(None);
    }
    let text = case::read_text(&spec_path)?;
    let spec: CaseSpec = case::parse_yaml(&spec_path, &text)?;
    Ok(spec.helm_values.map(|v| dir.join(v)))
}

/// The principals `profiles` names: each section once, in file order; `[*]` first even when the
/// file has none (everyone is a principal), users with their groups from `groups_of`.
pub fn principals(
    profiles: &Profiles,
    groups_of: &BTreeMap<String, Vec<String>>,
) -> Vec<Principal> {
    let users: Vec<&str> = profiles
        .sections
        .iter()
        .filter_map(|s| match &s.kind {
            SectionKind::User(u) => Some(u.as_str()),
            _ => None,
        })
        .collect();
    // Anyone and group members must not be mistaken for a named user.
    let anyone = [DEFAULT_USER, "jjo-user", "jjo-session-user"]
        .into_iter()
        .find(|u| !users.contains(u))
        .unwrap_or("jjo-anyone")
        .to_string();
    let mut out = vec![Principal {
        label: "[*]".into(),
        slug: "all".into(),
        user: anyone.clone(),
        groups: Vec::new(),
    }];
    for section in &profiles.sections {
        let p = match &section.kind {
            SectionKind::All => continue,
            SectionKind::Group(g) => Principal {
                label: format!("[@{g}]"),
                slug: format!("group-{}", slug(g)),
                user: anyone.clone(),
                groups: vec![g.clone()],
            },
            SectionKind::User(u) => Principal {
                label: format!("[{u}]"),
                slug: format!("user-{}", slug(u)),
                user: u.clone(),
                groups: groups_of.get(u).cloned().unwrap_or_default(),
            },
        };
        if !out.iter().any(|o| o.label == p.label) {
            out.push(p);
        }
    }
    out
}

/// A name safe in a directory name: letters, digits, `-`, `_`, `.`; anything else becomes `_`.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Profiles {
        crate::profiles::parse(Path::new("p.conf"), text, ParseOptions::default())
            .expect("parses")
            .0
    }

    #[test]
    fn every_section_is_a_principal_once_with_star_first() {
        let profiles = parsed("[@staff]\nmax-cpus=2\n[*]\nmax-cpus=1\n[alice]\nmax-cpus=3\n");
        let groups_of = BTreeMap::from([("alice".to_string(), vec!["staff".to_string()])]);
        let got: Vec<(String, String, Vec<String>)> = principals(&profiles, &groups_of)
            .into_iter()
            .map(|p| (p.label, p.user, p.groups))
            .collect();
        assert_eq!(
            got,
            vec![
                ("[*]".into(), "rstudio-user".into(), vec![]),
                (
                    "[@staff]".into(),
                    "rstudio-user".into(),
                    vec!["staff".into()]
                ),
                ("[alice]".into(), "alice".into(), vec!["staff".into()]),
            ]
        );
    }

    #[test]
    fn anyone_is_not_a_named_user() {
        let profiles = parsed("[*]\nmax-cpus=1\n[rstudio-user]\nmax-cpus=3\n");
        assert_eq!(principals(&profiles, &BTreeMap::new())[0].user, "jjo-user");
    }

    #[test]
    fn groups_of_parses_user_and_groups() {
        assert_eq!(
            parse_groups_of("alice=staff, gpu"),
            Ok(("alice".into(), vec!["staff".into(), "gpu".into()]))
        );
        assert!(parse_groups_of("alice").is_err());
    }
}
