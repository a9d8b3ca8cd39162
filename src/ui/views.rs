//! The Review (F3) and Dashboard (F4) views. Until the team-lead screens are built they
//! show what the store's maintained counters already know, and say so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::Theme;
use crate::app::State;

pub(super) fn review(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    placeholder(frame, area, state, theme, "Review");
}

pub(super) fn dashboard(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    placeholder(frame, area, state, theme, "Dashboard");
}

fn placeholder(frame: &mut Frame, area: Rect, _state: &State, theme: &Theme, name: &str) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(format!(" {name} "));
    let lines = vec![
        Line::styled(format!("The {name} view is not built yet."), theme.heading),
        Line::raw(""),
        Line::raw("It will hold the team lead's review list, calibration and customer math."),
        Line::raw("Press F2 to go back to the Agent view."),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
