//! Writing many records into trees in key order: what a bulk redo does (see `bulk.rs`).
//!
//! A bulk redo makes records customer by customer, but a customer's calls, notes and audit
//! entries are keyed by ids spread over the whole tree. Written as they come, every chunk
//! of customers touches leaves all over trees far larger than sled's cache, and sled reads
//! each one back from disk (two thirds of a 1M-call join's bulk phase, measured). So the
//! entries are gathered here instead: sorted in memory up to a bound, spilled to a run
//! file when the bound is reached, and at the end merged from every run and written to
//! the trees in ascending key order, which fills each leaf once.
//!
//! The run files live in a folder inside the store's directory and are removed when the
//! writer is dropped, whether it finished or not.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use super::*;

/// Bytes of entries kept in memory before they are sorted and spilled to a run.
const IN_MEMORY: usize = 64 * 1024 * 1024;

/// Bytes of entries written to a tree between two flushes. sled keeps what a batch
/// writes in memory until it is flushed: 1 GB written in ascending keys peaked at 797 MB
/// with batches of 50 MB and at 248 MB with batches of 2 MB, in about the same time.
const FLUSH_EVERY: usize = 2 * 1024 * 1024;

/// One entry: the tree (its index in `SledStore::trees`), the key, the value.
type Entry = (usize, Vec<u8>, Vec<u8>);

pub(super) struct SortedWriter {
    dir: PathBuf,
    entries: Vec<Entry>,
    bytes: usize,
    limit: usize,
    runs: Vec<PathBuf>,
}

impl SortedWriter {
    /// A writer whose run files go into `dir` (made now, removed on drop).
    pub(super) fn new(dir: PathBuf) -> StoreResult<Self> {
        Self::with_limit(dir, IN_MEMORY)
    }

    fn with_limit(dir: PathBuf, limit: usize) -> StoreResult<Self> {
        // A folder left by a writer a kill cut off holds nothing anyone needs.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Rule(describe(&e)))?;
        Ok(SortedWriter {
            dir,
            entries: Vec::new(),
            bytes: 0,
            limit,
            runs: Vec::new(),
        })
    }

    /// Adds an entry; a later entry with the same tree and key replaces an earlier one.
    pub(super) fn insert(&mut self, tree: usize, key: Vec<u8>, value: Vec<u8>) -> StoreResult<()> {
        self.bytes += key.len() + value.len() + 64;
        self.entries.push((tree, key, value));
        if self.bytes >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts what is in memory (a stable sort: the latest of equal keys stays last) and
    /// writes it out as one run, each key once.
    fn spill(&mut self) -> StoreResult<()> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let path = self.dir.join(format!("run-{}", self.runs.len()));
        let mut entries = std::mem::take(&mut self.entries);
        self.bytes = 0;
        entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let io = |e: std::io::Error| StoreError::Rule(describe(&e));
        let mut out = BufWriter::new(File::create(&path).map_err(io)?);
        let mut entries = entries.into_iter().peekable();
        while let Some((tree, key, value)) = entries.next() {
            // Of equal keys the last added is the one kept: a run holds each key once.
            if entries
                .peek()
                .is_some_and(|next| (next.0, &next.1) == (tree, &key))
            {
                continue;
            }
            out.write_all(&(tree as u32).to_be_bytes()).map_err(io)?;
            out.write_all(&(key.len() as u32).to_be_bytes())
                .map_err(io)?;
            out.write_all(&key).map_err(io)?;
            out.write_all(&(value.len() as u32).to_be_bytes())
                .map_err(io)?;
            out.write_all(&value).map_err(io)?;
        }
        out.flush().map_err(io)?;
        self.runs.push(path);
        Ok(())
    }

    /// Merges every run and writes the entries to `trees` in (tree, key) order.
    pub(super) fn finish(mut self, trees: &[Tree], db: &sled::Db) -> StoreResult<()> {
        self.spill()?;
        let mut runs = self
            .runs
            .iter()
            .map(|path| Run::open(path))
            .collect::<StoreResult<Vec<_>>>()?;
        // The smallest (tree, key) first; among equal keys the later run (added later).
        let mut heap = BinaryHeap::new();
        for (index, run) in runs.iter_mut().enumerate() {
            if let Some(entry) = run.next()? {
                heap.push(Reverse((entry.0, entry.1, Reverse(index), entry.2)));
            }
        }
        let mut batch = sled::Batch::default();
        let mut batch_tree = None;
        let mut in_batch = 0;
        while let Some(Reverse((tree, key, Reverse(index), value))) = heap.pop() {
            if let Some(entry) = runs[index].next()? {
                heap.push(Reverse((entry.0, entry.1, Reverse(index), entry.2)));
            }
            // The same key from an older run comes right after; the newest is written.
            while let Some(Reverse((next_tree, next_key, _, _))) = heap.peek() {
                if (*next_tree, next_key) != (tree, &key) {
                    break;
                }
                let Some(Reverse((_, _, Reverse(older), _))) = heap.pop() else {
                    break;
                };
                if let Some(entry) = runs[older].next()? {
                    heap.push(Reverse((entry.0, entry.1, Reverse(older), entry.2)));
                }
            }
            if batch_tree != Some(tree) || in_batch >= FLUSH_EVERY {
                if let Some(previous) = batch_tree {
                    trees[previous].apply_batch(std::mem::take(&mut batch))?;
                    db.flush()?;
                }
                batch_tree = Some(tree);
                in_batch = 0;
            }
            in_batch += key.len() + value.len();
            batch.insert(key, value);
        }
        if let Some(tree) = batch_tree {
            trees[tree].apply_batch(batch)?;
        }
        db.flush()?;
        Ok(())
    }
}

impl Drop for SortedWriter {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A run file read back in order.
struct Run {
    input: BufReader<File>,
}

impl Run {
    fn open(path: &std::path::Path) -> StoreResult<Run> {
        let file = File::open(path).map_err(|e| StoreError::Rule(describe(&e)))?;
        Ok(Run {
            input: BufReader::with_capacity(256 * 1024, file),
        })
    }

    fn next(&mut self) -> StoreResult<Option<Entry>> {
        let io = |e: std::io::Error| StoreError::Rule(describe(&e));
        let mut word = [0u8; 4];
        match self.input.read_exact(&mut word) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io(e)),
        }
        let tree = u32::from_be_bytes(word) as usize;
        let mut bytes = |input: &mut BufReader<File>| -> StoreResult<Vec<u8>> {
            input.read_exact(&mut word).map_err(io)?;
            let mut data = vec![0; u32::from_be_bytes(word) as usize];
            input.read_exact(&mut data).map_err(io)?;
            Ok(data)
        };
        let key = bytes(&mut self.input)?;
        let value = bytes(&mut self.input)?;
        Ok(Some((tree, key, value)))
    }
}

fn describe(e: &std::io::Error) -> String {
    format!(
        "a bulk write's temporary files: {}",
        crate::store::describe_io(e)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries given in any order, spilled over many runs, come out in key order per tree,
    /// every one of them, the latest value of a key winning.
    #[test]
    fn entries_spilled_over_runs_are_written_in_order_and_the_latest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().temporary(true).open().unwrap();
        let trees: Vec<Tree> = (0..3)
            .map(|n| db.open_tree(format!("t{n}")).unwrap())
            .collect();
        let work = dir.path().join("sorted");
        // A tiny bound: a run every few entries.
        let mut writer = SortedWriter::with_limit(work.clone(), 300).unwrap();
        let mut expected = std::collections::BTreeMap::new();
        let mut seed = 7u64;
        for n in 0..2_000u32 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let tree = (seed >> 33) as usize % 3;
            let key = ((seed >> 40) % 500).to_be_bytes().to_vec();
            let value = n.to_be_bytes().to_vec();
            expected.insert((tree, key.clone()), value.clone());
            writer.insert(tree, key, value).unwrap();
        }
        assert!(writer.runs.len() > 10, "spilled {} runs", writer.runs.len());
        writer.finish(&trees, &db).unwrap();
        assert!(!work.exists(), "the run files are removed");
        let written: std::collections::BTreeMap<_, _> = trees
            .iter()
            .enumerate()
            .flat_map(|(n, tree)| {
                tree.iter()
                    .map(move |item| {
                        let (k, v) = item.unwrap();
                        ((n, k.to_vec()), v.to_vec())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(written, expected);
    }
}
