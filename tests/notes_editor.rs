//! The notes editor through the real keymap, reducer and store: megabyte pastes saved
//! and still typeable, line ends of every kind, resizing that never hides text, and a
//! cursor and highlights that show without colour.

mod support;

use fourroads::app::notes_editor::MAX_NOTES_BYTES;
use fourroads::app::{Action, Effect, Overlay};
use fourroads::store::Store;
use fourroads::ui::{Theme, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use support::Harness;

/// A demo app with a call open on the first customer, typing into its notes.
fn on_call() -> Harness {
    let mut app = Harness::with_demo();
    app.press("enter");
    assert!(app.state.call.is_some(), "Enter starts a call");
    app
}

fn call_id(app: &Harness) -> fourroads::domain::Id {
    app.state.call.as_ref().unwrap().call.id
}

fn notes(app: &Harness) -> String {
    app.state.call.as_ref().unwrap().text()
}

/// About 1 MB of notes, `line_end` between lines.
fn megabyte(line_end: &str) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1024 * 1024 {
        text.push_str(&format!(
            "{i:06} the customer said the router drops #wifi{line_end}"
        ));
        i += 1;
    }
    text
}

#[test]
fn a_megabyte_paste_is_saved_and_typing_goes_on() {
    let mut app = on_call();
    let id = call_id(&app);
    let pasted = megabyte("\r");
    app.dispatch(Action::Paste(pasted.clone()));
    let expected = pasted.replace('\r', "\n");
    assert_eq!(notes(&app), expected, "every CR is a line break");
    app.autosave();
    assert!(
        app.effects
            .iter()
            .any(|e| matches!(e, Effect::SaveNotes { text, .. } if text.len() == expected.len())),
        "the autosave wrote the whole paste"
    );
    assert_eq!(app.store.notes(id).unwrap(), expected);
    // The screen is drawn from the end of the paste, and typing lands after it.
    let screen = app.render(200, 50);
    assert!(screen.contains("the router drops #wifi"), "{screen}");
    app.type_text("and after");
    app.press("enter");
    app.type_text("the paste #typed");
    app.autosave();
    let saved = app.store.notes(id).unwrap();
    assert_eq!(saved, format!("{expected}and after\nthe paste #typed"));
    let screen = app.render(200, 50);
    assert!(screen.contains("the paste #typed"), "{screen}");
}

#[test]
fn a_paste_over_the_limit_is_refused_and_changes_nothing() {
    let mut app = on_call();
    app.type_text("kept");
    app.autosave();
    let saves = app.effects.len();
    app.dispatch(Action::Paste("x".repeat(MAX_NOTES_BYTES + 1)));
    assert_eq!(notes(&app), "kept");
    let message = app.message();
    assert!(
        message.starts_with("Not pasted: the notes would pass 8 MB"),
        "{message}"
    );
    assert!(!app.state.call.as_ref().unwrap().is_dirty());
    app.autosave();
    assert_eq!(app.effects.len(), saves, "nothing to save");
    // Just under the limit after cleaning, but over it as a whole with what is there.
    app.dispatch(Action::Paste("y".repeat(MAX_NOTES_BYTES - 2)));
    assert_eq!(notes(&app), "kept");
    assert!(app.message().starts_with("Not pasted"));
}

#[test]
fn crlf_and_lf_pastes_are_line_breaks_too() {
    let mut app = on_call();
    app.dispatch(Action::Paste("one\r\ntwo\nthree\rfour".into()));
    assert_eq!(notes(&app), "one\ntwo\nthree\nfour");
    let screen = app.render(120, 40);
    assert!(!screen.contains('\u{240D}'), "no ␍ on screen:\n{screen}");
}

#[test]
fn a_line_break_pasted_into_a_one_line_field_is_a_space() {
    let mut app = Harness::with_demo();
    app.press("a");
    assert!(matches!(app.state.overlay, Some(Overlay::AddCustomer(_))));
    app.dispatch(Action::Paste("Ann\rLee\r\n".into()));
    let Some(Overlay::AddCustomer(form)) = &app.state.overlay else {
        panic!("the form closed");
    };
    assert_eq!(form.fields[0].lines(), ["Ann Lee "]);
    // The queue filter too.
    let mut app = Harness::with_demo();
    app.press("/");
    app.dispatch(Action::Paste("helen\rmarsh".into()));
    assert_eq!(app.state.queue.filter, "helen marsh");
}

#[test]
fn growing_the_window_shows_the_first_lines_again() {
    let mut app = on_call();
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    ];
    app.render(80, 24);
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            app.press("enter");
        }
        app.type_text(&format!("{word} line"));
    }
    let small = app.render(80, 24);
    assert!(
        !small.contains("alpha line"),
        "80×24 is too small for ten lines:\n{small}"
    );
    let large = app.render(160, 50);
    for word in words {
        assert!(
            large.contains(&format!("{word} line")),
            "{word} is hidden at 160×50:\n{large}"
        );
    }
    // And back: the cursor's line stays on screen.
    let small = app.render(80, 24);
    assert!(small.contains("juliet line"), "{small}");
}

/// The buffer of one frame drawn with `NO_COLOR`.
fn draw_no_color(app: &mut Harness, width: u16, height: u16) -> Buffer {
    app.dispatch(Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let theme = Theme::new(true);
    terminal
        .draw(|frame| render(frame, &app.state, &theme, &app.keymap))
        .unwrap();
    terminal.backend().buffer().clone()
}

/// Where `needle` starts on screen (column, row).
fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    let area = buffer.area;
    for y in 0..area.height {
        let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(at) = row.find(needle) {
            return (row[..at].chars().count() as u16, y);
        }
    }
    panic!("{needle:?} is not on screen");
}

#[test]
fn without_colour_the_cursor_tags_and_stories_still_show() {
    let mut app = on_call();
    app.type_text("router drops #wifi daily\n> I work from home");
    let buffer = draw_no_color(&mut app, 120, 40);
    // The cursor at the end of the line: a reversed space.
    let (x, y) = find(&buffer, "> I work from home");
    let cursor = &buffer[(x + 18, y)];
    assert_eq!(cursor.symbol(), " ");
    assert!(
        cursor.modifier.contains(Modifier::REVERSED),
        "no visible cursor after the text: {cursor:?}"
    );
    // The story line and the tag carry a modifier; the plain words do not.
    assert!(buffer[(x + 2, y)].modifier.contains(Modifier::UNDERLINED));
    let (x, y) = find(&buffer, "#wifi");
    assert!(buffer[(x, y)].modifier.contains(Modifier::UNDERLINED));
    assert!(buffer[(x + 4, y)].modifier.contains(Modifier::UNDERLINED));
    let (x, y) = find(&buffer, "router");
    assert!(buffer[(x, y)].modifier.is_empty());
    // In the middle of a line the cursor reverses the character under it.
    app.press("home");
    let buffer = draw_no_color(&mut app, 120, 40);
    let (x, y) = find(&buffer, "> I work from home");
    assert!(buffer[(x, y)].modifier.contains(Modifier::REVERSED));
    assert!(!buffer[(x + 18, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn wrapped_notes_keep_tags_whole_on_screen() {
    let mut app = on_call();
    let text = "the customer reports that the router drops every evening #wifi-outage and wants a visit #engineer";
    app.type_text(text);
    for width in [80u16, 100, 120, 160] {
        let screen = app.render(width, 40);
        for tag in ["#wifi-outage", "#engineer"] {
            assert!(
                screen.contains(tag),
                "{tag} split at {width} columns:\n{screen}"
            );
        }
    }
}

#[test]
fn alt_c_copies_the_selection_and_ctrl_y_pastes_it() {
    let mut app = on_call();
    app.type_text("refund due");
    for _ in 0..3 {
        app.press("shift-left");
    }
    app.press("alt-c");
    assert_eq!(app.message(), "Copied; Ctrl-Y pastes.");
    app.press("end");
    app.type_text(" ");
    app.press("ctrl-y");
    assert_eq!(notes(&app), "refund due due");
    app.press("alt-c");
    assert!(app.message().starts_with("Nothing selected"));
}

#[test]
fn without_colour_the_cursor_shows_after_a_row_typed_full() {
    let mut app = on_call();
    let buffer = draw_no_color(&mut app, 120, 40);
    let (left, top) = find(&buffer, "┌ Notes");
    let right = (left + 1..120)
        .find(|&x| buffer[(x, top)].symbol() == "┐")
        .expect("the notes pane's right corner");
    let width = usize::from(right - left - 1);
    for typed in ["x".repeat(width), format!("{} ", "y".repeat(width - 1))] {
        app.press("ctrl-u");
        app.type_text(&typed);
        let buffer = draw_no_color(&mut app, 120, 40);
        let reversed = (top + 1..top + 6).any(|y| {
            (left + 1..right).any(|x| buffer[(x, y)].modifier.contains(Modifier::REVERSED))
        });
        assert!(reversed, "no cursor after typing {} columns", typed.len());
    }
}
