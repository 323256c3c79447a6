//! Template values: the dynamic types a Go template sees when its data is decoded JSON
//! (`encoding/json` into `interface{}`) plus what the template and Sprig make.
//!
//! Maps are shared by reference, as Go maps are: Sprig's `set` and `mergeOverwrite` change a
//! map in place and every variable holding it sees the change (Posit's job.tpl 2.5.0 relies on
//! it). Keys are kept sorted, which is the order `range`, `fmt` and `encoding/json` use.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A map shared by reference (Go's `map[string]interface{}`).
pub type MapRef = Rc<RefCell<BTreeMap<String, Value>>>;

/// Go's string of bytes as text: each byte that is not part of valid UTF-8 becomes one
/// U+FFFD, as `encoding/json` and `range` over a string see it (Rust's `from_utf8_lossy`
/// writes one per broken sequence).
pub fn go_lossy(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('\u{fffd}', chunk.invalid().len()));
    }
    out
}

/// How deep a walk goes into maps before it starts to remember them: as encoding/json's
/// `startDetectingCyclesAfter`, so that ordinary values pay one counter per map. A map that
/// contains itself makes the walk endless, and so still meets itself past this depth.
const TRACK_AFTER: usize = 100;

thread_local! {
    /// How many maps deep the current recursive walk is.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The maps a recursive walk (printing, JSON, YAML, copying, merging) is inside below
    /// [`TRACK_AFTER`], to find a map that contains itself (`set $m "k" $m`): only maps can
    /// make a cycle, as only they change after they are made.
    static WALKING: RefCell<Vec<*const ()>> = const { RefCell::new(Vec::new()) };
    /// Whether a walk that cannot fail met such a cycle since [`take_cycle`] last looked.
    static CYCLE: Cell<bool> = const { Cell::new(false) };
}

/// Leaves the walk's map when its part of the walk ends, even by an early return.
struct Inside {
    pushed: bool,
}

impl Drop for Inside {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
        if self.pushed {
            WALKING.with(|w| w.borrow_mut().pop());
        }
    }
}

/// Runs `f` for map `m` in a recursive walk, or returns `None` when the walk is already
/// inside `m` (the map contains itself, and the walk would never end). `note` records the
/// cycle for [`take_cycle`], for walks that cannot return an error themselves.
pub fn inside<T>(m: &MapRef, note: bool, f: impl FnOnce() -> T) -> Option<T> {
    let depth = DEPTH.with(|d| d.get());
    let pushed = depth >= TRACK_AFTER;
    if pushed {
        let p = Rc::as_ptr(m).cast::<()>();
        if WALKING.with(|w| w.borrow().contains(&p)) {
            if note {
                CYCLE.with(|c| c.set(true));
            }
            return None;
        }
        WALKING.with(|w| w.borrow_mut().push(p));
    }
    DEPTH.with(|d| d.set(depth + 1));
    let _leave = Inside { pushed };
    Some(f())
}

/// Whether a walk met a map that contains itself since the last call (and forgets it).
pub fn take_cycle() -> bool {
    CYCLE.with(|c| c.replace(false))
}

thread_local! {
    /// The one list that stands for a nil slice, a `[]string` (what Go's regexp functions
    /// return when nothing matches) or a `[]interface{}` (Sprig's `rest` of nothing): it
    /// prints `[]` but is JSON and YAML `null`.
    static NIL_STRINGS: Rc<Vec<Value>> = Rc::new(Vec::new());
}

/// One template value.
#[derive(Clone, Debug)]
pub enum Value {
    /// Go's invalid `reflect.Value`: a missing map key or an untyped nil; prints `<no value>`.
    Missing,
    /// A nil `interface{}` stored in data (JSON `null`); prints `<nil>` inside collections.
    Null,
    /// `bool`.
    Bool(bool),
    /// `int` (template integer constants, `len`).
    Int(i64),
    /// `int64` (Sprig arithmetic).
    Int64(i64),
    /// `uint8` (a byte: `index` of a string).
    Uint8(u8),
    /// `float64` (every JSON number, float constants, Sprig float functions).
    Float(f64),
    /// `string`.
    Str(Rc<str>),
    /// `[]interface{}` (JSON arrays, Sprig `list`).
    List(Rc<Vec<Value>>),
    /// `[]string` (Sprig `splitList`, `keys`): differs from a list only in its type name.
    Strings(Rc<Vec<Value>>),
    /// A slice of another Go type, named (`[]int` of Sprig `until`, `[][]interface {}` of
    /// `chunk`): it differs from a list only in its type name.
    Typed(Rc<Vec<Value>>, &'static str),
    /// `map[string]interface{}`.
    Map(MapRef),
    /// A nil `map[string]interface{}`: what a map parameter given nothing holds (Go's
    /// `reflect.Zero`), and what `unset` or `merge` of it return. It reads as empty, prints
    /// `map[]`, is JSON `null`, and `set` on it fails.
    NilMap,
    /// `map[string]string` (Sprig `split`, `splitn`): no function changes it (`set`, `merge`
    /// and the other map functions take only a `map[string]interface{}`), and a missing key
    /// is `""`, not nil, to `index`.
    StrMap(MapRef),
    /// Sprig `keys` (`[]string`) or `values` (`[]interface{}`) of more than one element: Go
    /// builds them from a map in random order, so only what cannot see the order (`len`,
    /// `has`, `sortAlpha`, ...) may use them (kept here in sorted order).
    Unordered(Rc<Vec<Value>>, bool),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A nil `[]interface{}` (Sprig's `rest` and `initial` of an empty list).
    pub fn nil_list() -> Value {
        Value::List(NIL_STRINGS.with(Rc::clone))
    }

    /// A nil `[]string`.
    pub fn nil_strings() -> Value {
        Value::Strings(NIL_STRINGS.with(Rc::clone))
    }

    /// Whether this is the nil `[]string` of [`Value::nil_strings`].
    pub fn is_nil_slice(&self) -> bool {
        match self {
            Value::Strings(l) => l.is_empty() && NIL_STRINGS.with(|n| Rc::ptr_eq(n, l)),
            Value::List(l) => l.is_empty() && NIL_STRINGS.with(|n| Rc::ptr_eq(n, l)),
            _ => false,
        }
    }

    /// A fresh map value.
    pub fn map(m: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }

    /// A list value.
    pub fn list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(v))
    }

    /// Go's type name, as `text/template` writes it in its errors.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Missing => "<nil>",
            Value::Null => "interface {}",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint8(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Strings(_) | Value::Unordered(_, true) => "[]string",
            Value::Typed(_, t) => t,
            Value::Unordered(_, false) => "[]interface {}",
            Value::Map(_) | Value::NilMap => "map[string]interface {}",
            Value::StrMap(_) => "map[string]string",
        }
    }

    /// Go's `truth`: empty values (false, 0, "", empty list or map, nil) are false.
    pub fn truth(&self) -> bool {
        match self {
            Value::Missing | Value::Null | Value::NilMap => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint8(b) => *b != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
                !l.is_empty()
            }
            Value::Map(m) | Value::StrMap(m) => !m.borrow().is_empty(),
        }
    }

    /// The elements of a list value.
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
                Some(l)
            }
            _ => None,
        }
    }

    /// Whether the value is in an order Go does not fix (see [`Value::Unordered`]).
    pub fn is_unordered(&self) -> bool {
        matches!(self, Value::Unordered(..))
    }

    /// Go's "lovely" pipeline rule: a nil interface result becomes the invalid value.
    pub fn settle(self) -> Value {
        match self {
            Value::Null => Value::Missing,
            v => v,
        }
    }

    /// Deep copy (for Sprig `deepCopy`): maps are no longer shared.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::Map(m) => inside(m, true, || {
                Value::map(
                    m.borrow()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.deep_copy()))
                        .collect(),
                )
            })
            .unwrap_or(Value::Missing),
            Value::List(l) => Value::list(l.iter().map(Value::deep_copy).collect()),
            v => v.clone(),
        }
    }

    /// The value of decoded JSON, as `encoding/json` gives it (every number a `float64`).
    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::str(s.as_str()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}
