//! The country rules Peppol BIS Billing 3.0 carries: NO, DK, IT, SE, GR, IS and NL (DE-R-*
//! live in [`super::peppol_de`]). Each applies only when the seller (and for some, the buyer)
//! is in that country, decided the way the artefact decides it.

use invoicer_domain::participant::{greek_tin, no_orgnr, se_orgnr};
use rust_decimal::Decimal;

use super::peppol::Context;
use super::xpath::{any_raw_eq, date, dec, is_number, string_value, substring, substring_from};
use super::Out;
use crate::tree::{normalize, Doc, El};

pub(crate) fn check(doc: &Doc<'_>, cx: &Context, out: &mut Out) {
    let root = doc.root();
    norway(root, cx, out);
    denmark(root, out);
    italy(root, cx, out);
    sweden(root, out);
    greece(root, cx, out);
    iceland(root, out);
    netherlands(root, out);
}

/// The first VAT `PartyTaxScheme` of a party, the scheme id compared after normalising.
fn vat_scheme<'d, 'a>(party: El<'d, 'a>) -> Option<El<'d, 'a>> {
    party
        .all("cac:PartyTaxScheme")
        .find(|p| p.text_at("cac:TaxScheme/cbc:ID") == "VAT")
}

fn supplier_party<'d, 'a>(root: El<'d, 'a>) -> Option<El<'d, 'a>> {
    root.find("cac:AccountingSupplierParty/cac:Party")
}

fn customer_party<'d, 'a>(root: El<'d, 'a>) -> Option<El<'d, 'a>> {
    root.find("cac:AccountingCustomerParty/cac:Party")
}

/// The first country code of a party's postal address as written (the DK and IS rules use
/// `concat(...)` over it, which neither trims nor folds case).
fn raw_country(party: Option<El<'_, '_>>) -> String {
    party
        .and_then(|p| p.find("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
        .map(|c| string_value(c).into_owned())
        .unwrap_or_default()
}

/// `upper-case(normalize-space(country)) = code`, as the NL and DE rules test it.
fn country_is(party: Option<El<'_, '_>>, code: &str) -> bool {
    party
        .and_then(|p| p.find("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
        .is_some_and(|c| c.text().to_uppercase() == code)
}

fn norway(root: El<'_, '_>, cx: &Context, out: &mut Out) {
    if cx.supplier_country != "NO" {
        return;
    }
    for party in root.select("cac:AccountingSupplierParty/cac:Party") {
        let tax = party
            .all("cac:PartyTaxScheme")
            .find(|p| p.text_at("cac:TaxScheme/cbc:ID") == "TAX")
            .map(|p| p.text_at("cbc:CompanyID").into_owned())
            .unwrap_or_default();
        out.warning(
            tax == "Foretaksregisteret",
            "NO-R-002",
            party,
            "Most Norwegian sellers must state \"Foretaksregisteret\" as their tax registration \
             (cac:PartyTaxScheme/cbc:CompanyID with TaxScheme TAX).",
        );
        let vat = vat_scheme(party)
            .and_then(|p| p.child("cbc:CompanyID"))
            .map(|c| string_value(c).into_owned());
        let holds = match vat {
            Some(vat) if substring(&vat, 1, 2) == "NO" => {
                let rest: Vec<char> = substring_from(&vat, 3).chars().collect();
                rest.len() == 12
                    && rest[..9].iter().all(char::is_ascii_digit)
                    && rest[9..] == ['M', 'V', 'A']
                    && no_orgnr(&substring(&vat, 3, 9))
            }
            _ => true,
        };
        out.fatal(
            holds,
            "NO-R-001",
            party,
            "A Norwegian VAT number must be NO, then a valid nine-digit organisation number, \
             then MVA (e.g. NO999999999MVA).",
        );
    }
}

fn denmark(root: El<'_, '_>, out: &mut Out) {
    let supplier = supplier_party(root);
    let customer = customer_party(root);
    if raw_country(supplier) != "DK" {
        return;
    }
    let both = raw_country(customer) == "DK";
    let legal =
        root.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID");
    out.fatal(
        legal.is_some_and(|c| !normalize(c.raw_text()).is_empty()),
        "DK-R-002",
        root,
        "A Danish seller must give its CVR number as legal entity identifier \
         (cac:PartyLegalEntity/cbc:CompanyID).",
    );
    out.fatal(
        legal.is_none_or(|c| c.attr("schemeID").map(normalize).as_deref() == Some("0184")),
        "DK-R-014",
        root,
        "A Danish seller's legal entity identifier must carry schemeID 0184 (DK CVR).",
    );
    out.fatal(
        !(!root.doc().is_invoice()
            && both
            && dec(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")
                .is_some_and(|d| d < Decimal::ZERO)),
        "DK-R-016",
        root,
        "A Danish credit note cannot have a negative amount due (cbc:PayableAmount).",
    );
    if !both {
        return;
    }
    for party in [supplier, customer].into_iter().flatten() {
        for identification in party.all("cac:PartyIdentification") {
            let missing_scheme = identification.child("cbc:ID").is_some_and(|id| {
                id.attr("schemeID")
                    .map(normalize)
                    .unwrap_or_default()
                    .is_empty()
            });
            out.fatal(
                !missing_scheme,
                "DK-R-013",
                identification,
                "Between Danish parties, a party identifier (cac:PartyIdentification/cbc:ID) \
                 needs a schemeID.",
            );
        }
    }
    if root.doc().is_invoice() {
        for means in root.all("cac:PaymentMeans") {
            danish_payment_means(means, out);
        }
    }
    let line_name = if root.doc().is_invoice() {
        "cac:InvoiceLine"
    } else {
        "cac:CreditNoteLine"
    };
    for line in root.all(line_name) {
        let codes = line.select("cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode");
        let tst = codes.iter().any(|c| c.attr("listID") == Some("TST"));
        let known = codes.iter().any(|c| {
            matches!(
                c.attr("listVersionID"),
                Some("19.05.01" | "19.0501" | "26.08.01" | "26.0801")
            )
        });
        out.warning(
            !tst || known,
            "DK-R-003",
            line,
            "A UNSPSC item classification (listID TST) from a Danish seller should use version \
             19.05.01 or 26.08.01 (listVersionID).",
        );
    }
    for charge in root.doc().named("cac:AllowanceCharge") {
        let zzz = any_raw_eq(charge, "cbc:AllowanceChargeReasonCode", "ZZZ");
        let reason = charge.child("cbc:AllowanceChargeReason").map(string_value);
        let reason_ok = reason.as_deref().is_some_and(|r| {
            let four = normalize(r).chars().count() == 4
                && super::xpath::is_number(r)
                && crate::decimal::parse(r)
                    .is_some_and(|n| n >= Decimal::ZERO && n <= Decimal::from(9999));
            let hashed = r.contains('#') && !r.starts_with('#') && !r.ends_with('#');
            four || hashed
        });
        out.fatal(
            !zzz || reason_ok,
            "DK-R-004",
            charge,
            "A non-VAT tax between Danish parties is given with reason code ZZZ and its tax code \
             in cbc:AllowanceChargeReason: four digits, or text of the form code#description.",
        );
    }
}

fn danish_payment_means(means: El<'_, '_>, out: &mut Out) {
    let code = means
        .child("cbc:PaymentMeansCode")
        .map(|c| string_value(c).into_owned());
    let is = |c: &str| any_raw_eq(means, "cbc:PaymentMeansCode", c);
    out.fatal(
        code.as_deref().is_some_and(|c| {
            !c.is_empty() && " 1 10 31 42 48 49 50 58 59 93 97 ".contains(&format!(" {c} "))
        }),
        "DK-R-005",
        means,
        "A Danish seller may only use payment means codes 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 \
         and 97.",
    );
    let filled = |path: &str| !means.text_at(path).is_empty();
    out.fatal(
        !((is("31") || is("42"))
            && !(filled("cac:PayeeFinancialAccount/cbc:ID")
                && filled("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"))),
        "DK-R-006",
        means,
        "For payment means 31 or 42 a Danish seller must give the bank account \
         (PayeeFinancialAccount/ID) and the registration number (FinancialInstitutionBranch/ID).",
    );
    out.fatal(
        !(is("49")
            && !(filled("cac:PaymentMandate/cbc:ID")
                && filled("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"))),
        "DK-R-007",
        means,
        "For payment means 49 a Danish seller must give the mandate id and the payer's account \
         (PaymentMandate/ID and PayerFinancialAccount/ID).",
    );
    let payment_id = means
        .child("cbc:PaymentID")
        .map(|p| string_value(p).into_owned())
        .unwrap_or_default();
    let prefix = substring(&payment_id, 1, 3);
    let id_len = payment_id.chars().count();
    let account = means
        .find("cac:PayeeFinancialAccount/cbc:ID")
        .map(|a| string_value(a).into_owned());
    let giro_account = account
        .as_deref()
        .is_some_and(|a| (7..=8).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_digit()));
    out.fatal(
        !(is("50") && !(["01#", "04#", "15#"].contains(&prefix.as_str()) && giro_account)),
        "DK-R-008",
        means,
        "For payment means 50 a Danish seller must give a PaymentID starting with 01#, 04# or \
         15# and a giro account of 7 or 8 digits.",
    );
    out.fatal(
        !(is("50") && ["04#", "15#"].contains(&prefix.as_str()) && id_len != 19),
        "DK-R-009",
        means,
        "A PaymentID starting with 04# or 15# must carry the 16-digit instruction id \
         (19 characters in all).",
    );
    out.fatal(
        !(is("93")
            && !(["71#", "73#", "75#"].contains(&prefix.as_str())
                && account.as_deref().is_some_and(|a| a.chars().count() == 8))),
        "DK-R-010",
        means,
        "For payment means 93 a Danish seller must give a PaymentID starting with 71#, 73# or \
         75# and an 8-character creditor number.",
    );
    out.fatal(
        !(is("93") && ["71#", "75#"].contains(&prefix.as_str()) && !(id_len == 18 || id_len == 19)),
        "DK-R-011",
        means,
        "A PaymentID starting with 71# or 75# must carry the 15- or 16-digit instruction id.",
    );
}

fn italy(root: El<'_, '_>, cx: &Context, out: &mut Out) {
    if cx.supplier_country != "IT" {
        return;
    }
    for party in root.select("cac:AccountingSupplierParty/cac:Party") {
        for scheme in party
            .all("cac:PartyTaxScheme")
            .filter(|p| p.text_at("cac:TaxScheme/cbc:ID") != "VAT")
        {
            let id = scheme.text_at("cbc:CompanyID");
            out.fatal(
                (11..=16).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                "IT-R-001",
                scheme,
                "An Italian seller's tax registration identifier must be 11 to 16 upper-case \
                 letters or digits.",
            );
        }
        for (rule, path, what) in [
            (
                "IT-R-002",
                "cac:PostalAddress/cbc:StreetName",
                "street (address line 1)",
            ),
            ("IT-R-003", "cac:PostalAddress/cbc:CityName", "city"),
            ("IT-R-004", "cac:PostalAddress/cbc:PostalZone", "post code"),
        ] {
            out.fatal(
                party.exists(path),
                rule,
                party,
                format_args!("An Italian seller must give the {what} of its postal address."),
            );
        }
    }
}

/// Whether the supplier's address country is `SE` (compared as written).
fn swedish_supplier<'d, 'a>(root: El<'d, 'a>) -> Option<El<'d, 'a>> {
    root.select("cac:AccountingSupplierParty/cac:Party")
        .into_iter()
        .find(|p| {
            any_raw_eq(
                *p,
                "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
                "SE",
            )
        })
}

fn sweden(root: El<'_, '_>, out: &mut Out) {
    let Some(party) = swedish_supplier(root) else {
        return;
    };
    let raw_vat_schemes: Vec<El> = party
        .all("cac:PartyTaxScheme")
        .filter(|p| any_raw_eq(*p, "cac:TaxScheme/cbc:ID", "VAT"))
        .collect();
    let vat_ids: Vec<String> = raw_vat_schemes
        .iter()
        .filter_map(|p| p.child("cbc:CompanyID"))
        .map(|c| string_value(c).into_owned())
        .collect();
    let se_vat = raw_vat_schemes.iter().any(|p| {
        substring(
            &p.child("cbc:CompanyID")
                .map(string_value)
                .unwrap_or_default(),
            1,
            2,
        ) == "SE"
    });
    if se_vat {
        let first = vat_ids.first().cloned().unwrap_or_default();
        out.fatal(
            normalize(&first).chars().count() == 14,
            "SE-R-001",
            party,
            "A Swedish VAT number must be 14 characters: SE, ten digits of the organisation \
             number and 01.",
        );
        out.fatal(
            is_number(&substring(&first, 3, 12)),
            "SE-R-002",
            party,
            "The twelve characters after SE in a Swedish VAT number must be digits.",
        );
    }
    for legal in party.all("cac:PartyLegalEntity") {
        let Some(id) = legal.child("cbc:CompanyID") else {
            continue;
        };
        let raw = string_value(id);
        out.fatal(
            is_number(&raw),
            "SE-R-003",
            legal,
            "A Swedish organisation number must be numeric.",
        );
        out.fatal(
            normalize(&raw).chars().count() == 10,
            "SE-R-004",
            legal,
            "A Swedish organisation number has ten digits.",
        );
        out.fatal(
            se_orgnr(&normalize(&raw)),
            "SE-R-013",
            legal,
            "The last digit of this Swedish organisation number is not a valid Luhn check digit. \
             Check the number.",
        );
    }
    if party.exists("cac:PartyLegalEntity/cbc:CompanyID") {
        for scheme in party.all("cac:PartyTaxScheme").filter(|p| {
            p.find("cac:TaxScheme/cbc:ID")
                .map(|i| i.text().to_uppercase())
                .unwrap_or_default()
                != "VAT"
        }) {
            for id in scheme.all("cbc:CompanyID") {
                out.fatal(
                    id.text().to_uppercase() == "GODKÄND FÖR F-SKATT",
                    "SE-R-005",
                    id,
                    "A Swedish seller's tax registration must read 'Godkänd för F-skatt'.",
                );
            }
        }
    }
    if se_vat {
        for category in root
            .doc()
            .named_any(["cac:TaxCategory", "cac:ClassifiedTaxCategory"])
            .filter(|e| any_raw_eq(*e, "cbc:ID", "S"))
        {
            let rate = category
                .child("cbc:Percent")
                .and_then(|p| crate::decimal::parse(p.raw_text()));
            out.fatal(
                rate.is_some_and(|r| [25, 12, 6].iter().any(|v| r == Decimal::from(*v))),
                "SE-R-006",
                category,
                "A Swedish seller's standard-rated VAT must be 25, 12 or 6 percent.",
            );
        }
    }
    let swedish_customer = root
        .select("cac:AccountingCustomerParty/cac:Party")
        .iter()
        .any(|p| {
            any_raw_eq(
                *p,
                "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
                "SE",
            )
        });
    for means in root.doc().named("cac:PaymentMeans") {
        let code = means.text_at("cbc:PaymentMeansCode");
        let branch =
            means.text_at("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID");
        if code == "30" && (branch == "SE:PLUSGIRO" || branch == "SE:BANKGIRO") {
            let plus = branch == "SE:PLUSGIRO";
            for account in means.select("cac:PayeeFinancialAccount/cbc:ID") {
                let value = account.text();
                let len = value.chars().count();
                out.warning(
                    is_number(&value),
                    if plus { "SE-R-007" } else { "SE-R-008" },
                    account,
                    "A Swedish Plusgiro or Bankgiro account number should be numeric.",
                );
                out.warning(
                    if plus {
                        (2..=8).contains(&len)
                    } else {
                        len == 7 || len == 8
                    },
                    if plus { "SE-R-010" } else { "SE-R-009" },
                    account,
                    if plus {
                        "A Swedish Plusgiro account number should have 2 to 8 digits."
                    } else {
                        "A Swedish Bankgiro account number should have 7 or 8 digits."
                    },
                );
            }
        }
        if any_raw_eq(means, "cbc:PaymentMeansCode", "50")
            || any_raw_eq(means, "cbc:PaymentMeansCode", "56")
        {
            out.warning(
                false,
                "SE-R-011",
                means,
                "For Swedish Bankgiro or Plusgiro use payment means 30 with \
                 FinancialInstitutionBranch/ID SE:BANKGIRO or SE:PLUSGIRO.",
            );
        } else if swedish_customer && any_raw_eq(means, "cbc:PaymentMeansCode", "31") {
            out.warning(
                false,
                "SE-R-012",
                means,
                "Between Swedish parties a credit transfer should use payment means 30, not 31.",
            );
        }
    }
}

fn greece(root: El<'_, '_>, cx: &Context, out: &mut Out) {
    let greek = |c: &str| c == "GR" || c == "EL";
    let sender = greek(&cx.supplier_country);
    let supplier = supplier_party(root);
    if sender {
        if let Some(id) = root.child("cbc:ID") {
            greek_invoice_id(root, id, out);
        }
        for party in root.select("cac:AccountingSupplierParty/cac:Party") {
            out.fatal(
                party
                    .child("cac:PartyName")
                    .and_then(|n| n.child("cbc:Name"))
                    .is_some_and(|n| !string_value(n).is_empty()),
                "GR-R-002",
                party,
                "A Greek seller must give its full registered name (cac:PartyName/cbc:Name).",
            );
            out.warning(
                greek_vat(party),
                "GR-S-011",
                party,
                "A Greek seller should give exactly one VAT number, EL followed by a valid TIN.",
            );
            for scheme in party
                .all("cac:PartyTaxScheme")
                .filter(|p| p.text_at("cac:TaxScheme/cbc:ID") == "VAT")
            {
                for id in scheme.all("cbc:CompanyID") {
                    let v = string_value(id);
                    out.fatal(
                        substring(&v, 1, 2) == "EL" && greek_tin(&substring_from(&v, 3)),
                        "GR-R-003",
                        id,
                        "A Greek seller's VAT number must start with EL followed by a valid TIN.",
                    );
                }
            }
        }
        let in_greece = any_raw_eq(root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "GR");
        let described = |text: &str| {
            root.all("cac:AdditionalDocumentReference")
                .filter(|r| any_raw_eq(*r, "cbc:DocumentDescription", text))
                .count()
        };
        if in_greece {
            out.fatal(
                described("##M.AR.K##") == 1,
                "GR-R-004-1",
                root,
                "A Greek seller must give exactly one MARK number (AdditionalDocumentReference \
                 described ##M.AR.K##).",
            );
            out.warning(
                described("##INVOICE|URL##") == 1,
                "GR-S-008-1",
                root,
                "A Greek seller should give one invoice URL (AdditionalDocumentReference \
                 described ##INVOICE|URL##).",
            );
            out.fatal(
                described("##INVOICE|URL##") <= 1,
                "GR-R-008-2",
                root,
                "A Greek seller may give at most one invoice URL.",
            );
        }
        for reference in root.doc().named("cac:AdditionalDocumentReference") {
            if in_greece && any_raw_eq(reference, "cbc:DocumentDescription", "##M.AR.K##") {
                for id in reference.all("cbc:ID") {
                    out.fatal(
                        string_value(id)
                            .chars()
                            .next()
                            .is_some_and(|c| ('1'..='9').contains(&c)),
                        "GR-R-004-2",
                        id,
                        "The MARK number must be a positive integer.",
                    );
                }
            }
            if any_raw_eq(reference, "cbc:DocumentDescription", "##INVOICE|URL##") {
                out.fatal(
                    !reference
                        .text_at("cac:Attachment/cac:ExternalReference/cbc:URI")
                        .is_empty(),
                    "GR-R-008-3",
                    reference,
                    "The invoice URL reference needs its URI \
                     (cac:Attachment/cac:ExternalReference/cbc:URI).",
                );
            }
        }
        for party in root.select("cac:AccountingCustomerParty/cac:Party") {
            out.fatal(
                party
                    .child("cac:PartyName")
                    .and_then(|n| n.child("cbc:Name"))
                    .is_some_and(|n| !string_value(n).is_empty()),
                "GR-R-005",
                party,
                "A Greek seller must give the buyer's full name (cac:PartyName/cbc:Name).",
            );
        }
    }
    // GR-R-009 reads the supplier country without the tax representative fallback.
    let accounting_country = supplier
        .and_then(|p| {
            let first = p
                .all("cac:PartyTaxScheme")
                .find(|s| any_raw_eq(*s, "cac:TaxScheme/cbc:ID", "VAT"))?;
            let prefix = substring(&first.child("cbc:CompanyID").map(string_value)?, 1, 2);
            (!prefix.is_empty()).then(|| normalize(&prefix).to_uppercase())
        })
        .or_else(|| {
            supplier
                .and_then(|p| p.find("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
                .map(|c| c.text().to_uppercase())
        })
        .unwrap_or_else(|| "XX".to_owned());
    if greek(&accounting_country) {
        for endpoint in root.select("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID") {
            out.fatal(
                endpoint.attr("schemeID") == Some("9933") && greek_tin(&string_value(endpoint)),
                "GR-R-009",
                endpoint,
                "A Greek seller's Peppol address must be its TIN with scheme 9933.",
            );
        }
    }
    if sender && greek(&cx.customer_country) {
        for party in root.select("cac:AccountingCustomerParty/cac:Party") {
            out.fatal(
                greek_vat(party),
                "GR-R-006",
                party,
                "For a Greek buyer, a Greek seller must give the buyer's VAT number: EL followed \
                 by a valid TIN.",
            );
            for endpoint in party.all("cbc:EndpointID") {
                out.fatal(
                    endpoint.attr("schemeID") == Some("9933") && greek_tin(&string_value(endpoint)),
                    "GR-R-010",
                    endpoint,
                    "A Greek buyer's Peppol address must be its TIN with scheme 9933.",
                );
            }
        }
    }
}

/// One VAT number, `EL` + a valid TIN.
fn greek_vat(party: El<'_, '_>) -> bool {
    let ids: Vec<String> = party
        .all("cac:PartyTaxScheme")
        .filter(|p| p.text_at("cac:TaxScheme/cbc:ID") == "VAT")
        .flat_map(|p| p.all("cbc:CompanyID"))
        .map(|c| string_value(c).into_owned())
        .collect();
    ids.len() == 1 && substring(&ids[0], 1, 2) == "EL" && greek_tin(&substring_from(&ids[0], 3))
}

/// GR-R-001-*: a Greek invoice number has six `|`-separated segments: TIN, issue date
/// (dd/mm/yyyy), serial number, document type, and two more non-empty parts.
fn greek_invoice_id(root: El<'_, '_>, id: El<'_, '_>, out: &mut Out) {
    let value = string_value(id);
    let segments: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split('|').collect()
    };
    let segment = |i: usize| segments.get(i).copied().unwrap_or("");
    out.fatal(
        segments.len() == 6,
        "GR-R-001-1",
        id,
        "A Greek invoice number must have six segments separated by |.",
    );
    let tin = segment(0);
    let vat_tins = |path: &'static str| -> Vec<String> {
        root.select(path)
            .iter()
            .filter(|p| any_raw_eq(**p, "cac:TaxScheme/cbc:ID", "VAT"))
            .filter_map(|p| p.child("cbc:CompanyID"))
            .map(|c| substring(&string_value(c), 3, 9))
            .collect()
    };
    let known = vat_tins("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
        .iter()
        .chain(vat_tins("cac:TaxRepresentativeParty/cac:PartyTaxScheme").iter())
        .any(|t| t == tin);
    out.fatal(
        normalize(tin).chars().count() == 9 && greek_tin(tin) && known,
        "GR-R-001-2",
        id,
        "The first segment of a Greek invoice number must be the seller's (or tax \
         representative's) valid TIN.",
    );
    let issue: Vec<String> = root
        .child("cbc:IssueDate")
        .map(|d| string_value(d).split('-').map(str::to_owned).collect())
        .unwrap_or_default();
    let id_date: Vec<&str> = segment(1).split('/').collect();
    let part = |v: &[String], i: usize| v.get(i).cloned();
    let dates_match = id_date.len() >= 3
        && part(&issue, 2).as_deref() == Some(id_date[0])
        && part(&issue, 1).as_deref() == Some(id_date[1])
        && part(&issue, 0).as_deref() == Some(id_date[2]);
    out.fatal(
        !normalize(segment(1)).is_empty() && greek_date(segment(1)) && dates_match,
        "GR-R-001-3",
        id,
        "The second segment of a Greek invoice number must be the issue date as dd/mm/yyyy.",
    );
    let serial = segment(2);
    out.fatal(
        !normalize(serial).is_empty()
            && is_number(serial)
            && super::xpath::castable_as_integer(serial)
            && !serial.trim().starts_with('-'),
        "GR-R-001-4",
        id,
        "The third segment of a Greek invoice number must be a non-negative integer.",
    );
    out.fatal(
        !normalize(segment(3)).is_empty()
            && ["1.1", "1.6", "2.1", "2.4", "5.1", "5.2"].contains(&segment(3)),
        "GR-R-001-5",
        id,
        "The fourth segment of a Greek invoice number must be a Greek document type (1.1, 1.6, \
         2.1, 2.4, 5.1 or 5.2).",
    );
    out.fatal(
        !segment(4).is_empty(),
        "GR-R-001-6",
        id,
        "The fifth segment of a Greek invoice number must not be empty.",
    );
    out.fatal(
        !segment(5).is_empty(),
        "GR-R-001-7",
        id,
        "The sixth segment of a Greek invoice number must not be empty.",
    );
}

/// `matches(s, '^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}')`.
fn greek_date(s: &str) -> bool {
    let b = s.as_bytes();
    // Try every split the optional parts allow; the pattern is short, so brute force is cheap.
    fn day(b: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let d = |i: usize| b.get(i).copied().filter(u8::is_ascii_digit);
        if let Some(x) = d(0) {
            if (b'1'..=b'9').contains(&x) {
                ends.push(1);
            }
            if let Some(y) = d(1) {
                if (x == b'0' && y != b'0')
                    || x == b'1'
                    || x == b'2'
                    || (x == b'3' && (y == b'0' || y == b'1'))
                {
                    ends.push(2);
                }
            }
        }
        ends
    }
    fn month(b: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let d = |i: usize| b.get(i).copied().filter(u8::is_ascii_digit);
        if let Some(x) = d(0) {
            if (b'1'..=b'9').contains(&x) {
                ends.push(1);
            }
            if let Some(y) = d(1) {
                if (x == b'0' && y != b'0') || (x == b'1' && (b'0'..=b'2').contains(&y)) {
                    ends.push(2);
                }
            }
        }
        ends
    }
    let separators = |at: usize| -> Vec<usize> {
        let mut v = vec![at];
        if matches!(b.get(at), Some(b'-' | b'\\' | b'/' | b' ')) {
            v.push(at + 1);
        }
        v
    };
    let year = |at: usize| {
        b.len() >= at + 4
            && (&b[at..at + 2] == b"19" || &b[at..at + 2] == b"20")
            && b[at + 2..at + 4].iter().all(u8::is_ascii_digit)
    };
    day(b).into_iter().any(|d| {
        separators(d).into_iter().any(|s1| {
            month(&b[s1.min(b.len())..])
                .into_iter()
                .any(|m| separators(s1 + m).into_iter().any(year))
        })
    })
}

fn iceland(root: El<'_, '_>, out: &mut Out) {
    if raw_country(supplier_party(root)) != "IS" {
        return;
    }
    let type_code = root
        .child("cbc:InvoiceTypeCode")
        .or_else(|| root.child("cbc:CreditNoteTypeCode"))
        .map(|c| c.text().into_owned())
        .unwrap_or_default();
    out.warning(
        type_code == "380" || type_code == "381",
        "IS-R-001",
        root,
        "An Icelandic seller should use type code 380 (invoice) or 381 (credit note).",
    );
    let legal =
        root.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID");
    out.fatal(
        legal.is_some_and(|c| c.attr("schemeID") == Some("0196")),
        "IS-R-002",
        root,
        "An Icelandic seller must give its kennitala as legal identifier with schemeID 0196.",
    );
    out.fatal(
        root.exists("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName")
            && root
                .exists("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone"),
        "IS-R-003",
        root,
        "An Icelandic seller must give its street name and post code.",
    );
    for (rule, code) in [("IS-R-006", "9"), ("IS-R-007", "42")] {
        let means: Vec<El> = root
            .all("cac:PaymentMeans")
            .filter(|m| any_raw_eq(*m, "cbc:PaymentMeansCode", code))
            .collect();
        let account = means
            .iter()
            .find_map(|m| m.find("cac:PayeeFinancialAccount/cbc:ID"));
        out.fatal(
            means.is_empty() || account.is_some_and(|a| a.text().chars().count() == 12),
            rule,
            root,
            "For this payment means an Icelandic seller must give a 12-digit account number \
             (PayeeFinancialAccount/ID).",
        );
    }
    let due_reference = root
        .all("cac:AdditionalDocumentReference")
        .find(|r| any_raw_eq(*r, "cbc:DocumentDescription", "EINDAGI"));
    if let Some(reference) = due_reference {
        let id = reference
            .child("cbc:ID")
            .map(|i| string_value(i).into_owned())
            .unwrap_or_default();
        out.fatal(
            id.chars().count() == 10 && date(&id).is_some(),
            "IS-R-008",
            root,
            "The EINDAGI reference must hold a date written YYYY-MM-DD.",
        );
        let due = root
            .child("cbc:DueDate")
            .map(|d| string_value(d).into_owned());
        out.fatal(
            due.is_some(),
            "IS-R-009",
            root,
            "With an EINDAGI reference the invoice must have a due date (cbc:DueDate).",
        );
        out.fatal(
            due.is_some_and(|d| reference.child("cbc:ID").is_some() && d.as_str() <= id.as_str()),
            "IS-R-010",
            root,
            "The EINDAGI date must be the same as or later than the due date.",
        );
    }
    if raw_country(customer_party(root)) == "IS" {
        for customer in root.all("cac:AccountingCustomerParty") {
            out.fatal(
                customer
                    .find("cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
                    .is_some_and(|c| c.attr("schemeID") == Some("0196")),
                "IS-R-004",
                customer,
                "Between Icelandic parties the buyer's kennitala must be given as legal \
                 identifier with schemeID 0196.",
            );
            out.fatal(
                customer.exists("cac:Party/cac:PostalAddress/cbc:StreetName")
                    && customer.exists("cac:Party/cac:PostalAddress/cbc:PostalZone"),
                "IS-R-005",
                customer,
                "Between Icelandic parties the buyer's street name and post code must be given.",
            );
        }
    }
}

fn netherlands(root: El<'_, '_>, out: &mut Out) {
    let supplier = supplier_party(root);
    if !country_is(supplier, "NL") {
        return;
    }
    let customer_nl = country_is(customer_party(root), "NL");
    let representative_nl = root
        .find("cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        .is_some_and(|c| c.text().to_uppercase() == "NL");
    let full_address = |address: El<'_, '_>| {
        address.has("cbc:StreetName")
            && address.has("cbc:CityName")
            && address.has("cbc:PostalZone")
    };
    let kvk_or_oin = |id: El<'_, '_>| {
        matches!(id.attr("schemeID"), Some("0106" | "0190")) && !id.text().is_empty()
    };
    let has_means = root.doc().named("cac:PaymentMeans").next().is_some();
    for e in root.doc().elements() {
        let parent = e.parent();
        let under = |path: &[&str]| {
            let mut cur = parent;
            path.iter().rev().all(|step| {
                let ok = cur.is_some_and(|c| c.is(step));
                cur = cur.and_then(|c| c.parent());
                ok
            })
        };
        match e.local_name() {
            "CreditNoteTypeCode" if e.is("cbc:CreditNoteTypeCode") => out.fatal(
                root.exists("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
                "NL-R-001",
                e,
                "A Dutch seller's credit note must reference the invoice it corrects \
                 (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID).",
            ),
            "PostalAddress" if e.is("cac:PostalAddress") => {
                if under(&["cac:AccountingSupplierParty", "cac:Party"]) {
                    out.fatal(
                        full_address(e),
                        "NL-R-002",
                        e,
                        "A Dutch seller's address must have street name, city and post code.",
                    );
                } else if customer_nl && under(&["cac:AccountingCustomerParty", "cac:Party"]) {
                    out.fatal(
                        full_address(e),
                        "NL-R-004",
                        e,
                        "A Dutch buyer's address must have street name, city and post code.",
                    );
                } else if representative_nl && under(&["cac:TaxRepresentativeParty"]) {
                    out.fatal(
                        full_address(e),
                        "NL-R-006",
                        e,
                        "A Dutch tax representative's address must have street name, city and \
                         post code.",
                    );
                }
            }
            "CompanyID" if e.is("cbc:CompanyID") => {
                if under(&[
                    "cac:AccountingSupplierParty",
                    "cac:Party",
                    "cac:PartyLegalEntity",
                ]) {
                    out.fatal(
                        kvk_or_oin(e),
                        "NL-R-003",
                        e,
                        "A Dutch seller's legal identifier must be a KVK or OIN number (schemeID \
                         0106 or 0190).",
                    );
                } else if customer_nl
                    && under(&[
                        "cac:AccountingCustomerParty",
                        "cac:Party",
                        "cac:PartyLegalEntity",
                    ])
                {
                    out.fatal(
                        kvk_or_oin(e),
                        "NL-R-005",
                        e,
                        "A Dutch buyer's legal identifier must be a KVK or OIN number (schemeID \
                         0106 or 0190).",
                    );
                }
            }
            "LegalMonetaryTotal" if e.is("cac:LegalMonetaryTotal") => {
                let payable = dec(e, "cbc:PayableAmount");
                let nothing_to_pay = if root.doc().is_invoice() {
                    payable.is_some_and(|p| p <= Decimal::ZERO)
                } else {
                    payable.is_some_and(|p| p >= Decimal::ZERO)
                };
                out.fatal(
                    nothing_to_pay || has_means,
                    "NL-R-007",
                    e,
                    "A Dutch seller must give payment means (cac:PaymentMeans) when the buyer \
                     has to pay.",
                );
            }
            "PaymentMeans" if customer_nl && e.is("cac:PaymentMeans") => out.fatal(
                ["30", "48", "49", "57", "58", "59"]
                    .contains(&e.text_at("cbc:PaymentMeansCode").as_ref()),
                "NL-R-008",
                e,
                "Between Dutch parties the payment means code must be 30, 48, 49, 57, 58 or 59.",
            ),
            "LineID" if e.is("cbc:LineID") && under(&["cac:OrderLineReference"]) => out.fatal(
                root.exists("cac:OrderReference/cbc:ID"),
                "NL-R-009",
                e,
                "A Dutch seller using order line references must give the order reference \
                 (cac:OrderReference/cbc:ID).",
            ),
            _ => {}
        }
    }
}
