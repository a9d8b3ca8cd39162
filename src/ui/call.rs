//! The active call: header (customer, status, reason, running timer), the notes editor
//! and the road pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::queue::pad;
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
    let width = usize::from(area.width);
    let elapsed = format!("  ⏱ {}", format_duration(call.duration_seconds(state.clock.now)));
    let status = format!("  {}", active.customer.status.as_str());
    // The name gives way first: the timer and the status always show.
    let fixed = " ● ON CALL ".len() + status.chars().count() + elapsed.chars().count();
    let name = pad(&safe(&active.customer.name), width.saturating_sub(fixed).max(4));
    let first = vec![
        Span::styled(" ● ON CALL ", theme.urgent),
        Span::styled(name.trim_end().to_string(), theme.heading),
        Span::raw(status),
        Span::styled(elapsed, theme.key),
    ];
    let saved = match (active.is_dirty(), active.saved_at) {
        (true, _) => "saving…",
        (false, Some(_)) => "notes saved",
        (false, None) => "",
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
        format!(" {} · {}{resumed}", call.direction.as_str(), call.reason.as_str())
    };
    let mut second = Vec::new();
    if dnc {
        second.push(Span::styled(dnc_text, theme.warning));
    }
    second.push(Span::styled(about, theme.dim));
    second.push(Span::styled(format!("  {saved}"), theme.dim));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn render_notes(frame: &mut Frame, area: Rect, state: &State, active: &ActiveCall, theme: &Theme) {
    let block = pane_block("Notes", state, Pane::Notes, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&active.notes, inner);
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
            Span::styled(
                pad(road.definition(), usize::from(inner.width).saturating_sub(11))
                    .trim_end()
                    .to_string(),
                theme.dim,
            ),
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
