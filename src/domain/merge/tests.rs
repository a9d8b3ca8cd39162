use jiff::civil::date;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::*;
use crate::domain::hlc::HlcClock;
use crate::domain::ops::PAYLOAD_VERSION;
use crate::domain::{CallReason, CustomerStatus, Road};

/// One workstation making operations with its own clock and log.
struct Ws {
    id: Id,
    seq: u64,
    clock: HlcClock,
    author: String,
    role: Role,
}

impl Ws {
    fn new(n: u8, author: &str, role: Role) -> Ws {
        let id = uuid::Uuid::from_bytes([n; 16]);
        Ws {
            id,
            seq: 0,
            clock: HlcClock::new(id),
            author: author.into(),
            role,
        }
    }

    fn op(&mut self, now_ms: u64, payload: Payload) -> Op {
        self.seq += 1;
        Op {
            workstation: self.id,
            seq: self.seq,
            author: self.author.clone(),
            role: self.role,
            hlc: self.clock.tick(now_ms),
            payload_version: PAYLOAD_VERSION,
            payload,
        }
    }

    /// Takes in what another workstation sent (as a sync would).
    fn sees(&mut self, ops: &[&Op], now_ms: u64) {
        for op in ops {
            self.clock.observe(op.hlc, now_ms);
        }
    }
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_763_600_000 + second).unwrap()
}

fn id(n: u8) -> Id {
    uuid::Uuid::from_bytes([0x10, n, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, n])
}

fn create(customer: Id, name: &str) -> Payload {
    Payload::CustomerCreate {
        customer,
        created_at: at(0),
        name: name.into(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: CustomerStatus::New,
        do_not_contact: false,
        history: None,
    }
}

fn call(call_id: Id, customer: Id, agent: &str) -> Call {
    let mut call = Call::new(customer, agent, CallReason::Inbound, at(10));
    call.id = call_id;
    call
}

fn both_orders(ops: &[&Op]) -> Records {
    let forward = materialise(ops.iter().copied());
    let backward = materialise(ops.iter().rev().copied());
    assert_eq!(forward, backward);
    forward
}

#[test]
fn a_call_and_its_notes_change_only_from_the_workstation_that_took_it() {
    let mut agent = Ws::new(1, "priya", Role::Agent);
    let mut other = Ws::new(2, "sam", Role::Agent);
    let (c, k) = (id(1), id(2));
    let make = agent.op(100, create(c, "Ann"));
    let mut taken = call(k, c, "priya");
    taken.sentiment = 1;
    let put = agent.op(200, Payload::CallPut { call: taken });
    let notes = agent.op(
        300,
        Payload::CallNotes {
            customer: c,
            call: k,
            text: "hers".into(),
        },
    );
    other.sees(&[&put], 400);
    let mut forged = call(k, c, "sam");
    forged.sentiment = -2;
    let forged_put = other.op(500, Payload::CallPut { call: forged });
    let forged_notes = other.op(
        600,
        Payload::CallNotes {
            customer: c,
            call: k,
            text: "his".into(),
        },
    );
    let records = both_orders(&[&make, &put, &notes, &forged_put, &forged_notes]);
    assert_eq!(records.calls[&k].agent, "priya");
    assert_eq!(records.calls[&k].sentiment, 1);
    assert_eq!(records.notes[&k], "hers");
    assert_eq!(records.customers[&c].last_contact, Some(at(10)));
}

#[test]
fn reviews_are_per_lead_the_latest_shows_and_a_newer_one_is_unread_again() {
    let mut agent = Ws::new(1, "priya", Role::Agent);
    let mut lead = Ws::new(2, "dana", Role::Lead);
    let mut impostor = Ws::new(3, "sam", Role::Agent);
    let (c, k) = (id(1), id(2));
    let put = agent.op(
        100,
        Payload::CallPut {
            call: call(k, c, "priya"),
        },
    );
    let review = |ws: &mut Ws, now, road, comment: &str| {
        ws.op(
            now,
            Payload::Review {
                customer: c,
                call: k,
                road,
                comment: comment.into(),
                at: at(now as i64),
            },
        )
    };
    let first = review(&mut lead, 200, Road::Care, "good");
    agent.sees(&[&first], 250);
    let ack = agent.op(
        300,
        Payload::Acknowledge {
            customer: c,
            call: k,
            review: first.id(),
            at: at(300),
        },
    );
    let ack_by_other = impostor.op(
        310,
        Payload::Acknowledge {
            customer: c,
            call: k,
            review: first.id(),
            at: at(310),
        },
    );
    let not_a_lead = review(&mut impostor, 900, Road::GoAway, "ignored");

    let records = both_orders(&[&put, &first, &ack, &not_a_lead, &ack_by_other]);
    let shown = records.calls[&k].review.as_ref().unwrap();
    assert_eq!(shown.road, Road::Care);
    assert_eq!(shown.acknowledged_at, Some(at(300)));
    assert_eq!(records.reviews.len(), 1);

    let second = review(&mut lead, 400, Road::Teach, "on reflection");
    let records = both_orders(&[&put, &first, &ack, &second, &ack_by_other]);
    let shown = records.calls[&k].review.as_ref().unwrap();
    assert_eq!(shown.road, Road::Teach);
    assert_eq!(
        shown.acknowledged_at, None,
        "a newer review is unread again"
    );

    let elsewhere = agent.op(
        320,
        Payload::Acknowledge {
            customer: c,
            call: id(3),
            review: first.id(),
            at: at(320),
        },
    );
    let wrong_call = both_orders(&[&put, &first, &elsewhere]);
    let shown = wrong_call.calls[&k].review.as_ref().unwrap();
    assert_eq!(
        shown.acknowledged_at, None,
        "an acknowledgement names its call too"
    );

    let without_agent_ack = both_orders(&[&put, &first, &ack_by_other]);
    let shown = without_agent_ack.calls[&k].review.as_ref().unwrap();
    assert_eq!(
        shown.acknowledged_at, None,
        "only the call's agent acknowledges"
    );
}

#[test]
fn a_customer_field_goes_to_the_latest_stamp_and_every_status_change_stays_in_order() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "sam", Role::Agent);
    let c = id(1);
    let make = a.op(100, create(c, "Ann"));
    b.sees(&[&make], 100);
    // b's wall clock is ahead, so b's change is later by the clock even though it was
    // typed first; arrival order must not matter.
    let from_b = b.op(
        900,
        Payload::CustomerField {
            customer: c,
            change: CustomerField::Name("Ann Lee".into()),
        },
    );
    let from_a = a.op(
        500,
        Payload::CustomerField {
            customer: c,
            change: CustomerField::Name("Anne".into()),
        },
    );
    let status_b = b.op(
        901,
        Payload::CustomerStatus {
            customer: c,
            from: Some(CustomerStatus::New),
            to: CustomerStatus::AtRisk,
            at: at(901),
            by: None,
        },
    );
    let status_a = a.op(
        501,
        Payload::CustomerStatus {
            customer: c,
            from: Some(CustomerStatus::New),
            to: CustomerStatus::Active,
            at: at(501),
            by: None,
        },
    );
    let records = both_orders(&[&from_a, &status_b, &make, &from_b, &status_a]);
    let customer = &records.customers[&c];
    assert_eq!(customer.name, "Ann Lee");
    assert_eq!(customer.status, CustomerStatus::AtRisk);
    let history: Vec<_> = customer.status_history.iter().map(|s| s.to).collect();
    assert_eq!(
        history,
        [
            CustomerStatus::New,
            CustomerStatus::Active,
            CustomerStatus::AtRisk
        ]
    );
}

fn case_setup(agent: &mut Ws) -> (Id, Op) {
    let (c, case) = (id(1), id(3));
    let open = agent.op(
        100,
        Payload::CaseOpen {
            customer: c,
            case,
            opened_by_call: id(2),
            opened_at: at(100),
            summary: "refund".into(),
            due: date(2026, 11, 25),
            owner: String::new(),
            calls: Vec::new(),
            callback_at: None,
        },
    );
    (case, open)
}

fn close(ws: &mut Ws, now: u64, case: Id, seen: &[OpId]) -> Op {
    ws.op(
        now,
        Payload::CaseClose {
            customer: id(1),
            case,
            at: at(now as i64),
            by_call: None,
            note: Some("done".into()),
            follows: seen.first().copied(),
            also_follows: seen.iter().skip(1).copied().collect(),
        },
    )
}

fn reopen(ws: &mut Ws, now: u64, case: Id, seen: &[OpId]) -> Op {
    ws.op(
        now,
        Payload::CaseReopen {
            customer: id(1),
            case,
            at: at(now as i64),
            follows: seen.first().copied(),
            also_follows: seen.iter().skip(1).copied().collect(),
        },
    )
}

#[test]
fn a_close_and_a_reopen_that_did_not_see_each_other_leave_the_case_open() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "dana", Role::Lead);
    let (case, open) = case_setup(&mut a);
    let first_close = close(&mut a, 200, case, &[]);
    b.sees(&[&open, &first_close], 250);
    // Offline from each other: b reopens what it saw closed; a reopens and closes again.
    let reopen_b = reopen(&mut b, 300, case, &[first_close.id()]);
    let reopen_a = reopen(&mut a, 310, case, &[first_close.id()]);
    let close_a = close(&mut a, 2_000, case, &[reopen_a.id()]);
    let all = [&open, &first_close, &reopen_b, &reopen_a, &close_a];
    let records = both_orders(&all);
    let record = &records.cases[&case];
    assert_eq!(record.case.status, CaseStatus::Open);
    assert_eq!(record.case.closed_at, None);
    assert_eq!(record.events.len(), 4, "both show in the history");

    // Once someone who saw the reopen closes it, the case is closed.
    b.sees(&[&reopen_a, &close_a], 2_100);
    let settle = close(&mut b, 2_200, case, &[reopen_b.id()]);
    let records = both_orders(&[&open, &first_close, &reopen_b, &reopen_a, &close_a, &settle]);
    let record = &records.cases[&case].case;
    assert_eq!(record.status, CaseStatus::Closed);
    assert_eq!(record.closed_at, Some(at(2_200)));
}

#[test]
fn two_closes_that_did_not_see_each_other_leave_the_case_closed() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "dana", Role::Lead);
    let (case, open) = case_setup(&mut a);
    b.sees(&[&open], 150);
    let close_a = close(&mut a, 200, case, &[]);
    let close_b = close(&mut b, 210, case, &[]);
    let due = b.op(
        220,
        Payload::CaseDue {
            customer: id(1),
            case,
            due: date(2026, 12, 1),
        },
    );
    let records = both_orders(&[&close_b, &due, &open, &close_a]);
    let record = &records.cases[&case].case;
    assert_eq!(record.status, CaseStatus::Closed);
    assert_eq!(record.closed_at, Some(at(210)), "the latest close is shown");
    assert_eq!(record.due, date(2026, 12, 1));
    let reopened = reopen(&mut a, 300, case, &[close_a.id()]);
    let records = both_orders(&[&close_b, &due, &open, &close_a, &reopened]);
    assert_eq!(records.cases[&case].case.status, CaseStatus::Open);
}

#[test]
fn an_event_after_a_conflict_settles_every_head_it_saw() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "dana", Role::Lead);
    let mut c = Ws::new(3, "omar", Role::Agent);
    let (case, open) = case_setup(&mut a);
    let first_close = close(&mut a, 200, case, &[]);
    b.sees(&[&open, &first_close], 250);
    c.sees(&[&open, &first_close], 250);
    // Three offline changes that did not see each other: two reopens and a close.
    let reopen_b = reopen(&mut b, 300, case, &[first_close.id()]);
    let reopen_c = reopen(&mut c, 310, case, &[first_close.id()]);
    let close_a = close(&mut a, 320, case, &[first_close.id()]);
    let conflict = [&open, &first_close, &reopen_b, &reopen_c, &close_a];
    assert_eq!(
        both_orders(&conflict).cases[&case].case.status,
        CaseStatus::Open
    );
    // A close that names only one of the reopens it saw leaves the other one standing...
    a.sees(&[&reopen_b, &reopen_c], 400);
    let partial = close(&mut a, 500, case, &[reopen_c.id()]);
    let mut ops = conflict.to_vec();
    ops.push(&partial);
    assert_eq!(both_orders(&ops).cases[&case].case.status, CaseStatus::Open);
    // ...and a close that names every head it saw closes the case.
    let settle = close(
        &mut a,
        600,
        case,
        &[reopen_c.id(), reopen_b.id(), close_a.id()],
    );
    let mut ops = conflict.to_vec();
    ops.push(&settle);
    let records = both_orders(&ops);
    let record = &records.cases[&case];
    assert_eq!(record.case.status, CaseStatus::Closed);
    assert_eq!(record.case.closed_at, Some(at(600)));
    assert_eq!(
        record.events.len(),
        5,
        "every close and reopen stays in the history"
    );
    assert_eq!(settle.payload.version(), 3, "naming several needs format 3");
    assert_eq!(close_a.payload.version(), 2, "naming one reads in format 2");
}

fn merge(ws: &mut Ws, now: u64, customer: Id, into: Id) -> Op {
    ws.op(
        now,
        Payload::CustomerMerge {
            customer,
            into,
            at: at(now as i64),
        },
    )
}

#[test]
fn a_merge_files_everything_about_the_duplicate_under_the_kept_customer_wherever_made() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "dana", Role::Lead);
    let (keep, dup) = (id(1), id(2));
    let make_keep = a.op(100, create(keep, "Ann Shore"));
    let make_dup = a.op(101, create(dup, "Ann Shore (dup)"));
    let first = a.op(
        110,
        Payload::CallPut {
            call: call(id(10), dup, "priya"),
        },
    );
    b.sees(&[&make_keep, &make_dup, &first], 120);
    // The lead merges; the agent, offline, takes another call with the duplicate.
    let merged = merge(&mut b, 200, dup, keep);
    let later = a.op(
        210,
        Payload::CallPut {
            call: call(id(11), dup, "priya"),
        },
    );
    let records = both_orders(&[&make_keep, &make_dup, &first, &merged, &later]);
    assert_eq!(records.customers.keys().collect::<Vec<_>>(), [&keep]);
    assert_eq!(records.merged, BTreeMap::from([(dup, keep)]));
    for call in [id(10), id(11)] {
        assert_eq!(records.calls[&call].customer_id, keep, "{call}");
    }
    assert_eq!(
        records.customers[&keep].last_contact,
        Some(records.calls[&id(11)].started_at)
    );
}

#[test]
fn merges_in_a_circle_keep_the_first_and_an_erasure_of_either_erases_both() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let mut b = Ws::new(2, "dana", Role::Lead);
    let (one, two) = (id(1), id(2));
    let made = [
        a.op(100, create(one, "Ann")),
        a.op(101, create(two, "Anne")),
    ];
    b.sees(&[&made[0], &made[1]], 150);
    // Offline from each other, each merges the other way.
    let first = merge(&mut a, 200, two, one);
    let second = merge(&mut b, 210, one, two);
    let records = both_orders(&[&made[0], &made[1], &first, &second]);
    assert_eq!(
        records.merged,
        BTreeMap::from([(two, one)]),
        "the first merge stands"
    );
    assert_eq!(records.customers.keys().collect::<Vec<_>>(), [&one]);
    // Someone who never saw a merge erases the duplicate: the person is gone entirely.
    let erase = b.op(300, Payload::Erase { customer: two });
    let records = both_orders(&[&made[0], &made[1], &first, &second, &erase]);
    assert!(records.customers.is_empty());
    assert_eq!(records.erased, BTreeSet::from([one, two]));
    assert!(records.merged.is_empty());
}

#[test]
fn an_audit_entry_is_never_changed() {
    let mut a = Ws::new(1, "priya", Role::Agent);
    let entry = AuditEntry {
        id: id(9),
        subject: id(2),
        who: "priya".into(),
        role: Role::Agent,
        what: "road".into(),
        old: None,
        new: Some("2".into()),
        reason: String::new(),
        at: at(5),
    };
    let first = a.op(
        100,
        Payload::Audit {
            customer: id(1),
            entry: entry.clone(),
        },
    );
    let mut rewritten = entry.clone();
    rewritten.new = Some("4".into());
    let second = a.op(
        200,
        Payload::Audit {
            customer: id(1),
            entry: rewritten,
        },
    );
    let records = both_orders(&[&second, &first]);
    assert_eq!(records.audit[&id(9)], entry);
}

#[test]
fn erasing_a_customer_leaves_only_the_id_whatever_arrives_after() {
    let mut agent = Ws::new(1, "priya", Role::Agent);
    let mut lead = Ws::new(2, "dana", Role::Lead);
    let (c, k, other) = (id(1), id(2), id(7));
    let (case, open) = case_setup(&mut agent);
    let ops = [
        agent.op(100, create(c, "Ann")),
        agent.op(101, create(other, "Bo")),
        agent.op(
            200,
            Payload::CallPut {
                call: call(k, c, "priya"),
            },
        ),
        agent.op(
            201,
            Payload::CallNotes {
                customer: c,
                call: k,
                text: "private".into(),
            },
        ),
        open,
        close(&mut agent, 300, case, &[]),
    ];
    let erase = lead.op(50, Payload::Erase { customer: c });
    // An offline agent keeps writing about the customer after the erase.
    let late = agent.op(
        9_000,
        Payload::CustomerField {
            customer: c,
            change: CustomerField::Name("Ann again".into()),
        },
    );
    let mut all: Vec<&Op> = ops.iter().collect();
    all.push(&erase);
    all.push(&late);
    let records = both_orders(&all);
    assert_eq!(records.erased, BTreeSet::from([c]));
    assert_eq!(records.customers.keys().collect::<Vec<_>>(), [&other]);
    assert!(records.calls.is_empty() && records.notes.is_empty());
    assert!(records.cases.is_empty() && records.audit.is_empty());

    // What the hub hands out after an erase is only the id; that alone erases too.
    let gone = Op {
        payload: Payload::Gone { customer: c },
        ..ops[2].clone()
    };
    let records = both_orders(&[&ops[0], &ops[1], &ops[2], &gone]);
    assert_eq!(records.erased, BTreeSet::from([c]));
    assert!(records.calls.is_empty());
}

// ---- properties ----------------------------------------------------------------------

/// A small world so that random operations collide often: 3 workstations, 2 customers,
/// 2 calls, 2 cases, wall clocks within a few milliseconds of each other.
fn random_ops() -> impl Strategy<Value = Vec<Op>> {
    let step = (
        0u8..3,
        0u8..11,
        0u8..2,
        0u64..6,
        0u8..4,
        any::<bool>(),
        0u8..8,
    );
    proptest::collection::vec(step, 1..40).prop_map(|steps| {
        let mut team = [
            Ws::new(1, "priya", Role::Agent),
            Ws::new(2, "dana", Role::Lead),
            Ws::new(3, "sam", Role::Agent),
        ];
        let mut made: Vec<Op> = Vec::new();
        let mut now = 0u64;
        for (who, what, which, jump, value, flag, odd) in steps {
            now += jump;
            // Now and then a change names the wrong customer for its call or case (a bug
            // or a forgery elsewhere): it must not reach the other customer's records.
            let customer = if odd == 0 && matches!(what, 4..=6 | 8 | 9) {
                id(2 - which)
            } else {
                id(1 + which)
            };
            let call_id = id(10 + which);
            let case = id(20 + which);
            // The latest one to three earlier events of the case, when `flag`.
            let seen: Vec<OpId> = made
                .iter()
                .rev()
                .filter(|op| {
                    matches!(op.payload, Payload::CaseClose { case: c, .. }
                        | Payload::CaseReopen { case: c, .. } if c == case)
                })
                .filter(|_| flag)
                .take(1 + usize::from(value % 3))
                .map(Op::id)
                .collect();
            let (follows, also_follows) =
                (seen.first().copied(), seen[seen.len().min(1)..].to_vec());
            let last_review = made
                .iter()
                .rev()
                .find(|op| matches!(op.payload, Payload::Review { .. }))
                .map(Op::id);
            let ws = &mut team[who as usize];
            let skew = who as u64 * 2;
            let payload = match what {
                0 => create(customer, ["Ann", "Bo", "Cy", "Di"][value as usize]),
                1 => Payload::CustomerField {
                    customer,
                    change: CustomerField::Name(format!("name {value}")),
                },
                2 => Payload::CustomerStatus {
                    customer,
                    from: None,
                    to: CustomerStatus::ALL[value as usize],
                    at: at(now as i64),
                    by: None,
                },
                3 => Payload::CallPut {
                    call: call(call_id, customer, &ws.author),
                },
                4 => Payload::CallNotes {
                    customer,
                    call: call_id,
                    text: format!("notes {value}"),
                },
                5 => Payload::Review {
                    customer,
                    call: call_id,
                    road: Road::ALL[value as usize],
                    comment: String::new(),
                    at: at(now as i64),
                },
                6 => Payload::Acknowledge {
                    customer,
                    call: call_id,
                    review: last_review.unwrap_or(OpId {
                        workstation: ws.id,
                        seq: 1,
                    }),
                    at: at(now as i64),
                },
                7 => Payload::CaseOpen {
                    customer,
                    case,
                    opened_by_call: call_id,
                    opened_at: at(now as i64),
                    summary: format!("case {value}"),
                    due: date(2026, 11, 20 + value as i8),
                    owner: ws.author.clone(),
                    calls: Vec::new(),
                    callback_at: None,
                },
                8 if flag => Payload::CaseReopen {
                    customer,
                    case,
                    at: at(now as i64),
                    follows,
                    also_follows,
                },
                8 => Payload::CaseClose {
                    customer,
                    case,
                    at: at(now as i64),
                    by_call: None,
                    note: None,
                    follows,
                    also_follows,
                },
                9 => Payload::CaseDue {
                    customer,
                    case,
                    due: date(2026, 12, 1 + value as i8),
                },
                _ if value == 0 => Payload::Erase { customer },
                10 if value == 1 => Payload::CustomerMerge {
                    customer,
                    into: id(2 - which),
                    at: at(now as i64),
                },
                _ => Payload::CustomerField {
                    customer,
                    change: CustomerField::DoNotContact(flag),
                },
            };
            made.push(ws.op(now + skew, payload));
        }
        made
    })
}

proptest! {
    /// Any set of operations, delivered in any order and with duplicates, gives the same
    /// records.
    #[test]
    fn any_order_with_duplicates_converges(ops in random_ops(), seed in any::<u64>()) {
        let reference = materialise(&ops);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut delivered: Vec<&Op> = ops.iter().collect();
        let extra: Vec<&Op> = ops.iter().step_by(2).collect();
        delivered.extend(extra);
        delivered.shuffle(&mut rng);
        prop_assert_eq!(materialise(delivered.iter().copied()), reference);
    }

    /// The operations about each customer (with every customer merged with them),
    /// materialised on their own and put together, are the whole: a store may redo one
    /// customer at a time.
    #[test]
    fn each_customer_materialises_on_its_own(ops in random_ops()) {
        let whole = materialise(&ops);
        let mut groups: Vec<BTreeSet<Id>> = ops
            .iter()
            .map(|op| BTreeSet::from([op.payload.customer()]))
            .collect();
        for op in &ops {
            let linked: BTreeSet<Id> = op.payload.customers().collect();
            let (mut joined, rest): (Vec<_>, Vec<_>) =
                groups.into_iter().partition(|g| !g.is_disjoint(&linked));
            let mut one = linked;
            for group in joined.drain(..) {
                one.extend(group);
            }
            groups = rest;
            groups.push(one);
        }
        let mut parts = Records::default();
        for group in groups {
            let part = materialise(
                ops.iter().filter(|op| op.payload.customers().any(|c| group.contains(&c))),
            );
            parts.customers.extend(part.customers);
            parts.calls.extend(part.calls);
            parts.notes.extend(part.notes);
            parts.reviews.extend(part.reviews);
            parts.cases.extend(part.cases);
            parts.audit.extend(part.audit);
            parts.erased.extend(part.erased);
            parts.merged.extend(part.merged);
        }
        prop_assert_eq!(parts, whole);
    }

    /// A customer merged into another never shows, and nothing is filed under them.
    #[test]
    fn a_merged_customer_is_the_other_one(ops in random_ops()) {
        let records = materialise(&ops);
        for (dup, root) in &records.merged {
            prop_assert_ne!(dup, root);
            prop_assert!(!records.merged.contains_key(root), "a chain ends at one customer");
            prop_assert!(!records.customers.contains_key(dup));
            prop_assert!(records.calls.values().all(|c| c.customer_id != *dup));
            prop_assert!(records.cases.values().all(|c| c.case.customer_id != *dup));
            prop_assert!(records.audit.values().all(|e| e.subject != *dup));
        }
    }

    /// Erasing a customer leaves nothing about them, whatever else happened.
    #[test]
    fn nothing_about_an_erased_customer_survives(ops in random_ops()) {
        let records = materialise(&ops);
        for erased in &records.erased {
            prop_assert!(!records.customers.contains_key(erased));
            prop_assert!(records.calls.values().all(|c| c.customer_id != *erased));
            prop_assert!(records.cases.values().all(|c| c.case.customer_id != *erased));
        }
        for review in records.reviews.values() {
            prop_assert!(!records.erased.contains(&review.customer));
        }
    }

    /// A customer's name is the one with the latest stamp among everything that set it.
    #[test]
    fn the_latest_name_wins(ops in random_ops()) {
        let records = materialise(&ops);
        for (id, customer) in &records.customers {
            let latest = ops
                .iter()
                .filter_map(|op| match &op.payload {
                    Payload::CustomerField { customer, change: CustomerField::Name(n) }
                        if customer == id => Some((op.hlc, n.clone())),
                    _ => None,
                })
                .chain(
                    ops.iter()
                        .filter(|op| matches!(op.payload,
                            Payload::CustomerCreate { customer, .. } if customer == *id))
                        .min_by_key(|op| op.hlc)
                        .and_then(|op| match &op.payload {
                            Payload::CustomerCreate { name, .. } => Some((op.hlc, name.clone())),
                            _ => None,
                        }),
                )
                .max_by_key(|(hlc, _)| *hlc)
                .map(|(_, name)| name);
            prop_assert_eq!(Some(customer.name.clone()), latest);
        }
    }
}
