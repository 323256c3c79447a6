//! Posit's `rstudio-workbench` Helm chart: what it renders for the launcher from a values file —
//! the `launcher.kubernetes.profiles.conf` text and the `<name>.json` override files it mounts
//! under `/mnt/job-json-overrides-new/` — so that a values file can stand for `/etc/rstudio`.
//!
//! The rules follow the chart's templates (github.com/rstudio/helm, chart 0.22):
//! `charts/rstudio-library/templates/_profiles.tpl` (sections, `[*]` entries prepended to every
//! other section, file names, the refusal of an entry without `name`, `json` or `target`),
//! `charts/rstudio-workbench/templates/configmap-general.yaml` (the chart's own `[*]` keys and
//! the session-config overrides it prepends) and `templates/NOTES.txt` (overrides refused with
//! `launcher.useTemplates`). The README's "Helm values" section lists them for admins.
//!
//! Helm reads values through `sigs.k8s.io/yaml`, so every number is a float64 and is printed
//! with Go's `%v`; Go templates range over maps in sorted key order. Both are reproduced here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::Warning;
use crate::location::{Hint, Located, Span};
use crate::template::gofmt;

/// A values file the chart (or jjo, reading it) refuses, with its place.
pub type Error = Located<ErrorKind>;

/// Why a values file makes no launcher configuration; [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// A profile key the launcher does not know, under `config.profiles`.
    #[error("unknown profile key `{key}` in `[{section}]`")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The section it is in.
        section: String,
        /// The did-you-mean, or where the keys are listed.
        hint: String,
    },
    /// Text that is not YAML.
    #[error("invalid YAML: {message}")]
    Yaml {
        /// The YAML reader's message without its position.
        message: String,
        /// What the likely mistake is, read from the line.
        hint: String,
    },
    /// A values file whose top level is not a map.
    #[error("a values file is a map, not {found}")]
    NotAMap {
        /// What it is (`a list`, `a string`, ...).
        found: &'static str,
    },
    /// A value the chart refuses or renders into something the launcher cannot read, in
    /// words made for that value at the place it is found.
    #[error("{message}")]
    Refused {
        /// What is wrong.
        message: String,
        /// What to write instead.
        hint: String,
    },
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::UnknownKey { hint, .. }
            | ErrorKind::Yaml { hint, .. }
            | ErrorKind::Refused { hint, .. } => Some(hint.clone()),
            ErrorKind::NotAMap { .. } => {
                Some("start with top-level keys such as `config:` and `launcher:`".into())
            }
        }
    }
}

/// Where the chart mounts the override files it renders.
pub const MOUNT: &str = "/mnt/job-json-overrides-new/";

/// The key of the profiles file under `config.profiles`.
pub const PROFILES_KEY: &str = "launcher.kubernetes.profiles.conf";

/// The chart's name, the default of `nameOverride` (Chart.yaml).
const CHART_NAME: &str = "rstudio-workbench";

/// The chart's session image defaults (values.yaml, chart 0.22): `R{r}-python{py}-{os}`.
const SESSION_IMAGE: (&str, &str, &str, &str) =
    ("posit/workbench-session", "4.5.2", "3.14.3", "ubuntu-24.04");

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Helm release name (`helm install NAME`); names the session ConfigMap.
    pub release: String,
    /// Unknown profile keys are warnings, not errors.
    pub allow_unknown_keys: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            release: CHART_NAME.into(),
            allow_unknown_keys: false,
        }
    }
}

/// What the chart renders for the launcher, with the way back to the values file.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The values file.
    pub path: PathBuf,
    /// The text of `launcher.kubernetes.profiles.conf`.
    pub profiles: String,
    /// The override files by name (`vol.json`), as the values hold them.
    pub files: BTreeMap<String, Value>,
    /// For each line of `profiles` (index 0 is line 1), the values-file line it comes from.
    lines: Vec<u32>,
    /// For each section, where each override pair of its rendered list comes from.
    pairs: BTreeMap<String, Vec<Span>>,
    /// For each override file, the path (as `compare` spells paths) in the values file of the
    /// `json:` that wrote it last, so that a finding inside the value points at its key there.
    json_at: BTreeMap<String, String>,
    /// Whether sessions are built in templating mode (`launcher.useTemplates`, the default).
    pub use_templates: bool,
    /// In templating mode, the `rstudio-library-templates-data.tpl` the chart writes beside
    /// `job.tpl`: `launcher.templateValues` plus the session mounts, as JSON in a named template.
    pub template_data: Option<String>,
    /// `launcher.templateValues` (the data of templating mode), when present.
    pub template_values: Option<Value>,
    /// Duplicate names, values the chart prints oddly, entries shadowed by others.
    pub warnings: Vec<Warning>,
}

impl Chart {
    /// The text of an override file as the chart writes it (`toPrettyJson`: keys sorted).
    pub fn file_text(&self, name: &str) -> Option<String> {
        let value = self.files.get(name)?;
        serde_json::to_string_pretty(&sorted(value)).ok()
    }

    /// Moves a span in the rendered profiles text to the values-file line it comes from.
    pub fn relocate(&self, span: &Span) -> Span {
        let line = match span.line {
            0 => 0,
            n => self.lines.get(n as usize - 1).copied().unwrap_or(0),
        };
        Span::line(&self.path, line)
    }

    /// Where the `index`th override pair of section `section`'s rendered list comes from.
    pub fn pair_span(&self, section: &str, index: usize) -> Span {
        self.pairs
            .get(section)
            .and_then(|p| p.get(index))
            .cloned()
            .unwrap_or_else(|| Span::file(&self.path))
    }

    /// Where in the values file the `json:` of override file `name` is, as a path.
    pub fn json_at(&self, name: &str) -> Option<&str> {
        self.json_at.get(name).map(String::as_str)
    }

    /// The file name (`vol.json`) an override path the chart wrote names, if it is one.
    pub fn file_of<'a>(&self, path: &'a str) -> Option<&'a str> {
        path.strip_prefix(MOUNT)
            .filter(|n| self.files.contains_key(*n))
    }
}

/// Parses the profiles text the chart rendered, with every place moved back to the values file
/// and the chart's warnings added.
pub fn profiles(
    chart: &Chart,
    opts: crate::profiles::ParseOptions,
) -> Result<(crate::profiles::Profiles, Vec<Warning>), crate::profiles::Error> {
    let (mut profiles, mut warnings) = crate::profiles::parse(&chart.path, &chart.profiles, opts)?;
    for section in &mut profiles.sections {
        section.span = chart.relocate(&section.span);
        for entry in &mut section.entries {
            entry.span = chart.relocate(&entry.span);
            entry.value_span = chart.relocate(&entry.value_span);
        }
    }
    for w in &mut warnings {
        w.span = w.span.as_ref().map(|s| chart.relocate(s));
    }
    warnings.extend(chart.warnings.iter().cloned());
    Ok((profiles, warnings))
}

/// One `{name, target, json}` entry and where it is.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    target: String,
    json: Value,
    span: Span,
    /// Where its `json:` is in the values file, as a path (`None` for the chart's defaults).
    json_at: Option<String>,
    /// The section it was written under (`None` for the chart's own defaults).
    section: Option<String>,
}

impl Entry {
    fn file(&self) -> String {
        format!("{}.json", nospace(&self.name))
    }
}

/// Reads a values file's text and renders what the chart would.
pub fn render(path: &Path, text: &str, opts: &Options) -> Result<Chart, Error> {
    let values = parse(path, text)?;
    let at = Locator {
        path,
        text,
        values: &values,
    };
    let launcher = values.get("launcher");
    let flag = |key: &str, default: bool| launcher.and_then(|l| l.get(key)).map_or(default, truthy);
    let use_templates = flag("useTemplates", true);
    let config = values.get("config");
    if let Some(server) = config.and_then(|c| c.get("server"))
        && server.get(PROFILES_KEY).is_some()
    {
        return Err(at.error(
            &["config", "server", PROFILES_KEY],
            format!("`config.server.{PROFILES_KEY}` replaces the chart's profiles rendering"),
            "jjo reads `config.profiles`: move the sections there (the chart then renders the \
             profiles file and the override files)",
        ));
    }
    let written = config
        .and_then(|c| c.get("profiles"))
        .and_then(|p| p.get(PROFILES_KEY));
    let sections: Vec<(String, Value)> = match written {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(other) => {
            return Err(at.error(
                &in_profiles(&[]),
                format!(
                    "`config.profiles.{PROFILES_KEY}` must be a map of sections, not {}",
                    kind(other)
                ),
                "write `\"*\":`, `\"@group\":` or `user:` keys, each holding `key: value` pairs",
            ));
        }
    };
    let templating = use_templates && flag("enabled", true);
    if templating
        && let Some((name, _)) = sections
            .iter()
            .find(|(_, s)| s.get("job-json-overrides").is_some())
    {
        return Err(at.error(
                &in_profiles(&[name, "job-json-overrides"]),
                format!(
                    "`[{name}]` has `job-json-overrides`, which the chart refuses with \
                     `launcher.useTemplates: true` (the default since chart 0.9.0)"
                ),
                "move the overrides to `launcher.templateValues`, or set `launcher.useTemplates: false`",
            ));
    }

    let mut warnings = Vec::new();
    // In templating mode the chart empties its own overrides and puts the session mounts into
    // the template values instead (configmap-general.yaml).
    let defaults = if templating {
        Vec::new()
    } else {
        default_overrides(&values, opts)
    };
    // Sections, sorted as Go ranges over a map; each value checked for what the chart can print.
    let mut data: BTreeMap<String, Value> = BTreeMap::new();
    data.insert("*".into(), default_profile(&values));
    for (name, section) in &sections {
        let here = in_profiles(&[name.as_str()]);
        let Value::Object(keys) = section else {
            return Err(at.error(
                &here,
                format!("`{name}` is not a section: the chart writes `{name}={}` outside any `[section]`", go_print(section)),
                "sections are maps: `\"*\":`, `\"@group\":` or `user:` holding `key: value` pairs",
            ));
        };
        for (key, value) in keys {
            if key != "job-json-overrides" && !crate::profiles::is_known_key(key) {
                let hint = match crate::diag::did_you_mean(
                    key,
                    crate::profiles::KNOWN_KEYS.iter().copied(),
                ) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "see the launcher's Kubernetes plugin documentation for the keys it reads"
                            .into()
                    }
                };
                let place = at.span(&[&here[..], &[key.as_str()]].concat());
                if opts.allow_unknown_keys {
                    warnings.push(
                        Warning::new(
                            "unknown-key",
                            format!("unknown profile key `{key}` in `[{name}]`"),
                        )
                        .at(place)
                        .hint(hint),
                    );
                } else {
                    return Err(Located::new(
                        place,
                        ErrorKind::UnknownKey {
                            key: key.clone(),
                            section: name.clone(),
                            hint,
                        },
                    ));
                }
            }
            if matches!(value, Value::Object(_)) {
                return Err(at.error(
                    &[&here[..], &[key.as_str()]].concat(),
                    format!("`{key}` in `[{name}]` is a map; the chart would write it as Go's `map[...]`"),
                    "profile values are scalars or lists",
                ));
            }
        }
        let mut section = section.clone();
        if let Value::Object(keys) = &mut section {
            for (key, value) in keys.iter_mut() {
                let path = [&here[..], &[key.as_str()]].concat();
                if let Some(b) = yaml11_bool(value)
                    && at.is_plain(&path)
                {
                    let word = value.as_str().unwrap_or_default().to_string();
                    warnings.push(
                        Warning::new("yaml-boolean", format!(
                            "Helm reads the unquoted `{word}` of `{key}` in `[{name}]` as the boolean `{b}` (YAML 1.1), so the chart writes `{key}={b}`"
                        ))
                        .at(at.span(&path))
                        .hint(format!("quote it (`\"{word}\"`) if the text is meant, or write `{b}`")),
                    );
                    *value = Value::Bool(b);
                }
            }
        }
        let merged = data.remove(name).unwrap_or(Value::Object(Map::new()));
        data.insert(name.clone(), merge_overwrite(merged, section));
    }

    // Each section's own entries, checked where they are written.
    let mut own: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for (name, section) in &sections {
        let Some(list) = section.get("job-json-overrides") else {
            continue;
        };
        let here = in_profiles(&[name.as_str(), "job-json-overrides"]);
        let Value::Array(items) = list else {
            return Err(at.error(
                &here,
                format!("`[{name}].job-json-overrides` must be a list of `{{name, target, json}}` entries, not {}", kind(list)),
                "write each override as `- name: ...`, `target: /json/pointer`, `json: <value>`",
            ));
        };
        let mut entries = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let index = i.to_string();
            let path = [&here[..], &[index.as_str()]].concat();
            entries.push(entry(&at, &path, name, item)?);
        }
        own.insert(name.clone(), entries);
    }
    for e in own.values().flatten() {
        // A string is a valid override value, but JSON text in one is almost never the intent.
        if let Value::String(s) = &e.json
            && serde_json::from_str::<Value>(s).is_ok_and(|v| v.is_object() || v.is_array())
        {
            warnings.push(
                Warning::new("json-string", format!(
                    "`json` of override `{}` is a string holding JSON; the chart writes it as a JSON string, not as the {} it spells",
                    e.name,
                    if s.trim_start().starts_with('[') { "list" } else { "object" }
                ))
                .at(e.span.clone())
                .hint("write the value as YAML under `json:` (or drop the quotes around a flow map)"),
            );
        }
    }

    // The chart's override files: defaults first (their names are not remembered, a quirk of the
    // template), then each section's entries in sorted section order, first name wins.
    let mut files: BTreeMap<String, Value> = BTreeMap::new();
    let mut first: BTreeMap<String, Entry> = BTreeMap::new();
    let mut writer: BTreeMap<String, Entry> = BTreeMap::new();
    for d in &defaults {
        merge_file(&mut files, &mut writer, d, &mut warnings);
    }
    for entries in own.values() {
        for e in entries {
            if let Some(kept) = first.get(&e.name) {
                let same = kept.json == e.json;
                let message = if same {
                    format!(
                        "override `{}` in `[{}]` repeats the one in `[{}]`",
                        e.name,
                        e.section.as_deref().unwrap_or("*"),
                        kept.section.as_deref().unwrap_or("*"),
                    )
                } else {
                    format!(
                        "override `{}` in `[{}]` has the name of the one in `[{}]` ({}), whose `json` the chart writes to `{}`: this entry's `json` is dropped",
                        e.name,
                        e.section.as_deref().unwrap_or("*"),
                        kept.section.as_deref().unwrap_or("*"),
                        kept.span,
                        e.file()
                    )
                };
                let hint = if e.section.as_deref() != Some("*")
                    && kept.section.as_deref() == Some("*")
                {
                    "the chart already prepends `[*]`'s entries to every section; remove this one or give it its own name"
                } else {
                    "give each override its own `name`"
                };
                warnings.push(
                    Warning::new("duplicate-override-name", message)
                        .at(e.span.clone())
                        .hint(hint),
                );
                continue;
            }
            first.insert(e.name.clone(), e.clone());
            merge_file(&mut files, &mut writer, e, &mut warnings);
        }
    }

    // The profiles text: `[*]` holds defaults + its own entries; every other section with
    // entries gets defaults + `[*]`'s + its own.
    let star: Vec<Entry> = defaults
        .iter()
        .cloned()
        .chain(own.get("*").cloned().unwrap_or_default())
        .collect();
    let mut out = String::new();
    let mut lines = Vec::new();
    let mut pairs = BTreeMap::new();
    for (name, section) in &data {
        let Value::Object(keys) = section else {
            continue;
        };
        let list: Option<Vec<Entry>> = if name == "*" {
            (!star.is_empty()).then(|| star.clone())
        } else {
            own.get(name)
                .map(|mine| star.iter().cloned().chain(mine.iter().cloned()).collect())
        };
        let header = at.line(&in_profiles(&[name]));
        if !out.is_empty() {
            out.push('\n');
            lines.push(0);
        }
        let _ = writeln!(out, "[{name}]");
        lines.push(header);
        let mut sorted_keys: Vec<String> = keys.keys().cloned().collect();
        if list.is_some() && !keys.contains_key("job-json-overrides") {
            sorted_keys.push("job-json-overrides".into());
        }
        sorted_keys.sort();
        for key in &sorted_keys {
            let key_line = at.line(&in_profiles(&[name, key]));
            if key == "job-json-overrides" {
                let Some(list) = &list else { continue };
                let text: Vec<String> = list
                    .iter()
                    .map(|e| {
                        format!(
                            "{}:{}",
                            gofmt::quote(&e.target),
                            gofmt::quote(&format!("{MOUNT}{}", e.file()))
                        )
                    })
                    .collect();
                let _ = writeln!(out, "job-json-overrides={}", text.join(","));
                lines.push(key_line.max(header));
                pairs.insert(name.clone(), list.iter().map(|e| e.span.clone()).collect());
                continue;
            }
            let value = &keys[key.as_str()];
            if let Value::String(s) = value
                && s.contains('\n')
            {
                return Err(at.error(
                    &in_profiles(&[name, key]),
                    format!("`{key}` in `[{name}]` holds a line break, which ends the value in the profiles file"),
                    "write the value on one line",
                ));
            }
            let _ = writeln!(out, "{key}={}", ini_value(value));
            lines.push(key_line);
        }
    }
    let template_values = launcher.and_then(|l| l.get("templateValues")).cloned();
    let template_data = (templating && flag("includeTemplateValues", true))
        .then(|| template_data(&values, template_values.clone(), opts));
    Ok(Chart {
        use_templates: templating,
        template_data,
        path: path.to_path_buf(),
        profiles: out,
        json_at: writer
            .iter()
            .filter_map(|(file, e)| Some((file.clone(), e.json_at.clone()?)))
            .collect(),
        files,
        lines,
        pairs,
        template_values,
        warnings,
    })
}

/// The path of `rest` under the chart's `config.profiles."launcher.kubernetes.profiles.conf"`.
fn in_profiles<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    [&["config", "profiles", PROFILES_KEY][..], rest].concat()
}

/// Adds one entry's file the way the chart's `mergeOverwrite` into its file dict does.
fn merge_file(
    files: &mut BTreeMap<String, Value>,
    writer: &mut BTreeMap<String, Entry>,
    e: &Entry,
    warnings: &mut Vec<Warning>,
) {
    let file = e.file();
    match files.remove(&file) {
        None => {
            files.insert(file.clone(), e.json.clone());
        }
        Some(old) => {
            let before = writer.get(&file);
            let what = match before {
                Some(b) if b.section.is_none() => format!("the chart's own override `{}`", b.name),
                Some(b) => format!("override `{}` ({})", b.name, b.span),
                None => "another override".into(),
            };
            warnings.push(
                Warning::new("same-override-file", format!(
                    "override `{}` writes the same file `{file}` as {what}; the chart merges both `json` values into it",
                    e.name
                ))
                .at(e.span.clone())
                .hint("give it a name of its own (the chart removes spaces from names)"),
            );
            files.insert(file.clone(), merge_overwrite(old, e.json.clone()));
        }
    }
    writer.insert(file, e.clone());
}

/// Reads one `{name, target, json}` entry, with the chart's refusal and jjo's checks of what
/// a truncated or hand-edited values file gets wrong.
fn entry(at: &Locator<'_>, path: &[&str], section: &str, item: &Value) -> Result<Entry, Error> {
    let Value::Object(map) = item else {
        return Err(at.error(
            path,
            format!(
                "an entry of `[{section}].job-json-overrides` must be a map, not {}",
                kind(item)
            ),
            "write `- name: ...` with `target:` and `json:` indented under it",
        ));
    };
    let missing: Vec<&str> = ["name", "target", "json"]
        .into_iter()
        .filter(|k| !map.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        // A misspelt key (`nme:`) explains a missing one better than truncation does.
        let typo = map
            .keys()
            .filter(|k| !["name", "target", "json"].contains(&k.as_str()))
            .find_map(|k| {
                crate::diag::did_you_mean(k, missing.iter().copied()).map(|m| (k.clone(), m))
            });
        let hint = if let Some((found, meant)) = &typo {
            format!("`{found}` is not a key of an entry: did you mean `{meant}`?")
        } else if at.is_last_entry(path) {
            "the entry is the end of the file: was the file truncated?".into()
        } else {
            "every entry needs `name`, `target` and `json`".into()
        };
        let typo_key: Vec<&str> = match &typo {
            Some((found, _)) => [path, &[found.as_str()]].concat(),
            None => path.to_vec(),
        };
        return Err(at.error(
            &typo_key,
            format!("an entry of `[{section}].job-json-overrides` has no {list}; the chart refuses it (it must have keys `name`, `json` and `target`)"),
            &hint,
        ));
    }
    let key = |k: &'static str| -> Vec<&str> { [path, &[k]].concat() };
    let name = match &map["name"] {
        Value::String(s) if !s.trim().is_empty() => s.clone(),
        Value::Null => {
            return Err(at.empty(
                &key("name"),
                "`name` is empty",
                "name the override; the chart names its file `<name>.json`",
            ));
        }
        other => go_print(other),
    };
    let target = match &map["target"] {
        Value::String(s) if s.starts_with('/') => s.clone(),
        Value::String(s) if s.is_empty() => {
            return Err(at.empty(
                &key("target"),
                "`target` is empty",
                "write the JSON pointer, e.g. `target: /spec/template/spec/nodeSelector`",
            ));
        }
        Value::Null => {
            return Err(at.empty(
                &key("target"),
                "`target` is empty",
                "write the JSON pointer, e.g. `target: /spec/template/spec/nodeSelector`",
            ));
        }
        Value::String(s) => {
            return Err(at.error(
                &key("target"),
                format!("`target` `{s}` is not a JSON pointer"),
                &format!(
                    "a pointer starts with `/`: `/{}`",
                    s.trim_start_matches('#')
                ),
            ));
        }
        other => {
            return Err(at.error(
                &key("target"),
                format!("`target` must be a JSON pointer, not {}", kind(other)),
                "quote the pointer",
            ));
        }
    };
    let json = map["json"].clone();
    if json.is_null() && !at.says_null(&key("json")) {
        return Err(at.empty(
            &key("json"),
            "`json` is empty; the chart would write the file `null`",
            "write the value under `json:` (a YAML map or list indented below it, or a scalar after it); write `json: null` if null is meant",
        ));
    }
    Ok(Entry {
        name,
        target,
        json,
        span: at.span(path),
        json_at: Some(at.path_of(&[path, &["json"]].concat())),
        section: Some(section.to_string()),
    })
}

/// The chart's `[*]` keys (configmap-general.yaml): the session image and `allow-unknown-images`.
fn default_profile(values: &Value) -> Value {
    let image = values.get("session").and_then(|s| s.get("image"));
    let get = |k: &str, d: &str| {
        image
            .and_then(|i| i.get(k))
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .map_or(d.to_string(), go_print)
    };
    let (repo, r, py, os) = SESSION_IMAGE;
    let tag = match image
        .and_then(|i| i.get("tag"))
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    {
        Some(tag) => go_print(tag),
        None => format!(
            "R{}-python{}-{}",
            get("rVersion", r),
            get("pythonVersion", py),
            get("os", os)
        ),
    };
    let first = format!("{}:{tag}", get("repository", repo));
    serde_json::json!({
        "default-container-image": first,
        "container-images": [first],
        "allow-unknown-images": 1,
    })
}

/// The overrides the chart prepends to every section: the session ConfigMap's volume and mount
/// (`session.defaultConfigMount`, default true), and the session secret's when
/// `config.sessionSecret` is set.
fn default_overrides(values: &Value, opts: &Options) -> Vec<Entry> {
    let session = values.get("session");
    if !session
        .and_then(|s| s.get("defaultConfigMount"))
        .is_none_or(truthy)
    {
        return Vec::new();
    }
    let full = fullname(values, &opts.release);
    let mode = |key: &str, default: u64| {
        values
            .get("config")
            .and_then(|c| c.get("defaultMode"))
            .and_then(|m| m.get(key))
            .and_then(Value::as_u64)
            .unwrap_or(default)
    };
    let chart = |name: &str, target: &str, json: Value| Entry {
        name: name.into(),
        target: target.into(),
        json,
        span: Span::file(""),
        json_at: None,
        section: None,
    };
    let mut out = vec![
        chart(
            "defaultSessionVolume",
            "/spec/template/spec/volumes/-",
            serde_json::json!({"configMap": {"defaultMode": mode("session", 0o644), "name": format!("{full}-session")}, "name": "session-config"}),
        ),
        chart(
            "defaultSessionVolumeMount",
            "/spec/template/spec/containers/0/volumeMounts/-",
            serde_json::json!({"mountPath": "/mnt/session-configmap/rstudio", "name": "session-config"}),
        ),
    ];
    let secret = values
        .get("config")
        .and_then(|c| c.get("sessionSecret"))
        .is_some_and(truthy);
    if secret {
        let mount = session
            .and_then(|s| s.get("defaultSecretMountPath"))
            .and_then(Value::as_str)
            .unwrap_or("/mnt/session-secret/");
        out.push(chart(
            "defaultSessionSecretVolume",
            "/spec/template/spec/volumes/-",
            serde_json::json!({"name": "session-secret", "secret": {"defaultMode": mode("sessionSecret", 0o420), "secretName": format!("{full}-session-secret")}}),
        ));
        out.push(chart(
            "defaultSessionSecretVolumeMount",
            "/spec/template/spec/containers/0/volumeMounts/-",
            serde_json::json!({"mountPath": mount, "name": "session-secret"}),
        ));
    }
    out
}

/// The name of the data template the chart writes (`rstudio-library.templates.dataOutput`).
pub const TEMPLATE_DATA_FILE: &str = "rstudio-library-templates-data.tpl";

/// The chart's `rstudio-library-templates-data.tpl`: the template values with the session
/// ConfigMap (and secret) volume and mount appended to `pod.volumes` and `pod.volumeMounts`
/// (configmap-general.yaml), as compact JSON with sorted keys (`toJson`) in a named template.
fn template_data(values: &Value, template_values: Option<Value>, opts: &Options) -> String {
    let mut data = template_values.unwrap_or_else(|| Value::Object(Map::new()));
    if data.get("pod").is_none()
        && let Value::Object(map) = &mut data
    {
        map.insert("pod".into(), Value::Object(Map::new()));
    }
    let mut append = |list: &str, item: Value| {
        if let Some(pod) = data.get_mut("pod").and_then(Value::as_object_mut) {
            let entry = pod.entry(list).or_insert_with(|| Value::Array(Vec::new()));
            if entry.is_null() {
                *entry = Value::Array(Vec::new());
            }
            if let Value::Array(items) = entry {
                items.push(item);
            }
        }
    };
    let mounts = default_overrides(values, opts);
    let has_pip = values
        .get("config")
        .and_then(|c| c.get("session"))
        .is_some_and(|s| s.get("pip.conf").is_some());
    for e in mounts {
        match e.name.as_str() {
            "defaultSessionVolume" | "defaultSessionSecretVolume" => append("volumes", e.json),
            "defaultSessionVolumeMount" => {
                append("volumeMounts", e.json);
                if has_pip {
                    append(
                        "volumeMounts",
                        serde_json::json!({"mountPath": "/etc/pip.conf", "name": "session-config", "subPath": "pip.conf"}),
                    );
                }
            }
            _ => append("volumeMounts", e.json),
        }
    }
    let json = serde_json::to_string(&sorted(&data)).unwrap_or_default();
    format!("{{{{- define \"rstudio-library.templates.data\" -}}}}\n{json}\n{{{{- end }}}}")
}

/// The chart's `rstudio-workbench.fullname` (templates/_helpers.tpl).
fn fullname(values: &Value, release: &str) -> String {
    let text = |k: &str| {
        values
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let full = match (
        text("fullnameOverride"),
        text("nameOverride").unwrap_or(CHART_NAME),
    ) {
        (Some(f), _) => f.to_string(),
        (None, name) if release.contains(name) => release.to_string(),
        (None, name) => format!("{release}-{name}"),
    };
    let cut: String = full.chars().take(63).collect();
    cut.trim_end_matches('-').to_string()
}

/// The boolean an unquoted YAML 1.1 word means to Helm's YAML reader (`yes`, `off`, ...),
/// which serde_yaml_ng (YAML 1.2) reads as text.
fn yaml11_bool(v: &Value) -> Option<bool> {
    match v.as_str()? {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// Go template truthiness, as `{{ if }}` tests a value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Sprig's `mergeOverwrite` on two values: maps merge key by key, anything else is replaced by
/// `src` unless `src` is null.
fn merge_overwrite(dst: Value, src: Value) -> Value {
    match (dst, src) {
        (Value::Object(mut d), Value::Object(s)) => {
            for (k, v) in s {
                let old = d.remove(&k).unwrap_or(Value::Null);
                d.insert(k, merge_overwrite(old, v));
            }
            Value::Object(d)
        }
        (d, Value::Null) => d,
        (_, s) => s,
    }
}

/// A profile value as the chart's `{{ $key }}={{ $val }}` prints it.
fn ini_value(v: &Value) -> String {
    match v {
        // Helm replaces the template engine's `<no value>` with nothing.
        Value::Null => String::new(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Object(_) => String::new(),
                other => go_print(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        other => go_print(other),
    }
}

/// A scalar as Go's `fmt.Sprint` prints what Helm read (numbers are float64).
fn go_print(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => gofmt::float_v(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_print).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => format!(
            "map[{}]",
            map.iter()
                .map(|(k, v)| format!("{k}:{}", go_print(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Sprig's `nospace`: every Unicode space removed.
fn nospace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A value with object keys sorted at every level, as Go's JSON encoder writes maps.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Parses the values file as Helm does (YAML to JSON), with the line and column of errors.
fn parse(path: &Path, text: &str) -> Result<Value, Error> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
        let raw = e.to_string();
        let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
        let source = text.lines().nth(line.saturating_sub(1) as usize).unwrap_or("");
        let at_end = text[..].trim_end().lines().count() as u32 <= line;
        let hint = if message.contains("mapping values are not allowed") {
            "a `: ` inside an unquoted value starts a map: quote the value (`target: \"/metadata/annotations/a: b\"`)".to_string()
        } else if message.contains("cannot start any plain token") {
            "quote the value: YAML reserves `@`, `` ` ``, `%`, `!`, `&`, `*` and `|` at the start of one".to_string()
        } else if source.contains('#') && message.contains("expected") {
            "a `#` after a space starts a YAML comment, and one right after a quoted value is an error: move the comment to its own line".to_string()
        } else if at_end {
            "the error is at the end of the file: was it truncated?".to_string()
        } else {
            "check the indentation and quoting of this line".to_string()
        };
        let hint = if at_end && !hint.contains("truncated") {
            format!("{hint}; the error is at the end of the file: was it truncated?")
        } else {
            hint
        };
        Located::new(Span::at(path, line, col), ErrorKind::Yaml { message, hint })
    })?;
    Ok(match to_json(yaml) {
        Value::Null => Value::Object(Map::new()),
        v @ Value::Object(_) => v,
        other => {
            return Err(Located::new(
                Span::at(path, 1, 1),
                ErrorKind::NotAMap {
                    found: kind(&other),
                },
            ));
        }
    })
}

/// YAML to JSON as `sigs.k8s.io/yaml` converts it: keys become strings, whole floats integers.
fn to_json(y: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match y {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Value::from(f as i64)
                } else {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match to_json(k) {
                        Value::String(s) => s,
                        Value::Null => "null".into(),
                        other => go_print(&other),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => to_json(t.value),
    }
}

/// Finds places in the values text (serde_yaml_ng keeps no positions) with the one YAML
/// position reader, `compare::place_of`.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
    /// The values read from `text`: a digit key is a list index only where they hold a list.
    values: &'a Value,
}

impl Locator<'_> {
    /// `keys` as the crate spells paths.
    fn path_of(&self, keys: &[&str]) -> String {
        let tokens: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        crate::compare::of_tokens("", Some(self.values), &tokens)
    }

    /// The line of `keys` (or of the deepest part of it the text has); 0 when not found.
    fn line(&self, keys: &[&str]) -> u32 {
        self.span(keys).line
    }

    /// Line and column of `keys` (or of the deepest part of it the text has): the key, or
    /// what a list item holds.
    fn span(&self, keys: &[&str]) -> Span {
        match crate::compare::place_of(self.text, &self.path_of(keys)) {
            Some((line, col)) => Span::at(self.path, line, col),
            None => Span::file(self.path),
        }
    }

    fn error(&self, keys: &[&str], message: String, hint: &str) -> Error {
        Located::new(
            self.span(keys),
            ErrorKind::Refused {
                message,
                hint: hint.to_string(),
            },
        )
    }

    /// An empty value; the hint says when a comment emptied it.
    fn empty(&self, keys: &[&str], message: &str, hint: &str) -> Error {
        let span = self.span(keys);
        let source = self
            .text
            .lines()
            .nth(span.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let after = source.split_once(':').map_or("", |(_, v)| v.trim_start());
        let hint = if after.starts_with('#') {
            format!(
                "a `#` after a space starts a YAML comment, so the value is empty: quote it (`\"{}\"`)",
                after
            )
        } else {
            hint.to_string()
        };
        Located::new(
            span,
            ErrorKind::Refused {
                message: message.to_string(),
                hint,
            },
        )
    }

    /// Whether the scalar at `keys` is written unquoted on its key's line.
    fn is_plain(&self, keys: &[&str]) -> bool {
        let line = self.line(keys);
        let source = self
            .text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("");
        let last = keys.last().copied().unwrap_or("");
        source
            .split_once(&format!("{last}:"))
            .map(|(_, v)| v.split(" #").next().unwrap_or("").trim())
            .is_some_and(|v| !v.is_empty() && !v.starts_with(['"', '\'']))
    }

    /// Whether the value at `keys` is written as an explicit null (`null`, `~`).
    fn says_null(&self, keys: &[&str]) -> bool {
        let line = self.line(keys);
        let source = self
            .text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("");
        let last = keys.last().copied().unwrap_or("");
        source
            .split_once(&format!("{last}:"))
            .map(|(_, v)| v.split(" #").next().unwrap_or("").trim())
            .is_some_and(|v| matches!(v, "null" | "Null" | "NULL" | "~"))
    }

    /// Whether the entry at `keys` is the last thing in the file (a truncated file ends there).
    fn is_last_entry(&self, keys: &[&str]) -> bool {
        let line = self.line(keys);
        let rest: Vec<&str> = self
            .text
            .lines()
            .skip(line as usize)
            .filter(|l| !l.trim().is_empty())
            .collect();
        let indent = |l: &str| l.len() - l.trim_start().len();
        let start = self
            .text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("");
        rest.iter().all(|l| indent(l) > indent(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(text: &str) -> Chart {
        render(Path::new("values.yaml"), text, &Options::default()).expect("renders")
    }

    /// Values with `useTemplates: false` whose `"*"` section lists `entries` as its
    /// `job-json-overrides` (the first entry on line 8).
    fn overrides(entries: &str) -> String {
        format!(
            "launcher:\n  useTemplates: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        job-json-overrides:\n{entries}"
        )
    }

    fn refused(text: &str) -> (Span, String, String) {
        match render(Path::new("values.yaml"), text, &Options::default()) {
            Err(e) => (
                e.span.clone(),
                e.error.to_string(),
                e.hint().unwrap_or_default(),
            ),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    const TWO_GROUPS: &str = r#"launcher:
  useTemplates: false
session:
  defaultConfigMount: false
config:
  profiles:
    launcher.kubernetes.profiles.conf:
      "@gpu":
        max-cpus: 16
        job-json-overrides:
          - name: gpu-toleration
            target: /spec/template/spec/tolerations
            json:
              - key: nvidia.com/gpu
                operator: Exists
      "*":
        max-mem-mb: 1000000
        allow-unknown-images: true
        job-json-overrides:
          - name: session-label
            target: "/spec/template/metadata/labels/workbench-session"
            json: "true"
      alice:
        max-cpus: 2.5
"#;

    #[test]
    fn sections_sorted_star_entries_prepended_numbers_and_booleans_as_go_prints_them() {
        let c = chart(TWO_GROUPS);
        assert_eq!(
            c.profiles,
            "[*]\n\
             allow-unknown-images=true\n\
             container-images=posit/workbench-session:R4.5.2-python3.14.3-ubuntu-24.04\n\
             default-container-image=posit/workbench-session:R4.5.2-python3.14.3-ubuntu-24.04\n\
             job-json-overrides=\"/spec/template/metadata/labels/workbench-session\":\"/mnt/job-json-overrides-new/session-label.json\"\n\
             max-mem-mb=1e+06\n\
             \n\
             [@gpu]\n\
             job-json-overrides=\"/spec/template/metadata/labels/workbench-session\":\"/mnt/job-json-overrides-new/session-label.json\",\"/spec/template/spec/tolerations\":\"/mnt/job-json-overrides-new/gpu-toleration.json\"\n\
             max-cpus=16\n\
             \n\
             [alice]\n\
             max-cpus=2.5\n"
        );
        assert_eq!(
            c.file_text("session-label.json").as_deref(),
            Some("\"true\"")
        );
        assert_eq!(
            c.files["gpu-toleration.json"],
            serde_json::json!([{"key": "nvidia.com/gpu", "operator": "Exists"}])
        );
        // Lines lead back to the values file: `[@gpu]` is line 8, its override list line 10.
        assert_eq!(c.relocate(&Span::line("x", 8)).line, 8);
        assert_eq!(c.relocate(&Span::line("x", 9)).line, 10);
        assert_eq!(c.pair_span("@gpu", 0).line, 20, "the [*] entry comes first");
        assert_eq!(c.pair_span("@gpu", 1).line, 11);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn go_prints_floats_like_helm() {
        for (f, s) in [
            (4.0, "4"),
            (100000.0, "100000"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (16384.0, "16384"),
            (-0.0, "-0"),
        ] {
            assert_eq!(gofmt::float_v(f), s, "{f}");
        }
    }

    #[test]
    fn chart_defaults_prepend_the_session_config_mount() {
        let c = chart(
            "launcher:\n  useTemplates: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"@staff\":\n        job-json-overrides:\n          - name: a b\n            target: /spec/x\n            json: 1\n",
        );
        assert!(c.profiles.contains("[@staff]\njob-json-overrides=\"/spec/template/spec/volumes/-\":\"/mnt/job-json-overrides-new/defaultSessionVolume.json\",\"/spec/template/spec/containers/0/volumeMounts/-\":\"/mnt/job-json-overrides-new/defaultSessionVolumeMount.json\",\"/spec/x\":\"/mnt/job-json-overrides-new/ab.json\"\n"), "{}", c.profiles);
        assert!(
            c.profiles.starts_with("[*]\nallow-unknown-images=1\n"),
            "{}",
            c.profiles
        );
        assert!(c.profiles.contains("[*]\nallow-unknown-images=1\ncontainer-images=posit/workbench-session:R4.5.2-python3.14.3-ubuntu-24.04\ndefault-container-image=posit/workbench-session:R4.5.2-python3.14.3-ubuntu-24.04\njob-json-overrides=\"/spec/template/spec/volumes/-\""), "{}", c.profiles);
        assert_eq!(
            c.files["defaultSessionVolume.json"]["configMap"]["name"],
            "rstudio-workbench-session"
        );
        assert_eq!(
            c.files["defaultSessionVolume.json"]["configMap"]["defaultMode"],
            420
        );
        assert_eq!(c.files["ab.json"], 1);
    }

    #[test]
    fn duplicate_names_keep_the_first_json_with_a_warning() {
        let c = chart(
            "launcher: {useTemplates: false}\nsession: {defaultConfigMount: false}\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      bob:\n        job-json-overrides:\n          - name: pull\n            target: /spec/template/spec/containers/0/imagePullPolicy\n            json: Never\n      \"@staff\":\n        job-json-overrides:\n          - name: pull\n            target: /spec/template/spec/containers/0/imagePullPolicy\n            json: Always\n",
        );
        assert_eq!(
            c.files["pull.json"], "Always",
            "`@staff` sorts before `bob`"
        );
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        let w = &c.warnings[0];
        assert_eq!(w.span.as_ref().map(|s| s.line), Some(8));
        assert!(
            w.message.contains("`[bob]`") && w.message.contains("dropped"),
            "{}",
            w.message
        );
    }

    #[test]
    fn overrides_with_templates_are_refused_like_the_chart() {
        let (span, message, hint) = refused(
            "config:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        job-json-overrides: []\n",
        );
        assert_eq!((span.line, span.col), (5, 9));
        assert!(
            message.contains("`launcher.useTemplates: true`"),
            "{message}"
        );
        assert!(hint.contains("useTemplates: false"), "{hint}");
    }

    #[test]
    fn an_entry_without_json_is_refused_and_a_truncated_file_says_so() {
        let (span, message, hint) = refused(&overrides(
            "          - name: vol\n            target: /spec/template/spec/volumes/-\n",
        ));
        assert_eq!((span.line, span.col), (8, 13));
        assert!(message.contains("has no `json`"), "{message}");
        assert!(hint.contains("truncated"), "{hint}");
    }

    #[test]
    fn an_empty_json_is_an_error_and_an_explicit_null_is_not() {
        let base = &overrides("          - name: vol\n            target: /spec/x\n");
        let (span, message, _) = refused(&format!(
            "{base}            json:\n          - name: other\n            target: /spec/y\n            json: 2\n"
        ));
        assert_eq!((span.line, span.col), (10, 13));
        assert!(message.contains("`json` is empty"), "{message}");
        let c = chart(&format!("{base}            json: null\n"));
        assert_eq!(c.files["vol.json"], Value::Null);
    }

    #[test]
    fn a_comment_that_empties_a_target_says_so() {
        let (span, message, hint) = refused(&overrides(
            "          - name: vol\n            target: #/spec/template/spec/volumes/-\n            json: 1\n",
        ));
        assert_eq!((span.line, span.col), (9, 13));
        assert_eq!(message, "`target` is empty");
        assert!(hint.contains("YAML comment"), "{hint}");
    }

    #[test]
    fn a_comment_on_the_json_line_empties_it_and_the_hint_says_so() {
        let (span, message, hint) = refused(&overrides(
            "          - name: sel\n            target: /spec/template/spec/nodeSelector # ssd nodes\n            json: # {\"disk\": \"ssd\"}\n",
        ));
        assert_eq!((span.line, span.col), (10, 13));
        assert!(message.contains("`json` is empty"), "{message}");
        assert!(hint.contains("YAML comment"), "{hint}");
    }

    #[test]
    fn comments_after_values_are_not_part_of_them() {
        let c = chart(
            "launcher:\n  useTemplates: false\nsession:\n  defaultConfigMount: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        job-json-overrides:\n          - name: sel # the selector\n            target: \"/spec/template/spec/nodeSelector\"# ssd nodes\n            json: # below\n              disk: ssd\n",
        );
        assert!(
            c.profiles.contains(
                "\"/spec/template/spec/nodeSelector\":\"/mnt/job-json-overrides-new/sel.json\""
            ),
            "{}",
            c.profiles
        );
        assert_eq!(c.files["sel.json"], serde_json::json!({"disk": "ssd"}));
    }

    #[test]
    fn an_unquoted_pointer_with_colon_space_is_a_yaml_error_with_a_quote_hint() {
        let (span, message, hint) = refused(&overrides(
            "          - name: note\n            target: /metadata/annotations/note: x\n            json: 1\n",
        ));
        assert_eq!(span.line, 9, "{message}");
        assert!(hint.contains("quote"), "{hint}");
    }

    #[test]
    fn a_pointer_without_slash_is_refused() {
        let (span, message, hint) = refused(&overrides(
            "          - name: vol\n            target: spec/x\n            json: 1\n",
        ));
        assert_eq!((span.line, span.col), (9, 13));
        assert!(message.contains("not a JSON pointer"), "{message}");
        assert!(hint.contains("`/spec/x`"), "{hint}");
    }

    #[test]
    fn a_truncated_flow_value_is_a_yaml_error_at_the_end() {
        let (span, message, hint) = refused(&overrides(
            "          - name: vol\n            target: /spec/x\n            json: {\"a\": 1,\n",
        ));
        assert!(span.line >= 10, "{span:?}");
        assert!(message.starts_with("invalid YAML"), "{message}");
        assert!(hint.contains("truncated"), "{hint}");
    }

    #[test]
    fn unknown_profile_keys_get_a_did_you_mean_at_their_line() {
        let (span, message, hint) = refused(
            "launcher:\n  useTemplates: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        max-cpu: 2\n",
        );
        assert_eq!((span.line, span.col), (7, 9));
        assert!(message.contains("`max-cpu`"), "{message}");
        assert_eq!(hint, "did you mean `max-cpus`?");
    }

    #[test]
    fn templating_mode_writes_the_template_values_with_the_session_mounts() {
        let c = chart(
            "launcher:\n  templateValues:\n    pod:\n      volumes: []\n      nodeSelector: {pool: sessions}\n",
        );
        assert!(c.use_templates);
        assert!(!c.profiles.contains("job-json-overrides"), "{}", c.profiles);
        assert_eq!(
            c.template_data.as_deref(),
            Some(
                "{{- define \"rstudio-library.templates.data\" -}}\n{\"pod\":{\"nodeSelector\":{\"pool\":\"sessions\"},\"volumeMounts\":[{\"mountPath\":\"/mnt/session-configmap/rstudio\",\"name\":\"session-config\"}],\"volumes\":[{\"configMap\":{\"defaultMode\":420,\"name\":\"rstudio-workbench-session\"},\"name\":\"session-config\"}]}}\n{{- end }}"
            )
        );
    }

    #[test]
    fn unquoted_yaml11_words_are_booleans_as_helm_reads_them() {
        let c = chart(
            "launcher:\n  useTemplates: false\nsession:\n  defaultConfigMount: false\nconfig:\n  profiles:\n    launcher.kubernetes.profiles.conf:\n      \"*\":\n        allow-unknown-images: yes\n        allow-custom-resources: \"no\"\n",
        );
        assert!(
            c.profiles.contains("allow-unknown-images=true\n"),
            "{}",
            c.profiles
        );
        assert!(
            c.profiles.contains("allow-custom-resources=no\n"),
            "{}",
            c.profiles
        );
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert_eq!(
            c.warnings[0].span.as_ref().map(|s| (s.line, s.col)),
            Some((9, 9))
        );
    }

    #[test]
    fn release_names_follow_the_chart_fullname() {
        let v = serde_json::json!({});
        assert_eq!(fullname(&v, "rstudio-workbench"), "rstudio-workbench");
        assert_eq!(fullname(&v, "prod"), "prod-rstudio-workbench");
        assert_eq!(
            fullname(&serde_json::json!({"fullnameOverride": "wb"}), "prod"),
            "wb"
        );
    }
}
