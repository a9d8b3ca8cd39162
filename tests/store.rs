//! Store contract tests on real sled in a temporary directory: round trips, and indexes
//! and counters that agree with the records after a sequence of operations.

mod support;

use fourroads::domain::call::Role;
use fourroads::domain::{
    Call, CallReason, CaseStatus, Clock, Customer, CustomerStatus, NewCustomer, Outcome, Review,
    Road,
};
use fourroads::store::{Actor, SledStore, Store, StoreError, demo};
use jiff::{SignedDuration, Timestamp};
use support::fixed_now;

fn customer(name: &str, status: &str) -> Customer {
    NewCustomer {
        name: name.into(),
        status: status.into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now(), "test")
    .unwrap()
}

fn open_temp() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    (dir, store)
}

fn agent(at: Timestamp) -> Actor {
    Actor::agent("Priya", at)
}

#[test]
fn customers_and_notes_round_trip() {
    let (_dir, store) = open_temp();
    let ann = customer("Ann | <b>Ops</b> # *1*", "active");
    store.put_customer(&ann).unwrap();
    assert_eq!(store.customer(ann.id).unwrap(), Some(ann.clone()));
    let call = Call::new(ann.id, "Priya", CallReason::Inbound, fixed_now());
    store.start_call(&call).unwrap();
    store
        .save_notes(call.id, "line one\n> their words ünïcode")
        .unwrap();
    assert_eq!(
        store.notes(call.id).unwrap(),
        "line one\n> their words ünïcode"
    );
    assert_eq!(store.open_call_for(ann.id).unwrap(), Some(call.clone()));
    assert!(store.check_consistency().unwrap().is_empty());
}

#[test]
fn a_sequence_of_operations_keeps_indexes_and_counters_true() {
    let (_dir, store) = open_temp();
    let ann = customer("Ann", "active");
    let bob = customer("Bob", "lost");
    store.put_customer(&ann).unwrap();
    store.put_customer(&bob).unwrap();

    // Ann: a follow-up call, then a resolved one that closes the case.
    let t0 = fixed_now();
    let mut first = Call::new(ann.id, "Priya", CallReason::Inbound, t0);
    store.start_call(&first).unwrap();
    first.road = Some(Road::GoAway);
    store.update_call(&first, &agent(t0)).unwrap();
    first.road = Some(Road::Teach);
    first.outcome = Outcome::FollowUp;
    first.follow_up_due = Some(jiff::civil::date(2026, 11, 24));
    first.ended_at = Some(t0 + SignedDuration::from_mins(5));
    let result = store
        .wrap_up_call(&first, "Router swap #router", &agent(t0))
        .unwrap();
    let case = result.opened_case.expect("a follow-up opens a case");
    assert_eq!(case.summary, "Router swap #router");

    let t1 = t0 + SignedDuration::from_hours(48);
    let mut second = Call::new(ann.id, "Marco", CallReason::FollowUp, t1);
    store.start_call(&second).unwrap();
    second.road = Some(Road::Care);
    second.close_cases = vec![case.id];
    second.ended_at = Some(t1 + SignedDuration::from_mins(3));
    let result = store
        .wrap_up_call(&second, "Router arrived", &agent(t1))
        .unwrap();
    assert_eq!(result.closed_cases, 1);

    // Bob: won back on a call, and reviewed by a lead.
    let mut third = Call::new(bob.id, "Dana", CallReason::WinBack, t1);
    store.start_call(&third).unwrap();
    third.road = Some(Road::Learn);
    third.status_after = Some(CustomerStatus::WonBack);
    third.ended_at = Some(t1 + SignedDuration::from_mins(9));
    let result = store
        .wrap_up_call(&third, "> I only left over the price", &agent(t1))
        .unwrap();
    assert!(result.status_changed);
    third.review = Some(Review {
        lead: "Jordan".into(),
        road: Road::Care,
        comment: "care, not learn".into(),
        at: t1,
        acknowledged_at: None,
    });
    let lead = Actor {
        who: "Jordan".into(),
        role: Role::Lead,
        reason: "nothing changed in the product".into(),
        at: t1,
    };
    store.update_call(&third, &lead).unwrap();

    // An open call left as it is.
    let open = Call::new(
        bob.id,
        "Dana",
        CallReason::Inbound,
        t1 + SignedDuration::from_hours(1),
    );
    store.start_call(&open).unwrap();

    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    let counters = store.counters().unwrap();
    assert_eq!(counters.customers, 2);
    assert_eq!(counters.calls, 4);
    assert_eq!(counters.open_calls, 1);
    assert_eq!(
        counters.by_road,
        [1, 1, 1, 0],
        "Learn (Bob), Care and Teach (Ann)"
    );
    assert_eq!(counters.unreviewed, 2);
    assert_eq!(counters.open_cases, 0);
    assert_eq!(counters.closed_cases, 1);
    assert_eq!(
        counters.by_status[CustomerStatus::WonBack.code() as usize],
        1
    );
    assert_eq!(counters.by_status[CustomerStatus::Lost.code() as usize], 0);

    let bob_now = store.customer(bob.id).unwrap().unwrap();
    assert_eq!(bob_now.status, CustomerStatus::WonBack);
    assert_eq!(bob_now.status_history.len(), 2);
    // Every road change is one audit entry: Go away → Teach on the first call...
    let trail = store.audit_for(first.id).unwrap();
    let roads: Vec<_> = trail
        .iter()
        .map(|e| (e.old.clone(), e.new.clone()))
        .collect();
    assert_eq!(
        roads,
        [
            (None, Some("4 Go away".to_string())),
            (Some("4 Go away".to_string()), Some("3 Teach".to_string()))
        ]
    );
    // ...and the lead's override carries role and reason.
    let lead_entry = store
        .audit_for(third.id)
        .unwrap()
        .into_iter()
        .find(|e| e.what == "lead road")
        .unwrap();
    assert_eq!(lead_entry.role, Role::Lead);
    assert_eq!(lead_entry.reason, "nothing changed in the product");

    let context = store.customer_context(ann.id, 10).unwrap().unwrap();
    assert_eq!(context.history.len(), 2);
    assert_eq!(context.history[0].call.id, second.id, "newest first");
    assert_eq!(context.history[1].first_line, "Router swap #router");
    assert!(context.open_cases.is_empty());
}

#[test]
fn the_store_refuses_what_would_break_the_rules() {
    let (_dir, store) = open_temp();
    let ann = customer("Ann", "new");
    store.put_customer(&ann).unwrap();
    let mut call = Call::new(ann.id, "Priya", CallReason::Inbound, fixed_now());
    store.start_call(&call).unwrap();
    let again = Call::new(ann.id, "Priya", CallReason::Inbound, fixed_now());
    assert!(matches!(store.start_call(&again), Err(StoreError::Rule(_))));
    call.ended_at = Some(fixed_now());
    let no_road = store.wrap_up_call(&call, "", &agent(fixed_now()));
    assert!(matches!(no_road, Err(StoreError::Rule(m)) if m.contains("without a road")));
    call.road = Some(Road::Care);
    store.wrap_up_call(&call, "", &agent(fixed_now())).unwrap();
    let twice = store.wrap_up_call(&call, "", &agent(fixed_now()));
    assert!(matches!(twice, Err(StoreError::Rule(m)) if m.contains("already")));
    assert!(store.check_consistency().unwrap().is_empty());
}

#[test]
fn a_second_open_of_the_same_store_is_refused_with_a_clear_message() {
    let (dir, _store) = open_temp();
    let error =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap_err();
    assert!(matches!(error, StoreError::Locked(_)));
    assert!(
        error
            .to_string()
            .contains("is open in another fourroads window")
    );
}

#[test]
fn store_files_are_owner_only_and_reopen_keeps_data() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let ann = customer("Ann", "new");
    {
        let store = SledStore::open(&path).unwrap();
        store.put_customer(&ann).unwrap();
        store.flush().unwrap();
    }
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    for entry in std::fs::read_dir(path.join("db")).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o077;
        assert_eq!(mode, 0, "{:?} is readable by others", entry.path());
    }
    let store = SledStore::open(&path).unwrap();
    assert_eq!(store.customer(ann.id).unwrap().unwrap().name, "Ann");
}

#[test]
fn the_demo_data_is_rich_enough_and_consistent() {
    let (_dir, store) = open_temp();
    let loaded = demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    assert!(loaded.customers >= 40, "{loaded:?}");
    assert!(loaded.calls >= 150, "{loaded:?}");
    let counters = store.counters().unwrap();
    assert!(
        counters.by_status.iter().all(|n| *n > 0),
        "every status: {counters:?}"
    );
    assert!(
        counters.by_road.iter().all(|n| *n > 0),
        "every road: {counters:?}"
    );
    assert!(
        counters.open_cases > 0 && counters.closed_cases > 0,
        "{counters:?}"
    );
    assert!(
        counters.unreviewed > 0 && counters.unreviewed < counters.calls,
        "{counters:?}"
    );
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    let (entries, skipped) = store.queue_entries().unwrap();
    assert_eq!(skipped, 0);
    let today = Clock::fixed(fixed_now()).today();
    assert!(
        entries
            .iter()
            .any(|e| e.earliest_due.is_some_and(|d| d < today)),
        "an overdue case"
    );
    assert!(entries.iter().any(|e| e.do_not_contact));
    // Four agents.
    let mut agents = std::collections::BTreeSet::new();
    for entry in &entries {
        for summary in store
            .customer_context(entry.customer_id, 100)
            .unwrap()
            .unwrap()
            .history
        {
            agents.insert(summary.call.agent);
        }
    }
    assert_eq!(agents.len(), 4, "{agents:?}");
    let _ = CaseStatus::Open;
}
