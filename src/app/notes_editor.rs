//! The notes editor of the active call: text as lines, a cursor and selection, undo and
//! redo as inverse operations (never snapshots, so a megabyte paste costs its size once),
//! a yank buffer, and a soft-wrap view that wraps only the lines around what is shown.
//!
//! The wrap width and height are those of the pane at the last draw. `ui` is pure
//! (`&State`), so the editor keeps its view (size, top row, wrap cache) behind a `Mutex`
//! that [`NotesEditor::layout`] updates while drawing, as the pane size is only known
//! there; the keys that move by screen rows (↑ ↓ PgUp PgDn) read it back. After any
//! resize the next layout keeps the cursor visible and fills the pane with text.

mod edit;
mod view;
mod wrap;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
