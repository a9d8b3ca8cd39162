//! The queue pane: the filter line and only the rows that fit on screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Theme, pane_block, safe};
use crate::app::{Command, Context, Pane, State};
use crate::domain::Urgency;
use crate::input::Keymap;

const BADGE_WIDTH: usize = 14;
const STATUS_WIDTH: usize = 8;

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let queue = &state.queue;
    let title = if queue.filter.is_empty() {
        format!("Queue ({})", queue.total())
    } else {
        format!("Queue ({} of {})", queue.visible.len(), queue.total())
    };
    let block = pane_block(&title, state, Pane::Queue, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if queue.filter_editing || !queue.filter.is_empty() {
        // What keeps and clears it is in the hint bar, from the keymap.
        let cursor = if queue.filter_editing { "▏" } else { "" };
        lines.push(Line::from(vec![
            Span::styled("/", theme.key),
            Span::raw(format!("{}{cursor}", safe(&queue.filter))),
        ]));
    }
    if !queue.loaded {
        lines.push(Line::styled("Loading customers…", theme.dim));
    } else if queue.visible.is_empty() {
        let add = super::first_key(
            keymap,
            Command::AddCustomer,
            &[Context::Global, Context::Queue, Context::Normal],
        );
        let text = match (queue.total(), add.is_empty()) {
            (0, false) => format!("No customers yet. Press {add} to add one."),
            (0, true) => "No customers yet.".to_string(),
            _ => "No customer matches the filter.".to_string(),
        };
        lines.push(Line::styled(text, theme.dim));
    }
    let rows = usize::from(inner.height).saturating_sub(lines.len());
    let today = state.clock.today();
    // Narrow queues drop the status column (the customer pane shows it) and shorten badges.
    let (badge_width, status_width) = if width < 44 {
        (12, 0)
    } else {
        (BADGE_WIDTH, STATUS_WIDTH)
    };
    let name_width = width.saturating_sub(badge_width + status_width + 3);
    for (row, &index) in queue
        .visible
        .iter()
        .enumerate()
        .skip(queue.offset)
        .take(rows)
    {
        let entry = &queue.entries[index];
        let urgency = entry.urgency(today, state.clock.now);
        let badge_style = match urgency {
            Urgency::Overdue(_) | Urgency::CallOpen | Urgency::Callback { due: true, .. } => {
                theme.urgent
            }
            Urgency::Callback { .. } => theme.attention,
            Urgency::CaseDue(_) | Urgency::WinBack | Urgency::AtRisk => theme.attention,
            _ => theme.dim,
        };
        // The do-not-contact marker is never cut off: the name gives way to it.
        let marker_text = if entry.do_not_contact && urgency != Urgency::DoNotContact {
            " (dnc)"
        } else {
            ""
        };
        let name = format!(
            "{}{marker_text}",
            pad(
                &safe(&entry.name),
                name_width.saturating_sub(marker_text.len())
            )
            .trim_end()
        );
        let badge = match urgency {
            // A callback later says when: the time today, else the day.
            Urgency::Callback { at, due: false } => {
                let clock = &state.clock;
                let word = if badge_width < BADGE_WIDTH {
                    "call"
                } else {
                    "callback"
                };
                if clock.date_of(at) == today {
                    format!("{word} {}", clock.time_of_day(at))
                } else {
                    format!("{word} {}", clock.date_of(at).strftime("%a"))
                }
            }
            _ if badge_width < BADGE_WIDTH => urgency.short_badge(),
            _ => urgency.badge(),
        };
        let selected = row == queue.selected;
        let marker = if selected { "▶" } else { " " };
        let mut spans = vec![
            Span::raw(marker),
            Span::styled(pad(&badge, badge_width), badge_style),
            Span::raw(" "),
            Span::raw(pad(&name, name_width)),
        ];
        if status_width > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                pad(entry.status.as_str(), status_width),
                theme.dim,
            ));
        }
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Cuts (with an ellipsis) or pads `text` to exactly `width` columns.
pub(crate) fn pad(text: &str, width: usize) -> String {
    let full = text.width();
    if full <= width {
        return format!("{text}{}", " ".repeat(width - full));
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    used += 1;
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn pad_fits_exactly() {
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad("日本語", 4), "日… ");
        assert_eq!(pad("x", 0), "");
    }
}
