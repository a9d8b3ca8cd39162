use std::collections::BTreeMap;

use jiff::civil::date;

use super::*;
use crate::domain::hlc::HlcClock;
use crate::domain::merge::materialise;
use crate::domain::ops::{Op, PAYLOAD_VERSION};
use crate::domain::{CallReason, CustomerStatus, NewCustomer, Review, Road};

/// Emits drafts as a store does: a log, a clock, and the two fill-ins.
struct Log {
    ws: Id,
    clock: HlcClock,
    ops: Vec<Op>,
    reviews: BTreeMap<Id, OpId>,
    heads: BTreeMap<Id, OpId>,
}

impl Log {
    fn new() -> Log {
        let ws = uuid::Uuid::from_bytes([7; 16]);
        Log {
            ws,
            clock: HlcClock::new(ws),
            ops: Vec::new(),
            reviews: BTreeMap::new(),
            heads: BTreeMap::new(),
        }
    }

    fn emit(&mut self, draft: Draft) {
        let (author, role) = draft.author.unwrap_or(("priya".into(), Role::Agent));
        let mut payload = draft.payload;
        match &mut payload {
            Payload::Acknowledge { call, review, .. } => *review = self.reviews[call],
            Payload::CaseClose { case, follows, .. }
            | Payload::CaseReopen { case, follows, .. } => *follows = self.heads.get(case).copied(),
            _ => {}
        }
        let seq = self.ops.len() as u64 + 1;
        let id = OpId {
            workstation: self.ws,
            seq,
        };
        match &payload {
            Payload::Review { call, .. } => {
                self.reviews.insert(*call, id);
            }
            Payload::CaseClose { case, .. } | Payload::CaseReopen { case, .. } => {
                self.heads.insert(*case, id);
            }
            _ => {}
        }
        self.ops.push(Op {
            workstation: self.ws,
            seq,
            author,
            role,
            hlc: self.clock.tick(1_000 + seq),
            payload_version: PAYLOAD_VERSION,
            payload,
        });
    }
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_763_600_000 + second).unwrap()
}

/// A customer, a call with a review, a case: every field set, then changed step by
/// step; after each step the operations materialise to exactly the records.
#[test]
fn every_change_materialises_back_to_the_records() {
    let mut log = Log::new();
    let form = NewCustomer {
        name: "Ann Lee".into(),
        phone: "+44 20 7946 0000".into(),
        email: "ann@example.com".into(),
        segment: "home".into(),
        status: "at-risk".into(),
    };
    let mut customer = form.validate(at(0), "priya").unwrap();
    customer.external_id = Some("X-1".into());
    for p in super::customer(None, &customer, at(0)) {
        log.emit(p.into());
    }
    let mut call = Call::new(customer.id, "priya", CallReason::WinBack, at(10));
    call.road = Some(Road::Care);
    call.tags = vec!["billing".into()];
    call.ended_at = Some(at(20));
    call.status_after = Some(CustomerStatus::WonBack);
    for d in super::call(None, &call) {
        log.emit(d);
    }
    customer.last_contact = Some(at(10));
    let before = customer.clone();
    customer.change_status(CustomerStatus::WonBack, at(20), "priya");
    customer.name = "Ann Lee-Smith".into();
    customer.do_not_contact = true;
    for p in super::customer(Some(&before), &customer, at(20)) {
        log.emit(p.into());
    }
    let mut case = Case {
        id: crate::domain::new_id(),
        customer_id: customer.id,
        opened_by_call: call.id,
        opened_at: at(20),
        summary: "refund".into(),
        due: date(2026, 12, 1),
        status: CaseStatus::Open,
        closed_at: None,
        closed_by_call: None,
        close_note: None,
        owner: "priya".into(),
        calls: Vec::new(),
        callback_at: Some(at(500)),
    };
    for p in super::case(None, &case, at(20)) {
        log.emit(p.into());
    }
    let check = |log: &Log, customer: &Customer, call: &Call, case: &Case| {
        let records = materialise(&log.ops);
        assert_eq!(&records.customers[&customer.id], customer);
        assert_eq!(&records.calls[&call.id], call);
        assert_eq!(&records.cases[&case.id].case, case);
    };
    check(&log, &customer, &call, &case);

    // A lead's review, the agent's acknowledgement, a newer review.
    let old = call.clone();
    call.review = Some(Review {
        lead: "dana".into(),
        road: Road::Teach,
        comment: "showed how".into(),
        at: at(30),
        acknowledged_at: None,
    });
    super::call(Some(&old), &call)
        .into_iter()
        .for_each(|d| log.emit(d));
    check(&log, &customer, &call, &case);
    let old = call.clone();
    if let Some(review) = &mut call.review {
        review.acknowledged_at = Some(at(40));
    }
    let drafts = super::call(Some(&old), &call);
    assert_eq!(drafts.len(), 1, "only the acknowledgement: {drafts:?}");
    drafts.into_iter().for_each(|d| log.emit(d));
    check(&log, &customer, &call, &case);

    // The case: a later call, a new owner, due moved, closed, reopened, closed again.
    let second = crate::domain::new_id();
    type Step = Box<dyn Fn(&mut Case)>;
    let steps: Vec<Step> = vec![
        Box::new(move |c| c.calls.push(second)),
        Box::new(|c| c.owner = "sam".into()),
        Box::new(|c| {
            c.due = date(2026, 12, 9);
            c.callback_at = None;
        }),
        Box::new(|c| {
            c.status = CaseStatus::Closed;
            c.closed_at = Some(at(60));
            c.close_note = Some("done".into());
        }),
        Box::new(|c| {
            c.status = CaseStatus::Open;
            c.closed_at = None;
            c.close_note = None;
        }),
        Box::new(move |c| {
            c.status = CaseStatus::Closed;
            c.closed_at = Some(at(80));
            c.closed_by_call = Some(second);
        }),
    ];
    for (n, step) in steps.iter().enumerate() {
        let old = case.clone();
        step(&mut case);
        for p in super::case(Some(&old), &case, at(70 + n as i64)) {
            log.emit(p.into());
        }
        check(&log, &customer, &call, &case);
    }
}

#[test]
fn an_unchanged_record_needs_no_operation() {
    let customer = NewCustomer {
        name: "Bo".into(),
        status: "new".into(),
        ..NewCustomer::default()
    }
    .validate(at(0), "sam")
    .unwrap();
    assert!(super::customer(Some(&customer), &customer, at(1)).is_empty());
    let call = Call::new(customer.id, "sam", CallReason::Inbound, at(1));
    assert!(super::call(Some(&call), &call).is_empty());
}
