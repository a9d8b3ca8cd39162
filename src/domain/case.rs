//! Cases: a follow-up owed to a customer, open until a later call resolves it.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    Open,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: Id,
    pub customer_id: Id,
    pub opened_by_call: Id,
    pub opened_at: Timestamp,
    pub summary: String,
    pub due: Date,
    pub status: CaseStatus,
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
    #[serde(default)]
    pub closed_by_call: Option<Id>,
    /// The lead's note when a case is closed by hand rather than by a resolved call.
    #[serde(default)]
    pub close_note: Option<String>,
    /// Who works the case: the agent who opened it, until it is reassigned.
    #[serde(default)]
    pub owner: String,
    /// Every call about the case after the one that opened it, oldest first.
    #[serde(default)]
    pub calls: Vec<Id>,
    /// A callback the customer asked for: the case is due at this time, not only on
    /// its day.
    #[serde(default)]
    pub callback_at: Option<Timestamp>,
}

impl Case {
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == CaseStatus::Open && self.due < today
    }
}
