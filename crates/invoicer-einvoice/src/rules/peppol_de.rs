//! The German rules of Peppol BIS Billing 3.0 (DE-R-*, taken over from XRechnung). They apply
//! only when both seller and buyer have a German postal address.

use rust_decimal::Decimal;

use super::peppol::Context;
use super::xpath::{any_raw_eq, string_value};
use super::Out;
use crate::decimal;
use crate::tree::{Doc, El};

/// Categories for which a German seller must show a VAT or tax number (DE-R-016).
const TAXED_CATEGORIES: &[&str] = &["S", "Z", "E", "AE", "K", "G", "L", "M"];
/// Type codes XRechnung expects (DE-R-017).
const TYPE_CODES: &[&str] = &["326", "380", "384", "389", "381", "875", "876", "877"];

pub(crate) fn check(doc: &Doc<'_>, cx: &Context, out: &mut Out) {
    if !(cx.supplier_is_de && cx.customer_is_de) {
        return;
    }
    let root = doc.root();
    document(root, out);
    let filled = |e: El<'_, '_>, name: &str| e.all(name).any(|c| !c.text().is_empty());
    for supplier in root.all("cac:AccountingSupplierParty") {
        out.fatal(
            supplier.exists("cac:Party/cac:Contact"),
            "DE-R-002",
            supplier,
            "The seller contact (cac:Party/cac:Contact, BG-6) must be given.",
        );
        for address in supplier.select("cac:Party/cac:PostalAddress") {
            city_and_post_code(address, ("DE-R-003", "DE-R-004"), "seller", out);
        }
        for contact in supplier.select("cac:Party/cac:Contact") {
            for (rule, name, what) in [
                ("DE-R-005", "cbc:Name", "contact point (cbc:Name)"),
                (
                    "DE-R-006",
                    "cbc:Telephone",
                    "telephone number (cbc:Telephone)",
                ),
                (
                    "DE-R-007",
                    "cbc:ElectronicMail",
                    "e-mail address (cbc:ElectronicMail)",
                ),
            ] {
                out.fatal(
                    filled(contact, name),
                    rule,
                    contact,
                    format_args!("The seller contact's {what} must be given."),
                );
            }
            let phone = contact.text_at("cbc:Telephone");
            out.warning(
                phone.chars().filter(char::is_ascii_digit).count() >= 3,
                "DE-R-027",
                contact,
                "The seller contact telephone number should contain at least three digits.",
            );
            out.warning(
                is_email(&contact.text_at("cbc:ElectronicMail")),
                "DE-R-028",
                contact,
                "The seller contact e-mail address should be a valid address with exactly one @.",
            );
        }
    }
    for address in root.select("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress") {
        city_and_post_code(address, ("DE-R-008", "DE-R-009"), "buyer", out);
    }
    for address in root.select("cac:Delivery/cac:DeliveryLocation/cac:Address") {
        city_and_post_code(address, ("DE-R-010", "DE-R-011"), "deliver-to", out);
    }
    for means in root.all("cac:PaymentMeans") {
        payment_means(means, out);
    }
    for subtotal in root.select("cac:TaxTotal/cac:TaxSubtotal") {
        out.fatal(
            subtotal
                .select("cac:TaxCategory/cbc:Percent")
                .iter()
                .any(|p| !p.text().is_empty()),
            "DE-R-014",
            subtotal,
            "Each VAT breakdown must state its VAT rate (cac:TaxCategory/cbc:Percent).",
        );
    }
}

fn city_and_post_code(
    address: El<'_, '_>,
    (city_rule, zone_rule): (&'static str, &'static str),
    who: &str,
    out: &mut Out,
) {
    for (rule, name, what) in [
        (city_rule, "cbc:CityName", "city"),
        (zone_rule, "cbc:PostalZone", "post code"),
    ] {
        out.fatal(
            address.all(name).any(|c| !c.text().is_empty()),
            rule,
            address,
            format_args!("The {who} address must give its {what} ({name})."),
        );
    }
}

fn document(root: El<'_, '_>, out: &mut Out) {
    out.fatal(
        root.has("cac:PaymentMeans"),
        "DE-R-001",
        root,
        "Payment instructions (cac:PaymentMeans, BG-16) must be given.",
    );
    out.fatal(
        root.all("cbc:BuyerReference").any(|b| !b.text().is_empty()),
        "DE-R-015",
        root,
        "The buyer reference (cbc:BuyerReference, BT-10; the Leitweg-ID) must be given.",
    );
    let taxed = |path: &'static str, indicator: Option<&str>| {
        root.select(path).iter().any(|id| {
            let category_ok = TAXED_CATEGORIES.contains(&string_value(*id).as_ref());
            let indicator_ok = indicator.is_none_or(|want| {
                id.ancestors()
                    .filter(|a| a.is("cac:AllowanceCharge"))
                    .any(|a| any_raw_eq(a, "cbc:ChargeIndicator", want))
            });
            category_ok && indicator_ok
        })
    };
    let uses_vat = taxed("cac:AllowanceCharge/cac:TaxCategory/cbc:ID", Some("false"))
        || taxed("cac:AllowanceCharge/cac:TaxCategory/cbc:ID", Some("true"))
        || taxed(
            "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
            None,
        )
        || taxed(
            "cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
            None,
        );
    let seller_number = root
        .select("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
        .iter()
        .any(|c| !c.text().is_empty());
    out.fatal(
        !uses_vat || root.has("cac:TaxRepresentativeParty") || seller_number,
        "DE-R-016",
        root,
        "With VAT categories S, Z, E, AE, K, G, L or M the seller's VAT identifier or tax \
         number, or a tax representative, must be given.",
    );
    let type_code = root
        .all("cbc:InvoiceTypeCode")
        .chain(root.all("cbc:CreditNoteTypeCode"))
        .any(|c| TYPE_CODES.contains(&string_value(c).as_ref()));
    out.warning(
        type_code,
        "DE-R-017",
        root,
        "The type code should be one of 326, 380, 384, 389, 381, 875, 876 or 877.",
    );
    out.fatal(
        skonto_terms_ok(root),
        "DE-R-018",
        root,
        "Cash discount terms in the payment terms note must be written as \
         #SKONTO#TAGE=n#PROZENT=n.nn# (optionally #BASISBETRAG=n.nn#), one per line, each line \
         ending with a line break.",
    );
    // A name repeats when an earlier reference already used it; references are compared in
    // order, each against all its predecessors, as the artefact does.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut repeated = false;
    for reference in root.all("cac:AdditionalDocumentReference") {
        let names: Vec<String> = reference
            .select("cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
            .iter()
            .filter_map(|o| o.attr("filename").map(str::to_owned))
            .collect();
        repeated |= names.iter().any(|n| seen.contains(n));
        seen.extend(names);
    }
    out.fatal(
        !repeated,
        "DE-R-022",
        root,
        "Attached documents must have distinct file names.",
    );
    let corrected = root
        .all("cbc:InvoiceTypeCode")
        .chain(root.all("cbc:CreditNoteTypeCode"))
        .any(|c| decimal::parse(c.raw_text()) == Some(Decimal::from(384)));
    out.warning(
        !corrected || root.exists("cac:BillingReference/cac:InvoiceDocumentReference"),
        "DE-R-026",
        root,
        "A corrected invoice (type code 384) should reference the invoice it corrects \
         (cac:BillingReference).",
    );
    let mandate = root.exists("cac:PaymentMeans/cac:PaymentMandate");
    let sepa_creditor = [
        "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
        "cac:PayeeParty/cac:PartyIdentification/cbc:ID",
    ]
    .iter()
    .any(|p| {
        root.select(p)
            .iter()
            .any(|id| id.attr("schemeID") == Some("SEPA"))
    });
    out.fatal(
        !mandate || sepa_creditor,
        "DE-R-030",
        root,
        "A direct debit needs the creditor identifier (PartyIdentification/ID with schemeID \
         SEPA) of the seller or payee.",
    );
    out.fatal(
        !mandate
            || root.exists("cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
        "DE-R-031",
        root,
        "A direct debit needs the debited account (PaymentMandate/PayerFinancialAccount/ID).",
    );
}

/// The payment means code as a number, as `cbc:PaymentMeansCode = (30,58)` compares it.
fn numeric_code(means: El<'_, '_>) -> Vec<Decimal> {
    means
        .all("cbc:PaymentMeansCode")
        .filter_map(|c| decimal::parse(c.raw_text()))
        .collect()
}

fn payment_means(means: El<'_, '_>, out: &mut Out) {
    let codes = numeric_code(means);
    let is = |values: &[i64]| {
        codes
            .iter()
            .any(|c| values.iter().any(|v| *c == Decimal::from(*v)))
    };
    if is(&[30, 58]) {
        let account = means
            .find("cac:PayeeFinancialAccount/cbc:ID")
            .map(string_value);
        out.warning(
            !any_raw_eq(means, "cbc:PaymentMeansCode", "58")
                || account.as_deref().is_some_and(is_iban),
            "DE-R-019",
            means,
            "For SEPA credit transfer (58) the payment account should be a valid IBAN.",
        );
        out.fatal(
            means.has("cac:PayeeFinancialAccount"),
            "DE-R-023-1",
            means,
            "A credit transfer (30, 58) needs the credit transfer account \
             (cac:PayeeFinancialAccount).",
        );
        out.fatal(
            !means.has("cac:CardAccount") && !means.has("cac:PaymentMandate"),
            "DE-R-023-2",
            means,
            "A credit transfer (30, 58) must not carry card or direct debit details.",
        );
    }
    if is(&[48, 54, 55]) {
        out.fatal(
            means.has("cac:CardAccount"),
            "DE-R-024-1",
            means,
            "A card payment (48, 54, 55) needs the card details (cac:CardAccount).",
        );
        out.fatal(
            !means.has("cac:PayeeFinancialAccount") && !means.has("cac:PaymentMandate"),
            "DE-R-024-2",
            means,
            "A card payment (48, 54, 55) must not carry credit transfer or direct debit details.",
        );
    }
    if is(&[59]) {
        let account = means
            .find("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")
            .map(string_value);
        out.warning(
            !any_raw_eq(means, "cbc:PaymentMeansCode", "59")
                || account.as_deref().is_some_and(is_iban),
            "DE-R-020",
            means,
            "For SEPA direct debit (59) the debited account should be a valid IBAN.",
        );
        out.fatal(
            means.has("cac:PaymentMandate"),
            "DE-R-025-1",
            means,
            "A direct debit (59) needs the mandate (cac:PaymentMandate).",
        );
        out.fatal(
            !means.has("cac:PayeeFinancialAccount") && !means.has("cac:CardAccount"),
            "DE-R-025-2",
            means,
            "A direct debit (59) must not carry credit transfer or card details.",
        );
    }
}

/// Two upper-case letters, two digits, up to 30 letters or digits (whitespace ignored), and
/// the ISO 7064 mod 97 check, letters counted as the artefact counts them (code point − 55).
fn is_iban(raw: &str) -> bool {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let b = s.as_bytes();
    let shape = b.len() >= 4
        && b.len() <= 34
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return false;
    }
    let rearranged = s[4..].chars().chain(s[..2].chars()).chain(s[2..4].chars());
    let mut remainder: u64 = 0;
    for c in rearranged {
        let value = c as u64;
        let digits = if value > 64 { value - 55 } else { value - 48 };
        for d in digits.to_string().bytes() {
            remainder = (remainder * 10 + u64::from(d - b'0')) % 97;
        }
    }
    remainder == 1
}

/// The XRechnung e-mail pattern: dot-separated atoms, one @, dot-separated domain labels.
fn is_email(s: &str) -> bool {
    const SPECIAL: &str = "!#$%&\"*+/=?^_`{|}~-";
    let atom_char = |c: char| c.is_ascii_alphanumeric() || SPECIAL.contains(c);
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let label = |l: &str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local
            .split('.')
            .all(|a| !a.is_empty() && a.chars().all(atom_char))
        && labels.len() >= 2
        && labels.iter().all(|l| label(l))
}

/// DE-R-018 on the first payment terms note; the check itself is the domain's, which issuing
/// uses too.
fn skonto_terms_ok(root: El<'_, '_>) -> bool {
    root.find("cac:PaymentTerms/cbc:Note")
        .is_none_or(|note| invoicer_domain::national::skonto_terms_ok(&string_value(note)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_with_mod_97() {
        assert!(is_iban("DE75 5121 0800 1245 1261 99"));
        assert!(!is_iban("DE75512108001245126198"));
        assert!(!is_iban("de75512108001245126199"));
    }

    #[test]
    fn e_mail_addresses_follow_the_xrechnung_pattern() {
        assert!(is_email("a.b@example.de"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a..b@example.de"));
        assert!(!is_email("a@-x.de"));
    }
}
