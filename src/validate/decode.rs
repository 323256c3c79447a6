//! Strict decoding of a JSON value into `k8s_openapi` types.
//!
//! A `serde::Deserializer` over a borrowed `serde_json::Value` that tracks the path of every
//! value. `k8s_openapi` structs call `deserialize_struct(name, FIELDS, visitor)`, so at each
//! object this deserializer knows the valid field names there: every other key becomes an
//! unknown-field finding with a did-you-mean from exactly those names.
//!
//! A wrong type aborts serde's walk, so to report *all* problems the decoder runs again with
//! the offending value "elided": read as the zero value of whatever type is asked for (as Go
//! would leave a field it could not decode). Elided paths are returned so later rules can
//! ignore what they would only misreport.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Finding, Severity};
use crate::diag::did_you_mean;

/// The check name of schema findings.
const CHECK: &str = "schema";

/// How many times decoding is retried after type errors before giving up.
const MAX_PASSES: usize = 32;

/// A decoded value with the findings made on the way.
#[derive(Debug)]
pub struct Decoded<T> {
    /// The value, with unknown fields dropped and mistyped values read as zero; `None` when
    /// decoding could not recover.
    pub value: Option<T>,
    /// Unknown fields and type errors.
    pub findings: Vec<Finding>,
    /// Rendered paths of values that had a type error and were read as zero.
    pub elided: Vec<String>,
    /// Where each unknown field is, as segments (for removing it: see `drop_unknown_fields`).
    pub unknown: Vec<Vec<Seg>>,
}

/// Decodes `value` into `T`, reporting every unknown field and every type error.
pub fn decode<T: DeserializeOwned>(value: &Value) -> Decoded<T> {
    let mut state = State::default();
    let mut type_findings = Vec::new();
    for _ in 0..MAX_PASSES {
        let node = Node {
            value,
            path: Path::Root,
            state: &mut state,
        };
        match T::deserialize(node) {
            Ok(decoded) => return finish(state, type_findings, Some(decoded)),
            Err(err) => {
                let segs = err.path.clone().unwrap_or_default();
                let already = state.elided.iter().any(|e| e == &segs);
                if !already {
                    type_findings.push(type_finding(value, &segs, &err));
                }
                if already || segs.is_empty() {
                    // Elided already (its zero value failed too) or the root itself is wrong:
                    // elide the parent instead, or give up at the root.
                    match segs.split_last() {
                        Some((_, parent)) if !parent.is_empty() => {
                            state.elided.push(parent.to_vec());
                        }
                        _ => return finish(state, type_findings, None),
                    }
                } else {
                    state.elided.push(segs);
                }
            }
        }
    }
    finish(state, type_findings, None)
}

/// Findings for a missing or wrong `apiVersion`/`kind` (`k8s_openapi` does not require them).
pub fn check_type_meta(job: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, want) in [("apiVersion", "batch/v1"), ("kind", "Job")] {
        let (message, hint) = match job.get(key) {
            Some(Value::String(s)) if s == want => continue,
            None | Some(Value::Null) => (
                format!("`{key}` is required"),
                format!("write `{key}: {want}`"),
            ),
            Some(Value::String(s)) => (
                format!("`{key}` must be `{want}`, not `{s}`"),
                format!("write `{key}: {want}`"),
            ),
            Some(other) => (
                format!("`{key}` must be the string `{want}`, not `{other}`"),
                format!("write `{key}: {want}`"),
            ),
        };
        findings.push(Finding {
            span: None,
            rule: "type-meta",
            severity: Severity::Error,
            check: CHECK.to_owned(),
            path: key.to_owned(),
            message,
            hint: Some(hint),
        });
    }
    findings
}

/// Decodes a Job; a wrong `apiVersion` or `kind` (reported by [`check_type_meta`]) does not
/// stop the rest of the Job from being checked.
pub fn decode_job(job: &Value) -> Decoded<k8s_openapi::api::batch::v1::Job> {
    let typed_ok = |key: &str, want: &str| job.get(key).is_none_or(|v| v.as_str() == Some(want));
    match job {
        Value::Object(map) if !typed_ok("apiVersion", "batch/v1") || !typed_ok("kind", "Job") => {
            let mut fixed = map.clone();
            fixed.remove("apiVersion");
            fixed.remove("kind");
            decode(&Value::Object(fixed))
        }
        _ => decode(job),
    }
}

/// Collects the findings of all passes, unknown fields deduplicated by path.
fn finish<T>(state: State, type_findings: Vec<Finding>, value: Option<T>) -> Decoded<T> {
    let mut findings: Vec<Finding> = Vec::with_capacity(state.unknown.len() + type_findings.len());
    for f in state.unknown {
        if !findings.iter().any(|g| g.path == f.path) {
            findings.push(f);
        }
    }
    findings.extend(type_findings);
    let elided = state.elided.iter().map(|s| render(s)).collect();
    let mut unknown: Vec<Vec<Seg>> = Vec::with_capacity(state.unknown_at.len());
    for segs in state.unknown_at {
        if !unknown.contains(&segs) {
            unknown.push(segs);
        }
    }
    Decoded {
        value,
        findings,
        elided,
        unknown,
    }
}

/// One step of a path inside a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Renders a path as `spec.template.spec.containers[0].name`, spelt as `compare` spells
/// paths (`labels["app.kubernetes.io/name"]`), so a finding and a difference name a field alike.
pub fn render(segs: &[Seg]) -> String {
    use crate::compare::path;
    let segs: Vec<path::Seg> = segs
        .iter()
        .map(|s| match s {
            Seg::Key(k) => path::Seg::Key(k.clone()),
            Seg::Index(i) => path::Seg::Index(*i),
        })
        .collect();
    path::format(&segs)
}

/// The path of the value being decoded, as a stack-allocated linked list (no allocation
/// unless a finding needs it).
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn to_segs(self) -> Vec<Seg> {
        let mut segs = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Path::Root => break,
                Path::Key(parent, k) => {
                    segs.push(Seg::Key(k.to_owned()));
                    cur = *parent;
                }
                Path::Index(parent, i) => {
                    segs.push(Seg::Index(i));
                    cur = *parent;
                }
            }
        }
        segs.reverse();
        segs
    }

    fn matches(self, segs: &[Seg]) -> bool {
        match (self, segs.split_last()) {
            (Path::Root, None) => true,
            (Path::Key(parent, k), Some((Seg::Key(s), rest))) => k == s && parent.matches(rest),
            (Path::Index(parent, i), Some((Seg::Index(s), rest))) => {
                i == *s && parent.matches(rest)
            }
            _ => false,
        }
    }
}

/// What the decoder collects across one pass.
#[derive(Default)]
struct State {
    unknown: Vec<Finding>,
    unknown_at: Vec<Vec<Seg>>,
    elided: Vec<Vec<Seg>>,
}

impl State {
    fn is_elided(&self, path: Path<'_>) -> bool {
        !self.elided.is_empty() && self.elided.iter().any(|e| path.matches(e))
    }
}

/// A decoding error: where, and what.
#[derive(Debug)]
pub struct DeError {
    path: Option<Vec<Seg>>,
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    /// The JSON type is wrong (`found`, `expected` are plain words).
    InvalidType { found: String, expected: String },
    /// The JSON type is right but the value is not (an integer out of range).
    InvalidValue { found: String, expected: String },
    /// Anything a visitor reported in its own words.
    Other(String),
}

impl DeError {
    fn at(mut self, path: Path<'_>) -> DeError {
        if self.path.is_none() {
            self.path = Some(path.to_segs());
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidType { found, expected } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::InvalidValue { found, expected } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            path: None,
            kind: ErrorKind::Other(msg.to_string()),
        }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError {
            path: None,
            kind: ErrorKind::InvalidType {
                found: unexpected_words(&unexp),
                expected: expected_words(&exp.to_string()),
            },
        }
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError {
            path: None,
            kind: ErrorKind::InvalidValue {
                found: unexpected_words(&unexp),
                expected: expected_words(&exp.to_string()),
            },
        }
    }
}

/// What was found, in plain words.
fn unexpected_words(unexp: &de::Unexpected<'_>) -> String {
    match unexp {
        de::Unexpected::Bool(b) => format!("`{b}`"),
        de::Unexpected::Unsigned(n) => format!("the number `{n}`"),
        de::Unexpected::Signed(n) => format!("the number `{n}`"),
        de::Unexpected::Float(n) => format!("the number `{n}`"),
        de::Unexpected::Str(s) => format!("the string `{s:?}`"),
        de::Unexpected::Map => "an object".to_owned(),
        de::Unexpected::Seq => "a list".to_owned(),
        de::Unexpected::Unit | de::Unexpected::Option => "`null`".to_owned(),
        other => other.to_string(),
    }
}

/// What serde's visitors say they expect, in plain words.
fn expected_words(exp: &str) -> String {
    match exp {
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        "a string" => "a string".to_owned(),
        "a boolean" => "`true` or `false`".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "a 32-bit integer" => {
            format!("an integer ({exp})")
        }
        "f32" | "f64" => "a number".to_owned(),
        "IntOrString" => "an integer or a string".to_owned(),
        "LocalObjectReference" => "an object `{name: ...}`".to_owned(),
        "Quantity" => "a quantity such as `500m`, `2` or `1Gi`".to_owned(),
        "Time" | "MicroTime" => "an RFC 3339 timestamp string".to_owned(),
        s if s.starts_with(|c: char| c.is_ascii_uppercase()) && !s.contains(' ') => {
            format!("an object (`{s}`)")
        }
        s => s.to_owned(),
    }
}

/// Turns a type error into a finding, with a hint for the known mistakes.
fn type_finding(root: &Value, segs: &[Seg], err: &DeError) -> Finding {
    let path = render(segs);
    // Name the value from its nearest key on: `imagePullSecrets[0]`, not the whole path.
    let from = segs
        .iter()
        .rposition(|s| matches!(s, Seg::Key(_)))
        .unwrap_or(0);
    let name = if segs.is_empty() {
        "the document".to_owned()
    } else {
        format!("`{}`", render(&segs[from..]))
    };
    let pull_secrets_list = matches!(segs.last(), Some(Seg::Key(k)) if k == "imagePullSecrets");
    let message = match &err.kind {
        ErrorKind::InvalidType { found, expected } if pull_secrets_list && expected == "a list" => {
            format!("{name} must be a list of `{{name: ...}}`, not {found}")
        }
        ErrorKind::InvalidType { found, expected } => {
            format!("{name} must be {expected}, not {found}")
        }
        ErrorKind::InvalidValue { found, expected } => {
            format!("{name} must be {expected}, not {found}")
        }
        ErrorKind::Other(m) => format!("{name}: {m}"),
    };
    let found = lookup(root, segs);
    let in_pull_secrets = segs
        .iter()
        .any(|s| matches!(s, Seg::Key(k) if k == "imagePullSecrets"));
    let hint = if let Some(Value::Object(m)) = found
        && m.contains_key("-")
        && matches!(&err.kind, ErrorKind::InvalidType { expected, .. } if expected == "a list")
    {
        Some(
            "this `{\"-\": ...}` object is what an override path ending in `/-` creates when the \
             array does not exist yet: add the array first (`value: []`) or add the whole list"
                .to_owned(),
        )
    } else if in_pull_secrets {
        Some("write a list of objects with a `name`: `imagePullSecrets: [{name: my-registry-secret}]`".to_owned())
    } else {
        match (&err.kind, found) {
            (ErrorKind::InvalidType { expected, .. }, Some(Value::Number(_) | Value::Bool(_)))
                if expected == "a string" =>
            {
                Some("quote the value to make it a string".to_owned())
            }
            (ErrorKind::InvalidType { expected, .. }, Some(Value::Object(_)))
                if expected == "a list" =>
            {
                Some("wrap the object in a list: `[{...}]`".to_owned())
            }
            _ => None,
        }
    };
    Finding {
        span: None,
        rule: "invalid-type",
        severity: Severity::Error,
        check: CHECK.to_owned(),
        path,
        message,
        hint,
    }
}

/// The value at `segs` inside `root`, if it exists.
fn lookup<'v>(root: &'v Value, segs: &[Seg]) -> Option<&'v Value> {
    segs.iter().try_fold(root, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

/// Hints for fields that exist, but one level up or down from where they were written.
fn misplaced_hint(struct_name: &str, key: &str) -> Option<&'static str> {
    const CONTAINER_ONLY: &[&str] = &[
        "privileged",
        "allowPrivilegeEscalation",
        "capabilities",
        "readOnlyRootFilesystem",
        "procMount",
    ];
    const POD_ONLY: &[&str] = &[
        "fsGroup",
        "fsGroupChangePolicy",
        "supplementalGroups",
        "sysctls",
    ];
    const POD_SPEC: &[&str] = &[
        "restartPolicy",
        "serviceAccountName",
        "nodeSelector",
        "tolerations",
        "volumes",
        "containers",
        "imagePullSecrets",
        "hostNetwork",
        "affinity",
        "initContainers",
    ];
    const JOB_SPEC: &[&str] = &[
        "backoffLimit",
        "activeDeadlineSeconds",
        "ttlSecondsAfterFinished",
        "completions",
        "parallelism",
    ];
    match struct_name {
        "PodSecurityContext" if CONTAINER_ONLY.contains(&key) => {
            Some("this field belongs in a container's `securityContext`, not the pod's")
        }
        "SecurityContext" if POD_ONLY.contains(&key) => Some(
            "this field belongs in the pod's `securityContext` (`spec.template.spec.securityContext`)",
        ),
        "JobSpec" if POD_SPEC.contains(&key) => {
            Some("this field belongs in the pod spec: `spec.template.spec`")
        }
        "PodSpec" if JOB_SPEC.contains(&key) => Some("this field belongs in the Job spec: `spec`"),
        "Container" if POD_SPEC.contains(&key) => {
            Some("this field belongs in the pod spec, not a container")
        }
        _ => None,
    }
}

/// A value being decoded.
struct Node<'de, 'p, 's> {
    value: &'de Value,
    path: Path<'p>,
    state: &'s mut State,
}

impl<'de> Node<'de, '_, '_> {
    /// Decodes any JSON value by its own type.
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path;
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                index: 0,
                path: self.path,
                state: self.state,
            }),
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.iter(),
                pending: None,
                fields: None,
                path: self.path,
                state: self.state,
            }),
        };
        result.map_err(|e: DeError| e.at(path))
    }
}

macro_rules! forward_to_any {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                self.deserialize_any(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Node<'de, '_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.state.is_elided(self.path) {
            return Zero.deserialize_any(visitor);
        }
        self.any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path;
        if self.state.is_elided(path) || self.value.is_null() {
            return visitor.visit_none().map_err(|e: DeError| e.at(path));
        }
        visitor.visit_some(self).map_err(|e: DeError| e.at(path))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let path = self.path;
        if self.state.is_elided(path) {
            return Zero
                .deserialize_newtype_struct(_name, visitor)
                .map_err(|e: DeError| e.at(path));
        }
        visitor
            .visit_newtype_struct(self)
            .map_err(|e: DeError| e.at(path))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if self.state.is_elided(self.path) {
            return Zero
                .deserialize_struct(name, fields, visitor)
                .map_err(|e: DeError| e.at(self.path));
        }
        let path = self.path;
        match self.value {
            Value::Object(map) => visitor
                .visit_map(Map {
                    entries: map.iter(),
                    pending: None,
                    fields: Some((name, fields)),
                    path: self.path,
                    state: self.state,
                })
                .map_err(|e: DeError| e.at(path)),
            _ => self.any(visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.state.is_elided(self.path) {
            return Zero
                .deserialize_seq(visitor)
                .map_err(|e: DeError| e.at(self.path));
        }
        self.any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.state.is_elided(self.path) {
            return Zero
                .deserialize_map(visitor)
                .map_err(|e: DeError| e.at(self.path));
        }
        self.any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Unknown fields were reported when their key was read; their content is not walked.
        visitor.visit_unit()
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }
}

/// The elements of a JSON array being decoded.
struct Seq<'de, 'p, 's> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    path: Path<'p>,
    state: &'s mut State,
}

impl<'de> SeqAccess<'de> for Seq<'de, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        let path = Path::Index(&self.path, index);
        seed.deserialize(Node {
            value,
            path,
            state: self.state,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a JSON object being decoded; `fields` is set when it is a struct.
struct Map<'de, 'p, 's> {
    entries: serde_json::map::Iter<'de>,
    pending: Option<(&'de str, &'de Value)>,
    fields: Option<(&'static str, &'static [&'static str])>,
    path: Path<'p>,
    state: &'s mut State,
}

impl<'de> MapAccess<'de> for Map<'de, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        if let Some((name, fields)) = self.fields
            && !fields.contains(&key.as_str())
        {
            self.state
                .unknown
                .push(unknown_field(self.path, name, fields, key));
            self.state
                .unknown_at
                .push(Path::Key(&self.path, key).to_segs());
        }
        self.pending = Some((key, value));
        seed.deserialize(de::value::BorrowedStrDeserializer::<DeError>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("value requested before key"));
        };
        let path = Path::Key(&self.path, key);
        seed.deserialize(Node {
            value,
            path,
            state: self.state,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The finding for a key that is not a field of the struct at `path`.
fn unknown_field(
    path: Path<'_>,
    struct_name: &str,
    fields: &'static [&'static str],
    key: &str,
) -> Finding {
    let field_path = Path::Key(&path, key);
    let hint = match did_you_mean(key, fields.iter().copied()) {
        Some(valid) => Some(format!("did you mean `{valid}`?")),
        None => misplaced_hint(struct_name, key).map(str::to_owned),
    };
    // Without `fieldValidation` (as the launcher posts) the API server drops the field.
    Finding {
        span: None,
        rule: super::UNKNOWN_FIELD,
        severity: Severity::Dropped,
        check: CHECK.to_owned(),
        path: render(&field_path.to_segs()),
        message: format!("unknown field `{key}`"),
        hint,
    }
}

/// Decodes the zero value of whatever type is asked for, like Go leaves an undecodable field.
struct Zero;

impl<'de> de::Deserializer<'de> for Zero {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Strings are the most accepting zero: `IntOrString` and `Quantity` take them.
        visitor.visit_borrowed_str("")
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_bool(false)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_i64(0)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_i64(0)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_i64(0)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_i64(0)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(0)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(0)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(0)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_none()
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(Empty)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(Empty)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_map(Empty)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit_struct tuple tuple_struct enum identifier
    }
}

/// An empty list or object.
struct Empty;

impl<'de> SeqAccess<'de> for Empty {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        Ok(None)
    }
}

impl<'de> MapAccess<'de> for Empty {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _seed: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("value requested before key"))
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::batch::v1::Job;
    use k8s_openapi::api::core::v1::Container;
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_field_has_path_and_did_you_mean() {
        let job = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "i", "securityContext": {"priviliged": true}}
        ]}}}});
        let d = decode::<Job>(&job);
        assert!(d.value.is_some());
        assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
        let f = &d.findings[0];
        assert_eq!(
            f.path,
            "spec.template.spec.containers[0].securityContext.priviliged"
        );
        assert_eq!(f.message, "unknown field `priviliged`");
        assert_eq!(f.hint.as_deref(), Some("did you mean `privileged`?"));
        assert_eq!(f.check, "schema");
    }

    #[test]
    fn reports_every_unknown_field() {
        let job = json!({"metadata": {"nmae": "x"}, "spec": {"backofLimit": 1, "template": {"spec": {
            "containers": [{"name": "a", "imagee": "i"}]}}}});
        let d = decode::<Job>(&job);
        let paths: Vec<_> = d.findings.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metadata.nmae",
                "spec.backofLimit",
                "spec.template.spec.containers[0].imagee"
            ]
        );
    }

    #[test]
    fn misplaced_field_gets_a_hint() {
        let job =
            json!({"spec": {"template": {"spec": {"securityContext": {"privileged": true}}}}});
        let d = decode::<Job>(&job);
        assert_eq!(d.findings.len(), 1);
        assert!(
            d.findings[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("container's `securityContext`")
        );
    }

    #[test]
    fn dash_object_instead_of_volumes_list() {
        let job = json!({"spec": {"template": {"spec": {"containers": [], "volumes": {"-": {"name": "v"}}}}}});
        let d = decode::<Job>(&job);
        assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
        let f = &d.findings[0];
        assert_eq!(f.path, "spec.template.spec.volumes");
        assert_eq!(f.message, "`volumes` must be a list, not an object");
        assert!(f.hint.as_deref().unwrap_or("").contains("`/-`"), "{f:?}");
        assert!(d.value.is_some());
        assert_eq!(d.elided, ["spec.template.spec.volumes"]);
    }

    #[test]
    fn image_pull_secrets_as_strings() {
        let job = json!({"spec": {"template": {"spec": {"imagePullSecrets": ["regcred"]}}}});
        let d = decode::<Job>(&job);
        assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
        let f = &d.findings[0];
        assert_eq!(f.path, "spec.template.spec.imagePullSecrets[0]");
        assert_eq!(
            f.message,
            "`imagePullSecrets[0]` must be an object `{name: ...}`, not the string `\"regcred\"`"
        );
        assert!(f.hint.as_deref().unwrap_or("").contains("{name: "), "{f:?}");
    }

    #[test]
    fn image_pull_secrets_not_a_list() {
        let job = json!({"spec": {"template": {"spec": {"imagePullSecrets": "regcred"}}}});
        let d = decode::<Job>(&job);
        assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
        assert_eq!(
            d.findings[0].message,
            "`imagePullSecrets` must be a list of `{name: ...}`, not the string `\"regcred\"`"
        );
    }

    #[test]
    fn reports_several_type_errors_and_unknowns_after_them() {
        let c = json!({"name": 5, "ports": [{"containerPort": "80"}], "stdinn": true});
        let d = decode::<Container>(&c);
        let paths: Vec<_> = d.findings.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["stdinn", "name", "ports[0].containerPort"],
            "{:?}",
            d.findings
        );
        assert_eq!(
            d.findings[1].hint.as_deref(),
            Some("quote the value to make it a string")
        );
        assert!(d.value.is_some());
    }

    #[test]
    fn integer_out_of_range() {
        let c = json!({"name": "a", "ports": [{"containerPort": 5_000_000_000u64}]});
        let d = decode::<Container>(&c);
        assert_eq!(d.findings.len(), 1);
        assert!(
            d.findings[0].message.contains("an integer (i32)"),
            "{:?}",
            d.findings
        );
    }

    #[test]
    fn quantities_and_int_or_string_accept_numbers() {
        let c = json!({"name": "a", "resources": {"limits": {"cpu": 2, "memory": "1Gi"}},
            "livenessProbe": {"httpGet": {"port": 8080}}});
        let d = decode::<Container>(&c);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        let limits = d
            .value
            .and_then(|c| c.resources)
            .and_then(|r| r.limits)
            .unwrap_or_default();
        assert_eq!(limits.get("cpu").map(|q| q.0.as_str()), Some("2"));
    }

    #[test]
    fn label_keys_are_quoted_in_paths() {
        let job = json!({"metadata": {"labels": {"app.kubernetes.io/name": 1}}});
        let d = decode::<Job>(&job);
        assert_eq!(
            d.findings[0].path,
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
    }

    #[test]
    fn wrong_root_type_gives_up() {
        let d = decode::<Job>(&json!([1, 2]));
        assert!(d.value.is_none());
        assert_eq!(d.findings.len(), 1);
        assert_eq!(d.findings[0].path, "");
    }
}
