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
            // BR-CO-17 treats a rate that rounds to 0 % as zero and then wants no VAT at all.
            (Self::S | Self::L | Self::M, Some(r))
                if !r.is_zero() && r < Decimal::new(5, 1) =>
            {
                Err(Invalid::new(
                    "rate_too_small",
                    "A VAT rate above 0 must be at least 0.5 (EN 16931 BR-CO-17 reads smaller rates as 0 %).",
                ))
            }
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

/// Whether a category's VAT breakdown states why it carries no VAT (EN 16931 BR-x-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemptionRule {
    /// S, Z, L, M: it must not (BR-S-10, BR-Z-10, BR-AF-10, BR-AG-10).
    Forbidden,
    /// E: it must, and only the seller knows which exemption applies (BR-E-10).
    Required,
    /// AE, K, G, O: it must, and the category itself says why: this VATEX code and text
    /// serve unless the client gives its own.
    Default {
        code: &'static str,
        reason: &'static str,
    },
}

impl VatCategory {
    /// The family of the category's EN 16931 rules: BR-S-…, BR-IC-… for K, BR-AF-… for L,
    /// BR-AG-… for M.
    pub fn rule_family(self) -> &'static str {
        match self {
            Self::K => "IC",
            Self::L => "AF",
            Self::M => "AG",
            other => other.code(),
        }
    }

    pub fn exemption_rule(self) -> ExemptionRule {
        let default = |code, reason| ExemptionRule::Default { code, reason };
        match self {
            Self::S | Self::Z | Self::L | Self::M => ExemptionRule::Forbidden,
            Self::E => ExemptionRule::Required,
            Self::AE => default("VATEX-EU-AE", "Reverse charge"),
            Self::K => default("VATEX-EU-IC", "Intra-Community supply"),
            Self::G => default("VATEX-EU-G", "Export outside the EU"),
            Self::O => default("VATEX-EU-O", "Not subject to VAT"),
        }
    }
}

impl VatCategory {
    /// The category a VATEX code belongs to, for the codes that name one
    /// (PEPPOL-EN16931-P0104 … P0111).
    pub fn of_exemption_code(code: &str) -> Option<VatCategory> {
        match code {
            "VATEX-EU-G" => Some(Self::G),
            "VATEX-EU-O" => Some(Self::O),
            "VATEX-EU-IC" => Some(Self::K),
            "VATEX-EU-AE" => Some(Self::AE),
            "VATEX-EU-D" | "VATEX-EU-F" | "VATEX-EU-I" | "VATEX-EU-J" => Some(Self::E),
            _ => None,
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
