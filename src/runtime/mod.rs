//! The runtime: owns the terminal (init and restore on every exit path), reads input on
//! its own thread, runs store effects in order on a worker thread, listens for SIGTERM
//! and SIGHUP, times autosave and the call timer, and redraws only after something
//! changed, once per batch of events.

pub mod effects;

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use jiff::Timestamp;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use tokio::sync::mpsc;

use crate::app::{Action, Effect, State, update};
use crate::domain::Clock;
use crate::input::{Keymap, event_action};
use crate::store::Store;
use crate::ui::{Theme, render};

enum Event {
    Terminal(event::Event),
    Result(Box<Action>),
    /// The worker has flushed everything asked before `Effect::Quit`.
    Flushed,
    InputClosed,
}

/// Runs the TUI until the user quits or a signal arrives. Everything is saved first.
pub fn run(store: Arc<dyn Store>, mut state: State, keymap: Keymap) -> color_eyre::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let result = runtime.block_on(event_loop(&mut terminal, store, &mut state, &keymap));
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    store: Arc<dyn Store>,
    state: &mut State,
    keymap: &Keymap,
) -> color_eyre::Result<()> {
    let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
    spawn_input_reader(events_tx.clone());
    let effects_tx = spawn_worker(store, events_tx.clone(), state.clock.tz.clone());
    let theme = Theme::from_env();

    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;

    let size = terminal.size()?;
    let mut pending = vec![Action::Resize {
        width: size.width,
        height: size.height,
    }];
    let mut effects: Vec<Effect> = vec![Effect::LoadQueue];
    let mut flushed = false;
    loop {
        // Apply everything that has arrived, then draw once.
        let mut changed = !pending.is_empty();
        for action in pending.drain(..) {
            effects.extend(update(state, action, Timestamp::now()));
        }
        while let Ok(event) = events.try_recv() {
            changed = true;
            match event {
                Event::Terminal(e) => {
                    if let Some(action) = event_action(state, keymap, e) {
                        effects.extend(update(state, action, Timestamp::now()));
                    }
                }
                Event::Result(action) => effects.extend(update(state, *action, Timestamp::now())),
                Event::Flushed => flushed = true,
                Event::InputClosed => {
                    effects.extend(update(
                        state,
                        Action::Command(crate::app::Command::Quit),
                        Timestamp::now(),
                    ));
                }
            }
        }
        for effect in effects.drain(..) {
            // The worker runs effects in order; if it is gone, nothing more can be saved.
            if effects_tx.send(effect).is_err() {
                flushed = true;
            }
        }
        if state.quitting && flushed {
            return Ok(());
        }
        if changed {
            terminal.draw(|frame| render(frame, state, &theme, keymap))?;
        }
        let wait = next_wake(state);
        tokio::select! {
            event = events.recv() => match event {
                Some(Event::Terminal(e)) => {
                    if let Some(action) = event_action(state, keymap, e) {
                        pending.push(action);
                    }
                }
                Some(Event::Result(action)) => pending.push(*action),
                Some(Event::Flushed) => { flushed = true; pending.push(Action::Tick); }
                Some(Event::InputClosed) | None => pending.push(Action::Command(crate::app::Command::Quit)),
            },
            _ = terminate.recv() => pending.push(Action::Command(crate::app::Command::Quit)),
            _ = hangup.recv() => pending.push(Action::Command(crate::app::Command::Quit)),
            _ = sleep_or_forever(wait) => {
                let now = Timestamp::now();
                if state.autosave_deadline().is_some_and(|d| d <= now) {
                    pending.push(Action::AutosaveDue);
                } else {
                    pending.push(Action::Tick);
                }
            }
        }
    }
}

/// When the loop must wake up by itself: the autosave deadline, or the next second of a
/// running call's timer. `None` when idle: no redraws, no CPU.
fn next_wake(state: &State) -> Option<Duration> {
    let now = Timestamp::now();
    let autosave = state.autosave_deadline().map(|deadline| {
        let ms = (deadline.as_millisecond() - now.as_millisecond()).max(0);
        Duration::from_millis(ms as u64)
    });
    let timer = state.call.as_ref().map(|_| {
        let into_second = now.as_millisecond().rem_euclid(1000);
        Duration::from_millis((1000 - into_second) as u64)
    });
    match (autosave, timer) {
        (Some(a), Some(t)) => Some(a.min(t)),
        (a, t) => a.or(t),
    }
}

async fn sleep_or_forever(wait: Option<Duration>) {
    match wait {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}

fn spawn_input_reader(events: mpsc::UnboundedSender<Event>) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(e) => {
                    if events.send(Event::Terminal(e)).is_err() {
                        return;
                    }
                }
                Err(_) => {
                    let _ = events.send(Event::InputClosed);
                    return;
                }
            }
        }
    });
}

/// One thread runs store effects in the order they were asked for, so an autosave can
/// never land after the wrap-up that followed it.
fn spawn_worker(
    store: Arc<dyn Store>,
    events: mpsc::UnboundedSender<Event>,
    tz: jiff::tz::TimeZone,
) -> std_mpsc::Sender<Effect> {
    let (tx, rx) = std_mpsc::channel::<Effect>();
    std::thread::spawn(move || {
        for effect in rx {
            let quitting = effect == Effect::Quit;
            let clock = Clock {
                now: Timestamp::now(),
                tz: tz.clone(),
            };
            for action in effects::execute(store.as_ref(), effect, &clock) {
                let _ = events.send(Event::Result(Box::new(action)));
            }
            if quitting {
                let _ = events.send(Event::Flushed);
            }
        }
    });
    tx
}
