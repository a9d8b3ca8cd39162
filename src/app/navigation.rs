//! Moving around within a view: cycling panes, scrolling the customer context, and
//! saving the notes when focus leaves them. (Switching views is the root's `switch_view`.)

use super::{Effect, Pane, State, call};

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
