//! Tryggve's domain: the council's records as types, the rules that decide
//! who may see and change them, and the export schema.
//!
//! This crate is pure: no IO, no async, no clock, no database or HTTP types.
//! The current time is always a parameter. Everything a handler or the CLI
//! receives as a string is turned into these types by a constructor here
//! (parse at the edge), so nothing below the web layer sees an unchecked value.

pub mod access;
pub mod export;
pub mod ids;
pub mod meeting;
pub mod priority;
pub mod privacy;
pub mod register;
pub mod secrecy;
pub mod situation;
pub mod text;
pub mod validate;
pub mod workdoc;

pub use access::{Classification, Viewer};
pub use ids::*;
pub use validate::{FieldError, FieldErrors};
