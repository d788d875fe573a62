-- Received documents: a direction, no customer (the counterparty is the document's seller), the
-- totals the document states, and a key that recognises the same document imported twice.
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt (sqlite.org/lang_altertable,
-- "Making Other Kinds Of Table Schema Changes"). It runs in the migration's transaction, where
-- foreign keys cannot be switched off: the new table refers to itself by its own name, which
-- the rename carries over, so dropping the old one orphans nothing, and its rows are copied
-- parents first (an invoice before the credit notes against it).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE invoices_rebuilt (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT 'outgoing',
    business_id TEXT NOT NULL REFERENCES businesses (id),
    customer_id TEXT REFERENCES customers (id),
    credited_invoice_id TEXT REFERENCES invoices_rebuilt (id),
    status TEXT NOT NULL,
    number TEXT,
    currency TEXT NOT NULL,
    issue_date TEXT,
    due_date TEXT,
    terms TEXT NOT NULL,
    content TEXT NOT NULL,
    payable TEXT NOT NULL,
    issued_at TEXT,
    paid_at TEXT,
    voided_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    parties TEXT,
    ubl TEXT,
    ubl_sha256 TEXT,
    stated_totals TEXT,
    counterparty_key TEXT
);
INSERT INTO invoices_rebuilt (id, account_id, environment, kind, business_id, customer_id,
    credited_invoice_id, status, number, currency, issue_date, due_date, terms, content, payable,
    issued_at, paid_at, voided_at, created_at, updated_at, parties, ubl, ubl_sha256)
SELECT id, account_id, environment, kind, business_id, customer_id, credited_invoice_id, status,
    number, currency, issue_date, due_date, terms, content, payable, issued_at, paid_at, voided_at,
    created_at, updated_at, parties, ubl, ubl_sha256
FROM invoices ORDER BY created_at, id;
DROP TABLE invoices;
ALTER TABLE invoices_rebuilt RENAME TO invoices;
CREATE INDEX invoices_tenant ON invoices (account_id, environment, kind, id);
CREATE INDEX invoices_number ON invoices (account_id, environment, kind, number);
CREATE UNIQUE INDEX invoices_number_unique ON invoices (business_id, kind, number)
    WHERE direction = 'outgoing';
CREATE UNIQUE INDEX invoices_received_once ON invoices
    (account_id, environment, business_id, kind, counterparty_key, number, issue_date)
    WHERE direction = 'incoming';
CREATE INDEX invoices_credited ON invoices (credited_invoice_id);
