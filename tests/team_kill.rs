//! `kill -9` of `fourroads team join` in the middle of a large first sync (SPEC §12), then
//! `fourroads sync` again: nothing lost, nothing sent twice. The store's indexes and
//! counters equal a recount, the hub holds each of its operations once with no gap, and a
//! store that joins cleanly afterwards holds exactly the same records.
//!
//! Generated data is several agents' calls and a lead's reviews, so it comes into the team
//! the way such a store must: through the hub owner's login, which may bring others' work
//! in as it is (a person's own login is refused others' reviews). That upload is the one
//! killed. Then the workstation is handed to its person, and both workstations sync as
//! their own people's logins.

#![cfg(unix)]

mod pg;
mod team;
mod terminal;

use std::time::{Duration, Instant};

use fourroads::store::SledStore;
use pg::TestDb;
use terminal::*;

/// Runs `fourroads ARGS` on `sandbox`'s store and fails the test, with its output, unless
/// it succeeds; returns its standard output.
fn succeed(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.run_within(Duration::from_secs(300), args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "`fourroads {}` failed: {:?}\nstdout: {stdout}\nstderr: {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// One number from the hub.
fn hub_count(runtime: &tokio::runtime::Runtime, url: &str, sql: &str) -> i64 {
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("the test hub answers");
        let connection = tokio::spawn(connection);
        let n: i64 = client
            .query_one(sql, &[])
            .await
            .expect("the query runs")
            .get(0);
        drop(client);
        let _ = connection.await;
        n
    })
}

#[test]
fn a_join_killed_mid_push_resumes_with_sync_and_nothing_is_lost_or_sent_twice() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(hub) = runtime.block_on(TestDb::create("team_kill")) else {
        return;
    };
    let url = hub.url.clone();
    with_deadline(Duration::from_secs(600), move |first| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let count = |sql: &str| hub_count(&runtime, &url, sql);
        // `url` is the hub owner's address.
        succeed(first, &["team", "init", &url]);
        let prefix = runtime.block_on(team::login_prefix(&url));
        let (agent_login, lead_login) = (format!("{prefix}_tess"), format!("{prefix}_lena"));
        let tess = team::add_args(&agent_login, "agent", "Tess Tester", &url);
        let agent_url = team::join_url_in(&succeed(first, &tess));
        let lena = team::add_args(&lead_login, "lead", "Lena Lead", &url);
        let lead_url = team::join_url_in(&succeed(first, &lena));
        // Tens of thousands of operations: about twenty pushes of a thousand.
        succeed(
            first,
            &[
                "gen",
                "--customers",
                "500",
                "--calls",
                "5000",
                "--seed",
                "11",
            ],
        );

        // The first sync is killed once the hub holds a few thousand of its operations
        // (pushes are a thousand each), well before all of them: just after a push
        // committed (perhaps before the store marked it sent), or inside the next one.
        let mut join = first.command(&["team", "join", &url]);
        join.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = join.spawn().expect("the binary starts");
        first.pids.lock().unwrap().push(child.id());
        let started = Instant::now();
        let at_kill = loop {
            let held = count("SELECT count(*) FROM ops");
            if held >= 3_000 {
                break held;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "`team join` ended before the hub held 3000 of its operations"
            );
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "`team join` did not push 3000 operations within 300 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        kill_9(child.id());
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "`team join` finished before the kill: {status:?}"
        );
        eprintln!(
            "team_kill: killed `team join` after {:?} with {at_kill} operations at the hub",
            started.elapsed()
        );

        // Again: the sync picks up where the killed one stopped.
        let again = succeed(first, &["sync"]);
        assert!(again.starts_with("Synced: sent "), "{again}");

        let store = SledStore::open(&first.store()).expect("the store opens after the kill");
        let state = store.sync_state().unwrap();
        assert_eq!(state.unsent, 0, "everything was sent");
        let sent = store.sent_seq().unwrap() as i64;
        assert!(
            at_kill < sent,
            "the kill came after the last push ({at_kill} of {sent} at the hub)"
        );
        let id = state.workstation;
        let of_first = |sql: &str| count(&sql.replace("$ID", &format!("'{id}'::uuid")));
        // Each operation once, numbered 1..=sent with no gap, and the hub's high mark.
        assert_eq!(
            of_first("SELECT count(*) FROM ops WHERE workstation_id = $ID"),
            sent
        );
        assert_eq!(
            of_first("SELECT count(DISTINCT seq) FROM ops WHERE workstation_id = $ID"),
            sent
        );
        assert_eq!(
            of_first("SELECT coalesce(max(seq), 0) FROM ops WHERE workstation_id = $ID"),
            sent
        );
        assert_eq!(
            of_first("SELECT high_seq FROM workstations WHERE workstation_id = $ID"),
            sent
        );
        assert_eq!(
            count("SELECT count(*) FROM ops"),
            sent,
            "only this workstation's"
        );

        // The owner hands the workstation to its person, whose own login finds nothing
        // left to send.
        drop(store);
        let id = id.to_string();
        let handed = succeed(first, &[&tess[..], &["--workstation", &id]].concat());
        assert!(handed.contains("Handed 1 workstation"), "{handed}");
        let joined = succeed(first, &["team", "join", &agent_url]);
        assert!(
            joined.contains("as Tess Tester (agent") && joined.contains("sent 0 changes"),
            "{joined}"
        );
        assert_eq!(
            count("SELECT count(*) FROM ops"),
            sent,
            "nothing sent twice"
        );
        let store = SledStore::open(&first.store()).expect("the store opens again");

        // A store that joins cleanly now (the lead's) holds the very same records; both
        // agree with a recount of their indexes and counters.
        let second = first.another();
        succeed(&second, &["team", "join", &lead_url]);
        let other = SledStore::open(&second.store()).expect("the second store opens");
        let dir = tempfile::tempdir().unwrap();
        team::assert_same(&[&store, &other], &dir);
    });
    drop(hub);
}
