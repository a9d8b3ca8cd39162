//! Keeping a page of operations pulled from the hub: what `SledStore::store_remote_ops`
//! does, on its own handle to the four trees it touches so that a sync can keep one page
//! on another thread while it pulls the next (`PulledWriter` is `'static` and `Send`).

use std::collections::{BTreeMap, BTreeSet};

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::oplog::{by_customer_key, meta, op_key};
use super::*;
use crate::domain::Id;
use crate::domain::ops::{Op, Payload};
use crate::store::codec::{decode, encode};
use crate::store::keys;

/// The trees a pulled page is kept in.
#[derive(Clone)]
pub struct PulledWriter {
    ops: Tree,
    by_customer: Tree,
    redo: Tree,
    oplog: Tree,
}

impl SledStore {
    /// A handle that keeps pulled pages in this store (see `PulledWriter::store`).
    pub fn pulled_writer(&self) -> PulledWriter {
        PulledWriter {
            ops: self.tree(T_OPS).clone(),
            by_customer: self.tree(T_OPS_BY_CUSTOMER).clone(),
            redo: self.tree(T_REDO).clone(),
            oplog: self.tree(T_OPLOG).clone(),
        }
    }
}

impl PulledWriter {
    /// Keeps operations from the hub (those already here are skipped), notes which
    /// customers to make again, moves this workstation's clock past their stamps and
    /// records how far each workstation has been read, in one transaction over the four
    /// trees this touches (a transaction over every tree costs far more per page).
    /// Returns how many operations were new.
    pub fn store(&self, ops: &[Op], seen: &BTreeMap<Id, u64>) -> StoreResult<usize> {
        let now = jiff::Timestamp::now().as_millisecond().max(0) as u64;
        let fail = |e: StoreError| ConflictableTransactionError::Abort(e);
        let trees = (&self.ops, &self.by_customer, &self.redo, &self.oplog);
        let result = trees.transaction(|(t_ops, t_by_customer, t_redo, t_oplog)| {
            let mut added = 0;
            let mut clock = match t_oplog.get(meta::HLC)? {
                Some(bytes) => {
                    crate::domain::hlc::HlcClock::resume_at(decode(&bytes).map_err(fail)?, now)
                }
                None => crate::domain::hlc::HlcClock::new(
                    t_oplog
                        .get(meta::WORKSTATION)?
                        .and_then(|b| keys::id_from(&b))
                        .unwrap_or_default(),
                ),
            };
            // A page holds thousands of operations about far fewer customers.
            let mut customers = BTreeSet::new();
            for op in ops {
                let key = op_key(op.workstation, op.seq);
                let gone = matches!(op.payload, Payload::Gone { .. });
                match t_ops.get(&key)? {
                    Some(bytes) if !gone => {
                        let _: Op = decode(&bytes).map_err(fail)?;
                        continue;
                    }
                    Some(bytes) => {
                        let kept: Op = decode(&bytes).map_err(fail)?;
                        if matches!(kept.payload, Payload::Gone { .. }) {
                            continue;
                        }
                        // An erasure from the team: the payload's old bytes stay in the
                        // files until the store is rewritten.
                        t_oplog.insert(meta::REWRITE, &[1])?;
                    }
                    None => added += 1,
                }
                t_ops.insert(key, encode(op).map_err(fail)?)?;
                // A merge is filed under both customers it names.
                for customer in op.payload.customers() {
                    t_by_customer.insert(by_customer_key(customer, op.workstation, op.seq), &[])?;
                    customers.insert(customer);
                }
                clock.observe(op.hlc, now);
            }
            for customer in &customers {
                t_redo.insert(&keys::id(*customer), &[])?;
            }
            t_oplog.insert(meta::HLC, encode(&clock.last()).map_err(fail)?)?;
            let mut merged = match t_oplog.get(meta::SEEN)? {
                Some(bytes) => decode::<BTreeMap<Id, u64>>(&bytes).map_err(fail)?,
                None => BTreeMap::new(),
            };
            for (workstation, seq) in seen {
                let at = merged.entry(*workstation).or_default();
                *at = (*at).max(*seq);
            }
            t_oplog.insert(meta::SEEN, encode(&merged).map_err(fail)?)?;
            Ok(added)
        });
        match result {
            Ok(added) => Ok(added),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        }
    }
}
