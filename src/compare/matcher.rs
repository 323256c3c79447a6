//! Walking a golden and an actual object side by side and collecting differences (the rules
//! are listed in the module docs of `compare`).

use serde_json::{Map, Value};

use super::merge_keys::{self, KeySpec};
use super::path::{self, Seg};
use super::placeholders::{
    self, Bindings, Class, Outcome, ParseError, Sym, is_literal, literal, parse_lenient, whole_hole,
};
use super::{Difference, Error, Kind, Lists, Mode, Options};

/// Compares `expected` (a golden, possibly with placeholders) with `actual`.
///
/// Every placeholder of the golden is checked first, so a typo is an error even where the
/// actual object would not have been looked at.
pub fn compare(expected: &Value, actual: &Value, opts: Options) -> Result<Vec<Difference>, Error> {
    check_placeholders(expected)?;
    let mut walker = Walker {
        opts,
        binds: Bindings::default(),
        path: Vec::new(),
        diffs: Vec::new(),
    };
    walker.value(None, expected, Some(actual));
    Ok(walker.diffs)
}

/// Checks every placeholder in a golden: unknown kinds, unterminated `{{`, bad binding names.
pub fn check_placeholders(golden: &Value) -> Result<(), Error> {
    /// The first bad placeholder below `v`: the path to it (innermost segment first, pushed
    /// on the way back up, so a golden without one allocates nothing), the string, and why.
    fn walk(v: &Value) -> Result<(), (Vec<Seg>, String, ParseError)> {
        match v {
            // Text without `{{` has no placeholder to get wrong.
            Value::String(s) if !s.contains("{{") => Ok(()),
            Value::String(s) => placeholders::parse(s)
                .map(drop)
                .map_err(|e| (Vec::new(), s.clone(), e)),
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                walk(item).map_err(|(mut path, s, e)| {
                    path.push(Seg::Index(i));
                    (path, s, e)
                })
            }),
            Value::Object(map) => map.iter().try_for_each(|(k, item)| {
                walk(item).map_err(|(mut path, s, e)| {
                    path.push(Seg::Key(k.clone()));
                    (path, s, e)
                })
            }),
            _ => Ok(()),
        }
    }
    walk(golden).map_err(|(mut segs, text, e)| {
        segs.reverse();
        let path = path::format(&segs);
        match e {
            ParseError::Unterminated => Error::Unterminated {
                path,
                text,
                hint: Some("close the placeholder with `}}`".into()),
            },
            ParseError::UnknownKind { text, kind, hint } => Error::UnknownKind {
                path,
                placeholder: text,
                kind,
                hint,
            },
            ParseError::BadBinding { text } => Error::BadBinding {
                path,
                placeholder: text,
                hint: Some(
                    "a binding is a name of letters, digits, `-` or `_`, as in `{{suffix:sa}}`"
                        .into(),
                ),
            },
        }
    })
}

/// The state of one comparison.
struct Walker {
    opts: Options,
    binds: Bindings,
    /// Where the walk is, in the golden's terms.
    path: Vec<Seg>,
    diffs: Vec<Difference>,
}

impl Walker {
    fn report(&mut self, kind: Kind, expected: Option<&Value>, actual: Option<&Value>) {
        self.diffs.push(Difference {
            path: path::format(&self.path),
            kind,
            expected: expected.cloned(),
            actual: actual.cloned(),
        });
    }

    fn at(&mut self, seg: Seg, f: impl FnOnce(&mut Walker)) {
        self.path.push(seg);
        f(self);
        self.path.pop();
    }

    /// Compares one golden value; `field` is the name of the field holding it (lists use it
    /// to find their merge key).
    fn value(&mut self, field: Option<&str>, e: &Value, a: Option<&Value>) {
        let Some(a) = a.filter(|a| !a.is_null()) else {
            if !e.is_null() {
                self.report(Kind::Missing, Some(e), None);
            }
            return;
        };
        if let Value::String(s) = e {
            self.golden_string(s, e, a);
            return;
        }
        if let Value::String(t) = a
            && let Some(outcome) = self.actual_placeholder(e, t)
        {
            self.outcome(outcome, e, a);
            return;
        }
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => self.object(em, am),
            (Value::Array(ev), Value::Array(av)) => self.array(field, e, ev, a, av),
            _ if e == a => {}
            _ => self.report(Kind::Differs, Some(e), Some(a)),
        }
    }

    fn outcome(&mut self, outcome: Outcome, e: &Value, a: &Value) {
        match outcome {
            Outcome::Match => {}
            Outcome::Mismatch => self.report(Kind::Differs, Some(e), Some(a)),
            Outcome::Binding(annotated) => {
                self.report(Kind::Differs, Some(&Value::String(annotated)), Some(a));
            }
        }
    }

    fn golden_string(&mut self, s: &str, e: &Value, a: &Value) {
        // Plain text on both sides (nearly every string of a golden) is equal or it differs:
        // no symbols to make.
        if let Value::String(t) = a
            && !s.contains("{{")
            && !t.contains("{{")
        {
            if s != t {
                self.report(Kind::Differs, Some(e), Some(a));
            }
            return;
        }
        let g = parse_lenient(s);
        if let Value::String(t) = a {
            if s == t && is_literal(&g) {
                return;
            }
            let outcome = self.binds.matches(&g, &parse_lenient(t));
            self.outcome(outcome, e, a);
            return;
        }
        // A whole-string placeholder may stand for a value that is no string.
        let outcome = match whole_hole(&g).map(|h| h.class) {
            Some(Class::Any) => self.binds.matches(&g, &literal(&a.to_string())),
            Some(Class::Digits) if a.is_u64() => self.binds.matches(&g, &literal(&a.to_string())),
            _ => Outcome::Mismatch,
        };
        self.outcome(outcome, e, a);
    }

    /// A golden non-string against an actual whole-string placeholder that can stand for it.
    fn actual_placeholder(&mut self, e: &Value, t: &str) -> Option<Outcome> {
        if !t.contains("{{") {
            return None;
        }
        let syms = parse_lenient(t);
        match whole_hole(&syms)?.class {
            Class::Any => Some(self.binds.matches(&literal(&e.to_string()), &syms)),
            Class::Digits if e.is_u64() => {
                Some(self.binds.matches(&literal(&e.to_string()), &syms))
            }
            _ => None,
        }
    }

    fn object(&mut self, e: &Map<String, Value>, a: &Map<String, Value>) {
        for (k, ev) in e {
            self.at(Seg::Key(k.clone()), |w| w.value(Some(k), ev, a.get(k)));
        }
        if self.opts.mode == Mode::Exact {
            for (k, av) in a {
                if !e.contains_key(k) && !av.is_null() {
                    self.at(Seg::Key(k.clone()), |w| {
                        w.report(Kind::Extra, None, Some(av))
                    });
                }
            }
        }
    }

    fn array(&mut self, field: Option<&str>, e: &Value, ev: &[Value], a: &Value, av: &[Value]) {
        let merge = self.opts.lists == Lists::MergeKeys;
        if !ev.is_empty() && ev.iter().all(Value::is_object) {
            match field
                .filter(|_| merge)
                .and_then(|f| merge_keys::for_list(f, ev))
            {
                Some(spec) => self.keyed(&spec, ev, av),
                None => self.positional(ev, av),
            }
        } else if merge && field.is_some_and(merge_keys::is_set) && ev.iter().all(Value::is_string)
        {
            self.set(ev, av);
        } else if ev.len() == av.len() {
            for (i, (x, y)) in ev.iter().zip(av).enumerate() {
                self.at(Seg::Index(i), |w| w.value(None, x, Some(y)));
            }
        } else {
            // A list of scalars is one value: its order and length are what it says.
            self.report(Kind::Differs, Some(e), Some(a));
        }
    }

    fn positional(&mut self, ev: &[Value], av: &[Value]) {
        for (i, x) in ev.iter().enumerate() {
            self.at(Seg::Index(i), |w| w.value(None, x, av.get(i)));
        }
        if self.opts.mode == Mode::Exact {
            for (i, y) in av.iter().enumerate().skip(ev.len()) {
                self.at(Seg::Index(i), |w| w.report(Kind::Extra, None, Some(y)));
            }
        }
    }

    /// Pairs golden items with actual ones by key: equal keys first, then keys matching the
    /// golden's placeholders (bindings checked), then keys matching only in shape (so that a
    /// binding mismatch is reported on the key field rather than as a missing item).
    fn keyed(&mut self, spec: &KeySpec, ev: &[Value], av: &[Value]) {
        let ekeys: Vec<Vec<Option<Value>>> = ev
            .iter()
            .map(|x| {
                x.as_object()
                    .map(|m| merge_keys::key_of(spec, m))
                    .unwrap_or_default()
            })
            .collect();
        let akeys: Vec<Option<Vec<Option<Value>>>> = av
            .iter()
            .map(|y| y.as_object().map(|m| merge_keys::key_of(spec, m)))
            .collect();
        let mut pair: Vec<Option<usize>> = vec![None; ev.len()];
        let mut used = vec![false; av.len()];
        for pass in 0..3 {
            for (i, ek) in ekeys.iter().enumerate() {
                if pair[i].is_some() {
                    continue;
                }
                for (j, ak) in akeys.iter().enumerate() {
                    let Some(ak) = ak.as_ref().filter(|_| !used[j]) else {
                        continue;
                    };
                    let found = match pass {
                        0 => ek == ak,
                        1 => self.keys_match(ek, ak, true),
                        _ => self.keys_match(ek, ak, false),
                    };
                    if found {
                        pair[i] = Some(j);
                        used[j] = true;
                        break;
                    }
                }
            }
        }
        let empty = Map::new();
        for (i, x) in ev.iter().enumerate() {
            let seg = merge_keys::segment(spec, x.as_object().unwrap_or(&empty), i);
            self.at(seg, |w| w.value(None, x, pair[i].and_then(|j| av.get(j))));
        }
        if self.opts.mode == Mode::Exact {
            for (j, y) in av.iter().enumerate().filter(|(j, _)| !used[*j]) {
                let seg = match y.as_object() {
                    Some(m) => merge_keys::segment(spec, m, j),
                    None => Seg::Index(j),
                };
                self.at(seg, |w| w.report(Kind::Extra, None, Some(y)));
            }
        }
    }

    /// Whether a golden key matches an actual one; with `check`, bindings are checked and
    /// captured (all parts or none).
    fn keys_match(&mut self, ek: &[Option<Value>], ak: &[Option<Value>], check: bool) -> bool {
        let saved = check.then(|| self.binds.clone());
        let ok = ek.iter().zip(ak).all(|(g, x)| match (g, x) {
            (None, None) => true,
            (Some(g), Some(x)) if g == x => true,
            (Some(Value::String(g)), Some(Value::String(x))) => {
                let (g, x) = (parse_lenient(g), parse_lenient(x));
                if check {
                    self.binds.matches(&g, &x) == Outcome::Match
                } else {
                    self.binds.shape_matches(&g, &x)
                }
            }
            _ => false,
        });
        if !ok && let Some(saved) = saved {
            self.binds = saved;
        }
        ok
    }

    /// A set of strings (`finalizers`): each golden item must be there, in any order.
    fn set(&mut self, ev: &[Value], av: &[Value]) {
        let mut used = vec![false; av.len()];
        let mut missing = Vec::new();
        for (i, x) in ev.iter().enumerate() {
            let mut found = av.iter().enumerate().position(|(j, y)| !used[j] && x == y);
            if found.is_none()
                && let Value::String(g) = x
            {
                let g: Vec<Sym> = parse_lenient(g);
                for (j, y) in av.iter().enumerate() {
                    if let Value::String(t) = y
                        && !used[j]
                        && self.binds.matches(&g, &parse_lenient(t)) == Outcome::Match
                    {
                        found = Some(j);
                        break;
                    }
                }
            }
            match found {
                Some(j) => used[j] = true,
                None => missing.push(i),
            }
        }
        for i in missing {
            self.at(Seg::Index(i), |w| w.report(Kind::Missing, ev.get(i), None));
        }
        if self.opts.mode == Mode::Exact {
            for (j, y) in av.iter().enumerate().filter(|(j, _)| !used[*j]) {
                self.at(Seg::Index(j), |w| w.report(Kind::Extra, None, Some(y)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SUBSET: Options = Options {
        mode: Mode::Subset,
        lists: Lists::MergeKeys,
    };
    const EXACT: Options = Options {
        mode: Mode::Exact,
        lists: Lists::MergeKeys,
    };
    const POSITIONAL: Options = Options {
        mode: Mode::Subset,
        lists: Lists::Positional,
    };

    fn diffs(e: Value, a: Value, opts: Options) -> Vec<(String, Kind)> {
        compare(&e, &a, opts)
            .expect("valid golden")
            .into_iter()
            .map(|d| (d.path, d.kind))
            .collect()
    }

    fn d(path: &str, kind: Kind) -> (String, Kind) {
        (path.to_string(), kind)
    }

    /// A live-looking Pod: the admin's volume plus the service account token volume.
    fn pod() -> Value {
        json!({
            "metadata": {"name": "rs-x7k2p-bbbbb", "uid": "0f8fad5b-d9cb-469f-a165-70867728950e",
                         "creationTimestamp": "2024-05-01T12:30:00Z", "resourceVersion": "4711"},
            "spec": {
                "containers": [{
                    "name": "rs-launcher-container",
                    "image": "rstudio/r-session-complete:jammy",
                    "securityContext": {"privileged": false},
                    "volumeMounts": [
                        {"name": "session-config", "mountPath": "/mnt/config"},
                        {"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}
                    ]
                }],
                "volumes": [
                    {"name": "session-config", "configMap": {"name": "cfg"}},
                    {"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420}}
                ]
            }
        })
    }

    #[test]
    fn subset_ignores_extra_fields() {
        let golden = json!({"spec": {"containers": [{"name": "rs-launcher-container", "image": "rstudio/r-session-complete:jammy"}]}});
        assert_eq!(diffs(golden, pod(), SUBSET), vec![]);
    }

    #[test]
    fn exact_reports_extra_fields_and_items() {
        let golden = json!({"a": 1, "volumes": [{"name": "x"}]});
        let actual = json!({"a": 1, "b": 2, "n": null, "volumes": [{"name": "y"}, {"name": "x"}]});
        assert_eq!(
            diffs(golden.clone(), actual.clone(), EXACT),
            vec![d("volumes[name=y]", Kind::Extra), d("b", Kind::Extra)]
        );
        assert_eq!(diffs(golden, actual, SUBSET), vec![]);
    }

    #[test]
    fn golden_null_means_absent() {
        assert_eq!(diffs(json!({"a": null}), json!({}), SUBSET), vec![]);
        assert_eq!(
            diffs(json!({"a": null}), json!({"a": 1}), SUBSET),
            vec![d("a", Kind::Differs)]
        );
    }

    #[test]
    fn missing_differs_extra_are_told_apart() {
        let golden = json!({"spec": {"containers": [{"name": "rs-launcher-container", "securityContext": {"privileged": true}, "tty": true}]}});
        let got = compare(&golden, &pod(), SUBSET).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].path,
            "spec.containers[name=rs-launcher-container].securityContext.privileged"
        );
        assert_eq!(
            (got[0].kind, got[0].expected.clone(), got[0].actual.clone()),
            (Kind::Differs, Some(json!(true)), Some(json!(false)))
        );
        assert_eq!(
            got[1].path,
            "spec.containers[name=rs-launcher-container].tty"
        );
        assert_eq!((got[1].kind, got[1].actual.clone()), (Kind::Missing, None));
    }

    #[test]
    fn merge_keys_ignore_order_and_the_token_volume() {
        let golden = json!({"spec": {
            "volumes": [{"name": "session-config", "configMap": {"name": "cfg"}}],
            "containers": [{"name": "rs-launcher-container", "volumeMounts": [
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-{{suffix}}"},
                {"mountPath": "/mnt/config", "name": "session-config"}
            ]}]
        }});
        assert_eq!(diffs(golden.clone(), pod(), SUBSET), vec![]);
        // By position the same golden fails.
        assert!(!diffs(golden, pod(), POSITIONAL).is_empty());
    }

    #[test]
    fn exact_mode_still_matches_by_key() {
        let golden = json!({"volumes": [{"name": "b", "x": 1}, {"name": "a", "x": 2}]});
        let actual =
            json!({"volumes": [{"name": "a", "x": 2}, {"name": "b", "x": 1}, {"name": "c"}]});
        assert_eq!(
            diffs(golden, actual, EXACT),
            vec![d("volumes[name=c]", Kind::Extra)]
        );
    }

    #[test]
    fn positional_lists_use_indexes() {
        let golden = json!({"containers": [{"name": "a"}, {"name": "b"}]});
        let actual = json!({"containers": [{"name": "b"}]});
        assert_eq!(
            diffs(golden, actual, POSITIONAL),
            vec![
                d("containers[0].name", Kind::Differs),
                d("containers[1]", Kind::Missing)
            ]
        );
    }

    #[test]
    fn ports_match_by_container_port_and_default_protocol() {
        let golden = json!({"ports": [{"containerPort": 8787, "name": "http"}]});
        let actual = json!({"ports": [{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 8787, "protocol": "TCP", "name": "http"}]});
        assert_eq!(diffs(golden, actual, SUBSET), vec![]);
    }

    #[test]
    fn tolerations_match_by_key_and_effect() {
        let golden = json!({"tolerations": [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "tolerationSeconds": 60}]});
        let actual = json!({"tolerations": [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "tolerationSeconds": 300}
        ]});
        assert_eq!(
            diffs(golden, actual, SUBSET),
            vec![d(
                "tolerations[key=node.kubernetes.io/not-ready,effect=NoExecute].tolerationSeconds",
                Kind::Differs
            )]
        );
    }

    #[test]
    fn scalar_lists_are_ordered_values() {
        assert_eq!(
            diffs(
                json!({"args": ["a", "b"]}),
                json!({"args": ["b", "a"]}),
                SUBSET
            )
            .len(),
            2
        );
        assert_eq!(
            diffs(json!({"args": ["a"]}), json!({"args": ["a", "b"]}), SUBSET),
            vec![d("args", Kind::Differs)]
        );
    }

    #[test]
    fn finalizers_are_a_set() {
        let golden = json!({"finalizers": ["b", "a"]});
        assert_eq!(
            diffs(
                golden.clone(),
                json!({"finalizers": ["a", "b", "c"]}),
                SUBSET
            ),
            vec![]
        );
        assert_eq!(
            diffs(
                golden.clone(),
                json!({"finalizers": ["a", "b", "c"]}),
                EXACT
            ),
            vec![d("finalizers[2]", Kind::Extra)]
        );
        assert_eq!(
            diffs(golden, json!({"finalizers": ["a"]}), SUBSET),
            vec![d("finalizers[0]", Kind::Missing)]
        );
    }

    #[test]
    fn whole_any_matches_any_type_but_needs_the_field() {
        for v in [
            json!(1),
            json!("x"),
            json!({"a": [1]}),
            json!([true]),
            json!(false),
        ] {
            assert_eq!(
                diffs(json!({"f": "{{any}}"}), json!({"f": v}), EXACT),
                vec![]
            );
        }
        assert_eq!(
            diffs(json!({"f": "{{any}}"}), json!({}), SUBSET),
            vec![d("f", Kind::Missing)]
        );
    }

    #[test]
    fn each_kind_inside_strings() {
        let golden = json!({"metadata": {
            "name": "rs-{{suffix:job}}-{{suffix:pod}}", "uid": "{{uid}}",
            "creationTimestamp": "{{timestamp}}", "resourceVersion": "{{digits}}"}});
        assert_eq!(diffs(golden, pod(), SUBSET), vec![]);
        let bad = json!({"metadata": {"uid": "{{uid}}", "resourceVersion": "{{digits}}", "creationTimestamp": "{{timestamp}}", "name": "rs-{{suffix}}"}});
        let actual = json!({"metadata": {"uid": "nope", "resourceVersion": "x1", "creationTimestamp": "today", "name": "rs-aeiou"}});
        assert_eq!(diffs(bad, actual, SUBSET).len(), 4);
    }

    #[test]
    fn whole_digits_matches_an_integer() {
        assert_eq!(
            diffs(json!({"g": "{{digits}}"}), json!({"g": 3}), SUBSET),
            vec![]
        );
        assert_eq!(
            diffs(json!({"g": "{{digits}}"}), json!({"g": -3}), SUBSET).len(),
            1
        );
    }

    #[test]
    fn binding_is_consistent_across_volume_and_mounts() {
        let golden = json!({"spec": {
            "containers": [{"name": "rs-launcher-container", "volumeMounts": [
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-{{suffix:sa}}"}]}],
            "volumes": [{"name": "kube-api-access-{{suffix:sa}}"}]
        }});
        assert_eq!(diffs(golden.clone(), pod(), SUBSET), vec![]);
        let mut broken = pod();
        broken["spec"]["volumes"][1]["name"] = json!("kube-api-access-zzzzz");
        let got = compare(&golden, &broken, SUBSET).unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].path,
            "spec.volumes[name=kube-api-access-{{suffix:sa}}].name"
        );
        assert_eq!(
            got[0].expected,
            Some(json!("kube-api-access-{{suffix:sa=x7k2p}}"))
        );
        assert_eq!(got[0].actual, Some(json!("kube-api-access-zzzzz")));
    }

    #[test]
    fn typo_is_an_error_with_did_you_mean() {
        let golden = json!({"spec": {"volumes": [{"name": "kube-api-access-{{sufix:sa}}"}]}});
        let err = compare(&golden, &pod(), SUBSET).unwrap_err();
        assert_eq!(err.path(), "spec.volumes[0].name");
        assert_eq!(
            err.to_string(),
            "unknown placeholder kind `sufix` in `{{sufix:sa}}` at `spec.volumes[0].name`"
        );
        assert!(
            err.hint()
                .unwrap_or_default()
                .starts_with("did you mean `suffix`?")
        );
    }

    #[test]
    fn typos_are_found_where_nothing_is_compared() {
        // `check_placeholders` looks at the whole golden, the actual object has no `b`.
        assert!(check_placeholders(&json!({"b": ["{{digit}}"]})).is_err());
        assert!(compare(&json!({"a": 1, "b": "{{digit}}"}), &json!({"a": 2}), SUBSET).is_err());
        assert!(check_placeholders(&json!({"b": ["{{digits}}", "{{any:x}}"]})).is_ok());
    }

    #[test]
    fn unterminated_is_an_error() {
        let err = check_placeholders(&json!({"a": "x-{{suffix"})).unwrap_err();
        assert_eq!(err.to_string(), "unterminated `{{` in `x-{{suffix` at `a`");
    }

    #[test]
    fn prediction_placeholders_match_live_values() {
        // Predicted Pod (placeholders) as the actual side, a golden captured from a live Pod.
        let predicted = json!({"spec": {
            "containers": [{"name": "c", "volumeMounts": [{"mountPath": "/t", "name": "kube-api-access-{{suffix:sa}}"}]}],
            "volumes": [{"name": "kube-api-access-{{suffix:sa}}"}]}});
        let live = json!({"spec": {
            "containers": [{"name": "c", "volumeMounts": [{"mountPath": "/t", "name": "kube-api-access-x7k2p"}]}],
            "volumes": [{"name": "kube-api-access-x7k2p"}]}});
        assert_eq!(diffs(live.clone(), predicted.clone(), EXACT), vec![]);
        // The prediction's binding must hold on the live side too.
        let mut torn = live;
        torn["spec"]["volumes"][0]["name"] = json!("kube-api-access-bbbbb");
        assert_eq!(
            diffs(torn, predicted.clone(), EXACT),
            vec![d(
                "spec.volumes[name=kube-api-access-bbbbb].name",
                Kind::Differs
            )]
        );
        // Prediction against a golden blessed from a prediction.
        assert_eq!(diffs(predicted.clone(), predicted, EXACT), vec![]);
    }

    #[test]
    fn type_changes_differ() {
        assert_eq!(
            diffs(json!({"a": {"b": 1}}), json!({"a": [1]}), SUBSET),
            vec![d("a", Kind::Differs)]
        );
        assert_eq!(
            diffs(json!(1), json!("1"), SUBSET),
            vec![d("", Kind::Differs)]
        );
    }
}
