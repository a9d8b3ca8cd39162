//! The selected customer's context when no call is active: profile, status, open cases
//! and call history, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::queue::pad;
use super::{Theme, pane_block, safe};
use crate::app::{Command, Context, Pane, State};
use crate::domain::clock::days_between;
use crate::input::Keymap;

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let block = pane_block("Customer", state, Pane::Customer, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(context) = &state.context else {
        let text = if state.queue.selected_entry().is_some() {
            "Loading…"
        } else {
            "Select a customer in the queue."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    };
    let customer = &context.customer;
    let clock = &state.clock;
    let today = clock.today();
    let width = usize::from(inner.width);
    let mut lines = vec![Line::from(vec![
        Span::styled(safe(&customer.name).into_owned(), theme.heading),
        Span::raw(format!("  {}", customer.status.as_str())),
        Span::styled(
            if customer.do_not_contact {
                "  do not contact"
            } else {
                ""
            },
            theme.warning,
        ),
    ])];
    let contact: Vec<String> = [
        customer.phone.as_deref(),
        customer.email.as_deref(),
        customer.segment.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(|part| safe(part).into_owned())
    .collect();
    if !contact.is_empty() {
        lines.push(Line::raw(contact.join(" · ")));
    }
    let since = clock.date_of(customer.created_at);
    let mut status_line = format!("Customer since {since}");
    if let Some(change) = customer.status_history.last().filter(|c| c.from.is_some()) {
        status_line.push_str(&format!(
            "; {} since {}",
            change.to.as_str(),
            clock.date_of(change.at)
        ));
    }
    lines.push(Line::styled(status_line, theme.dim));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Open cases ({})", context.open_cases.len()),
        theme.heading,
    ));
    if context.open_cases.is_empty() {
        lines.push(Line::styled("  none", theme.dim));
    }
    for case in &context.open_cases {
        let late = days_between(case.due, today);
        let (when, style) = if late > 0 {
            (format!("OVERDUE {late}d"), theme.urgent)
        } else {
            (
                format!("due {}", case.due.strftime("%a %-d %b")),
                theme.attention,
            )
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {when:<15} "), style),
            Span::raw(pad(&safe(&case.summary), width.saturating_sub(18))),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Call history ({} shown, newest first)",
            context.history.len()
        ),
        theme.heading,
    ));
    if context.history.is_empty() {
        let start = super::first_key(
            keymap,
            Command::StartCall,
            &[Context::Global, Context::Queue, Context::Normal],
        );
        let text = if start.is_empty() {
            "  no calls yet".to_string()
        } else {
            format!("  no calls yet: {start} starts one")
        };
        lines.push(Line::styled(text, theme.dim));
    }
    for summary in context.history.iter().skip(state.context_scroll) {
        let call = &summary.call;
        let road = match (call.is_open(), call.road) {
            (true, _) => "open".to_string(),
            (false, Some(road)) => road.label(),
            (false, None) => "-".to_string(),
        };
        let head = format!(
            "  {} {:<10} {:<9} ",
            clock.date_of(call.started_at).strftime("%d %b"),
            pad(&safe(&call.agent), 10),
            road
        );
        let rest = width.saturating_sub(head.chars().count());
        let style = call.road.map(|r| theme.road(r)).unwrap_or(theme.dim);
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::raw(pad(&safe(&summary.first_line), rest)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
