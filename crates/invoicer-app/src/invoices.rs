//! Invoices and credit notes: create, read by id or number, list, edit while draft, and the
//! lifecycle actions. Each operation is one transaction.

use invoicer_api_types::{
    invoice::{InvoiceIn, NewInvoice},
    list::InvoiceListQuery,
    time_fmt::parse_date,
    ErrorCode,
};
use invoicer_domain::{
    invoice::{Action, Direction, Invoice, Kind, Status, TransitionRefused, MAX_LINE_ITEMS},
    money::Currency,
    numbering,
    party::Business,
    tenant::Tenant,
    totals::{self, Declared, Totals},
    validation::Violations,
};
use invoicer_store::{
    page::Page,
    repo::{businesses, invoices, invoices::KeyedRecord, number_series},
    Conn, Db, Tx,
};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    pagination,
    parties::{business_not_found, customer_not_found, load_business, load_customer},
    sealing,
};

pub(crate) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

pub fn not_found(kind: Kind) -> AppError {
    match kind {
        Kind::Invoice => AppError::new(
            ErrorCode::InvoiceNotFound,
            "No invoice with this id or number exists in this account and environment.",
        ),
        Kind::CreditNote => AppError::new(
            ErrorCode::CreditNoteNotFound,
            "No credit note with this id or number exists in this account and environment.",
        ),
    }
}

pub(crate) fn check_line_count(count: usize) -> AppResult<()> {
    if count > MAX_LINE_ITEMS {
        return Err(AppError::new(
            ErrorCode::TooManyLineItems,
            format!("The document has {count} line items; at most {MAX_LINE_ITEMS} are allowed."),
        ));
    }
    Ok(())
}

/// Finds a document by UUID or, once issued, by its number (`INV-2026-000001`).
pub async fn resolve(
    conn: &mut Conn,
    tenant: Tenant,
    kind: Kind,
    reference: &str,
) -> AppResult<Invoice> {
    if let Ok(id) = Uuid::try_parse(reference) {
        return invoices::get(conn, tenant, kind, id)
            .await?
            .ok_or_else(|| not_found(kind));
    }
    if !numbering::looks_like_number(reference) {
        return Err(AppError::invalid_field(
            "id",
            "invalid_id",
            format!("`{reference}` is neither a UUID nor a document number like INV-2026-000001."),
        ));
    }
    let mut found = invoices::find_by_number(conn, tenant, kind, reference).await?;
    match found.len() {
        0 => Err(not_found(kind)),
        1 => Ok(found.remove(0)),
        _ => Err(AppError::new(
            ErrorCode::InvoiceNumberAmbiguous,
            format!("Several of your businesses issued a document numbered {reference}; address it by id."),
        )),
    }
}

/// Compares the client's declared totals with ours: exactly, or within its tolerance.
pub(crate) fn check_declared(declared: &Option<Declared>, totals: &Totals) -> AppResult<()> {
    let Some(declared) = declared else {
        return Ok(());
    };
    let mismatches = totals::check_declared(declared, totals);
    if mismatches.is_empty() {
        return Ok(());
    }
    let (code, how) = match declared.tolerance {
        Some(t) => (ErrorCode::TotalsMismatch, format!(" (tolerance ±{t})")),
        None => (ErrorCode::DeclaredTotalsMismatch, String::new()),
    };
    let detail = mismatches
        .iter()
        .map(|m| {
            format!(
                "{} ({}) does not equal the computed {}{how}",
                m.field.name(),
                m.declared,
                m.computed
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut v = Violations::new();
    for m in &mismatches {
        v.push(
            format!("declared_totals.{}", m.field.name()),
            "mismatch",
            format!("Expected {}.", m.computed),
        );
    }
    let mut err = AppError::new(code, format!("{detail}.")).with_errors(v.into_vec());
    if let AppError::Client { extensions, .. } = &mut err {
        let expected: serde_json::Map<_, _> = totals::TotalField::ALL
            .iter()
            .map(|f| {
                (
                    f.name().to_owned(),
                    serde_json::Value::String(f.of(totals).to_string()),
                )
            })
            .collect();
        extensions.insert("expected".into(), expected.into());
    }
    Err(err)
}

async fn active_business(conn: &mut Conn, tenant: Tenant, id: Uuid) -> AppResult<Business> {
    let business = load_business(conn, tenant, id).await?;
    if business.archived {
        return Err(business_archived());
    }
    Ok(business)
}

fn business_archived() -> AppError {
    AppError::new(
        ErrorCode::BusinessArchived,
        "The business is archived and takes no new invoices.",
    )
}

/// The seller, if it and the buyer exist and are active: one read for both.
async fn active_parties(
    conn: &mut Conn,
    tenant: Tenant,
    business_id: Uuid,
    customer_id: Uuid,
) -> AppResult<Business> {
    let (business, customer_archived) =
        businesses::get_with_customer(conn, tenant, business_id, customer_id)
            .await?
            .ok_or_else(business_not_found)?;
    if business.archived {
        return Err(business_archived());
    }
    match customer_archived {
        None => Err(customer_not_found()),
        Some(true) => Err(AppError::new(
            ErrorCode::CustomerArchived,
            "The customer is archived and cannot be invoiced.",
        )),
        Some(false) => Ok(business),
    }
}

/// Parses a whole invoice request. Done before the transaction starts: on SQLite the writer is
/// shared, and parsing needs nothing from it.
pub fn parse(input: &InvoiceIn) -> AppResult<NewInvoice> {
    check_line_count(input.line_count())?;
    input.parse().map_err(AppError::invalid)
}

/// Checks a parsed invoice against its parties; the draft to store.
async fn build_draft(
    conn: &mut Conn,
    tenant: Tenant,
    new: NewInvoice,
    base: Option<&Invoice>,
) -> AppResult<Invoice> {
    let business = active_parties(conn, tenant, new.business_id, new.customer_id).await?;
    let currency = new.currency.or(business.default_currency).ok_or_else(|| {
        AppError::invalid_field(
            "currency",
            "required",
            "Give a currency: the business has no default_currency.",
        )
    })?;
    draft(&new, currency, base)
}

/// The draft a parsed invoice makes in `currency`, as a new one or as an edit of `base`.
fn draft(new: &NewInvoice, currency: Currency, base: Option<&Invoice>) -> AppResult<Invoice> {
    let at = now();
    let invoice = Invoice {
        id: base.map_or_else(Uuid::now_v7, |b| b.id),
        kind: Kind::Invoice,
        direction: Direction::Outgoing,
        business_id: new.business_id,
        customer_id: Some(new.customer_id),
        credited_invoice_id: None,
        status: Status::Draft,
        number: None,
        terms: new.terms.clone(),
        content: new.content(currency),
        parties: None,
        ubl_sha256: None,
        stated_totals: None,
        issued_at: None,
        paid_at: None,
        voided_at: None,
        created_at: base.map_or(at, |b| b.created_at),
        updated_at: at,
    };
    check_declared(&new.declared, &invoice.totals())?;
    Ok(invoice)
}

/// The new draft when it needs nothing from the database to be made (it names its currency
/// and its declared totals hold), for [`store_at_once`]; `None` otherwise.
pub fn draft_at_once(new: &NewInvoice) -> Option<Invoice> {
    draft(new, new.currency?, None).ok()
}

/// Stores a draft made by [`draft_at_once`] in one step with its idempotency record, if
/// its parties exist and are active and the key is free (see
/// `invoicer_store::repo::invoices::insert_draft_at_once`); `false` when it wrote nothing.
pub async fn store_at_once(
    db: &Db,
    tenant: Tenant,
    draft: &Invoice,
    keyed: Option<KeyedRecord<'_>>,
) -> AppResult<bool> {
    Ok(invoices::insert_draft_at_once(db, tenant, draft, keyed).await?)
}

pub async fn create(db: &Db, tenant: Tenant, input: InvoiceIn) -> AppResult<Invoice> {
    crate::idempotency::in_transaction(db, parse(&input), async |tx, new| {
        add(tx, tenant, new).await
    })
    .await
}

/// Stores a parsed draft, inside a caller's transaction.
pub async fn add(tx: &mut Tx, tenant: Tenant, new: NewInvoice) -> AppResult<Invoice> {
    let invoice = build_draft(tx, tenant, new, None).await?;
    invoices::insert(tx, tenant, &invoice).await?;
    Ok(invoice)
}

pub async fn get(db: &Db, tenant: Tenant, kind: Kind, reference: &str) -> AppResult<Invoice> {
    resolve(&mut *db.read().await?, tenant, kind, reference).await
}

pub async fn list(
    db: &Db,
    tenant: Tenant,
    kind: Kind,
    q: &InvoiceListQuery,
) -> AppResult<Page<Invoice>> {
    let mut v = Violations::new();
    let page = pagination::parse(&mut v, q.limit.as_deref(), q.cursor.as_deref());
    let uuid = |v: &mut Violations, field: &str, text: &Option<String>| {
        text.as_deref().and_then(|t| match Uuid::try_parse(t) {
            Ok(id) => Some(id),
            Err(_) => {
                v.push(field, "invalid_id", format!("`{t}` is not a UUID."));
                None
            }
        })
    };
    let filter = invoices::Filter {
        status: q
            .status
            .as_deref()
            .and_then(|s| v.check("status", s.parse::<Status>())),
        direction: q
            .direction
            .as_deref()
            .and_then(|s| v.check("direction", s.parse::<Direction>())),
        customer_id: uuid(&mut v, "customer_id", &q.customer_id),
        business_id: uuid(&mut v, "business_id", &q.business_id),
        issue_date_from: q
            .issue_date_from
            .as_deref()
            .and_then(|d| v.check("issue_date_from", parse_date(d))),
        issue_date_to: q
            .issue_date_to
            .as_deref()
            .and_then(|d| v.check("issue_date_to", parse_date(d))),
    };
    if !v.is_empty() {
        return Err(AppError::invalid(v));
    }
    Ok(invoices::list(&mut *db.read().await?, tenant, kind, &filter, page).await?)
}

/// Edits a draft: the patch is laid over the stored invoice and the whole is validated again.
pub async fn update(
    db: &Db,
    tenant: Tenant,
    reference: &str,
    patch: InvoiceIn,
) -> AppResult<Invoice> {
    if patch.is_empty() {
        return Err(crate::parties::no_valid_fields());
    }
    check_line_count(patch.line_count())?;
    let mut tx = db.begin().await?;
    let current = resolve(&mut tx, tenant, Kind::Invoice, reference).await?;
    if !current.status.is_editable() {
        return Err(not_editable(current.status));
    }
    let merged = patch.merged_over(InvoiceIn::from(&current));
    let updated = build_draft(&mut tx, tenant, parse(&merged)?, Some(&current)).await?;
    if !invoices::update_if_status(&mut tx, tenant, &updated, Status::Draft).await? {
        return Err(not_editable(Status::Issued));
    }
    tx.commit().await?;
    Ok(updated)
}

fn not_editable(status: Status) -> AppError {
    AppError::new(
        ErrorCode::InvoiceNotEditable,
        format!("The invoice is {status}; only drafts can be edited."),
    )
}

fn refused(e: TransitionRefused) -> AppError {
    let code = match e.action {
        Action::Issue => ErrorCode::InvoiceNotDraft,
        Action::MarkPaid => ErrorCode::InvoiceNotPayable,
        Action::Void => ErrorCode::InvoiceNotVoidable,
        Action::Dispute => ErrorCode::InvoiceNotDisputable,
    };
    AppError::new(code, e.to_string())
}

/// Draws the next number of the business's series for `kind` in the issue date's year.
pub(crate) async fn next_number(
    conn: &mut Conn,
    tenant: Tenant,
    business: &Business,
    kind: Kind,
    issue_date: time::Date,
) -> AppResult<String> {
    let prefix = match kind {
        Kind::Invoice => &business.invoice_prefix,
        Kind::CreditNote => &business.credit_note_prefix,
    };
    let year = issue_date.year();
    let series = format!("{}:{}", kind.as_str(), numbering::series_key(prefix, year));
    let seq = number_series::next(conn, tenant, business.id, &series).await?;
    Ok(numbering::format_number(prefix, year, seq))
}

/// Applies a lifecycle action. Issuing numbers the invoice, freezes its parties and keeps its
/// e-invoice, all in the same transaction.
pub async fn transition(
    db: &Db,
    tenant: Tenant,
    kind: Kind,
    reference: &str,
    action: Action,
) -> AppResult<Invoice> {
    crate::idempotency::in_transaction(db, Ok(()), async |tx, ()| {
        transition_in(tx, tenant, kind, reference, action).await
    })
    .await
}

/// [`transition`] inside a caller's transaction.
pub async fn transition_in(
    tx: &mut Tx,
    tenant: Tenant,
    kind: Kind,
    reference: &str,
    action: Action,
) -> AppResult<Invoice> {
    let current = resolve(tx, tenant, kind, reference).await?;
    let status = current.status.apply(action).map_err(refused)?;
    let at = now();
    let mut next = Invoice {
        status,
        updated_at: at,
        ..current.clone()
    };
    let mut ubl = None;
    match action {
        Action::Issue => {
            let business = active_business(tx, tenant, current.business_id).await?;
            let issue_date = current.terms.issue_date.unwrap_or(at.date());
            if current.terms.due_date.is_some_and(|due| due < issue_date) {
                return Err(AppError::invalid_field(
                    "due_date",
                    "before_issue_date",
                    format!("The due date is before the issue date ({issue_date}); correct the draft, then issue it."),
                ));
            }
            next.terms.issue_date = Some(issue_date);
            next.number =
                Some(next_number(tx, tenant, &business, Kind::Invoice, issue_date).await?);
            next.issued_at = Some(at);
            let customer_id = current.customer_id.ok_or_else(customer_not_found)?;
            let customer = load_customer(tx, tenant, customer_id).await?;
            ubl = Some(sealing::seal(
                &mut next,
                &business.identity,
                &customer.identity,
            )?);
        }
        Action::MarkPaid => next.paid_at = Some(at),
        Action::Void => next.voided_at = Some(at),
        Action::Dispute => {}
    }
    if !invoices::update_if_status(tx, tenant, &next, current.status).await? {
        // Another request moved it first; report against the state it is in now.
        let now_status = resolve(tx, tenant, kind, &current.id.to_string())
            .await?
            .status;
        return Err(refused(TransitionRefused {
            from: now_status,
            action,
        }));
    }
    if let Some(ubl) = &ubl {
        invoices::set_ubl(tx, tenant, next.id, ubl).await?;
    }
    Ok(next)
}

/// The UBL 2.1 bytes of an issued document, exactly as they were when it was issued.
pub async fn ubl(
    db: &Db,
    tenant: Tenant,
    kind: Kind,
    reference: &str,
) -> AppResult<(Invoice, String)> {
    let mut conn = db.read().await?;
    let doc = resolve(&mut conn, tenant, kind, reference).await?;
    match invoices::get_ubl(&mut conn, tenant, doc.id).await? {
        Some(ubl) => Ok((doc, ubl)),
        None => Err(AppError::new(
            ErrorCode::InvoiceNotIssued,
            format!(
                "The {} is a draft; it becomes an e-invoice when it is issued.",
                kind.as_str().replace('_', " ")
            ),
        )),
    }
}
