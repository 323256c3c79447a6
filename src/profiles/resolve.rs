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
                    Warning::new(
                        "section-order",
                        format!(
                            "profiles file is not ordered `[*]`, groups, users: section `[{}]` on \
                         line {} comes after the narrower `[{}]` on line {}",
                            section.name, section.span.line, narrow.name, narrow.span.line
                        ),
                    )
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
            Warning::new(
                "shadowed-section",
                format!(
                    "section `[{}]` on line {} is ignored for user `{user}` because `[{}]` on line \
                 {} comes before it; {cost}",
                    section.name, section.span.line, narrow.name, narrow.span.line
                ),
            )
            .at(section.span.clone())
            .hint(format!(
                "move `[{}]` above `[{}]`, or copy the keys it should set into `[{}]`",
                section.name, narrow.name, narrow.name
            )),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{ParseOptions, parse};
    use super::*;

    fn profiles(text: &str) -> Profiles {
        match parse(Path::new("p.conf"), text, ParseOptions::default()) {
            Ok((p, _)) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The value and winning section of `key`.
    fn got<'a>(r: &'a Resolved, key: &str) -> Option<(&'a str, &'a str)> {
        r.get(key).map(|s| (s.value.as_str(), s.section.as_str()))
    }

    const ORDERED: &str = "\
[*]
max-cpus=1
default-cpus=1
[@staff]
max-cpus=2
[alice]
max-cpus=3
";

    #[test]
    fn user_beats_group_beats_all() {
        let p = profiles(ORDERED);
        let alice = resolve(&p, "alice", &groups(&["staff"]));
        assert_eq!(got(&alice, "max-cpus"), Some(("3", "alice")));
        let bob = resolve(&p, "bob", &groups(&["staff"]));
        assert_eq!(got(&bob, "max-cpus"), Some(("2", "@staff")));
        let carol = resolve(&p, "carol", &groups(&["other"]));
        assert_eq!(got(&carol, "max-cpus"), Some(("1", "*")));
    }

    #[test]
    fn values_never_merge_but_missing_keys_fall_back_to_broader_sections() {
        // Ordered correctly, `[alice]` lacks `default-cpus`, so `[*]`'s value stands.
        let alice = resolve(&profiles(ORDERED), "alice", &groups(&["staff"]));
        assert_eq!(got(&alice, "default-cpus"), Some(("1", "*")));
    }

    #[test]
    fn ordered_file_gives_no_warnings() {
        let alice = resolve(&profiles(ORDERED), "alice", &groups(&["staff"]));
        assert!(alice.warnings.is_empty(), "{:?}", alice.warnings);
    }

    #[test]
    fn last_matching_group_section_wins() {
        let p = profiles("[@a]\nmax-cpus=1\n[@b]\nmax-cpus=2\n");
        // File order decides, not the order of the user's groups.
        assert_eq!(
            got(&resolve(&p, "u", &groups(&["a", "b"])), "max-cpus"),
            Some(("2", "@b"))
        );
        assert_eq!(
            got(&resolve(&p, "u", &groups(&["b", "a"])), "max-cpus"),
            Some(("2", "@b"))
        );
        assert_eq!(
            got(&resolve(&p, "u", &groups(&["a"])), "max-cpus"),
            Some(("1", "@a"))
        );
    }

    #[test]
    fn last_group_that_sets_the_key_wins() {
        let p = profiles("[@a]\nmax-cpus=1\n[@b]\ndefault-cpus=1\n");
        let r = resolve(&p, "u", &groups(&["a", "b"]));
        assert_eq!(got(&r, "max-cpus"), Some(("1", "@a")));
        assert_eq!(got(&r, "default-cpus"), Some(("1", "@b")));
    }

    #[test]
    fn primary_group_counts_by_being_in_groups() {
        let p = profiles("[*]\nmax-cpus=1\n[@alice]\nmax-cpus=2\n");
        // The caller puts the primary group in `groups`; nothing else marks it.
        assert_eq!(
            got(&resolve(&p, "alice", &groups(&["alice"])), "max-cpus"),
            Some(("2", "@alice"))
        );
        assert_eq!(
            got(&resolve(&p, "alice", &[]), "max-cpus"),
            Some(("1", "*"))
        );
    }

    #[test]
    fn sections_for_other_users_and_groups_are_skipped() {
        let p = profiles("[*]\nmax-cpus=1\n[@other]\nmax-cpus=2\n[bob]\nmax-cpus=3\n");
        let r = resolve(&p, "alice", &groups(&["staff"]));
        assert_eq!(got(&r, "max-cpus"), Some(("1", "*")));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn non_matching_narrow_section_does_not_shadow() {
        // `[bob]` does not apply to alice, so it does not raise the level for her.
        let p = profiles("[bob]\nmax-cpus=3\n[*]\nmax-cpus=1\n");
        let r = resolve(&p, "alice", &[]);
        assert_eq!(got(&r, "max-cpus"), Some(("1", "*")));
        // Only the file-order warning; nothing is shadowed for alice.
        assert_eq!(r.warnings.len(), 1);
    }

    #[test]
    fn no_section_setting_a_key_leaves_it_absent() {
        let p = profiles("[*]\nmax-cpus=1\n[bob]\ndefault-cpus=2\n");
        let r = resolve(&p, "alice", &[]);
        assert_eq!(r.get("default-cpus"), None);
        assert_eq!(r.get("job-json-overrides"), None);
        assert_eq!(r.values.len(), 1);
        assert!(resolve(&profiles(""), "alice", &[]).values.is_empty());
    }

    #[test]
    fn job_json_overrides_is_replaced_not_appended() {
        let p = profiles(
            "[*]\njob-json-overrides=\"/a\":\"/x.json\"\n[@g]\njob-json-overrides=\"/b\":\"/y.json\"\n",
        );
        let r = resolve(&p, "u", &groups(&["g"]));
        assert_eq!(
            got(&r, "job-json-overrides"),
            Some(("\"/b\":\"/y.json\"", "@g"))
        );
    }

    #[test]
    fn setting_span_is_the_value_position() {
        let p = profiles("[*]\n  max-cpus =  4\n");
        let s = resolve(&p, "u", &[]).get("max-cpus").cloned().unwrap();
        assert_eq!((s.span.line, s.span.col), (2, 15));
        assert_eq!(s.span.path(), Path::new("p.conf"));
    }

    #[test]
    fn quirk_broader_section_after_matching_narrower_is_ignored_entirely() {
        let p = profiles("[alice]\ndefault-cpus=1\n[*]\nmax-cpus=4\ndefault-cpus=2\n");
        let alice = resolve(&p, "alice", &[]);
        // `[*]` comes after `[alice]`, so alice gets nothing from it, even `max-cpus`.
        assert_eq!(got(&alice, "default-cpus"), Some(("1", "alice")));
        assert_eq!(alice.get("max-cpus"), None);
        // Others still get `[*]`.
        assert_eq!(got(&resolve(&p, "bob", &[]), "max-cpus"), Some(("4", "*")));
    }

    #[test]
    fn quirk_group_after_matching_user_is_ignored() {
        let p = profiles("[*]\nmax-cpus=1\n[alice]\ndefault-cpus=1\n[@staff]\nmax-cpus=2\n");
        // A user section without the key still raises the level.
        let r = resolve(&p, "alice", &groups(&["staff"]));
        assert_eq!(got(&r, "max-cpus"), Some(("1", "*")));
    }

    // Source: Boost `ini_parser.hpp` `read_ini` drops an empty section ("If the previous
    // section was empty, drop it again"), so it never reaches the SDK's level walk.
    #[test]
    fn an_empty_user_section_does_not_raise_the_level() {
        let p = profiles("[alice]\n# to do\n[*]\nmax-cpus=4\n");
        let r = resolve(&p, "alice", &[]);
        assert_eq!(got(&r, "max-cpus"), Some(("4", "*")));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn quirk_all_after_matching_group_is_ignored() {
        let p = profiles("[@staff]\ndefault-cpus=1\n[*]\nmax-cpus=4\n");
        assert_eq!(resolve(&p, "u", &groups(&["staff"])).get("max-cpus"), None);
        assert!(resolve(&p, "u", &[]).get("max-cpus").is_some());
    }

    #[test]
    fn out_of_order_file_gets_one_warning_naming_the_first_offender() {
        let p = profiles("[alice]\nmax-cpus=1\n[@staff]\nmax-cpus=1\n[*]\nmax-cpus=1\n");
        let r = resolve(&p, "nobody", &[]);
        assert_eq!(r.warnings.len(), 1);
        let w = &r.warnings[0];
        assert_eq!(w.span.as_ref().map(|s| s.line), Some(3));
        assert!(w.message.contains("`[@staff]` on line 3"), "{}", w.message);
        assert!(w.message.contains("`[alice]` on line 1"), "{}", w.message);
        assert!(
            w.hint
                .as_deref()
                .unwrap()
                .contains("move `[@staff]` above `[alice]`")
        );
    }

    #[test]
    fn shadowed_section_warning_names_section_line_and_lost_keys() {
        let p = profiles("[alice]\ndefault-cpus=1\n[*]\nmax-cpus=4\ndefault-cpus=2\n");
        let r = resolve(&p, "alice", &[]);
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        let w = &r.warnings[1];
        assert_eq!(w.span.as_ref().map(|s| s.line), Some(3));
        assert!(
            w.message
                .contains("`[*]` on line 3 is ignored for user `alice`"),
            "{}",
            w.message
        );
        assert!(w.message.contains("`[alice]` on line 1"), "{}", w.message);
        // `default-cpus` is set by `[alice]` anyway, so only `max-cpus` is lost.
        assert!(
            w.message.ends_with("this loses `max-cpus`"),
            "{}",
            w.message
        );
        assert!(w.hint.is_some());
    }

    #[test]
    fn shadowed_group_loses_keys_a_same_level_group_won() {
        // Ordered, `[@b]` would win `max-cpus` as the last matching group.
        let p = profiles("[@a]\nmax-cpus=1\n[alice]\ndefault-cpus=1\n[@b]\nmax-cpus=2\n");
        let r = resolve(&p, "alice", &groups(&["a", "b"]));
        assert_eq!(got(&r, "max-cpus"), Some(("1", "@a")));
        assert!(
            r.warnings[1].message.contains("this loses `max-cpus`"),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn shadowed_section_whose_keys_are_all_covered_says_nothing_is_lost() {
        let p = profiles("[alice]\nmax-cpus=1\n[*]\nmax-cpus=4\n");
        let r = resolve(&p, "alice", &[]);
        assert!(
            r.warnings[1].message.contains("no value is lost"),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn no_shadow_warning_for_users_the_narrow_section_does_not_match() {
        let p = profiles("[alice]\nmax-cpus=1\n[*]\nmax-cpus=4\n");
        let r = resolve(&p, "bob", &[]);
        // The file-order warning only.
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].message.contains("not ordered"));
    }

    #[test]
    fn empty_shadowed_section_is_not_reported() {
        // Boost drops the empty `[*]`: nothing is out of order and nothing is shadowed.
        let p = profiles("[alice]\nmax-cpus=1\n[*]\n");
        assert!(resolve(&p, "alice", &[]).warnings.is_empty());
    }

    #[test]
    fn hand_built_duplicate_key_takes_the_last_value() {
        let mut p = profiles("[*]\nmax-cpus=1\n");
        let mut dup = p.sections[0].entries[0].clone();
        dup.value = "2".into();
        p.sections[0].entries.push(dup);
        assert_eq!(got(&resolve(&p, "u", &[]), "max-cpus"), Some(("2", "*")));
    }
}
