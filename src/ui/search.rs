//! The Search view (F5): the query line, then customers and calls found, each with the
//! text that matched and the match set off by »…« (and bold underline), or the call
//! opened read-only with its full notes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::queue::pad;
use super::{Theme, pane_block, safe};
use crate::app::{Pane, State};
use crate::store::{CallHit, CustomerHit};

/// Characters of context kept before a match that is far into its line.
const LEAD_IN: usize = 16;

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let [query, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    render_query(frame, query, state, theme);
    let opened = &state.search.opened;
    if opened.detail.is_some() {
        super::call_view::render(
            frame,
            body,
            state,
            opened,
            "Call (read-only) · Esc back to the results",
            Pane::Detail,
            theme,
        );
        return;
    }
    render_results(frame, body, state, theme);
}

fn render_query(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let search = &state.search;
    let typing = search.opened.detail.is_none() && state.overlay.is_none();
    let block = pane_block("Search customers and notes", state, Pane::List, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let status = if search.opened.opening.is_some() {
        "opening…".to_string()
    } else if search.loading {
        "searching…".to_string()
    } else if search.searched.is_empty() {
        String::new()
    } else {
        let results = &search.results;
        let plural = crate::domain::text::plural;
        let mut parts = Vec::new();
        if !results.customers.is_empty() {
            parts.push(plural(
                results.customers.len() as u64,
                "customer",
                "customers",
            ));
        }
        if !results.calls.is_empty() || parts.is_empty() {
            parts.push(plural(results.calls.len() as u64, "call", "calls"));
        }
        if results.more {
            parts.push("newest first".into());
        }
        parts.join(", ")
    };
    let width = usize::from(inner.width);
    let room = width.saturating_sub(status.width() + 4).max(1);
    let query = safe(&search.query).into_owned();
    // Keep the end of a long query (where the cursor is) in view.
    let shown: String = if query.width() >= room {
        let skip = query.chars().count().saturating_sub(room.saturating_sub(2));
        format!("…{}", query.chars().skip(skip).collect::<String>())
    } else {
        query
    };
    let mut spans = vec![Span::styled("› ", theme.key), Span::raw(shown.clone())];
    if typing {
        spans.push(Span::styled("▏", theme.key));
    }
    let used = 2 + shown.width() + usize::from(typing);
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(used + status.width())),
    ));
    spans.push(Span::styled(status, theme.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)), inner);
}

fn render_results(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let search = &state.search;
    let block = pane_block("Results", state, Pane::Detail, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if search.query.trim().is_empty() {
        let help = [
            "Type a name, a phone number or email, a reference like RF-20931,",
            "or words from the notes of any call. All words must match;",
            "\"words in quotes\" must appear side by side.",
            "",
            "↑↓ move · Enter opens the customer or the call · Esc goes back",
        ];
        let lines: Vec<Line> = help.iter().map(|t| Line::styled(*t, theme.dim)).collect();
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    if search.results.is_empty() {
        let text = if search.loading {
            "Searching…".to_string()
        } else {
            format!("Nothing matches “{}”.", safe(&search.searched))
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    }
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let customers = &search.results.customers;
    if !customers.is_empty() {
        lines.push(Line::styled(
            format!("Customers ({})", customers.len()),
            theme.heading,
        ));
        for (at, hit) in customers.iter().enumerate() {
            if at == search.selected {
                selected_line = lines.len();
            }
            lines.push(customer_row(hit, at == search.selected, width, theme));
        }
    }
    let calls = &search.results.calls;
    if !calls.is_empty() {
        lines.push(Line::styled(
            format!("Calls ({})", calls.len()),
            theme.heading,
        ));
        for (at, hit) in calls.iter().enumerate() {
            let chosen = customers.len() + at == search.selected;
            if chosen {
                selected_line = lines.len();
            }
            lines.push(call_row(hit, chosen, state, width, theme));
        }
    }
    let height = usize::from(inner.height).max(1);
    let scroll = (selected_line + 1).saturating_sub(height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

fn marker(selected: bool) -> &'static str {
    if selected { "▶ " } else { "  " }
}

fn customer_row<'a>(hit: &CustomerHit, selected: bool, width: usize, theme: &Theme) -> Line<'a> {
    let customer = &hit.customer;
    let mut spans = vec![Span::raw(marker(selected))];
    if hit.line == customer.name {
        // The name matched: mark it there, and show how to reach them beside it.
        spans.extend(marked(
            &hit.line,
            hit.mark,
            customer.name.width() + 3,
            theme,
        ));
        spans.push(Span::raw(format!("  {}", customer.status.as_str())));
        let reach: Vec<&str> = [customer.phone.as_deref(), customer.email.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = width.saturating_sub(used + 2);
        if room > 3 && !reach.is_empty() {
            spans.push(Span::styled(
                format!("  {}", pad(&safe(&reach.join(" · ")), room)),
                theme.dim,
            ));
        }
        return styled_row(spans, selected, theme);
    }
    let name_width = if width >= 100 { 28 } else { 22 };
    spans.extend([
        Span::styled(pad(&safe(&customer.name), name_width), theme.heading),
        Span::raw(" "),
        Span::raw(pad(customer.status.as_str(), 9)),
    ]);
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.extend(marked(
        &hit.line,
        hit.mark,
        width.saturating_sub(used),
        theme,
    ));
    styled_row(spans, selected, theme)
}

fn call_row<'a>(
    hit: &CallHit,
    selected: bool,
    state: &State,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let wide = width >= 100;
    let when = hit
        .call
        .started_at
        .to_zoned(state.clock.tz.clone())
        .strftime(if wide { "%Y-%m-%d %H:%M" } else { "%d %b %y" })
        .to_string();
    let (agent_w, customer_w) = if wide { (14, 20) } else { (8, 14) };
    let mut spans = vec![
        Span::raw(marker(selected)),
        Span::raw(format!("{when} ")),
        Span::raw(pad(&safe(&hit.call.agent), agent_w)),
        Span::raw(" "),
        Span::raw(pad(&safe(&hit.customer_name), customer_w)),
    ];
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.extend(marked(
        &hit.line,
        hit.mark,
        width.saturating_sub(used),
        theme,
    ));
    styled_row(spans, selected, theme)
}

fn styled_row<'a>(spans: Vec<Span<'a>>, selected: bool, theme: &Theme) -> Line<'a> {
    let line = Line::from(spans);
    if selected {
        line.patch_style(theme.selected)
    } else {
        line
    }
}

/// ` text »match« text`, fitted to `room` columns, starting a little before the match
/// when it is far into the line.
fn marked<'a>(
    line: &str,
    (start, end): (usize, usize),
    room: usize,
    theme: &Theme,
) -> Vec<Span<'a>> {
    if room < 4 {
        return Vec::new();
    }
    let valid = start <= end
        && end <= line.len()
        && line.is_char_boundary(start)
        && line.is_char_boundary(end);
    if !valid || start == end {
        return vec![Span::styled(
            format!(" {}", pad(&safe(line), room - 1)),
            theme.dim,
        )];
    }
    let before = safe(&line[..start]).into_owned();
    let matched = safe(&line[start..end]).into_owned();
    let after = safe(&line[end..]).into_owned();
    let kept = before.chars().count();
    let before = if kept > LEAD_IN && before.width() + matched.width() + 3 > room {
        let skip = kept - LEAD_IN;
        format!("…{}", before.chars().skip(skip).collect::<String>())
    } else {
        before
    };
    let mut left = room - 1;
    let mut spans = vec![Span::raw(" ")];
    for (text, style) in [
        (before, theme.dim),
        (
            format!("»{matched}«"),
            theme
                .highlight
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        ),
        (after, theme.dim),
    ] {
        if left == 0 {
            break;
        }
        let fitted = if text.width() > left {
            pad(&text, left)
        } else {
            text
        };
        left -= fitted.width();
        spans.push(Span::styled(fitted, style));
    }
    spans
}
