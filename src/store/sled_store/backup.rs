//! Streaming the records out for a backup and writing them back on restore, then
//! rebuilding everything derived from them.

use super::records::read_counter;
use super::*;
use crate::store::backup::BackupRecord;
use crate::store::codec::{decode, decode_text, encode, encode_text};
use crate::store::keys;

/// Trees that hold records (everything else is derived).
const RECORD_TREES: [usize; 6] = [T_AGENTS, T_CUSTOMERS, T_CALLS, T_NOTES, T_CASES, T_AUDIT];

impl SledStore {
    /// The time zone name recorded in the store, if any.
    pub fn time_zone_name(&self) -> Option<String> {
        self.tz.iana_name().map(str::to_string)
    }

    /// Calls `emit` with every record, in a fixed order (agents, customers, calls, notes,
    /// every lead's review, cases, audit), each tree in key order.
    pub fn each_record(
        &self,
        emit: &mut dyn FnMut(BackupRecord) -> std::io::Result<()>,
    ) -> StoreResult<()> {
        let io = |e: std::io::Error| {
            StoreError::Rule(format!(
                "cannot write the backup: {}",
                crate::store::describe_io(&e)
            ))
        };
        // Agent numbers are this store's own (given in the order calls arrived), so the
        // backup numbers the agents who have calls by name instead: every workstation
        // holding the same records writes the same backup.
        let mut rank = 0;
        for item in self.tree(T_AGENTS).iter() {
            let (name, number) = item?;
            let prefix = (read_counter(&number) as u32).to_be_bytes();
            if self
                .tree(T_CALL_BY_AGENT)
                .scan_prefix(prefix)
                .next()
                .is_none()
            {
                continue;
            }
            rank += 1;
            emit(BackupRecord::Agent {
                name: String::from_utf8_lossy(&name).into_owned(),
                number: rank,
            })
            .map_err(io)?;
        }
        for item in self.tree(T_CUSTOMERS).iter() {
            let (_, value) = item?;
            emit(BackupRecord::Customer {
                record: decode(&value)?,
            })
            .map_err(io)?;
        }
        for item in self.tree(T_CALLS).iter() {
            let (_, value) = item?;
            emit(BackupRecord::Call {
                record: decode(&value)?,
            })
            .map_err(io)?;
        }
        for item in self.tree(T_NOTES).iter() {
            let (key, value) = item?;
            let call_id =
                keys::id_from(&key).ok_or_else(|| StoreError::Corrupt("a notes key".into()))?;
            emit(BackupRecord::Notes {
                call_id,
                text: decode_text(&value)?,
            })
            .map_err(io)?;
        }
        for item in self.tree(T_REVIEWS).iter() {
            let (_, value) = item?;
            let list: Vec<crate::domain::review::LeadReview> = decode(&value)?;
            for record in list {
                // A backup holds records, not operations: a restored store names its
                // reviews by the operations it makes when it joins a team.
                let record = crate::domain::review::LeadReview {
                    op: None,
                    stamp: None,
                    ..record
                };
                emit(BackupRecord::Review { record }).map_err(io)?;
            }
        }
        for item in self.tree(T_CASES).iter() {
            let (_, value) = item?;
            emit(BackupRecord::Case {
                record: decode(&value)?,
            })
            .map_err(io)?;
        }
        for item in self.tree(T_AUDIT).iter() {
            let (_, value) = item?;
            emit(BackupRecord::Audit {
                record: decode(&value)?,
            })
            .map_err(io)?;
        }
        Ok(())
    }

    /// The time zone whose calendar days this store counts in.
    pub fn time_zone(&self) -> TimeZone {
        self.tz.clone()
    }

    /// Copies every tree, key by key, into `target` (which should be empty) in bounded
    /// batches: a fresh store with the same content, records, indexes and tallies alike,
    /// and none of the old versions sled keeps in its log.
    pub fn copy_records_to(&self, target: &SledStore) -> StoreResult<()> {
        const COPY_BATCH: usize = 10_000;
        // The target made its own log state when it was opened (a new workstation id, and
        // "covered" for an empty store); the copy is this store, so it takes this store's
        // entirely: a key left over would claim what is not so.
        target.tree(T_OPLOG).clear()?;
        for (from, to) in self.trees.iter().zip(&target.trees) {
            let mut batch = sled::Batch::default();
            let mut pending = 0;
            for item in from.iter() {
                let (key, value) = item?;
                batch.insert(key, value);
                pending += 1;
                if pending == COPY_BATCH {
                    to.apply_batch(std::mem::take(&mut batch))?;
                    pending = 0;
                }
            }
            to.apply_batch(batch)?;
        }
        for item in self.db.iter() {
            let (key, value) = item?;
            target.db.insert(key, value)?;
        }
        target.db.flush()?;
        Ok(())
    }

    /// Whether the store holds any record at all.
    pub fn has_records(&self) -> bool {
        RECORD_TREES.iter().any(|t| !self.tree(*t).is_empty())
    }

    /// Removes every record and everything derived (a forced restore).
    pub fn clear_all(&self) -> StoreResult<()> {
        for tree in &self.trees {
            tree.clear()?;
        }
        Ok(())
    }

    /// Days are counted in `name` from now on (a restore takes the backup's zone).
    pub fn set_time_zone(&mut self, name: &str) -> StoreResult<()> {
        if let Ok(tz) = TimeZone::get(name) {
            self.db.insert(b"time_zone", name.as_bytes())?;
            self.tz = tz;
        }
        Ok(())
    }

    /// Writes records (already checked) in batches; call `finish_restore` after the last.
    pub fn restore_records(&self, records: &[BackupRecord]) -> StoreResult<()> {
        let mut batches: Vec<sled::Batch> = (0..self.trees.len())
            .map(|_| sled::Batch::default())
            .collect();
        let mut calls = Vec::new();
        let mut reviews = Vec::new();
        for record in records {
            match record {
                BackupRecord::Agent { name, number } => {
                    batches[T_AGENTS].insert(name.as_bytes(), &i64::from(*number).to_be_bytes())
                }
                BackupRecord::Customer { record } => {
                    batches[T_CUSTOMERS].insert(&keys::id(record.id), encode(record)?)
                }
                BackupRecord::Call { record } => {
                    calls.push(record);
                    batches[T_CALLS].insert(&keys::id(record.id), encode(record)?)
                }
                BackupRecord::Review { record } => reviews.push(record),
                BackupRecord::Notes { call_id, text } => {
                    batches[T_NOTES].insert(&keys::id(*call_id), encode_text(text))
                }
                BackupRecord::Case { record } => {
                    batches[T_CASES].insert(&keys::id(record.id), encode(record)?)
                }
                BackupRecord::Audit { record } => batches[T_AUDIT].insert(
                    keys::join(&[&keys::id(record.subject), &keys::id(record.id)]),
                    encode(record)?,
                ),
                BackupRecord::Header { .. } | BackupRecord::Checksum { .. } => {}
            }
        }
        self.restore_reviews(&calls, &reviews, &mut batches[T_REVIEWS])?;
        for (tree, batch) in self.trees.iter().zip(batches) {
            tree.apply_batch(batch)?;
        }
        Ok(())
    }

    /// After the records: rebuild every index, counter and daily tally, and flush. No
    /// operation covers the records written: the first sync in a team emits them.
    pub fn finish_restore(&self) -> StoreResult<()> {
        self.tree(T_OPLOG).remove(super::oplog::meta::COVERED)?;
        self.rebuild_derived()
    }
}

/// What erasing a customer removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub name: String,
    pub calls: usize,
    pub notes: usize,
    pub cases: usize,
    pub audit: usize,
}

impl SledStore {
    fn keys_with_prefix(&self, tree: usize, prefix: &[u8]) -> StoreResult<Vec<Vec<u8>>> {
        self.tree(tree)
            .scan_prefix(prefix)
            .map(|item| item.map(|(key, _)| key.to_vec()).map_err(StoreError::from))
            .collect()
    }

    /// Removes the customer and everything about them (calls, notes, cases, reviews,
    /// audit entries) with their index entries, counters and daily tallies, in one
    /// transaction. `None` when there is no such customer.
    pub fn erase_customer(&self, customer_id: crate::domain::Id) -> StoreResult<Option<Erased>> {
        let Some(customer) = self.load::<crate::domain::Customer>(T_CUSTOMERS, customer_id)? else {
            return Ok(None);
        };
        let prefix = keys::id(customer_id);
        let call_ids: Vec<crate::domain::Id> = self
            .keys_with_prefix(T_CALL_BY_CUSTOMER, &prefix)?
            .iter()
            .filter_map(|key| key.get(24..).and_then(keys::id_from))
            .collect();
        let case_ids: Vec<crate::domain::Id> = self
            .keys_with_prefix(T_CASE_BY_CUSTOMER, &prefix)?
            .iter()
            .filter_map(|key| key.get(16..).and_then(keys::id_from))
            .collect();
        let mut audit_keys = self.keys_with_prefix(T_AUDIT, &prefix)?;
        for subject in call_ids.iter().chain(&case_ids) {
            audit_keys.extend(self.keys_with_prefix(T_AUDIT, &keys::id(*subject))?);
        }
        // Customers merged into this one are the same person: the team forgets them too.
        let (members, ops) = self.group_ops(customer_id)?;
        let erased = self.transaction(|tx| {
            let mut erased = Erased {
                name: customer.name.clone(),
                ..Erased::default()
            };
            for id in &call_ids {
                if let Some(call) = tx.load::<crate::domain::Call>(T_CALLS, *id)? {
                    if tx.get(T_NOTES, &keys::id(*id))?.is_some() {
                        erased.notes += 1;
                    }
                    tx.remove_call(&call)?;
                    erased.calls += 1;
                }
            }
            for id in &case_ids {
                if let Some(case) = tx.load::<crate::domain::Case>(T_CASES, *id)? {
                    tx.remove_case(&case)?;
                    erased.cases += 1;
                }
            }
            for key in &audit_keys {
                tx.del(T_AUDIT, key)?;
            }
            erased.audit = audit_keys.len();
            if let Some(current) = tx.load::<crate::domain::Customer>(T_CUSTOMERS, customer_id)? {
                tx.remove_customer(&current)?;
            }
            // The team forgets them too: what is left of their operations is their id.
            for member in &members {
                let about: Vec<_> = ops
                    .iter()
                    .filter(|op| op.payload.customer() == *member)
                    .cloned()
                    .collect();
                SledStore::erase_ops(tx, *member, &about)?;
            }
            Ok(erased)
        })?;
        self.db.flush()?;
        Ok(Some(erased))
    }
}
