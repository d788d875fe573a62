//! Code lists compiled in as data, each with the version it was taken from.
//!
//! The functions here are the only way the rest of the code asks "is this a valid code?", so a
//! new release of a list changes one data file and nothing else.

mod data;

pub use data::*;
