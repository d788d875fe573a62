//! Timestamps and dates as text, the one format used on the wire and at rest: RFC 3339 UTC with
//! exactly three fractional digits (`2026-11-25T16:55:52.884Z`, so text order is time order), and
//! ISO 8601 dates (`2026-11-25`).

use time::{
    format_description::well_known::Rfc3339, macros::format_description, Date, OffsetDateTime,
    UtcOffset,
};

use crate::validation::Invalid;

pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let ms = t.millisecond();
    let seconds = t
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default();
    format!("{seconds}.{ms:03}Z")
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

/// `#[serde(with = "crate::time_text::opt_date")]`: an optional date stored as `"2026-01-31"`.
pub mod opt_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| super::parse_date(&t).map_err(|e| serde::de::Error::custom(e.message)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_fixed_width_and_round_trip() {
        let t = OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
        let text = timestamp(t);
        assert_eq!(text, "2026-11-18T11:06:40.000Z");
        assert_eq!(parse_timestamp(&text).unwrap(), t);
        assert_eq!(parse_date("2026-02-29").unwrap_err().code, "invalid_date");
        assert_eq!(date(parse_date("2026-01-31").unwrap()), "2026-01-31");
    }
}
