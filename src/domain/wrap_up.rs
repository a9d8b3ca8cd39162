//! What wrapping up a call does to the customer's cases, as one pure rule so that the
//! store, and later a change arriving from the team hub, apply exactly the same one:
//!
//! - Nothing closes unless the agent chose it: a resolved call closes the open cases in
//!   `Call::close_cases`, and only those. Any other outcome closes nothing.
//! - A follow-up or a callback keeps one case per matter: it goes to the case the call is
//!   about (`Call::case_id`), else to the customer's open case due first, and opens a new
//!   case only when the customer has none open.
//! - No answer and a voicemail change nothing but the linked case's history.
//! - Every call about a case is added to that case's history.

use jiff::Timestamp;

use super::call::{Call, Outcome};
use super::case::{Case, CaseStatus};
use super::{Id, new_id};

/// One change to one case.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseChange {
    Open(Box<Case>),
    /// The case after the change (history, due date, callback, or closed).
    Update {
        before: Box<Case>,
        after: Box<Case>,
    },
}

/// Why a wrap-up cannot be saved, in words for the agent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WrapUpRefusal {
    #[error("a call cannot end without a road")]
    NoRoad,
    #[error("only a resolved call closes cases; set the outcome to resolved or choose none")]
    CloseWithoutResolving,
    #[error("a chosen case is not one of this customer's open cases")]
    NotAnOpenCase,
    #[error("a follow-up needs a due date")]
    NoDueDate,
    #[error("a callback needs the date and time the customer asked for")]
    NoCallbackTime,
}

/// The case changes of wrapping up `call` at `ended_at`, given the customer's `open`
/// cases. `summary` names a new case (the first line of the notes).
pub fn plan(
    call: &Call,
    open: &[Case],
    ended_at: Timestamp,
    summary: &str,
) -> Result<Vec<CaseChange>, WrapUpRefusal> {
    if call.road.is_none() {
        return Err(WrapUpRefusal::NoRoad);
    }
    let is_open = |id: &Id| {
        open.iter().any(|c| {
            c.id == *id && c.status == CaseStatus::Open && c.customer_id == call.customer_id
        })
    };
    if !call.close_cases.is_empty() && call.outcome != Outcome::Resolved {
        return Err(WrapUpRefusal::CloseWithoutResolving);
    }
    if !call.close_cases.iter().all(is_open) {
        return Err(WrapUpRefusal::NotAnOpenCase);
    }
    if call
        .case_id
        .is_some_and(|id| !open.iter().any(|c| c.id == id))
    {
        return Err(WrapUpRefusal::NotAnOpenCase);
    }
    let mut changes: Vec<CaseChange> = Vec::new();
    let mut touch = |case: &Case, change: &dyn Fn(&mut Case)| {
        let mut after = case.clone();
        if !after.calls.contains(&call.id) && after.opened_by_call != call.id {
            after.calls.push(call.id);
        }
        change(&mut after);
        changes.push(CaseChange::Update {
            before: Box::new(case.clone()),
            after: Box::new(after),
        });
    };
    // The case the follow-up goes to: the linked one, else the one due first.
    let follow_up_case = if call.outcome.owes_follow_up() {
        call.case_id
            .and_then(|id| open.iter().find(|c| c.id == id))
            .or_else(|| {
                open.iter()
                    .filter(|c| c.status == CaseStatus::Open)
                    .min_by_key(|c| (c.due, c.opened_at))
            })
    } else {
        None
    };
    let due = call.follow_up_due;
    let callback_at = call.callback_at;
    if call.outcome == Outcome::Callback && callback_at.is_none() {
        return Err(WrapUpRefusal::NoCallbackTime);
    }
    if call.outcome.owes_follow_up() && due.is_none() {
        return Err(WrapUpRefusal::NoDueDate);
    }
    for case in open {
        let closing = call.close_cases.contains(&case.id);
        let following_up = follow_up_case.is_some_and(|c| c.id == case.id);
        let linked = call.case_id == Some(case.id);
        if !(closing || following_up || linked) {
            continue;
        }
        touch(case, &|after: &mut Case| {
            if closing {
                after.status = CaseStatus::Closed;
                after.closed_at = Some(ended_at);
                after.closed_by_call = Some(call.id);
                after.callback_at = None;
            } else if following_up {
                if let Some(due) = due {
                    after.due = due;
                }
                after.callback_at = if call.outcome == Outcome::Callback {
                    callback_at
                } else {
                    None
                };
            }
        });
    }
    if call.outcome.owes_follow_up()
        && follow_up_case.is_none()
        && let Some(due) = due
    {
        let summary = if summary.trim().is_empty() {
            match call.outcome {
                Outcome::Callback => "Call back as the customer asked".to_string(),
                _ => format!("Follow up on the {} call", call.reason.as_str()),
            }
        } else {
            summary.to_string()
        };
        changes.push(CaseChange::Open(Box::new(Case {
            id: new_id(),
            customer_id: call.customer_id,
            opened_by_call: call.id,
            opened_at: ended_at,
            summary,
            due,
            status: CaseStatus::Open,
            closed_at: None,
            closed_by_call: None,
            close_note: None,
            owner: call.agent.clone(),
            calls: Vec::new(),
            callback_at: if call.outcome == Outcome::Callback {
                callback_at
            } else {
                None
            },
        })));
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CallReason, Road};
    use jiff::civil::date;

    fn at() -> Timestamp {
        "2026-11-20T15:00:00Z".parse().unwrap()
    }

    fn call(outcome: Outcome) -> Call {
        let mut call = Call::new(new_id(), "Priya", CallReason::FollowUp, at());
        call.road = Some(Road::Care);
        call.outcome = outcome;
        call
    }

    fn case_of(call: &Call, due: jiff::civil::Date) -> Case {
        Case {
            id: new_id(),
            customer_id: call.customer_id,
            opened_by_call: new_id(),
            opened_at: at(),
            summary: "Refund".into(),
            due,
            status: CaseStatus::Open,
            closed_at: None,
            closed_by_call: None,
            close_note: None,
            owner: "Dana".into(),
            calls: Vec::new(),
            callback_at: None,
        }
    }

    fn closed(changes: &[CaseChange]) -> Vec<Id> {
        changes
            .iter()
            .filter_map(|c| match c {
                CaseChange::Update { after, .. } if after.status == CaseStatus::Closed => {
                    Some(after.id)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_resolved_call_closes_only_the_cases_the_agent_chose() {
        let mut resolved = call(Outcome::Resolved);
        let a = case_of(&resolved, date(2026, 11, 2));
        let b = case_of(&resolved, date(2026, 11, 30));
        let open = [a.clone(), b.clone()];
        assert!(closed(&plan(&resolved, &open, at(), "").unwrap()).is_empty());
        resolved.close_cases = vec![b.id];
        assert_eq!(closed(&plan(&resolved, &open, at(), "").unwrap()), [b.id]);
    }

    #[test]
    fn voicemail_and_no_answer_close_nothing_and_cannot_be_made_to() {
        for outcome in [Outcome::Voicemail, Outcome::NoAnswer, Outcome::FollowUp] {
            let mut left = call(outcome);
            left.follow_up_due = Some(date(2026, 11, 24));
            let overdue = case_of(&left, date(2026, 10, 31));
            let changes = plan(&left, std::slice::from_ref(&overdue), at(), "").unwrap();
            assert!(closed(&changes).is_empty(), "{outcome:?}");
            left.close_cases = vec![overdue.id];
            assert_eq!(
                plan(&left, &[overdue], at(), ""),
                Err(WrapUpRefusal::CloseWithoutResolving)
            );
        }
    }

    #[test]
    fn a_follow_up_adds_to_the_open_case_instead_of_opening_another() {
        let mut follow = call(Outcome::FollowUp);
        follow.follow_up_due = Some(date(2026, 11, 26));
        let first = case_of(&follow, date(2026, 11, 23));
        let later = case_of(&follow, date(2026, 12, 10));
        let changes = plan(&follow, &[later.clone(), first.clone()], at(), "x").unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        let CaseChange::Update { after, .. } = &changes[0] else {
            panic!("no new case");
        };
        assert_eq!(after.id, first.id, "the case due first");
        assert_eq!(after.due, date(2026, 11, 26));
        assert_eq!(after.calls, [follow.id]);
        // Linked to the later case: that one.
        follow.case_id = Some(later.id);
        let changes = plan(&follow, &[later.clone(), first], at(), "x").unwrap();
        assert!(matches!(&changes[0], CaseChange::Update { after, .. } if after.id == later.id));
        // No open case: a new one, owned by the agent.
        follow.case_id = None;
        let changes = plan(&follow, &[], at(), "Refund promised").unwrap();
        let [CaseChange::Open(new)] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        assert_eq!(new.owner, "Priya");
        assert_eq!(new.summary, "Refund promised");
    }

    #[test]
    fn a_callback_is_due_at_its_time() {
        let mut back = call(Outcome::Callback);
        assert_eq!(
            plan(&back, &[], at(), ""),
            Err(WrapUpRefusal::NoCallbackTime)
        );
        let when: Timestamp = "2026-11-23T14:30:00Z".parse().unwrap();
        back.callback_at = Some(when);
        back.follow_up_due = Some(date(2026, 11, 23));
        let changes = plan(&back, &[], at(), "").unwrap();
        let [CaseChange::Open(new)] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        assert_eq!(new.callback_at, Some(when));
        assert_eq!(new.due, date(2026, 11, 23));
    }

    #[test]
    fn a_call_on_a_case_goes_into_its_history_whatever_the_outcome() {
        let mut rang = call(Outcome::NoAnswer);
        let case = case_of(&rang, date(2026, 11, 23));
        rang.case_id = Some(case.id);
        let changes = plan(&rang, &[case], at(), "").unwrap();
        let [CaseChange::Update { before, after }] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        assert_eq!(after.calls, [rang.id]);
        assert_eq!(after.due, before.due);
        assert_eq!(after.status, CaseStatus::Open);
    }
}
