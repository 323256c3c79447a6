//! Which value each key has for one user, walking the sections in file order exactly as the
//! SDK's `AbstractUserProfiles::getValueForUser` does, plus warnings where that walk differs
//! from what the file seems to say (its ordering quirk).

use std::collections::{BTreeMap, BTreeSet};

use super::{Profiles, Resolved, Section, SectionKind, Setting};
use crate::diag::Warning;

/// How specific a section is; the SDK compares these with `<`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    All,
    Group,
    User,
}

/// The level of a section kind.
fn level(kind: &SectionKind) -> Level {
    match kind {
        SectionKind::All => Level::All,
        SectionKind::Group(_) => Level::Group,
        SectionKind::User(_) => Level::User,
    }
}

/// Whether a section is meant for `user` (`groups` includes the primary group).
fn applies(kind: &SectionKind, user: &str, groups: &[String]) -> bool {
    match kind {
        SectionKind::All => true,
        SectionKind::Group(group) => groups.iter().any(|g| g == group),
        SectionKind::User(name) => name == user,
    }
}

/// The value of `key` in `section`; the last one if a hand-built section repeats it, as the
/// SDK's `values[key] = …` would keep.
fn value_in<'a>(section: &'a Section, key: &str) -> Option<&'a super::Entry> {
    section.entries.iter().rev().find(|e| e.key == key)
}

/// The SDK's walk for one key: the index of the winning section, if any sets the key.
fn winner(profiles: &Profiles, key: &str, user: &str, groups: &[String]) -> Option<usize> {
    let mut best: Option<Level> = None;
    let mut candidate = None;
    for (index, section) in profiles.sections.iter().enumerate() {
        let section_level = level(&section.kind);
        if best.is_some_and(|b| section_level < b) || !applies(&section.kind, user, groups) {
            continue;
        }
        // The level rises even when this section lacks the key: the root of the quirk.
        best = Some(section_level);
        if value_in(section, key).is_some() {
            candidate = Some(index);
        }
    }
    candidate
}

/// Resolves every key for `user` in `groups`, with the SDK's algorithm and its ordering quirk.
pub fn resolve(profiles: &Profiles, user: &str, groups: &[String]) -> Resolved {
    let keys: BTreeSet<&str> = profiles
        .sections
        .iter()
        .flat_map(|s| s.entries.iter().map(|e| e.key.as_str()))
        .collect();
    let mut winners: BTreeMap<&str, usize> = BTreeMap::new();
    let mut values = BTreeMap::new();
    for key in keys {
        let Some(index) = winner(profiles, key, user, groups) else {
            continue;
        };
        let Some(section) = profiles.sections.get(index) else {
            continue;
        };
        let Some(entry) = value_in(section, key) else {
            continue;
        };
        winners.insert(key, index);
        values.insert(
            key.to_owned(),
            Setting {
                value: entry.value.clone(),
                section: section.name.clone(),
                span: entry.value_span.clone(),
            },
        );
    }
    let mut warnings: Vec<Warning> = order_warning(profiles).into_iter().collect();
    warnings.extend(shadow_warnings(profiles, user, groups, &winners));
    Resolved { values, warnings }
}

/// One warning for the first section that comes after a narrower one (the file should go
/// `[*]`, then groups, then users), whoever the user is.
fn order_warning(profiles: &Profiles) -> Option<Warning> {
    let mut narrowest: Option<&Section> = None;
    for section in &profiles.sections {
        let section_level = level(&section.kind);
        match narrowest {
            Some(narrow) if section_level < level(&narrow.kind) => {
                return Some(
                    Warning::new(format!(
                        "profiles file is not ordered `[*]`, groups, users: section `[{}]` on \
                         line {} comes after the narrower `[{}]` on line {}",
                        section.name, section.span.line, narrow.name, narrow.span.line
                    ))
                    .at(section.span.clone())
                    .hint(format!(
                        "move `[{}]` above `[{}]`; the launcher ignores a broader section placed \
                         after a narrower one that applies to the same user",
                        section.name, narrow.name
                    )),
                );
            }
            Some(narrow) if section_level == level(&narrow.kind) => {}
            _ => narrowest = Some(section),
        }
    }
    None
}

/// For `user`, each section meant for them that the SDK skips because a narrower one came
/// first, with the keys whose value this costs them.
fn shadow_warnings(
    profiles: &Profiles,
    user: &str,
    groups: &[String],
    winners: &BTreeMap<&str, usize>,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // The section that first raised the level to where it is.
    let mut raised_by: Option<&Section> = None;
    for section in &profiles.sections {
        if !applies(&section.kind, user, groups) {
            continue;
        }
        let section_level = level(&section.kind);
        let Some(narrow) = raised_by else {
            raised_by = Some(section);
            continue;
        };
        let best = level(&narrow.kind);
        if section_level > best {
            raised_by = Some(section);
        }
        if section_level >= best || section.entries.is_empty() {
            continue;
        }
        // A key is lost unless a narrower section than this one wins it anyway, in which case
        // correct ordering would not change the user's value.
        let lost: Vec<String> = section
            .entries
            .iter()
            .filter(|e| {
                let won_by_narrower = winners
                    .get(e.key.as_str())
                    .and_then(|&i| profiles.sections.get(i))
                    .is_some_and(|w| level(&w.kind) > section_level);
                !won_by_narrower
            })
            .map(|e| format!("`{}`", e.key))
            .collect();
        let cost = if lost.is_empty() {
            "no value is lost, since narrower sections set all its keys".to_owned()
        } else {
            format!("this loses {}", lost.join(", "))
        };
        warnings.push(
            Warning::new(format!(
                "section `[{}]` on line {} is ignored for user `{user}` because `[{}]` on line \
                 {} comes before it; {cost}",
                section.name, section.span.line, narrow.name, narrow.span.line
            ))
            .at(section.span.clone())
            .hint(format!(
                "move `[{}]` above `[{}]`, or copy the keys it should set into `[{}]`",
                section.name, narrow.name, narrow.name
            )),
        );
    }
    warnings
}
