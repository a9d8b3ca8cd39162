//! The keymap: bindings loaded from the embedded `assets/keymap.toml`, with user
//! overrides merged over them, resolved by context.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

pub use super::chord::{KeyChord, UnknownKey};
use crate::app::{CONTEXTS, Command, Context};

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KeymapError {
    #[error(transparent)]
    UnknownKey(#[from] UnknownKey),
    #[error("unknown context \"{0}\" (use {names})", names = context_names())]
    UnknownContext(String),
    #[error(
        "\"{key}\" cannot be bound in [keys.{context}]: there it types text (use ctrl- or alt- with it)"
    )]
    TypedKey { key: String, context: &'static str },
    #[error(
        "unknown command \"{0}\" (see the help overlay for command names, or \"none\" to unbind)"
    )]
    UnknownCommand(String),
    #[error("the default keymap is invalid: {0}")]
    Default(String),
}

fn context_names() -> String {
    let names: Vec<&str> = CONTEXTS.iter().map(|c| c.name()).collect();
    names.join(", ")
}

/// One key bound to one command in one context.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub context: Context,
    pub key: KeyChord,
    pub command: Command,
    pub description: String,
    /// The hint bar's short label.
    pub hint: String,
}

#[derive(Deserialize)]
struct KeymapFile {
    binding: Vec<BindingEntry>,
}

#[derive(Deserialize)]
struct BindingEntry {
    context: Context,
    keys: Vec<String>,
    command: Command,
    description: String,
    hint: String,
}

/// User overrides: `[keys.<context>]` tables of `"<key>" = "<command>"` (or `"none"`).
pub type KeyOverrides = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<Binding>,
    lookup: HashMap<(Context, KeyChord), Command>,
}

impl Keymap {
    /// The embedded default keymap.
    pub fn default_keymap() -> Result<Keymap, KeymapError> {
        let file: KeymapFile =
            toml::from_str(DEFAULT_KEYMAP).map_err(|e| KeymapError::Default(e.to_string()))?;
        let mut bindings = Vec::new();
        for entry in file.binding {
            for key in &entry.keys {
                bindings.push(Binding {
                    context: entry.context,
                    key: KeyChord::parse(key)?,
                    command: entry.command,
                    description: entry.description.clone(),
                    hint: entry.hint.clone(),
                });
            }
        }
        Ok(Keymap::from_bindings(bindings))
    }

    fn from_bindings(bindings: Vec<Binding>) -> Keymap {
        let lookup = bindings
            .iter()
            .map(|b| ((b.context, b.key), b.command))
            .collect();
        Keymap { bindings, lookup }
    }

    /// The defaults with the user's overrides merged over them.
    pub fn with_overrides(overrides: &KeyOverrides) -> Result<Keymap, KeymapError> {
        let defaults = Keymap::default_keymap()?;
        let mut bindings = defaults.bindings.clone();
        for (context_name, keys) in overrides {
            let context = Context::parse(context_name)
                .ok_or_else(|| KeymapError::UnknownContext(context_name.clone()))?;
            for (key_text, command_name) in keys {
                let key = KeyChord::parse(key_text)?;
                bindings.retain(|b| !(b.context == context && b.key == key));
                if command_name == "none" {
                    continue;
                }
                if context.takes_text() && key.is_text() {
                    return Err(KeymapError::TypedKey {
                        key: key_text.clone(),
                        context: context.name(),
                    });
                }
                let command: Command = toml::Value::String(command_name.clone())
                    .try_into()
                    .map_err(|_| KeymapError::UnknownCommand(command_name.clone()))?;
                // Words from a default binding of the same command, in this context first.
                let words = defaults
                    .bindings
                    .iter()
                    .filter(|b| b.command == command)
                    .min_by_key(|b| b.context != context)
                    .map(|b| (b.description.clone(), b.hint.clone()));
                let (description, hint) = words.unwrap_or_else(|| {
                    let name = command_name.replace('_', " ");
                    (name.clone(), name)
                });
                bindings.push(Binding {
                    context,
                    key,
                    command,
                    description,
                    hint,
                });
            }
        }
        Ok(Keymap::from_bindings(bindings))
    }

    /// The command bound to `key` in the first of `contexts` that binds it.
    pub fn resolve(&self, contexts: &[Context], key: KeyChord) -> Option<Command> {
        contexts
            .iter()
            .find_map(|context| self.lookup.get(&(*context, key)).copied())
    }

    /// Keys that run `command` with `contexts` active, each once, most specific context
    /// first and in keymap order within one: a key
    /// that a more specific context binds to something else is left out.
    pub fn keys_for(&self, command: Command, contexts: &[Context]) -> Vec<KeyChord> {
        let mut keys: Vec<KeyChord> = Vec::new();
        for context in contexts {
            for binding in &self.bindings {
                if binding.command == command
                    && binding.context == *context
                    && !keys.contains(&binding.key)
                    && self.resolve(contexts, binding.key) == Some(command)
                {
                    keys.push(binding.key);
                }
            }
        }
        keys
    }

    /// "Ctrl-Q/Ctrl-C": every key that runs a command here, once each, joined.
    pub fn key_label(&self, command: Command, contexts: &[Context]) -> String {
        join_keys(&self.keys_for(command, contexts))
    }

    /// The binding that speaks for `command` here: the first of `contexts` that binds it.
    fn binding_for(&self, command: Command, contexts: &[Context]) -> Option<&Binding> {
        contexts.iter().find_map(|context| {
            self.bindings
                .iter()
                .find(|b| b.command == command && b.context == *context)
        })
    }

    /// What `command` does, in the words of the binding that applies here.
    /// A command no key runs here (the palette still offers it) takes the words of any
    /// binding it has.
    pub fn description(&self, command: Command, contexts: &[Context]) -> Option<&str> {
        self.binding_for(command, contexts)
            .or_else(|| self.bindings.iter().find(|b| b.command == command))
            .map(|b| b.description.as_str())
    }

    /// The hint bar's label for `command` here.
    pub fn hint(&self, command: Command, contexts: &[Context]) -> Option<&str> {
        self.binding_for(command, contexts).map(|b| b.hint.as_str())
    }

    /// Rows for the help overlay from what each place accepts: (context the keys are
    /// bound in, keys, description), grouped by context in `CONTEXTS` order, each
    /// command once per context and each key once.
    pub fn help_rows(
        &self,
        places: &[(Vec<Context>, Vec<Command>)],
    ) -> Vec<(Context, String, String)> {
        let mut rows: Vec<(Context, Command, String, Vec<KeyChord>)> = Vec::new();
        for (contexts, commands) in places {
            for binding in &self.bindings {
                let runs_here = commands.contains(&binding.command)
                    && contexts.contains(&binding.context)
                    && self.resolve(contexts, binding.key) == Some(binding.command);
                if !runs_here {
                    continue;
                }
                let row = rows
                    .iter_mut()
                    .find(|r| r.0 == binding.context && r.1 == binding.command);
                match row {
                    Some(row) if !row.3.contains(&binding.key) => row.3.push(binding.key),
                    Some(_) => {}
                    None => rows.push((
                        binding.context,
                        binding.command,
                        binding.description.clone(),
                        vec![binding.key],
                    )),
                }
            }
        }
        rows.sort_by_key(|r| CONTEXTS.iter().position(|c| *c == r.0));
        rows.into_iter()
            .map(|(context, _, description, keys)| (context, join_keys(&keys), description))
            .collect()
    }
}

/// "↑/k"; with the slash key among them, "/, q" so it cannot be misread.
fn join_keys(keys: &[KeyChord]) -> String {
    let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let separator = if names.len() > 1 && names.iter().any(|n| n == "/") {
        ", "
    } else {
        "/"
    };
    names.join(separator)
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;

    fn chord(text: &str) -> KeyChord {
        KeyChord::parse(text).unwrap()
    }

    #[test]
    fn default_keymap_holds_the_contract_keys() {
        let keymap = Keymap::default_keymap().unwrap();
        let global = [Context::Global];
        let typing = [Context::Global, Context::Notes];
        let normal = [Context::Global, Context::Queue, Context::Normal];
        assert_eq!(
            keymap.resolve(&typing, chord("ctrl-q")),
            Some(Command::Quit)
        );
        assert_eq!(
            keymap.resolve(&typing, chord("ctrl-c")),
            Some(Command::Quit)
        );
        assert_eq!(keymap.resolve(&global, chord("f1")), Some(Command::Help));
        assert_eq!(
            keymap.resolve(&global, chord("f3")),
            Some(Command::ViewReview)
        );
        assert_eq!(
            keymap.resolve(&typing, chord("alt-4")),
            Some(Command::Road4)
        );
        assert_eq!(
            keymap.resolve(&typing, chord("ctrl-e")),
            Some(Command::WrapUp)
        );
        assert_eq!(
            keymap.resolve(&typing, chord("shift-tab")),
            Some(Command::PrevPane)
        );
        // Plain keys never fire while typing…
        assert_eq!(keymap.resolve(&typing, chord("q")), None);
        assert_eq!(keymap.resolve(&typing, chord("3")), None);
        // …but do when not typing.
        assert_eq!(keymap.resolve(&normal, chord("q")), Some(Command::Quit));
        assert_eq!(keymap.resolve(&normal, chord("3")), Some(Command::Road3));
        assert_eq!(keymap.resolve(&normal, chord("?")), Some(Command::Help));
        assert_eq!(
            keymap.resolve(&normal, chord("enter")),
            Some(Command::StartCall)
        );
        assert_eq!(keymap.resolve(&normal, chord("j")), Some(Command::Down));
        assert_eq!(
            keymap.resolve(&normal, chord("a")),
            Some(Command::AddCustomer)
        );
    }

    #[test]
    fn events_normalise_to_the_parsed_chord() {
        let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shift_tab), chord("shift-tab"));
        let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&question), chord("?"));
        let ctrl_q = KeyEvent::new(
            KeyCode::Char('Q'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(KeyChord::from_event(&ctrl_q), chord("ctrl-q"));
        assert_eq!(chord("ctrl-e").to_string(), "Ctrl-E");
        assert_eq!(chord("alt-1").to_string(), "Alt-1");
    }

    #[test]
    fn overrides_add_replace_and_unbind() {
        let mut overrides = KeyOverrides::new();
        overrides.insert(
            "queue".into(),
            BTreeMap::from([
                ("n".to_string(), "add_customer".to_string()),
                ("a".to_string(), "none".to_string()),
            ]),
        );
        let keymap = Keymap::with_overrides(&overrides).unwrap();
        let queue = [Context::Queue];
        assert_eq!(
            keymap.resolve(&queue, chord("n")),
            Some(Command::AddCustomer)
        );
        assert_eq!(keymap.resolve(&queue, chord("a")), None);
        assert_eq!(keymap.key_label(Command::AddCustomer, &queue), "n");
    }

    #[test]
    fn bad_overrides_say_what_is_wrong() {
        let bad = |context: &str, key: &str, command: &str| {
            let mut overrides = KeyOverrides::new();
            overrides.insert(
                context.into(),
                BTreeMap::from([(key.to_string(), command.to_string())]),
            );
            Keymap::with_overrides(&overrides).unwrap_err().to_string()
        };
        assert!(bad("queue", "ctrl-banana", "quit").contains("unknown key \"ctrl-banana\""));
        assert!(bad("kitchen", "x", "quit").contains("unknown context \"kitchen\""));
        assert!(bad("queue", "x", "fly").contains("unknown command \"fly\""));
        // A plain letter where text is typed would steal it from the text.
        assert!(bad("prompt", "x", "confirm").contains("cannot be bound in [keys.prompt]"));
        assert!(bad("global", "q", "quit").contains("cannot be bound in [keys.global]"));
        assert!(bad("notes", "space", "copy").contains("cannot be bound"));
        // With a modifier, or where nothing is typed, it may.
        let mut overrides = KeyOverrides::new();
        overrides.insert(
            "prompt".into(),
            BTreeMap::from([("alt-x".to_string(), "confirm".to_string())]),
        );
        overrides.insert(
            "help".into(),
            BTreeMap::from([("x".to_string(), "cancel".to_string())]),
        );
        assert!(Keymap::with_overrides(&overrides).is_ok());
    }

    #[test]
    fn every_default_binding_has_words_and_a_short_hint() {
        let keymap = Keymap::default_keymap().unwrap();
        for binding in &keymap.bindings {
            assert!(!binding.description.is_empty(), "{binding:?}");
            let hint = binding.hint.chars().count();
            assert!((1..=16).contains(&hint), "{binding:?}");
            assert!(
                !(binding.context.takes_text() && binding.key.is_text()),
                "{binding:?} would steal typed text"
            );
        }
    }

    #[test]
    fn keys_show_once_and_only_where_they_run_the_command() {
        let keymap = Keymap::default_keymap().unwrap();
        let queue = [Context::Global, Context::Queue, Context::Normal];
        let road = [Context::Global, Context::Road, Context::Normal];
        assert_eq!(keymap.key_label(Command::Up, &queue), "↑/k");
        assert_eq!(keymap.key_label(Command::Road1, &road), "Alt-1/1");
        // Enter starts a call in the queue but goes back to the notes in the road pane.
        assert_eq!(keymap.key_label(Command::StartCall, &road), "");
        assert_eq!(keymap.key_label(Command::EditNotes, &road), "Enter/e");
        // A more specific context's binding hides the general one.
        let mut overrides = KeyOverrides::new();
        overrides.insert(
            "queue".into(),
            BTreeMap::from([("q".to_string(), "filter".to_string())]),
        );
        let keymap = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(keymap.key_label(Command::Quit, &queue), "Ctrl-Q/Ctrl-C");
        assert_eq!(keymap.key_label(Command::Filter, &queue), "/, q");
    }
}
