//! Input: keys as data. The embedded default keymap, user overrides from config.toml,
//! key-chord parsing and display, and the reverse map from commands to keys for hints.

pub mod keymap;

pub use crate::app::Context;
pub use keymap::{Binding, KeyChord, Keymap, KeymapError};
