//! Schema migrations, embedded and applied in order. sqlx's migrator keeps the applied versions
//! with checksums and, on PostgreSQL, holds an advisory lock so several instances starting at
//! once migrate once.
//!
//! Migrations are written in the SQL both dialects share (`migrations/`); when one must differ,
//! its two versions go in `migrations/sqlite/` and `migrations/postgres/` under one version number.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::StoreError;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "einvoice",
        include_str!("../migrations/0002_einvoice.sql"),
    ),
];

pub async fn run(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|(version, name, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*name),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect();
    let migrator = Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    };
    migrator.run(conn).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(e) => StoreError::from(e),
        other => StoreError::Corrupt(format!("migration failed: {other}")),
    })
}
