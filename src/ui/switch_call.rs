//! The question asked when a call starts while another customer's call is open: what
//! each answer does, with the keys the keymap gives them (the hint bar has them too).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Theme, centered, safe};
use crate::app::{Command, State, SwitchCall, available};
use crate::input::Keymap;

pub(super) fn render(
    frame: &mut Frame,
    screen: Rect,
    ask: &SwitchCall,
    state: &State,
    theme: &Theme,
    keymap: &Keymap,
) {
    let area = centered(screen, 76.min(screen.width.saturating_sub(2)), 7);
    frame.render_widget(Clear, area);
    let open = safe(&ask.open_name).into_owned();
    let block = Block::bordered()
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" Call with {open} is open "),
            theme.heading,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![
        Line::raw(format!(
            "One call at a time. Before the call with {}:",
            safe(&ask.next.name)
        )),
        Line::raw(""),
    ];
    let now = available(state);
    for command in [Command::WrapUp, Command::ParkCall, Command::Cancel] {
        let keys = keymap.key_label(command, &now.contexts);
        if keys.is_empty() {
            continue;
        }
        let what = keymap
            .description(command, &now.contexts)
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<10} "), theme.key),
            Span::raw(what.to_string()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
