//! Moving around: switching views (F2/F3/F4), cycling panes, scrolling the customer
//! context, and saving the notes when focus leaves them.

use super::{Command, Effect, Pane, State, View, call, dashboard, review, search};

/// F2 / F3 / F4: leaving the notes saves them; the Review and Dashboard views load fresh
/// figures each time they are entered.
pub(super) fn switch_view(state: &mut State, command: Command) -> Vec<Effect> {
    let target = match command {
        Command::ViewReview => View::Review,
        Command::ViewDashboard => View::Dashboard,
        Command::ViewSearch => View::Search,
        _ => View::Agent,
    };
    state.overlay = None;
    state.queue.filter_editing = false;
    let mut effects = Vec::new();
    if state.view == View::Agent {
        if state.focus == Pane::Notes {
            state.focus = Pane::Road;
            effects.extend(call::autosave(state));
        }
        state.agent_focus = state.focus;
    }
    state.view = target;
    match target {
        View::Agent => {
            state.focus = if state.call.is_none() && state.agent_focus == Pane::Road {
                Pane::Queue
            } else {
                state.agent_focus
            };
        }
        View::Review => effects.extend(review::enter(state)),
        View::Dashboard => effects.extend(dashboard::enter(state)),
        View::Search => effects.extend(search::enter(state)),
    }
    effects
}

pub(super) fn scroll_context(state: &mut State, down: bool) {
    let len = state.context.as_ref().map_or(0, |c| c.history.len());
    state.context_scroll = if down {
        (state.context_scroll + 1).min(len.saturating_sub(1))
    } else {
        state.context_scroll.saturating_sub(1)
    };
}

pub(super) fn cycle_pane(state: &mut State, forward: bool) {
    let panes = state.panes();
    let at = panes.iter().position(|p| *p == state.focus).unwrap_or(0);
    let next = if forward {
        (at + 1) % panes.len()
    } else {
        (at + panes.len() - 1) % panes.len()
    };
    state.focus = panes[next];
}

/// Leaving the notes (another pane, another view) saves them first.
pub(super) fn autosave_on_leave(state: &mut State) -> Vec<Effect> {
    if state.focus != Pane::Notes {
        call::autosave(state)
    } else {
        Vec::new()
    }
}
