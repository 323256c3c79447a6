//! The placeholder language of goldens: parsing `{{kind}}` / `{{kind:binding}}` inside strings,
//! the text each kind stands for, and matching a string with placeholders against another.
//!
//! Both sides of a comparison may hold placeholders: the golden (what the admin pins) and the
//! actual value (a prediction, which writes generated names as placeholders). A string is turned
//! into a sequence of symbols, literal characters or holes, and two sequences match when:
//! * literal characters are equal;
//! * a hole on either side takes a run of literal characters of its kind's shape from the
//!   other side (`suffix`: 5 characters of the name generator's alphabet, `uid`: an RFC 4122
//!   text, `timestamp`: RFC 3339, `digits`: one or more ASCII digits, `any`: any text, even
//!   empty);
//! * a golden hole matches one actual hole of the same kind (an unknown value of that kind is
//!   still a value of that kind), and `any` on either side also takes holes of any kind.
//!
//! Bindings make repeated uses agree: the first use of `kind:name` captures the symbols it took
//! and each later use must take the same ones. Golden and actual bindings live in separate
//! tables, so a prediction's `{{suffix:sa}}` must also be used consistently by the live object
//! or golden it is compared with.

use std::collections::HashMap;

use crate::diag::did_you_mean;

/// The placeholder kinds a golden may use, as written in `{{kind}}`.
pub const PLACEHOLDER_KINDS: [&str; 5] = ["any", "suffix", "uid", "timestamp", "digits"];

/// The alphabet of the API server's `generateName` suffixes (no vowels, no confusable digits).
const SUFFIX_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// Length of a `generateName` suffix.
const SUFFIX_LEN: usize = 5;

/// Length of a UID as text (`8-4-4-4-12` hex digits).
const UID_LEN: usize = 36;

/// Backtracking steps one string match may take before it counts as a mismatch; only
/// pathological goldens with many `{{any}}` in one string can get near it.
const STEP_LIMIT: u32 = 100_000;

/// What text a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Any,
    Suffix,
    Uid,
    Timestamp,
    Digits,
}

impl Class {
    fn from_name(name: &str) -> Option<Class> {
        match name {
            "any" => Some(Class::Any),
            "suffix" => Some(Class::Suffix),
            "uid" => Some(Class::Uid),
            "timestamp" => Some(Class::Timestamp),
            "digits" => Some(Class::Digits),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Class::Any => "any",
            Class::Suffix => "suffix",
            Class::Uid => "uid",
            Class::Timestamp => "timestamp",
            Class::Digits => "digits",
        }
    }
}

/// One placeholder: its kind and optional binding name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hole {
    pub(crate) class: Class,
    pub(crate) binding: Option<String>,
}

impl Hole {
    /// The key of its binding table entry: bindings are per `kind:name`.
    fn key(&self) -> Option<String> {
        self.binding
            .as_ref()
            .map(|b| format!("{}:{b}", self.class.name()))
    }

    fn text(&self) -> String {
        match &self.binding {
            Some(b) => format!("{{{{{}:{b}}}}}", self.class.name()),
            None => format!("{{{{{}}}}}", self.class.name()),
        }
    }
}

/// A string as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sym {
    Ch(char),
    Hole(Hole),
}

/// Why a string is not valid placeholder text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// `{{` without a closing `}}`.
    Unterminated,
    /// `{{name}}` with a name that is no kind.
    UnknownKind {
        text: String,
        kind: String,
        hint: Option<String>,
    },
    /// A kind with an empty or odd binding name.
    BadBinding { text: String },
}

/// Parses golden text into symbols.
pub(crate) fn parse(s: &str) -> Result<Vec<Sym>, ParseError> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.extend(rest[..start].chars().map(Sym::Ch));
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(ParseError::Unterminated);
        };
        let inner = &after[..end];
        let text = format!("{{{{{inner}}}}}");
        let (kind, binding) = match inner.split_once(':') {
            Some((k, b)) => (k, Some(b)),
            None => (inner, None),
        };
        let Some(class) = Class::from_name(kind) else {
            let hint = did_you_mean(kind.trim(), PLACEHOLDER_KINDS)
                .map(|k| format!("did you mean `{k}`? placeholder kinds are {}", kinds_list()))
                .or_else(|| Some(format!("placeholder kinds are {}", kinds_list())));
            return Err(ParseError::UnknownKind {
                text,
                kind: kind.to_string(),
                hint,
            });
        };
        if let Some(b) = binding
            && (b.is_empty()
                || !b
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(ParseError::BadBinding { text });
        }
        out.push(Sym::Hole(Hole {
            class,
            binding: binding.map(str::to_string),
        }));
        rest = &after[end + 2..];
    }
    out.extend(rest.chars().map(Sym::Ch));
    Ok(out)
}

fn kinds_list() -> String {
    PLACEHOLDER_KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses text from the actual side: text that is not valid placeholder text is literal, since
/// a live object may hold `{{` for reasons of its own (a templated annotation).
pub(crate) fn parse_lenient(s: &str) -> Vec<Sym> {
    parse(s).unwrap_or_else(|_| literal(s))
}

/// The symbols of plain text.
pub(crate) fn literal(s: &str) -> Vec<Sym> {
    s.chars().map(Sym::Ch).collect()
}

/// Whether the symbols contain no placeholder.
pub(crate) fn is_literal(syms: &[Sym]) -> bool {
    syms.iter().all(|s| matches!(s, Sym::Ch(_)))
}

/// The single hole a string consists of, if it is exactly one placeholder.
pub(crate) fn whole_hole(syms: &[Sym]) -> Option<&Hole> {
    match syms {
        [Sym::Hole(h)] => Some(h),
        _ => None,
    }
}

/// The symbols back as text, placeholders written as in a golden.
pub(crate) fn to_text(syms: &[Sym]) -> String {
    let mut s = String::new();
    for sym in syms {
        match sym {
            Sym::Ch(c) => s.push(*c),
            Sym::Hole(h) => s.push_str(&h.text()),
        }
    }
    s
}

/// The captured text of every binding of both sides, for one comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bindings {
    golden: HashMap<String, Vec<Sym>>,
    actual: HashMap<String, Vec<Sym>>,
}

/// The result of matching two strings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Match,
    Mismatch,
    /// The shapes match but a binding was captured with other text earlier: the golden text
    /// with each bound placeholder annotated with its captured text (`{{suffix:sa=x7k2p}}`).
    Binding(String),
}

impl Bindings {
    /// Matches golden symbols against actual ones, capturing bindings on success only.
    pub(crate) fn matches(&mut self, golden: &[Sym], actual: &[Sym]) -> Outcome {
        if self.try_match(golden, actual, true) {
            return Outcome::Match;
        }
        if self.try_match(golden, actual, false) {
            return Outcome::Binding(self.annotate(golden));
        }
        Outcome::Mismatch
    }

    /// Whether the shapes match, ignoring and leaving alone every binding.
    pub(crate) fn shape_matches(&mut self, golden: &[Sym], actual: &[Sym]) -> bool {
        self.try_match(golden, actual, false)
    }

    fn try_match(&mut self, golden: &[Sym], actual: &[Sym], check: bool) -> bool {
        let mut m = Matcher {
            g: golden,
            a: actual,
            b: self,
            check,
            undo: Vec::new(),
            steps: 0,
        };
        if m.go(0, 0) {
            return true;
        }
        m.rollback(0);
        false
    }

    fn annotate(&self, golden: &[Sym]) -> String {
        let mut s = String::new();
        for sym in golden {
            match sym {
                Sym::Ch(c) => s.push(*c),
                Sym::Hole(h) => match h.key().and_then(|k| self.golden.get(&k)) {
                    Some(captured) => {
                        let name = h.binding.as_deref().unwrap_or_default();
                        s.push_str(&format!(
                            "{{{{{}:{name}={}}}}}",
                            h.class.name(),
                            to_text(captured)
                        ));
                    }
                    None => s.push_str(&h.text()),
                },
            }
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Golden,
    Actual,
}

/// One backtracking match of golden symbols against actual ones.
struct Matcher<'a> {
    g: &'a [Sym],
    a: &'a [Sym],
    b: &'a mut Bindings,
    /// Whether bindings are checked and captured.
    check: bool,
    /// Bindings captured during this match, undone on backtracking.
    undo: Vec<(Side, String)>,
    steps: u32,
}

impl<'a> Matcher<'a> {
    fn rollback(&mut self, mark: usize) {
        while self.undo.len() > mark {
            if let Some((side, key)) = self.undo.pop() {
                match side {
                    Side::Golden => self.b.golden.remove(&key),
                    Side::Actual => self.b.actual.remove(&key),
                };
            }
        }
    }

    fn bind(&mut self, side: Side, hole: &Hole, taken: &[Sym]) -> bool {
        if !self.check {
            return true;
        }
        let Some(key) = hole.key() else { return true };
        let table = match side {
            Side::Golden => &mut self.b.golden,
            Side::Actual => &mut self.b.actual,
        };
        match table.get(&key) {
            Some(prev) => prev.as_slice() == taken,
            None => {
                table.insert(key.clone(), taken.to_vec());
                self.undo.push((side, key));
                true
            }
        }
    }

    /// Binds, then continues at `(i, j)`; undoes the bindings when that fails.
    fn attempt(&mut self, binds: &[(Side, &Hole, &[Sym])], i: usize, j: usize) -> bool {
        let mark = self.undo.len();
        if binds
            .iter()
            .all(|(side, hole, taken)| self.bind(*side, hole, taken))
            && self.go(i, j)
        {
            return true;
        }
        self.rollback(mark);
        false
    }

    fn go(&mut self, i: usize, j: usize) -> bool {
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            return false;
        }
        let (g, a): (&'a [Sym], &'a [Sym]) = (self.g, self.a);
        match (g.get(i), a.get(j)) {
            (None, None) => true,
            (Some(Sym::Ch(c)), Some(Sym::Ch(d))) => c == d && self.go(i + 1, j + 1),
            (_, Some(Sym::Hole(ah))) if !matches!(g.get(i), Some(Sym::Hole(_))) => {
                // An actual placeholder takes golden text of its shape.
                for n in candidates(ah.class, &g[i..]) {
                    if self.attempt(&[(Side::Actual, ah, &g[i..i + n])], i + n, j + 1) {
                        return true;
                    }
                }
                false
            }
            (Some(Sym::Hole(gh)), _) => {
                if let Some(Sym::Hole(ah)) = a.get(j)
                    && (ah.class == gh.class || gh.class == Class::Any || ah.class == Class::Any)
                    && self.attempt(
                        &[(Side::Golden, gh, &a[j..=j]), (Side::Actual, ah, &g[i..=i])],
                        i + 1,
                        j + 1,
                    )
                {
                    return true;
                }
                for n in candidates(gh.class, &a[j..]) {
                    if self.attempt(&[(Side::Golden, gh, &a[j..j + n])], i + 1, j + n) {
                        return true;
                    }
                }
                if let Some(Sym::Hole(ah)) = a.get(j)
                    && ah.class == Class::Any
                {
                    for n in candidates(Class::Any, &g[i..]) {
                        if self.attempt(&[(Side::Actual, ah, &g[i..i + n])], i + n, j + 1) {
                            return true;
                        }
                    }
                }
                false
            }
            _ => false,
        }
    }
}

/// How many leading symbols a placeholder of `class` may take, shortest first.
fn candidates(class: Class, syms: &[Sym]) -> Vec<usize> {
    if class == Class::Any {
        return (0..=syms.len()).collect();
    }
    let text: Vec<char> = syms
        .iter()
        .map_while(|s| match s {
            Sym::Ch(c) => Some(*c),
            Sym::Hole(_) => None,
        })
        .take(64)
        .collect();
    match class {
        Class::Any => Vec::new(),
        Class::Suffix => {
            let ok = text.len() >= SUFFIX_LEN
                && text[..SUFFIX_LEN]
                    .iter()
                    .all(|c| SUFFIX_ALPHABET.contains(*c));
            if ok { vec![SUFFIX_LEN] } else { Vec::new() }
        }
        Class::Uid => {
            if text.len() >= UID_LEN && is_uid(&text[..UID_LEN]) {
                vec![UID_LEN]
            } else {
                Vec::new()
            }
        }
        Class::Digits => {
            let n = text.iter().take_while(|c| c.is_ascii_digit()).count();
            (1..=n).collect()
        }
        Class::Timestamp => (20..=text.len().min(35))
            .filter(|&n| is_timestamp(&text[..n]))
            .collect(),
    }
}

/// `8-4-4-4-12` hex digits, as the API server writes UIDs.
fn is_uid(text: &[char]) -> bool {
    text.len() == UID_LEN
        && text.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_timestamp(text: &[char]) -> bool {
    fn num(text: &[char], at: usize, len: usize, max: u32) -> bool {
        let Some(part) = text.get(at..at + len) else {
            return false;
        };
        let mut v = 0u32;
        for c in part {
            let Some(d) = c.to_digit(10) else {
                return false;
            };
            v = v * 10 + d;
        }
        v <= max
    }
    let fixed = num(text, 0, 4, 9999)
        && text.get(4) == Some(&'-')
        && num(text, 5, 2, 12)
        && text.get(7) == Some(&'-')
        && num(text, 8, 2, 31)
        && matches!(text.get(10), Some('T' | 't' | ' '))
        && num(text, 11, 2, 23)
        && text.get(13) == Some(&':')
        && num(text, 14, 2, 59)
        && text.get(16) == Some(&':')
        && num(text, 17, 2, 60);
    if !fixed {
        return false;
    }
    let mut at = 19;
    if text.get(at) == Some(&'.') {
        let digits = text[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return false;
        }
        at += 1 + digits;
    }
    match text.get(at) {
        Some('Z' | 'z') => at + 1 == text.len(),
        Some('+' | '-') => {
            at + 6 == text.len()
                && num(text, at + 1, 2, 23)
                && text.get(at + 3) == Some(&':')
                && num(text, at + 4, 2, 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(golden: &str, actual: &str) -> Outcome {
        let g = parse(golden).expect("golden parses");
        Bindings::default().matches(&g, &parse_lenient(actual))
    }

    #[test]
    fn any_matches_any_text_even_empty() {
        assert_eq!(m("a{{any}}z", "az"), Outcome::Match);
        assert_eq!(m("a{{any}}z", "a-x-z"), Outcome::Match);
        assert_eq!(m("a{{any}}z", "a-x-y"), Outcome::Mismatch);
    }

    #[test]
    fn suffix_is_five_generator_characters() {
        assert_eq!(
            m("kube-api-access-{{suffix}}", "kube-api-access-x7k2p"),
            Outcome::Match
        );
        // Vowels and `0`, `1`, `3` are not in the generator's alphabet.
        assert_eq!(
            m("kube-api-access-{{suffix}}", "kube-api-access-abcde"),
            Outcome::Mismatch
        );
        assert_eq!(
            m("kube-api-access-{{suffix}}", "kube-api-access-x7k2"),
            Outcome::Mismatch
        );
        assert_eq!(
            m("kube-api-access-{{suffix}}", "kube-api-access-x7k2pp"),
            Outcome::Mismatch
        );
    }

    #[test]
    fn uid_is_rfc4122_text() {
        assert_eq!(
            m("{{uid}}", "0f8fad5b-d9cb-469f-a165-70867728950e"),
            Outcome::Match
        );
        assert_eq!(
            m("{{uid}}", "0f8fad5b-d9cb-469f-a165-70867728950"),
            Outcome::Mismatch
        );
        assert_eq!(
            m("{{uid}}", "0f8fad5bd-9cb-469f-a165-70867728950e"),
            Outcome::Mismatch
        );
    }

    #[test]
    fn timestamp_is_rfc3339() {
        assert_eq!(m("{{timestamp}}", "2024-05-01T12:30:00Z"), Outcome::Match);
        assert_eq!(
            m("at {{timestamp}}.", "at 2024-05-01T12:30:00.123+02:00."),
            Outcome::Match
        );
        assert_eq!(
            m("{{timestamp}}", "2024-13-01T12:30:00Z"),
            Outcome::Mismatch
        );
        assert_eq!(m("{{timestamp}}", "yesterday"), Outcome::Mismatch);
    }

    #[test]
    fn digits_are_one_or_more() {
        assert_eq!(m("rev-{{digits}}", "rev-12345"), Outcome::Match);
        assert_eq!(m("rev-{{digits}}", "rev-"), Outcome::Mismatch);
        assert_eq!(m("rev-{{digits}}", "rev-12a"), Outcome::Mismatch);
    }

    #[test]
    fn two_suffixes_in_one_name() {
        assert_eq!(
            m("foo-{{suffix:job}}-{{suffix:pod}}", "foo-x7k2p-bbbbb"),
            Outcome::Match
        );
    }

    #[test]
    fn binding_must_repeat_its_capture() {
        let mut b = Bindings::default();
        let g = parse("kube-api-access-{{suffix:sa}}").unwrap();
        assert_eq!(
            b.matches(&g, &literal("kube-api-access-x7k2p")),
            Outcome::Match
        );
        assert_eq!(
            b.matches(&g, &literal("kube-api-access-x7k2p")),
            Outcome::Match
        );
        assert_eq!(
            b.matches(&g, &literal("kube-api-access-zzzzz")),
            Outcome::Binding("kube-api-access-{{suffix:sa=x7k2p}}".into())
        );
    }

    #[test]
    fn failed_match_captures_nothing() {
        let mut b = Bindings::default();
        let g = parse("a-{{suffix:x}}-b").unwrap();
        assert_eq!(b.matches(&g, &literal("a-x7k2p-c")), Outcome::Mismatch);
        assert_eq!(b.matches(&g, &literal("a-bbbbb-b")), Outcome::Match);
    }

    #[test]
    fn actual_placeholder_matches_same_kind_or_its_shape() {
        // Prediction against a golden placeholder of the same kind.
        assert_eq!(
            m(
                "kube-api-access-{{suffix:sa}}",
                "kube-api-access-{{suffix:sa}}"
            ),
            Outcome::Match
        );
        // Prediction against a literal golden (captured from a live Pod).
        assert_eq!(
            m("kube-api-access-x7k2p", "kube-api-access-{{suffix:sa}}"),
            Outcome::Match
        );
        assert_eq!(
            m("kube-api-access-x7k2", "kube-api-access-{{suffix:sa}}"),
            Outcome::Mismatch
        );
        // Another kind does not match.
        assert_eq!(m("{{uid}}", "{{suffix}}"), Outcome::Mismatch);
        assert_eq!(m("{{any}}", "{{suffix}}"), Outcome::Match);
    }

    #[test]
    fn actual_bindings_are_checked_too() {
        let mut b = Bindings::default();
        let a = parse_lenient("v-{{suffix:sa}}");
        assert_eq!(b.matches(&literal("v-x7k2p"), &a), Outcome::Match);
        assert_eq!(
            b.matches(&literal("v-bbbbb"), &a),
            Outcome::Binding("v-bbbbb".into())
        );
    }

    #[test]
    fn unknown_kind_suggests_the_closest() {
        match parse("x-{{sufix:sa}}") {
            Err(ParseError::UnknownKind { kind, hint, text }) => {
                assert_eq!(kind, "sufix");
                assert_eq!(text, "{{sufix:sa}}");
                assert!(
                    hint.unwrap_or_default()
                        .starts_with("did you mean `suffix`?")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unterminated_and_bad_bindings_are_errors() {
        assert_eq!(parse("a{{suffix"), Err(ParseError::Unterminated));
        assert!(matches!(
            parse("{{suffix:}}"),
            Err(ParseError::BadBinding { .. })
        ));
        assert!(matches!(
            parse("{{suffix:a b}}"),
            Err(ParseError::BadBinding { .. })
        ));
    }

    #[test]
    fn invalid_text_on_the_actual_side_is_literal() {
        assert_eq!(parse_lenient("{{ .Values }}"), literal("{{ .Values }}"));
    }

    #[test]
    fn pathological_patterns_end() {
        let g = parse(&"{{any}}a".repeat(12)).unwrap();
        let a = literal(&"a".repeat(40));
        // Whatever the answer, it comes back: the step limit bounds the search.
        let _ = Bindings::default().matches(&g, &[a, literal("b")].concat());
    }
}
