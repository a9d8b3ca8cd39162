//! The Review view's reducer: a lead works through the team's calls (blind to the agent's
//! road until choosing one), overrides with a reason, moves to the next unreviewed call
//! with one key, and keeps open cases moving; an agent sees the reviews of their own calls
//! and acknowledges them.

use super::cases;
use super::overlay::{Prompt, PromptPurpose};
use super::paged::Paged;
use super::review_count::{self, MatchCountState};
use super::review_filter::ReviewFilters;
use super::{Command, Effect, Overlay, Pane, State, lead_only};
use crate::domain::call::Role;
use crate::domain::{Call, Id, Road};
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

/// A review or acknowledgement was saved: the row and the detail show it. A blind pick
/// that differs from the agent's road asks for the reason at once (the road is saved, so
/// the agent's road may be shown now).
pub(super) fn review_saved(state: &mut State, call: Call) -> Vec<Effect> {
    if let Some(row) = state
        .review
        .calls
        .rows
        .iter_mut()
        .find(|r| r.call.id == call.id)
    {
        row.call = call.clone();
    }
    if let Some(review) = &call.review {
        if review.acknowledged_at.is_some() && state.role == Role::Agent {
            state.info("Acknowledged: your lead will see that you have read the review.");
        } else if crate::domain::review::reason_owed(&call) && review.lead == state.agent {
            ask_reason(state, &call, review.road, "");
            state.info(format!(
                "Saved your road {}. {} chose {}: say why yours differs.",
                review.road,
                call.agent,
                road_text(call.road)
            ));
        } else {
            let verdict = if call.road == Some(review.road) {
                format!("you agree with {} ({})", call.agent, road_text(call.road))
            } else {
                format!(
                    "{} chose {}; reason recorded",
                    call.agent,
                    road_text(call.road)
                )
            };
            state.info(format!(
                "Reviewed: {}, {verdict}. n: next unreviewed · c: comment",
                review.road
            ));
        }
    }
    state.review.detail = None;
    // The review may take the call out of the filters' matches (unreviewed only).
    let mut effects = vec![Effect::LoadCallDetail(call.id)];
    effects.extend(review_count::restart(state));
    effects
}

fn road_text(road: Option<Road>) -> String {
    road.map_or("no road".into(), |r| r.to_string())
}

/// The prompt for the reason of a road that differs from the agent's (only ever opened
/// once the agent's road may be shown to this lead).
fn ask_reason(state: &mut State, call: &Call, road: Road, comment: &str) {
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::Review {
            call_id: call.id,
            road,
            required: true,
        },
        format!(
            "You chose {road}; {} chose {}. Why?",
            call.agent,
            road_text(call.road)
        ),
        "A reason is required when your road differs; closed without one, it stays owed",
        comment,
    ))));
}

/// Commands the Review view handles; `None` lets the root handle it.
pub(super) fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    let rows = state.page_rows;
    if let Some(road) = command.road() {
        return Some(set_road(state, road));
    }
    if state.focus == Pane::Detail && matches!(command, Command::Up | Command::Down) {
        state.review.detail_scroll = if command == Command::Down {
            state.review.detail_scroll + 1
        } else {
            state.review.detail_scroll.saturating_sub(1)
        };
        return Some(Vec::new());
    }
    let moved = |delta: isize, state: &mut State| -> Vec<Effect> {
        match state.review.tab {
            ReviewTab::Calls => {
                state.review.calls.move_by(delta, rows);
                detail_for_selection(state)
            }
            ReviewTab::Cases => {
                state.review.cases.move_by(delta, rows);
                cases::more_cases(state)
            }
        }
    };
    let effects = match command {
        Command::Up => moved(-1, state),
        Command::Down => moved(1, state),
        Command::PageUp => moved(-(rows as isize), state),
        Command::PageDown => moved(rows as isize, state),
        Command::First => moved(isize::MIN / 2, state),
        Command::Last => moved(isize::MAX / 2, state),
        Command::ToggleCases => {
            state.review.tab = match state.review.tab {
                ReviewTab::Calls => ReviewTab::Cases,
                ReviewTab::Cases => ReviewTab::Calls,
            };
            Vec::new()
        }
        Command::NextUnreviewed => {
            let from = state.review.calls.selected + 1;
            next_unreviewed_from(state, from)
        }
        Command::Comment => comment(state),
        Command::Acknowledge => acknowledge(state),
        Command::StartCall if state.review.tab == ReviewTab::Cases => cases::call_about(state),
        Command::CyclePeriod => {
            state.review.filters.period = state.review.filters.period.next();
            reload_calls(state)
        }
        Command::CycleAgent => cycle_agent(state),
        Command::CycleRoadFilter => {
            state.review.filters.road = state.review.filters.road.next();
            reload_calls(state)
        }
        Command::ToggleUnreviewed | Command::ToggleDisagreements => {
            let filters = &mut state.review.filters;
            filters.toggle_reviewed_state(command == Command::ToggleDisagreements);
            reload_calls(state)
        }
        Command::Filter => {
            let line = state.review.filters.filter_line();
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
                PromptPurpose::Filter,
                "Filter the review list".into(),
                "#tag  customer:name  agent:name  from:YYYY-MM-DD  to:YYYY-MM-DD  words in the notes",
                &line,
            ))));
            Vec::new()
        }
        Command::DueLater | Command::DueEarlier if state.review.tab == ReviewTab::Cases => {
            cases::move_due(state, command == Command::DueLater)
        }
        Command::CloseCase if state.review.tab == ReviewTab::Cases => cases::close_or_reopen(state),
        Command::ReassignCase if state.review.tab == ReviewTab::Cases => cases::reassign(state),
        Command::DueLater | Command::DueEarlier | Command::CloseCase | Command::ReassignCase => {
            Vec::new()
        }
        _ => return None,
    };
    Some(effects)
}

fn next_unreviewed_from(state: &mut State, from: usize) -> Vec<Effect> {
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

fn set_road(state: &mut State, road: Road) -> Vec<Effect> {
    if state.review.tab != ReviewTab::Calls {
        // Alt-1…Alt-4 work everywhere: in the case list they set the active call's road.
        if state.call.is_some() {
            return super::call::set_road(state, road);
        }
        state.info("Roads are chosen for calls: o goes back to the list of calls.");
        return Vec::new();
    }
    if !lead_only(state, "review calls (a acknowledges a review of your call)") {
        return Vec::new();
    }
    let Some(call) = state.review.selected_call().cloned() else {
        state.warn("No call is selected.");
        return Vec::new();
    };
    if call.agent == state.agent {
        state.warn("This is your own call: another lead reviews it.");
        return Vec::new();
    }
    if call.is_open() {
        state.warn("This call is still going on; review it once it has been wrapped up.");
        return Vec::new();
    }
    let leads = state
        .review
        .calls
        .selected_row()
        .map(|row| row.leads.clone())
        .unwrap_or_default();
    if state
        .viewer()
        .hides_agent_road_among(&call, leads.iter().map(String::as_str))
    {
        // The blind pick: saved before anything about the agent's road is shown.
        return vec![Effect::SaveReview {
            call_id: call.id,
            road,
            comment: String::new(),
            lead: state.agent.clone(),
            blind_pick: true,
        }];
    }
    // The lead's own comment, never another lead's.
    let comment = own_review(state, &call)
        .map(|r| r.comment)
        .unwrap_or_default();
    if call.road == Some(road) {
        return vec![Effect::SaveReview {
            call_id: call.id,
            road,
            comment,
            lead: state.agent.clone(),
            blind_pick: false,
        }];
    }
    ask_reason(state, &call, road, &comment);
    Vec::new()
}

fn comment(state: &mut State) -> Vec<Effect> {
    if !lead_only(state, "comment on reviews") {
        return Vec::new();
    }
    let Some(call) = state.review.selected_call().cloned() else {
        return Vec::new();
    };
    let Some(review) = own_review(state, &call) else {
        state.warn("Choose your road first (1–4); then c adds a comment.");
        return Vec::new();
    };
    let required = call.road != Some(review.road);
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::Review {
            call_id: call.id,
            road: review.road,
            required,
        },
        format!(
            "Comment on the review of {} call",
            crate::domain::text::possessive(&call.agent)
        ),
        if required {
            "Your road differs from the agent's, so the comment is the reason"
        } else {
            "Optional"
        },
        &review.comment,
    ))));
    Vec::new()
}

/// Every lead's review of `call`, when its detail has been read.
fn detail_reviews<'a>(state: &'a State, call: &Call) -> &'a [crate::domain::review::LeadReview] {
    match &state.review.detail {
        Some(detail) if detail.call.id == call.id => &detail.reviews,
        _ => &[],
    }
}

/// This lead's own review of `call`: the one it shows, or one a later review by another
/// lead replaced there.
fn own_review(state: &State, call: &Call) -> Option<crate::domain::Review> {
    call.review
        .iter()
        .chain(detail_reviews(state, call).iter().map(|r| &r.review))
        .find(|r| r.lead == state.agent)
        .cloned()
}

fn acknowledge(state: &mut State) -> Vec<Effect> {
    let Some(call) = state.review.selected_call().cloned() else {
        return Vec::new();
    };
    if call.agent != state.agent {
        state.warn(format!(
            "Only {} can acknowledge the review of this call.",
            call.agent
        ));
        return Vec::new();
    }
    match &call.review {
        None => {
            state.warn("No lead has reviewed this call yet.");
            Vec::new()
        }
        Some(review) if review.acknowledged_at.is_some() => {
            state.info("You have already acknowledged this review.");
            Vec::new()
        }
        Some(_) => vec![Effect::AcknowledgeReview {
            call_id: call.id,
            agent: state.agent.clone(),
        }],
    }
}

fn cycle_agent(state: &mut State) -> Vec<Effect> {
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

/// What the Review view accepts now on `tab`: a lead reviews, comments and manages
/// cases; an agent sees and acknowledges the reviews of their own calls.
pub(super) fn accepts(state: &State, tab: ReviewTab) -> Vec<Command> {
    let lead = state.role == Role::Lead;
    let mut commands = Vec::new();
    match tab {
        ReviewTab::Calls => {
            if lead {
                commands.extend([
                    Command::Road1,
                    Command::Road2,
                    Command::Road3,
                    Command::Road4,
                ]);
            }
            commands.push(Command::NextUnreviewed);
            if lead {
                commands.push(Command::Comment);
            }
            let own = state
                .review
                .selected_call()
                .is_some_and(|call| call.agent == state.agent);
            if own {
                commands.push(Command::Acknowledge);
            }
            commands.extend([Command::Filter, Command::CyclePeriod]);
            if lead {
                commands.push(Command::CycleAgent);
            }
            commands.extend([
                Command::CycleRoadFilter,
                Command::ToggleUnreviewed,
                Command::ToggleDisagreements,
            ]);
            if lead {
                commands.push(Command::NotesDisagreeFirst);
            }
            commands.extend([Command::ToggleCases, Command::Export]);
        }
        ReviewTab::Cases => {
            // Alt-1…Alt-4 set the active call's road from the case list.
            if state.call.is_some() {
                commands.extend([
                    Command::Road1,
                    Command::Road2,
                    Command::Road3,
                    Command::Road4,
                ]);
            }
            if lead {
                commands.extend([Command::DueLater, Command::DueEarlier, Command::CloseCase]);
            }
            if state.review.cases.selected_row().is_some() {
                commands.extend([Command::StartCall, Command::ReassignCase]);
            }
            commands.push(Command::ToggleCases);
        }
    }
    commands.extend(super::command::LIST_MOVES);
    commands
}

/// The filter line's text: applied, or why not.
pub(super) fn apply_filter(state: &mut State, text: &str) -> Result<Vec<Effect>, String> {
    let today = state.clock.today();
    let agents = state.review.agents.clone();
    state.review.filters.apply_line(text, &agents, today)?;
    Ok(reload_calls(state))
}

/// A lead's review comment: saved, or why not.
pub(super) fn save_review(
    state: &State,
    call_id: Id,
    road: Road,
    required: bool,
    text: String,
) -> Result<Vec<Effect>, String> {
    if required && text.is_empty() {
        return Err("A reason is required: your road differs from the agent's.".into());
    }
    Ok(vec![Effect::SaveReview {
        call_id,
        road,
        comment: text,
        lead: state.agent.clone(),
        blind_pick: false,
    }])
}

/// A review prompt was closed without saving. A blind pick that differs is already saved
/// with its reason owed; anything else was not saved.
pub(super) fn prompt_cancelled(state: &mut State, purpose: &PromptPurpose) {
    let PromptPurpose::Review {
        call_id,
        required: true,
        ..
    } = purpose
    else {
        return;
    };
    let owed = state
        .review
        .calls
        .rows
        .iter()
        .find(|r| r.call.id == *call_id)
        .is_some_and(|r| crate::domain::review::reason_owed(&r.call));
    if owed {
        state.warn("Your road is saved; the reason is still owed: add it as the comment.");
    } else {
        state.warn("Not saved: a road other than the agent's needs a reason.");
    }
}
