//! Cases: a follow-up owed to a customer, open until a later call resolves it.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Id;
use super::call::Role;

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

/// Whether `who` (in `role`) may make `to` the owner of `case`: a lead hands a case to
/// anyone; an agent may take a case for themselves but not give one away (the lead
/// balances the team's work). Only an open case changes hands.
pub fn check_reassign(case: &Case, to: &str, who: &str, role: Role) -> Result<(), String> {
    let to = to.trim();
    if to.is_empty() {
        return Err("choose who is to own the case".into());
    }
    if case.status != CaseStatus::Open {
        return Err("this case is closed; reopen it before handing it on".into());
    }
    if case.owner == to {
        return Err(format!("the case is already {}", possessive_owner(to)));
    }
    if role != Role::Lead && to != who {
        return Err(
            "only a team lead can give a case to someone else; you can take it yourself".into(),
        );
    }
    Ok(())
}

/// The case closed by hand at `at` with `note` (why), or why it cannot be: a note is
/// required and only an open case closes.
pub fn close(case: &Case, note: &str, at: Timestamp) -> Result<Case, &'static str> {
    let note = note.trim();
    if note.is_empty() {
        return Err("closing a case needs a note saying why");
    }
    if case.status != CaseStatus::Open {
        return Err("this case is already closed");
    }
    Ok(Case {
        status: CaseStatus::Closed,
        closed_at: Some(at),
        close_note: Some(note.to_string()),
        ..case.clone()
    })
}

/// The case due on `due` instead, or why it cannot be: only an open case has a due date
/// to move.
pub fn move_due(case: &Case, due: Date) -> Result<Case, &'static str> {
    if case.status != CaseStatus::Open {
        return Err("only an open case has a due date to move");
    }
    Ok(Case {
        due,
        ..case.clone()
    })
}

/// The case open again, or why it cannot be (it is not closed). What closed it goes.
pub fn reopen(case: &Case) -> Result<Case, &'static str> {
    if case.status != CaseStatus::Closed {
        return Err("this case is already open");
    }
    Ok(Case {
        status: CaseStatus::Open,
        closed_at: None,
        closed_by_call: None,
        close_note: None,
        ..case.clone()
    })
}

fn possessive_owner(name: &str) -> String {
    super::text::possessive(&super::text::sanitize_line(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a_case() -> Case {
        Case {
            id: Id::from_u128(1),
            customer_id: Id::from_u128(2),
            opened_by_call: Id::from_u128(3),
            opened_at: Timestamp::UNIX_EPOCH,
            summary: "refund".into(),
            due: jiff::civil::date(2026, 12, 1),
            status: CaseStatus::Open,
            closed_at: None,
            closed_by_call: None,
            close_note: None,
            owner: "priya".into(),
            calls: Vec::new(),
            callback_at: None,
        }
    }

    #[test]
    fn closing_needs_a_note_and_an_open_case_and_reopening_a_closed_one() {
        let open = a_case();
        assert_eq!(
            close(&open, "  \n ", Timestamp::UNIX_EPOCH),
            Err("closing a case needs a note saying why")
        );
        assert_eq!(reopen(&open), Err("this case is already open"));
        let closed = close(&open, " sorted ", Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(closed.status, CaseStatus::Closed);
        assert_eq!(closed.close_note.as_deref(), Some("sorted"));
        assert_eq!(
            close(&closed, "again", Timestamp::UNIX_EPOCH),
            Err("this case is already closed")
        );
        let again = reopen(&Case {
            closed_by_call: Some(Id::from_u128(9)),
            ..closed
        })
        .unwrap();
        assert_eq!(again, open, "nothing of the close stays");
        let later = jiff::civil::date(2026, 12, 9);
        assert_eq!(move_due(&open, later).unwrap().due, later);
        let closed = close(&open, "done", Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(
            move_due(&closed, later),
            Err("only an open case has a due date to move")
        );
    }

    fn case(owner: &str) -> Case {
        Case {
            id: super::super::new_id(),
            customer_id: super::super::new_id(),
            opened_by_call: super::super::new_id(),
            opened_at: Timestamp::UNIX_EPOCH,
            summary: String::new(),
            due: Date::constant(2026, 11, 20),
            status: CaseStatus::Open,
            closed_at: None,
            closed_by_call: None,
            close_note: None,
            owner: owner.into(),
            calls: Vec::new(),
            callback_at: None,
        }
    }

    #[test]
    fn a_lead_assigns_anyone_and_an_agent_only_takes_a_case() {
        let dana = case("Dana");
        assert!(check_reassign(&dana, "Sam", "Jordan", Role::Lead).is_ok());
        assert!(check_reassign(&dana, "Priya", "Priya", Role::Agent).is_ok());
        let refused = check_reassign(&dana, "Sam", "Priya", Role::Agent).unwrap_err();
        assert!(refused.contains("only a team lead"), "{refused}");
        assert!(check_reassign(&dana, "Dana", "Jordan", Role::Lead).is_err());
        assert!(check_reassign(&dana, "  ", "Jordan", Role::Lead).is_err());
        let mut closed = case("Dana");
        closed.status = CaseStatus::Closed;
        assert!(check_reassign(&closed, "Sam", "Jordan", Role::Lead).is_err());
    }
}
