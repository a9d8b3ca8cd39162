//! Typing while a large sync runs (issue 12, "Measured"): a workstation joins a hub that
//! holds a generated team history while its agent types into an open call. Measured on
//! the agent's side, as the app would feel it: keystroke → frame (update + render at
//! 200×50) and the notes autosave (one small store write), first with no sync, then for
//! as long as the join takes on another thread of the same process.
//!
//! `FOURROADS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench
//! --bench sync_typing`; `FOURROADS_BENCH_SYNC_CALLS` sets the history's size (default
//! 100,000 calls, a tenth as many customers). It makes and drops a database of its own.
//! The generated history (many people's work on one store) comes in through the hub's
//! owner, as such a store does; the typing workstation joins as its agent's own login.

#[path = "../tests/pg/mod.rs"]
mod pg;

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{App, Stats, show, stats};
use fourroads::app::Effect;
use fourroads::domain::call::Role;
use fourroads::store::{SledStore, Store};
use fourroads::sync;
use fourroads::transfer::generate::{GenRequest, generate};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn open(path: &std::path::Path) -> SledStore {
    SledStore::open_in_zone(path, jiff::tz::TimeZone::UTC).expect("store")
}

/// Types into the open call until `done` is set, or for `keys` keys without one: each
/// key timed update + frame, every 25th key also an autosave timed on its own.
fn type_until(
    app: &mut App,
    store: &SledStore,
    done: Option<&AtomicBool>,
    count: usize,
) -> (Stats, Stats) {
    let call = app.state.call.as_ref().map(|c| c.call.id).expect("a call");
    let typed = "customer says the router drops every evening, walked her through it #wifi ";
    let mut chars = typed.chars().cycle();
    let mut notes = String::new();
    let (mut keys, mut saves) = (Vec::new(), Vec::new());
    let more = |typed: usize| match done {
        Some(done) => !done.load(Ordering::Relaxed),
        None => typed < count,
    };
    while more(keys.len()) {
        let c = chars.next().unwrap_or('x');
        let started = Instant::now();
        app.keystroke_to_frame(KeyCode::Char(c), KeyModifiers::NONE);
        keys.push(started.elapsed());
        notes.push(c);
        if keys.len() % 25 == 0 {
            let started = Instant::now();
            store.save_notes(call, &notes).expect("autosave");
            saves.push(started.elapsed());
        }
        if keys.len() >= 2_000_000 {
            break;
        }
    }
    (stats(keys), stats(saves))
}

fn line(what: &str, s: &Stats) {
    println!(
        "  {what:<38} median {:>9}  p99 {:>9}  ({} samples)",
        show(s.median),
        show(s.p99),
        s.samples
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime"),
    );
    let Some(db) = runtime.block_on(pg::TestDb::create_database("sync typing bench")) else {
        return;
    };
    let calls: usize = std::env::var("FOURROADS_BENCH_SYNC_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");

    // The team's history: a generated workstation joins first.
    let team = open(&dir.path().join("team"));
    let request = GenRequest {
        customers: (calls / 10).max(1),
        calls,
        seed: 1,
        agents: 12,
    };
    generate(&team, &request, &mut |_, _, _| {}).expect("gen");
    let started = Instant::now();
    runtime.block_on(db.init_hub());
    let sent = runtime
        .block_on(sync::join(&team, &db.url, &mut |_| {}))
        .expect("upload");
    println!(
        "history: {calls} calls, {} operations sent in {:.1} s",
        sent.sent,
        started.elapsed().as_secs_f64()
    );
    drop(team);

    // The new workstation: one customer of its own and a call open.
    let here = Arc::new(open(&dir.path().join("here")));
    let one = GenRequest {
        customers: 1,
        calls: 0,
        seed: 2,
        agents: 1,
    };
    generate(here.as_ref(), &one, &mut |_, _, _| {}).expect("one customer");
    let mut app = App::new(Role::Agent);
    app.run(here.as_ref(), vec![Effect::LoadQueue]);
    // An incoming call: it starts whatever the generated customer's contact settings.
    app.press(here.as_ref(), KeyCode::Char('i'));

    let (keys, saves) = type_until(&mut app, here.as_ref(), None, 4_000);
    println!("typing with no sync:");
    line("keystroke → frame", &keys);
    line("notes autosave", &saves);

    // The agent's own login (the app's agent: `common::App`).
    let url = runtime.block_on(db.member("here", "Bench Agent", Role::Agent));
    let done = Arc::new(AtomicBool::new(false));
    let joining = {
        let (here, done, runtime, url) = (here.clone(), done.clone(), runtime.clone(), url);
        std::thread::spawn(move || {
            let started = Instant::now();
            let report = runtime.block_on(sync::join(here.as_ref(), &url, &mut |_| {}));
            done.store(true, Ordering::Relaxed);
            (report.map(|r| r.received), started.elapsed())
        })
    };
    let (keys, saves) = type_until(&mut app, here.as_ref(), Some(&done), 0);
    let (received, took): (Result<u64, _>, Duration) = joining.join().expect("join thread");
    println!(
        "typing while joining ({} operations received in {:.1} s):",
        received.expect("join"),
        took.as_secs_f64()
    );
    line("keystroke → frame", &keys);
    line("notes autosave", &saves);
}
