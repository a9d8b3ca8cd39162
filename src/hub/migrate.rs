//! The hub's schema: migrations kept as SQL files in `migrations/` at the top of the
//! repository, built into the binary, applied in order in one transaction, each recorded
//! in `fourroads_schema`. A hub whose schema is newer than this build knows is refused.

use super::{Hub, HubError};

/// Every migration, in order: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/0001_hub.sql")),
    (2, include_str!("../../migrations/0002_case_field.sql")),
    (3, include_str!("../../migrations/0003_customer_merge.sql")),
];

/// The schema version this build creates and expects.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Any number will do as long as it is fixed: it keeps two `team init`s from migrating
/// the same hub at once.
const MIGRATION_LOCK: i64 = 0x666f_7572_726f_6164; // "fourroad"

/// What `init` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaChange {
    pub from: i32,
    pub to: i32,
}

impl Hub {
    /// Creates or migrates the hub's schema; nothing changes when it is up to date.
    pub async fn init(&mut self) -> Result<SchemaChange, HubError> {
        let tx = self.client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS fourroads_schema (
                 version integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .await?;
        let from: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM fourroads_schema",
                &[],
            )
            .await?
            .get(0);
        if from > SCHEMA_VERSION {
            return Err(HubError::NewerSchema {
                hub: from,
                ours: SCHEMA_VERSION,
            });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > from) {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO fourroads_schema (version) VALUES ($1)",
                &[version],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(SchemaChange {
            from,
            to: SCHEMA_VERSION,
        })
    }

    /// The hub's schema version (0 when it has none), refusing one newer than ours.
    pub async fn check_schema(&self) -> Result<i32, HubError> {
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('fourroads_schema') IS NOT NULL", &[])
            .await?
            .get(0);
        if !exists {
            return Err(HubError::NotInitialised);
        }
        let version: i32 = self
            .client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM fourroads_schema",
                &[],
            )
            .await?
            .get(0);
        match version {
            0 => Err(HubError::NotInitialised),
            v if v > SCHEMA_VERSION => Err(HubError::NewerSchema {
                hub: v,
                ours: SCHEMA_VERSION,
            }),
            v => Ok(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_up_without_gaps() {
        for (at, (version, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, at as i32 + 1);
            assert!(!sql.trim().is_empty());
        }
    }
}
