//! Merged customers: which customer each duplicate now is.

use std::collections::BTreeMap;

use super::super::Id;
use super::super::ops::{Op, Payload};

/// Which customer each merged customer now is. Merges count in stamp order: a customer
/// merges away once (the first merge stands), and a merge that would close a circle (into
/// a customer already merged into this one) is ignored, so every chain ends at one
/// customer whatever order the merges arrived in.
pub fn merge_roots<'a>(ops: impl IntoIterator<Item = &'a Op>) -> BTreeMap<Id, Id> {
    let mut merges: Vec<&Op> = ops
        .into_iter()
        .filter(|op| matches!(op.payload, Payload::CustomerMerge { .. }))
        .collect();
    merges.sort_by_key(|op| (op.hlc, op.id()));
    let mut parent: BTreeMap<Id, Id> = BTreeMap::new();
    for op in merges {
        let Payload::CustomerMerge { customer, into, .. } = op.payload else {
            continue;
        };
        if customer == into || parent.contains_key(&customer) || root_of(&parent, into) == customer
        {
            continue;
        }
        parent.insert(customer, into);
    }
    parent
        .keys()
        .map(|id| (*id, root_of(&parent, *id)))
        .collect()
}

fn root_of(parent: &BTreeMap<Id, Id>, id: Id) -> Id {
    let mut at = id;
    while let Some(next) = parent.get(&at) {
        at = *next;
    }
    at
}
