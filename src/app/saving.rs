//! What the store says back about saving: notes confirmed (for one edit revision), a
//! failed save (retried while the notes differ from what is on disk), and the
//! watchdog's word that some store work has not finished.

use super::call::{NotesStatus, SaveTrouble};
use super::{Effect, State};
use crate::domain::Id;

pub(super) fn saved(state: &mut State, call_id: Id, revision: u64) -> Vec<Effect> {
    if let Some(call) = state.call.as_mut().filter(|c| c.call.id == call_id)
        && call.saved(revision)
    {
        state.info("The notes are saved again; nothing typed was lost.");
    }
    Vec::new()
}

pub(super) fn not_saved(
    state: &mut State,
    call_id: Id,
    revision: u64,
    reason: &str,
) -> Vec<Effect> {
    let now = state.clock.now;
    match state.call.as_mut().filter(|c| c.call.id == call_id) {
        Some(call) => {
            call.not_saved(revision, SaveTrouble::Failed, now);
            if call.notes_status() == NotesStatus::NotSaved(SaveTrouble::Failed) {
                state.error(format!(
                    "The notes are NOT saved ({reason}); retrying every second. Keep this window open."
                ));
            }
        }
        None => state.error(format!(
            "The notes of the call just left are NOT saved ({reason}); resuming the call brings them back, and quitting writes them to a rescue file."
        )),
    }
    Vec::new()
}

pub(super) fn store_slow(state: &mut State, what: &str, seconds: u64, writes: bool) -> Vec<Effect> {
    let now = state.clock.now;
    if writes && let Some(call) = &mut state.call {
        let revision = call.revision();
        call.not_saved(revision, SaveTrouble::NotAnswering, now);
    }
    state.warn(if writes {
        format!(
            "{what} has not finished after {seconds} s: the disk may be full or stuck. What you type is kept; Ctrl-Q still quits."
        )
    } else {
        format!(
            "{what} has not finished after {seconds} s: the store may be damaged or the work too large. Saving goes on; Ctrl-Q still quits."
        )
    });
    Vec::new()
}
