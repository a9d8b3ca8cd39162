//! The sled implementation of `Store`: opening (with a lock file so a second window gets
//! a clear message), schema version and migrations, owner-only files, and the trees.

mod apply;
mod backup;
mod bulk;
mod customers;
mod dashboard;
mod derived;
mod identity;
mod oplog;
mod postings;
mod pulled;
mod queries;
mod records;
mod reports;
mod reviews;
mod search;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use sled::Tree;
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::{SCHEMA_VERSION, StoreError, StoreResult};
pub use backup::Erased;
pub use identity::Foreign;
pub use oplog::SyncState;
pub use pulled::PulledWriter;
use records::Tx;

/// Every tree, in the order of the `T_*` indexes below.
const TREE_NAMES: [&str; 31] = [
    "customers",
    "calls",
    "notes",
    "cases",
    "audit",
    "agents",
    "counters",
    "idx_call_by_customer",
    "idx_call_by_time",
    "idx_call_by_agent",
    "idx_call_by_road",
    "idx_call_unreviewed",
    "idx_open_call_by_customer",
    "idx_open_case_by_due",
    "idx_case_by_customer",
    "idx_customer_by_status",
    "idx_open_case_by_opened",
    "idx_unreviewed_by_agent",
    "daily",
    "idx_disagreement",
    "idx_callback_by_time",
    "idx_search",
    "ops",
    "idx_ops_by_customer",
    "oplog",
    "notes_unsent",
    "review_ops",
    "case_heads",
    "customers_to_redo",
    "reviews",
    "set_aside",
];
const T_CUSTOMERS: usize = 0;
const T_CALLS: usize = 1;
const T_NOTES: usize = 2;
const T_CASES: usize = 3;
const T_AUDIT: usize = 4;
const T_AGENTS: usize = 5;
const T_COUNTERS: usize = 6;
const T_CALL_BY_CUSTOMER: usize = 7;
const T_CALL_BY_TIME: usize = 8;
const T_CALL_BY_AGENT: usize = 9;
const T_CALL_BY_ROAD: usize = 10;
const T_CALL_UNREVIEWED: usize = 11;
const T_OPEN_CALL: usize = 12;
const T_OPEN_CASE_BY_DUE: usize = 13;
const T_CASE_BY_CUSTOMER: usize = 14;
const T_CUSTOMER_BY_STATUS: usize = 15;
const T_OPEN_CASE_BY_OPENED: usize = 16;
const T_UNREVIEWED_BY_AGENT: usize = 17;
/// Per-day tallies (kind, local date, detail → count) that the dashboard sums over a
/// period instead of reading every call; see `records::daily`.
const T_DAILY: usize = 18;
/// Reviewed calls where the lead chose another road than the agent, by time.
const T_DISAGREEMENT: usize = 19;
/// Open cases with a callback time, by that time (value: the customer), for the queue.
const T_CALLBACK_BY_TIME: usize = 20;
/// The full-text index of customers and notes (see `search`).
const T_SEARCH: usize = 21;
/// Every operation this store holds, its own and other workstations': workstation id,
/// sequence number → the operation (see `oplog`).
const T_OPS: usize = 22;
/// customer id, workstation id, sequence number → nothing.
const T_OPS_BY_CUSTOMER: usize = 23;
/// The log's own state: this workstation's id, its last sequence number and clock, what
/// has been sent, what has been seen from the hub, the hub's address.
const T_OPLOG: usize = 24;
/// Calls whose notes were autosaved since their last notes operation (call → nothing):
/// autosave stays one small write, and the notes travel at wrap-up, park or sync.
const T_NOTES_DIRTY: usize = 25;
/// call id → the review operation the call shows (what an acknowledgement names).
const T_REVIEW_OPS: usize = 26;
/// case id → its closes and reopens that no other follows (what the next one follows).
const T_CASE_HEADS: usize = 27;
/// Customers whose records must be made again from their operations (customer → nothing),
/// written with the operations so a crash in between loses nothing.
const T_REDO: usize = 28;
/// call id → every lead's review of the call (`domain::review::LeadReview`, by lead); see
/// `reviews`.
const T_REVIEWS: usize = 29;
/// Operations from the hub that could not be taken in (workstation id, sequence number →
/// `domain::ops::intake::SetAside`); see `identity`.
const T_SET_ASIDE: usize = 30;

/// Deferred postings moved per round (about 60 MB of them; see `with_deferred_postings`).
const DEFERRED_ROUND: usize = 1_000_000;

/// Trees derived from the records, rebuilt by a migration.
const DERIVED_TREES: [usize; 15] = [
    T_COUNTERS,
    T_CALL_BY_CUSTOMER,
    T_CALL_BY_TIME,
    T_CALL_BY_AGENT,
    T_CALL_BY_ROAD,
    T_CALL_UNREVIEWED,
    T_OPEN_CALL,
    T_OPEN_CASE_BY_DUE,
    T_CASE_BY_CUSTOMER,
    T_CUSTOMER_BY_STATUS,
    T_OPEN_CASE_BY_OPENED,
    T_UNREVIEWED_BY_AGENT,
    T_DISAGREEMENT,
    T_CALLBACK_BY_TIME,
    T_SEARCH,
];

/// One index entry a record declares: (tree, key, value).
pub(super) type IndexEntry = (usize, Vec<u8>, Vec<u8>);

pub struct SledStore {
    path: PathBuf,
    db: sled::Db,
    trees: Vec<Tree>,
    /// The time zone whose calendar days the daily tallies use, fixed when the store is
    /// created so that a day means the same thing on every later run.
    tz: TimeZone,
    /// Held for the life of the store; the OS releases it when the process ends, even
    /// after `kill -9`.
    _lock: File,
    /// Told after every committed transaction that appended an operation of this
    /// workstation, so the team sync sends it at once instead of at its next look.
    to_send: tokio::sync::Notify,
    /// While set, full-text postings gather here instead of being moved per transaction
    /// (see `with_deferred_postings`).
    deferred_postings: std::sync::Mutex<Option<Vec<records::PostingMove>>>,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SledStore {
    /// Opens (creating if needed) the store directory at `path`; a new store counts days
    /// in the system's time zone.
    pub fn open(path: &Path) -> StoreResult<SledStore> {
        SledStore::open_in_zone(path, TimeZone::system())
    }

    /// As `open`, telling `notice` before slow one-off work (a migration that rebuilds
    /// every index), so a command line can say why the start is slow.
    pub fn open_with_notice(path: &Path, notice: &dyn Fn(&str)) -> StoreResult<SledStore> {
        SledStore::open_inner(path, TimeZone::system(), notice)
    }

    /// Opens the store; a new one counts days in `zone` (an existing one keeps its own).
    pub fn open_in_zone(path: &Path, zone: TimeZone) -> StoreResult<SledStore> {
        SledStore::open_inner(path, zone, &|_| {})
    }

    fn open_inner(path: &Path, zone: TimeZone, notice: &dyn Fn(&str)) -> StoreResult<SledStore> {
        let io = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(path).map_err(io)?;
        restrict_to_owner(path, true).map_err(io)?;
        let lock = open_private(&path.join("fourroads.lock")).map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked(path.to_path_buf()));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let db = sled::Config::new()
            .path(path.join("db"))
            .cache_capacity(128 * 1024 * 1024)
            .open()?;
        let trees = TREE_NAMES
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<Result<Vec<_>, _>>()?;
        let tz = match db.get(b"time_zone")? {
            Some(name) => TimeZone::get(&String::from_utf8_lossy(&name)).unwrap_or(zone),
            None => {
                if let Some(name) = zone.iana_name() {
                    db.insert(b"time_zone", name.as_bytes())?;
                }
                zone
            }
        };
        let mut store = SledStore {
            path: path.to_path_buf(),
            db,
            trees,
            tz,
            _lock: lock,
            to_send: tokio::sync::Notify::new(),
            deferred_postings: std::sync::Mutex::new(None),
        };
        store.check_schema(notice)?;
        restrict_tree_to_owner(path).map_err(io)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Resolves once this workstation has made a change to send since the last time it
    /// resolved (changes in between count once). For the team sync's wake-up.
    pub async fn changes_to_send(&self) {
        self.to_send.notified().await;
    }

    /// Records the schema version of a new store, migrates an older one, refuses a newer.
    fn check_schema(&mut self, notice: &dyn Fn(&str)) -> StoreResult<()> {
        let found = match self.db.get(b"schema_version")? {
            Some(bytes) => u32::from_be_bytes(
                bytes
                    .as_ref()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("schema version".into()))?,
            ),
            None => 0,
        };
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            // Version 0 is a store created before any record was written. Versions before 6
            // had fewer indexes and tallies: rebuild everything derived. Before 7 a call
            // kept only the review it shows: it becomes that lead's record (`reviews`).
            if (1..SCHEMA_VERSION).contains(&found) {
                let rebuild = found < 6;
                tracing::info!(from = found, rebuild, "migrating the store");
                notice(&if rebuild {
                    format!(
                        "updating the store at {} to this version of fourroads: rebuilding its indexes (once; a large store takes minutes)…",
                        self.path.display()
                    )
                } else {
                    format!(
                        "updating the store at {} to this version of fourroads: a record for each review (once)…",
                        self.path.display()
                    )
                });
                if rebuild {
                    self.rebuild_derived()?;
                }
                self.reviews_from_calls()?;
            }
            self.db
                .insert(b"schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            self.db.flush()?;
        }
        // A store from before operations (or a new one) gets its workstation identity; its
        // records, if any, are covered by operations when it first syncs.
        self.init_oplog()?;
        // A bulk redo cut off by a kill left records whose indexes are behind.
        self.finish_stale_rebuild()?;
        Ok(())
    }

    /// Runs `body` as one transaction over every tree.
    fn transaction<A>(&self, body: impl Fn(&Tx) -> StoreResult<A>) -> StoreResult<A> {
        // Set by the attempt that commits (sled may run the body more than once).
        let emitted = std::cell::Cell::new(false);
        let deferring = self
            .deferred_postings
            .lock()
            .map(|d| d.is_some())
            .unwrap_or(false);
        let moved = std::cell::RefCell::new(Vec::new());
        let result = self.trees[..].transaction(|trees| {
            let mut tx = Tx::new(trees, &self.tz);
            if deferring {
                tx.deferred = Some(std::cell::RefCell::new(Vec::new()));
            }
            let value = body(&tx).map_err(ConflictableTransactionError::Abort)?;
            emitted.set(tx.emitted.get());
            if let Some(deferred) = tx.deferred {
                *moved.borrow_mut() = deferred.into_inner();
            }
            Ok(value)
        });
        match result {
            Ok(value) => {
                if emitted.get() {
                    self.to_send.notify_one();
                }
                let moved = moved.into_inner();
                if !moved.is_empty()
                    && let Ok(mut deferred) = self.deferred_postings.lock()
                    && let Some(list) = deferred.as_mut()
                {
                    list.extend(moved);
                    // A customer has a posting per prefix of each word: moved in rounds,
                    // so that memory stays bounded on a large import.
                    if list.len() >= DEFERRED_ROUND {
                        postings::apply_moves(self.tree(T_SEARCH), &std::mem::take(list))?;
                    }
                }
                Ok(value)
            }
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        }
    }

    fn tree(&self, index: usize) -> &Tree {
        &self.trees[index]
    }
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path, is_dir: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if is_dir { 0o700 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path, _is_dir: bool) -> std::io::Result<()> {
    Ok(())
}

/// sled creates its files with the process umask; make every file owner-only.
fn restrict_tree_to_owner(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let is_dir = entry.file_type()?.is_dir();
        restrict_to_owner(&entry.path(), is_dir)?;
        if is_dir {
            restrict_tree_to_owner(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Clock;
    use crate::store::demo;

    #[test]
    fn a_schema_1_store_gains_its_daily_tallies_and_new_indexes_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        {
            let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
            let now = "2026-11-20T15:00:00Z".parse().unwrap();
            demo::load(&store, &Clock::fixed(now)).unwrap();
            // What a version-1 store looked like: none of the trees added in version 2.
            for tree in [T_DAILY, T_OPEN_CASE_BY_OPENED, T_UNREVIEWED_BY_AGENT] {
                store.tree(tree).clear().unwrap();
            }
            store
                .db
                .insert(b"schema_version", &1u32.to_be_bytes())
                .unwrap();
            assert!(!store.check_consistency().unwrap().is_empty());
            store.db.flush().unwrap();
        }
        let notices = std::cell::RefCell::new(Vec::new());
        let store = SledStore::open_inner(&path, TimeZone::UTC, &|text| {
            notices.borrow_mut().push(text.to_string())
        })
        .unwrap();
        assert_eq!(notices.borrow().len(), 1, "the migration is announced");
        assert!(notices.borrow()[0].contains("rebuilding its indexes"));
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        let version = store.db.get(b"schema_version").unwrap().unwrap();
        assert_eq!(version.as_ref(), &SCHEMA_VERSION.to_be_bytes());
    }

    /// A store from before operations (schema 4 or 5) gets a workstation id on open, and
    /// its records are covered by operations that make exactly them.
    #[test]
    fn a_store_from_before_operations_gets_an_id_and_operations_for_its_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let records_before = {
            let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
            let now = "2026-11-20T15:00:00Z".parse().unwrap();
            demo::load(&store, &Clock::fixed(now)).unwrap();
            for tree in [
                T_OPS,
                T_OPS_BY_CUSTOMER,
                T_OPLOG,
                T_NOTES_DIRTY,
                T_REVIEW_OPS,
                T_CASE_HEADS,
                T_REVIEWS,
            ] {
                store.tree(tree).clear().unwrap();
            }
            store
                .db
                .insert(b"schema_version", &5u32.to_be_bytes())
                .unwrap();
            store.db.flush().unwrap();
            records(&store)
        };
        let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
        assert!(store.workstation().is_ok());
        assert!(store.all_ops().unwrap().is_empty());
        assert_eq!(store.cover_records(&mut |_, _| {}).unwrap(), 44);
        assert_eq!(store.cover_records(&mut |_, _| {}).unwrap(), 0, "once");
        let ops = store.all_ops().unwrap();
        store.mark_sent(&ops).unwrap();
        store.redo_pending(&mut |_, _| {}).unwrap();
        // A schema-5 store had no review records: each call's review became its lead's,
        // named by the operation that now makes it.
        let (reviews, others): (Vec<String>, Vec<String>) = records(&store)
            .into_iter()
            .partition(|line| line.starts_with("{\"type\":\"review\""));
        assert_eq!(
            others, records_before,
            "the operations make the same records"
        );
        let reviewed = others
            .iter()
            .filter(|l| l.starts_with("{\"type\":\"call\"") && l.contains("\"review\":{"))
            .count();
        assert!(reviewed > 20);
        assert_eq!(reviews.len(), reviewed, "one per reviewed call");
        assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    }

    fn records(store: &SledStore) -> Vec<String> {
        let mut lines = Vec::new();
        store
            .each_record(&mut |record| {
                lines.push(serde_json::to_string(&record).unwrap());
                Ok(())
            })
            .unwrap();
        lines
    }
}
