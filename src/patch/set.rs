//! The launcher's walk: rapidjson's `GenericPointer::Set` (`include/rapidjson/pointer.h`),
//! which RStudio's `setValueAtPointerPath` wraps, plus a warning at every quirk.

use serde_json::{Map, Value};

use crate::diag::Warning;
use crate::overrides::{Override, escape_token};

use super::{Effect, Error, ErrorKind, MAX_INDEX};
use crate::location::Located;

/// An index token as rapidjson's `GenericPointer::Parse` reads it (`include/rapidjson/
/// pointer.h`): digits, no leading zero except `0` itself, and a value that fits its 32-bit
/// `SizeType` by its own overflow check (`m < n`) without being `kPointerInvalidIndex` (`~0`).
/// Any other token is a member name, however many digits it has.
pub(crate) fn index_token(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    let mut n: u32 = 0;
    for b in token.bytes() {
        let m = n.wrapping_mul(10).wrapping_add(u32::from(b - b'0'));
        if m < n {
            return None;
        }
        n = m;
    }
    (n != u32::MAX).then(|| usize::try_from(n).unwrap_or(usize::MAX))
}

/// Writes the override's value at its pointer, creating what is missing; says what it did
/// and the pointer it wrote (`-` resolved to the index it appended at).
pub(crate) fn set(
    root: &mut Value,
    o: &Override,
    warnings: &mut Vec<Warning>,
) -> Result<(Effect, String), Error> {
    let warn = |id: &'static str, message: String, at: &str, hint: String| {
        Warning::new(id, message)
            .at(o.span.clone())
            .pointer(at.to_owned())
            .hint(hint)
    };
    let mut cur = root;
    // `here` is the pointer of `cur`; `exists` stays true while nothing had to be created.
    let mut here = String::new();
    let mut exists = true;
    let mut appended = false;
    for token in o.pointer.tokens() {
        appended = false;
        let was = describe(cur, exists);
        if token == "-" && cur.is_array() {
            let arr = array(cur);
            arr.push(Value::Null);
            here = format!("{here}/{}", arr.len() - 1);
            exists = false;
            appended = true;
            cur = match arr.last_mut() {
                Some(last) => last,
                None => return Ok((Effect::Appended, here)),
            };
        } else if let Some(index) = index_token(token).filter(|_| !cur.is_object()) {
            if !cur.is_array() && !cur.is_null() {
                warnings.push(warn(
                    "type-change",
                    format!("index `{token}` turns {was} into an array"),
                    &here,
                    "the value is lost; write the whole array at this pointer instead".to_owned(),
                ));
            }
            let arr = array(cur);
            if index >= arr.len() {
                if index > MAX_INDEX {
                    return Err(Located::new(
                        o.span.clone(),
                        ErrorKind::IndexTooLarge {
                            pointer: o.pointer.as_str().to_owned(),
                            index: token.clone(),
                            len: arr.len(),
                        },
                    ));
                }
                let nulls = index - arr.len();
                if nulls > 0 {
                    let plural = if nulls == 1 { "" } else { "s" };
                    warnings.push(warn(
                        "null-padding",
                        format!("index `{token}` pads the array of {} with {nulls} null{plural}", arr.len()),
                        &here,
                        format!(
                            "Kubernetes rejects null list items; use `{here}/-` to append or `{here}/{}`",
                            arr.len()
                        ),
                    ));
                }
                arr.resize(index + 1, Value::Null);
                exists = false;
            }
            here = format!("{here}/{token}");
            cur = match arr.get_mut(index) {
                Some(element) => element,
                None => return Ok((Effect::Created, here)),
            };
        } else {
            if token == "-" {
                warnings.push(warn(
                    "dash-key",
                    format!("`-` on {was} is an object key `\"-\"`, not an append"),
                    &here,
                    format!(
                        "the array does not exist yet; create it first (an override of `{here}` with `[ ]`) or target `{here}/0`"
                    ),
                ));
            }
            if !cur.is_object() && !cur.is_null() {
                warnings.push(warn(
                    "type-change",
                    format!("member `{token}` turns {was} into an object"),
                    &here,
                    if cur.is_array() {
                        "use an index to change one element, or `-` to append".to_owned()
                    } else {
                        "the value is lost; write the whole object at this pointer instead"
                            .to_owned()
                    },
                ));
            }
            let obj = object(cur);
            if !obj.contains_key(token.as_str()) {
                exists = false;
                if index_token(token).is_some() {
                    warnings.push(warn(
                        "index-on-object",
                        format!("index `{token}` on an object creates a member named `{token}`"),
                        &here,
                        "the value is an object, not an array; check the pointer".to_owned(),
                    ));
                }
            }
            here = format!("{here}/{}", escape_token(token));
            cur = obj.entry(token.clone()).or_insert(Value::Null);
        }
    }
    *cur = o.value.clone();
    let effect = if appended {
        Effect::Appended
    } else if exists {
        Effect::Replaced
    } else {
        Effect::Created
    };
    Ok((effect, here))
}

/// The value as an array, replacing anything else by `[]`.
fn array(v: &mut Value) -> &mut Vec<Value> {
    if !v.is_array() {
        *v = Value::Array(Vec::new());
    }
    match v {
        Value::Array(a) => a,
        other => {
            // Unreachable after the line above; recover without panicking all the same.
            *other = Value::Array(Vec::new());
            array(other)
        }
    }
}

/// The value as an object, replacing anything else by `{}`.
fn object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        other => {
            *other = Value::Object(Map::new());
            object(other)
        }
    }
}

/// What a value is, for messages.
fn describe(v: &Value, exists: bool) -> String {
    match v {
        Value::Null if !exists => "a missing value".to_owned(),
        Value::Null => "`null`".to_owned(),
        Value::Bool(b) => format!("the bool `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string `{s:?}`"),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::ov;
    use super::super::{Effect, ErrorKind, Patched, apply};

    /// Applies one override to `base`; returns the Job, the effect and the warning messages.
    fn one(
        base: serde_json::Value,
        pointer: &str,
        value: serde_json::Value,
    ) -> (serde_json::Value, Effect, Vec<String>) {
        match apply(base, &[ov(pointer, value)]) {
            Ok(Patched { job, mut applied }) => {
                let a = applied.remove(0);
                (
                    job,
                    a.effect,
                    a.warnings.into_iter().map(|w| w.message).collect(),
                )
            }
            Err(e) => panic!("{pointer} should apply: {e}"),
        }
    }

    #[test]
    fn dash_on_an_existing_array_appends() {
        let (job, effect, warnings) = one(json!({"v": [1]}), "/v/-", json!({"name": "x"}));
        assert_eq!(job, json!({"v": [1, {"name": "x"}]}));
        assert_eq!(effect, Effect::Appended);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn dash_on_an_empty_array_appends() {
        let (job, effect, _) = one(json!({"v": []}), "/v/-", json!(1));
        assert_eq!(job, json!({"v": [1]}));
        assert_eq!(effect, Effect::Appended);
    }

    #[test]
    fn dash_in_the_middle_appends_then_continues() {
        let (job, effect, _) = one(json!({"c": [{"name": "a"}]}), "/c/-/name", json!("b"));
        assert_eq!(job, json!({"c": [{"name": "a"}, {"name": "b"}]}));
        assert_eq!(effect, Effect::Created);
    }

    #[test]
    fn dash_on_a_missing_value_is_an_object_key() {
        let (job, effect, warnings) = one(json!({}), "/a/-", json!(1));
        assert_eq!(job, json!({"a": {"-": 1}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(
            warnings,
            ["`-` on a missing value is an object key `\"-\"`, not an append"]
        );
    }

    #[test]
    fn dash_on_null_is_an_object_key() {
        let (job, effect, warnings) = one(json!({"a": null}), "/a/-", json!(1));
        assert_eq!(job, json!({"a": {"-": 1}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn dash_on_an_object_is_a_member() {
        let (job, effect, warnings) = one(json!({"a": {"b": 1}}), "/a/-", json!(2));
        assert_eq!(job, json!({"a": {"b": 1, "-": 2}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(
            warnings,
            ["`-` on an object is an object key `\"-\"`, not an append"]
        );
    }

    #[test]
    fn dash_on_an_existing_dash_member_replaces_it() {
        let (job, effect, _) = one(json!({"a": {"-": 1}}), "/a/-", json!(2));
        assert_eq!(job, json!({"a": {"-": 2}}));
        assert_eq!(effect, Effect::Replaced);
    }

    #[test]
    fn dash_on_a_scalar_replaces_it_by_an_object() {
        let (job, effect, warnings) = one(json!({"a": "x"}), "/a/-", json!(1));
        assert_eq!(job, json!({"a": {"-": 1}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(
            warnings[1],
            "member `-` turns the string `\"x\"` into an object"
        );
    }

    #[test]
    fn dash_hint_says_to_create_the_array_first() {
        let patched = apply(json!({}), &[ov("/spec/volumes/-", json!({}))]).ok();
        let w = patched.map(|p| p.applied[0].warnings[0].clone());
        assert_eq!(
            w.as_ref().and_then(|w| w.pointer.as_deref()),
            Some("/spec/volumes")
        );
        assert_eq!(
            w.and_then(|w| w.hint).as_deref(),
            Some(
                "the array does not exist yet; create it first (an override of `/spec/volumes` with `[ ]`) or target `/spec/volumes/0`"
            )
        );
    }

    #[test]
    fn index_below_the_length_replaces_without_shifting() {
        let (job, effect, warnings) = one(json!({"a": [1, 2, 3]}), "/a/1", json!("x"));
        assert_eq!(job, json!({"a": [1, "x", 3]}));
        assert_eq!(effect, Effect::Replaced);
        assert!(warnings.is_empty());
    }

    #[test]
    fn index_at_the_length_adds_an_element() {
        let (job, effect, warnings) = one(json!({"a": [1]}), "/a/1", json!(2));
        assert_eq!(job, json!({"a": [1, 2]}));
        assert_eq!(effect, Effect::Created);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn index_past_the_length_pads_with_nulls() {
        let (job, effect, warnings) = one(json!({"a": [1]}), "/a/3", json!(4));
        assert_eq!(job, json!({"a": [1, null, null, 4]}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings, ["index `3` pads the array of 1 with 2 nulls"]);
    }

    #[test]
    fn padding_by_one_says_one_null() {
        let (_, _, warnings) = one(json!({"a": []}), "/a/1", json!(4));
        assert_eq!(warnings, ["index `1` pads the array of 0 with 1 null"]);
    }

    #[test]
    fn index_on_a_missing_value_creates_an_array() {
        let (job, effect, warnings) = one(
            json!({"spec": {}}),
            "/spec/initContainers/0",
            json!({"name": "i"}),
        );
        assert_eq!(job, json!({"spec": {"initContainers": [{"name": "i"}]}}));
        assert_eq!(effect, Effect::Created);
        // The published way to add an init container: not warned.
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn index_on_null_creates_an_array_and_pads() {
        let (job, effect, warnings) = one(json!({"a": null}), "/a/2", json!(1));
        assert_eq!(job, json!({"a": [null, null, 1]}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings, ["index `2` pads the array of 0 with 2 nulls"]);
    }

    #[test]
    fn index_on_a_scalar_turns_it_into_an_array() {
        let (job, effect, warnings) = one(json!({"a": 5}), "/a/0", json!(1));
        assert_eq!(job, json!({"a": [1]}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings, ["index `0` turns the number `5` into an array"]);
    }

    #[test]
    fn index_on_an_object_is_a_member_name() {
        let (job, effect, warnings) = one(json!({"a": {"x": 1}}), "/a/0", json!(2));
        assert_eq!(job, json!({"a": {"x": 1, "0": 2}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(
            warnings,
            ["index `0` on an object creates a member named `0`"]
        );
    }

    #[test]
    fn index_on_an_object_replaces_an_existing_member_silently() {
        let (job, effect, warnings) = one(json!({"a": {"0": 1}}), "/a/0", json!(2));
        assert_eq!(job, json!({"a": {"0": 2}}));
        assert_eq!(effect, Effect::Replaced);
        assert!(warnings.is_empty());
    }

    #[test]
    fn leading_zero_is_not_an_index() {
        let (job, effect, warnings) = one(json!({"a": [1]}), "/a/01", json!(2));
        assert_eq!(job, json!({"a": {"01": 2}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings, ["member `01` turns an array of 1 into an object"]);
    }

    #[test]
    fn a_name_on_an_array_replaces_it_by_an_object() {
        let (job, effect, warnings) = one(json!({"a": [1, 2]}), "/a/x", json!(3));
        assert_eq!(job, json!({"a": {"x": 3}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(warnings, ["member `x` turns an array of 2 into an object"]);
    }

    #[test]
    fn a_name_on_a_scalar_replaces_it_by_an_object() {
        let (job, effect, warnings) = one(json!({"a": true}), "/a/x", json!(3));
        assert_eq!(job, json!({"a": {"x": 3}}));
        assert_eq!(effect, Effect::Created);
        assert_eq!(
            warnings,
            ["member `x` turns the bool `true` into an object"]
        );
    }

    #[test]
    fn a_name_on_null_makes_an_object_silently() {
        let (job, _, warnings) = one(json!({"a": null}), "/a/x", json!(3));
        assert_eq!(job, json!({"a": {"x": 3}}));
        assert!(warnings.is_empty());
    }

    #[test]
    fn missing_members_are_created() {
        let (job, effect, warnings) = one(
            json!({"spec": {}}),
            "/spec/template/spec/nodeSelector/disk",
            json!("ssd"),
        );
        assert_eq!(
            job,
            json!({"spec": {"template": {"spec": {"nodeSelector": {"disk": "ssd"}}}}})
        );
        assert_eq!(effect, Effect::Created);
        assert!(warnings.is_empty());
    }

    #[test]
    fn created_members_go_last() {
        let (job, _, _) = one(json!({"b": 1, "a": 2}), "/c", json!(3));
        let keys: Vec<&String> = job
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn an_existing_target_is_overwritten_not_merged() {
        let (job, effect, _) = one(json!({"a": {"x": 1, "y": 2}}), "/a", json!({"z": 3}));
        assert_eq!(job, json!({"a": {"z": 3}}));
        assert_eq!(effect, Effect::Replaced);
    }

    #[test]
    fn an_existing_null_target_is_replaced() {
        let (job, effect, _) = one(json!({"a": null}), "/a", json!(1));
        assert_eq!(job, json!({"a": 1}));
        assert_eq!(effect, Effect::Replaced);
    }

    #[test]
    fn the_value_is_a_deep_copy() {
        let value = json!({"list": [1, {"x": 2}]});
        let o = ov("/a", value.clone());
        let patched = apply(json!({}), &[o.clone(), ov("/a/list/1/x", json!(9))]).ok();
        assert_eq!(
            patched.map(|p| p.job),
            Some(json!({"a": {"list": [1, {"x": 9}]}}))
        );
        assert_eq!(o.value, value);
    }

    #[test]
    fn the_empty_pointer_replaces_the_whole_job() {
        let (job, effect, _) = one(json!({"kind": "Job"}), "", json!({"kind": "Pod"}));
        assert_eq!(job, json!({"kind": "Pod"}));
        assert_eq!(effect, Effect::Replaced);
    }

    #[test]
    fn the_empty_token_is_a_member_named_empty() {
        let (job, _, _) = one(json!({}), "/", json!(1));
        assert_eq!(job, json!({"": 1}));
    }

    #[test]
    fn escaped_tokens_name_members_with_slash_and_tilde() {
        let (job, _, _) = one(json!({"a": {}}), "/a/x.io~1safe-to-evict", json!("true"));
        assert_eq!(job, json!({"a": {"x.io/safe-to-evict": "true"}}));
    }

    #[test]
    fn overrides_apply_left_to_right() {
        let overrides = [
            ov("/a", json!([])),
            ov("/a/-", json!(1)),
            ov("/a/-", json!(2)),
            ov("/a/0", json!(0)),
        ];
        let patched = apply(json!({}), &overrides).ok();
        assert_eq!(
            patched.as_ref().map(|p| p.job.clone()),
            Some(json!({"a": [0, 2]}))
        );
        let effects: Vec<Effect> = patched
            .map(|p| p.applied.iter().map(|a| a.effect).collect())
            .unwrap_or_default();
        assert_eq!(
            effects,
            [
                Effect::Created,
                Effect::Appended,
                Effect::Appended,
                Effect::Replaced
            ]
        );
    }

    #[test]
    fn a_huge_index_is_refused_naming_pointer_span_and_index() {
        let err = apply(json!({"a": []}), &[ov("/a/10001", json!(1))]).err();
        let Some(crate::location::Located {
            ref span,
            error:
                ErrorKind::IndexTooLarge {
                    ref pointer,
                    ref index,
                    len: 0,
                },
        }) = err
        else {
            panic!("{err:?}")
        };
        assert_eq!((span.line, span.col), (3, 20));
        assert_eq!(pointer, "/a/10001");
        assert_eq!(index, "10001");
        assert!(err.is_some_and(|e| {
            e.to_string()
                .starts_with("p.conf:3:20: refusing index 10001 of `/a/10001`")
        }));
    }

    // Source: rapidjson `include/rapidjson/pointer.h` `Parse`: a token whose digits overflow
    // `SizeType` gets `kPointerInvalidIndex`, and `Create` then treats it as a member name,
    // turning an array into an object.
    #[test]
    fn an_index_too_large_for_rapidjson_is_a_member_name() {
        let (job, _, _) = one(json!({"a": [1]}), "/a/99999999999999999999999", json!(1));
        assert_eq!(job, json!({"a": {"99999999999999999999999": 1}}));
        assert_eq!(super::index_token("4294967294"), Some(4_294_967_294));
        assert_eq!(super::index_token("4294967295"), None);
        assert_eq!(super::index_token("4294967296"), None);
        // rapidjson's `m < n` check misses this wrap, which lands on `~0`: a name again.
        assert_eq!(super::index_token("42949672959"), None);
    }

    #[test]
    fn the_limit_itself_is_allowed() {
        let patched = apply(json!({}), &[ov("/a/10000", json!(1))]).ok();
        assert_eq!(
            patched.and_then(|p| p.job["a"].as_array().map(Vec::len)),
            Some(10_001)
        );
    }

    #[test]
    fn a_huge_index_on_an_object_is_a_name_not_refused() {
        let (job, _, _) = one(json!({"a": {}}), "/a/99999", json!(1));
        assert_eq!(job, json!({"a": {"99999": 1}}));
    }

    #[test]
    fn index_tokens_are_digits_without_leading_zero() {
        assert_eq!(super::index_token("0"), Some(0));
        assert_eq!(super::index_token("12"), Some(12));
        assert_eq!(super::index_token("01"), None);
        assert_eq!(super::index_token("-1"), None);
        assert_eq!(super::index_token("+1"), None);
        assert_eq!(super::index_token(""), None);
        assert_eq!(super::index_token("1a"), None);
    }

    #[test]
    fn warnings_carry_the_override_span_and_the_pointer() {
        let patched = apply(json!({"a": [1]}), &[ov("/a/3", json!(4))]).ok();
        let w = patched.map(|p| p.applied[0].warnings[0].clone());
        assert_eq!(
            w.as_ref().and_then(|w| w.span.clone()).map(|s| s.col),
            Some(20)
        );
        assert_eq!(w.as_ref().and_then(|w| w.pointer.as_deref()), Some("/a"));
        assert_eq!(
            w.and_then(|w| w.hint).as_deref(),
            Some("Kubernetes rejects null list items; use `/a/-` to append or `/a/1`")
        );
    }
}
