//! Upgrades keep what was stored: a database written by the previous schema reads back whole
//! after the migrations that followed it.

use invoicer_domain::{
    api_key::Environment,
    invoice::{Direction, Kind, Status},
    tenant::Tenant,
};
use invoicer_store::{repo::invoices, Db, DbConfig};
use sqlx::Executor;
use uuid::Uuid;

const ACCOUNT: &str = "0190d3c4-0000-7000-8000-000000000001";
const BUSINESS: &str = "0190d3c4-0000-7000-8000-000000000002";
const CUSTOMER: &str = "0190d3c4-0000-7000-8000-000000000003";
const INVOICE: &str = "0190d3c4-0000-7000-8000-000000000004";
const CREDIT_NOTE: &str = "0190d3c4-0000-7000-8000-000000000005";

/// Rows as version 2 of the schema wrote them: an issued invoice and a credit note against it.
const VERSION_2_ROWS: &str = r#"
PRAGMA defer_foreign_keys = ON;
INSERT INTO accounts (id, name, billing_status, created_at)
    VALUES ('0190d3c4-0000-7000-8000-000000000001', 'A', 'active', '2026-01-01T00:00:00.000Z');
INSERT INTO businesses (id, account_id, environment, legal_name, country, vat_id, address, peppol_id,
    email, default_currency, invoice_prefix, credit_note_prefix, archived, created_at, updated_at)
    VALUES ('0190d3c4-0000-7000-8000-000000000002', '0190d3c4-0000-7000-8000-000000000001', 'test',
    'Acme', 'NL', NULL, '{}', NULL, NULL, 'EUR', 'INV', 'CN', 0, '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:00.000Z');
INSERT INTO customers (id, account_id, environment, name, country, vat_id, address, peppol_id, email,
    archived, created_at, updated_at)
    VALUES ('0190d3c4-0000-7000-8000-000000000003', '0190d3c4-0000-7000-8000-000000000001', 'test',
    'Globex', 'DE', NULL, '{}', NULL, NULL, 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO invoices (id, account_id, environment, kind, business_id, customer_id, credited_invoice_id,
    status, number, currency, issue_date, due_date, terms, content, payable, issued_at, paid_at,
    voided_at, created_at, updated_at, parties, ubl, ubl_sha256)
    VALUES ('0190d3c4-0000-7000-8000-000000000005', '0190d3c4-0000-7000-8000-000000000001', 'test',
    'credit_note', '0190d3c4-0000-7000-8000-000000000002', '0190d3c4-0000-7000-8000-000000000003',
    '0190d3c4-0000-7000-8000-000000000004', 'issued', 'CN-2026-000001', 'EUR', '2026-01-03', NULL,
    '{}', '{"currency":"EUR","lines":[],"allowances_charges":[],"prepaid":"0","vat_rounding":"per_category"}',
    '0.00', '2026-01-03T00:00:00.000Z', NULL, NULL, '2026-01-03T00:00:00.000Z',
    '2026-01-03T00:00:00.000Z', NULL, '<CreditNote/>', 'cafe');
INSERT INTO invoices (id, account_id, environment, kind, business_id, customer_id, credited_invoice_id,
    status, number, currency, issue_date, due_date, terms, content, payable, issued_at, paid_at,
    voided_at, created_at, updated_at, parties, ubl, ubl_sha256)
    VALUES ('0190d3c4-0000-7000-8000-000000000004', '0190d3c4-0000-7000-8000-000000000001', 'test',
    'invoice', '0190d3c4-0000-7000-8000-000000000002', '0190d3c4-0000-7000-8000-000000000003', NULL,
    'issued', 'INV-2026-000001', 'EUR', '2026-01-02', NULL, '{}',
    '{"currency":"EUR","lines":[],"allowances_charges":[],"prepaid":"0","vat_rounding":"per_category"}',
    '0.00', '2026-01-02T00:00:00.000Z', NULL, NULL, '2026-01-02T00:00:00.000Z',
    '2026-01-02T00:00:00.000Z', NULL, '<Invoice/>', 'beef');
"#;

#[tokio::test]
async fn documents_stored_before_the_incoming_migration_read_back_whole_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("upgrade.db").display()
    );
    let db = Db::connect(&DbConfig::new(url)).await.unwrap();
    db.migrate_through(2).await.unwrap();
    {
        let mut tx = db.begin().await.unwrap();
        // The credit note row comes first on purpose: the rebuild must copy parents first.
        (&mut *tx).execute(VERSION_2_ROWS).await.unwrap();
        tx.commit().await.unwrap();
    }
    db.migrate().await.unwrap();
    let tenant = Tenant {
        account_id: Uuid::parse_str(ACCOUNT).unwrap(),
        environment: Environment::Test,
    };
    let mut conn = db.read().await.unwrap();
    let invoice = invoices::get(
        &mut conn,
        tenant,
        Kind::Invoice,
        Uuid::parse_str(INVOICE).unwrap(),
    )
    .await
    .unwrap()
    .expect("the invoice survives");
    assert_eq!(invoice.direction, Direction::Outgoing);
    assert_eq!(invoice.status, Status::Issued);
    assert_eq!(invoice.number.as_deref(), Some("INV-2026-000001"));
    assert_eq!(
        invoice.customer_id,
        Some(Uuid::parse_str(CUSTOMER).unwrap())
    );
    assert_eq!(invoice.business_id, Uuid::parse_str(BUSINESS).unwrap());
    assert_eq!(
        invoices::get_ubl(&mut conn, tenant, invoice.id)
            .await
            .unwrap()
            .as_deref(),
        Some("<Invoice/>")
    );
    let note = invoices::get(
        &mut conn,
        tenant,
        Kind::CreditNote,
        Uuid::parse_str(CREDIT_NOTE).unwrap(),
    )
    .await
    .unwrap()
    .expect("the credit note survives");
    assert_eq!(note.credited_invoice_id, Some(invoice.id));
    drop(conn);
    // The foreign keys still hold: a credit note against no invoice is refused.
    let mut tx = db.begin().await.unwrap();
    let orphan = (&mut *tx)
        .execute(
            "UPDATE invoices SET credited_invoice_id = '0190d3c4-0000-7000-8000-0000000000ff' \
             WHERE kind = 'credit_note'",
        )
        .await;
    assert!(orphan.is_err(), "the rebuilt table lost its foreign key");
}

#[tokio::test]
async fn accounts_from_before_plans_are_on_the_self_hosted_plan() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("plans.db").display()
    );
    let db = Db::connect(&DbConfig::new(url)).await.unwrap();
    db.migrate_through(3).await.unwrap();
    {
        let mut tx = db.begin().await.unwrap();
        (&mut *tx)
            .execute(
                "INSERT INTO accounts (id, name, billing_status, created_at) VALUES \
                 ('0190d3c4-0000-7000-8000-000000000001', 'A', 'past_due', '2026-01-01T00:00:00.000Z')",
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    db.migrate().await.unwrap();
    let account = invoicer_store::repo::accounts::get(
        &mut db.read().await.unwrap(),
        Uuid::parse_str(ACCOUNT).unwrap(),
    )
    .await
    .unwrap()
    .expect("the account survives");
    assert_eq!(account.plan, invoicer_domain::plan::SELF_HOSTED);
    assert_eq!(
        account.billing_status,
        invoicer_domain::tenant::BillingStatus::PastDue
    );
}
