use invoicer_domain::{
    invoice::{
        Content, Delivery, Direction, Invoice, Kind, Parties, PaymentMeans, PrecedingInvoice,
        Status, Terms,
    },
    tenant::Tenant,
};
use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, Row};
use uuid::Uuid;

use super::party::AnyQuery;
use crate::group_commit::in_savepoint;
use crate::{
    codec,
    page::{Page, PageRequest},
    Backend, Conn, Db, StoreError,
};

const COLUMNS: &str = "id, account_id, environment, kind, direction, stated_totals, business_id, customer_id, credited_invoice_id, status, \
                       number, currency, issue_date, due_date, terms, content, payable, parties, ubl_sha256, \
                       issued_at, paid_at, voided_at, created_at, updated_at";

/// The free-text terms, kept together as one JSON column.
#[derive(Serialize, Deserialize)]
struct TermsRow {
    payment_terms: Option<String>,
    buyer_reference: Option<String>,
    purchase_order: Option<String>,
    note: Option<String>,
    #[serde(default)]
    payment_means: Option<PaymentMeans>,
    #[serde(default)]
    delivery: Option<Delivery>,
    #[serde(default)]
    preceding: Option<PrecedingInvoice>,
}

fn kind_str(kind: Kind) -> &'static str {
    kind.as_str()
}

fn from_row(row: &AnyRow) -> Result<Invoice, StoreError> {
    let terms: TermsRow = codec::get_json(row, "terms")?;
    let kind = match codec::get_str(row, "kind")?.as_str() {
        "invoice" => Kind::Invoice,
        "credit_note" => Kind::CreditNote,
        other => return Err(StoreError::Corrupt(format!("invoices.kind `{other}`"))),
    };
    Ok(Invoice {
        id: codec::get_uuid(row, "id")?,
        kind,
        direction: codec::parse_enum::<Direction>("direction", &codec::get_str(row, "direction")?)?,
        stated_totals: codec::get_opt_json(row, "stated_totals")?,
        business_id: codec::get_uuid(row, "business_id")?,
        customer_id: codec::get_opt_uuid(row, "customer_id")?,
        credited_invoice_id: codec::get_opt_uuid(row, "credited_invoice_id")?,
        status: codec::parse_enum::<Status>("status", &codec::get_str(row, "status")?)?,
        number: codec::get_opt_str(row, "number")?,
        terms: Terms {
            issue_date: codec::get_opt_date(row, "issue_date")?,
            due_date: codec::get_opt_date(row, "due_date")?,
            payment_terms: terms.payment_terms,
            buyer_reference: terms.buyer_reference,
            purchase_order: terms.purchase_order,
            note: terms.note,
            payment_means: terms.payment_means,
            delivery: terms.delivery,
            preceding: terms.preceding,
        },
        content: codec::get_json::<Content>(row, "content")?,
        parties: codec::get_opt_json::<Parties>(row, "parties")?,
        ubl_sha256: codec::get_opt_str(row, "ubl_sha256")?,
        issued_at: codec::get_opt_ts(row, "issued_at")?,
        paid_at: codec::get_opt_ts(row, "paid_at")?,
        voided_at: codec::get_opt_ts(row, "voided_at")?,
        created_at: codec::get_ts(row, "created_at")?,
        updated_at: codec::get_ts(row, "updated_at")?,
    })
}

fn terms_json(t: &Terms) -> Result<String, StoreError> {
    Ok(serde_json::to_string(&TermsRow {
        payment_terms: t.payment_terms.clone(),
        buyer_reference: t.buyer_reference.clone(),
        purchase_order: t.purchase_order.clone(),
        note: t.note.clone(),
        payment_means: t.payment_means.clone(),
        delivery: t.delivery.clone(),
        preceding: t.preceding.clone(),
    })?)
}

/// The columns a write sets besides the fixed ones, in the order [`bind_mutable`] binds them.
const MUTABLE: [&str; 16] = [
    "business_id",
    "customer_id",
    "status",
    "number",
    "currency",
    "issue_date",
    "due_date",
    "terms",
    "content",
    "payable",
    "parties",
    "ubl_sha256",
    "issued_at",
    "paid_at",
    "voided_at",
    "updated_at",
];

fn bind_mutable<'q>(q: AnyQuery<'q>, i: &Invoice) -> Result<AnyQuery<'q>, StoreError> {
    Ok(q.bind(i.business_id.to_string())
        .bind(i.customer_id.map(|c| c.to_string()))
        .bind(i.status.as_str())
        .bind(i.number.clone())
        .bind(i.content.currency.code().to_owned())
        .bind(i.terms.issue_date.map(codec::date))
        .bind(i.terms.due_date.map(codec::date))
        .bind(terms_json(&i.terms)?)
        .bind(serde_json::to_string(&i.content)?)
        .bind(i.totals().payable.to_string())
        .bind(i.parties.as_ref().map(serde_json::to_string).transpose()?)
        .bind(i.ubl_sha256.clone())
        .bind(i.issued_at.map(codec::ts))
        .bind(i.paid_at.map(codec::ts))
        .bind(i.voided_at.map(codec::ts))
        .bind(codec::ts(i.updated_at)))
}

pub async fn insert(conn: &mut Conn, tenant: Tenant, i: &Invoice) -> Result<(), StoreError> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let (into, values) = insert_parts();
        format!("{into} VALUES ({values})")
    });
    bind_fixed(bind_mutable(sqlx::query(sql), i)?, tenant, i)?
        .execute(conn)
        .await?;
    Ok(())
}

/// `INSERT INTO invoices (…)` naming every column an insert sets, and the placeholders for
/// them, in the order `bind_mutable` and then `bind_fixed` bind them.
fn insert_parts() -> (String, String) {
    let into = format!(
        "INSERT INTO invoices ({}, id, account_id, environment, kind, credited_invoice_id, \
         created_at, direction, stated_totals, counterparty_key)",
        MUTABLE.join(", ")
    );
    let values: Vec<String> = (1..=MUTABLE.len() + 9).map(|n| format!("${n}")).collect();
    (into, values.join(", "))
}

/// Binds the columns an insert sets once, in the order `insert` names them after MUTABLE.
fn bind_fixed<'q>(
    q: AnyQuery<'q>,
    tenant: Tenant,
    i: &Invoice,
) -> Result<AnyQuery<'q>, StoreError> {
    Ok(q.bind(i.id.to_string())
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(kind_str(i.kind))
        .bind(i.credited_invoice_id.map(|u| u.to_string()))
        .bind(codec::ts(i.created_at))
        .bind(i.direction.as_str())
        .bind(
            i.stated_totals
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .bind(i.counterparty_key()))
}

/// An idempotency record to commit with the write it answers for, and the advisory lock that
/// holds its key while a transaction works on it.
pub struct KeyedRecord<'a> {
    pub scope: super::idempotency::Scope<'a>,
    pub lock_id: i64,
    pub record: &'a super::idempotency::Recorded,
    pub now: time::OffsetDateTime,
    pub expires_at: time::OffsetDateTime,
}

/// Stores a new draft, and the record of its idempotency key if given, in one step, provided
/// its business and customer exist and are active and, given a record, that the key is free: no
/// transaction holds its lock and it has no unexpired record. Returns whether it stored them;
/// when it did not, nothing was written and the caller takes the way through a transaction,
/// which finds out why.
///
/// One step is, on PostgreSQL, one autocommitted statement (one round trip); on SQLite, one
/// call to the writer (its whole turn: the draft inserted only if `changes()` says the record
/// was), committed with the turns beside it.
pub async fn insert_draft_at_once(
    db: &Db,
    tenant: Tenant,
    i: &Invoice,
    keyed: Option<KeyedRecord<'_>>,
) -> Result<bool, StoreError> {
    let postgres = db.backend() == Backend::Postgres;
    let mut q = bind_fixed(
        bind_mutable(sqlx::query(at_once_sql(postgres, keyed.is_some())), i)?,
        tenant,
        i,
    )?;
    if let Some(k) = &keyed {
        q = q
            .bind(k.scope.route.to_owned())
            .bind(k.scope.key.to_owned())
            .bind(k.record.fingerprint.clone())
            .bind(i64::from(k.record.status))
            .bind(k.record.content_type.clone())
            .bind(k.record.body.clone())
            .bind(codec::ts(k.now))
            .bind(codec::ts(k.expires_at));
        if postgres {
            q = q.bind(k.lock_id);
        }
    }
    if postgres {
        let row = q.fetch_one(&mut *db.autocommit().await?).await?;
        return Ok(codec::get_i64(&row, "n")? == 1);
    }
    // Returns once committed, either way: when nothing was written, with the empty turn's batch.
    let rows = db.write_once(q).await?;
    let row = rows
        .last()
        .ok_or_else(|| StoreError::Corrupt("SELECT changes() returned no row".into()))?;
    Ok(codec::get_i64(row, "n")? == 1)
}

/// The statements of [`insert_draft_at_once`] on PostgreSQL or SQLite, with or without a key's
/// record: made once each, since they never change.
fn at_once_sql(postgres: bool, keyed: bool) -> &'static str {
    static SQL: [std::sync::OnceLock<String>; 4] = [const { std::sync::OnceLock::new() }; 4];
    SQL[usize::from(postgres) * 2 + usize::from(keyed)]
        .get_or_init(|| make_at_once_sql(postgres, keyed))
}

fn make_at_once_sql(postgres: bool, keyed: bool) -> String {
    let n = MUTABLE.len();
    // `business_id` and `customer_id` lead MUTABLE; the account and environment follow the id.
    let (business, customer, account, environment) = ("$1", "$2", n + 2, n + 3);
    let parties = format!(
        "SELECT 1 FROM businesses b, customers c WHERE b.account_id = ${account} \
         AND b.environment = ${environment} AND b.id = {business} AND b.archived = 0 \
         AND c.account_id = ${account} AND c.environment = ${environment} AND c.id = {customer} \
         AND c.archived = 0"
    );
    let k = n + 10;
    // Inserted, or in place of an expired record: an unexpired one stays, and nothing is written.
    let claim = |source: &str, condition: &str| {
        format!(
            "INSERT INTO idempotency_keys ({}) \
             SELECT ${account}, ${environment}, ${k}, ${}, ${}, ${}, ${}, ${}, ${}, ${} {source} \
             WHERE {condition} {} WHERE idempotency_keys.expires_at <= excluded.created_at",
            super::idempotency::COLUMNS,
            k + 1,
            k + 2,
            k + 3,
            k + 4,
            k + 5,
            k + 6,
            k + 7,
            super::idempotency::REPLACE,
        )
    };
    let (into, values) = insert_parts();
    let insert = |source: &str, condition: &str| {
        format!("{into} SELECT {values} {source} WHERE {condition}")
    };
    match (postgres, keyed) {
        (true, true) => format!(
            "WITH parties AS ({parties}), claim AS ({} RETURNING 1), created AS ({} RETURNING 1) \
             SELECT COUNT(*) AS n FROM created",
            claim(
                "FROM parties",
                &format!("pg_try_advisory_xact_lock(${})", k + 8)
            ),
            insert("FROM claim", "true"),
        ),
        (true, false) => format!(
            "WITH created AS ({} RETURNING 1) SELECT COUNT(*) AS n FROM created",
            insert("", &format!("EXISTS ({parties})"))
        ),
        // SQLite's single writer runs one turn at a time: no lock to take.
        (false, true) => in_savepoint(&format!(
            "{}; {}; SELECT changes() AS n",
            claim("", &format!("EXISTS ({parties})")),
            insert("", "changes() = 1")
        )),
        (false, false) => in_savepoint(&format!(
            "{}; SELECT changes() AS n",
            insert("", &format!("EXISTS ({parties})"))
        )),
    }
}

/// Writes the editable fields and the lifecycle fields of `i`, but only if the stored row is
/// still in `expected` status. Returns whether it was (a concurrent transition makes it false).
pub async fn update_if_status(
    conn: &mut Conn,
    tenant: Tenant,
    i: &Invoice,
    expected: Status,
) -> Result<bool, StoreError> {
    let sets: Vec<String> = MUTABLE
        .iter()
        .enumerate()
        .map(|(n, c)| format!("{c} = ${}", n + 1))
        .collect();
    let n = MUTABLE.len();
    let sql = format!(
        "UPDATE invoices SET {} WHERE account_id = ${} AND environment = ${} AND id = ${} AND status = ${}",
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    let result = bind_mutable(sqlx::query(&sql), i)?
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(i.id.to_string())
        .bind(expected.as_str())
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn get(
    conn: &mut Conn,
    tenant: Tenant,
    kind: Kind,
    id: Uuid,
) -> Result<Option<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoices WHERE account_id = $1 AND environment = $2 AND kind = $3 AND id = $4"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(kind_str(kind))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Documents with this number; more than one when several businesses of the tenant use it.
pub async fn find_by_number(
    conn: &mut Conn,
    tenant: Tenant,
    kind: Kind,
    number: &str,
) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoices WHERE account_id = $1 AND environment = $2 AND kind = $3 AND number = $4 \
         AND direction = 'outgoing' ORDER BY id LIMIT 2"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(kind_str(kind))
        .bind(number)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub direction: Option<Direction>,
    pub customer_id: Option<Uuid>,
    pub business_id: Option<Uuid>,
    pub issue_date_from: Option<time::Date>,
    pub issue_date_to: Option<time::Date>,
}

pub async fn list(
    conn: &mut Conn,
    tenant: Tenant,
    kind: Kind,
    filter: &Filter,
    page: PageRequest,
) -> Result<Page<Invoice>, StoreError> {
    let mut sql = format!(
        "SELECT {COLUMNS} FROM invoices WHERE account_id = $1 AND environment = $2 AND kind = $3 AND id > $4"
    );
    let mut binds: Vec<String> = vec![
        tenant.account_id.to_string(),
        tenant.environment.as_str().to_owned(),
        kind_str(kind).to_owned(),
        page.after.map(|u| u.to_string()).unwrap_or_default(),
    ];
    let mut and = |clause: &str, value: String| {
        binds.push(value);
        sql.push_str(&format!(" AND {clause} ${}", binds.len()));
    };
    if let Some(s) = filter.status {
        and("status =", s.as_str().to_owned());
    }
    if let Some(d) = filter.direction {
        and("direction =", d.as_str().to_owned());
    }
    if let Some(c) = filter.customer_id {
        and("customer_id =", c.to_string());
    }
    if let Some(b) = filter.business_id {
        and("business_id =", b.to_string());
    }
    if let Some(d) = filter.issue_date_from {
        and("issue_date >=", codec::date(d));
    }
    if let Some(d) = filter.issue_date_to {
        and("issue_date <=", codec::date(d));
    }
    sql.push_str(&format!(" ORDER BY id LIMIT ${}", binds.len() + 1));
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.bind(i64::from(page.limit) + 1).fetch_all(conn).await?;
    Ok(Page::from_rows(
        rows.iter().map(from_row).collect::<Result<_, _>>()?,
        page.limit,
    ))
}

/// Payable amounts of the credit notes against an invoice that are not void.
pub async fn credited_amounts(
    conn: &mut Conn,
    tenant: Tenant,
    invoice_id: Uuid,
) -> Result<Vec<rust_decimal::Decimal>, StoreError> {
    let rows = sqlx::query(
        "SELECT payable FROM invoices WHERE account_id = $1 AND environment = $2 AND kind = 'credit_note' \
         AND credited_invoice_id = $3 AND status <> 'void'",
    )
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(invoice_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let text: String = r.try_get("payable")?;
            text.parse()
                .map_err(|_| StoreError::Corrupt(format!("invoices.payable `{text}`")))
        })
        .collect()
}

/// On PostgreSQL, locks the invoice row until the transaction ends, so checks made on it (what
/// is left to credit) hold until commit. SQLite's single writer already gives that.
pub async fn lock(conn: &mut Conn, tenant: Tenant, id: Uuid) -> Result<(), StoreError> {
    if crate::is_postgres(conn) {
        sqlx::query("SELECT id FROM invoices WHERE account_id = $1 AND environment = $2 AND id = $3 FOR UPDATE")
            .bind(tenant.account_id.to_string())
            .bind(tenant.environment.as_str())
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// Keeps the bytes of an issued document's UBL; written once, in the issuing transaction.
pub async fn set_ubl(
    conn: &mut Conn,
    tenant: Tenant,
    id: Uuid,
    ubl: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE invoices SET ubl = $1 WHERE account_id = $2 AND environment = $3 AND id = $4",
    )
    .bind(ubl.to_owned())
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The UBL bytes kept when the document was issued; `None` for a draft.
pub async fn get_ubl(
    conn: &mut Conn,
    tenant: Tenant,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "SELECT ubl FROM invoices WHERE account_id = $1 AND environment = $2 AND id = $3",
    )
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(row) => codec::get_opt_str(&row, "ubl")?,
        None => None,
    })
}

/// The received document of this business with the same issuer, kind, number and issue date.
pub async fn find_received(
    conn: &mut Conn,
    tenant: Tenant,
    i: &Invoice,
) -> Result<Option<Uuid>, StoreError> {
    let row = sqlx::query(
        "SELECT id FROM invoices WHERE account_id = $1 AND environment = $2 AND business_id = $3 AND kind = $4 \
         AND direction = 'incoming' AND counterparty_key = $5 AND number = $6 AND issue_date = $7",
    )
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(i.business_id.to_string())
    .bind(kind_str(i.kind))
    .bind(i.counterparty_key())
    .bind(i.number.clone())
    .bind(i.terms.issue_date.map(codec::date))
    .fetch_optional(conn)
    .await?;
    row.map(|r| codec::get_uuid(&r, "id")).transpose()
}

/// How many invoices an account created (outgoing ones: not credit notes, not imports) in
/// `[from, until)`, in both environments.
pub async fn count_created(
    conn: &mut Conn,
    account_id: Uuid,
    from: time::OffsetDateTime,
    until: time::OffsetDateTime,
) -> Result<u64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM invoices WHERE account_id = $1 AND kind = 'invoice' \
         AND direction = 'outgoing' AND created_at >= $2 AND created_at < $3",
    )
    .bind(account_id.to_string())
    .bind(codec::ts(from))
    .bind(codec::ts(until))
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(codec::get_i64(&row, "n")?).unwrap_or_default())
}
