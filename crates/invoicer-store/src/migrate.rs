//! Schema migrations, embedded and applied in order. sqlx's migrator keeps the applied versions
//! with checksums and, on PostgreSQL, holds an advisory lock so several instances starting at
//! once migrate once.
//!
//! Migrations are written in the SQL both dialects share (`migrations/`); when one must differ,
//! its two versions go in `migrations/sqlite/` and `migrations/postgres/` under one version number.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::StoreError;

/// One migration: the same SQL for both dialects, or one per dialect.
enum Sql {
    Shared(&'static str),
    PerDialect {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

const MIGRATIONS: &[(i64, &str, Sql)] = &[
    (
        1,
        "init",
        Sql::Shared(include_str!("../migrations/0001_init.sql")),
    ),
    (
        2,
        "einvoice",
        Sql::Shared(include_str!("../migrations/0002_einvoice.sql")),
    ),
    (
        3,
        "incoming",
        Sql::PerDialect {
            sqlite: include_str!("../migrations/sqlite/0003_incoming.sql"),
            postgres: include_str!("../migrations/postgres/0003_incoming.sql"),
        },
    ),
    (
        4,
        "plans",
        Sql::Shared(include_str!("../migrations/0004_plans.sql")),
    ),
    (
        5,
        "idempotency",
        Sql::Shared(include_str!("../migrations/0005_idempotency.sql")),
    ),
    (
        6,
        "limits",
        Sql::Shared(include_str!("../migrations/0006_limits.sql")),
    ),
    (
        7,
        "partial_indexes",
        Sql::Shared(include_str!("../migrations/0007_partial_indexes.sql")),
    ),
    (
        8,
        "hot_rows",
        Sql::PerDialect {
            sqlite: include_str!("../migrations/sqlite/0008_hot_rows.sql"),
            postgres: include_str!("../migrations/postgres/0008_hot_rows.sql"),
        },
    ),
    (
        9,
        "ledger",
        Sql::Shared(include_str!("../migrations/0009_ledger.sql")),
    ),
];

/// Applies every migration up to `through` (all of them with `i64::MAX`).
pub async fn run(conn: &mut sqlx::AnyConnection, through: i64) -> Result<(), StoreError> {
    let postgres = crate::is_postgres(conn);
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .filter(|(version, _, _)| *version <= through)
        .map(|(version, name, sql)| {
            let text = match sql {
                Sql::Shared(text) => *text,
                Sql::PerDialect { postgres: text, .. } if postgres => *text,
                Sql::PerDialect { sqlite, .. } => *sqlite,
            };
            Migration::new(
                *version,
                Cow::Borrowed(*name),
                MigrationType::Simple,
                Cow::Borrowed(text),
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
