//! The hub's roles (SPEC §12): an owner that owns the schema and every object in it and
//! never logs in, and a group each for agents and leads that every person's login joins.
//! Roles belong to the whole PostgreSQL server while a hub is one schema of one database,
//! so their names start with the hub's: the database's name for a hub in `public`, else the
//! schema's.

use tokio_postgres::GenericClient;

use super::HubError;

/// The names of one hub's roles, and where the hub is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubRoles {
    pub database: String,
    pub schema: String,
    pub owner: String,
    pub agents: String,
    pub leads: String,
}

/// Role names longer than this are cut and told apart by a hash (PostgreSQL keeps 63 bytes;
/// the longest suffix is `_agents`).
const BASE_MAX: usize = 48;

/// The start of every role name of the hub at `database`/`schema`: lower case letters,
/// digits and `_`, so that it needs no quoting to be read.
pub fn role_base(database: &str, schema: &str) -> String {
    let source = if schema == "public" { database } else { schema };
    let mut base: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert_str(0, "hub_");
    }
    if base.len() > BASE_MAX {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("{database}\0{schema}").as_bytes());
        let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        base.truncate(BASE_MAX - 9);
        base.push('_');
        base.push_str(&tag);
    }
    base
}

/// `name` as a quoted SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as a quoted SQL literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl HubRoles {
    fn named(database: &str, schema: &str) -> HubRoles {
        let base = role_base(database, schema);
        HubRoles {
            database: database.to_string(),
            schema: schema.to_string(),
            owner: format!("{base}_owner"),
            agents: format!("{base}_agents"),
            leads: format!("{base}_leads"),
        }
    }

    #[cfg(test)]
    pub(super) fn for_test(database: &str) -> HubRoles {
        HubRoles::named(database, "public")
    }

    /// Makes the hub's roles (those missing) and lets the login running `team init` act
    /// for the owner. Refuses, in words, a login that may not make roles.
    pub(super) async fn make(client: &impl GenericClient) -> Result<HubRoles, HubError> {
        let row = client
            .query_one(
                "SELECT current_database()::text, current_schema()::text, session_user::text,
                        r.rolsuper OR r.rolcreaterole
                 FROM pg_roles r WHERE r.rolname = current_user",
                &[],
            )
            .await?;
        let (database, schema): (String, Option<String>) = (row.get(0), row.get(1));
        let login: String = row.get(2);
        let Some(schema) = schema else {
            return Err(HubError::Refused(
                "the address names no schema this login may create tables in".into(),
            ));
        };
        if !row.get::<_, bool>(3) {
            return Err(HubError::Refused(format!(
                "{login} may not create roles: run `fourroads team init` as the database's \
                 owner with CREATEROLE (or as a superuser)"
            )));
        }
        let roles = HubRoles::named(&database, &schema);
        for role in [&roles.owner, &roles.agents, &roles.leads] {
            let exists: bool = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                    &[role],
                )
                .await?
                .get(0);
            if !exists {
                client
                    .batch_execute(&format!(
                        "CREATE ROLE {} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE \
                         NOBYPASSRLS NOREPLICATION",
                        ident(role)
                    ))
                    .await?;
            }
        }
        client
            .batch_execute(&format!(
                "GRANT {owner} TO {me}; GRANT CREATE ON DATABASE {db} TO {owner}",
                owner = ident(&roles.owner),
                me = ident(&login),
                db = ident(&database),
            ))
            .await
            .map_err(super::init_refused)?;
        Ok(roles)
    }

    /// The migration with its placeholders filled in.
    pub(super) fn fill(&self, sql: &str) -> String {
        sql.replace("@schema_text@", &literal(&self.schema))
            .replace("@owner_text@", &literal(&self.owner))
            .replace("@agents_text@", &literal(&self.agents))
            .replace("@leads_text@", &literal(&self.leads))
            .replace("@schema@", &ident(&self.schema))
            .replace("@owner@", &ident(&self.owner))
            .replace("@agents@", &ident(&self.agents))
            .replace("@leads@", &ident(&self.leads))
    }

    /// A hub in a database of its own (schema `public`) closes the database's door to
    /// everyone but its members. A hub in a schema of a shared database leaves the
    /// database's door to that database's owner.
    pub(super) async fn close_the_database(
        &self,
        client: &impl GenericClient,
    ) -> Result<(), HubError> {
        if self.schema != "public" {
            return Ok(());
        }
        client
            .batch_execute(&format!(
                "REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC;
                 GRANT CONNECT ON DATABASE {db} TO {agents}, {leads}",
                db = ident(&self.database),
                agents = ident(&self.agents),
                leads = ident(&self.leads),
            ))
            .await
            .map_err(super::init_refused)
    }

    /// The roles of the hub this client is connected to.
    pub(super) async fn read(client: &impl GenericClient) -> Result<HubRoles, HubError> {
        let row = client
            .query_one(
                "SELECT current_database()::text, current_schema()::text,
                        owner_role::text, agents_role::text, leads_role::text FROM hub",
                &[],
            )
            .await?;
        Ok(HubRoles {
            database: row.get(0),
            schema: row.get::<_, Option<String>>(1).unwrap_or_default(),
            owner: row.get(2),
            agents: row.get(3),
            leads: row.get(4),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_start_with_the_hubs_and_need_no_quoting() {
        assert_eq!(role_base("acme_support", "public"), "acme_support");
        assert_eq!(role_base("postgres", "Team-North"), "team_north");
        assert_eq!(role_base("2026", "public"), "hub_2026");
        let long = role_base("postgres", &format!("fourroads_test_{}", "a".repeat(40)));
        assert_eq!(long.len(), BASE_MAX);
        assert_ne!(
            long,
            role_base("postgres", &format!("fourroads_test_{}b", "a".repeat(39)))
        );
        assert!(long.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn names_and_text_are_quoted_for_sql() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("O'Neil"), "'O''Neil'");
    }
}
