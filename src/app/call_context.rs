//! The customer's context during a call: kept for the call's customer while the queue's
//! selection moves, always shown on a large screen, toggled on a small one. It is a pane
//! of the call too (Tab reaches it; on a small screen focusing it shows it): ↑↓ choose
//! one of the customer's past calls and Enter opens it read-only with its full notes and
//! road history, in the view the Search view opens calls in (`call_view`). The call goes
//! on meanwhile; Esc comes back to it with the notes and their cursor untouched.

use super::call_view::ReadOnlyCall;
use super::{ActiveCall, Command, Effect, Pane, State, View};
use crate::store::{CallDetail, CallSummary, CustomerContext};

/// From this many columns and rows the call always shows the customer's context.
pub const ALWAYS_COLUMNS: u16 = 120;
pub const ALWAYS_ROWS: u16 = 40;

/// The panel's own state, kept with the call it belongs to (it goes when the call does).
#[derive(Default)]
pub struct Panel {
    /// Position among the past calls (`past_calls`).
    pub selected: usize,
    /// The past call opened read-only from the panel.
    pub past: ReadOnlyCall,
}

/// Whether the screen is large enough for the context to stay visible beside the notes.
pub fn always_shown(state: &State) -> bool {
    let (columns, rows) = state.screen;
    columns >= ALWAYS_COLUMNS && rows >= ALWAYS_ROWS
}

/// Whether the active call shows the customer's context now: on a large screen, when F6
/// asked for it, or while it has the focus.
pub fn shown(state: &State) -> bool {
    always_shown(state) || state.call_context_shown || state.focus == Pane::Context
}

/// The customer's earlier calls the panel lists, newest first (the call in progress is
/// not one of them).
pub fn past_calls(active: &ActiveCall) -> impl Iterator<Item = &CallSummary> {
    active
        .context
        .iter()
        .flat_map(|context| context.history.iter())
        .filter(move |summary| summary.call.id != active.call.id)
}

/// Whether a past call is open read-only over the call (it is shown while the panel has
/// the focus).
pub fn viewing_past_call(state: &State) -> bool {
    state.view == View::Agent
        && state.focus == Pane::Context
        && state.call.as_ref().is_some_and(|a| a.panel.past.is_open())
}

/// A customer's context arrived: the active call keeps it when it is the call's customer.
pub(super) fn loaded(state: &mut State, context: &CustomerContext) {
    if let Some(active) = &mut state.call
        && active.customer.id == context.customer.id
    {
        active.context = Some(context.clone());
        let last = past_calls(active).count().saturating_sub(1);
        active.panel.selected = active.panel.selected.min(last);
    }
}

/// F6 on a small screen: show or hide the context. Hiding it from inside the panel goes
/// back to the notes, since the panel is no longer there to be in.
pub(super) fn toggle(state: &mut State) -> Vec<Effect> {
    if state.call.is_none() || always_shown(state) {
        return Vec::new();
    }
    if state.focus == Pane::Context {
        state.call_context_shown = false;
        state.focus = Pane::Notes;
        return Vec::new();
    }
    state.call_context_shown = !state.call_context_shown;
    Vec::new()
}

/// A command while the panel has the focus; `None` lets the root handle it.
pub(super) fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    if state.view != View::Agent || state.focus != Pane::Context {
        return None;
    }
    let page = state.page_rows.max(1) as isize;
    let active = state.call.as_mut()?;
    let viewing = active.panel.past.is_open();
    let delta = match command {
        Command::Up => -1,
        Command::Down => 1,
        Command::PageUp => -page,
        Command::PageDown => page,
        Command::First => isize::MIN / 2,
        Command::Last => isize::MAX / 2,
        Command::OpenResult if !viewing => {
            let effects = open(active);
            if !effects.is_empty() {
                state.info("A past call, read-only; your call goes on (its timer too).");
            }
            return Some(effects);
        }
        Command::OpenResult => return Some(Vec::new()),
        Command::Escape if viewing => {
            active.panel.past.close();
            return Some(Vec::new());
        }
        Command::EditNotes => {
            active.panel.past.close();
            state.focus = Pane::Notes;
            return Some(Vec::new());
        }
        _ => return None,
    };
    if viewing {
        active.panel.past.scroll_by(delta);
    } else {
        let last = past_calls(active).count().saturating_sub(1);
        active.panel.selected = active.panel.selected.saturating_add_signed(delta).min(last);
    }
    Some(Vec::new())
}

/// Enter on a past call: its detail is asked for and shown read-only when it comes.
fn open(active: &mut ActiveCall) -> Vec<Effect> {
    let Some(call_id) = past_calls(active)
        .nth(active.panel.selected)
        .map(|summary| summary.call.id)
    else {
        return Vec::new();
    };
    active.panel.past.open(call_id)
}

/// A call's detail arrived: the panel takes it if it asked for it; otherwise it is
/// handed back for the other views.
pub(super) fn detail_loaded(state: &mut State, detail: CallDetail) -> Option<CallDetail> {
    match &mut state.call {
        Some(active) => active.panel.past.receive(detail),
        None => Some(detail),
    }
}

/// Keeps the panel's invariants after every action: a past call is open only while the
/// panel has the focus (leaving it closes the call), and the panel has the focus only
/// during a call.
pub(super) fn tidy(state: &mut State) {
    if state.focus == Pane::Context && state.call.is_none() {
        state.focus = Pane::Queue;
    }
    if let Some(active) = &mut state.call
        && state.focus != Pane::Context
        && active.panel.past.is_open()
    {
        active.panel.past.close();
    }
}

/// What the panel accepts while it lists the past calls.
pub(super) fn accepts(state: &State) -> Vec<Command> {
    let mut commands = Vec::new();
    if state
        .call
        .as_ref()
        .is_some_and(|active| past_calls(active).next().is_some())
    {
        commands.push(Command::OpenResult);
    }
    commands.push(Command::EditNotes);
    commands.extend(super::command::LIST_MOVES);
    commands
}

/// What the read-only past call accepts: scrolling, back to the call, back to the notes.
pub(super) fn past_call_accepts() -> Vec<Command> {
    vec![
        Command::Escape,
        Command::EditNotes,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
    ]
}
