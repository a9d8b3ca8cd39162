//! The commands of the Review view: moving through the calls and cases, the filters,
//! and the review keys; and what the view accepts now, for the key hints.

use super::overlay::{Prompt, PromptPurpose};
use super::review::{
    ReviewTab, cycle_agent, detail_for_selection, next_unreviewed_from, reload_calls,
};
use super::review_verdict::{acknowledge, comment, set_road};
use super::{Command, Effect, Overlay, Pane, State, cases};
use crate::domain::call::Role;

/// Commands the Review view handles; `None` lets the root handle it.
pub(super) fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    let rows = state.page_rows;
    if let Some(road) = command.road() {
        return Some(set_road(state, road));
    }
    if state.focus == Pane::Detail && matches!(command, Command::Up | Command::Down) {
        state.review.detail_scroll = if command == Command::Down {
            state.review.detail_scroll + 1
        } else {
            state.review.detail_scroll.saturating_sub(1)
        };
        return Some(Vec::new());
    }
    let moved = |delta: isize, state: &mut State| -> Vec<Effect> {
        match state.review.tab {
            ReviewTab::Calls => {
                state.review.calls.move_by(delta, rows);
                detail_for_selection(state)
            }
            ReviewTab::Cases => {
                state.review.cases.move_by(delta, rows);
                cases::more_cases(state)
            }
        }
    };
    let effects = match command {
        Command::Up => moved(-1, state),
        Command::Down => moved(1, state),
        Command::PageUp => moved(-(rows as isize), state),
        Command::PageDown => moved(rows as isize, state),
        Command::First => moved(isize::MIN / 2, state),
        Command::Last => moved(isize::MAX / 2, state),
        Command::ToggleCases => {
            state.review.tab = match state.review.tab {
                ReviewTab::Calls => ReviewTab::Cases,
                ReviewTab::Cases => ReviewTab::Calls,
            };
            Vec::new()
        }
        Command::NextUnreviewed => {
            let from = state.review.calls.selected + 1;
            next_unreviewed_from(state, from)
        }
        Command::Comment => comment(state),
        Command::Acknowledge => acknowledge(state),
        Command::StartCall if state.review.tab == ReviewTab::Cases => cases::call_about(state),
        Command::CyclePeriod => {
            state.review.filters.period = state.review.filters.period.next();
            reload_calls(state)
        }
        Command::CycleAgent => cycle_agent(state),
        Command::CycleRoadFilter => {
            state.review.filters.road = state.review.filters.road.next();
            reload_calls(state)
        }
        Command::ToggleUnreviewed | Command::ToggleDisagreements => {
            let filters = &mut state.review.filters;
            filters.toggle_reviewed_state(command == Command::ToggleDisagreements);
            reload_calls(state)
        }
        Command::Filter => {
            let line = state.review.filters.filter_line();
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
                PromptPurpose::Filter,
                "Filter the review list".into(),
                "#tag  customer:name  agent:name  from:YYYY-MM-DD  to:YYYY-MM-DD  words in the notes",
                &line,
            ))));
            Vec::new()
        }
        Command::DueLater | Command::DueEarlier if state.review.tab == ReviewTab::Cases => {
            cases::move_due(state, command == Command::DueLater)
        }
        Command::CloseCase if state.review.tab == ReviewTab::Cases => cases::close_or_reopen(state),
        Command::ReassignCase if state.review.tab == ReviewTab::Cases => cases::reassign(state),
        Command::DueLater | Command::DueEarlier | Command::CloseCase | Command::ReassignCase => {
            Vec::new()
        }
        _ => return None,
    };
    Some(effects)
}

/// What the Review view accepts now on `tab`: a lead reviews, comments and manages
/// cases; an agent sees and acknowledges the reviews of their own calls.
pub(super) fn accepts(state: &State, tab: ReviewTab) -> Vec<Command> {
    let lead = state.role == Role::Lead;
    let mut commands = Vec::new();
    match tab {
        ReviewTab::Calls => {
            if lead {
                commands.extend([
                    Command::Road1,
                    Command::Road2,
                    Command::Road3,
                    Command::Road4,
                ]);
            }
            commands.push(Command::NextUnreviewed);
            if lead {
                commands.push(Command::Comment);
            }
            let own = state
                .review
                .selected_call()
                .is_some_and(|call| call.agent == state.agent);
            if own {
                commands.push(Command::Acknowledge);
            }
            commands.extend([Command::Filter, Command::CyclePeriod]);
            if lead {
                commands.push(Command::CycleAgent);
            }
            commands.extend([
                Command::CycleRoadFilter,
                Command::ToggleUnreviewed,
                Command::ToggleDisagreements,
            ]);
            if lead {
                commands.push(Command::NotesDisagreeFirst);
            }
            commands.extend([Command::ToggleCases, Command::Export]);
        }
        ReviewTab::Cases => {
            // Alt-1…Alt-4 set the active call's road from the case list.
            if state.call.is_some() {
                commands.extend([
                    Command::Road1,
                    Command::Road2,
                    Command::Road3,
                    Command::Road4,
                ]);
            }
            if lead {
                commands.extend([Command::DueLater, Command::DueEarlier, Command::CloseCase]);
            }
            if state.review.cases.selected_row().is_some() {
                commands.extend([Command::StartCall, Command::ReassignCase]);
            }
            commands.push(Command::ToggleCases);
        }
    }
    commands.extend(super::command::LIST_MOVES);
    commands
}
