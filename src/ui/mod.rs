//! Pure rendering: `render(frame, state, theme, keymap)` draws the whole screen from the
//! state. One file per pane or overlay; nothing here changes state or does I/O. Text that
//! came from customers or files always passes through `safe` before it is drawn.

mod call;
mod call_context;
mod call_detail;
mod call_view;
mod customer;
mod dashboard;
mod hints;
mod notes;
mod overlays;
mod queue;
mod review;
mod road_hint;
mod search;
mod switch_call;
pub mod theme;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::team_sync::TeamSync;
use crate::app::{CONTEXTS, Command, Context, KEY, Level, Message, Pane, State, View};
use crate::input::Keymap;
use queue::pad;
pub use theme::Theme;

/// Text from customers or files, made safe to draw.
pub(crate) fn safe(text: &str) -> Cow<'_, str> {
    crate::domain::text::sanitize_line(text)
}

pub fn render(frame: &mut Frame, state: &State, theme: &Theme, keymap: &Keymap) {
    let hint_lines = hints::lines(state, theme, keymap, frame.area().width);
    let hint_height = hint_lines.len().clamp(1, hints::MAX_LINES) as u16;
    let [title, main, message, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(hint_height),
    ])
    .areas(frame.area());
    render_title(frame, title, state, theme, keymap);
    match state.view {
        View::Agent => render_agent(frame, main, state, theme, keymap),
        View::Review => review::render(frame, main, state, theme),
        View::Dashboard => dashboard::render(frame, main, state, theme),
        View::Search => search::render(frame, main, state, theme),
    }
    render_message(frame, message, state, theme, keymap);
    frame.render_widget(Paragraph::new(hint_lines), hints);
    overlays::render(frame, state, theme, keymap);
}

/// The first key that runs `command` in `contexts` ("" when none does), for text that
/// names a key.
pub(crate) fn first_key(keymap: &Keymap, command: Command, contexts: &[Context]) -> String {
    keymap
        .keys_for(command, contexts)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn render_title(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let global = [Context::Global];
    let tab = |label: &str, command: Command, active: bool| {
        let key = first_key(keymap, command, &global);
        let text = if key.is_empty() {
            format!(" {label} ")
        } else {
            format!(" {key} {label} ")
        };
        if active {
            Span::styled(
                text,
                theme.title.add_modifier(ratatui::style::Modifier::BOLD),
            )
        } else {
            Span::raw(text)
        }
    };
    let mut spans = vec![
        Span::styled(" fourroads ", theme.title),
        Span::raw(" "),
        tab("Agent", Command::ViewAgent, state.view == View::Agent),
        tab("Review", Command::ViewReview, state.view == View::Review),
        tab(
            "Dashboard",
            Command::ViewDashboard,
            state.view == View::Dashboard,
        ),
    ];
    // Shown only while searching, so the title other views draw is unchanged.
    if state.view == View::Search {
        spans.push(tab("Search", Command::ViewSearch, true));
    }
    // A callback whose time has come is the one reminder that outranks the name.
    let due = state.queue.callback_due(state.clock.now);
    let who = match due {
        Some((at, _, name)) => format!(
            " ⏰ CALL BACK {} ({}) ",
            safe(name),
            state.clock.time_of_day(*at)
        ),
        None => format!(" {} ({}) ", safe(&state.agent), state.role.as_str()),
    };
    let used: usize = spans.iter().map(|s| s.width()).sum();
    // The team sync's words go before the name; on a narrow screen the role gives way.
    let who = match &state.team_sync {
        Some(sync) => {
            let mut label = sync.label(state.clock.now);
            if state.team_set_aside > 0 {
                label.push_str(&format!(" · {} set aside", state.team_set_aside));
            }
            let full = format!(" {label} ·{who}");
            if due.is_some() || used + full.chars().count() <= usize::from(area.width) {
                full
            } else {
                format!(" {label} · {} ", safe(&state.agent))
            }
        }
        None => who,
    };
    let room = usize::from(area.width).saturating_sub(used + who.chars().count());
    spans.push(Span::raw(" ".repeat(room)));
    let who = pad(&who, usize::from(area.width).saturating_sub(used))
        .trim_end()
        .to_string()
        + " ";
    spans.push(Span::styled(
        who,
        if due.is_some() || matches!(state.team_sync, Some(TeamSync::Offline { .. })) {
            theme.urgent
        } else {
            theme.dim
        },
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_agent(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let queue_width = (area.width * 2 / 5).clamp(30.min(area.width), 56);
    let [left, right] =
        Layout::horizontal([Constraint::Length(queue_width), Constraint::Min(20)]).areas(area);
    queue::render(frame, left, state, theme, keymap);
    match &state.call {
        Some(active) => call::render(frame, right, state, active, theme),
        None => customer::render(frame, right, state, theme, keymap),
    }
}

/// A message's words with its `{key}` places filled from the keymap (the first binding
/// of each command, in any context; nothing when it is unbound).
pub fn message_text(message: &Message, keymap: &Keymap) -> String {
    let mut text = String::with_capacity(message.text.len());
    let mut keys = message.keys.iter();
    let mut parts = message.text.split(KEY);
    if let Some(first) = parts.next() {
        text.push_str(first);
    }
    for part in parts {
        if let Some(command) = keys.next() {
            text.push_str(&first_key(keymap, *command, &CONTEXTS));
        }
        text.push_str(part);
    }
    text
}

fn render_message(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let mut spans = Vec::new();
    if let Some(message) = &state.message {
        let (prefix, style) = match message.level {
            Level::Info => ("", theme.info),
            Level::Warning => ("Note: ", theme.warning),
            Level::Error => ("Error: ", theme.error),
        };
        spans.push(Span::styled(
            format!(" {prefix}{}", safe(&message_text(message, keymap))),
            style,
        ));
    }
    if state.skipped_records > 0 {
        spans.push(Span::styled(
            format!(
                "  [{} skipped]",
                crate::domain::text::plural(
                    state.skipped_records,
                    "damaged record",
                    "damaged records"
                )
            ),
            theme.warning,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A bordered block whose border shows whether it has the focus (bold / coloured) and
/// whose title says so in words when focused.
pub(crate) fn pane_block<'a>(
    title: &'a str,
    state: &State,
    pane: Pane,
    theme: &Theme,
) -> Block<'a> {
    let focused = state.focus == pane && state.overlay.is_none();
    let title = if focused {
        format!(" {title} ◆ ")
    } else {
        format!(" {title} ")
    };
    Block::bordered()
        .border_style(theme.border_for(focused))
        .title(Span::styled(
            title,
            if focused { theme.heading } else { theme.dim },
        ))
}

/// A rectangle of at most `width`×`height`, centred in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
