-- E-invoices: legal registration ids on parties; on each issued document the parties as they
-- were at issue, its UBL bytes and their SHA-256, which never change afterwards.
ALTER TABLE businesses ADD COLUMN company_id TEXT;
ALTER TABLE businesses ADD COLUMN company_id_scheme TEXT;
ALTER TABLE customers ADD COLUMN company_id TEXT;
ALTER TABLE customers ADD COLUMN company_id_scheme TEXT;
ALTER TABLE invoices ADD COLUMN parties TEXT;
ALTER TABLE invoices ADD COLUMN ubl TEXT;
ALTER TABLE invoices ADD COLUMN ubl_sha256 TEXT;
