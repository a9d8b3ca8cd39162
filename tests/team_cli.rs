//! `fourroads team init URL` as a user runs it (SPEC §12): creates, then finds up to date,
//! refuses a newer hub, and never shows a password; then the hub's owner adds the people
//! (`team add`), and each workstation joins as its own person's login.

mod pg;
mod team;

use std::process::{Command, Output};

use pg::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_fourroads");

fn fourroads(args: &[&str]) -> Output {
    fourroads_with(args, &[])
}

/// `fourroads ARGS` off the test's runtime (the hub's tests are async).
async fn run(args: Vec<String>) -> Result<Output, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fourroads(&args)
    })
    .await
}

/// `fourroads ARGS`, which must succeed; its output.
async fn run_ok(list: &[&str]) -> Output {
    let out = run(args(list)).await.unwrap();
    assert!(out.status.success(), "{list:?}: {}", text(&out.stderr));
    out
}

/// The owner's `team add` (its arguments): the address it tells the person to join with.
async fn add_person(add: &[&str]) -> String {
    team::join_url_in(&text(&run_ok(add).await.stdout))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `fourroads ARGS` with `env` added to the test's environment.
fn fourroads_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let dir = |name: &str| home.path().join(name).display().to_string();
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("HOME", dir("home"))
        .env("XDG_CONFIG_HOME", dir("config"))
        .env("XDG_DATA_HOME", dir("data"))
        .env("USER", "tester")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// An address typed with its password is refused before anything else, in one line that
/// does not repeat the password: every user of the computer can read a command line.
fn assert_password_refused(out: &Output) {
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("the address holds a password") && stderr.contains("~/.pgpass"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret") && !text(&out.stdout).contains("s3cret"));
}

#[test]
fn an_unreachable_hub_is_one_line_without_the_password() {
    // Port 1 on loopback: nothing listens there. A password typed on the command line is
    // refused now (before, the hub was tried and the message left the password out).
    let out = fourroads(&["team", "init", "postgres://ann:s3cret@127.0.0.1:1/team"]);
    assert_password_refused(&out);
    // The password from PGPASSWORD, or in an address from the environment: the hub is
    // tried, and the one line names it without the password.
    for out in [
        fourroads_with(
            &["team", "init", "postgres://ann@127.0.0.1:1/team"],
            &[("PGPASSWORD", "s3cret")],
        ),
        fourroads_with(
            &["team", "members"],
            &[("FOURROADS_HUB", "postgres://ann:s3cret@127.0.0.1:1/team")],
        ),
    ] {
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("cannot reach the hub at postgres://ann@127.0.0.1:1/team"),
            "{stderr}"
        );
        assert!(!stderr.contains("s3cret") && !text(&out.stdout).contains("s3cret"));
    }
}

#[test]
fn a_malformed_address_is_refused_in_one_line() {
    // Typed with a password, it is refused for that first (see above).
    let out = fourroads(&["team", "init", "postgres://ann:s3cret@host:port/team"]);
    assert_password_refused(&out);
    for out in [
        fourroads(&["team", "init", "postgres://ann@host:port/team"]),
        fourroads_with(
            &["team", "members"],
            &[("FOURROADS_HUB", "postgres://ann:s3cret@host:port/team")],
        ),
    ] {
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("is not a PostgreSQL address"), "{stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
}

#[tokio::test]
async fn team_init_creates_then_is_idempotent_then_refuses_a_newer_hub() {
    let Some(db) = TestDb::create("team init").await else {
        return;
    };
    let url = db.url.clone();
    let first = tokio::task::spawn_blocking({
        let url = url.clone();
        move || fourroads(&["team", "init", &url])
    })
    .await
    .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let version = fourroads::hub::SCHEMA_VERSION;
    assert!(
        text(&first.stdout)
            .starts_with(&format!("Created the fourroads schema (version {version})")),
        "{}",
        text(&first.stdout)
    );

    let again = tokio::task::spawn_blocking({
        let url = url.clone();
        move || fourroads(&["team", "init", &url])
    })
    .await
    .unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains(&format!("is up to date (schema version {version})")));

    db.raw()
        .await
        .batch_execute("INSERT INTO fourroads_schema (version) VALUES (99)")
        .await
        .unwrap();
    let newer = tokio::task::spawn_blocking(move || fourroads(&["team", "init", &url]))
        .await
        .unwrap();
    assert!(!newer.status.success());
    let stderr = text(&newer.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "schema is version 99, newer than this fourroads knows ({version})"
        )),
        "{stderr}"
    );
}

fn store_arg(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

#[test]
fn sync_outside_a_team_or_with_the_hub_away_fails_in_one_line_and_status_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_arg(&dir, "alone");
    let out = fourroads(&["sync", "--store", &store]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not in a team"), "{stderr}");

    // In a team whose hub cannot be reached (port 1: nothing listens there).
    {
        let opened = fourroads::store::SledStore::open(std::path::Path::new(&store)).unwrap();
        opened
            .set_hub_url(Some("postgres://ann@127.0.0.1:1/team"))
            .unwrap();
    }
    let out = fourroads(&["sync", "--store", &store]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot reach the hub at postgres://ann@127.0.0.1:1/team"),
        "{stderr}"
    );
    let status = fourroads(&["team", "status", "--store", &store]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let stdout = text(&status.stdout);
    assert!(
        stdout.contains("Hub: postgres://ann@127.0.0.1:1/team"),
        "{stdout}"
    );
    assert!(stdout.contains("Last sync: never"), "{stdout}");
    assert!(stdout.contains("Other workstations: unknown"), "{stdout}");
    let demo = fourroads(&["demo", "--store", &store]);
    assert!(!demo.status.success());
    assert!(
        text(&demo.stderr).contains("is in a team"),
        "{}",
        text(&demo.stderr)
    );
    let leave = fourroads(&["team", "leave", "--store", &store]);
    assert!(leave.status.success(), "{}", text(&leave.stderr));
    assert!(text(&leave.stdout).contains("keeps all its data"));
    let demo = fourroads(&["demo", "--store", &store]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
}

#[tokio::test]
async fn join_sync_status_and_leave_as_a_user_runs_them() {
    let Some(db) = TestDb::create("team join").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (agent, lead) = (store_arg(&dir, "agent"), store_arg(&dir, "lead"));
    // The hub's owner's address: `team init` and `team add` run as the owner.
    let url = db.url.clone();
    let prefix = team::login_prefix(&url).await;
    let (agent_login, lead_login) = (format!("{prefix}_tess"), format!("{prefix}_lena"));
    run_ok(&["team", "init", &url]).await;
    // The owner adds the agent and the lead; each is told the command that joins them.
    let tess = team::add_args(&agent_login, "agent", "Tess Tester", &url);
    let agent_url = add_person(&tess).await;
    let lead_url = add_person(&team::add_args(&lead_login, "lead", "Lena Lead", &url)).await;
    run_ok(&["demo", "--store", &agent]).await;

    // The demo holds a lead's reviews, which the agent's own login may not send (see
    // `a_store_with_others_reviews_is_refused_to_an_agent_and_brought_in_by_the_owner`):
    // the hub's owner brings the store's history in as it is...
    let joined = run(args(&["team", "join", &url, "--store", &agent]))
        .await
        .unwrap();
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    let stdout = text(&joined.stdout);
    assert!(stdout.starts_with("Joined the team hub at "), "{stdout}");
    assert!(stdout.contains("as the hub's owner"), "{stdout}");
    assert!(
        !text(&joined.stderr).contains('\r'),
        "no progress without a terminal"
    );
    // ... hands the workstation to the agent, who joins with their own login.
    let status = run(args(&["team", "status", "--store", &agent]))
        .await
        .unwrap();
    let workstation = team::workstation_in(&text(&status.stdout));
    let handed = run(args(
        &[&tess[..], &["--workstation", &workstation]].concat(),
    ))
    .await
    .unwrap();
    assert!(handed.status.success(), "{}", text(&handed.stderr));
    assert!(
        text(&handed.stdout).contains("Handed 1 workstation"),
        "{}",
        text(&handed.stdout)
    );
    let joined = run(args(&["team", "join", &agent_url, "--store", &agent]))
        .await
        .unwrap();
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    let stdout = text(&joined.stdout);
    assert!(
        stdout.contains(&format!("as Tess Tester (agent, login {agent_login})"))
            && stdout.contains("sent 0 changes"),
        "{stdout}"
    );

    let joined = run(args(&["team", "join", &lead_url, "--store", &lead]))
        .await
        .unwrap();
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    assert!(
        text(&joined.stdout).contains(&format!("as Lena Lead (lead, login {lead_login})")),
        "{}",
        text(&joined.stdout)
    );
    {
        let store = fourroads::store::SledStore::open(std::path::Path::new(&lead)).unwrap();
        use fourroads::store::Store;
        assert_eq!(store.counters().unwrap().customers, 44);
        assert_eq!(store.counters().unwrap().calls, 170);
    }
    // The lead has sent nothing yet, and the agent's status already lists the workstation.
    let status = run(args(&["team", "status", "--store", &agent]))
        .await
        .unwrap();
    let stdout = text(&status.stdout);
    assert!(stdout.contains("Other workstations (1):"), "{stdout}");
    assert!(stdout.contains("has sent nothing, 0 changes"), "{stdout}");
    let synced = run(args(&["sync", "--store", &lead])).await.unwrap();
    assert!(synced.status.success(), "{}", text(&synced.stderr));
    assert!(text(&synced.stdout).starts_with("Synced: sent 0 changes, received 0"));

    let status = run(args(&["team", "status", "--store", &lead]))
        .await
        .unwrap();
    assert!(status.status.success(), "{}", text(&status.stderr));
    let stdout = text(&status.stdout);
    for wanted in [
        "Hub: ",
        "You: Lena Lead (lead), as the hub records login ",
        "This workstation: ",
        "Last sync: just now",
        "Changes not yet sent: 0",
        "Other workstations (1):",
    ] {
        assert!(stdout.contains(wanted), "{wanted:?} in {stdout}");
    }
    let demo = run(args(&["demo", "--force", "--store", &lead]))
        .await
        .unwrap();
    assert!(!demo.status.success());
    assert!(text(&demo.stderr).contains("is in a team"));
    let leave = run(args(&["team", "leave", "--store", &lead]))
        .await
        .unwrap();
    assert!(leave.status.success(), "{}", text(&leave.stderr));
    let after = run(args(&["sync", "--store", &lead])).await.unwrap();
    assert!(!after.status.success());
    assert!(text(&after.stderr).contains("not in a team"));
    let store = fourroads::store::SledStore::open(std::path::Path::new(&lead)).unwrap();
    use fourroads::store::Store;
    assert_eq!(store.counters().unwrap().customers, 44, "the data stays");
}

/// A store holding others' reviews (the demo's lead) cannot go to the team from an agent's
/// own login: the join says what to do and leaves the store out of the team; the hub's
/// owner then brings it in as it is and hands the workstation to the agent, whose own
/// login syncs it from then on.
#[tokio::test]
async fn a_store_with_others_reviews_is_refused_to_an_agent_and_brought_in_by_the_owner() {
    let Some(db) = TestDb::create("team join refused").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let agent = store_arg(&dir, "agent");
    let url = db.url.clone();
    let login = format!("{}_tess", team::login_prefix(&url).await);
    run_ok(&["team", "init", &url]).await;
    let tess = team::add_args(&login, "agent", "Tess Tester", &url);
    let agent_url = add_person(&tess).await;
    run_ok(&["demo", "--store", &agent]).await;

    let refused = run(args(&["team", "join", &agent_url, "--store", &agent]))
        .await
        .unwrap();
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("only a lead may send") && stderr.contains("fourroads team add"),
        "{stderr}"
    );
    let status = run(args(&["team", "status", "--store", &agent]))
        .await
        .unwrap();
    let stdout = text(&status.stdout);
    assert!(stdout.starts_with("Not in a team"), "{stdout}");
    let workstation = team::workstation_in(&stdout);

    // What the message says to do: the owner joins with this store, then hands it over.
    let joined = run(args(&["team", "join", &url, "--store", &agent]))
        .await
        .unwrap();
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    assert!(
        text(&joined.stdout).contains("as the hub's owner"),
        "{}",
        text(&joined.stdout)
    );
    let handed = run(args(
        &[&tess[..], &["--workstation", &workstation]].concat(),
    ))
    .await
    .unwrap();
    assert!(handed.status.success(), "{}", text(&handed.stderr));
    let joined = run(args(&["team", "join", &agent_url, "--store", &agent]))
        .await
        .unwrap();
    assert!(joined.status.success(), "{}", text(&joined.stderr));
    let stdout = text(&joined.stdout);
    assert!(
        stdout.contains(&format!("as Tess Tester (agent, login {login})"))
            && stdout.contains("sent 0 changes"),
        "{stdout}"
    );
}
