//! Edits of the notes: typing, deleting, the yank buffer, pastes, undo and redo as
//! inverse operations, and card-number masking.

use std::sync::Arc;

use super::wrap::{self, Row};
use super::{
    BURST_CHARS, Burst, Edit, HISTORY_BYTES, HISTORY_EDITS, Line, MAX_NOTES_BYTES, NotesEditor, Op,
    Pos, TooLarge, byte_at, end_of,
};
use crate::domain::text::{mask_card_numbers, sanitize_line};

impl NotesEditor {
    pub(super) fn type_char(&mut self, c: char) -> bool {
        // A direction override typed in would restyle the screen: it becomes visible.
        let c = if c == '\n' {
            c
        } else {
            let mut one = [0u8; 4];
            sanitize_line(c.encode_utf8(&mut one))
                .chars()
                .next()
                .unwrap_or('\u{FFFD}')
        };
        let mut buf = [0u8; 4];
        let text: &str = c.encode_utf8(&mut buf);
        if self.bytes + text.len() > MAX_NOTES_BYTES {
            return false;
        }
        if self.selection().is_none()
            && self.burst == Some(Burst::Typing)
            && c != '\n'
            && !(c == ' ' && self.char_before(self.cursor).is_some_and(|b| b != ' '))
            && let Some(Edit { ops, after, .. }) = self.undo.back_mut()
            && *after == self.cursor
            && let Some(Op::Insert(_, typed)) = ops.last_mut()
            && typed.len() < BURST_CHARS
        {
            typed.push(c);
            self.undo_bytes += text.len();
            let end = self.raw_insert(self.cursor, text);
            self.cursor = end;
            if let Some(edit) = self.undo.back_mut() {
                edit.after = end;
            }
            self.after_edit(Some(Burst::Typing));
            return true;
        }
        self.replace_selection(text, Some(Burst::Typing))
    }

    pub(super) fn char_before(&self, pos: Pos) -> Option<char> {
        let line = self.lines.get(pos.row)?;
        line.text[..byte_at(line, pos.col)].chars().next_back()
    }

    pub(super) fn backspace(&mut self) -> bool {
        if self.selection().is_some() {
            return self.replace_selection("", None);
        }
        let from = self.position_before(self.cursor);
        if from == self.cursor {
            return false;
        }
        if self.burst == Some(Burst::Deleting)
            && let Some(Edit { ops, after, .. }) = self.undo.back_mut()
            && *after == self.cursor
            && let [Op::Delete(at, deleted)] = ops.as_mut_slice()
            && *at == self.cursor
            && deleted.len() < BURST_CHARS
        {
            let removed = self.raw_delete(from, self.cursor);
            if let Some(Edit { ops, after, .. }) = self.undo.back_mut()
                && let [Op::Delete(at, deleted)] = ops.as_mut_slice()
            {
                deleted.insert_str(0, &removed);
                *at = from;
                *after = from;
            }
            self.undo_bytes += removed.len();
            self.cursor = from;
            self.after_edit(Some(Burst::Deleting));
            return true;
        }
        self.delete_range(from, self.cursor, Some(Burst::Deleting))
    }

    pub(super) fn position_before(&self, pos: Pos) -> Pos {
        if pos.col > 0 {
            Pos::new(pos.row, pos.col - 1)
        } else if pos.row > 0 {
            Pos::new(pos.row - 1, self.lines[pos.row - 1].chars)
        } else {
            pos
        }
    }

    pub(super) fn position_after(&self, pos: Pos) -> Pos {
        if pos.col < self.lines[pos.row].chars {
            Pos::new(pos.row, pos.col + 1)
        } else if pos.row + 1 < self.lines.len() {
            Pos::new(pos.row + 1, 0)
        } else {
            pos
        }
    }

    pub(super) fn delete_forward(&mut self) -> bool {
        if self.selection().is_some() {
            return self.replace_selection("", None);
        }
        let to = self.position_after(self.cursor);
        self.delete_range(self.cursor, to, None)
    }

    pub(super) fn delete_word_before(&mut self) -> bool {
        if self.selection().is_some() {
            return self.cut();
        }
        let from = self.word_start_before(self.cursor);
        self.kill(from, self.cursor)
    }

    pub(super) fn delete_word_after(&mut self) -> bool {
        let to = self.word_end_after(self.cursor);
        self.kill(self.cursor, to)
    }

    /// Ctrl-K: the rest of the line, or the line break when at its end.
    pub(super) fn delete_to_line_end(&mut self) -> bool {
        let chars = self.lines[self.cursor.row].chars;
        let to = if self.cursor.col < chars {
            Pos::new(self.cursor.row, chars)
        } else {
            self.position_after(self.cursor)
        };
        self.kill(self.cursor, to)
    }

    /// Deletes `from..to` into the yank buffer.
    pub(super) fn kill(&mut self, from: Pos, to: Pos) -> bool {
        if from == to {
            return false;
        }
        self.yank = self.slice(from, to);
        self.anchor = None;
        self.delete_range(from, to, None)
    }

    pub(super) fn delete_range(&mut self, from: Pos, to: Pos, burst: Option<Burst>) -> bool {
        if from >= to {
            return false;
        }
        let before = self.cursor;
        let removed = self.raw_delete(from, to);
        self.cursor = from;
        self.record(Edit {
            ops: vec![Op::Delete(from, removed)],
            before,
            after: from,
        });
        self.after_edit(burst);
        true
    }

    /// Copies the selection into the yank buffer; false when nothing is selected.
    pub fn copy(&mut self) -> bool {
        let Some((from, to)) = self.selection() else {
            return false;
        };
        self.yank = self.slice(from, to);
        true
    }

    pub(super) fn cut(&mut self) -> bool {
        let Some((from, to)) = self.selection() else {
            return false;
        };
        self.kill(from, to)
    }

    pub(super) fn paste_yank(&mut self) -> bool {
        let text = std::mem::take(&mut self.yank);
        let changed = self.paste(&text).unwrap_or(false);
        self.yank = text;
        changed
    }

    /// Inserts `text` (already cleaned: no controls but `\n`) in place of the selection,
    /// as one undo step. Refused, changing nothing, when the notes would grow past
    /// [`MAX_NOTES_BYTES`].
    pub fn paste(&mut self, text: &str) -> Result<bool, TooLarge> {
        let selected = self
            .selection()
            .map_or(0, |(from, to)| self.byte_span(from, to));
        if self.bytes - selected + text.len() > MAX_NOTES_BYTES {
            return Err(TooLarge);
        }
        if text.is_empty() && selected == 0 {
            return Ok(false);
        }
        Ok(self.replace_selection(text, None))
    }

    pub(super) fn replace_selection(&mut self, text: &str, burst: Option<Burst>) -> bool {
        let before = self.cursor;
        let mut ops = Vec::new();
        if let Some((from, to)) = self.selection() {
            let removed = self.raw_delete(from, to);
            ops.push(Op::Delete(from, removed));
            self.cursor = from;
        }
        self.anchor = None;
        if !text.is_empty() {
            let at = self.cursor;
            self.cursor = self.raw_insert(at, text);
            ops.push(Op::Insert(at, text.to_string()));
        }
        if ops.is_empty() {
            return false;
        }
        let after = self.cursor;
        self.record(Edit { ops, before, after });
        self.after_edit(burst);
        true
    }

    pub(super) fn after_edit(&mut self, burst: Option<Burst>) {
        self.burst = burst;
        self.want_x = None;
        self.anchor = None;
    }

    pub(super) fn record(&mut self, edit: Edit) {
        self.redo.clear();
        self.undo_bytes += edit.bytes();
        self.undo.push_back(edit);
        while self.undo.len() > HISTORY_EDITS
            || (self.undo_bytes > HISTORY_BYTES && self.undo.len() > 1)
        {
            if let Some(old) = self.undo.pop_front() {
                self.undo_bytes -= old.bytes().min(self.undo_bytes);
            }
        }
    }

    pub(super) fn undo(&mut self) -> bool {
        let Some(edit) = self.undo.pop_back() else {
            return false;
        };
        self.undo_bytes -= edit.bytes().min(self.undo_bytes);
        for op in edit.ops.iter().rev() {
            match op {
                Op::Insert(at, text) => {
                    let end = end_of(*at, text);
                    self.raw_delete(*at, end);
                }
                Op::Delete(at, text) => {
                    self.raw_insert(*at, text);
                }
            }
        }
        self.cursor = self.clamp(edit.before);
        self.redo.push(edit);
        self.after_edit(None);
        true
    }

    pub(super) fn redo(&mut self) -> bool {
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        for op in &edit.ops {
            match op {
                Op::Insert(at, text) => {
                    self.raw_insert(*at, text);
                }
                Op::Delete(at, text) => {
                    let end = end_of(*at, text);
                    self.raw_delete(*at, end);
                }
            }
        }
        self.cursor = self.clamp(edit.after);
        self.undo_bytes += edit.bytes();
        self.undo.push_back(edit);
        self.after_edit(None);
        true
    }

    pub(super) fn clamp(&self, pos: Pos) -> Pos {
        let row = pos.row.min(self.lines.len() - 1);
        Pos::new(row, pos.col.min(self.lines[row].chars))
    }

    /// The text between two positions.
    pub(super) fn slice(&self, from: Pos, to: Pos) -> String {
        if from.row == to.row {
            let line = &self.lines[from.row];
            return line.text[byte_at(line, from.col)..byte_at(line, to.col)].to_string();
        }
        let first = &self.lines[from.row];
        let mut out = first.text[byte_at(first, from.col)..].to_string();
        for line in &self.lines[from.row + 1..to.row] {
            out.push('\n');
            out.push_str(&line.text);
        }
        let last = &self.lines[to.row];
        out.push('\n');
        out.push_str(&last.text[..byte_at(last, to.col)]);
        out
    }

    pub(super) fn byte_span(&self, from: Pos, to: Pos) -> usize {
        let start = byte_at(&self.lines[from.row], from.col);
        let end = byte_at(&self.lines[to.row], to.col);
        let between: usize = (from.row..to.row)
            .map(|r| self.lines[r].text.len() + 1)
            .sum();
        between + end - start
    }

    /// Inserts `text` at `at`; returns the position after it.
    pub(super) fn raw_insert(&mut self, at: Pos, text: &str) -> Pos {
        self.bytes += text.len();
        let at = self.clamp(at);
        let line = &mut self.lines[at.row];
        let split = byte_at(line, at.col);
        let Some((first, rest)) = text.split_once('\n') else {
            line.text.insert_str(split, text);
            let added = text.chars().count();
            line.chars += added;
            let old_rev = line.rev;
            self.next_rev += 1;
            line.rev = self.next_rev;
            let start = Row {
                byte: split,
                char: at.col,
            };
            let new_end = Row {
                byte: split + text.len(),
                char: at.col + added,
            };
            self.rewrap_cached(at.row, old_rev, start, start, new_end);
            return Pos::new(at.row, at.col + added);
        };
        let tail = line.text.split_off(split);
        line.text.push_str(first);
        line.chars = at.col + first.chars().count();
        self.next_rev += 1;
        line.rev = self.next_rev;
        let mut new_lines: Vec<Line> = rest.split('\n').map(|t| self.line_of(t)).collect();
        let count = new_lines.len();
        let end = match new_lines.last_mut() {
            Some(last) => {
                let end = Pos::new(at.row + count, last.chars);
                last.chars += tail.chars().count();
                last.text.push_str(&tail);
                end
            }
            None => Pos::new(at.row + 1, 0),
        };
        self.lines.splice(at.row + 1..at.row + 1, new_lines);
        end
    }

    /// After an edit within one long line whose rows are cached, works out its new rows
    /// from the old ones (see [`wrap::rewrap`]), so typing into a line of megabytes costs
    /// about a row. Short lines are left to wrap when shown.
    pub(super) fn rewrap_cached(
        &mut self,
        row: usize,
        old_rev: u64,
        start: Row,
        old_end: Row,
        new_end: Row,
    ) {
        let view = self
            .view
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let line = &self.lines[row];
        // The old revision is gone from the text: drop its rows.
        let Some(old) = view.cache.remove(&old_rev) else {
            return;
        };
        view.cached_rows -= old.len().min(view.cached_rows);
        if view.width == 0 || line.text.len() < 2_048 {
            return;
        }
        let edit = wrap::LineEdit {
            start,
            old_end,
            new_end,
        };
        let rows = wrap::rewrap(&line.text, view.width, &old, edit);
        view.cached_rows += rows.len();
        view.cache.insert(line.rev, Arc::new(rows));
    }

    /// Deletes `from..to` (from before to); returns what was removed.
    pub(super) fn raw_delete(&mut self, from: Pos, to: Pos) -> String {
        let (from, to) = (self.clamp(from), self.clamp(to));
        if from >= to {
            return String::new();
        }
        self.next_rev += 1;
        let rev = self.next_rev;
        let removed = if from.row == to.row {
            let line = &mut self.lines[from.row];
            let (start, end) = (byte_at(line, from.col), byte_at(line, to.col));
            let removed: String = line.text.drain(start..end).collect();
            line.chars -= to.col - from.col;
            let old_rev = line.rev;
            line.rev = rev;
            let start = Row {
                byte: start,
                char: from.col,
            };
            let old_end = Row {
                byte: end,
                char: to.col,
            };
            self.rewrap_cached(from.row, old_rev, start, old_end, start);
            removed
        } else {
            let removed = self.slice(from, to);
            let last = &self.lines[to.row];
            let tail = last.text[byte_at(last, to.col)..].to_string();
            let tail_chars = last.chars - to.col;
            self.lines.drain(from.row + 1..=to.row);
            let line = &mut self.lines[from.row];
            let start = byte_at(line, from.col);
            line.text.truncate(start);
            line.text.push_str(&tail);
            line.chars = from.col + tail_chars;
            line.rev = rev;
            removed
        };
        self.bytes -= removed.len().min(self.bytes);
        removed
    }

    /// Masks card numbers in the lines changed since the last call (a card number never
    /// spans lines, so the rest need no second look); returns how many were masked.
    /// Masking cannot be undone, so the undo history is dropped when it happens.
    pub fn mask_cards(&mut self) -> usize {
        let since = self.masked_rev;
        self.masked_rev = self.next_rev;
        let mut count = 0;
        for row in 0..self.lines.len() {
            if self.lines[row].rev <= since {
                continue;
            }
            let (masked, n) = mask_card_numbers(&self.lines[row].text);
            if n == 0 {
                continue;
            }
            let masked = masked.into_owned();
            count += n;
            let old_chars = self.lines[row].chars;
            self.bytes = self.bytes - self.lines[row].text.len() + masked.len();
            self.lines[row] = self.line_of(&masked);
            for pos in [Some(&mut self.cursor), self.anchor.as_mut()]
                .into_iter()
                .flatten()
            {
                if pos.row == row {
                    // Keep the distance from the end of the line, where typing happens.
                    let from_end = old_chars.saturating_sub(pos.col);
                    pos.col = self.lines[row].chars.saturating_sub(from_end);
                }
            }
        }
        if count > 0 {
            self.masked_rev = self.next_rev;
            self.undo.clear();
            self.redo.clear();
            self.undo_bytes = 0;
            self.burst = None;
        }
        count
    }
}
