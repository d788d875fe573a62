-- PostgreSQL's part of this version drops the foreign keys that lock the account, business and
-- customer rows under every creation, and compresses documents with lz4. SQLite takes no row
-- locks for a foreign key check and compresses nothing: nothing to change here.
SELECT 1;
