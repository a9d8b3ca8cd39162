//! A lead's review of one call in the Review view: the road picked (blind first, so
//! nothing of the agent's road is shown before it is saved), the reason owed when it
//! differs, comments, and the agent's acknowledgement of the review.

use super::overlay::{Prompt, PromptPurpose};
use super::review::ReviewTab;
use super::review_count;
use super::{Effect, Overlay, State, lead_only};
use crate::domain::call::Role;
use crate::domain::{Call, Id, Road};

/// A review or acknowledgement was saved: the row and the detail show it. A blind pick
/// that differs from the agent's road asks for the reason at once (the road is saved, so
/// the agent's road may be shown now).
pub(super) fn review_saved(state: &mut State, call: Call) -> Vec<Effect> {
    if let Some(row) = state
        .review
        .calls
        .rows
        .iter_mut()
        .find(|r| r.call.id == call.id)
    {
        row.call = call.clone();
    }
    if let Some(review) = &call.review {
        if review.acknowledged_at.is_some() && state.role == Role::Agent {
            state.info("Acknowledged: your lead will see that you have read the review.");
        } else if crate::domain::review::reason_owed(&call) && review.lead == state.agent {
            ask_reason(state, &call, review.road, "");
            state.info(format!(
                "Saved your road {}. {} chose {}: say why yours differs.",
                review.road,
                call.agent,
                road_text(call.road)
            ));
        } else {
            let verdict = if call.road == Some(review.road) {
                format!("you agree with {} ({})", call.agent, road_text(call.road))
            } else {
                format!(
                    "{} chose {}; reason recorded",
                    call.agent,
                    road_text(call.road)
                )
            };
            state.info(format!(
                "Reviewed: {}, {verdict}. n: next unreviewed · c: comment",
                review.road
            ));
        }
    }
    state.review.detail = None;
    // The review may take the call out of the filters' matches (unreviewed only).
    let mut effects = vec![Effect::LoadCallDetail(call.id)];
    effects.extend(review_count::restart(state));
    effects
}

fn road_text(road: Option<Road>) -> String {
    road.map_or("no road".into(), |r| r.to_string())
}

/// The prompt for the reason of a road that differs from the agent's (only ever opened
/// once the agent's road may be shown to this lead).
fn ask_reason(state: &mut State, call: &Call, road: Road, comment: &str) {
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::Review {
            call_id: call.id,
            road,
            required: true,
        },
        format!(
            "You chose {road}; {} chose {}. Why?",
            call.agent,
            road_text(call.road)
        ),
        "A reason is required when your road differs; closed without one, it stays owed",
        comment,
    ))));
}

pub(super) fn set_road(state: &mut State, road: Road) -> Vec<Effect> {
    if state.review.tab != ReviewTab::Calls {
        // Alt-1…Alt-4 work everywhere: in the case list they set the active call's road.
        if state.call.is_some() {
            return super::road_pane::set_road(state, road);
        }
        state.info("Roads are chosen for calls: o goes back to the list of calls.");
        return Vec::new();
    }
    if !lead_only(state, "review calls (a acknowledges a review of your call)") {
        return Vec::new();
    }
    let Some(call) = state.review.selected_call().cloned() else {
        state.warn("No call is selected.");
        return Vec::new();
    };
    if call.agent == state.agent {
        state.warn("This is your own call: another lead reviews it.");
        return Vec::new();
    }
    if call.is_open() {
        state.warn("This call is still going on; review it once it has been wrapped up.");
        return Vec::new();
    }
    let leads = state
        .review
        .calls
        .selected_row()
        .map(|row| row.leads.clone())
        .unwrap_or_default();
    if state
        .viewer()
        .hides_agent_road_among(&call, leads.iter().map(String::as_str))
    {
        // The blind pick: saved before anything about the agent's road is shown.
        return vec![Effect::SaveReview {
            call_id: call.id,
            road,
            comment: String::new(),
            lead: state.agent.clone(),
            blind_pick: true,
        }];
    }
    // The lead's own comment, never another lead's.
    let comment = own_review(state, &call)
        .map(|r| r.comment)
        .unwrap_or_default();
    if call.road == Some(road) {
        return vec![Effect::SaveReview {
            call_id: call.id,
            road,
            comment,
            lead: state.agent.clone(),
            blind_pick: false,
        }];
    }
    ask_reason(state, &call, road, &comment);
    Vec::new()
}

pub(super) fn comment(state: &mut State) -> Vec<Effect> {
    if !lead_only(state, "comment on reviews") {
        return Vec::new();
    }
    let Some(call) = state.review.selected_call().cloned() else {
        return Vec::new();
    };
    let Some(review) = own_review(state, &call) else {
        state.warn("Choose your road first (1–4); then c adds a comment.");
        return Vec::new();
    };
    let required = call.road != Some(review.road);
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::Review {
            call_id: call.id,
            road: review.road,
            required,
        },
        format!(
            "Comment on the review of {} call",
            crate::domain::text::possessive(&call.agent)
        ),
        if required {
            "Your road differs from the agent's, so the comment is the reason"
        } else {
            "Optional"
        },
        &review.comment,
    ))));
    Vec::new()
}

/// Every lead's review of `call`, when its detail has been read.
fn detail_reviews<'a>(state: &'a State, call: &Call) -> &'a [crate::domain::review::LeadReview] {
    match &state.review.detail {
        Some(detail) if detail.call.id == call.id => &detail.reviews,
        _ => &[],
    }
}

/// This lead's own review of `call`: the one it shows, or one a later review by another
/// lead replaced there.
fn own_review(state: &State, call: &Call) -> Option<crate::domain::Review> {
    call.review
        .iter()
        .chain(detail_reviews(state, call).iter().map(|r| &r.review))
        .find(|r| r.lead == state.agent)
        .cloned()
}

pub(super) fn acknowledge(state: &mut State) -> Vec<Effect> {
    let Some(call) = state.review.selected_call().cloned() else {
        return Vec::new();
    };
    if call.agent != state.agent {
        state.warn(format!(
            "Only {} can acknowledge the review of this call.",
            call.agent
        ));
        return Vec::new();
    }
    match &call.review {
        None => {
            state.warn("No lead has reviewed this call yet.");
            Vec::new()
        }
        Some(review) if review.acknowledged_at.is_some() => {
            state.info("You have already acknowledged this review.");
            Vec::new()
        }
        Some(_) => vec![Effect::AcknowledgeReview {
            call_id: call.id,
            agent: state.agent.clone(),
        }],
    }
}

/// A lead's review comment: saved, or why not.
pub(super) fn save_review(
    state: &State,
    call_id: Id,
    road: Road,
    required: bool,
    text: String,
) -> Result<Vec<Effect>, String> {
    if required && text.is_empty() {
        return Err("A reason is required: your road differs from the agent's.".into());
    }
    Ok(vec![Effect::SaveReview {
        call_id,
        road,
        comment: text,
        lead: state.agent.clone(),
        blind_pick: false,
    }])
}

/// A review prompt was closed without saving. A blind pick that differs is already saved
/// with its reason owed; anything else was not saved.
pub(super) fn prompt_cancelled(state: &mut State, purpose: &PromptPurpose) {
    let PromptPurpose::Review {
        call_id,
        required: true,
        ..
    } = purpose
    else {
        return;
    };
    let owed = state
        .review
        .calls
        .rows
        .iter()
        .find(|r| r.call.id == *call_id)
        .is_some_and(|r| crate::domain::review::reason_owed(&r.call));
    if owed {
        state.warn("Your road is saved; the reason is still owed: add it as the comment.");
    } else {
        state.warn("Not saved: a road other than the agent's needs a reason.");
    }
}
