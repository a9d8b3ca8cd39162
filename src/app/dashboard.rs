//! The Dashboard view's reducer: the chosen period, the figures once they arrive (the
//! store sums them off the UI task; "updating" shows meanwhile), and scrolling.

use super::{Command, Effect, Pane, State};
use crate::domain::Period;
use crate::store::Dashboard;

pub struct DashboardState {
    pub period: Period,
    pub figures: Option<Dashboard>,
    pub loading: bool,
    pub generation: u64,
    pub scroll: usize,
}

impl Default for DashboardState {
    fn default() -> Self {
        DashboardState {
            period: Period::Last30Days,
            figures: None,
            loading: false,
            generation: 0,
            scroll: 0,
        }
    }
}

pub(super) fn enter(state: &mut State) -> Vec<Effect> {
    state.focus = Pane::List;
    reload(state)
}

pub(super) fn reload(state: &mut State) -> Vec<Effect> {
    let board = &mut state.dashboard;
    board.loading = true;
    board.generation += 1;
    let today = state.clock.today();
    let (from, to) = board.period.range(today);
    vec![Effect::LoadDashboard {
        from,
        to,
        today,
        generation: board.generation,
    }]
}

pub(super) fn loaded(state: &mut State, figures: Dashboard, generation: u64) {
    if generation == state.dashboard.generation {
        state.dashboard.figures = Some(figures);
        state.dashboard.loading = false;
    }
}

/// What the Dashboard view accepts.
pub(super) fn accepts() -> Vec<Command> {
    vec![
        Command::CyclePeriod,
        Command::Refresh,
        Command::Export,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::First,
    ]
}

pub(super) fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    let page = state.page_rows;
    let board = &mut state.dashboard;
    match command {
        Command::CyclePeriod => {
            board.period = board.period.next();
            return Some(reload(state));
        }
        Command::Refresh => return Some(reload(state)),
        Command::Down => board.scroll += 1,
        Command::Up => board.scroll = board.scroll.saturating_sub(1),
        Command::PageDown => board.scroll += page,
        Command::PageUp => board.scroll = board.scroll.saturating_sub(page),
        Command::First => board.scroll = 0,
        _ => return None,
    }
    Some(Vec::new())
}
