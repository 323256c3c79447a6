//! Templating mode for a case: the `.Job` object the launcher hands to `job.tpl`, the
//! `# Version:` header check, and rendering the template set into the Job that the later
//! stages (validate, predict, compare, live) take exactly like a patched Job.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{TemplateError, TemplateSet, Why};
use crate::diag::did_you_mean;
use crate::location::{Hint, Located, Span};
use crate::session::Session;

/// The major versions of `job.tpl` jjo models, with the releases it was checked against
/// (rstudio/helm `examples/launcher-templates/` and the Workbench chart's `files/job.tpl`).
const KNOWN_VERSIONS: &[(u32, &str)] = &[(2, "2.3.1, 2.4.0, 2.5.0")];

/// The templates of a case: `job.tpl` and the other `*.tpl` files beside it.
#[derive(Debug, Clone)]
pub struct Templates {
    /// The directory `scratch-path` maps to.
    pub dir: PathBuf,
    /// `(file name, text)`, sorted by name; `job.tpl` among them.
    pub files: Vec<(String, String)>,
    /// The `# Version:` of `job.tpl`.
    pub version: String,
}

/// A template jjo cannot render into a Job, with its place in the case's templates.
pub type Error = Located<ErrorKind>;

/// Why the case's templates make no Job; [`Error`] adds where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// A `# Version:` jjo has no model of.
    #[error("`job.tpl` version `{version}` is not one jjo models")]
    UnknownVersion {
        /// The version as written.
        version: String,
    },
    /// No `# Version:` among the leading comment lines.
    #[error("`job.tpl` has no `# Version:` header")]
    NoVersion,
    /// Go's `text/template` refuses the template, in Go's words.
    #[error("{words}")]
    Go {
        /// Go's message, without the place Go puts in front.
        words: String,
        /// The hint for the kind of mistake, found with the `.Job` at hand.
        hint: Option<String>,
    },
    /// An action printed `<no value>`, which Go renders and jjo refuses.
    #[error(
        "`{{{{ {action} }}}}` printed `<no value>`: {} (Go renders on; jjo refuses, as the launcher would write `<no value>` into the Job)",
        if *null { "the value there is null, which Go prints as it prints a missing key" } else { "a key that is not there" }
    )]
    NoValue {
        /// The action's pipeline as written.
        action: String,
        /// The value was there but null.
        null: bool,
        /// What to write instead.
        hint: String,
    },
    /// The output is not YAML.
    #[error("`job.tpl` rendered invalid YAML: {reason} at line {line} of the output: `{text}`")]
    InvalidYaml {
        /// The YAML reader's message without its position.
        reason: String,
        /// The line of the output.
        line: usize,
        /// That line, trimmed.
        text: String,
    },
    /// The output is YAML but not a mapping.
    #[error("`job.tpl` rendered no YAML mapping")]
    NotAMapping,
    /// Templating mode, and no `job.tpl` where the templates are.
    #[error("`use-templating=1` but the case has no `job.tpl`")]
    NoJobTpl {
        /// The directory the templates are read from.
        dir: PathBuf,
    },
    /// Templating mode, and the profile sets `job-json-overrides`.
    #[error(
        "`job-json-overrides` with `use-templating=1`: with use-templating=1 the launcher renders job.tpl; Posit's chart refuses job-json-overrides in this mode and Connect ignores them"
    )]
    OverridesWithTemplating,
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::UnknownVersion { .. } | ErrorKind::NoVersion => {
                let known: Vec<String> = KNOWN_VERSIONS
                    .iter()
                    .map(|(major, releases)| format!("{major}.x ({releases})"))
                    .collect();
                Some(format!(
                    "jjo knows job.tpl versions {}; start the file with `# Version: 2.5.0`",
                    known.join(", ")
                ))
            }
            ErrorKind::Go { hint, .. } => hint.clone(),
            ErrorKind::NoValue { hint, .. } => Some(hint.clone()),
            ErrorKind::InvalidYaml { .. } => Some("check the indentation the template writes there (`indent`/`nindent` widths, `{{-` trimming)".into()),
            ErrorKind::NotAMapping => Some("the template must render one Job object".into()),
            ErrorKind::NoJobTpl { dir } => Some(format!(
                "put the launcher's `job.tpl` (and its helper `*.tpl` files) in `{}`",
                dir.display()
            )),
            ErrorKind::OverridesWithTemplating => Some(format!(
                "move the overrides into `job.tpl` (or its template values), or set `use-templating=0` in `{}`",
                crate::launcher_conf::FILE
            )),
        }
    }
}

/// Checks `job.tpl`'s `# Version: x.y.z` header (it must be among the leading comment
/// lines) against [`KNOWN_VERSIONS`].
pub fn check_version(path: &Path, text: &str) -> Result<String, Error> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.starts_with('#') {
            break;
        }
        let Some(v) = t.trim_start_matches('#').trim().strip_prefix("Version:") else {
            continue;
        };
        let v = v.trim();
        let major = v.split('.').next().and_then(|m| m.parse::<u32>().ok());
        return match major {
            Some(m) if KNOWN_VERSIONS.iter().any(|(k, _)| *k == m) => Ok(v.to_string()),
            _ => Err(Located::new(
                Span::at(
                    path,
                    i as u32 + 1,
                    (line.find("Version:").unwrap_or(0) + 1) as u32,
                ),
                ErrorKind::UnknownVersion { version: v.into() },
            )),
        };
    }
    Err(Located::new(Span::line(path, 1), ErrorKind::NoVersion))
}

/// The `.Job` the launcher hands to `job.tpl` for this session: the launch request, with
/// the values the profile resolved (image, resource limits, placement) taken from `base`,
/// the Job jjo builds from the same request and profile. Field names as Posit's templates
/// use them; the README lists them.
pub fn job_object(session: &Session, user: &str, base: &Value) -> Value {
    let pod = &base["spec"]["template"];
    let spec = &pod["spec"];
    let container = &spec["containers"][0];
    let annotations = &pod["metadata"]["annotations"];
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    };

    let mut limits = Vec::new();
    let res = &container["resources"];
    let mut limit = |kind: &str, v: &Value, strip_m: bool| {
        if !v.is_null() {
            let mut s = text(v);
            if strip_m {
                s = s.strip_suffix('M').unwrap_or(&s).to_string();
            }
            limits.push(json!({"type": kind, "value": s}));
        }
    };
    limit("cpuCount", &res["limits"]["cpu"], false);
    limit("CPU Request", &res["requests"]["cpu"], false);
    limit("memory", &res["limits"]["memory"], true);
    limit("Memory Request", &res["requests"]["memory"], true);
    limit("NVIDIA GPUs", &res["limits"]["nvidia.com/gpu"], false);
    limit("AMD GPUs", &res["limits"]["amd.com/gpu"], false);

    let placement: Vec<Value> = spec["nodeSelector"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| json!({"name": k, "value": text(v)}))
                .collect()
        })
        .unwrap_or_default();

    let mut c = Map::new();
    c.insert("image".into(), container["image"].clone());
    if let Some(run_as) = &session.run_as {
        if let Some(uid) = run_as.uid {
            c.insert("runAsUserId".into(), json!(uid));
        }
        if let Some(gid) = run_as.gid {
            c.insert("runAsGroupId".into(), json!(gid));
        }
        c.insert(
            "supplementalGroupIds".into(),
            json!(run_as.supplemental_groups),
        );
    }

    let mounts: Vec<Value> = container["volumeMounts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    json!({
        "id": "",
        "name": session.name,
        "user": user,
        "generateName": base["metadata"]["generateName"],
        "instanceId": session.instance_id,
        "host": "",
        "stdin": text(&annotations["stdin"]),
        "tags": session.tags,
        "servicePortsJson": text(&annotations["service_ports"]),
        "metadata": {},
        "shareProcessNamespace": spec["shareProcessNamespace"].as_bool().unwrap_or(false),
        "serviceAccountName": session.service_account.clone().unwrap_or_default(),
        "container": c,
        "command": session.command.clone().unwrap_or_default(),
        "exe": session.exe.clone().unwrap_or_default(),
        "args": session.args,
        "workingDirectory": session.working_dir.clone().unwrap_or_default(),
        "environment": session.env.iter().map(|e| json!({"name": e.name, "value": e.value})).collect::<Vec<_>>(),
        "config": [],
        "exposedPorts": session.ports.iter().map(|p| {
            let mut port = json!({"targetPort": p.target, "protocol": "TCP"});
            if let Some(h) = p.published {
                port["publishedPort"] = json!(h);
            }
            port
        }).collect::<Vec<_>>(),
        "resourceLimits": limits,
        "placementConstraints": placement,
        "volumes": spec["volumes"].as_array().cloned().unwrap_or_default(),
        "volumeMounts": mounts,
        "initContainers": [],
    })
}

/// Parses the case's templates (`job.tpl` plus helpers) into one set.
pub fn parse(t: &Templates) -> Result<TemplateSet, Error> {
    use std::cell::RefCell;
    /// Distinct template sets kept per thread; a run seldom has more than a few.
    const KEEP: usize = 8;
    /// The files' `(name, text)` pairs a set was parsed from, and the set.
    type Parsed = (Vec<(String, String)>, TemplateSet);
    thread_local! {
        // Per thread, as the parsed trees are shared by `Rc`: a suite's cases all render its
        // one `templates/` (and a thousand-case run spent a tenth of its time parsing it
        // again). Keyed by the files' names and texts, so an edited file is parsed anew;
        // only what parsed is kept (errors name the case's own directory).
        static PARSED: RefCell<Vec<Parsed>> =
            const { RefCell::new(Vec::new()) };
    }
    if let Some(set) = PARSED.with_borrow(|parsed| {
        parsed
            .iter()
            .find(|(files, _)| *files == t.files)
            .map(|(_, set)| set.clone())
    }) {
        return Ok(set);
    }
    let mut set = TemplateSet::new();
    for (name, text) in &t.files {
        set.add_file(name, text)
            .map_err(|e| template_error(&t.dir, e, None))?;
    }
    PARSED.with_borrow_mut(|parsed| {
        if parsed.len() >= KEEP {
            parsed.remove(0);
        }
        parsed.push((t.files.clone(), set.clone()));
    });
    Ok(set)
}

/// Renders `job.tpl` with `.Job` and reads the output as the Job.
pub fn render(t: &Templates, job: &Value) -> Result<(String, Value), Error> {
    let set = parse(t)?;
    let data = json!({ "Job": job });
    let rendered = set
        .render("job.tpl", super::Value::from_json(&data))
        .map_err(|e| template_error(&t.dir, e, Some(job)))?;
    if let Some(nv) = rendered.no_values.first() {
        let (file, line, col) = split_location(&nv.location);
        let hint = if nv.null {
            "give the key a value, or print it only when set: `{{ with ... }}{{ . }}{{ end }}` \
             or `default`"
                .to_string()
        } else {
            let field = nv.action.rsplit('.').next().unwrap_or("");
            job.as_object()
                .and_then(|o| did_you_mean(field, o.keys().map(String::as_str)))
                .map(|s| format!("did you mean `.Job.{s}`?"))
                .unwrap_or_else(|| "`jjo` lists the fields of `.Job` in its README".into())
        };
        return Err(Located::new(
            Span::at(t.dir.join(file), line, col + 1),
            ErrorKind::NoValue {
                action: nv.action.clone(),
                null: nv.null,
                hint,
            },
        ));
    }
    let value: Value = serde_yaml_ng::from_str(&rendered.text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        let text = rendered
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("");
        let reason = e.to_string();
        let reason = reason
            .split(" at line ")
            .next()
            .unwrap_or(&reason)
            .to_string();
        Located::new(
            Span::file(t.dir.join("job.tpl")),
            ErrorKind::InvalidYaml {
                reason,
                line,
                text: text.trim().to_owned(),
            },
        )
    })?;
    if !value.is_object() {
        return Err(Located::new(
            Span::file(t.dir.join("job.tpl")),
            ErrorKind::NotAMapping,
        ));
    }
    Ok((rendered.text, value))
}

/// `file:line:col` (Go's 0-based column) into its parts.
fn split_location(loc: &str) -> (String, u32, u32) {
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    (parts.next().unwrap_or("job.tpl").to_string(), line, col)
}

/// A template error as jjo reports it: the file, line and column, and Go's own words.
fn template_error(dir: &Path, e: TemplateError, job: Option<&Value>) -> Error {
    let text = e.to_string();
    let (span, message) = match e.location() {
        Some((file, line, col)) => {
            let prefix = match col {
                Some(c) => format!("template: {file}:{line}:{c}: "),
                None => format!("template: {file}:{line}: "),
            };
            let msg = text.strip_prefix(&prefix).unwrap_or(&text).to_string();
            let span = match col {
                Some(c) => Span::at(dir.join(&file), line as u32, c as u32 + 1),
                None => Span::line(dir.join(&file), line as u32),
            };
            (span, msg)
        }
        None => (Span::file(dir.join("job.tpl")), text.clone()),
    };
    let hint = hint_for(e.why(), job);
    Located::new(
        span,
        ErrorKind::Go {
            words: message,
            hint,
        },
    )
}

/// jjo's hint for a kind of template mistake, matched on the kind the engine gives beside
/// Go's words (never on the words themselves).
fn hint_for(why: &Why, job: Option<&Value>) -> Option<String> {
    match why {
        Why::UndefinedFunction(f) => {
            did_you_mean(f, super::function_names()).map(|s| format!("did you mean `{s}`?"))
        }
        Why::MissingKey(key) => job
            .and_then(Value::as_object)
            .and_then(|o| did_you_mean(key, o.keys().map(String::as_str)))
            .map(|s| format!("did you mean `.Job.{s}`?")),
        Why::UnclosedAction => Some("close the action with `}}`".into()),
        // Go says only `unexpected EOF` when a block is still open at the end of the file.
        Why::UnexpectedEof => Some(
            "an `{{ if }}`, `{{ range }}`, `{{ with }}`, `{{ define }}` or `{{ block }}` has no `{{ end }}`"
                .into(),
        ),
        Why::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job;
    use crate::location::Span;
    use crate::profiles::{Resolved, Setting};
    use crate::session::{Port, RunAs};

    #[test]
    fn the_job_object_carries_the_request_and_the_profile_s_resolved_values() {
        let mut profile = Resolved::default();
        profile.values.insert(
            "placement-constraints".into(),
            Setting {
                value: "zone:eu-1a".into(),
                section: "*".into(),
                span: Span::line("p.conf", 2),
            },
        );
        let session = Session {
            cpus: Some(2.0),
            cpus_request: Some(0.5),
            memory_mb: Some(4096.0),
            nvidia_gpus: Some(1.0),
            placement: vec!["zone:eu-1a".into()],
            run_as: Some(RunAs {
                uid: Some(1001),
                gid: Some(1001),
                supplemental_groups: vec![2000],
            }),
            ports: vec![Port {
                target: 8787,
                published: Some(2222),
            }],
            ..Session::default()
        };
        let base = job::build(&session, &profile, "alice").expect("builds");
        let dot = job_object(&session, "alice", &base);
        assert_eq!(
            dot["resourceLimits"],
            json!([
                {"type": "cpuCount", "value": "2"},
                {"type": "CPU Request", "value": "0.5"},
                {"type": "memory", "value": "4096"},
                {"type": "NVIDIA GPUs", "value": "1"},
            ])
        );
        assert_eq!(
            dot["placementConstraints"],
            json!([{"name": "zone", "value": "eu-1a"}])
        );
        assert_eq!(
            dot["container"],
            json!({"image": job::DEFAULT_IMAGE, "runAsUserId": 1001, "runAsGroupId": 1001, "supplementalGroupIds": [2000]})
        );
        assert_eq!(
            dot["exposedPorts"],
            json!([{"targetPort": 8787, "publishedPort": 2222, "protocol": "TCP"}])
        );
        assert_eq!(dot["user"], "alice");
        assert_eq!(dot["generateName"], "rstudio-session-");
        assert_eq!(dot["exe"], "/usr/lib/rstudio-server/bin/rsession-run");
    }

    #[test]
    fn version_headers() {
        let p = Path::new("job.tpl");
        assert_eq!(
            check_version(p, "# Version: 2.5.0\n# x\n").unwrap(),
            "2.5.0"
        );
        assert_eq!(
            check_version(p, "# DO NOT MODIFY\n# Version: 2.4.0\n").unwrap(),
            "2.4.0"
        );
        assert!(check_version(p, "apiVersion: v1\n# Version: 2.5.0\n").is_err());
        let e = check_version(p, "# Version: 1.9\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "job.tpl:1:3: `job.tpl` version `1.9` is not one jjo models"
        );
    }
}
