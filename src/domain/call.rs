//! Calls: who, why, when, the road taken, sentiment and outcome. The notes text is kept
//! apart (see the store) so an autosave is one small write.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CustomerStatus, Id, Road};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallReason {
    Inbound,
    FollowUp,
    WinBack,
    Loyalty,
    CheckIn,
}

impl CallReason {
    pub const ALL: [CallReason; 5] = [
        CallReason::Inbound,
        CallReason::FollowUp,
        CallReason::WinBack,
        CallReason::Loyalty,
        CallReason::CheckIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallReason::Inbound => "inbound",
            CallReason::FollowUp => "follow-up",
            CallReason::WinBack => "win-back",
            CallReason::Loyalty => "loyalty",
            CallReason::CheckIn => "check-in",
        }
    }

    pub fn parse(text: &str) -> Option<CallReason> {
        CallReason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The usual direction of a call made for this reason (a follow-up can go either
    /// way; the call's own `direction` says which it was).
    pub fn direction(self) -> Direction {
        match self {
            CallReason::Inbound => Direction::Inbound,
            _ => Direction::Outbound,
        }
    }

    /// The reasons that fit a call in `direction`: a customer rings in with a question
    /// or about an open case; we ring out to follow up, win back, thank or check in.
    pub fn for_direction(direction: Direction) -> &'static [CallReason] {
        match direction {
            Direction::Inbound => &[CallReason::Inbound, CallReason::FollowUp],
            Direction::Outbound => &[
                CallReason::FollowUp,
                CallReason::WinBack,
                CallReason::Loyalty,
                CallReason::CheckIn,
            ],
        }
    }

    /// This reason if it fits `direction`, else the first one that does.
    pub fn fit(self, direction: Direction) -> CallReason {
        let reasons = CallReason::for_direction(direction);
        if reasons.contains(&self) {
            self
        } else {
            reasons[0]
        }
    }

    /// The next reason that fits `direction` (the first one if this one does not).
    pub fn next_for(self, direction: Direction) -> CallReason {
        let reasons = CallReason::for_direction(direction);
        match reasons.iter().position(|r| *r == self) {
            Some(at) => reasons[(at + 1) % reasons.len()],
            None => reasons[0],
        }
    }

    pub fn next(self) -> CallReason {
        let at = CallReason::ALL.iter().position(|r| *r == self).unwrap_or(0);
        CallReason::ALL[(at + 1) % CallReason::ALL.len()]
    }

    pub fn is_proactive(self) -> bool {
        self != CallReason::Inbound
    }
}

/// How a call ended. Only a resolved call closes cases, and only the ones the agent
/// chose at wrap-up (`Call::close_cases`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Resolved,
    FollowUp,
    /// Nobody picked up.
    NoAnswer,
    /// A message was left.
    Voicemail,
    /// The customer asked to be called back at a date and time (`Call::callback_at`).
    Callback,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Resolved,
        Outcome::FollowUp,
        Outcome::NoAnswer,
        Outcome::Voicemail,
        Outcome::Callback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::FollowUp => "follow-up needed",
            Outcome::NoAnswer => "no answer",
            Outcome::Voicemail => "left voicemail",
            Outcome::Callback => "callback requested",
        }
    }

    /// The next outcome, for a key that cycles through them.
    pub fn next(self) -> Outcome {
        let at = Outcome::ALL.iter().position(|o| *o == self).unwrap_or(0);
        Outcome::ALL[(at + 1) % Outcome::ALL.len()]
    }

    /// Whether this outcome keeps (or opens) a case owed to the customer, with a date.
    pub fn owes_follow_up(self) -> bool {
        matches!(self, Outcome::FollowUp | Outcome::Callback)
    }
}

/// A team lead's review of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub lead: String,
    pub road: Road,
    #[serde(default)]
    pub comment: String,
    pub at: Timestamp,
    /// When the agent confirmed having read the review.
    #[serde(default)]
    pub acknowledged_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub id: Id,
    pub customer_id: Id,
    pub agent: String,
    pub direction: Direction,
    pub reason: CallReason,
    pub started_at: Timestamp,
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    #[serde(default)]
    pub road: Option<Road>,
    #[serde(default)]
    pub sentiment: i8,
    pub outcome: Outcome,
    /// Due date of the follow-up when the outcome is `FollowUp` (or the callback's day).
    #[serde(default)]
    pub follow_up_due: Option<Date>,
    /// When the customer asked to be called back (outcome `Callback`).
    #[serde(default)]
    pub callback_at: Option<Timestamp>,
    /// The case this call is about, if any (chosen at wrap-up or in the road pane).
    #[serde(default)]
    pub case_id: Option<Id>,
    /// The open cases the agent chose to close at wrap-up (outcome `Resolved` only).
    #[serde(default)]
    pub close_cases: Vec<Id>,
    /// The customer's status to record when the call is wrapped up.
    #[serde(default)]
    pub status_after: Option<CustomerStatus>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub review: Option<Review>,
    /// The road the notes read like when the agent wrapped up (the road suggestion), kept
    /// to tell how often it matched the agent's and the lead's road. It never sets `road`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_road: Option<Road>,
}

impl Call {
    pub fn new(customer_id: Id, agent: &str, reason: CallReason, at: Timestamp) -> Call {
        Call {
            id: super::new_id(),
            customer_id,
            agent: agent.to_string(),
            direction: reason.direction(),
            reason,
            started_at: at,
            ended_at: None,
            road: None,
            sentiment: 0,
            outcome: Outcome::Resolved,
            follow_up_due: None,
            callback_at: None,
            case_id: None,
            close_cases: Vec::new(),
            status_after: None,
            tags: Vec::new(),
            review: None,
            suggested_road: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }

    pub fn duration_seconds(&self, now: Timestamp) -> i64 {
        let end = self.ended_at.unwrap_or(now);
        (end.as_second() - self.started_at.as_second()).max(0)
    }
}

/// Who changed something, as which role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Agent,
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
        }
    }
}

/// What an audit entry records a change of. Stored as its words ("lead road"), so stores,
/// backups and operations written before this type read the same; words this build does
/// not know (a newer workstation's) are kept as they are.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AuditKind {
    AgentRoad,
    LeadRoad,
    ReviewComment,
    ReviewAcknowledged,
    /// A case closed or reopened.
    Case,
    CaseDue,
    CaseOwner,
    /// A customer's field, edited or filled by a merge.
    Name,
    Phone,
    Email,
    Segment,
    DoNotContact,
    /// A duplicate merged into this customer.
    MergedIn,
    Other(String),
}

impl AuditKind {
    const NAMED: [(AuditKind, &'static str); 13] = [
        (AuditKind::AgentRoad, "agent road"),
        (AuditKind::LeadRoad, "lead road"),
        (AuditKind::ReviewComment, "review comment"),
        (AuditKind::ReviewAcknowledged, "review acknowledged"),
        (AuditKind::Case, "case"),
        (AuditKind::CaseDue, "case due"),
        (AuditKind::CaseOwner, "case owner"),
        (AuditKind::Name, "name"),
        (AuditKind::Phone, "phone"),
        (AuditKind::Email, "email"),
        (AuditKind::Segment, "segment"),
        (AuditKind::DoNotContact, "do not contact"),
        (AuditKind::MergedIn, "merged in"),
    ];

    pub fn as_str(&self) -> &str {
        match self {
            AuditKind::Other(words) => words,
            known => AuditKind::NAMED
                .iter()
                .find(|(kind, _)| kind == known)
                .map(|(_, words)| *words)
                .unwrap_or_default(),
        }
    }

    /// A change of a road or of what a lead said about it (hidden from a blind lead).
    pub fn is_about_roads(&self) -> bool {
        matches!(
            self,
            AuditKind::AgentRoad | AuditKind::LeadRoad | AuditKind::ReviewComment
        )
    }
}

impl From<&str> for AuditKind {
    fn from(words: &str) -> AuditKind {
        AuditKind::NAMED
            .iter()
            .find(|(_, named)| *named == words)
            .map(|(kind, _)| kind.clone())
            .unwrap_or_else(|| AuditKind::Other(words.to_string()))
    }
}

impl From<String> for AuditKind {
    fn from(words: String) -> AuditKind {
        AuditKind::from(words.as_str())
    }
}

impl From<AuditKind> for String {
    fn from(kind: AuditKind) -> String {
        kind.as_str().to_string()
    }
}

impl std::fmt::Display for AuditKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for AuditKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One change of a road (or of a case), kept forever as the audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    /// The call (or case) the change was made to.
    pub subject: Id,
    pub who: String,
    pub role: Role,
    pub what: AuditKind,
    #[serde(default)]
    pub old: Option<String>,
    #[serde(default)]
    pub new: Option<String>,
    #[serde(default)]
    pub reason: String,
    pub at: Timestamp,
}

/// "7:05" or "1:02:03".
/// The customer's mood in a word, for the sentiment score −2..+2.
pub fn sentiment_word(sentiment: i8) -> &'static str {
    match sentiment {
        i8::MIN..=-2 => "very unhappy",
        -1 => "unhappy",
        0 => "neutral",
        1 => "happy",
        _ => "delighted",
    }
}

pub fn format_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn audit_kinds_are_stored_as_their_words_and_unknown_words_survive() {
        for words in [
            "lead road",
            "case owner",
            "do not contact",
            "merged in",
            "case",
        ] {
            let kind = AuditKind::from(words);
            assert!(!matches!(kind, AuditKind::Other(_)), "{words}");
            let stored = rmp_serde::to_vec_named(&kind).unwrap();
            assert_eq!(rmp_serde::from_slice::<String>(&stored).unwrap(), words);
            assert_eq!(rmp_serde::from_slice::<AuditKind>(&stored).unwrap(), kind);
        }
        // A newer workstation's kind is kept word for word, never dropped.
        let newer = AuditKind::from("case priority");
        assert_eq!(newer, AuditKind::Other("case priority".into()));
        assert_eq!(serde_json::to_string(&newer).unwrap(), "\"case priority\"");
        assert!(AuditKind::LeadRoad.is_about_roads() && !AuditKind::CaseDue.is_about_roads());
    }

    use super::*;

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(format_duration(65), "1:05");
        assert_eq!(format_duration(3723), "1:02:03");
        assert_eq!(format_duration(-3), "0:00");
    }

    #[test]
    fn proactive_reasons_are_outbound() {
        assert_eq!(CallReason::Inbound.direction(), Direction::Inbound);
        assert_eq!(CallReason::WinBack.direction(), Direction::Outbound);
        assert_eq!(CallReason::CheckIn.next(), CallReason::Inbound);
    }
}
