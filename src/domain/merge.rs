//! The merge rules of SPEC §12 as one pure function: a set of operations in, records out.
//!
//! `materialise` first makes the input a set (keyed by workstation and sequence number, so
//! a duplicate counts once) and then reads it in stamp order, so the order and the number
//! of times operations arrived can never change the result. The rules:
//! - a call and its notes change only from the workstation that took the call: the one
//!   whose put of the call has the earliest stamp; others' puts and notes are ignored;
//! - a review is per (call, lead) and only a lead's counts; the latest stamp replaces the
//!   earlier, and the call shows the latest of all its reviews; an acknowledgement counts
//!   only for the exact review operation it names and only from the call's agent, so a
//!   newer review shows as unread again;
//! - each customer field is a register: the latest stamp wins; every status change is kept,
//!   in stamp order, and the latest is the status;
//! - a case's closes and reopens are events, each naming the events its author saw that
//!   nothing had followed yet (`follows`). A stamp cannot tell whether one change saw another (two workstations
//!   offline tick on their own), so "saw" is what the event names, transitively. The
//!   *heads* are the events no other event follows: the case is open when it has no
//!   events or when any head is a reopen. A close and a reopen that did not see each other
//!   are both heads, so the case stays open, and both stay in its history;
//! - audit entries are append-only: the first stamp for an entry id is kept;
//! - erasing a customer (or any operation left as only the erased id) wins over everything
//!   about them: nothing about the customer remains but the id in `erased`.
//!
//! Every payload names its customer and the rules are applied to each customer's
//! operations apart, so the operations about one customer materialise to exactly that
//! customer's part of the records: a store can keep its operations by customer and redo
//! one customer when a change about them arrives, rather than everything. (A call's or
//! case's customer is fixed when it is made.)

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::call::{AuditEntry, Role};
use super::case::{Case, CaseStatus};
use super::customer::{Customer, StatusChange};
use super::hlc::Hlc;
use super::ops::{CaseField, CustomerField, Op, OpId, Payload};
use super::{Call, Id, Review};
use build::{case_from, customer_from, placeholder_case};
pub use roots::merge_roots;

/// A lead's latest review of a call, with the operation that made it (what an
/// acknowledgement names).
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRecord {
    pub op: OpId,
    pub customer: Id,
    pub hlc: Hlc,
    pub call: Id,
    pub review: Review,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseEventKind {
    Close,
    Reopen,
}

/// One close or reopen of a case, as it shows in the case's history.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseEvent {
    pub op: OpId,
    pub hlc: Hlc,
    pub kind: CaseEventKind,
    pub who: String,
    pub at: Timestamp,
    pub by_call: Option<Id>,
    pub note: Option<String>,
    /// The earlier events its author saw that nothing had followed yet.
    pub follows: Vec<OpId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseRecord {
    pub case: Case,
    /// Every close and reopen, in stamp order.
    pub events: Vec<CaseEvent>,
}

/// What a set of operations amounts to. A review, notes or a case event shows only with
/// the call or case it belongs to; until that arrives it waits in the operations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    pub customers: BTreeMap<Id, Customer>,
    pub calls: BTreeMap<Id, Call>,
    pub notes: BTreeMap<Id, String>,
    /// Keyed by (call, lead).
    pub reviews: BTreeMap<(Id, String), ReviewRecord>,
    pub cases: BTreeMap<Id, CaseRecord>,
    pub audit: BTreeMap<Id, AuditEntry>,
    /// Customers erased: their ids are all that is left of them.
    pub erased: BTreeSet<Id>,
    /// Customers merged into another: duplicate → the customer they now are.
    pub merged: BTreeMap<Id, Id>,
}

#[derive(Default)]
struct CustomerState {
    created: Option<Timestamp>,
    /// The status the customer was created with (their status while the history is empty).
    initial: Option<super::CustomerStatus>,
    fields: BTreeMap<u8, CustomerField>,
    statuses: Vec<StatusChange>,
}

struct CaseState {
    opened: bool,
    case: Case,
    events: Vec<CaseEvent>,
}

/// The records a set of operations amounts to, whatever their order and duplicates.
pub fn materialise<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Records {
    let set = as_set(ops);
    let roots = merge_roots(set.values().copied());
    let root = |id: Id| roots.get(&id).copied().unwrap_or(id);
    let mut by_customer: BTreeMap<Id, Vec<&Op>> = BTreeMap::new();
    for op in set.into_values() {
        by_customer
            .entry(root(op.payload.customer()))
            .or_default()
            .push(op);
    }
    let mut records = Records::default();
    for (customer, ops) in by_customer {
        let members: BTreeSet<Id> = std::iter::once(customer)
            .chain(
                roots
                    .iter()
                    .filter(|(_, r)| **r == customer)
                    .map(|(m, _)| *m),
            )
            .collect();
        let part = one_customer(customer, &members, ops);
        // Ids are unique across customers; should two customers' operations ever claim
        // the same call or case, the customer with the smaller id keeps it.
        for (id, value) in part.customers {
            records.customers.entry(id).or_insert(value);
        }
        for (id, value) in part.calls {
            records.calls.entry(id).or_insert(value);
        }
        for (id, value) in part.notes {
            records.notes.entry(id).or_insert(value);
        }
        for (key, value) in part.reviews {
            records.reviews.entry(key).or_insert(value);
        }
        for (id, value) in part.cases {
            records.cases.entry(id).or_insert(value);
        }
        for (id, value) in part.audit {
            records.audit.entry(id).or_insert(value);
        }
        records.erased.extend(part.erased);
    }
    records.merged = roots
        .into_iter()
        .filter(|(member, _)| !records.erased.contains(member))
        .collect();
    records
}

/// The records of one customer from the operations about them (each rule only ever looks
/// at one customer's operations, so a change that names another customer's call or case
/// never touches it).
fn one_customer(customer: Id, members: &BTreeSet<Id>, ops: Vec<&Op>) -> Records {
    let erased = ops
        .iter()
        .any(|op| matches!(op.payload, Payload::Erase { .. } | Payload::Gone { .. }));
    if erased {
        // Merged customers are one person: erasing any of them erases them all.
        return Records {
            erased: members.clone(),
            ..Records::default()
        };
    }
    let mut ordered = ops;
    ordered.sort_by_key(|op| (op.hlc, op.id()));

    let mut customers: BTreeMap<Id, CustomerState> = BTreeMap::new();
    let mut calls: BTreeMap<Id, (Id, Call)> = BTreeMap::new();
    let mut notes: BTreeMap<(Id, Id), String> = BTreeMap::new();
    let mut reviews: BTreeMap<(Id, String), ReviewRecord> = BTreeMap::new();
    let mut acks: BTreeMap<OpId, Vec<(Id, String, Timestamp)>> = BTreeMap::new();
    let mut cases: BTreeMap<Id, CaseState> = BTreeMap::new();
    let mut case_dues: BTreeMap<Id, jiff::civil::Date> = BTreeMap::new();
    let mut case_fields: BTreeMap<(Id, u8), CaseField> = BTreeMap::new();
    let mut case_calls: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    let mut audit: BTreeMap<Id, AuditEntry> = BTreeMap::new();

    for op in ordered {
        match &op.payload {
            Payload::CustomerCreate {
                customer,
                created_at,
                name,
                phone,
                email,
                segment,
                external_id,
                status,
                do_not_contact,
                history,
            } => {
                let state = customers.entry(*customer).or_default();
                if state.created.is_some() {
                    continue; // the first creation stands
                }
                state.created = Some(*created_at);
                state.initial = Some(*status);
                for field in [
                    CustomerField::Name(name.clone()),
                    CustomerField::Phone(phone.clone()),
                    CustomerField::Email(email.clone()),
                    CustomerField::Segment(segment.clone()),
                    CustomerField::ExternalId(external_id.clone()),
                    CustomerField::DoNotContact(*do_not_contact),
                ] {
                    state.fields.insert(field.slot(), field);
                }
                let first = match history {
                    Some(history) => history.clone(),
                    None => vec![StatusChange {
                        at: *created_at,
                        from: None,
                        to: *status,
                        by: op.author.clone(),
                    }],
                };
                // The creation's history comes before any change made after it.
                state.statuses.splice(0..0, first);
            }
            Payload::CustomerField { customer, change } => {
                let state = customers.entry(*customer).or_default();
                state.fields.insert(change.slot(), change.clone());
            }
            Payload::CustomerStatus {
                customer,
                from,
                to,
                at,
                by,
            } => {
                customers
                    .entry(*customer)
                    .or_default()
                    .statuses
                    .push(StatusChange {
                        at: *at,
                        from: *from,
                        to: *to,
                        by: by.clone().unwrap_or_else(|| op.author.clone()),
                    });
            }
            Payload::CallPut { call } => {
                let origin = calls.get(&call.id).map(|(origin, _)| *origin);
                if origin.is_none() || origin == Some(op.workstation) {
                    let mut call = call.clone();
                    call.review = None;
                    calls.insert(call.id, (op.workstation, call));
                }
            }
            Payload::CallNotes { call, text, .. } => {
                notes.insert((*call, op.workstation), text.clone());
            }
            Payload::Review {
                customer,
                call,
                road,
                comment,
                at,
                ..
            } => {
                if op.role != Role::Lead {
                    continue;
                }
                let review = Review {
                    lead: op.author.clone(),
                    road: *road,
                    comment: comment.clone(),
                    at: *at,
                    acknowledged_at: None,
                };
                let record = ReviewRecord {
                    op: op.id(),
                    customer: *customer,
                    hlc: op.hlc,
                    call: *call,
                    review,
                };
                reviews.insert((*call, op.author.clone()), record);
            }
            Payload::Acknowledge {
                call, review, at, ..
            } => {
                acks.entry(*review)
                    .or_default()
                    .push((*call, op.author.clone(), *at));
            }
            Payload::CaseOpen {
                customer,
                case,
                opened_by_call,
                opened_at,
                summary,
                due,
                owner,
                calls,
                callback_at,
            } => {
                let state = case_state(&mut cases, *case);
                if state.opened {
                    continue; // the first opening stands
                }
                state.opened = true;
                case_dues.entry(*case).or_insert(*due);
                let record = Case {
                    id: *case,
                    customer_id: *customer,
                    opened_by_call: *opened_by_call,
                    opened_at: *opened_at,
                    summary: summary.clone(),
                    due: *due,
                    status: CaseStatus::Open,
                    closed_at: None,
                    closed_by_call: None,
                    close_note: None,
                    owner: owner.clone(),
                    calls: calls.clone(),
                    callback_at: *callback_at,
                };
                state.case = record;
            }
            Payload::CaseClose {
                case,
                at,
                by_call,
                note,
                ..
            } => case_state(&mut cases, *case).events.push(CaseEvent {
                op: op.id(),
                hlc: op.hlc,
                kind: CaseEventKind::Close,
                who: op.author.clone(),
                at: *at,
                by_call: *by_call,
                note: note.clone(),
                follows: op.payload.follows().collect(),
            }),
            Payload::CaseReopen { case, at, .. } => {
                case_state(&mut cases, *case).events.push(CaseEvent {
                    op: op.id(),
                    hlc: op.hlc,
                    kind: CaseEventKind::Reopen,
                    who: op.author.clone(),
                    at: *at,
                    by_call: None,
                    note: None,
                    follows: op.payload.follows().collect(),
                })
            }
            Payload::CaseDue { case, due, .. } => {
                case_dues.insert(*case, *due);
            }
            Payload::CaseField { case, change, .. } => match change.slot() {
                Some(slot) => {
                    case_fields.insert((*case, slot), change.clone());
                }
                None => {
                    if let CaseField::AddCall(call) = change {
                        case_calls.entry(*case).or_default().push(*call);
                    }
                }
            },
            Payload::Audit { entry, .. } => {
                audit.entry(entry.id).or_insert_with(|| entry.clone());
            }
            Payload::CustomerMerge { .. } | Payload::Erase { .. } | Payload::Gone { .. } => {}
        }
    }

    // What was a merged customer's is now the customer they were merged into.
    let to_root = |id: Id| if members.contains(&id) { customer } else { id };
    for entry in audit.values_mut() {
        entry.subject = to_root(entry.subject);
    }
    let mut records = Records {
        audit,
        ..Records::default()
    };
    for (id, (origin, mut call)) in calls {
        if let Some(text) = notes.remove(&(id, origin)) {
            records.notes.insert(id, text);
        }
        call.customer_id = to_root(call.customer_id);
        records.calls.insert(id, call);
    }
    // A review shows with its call; one whose call has not arrived waits in the operations.
    reviews.retain(|(call, _), _| records.calls.contains_key(call));
    for record in reviews.values_mut() {
        let agent = records
            .calls
            .get(&record.call)
            .map(|call| call.agent.as_str());
        record.review.acknowledged_at = acks.get(&record.op).and_then(|list| {
            list.iter()
                .find(|(call, author, _)| *call == record.call && Some(author.as_str()) == agent)
                .map(|(_, _, at)| *at)
        });
    }
    for (id, call) in records.calls.iter_mut() {
        call.review = reviews
            .range((*id, String::new())..)
            .take_while(|((call, _), _)| call == id)
            .map(|(_, record)| record)
            .max_by_key(|record| record.hlc)
            .map(|record| record.review.clone());
    }
    for record in reviews.values_mut() {
        record.customer = to_root(record.customer);
    }
    records.reviews = reviews;
    for (id, state) in customers {
        let Some(created_at) = state.created else {
            continue; // changes to a customer whose creation has not arrived yet
        };
        if id != customer {
            continue; // merged into `customer`: their fields went with the merge
        }
        records
            .customers
            .insert(id, customer_from(id, created_at, state));
    }
    for call in records.calls.values() {
        if let Some(customer) = records.customers.get_mut(&call.customer_id)
            && customer.last_contact.is_none_or(|at| call.started_at > at)
        {
            customer.last_contact = Some(call.started_at);
        }
    }
    for (id, state) in cases.into_iter().filter(|(_, state)| state.opened) {
        let due = case_dues.get(&id).copied();
        let mut record = case_from(state, due);
        record.case.customer_id = to_root(record.case.customer_id);
        build::apply_case_fields(
            &mut record.case,
            case_fields.range((id, 0)..=(id, u8::MAX)).map(|(_, f)| f),
            case_calls.get(&id).map(Vec::as_slice).unwrap_or_default(),
        );
        records.cases.insert(id, record);
    }
    records
}

/// The operations as a set: one per (workstation, sequence number). Two different
/// operations under one key should never exist; if they do, the choice must not depend on
/// arrival order: what is left of an erased one wins, then the smaller encoding.
fn as_set<'a>(ops: impl IntoIterator<Item = &'a Op>) -> BTreeMap<OpId, &'a Op> {
    let mut set: BTreeMap<OpId, &Op> = BTreeMap::new();
    for op in ops {
        match set.get(&op.id()) {
            Some(kept) if *kept == op || !replaces(op, kept) => {}
            _ => {
                set.insert(op.id(), op);
            }
        }
    }
    set
}

fn replaces(candidate: &Op, kept: &Op) -> bool {
    let gone = |op: &Op| matches!(op.payload, Payload::Gone { .. });
    if gone(candidate) != gone(kept) {
        return gone(candidate);
    }
    let bytes = |op: &Op| rmp_serde::to_vec_named(op).unwrap_or_default();
    bytes(candidate) < bytes(kept)
}

/// A case's state; events stamped before its opening (clocks that disagree, or an opening
/// not yet arrived) wait in a placeholder that the opening fills in.
fn case_state(cases: &mut BTreeMap<Id, CaseState>, case: Id) -> &mut CaseState {
    cases.entry(case).or_insert_with(|| CaseState {
        opened: false,
        case: placeholder_case(case),
        events: Vec::new(),
    })
}

mod build;
mod roots;
#[cfg(test)]
mod tests;
