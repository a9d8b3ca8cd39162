//! Customers: a field goes to the latest stamp, status changes all stay, a merge files
//! everything under the kept customer, and an erasure leaves only the id.

use super::*;

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
