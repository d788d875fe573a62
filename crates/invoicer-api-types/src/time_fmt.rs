//! Timestamps and dates on the wire: the domain's one text format.

pub use invoicer_domain::time_text::{date, parse_date, parse_timestamp, timestamp};
