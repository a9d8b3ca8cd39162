//! The active call: the notes editor, autosave timing, and wrap-up. Its road pane (road,
//! sentiment, outcome, due date, status change, reason) is `road_pane`.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::notes_editor::NotesEditor;
use super::{Command, Effect, Pane, State};
use crate::domain::clock::add_working_days;
use crate::domain::text::{extract_tags, sanitize_line, sanitize_multiline};
use crate::domain::{Call, Case, Customer, Road};
use crate::store::{CustomerContext, WrapUpResult};

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
    pub resumed: bool,
    /// The customer's open cases when the call started (to link the call to one).
    pub open_cases: Vec<Case>,
    /// The customer's open cases and recent calls, shown beside the notes.
    pub context: Option<CustomerContext>,
    /// The context panel's selection and the past call opened from it.
    pub panel: super::call_context::Panel,
    /// Counts edits of the notes (and masking); a save names the revision it holds.
    revision: u64,
    /// The newest revision the store confirmed on disk.
    saved_revision: u64,
    /// Why the last save did not complete, while the notes are not saved.
    trouble: Option<SaveTrouble>,
    /// When to try again after a failed save.
    retry_at: Option<Timestamp>,
}

/// Why the notes are not on disk yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveTrouble {
    /// The store refused the write (disk full, I/O error); it is being retried.
    Failed,
    /// The store has not answered for a while.
    NotAnswering,
}

/// What the call header says about the notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotesStatus {
    /// Nothing typed in this session yet.
    Untouched,
    Saving,
    /// Exactly the text in the editor is on disk.
    Saved,
    NotSaved(SaveTrouble),
}

/// How long to wait before saving again after a failed save.
pub const SAVE_RETRY_MS: i64 = 1_000;

impl ActiveCall {
    pub fn new(call: Call, customer: Customer, notes: &str, resumed: bool) -> ActiveCall {
        ActiveCall {
            call,
            customer,
            notes: NotesEditor::new(&sanitize_multiline(notes)),
            dirty_since: None,
            last_edit: None,
            resumed,
            open_cases: Vec::new(),
            context: None,
            panel: Default::default(),
            revision: 0,
            saved_revision: 0,
            trouble: None,
            retry_at: None,
        }
    }

    /// The notes as one text: O(size), so for saving, not for every key.
    pub fn text(&self) -> String {
        self.notes.text()
    }

    pub fn edited(&mut self, now: Timestamp) {
        self.dirty_since.get_or_insert(now);
        self.last_edit = Some(now);
        self.revision += 1;
    }

    /// Edits not yet handed to the store.
    pub fn is_dirty(&self) -> bool {
        self.dirty_since.is_some()
    }

    /// The edit count of the text in the editor.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// "notes saved" only when the store confirmed this very revision.
    pub fn notes_status(&self) -> NotesStatus {
        if self.revision == 0 {
            NotesStatus::Untouched
        } else if self.saved_revision == self.revision {
            NotesStatus::Saved
        } else if let Some(trouble) = self.trouble {
            NotesStatus::NotSaved(trouble)
        } else {
            NotesStatus::Saving
        }
    }

    pub fn autosave_deadline(&self) -> Option<Timestamp> {
        let typed = match (self.last_edit, self.dirty_since) {
            (Some(last), Some(first)) => Some(
                (last + SignedDuration::from_millis(AUTOSAVE_QUIET_MS))
                    .min(first + SignedDuration::from_millis(AUTOSAVE_MAX_MS)),
            ),
            _ => None,
        };
        match (typed, self.retry_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The store confirmed `revision` on disk. True when that ends a failure.
    pub fn saved(&mut self, revision: u64) -> bool {
        self.saved_revision = self.saved_revision.max(revision);
        if self.saved_revision == self.revision && self.trouble.take().is_some() {
            self.retry_at = None;
            return true;
        }
        false
    }

    /// A save of `revision` failed (or the store stopped answering): try again soon, while
    /// the editor holds text the store has not confirmed.
    pub fn not_saved(&mut self, revision: u64, trouble: SaveTrouble, now: Timestamp) {
        if revision <= self.saved_revision || self.saved_revision == self.revision {
            return;
        }
        self.trouble = Some(trouble);
        if trouble == SaveTrouble::Failed {
            self.retry_at = Some(now + SignedDuration::from_millis(SAVE_RETRY_MS));
        }
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
    open_cases: Vec<Case>,
    parked: Option<String>,
) -> Vec<Effect> {
    let name = sanitize_line(&customer.name).into_owned();
    let customer_id = customer.id;
    let mut effects = Vec::new();
    let mut active = ActiveCall::new(call, customer, notes, resumed);
    active.open_cases = open_cases;
    // The context of the call's customer, never the queue's selection (it may move).
    active.context = state
        .context
        .clone()
        .filter(|context| context.customer.id == customer_id);
    state.call = Some(active);
    state.focus = Pane::Notes;
    state.view = super::View::Agent;
    // The queue shows who is on the line, even when a wrap-up just before asked for
    // its own customer.
    state.queue.select_after_load = Some(customer_id);
    // The keys come from the keymap when the message is drawn (`{key}`).
    state.info_keys(
        if resumed {
            format!("Resumed the open call with {name}. Keep typing; {{key}} wraps up.")
        } else {
            format!("Call with {name} started. Type notes, choose the road; {{key}} wraps up.")
        },
        &[Command::WrapUp],
    );
    if let Some(parked) = parked {
        state.warn(format!(
            "Call with {name} started; the call with {parked} is parked (call open in the queue)."
        ));
    }
    effects.extend([Effect::LoadQueue, Effect::LoadContext(customer_id)]);
    effects
}

/// Saves unsaved notes now (masking card numbers first).
pub(super) fn autosave(state: &mut State) -> Vec<Effect> {
    let Some(active) = &mut state.call else {
        return Vec::new();
    };
    if !active.is_dirty() && active.retry_at.is_none() {
        return Vec::new();
    }
    active.dirty_since = None;
    active.last_edit = None;
    active.retry_at = None;
    let masked = mask_notes(active);
    if masked > 0 {
        active.revision += 1;
    }
    let effects = vec![Effect::SaveNotes {
        call_id: active.call.id,
        text: active.text(),
        revision: active.revision,
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

pub(super) fn wrap_up(state: &mut State) -> Vec<Effect> {
    let now = state.clock.now;
    let today = state.clock.today();
    // What the notes read like, recorded only to tell later how often it matched.
    let suggested_road = state.road_hint.shown_road();
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
    let revision = active.revision + u64::from(masked > 0);
    let mut call = active.call.clone();
    call.ended_at = Some(now);
    call.suggested_road = suggested_road;
    call.tags = extract_tags(&notes);
    if call.outcome.owes_follow_up() && call.follow_up_due.is_none() {
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
            revision,
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
    if let Some(case) = &result.updated_case {
        text.push_str(&format!(
            ", on its open case (due {})",
            case.due.strftime("%a %-d %b")
        ));
    }
    if result.closed_cases > 0 {
        text.push_str(&format!(
            ", {} closed",
            crate::domain::text::plural(result.closed_cases as u64, "case", "cases")
        ));
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
