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
    AddCustomer,
    SentimentUp,
    SentimentDown,
    ToggleOutcome,
    DueLater,
    DueEarlier,
    CycleStatus,
    CycleReason,
    EditNotes,
    ToggleDoNotContact,
    LoadDemo,
    NextUnreviewed,
    Comment,
    Acknowledge,
    CyclePeriod,
    CycleAgent,
    CycleRoadFilter,
    ToggleUnreviewed,
    ToggleDisagreements,
    ToggleCases,
    CloseCase,
    Refresh,
    Export,
    /// Enter on a search result: the customer or the call.
    OpenResult,
}

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
    Search,
}

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
            Context::Search => "Search (F5)",
        }
    }
}
