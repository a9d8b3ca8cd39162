//! A network that accepts and then forwards nothing (a stalled proxy, a half-open link):
//! TCP's own timers never fire, because something answers. Every command that talks to
//! the hub still ends with one line within its deadline, and the app's header says the
//! hub is not answering within a few seconds. The "hub" here is a local socket that
//! accepts connections and never reads or writes; no PostgreSQL is needed.

use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fourroads::store::SledStore;

const BIN: &str = env!("CARGO_BIN_EXE_fourroads");

/// A listener that takes every connection and holds it open, silent, while it lives.
struct Stall {
    port: u16,
}

impl Stall {
    fn start() -> Stall {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        });
        Stall { port }
    }

    fn url(&self) -> String {
        format!(
            "postgres://priya@127.0.0.1:{}/team?sslmode=disable",
            self.port
        )
    }
}

/// A store that is in a team whose hub is `url`.
fn store_in_team(dir: &tempfile::TempDir, url: &str) -> std::path::PathBuf {
    let path = dir.path().join("store");
    let store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
    store.set_hub_url(Some(url)).unwrap();
    path
}

/// Runs `fourroads ARGS` with a 2 s deadline; returns (exit ok, stderr, how long).
fn run(store: &std::path::Path, args: &[&str]) -> (bool, String, Duration) {
    let began = Instant::now();
    let out = Command::new(BIN)
        .arg("--store")
        .arg(store)
        .args(args)
        .env("FOURROADS_HUB_TIMEOUT", "2")
        .env("HOME", store.parent().unwrap())
        .env_remove("PGPASSWORD")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        began.elapsed(),
    )
}

#[test]
fn every_command_that_talks_to_a_stalled_hub_ends_with_one_line_in_time() {
    let stall = Stall::start();
    let dir = tempfile::tempdir().unwrap();
    let store = store_in_team(&dir, &stall.url());
    for args in [
        vec!["sync"],
        vec!["team", "join", stall.url().as_str()],
        vec!["team", "check", stall.url().as_str()],
        vec!["team", "members"],
    ] {
        let (ok, stderr, took) = run(&store, &args);
        assert!(!ok, "{args:?} cannot succeed");
        assert!(took < Duration::from_secs(15), "{args:?} took {took:?}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("did not answer (connecting) within 2 s"),
            "{args:?}: {stderr}"
        );
    }
    // `team status` still says what it knows here, and how the hub is, in time.
    let began = Instant::now();
    let out = Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["team", "status"])
        .env("FOURROADS_HUB_TIMEOUT", "2")
        .output()
        .unwrap();
    assert!(began.elapsed() < Duration::from_secs(15));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Other workstations: unknown"), "{said}");
    assert!(said.contains("did not answer"), "{said}");
}

#[tokio::test]
async fn the_header_says_the_hub_is_not_answering_within_seconds() {
    use fourroads::sync::background::{QUIET_AFTER, Status, Timing, run_with};
    let stall = Stall::start();
    let dir = tempfile::tempdir().unwrap();
    let path = store_in_team(&dir, &stall.url());
    let store = Arc::new(SledStore::open(&path).unwrap());
    let (sender, mut statuses) = tokio::sync::mpsc::unbounded_channel();
    let report: Arc<dyn Fn(Status) + Send + Sync> = Arc::new(move |status| {
        let _ = sender.send(status);
    });
    let began = Instant::now();
    let task = tokio::spawn(run_with(store, report, Timing::default()));
    let first = tokio::time::timeout(QUIET_AFTER * 3, statuses.recv())
        .await
        .expect("a word about the hub within seconds")
        .expect("the sync is running");
    assert!(
        matches!(first, Status::NotAnswering { unsent: 0 }),
        "{first:?}"
    );
    let took = began.elapsed();
    assert!(took >= QUIET_AFTER && took < QUIET_AFTER * 2, "{took:?}");
    task.abort();
}
