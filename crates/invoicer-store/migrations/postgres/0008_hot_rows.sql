-- A foreign key check locks the row it points at (FOR KEY SHARE), so every concurrent creation
-- would lock the same account, business and customer rows, and PostgreSQL shares such locks
-- through a multixact written for each: a quarter of a one-row insert's rate on the machines
-- measured. These keys protect nothing the writes do not: accounts, businesses and customers
-- are never deleted (archived at most), and every write checks its business and customer in its
-- own statement or transaction, within its tenant, which a foreign key cannot.
ALTER TABLE invoices DROP CONSTRAINT invoices_account_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_business_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_customer_id_fkey;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_account_id_fkey;

-- Documents and recorded responses are JSON of a few kilobytes, which PostgreSQL compresses as
-- it stores them; lz4 does that at a fraction of the default's (pglz) cost. A server built
-- without lz4 keeps its default.
DO $$
BEGIN
    ALTER TABLE invoices ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE invoices ALTER COLUMN ubl SET COMPRESSION lz4;
    ALTER TABLE idempotency_keys ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
