//! How values are kept as text so both dialects store them alike: ids as hyphenated UUIDs,
//! timestamps and dates in the domain's one text format (`time_text`).

use sqlx::{any::AnyRow, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StoreError;

pub use invoicer_domain::time_text::{date, timestamp as ts};

fn corrupt(column: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {e}"))
}

pub fn get_str(row: &AnyRow, column: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn get_opt_str(row: &AnyRow, column: &str) -> Result<Option<String>, StoreError> {
    row.try_get::<Option<String>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn get_i64(row: &AnyRow, column: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn get_uuid(row: &AnyRow, column: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(&get_str(row, column)?).map_err(|e| corrupt(column, e))
}

pub fn get_opt_uuid(row: &AnyRow, column: &str) -> Result<Option<Uuid>, StoreError> {
    get_opt_str(row, column)?
        .map(|s| Uuid::parse_str(&s).map_err(|e| corrupt(column, e)))
        .transpose()
}

pub fn parse_ts(column: &str, text: &str) -> Result<OffsetDateTime, StoreError> {
    invoicer_domain::time_text::parse_timestamp(text).map_err(|e| corrupt(column, e.message))
}

pub fn get_ts(row: &AnyRow, column: &str) -> Result<OffsetDateTime, StoreError> {
    parse_ts(column, &get_str(row, column)?)
}

pub fn get_opt_ts(row: &AnyRow, column: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    get_opt_str(row, column)?
        .map(|s| parse_ts(column, &s))
        .transpose()
}

pub fn get_opt_date(row: &AnyRow, column: &str) -> Result<Option<Date>, StoreError> {
    get_opt_str(row, column)?
        .map(|s| invoicer_domain::time_text::parse_date(&s).map_err(|e| corrupt(column, e.message)))
        .transpose()
}

pub fn get_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(&get_str(row, column)?).map_err(|e| corrupt(column, e))
}

pub fn get_opt_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<Option<T>, StoreError> {
    get_opt_str(row, column)?
        .map(|text| serde_json::from_str(&text).map_err(|e| corrupt(column, e)))
        .transpose()
}

pub fn parse_enum<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| corrupt(column, format!("unknown value `{text}`")))
}
