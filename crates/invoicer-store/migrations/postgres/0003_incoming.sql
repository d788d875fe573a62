-- Received documents: a direction, no customer (the counterparty is the document's seller), the
-- totals the document states, and a key that recognises the same document imported twice.
ALTER TABLE invoices ADD COLUMN direction TEXT NOT NULL DEFAULT 'outgoing';
ALTER TABLE invoices ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE invoices ADD COLUMN stated_totals TEXT;
ALTER TABLE invoices ADD COLUMN counterparty_key TEXT;
DROP INDEX invoices_number_unique;
CREATE UNIQUE INDEX invoices_number_unique ON invoices (business_id, kind, number)
    WHERE direction = 'outgoing';
CREATE UNIQUE INDEX invoices_received_once ON invoices
    (account_id, environment, business_id, kind, counterparty_key, number, issue_date)
    WHERE direction = 'incoming';
