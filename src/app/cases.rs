//! The Review view's open cases: loading them page by page, a lead moving a due date,
//! closing a case with a note or reopening it, and handing a case to another owner (a
//! lead to anyone, an agent only to themselves); each audited by the store.

use super::choice::{Choice, ChoicePicker, PickPurpose};
use super::overlay::{Prompt, PromptPurpose};
use super::{Effect, Overlay, State, lead_only};
use crate::domain::clock::shift_due;
use crate::domain::text::{possessive, sanitize_line};
use crate::domain::{CaseStatus, Id};
use crate::store::{CasePage, CaseRow};

/// A change a lead makes to a case.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseChange {
    Due(jiff::civil::Date),
    Close(String),
    Reopen,
}

pub(super) fn reload_cases(state: &mut State) -> Vec<Effect> {
    let generation = state.review.cases.restart();
    vec![Effect::LoadCases {
        after: None,
        generation,
    }]
}

pub(super) fn more_cases(state: &mut State) -> Vec<Effect> {
    let Some((after, generation)) = state.review.cases.request_more(false) else {
        return Vec::new();
    };
    vec![Effect::LoadCases { after, generation }]
}

pub(super) fn cases_loaded(state: &mut State, page: CasePage, generation: u64) -> Vec<Effect> {
    state.review.cases.receive(generation, page.rows, page.next);
    more_cases(state)
}

pub(super) fn case_saved(state: &mut State, row: CaseRow) {
    let text = match (&row.case.status, row.audit.last()) {
        (CaseStatus::Closed, _) => format!("Closed the case of {}.", row.customer),
        (_, Some(entry)) if entry.what == crate::domain::call::AuditKind::CaseOwner => format!(
            "The case of {} is now {}.",
            sanitize_line(&row.customer),
            possessive(&sanitize_line(&row.case.owner))
        ),
        (_, Some(entry)) if entry.what == crate::domain::call::AuditKind::CaseDue => {
            format!(
                "{} case is now due {}.",
                possessive(&sanitize_line(&row.customer)),
                row.case.due
            )
        }
        _ => format!("Reopened the case of {}.", row.customer),
    };
    state.info(text);
    if let Some(existing) = state
        .review
        .cases
        .rows
        .iter_mut()
        .find(|r| r.case.id == row.case.id)
    {
        *existing = row;
    }
}

pub(super) fn selected_case(state: &State) -> Option<CaseRow> {
    state.review.cases.selected_row().cloned()
}

pub(super) fn move_due(state: &mut State, later: bool) -> Vec<Effect> {
    if !lead_only(state, "move a case's due date") {
        return Vec::new();
    }
    let Some(row) = selected_case(state) else {
        return Vec::new();
    };
    if row.case.status != CaseStatus::Open {
        state.warn("This case is closed; x reopens it.");
        return Vec::new();
    }
    let Some(due) = shift_due(row.case.due, later, state.clock.today()) else {
        state.warn("A due date cannot move into the past.");
        return Vec::new();
    };
    vec![Effect::ChangeCase {
        case_id: row.case.id,
        change: CaseChange::Due(due),
        who: state.agent.clone(),
    }]
}

pub(super) fn close_or_reopen(state: &mut State) -> Vec<Effect> {
    if !lead_only(state, "close or reopen a case") {
        return Vec::new();
    }
    let Some(row) = selected_case(state) else {
        return Vec::new();
    };
    if row.case.status == CaseStatus::Closed {
        return vec![Effect::ChangeCase {
            case_id: row.case.id,
            change: CaseChange::Reopen,
            who: state.agent.clone(),
        }];
    }
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::CloseCase {
            case_id: row.case.id,
        },
        format!("Close the case of {}", row.customer),
        "Say why it can close (required)",
        "",
    ))));
    Vec::new()
}

/// The lead's closing note: the case closes, or why not.
pub(super) fn close_with_note(
    state: &State,
    case_id: Id,
    text: String,
) -> Result<Vec<Effect>, String> {
    if text.is_empty() {
        return Err("A note is required to close a case by hand.".into());
    }
    Ok(vec![Effect::ChangeCase {
        case_id,
        change: CaseChange::Close(text),
        who: state.agent.clone(),
    }])
}

/// Enter on a case: the Agent view, the customer selected, and a call about that case
/// (an outbound follow-up; the customer's open call is resumed if there is one; another
/// customer's open call asks first).
pub(super) fn call_about(state: &mut State) -> Vec<Effect> {
    let Some(row) = selected_case(state) else {
        return Vec::new();
    };
    if row.case.status != CaseStatus::Open {
        state.warn("This case is closed; reopen it before calling about it.");
        return Vec::new();
    }
    let customer_id = row.case.customer_id;
    let entry = state
        .queue
        .entries
        .iter()
        .find(|e| e.customer_id == customer_id)
        .cloned();
    if entry
        .as_ref()
        .is_some_and(|e| e.do_not_contact && !e.open_call)
    {
        state.warn(format!(
            "{} asked not to be contacted: no calls out.",
            sanitize_line(&row.customer)
        ));
        return Vec::new();
    }
    super::one_call::start(
        state,
        super::one_call::NextCall {
            customer_id,
            name: row.customer,
            direction: crate::domain::Direction::Outbound,
            reason: crate::domain::CallReason::FollowUp,
            case_id: Some(row.case.id),
        },
    )
}

/// Reassign: a lead picks anyone who takes calls (or themselves); an agent takes the
/// case, as an agent may not hand work to a colleague.
pub(super) fn reassign(state: &mut State) -> Vec<Effect> {
    let Some(row) = selected_case(state) else {
        return Vec::new();
    };
    if row.case.status != CaseStatus::Open {
        state.warn("This case is closed; reopen it before handing it on.");
        return Vec::new();
    }
    if state.role != crate::domain::call::Role::Lead {
        if row.case.owner == state.agent {
            state.info("This case is already yours.");
            return Vec::new();
        }
        let me = state.agent.clone();
        return owner_picked(state, row.case.id, &me);
    }
    let mut names = state.review.agents.clone();
    if !names.contains(&state.agent) {
        names.push(state.agent.clone());
    }
    names.sort();
    let choices: Vec<Choice> = names
        .into_iter()
        .filter(|name| *name != row.case.owner)
        .map(|name| Choice {
            id: None,
            detail: if name == state.agent {
                "you".into()
            } else {
                String::new()
            },
            label: name,
        })
        .collect();
    let owner = if row.case.owner.is_empty() {
        "nobody".to_string()
    } else {
        sanitize_line(&row.case.owner).into_owned()
    };
    state.overlay = Some(Overlay::Picker(Box::new(ChoicePicker::new(
        PickPurpose::CaseOwner {
            case_id: row.case.id,
        },
        format!(
            "Who is to own the case of {}? (now {owner})",
            sanitize_line(&row.customer)
        ),
        choices,
    ))));
    Vec::new()
}

/// The new owner was chosen (or the agent takes the case).
pub(super) fn owner_picked(state: &mut State, case_id: Id, owner: &str) -> Vec<Effect> {
    vec![Effect::ReassignCase {
        case_id,
        owner: owner.to_string(),
        who: state.agent.clone(),
        role: state.role,
    }]
}
