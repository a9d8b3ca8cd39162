//! What the benchmarks share: the app as the runtime builds it (effects run inline),
//! keystroke → frame on a 200×50 test terminal, and median/p99 statistics.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use fourroads::app::{Action, Effect, State, update};
use fourroads::domain::Clock;
use fourroads::domain::call::Role;
use fourroads::input::{Keymap, key_action};
use fourroads::runtime::effects::execute;
use fourroads::store::SledStore;
use fourroads::transfer::generate::end;
use fourroads::ui::{Theme, render};

pub fn clock() -> Clock {
    Clock::fixed(end())
}

pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
    pub samples: usize,
}

pub fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        median: at(0.5),
        p99: at(0.99),
        samples: times.len(),
    }
}

pub fn show(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.0} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

pub fn sample(n: usize, mut f: impl FnMut()) -> Stats {
    // Warm up, then measure each call on its own.
    for _ in 0..n.min(10) {
        f();
    }
    let times = (0..n)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    stats(times)
}

/// An app as the runtime builds it, effects run inline until quiet.
pub struct App {
    pub state: State,
    pub keymap: Keymap,
    pub terminal: Terminal<TestBackend>,
    pub theme: Theme,
}

impl App {
    pub fn new(role: Role) -> App {
        let keymap = Keymap::default_keymap().unwrap();
        let state = State::new("Bench Agent", role, "bench", clock());
        let mut app = App {
            state,
            keymap,
            terminal: Terminal::new(TestBackend::new(200, 50)).unwrap(),
            theme: Theme::new(false),
        };
        update(
            &mut app.state,
            Action::Resize {
                width: 200,
                height: 50,
            },
            end(),
        );
        app
    }

    pub fn run(&mut self, store: &SledStore, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            if matches!(effect, Effect::Quit) {
                continue;
            }
            for action in execute(store, effect, &clock()) {
                queue.extend(update(&mut self.state, action, end()));
            }
        }
    }

    pub fn key(&self, code: KeyCode, mods: KeyModifiers) -> Action {
        let event = KeyEvent::new(code, mods);
        key_action(&self.state, &self.keymap, event).unwrap_or(Action::Key(event))
    }

    pub fn press(&mut self, store: &SledStore, code: KeyCode) {
        let action = self.key(code, KeyModifiers::NONE);
        let effects = update(&mut self.state, action, end());
        self.run(store, effects);
    }

    /// What the UI task does per keystroke: update, then draw one frame. The effects the
    /// key asks for run on the store worker in the app, so they are not in this time.
    pub fn keystroke_to_frame(&mut self, code: KeyCode, mods: KeyModifiers) {
        let action = self.key(code, mods);
        let _effects = update(&mut self.state, action, end());
        let (state, theme, keymap) = (&self.state, &self.theme, &self.keymap);
        self.terminal
            .draw(|frame| render(frame, state, theme, keymap))
            .unwrap();
    }
}
