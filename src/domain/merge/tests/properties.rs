//! Properties over random operations in a small world where they collide often: any
//! order converges, each customer materialises on its own, merges and erasures hold,
//! and the latest name wins.

use jiff::civil::date;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::*;
use crate::domain::Road;

/// A small world so that random operations collide often: 3 workstations, 2 customers,
/// 2 calls, 2 cases, wall clocks within a few milliseconds of each other.
fn random_ops() -> impl Strategy<Value = Vec<Op>> {
    let step = (
        0u8..3,
        0u8..11,
        0u8..2,
        0u64..6,
        0u8..4,
        any::<bool>(),
        0u8..8,
    );
    proptest::collection::vec(step, 1..40).prop_map(|steps| {
        let mut team = [
            Ws::new(1, "priya", Role::Agent),
            Ws::new(2, "dana", Role::Lead),
            Ws::new(3, "sam", Role::Agent),
        ];
        let mut made: Vec<Op> = Vec::new();
        let mut now = 0u64;
        for (who, what, which, jump, value, flag, odd) in steps {
            now += jump;
            // Now and then a change names the wrong customer for its call or case (a bug
            // or a forgery elsewhere): it must not reach the other customer's records.
            let customer = if odd == 0 && matches!(what, 4..=6 | 8 | 9) {
                id(2 - which)
            } else {
                id(1 + which)
            };
            let call_id = id(10 + which);
            let case = id(20 + which);
            // The latest one to three earlier events of the case, when `flag`.
            let seen: Vec<OpId> = made
                .iter()
                .rev()
                .filter(|op| {
                    matches!(op.payload, Payload::CaseClose { case: c, .. }
                        | Payload::CaseReopen { case: c, .. } if c == case)
                })
                .filter(|_| flag)
                .take(1 + usize::from(value % 3))
                .map(Op::id)
                .collect();
            let (follows, also_follows) =
                (seen.first().copied(), seen[seen.len().min(1)..].to_vec());
            let last_review = made
                .iter()
                .rev()
                .find(|op| matches!(op.payload, Payload::Review { .. }))
                .map(Op::id);
            let ws = &mut team[who as usize];
            let skew = who as u64 * 2;
            let payload = match what {
                0 => create(customer, ["Ann", "Bo", "Cy", "Di"][value as usize]),
                1 => Payload::CustomerField {
                    customer,
                    change: CustomerField::Name(format!("name {value}")),
                },
                2 => Payload::CustomerStatus {
                    customer,
                    from: None,
                    to: CustomerStatus::ALL[value as usize],
                    at: at(now as i64),
                    by: None,
                },
                3 => Payload::CallPut {
                    call: call(call_id, customer, &ws.author),
                },
                4 => Payload::CallNotes {
                    customer,
                    call: call_id,
                    text: format!("notes {value}"),
                },
                5 => Payload::Review {
                    customer,
                    call: call_id,
                    road: Road::ALL[value as usize],
                    comment: String::new(),
                    at: at(now as i64),
                },
                6 => Payload::Acknowledge {
                    customer,
                    call: call_id,
                    review: last_review.unwrap_or(OpId {
                        workstation: ws.id,
                        seq: 1,
                    }),
                    at: at(now as i64),
                },
                7 => Payload::CaseOpen {
                    customer,
                    case,
                    opened_by_call: call_id,
                    opened_at: at(now as i64),
                    summary: format!("case {value}"),
                    due: date(2026, 11, 20 + value as i8),
                    owner: ws.author.clone(),
                    calls: Vec::new(),
                    callback_at: None,
                },
                8 if flag => Payload::CaseReopen {
                    customer,
                    case,
                    at: at(now as i64),
                    follows,
                    also_follows,
                },
                8 => Payload::CaseClose {
                    customer,
                    case,
                    at: at(now as i64),
                    by_call: None,
                    note: None,
                    follows,
                    also_follows,
                },
                9 => Payload::CaseDue {
                    customer,
                    case,
                    due: date(2026, 12, 1 + value as i8),
                },
                _ if value == 0 => Payload::Erase { customer },
                10 if value == 1 => Payload::CustomerMerge {
                    customer,
                    into: id(2 - which),
                    at: at(now as i64),
                },
                _ => Payload::CustomerField {
                    customer,
                    change: CustomerField::DoNotContact(flag),
                },
            };
            made.push(ws.op(now + skew, payload));
        }
        made
    })
}

proptest! {
    /// Any set of operations, delivered in any order and with duplicates, gives the same
    /// records.
    #[test]
    fn any_order_with_duplicates_converges(ops in random_ops(), seed in any::<u64>()) {
        let reference = materialise(&ops);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut delivered: Vec<&Op> = ops.iter().collect();
        let extra: Vec<&Op> = ops.iter().step_by(2).collect();
        delivered.extend(extra);
        delivered.shuffle(&mut rng);
        prop_assert_eq!(materialise(delivered.iter().copied()), reference);
    }

    /// The operations about each customer (with every customer merged with them),
    /// materialised on their own and put together, are the whole: a store may redo one
    /// customer at a time.
    #[test]
    fn each_customer_materialises_on_its_own(ops in random_ops()) {
        let whole = materialise(&ops);
        let mut groups: Vec<BTreeSet<Id>> = ops
            .iter()
            .map(|op| BTreeSet::from([op.payload.customer()]))
            .collect();
        for op in &ops {
            let linked: BTreeSet<Id> = op.payload.customers().collect();
            let (mut joined, rest): (Vec<_>, Vec<_>) =
                groups.into_iter().partition(|g| !g.is_disjoint(&linked));
            let mut one = linked;
            for group in joined.drain(..) {
                one.extend(group);
            }
            groups = rest;
            groups.push(one);
        }
        let mut parts = Records::default();
        for group in groups {
            let part = materialise(
                ops.iter().filter(|op| op.payload.customers().any(|c| group.contains(&c))),
            );
            parts.customers.extend(part.customers);
            parts.calls.extend(part.calls);
            parts.notes.extend(part.notes);
            parts.reviews.extend(part.reviews);
            parts.cases.extend(part.cases);
            parts.audit.extend(part.audit);
            parts.erased.extend(part.erased);
            parts.merged.extend(part.merged);
        }
        prop_assert_eq!(parts, whole);
    }

    /// A customer merged into another never shows, and nothing is filed under them.
    #[test]
    fn a_merged_customer_is_the_other_one(ops in random_ops()) {
        let records = materialise(&ops);
        for (dup, root) in &records.merged {
            prop_assert_ne!(dup, root);
            prop_assert!(!records.merged.contains_key(root), "a chain ends at one customer");
            prop_assert!(!records.customers.contains_key(dup));
            prop_assert!(records.calls.values().all(|c| c.customer_id != *dup));
            prop_assert!(records.cases.values().all(|c| c.case.customer_id != *dup));
            prop_assert!(records.audit.values().all(|e| e.subject != *dup));
        }
    }

    /// Erasing a customer leaves nothing about them, whatever else happened.
    #[test]
    fn nothing_about_an_erased_customer_survives(ops in random_ops()) {
        let records = materialise(&ops);
        for erased in &records.erased {
            prop_assert!(!records.customers.contains_key(erased));
            prop_assert!(records.calls.values().all(|c| c.customer_id != *erased));
            prop_assert!(records.cases.values().all(|c| c.case.customer_id != *erased));
        }
        for review in records.reviews.values() {
            prop_assert!(!records.erased.contains(&review.customer));
        }
    }

    /// A customer's name is the one with the latest stamp among everything that set it.
    #[test]
    fn the_latest_name_wins(ops in random_ops()) {
        let records = materialise(&ops);
        for (id, customer) in &records.customers {
            let latest = ops
                .iter()
                .filter_map(|op| match &op.payload {
                    Payload::CustomerField { customer, change: CustomerField::Name(n) }
                        if customer == id => Some((op.hlc, n.clone())),
                    _ => None,
                })
                .chain(
                    ops.iter()
                        .filter(|op| matches!(op.payload,
                            Payload::CustomerCreate { customer, .. } if customer == *id))
                        .min_by_key(|op| op.hlc)
                        .and_then(|op| match &op.payload {
                            Payload::CustomerCreate { name, .. } => Some((op.hlc, name.clone())),
                            _ => None,
                        }),
                )
                .max_by_key(|(hlc, _)| *hlc)
                .map(|(_, name)| name);
            prop_assert_eq!(Some(customer.name.clone()), latest);
        }
    }
}
