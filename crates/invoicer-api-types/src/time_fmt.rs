//! Timestamps (RFC 3339 UTC, millisecond precision) and dates (ISO 8601 `YYYY-MM-DD`) as text.

use time::{
    format_description::well_known::Rfc3339, macros::format_description, Date, OffsetDateTime,
    UtcOffset,
};

use invoicer_domain::validation::Invalid;

pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let t = t
        .replace_nanosecond(t.millisecond() as u32 * 1_000_000)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

pub fn parse_timestamp(text: &str) -> Result<OffsetDateTime, Invalid> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        Invalid::new(
            "invalid_timestamp",
            format!("`{text}` is not an RFC 3339 timestamp, e.g. \"2026-12-31T23:59:59Z\"."),
        )
    })
}

pub fn date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub fn parse_date(text: &str) -> Result<Date, Invalid> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| {
        Invalid::new(
            "invalid_date",
            format!("`{text}` is not a date; write it as \"2026-01-31\"."),
        )
    })
}
