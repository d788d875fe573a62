//! `limit` and `cursor` of list requests. The cursor is the last id of the previous page in a
//! form clients should treat as opaque.

use invoicer_api_types::list::{DEFAULT_LIMIT, MAX_LIMIT};
use invoicer_domain::validation::Violations;
use invoicer_store::page::PageRequest;
use uuid::Uuid;

pub fn parse(v: &mut Violations, limit: Option<&str>, cursor: Option<&str>) -> PageRequest {
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n < 1 => {
                v.push("limit", "too_small", "Must be 1 or more.");
                DEFAULT_LIMIT
            }
            Ok(n) if n > i64::from(MAX_LIMIT) => {
                v.push("limit", "too_big", format!("Must be {MAX_LIMIT} or less."));
                DEFAULT_LIMIT
            }
            Ok(n) => n as u32,
            Err(_) => {
                v.push(
                    "limit",
                    "invalid_integer",
                    format!("`{text}` is not a whole number."),
                );
                DEFAULT_LIMIT
            }
        },
    };
    let after = cursor.and_then(|c| match decode(c) {
        Some(id) => Some(id),
        None => {
            v.push(
                "cursor",
                "invalid_cursor",
                "Pass the next_cursor of a previous page unchanged.",
            );
            None
        }
    });
    PageRequest { limit, after }
}

pub fn encode(last_id: Uuid) -> String {
    format!("c1{}", last_id.simple())
}

/// Only the form [`encode`] writes: `c1` and 32 lower-case hex digits.
fn decode(cursor: &str) -> Option<Uuid> {
    let hex = cursor.strip_prefix("c1")?;
    let canonical = hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    canonical.then(|| Uuid::try_parse(hex).ok()).flatten()
}

/// The `next_cursor` of a page: the id of its last item when there are more.
pub fn next_cursor<T>(
    page: &invoicer_store::page::Page<T>,
    id: impl Fn(&T) -> Uuid,
) -> Option<String> {
    if page.has_more {
        page.items.last().map(|last| encode(id(last)))
    } else {
        None
    }
}

/// `limit` and `cursor` alone, as plain list routes take them.
pub fn parse_only(limit: Option<&str>, cursor: Option<&str>) -> crate::AppResult<PageRequest> {
    let mut v = Violations::new();
    let page = parse(&mut v, limit, cursor);
    if v.is_empty() {
        Ok(page)
    } else {
        Err(crate::AppError::invalid(v))
    }
}
