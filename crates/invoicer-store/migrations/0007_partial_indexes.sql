-- A draft has no number and most documents credit none: their indexes leave those rows out, so
-- creating a draft maintains two indexes instead of five. Every query by number or by credited
-- invoice compares the column with a value, which implies it is not null: the indexes still
-- serve them.
DROP INDEX invoices_number;
CREATE INDEX invoices_number ON invoices (account_id, environment, kind, number)
    WHERE number IS NOT NULL;
DROP INDEX invoices_number_unique;
CREATE UNIQUE INDEX invoices_number_unique ON invoices (business_id, kind, number)
    WHERE direction = 'outgoing' AND number IS NOT NULL;
DROP INDEX invoices_credited;
CREATE INDEX invoices_credited ON invoices (credited_invoice_id)
    WHERE credited_invoice_id IS NOT NULL;
