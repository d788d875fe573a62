//! Writes an issued invoice or credit note as a UBL 2.1 document of Peppol BIS Billing 3.0: which
//! element carries which domain field, in the order of the UBL 2.1 schema sequences.
//!
//! The document is written straight into one `String`, without a tree, and depends on nothing
//! but its input: the same invoice always gives the same bytes, which is what `ubl_sha256` fixes
//! at issue. Element order follows `UBL-Invoice-2.1.xsd`, `UBL-CreditNote-2.1.xsd` and
//! `UBL-CommonAggregateComponents-2.1.xsd` (OASIS UBL 2.1), as the Peppol BIS 3.0 syntax trees
//! (`structure/syntax/ubl-invoice.xml`, `ubl-creditnote.xml`) restate them.
//!
//! What a document must contain to be valid is decided before issue (`issuable::check`); this
//! module writes faithfully what it is given and leaves no element empty (PEPPOL-EN16931-R008).
//! It drops data in two cases only, both required by the rules: VAT identifiers on a document of
//! category O (BR-O-02..04), and an allowance percentage that the written amount no longer
//! matches (see [`allowance_charge`]).

use std::fmt::{self, Write as _};

use invoicer_domain::{
    invoice::{AllowanceCharge, Invoice, Kind, Line, PaymentMeans, Terms},
    issuable,
    money::{self, Currency},
    party::{Address, Identity},
    time_text,
    totals::{self, Totals},
    vat::Vat,
};
use rust_decimal::Decimal;

/// The Peppol BIS Billing 3.0 specification identifier (BT-24).
pub const CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// The Peppol billing business process (BT-23).
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

const NAMESPACES: &str =
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"";

/// What a document lacks to be rendered: only an issued document has all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderError {
    /// No document number (BT-1): it is drawn at issue.
    Number,
    /// No issue date (BT-2).
    IssueDate,
    /// No frozen seller and buyer: they are copied at issue.
    Parties,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = match self {
            Self::Number => "no number",
            Self::IssueDate => "no issue date",
            Self::Parties => "no seller and buyer",
        };
        write!(
            f,
            "the document has {missing}; only an issued document can be rendered as UBL"
        )
    }
}

impl std::error::Error for RenderError {}

/// Renders `invoice` as UBL 2.1 (Peppol BIS Billing 3.0).
pub fn render(invoice: &Invoice) -> Result<String, RenderError> {
    let number = invoice
        .number
        .as_deref()
        .filter(|n| !is_blank(n))
        .ok_or(RenderError::Number)?;
    let issue_date = invoice.terms.issue_date.ok_or(RenderError::IssueDate)?;
    let parties = invoice.parties.as_ref().ok_or(RenderError::Parties)?;
    let content = &invoice.content;
    let totals = totals::compute(content);
    let terms = &invoice.terms;
    let credit_note = invoice.kind == Kind::CreditNote;
    let (root, line_tag, quantity_tag) = match invoice.kind {
        Kind::Invoice => ("Invoice", "cac:InvoiceLine", "cbc:InvoicedQuantity"),
        Kind::CreditNote => ("CreditNote", "cac:CreditNoteLine", "cbc:CreditedQuantity"),
    };

    let mut w = Ubl::new(capacity(invoice), content.currency);
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
    w.out.push_str(root);
    w.out
        .push_str(" xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:");
    w.out.push_str(root);
    w.out.push_str("-2\"");
    w.out.push_str(NAMESPACES);
    w.out.push('>');
    w.depth = 1;

    w.raw("cbc:CustomizationID", CUSTOMIZATION_ID);
    w.raw("cbc:ProfileID", PROFILE_ID);
    w.text("cbc:ID", number);
    w.date("cbc:IssueDate", &time_text::date(issue_date));
    if credit_note {
        // UBL 2.1 has no CreditNote/DueDate: BT-9 goes under PaymentMeans (below).
        w.raw("cbc:CreditNoteTypeCode", "381");
    } else {
        if let Some(due) = terms.due_date {
            w.date("cbc:DueDate", &time_text::date(due));
        }
        w.raw("cbc:InvoiceTypeCode", "380");
    }
    w.opt_text("cbc:Note", &terms.note);
    w.raw("cbc:DocumentCurrencyCode", content.currency.code());
    w.opt_text("cbc:BuyerReference", &terms.buyer_reference);
    if let Some(order) = present(&terms.purchase_order) {
        w.open("cac:OrderReference");
        w.text("cbc:ID", order);
        w.close("cac:OrderReference");
    }
    if let Some(preceding) = terms.preceding.as_ref().filter(|p| !is_blank(&p.number)) {
        w.open("cac:BillingReference");
        w.open("cac:InvoiceDocumentReference");
        w.text("cbc:ID", &preceding.number);
        if let Some(date) = preceding.issue_date {
            w.date("cbc:IssueDate", &time_text::date(date));
        }
        w.close("cac:InvoiceDocumentReference");
        w.close("cac:BillingReference");
    }

    let vat_ids = issuable::shows_vat_ids(content);
    party(
        &mut w,
        "cac:AccountingSupplierParty",
        &parties.seller,
        vat_ids,
    );
    party(
        &mut w,
        "cac:AccountingCustomerParty",
        &parties.buyer,
        vat_ids,
    );
    delivery(&mut w, terms);
    payment_means(&mut w, terms, credit_note);
    if let Some(note) = present(&terms.payment_terms) {
        w.open("cac:PaymentTerms");
        w.text("cbc:Note", note);
        w.close("cac:PaymentTerms");
    }
    for ac in &content.allowances_charges {
        allowance_charge(&mut w, ac, true);
    }
    tax_total(&mut w, &totals);
    monetary_total(&mut w, invoice, &totals);
    for (index, line) in content.lines.iter().enumerate() {
        invoice_line(&mut w, index + 1, line, line_tag, quantity_tag);
    }

    w.out.push_str("\n</");
    w.out.push_str(root);
    w.out.push_str(">\n");
    Ok(w.out)
}

/// Bytes to reserve, from the sizes of rendered documents, so the string grows at most once.
fn capacity(invoice: &Invoice) -> usize {
    let content = &invoice.content;
    let line_extras: usize = content
        .lines
        .iter()
        .map(|l| {
            l.description.len()
                + l.note.as_ref().map_or(0, |n| n.len() + 40)
                + l.allowances_charges.len() * 320
                + l.item.classifications.len() * 140
                + if l.item.is_empty() { 0 } else { 200 }
        })
        .sum();
    // The header with both parties, delivery and payment is some 5 kB.
    5000 + content.lines.len() * 720
        + line_extras
        + content.allowances_charges.len() * 480
        // At most one VAT breakdown per category and rate used.
        + (content.lines.len() + content.allowances_charges.len()).min(12) * 400
}

fn party(w: &mut Ubl, role: &str, who: &Identity, vat_ids: bool) {
    w.open(role);
    w.open("cac:Party");
    if let Some((scheme, id)) = issuable::endpoint(who).filter(|(_, id)| !is_blank(id)) {
        w.with_attr("cbc:EndpointID", "schemeID", scheme, id);
    }
    address(w, "cac:PostalAddress", &who.address, Some(&who.country));
    if let Some(vat_id) = present(&who.vat_id).filter(|_| vat_ids) {
        w.open("cac:PartyTaxScheme");
        w.text("cbc:CompanyID", vat_id);
        vat_scheme(w);
        w.close("cac:PartyTaxScheme");
    }
    w.open("cac:PartyLegalEntity");
    w.text("cbc:RegistrationName", &who.name);
    if let Some(company_id) = present(&who.company_id) {
        match present(&who.company_id_scheme) {
            Some(scheme) => w.with_attr("cbc:CompanyID", "schemeID", scheme, company_id),
            None => w.text("cbc:CompanyID", company_id),
        }
    }
    w.close("cac:PartyLegalEntity");
    if let Some(email) = present(&who.email) {
        w.open("cac:Contact");
        w.text("cbc:ElectronicMail", email);
        w.close("cac:Contact");
    }
    w.close("cac:Party");
    w.close(role);
}

fn address(w: &mut Ubl, tag: &str, a: &Address, country: Option<&str>) {
    let country = country.filter(|c| !is_blank(c));
    let lines = [
        ("cbc:StreetName", &a.line1),
        ("cbc:AdditionalStreetName", &a.line2),
        ("cbc:CityName", &a.city),
        ("cbc:PostalZone", &a.postal_code),
        ("cbc:CountrySubentity", &a.region),
    ];
    if country.is_none() && is_empty(a) {
        return;
    }
    w.open(tag);
    for (name, value) in lines {
        w.opt_text(name, value);
    }
    if let Some(country) = country {
        w.open("cac:Country");
        w.text("cbc:IdentificationCode", country);
        w.close("cac:Country");
    }
    w.close(tag);
}

fn delivery(w: &mut Ubl, terms: &Terms) {
    let Some(d) = &terms.delivery else { return };
    let located = present(&d.country).is_some() || !is_empty(&d.address);
    let party_name = present(&d.party_name);
    if d.date.is_none() && !located && party_name.is_none() {
        return;
    }
    w.open("cac:Delivery");
    if let Some(date) = d.date {
        w.date("cbc:ActualDeliveryDate", &time_text::date(date));
    }
    if located {
        w.open("cac:DeliveryLocation");
        address(w, "cac:Address", &d.address, d.country.as_deref());
        w.close("cac:DeliveryLocation");
    }
    if let Some(name) = party_name {
        w.open("cac:DeliveryParty");
        w.open("cac:PartyName");
        w.text("cbc:Name", name);
        w.close("cac:PartyName");
        w.close("cac:DeliveryParty");
    }
    w.close("cac:Delivery");
}

fn payment_means(w: &mut Ubl, terms: &Terms, credit_note: bool) {
    // A credit note's due date (BT-9) has its place only under PaymentMeans (Peppol BIS 3.0
    // `ubl-creditnote.xml`); without stated means it goes under code 1, "instrument not defined".
    let due = terms.due_date.filter(|_| credit_note);
    let undefined;
    let means = match (&terms.payment_means, due) {
        (Some(means), _) => means,
        (None, Some(_)) => {
            undefined = PaymentMeans {
                code: "1".to_owned(),
                remittance: None,
                account: None,
                card: None,
                mandate: None,
            };
            &undefined
        }
        (None, None) => return,
    };
    w.open("cac:PaymentMeans");
    w.text("cbc:PaymentMeansCode", &means.code);
    if let Some(due) = due {
        w.date("cbc:PaymentDueDate", &time_text::date(due));
    }
    w.opt_text("cbc:PaymentID", &means.remittance);
    if let Some(card) = means.card.as_ref().filter(|c| !is_blank(&c.last_digits)) {
        w.open("cac:CardAccount");
        w.text("cbc:PrimaryAccountNumberID", &card.last_digits);
        // UBL requires a NetworkID that EN 16931 has no term for; Peppol's syntax tree gives
        // "NA" as its value when the network is not known (`part/card-payment.xml`).
        w.text("cbc:NetworkID", present(&card.network).unwrap_or("NA"));
        w.opt_text("cbc:HolderName", &card.holder);
        w.close("cac:CardAccount");
    }
    if let Some(account) = means.account.as_ref().filter(|a| !is_blank(&a.id)) {
        w.open("cac:PayeeFinancialAccount");
        w.text("cbc:ID", &account.id);
        w.opt_text("cbc:Name", &account.name);
        if let Some(bic) = present(&account.bic) {
            w.open("cac:FinancialInstitutionBranch");
            w.text("cbc:ID", bic);
            w.close("cac:FinancialInstitutionBranch");
        }
        w.close("cac:PayeeFinancialAccount");
    }
    if let Some(mandate) = means.mandate.as_ref().filter(|m| !is_blank(&m.id)) {
        w.open("cac:PaymentMandate");
        w.text("cbc:ID", &mandate.id);
        if let Some(debited) = present(&mandate.debited_account) {
            w.open("cac:PayerFinancialAccount");
            w.text("cbc:ID", debited);
            w.close("cac:PayerFinancialAccount");
        }
        w.close("cac:PaymentMandate");
    }
    w.close("cac:PaymentMeans");
}

/// A document-level (with its VAT category) or line-level allowance or charge.
fn allowance_charge(w: &mut Ubl, ac: &AllowanceCharge, document_level: bool) {
    let amount = w.currency.round(ac.amount);
    // The percentage and its base are shown together (PEPPOL-EN16931-R041/R042) and only while
    // the amount written is within 0.02 of base × percentage / 100 (PEPPOL-EN16931-R040). The
    // amount is rounded to the currency's scale, so in a currency without decimals (JPY) it can
    // move further than that: then only the amount is written, which is what totals use.
    let factor = ac
        .percentage
        .zip(ac.base_amount)
        .map(|(percentage, base)| (percentage.normalize(), w.currency.round(base)))
        .filter(|(percentage, base)| {
            (amount - base * percentage / Decimal::ONE_HUNDRED).abs() <= Decimal::new(2, 2)
        });
    w.open("cac:AllowanceCharge");
    w.raw(
        "cbc:ChargeIndicator",
        if ac.is_charge { "true" } else { "false" },
    );
    w.opt_text("cbc:AllowanceChargeReasonCode", &ac.reason_code);
    w.opt_text("cbc:AllowanceChargeReason", &ac.reason);
    if let Some((percentage, _)) = factor {
        w.decimal("cbc:MultiplierFactorNumeric", percentage);
    }
    w.amount("cbc:Amount", amount);
    if let Some((_, base)) = factor {
        w.amount("cbc:BaseAmount", base);
    }
    if let Some(vat) = ac.vat.as_ref().filter(|_| document_level) {
        tax_category(w, "cac:TaxCategory", vat);
    }
    w.close("cac:AllowanceCharge");
}

fn tax_category(w: &mut Ubl, tag: &str, vat: &Vat) {
    w.open(tag);
    w.raw("cbc:ID", vat.category.code());
    if let Some(rate) = vat.rate {
        w.decimal("cbc:Percent", rate.normalize());
    }
    vat_scheme(w);
    w.close(tag);
}

fn vat_scheme(w: &mut Ubl) {
    w.open("cac:TaxScheme");
    w.raw("cbc:ID", "VAT");
    w.close("cac:TaxScheme");
}

fn tax_total(w: &mut Ubl, totals: &Totals) {
    w.open("cac:TaxTotal");
    w.amount("cbc:TaxAmount", totals.tax_total);
    for subtotal in &totals.vat_breakdown {
        w.open("cac:TaxSubtotal");
        w.amount("cbc:TaxableAmount", subtotal.taxable_amount);
        w.amount("cbc:TaxAmount", subtotal.tax_amount);
        w.open("cac:TaxCategory");
        w.raw("cbc:ID", subtotal.category.code());
        if let Some(rate) = subtotal.rate {
            w.decimal("cbc:Percent", rate.normalize());
        }
        if let Some(exemption) = &subtotal.exemption {
            w.opt_text("cbc:TaxExemptionReasonCode", &exemption.code);
            w.opt_text("cbc:TaxExemptionReason", &exemption.reason);
        }
        vat_scheme(w);
        w.close("cac:TaxCategory");
        w.close("cac:TaxSubtotal");
    }
    w.close("cac:TaxTotal");
}

fn monetary_total(w: &mut Ubl, invoice: &Invoice, totals: &Totals) {
    let acs = &invoice.content.allowances_charges;
    w.open("cac:LegalMonetaryTotal");
    w.amount("cbc:LineExtensionAmount", totals.line_extension);
    w.amount("cbc:TaxExclusiveAmount", totals.tax_exclusive);
    w.amount("cbc:TaxInclusiveAmount", totals.tax_inclusive);
    // Present exactly when there is something to sum (BR-CO-11, BR-CO-12), even if it is 0.
    if acs.iter().any(|ac| !ac.is_charge) {
        w.amount("cbc:AllowanceTotalAmount", totals.allowance_total);
    }
    if acs.iter().any(|ac| ac.is_charge) {
        w.amount("cbc:ChargeTotalAmount", totals.charge_total);
    }
    if !totals.prepaid.is_zero() {
        w.amount("cbc:PrepaidAmount", totals.prepaid);
    }
    w.amount("cbc:PayableAmount", totals.payable);
    w.close("cac:LegalMonetaryTotal");
}

fn invoice_line(w: &mut Ubl, id: usize, line: &Line, tag: &str, quantity_tag: &str) {
    w.open(tag);
    w.indent();
    let _ = write!(w.out, "<cbc:ID>{id}</cbc:ID>");
    w.opt_text("cbc:Note", &line.note);
    w.indent();
    w.out.push('<');
    w.out.push_str(quantity_tag);
    w.out.push_str(" unitCode=\"");
    escape_attr(&mut w.out, &line.unit_code);
    w.out.push_str("\">");
    w.write_decimal(line.quantity.normalize());
    w.out.push_str("</");
    w.out.push_str(quantity_tag);
    w.out.push('>');
    w.amount(
        "cbc:LineExtensionAmount",
        totals::line_net(w.currency, line),
    );
    for ac in &line.allowances_charges {
        allowance_charge(w, ac, false);
    }

    let item = &line.item;
    w.open("cac:Item");
    w.text("cbc:Name", &line.description);
    for (tag, id) in [
        ("cac:BuyersItemIdentification", &item.buyer_id),
        ("cac:SellersItemIdentification", &item.seller_id),
    ] {
        if let Some(id) = present(id) {
            w.open(tag);
            w.text("cbc:ID", id);
            w.close(tag);
        }
    }
    if let Some(standard) = item.standard_id.as_ref().filter(|s| !is_blank(&s.id)) {
        w.open("cac:StandardItemIdentification");
        w.with_attr("cbc:ID", "schemeID", &standard.scheme, &standard.id);
        w.close("cac:StandardItemIdentification");
    }
    if let Some(country) = present(&item.origin_country) {
        w.open("cac:OriginCountry");
        w.text("cbc:IdentificationCode", country);
        w.close("cac:OriginCountry");
    }
    for class in item.classifications.iter().filter(|c| !is_blank(&c.code)) {
        w.open("cac:CommodityClassification");
        w.indent();
        w.out.push_str("<cbc:ItemClassificationCode listID=\"");
        escape_attr(&mut w.out, &class.list_id);
        if let Some(version) = present(&class.list_version) {
            w.out.push_str("\" listVersionID=\"");
            escape_attr(&mut w.out, version);
        }
        w.out.push_str("\">");
        escape(&mut w.out, &class.code);
        w.out.push_str("</cbc:ItemClassificationCode>");
        w.close("cac:CommodityClassification");
    }
    tax_category(w, "cac:ClassifiedTaxCategory", &line.vat);
    w.close("cac:Item");

    w.open("cac:Price");
    // A price keeps every decimal it was given (quantity × price must reproduce the line net
    // within PEPPOL-EN16931-R120), and at least the decimals of an amount.
    let mut price = line.unit_price.normalize();
    if price.scale() < w.scale {
        price.rescale(w.scale);
    }
    w.amount_as_is("cbc:PriceAmount", price);
    w.close("cac:Price");
    w.close(tag);
}

fn is_empty(a: &Address) -> bool {
    [&a.line1, &a.line2, &a.city, &a.postal_code, &a.region]
        .iter()
        .all(|v| present(v).is_none())
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !is_blank(v))
}

/// Whitespace only: such an element would be empty to the rules (PEPPOL-EN16931-R008).
fn is_blank(value: &str) -> bool {
    value
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

const INDENT: &str = "                                ";

/// The document being written: the output, the nesting depth for indentation, and the
/// currency every amount is written in.
struct Ubl {
    out: String,
    depth: usize,
    currency: Currency,
    scale: u32,
}

impl Ubl {
    fn new(capacity: usize, currency: Currency) -> Self {
        Ubl {
            out: String::with_capacity(capacity),
            depth: 0,
            currency,
            scale: currency.amount_scale(),
        }
    }

    fn indent(&mut self) {
        self.out.push('\n');
        self.out
            .push_str(&INDENT[..(self.depth * 2).min(INDENT.len())]);
    }

    fn open(&mut self, tag: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn start(&mut self, tag: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn end(&mut self, tag: &str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// A value that needs no escaping: a constant or a code from a closed list.
    fn raw(&mut self, tag: &str, value: &str) {
        self.start(tag);
        self.out.push_str(value);
        self.end(tag);
    }

    /// Free text, escaped; nothing at all when blank.
    fn text(&mut self, tag: &str, value: &str) {
        if is_blank(value) {
            return;
        }
        self.start(tag);
        escape(&mut self.out, value);
        self.end(tag);
    }

    fn opt_text(&mut self, tag: &str, value: &Option<String>) {
        if let Some(value) = value {
            self.text(tag, value);
        }
    }

    fn with_attr(&mut self, tag: &str, attr: &str, attr_value: &str, value: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push(' ');
        self.out.push_str(attr);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, attr_value);
        self.out.push_str("\">");
        escape(&mut self.out, value);
        self.end(tag);
    }

    /// A date as `time_text::date` writes it, YYYY-MM-DD (PEPPOL-EN16931-F001).
    fn date(&mut self, tag: &str, date: &str) {
        self.raw(tag, date);
    }

    fn write_decimal(&mut self, mut value: Decimal) {
        // Rounding can leave a negative zero, which would print as "-0.00".
        if value.is_zero() {
            value.set_sign_positive(true);
        }
        let _ = write!(self.out, "{value}");
    }

    /// A percentage or quantity, as given.
    fn decimal(&mut self, tag: &str, value: Decimal) {
        self.start(tag);
        self.write_decimal(value);
        self.end(tag);
    }

    /// An amount at the currency's document scale, with its currency.
    fn amount(&mut self, tag: &str, value: Decimal) {
        self.amount_as_is(tag, money::round_to(value, self.scale));
    }

    fn amount_as_is(&mut self, tag: &str, value: Decimal) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(" currencyID=\"");
        self.out.push_str(self.currency.code());
        self.out.push_str("\">");
        self.write_decimal(value);
        self.end(tag);
    }
}

/// Appends `text` with the characters XML gives meaning to replaced by references. A carriage
/// return is written as a reference too, so that end-of-line normalisation keeps it.
fn escape(out: &mut String, text: &str) {
    escape_with(out, text, false);
}

/// As [`escape`], for an attribute value, whose tabs and line feeds attribute-value
/// normalisation would otherwise turn into spaces.
fn escape_attr(out: &mut String, text: &str) {
    escape_with(out, text, true);
}

fn escape_with(out: &mut String, text: &str, attribute: bool) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let reference = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\r' => "&#13;",
            b'\t' if attribute => "&#9;",
            b'\n' if attribute => "&#10;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(reference);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}
