//! A launcher configuration as an admin has it — a copy of `/etc/rstudio` or a Helm values
//! file — and the principals its profiles file names: `[*]` as a user in no group, `[@g]` as a
//! member of `g`, `[user]` as that user. `jjo diff`, `jjo init` and `jjo lint` work per principal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::case::{self, Case, CaseSpec, PROFILES_FILE};
use crate::error::Error;
use crate::profiles::host::{self, HostDb};
use crate::profiles::{ParseOptions, Profiles, Section, SectionKind};

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
    /// The host's users and groups (`host/group`, `host/passwd` beside the profiles file, or
    /// `--host-db`).
    pub host: Option<HostDb>,
    /// The `--host-db` directory, when one replaces the configuration's own `host/`.
    pub host_dir: Option<PathBuf>,
    /// The cluster's nodes (`--nodes FILE`, or the `nodes.yaml` of the configuration's
    /// directory, its case or its suite), on which `jjo lint` and `jjo diff` place every
    /// principal's Pod.
    pub nodes: Option<case::Nodes>,
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
    /// The user is not on the host: no host user gets this section today, so it is launched
    /// as the next user added to its group will be.
    pub synthetic: bool,
    /// Why this user stands for the section, when the host's view picked them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl Principal {
    /// Who launches the session, for people: `` `alice` in staff, gpu ``, `` `dave` in no
    /// group ``, with `(a new user, not on the host)` for a synthetic member.
    pub fn who(&self) -> String {
        let groups = if self.groups.is_empty() {
            "no group".to_owned()
        } else {
            self.groups.join(", ")
        };
        let new = if self.synthetic {
            " (a new user, not on the host)"
        } else {
            ""
        };
        format!("`{}` in {groups}{new}", self.user)
    }
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
        // A suite root, or a case in a suite, is the suite's shared configuration.
        let suite = if path.join(case::SUITE_FILE).is_file() {
            Some(case::Suite::read(path)?)
        } else if case::is_case(path)
            && let Some(root) = case::suite_root(path)
        {
            Some(case::Suite::read(&root)?)
        } else {
            None
        };
        if let Some(suite) = suite {
            let config = suite.helm_values().unwrap_or_else(|| suite.etc());
            if config.join(case::SUITE_FILE).is_file() {
                return Err(Error::Usage {
                    message: format!("`{}` names itself as its `etc:`", config.display()),
                    hint: Some(
                        "point `etc:` at the copy of `/etc/rstudio`, e.g. `etc: etc/`".into(),
                    ),
                });
            }
            let mut config =
                Config::open(&config, allow_unknown_keys || suite.spec.allow_unknown_keys)?;
            // A case's own nodes, else the suite's beside `suite.yaml`, as `jjo test` reads them.
            let own = path.join(case::NODES_FILE);
            let file = if own.is_file() {
                own
            } else {
                suite.root.join(case::NODES_FILE)
            };
            if file.is_file() {
                config.nodes = Some(read_nodes(&file)?);
            }
            return Ok(config);
        }
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
        let nodes = match &source {
            Source::Dir(dir) if dir.join(case::NODES_FILE).is_file() => {
                Some(read_nodes(&dir.join(case::NODES_FILE))?)
            }
            // A case directory naming a values file keeps its nodes beside `case.yaml`.
            Source::Helm(_) if path.join(case::NODES_FILE).is_file() => {
                Some(read_nodes(&path.join(case::NODES_FILE))?)
            }
            _ => None,
        };
        Ok(Config {
            source,
            profiles,
            groups_of: BTreeMap::new(),
            allow_unknown_keys,
            host,
            host_dir: None,
            nodes,
        })
    }

    /// Uses the nodes of `file` (`--nodes`, as `kubectl get nodes -o yaml` writes them)
    /// instead of any `nodes.yaml` the configuration has.
    pub fn with_nodes(mut self, file: Option<&Path>) -> Result<Config, Error> {
        if let Some(file) = file {
            if !file.is_file() {
                return Err(Error::Usage {
                    message: format!("`--nodes {}`: no such file", file.display()),
                    hint: Some(
                        "save the cluster's nodes with `kubectl get nodes -o yaml > nodes.yaml`"
                            .into(),
                    ),
                });
            }
            self.nodes = Some(read_nodes(file)?);
        }
        Ok(self)
    }

    /// The path the configuration was opened from.
    pub fn path(&self) -> &Path {
        match &self.source {
            Source::Dir(p) | Source::Helm(p) => p,
        }
    }

    /// Uses the host's users and groups in `dir` (`--host-db`) instead of the configuration's
    /// own `host/`.
    pub fn with_host_db(mut self, dir: Option<&Path>) -> Result<Config, Error> {
        if let Some(dir) = dir {
            self.host = Some(case::read_host_db(dir)?);
            self.host_dir = Some(dir.to_path_buf());
        }
        Ok(self)
    }

    /// The principals the profiles file names, in file order, each once. With the host's
    /// users and groups, each section is launched as the host user who best shows it
    /// ([`HostDb::best_member`]): a user's groups come from the host (unless `--groups-of`
    /// names them), and a section no host user gets anything from today is launched as a new
    /// user in its group (`synthetic`), as the next member added will be.
    pub fn principals(&self) -> Vec<Principal> {
        let mut out = principals(&self.profiles, &self.groups_of);
        let Some(host) = &self.host else {
            return out;
        };
        let named: Vec<String> = self.profiles.users().map(str::to_owned).collect();
        let sectioned: Vec<&str> = self.profiles.groups().collect();
        for p in &mut out {
            let index = self.profiles.sections.iter().position(|s| {
                let label = match &s.kind {
                    SectionKind::All => "[*]".to_owned(),
                    SectionKind::Group(g) => format!("[@{g}]"),
                    SectionKind::User(u) => format!("[{u}]"),
                };
                label == p.label
            });
            if let Some(u) = p.label.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
                && !u.starts_with('@')
                && u != "*"
            {
                // A named user is who they are; their groups are the host's.
                if !self.groups_of.contains_key(&p.user)
                    && let Ok(gs) = host.memberships(&p.user, &crate::location::Span::default())
                {
                    p.groups = gs;
                }
                continue;
            }
            let best = match index {
                Some(i) => host.best_member(&self.profiles, i, &named),
                // No `[*]` in the file: anyone is a user in none of the sections' groups.
                None => host
                    .users
                    .iter()
                    .filter(|u| !named.contains(&u.name))
                    .filter_map(|u| {
                        let groups = host.memberships(&u.name, &Default::default()).ok()?;
                        let none = !groups.iter().any(|g| sectioned.contains(&g.as_str()));
                        none.then(|| (host::is_regular(u), u, groups))
                    })
                    .max_by_key(|(regular, u, _)| (*regular, std::cmp::Reverse(u.span.line)))
                    .map(|(_, u, groups)| host::Reach {
                        user: u.name.clone(),
                        uid: u.uid,
                        groups,
                        keys: Vec::new(),
                        others: 0,
                    }),
            };
            match best {
                Some(r) => {
                    p.why = Some(why(host, &r, index.map(|i| &self.profiles.sections[i])));
                    p.user = r.user;
                    p.groups = r.groups;
                }
                None => {
                    let group = p.label.strip_prefix("[@").and_then(|l| l.strip_suffix(']'));
                    p.user = new_user_name(host, group);
                    p.groups = group.map(|g| vec![g.to_owned()]).unwrap_or_default();
                    p.synthetic = true;
                    p.why = Some(match index {
                        Some(i) => {
                            let partial = host
                                .reach(&self.profiles, i)
                                .iter()
                                .any(|r| !r.keys.is_empty());
                            host::shadowed_why(&self.profiles.sections[i], partial)
                        }
                        None => "no current user gets this section; the next user in none of \
                                 the profiles' groups will"
                            .to_owned(),
                    });
                }
            }
        }
        out
    }

    /// The sections no host user gets anything from today, each with its principal label
    /// (`[@data-science]`) and a [`host::SHADOWED_SECTION`] warning at its header (none
    /// without the host's view).
    pub fn shadowed(&self) -> Vec<(String, crate::diag::Warning)> {
        let Some(host) = &self.host else {
            return Vec::new();
        };
        (0..self.profiles.sections.len())
            .filter(|i| host.best_member(&self.profiles, *i, &[]).is_none())
            .map(|i| {
                let section = &self.profiles.sections[i];
                (
                    format!("[{}]", section.name),
                    host.shadowed_warning(&self.profiles, i),
                )
            })
            .collect()
    }

    /// The case spec that launches a session as `p` from this configuration.
    pub fn spec(&self, p: &Principal) -> CaseSpec {
        let mut spec = CaseSpec {
            user: p.user.clone(),
            groups: p.groups.clone(),
            new_user: p.synthetic,
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
            host_db: self.host_dir.clone(),
            // The configuration's nodes are read once, in `open`, for every principal.
            skip_nodes: true,
        };
        Ok(case::load_spec(&p.slug, &dir, self.spec(p), "", &opts)?)
    }
}

/// Reads a `nodes.yaml`.
fn read_nodes(file: &Path) -> Result<case::Nodes, Error> {
    let text = case::read_text(file)?;
    Ok(case::parse_nodes(file, &text)?)
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
    let users: Vec<&str> = profiles.users().collect();
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
        synthetic: false,
        why: None,
    }];
    for section in &profiles.sections {
        let p = match &section.kind {
            SectionKind::All => continue,
            SectionKind::Group(g) => Principal {
                label: format!("[@{g}]"),
                slug: format!("group-{}", slug(g)),
                user: anyone.clone(),
                groups: vec![g.clone()],
                synthetic: false,
                why: None,
            },
            SectionKind::User(u) => Principal {
                label: format!("[{u}]"),
                slug: format!("user-{}", slug(u)),
                user: u.clone(),
                groups: groups_of.get(u).cloned().unwrap_or_default(),
                synthetic: false,
                why: None,
            },
        };
        if !out.iter().any(|o| o.label == p.label) {
            out.push(p);
        }
    }
    out
}

/// Why the host user in `r` stands for `section`, for `jjo init`'s line.
fn why(db: &HostDb, r: &host::Reach, section: Option<&Section>) -> String {
    let regular = db.user(&r.user).is_some_and(host::is_regular);
    let kind = if regular {
        format!("a regular user (uid {} ≥ {})", r.uid, host::UID_MIN)
    } else {
        format!(
            "a system user (uid {}): no regular user (uid ≥ {}) gets as much of it",
            r.uid,
            host::UID_MIN
        )
    };
    let gets = match section {
        Some(s) => {
            let keys: std::collections::BTreeSet<&str> =
                s.entries.iter().map(|e| e.key.as_str()).collect();
            if r.keys.len() == keys.len() {
                "gets every key of the section".to_owned()
            } else {
                format!(
                    "gets {} of its {} keys, the most any host user does",
                    r.keys.len(),
                    keys.len()
                )
            }
        }
        None => "is in none of the profiles' groups".to_owned(),
    };
    let alone = if r.others == 0 {
        String::new()
    } else {
        format!(
            " (and {} key{} from other sections)",
            r.others,
            if r.others == 1 { "" } else { "s" }
        )
    };
    format!("`{}` {gets}{alone}; {kind}", r.user)
}

/// A user name the host does not have, for a section's next member.
fn new_user_name(db: &HostDb, group: Option<&str>) -> String {
    let base = match group {
        Some(g) => format!("new-{}-member", slug(g)),
        None => "new-user".to_owned(),
    };
    let mut name = base.clone();
    let mut n = 2;
    while db.user(&name).is_some() {
        name = format!("{base}{n}");
        n += 1;
    }
    name
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
    fn a_suites_nodes_are_read_once_for_the_configuration_not_per_principal() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        std::fs::create_dir_all(root.join("etc")).expect("mkdir");
        std::fs::write(root.join("suite.yaml"), "etc: etc/\n").expect("write");
        std::fs::write(
            root.join("etc").join(PROFILES_FILE),
            "[*]\ndefault-container-image=r:1\n[bob]\nmax-cpus=2\n",
        )
        .expect("write");
        std::fs::write(
            root.join(case::NODES_FILE),
            "kind: Node\nmetadata: {name: a}\n",
        )
        .expect("write");
        let config = Config::open(root, false).expect("opens");
        assert_eq!(config.nodes.as_ref().map(|n| n.nodes.len()), Some(1));
        for p in config.principals() {
            let case = config.case(&p).expect("loads");
            assert!(case.nodes.is_none(), "{} read the nodes again", p.label);
        }
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
