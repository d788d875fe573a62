//! Turning a document into its e-invoice when it is issued: its parties are frozen, the
//! prerequisites of a valid Peppol BIS Billing 3.0 document are checked, the UBL is rendered and
//! validated, and its bytes and their SHA-256 are kept with it, all inside the issuing
//! transaction. A refusal rolls the whole issue back, number included.

use invoicer_domain::{
    invoice::{Invoice, Parties},
    issuable,
    party::Identity,
};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Freezes `seller` and `buyer` into `doc`, renders and validates it; on success `doc` carries
/// its `ubl_sha256` and the UBL is returned, to be kept with the row (`invoices::set_ubl`).
pub(crate) fn seal(doc: &mut Invoice, seller: &Identity, buyer: &Identity) -> AppResult<String> {
    let parties = Parties {
        seller: seller.clone(),
        buyer: buyer.clone(),
    };
    let v = issuable::check(doc.kind, &doc.terms, &doc.content, &doc.totals(), &parties);
    if !v.is_empty() {
        let mut err = AppError::invalid(v);
        if let AppError::Client { detail, .. } = &mut err {
            *detail = format!(
                "The document cannot be issued as a valid e-invoice yet. {detail} Fix them on the draft, business or customer, then issue again."
            );
        }
        return Err(err);
    }
    doc.parties = Some(parties);
    let ubl = invoicer_einvoice::render(doc)
        .map_err(|e| AppError::internal(format!("rendering {}: {e}", doc.id)))?;
    let report = invoicer_einvoice::validate(ubl.as_bytes());
    if report.has_fatal() {
        return Err(AppError::validation_failed(
            &report,
            "The rendered e-invoice",
        ));
    }
    doc.ubl_sha256 = Some(sha256_hex(ubl.as_bytes()));
    Ok(ubl)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
