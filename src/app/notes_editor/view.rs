//! The view of the notes: wrapping lines at the pane's width (cached by line revision),
//! moving by screen rows, and laying out what the pane shows.

use std::sync::{Arc, MutexGuard};

use super::wrap::{Row, char_width, text_width, wrap};
use super::{NotesEditor, Pos, Screen, ScreenRow, View, byte_at};

impl NotesEditor {
    pub(super) fn view(&self) -> MutexGuard<'_, View> {
        self.view
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The rows of line `row` at the view's width (cached by line revision).
    pub(super) fn rows_of(&self, view: &mut View, row: usize) -> Arc<Vec<Row>> {
        let line = &self.lines[row];
        if view.width == 0 {
            return Arc::new(vec![Row { byte: 0, char: 0 }]);
        }
        if let Some(rows) = view.cache.get(&line.rev) {
            return rows.clone();
        }
        // Bounded: lines deleted or edited in bulk leave rows behind.
        if view.cache.len() > 4_096 || view.cached_rows > 1_000_000 {
            view.cache.clear();
            view.cached_rows = 0;
        }
        let rows = Arc::new(wrap(&line.text, view.width));
        view.cached_rows += rows.len();
        view.cache.insert(line.rev, rows.clone());
        rows
    }

    /// The screen row of `pos` within its line, and its display column.
    pub(super) fn visual(&self, view: &mut View, pos: Pos) -> (usize, usize) {
        let rows = self.rows_of(view, pos.row);
        let r = rows.partition_point(|row| row.char <= pos.col).max(1) - 1;
        let line = &self.lines[pos.row];
        let end = byte_at(line, pos.col);
        (
            r,
            text_width(&line.text[rows[r].byte..end.max(rows[r].byte)]),
        )
    }

    /// Rows a page moves by.
    pub(super) fn page(&self) -> usize {
        self.view().height.saturating_sub(1).max(1)
    }

    /// Moves the cursor `by` screen rows, keeping its display column.
    pub(super) fn vertical(&mut self, by: isize) {
        let mut view = self.view();
        let (mut r, x) = self.visual(&mut view, self.cursor);
        let want = self.want_x.unwrap_or(x);
        let mut row = self.cursor.row;
        let mut rows = self.rows_of(&mut view, row);
        for _ in 0..by.unsigned_abs() {
            if by < 0 {
                if r > 0 {
                    r -= 1;
                } else if row > 0 {
                    row -= 1;
                    rows = self.rows_of(&mut view, row);
                    r = rows.len() - 1;
                } else {
                    break;
                }
            } else if r + 1 < rows.len() {
                r += 1;
            } else if row + 1 < self.lines.len() {
                row += 1;
                rows = self.rows_of(&mut view, row);
                r = 0;
            } else {
                break;
            }
        }
        drop(view);
        let line = &self.lines[row];
        let start = rows[r].char;
        // On a row that is not the line's last, the cursor stays before the next row.
        let last_col = rows.get(r + 1).map_or(line.chars, |next| next.char - 1);
        let mut col = start;
        let mut x = 0;
        for c in line.text[rows[r].byte..].chars() {
            let w = char_width(c);
            if col >= last_col || x + w > want {
                break;
            }
            x += w;
            col += 1;
        }
        self.cursor = Pos::new(row, col.max(start).min(last_col.max(start)));
        self.want_x = Some(want);
    }

    /// Lays the text out in a `width`×`height` pane: keeps the cursor visible, fills the
    /// pane when there is text enough (after a resize too), and returns the rows to draw.
    /// Only the lines around the shown rows are wrapped.
    pub fn layout(&self, width: u16, height: u16) -> Screen {
        let (width, height) = (usize::from(width), usize::from(height));
        let mut view = self.view();
        if width == 0 || height == 0 {
            return Screen {
                rows: Vec::new(),
                cursor: None,
            };
        }
        if view.width != width {
            view.cache.clear();
            view.cached_rows = 0;
            view.width = width;
        }
        view.height = height;
        let top = self.clamp(view.top);
        let top = (top.row, self.visual(&mut view, top).0);
        let (cursor_r, cursor_x) = self.visual(&mut view, self.cursor);
        let cursor = (self.cursor.row, cursor_r);
        let mut top = if cursor < top {
            cursor
        } else if self.cursor.row - top.0 >= height
            || self.rows_between(&mut view, top, cursor, height) >= height
        {
            self.rows_back(&mut view, cursor, height - 1)
        } else {
            top
        };
        // Fill the pane: when the text below the top is shorter than it, scroll back.
        let last_row = self.lines.len() - 1;
        let last = (last_row, self.rows_of(&mut view, last_row).len() - 1);
        if self.rows_between(&mut view, top, last, height) < height {
            top = top.min(self.rows_back(&mut view, last, height - 1));
        }
        let top_rows = self.rows_of(&mut view, top.0);
        view.top = Pos::new(top.0, top_rows[top.1].char);
        // Collect the rows to draw.
        let mut out = Vec::with_capacity(height);
        let mut shown_cursor = None;
        let (mut row, mut r) = top;
        let mut rows = top_rows;
        while out.len() < height {
            let line = &self.lines[row];
            if (row, r) == cursor {
                shown_cursor = Some((cursor_x.min(width - 1) as u16, out.len() as u16));
            }
            out.push(ScreenRow {
                line: row,
                start: rows[r].byte,
                end: rows.get(r + 1).map_or(line.text.len(), |next| next.byte),
                first_col: rows[r].char,
            });
            if r + 1 < rows.len() {
                r += 1;
            } else if row + 1 < self.lines.len() {
                row += 1;
                r = 0;
                rows = self.rows_of(&mut view, row);
            } else {
                break;
            }
        }
        Screen {
            rows: out,
            cursor: shown_cursor,
        }
    }

    /// How many rows from `from` to `to` inclusive, counting no further than `limit`.
    pub(super) fn rows_between(
        &self,
        view: &mut View,
        from: (usize, usize),
        to: (usize, usize),
        limit: usize,
    ) -> usize {
        if to < from {
            return 0;
        }
        let mut count = 0;
        for row in from.0..=to.0 {
            let rows = self.rows_of(view, row).len();
            let start = if row == from.0 { from.1 } else { 0 };
            let end = if row == to.0 { to.1 + 1 } else { rows };
            count += end.saturating_sub(start);
            if count >= limit {
                return count;
            }
        }
        count
    }

    /// The row `back` rows above `from` (or the very first row).
    pub(super) fn rows_back(
        &self,
        view: &mut View,
        from: (usize, usize),
        back: usize,
    ) -> (usize, usize) {
        let (mut row, mut r) = from;
        for _ in 0..back {
            if r > 0 {
                r -= 1;
            } else if row > 0 {
                row -= 1;
                r = self.rows_of(view, row).len() - 1;
            } else {
                break;
            }
        }
        (row, r)
    }
}
