//! Receiving e-invoices: a UBL Invoice or CreditNote from another party is validated, read into
//! the domain and kept as an incoming document of the business it was sent to, with its own
//! number, dates and parties, and its bytes as received.

use invoicer_api_types::ErrorCode;
use invoicer_domain::{
    invoice::{Direction, Invoice, Status},
    party::Business,
    tenant::Tenant,
    totals,
    validation::Violations,
};
use invoicer_store::{
    repo::{businesses, invoices},
    Conn, Db, Tx,
};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    invoices::now,
    parties::load_business,
    sealing,
};

pub async fn import(
    db: &Db,
    tenant: Tenant,
    xml: &[u8],
    business_id: Option<&str>,
) -> AppResult<Invoice> {
    crate::idempotency::in_transaction(db, prepare(xml, business_id), async |tx, prepared| {
        add(tx, tenant, prepared).await
    })
    .await
}

/// A received document, validated and read, waiting for its transaction.
pub struct Prepared {
    read: invoicer_einvoice::ReadDocument,
    business_id: Option<Uuid>,
    text: String,
}

/// Validates and reads the document: the work that needs no database, done before the
/// transaction so it never holds SQLite's writer.
pub fn prepare(xml: &[u8], business_id: Option<&str>) -> AppResult<Prepared> {
    let report = invoicer_einvoice::validate(xml);
    if report.has_fatal() {
        return Err(AppError::validation_failed(&report, "The document"));
    }
    let read = invoicer_einvoice::read(xml).map_err(|e| {
        let mut v = Violations::new();
        for p in &e.problems {
            v.push(p.location.clone(), p.code, p.message.clone());
        }
        let mut err = AppError::invalid(v);
        if let AppError::Client { detail, .. } = &mut err {
            *detail = format!("The document is valid but cannot be imported: {detail}");
        }
        err
    })?;
    let business_id = business_id
        .map(|text| {
            Uuid::try_parse(text).map_err(|_| {
                AppError::invalid_field(
                    "business_id",
                    "invalid_id",
                    format!("`{text}` is not a UUID."),
                )
            })
        })
        .transpose()?;
    let text = std::str::from_utf8(xml)
        .map_err(|_| AppError::internal("a document the validator read is not UTF-8"))?
        .to_owned();
    Ok(Prepared {
        read,
        business_id,
        text,
    })
}

/// Keeps a prepared document as an incoming one, inside a caller's transaction.
pub async fn add(tx: &mut Tx, tenant: Tenant, prepared: Prepared) -> AppResult<Invoice> {
    let Prepared {
        read,
        business_id,
        text,
    } = prepared;
    // A document whose figures ours reproduce to the cent keeps ours; otherwise its own.
    let computed = totals::compute(&read.content);
    let stated_totals = (computed != read.stated).then_some(read.stated);
    let at = now();
    let business = receiving_business(tx, tenant, &read.parties.buyer, business_id).await?;
    let document = Invoice {
        id: Uuid::now_v7(),
        kind: read.kind,
        direction: Direction::Incoming,
        business_id: business.id,
        customer_id: None,
        credited_invoice_id: None,
        status: Status::Received,
        number: Some(read.number),
        terms: read.terms,
        content: read.content,
        parties: Some(read.parties),
        ubl_sha256: Some(sealing::sha256_hex(text.as_bytes())),
        stated_totals,
        issued_at: None,
        paid_at: None,
        voided_at: None,
        created_at: at,
        updated_at: at,
    };
    if let Some(existing) = invoices::find_received(tx, tenant, &document).await? {
        return Err(already_imported(existing));
    }
    invoices::insert(tx, tenant, &document)
        .await
        .map_err(|e| match e {
            // A concurrent import of the same document committed first.
            invoicer_store::StoreError::Conflict(_) => AppError::new(
                ErrorCode::DocumentAlreadyImported,
                "The same document was imported at the same moment by another request.",
            ),
            other => other.into(),
        })?;
    invoices::set_ubl(tx, tenant, document.id, &text).await?;
    Ok(document)
}

fn already_imported(existing: Uuid) -> AppError {
    let mut err = AppError::new(
        ErrorCode::DocumentAlreadyImported,
        format!(
            "This document (same issuer, number and issue date) was imported before as {existing}."
        ),
    );
    if let AppError::Client { extensions, .. } = &mut err {
        extensions.insert("existing_id".into(), existing.to_string().into());
    }
    err
}

/// The business the document was sent to: the one named, or the one whose Peppol id or VAT id
/// is the buyer's.
async fn receiving_business(
    conn: &mut Conn,
    tenant: Tenant,
    buyer: &invoicer_domain::party::Identity,
    named: Option<Uuid>,
) -> AppResult<Business> {
    if let Some(id) = named {
        return load_business(conn, tenant, id).await;
    }
    let found = businesses::find_by_identity(
        conn,
        tenant,
        buyer.peppol_id.as_deref(),
        buyer.vat_id.as_deref(),
    )
    .await?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => {
            let tried = [
                buyer.peppol_id.as_ref().map(|p| format!("Peppol id {p}")),
                buyer.vat_id.as_ref().map(|v| format!("VAT id {v}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
            let how = if tried.is_empty() {
                "The buyer of the document has neither a Peppol id nor a VAT id to match".to_owned()
            } else {
                format!("No business of yours has the buyer's {}", tried.join(" or "))
            };
            Err(AppError::new(
                ErrorCode::BusinessNotFound,
                format!("{how}; name the business with ?business_id=."),
            ))
        }
        _ => Err(AppError::invalid_field(
            "business_id",
            "ambiguous",
            "Several of your businesses match the buyer of the document; name one with ?business_id=.",
        )),
    }
}
