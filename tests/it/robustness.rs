//! No panic on any input: random overrides applied to the launcher's Job, then validation,
//! prediction and comparison, must return values or errors, never panic.

use proptest::prelude::*;
use serde_json::{Value, json};

use jjo::location::Span;
use jjo::overrides::{Override, Pointer};

/// Pointer tokens an admin might plausibly write, plus the launcher's quirk tokens.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("spec".to_string()),
        Just("template".to_string()),
        Just("metadata".to_string()),
        Just("containers".to_string()),
        Just("initContainers".to_string()),
        Just("volumes".to_string()),
        Just("volumeMounts".to_string()),
        Just("securityContext".to_string()),
        Just("resources".to_string()),
        Just("limits".to_string()),
        Just("labels".to_string()),
        Just("name".to_string()),
        Just("-".to_string()),
        (0u8..4).prop_map(|i| i.to_string()),
        "[a-zA-Z/~]{1,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-z0-9 ./:-]{0,12}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(token(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn pointer() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..7).prop_map(|tokens| {
        tokens
            .iter()
            .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
            .collect()
    })
}

fn base_job() -> Value {
    let profile = jjo::profiles::Resolved::default();
    jjo::job::build(&jjo::session::Session::default(), &profile, "alice")
        .expect("default session builds")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn patched_jobs_never_panic_the_later_stages(
        overrides in prop::collection::vec((pointer(), value()), 1..5),
        minor in 29u8..=34,
    ) {
        let overrides: Vec<Override> = overrides
            .into_iter()
            .filter_map(|(p, v)| {
                let pointer = Pointer::parse(&p).ok()?;
                Some(Override { pointer, path: "/etc/rstudio/o".into(), file: "o".into(), within: None, span: Span::line("p.conf", 2), value: v })
            })
            .collect();
        let base = base_job();
        if let Ok(patched) = jjo::patch::apply(base.clone(), &overrides) {
            let _ = jjo::validate::validate(&patched.job);
            let opts = jjo::predict::Options { version: jjo::predict::Version { minor }, namespace: "default".into(), limit_ranges: Vec::new() };
            if let Ok(prediction) = jjo::predict::predict(&patched.job, &opts) {
                let without = jjo::predict::predict(&base, &opts).expect("the launcher's own Job predicts");
                let reduced = jjo::compare::reduce(&prediction.pod, &without.pod);
                let opts = jjo::compare::Options { mode: jjo::compare::Mode::Subset, lists: jjo::compare::Lists::MergeKeys };
                let diffs = jjo::compare::compare(&reduced, &prediction.pod, opts).expect("no placeholder errors");
                prop_assert!(diffs.is_empty(), "a blessed golden must match its own prediction: {diffs:?}");
            }
        }
    }
}
