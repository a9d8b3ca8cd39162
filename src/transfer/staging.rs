//! Replacing a store as a whole, so that a command that writes many records either
//! completes or leaves the store as it was: the new content is built in a fresh store
//! directory beside the old one (`.NAME.new`), and only when it is complete and flushed
//! is it swapped in by renames; the old directory is then deleted. Restore, demo, import
//! and gen use it, and erase uses it to rewrite the store without the erased records
//! (sled keeps old versions of values in its log files until it reuses them).
//!
//! Between the two renames the store lives at `.NAME.old`; `recover` (run before every
//! open) puts back whichever copy is complete after a crash in that instant.

use std::path::{Path, PathBuf};

use crate::store::{SledStore, StoreError};

/// A sibling of the store directory, `.NAME.SUFFIX`, on the same file system.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_string());
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{suffix}"))
}

/// Where a new store is built before it replaces the one at `path`.
pub fn staging_path(path: &Path) -> PathBuf {
    sibling(path, "new")
}

/// Where the old store waits while the new one is moved in.
fn aside_path(path: &Path) -> PathBuf {
    sibling(path, "old")
}

/// The marker written into a staged store once it is complete.
const COMPLETE: &str = "fourroads.complete";

fn remove_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn sync_dir(path: &Path) {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// After a crash between the two renames of a swap: the store directory is missing and
/// the old one waits aside. Moves the complete new store in, or else the old one back.
pub fn recover(path: &Path) -> std::io::Result<()> {
    let aside = aside_path(path);
    if path.exists() || !aside.exists() {
        return Ok(());
    }
    let staged = staging_path(path);
    if staged.join(COMPLETE).exists() {
        std::fs::rename(&staged, path)?;
        remove_dir(&aside)?;
    } else {
        std::fs::rename(&aside, path)?;
    }
    sync_dir(path);
    Ok(())
}

/// Builds the store's next content in a fresh directory and swaps it in when `fill`
/// succeeds. With `copy`, the fresh store starts with every record of `store` (indexes
/// rebuilt); without, it starts empty (a restore). On any failure the fresh directory is
/// deleted and the store is left exactly as it was. On success `store` is the new store.
pub fn replace<T, E>(
    store: &mut SledStore,
    copy: bool,
    fill: impl FnOnce(&mut SledStore) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let path = store.path().to_path_buf();
    let staged = staging_path(&path);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Open { path, source }
    };
    // A leftover from an interrupted run: nobody else can be using it, as we hold the
    // store's lock.
    remove_dir(&staged).map_err(io(&staged))?;
    let built = (|| {
        let mut fresh = SledStore::open_in_zone(&staged, store.time_zone())?;
        if copy {
            store.copy_records_to(&fresh)?;
        }
        let value = fill(&mut fresh)?;
        crate::store::Store::flush(&fresh)?;
        drop(fresh);
        std::fs::write(staged.join(COMPLETE), b"").map_err(io(&staged))?;
        Ok::<T, E>(value)
    })();
    let value = match built {
        Ok(value) => value,
        Err(e) => {
            let _ = remove_dir(&staged);
            return Err(e);
        }
    };
    let aside = aside_path(&path);
    remove_dir(&aside).map_err(io(&aside))?;
    std::fs::rename(&path, &aside).map_err(io(&path))?;
    if let Err(e) = std::fs::rename(&staged, &path) {
        let _ = std::fs::rename(&aside, &path);
        let _ = remove_dir(&staged);
        return Err(io(&path)(e).into());
    }
    let _ = std::fs::remove_file(path.join(COMPLETE));
    sync_dir(&path);
    let reopened = SledStore::open_in_zone(&path, store.time_zone())?;
    drop(std::mem::replace(store, reopened));
    remove_dir(&aside).map_err(io(&aside))?;
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
