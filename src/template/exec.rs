//! Executing parsed templates with Go's `text/template` rules (Go 1.19): field chains on
//! maps, the `missingkey` option, variables and their scopes, `if`/`with` truth, `range` in
//! sorted key order with `break`/`continue`, `template` calls, argument checking by the
//! called function's parameter types, and Go's error texts with `file:line:col`.

use std::collections::HashMap;
use std::rc::Rc;

use super::funcs::{self, Ty};
use super::gofmt;
use super::parse::{Arg, Cmd, Control, Node, Pipe, Pos, Tree};
use super::value::{self, Value};
use super::why::Why;

/// Go's `missingkey` option: what a missing map key gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=default` (also `invalid`): the invalid value, printed `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: the map element type's zero value (a nil `interface{}`).
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key`.
    Error,
}

/// An execution error with Go's text, and where it happened.
#[derive(Clone, Debug)]
pub struct ExecError {
    /// The template file, 1-based line and 0-based byte column (Go's), when known.
    pub at: Option<(String, usize, usize)>,
    /// Go's full message (`template: job.tpl:3:5: executing "job.tpl" at <.Job.x>: ...`).
    pub message: String,
    /// The kind of mistake, for jjo's hint (never read from `message`); `None` for
    /// [`Why::Other`]. Boxed so that every `Result` of the executor stays as small as before:
    /// its recursion is bounded by the stack.
    pub why: Option<Box<Why>>,
}

impl ExecError {
    /// The same error, of a kind a hint can match.
    pub(super) fn because(mut self, why: Why) -> ExecError {
        self.why = Some(Box::new(why));
        self
    }

    /// The kind of mistake.
    pub fn why(&self) -> &Why {
        const OTHER: &Why = &Why::Other;
        self.why.as_deref().unwrap_or(OTHER)
    }
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Where a missing value was printed as `<no value>`.
#[derive(Clone, Debug)]
pub struct NoValue {
    /// `file:line:col` of the action.
    pub location: String,
    /// The action's pipeline as written.
    pub action: String,
    /// The value was there but null (JSON `null`): Go prints a nil `interface{}` as
    /// `<no value>` too, so the fix is a value, not a key name.
    pub null: bool,
    /// Printed inside an `include`, whose text reaches the output only if the template
    /// prints it: such a record counts only when the output shows `<no value>`.
    pub included: bool,
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, ExecError>;

/// A value and whether Go holds it as an `interface{}` read from a container (which changes
/// the type named in some errors and makes a nil an error to look into).
#[derive(Clone, Debug)]
pub(super) struct V {
    pub v: Value,
    pub boxed: bool,
}

impl V {
    fn plain(v: Value) -> V {
        V { v, boxed: false }
    }
}

/// The running state of one template execution (Go's `state`).
pub(super) struct State<'e> {
    pub templates: &'e HashMap<String, Rc<Tree>>,
    pub missing: MissingKey,
    tree: Rc<Tree>,
    vars: Vec<(String, V)>,
    depth: usize,
    node: Option<(Pos, Pos, Ctx)>,
    pub no_values: &'e mut Vec<NoValue>,
    /// Running inside an `include` (its output is a value, not the template's output).
    included: bool,
    /// The last pipeline's final command gave a JSON `null` (before it settled into Go's
    /// invalid value), which a `<no value>` record reports as such.
    last_null: bool,
}

/// Deeper `template`/`include` nesting than this is an error. Go allows 100000 (its stacks
/// grow); a Rust thread's stack does not, and no real job template nests more than a few.
const MAX_DEPTH: usize = 64;

/// What a template is told when it prints, copies or merges a map that contains itself.
const CYCLE: &str = "a map that contains itself (`set $m \"k\" $m`) has no end to print, copy \
     or merge: jjo refuses (Go recurses until its stack overflows and the process dies)";

/// The error past [`MAX_DEPTH`]: Go's words, and that the limit is jjo's (Go fails the same
/// way only at 100000, and an `include` of itself crashes Go's process instead).
fn too_deep() -> String {
    format!(
        "exceeded maximum template depth ({MAX_DEPTH}): jjo refuses to nest `template` or \
         `include` deeper (Go's limit is 100000, which a Rust stack cannot hold)"
    )
}

impl<'e> State<'e> {
    pub(super) fn new(
        templates: &'e HashMap<String, Rc<Tree>>,
        missing: MissingKey,
        tree: Rc<Tree>,
        dot: Value,
        depth: usize,
        no_values: &'e mut Vec<NoValue>,
    ) -> State<'e> {
        State {
            templates,
            missing,
            tree,
            vars: vec![("$".into(), V::plain(dot))],
            depth,
            node: None,
            no_values,
            included: false,
            last_null: false,
        }
    }

    /// Runs the template's root list, appending to `out`.
    pub(super) fn run(&mut self, out: &mut String) -> R<()> {
        let dot = self.vars[0].1.clone();
        let tree = self.tree.clone();
        self.walk_list(&dot, &tree.root, out)?;
        Ok(())
    }

    /// Records the node being evaluated: where errors point (`pos`) and how to find the
    /// node again for Go's `<context>` text (`key`, `kind`), built only when an error needs it.
    fn at(&mut self, pos: Pos, key: Pos, kind: Ctx) {
        self.node = Some((pos, key, kind));
    }

    /// The refusal of a call that met a map containing itself; out of line, so that the
    /// recursive evaluator's frames stay as small as they were.
    #[cold]
    #[inline(never)]
    fn cycle_error(&mut self, pos: Pos, name: &str) -> ExecError {
        self.at(pos, pos, Ctx::Cmd);
        self.error(format!("error calling {name}: {CYCLE}"))
    }

    pub(super) fn error(&self, msg: impl std::fmt::Display) -> ExecError {
        let name = &self.tree.name;
        match &self.node {
            None => ExecError {
                at: None,
                message: format!("template: {name}: {msg}"),
                why: None,
            },
            Some((pos, key, kind)) => {
                let location = self.tree.location(*pos);
                let ctx = find_ctx(&self.tree.root, *key, *kind).unwrap_or_default();
                let col = location
                    .rsplit(':')
                    .next()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                ExecError {
                    at: Some((self.tree.parse_name.to_string(), pos.line, col)),
                    message: format!(
                        "template: {location}: executing {} at <{ctx}>: {msg}",
                        gofmt::quote(name)
                    ),
                    why: None,
                }
            }
        }
    }

    fn walk_list(&mut self, dot: &V, list: &[Node], out: &mut String) -> R<Flow> {
        for n in list {
            match self.walk(dot, n, out)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &V, node: &Node, out: &mut String) -> R<Flow> {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(pos, pipe) => {
                self.at(*pos, pipe.pos, Ctx::Pipe);
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(*pos, pipe.pos, Ctx::Pipe);
                    if v.is_unordered() {
                        return Err(self.error(funcs::UNORDERED));
                    }
                    if matches!(v, Value::Missing) {
                        self.no_values.push(NoValue {
                            location: self.tree.location(pipe.pos),
                            action: pipe.to_string(),
                            null: self.last_null,
                            included: self.included,
                        });
                    }
                    out.push_str(&gofmt::sprint_value(&v));
                    if value::take_cycle() {
                        return Err(self.error(CYCLE));
                    }
                }
            }
            Node::Control(pos, kind, pipe, list, else_list) => {
                let mark = self.vars.len();
                self.at(*pos, pipe.pos, Ctx::Pipe);
                let v = self.eval_pipeline(dot, pipe)?;
                let flow = match kind {
                    Control::If | Control::With => {
                        if v.truth() {
                            let d = if *kind == Control::With {
                                V::plain(v)
                            } else {
                                dot.clone()
                            };
                            self.walk_list(&d, list, out)?
                        } else if let Some(e) = else_list {
                            self.walk_list(dot, e, out)?
                        } else {
                            Flow::Normal
                        }
                    }
                    Control::Range => self.walk_range(dot, *pos, pipe, v, list, else_list, out)?,
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Template(pos, name, pipe) => {
                self.at(*pos, *pos, Ctx::Template);
                let Some(tree) = self.templates.get(name).cloned() else {
                    return Err(self.error(format!("template {} not defined", gofmt::quote(name))));
                };
                if self.depth >= MAX_DEPTH {
                    return Err(self.error(too_deep()));
                }
                let new_dot = match pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Value::Missing,
                };
                let mut sub = State::new(
                    self.templates,
                    self.missing,
                    tree,
                    new_dot,
                    self.depth + 1,
                    self.no_values,
                );
                sub.included = self.included;
                sub.run(out)?;
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_range(
        &mut self,
        dot: &V,
        pos: Pos,
        pipe: &Pipe,
        v: Value,
        list: &[Node],
        else_list: &Option<Vec<Node>>,
        out: &mut String,
    ) -> R<Flow> {
        let items: Vec<(Value, Value)> = match &v {
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) => l
                .iter()
                .enumerate()
                .map(|(i, e)| (Value::Int(i as i64), e.clone()))
                .collect(),
            Value::Map(m) | Value::StrMap(m) => m
                .borrow()
                .iter()
                .map(|(k, e)| (Value::str(k.as_str()), e.clone()))
                .collect(),
            Value::Missing | Value::Null | Value::NilMap => Vec::new(),
            Value::Unordered(..) => {
                self.at(pos, pipe.pos, Ctx::Pipe);
                return Err(self.error(format!("range: {}", funcs::UNORDERED)));
            }
            // Go 1.22 ranges over an integer: 0..n, one variable only.
            Value::Int(n) | Value::Int64(n) => {
                if pipe.decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {n} to iterate over more than one variable"
                    )));
                }
                let int64 = matches!(v, Value::Int64(_));
                (0..(*n).clamp(0, 1 << 24))
                    .map(|i| {
                        let e = if int64 {
                            Value::Int64(i)
                        } else {
                            Value::Int(i)
                        };
                        (Value::Missing, e)
                    })
                    .collect()
            }
            Value::Uint8(n) => {
                if pipe.decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {n} to iterate over more than one variable"
                    )));
                }
                (0..*n).map(|i| (Value::Missing, Value::Uint8(i))).collect()
            }
            // The error names the last node evaluated, as Go's does.
            other => {
                return Err(self.error(format!(
                    "range can't iterate over {}",
                    gofmt::sprint_value(other)
                )));
            }
        };
        let boxed = !matches!(
            v,
            Value::Strings(_)
                | Value::Typed(..)
                | Value::StrMap(_)
                | Value::Int(_)
                | Value::Int64(_)
                | Value::Uint8(_)
        );
        if items.is_empty() {
            if let Some(e) = else_list {
                return self.walk_list(dot, e, out);
            }
            return Ok(Flow::Normal);
        }
        let mark = self.vars.len();
        for (index, elem) in items {
            let elem = V { v: elem, boxed };
            let n = self.vars.len();
            if !pipe.decl.is_empty() {
                if pipe.is_assign {
                    let name = pipe.decl[0].clone();
                    if pipe.decl.len() > 1 {
                        self.set_var(&name, V::plain(index.clone()))?;
                        let name2 = pipe.decl[1].clone();
                        self.set_var(&name2, elem.clone())?;
                    } else {
                        self.set_var(&name, elem.clone())?;
                    }
                } else {
                    self.vars[n - 1].1 = elem.clone();
                    if pipe.decl.len() > 1 {
                        self.vars[n - 2].1 = V::plain(index);
                    }
                }
            }
            let flow = self.walk_list(&elem, list, out)?;
            self.vars.truncate(mark);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        Ok(Flow::Normal)
    }

    fn set_var(&mut self, name: &str, v: V) -> R<()> {
        for (n, val) in self.vars.iter_mut().rev() {
            if n == name {
                *val = v;
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn var_value(&self, name: &str) -> R<V> {
        for (n, val) in self.vars.iter().rev() {
            if n == name {
                return Ok(val.clone());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    /// Evaluates a pipeline; declarations push (`:=`) or assign (`=`) its value.
    pub(super) fn eval_pipeline(&mut self, dot: &V, pipe: &Pipe) -> R<Value> {
        self.at(pipe.pos, pipe.pos, Ctx::Pipe);
        let mut value: Option<Value> = None;
        self.last_null = false;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            self.last_null = matches!(v.v, Value::Null);
            value = Some(v.v.settle());
        }
        let value = value.unwrap_or(Value::Missing);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, V::plain(value.clone()))?;
            } else {
                self.vars.push((name.clone(), V::plain(value.clone())));
            }
        }
        Ok(value)
    }

    fn not_a_function(&mut self, args: &[Arg], final_: &Option<Value>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            return Err(self.error(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &V, cmd: &Cmd, final_: Option<Value>) -> R<V> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(pos, ids) => {
                self.at(*pos, *pos, Ctx::Arg);
                return self.eval_field_chain(dot, dot.clone(), first, ids, &cmd.args, final_);
            }
            Arg::Chain(_, node, ids) => {
                if matches!(**node, Arg::Nil(_)) {
                    return Err(self.error(format!("indirection through explicit nil in {first}")));
                }
                // Go evaluates the chained term with no parameter type: a nil result stays
                // the invalid value, whose fields are missing rather than an error.
                let recv = self.eval_arg(dot, Ty::RValue, node)?;
                return self.eval_field_chain(dot, V::plain(recv), first, ids, &cmd.args, final_);
            }
            Arg::Ident(pos, name) => {
                self.at(*pos, *pos, Ctx::Arg);
                return self.eval_function(dot, name, cmd, &cmd.args, final_);
            }
            Arg::Pipe(_, p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return Ok(V::plain(self.eval_pipeline(dot, p)?));
            }
            Arg::Variable(pos, name, ids) => {
                self.at(*pos, *pos, Ctx::Arg);
                let v = self.var_value(name)?;
                if ids.is_empty() {
                    self.not_a_function(&cmd.args, &final_)?;
                    return Ok(v);
                }
                return self.eval_field_chain(dot, v, first, ids, &cmd.args, final_);
            }
            _ => {}
        }
        self.at(first.pos(), first.pos(), Ctx::Arg);
        self.not_a_function(&cmd.args, &final_)?;
        Ok(match first {
            Arg::Bool(_, b) => V::plain(Value::Bool(*b)),
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => return Err(self.error("nil is not a command")),
            Arg::Number(_, n) => V::plain(self.ideal_constant(n)?),
            Arg::Str(_, _, s) => V::plain(Value::Str(s.clone())),
            _ => V::plain(Value::Missing),
        })
    }

    fn ideal_constant(&mut self, n: &super::parse::Number) -> R<Value> {
        if n.is_float_text() {
            return Ok(Value::Float(n.float.unwrap_or(0.0)));
        }
        match n.int {
            Some(i) => Ok(Value::Int(i)),
            None => Err(self.error(format!("{} overflows int", n.text))),
        }
    }

    fn eval_field_chain(
        &mut self,
        dot: &V,
        mut recv: V,
        node: &Arg,
        ids: &[String],
        args: &[Arg],
        final_: Option<Value>,
    ) -> R<V> {
        let n = ids.len();
        for id in &ids[..n - 1] {
            recv = self.eval_field(dot, id, node, &[], None, recv)?;
        }
        self.eval_field(dot, &ids[n - 1], node, args, final_, recv)
    }

    fn eval_field(
        &mut self,
        _dot: &V,
        name: &str,
        _node: &Arg,
        args: &[Arg],
        final_: Option<Value>,
        recv: V,
    ) -> R<V> {
        let type_name = if recv.boxed {
            "interface {}"
        } else {
            recv.v.type_name()
        };
        match &recv.v {
            Value::Missing => {
                if self.missing == MissingKey::Error {
                    return Err(self
                        .error(format!("nil data; no entry for key {}", gofmt::quote(name)))
                        .because(Why::MissingKey(name.to_string())));
                }
                Ok(V::plain(Value::Missing))
            }
            Value::Null => Err(self.error(format!("nil pointer evaluating interface {{}}.{name}"))),
            Value::Map(_) | Value::StrMap(_) | Value::NilMap => {
                // A `map[string]string` holds strings, not interfaces: its values are not
                // boxed, and its zero value is "". A nil map has no keys.
                let strs = matches!(recv.v, Value::StrMap(_));
                if args.len() > 1 || final_.is_some() {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                let found = match &recv.v {
                    Value::Map(m) | Value::StrMap(m) => m.borrow().get(name).cloned(),
                    _ => None,
                };
                match found {
                    Some(v) => Ok(V { v, boxed: !strs }),
                    None => match self.missing {
                        MissingKey::Default => Ok(V::plain(Value::Missing)),
                        MissingKey::Zero if strs => Ok(V::plain(Value::str(""))),
                        MissingKey::Zero => Ok(V {
                            v: Value::Null,
                            boxed: true,
                        }),
                        MissingKey::Error => Err(self
                            .error(format!("map has no entry for key {}", gofmt::quote(name)))
                            .because(Why::MissingKey(name.to_string()))),
                    },
                }
            }
            _ => Err(self.error(format!("can't evaluate field {name} in type {type_name}"))),
        }
    }

    fn eval_function(
        &mut self,
        dot: &V,
        name: &str,
        cmd: &Cmd,
        args: &[Arg],
        final_: Option<Value>,
    ) -> R<V> {
        let Some(sig) = funcs::signature(name) else {
            return Err(self.error(format!("{} is not a defined function", gofmt::quote(name))));
        };
        let args = &args[1..];
        let num_in = args.len() + usize::from(final_.is_some());
        let fixed = sig.params.len();
        if sig.variadic.is_some() {
            if num_in < fixed {
                return Err(self.error(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(self.error(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        // Builtin and/or evaluate lazily and stop at the first deciding operand.
        if name == "and" || name == "or" {
            let mut v = Value::Missing;
            for a in args {
                v = self.eval_arg(dot, Ty::RValue, a)?;
                if v.truth() == (name == "or") {
                    return Ok(V::plain(v));
                }
            }
            if let Some(f) = final_ {
                v = f;
            }
            return Ok(V::plain(v));
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in args.iter().enumerate() {
            let ty = sig
                .params
                .get(i)
                .copied()
                .or(sig.variadic)
                .unwrap_or(Ty::Any);
            argv.push(self.eval_arg(dot, ty, a)?);
        }
        if let Some(f) = final_ {
            let ty = if num_in - 1 < fixed {
                sig.params[num_in - 1]
            } else {
                sig.variadic.unwrap_or(Ty::Any)
            };
            argv.push(self.validate(f, false, ty)?);
        }
        if !funcs::order_free(name) && argv.iter().any(Value::is_unordered) {
            self.at(cmd.pos, cmd.pos, Ctx::Cmd);
            return Err(self.error(format!("error calling {name}: {}", funcs::UNORDERED)));
        }
        let result = funcs::call(self, name, argv);
        if value::take_cycle() {
            return Err(self.cycle_error(cmd.pos, name));
        }
        match result {
            Ok(v) => Ok(V::plain(v)),
            Err(e) => {
                self.at(cmd.pos, cmd.pos, Ctx::Cmd);
                Err(self.error(format!("error calling {name}: {e}")))
            }
        }
    }

    /// Go's `validateType`: a value given for a parameter of type `ty`.
    fn validate(&mut self, v: Value, boxed: bool, ty: Ty) -> R<Value> {
        let ok = match (ty, &v) {
            (Ty::Any, Value::Missing) => return Ok(Value::Null),
            (Ty::Any | Ty::RValue, _) => true,
            // Go's `reflect.Zero` of the map type: a nil map.
            (_, Value::Missing) if ty == Ty::Map => return Ok(Value::NilMap),
            (_, Value::Missing) => {
                return Err(self.error(format!("invalid value; expected {}", ty.go())));
            }
            (Ty::Str, Value::Str(_))
            | (Ty::Int, Value::Int(_))
            | (Ty::Bool, Value::Bool(_))
            | (Ty::Float, Value::Float(_))
            | (Ty::Map, Value::Map(_) | Value::NilMap) => true,
            _ => false,
        };
        if !ok {
            let _ = boxed;
            return Err(self.error(format!(
                "wrong type for value; expected {}; got {}",
                ty.go(),
                v.type_name()
            )));
        }
        Ok(v)
    }

    /// Go's `evalArg`: one operand for a parameter of type `ty`.
    fn eval_arg(&mut self, dot: &V, ty: Ty, a: &Arg) -> R<Value> {
        self.at(a.pos(), a.pos(), Ctx::Arg);
        let (v, boxed) = match a {
            Arg::Dot(_) => (dot.v.clone(), dot.boxed),
            Arg::Nil(_) => {
                return match ty {
                    Ty::Any | Ty::Map => Ok(Value::Null),
                    Ty::RValue => Ok(Value::Missing),
                    _ => Err(self.error(format!("cannot assign nil to {}", ty.go()))),
                };
            }
            Arg::Field(_, ids) => {
                let r =
                    self.eval_field_chain(dot, dot.clone(), a, ids, std::slice::from_ref(a), None)?;
                (r.v, r.boxed)
            }
            Arg::Variable(_, name, ids) => {
                let v = self.var_value(name)?;
                let r = if ids.is_empty() {
                    v
                } else {
                    self.eval_field_chain(dot, v, a, ids, &[], None)?
                };
                (r.v, r.boxed)
            }
            Arg::Pipe(_, p) => (self.eval_pipeline(dot, p)?, false),
            Arg::Ident(_, name) => {
                let cmd = Cmd {
                    pos: a.pos(),
                    args: vec![a.clone()],
                };
                let r = self.eval_function(dot, name, &cmd, std::slice::from_ref(a), None)?;
                (r.v, r.boxed)
            }
            Arg::Chain(_, node, ids) => {
                if matches!(**node, Arg::Nil(_)) {
                    return Err(self.error(format!("indirection through explicit nil in {a}")));
                }
                let recv = self.eval_arg(dot, Ty::RValue, node)?;
                let r = self.eval_field_chain(dot, V::plain(recv), a, ids, &[], None)?;
                (r.v, r.boxed)
            }
            Arg::Bool(_, b) => {
                return match ty {
                    Ty::Bool | Ty::Any | Ty::RValue => Ok(Value::Bool(*b)),
                    _ => self.literal_mismatch(ty, a),
                };
            }
            Arg::Str(_, _, s) => {
                return match ty {
                    Ty::Str | Ty::Any | Ty::RValue => Ok(Value::Str(s.clone())),
                    _ => self.literal_mismatch(ty, a),
                };
            }
            Arg::Number(_, n) => {
                return match ty {
                    Ty::Any | Ty::RValue => self.ideal_constant(n),
                    Ty::Int => match n.int {
                        Some(i) => Ok(Value::Int(i)),
                        None => Err(self.error(format!("expected integer; found {a}"))),
                    },
                    Ty::Float => match n.float {
                        Some(f) => Ok(Value::Float(f)),
                        None => Err(self.error(format!("expected float; found {a}"))),
                    },
                    _ => self.literal_mismatch(ty, a),
                };
            }
        };
        self.validate(v, boxed, ty)
    }

    fn literal_mismatch(&mut self, ty: Ty, a: &Arg) -> R<Value> {
        Err(self.error(match ty {
            Ty::Str => format!("expected string; found {a}"),
            Ty::Int => format!("expected integer; found {a}"),
            Ty::Float => format!("expected float; found {a}"),
            Ty::Bool => format!("expected bool; found {a}"),
            _ => format!("can't handle {a} for arg of type {}", ty.go()),
        }))
    }

    /// Runs a named template into a string (Helm-style `include`).
    pub(super) fn include(&mut self, name: &str, dot: Value) -> Result<String, String> {
        let Some(tree) = self.templates.get(name).cloned() else {
            return Err(format!(
                "template: no template {} associated with template {}",
                gofmt::quote(name),
                gofmt::quote("")
            ));
        };
        if self.depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        let mut out = String::new();
        // `ExecuteTemplate` takes dot through `reflect.ValueOf` of an `interface{}`: a nil
        // there (JSON null, or a missing key passed as nil) is the invalid value, whose
        // fields are `<no value>`, not a nil pointer to evaluate.
        let mut sub = State::new(
            self.templates,
            self.missing,
            tree,
            dot.settle(),
            self.depth + 1,
            self.no_values,
        );
        sub.included = true;
        sub.run(&mut out).map_err(|e| e.message)?;
        Ok(out)
    }
}

/// Which kind of node an error's context names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Pipe,
    Cmd,
    Arg,
    Template,
}

/// The text of the node of `kind` at `key` (Go's `node.String()`).
fn find_ctx(list: &[Node], key: Pos, kind: Ctx) -> Option<String> {
    fn in_pipe(p: &Pipe, key: Pos, kind: Ctx) -> Option<String> {
        if kind == Ctx::Pipe && p.pos == key {
            return Some(p.to_string());
        }
        for c in &p.cmds {
            if kind == Ctx::Cmd && c.pos == key {
                return Some(c.to_string());
            }
            for a in &c.args {
                if let Some(s) = in_arg(a, key, kind) {
                    return Some(s);
                }
            }
        }
        None
    }
    fn in_arg(a: &Arg, key: Pos, kind: Ctx) -> Option<String> {
        if kind == Ctx::Arg && a.pos() == key {
            return Some(a.to_string());
        }
        match a {
            Arg::Pipe(_, p) => in_pipe(p, key, kind),
            Arg::Chain(_, n, _) => in_arg(n, key, kind),
            _ => None,
        }
    }
    for n in list {
        let found = match n {
            Node::Action(_, p) => in_pipe(p, key, kind),
            Node::Control(_, _, p, l, e) => in_pipe(p, key, kind)
                .or_else(|| find_ctx(l, key, kind))
                .or_else(|| e.as_ref().and_then(|e| find_ctx(e, key, kind))),
            Node::Template(pos, name, p) => {
                if kind == Ctx::Template && *pos == key {
                    Some(template_context(name, p))
                } else {
                    p.as_ref().and_then(|p| in_pipe(p, key, kind))
                }
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn template_context(name: &str, pipe: &Option<Pipe>) -> String {
    match pipe {
        Some(p) => format!("{{{{template {} {p}}}}}", gofmt::quote(name)),
        None => format!("{{{{template {}}}}}", gofmt::quote(name)),
    }
}
