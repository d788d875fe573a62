//! Exact decimal money: currencies with their minor units, bounded amounts, and the one rounding
//! rule used everywhere.
//!
//! Rounding is half away from zero (`2.345 → 2.35`, `-2.345 → -2.35`), the commercial rule that
//! EN 16931 implementations use. Document amounts carry at most two decimals (EN 16931 BR-DEC-*),
//! so a currency with three minor units is invoiced to two and one with none to zero.

use std::{fmt, str::FromStr};

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{codelists, validation::Invalid};

/// An ISO 4217 currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u32,
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        let minor_units = codelists::currency_minor_units(code).ok_or_else(|| {
            Invalid::new(
                "invalid_currency",
                format!("`{code}` is not an ISO 4217 currency code."),
            )
        })?;
        let bytes = code.as_bytes();
        Ok(Self {
            code: [bytes[0], bytes[1], bytes[2]],
            minor_units,
        })
    }

    pub fn code(&self) -> &str {
        // The bytes came from a validated ASCII code list entry.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// Decimals of document amounts in this currency: the minor units, capped at EN 16931's two.
    pub fn amount_scale(&self) -> u32 {
        self.minor_units.min(2)
    }

    /// Rounds an amount to this currency's document scale, half away from zero.
    pub fn round(&self, amount: Decimal) -> Decimal {
        round_to(amount, self.amount_scale())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Rounds half away from zero and pads to exactly `scale` decimals, so `"10"` prints `"10.00"`.
pub fn round_to(amount: Decimal, scale: u32) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(scale);
    rounded
}

/// Bounds on a decimal input. Chosen so that every product and sum an invoice of 500 lines can
/// form stays far inside `Decimal`'s 28 digits: arithmetic can then never overflow.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Largest absolute value allowed (exclusive): 10^`int_digits`.
    pub int_digits: u32,
    pub max_scale: u32,
    pub allow_negative: bool,
}

impl Bounds {
    /// The same bounds, negatives allowed: an allowance or charge on a credited (negative)
    /// line, or a negative correction, as received documents carry them.
    pub const fn signed(self) -> Bounds {
        Bounds {
            allow_negative: true,
            ..self
        }
    }
}

/// Unit prices and allowance/charge amounts: below 10^12, up to 6 decimals, never negative.
pub const PRICE: Bounds = Bounds {
    int_digits: 12,
    max_scale: 6,
    allow_negative: false,
};
/// Quantities: below 10^9, up to 6 decimals, negative allowed (a returned item).
pub const QUANTITY: Bounds = Bounds {
    int_digits: 9,
    max_scale: 6,
    allow_negative: true,
};
/// Percentages (VAT rates, allowance percentages): 0 to 100 exclusive of 1000, 4 decimals.
pub const PERCENT: Bounds = Bounds {
    int_digits: 3,
    max_scale: 4,
    allow_negative: false,
};
/// Allowance, charge and prepaid amounts: below 10^12, up to 2 decimals, never negative.
pub const AMOUNT: Bounds = Bounds {
    int_digits: 12,
    max_scale: 2,
    allow_negative: false,
};
/// Declared totals: below 10^15, up to 2 decimals.
pub const TOTAL: Bounds = Bounds {
    int_digits: 15,
    max_scale: 2,
    allow_negative: true,
};

/// Parses decimal text exactly (no float on the way) and checks it against `bounds`.
pub fn parse_decimal(text: &str, bounds: Bounds) -> Result<Decimal, Invalid> {
    let t = text.trim();
    let well_formed = !t.is_empty()
        && t.len() <= 40
        && t.strip_prefix('-')
            .unwrap_or(t)
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|b| *b == b'.').count() <= 1
        && !t.starts_with('.')
        && !t.ends_with('.')
        && !t.starts_with("-.");
    if !well_formed {
        return Err(Invalid::new(
            "invalid_decimal",
            format!("`{t}` is not a decimal number; write it like \"1210.50\"."),
        ));
    }
    let mut value = Decimal::from_str(t).map_err(|_| out_of_range(bounds))?;
    if value.is_sign_negative() && !value.is_zero() && !bounds.allow_negative {
        return Err(Invalid::new("negative", "Must not be negative."));
    }
    if value.scale() > bounds.max_scale {
        // Trailing zeros are not precision: "1.5000000" is 1.5.
        value = value.normalize();
        if value.scale() > bounds.max_scale {
            return Err(Invalid::new(
                "too_many_decimals",
                format!("At most {} decimal places are allowed.", bounds.max_scale),
            ));
        }
    }
    if value.abs() >= Decimal::from(10u64.pow(bounds.int_digits)) {
        return Err(out_of_range(bounds));
    }
    Ok(value)
}

fn out_of_range(bounds: Bounds) -> Invalid {
    Invalid::new(
        "out_of_range",
        format!(
            "Must be less than 10^{} in absolute value.",
            bounds.int_digits
        ),
    )
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_away_from_zero_rounding_pads_to_scale() {
        assert_eq!(round_to(Decimal::new(2345, 3), 2).to_string(), "2.35");
        assert_eq!(round_to(Decimal::new(-2345, 3), 2).to_string(), "-2.35");
        assert_eq!(round_to(Decimal::from(10), 2).to_string(), "10.00");
    }

    #[test]
    fn currencies_know_their_document_scale() {
        assert_eq!(Currency::parse("EUR").unwrap().amount_scale(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().amount_scale(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().amount_scale(), 2);
        assert_eq!(Currency::parse("eur").unwrap_err().code, "invalid_currency");
    }

    #[test]
    fn decimal_text_is_parsed_exactly_or_refused_with_a_reason() {
        assert_eq!(
            parse_decimal("1210.50", PRICE).unwrap().to_string(),
            "1210.50"
        );
        assert_eq!(
            parse_decimal("1e3", PRICE).unwrap_err().code,
            "invalid_decimal"
        );
        assert_eq!(parse_decimal("-1", PRICE).unwrap_err().code, "negative");
        assert_eq!(
            parse_decimal("1.0000001", PRICE).unwrap_err().code,
            "too_many_decimals"
        );
        assert_eq!(
            parse_decimal("1.5000000", PRICE).unwrap().to_string(),
            "1.5"
        );
        assert_eq!(
            parse_decimal("1000000000000", PRICE).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(
            parse_decimal("99999999999999999999999999999999", PRICE)
                .unwrap_err()
                .code,
            "out_of_range"
        );
        assert_eq!(parse_decimal("-2.5", QUANTITY).unwrap().to_string(), "-2.5");
    }
}
