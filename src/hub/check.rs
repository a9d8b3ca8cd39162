//! `team check`: whether the hub's protection holds, read from PostgreSQL's own catalogs
//! (SPEC §12), in words a database owner can act on. Every finding is something a member
//! could use to get around the rules; none means the rules hold whatever client connects.

use super::migrate::SECURED_FROM;
use super::roles::{HubRoles, literal};
use super::{Hub, HubError, SCHEMA_VERSION};

/// One thing that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding(pub String);

/// What was checked and found: (what holds, what does not).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub holds: Vec<String>,
    pub findings: Vec<Finding>,
}

/// Each check: its query (rows are findings, one text column) and what is said when it
/// finds nothing. `$1` is the hub's schema, `$2` the owner role, `$3` and `$4` the groups.
const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT format('table %s does not have row-level security forced', c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
        "row-level security is on and forced on every table",
    ),
    (
        "SELECT format('%s %s belongs to %s, not to %s', CASE c.relkind WHEN 'S' THEN 'sequence'
                 WHEN 'v' THEN 'view' ELSE 'table' END, c.relname, pg_get_userbyid(c.relowner), $2)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND pg_get_userbyid(c.relowner) <> $2
         UNION ALL
         SELECT format('the schema %s belongs to %s, not to %s', n.nspname,
                       pg_get_userbyid(n.nspowner), $2)
         FROM pg_namespace n WHERE n.nspname = $1 AND pg_get_userbyid(n.nspowner) <> $2",
        "the owner role owns the schema and everything in it",
    ),
    (
        "SELECT format('PUBLIC may %s table %s', a.privilege_type, c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
              aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
         WHERE n.nspname = $1 AND a.grantee = 0
         UNION ALL
         SELECT format('PUBLIC may %s the schema %s', a.privilege_type, n.nspname)
         FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
         WHERE n.nspname = $1 AND a.grantee = 0
         UNION ALL
         SELECT format('PUBLIC may run function %s', p.proname)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
              aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
         WHERE n.nspname = $1 AND a.grantee = 0
         UNION ALL
         SELECT format('PUBLIC may %s the database %s', a.privilege_type, d.datname)
         FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
         WHERE d.datname = current_database() AND $1 = 'public' AND a.grantee = 0",
        "nothing is granted to PUBLIC",
    ),
    (
        "SELECT format('%s, a member of %s, has %s', r.rolname, g.rolname,
                       concat_ws(' and ', CASE WHEN r.rolsuper THEN 'SUPERUSER' END,
                                          CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END))
         FROM pg_roles g JOIN pg_auth_members am ON am.roleid = g.oid
              JOIN pg_roles r ON r.oid = am.member
         WHERE g.rolname IN ($3, $4) AND (r.rolsuper OR r.rolbypassrls)
         UNION ALL
         SELECT format('the role %s has %s', r.rolname,
                       concat_ws(' and ', CASE WHEN r.rolsuper THEN 'SUPERUSER' END,
                                          CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END,
                                          CASE WHEN r.rolcanlogin THEN 'LOGIN' END))
         FROM pg_roles r WHERE r.rolname IN ($2, $3, $4)
           AND (r.rolsuper OR r.rolbypassrls OR r.rolcanlogin)",
        "no member is a superuser or may bypass row-level security",
    ),
    (
        "SELECT format('the function %s runs as its owner without a pinned search_path '
                       '(pg_catalog first, pg_temp last)', p.proname)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = $1 AND p.prosecdef
           AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) s
                           WHERE s LIKE 'search_path=pg_catalog,%' AND s LIKE '%pg_temp')",
        "functions that run as the owner have their search_path pinned",
    ),
    (
        "SELECT format('%s left the team but can still log in', m.login)
         FROM members m JOIN pg_roles r ON r.rolname = m.login
         WHERE m.removed_at IS NOT NULL AND r.rolcanlogin",
        "people who left cannot log in",
    ),
];

impl Hub {
    /// Checks the hub's protection; `Err` only when the hub cannot be read at all.
    pub async fn check(&self) -> Result<Report, HubError> {
        let mut report = Report::default();
        let version = self.check_schema().await?;
        if version < SCHEMA_VERSION {
            report.findings.push(Finding(format!(
                "the hub's schema is version {version}, older than this fourroads ({SCHEMA_VERSION}); \
                 run `fourroads team init URL`"
            )));
            if version < SECURED_FROM {
                report.findings.push(Finding(
                    "the hub enforces nothing yet: any login that can sync may change anything"
                        .into(),
                ));
                return Ok(report);
            }
        } else {
            report.holds.push(format!(
                "the schema is version {version}, as this fourroads expects"
            ));
        }
        let roles = HubRoles::read(&self.client).await?;
        for (sql, holds) in CHECKS {
            // The names come from the hub's own settings, as quoted literals.
            let sql = sql
                .replace("$1", &format!("{}::name", literal(&roles.schema)))
                .replace("$2", &format!("{}::name", literal(&roles.owner)))
                .replace("$3", &format!("{}::name", literal(&roles.agents)))
                .replace("$4", &format!("{}::name", literal(&roles.leads)));
            let rows = self.client.query(&sql, &[]).await?;
            if rows.is_empty() {
                report.holds.push(holds.to_string());
            }
            for row in rows {
                report.findings.push(Finding(row.get(0)));
            }
        }
        Ok(report)
    }
}
