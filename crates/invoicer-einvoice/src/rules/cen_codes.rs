//! The CEN code-list rules BR-CL-*: every coded value must come from its list, in the edition
//! the CEN artefacts carry (see `invoicer_domain::codelists`).

use invoicer_domain::codelists::{
    eas, iso3166, iso4217, iso6523_icd, mime, uncl1001, uncl1153, uncl2005, uncl4451, uncl4461,
    uncl5189, uncl5305, uncl7143, uncl7161, unece_rec20, vatex, CodeList,
};

use super::peppol::is_amount;
use super::xpath::{any_raw_eq, is_charge, string_value};
use super::Out;
use crate::tree::{normalize, Doc, El, Ns};

/// The artefacts' membership test: the normalised value is one token and on the list.
fn on(list: &CodeList, value: &str) -> bool {
    let value = normalize(value);
    !value.as_bytes().contains(&b' ') && list.contains(&value)
}

fn code(
    out: &mut Out,
    at: El<'_, '_>,
    list: &CodeList,
    value: Option<&str>,
    rule: &'static str,
    what: &str,
) {
    out.fatal(
        value.is_some_and(|v| on(list, v)),
        rule,
        at,
        format_args!(
            "{what} is not on the {} code list ({}). Use a listed code.",
            list.name(),
            list.version()
        ),
    );
}

pub(crate) fn check(doc: &Doc<'_>, out: &mut Out) {
    let root = doc.root();
    for note in root.all("cbc:Note") {
        note_subject(note, out);
    }
    for e in doc.elements() {
        let parent = e.parent();
        let parent_is = |q: &str| parent.is_some_and(|p| p.is(q));
        if e.ns() != Ns::Cbc {
            continue;
        }
        let text = string_value(e);
        if is_amount(e) {
            code(
                out,
                e,
                &iso4217::CEN,
                Some(e.attr("currencyID").unwrap_or("")),
                "BR-CL-03",
                "The amount's currencyID",
            );
            continue;
        }
        match e.local_name() {
            "InvoiceTypeCode" => code(
                out,
                e,
                &uncl1001::INVOICE_TYPES,
                Some(&text),
                "BR-CL-01",
                "The invoice type code",
            ),
            "CreditNoteTypeCode" => code(
                out,
                e,
                &uncl1001::CREDIT_NOTE_TYPES,
                Some(&text),
                "BR-CL-01",
                "The credit note type code",
            ),
            "DocumentCurrencyCode" => code(
                out,
                e,
                &iso4217::CEN,
                Some(&text),
                "BR-CL-04",
                "The invoice currency code",
            ),
            "TaxCurrencyCode" => code(
                out,
                e,
                &iso4217::CEN,
                Some(&text),
                "BR-CL-05",
                "The VAT accounting currency code",
            ),
            "DescriptionCode" if parent_is("cac:InvoicePeriod") => code(
                out,
                e,
                &uncl2005::VAT_POINT_DATE_CODES,
                Some(&text),
                "BR-CL-06",
                "The VAT point date code",
            ),
            "ID" => identifier(e, parent, out),
            "CompanyID" if parent_is("cac:PartyLegalEntity") && e.attr("schemeID").is_some() => {
                code(
                    out,
                    e,
                    &iso6523_icd::ICD,
                    e.attr("schemeID"),
                    "BR-CL-11",
                    "The legal registration identifier's schemeID",
                )
            }
            "ItemClassificationCode"
                if parent_is("cac:CommodityClassification") && e.attr("listID").is_some() =>
            {
                code(
                    out,
                    e,
                    &uncl7143::ITEM_CLASSIFICATIONS,
                    e.attr("listID"),
                    "BR-CL-13",
                    "The item classification's listID",
                )
            }
            "IdentificationCode" if parent_is("cac:Country") => code(
                out,
                e,
                &iso3166::COUNTRIES,
                Some(&text),
                "BR-CL-14",
                "The country code",
            ),
            "IdentificationCode" if parent_is("cac:OriginCountry") => code(
                out,
                e,
                &iso3166::COUNTRIES,
                Some(&text),
                "BR-CL-15",
                "The country of origin code",
            ),
            "PaymentMeansCode" if parent_is("cac:PaymentMeans") => code(
                out,
                e,
                &uncl4461::PAYMENT_MEANS,
                Some(&text),
                "BR-CL-16",
                "The payment means code",
            ),
            "AllowanceChargeReasonCode" if parent_is("cac:AllowanceCharge") => {
                let charge = parent.expect("checked above");
                if is_charge(charge, false) {
                    code(
                        out,
                        e,
                        &uncl5189::ALLOWANCE_REASONS,
                        Some(&text),
                        "BR-CL-19",
                        "The allowance reason code",
                    );
                } else if is_charge(charge, true) {
                    code(
                        out,
                        e,
                        &uncl7161::CHARGE_REASONS,
                        Some(&text),
                        "BR-CL-20",
                        "The charge reason code",
                    );
                }
            }
            "TaxExemptionReasonCode" => code(
                out,
                e,
                &vatex::EXEMPTION_REASONS,
                Some(&text.to_uppercase()),
                "BR-CL-22",
                "The VAT exemption reason code",
            ),
            "InvoicedQuantity" | "BaseQuantity" | "CreditedQuantity"
                if e.attr("unitCode").is_some() =>
            {
                code(
                    out,
                    e,
                    &unece_rec20::UNITS,
                    e.attr("unitCode"),
                    "BR-CL-23",
                    "The unit of measure",
                )
            }
            "EmbeddedDocumentBinaryObject" if e.attr("mimeCode").is_some() => {
                // Compared exactly, without normalising.
                out.fatal(
                    e.attr("mimeCode")
                        .is_some_and(|m| mime::ATTACHMENT_TYPES.contains(m)),
                    "BR-CL-24",
                    e,
                    "The attachment's mimeCode must be application/pdf, image/png, image/jpeg, \
                     text/csv, or an OOXML or ODF spreadsheet type.",
                );
            }
            "EndpointID" if e.attr("schemeID").is_some() => code(
                out,
                e,
                &eas::CEN,
                e.attr("schemeID"),
                "BR-CL-25",
                "The electronic address schemeID",
            ),
            _ => {}
        }
    }
}

fn identifier(e: El<'_, '_>, parent: Option<El<'_, '_>>, out: &mut Out) {
    let Some(parent) = parent else { return };
    if parent.is("cac:TaxCategory") || parent.is("cac:ClassifiedTaxCategory") {
        let line = parent.is("cac:ClassifiedTaxCategory");
        code(
            out,
            e,
            &uncl5305::VAT_CATEGORIES,
            Some(&string_value(e)),
            if line { "BR-CL-18" } else { "BR-CL-17" },
            "The VAT category code",
        );
        return;
    }
    let Some(scheme) = e.attr("schemeID") else {
        return;
    };
    if (parent.is("cac:AdditionalDocumentReference") || parent.is("cac:DocumentReference"))
        && any_raw_eq(parent, "cbc:DocumentTypeCode", "130")
    {
        code(
            out,
            e,
            &uncl1153::REFERENCE_QUALIFIERS,
            Some(scheme),
            "BR-CL-07",
            "The invoiced object identifier's schemeID",
        );
    } else if parent.is("cac:PartyIdentification") {
        // SEPA (a creditor identifier) is accepted for the seller and the payee only.
        let sepa = normalize(scheme) == "SEPA"
            && e.ancestors()
                .any(|a| a.is("cac:AccountingSupplierParty") || a.is("cac:PayeeParty"));
        out.fatal(
            on(&iso6523_icd::ICD, scheme) || sepa,
            "BR-CL-10",
            e,
            "The party identifier's schemeID is not an ISO 6523 ICD (SEPA is allowed only for \
             the seller and the payee). Use a listed scheme such as 0088.",
        );
    } else if parent.is("cac:StandardItemIdentification") {
        code(
            out,
            e,
            &iso6523_icd::ICD,
            Some(scheme),
            "BR-CL-21",
            "The item standard identifier's schemeID",
        );
    } else if parent.is("cac:DeliveryLocation") {
        code(
            out,
            e,
            &iso6523_icd::ICD,
            Some(scheme),
            "BR-CL-26",
            "The delivery location identifier's schemeID",
        );
    }
}

/// BR-CL-08: a note that starts its subject as `#XXX#` must use a UNTDID 4451 code. The
/// artefact looks the three characters up in the space-separated list without padding them, so
/// a code containing a space can match across two codes; we do the same.
fn note_subject(note: El<'_, '_>, out: &mut Out) {
    let text = string_value(note);
    let Some((_, after)) = text.split_once('#') else {
        return;
    };
    let subject = after.split_once('#').map_or("", |(s, _)| s);
    if subject.chars().count() != 3 {
        return;
    }
    let known = if subject.contains(' ') {
        let joined = format!(" {} ", uncl4451::NOTE_SUBJECTS.codes().join(" "));
        joined.contains(subject)
    } else {
        uncl4451::NOTE_SUBJECTS.contains(subject)
    };
    out.fatal(
        known,
        "BR-CL-08",
        note,
        "The note's subject code (between the first two #) is not a UNTDID 4451 code. Use a \
         listed code such as AAI, or write the note without #…#.",
    );
}
