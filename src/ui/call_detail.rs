//! One call read-only, as the Review detail pane and a call opened from search or the
//! customer's history show it: customer, times, roads, the review it shows and the other
//! leads' reviews, tags, notes and road changes. In blind review the agent's road, and
//! every lead's road beside it, stay hidden until the lead has chosen a road.

use ratatui::text::{Line, Span};

use super::{Theme, safe};
use crate::app::State;
use crate::domain::call::sentiment_word;
use crate::domain::call::{AuditEntry, format_duration};
use crate::domain::{Call, Outcome};

/// A call read-only: customer, times, sentiment and outcome, roads (the agent's hidden
/// from a lead in blind review), tags, the full notes and the road changes.
pub(super) fn call_detail_lines<'a>(
    call: &Call,
    detail: &crate::store::CallDetail,
    state: &State,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let hidden = state
        .viewer()
        .hides_agent_road_among(call, detail.reviews.iter().map(|r| r.review.lead.as_str()));
    let clock = &state.clock;
    let mut lines = Vec::new();
    let customer = detail.customer.as_ref();
    lines.push(Line::from(vec![
        Span::styled(
            safe(customer.map_or("(customer removed)", |c| c.name.as_str())).into_owned(),
            theme.heading,
        ),
        Span::raw(customer.map_or(String::new(), |c| format!(" · {}", c.status.as_str()))),
    ]));
    let duration = call
        .ended_at
        .map(|end| format_duration((end - call.started_at).get_seconds()))
        .unwrap_or_else(|| "still open".into());
    lines.push(Line::raw(format!(
        "{} · {} · {} · {} call, reason: {}",
        call.agent,
        clock.date_time(call.started_at),
        duration,
        call.direction.as_str(),
        call.reason.as_str()
    )));
    let outcome = match (call.outcome, call.follow_up_due) {
        (Outcome::FollowUp, Some(due)) => format!("follow-up needed, due {due}"),
        (outcome, _) => outcome.as_str().to_string(),
    };
    lines.push(Line::raw(format!(
        "Sentiment {:+} {} · {}",
        call.sentiment,
        sentiment_word(call.sentiment),
        outcome
    )));
    // Road keys review a call only in the Review view; elsewhere they are the active
    // call's, so the hidden road does not point at them.
    let reviewing = state.view == crate::app::View::Review;
    lines.push(road_line(call, hidden, reviewing, theme));
    lines.extend(review_lines(call, hidden, state, theme));
    if !hidden {
        lines.extend(other_review_lines(call, &detail.reviews, state, theme));
    }
    if let Some((id, suggestion)) = &state.road_hint.detail
        && *id == call.id
    {
        lines.push(super::road_hint::detail_line(suggestion, theme));
    }
    if !call.tags.is_empty() {
        let tags: Vec<String> = call.tags.iter().map(|t| format!("#{}", safe(t))).collect();
        lines.push(Line::styled(
            format!("Tags {}", tags.join(" ")),
            theme.highlight,
        ));
    }
    lines.push(Line::styled("Notes", theme.heading));
    if detail.notes.trim().is_empty() {
        lines.push(Line::styled("  (no notes)", theme.dim));
    }
    for text in detail.notes.lines() {
        lines.push(note_line(text, theme));
    }
    lines.push(Line::styled("Road changes", theme.heading));
    lines.extend(audit_lines(&detail.audit, hidden, state, theme));
    lines
}

fn road_line<'a>(call: &Call, hidden: bool, reviewing: bool, theme: &Theme) -> Line<'a> {
    match (hidden, call.road) {
        (true, _) => Line::from(vec![
            Span::raw("Agent's road: "),
            Span::styled(
                if reviewing {
                    "hidden until you choose (blind review) · 1–4"
                } else {
                    "hidden until you review it (blind review)"
                },
                theme.attention,
            ),
        ]),
        (false, Some(road)) => Line::from(vec![
            Span::raw("Agent's road: "),
            Span::styled(road.label(), theme.road(road)),
        ]),
        (false, None) => Line::raw("Agent's road: none"),
    }
}

fn review_lines<'a>(call: &Call, hidden: bool, state: &State, theme: &Theme) -> Vec<Line<'a>> {
    let Some(review) = &call.review else {
        return vec![Line::styled(
            "Lead's road: not reviewed yet",
            theme.attention,
        )];
    };
    if hidden {
        return vec![Line::styled(
            format!(
                "Lead's road: reviewed by {}; yours is still to choose (1–4)",
                safe(&review.lead)
            ),
            theme.attention,
        )];
    }
    let verdict = if call.road == Some(review.road) {
        "agrees"
    } else {
        "differs"
    };
    let mut lines = vec![Line::from(vec![
        Span::raw("Lead's road: "),
        Span::styled(review.road.label(), theme.road(review.road)),
        Span::raw(format!(
            " ({verdict}) by {} on {}",
            safe(&review.lead),
            state.clock.date_time(review.at)
        )),
    ])];
    if !review.comment.is_empty() {
        lines.push(Line::raw(format!("  “{}”", safe(&review.comment))));
    } else if crate::domain::review::reason_owed(call) {
        // Only the lead who chose the road owes the reason; anyone else (the agent, on
        // their workstation once the blind pick has travelled) is told who owes it.
        let owed_here = state.role == crate::domain::call::Role::Lead && review.lead == state.agent;
        lines.push(Line::styled(
            if owed_here {
                "  Reason owed: your road differs and no reason is given yet (c adds it)".into()
            } else {
                format!(
                    "  Reason owed: {} has not yet said why their road differs",
                    safe(&review.lead)
                )
            },
            theme.warning,
        ));
    }
    lines.push(Line::styled(
        match review.acknowledged_at {
            Some(at) => format!("Seen by {} on {}", call.agent, state.clock.date_time(at)),
            None => format!("Not yet acknowledged by {}", call.agent),
        },
        theme.dim,
    ));
    lines
}

/// The other leads' reviews of the call, latest first (the one it shows is above). Never
/// drawn while the agent's road is hidden: another lead's road beside it would give it
/// away.
fn other_review_lines<'a>(
    call: &Call,
    reviews: &[crate::domain::review::LeadReview],
    state: &State,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let shown = call.review.as_ref().map(|r| r.lead.as_str());
    let others: Vec<_> = crate::domain::review::latest_first(call.review.as_ref(), reviews)
        .into_iter()
        .filter(|r| Some(r.review.lead.as_str()) != shown)
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled("Earlier reviews, latest first", theme.dim)];
    for other in others {
        let review = &other.review;
        let verdict = if call.road == Some(review.road) {
            "agrees"
        } else {
            "differs"
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {}: ", safe(&review.lead))),
            Span::styled(review.road.label(), theme.road(review.road)),
            Span::raw(format!(
                " ({verdict}) on {}",
                state.clock.date_time(review.at)
            )),
        ]));
        if !review.comment.is_empty() {
            lines.push(Line::raw(format!("    “{}”", safe(&review.comment))));
        }
    }
    lines
}

/// A line of notes with its `>` story or `#tags` highlighted.
fn note_line<'a>(text: &str, theme: &Theme) -> Line<'a> {
    let text = safe(text).into_owned();
    if text.trim_start().starts_with('>') {
        return Line::styled(format!("  {text}"), theme.highlight);
    }
    let mut spans = vec![Span::raw("  ")];
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        if word.starts_with('#') && word.len() > 1 {
            spans.push(Span::styled(word.to_string(), theme.highlight));
        } else {
            spans.push(Span::raw(word.to_string()));
        }
    }
    Line::from(spans)
}

pub(super) fn audit_lines<'a>(
    audit: &[AuditEntry],
    hidden: bool,
    state: &State,
    theme: &Theme,
) -> Vec<Line<'a>> {
    if audit.is_empty() {
        return vec![Line::styled("  (none)", theme.dim)];
    }
    audit
        .iter()
        .map(|entry| {
            let about_roads = entry.what.is_about_roads();
            let change = if hidden && about_roads {
                "hidden until you choose".to_string()
            } else {
                format!(
                    "{} → {}",
                    entry.old.as_deref().unwrap_or("—"),
                    entry.new.as_deref().unwrap_or("—")
                )
            };
            let reason = if entry.reason.is_empty() || (hidden && about_roads) {
                String::new()
            } else {
                format!(" “{}”", safe(&entry.reason))
            };
            Line::raw(format!(
                "  {} {} ({}) {}: {}{}",
                state.clock.date_time(entry.at),
                safe(&entry.who),
                entry.role.as_str(),
                entry.what,
                safe(&change),
                reason
            ))
        })
        .collect()
}
