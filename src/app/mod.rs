//! Application state and the reducer. `update(state, action, clock)` changes the state
//! and returns `Effect`s for the runtime to carry out (store work, quitting); it never
//! does I/O itself, so every flow can be driven headless in tests. The root reducer only
//! routes: each pane and overlay has its own. The root state is in `state`, the routing
//! of commands in `dispatch`, and of typed keys and pasted text in `typing`.

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
mod dispatch;
mod fuzzy;
mod navigation;
pub mod notes_editor;
mod one_call;
mod overlay;
mod paged;
mod queue;
mod review;
mod review_commands;
mod review_count;
mod review_filter;
mod review_verdict;
pub mod road_hint;
mod road_pane;
mod saving;
mod search;
pub mod snippets;
mod state;
pub mod team_sync;
mod typing;

use jiff::Timestamp;

use dispatch::on_command;
use state::lead_only;
use typing::{on_key, on_paste};

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
pub use state::{KEY, Level, Message, Pane, State, View};

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
        Action::Identity(member) => team_sync::identified(state, member),
        Action::SetAside(count) => {
            state.team_set_aside = count;
            Vec::new()
        }
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
            let mut effects = review_verdict::review_saved(state, *call);
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
