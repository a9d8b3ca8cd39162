//! The active call: header (customer, status, reason, running timer), the notes editor
//! and the road pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, pane_block, safe};
use crate::app::{ActiveCall, Pane, State};
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
    let (notes, road) = if body.width >= 100 {
        let [notes, road] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(46)]).areas(body);
        (notes, road)
    } else {
        let [notes, road] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(11)]).areas(body);
        (notes, road)
    };
    render_notes(frame, notes, state, active, theme);
    render_road(frame, road, state, active, theme);
}

fn render_header(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let call = &active.call;
    let elapsed = format_duration(call.duration_seconds(state.clock.now));
    let mut first = vec![
        Span::styled(" ● ON CALL ", theme.urgent),
        Span::styled(safe(&active.customer.name).into_owned(), theme.heading),
        Span::raw(format!("  {}", active.customer.status.as_str())),
        Span::styled(format!("  ⏱ {elapsed}"), theme.key),
    ];
    if active.customer.do_not_contact {
        first.push(Span::styled("  do not contact", theme.warning));
    }
    let saved = match (active.is_dirty(), active.saved_at) {
        (true, _) => "saving…",
        (false, Some(_)) => "notes saved",
        (false, None) => "",
    };
    let second = Line::from(vec![
        Span::styled(
            format!(
                " {} call, reason: {}{}",
                call.direction.as_str(),
                call.reason.as_str(),
                if active.resumed { " (resumed)" } else { "" }
            ),
            theme.dim,
        ),
        Span::styled(format!("  {saved}"), theme.dim),
    ]);
    frame.render_widget(Paragraph::new(vec![Line::from(first), second]), area);
}

fn render_notes(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let block = pane_block("Notes", state, Pane::Notes, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let focused = state.focus == Pane::Notes && state.overlay.is_none();
    super::notes::render(frame, inner, &active.notes, focused, theme);
}

fn render_road(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let block = pane_block("Road", state, Pane::Road, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let call = &active.call;
    let mut lines = Vec::new();
    lines.push(match call.road {
        Some(road) => Line::from(vec![
            Span::raw("Road: "),
            Span::styled(format!("[{}]", road.label()), theme.road(road)),
        ]),
        None => Line::styled("Road: not set (1-4)", theme.warning),
    });
    for road in Road::ALL {
        let chosen = call.road == Some(road);
        let marker = if chosen { "▶" } else { " " };
        let style = if chosen { theme.road(road) } else { theme.base };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker}{} {:<8}", road.number(), road.name()),
                style,
            ),
            Span::styled(road.definition(), theme.dim),
        ]));
    }
    lines.push(Line::from(vec![
        Span::raw("Sentiment: "),
        Span::styled(format!("{:+}", call.sentiment), theme.key),
        Span::styled(format!(" {}", sentiment_word(call.sentiment)), theme.dim),
    ]));
    let today = state.clock.today();
    lines.push(match call.outcome {
        Outcome::Resolved => Line::from("Outcome: resolved"),
        Outcome::FollowUp => Line::from(vec![
            Span::raw("Outcome: "),
            Span::styled("follow-up needed", theme.attention),
            Span::raw(format!(
                ", due {}",
                active.due_or_default(today).strftime("%a %-d %b")
            )),
        ]),
    });
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

pub(super) fn sentiment_word(sentiment: i8) -> &'static str {
    match sentiment {
        i8::MIN..=-2 => "very unhappy",
        -1 => "unhappy",
        0 => "neutral",
        1 => "happy",
        _ => "delighted",
    }
}
