//! Every user intent that a key (or the palette) can name. Commands deserialise from the
//! keymap's `command = "…"` strings.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Help,
    NextPane,
    PrevPane,
    ViewAgent,
    ViewReview,
    ViewDashboard,
    ViewSearch,
    #[serde(rename = "road_1")]
    Road1,
    #[serde(rename = "road_2")]
    Road2,
    #[serde(rename = "road_3")]
    Road3,
    #[serde(rename = "road_4")]
    Road4,
    WrapUp,
    Escape,
    Copy,
    Palette,
    Filter,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    StartCall,
    IncomingCall,
    AddCustomer,
    SentimentUp,
    SentimentDown,
    ToggleOutcome,
    DueLater,
    DueEarlier,
    CycleStatus,
    CycleReason,
    /// The open case the active call is about (none, then each in turn).
    CycleCase,
    /// Close (or not) the linked case at wrap-up (resolved calls only).
    ToggleCloseCase,
    CallbackEarlier,
    CallbackLater,
    EditNotes,
    ToggleDoNotContact,
    /// Edit the selected customer's name, phone, email or segment.
    EditCustomer,
    /// Merge the selected customer (a duplicate record) into another one.
    MergeCustomer,
    /// Give the selected case to another owner (or take it).
    ReassignCase,
    LoadDemo,
    NextUnreviewed,
    Comment,
    Acknowledge,
    CyclePeriod,
    CycleAgent,
    CycleRoadFilter,
    ToggleUnreviewed,
    /// Review list: calls whose notes read like another road than theirs first.
    NotesDisagreeFirst,
    ToggleDisagreements,
    ToggleCases,
    CloseCase,
    Refresh,
    Export,
    /// Overlays and the queue filter line: save, apply or run what is chosen.
    Confirm,
    /// Overlays and the queue filter line: close without saving.
    Cancel,
    NextField,
    PrevField,
    /// Enter on a search result: the customer or the call.
    OpenResult,
    /// Show or hide the customer's context during a call on a small screen.
    ToggleContext,
    /// While typing notes: pick a note snippet to insert at the cursor.
    Snippets,
    /// Another call is open: leave it open (parked) and start the new one.
    ParkCall,
}

/// The commands that move in a list, as every list accepts them.
pub const LIST_MOVES: [Command; 6] = [
    Command::Up,
    Command::Down,
    Command::PageUp,
    Command::PageDown,
    Command::First,
    Command::Last,
];

impl Command {
    pub fn road(self) -> Option<crate::domain::Road> {
        use crate::domain::Road;
        match self {
            Command::Road1 => Some(Road::Learn),
            Command::Road2 => Some(Road::Care),
            Command::Road3 => Some(Road::Teach),
            Command::Road4 => Some(Road::GoAway),
            _ => None,
        }
    }

    /// Whether the command changes data or what the user may do next (the hint bar keeps
    /// these visible at any width); moving, scrolling, switching views, help and the
    /// palette are plain navigation and may hide behind "F1 more".
    pub fn is_essential(self) -> bool {
        !matches!(
            self,
            Command::Up
                | Command::Down
                | Command::PageUp
                | Command::PageDown
                | Command::First
                | Command::Last
                | Command::NextPane
                | Command::PrevPane
                | Command::ViewAgent
                | Command::ViewReview
                | Command::ViewDashboard
                | Command::ViewSearch
                | Command::Help
                | Command::Palette
                | Command::Quit
                | Command::Escape
                | Command::Copy
                | Command::ToggleContext
                | Command::Snippets
                // Rare, and in the palette and help: merging customers.
                | Command::MergeCustomer
                // An ordering aid: F1 and the palette list it when the hint bar is full.
                | Command::NotesDisagreeFirst
        )
    }
}

/// A row of the command palette: a command with what it does and the keys that run it
/// where the palette was opened ("" when none does).
#[derive(Clone, Debug, PartialEq)]
pub struct PaletteItem {
    pub command: Command,
    pub description: String,
    pub keys: String,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Normal,
    Queue,
    Road,
    Customer,
    Notes,
    Review,
    Cases,
    Dashboard,
    /// The queue's `/` filter line while typing in it.
    Filter,
    Welcome,
    Help,
    Palette,
    Prompt,
    Form,
    Search,
    /// The note-snippet picker (Ctrl-T while typing notes).
    Snippets,
    /// The form editing an existing customer.
    EditForm,
    /// A fuzzy picker of customers or agents (merge into…, reassign a case).
    Picker,
    /// A yes/no question before a change that cannot be undone.
    Confirm,
    /// The customer's context beside an active call (its past calls).
    CallContext,
    /// A past call opened read-only from the call's context.
    PastCall,
    /// The question asked when a call starts while another is open.
    SwitchCall,
}

/// Every context, in the order the help overlay lists them.
pub const CONTEXTS: [Context; 23] = [
    Context::Global,
    Context::Normal,
    Context::Queue,
    Context::Filter,
    Context::Customer,
    Context::Road,
    Context::Notes,
    Context::CallContext,
    Context::PastCall,
    Context::SwitchCall,
    Context::Review,
    Context::Cases,
    Context::Dashboard,
    Context::Welcome,
    Context::Help,
    Context::Palette,
    Context::Prompt,
    Context::Form,
    Context::EditForm,
    Context::Picker,
    Context::Confirm,
    Context::Snippets,
    Context::Search,
];

impl Context {
    pub fn parse(name: &str) -> Option<Context> {
        toml::Value::String(name.to_string()).try_into().ok()
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere (even while typing)",
            Context::Normal => "When not typing",
            Context::Queue => "Queue",
            Context::Road => "Road pane",
            Context::Customer => "Customer",
            Context::Notes => "While typing notes",
            Context::Review => "Review: calls",
            Context::Cases => "Review: open cases",
            Context::Dashboard => "Dashboard",
            Context::Filter => "Typing a queue filter",
            Context::Welcome => "Welcome screen",
            Context::Help => "This help",
            Context::Palette => "Command palette",
            Context::Prompt => "One-line prompts (a reason, a note, the review filter)",
            Context::Form => "Add-customer form",
            Context::Search => "Search (F5)",
            Context::Snippets => "Note snippets (Ctrl-T while typing notes)",
            Context::EditForm => "Edit-customer form",
            Context::Picker => "Choosing a customer or an agent",
            Context::Confirm => "Confirmation",
            Context::CallContext => "Context beside the call: past calls",
            Context::PastCall => "A past call, read-only, during a call",
            Context::SwitchCall => "Another call is open (starting a new one)",
        }
    }

    /// The name used in the keymap and in config `[keys.<name>]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Normal => "normal",
            Context::Queue => "queue",
            Context::Road => "road",
            Context::Customer => "customer",
            Context::Notes => "notes",
            Context::Review => "review",
            Context::Cases => "cases",
            Context::Dashboard => "dashboard",
            Context::Filter => "filter",
            Context::Search => "search",
            Context::Welcome => "welcome",
            Context::Help => "help",
            Context::Palette => "palette",
            Context::Prompt => "prompt",
            Context::Form => "form",
            Context::Snippets => "snippets",
            Context::EditForm => "edit_form",
            Context::Picker => "picker",
            Context::Confirm => "confirm",
            Context::CallContext => "call_context",
            Context::PastCall => "past_call",
            Context::SwitchCall => "switch_call",
        }
    }

    /// Contexts whose keys apply while text is being typed: a plain character there
    /// would steal a letter from the text, so it cannot be bound.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Global
                | Context::Notes
                | Context::Filter
                | Context::Palette
                | Context::Prompt
                | Context::Form
                | Context::Snippets
                | Context::EditForm
                | Context::Picker
        )
    }
}
