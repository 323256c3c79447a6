//! The profiles file (`launcher.kubernetes.profiles.conf`): Boost-INI lexing, the keys the
//! Kubernetes plugin knows, and the SDK's per-key resolution for a user and groups.
//!
//! This module only declares the data types; `lexer` reads the text (Boost `property_tree`
//! INI rules plus jjo's stricter checks), `keys` lists what the plugin accepts, and `resolve`
//! picks each key's value for one user the way the launcher SDK does. It does not interpret
//! values (the `job-json-overrides` list belongs to `crate::overrides`).

pub mod host;
mod keys;
mod lexer;
mod resolve;
pub mod resources;

use std::collections::BTreeMap;

use crate::diag::Warning;
use crate::location::Span;

pub use keys::{KNOWN_KEYS, ValueType, is_known_key, reads_as, value_type};
pub use lexer::{Error, ErrorKind, parse, parse_ini};
pub use resolve::resolve;

/// A parsed profiles file, sections in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profiles {
    /// The sections in file order, as the SDK sees them: empty sections are gone, and a key
    /// written before any section header is an empty section named after the key.
    pub sections: Vec<Section>,
    /// Sections that were written but hold no key, which Boost's `read_ini` drops.
    pub dropped: Vec<Section>,
}

impl Profiles {
    /// The users that have a `[user]` section, in file order.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().filter_map(|s| match &s.kind {
            SectionKind::User(u) => Some(u.as_str()),
            _ => None,
        })
    }

    /// The groups that have a `[@group]` section, in file order.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().filter_map(|s| match &s.kind {
            SectionKind::Group(g) => Some(g.as_str()),
            _ => None,
        })
    }
}

/// One `[name]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The text between the brackets, trimmed (`*`, `@staff`, `alice`).
    pub name: String,
    /// Who the section applies to.
    pub kind: SectionKind,
    /// Where the `[name]` header is.
    pub span: Span,
    /// The `key=value` lines in file order.
    pub entries: Vec<Entry>,
}

/// Who a section applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    /// `[*]`: everyone.
    All,
    /// `[@group]`: members of a Unix group.
    Group(String),
    /// `[user]`: one user.
    User(String),
}

/// One `key=value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, trimmed.
    pub key: String,
    /// The value, trimmed, quotes kept.
    pub value: String,
    /// Where the key starts.
    pub span: Span,
    /// Where the value starts (1-based column of its first character).
    pub value_span: Span,
}

/// How strict parsing is.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Unknown keys become warnings instead of errors (for newer launchers).
    pub allow_unknown_keys: bool,
}

/// The value a user gets for one key, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The value as written.
    pub value: String,
    /// The name of the section that won (`*`, `@staff`, `alice`).
    pub section: String,
    /// Where the winning value starts.
    pub span: Span,
}

/// Every key's value for one user, plus ordering warnings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// Key → winning setting; keys no section sets are absent (the launcher default applies).
    pub values: BTreeMap<String, Setting>,
    /// Ordering problems and sections the SDK's quirk shadows for this user.
    pub warnings: Vec<Warning>,
}

impl Resolved {
    /// The winning setting for `key`, if any section sets it.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.values.get(key)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;

    /// Lines that often make a valid file, mixed with arbitrary text.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("[*]".to_owned()),
            Just("[@staff]".to_owned()),
            Just("[alice]".to_owned()),
            Just("# comment".to_owned()),
            Just(String::new()),
            "(max-cpus|default-cpus|job-json-overrides|max-cpu) ?= ?[ -~é]{0,12}",
            "[ -~\t\r\u{feff}\u{a0}é]{0,20}",
        ]
    }

    /// Files that parse: distinct sections in any order, each with distinct known keys and
    /// numbers for values (every key here reads a number or text).
    fn valid_file() -> impl Strategy<Value = String> {
        let headers = ["[*]", "[@staff]", "[@other]", "[alice]", "[bob]"];
        let keys = [
            "max-cpus",
            "default-cpus",
            "job-json-overrides",
            "max-mem-mb",
        ];
        proptest::sample::subsequence(headers.to_vec(), 0..=headers.len())
            .prop_shuffle()
            .prop_flat_map(move |hs| {
                let n = hs.len();
                let body = proptest::sample::subsequence(keys.to_vec(), 0..=keys.len());
                (
                    Just(hs),
                    proptest::collection::vec((body, "[0-9]{1,4}(\\.[0-9]{1,2})?"), n),
                )
            })
            .prop_map(|(hs, bodies)| {
                let mut text = String::new();
                for (header, (keys, value)) in hs.iter().zip(bodies) {
                    text.push_str(header);
                    text.push('\n');
                    for key in keys {
                        text.push_str(&format!("{key} = {value}\n"));
                    }
                }
                text
            })
    }

    /// Resolves for a few users and checks every value comes from an existing section.
    fn check_resolve(
        profiles: &Profiles,
        user: &str,
        groups: &[String],
    ) -> Result<(), TestCaseError> {
        let resolved = resolve(profiles, user, groups);
        for (key, setting) in &resolved.values {
            let section = profiles.sections.iter().find(|s| s.name == setting.section);
            prop_assert!(section.is_some_and(|s| s.entries.iter().any(|e| &e.key == key)));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "\\PC*", allow in any::<bool>()) {
            let _ = parse(Path::new("p.conf"), &text, ParseOptions { allow_unknown_keys: allow });
        }

        #[test]
        fn resolve_never_panics_on_what_parses(
            lines in proptest::collection::vec(line(), 0..12),
            allow in any::<bool>(),
            user in "(alice|bob|carol)",
            groups in proptest::collection::vec("(staff|other|alice)", 0..3),
        ) {
            let text = lines.join("\n");
            if let Ok((profiles, _)) =
                parse(Path::new("p.conf"), &text, ParseOptions { allow_unknown_keys: allow })
            {
                check_resolve(&profiles, &user, &groups)?;
            }
        }

        #[test]
        fn valid_files_parse_and_resolve(
            text in valid_file(),
            user in "(alice|bob|carol)",
            groups in proptest::collection::vec("(staff|other|alice)", 0..3),
        ) {
            let parsed = parse(Path::new("p.conf"), &text, ParseOptions::default());
            prop_assert!(parsed.is_ok(), "{:?}", parsed);
            if let Ok((profiles, _)) = parsed {
                check_resolve(&profiles, &user, &groups)?;
            }
        }
    }
}
