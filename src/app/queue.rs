//! The queue pane: customers in urgency order, a fuzzy `/` filter applied on every
//! keystroke, and a selection that keeps itself on screen.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Command, Effect, Overlay, Pane, State};
use crate::domain::queue::order_queue;
use crate::domain::{CallReason, Direction, Id, QueueEntry};

#[derive(Default)]
pub struct QueueState {
    /// Every customer, in urgency order.
    pub entries: Vec<QueueEntry>,
    /// Per entry, lowercased: name and segment; and name, phone, email and segment.
    word_text: Vec<String>,
    contact_text: Vec<String>,
    /// Earlier filter texts and their results, so typing on narrows what is already
    /// matched and Backspace restores a result instead of ranking the queue again.
    filter_steps: Vec<(String, Vec<usize>)>,
    /// Indexes into `entries` that pass the filter, best match first.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    pub filter: String,
    pub filter_editing: bool,
    pub loaded: bool,
    /// Select this customer when the queue next loads (a new customer, a finished call).
    pub select_after_load: Option<Id>,
    /// Every callback on file, earliest first: (time, customer, name), for the reminder.
    pub callbacks: Vec<(jiff::Timestamp, Id, String)>,
}

impl QueueState {
    pub fn total(&self) -> usize {
        self.entries.len()
    }

    pub fn selected_entry(&self) -> Option<&QueueEntry> {
        self.visible
            .get(self.selected)
            .and_then(|&i| self.entries.get(i))
    }

    pub fn selected_id(&self) -> Option<Id> {
        self.selected_entry().map(|e| e.customer_id)
    }

    /// The earliest callback whose time has come, if any.
    pub fn callback_due(&self, now: jiff::Timestamp) -> Option<&(jiff::Timestamp, Id, String)> {
        self.callbacks.first().filter(|(at, _, _)| *at <= now)
    }

    pub fn set_entries(&mut self, entries: Vec<QueueEntry>) {
        self.callbacks = entries
            .iter()
            .filter_map(|e| e.callback_at.map(|at| (at, e.customer_id, e.name.clone())))
            .collect();
        self.callbacks.sort();
        (self.word_text, self.contact_text) = entries.iter().map(QueueEntry::search_texts).unzip();
        self.filter_steps.clear();
        self.entries = entries;
        self.loaded = true;
        self.apply_filter();
    }

    /// Recomputes the visible rows from the filter text.
    pub fn apply_filter(&mut self) {
        use super::fuzzy::{narrows, quick_rank_among, wants_contact};
        const MAX_STEPS: usize = 32;
        while let Some((query, _)) = self.filter_steps.last() {
            if *query == self.filter || narrows(query, &self.filter) {
                break;
            }
            self.filter_steps.pop();
        }
        self.visible = match self.filter_steps.last() {
            Some((query, visible)) if *query == self.filter => visible.clone(),
            previous => {
                let source = if wants_contact(&self.filter) {
                    &self.contact_text
                } else {
                    &self.word_text
                };
                let candidates = previous.map(|(_, visible)| visible.as_slice());
                quick_rank_among(&self.filter, source, candidates)
            }
        };
        if !self.filter.trim().is_empty()
            && self.filter_steps.last().map(|s| &s.0) != Some(&self.filter)
        {
            if self.filter_steps.len() >= MAX_STEPS {
                self.filter_steps.remove(0);
            }
            self.filter_steps
                .push((self.filter.clone(), self.visible.clone()));
        }
        self.selected = 0;
        self.offset = 0;
    }

    pub fn clear_filter(&mut self) {
        let keep = self.selected_id();
        self.filter.clear();
        self.filter_editing = false;
        self.apply_filter();
        if let Some(id) = keep {
            self.select_id(id);
        }
    }

    pub fn select_id(&mut self, id: Id) -> bool {
        match self
            .visible
            .iter()
            .position(|&i| self.entries[i].customer_id == id)
        {
            Some(at) => {
                self.selected = at;
                true
            }
            None => false,
        }
    }

    pub fn move_by(&mut self, delta: isize, page_rows: usize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.keep_visible(page_rows);
    }

    /// Scrolls so the selection is on screen.
    pub fn keep_visible(&mut self, page_rows: usize) {
        self.offset = super::paged::scrolled(self.selected, self.offset, page_rows);
    }
}

pub(super) fn loaded(state: &mut State, mut entries: Vec<QueueEntry>, skipped: u64) -> Vec<Effect> {
    let keep = state
        .queue
        .select_after_load
        .take()
        .or_else(|| state.queue.selected_id());
    order_queue(&mut entries, state.clock.today(), state.clock.now);
    let first_load = !state.queue.loaded;
    state.queue.set_entries(entries);
    state.skipped_records = skipped;
    if skipped > 0 {
        state.warn(format!(
            "{} skipped; see the log for details.",
            crate::domain::text::plural(skipped, "damaged record was", "damaged records were")
        ));
    }
    if let Some(id) = keep
        && !state.queue.select_id(id)
        && !state.queue.filter.is_empty()
    {
        state.queue.clear_filter();
        state.queue.select_id(id);
    }
    state.queue.keep_visible(state.page_rows);
    if state.queue.total() == 0 && first_load {
        state.overlay = Some(Overlay::Welcome);
    } else if state.queue.total() > 0 && matches!(state.overlay, Some(Overlay::Welcome)) {
        // Customers arrived while it was up (the team's, by sync): the store is not empty.
        state.overlay = None;
    }
    selection_changed(state)
}

pub(super) fn selection_changed(state: &mut State) -> Vec<Effect> {
    state.context_scroll = 0;
    match state.queue.selected_id() {
        Some(id) => {
            if state.context.as_ref().map(|c| c.customer.id) != Some(id) {
                state.context = None;
            }
            vec![Effect::LoadContext(id)]
        }
        None => {
            state.context = None;
            Vec::new()
        }
    }
}

pub(super) fn command(state: &mut State, command: Command) -> Vec<Effect> {
    let page = state.page_rows;
    match command {
        Command::Filter => {
            state.focus = Pane::Queue;
            state.queue.filter_editing = true;
            Vec::new()
        }
        Command::Up => move_selection(state, -1),
        Command::Down => move_selection(state, 1),
        Command::PageUp => move_selection(state, -(page as isize)),
        Command::PageDown => move_selection(state, page as isize),
        Command::First => move_selection(state, isize::MIN / 2),
        Command::Last => move_selection(state, isize::MAX / 2),
        Command::StartCall => start_call(state, Direction::Outbound),
        Command::IncomingCall => start_call(state, Direction::Inbound),
        Command::AddCustomer => {
            let form = state.customer_draft.take().unwrap_or_default();
            state.overlay = Some(Overlay::AddCustomer(Box::new(form)));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn move_selection(state: &mut State, delta: isize) -> Vec<Effect> {
    let before = state.queue.selected;
    state.queue.move_by(delta, state.page_rows);
    if state.queue.selected == before {
        return Vec::new();
    }
    selection_changed(state)
}

/// Enter on a customer: the agent rings them (outbound), or resumes their open call.
/// `i` (incoming call): the customer is on the line, ringing in (inbound). Another
/// customer's call being open, the agent is asked first (`one_call`).
fn start_call(state: &mut State, direction: Direction) -> Vec<Effect> {
    let Some(entry) = state.queue.selected_entry().cloned() else {
        state.warn("No customer is selected; add one first.");
        return Vec::new();
    };
    let resuming = state
        .call
        .as_ref()
        .is_some_and(|active| active.call.customer_id == entry.customer_id);
    if !resuming && direction == Direction::Outbound && entry.do_not_contact && !entry.open_call {
        state.warn(format!(
            "{} asked not to be contacted: no calls out. If they are ringing in, i takes an incoming call.",
            crate::domain::text::sanitize_line(&entry.name)
        ));
        return Vec::new();
    }
    let reason = match direction {
        Direction::Inbound => CallReason::Inbound,
        Direction::Outbound => entry
            .urgency(state.clock.today(), state.clock.now)
            .call_reason()
            .fit(Direction::Outbound),
    };
    super::one_call::start(
        state,
        super::one_call::NextCall {
            customer_id: entry.customer_id,
            name: entry.name,
            direction,
            reason,
            case_id: None,
        },
    )
}

/// What the queue pane accepts now; `customer` what can be done to the selected
/// customer (`customers::accepts`), listed after adding one.
pub(super) fn accepts(state: &State, customer: Vec<Command>) -> Vec<Command> {
    let mut commands = Vec::new();
    if state.queue.selected_entry().is_some() {
        commands.extend([Command::StartCall, Command::IncomingCall]);
    }
    commands.extend([Command::Filter, Command::AddCustomer]);
    commands.extend(customer);
    if state.queue.loaded && state.queue.total() == 0 {
        commands.push(Command::LoadDemo);
    }
    commands.extend(super::command::LIST_MOVES);
    commands
}

/// What the customer pane (beside the queue) accepts now; `customer` as for the queue.
pub(super) fn customer_accepts(state: &State, customer: Vec<Command>) -> Vec<Command> {
    let mut commands = Vec::new();
    if state.queue.selected_entry().is_some() {
        commands.extend([Command::StartCall, Command::IncomingCall]);
    }
    commands.extend(customer);
    commands.extend([Command::Up, Command::Down]);
    commands
}

/// What the filter line accepts while typing in it (beside the text itself).
pub(super) fn filter_accepts() -> Vec<Command> {
    vec![
        Command::Confirm,
        Command::Cancel,
        Command::Up,
        Command::Down,
    ]
}

/// Confirm keeps the filter, Cancel clears it; both stop typing.
pub(super) fn filter_command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Confirm => {
            state.queue.filter_editing = false;
            Vec::new()
        }
        Command::Cancel => {
            state.queue.clear_filter();
            selection_changed(state)
        }
        _ => Vec::new(),
    }
}

/// Text typed into the filter line.
pub(super) fn filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Backspace => {
            if key.modifiers.contains(KeyModifiers::CONTROL)
                || key.modifiers.contains(KeyModifiers::ALT)
            {
                state.queue.filter.clear();
            } else {
                state.queue.filter.pop();
            }
            state.queue.apply_filter();
            selection_changed(state)
        }
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL)
                && !key.modifiers.contains(KeyModifiers::ALT)
                && !c.is_control() =>
        {
            state.queue.filter.push(c);
            state.queue.apply_filter();
            selection_changed(state)
        }
        _ => Vec::new(),
    }
}
