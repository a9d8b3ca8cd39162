//! `fourroads team init URL` as a user runs it (SPEC §12): creates, then finds up to date,
//! refuses a newer hub, and never shows a password.

mod pg;

use std::process::{Command, Output};

use pg::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_fourroads");

fn fourroads(args: &[&str]) -> Output {
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
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unreachable_hub_is_one_line_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let out = fourroads(&["team", "init", "postgres://ann:s3cret@127.0.0.1:1/team"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot reach the hub at postgres://ann@127.0.0.1:1/team"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret") && !text(&out.stdout).contains("s3cret"));
}

#[test]
fn a_malformed_address_is_refused_in_one_line() {
    let out = fourroads(&["team", "init", "postgres://ann:s3cret@host:port/team"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not a PostgreSQL address"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
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
    assert!(text(&first.stdout).starts_with("Created the fourroads schema (version 2)"));

    let again = tokio::task::spawn_blocking({
        let url = url.clone();
        move || fourroads(&["team", "init", &url])
    })
    .await
    .unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("is up to date (schema version 2)"));

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
        stderr.contains("schema is version 99, newer than this fourroads knows (2)"),
        "{stderr}"
    );
}
