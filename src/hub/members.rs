//! The people of a team at the hub (SPEC §12): who the connected login is, and for the
//! hub's owner adding a person (their own login, with a password made here and shown
//! once), removing one (the login is disabled, their past work stays theirs) and listing
//! everyone with their workstations.

use jiff::Timestamp;

use crate::domain::Id;
use crate::domain::call::Role;
use crate::domain::member::Member;

use super::logins::{check_login, check_name, new_password, role_of, verifier};
use super::roles::{HubRoles, ident, literal};
use super::{Hub, HubError};

/// Who the connected login is at the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whoami {
    /// A person of the team.
    Member(Member),
    /// The login that administers the hub (a member of its owner role): it may bring a
    /// store's history in as it is, names and roles kept.
    Owner { login: String },
}

/// What `add_member` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    /// The new password, when one was made (shown once, kept nowhere).
    pub password: Option<String>,
    /// The person was a member already (their name or role changed, or they came back).
    pub again: bool,
    /// Workstations handed to them.
    pub workstations: u64,
}

/// One person for `team members`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRow {
    pub member: Member,
    pub removed_at: Option<Timestamp>,
    /// Whether the login may connect now.
    pub can_log_in: bool,
}

/// One workstation for `team members`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkstationRow {
    pub id: Id,
    pub login: String,
    pub changes: u64,
    pub last_push: Option<Timestamp>,
    pub last_sync: Option<Timestamp>,
    /// For a workstation no member holds: the names on its latest changes (who it was).
    pub authors: Option<String>,
}

/// Everyone, and every workstation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    pub people: Vec<MemberRow>,
    pub workstations: Vec<WorkstationRow>,
}

impl Hub {
    /// Who this connection's login is; a login that is neither a member nor the hub's
    /// owner is refused.
    pub async fn whoami(&self) -> Result<Whoami, HubError> {
        let row = self
            .client
            .query_one(
                "SELECT session_user::text, m.name, m.role, fourroads_is_owner()
                 FROM (SELECT 1) one
                 LEFT JOIN members m ON m.login = session_user AND m.removed_at IS NULL",
                &[],
            )
            .await?;
        let login: String = row.get(0);
        match (
            row.get::<_, Option<String>>(1),
            row.get::<_, Option<String>>(2),
        ) {
            (Some(name), Some(role)) => Ok(Whoami::Member(Member {
                login,
                name,
                role: role_of(&role),
            })),
            _ if row.get::<_, Option<bool>>(3) == Some(true) => Ok(Whoami::Owner { login }),
            _ => Err(HubError::NotMember { login }),
        }
    }

    /// The database the hub is in (what a person's address and password line name).
    pub async fn database(&self) -> Result<String, HubError> {
        Ok(self
            .client
            .query_one("SELECT current_database()::text", &[])
            .await?
            .get(0))
    }

    /// Registers a workstation to the connected login (nothing if it holds it already);
    /// from then on only this login may push as it.
    pub async fn register(&self, workstation: Id) -> Result<(), HubError> {
        self.client
            .execute("SELECT fourroads_register($1)", &[&workstation])
            .await?;
        Ok(())
    }

    /// Notes that this workstation finished a sync (for `team members`).
    pub async fn synced(&self, workstation: Id) -> Result<(), HubError> {
        self.client
            .execute("SELECT fourroads_synced($1)", &[&workstation])
            .await?;
        Ok(())
    }

    async fn owner_only(&self, what: &str) -> Result<HubRoles, HubError> {
        match self.whoami().await {
            Ok(Whoami::Owner { .. }) => HubRoles::read(&self.client).await,
            Ok(Whoami::Member(me)) => Err(HubError::Refused(format!(
                "only the hub's owner may {what}, and {} is a member",
                me.login
            ))),
            Err(HubError::NotMember { login }) => Err(HubError::Refused(format!(
                "only the hub's owner may {what}, and {login} is not (connect as the login \
                 that ran `fourroads team init`)"
            ))),
            Err(e) => Err(e),
        }
    }

    /// Adds a person (or changes the name or role of one, or lets a removed one back in):
    /// their own login in the group of their role, with a new password unless the login
    /// existed already with one. `workstations` are handed to them (a store's history
    /// brought in by the owner, or a workstation of a hub from before logins).
    pub async fn add_member(
        &mut self,
        login: &str,
        name: &str,
        role: Role,
        workstations: &[Id],
    ) -> Result<Added, HubError> {
        check_login(login)?;
        let name = check_name(name)?;
        let roles = self.owner_only("add people").await?;
        let (group, other) = match role {
            Role::Lead => (&roles.leads, &roles.agents),
            Role::Agent => (&roles.agents, &roles.leads),
        };
        let tx = self.client.transaction().await?;
        let existing = tx
            .query_opt(
                "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolreplication, rolcanlogin
                 FROM pg_roles WHERE rolname = $1",
                &[&login],
            )
            .await?;
        // `Some(true)`: a person who was removed and comes back.
        let was_member: Option<bool> = tx
            .query_opt(
                "SELECT removed_at IS NOT NULL FROM members WHERE login = $1",
                &[&login],
            )
            .await?
            .map(|row| row.get(0));
        let mut password = None;
        match &existing {
            Some(row) if row.get::<_, bool>(0) => {
                return Err(HubError::Refused(format!(
                    "{login} is a login with powers over the whole server (superuser, \
                     BYPASSRLS, CREATEROLE or replication): a member must be an ordinary login"
                )));
            }
            Some(row) => {
                if was_member == Some(true) || !row.get::<_, bool>(1) {
                    let made = new_password();
                    tx.batch_execute(&format!(
                        "ALTER ROLE {} LOGIN PASSWORD {}",
                        ident(login),
                        literal(&verifier(&made))
                    ))
                    .await?;
                    password = Some(made);
                }
            }
            None => {
                let made = new_password();
                tx.batch_execute(&format!(
                    "CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE \
                     NOBYPASSRLS NOREPLICATION",
                    ident(login),
                    literal(&verifier(&made))
                ))
                .await?;
                password = Some(made);
            }
        }
        tx.batch_execute(&format!("GRANT {} TO {}", ident(group), ident(login)))
            .await?;
        let in_other: bool = tx
            .query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&login, other])
            .await?
            .get(0);
        if in_other {
            tx.batch_execute(&format!("REVOKE {} FROM {}", ident(other), ident(login)))
                .await?;
        }
        let clash = tx
            .query_opt(
                "SELECT login::text FROM members WHERE name = $1 AND login <> $2",
                &[&name, &login],
            )
            .await?;
        if let Some(row) = clash {
            return Err(HubError::Refused(format!(
                "{} is already the name of {}: each person's name must be their own",
                name,
                row.get::<_, String>(0)
            )));
        }
        tx.execute(
            "INSERT INTO members (login, name, role) VALUES ($1, $2, $3)
             ON CONFLICT (login) DO UPDATE
             SET name = excluded.name, role = excluded.role, removed_at = NULL",
            &[&login, &name, &role.as_str()],
        )
        .await?;
        let handed = tx
            .execute(
                "UPDATE workstations SET registered_by = $1 WHERE workstation_id = ANY($2)",
                &[&login, &workstations],
            )
            .await?;
        if handed != workstations.len() as u64 {
            return Err(HubError::Refused(format!(
                "{} of the workstations named are not at the hub (see `fourroads team members`)",
                workstations.len() as u64 - handed
            )));
        }
        tx.commit().await?;
        Ok(Added {
            password,
            again: was_member.is_some(),
            workstations: handed,
        })
    }

    /// Removes a person: their login may no longer connect (their open connections are
    /// ended where the server lets us), and the hub takes nothing more from it. Their past
    /// work stays theirs.
    pub async fn remove_member(&mut self, login: &str) -> Result<(), HubError> {
        self.owner_only("remove people").await?;
        let tx = self.client.transaction().await?;
        let removed = tx
            .execute(
                "UPDATE members SET removed_at = now() WHERE login = $1 AND removed_at IS NULL",
                &[&login],
            )
            .await?;
        if removed == 0 {
            return Err(HubError::Refused(format!(
                "{login} is not a member of this team"
            )));
        }
        tx.batch_execute(&format!("ALTER ROLE {} NOLOGIN", ident(login)))
            .await?;
        tx.commit().await?;
        // Best effort: a server that does not let the owner end others' connections still
        // refuses everything they send, since the hub's record says they left.
        let _ = self
            .client
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                &[&login],
            )
            .await;
        Ok(())
    }

    /// Everyone the hub has known, and every workstation.
    pub async fn members(&self) -> Result<Members, HubError> {
        let people = self
            .client
            .query(
                "SELECT m.login::text, m.name, m.role,
                        (extract(epoch FROM m.removed_at) * 1000)::bigint,
                        coalesce(r.rolcanlogin, false)
                 FROM members m LEFT JOIN pg_roles r ON r.rolname = m.login
                 ORDER BY m.removed_at IS NOT NULL, lower(m.name)",
                &[],
            )
            .await?
            .iter()
            .map(|row| MemberRow {
                member: Member {
                    login: row.get(0),
                    name: row.get(1),
                    role: role_of(row.get(2)),
                },
                removed_at: millis(row.get(3)),
                can_log_in: row.get(4),
            })
            .collect();
        let workstations = self
            .client
            .query(
                "SELECT w.workstation_id, w.registered_by::text, w.high_seq,
                        (extract(epoch FROM w.last_push_at) * 1000)::bigint,
                        (extract(epoch FROM w.last_sync_at) * 1000)::bigint,
                        CASE WHEN NOT EXISTS (SELECT 1 FROM members m
                                              WHERE m.login = w.registered_by)
                        THEN (SELECT string_agg(DISTINCT author, ', ')
                              FROM (SELECT author FROM ops o
                                    WHERE o.workstation_id = w.workstation_id
                                      AND author <> ''
                                    ORDER BY seq DESC LIMIT 1000) latest)
                        END
                 FROM workstations w ORDER BY w.registered_by, w.workstation_id",
                &[],
            )
            .await?
            .iter()
            .map(|row| WorkstationRow {
                id: row.get(0),
                login: row.get(1),
                changes: row.get::<_, i64>(2) as u64,
                last_push: millis(row.get(3)),
                last_sync: millis(row.get(4)),
                authors: row.get(5),
            })
            .collect();
        Ok(Members {
            people,
            workstations,
        })
    }
}

fn millis(ms: Option<i64>) -> Option<Timestamp> {
    ms.and_then(|ms| Timestamp::from_millisecond(ms).ok())
}
