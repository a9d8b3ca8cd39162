//! How the full-text index stores its posting lists (see `search` for what a posting
//! is): blocks of ids, one sled key per term, kind and stretch of time, so that sled
//! holds about fifty times fewer keys than postings. Reading a list newest first, moving
//! postings inside a transaction, and building every block of a store in one pass.

use std::collections::BTreeMap;

use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use super::*;
use crate::store::keys;

/// Ids of one term and kind whose times agree above this bit share a block.
const STRETCH_SHIFT: u32 = 27;
/// Bytes of an id in a block.
const ID_BYTES: usize = 16;

/// The stretch of time an id falls in (a UUIDv7 starts with its Unix milliseconds).
fn stretch(id: u128) -> u32 {
    ((id >> 80) >> STRETCH_SHIFT) as u32
}

/// The key of the block under `prefix` that holds `id`.
fn block_key(prefix: &[u8], id: u128) -> Vec<u8> {
    keys::join(&[prefix, &stretch(id).to_be_bytes()])
}

/// A posting's prefix (term, 0, kind) and id.
fn split_posting(posting: &[u8]) -> Option<(&[u8], u128)> {
    let at = posting.len().checked_sub(ID_BYTES)?;
    let id = u128::from_be_bytes(posting[at..].try_into().ok()?);
    Some((&posting[..at], id))
}

/// The ids of a block, in order (a damaged tail shorter than an id is ignored).
fn block_ids(block: &[u8]) -> impl Iterator<Item = u128> + '_ {
    block
        .chunks_exact(ID_BYTES)
        .filter_map(|chunk| chunk.try_into().ok().map(u128::from_be_bytes))
}

fn encode_ids(ids: &[u128]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_be_bytes()).collect()
}

/// The highest id of `block` at or below `bound`.
fn highest_at_most(block: &[u8], bound: u128) -> Option<u128> {
    let count = block.len() / ID_BYTES;
    let id_at = |i: usize| {
        block[i * ID_BYTES..(i + 1) * ID_BYTES]
            .try_into()
            .map(u128::from_be_bytes)
            .unwrap_or(u128::MAX)
    };
    // The first position whose id is above the bound.
    let (mut low, mut high) = (0, count);
    while low < high {
        let mid = (low + high) / 2;
        if id_at(mid) <= bound {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    (low > 0).then(|| id_at(low - 1))
}

/// The blocks that hold `postings` (any order), sorted by key: what the tree holds for
/// them, for `check_consistency`.
pub(super) fn blocks_of<'a>(postings: impl Iterator<Item = &'a [u8]>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut blocks: BTreeMap<Vec<u8>, Vec<u128>> = BTreeMap::new();
    for (prefix, id) in postings.filter_map(split_posting) {
        blocks.entry(block_key(prefix, id)).or_default().push(id);
    }
    blocks
        .into_iter()
        .map(|(key, mut ids)| {
            ids.sort_unstable();
            ids.dedup();
            (key, encode_ids(&ids))
        })
        .collect()
}

/// Takes the `gone` postings out of their blocks and puts the `added` ones in, inside a
/// transaction over the index tree; a block left empty goes.
pub(super) fn move_postings(
    tree: &TransactionalTree,
    gone: &[&[u8]],
    added: &[&[u8]],
) -> Result<(), UnabortableTransactionError> {
    for (posting, adding) in gone
        .iter()
        .map(|p| (*p, false))
        .chain(added.iter().map(|p| (*p, true)))
    {
        let Some((prefix, id)) = split_posting(posting) else {
            continue;
        };
        let key = block_key(prefix, id);
        let mut ids: Vec<u128> = match tree.get(&key)? {
            Some(block) => block_ids(&block).collect(),
            None => Vec::new(),
        };
        match (ids.binary_search(&id), adding) {
            (Err(at), true) => ids.insert(at, id),
            (Ok(at), false) => {
                ids.remove(at);
            }
            // Already as wanted.
            _ => continue,
        }
        if ids.is_empty() {
            tree.remove(key)?;
        } else {
            tree.insert(key, encode_ids(&ids))?;
        }
    }
    Ok(())
}

/// Moves many postings at once, outside a transaction (see
/// `SledStore::with_deferred_postings`): each block is read and written once, its moves
/// applied in the order given.
pub(super) fn apply_moves(tree: &Tree, moves: &[super::records::PostingMove]) -> StoreResult<()> {
    let mut blocks: BTreeMap<Vec<u8>, Vec<(u128, bool)>> = BTreeMap::new();
    for (posting, adding) in moves {
        if let Some((prefix, id)) = split_posting(posting) {
            blocks
                .entry(block_key(prefix, id))
                .or_default()
                .push((id, *adding));
        }
    }
    // A block at a time, so that only one is held beside the moves.
    for (key, changes) in blocks {
        let mut ids: Vec<u128> = match tree.get(&key)? {
            Some(block) => block_ids(&block).collect(),
            None => Vec::new(),
        };
        for (id, adding) in changes {
            match (ids.binary_search(&id), adding) {
                (Err(at), true) => ids.insert(at, id),
                (Ok(at), false) => {
                    ids.remove(at);
                }
                _ => {}
            }
        }
        if ids.is_empty() {
            tree.remove(key)?;
        } else {
            tree.insert(key, encode_ids(&ids))?;
        }
    }
    Ok(())
}

/// Builds the blocks of a whole index from postings streamed in id order per kind (as
/// `rebuild_derived` reads the records): the blocks of one stretch are held until the
/// stream moves past it, then written once. Postings out of order are still right (a
/// block written earlier is merged), only slower.
#[derive(Default)]
pub(super) struct BlockBuilder {
    pending: BTreeMap<Vec<u8>, Vec<u128>>,
    /// The kind and stretch of the pending blocks.
    at: Option<(u8, u32)>,
}

impl BlockBuilder {
    pub(super) fn add(&mut self, tree: &Tree, posting: &[u8]) -> StoreResult<()> {
        let Some((prefix, id)) = split_posting(posting) else {
            return Ok(());
        };
        let at = (prefix.last().copied().unwrap_or_default(), stretch(id));
        if self.at != Some(at) {
            self.write(tree)?;
            self.at = Some(at);
        }
        self.pending
            .entry(block_key(prefix, id))
            .or_default()
            .push(id);
        Ok(())
    }

    /// Writes the pending blocks out.
    pub(super) fn write(&mut self, tree: &Tree) -> StoreResult<()> {
        let mut batch = sled::Batch::default();
        for (key, mut ids) in std::mem::take(&mut self.pending) {
            if let Some(stored) = tree.get(&key)? {
                ids.extend(block_ids(&stored));
            }
            ids.sort_unstable();
            ids.dedup();
            batch.insert(key, encode_ids(&ids));
        }
        tree.apply_batch(batch)?;
        Ok(())
    }
}

/// The highest id at or below `bound` (none: the newest) in the posting list under
/// `prefix`: in the block of the bound's stretch, else in the one before it (whose ids
/// are all lower).
pub(super) fn highest_listed(
    tree: &Tree,
    prefix: &[u8],
    bound: Option<u128>,
) -> StoreResult<Option<u128>> {
    let bound = bound.unwrap_or(u128::MAX);
    let upper = block_key(prefix, bound);
    for item in tree.range(prefix.to_vec()..=upper).rev() {
        let (_, block) = item?;
        if let Some(id) = highest_at_most(&block, bound) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

impl SledStore {
    /// Runs `work` (writes to this store alone: a staging copy no one else sees until it
    /// is complete) with the full-text postings of its transactions gathered and moved
    /// once at the end, a block at a time. Written one transaction at a time, a block that
    /// every new customer of an import shares ("example", "com") was rewritten whole for
    /// each, which made an import quadratic in its rows.
    pub fn with_deferred_postings<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let poisoned = || StoreError::Rule("the store's deferred postings are unreadable".into());
        *self.deferred_postings.lock().map_err(|_| poisoned())? = Some(Vec::new());
        let done = work();
        let moves = self
            .deferred_postings
            .lock()
            .map_err(|_| poisoned())?
            .take()
            .unwrap_or_default();
        let value = done?;
        apply_moves(self.tree(T_SEARCH), &moves)?;
        Ok(value)
    }

    /// The full-text index's postings, blocks (keys) and bytes of keys and values (for
    /// the benchmarks' size figures; reads the whole index).
    pub fn search_index_size(&self) -> StoreResult<(u64, u64, u64)> {
        let (mut postings, mut blocks, mut bytes) = (0, 0, 0);
        for item in self.tree(T_SEARCH).iter() {
            let (key, value) = item?;
            blocks += 1;
            postings += (value.len() / ID_BYTES) as u64;
            bytes += (key.len() + value.len()) as u64;
        }
        Ok((postings, blocks, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_id_at_most_a_bound_in_a_block() {
        let block = encode_ids(&[3, 7, 9]);
        assert_eq!(highest_at_most(&block, 2), None);
        assert_eq!(highest_at_most(&block, 3), Some(3));
        assert_eq!(highest_at_most(&block, 8), Some(7));
        assert_eq!(highest_at_most(&block, u128::MAX), Some(9));
        assert_eq!(highest_at_most(&[], 5), None);
        // A damaged block (not whole ids) reads what is whole and never panics.
        assert_eq!(highest_at_most(&block[..40], 9), Some(7));
    }
}
