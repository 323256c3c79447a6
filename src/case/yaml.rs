//! YAML files of a case read into typed values, with the file, line and column of every
//! problem. Unknown keys are found with `serde_ignored` (the structs accept any key), then
//! located by a second pass over the same document that stops at that key, so the position is
//! the one serde_yaml_ng gives the key itself.

use std::cell::Cell;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};

use super::error::{Error, ErrorKind};
use crate::location::{Located, Span};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The known keys of the struct at a path (given without its indexes), for did-you-mean.
pub(crate) type KnownKeys = fn(&[&str]) -> &'static [&'static str];

/// Parses YAML into `T`, with the file, line and column of any error; an unknown key is an
/// error whose hint comes from `known`.
pub(crate) fn parse_with<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    known: KnownKeys,
) -> Result<T, Error> {
    parse_document(
        path,
        serde_yaml_ng::Deserializer::from_str(text),
        &|| serde_yaml_ng::Deserializer::from_str(text),
        known,
    )
}

/// Deserializes one YAML document of the file at `path`; `again` makes a fresh deserializer
/// over the same document, to locate an unknown key.
pub(crate) fn parse_document<'de, T: DeserializeOwned>(
    path: &Path,
    de: serde_yaml_ng::Deserializer<'de>,
    again: &dyn Fn() -> serde_yaml_ng::Deserializer<'de>,
    known: KnownKeys,
) -> Result<T, Error> {
    let mut ignored: Option<Vec<Step>> = None;
    let mut note = |p: serde_ignored::Path<'_>| {
        if ignored.is_none() {
            let mut steps = Vec::new();
            collect_steps(&p, &mut steps);
            ignored = Some(steps);
        }
    };
    let result: Result<T, _> =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(de, &mut note));
    // serde reports an ignored key when it meets it, so one noted before a later error is also
    // the first problem in the file, as `deny_unknown_fields` would have said.
    if let Some(steps) = ignored {
        return Err(unknown_key(path, &steps, again(), known));
    }
    result.map_err(|e| located_error(path, e))
}

/// Deserializes one YAML document of the file at `path` into `T`, telling `ignored` the path
/// of every key `T` does not read (a Node export's conditions, images...) instead of
/// refusing it.
pub(crate) fn parse_lenient<'de, T: DeserializeOwned>(
    path: &Path,
    de: serde_yaml_ng::Deserializer<'de>,
    ignored: &mut dyn FnMut(Vec<Step>),
) -> Result<T, Error> {
    let mut note = |p: serde_ignored::Path<'_>| {
        let mut steps = Vec::new();
        collect_steps(&p, &mut steps);
        ignored(steps);
    };
    serde_path_to_error::deserialize(serde_ignored::Deserializer::new(de, &mut note))
        .map_err(|e| located_error(path, e))
}

/// A serde_yaml_ng error at its line and column, with its path in the document.
fn located_error(path: &Path, e: serde_path_to_error::Error<serde_yaml_ng::Error>) -> Error {
    let at = e.path().to_string();
    let inner = e.into_inner();
    let span = span_of(path, &inner);
    let raw = inner.to_string();
    // serde_yaml_ng appends " at line N column M" and may prefix a path; both are redone here.
    let raw = raw.split(" at line ").next().unwrap_or(&raw);
    let raw = match raw.split_once(": ") {
        Some((prefix, rest)) if !prefix.contains(' ') => rest,
        _ => raw,
    };
    let at = if at == "." { String::new() } else { at };
    Located::new(
        span,
        ErrorKind::Yaml {
            at,
            message: raw.to_owned(),
        },
    )
}

fn span_of(path: &Path, e: &serde_yaml_ng::Error) -> Span {
    match e.location() {
        Some(l) => Span::at(
            path,
            u32::try_from(l.line()).unwrap_or(u32::MAX),
            u32::try_from(l.column()).unwrap_or(u32::MAX),
        ),
        None => Span::file(path),
    }
}

/// The steps of a `serde_ignored` path, root first (`Option` and newtype layers leave no step).
fn collect_steps(path: &serde_ignored::Path<'_>, out: &mut Vec<Step>) {
    use serde_ignored::Path as P;
    match path {
        P::Root => {}
        P::Seq { parent, index } => {
            collect_steps(parent, out);
            out.push(Step::Index(*index));
        }
        P::Map { parent, key } => {
            collect_steps(parent, out);
            out.push(Step::Key(key.clone()));
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            collect_steps(parent, out);
        }
    }
}

/// `session.env[0]`, spelt as every path of the crate (`compare::path`).
fn dotted(steps: &[Step]) -> String {
    use crate::compare::path::{Seg, format};
    let segs: Vec<Seg> = steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => Seg::Key(k.clone()),
            Step::Index(i) => Seg::Index(*i),
        })
        .collect();
    format(&segs)
}

fn unknown_key(
    path: &Path,
    steps: &[Step],
    de: serde_yaml_ng::Deserializer<'_>,
    known: KnownKeys,
) -> Error {
    let (key, parent) = match steps.split_last() {
        Some((Step::Key(k), parent)) => (k.clone(), parent),
        _ => (String::new(), steps),
    };
    let shape: Vec<&str> = parent
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    // The locating pass always stops with an error at the key; its position is the key's.
    let span = match (Find { steps }).deserialize(de) {
        Err(e) => span_of(path, &e),
        Ok(()) => Span::file(path),
    };
    Located::new(
        span,
        ErrorKind::UnknownKey {
            key,
            parent: dotted(parent),
            known: known(&shape),
        },
    )
}

/// Walks a document along `steps` and fails at the last one, a key.
struct Find<'a> {
    steps: &'a [Step],
}

/// The message of the error that stops the locating pass (never shown).
const FOUND: &str = "jjo: unknown key found";

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Find<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Step::Key(want), rest)) = self.steps.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let seed = KeyIs {
            want,
            last: rest.is_empty(),
        };
        while let Some(found) = map.next_key_seed(seed.clone())? {
            if found {
                map.next_value_seed(Find { steps: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Step::Index(want), rest)) = self.steps.split_first() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut index = 0;
        loop {
            let more = if index == *want {
                seq.next_element_seed(Find { steps: rest })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (IgnoredAny, variant) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Deserializes a mapping key: whether it is `want`, or the error that stops the pass when it
/// is `want` and the last step.
#[derive(Clone)]
struct KeyIs<'a> {
    want: &'a str,
    last: bool,
}

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        match (key == self.want, self.last) {
            (true, true) => Err(E::custom(FOUND)),
            (found, _) => Ok(found),
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// The field names serde derives for `T` (after `rename_all`), read from the `fields` argument
/// serde passes to `deserialize_struct`; empty when `T` is not a struct.
pub(crate) fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let seen = Cell::new(&[][..]);
    let _ = T::deserialize(FieldProbe(&seen));
    seen.get()
}

/// A deserializer that records the fields it is asked for and fails at once.
struct FieldProbe<'a>(&'a Cell<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("probe"))
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(fields);
        Err(de::Error::custom("probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Inner {
        exit_code: i32,
        name: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(default)]
        items: Vec<Inner>,
        #[serde(default)]
        one: Option<Inner>,
    }

    fn known(shape: &[&str]) -> &'static [&'static str] {
        match shape {
            [] => fields_of::<Outer>(),
            ["items"] | ["one"] => fields_of::<Inner>(),
            _ => &[],
        }
    }

    fn err(text: &str) -> Error {
        match parse_with::<Outer>(Path::new("c.yaml"), text, known) {
            Ok(v) => panic!("{text:?} should fail, got {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn fields_of_reads_serde_field_names() {
        assert_eq!(fields_of::<Inner>(), ["exit-code", "name"]);
        assert!(fields_of::<serde_json::Value>().is_empty());
    }

    #[test]
    fn unknown_key_in_a_list_item_is_located_at_the_key() {
        let e = err("items:\n  - exit-code: 1\n  - exit-code: 2\n    nam: x\n");
        assert_eq!(e.to_string(), "c.yaml:4:5: unknown key `nam` in `items[1]`");
        assert_eq!(e.hint().as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn the_same_key_elsewhere_does_not_mislead_the_locating_pass() {
        // `nam` first appears as a value, then in the wrong item; only the key in item 1 counts.
        let e = err("items:\n  - exit-code: 1\n    name: nam\n  - {exit-code: 2, nam: x}\n");
        assert_eq!(e.span, Span::at("c.yaml", 4, 20));
    }

    #[test]
    fn unknown_key_under_an_option_and_in_flow_style() {
        let e = err("one: {exit-code: 1, exitcode: 2}\n");
        assert_eq!(
            e.to_string(),
            "c.yaml:1:21: unknown key `exitcode` in `one`"
        );
        assert_eq!(e.hint().as_deref(), Some("did you mean `exit-code`?"));
    }

    #[test]
    fn top_level_unknown_key_lists_known_keys_when_none_is_close() {
        let e = err("zzz: 1\n");
        assert_eq!(e.to_string(), "c.yaml:1:1: unknown key `zzz`");
        assert_eq!(e.hint().as_deref(), Some("known keys: items, one"));
    }

    #[test]
    fn an_unknown_key_before_a_type_error_is_reported_first() {
        let e = err("zzz: 1\nitems: 3\n");
        assert!(matches!(e.error, ErrorKind::UnknownKey { .. }), "{e}");
        let e = err("items: 3\n");
        assert_eq!(
            e.to_string(),
            "c.yaml:1:8: `items`: invalid type: integer `3`, expected a sequence"
        );
    }
}
