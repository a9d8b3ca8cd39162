//! The Review view: a lead works through the team's calls (blind to the agent's road
//! until choosing one), overrides with a reason, moves to the next unreviewed call with
//! one key, and keeps open cases moving; an agent sees the reviews of their own calls and
//! acknowledges them. Here: the view's state and its list of calls (pages, the selected
//! call's detail, the filters); its keys are `review_commands`, a lead's review of one
//! call is `review_verdict`.

use super::cases;
use super::paged::Paged;
use super::review_count::{self, MatchCountState};
use super::review_filter::ReviewFilters;
use super::{Effect, Pane, State};
use crate::domain::Call;
use crate::domain::call::Role;
use crate::store::{CallDetail, CaseRow, ReviewPage, ReviewRow};

/// Rows asked for per page.
pub const PAGE_SIZE: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewTab {
    Calls,
    Cases,
}

pub struct ReviewState {
    pub tab: ReviewTab,
    pub filters: ReviewFilters,
    pub calls: Paged<ReviewRow>,
    /// How many calls match the filters (counted off the UI task).
    pub count: MatchCountState,
    pub cases: Paged<CaseRow>,
    pub detail: Option<CallDetail>,
    pub detail_scroll: usize,
    /// Everyone who has taken a call, for the agent filter.
    pub agents: Vec<String>,
    /// Hide the agent's road until the lead has chosen one (config `blind_review`).
    pub blind: bool,
    /// `n` ran past the loaded rows: look again when the next page arrives.
    pub next_unreviewed_pending: bool,
    /// After a reload for changes from the team: the call to select again.
    pub keep_selection: Option<crate::domain::Id>,
}

impl Default for ReviewState {
    fn default() -> Self {
        ReviewState {
            tab: ReviewTab::Calls,
            filters: ReviewFilters::default(),
            calls: Paged::default(),
            count: MatchCountState::default(),
            cases: Paged::default(),
            detail: None,
            detail_scroll: 0,
            agents: Vec::new(),
            blind: true,
            next_unreviewed_pending: false,
            keep_selection: None,
        }
    }
}

impl ReviewState {
    pub fn selected_call(&self) -> Option<&Call> {
        self.calls.selected_row().map(|row| &row.call)
    }
}

/// Entering the view: fresh pages (the agent view may have added calls).
pub(super) fn enter(state: &mut State) -> Vec<Effect> {
    state.focus = Pane::List;
    state.review.filters.blind_lead =
        (state.role == Role::Lead && state.review.blind).then(|| state.agent.clone());
    if state.role == Role::Agent {
        state.review.filters.agent = Some(state.agent.clone());
        if !state.review.calls.loaded {
            state.review.filters.unreviewed_only = false;
        }
    }
    let mut effects = vec![Effect::LoadAgents];
    effects.extend(reload_calls(state));
    effects.extend(cases::reload_cases(state));
    effects
}

/// Reloads the list after changes arrived from the team, keeping the selected call
/// selected (and its detail shown) when it is still in the list.
pub(super) fn refresh(state: &mut State) -> Vec<Effect> {
    let keep = state.review.selected_call().map(|call| call.id);
    let detail = state.review.detail.take();
    let mut effects = reload_calls(state);
    state.review.keep_selection = keep;
    state.review.detail = detail;
    effects.extend(cases::reload_cases(state));
    effects
}

pub(super) fn reload_calls(state: &mut State) -> Vec<Effect> {
    let generation = state.review.calls.restart();
    state.review.detail = None;
    let mut effects = vec![Effect::LoadReviewPage {
        query: state.review.filters.query(state.clock.today()),
        after: None,
        generation,
    }];
    effects.extend(review_count::restart(state));
    effects
}

/// The next page of calls if the selection is near the end (or, with `now`, at once).
pub(super) fn more_calls_now(state: &mut State, now: bool) -> Vec<Effect> {
    let Some((after, generation)) = state.review.calls.request_more(now) else {
        return Vec::new();
    };
    vec![Effect::LoadReviewPage {
        query: state.review.filters.query(state.clock.today()),
        after,
        generation,
    }]
}

fn more_calls(state: &mut State) -> Vec<Effect> {
    more_calls_now(state, false)
}

pub(super) fn detail_for_selection(state: &mut State) -> Vec<Effect> {
    state.review.detail_scroll = 0;
    let mut effects = match state.review.selected_call() {
        Some(call) if state.review.detail.as_ref().map(|d| d.call.id) != Some(call.id) => {
            vec![Effect::LoadCallDetail(call.id)]
        }
        _ => Vec::new(),
    };
    effects.extend(more_calls(state));
    effects
}

pub(super) fn page_loaded(state: &mut State, page: ReviewPage, generation: u64) -> Vec<Effect> {
    let before = state.review.calls.rows.len();
    if !state.review.calls.receive(generation, page.rows, page.next) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if let Some(keep) = state.review.keep_selection.take() {
        match state
            .review
            .calls
            .rows
            .iter()
            .position(|row| row.call.id == keep)
        {
            Some(at) => state.review.calls.selected = at,
            None => state.review.detail = None,
        }
        if state.review.detail.is_none() {
            effects.extend(detail_for_selection(state));
        }
    } else if state.review.next_unreviewed_pending {
        state.review.next_unreviewed_pending = false;
        effects.extend(next_unreviewed_from(state, before));
    } else if before == 0 {
        effects.extend(detail_for_selection(state));
    }
    // A narrow search may come back with few rows: keep looking while the list is short.
    effects.extend(more_calls(state));
    effects
}

pub(super) fn detail_loaded(state: &mut State, detail: CallDetail) {
    if state.review.selected_call().map(|c| c.id) == Some(detail.call.id) {
        state.review.detail = Some(detail);
    }
}

pub(super) fn next_unreviewed_from(state: &mut State, from: usize) -> Vec<Effect> {
    let found = state
        .review
        .calls
        .rows
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, row)| row.call.review.is_none())
        .map(|(i, _)| i);
    match found {
        Some(index) => {
            state.review.calls.select(index, state.page_rows);
            detail_for_selection(state)
        }
        None if state.review.calls.next.is_some() => {
            state.review.next_unreviewed_pending = true;
            state.review.calls.selected = state.review.calls.rows.len().saturating_sub(1);
            more_calls_now(state, true)
        }
        None => {
            state.info(
                "No more unreviewed calls in this list. p changes the period; u shows all calls.",
            );
            Vec::new()
        }
    }
}

pub(super) fn cycle_agent(state: &mut State) -> Vec<Effect> {
    if state.role == Role::Agent {
        state.info("The Review view shows your own calls.");
        return Vec::new();
    }
    let agents = &state.review.agents;
    let next = match &state.review.filters.agent {
        None => agents.first().cloned(),
        Some(current) => agents
            .iter()
            .position(|a| a == current)
            .and_then(|at| agents.get(at + 1).cloned()),
    };
    state.review.filters.agent = next;
    reload_calls(state)
}

/// The filter line's text: applied, or why not.
pub(super) fn apply_filter(state: &mut State, text: &str) -> Result<Vec<Effect>, String> {
    let today = state.clock.today();
    let agents = state.review.agents.clone();
    state.review.filters.apply_line(text, &agents, today)?;
    Ok(reload_calls(state))
}
