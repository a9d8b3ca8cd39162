//! The runtime: owns the terminal (init and restore on every exit path), reads input on
//! its own threads ([`input`], [`decode`]), runs store effects on three lanes
//! ([`lanes`]: notes and small writes never wait behind loads, reports or exports),
//! listens for SIGTERM, SIGHUP and SIGWINCH, times autosave, the call timer and the
//! store watchdog, and redraws only after something changed, once per batch of events.
//!
//! Leaving always ends within [`QUIT_WAIT`] of the quit: the writes lane gets that long
//! to save and flush; notes it could not confirm go to a rescue file ([`rescue`]) and
//! one line on stderr says what was not saved. A stuck load or export is not waited for.

pub mod decode;
pub mod effects;
pub mod input;
pub mod lanes;
pub mod rescue;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{Action, Command, Effect, State, update};
use crate::input::{Keymap, event_action};
use crate::store::Store;
use crate::ui::{Theme, render};
use input::Input;
use lanes::{LaneId, Lanes};

/// How long quitting waits for the store to save and flush.
pub const QUIT_WAIT: Duration = Duration::from_secs(3);
/// After this long on one job, the watchdog says so in the message line…
pub const SLOW_AFTER: Duration = lanes::STUCK_AFTER;
/// …and after this long for notes and other small writes.
pub const SLOW_WRITE_AFTER: Duration = Duration::from_secs(3);

/// How long one pass of the loop may spend applying queued events before it draws and
/// looks at signals again.
const BATCH_BUDGET: Duration = Duration::from_millis(50);
/// While input floods in, a frame at most this often.
const FLOOD_FRAME: Duration = Duration::from_secs(1);

enum Event {
    Input(Input),
    Result(Box<Action>),
}

/// Runs the TUI until the user quits, a signal arrives or the terminal goes away. What
/// could be saved is saved first; an error names what could not be (and the rescue
/// file holding unsaved notes). The store's path is `state.store_label`.
pub fn run(store: Arc<dyn Store>, state: State, keymap: Keymap) -> color_eyre::Result<()> {
    run_with_team(store, state, keymap, None)
}

/// As [`run`], with the team sync running in the background when `team` is the store
/// (in a team): its state goes to the header, and changes from the team reload the
/// screens.
pub fn run_with_team(
    store: Arc<dyn Store>,
    mut state: State,
    keymap: Keymap,
    team: Option<Arc<crate::store::SledStore>>,
) -> color_eyre::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (events_tx, events) = mpsc::unbounded_channel::<Event>();
    let results = events_tx.clone();
    let lanes = Lanes::start(
        store,
        state.clock.tz.clone(),
        Arc::new(move |action| {
            let _ = results.send(Event::Result(Box::new(action)));
        }),
    );
    if let Some(team) = team {
        // In a team from the first frame: the header says so, and what is only for a
        // store on its own (demo data) is not offered while the first sync runs.
        state
            .team_sync
            .get_or_insert(crate::app::team_sync::TeamSync::Syncing { percent: 0 });
        let reports = events_tx.clone();
        let report = Arc::new(move |status| {
            let action = team_action(status);
            let _ = reports.send(Event::Result(Box::new(action)));
        });
        runtime.spawn(crate::sync::background::run(team, report));
    }
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    input::spawn(move |input| events_tx.send(Event::Input(input)).is_ok());
    let looped = runtime.block_on(event_loop(
        &mut terminal,
        &lanes,
        events,
        &mut state,
        &keymap,
    ));
    let unsaved = shut_down(&mut state, &lanes, QUIT_WAIT);
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    // Stuck lanes may still hold the store; the process ends without waiting for them.
    runtime.shutdown_background();
    match unsaved {
        Some(line) => Err(color_eyre::eyre::eyre!(line)),
        None => looped,
    }
}

/// Leaves, whatever ended the loop (a quit, a signal, the terminal failing): saves what
/// can be saved within `wait`, rescues notes the store did not take into a file beside
/// the store (`state.store_label`), and returns the line naming what was not saved.
pub fn shut_down(state: &mut State, lanes: &Lanes, wait: Duration) -> Option<String> {
    if !state.quitting {
        for effect in update(state, Action::Command(Command::Quit), Timestamp::now()) {
            lanes.submit(effect);
        }
    }
    let finish = lanes.finish(wait);
    let line = rescue::report(Path::new(&state.store_label), &finish, Timestamp::now());
    if let Some(line) = &line {
        tracing::error!("{line}");
    }
    line
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    lanes: &Lanes,
    mut events: mpsc::UnboundedReceiver<Event>,
    state: &mut State,
    keymap: &Keymap,
) -> color_eyre::Result<()> {
    let theme = Theme::from_env();
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut resized = signal(SignalKind::window_change())?;

    let size = terminal.size()?;
    let mut pending = vec![Event::Result(Box::new(Action::Resize {
        width: size.width,
        height: size.height,
    }))];
    let mut effects: Vec<Effect> = vec![Effect::LoadQueue];
    effects.extend(crate::app::road_hint::build(state));
    let quit = || Event::Result(Box::new(Action::Command(Command::Quit)));
    let mut last_draw = std::time::Instant::now();
    loop {
        // Apply everything that has arrived, then draw once.
        let mut changed = !pending.is_empty();
        for event in pending.drain(..) {
            apply(state, keymap, event, &mut effects);
        }
        // Within a time budget, so a flood of input still lets signals in; while it lasts,
        // drawing waits (at most a second) so the keys are not slowed down by frames.
        let started = std::time::Instant::now();
        let mut flooded = false;
        loop {
            if started.elapsed() >= BATCH_BUDGET {
                flooded = true;
                break;
            }
            let Ok(event) = events.try_recv() else {
                break;
            };
            changed = true;
            apply(state, keymap, event, &mut effects);
        }
        let mut leaving = false;
        for effect in effects.drain(..) {
            if effect == Effect::Quit {
                leaving = true;
            } else if !lanes.submit(effect) {
                tracing::error!("a store lane is gone");
            }
        }
        if leaving && state.quitting {
            return Ok(());
        }
        if changed && (!flooded || last_draw.elapsed() >= FLOOD_FRAME) {
            terminal.draw(|frame| render(frame, state, &theme, keymap))?;
            last_draw = std::time::Instant::now();
        } else if changed {
            // Draw once the flood is over, even if nothing else arrives.
            pending.push(Event::Result(Box::new(Action::Tick)));
        }
        let wait = if pending.is_empty() {
            next_wake(state, lanes)
        } else {
            Some(Duration::ZERO)
        };
        tokio::select! {
            event = events.recv() => pending.push(event.unwrap_or_else(quit)),
            _ = terminate.recv() => pending.push(quit()),
            _ = hangup.recv() => pending.push(quit()),
            _ = resized.recv() => {
                let size = terminal.size()?;
                let resize = Action::Resize { width: size.width, height: size.height };
                pending.push(Event::Result(Box::new(resize)));
            }
            _ = sleep_or_forever(wait) => {
                let now = Timestamp::now();
                for stall in lanes.stalls(SLOW_AFTER, SLOW_WRITE_AFTER) {
                    pending.push(Event::Result(Box::new(Action::StoreSlow {
                        what: stall.what.to_string(),
                        seconds: stall.seconds,
                        writes: stall.lane == LaneId::Writes,
                    })));
                }
                // Redraw only for a reason: a due save, or the call timer's second.
                if state.autosave_deadline().is_some_and(|d| d <= now) {
                    pending.push(Event::Result(Box::new(Action::AutosaveDue)));
                } else if state.call.is_some() {
                    pending.push(Event::Result(Box::new(Action::Tick)));
                }
            }
        }
    }
}

/// Applies one event: each key of a burst is resolved against the state the keys
/// before it left (a `/` starts the filter, so the letters after it go there).
fn apply(state: &mut State, keymap: &Keymap, event: Event, effects: &mut Vec<Effect>) {
    let mut run =
        |state: &mut State, action| effects.extend(update(state, action, Timestamp::now()));
    match event {
        Event::Input(Input::Events(events)) => {
            for e in events {
                if let Some(action) = event_action(state, keymap, e) {
                    run(state, action);
                }
            }
        }
        Event::Input(Input::Closed) => run(state, Action::Command(Command::Quit)),
        Event::Result(action) => run(state, *action),
    }
}

/// When the loop must wake up by itself: the autosave deadline, the next second of a
/// running call's timer, or the watchdog's next look while the store is working.
/// `None` when idle: no redraws, no CPU.
fn next_wake(state: &State, lanes: &Lanes) -> Option<Duration> {
    let now = Timestamp::now();
    let autosave = state.autosave_deadline().map(|deadline| {
        let ms = (deadline.as_millisecond() - now.as_millisecond()).max(0);
        Duration::from_millis(ms as u64)
    });
    let timer = state.call.as_ref().map(|_| {
        let into_second = now.as_millisecond().rem_euclid(1000);
        Duration::from_millis((1000 - into_second) as u64)
    });
    let watchdog = lanes.any_busy().then_some(Duration::from_millis(500));
    [autosave, timer, watchdog].into_iter().flatten().min()
}

/// The background sync's report as the app's action.
fn team_action(status: crate::sync::background::Status) -> Action {
    use crate::app::team_sync::TeamSync;
    use crate::sync::background::Status;
    let (sync, changed) = match status {
        Status::Syncing { percent } => (TeamSync::Syncing { percent }, false),
        Status::Synced { received } => (
            TeamSync::Synced {
                at: Timestamp::now(),
            },
            received > 0,
        ),
        Status::Offline { unsent, .. } => (TeamSync::Offline { unsent }, false),
        Status::NotAnswering { unsent } => (TeamSync::NotAnswering { unsent }, false),
        Status::Member(member) => return Action::Identity(member),
        Status::SetAside(count) => return Action::SetAside(count),
    };
    Action::TeamSync { sync, changed }
}

async fn sleep_or_forever(wait: Option<Duration>) {
    match wait {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}
