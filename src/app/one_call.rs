//! One call at a time. Starting a call (Enter or `i` on a customer, Enter on a case)
//! while another customer's call is open asks first: wrap the open call up (it still
//! needs a road), park it (it stays open, `call open` in the queue, to resume later), or
//! cancel (nothing changes). Nothing is parked or started behind the agent's back, and
//! resuming the open call's own customer never asks.

use super::{Command, Effect, Overlay, Pane, State, View, call};
use crate::domain::text::sanitize_line;
use crate::domain::{CallReason, Direction, Id};

/// A call the agent asked to start.
#[derive(Clone, Debug, PartialEq)]
pub struct NextCall {
    pub customer_id: Id,
    pub name: String,
    pub direction: Direction,
    pub reason: CallReason,
    /// The case it is about (Enter on a case).
    pub case_id: Option<Id>,
}

/// The question asked while another customer's call is open.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchCall {
    /// The customer of the call that is open.
    pub open_name: String,
    pub next: NextCall,
}

/// Starts `next`; resumes it when it is the open call's customer; asks first when
/// another customer's call is open.
pub(super) fn start(state: &mut State, next: NextCall) -> Vec<Effect> {
    let open_name = match &state.call {
        None => return begin(state, &next),
        Some(active) if active.call.customer_id == next.customer_id => {
            let effects = to_customer(state, next.customer_id);
            state.focus = Pane::Notes;
            return effects;
        }
        Some(active) => active.customer.name.clone(),
    };
    state.overlay = Some(Overlay::SwitchCall(Box::new(SwitchCall {
        open_name,
        next,
    })));
    Vec::new()
}

/// The agent's answer to the question (the overlay has the keys while it is open).
pub(super) fn command(state: &mut State, command: Command) -> Vec<Effect> {
    let Some(Overlay::SwitchCall(ask)) = state.overlay.take() else {
        return Vec::new();
    };
    let open = sanitize_line(&ask.open_name).into_owned();
    let next = sanitize_line(&ask.next.name).into_owned();
    match command {
        Command::Cancel => {
            state.info(format!(
                "Nothing changed: the call with {open} goes on; no call with {next} was started."
            ));
            Vec::new()
        }
        Command::ParkCall => {
            let mut effects = to_agent_view(state);
            effects.extend(park(state));
            effects.extend(begin(state, &ask.next));
            state.info(format!(
                "Parked the call with {open} (call open in the queue); starting the call with {next}."
            ));
            effects
        }
        Command::WrapUp => {
            let mut effects = to_agent_view(state);
            effects.extend(call::wrap_up(state));
            if state.call.is_some() {
                // Refused for want of a road: the road pane has the focus; say both
                // things, and start nothing.
                state.warn(format!(
                    "Choose a road to wrap up the call with {open} first; no call with {next} was started."
                ));
                return effects;
            }
            effects.extend(begin(state, &ask.next));
            effects
        }
        _ => {
            // Anything else leaves the question open.
            state.overlay = Some(Overlay::SwitchCall(ask));
            Vec::new()
        }
    }
}

/// What the question accepts.
pub(super) fn accepts() -> Vec<Command> {
    vec![
        Command::WrapUp,
        Command::ParkCall,
        Command::Cancel,
        Command::Quit,
    ]
}

/// The Agent view with `customer_id` selected in the queue (a call about a case starts
/// from the Review view).
fn to_customer(state: &mut State, customer_id: Id) -> Vec<Effect> {
    let effects = to_agent_view(state);
    if state.queue.selected_id() != Some(customer_id) {
        state.queue.clear_filter();
        if state.queue.select_id(customer_id) {
            state.queue.keep_visible(state.page_rows);
        }
    }
    effects
}

fn to_agent_view(state: &mut State) -> Vec<Effect> {
    if state.view == View::Agent {
        return Vec::new();
    }
    super::switch_view(state, Command::ViewAgent)
}

/// Opens the new call (the store resumes the customer's open call if they have one).
fn begin(state: &mut State, next: &NextCall) -> Vec<Effect> {
    let mut effects = to_customer(state, next.customer_id);
    effects.push(Effect::OpenCall {
        customer_id: next.customer_id,
        direction: next.direction,
        reason: next.reason,
        case_id: next.case_id,
        agent: state.agent.clone(),
        at: state.clock.now,
    });
    effects
}

/// Leaves the active call open in the store, saved, to resume later.
fn park(state: &mut State) -> Vec<Effect> {
    let mut effects = call::autosave(state);
    if let Some(active) = state.call.take() {
        effects.push(Effect::UpdateCall(active.call));
    }
    effects
}

/// A call is opening while another is active: possible only when two were asked for
/// before the first had opened (keys typed ahead). The active one is parked, never
/// dropped; its customer's name is returned to tell the agent.
pub(super) fn make_way(state: &mut State, opening: Id) -> (Vec<Effect>, Option<String>) {
    match &state.call {
        Some(active) if active.call.id != opening => {
            let name = sanitize_line(&active.customer.name).into_owned();
            (park(state), Some(name))
        }
        _ => (Vec::new(), None),
    }
}
