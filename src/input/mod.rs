//! Input: keys as data. The embedded default keymap, user overrides from config.toml,
//! key-chord parsing and display, and the reverse map from commands to keys for hints.

pub mod keymap;

pub use crate::app::Context;
pub use keymap::{Binding, KeyChord, Keymap, KeymapError};

use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind};

use crate::app::{Action, Command, State};

/// Turns a key into an action for the current state: a bound command, or the raw key
/// for whatever text field or overlay has it.
pub fn key_action(state: &State, keymap: &Keymap, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let chord = KeyChord::from_event(&key);
    if state.overlay.is_some() {
        // Overlays take every key except quitting.
        return match keymap.resolve(&[Context::Global], chord) {
            Some(Command::Quit) => Some(Action::Command(Command::Quit)),
            _ => Some(Action::Key(key)),
        };
    }
    if state.queue.filter_editing {
        return match keymap.resolve(&[Context::Global], chord) {
            Some(Command::Escape) | None => match chord.code {
                ratatui::crossterm::event::KeyCode::Esc => Some(Action::Command(Command::Escape)),
                _ => Some(Action::Key(key)),
            },
            Some(command) => Some(Action::Command(command)),
        };
    }
    match keymap.resolve(&state.key_contexts(), chord) {
        Some(command) => Some(Action::Command(command)),
        None => Some(Action::Key(key)),
    }
}

/// Any terminal event as an action.
pub fn event_action(state: &State, keymap: &Keymap, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => key_action(state, keymap, key),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}
