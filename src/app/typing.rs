//! Keys that are not commands, and pasted text: they go to an open overlay, the search
//! line, the queue's filter line or the notes, whichever is taking text now.

use ratatui::crossterm::event::KeyEvent;

use super::{Effect, Pane, State, View, call, notes_editor, overlay, queue, search};

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.overlay.is_some() {
        overlay::key(state, key);
        return Vec::new();
    }
    if state.view == View::Search {
        return search::key(state, key);
    }
    if state.queue.filter_editing {
        return queue::filter_key(state, key);
    }
    if state.focus == Pane::Notes && state.view == View::Agent {
        return call::notes_key(state, key);
    }
    Vec::new()
}

pub(super) fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let into_notes = state.overlay.is_none()
        && !state.queue.filter_editing
        && state.focus == Pane::Notes
        && state.call.is_some();
    if into_notes && text.len() > notes_editor::MAX_NOTES_BYTES {
        // Refused before any work on it: cleaning a huge paste costs time too.
        state.warn(notes_editor::TooLarge.message());
        return Vec::new();
    }
    let clean = crate::domain::text::sanitize_multiline(text);
    if let Some(overlay) = &mut state.overlay {
        overlay.paste(&clean);
        return Vec::new();
    }
    if state.view == View::Search {
        return search::paste(state, &clean);
    }
    if state.queue.filter_editing {
        state.queue.filter.push_str(&clean.replace('\n', " "));
        state.queue.apply_filter();
        return queue::selection_changed(state);
    }
    if state.focus == Pane::Notes
        && let Some(call) = &mut state.call
    {
        match call.notes.paste(&clean) {
            Ok(true) => call.edited(state.clock.now),
            Ok(false) => {}
            Err(too_large) => state.warn(too_large.message()),
        }
    }
    Vec::new()
}
