//! Workstations for the team tests: temporary stores, a customer, a call taken and
//! wrapped up, a lead, and the check that every store holds the same records (backups
//! identical apart from the header, indexes and counters equal to a recount).

#![allow(dead_code)]

use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, Customer, Id, NewCustomer, Outcome, Road};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::transfer::backup::backup;
use jiff::{SignedDuration, Timestamp};

/// Friday 20 November 2026, 15:00 UTC.
pub fn fixed_now() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

pub fn at(minutes: i64) -> Timestamp {
    fixed_now() + SignedDuration::from_mins(minutes)
}

pub fn open(dir: &tempfile::TempDir, name: &str) -> SledStore {
    SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
}

pub fn customer(name: &str) -> Customer {
    NewCustomer {
        name: name.into(),
        status: "active".into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now(), "Priya")
    .unwrap()
}

/// A call taken and wrapped up on `store` by `agent`.
pub fn take_call(
    store: &SledStore,
    customer: Id,
    agent: &str,
    minutes: i64,
    outcome: Outcome,
) -> Call {
    let mut call = Call::new(customer, agent, CallReason::Inbound, at(minutes));
    store.start_call(&call).unwrap();
    store.save_notes(call.id, "first words").unwrap();
    call.road = Some(Road::Care);
    call.outcome = outcome;
    if outcome == Outcome::FollowUp {
        call.follow_up_due = Some(jiff::civil::date(2026, 11, 27));
    }
    call.ended_at = Some(at(minutes + 5));
    store
        .wrap_up_call(
            &call,
            &format!("{agent} helped #billing"),
            &Actor::agent(agent, at(minutes + 5)),
        )
        .unwrap();
    call
}

pub fn lead(at: Timestamp) -> Actor {
    Actor {
        who: "Dana".into(),
        role: Role::Lead,
        reason: String::new(),
        at,
    }
}

fn lines_after_header(store: &SledStore, dir: &tempfile::TempDir, name: &str) -> Vec<String> {
    let path = dir.path().join(format!("{name}.jsonl"));
    backup(store, &path, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
    lines.pop(); // the checksum covers the header
    lines
}

/// Every store's backup is the first one's, and every store agrees with a recount.
pub fn assert_same(stores: &[&SledStore], dir: &tempfile::TempDir) {
    let first = lines_after_header(stores[0], dir, "first");
    assert!(first.len() > 1);
    for (n, store) in stores.iter().enumerate() {
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
        let lines = lines_after_header(store, dir, &format!("store{n}"));
        let differing: Vec<_> = lines.iter().filter(|l| !first.contains(l)).collect();
        assert!(
            lines == first,
            "store {n} differs from store 0: {} vs {} lines; first differing: {:?}",
            lines.len(),
            first.len(),
            differing.first()
        );
    }
}
