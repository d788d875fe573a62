//! The country rules of Peppol BIS Billing 3.0 (NO, DK, IT, SE, GR, IS, NL, DE) as prerequisites
//! for issuing: what a document must hold, depending on the seller's (and sometimes the buyer's)
//! country, so that its rendering breaks none of the fatal national rules the validator
//! (`invoicer-einvoice`, `rules/peppol_national.rs` and `rules/peppol_de.rs`) applies.
//!
//! Each country decides whether it applies the way its artefact does: NO, IT and GR by the
//! seller's VAT id prefix when the document shows one, else by the address country; DK, SE, IS,
//! NL and DE by the address country alone. Each prerequisite is as narrow as its rule, so nothing
//! the rule accepts is refused. Where a rule needs something invoicer cannot record yet (the
//! Greek invoice number and MARK, the German seller contact's name and telephone), issuing is
//! refused as `not_supported`, saying why.
//!
//! Rules that cannot fire on a rendered document are not checked here: IT-R-001 and SE-R-005
//! (no tax scheme other than VAT is rendered), DK-R-013 (no `PartyIdentification`), NL-R-006
//! (no tax representative), NL-R-009 (no order line reference), IS-R-008…010 (no `EINDAGI`
//! reference), GR-R-004-2 and GR-R-008-* (no MARK or invoice URL reference). NL-R-001 (a credit
//! note references its invoice) and DE-R-016 (a seller VAT id for taxed categories) are already
//! prerequisites of every document in [`crate::issuable`].

use rust_decimal::Decimal;

use crate::{
    invoice::{AllowanceCharge, Content, Kind, Parties, PaymentMeans, Terms},
    issuable, participant,
    party::{Address, Identity},
    totals::Totals,
    validation::Violations,
    vat::{Vat, VatCategory},
};

/// Pushes a field error for every national rule the document would break once rendered.
pub fn check(
    kind: Kind,
    terms: &Terms,
    content: &Content,
    totals: &Totals,
    parties: &Parties,
    v: &mut Violations,
) {
    let doc = Document {
        kind,
        terms,
        content,
        totals,
        parties,
        vat_ids: issuable::shows_vat_ids(content),
    };
    norway(&doc, v);
    denmark(&doc, v);
    italy(&doc, v);
    sweden(&doc, v);
    greece(&doc, v);
    iceland(&doc, v);
    netherlands(&doc, v);
    germany(&doc, v);
}

struct Document<'a> {
    kind: Kind,
    terms: &'a Terms,
    content: &'a Content,
    totals: &'a Totals,
    parties: &'a Parties,
    /// Whether the rendering carries VAT ids (not on a category O document).
    vat_ids: bool,
}

impl Document<'_> {
    fn seller(&self) -> &Identity {
        &self.parties.seller
    }

    fn buyer(&self) -> &Identity {
        &self.parties.buyer
    }

    /// A party's VAT id as the rendering shows it (`PartyTaxScheme` with scheme VAT).
    fn shown_vat<'p>(&self, party: &'p Identity) -> Option<&'p str> {
        self.vat_ids.then_some(given(&party.vat_id)).flatten()
    }

    /// `$supplierCountry` / `$customerCountry` of the Peppol artefact: the VAT id's prefix when
    /// one is shown, else the address country. A seller in France with an Italian VAT id is
    /// Italian to the IT rules.
    fn artefact_country(&self, party: &Identity) -> String {
        match self.shown_vat(party) {
            Some(vat) => vat.chars().take(2).collect::<String>().to_uppercase(),
            None => party.country.clone(),
        }
    }

    fn both_in(&self, country: &str) -> bool {
        self.seller().country == country && self.buyer().country == country
    }

    fn means(&self) -> Option<&PaymentMeans> {
        self.terms.payment_means.as_ref()
    }

    /// The code of the payment means the rendering carries: the document's own, or for a credit
    /// note with a due date and none given, 1 ("not defined"), under which the renderer writes
    /// that date (a credit note has no other place for it).
    fn rendered_means_code(&self) -> Option<&str> {
        match (self.means(), self.kind, self.terms.due_date) {
            (Some(means), _, _) => Some(&means.code),
            (None, Kind::CreditNote, Some(_)) => Some("1"),
            (None, _, _) => None,
        }
    }

    /// Whether the rendered document has the buyer pay: a positive amount due on an invoice, a
    /// negative one on a credit note (NL-R-007's reading).
    fn buyer_pays(&self) -> bool {
        match self.kind {
            Kind::Invoice => self.totals.payable > Decimal::ZERO,
            Kind::CreditNote => self.totals.payable < Decimal::ZERO,
        }
    }

    /// The VAT of every line and document-level allowance or charge, with the JSON path of its
    /// object: what the rendered tax categories (and so the breakdown) hold.
    fn vats(&self) -> Vec<(String, Vat)> {
        let lines = self
            .content
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("line_items[{i}]"), l.vat));
        let document = self
            .content
            .allowances_charges
            .iter()
            .enumerate()
            .filter_map(|(i, ac)| Some((format!("allowances_charges[{i}]"), ac.vat?)));
        lines.chain(document).collect()
    }

    /// Every allowance and charge with the JSON path of its object (document level, then line
    /// level).
    fn allowances_charges(&self) -> Vec<(String, &AllowanceCharge)> {
        let document = self
            .content
            .allowances_charges
            .iter()
            .enumerate()
            .map(|(i, ac)| (format!("allowances_charges[{i}]"), ac));
        let lines = self.content.lines.iter().enumerate().flat_map(|(i, l)| {
            l.allowances_charges
                .iter()
                .enumerate()
                .map(move |(j, ac)| (format!("line_items[{i}].allowances_charges[{j}]"), ac))
        });
        document.chain(lines).collect()
    }
}

/// A text field as the renderer sees it: blank text is written as nothing.
fn given(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .filter(|v| !v.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')))
}

/// An address element the rules ask for, with its field name and what to call it.
#[derive(Clone, Copy)]
enum Part {
    Street,
    City,
    PostCode,
}

impl Part {
    fn of(self, a: &Address) -> Option<&str> {
        match self {
            Self::Street => given(&a.line1),
            Self::City => given(&a.city),
            Self::PostCode => given(&a.postal_code),
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::Street => "line1",
            Self::City => "city",
            Self::PostCode => "postal_code",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Street => "a street (line1, rendered as StreetName)",
            Self::City => "a city",
            Self::PostCode => "a post code",
        }
    }
}

/// Requires `parts` of the address at `path` (`seller.address`, `delivery.address`, …); `who`
/// starts the message, e.g. "A seller in the Netherlands".
fn require_address(
    v: &mut Violations,
    path: &str,
    address: &Address,
    parts: &[Part],
    who: &str,
    rule: &str,
) {
    for &part in parts {
        if part.of(address).is_none() {
            v.push(
                format!("{path}.{}", part.field()),
                "required",
                format!("{who} needs {} on its address ({rule}).", part.what()),
            );
        }
    }
}

/// Requires the legal registration id of a party under one of `schemes` (ISO 6523 ICD).
fn require_company_scheme(
    v: &mut Violations,
    role: &str,
    party: &Identity,
    schemes: &[&str],
    what: &str,
    rule: &str,
) {
    let scheme = given(&party.company_id_scheme);
    if !scheme.is_some_and(|s| schemes.contains(&s)) {
        v.push(
            format!("{role}.company_id_scheme"),
            if scheme.is_some() {
                "invalid_scheme"
            } else {
                "required"
            },
            format!(
                "{what} must be given with company_id_scheme {} ({rule}).",
                schemes.join(" or ")
            ),
        );
    }
}

/// NO-R-001: a Norwegian seller's VAT id that starts with NO is NO, a nine-digit organisation
/// number with a valid check digit, then MVA. (NO-R-002 is a warning.)
fn norway(doc: &Document, v: &mut Violations) {
    if doc.artefact_country(doc.seller()) != "NO" {
        return;
    }
    let Some(vat) = doc.shown_vat(doc.seller()) else {
        return;
    };
    let Some(rest) = vat.strip_prefix("NO") else {
        return;
    };
    let ok = rest.len() == 12
        && rest.get(9..) == Some("MVA")
        && rest[..9].bytes().all(|b| b.is_ascii_digit())
        && participant::no_orgnr(&rest[..9]);
    if !ok {
        v.push(
            "seller.vat_id",
            "invalid_format",
            "A Norwegian VAT id is NO, the nine-digit organisation number (with a valid check \
             digit), then MVA, e.g. NO974760673MVA (NO-R-001).",
        );
    }
}

/// DK-R-002/014/016 for every Danish seller; DK-R-004…011 between Danish seller and buyer.
fn denmark(doc: &Document, v: &mut Violations) {
    let seller = doc.seller();
    if seller.country != "DK" {
        return;
    }
    if given(&seller.company_id).is_none() {
        v.push(
            "seller.company_id",
            "required",
            "A Danish seller gives its CVR number as company_id (DK-R-002).",
        );
    } else {
        require_company_scheme(
            v,
            "seller",
            seller,
            &["0184"],
            "A Danish seller's CVR number",
            "DK-R-014",
        );
    }
    let both = doc.buyer().country == "DK";
    if both && doc.kind == Kind::CreditNote && doc.totals.payable < Decimal::ZERO {
        v.push(
            "line_items",
            "not_allowed",
            "A credit note between Danish parties cannot have a negative amount due (DK-R-016); \
             issue an invoice for the difference instead.",
        );
    }
    if !both {
        return;
    }
    for (path, ac) in doc.allowances_charges() {
        if ac.reason_code.as_deref() == Some("ZZZ")
            && !given(&ac.reason).is_some_and(danish_tax_reason)
        {
            v.push(
                format!("{path}.reason"),
                "invalid_format",
                "Between Danish parties, a charge with reason_code ZZZ is a non-VAT tax whose \
                 reason is its four-digit tax code, or `code#description` (DK-R-004).",
            );
        }
    }
    if doc.kind == Kind::Invoice {
        if let Some(means) = doc.means() {
            danish_payment_means(means, v);
        }
    }
}

/// DK-R-004: four characters that read as a number from 0 to 9999, or text with a `#` that
/// neither starts nor ends it.
fn danish_tax_reason(reason: &str) -> bool {
    let four = reason.chars().count() == 4
        && xs_decimal(reason).is_some_and(|n| n >= Decimal::ZERO && n <= Decimal::from(9999));
    let hashed = reason.contains('#') && !reason.starts_with('#') && !reason.ends_with('#');
    four || hashed
}

/// DK-R-005…011, which apply to an invoice's payment means between Danish parties.
fn danish_payment_means(means: &PaymentMeans, v: &mut Violations) {
    const CODES: [&str; 11] = [
        "1", "10", "31", "42", "48", "49", "50", "58", "59", "93", "97",
    ];
    let code = means.code.as_str();
    if !CODES.contains(&code) {
        v.push(
            "payment_means.code",
            "not_allowed",
            format!(
                "Between Danish parties the payment means code is one of {} (DK-R-005); use 58 \
                 for a SEPA credit transfer, 31 for a domestic one.",
                CODES.join(", ")
            ),
        );
    }
    let account = means.account.as_ref();
    let account_id = account.map(|a| a.id.as_str());
    let payment_id = given(&means.remittance).unwrap_or("");
    let prefix: String = payment_id.chars().take(3).collect();
    let id_len = payment_id.chars().count();
    match code {
        "31" | "42" => {
            if account.is_none() {
                v.push(
                    "payment_means.account",
                    "required",
                    "For payment means 31 or 42 a Danish seller gives the account paid into \
                     (DK-R-006).",
                );
            } else if account.and_then(|a| given(&a.bic)).is_none() {
                v.push(
                    "payment_means.account.bic",
                    "required",
                    "For payment means 31 or 42 a Danish seller gives the bank of the account \
                     (FinancialInstitutionBranch/ID) beside its id (DK-R-006).",
                );
            }
        }
        "49" if means
            .mandate
            .as_ref()
            .and_then(|m| given(&m.debited_account))
            .is_none() =>
        {
            v.push(
                "payment_means.mandate.debited_account",
                "required",
                "For payment means 49 a Danish seller gives the mandate and the account debited \
                 (DK-R-007).",
            );
        }
        "50" => {
            if !["01#", "04#", "15#"].contains(&prefix.as_str()) {
                v.push(
                    "payment_means.remittance",
                    "invalid_format",
                    "For payment means 50 (giro) the remittance information starts with 01#, \
                     04# or 15# (DK-R-008).",
                );
            } else if prefix != "01#" && id_len != 19 {
                v.push(
                    "payment_means.remittance",
                    "invalid_format",
                    "A giro remittance starting with 04# or 15# carries the 16-digit payment \
                     id: 19 characters in all (DK-R-009).",
                );
            }
            let giro = account_id.is_some_and(|a| {
                (7..=8).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_digit())
            });
            if !giro {
                v.push(
                    if account.is_some() {
                        "payment_means.account.id"
                    } else {
                        "payment_means.account"
                    },
                    "invalid_format",
                    "For payment means 50 (giro) the account is a giro account of 7 or 8 digits \
                     (DK-R-008).",
                );
            }
        }
        "93" => {
            if !["71#", "73#", "75#"].contains(&prefix.as_str()) {
                v.push(
                    "payment_means.remittance",
                    "invalid_format",
                    "For payment means 93 (FI/inpayment form) the remittance information starts \
                     with 71#, 73# or 75# (DK-R-010).",
                );
            } else if prefix != "73#" && !(id_len == 18 || id_len == 19) {
                v.push(
                    "payment_means.remittance",
                    "invalid_format",
                    "A remittance starting with 71# or 75# carries the 15- or 16-digit payment \
                     id: 18 or 19 characters in all (DK-R-011).",
                );
            }
            if account_id.is_none_or(|a| a.chars().count() != 8) {
                v.push(
                    if account.is_some() {
                        "payment_means.account.id"
                    } else {
                        "payment_means.account"
                    },
                    "invalid_format",
                    "For payment means 93 the account is the 8-character creditor number \
                     (DK-R-010).",
                );
            }
        }
        _ => {}
    }
}

/// IT-R-002/003/004: an Italian seller's address has street, city and post code.
fn italy(doc: &Document, v: &mut Violations) {
    if doc.artefact_country(doc.seller()) != "IT" {
        return;
    }
    require_address(
        v,
        "seller.address",
        &doc.seller().address,
        &[Part::Street, Part::City, Part::PostCode],
        "An Italian seller",
        "IT-R-002/003/004",
    );
}

/// SE-R-001/002/006 on a Swedish VAT id, SE-R-003/004/013 on a Swedish seller's legal id.
fn sweden(doc: &Document, v: &mut Violations) {
    let seller = doc.seller();
    if seller.country != "SE" {
        return;
    }
    let se_vat = doc.shown_vat(seller).filter(|vat| vat.starts_with("SE"));
    if let Some(vat) = se_vat {
        let digits: String = vat.chars().skip(2).take(12).collect();
        if !(vat.chars().count() == 14 && xpath_number(&digits)) {
            v.push(
                "seller.vat_id",
                "invalid_format",
                "A Swedish VAT id is SE and twelve digits: the ten of the organisation number \
                 and 01, e.g. SE556036079301 (SE-R-001/002).",
            );
        }
    }
    if let Some(id) = given(&seller.company_id) {
        let digits = id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit());
        if !(digits && participant::se_orgnr(id)) {
            v.push(
                "seller.company_id",
                "invalid_format",
                "A Swedish seller's company_id is its organisation number: ten digits, no \
                 hyphen, the last a valid Luhn check digit (SE-R-003/004/013).",
            );
        }
    }
    if se_vat.is_some() {
        let rated = |rate: Option<Decimal>| {
            rate.is_some_and(|r| [25, 12, 6].into_iter().any(|s| r == Decimal::from(s)))
        };
        for (path, vat) in doc.vats() {
            if vat.category == VatCategory::S && !rated(vat.rate) {
                v.push(
                    format!("{path}.vat_rate"),
                    "not_allowed",
                    "A Swedish seller's standard rate (category S) is 25, 12 or 6 percent \
                     (SE-R-006).",
                );
            }
        }
    }
}

/// The GR rules. A Greek seller's document number must be the six `|`-separated segments of
/// GR-R-001 and, with an address in Greece, carry its MARK (GR-R-004-1): invoicer can render
/// neither, so such a seller cannot issue. The identifier rules are checked too, so a client
/// learns them all at once and they stand ready for when the number and MARK can be given.
fn greece(doc: &Document, v: &mut Violations) {
    let greek = |c: &str| c == "GR" || c == "EL";
    let seller = doc.seller();
    if !greek(&doc.artefact_country(seller)) {
        return;
    }
    v.push(
        if seller.country == "GR" {
            "seller.country"
        } else {
            "seller.vat_id"
        },
        "not_supported",
        "A Greek seller's invoice number must be its TIN, issue date, serial number and Greek \
         document type separated by | (GR-R-001), and the document must carry its myDATA MARK \
         (GR-R-004-1); invoicer cannot issue documents like that yet.",
    );
    let greek_vat = |vat: &str| vat.starts_with("EL") && participant::greek_tin(&vat[2..]);
    if let Some(vat) = doc.shown_vat(seller) {
        if !greek_vat(vat) {
            v.push(
                "seller.vat_id",
                "invalid_format",
                "A Greek seller's VAT id is EL followed by a valid nine-digit TIN (GR-R-003).",
            );
        }
    }
    let greek_endpoint = |party: &Identity| {
        issuable::endpoint(party)
            .is_some_and(|(scheme, id)| scheme == "9933" && participant::greek_tin(id))
    };
    // GR-R-009 judges an address only when there is one; its absence is PEPPOL-EN16931-R020's.
    if issuable::endpoint(seller).is_some() && !greek_endpoint(seller) {
        v.push(
            "seller.peppol_id",
            "invalid_scheme",
            "A Greek seller's Peppol id is its TIN under scheme 9933, e.g. 9933:094259216 \
             (GR-R-009).",
        );
    }
    let buyer = doc.buyer();
    if !greek(&doc.artefact_country(buyer)) {
        return;
    }
    if !doc.shown_vat(buyer).is_some_and(greek_vat) {
        v.push(
            "buyer.vat_id",
            if buyer.vat_id.is_none() {
                "required"
            } else if doc.vat_ids {
                "invalid_format"
            } else {
                "not_supported"
            },
            "A Greek seller gives a Greek buyer's VAT id, EL followed by a valid TIN, which a \
             document of category O cannot show (GR-R-006).",
        );
    }
    if issuable::endpoint(buyer).is_some() && !greek_endpoint(buyer) {
        v.push(
            "buyer.peppol_id",
            "invalid_scheme",
            "A Greek buyer's Peppol id is its TIN under scheme 9933, e.g. 9933:094259216 \
             (GR-R-010).",
        );
    }
}

/// IS-R-002/003/006/007 for an Icelandic seller; IS-R-004/005 when the buyer is Icelandic too.
fn iceland(doc: &Document, v: &mut Violations) {
    let seller = doc.seller();
    if seller.country != "IS" {
        return;
    }
    if given(&seller.company_id).is_none() {
        v.push(
            "seller.company_id",
            "required",
            "An Icelandic seller gives its kennitala as company_id, scheme 0196 (IS-R-002).",
        );
    } else {
        require_company_scheme(
            v,
            "seller",
            seller,
            &["0196"],
            "An Icelandic seller's kennitala",
            "IS-R-002",
        );
    }
    require_address(
        v,
        "seller.address",
        &seller.address,
        &[Part::Street, Part::PostCode],
        "An Icelandic seller",
        "IS-R-003",
    );
    if let Some(means) = doc.means() {
        let rule = match means.code.as_str() {
            "9" => Some("IS-R-006"),
            "42" => Some("IS-R-007"),
            _ => None,
        };
        let twelve = means
            .account
            .as_ref()
            .is_some_and(|a| a.id.chars().count() == 12);
        if let (Some(rule), false) = (rule, twelve) {
            v.push(
                if means.account.is_some() {
                    "payment_means.account.id"
                } else {
                    "payment_means.account"
                },
                "invalid_format",
                format!(
                    "For payment means {} an Icelandic seller gives its 12-digit bank account \
                     ({rule}).",
                    means.code
                ),
            );
        }
    }
    let buyer = doc.buyer();
    if buyer.country != "IS" {
        return;
    }
    if given(&buyer.company_id).is_none() {
        v.push(
            "buyer.company_id",
            "required",
            "Between Icelandic parties the buyer's kennitala is given as company_id, scheme \
             0196 (IS-R-004).",
        );
    } else {
        require_company_scheme(
            v,
            "buyer",
            buyer,
            &["0196"],
            "Between Icelandic parties the buyer's kennitala",
            "IS-R-004",
        );
    }
    require_address(
        v,
        "buyer.address",
        &buyer.address,
        &[Part::Street, Part::PostCode],
        "Between Icelandic parties the buyer",
        "IS-R-005",
    );
}

/// NL-R-002/003/007 for a Dutch seller; NL-R-004/005/008 when the buyer is Dutch too.
fn netherlands(doc: &Document, v: &mut Violations) {
    let seller = doc.seller();
    if seller.country != "NL" {
        return;
    }
    let full = [Part::Street, Part::City, Part::PostCode];
    require_address(
        v,
        "seller.address",
        &seller.address,
        &full,
        "A seller in the Netherlands",
        "NL-R-002",
    );
    // The rule judges a legal id only where one is rendered.
    if given(&seller.company_id).is_some() {
        require_company_scheme(
            v,
            "seller",
            seller,
            &["0106", "0190"],
            "A Dutch seller's company_id (KVK or OIN number)",
            "NL-R-003",
        );
    }
    if doc.buyer_pays() && doc.rendered_means_code().is_none() {
        v.push(
            "payment_means",
            "required",
            "A seller in the Netherlands says how to pay when the buyer has an amount to pay \
             (NL-R-007).",
        );
    }
    let buyer = doc.buyer();
    if buyer.country != "NL" {
        return;
    }
    require_address(
        v,
        "buyer.address",
        &buyer.address,
        &full,
        "Between Dutch parties the buyer",
        "NL-R-004",
    );
    if given(&buyer.company_id).is_some() {
        require_company_scheme(
            v,
            "buyer",
            buyer,
            &["0106", "0190"],
            "Between Dutch parties the buyer's company_id (KVK or OIN number)",
            "NL-R-005",
        );
    }
    const CODES: [&str; 6] = ["30", "48", "49", "57", "58", "59"];
    match (doc.means(), doc.rendered_means_code()) {
        (Some(means), _) if !CODES.contains(&means.code.as_str()) => v.push(
            "payment_means.code",
            "not_allowed",
            format!(
                "Between Dutch parties the payment means code is one of 30, 48, 49, 57, 58 or \
                 59, not {} (NL-R-008).",
                means.code
            ),
        ),
        (None, Some(_)) => v.push(
            "payment_means",
            "required",
            "Between Dutch parties a credit note's due date is written under its payment means, \
             whose code must be one of 30, 48, 49, 57, 58 or 59 (NL-R-008): give the \
             payment_means.",
        ),
        _ => {}
    }
}

/// The DE rules, which apply when seller and buyer both have a German address. They ask for
/// the seller contact's name and telephone (DE-R-005/006), which invoicer cannot record yet, so
/// such a document cannot be issued; the other rules are checked too, so a client learns them
/// all at once and they stand ready for when the contact can be given.
fn germany(doc: &Document, v: &mut Violations) {
    if !doc.both_in("DE") {
        return;
    }
    let (seller, buyer) = (doc.seller(), doc.buyer());
    v.push(
        "buyer.country",
        "not_supported",
        "Between a German seller and a German buyer the document must name the seller's \
         contact person and telephone number (DE-R-005/006), which invoicer cannot record yet.",
    );
    if given(&seller.email).is_none() {
        v.push(
            "seller.email",
            "required",
            "Between German parties the seller gives a contact email (DE-R-002/007).",
        );
    }
    require_address(
        v,
        "seller.address",
        &seller.address,
        &[Part::City, Part::PostCode],
        "Between German parties the seller",
        "DE-R-003/004",
    );
    require_address(
        v,
        "buyer.address",
        &buyer.address,
        &[Part::City, Part::PostCode],
        "Between German parties the buyer",
        "DE-R-008/009",
    );
    // The renderer writes a deliver-to address whenever it has a country or any line of one.
    if let Some(delivery) = &doc.terms.delivery {
        let a = &delivery.address;
        let lines = [&a.line1, &a.line2, &a.city, &a.postal_code, &a.region];
        if given(&delivery.country).is_some() || lines.into_iter().any(|l| given(l).is_some()) {
            require_address(
                v,
                "delivery.address",
                &delivery.address,
                &[Part::City, Part::PostCode],
                "Between German parties the deliver-to address",
                "DE-R-010/011",
            );
        }
    }
    if given(&doc.terms.buyer_reference).is_none() {
        v.push(
            "buyer_reference",
            "required",
            "Between German parties the buyer_reference (the Leitweg-ID for public buyers) is \
             required; a purchase_order does not replace it (DE-R-015).",
        );
    }
    if let Some(terms) = given(&doc.terms.payment_terms) {
        if !skonto_terms_ok(terms) {
            v.push(
                "payment_terms",
                "invalid_format",
                "Between German parties, payment_terms lines starting with # are cash discount \
                 terms written #SKONTO#TAGE=n#PROZENT=n.nn# (optionally #BASISBETRAG=n.nn#), \
                 each ending with a line break (DE-R-018).",
            );
        }
    }
    if let Some((path, _)) = doc
        .vats()
        .into_iter()
        .find(|(_, vat)| vat.category == VatCategory::O)
    {
        v.push(
            format!("{path}.vat_category"),
            "not_supported",
            "Between German parties every VAT breakdown states a rate (DE-R-014), which a \
             category O (not subject to VAT) breakdown does not have.",
        );
    }
    if doc.rendered_means_code().is_none() {
        v.push(
            "payment_means",
            "required",
            "Between German parties the document says how to pay (DE-R-001).",
        );
    }
    if let Some(means) = doc.means() {
        german_payment_means(means, v);
    }
}

/// DE-R-023…025, DE-R-030/031: what each kind of payment carries, and nothing else.
fn german_payment_means(means: &PaymentMeans, v: &mut Violations) {
    let mut forbid = |present: bool, field: &str, kind: &str, rule: &str| {
        if present {
            v.push(
                format!("payment_means.{field}"),
                "not_allowed",
                format!(
                    "Between German parties a {kind} carries no {} ({rule}).",
                    field.replace('_', " ")
                ),
            );
        }
    };
    let (account, card, mandate) = (
        means.account.is_some(),
        means.card.is_some(),
        means.mandate.is_some(),
    );
    let required = match means.code.as_str() {
        "30" | "58" => {
            forbid(card, "card", "credit transfer", "DE-R-023-2");
            forbid(mandate, "mandate", "credit transfer", "DE-R-023-2");
            (!account).then_some(("account", "credit transfer (30, 58)", "DE-R-023-1"))
        }
        "48" | "54" | "55" => {
            forbid(account, "account", "card payment", "DE-R-024-2");
            forbid(mandate, "mandate", "card payment", "DE-R-024-2");
            (!card).then_some(("card", "card payment (48, 54, 55)", "DE-R-024-1"))
        }
        "59" => {
            forbid(account, "account", "direct debit", "DE-R-025-2");
            forbid(card, "card", "direct debit", "DE-R-025-2");
            (!mandate).then_some(("mandate", "direct debit (59)", "DE-R-025-1"))
        }
        _ => None,
    };
    if let Some((field, kind, rule)) = required {
        v.push(
            format!("payment_means.{field}"),
            "required",
            format!("Between German parties a {kind} needs its {field} ({rule})."),
        );
    }
    if let Some(m) = &means.mandate {
        v.push(
            "payment_means.mandate",
            "not_supported",
            "Between German parties a direct debit names the seller's SEPA creditor identifier \
             (DE-R-030), which invoicer cannot record yet.",
        );
        if given(&m.debited_account).is_none() {
            v.push(
                "payment_means.mandate.debited_account",
                "required",
                "Between German parties a direct debit names the account debited (DE-R-031).",
            );
        }
    }
}

/// DE-R-018: every line of the payment terms that starts with `#` is a well-formed SKONTO term,
/// and the text goes on to a line break after the last `#…#` run, as the artefact tests it.
pub fn skonto_terms_ok(text: &str) -> bool {
    let term_lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| l.trim_start_matches([' ', '\t', '\r']).starts_with('#'))
        .collect();
    if term_lines.is_empty() {
        return true;
    }
    // `tokenize(., '#.+#')[last()]`: `.` stops at line ends, so each line's run goes from its
    // first `#` to its last one, two or more apart.
    let mut tail_start = 0;
    let mut offset = 0;
    for segment in text.split(['\n', '\r']) {
        if let (Some(first), Some(last)) = (segment.find('#'), segment.rfind('#')) {
            if last >= first + 2 {
                tail_start = offset + last + 1;
            }
        }
        offset += segment.len() + 1;
    }
    let tail = &text[tail_start.min(text.len())..];
    let leading = &tail[..tail.len() - tail.trim_start().len()];
    leading.contains('\n') && term_lines.iter().all(|l| skonto_line(&normalize_space(l)))
}

/// `#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$`,
/// unanchored at the start.
fn skonto_line(line: &str) -> bool {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    fn amount(s: &str) -> Option<&str> {
        let n = digits(s);
        let rest = s.get(n..)?.strip_prefix('.')?;
        (n > 0 && digits(rest) >= 2).then(|| &rest[2..])
    }
    line.match_indices("#SKONTO#TAGE=").any(|(at, m)| {
        let rest = &line[at + m.len()..];
        let n = digits(rest);
        let Some(rest) = rest[n..].strip_prefix("#PROZENT=").filter(|_| n > 0) else {
            return false;
        };
        let Some(rest) = amount(rest) else {
            return false;
        };
        if rest == "#" {
            return true;
        }
        let Some(rest) = rest.strip_prefix("#BASISBETRAG=") else {
            return false;
        };
        amount(rest.strip_prefix('-').unwrap_or(rest)) == Some("#")
    })
}

/// XPath `normalize-space`.
fn normalize_space(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An xs:decimal lexical form (`+12`, `-0.5`, `.5`, `7.`), as the DK rules read a number.
fn xs_decimal(s: &str) -> Option<Decimal> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let sign = if s.starts_with('-') { "-" } else { "" };
    let int = if int.is_empty() { "0" } else { int };
    let frac = if frac.is_empty() { "0" } else { frac };
    format!("{sign}{int}.{frac}").parse().ok()
}

/// XPath `number(s)` is not NaN, for the letters and digits a VAT id holds: digits, optionally
/// with an exponent (`5560360793E1` is a number to SE-R-002).
fn xpath_number(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match s.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => digits(mantissa) && digits(exponent),
        None => digits(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{
        invoice::{Card, Delivery, Line, Mandate, PayeeAccount, VatRounding},
        money::Currency,
        totals,
        validation::FieldError,
    };

    #[test]
    fn skonto_lines_are_recognised() {
        assert!(skonto_line("#SKONTO#TAGE=7#PROZENT=2.00#"));
        assert!(skonto_line(
            "#SKONTO#TAGE=7#PROZENT=2.00#BASISBETRAG=-10.00#"
        ));
        assert!(!skonto_line("#SKONTO#TAGE=7#PROZENT=2#"));
        assert!(!skonto_line("#SKONTO#TAGE=7#PROZENT=2.00"));
        assert!(skonto_terms_ok("#SKONTO#TAGE=7#PROZENT=2.00#\n"));
        assert!(!skonto_terms_ok("#SKONTO#TAGE=7#PROZENT=2.00#"));
        assert!(skonto_terms_ok("30 days net"));
    }

    fn party(country: &str) -> Identity {
        Identity {
            name: format!("{country} Trading"),
            country: country.to_owned(),
            vat_id: None,
            company_id: None,
            company_id_scheme: None,
            address: Address::default(),
            peppol_id: None,
            email: None,
        }
    }

    fn full_address() -> Address {
        Address {
            line1: Some("Main Street 1".into()),
            line2: None,
            city: Some("Capital".into()),
            postal_code: Some("1234".into()),
            region: None,
        }
    }

    fn line(vat: Vat) -> Line {
        Line {
            description: "Consulting".into(),
            quantity: Decimal::from(2),
            unit_code: "HUR".into(),
            unit_price: Decimal::from(100),
            vat,
            allowances_charges: Vec::new(),
            exemption: None,
            item: Default::default(),
            note: None,
        }
    }

    fn standard(rate: i64) -> Vat {
        Vat {
            category: VatCategory::S,
            rate: Some(Decimal::from(rate)),
        }
    }

    fn means(code: &str) -> PaymentMeans {
        PaymentMeans {
            code: code.to_owned(),
            remittance: None,
            account: None,
            card: None,
            mandate: None,
        }
    }

    fn account(id: &str) -> Option<PayeeAccount> {
        Some(PayeeAccount {
            id: id.to_owned(),
            name: None,
            bic: None,
        })
    }

    /// A document between two parties, to be edited into a case.
    #[derive(Clone)]
    struct Case {
        kind: Kind,
        terms: Terms,
        content: Content,
        parties: Parties,
    }

    impl Case {
        fn between(seller: Identity, buyer: Identity) -> Self {
            Case {
                kind: Kind::Invoice,
                terms: Terms::default(),
                content: Content {
                    currency: Currency::parse("EUR").unwrap(),
                    lines: vec![line(standard(25))],
                    allowances_charges: Vec::new(),
                    prepaid: Decimal::ZERO,
                    vat_rounding: VatRounding::PerCategory,
                },
                parties: Parties { seller, buyer },
            }
        }

        fn with(mut self, edit: impl FnOnce(&mut Case)) -> Self {
            edit(&mut self);
            self
        }

        fn errors(&self) -> Vec<FieldError> {
            let mut v = Violations::new();
            let totals = totals::compute(&self.content);
            check(
                self.kind,
                &self.terms,
                &self.content,
                &totals,
                &self.parties,
                &mut v,
            );
            v.into_vec()
        }

        /// Asserts an error at `field` citing `rule`.
        fn refused(&self, field: &str, rule: &str) {
            let errors = self.errors();
            assert!(
                errors
                    .iter()
                    .any(|e| e.field == field && e.message.contains(rule)),
                "expected {field} refused by {rule}, got {errors:#?}"
            );
        }

        /// Asserts no error at all.
        fn passes(&self) {
            let errors = self.errors();
            assert!(errors.is_empty(), "expected no error, got {errors:#?}");
        }

        /// Asserts no error citing `rule` (for countries where nothing can pass yet).
        fn passes_rule(&self, rule: &str) {
            let errors = self.errors();
            assert!(
                !errors.iter().any(|e| e.message.contains(rule)),
                "expected nothing from {rule}, got {errors:#?}"
            );
        }
    }

    fn norway() -> Case {
        let mut seller = party("NO");
        seller.vat_id = Some("NO974760673MVA".into());
        Case::between(seller, party("SE"))
    }

    #[test]
    fn no_r_001_a_norwegian_vat_id_is_no_orgnr_mva() {
        norway().passes();
        for bad in [
            "NO974760674MVA",
            "NO974760673",
            "NO97476067AMVA",
            "NO0974760673MVA",
        ] {
            norway()
                .with(|c| c.parties.seller.vat_id = Some(bad.into()))
                .refused("seller.vat_id", "NO-R-001");
        }
        // Another prefix makes the seller another country's to the artefact.
        norway()
            .with(|c| c.parties.seller.vat_id = Some("SE556036079301".into()))
            .passes_rule("NO-R-001");
        // A category O document shows no VAT id, so there is none to judge.
        norway()
            .with(|c| {
                c.parties.seller.vat_id = Some("NO1MVA".into());
                c.content.lines[0].vat = Vat {
                    category: VatCategory::O,
                    rate: None,
                };
            })
            .passes();
    }

    fn denmark() -> Case {
        let mut seller = party("DK");
        seller.company_id = Some("24256790".into());
        seller.company_id_scheme = Some("0184".into());
        Case::between(seller, party("DK")).with(|c| {
            c.terms.payment_means = Some(PaymentMeans {
                account: account("DK5000400440116243"),
                ..means("58")
            })
        })
    }

    #[test]
    fn dk_r_002_a_danish_seller_gives_its_cvr_number() {
        denmark().passes();
        denmark()
            .with(|c| {
                c.parties.seller.company_id = None;
                c.parties.seller.company_id_scheme = None;
            })
            .refused("seller.company_id", "DK-R-002");
    }

    #[test]
    fn dk_r_014_the_cvr_number_has_scheme_0184() {
        for scheme in [None, Some("0198")] {
            denmark()
                .with(|c| c.parties.seller.company_id_scheme = scheme.map(Into::into))
                .refused("seller.company_id_scheme", "DK-R-014");
        }
    }

    #[test]
    fn dk_r_016_a_danish_credit_note_has_no_negative_amount_due() {
        let credit = |quantity: i64| {
            denmark().with(|c| {
                c.kind = Kind::CreditNote;
                c.content.lines[0].quantity = Decimal::from(quantity);
            })
        };
        credit(2).passes();
        credit(-2).refused("line_items", "DK-R-016");
        // Only between Danish parties.
        credit(-2)
            .with(|c| c.parties.buyer = party("SE"))
            .passes_rule("DK-R-016");
    }

    #[test]
    fn dk_r_004_a_zzz_charge_names_its_tax_code() {
        let charge = |reason: Option<&str>| {
            denmark().with(|c| {
                c.content.lines[0].allowances_charges.push(AllowanceCharge {
                    is_charge: true,
                    amount: Decimal::from(5),
                    base_amount: None,
                    percentage: None,
                    reason: reason.map(Into::into),
                    reason_code: Some("ZZZ".into()),
                    vat: None,
                    exemption: None,
                })
            })
        };
        for ok in ["0123", "12.5", "1234#Afgift"] {
            charge(Some(ok)).passes();
        }
        for bad in [
            None,
            Some("Afgift"),
            Some("#1234"),
            Some("12345"),
            Some("-123"),
        ] {
            charge(bad).refused("line_items[0].allowances_charges[0].reason", "DK-R-004");
        }
    }

    #[test]
    fn dk_r_005_danish_parties_use_the_danish_payment_means_codes() {
        denmark()
            .with(|c| c.terms.payment_means.as_mut().unwrap().code = "30".into())
            .refused("payment_means.code", "DK-R-005");
        // Invoices only.
        denmark()
            .with(|c| {
                c.kind = Kind::CreditNote;
                c.terms.payment_means.as_mut().unwrap().code = "30".into();
            })
            .passes();
    }

    #[test]
    fn dk_r_006_a_domestic_transfer_names_account_and_bank() {
        let transfer = |bic: Option<&str>| {
            denmark().with(|c| {
                c.terms.payment_means = Some(PaymentMeans {
                    account: Some(PayeeAccount {
                        id: "12345678".into(),
                        name: None,
                        bic: bic.map(Into::into),
                    }),
                    ..means("31")
                })
            })
        };
        transfer(Some("DABADKKK")).passes();
        transfer(None).refused("payment_means.account.bic", "DK-R-006");
        denmark()
            .with(|c| c.terms.payment_means = Some(means("42")))
            .refused("payment_means.account", "DK-R-006");
    }

    #[test]
    fn dk_r_007_a_danish_direct_debit_names_the_account_debited() {
        let debit = |debited: Option<&str>| {
            denmark().with(|c| {
                c.terms.payment_means = Some(PaymentMeans {
                    mandate: Some(Mandate {
                        id: "M-1".into(),
                        debited_account: debited.map(Into::into),
                    }),
                    ..means("49")
                })
            })
        };
        debit(Some("DK5000400440116243")).passes();
        debit(None).refused("payment_means.mandate.debited_account", "DK-R-007");
    }

    fn giro(code: &str, remittance: &str, account_id: &str) -> Case {
        denmark().with(|c| {
            c.terms.payment_means = Some(PaymentMeans {
                remittance: Some(remittance.into()),
                account: account(account_id),
                ..means(code)
            })
        })
    }

    #[test]
    fn dk_r_008_009_a_giro_payment_has_its_form_and_account() {
        giro("50", "01#", "1234567").passes();
        giro("50", "04#1234567890123456", "12345678").passes();
        giro("50", "02#", "1234567").refused("payment_means.remittance", "DK-R-008");
        giro("50", "01#", "123456").refused("payment_means.account.id", "DK-R-008");
        giro("50", "15#123", "1234567").refused("payment_means.remittance", "DK-R-009");
    }

    #[test]
    fn dk_r_010_011_an_inpayment_form_has_its_form_and_creditor() {
        giro("93", "73#", "12345678").passes();
        giro("93", "71#123456789012345", "12345678").passes();
        giro("93", "72#", "12345678").refused("payment_means.remittance", "DK-R-010");
        giro("93", "73#", "1234567").refused("payment_means.account.id", "DK-R-010");
        giro("93", "75#12", "12345678").refused("payment_means.remittance", "DK-R-011");
    }

    fn italy() -> Case {
        let mut seller = party("IT");
        seller.address = full_address();
        Case::between(seller, party("FR"))
    }

    #[test]
    fn it_r_002_003_004_an_italian_seller_gives_street_city_and_post_code() {
        italy().passes();
        for (field, clear) in [
            (
                "line1",
                (|a: &mut Address| a.line1 = None) as fn(&mut Address),
            ),
            ("city", |a| a.city = None),
            ("postal_code", |a| a.postal_code = None),
        ] {
            italy()
                .with(|c| clear(&mut c.parties.seller.address))
                .refused(&format!("seller.address.{field}"), "IT-R-002/003/004");
        }
        // An Italian VAT id makes a seller Italian wherever its address is.
        let mut seller = party("FR");
        seller.vat_id = Some("IT12345678901".into());
        Case::between(seller, party("FR")).refused("seller.address.line1", "IT-R-002");
    }

    fn sweden() -> Case {
        let mut seller = party("SE");
        seller.vat_id = Some("SE556036079301".into());
        seller.company_id = Some("5560360793".into());
        seller.company_id_scheme = Some("0007".into());
        Case::between(seller, party("SE"))
    }

    #[test]
    fn se_r_001_002_a_swedish_vat_id_is_se_and_twelve_digits() {
        sweden().passes();
        for bad in ["SE5560360793", "SE55603607930A", "SE5560360793011"] {
            sweden()
                .with(|c| c.parties.seller.vat_id = Some(bad.into()))
                .refused("seller.vat_id", "SE-R-001/002");
        }
    }

    #[test]
    fn se_r_003_004_013_a_swedish_legal_id_is_a_valid_orgnr() {
        for bad in ["556036-0793", "556036079", "5560360794"] {
            sweden()
                .with(|c| c.parties.seller.company_id = Some(bad.into()))
                .refused("seller.company_id", "SE-R-003/004/013");
        }
    }

    #[test]
    fn se_r_006_a_swedish_standard_rate_is_25_12_or_6() {
        for rate in [12, 6] {
            sweden()
                .with(|c| c.content.lines[0].vat = standard(rate))
                .passes();
        }
        sweden()
            .with(|c| c.content.lines.push(line(standard(20))))
            .refused("line_items[1].vat_rate", "SE-R-006");
        sweden()
            .with(|c| {
                c.content.allowances_charges.push(AllowanceCharge {
                    is_charge: false,
                    amount: Decimal::from(5),
                    base_amount: None,
                    percentage: None,
                    reason: Some("Discount".into()),
                    reason_code: None,
                    vat: Some(standard(7)),
                    exemption: None,
                })
            })
            .refused("allowances_charges[0].vat_rate", "SE-R-006");
        // Without a Swedish VAT id the rule does not apply.
        sweden()
            .with(|c| {
                c.parties.seller.vat_id = Some("FI12345678".into());
                c.content.lines[0].vat = standard(20);
            })
            .passes();
    }

    fn greece() -> Case {
        let mut seller = party("GR");
        seller.vat_id = Some("EL094259216".into());
        seller.peppol_id = Some("9933:094259216".into());
        let mut buyer = party("GR");
        buyer.vat_id = Some("EL094259216".into());
        buyer.peppol_id = Some("9933:094259216".into());
        Case::between(seller, buyer)
    }

    #[test]
    fn gr_r_001_004_a_greek_seller_cannot_issue_yet() {
        greece().refused("seller.country", "GR-R-001");
        greece().refused("seller.country", "GR-R-004-1");
        // An EL VAT id makes a seller Greek wherever its address is.
        let mut seller = party("CY");
        seller.vat_id = Some("EL094259216".into());
        Case::between(seller, party("CY")).refused("seller.vat_id", "GR-R-001");
        // A Greek buyer alone brings in no Greek rule.
        Case::between(party("FR"), greece().parties.buyer).passes();
    }

    #[test]
    fn gr_r_003_a_greek_vat_id_is_el_and_a_valid_tin() {
        greece().passes_rule("GR-R-003");
        for bad in ["GR094259216", "EL094259217"] {
            greece()
                .with(|c| c.parties.seller.vat_id = Some(bad.into()))
                .refused("seller.vat_id", "GR-R-003");
        }
    }

    #[test]
    fn gr_r_009_010_greek_parties_are_addressed_by_tin() {
        greece().passes_rule("GR-R-009");
        greece().passes_rule("GR-R-010");
        greece()
            .with(|c| c.parties.seller.peppol_id = Some("0088:5790000435968".into()))
            .refused("seller.peppol_id", "GR-R-009");
        greece()
            .with(|c| c.parties.buyer.peppol_id = Some("0088:5790000435968".into()))
            .refused("buyer.peppol_id", "GR-R-010");
    }

    #[test]
    fn gr_r_006_a_greek_buyer_gives_its_vat_id() {
        greece().passes_rule("GR-R-006");
        greece()
            .with(|c| c.parties.buyer.vat_id = None)
            .refused("buyer.vat_id", "GR-R-006");
        greece()
            .with(|c| c.parties.buyer.vat_id = Some("EL123456789".into()))
            .refused("buyer.vat_id", "GR-R-006");
    }

    fn iceland() -> Case {
        let icelandic = || {
            let mut p = party("IS");
            p.company_id = Some("6204830369".into());
            p.company_id_scheme = Some("0196".into());
            p.address = full_address();
            p
        };
        Case::between(icelandic(), icelandic())
    }

    #[test]
    fn is_r_002_an_icelandic_seller_gives_its_kennitala_under_0196() {
        iceland().passes();
        iceland()
            .with(|c| {
                c.parties.seller.company_id = None;
                c.parties.seller.company_id_scheme = None;
            })
            .refused("seller.company_id", "IS-R-002");
        iceland()
            .with(|c| c.parties.seller.company_id_scheme = None)
            .refused("seller.company_id_scheme", "IS-R-002");
    }

    #[test]
    fn is_r_003_an_icelandic_seller_gives_street_and_post_code() {
        iceland()
            .with(|c| c.parties.seller.address.city = None)
            .passes();
        iceland()
            .with(|c| c.parties.seller.address.line1 = None)
            .refused("seller.address.line1", "IS-R-003");
        iceland()
            .with(|c| c.parties.seller.address.postal_code = None)
            .refused("seller.address.postal_code", "IS-R-003");
    }

    #[test]
    fn is_r_004_005_an_icelandic_buyer_of_an_icelandic_seller_is_identified() {
        iceland()
            .with(|c| c.parties.buyer.company_id_scheme = Some("0088".into()))
            .refused("buyer.company_id_scheme", "IS-R-004");
        iceland()
            .with(|c| c.parties.buyer.address.line1 = None)
            .refused("buyer.address.line1", "IS-R-005");
        // Not for a foreign buyer.
        iceland().with(|c| c.parties.buyer = party("NO")).passes();
    }

    #[test]
    fn is_r_006_007_icelandic_bank_payments_give_a_12_digit_account() {
        for code in ["9", "42"] {
            let with_account = |id: Option<&str>| {
                iceland().with(|c| {
                    c.terms.payment_means = Some(PaymentMeans {
                        account: id.and_then(account),
                        ..means(code)
                    })
                })
            };
            with_account(Some("012326000123")).passes();
            let rule = if code == "9" { "IS-R-006" } else { "IS-R-007" };
            with_account(Some("0123260001")).refused("payment_means.account.id", rule);
            with_account(None).refused("payment_means.account", rule);
        }
    }

    fn netherlands() -> Case {
        let dutch = || {
            let mut p = party("NL");
            p.company_id = Some("12345678".into());
            p.company_id_scheme = Some("0106".into());
            p.address = full_address();
            p
        };
        Case::between(dutch(), dutch()).with(|c| {
            c.terms.payment_means = Some(PaymentMeans {
                account: account("NL91ABNA0417164300"),
                ..means("58")
            })
        })
    }

    #[test]
    fn nl_r_002_a_dutch_seller_gives_street_city_and_post_code() {
        netherlands().passes();
        for (field, clear) in [
            (
                "line1",
                (|a: &mut Address| a.line1 = None) as fn(&mut Address),
            ),
            ("city", |a| a.city = None),
            ("postal_code", |a| a.postal_code = None),
        ] {
            netherlands()
                .with(|c| clear(&mut c.parties.seller.address))
                .refused(&format!("seller.address.{field}"), "NL-R-002");
        }
    }

    #[test]
    fn nl_r_003_a_dutch_sellers_legal_id_is_kvk_or_oin() {
        netherlands()
            .with(|c| c.parties.seller.company_id_scheme = Some("0190".into()))
            .passes();
        for scheme in [None, Some("0088")] {
            netherlands()
                .with(|c| c.parties.seller.company_id_scheme = scheme.map(Into::into))
                .refused("seller.company_id_scheme", "NL-R-003");
        }
        // Without a legal id there is nothing to judge.
        netherlands()
            .with(|c| {
                c.parties.seller.company_id = None;
                c.parties.seller.company_id_scheme = None;
            })
            .passes();
    }

    #[test]
    fn nl_r_004_005_a_dutch_buyer_of_a_dutch_seller_is_addressed_and_identified() {
        netherlands()
            .with(|c| c.parties.buyer.address.city = None)
            .refused("buyer.address.city", "NL-R-004");
        netherlands()
            .with(|c| c.parties.buyer.company_id_scheme = None)
            .refused("buyer.company_id_scheme", "NL-R-005");
        // Not for a foreign buyer.
        netherlands()
            .with(|c| c.parties.buyer = party("BE"))
            .passes();
    }

    #[test]
    fn nl_r_007_a_dutch_seller_says_how_to_pay_what_is_due() {
        let unpaid = netherlands().with(|c| c.terms.payment_means = None);
        unpaid.refused("payment_means", "NL-R-007");
        // Nothing due: fully prepaid, or a credit note paid out to the buyer.
        unpaid
            .clone()
            .with(|c| c.content.prepaid = Decimal::from(250))
            .passes();
        unpaid.clone().with(|c| c.kind = Kind::CreditNote).passes();
        let refund_due = unpaid.with(|c| {
            c.kind = Kind::CreditNote;
            c.content.lines[0].quantity = Decimal::from(-2);
            c.parties.buyer.country = "BE".into();
        });
        refund_due.refused("payment_means", "NL-R-007");
        // A credit note's due date is rendered under payment means code 1, which is means.
        refund_due
            .with(|c| c.terms.due_date = Some(time::macros::date!(2026 - 03 - 31)))
            .passes();
    }

    #[test]
    fn nl_r_008_dutch_parties_use_the_dutch_payment_means_codes() {
        netherlands()
            .with(|c| c.terms.payment_means.as_mut().unwrap().code = "31".into())
            .refused("payment_means.code", "NL-R-008");
        netherlands()
            .with(|c| {
                c.parties.buyer = party("DE");
                c.terms.payment_means.as_mut().unwrap().code = "31".into();
            })
            .passes();
        // Code 1, under which a credit note's due date is rendered without means, is not one.
        let credit = netherlands().with(|c| {
            c.kind = Kind::CreditNote;
            c.terms.payment_means = None;
        });
        credit.passes();
        credit
            .with(|c| c.terms.due_date = Some(time::macros::date!(2026 - 03 - 31)))
            .refused("payment_means", "NL-R-008");
    }

    fn germany() -> Case {
        let german = |email: Option<&str>| {
            let mut p = party("DE");
            p.address = full_address();
            p.email = email.map(Into::into);
            p
        };
        Case::between(german(Some("billing@example.de")), german(None)).with(|c| {
            c.terms.buyer_reference = Some("04011000-12345-34".into());
            c.terms.payment_means = Some(PaymentMeans {
                account: account("DE89370400440532013000"),
                ..means("58")
            });
        })
    }

    /// German documents are refused for the seller contact alone (DE-R-005/006) until it can
    /// be recorded; every other DE rule is judged on its own.
    #[test]
    fn de_r_005_006_german_parties_cannot_issue_yet() {
        let errors = germany().errors();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        germany().refused("buyer.country", "DE-R-005/006");
        // One German party alone brings in no DE rule.
        germany()
            .with(|c| c.parties.buyer.country = "AT".into())
            .passes();
    }

    #[test]
    fn de_r_001_german_parties_say_how_to_pay() {
        let unstated = germany().with(|c| c.terms.payment_means = None);
        unstated.refused("payment_means", "DE-R-001");
        // A credit note's due date is rendered under payment means code 1, which is means.
        unstated
            .with(|c| {
                c.kind = Kind::CreditNote;
                c.terms.due_date = Some(time::macros::date!(2026 - 03 - 31));
            })
            .passes_rule("DE-R-001");
    }

    #[test]
    fn de_r_002_007_a_german_seller_gives_a_contact_email() {
        germany()
            .with(|c| c.parties.seller.email = None)
            .refused("seller.email", "DE-R-002/007");
    }

    #[test]
    fn de_r_003_004_008_009_german_parties_give_city_and_post_code() {
        germany()
            .with(|c| c.parties.seller.address.line1 = None)
            .passes_rule("DE-R-003");
        germany()
            .with(|c| c.parties.seller.address.city = None)
            .refused("seller.address.city", "DE-R-003/004");
        germany()
            .with(|c| c.parties.seller.address.postal_code = None)
            .refused("seller.address.postal_code", "DE-R-003/004");
        germany()
            .with(|c| c.parties.buyer.address.city = None)
            .refused("buyer.address.city", "DE-R-008/009");
        germany()
            .with(|c| c.parties.buyer.address.postal_code = None)
            .refused("buyer.address.postal_code", "DE-R-008/009");
    }

    #[test]
    fn de_r_010_011_a_german_deliver_to_address_gives_city_and_post_code() {
        let delivered = |address: Address| {
            germany().with(|c| {
                c.terms.delivery = Some(Delivery {
                    date: None,
                    party_name: None,
                    address,
                    country: Some("DE".into()),
                })
            })
        };
        delivered(full_address()).passes_rule("DE-R-010");
        delivered(Address::default()).refused("delivery.address.city", "DE-R-010/011");
        delivered(Address::default()).refused("delivery.address.postal_code", "DE-R-010/011");
        // A delivery date alone renders no address.
        germany()
            .with(|c| {
                c.terms.delivery = Some(Delivery {
                    date: Some(time::macros::date!(2026 - 01 - 15)),
                    ..Delivery::default()
                })
            })
            .passes_rule("DE-R-010");
    }

    #[test]
    fn de_r_014_german_parties_cannot_use_category_o() {
        germany()
            .with(|c| {
                c.content.lines[0].vat = Vat {
                    category: VatCategory::O,
                    rate: None,
                }
            })
            .refused("line_items[0].vat_category", "DE-R-014");
    }

    #[test]
    fn de_r_015_german_parties_give_a_buyer_reference() {
        germany()
            .with(|c| {
                c.terms.buyer_reference = None;
                c.terms.purchase_order = Some("PO-1".into());
            })
            .refused("buyer_reference", "DE-R-015");
    }

    #[test]
    fn de_r_018_german_cash_discount_terms_follow_the_skonto_format() {
        let terms = |text: &str| germany().with(|c| c.terms.payment_terms = Some(text.into()));
        for ok in [
            "Net 30 days",
            "#SKONTO#TAGE=7#PROZENT=2.00#\n",
            "#SKONTO#TAGE=7#PROZENT=2.00#\n#SKONTO#TAGE=14#PROZENT=1.00#BASISBETRAG=-10.00#\n",
        ] {
            terms(ok).passes_rule("DE-R-018");
        }
        for bad in [
            "#SKONTO#TAGE=7#PROZENT=2.00#",
            "#SKONTO#TAGE=7#PROZENT=2#\n",
            "#skonto#TAGE=7#PROZENT=2.00#\n",
        ] {
            terms(bad).refused("payment_terms", "DE-R-018");
        }
    }

    #[test]
    fn de_r_023_024_025_a_german_payment_carries_what_its_kind_needs() {
        fn card() -> Option<Card> {
            Some(Card {
                last_digits: "1234".into(),
                network: None,
                holder: None,
            })
        }
        let paying = |edit: fn(&mut PaymentMeans)| {
            germany().with(|c| edit(c.terms.payment_means.as_mut().unwrap()))
        };
        paying(|m| m.account = None).refused("payment_means.account", "DE-R-023-1");
        paying(|m| m.card = card()).refused("payment_means.card", "DE-R-023-2");
        let by_card = germany().with(|c| {
            c.terms.payment_means = Some(PaymentMeans {
                card: card(),
                ..means("48")
            })
        });
        by_card.passes_rule("DE-R-024");
        by_card
            .clone()
            .with(|c| c.terms.payment_means.as_mut().unwrap().card = None)
            .refused("payment_means.card", "DE-R-024-1");
        by_card
            .with(|c| c.terms.payment_means.as_mut().unwrap().account = account("DE89"))
            .refused("payment_means.account", "DE-R-024-2");
        germany()
            .with(|c| c.terms.payment_means.as_mut().unwrap().code = "59".into())
            .refused("payment_means.account", "DE-R-025-2");
        germany()
            .with(|c| c.terms.payment_means = Some(means("59")))
            .refused("payment_means.mandate", "DE-R-025-1");
    }

    #[test]
    fn de_r_030_031_a_german_direct_debit_cannot_be_issued_yet() {
        let debit = |debited: Option<&str>| {
            germany().with(|c| {
                c.terms.payment_means = Some(PaymentMeans {
                    mandate: Some(Mandate {
                        id: "M-1".into(),
                        debited_account: debited.map(Into::into),
                    }),
                    ..means("59")
                })
            })
        };
        debit(Some("DE89370400440532013000")).refused("payment_means.mandate", "DE-R-030");
        debit(Some("DE89370400440532013000")).passes_rule("DE-R-031");
        debit(None).refused("payment_means.mandate.debited_account", "DE-R-031");
    }

    #[test]
    fn belgian_and_french_documents_meet_no_national_rule() {
        Case::between(party("BE"), party("FR")).passes();
        Case::between(party("FR"), party("BE")).passes();
    }
}
