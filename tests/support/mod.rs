//! A headless app for tests: keys go through the real keymap and reducer, effects run
//! inline against a real sled store in a temporary directory, the clock is fixed, and
//! the screen renders on ratatui's `TestBackend`.

#![allow(dead_code)]

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use fourroads::app::{Action, Effect, State, update};
use fourroads::domain::Clock;
use fourroads::domain::call::Role;
use fourroads::input::{KeyChord, Keymap, key_action};
use fourroads::runtime::effects::execute;
use fourroads::store::{SledStore, demo};
use fourroads::ui::{Theme, render};

/// Friday 20 November 2026, 15:00 UTC.
pub fn fixed_now() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

/// Every file under `dir` that holds `needle`, as paths.
pub fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

pub struct Harness {
    pub store: SledStore,
    pub state: State,
    pub keymap: Keymap,
    pub now: Timestamp,
    /// Every effect the reducer asked for, in order.
    pub effects: Vec<Effect>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// An app on an empty store, queue loaded.
    pub fn empty() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
        Harness::start(store, dir)
    }

    /// An app on a store holding the demo data, dated relative to the fixed clock.
    pub fn with_demo() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
        demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
        Harness::start(store, dir)
    }

    /// The demo data, with the app run by `name` in `role` (e.g. the demo's lead).
    pub fn with_demo_as(name: &str, role: Role) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
        demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
        Harness::start_as(store, dir, name, role)
    }

    /// A fresh app (new state, as after a restart) on the same store.
    pub fn restart(self) -> Harness {
        Harness::start(self.store, self._dir)
    }

    /// A fresh app on the same store, run by `name` in `role`.
    pub fn restart_as(self, name: &str, role: Role) -> Harness {
        Harness::start_as(self.store, self._dir, name, role)
    }

    fn start(store: SledStore, dir: tempfile::TempDir) -> Harness {
        Harness::start_as(store, dir, "Priya Shah", Role::Agent)
    }

    fn start_as(store: SledStore, dir: tempfile::TempDir, name: &str, role: Role) -> Harness {
        let keymap = Keymap::default_keymap().unwrap();
        let mut state = State::new(name, role, "/tmp/store", Clock::fixed(fixed_now()));
        state.export_dir = dir.path().join("exports");
        let mut harness = Harness {
            store,
            state,
            keymap,
            now: fixed_now(),
            effects: Vec::new(),
            _dir: dir,
        };
        harness.dispatch(Action::Resize {
            width: 120,
            height: 40,
        });
        // As the runtime starts: the queue, and the road model from the store.
        let mut start = vec![Effect::LoadQueue];
        start.extend(fourroads::app::road_hint::build(&mut harness.state));
        harness.run(start);
        harness
    }

    /// Applies an action and carries out its effects (and theirs) inline.
    pub fn dispatch(&mut self, action: Action) {
        let effects = update(&mut self.state, action, self.now);
        self.run(effects);
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            self.effects.push(effect.clone());
            let clock = Clock::fixed(self.now);
            for action in execute(&self.store, effect, &clock) {
                let more = update(&mut self.state, action, self.now);
                queue.extend(more);
            }
        }
    }

    /// Presses a key written as in the keymap ("ctrl-e", "alt-3", "enter", "j").
    pub fn press(&mut self, key: &str) {
        let chord = KeyChord::parse(key).unwrap();
        let event = KeyEvent::new(chord.code, chord.mods);
        if let Some(action) = key_action(&self.state, &self.keymap, event) {
            self.dispatch(action);
        }
    }

    /// Types text character by character (newlines as Enter).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let event = if c == '\n' {
                KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
            } else {
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
            };
            if let Some(action) = key_action(&self.state, &self.keymap, event) {
                self.dispatch(action);
            }
        }
    }

    pub fn advance_ms(&mut self, ms: i64) {
        self.now += SignedDuration::from_millis(ms);
    }

    /// Lets the autosave timer fire, as the runtime would.
    pub fn autosave(&mut self) {
        if let Some(deadline) = self.state.autosave_deadline() {
            self.now = self.now.max(deadline);
            self.dispatch(Action::AutosaveDue);
        }
    }

    pub fn render(&mut self, width: u16, height: u16) -> String {
        self.render_with(width, height, &Theme::new(true))
    }

    pub fn render_with(&mut self, width: u16, height: u16, theme: &Theme) -> String {
        self.dispatch(Action::Resize { width, height });
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| render(frame, &self.state, theme, &self.keymap))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..height {
            let mut line = String::new();
            for x in 0..width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The message line's text ("" when there is none).
    pub fn message(&self) -> String {
        self.state
            .message
            .as_ref()
            .map(|m| fourroads::ui::message_text(m, &self.keymap))
            .unwrap_or_default()
    }

    /// Selects the first queue row whose name contains `name` using the `/` filter.
    pub fn find(&mut self, name: &str) {
        self.press("/");
        self.type_text(name);
        self.press("enter");
    }
}
