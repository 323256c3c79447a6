//! Everything jjo prints: stages return values, this module renders them, the CLI writes
//! them. One file per output: for people, JSON, JUnit, SARIF and GitHub annotations.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

pub use human::{FailureText, case, error, failure, failure_text, finding, summary, warning};
