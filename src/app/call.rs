//! The active call: the notes editor, the road pane (road, sentiment, outcome, due date,
//! status change, reason), autosave timing, and wrap-up.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::notes_editor::NotesEditor;
use super::{Command, Effect, Pane, State};
use crate::domain::clock::add_working_days;
use crate::domain::text::{extract_tags, sanitize_line, sanitize_multiline};
use crate::domain::{Call, Customer, Outcome, Road};
use crate::store::WrapUpResult;

/// Save this long after typing stops…
pub const AUTOSAVE_QUIET_MS: i64 = 150;
/// …and at least this often while typing goes on.
pub const AUTOSAVE_MAX_MS: i64 = 250;
/// Default due date of a follow-up, in working days.
pub const FOLLOW_UP_WORKING_DAYS: u32 = 2;

pub struct ActiveCall {
    pub call: Call,
    pub customer: Customer,
    pub notes: NotesEditor,
    /// First unsaved edit and the latest one.
    dirty_since: Option<Timestamp>,
    last_edit: Option<Timestamp>,
    pub saved_at: Option<Timestamp>,
    pub resumed: bool,
}

impl ActiveCall {
    pub fn new(call: Call, customer: Customer, notes: &str, resumed: bool) -> ActiveCall {
        ActiveCall {
            call,
            customer,
            notes: NotesEditor::new(&sanitize_multiline(notes)),
            dirty_since: None,
            last_edit: None,
            saved_at: None,
            resumed,
        }
    }

    /// The notes as one text: O(size), so for saving, not for every key.
    pub fn text(&self) -> String {
        self.notes.text()
    }

    pub fn edited(&mut self, now: Timestamp) {
        self.dirty_since.get_or_insert(now);
        self.last_edit = Some(now);
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty_since.is_some()
    }

    pub fn autosave_deadline(&self) -> Option<Timestamp> {
        let quiet = self.last_edit? + SignedDuration::from_millis(AUTOSAVE_QUIET_MS);
        let longest = self.dirty_since? + SignedDuration::from_millis(AUTOSAVE_MAX_MS);
        Some(quiet.min(longest))
    }

    /// The follow-up due date, defaulting to two working days after today.
    pub fn due_or_default(&self, today: Date) -> Date {
        self.call
            .follow_up_due
            .unwrap_or_else(|| add_working_days(today, FOLLOW_UP_WORKING_DAYS))
    }
}

pub(super) fn opened(
    state: &mut State,
    call: Call,
    customer: Customer,
    notes: &str,
    resumed: bool,
) -> Vec<Effect> {
    let name = sanitize_line(&customer.name).into_owned();
    let customer_id = customer.id;
    state.call = Some(ActiveCall::new(call, customer, notes, resumed));
    state.focus = Pane::Notes;
    state.view = super::View::Agent;
    state.info(if resumed {
        format!("Resumed the open call with {name}. Keep typing; Ctrl-E wraps up.")
    } else {
        format!("Call with {name} started. Type notes; Alt-1..4 sets the road; Ctrl-E wraps up.")
    });
    vec![Effect::LoadQueue, Effect::LoadContext(customer_id)]
}

/// Saves unsaved notes now (masking card numbers first).
pub(super) fn autosave(state: &mut State) -> Vec<Effect> {
    let Some(active) = &mut state.call else {
        return Vec::new();
    };
    if !active.is_dirty() {
        return Vec::new();
    }
    active.dirty_since = None;
    active.last_edit = None;
    let masked = mask_notes(active);
    let effects = vec![Effect::SaveNotes {
        call_id: active.call.id,
        text: active.text(),
    }];
    if masked > 0 {
        state.warn(format!(
            "A card number was masked in the notes ({masked}). Never write card numbers down."
        ));
    }
    effects
}

/// Masks card-like numbers in the notes, looking only at lines changed since the last
/// time, so a long note costs little on each autosave.
fn mask_notes(active: &mut ActiveCall) -> usize {
    active.notes.mask_cards()
}

/// Leaves the active call open in the store, saved, to resume later.
pub(super) fn park(state: &mut State) -> Vec<Effect> {
    let mut effects = autosave(state);
    if let Some(active) = state.call.take() {
        effects.push(Effect::UpdateCall(active.call));
    }
    effects
}

pub(super) fn notes_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let now = state.clock.now;
    let Some(active) = &mut state.call else {
        return Vec::new();
    };
    // Control characters typed raw (Ctrl-V literal etc.) never enter the notes.
    if let KeyCode::Char(c) = key.code
        && c.is_control()
        && !key.modifiers.contains(KeyModifiers::CONTROL)
    {
        return Vec::new();
    }
    if active.notes.key(key) {
        active.edited(now);
    }
    Vec::new()
}

pub(super) fn set_road(state: &mut State, road: Road) -> Vec<Effect> {
    let Some(active) = &mut state.call else {
        state.warn("No call in progress: press Enter on a customer to start one.");
        return Vec::new();
    };
    if active.call.road == Some(road) {
        return Vec::new();
    }
    active.call.road = Some(road);
    let call = active.call.clone();
    state.info(format!("Road {}: {}.", road.label(), road.definition()));
    vec![Effect::UpdateCall(call)]
}

pub(super) fn adjust(state: &mut State, command: Command) -> Vec<Effect> {
    let today = state.clock.today();
    let Some(active) = &mut state.call else {
        state.warn("No call in progress.");
        return Vec::new();
    };
    let call = &mut active.call;
    match command {
        Command::SentimentUp => call.sentiment = (call.sentiment + 1).min(2),
        Command::SentimentDown => call.sentiment = (call.sentiment - 1).max(-2),
        Command::ToggleOutcome => {
            call.outcome = match call.outcome {
                Outcome::Resolved => Outcome::FollowUp,
                Outcome::FollowUp => Outcome::Resolved,
            };
            if call.outcome == Outcome::FollowUp && call.follow_up_due.is_none() {
                call.follow_up_due = Some(add_working_days(today, FOLLOW_UP_WORKING_DAYS));
            }
        }
        Command::DueLater | Command::DueEarlier => {
            if call.outcome != Outcome::FollowUp {
                state.warn("Set the outcome to follow-up needed (o) to choose a due date.");
                return Vec::new();
            }
            let due = active.due_or_default(today);
            let step = if command == Command::DueLater { 1 } else { -1 };
            let next = due.checked_add(step.days()).unwrap_or(due).max(today);
            active.call.follow_up_due = Some(next);
        }
        Command::CycleStatus => {
            let current = active.customer.status;
            let next = match call.status_after {
                None => current.next(),
                Some(chosen) if chosen.next() == current => {
                    call.status_after = None;
                    return vec![Effect::UpdateCall(call.clone())];
                }
                Some(chosen) => chosen.next(),
            };
            call.status_after = Some(next);
        }
        Command::CycleReason => {
            call.reason = call.reason.next();
            if active.customer.do_not_contact && call.reason.is_proactive() {
                call.reason = crate::domain::CallReason::Inbound;
                state.warn("This customer asked not to be contacted: only inbound calls.");
                return Vec::new();
            }
            call.direction = call.reason.direction();
        }
        _ => return Vec::new(),
    }
    vec![Effect::UpdateCall(active.call.clone())]
}

pub(super) fn wrap_up(state: &mut State) -> Vec<Effect> {
    let now = state.clock.now;
    let today = state.clock.today();
    let Some(active) = &mut state.call else {
        state.warn("No call in progress to wrap up.");
        return Vec::new();
    };
    if active.call.road.is_none() {
        state.focus = Pane::Road;
        state.warn("Choose a road before wrapping up: 1 Learn, 2 Care, 3 Teach, 4 Go away.");
        return Vec::new();
    }
    let masked = mask_notes(active);
    let notes = active.text();
    let mut call = active.call.clone();
    call.ended_at = Some(now);
    call.tags = extract_tags(&notes);
    if call.outcome == Outcome::FollowUp && call.follow_up_due.is_none() {
        call.follow_up_due = Some(add_working_days(today, FOLLOW_UP_WORKING_DAYS));
    }
    let customer_name = active.customer.name.clone();
    let call_id = call.id;
    state.call = None;
    state.focus = Pane::Queue;
    state.info("Wrapping up…");
    if masked > 0 {
        state.warn("A card number was masked in the notes. Never write card numbers down.");
    }
    // Notes first, on their own, so they are safe even if the wrap-up is refused.
    vec![
        Effect::SaveNotes {
            call_id,
            text: notes.clone(),
        },
        Effect::WrapUp {
            call,
            notes,
            customer_name,
        },
    ]
}

pub(super) fn wrapped_up(
    state: &mut State,
    call: &Call,
    customer_name: &str,
    result: &WrapUpResult,
) -> Vec<Effect> {
    let name = sanitize_line(customer_name);
    let road = call.road.map(Road::label).unwrap_or_default();
    let mut text = format!("Call with {name} wrapped up: road {road}");
    if let Some(case) = &result.opened_case {
        text.push_str(&format!(
            ", follow-up case opened (due {})",
            case.due.strftime("%a %-d %b")
        ));
    }
    if result.closed_cases > 0 {
        text.push_str(&format!(", {} case(s) closed", result.closed_cases));
    }
    if result.status_changed
        && let Some(status) = call.status_after
    {
        text.push_str(&format!(", status now {}", status.as_str()));
    }
    text.push('.');
    state.info(text);
    state.queue.select_after_load = Some(call.customer_id);
    vec![Effect::LoadQueue, Effect::LoadContext(call.customer_id)]
}
