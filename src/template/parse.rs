//! The parser of Go's `text/template` (as of Go 1.19, the toolchain of the
//! reference program): delimiters with trim markers, comments, pipelines, declarations and
//! assignments, `if`/`else if`/`range`/`with`/`define`/`template`/`block`/`break`/`continue`.
//! Errors use Go's own words (`template: job.tpl:3: unclosed action`).

use std::collections::HashMap;
use std::rc::Rc;

pub use super::lex::Pos;
use super::lex::{Tok, Token, lex, unquote_go};
use super::why::Why;

/// A number constant with the interpretations Go's parser gives it.
#[derive(Clone, Debug)]
pub struct Number {
    /// The text as written.
    pub text: String,
    /// Its value as an integer, when it is one (also `1.0`).
    pub int: Option<i64>,
    /// Its value as a float.
    pub float: Option<f64>,
}

impl Number {
    /// Whether Go treats the constant as a float64 when untyped (`.`, `e`, `p` in the text).
    pub fn is_float_text(&self) -> bool {
        // Go's isHexInt checks the text as written, so `-0x1e` (its `e` a hex digit) is a
        // float constant while `0x1e` is an integer.
        let t = self.text.as_bytes();
        let hex_int =
            t.len() > 2 && t[0] == b'0' && (t[1] | 0x20) == b'x' && !self.text.contains(['p', 'P']);
        self.float.is_some()
            && !hex_int
            && !self.text.starts_with('\'')
            && self.text.contains(['.', 'e', 'E', 'p', 'P'])
    }
}

/// An operand of a command.
#[derive(Clone, Debug)]
pub enum Arg {
    /// `.a.b`.
    Field(Pos, Vec<String>),
    /// `$x.a.b`: the variable name, then fields.
    Variable(Pos, String, Vec<String>),
    /// `(pipeline).a.b` or another term followed by fields.
    Chain(Pos, Box<Arg>, Vec<String>),
    /// A function name.
    Ident(Pos, String),
    /// `.`.
    Dot(Pos),
    /// `nil`.
    Nil(Pos),
    /// `true` / `false`.
    Bool(Pos, bool),
    /// A number or character constant.
    Number(Pos, Rc<Number>),
    /// A string constant: as written, and its value.
    Str(Pos, String, Rc<str>),
    /// A parenthesized pipeline.
    Pipe(Pos, Box<Pipe>),
}

impl Arg {
    /// Where the operand starts (Go's node position).
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Field(p, _)
            | Arg::Variable(p, _, _)
            | Arg::Chain(p, _, _)
            | Arg::Ident(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _)
            | Arg::Str(p, _, _)
            | Arg::Pipe(p, _) => *p,
        }
    }
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Field(_, ids) => {
                for i in ids {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Variable(_, n, ids) => {
                write!(f, "{n}")?;
                for i in ids {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Chain(_, node, ids) => {
                write!(f, "{node}")?;
                for i in ids {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Ident(_, n) => write!(f, "{n}"),
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => write!(f, "{}", n.text),
            Arg::Str(_, raw, _) => write!(f, "{raw}"),
            Arg::Pipe(_, p) => write!(f, "({p})"),
        }
    }
}

/// A command: operands separated by spaces.
#[derive(Clone, Debug)]
pub struct Cmd {
    /// Where it starts.
    pub pos: Pos,
    /// Its operands; the first is the function, field or value.
    pub args: Vec<Arg>,
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_joined(f, &self.args, " ")
    }
}

/// Writes `items` with `sep` between them.
fn write_joined<T: std::fmt::Display>(
    f: &mut std::fmt::Formatter<'_>,
    items: &[T],
    sep: &str,
) -> std::fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A pipeline: optional declarations, then commands joined by `|`.
#[derive(Clone, Debug)]
pub struct Pipe {
    /// Where it starts.
    pub pos: Pos,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    /// The declared or assigned variables.
    pub decl: Vec<String>,
    /// The commands.
    pub cmds: Vec<Cmd>,
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{} := ", self.decl.join(", "))?;
        }
        write_joined(f, &self.cmds, " | ")
    }
}

/// A node of a template's list.
#[derive(Clone, Debug)]
pub enum Node {
    /// Literal text.
    Text(Rc<str>),
    /// `{{pipeline}}`.
    Action(Pos, Pipe),
    /// `{{if}}`, `{{range}}`, `{{with}}`: kind, pipeline, list, else list.
    Control(Pos, Control, Pipe, Vec<Node>, Option<Vec<Node>>),
    /// `{{template "name" pipeline}}` (also what `{{block}}` leaves in place).
    Template(Pos, String, Option<Pipe>),
    /// `{{break}}`.
    Break,
    /// `{{continue}}`.
    Continue,
}

/// The three control structures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// `if`.
    If,
    /// `range`.
    Range,
    /// `with`.
    With,
}

/// A parsed template: its name, the file it came from and its nodes.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The template's name (a file's base name, or a `define`d name).
    pub name: String,
    /// The file it was parsed from (Go's `ParseName`).
    pub parse_name: Rc<str>,
    /// The file's text, for error positions.
    pub text: Rc<str>,
    /// Its nodes.
    pub root: Vec<Node>,
}

impl Tree {
    /// Go's `parse.IsEmptyTree`: only whitespace text.
    pub fn is_empty(&self) -> bool {
        self.root
            .iter()
            .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
    }

    /// `file:line:col` of a position (Go's `ErrorContext`, column = byte offset in the line).
    pub fn location(&self, pos: Pos) -> String {
        let before = &self.text[..pos.off.min(self.text.len())];
        let line = 1 + before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(i) => pos.off - i - 1,
            None => pos.off,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }
}

/// A parse error with Go's message (`template: NAME:LINE: MSG`).
#[derive(Clone, Debug)]
pub struct ParseError {
    /// The file name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Go's words.
    pub msg: String,
    /// The kind of mistake, for jjo's hint (never read from `msg`).
    pub why: Why,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template: {}:{}: {}", self.file, self.line, self.msg)
    }
}

struct Parser<'f> {
    toks: Vec<Token>,
    i: usize,
    last_line: usize,
    name: Rc<str>,
    text: Rc<str>,
    vars: Vec<String>,
    range_depth: usize,
    has_func: &'f dyn Fn(&str) -> bool,
    trees: Vec<Tree>,
}

type PResult<T> = Result<T, ParseError>;

fn tok_display(t: &Tok) -> String {
    let v = match t {
        Tok::Eof => return "EOF".into(),
        Tok::Error(e, _) => return e.clone(),
        Tok::Keyword(k) => return format!("<{k}>"),
        Tok::Nil => return "<nil>".into(),
        Tok::Text(s)
        | Tok::Field(s)
        | Tok::Variable(s)
        | Tok::Ident(s)
        | Tok::Number(s)
        | Tok::Char(s) => s.clone(),
        Tok::Str(raw, _) => raw.clone(),
        Tok::LeftDelim => "{{".into(),
        Tok::RightDelim => "}}".into(),
        Tok::Space => " ".into(),
        Tok::Pipe => "|".into(),
        Tok::Declare => ":=".into(),
        Tok::Assign => "=".into(),
        Tok::Comma => ",".into(),
        Tok::LeftParen => "(".into(),
        Tok::RightParen => ")".into(),
        Tok::Dot => ".".into(),
        Tok::Bool(b) => b.to_string(),
    };
    if v.chars().count() > 10 {
        let head: String = v.chars().take(10).collect();
        format!("{}...", super::gofmt::quote(&head))
    } else {
        super::gofmt::quote(&v)
    }
}

impl Parser<'_> {
    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        self.err_why(msg, Why::Other)
    }

    /// An error of a kind a hint can match.
    fn err_why<T>(&self, msg: impl Into<String>, why: Why) -> PResult<T> {
        Err(ParseError {
            file: self.name.to_string(),
            line: self.last_line,
            msg: msg.into(),
            why,
        })
    }

    fn peek(&mut self) -> &Token {
        let t = &self.toks[self.i.min(self.toks.len() - 1)];
        self.last_line = t.pos.line;
        t
    }

    fn next(&mut self) -> Token {
        let t = self.toks[self.i.min(self.toks.len() - 1)].clone();
        self.last_line = t.pos.line;
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn backup(&mut self) {
        self.i -= 1;
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.tok != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn lex_error(&self, t: &Token) -> PResult<()> {
        if let Tok::Error(e, why) = &t.tok {
            return Err(ParseError {
                file: self.name.to_string(),
                line: t.pos.line,
                msg: e.clone(),
                why: why.clone(),
            });
        }
        Ok(())
    }

    fn unexpected<T>(&self, t: &Token, context: &str) -> PResult<T> {
        self.lex_error(t)?;
        self.err(format!("unexpected {} in {}", tok_display(&t.tok), context))
    }

    fn expect(&mut self, want: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.tok != want {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn parse_file(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        loop {
            let t = self.peek().clone();
            if t.tok == Tok::Eof {
                return Ok(root);
            }
            if t.tok == Tok::LeftDelim {
                self.next();
                let n = self.next_non_space();
                if n.tok == Tok::Keyword("define") {
                    self.definition()?;
                    continue;
                }
                self.i -= 1;
                while self.toks[self.i].tok != Tok::LeftDelim {
                    self.i -= 1;
                }
            }
            match self.text_or_action()? {
                Item::End => return self.err("unexpected {{end}}"),
                Item::Else(..) => return self.err("unexpected {{else}}"),
                Item::Node(n) => root.push(n),
            }
        }
    }

    fn definition(&mut self) -> PResult<()> {
        let ctx = "define clause";
        let t = self.next_non_space();
        let name = match &t.tok {
            Tok::Str(_, v) => v.clone(),
            _ => return self.unexpected(&t, ctx),
        };
        self.expect(Tok::RightDelim, ctx)?;
        let saved = std::mem::take(&mut self.vars);
        self.vars = vec!["$".into()];
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if !matches!(end, Item::End) {
            return self.err(format!("unexpected {} in {}", end.describe(), ctx));
        }
        self.add_tree(Tree {
            name,
            parse_name: self.name.clone(),
            text: self.text.clone(),
            root: list,
        })
    }

    /// Go's `Tree.add`: within one file, a second non-empty definition of a name is an error
    /// (across files the later one replaces the earlier, see [`add_trees`]).
    fn add_tree(&mut self, t: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().rposition(|o| o.name == t.name)
            && !self.trees[i].is_empty()
        {
            if !t.is_empty() {
                return self.err(format!(
                    "template: multiple definition of template {}",
                    super::gofmt::quote(&t.name)
                ));
            }
            return Ok(());
        }
        self.trees.push(t);
        Ok(())
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Item)> {
        let mut list = Vec::new();
        loop {
            if self.peek_non_space().tok == Tok::Eof {
                return self.err_why("unexpected EOF", Why::UnexpectedEof);
            }
            match self.text_or_action()? {
                Item::Node(n) => list.push(n),
                end => return Ok((list, end)),
            }
        }
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.tok {
            Tok::Text(s) => Ok(Item::Node(Node::Text(s.into()))),
            Tok::LeftDelim => self.action(),
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.tok {
            Tok::Keyword("block") => return self.block(t.pos),
            Tok::Keyword("break") | Tok::Keyword("continue") => {
                let word = if t.tok == Tok::Keyword("break") {
                    "break"
                } else {
                    "continue"
                };
                if self.range_depth == 0 {
                    return self.err(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                self.expect(Tok::RightDelim, &format!("{{{{{word}}}}}"))?;
                return Ok(Item::Node(if word == "break" {
                    Node::Break
                } else {
                    Node::Continue
                }));
            }
            Tok::Keyword("else") => {
                let p = self.peek_non_space();
                if p.tok == Tok::Keyword("if") {
                    return Ok(Item::Else(p.pos, true));
                }
                let t = self.expect(Tok::RightDelim, "else")?;
                return Ok(Item::Else(t.pos, false));
            }
            Tok::Keyword("end") => {
                self.expect(Tok::RightDelim, "end")?;
                return Ok(Item::End);
            }
            Tok::Keyword("if") => return self.control(Control::If),
            Tok::Keyword("range") => return self.control(Control::Range),
            Tok::Keyword("with") => return self.control(Control::With),
            Tok::Keyword("template") => return self.template(t.pos),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Item::Node(Node::Action(pos, pipe)))
    }

    fn control(&mut self, kind: Control) -> PResult<Item> {
        let ctx = match kind {
            Control::If => "if",
            Control::Range => "range",
            Control::With => "with",
        };
        let nvars = self.vars.len();
        let pipe = self.pipeline(ctx, Tok::RightDelim)?;
        if kind == Control::Range {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if kind == Control::Range {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        match next {
            Item::End => {}
            Item::Else(pos, is_if) => {
                if kind == Control::If && is_if {
                    self.next_non_space(); // the `if`
                    let Item::Node(n) = self.control(Control::If)? else {
                        unreachable_item()
                    };
                    let _ = pos;
                    else_list = Some(vec![n]);
                } else {
                    if is_if {
                        // `{{else if}}` after range/with is not sugar in Go 1.19.
                        let t = self.next_non_space();
                        return self.unexpected(&t, "else");
                    }
                    let (l, end) = self.item_list()?;
                    if !matches!(end, Item::End) {
                        return self.err(format!("expected end; found {}", end.describe()));
                    }
                    else_list = Some(l);
                }
            }
            Item::Node(_) => unreachable_item(),
        }
        self.vars.truncate(nvars);
        Ok(Item::Node(Node::Control(
            pipe.pos, kind, pipe, list, else_list,
        )))
    }

    fn template(&mut self, pos: Pos) -> PResult<Item> {
        let ctx = "template clause";
        let t = self.next_non_space();
        let name = match &t.tok {
            Tok::Str(_, v) => v.clone(),
            _ => return self.unexpected(&t, ctx),
        };
        let mut pipe = None;
        if self.next_non_space().tok != Tok::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(ctx, Tok::RightDelim)?);
        }
        let _ = pos;
        Ok(Item::Node(Node::Template(t.pos, name, pipe)))
    }

    fn block(&mut self, _pos: Pos) -> PResult<Item> {
        let ctx = "block clause";
        let t = self.next_non_space();
        let name = match &t.tok {
            Tok::Str(_, v) => v.clone(),
            _ => return self.unexpected(&t, ctx),
        };
        let pipe = self.pipeline(ctx, Tok::RightDelim)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let depth = std::mem::take(&mut self.range_depth);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        self.range_depth = depth;
        if !matches!(end, Item::End) {
            return self.err(format!("unexpected {} in {}", end.describe(), ctx));
        }
        self.add_tree(Tree {
            name: name.clone(),
            parse_name: self.name.clone(),
            text: self.text.clone(),
            root: list,
        })?;
        Ok(Item::Node(Node::Template(t.pos, name, Some(pipe))))
    }

    fn pipeline(&mut self, ctx: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            let v = self.peek_non_space();
            let Tok::Variable(name) = &v.tok else { break };
            let save = self.i;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.tok {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.tok == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    break;
                }
                Tok::Comma => {
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    if ctx == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().tok {
                            Tok::Variable(_) | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return self.err("range can only initialize variables"),
                        }
                    }
                    return self.err(format!("too many declarations in {ctx}"));
                }
                _ => {
                    self.i = save;
                    break;
                }
            }
        }
        loop {
            let t = self.next_non_space();
            if t.tok == end {
                if pipe.cmds.is_empty() {
                    return self.err(format!("missing value for {ctx}"));
                }
                for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(
                        c.args[0],
                        Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::Str(..)
                    ) {
                        return self.err(format!(
                            "non executable command in pipeline stage {}",
                            i + 1
                        ));
                    }
                }
                return Ok(pipe);
            }
            match t.tok {
                Tok::Bool(_)
                | Tok::Char(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Ident(_)
                | Tok::Number(_)
                | Tok::Nil
                | Tok::Str(..)
                | Tok::Variable(_)
                | Tok::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return self.unexpected(&t, ctx),
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Cmd {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(a) = self.operand()? {
                cmd.args.push(a);
            }
            let t = self.next();
            match t.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.err("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if let Tok::Field(_) = self.peek().tok {
            let chain_pos = self.peek().pos;
            let mut fields = Vec::new();
            while let Tok::Field(f) = self.peek().tok.clone() {
                self.next();
                fields.push(f[1..].to_string());
            }
            return Ok(Some(match node {
                Arg::Field(_, mut ids) => {
                    ids.extend(fields);
                    Arg::Field(chain_pos, ids)
                }
                Arg::Variable(_, n, mut ids) => {
                    ids.extend(fields);
                    Arg::Variable(chain_pos, n, ids)
                }
                Arg::Bool(..) | Arg::Str(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                    return self.err(format!("unexpected . after term {:?}", node.to_string()));
                }
                n => Arg::Chain(chain_pos, Box::new(n), fields),
            }));
        }
        Ok(Some(node))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        self.lex_error(&t)?;
        Ok(Some(match t.tok {
            Tok::Ident(name) => {
                if !(self.has_func)(&name) {
                    return self.err_why(
                        format!("function {name:?} not defined"),
                        Why::UndefinedFunction(name.to_string()),
                    );
                }
                Arg::Ident(t.pos, name)
            }
            Tok::Dot => Arg::Dot(t.pos),
            Tok::Nil => Arg::Nil(t.pos),
            Tok::Variable(name) => {
                if !self.vars.contains(&name) {
                    return self.err(format!("undefined variable {name:?}"));
                }
                Arg::Variable(t.pos, name, Vec::new())
            }
            Tok::Field(f) => Arg::Field(t.pos, vec![f[1..].to_string()]),
            Tok::Bool(b) => Arg::Bool(t.pos, b),
            Tok::Char(c) | Tok::Number(c) => match number(&c) {
                Ok(n) => Arg::Number(t.pos, Rc::new(n)),
                Err(e) => return self.err(e),
            },
            Tok::LeftParen => {
                let p = self.pipeline("parenthesized pipeline", Tok::RightParen)?;
                Arg::Pipe(t.pos, Box::new(p))
            }
            Tok::Str(raw, v) => Arg::Str(t.pos, raw, v.into()),
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

fn unreachable_item() -> ! {
    // control() only returns Item::Node; item_list() never returns Item::Node.
    unreachable!("parser invariant")
}

enum Item {
    Node(Node),
    End,
    Else(Pos, bool),
}

impl Item {
    fn describe(&self) -> &'static str {
        match self {
            Item::End => "{{end}}",
            Item::Else(..) => "{{else}}",
            Item::Node(_) => "node",
        }
    }
}

/// Go's `parse.newNumber`, for the constants templates write; `Err` is Go's message, or
/// jjo's for a complex constant (jjo has no complex numbers; Go prints `1i` as `(0+1i)`).
fn number(text: &str) -> Result<Number, String> {
    use super::strconv::{parse_float, parse_int0, parse_uint0};
    if let Some(body) = text.strip_prefix('\'') {
        let bad = || format!("malformed character constant: {text}");
        let body = body.strip_suffix('\'').ok_or_else(bad)?;
        let c = if let Some(esc) = body.strip_prefix('\\') {
            unquote_go(&format!("\\{esc}"))
                .and_then(|s| {
                    let mut it = s.chars();
                    let c = it.next()?;
                    it.next().is_none().then_some(c)
                })
                .ok_or_else(bad)?
        } else {
            let mut it = body.chars();
            let c = it.next().ok_or_else(bad)?;
            if it.next().is_some() {
                return Err(bad());
            }
            c
        };
        return Ok(Number {
            text: text.to_string(),
            int: Some(c as i64),
            float: Some(c as i64 as f64),
        });
    }
    if text.ends_with('i') {
        return Err(format!(
            "complex constant {text}: jjo has no complex numbers (Go would compute with it and \
             print it as `(real+imagi)`); no job template needs one"
        ));
    }
    let uint = parse_uint0(text.strip_prefix('+').unwrap_or(text)).ok();
    let int = parse_int0(text).ok();
    let mut n = Number {
        text: text.to_string(),
        int,
        float: None,
    };
    if let Some(i) = int {
        n.float = Some(i as f64);
    } else if let Some(u) = uint {
        // Larger than an int64: Go keeps it as a uint64, which only a float can take here.
        n.float = Some(u as f64);
    } else if let Ok(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {text}"));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && (i64::MIN as f64..-(i64::MIN as f64)).contains(&f) {
            n.int = Some(f as i64);
        }
    }
    if n.int.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {text:?}"));
    }
    Ok(n)
}

/// Parses one file into its trees: the file's own (named `name`) and each `define`/`block`.
pub fn parse_file(
    name: &str,
    text: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> Result<Vec<Tree>, ParseError> {
    let toks = lex(name, text);
    let name: Rc<str> = name.into();
    let text: Rc<str> = text.into();
    let mut p = Parser {
        toks,
        i: 0,
        last_line: 1,
        name: name.clone(),
        text: text.clone(),
        vars: vec!["$".into()],
        range_depth: 0,
        has_func,
        trees: Vec::new(),
    };
    let root = p.parse_file()?;
    let mut trees = vec![Tree {
        name: name.to_string(),
        parse_name: name,
        text,
        root,
    }];
    trees.append(&mut p.trees);
    Ok(trees)
}

/// Templates by name, later definitions replacing earlier ones except by an empty one
/// (Go's `associate`).
pub fn add_trees(set: &mut HashMap<String, Rc<Tree>>, trees: Vec<Tree>) {
    for t in trees {
        if set.contains_key(&t.name) && t.is_empty() {
            continue;
        }
        set.insert(t.name.clone(), Rc::new(t));
    }
}
