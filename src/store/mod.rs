//! Persistence. `Store` is the domain-level interface the rest of the app uses; `SledStore`
//! implements it on sled with index trees (fixed-width big-endian keys), counters kept in
//! the same transaction as the records, values as a format byte plus named-field
//! MessagePack, and note text kept apart from call metadata so autosave is one small write.

pub mod backup;
mod codec;
pub mod demo;
mod keys;
pub mod reports;
pub mod search;
mod sled_store;

use std::path::PathBuf;

use crate::domain::call::{AuditEntry, Role};
use crate::domain::{Call, Case, Customer, Id, QueueEntry, Road};

pub use reports::{
    AgentFigures, CallDetail, CasePage, CaseRow, Dashboard, MatchCount, PageCursor, ReviewPage,
    ReviewQuery, ReviewRow, Story, road4_share,
};
pub use search::{CallHit, CustomerHit, SearchResults};
pub use sled_store::{Erased, Foreign, PulledWriter, SledStore, SyncState};

/// The schema version this build writes; older stores are migrated on open.
pub const SCHEMA_VERSION: u32 = 7;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {0} is open in another fourroads window; close it there first")]
    Locked(PathBuf),
    #[error(
        "the store at {path} was written by a newer fourroads (schema {found}, this one reads up to {supported}); update fourroads"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}", open_message(path, source))]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", sled_message(.0))]
    Sled(#[from] sled::Error),
    #[error("a record could not be encoded: {0}")]
    Encode(String),
    #[error("a record in the store is damaged ({0})")]
    Corrupt(String),
    #[error("{0}")]
    Rule(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What went wrong with a file, said for a person: what happened and what to do, never
/// the operating system's debug text.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => "the disk is full; free some space and try again".into(),
        ErrorKind::QuotaExceeded => {
            "your disk quota is used up; free some space and try again".into()
        }
        ErrorKind::PermissionDenied => {
            "permission denied; check that you own it and may write there".into()
        }
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        ErrorKind::NotFound => "it does not exist".into(),
        ErrorKind::AlreadyExists => "something already exists there".into(),
        ErrorKind::NotADirectory => "a file is in the way where a folder should be".into(),
        ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => {
            let text = e.to_string();
            // "… (os error 5)" means nothing to a person.
            match text.rfind(" (os error ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

fn open_message(path: &std::path::Path, source: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let path = path.display();
    match source.kind() {
        ErrorKind::AlreadyExists | ErrorKind::NotADirectory => format!(
            "cannot open the store at {path}: it is a file, not a folder; give --store a folder (a new one, or an existing store)"
        ),
        _ => format!("cannot open the store at {path}: {}", describe_io(source)),
    }
}

fn sled_message(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(e) => format!("the store could not be read or written: {}", describe_io(e)),
        sled::Error::Corruption { .. } => "the store's files are damaged; restore your latest backup into a new store (fourroads restore FILE --store NEW-FOLDER)".into(),
        sled::Error::CollectionNotFound(_) => "part of the store is missing; restore your latest backup into a new store".into(),
        sled::Error::Unsupported(what) => format!("the store refused: {what}"),
        sled::Error::ReportableBug(what) => format!("the store failed unexpectedly ({what}); your latest backup is safe to restore"),
    }
}

/// Who makes a change, for the audit trail.
#[derive(Clone, Debug)]
pub struct Actor {
    pub who: String,
    pub role: Role,
    pub reason: String,
    /// When the change is made (audit entries carry it).
    pub at: jiff::Timestamp,
}

impl Actor {
    pub fn agent(name: &str, at: jiff::Timestamp) -> Actor {
        Actor {
            who: name.to_string(),
            role: Role::Agent,
            reason: String::new(),
            at,
        }
    }
}

/// Counts kept up to date in the same transaction as the records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub customers: u64,
    pub by_status: [u64; 5],
    pub calls: u64,
    pub open_calls: u64,
    pub by_road: [u64; 4],
    pub unreviewed: u64,
    pub open_cases: u64,
    pub closed_cases: u64,
}

/// A past call as the customer context shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSummary {
    pub call: Call,
    pub first_line: String,
}

/// Everything the right-hand side shows about one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerContext {
    pub customer: Customer,
    pub open_cases: Vec<Case>,
    pub history: Vec<CallSummary>,
}

/// What wrapping up a call changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WrapUpResult {
    pub opened_case: Option<Case>,
    /// The open case the call was added to (a follow-up, a callback, a call about it).
    pub updated_case: Option<Case>,
    pub closed_cases: usize,
    pub status_changed: bool,
}

/// What merging one customer into another would move, for the confirmation.
#[derive(Clone, Debug, PartialEq)]
pub struct MergePreview {
    /// The record that goes away.
    pub duplicate: Customer,
    /// The record that stays and receives everything.
    pub keep: Customer,
    pub calls: usize,
    pub cases: usize,
}

/// What a merge moved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeResult {
    pub calls: usize,
    pub cases: usize,
    pub audit_entries: usize,
}

/// What a flush-and-read of a corrupt or unreadable record reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Health {
    pub skipped_records: u64,
}

/// The domain-level queries and changes the app needs.
pub trait Store: Send + Sync {
    fn counters(&self) -> StoreResult<Counters>;
    fn is_empty(&self) -> StoreResult<bool> {
        Ok(self.counters()?.customers == 0)
    }
    /// The team hub this store syncs with (its address without a password), if any.
    fn hub(&self) -> StoreResult<Option<String>> {
        Ok(None)
    }
    /// Inserts or replaces a customer (indexes and counters follow).
    fn put_customer(&self, customer: &Customer) -> StoreResult<()>;
    fn customer(&self, id: Id) -> StoreResult<Option<Customer>>;
    /// Every customer with what the queue needs, unordered. Damaged records are skipped
    /// and counted in the second value.
    fn queue_entries(&self) -> StoreResult<(Vec<QueueEntry>, u64)>;
    /// Records a new, open call and the customer's last contact.
    fn start_call(&self, call: &Call) -> StoreResult<()>;
    /// Saves the call's metadata while it is open (road, sentiment, outcome…).
    fn update_call(&self, call: &Call, actor: &Actor) -> StoreResult<()>;
    /// Autosave: one small write of the note text, flushed to disk.
    fn save_notes(&self, call_id: Id, text: &str) -> StoreResult<()>;
    fn notes(&self, call_id: Id) -> StoreResult<String>;
    fn call(&self, call_id: Id) -> StoreResult<Option<Call>>;
    fn open_call_for(&self, customer_id: Id) -> StoreResult<Option<Call>>;
    /// Ends the call: metadata, notes, cases opened or closed and the customer's status
    /// change, all in one transaction.
    fn wrap_up_call(&self, call: &Call, notes: &str, actor: &Actor) -> StoreResult<WrapUpResult>;
    fn customer_context(
        &self,
        customer_id: Id,
        history_limit: usize,
    ) -> StoreResult<Option<CustomerContext>>;
    fn audit_for(&self, subject: Id) -> StoreResult<Vec<AuditEntry>>;
    fn flush(&self) -> StoreResult<()>;
    /// Every case of a customer, open or closed, oldest first.
    fn cases_of(&self, customer_id: Id) -> StoreResult<Vec<Case>>;
    /// Every customer (damaged records skipped), for matching an import.
    fn all_customers(&self) -> StoreResult<Vec<Customer>>;
    /// Changes a customer's details (applied to the stored record, so nothing else on
    /// it is overwritten), with one audit entry per changed field and the search index,
    /// in one transaction. An empty name is refused.
    fn edit_customer(
        &self,
        customer_id: Id,
        edit: &crate::domain::customer_edit::CustomerEdit,
        actor: &Actor,
    ) -> StoreResult<Customer>;
    /// Marks the customer do not contact for `reason` (`Some`, required) or lets them
    /// be contacted again (`None`); audited.
    fn set_do_not_contact(
        &self,
        customer_id: Id,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Customer>;
    /// What merging `duplicate` into `keep` would move (refused as the merge would be).
    fn merge_preview(&self, duplicate: Id, keep: Id) -> StoreResult<MergePreview>;
    /// Moves every call, case and audit entry of `duplicate` to `keep`, removes
    /// `duplicate` and audits the merge on `keep`, all in one transaction. Refused for
    /// the same record, or while either has an open call.
    fn merge_customers(&self, duplicate: Id, keep: Id, actor: &Actor) -> StoreResult<MergeResult>;
    /// Makes `owner` the owner of an open case (a lead: anyone; an agent: themselves);
    /// audited.
    fn reassign_case(&self, case_id: Id, owner: &str, actor: &Actor) -> StoreResult<CaseRow>;

    /// Up to `limit` calls matching `query`, newest first, starting after `after` (the
    /// cursor of the previous page). Reads one index range; never the whole store.
    fn review_page(
        &self,
        query: &ReviewQuery,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<ReviewPage>;
    fn call_detail(&self, call_id: Id) -> StoreResult<Option<CallDetail>>;
    /// The lead's road and comment for a finished call; a road other than the agent's
    /// needs the comment as its reason. Audited with the index and counter changes.
    fn review_call(
        &self,
        call_id: Id,
        road: Road,
        comment: &str,
        actor: &Actor,
    ) -> StoreResult<Call>;
    /// A lead's first road for a call whose agent road was hidden from them: saved before
    /// the agent's road is shown, so it may differ without a reason (which is then owed;
    /// see `domain::review`). Refused once the lead has a review of the call.
    fn blind_pick(&self, call_id: Id, road: Road, actor: &Actor) -> StoreResult<Call>;
    /// The agent confirms having read the review of their call (audited).
    fn acknowledge_review(&self, call_id: Id, actor: &Actor) -> StoreResult<Call>;
    /// Open cases, earliest due (so overdue) first, keyset-paginated.
    fn open_cases(&self, after: Option<&PageCursor>, limit: usize) -> StoreResult<CasePage>;
    fn set_case_due(
        &self,
        case_id: Id,
        due: jiff::civil::Date,
        actor: &Actor,
    ) -> StoreResult<CaseRow>;
    /// A lead closes a case by hand; the note is required and goes in the audit entry.
    fn close_case(&self, case_id: Id, note: &str, actor: &Actor) -> StoreResult<CaseRow>;
    fn reopen_case(&self, case_id: Id, actor: &Actor) -> StoreResult<CaseRow>;
    /// Everyone who has taken a call, by name.
    fn agents(&self) -> StoreResult<Vec<String>>;
    /// The figures of the period `from`..=`to`, with open cases aged as of `today`.
    fn dashboard(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        today: jiff::civil::Date,
    ) -> StoreResult<Dashboard>;
    /// Customers then calls whose text holds every word of `query` (see
    /// `domain::search`), newest first, at most `limit` of each. Reads the full-text
    /// index, never every record.
    fn search(&self, query: &str, limit: usize) -> StoreResult<SearchResults>;
    /// How many calls `review_page` would list for `query`, page after page. From the
    /// daily tallies when the filters allow (period, agent, roads, reviewed state);
    /// otherwise by reading the same index range a bounded stretch at a time: start with
    /// `after` = `None`, ask again from `next` while it is `Some`, and add the matches.
    fn count_review_matches(
        &self,
        query: &ReviewQuery,
        after: Option<&PageCursor>,
    ) -> StoreResult<MatchCount>;

    /// Every finished call a lead reviewed, newest first, with its notes and the lead's
    /// road: what the road suggestion learns from. `visit` returns false to stop. Pages
    /// through the calls by time, so an erased customer's calls are simply not there.
    fn confirmed_calls(
        &self,
        visit: &mut dyn FnMut(&Call, &str, crate::domain::Road) -> bool,
    ) -> StoreResult<()> {
        let mut query = ReviewQuery::period(
            jiff::civil::date(1970, 1, 1),
            jiff::civil::date(2999, 12, 31),
        );
        query.reviewed_only = true;
        let mut after: Option<PageCursor> = None;
        loop {
            let page = self.review_page(&query, after.as_ref(), 500)?;
            for row in &page.rows {
                if let Some(review) = &row.call.review {
                    let notes = self.notes(row.call.id)?;
                    if !visit(&row.call, &notes, review.road) {
                        return Ok(());
                    }
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn errors_say_what_happened_and_what_to_do_without_debug_text() {
        let full = StoreError::Sled(sled::Error::Io(Error::new(
            ErrorKind::StorageFull,
            "Os { code: 28, kind: StorageFull, message: \"No space left on device\" }",
        )))
        .to_string();
        assert!(full.contains("the disk is full; free some space"), "{full}");
        let damaged = StoreError::Sled(sled::Error::Corruption { at: None, bt: () }).to_string();
        assert!(damaged.contains("restore your latest backup"), "{damaged}");
        let in_the_way = StoreError::Open {
            path: PathBuf::from("/tmp/notes.txt"),
            source: Error::from(ErrorKind::AlreadyExists),
        }
        .to_string();
        assert!(
            in_the_way.contains("is a file, not a folder"),
            "{in_the_way}"
        );
        let denied = StoreError::Open {
            path: PathBuf::from("/srv/store"),
            source: Error::from_raw_os_error(13),
        }
        .to_string();
        assert!(denied.contains("permission denied"), "{denied}");
        for text in [&full, &damaged, &in_the_way, &denied] {
            for debug in ["Os {", "os error", "backtrace", "kind:"] {
                assert!(!text.contains(debug), "{text}");
            }
        }
    }
}
