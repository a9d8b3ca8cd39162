//! A call opened read-only (`app::ReadOnlyCall`): its details, full notes and road
//! history, scrolled; the same view for a call found by search and for a past call
//! opened from the context beside an active call.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Theme, pane_block};
use crate::app::{Pane, ReadOnlyCall, State};

/// Draws `view` in `area` under `title`, bordered as `pane`.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    view: &ReadOnlyCall,
    title: &str,
    pane: Pane,
    theme: &Theme,
) {
    let block = pane_block(title, state, pane, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &view.detail {
        Some(detail) => {
            let lines = super::call_detail::call_detail_lines(&detail.call, detail, state, theme);
            super::review::render_scrolled(frame, inner, lines, view.scroll);
        }
        None => frame.render_widget(
            Paragraph::new(Line::styled("Opening the call…", theme.dim)),
            inner,
        ),
    }
}
