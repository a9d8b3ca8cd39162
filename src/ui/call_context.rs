//! The customer's context during a call: open cases (due or overdue) then recent calls
//! (date, agent, road, first line), newest first. Only the rows that fit are built. When
//! the panel has the focus, the chosen past call is marked ▶ and kept in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::queue::pad;
use super::{Theme, pane_block, safe};
use crate::app::call_context::past_calls;
use crate::app::{ActiveCall, Pane, State};

/// How many rows the panel wants for `active`'s context (borders included).
pub(super) fn wanted_rows(active: &ActiveCall) -> u16 {
    let rows = active.context.as_ref().map_or(1, |context| {
        context.open_cases.len() + past_calls(active).count()
    });
    u16::try_from(rows.max(1))
        .unwrap_or(u16::MAX)
        .saturating_add(2)
}

/// `with_road`: the panel stands in for the road pane, so its title names the road.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    active: &ActiveCall,
    theme: &Theme,
    with_road: bool,
) {
    let mut title = "Context".to_string();
    if let Some(context) = &active.context {
        let calls = past_calls(active).count();
        title.push_str(&format!(
            ": {} open · {} {}",
            context.open_cases.len(),
            calls,
            if calls == 1 { "call" } else { "calls" }
        ));
    }
    if with_road {
        match active.call.road {
            Some(road) => title.push_str(&format!(" · road {}", road.name())),
            None => title.push_str(" · road not set"),
        }
    }
    let block = pane_block(&title, state, Pane::Context, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(state, active, theme, inner);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn lines<'a>(state: &State, active: &ActiveCall, theme: &Theme, area: Rect) -> Vec<Line<'a>> {
    let rows = usize::from(area.height);
    let width = usize::from(area.width);
    let Some(context) = &active.context else {
        return vec![Line::styled("Loading…", theme.dim)];
    };
    let clock = &state.clock;
    let today = clock.today();
    let mut lines = Vec::with_capacity(rows);
    for case in context.open_cases.iter().take(rows) {
        let (when, style) = super::customer::case_due(case, today, theme);
        lines.push(Line::from(vec![
            Span::styled(format!("{when:<14} "), style),
            Span::raw(pad(&safe(&case.summary), width.saturating_sub(15))),
        ]));
    }
    // Focused, a marker column shows the chosen call, which stays in view.
    let focused = state.focus == Pane::Context && state.overlay.is_none();
    let room = rows.saturating_sub(lines.len());
    let chosen = active.panel.selected;
    let skip = if focused {
        (chosen + 1).saturating_sub(room.max(1))
    } else {
        0
    };
    let width = if focused {
        width.saturating_sub(1)
    } else {
        width
    };
    for (at, summary) in past_calls(active).enumerate().skip(skip).take(room) {
        let call = &summary.call;
        let (road, style) = super::customer::past_road(call, state, theme);
        // A wide panel names the agent in full; a narrow one by first name.
        let agent = safe(&call.agent);
        let (agent, agent_width) = if width >= 60 {
            (agent.as_ref(), 14)
        } else {
            (agent.split_whitespace().next().unwrap_or_default(), 8)
        };
        let head = format!(
            "{} {} {} ",
            clock.date_of(call.started_at).strftime("%d %b"),
            pad(agent, agent_width),
            pad(&road, 9)
        );
        let rest = width.saturating_sub(head.chars().count());
        let mut spans = vec![
            Span::styled(head, style),
            Span::raw(pad(&safe(&summary.first_line), rest)),
        ];
        if focused {
            let selected = at == chosen;
            spans.insert(0, Span::raw(if selected { "▶" } else { " " }));
            let line = Line::from(spans);
            lines.push(if selected {
                line.patch_style(theme.selected)
            } else {
                line
            });
        } else {
            lines.push(Line::from(spans));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("No open cases, no earlier calls.", theme.dim));
    }
    lines
}
