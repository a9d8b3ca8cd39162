//! What a workstation takes in from the hub (SPEC §12): an operation as the hub's row holds
//! it, read and checked here before it reaches the store. One that cannot be read or
//! breaks a rule is set aside with its reason, never applied, and never stops the rest:
//! no single row stops the team. One in a newer payload format is set aside until this
//! fourroads is updated, and read again then.

use serde::{Deserialize, Serialize};

use super::{Op, OpKind, PAYLOAD_VERSION, Payload};
use crate::domain::Id;
use crate::domain::call::Role;
use crate::domain::hlc::Hlc;
use crate::domain::member::lead_only;

/// The largest payload taken in: a call's notes (typed notes stop at 8 MiB) and anything
/// else; the hub holds pushes to the same.
pub const MAX_NOTES_PAYLOAD: usize = 8 * 1024 * 1024 + 64 * 1024;
pub const MAX_PAYLOAD: usize = 256 * 1024;

/// An operation as the hub's row holds it, before it is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawOp {
    pub workstation: Id,
    pub seq: u64,
    pub author: String,
    pub role: String,
    pub hlc_ms: i64,
    pub hlc_counter: i64,
    pub kind: String,
    pub customer: Id,
    pub payload_version: i16,
    /// `None` once its customer was erased.
    pub payload: Option<Vec<u8>>,
}

/// A row that was not taken in, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    pub raw: RawOp,
    /// In words, for the log and `team status`.
    pub reason: String,
    /// Made by a newer fourroads: read again once this one is updated.
    pub newer: bool,
}

impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "change {} of workstation {}: {}",
            self.raw.seq, self.raw.workstation, self.reason
        )
    }
}

/// Reads and checks one row: the operation, or why it is set aside.
pub fn take_in(raw: RawOp) -> Result<Op, Box<SetAside>> {
    match read(&raw) {
        Ok(op) => Ok(op),
        Err((reason, newer)) => Err(Box::new(SetAside { raw, reason, newer })),
    }
}

fn read(raw: &RawOp) -> Result<Op, (String, bool)> {
    let refuse = |why: String| Err((why, false));
    let role = match raw.role.as_str() {
        "lead" => Role::Lead,
        "agent" => Role::Agent,
        other => return refuse(format!("an unknown role {other:?}")),
    };
    let Some(kind) = OpKind::parse(&raw.kind) else {
        return refuse(format!("an unknown kind of change {:?}", raw.kind));
    };
    let (Ok(millis), Ok(counter)) = (u64::try_from(raw.hlc_ms), u32::try_from(raw.hlc_counter))
    else {
        return refuse("a clock stamp out of range".into());
    };
    let payload = match (kind, &raw.payload) {
        (OpKind::Gone, _) | (_, None) => Payload::Gone {
            customer: raw.customer,
        },
        (_, Some(_)) if raw.payload_version > PAYLOAD_VERSION as i16 => {
            return Err((
                format!(
                    "made by a newer fourroads (payload format {}); update fourroads to take it in",
                    raw.payload_version
                ),
                true,
            ));
        }
        (_, Some(bytes)) => {
            let limit = if kind == OpKind::CallNotes {
                MAX_NOTES_PAYLOAD
            } else {
                MAX_PAYLOAD
            };
            if bytes.len() > limit {
                return refuse(format!("too large ({} bytes)", bytes.len()));
            }
            match Payload::decode(bytes) {
                Ok(payload) => payload,
                Err(e) => return refuse(format!("cannot be read ({e})")),
            }
        }
    };
    if !matches!(payload, Payload::Gone { .. })
        && (payload.kind() != kind || payload.customer() != raw.customer)
    {
        return refuse(format!(
            "says it is {} about {}, but it is {} about {}",
            raw.kind,
            raw.customer,
            payload.kind().as_str(),
            payload.customer()
        ));
    }
    if let Some(why) = field_refusal(&payload) {
        return refuse(why);
    }
    if lead_only(kind) && role != Role::Lead {
        return refuse(format!("{} by someone who is not a lead", raw.kind));
    }
    if raw.payload_version <= 0 {
        return refuse("no payload format".into());
    }
    Ok(Op {
        workstation: raw.workstation,
        seq: raw.seq,
        author: raw.author.clone(),
        role,
        hlc: Hlc {
            millis,
            counter,
            node: raw.workstation,
        },
        payload_version: raw.payload_version as u16,
        payload,
    })
}

/// A customer's fields as the forms and the import check them (what a form would refuse
/// is refused from the hub too), and a call's agent and sentiment as the app makes them.
fn field_refusal(payload: &Payload) -> Option<String> {
    use super::CustomerField;
    use crate::domain::NewCustomer;
    let named = |name: &str| NewCustomer {
        name: name.to_string(),
        ..NewCustomer::default()
    };
    let draft = match payload {
        Payload::CustomerCreate {
            name,
            phone,
            email,
            segment,
            ..
        } => NewCustomer {
            name: name.clone(),
            phone: phone.clone().unwrap_or_default(),
            email: email.clone().unwrap_or_default(),
            segment: segment.clone().unwrap_or_default(),
            status: String::new(),
        },
        Payload::CallPut { call } => {
            let agent = call.agent.trim();
            if agent.is_empty() || agent.chars().count() > 80 || agent.chars().any(char::is_control)
            {
                return Some("a call's agent must be a name of 1 to 80 characters".into());
            }
            if !(-2..=2).contains(&call.sentiment) {
                return Some(format!(
                    "a sentiment of {} (it is -2 to +2)",
                    call.sentiment
                ));
            }
            return None;
        }
        Payload::CustomerField { change, .. } => match change {
            CustomerField::Name(name) => named(name),
            CustomerField::Phone(Some(phone)) => NewCustomer {
                phone: phone.clone(),
                ..named("x")
            },
            CustomerField::Email(Some(email)) => NewCustomer {
                email: email.clone(),
                ..named("x")
            },
            CustomerField::Segment(Some(segment)) => NewCustomer {
                segment: segment.clone(),
                ..named("x")
            },
            _ => return None,
        },
        _ => return None,
    };
    let errors = draft.validate(jiff::Timestamp::UNIX_EPOCH, "").err()?;
    Some(
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(payload: &Payload, role: &str) -> RawOp {
        RawOp {
            workstation: crate::domain::new_id(),
            seq: 1,
            author: "Priya".into(),
            role: role.into(),
            hlc_ms: 1_765_000_000_000,
            hlc_counter: 0,
            kind: payload.kind().as_str().into(),
            customer: payload.customer(),
            payload_version: 2,
            payload: Some(payload.encode().unwrap()),
        }
    }

    fn review() -> Payload {
        Payload::Review {
            customer: crate::domain::new_id(),
            call: crate::domain::new_id(),
            road: crate::domain::Road::Care,
            comment: String::new(),
            at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_good_row_is_taken_in_and_every_bad_one_set_aside_with_its_reason() {
        assert!(take_in(raw(&review(), "lead")).is_ok());
        let cases: Vec<(RawOp, &str)> = vec![
            (raw(&review(), "agent"), "not a lead"),
            (raw(&review(), "boss"), "unknown role"),
            (
                RawOp {
                    kind: "telepathy".into(),
                    ..raw(&review(), "lead")
                },
                "unknown kind",
            ),
            (
                RawOp {
                    hlc_counter: 1 << 32,
                    ..raw(&review(), "lead")
                },
                "out of range",
            ),
            (
                RawOp {
                    hlc_ms: -1,
                    ..raw(&review(), "lead")
                },
                "out of range",
            ),
            (
                RawOp {
                    payload: Some(vec![0xc1, 0xff]),
                    ..raw(&review(), "lead")
                },
                "cannot be read",
            ),
            (
                RawOp {
                    payload: Some(vec![0; MAX_PAYLOAD + 1]),
                    ..raw(&review(), "lead")
                },
                "too large",
            ),
            (
                RawOp {
                    customer: crate::domain::new_id(),
                    ..raw(&review(), "lead")
                },
                "but it is",
            ),
            (
                RawOp {
                    kind: "audit".into(),
                    ..raw(&review(), "lead")
                },
                "but it is",
            ),
        ];
        for (row, why) in cases {
            let set = take_in(row).unwrap_err();
            assert!(set.reason.contains(why), "{}: wanted {why}", set.reason);
            assert!(!set.newer);
        }
        let newer = take_in(RawOp {
            payload_version: 99,
            ..raw(&review(), "lead")
        })
        .unwrap_err();
        assert!(
            newer.newer && newer.reason.contains("update fourroads"),
            "{newer}"
        );
    }

    proptest! {
        /// Whatever bytes and envelope arrive: no panic, and what is taken in agrees with
        /// its envelope.
        #[test]
        fn hostile_rows_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            kind in prop::sample::select(vec!["review", "call-put", "customer-create", "gone", "x"]),
            role in prop::sample::select(vec!["lead", "agent", ""]),
            hlc_ms in any::<i64>(),
            hlc_counter in any::<i64>(),
            version in any::<i16>(),
        ) {
            let row = RawOp {
                workstation: crate::domain::new_id(),
                seq: 1,
                author: String::new(),
                role: role.into(),
                hlc_ms,
                hlc_counter,
                kind: kind.into(),
                customer: crate::domain::new_id(),
                payload_version: version,
                payload: Some(bytes),
            };
            let envelope = row.customer;
            if let Ok(op) = take_in(row) {
                prop_assert_eq!(op.payload.customer(), envelope);
            }
        }
    }
}
