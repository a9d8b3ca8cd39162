//! The Search view's reducer (F5): a query line searched as you type (off the UI task,
//! stale results dropped by generation), results as customers then calls, Enter opening
//! a customer in the Agent view or a call read-only with its full notes.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::call_view::ReadOnlyCall;
use super::{Command, Effect, Pane, State, View, queue};
use crate::store::{CallDetail, SearchResults};

/// Results asked for, per group (customers, calls).
pub const SEARCH_LIMIT: usize = 50;
/// Longest query kept, in characters.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Default)]
pub struct SearchState {
    pub query: String,
    pub results: SearchResults,
    /// The query `results` answer (the query line may be ahead while loading).
    pub searched: String,
    /// Index into customers then calls.
    pub selected: usize,
    pub offset: usize,
    pub generation: u64,
    pub loading: bool,
    /// The call opened with Enter, shown read-only instead of the results.
    pub opened: ReadOnlyCall,
}

/// What the selected row is.
pub enum Selected<'a> {
    Customer(&'a crate::store::CustomerHit),
    Call(&'a crate::store::CallHit),
}

impl SearchState {
    pub fn selected_hit(&self) -> Option<Selected<'_>> {
        let customers = &self.results.customers;
        if self.selected < customers.len() {
            return customers.get(self.selected).map(Selected::Customer);
        }
        self.results
            .calls
            .get(self.selected - customers.len())
            .map(Selected::Call)
    }
}

/// Entering the view: the query line has the keys.
pub(super) fn enter(state: &mut State) -> Vec<Effect> {
    state.focus = Pane::List;
    Vec::new()
}

/// A key for the query line (or, with a call open, nothing: it is read-only).
pub(super) fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.search.opened.detail.is_some() {
        return Vec::new();
    }
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain => {
            if state.search.query.chars().count() >= MAX_QUERY_CHARS || c.is_control() {
                return Vec::new();
            }
            state.search.query.push(c);
        }
        KeyCode::Backspace => {
            if state.search.query.pop().is_none() {
                return Vec::new();
            }
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.search.query.clear();
        }
        KeyCode::Up => return move_by(state, -1),
        KeyCode::Down => return move_by(state, 1),
        KeyCode::Enter => return open(state),
        _ => return Vec::new(),
    }
    changed(state)
}

pub(super) fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    if state.search.opened.detail.is_some() {
        return Vec::new();
    }
    let room = MAX_QUERY_CHARS.saturating_sub(state.search.query.chars().count());
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(room)
        .collect();
    state.search.query.push_str(&text);
    changed(state)
}

/// The query changed: ask for its results (the previous answer stays until they come).
fn changed(state: &mut State) -> Vec<Effect> {
    state.search.generation += 1;
    if state.search.query.trim().is_empty() {
        state.search.results = SearchResults::default();
        state.search.searched.clear();
        state.search.loading = false;
        state.search.selected = 0;
        state.search.offset = 0;
        return Vec::new();
    }
    state.search.loading = true;
    vec![Effect::Search {
        query: state.search.query.clone(),
        generation: state.search.generation,
    }]
}

/// Results came back; those of an older query are dropped.
pub(super) fn loaded(state: &mut State, query: String, results: SearchResults, generation: u64) {
    if generation != state.search.generation {
        return;
    }
    state.search.loading = false;
    state.search.searched = query;
    state.search.results = results;
    state.search.selected = 0;
    state.search.offset = 0;
}

/// Commands while the view is shown; `None` lets the root handle them.
pub(super) fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    match command {
        Command::Up => Some(move_by(state, -1)),
        Command::Down => Some(move_by(state, 1)),
        Command::PageUp => Some(move_by(state, -(state.page_rows.max(1) as isize))),
        Command::PageDown => Some(move_by(state, state.page_rows.max(1) as isize)),
        Command::OpenResult => Some(open(state)),
        // One pane at a time: the results, or the call opened from them.
        Command::NextPane | Command::PrevPane => Some(Vec::new()),
        Command::Escape if state.overlay.is_none() => Some(escape(state)),
        // Queue and call keys reached through the palette belong to the Agent view.
        Command::Filter
        | Command::First
        | Command::Last
        | Command::StartCall
        | Command::AddCustomer
        | Command::ToggleDoNotContact
        | Command::EditCustomer
        | Command::MergeCustomer
        | Command::EditNotes => {
            state.info("That works in the Agent view (F2).");
            Some(Vec::new())
        }
        // A found call is read-only; roads are set in the Agent view.
        c if c.road().is_some() => {
            state.info("Roads are set in the Agent view (F2) or the Review view (F3).");
            Some(Vec::new())
        }
        _ => None,
    }
}

fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let search = &mut state.search;
    if search.opened.detail.is_some() {
        search.opened.scroll_by(delta);
        return Vec::new();
    }
    let len = search.results.len();
    if len == 0 {
        return Vec::new();
    }
    search.selected = search.selected.saturating_add_signed(delta).min(len - 1);
    search.offset = super::paged::scrolled(search.selected, search.offset, state.page_rows);
    Vec::new()
}

/// Esc: closes an open call, else clears the query, else goes back to the Agent view.
fn escape(state: &mut State) -> Vec<Effect> {
    if state.search.opened.is_open() {
        state.search.opened.close();
        state.focus = Pane::List;
        return Vec::new();
    }
    if !state.search.query.is_empty() {
        state.search.query.clear();
        return changed(state);
    }
    super::switch_view(state, Command::ViewAgent)
}

/// Enter: a customer opens in the Agent view, selected in the queue; a call opens here,
/// read-only with its full notes.
fn open(state: &mut State) -> Vec<Effect> {
    if state.search.opened.detail.is_some() {
        return Vec::new();
    }
    let customer_id = match state.search.selected_hit() {
        None => return Vec::new(),
        Some(Selected::Call(hit)) => {
            let id = hit.call.id;
            return state.search.opened.open(id);
        }
        Some(Selected::Customer(hit)) => hit.customer.id,
    };
    let mut effects = super::switch_view(state, Command::ViewAgent);
    state.focus = Pane::Queue;
    if !state.queue.select_id(customer_id) {
        state.queue.clear_filter();
        if !state.queue.select_id(customer_id) {
            // Not in the loaded queue yet (added since): select it once it loads.
            state.queue.select_after_load = Some(customer_id);
            effects.push(Effect::LoadQueue);
            return effects;
        }
    }
    state.queue.keep_visible(state.page_rows);
    effects.extend(queue::selection_changed(state));
    effects
}

/// A call's detail arrived: shown if it is the one asked for here; otherwise handed back.
pub(super) fn detail_loaded(state: &mut State, detail: CallDetail) -> Option<CallDetail> {
    if state.view != View::Search {
        return Some(detail);
    }
    let unasked = state.search.opened.receive(detail);
    if unasked.is_none() {
        state.focus = Pane::Detail;
    }
    unasked
}
