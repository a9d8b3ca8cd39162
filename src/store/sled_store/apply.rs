//! Operations from other workstations, and this store's records made from operations.
//!
//! Operations are kept in the same trees as this workstation's own. Each customer they
//! are about is then *made again*: `domain::merge::materialise` over every operation about
//! that customer gives their records, and the store moves its records to those through the
//! same `Tx` functions as any change (so indexes, counters and the search index stay equal
//! to a recount), in one transaction per customer, with nothing emitted. Customers that
//! this workstation's own sent operations touched are made again the same way, so every
//! workstation that holds the same operations holds the same records.
//!
//! One exception keeps typing safe: a call taken here is owned here (the merge rule), and
//! its notes are the ones on this disk; they are never replaced from operations, so notes
//! autosaved between the start of a sync and its end are not overwritten.
//!
//! A store that worked alone before (an old store, a restore, generated data) has records
//! that no operation covers: `cover_records` emits the operations that make them.

use std::collections::{BTreeMap, BTreeSet};

use super::oplog::{Head, by_customer_key, meta, op_id_bytes};
use super::records::Tx;
use super::*;
use crate::domain::call::{AuditEntry, Role};
use crate::domain::merge::{CaseEventKind, CaseRecord, Records, ReviewRecord, materialise};
use crate::domain::ops::{Op, Payload, diff};
use crate::domain::{Call, Case, Customer, Id};
use crate::store::codec::{decode, decode_text, encode};
use crate::store::keys;

/// How often a customer is made again when this workstation keeps writing meanwhile.
const ATTEMPTS: usize = 20;

/// What a customer's records look like on this store now.
struct Local {
    calls: Vec<Id>,
    cases: Vec<Id>,
    audit_keys: Vec<Vec<u8>>,
}

impl SledStore {
    fn ids_after_prefix(&self, tree: usize, customer: Id, skip: usize) -> StoreResult<Vec<Id>> {
        let mut ids = Vec::new();
        for item in self.tree(tree).scan_prefix(keys::id(customer)) {
            let (key, _) = item?;
            if let Some(id) = key.get(skip..).and_then(keys::id_from) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn local(&self, customer: Id, records: &Records) -> StoreResult<Local> {
        let mut calls = self.ids_after_prefix(T_CALL_BY_CUSTOMER, customer, 24)?;
        calls.extend(records.calls.keys().copied());
        calls.sort();
        calls.dedup();
        let mut cases = self.ids_after_prefix(T_CASE_BY_CUSTOMER, customer, 16)?;
        cases.extend(records.cases.keys().copied());
        cases.sort();
        cases.dedup();
        let mut audit_keys = Vec::new();
        for subject in std::iter::once(&customer).chain(&calls).chain(&cases) {
            for item in self.tree(T_AUDIT).scan_prefix(keys::id(*subject)) {
                audit_keys.push(item?.0.to_vec());
            }
        }
        Ok(Local {
            calls,
            cases,
            audit_keys,
        })
    }

    /// Keeps operations from the hub (see `PulledWriter::store`); returns how many were new.
    pub fn store_remote_ops(&self, ops: &[Op], seen: &BTreeMap<Id, u64>) -> StoreResult<usize> {
        self.pulled_writer().store(ops, seen)
    }

    /// Whether an erasure from the team left old copies in this store's files (see
    /// `transfer::staging::rewrite_if_owed`).
    pub fn rewrite_owed(&self) -> StoreResult<bool> {
        Ok(self.tree(T_OPLOG).get(meta::REWRITE)?.is_some())
    }

    /// Forgets that a rewrite is owed (on the rewritten copy).
    pub fn clear_rewrite_owed(&self) -> StoreResult<()> {
        self.tree(T_OPLOG).remove(meta::REWRITE)?;
        Ok(())
    }

    /// Customers waiting to be made again from their operations.
    pub fn pending_customers(&self) -> StoreResult<Vec<Id>> {
        self.tree(T_REDO)
            .iter()
            .keys()
            .map(|k| Ok(keys::id_from(&k?).unwrap_or_default()))
            .collect()
    }

    /// Makes every waiting customer again; `progress` hears (done, total).
    pub fn redo_pending(&self, progress: &mut dyn FnMut(u64, u64)) -> StoreResult<usize> {
        // Records no operation covers would be taken for records the team removed.
        self.cover_records(&mut |_, _| {})?;
        let customers = self.pending_customers()?;
        let total = customers.len() as u64;
        for (done, customer) in customers.iter().enumerate() {
            self.redo_customer(*customer)?;
            progress(done as u64 + 1, total);
        }
        self.db.flush()?;
        Ok(customers.len())
    }

    /// Makes one customer's records what their operations say, with every customer merged
    /// with them (a merge makes them one: their records are made together).
    pub fn redo_customer(&self, customer: Id) -> StoreResult<()> {
        let me = self.workstation()?;
        for _ in 0..ATTEMPTS {
            let seq = self.own_seq()?;
            let (members, ops) = self.group_ops(customer)?;
            let records = materialise(&ops);
            let mut locals = Vec::with_capacity(members.len());
            for member in &members {
                locals.push((*member, self.local(*member, &records)?));
            }
            // Calls taken here: their notes on this disk are the newest.
            let own_calls = own_calls(&ops, me);
            let done = self.transaction(|tx| {
                // A change made here meanwhile would be undone by older operations: read
                // them again.
                let now = tx.get(T_OPLOG, meta::SEQ)?;
                if now.map(|b| super::oplog::read_u64(&b)).unwrap_or(0) != seq {
                    return Ok(false);
                }
                tx.set_replay(true);
                for (member, local) in &locals {
                    let erased = records.erased.contains(member);
                    if erased {
                        let about: Vec<Op> = ops
                            .iter()
                            .filter(|op| op.payload.customer() == *member)
                            .cloned()
                            .collect();
                        forget(tx, *member, &about)?;
                        let held = tx.get(T_CUSTOMERS, &keys::id(*member))?.is_some()
                            || !local.calls.is_empty()
                            || !local.cases.is_empty()
                            || !local.audit_keys.is_empty();
                        if held {
                            tx.put(T_OPLOG, meta::REWRITE, &[1])?;
                        }
                    }
                    let gone = if erased {
                        Gone::Erased
                    } else if records.merged.contains_key(member) {
                        Gone::Merged
                    } else {
                        Gone::No
                    };
                    apply_records(tx, *member, &records, local, &own_calls, gone)?;
                    tx.del(T_REDO, &keys::id(*member))?;
                }
                Ok(true)
            })?;
            if done {
                return Ok(());
            }
        }
        Err(StoreError::Rule(
            "the store kept changing while a sync applied the team's changes; sync again".into(),
        ))
    }

    /// Erases a customer's operations as well as their records: what remains of each is
    /// the customer's id, and an `Erase` operation carries the erasure to the team.
    ///
    /// When no other workstation can know of them (every operation about them is this
    /// workstation's own and not yet sent), not even the id stays: the operations keep
    /// their places in the log (the hub refuses gaps) about nobody.
    pub(super) fn erase_ops(tx: &Tx, customer: Id, ops: &[Op]) -> StoreResult<()> {
        // Inside a transaction only the transaction may read (sled would wait forever).
        let me = tx
            .get(T_OPLOG, meta::WORKSTATION)?
            .and_then(|b| keys::id_from(&b))
            .unwrap_or_default();
        let sent = tx
            .get(T_OPLOG, meta::SENT)?
            .map(|b| super::oplog::read_u64(&b))
            .unwrap_or(0);
        let known = ops.iter().any(|op| op.workstation != me || op.seq <= sent);
        if known {
            forget(tx, customer, ops)?;
            return tx.emit(Payload::Erase { customer }.into());
        }
        for op in ops {
            let nobody = Op {
                payload: Payload::Gone {
                    customer: Id::nil(),
                },
                ..op.clone()
            };
            tx.put(T_OPS, &op_id_bytes(op.id()), &encode(&nobody)?)?;
            for about in op.payload.customers() {
                tx.del(
                    T_OPS_BY_CUSTOMER,
                    &by_customer_key(about, op.workstation, op.seq),
                )?;
            }
        }
        Ok(())
    }

    /// Whether every record is covered by operations.
    pub fn covered(&self) -> StoreResult<bool> {
        Ok(self.tree(T_OPLOG).get(meta::COVERED)?.is_some())
    }

    /// Emits the operations that make this store's records from what its operations say
    /// already (nothing for a store whose records are all covered). Returns how many
    /// customers needed some; `progress` hears (done, total).
    pub fn cover_records(&self, progress: &mut dyn FnMut(u64, u64)) -> StoreResult<usize> {
        if self.tree(T_OPLOG).get(meta::COVERED)?.is_some() {
            return Ok(0);
        }
        let customers: Vec<Id> = self
            .tree(T_CUSTOMERS)
            .iter()
            .keys()
            .filter_map(|k| k.ok().and_then(|k| keys::id_from(&k)))
            .collect();
        let total = customers.len() as u64;
        let mut covered = 0;
        for (done, customer) in customers.iter().enumerate() {
            if self.cover_customer(*customer)? {
                covered += 1;
            }
            progress(done as u64 + 1, total);
        }
        self.tree(T_OPLOG).insert(meta::COVERED, &[1])?;
        self.db.flush()?;
        Ok(covered)
    }

    fn cover_customer(&self, customer: Id) -> StoreResult<bool> {
        // With the customers merged into them: their operations make the calls filed here.
        let (_, ops) = self.group_ops(customer)?;
        let records = materialise(&ops);
        let local = self.local(customer, &records)?;
        // A call another workstation took is theirs to change (the hub refuses anything
        // else): a restored store's copy of it makes no operation.
        let own = own_calls(&ops, self.workstation()?);
        let theirs = |id: &Id| records.calls.contains_key(id) && !own.contains(id);
        self.transaction(|tx| {
            let before = tx.get(T_OPLOG, meta::SEQ)?;
            let Some(record) = tx.load::<Customer>(T_CUSTOMERS, customer)? else {
                return Ok(false);
            };
            let by = record.status_history.first().map(|c| c.by.clone());
            tx.act_as_name(by.as_deref().unwrap_or_default(), Role::Agent);
            let now = jiff::Timestamp::now();
            for payload in diff::customer(records.customers.get(&customer), &record, now) {
                tx.emit(payload.into())?;
            }
            for id in &local.calls {
                let Some(call) = tx.load::<Call>(T_CALLS, *id)? else {
                    continue;
                };
                if theirs(id) {
                    tx.cover_reviews(&call, &records)?;
                    continue;
                }
                tx.act_as_name(&call.agent, Role::Agent);
                // The call's own part here; every lead's review in `cover_reviews`.
                let own = |c: &Call| Call {
                    review: None,
                    ..c.clone()
                };
                for draft in diff::call(records.calls.get(id).map(own).as_ref(), &own(&call)) {
                    tx.emit(draft)?;
                }
                tx.cover_reviews(&call, &records)?;
                if let Some(bytes) = tx.get(T_NOTES, &keys::id(*id))? {
                    let text = decode_text(&bytes)?;
                    if records.notes.get(id) != Some(&text) {
                        tx.emit_notes(*id, &text)?;
                    }
                }
            }
            for id in &local.cases {
                let Some(case) = tx.load::<Case>(T_CASES, *id)? else {
                    continue;
                };
                tx.act_as_name(&case.owner, Role::Agent);
                let old = records.cases.get(id).map(|r| &r.case);
                for payload in diff::case(old, &case, now) {
                    tx.emit(payload.into())?;
                }
            }
            for key in &local.audit_keys {
                let Some(bytes) = tx.get(T_AUDIT, key)? else {
                    continue;
                };
                let entry: AuditEntry = decode(&bytes)?;
                if !records.audit.contains_key(&entry.id) {
                    tx.act_as_name(&entry.who, entry.role);
                    tx.emit(Payload::Audit { customer, entry }.into())?;
                }
            }
            Ok(tx.get(T_OPLOG, meta::SEQ)? != before)
        })
    }
}

/// The calls among `ops` that workstation `me` took (their notes on its disk are newest).
pub(super) fn own_calls(ops: &[Op], me: Id) -> BTreeSet<Id> {
    ops.iter()
        .filter(|op| op.workstation == me)
        .filter_map(|op| match &op.payload {
            Payload::CallPut { call } => Some(call.id),
            _ => None,
        })
        .collect()
}

/// Replaces every operation about `customer` (but erasures) with what is left of it, and
/// notes that the store's files are to be rewritten without the old payloads.
fn forget(tx: &Tx, customer: Id, ops: &[Op]) -> StoreResult<()> {
    for op in ops {
        if matches!(op.payload, Payload::Erase { .. } | Payload::Gone { .. }) {
            continue;
        }
        tx.put(T_OPLOG, meta::REWRITE, &[1])?;
        let gone = Op {
            payload: Payload::Gone { customer },
            ..op.clone()
        };
        tx.put(T_OPS, &op_id_bytes(op.id()), &encode(&gone)?)?;
    }
    Ok(())
}

/// Whether a customer is to go from this store, and why.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gone {
    No,
    /// Erased: the customer and everything about them go.
    Erased,
    /// Merged into another: the customer record goes; their calls, cases and audit
    /// entries are the other customer's now (filed under them in `records`).
    Merged,
}

/// Moves one customer's records on this store to `records`, by difference. Only an
/// erasure or a merge removes a record: one that the operations lack otherwise has not
/// travelled yet (it is covered at the next sync), and is kept rather than lost.
fn apply_records(
    tx: &Tx,
    customer: Id,
    records: &Records,
    local: &Local,
    own_calls: &BTreeSet<Id>,
    gone: Gone,
) -> StoreResult<()> {
    let erased = gone == Gone::Erased;
    for id in &local.calls {
        let old = tx.load::<Call>(T_CALLS, *id)?;
        match (old, records.calls.get(id)) {
            (Some(old), Some(new)) if old != *new => tx.put_call(Some(&old), new, &actor(new))?,
            (None, Some(new)) => tx.put_call(None, new, &actor(new))?,
            (Some(old), None) if erased => {
                tx.remove_call(&old)?;
                tx.del(T_REVIEW_OPS, &keys::id(*id))?;
                continue;
            }
            _ => {}
        }
        if records.calls.contains_key(id) && !own_calls.contains(id) {
            let have = match tx.get(T_NOTES, &keys::id(*id))? {
                Some(bytes) => Some(decode_text(&bytes)?),
                None => None,
            };
            match (have, records.notes.get(id)) {
                (have, Some(want)) if have.as_ref() != Some(want) => tx.put_notes(*id, want)?,
                (Some(_), None) if erased => tx.remove_notes(*id)?,
                _ => {}
            }
        }
        match shown_review(records, *id) {
            Some(review) => tx.put(T_REVIEW_OPS, &keys::id(*id), &op_id_bytes(review.op))?,
            None => tx.del(T_REVIEW_OPS, &keys::id(*id))?,
        }
        if records.calls.contains_key(id) {
            tx.apply_reviews(*id, records)?;
        }
    }
    for id in &local.cases {
        let old = tx.load::<Case>(T_CASES, *id)?;
        match (old, records.cases.get(id)) {
            (Some(old), Some(new)) if old != new.case => tx.put_case(Some(&old), &new.case)?,
            (None, Some(new)) => tx.put_case(None, &new.case)?,
            (Some(old), None) if erased => tx.remove_case(&old)?,
            _ => {}
        }
        match records.cases.get(id) {
            Some(record) => {
                tx.put(T_CASE_HEADS, &keys::id(*id), &encode(&case_heads(record))?)?;
            }
            None => tx.del(T_CASE_HEADS, &keys::id(*id))?,
        }
    }
    let mut wanted: BTreeMap<Vec<u8>, &AuditEntry> = records
        .audit
        .values()
        .map(|e| (keys::join(&[&keys::id(e.subject), &keys::id(e.id)]), e))
        .collect();
    for key in &local.audit_keys {
        match wanted.remove(key) {
            Some(entry) => {
                let same = tx
                    .get(T_AUDIT, key)?
                    .map(|b| decode::<AuditEntry>(&b))
                    .transpose()?
                    .is_some_and(|have| have == *entry);
                if !same {
                    tx.put(T_AUDIT, key, &encode(entry)?)?;
                }
            }
            None if gone != Gone::No => tx.del(T_AUDIT, key)?,
            None => {}
        }
    }
    for (key, entry) in wanted {
        tx.put(T_AUDIT, &key, &encode(entry)?)?;
    }
    let old = tx.load::<Customer>(T_CUSTOMERS, customer)?;
    match (old, records.customers.get(&customer)) {
        (Some(old), Some(new)) if old != *new => tx.put_customer(Some(&old), new)?,
        (None, Some(new)) => tx.put_customer(None, new)?,
        (Some(old), None) if gone != Gone::No => tx.remove_customer(&old)?,
        _ => {}
    }
    Ok(())
}

/// The closes and reopens of a case that nothing follows yet (what the next follows).
pub(super) fn case_heads(record: &CaseRecord) -> Vec<Head> {
    let followed: BTreeSet<_> = record
        .events
        .iter()
        .flat_map(|e| e.follows.iter().copied())
        .collect();
    record
        .events
        .iter()
        .filter(|e| !followed.contains(&e.op))
        .map(|e| (e.op, e.kind == CaseEventKind::Reopen, e.hlc))
        .collect()
}

/// The review a call shows: the latest of its leads' reviews.
pub(super) fn shown_review(records: &Records, call: Id) -> Option<&ReviewRecord> {
    records
        .reviews
        .values()
        .filter(|r| r.call == call)
        .max_by_key(|r| r.hlc)
}

/// Replayed changes are made in the name of the call's agent (only the agent number and
/// nothing else is taken from it: no audit entry is made when replaying).
fn actor(call: &Call) -> crate::store::Actor {
    crate::store::Actor::agent(&call.agent, call.started_at)
}
