//! SARIF 2.1.0 of `jjo lint --format sarif`, for GitHub code scanning.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::error::Error;
use crate::lint::{Lint, Problem};

/// `jjo lint`'s SARIF document, pretty-printed.
pub fn lint(l: &Lint) -> Result<String, Error> {
    super::json::to_json(&document(l))
}

/// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the subset
/// GitHub code scanning reads: rules, results with a level, message and physical location.
fn document(l: &Lint) -> Value {
    let mut rules: BTreeMap<&str, &Problem> = BTreeMap::new();
    for p in &l.problems {
        rules.entry(p.rule.as_str()).or_insert(p);
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id,
                "shortDescription": {"text": format!("jjo `{id}`")},
                "defaultConfiguration": {"level": p.severity},
            })
        })
        .collect();
    let results: Vec<Value> = l
        .problems
        .iter()
        .map(|p| {
            let mut text = p.message.clone();
            if let Some(f) = &p.path {
                let _ = write!(text, " (at `{f}`)");
            }
            let _ = write!(text, "; for {}", p.principals.join(", "));
            // The hint (the did-you-mean) is half of the message for a reader of code scanning.
            if let Some(h) = &p.hint {
                let _ = write!(text, "\nhint: {h}");
            }
            let mut result = json!({
                "ruleId": p.rule,
                "level": p.severity,
                "message": {"text": text},
            });
            if let Some(s) = &p.span {
                let mut region = serde_json::Map::new();
                if s.line > 0 {
                    region.insert("startLine".into(), json!(s.line));
                    if s.col > 0 {
                        region.insert("startColumn".into(), json!(s.col));
                    }
                }
                let mut physical = json!({
                    "artifactLocation": {"uri": s.file.to_string_lossy().replace('\\', "/")},
                });
                if !region.is_empty() {
                    physical["region"] = Value::Object(region);
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jjo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
