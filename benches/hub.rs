//! Change propagation through the team hub (issue 12, "Measured"): many simulated
//! workstations on loopback, each wrapping up a call now and then (pushing the call and
//! its notes) and listening for everyone else's. A change counts as arrived at another
//! workstation when that workstation's pull returns it, woken by LISTEN/NOTIFY (with a
//! 5 s periodic pull as the fallback, as the app does).
//!
//! Real pace is one wrap-up a minute per agent; the run is sped up by
//! `FOURROADS_BENCH_SPEEDUP` (default 10, so each pushes every 6 s on average, at random)
//! for `FOURROADS_BENCH_SECONDS` (default 60) with `FOURROADS_BENCH_WORKSTATIONS`
//! (default 50). It needs PostgreSQL at `FOURROADS_TEST_DATABASE_URL` and makes (and
//! drops) a database of its own. Each workstation is its own agent's, pushing through
//! their own login (made by `team add`), as a team's workstations do.
//!
//! `FOURROADS_BENCH_PROTECTION=off` takes the hub's protection away first (row-level
//! security off, the trigger that checks every change replaced by one that only keeps the
//! high sequence), to compare with it on.
//!
//! `FOURROADS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench hub`

#[path = "../tests/pg/mod.rs"]
mod pg;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fourroads::domain::call::Role;
use fourroads::domain::hlc::HlcClock;
use fourroads::domain::ops::{Op, PAYLOAD_VERSION, Payload};
use fourroads::domain::{Call, CallReason, Id, Road};
use fourroads::hub::{Hub, Listener, Seen};
use rand::{Rng, SeedableRng};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Shared {
    /// When each change's push started, by (workstation, seq).
    sent: Mutex<HashMap<(Id, u64), Instant>>,
    /// Push start → seen by another workstation, one per (change, other workstation).
    arrivals: Mutex<Vec<Duration>>,
    /// How long each push took.
    pushes: Mutex<Vec<Duration>>,
}

fn wrapped_up_call(id: Id, seq: &mut u64, clock: &mut HlcClock, agent: &str) -> Vec<Op> {
    let now = jiff::Timestamp::now();
    let customer = fourroads::domain::new_id();
    let mut call = Call::new(customer, agent, CallReason::Inbound, now);
    call.ended_at = Some(now);
    call.road = Some(Road::Care);
    let notes = "Customer rang about the discount missing from the bill. Apologised, \
                 applied the credit, confirmed by email. > I have asked three times now \
                 #billing"
        .repeat(3);
    let payloads = [
        Payload::CallNotes {
            customer,
            call: call.id,
            text: notes,
        },
        Payload::CallPut { call },
    ];
    payloads
        .into_iter()
        .map(|payload| {
            *seq += 1;
            Op {
                workstation: id,
                seq: *seq,
                author: agent.into(),
                role: Role::Agent,
                hlc: clock.tick(now.as_millisecond().max(0) as u64),
                payload_version: PAYLOAD_VERSION,
                payload,
            }
        })
        .collect()
}

/// The name of workstation `number`'s agent.
fn agent(number: u64) -> String {
    format!("agent {number}")
}

/// `url`: the workstation's agent's own login.
async fn workstation(url: String, number: u64, shared: Arc<Shared>, run: Duration, mean: f64) {
    let id = fourroads::domain::new_id();
    let agent = agent(number);
    let mut hub = Hub::connect(&url).await.expect("connect");
    hub.register(id).await.expect("register the workstation");
    let mut listener = Listener::connect(&url).await.expect("listen");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(number);
    let mut clock = HlcClock::new(id);
    let mut seq = 0;
    let mut seen = Seen::default();
    let end = tokio::time::Instant::now() + run;
    let next_gap = |rng: &mut rand_chacha::ChaCha8Rng| {
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        Duration::from_secs_f64(-u.ln() * mean)
    };
    let mut next_push = tokio::time::Instant::now() + next_gap(&mut rng);
    let mut fallback = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(end) => break,
            _ = tokio::time::sleep_until(next_push) => {
                let ops = wrapped_up_call(id, &mut seq, &mut clock, &agent);
                let began = Instant::now();
                {
                    let mut sent = shared.sent.lock().expect("sent");
                    for op in &ops {
                        sent.insert((op.workstation, op.seq), began);
                    }
                }
                hub.push(&ops).await.expect("push");
                shared.pushes.lock().expect("pushes").push(began.elapsed());
                next_push = tokio::time::Instant::now() + next_gap(&mut rng);
                continue;
            }
            notice = listener.next() => {
                if notice.is_none() {
                    break;
                }
                listener.drain();
            }
            _ = fallback.tick() => {}
        }
        loop {
            let pulled = hub.pull(&seen, 1000).await.expect("pull");
            let now = Instant::now();
            {
                let sent = shared.sent.lock().expect("sent");
                let mut arrivals = shared.arrivals.lock().expect("arrivals");
                for op in &pulled.ops {
                    // One arrival per wrap-up: its last operation (the call itself).
                    if op.workstation != id
                        && matches!(op.payload, Payload::CallPut { .. })
                        && let Some(began) = sent.get(&(op.workstation, op.seq))
                    {
                        arrivals.push(now.duration_since(*began));
                    }
                }
            }
            seen = pulled.seen;
            if !pulled.more {
                break;
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let Some(db) = pg::TestDb::create_database("hub bench").await else {
            return;
        };
        let workstations = setting("FOURROADS_BENCH_WORKSTATIONS", 50);
        let speedup = setting("FOURROADS_BENCH_SPEEDUP", 10).max(1) as f64;
        let seconds = setting("FOURROADS_BENCH_SECONDS", 60);
        db.init_hub().await;
        let protection = std::env::var("FOURROADS_BENCH_PROTECTION").unwrap_or("on".into());
        if protection == "off" {
            db.strip_protection().await;
        }
        let mut logins = Vec::new();
        for n in 0..workstations {
            logins.push(db.member(&format!("a{n}"), &agent(n), Role::Agent).await);
        }
        let shared = Arc::new(Shared::default());
        let run = Duration::from_secs(seconds);
        let mean = 60.0 / speedup;
        let tasks: Vec<_> = logins
            .into_iter()
            .zip(0..)
            .map(|(url, n)| tokio::spawn(workstation(url, n, shared.clone(), run, mean)))
            .collect();
        for task in tasks {
            task.await.expect("workstation");
        }
        let mut arrivals = shared.arrivals.lock().expect("arrivals").clone();
        let mut pushes = shared.pushes.lock().expect("pushes").clone();
        arrivals.sort();
        pushes.sort();
        println!(
            "hub propagation: {workstations} workstations, one wrap-up per {mean:.1} s each \
             ({speedup}x real pace), {seconds} s, the hub's protection {protection}"
        );
        println!(
            "  pushes {:>6}   p50 {:>9}  p99 {:>9}  max {:>9}",
            pushes.len(),
            ms(percentile(&pushes, 0.5)),
            ms(percentile(&pushes, 0.99)),
            ms(percentile(&pushes, 1.0)),
        );
        println!(
            "  arrivals {:>4}   p50 {:>9}  p99 {:>9}  max {:>9}  (push start → pulled by another)",
            arrivals.len(),
            ms(percentile(&arrivals, 0.5)),
            ms(percentile(&arrivals, 0.99)),
            ms(percentile(&arrivals, 1.0)),
        );
    });
}
