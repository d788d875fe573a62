-- Accounts own everything; each has a test and a live environment.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    billing_status TEXT NOT NULL DEFAULT 'active',
    created_at TEXT NOT NULL
);

-- Keys are stored only as SHA-256 hashes of the secret.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    expires_at TEXT,
    allowed_ips TEXT NOT NULL,
    revoked_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX api_keys_account ON api_keys (account_id, id);

CREATE TABLE businesses (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    country TEXT NOT NULL,
    vat_id TEXT,
    address TEXT NOT NULL,
    peppol_id TEXT,
    email TEXT,
    default_currency TEXT,
    invoice_prefix TEXT NOT NULL,
    credit_note_prefix TEXT NOT NULL,
    archived BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX businesses_tenant ON businesses (account_id, environment, id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    vat_id TEXT,
    address TEXT NOT NULL,
    peppol_id TEXT,
    email TEXT,
    archived BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_tenant ON customers (account_id, environment, id);

-- Invoices and credit notes (kind). Lines and allowances live in content as one JSON document:
-- they are only ever read and written with their invoice.
CREATE TABLE invoices (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    kind TEXT NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    credited_invoice_id TEXT REFERENCES invoices (id),
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
    updated_at TEXT NOT NULL
);
CREATE INDEX invoices_tenant ON invoices (account_id, environment, kind, id);
CREATE INDEX invoices_number ON invoices (account_id, environment, kind, number);
CREATE UNIQUE INDEX invoices_number_unique ON invoices (business_id, kind, number);
CREATE INDEX invoices_credited ON invoices (credited_invoice_id);

-- One counter per business and series (prefix and year); incremented inside the issuing
-- transaction, so numbers are gapless: a rolled-back issue gives its number back.
CREATE TABLE number_series (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    environment TEXT NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    series TEXT NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (business_id, series)
);
