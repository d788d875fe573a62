//! Invoices and credit notes: their content, and the lifecycle draft → issued → paid | void.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{money::Currency, vat::Vat};

/// At most this many line items on one document (PRODUCT.md: 413 `too_many_line_items`).
pub const MAX_LINE_ITEMS: usize = 500;

/// A document-level or line-level allowance (discount) or charge (surcharge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllowanceCharge {
    pub is_charge: bool,
    /// Already rounded to the currency's document scale.
    pub amount: Decimal,
    pub base_amount: Option<Decimal>,
    pub percentage: Option<Decimal>,
    pub reason: Option<String>,
    /// UNCL 5189 (allowances) or UNCL 7161 (charges).
    pub reason_code: Option<String>,
    /// Document level only: the VAT category the amount falls under.
    pub vat: Option<Vat>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    pub quantity: Decimal,
    /// UN/ECE Recommendation 20 code, e.g. `C62` (one), `HUR` (hour).
    pub unit_code: String,
    pub unit_price: Decimal,
    pub vat: Vat,
    #[serde(default)]
    pub allowances_charges: Vec<AllowanceCharge>,
}

crate::text_enum! {
    /// How VAT amounts are rounded; see `totals`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum VatRounding("rounding mode") {
        /// Round once per VAT category and rate: tax = round(taxable × rate). EN 16931 BR-CO-17.
        #[default]
        PerCategory = "per_category",
        /// Round each line's VAT, then add them up.
        PerLine = "per_line",
    }
}

/// Everything the totals are computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub currency: Currency,
    pub lines: Vec<Line>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub prepaid: Decimal,
    pub vat_rounding: VatRounding,
}

crate::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Status("status") {
        Draft = "draft",
        Issued = "issued",
        Paid = "paid",
        Void = "void",
    }
}

impl Status {
    /// Edits are allowed only while draft.
    pub fn is_editable(self) -> bool {
        self == Self::Draft
    }

    pub fn apply(self, action: Action) -> Result<Status, TransitionRefused> {
        match (self, action) {
            (Self::Draft, Action::Issue) => Ok(Self::Issued),
            (Self::Issued, Action::MarkPaid) => Ok(Self::Paid),
            (Self::Draft | Self::Issued, Action::Void) => Ok(Self::Void),
            (from, action) => Err(TransitionRefused { from, action }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Issue,
    MarkPaid,
    Void,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("An invoice that is {from} cannot be {}.", match action {
    Action::Issue => "issued",
    Action::MarkPaid => "marked paid",
    Action::Void => "voided",
})]
pub struct TransitionRefused {
    pub from: Status,
    pub action: Action,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_only_moves_forward() {
        assert_eq!(Status::Draft.apply(Action::Issue), Ok(Status::Issued));
        assert_eq!(Status::Issued.apply(Action::MarkPaid), Ok(Status::Paid));
        assert_eq!(Status::Issued.apply(Action::Void), Ok(Status::Void));
        assert_eq!(Status::Draft.apply(Action::Void), Ok(Status::Void));
        assert!(Status::Draft.apply(Action::MarkPaid).is_err());
        assert!(Status::Issued.apply(Action::Issue).is_err());
        assert!(Status::Paid.apply(Action::Void).is_err());
        assert!(Status::Void.apply(Action::Issue).is_err());
    }
}

/// Invoice (UNCL 1001 code 380) or credit note (381).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Invoice,
    CreditNote,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
        }
    }
}

/// Header fields besides the parties and the content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    pub issue_date: Option<time::Date>,
    pub due_date: Option<time::Date>,
    pub payment_terms: Option<String>,
    pub buyer_reference: Option<String>,
    pub purchase_order: Option<String>,
    pub note: Option<String>,
}

/// An invoice or credit note as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: uuid::Uuid,
    pub kind: Kind,
    pub business_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// For a credit note: the invoice it credits.
    pub credited_invoice_id: Option<uuid::Uuid>,
    pub status: Status,
    pub number: Option<String>,
    pub terms: Terms,
    pub content: Content,
    pub issued_at: Option<time::OffsetDateTime>,
    pub paid_at: Option<time::OffsetDateTime>,
    pub voided_at: Option<time::OffsetDateTime>,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}

impl Invoice {
    pub fn totals(&self) -> crate::totals::Totals {
        crate::totals::compute(&self.content)
    }
}
