//! The payload of an operation: one change, with the customer it is about (so erasing a
//! customer finds every payload about them), the record it changes, the oldest format
//! that reads it, and its stored encoding.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CaseField, CustomerField, OpId, OpKind};
use crate::domain::call::AuditEntry;
use crate::domain::{Call, CustomerStatus, Id, Road, StatusChange};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Payload {
    /// A new customer with their first fields and status.
    CustomerCreate {
        customer: Id,
        created_at: Timestamp,
        name: String,
        phone: Option<String>,
        email: Option<String>,
        segment: Option<String>,
        external_id: Option<String>,
        status: CustomerStatus,
        do_not_contact: bool,
        /// The status history as it was when the customer reached the team (a store
        /// that worked alone first); `None`: one entry, this creation.
        #[serde(default)]
        history: Option<Vec<StatusChange>>,
    },
    /// One field changed; per field, the change with the latest stamp wins.
    CustomerField { customer: Id, change: CustomerField },
    /// A status change; every one is kept in the history, in stamp order.
    CustomerStatus {
        customer: Id,
        from: Option<CustomerStatus>,
        to: CustomerStatus,
        at: Timestamp,
        /// Who changed it, as the history shows (`None`: the operation's author).
        #[serde(default)]
        by: Option<String>,
    },
    /// A call as its origin workstation has it (its `review` field is not used: reviews
    /// are their own operations). Only the workstation that took the call may change it.
    CallPut { call: Call },
    /// The call's notes, from the workstation that took the call.
    CallNotes {
        customer: Id,
        call: Id,
        text: String,
    },
    /// A lead's review of a call; one per (call, lead), the latest replaces the earlier.
    Review {
        customer: Id,
        call: Id,
        road: Road,
        comment: String,
        at: Timestamp,
    },
    /// The agent read a review: names the review operation read, so a newer review of
    /// the same call shows as unread again.
    Acknowledge {
        customer: Id,
        call: Id,
        review: OpId,
        at: Timestamp,
    },
    CaseOpen {
        customer: Id,
        case: Id,
        opened_by_call: Id,
        opened_at: Timestamp,
        summary: String,
        due: Date,
        #[serde(default)]
        owner: String,
        #[serde(default)]
        calls: Vec<Id>,
        #[serde(default)]
        callback_at: Option<Timestamp>,
    },
    /// Closing a case; `follows` names the close or reopen this author last saw for the
    /// case (`None`: only its opening), and `also_follows` the others it saw that nothing
    /// followed yet (after a conflict there are several; format 3).
    CaseClose {
        customer: Id,
        case: Id,
        at: Timestamp,
        by_call: Option<Id>,
        note: Option<String>,
        follows: Option<OpId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_follows: Vec<OpId>,
    },
    /// Reopening a case; `follows` and `also_follows` as for a close.
    CaseReopen {
        customer: Id,
        case: Id,
        at: Timestamp,
        follows: Option<OpId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_follows: Vec<OpId>,
    },
    /// A new due date; the latest stamp wins.
    CaseDue { customer: Id, case: Id, due: Date },
    /// Another field of a case (see `CaseField`).
    CaseField {
        customer: Id,
        case: Id,
        change: CaseField,
    },
    /// An audit entry: never changed or removed (except by erasing its customer).
    Audit { customer: Id, entry: AuditEntry },
    /// A duplicate customer merged into another (`into`): from then on everything about
    /// the duplicate is the other's, whichever workstation made it (format 3).
    CustomerMerge {
        customer: Id,
        into: Id,
        at: Timestamp,
    },
    /// Erase a customer and everything about them; wins over every other operation.
    Erase { customer: Id },
    /// What is left of an operation about an erased customer.
    Gone { customer: Id },
}

impl Payload {
    pub fn kind(&self) -> OpKind {
        match self {
            Payload::CustomerCreate { .. } => OpKind::CustomerCreate,
            Payload::CustomerField { .. } => OpKind::CustomerField,
            Payload::CustomerStatus { .. } => OpKind::CustomerStatus,
            Payload::CallPut { .. } => OpKind::CallPut,
            Payload::CallNotes { .. } => OpKind::CallNotes,
            Payload::Review { .. } => OpKind::Review,
            Payload::Acknowledge { .. } => OpKind::Acknowledge,
            Payload::CaseOpen { .. } => OpKind::CaseOpen,
            Payload::CaseClose { .. } => OpKind::CaseClose,
            Payload::CaseReopen { .. } => OpKind::CaseReopen,
            Payload::CaseDue { .. } => OpKind::CaseDue,
            Payload::CaseField { .. } => OpKind::CaseField,
            Payload::Audit { .. } => OpKind::Audit,
            Payload::CustomerMerge { .. } => OpKind::CustomerMerge,
            Payload::Erase { .. } => OpKind::Erase,
            Payload::Gone { .. } => OpKind::Gone,
        }
    }

    /// The oldest payload format that can read this payload: 3 for a merge and for a case
    /// event that follows more than one earlier event, 2 for everything else.
    pub fn version(&self) -> u16 {
        match self {
            Payload::CustomerMerge { .. } => 3,
            Payload::CaseClose { also_follows, .. } | Payload::CaseReopen { also_follows, .. }
                if !also_follows.is_empty() =>
            {
                3
            }
            _ => 2,
        }
    }

    /// Every earlier case event this one follows (none for other payloads).
    pub fn follows(&self) -> impl Iterator<Item = OpId> + '_ {
        let (first, rest): (Option<OpId>, &[OpId]) = match self {
            Payload::CaseClose {
                follows,
                also_follows,
                ..
            }
            | Payload::CaseReopen {
                follows,
                also_follows,
                ..
            } => (*follows, also_follows),
            _ => (None, &[]),
        };
        first.into_iter().chain(rest.iter().copied())
    }

    /// Every customer this change is about: its customer, and for a merge the customer
    /// merged into (a store files the operation under each).
    pub fn customers(&self) -> impl Iterator<Item = Id> {
        let into = match self {
            Payload::CustomerMerge { into, .. } => Some(*into),
            _ => None,
        };
        std::iter::once(self.customer()).chain(into)
    }

    /// The customer this change is about.
    pub fn customer(&self) -> Id {
        match self {
            Payload::CustomerCreate { customer, .. }
            | Payload::CustomerField { customer, .. }
            | Payload::CustomerStatus { customer, .. }
            | Payload::CallNotes { customer, .. }
            | Payload::Review { customer, .. }
            | Payload::Acknowledge { customer, .. }
            | Payload::CaseOpen { customer, .. }
            | Payload::CaseClose { customer, .. }
            | Payload::CaseReopen { customer, .. }
            | Payload::CaseDue { customer, .. }
            | Payload::CaseField { customer, .. }
            | Payload::Audit { customer, .. }
            | Payload::CustomerMerge { customer, .. }
            | Payload::Erase { customer }
            | Payload::Gone { customer } => *customer,
            Payload::CallPut { call } => call.customer_id,
        }
    }

    /// The record the change is to, apart from the customer: a call, a case or an audit
    /// entry (`None` for changes to the customer itself).
    pub fn subject(&self) -> Option<Id> {
        match self {
            Payload::CallPut { call } => Some(call.id),
            Payload::CallNotes { call, .. }
            | Payload::Review { call, .. }
            | Payload::Acknowledge { call, .. } => Some(*call),
            Payload::CaseOpen { case, .. }
            | Payload::CaseClose { case, .. }
            | Payload::CaseReopen { case, .. }
            | Payload::CaseDue { case, .. }
            | Payload::CaseField { case, .. } => Some(*case),
            Payload::Audit { entry, .. } => Some(entry.id),
            Payload::CustomerMerge { into, .. } => Some(*into),
            Payload::CustomerCreate { .. }
            | Payload::CustomerField { .. }
            | Payload::CustomerStatus { .. }
            | Payload::Erase { .. }
            | Payload::Gone { .. } => None,
        }
    }

    /// The bytes stored for this payload (MessagePack with field names, so later versions
    /// can add fields).
    pub fn encode(&self) -> Result<Vec<u8>, rmp_serde::encode::Error> {
        rmp_serde::to_vec_named(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Payload, rmp_serde::decode::Error> {
        rmp_serde::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One payload of every kind, so a field that does not survive the stored encoding
    /// (dates, roads, nested enums in a tagged enum) shows up here and not at a hub.
    #[test]
    fn every_kind_of_payload_survives_the_stored_encoding() {
        use crate::domain::call::{AuditEntry, Role};
        use crate::domain::{CallReason, CustomerStatus, Road};
        let (customer, call_id, case) = (
            crate::domain::new_id(),
            crate::domain::new_id(),
            crate::domain::new_id(),
        );
        let at = Timestamp::from_second(1_763_600_000).unwrap();
        let mut call = Call::new(customer, "priya", CallReason::WinBack, at);
        call.id = call_id;
        call.road = Some(Road::Teach);
        call.follow_up_due = Some(jiff::civil::date(2026, 11, 25));
        call.status_after = Some(CustomerStatus::WonBack);
        call.tags = vec!["billing".into()];
        let review = OpId {
            workstation: crate::domain::new_id(),
            seq: 7,
        };
        let payloads = [
            Payload::CustomerCreate {
                customer,
                created_at: at,
                name: "Ann".into(),
                phone: Some("+44 1".into()),
                email: None,
                segment: Some("home".into()),
                external_id: None,
                status: CustomerStatus::AtRisk,
                do_not_contact: true,
                history: None,
            },
            Payload::CustomerField {
                customer,
                change: CustomerField::DoNotContact(true),
            },
            Payload::CustomerStatus {
                customer,
                from: Some(CustomerStatus::New),
                to: CustomerStatus::Lost,
                at,
                by: Some("sam".into()),
            },
            Payload::CallPut { call },
            Payload::CallNotes {
                customer,
                call: call_id,
                text: "notes\n> quoted".into(),
            },
            Payload::Review {
                customer,
                call: call_id,
                road: Road::GoAway,
                comment: "why".into(),
                at,
            },
            Payload::Acknowledge {
                customer,
                call: call_id,
                review,
                at,
            },
            Payload::CaseOpen {
                customer,
                case,
                opened_by_call: call_id,
                opened_at: at,
                summary: "refund".into(),
                due: jiff::civil::date(2026, 12, 1),
                owner: "priya".into(),
                calls: vec![call_id],
                callback_at: Some(at),
            },
            Payload::CaseClose {
                customer,
                case,
                at,
                by_call: Some(call_id),
                note: Some("done".into()),
                follows: Some(review),
                also_follows: vec![review, review],
            },
            Payload::CaseReopen {
                customer,
                case,
                at,
                follows: None,
                also_follows: Vec::new(),
            },
            Payload::CaseDue {
                customer,
                case,
                due: jiff::civil::date(2026, 12, 2),
            },
            Payload::CaseField {
                customer,
                case,
                change: CaseField::CallbackAt(Some(at)),
            },
            Payload::Audit {
                customer,
                entry: AuditEntry {
                    id: crate::domain::new_id(),
                    subject: call_id,
                    who: "dana".into(),
                    role: Role::Lead,
                    what: "road".into(),
                    old: Some("2".into()),
                    new: Some("4".into()),
                    reason: "bounced".into(),
                    at,
                },
            },
            Payload::CustomerMerge {
                customer,
                into: crate::domain::new_id(),
                at,
            },
            Payload::Erase { customer },
            Payload::Gone { customer },
        ];
        let kinds: std::collections::BTreeSet<OpKind> =
            payloads.iter().map(Payload::kind).collect();
        assert_eq!(kinds.len(), OpKind::ALL.len(), "one of every kind");
        for payload in payloads {
            let back = Payload::decode(&payload.encode().unwrap()).unwrap();
            assert_eq!(back, payload);
            assert_eq!(back.customer(), customer);
        }
    }

    #[test]
    fn payloads_round_trip_and_name_their_customer() {
        let customer = crate::domain::new_id();
        let payload = Payload::CustomerField {
            customer,
            change: CustomerField::Phone(Some("+44 20 7946 0000".into())),
        };
        let back = Payload::decode(&payload.encode().unwrap()).unwrap();
        assert_eq!(back, payload);
        assert_eq!(back.customer(), customer);
        assert_eq!(back.kind(), OpKind::CustomerField);
        assert_eq!(back.subject(), None);
    }
}
