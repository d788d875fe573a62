//! The use cases of invoicer: one function per operation, each committing at most one
//! transaction, so a failure leaves nothing behind. HTTP handlers, the CLI and workers all call
//! these; none of them talks to the store directly.

pub mod accounts;
pub mod auth;
pub mod credit_notes;
pub mod error;
pub mod idempotency;
pub mod imports;
pub mod invoices;
pub mod keys;
pub mod pagination;
pub mod parties;
pub mod quotas;
pub mod rates;
mod sealing;

pub use error::{AppError, AppResult};
