//! Application state and the reducer. `update(state, action, clock)` changes the state
//! and returns `Effect`s for the runtime to carry out (store work, quitting); it never
//! does I/O itself, so every flow can be driven headless in tests. The root reducer only
//! routes: each pane and overlay has its own.

mod action;
mod call;
mod cases;
mod command;
mod dashboard;
mod fuzzy;
mod navigation;
mod overlay;
mod paged;
mod queue;
mod review;
mod review_filter;
mod search;

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;

use crate::domain::Clock;
use crate::domain::call::Role;
use crate::store::CustomerContext;

pub use action::{Action, Effect};
pub use call::ActiveCall;
pub use cases::CaseChange;
pub use command::{Command, Context};
pub use dashboard::DashboardState;
pub use overlay::{
    AddCustomerForm, FORM_FIELDS, Overlay, Palette, PaletteItem, Prompt, PromptPurpose,
};
pub use paged::{Paged, scrolled};
pub use queue::QueueState;
pub use review::{PAGE_SIZE, ReviewState, ReviewTab};
pub use review_filter::{ReviewFilters, RoadFilter};
pub use search::{SEARCH_LIMIT, SearchState, Selected};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Agent,
    Review,
    Dashboard,
    /// Search across customers and notes (F5).
    Search,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Queue,
    Notes,
    Road,
    Customer,
    /// The list of a Review or Dashboard view.
    List,
    /// The detail pane of the Review view.
    Detail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// The one-line message above the key hints.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// Everything the app shows; the root holds pane states, nothing more.
pub struct State {
    pub clock: Clock,
    pub agent: String,
    pub role: Role,
    pub store_label: String,
    pub view: View,
    pub focus: Pane,
    pub queue: QueueState,
    pub context: Option<CustomerContext>,
    pub context_scroll: usize,
    pub call: Option<ActiveCall>,
    pub overlay: Option<Overlay>,
    /// A cancelled add-customer form, restored when the form is opened again.
    pub customer_draft: Option<AddCustomerForm>,
    pub message: Option<Message>,
    pub skipped_records: u64,
    pub quitting: bool,
    /// Rows the queue shows at once (set from the terminal size).
    pub page_rows: usize,
    /// Commands the palette offers: (command, description, keys).
    pub palette_commands: Vec<(Command, String, String)>,
    pub review: ReviewState,
    pub dashboard: DashboardState,
    pub search: SearchState,
    /// The Agent view's focus, restored when coming back to it.
    agent_focus: Pane,
    /// Where `:export` writes summaries, and where user templates live.
    pub export_dir: std::path::PathBuf,
    pub templates_dir: Option<std::path::PathBuf>,
}

impl State {
    pub fn new(agent: &str, role: Role, store_label: &str, clock: Clock) -> State {
        State {
            clock,
            agent: agent.to_string(),
            role,
            store_label: store_label.to_string(),
            view: View::Agent,
            focus: Pane::Queue,
            queue: QueueState::default(),
            context: None,
            context_scroll: 0,
            call: None,
            overlay: None,
            customer_draft: None,
            message: None,
            skipped_records: 0,
            quitting: false,
            page_rows: 10,
            palette_commands: Vec::new(),
            review: ReviewState::default(),
            dashboard: DashboardState::default(),
            search: SearchState::default(),
            agent_focus: Pane::Queue,
            export_dir: std::path::PathBuf::from("exports"),
            templates_dir: None,
        }
    }

    /// Who is looking, for the blind-review rules of `domain::review`.
    pub fn viewer(&self) -> crate::domain::review::Viewer<'_> {
        crate::domain::review::Viewer {
            name: &self.agent,
            role: self.role,
            blind: self.review.blind,
        }
    }

    /// Whether the agent's road of `call` is hidden from this user (blind review).
    pub fn hides_agent_road(&self, call: &crate::domain::Call) -> bool {
        self.viewer().hides_agent_road(call)
    }

    /// True while keys go into a text field rather than to commands.
    pub fn is_typing(&self) -> bool {
        self.overlay.as_ref().is_some_and(Overlay::takes_text)
            || self.queue.filter_editing
            || (self.focus == Pane::Notes && self.call.is_some() && self.view == View::Agent)
            || (self.view == View::Search && self.search.detail.is_none())
    }

    /// The keymap contexts that apply now, most specific first.
    pub fn key_contexts(&self) -> Vec<Context> {
        if self.focus == Pane::Notes && self.call.is_some() && self.view == View::Agent {
            return vec![Context::Notes, Context::Global];
        }
        if self.view == View::Search && self.overlay.is_none() && self.search.detail.is_none() {
            return vec![Context::Global, Context::Search];
        }
        if self.is_typing() {
            return vec![Context::Global];
        }
        let pane = match (self.view, self.focus) {
            (View::Agent, Pane::Queue) => Some(Context::Queue),
            (View::Agent, Pane::Road) => Some(Context::Road),
            (View::Agent, Pane::Customer) => Some(Context::Customer),
            (View::Review, _) if self.review.tab == ReviewTab::Cases => Some(Context::Cases),
            (View::Review, _) => Some(Context::Review),
            (View::Dashboard, _) => Some(Context::Dashboard),
            (View::Search, _) => Some(Context::Search),
            _ => None,
        };
        let mut contexts = vec![Context::Global];
        contexts.extend(pane);
        contexts.push(Context::Normal);
        contexts
    }

    /// Panes Tab moves through in the current view.
    pub fn panes(&self) -> Vec<Pane> {
        match (self.view, self.call.is_some()) {
            (View::Agent, true) => vec![Pane::Queue, Pane::Notes, Pane::Road],
            (View::Agent, false) => vec![Pane::Queue, Pane::Customer],
            (View::Review, _) => vec![Pane::List, Pane::Detail],
            (View::Dashboard, _) => vec![Pane::List],
            (View::Search, _) => vec![Pane::List],
        }
    }

    /// When the notes must be saved by, if there are unsaved edits: 150 ms after typing
    /// stops, and at least every 250 ms while typing goes on.
    pub fn autosave_deadline(&self) -> Option<Timestamp> {
        self.call.as_ref()?.autosave_deadline()
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
        });
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warning,
            text: text.into(),
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
        });
    }
}

/// The reducer: applies `action` at `now`, returns the effects to run.
pub fn update(state: &mut State, action: Action, now: Timestamp) -> Vec<Effect> {
    state.clock.now = now;
    match action {
        Action::Command(command) => on_command(state, command),
        Action::Key(key) => on_key(state, key),
        Action::Paste(text) => on_paste(state, &text),
        Action::Resize { height, .. } => {
            // Title, pane borders, header row, message and hint lines.
            state.page_rows = usize::from(height.saturating_sub(7)).max(1);
            state.queue.keep_visible(state.page_rows);
            Vec::new()
        }
        Action::Tick => Vec::new(),
        Action::AutosaveDue => call::autosave(state),
        Action::NotesSaved => {
            if let Some(call) = &mut state.call {
                call.saved_at = Some(now);
            }
            Vec::new()
        }
        Action::QueueLoaded { entries, skipped } => queue::loaded(state, entries, skipped),
        Action::ContextLoaded(context) => {
            let selected = state.queue.selected_id();
            if selected == Some(context.customer.id) || state.context.is_none() {
                state.context = Some(*context);
            }
            Vec::new()
        }
        Action::CallOpened {
            call,
            customer,
            notes,
            resumed,
        } => call::opened(state, call, customer, &notes, resumed),
        Action::CallWrappedUp {
            call,
            customer_name,
            result,
        } => call::wrapped_up(state, &call, &customer_name, &result),
        Action::CustomerSaved { customer, added } => {
            if added {
                state.info(format!("Added {}.", customer.name));
                state.queue.select_after_load = Some(customer.id);
            }
            vec![Effect::LoadQueue, Effect::LoadContext(customer.id)]
        }
        Action::DemoLoaded { customers, calls } => {
            state.overlay = None;
            state.info(format!(
                "Demo data loaded: {customers} customers and {calls} calls. Enter starts a call with the selected customer."
            ));
            vec![Effect::LoadQueue]
        }
        Action::ReviewPageLoaded { page, generation } => {
            review::page_loaded(state, page, generation)
        }
        Action::CallDetailLoaded(detail) => {
            if let Some(detail) = search::detail_loaded(state, *detail) {
                review::detail_loaded(state, detail);
            }
            Vec::new()
        }
        Action::SearchLoaded {
            query,
            results,
            generation,
        } => {
            search::loaded(state, query, *results, generation);
            Vec::new()
        }
        Action::ReviewSaved(call) => review::review_saved(state, *call),
        Action::CasesLoaded { page, generation } => cases::cases_loaded(state, page, generation),
        Action::CaseSaved(row) => {
            cases::case_saved(state, *row);
            Vec::new()
        }
        Action::AgentsLoaded(agents) => {
            state.review.agents = agents;
            Vec::new()
        }
        Action::DashboardLoaded {
            figures,
            generation,
        } => {
            dashboard::loaded(state, *figures, generation);
            Vec::new()
        }
        Action::Exported { path, period } => {
            // The path first, shortened under the home folder, so it fits at 80 columns.
            let shown = path.display().to_string();
            let shown = match std::env::var("HOME") {
                Ok(home) if !home.is_empty() && shown.starts_with(&home) => {
                    format!("~{}", &shown[home.len()..])
                }
                _ => shown,
            };
            state.info(format!("Saved {shown} ({period})"));
            Vec::new()
        }
        Action::Failed(text) => {
            state.error(text);
            Vec::new()
        }
    }
}

fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    let routed = match state.view {
        View::Review => review::command(state, command),
        View::Dashboard => dashboard::command(state, command),
        View::Search => search::command(state, command),
        View::Agent => None,
    };
    if let Some(effects) = routed {
        return effects;
    }
    if let Some(road) = command.road() {
        return call::set_road(state, road);
    }
    match command {
        Command::Quit => quit(state),
        Command::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::Palette => {
            state.overlay = Some(Overlay::Palette(Palette::new(&state.palette_commands)));
            Vec::new()
        }
        Command::Escape => escape(state),
        Command::NextPane | Command::PrevPane => {
            navigation::cycle_pane(state, command == Command::NextPane);
            navigation::autosave_on_leave(state)
        }
        Command::ViewAgent | Command::ViewReview | Command::ViewDashboard | Command::ViewSearch => {
            navigation::switch_view(state, command)
        }
        Command::Export => {
            let (from, to) = state.dashboard.period.range(state.clock.today());
            state.info("Writing the summary…");
            vec![Effect::ExportSummary {
                from,
                to,
                dir: state.export_dir.clone(),
                templates: state.templates_dir.clone(),
            }]
        }
        Command::WrapUp => call::wrap_up(state),
        Command::Copy => {
            if let Some(call) = &mut state.call {
                call.notes.copy();
                state.info("Copied; Ctrl-Y pastes.");
            }
            Vec::new()
        }
        Command::SentimentUp
        | Command::SentimentDown
        | Command::ToggleOutcome
        | Command::DueLater
        | Command::DueEarlier
        | Command::CycleStatus
        | Command::CycleReason => call::adjust(state, command),
        Command::EditNotes => {
            if state.call.is_some() {
                state.focus = Pane::Notes;
            }
            Vec::new()
        }
        Command::Filter
        | Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::First
        | Command::Last
        | Command::StartCall
        | Command::AddCustomer
        | Command::ToggleDoNotContact => {
            if state.focus == Pane::Customer && matches!(command, Command::Up | Command::Down) {
                navigation::scroll_context(state, command == Command::Down);
                return Vec::new();
            }
            queue::command(state, command)
        }
        Command::LoadDemo => {
            if state.queue.total() > 0 {
                state.warn(
                    "Demo data goes only into an empty store (or use `fourroads demo --force`).",
                );
                return Vec::new();
            }
            state.info("Loading demo data…");
            vec![Effect::LoadDemo]
        }
        Command::Road1 | Command::Road2 | Command::Road3 | Command::Road4 => Vec::new(),
        Command::OpenResult => Vec::new(),
        Command::NextUnreviewed
        | Command::Comment
        | Command::Acknowledge
        | Command::CyclePeriod
        | Command::CycleAgent
        | Command::CycleRoadFilter
        | Command::ToggleUnreviewed
        | Command::ToggleDisagreements
        | Command::ToggleCases
        | Command::CloseCase
        | Command::Refresh => {
            state.info("That key works in the Review (F3) or Dashboard (F4) view.");
            Vec::new()
        }
    }
}

fn escape(state: &mut State) -> Vec<Effect> {
    if state.overlay.is_some() {
        return overlay::close(state);
    }
    if state.focus == Pane::Notes && state.call.is_some() && !state.queue.filter_editing {
        state.focus = Pane::Road;
        return call::autosave(state);
    }
    if state.queue.filter_editing || !state.queue.filter.is_empty() {
        state.queue.clear_filter();
        return queue::selection_changed(state);
    }
    state.message = None;
    Vec::new()
}

fn quit(state: &mut State) -> Vec<Effect> {
    let mut effects = call::autosave(state);
    if let Some(call) = &state.call {
        effects.push(Effect::UpdateCall(call.call.clone()));
    }
    effects.push(Effect::Quit);
    state.quitting = true;
    effects
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.overlay.is_some() {
        return overlay::key(state, key);
    }
    if state.view == View::Search {
        return search::key(state, key);
    }
    if state.queue.filter_editing {
        return queue::filter_key(state, key);
    }
    if state.focus == Pane::Notes && state.view == View::Agent {
        return call::notes_key(state, key);
    }
    Vec::new()
}

fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let clean = crate::domain::text::sanitize_multiline(text);
    if let Some(overlay) = &mut state.overlay {
        overlay.paste(&clean);
        return Vec::new();
    }
    if state.view == View::Search {
        return search::paste(state, &clean);
    }
    if state.queue.filter_editing {
        state.queue.filter.push_str(&clean.replace('\n', " "));
        state.queue.apply_filter();
        return queue::selection_changed(state);
    }
    if state.focus == Pane::Notes
        && let Some(call) = &mut state.call
    {
        call.notes.insert_str(&clean);
        call.edited(state.clock.now);
    }
    Vec::new()
}
