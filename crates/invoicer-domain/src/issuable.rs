//! What a document needs, beyond what its own fields are checked for at create and update, to be
//! issued as a valid Peppol BIS Billing 3.0 e-invoice: the prerequisites that EN 16931 and the
//! Peppol rules put on its parties and terms. Each failure is a field error naming what to set
//! and the rule that needs it, so a client learns at issue time, in one answer, everything it
//! must fix — and the rendered document then has no fatal finding.
//!
//! A draft may lack all of this; only issuing requires it.

use rust_decimal::Decimal;

use crate::{
    codelists,
    invoice::{Content, Kind, Parties, Terms},
    party::Identity,
    totals::Totals,
    validation::Violations,
    vat::VatCategory,
};

/// The categories a document uses, on lines and on document-level allowances and charges.
pub fn categories(content: &Content) -> Vec<VatCategory> {
    let mut used: Vec<VatCategory> = content
        .lines
        .iter()
        .map(|l| l.vat.category)
        .chain(
            content
                .allowances_charges
                .iter()
                .filter_map(|ac| ac.vat.map(|v| v.category)),
        )
        .collect();
    used.sort();
    used.dedup();
    used
}

/// The VAT identifiers a document may show: none when it uses category O (BR-O-02..04 forbid
/// them), so the rendering and these checks agree on what the document carries.
pub fn shows_vat_ids(content: &Content) -> bool {
    !categories(content).contains(&VatCategory::O)
}

/// The electronic address of a party (BT-34 / BT-49) as `(EAS scheme, identifier)`: its Peppol
/// participant id. (An email is no substitute: Peppol's EAS list has no `EM`, CL008.)
pub fn endpoint(party: &Identity) -> Option<(&str, &str)> {
    party.peppol_id.as_deref().and_then(|id| id.split_once(':'))
}

pub fn check(
    kind: Kind,
    terms: &Terms,
    content: &Content,
    totals: &Totals,
    parties: &Parties,
) -> Violations {
    let mut v = Violations::new();
    let (seller, buyer) = (&parties.seller, &parties.buyer);

    if terms.buyer_reference.is_none() && terms.purchase_order.is_none() {
        v.push(
            "buyer_reference",
            "required",
            "Peppol BIS 3.0 needs a buyer_reference or a purchase_order on every document \
             (PEPPOL-EN16931-R003).",
        );
    }
    for (field, party, rule) in [
        ("seller", seller, "PEPPOL-EN16931-R020"),
        ("buyer", buyer, "PEPPOL-EN16931-R010"),
    ] {
        if endpoint(party).is_none() {
            v.push(
                format!("{field}.peppol_id"),
                "required",
                format!(
                    "The {field} needs an electronic address, its peppol_id ({rule}). Set it on \
                     the {}, then issue.",
                    if field == "seller" {
                        "business"
                    } else {
                        "customer"
                    }
                ),
            );
        }
    }
    if !codelists::iso4217::CEN.contains(content.currency.code()) {
        v.push(
            "currency",
            "not_supported",
            format!(
                "{} is not on the currency list of the EN 16931 validation artefacts \
                 (BR-CL-03); invoice in another currency.",
                content.currency
            ),
        );
    }
    // The rule names invoices only: a credit note's amount is paid back, not due.
    if kind == Kind::Invoice
        && totals.payable > Decimal::ZERO
        && terms.due_date.is_none()
        && terms.payment_terms.is_none()
    {
        v.push(
            "due_date",
            "required",
            "An amount is due: give a due_date or payment_terms (EN 16931 BR-CO-25).",
        );
    }

    let currency = content.currency;
    for (i, line) in content.lines.iter().enumerate() {
        // PEPPOL-EN16931-R120 holds the rounded line net within 0.02 of quantity × price;
        // in a currency without decimals (JPY) rounding to whole units can move it further.
        let exact = line.quantity * line.unit_price
            + line
                .allowances_charges
                .iter()
                .map(|ac| crate::totals::signed(currency, ac))
                .sum::<Decimal>();
        let net = crate::totals::line_net(currency, line);
        if (net - exact).abs() > Decimal::new(2, 2) {
            v.push(
                format!("line_items[{i}].unit_price"),
                "not_representable",
                format!(
                    "Quantity × unit price comes to {exact}, which {currency} rounds to {net}: \
                     more than the 0.02 an e-invoice allows (PEPPOL-EN16931-R120). Use a price \
                     that gives whole {currency} amounts."
                ),
            );
        }
    }
    for s in &totals.vat_breakdown {
        // BR-CO-17 accepts a category's VAT within one unit of taxable × rate; rounding each
        // line's VAT can drift further than that over many lines.
        let expected = crate::money::round_to(
            s.taxable_amount.abs() * s.rate.unwrap_or_default() / Decimal::ONE_HUNDRED,
            2,
        );
        if (s.tax_amount.abs() - expected).abs() >= Decimal::ONE {
            v.push(
                "vat_rounding",
                "exceeds_tolerance",
                format!(
                    "Rounded per line, the VAT of category {} at {} % is {}, more than one unit \
                     from {} on its taxable amount (EN 16931 BR-CO-17); use per_category.",
                    s.category,
                    s.rate.unwrap_or_default(),
                    s.tax_amount,
                    expected
                ),
            );
        }
    }
    let used = categories(content);
    let vat_ids = shows_vat_ids(content);
    let seller_vat = vat_ids && seller.vat_id.is_some();
    if !seller_vat && seller.company_id.is_none() {
        let why = if vat_ids {
            "The seller needs a vat_id or a company_id so the buyer can identify it (EN 16931 BR-CO-26)."
        } else {
            "A document of category O (not subject to VAT) shows no VAT ids (BR-O-02), so the \
             seller needs a company_id to be identified (EN 16931 BR-CO-26)."
        };
        v.push("seller.company_id", "required", why);
    }
    // Every category but O needs the seller's VAT id (BR-S-02, BR-Z-02, … BR-AG-02).
    let needing_seller_vat = used.iter().find(|c| **c != VatCategory::O);
    if let (Some(&category), false) = (needing_seller_vat, seller_vat) {
        v.push(
            "seller.vat_id",
            "required",
            format!(
                "VAT category {category} needs the seller's VAT id (EN 16931 BR-{}-02).",
                category.rule_family()
            ),
        );
    }
    if used.contains(&VatCategory::AE) && buyer.vat_id.is_none() && buyer.company_id.is_none() {
        v.push(
            "buyer.vat_id",
            "required",
            "Reverse charge (AE) needs the buyer's VAT id or legal registration id (EN 16931 BR-AE-02).",
        );
    }
    if used.contains(&VatCategory::K) {
        if buyer.vat_id.is_none() {
            v.push(
                "buyer.vat_id",
                "required",
                "An intra-community supply (K) needs the buyer's VAT id (EN 16931 BR-IC-02).",
            );
        }
        let delivery = terms.delivery.as_ref();
        if delivery.and_then(|d| d.country.as_ref()).is_none() {
            v.push(
                "delivery.country",
                "required",
                "An intra-community supply (K) needs the country delivered to (EN 16931 BR-IC-12).",
            );
        }
        if delivery.and_then(|d| d.date).is_none() {
            v.push(
                "delivery.date",
                "required",
                "An intra-community supply (K) needs the delivery date (EN 16931 BR-IC-11).",
            );
        }
    }
    crate::national::check(kind, terms, content, totals, parties, &mut v);
    if kind == Kind::CreditNote && terms.preceding.is_none() {
        // Credit notes are only ever made against an issued invoice, which sets it.
        v.push(
            "invoice_id",
            "required",
            "A credit note names the invoice it credits.",
        );
    }
    v
}
