//! The merge rules' tests, by topic: calls and reviews, customers (fields, merges,
//! erasure), cases (closes and reopens that did not see each other), and properties
//! over random operations. Here: workstations that make operations, and small helpers.

use jiff::civil::date;

use super::*;
use crate::domain::hlc::HlcClock;
use crate::domain::ops::PAYLOAD_VERSION;
use crate::domain::{CallReason, CustomerStatus};

mod calls;
mod cases;
mod customers;
mod hostile;
mod properties;

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
