//! Templating mode: Go `text/template` with Sprig and the launcher's Helm-style helpers,
//! written for Posit's `job.tpl` (the launcher's Kubernetes Job template). The engine is
//! jjo's own (see the README for why the published Rust engines do not fit) and is
//! measured against Go itself by `tests/template_diff.rs`.

mod exec;
mod funcs;
mod gofmt;
pub mod launch;
mod parse;
mod value;
mod yaml;

use std::collections::HashMap;
use std::rc::Rc;

pub use exec::{ExecError, MissingKey, NoValue};
pub use parse::ParseError;
pub use value::Value;

/// A template error: a parse or execution error with Go's own words and its location.
#[derive(Clone, Debug, thiserror::Error)]
pub enum TemplateError {
    /// The text is not a valid template.
    #[error("{0}")]
    Parse(ParseError),
    /// The template failed while running.
    #[error("{0}")]
    Exec(ExecError),
}

impl TemplateError {
    /// The file, 1-based line and (for execution errors) Go's 0-based column.
    pub fn location(&self) -> Option<(String, usize, Option<usize>)> {
        match self {
            TemplateError::Parse(p) => Some((p.file.clone(), p.line, None)),
            TemplateError::Exec(e) => e.at.clone().map(|(f, l, c)| (f, l, Some(c))),
        }
    }
}

/// A set of parsed templates sharing one namespace (Go's `template.Template` tree set).
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    templates: HashMap<String, Rc<parse::Tree>>,
    missing: MissingKey,
}

/// The result of rendering: the text, and every action that printed a missing value.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The output.
    pub text: String,
    /// Actions that printed `<no value>`.
    pub no_values: Vec<NoValue>,
}

fn has_func(name: &str) -> bool {
    funcs::signature(name).is_some()
}

impl TemplateSet {
    /// An empty set with Go's default `missingkey` option.
    pub fn new() -> TemplateSet {
        TemplateSet::default()
    }

    /// Sets the `missingkey` option.
    pub fn missing_key(mut self, m: MissingKey) -> TemplateSet {
        self.missing = m;
        self
    }

    /// Parses one file (named by its base name) into the set; its `define`s join the set.
    pub fn add_file(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        let trees = parse::parse_file(name, text, &has_func).map_err(|mut e| {
            if let Some(f) = e.msg.strip_prefix("function ").and_then(|r| r.strip_suffix(" not defined")) {
                let f = f.trim_matches('"');
                if funcs::NOT_IMPLEMENTED.contains(&f) {
                    e.msg = format!(
                        "function {} not defined (it is a Sprig or Helm function jjo does not implement)",
                        gofmt::quote(f)
                    );
                }
            }
            TemplateError::Parse(e)
        })?;
        parse::add_trees(&mut self.templates, trees);
        Ok(())
    }

    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// Renders template `name` with `data` as dot.
    pub fn render(&self, name: &str, data: Value) -> Result<Rendered, TemplateError> {
        let Some(tree) = self.templates.get(name).cloned() else {
            return Err(TemplateError::Exec(ExecError {
                at: None,
                message: format!(
                    "template: no template {} associated with template \"\"",
                    gofmt::quote(name)
                ),
            }));
        };
        let mut no_values = Vec::new();
        let mut out = String::new();
        let mut st = exec::State::new(&self.templates, self.missing, tree, data, 0, &mut no_values);
        st.run(&mut out).map_err(TemplateError::Exec)?;
        Ok(Rendered {
            text: out,
            no_values,
        })
    }
}

/// Names of the functions templates can call, for did-you-mean hints.
pub fn function_names() -> Vec<&'static str> {
    const ALL: &[&str] = &[
        "and",
        "or",
        "not",
        "len",
        "index",
        "print",
        "println",
        "printf",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "include",
        "toYaml",
        "toJson",
        "toPrettyJson",
        "fromJson",
        "mustFromJson",
        "toString",
        "empty",
        "deepCopy",
        "first",
        "last",
        "rest",
        "initial",
        "toStrings",
        "sortAlpha",
        "uniq",
        "compact",
        "float64",
        "int",
        "int64",
        "add1",
        "kindOf",
        "typeOf",
        "default",
        "coalesce",
        "list",
        "dict",
        "cat",
        "quote",
        "squote",
        "concat",
        "add",
        "all",
        "any",
        "ternary",
        "indent",
        "nindent",
        "repeat",
        "trunc",
        "trim",
        "upper",
        "lower",
        "title",
        "b64enc",
        "b64dec",
        "nospace",
        "atoi",
        "fail",
        "trimAll",
        "trimPrefix",
        "trimSuffix",
        "contains",
        "hasPrefix",
        "hasSuffix",
        "splitList",
        "replace",
        "join",
        "append",
        "push",
        "prepend",
        "has",
        "slice",
        "get",
        "hasKey",
        "unset",
        "set",
        "keys",
        "merge",
        "mergeOverwrite",
        "pick",
        "omit",
        "sub",
        "div",
        "mod",
        "mul",
        "max",
        "min",
        "addf",
        "subf",
        "mulf",
        "divf",
        "kindIs",
        "typeIs",
    ];
    debug_assert!(ALL.iter().all(|f| has_func(f)));
    ALL.to_vec()
}
