//! The operations that take a record from one version to the next: what a store emits
//! when it writes a record "by difference", and what it synthesises for records that no
//! operation covers yet (a store that worked alone before it joined a team).
//!
//! The aim is that `merge::materialise` of the operations gives back the new record:
//! every field of a customer, call and case travels. Two things are filled in by the
//! store because only it knows them: the review operation an acknowledgement names, and
//! the close or reopen a case event follows (both are left as `OpId::PENDING` / `None`
//! here).

use jiff::Timestamp;

use super::{CaseField, CustomerField, OpId, Payload};
use crate::domain::call::Role;
use crate::domain::{Call, Case, CaseStatus, Customer, Id};

impl OpId {
    /// Stands for "the review this call shows now" until the store fills it in.
    pub const PENDING: OpId = OpId {
        workstation: Id::nil(),
        seq: 0,
    };
}

/// One operation to emit. `author` is set when the change is made in someone else's
/// name (a review is the lead's, its acknowledgement the call's agent's); otherwise the
/// operation is the acting person's.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub author: Option<(String, Role)>,
    pub payload: Payload,
}

impl From<Payload> for Draft {
    fn from(payload: Payload) -> Draft {
        Draft {
            author: None,
            payload,
        }
    }
}

/// The operations from `old` (`None`: a new customer) to `new`. `last_contact` is not a
/// field: it follows from the calls.
pub fn customer(old: Option<&Customer>, new: &Customer, now: Timestamp) -> Vec<Payload> {
    let Some(old) = old else {
        let mut ops = vec![Payload::CustomerCreate {
            customer: new.id,
            created_at: new.created_at,
            name: new.name.clone(),
            phone: new.phone.clone(),
            email: new.email.clone(),
            segment: new.segment.clone(),
            external_id: new.external_id.clone(),
            status: new.status,
            do_not_contact: new.do_not_contact,
            history: Some(new.status_history.clone()),
        }];
        // What a create does not carry travels as fields of its own.
        if new.do_not_contact_note.is_some() {
            ops.push(Payload::CustomerField {
                customer: new.id,
                change: CustomerField::DoNotContactNote(new.do_not_contact_note.clone()),
            });
        }
        if !new.merged.is_empty() {
            ops.push(Payload::CustomerField {
                customer: new.id,
                change: CustomerField::Merged(new.merged.clone()),
            });
        }
        return ops;
    };
    let mut ops = Vec::new();
    let fields = |c: &Customer| {
        [
            CustomerField::Name(c.name.clone()),
            CustomerField::Phone(c.phone.clone()),
            CustomerField::Email(c.email.clone()),
            CustomerField::Segment(c.segment.clone()),
            CustomerField::ExternalId(c.external_id.clone()),
            CustomerField::DoNotContact(c.do_not_contact),
            CustomerField::DoNotContactNote(c.do_not_contact_note.clone()),
            CustomerField::Merged(c.merged.clone()),
        ]
    };
    for (before, after) in fields(old).into_iter().zip(fields(new)) {
        if before != after {
            ops.push(Payload::CustomerField {
                customer: new.id,
                change: after,
            });
        }
    }
    if new.status_history.starts_with(&old.status_history) {
        for change in &new.status_history[old.status_history.len()..] {
            ops.push(Payload::CustomerStatus {
                customer: new.id,
                from: change.from,
                to: change.to,
                at: change.at,
                by: Some(change.by.clone()),
            });
        }
    }
    let recorded = new.status_history.last().map(|c| c.to);
    if new.status != old.status && recorded != Some(new.status) {
        // A status set without a history entry: the change still travels.
        ops.push(Payload::CustomerStatus {
            customer: new.id,
            from: Some(old.status),
            to: new.status,
            at: now,
            by: None,
        });
    }
    ops
}

/// The call without its review, as a call's own operations carry it.
fn own_part(call: &Call) -> Call {
    Call {
        review: None,
        ..call.clone()
    }
}

/// The operations from `old` (`None`: a new call) to `new`: the call itself when any of
/// its own fields changed, and the lead's review and the agent's acknowledgement.
pub fn call(old: Option<&Call>, new: &Call) -> Vec<Draft> {
    let mut drafts = Vec::new();
    if old.is_none_or(|old| own_part(old) != own_part(new)) {
        drafts.push(
            Payload::CallPut {
                call: own_part(new),
            }
            .into(),
        );
    }
    let before = old.and_then(|c| c.review.as_ref());
    let Some(review) = &new.review else {
        return drafts;
    };
    let acknowledge = |at: Timestamp| Draft {
        author: Some((new.agent.clone(), Role::Agent)),
        payload: Payload::Acknowledge {
            customer: new.customer_id,
            call: new.id,
            review: OpId::PENDING,
            at,
        },
    };
    let same_review = before.is_some_and(|b| {
        b.lead == review.lead
            && b.road == review.road
            && b.comment == review.comment
            && b.at == review.at
    });
    if !same_review {
        drafts.push(Draft {
            author: Some((review.lead.clone(), Role::Lead)),
            payload: Payload::Review {
                customer: new.customer_id,
                call: new.id,
                road: review.road,
                comment: review.comment.clone(),
                at: review.at,
            },
        });
        if let Some(at) = review.acknowledged_at {
            drafts.push(acknowledge(at));
        }
    } else if let Some(at) = review.acknowledged_at
        && before.and_then(|b| b.acknowledged_at) != Some(at)
    {
        drafts.push(acknowledge(at));
    }
    drafts
}

/// The operations from `old` (`None`: a new case) to `new`; `now` dates a reopening.
pub fn case(old: Option<&Case>, new: &Case, now: Timestamp) -> Vec<Payload> {
    let (customer, id) = (new.customer_id, new.id);
    let close = || Payload::CaseClose {
        customer,
        case: id,
        at: new.closed_at.unwrap_or(now),
        by_call: new.closed_by_call,
        note: new.close_note.clone(),
        follows: None,
        also_follows: Vec::new(),
    };
    let Some(old) = old else {
        let mut ops = vec![Payload::CaseOpen {
            customer,
            case: id,
            opened_by_call: new.opened_by_call,
            opened_at: new.opened_at,
            summary: new.summary.clone(),
            due: new.due,
            owner: new.owner.clone(),
            calls: new.calls.clone(),
            callback_at: new.callback_at,
        }];
        if new.status == CaseStatus::Closed {
            ops.push(close());
        }
        return ops;
    };
    let mut ops = Vec::new();
    let field = |change| Payload::CaseField {
        customer,
        case: id,
        change,
    };
    if old.summary != new.summary {
        ops.push(field(CaseField::Summary(new.summary.clone())));
    }
    if old.owner != new.owner {
        ops.push(field(CaseField::Owner(new.owner.clone())));
    }
    if old.callback_at != new.callback_at {
        ops.push(field(CaseField::CallbackAt(new.callback_at)));
    }
    for call in new.calls.iter().filter(|c| !old.calls.contains(c)) {
        ops.push(field(CaseField::AddCall(*call)));
    }
    if old.due != new.due {
        ops.push(Payload::CaseDue {
            customer,
            case: id,
            due: new.due,
        });
    }
    let closed_fields = |c: &Case| (c.closed_at, c.closed_by_call, c.close_note.clone());
    match (old.status, new.status) {
        (CaseStatus::Open, CaseStatus::Closed) => ops.push(close()),
        (CaseStatus::Closed, CaseStatus::Open) => ops.push(Payload::CaseReopen {
            customer,
            case: id,
            at: now,
            follows: None,
            also_follows: Vec::new(),
        }),
        (CaseStatus::Closed, CaseStatus::Closed) if closed_fields(old) != closed_fields(new) => {
            ops.push(close())
        }
        _ => {}
    }
    ops
}

#[cfg(test)]
mod tests;
