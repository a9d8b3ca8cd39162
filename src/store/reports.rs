//! What the Review and Dashboard views ask the store for, and what comes back: a filtered
//! page of calls (keyset-paginated), one call in detail, a page of open cases, and the
//! figures of a period.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::call::AuditEntry;
use crate::domain::stats::{Agreement, CustomerMath};
use crate::domain::{Call, Case, Customer, Road};

/// Which calls the review list shows. Dates are inclusive local days.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewQuery {
    pub from: Date,
    pub to: Date,
    pub agent: Option<String>,
    pub agent_road: Option<Road>,
    pub lead_road: Option<Road>,
    pub unreviewed_only: bool,
    /// Reviewed calls where the lead chose another road than the agent.
    pub disagreements_only: bool,
    /// Reviewed calls only (an agent looking at the reviews of their calls).
    pub reviewed_only: bool,
    /// Only calls this lead has reviewed: in blind review a lead may filter by the agent's
    /// road only among those, or the filter would reveal hidden roads by elimination.
    pub reviewed_by: Option<String>,
    /// Part of the customer's name, any case.
    pub customer: Option<String>,
    /// A tag, without its `#`.
    pub tag: Option<String>,
    /// Words that must all appear in the notes, any case.
    pub text: Option<String>,
}

impl ReviewQuery {
    /// Every finished call from `from` to `to`, no other filter.
    pub fn period(from: Date, to: Date) -> ReviewQuery {
        ReviewQuery {
            from,
            to,
            agent: None,
            agent_road: None,
            lead_road: None,
            unreviewed_only: false,
            disagreements_only: false,
            reviewed_only: false,
            reviewed_by: None,
            customer: None,
            tag: None,
            text: None,
        }
    }
}

/// Where the next page starts. Opaque outside the store: only a page the store gave out
/// makes one, so a screen can hand it back but never build or edit one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageCursor(Vec<u8>);

impl PageCursor {
    /// The index key of the last record looked at (only the store makes cursors).
    pub(crate) fn at(key: Vec<u8>) -> PageCursor {
        PageCursor(key)
    }

    pub(crate) fn key(&self) -> &[u8] {
        &self.0
    }
}

/// One row of the review list.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRow {
    pub call: Call,
    pub customer: String,
    pub first_line: String,
    /// The notes' first 16 KiB, for the road suggestion's "notes disagree with the road".
    pub notes_start: String,
    /// Every lead who has reviewed the call (its review shows only the latest).
    pub leads: Vec<String>,
}

/// How much of a call's notes a review row carries.
pub const ROW_NOTES_BYTES: usize = 16 * 1024;

/// The first `ROW_NOTES_BYTES` of `notes`, cut at a character boundary.
pub fn notes_start(notes: &str) -> String {
    let mut cut = notes.len().min(ROW_NOTES_BYTES);
    while !notes.is_char_boundary(cut) {
        cut -= 1;
    }
    notes[..cut].to_string()
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewPage {
    pub rows: Vec<ReviewRow>,
    /// `Some` when older calls remain to be looked at.
    pub next: Option<PageCursor>,
    /// The oldest call time looked at, to say how far a slow search has got.
    pub reached: Option<Timestamp>,
}

/// How many calls match a review query, or the part of that count read so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatchCount {
    pub matches: u64,
    /// `Some` when older calls remain to be counted: ask again from here and add.
    pub next: Option<PageCursor>,
}

/// One call with everything the detail pane shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CallDetail {
    pub call: Call,
    pub customer: Option<Customer>,
    pub notes: String,
    pub audit: Vec<AuditEntry>,
    /// Every lead's review of the call: the one it shows first, then the others latest
    /// first (SPEC §12).
    pub reviews: Vec<crate::domain::review::LeadReview>,
}

/// One open case with its customer and audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRow {
    pub case: Case,
    pub customer: String,
    pub audit: Vec<AuditEntry>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    pub next: Option<PageCursor>,
}

/// One agent's figures for a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentFigures {
    pub agent: String,
    /// Finished calls by the agent's road.
    pub roads: [u64; 4],
    pub agreement: Agreement,
}

impl AgentFigures {
    pub fn calls(&self) -> u64 {
        self.roads.iter().sum()
    }

    /// Share of calls that took road 4, if there were calls.
    pub fn road4_share(&self) -> Option<f64> {
        road4_share(&self.roads)
    }
}

pub fn road4_share(roads: &[u64; 4]) -> Option<f64> {
    let total: u64 = roads.iter().sum();
    (total > 0).then(|| roads[3] as f64 / total as f64)
}

/// A customer's own words from a call's notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    pub text: String,
    pub customer: String,
    pub road: Option<Road>,
    pub at: Timestamp,
}

/// Everything the Dashboard shows for a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dashboard {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Everyone together, then one entry per agent with calls in the period.
    pub overall: AgentFigures,
    pub agents: Vec<AgentFigures>,
    /// Road-4 calls and all calls in each of the last 12 weeks, oldest first.
    pub weekly_road4: Vec<(Date, u64, u64)>,
    pub customers: CustomerMath,
    /// Open cases by age bucket (see `domain::stats::AGE_BUCKETS`).
    pub case_ages: [u64; 4],
    pub overdue: u64,
    pub open_cases: u64,
    pub top_tags: Vec<(String, u64)>,
    /// The top tags of road-1 (learn) calls.
    pub learned_tags: Vec<(String, u64)>,
    pub stories: Vec<Story>,
}
