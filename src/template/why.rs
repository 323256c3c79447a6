//! What kind of mistake a template error is, carried beside Go's words (which stay exactly
//! Go's), so that jjo's hints match on a kind and never read the message.

/// The kind of a parse or execution error, for the hint jjo adds after Go's words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Why {
    /// Nothing jjo has a hint for.
    #[default]
    Other,
    /// A function the template calls that no set defines (`function "x" not defined`).
    UndefinedFunction(String),
    /// An action whose `}}` never comes (`unclosed action started at ...`).
    UnclosedAction,
    /// The file ends inside a block (`unexpected EOF`).
    UnexpectedEof,
    /// `missingkey=error` (or nil data) met a map without the key (`no entry for key "x"`).
    MissingKey(String),
}
