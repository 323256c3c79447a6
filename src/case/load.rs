//! Reading a case directory into a [`Case`]: case.yaml, the profiles file, the override files
//! the user's profile names, a captured base Job, and the goldens.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::LoadError as Error;
use super::error::{Error as CaseError, ErrorKind};
use super::paths::{self, Unmapped};
use super::read::read_text;
use super::spec::{self, CaseSpec};
use super::suite::{SUITE_FILE, Suite, SuiteSpec};
use super::yaml;
use crate::diag::Warning;
use crate::helm;
use crate::location::{Located, Span};
use crate::overrides::{self, Override};
use crate::predict::Version;
use crate::profiles::host::{self, HostDb};
use crate::profiles::resources::{self, RESOURCES_FILE, ResourceProfile};
use crate::profiles::{self, ParseOptions, Profiles, Resolved};

/// The file that makes a directory a case.
pub const PROFILES_FILE: &str = "launcher.kubernetes.profiles.conf";

/// A golden file and its parsed content.
#[derive(Debug, Clone, PartialEq)]
pub struct Golden {
    /// Where it is.
    pub path: PathBuf,
    /// Its text (to point at lines in failures).
    pub text: String,
    /// Its content.
    pub value: Value,
}

/// Everything a case directory holds, read and parsed.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name: its directory relative to the directory it was found under.
    pub name: String,
    /// The case directory.
    pub dir: PathBuf,
    /// `case.yaml`, or the defaults.
    pub spec: CaseSpec,
    /// The Kubernetes version the case predicts for.
    pub version: Version,
    /// The parsed profiles file.
    pub profiles: Profiles,
    /// The profile values for the case's user and groups.
    pub resolved: Resolved,
    /// The overrides that user's profile applies, files read, in order.
    pub overrides: Vec<Override>,
    /// A Job captured from a real cluster that replaces the built-in model.
    pub base_job: Option<Value>,
    /// Objects a live namespace needs before the Job: case.yaml `setup:`, then `setup/*.yaml`.
    pub setup: Vec<Value>,
    /// `expected-job.yaml`.
    pub expected_job: Option<Golden>,
    /// `expected-pod.yaml`.
    pub expected_pod: Option<Golden>,
    /// Warnings from reading the files (profiles, override list).
    pub warnings: Vec<Warning>,
    /// `launcher.kubernetes.conf`, when the case has one.
    pub launcher_conf: Option<crate::launcher_conf::LauncherConf>,
    /// With `use-templating=1`: the templates that render the Job instead of overrides.
    pub templates: Option<crate::template::launch::Templates>,
    /// The host's users and groups, when the case (or `--host-db`) carries them; the case's
    /// `spec.groups` are then the user's memberships there.
    pub host: Option<HostDb>,
    /// The resource profile the session picked, already applied to `spec.session`.
    pub resource_profile: Option<ResourceProfile>,
    /// `nodes.yaml`: the cluster's nodes the Pod is scheduled on.
    pub nodes: Option<super::nodes::Nodes>,
}

/// How to read a case.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Unknown profile keys are warnings, not errors.
    pub allow_unknown_keys: bool,
    /// A directory holding `group` and `passwd` (`getent` output) for every case; default: the
    /// case's own `host/`, when it has one.
    pub host_db: Option<PathBuf>,
    /// Leave `nodes.yaml` unread: `jjo lint`, `jjo diff` and `jjo init` read the nodes once
    /// for every principal (thousands of nodes, read again per principal, took seconds each).
    pub skip_nodes: bool,
}

impl Case {
    /// Where the golden for the patched Job lives.
    pub fn expected_job_path(&self) -> PathBuf {
        self.dir.join("expected-job.yaml")
    }

    /// Where the golden for the predicted Pod lives.
    pub fn expected_pod_path(&self) -> PathBuf {
        self.dir.join("expected-pod.yaml")
    }
}

/// Finds the case directories under `roots`, sorted; a root that is a case is itself returned.
///
/// Each result is `(name, dir)`, the name relative to the root it was found under.
pub fn discover(roots: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, Error> {
    let mut found = Vec::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|source| Error::Io {
            action: "read",
            path: root.clone(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(Error::NotACase { path: root.clone() });
        }
        if is_case(root) {
            let name = root
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| root.display().to_string());
            found.push((name, root.clone()));
            continue;
        }
        let before = found.len();
        let suite = suite_in(super::suite::root_of(root));
        walk(root, root, suite.as_ref(), &mut found)?;
        if found.len() == before {
            return Err(Error::NotACase { path: root.clone() });
        }
    }
    Ok(found)
}

/// The entries of `dir` (unreadable ones skipped), with an error naming `dir` if it cannot be
/// listed.
fn entries(dir: &Path) -> Result<impl Iterator<Item = std::fs::DirEntry>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        action: "read",
        path: dir.into(),
        source,
    })?;
    Ok(entries.filter_map(Result::ok))
}

/// Whether `dir` is a case: it holds the profiles file, or a `case.yaml` naming Helm values,
/// or it is in a suite (below a `suite.yaml`) and holds a `case.yaml`. A suite's `etc`
/// directory is not a case, though it holds the profiles file.
pub fn is_case(dir: &Path) -> bool {
    is_case_in(dir, suite_of(dir).as_ref())
}

/// [`is_case`] with the suite `dir` is in already known.
fn is_case_in(dir: &Path, suite: Option<&Suite>) -> bool {
    match suite {
        Some(suite) => !suite.holds_config(dir) && dir.join("case.yaml").is_file(),
        None => {
            dir.join(PROFILES_FILE).is_file()
                || std::fs::read_to_string(dir.join("case.yaml"))
                    .is_ok_and(|t| names_helm_values(&t))
        }
    }
}

/// The suite `dir` is in, when an ancestor holds a readable `suite.yaml`. One that does not
/// parse still makes a suite (with the defaults), so that loading its cases reports the error.
fn suite_of(dir: &Path) -> Option<Suite> {
    suite_in(super::suite::root_of(dir))
}

/// The suite whose `suite.yaml` is in `root`, read as [`suite_of`] reads it.
fn suite_in(root: Option<PathBuf>) -> Option<Suite> {
    let root = root?;
    Some(Suite::read(&root).unwrap_or(Suite {
        root,
        spec: SuiteSpec::default(),
    }))
}

/// Whether `case.yaml` text has a top-level `helm-values` key, however YAML spells it
/// (quoted, flow style). Text that is not YAML counts when a line starts with
/// `helm-values:`, so that loading the case reports the YAML error instead of skipping it.
fn names_helm_values(text: &str) -> bool {
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
        Ok(spec) => spec.get("helm-values").is_some(),
        Err(_) => text.lines().any(|l| l.starts_with("helm-values:")),
    }
}

/// Finds the cases below `dir`, whose nearest suite above is `suite` (carried down the walk:
/// looking it up again for each directory stats every ancestor).
fn walk(
    root: &Path,
    dir: &Path,
    suite: Option<&Suite>,
    found: &mut Vec<(String, PathBuf)>,
) -> Result<(), Error> {
    let mut dirs: Vec<PathBuf> = entries(dir)?
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    if dirs.is_empty() {
        return Ok(());
    }
    dirs.sort();
    // The suite of `dir`'s subdirectories: `dir`'s own `suite.yaml`, else the one above.
    let here = dir
        .join(SUITE_FILE)
        .is_file()
        .then(|| suite_in(Some(dir.to_path_buf())))
        .flatten();
    let suite = here.as_ref().or(suite);
    for sub in dirs {
        // A suite's `etc` holds the configuration, never cases.
        if suite.is_some_and(|s| s.holds_config(&sub)) {
            continue;
        }
        if is_case_in(&sub, suite) {
            let name = sub
                .strip_prefix(root)
                .unwrap_or(&sub)
                .to_string_lossy()
                .replace('\\', "/");
            found.push((name, sub));
        } else {
            walk(root, &sub, suite, found)?;
        }
    }
    Ok(())
}

/// Golden files under `roots` that no case in `cases` reads: `expected-*.yaml` outside a case
/// directory, or with a name jjo does not read.
pub fn unreferenced_goldens(
    roots: &[PathBuf],
    cases: &[(String, PathBuf)],
) -> Result<Vec<PathBuf>, Error> {
    const READ: [&str; 2] = ["expected-job.yaml", "expected-pod.yaml"];
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let is_case = cases.iter().any(|(_, d)| d == &dir);
        for entry in entries(&dir)? {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.starts_with("expected") && (!is_case || !READ.contains(&name.as_str())) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Parses a YAML file into `T` (a value with no fixed keys, such as a golden or a Job), with
/// the file, line and column of any error.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    Ok(yaml::parse_with(path, text, |_| &[])?)
}

/// [`parse_yaml`] into a JSON value, which has no keys to ignore: read straight through, and
/// only a text that fails is read again to locate the error. (The tracking costs a quarter of
/// a case's time when every golden goes through it.)
pub fn parse_yaml_value(path: &Path, text: &str) -> Result<Value, Error> {
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(value) => Ok(value),
        Err(_) => parse_yaml(path, text),
    }
}

/// The line and the column of the value of `key` (a path: `kubernetes`,
/// `session.resource-profile`) in a YAML text ((0, 0) when not found), for errors about that
/// value; the one YAML position reader finds it, quoted keys included.
fn key_at(text: &str, key: &str) -> (u32, u32) {
    crate::compare::value_place_of(text, key).unwrap_or((0, 0))
}

/// A span at the value of a top-level `key:` of case.yaml.
fn key_span(spec_path: &Path, text: &str, key: &str) -> Span {
    let (line, col) = key_at(text, key);
    Span::at(spec_path, line, col)
}

/// The text and content of an optional YAML file; `None` when it does not exist.
fn read_optional_yaml(path: &Path) -> Result<Option<(String, Value)>, Error> {
    let Some(text) = super::read::read_text_if_present(path)? else {
        return Ok(None);
    };
    let value = parse_yaml_value(path, &text)?;
    Ok(Some((text, value)))
}

fn read_golden(path: PathBuf) -> Result<Option<Golden>, Error> {
    Ok(read_optional_yaml(&path)?.map(|(text, value)| Golden { path, text, value }))
}

/// Reads the case in `dir` named `name`.
pub fn load(name: &str, dir: &Path, allow_unknown_keys: bool) -> Result<Case, Error> {
    let opts = LoadOptions {
        allow_unknown_keys,
        ..LoadOptions::default()
    };
    load_with(name, dir, &opts)
}

/// Parses the `job-json-overrides` list of every section, not only the user's: the plugin's
/// `validateValues()` reads every section's values when it starts (the SDK's
/// `AbstractUserProfiles::Impl::iterateValues` in `sdk/src/options/AbstractUserProfiles.cpp`
/// walks all sections), so a bad list anywhere stops it for everyone. Which type the plugin
/// gives the list is in no public source; jjo checks its syntax only, not the files it names
/// (README, "The launcher's rules"). The user's own list is read below, with its own errors.
fn check_lists(profiles: &Profiles, resolved: &Resolved) -> Result<(), Error> {
    let own = resolved.get("job-json-overrides").map(|s| &s.span);
    for section in &profiles.sections {
        for entry in section
            .entries
            .iter()
            .filter(|e| e.key == "job-json-overrides" && Some(&e.value_span) != own)
        {
            if let Err(source) = overrides::parse_list(&entry.value, &entry.value_span) {
                return Err(Located::new(
                    source.span.clone(),
                    ErrorKind::ListInSection {
                        section: section.name.clone(),
                        source: Box::new(source),
                    },
                )
                .into());
            }
        }
    }
    Ok(())
}

/// The finding id of a group whose section is misspelt or written as a user's.
pub const GROUP_SECTION: &str = "group-section";

/// A warning for each of the user's groups that has no `[@group]` section but a section that
/// looks meant for it: `[gpu]` (a section for the *user* gpu) or a near spelling `[@gpus]`.
/// The user's own private group (`alice` of user `alice`, as most hosts make one per user)
/// is not one: `[alice]` is meant for that user, and the user gets it.
fn group_sections(profiles: &Profiles, user: &str, groups: &[String], at: &Span) -> Vec<Warning> {
    use crate::profiles::SectionKind;
    let group_sections: Vec<&str> = profiles.groups().collect();
    let mut out = Vec::new();
    for g in groups
        .iter()
        .filter(|g| !group_sections.contains(&g.as_str()) && g.as_str() != user)
    {
        let as_user = profiles
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::User(g.clone()));
        if let Some(section) = as_user {
            out.push(
                Warning::new(
                    GROUP_SECTION,
                    format!(
                        "group `{g}` has no `[@{g}]` section; `[{g}]` on line {} is a section for \
                         the user named `{g}`",
                        section.span.line
                    ),
                )
                .at(at.clone())
                .hint(format!("a group section is written `[@{g}]`")),
            );
        } else if let Some(near) = crate::diag::did_you_mean(g, group_sections.iter().copied()) {
            out.push(
                Warning::new(
                    GROUP_SECTION,
                    format!("group `{g}` has no `[@{g}]` section"),
                )
                .at(at.clone())
                .hint(format!("did you mean `[@{near}]`?")),
            );
        }
    }
    out
}

/// The host's users and groups from `dir/group` and `dir/passwd` (`getent` output).
pub fn read_host_db(dir: &Path) -> Result<HostDb, Error> {
    let group = dir.join(host::GROUP_FILE);
    let passwd = dir.join(host::PASSWD_FILE);
    for file in [&group, &passwd] {
        if !file.is_file() {
            let kind = host::ErrorKind::MissingFile {
                dir: dir.to_path_buf(),
            };
            return Err(Located::new(Span::file(file), kind).into());
        }
    }
    Ok(HostDb::parse(
        &group,
        &read_text(&group)?,
        &passwd,
        &read_text(&passwd)?,
    )?)
}

/// Reads `launcher.kubernetes.resources.conf` in `dir`, when there is one.
fn read_resources(
    dir: &Path,
) -> Result<Option<(resources::ResourceProfiles, Vec<Warning>)>, Error> {
    let path = dir.join(RESOURCES_FILE);
    let Some(text) = super::read::read_text_if_present(&path)? else {
        return Ok(None);
    };
    // The same Boost INI rules as the profiles file; its own keys are checked by `resources`.
    let (ini, warnings) = profiles::parse_ini(&path, &text)?;
    Ok(Some((resources::from_sections(&ini.sections)?, warnings)))
}

/// Reads the case in `dir` named `name`, with options.
pub fn load_with(name: &str, dir: &Path, load_opts: &LoadOptions) -> Result<Case, Error> {
    let spec_path = dir.join("case.yaml");
    let spec_text = super::read::read_text_if_present(&spec_path)?.unwrap_or_default();
    let mut spec: CaseSpec = if spec_text.trim().is_empty() {
        CaseSpec::default()
    } else {
        yaml::parse_with(&spec_path, &spec_text, spec::known_keys)?
    };
    let Some(root) = super::suite::root_of(dir) else {
        return load_in(name, dir, dir, None, spec, &spec_text, load_opts);
    };
    let suite = Suite::read(&root)?;
    // The suite's defaults, for each key the case does not set itself.
    let set: serde_yaml_ng::Value = serde_yaml_ng::from_str(&spec_text).unwrap_or_default();
    let unset = |key: &str| set.get(key).is_none();
    if unset("pod-security")
        && let Some(level) = suite.spec.pod_security
    {
        spec.pod_security = level;
    }
    if unset("kubernetes") {
        spec.kubernetes = spec.kubernetes.or_else(|| suite.spec.kubernetes.clone());
    }
    if unset("paths") {
        spec.paths = suite.spec.paths.clone();
    }
    if unset("helm-values")
        && let Some(values) = suite.helm_values()
    {
        spec.helm_values = Some(
            std::path::absolute(&values)
                .unwrap_or(values)
                .to_string_lossy()
                .into_owned(),
        );
        if unset("helm-release") {
            spec.helm_release = suite.spec.helm_release.clone();
        }
    }
    spec.allow_unknown_keys |= suite.spec.allow_unknown_keys;
    let etc = suite.etc();
    if !etc.is_dir() {
        return Err(Error::Usage {
            message: format!(
                "the suite's `etc:` directory `{}` does not exist (named in `{}`)",
                etc.display(),
                root.join(SUITE_FILE).display()
            ),
            hint: Some(
                "copy the Workbench host's `/etc/rstudio` there, or fix `etc:` in suite.yaml"
                    .into(),
            ),
        });
    }
    load_in(name, dir, &etc, Some(&root), spec, &spec_text, load_opts)
}

/// Reads the case in `dir` with `spec` standing for its `case.yaml` (whose text, for error
/// lines, is `spec_text`; empty when the spec was made by a command such as `jjo diff`).
pub fn load_spec(
    name: &str,
    dir: &Path,
    spec: CaseSpec,
    spec_text: &str,
    load_opts: &LoadOptions,
) -> Result<Case, Error> {
    let root = super::suite::root_of(dir);
    load_in(name, dir, dir, root.as_deref(), spec, spec_text, load_opts)
}

/// Reads the case in `dir` whose configuration (the files standing for `/etc/rstudio`) is in
/// `etc`: the case itself, or its suite's `etc/`. `suite_root` is the suite's directory
/// (found once by the caller: each lookup stats every ancestor).
fn load_in(
    name: &str,
    dir: &Path,
    etc: &Path,
    suite_root: Option<&Path>,
    mut spec: CaseSpec,
    spec_text: &str,
    load_opts: &LoadOptions,
) -> Result<Case, Error> {
    let allow_unknown_keys = load_opts.allow_unknown_keys;
    let spec_path = dir.join("case.yaml");
    let version = match &spec.kubernetes {
        None => Version::NEWEST,
        Some(text) => Version::parse(text).map_err(|e| {
            Located::new(
                key_span(&spec_path, spec_text, "kubernetes"),
                ErrorKind::Version(e),
            )
        })?,
    };

    let opts = ParseOptions {
        allow_unknown_keys: allow_unknown_keys || spec.allow_unknown_keys,
    };
    let chart = match &spec.helm_values {
        None => None,
        Some(file) => Some(helm_chart(dir, etc, file, &spec, spec_text, opts)?),
    };
    let (profiles, mut warnings) = match &chart {
        None => {
            let profiles_path = etc.join(PROFILES_FILE);
            let text = read_text(&profiles_path)?;
            profiles::parse(&profiles_path, &text, opts)?
        }
        Some(chart) => helm::profiles(chart, opts)?,
    };

    let host = match &load_opts.host_db {
        Some(d) => Some(read_host_db(d)?),
        None if etc.join(host::HOST_DIR).exists() => Some(read_host_db(&etc.join(host::HOST_DIR))?),
        None => None,
    };
    if let Some(host) = &host {
        host.check_sections(&profiles)?;
        let user_at = key_span(&spec_path, spec_text, "user");
        if spec.new_user {
            warnings.extend(host.new_user(&spec.user, &spec.groups, &profiles, &user_at)?);
        } else {
            let groups_at = key_span(&spec_path, spec_text, "groups");
            let (groups, group_warnings) =
                host.groups_for(&spec.user, &spec.groups, &profiles, (&user_at, &groups_at))?;
            warnings.extend(group_warnings);
            spec.groups = groups;
        }
    }
    warnings.extend(group_sections(
        &profiles,
        &spec.user,
        &spec.groups,
        &key_span(&spec_path, spec_text, "groups"),
    ));
    let resolved = profiles::resolve(&profiles, &spec.user, &spec.groups);
    check_lists(&profiles, &resolved)?;
    let path_map: Vec<(String, String)> = spec
        .paths
        .iter()
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    let templating = match &chart {
        Some(chart) if chart.use_templates => super::templating::from_helm(etc, chart)?,
        _ => super::templating::read(etc, &path_map, &resolved)?,
    };
    warnings.extend(templating.warnings);

    let resource_profiles = match read_resources(etc)? {
        Some((r, lex_warnings)) => {
            warnings.extend(lex_warnings);
            warnings.extend(r.check_offered(&resolved));
            Some(r)
        }
        None => None,
    };
    let (line, col) = key_at(spec_text, "session.resource-profile");
    let at = Span::at(&spec_path, line, col);
    let (session, resource_profile) =
        resources::apply(resource_profiles.as_ref(), &spec.session, &resolved, &at)?;
    spec.session = session;

    let mut overrides = Vec::new();
    if let Some(setting) = resolved.get("job-json-overrides") {
        let (refs, list_warnings) = overrides::parse_list(&setting.value, &setting.span)?;
        warnings.extend(list_warnings);
        let extra: Vec<(String, String)> = spec
            .paths
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        // Resolved once, and only when a file the list names is behind a link.
        let real_etc = std::cell::OnceCell::new();
        for (i, mut r) in refs.into_iter().enumerate() {
            if let Some(chart) = &chart {
                // The chart wrote the list; point at the entry in the values file instead.
                r.span = chart.pair_span(&setting.section, i);
                if let Some(name) = chart.file_of(&r.path) {
                    overrides.push(Override {
                        pointer: r.pointer,
                        value: chart.files[name].clone(),
                        file: chart.path.clone(),
                        within: chart.json_at(name).map(str::to_owned),
                        path: r.path,
                        span: r.span,
                    });
                    continue;
                }
            }
            let file = map_override_path(&r.path, etc, &real_etc, &extra, &r.span)?;
            let bytes = std::fs::read(&file).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => Error::from(Located::new(
                    r.span.clone(),
                    ErrorKind::OverrideMissing {
                        path: r.path.clone(),
                        file: file.clone(),
                    },
                )),
                _ => Error::Io {
                    action: "read",
                    path: file.clone(),
                    source,
                },
            })?;
            let value = overrides::parse_value(&file, &bytes)?;
            overrides.push(Override {
                pointer: r.pointer,
                path: r.path,
                file,
                within: None,
                span: r.span,
                value,
            });
        }
    }

    let base_job = read_optional_yaml(&dir.join("base-job.yaml"))?.map(|(_, job)| job);
    if base_job.is_none() {
        // What the session asks that the launcher's template leaves out of the Job it builds.
        warnings.extend(crate::job::template_drops(&spec.session));
    }

    let mut setup = spec.setup.clone();
    setup.extend(setup_files(&dir.join("setup"))?);
    let nodes = if load_opts.skip_nodes {
        None
    } else {
        read_nodes(dir, suite_root, &spec, spec_text)?
    };

    Ok(Case {
        name: name.to_string(),
        setup,
        dir: dir.to_path_buf(),
        expected_job: read_golden(dir.join("expected-job.yaml"))?,
        expected_pod: read_golden(dir.join("expected-pod.yaml"))?,
        spec,
        version,
        profiles,
        resolved,
        overrides,
        base_job,
        warnings,
        launcher_conf: templating.conf,
        templates: templating.templates,
        host,
        resource_profile,
        nodes,
    })
}

/// Reads `nodes.yaml` (the case's own, else its suite's beside `suite.yaml`), and checks
/// `schedule:` against it.
fn read_nodes(
    dir: &Path,
    suite_root: Option<&Path>,
    spec: &CaseSpec,
    spec_text: &str,
) -> Result<Option<super::nodes::Nodes>, Error> {
    let own = dir.join(super::nodes::NODES_FILE);
    let path = match suite_root {
        Some(root) if !own.is_file() => root.join(super::nodes::NODES_FILE),
        _ => own,
    };
    let at = || key_span(&dir.join("case.yaml"), spec_text, "schedule");
    if let Some(schedule) = &spec.schedule {
        let wrong = if !schedule.on.is_empty() && schedule.unschedulable {
            Some(ErrorKind::ScheduleOnAndUnschedulable)
        } else if schedule.reason.is_some() && !schedule.unschedulable {
            Some(ErrorKind::ScheduleReasonWithoutUnschedulable)
        } else if !path.is_file() {
            Some(ErrorKind::ScheduleWithoutNodes)
        } else {
            None
        };
        if let Some(kind) = wrong {
            return Err(Located::new(at(), kind).into());
        }
    }
    if !path.is_file() {
        return Ok(None);
    }
    let text = read_text(&path)?;
    Ok(Some(super::nodes::parse_once(&path, &text)?))
}

/// Renders the Helm values file a case names, refusing a case that also has a profiles file.
fn helm_chart(
    dir: &Path,
    etc: &Path,
    file: &str,
    spec: &CaseSpec,
    spec_text: &str,
    opts: ParseOptions,
) -> Result<helm::Chart, Error> {
    let spec_path = dir.join("case.yaml");
    // A spec made by a command (no case.yaml text) names a values file next to anything.
    if !spec_text.is_empty() && etc.join(PROFILES_FILE).is_file() {
        return Err(Located::new(
            key_span(&spec_path, spec_text, "helm-values"),
            ErrorKind::HelmAndProfiles,
        )
        .into());
    }
    let path = dir.join(file);
    let text = read_text(&path)?;
    let options = helm::Options {
        release: spec
            .helm_release
            .clone()
            .unwrap_or_else(|| helm::Options::default().release),
        allow_unknown_keys: opts.allow_unknown_keys,
    };
    Ok(helm::render(&path, &text, &options)?)
}

/// The objects in `setup/*.yaml` (files sorted by name; several documents per file allowed).
fn setup_files(dir: &Path) -> Result<Vec<Value>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = entries(dir)?
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for file in files {
        let text = read_text(&file)?;
        for (n, document) in serde_yaml_ng::Deserializer::from_str(&text).enumerate() {
            let again = || {
                serde_yaml_ng::Deserializer::from_str(&text)
                    .nth(n)
                    .unwrap_or_else(|| serde_yaml_ng::Deserializer::from_str(""))
            };
            let value: Value = yaml::parse_document(&file, document, &again, |_| &[])?;
            if !value.is_null() {
                objects.push(value);
            }
        }
    }
    Ok(objects)
}

/// The case file an override path names; `real_dir` holds `dir` with its links resolved, once
/// one file needs it.
/// Whether `path` is lexically below `dir` and no component between them is a symbolic link
/// (a component that does not exist counts as none: reading the file reports it missing).
fn below_without_links(path: &Path, dir: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(dir) else {
        return false;
    };
    let mut at = dir.to_path_buf();
    for component in rel.components() {
        let std::path::Component::Normal(name) = component else {
            return false;
        };
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return false,
            Ok(_) => {}
            Err(_) => return true,
        }
    }
    true
}

fn map_override_path(
    path: &str,
    dir: &Path,
    real_dir: &std::cell::OnceCell<Option<PathBuf>>,
    extra: &[(String, String)],
    span: &Span,
) -> Result<PathBuf, CaseError> {
    let path_owned = || path.to_owned();
    let mapped = paths::map(path, dir, extra).map_err(|why| {
        let kind = match why {
            Unmapped::Relative => ErrorKind::RelativePath { path: path_owned() },
            Unmapped::NoPrefix => ErrorKind::NotMapped { path: path_owned() },
            Unmapped::Escapes => ErrorKind::Escapes { path: path_owned() },
        };
        Located::new(span.clone(), kind)
    })?;
    // A symlink may still point out of the case; the launcher would read it, jjo must not.
    // A file below `dir` with no link on the way stays inside: that is checked with one stat
    // per component, where resolving both paths reads every component of each.
    let real_dir = || real_dir.get_or_init(|| dir.canonicalize().ok()).as_deref();
    if !below_without_links(&mapped, dir)
        && let (Ok(real), Some(root)) = (mapped.canonicalize(), real_dir())
        && !real.starts_with(root)
    {
        // Through a `paths:` entry whose directory leaves the case, not a symlink.
        let entry = extra.iter().find(|(prefix, target)| {
            let prefix = prefix.trim_end_matches('/');
            let under = path
                .strip_prefix(prefix)
                .is_some_and(|r| r.is_empty() || r.starts_with('/'));
            let abs = |p: &Path| super::suite::lexical(&std::path::absolute(p).unwrap_or_default());
            let leaves = !abs(&dir.join(target)).starts_with(abs(dir));
            under && leaves
        });
        if let Some((prefix, target)) = entry {
            return Err(Located::new(
                span.clone(),
                ErrorKind::PathsOutside {
                    path: path_owned(),
                    prefix: prefix.clone(),
                    target: target.clone(),
                },
            ));
        }
        return Err(Located::new(
            span.clone(),
            ErrorKind::LinkOutside {
                path: path_owned(),
                real,
            },
        ));
    }
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::Hint;

    /// The stat-per-component check sees a link anywhere between the case and the file, a
    /// directory link included, so the full resolution still runs for it.
    #[test]
    fn a_link_on_the_way_to_an_override_file_is_seen() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let case = tmp.path().join("case");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(case.join("real")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(case.join("real/f"), "{}").expect("write");
        std::fs::write(outside.join("f"), "{}").expect("write");
        std::os::unix::fs::symlink(&outside, case.join("linked")).expect("symlink");
        assert!(below_without_links(&case.join("real/f"), &case));
        assert!(below_without_links(&case.join("real/missing"), &case));
        assert!(!below_without_links(&case.join("linked/f"), &case));
        assert!(!below_without_links(&outside.join("f"), &case));
        assert!(!below_without_links(&case.join("real/../f"), &case));
    }

    fn spec_error(text: &str) -> CaseError {
        match yaml::parse_with::<CaseSpec>(Path::new("case.yaml"), text, spec::known_keys) {
            Ok(spec) => panic!("{text:?} should fail, got {spec:?}"),
            Err(e) => e,
        }
    }

    /// A case directory in a temporary folder, removed when dropped.
    struct TempCase(tempfile::TempDir);

    impl TempCase {
        fn new(files: &[(&str, &str)]) -> TempCase {
            let tmp = tempfile::tempdir().expect("temp dir");
            for (name, text) in files {
                let path = tmp.path().join(name);
                std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
                std::fs::write(path, text).expect("write");
            }
            TempCase(tmp)
        }

        fn load(&self) -> Result<Case, Error> {
            load("t", self.0.path(), false)
        }
    }

    const GROUP: &str = "staff:x:50:alice\ngpu:x:60:\nalice:x:1000:\n";
    const PASSWD: &str = "alice:x:1000:1000::/home/alice:/bin/sh\n";

    #[test]
    fn a_case_yaml_naming_helm_values_in_any_spelling_makes_a_case() {
        for spec in [
            "helm-values: values.yaml\n",
            "\"helm-values\": values.yaml\n",
            "{helm-values: values.yaml, user: alice}\n",
            "user: alice\nhelm-values: [values.yaml\n",
        ] {
            let dir = TempCase::new(&[("case.yaml", spec)]);
            assert!(is_case(dir.0.path()), "{spec:?}");
        }
        for spec in ["user: alice\n", "session:\n  helm-values: x\n", "user: [\n"] {
            let dir = TempCase::new(&[("case.yaml", spec)]);
            assert!(!is_case(dir.0.path()), "{spec:?}");
        }
    }

    #[test]
    fn host_dir_gives_the_users_groups_and_checks_group_sections() {
        let case = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n[@staff]\nmax-cpus=2\n"),
            ("case.yaml", "user: alice\n"),
            ("host/group", GROUP),
            ("host/passwd", PASSWD),
        ]);
        let loaded = case.load().expect("loads");
        assert_eq!(loaded.spec.groups, ["staff", "alice"]);
        assert_eq!(
            loaded.resolved.get("max-cpus").map(|s| s.value.as_str()),
            Some("2")
        );

        // SDK `populateGroups`: a `[@group]` the host lacks stops the plugin for everybody.
        let bad = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n\n[@admins]\nmax-cpus=2\n"),
            ("host/group", GROUP),
            ("host/passwd", PASSWD),
        ]);
        let err = bad.load().unwrap_err();
        assert!(matches!(err, Error::Host(_)), "{err}");
        assert!(
            err.to_string().ends_with(&format!(
                "{PROFILES_FILE}:4:1: unable to retrieve group information for `[@admins]`: the host has no group `admins`"
            )),
            "{err}"
        );
    }

    #[test]
    fn contradicting_case_groups_warn_at_their_line() {
        let case = TempCase::new(&[
            (PROFILES_FILE, "[@staff]\nmax-cpus=2\n"),
            ("case.yaml", "user: alice\ngroups: [gpu]\n"),
            ("host/group", GROUP),
            ("host/passwd", PASSWD),
        ]);
        let loaded = case.load().expect("loads");
        assert_eq!(loaded.spec.groups, ["staff", "alice"]);
        let lines: Vec<u32> = loaded
            .warnings
            .iter()
            .filter_map(|w| w.span.as_ref().map(|s| s.line))
            .collect();
        assert_eq!(lines, [2, 2], "{:?}", loaded.warnings);
    }

    /// job.tpl 2.4.0 writes `runAsUser` under Go's `if`: a uid of 0 is left out, with a warning.
    #[test]
    fn root_uid_warns_unless_a_captured_job_replaces_the_model() {
        let spec = "session:\n  run-as: {uid: 0, gid: 1000}\n";
        let built = TempCase::new(&[(PROFILES_FILE, "[*]\nmax-cpus=1\n"), ("case.yaml", spec)]);
        let warnings = built.load().expect("loads").warnings;
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0]
                .message
                .contains("`run-as.uid: 0` is not written")
        );
        let captured = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n"),
            ("case.yaml", spec),
            ("base-job.yaml", "apiVersion: batch/v1\nkind: Job\n"),
        ]);
        assert!(captured.load().expect("loads").warnings.is_empty());
    }

    #[test]
    fn a_group_written_as_a_user_section_gets_the_group_spelling() {
        let case = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n[gpu]\nmax-cpus=8\n"),
            ("case.yaml", "user: alice\ngroups: [gpu]\n"),
        ]);
        let warnings = case.load().expect("loads").warnings;
        let w = warnings
            .iter()
            .find(|w| w.id == GROUP_SECTION)
            .unwrap_or_else(|| panic!("{warnings:?}"));
        assert_eq!(
            w.hint.as_deref(),
            Some("a group section is written `[@gpu]`")
        );
        assert_eq!(w.span.as_ref().map(|s| s.line), Some(2));
    }

    /// Newcomer trial of issue 17: on a host with a private group per user (`alice:x:2000:`),
    /// `[alice]` is alice's own section, not a misspelt `[@alice]`.
    #[test]
    fn a_users_private_group_is_not_a_misspelt_group_section() {
        let case = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n[alice]\nmax-cpus=8\n"),
            ("case.yaml", "user: alice\ngroups: [alice, staff]\n"),
        ]);
        let warnings = case.load().expect("loads").warnings;
        assert!(
            !warnings.iter().any(|w| w.id == GROUP_SECTION),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_paths_entry_leaving_the_case_is_named_not_taken_for_a_link() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(&shared).expect("mkdir");
        std::fs::write(shared.join("sc.json"), "{}\n").expect("write");
        let case = tmp.path().join("c");
        std::fs::create_dir_all(&case).expect("mkdir");
        std::fs::write(
            case.join(PROFILES_FILE),
            "[*]\njob-json-overrides=\"/spec/template/spec/securityContext\":\"/mnt/o/sc.json\"\n",
        )
        .expect("write");
        std::fs::write(case.join("case.yaml"), "paths:\n  /mnt/o/: ../shared/\n").expect("write");
        let err = load("c", &case, false).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("maps through `paths:` entry `/mnt/o/: ../shared/`"),
            "{text}"
        );
        let hint = err.hint().unwrap_or_default();
        assert!(!hint.contains("copy the file into the case"), "{hint}");
        assert!(hint.contains("suite"), "{hint}");
    }

    #[test]
    fn half_a_host_dir_is_an_error() {
        let case = TempCase::new(&[(PROFILES_FILE, "[*]\nmax-cpus=1\n"), ("host/group", GROUP)]);
        let err = case.load().unwrap_err();
        assert!(
            err.to_string()
                .ends_with("host/passwd: missing: the host's view needs both `group` and `passwd`"),
            "{err}"
        );
    }

    #[test]
    fn resource_profile_is_picked_and_checked_against_the_users_list() {
        let files = |profile: &'static str| {
            vec![
                (PROFILES_FILE, "[*]\nresource-profiles=small\n"),
                (
                    resources::RESOURCES_FILE,
                    "[small]\ncpus=1\n[big]\ncpus=8\n",
                ),
                ("case.yaml", profile),
            ]
        };
        let ok = TempCase::new(&files("session:\n  resource-profile: small\n"));
        let loaded = ok.load().expect("loads");
        assert_eq!(loaded.spec.session.cpus, Some(1.0));
        assert_eq!(
            loaded.resource_profile.map(|p| p.id),
            Some("small".to_owned())
        );

        let refused = TempCase::new(&files("user: bob\nsession:\n  resource-profile: big\n"));
        let err = refused.load().unwrap_err();
        assert!(matches!(err, Error::Resources(_)), "{err}");
        assert!(
            err.to_string().ends_with(
                "case.yaml:3:21: resource profile `[big]` is not in the user's `resource-profiles`"
            ),
            "{err}"
        );
    }

    /// Issue 16: a suite's `nodes.yaml` serves every case below it that has none.
    #[test]
    fn a_suite_s_nodes_serve_its_cases_and_schedule_needs_some() {
        let node = "kind: Node\nmetadata: {name: a}\n";
        let suite = TempCase::new(&[
            (SUITE_FILE, ""),
            ("etc/launcher.kubernetes.profiles.conf", "[*]\nmax-cpus=1\n"),
            ("nodes.yaml", node),
            ("one/case.yaml", "schedule: {on: {pool: gpu}}\n"),
            ("two/case.yaml", "user: bob\n"),
            ("two/nodes.yaml", "kind: Node\nmetadata: {name: b}\n"),
        ]);
        let names = |case: &str| -> Vec<String> {
            let loaded = load(case, &suite.0.path().join(case), false).expect("loads");
            loaded
                .nodes
                .expect("has nodes")
                .nodes
                .into_iter()
                .map(|n| n.name)
                .collect()
        };
        assert_eq!(names("one"), ["a"]);
        assert_eq!(names("two"), ["b"]);
        let lone = TempCase::new(&[
            (PROFILES_FILE, "[*]\nmax-cpus=1\n"),
            ("case.yaml", "user: a\nschedule:\n  unschedulable: true\n"),
        ]);
        let err = lone.load().unwrap_err();
        assert!(
            err.to_string().ends_with(
                "case.yaml:2:10: `schedule:` needs the cluster's nodes, and the case has no `nodes.yaml`"
            ),
            "{err}"
        );
    }

    #[test]
    fn case_yaml_typo_has_line_and_did_you_mean() {
        let err = spec_error("user: alice\ngrups: [a]\n");
        assert_eq!(err.span, Span::at("case.yaml", 2, 1));
        assert_eq!(err.error.to_string(), "unknown key `grups`");
        assert_eq!(err.hint().as_deref(), Some("did you mean `groups`?"));
    }

    #[test]
    fn nested_session_typo_names_its_path() {
        let err = spec_error("session:\n  cpu: 2\n");
        assert_eq!(
            err.to_string(),
            "case.yaml:2:3: unknown key `cpu` in `session`"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `cpus`?"));
    }

    #[test]
    fn every_nested_struct_of_case_yaml_gets_a_did_you_mean() {
        let cases = [
            (
                "checks:\n  - command: [a]\n    exitcode: 1\n",
                "`checks[0]`",
                "exit-code",
            ),
            (
                "session:\n  env:\n    - {name: A, valu: b}\n",
                "`session.env[0]`",
                "value",
            ),
            (
                "session:\n  run-as: {uid: 1, gidd: 2}\n",
                "`session.run-as`",
                "gid",
            ),
            (
                "session:\n  ports:\n    - {target: 1, publish: 2}\n",
                "`session.ports[0]`",
                "published",
            ),
            (
                "session:\n  mounts:\n    - {volume: {}, path: /a, readonly: true}\n",
                "`session.mounts[0]`",
                "read-only",
            ),
        ];
        for (text, parent, suggestion) in cases {
            let err = spec_error(text);
            assert!(err.to_string().ends_with(&format!("in {parent}")), "{err}");
            assert_eq!(
                err.hint(),
                Some(format!("did you mean `{suggestion}`?")),
                "{text}"
            );
        }
    }

    #[test]
    fn a_top_level_key_far_from_any_lists_the_known_keys() {
        let err = spec_error("foo: 1\n");
        assert_eq!(
            err.hint().as_deref(),
            Some(
                "known keys: user, groups, new-user, session, paths, kubernetes, match, pod-security, \
                 expect, reason, allow-unknown-keys, setup, checks, helm-values, helm-release, \
                 schedule"
            )
        );
    }
}
