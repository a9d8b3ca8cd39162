//! A finished call opened read-only with its full notes and road history (audit trail):
//! the one view the Search view's results and the call's context panel both open. It
//! asks for the call's detail and shows it only when the answer is the one asked for.

use super::Effect;
use crate::domain::Id;
use crate::store::CallDetail;

#[derive(Default)]
pub struct ReadOnlyCall {
    /// The call shown.
    pub detail: Option<CallDetail>,
    /// Waiting for the detail of this call.
    pub opening: Option<Id>,
    /// Lines scrolled down.
    pub scroll: usize,
}

impl ReadOnlyCall {
    /// Whether a call is shown or on its way.
    pub fn is_open(&self) -> bool {
        self.detail.is_some() || self.opening.is_some()
    }

    /// Asks for `call_id`'s detail; what was shown goes.
    pub(super) fn open(&mut self, call_id: Id) -> Vec<Effect> {
        self.detail = None;
        self.opening = Some(call_id);
        self.scroll = 0;
        vec![Effect::LoadCallDetail(call_id)]
    }

    /// Takes `detail` when it is the call asked for; hands it back otherwise.
    pub(super) fn receive(&mut self, detail: CallDetail) -> Option<CallDetail> {
        if self.opening != Some(detail.call.id) {
            return Some(detail);
        }
        self.opening = None;
        self.detail = Some(detail);
        None
    }

    pub(super) fn close(&mut self) {
        self.detail = None;
        self.opening = None;
        self.scroll = 0;
    }

    /// Scrolls by `delta` lines, no further than the call's last line (so scrolling
    /// back never has to undo presses past the end).
    pub(super) fn scroll_by(&mut self, delta: isize) {
        // The lines above the notes and the headings: a bound, not an exact count
        // (the view also wraps long lines).
        const AROUND_NOTES: usize = 16;
        let last = self.detail.as_ref().map_or(0, |detail| {
            detail.notes.lines().count() + detail.audit.len() + AROUND_NOTES
        });
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}
