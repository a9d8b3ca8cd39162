//! Note snippets: Ctrl-T while typing notes opens a picker; Enter inserts the chosen
//! snippet at the cursor (saved like typing), Esc changes nothing.

mod support;

use fourroads::store::Store;
use insta::assert_snapshot;
use support::Harness;

#[test]
fn a_chosen_snippet_goes_into_the_notes_at_the_cursor_and_is_saved() {
    let mut app = Harness::with_demo();
    app.press("enter");
    let call_id = app.state.call.as_ref().unwrap().call.id;
    app.type_text("Called about the charge. ");
    app.autosave();
    app.press("ctrl-t");
    assert!(app.state.overlay.is_some(), "the picker is open");
    app.type_text("rfnd");
    // Typing in the picker filters it; it never reaches the notes.
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        "Called about the charge. "
    );
    app.press("enter");
    assert!(app.state.overlay.is_none());
    let expected = "Called about the charge. Refund issued; 5–7 working days to reach the account.";
    assert_eq!(app.state.call.as_ref().unwrap().text(), expected);
    assert!(app.state.autosave_deadline().is_some(), "an edit to save");
    app.autosave();
    assert_eq!(app.store.notes(call_id).unwrap(), expected);
    // Typing goes on after the inserted text.
    app.type_text(" Thanked her.");
    assert!(
        app.state
            .call
            .as_ref()
            .unwrap()
            .text()
            .ends_with("account. Thanked her.")
    );
}

#[test]
fn up_and_down_choose_and_cancel_changes_nothing() {
    let mut app = Harness::with_demo();
    app.press("enter");
    app.type_text("x");
    app.autosave();
    app.press("ctrl-t");
    app.press("down");
    app.press("esc");
    assert!(app.state.overlay.is_none(), "Esc closes the picker");
    assert_eq!(app.state.call.as_ref().unwrap().text(), "x");
    assert_eq!(app.state.autosave_deadline(), None, "nothing to save");
    // Down then Enter inserts the second snippet, not the first.
    let second = app.state.snippets[1].text.clone();
    app.press("ctrl-t");
    app.press("down");
    app.press("enter");
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        format!("x{second}")
    );
}

#[test]
fn a_query_matching_nothing_inserts_nothing() {
    let mut app = Harness::with_demo();
    app.press("enter");
    app.press("ctrl-t");
    app.type_text("qqqqzzzz");
    app.press("enter");
    assert!(app.state.overlay.is_none());
    assert_eq!(app.state.call.as_ref().unwrap().text(), "");
    assert_eq!(app.state.autosave_deadline(), None);
}

#[test]
fn snippets_come_only_while_typing_notes() {
    let mut app = Harness::with_demo();
    app.press("ctrl-t");
    assert!(app.state.overlay.is_none(), "no call, no picker");
    app.press("enter");
    app.press("esc"); // to the road pane
    app.press("ctrl-t");
    assert!(app.state.overlay.is_none(), "only while typing notes");
}

#[test]
fn the_picker_at_80x24() {
    let mut app = Harness::with_demo();
    app.press("enter");
    app.type_text("Customer rang about a double charge. ");
    app.press("ctrl-t");
    app.type_text("ref");
    assert_snapshot!("snippets_80x24", app.render(80, 24));
}

#[test]
fn the_picker_keys_follow_the_users_overrides() {
    let mut app = Harness::with_demo();
    let mut keys = fourroads::input::keymap::KeyOverrides::new();
    keys.insert(
        "notes".into(),
        [("alt-s".to_string(), "snippets".to_string())].into(),
    );
    keys.insert(
        "snippets".into(),
        [
            ("enter".to_string(), "none".to_string()),
            ("ctrl-s".to_string(), "confirm".to_string()),
        ]
        .into(),
    );
    app.keymap = fourroads::input::Keymap::with_overrides(&keys).unwrap();
    app.press("enter");
    app.press("alt-s");
    assert!(app.state.overlay.is_some(), "alt-s opens the picker");
    app.type_text("no answer");
    app.press("enter");
    assert!(
        app.state.overlay.is_some(),
        "Enter is unbound in the picker"
    );
    app.press("ctrl-s");
    assert!(app.state.overlay.is_none());
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        "Called, no answer; left a voicemail with our number."
    );
    // Wide enough for every hint of the notes pane.
    let screen = app.render(160, 50);
    assert!(screen.contains("Alt-S snippet"), "{screen}");
}

#[test]
fn control_characters_in_a_leads_file_never_reach_the_screen_or_the_notes() {
    let mut app = Harness::with_demo();
    app.state.snippets = fourroads::app::snippets::parse(
        "[[snippet]]\nname = \"evil\\u001b[2J\"\ntext = \"wipe\\u001b]52;c;aGk=\\u0007 done\"\n",
    )
    .unwrap();
    app.press("enter");
    app.press("ctrl-t");
    let screen = app.render(80, 24);
    assert!(screen.contains("evil"), "{screen}");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen:?}"
    );
    app.press("enter");
    let notes = app.state.call.as_ref().unwrap().text();
    assert!(
        notes.starts_with("wipe") && notes.ends_with(" done"),
        "{notes:?}"
    );
    assert!(
        !notes.contains('\u{1b}') && !notes.contains('\u{7}'),
        "{notes:?}"
    );
}
