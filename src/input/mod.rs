//! Input: keys as data. The embedded default keymap, user overrides from config.toml,
//! key-chord parsing and display, and the reverse map from commands to keys for hints.

mod chord;
pub mod keymap;

pub use crate::app::Context;
pub use keymap::{Binding, KeyChord, Keymap, KeymapError};

use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind};

use crate::app::{Action, Available, Command, PaletteItem, State, available};

/// Turns a key into an action for the current state: a command the place accepts, the
/// palette worded from the keymap, or the raw key for whatever text field has it.
pub fn key_action(state: &State, keymap: &Keymap, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let chord = KeyChord::from_event(&key);
    let now = available(state);
    if now.place.takes_text() && chord.is_text() {
        return Some(Action::Key(key));
    }
    match keymap.resolve(&now.contexts, chord) {
        Some(Command::Palette) if now.accepts(Command::Palette) => {
            Some(Action::OpenPalette(palette_items(keymap, &now)))
        }
        // An overlay takes only its own commands; any other key is text for its field.
        Some(command) if !now.place.is_overlay() || now.accepts(command) => {
            Some(Action::Command(command))
        }
        _ => Some(Action::Key(key)),
    }
}

/// The palette's rows: what can be done here, each with the keys that run it here.
pub fn palette_items(keymap: &Keymap, now: &Available) -> Vec<PaletteItem> {
    now.commands
        .iter()
        .filter(|command| !matches!(command, Command::Palette | Command::Escape))
        .map(|&command| PaletteItem {
            command,
            description: keymap
                .description(command, &now.contexts)
                .map_or_else(|| format!("{command:?}"), str::to_string),
            keys: keymap.key_label(command, &now.contexts),
        })
        .collect()
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
