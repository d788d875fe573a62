//! How values are kept as text so both dialects store them alike: ids as hyphenated UUIDs,
//! timestamps as RFC 3339 UTC with fixed millisecond precision (so text order is time order),
//! dates as `YYYY-MM-DD`.

use sqlx::{any::AnyRow, Row};
use time::{
    format_description::well_known::Rfc3339, macros::format_description, Date, OffsetDateTime,
    UtcOffset,
};
use uuid::Uuid;

use crate::StoreError;

pub fn ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let ms = t.millisecond();
    let t = t.replace_nanosecond(u32::from(ms) * 1_000_000).unwrap_or(t);
    // Fixed width: always three fractional digits.
    format!(
        "{}.{ms:03}Z",
        t.format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
    )
}

pub fn date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

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
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| corrupt(column, e))
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
        .map(|s| {
            Date::parse(&s, format_description!("[year]-[month]-[day]"))
                .map_err(|e| corrupt(column, e))
        })
        .transpose()
}

pub fn get_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(&get_str(row, column)?).map_err(|e| corrupt(column, e))
}

pub fn parse_enum<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| corrupt(column, format!("unknown value `{text}`")))
}
