//! The notes editor of the active call: only the rows the pane shows are built. Tags and
//! story lines are highlighted, the road suggestion's cue words underlined, the selection
//! is marked, and the cursor is a reversed cell (a reversed space at the end of a line),
//! so it shows without colour too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use crate::app::notes_editor::{NotesEditor, Pos, char_width};

pub const PLACEHOLDER: &str =
    "Type notes here. #tag marks a theme; a line starting with > quotes the customer.";

pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    editor: &NotesEditor,
    cues: &[(usize, usize, usize)],
    focused: bool,
    theme: &Theme,
) {
    let screen = editor.layout(area.width, area.height);
    if editor.is_empty() {
        let paragraph =
            Paragraph::new(Line::styled(PLACEHOLDER, theme.dim)).wrap(Wrap { trim: true });
        frame.render_widget(paragraph, area);
    } else {
        let selection = editor.selection();
        let mut lines = Vec::with_capacity(screen.rows.len());
        for row in &screen.rows {
            let text = editor.line(row.line);
            let marks = highlights_near(text, row.start, row.end);
            let row_cues: Vec<(usize, usize)> = cues
                .iter()
                .filter(|(line, s, e)| *line == row.line && *s < row.end && *e > row.start)
                .map(|(_, s, e)| (*s, *e))
                .collect();
            let mut spans: Vec<Span> = Vec::new();
            let mut x = 0;
            // Spaces a row broke at hang past its end, unseen: drawing stops at the edge.
            for (i, (byte, c)) in text[row.start..row.end].char_indices().enumerate() {
                x += char_width(c);
                if x > usize::from(area.width) {
                    break;
                }
                let at = row.start + byte;
                let mut style = theme.base;
                if marks.iter().any(|&(s, e)| (s..e).contains(&at)) {
                    style = style.patch(theme.highlight);
                }
                if row_cues.iter().any(|&(s, e)| (s..e).contains(&at)) {
                    style = style.patch(theme.cue);
                }
                if selection.is_some_and(|(from, to)| {
                    let pos = Pos::new(row.line, row.first_col + i);
                    from <= pos && pos < to
                }) {
                    style = style.patch(theme.selected);
                }
                push(&mut spans, c, style);
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
    // The cursor: a reversed cell, seen without colour too (a space at a line's end).
    if focused && let Some((x, y)) = screen.cursor {
        let cursor = Style::reset().add_modifier(Modifier::REVERSED);
        if let Some(cell) = frame.buffer_mut().cell_mut((area.x + x, area.y + y)) {
            cell.set_style(cursor);
        }
    }
}

/// Appends `c` to the last span when it has the same style, or starts a new span.
fn push(spans: &mut Vec<Span<'static>>, c: char, style: Style) {
    if let Some(last) = spans.last_mut()
        && last.style == style
    {
        last.content.to_mut().push(c);
        return;
    }
    spans.push(Span::styled(c.to_string(), style));
}

/// As [`highlights`], looking only around `start..end` of a line (a row of it), so a
/// very long line costs no more to draw than a short one. A tag is looked for from the
/// last space before the row (at most 256 bytes back).
pub fn highlights_near(line: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    if line.trim_start().starts_with('>') {
        return vec![(0, line.len())];
    }
    let mut from = start.saturating_sub(256);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let from = line[from..start]
        .rfind(' ')
        .map_or(from, |space| from + space);
    // A tag that starts in the row may run past its end.
    let mut to = end;
    while to < line.len() && !line[to..].starts_with(' ') && to < end + 256 {
        to += line[to..].chars().next().map_or(1, char::len_utf8);
    }
    highlights(&line[from..to])
        .into_iter()
        .map(|(s, e)| (s + from, e + from))
        .collect()
}

/// Byte ranges of `line` to highlight: the whole line when it is a story (`>` first),
/// else each `#tag` (a `#` and a run of letters, digits, `_` or `-` holding a letter).
pub fn highlights(line: &str) -> Vec<(usize, usize)> {
    if line.trim_start().starts_with('>') {
        return vec![(0, line.len())];
    }
    let mut out = Vec::new();
    let mut rest = line.char_indices().peekable();
    while let Some((start, c)) = rest.next() {
        if c != '#' {
            continue;
        }
        let mut end = start + 1;
        let mut letter = false;
        while let Some(&(b, next)) = rest.peek() {
            if !(next.is_alphanumeric() || next == '_' || next == '-') {
                break;
            }
            letter |= next.is_alphabetic();
            end = b + next.len_utf8();
            rest.next();
        }
        if letter {
            out.push((start, end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_stories_are_found() {
        assert_eq!(highlights("drops #wifi daily"), [(6, 11)]);
        assert_eq!(highlights("  > she said #x"), [(0, 15)]);
        assert_eq!(highlights("#123 and #a-1"), [(9, 13)]);
        assert!(highlights("no tags here").is_empty());
    }

    #[test]
    fn highlights_near_a_row_match_the_whole_line() {
        let line = "words #first then a long run of text #second-tag and #third";
        let all = highlights(line);
        for (start, end) in [(0, 10), (8, 30), (30, 45), (40, line.len())] {
            let near = highlights_near(line, start, end);
            for mark in &all {
                if mark.0 < end && mark.1 > start {
                    assert!(near.contains(mark), "{mark:?} missing near {start}..{end}");
                }
            }
        }
    }
}
