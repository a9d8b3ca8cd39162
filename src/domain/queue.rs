//! The agent's queue: every customer, ordered by how urgently they need a call.
//! Overdue follow-ups first, then cases due, lost customers to win back, at-risk
//! customers, loyal customers to check in with, then everyone else (most recently
//! contacted last). Do-not-contact customers are never offered for proactive calls.

use jiff::Timestamp;
use jiff::civil::Date;

use super::clock::days_between;
use super::{CallReason, Customer, CustomerStatus, Id};

/// Days without contact after which an active customer is due a check-in.
pub const CHECK_IN_AFTER_DAYS: i64 = 30;

/// What the queue needs to know about one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueEntry {
    pub customer_id: Id,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub segment: Option<String>,
    pub status: CustomerStatus,
    pub do_not_contact: bool,
    pub last_contact: Option<Timestamp>,
    /// Due date of the earliest open case, if any.
    pub earliest_due: Option<Date>,
    pub open_cases: u32,
    /// An unfinished call exists for this customer.
    pub open_call: bool,
    /// The time of the customer's next callback (an open case with a callback).
    pub callback_at: Option<Timestamp>,
}

impl QueueEntry {
    pub fn from_customer(customer: &Customer) -> QueueEntry {
        QueueEntry {
            customer_id: customer.id,
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            email: customer.email.clone(),
            segment: customer.segment.clone(),
            status: customer.status,
            do_not_contact: customer.do_not_contact,
            last_contact: customer.last_contact,
            earliest_due: None,
            open_cases: 0,
            open_call: false,
            callback_at: None,
        }
    }

    /// What the `/` filter matches, lowercased: the name and segment (for words), and
    /// everything with phone and email (for a query with digits or `@`).
    pub fn search_texts(&self) -> (String, String) {
        let mut words = self.name.to_lowercase();
        if let Some(segment) = &self.segment {
            words.push(' ');
            words.push_str(&segment.to_lowercase());
        }
        (words, self.search_text().to_lowercase())
    }

    /// Name, phone, email and segment: what the `/` filter matches.
    pub fn search_text(&self) -> String {
        let mut text = self.name.clone();
        for part in [&self.phone, &self.email, &self.segment]
            .into_iter()
            .flatten()
        {
            text.push(' ');
            text.push_str(part);
        }
        text
    }

    pub fn urgency(&self, today: Date, now: Timestamp) -> Urgency {
        if self.open_call {
            return Urgency::CallOpen;
        }
        if let Some(at) = self.callback_at {
            // A callback is due at its time; before that it waits with the cases due.
            return Urgency::Callback { at, due: at <= now };
        }
        if let Some(due) = self.earliest_due {
            let late = days_between(due, today);
            return if late > 0 {
                Urgency::Overdue(late)
            } else {
                Urgency::CaseDue(-late)
            };
        }
        if self.do_not_contact {
            return Urgency::DoNotContact;
        }
        match self.status {
            CustomerStatus::Lost => Urgency::WinBack,
            CustomerStatus::AtRisk => Urgency::AtRisk,
            CustomerStatus::Active | CustomerStatus::WonBack => {
                let quiet_days = self
                    .last_contact
                    .map(|at| (now.as_second() - at.as_second()) / 86_400)
                    .unwrap_or(i64::MAX);
                if quiet_days >= CHECK_IN_AFTER_DAYS {
                    Urgency::CheckIn
                } else {
                    Urgency::Other
                }
            }
            CustomerStatus::New => Urgency::Other,
        }
    }
}

/// Why a customer is where they are in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    CallOpen,
    /// The customer asked to be called back at `at`; `due` once that time has come.
    Callback {
        at: Timestamp,
        due: bool,
    },
    /// Days past the due date.
    Overdue(i64),
    /// Days until the due date (0 = today).
    CaseDue(i64),
    WinBack,
    AtRisk,
    CheckIn,
    Other,
    DoNotContact,
}

impl Urgency {
    fn rank(self) -> u8 {
        match self {
            Urgency::CallOpen => 0,
            Urgency::Callback { due: true, .. } => 1,
            Urgency::Overdue(_) => 2,
            Urgency::CaseDue(_) | Urgency::Callback { due: false, .. } => 3,
            Urgency::WinBack => 4,
            Urgency::AtRisk => 5,
            Urgency::CheckIn => 6,
            Urgency::Other | Urgency::DoNotContact => 7,
        }
    }

    /// The badge shown on the queue row, in words.
    pub fn badge(self) -> String {
        match self {
            Urgency::CallOpen => "call open".into(),
            Urgency::Callback { due: true, .. } => "CALL BACK NOW".into(),
            Urgency::Callback { due: false, .. } => "callback".into(),
            Urgency::Overdue(days) => format!("overdue {days}d"),
            Urgency::CaseDue(0) => "due today".into(),
            Urgency::CaseDue(1) => "due tomorrow".into(),
            Urgency::CaseDue(days) => format!("due in {days}d"),
            Urgency::WinBack => "win back".into(),
            Urgency::AtRisk => "at risk".into(),
            Urgency::CheckIn => "check in".into(),
            Urgency::Other => String::new(),
            Urgency::DoNotContact => "do not contact".into(),
        }
    }

    /// The badge in at most 12 columns, for narrow queues (words, never cut).
    pub fn short_badge(self) -> String {
        match self {
            Urgency::CaseDue(1) => "due tmrw".into(),
            Urgency::DoNotContact => "no contact".into(),
            Urgency::Callback { due: true, .. } => "CALL BACK".into(),
            other => other.badge(),
        }
    }

    /// The reason a call started from this row is made for.
    pub fn call_reason(self) -> CallReason {
        match self {
            Urgency::Overdue(_) | Urgency::CaseDue(_) | Urgency::Callback { .. } => {
                CallReason::FollowUp
            }
            Urgency::WinBack => CallReason::WinBack,
            Urgency::AtRisk => CallReason::CheckIn,
            Urgency::CheckIn => CallReason::Loyalty,
            // Calling someone with nothing urgent on file is a check-in.
            Urgency::Other => CallReason::CheckIn,
            Urgency::CallOpen | Urgency::DoNotContact => CallReason::Inbound,
        }
    }
}

/// Sorts entries into queue order for `today`.
pub fn order_queue(entries: &mut [QueueEntry], today: Date, now: Timestamp) {
    entries.sort_by_cached_key(|entry| {
        let urgency = entry.urgency(today, now);
        let due = entry.earliest_due.unwrap_or(Date::MAX);
        // Never-contacted customers come first within a group; most recent last.
        let contact = entry.last_contact.map_or(i64::MIN, |t| t.as_millisecond());
        let primary = match urgency {
            Urgency::Overdue(_) | Urgency::CaseDue(_) => (due, contact),
            // Callbacks by their time, among the cases due that day.
            Urgency::Callback { at, .. } => (due, at.as_millisecond()),
            _ => (Date::MAX, contact),
        };
        (urgency.rank(), primary, entry.name.to_lowercase())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry(name: &str, status: CustomerStatus) -> QueueEntry {
        QueueEntry {
            customer_id: crate::domain::new_id(),
            name: name.into(),
            phone: None,
            email: None,
            segment: None,
            status,
            do_not_contact: false,
            last_contact: Some(Timestamp::from_second(1_763_700_000).unwrap()),
            earliest_due: None,
            open_cases: 0,
            open_call: false,
            callback_at: None,
        }
    }

    #[test]
    fn queue_puts_overdue_first_and_respects_do_not_contact() {
        let today = date(2025, 11, 22);
        let now = Timestamp::from_second(1_763_800_000).unwrap();
        let mut overdue = entry("Overdue", CustomerStatus::Active);
        overdue.earliest_due = Some(date(2025, 11, 19));
        let mut due = entry("Due", CustomerStatus::Active);
        due.earliest_due = Some(date(2025, 11, 22));
        let lost = entry("Lost", CustomerStatus::Lost);
        let mut lost_dnc = entry("Lost but do not contact", CustomerStatus::Lost);
        lost_dnc.do_not_contact = true;
        let risk = entry("Risk", CustomerStatus::AtRisk);
        let mut quiet = entry("Quiet", CustomerStatus::Active);
        quiet.last_contact = Some(Timestamp::from_second(1_700_000_000).unwrap());
        let recent = entry("Recent", CustomerStatus::Active);
        let mut never = entry("Never", CustomerStatus::New);
        never.last_contact = None;
        let mut entries = vec![
            recent.clone(),
            lost_dnc.clone(),
            never,
            risk,
            quiet,
            lost,
            due,
            overdue,
        ];
        order_queue(&mut entries, today, now);
        let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Overdue",
                "Due",
                "Lost",
                "Risk",
                "Quiet",
                "Never",
                "Lost but do not contact",
                "Recent"
            ]
        );
        assert_eq!(lost_dnc.urgency(today, now).badge(), "do not contact");
        assert_eq!(
            entries[0].urgency(today, now),
            Urgency::Overdue(3),
            "three days late"
        );
    }
}
