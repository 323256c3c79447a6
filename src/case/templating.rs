//! Reading a case's templating configuration: `launcher.kubernetes.conf` and, with
//! `use-templating=1`, the templates in the directory `scratch-path` maps to.

use std::path::Path;

use super::error::LoadError as Error;
use super::paths;
use super::read::read_text;
use crate::diag::Warning;
use crate::launcher_conf::{self, LauncherConf};
use crate::location::{Located, Span};
use crate::profiles::Resolved;
use crate::template::launch::{self, Templates};

/// What `launcher.kubernetes.conf` says for a case: nothing (no file), or the settings and,
/// in templating mode, the templates.
pub(super) struct Templating {
    /// The file's settings.
    pub conf: Option<LauncherConf>,
    /// The templates, when `use-templating=1`.
    pub templates: Option<Templates>,
    /// Warnings from reading the file.
    pub warnings: Vec<Warning>,
}

/// Reads the case's `launcher.kubernetes.conf` (if any) and, in templating mode, its
/// templates; `paths` maps `scratch-path` like override paths (default: `templates/`).
pub(super) fn read(
    dir: &Path,
    extra_paths: &[(String, String)],
    resolved: &Resolved,
) -> Result<Templating, Error> {
    let conf_path = dir.join(launcher_conf::FILE);
    if !conf_path.is_file() {
        return Ok(Templating {
            conf: None,
            templates: None,
            warnings: Vec::new(),
        });
    }
    let text = read_text(&conf_path)?;
    let (conf, warnings) = launcher_conf::parse(&conf_path, &text)?;
    if !conf.use_templating() {
        return Ok(Templating {
            conf: Some(conf),
            templates: None,
            warnings,
        });
    }
    if let Some(setting) = resolved.get("job-json-overrides") {
        return Err(Located::new(
            setting.span.clone(),
            launch::ErrorKind::OverridesWithTemplating,
        )
        .into());
    }
    let templates_dir = templates_dir(dir, &conf, extra_paths)?;
    let templates = read_templates(&templates_dir)?;
    Ok(Templating {
        conf: Some(conf),
        templates: Some(templates),
        warnings,
    })
}

/// Templating mode as Posit's Helm chart sets it up (`launcher.useTemplates`): the chart turns
/// `use-templating` on, and writes the template values as `rstudio-library-templates-data.tpl`
/// beside the case's `templates/job.tpl` (which the chart ships; a case brings its own copy).
pub(super) fn from_helm(dir: &Path, chart: &crate::helm::Chart) -> Result<Templating, Error> {
    let (conf, warnings) = launcher_conf::parse(&chart.path, "use-templating=1\n")?;
    let mut templates = read_templates(&dir.join("templates"))?;
    if let Some(data) = &chart.template_data {
        let name = crate::helm::TEMPLATE_DATA_FILE.to_string();
        templates.files.retain(|(n, _)| *n != name);
        templates.files.push((name, data.clone()));
        templates.files.sort();
    }
    Ok(Templating {
        conf: Some(conf),
        templates: Some(templates),
        warnings,
    })
}

/// Where `scratch-path` is in the case: `paths:` when it maps it, else `templates/`.
fn templates_dir(
    dir: &Path,
    conf: &LauncherConf,
    extra_paths: &[(String, String)],
) -> Result<std::path::PathBuf, Error> {
    let scratch = conf.scratch_path();
    let mapped = extra_paths.iter().any(|(from, _)| {
        let from = from.trim_end_matches('/');
        scratch == from || scratch.starts_with(&format!("{from}/"))
    });
    if !mapped {
        return Ok(dir.join("templates"));
    }
    let with_slash = format!("{}/", scratch.trim_end_matches('/'));
    paths::map(&with_slash, dir, extra_paths).map_err(|_| {
        Located::new(
            conf.get("scratch-path").map_or_else(
                || Span::file(dir.join(launcher_conf::FILE)),
                |s| s.span.clone(),
            ),
            launcher_conf::ErrorKind::ScratchPathOutside {
                scratch: scratch.to_string(),
            },
        )
        .into()
    })
}

/// Reads `job.tpl` and the other `*.tpl` files of `dir`, checking `job.tpl`'s version.
fn read_templates(dir: &Path) -> Result<Templates, Error> {
    let job = dir.join("job.tpl");
    if !job.is_file() {
        return Err(Located::new(
            Span::file(&job),
            launch::ErrorKind::NoJobTpl { dir: dir.into() },
        )
        .into());
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        action: "read",
        path: dir.into(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "tpl") && path.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push((name, read_text(&path)?));
        }
    }
    files.sort();
    let job_text = files
        .iter()
        .find(|(n, _)| n == "job.tpl")
        .map(|(_, t)| t.as_str())
        .unwrap_or("");
    let version = launch::check_version(&job, job_text)?;
    Ok(Templates {
        dir: dir.to_path_buf(),
        files,
        version,
    })
}
