//! The notes editor of the active call: text as lines, a cursor and selection, undo and
//! redo as inverse operations (never snapshots, so a megabyte paste costs its size once),
//! a yank buffer, and a soft-wrap view that wraps only the lines around what is shown.
//!
//! The wrap width and height are those of the pane at the last draw. `ui` is pure
//! (`&State`), so the editor keeps its view (size, top row, wrap cache) behind a `Mutex`
//! that [`NotesEditor::layout`] updates while drawing, as the pane size is only known
//! there; the keys that move by screen rows (↑ ↓ PgUp PgDn) read it back. After any
//! resize the next layout keeps the cursor visible and fills the pane with text.

mod wrap;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::text::mask_card_numbers;
pub use wrap::{Row, char_width, text_width, wrap};

/// The most notes a call may hold; a paste past it is refused and changes nothing.
pub const MAX_NOTES_BYTES: usize = 8 * 1024 * 1024;
/// Undo keeps at most this many edits…
const HISTORY_EDITS: usize = 1_000;
/// …holding at most this much text.
const HISTORY_BYTES: usize = 32 * 1024 * 1024;
/// Typing or deleting merges into one undo step up to this many characters.
const BURST_CHARS: usize = 200;

/// A place in the text: line index and character column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub row: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(row: usize, col: usize) -> Pos {
        Pos { row, col }
    }
}

struct Line {
    text: String,
    chars: usize,
    /// Changes whenever the text does; keys the wrap cache and card masking.
    rev: u64,
}

#[derive(Clone, Debug)]
enum Op {
    Insert(Pos, String),
    Delete(Pos, String),
}

#[derive(Clone, Debug)]
struct Edit {
    ops: Vec<Op>,
    before: Pos,
    after: Pos,
}

impl Edit {
    fn bytes(&self) -> usize {
        self.ops
            .iter()
            .map(|op| match op {
                Op::Insert(_, text) | Op::Delete(_, text) => text.len(),
            })
            .sum()
    }
}

/// What the last edit was, so the next one like it joins the same undo step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Burst {
    Typing,
    Deleting,
}

/// Why a paste was refused (the text is unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge;

impl TooLarge {
    pub fn message(&self) -> String {
        format!(
            "Not pasted: the notes would pass {} MB. Split the text, or keep it in a file.",
            MAX_NOTES_BYTES / (1024 * 1024)
        )
    }
}

/// One screen row to draw: the line it belongs to and its byte range in that line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreenRow {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// Character column of `start`.
    pub first_col: usize,
}

/// What the pane shows: its rows and where the cursor is (column, row) on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    pub rows: Vec<ScreenRow>,
    pub cursor: Option<(u16, u16)>,
}

#[derive(Default)]
struct View {
    width: usize,
    height: usize,
    /// The first row shown: its line and the character column it starts at.
    top: Pos,
    /// Wrapped rows by line revision, for `width`, and how many rows it holds in all.
    cache: HashMap<u64, Arc<Vec<Row>>>,
    cached_rows: usize,
}

pub struct NotesEditor {
    lines: Vec<Line>,
    bytes: usize,
    next_rev: u64,
    cursor: Pos,
    anchor: Option<Pos>,
    /// Display column kept while moving up and down.
    want_x: Option<usize>,
    undo: VecDeque<Edit>,
    undo_bytes: usize,
    redo: Vec<Edit>,
    burst: Option<Burst>,
    yank: String,
    /// Lines with a revision above this have not been checked for card numbers.
    masked_rev: u64,
    view: Mutex<View>,
}

impl NotesEditor {
    /// An editor holding `text` (already cleaned), the cursor at its end.
    pub fn new(text: &str) -> NotesEditor {
        let mut editor = NotesEditor {
            lines: Vec::new(),
            bytes: text.len(),
            next_rev: 0,
            cursor: Pos::default(),
            anchor: None,
            want_x: None,
            undo: VecDeque::new(),
            undo_bytes: 0,
            redo: Vec::new(),
            burst: None,
            yank: String::new(),
            masked_rev: 0,
            view: Mutex::new(View::default()),
        };
        editor.lines = text.split('\n').map(|t| editor.line_of(t)).collect();
        let last = editor.lines.len() - 1;
        editor.cursor = Pos::new(last, editor.lines[last].chars);
        editor
    }

    fn line_of(&mut self, text: &str) -> Line {
        self.next_rev += 1;
        Line {
            chars: text.chars().count(),
            text: text.to_string(),
            rev: self.next_rev,
        }
    }

    /// The whole text, lines joined by `\n`.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.bytes);
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&line.text);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].text.is_empty()
    }

    /// Size of the text in bytes.
    pub fn len(&self) -> usize {
        self.bytes
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    pub fn line(&self, row: usize) -> &str {
        self.lines.get(row).map_or("", |l| l.text.as_str())
    }

    pub fn cursor(&self) -> Pos {
        self.cursor
    }

    /// The selected range, start before end, if anything is selected.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let anchor = self.anchor?;
        match anchor.cmp(&self.cursor) {
            std::cmp::Ordering::Less => Some((anchor, self.cursor)),
            std::cmp::Ordering::Greater => Some((self.cursor, anchor)),
            std::cmp::Ordering::Equal => None,
        }
    }

    pub fn yanked(&self) -> &str {
        &self.yank
    }

    // -----------------------------------------------------------------------------------
    // Keys
    // -----------------------------------------------------------------------------------

    /// Applies a key; true when the text changed.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let by_word = ctrl || alt;
        match key.code {
            KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
                'u' => self.undo(),
                'r' => self.redo(),
                'x' => self.cut(),
                'y' => self.paste_yank(),
                'k' => self.delete_to_line_end(),
                'w' => self.delete_word_before(),
                'h' => self.backspace(),
                'd' => self.delete_forward(),
                _ => false,
            },
            KeyCode::Char(c) if alt => match c {
                'b' => self.moved(shift, Self::word_left),
                'f' => self.moved(shift, Self::word_right),
                'd' => self.delete_word_after(),
                _ => false,
            },
            KeyCode::Char(c) if !c.is_control() => self.type_char(c),
            KeyCode::Enter => self.type_char('\n'),
            KeyCode::Backspace if by_word => self.delete_word_before(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete if by_word => self.delete_word_after(),
            KeyCode::Delete => self.delete_forward(),
            KeyCode::Left if by_word => self.moved(shift, Self::word_left),
            KeyCode::Right if by_word => self.moved(shift, Self::word_right),
            KeyCode::Left => self.moved(shift, Self::left),
            KeyCode::Right => self.moved(shift, Self::right),
            KeyCode::Up => self.moved_keeping_column(shift, |e| e.vertical(-1)),
            KeyCode::Down => self.moved_keeping_column(shift, |e| e.vertical(1)),
            KeyCode::PageUp => {
                self.moved_keeping_column(shift, |e| e.vertical(-(e.page() as isize)))
            }
            KeyCode::PageDown => {
                self.moved_keeping_column(shift, |e| e.vertical(e.page() as isize))
            }
            KeyCode::Home if ctrl => self.moved(shift, |e| e.cursor = Pos::default()),
            KeyCode::End if ctrl => self.moved(shift, Self::go_to_end),
            KeyCode::Home => self.moved(shift, |e| e.cursor.col = 0),
            KeyCode::End => self.moved(shift, |e| e.cursor.col = e.lines[e.cursor.row].chars),
            _ => false,
        }
    }

    /// Moves the cursor with `step`, extending the selection when `select`.
    fn moved(&mut self, select: bool, step: impl FnOnce(&mut NotesEditor)) -> bool {
        self.moved_keeping_column(select, step);
        self.want_x = None;
        false
    }

    /// As [`Self::moved`], for up and down, which keep the wanted display column.
    fn moved_keeping_column(&mut self, select: bool, step: impl FnOnce(&mut NotesEditor)) -> bool {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        step(self);
        self.burst = None;
        false
    }

    fn left(&mut self) {
        if self.cursor.col > 0 {
            self.cursor.col -= 1;
        } else if self.cursor.row > 0 {
            self.cursor.row -= 1;
            self.cursor.col = self.lines[self.cursor.row].chars;
        }
    }

    fn right(&mut self) {
        if self.cursor.col < self.lines[self.cursor.row].chars {
            self.cursor.col += 1;
        } else if self.cursor.row + 1 < self.lines.len() {
            self.cursor = Pos::new(self.cursor.row + 1, 0);
        }
    }

    fn go_to_end(&mut self) {
        let row = self.lines.len() - 1;
        self.cursor = Pos::new(row, self.lines[row].chars);
    }

    /// Where a word move from `from` leftwards lands.
    fn word_start_before(&self, from: Pos) -> Pos {
        if from.col == 0 {
            return if from.row > 0 {
                Pos::new(from.row - 1, self.lines[from.row - 1].chars)
            } else {
                from
            };
        }
        let chars: Vec<char> = self.lines[from.row].text.chars().take(from.col).collect();
        let mut col = chars.len();
        while col > 0 && chars[col - 1].is_whitespace() {
            col -= 1;
        }
        if col > 0 {
            let class = word_class(chars[col - 1]);
            while col > 0 && !chars[col - 1].is_whitespace() && word_class(chars[col - 1]) == class
            {
                col -= 1;
            }
        }
        Pos::new(from.row, col)
    }

    /// Where a word move from `from` rightwards lands.
    fn word_end_after(&self, from: Pos) -> Pos {
        let line = &self.lines[from.row];
        if from.col >= line.chars {
            return if from.row + 1 < self.lines.len() {
                Pos::new(from.row + 1, 0)
            } else {
                from
            };
        }
        let chars: Vec<char> = line.text.chars().collect();
        let mut col = from.col;
        if !chars[col].is_whitespace() {
            let class = word_class(chars[col]);
            while col < chars.len()
                && !chars[col].is_whitespace()
                && word_class(chars[col]) == class
            {
                col += 1;
            }
        }
        while col < chars.len() && chars[col].is_whitespace() {
            col += 1;
        }
        Pos::new(from.row, col)
    }

    fn word_left(&mut self) {
        self.cursor = self.word_start_before(self.cursor);
    }

    fn word_right(&mut self) {
        self.cursor = self.word_end_after(self.cursor);
    }

    // -----------------------------------------------------------------------------------
    // Edits
    // -----------------------------------------------------------------------------------

    fn type_char(&mut self, c: char) -> bool {
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

    fn char_before(&self, pos: Pos) -> Option<char> {
        let line = self.lines.get(pos.row)?;
        line.text[..byte_at(line, pos.col)].chars().next_back()
    }

    fn backspace(&mut self) -> bool {
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

    fn position_before(&self, pos: Pos) -> Pos {
        if pos.col > 0 {
            Pos::new(pos.row, pos.col - 1)
        } else if pos.row > 0 {
            Pos::new(pos.row - 1, self.lines[pos.row - 1].chars)
        } else {
            pos
        }
    }

    fn position_after(&self, pos: Pos) -> Pos {
        if pos.col < self.lines[pos.row].chars {
            Pos::new(pos.row, pos.col + 1)
        } else if pos.row + 1 < self.lines.len() {
            Pos::new(pos.row + 1, 0)
        } else {
            pos
        }
    }

    fn delete_forward(&mut self) -> bool {
        if self.selection().is_some() {
            return self.replace_selection("", None);
        }
        let to = self.position_after(self.cursor);
        self.delete_range(self.cursor, to, None)
    }

    fn delete_word_before(&mut self) -> bool {
        if self.selection().is_some() {
            return self.cut();
        }
        let from = self.word_start_before(self.cursor);
        self.kill(from, self.cursor)
    }

    fn delete_word_after(&mut self) -> bool {
        let to = self.word_end_after(self.cursor);
        self.kill(self.cursor, to)
    }

    /// Ctrl-K: the rest of the line, or the line break when at its end.
    fn delete_to_line_end(&mut self) -> bool {
        let chars = self.lines[self.cursor.row].chars;
        let to = if self.cursor.col < chars {
            Pos::new(self.cursor.row, chars)
        } else {
            self.position_after(self.cursor)
        };
        self.kill(self.cursor, to)
    }

    /// Deletes `from..to` into the yank buffer.
    fn kill(&mut self, from: Pos, to: Pos) -> bool {
        if from == to {
            return false;
        }
        self.yank = self.slice(from, to);
        self.anchor = None;
        self.delete_range(from, to, None)
    }

    fn delete_range(&mut self, from: Pos, to: Pos, burst: Option<Burst>) -> bool {
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

    fn cut(&mut self) -> bool {
        let Some((from, to)) = self.selection() else {
            return false;
        };
        self.kill(from, to)
    }

    fn paste_yank(&mut self) -> bool {
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

    fn replace_selection(&mut self, text: &str, burst: Option<Burst>) -> bool {
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

    fn after_edit(&mut self, burst: Option<Burst>) {
        self.burst = burst;
        self.want_x = None;
        self.anchor = None;
    }

    fn record(&mut self, edit: Edit) {
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

    fn undo(&mut self) -> bool {
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

    fn redo(&mut self) -> bool {
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

    fn clamp(&self, pos: Pos) -> Pos {
        let row = pos.row.min(self.lines.len() - 1);
        Pos::new(row, pos.col.min(self.lines[row].chars))
    }

    /// The text between two positions.
    fn slice(&self, from: Pos, to: Pos) -> String {
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

    fn byte_span(&self, from: Pos, to: Pos) -> usize {
        let start = byte_at(&self.lines[from.row], from.col);
        let end = byte_at(&self.lines[to.row], to.col);
        let between: usize = (from.row..to.row)
            .map(|r| self.lines[r].text.len() + 1)
            .sum();
        between + end - start
    }

    /// Inserts `text` at `at`; returns the position after it.
    fn raw_insert(&mut self, at: Pos, text: &str) -> Pos {
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
    fn rewrap_cached(&mut self, row: usize, old_rev: u64, start: Row, old_end: Row, new_end: Row) {
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
    fn raw_delete(&mut self, from: Pos, to: Pos) -> String {
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

    // -----------------------------------------------------------------------------------
    // Card numbers
    // -----------------------------------------------------------------------------------

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

    // -----------------------------------------------------------------------------------
    // The view: wrapping, scrolling, what the pane shows
    // -----------------------------------------------------------------------------------

    fn view(&self) -> MutexGuard<'_, View> {
        self.view
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The rows of line `row` at the view's width (cached by line revision).
    fn rows_of(&self, view: &mut View, row: usize) -> Arc<Vec<Row>> {
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
    fn visual(&self, view: &mut View, pos: Pos) -> (usize, usize) {
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
    fn page(&self) -> usize {
        self.view().height.saturating_sub(1).max(1)
    }

    /// Moves the cursor `by` screen rows, keeping its display column.
    fn vertical(&mut self, by: isize) {
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
    fn rows_between(
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
    fn rows_back(&self, view: &mut View, from: (usize, usize), back: usize) -> (usize, usize) {
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

/// Byte offset of character column `col` in `line` (its end if past it).
fn byte_at(line: &Line, col: usize) -> usize {
    if line.chars == line.text.len() {
        return col.min(line.text.len());
    }
    line.text
        .char_indices()
        .nth(col)
        .map_or(line.text.len(), |(b, _)| b)
}

/// Where inserting `text` at `at` ends.
fn end_of(at: Pos, text: &str) -> Pos {
    match text.rsplit_once('\n') {
        Some((before, last)) => Pos::new(
            at.row + before.matches('\n').count() + 1,
            last.chars().count(),
        ),
        None => Pos::new(at.row, at.col + text.chars().count()),
    }
}

/// Words are runs of letters and digits, or runs of other visible characters.
fn word_class(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '#'
}
