//! Where a command goes: an open overlay has it first, then the queue's filter line,
//! then the view and its panes; the few commands no pane owns (help, quit, export, the
//! view keys) are answered here.

use super::{
    Command, ConfirmPurpose, Effect, Overlay, Pane, PickPurpose, PromptPurpose, State, View, call,
    call_context, cases, customers, dashboard, lead_only, navigation, one_call, overlay, queue,
    review, review_commands, review_verdict, road_hint, road_pane, search, snippets, switch_view,
};
use crate::domain::call::Role;

/// A command: an open overlay has it first, then the queue's filter line while typing
/// in it, then the view and its panes.
pub(super) fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    if command == Command::Quit {
        return quit(state);
    }
    if matches!(state.overlay, Some(Overlay::SwitchCall(_))) {
        return one_call::command(state, command);
    }
    if state.overlay.is_some() {
        return match overlay::command(state, command) {
            overlay::Outcome::Done(effects) => effects,
            overlay::Outcome::Run(command) => run_command(state, command),
            overlay::Outcome::Submitted(purpose, text) => prompt_submitted(state, purpose, &text),
            overlay::Outcome::Insert(text) => snippets::insert(state, &text),
            overlay::Outcome::SubmitCustomer => customers::submit(state),
            overlay::Outcome::Picked(purpose, choice) => match purpose {
                PickPurpose::MergeInto { duplicate } => match choice.id {
                    Some(keep) => customers::merge_target_picked(state, duplicate, keep),
                    None => Vec::new(),
                },
                PickPurpose::CaseOwner { case_id } => {
                    cases::owner_picked(state, case_id, &choice.label)
                }
            },
            overlay::Outcome::Confirmed(ConfirmPurpose::Merge { duplicate, keep }) => {
                customers::merge_confirmed(state, duplicate, keep)
            }
            overlay::Outcome::Closed(purpose) => {
                if let Some(purpose) = purpose {
                    review_verdict::prompt_cancelled(state, &purpose);
                }
                Vec::new()
            }
        };
    }
    if state.queue.filter_editing && matches!(command, Command::Confirm | Command::Cancel) {
        return queue::filter_command(state, command);
    }
    run_command(state, command)
}

/// A prompt's text goes to the reducer its purpose names; the prompt closes when that
/// reducer takes it and shows the reason under the field when not.
fn prompt_submitted(state: &mut State, purpose: PromptPurpose, text: &str) -> Vec<Effect> {
    let result = match purpose {
        PromptPurpose::Review {
            call_id,
            road,
            required,
        } => review_verdict::save_review(state, call_id, road, required, text.to_string()),
        PromptPurpose::CloseCase { case_id } => {
            cases::close_with_note(state, case_id, text.to_string())
        }
        PromptPurpose::Filter => review::apply_filter(state, text),
        PromptPurpose::DoNotContact { customer_id } => {
            customers::reason_given(state, customer_id, text)
        }
    };
    match result {
        Ok(effects) => {
            state.overlay = None;
            effects
        }
        Err(error) => {
            overlay::prompt_error(state, error);
            Vec::new()
        }
    }
}

fn run_command(state: &mut State, command: Command) -> Vec<Effect> {
    let routed = match state.view {
        // The suggestion's order lives with the suggestion, which reads the review list.
        View::Review if command == Command::NotesDisagreeFirst => Some(
            if lead_only(state, "order calls by what their notes read like") {
                road_hint::toggle_disagree_first(state)
            } else {
                Vec::new()
            },
        ),
        View::Review => review_commands::command(state, command),
        View::Dashboard => dashboard::command(state, command),
        View::Search => search::command(state, command),
        View::Agent => None,
    };
    if let Some(effects) = routed.or_else(|| call_context::command(state, command)) {
        return effects;
    }
    if let Some(road) = command.road() {
        return road_pane::set_road(state, road);
    }
    match command {
        Command::Quit => quit(state),
        Command::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        // The input layer opens the palette (`Action::OpenPalette`) with the keymap's
        // words; the palette never offers itself.
        Command::Palette => Vec::new(),
        Command::Escape => escape(state),
        Command::NextPane | Command::PrevPane => {
            navigation::cycle_pane(state, command == Command::NextPane);
            navigation::autosave_on_leave(state)
        }
        Command::ViewAgent | Command::ViewReview | Command::ViewDashboard | Command::ViewSearch => {
            switch_view(state, command)
        }
        Command::Export => {
            let (from, to) = state.dashboard.period.range(state.clock.today());
            state.info("Writing the summary…");
            vec![Effect::ExportSummary {
                from,
                to,
                dir: state.export_dir.clone(),
                templates: state.templates_dir.clone(),
                blind_lead: (state.role == Role::Lead && state.review.blind)
                    .then(|| state.agent.clone()),
                own_figures: (state.role == Role::Agent).then(|| state.agent.clone()),
            }]
        }
        Command::WrapUp => call::wrap_up(state),
        Command::ToggleContext => call_context::toggle(state),
        Command::Snippets => snippets::open(state),
        Command::Copy => {
            if let Some(call) = &mut state.call {
                if call.notes.copy() {
                    state.info("Copied; Ctrl-Y pastes.");
                } else {
                    state.info("Nothing selected: Shift-arrows select text.");
                }
            }
            Vec::new()
        }
        Command::SentimentUp
        | Command::SentimentDown
        | Command::ToggleOutcome
        | Command::DueLater
        | Command::DueEarlier
        | Command::CycleStatus
        | Command::CycleReason
        | Command::CycleCase
        | Command::ToggleCloseCase
        | Command::CallbackEarlier
        | Command::CallbackLater => road_pane::adjust(state, command),
        Command::EditNotes => {
            if state.call.is_some() {
                state.focus = Pane::Notes;
            }
            Vec::new()
        }
        Command::Filter
        | Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::First
        | Command::Last
        | Command::StartCall
        | Command::IncomingCall
        | Command::AddCustomer => {
            if state.focus == Pane::Customer && matches!(command, Command::Up | Command::Down) {
                navigation::scroll_context(state, command == Command::Down);
                return Vec::new();
            }
            queue::command(state, command)
        }
        Command::EditCustomer | Command::MergeCustomer | Command::ToggleDoNotContact => {
            customers::command(state, command)
        }
        Command::LoadDemo => {
            if state.queue.total() > 0 {
                state.warn(
                    "Demo data goes only into an empty store (or use `fourroads demo --force`).",
                );
                return Vec::new();
            }
            state.info("Loading demo data…");
            vec![Effect::LoadDemo]
        }
        Command::Road1
        | Command::Road2
        | Command::Road3
        | Command::Road4
        | Command::Confirm
        | Command::Cancel
        | Command::NextField
        | Command::PrevField
        | Command::OpenResult
        | Command::ParkCall => Vec::new(),
        Command::NextUnreviewed
        | Command::Comment
        | Command::Acknowledge
        | Command::CyclePeriod
        | Command::CycleAgent
        | Command::CycleRoadFilter
        | Command::ToggleUnreviewed
        | Command::ToggleDisagreements
        | Command::NotesDisagreeFirst
        | Command::ToggleCases
        | Command::CloseCase
        | Command::ReassignCase
        | Command::Refresh => {
            state.info("That works in the Review or Dashboard view.");
            Vec::new()
        }
    }
}

fn escape(state: &mut State) -> Vec<Effect> {
    if state.focus == Pane::Notes && state.call.is_some() && !state.queue.filter_editing {
        state.focus = Pane::Road;
        return call::autosave(state);
    }
    if state.queue.filter_editing || !state.queue.filter.is_empty() {
        state.queue.clear_filter();
        return queue::selection_changed(state);
    }
    state.message = None;
    Vec::new()
}

fn quit(state: &mut State) -> Vec<Effect> {
    let mut effects = call::autosave(state);
    if let Some(call) = &state.call {
        effects.push(Effect::UpdateCall(call.call.clone()));
    }
    effects.push(Effect::Quit);
    state.quitting = true;
    effects
}
