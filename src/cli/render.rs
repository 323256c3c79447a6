//! `jjo render CASE`: the patched Job, optionally explained.

use std::fmt::Write;
use std::path::PathBuf;

use super::{CaseOptions, Format};
use crate::error::Error;
use crate::pipeline::{self, Rendered};

/// Print the patched Job of a case.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case directory.
    pub case: PathBuf,
    /// Before the Job, explain which section won each key and what each override did.
    #[arg(long)]
    pub explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    #[command(flatten)]
    pub opts: CaseOptions,
    #[command(flatten)]
    pub host: crate::flags::HostDbArgs,
}

/// Runs `jjo render`.
pub fn run(args: Args) -> Result<u8, Error> {
    let case = super::load_case(&args.case, &args.opts, &args.host)?;
    let rendered = pipeline::render(&case)?;
    for w in &rendered.warnings {
        crate::report::warning(w);
    }
    if args.explain {
        super::print(&explain(&case, &rendered))?;
    }
    super::print_value(&rendered.patched.job, args.format)
}

/// The `--explain` text, as YAML comments so that the output stays valid YAML.
fn explain(case: &crate::case::Case, rendered: &Rendered) -> String {
    let mut out = String::new();
    let groups = if case.spec.groups.is_empty() {
        "none".to_string()
    } else {
        case.spec.groups.join(", ")
    };
    let source = match &case.host {
        Some(host) => format!(", as `{}` and `{}` say", host.group_file, host.passwd_file),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "# profile of `{}` (groups: {groups}{source})",
        case.spec.user
    );
    if let Some(p) = &case.resource_profile {
        let label = p
            .label
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let amounts: Vec<String> = [
            ("cpus", p.cpus),
            ("cpus-request", p.cpus_request),
            ("mem-mb", p.mem_mb),
            ("mem-mb-request", p.mem_mb_request),
            ("nvidia-gpus", p.nvidia_gpus),
            ("amd-gpus", p.amd_gpus),
        ]
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
        .chain((!p.placement.is_empty()).then(|| format!("placement={}", p.placement.join(","))))
        .collect();
        let _ = writeln!(
            out,
            "# resource profile `[{}]`{label} at {}: {}",
            p.id,
            p.span,
            amounts.join(", ")
        );
    }
    for (key, setting) in &case.resolved.values {
        let value = if key == "job-json-overrides" {
            "…".to_string()
        } else {
            setting.value.clone()
        };
        let _ = writeln!(
            out,
            "#   {key} = {value}    from [{}] at {}",
            setting.section, setting.span
        );
    }
    if case.resolved.values.is_empty() {
        let _ = writeln!(out, "#   (no section applies: launcher defaults)");
    }
    for dropped in &case.profiles.dropped {
        let _ = writeln!(
            out,
            "#   [{}] at {} has no key: dropped, as Boost's read_ini drops empty sections",
            dropped.name, dropped.span
        );
    }
    if let Some(t) = &case.templates {
        // Templating mode: say which files rendered the Job and what `.Job` held.
        let names: Vec<&str> = t.files.iter().map(|(n, _)| n.as_str()).collect();
        let _ = writeln!(
            out,
            "# use-templating=1: rendered by `{}` (version {}) with {}",
            t.dir.join("job.tpl").display(),
            t.version,
            names.join(", ")
        );
        let _ = writeln!(out, "# .Job given to job.tpl:");
        let dot = crate::template::launch::job_object(
            &case.spec.session,
            &case.spec.user,
            &rendered.base,
        );
        let yaml = serde_yaml_ng::to_string(&dot).unwrap_or_default();
        for line in yaml.lines() {
            let _ = writeln!(out, "#   {line}");
        }
    }
    let _ = writeln!(out, "# overrides, in order:");
    if case.overrides.is_empty() {
        let _ = writeln!(out, "#   (none)");
    }
    for (i, (o, applied)) in case
        .overrides
        .iter()
        .zip(&rendered.patched.applied)
        .enumerate()
    {
        let effect = serde_json::to_value(applied.effect).ok();
        let effect = effect.as_ref().and_then(|e| e.as_str()).unwrap_or("?");
        let _ = writeln!(
            out,
            "#   {}. `{}` from `{}`: {effect}",
            i + 1,
            o.pointer,
            o.path
        );
        for w in &applied.warnings {
            let _ = writeln!(out, "#      warning: {}", w.message);
        }
    }
    out
}
