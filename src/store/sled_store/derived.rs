//! Everything derived from the records (index entries, counters, daily tallies): a
//! full recount to check a store, and a streaming rebuild for migrations, restores and
//! generated stores.

use std::collections::HashMap;

use super::records::{Derived, read_counter};
use super::*;
use crate::domain::{Call, Case, Customer};
use crate::store::codec::{decode, decode_text};
use crate::store::keys;

/// What `each_entry` calls with a key and its value.
type EachEntry<'a> = dyn FnMut(&[u8], &[u8]) -> StoreResult<()> + 'a;

impl SledStore {
    /// Calls `each` with every value of `tree` in key order, reading in chunks: a sled
    /// iterator held open pins memory that writes made meanwhile would free, so a long
    /// scan that writes as it goes must let go now and then.
    pub(super) fn each_value(
        &self,
        tree: usize,
        each: &mut dyn FnMut(&[u8]) -> StoreResult<()>,
    ) -> StoreResult<()> {
        self.each_entry(tree, &mut |_, value| each(value))
    }

    /// As `each_value`, with the key.
    pub(super) fn each_entry(&self, tree: usize, each: &mut EachEntry<'_>) -> StoreResult<()> {
        const CHUNK: usize = 10_000;
        let mut after: Option<sled::IVec> = None;
        loop {
            let range = match &after {
                Some(key) => self.tree(tree).range::<&[u8], _>((
                    std::ops::Bound::Excluded(key.as_ref()),
                    std::ops::Bound::Unbounded,
                )),
                None => self.tree(tree).range::<&[u8], _>(..),
            };
            let mut seen = 0;
            for item in range.take(CHUNK) {
                let (key, value) = item?;
                each(&key, &value)?;
                after = Some(key);
                seen += 1;
            }
            if seen < CHUNK {
                return Ok(());
            }
        }
    }

    fn agent_numbers(&self) -> HashMap<String, u32> {
        self.tree(T_AGENTS)
            .iter()
            .filter_map(Result::ok)
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(&k).into_owned(),
                    read_counter(&v) as u32,
                )
            })
            .collect()
    }

    /// Every index entry and counter the records imply. Agents without a number get
    /// one in `agents` (only a rebuild has none to find).
    fn derive(
        &self,
        agents: &mut HashMap<String, u32>,
        drain: &mut dyn FnMut(&mut Derived) -> StoreResult<()>,
    ) -> StoreResult<Derived> {
        let mut derived = Derived::default();
        self.each_value(T_CUSTOMERS, &mut |value| {
            match decode::<Customer>(value) {
                Ok(customer) => derived.customer(&customer, &self.tz),
                Err(e) => tracing::warn!(error = %e, "skipped a damaged customer record"),
            }
            drain(&mut derived)
        })?;
        self.each_value(T_CALLS, &mut |value| {
            let call: Call = match decode(value) {
                Ok(call) => call,
                Err(e) => {
                    tracing::warn!(error = %e, "skipped a damaged call record");
                    return Ok(());
                }
            };
            let agent = match agents.get(&call.agent) {
                Some(number) => *number,
                None => {
                    let next = agents.values().copied().max().unwrap_or(0) + 1;
                    agents.insert(call.agent.clone(), next);
                    next
                }
            };
            derived.call(&call, agent, &self.tz);
            drain(&mut derived)
        })?;
        self.each_entry(T_NOTES, &mut |key, value| {
            let Some(call) = keys::id_from(key) else {
                tracing::warn!("skipped notes with a damaged key");
                return Ok(());
            };
            match decode_text(value) {
                Ok(text) => derived.notes(call, &text),
                Err(e) => tracing::warn!(error = %e, "skipped damaged notes"),
            }
            drain(&mut derived)
        })?;
        self.each_value(T_CASES, &mut |value| {
            match decode::<Case>(value) {
                Ok(case) => derived.case(&case),
                Err(e) => tracing::warn!(error = %e, "skipped a damaged case record"),
            }
            drain(&mut derived)
        })?;
        Ok(derived)
    }

    /// Recomputes every counter, daily tally and index entry from the records and lists
    /// each disagreement with what is stored (empty when the store is consistent).
    pub fn check_consistency(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let mut agents = self.agent_numbers();
        let known = agents.len();
        let derived = self.derive(&mut agents, &mut |_| Ok(()))?;
        if agents.len() != known {
            problems.push(format!("{} agents have no number", agents.len() - known));
        }
        for (tree, mut expected) in [(T_COUNTERS, derived.counters), (T_DAILY, derived.daily)] {
            for item in self.tree(tree).iter() {
                let (key, value) = item?;
                if tree == T_COUNTERS && key.as_ref() == b"agents" {
                    continue;
                }
                let stored = read_counter(&value);
                let wanted = expected.remove(key.as_ref()).unwrap_or(0);
                if stored != wanted {
                    problems.push(format!(
                        "{} {:?}: stored {stored}, records say {wanted}",
                        TREE_NAMES[tree],
                        String::from_utf8_lossy(&key)
                    ));
                }
            }
            for (key, wanted) in expected {
                problems.push(format!(
                    "{} {:?}: missing, records say {wanted}",
                    TREE_NAMES[tree],
                    String::from_utf8_lossy(&key)
                ));
            }
        }
        for tree in DERIVED_TREES.into_iter().filter(|t| *t != T_COUNTERS) {
            let of_tree = derived.index.iter().filter(|e| e.0 == tree);
            let mut expected: Vec<(Vec<u8>, Vec<u8>)> = if tree == T_SEARCH {
                // The records give postings; the tree holds them as blocks.
                super::postings::blocks_of(of_tree.map(|e| e.1.as_slice()))
            } else {
                of_tree.map(|e| (e.1.clone(), e.2.clone())).collect()
            };
            expected.sort();
            let stored: Vec<(Vec<u8>, Vec<u8>)> = self
                .tree(tree)
                .iter()
                .filter_map(Result::ok)
                .map(|(k, v)| (k.to_vec(), v.to_vec()))
                .collect();
            if stored != expected {
                problems.push(format!(
                    "index {}: {} entries stored, records give {}",
                    TREE_NAMES[tree],
                    stored.len(),
                    expected.len()
                ));
            }
        }
        Ok(problems)
    }

    /// Rewrites every index, counter and daily tally from the records (a migration, or a
    /// repair). Runs while the store is locked to this process. Reading and deriving
    /// (decoding every record, cutting every note into terms) runs on a thread of its
    /// own, handing index entries over in batches while this one writes them, so the
    /// rebuild of a large store keeps two cores busy.
    pub fn rebuild_derived(&self) -> StoreResult<()> {
        /// Index entries written per batch, so memory stays bounded at any store size.
        const INDEX_BATCH: usize = 10_000;
        /// Batches derived ahead of the writes.
        const AHEAD: usize = 2;
        let mut agents = self.agent_numbers();
        for tree in DERIVED_TREES.into_iter().chain([T_DAILY]) {
            self.tree(tree).clear()?;
        }
        // Full-text postings come in id order per kind and are gathered into blocks.
        let mut blocks = super::postings::BlockBuilder::default();
        let mut write_index = |index: Vec<IndexEntry>| -> StoreResult<()> {
            let mut batches: HashMap<usize, sled::Batch> = HashMap::new();
            for (tree, key, value) in index {
                if tree == T_SEARCH {
                    blocks.add(self.tree(T_SEARCH), &key)?;
                    continue;
                }
                batches.entry(tree).or_default().insert(key, value);
            }
            for (tree, batch) in batches {
                self.tree(tree).apply_batch(batch)?;
            }
            // Writing out lets sled drop the dirty pages it would otherwise keep. (Batches
            // of 200,000 full-text entries ran a 100k-call `gen` up to 3.7 GB.)
            self.db.flush()?;
            Ok(())
        };
        let derived = std::thread::scope(|scope| -> StoreResult<Derived> {
            let (send, receive) = std::sync::mpsc::sync_channel::<Vec<IndexEntry>>(AHEAD);
            let agents = &mut agents;
            let deriving = scope.spawn(move || {
                let mut derived = self.derive(agents, &mut |derived| {
                    if derived.index.len() >= INDEX_BATCH {
                        // The writer stopped (an error): say so by stopping too.
                        send.send(std::mem::take(&mut derived.index))
                            .map_err(|_| StoreError::Rule("the index writer stopped".into()))?;
                    }
                    Ok(())
                })?;
                let rest = std::mem::take(&mut derived.index);
                send.send(rest)
                    .map_err(|_| StoreError::Rule("the index writer stopped".into()))?;
                Ok(derived)
            });
            let mut written = Ok(());
            for index in receive {
                written = write_index(index);
                if written.is_err() {
                    break;
                }
            }
            let derived = match deriving.join() {
                Ok(derived) => derived,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            // The writer's error is the cause when both failed.
            written?;
            derived
        })?;
        blocks.write(self.tree(T_SEARCH))?;
        for (name, number) in &agents {
            self.tree(T_AGENTS)
                .insert(name.as_bytes(), &i64::from(*number).to_be_bytes())?;
        }
        let highest = agents.values().copied().max().unwrap_or(0);
        self.tree(T_COUNTERS)
            .insert(b"agents", &i64::from(highest).to_be_bytes())?;
        for (key, count) in derived.counters {
            self.tree(T_COUNTERS).insert(key, &count.to_be_bytes())?;
        }
        for (key, count) in derived.daily {
            self.tree(T_DAILY).insert(key, &count.to_be_bytes())?;
        }
        self.db.flush()?;
        Ok(())
    }
}
