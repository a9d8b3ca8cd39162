//! The hub's schema: migrations kept as SQL files in `migrations/` at the top of the
//! repository, built into the binary, applied in order in one transaction, each recorded
//! in `fourroads_schema`. A hub whose schema is newer than this build knows is refused.
//!
//! From version 4 the hub enforces who may change what (SPEC §12): `init` makes the hub's
//! three roles (an owner that owns every object and logs in as nobody, and the groups of
//! agents and leads every person's login joins) before the migration that hands the
//! objects to the owner and turns row-level security on.

use super::roles::HubRoles;
use super::{Hub, HubError};

/// Every migration, in order: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/0001_hub.sql")),
    (2, include_str!("../../migrations/0002_case_field.sql")),
    (3, include_str!("../../migrations/0003_customer_merge.sql")),
    (4, include_str!("../../migrations/0004_security.sql")),
];

/// The schema version this build creates and expects.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The first version whose hub checks every change (and so has roles).
pub const SECURED_FROM: i32 = 4;

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
        .await
        .map_err(super::init_refused)?;
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
        let mut roles = None;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > from) {
            let sql = if *version == SECURED_FROM {
                let made = HubRoles::make(&tx).await?;
                let sql = made.fill(sql);
                roles = Some(made);
                sql
            } else {
                sql.to_string()
            };
            tx.batch_execute(&sql).await.map_err(super::init_refused)?;
            tx.execute(
                "INSERT INTO fourroads_schema (version) VALUES ($1)",
                &[version],
            )
            .await?;
        }
        if let Some(roles) = roles {
            roles.close_the_database(&tx).await?;
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
            return Err(self.not_there().await);
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

    /// Why the schema cannot be seen: a hub this login may not enter (it is not a member),
    /// or none at all.
    async fn not_there(&self) -> HubError {
        let hidden = self
            .client
            .query_one(
                "SELECT session_user::text, EXISTS (
                     SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relname = 'fourroads_schema'
                       AND NOT has_schema_privilege(n.oid, 'USAGE'))",
                &[],
            )
            .await;
        match hidden {
            Ok(row) if row.get::<_, bool>(1) => HubError::NotMember { login: row.get(0) },
            _ => HubError::NotInitialised,
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

    #[test]
    fn the_secured_migration_names_every_role_by_placeholder_only() {
        let (_, sql) = MIGRATIONS[SECURED_FROM as usize - 1];
        for placeholder in ["@schema@", "@owner@", "@agents@", "@leads@", "@owner_text@"] {
            assert!(sql.contains(placeholder), "{placeholder}");
        }
        let filled = HubRoles::for_test("team").fill(sql);
        assert!(!filled.contains('@'), "a placeholder is left");
        assert!(filled.contains("TO \"team_owner\""));
    }
}
