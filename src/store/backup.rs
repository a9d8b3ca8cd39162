//! The records of a backup (SPEC §8): one JSON object per line with a `type` field,
//! a header first and a checksum last. Every lead's review of a call is a line of its
//! own (without the operation that made it: a backup holds records, not operations), so
//! two workstations holding the same records write the same lines. The store streams
//! them out and takes them back; indexes, counters and daily tallies are never in a
//! backup: they are rebuilt from the records on restore.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::call::AuditEntry;
use crate::domain::review::LeadReview;
use crate::domain::{Call, Case, Customer, Id};

/// Names the file format in the header line.
pub const BACKUP_FORMAT: &str = "fourroads-backup";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BackupRecord {
    Header {
        format: String,
        schema: u32,
        created_at: Timestamp,
        /// The time zone the store counts days in.
        #[serde(default)]
        time_zone: Option<String>,
    },
    Agent {
        name: String,
        number: u32,
    },
    Customer {
        record: Customer,
    },
    Call {
        record: Call,
    },
    Notes {
        call_id: Id,
        text: String,
    },
    /// One lead's review of a call (schema 7; an older backup has none, and the review
    /// each call shows becomes its lead's on restore).
    Review {
        record: LeadReview,
    },
    Case {
        record: Case,
    },
    Audit {
        record: AuditEntry,
    },
    /// The SHA-256 of every line before this one (newlines included), and their count.
    Checksum {
        sha256: String,
        lines: u64,
    },
}
