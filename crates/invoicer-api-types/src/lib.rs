//! The wire: request (`*In`) and response (`*Out`) bodies, the problem envelope, and THE catalog
//! of error codes. Parsing a request body into validated domain values happens here, once, with
//! every failing field collected.

pub mod account;
pub mod api_key;
pub mod catalog;
pub mod decimal;
pub mod document;
pub mod einvoice;
pub mod invoice;
pub mod item;
pub mod list;
pub mod nullable;
pub mod party;
pub mod payment;
pub mod problem;
pub mod schema;
pub mod time_fmt;

pub use catalog::ErrorCode;
pub use problem::{FieldErrorOut, Problem};
