//! Small helpers for the XPath idioms the artefacts repeat: general comparisons over node sets,
//! VAT scheme filters, boolean and date values.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::decimal;
use crate::tree::El;

/// `path = 'value'` as XPath compares: true when any element at `path` has exactly that string
/// value (no whitespace normalisation).
pub(crate) fn any_raw_eq(e: El<'_, '_>, path: &'static str, value: &str) -> bool {
    e.select(path).iter().any(|n| string_value(*n) == value)
}

/// The XPath string value of an element: all its descendant text, unnormalised.
pub(crate) fn string_value<'d>(e: El<'d, '_>) -> Cow<'d, str> {
    let own = e.raw_text();
    let mut rest = e.descendants().peekable();
    if rest.peek().is_none() {
        return Cow::Borrowed(own);
    }
    let mut all = own.to_owned();
    for d in rest {
        all.push_str(d.raw_text());
    }
    Cow::Owned(all)
}

/// `xs:decimal(path)` of the first element at `path`.
pub(crate) fn dec(e: El<'_, '_>, path: &str) -> Option<Decimal> {
    e.find(path).and_then(|n| decimal::parse(n.raw_text()))
}

/// `xs:decimal(.)`.
pub(crate) fn dec_of(e: El<'_, '_>) -> Option<Decimal> {
    decimal::parse(e.raw_text())
}

/// `sum(path/xs:decimal(.))` over every element at `path`; `None` if one is not a number (the
/// artefacts stop with an error there, so no verdict can be given).
pub(crate) fn sum(items: impl IntoIterator<Item = Option<Decimal>>) -> Option<Decimal> {
    items
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, d| d.and_then(|d| acc.checked_add(d)))
}

/// A VAT scheme test in the CEN form, `cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT'`.
pub(crate) fn is_vat_scheme(tax_category: El<'_, '_>) -> bool {
    tax_category
        .all("cac:TaxScheme")
        .any(|s| s.all("cbc:ID").any(|id| upper_case_is(&id.text(), "VAT")))
}

/// `upper-case(s) = expected` for an upper-case ASCII `expected`, allocating only for
/// non-ASCII input (whose upper case may differ in length).
pub(crate) fn upper_case_is(s: &str, expected: &str) -> bool {
    if s.is_ascii() {
        s.eq_ignore_ascii_case(expected)
    } else {
        s.to_uppercase() == expected
    }
}

/// Whether any `cbc:ChargeIndicator` child compares equal to `wanted` the way
/// `cbc:ChargeIndicator = true()` does (each child cast to xs:boolean).
pub(crate) fn is_charge(allowance_charge: El<'_, '_>, wanted: bool) -> bool {
    allowance_charge
        .all("cbc:ChargeIndicator")
        .any(|c| match c.text().as_ref() {
            "true" | "1" => wanted,
            "false" | "0" => !wanted,
            _ => false,
        })
}

/// An xs:date as (year, month, day), timezone ignored; `None` when not castable.
pub(crate) fn date(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut parts = s.splitn(3, '-');
    let y = parts.next()?;
    let m = parts.next()?;
    let rest = parts.next()?;
    let d = rest.get(..2)?;
    let tz = &rest[2..];
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if y.len() < 4 || !digits(y) || m.len() != 2 || !digits(m) || !digits(d) {
        return None;
    }
    if !(tz.is_empty() || tz == "Z" || valid_tz(tz)) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let (month, day): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days || (year == 0 && !neg) {
        return None;
    }
    Some((if neg { -year } else { year }, month, day))
}

fn valid_tz(tz: &str) -> bool {
    let b = tz.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..6].iter().all(u8::is_ascii_digit)
}

/// XPath `number(s) != NaN` for the strings the rules feed it: an xs:double literal.
pub(crate) fn is_number(s: &str) -> bool {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if matches!(t, "INF" | "-INF" | "+INF") {
        return true;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let exponent_ok = exponent.is_none_or(|x| {
        let x = x.strip_prefix(['+', '-']).unwrap_or(x);
        !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit())
    });
    exponent_ok && decimal::parse(mantissa).is_some() && !mantissa.trim().is_empty()
}

/// XPath `xs:integer` castability (whitespace, one sign, digits).
pub(crate) fn castable_as_integer(s: &str) -> bool {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// XPath `substring(s, start, len)` with 1-based character positions.
pub(crate) fn substring(s: &str, start: usize, len: usize) -> String {
    s.chars().skip(start.saturating_sub(1)).take(len).collect()
}

/// XPath `substring(s, start)`.
pub(crate) fn substring_from(s: &str, start: usize) -> String {
    s.chars().skip(start.saturating_sub(1)).collect()
}
