//! The customer's context during a call: kept for the call's customer while the queue's
//! selection moves, always shown on a large screen, toggled on a small one.

use super::{Effect, State};
use crate::store::CustomerContext;

/// From this many columns and rows the call always shows the customer's context.
pub const ALWAYS_COLUMNS: u16 = 120;
pub const ALWAYS_ROWS: u16 = 40;

/// Whether the screen is large enough for the context to stay visible beside the notes.
pub fn always_shown(state: &State) -> bool {
    let (columns, rows) = state.screen;
    columns >= ALWAYS_COLUMNS && rows >= ALWAYS_ROWS
}

/// Whether the active call shows the customer's context now.
pub fn shown(state: &State) -> bool {
    always_shown(state) || state.call_context_shown
}

/// A customer's context arrived: the active call keeps it when it is the call's customer.
pub(super) fn loaded(state: &mut State, context: &CustomerContext) {
    if let Some(active) = &mut state.call
        && active.customer.id == context.customer.id
    {
        active.context = Some(context.clone());
    }
}

pub(super) fn toggle(state: &mut State) -> Vec<Effect> {
    if state.call.is_none() || always_shown(state) {
        return Vec::new();
    }
    state.call_context_shown = !state.call_context_shown;
    Vec::new()
}
