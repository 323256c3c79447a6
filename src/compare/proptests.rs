//! Property tests over arbitrary JSON: no panics, identity, and the reduce guarantee.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{Lists, Mode, Options, check_placeholders, compare, line_of, reduce, render};

/// Field names that exercise merge keys, sets and scalar lists, plus random ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "name", "containers", "env", "volumes", "volumeMounts", "mountPath", "ports",
            "containerPort", "protocol", "tolerations", "key", "effect", "finalizers", "args",
            "spec", "value",
        ])
        .prop_map(str::to_string),
        1 => "[a-z.]{1,5}",
    ]
}

fn item_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "c",
        "d",
        "e",
        "kube-api-access-{{suffix:sa}}",
    ])
    .prop_map(str::to_string)
}

fn plain() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "TCP", "x7k2p"]).prop_map(str::to_string),
        "[a-z0-9 .-]{0,8}"
    ]
    .boxed()
}

/// Strings with valid placeholders, bound and not.
fn templated() -> BoxedStrategy<String> {
    prop_oneof![
        plain(),
        prop::sample::select(vec![
            "{{any}}",
            "{{any:x}}",
            "{{suffix:sa}}",
            "kube-api-access-{{suffix:sa}}",
            "{{uid}}",
            "{{timestamp}}",
            "{{digits}}",
            "p-{{digits:n}}-{{suffix}}",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

/// Strings that may hold broken placeholders.
fn wild() -> BoxedStrategy<String> {
    prop_oneof![templated(), "[a-z{}:]{0,12}"].boxed()
}

fn json(strings: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u8..3).prop_map(Value::from),
        strings.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner.clone()), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            // Lists of named items, so that merge keys (under `env`, `volumes`, ...) get work.
            prop::collection::vec((item_name(), key(), inner), 0..4).prop_map(|items| {
                Value::Array(
                    items
                        .into_iter()
                        .map(|(name, k, v)| {
                            let mut m = Map::new();
                            m.insert("name".into(), Value::String(name));
                            m.insert(k, v);
                            Value::Object(m)
                        })
                        .collect(),
                )
            }),
        ]
    })
}

/// An object at the top, as Jobs and Pods are.
fn object(strings: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), json(strings)), 1..6)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()))
}

/// `v` with some fields and items dropped or changed, as `bytes` decide.
fn mutate(v: &Value, bytes: &mut impl Iterator<Item = u8>) -> Value {
    fn next(bytes: &mut impl Iterator<Item = u8>) -> u8 {
        bytes.next().unwrap_or(2)
    }
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                // Names stay, so that keyed items find their counterpart and get reduced.
                if k == "name" {
                    out.insert(k.clone(), x.clone());
                    continue;
                }
                match next(bytes) % 10 {
                    0 => {}
                    1 => {
                        out.insert(k.clone(), Value::from(1000 + u64::from(next(bytes))));
                    }
                    _ => {
                        out.insert(k.clone(), mutate(x, bytes));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out = Vec::new();
            for x in items {
                if !next(bytes).is_multiple_of(10) {
                    out.push(mutate(x, bytes));
                }
            }
            Value::Array(out)
        }
        leaf if next(bytes).is_multiple_of(5) => Value::from(format!("changed-{leaf}")),
        leaf => leaf.clone(),
    }
}

/// `base` with `over` laid on it: objects merged field by field, lists item by item.
fn overlay(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                let merged = match b.get(k) {
                    Some(old) => overlay(old, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(b), Value::Array(o)) => {
            let mut out: Vec<Value> = b.iter().zip(o).map(|(x, y)| overlay(x, y)).collect();
            out.extend(b.iter().skip(o.len()).cloned());
            out.extend(o.iter().skip(b.len()).cloned());
            Value::Array(out)
        }
        (_, Value::Null) => base.clone(),
        _ => over.clone(),
    }
}

const ALL_OPTIONS: [Options; 4] = [
    Options {
        mode: Mode::Subset,
        lists: Lists::MergeKeys,
    },
    Options {
        mode: Mode::Exact,
        lists: Lists::MergeKeys,
    },
    Options {
        mode: Mode::Subset,
        lists: Lists::Positional,
    },
    Options {
        mode: Mode::Exact,
        lists: Lists::Positional,
    },
];

const SUBSET: Options = Options {
    mode: Mode::Subset,
    lists: Lists::MergeKeys,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compare_never_panics(e in json(wild()), a in json(wild()), which in 0usize..4) {
        if let Ok(diffs) = compare(&e, &a, ALL_OPTIONS[which]) {
            let _ = render(&diffs);
            let yaml = serde_yaml_ng::to_string(&e).unwrap_or_default();
            for d in &diffs {
                let _ = line_of(&yaml, &d.path);
            }
        }
    }

    #[test]
    fn placeholder_free_value_equals_itself_exactly(x in json(plain())) {
        for opts in ALL_OPTIONS {
            prop_assert_eq!(compare(&x, &x, opts).map_err(|e| TestCaseError::fail(e.to_string()))?, vec![]);
        }
    }

    #[test]
    fn templated_value_equals_itself_exactly(x in json(templated())) {
        prop_assert!(check_placeholders(&x).is_ok());
        for opts in ALL_OPTIONS {
            prop_assert_eq!(compare(&x, &x, opts).map_err(|e| TestCaseError::fail(e.to_string()))?, vec![]);
        }
    }

    #[test]
    fn reduced_golden_matches_what_it_was_reduced_from(w in json(templated()), wo in json(templated())) {
        let r = reduce(&w, &wo);
        prop_assert_eq!(compare(&r, &w, SUBSET).map_err(|e| TestCaseError::fail(e.to_string()))?, vec![]);
    }

    #[test]
    fn reduced_overlay_matches(base in json(templated()), over in json(templated())) {
        let w = overlay(&base, &over);
        let r = reduce(&w, &base);
        prop_assert_eq!(compare(&r, &w, SUBSET).map_err(|e| TestCaseError::fail(e.to_string()))?, vec![]);
    }

    #[test]
    fn reduced_mutation_matches(w in object(templated()), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let wo = mutate(&w, &mut bytes.into_iter());
        for (a, b) in [(&w, &wo), (&wo, &w)] {
            let r = reduce(a, b);
            prop_assert_eq!(compare(&r, a, SUBSET).map_err(|e| TestCaseError::fail(e.to_string()))?, vec![]);
        }
    }

    #[test]
    fn every_difference_path_of_a_golden_has_a_line(e in json(plain()), a in json(plain())) {
        // Differences other than extras are in the golden, so the scan finds at least the
        // first step of their path.
        let yaml = serde_yaml_ng::to_string(&e).unwrap_or_default();
        for d in compare(&e, &a, SUBSET).map_err(|e| TestCaseError::fail(e.to_string()))? {
            if !d.path.is_empty() && e.is_object() {
                prop_assert!(line_of(&yaml, &d.path).is_some(), "{} in\n{}", d.path, yaml);
            }
        }
    }
}
