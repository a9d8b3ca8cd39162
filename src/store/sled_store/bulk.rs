//! Making customers from their operations in bulk: what a new workstation joining a large
//! hub does (SPEC §12: a hub of 1M calls joined in ≤ 5 min). `redo_customer` moves each
//! customer by difference in its own transaction over every tree, recomputing every index
//! entry and counter one record at a time; for a store that holds no records yet there is
//! nothing to differ from, so the records the operations give are written in batches and
//! everything derived is rebuilt once at the end, as a restore does.
//!
//! Only for a process that holds the store alone (a `team` command): the rebuild at the
//! end clears the derived trees, which a change typed meanwhile would race with.
//!
//! Resumable after a kill at any point: `meta::STALE` is set before the first record is
//! written and removed after the rebuild, and opening a store that has it rebuilds the
//! derived trees first. A customer leaves `T_REDO` only after its records are on disk, so
//! the customers a kill cut off are made again at the next sync.

use super::apply::{case_heads, shown_review};
use super::oplog::{meta, op_id_bytes};
use super::*;
use crate::domain::Id;
use crate::domain::merge::materialise;
use crate::store::codec::{encode, encode_text};
use crate::store::keys;

/// Customers whose records are written between two flushes.
const CHUNK: usize = 1_000;

/// The trees a customer's records are written to.
const WRITTEN: [usize; 8] = [
    T_CUSTOMERS,
    T_CALLS,
    T_NOTES,
    T_CASES,
    T_AUDIT,
    T_REVIEW_OPS,
    T_CASE_HEADS,
    T_REVIEWS,
];

impl SledStore {
    /// Whether the derived trees wait for a rebuild (a bulk redo was cut off).
    pub(super) fn derived_stale(&self) -> StoreResult<bool> {
        Ok(self.tree(T_OPLOG).get(meta::STALE)?.is_some())
    }

    /// Finishes a bulk redo a kill cut off: the records written are whole, only what is
    /// derived from them is behind.
    pub(super) fn finish_stale_rebuild(&self) -> StoreResult<()> {
        if !self.derived_stale()? {
            return Ok(());
        }
        tracing::info!("a sync was cut off while applying in bulk: rebuilding indexes");
        self.rebuild_derived()?;
        self.tree(T_OPLOG).remove(meta::STALE)?;
        self.db.flush()?;
        Ok(())
    }

    /// Makes every waiting customer again, in bulk when the store holds no records yet
    /// (see the module comment; only for a process that holds the store alone);
    /// `progress` hears (done, total). Returns how many customers were made.
    pub fn redo_pending_alone(&self, progress: &mut dyn FnMut(u64, u64)) -> StoreResult<usize> {
        self.finish_stale_rebuild()?;
        if self.has_records() {
            return self.redo_pending(progress);
        }
        let customers = self.pending_customers()?;
        let total = customers.len() as u64;
        self.tree(T_OPLOG).insert(meta::STALE, &[1])?;
        self.db.flush()?;
        let me = self.workstation()?;
        let mut done = 0;
        for chunk in customers.chunks(CHUNK) {
            let mut batches: Vec<sled::Batch> =
                WRITTEN.iter().map(|_| Default::default()).collect();
            let mut finished = sled::Batch::default();
            for customer in chunk {
                if self.write_customer(*customer, me, &mut batches)? {
                    finished.remove(&keys::id(*customer));
                }
            }
            for (tree, batch) in WRITTEN.iter().zip(batches) {
                self.tree(*tree).apply_batch(batch)?;
            }
            // The records are on disk before their customers leave the list.
            self.db.flush()?;
            self.tree(T_REDO).apply_batch(finished)?;
            done += chunk.len() as u64;
            progress(done, total);
        }
        self.rebuild_derived()?;
        self.tree(T_OPLOG).remove(meta::STALE)?;
        self.db.flush()?;
        // What bulk leaves (erased customers) goes the usual way, now that indexes are whole.
        self.redo_pending(&mut |_, _| {})?;
        Ok(customers.len())
    }

    /// Adds one customer's records, as their operations give them, to `batches` (in the
    /// order of `WRITTEN`). The same records as `redo_customer` writes into a store that
    /// holds none of them: calls, the notes of calls taken elsewhere, the review each
    /// call shows and every lead's review, cases with their heads, audit entries, the
    /// customer. An erased customer is left for `redo_customer` (false).
    fn write_customer(
        &self,
        customer: Id,
        me: Id,
        batches: &mut [sled::Batch],
    ) -> StoreResult<bool> {
        // With every customer merged with them: the records are made together.
        let (_, ops) = self.group_ops(customer)?;
        let records = materialise(&ops);
        if records.erased.contains(&customer) {
            return Ok(false);
        }
        // Calls taken here: their notes are the ones on this disk (none, in an empty store).
        let own_calls = super::apply::own_calls(&ops, me);
        let [
            customers,
            calls,
            notes,
            cases,
            audit,
            review_ops,
            case_heads_batch,
            reviews,
        ] = batches
        else {
            return Err(StoreError::Corrupt("bulk batches".into()));
        };
        for (id, call) in &records.calls {
            calls.insert(&keys::id(*id), encode(call)?);
            if !own_calls.contains(id)
                && let Some(text) = records.notes.get(id)
            {
                notes.insert(&keys::id(*id), encode_text(text));
            }
            if let Some(review) = shown_review(&records, *id) {
                review_ops.insert(&keys::id(*id), op_id_bytes(review.op));
            }
            let lead_reviews = super::reviews::from_records(&records, *id);
            if !lead_reviews.is_empty() {
                reviews.insert(&keys::id(*id), encode(&lead_reviews)?);
            }
        }
        for (id, record) in &records.cases {
            cases.insert(&keys::id(*id), encode(&record.case)?);
            case_heads_batch.insert(&keys::id(*id), encode(&case_heads(record))?);
        }
        for entry in records.audit.values() {
            let key = keys::join(&[&keys::id(entry.subject), &keys::id(entry.id)]);
            audit.insert(key, encode(entry)?);
        }
        for (id, record) in &records.customers {
            customers.insert(&keys::id(*id), encode(record)?);
        }
        Ok(true)
    }
}
