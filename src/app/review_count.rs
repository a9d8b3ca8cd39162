//! How many calls match the review list's filters, counted off the UI task: the store
//! answers from its daily tallies at once, or reads the calls a stretch at a time, and
//! each stretch asks for the next. A generation number drops a count whose filters have
//! changed since; until the count is complete the list says "counting…".

use super::{Effect, State};
use crate::store::PageCursor;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchCountState {
    pub generation: u64,
    /// Matches counted so far.
    pub counted: u64,
    /// The count is complete.
    pub done: bool,
}

impl MatchCountState {
    /// The number of matching calls once it is known.
    pub fn total(&self) -> Option<u64> {
        self.done.then_some(self.counted)
    }
}

/// Forgets the count and asks for a new one for the current filters.
pub(super) fn restart(state: &mut State) -> Vec<Effect> {
    let count = &mut state.review.count;
    count.generation += 1;
    count.counted = 0;
    count.done = false;
    vec![Effect::CountReviewMatches {
        query: state.review.filters.query(state.clock.today()),
        after: None,
        generation: count.generation,
    }]
}

/// A stretch of the count arrived: add it, and ask for the next one if there is more.
pub(super) fn counted(
    state: &mut State,
    matches: u64,
    next: Option<PageCursor>,
    generation: u64,
) -> Vec<Effect> {
    let count = &mut state.review.count;
    if generation != count.generation || count.done {
        return Vec::new();
    }
    count.counted += matches;
    match next {
        None => {
            count.done = true;
            Vec::new()
        }
        after => vec![Effect::CountReviewMatches {
            query: state.review.filters.query(state.clock.today()),
            after,
            generation,
        }],
    }
}
