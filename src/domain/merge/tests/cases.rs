//! Cases: closes and reopens that did not see each other, and the event that settles
//! them.

use jiff::civil::date;

use super::*;

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
