//! Reading a case directory into a [`Case`]: case.yaml, the profiles file, the override files
//! the user's profile names, a captured base Job, and the goldens.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::paths::{self, Unmapped};
use super::spec::{CaseSpec, KEYS};
use crate::diag::{Warning, did_you_mean};
use crate::error::Error;
use crate::helm;
use crate::location::Span;
use crate::overrides::{self, Override};
use crate::predict::Version;
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
        walk(root, root, &mut found)?;
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

/// Whether `dir` is a case: it holds the profiles file, or a `case.yaml` naming Helm values.
pub fn is_case(dir: &Path) -> bool {
    dir.join(PROFILES_FILE).is_file()
        || std::fs::read_to_string(dir.join("case.yaml"))
            .is_ok_and(|t| t.lines().any(|l| l.starts_with("helm-values:")))
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) -> Result<(), Error> {
    let mut dirs: Vec<PathBuf> = entries(dir)?
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for sub in dirs {
        if is_case(&sub) {
            let name = sub
                .strip_prefix(root)
                .unwrap_or(&sub)
                .to_string_lossy()
                .replace('\\', "/");
            found.push((name, sub));
        } else {
            walk(root, &sub, found)?;
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

/// Reads a text file, with a precise error for missing files and bad UTF-8.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.into(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let col = valid
            .rsplit(|b| *b == b'\n')
            .next()
            .map_or(0, |l| String::from_utf8_lossy(l).chars().count()) as u32
            + 1;
        Error::NotUtf8 {
            span: Span::at(path, line, col),
        }
    })
}

/// Parses YAML into `T`, with the file, line and column of any error and a did-you-mean for
/// unknown keys among `keys`.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str, keys: &[&str]) -> Result<T, Error> {
    parse_document(path, serde_yaml_ng::Deserializer::from_str(text), keys)
}

/// Deserializes one YAML document of the file at `path`, with errors as [`parse_yaml`] gives.
fn parse_document<T: DeserializeOwned>(
    path: &Path,
    de: serde_yaml_ng::Deserializer<'_>,
    keys: &[&str],
) -> Result<T, Error> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        let inner = e.into_inner();
        let span = match inner.location() {
            Some(l) => Span::at(path, l.line() as u32, l.column() as u32),
            None => Span::file(path),
        };
        let raw = inner.to_string();
        // serde_yaml_ng appends " at line N column M" and may prefix a path; both are redone here.
        let raw = raw.split(" at line ").next().unwrap_or(&raw);
        let raw = match raw.split_once(": ") {
            Some((prefix, rest)) if !prefix.contains(' ') => rest,
            _ => raw,
        };
        let (message, hint) = match unknown_field(raw) {
            Some((field, expected)) => {
                let candidates: Vec<&str> = if expected.is_empty() {
                    keys.to_vec()
                } else {
                    expected.iter().map(String::as_str).collect()
                };
                let hint = match did_you_mean(&field, candidates.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys: {}", candidates.join(", ")),
                };
                let parent = at.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
                let message = if parent.is_empty() {
                    format!("unknown key `{field}`")
                } else {
                    format!("unknown key `{field}` in `{parent}`")
                };
                (message, Some(hint))
            }
            None if at.is_empty() || at == "." => (raw.to_string(), None),
            None => (format!("`{at}`: {raw}"), None),
        };
        Error::Syntax {
            span,
            message,
            hint,
        }
    })
}

/// The line of a top-level `key:` in a YAML text (0 when not found), for errors about its value.
fn key_line(text: &str, key: &str) -> u32 {
    let prefix = format!("{key}:");
    text.lines()
        .position(|l| l.starts_with(&prefix))
        .map_or(0, |i| i as u32 + 1)
}

/// Picks the field and the expected names out of serde's "unknown field" message.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let start = message.find("unknown field `")? + "unknown field `".len();
    let rest = &message[start..];
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field.to_string(), expected))
}

/// The text and content of an optional YAML file; `None` when it does not exist.
fn read_optional_yaml(path: &Path) -> Result<Option<(String, Value)>, Error> {
    if !path.exists() {
        return Ok(None);
    }
    let text = read_text(path)?;
    let value = parse_yaml(path, &text, &[])?;
    Ok(Some((text, value)))
}

fn read_golden(path: PathBuf) -> Result<Option<Golden>, Error> {
    Ok(read_optional_yaml(&path)?.map(|(text, value)| Golden { path, text, value }))
}

/// Reads the case in `dir` named `name`.
pub fn load(name: &str, dir: &Path, allow_unknown_keys: bool) -> Result<Case, Error> {
    let spec_path = dir.join("case.yaml");
    let spec_text = if spec_path.exists() {
        read_text(&spec_path)?
    } else {
        String::new()
    };
    let spec: CaseSpec = if spec_text.trim().is_empty() {
        CaseSpec::default()
    } else {
        parse_yaml(&spec_path, &spec_text, KEYS)?
    };
    load_spec(name, dir, spec, &spec_text, allow_unknown_keys)
}

/// Reads the case in `dir` with `spec` standing for its `case.yaml` (whose text, for error
/// lines, is `spec_text`; empty when the spec was made by a command such as `jjo diff`).
pub fn load_spec(
    name: &str,
    dir: &Path,
    spec: CaseSpec,
    spec_text: &str,
    allow_unknown_keys: bool,
) -> Result<Case, Error> {
    let spec_path = dir.join("case.yaml");
    let version = match &spec.kubernetes {
        None => Version::NEWEST,
        Some(text) => Version::parse(text).map_err(|e| Error::Syntax {
            span: Span::line(&spec_path, key_line(spec_text, "kubernetes")),
            message: e.to_string(),
            hint: None,
        })?,
    };

    let opts = ParseOptions {
        allow_unknown_keys: allow_unknown_keys || spec.allow_unknown_keys,
    };
    let chart = match &spec.helm_values {
        None => None,
        Some(file) => Some(helm_chart(dir, file, &spec, spec_text, opts)?),
    };
    let (profiles, mut warnings) = match &chart {
        None => {
            let profiles_path = dir.join(PROFILES_FILE);
            let text = read_text(&profiles_path)?;
            profiles::parse(&profiles_path, &text, opts)?
        }
        Some(chart) => helm::profiles(chart, opts)?,
    };
    let resolved = profiles::resolve(&profiles, &spec.user, &spec.groups);

    let mut overrides = Vec::new();
    if let Some(setting) = resolved.get("job-json-overrides") {
        let (refs, list_warnings) = overrides::parse_list(&setting.value, &setting.span)?;
        warnings.extend(list_warnings);
        let extra: Vec<(String, String)> = spec
            .paths
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        for (i, mut r) in refs.into_iter().enumerate() {
            if let Some(chart) = &chart {
                // The chart wrote the list; point at the entry in the values file instead.
                r.span = chart.pair_span(&setting.section, i);
                if let Some(name) = chart.file_of(&r.path) {
                    overrides.push(Override {
                        pointer: r.pointer,
                        value: chart.files[name].clone(),
                        file: chart.path.clone(),
                        path: r.path,
                        span: r.span,
                    });
                    continue;
                }
            }
            let file = map_override_path(&r.path, dir, &extra, &r.span)?;
            let bytes = std::fs::read(&file).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => Error::Path {
                    span: r.span.clone(),
                    message: format!(
                        "override file `{}` does not exist (`{}` in the case)",
                        r.path,
                        file.display()
                    ),
                    hint: Some(format!(
                        "create `{}` holding one JSON value",
                        file.display()
                    )),
                },
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
                span: r.span,
                value,
            });
        }
    }

    let base_job = read_optional_yaml(&dir.join("base-job.yaml"))?.map(|(_, job)| job);

    let mut setup = spec.setup.clone();
    setup.extend(setup_files(&dir.join("setup"))?);

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
    })
}

/// Renders the Helm values file a case names, refusing a case that also has a profiles file.
fn helm_chart(
    dir: &Path,
    file: &str,
    spec: &CaseSpec,
    spec_text: &str,
    opts: ParseOptions,
) -> Result<helm::Chart, Error> {
    let spec_path = dir.join("case.yaml");
    // A spec made by a command (no case.yaml text) names a values file next to anything.
    if !spec_text.is_empty() && dir.join(PROFILES_FILE).is_file() {
        return Err(Error::Syntax {
            span: Span::line(&spec_path, key_line(spec_text, "helm-values")),
            message: format!("the case has both `helm-values:` and `{PROFILES_FILE}`"),
            hint: Some(format!(
                "the chart renders the profiles file from the values: delete `{PROFILES_FILE}` or `helm-values:`"
            )),
        });
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
    helm::render(&path, &text, &options)
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
        for document in serde_yaml_ng::Deserializer::from_str(&text) {
            let value: Value = parse_document(&file, document, &[])?;
            if !value.is_null() {
                objects.push(value);
            }
        }
    }
    Ok(objects)
}

fn map_override_path(
    path: &str,
    dir: &Path,
    extra: &[(String, String)],
    span: &Span,
) -> Result<PathBuf, Error> {
    let mapped = paths::map(path, dir, extra).map_err(|why| {
        let (message, hint) = match why {
            Unmapped::Relative => (
                format!("override file `{path}` is a relative path"),
                "the launcher needs an absolute path such as `/etc/rstudio/job-json-overrides/...`".to_string(),
            ),
            Unmapped::NoPrefix => (
                format!("override file `{path}` is outside `/etc/rstudio/` and no `paths:` entry maps it"),
                "map its directory in case.yaml, e.g. `paths: {\"/mnt/job-json-overrides-new/\": job-json-overrides/}`"
                    .to_string(),
            ),
            Unmapped::Escapes => (
                format!("override file `{path}` leaves the case directory"),
                "keep override files inside the case (no `..`)".to_string(),
            ),
        };
        Error::Path { span: span.clone(), message, hint: Some(hint) }
    })?;
    // A symlink may still point out of the case; the launcher would read it, jjo must not.
    if let (Ok(real), Ok(root)) = (mapped.canonicalize(), dir.canonicalize())
        && !real.starts_with(&root)
    {
        return Err(Error::Path {
            span: span.clone(),
            message: format!(
                "override file `{path}` resolves to `{}`, outside the case",
                real.display()
            ),
            hint: Some("copy the file into the case instead of linking to it".into()),
        });
    }
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_is_picked_out_of_serde_messages() {
        let (field, expected) =
            unknown_field("unknown field `usr`, expected one of `user`, `groups`").expect("parses");
        assert_eq!(field, "usr");
        assert_eq!(expected, vec!["user", "groups"]);
    }

    #[test]
    fn case_yaml_typo_has_line_and_did_you_mean() {
        let err = parse_yaml::<CaseSpec>(Path::new("case.yaml"), "user: alice\ngrups: [a]\n", KEYS)
            .unwrap_err();
        let Error::Syntax {
            span,
            message,
            hint,
        } = err
        else {
            panic!("wrong error")
        };
        assert_eq!(
            (span.line, span.file.as_path()),
            (2, Path::new("case.yaml"))
        );
        assert_eq!(message, "unknown key `grups`");
        assert_eq!(hint.as_deref(), Some("did you mean `groups`?"));
    }

    #[test]
    fn nested_session_typo_names_its_path() {
        let err = parse_yaml::<CaseSpec>(Path::new("case.yaml"), "session:\n  cpu: 2\n", KEYS)
            .unwrap_err();
        let Error::Syntax { message, hint, .. } = err else {
            panic!("wrong error")
        };
        assert_eq!(message, "unknown key `cpu` in `session`");
        assert_eq!(hint.as_deref(), Some("did you mean `cpus`?"));
    }
}
