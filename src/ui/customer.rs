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
    for line in pack(&contact, " · ", width) {
        lines.push(Line::raw(line));
    }
    let since = clock.date_of(customer.created_at);
    let mut status_parts = vec![format!("Customer since {since}")];
    if let Some(change) = customer.status_history.last().filter(|c| c.from.is_some()) {
        status_parts.push(format!(
            "{} since {}",
            change.to.as_str(),
            clock.date_of(change.at)
        ));
    }
    for line in pack(&status_parts, "; ", width) {
        lines.push(Line::styled(line, theme.dim));
    }
    let day = |at: jiff::Timestamp| {
        let date = clock.date_of(at);
        if date.year() == today.year() {
            date.strftime("%-d %b").to_string()
        } else {
            date.strftime("%-d %b %Y").to_string()
        }
    };
    if customer.do_not_contact {
        let text = match &customer.do_not_contact_note {
            Some(note) => format!(
                "Do not contact since {}: {} — {}",
                day(note.since),
                safe(&note.reason),
                safe(&note.by)
            ),
            None => "Do not contact (no reason recorded)".to_string(),
        };
        for line in pack_words(&text, width) {
            lines.push(Line::styled(line, theme.warning));
        }
    }
    for merged in &customer.merged {
        let text = format!(
            "Merged in {} on {} by {}",
            safe(&merged.name),
            day(merged.merged_at),
            safe(&merged.merged_by)
        );
        for line in pack_words(&text, width) {
            lines.push(Line::styled(line, theme.dim));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Open cases ({})", context.open_cases.len()),
        theme.heading,
    ));
    if context.open_cases.is_empty() {
        lines.push(Line::styled("  none", theme.dim));
    }
    for case in &context.open_cases {
        let (when, style) = case_due(case, today, theme);
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
        let (road, style) = past_road(call, state, theme);
        let head = format!(
            "  {} {:<10} {:<9} ",
            clock.date_of(call.started_at).strftime("%d %b"),
            pad(&safe(&call.agent), 10),
            road
        );
        let rest = width.saturating_sub(head.chars().count());
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::raw(pad(&safe(&summary.first_line), rest)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// An open case's due date in words ("OVERDUE 3d", "due Tue 24 Nov") and its style.
pub(super) fn case_due(
    case: &crate::domain::Case,
    today: jiff::civil::Date,
    theme: &Theme,
) -> (String, ratatui::style::Style) {
    let late = days_between(case.due, today);
    if late > 0 {
        (format!("OVERDUE {late}d"), theme.urgent)
    } else {
        (
            format!("due {}", case.due.strftime("%a %-d %b")),
            theme.attention,
        )
    }
}

/// A past call's road in words and its style: "open", "hidden" (blind review: a lead
/// sees it once they have reviewed the call in F3), the road, or "-".
pub(super) fn past_road(
    call: &crate::domain::Call,
    state: &State,
    theme: &Theme,
) -> (String, ratatui::style::Style) {
    let hidden = state.hides_agent_road(call);
    let word = match (call.is_open(), call.road) {
        (true, _) => "open".to_string(),
        (false, Some(_)) if hidden => "hidden".to_string(),
        (false, Some(road)) => road.label(),
        (false, None) => "-".to_string(),
    };
    let style = call
        .road
        .filter(|_| !hidden)
        .map_or(theme.dim, |r| theme.road(r));
    (word, style)
}

/// Joins `parts` with `separator` into as few lines of at most `width` columns as it can,
/// never breaking a part (one longer than a line is cut with `…`).
fn pack(parts: &[String], separator: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if line.width() + separator.width() + part.width() <= width => {
                line.push_str(separator);
                line.push_str(part);
            }
            _ => lines.push(pad(part, width).trim_end().to_string()),
        }
    }
    lines
}

/// A sentence broken between words onto lines of at most `width` columns.
fn pack_words(text: &str, width: usize) -> Vec<String> {
    let words: Vec<String> = text.split(' ').map(str::to_string).collect();
    pack(&words, " ", width)
}

#[cfg(test)]
mod tests {
    use super::pack;

    #[test]
    fn parts_are_packed_whole_onto_lines() {
        let parts = [
            "Customer since 2021-05-30".to_string(),
            "at-risk since 2026-11-03".into(),
        ];
        assert_eq!(
            pack(&parts, "; ", 80),
            ["Customer since 2021-05-30; at-risk since 2026-11-03"]
        );
        assert_eq!(
            pack(&parts, "; ", 46),
            ["Customer since 2021-05-30", "at-risk since 2026-11-03"]
        );
        assert_eq!(pack(&["abcdefgh".to_string()], " · ", 5), ["abcd…"]);
    }
}
