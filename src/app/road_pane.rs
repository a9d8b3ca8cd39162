//! The road pane of the active call: the road (Alt-1…Alt-4 set it from anywhere), the
//! sentiment, outcome, follow-up date and callback time, the case the call is about and
//! whether it closes it, the customer's status change and the call's reason.

use super::call::FOLLOW_UP_WORKING_DAYS;
use super::{Command, Effect, State};
use crate::domain::clock::{add_working_days, shift_due};
use crate::domain::{Outcome, Road};

pub(super) fn set_road(state: &mut State, road: Road) -> Vec<Effect> {
    let Some(active) = &mut state.call else {
        state.warn("No call in progress: press Enter on a customer to start one.");
        return Vec::new();
    };
    if active.call.road == Some(road) {
        return Vec::new();
    }
    active.call.road = Some(road);
    let call = active.call.clone();
    state.info(format!("Road {}: {}.", road.label(), road.definition()));
    vec![Effect::UpdateCall(call)]
}

/// What the road pane accepts now: the case keys only when there is a case to link or
/// close, the callback time only for a callback.
pub(super) fn road_accepts(state: &State) -> Vec<Command> {
    let mut commands = vec![
        Command::EditNotes,
        Command::SentimentUp,
        Command::SentimentDown,
        Command::ToggleOutcome,
        Command::DueLater,
        Command::DueEarlier,
    ];
    if let Some(active) = &state.call {
        let call = &active.call;
        if call.outcome == Outcome::Callback {
            commands.extend([Command::CallbackEarlier, Command::CallbackLater]);
        }
        if !active.open_cases.is_empty() {
            commands.push(Command::CycleCase);
        }
        if call.outcome == Outcome::Resolved && call.case_id.is_some() {
            commands.push(Command::ToggleCloseCase);
        }
    }
    commands.extend([Command::CycleStatus, Command::CycleReason]);
    commands
}

pub(super) fn adjust(state: &mut State, command: Command) -> Vec<Effect> {
    let today = state.clock.today();
    let Some(active) = &mut state.call else {
        state.warn("No call in progress.");
        return Vec::new();
    };
    let call = &mut active.call;
    match command {
        Command::SentimentUp => call.sentiment = (call.sentiment + 1).min(2),
        Command::SentimentDown => call.sentiment = (call.sentiment - 1).max(-2),
        Command::ToggleOutcome => {
            call.outcome = call.outcome.next();
            if call.outcome != Outcome::Resolved {
                // Only a resolved call closes cases: nothing stays chosen to close.
                call.close_cases.clear();
            }
            if call.outcome.owes_follow_up() && call.follow_up_due.is_none() {
                call.follow_up_due = Some(add_working_days(today, FOLLOW_UP_WORKING_DAYS));
            }
            if call.outcome == Outcome::Callback && call.callback_at.is_none() {
                let day = add_working_days(today, 1);
                call.follow_up_due = Some(day);
                call.callback_at = state.clock.at_local(day, 10, 0);
            }
            if call.outcome != Outcome::Callback {
                call.callback_at = None;
            }
        }
        Command::DueLater | Command::DueEarlier => {
            if !call.outcome.owes_follow_up() {
                state.warn("Set the outcome to follow-up needed or callback (o) to choose a date.");
                return Vec::new();
            }
            let due = active.due_or_default(today);
            let later = command == Command::DueLater;
            let Some(next) = shift_due(due, later, today) else {
                state.warn("A due date cannot move into the past.");
                return Vec::new();
            };
            let call = &mut active.call;
            call.follow_up_due = Some(next);
            if let Some(at) = call.callback_at {
                let clock = &state.clock;
                let time = at.to_zoned(clock.tz.clone()).time();
                call.callback_at = clock.at_local(next, time.hour(), time.minute());
            }
        }
        Command::CallbackEarlier | Command::CallbackLater => {
            let Some(at) = call
                .callback_at
                .filter(|_| call.outcome == Outcome::Callback)
            else {
                state.warn("Set the outcome to callback requested (o) to choose a time.");
                return Vec::new();
            };
            let step = if command == Command::CallbackLater {
                30
            } else {
                -30
            };
            let moved = at + jiff::SignedDuration::from_mins(step);
            if moved <= state.clock.now {
                state.warn("A callback cannot be in the past.");
                return Vec::new();
            }
            call.callback_at = Some(moved);
            call.follow_up_due = Some(state.clock.date_of(moved));
        }
        Command::CycleCase => {
            let ids: Vec<_> = active.open_cases.iter().map(|c| c.id).collect();
            if ids.is_empty() {
                state.info("This customer has no open case; a follow-up opens one.");
                return Vec::new();
            }
            let call = &mut active.call;
            call.case_id = match call
                .case_id
                .and_then(|id| ids.iter().position(|c| *c == id))
            {
                None => ids.first().copied(),
                Some(at) => ids.get(at + 1).copied(),
            };
            // A case no longer linked is no longer closed by this call.
            call.close_cases.retain(|id| Some(*id) == call.case_id);
        }
        Command::ToggleCloseCase => {
            let Some(case_id) = call.case_id else {
                state.warn("Choose the case this call is about first (c).");
                return Vec::new();
            };
            if call.outcome != Outcome::Resolved {
                state.warn("Only a resolved call closes a case: set the outcome (o) first.");
                return Vec::new();
            }
            if let Some(at) = call.close_cases.iter().position(|id| *id == case_id) {
                call.close_cases.remove(at);
            } else {
                call.close_cases.push(case_id);
            }
        }
        Command::CycleStatus => {
            let current = active.customer.status;
            let next = match call.status_after {
                None => current.next(),
                Some(chosen) if chosen.next() == current => {
                    call.status_after = None;
                    return vec![Effect::UpdateCall(call.clone())];
                }
                Some(chosen) => chosen.next(),
            };
            call.status_after = Some(next);
        }
        Command::CycleReason => {
            // The direction was set by how the call started; the reason fits it.
            call.reason = call.reason.next_for(call.direction);
        }
        _ => return Vec::new(),
    }
    vec![Effect::UpdateCall(active.call.clone())]
}
