//! The SDK's per-key resolution (`AbstractUserProfiles.cpp`), with its ordering quirk, and the
//! warnings that make the quirk visible (launcher.md §2).

use std::collections::BTreeSet;

use super::{Profiles, Resolved, Section, SectionKind, Setting};
use crate::diag::Warning;

/// How specific a section is; the SDK never lets a broader section override a narrower one
/// that came earlier in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    All,
    Group,
    User,
}

fn level(kind: &SectionKind) -> Level {
    match kind {
        SectionKind::All => Level::All,
        SectionKind::Group(_) => Level::Group,
        SectionKind::User(_) => Level::User,
    }
}

fn applies(section: &Section, user: &str, groups: &[String]) -> bool {
    match &section.kind {
        SectionKind::All => true,
        SectionKind::Group(g) => groups.iter().any(|have| have == g),
        SectionKind::User(u) => u == user,
    }
}

/// Resolves every key for `user` in `groups`.
pub fn resolve(profiles: &Profiles, user: &str, groups: &[String]) -> Resolved {
    let mut resolved = Resolved::default();
    let keys: BTreeSet<&str> = profiles
        .sections
        .iter()
        .flat_map(|s| s.entries.iter().map(|e| e.key.as_str()))
        .collect();
    for key in keys {
        let mut best: Option<Level> = None;
        let mut candidate: Option<Setting> = None;
        for section in &profiles.sections {
            let lvl = level(&section.kind);
            if best.is_some_and(|b| lvl < b) || !applies(section, user, groups) {
                continue;
            }
            // The SDK raises the level even when the section lacks the key.
            best = Some(lvl);
            if let Some(entry) = section.entries.iter().find(|e| e.key == key) {
                candidate = Some(Setting {
                    value: entry.value.clone(),
                    section: section.name.clone(),
                    span: entry.value_span.clone(),
                });
            }
        }
        if let Some(setting) = candidate {
            resolved.values.insert(key.to_string(), setting);
        }
    }
    resolved.warnings = ordering_warnings(profiles);
    resolved
        .warnings
        .extend(shadow_warnings(profiles, user, groups));
    resolved
}

/// One warning for the first section that breaks the `*` → groups → users order.
fn ordering_warnings(profiles: &Profiles) -> Vec<Warning> {
    let mut highest: Option<(&Section, Level)> = None;
    for section in &profiles.sections {
        let lvl = level(&section.kind);
        match highest {
            Some((before, top)) if lvl < top => {
                return vec![
                    Warning::new(format!(
                        "section `[{}]` comes after the narrower `[{}]`; the launcher ignores it for users that `[{}]` applies to",
                        section.name, before.name, before.name
                    ))
                    .at(section.span.clone())
                    .hint("order sections `[*]`, then `[@group]`s, then `[user]`s"),
                ];
            }
            Some((_, top)) if lvl == top => {}
            _ => highest = Some((section, lvl)),
        }
    }
    Vec::new()
}

/// For this user, each applicable section that the quirk skips, with the keys it loses.
fn shadow_warnings(profiles: &Profiles, user: &str, groups: &[String]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut best: Option<(Level, &Section)> = None;
    for section in &profiles.sections {
        if !applies(section, user, groups) {
            continue;
        }
        let lvl = level(&section.kind);
        match best {
            Some((b, narrower)) if lvl < b => {
                let keys: Vec<String> = section
                    .entries
                    .iter()
                    .map(|e| format!("`{}`", e.key))
                    .collect();
                if !keys.is_empty() {
                    warnings.push(
                        Warning::new(format!(
                            "for `{user}`, section `[{}]` is ignored because the narrower `[{}]` comes first; lost: {}",
                            section.name,
                            narrower.name,
                            keys.join(", ")
                        ))
                        .at(section.span.clone())
                        .hint(format!("move `[{}]` above `[{}]`", section.name, narrower.name)),
                    );
                }
            }
            _ => best = Some((lvl, section)),
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::profiles::{ParseOptions, parse};

    fn resolve_text(text: &str, user: &str, groups: &[&str]) -> Resolved {
        let (p, _) = parse(Path::new("p.conf"), text, ParseOptions::default()).expect("parses");
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        resolve(&p, user, &groups)
    }

    fn value(r: &Resolved, key: &str) -> Option<(String, String)> {
        r.get(key).map(|s| (s.value.clone(), s.section.clone()))
    }

    const ORDERED: &str =
        "[*]\ndefault-cpus=1\nmax-cpus=8\n[@staff]\ndefault-cpus=2\n[alice]\ndefault-cpus=3\n";

    #[test]
    fn user_beats_group_beats_all() {
        let r = resolve_text(ORDERED, "alice", &["staff"]);
        assert_eq!(
            value(&r, "default-cpus"),
            Some(("3".into(), "alice".into()))
        );
        let r = resolve_text(ORDERED, "bob", &["staff"]);
        assert_eq!(
            value(&r, "default-cpus"),
            Some(("2".into(), "@staff".into()))
        );
        let r = resolve_text(ORDERED, "carol", &[]);
        assert_eq!(value(&r, "default-cpus"), Some(("1".into(), "*".into())));
    }

    #[test]
    fn keys_a_narrower_section_lacks_come_from_broader_ones_before_it() {
        let r = resolve_text(ORDERED, "alice", &["staff"]);
        assert_eq!(value(&r, "max-cpus"), Some(("8".into(), "*".into())));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn last_matching_group_wins() {
        let text = "[@staff]\ndefault-cpus=2\n[@gpu]\ndefault-cpus=4\n";
        assert_eq!(
            value(
                &resolve_text(text, "bob", &["gpu", "staff"]),
                "default-cpus"
            )
            .map(|v| v.0),
            Some("4".into())
        );
        assert_eq!(
            value(&resolve_text(text, "bob", &["staff"]), "default-cpus").map(|v| v.0),
            Some("2".into())
        );
    }

    #[test]
    fn sections_for_other_users_and_groups_are_skipped() {
        let r = resolve_text(
            "[@gpu]\ndefault-cpus=4\n[bob]\ndefault-cpus=8\n",
            "alice",
            &["staff"],
        );
        assert!(r.get("default-cpus").is_none());
    }

    #[test]
    fn no_section_means_no_value() {
        assert!(
            resolve_text("[*]\ndefault-cpus=1\n", "a", &[])
                .get("max-cpus")
                .is_none()
        );
    }

    #[test]
    fn broader_section_after_a_narrower_one_is_ignored_even_for_missing_keys() {
        // The quirk: [*] comes after [alice], so alice does not get max-cpus at all.
        let text = "[alice]\ndefault-cpus=3\n[*]\ndefault-cpus=1\nmax-cpus=8\n";
        let r = resolve_text(text, "alice", &[]);
        assert_eq!(value(&r, "default-cpus").map(|v| v.0), Some("3".into()));
        assert!(r.get("max-cpus").is_none());
        let r = resolve_text(text, "bob", &[]);
        assert_eq!(value(&r, "max-cpus").map(|v| v.0), Some("8".into()));
    }

    #[test]
    fn level_rises_even_when_the_section_lacks_the_key() {
        let text = "[@staff]\nmax-cpus=4\n[*]\ndefault-cpus=1\n";
        assert!(
            resolve_text(text, "bob", &["staff"])
                .get("default-cpus")
                .is_none()
        );
    }

    #[test]
    fn job_json_overrides_is_replaced_never_appended() {
        let text = "[*]\njob-json-overrides=\"/a\":\"/etc/rstudio/a\"\n[alice]\njob-json-overrides=\"/b\":\"/etc/rstudio/b\"\n";
        let r = resolve_text(text, "alice", &[]);
        assert_eq!(
            value(&r, "job-json-overrides").map(|v| v.0),
            Some("\"/b\":\"/etc/rstudio/b\"".into())
        );
    }

    #[test]
    fn setting_span_points_at_the_value() {
        let r = resolve_text("[*]\ndefault-cpus= 2\n", "a", &[]);
        let s = r.get("default-cpus").expect("set");
        assert_eq!((s.span.line, s.span.col), (2, 15));
    }

    #[test]
    fn misordered_file_warns_once_with_the_section() {
        let r = resolve_text(
            "[alice]\ndefault-cpus=3\n[*]\nmax-cpus=8\n[@x]\nmax-cpus=2\n",
            "bob",
            &[],
        );
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].message.contains("`[*]`"));
        assert_eq!(r.warnings[0].span.as_ref().map(|s| s.line), Some(3));
    }

    #[test]
    fn shadowed_section_warns_for_the_affected_user_only() {
        let text = "[alice]\ndefault-cpus=3\n[*]\nmax-cpus=8\n";
        let r = resolve_text(text, "alice", &[]);
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(
            r.warnings[1].message.contains("lost: `max-cpus`"),
            "{}",
            r.warnings[1].message
        );
        let r = resolve_text(text, "bob", &[]);
        assert_eq!(
            r.warnings.len(),
            1,
            "only the ordering warning: {:?}",
            r.warnings
        );
    }
}
