//! Real PostgreSQL for the hub tests: each test gets a schema of its own (or, when it must
//! not share LISTEN/NOTIFY with other tests, a database of its own) on the server named by
//! `FOURROADS_TEST_DATABASE_URL`, dropped afterwards. Schemas are the default because
//! creating and dropping a database makes the server write a checkpoint, disk work that
//! slows the timing-sensitive terminal tests running next. Without the variable the test
//! says it was skipped and passes; with it, a server that cannot be reached fails the test.

#![allow(dead_code)]

use std::io::Write;

use tokio_postgres::NoTls;

pub const VAR: &str = "FOURROADS_TEST_DATABASE_URL";

enum Scope {
    Schema,
    Database,
}

/// A throwaway schema or database; dropped (with any connections to it) when this goes
/// away. `url` reaches it: for a schema, through the connection's `search_path`.
pub struct TestDb {
    admin_url: String,
    name: String,
    scope: Scope,
    pub url: String,
}

impl TestDb {
    /// A schema of its own; `None` (after saying so) when no PostgreSQL was asked for.
    pub async fn create(test: &str) -> Option<TestDb> {
        TestDb::make(test, Scope::Schema).await
    }

    /// A database of its own, for tests that LISTEN (notices are per database).
    pub async fn create_database(test: &str) -> Option<TestDb> {
        TestDb::make(test, Scope::Database).await
    }

    async fn make(test: &str, scope: Scope) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(VAR) else {
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            let _ = writeln!(
                std::io::stderr(),
                "{test}: skipped: no PostgreSQL (set {VAR})"
            );
            return None;
        };
        // Short, and the random end of the id: the hub's role names start with it, and
        // roles belong to the whole server (see `Drop`).
        let id = uuid::Uuid::now_v7().simple().to_string();
        let name = format!("frt_{}", &id[id.len() - 12..]);
        let admin = admin(&admin_url).await;
        let (sql, url) = match scope {
            Scope::Schema => (
                format!("CREATE SCHEMA {name}"),
                with_search_path(&admin_url, &name),
            ),
            Scope::Database => (
                format!("CREATE DATABASE {name}"),
                with_database(&admin_url, &name),
            ),
        };
        admin
            .batch_execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("cannot make a test {name}: {e}"));
        Some(TestDb {
            admin_url,
            name,
            scope,
            url,
        })
    }

    /// A plain connection to the test schema or database, for looking behind the hub's
    /// back.
    pub async fn raw(&self) -> tokio_postgres::Client {
        admin(&self.url).await
    }

    /// Makes the hub (as the server's superuser, the hub's owner here).
    pub async fn init_hub(&self) {
        let mut hub = fourroads::hub::Hub::connect(&self.url)
            .await
            .expect("connect as the owner");
        hub.init().await.expect("team init");
    }

    /// Takes the hub's protection away, for benchmarks that compare with it: row-level
    /// security off on every table, and the trigger that checks each pushed change
    /// replaced by one that only keeps each workstation's high sequence (what a push did
    /// before the hub checked anything).
    pub async fn strip_protection(&self) {
        self.raw()
            .await
            .batch_execute(
                "DO $$ DECLARE t record; BEGIN
                     FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
                     LOOP
                         EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t.tablename);
                         EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t.tablename);
                     END LOOP;
                 END $$;
                 DROP TRIGGER ops_checked ON ops;
                 CREATE FUNCTION bench_high_seq() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                 BEGIN
                     UPDATE workstations SET high_seq = greatest(high_seq, NEW.seq),
                                             last_push_at = now()
                     WHERE workstation_id = NEW.workstation_id;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER bench_high_seq BEFORE INSERT ON ops
                 FOR EACH ROW EXECUTE FUNCTION bench_high_seq();",
            )
            .await
            .expect("strip the hub's protection");
    }

    /// A person of the team: their own login (`<test>_<who>`, so that it goes with the
    /// test), made by `team add`; returns the address they sync with. The machine's test
    /// server trusts local logins, so no password is needed here (the tests of passwords
    /// use `cluster::Cluster`).
    pub async fn member(
        &self,
        who: &str,
        name: &str,
        role: fourroads::domain::call::Role,
    ) -> String {
        let login = format!("{}_{who}", self.name);
        let mut hub = fourroads::hub::Hub::connect(&self.url)
            .await
            .expect("connect as the owner");
        hub.add_member(&login, name, role, &[])
            .await
            .unwrap_or_else(|e| panic!("team add {login}: {e}"));
        let database = hub.database().await.unwrap();
        fourroads::hub::login_url(&self.url, &login, &database)
    }
}

async fn admin(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("{VAR} is set but PostgreSQL cannot be reached: {e}"));
    tokio::spawn(connection);
    client
}

/// The same address with `search_path` set to one schema.
fn with_search_path(url: &str, schema: &str) -> String {
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}options=-c%20search_path%3D{schema}")
}

/// The same server address with another database.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|at| at + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{host_part}/{database}{query}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let sql = match self.scope {
            // A test that failed inside a hub transaction may leave it holding locks that
            // only its own (now blocked) runtime would release: give up rather than hang.
            Scope::Schema => {
                format!("SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE;")
            }
            Scope::Database => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE);"),
        };
        // The hub's roles and the people's logins belong to the whole server: they go too.
        let roles = format!(
            "BEGIN;
             -- `team init` grants on the database row under this lock: revoking at the same
             -- time would fail with 'tuple concurrently updated'.
             SELECT pg_advisory_xact_lock(7381247448690155876);
             DO $$ DECLARE r record; BEGIN
                 FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE '{name}\\_%' LOOP
                     EXECUTE format('DROP OWNED BY %I CASCADE', r.rolname);
                     EXECUTE format('DROP ROLE %I', r.rolname);
                 END LOOP;
             END $$;
             COMMIT;"
        );
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await.ok()?;
                tokio::spawn(connection);
                client.batch_execute(&sql).await.ok()?;
                client.batch_execute(&roles).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

pub mod cluster;
