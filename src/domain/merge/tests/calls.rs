//! Calls, their notes, reviews and audit entries: who may change them, and which
//! version shows.

use super::*;
use crate::domain::Road;

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
