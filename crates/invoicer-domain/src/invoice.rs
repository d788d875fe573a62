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
    /// Document level only: why its category carries no VAT (E, AE, K, G, O).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Exemption>,
}

/// Why a category carries no VAT (EN 16931 BT-120 / BT-121). Categories E, AE, K, G and O need
/// one in the VAT breakdown; S, Z, L and M may not have one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemption {
    pub reason: Option<String>,
    /// CEF VATEX code, e.g. `VATEX-EU-132`.
    pub code: Option<String>,
}

/// An identifier with the ISO 6523 ICD scheme it belongs to, e.g. a GTIN (`0160`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemedId {
    pub scheme: String,
    pub id: String,
}

/// An item classification (EN 16931 BT-158): a code of a UNTDID 7143 list, e.g. `HS` or `STI`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub list_id: String,
    pub list_version: Option<String>,
    pub code: String,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Exemption>,
    #[serde(default, skip_serializing_if = "Item::is_empty")]
    pub item: Item,
    /// Free text about the line (BT-127).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What identifies and classifies the item sold on a line (EN 16931 BG-31).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Item {
    /// BT-155.
    pub seller_id: Option<String>,
    /// BT-156.
    pub buyer_id: Option<String>,
    /// BT-157, e.g. a GTIN.
    pub standard_id: Option<SchemedId>,
    /// BT-158.
    pub classifications: Vec<Classification>,
    /// BT-159, ISO 3166-1 alpha-2.
    pub origin_country: Option<String>,
}

impl Item {
    pub fn is_empty(&self) -> bool {
        *self == Item::default()
    }
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
    /// Ours go draft → issued → paid | void; received ones go received → paid | disputed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Status("status") {
        Draft = "draft",
        Issued = "issued",
        Paid = "paid",
        Void = "void",
        Received = "received",
        Disputed = "disputed",
    }
}

crate::text_enum! {
    /// `outgoing`: a document this business issued; `incoming`: one it received and imported.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub enum Direction("direction") {
        #[default]
        Outgoing = "outgoing",
        Incoming = "incoming",
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
            (Self::Issued | Self::Received | Self::Disputed, Action::MarkPaid) => Ok(Self::Paid),
            (Self::Draft | Self::Issued, Action::Void) => Ok(Self::Void),
            (Self::Received, Action::Dispute) => Ok(Self::Disputed),
            (from, action) => Err(TransitionRefused { from, action }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Issue,
    MarkPaid,
    Void,
    Dispute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("An invoice that is {from} cannot be {}.", match action {
    Action::Issue => "issued",
    Action::MarkPaid => "marked paid",
    Action::Void => "voided",
    Action::Dispute => "disputed",
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
        assert_eq!(
            Status::Received.apply(Action::Dispute),
            Ok(Status::Disputed)
        );
        assert_eq!(Status::Disputed.apply(Action::MarkPaid), Ok(Status::Paid));
        assert!(Status::Received.apply(Action::Void).is_err());
        assert!(Status::Received.apply(Action::Issue).is_err());
        assert!(Status::Issued.apply(Action::Dispute).is_err());
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
    pub payment_means: Option<PaymentMeans>,
    pub delivery: Option<Delivery>,
    /// Credit notes: the invoice credited, as it was numbered and dated (BG-3).
    pub preceding: Option<PrecedingInvoice>,
}

/// How the buyer pays (EN 16931 BG-16): a UNCL 4461 code and what that means needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMeans {
    /// UNCL 4461, e.g. `30` credit transfer, `58` SEPA credit transfer, `59` SEPA direct debit.
    pub code: String,
    /// Remittance information the buyer quotes when paying (BT-83).
    #[serde(default)]
    pub remittance: Option<String>,
    /// The account paid into (BG-17): IBAN or other account id, name, BIC.
    #[serde(default)]
    pub account: Option<PayeeAccount>,
    #[serde(default)]
    pub card: Option<Card>,
    /// Direct debit (BG-19).
    #[serde(default)]
    pub mandate: Option<Mandate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeAccount {
    pub id: String,
    pub name: Option<String>,
    pub bic: Option<String>,
}

/// A payment card (BG-18): only the last digits of its number are ever kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub last_digits: String,
    pub network: Option<String>,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mandate {
    /// BT-89.
    pub id: String,
    /// The account debited (BT-91).
    pub debited_account: Option<String>,
}

/// Where and when the goods or services were delivered (EN 16931 BG-13).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Delivery {
    #[serde(with = "crate::time_text::opt_date")]
    pub date: Option<time::Date>,
    /// BT-70.
    pub party_name: Option<String>,
    pub address: crate::party::Address,
    /// ISO 3166-1 alpha-2 (BT-80).
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecedingInvoice {
    pub number: String,
    #[serde(default, with = "crate::time_text::opt_date")]
    pub issue_date: Option<time::Date>,
}

/// The seller and buyer as they were when the document was issued: rendering uses this copy
/// only, so later edits to a business or customer never change an issued document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parties {
    pub seller: crate::party::Identity,
    pub buyer: crate::party::Identity,
}

/// An invoice or credit note as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: uuid::Uuid,
    pub kind: Kind,
    pub direction: Direction,
    pub business_id: uuid::Uuid,
    /// The buyer of an outgoing document; `None` for an incoming one, whose counterparty is the
    /// seller frozen in `parties`.
    pub customer_id: Option<uuid::Uuid>,
    /// For a credit note: the invoice it credits.
    pub credited_invoice_id: Option<uuid::Uuid>,
    pub status: Status,
    pub number: Option<String>,
    pub terms: Terms,
    pub content: Content,
    /// Frozen at issue; `None` while draft.
    pub parties: Option<Parties>,
    /// SHA-256 (hex) of the document's UBL bytes, fixed at issue (or as received).
    pub ubl_sha256: Option<String>,
    /// A received document's own totals, kept when ours cannot reproduce them to the cent
    /// (a rounding choice of its issuer); they are then the document's totals.
    pub stated_totals: Option<crate::totals::Totals>,
    pub issued_at: Option<time::OffsetDateTime>,
    pub paid_at: Option<time::OffsetDateTime>,
    pub voided_at: Option<time::OffsetDateTime>,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}

impl Invoice {
    /// What recognises the issuer of a received document: its Peppol id, else its VAT id, else
    /// its name. With the number and issue date it names the document (a re-import is the same).
    pub fn counterparty_key(&self) -> Option<String> {
        if self.direction != Direction::Incoming {
            return None;
        }
        let seller = &self.parties.as_ref()?.seller;
        Some(
            seller
                .peppol_id
                .clone()
                .or_else(|| seller.vat_id.clone())
                .unwrap_or_else(|| format!("name:{}", seller.name.to_lowercase())),
        )
    }

    /// The document's totals: as stated by a received document that ours cannot reproduce,
    /// otherwise computed.
    pub fn totals(&self) -> crate::totals::Totals {
        self.stated_totals
            .clone()
            .unwrap_or_else(|| crate::totals::compute(&self.content))
    }
}
