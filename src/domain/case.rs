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

fn possessive_owner(name: &str) -> String {
    super::text::possessive(&super::text::sanitize_line(name))
}

#[cfg(test)]
mod tests {
    use super::*;

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
