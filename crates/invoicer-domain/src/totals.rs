//! Document totals, computed exactly the EN 16931 way.
//!
//! - line net (BT-131) = round(quantity × unit price + line charges − line allowances)
//! - line extension (BT-106) = Σ line nets
//! - tax exclusive (BT-109) = line extension − document allowances (BT-107) + charges (BT-108)
//! - per VAT category and rate: taxable (BT-116) = Σ its line nets − its allowances + its charges,
//!   tax (BT-117) = round(taxable × rate ÷ 100) with `VatRounding::PerCategory` (BR-CO-17), or the
//!   sum of each line's, allowance's and charge's rounded VAT with `VatRounding::PerLine`
//! - tax total (BT-110) = Σ category tax; tax inclusive (BT-112) = tax exclusive + tax total
//! - payable (BT-115) = tax inclusive − prepaid (BT-113)
//!
//! Every rounding is half away from zero to the currency's document scale. Inputs are bounded at
//! parse time (`money::PRICE`, `QUANTITY`, …) so none of this can overflow.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::{
    invoice::{AllowanceCharge, Content, Exemption, Line, VatRounding},
    money::Currency,
    vat::{Vat, VatCategory},
};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VatSubtotal {
    pub category: VatCategory,
    pub rate: Option<Decimal>,
    pub taxable_amount: Decimal,
    pub tax_amount: Decimal,
    /// Why the category carries no VAT, as its lines, allowances and charges give it.
    pub exemption: Option<Exemption>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Totals {
    pub line_extension: Decimal,
    pub allowance_total: Decimal,
    pub charge_total: Decimal,
    pub tax_exclusive: Decimal,
    pub tax_total: Decimal,
    pub tax_inclusive: Decimal,
    pub prepaid: Decimal,
    pub payable: Decimal,
    pub vat_breakdown: Vec<VatSubtotal>,
}

/// Net amount of one line (BT-131), rounded.
pub fn line_net(currency: Currency, line: &Line) -> Decimal {
    let gross = line.quantity * line.unit_price;
    let adjust: Decimal = line
        .allowances_charges
        .iter()
        .map(|ac| signed(currency, ac))
        .sum();
    currency.round(gross + adjust)
}

/// An allowance or charge as it moves a total, at the document scale.
pub fn signed(currency: Currency, ac: &AllowanceCharge) -> Decimal {
    let amount = currency.round(ac.amount);
    if ac.is_charge {
        amount
    } else {
        -amount
    }
}

#[derive(Default)]
struct Bucket {
    taxable: Decimal,
    per_line_tax: Decimal,
    exemption: Option<Exemption>,
}

pub fn compute(content: &Content) -> Totals {
    let currency = content.currency;
    let vat_of =
        |amount: Decimal, vat: &Vat| currency.round(amount * vat.rate_or_zero() / hundred());
    let mut buckets: BTreeMap<(VatCategory, Option<Decimal>), Bucket> = BTreeMap::new();
    let mut add = |vat: &Vat, amount: Decimal, exemption: &Option<Exemption>| {
        let bucket = buckets
            .entry((vat.category, vat.rate.map(|r| r.normalize())))
            .or_default();
        bucket.taxable += amount;
        bucket.per_line_tax += vat_of(amount, vat);
        if bucket.exemption.is_none() {
            bucket.exemption.clone_from(exemption);
        }
    };

    let mut line_extension = Decimal::ZERO;
    for line in &content.lines {
        let net = line_net(currency, line);
        line_extension += net;
        add(&line.vat, net, &line.exemption);
    }
    let (mut allowance_total, mut charge_total) = (Decimal::ZERO, Decimal::ZERO);
    for ac in &content.allowances_charges {
        let amount = signed(currency, ac);
        if ac.is_charge {
            charge_total += amount;
        } else {
            allowance_total -= amount;
        }
        if let Some(vat) = &ac.vat {
            add(vat, amount, &ac.exemption);
        }
    }

    let vat_breakdown: Vec<VatSubtotal> = buckets
        .into_iter()
        .map(|((category, rate), bucket)| {
            let vat = Vat { category, rate };
            let taxable_amount = currency.round(bucket.taxable);
            let tax_amount = match content.vat_rounding {
                VatRounding::PerCategory => vat_of(taxable_amount, &vat),
                VatRounding::PerLine => currency.round(bucket.per_line_tax),
            };
            VatSubtotal {
                category,
                rate,
                taxable_amount,
                tax_amount,
                exemption: bucket.exemption,
            }
        })
        .collect();

    // Every component is already at the document scale, so the sums below are exact.
    let r = |d: Decimal| currency.round(d);
    let (line_extension, allowance_total, charge_total) =
        (r(line_extension), r(allowance_total), r(charge_total));
    let tax_total = vat_breakdown.iter().map(|s| s.tax_amount).sum::<Decimal>();
    let tax_exclusive = line_extension - allowance_total + charge_total;
    let tax_inclusive = tax_exclusive + tax_total;
    let prepaid = r(content.prepaid);
    Totals {
        line_extension,
        allowance_total,
        charge_total,
        tax_exclusive,
        tax_total,
        tax_inclusive,
        prepaid,
        payable: tax_inclusive - prepaid,
        vat_breakdown,
    }
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

/// A total the client declared, checked against ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalField {
    LineExtension,
    AllowanceTotal,
    ChargeTotal,
    TaxExclusive,
    TaxTotal,
    TaxInclusive,
    Payable,
}

impl TotalField {
    pub const ALL: [TotalField; 7] = [
        Self::LineExtension,
        Self::AllowanceTotal,
        Self::ChargeTotal,
        Self::TaxExclusive,
        Self::TaxTotal,
        Self::TaxInclusive,
        Self::Payable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::LineExtension => "line_extension",
            Self::AllowanceTotal => "allowance_total",
            Self::ChargeTotal => "charge_total",
            Self::TaxExclusive => "tax_exclusive",
            Self::TaxTotal => "tax_total",
            Self::TaxInclusive => "tax_inclusive",
            Self::Payable => "payable",
        }
    }

    pub fn of(self, totals: &Totals) -> Decimal {
        match self {
            Self::LineExtension => totals.line_extension,
            Self::AllowanceTotal => totals.allowance_total,
            Self::ChargeTotal => totals.charge_total,
            Self::TaxExclusive => totals.tax_exclusive,
            Self::TaxTotal => totals.tax_total,
            Self::TaxInclusive => totals.tax_inclusive,
            Self::Payable => totals.payable,
        }
    }
}

/// Totals a client sent with its request, and how strictly to compare them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    pub values: Vec<(TotalField, Decimal)>,
    /// `None`: exact comparison. `Some(t)`: accepted when |declared − computed| ≤ t.
    pub tolerance: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub field: TotalField,
    pub declared: Decimal,
    pub computed: Decimal,
}

/// Every declared figure that disagrees with the computed one.
pub fn check_declared(declared: &Declared, totals: &Totals) -> Vec<Mismatch> {
    let tolerance = declared.tolerance.unwrap_or_default();
    declared
        .values
        .iter()
        .filter_map(|&(field, value)| {
            let computed = field.of(totals);
            ((value - computed).abs() > tolerance).then_some(Mismatch {
                field,
                declared: value,
                computed,
            })
        })
        .collect()
}
