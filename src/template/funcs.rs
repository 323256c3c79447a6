//! The functions templates can call: Go's builtins (`and`, `or`, `not`, `len`, `index`,
//! `print*`, comparisons), the Sprig v3 functions job templates use, and the Helm-style
//! helpers the launcher adds (`include`, `toYaml`, `toJson`, `fromJson`, `mustFromJson`).
//! Each has its Go parameter types, which decide how `text/template` checks arguments.
//! Sources: Go `text/template/funcs.go`; Sprig v3.2.3 `functions.go`, `dict.go`, `list.go`,
//! `strings.go`, `numeric.go`, `defaults.go`; Helm `pkg/engine/funcs.go`.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::exec::State;
use super::gofmt;
use super::json;
use super::value::Value;
use super::yaml;

/// A Go parameter type, as far as argument checking needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`.
    Any,
    /// `reflect.Value` (Go builtins): the value as it is, even invalid.
    RValue,
    /// `string`.
    Str,
    /// `int`.
    Int,
    /// `bool`.
    Bool,
    /// `map[string]interface{}`.
    Map,
    /// `float64`.
    Float,
}

impl Ty {
    /// Go's name of the type.
    pub fn go(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::RValue => "reflect.Value",
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Bool => "bool",
            Ty::Map => "map[string]interface {}",
            Ty::Float => "float64",
        }
    }
}

/// A function's Go signature: fixed parameters, then the variadic element type.
pub struct Sig {
    /// Fixed parameters.
    pub params: &'static [Ty],
    /// The element type of a final `...` parameter.
    pub variadic: Option<Ty>,
}

const fn sig(params: &'static [Ty], variadic: Option<Ty>) -> Sig {
    Sig { params, variadic }
}

use Ty::*;

/// Writes [`signature`] and [`NAMES`] from one table, so the did-you-mean list cannot miss a
/// function the engine has.
macro_rules! functions {
    ($($($name:literal)|+ => $sig:expr,)*) => {
        /// The signature of a function jjo implements, by name.
        pub fn signature(name: &str) -> Option<Sig> {
            Some(match name {
                $($($name)|+ => $sig,)*
                _ => return None,
            })
        }

        /// The names of the functions jjo implements, in the order of [`signature`].
        pub const NAMES: &[&str] = &[$($($name,)+)*];
    };
}

functions! {
    // Go builtins.
    "and" | "or" => sig(&[RValue], Some(RValue)),
    "not" | "len" => sig(&[RValue], None),
    "index" => sig(&[RValue], Some(RValue)),
    "print" | "println" => sig(&[], Some(Any)),
    "printf" => sig(&[Str], Some(Any)),
    "eq" => sig(&[RValue], Some(RValue)),
    "ne" | "lt" | "le" | "gt" | "ge" => sig(&[RValue, RValue], None),
    // Helm-style helpers.
    "include" => sig(&[Str, Any], None),
    "toYaml" | "toJson" | "toPrettyJson" => sig(&[Any], None),
    "fromJson" | "mustFromJson" => sig(&[Str], None),
    // Sprig: strings.
    "toString" | "empty" | "deepCopy" | "first" | "last" | "rest" | "initial" | "toStrings"
    | "sortAlpha" | "uniq" | "compact" | "float64" | "int" | "int64" | "add1" | "kindOf"
    | "typeOf" => sig(&[Any], None),
    "default" => sig(&[Any], Some(Any)),
    "coalesce" | "list" | "dict" | "cat" | "quote" | "squote" | "concat" | "add" | "all"
    | "any" => sig(&[], Some(Any)),
    "ternary" => sig(&[Any, Any, Bool], None),
    "indent" | "nindent" | "repeat" | "trunc" => sig(&[Int, Str], None),
    "trim" | "upper" | "lower" | "title" | "b64enc" | "b64dec" | "nospace" | "atoi"
    | "fail" => sig(&[Str], None),
    "trimAll" | "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix"
    | "splitList" => sig(&[Str, Str], None),
    "replace" => sig(&[Str, Str, Str], None),
    "join" => sig(&[Str, Any], None),
    "append" | "push" | "prepend" | "has" => sig(&[Any, Any], None),
    "slice" => sig(&[Any], Some(Any)),
    "get" | "hasKey" | "unset" => sig(&[Map, Str], None),
    "set" => sig(&[Map, Str, Any], None),
    "keys" => sig(&[], Some(Map)),
    "merge" | "mergeOverwrite" => sig(&[Map], Some(Map)),
    "pick" | "omit" => sig(&[Map], Some(Str)),
    "sub" | "div" | "mod" => sig(&[Any, Any], None),
    "mul" | "max" | "min" | "addf" | "subf" | "mulf" | "divf" => sig(&[Any], Some(Any)),
    "kindIs" | "typeIs" | "typeIsLike" => sig(&[Str, Any], None),
    // Sprig, in sprig.rs.
    "abbrev" => sig(&[Int, Str], None),
    "abbrevboth" => sig(&[Int, Int, Str], None),
    "untitle" | "initials" | "b32enc" | "b32dec" | "sha1sum" | "sha256sum" | "sha512sum"
    | "adler32sum" | "base" | "dir" | "clean" | "ext" | "isAbs" | "osBase" | "osDir"
    | "osClean" | "osExt" | "osIsAbs" | "regexQuoteMeta" => sig(&[Str], None),
    "substr" => sig(&[Int, Int, Str], None),
    "plural" => sig(&[Str, Str, Int], None),
    "trimall" | "split" | "regexMatch" | "mustRegexMatch" | "regexFind" | "mustRegexFind" => sig(&[Str, Str], None),
    "splitn" => sig(&[Str, Int, Str], None),
    "until" => sig(&[Int], None),
    "untilStep" => sig(&[Int, Int, Int], None),
    "seq" => sig(&[], Some(Int)),
    "toDecimal" | "floor" | "ceil" | "add1f" | "reverse" | "mustReverse" => sig(&[Any], None),
    "values" => sig(&[Map], None),
    "maxf" | "minf" | "biggest" | "without" | "mustWithout" => sig(&[Any], Some(Any)),
    "round" => sig(&[Any, Int], Some(Float)),
    "tuple" | "dig" => sig(&[], Some(Any)),
    "chunk" | "mustChunk" => sig(&[Int, Any], None),
    "pluck" => sig(&[Str], Some(Map)),
    "deepEqual" => sig(&[Any, Any], None),
    "regexFindAll" | "mustRegexFindAll" | "regexSplit" | "mustRegexSplit" => sig(&[Str, Str, Int], None),
    "regexReplaceAll" | "mustRegexReplaceAll" | "regexReplaceAllLiteral"
    | "mustRegexReplaceAllLiteral" => sig(&[Str, Str, Str], None),
    // The must* list functions: the plain ones already fail (Go reports their panic).
    "mustFirst" | "mustLast" | "mustRest" | "mustInitial" | "mustUniq" | "mustCompact"
    | "mustDeepCopy" => sig(&[Any], None),
    "mustAppend" | "mustPush" | "mustPrepend" | "mustHas" => sig(&[Any, Any], None),
    "mustSlice" => sig(&[Any], Some(Any)),
    "mustMerge" | "mustMergeOverwrite" => sig(&[Map], Some(Map)),
    "hello" => sig(&[], None),
    "duration" | "durationRound" => sig(&[Any], None),
    "camelcase" | "snakecase" | "kebabcase" | "swapcase" => sig(&[Str], None),
    "wrap" => sig(&[Int, Str], None),
    "wrapWith" => sig(&[Int, Str, Str], None),
    "html" | "js" | "urlquery" => sig(&[], Some(Any)),
    "toRawJson" | "mustToJson" | "mustToPrettyJson" | "mustToRawJson" => sig(&[Any], None),
}

/// Every name in Sprig v3.3.0's `TxtFuncMap()` (`functions.go` `genericMap`, listed by
/// running it), so a test can require each to be implemented or refused with a reason.
pub const SPRIG_V3_3_0: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "camelcase",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "env",
    "expandenv",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "fromJson",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "getHostByName",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "indent",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "list",
    "lower",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustFromJson",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustPush",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "nindent",
    "nospace",
    "now",
    "omit",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "push",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toString",
    "toStrings",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
];

/// Functions a template may call that jjo refuses, each with why: Sprig v3.3.0's (and Helm's)
/// that jjo does not implement, and names often mistaken for Sprig's. A template calling one
/// gets an error saying so, never a wrong result.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "ago",
        "it reads the launcher host's clock, so what it prints changes from run to run and no golden file can hold it",
    ),
    (
        "date",
        "it formats a Go time.Time in the launcher host's time zone (or a named one): jjo models neither time.Time values nor the host's zone database, and given anything but a time or an int Sprig prints the current time",
    ),
    (
        "dateInZone",
        "it formats a Go time.Time in the launcher host's time zone (or a named one): jjo models neither time.Time values nor the host's zone database, and given anything but a time or an int Sprig prints the current time",
    ),
    (
        "dateModify",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "date_in_zone",
        "it formats a Go time.Time in the launcher host's time zone (or a named one): jjo models neither time.Time values nor the host's zone database, and given anything but a time or an int Sprig prints the current time",
    ),
    (
        "date_modify",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "htmlDate",
        "it formats a Go time.Time in the launcher host's time zone (or a named one): jjo models neither time.Time values nor the host's zone database, and given anything but a time or an int Sprig prints the current time",
    ),
    (
        "htmlDateInZone",
        "it formats a Go time.Time in the launcher host's time zone (or a named one): jjo models neither time.Time values nor the host's zone database, and given anything but a time or an int Sprig prints the current time",
    ),
    (
        "must_date_modify",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "mustDateModify",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "mustToDate",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "now",
        "it reads the launcher host's clock, so what it prints changes from run to run and no golden file can hold it",
    ),
    (
        "toDate",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "unixEpoch",
        "it makes or takes a Go time.Time (toDate parses in the launcher host's time zone), which jjo does not model: templates see only JSON values",
    ),
    (
        "env",
        "it reads the launcher process's environment, which jjo cannot know",
    ),
    (
        "expandenv",
        "it reads the launcher process's environment, which jjo cannot know",
    ),
    (
        "randAlpha",
        "its output is random, so no golden file can hold it",
    ),
    (
        "randAlphaNum",
        "its output is random, so no golden file can hold it",
    ),
    (
        "randAscii",
        "its output is random, so no golden file can hold it",
    ),
    (
        "randBytes",
        "its output is random, so no golden file can hold it",
    ),
    (
        "randInt",
        "its output is random, so no golden file can hold it",
    ),
    (
        "randNumeric",
        "its output is random, so no golden file can hold it",
    ),
    (
        "uuidv4",
        "its output is random, so no golden file can hold it",
    ),
    (
        "shuffle",
        "its output is random, so no golden file can hold it",
    ),
    (
        "bcrypt",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "buildCustomCert",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "decryptAES",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "derivePassword",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "encryptAES",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genCA",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genCAWithKey",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genPrivateKey",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genSelfSignedCert",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genSelfSignedCertWithKey",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genSignedCert",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "genSignedCertWithKey",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    (
        "htpasswd",
        "it makes keys, certificates or password hashes; not implemented in jjo",
    ),
    ("getHostByName", "it is a DNS lookup on the launcher's host"),
    (
        "tpl",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "required",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "fromYaml",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "fromYamlArray",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "fromJsonArray",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "toToml",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    (
        "lookup",
        "it is Helm's, not Sprig's, and no Posit source shows the launcher providing it",
    ),
    ("call", "a Go builtin jjo does not implement yet"),
    ("semver", "not yet implemented in jjo"),
    ("semverCompare", "not yet implemented in jjo"),
    ("urlJoin", "not yet implemented in jjo"),
    ("urlParse", "not yet implemented in jjo"),
    ("list2", "it is not a Sprig v3 function"),
    ("dictOf", "it is not a Sprig v3 function"),
    ("quoteAll", "it is not a Sprig v3 function"),
    ("sortedKeys", "it is not a Sprig v3 function"),
    ("ternaryf", "it is not a Sprig v3 function"),
    ("toInt", "it is not a Sprig v3 function"),
    ("sortAlpha2", "it is not a Sprig v3 function"),
];

/// The README's function table, made from [`NAMES`] and [`UNSUPPORTED`]: what templates
/// can call and, grouped by reason, what jjo refuses (a test keeps the README equal to it).
pub fn function_table() -> String {
    const GO: &[&str] = &[
        "and", "or", "not", "len", "index", "print", "println", "printf", "eq", "ne", "lt", "le",
        "gt", "ge", "html", "js", "urlquery",
    ];
    let code = |v: &[&str]| {
        v.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut sprig: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !GO.contains(n) && SPRIG_V3_3_0.contains(n))
        .collect();
    sprig.sort_unstable();
    let helm: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !GO.contains(n) && !SPRIG_V3_3_0.contains(n))
        .collect();
    let mut out = String::from("| functions | in jjo |\n|---|---|\n");
    out.push_str(&format!(
        "| {} | Go's builtins: as Go 1.26's `text/template` |\n",
        code(GO)
    ));
    out.push_str(&format!(
        "| {} | Helm's helpers the launcher's templates call |\n",
        code(&helm)
    ));
    out.push_str(&format!(
        "| {} | Sprig v3.3.0 ({} of its {}) |\n",
        code(&sprig),
        sprig.len(),
        SPRIG_V3_3_0.len()
    ));
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, why) in UNSUPPORTED {
        match reasons.iter_mut().find(|(w, _)| w == why) {
            Some((_, v)) => v.push(name),
            None => reasons.push((why, vec![name])),
        }
    }
    for (why, names) in reasons {
        out.push_str(&format!("| {} | refused: {why} |\n", code(&names)));
    }
    out
}

/// Why jjo refuses function `name`, if it does.
pub fn unsupported(name: &str) -> Option<&'static str> {
    UNSUPPORTED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

type F = Result<Value, String>;

/// The most text one `indent`, `nindent` or `repeat` may make (64 MiB): far beyond any Job,
/// and a bound on what a runaway template can make jjo allocate.
const MAX_OUTPUT: i64 = 64 << 20;

fn too_big(name: &str, size: i64) -> String {
    format!("`{name}` would make {size} bytes; jjo stops at {MAX_OUTPUT}")
}

/// Functions that cannot see the order of their arguments' elements, so may take a
/// [`Value::Unordered`] (the ones returning an argument as it is keep the mark).
pub(super) fn order_free(name: &str) -> bool {
    matches!(
        name,
        "sortAlpha"
            | "len"
            | "has"
            | "mustHas"
            | "empty"
            | "kindOf"
            | "kindIs"
            | "typeOf"
            | "typeIs"
            | "typeIsLike"
            | "not"
            | "default"
            | "coalesce"
            | "ternary"
            | "all"
            | "any"
            | "deepCopy"
            | "mustDeepCopy"
    )
}

/// What a template is told when it would show the random order of `keys`/`values`.
pub(super) const UNORDERED: &str = "the keys (or values) of a map with more than one key come out in Go's random order, so what this shows differs from run to run; sort them first: `keys $m | sortAlpha`";

/// Calls function `name` with checked arguments.
pub(super) fn call(st: &mut State<'_>, name: &str, a: Vec<Value>) -> F {
    // Sprig's list functions start with `reflect.TypeOf(list).Kind()`, a nil dereference
    // (reported by text/template as the runtime error) when the list is nil.
    let list_at = match name {
        "first" | "mustFirst" | "last" | "mustLast" | "rest" | "mustRest" | "initial"
        | "mustInitial" | "append" | "push" | "mustAppend" | "mustPush" | "prepend"
        | "mustPrepend" | "uniq" | "mustUniq" | "compact" | "mustCompact" | "slice"
        | "mustSlice" | "reverse" | "mustReverse" | "without" | "mustWithout" => Some(0),
        "chunk" | "mustChunk" => Some(1),
        "concat" => a.iter().position(|v| v.as_slice().is_none()),
        _ => None,
    };
    if list_at.is_some_and(|i| a.get(i).is_some_and(is_nil)) {
        return Err("runtime error: invalid memory address or nil pointer dereference".into());
    }
    if let Some(r) = super::sprig::call(name, &a) {
        return r;
    }
    let name = match name {
        "mustFirst" => "first",
        "mustLast" => "last",
        "mustRest" => "rest",
        "mustInitial" => "initial",
        "mustUniq" => "uniq",
        "mustCompact" => "compact",
        "mustDeepCopy" => "deepCopy",
        "mustAppend" | "mustPush" => "push",
        "mustPrepend" => "prepend",
        "mustHas" => "has",
        "mustSlice" => "slice",
        "mustMerge" => "merge",
        "mustMergeOverwrite" => "mergeOverwrite",
        n => n,
    };
    let s = |i: usize| -> Rc<str> {
        match &a[i] {
            Value::Str(s) => s.clone(),
            _ => Rc::from(""),
        }
    };
    let int = |i: usize| -> i64 {
        match &a[i] {
            Value::Int(n) | Value::Int64(n) => *n,
            _ => 0,
        }
    };
    let string = |v: String| Ok(Value::str(v));
    match name {
        "and" | "or" => unreachable_fn(),
        "not" => Ok(Value::Bool(!a[0].truth())),
        "len" => match &a[0] {
            Value::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
            Value::Null => Err("len of nil pointer".into()),
            Value::Str(s) => Ok(Value::Int(s.len() as i64)),
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
                Ok(Value::Int(l.len() as i64))
            }
            Value::Map(m) | Value::StrMap(m) => Ok(Value::Int(m.borrow().len() as i64)),
            Value::NilMap => Ok(Value::Int(0)),
            v => Err(format!("len of type {}", v.type_name())),
        },
        "index" => index(&a[0], &a[1..]),
        "print" => string(gofmt::sprint(&a)),
        "println" => string(gofmt::sprintln(&a)),
        "printf" => string(gofmt::sprintf_checked(&s(0), &a[1..])?),
        "eq" => eq(&a[0], &a[1..]).map(Value::Bool),
        "ne" => eq(&a[0], &a[1..2]).map(|b| Value::Bool(!b)),
        "lt" => lt(&a[0], &a[1]).map(Value::Bool),
        "le" => Ok(Value::Bool(lt(&a[0], &a[1])? || eq(&a[0], &a[1..2])?)),
        "gt" => Ok(Value::Bool(!(lt(&a[0], &a[1])? || eq(&a[0], &a[1..2])?))),
        "ge" => lt(&a[0], &a[1]).map(|b| Value::Bool(!b)),

        "include" => st.include(&s(0), a[1].clone()).map(Value::str),
        "toYaml" => string(yaml::to_yaml(&a[0]).unwrap_or_default()),
        "toJson" => string(yaml::to_json(&a[0]).unwrap_or_default()),
        "toPrettyJson" => string(yaml::to_pretty_json(&a[0]).unwrap_or_default()),
        // Sprig's (v3 defaults.go): any JSON value; `fromJson` drops the error, giving nil.
        "fromJson" => Ok(json::decode(&s(0)).unwrap_or(Value::Null)),
        "mustFromJson" => json::decode(&s(0)),

        "toString" => string(strval(&a[0])),
        "empty" => Ok(Value::Bool(!a[0].truth())),
        "default" => Ok(match a.get(1) {
            Some(g) if g.truth() => g.clone(),
            _ => a[0].clone(),
        }),
        "coalesce" => Ok(a.iter().find(|v| v.truth()).cloned().unwrap_or(Value::Null)),
        "all" => Ok(Value::Bool(a.iter().all(Value::truth))),
        "any" => Ok(Value::Bool(a.iter().any(Value::truth))),
        "ternary" => Ok(if a[2].truth() {
            a[0].clone()
        } else {
            a[1].clone()
        }),
        "quote" => string(
            a.iter()
                .filter(|v| !is_nil(v))
                .map(|v| gofmt::quote(&strval(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "squote" => string(
            a.iter()
                .filter(|v| !is_nil(v))
                .map(|v| format!("'{}'", strval(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "cat" => string(
            a.iter()
                .filter(|v| !is_nil(v))
                .map(|v| gofmt::sprint(std::slice::from_ref(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "indent" | "nindent" => {
            // Sprig's strings.Repeat(" ", n) panics on a negative count.
            if int(0) < 0 {
                return Err("strings: negative Repeat count".into());
            }
            let n = int(0);
            let lines = s(1).matches('\n').count() as i64 + 1;
            if n.saturating_mul(lines) > MAX_OUTPUT {
                return Err(too_big(name, n.saturating_mul(lines)));
            }
            let pad = indent(n, &s(1));
            string(if name == "nindent" {
                format!("\n{pad}")
            } else {
                pad
            })
        }
        "repeat" => {
            if int(0) < 0 {
                return Err("strings: negative Repeat count".into());
            }
            let size = int(0).saturating_mul(s(1).len() as i64);
            if size > MAX_OUTPUT {
                return Err(too_big(name, size));
            }
            string(s(1).repeat(int(0) as usize))
        }
        "trunc" => {
            // Sprig cuts bytes; a cut inside a UTF-8 character leaves an invalid byte, which
            // jjo writes as U+FFFD.
            let (c, t) = (int(0), s(1));
            let b = t.as_bytes();
            let n = b.len() as i64;
            let cut = if c < 0 && -c < n {
                &b[(n + c) as usize..]
            } else if c >= 0 && n > c {
                &b[..c as usize]
            } else {
                b
            };
            string(super::value::go_lossy(cut))
        }
        "trim" => string(s(0).trim_matches(is_go_space).to_string()),
        "upper" => string(super::unicase::upper_str(&s(0))),
        "lower" => string(super::unicase::lower_str(&s(0))),
        "title" => string(super::unicase::title_str(&s(0))),
        "nospace" => string(delete_white_space(&s(0))),
        "atoi" => Ok(Value::Int(s(0).parse().unwrap_or(0))),
        "fail" => Err(s(0).to_string()),
        "b64enc" => string(base64(s(0).as_bytes())),
        "b64dec" => string(match unbase64(&s(0)) {
            Ok(b) => decoded_text("b64dec", b)?,
            Err(at) => format!("illegal base64 data at input byte {at}"),
        }),
        "trimAll" => {
            let cut = s(0);
            string(s(1).trim_matches(|c| cut.contains(c)).to_string())
        }
        "trimPrefix" => string(s(1).strip_prefix(&*s(0)).unwrap_or(&s(1)).to_string()),
        "trimSuffix" => string(s(1).strip_suffix(&*s(0)).unwrap_or(&s(1)).to_string()),
        "contains" => Ok(Value::Bool(s(1).contains(&*s(0)))),
        "hasPrefix" => Ok(Value::Bool(s(1).starts_with(&*s(0)))),
        "hasSuffix" => Ok(Value::Bool(s(1).ends_with(&*s(0)))),
        "splitList" => {
            let (sep, orig) = (s(0), s(1));
            let parts: Vec<Value> = if sep.is_empty() {
                orig.chars().map(|c| Value::str(c.to_string())).collect()
            } else {
                orig.split(&*sep).map(Value::str).collect()
            };
            Ok(Value::Strings(Rc::new(parts)))
        }
        "replace" => string(s(2).replace(&*s(0), &s(1))),
        "join" => string(strslice(&a[1]).join(&*s(0))),
        "toStrings" => Ok(Value::Strings(Rc::new(
            strslice(&a[0]).into_iter().map(Value::str).collect(),
        ))),
        "sortAlpha" => {
            // Sprig sorts a list's strslice; anything else (nil too) is `[]string{strval(v)}`.
            let mut l = match a[0].as_slice() {
                Some(_) => strslice(&a[0]),
                None => vec![strval(&a[0])],
            };
            l.sort();
            Ok(Value::Strings(Rc::new(
                l.into_iter().map(Value::str).collect(),
            )))
        }

        "list" => Ok(Value::list(a.iter().map(nil_of).collect())),
        "append" | "push" => match a[0].as_slice() {
            Some(l) => {
                let mut v = l.to_vec();
                v.push(nil_of(&a[1]));
                Ok(Value::list(v))
            }
            None => Err(format!("Cannot push on type {}", kind_name(&a[0]))),
        },
        "prepend" => match a[0].as_slice() {
            Some(l) => {
                let mut v = vec![nil_of(&a[1])];
                v.extend(l.iter().cloned());
                Ok(Value::list(v))
            }
            None => Err(format!("Cannot prepend on type {}", kind_name(&a[0]))),
        },
        "concat" => {
            let mut v = Vec::new();
            for l in &a {
                match l.as_slice() {
                    Some(l) => v.extend(l.iter().cloned()),
                    None => return Err(format!("Cannot concat type {} as list", kind_name(l))),
                }
            }
            Ok(Value::list(v))
        }
        "first" | "last" | "rest" | "initial" => {
            let Some(l) = a[0].as_slice() else {
                return Err(format!("Cannot find {name} on type {}", kind_name(&a[0])));
            };
            // Sprig's rest/initial make a new []interface{} (a typed nil one from an empty
            // list, which still has its type); first/last of nothing are an untyped nil.
            if l.is_empty() {
                return Ok(match name {
                    "first" | "last" => Value::Null,
                    _ => Value::nil_list(),
                });
            }
            Ok(match name {
                "first" => l[0].clone(),
                "last" => l[l.len() - 1].clone(),
                "rest" => Value::list(l[1..].to_vec()),
                _ => Value::list(l[..l.len() - 1].to_vec()),
            })
        }
        "slice" => {
            let Some(l) = a[0].as_slice() else {
                return Err(format!(
                    "list should be type of slice or array but {}",
                    kind_name(&a[0])
                ));
            };
            if l.is_empty() {
                return Ok(Value::Null);
            }
            let start = a.get(1).map(to_int64).unwrap_or(0);
            let end = a.get(2).map(to_int64).unwrap_or(l.len() as i64);
            if start < 0 || end < start {
                return Err("reflect.Value.Slice: slice index out of bounds".into());
            }
            if end as usize > l.len() {
                // Go slices up to the capacity, not the length: a list decoded from JSON
                // has room to spare (append's growth: 5 elements, capacity 8), one made by
                // `list` none, and jjo keeps no capacity.
                return Err(format!(
                    "slice end {end} is past the list's length {}: Go accepts it up to the \
                     list's capacity, which depends on how Go built the list and jjo does not \
                     model; jjo refuses",
                    l.len()
                ));
            }
            let part = l[start as usize..end as usize].to_vec();
            Ok(match &a[0] {
                Value::Strings(_) => Value::Strings(Rc::new(part)),
                Value::Typed(_, t) => Value::Typed(Rc::new(part), t),
                _ => Value::list(part),
            })
        }
        "has" => match a[1].as_slice() {
            Some(l) => Ok(Value::Bool(l.iter().any(|e| deep_equal(e, &a[0])))),
            None if is_nil(&a[1]) => Ok(Value::Bool(false)),
            None => Err(format!("Cannot find has on type {}", kind_name(&a[1]))),
        },
        "uniq" => {
            let Some(l) = a[0].as_slice() else {
                return Err(format!("Cannot find uniq on type {}", kind_name(&a[0])));
            };
            let mut out: Vec<Value> = Vec::new();
            for e in l {
                if !out.iter().any(|o| deep_equal(o, e)) {
                    out.push(e.clone());
                }
            }
            Ok(Value::list(out))
        }
        "compact" => {
            let Some(l) = a[0].as_slice() else {
                return Err(format!("Cannot compact on type {}", kind_name(&a[0])));
            };
            Ok(Value::list(
                l.iter().filter(|e| e.truth()).cloned().collect(),
            ))
        }
        // copystructure.Copy(nil) asks reflect for the type of the zero Value, which panics.
        "deepCopy" if is_nil(&a[0]) => {
            Err("reflect: call of reflect.Value.Type on zero Value".into())
        }
        "deepCopy" => Ok(a[0].deep_copy()),

        "dict" => {
            let mut m = BTreeMap::new();
            let mut it = a.iter();
            while let Some(k) = it.next() {
                let v = it.next().map(nil_of).unwrap_or(Value::str(""));
                m.insert(strval(k), v);
            }
            Ok(Value::map(m))
        }
        "get" => Ok(match &a[0] {
            Value::Map(m) => m.borrow().get(&*s(1)).cloned().unwrap_or(Value::str("")),
            _ => Value::str(""),
        }),
        "hasKey" => Ok(Value::Bool(match &a[0] {
            Value::Map(m) => m.borrow().contains_key(&*s(1)),
            _ => false,
        })),
        "set" => match &a[0] {
            Value::Map(m) => {
                m.borrow_mut().insert(s(1).to_string(), nil_of(&a[2]));
                Ok(a[0].clone())
            }
            _ => Err("assignment to entry in nil map".into()),
        },
        "unset" => {
            if let Value::Map(m) = &a[0] {
                m.borrow_mut().remove(&*s(1));
            }
            Ok(a[0].clone())
        }
        "keys" => {
            let mut ks: Vec<Value> = Vec::new();
            for d in &a {
                if let Value::Map(m) = d {
                    ks.extend(m.borrow().keys().map(|k| Value::str(k.as_str())));
                }
            }
            // Go's map order is random: `keys` of more than one key is defined only up to
            // order, so it is marked and refused where the order would show.
            if ks.len() > 1 {
                ks.sort_by_key(strval);
                return Ok(Value::Unordered(Rc::new(ks), true));
            }
            Ok(Value::Strings(Rc::new(ks)))
        }
        "merge" | "mergeOverwrite" => {
            // A nil destination stays nil until mergo meets a map to merge: then it makes
            // a new one (`merge .missing .m` is a copy of .m's top level).
            let fresh;
            let dst = match &a[0] {
                Value::Map(dst) => dst,
                _ if a[1..].iter().any(|v| matches!(v, Value::Map(_))) => {
                    fresh = Value::map(BTreeMap::new());
                    let Value::Map(m) = &fresh else {
                        unreachable!("a map")
                    };
                    m
                }
                _ => return Ok(Value::NilMap),
            };
            for src in &a[1..] {
                if let Value::Map(src) = src {
                    if Rc::ptr_eq(dst, src) {
                        continue;
                    }
                    merge_into(dst, &src.borrow(), name == "mergeOverwrite");
                }
            }
            Ok(Value::Map(dst.clone()))
        }
        "pick" | "omit" => {
            let Value::Map(m) = &a[0] else {
                return Ok(Value::map(BTreeMap::new()));
            };
            let names: Vec<Rc<str>> = a[1..]
                .iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            let keep = name == "pick";
            Ok(Value::map(
                m.borrow()
                    .iter()
                    .filter(|(k, _)| names.iter().any(|n| **n == ***k) == keep)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ))
        }

        "add" => Ok(Value::Int64(
            a.iter().map(to_int64).fold(0i64, i64::wrapping_add),
        )),
        "add1" => Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1))),
        "sub" => Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1])))),
        "mul" => Ok(Value::Int64(
            a.iter().map(to_int64).fold(1i64, i64::wrapping_mul),
        )),
        "div" | "mod" => {
            let d = to_int64(&a[1]);
            if d == 0 {
                return Err("runtime error: integer divide by zero".into());
            }
            let n = to_int64(&a[0]);
            Ok(Value::Int64(if name == "div" {
                n.wrapping_div(d)
            } else {
                n.wrapping_rem(d)
            }))
        }
        "max" => Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0))),
        "min" => Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0))),
        "addf" | "subf" | "mulf" | "divf" => decimal_op(name, &a),
        "float64" => Ok(Value::Float(to_float64(&a[0]))),
        "int" => Ok(Value::Int(to_int64(&a[0]))),
        "int64" => Ok(Value::Int64(to_int64(&a[0]))),
        "kindOf" => string(kind_name(&a[0]).to_string()),
        "typeOf" => string(match &a[0] {
            Value::Missing | Value::Null => "<nil>".to_string(),
            v => v.type_name().to_string(),
        }),
        "kindIs" => Ok(Value::Bool(kind_name(&a[1]) == &*s(0))),
        "typeIs" => Ok(Value::Bool(a[1].type_name() == &*s(0))),
        _ => Err(format!("function {} not implemented", gofmt::quote(name))),
    }
}

fn unreachable_fn() -> F {
    Err("and/or are evaluated by the executor".into())
}

fn is_nil(v: &Value) -> bool {
    matches!(v, Value::Missing | Value::Null)
}

/// text/template's `isNil` (funcs.go): the invalid value, or a nil of a nillable kind, which
/// here also takes in the nil `[]string` of [`Value::nil_strings`].
fn is_nil_or_nil_slice(v: &Value) -> bool {
    is_nil(v) || v.is_nil_slice() || matches!(v, Value::NilMap)
}

/// An argument stored into a collection: an absent value is a nil interface there.
fn nil_of(v: &Value) -> Value {
    match v {
        Value::Missing => Value::Null,
        v => v.clone(),
    }
}

/// Decoded bytes as a string: Go keeps bytes that are not UTF-8 as they are and prints
/// them (`%q` as `\xf4`); jjo's strings are text, so it refuses rather than print others.
pub(super) fn decoded_text(name: &str, b: Vec<u8>) -> Result<String, String> {
    String::from_utf8(b).map_err(|e| {
        format!(
            "`{name}` decoded bytes that are not UTF-8 text (byte {}): jjo refuses, as it holds \
             strings as text and cannot keep the raw bytes Go would write",
            e.utf8_error().valid_up_to()
        )
    })
}

/// goutils' `DeleteWhiteSpace` (Sprig's `nospace`), which walks bytes, each taken as the
/// character of that number: when it removes anything, a non-ASCII character comes back as
/// its bytes read as Latin-1 (`ß` as `Ã\u{9f}`) and bytes 0x85 and 0xA0 vanish as spaces;
/// when it removes nothing the string is returned as it was.
fn delete_white_space(t: &str) -> String {
    let kept: String = t
        .bytes()
        .map(char::from)
        .filter(|&c| !is_go_space(c))
        .collect();
    if kept.chars().count() == t.len() {
        t.to_string()
    } else {
        kept
    }
}

/// Go's `unicode.IsSpace`.
pub(super) fn is_go_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{85}' || c == '\u{a0}'
}

/// Go's `reflect.Kind` name of a value (Sprig `kindOf`, list errors).
pub(super) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Missing | Value::Null => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Uint8(_) => "uint8",
        Value::Float(_) => "float64",
        Value::Str(_) => "string",
        Value::List(_) | Value::Strings(_) | Value::Typed(..) | Value::Unordered(..) => "slice",
        Value::Map(_) | Value::StrMap(_) | Value::NilMap => "map",
    }
}

/// Sprig's `strval`: a string as is, anything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Missing | Value::Null => "<nil>".into(),
        v => gofmt::sprint(std::slice::from_ref(v)),
    }
}

/// Sprig's `strslice`: the elements of a list as strings (nil elements dropped).
fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, true) => {
            l.iter().map(strval).collect()
        }
        Value::Unordered(l, false) => l.iter().filter(|e| !is_nil(e)).map(strval).collect(),
        Value::List(l) => l.iter().filter(|e| !is_nil(e)).map(strval).collect(),
        Value::Missing | Value::Null => Vec::new(),
        v => vec![strval(v)],
    }
}

fn indent(n: i64, s: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// `cast.ToInt64` (spf13/cast v1.7.0, as Sprig v3.3.0 uses it): numbers truncate, strings
/// parse as Go integers (`0x`, `0o`, `0b`, leading-0 octal, `_` between digits) after a
/// trailing `.0...` is cut (`"1.0"` is 1), bools are 0 or 1, anything else is 0.
pub(super) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(b) => i64::from(*b),
        Value::Float(f) => go_f64_to_i64(*f),
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => super::strconv::parse_int0(trim_zero_decimal(s)).unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value (the smallest
/// int64) for NaN and anything out of range, where Rust's `as` saturates.
pub(super) fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(i64::MIN as f64..-(i64::MIN as f64)).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// spf13/cast's `trimZeroDecimal`: `"12.00"` is `"12"`; anything else as it is.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' if found_zero => return &s[..i - 1],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToFloat64`: numbers convert, strings parse as Go floats (`Inf`, `NaN`, `0x1p3`,
/// `1_000.5`; out of range is 0 as cast reports an error), anything else is 0.
pub(super) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(b) => f64::from(*b),
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) => super::strconv::parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Sprig's float arithmetic goes through `shopspring/decimal` (`NewFromFloat` keeps the
/// shortest decimal of each operand), so `mulf 0.1 3` is 0.3, not 0.30000000000000004.
pub(super) fn decimal_op(name: &str, a: &[Value]) -> F {
    // decimal.NewFromFloat panics on NaN and the infinities, operand by operand.
    let finite = |f: f64| {
        if f.is_finite() {
            Ok(f)
        } else {
            Err(format!(
                "Cannot create a Decimal from {}",
                gofmt::float_v(f)
            ))
        }
    };
    let mut acc = Dec::from_f64(finite(to_float64(&a[0]))?);
    for v in &a[1..] {
        let d = Dec::from_f64(finite(to_float64(v))?);
        acc = match name {
            "addf" => acc.add(&d),
            "subf" => acc.add(&d.neg()),
            "mulf" => acc.mul(&d),
            _ => {
                if d.m == 0 {
                    return Err("decimal division by 0".into());
                }
                acc.div(&d)
            }
        };
        if acc.overflow {
            return Ok(Value::Float(match name {
                "addf" => to_float64(&a[0]) + to_float64(v),
                "subf" => to_float64(&a[0]) - to_float64(v),
                "mulf" => to_float64(&a[0]) * to_float64(v),
                _ => to_float64(&a[0]) / to_float64(v),
            }));
        }
    }
    Ok(Value::Float(acc.to_f64()))
}

/// A small exact decimal: `m × 10^e`.
struct Dec {
    m: i128,
    e: i32,
    overflow: bool,
}

impl Dec {
    fn from_f64(f: f64) -> Dec {
        let s = format!("{:e}", f);
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let neg = mant.starts_with('-');
        let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
        let m: i128 = digits.parse().unwrap_or(0);
        let e = exp - (digits.len() as i32 - 1);
        Dec {
            m: if neg { -m } else { m },
            e,
            overflow: !f.is_finite(),
        }
    }
    fn neg(&self) -> Dec {
        Dec {
            m: -self.m,
            e: self.e,
            overflow: self.overflow,
        }
    }
    fn add(&self, o: &Dec) -> Dec {
        let e = self.e.min(o.e);
        let scale = |d: &Dec| {
            10i128
                .checked_pow((d.e - e) as u32)
                .and_then(|p| d.m.checked_mul(p))
        };
        match (scale(self), scale(o)) {
            (Some(a), Some(b)) => match a.checked_add(b) {
                Some(m) => Dec {
                    m,
                    e,
                    overflow: self.overflow || o.overflow,
                },
                None => Dec {
                    m: 0,
                    e: 0,
                    overflow: true,
                },
            },
            _ => Dec {
                m: 0,
                e: 0,
                overflow: true,
            },
        }
    }
    fn mul(&self, o: &Dec) -> Dec {
        match self.m.checked_mul(o.m) {
            Some(m) => Dec {
                m,
                e: self.e + o.e,
                overflow: self.overflow || o.overflow,
            },
            None => Dec {
                m: 0,
                e: 0,
                overflow: true,
            },
        }
    }
    /// shopspring/decimal's `Div`: the quotient rounded half away from zero to
    /// `DivisionPrecision` (16) decimal places, so `divf 2 3` is 0.6666666666666667.
    fn div(&self, o: &Dec) -> Dec {
        const PREC: i32 = 16;
        let k = self.e - o.e + PREC;
        let pow = |n: i32| 10i128.checked_pow(n as u32);
        let (num, den) = if k >= 0 {
            (pow(k).and_then(|p| self.m.checked_mul(p)), Some(o.m))
        } else {
            (Some(self.m), pow(-k).and_then(|p| o.m.checked_mul(p)))
        };
        let (Some(num), Some(den)) = (num, den) else {
            return Dec {
                m: 0,
                e: 0,
                overflow: true,
            };
        };
        let mut q = num / den;
        let r = num % den;
        if r.unsigned_abs() * 2 >= den.unsigned_abs() {
            q += if (num < 0) != (den < 0) { -1 } else { 1 };
        }
        Dec {
            m: q,
            e: -PREC,
            overflow: self.overflow || o.overflow,
        }
    }
    fn to_f64(&self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }
}

/// Go's builtin `index` (Go 1.26 funcs.go): lists, strings (a byte, as a number) and maps.
fn index(item: &Value, idx: &[Value]) -> F {
    if is_nil(item) {
        return Err("index of untyped nil".into());
    }
    let mut cur = item.clone();
    for i in idx {
        let slot = |len: usize| -> Result<usize, String> {
            let n = match i {
                Value::Int(n) | Value::Int64(n) => *n,
                Value::Uint8(n) => i64::from(*n),
                Value::Missing | Value::Null => {
                    return Err("cannot index slice/array with nil".into());
                }
                v => {
                    return Err(format!(
                        "cannot index slice/array with type {}",
                        v.type_name()
                    ));
                }
            };
            if n < 0 || n as usize > len {
                return Err(format!("index out of range: {n}"));
            }
            Ok(n as usize)
        };
        cur = match &cur {
            Value::Missing | Value::Null => return Err("index of nil pointer".into()),
            Value::List(l) | Value::Strings(l) | Value::Typed(l, _) | Value::Unordered(l, _) => {
                let n = slot(l.len())?;
                match l.get(n) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Str(t) => {
                let n = slot(t.len())?;
                match t.as_bytes().get(n) {
                    Some(b) => Value::Uint8(*b),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            // A nil map has every key, holding the zero value (a nil interface).
            Value::NilMap => match i {
                Value::Str(_) => Value::Null,
                Value::Missing | Value::Null => {
                    return Err("value is nil; should be of type string".into());
                }
                v => {
                    return Err(format!(
                        "value has type {}; should be string",
                        v.type_name()
                    ));
                }
            },
            Value::Map(m) | Value::StrMap(m) => match i {
                // A missing key is the zero value of the map's element type.
                Value::Str(k) => m.borrow().get(&**k).cloned().unwrap_or_else(|| {
                    if matches!(cur, Value::StrMap(_)) {
                        Value::str("")
                    } else {
                        Value::Null
                    }
                }),
                Value::Missing | Value::Null => {
                    return Err("value is nil; should be of type string".into());
                }
                v => {
                    return Err(format!(
                        "value has type {}; should be string",
                        v.type_name()
                    ));
                }
            },
            v => return Err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(cur)
}

#[derive(PartialEq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        // Go keeps int and uint kinds apart but compares them by value (eq, lt), which is
        // all one kind here gives; the only unsigned value is `index`'s uint8.
        Value::Int(_) | Value::Int64(_) | Value::Uint8(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::Str,
        _ => Kind::Invalid,
    }
}

/// Go's `reflect.Kind` of a value after `indirectInterface`, for `eq`'s `canCompare`.
fn reflect_kind(v: &Value) -> u8 {
    match v {
        Value::Missing | Value::Null => 0,
        Value::List(_) | Value::Strings(_) | Value::Typed(..) | Value::Unordered(..) => 1,
        Value::Map(_) | Value::StrMap(_) | Value::NilMap => 2,
        _ => 3,
    }
}

/// Go's builtin `eq` (text/template/funcs.go, Go 1.26): true when the first operand equals
/// any other; a nil operand (or nil slice) equals only nil, and non-nil lists and maps cannot be compared.
fn eq(a: &Value, others: &[Value]) -> Result<bool, String> {
    if others.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for b in others {
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            if !is_nil(a) && !is_nil(b) {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    a.type_name(),
                    b.type_name()
                ));
            }
            false
        } else {
            match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (x, y) if k1 == Kind::Int => to_int64(x) == to_int64(y),
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::Str(x), Value::Str(y)) => x == y,
                _ => {
                    let (ka, kb) = (reflect_kind(a), reflect_kind(b));
                    if ka != kb && ka != 0 && kb != 0 {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(a)),
                            a.type_name(),
                            b.type_name(),
                            gofmt::sprint_value(b)
                        ));
                    }
                    // Go's `isNil` here is not `IsValid`: a nil slice (a regexp function
                    // that matched nothing) is nil too, so it equals nil and any other nil
                    // slice, and is merely unequal to a non-nil list instead of an error.
                    let (na, nb) = (is_nil_or_nil_slice(a), is_nil_or_nil_slice(b));
                    if na || nb {
                        na == nb
                    } else {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(b)),
                            b.type_name()
                        ));
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's builtin `lt`.
fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        ));
    }
    Ok(match (a, b) {
        (Value::Bool(_), _) => return Err("invalid type for comparison".into()),
        (x, y) if k1 == Kind::Int => to_int64(x) < to_int64(y),
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Str(x), Value::Str(y)) => x < y,
        _ => false,
    })
}

/// `reflect.DeepEqual` on template values (Sprig `has`, `uniq`).
pub(super) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_seen(a, b, &mut Vec::new())
}

/// [`deep_equal`] with the pairs of maps already compared: as `reflect.DeepEqual` does, a
/// pair met again counts as equal, so maps that contain themselves compare in finite time.
fn deep_equal_seen(a: &Value, b: &Value, seen: &mut Vec<(*const (), *const ())>) -> bool {
    match (a, b) {
        (Value::Missing | Value::Null, Value::Missing | Value::Null) => true,
        (Value::NilMap, Value::NilMap) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y))
        | (Value::Strings(x), Value::Strings(y))
        | (Value::Typed(x, _), Value::Typed(y, _))
            if a.type_name() == b.type_name() =>
        {
            // A nil slice is deeply equal only to a nil slice, not to an empty one.
            a.is_nil_slice() == b.is_nil_slice()
                && x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(a, b)| deep_equal_seen(a, b, seen))
        }
        (Value::Map(x), Value::Map(y)) | (Value::StrMap(x), Value::StrMap(y)) => {
            let (px, py) = (Rc::as_ptr(x).cast::<()>(), Rc::as_ptr(y).cast::<()>());
            if px == py {
                return true;
            }
            let pair = if px < py { (px, py) } else { (py, px) };
            if seen.contains(&pair) {
                return true;
            }
            seen.push(pair);
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal_seen(v, w, seen)))
        }
        _ => false,
    }
}

/// `mergo.Merge(dst, src)` as Sprig calls it, in place: a map meets a non-empty map by
/// merging into it; otherwise `mergeOverwrite` sets every key (empty values too) and
/// `merge` only fills keys that are missing or empty.
fn merge_into(dst: &super::value::MapRef, src: &BTreeMap<String, Value>, overwrite: bool) {
    for (k, sv) in src {
        // mergo takes a nil interface in the source only when overwriting: `merge` leaves
        // the key as it is, even absent.
        if matches!(sv, Value::Null | Value::Missing) {
            if overwrite {
                dst.borrow_mut().insert(k.clone(), Value::Null);
            }
            continue;
        }
        let dv = dst.borrow().get(k).cloned();
        if let (Value::Map(sm), Some(Value::Map(dm))) = (sv, &dv)
            && !dm.borrow().is_empty()
        {
            if !Rc::ptr_eq(sm, dm) {
                let sm = sm.borrow().clone();
                // Maps that contain themselves would merge without end: noted, refused.
                let _ = super::value::inside(dm, true, || merge_into(dm, &sm, overwrite));
            }
            continue;
        }
        let dst_empty = dv.as_ref().is_none_or(|d| !d.truth());
        if overwrite || dst_empty {
            if !overwrite && !sv.truth() && dv.is_some() {
                continue;
            }
            dst.borrow_mut().insert(k.clone(), sv.clone());
        }
    }
}

fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, CR and LF skipped, and the
/// error's offset as Go's `CorruptInputError` gives it.
fn unbase64(s: &str) -> Result<Vec<u8>, usize> {
    let src = s.as_bytes();
    let val = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let skip_nl = |mut si: usize| {
        while si < src.len() && matches!(src[si], b'\n' | b'\r') {
            si += 1;
        }
        si
    };
    let mut out = Vec::new();
    let mut si = 0;
    loop {
        let mut d = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                d[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                si = skip_nl(si);
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            si = skip_nl(si);
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            end = true;
            break;
        }
        let v = (d[0] << 18) | (d[1] << 12) | (d[2] << 6) | d[3];
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if end {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sprig_function_is_implemented_or_refused_with_a_reason() {
        for name in SPRIG_V3_3_0 {
            let has = signature(name).is_some();
            let refused = unsupported(name).is_some();
            assert!(
                has || refused,
                "Sprig's `{name}` is neither implemented nor refused"
            );
            assert!(
                !(has && refused),
                "`{name}` is both implemented and refused"
            );
        }
        for (name, _) in UNSUPPORTED {
            assert!(
                signature(name).is_none(),
                "`{name}` is implemented and refused"
            );
        }
    }

    /// The README's function table is [`function_table`]'s; `JJO_BLESS=1` rewrites it.
    #[test]
    fn the_readme_function_table_is_made_from_the_function_tables() {
        const BEGIN: &str = "<!-- function table: made from src/template/funcs.rs, `JJO_BLESS=1 cargo test --lib template::funcs` rewrites it -->\n";
        const END: &str = "<!-- end of function table -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let start = readme
            .find(BEGIN)
            .expect("README has the function table's begin marker");
        let body = start + BEGIN.len();
        let end = body + readme[body..].find(END).expect("README has its end marker");
        let want = function_table();
        if readme[body..end] != want {
            if std::env::var("JJO_BLESS").is_ok_and(|v| v == "1") {
                let text = format!("{}{want}{}", &readme[..body], &readme[end..]);
                std::fs::write(&path, text).expect("write README.md");
                return;
            }
            panic!(
                "README.md's function table differs from src/template/funcs.rs; run \
                 `JJO_BLESS=1 cargo test --lib template::funcs` to rewrite it. Expected:\n{want}"
            );
        }
    }
}
