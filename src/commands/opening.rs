//! What every command shares: opening the store (recovering an interrupted swap first,
//! and rewriting its files when an erasure from the team is owed), and the one line and
//! exit status a command ends with when it fails.

use std::path::Path;

use fourroads::domain::text::sanitize_line;
use fourroads::store::{SledStore, StoreError};
use fourroads::transfer::staging;

/// One line for the user and an exit status.
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure {
            message: e.to_string(),
            code: 1,
        }
    }
}

pub(crate) fn open_store(path: &Path) -> Result<SledStore, Failure> {
    let notice = |text: &str| eprintln!("fourroads: {}", sanitize_line(text));
    staging::recover(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut store = SledStore::open_with_notice(path, &notice).map_err(|e| Failure {
        code: if matches!(e, StoreError::Locked(_)) {
            2
        } else {
            1
        },
        message: e.to_string(),
    })?;
    rewrite_after_erasure(&mut store)?;
    Ok(store)
}

/// An erasure from the team removed records: the store's files are rewritten without the
/// old copies (see `staging::rewrite_if_owed`).
pub(super) fn rewrite_after_erasure(store: &mut SledStore) -> Result<(), Failure> {
    if store.rewrite_owed()? {
        eprintln!("fourroads: rewriting the store's files without a customer the team erased…");
        staging::rewrite_if_owed(store)?;
    }
    Ok(())
}
