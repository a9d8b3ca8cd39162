//! The active call: header (customer, status, reason, running timer), the notes editor,
//! the road pane and the customer's context (ui/call_context.rs).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::call_context;
use super::queue::pad;
use super::{Theme, pane_block, safe};
use crate::app::{ActiveCall, NotesStatus, Pane, SaveTrouble, State};
use crate::domain::call::format_duration;
use crate::domain::{Outcome, Road};

pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    active: &ActiveCall,
    theme: &Theme,
) {
    let [header, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(4)]).areas(area);
    render_header(frame, header, state, active, theme);
    if crate::app::call_context::viewing_past_call(state) {
        // The call goes on above (header, timer); its notes wait untouched below this.
        super::call_view::render(
            frame,
            body,
            state,
            &active.panel.past,
            "Past call (read-only)",
            Pane::Context,
            theme,
        );
        return;
    }
    let show = crate::app::call_context::shown(state);
    // The road pane keeps its place when focused; a context panel that has no room of
    // its own stands in for it otherwise.
    let instead_of_road = show && state.focus != Pane::Road;
    if body.width >= 100 {
        let side = if show && body.width >= 130 { 60 } else { 46 };
        let [notes, side] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(side)]).areas(body);
        render_notes(frame, notes, state, active, theme);
        if show && side.height >= ROAD_HEIGHT + 4 {
            let [road, context] =
                Layout::vertical([Constraint::Length(ROAD_HEIGHT), Constraint::Min(4)]).areas(side);
            render_road(frame, road, state, active, theme);
            call_context::render(frame, context, state, active, theme, false);
        } else if instead_of_road {
            call_context::render(frame, side, state, active, theme, true);
        } else {
            render_road(frame, side, state, active, theme);
        }
    } else if show && body.height >= ROAD_HEIGHT + 14 {
        // Notes keep at least half of what the road leaves.
        let context = ((body.height - ROAD_HEIGHT) / 2)
            .min(12)
            .min(call_context::wanted_rows(active));
        let [notes, context, road] = Layout::vertical([
            Constraint::Min(7),
            Constraint::Length(context),
            Constraint::Length(ROAD_HEIGHT),
        ])
        .areas(body);
        render_notes(frame, notes, state, active, theme);
        call_context::render(frame, context, state, active, theme, false);
        render_road(frame, road, state, active, theme);
    } else {
        let [notes, road] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(ROAD_HEIGHT)]).areas(body);
        render_notes(frame, notes, state, active, theme);
        if instead_of_road {
            call_context::render(frame, road, state, active, theme, true);
        } else {
            render_road(frame, road, state, active, theme);
        }
    }
}

/// The road pane's height: four roads, the suggestion, sentiment, outcome, case, status
/// and borders.
const ROAD_HEIGHT: u16 = 11;

fn render_header(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let call = &active.call;
    let width = usize::from(area.width);
    let elapsed = format!(
        "  ⏱ {}",
        format_duration(call.duration_seconds(state.clock.now))
    );
    let status = format!("  {}", active.customer.status.as_str());
    // The name gives way first: the timer and the status always show.
    let fixed = " ● ON CALL ".len() + status.chars().count() + elapsed.chars().count();
    let name = pad(
        &safe(&active.customer.name),
        width.saturating_sub(fixed).max(4),
    );
    let first = vec![
        Span::styled(" ● ON CALL ", theme.urgent),
        Span::styled(name.trim_end().to_string(), theme.heading),
        Span::raw(status),
        Span::styled(elapsed, theme.key),
    ];
    let (saved, saved_style) = match active.notes_status() {
        NotesStatus::Untouched => ("", theme.dim),
        NotesStatus::Saving => ("saving…", theme.dim),
        NotesStatus::Saved => ("notes saved", theme.dim),
        NotesStatus::NotSaved(SaveTrouble::Failed) => {
            ("NOT SAVED — disk full? retrying", theme.error)
        }
        NotesStatus::NotSaved(SaveTrouble::NotAnswering) => {
            ("NOT SAVED — the store is not answering", theme.error)
        }
    };
    let resumed = if active.resumed { " (resumed)" } else { "" };
    let dnc = active.customer.do_not_contact;
    let long = format!(
        " {} call, reason: {}{resumed}",
        call.direction.as_str(),
        call.reason.as_str()
    );
    let dnc_text = if dnc { " DO NOT CONTACT ·" } else { "" };
    let about = if dnc_text.len() + long.chars().count() + saved.len() + 2 <= width {
        long
    } else {
        format!(
            " {} · {}{resumed}",
            call.direction.as_str(),
            call.reason.as_str()
        )
    };
    let mut second = Vec::new();
    if dnc {
        second.push(Span::styled(dnc_text, theme.warning));
    }
    second.push(Span::styled(about, theme.dim));
    second.push(Span::raw("  "));
    second.push(Span::styled(saved, saved_style));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn render_notes(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let block = pane_block("Notes", state, Pane::Notes, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let focused = state.focus == Pane::Notes && state.overlay.is_none();
    let cues = &state.road_hint.marks;
    super::notes::render(frame, inner, &active.notes, cues, focused, theme);
}

fn render_road(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let call = &active.call;
    // The chosen road is marked ▶ in the list; the title says when none is set yet.
    let title = if call.road.is_some() {
        "Road"
    } else {
        "Road: not set (1-4)"
    };
    let block = pane_block(title, state, Pane::Road, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for road in Road::ALL {
        let chosen = call.road == Some(road);
        let marker = if chosen { "▶" } else { " " };
        let style = if chosen { theme.road(road) } else { theme.base };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker}{} {:<8}", road.number(), road.name()),
                style,
            ),
            Span::styled(
                pad(road.definition(), width.saturating_sub(11))
                    .trim_end()
                    .to_string(),
                theme.dim,
            ),
        ]));
    }
    lines.push(super::road_hint::line(&state.road_hint, width, theme));
    lines.push(Line::from(vec![
        Span::raw("Sentiment: "),
        Span::styled(format!("{:+}", call.sentiment), theme.key),
        Span::styled(
            format!(" {}", crate::domain::call::sentiment_word(call.sentiment)),
            theme.dim,
        ),
    ]));
    let today = state.clock.today();
    let clock = &state.clock;
    let outcome = match call.outcome {
        Outcome::FollowUp => format!(
            "follow-up needed, due {}",
            active.due_or_default(today).strftime("%a %-d %b")
        ),
        Outcome::Callback => match call.callback_at {
            Some(at) => format!(
                "callback {} {}",
                clock.date_of(at).strftime("%a %-d %b"),
                clock.time_of_day(at)
            ),
            None => "callback requested".into(),
        },
        other => other.as_str().to_string(),
    };
    lines.push(Line::from(vec![
        Span::raw("Outcome: "),
        Span::styled(
            pad(&outcome, width.saturating_sub(9))
                .trim_end()
                .to_string(),
            if call.outcome == Outcome::Resolved {
                theme.base
            } else {
                theme.attention
            },
        ),
    ]));
    lines.push(case_line(active, width, theme));
    lines.push(match call.status_after {
        Some(status) => Line::from(vec![
            Span::raw(format!("Status: {} → ", active.customer.status.as_str())),
            Span::styled(status.as_str(), theme.attention),
            Span::raw(" after this call"),
        ]),
        None => Line::from(format!(
            "Status: {} (unchanged)",
            active.customer.status.as_str()
        )),
    });
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The case this call is about and what wrap-up does to it, in words: nothing is closed
/// unless the agent chose it (c chooses the case, x closes it on a resolved call).
fn case_line<'a>(active: &ActiveCall, width: usize, theme: &Theme) -> Line<'a> {
    let call = &active.call;
    let linked = call
        .case_id
        .and_then(|id| active.open_cases.iter().find(|c| c.id == id));
    let (text, style) = match linked {
        None if active.open_cases.is_empty() => (
            if call.outcome.owes_follow_up() {
                "Case: a new one opens at wrap-up".to_string()
            } else {
                "Case: none open".to_string()
            },
            theme.dim,
        ),
        None if call.outcome.owes_follow_up() => {
            // Wrap-up adds the follow-up to the case due first (domain::wrap_up).
            let first = active
                .open_cases
                .iter()
                .min_by_key(|c| (c.due, c.opened_at));
            (
                format!(
                    "Case: adds to {} · stays open",
                    first.map_or(String::new(), |c| safe(&c.summary).into_owned())
                ),
                theme.base,
            )
        }
        None => (
            format!(
                "Case: none chosen ({} open; c) · closes nothing",
                active.open_cases.len()
            ),
            theme.dim,
        ),
        Some(case) => {
            let closes = call.close_cases.contains(&case.id);
            let what = if closes {
                "CLOSES at wrap-up"
            } else {
                "stays open"
            };
            (
                format!("Case: {} · {what}", safe(&case.summary)),
                if closes { theme.warning } else { theme.base },
            )
        }
    };
    // The verdict at the end is what matters: the summary gives way.
    let text = match text.rsplit_once(" · ") {
        Some((head, tail)) if text.chars().count() > width => format!(
            "{} · {tail}",
            pad(head, width.saturating_sub(tail.chars().count() + 3)).trim_end()
        ),
        _ => text,
    };
    Line::styled(text, style)
}
