//! Peppol BIS Billing 3.0 rules that apply in every country: PEPPOL-EN16931-R*, the code-list
//! rules PEPPOL-EN16931-CL*, P01*, F001, and the identifier checks PEPPOL-COMMON-R*.

use rust_decimal::Decimal;

use invoicer_domain::codelists::{eas, iso4217, mime, uncl1001, uncl2005, uncl5189, uncl7161};
use invoicer_domain::participant;

use super::xpath::{any_raw_eq, date, dec, dec_of, is_number, string_value, substring, sum};
use super::Out;
use crate::decimal::round2;
use crate::tree::{normalize, Doc, El, Ns};

/// The document-wide variables the Peppol artefact computes once (`$profile`,
/// `$supplierCountry`, …).
pub(crate) struct Context {
    /// The two-digit process number of a well-formed Peppol ProfileID, `None` for 'Unknown'.
    pub(crate) profile: Option<String>,
    pub(crate) supplier_country: String,
    pub(crate) customer_country: String,
    pub(crate) supplier_is_de: bool,
    pub(crate) customer_is_de: bool,
    /// The string value of the document's `cbc:DocumentCurrencyCode`, which every amount is
    /// compared with.
    pub(crate) document_currency: Option<String>,
}

/// `upper-case(normalize-space(first(path)))` of the party's VAT number prefix, as the
/// artefact's `$supplierCountry` reads it: the first two characters of the first VAT
/// `PartyTaxScheme/CompanyID` (scheme compared without normalising), if any.
fn vat_prefix(party: Option<El<'_, '_>>) -> Option<String> {
    let party = party?;
    let first = party
        .all("cac:PartyTaxScheme")
        .find(|pts| any_raw_eq(*pts, "cac:TaxScheme/cbc:ID", "VAT"))?;
    let prefix = first
        .child("cbc:CompanyID")
        .map(|c| substring(&string_value(c), 1, 2))
        .unwrap_or_default();
    (!prefix.is_empty()).then(|| normalize(&prefix).to_uppercase())
}

fn country_code(party: Option<El<'_, '_>>) -> Option<String> {
    party?
        .find("cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        .map(|c| c.text().to_uppercase())
}

impl Context {
    pub(crate) fn of(doc: &Doc<'_>) -> Self {
        let root = doc.root();
        let supplier = root.find("cac:AccountingSupplierParty/cac:Party");
        let customer = root.find("cac:AccountingCustomerParty/cac:Party");
        let representative = root.child("cac:TaxRepresentativeParty");
        let supplier_country = vat_prefix(supplier)
            .or_else(|| vat_prefix(representative))
            .or_else(|| country_code(supplier))
            .unwrap_or_else(|| "XX".to_owned());
        let customer_country = vat_prefix(customer)
            .or_else(|| country_code(customer))
            .unwrap_or_else(|| "XX".to_owned());
        Context {
            profile: profile(root),
            supplier_country,
            customer_country,
            supplier_is_de: country_code(supplier).as_deref() == Some("DE"),
            customer_is_de: country_code(customer).as_deref() == Some("DE"),
            document_currency: root
                .child("cbc:DocumentCurrencyCode")
                .map(|c| string_value(c).into_owned()),
        }
    }
}

/// `matches(normalize-space(ProfileID), 'urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0')`
/// (unanchored, `.` matching any character), then the seventh `:`-separated token.
fn profile(root: El<'_, '_>) -> Option<String> {
    let id = root.child("cbc:ProfileID")?.text();
    const PATTERN: &[u8] = b"urn:fdc:peppol.eu:2017:poacc:billing:##:1.0";
    let chars: Vec<char> = id.chars().collect();
    let matches_at = |start: usize| {
        PATTERN.iter().enumerate().all(|(i, &p)| {
            let Some(&c) = chars.get(start + i) else {
                return false;
            };
            match p {
                b'#' => c.is_ascii_digit(),
                b'.' => c != '\n' && c != '\r',
                _ => c == char::from(p),
            }
        })
    };
    if !(0..chars.len()).any(matches_at) {
        return None;
    }
    Some(id.split(':').nth(6).unwrap_or("").to_owned())
}

const PEPPOL_CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

/// The amount elements every currency rule looks at.
pub(crate) fn is_amount(e: El<'_, '_>) -> bool {
    e.ns() == Ns::Cbc
        && matches!(
            e.local_name(),
            "Amount"
                | "BaseAmount"
                | "PriceAmount"
                | "TaxAmount"
                | "TaxableAmount"
                | "LineExtensionAmount"
                | "TaxExclusiveAmount"
                | "TaxInclusiveAmount"
                | "AllowanceTotalAmount"
                | "ChargeTotalAmount"
                | "PrepaidAmount"
                | "PayableRoundingAmount"
                | "PayableAmount"
        )
}

pub(crate) fn check(doc: &Doc<'_>, cx: &Context, out: &mut Out) {
    let root = doc.root();
    document(root, cx, out);
    for e in doc.elements() {
        empty_element(e, out);
        match e.ns() {
            Ns::Cac => aggregate(e, root, out),
            Ns::Cbc => basic(e, root, cx, out),
            _ => {}
        }
    }
}

/// PEPPOL-EN16931-R008: any element without child elements and without text. The rule's
/// context is `//*`, so it also catches empty extension and foreign elements.
fn empty_element(e: El<'_, '_>, out: &mut Out) {
    // A leaf's normalised text is empty exactly when its text is all whitespace.
    if !e.has_children()
        && e.raw_text()
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        out.fatal(
            false,
            "PEPPOL-EN16931-R008",
            e,
            "This element is empty. Remove it, or give it a value: Peppol does not allow empty \
             elements.",
        );
    }
}

fn document(root: El<'_, '_>, cx: &Context, out: &mut Out) {
    let de_to_de = cx.supplier_is_de && cx.customer_is_de;
    if !root.doc().is_invoice() {
        out.fatal(
            root.all("cac:AdditionalDocumentReference")
                .filter(|r| any_raw_eq(*r, "cbc:DocumentTypeCode", "50"))
                .count()
                <= 1,
            "PEPPOL-EN16931-R080",
            root,
            "More than one project reference (AdditionalDocumentReference with DocumentTypeCode \
             50) is given; keep one.",
        );
    }
    out.fatal(
        root.has("cbc:ProfileID"),
        "PEPPOL-EN16931-R001",
        root,
        "The business process (cbc:ProfileID) is missing. Add it, e.g. \
         urn:fdc:peppol.eu:2017:poacc:billing:01:1.0.",
    );
    out.fatal(
        cx.profile.is_some(),
        "PEPPOL-EN16931-R007",
        root,
        "The business process (cbc:ProfileID) is not of the form \
         urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0. Use the Peppol process identifier.",
    );
    out.fatal(
        root.all("cbc:Note").count() <= 1 || de_to_de,
        "PEPPOL-EN16931-R002",
        root,
        "More than one document-level note is given. Merge them into one cbc:Note (several \
         are allowed only between German seller and buyer).",
    );
    out.fatal(
        root.has("cbc:BuyerReference") || root.exists("cac:OrderReference/cbc:ID"),
        "PEPPOL-EN16931-R003",
        root,
        "Neither a buyer reference (cbc:BuyerReference) nor a purchase order reference \
         (cac:OrderReference/cbc:ID) is given. Add one of them.",
    );
    let customization = root
        .child("cbc:CustomizationID")
        .map(|c| normalize(c.raw_text()).into_owned())
        .unwrap_or_default();
    out.fatal(
        customization.starts_with(PEPPOL_CUSTOMIZATION),
        "PEPPOL-EN16931-R004",
        root,
        "The specification identifier (cbc:CustomizationID) is not Peppol BIS Billing 3.0. Set \
         it to urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0.",
    );
    let with_subtotals = root
        .all("cac:TaxTotal")
        .filter(|t| t.has("cac:TaxSubtotal"))
        .count();
    out.fatal(
        with_subtotals == 1,
        "PEPPOL-EN16931-R053",
        root,
        "There must be exactly one cac:TaxTotal with VAT breakdown (cac:TaxSubtotal). Put the \
         whole breakdown in one TaxTotal.",
    );
    let without_subtotals = root
        .all("cac:TaxTotal")
        .filter(|t| !t.has("cac:TaxSubtotal"))
        .count();
    let tax_currency = root.child("cbc:TaxCurrencyCode");
    out.fatal(
        without_subtotals == usize::from(tax_currency.is_some()),
        "PEPPOL-EN16931-R054",
        root,
        "A cac:TaxTotal without breakdown carries the VAT total in the VAT accounting currency: \
         give exactly one when cbc:TaxCurrencyCode is present, and none otherwise.",
    );
    if let Some(tax_currency) = tax_currency {
        let document_currency = root
            .child("cbc:DocumentCurrencyCode")
            .map(|c| c.text().into_owned())
            .unwrap_or_default();
        let tax_amounts = |currency: &str, test: fn(Decimal) -> bool| {
            root.select("cac:TaxTotal/cbc:TaxAmount")
                .iter()
                .any(|a| a.attr("currencyID") == Some(currency) && dec_of(*a).is_some_and(test))
        };
        let accounting = tax_currency.text();
        let same_sign = (tax_amounts(&accounting, |d| d <= Decimal::ZERO)
            && tax_amounts(&document_currency, |d| d <= Decimal::ZERO))
            || (tax_amounts(&accounting, |d| d >= Decimal::ZERO)
                && tax_amounts(&document_currency, |d| d >= Decimal::ZERO));
        out.fatal(
            same_sign,
            "PEPPOL-EN16931-R055",
            root,
            "The VAT total in the invoice currency and the VAT total in the accounting currency \
             have different signs. Both must be positive or both negative.",
        );
    }
}

fn aggregate(e: El<'_, '_>, root: El<'_, '_>, out: &mut Out) {
    let parent = e.parent();
    let parent_is = |q: &str| parent.is_some_and(|p| p.is(q));
    let grandparent_is_root = parent.and_then(|p| p.parent()) == Some(root);
    match e.local_name() {
        "Party" => {
            if parent_is("cac:AccountingCustomerParty") {
                out.fatal(
                    e.has("cbc:EndpointID"),
                    "PEPPOL-EN16931-R010",
                    e,
                    "The buyer's electronic address (cbc:EndpointID) is missing. Add the buyer's \
                     Peppol address with its scheme.",
                );
            } else if parent_is("cac:AccountingSupplierParty") {
                out.fatal(
                    e.has("cbc:EndpointID"),
                    "PEPPOL-EN16931-R020",
                    e,
                    "The seller's electronic address (cbc:EndpointID) is missing. Add the \
                     seller's Peppol address with its scheme.",
                );
            }
        }
        "AllowanceCharge" => {
            let on_document = parent == Some(root);
            let on_line = (parent_is("cac:InvoiceLine") || parent_is("cac:CreditNoteLine"))
                && grandparent_is_root
                && parent.is_some_and(|p| {
                    p.is(if root.doc().is_invoice() {
                        "cac:InvoiceLine"
                    } else {
                        "cac:CreditNoteLine"
                    })
                });
            if on_document || on_line {
                allowance_charge(e, out);
            } else if parent_is("cac:Price") {
                price_allowance(e, out);
            }
        }
        "PaymentMeans" => {
            let code = e.text_at("cbc:PaymentMeansCode");
            if code == "49" || code == "59" {
                out.fatal(
                    e.exists("cac:PaymentMandate/cbc:ID"),
                    "PEPPOL-EN16931-R061",
                    e,
                    "Direct debit (payment means 49 or 59) needs the mandate reference \
                     (cac:PaymentMandate/cbc:ID). Add it.",
                );
            }
        }
        "InvoiceLine" | "CreditNoteLine" => line(e, root, out),
        _ => {}
    }
}

/// The three rules on document and line allowances/charges. The artefact tests R041 and R042
/// in earlier rules of the same pattern, so a node they catch is not checked by R040/R043.
fn allowance_charge(e: El<'_, '_>, out: &mut Out) {
    let factor = e.has("cbc:MultiplierFactorNumeric");
    let base = e.has("cbc:BaseAmount");
    if factor && !base {
        out.fatal(
            false,
            "PEPPOL-EN16931-R041",
            e,
            "A percentage (cbc:MultiplierFactorNumeric) is given without the base amount \
             (cbc:BaseAmount) it applies to. Add the base amount.",
        );
        return;
    }
    if !factor && base {
        out.fatal(
            false,
            "PEPPOL-EN16931-R042",
            e,
            "A base amount (cbc:BaseAmount) is given without the percentage \
             (cbc:MultiplierFactorNumeric). Add the percentage or remove the base amount.",
        );
        return;
    }
    if factor && base {
        let amount = if e.has("cbc:Amount") {
            dec(e, "cbc:Amount")
        } else {
            Some(Decimal::ZERO)
        };
        let expected = dec(e, "cbc:BaseAmount")
            .zip(dec(e, "cbc:MultiplierFactorNumeric"))
            .and_then(|(b, f)| b.checked_mul(f))
            .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED));
        if let (Some(amount), Some(expected)) = (amount, expected) {
            out.calculation(
                within(amount, expected, Decimal::new(2, 2)),
                "PEPPOL-EN16931-R040",
                e,
                "The allowance/charge amount does not equal base amount × percentage / 100 \
                 (within 0.02). Correct the amount, the base amount or the percentage.",
                Some(expected),
                Some(amount),
            );
        }
    }
    let indicator = e
        .child("cbc:ChargeIndicator")
        .map(|c| normalize(c.raw_text()).into_owned())
        .unwrap_or_default();
    out.fatal(
        indicator == "true" || indicator == "false",
        "PEPPOL-EN16931-R043",
        e,
        "cbc:ChargeIndicator must be exactly 'true' (charge) or 'false' (allowance).",
    );
}

/// `u:slack(exp, val, slack)`: `val` within `slack` of `exp`.
pub(crate) fn within(declared: Decimal, computed: Decimal, slack: Decimal) -> bool {
    declared + slack >= computed && declared - slack <= computed
}

fn price_allowance(e: El<'_, '_>, out: &mut Out) {
    out.fatal(
        e.text_at("cbc:ChargeIndicator") == "false",
        "PEPPOL-EN16931-R044",
        e,
        "A charge on the item price is not allowed; only a price discount (ChargeIndicator \
         false) may appear under cac:Price.",
    );
    if e.has("cbc:BaseAmount") {
        let net = e.parent().and_then(|p| dec(p, "cbc:PriceAmount"));
        let gross = dec(e, "cbc:BaseAmount");
        let discount = dec(e, "cbc:Amount");
        if let (Some(net), Some(gross), Some(discount)) = (net, gross, discount) {
            out.calculation(
                net == gross - discount,
                "PEPPOL-EN16931-R046",
                e,
                "The item net price (cbc:PriceAmount) must equal the gross price (cbc:BaseAmount) \
                 minus the price discount (cbc:Amount).",
                Some(gross - discount),
                Some(net),
            );
        }
    }
}

fn line(e: El<'_, '_>, root: El<'_, '_>, out: &mut Out) {
    let invoice = root.doc().is_invoice();
    let or = |d: Option<Decimal>, present: bool, default: Decimal| {
        if present {
            d
        } else {
            Some(default)
        }
    };
    let line_amount = or(
        dec(e, "cbc:LineExtensionAmount"),
        e.has("cbc:LineExtensionAmount"),
        Decimal::ZERO,
    );
    let quantity_name = if invoice {
        "cbc:InvoicedQuantity"
    } else {
        "cbc:CreditedQuantity"
    };
    let quantity = or(dec(e, quantity_name), e.has(quantity_name), Decimal::ONE);
    let price = or(
        dec(e, "cac:Price/cbc:PriceAmount"),
        e.exists("cac:Price/cbc:PriceAmount"),
        Decimal::ZERO,
    );
    let base_quantity = if e.exists("cac:Price/cbc:BaseQuantity") {
        dec(e, "cac:Price/cbc:BaseQuantity").map(|b| if b.is_zero() { Decimal::ONE } else { b })
    } else {
        Some(Decimal::ONE)
    };
    let line_total = |charge: &str| {
        let items: Vec<El> = e
            .all("cac:AllowanceCharge")
            .filter(|a| a.text_at("cbc:ChargeIndicator") == charge)
            .collect();
        if items.is_empty() {
            return Some(Decimal::ZERO);
        }
        sum(items.iter().flat_map(|a| a.all("cbc:Amount")).map(dec_of)).map(round2)
    };
    if let (Some(amount), Some(q), Some(p), Some(b), Some(charges), Some(allowances)) = (
        line_amount,
        quantity,
        price,
        base_quantity,
        line_total("true"),
        line_total("false"),
    ) {
        let computed = p
            .checked_div(b)
            .and_then(|unit| q.checked_mul(unit))
            .and_then(|net| net.checked_add(charges))
            .and_then(|net| net.checked_sub(allowances));
        if let Some(computed) = computed {
            out.calculation(
                within(amount, computed, Decimal::new(2, 2)),
                "PEPPOL-EN16931-R120",
                e,
                "The line net amount does not equal quantity × (net price / base quantity) + line \
                 charges − line allowances (within 0.02). Recompute cbc:LineExtensionAmount.",
                Some(computed),
                Some(amount),
            );
        }
    }
    if e.exists("cac:Price/cbc:BaseQuantity") {
        out.fatal(
            dec(e, "cac:Price/cbc:BaseQuantity").is_some_and(|b| b > Decimal::ZERO),
            "PEPPOL-EN16931-R121",
            e,
            "The price base quantity (cac:Price/cbc:BaseQuantity) must be a number above zero.",
        );
    }
    let references = e.all("cac:DocumentReference").count();
    out.fatal(
        references <= 1,
        "PEPPOL-EN16931-R100",
        e,
        "A line may reference only one invoiced object (cac:DocumentReference). Keep one.",
    );
    out.fatal(
        references == 0 || any_raw_eq(e, "cac:DocumentReference/cbc:DocumentTypeCode", "130"),
        "PEPPOL-EN16931-R101",
        e,
        "A line-level cac:DocumentReference may only identify an invoiced object: give it \
         cbc:DocumentTypeCode 130.",
    );
}

fn basic(e: El<'_, '_>, root: El<'_, '_>, cx: &Context, out: &mut Out) {
    let name = e.local_name();
    let parent = e.parent();
    let parent_is = |q: &str| parent.is_some_and(|p| p.is(q));
    if is_amount(e) {
        // R051 leaves out the VAT total in accounting currency: it only takes a TaxAmount
        // from a TaxSubtotal or from a TaxTotal that has a breakdown.
        let in_scope = name != "TaxAmount"
            || parent.is_some_and(|p| {
                p.is("cac:TaxSubtotal") || (p.is("cac:TaxTotal") && p.has("cac:TaxSubtotal"))
            });
        if in_scope {
            out.fatal(
                e.attr("currencyID").is_some()
                    && e.attr("currencyID") == cx.document_currency.as_deref(),
                "PEPPOL-EN16931-R051",
                e,
                "This amount's currencyID differs from the invoice currency \
                 (cbc:DocumentCurrencyCode). Use the invoice currency for every amount except the \
                 VAT total in accounting currency.",
            );
        }
        out.fatal(
            e.attr("currencyID")
                .is_some_and(|c| iso4217::PEPPOL.contains(c)),
            "PEPPOL-EN16931-CL007",
            e,
            "The currencyID is not an ISO 4217 currency code. Use a code such as EUR or NOK.",
        );
    }
    match name {
        "TaxCurrencyCode" => {
            let document = parent
                .and_then(|p| p.child("cbc:DocumentCurrencyCode"))
                .map(|d| normalize(d.raw_text()).into_owned())
                .unwrap_or_default();
            out.fatal(
                normalize(e.raw_text()) != document,
                "PEPPOL-EN16931-R005",
                e,
                "The VAT accounting currency equals the invoice currency. Omit \
                 cbc:TaxCurrencyCode, or give a different currency.",
            );
        }
        "StartDate" | "EndDate" => line_period(e, root, out),
        "BaseQuantity" if parent_is("cac:Price") && e.attr("unitCode").is_some() => {
            let line = parent.and_then(|p| p.parent());
            if let Some(line) = line {
                let has_quantity =
                    line.has("cbc:InvoicedQuantity") || line.has("cbc:CreditedQuantity");
                let quantity = line.child(if root.doc().is_invoice() {
                    "cbc:InvoicedQuantity"
                } else {
                    "cbc:CreditedQuantity"
                });
                out.fatal(
                    !has_quantity
                        || quantity.and_then(|q| q.attr("unitCode")) == e.attr("unitCode"),
                    "PEPPOL-EN16931-R130",
                    e,
                    "The unit of the price base quantity differs from the unit of the invoiced \
                     quantity. Use the same unitCode on both.",
                );
            }
        }
        "EndpointID" if e.attr("schemeID").is_some() => {
            out.fatal(
                e.attr("schemeID").is_some_and(|s| eas::PEPPOL.contains(s)),
                "PEPPOL-EN16931-CL008",
                e,
                "The electronic address scheme (schemeID) is not on the Peppol EAS list. Use a \
                 current EAS code such as 0088 or 9930.",
            );
        }
        "EmbeddedDocumentBinaryObject" => {
            if let Some(code) = e.attr("mimeCode") {
                out.fatal(
                    mime::ATTACHMENT_TYPES.contains(code),
                    "PEPPOL-EN16931-CL001",
                    e,
                    "The attachment's mimeCode is not allowed. Use application/pdf, image/png, \
                     image/jpeg, text/csv, or an OOXML/ODF spreadsheet type.",
                );
            }
        }
        "AllowanceChargeReasonCode" => {
            let code = normalize(e.raw_text());
            if parent.is_some_and(|p| any_raw_eq(p, "cbc:ChargeIndicator", "false")) {
                out.fatal(
                    uncl5189::ALLOWANCE_REASONS.contains(&code),
                    "PEPPOL-EN16931-CL002",
                    e,
                    "The allowance reason code is not on the UNCL 5189 subset. Use a listed code \
                     (e.g. 95 for discount) or give only a textual reason.",
                );
            } else if parent.is_some_and(|p| any_raw_eq(p, "cbc:ChargeIndicator", "true")) {
                out.fatal(
                    uncl7161::CHARGE_REASONS.contains(&code),
                    "PEPPOL-EN16931-CL003",
                    e,
                    "The charge reason code is not on UNCL 7161. Use a listed code or give only a \
                     textual reason.",
                );
            }
        }
        "DescriptionCode" if parent_is("cac:InvoicePeriod") => {
            out.fatal(
                uncl2005::VAT_POINT_DATE_CODES.contains(&normalize(e.raw_text())),
                "PEPPOL-EN16931-CL006",
                e,
                "The invoice period description code must be 3, 35 or 432 (UNCL 2005 subset).",
            );
        }
        "InvoiceTypeCode" => {
            let code = normalize(e.raw_text());
            out.fatal(
                cx.profile.as_deref() != Some("01")
                    || uncl1001::PEPPOL_INVOICE_TYPES.contains(&code),
                "PEPPOL-EN16931-P0100",
                e,
                "This invoice type code is not allowed in Peppol billing process 01. Use e.g. \
                 380 (commercial invoice).",
            );
            out.fatal(
                !(code == "326" || code == "384") || (cx.supplier_is_de && cx.customer_is_de),
                "PEPPOL-EN16931-P0112",
                e,
                "Invoice type codes 326 (partial) and 384 (corrected) are only allowed between a \
                 German seller and a German buyer. Use another type code.",
            );
        }
        "CreditNoteTypeCode" => {
            out.fatal(
                cx.profile.as_deref() != Some("01")
                    || uncl1001::PEPPOL_CREDIT_NOTE_TYPES.contains(&normalize(e.raw_text())),
                "PEPPOL-EN16931-P0101",
                e,
                "This credit note type code is not allowed in Peppol billing process 01. Use \
                 381, 396, 81, 83 or 532.",
            );
        }
        "TaxExemptionReasonCode" if parent_is("cac:TaxCategory") => {
            exemption_category(e, out);
        }
        _ => {}
    }
    if matches!(
        name,
        "IssueDate" | "DueDate" | "TaxPointDate" | "StartDate" | "EndDate" | "ActualDeliveryDate"
    ) {
        let raw = e.raw_text();
        out.fatal(
            raw.chars().count() == 10 && date(raw).is_some(),
            "PEPPOL-EN16931-F001",
            e,
            "This date is not written as YYYY-MM-DD. Write it as e.g. 2024-03-31, without time \
             zone.",
        );
    }
    identifier_checks(e, out);
}

/// P0104–P0111: a VATEX code fixes the VAT category. The context is the TaxCategory, so only
/// its first exemption reason code is judged.
fn exemption_category(e: El<'_, '_>, out: &mut Out) {
    let Some(category) = e.parent() else { return };
    if category.child("cbc:TaxExemptionReasonCode") != Some(e) {
        return;
    }
    const FIXED: &[(&str, &str, &str)] = &[
        ("VATEX-EU-G", "G", "PEPPOL-EN16931-P0104"),
        ("VATEX-EU-O", "O", "PEPPOL-EN16931-P0105"),
        ("VATEX-EU-IC", "K", "PEPPOL-EN16931-P0106"),
        ("VATEX-EU-AE", "AE", "PEPPOL-EN16931-P0107"),
        ("VATEX-EU-D", "E", "PEPPOL-EN16931-P0108"),
        ("VATEX-EU-F", "E", "PEPPOL-EN16931-P0109"),
        ("VATEX-EU-I", "E", "PEPPOL-EN16931-P0110"),
        ("VATEX-EU-J", "E", "PEPPOL-EN16931-P0111"),
    ];
    let code = string_value(e).to_uppercase();
    if let Some((_, category_code, rule)) = FIXED.iter().find(|(c, _, _)| *c == code) {
        out.fatal(
            category.text_at("cbc:ID") == *category_code,
            rule,
            category,
            match *category_code {
                "G" => {
                    "Exemption reason VATEX-EU-G (export outside the EU) requires VAT category G."
                }
                "O" => "Exemption reason VATEX-EU-O (not subject to VAT) requires VAT category O.",
                "K" => {
                    "Exemption reason VATEX-EU-IC (intra-community supply) requires VAT category K."
                }
                "AE" => "Exemption reason VATEX-EU-AE (reverse charge) requires VAT category AE.",
                _ => "Exemption reasons VATEX-EU-D, -F, -I and -J require VAT category E.",
            },
        );
    }
}

/// R110/R111: a line period must lie within the invoice period, where that is given.
fn line_period(e: El<'_, '_>, root: El<'_, '_>, out: &mut Out) {
    let Some(period) = e.parent().filter(|p| p.is("cac:InvoicePeriod")) else {
        return;
    };
    let line_name = if root.doc().is_invoice() {
        "cac:InvoiceLine"
    } else {
        "cac:CreditNoteLine"
    };
    if period
        .parent()
        .filter(|l| l.is(line_name))
        .and_then(|l| l.parent())
        != Some(root)
    {
        return;
    }
    let start = e.is("cbc:StartDate");
    let path = if start {
        "cac:InvoicePeriod/cbc:StartDate"
    } else {
        "cac:InvoicePeriod/cbc:EndDate"
    };
    let Some(bound) = root.find(path) else { return };
    if let (Some(line_date), Some(bound)) = (date(e.raw_text()), date(&string_value(bound))) {
        if start {
            out.fatal(
                line_date >= bound,
                "PEPPOL-EN16931-R110",
                e,
                "The line period starts before the invoice period. Move the line start date \
                 into the invoice period.",
            );
        } else {
            out.fatal(
                line_date <= bound,
                "PEPPOL-EN16931-R111",
                e,
                "The line period ends after the invoice period. Move the line end date into the \
                 invoice period.",
            );
        }
    }
}

/// PEPPOL-COMMON-R040…R050: identifiers whose scheme has a known format or check digit.
fn identifier_checks(e: El<'_, '_>, out: &mut Out) {
    let name = e.local_name();
    let is_identifier = name == "EndpointID"
        || name == "CompanyID"
        || (name == "ID" && e.parent().is_some_and(|p| p.is("cac:PartyIdentification")));
    if !is_identifier {
        return;
    }
    let Some(scheme) = e.attr("schemeID") else {
        return;
    };
    let value = e.text();
    let v = value.as_ref();
    let only_digits = |n: Option<usize>| {
        !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && n.is_none_or(|n| v.len() == n)
    };
    match scheme {
        "0088" => out.fatal(
            only_digits(None) && participant::gln(v),
            "PEPPOL-COMMON-R040",
            e,
            "This GLN (scheme 0088) is not a valid GS1 number: it must be digits with a correct \
             check digit.",
        ),
        "0192" => out.fatal(
            only_digits(Some(9)) && participant::no_orgnr(v),
            "PEPPOL-COMMON-R041",
            e,
            "This Norwegian organisation number (scheme 0192) must be nine digits with a valid \
             modulus-11 check digit.",
        ),
        // The rule reads string(), not normalize-space(): surrounding whitespace counts.
        "0184" => out.fatal(
            participant::dk_digst(&string_value(e)),
            "PEPPOL-COMMON-R042",
            e,
            "This Danish CVR number (scheme 0184) must be eight digits, optionally prefixed \
             with DK.",
        ),
        "0208" => out.fatal(
            only_digits(Some(10)) && participant::be_enterprise_number(v),
            "PEPPOL-COMMON-R043",
            e,
            "This Belgian enterprise number (scheme 0208) must be ten digits with a valid \
             modulus-97 check.",
        ),
        "0201" => out.warning(
            participant::codice_ipa(v),
            "PEPPOL-COMMON-R044",
            e,
            "This Italian IPA code (scheme 0201) should be six letters or digits.",
        ),
        "0210" => out.warning(
            participant::codice_fiscale(v),
            "PEPPOL-COMMON-R045",
            e,
            "This Italian Codice Fiscale (scheme 0210) should be 16 characters in the personal \
             format or 11 digits.",
        ),
        "9907" if name == "EndpointID" => out.warning(
            participant::codice_fiscale(v),
            "PEPPOL-COMMON-R046",
            e,
            "This Italian Codice Fiscale (scheme 9907) should be 16 characters in the personal \
             format or 11 digits.",
        ),
        "0211" => out.warning(
            participant::partita_iva(v),
            "PEPPOL-COMMON-R047",
            e,
            "This Italian VAT number (scheme 0211) should be IT followed by 11 digits with a valid \
             check digit.",
        ),
        "0007" => out.fatal(
            v.chars().count() == 10 && is_number(v) && participant::se_orgnr(v),
            "PEPPOL-COMMON-R049",
            e,
            "This Swedish organisation number (scheme 0007) must be ten digits with a valid \
             Luhn check digit, written without a hyphen.",
        ),
        "0151" => out.fatal(
            only_digits(Some(11)) && participant::abn(v),
            "PEPPOL-COMMON-R050",
            e,
            "This Australian Business Number (scheme 0151) must be eleven digits with a valid \
             check.",
        ),
        _ => {}
    }
}
