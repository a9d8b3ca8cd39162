//! The cost of the hub's protection on an upload (issue 19, "Measured"): a store's whole
//! history pushed into an empty hub in the sync's batches, timed push by push, three
//! ways: by a member's own login (forced row-level security and the trigger that checks
//! every change), by the hub's owner (the trigger; the owner's policies let anything
//! through), and with the protection taken away (no row-level security, a trigger that
//! only keeps each workstation's high sequence: what a push cost before the hub checked
//! anything). Covering the store's records with operations, once, is not timed.
//!
//! `FOURROADS_BENCH_STORE=PATH` uploads that store (made by `fourroads gen`; it is joined
//! to throwaway hubs, so use a copy); without it a store of `FOURROADS_BENCH_CALLS`
//! (default 20,000) generated calls is made in a temporary folder.
//! `FOURROADS_BENCH_MODES=member,owner,off` picks the runs.
//!
//! `FOURROADS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench hub_push`

#[path = "../tests/pg/mod.rs"]
mod pg;

use std::time::{Duration, Instant};

use fourroads::domain::call::Role;
use fourroads::hub::Hub;
use fourroads::store::SledStore;
use fourroads::sync::BATCH;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One upload of the whole store; returns (operations, push time, p50, p99 of a batch).
async fn upload(
    store: &SledStore,
    db: &pg::TestDb,
    mode: &str,
) -> (u64, Duration, Duration, Duration) {
    db.init_hub().await;
    let (url, as_member) = match mode {
        "member" => (db.member("uploader", "Uploader", Role::Lead).await, true),
        "owner" => (db.url.clone(), false),
        _ => {
            db.strip_protection().await;
            (db.url.clone(), false)
        }
    };
    // A new hub for the store: everything is sent from its first operation.
    store.join_hub(&url).unwrap();
    let mut hub = Hub::connect(&url).await.unwrap();
    hub.register(store.workstation().unwrap()).await.unwrap();
    let mut batches = Vec::new();
    let mut total = Duration::ZERO;
    let mut count = 0u64;
    loop {
        let mut ops = store.unsent_ops(BATCH).unwrap();
        if ops.is_empty() {
            break;
        }
        if as_member {
            // A member's login pushes only their own name and role (the hub says so).
            for op in &mut ops {
                op.author = "Uploader".into();
                op.role = Role::Lead;
            }
        }
        let began = Instant::now();
        hub.push(&ops).await.expect("push");
        let took = began.elapsed();
        batches.push(took);
        total += took;
        count += ops.len() as u64;
        store.mark_sent(&ops).unwrap();
    }
    batches.sort();
    let at = |q: f64| batches[((batches.len() - 1) as f64 * q) as usize];
    (count, total, at(0.5), at(0.99))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().unwrap();
    let store = match std::env::var("FOURROADS_BENCH_STORE") {
        Ok(path) => SledStore::open(std::path::Path::new(&path)).expect("open the store"),
        Err(_) => {
            let calls = setting("FOURROADS_BENCH_CALLS", 20_000) as usize;
            let store = SledStore::open(&dir.path().join("store")).unwrap();
            let request = fourroads::transfer::generate::GenRequest {
                customers: calls / 10,
                calls,
                seed: 1,
                agents: 12,
            };
            fourroads::transfer::generate::generate(&store, &request, &mut |_, _, _| {})
                .expect("generate");
            store
        }
    };
    let began = Instant::now();
    store.cover_records(&mut |_, _| {}).unwrap();
    println!(
        "covered the store's records in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    let modes = std::env::var("FOURROADS_BENCH_MODES").unwrap_or("member,owner,off".into());
    runtime.block_on(async {
        for mode in modes.split(',') {
            let Some(db) = pg::TestDb::create_database("hub push bench").await else {
                return;
            };
            let (ops, total, p50, p99) = upload(&store, &db, mode).await;
            println!(
                "upload as {mode:>6}: {ops} operations in {:.1} s ({:.0} a second); \
                 a batch of {BATCH}: p50 {:.0} ms, p99 {:.0} ms",
                total.as_secs_f64(),
                ops as f64 / total.as_secs_f64(),
                p50.as_secs_f64() * 1000.0,
                p99.as_secs_f64() * 1000.0
            );
        }
    });
}
