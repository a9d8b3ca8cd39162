//! The road suggestion as the app shows it: the model built from the store's confirmed
//! calls (off the UI task, rebuilt after a review is saved), the suggestion for the
//! active call's notes (recomputed only when the notes changed), and where its cue words
//! sit in the editor so the notes pane can mark them. It never sets a road.

use std::collections::HashMap;

use crate::domain::roads::{MIN_PER_ROAD, ROADS, RoadModel, Suggestion, still_needed};
use crate::domain::{Call, Id, Road};

use super::{Effect, State};

/// Notes longer than this are read from their start only, so a huge paste cannot make
/// typing slow (a normal note is a few hundred bytes).
pub const MAX_READ: usize = 16 * 1024;

/// Notes up to this size are read again on every change (well under a millisecond, see
/// BENCHMARKS.md); longer ones when typing pauses (the autosave moment), so a long note
/// never slows a keystroke.
pub const QUICK_READ: usize = 4 * 1024;

/// The model and the suggestion for the call in progress.
#[derive(Debug, Default)]
pub struct RoadHint {
    model: Option<RoadModel>,
    /// Confirmed calls per road in the store when the model was built.
    pub per_road: [u32; ROADS],
    /// Whether a build has been asked for and its answer is still due.
    building: bool,
    /// A review was saved while a build ran: build again when it is done.
    rebuild: bool,
    /// Whether a build has answered yet (before, the counts per road are unknown).
    built_once: bool,
    generation: u64,
    /// The call and notes revision `current` was computed for.
    read: Option<(Id, u64)>,
    pub current: Option<Suggestion>,
    /// Cue words in the editor: (line, start byte, end byte).
    pub marks: Vec<(usize, usize, usize)>,
    /// Review view: calls whose notes read like another road come first.
    pub disagree_first: bool,
    /// Review view: what each listed call's notes read like (computed once per call).
    row_reads: HashMap<Id, Option<Road>>,
    /// Review view: the suggestion for the call in the detail pane.
    pub detail: Option<(Id, Suggestion)>,
    /// Dashboard: of the period's reviewed calls that had a suggestion at wrap-up, how
    /// many the lead put on the suggested road: (agreed, compared).
    pub agreement: Option<(u64, u64)>,
    agreement_generation: u64,
}

/// What the road pane says about the suggestion.
#[derive(Clone, Debug, PartialEq)]
pub enum HintLine {
    /// The model is being built from the store.
    Learning,
    /// Some roads still need confirmed calls: (road, how many more).
    NeedsMore(Vec<(Road, u32)>),
    /// Nothing in the notes the model knows yet.
    NothingYet,
    Reads(Suggestion),
}

impl RoadHint {
    /// The one line the road pane shows.
    pub fn line(&self) -> HintLine {
        if !self.built_once {
            return HintLine::Learning;
        }
        let needed = still_needed(self.per_road);
        if !needed.is_empty() || self.model.is_none() {
            return HintLine::NeedsMore(if needed.is_empty() {
                Road::ALL.iter().map(|r| (*r, MIN_PER_ROAD)).collect()
            } else {
                needed
            });
        }
        match &self.current {
            Some(suggestion) => HintLine::Reads(suggestion.clone()),
            None => HintLine::NothingYet,
        }
    }

    /// The road the suggestion shows now, if it shows one.
    pub fn shown_road(&self) -> Option<Road> {
        match self.line() {
            HintLine::Reads(suggestion) => Some(suggestion.road),
            _ => None,
        }
    }

    /// The model in use, once built from enough confirmed calls.
    pub fn model(&self) -> Option<&RoadModel> {
        self.model.as_ref()
    }
}

/// Asks for the model to be built (at start-up, after a review is saved). One build at a
/// time: a request while one runs is remembered and made when it ends.
pub fn build(state: &mut State) -> Vec<Effect> {
    let hint = &mut state.road_hint;
    if hint.building {
        hint.rebuild = true;
        return Vec::new();
    }
    hint.building = true;
    hint.generation += 1;
    vec![Effect::BuildRoadModel {
        generation: hint.generation,
    }]
}

/// The store's answer: counts per road, and the model when every road has enough.
pub fn built(
    state: &mut State,
    model: Option<Box<RoadModel>>,
    per_road: [u32; ROADS],
    generation: u64,
) -> Vec<Effect> {
    let hint = &mut state.road_hint;
    if generation != hint.generation {
        return Vec::new();
    }
    hint.building = false;
    hint.built_once = true;
    hint.per_road = per_road;
    hint.model = model.map(|m| *m);
    hint.read = None;
    hint.row_reads.clear();
    hint.detail = None;
    refresh(state, true);
    order_review_rows(state);
    if std::mem::take(&mut state.road_hint.rebuild) {
        return build(state);
    }
    Vec::new()
}

/// Recomputes the suggestion when the active call's notes changed since the last time
/// (a cheap comparison per action; the model runs only on a change). `paused`: typing
/// has stopped, so long notes are read too.
pub fn refresh(state: &mut State, paused: bool) {
    let hint = &mut state.road_hint;
    let Some(active) = &state.call else {
        if hint.read.is_some() {
            hint.read = None;
            hint.current = None;
            hint.marks.clear();
        }
        return;
    };
    let key = (active.call.id, active.revision());
    if hint.read == Some(key) {
        return;
    }
    let same_call = hint.read.is_some_and(|(id, _)| id == key.0);
    if same_call && !paused && active.notes.len() > QUICK_READ {
        return;
    }
    hint.read = Some(key);
    hint.current = None;
    hint.marks.clear();
    let Some(model) = &hint.model else {
        return;
    };
    let mut text = active.text();
    if text.len() > MAX_READ {
        let mut cut = MAX_READ;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let Some(suggestion) = model.suggest(&text) else {
        return;
    };
    hint.marks = editor_marks(&text, &suggestion);
    hint.current = Some(suggestion);
}

/// Cue spans in the joined text turned into (line, start, end) of the editor's lines.
fn editor_marks(text: &str, suggestion: &Suggestion) -> Vec<(usize, usize, usize)> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut marks = Vec::new();
    for cue in &suggestion.cues {
        for span in &cue.spans {
            let line = starts
                .partition_point(|s| *s <= span.start)
                .saturating_sub(1);
            let base = starts[line];
            // A word pair never crosses a line break (a line ends a clause).
            marks.push((line, span.start - base, span.end - base));
        }
    }
    marks.sort_unstable();
    marks
}

/// The road a call's notes are compared with in the Review view: the lead's when reviewed,
/// else the agent's — unless blind review hides it from this lead (ordering by it would
/// give it away).
fn compared_road(state: &State, call: &Call) -> Option<Road> {
    match &call.review {
        Some(review) if !state.hides_agent_road(call) => Some(review.road),
        Some(_) => None,
        None if state.hides_agent_road(call) => None,
        None => call.road,
    }
}

/// The road a listed call's notes read like, when it differs from the call's road.
pub fn row_disagrees(state: &State, call: &Call) -> Option<Road> {
    let read = (*state.road_hint.row_reads.get(&call.id)?)?;
    (compared_road(state, call).is_some_and(|road| road != read)).then_some(read)
}

/// Reads the notes of listed calls not read yet, then (when asked) puts the calls whose
/// notes disagree with their road first, keeping the selected call selected. Runs when a
/// page arrives or the model changes, never per keystroke.
pub fn order_review_rows(state: &mut State) {
    let Some(model) = &state.road_hint.model else {
        return;
    };
    for row in &state.review.calls.rows {
        state
            .road_hint
            .row_reads
            .entry(row.call.id)
            .or_insert_with(|| model.suggest(&row.notes_start).map(|s| s.road));
    }
    if !state.road_hint.disagree_first {
        return;
    }
    let selected = state.review.selected_call().map(|c| c.id);
    let flags: HashMap<Id, bool> = state
        .review
        .calls
        .rows
        .iter()
        .map(|row| (row.call.id, row_disagrees(state, &row.call).is_some()))
        .collect();
    let rows = &mut state.review.calls.rows;
    rows.sort_by_key(|row| !flags.get(&row.call.id).copied().unwrap_or(false));
    if let Some(id) = selected
        && let Some(at) = rows.iter().position(|r| r.call.id == id)
    {
        state.review.calls.selected = at;
    }
}

/// How many of the newest calls matching the filters "notes disagree first" looks at:
/// pages are fetched until this many are loaded (the list is keyset-paged by time).
pub const DISAGREE_SCOPE: usize = 500;

/// The lead's toggle: calls whose notes disagree with their road first, or time order.
pub fn toggle_disagree_first(state: &mut State) -> Vec<Effect> {
    if state.road_hint.model.is_none() {
        state.road_hint.disagree_first = false;
        state.warn(format!(
            "The suggestion needs {MIN_PER_ROAD} reviews of each road before it can compare notes with roads."
        ));
        return Vec::new();
    }
    state.road_hint.disagree_first = !state.road_hint.disagree_first;
    if !state.road_hint.disagree_first {
        // Back to time order: the list is loaded again.
        return super::review::reload_calls(state);
    }
    state.review.calls.selected = 0;
    state.review.calls.offset = 0;
    review_page_loaded(state)
}

/// A page of the review list arrived (or the order was asked for): read it, order it,
/// and while ordering by disagreement fetch more until `DISAGREE_SCOPE` calls are in.
pub fn review_page_loaded(state: &mut State) -> Vec<Effect> {
    let at_top = state.review.calls.selected == 0;
    order_review_rows(state);
    if !state.road_hint.disagree_first {
        return Vec::new();
    }
    if at_top {
        state.review.calls.selected = 0;
        state.review.calls.offset = 0;
    }
    let loaded = state.review.calls.rows.len();
    let disagreeing = state
        .review
        .calls
        .rows
        .iter()
        .filter(|row| row_disagrees(state, &row.call).is_some())
        .count();
    // A blind lead's unreviewed calls have no road to compare with: say so, or a 0 would
    // read as "the notes all agree".
    let blind = if state.review.blind {
        " (blind review: calls you have not reviewed are not compared)"
    } else {
        ""
    };
    state.info(format!(
        "{disagreeing} of the {loaded} newest calls have notes that read like another road; they come first{blind}."
    ));
    let mut effects = super::review::detail_for_selection(state);
    if loaded < DISAGREE_SCOPE && !state.review.calls.loading {
        effects.extend(super::review::more_calls_now(state, true));
    }
    effects
}

/// The detail pane's call arrived: what its notes read like.
pub fn detail_loaded(state: &mut State) {
    let hint = &mut state.road_hint;
    hint.detail = None;
    let (Some(model), Some(detail)) = (&hint.model, &state.review.detail) else {
        return;
    };
    let notes = crate::store::reports::notes_start(&detail.notes);
    if let Some(suggestion) = model.suggest(&notes) {
        hint.detail = Some((detail.call.id, suggestion));
    }
}

/// The dashboard's figures arrived: count, off the UI task, how often the suggestion
/// recorded at wrap-up matched the lead's road over the same period.
pub fn count_agreement(state: &mut State) -> Vec<Effect> {
    let (from, to) = state.dashboard.period.range(state.clock.today());
    let hint = &mut state.road_hint;
    hint.agreement_generation += 1;
    hint.agreement = None;
    vec![Effect::CountSuggestionAgreement {
        from,
        to,
        generation: hint.agreement_generation,
    }]
}

/// The count's answer (an older period's is dropped).
pub fn agreement_counted(state: &mut State, agreed: u64, compared: u64, generation: u64) {
    if generation == state.road_hint.agreement_generation {
        state.road_hint.agreement = Some((agreed, compared));
    }
}
