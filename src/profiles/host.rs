//! The host's users and groups, as the launcher sees them through NSS, read from saved
//! `getent group` and `getent passwd` output; and the two things the SDK does with them.
//!
//! At start the SDK looks up the group of every `[@group]` section with `getgrnam_r` and
//! refuses to start when one is missing ("Unable to retrieve group information",
//! `populateGroups` in the SDK's `sdk/src/options/AbstractUserProfiles.cpp`). Later a user is
//! in a group when the group lists them as a member or when the group's id is the user's
//! primary group id (`isInGroup`, same file). This module reproduces both from the saved text;
//! it reads no files itself (`case` does).

use std::fmt;
use std::path::Path;

use super::{Profiles, SectionKind};
use crate::diag::{Warning, did_you_mean};
use crate::location::{Hint, Located, Span};

/// Where the host's view sits in a case: beside the profiles file, in `host/`.
pub const HOST_DIR: &str = "host";
/// `getent group` output, in [`HOST_DIR`].
pub const GROUP_FILE: &str = "group";
/// `getent passwd` output, in [`HOST_DIR`].
pub const PASSWD_FILE: &str = "passwd";

/// What is wrong with the host's user and group data, or with a profile that needs it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// A `getent` line without the expected number of `:`-separated fields.
    #[error("expected {expected} `:`-separated fields as `getent {db}` prints them, found {found}")]
    Fields {
        /// `group` or `passwd`.
        db: Db,
        /// How many fields the database has.
        expected: usize,
        /// How many the line has.
        found: usize,
    },
    /// A uid or gid that is not a number.
    #[error("{what} `{value}` is not a number")]
    NotAnId {
        /// `gid` or `uid`.
        what: &'static str,
        /// The field as written.
        value: String,
    },
    /// An empty user or group name.
    #[error("empty {db} name")]
    EmptyName {
        /// `group` or `passwd`.
        db: Db,
    },
    /// A `[@group]` section naming a group the host does not know: the plugin does not start.
    #[error(
        "unable to retrieve group information for `[@{group}]`: the host has no group `{group}`"
    )]
    UnknownGroup {
        /// The group name.
        group: String,
        /// The saved `getent group` file.
        group_file: String,
        /// The closest group the host has.
        suggestion: Option<String>,
    },
    /// A host directory without both files.
    #[error("missing: the host's view needs both `group` and `passwd`")]
    MissingFile {
        /// The host directory.
        dir: std::path::PathBuf,
    },
    /// A case that says its user is new (`new-user: true`) names a user the host has.
    #[error("user `{user}` is in `{passwd_file}`, but the case says `new-user: true`")]
    NotNew {
        /// The user.
        user: String,
        /// The saved `getent passwd` file.
        passwd_file: String,
    },
    /// The case's user is not a user of the host.
    #[error("user `{user}` is not in `{passwd_file}`")]
    UnknownUser {
        /// The user.
        user: String,
        /// The saved `getent passwd` file.
        passwd_file: String,
        /// The closest user the host has.
        suggestion: Option<String>,
    },
}

/// Which NSS database a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// `getent group`: `name:password:gid:member,member`.
    Group,
    /// `getent passwd`: `name:password:uid:gid:gecos:home:shell`.
    Passwd,
}

impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Db::Group => "group",
            Db::Passwd => "passwd",
        })
    }
}

impl Hint for ErrorKind {
    fn hint(&self) -> Option<String> {
        Some(match self {
            ErrorKind::Fields { db: Db::Group, .. } => {
                "save the output of `getent group` unchanged: `name:x:gid:member,member`".into()
            }
            ErrorKind::Fields { db: Db::Passwd, .. } => {
                "save the output of `getent passwd` unchanged: `name:x:uid:gid:gecos:home:shell`"
                    .into()
            }
            ErrorKind::NotAnId { .. } | ErrorKind::EmptyName { .. } => {
                "save the output of `getent` unchanged".into()
            }
            ErrorKind::UnknownGroup {
                suggestion: Some(s),
                ..
            } => format!("did you mean `[@{s}]`?"),
            ErrorKind::UnknownGroup { group_file, .. } => format!(
                "the launcher looks up every `[@group]` section's group when it starts and does \
                 not start when one is missing; create the group on the host (and refresh \
                 `{group_file}`), or remove the section"
            ),
            ErrorKind::MissingFile { dir } => format!(
                "on the Workbench host run `getent group > {0}/group` and `getent passwd > \
                 {0}/passwd`",
                dir.display()
            ),
            ErrorKind::NotNew { .. } => "drop `new-user: true` to test them with the host's \
                groups, or name a user the host does not have"
                .into(),
            ErrorKind::UnknownUser {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            ErrorKind::UnknownUser { .. } => {
                "set `user:` in case.yaml to a user the host knows, refresh the saved \
                 `getent passwd` output, or say `new-user: true` for a user not added yet"
                    .into()
            }
        })
    }
}

/// One group of the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// Its id.
    pub gid: u32,
    /// The users it lists as members (not those for whom it is the primary group).
    pub members: Vec<String>,
    /// Its line in the saved file.
    pub span: Span,
}

/// One user of the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub name: String,
    /// The user id.
    pub uid: u32,
    /// The primary group id.
    pub gid: u32,
    /// Its line in the saved file.
    pub span: Span,
}

/// The host's users and groups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostDb {
    /// Groups in file order.
    pub groups: Vec<Group>,
    /// Users in file order.
    pub users: Vec<User>,
    /// The `getent group` file, for messages.
    pub group_file: String,
    /// The `getent passwd` file, for messages.
    pub passwd_file: String,
}

/// Splits `getent` text into its non-blank lines, with their 1-based numbers; `#` comment
/// lines are skipped so that a saved file may say where it came from.
fn records(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim_end_matches('\r');
        let skip = line.trim().is_empty() || line.starts_with('#');
        (!skip).then(|| (u32::try_from(i + 1).unwrap_or(u32::MAX), line))
    })
}

/// Splits one record into exactly `expected` fields.
fn fields<'a>(
    line: &'a str,
    db: Db,
    expected: usize,
    span: &Span,
) -> Result<Vec<&'a str>, Located<ErrorKind>> {
    let fields: Vec<&str> = line.split(':').collect();
    if fields.len() != expected {
        return Err(Located::new(
            span.clone(),
            ErrorKind::Fields {
                db,
                expected,
                found: fields.len(),
            },
        ));
    }
    if fields[0].is_empty() {
        return Err(Located::new(span.clone(), ErrorKind::EmptyName { db }));
    }
    Ok(fields)
}

/// Parses a numeric id field; `col` is the field's 1-based column.
fn id(value: &str, what: &'static str, span: &Span) -> Result<u32, Located<ErrorKind>> {
    value.parse().map_err(|_| {
        Located::new(
            span.clone(),
            ErrorKind::NotAnId {
                what,
                value: value.to_owned(),
            },
        )
    })
}

/// The 1-based column where field `index` of `fields` starts.
fn field_col(fields: &[&str], index: usize) -> u32 {
    let before: usize = fields[..index].iter().map(|f| f.chars().count() + 1).sum();
    u32::try_from(before + 1).unwrap_or(u32::MAX)
}

/// Parses `getent group` output.
pub fn parse_group(file: &Path, text: &str) -> Result<Vec<Group>, Located<ErrorKind>> {
    let mut groups = Vec::new();
    for (line_no, line) in records(text) {
        let span = Span::at(file, line_no, 1);
        let f = fields(line, Db::Group, 4, &span)?;
        let gid = id(f[2], "gid", &Span::at(file, line_no, field_col(&f, 2)))?;
        let members = f[3]
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect();
        groups.push(Group {
            name: f[0].to_owned(),
            gid,
            members,
            span,
        });
    }
    Ok(groups)
}

/// Parses `getent passwd` output.
pub fn parse_passwd(file: &Path, text: &str) -> Result<Vec<User>, Located<ErrorKind>> {
    let mut users = Vec::new();
    for (line_no, line) in records(text) {
        let span = Span::at(file, line_no, 1);
        let f = fields(line, Db::Passwd, 7, &span)?;
        let uid = id(f[2], "uid", &Span::at(file, line_no, field_col(&f, 2)))?;
        let gid = id(f[3], "gid", &Span::at(file, line_no, field_col(&f, 3)))?;
        users.push(User {
            name: f[0].to_owned(),
            uid,
            gid,
            span,
        });
    }
    Ok(users)
}

impl HostDb {
    /// Parses both files; the paths are only used in messages.
    pub fn parse(
        group_file: &Path,
        group_text: &str,
        passwd_file: &Path,
        passwd_text: &str,
    ) -> Result<HostDb, Located<ErrorKind>> {
        Ok(HostDb {
            groups: parse_group(group_file, group_text)?,
            users: parse_passwd(passwd_file, passwd_text)?,
            group_file: group_file.display().to_string(),
            passwd_file: passwd_file.display().to_string(),
        })
    }

    /// The group `getgrnam_r` returns for `name`: the first with that name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The user `getpwnam_r` returns for `name`: the first with that name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// Refuses a profiles file whose `[@group]` sections name a group the host does not have,
    /// as the SDK's `populateGroups` does when the plugin starts (for every user at once).
    pub fn check_sections(&self, profiles: &Profiles) -> Result<(), Located<ErrorKind>> {
        for section in &profiles.sections {
            let SectionKind::Group(group) = &section.kind else {
                continue;
            };
            if self.group(group).is_none() {
                let suggestion = did_you_mean(group, self.groups.iter().map(|g| g.name.as_str()))
                    .map(str::to_owned);
                return Err(Located::new(
                    section.span.clone(),
                    ErrorKind::UnknownGroup {
                        group: group.clone(),
                        group_file: self.group_file.clone(),
                        suggestion,
                    },
                ));
            }
        }
        Ok(())
    }

    /// The groups `user` is in, in host order: those listing them as a member and those whose
    /// id is their primary group id (the SDK's `isInGroup`). `span` is where the user is named,
    /// for the error when the host does not know them.
    pub fn memberships(&self, user: &str, span: &Span) -> Result<Vec<String>, Located<ErrorKind>> {
        let Some(account) = self.user(user) else {
            let suggestion =
                did_you_mean(user, self.users.iter().map(|u| u.name.as_str())).map(str::to_owned);
            return Err(Located::new(
                span.clone(),
                ErrorKind::UnknownUser {
                    user: user.to_owned(),
                    passwd_file: self.passwd_file.clone(),
                    suggestion,
                },
            ));
        };
        let mut groups: Vec<String> = Vec::new();
        for group in &self.groups {
            let member = group.members.iter().any(|m| m == user) || group.gid == account.gid;
            if member && !groups.contains(&group.name) {
                groups.push(group.name.clone());
            }
        }
        Ok(groups)
    }

    /// The groups the launcher will use for `user`, and a warning for each way the case's own
    /// `groups:` contradicts the host: a group the host says the user is not in, or a group a
    /// `[@group]` section names that the host says the user is in but the case leaves out.
    /// An empty `case_groups` means the case did not say, and is not a contradiction.
    ///
    /// `user_at` and `groups_at` are where case.yaml names the user and the groups.
    pub fn groups_for(
        &self,
        user: &str,
        case_groups: &[String],
        profiles: &Profiles,
        (user_at, groups_at): (&Span, &Span),
    ) -> Result<(Vec<String>, Vec<Warning>), Located<ErrorKind>> {
        let host = self.memberships(user, user_at)?;
        let span = groups_at;
        let mut warnings = Vec::new();
        if case_groups.is_empty() {
            return Ok((host, warnings));
        }
        for group in case_groups.iter().filter(|g| !host.contains(g)) {
            warnings.push(
                Warning::new("group-not-on-host", format!(
                    "user `{user}` is given group `{group}`, which `{}` does not list for them; \
                     jjo uses the host's groups",
                    self.group_file
                ))
                .at(span.clone())
                .hint(format!(
                    "drop `{group}` from the groups given, or add `{user}` to `{group}` on the host"
                )),
            );
        }
        for group in profiles
            .groups()
            .filter(|g| host.iter().any(|h| h == g) && !case_groups.iter().any(|c| c == g))
        {
            warnings.push(
                Warning::new(
                    "host-group-applies",
                    format!(
                        "group `{group}` is not given, but `{}` puts user `{user}` in it, so \
                     section `[@{group}]` applies; jjo uses the host's groups",
                        self.group_file
                    ),
                )
                .at(span.clone())
                .hint(format!(
                    "give `{group}` too, or give no groups to take the host's"
                )),
            );
        }
        Ok((host, warnings))
    }
}

/// The lowest uid of a regular (non-system) user, as `UID_MIN` in `/etc/login.defs` has it on
/// Debian, Ubuntu and RHEL.
pub const UID_MIN: u32 = 1000;

/// The uid of `nobody`, above [`UID_MIN`] but no one's login.
const NOBODY: u32 = 65534;

/// Whether a user is a person's login: uid at least [`UID_MIN`], and not `nobody`.
pub fn is_regular(user: &User) -> bool {
    user.uid >= UID_MIN && user.uid != NOBODY
}

/// What one host user gets from one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The user.
    pub user: String,
    /// Their uid.
    pub uid: u32,
    /// Their groups, as the launcher sees them.
    pub groups: Vec<String>,
    /// The section's keys whose value the user gets from this section (empty: the section is
    /// meant for them but every key is won elsewhere, by their own `[user]` section or a later
    /// group's).
    pub keys: Vec<String>,
    /// How many keys the user gets from sections other than this one and `[*]`: the fewer,
    /// the more their session shows this section alone.
    pub others: usize,
}

impl HostDb {
    /// For a user the host does not have yet (`new-user: true`): their groups are `groups` as
    /// given, and each section they would get that no current host user gets is a
    /// [`SHADOWED_SECTION`] warning. `user_at` is where the user is named.
    pub fn new_user(
        &self,
        user: &str,
        groups: &[String],
        profiles: &Profiles,
        user_at: &Span,
    ) -> Result<Vec<Warning>, Located<ErrorKind>> {
        if self.user(user).is_some() {
            return Err(Located::new(
                user_at.clone(),
                ErrorKind::NotNew {
                    user: user.to_owned(),
                    passwd_file: self.passwd_file.clone(),
                },
            ));
        }
        let mut warnings = Vec::new();
        for (index, section) in profiles.sections.iter().enumerate() {
            let theirs = match &section.kind {
                SectionKind::All => true,
                SectionKind::Group(g) => groups.contains(g),
                SectionKind::User(u) => u == user,
            };
            if theirs && self.best_member(profiles, index, &[]).is_none() {
                warnings.push(self.shadowed_warning(profiles, index));
            }
        }
        Ok(warnings)
    }

    /// Every host user the section at `index` is meant for (everyone for `[*]`, members for
    /// `[@group]`, the user for `[user]`), with the keys each gets from it, in host order. The
    /// one place that decides who gets which section; `init`, `lint`, `diff` and `test` ask it.
    pub fn reach(&self, profiles: &Profiles, index: usize) -> Vec<Reach> {
        let Some(section) = profiles.sections.get(index) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for user in &self.users {
            if out.iter().any(|r: &Reach| r.user == user.name) {
                continue;
            }
            let Ok(groups) = self.memberships(&user.name, &Span::default()) else {
                continue;
            };
            let meant = match &section.kind {
                SectionKind::All => true,
                SectionKind::Group(g) => groups.contains(g),
                SectionKind::User(u) => *u == user.name,
            };
            if !meant {
                continue;
            }
            let resolved = super::resolve(profiles, &user.name, &groups);
            let mut keys: Vec<String> = Vec::new();
            for entry in &section.entries {
                let won = resolved
                    .get(&entry.key)
                    .is_some_and(|s| s.span == entry.value_span);
                if won && !keys.contains(&entry.key) {
                    keys.push(entry.key.clone());
                }
            }
            let others = resolved
                .values
                .values()
                .filter(|v| v.section != section.name && v.section != "*")
                .count();
            out.push(Reach {
                user: user.name.clone(),
                uid: user.uid,
                groups,
                keys,
                others,
            });
        }
        out
    }

    /// The user who best shows the section at `index`: one who gets its
    /// `job-json-overrides` (when it has one), then the most of its keys, then a regular user
    /// over a system one, then the fewest keys from other sections, then one `avoid` does not
    /// name (a user with a section of their own), then host order. `None` when no host user
    /// gets any of its keys, or, for a section with `job-json-overrides`, that list (issue 17
    /// item 1: a member who only gets `max-mem-mb` from it launches another section's
    /// overrides): the section is shadowed for everyone who has it today.
    pub fn best_member(
        &self,
        profiles: &Profiles,
        index: usize,
        avoid: &[String],
    ) -> Option<Reach> {
        let section = profiles.sections.get(index)?;
        let has_list = section
            .entries
            .iter()
            .any(|e| e.key == "job-json-overrides");
        let score = |r: &Reach| {
            let regular = self.user(&r.user).is_some_and(is_regular);
            (
                has_list && r.keys.iter().any(|k| k == "job-json-overrides"),
                r.keys.len(),
                regular,
                std::cmp::Reverse(r.others),
                !avoid.contains(&r.user),
            )
        };
        let mut best: Option<Reach> = None;
        for r in self.reach(profiles, index) {
            if r.keys.is_empty() || (has_list && !r.keys.iter().any(|k| k == "job-json-overrides"))
            {
                continue;
            }
            // Ties keep the earlier user: host order.
            if best.as_ref().is_none_or(|b| score(&r) > score(b)) {
                best = Some(r);
            }
        }
        best
    }
}

/// The finding id of a section no current host user gets.
pub const SHADOWED_SECTION: &str = "shadowed-section";

impl HostDb {
    /// The warning for the section at `index`, which no host user gets today
    /// ([`HostDb::best_member`] is `None`), at its header.
    pub fn shadowed_warning(&self, profiles: &Profiles, index: usize) -> Warning {
        let section = &profiles.sections[index];
        // Members get some of its keys, but not its override list.
        let partial = self
            .reach(profiles, index)
            .iter()
            .any(|r| !r.keys.is_empty());
        shadowed_warning(section, partial)
    }
}

/// What no one gets of a section: the section, or (`partial`) its override list.
fn shadowed_what(partial: bool) -> &'static str {
    if partial {
        "this section's `job-json-overrides`"
    } else {
        "this section"
    }
}

/// Why a section's principal is a new member: who gets nothing (or not its list) of it today,
/// and who will — the words of [`shadowed_warning`], for `jjo init`'s line.
pub fn shadowed_why(section: &super::Section, partial: bool) -> String {
    let what = shadowed_what(partial);
    match &section.kind {
        SectionKind::Group(g) => {
            format!("no current member gets {what}; the next user added to {g} will")
        }
        SectionKind::All => format!(
            "no current user gets {what}; the next user in none of the profiles' groups will"
        ),
        SectionKind::User(u) => {
            format!("user `{u}` does not get {what}; it applies if the sections before it change")
        }
    }
}

/// The warning for a section no host user gets anything (`partial`: its override list) from
/// today, at its header.
pub fn shadowed_warning(section: &super::Section, partial: bool) -> Warning {
    let what = shadowed_what(partial);
    let (who, next) = match &section.kind {
        SectionKind::Group(g) => (
            format!("no current member gets {what}"),
            format!("the next user added to {g} will"),
        ),
        SectionKind::All => (
            format!("no current user gets {what}"),
            "the next user in none of the profiles' groups will".to_owned(),
        ),
        SectionKind::User(u) if partial => (
            format!("user `{u}` does not get {what}"),
            "it applies if the sections before it change".to_owned(),
        ),
        SectionKind::User(u) => (
            format!("user `{u}` gets nothing from this section"),
            "it applies if the sections before it change".to_owned(),
        ),
    };
    Warning::new(
        SHADOWED_SECTION,
        format!("section `[{}]`: {who}; {next}", section.name),
    )
    .at(section.span.clone())
    .hint(if partial {
        "its `job-json-overrides` is won by a member's own `[user]` section or a later group's \
         section; jjo tests it as a new member (`new-user: true`); remove the list if no one \
         should get it"
    } else {
        "every key it sets is won by a member's own `[user]` section or a later group's \
         section; jjo tests it as a new member (`new-user: true`); remove the section if no \
         one should get it"
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ParseOptions, parse};
    use super::*;

    const GROUP: &str = "\
# getent group, saved on the Workbench host
root:x:0:
staff:x:50:alice,bob
gpu:x:60:bob
alice:x:1000:
";
    const PASSWD: &str = "\
root:x:0:0:root:/root:/bin/bash
alice:x:1000:1000:Alice:/home/alice:/bin/bash
bob:x:1001:50:Bob:/home/bob:/bin/bash
";

    fn db() -> HostDb {
        HostDb::parse(
            Path::new("host/group"),
            GROUP,
            Path::new("host/passwd"),
            PASSWD,
        )
        .expect("parses")
    }

    fn profiles(text: &str) -> Profiles {
        parse(Path::new("p.conf"), text, ParseOptions::default())
            .expect("parses")
            .0
    }

    fn span() -> Span {
        Span::line("case.yaml", 1)
    }

    #[test]
    fn getent_lines_parse_with_members_and_ids() {
        let db = db();
        assert_eq!(db.groups.len(), 4);
        let staff = db.group("staff").expect("staff");
        assert_eq!(
            (staff.gid, staff.members.clone()),
            (50, vec!["alice".into(), "bob".into()])
        );
        assert_eq!(staff.span.line, 3);
        assert_eq!(db.user("bob").map(|u| (u.uid, u.gid)), Some((1001, 50)));
    }

    #[test]
    fn malformed_lines_are_errors_with_line_and_column() {
        let err = parse_group(Path::new("g"), "staff:x:50\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "g:1:1: expected 4 `:`-separated fields as `getent group` prints them, found 3"
        );
        let err = parse_passwd(Path::new("p"), "\nalice:x:1000:abc:A:/h:/bin/sh\n").unwrap_err();
        assert_eq!(err.to_string(), "p:2:14: gid `abc` is not a number");
        let err = parse_group(Path::new("g"), ":x:1:\n").unwrap_err();
        assert_eq!(err.error, ErrorKind::EmptyName { db: Db::Group });
    }

    /// SDK `AbstractUserProfiles.cpp`, `populateGroups`: `getgrnam_r` for every group a
    /// section names; none found is "Unable to retrieve group information." and the plugin
    /// does not start.
    #[test]
    fn section_naming_an_unknown_group_is_an_error_at_its_line() {
        let p = profiles("[*]\nmax-cpus=1\n[@staf]\nmax-cpus=2\n");
        let err = db().check_sections(&p).unwrap_err();
        assert_eq!(err.span.line, 3);
        assert_eq!(
            err.to_string(),
            "p.conf:3:1: unable to retrieve group information for `[@staf]`: the host has no group `staf`"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `[@staff]`?"));
        assert!(
            db().check_sections(&profiles("[@gpu]\nmax-cpus=2\n"))
                .is_ok()
        );
    }

    /// SDK `AbstractUserProfiles.cpp`, `isInGroup`: listed as a member, or the group's id is
    /// the user's primary group id.
    #[test]
    fn memberships_are_listed_members_and_the_primary_group() {
        let db = db();
        // alice: listed in staff, primary group 1000 (`alice`).
        assert_eq!(
            db.memberships("alice", &span()).unwrap(),
            ["staff", "alice"]
        );
        // bob: primary gid 50 is staff (and he is listed there too, counted once), listed in gpu.
        assert_eq!(db.memberships("bob", &span()).unwrap(), ["staff", "gpu"]);
        assert_eq!(db.memberships("root", &span()).unwrap(), ["root"]);
    }

    #[test]
    fn unknown_user_is_an_error_with_a_suggestion() {
        let err = db().memberships("alce", &span()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "case.yaml:1: user `alce` is not in `host/passwd`"
        );
        assert_eq!(err.hint().as_deref(), Some("did you mean `alice`?"));
    }

    #[test]
    fn case_groups_default_to_the_hosts() {
        let p = profiles("[@staff]\nmax-cpus=2\n");
        let (groups, warnings) = db()
            .groups_for("alice", &[], &p, (&span(), &span()))
            .unwrap();
        assert_eq!(groups, ["staff", "alice"]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn contradicting_case_groups_warn_both_ways_and_the_host_wins() {
        let p = profiles("[@staff]\nmax-cpus=2\n[@gpu]\nmax-cpus=4\n");
        let case = vec!["gpu".to_owned()];
        let (groups, warnings) = db()
            .groups_for("alice", &case, &p, (&span(), &span()))
            .unwrap();
        assert_eq!(groups, ["staff", "alice"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0]
                .message
                .contains("user `alice` is given group `gpu`, which `host/group` does not list")
        );
        assert!(warnings[1].message.contains("group `staff` is not given"));
        // Agreeing on every group a section names is no contradiction, even without `alice`.
        let agree = vec!["staff".to_owned()];
        let (_, warnings) = db()
            .groups_for("alice", &agree, &p, (&span(), &span()))
            .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    /// Issue 17: alice's own section and `[@gpu]` (later) win data-science's only key for
    /// every member, so no host user reaches `[@data-science]`.
    #[test]
    fn a_section_every_member_gets_elsewhere_has_no_best_member() {
        let p = profiles(
            "[*]\nmax-cpus=1\n[@staff]\nmax-cpus=2\n[@gpu]\nmax-cpus=4\n[alice]\nmax-cpus=3\n",
        );
        // staff: alice (own section) and bob (in gpu, later) both get max-cpus elsewhere.
        let reach = db().reach(&p, 1);
        assert_eq!(
            reach
                .iter()
                .map(|r| (r.user.as_str(), r.keys.len()))
                .collect::<Vec<_>>(),
            [("alice", 0), ("bob", 0)]
        );
        assert_eq!(db().best_member(&p, 1, &[]), None);
        assert_eq!(
            db().best_member(&p, 2, &[]).map(|r| r.user),
            Some("bob".to_owned())
        );
    }

    /// Issue 17 item 1, as the newcomer trial met it: bob gets `[@staff]`'s `max-mem-mb`
    /// but `[@gpu]`'s override list, alice her own; no member launches `[@staff]`'s list, so
    /// no member stands for it (a new one does) and the warning says what is shadowed.
    #[test]
    fn a_section_whose_override_list_no_member_gets_has_no_best_member() {
        let list = "job-json-overrides=\"/spec/x\":\"/etc/rstudio/x.json\"\n";
        let p = profiles(&format!(
            "[*]\nmax-cpus=1\n[@staff]\nmax-mem-mb=2\n{list}[@gpu]\n{list}[alice]\n{list}"
        ));
        assert!(db().reach(&p, 1).iter().any(|r| !r.keys.is_empty()));
        assert_eq!(db().best_member(&p, 1, &[]), None);
        let w = db().shadowed_warning(&p, 1);
        assert_eq!(
            w.message,
            "section `[@staff]`: no current member gets this section's `job-json-overrides`; the next user added to staff will"
        );
        assert_eq!(w.span.map(|s| s.line), Some(3));
    }

    #[test]
    fn anyone_is_a_regular_user_before_root() {
        // root (uid 0) is listed first and gets `[*]`'s key as fully as alice does.
        let p = profiles("[*]\nmax-cpus=1\n");
        let best = db().best_member(&p, 0, &[]).expect("someone gets it");
        assert_eq!(best.user, "alice");
        assert!(!is_regular(db().user("root").expect("root")));
    }
}
