//! Hostile operations, as a compromised or buggy workstation could send them past every
//! check: any author and role, stamps at the ends of their range, merges in circles,
//! erasures of anyone, acknowledgements and case events naming operations that never
//! were. The merge never panics, gives the same records in any order, and an erased
//! customer keeps nothing. (One operation per workstation and number, as a store holds
//! them: the hub refuses a number sent again with other content, and a store keeps the
//! first it received.)

use proptest::prelude::*;

use super::*;
use crate::domain::Road;

/// One hostile operation: (workstation, seq, role is lead, stamp, kind, customer, other).
type Step = (u8, u64, bool, (u64, u32), u8, u8, u8);

fn hostile(step: Step) -> Op {
    let (ws, seq, lead, (millis, counter), kind, customer, other) = step;
    let workstation = id(100 + ws);
    let named = OpId {
        workstation: id(100 + other % 3),
        seq: u64::from(other),
    };
    let n = other;
    let (customer, other) = (id(1 + customer), id(1 + other));
    let payload = match kind {
        0 => create(customer, "Ann"),
        1 => Payload::CustomerField {
            customer,
            change: CustomerField::Name(String::new()),
        },
        2 => Payload::CallPut {
            call: call(id(50 + n), customer, "x"),
        },
        3 => Payload::Review {
            customer,
            call: id(50 + n),
            road: Road::GoAway,
            comment: String::new(),
            at: at(0),
        },
        4 => Payload::Acknowledge {
            customer,
            call: id(50 + n),
            review: named,
            at: at(0),
        },
        5 => Payload::CaseClose {
            customer,
            case: id(60 + n),
            at: at(0),
            by_call: None,
            note: None,
            follows: Some(named),
            also_follows: vec![named, named],
        },
        6 => Payload::CustomerMerge {
            customer,
            into: other,
            at: at(0),
        },
        7 => Payload::Erase { customer },
        8 => Payload::Gone { customer },
        _ => Payload::CaseReopen {
            customer,
            case: id(60 + n),
            at: at(0),
            follows: Some(named),
            also_follows: Vec::new(),
        },
    };
    Op {
        workstation,
        seq,
        author: if lead { "dana" } else { "" }.into(),
        role: if lead { Role::Lead } else { Role::Agent },
        hlc: crate::domain::hlc::Hlc {
            millis,
            counter,
            node: workstation,
        },
        payload_version: payload.version(),
        payload,
    }
}

fn stamp() -> impl Strategy<Value = (u64, u32)> {
    prop_oneof![
        (0u64..20, 0u32..3),
        Just((u64::MAX, u32::MAX)),
        Just((0, u32::MAX)),
        (any::<u64>(), any::<u32>()),
    ]
}

proptest! {
    #[test]
    fn hostile_operations_never_break_the_merge(
        steps in proptest::collection::vec(
            (0u8..3, 1u64..6, any::<bool>(), stamp(), 0u8..10, 0u8..3, 0u8..3),
            1..40,
        )
    ) {
        let mut seen = std::collections::BTreeSet::new();
        let ops: Vec<Op> = steps
            .into_iter()
            .map(hostile)
            .filter(|op| seen.insert(op.id()))
            .collect();
        let forward = materialise(ops.iter());
        let backward = materialise(ops.iter().rev());
        prop_assert_eq!(&forward, &backward);
        for erased in &forward.erased {
            prop_assert!(!forward.customers.contains_key(erased));
            prop_assert!(forward.calls.values().all(|c| c.customer_id != *erased));
        }
    }
}
