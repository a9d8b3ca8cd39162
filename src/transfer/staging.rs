//! Replacing a store's content as a whole, so that a command that writes many records
//! either completes or leaves the store as it was: the new content is built in a fresh
//! sled database inside the store folder (`.next/`), and only when it is complete and
//! flushed is it swapped in for the old database by renames; the old one is then
//! deleted. Everything stays inside the store folder (no write access is needed beside
//! it), and the store's lock is held throughout. Restore, demo, import and gen use it,
//! and erase uses it to rewrite the store without the erased records (sled keeps old
//! versions of values in its log files until it reuses the space).
//!
//! Between the two renames the old database waits at `db.old`; `recover` (run before
//! every open) puts back whichever copy is complete after a crash in that instant.

use std::path::{Path, PathBuf};

use crate::store::{SledStore, StoreError};

/// sled's database inside a store folder (as `SledStore` lays it out).
const DB: &str = "db";
/// The old database while the new one is moved in.
const OLD: &str = "db.old";
/// The store folder in which the next content is built.
const NEXT: &str = ".next";
/// The marker written into the next store once it is complete.
const COMPLETE: &str = "fourroads.complete";

/// Where the next content of the store at `path` is built.
pub fn staging_path(path: &Path) -> PathBuf {
    path.join(NEXT)
}

fn remove_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn sync_dir(path: &Path) {
    if let Ok(dir) = std::fs::File::open(path) {
        let _ = dir.sync_all();
    }
}

/// Tidies what an interrupted swap left in the store folder at `path`: when the
/// database is missing and the old one waits aside, moves the complete new one in, or
/// else the old one back; then deletes the leftovers. Does nothing while another
/// fourroads holds the store (that one is not interrupted).
pub fn recover(path: &Path) -> std::io::Result<()> {
    let lock_path = path.join("fourroads.lock");
    if !lock_path.exists() {
        return Ok(());
    }
    let lock = std::fs::OpenOptions::new().write(true).open(&lock_path)?;
    if lock.try_lock().is_err() {
        return Ok(());
    }
    let db = path.join(DB);
    let old = path.join(OLD);
    let next = path.join(NEXT);
    if !db.exists() && old.exists() {
        if next.join(COMPLETE).exists() && next.join(DB).exists() {
            std::fs::rename(next.join(DB), &db)?;
        } else {
            std::fs::rename(&old, &db)?;
        }
        sync_dir(path);
    }
    remove_dir(&old)?;
    remove_dir(&next)?;
    Ok(())
}

/// Builds the store's next content in a fresh database and swaps it in when `fill`
/// succeeds. With `copy`, the fresh store starts with everything `store` holds; without,
/// it starts empty (a restore). On any failure the fresh database is deleted and the
/// store is left exactly as it was. On success `store` is the new store.
pub fn replace<T, E>(
    store: &mut SledStore,
    copy: bool,
    fill: impl FnOnce(&mut SledStore) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let path = store.path().to_path_buf();
    let next = path.join(NEXT);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Open { path, source }
    };
    // A leftover from an interrupted run: nobody else can be using it, as we hold the
    // store's lock.
    remove_dir(&next).map_err(io(&next))?;
    let zone = store.time_zone();
    let built = (|| {
        let mut fresh = SledStore::open_in_zone(&next, zone.clone())?;
        if copy {
            store.copy_records_to(&fresh)?;
            // The copy leaves every old copy behind: a rewrite owed is done by it.
            fresh.clear_rewrite_owed()?;
        }
        let value = fill(&mut fresh)?;
        crate::store::Store::flush(&fresh)?;
        drop(fresh);
        std::fs::write(next.join(COMPLETE), b"").map_err(io(&next))?;
        Ok::<T, E>(value)
    })();
    let value = match built {
        Ok(value) => value,
        Err(e) => {
            let _ = remove_dir(&next);
            return Err(e);
        }
    };
    let db = path.join(DB);
    let old = path.join(OLD);
    remove_dir(&old).map_err(io(&old))?;
    std::fs::rename(&db, &old).map_err(io(&path))?;
    if let Err(e) = std::fs::rename(next.join(DB), &db) {
        let _ = std::fs::rename(&old, &db);
        let _ = remove_dir(&next);
        return Err(io(&path)(e).into());
    }
    sync_dir(&path);
    // The store's lock must be let go before the store is opened again: for that
    // instant, `store` is an empty store in the `.next` folder.
    let placeholder = SledStore::open_in_zone(&next, zone.clone())?;
    drop(std::mem::replace(store, placeholder));
    let reopened = SledStore::open_in_zone(&path, zone)?;
    drop(std::mem::replace(store, reopened));
    remove_dir(&old).map_err(io(&old))?;
    remove_dir(&next).map_err(io(&next))?;
    Ok(value)
}

/// Erases a customer and everything about them, then rewrites the store without them:
/// sled keeps earlier versions of values in its log files, so a name and phone would
/// otherwise stay readable on disk after the erase. The rewrite copies every remaining
/// record into a fresh store and deletes the old files. `None` when there is no such
/// customer (nothing is rewritten).
pub fn erase_customer(
    store: &mut SledStore,
    customer_id: crate::domain::Id,
) -> Result<Option<crate::store::Erased>, StoreError> {
    let Some(erased) = store.erase_customer(customer_id)? else {
        return Ok(None);
    };
    replace(store, true, |_| Ok::<(), StoreError>(())).map_err(|e| {
        StoreError::Rule(format!(
            "{} was erased from the store's records, but rewriting its files failed ({e}), so old copies may remain on disk; free the space or fix the problem, then run `fourroads erase` again for any customer to rewrite them",
            crate::domain::text::sanitize_line(&erased.name)
        ))
    })?;
    Ok(Some(erased))
}

/// Rewrites the store when an erasure that came from the team left old copies in its
/// files (the sync that applied it could not: the store was in use). Returns whether it
/// did. Run by every command when it opens the store, and after `sync` and `team join`.
pub fn rewrite_if_owed(store: &mut SledStore) -> Result<bool, StoreError> {
    if !store.rewrite_owed()? {
        return Ok(false);
    }
    replace(store, true, |_| Ok::<(), StoreError>(()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Clock;
    use crate::store::{Store, demo};

    fn customers(path: &Path) -> u64 {
        recover(path).unwrap();
        let store = SledStore::open_in_zone(path, jiff::tz::TimeZone::UTC).unwrap();
        store.counters().unwrap().customers
    }

    /// The states a crash between the two renames leaves, put back on the next open.
    #[test]
    fn an_interrupted_swap_is_put_right_on_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let now = "2026-11-20T15:00:00Z".parse().unwrap();
        {
            let store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
            demo::load(&store, &Clock::fixed(now)).unwrap();
        }
        // Crashed after moving the old database aside, the new one incomplete.
        std::fs::rename(path.join(DB), path.join(OLD)).unwrap();
        std::fs::create_dir_all(path.join(NEXT).join(DB)).unwrap();
        assert_eq!(customers(&path), 44);
        assert!(!path.join(OLD).exists() && !path.join(NEXT).exists());

        // Crashed after moving the old database aside, the new one (empty) complete.
        {
            let next = SledStore::open_in_zone(&path.join(NEXT), jiff::tz::TimeZone::UTC);
            drop(next.unwrap());
        }
        std::fs::write(path.join(NEXT).join(COMPLETE), b"").unwrap();
        std::fs::rename(path.join(DB), path.join(OLD)).unwrap();
        assert_eq!(customers(&path), 0);
        assert!(!path.join(OLD).exists() && !path.join(NEXT).exists());
    }
}
