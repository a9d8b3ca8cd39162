//! Overlays: welcome, help (generated from the keymap), command palette, the customer
//! form (add or edit), prompts, the snippet and choice pickers, and confirmations.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::queue::pad;
use super::{Theme, centered, safe};
use crate::app::snippets::Picker;
use crate::app::{
    AddCustomerForm, ChoicePicker, Command, Confirmation, Context, FORM_FIELDS, Overlay, Palette,
    Prompt, State, available, available_at, view_places,
};
use crate::input::Keymap;

/// Keys of the notes editor itself (ratatui-textarea), listed in help beside the keymap.
const EDITOR_KEYS: [(&str, &str); 7] = [
    ("Ctrl-U / Ctrl-R", "undo / redo"),
    ("Alt-← / Alt-→ (Ctrl-←/→)", "move by word"),
    ("Shift-arrows", "select"),
    ("Ctrl-X", "cut the selection"),
    ("Ctrl-Y", "paste"),
    ("Ctrl-K / Ctrl-W", "delete to end of line / word before"),
    (
        "#word  > words",
        "a tag / the customer's own words (highlighted)",
    ),
];

pub(super) fn render(frame: &mut Frame, state: &State, theme: &Theme, keymap: &Keymap) {
    let Some(overlay) = &state.overlay else {
        return;
    };
    let screen = frame.area();
    match overlay {
        Overlay::Welcome => welcome(frame, screen, state, theme, keymap),
        Overlay::Help { scroll } => help(frame, screen, state, theme, keymap, *scroll),
        Overlay::Palette(palette) => palette_box(frame, screen, palette, theme),
        Overlay::AddCustomer(form) => form_box(frame, screen, form, theme, keymap),
        Overlay::Prompt(prompt) => prompt_box(frame, screen, prompt, theme),
        Overlay::Snippets(picker) => snippets_box(frame, screen, picker, theme),
        Overlay::Picker(picker) => choice_box(frame, screen, picker, theme),
        Overlay::Confirm(confirmation) => confirm_box(frame, screen, confirmation, theme),
        Overlay::SwitchCall(ask) => {
            super::switch_call::render(frame, screen, ask, state, theme, keymap);
        }
    }
}

/// The keys of a prompt and of the form are in the hint bar, which they leave visible.
fn prompt_box(frame: &mut Frame, screen: Rect, prompt: &Prompt, theme: &Theme) {
    let area = centered(screen, 90.min(screen.width.saturating_sub(2)), 7);
    let inner = framed(frame, area, &safe(&prompt.title), theme);
    let row = |i: u16| Rect::new(inner.x, inner.y + i, inner.width, 1);
    if inner.height < 4 {
        frame.render_widget(&prompt.field, row(0));
        return;
    }
    frame.render_widget(&prompt.field, row(1));
    if let Some(error) = &prompt.error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("✗ {}", safe(error)), theme.error)),
            row(2),
        );
    }
    frame.render_widget(
        Paragraph::new(Span::styled(safe(&prompt.hint).into_owned(), theme.dim))
            .wrap(Wrap { trim: true }),
        Rect::new(inner.x, inner.y + 3, inner.width, inner.height - 3),
    );
}

fn framed(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {title} "), theme.heading));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn welcome(frame: &mut Frame, screen: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let area = centered(screen, 72, 17);
    let inner = framed(frame, area, "Welcome to fourroads", theme);
    let mut lines = vec![
        Line::raw("Take notes during calls and put every call on one of four roads:"),
        Line::styled("  1 Learn   2 Care   3 Teach   4 Go away", theme.heading),
        Line::raw(""),
        Line::raw(format!(
            "This store is empty ({}).",
            safe(&state.store_label)
        )),
        Line::raw(""),
    ];
    if state.team_sync.is_some() {
        // Demo data is not offered in a team; say what fills the store instead.
        lines.splice(
            4..4,
            [Line::raw(
                "It is in a team: the team's customers arrive as it syncs.",
            )],
        );
    }
    let now = available(state);
    for command in [Command::LoadDemo, Command::AddCustomer, Command::Quit] {
        // The first key (the welcome screen's own comes first); the hint bar lists all.
        let Some(key) = keymap.keys_for(command, &now.contexts).first().copied() else {
            continue;
        };
        if !now.accepts(command) {
            continue;
        }
        let keys = key.to_string();
        let what = keymap
            .description(command, &now.contexts)
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<3}"), theme.key),
            Span::raw(what.to_string()),
        ]));
    }
    lines.extend([
        Line::raw(""),
        Line::styled(
            "Or import your customer list (CSV with a name column) from a shell:",
            theme.dim,
        ),
        Line::styled("  fourroads import customers FILE.csv", theme.dim),
        Line::raw(""),
    ]);
    let help_keys = keymap.key_label(Command::Help, &[Context::Global, Context::Normal]);
    if !help_keys.is_empty() {
        lines.push(Line::styled(
            format!(
                "{} shows every key at any time.",
                help_keys.replace('/', " or ")
            ),
            theme.dim,
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn help(
    frame: &mut Frame,
    screen: Rect,
    state: &State,
    theme: &Theme,
    keymap: &Keymap,
    scroll: usize,
) {
    let area = centered(screen, 90, screen.height.saturating_sub(2));
    let own = available(state);
    let close = keymap.keys_for(Command::Cancel, &own.contexts);
    let title = match close.first() {
        Some(key) => format!("Keys ({key} closes)"),
        None => "Keys".to_string(),
    };
    let inner = framed(frame, area, &title, theme);
    let places: Vec<_> = view_places(state)
        .into_iter()
        .map(|place| {
            let now = available_at(state, place);
            (now.contexts, now.commands)
        })
        .collect();
    let key_width = 22;
    let mut lines = Vec::new();
    let mut current = None;
    for (context, keys, description) in keymap.help_rows(&places) {
        if current != Some(context) {
            if current.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(context.title(), theme.heading));
            current = Some(context);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", pad(&keys, key_width)), theme.key),
            Span::raw(description),
        ]));
    }
    if state.view == crate::app::View::Agent {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Editing notes", theme.heading));
        for (keys, what) in EDITOR_KEYS {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(keys, key_width)), theme.key),
                Span::raw(what),
            ]));
        }
    }
    let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = scroll.min(max_scroll);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn palette_box(frame: &mut Frame, screen: Rect, palette: &Palette, theme: &Theme) {
    let height = (palette.visible.len() as u16 + 4).clamp(6, screen.height.saturating_sub(4));
    let area = centered(screen, 76, height);
    let area = Rect {
        y: screen.y + 2.min(screen.height.saturating_sub(area.height)),
        ..area
    };
    let inner = framed(frame, area, "Commands", theme);
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(": ", theme.key),
            Span::raw(format!("{}▏", safe(&palette.query))),
        ]),
        Line::raw(""),
    ];
    if palette.visible.is_empty() {
        lines.push(Line::styled("No command matches.", theme.dim));
    }
    let rows = usize::from(inner.height).saturating_sub(2);
    let start = palette.selected.saturating_sub(rows.saturating_sub(1));
    for (row, &i) in palette.visible.iter().enumerate().skip(start).take(rows) {
        let item = &palette.items[i];
        let keys_width = item.keys.chars().count() + 1;
        let mut line = Line::from(vec![
            Span::raw(pad(&item.description, width.saturating_sub(keys_width + 1))),
            Span::raw(" "),
            Span::styled(item.keys.clone(), theme.key),
        ]);
        if row == palette.selected {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The note-snippet picker: the query, then each matching snippet's name and the start
/// of its text. Its keys are in the hint bar, which it leaves visible.
fn snippets_box(frame: &mut Frame, screen: Rect, picker: &Picker, theme: &Theme) {
    let height = (picker.visible.len() as u16 + 4).clamp(6, screen.height.saturating_sub(4));
    let area = centered(screen, 76, height);
    let area = Rect {
        y: screen.y + 2.min(screen.height.saturating_sub(area.height)),
        ..area
    };
    let inner = framed(frame, area, "Insert a snippet", theme);
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(format!("{}▏", safe(&picker.query))),
        ]),
        Line::raw(""),
    ];
    if picker.visible.is_empty() {
        lines.push(Line::styled("No snippet matches.", theme.dim));
    }
    let name_width = 22.min(width / 3);
    let rows = usize::from(inner.height).saturating_sub(2);
    let start = picker.selected.saturating_sub(rows.saturating_sub(1));
    for (row, &i) in picker.visible.iter().enumerate().skip(start).take(rows) {
        let Some(snippet) = picker.snippets.get(i) else {
            continue;
        };
        let text = snippet.text.replace('\n', " ");
        let mut line = Line::from(vec![
            Span::styled(pad(&safe(&snippet.name), name_width), theme.heading),
            Span::raw(" "),
            Span::styled(
                pad(&safe(&text), width.saturating_sub(name_width + 1)),
                theme.dim,
            ),
        ]);
        if row == picker.selected {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn form_box(
    frame: &mut Frame,
    screen: Rect,
    form: &AddCustomerForm,
    theme: &Theme,
    keymap: &Keymap,
) {
    let area = centered(screen, 64, 15);
    let title = match &form.editing {
        Some((_, original)) => format!("Edit {}", safe(&original.name)),
        None => "Add a customer".to_string(),
    };
    let inner = framed(frame, area, &title, theme);
    let label_width = 9u16;
    for (i, label) in FORM_FIELDS.iter().enumerate().take(form.fields.len()) {
        let y = inner.y + (i as u16) * 2;
        if y >= inner.y + inner.height {
            break;
        }
        let focused = form.focused == i;
        let marker = if focused { "▶" } else { " " };
        let label_area = Rect::new(inner.x, y, label_width, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{label}"),
                if focused { theme.heading } else { theme.base },
            )),
            label_area,
        );
        let field_area = Rect::new(
            inner.x + label_width,
            y,
            inner.width.saturating_sub(label_width),
            1,
        );
        let field = &form.fields[i];
        if field.is_empty() {
            // Drawn here rather than by the text area, which puts the cursor cell before
            // the placeholder and so shifts it a column right of typed text.
            let hint = field.placeholder_text();
            let mut chars = hint.chars();
            let spans = match (focused, chars.next()) {
                (true, Some(first)) => vec![
                    Span::styled(first.to_string(), theme.selected),
                    Span::styled(chars.as_str().to_string(), theme.dim),
                ],
                _ => vec![Span::styled(hint.to_string(), theme.dim)],
            };
            frame.render_widget(Paragraph::new(Line::from(spans)), field_area);
        } else {
            frame.render_widget(field, field_area);
        }
        if let Some(error) = form.error_for(label)
            && y + 1 < inner.y + inner.height
        {
            frame.render_widget(
                Paragraph::new(Span::styled(format!("  ✗ {error}"), theme.error)),
                Rect::new(inner.x + label_width, y + 1, field_area.width, 1),
            );
        }
    }
    if let Some((_, name)) = &form.duplicate_of {
        let text = if form.editing.is_some() {
            // The merge key is the queue's, where the agent goes to merge.
            let merge = keymap.key_label(Command::MergeCustomer, &[Context::Queue]);
            let merge = if merge.is_empty() {
                String::new()
            } else {
                format!(" ({merge} in the queue)")
            };
            format!(
                "! {} has the same name and phone or email. Save again to keep both; if they are one person, close and merge them{merge}.",
                safe(name)
            )
        } else {
            format!(
                "! {} is already a customer (same name and phone or email). Save again to select them; change a field to add someone new.",
                safe(name)
            )
        };
        let footer = Span::styled(text, theme.warning);
        // Below the last field (two rows each): the edit form has room for three lines.
        let fields_end = (form.fields.len() as u16) * 2;
        let rows = inner.height.saturating_sub(fields_end).clamp(0, 3);
        let footer_y = inner.y + inner.height.saturating_sub(rows);
        frame.render_widget(
            Paragraph::new(footer).wrap(Wrap { trim: true }),
            Rect::new(inner.x, footer_y, inner.width, rows),
        );
    }
}

/// A choice of customers or agents: the query, then each match with its details. Its
/// keys are in the hint bar, which it leaves visible.
fn choice_box(frame: &mut Frame, screen: Rect, picker: &ChoicePicker, theme: &Theme) {
    let height = (picker.visible.len() as u16 + 4).clamp(6, screen.height.saturating_sub(4));
    let area = centered(screen, 76, height);
    let area = Rect {
        y: screen.y + 2.min(screen.height.saturating_sub(area.height)),
        ..area
    };
    let inner = framed(frame, area, &safe(&picker.title), theme);
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(format!("{}▏", safe(&picker.query))),
        ]),
        Line::raw(""),
    ];
    if picker.visible.is_empty() {
        lines.push(Line::styled("Nothing matches.", theme.dim));
    }
    let label_width = 24.min(width / 2);
    let rows = usize::from(inner.height).saturating_sub(2);
    let start = picker.selected.saturating_sub(rows.saturating_sub(1));
    for (row, &i) in picker.visible.iter().enumerate().skip(start).take(rows) {
        let Some(choice) = picker.choices.get(i) else {
            continue;
        };
        let mut line = Line::from(vec![
            Span::raw(pad(&safe(&choice.label), label_width)),
            Span::raw(" "),
            Span::styled(
                pad(&safe(&choice.detail), width.saturating_sub(label_width + 1)),
                theme.dim,
            ),
        ]);
        if row == picker.selected {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A yes/no question: what will happen, in the question's own lines. The keys are in
/// the hint bar.
fn confirm_box(frame: &mut Frame, screen: Rect, confirmation: &Confirmation, theme: &Theme) {
    let width = 76.min(screen.width.saturating_sub(2));
    let text_width = usize::from(width.saturating_sub(2)).max(1);
    // Wrapped height: each line takes as many rows as its length needs.
    let rows: usize = confirmation
        .lines
        .iter()
        .map(|line| line.chars().count().div_ceil(text_width).max(1))
        .sum();
    let height = (rows as u16 + 2).min(screen.height.saturating_sub(2));
    let area = centered(screen, width, height);
    let inner = framed(frame, area, &safe(&confirmation.title), theme);
    let lines: Vec<Line> = confirmation
        .lines
        .iter()
        .map(|line| Line::raw(safe(line).into_owned()))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
