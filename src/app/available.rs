//! What the user can do now: the place keys go to (a pane, the queue's filter line or an
//! overlay), the keymap contexts that apply there, and the commands its reducer accepts.
//! The hint bar, the help overlay and the palette are drawn from this and the keymap
//! alone; an overlay runs only the commands it accepts.

use super::{
    Command, Context, Pane, ReviewTab, State, View, call_context, customers, dashboard, overlay,
    queue, review_commands, road_pane, team_sync,
};

/// Where keys go now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Welcome,
    Help,
    Palette,
    Form,
    Prompt,
    /// The note-snippet picker.
    Snippets,
    /// The form editing an existing customer.
    EditForm,
    /// Choosing a customer or an agent.
    Picker,
    /// A yes/no question.
    Confirm,
    /// Asked to wrap up or park the open call before another starts.
    SwitchCall,
    /// Typing in the queue's `/` filter line.
    QueueFilter,
    Queue,
    Customer,
    Notes,
    Road,
    /// The customer's context beside the call, choosing a past call.
    CallContext,
    /// A past call opened read-only from the context, the call going on.
    PastCall,
    ReviewCalls,
    ReviewCases,
    Dashboard,
    /// Typing a search query (F5), results below.
    Search,
    /// A call opened read-only from the search results.
    SearchCall,
}

/// The commands of a place, most important first, with the contexts its keys come from.
#[derive(Clone, Debug, PartialEq)]
pub struct Available {
    pub place: Place,
    /// Keymap contexts, most specific first.
    pub contexts: Vec<Context>,
    pub commands: Vec<Command>,
}

impl Available {
    pub fn accepts(&self, command: Command) -> bool {
        self.commands.contains(&command)
    }
}

impl Place {
    /// The place of the current state.
    pub fn of(state: &State) -> Place {
        use super::Overlay;
        match &state.overlay {
            Some(Overlay::Welcome) => return Place::Welcome,
            Some(Overlay::Help { .. }) => return Place::Help,
            Some(Overlay::Palette(_)) => return Place::Palette,
            Some(Overlay::AddCustomer(form)) if form.editing.is_some() => return Place::EditForm,
            Some(Overlay::AddCustomer(_)) => return Place::Form,
            Some(Overlay::Picker(_)) => return Place::Picker,
            Some(Overlay::Confirm(_)) => return Place::Confirm,
            Some(Overlay::Prompt(_)) => return Place::Prompt,
            Some(Overlay::Snippets(_)) => return Place::Snippets,
            Some(Overlay::SwitchCall(_)) => return Place::SwitchCall,
            None => {}
        }
        if state.queue.filter_editing {
            return Place::QueueFilter;
        }
        match (state.view, state.focus, state.call.is_some()) {
            (View::Agent, Pane::Notes, true) => Place::Notes,
            (View::Agent, Pane::Road, true) => Place::Road,
            (View::Agent, Pane::Context, true) if call_context::viewing_past_call(state) => {
                Place::PastCall
            }
            (View::Agent, Pane::Context, true) => Place::CallContext,
            (View::Agent, Pane::Customer, _) => Place::Customer,
            (View::Agent, _, _) => Place::Queue,
            (View::Review, _, _) if state.review.tab == ReviewTab::Cases => Place::ReviewCases,
            (View::Review, _, _) => Place::ReviewCalls,
            (View::Dashboard, _, _) => Place::Dashboard,
            (View::Search, _, _) if state.search.opened.detail.is_some() => Place::SearchCall,
            (View::Search, _, _) => Place::Search,
        }
    }

    /// The keymap contexts that apply here, most specific first.
    pub fn contexts(self) -> Vec<Context> {
        let own = match self {
            Place::Welcome => Context::Welcome,
            Place::Help => Context::Help,
            Place::Palette => Context::Palette,
            Place::Form => Context::Form,
            Place::Prompt => Context::Prompt,
            Place::Snippets => Context::Snippets,
            Place::EditForm => Context::EditForm,
            Place::Picker => Context::Picker,
            Place::Confirm => Context::Confirm,
            Place::SwitchCall => Context::SwitchCall,
            Place::CallContext => Context::CallContext,
            Place::PastCall => Context::PastCall,
            Place::QueueFilter => Context::Filter,
            Place::Notes => Context::Notes,
            Place::Queue => Context::Queue,
            Place::Customer => Context::Customer,
            Place::Road => Context::Road,
            Place::ReviewCalls => Context::Review,
            Place::ReviewCases => Context::Cases,
            Place::Dashboard => Context::Dashboard,
            Place::Search | Place::SearchCall => Context::Search,
        };
        if self.takes_text() || self.is_overlay() {
            vec![own, Context::Global]
        } else if self == Place::PastCall {
            // Its Esc goes back to the call, and says so (not "clear").
            vec![own, Context::Global, Context::Normal]
        } else {
            vec![Context::Global, own, Context::Normal]
        }
    }

    pub fn is_overlay(self) -> bool {
        matches!(
            self,
            Place::Welcome
                | Place::Help
                | Place::Palette
                | Place::Form
                | Place::Prompt
                | Place::Snippets
                | Place::EditForm
                | Place::Picker
                | Place::Confirm
                | Place::SwitchCall
        )
    }

    /// Whether keys here type text (plain characters are never commands then).
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Place::Palette
                | Place::Form
                | Place::Prompt
                | Place::Snippets
                | Place::EditForm
                | Place::Picker
                | Place::QueueFilter
                | Place::Notes
                | Place::Search
        )
    }
}

/// What the user can do now.
pub fn available(state: &State) -> Available {
    available_at(state, Place::of(state))
}

/// What the user could do in `place` of the current view (the notes and road panes
/// assume a call, as they exist only during one).
pub fn available_at(state: &State, place: Place) -> Available {
    Available {
        place,
        contexts: place.contexts(),
        commands: accepts(state, place),
    }
}

/// Every place of the current view, for the help overlay.
pub fn view_places(state: &State) -> Vec<Place> {
    match state.view {
        View::Agent => vec![
            Place::Queue,
            Place::Customer,
            Place::Notes,
            Place::Road,
            Place::CallContext,
            Place::PastCall,
        ],
        View::Review => vec![Place::ReviewCalls, Place::ReviewCases],
        View::Dashboard => vec![Place::Dashboard],
        View::Search => vec![Place::Search, Place::SearchCall],
    }
}

const ROADS: [Command; 4] = [
    Command::Road1,
    Command::Road2,
    Command::Road3,
    Command::Road4,
];

fn accepts(state: &State, place: Place) -> Vec<Command> {
    let mut commands = accepts_in(state, place);
    // Demo data is only for a store on its own (SPEC §12): a store in a team never offers it.
    if team_sync::in_team(state) {
        commands.retain(|c| *c != Command::LoadDemo);
    }
    commands
}

fn accepts_in(state: &State, place: Place) -> Vec<Command> {
    if place.is_overlay() {
        return state
            .overlay
            .as_ref()
            .map(overlay::accepts)
            .unwrap_or_default();
    }
    let in_call = state.call.is_some()
        || matches!(
            place,
            Place::Notes | Place::Road | Place::CallContext | Place::PastCall
        );
    let mut commands = Vec::new();
    // The active call's road follows the call everywhere but the Review view, whose
    // road keys review the selected call instead.
    if in_call && state.view != View::Review {
        commands.extend(ROADS);
    }
    if in_call {
        commands.push(Command::WrapUp);
    }
    // The customer's context is always beside the notes on a large screen.
    if in_call && state.view == View::Agent && !super::call_context::always_shown(state) {
        commands.push(Command::ToggleContext);
    }
    commands.extend(match place {
        Place::QueueFilter => queue::filter_accepts(),
        Place::Queue => queue::accepts(state, customers::accepts(state, true)),
        Place::Customer => queue::customer_accepts(state, customers::accepts(state, false)),
        // The call's reducer (app/call.rs) handles these.
        Place::Notes => vec![Command::Copy, Command::Snippets],
        Place::Road => road_pane::road_accepts(state),
        Place::CallContext => call_context::accepts(state),
        Place::PastCall => call_context::past_call_accepts(),
        Place::ReviewCalls => review_commands::accepts(state, ReviewTab::Calls),
        Place::ReviewCases => review_commands::accepts(state, ReviewTab::Cases),
        Place::Dashboard => dashboard::accepts(),
        Place::Search => vec![
            Command::OpenResult,
            Command::Up,
            Command::Down,
            Command::PageUp,
            Command::PageDown,
            Command::Escape,
        ],
        Place::SearchCall => vec![
            Command::Up,
            Command::Down,
            Command::PageUp,
            Command::PageDown,
            Command::Escape,
        ],
        Place::Welcome
        | Place::Help
        | Place::Palette
        | Place::Form
        | Place::Prompt
        | Place::Snippets
        | Place::EditForm
        | Place::Picker
        | Place::Confirm => Vec::new(),
        Place::SwitchCall => Vec::new(),
    });
    let clears = !state.queue.filter.is_empty() || state.message.is_some();
    let own_escape = matches!(place, Place::Search | Place::SearchCall | Place::PastCall);
    if !own_escape && (place == Place::Notes || (place != Place::QueueFilter && clears)) {
        commands.push(Command::Escape);
    }
    if !place.takes_text() {
        commands.push(Command::Palette);
    }
    if state.panes().len() > 1 {
        commands.extend([Command::NextPane, Command::PrevPane]);
    }
    let views = [
        (View::Agent, Command::ViewAgent),
        (View::Review, Command::ViewReview),
        (View::Dashboard, Command::ViewDashboard),
        (View::Search, Command::ViewSearch),
    ];
    for (view, command) in views {
        if view != state.view {
            commands.push(command);
        }
    }
    commands.extend([Command::Help, Command::Quit]);
    commands
}
