//! The root state: which view and pane are in front, the pane states it holds (nothing
//! more), and the one-line message above the key hints.

use jiff::Timestamp;

use super::{
    ActiveCall, AddCustomerForm, Command, Context, DashboardState, Overlay, Place, QueueState,
    ReviewState, SearchState, call_context, road_hint, snippets, team_sync,
};
use crate::domain::Clock;
use crate::domain::call::Role;
use crate::store::CustomerContext;

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
    pub(super) agent_focus: Pane,
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
    /// Changes from the hub set aside here (the header counts them).
    pub team_set_aside: u64,
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
            team_set_aside: 0,
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

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
            keys: Vec::new(),
        });
    }

    /// In a team, who you are is the hub's record for your login: its name and role
    /// replace what the flags asked for, and a flag that disagrees gets one line.
    pub fn take_identity(
        &mut self,
        member: &crate::domain::member::Member,
        asked_name: Option<&str>,
        asked_role: Option<Role>,
    ) {
        self.agent = member.name.clone();
        self.role = member.role;
        if let Some(line) = crate::domain::member::overridden(member, asked_name, asked_role) {
            self.warn(line);
        }
    }

    pub(super) fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warning,
            text: text.into(),
            keys: Vec::new(),
        });
    }

    /// An info message naming keys: each `{key}` in `text` is the key of the next command.
    pub(super) fn info_keys(&mut self, text: impl Into<String>, keys: &[Command]) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
            keys: keys.to_vec(),
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
            keys: Vec::new(),
        });
    }
}

/// Whether the user is a lead; if not, says that only a lead can do `what`.
pub(super) fn lead_only(state: &mut State, what: &str) -> bool {
    if state.role == Role::Lead {
        return true;
    }
    state.warn(format!("Only a team lead can {what}."));
    false
}
