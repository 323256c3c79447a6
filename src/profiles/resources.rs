//! Resource profiles (`launcher.kubernetes.resources.conf`): the named sizes Workbench offers
//! in its New Session dialog, the user's `resource-profiles` list that limits which of them
//! they may pick, and `allow-custom-resources`, which decides whether they may type their own.
//!
//! The file uses the same INI rules as the profiles file (`case` reads it with the same
//! lexer); each section is one profile, named by its header, with the keys in [`KEYS`] (the
//! keys Posit's team-operator writes, `api/core/v1beta1/workbench_config.go`,
//! `WorkbenchLauncherKubnernetesResourcesConfigSection`). Picking a profile fills the launch
//! request's amounts; the Job is then built from the request as for any other session, so the
//! profile's amounts still meet `max-cpus` and friends.

use super::{Resolved, Section};
use crate::diag::{Warning, did_you_mean};
use crate::location::{Hint, Located, Span};
use crate::session::Session;

/// The file, in the case directory as in `/etc/rstudio`.
pub const RESOURCES_FILE: &str = "launcher.kubernetes.resources.conf";

/// The keys a resource profile may set.
const KEYS: &[&str] = &[
    "name",
    "cpus",
    "cpus-request",
    "mem-mb",
    "mem-mb-request",
    "nvidia-gpus",
    "amd-gpus",
    "placement-constraints",
];

/// What is wrong with the resources file or with the profile a case picks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// A key no resource profile has.
    #[error("unknown key `{key}` in resource profile `[{profile}]`")]
    UnknownKey {
        /// The key.
        key: String,
        /// The section.
        profile: String,
        /// The closest known key.
        suggestion: Option<String>,
    },
    /// An amount that is not a non-negative number.
    #[error(
        "`{key}` in resource profile `[{profile}]` must be a number of at least 0, found `{value}`"
    )]
    NotAnAmount {
        /// The key.
        key: String,
        /// The section.
        profile: String,
        /// The value as written.
        value: String,
    },
    /// A request above the profile's own limit (Kubernetes refuses requests above limits).
    #[error("`{request}={asked}` in resource profile `[{profile}]` is above `{limit}={max}`")]
    RequestAboveLimit {
        /// `cpus-request` or `mem-mb-request`.
        request: &'static str,
        /// Its value.
        asked: f64,
        /// `cpus` or `mem-mb`.
        limit: &'static str,
        /// Its value.
        max: f64,
        /// The section.
        profile: String,
    },
    /// case.yaml picks a profile but the case has no resources file.
    #[error("session asks for resource profile `{name}`, but the case has no `{RESOURCES_FILE}`")]
    NoResourcesFile {
        /// The profile asked for.
        name: String,
    },
    /// case.yaml picks a profile the resources file does not define.
    #[error("no resource profile `[{name}]` in `{RESOURCES_FILE}`")]
    UnknownProfile {
        /// The profile asked for.
        name: String,
        /// A section with a close name, or the section whose `name=` label was given.
        suggestion: Option<String>,
        /// Whether `name` is a label (`name=`) rather than a section name.
        is_label: bool,
    },
    /// The user's `resource-profiles` list does not offer the profile.
    #[error("resource profile `[{name}]` is not in the user's `resource-profiles`")]
    NotOffered {
        /// The profile asked for.
        name: String,
        /// What the list offers.
        offered: Vec<String>,
        /// Where the list is set.
        list: Span,
    },
    /// case.yaml sets an amount that the picked profile sets too.
    #[error("session sets `{key}` and picks resource profile `[{name}]`, which sets it too")]
    Conflict {
        /// The session key (`cpus`, `memory-mb`, ...).
        key: &'static str,
        /// The profile.
        name: String,
    },
    /// `allow-custom-resources=0` and the session asks for its own amounts.
    #[error(
        "session asks for its own `{key}`, but the user's profile has `allow-custom-resources=0`"
    )]
    CustomNotAllowed {
        /// The first session key that asks.
        key: &'static str,
        /// Where `allow-custom-resources` is set.
        setting: Span,
    },
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::UnknownKey {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            ErrorKind::UnknownKey { .. } => Some(format!("known keys: {}", KEYS.join(", "))),
            ErrorKind::NotAnAmount { .. } => {
                Some("write a plain number, such as `2` or `0.5`".into())
            }
            ErrorKind::RequestAboveLimit { request, limit, .. } => {
                Some(format!("lower `{request}` to at most `{limit}`"))
            }
            ErrorKind::NoResourcesFile { .. } => Some(format!(
                "copy `/etc/rstudio/{RESOURCES_FILE}` into the case, or drop `resource-profile:`"
            )),
            ErrorKind::UnknownProfile {
                suggestion: Some(s),
                is_label: true,
                ..
            } => Some(format!(
                "that is the label of `[{s}]`; `resource-profile:` takes the section name, `{s}`"
            )),
            ErrorKind::UnknownProfile {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            ErrorKind::UnknownProfile { .. } => None,
            ErrorKind::NotOffered { offered, list, .. } => Some(format!(
                "the user may pick {} (`resource-profiles` at {list})",
                if offered.is_empty() {
                    "none".to_owned()
                } else {
                    offered
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )),
            ErrorKind::Conflict { key, .. } => Some(format!(
                "remove `{key}` from `session:`; in the New Session dialog a resource profile \
                 replaces the amounts"
            )),
            ErrorKind::CustomNotAllowed { setting, .. } => Some(format!(
                "pick a `resource-profile:` instead, or allow custom amounts at {setting}"
            )),
        }
    }
}

/// One resource profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceProfile {
    /// The section name: what `resource-profiles` and case.yaml `resource-profile:` name.
    pub id: String,
    /// The label users see (`name=`), as written.
    pub label: Option<String>,
    /// CPU limit.
    pub cpus: Option<f64>,
    /// CPU request.
    pub cpus_request: Option<f64>,
    /// Memory limit in MB.
    pub mem_mb: Option<f64>,
    /// Memory request in MB.
    pub mem_mb_request: Option<f64>,
    /// NVIDIA GPUs.
    pub nvidia_gpus: Option<f64>,
    /// AMD GPUs.
    pub amd_gpus: Option<f64>,
    /// Placement constraints (`name:value`), comma-separated in the file.
    pub placement: Vec<String>,
    /// The section header.
    pub span: Span,
}

/// Every profile of a resources file, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceProfiles {
    /// The profiles.
    pub profiles: Vec<ResourceProfile>,
}

/// An amount: a finite number of at least 0 (the SDK trims before converting).
fn amount(
    section: &Section,
    key: &str,
    value: &str,
    span: &Span,
) -> Result<f64, Located<ErrorKind>> {
    match value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(Located::new(
            span.clone(),
            ErrorKind::NotAnAmount {
                key: key.to_owned(),
                profile: section.name.clone(),
                value: value.to_owned(),
            },
        )),
    }
}

/// A comma-separated list, split as the SDK's `parseValue` for sets does (`\s*,\s*`).
pub fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the sections the INI lexer found into profiles, checking every key and value.
pub fn from_sections(sections: &[Section]) -> Result<ResourceProfiles, Located<ErrorKind>> {
    let mut profiles = Vec::new();
    for section in sections {
        let mut p = ResourceProfile {
            id: section.name.clone(),
            label: None,
            cpus: None,
            cpus_request: None,
            mem_mb: None,
            mem_mb_request: None,
            nvidia_gpus: None,
            amd_gpus: None,
            placement: Vec::new(),
            span: section.span.clone(),
        };
        for entry in &section.entries {
            let slot = match entry.key.as_str() {
                "name" => {
                    p.label = Some(entry.value.clone());
                    continue;
                }
                "placement-constraints" => {
                    p.placement = list(&entry.value);
                    continue;
                }
                "cpus" => &mut p.cpus,
                "cpus-request" => &mut p.cpus_request,
                "mem-mb" => &mut p.mem_mb,
                "mem-mb-request" => &mut p.mem_mb_request,
                "nvidia-gpus" => &mut p.nvidia_gpus,
                "amd-gpus" => &mut p.amd_gpus,
                key => {
                    return Err(Located::new(
                        entry.span.clone(),
                        ErrorKind::UnknownKey {
                            key: key.to_owned(),
                            profile: section.name.clone(),
                            suggestion: did_you_mean(key, KEYS.iter().copied()).map(str::to_owned),
                        },
                    ));
                }
            };
            *slot = Some(amount(
                section,
                &entry.key,
                &entry.value,
                &entry.value_span,
            )?);
        }
        for (request, limit, asked, max) in [
            ("cpus-request", "cpus", p.cpus_request, p.cpus),
            ("mem-mb-request", "mem-mb", p.mem_mb_request, p.mem_mb),
        ] {
            if let (Some(asked), Some(max)) = (asked, max)
                && asked > max
            {
                let at = section
                    .entries
                    .iter()
                    .find(|e| e.key == request)
                    .map_or_else(|| section.span.clone(), |e| e.value_span.clone());
                return Err(Located::new(
                    at,
                    ErrorKind::RequestAboveLimit {
                        request,
                        asked,
                        limit,
                        max,
                        profile: section.name.clone(),
                    },
                ));
            }
        }
        profiles.push(p);
    }
    Ok(ResourceProfiles { profiles })
}

impl ResourceProfiles {
    /// The profile whose section is `id`.
    pub fn get(&self, id: &str) -> Option<&ResourceProfile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Warnings for entries of the user's `resource-profiles` that name no profile (Workbench
    /// would offer nothing for them).
    pub fn check_offered(&self, resolved: &Resolved) -> Vec<Warning> {
        let Some(setting) = resolved.get("resource-profiles") else {
            return Vec::new();
        };
        list(&setting.value)
            .into_iter()
            .filter(|id| self.get(id).is_none())
            .map(|id| {
                let mut w = Warning::new(
                    "unknown-resource-profile",
                    format!(
                        "`resource-profiles` names `{id}`, which `{RESOURCES_FILE}` does not define"
                    ),
                )
                .at(setting.span.clone());
                if let Some(s) = did_you_mean(&id, self.profiles.iter().map(|p| p.id.as_str())) {
                    w = w.hint(format!("did you mean `{s}`?"));
                }
                w
            })
            .collect()
    }
}

/// The launch request after picking resource profile `name` (from case.yaml at `at`), checked
/// against the user's `resource-profiles`; without `name`, the request checked against
/// `allow-custom-resources`.
///
/// [DECISION] No source found says what a user without a `resource-profiles` key may pick:
/// jjo lets them pick every profile of the file. `allow-custom-resources` refuses the
/// session's own amounts only when it is `0`.
pub fn apply(
    resources: Option<&ResourceProfiles>,
    session: &Session,
    resolved: &Resolved,
    at: &Span,
) -> Result<(Session, Option<ResourceProfile>), Located<ErrorKind>> {
    let custom = [
        ("cpus", session.cpus.is_some()),
        ("cpus-request", session.cpus_request.is_some()),
        ("memory-mb", session.memory_mb.is_some()),
        ("memory-mb-request", session.memory_mb_request.is_some()),
        ("nvidia-gpus", session.nvidia_gpus.is_some()),
        ("amd-gpus", session.amd_gpus.is_some()),
    ];
    let Some(name) = &session.resource_profile else {
        if let Some(setting) = resolved.get("allow-custom-resources")
            && setting.value.trim() == "0"
            && let Some((key, _)) = custom.iter().find(|(_, set)| *set)
        {
            return Err(Located::new(
                at.clone(),
                ErrorKind::CustomNotAllowed {
                    key,
                    setting: setting.span.clone(),
                },
            ));
        }
        return Ok((session.clone(), None));
    };
    let Some(resources) = resources else {
        return Err(Located::new(
            at.clone(),
            ErrorKind::NoResourcesFile { name: name.clone() },
        ));
    };
    let Some(profile) = resources.get(name) else {
        let by_label = resources
            .profiles
            .iter()
            .find(|p| p.label.as_deref().map(|l| l.trim_matches('"')) == Some(name.as_str()));
        let (suggestion, is_label) = match by_label {
            Some(p) => (Some(p.id.clone()), true),
            None => (
                did_you_mean(name, resources.profiles.iter().map(|p| p.id.as_str()))
                    .map(str::to_owned),
                false,
            ),
        };
        return Err(Located::new(
            at.clone(),
            ErrorKind::UnknownProfile {
                name: name.clone(),
                suggestion,
                is_label,
            },
        ));
    };
    if let Some(setting) = resolved.get("resource-profiles") {
        let offered = list(&setting.value);
        if !offered.contains(name) {
            return Err(Located::new(
                at.clone(),
                ErrorKind::NotOffered {
                    name: name.clone(),
                    offered,
                    list: setting.span.clone(),
                },
            ));
        }
    }
    let mut out = session.clone();
    let fills = [
        ("cpus", profile.cpus, &mut out.cpus),
        ("cpus-request", profile.cpus_request, &mut out.cpus_request),
        ("memory-mb", profile.mem_mb, &mut out.memory_mb),
        (
            "memory-mb-request",
            profile.mem_mb_request,
            &mut out.memory_mb_request,
        ),
        ("nvidia-gpus", profile.nvidia_gpus, &mut out.nvidia_gpus),
        ("amd-gpus", profile.amd_gpus, &mut out.amd_gpus),
    ];
    for (key, value, slot) in fills {
        if value.is_none() {
            continue;
        }
        if slot.is_some() {
            return Err(Located::new(
                at.clone(),
                ErrorKind::Conflict {
                    key,
                    name: name.clone(),
                },
            ));
        }
        *slot = value;
    }
    if !profile.placement.is_empty() {
        if !out.placement.is_empty() {
            return Err(Located::new(
                at.clone(),
                ErrorKind::Conflict {
                    key: "placement",
                    name: name.clone(),
                },
            ));
        }
        out.placement = profile.placement.clone();
    }
    Ok((out, Some(profile.clone())))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::super::{Setting, parse_ini};
    use super::*;

    const FILE: &str = "\
[small]
name=Small (1 CPU, 2 GB)
cpus=1
mem-mb=2048

[gpu]
name=One GPU
cpus=4
cpus-request=2
mem-mb=16384
nvidia-gpus=1
placement-constraints=pool:gpu
";

    fn sections(text: &str) -> Vec<Section> {
        parse_ini(Path::new("r.conf"), text)
            .expect("lexes")
            .0
            .sections
    }

    fn resources() -> ResourceProfiles {
        from_sections(&sections(FILE)).expect("valid")
    }

    fn resolved(pairs: &[(&str, &str)]) -> Resolved {
        let values: BTreeMap<String, Setting> = pairs
            .iter()
            .map(|(k, v)| {
                let setting = Setting {
                    value: (*v).to_owned(),
                    section: "*".into(),
                    span: Span::at("p.conf", 2, 10),
                };
                ((*k).to_owned(), setting)
            })
            .collect();
        Resolved {
            values,
            warnings: Vec::new(),
        }
    }

    fn at() -> Span {
        Span::line("case.yaml", 3)
    }

    fn pick(name: &str, pairs: &[(&str, &str)]) -> Result<Session, Located<ErrorKind>> {
        let session = Session {
            resource_profile: Some(name.to_owned()),
            ..Session::default()
        };
        apply(Some(&resources()), &session, &resolved(pairs), &at()).map(|(s, _)| s)
    }

    /// Keys and shape: posit-dev/team-operator `api/core/v1beta1/workbench_config.go`,
    /// `WorkbenchLauncherKubnernetesResourcesConfigSection`.
    #[test]
    fn sections_become_profiles_with_typed_amounts() {
        let r = resources();
        let gpu = r.get("gpu").expect("gpu");
        assert_eq!(gpu.label.as_deref(), Some("One GPU"));
        assert_eq!((gpu.cpus, gpu.cpus_request), (Some(4.0), Some(2.0)));
        assert_eq!((gpu.mem_mb, gpu.nvidia_gpus), (Some(16384.0), Some(1.0)));
        assert_eq!(gpu.placement, ["pool:gpu"]);
        assert_eq!(gpu.span.line, 6);
        assert_eq!(r.get("small").and_then(|p| p.amd_gpus), None);
    }

    #[test]
    fn bad_keys_and_values_are_errors_at_their_place() {
        let err = from_sections(&sections("[s]\ncpu=1\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.conf:2:1: unknown key `cpu` in resource profile `[s]`"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `cpus`?"));
        let err = from_sections(&sections("[s]\nmem-mb = 2GB\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.conf:2:10: `mem-mb` in resource profile `[s]` must be a number of at least 0, found `2GB`"
        );
        let err = from_sections(&sections("[s]\ncpus=1\ncpus-request=2\n")).unwrap_err();
        assert_eq!(err.span.line, 3);
        assert!(
            matches!(err.error, ErrorKind::RequestAboveLimit { .. }),
            "{err}"
        );
    }

    #[test]
    fn picking_a_profile_fills_the_request() {
        let s = pick("gpu", &[]).expect("picks");
        assert_eq!(
            (s.cpus, s.cpus_request, s.memory_mb),
            (Some(4.0), Some(2.0), Some(16384.0))
        );
        assert_eq!((s.nvidia_gpus, s.memory_mb_request), (Some(1.0), None));
        assert_eq!(s.placement, ["pool:gpu"]);
    }

    #[test]
    fn the_users_list_limits_the_choice() {
        assert!(pick("small", &[("resource-profiles", "small, gpu")]).is_ok());
        let err = pick("gpu", &[("resource-profiles", "small")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "case.yaml:3: resource profile `[gpu]` is not in the user's `resource-profiles`"
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("the user may pick `small` (`resource-profiles` at p.conf:2:10)")
        );
    }

    #[test]
    fn unknown_profile_suggests_a_section_or_names_the_label() {
        let err = pick("smal", &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "case.yaml:3: no resource profile `[smal]` in `launcher.kubernetes.resources.conf`"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `small`?"));
        let err = pick("One GPU", &[]).unwrap_err();
        assert!(
            err.hint()
                .unwrap()
                .starts_with("that is the label of `[gpu]`"),
            "{:?}",
            err.hint()
        );
        let session = Session {
            resource_profile: Some("small".into()),
            ..Session::default()
        };
        let err = apply(None, &session, &resolved(&[]), &at()).unwrap_err();
        assert!(matches!(err.error, ErrorKind::NoResourcesFile { .. }));
    }

    #[test]
    fn a_session_amount_beside_a_profile_is_a_conflict() {
        let session = Session {
            resource_profile: Some("small".into()),
            cpus: Some(2.0),
            ..Session::default()
        };
        let err = apply(Some(&resources()), &session, &resolved(&[]), &at()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "case.yaml:3: session sets `cpus` and picks resource profile `[small]`, which sets it too"
        );
    }

    #[test]
    fn custom_amounts_need_allow_custom_resources() {
        let session = Session {
            memory_mb: Some(1024.0),
            ..Session::default()
        };
        let no = resolved(&[("allow-custom-resources", "0")]);
        let err = apply(Some(&resources()), &session, &no, &at()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "case.yaml:3: session asks for its own `memory-mb`, but the user's profile has `allow-custom-resources=0`"
        );
        // Defaults from the profile are not custom amounts; `1` allows them.
        assert!(apply(Some(&resources()), &Session::default(), &no, &at()).is_ok());
        let yes = resolved(&[("allow-custom-resources", "1")]);
        assert!(apply(Some(&resources()), &session, &yes, &at()).is_ok());
    }

    #[test]
    fn listed_profiles_that_do_not_exist_warn() {
        let w = resources().check_offered(&resolved(&[("resource-profiles", "small,gpus")]));
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("names `gpus`"), "{}", w[0].message);
        assert_eq!(w[0].hint.as_deref(), Some("did you mean `gpu`?"));
    }
}
