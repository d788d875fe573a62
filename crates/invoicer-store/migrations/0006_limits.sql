-- Request-rate budgets the instances on one PostgreSQL share: per API key, rate class
-- (`reads`, `writes`, `invoices`) and fixed window (its first and last second, Unix time), how
-- many requests the instances were granted together, never more than the plan's limit. An
-- instance leases a batch, serves it from memory and comes back when it is spent; `last_grant`
-- is what the latest lease got. SQLite leaves it empty: one instance counts in memory.
CREATE TABLE rate_leases (
    key_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    window_end BIGINT NOT NULL,
    granted BIGINT NOT NULL,
    last_grant BIGINT NOT NULL,
    PRIMARY KEY (key_id, bucket, window_start)
);
CREATE INDEX rate_leases_window_end ON rate_leases (window_end);

-- What an account used in a calendar month (UTC, `2026-03`) of the counted resources no other
-- table records (`einvoice_validations`), in both environments.
CREATE TABLE usage_counters (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    resource TEXT NOT NULL,
    month TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (account_id, resource, month)
);
