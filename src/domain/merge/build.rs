//! Records built from the merged state: a customer from their field registers and status
//! changes, a case from its opening and its close/reopen events.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::{CaseEvent, CaseEventKind, CaseRecord, CaseState, CustomerState};
use crate::domain::case::{Case, CaseStatus};
use crate::domain::customer::Customer;
use crate::domain::ops::{CaseField, CustomerField, OpId};
use crate::domain::{CustomerStatus, Id};

pub(super) fn placeholder_case(id: Id) -> Case {
    Case {
        id,
        customer_id: Id::nil(),
        opened_by_call: Id::nil(),
        opened_at: Timestamp::UNIX_EPOCH,
        summary: String::new(),
        due: jiff::civil::Date::MIN,
        status: CaseStatus::Open,
        closed_at: None,
        closed_by_call: None,
        close_note: None,
        owner: String::new(),
        calls: Vec::new(),
        callback_at: None,
    }
}

pub(super) fn customer_from(id: Id, created_at: Timestamp, state: CustomerState) -> Customer {
    let mut customer = Customer {
        id,
        name: String::new(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: state
            .statuses
            .last()
            .map(|change| change.to)
            .or(state.initial)
            .unwrap_or(CustomerStatus::New),
        do_not_contact: false,
        created_at,
        status_history: state.statuses,
        last_contact: None,
        do_not_contact_note: None,
        merged: Vec::new(),
    };
    for field in state.fields.into_values() {
        match field {
            CustomerField::Name(v) => customer.name = v,
            CustomerField::Phone(v) => customer.phone = v,
            CustomerField::Email(v) => customer.email = v,
            CustomerField::Segment(v) => customer.segment = v,
            CustomerField::ExternalId(v) => customer.external_id = v,
            CustomerField::DoNotContact(v) => customer.do_not_contact = v,
            CustomerField::DoNotContactNote(v) => customer.do_not_contact_note = v,
            CustomerField::Merged(v) => customer.merged = v,
        }
    }
    customer
}

pub(super) fn case_from(state: CaseState, due: Option<jiff::civil::Date>) -> CaseRecord {
    let mut case = state.case;
    if let Some(due) = due {
        case.due = due;
    }
    let followed: BTreeSet<OpId> = state
        .events
        .iter()
        .flat_map(|e| e.follows.iter().copied())
        .collect();
    let heads: Vec<&CaseEvent> = state
        .events
        .iter()
        .filter(|event| !followed.contains(&event.op))
        .collect();
    let reopened = heads.iter().any(|e| e.kind == CaseEventKind::Reopen);
    let last_close = heads
        .iter()
        .filter(|e| e.kind == CaseEventKind::Close)
        .max_by_key(|e| e.hlc);
    match last_close {
        Some(close) if !reopened => {
            case.status = CaseStatus::Closed;
            case.closed_at = Some(close.at);
            case.closed_by_call = close.by_call;
            case.close_note = close.note.clone();
        }
        _ => {
            case.status = CaseStatus::Open;
            case.closed_at = None;
            case.closed_by_call = None;
            case.close_note = None;
        }
    }
    CaseRecord {
        case,
        events: state.events,
    }
}

/// The latest value of each case field register, then the later calls about the case
/// (those not already listed, in stamp order).
pub(super) fn apply_case_fields<'a>(
    case: &mut Case,
    registers: impl Iterator<Item = &'a CaseField>,
    added_calls: &[crate::domain::Id],
) {
    for field in registers {
        match field {
            CaseField::Summary(v) => case.summary = v.clone(),
            CaseField::Owner(v) => case.owner = v.clone(),
            CaseField::CallbackAt(v) => case.callback_at = *v,
            CaseField::AddCall(_) => {}
        }
    }
    for call in added_calls {
        if !case.calls.contains(call) && case.opened_by_call != *call {
            case.calls.push(*call);
        }
    }
}
