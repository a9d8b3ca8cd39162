use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::domain::text::sanitize_multiline;

fn key(editor: &mut NotesEditor, code: KeyCode, mods: KeyModifiers) -> bool {
    editor.key(KeyEvent::new(code, mods))
}

fn press(editor: &mut NotesEditor, code: KeyCode) -> bool {
    key(editor, code, KeyModifiers::NONE)
}

fn ctrl(editor: &mut NotesEditor, c: char) -> bool {
    key(editor, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_text(editor: &mut NotesEditor, text: &str) {
    for c in text.chars() {
        if c == '\n' {
            press(editor, KeyCode::Enter);
        } else {
            press(editor, KeyCode::Char(c));
        }
    }
}

/// The rows a `width`×`height` pane shows, hanging spaces trimmed.
fn shown(editor: &NotesEditor, width: u16, height: u16) -> Vec<String> {
    editor
        .layout(width, height)
        .rows
        .iter()
        .map(|row| {
            editor.line(row.line)[row.start..row.end]
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn typing_and_line_breaks_build_the_text() {
    let mut editor = NotesEditor::new("");
    type_text(&mut editor, "one\ntwo");
    assert_eq!(editor.text(), "one\ntwo");
    assert_eq!(editor.cursor(), Pos::new(1, 3));
    press(&mut editor, KeyCode::Backspace);
    press(&mut editor, KeyCode::Home);
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.text(), "onetw");
    assert_eq!(editor.cursor(), Pos::new(0, 3));
    press(&mut editor, KeyCode::Delete);
    assert_eq!(editor.text(), "onew");
    assert_eq!(editor.len(), 4);
}

#[test]
fn control_characters_never_enter_the_text() {
    let mut editor = NotesEditor::new("");
    for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}'] {
        assert!(!press(&mut editor, KeyCode::Char(c)));
    }
    assert_eq!(editor.text(), "");
    // Direction overrides are not controls to Rust, but would restyle the terminal.
    press(&mut editor, KeyCode::Char('\u{202E}'));
    assert_eq!(editor.text(), "\u{FFFD}");
}

#[test]
fn tags_are_never_split_and_continuations_never_start_with_a_space() {
    let editor = NotesEditor::new("the router drops #wifi-outage every #evening since");
    for width in 12..50 {
        for row in shown(&editor, width, 20) {
            assert!(!row.starts_with(' '), "{row:?} at width {width}");
            assert!(text_width(&row) <= usize::from(width));
            for word in row.split(' ').filter(|w| w.starts_with('#')) {
                assert!(
                    word == "#wifi-outage" || word == "#evening",
                    "{word:?} split at width {width}"
                );
            }
        }
    }
}

#[test]
fn long_words_break_by_glyph_and_wide_glyphs_stay_whole() {
    let editor = NotesEditor::new("id abcdefghijklmnop");
    assert_eq!(shown(&editor, 6, 10), ["id", "abcdef", "ghijkl", "mnop"]);
    let editor = NotesEditor::new("顧客は怒っている");
    let rows = shown(&editor, 5, 10);
    assert_eq!(rows, ["顧客", "は怒", "って", "いる"]);
}

#[test]
fn up_and_down_move_by_screen_rows_keeping_the_column() {
    let mut editor = NotesEditor::new("aaaa bbbb cccc\nxy");
    let _ = editor.layout(5, 10); // rows: "aaaa" "bbbb" "cccc" "xy"
    ctrl_home(&mut editor);
    press(&mut editor, KeyCode::Right);
    press(&mut editor, KeyCode::Right);
    press(&mut editor, KeyCode::Down);
    assert_eq!(editor.cursor(), Pos::new(0, 7), "the b row, column 2");
    press(&mut editor, KeyCode::Down);
    assert_eq!(editor.cursor(), Pos::new(0, 12));
    press(&mut editor, KeyCode::Down);
    assert_eq!(editor.cursor(), Pos::new(1, 2), "xy is shorter: its end");
    press(&mut editor, KeyCode::Up);
    assert_eq!(editor.cursor(), Pos::new(0, 12), "the column is kept");
    press(&mut editor, KeyCode::Up);
    press(&mut editor, KeyCode::Up);
    assert_eq!(editor.cursor(), Pos::new(0, 2));
    let screen = editor.layout(5, 10);
    assert_eq!(screen.cursor, Some((2, 0)));
}

fn ctrl_home(editor: &mut NotesEditor) {
    key(editor, KeyCode::Home, KeyModifiers::CONTROL);
}

#[test]
fn the_cursor_after_a_full_row_moves_to_a_row_of_its_own() {
    let mut editor = NotesEditor::new("");
    type_text(&mut editor, "abcd ");
    let screen = editor.layout(4, 5);
    assert_eq!(
        screen.cursor,
        Some((0, 1)),
        "after the space, on the next row"
    );
    type_text(&mut editor, "ef");
    assert_eq!(shown(&editor, 4, 5), ["abcd", "ef"]);
    assert_eq!(editor.layout(4, 5).cursor, Some((2, 1)));
}

#[test]
fn a_paste_is_one_undo_step_and_redo_brings_it_back() {
    let mut editor = NotesEditor::new("before ");
    let big: String = (0..20_000).map(|i| format!("line {i} #tag\n")).collect();
    assert_eq!(editor.paste(&big), Ok(true));
    type_text(&mut editor, "after");
    let full = editor.text();
    assert!(full.ends_with("line 19999 #tag\nafter"));
    assert_eq!(editor.line_count(), 20_001);
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), format!("before {big}"));
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), "before ");
    assert_eq!(editor.cursor(), Pos::new(0, 7));
    assert_eq!(editor.len(), 7);
    ctrl(&mut editor, 'r');
    ctrl(&mut editor, 'r');
    assert_eq!(editor.text(), full);
    assert_eq!(editor.len(), full.len());
}

#[test]
fn typing_undoes_by_word_and_backspaces_by_burst() {
    let mut editor = NotesEditor::new("");
    type_text(&mut editor, "one two");
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), "one");
    type_text(&mut editor, " three");
    press(&mut editor, KeyCode::Backspace);
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.text(), "one thr");
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), "one three");
    ctrl(&mut editor, 'u');
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), "");
    assert!(!ctrl(&mut editor, 'u'), "nothing left to undo");
}

#[test]
fn cr_crlf_and_lf_pastes_are_line_breaks() {
    for raw in ["a\rb\rc", "a\r\nb\r\nc", "a\nb\nc"] {
        let mut editor = NotesEditor::new("");
        editor.paste(&sanitize_multiline(raw)).unwrap();
        assert_eq!(editor.text(), "a\nb\nc", "{raw:?}");
        assert_eq!(editor.line_count(), 3);
        assert!(!editor.text().contains('\u{240D}'));
    }
}

#[test]
fn select_copy_cut_and_paste() {
    let mut editor = NotesEditor::new("hello wide world");
    key(&mut editor, KeyCode::Left, KeyModifiers::SHIFT);
    for _ in 0..4 {
        key(&mut editor, KeyCode::Left, KeyModifiers::SHIFT);
    }
    assert_eq!(editor.selection(), Some((Pos::new(0, 11), Pos::new(0, 16))));
    assert!(editor.copy());
    assert_eq!(editor.yanked(), "world");
    ctrl(&mut editor, 'x');
    assert_eq!(editor.text(), "hello wide ");
    ctrl_home(&mut editor);
    ctrl(&mut editor, 'y');
    assert_eq!(editor.text(), "worldhello wide ");
    // Typing over a selection replaces it.
    key(
        &mut editor,
        KeyCode::Right,
        KeyModifiers::SHIFT | KeyModifiers::CONTROL,
    );
    type_text(&mut editor, "X");
    assert_eq!(editor.text(), "worldXwide ");
    assert!(!editor.copy(), "nothing selected after typing");
    // A selection across lines.
    let mut editor = NotesEditor::new("ab\ncd");
    ctrl_home(&mut editor);
    press(&mut editor, KeyCode::Right);
    key(&mut editor, KeyCode::Down, KeyModifiers::SHIFT);
    ctrl(&mut editor, 'x');
    assert_eq!(editor.yanked(), "b\nc");
    assert_eq!(editor.text(), "ad");
    ctrl(&mut editor, 'u');
    assert_eq!(editor.text(), "ab\ncd");
}

#[test]
fn word_keys_and_kills() {
    let mut editor = NotesEditor::new("call back #billing tomorrow");
    key(&mut editor, KeyCode::Left, KeyModifiers::ALT);
    assert_eq!(editor.cursor(), Pos::new(0, 19));
    key(&mut editor, KeyCode::Left, KeyModifiers::CONTROL);
    assert_eq!(editor.cursor(), Pos::new(0, 10));
    ctrl(&mut editor, 'k');
    assert_eq!(editor.text(), "call back ");
    assert_eq!(editor.yanked(), "#billing tomorrow");
    ctrl(&mut editor, 'w');
    assert_eq!(editor.text(), "call ");
    key(&mut editor, KeyCode::Right, KeyModifiers::ALT);
    ctrl_home(&mut editor);
    key(&mut editor, KeyCode::Right, KeyModifiers::ALT);
    assert_eq!(editor.cursor(), Pos::new(0, 5));
    // Ctrl-K at a line's end joins the next line.
    let mut editor = NotesEditor::new("a\nb");
    ctrl_home(&mut editor);
    press(&mut editor, KeyCode::End);
    ctrl(&mut editor, 'k');
    assert_eq!(editor.text(), "ab");
}

#[test]
fn growing_the_pane_shows_the_lines_scrolled_off() {
    let mut editor = NotesEditor::new("");
    for i in 1..=10 {
        type_text(&mut editor, &format!("line {i}\n"));
    }
    type_text(&mut editor, "line 11");
    let small = shown(&editor, 60, 5);
    assert_eq!(small.first().map(String::as_str), Some("line 7"));
    assert_eq!(editor.layout(60, 5).cursor, Some((7, 4)));
    let large = shown(&editor, 140, 40);
    assert_eq!(large.len(), 11, "every line fits: {large:?}");
    assert_eq!(large[0], "line 1");
    assert_eq!(editor.layout(140, 40).cursor, Some((7, 10)));
}

#[test]
fn narrowing_the_pane_keeps_the_cursor_in_view() {
    let mut editor = NotesEditor::new(&"word ".repeat(200));
    let _ = editor.layout(200, 10);
    ctrl_home(&mut editor);
    for _ in 0..3 {
        press(&mut editor, KeyCode::Down);
    }
    // Narrow: the text takes many more rows; the cursor must still be shown.
    for (w, h) in [(20, 5), (7, 3), (1, 1), (80, 24)] {
        let screen = editor.layout(w, h);
        let (x, y) = screen.cursor.expect("cursor shown");
        assert!(x < w && y < h, "cursor at {x},{y} in {w}x{h}");
        assert_eq!(screen.rows.len(), usize::from(h).min(screen.rows.len()));
    }
}

#[test]
fn page_keys_move_by_a_pane() {
    let text: String = (0..100).map(|i| format!("{i}\n")).collect();
    let mut editor = NotesEditor::new(&text);
    let _ = editor.layout(20, 10);
    press(&mut editor, KeyCode::PageUp);
    assert_eq!(editor.cursor().row, 91);
    press(&mut editor, KeyCode::PageUp);
    assert_eq!(editor.cursor().row, 82);
    let screen = editor.layout(20, 10);
    assert_eq!(screen.cursor.map(|c| c.1), Some(0));
    press(&mut editor, KeyCode::PageDown);
    assert_eq!(editor.cursor().row, 91);
}

#[test]
fn a_paste_past_the_limit_changes_nothing() {
    let mut editor = NotesEditor::new("kept");
    let huge = "x".repeat(MAX_NOTES_BYTES);
    assert_eq!(editor.paste(&huge), Err(TooLarge));
    assert_eq!(editor.text(), "kept");
    assert!(!ctrl(&mut editor, 'u'), "no undo step either");
    assert_eq!(editor.paste(&"y".repeat(MAX_NOTES_BYTES - 4)), Ok(true));
    assert!(
        !press(&mut editor, KeyCode::Char('z')),
        "full: typing stops"
    );
}

#[test]
fn card_numbers_are_masked_once_and_only_in_changed_lines() {
    let mut editor = NotesEditor::new("old line\ncard 4111 1111 1111 1111 ok");
    assert_eq!(editor.mask_cards(), 1);
    assert_eq!(editor.text(), "old line\ncard [card ****1111] ok");
    assert_eq!(editor.cursor(), Pos::new(1, editor.line(1).chars().count()));
    assert_eq!(editor.mask_cards(), 0);
    type_text(&mut editor, " 5500 0000 0000 0004");
    assert_eq!(editor.mask_cards(), 1);
    assert!(editor.text().ends_with("ok [card ****0004]"));
    assert!(
        !ctrl(&mut editor, 'u'),
        "undo cannot bring a card number back"
    );
}

#[test]
fn the_cursor_at_the_end_of_a_full_row_stays_inside_the_pane() {
    let mut editor = NotesEditor::new("");
    type_text(&mut editor, "abcd");
    assert_eq!(editor.layout(4, 3).cursor, Some((3, 0)));
    type_text(&mut editor, "e");
    assert_eq!(shown(&editor, 4, 3), ["abcd", "e"]);
    assert_eq!(editor.layout(4, 3).cursor, Some((1, 1)));
}

/// Checks what every edit must keep true: sizes and counts match the text.
fn assert_consistent(editor: &NotesEditor) {
    let text = editor.text();
    assert_eq!(editor.len(), text.len());
    assert_eq!(editor.line_count(), text.split('\n').count());
    for line in &editor.lines {
        assert_eq!(line.chars, line.text.chars().count());
    }
    let cursor = editor.cursor();
    assert!(cursor.row < editor.line_count());
    assert!(cursor.col <= editor.lines[cursor.row].chars);
}

proptest::proptest! {
    #[test]
    fn any_edits_keep_the_text_consistent_and_undo_restores_it(
        start in "[a-c é日\n]{0,30}",
        keys in proptest::collection::vec(0u8..22, 0..120),
        width in 1u16..12,
    ) {
        let mut editor = NotesEditor::new(&start);
        let _ = editor.layout(width, 4);
        for k in keys {
            let shift = KeyModifiers::SHIFT;
            match k {
                0 => { press(&mut editor, KeyCode::Char('x')); }
                1 => { press(&mut editor, KeyCode::Char(' ')); }
                2 => { press(&mut editor, KeyCode::Char('日')); }
                3 => { press(&mut editor, KeyCode::Enter); }
                4 => { press(&mut editor, KeyCode::Backspace); }
                5 => { press(&mut editor, KeyCode::Delete); }
                6 => { press(&mut editor, KeyCode::Left); }
                7 => { press(&mut editor, KeyCode::Right); }
                8 => { press(&mut editor, KeyCode::Up); }
                9 => { press(&mut editor, KeyCode::Down); }
                10 => { key(&mut editor, KeyCode::Left, shift); }
                11 => { key(&mut editor, KeyCode::Down, shift); }
                12 => { ctrl(&mut editor, 'x'); }
                13 => { ctrl(&mut editor, 'y'); }
                14 => { ctrl(&mut editor, 'u'); }
                15 => { ctrl(&mut editor, 'r'); }
                16 => { ctrl(&mut editor, 'k'); }
                17 => { ctrl(&mut editor, 'w'); }
                18 => { let _ = editor.paste("p\nq é"); }
                19 => { key(&mut editor, KeyCode::Right, KeyModifiers::ALT); }
                20 => { press(&mut editor, KeyCode::PageUp); }
                _ => { press(&mut editor, KeyCode::End); }
            }
            assert_consistent(&editor);
            let screen = editor.layout(width, 4);
            let (x, y) = screen.cursor.expect("the cursor is always shown");
            proptest::prop_assert!(x < width && y < 4);
        }
        while ctrl(&mut editor, 'u') {}
        proptest::prop_assert_eq!(editor.text(), start);
    }
}

#[test]
fn a_long_line_rewrapped_after_each_edit_matches_a_fresh_wrap() {
    let long = "the router drops #wifi every evening ".repeat(200);
    let mut editor = NotesEditor::new(&long);
    let _ = editor.layout(37, 10);
    let check = |editor: &NotesEditor| {
        let mut view = editor.view();
        let cached = editor.rows_of(&mut view, 0);
        assert_eq!(*cached, wrap(editor.line(0), 37));
    };
    // Type at the end, in the middle, delete, with a draw between edits and without.
    type_text(&mut editor, "more words #tag");
    let _ = editor.layout(37, 10);
    check(&editor);
    for (i, step) in [3usize, 500, 1_000, 2_000, 5_000, 7_000].iter().enumerate() {
        key(&mut editor, KeyCode::Home, KeyModifiers::NONE);
        for _ in 0..*step {
            press(&mut editor, KeyCode::Right);
        }
        type_text(&mut editor, "inserted text ");
        press(&mut editor, KeyCode::Backspace);
        press(&mut editor, KeyCode::Delete);
        if i % 2 == 0 {
            let _ = editor.layout(37, 10);
        }
        check(&editor);
    }
}

#[test]
fn a_line_of_spaces_hangs_past_its_first_row() {
    let mut editor = NotesEditor::new(&" ".repeat(50));
    let screen = editor.layout(10, 4);
    // Spaces that do not fit hang; the cursor after them gets the next row.
    assert_eq!(screen.rows.len(), 2);
    assert_eq!(screen.cursor, Some((0, 1)));
    type_text(&mut editor, "word");
    assert_eq!(shown(&editor, 10, 4), ["", "word"]);
}
