//! THE integration suite: the real server over HTTP on a random port, on SQLite and on
//! PostgreSQL. Its modules mirror the routes.

mod support;

mod admin;
mod api_keys;
mod auth;
mod businesses;
mod cli;
mod credit_notes;
mod einvoices;
mod envelope;
mod idempotency;
mod imports;
mod invoices;
mod limits;
mod numbering;
mod openapi;
mod reachability;
mod readme;
mod tenancy;
mod text_fields;
mod ubl;
