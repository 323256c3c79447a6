//! Applying any pointer and small value to a small Job never panics.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::apply;
use super::test_support::ov;

fn small_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0u32..3).prop_map(|n| json!(n)),
        "[a-z]{0,3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,2}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn small_job() -> Value {
    json!({
        "metadata": {"generateName": "s-", "labels": {"launcher-instance-id": "i"}},
        "spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "volumes": [{"name": "v"}],
            "containers": [{"name": "c", "command": ["sh"], "volumeMounts": []}]
        }}}
    })
}

/// Pointers made of tokens likely to hit every rule: names, `-`, indexes, empty tokens.
fn pointer() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("-".to_owned()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("5".to_owned()),
        Just("01".to_owned()),
        Just(String::new()),
        Just("spec".to_owned()),
        Just("template".to_owned()),
        Just("containers".to_owned()),
        Just("volumes".to_owned()),
        "[a-z~/]{1,3}".prop_map(|t| crate::overrides::escape_token(&t)),
        (0usize..20_000).prop_map(|n| n.to_string()),
    ];
    proptest::collection::vec(token, 0..6).prop_map(|t| t.iter().map(|t| format!("/{t}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn apply_never_panics(overrides in proptest::collection::vec((pointer(), small_value()), 1..4)) {
        let overrides: Vec<_> = overrides.into_iter().map(|(p, v)| ov(&p, v)).collect();
        if let Ok(patched) = apply(small_job(), &overrides) {
            prop_assert_eq!(patched.applied.len(), overrides.len());
            // The last override's value is always at its target afterwards... unless the
            // pointer appends (`-` picks a new index), so check only pointers without `-`.
            if let Some(last) = overrides.last().filter(|o| !o.pointer.tokens().iter().any(|t| t == "-")) {
                prop_assert_eq!(super::get(&patched.job, last.pointer.tokens()), Some(&last.value));
            }
        }
    }
}
