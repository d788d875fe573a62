//! Credit notes: issued at once against an issued invoice, numbered in their own series, and
//! never crediting more than the invoice.

use invoicer_api_types::{
    invoice::{CreditNoteIn, NewCreditNote},
    ErrorCode,
};
use invoicer_domain::{
    invoice::{Content, Direction, Invoice, Kind, PrecedingInvoice, Status, Terms},
    tenant::Tenant,
    totals,
};
use invoicer_store::{repo::invoices as repo, Db, Tx};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    invoices::{check_declared, check_line_count, next_number, now, resolve},
    parties::{load_business, load_customer},
    sealing,
};

pub fn parse(input: &CreditNoteIn) -> AppResult<NewCreditNote> {
    check_line_count(input.line_count())?;
    input.parse().map_err(AppError::invalid)
}

pub async fn create(db: &Db, tenant: Tenant, input: CreditNoteIn) -> AppResult<Invoice> {
    crate::idempotency::in_transaction(db, parse(&input), async |tx, new| {
        add(tx, tenant, new).await
    })
    .await
}

/// Issues a parsed credit note, inside a caller's transaction.
pub async fn add(tx: &mut Tx, tenant: Tenant, new: NewCreditNote) -> AppResult<Invoice> {
    let invoice = resolve(tx, tenant, Kind::Invoice, &new.invoice_ref)
        .await
        .map_err(|e| match e {
            AppError::Client {
                code: ErrorCode::InvalidRequest,
                ..
            } => AppError::invalid_field(
                "invoice_id",
                "invalid_id",
                "Give the id or number of an issued invoice.",
            ),
            other => other,
        })?;
    repo::lock(tx, tenant, invoice.id).await?;
    if invoice.direction == Direction::Incoming {
        return Err(AppError::new(
            ErrorCode::InvoiceNotCreditable,
            "The invoice was received, not issued by you: only its issuer can credit it.",
        ));
    }
    if !matches!(invoice.status, Status::Issued | Status::Paid) {
        return Err(AppError::new(
            ErrorCode::InvoiceNotCreditable,
            format!(
                "The invoice is {}; only issued or paid invoices can be credited.",
                invoice.status
            ),
        ));
    }
    let whole = new.lines.is_none();
    let content = Content {
        currency: invoice.content.currency,
        lines: new.lines.unwrap_or_else(|| invoice.content.lines.clone()),
        allowances_charges: if whole && new.allowances_charges.is_empty() {
            invoice.content.allowances_charges.clone()
        } else {
            new.allowances_charges
        },
        prepaid: Decimal::ZERO,
        vat_rounding: invoice.content.vat_rounding,
    };
    let credit_totals = totals::compute(&content);
    check_declared(&new.declared, &credit_totals)?;
    if credit_totals.tax_inclusive <= Decimal::ZERO {
        return Err(AppError::invalid_field(
            "line_items",
            "not_positive",
            "A credit note must credit a positive amount.",
        ));
    }
    let credited: Decimal = repo::credited_amounts(tx, tenant, invoice.id)
        .await?
        .into_iter()
        .sum();
    let remaining = invoice.totals().tax_inclusive - credited;
    if credit_totals.tax_inclusive > remaining {
        return Err(AppError::new(
            ErrorCode::CreditExceedsInvoice,
            format!(
                "The credit note totals {} {}, but only {} {} of invoice {} is left to credit.",
                credit_totals.tax_inclusive,
                content.currency,
                remaining,
                content.currency,
                invoice.number.as_deref().unwrap_or_default()
            ),
        ));
    }
    let business = load_business(tx, tenant, invoice.business_id).await?;
    let at = now();
    let issue_date = new.terms.issue_date.unwrap_or(at.date());
    let number = next_number(tx, tenant, &business, Kind::CreditNote, issue_date).await?;
    let mut note = Invoice {
        id: Uuid::now_v7(),
        kind: Kind::CreditNote,
        direction: Direction::Outgoing,
        business_id: invoice.business_id,
        customer_id: invoice.customer_id,
        credited_invoice_id: Some(invoice.id),
        status: Status::Issued,
        number: Some(number),
        terms: Terms {
            issue_date: Some(issue_date),
            buyer_reference: invoice.terms.buyer_reference.clone(),
            purchase_order: invoice.terms.purchase_order.clone(),
            payment_terms: new
                .terms
                .payment_terms
                .clone()
                .or_else(|| invoice.terms.payment_terms.clone()),
            payment_means: invoice.terms.payment_means.clone(),
            delivery: invoice.terms.delivery.clone(),
            preceding: Some(PrecedingInvoice {
                number: invoice.number.clone().unwrap_or_default(),
                issue_date: invoice.terms.issue_date,
            }),
            ..new.terms
        },
        content,
        parties: None,
        ubl_sha256: None,
        stated_totals: None,
        issued_at: Some(at),
        paid_at: None,
        voided_at: None,
        created_at: at,
        updated_at: at,
    };
    // The parties the invoice was issued to are the parties credited.
    let (seller, buyer) = match &invoice.parties {
        Some(p) => (p.seller.clone(), p.buyer.clone()),
        None => (
            business.identity.clone(),
            load_customer(
                tx,
                tenant,
                invoice
                    .customer_id
                    .ok_or_else(crate::parties::customer_not_found)?,
            )
            .await?
            .identity,
        ),
    };
    let ubl = sealing::seal(&mut note, &seller, &buyer)?;
    repo::insert(tx, tenant, &note).await?;
    repo::set_ubl(tx, tenant, note.id, &ubl).await?;
    Ok(note)
}
