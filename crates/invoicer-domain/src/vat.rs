//! VAT categories (UNCL 5305 subset used by EN 16931) and the rate each one allows.

use std::{fmt, str::FromStr};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::validation::Invalid;

/// EN 16931 VAT category code (BT-151 / BT-118).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum VatCategory {
    /// Standard rate.
    S,
    /// Zero rated goods.
    Z,
    /// Exempt from tax.
    E,
    /// Reverse charge.
    AE,
    /// Intra-community supply.
    K,
    /// Export outside the EU.
    G,
    /// Services outside scope of tax.
    O,
    /// Canary Islands general indirect tax (IGIC).
    L,
    /// Ceuta and Melilla tax (IPSI).
    M,
}

impl VatCategory {
    pub const ALL: [VatCategory; 9] = [
        Self::S,
        Self::Z,
        Self::E,
        Self::AE,
        Self::K,
        Self::G,
        Self::O,
        Self::L,
        Self::M,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::Z => "Z",
            Self::E => "E",
            Self::AE => "AE",
            Self::K => "K",
            Self::G => "G",
            Self::O => "O",
            Self::L => "L",
            Self::M => "M",
        }
    }

    /// Checks a rate against the category's EN 16931 rule (BR-S-05, BR-Z-05, BR-O-05 …).
    pub fn check_rate(self, rate: Option<Decimal>) -> Result<Option<Decimal>, Invalid> {
        match (self, rate) {
            (Self::O, None) => Ok(None),
            (Self::O, Some(_)) => Err(Invalid::new(
                "rate_not_allowed",
                "Category O (outside the scope of VAT) carries no VAT rate; omit vat_rate.",
            )),
            (_, None) => Err(Invalid::new(
                "required",
                "A VAT rate is required for this category.",
            )),
            (Self::S, Some(r)) if r.is_zero() => Err(Invalid::new(
                "rate_must_be_positive",
                "Category S (standard rate) needs a rate greater than 0.",
            )),
            (Self::Z | Self::E | Self::AE | Self::K | Self::G, Some(r)) if !r.is_zero() => {
                Err(Invalid::new(
                    "rate_must_be_zero",
                    format!("Category {} requires a VAT rate of 0.", self.code()),
                ))
            }
            (_, Some(r)) => Ok(Some(r)),
        }
    }
}

impl FromStr for VatCategory {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                let allowed: Vec<_> = Self::ALL.iter().map(|c| c.code()).collect();
                Invalid::new(
                    "invalid_vat_category",
                    format!(
                        "`{s}` is not a VAT category; allowed: {}.",
                        allowed.join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for VatCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A category with its (checked) rate in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vat {
    pub category: VatCategory,
    pub rate: Option<Decimal>,
}

impl Vat {
    pub fn rate_or_zero(&self) -> Decimal {
        self.rate.unwrap_or_default()
    }
}
