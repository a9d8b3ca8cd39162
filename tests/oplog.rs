//! The store's operation log without a hub: stores exchange their operations through an
//! in-memory stand-in for the hub (what it keeps is what the hub keeps: every operation
//! once, an erased customer's as only the id), and every store that has seen the same
//! operations holds the same records, with indexes and counters equal to a recount.

mod team;

use std::collections::BTreeMap;

use fourroads::domain::ops::{Op, Payload};
use fourroads::domain::{Call, CallReason, CaseStatus, Clock, Id, Outcome, Road};
use fourroads::store::{Actor, ReviewQuery, SledStore, Store, demo};
use fourroads::transfer::backup::{backup, restore};
use team::{assert_same, at, customer, fixed_now, lead, open, take_call};

/// What the hub would hold.
#[derive(Default)]
struct MemoryHub {
    ops: BTreeMap<(Id, u64), Op>,
}

impl MemoryHub {
    fn push(&mut self, ops: &[Op]) {
        for op in ops {
            let erased = self.ops.values().any(|o| {
                matches!(o.payload, Payload::Erase { customer } if customer == op.payload.customer())
            });
            let mut op = op.clone();
            if erased && !matches!(op.payload, Payload::Erase { .. }) {
                op.payload = Payload::Gone {
                    customer: op.payload.customer(),
                };
            }
            if let Payload::Erase { customer } = op.payload {
                for kept in self.ops.values_mut() {
                    if kept.payload.customer() == customer
                        && !matches!(kept.payload, Payload::Erase { .. })
                    {
                        kept.payload = Payload::Gone { customer };
                    }
                }
            }
            self.ops.entry((op.workstation, op.seq)).or_insert(op);
        }
    }

    /// One sync of `store`, as `sync::sync_once` does it.
    fn sync(&mut self, store: &SledStore) {
        store.flush_dirty_notes().unwrap();
        store.cover_records(&mut |_, _| {}).unwrap();
        loop {
            let ops = store.unsent_ops(50).unwrap();
            if ops.is_empty() {
                break;
            }
            self.push(&ops);
            store.mark_sent(&ops).unwrap();
        }
        let mut seen = store.seen().unwrap();
        let new: Vec<Op> = self
            .ops
            .values()
            .filter(|op| op.seq > seen.get(&op.workstation).copied().unwrap_or(0))
            .cloned()
            .collect();
        for op in &new {
            let at = seen.entry(op.workstation).or_default();
            *at = (*at).max(op.seq);
        }
        store.store_remote_ops(&new, &seen).unwrap();
        store.redo_pending(&mut |_, _| {}).unwrap();
    }
}

#[test]
fn a_demo_store_uploads_and_a_new_store_gets_exactly_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(&dir, "a");
    demo::load(&a, &Clock::fixed(fixed_now())).unwrap();
    let b = open(&dir, "b");
    let mut hub = MemoryHub::default();
    hub.sync(&a);
    hub.sync(&b);
    assert_eq!(b.counters().unwrap(), a.counters().unwrap());
    assert_same(&[&a, &b], &dir);
}

#[test]
fn a_restored_store_covers_its_records_with_operations_when_it_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let alone = open(&dir, "alone");
    demo::load(&alone, &Clock::fixed(fixed_now())).unwrap();
    let file = dir.path().join("alone.jsonl");
    backup(&alone, &file, fixed_now()).unwrap();
    let mut restored = open(&dir, "restored");
    restore(&mut restored, &file, false).unwrap();
    assert!(
        restored.all_ops().unwrap().is_empty(),
        "a restore has no operations"
    );
    let other = open(&dir, "other");
    let mut hub = MemoryHub::default();
    hub.sync(&restored);
    hub.sync(&other);
    assert_eq!(other.counters().unwrap().calls, 170);
    assert_same(&[&restored, &other, &alone], &dir);
}

#[test]
fn offline_edits_on_three_stores_converge_and_each_conflict_ends_as_the_rules_say() {
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam, dana) = (open(&dir, "priya"), open(&dir, "sam"), open(&dir, "dana"));
    let mut hub = MemoryHub::default();
    let ann = customer("Ann");
    let bob = customer("Bob");
    priya.put_customer(&ann).unwrap();
    priya.put_customer(&bob).unwrap();
    // Priya opens a case for Ann with a follow-up.
    let first = take_call(&priya, ann.id, "Priya", 0, Outcome::FollowUp);
    for store in [&priya, &sam, &dana] {
        hub.sync(store);
    }
    let case = sam
        .cases_of(ann.id)
        .unwrap()
        .pop()
        .expect("the case reached Sam");
    assert_eq!(case.opened_by_call, first.id);

    // Offline: Sam renames Ann and reopens nothing yet; Dana (lead) closes the case and
    // reviews Priya's call; Priya renames Ann later, and Sam takes a call for Bob.
    let mut renamed = sam.customer(ann.id).unwrap().unwrap();
    renamed.name = "Ann Sam".into();
    sam.put_customer(&renamed).unwrap();
    dana.close_case(case.id, "sorted by phone", &lead(at(30)))
        .unwrap();
    dana.review_call(first.id, Road::Teach, "showed how", &lead(at(31)))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3));
    let mut renamed = priya.customer(ann.id).unwrap().unwrap();
    renamed.name = "Ann Priya".into();
    priya.put_customer(&renamed).unwrap();
    let bobs = take_call(&sam, bob.id, "Sam", 40, Outcome::Resolved);
    // Priya types notes in an open call that must survive every sync.
    let open_call = Call::new(bob.id, "Priya", CallReason::Inbound, at(50));
    priya.start_call(&open_call).unwrap();
    priya.save_notes(open_call.id, "typing…").unwrap();

    // Syncs in a scrambled order, twice over.
    for store in [&dana, &sam, &priya, &sam, &dana, &priya] {
        hub.sync(store);
    }
    priya.save_notes(open_call.id, "typing… more").unwrap();
    for store in [&priya, &dana, &sam] {
        hub.sync(store);
    }
    assert_eq!(priya.notes(open_call.id).unwrap(), "typing… more");
    assert_eq!(dana.notes(open_call.id).unwrap(), "typing… more");

    // The latest rename wins everywhere.
    for store in [&priya, &sam, &dana] {
        assert_eq!(store.customer(ann.id).unwrap().unwrap().name, "Ann Priya");
        let closed = store.cases_of(ann.id).unwrap().pop().unwrap();
        assert_eq!(closed.status, CaseStatus::Closed);
        assert_eq!(closed.close_note.as_deref(), Some("sorted by phone"));
        let reviewed = store.call(first.id).unwrap().unwrap();
        assert_eq!(reviewed.review.as_ref().map(|r| r.road), Some(Road::Teach));
    }
    // The lead sees Sam's call in the review list.
    let page = dana
        .review_page(
            &ReviewQuery::period(
                jiff::civil::date(2026, 11, 1),
                jiff::civil::date(2026, 11, 30),
            ),
            None,
            50,
        )
        .unwrap();
    assert!(page.rows.iter().any(|row| row.call.id == bobs.id));
    // Priya acknowledges the review; it reaches the lead.
    priya
        .acknowledge_review(first.id, &Actor::agent("Priya", at(60)))
        .unwrap();
    for store in [&priya, &dana, &sam] {
        hub.sync(store);
    }
    let seen = dana.call(first.id).unwrap().unwrap().review.unwrap();
    assert_eq!(seen.acknowledged_at, Some(at(60)));

    // A close and a reopen that did not see each other leave the case open, and both
    // show in the audit trail; a later close (having seen both) closes it.
    let case = priya.cases_of(ann.id).unwrap().pop().unwrap();
    priya
        .reopen_case(case.id, &Actor::agent("Priya", at(70)))
        .unwrap();
    sam.reopen_case(case.id, &Actor::agent("Sam", at(70)))
        .unwrap();
    dana.set_case_due(case.id, jiff::civil::date(2026, 12, 1), &lead(at(70)))
        .ok();
    hub.sync(&priya);
    hub.sync(&sam);
    let again = sam.cases_of(ann.id).unwrap().pop().unwrap();
    assert_eq!(again.status, CaseStatus::Open);
    sam.close_case(case.id, "done now", &Actor::agent("Sam", at(80)))
        .unwrap();
    priya
        .close_case(case.id, "done here too", &Actor::agent("Priya", at(80)))
        .unwrap();
    hub.sync(&sam);
    hub.sync(&priya);
    dana.reopen_case(case.id, &lead(at(81)))
        .unwrap_or_else(|e| panic!("{e}"));
    priya
        .reopen_case(case.id, &Actor::agent("Priya", at(81)))
        .ok();
    hub.sync(&dana);
    for store in [&priya, &sam, &dana] {
        hub.sync(store);
    }
    let settled = dana.cases_of(ann.id).unwrap().pop().unwrap();
    assert_eq!(
        settled.status,
        CaseStatus::Open,
        "a reopen nobody saw keeps it open"
    );
    let audit = dana.audit_for(case.id).unwrap();
    assert!(
        audit
            .iter()
            .filter(|e| e.new.as_deref() == Some("open"))
            .count()
            >= 2
    );
    assert_same(&[&priya, &sam, &dana], &dir);
}

#[test]
fn erasing_on_one_store_reaches_every_store_and_leaves_only_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (open(&dir, "a"), open(&dir, "b"));
    let mut hub = MemoryHub::default();
    let ann = customer("Ann Erasable");
    let keep = customer("Kept");
    a.put_customer(&ann).unwrap();
    a.put_customer(&keep).unwrap();
    take_call(&a, ann.id, "Priya", 0, Outcome::FollowUp);
    take_call(&a, keep.id, "Priya", 10, Outcome::Resolved);
    hub.sync(&a);
    hub.sync(&b);
    assert!(b.customer(ann.id).unwrap().is_some());
    // B, offline, takes another call for Ann before it hears of the erasure.
    take_call(&b, ann.id, "Sam", 20, Outcome::Resolved);
    a.erase_customer(ann.id).unwrap().unwrap();
    hub.sync(&a);
    hub.sync(&b);
    hub.sync(&a);
    for store in [&a, &b] {
        assert_eq!(store.customer(ann.id).unwrap(), None);
        assert!(store.search("Erasable", 10).unwrap().customers.is_empty());
        for op in store.all_ops().unwrap() {
            if op.payload.customer() == ann.id {
                assert!(
                    matches!(op.payload, Payload::Gone { .. } | Payload::Erase { .. }),
                    "{op:?}"
                );
            }
        }
    }
    for op in hub.ops.values() {
        if op.payload.customer() == ann.id {
            assert!(matches!(
                op.payload,
                Payload::Gone { .. } | Payload::Erase { .. }
            ));
        }
    }
    assert_eq!(b.counters().unwrap().customers, 1);
    assert_same(&[&a, &b], &dir);
}

#[test]
fn autosave_emits_nothing_and_the_notes_travel_once_at_the_sync() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(&dir, "a");
    let ann = customer("Ann");
    a.put_customer(&ann).unwrap();
    let call = Call::new(ann.id, "Priya", CallReason::Inbound, at(0));
    a.start_call(&call).unwrap();
    let before = a.all_ops().unwrap().len();
    for n in 0..20 {
        a.save_notes(call.id, &"x".repeat(n)).unwrap();
    }
    assert_eq!(
        a.all_ops().unwrap().len(),
        before,
        "no operation per autosave"
    );
    assert_eq!(a.flush_dirty_notes().unwrap(), 1);
    assert_eq!(a.flush_dirty_notes().unwrap(), 0);
    let notes: Vec<_> = a
        .all_ops()
        .unwrap()
        .into_iter()
        .filter(|op| matches!(op.payload, Payload::CallNotes { .. }))
        .collect();
    assert_eq!(notes.len(), 1);
}

#[test]
fn records_without_operations_stay_uncovered_through_a_rewrite_and_go_up_at_the_sync() {
    let dir = tempfile::tempdir().unwrap();
    let alone = open(&dir, "alone");
    let ann = customer("Ann Restored");
    alone.put_customer(&ann).unwrap();
    take_call(&alone, ann.id, "Priya", 0, Outcome::FollowUp);
    let file = dir.path().join("alone.jsonl");
    backup(&alone, &file, fixed_now()).unwrap();
    let mut restored = open(&dir, "restored");
    restore(&mut restored, &file, false).unwrap();
    // A rewrite into a fresh store (as `demo --force` and erase do) keeps it uncovered.
    let bob = customer("Bob Added");
    fourroads::transfer::staging::replace(&mut restored, true, |fresh| fresh.put_customer(&bob))
        .unwrap();
    let other = open(&dir, "other");
    let mut hub = MemoryHub::default();
    hub.sync(&restored);
    hub.sync(&other);
    assert!(
        other.customer(ann.id).unwrap().is_some(),
        "the restored customer went up"
    );
    assert!(other.customer(bob.id).unwrap().is_some());
    assert_same(&[&restored, &other], &dir);
}

/// Random edits on three stores (renames, calls, reviews, case closes, reopens and new
/// due dates, status changes) with syncs in between in a random order: after everyone
/// has synced twice, every store holds the same records.
#[test]
fn random_edits_and_syncs_converge() {
    use fourroads::domain::CustomerStatus;
    use rand::{Rng, SeedableRng};
    for seed in 0..8u64 {
        let dir = tempfile::tempdir().unwrap();
        let stores = [open(&dir, "a"), open(&dir, "b"), open(&dir, "c")];
        let agents = ["Priya", "Sam", "Dana"];
        let mut hub = MemoryHub::default();
        let people: Vec<_> = (0..3).map(|n| customer(&format!("Person {n}"))).collect();
        for person in &people {
            stores[0].put_customer(person).unwrap();
        }
        for store in &stores {
            hub.sync(store);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for step in 0..60i64 {
            let at_store = rng.random_range(0..3);
            let store = &stores[at_store];
            let person = people[rng.random_range(0..people.len())].id;
            let who = agents[at_store];
            let actor = if at_store == 2 {
                lead(at(step))
            } else {
                Actor::agent(who, at(step))
            };
            match rng.random_range(0..7) {
                0 => {
                    if let Some(mut c) = store.customer(person).unwrap() {
                        c.name = format!("Name {seed}-{step}");
                        store.put_customer(&c).unwrap();
                    }
                }
                1 if at_store < 2 => {
                    if store.open_call_for(person).unwrap().is_none() {
                        let outcome = if rng.random_bool(0.5) {
                            Outcome::FollowUp
                        } else {
                            Outcome::Resolved
                        };
                        take_call(store, person, who, step * 10, outcome);
                    }
                }
                2 => {
                    if let Some(case) = store.cases_of(person).unwrap().pop() {
                        let _ = match case.status {
                            CaseStatus::Open => store.close_case(case.id, "done", &actor),
                            CaseStatus::Closed => store.reopen_case(case.id, &actor),
                        };
                    }
                }
                3 => {
                    if let Some(case) = store.cases_of(person).unwrap().pop() {
                        let due = jiff::civil::date(2026, 12, 1 + (step % 20) as i8);
                        let _ = store.set_case_due(case.id, due, &actor);
                    }
                }
                4 if at_store == 2 => {
                    let calls = store
                        .customer_context(person, 5)
                        .unwrap()
                        .map(|c| c.history)
                        .unwrap_or_default();
                    if let Some(summary) = calls.first() {
                        let _ = store.review_call(summary.call.id, Road::Teach, "why", &actor);
                    }
                }
                5 => {
                    if let Some(mut c) = store.customer(person).unwrap() {
                        let to = CustomerStatus::ALL[rng.random_range(0..5)];
                        c.change_status(to, at(step), who);
                        store.put_customer(&c).unwrap();
                    }
                }
                _ => hub.sync(store),
            }
        }
        for _ in 0..2 {
            for store in &stores {
                hub.sync(store);
            }
        }
        assert_same(&[&stores[0], &stores[1], &stores[2]], &dir);
    }
}

#[test]
fn a_do_not_contact_reason_and_its_clearing_reach_the_other_store() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (open(&dir, "a"), open(&dir, "b"));
    let ann = customer("Ann");
    a.put_customer(&ann).unwrap();
    let mut hub = MemoryHub::default();
    hub.sync(&a);
    hub.sync(&b);
    a.set_do_not_contact(ann.id, Some("asked not to be called"), &lead(at(60)))
        .unwrap();
    hub.sync(&a);
    hub.sync(&b);
    let there = b.customer(ann.id).unwrap().unwrap();
    assert!(there.do_not_contact);
    let note = there.do_not_contact_note.expect("the reason travelled");
    assert_eq!(note.reason, "asked not to be called");
    assert_same(&[&a, &b], &dir);
    a.set_do_not_contact(ann.id, None, &lead(at(120))).unwrap();
    hub.sync(&a);
    hub.sync(&b);
    let there = b.customer(ann.id).unwrap().unwrap();
    assert!(!there.do_not_contact);
    assert_eq!(there.do_not_contact_note, None);
    assert_same(&[&a, &b], &dir);
}

#[test]
fn a_merge_on_a_store_in_a_team_is_one_operation_naming_both_customers() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(&dir, "a");
    let (ann, dup) = (customer("Ann"), customer("Ann B"));
    a.put_customer(&ann).unwrap();
    a.put_customer(&dup).unwrap();
    a.set_hub_url(Some("postgres://hub.example/team")).unwrap();
    let before = a.all_ops().unwrap().len();
    a.merge_customers(dup.id, ann.id, &lead(at(60))).unwrap();
    assert!(a.customer(dup.id).unwrap().is_none());
    let ops = a.all_ops().unwrap();
    let merges: Vec<_> = ops[before..]
        .iter()
        .filter(|op| matches!(op.payload, Payload::CustomerMerge { .. }))
        .collect();
    assert_eq!(merges.len(), 1, "{:?}", &ops[before..]);
    assert_eq!(
        merges[0].payload,
        Payload::CustomerMerge {
            customer: dup.id,
            into: ann.id,
            at: at(60)
        }
    );
    assert_eq!(
        merges[0].payload_version, 3,
        "older workstations refuse it, not misread it"
    );
    // Merging again, or the other way round, finds no duplicate to merge.
    assert!(a.merge_customers(dup.id, ann.id, &lead(at(70))).is_err());
    assert!(a.merge_customers(ann.id, dup.id, &lead(at(70))).is_err());
    assert_eq!(
        a.all_ops().unwrap().len(),
        ops.len(),
        "a refusal records nothing"
    );
}
