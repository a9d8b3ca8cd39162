//! Application state and the reducer. `update(state, action, clock)` changes the state
//! and returns `Effect`s for the runtime to carry out (store work, quitting); it never
//! does I/O itself, so every flow can be driven headless in tests. The root reducer only
//! routes: each pane and overlay has its own.

mod action;
mod available;
mod call;
pub mod call_context;
mod call_view;
mod cases;
mod choice;
mod command;
mod customer_form;
mod customers;
mod dashboard;
mod fuzzy;
mod navigation;
pub mod notes_editor;
mod one_call;
mod overlay;
mod paged;
mod queue;
mod review;
mod review_count;
mod review_filter;
pub mod road_hint;
mod saving;
mod search;
pub mod snippets;
pub mod team_sync;

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;

use crate::domain::Clock;
use crate::domain::call::Role;
use crate::store::CustomerContext;

pub use action::{Action, Effect};
pub use available::{Available, Place, available, available_at, view_places};
pub use call::{ActiveCall, NotesStatus, SaveTrouble};
pub use call_view::ReadOnlyCall;
pub use cases::CaseChange;
pub use choice::{Choice, ChoicePicker, ConfirmPurpose, Confirmation, PickPurpose};
pub use command::{CONTEXTS, Command, Context, PaletteItem};
pub use customers::CustomerChange;
pub use dashboard::DashboardState;
pub use one_call::{NextCall, SwitchCall};
pub use overlay::{AddCustomerForm, FORM_FIELDS, Overlay, Palette, Prompt, PromptPurpose};
pub use paged::{Paged, scrolled};
pub use queue::QueueState;
pub use review::{PAGE_SIZE, ReviewState, ReviewTab};
pub use review_count::MatchCountState;
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
    /// The customer's context beside an active call: its past calls open read-only.
    Context,
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
    /// The words; each `{key}` in them is the key of the next of `keys`, put in by the
    /// screen from the keymap (so a message never names a key the user has rebound).
    pub text: String,
    pub keys: Vec<Command>,
}

/// Where a message says which key does something.
pub const KEY: &str = "{key}";

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
    pub review: ReviewState,
    pub dashboard: DashboardState,
    pub search: SearchState,
    /// The Agent view's focus, restored when coming back to it.
    agent_focus: Pane,
    /// Where `:export` writes summaries, and where user templates live.
    pub export_dir: std::path::PathBuf,
    pub templates_dir: Option<std::path::PathBuf>,
    /// The terminal's size (columns, rows), from the latest resize.
    pub screen: (u16, u16),
    /// On a small screen, whether the call shows the customer's context (F6).
    pub call_context_shown: bool,
    /// The note snippets Ctrl-T offers while typing notes.
    pub snippets: Vec<snippets::Snippet>,
    /// The road suggestion: its model and what the active call's notes read like.
    pub road_hint: road_hint::RoadHint,
    /// The team sync's state, when this store is in a team (SPEC §12).
    pub team_sync: Option<team_sync::TeamSync>,
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
            review: ReviewState::default(),
            dashboard: DashboardState::default(),
            search: SearchState::default(),
            agent_focus: Pane::Queue,
            export_dir: std::path::PathBuf::from("exports"),
            templates_dir: None,
            screen: (0, 0),
            call_context_shown: false,
            snippets: snippets::defaults(),
            road_hint: road_hint::RoadHint::default(),
            team_sync: None,
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

    /// The keymap contexts that apply now, most specific first.
    pub fn key_contexts(&self) -> Vec<Context> {
        Place::of(self).contexts()
    }

    /// Panes Tab moves through in the current view.
    pub fn panes(&self) -> Vec<Pane> {
        match (self.view, self.call.is_some()) {
            // A past call opened from the context is read alone, like a found call.
            (View::Agent, true) if call_context::viewing_past_call(self) => vec![Pane::Context],
            (View::Agent, true) => vec![Pane::Queue, Pane::Notes, Pane::Road, Pane::Context],
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
            keys: Vec::new(),
        });
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warning,
            text: text.into(),
            keys: Vec::new(),
        });
    }

    /// An info message naming keys: each `{key}` in `text` is the key of the next command.
    fn info_keys(&mut self, text: impl Into<String>, keys: &[Command]) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
            keys: keys.to_vec(),
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
            keys: Vec::new(),
        });
    }
}

/// Whether the user is a lead; if not, says that only a lead can do `what`.
fn lead_only(state: &mut State, what: &str) -> bool {
    if state.role == Role::Lead {
        return true;
    }
    state.warn(format!("Only a team lead can {what}."));
    false
}

/// The reducer: applies `action` at `now`, returns the effects to run.
pub fn update(state: &mut State, action: Action, now: Timestamp) -> Vec<Effect> {
    state.clock.now = now;
    let paused = matches!(action, Action::AutosaveDue);
    let effects = route(state, action, now);
    call_context::tidy(state);
    // Whatever changed the notes (typing, a paste, a snippet), the suggestion follows.
    road_hint::refresh(state, paused);
    effects
}

fn route(state: &mut State, action: Action, now: Timestamp) -> Vec<Effect> {
    match action {
        Action::Command(command) => on_command(state, command),
        Action::OpenPalette(items) => {
            if state.overlay.is_none() {
                state.overlay = Some(Overlay::Palette(Palette::new(items)));
            }
            Vec::new()
        }
        Action::Key(key) => on_key(state, key),
        Action::Paste(text) => on_paste(state, &text),
        Action::Resize { width, height } => {
            state.screen = (width, height);
            // Title, pane borders, header row, message and hint lines.
            state.page_rows = usize::from(height.saturating_sub(7)).max(1);
            state.queue.keep_visible(state.page_rows);
            Vec::new()
        }
        Action::Tick => Vec::new(),
        Action::TeamSync { sync, changed } => team_sync::reported(state, sync, changed),
        Action::AutosaveDue => call::autosave(state),
        Action::NotesSaved { call_id, revision } => saving::saved(state, call_id, revision),
        Action::NotesNotSaved {
            call_id,
            revision,
            reason,
        } => saving::not_saved(state, call_id, revision, &reason),
        Action::StoreSlow {
            what,
            seconds,
            writes,
        } => saving::store_slow(state, &what, seconds, writes),
        Action::QueueLoaded { entries, skipped } => queue::loaded(state, entries, skipped),
        Action::ContextLoaded(context) => {
            call_context::loaded(state, &context);
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
            open_cases,
            unsaved,
        } => {
            // A call still active here is parked first (keys typed ahead asked for two).
            let (mut effects, parked) = one_call::make_way(state, call.id);
            effects.extend(call::opened(
                state, *call, *customer, &notes, resumed, open_cases, parked,
            ));
            if unsaved && let Some(call) = &mut state.call {
                call.edited(now);
            }
            effects
        }
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
            // A call with them shows their new details (and do-not-contact) at once.
            if let Some(active) = &mut state.call
                && active.customer.id == customer.id
            {
                active.customer = customer.clone();
            }
            vec![Effect::LoadQueue, Effect::LoadContext(customer.id)]
        }
        Action::MergePreviewed(preview) => customers::merge_previewed(state, *preview),
        Action::CustomersMerged {
            keep,
            duplicate_name,
            result,
        } => customers::merged(state, keep, &duplicate_name, &result),
        Action::DemoLoaded { customers, calls } => {
            state.overlay = None;
            state.info(format!(
                "Demo data loaded: {customers} customers and {calls} calls. Start a call with the selected customer."
            ));
            vec![Effect::LoadQueue]
        }
        Action::ReviewPageLoaded { page, generation } => {
            let mut effects = review::page_loaded(state, page, generation);
            effects.extend(road_hint::review_page_loaded(state));
            effects
        }
        Action::ReviewMatchesCounted {
            matches,
            next,
            generation,
        } => review_count::counted(state, matches, next, generation),
        Action::CallDetailLoaded(detail) => {
            let unasked = call_context::detail_loaded(state, *detail);
            if let Some(detail) = unasked.and_then(|d| search::detail_loaded(state, d)) {
                review::detail_loaded(state, detail);
                road_hint::detail_loaded(state);
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
        Action::ReviewSaved(call) => {
            let mut effects = review::review_saved(state, *call);
            effects.extend(road_hint::build(state));
            effects
        }
        Action::RoadModelBuilt {
            model,
            per_road,
            generation,
        } => road_hint::built(state, model, per_road, generation),
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
            let current = generation == state.dashboard.generation;
            dashboard::loaded(state, *figures, generation);
            if current {
                road_hint::count_agreement(state)
            } else {
                Vec::new()
            }
        }
        Action::SuggestionAgreementCounted {
            agreed,
            compared,
            generation,
        } => {
            road_hint::agreement_counted(state, agreed, compared, generation);
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

/// A command: an open overlay has it first, then the queue's filter line while typing
/// in it, then the view and its panes.
fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    if command == Command::Quit {
        return quit(state);
    }
    if matches!(state.overlay, Some(Overlay::SwitchCall(_))) {
        return one_call::command(state, command);
    }
    if state.overlay.is_some() {
        return match overlay::command(state, command) {
            overlay::Outcome::Done(effects) => effects,
            overlay::Outcome::Run(command) => run_command(state, command),
            overlay::Outcome::Submitted(purpose, text) => prompt_submitted(state, purpose, &text),
            overlay::Outcome::Insert(text) => snippets::insert(state, &text),
            overlay::Outcome::SubmitCustomer => customers::submit(state),
            overlay::Outcome::Picked(purpose, choice) => match purpose {
                PickPurpose::MergeInto { duplicate } => match choice.id {
                    Some(keep) => customers::merge_target_picked(state, duplicate, keep),
                    None => Vec::new(),
                },
                PickPurpose::CaseOwner { case_id } => {
                    cases::owner_picked(state, case_id, &choice.label)
                }
            },
            overlay::Outcome::Confirmed(ConfirmPurpose::Merge { duplicate, keep }) => {
                customers::merge_confirmed(state, duplicate, keep)
            }
            overlay::Outcome::Closed(purpose) => {
                if let Some(purpose) = purpose {
                    review::prompt_cancelled(state, &purpose);
                }
                Vec::new()
            }
        };
    }
    if state.queue.filter_editing && matches!(command, Command::Confirm | Command::Cancel) {
        return queue::filter_command(state, command);
    }
    run_command(state, command)
}

/// A prompt's text goes to the reducer its purpose names; the prompt closes when that
/// reducer takes it and shows the reason under the field when not.
fn prompt_submitted(state: &mut State, purpose: PromptPurpose, text: &str) -> Vec<Effect> {
    let result = match purpose {
        PromptPurpose::Review {
            call_id,
            road,
            required,
        } => review::save_review(state, call_id, road, required, text.to_string()),
        PromptPurpose::CloseCase { case_id } => {
            cases::close_with_note(state, case_id, text.to_string())
        }
        PromptPurpose::Filter => review::apply_filter(state, text),
        PromptPurpose::DoNotContact { customer_id } => {
            customers::reason_given(state, customer_id, text)
        }
    };
    match result {
        Ok(effects) => {
            state.overlay = None;
            effects
        }
        Err(error) => {
            overlay::prompt_error(state, error);
            Vec::new()
        }
    }
}

fn run_command(state: &mut State, command: Command) -> Vec<Effect> {
    let routed = match state.view {
        // The suggestion's order lives with the suggestion, which reads the review list.
        View::Review if command == Command::NotesDisagreeFirst => Some(
            if lead_only(state, "order calls by what their notes read like") {
                road_hint::toggle_disagree_first(state)
            } else {
                Vec::new()
            },
        ),
        View::Review => review::command(state, command),
        View::Dashboard => dashboard::command(state, command),
        View::Search => search::command(state, command),
        View::Agent => None,
    };
    if let Some(effects) = routed.or_else(|| call_context::command(state, command)) {
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
        // The input layer opens the palette (`Action::OpenPalette`) with the keymap's
        // words; the palette never offers itself.
        Command::Palette => Vec::new(),
        Command::Escape => escape(state),
        Command::NextPane | Command::PrevPane => {
            navigation::cycle_pane(state, command == Command::NextPane);
            navigation::autosave_on_leave(state)
        }
        Command::ViewAgent | Command::ViewReview | Command::ViewDashboard | Command::ViewSearch => {
            switch_view(state, command)
        }
        Command::Export => {
            let (from, to) = state.dashboard.period.range(state.clock.today());
            state.info("Writing the summary…");
            vec![Effect::ExportSummary {
                from,
                to,
                dir: state.export_dir.clone(),
                templates: state.templates_dir.clone(),
                blind_lead: (state.role == Role::Lead && state.review.blind)
                    .then(|| state.agent.clone()),
            }]
        }
        Command::WrapUp => call::wrap_up(state),
        Command::ToggleContext => call_context::toggle(state),
        Command::Snippets => snippets::open(state),
        Command::Copy => {
            if let Some(call) = &mut state.call {
                if call.notes.copy() {
                    state.info("Copied; Ctrl-Y pastes.");
                } else {
                    state.info("Nothing selected: Shift-arrows select text.");
                }
            }
            Vec::new()
        }
        Command::SentimentUp
        | Command::SentimentDown
        | Command::ToggleOutcome
        | Command::DueLater
        | Command::DueEarlier
        | Command::CycleStatus
        | Command::CycleReason
        | Command::CycleCase
        | Command::ToggleCloseCase
        | Command::CallbackEarlier
        | Command::CallbackLater => call::adjust(state, command),
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
        | Command::IncomingCall
        | Command::AddCustomer => {
            if state.focus == Pane::Customer && matches!(command, Command::Up | Command::Down) {
                navigation::scroll_context(state, command == Command::Down);
                return Vec::new();
            }
            queue::command(state, command)
        }
        Command::EditCustomer | Command::MergeCustomer | Command::ToggleDoNotContact => {
            customers::command(state, command)
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
        Command::Road1
        | Command::Road2
        | Command::Road3
        | Command::Road4
        | Command::Confirm
        | Command::Cancel
        | Command::NextField
        | Command::PrevField
        | Command::OpenResult
        | Command::ParkCall => Vec::new(),
        Command::NextUnreviewed
        | Command::Comment
        | Command::Acknowledge
        | Command::CyclePeriod
        | Command::CycleAgent
        | Command::CycleRoadFilter
        | Command::ToggleUnreviewed
        | Command::ToggleDisagreements
        | Command::NotesDisagreeFirst
        | Command::ToggleCases
        | Command::CloseCase
        | Command::ReassignCase
        | Command::Refresh => {
            state.info("That works in the Review or Dashboard view.");
            Vec::new()
        }
    }
}

fn escape(state: &mut State) -> Vec<Effect> {
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
        overlay::key(state, key);
        return Vec::new();
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
    let into_notes = state.overlay.is_none()
        && !state.queue.filter_editing
        && state.focus == Pane::Notes
        && state.call.is_some();
    if into_notes && text.len() > notes_editor::MAX_NOTES_BYTES {
        // Refused before any work on it: cleaning a huge paste costs time too.
        state.warn(notes_editor::TooLarge.message());
        return Vec::new();
    }
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
        match call.notes.paste(&clean) {
            Ok(true) => call.edited(state.clock.now),
            Ok(false) => {}
            Err(too_large) => state.warn(too_large.message()),
        }
    }
    Vec::new()
}

/// F2 / F3 / F4: leaving the notes saves them; the Review and Dashboard views load fresh
/// figures each time they are entered.
pub(super) fn switch_view(state: &mut State, command: Command) -> Vec<Effect> {
    let target = match command {
        Command::ViewReview => View::Review,
        Command::ViewDashboard => View::Dashboard,
        Command::ViewSearch => View::Search,
        _ => View::Agent,
    };
    state.overlay = None;
    state.queue.filter_editing = false;
    let mut effects = Vec::new();
    if state.view == View::Agent {
        if state.focus == Pane::Notes {
            state.focus = Pane::Road;
            effects.extend(call::autosave(state));
        }
        state.agent_focus = state.focus;
    }
    state.view = target;
    match target {
        View::Agent => {
            state.focus = if state.call.is_none() && state.agent_focus == Pane::Road {
                Pane::Queue
            } else {
                state.agent_focus
            };
        }
        View::Review => effects.extend(review::enter(state)),
        View::Dashboard => effects.extend(dashboard::enter(state)),
        View::Search => effects.extend(search::enter(state)),
    }
    effects
}
