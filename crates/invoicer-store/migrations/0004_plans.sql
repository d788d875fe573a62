-- Every account is on a plan, named as in the configured plans. Accounts that exist already,
-- like the one a fresh install creates, are on the unlimited `self_hosted` plan.
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL DEFAULT 'self_hosted';
