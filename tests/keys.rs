//! Every key goes through the keymap: overrides reach the overlays and the queue's filter
//! line, and the hint bar, the help overlay and the palette show what can be done where
//! they are, with the keys that do it there.

mod support;

use std::collections::BTreeMap;

use fourroads::app::{Command, Overlay, Place, View, available};
use fourroads::domain::call::Role;
use fourroads::input::Keymap;
use fourroads::input::keymap::KeyOverrides;
use support::Harness;

const LEAD: &str = "Jordan Reyes";

fn overrides(context: &str, keys: &[(&str, &str)]) -> Keymap {
    let mut overrides = KeyOverrides::new();
    overrides.insert(
        context.into(),
        keys.iter()
            .map(|(k, c)| (k.to_string(), c.to_string()))
            .collect::<BTreeMap<_, _>>(),
    );
    Keymap::with_overrides(&overrides).unwrap()
}

#[test]
fn a_prompt_saves_with_the_key_the_user_bound() {
    let mut app = Harness::with_demo();
    app.keymap = overrides("prompt", &[("ctrl-s", "confirm"), ("enter", "none")]);
    app.press("f3");
    app.press("/");
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
    app.type_text("#billing");
    // Enter is unbound here now: it neither saves nor lands in the field.
    app.press("enter");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("Enter closed the prompt although it is unbound");
    };
    assert_eq!(prompt.text(), "#billing");
    app.press("ctrl-s");
    assert!(
        app.state.overlay.is_none(),
        "ctrl-s did not save the prompt"
    );
    assert_eq!(app.state.review.filters.tag.as_deref(), Some("billing"));
    // The hint bar says so.
    app.press("/");
    let screen = app.render(80, 24);
    assert!(screen.contains("Ctrl-S done"), "{screen}");
    assert!(!screen.contains("Enter done"), "{screen}");
}

#[test]
fn the_palette_closes_with_the_key_the_user_bound_and_not_with_esc() {
    let mut app = Harness::with_demo();
    app.keymap = overrides("palette", &[("esc", "none"), ("ctrl-g", "cancel")]);
    app.press(":");
    assert!(matches!(app.state.overlay, Some(Overlay::Palette(_))));
    app.press("esc");
    assert!(
        matches!(app.state.overlay, Some(Overlay::Palette(_))),
        "Esc still closes the palette"
    );
    app.press("ctrl-g");
    assert!(app.state.overlay.is_none());
}

#[test]
fn form_welcome_help_and_filter_keys_follow_overrides() {
    // Welcome: the demo key moves to l, and the screen says so.
    let mut app = Harness::empty();
    app.keymap = overrides("welcome", &[("d", "none"), ("l", "load_demo")]);
    let screen = app.render(80, 24);
    assert!(screen.contains("l  Load the demo data"), "{screen}");
    assert!(!screen.contains("d  Load the demo data"), "{screen}");
    app.press("d");
    assert_eq!(app.state.queue.total(), 0);
    app.press("l");
    assert!(app.state.queue.total() > 0);

    // Form: ctrl-n moves to the next field instead of Tab.
    let mut app = Harness::with_demo();
    app.keymap = overrides("form", &[("tab", "none"), ("ctrl-n", "next_field")]);
    app.press("a");
    app.press("tab");
    let focused = |app: &Harness| match &app.state.overlay {
        Some(Overlay::AddCustomer(form)) => form.focused,
        _ => usize::MAX,
    };
    assert_eq!(focused(&app), 0);
    app.press("ctrl-n");
    assert_eq!(focused(&app), 1);

    // Help: x closes it.
    let mut app = Harness::with_demo();
    app.keymap = overrides("help", &[("x", "cancel")]);
    app.press("f1");
    app.press("x");
    assert!(app.state.overlay.is_none());

    // The queue filter line: ctrl-k keeps the filter, Enter no longer does.
    let mut app = Harness::with_demo();
    app.keymap = overrides("filter", &[("enter", "none"), ("ctrl-k", "confirm")]);
    app.press("/");
    app.type_text("moira");
    app.press("enter");
    assert!(app.state.queue.filter_editing);
    app.press("ctrl-k");
    assert!(!app.state.queue.filter_editing);
    assert_eq!(app.state.queue.filter, "moira");
}

#[test]
fn a_form_field_error_goes_when_that_field_is_edited() {
    let mut app = Harness::with_demo();
    app.press("a");
    app.press("tab");
    app.press("tab");
    app.type_text("not an email");
    app.press("enter");
    let screen = app.render(80, 24);
    assert!(screen.contains("a name is required"), "{screen}");
    assert!(screen.contains("name@example.com"), "{screen}");
    // The form went back to the name; typing it clears its error, the email's stays.
    app.type_text("Ann");
    let screen = app.render(80, 24);
    assert!(!screen.contains("a name is required"), "{screen}");
    assert!(screen.contains("name@example.com"), "{screen}");
}

fn palette_rows(app: &mut Harness) -> Vec<(Command, String, String)> {
    app.press(":");
    let rows = match &app.state.overlay {
        Some(Overlay::Palette(palette)) => palette
            .items
            .iter()
            .map(|item| (item.command, item.description.clone(), item.keys.clone()))
            .collect(),
        _ => panic!("the palette did not open"),
    };
    app.press("esc");
    rows
}

fn assert_keys_once(rows: &[(Command, String, String)]) {
    for (command, _, keys) in rows {
        let keys: Vec<&str> = keys.split('/').filter(|k| !k.is_empty()).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            keys.len(),
            "{command:?} repeats a key: {keys:?}"
        );
    }
}

#[test]
fn the_palette_offers_only_what_works_here_with_each_key_once() {
    let review_only = [
        Command::NextUnreviewed,
        Command::Comment,
        Command::Acknowledge,
        Command::CycleAgent,
        Command::CycleRoadFilter,
        Command::ToggleUnreviewed,
        Command::ToggleDisagreements,
        Command::ToggleCases,
        Command::CloseCase,
        Command::Refresh,
        Command::Export,
    ];
    // An agent in the Agent view.
    let mut app = Harness::with_demo();
    let rows = palette_rows(&mut app);
    assert_keys_once(&rows);
    for (command, _, _) in &rows {
        assert!(!review_only.contains(command), "{command:?} offered in F2");
        assert!(command.road().is_none(), "a road is offered without a call");
    }
    let up = rows.iter().find(|r| r.0 == Command::Up).unwrap();
    assert_eq!(up.2, "↑/k");
    assert_eq!(up.1, "Previous customer");

    // An agent in the Review view: nothing only a lead may do.
    app.press("f3");
    let rows = palette_rows(&mut app);
    assert_keys_once(&rows);
    let lead_only = [
        Command::Road1,
        Command::Road2,
        Command::Road3,
        Command::Road4,
        Command::Comment,
        Command::CycleAgent,
        Command::DueLater,
        Command::DueEarlier,
        Command::CloseCase,
    ];
    for (command, _, _) in &rows {
        assert!(
            !lead_only.contains(command),
            "{command:?} offered to an agent"
        );
    }
    assert!(rows.iter().any(|r| r.0 == Command::Acknowledge));

    // A lead in the Review view is offered reviewing, with both road keys once each.
    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f3");
    let rows = palette_rows(&mut app);
    assert_keys_once(&rows);
    assert!(rows.iter().any(|r| r.0 == Command::Comment));
    let road = rows.iter().find(|r| r.0 == Command::Road2).unwrap();
    assert_eq!(road.2, "Alt-2/2");
}

#[test]
fn help_lists_only_what_this_user_can_do_in_this_view() {
    let mut app = Harness::with_demo();
    app.press("f3");
    app.press("f1");
    let screen = app.render(120, 40);
    assert!(screen.contains("Acknowledge"), "{screen}");
    assert!(!screen.contains("Comment on your review"), "{screen}");
    assert!(!screen.contains("Close the case"), "{screen}");
    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f3");
    app.press("f1");
    let screen = app.render(120, 40);
    assert!(screen.contains("Comment on your review"), "{screen}");
}

/// The hint bar at 80×24 shows every essential command available now with its keys;
/// navigation it leaves out is behind "more".
fn assert_hints_complete(app: &mut Harness, what: &str) {
    app.state.message = None;
    let screen = app.render(80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    // Each line as drawn, with the space that ends every hint.
    let bar: Vec<String> = lines[lines.len() - 2..]
        .iter()
        .map(|line| format!("{line} "))
        .collect();
    let bar = bar.join("\n");
    let now = available(&app.state);
    let mut missing_navigation = false;
    for &command in &now.commands {
        let keys = app.keymap.key_label(command, &now.contexts);
        if keys.is_empty() {
            continue;
        }
        let hint = app.keymap.hint(command, &now.contexts).unwrap_or_default();
        let shown = if command.road().is_some() {
            // The four roads show as one range from road 1's key.
            let first = app.keymap.keys_for(Command::Road1, &now.contexts)[0].to_string();
            bar.contains(&format!(" {first}…"))
        } else if matches!(command, Command::Up | Command::Down) {
            // Up and down may show as one hint ("↑↓/kj move").
            let first = |c: Command| app.keymap.keys_for(c, &now.contexts)[0].to_string();
            let merged = format!(" {}{}", first(Command::Up), first(Command::Down));
            bar.contains(&format!(" {keys} {hint} ")) || bar.contains(&merged)
        } else {
            bar.contains(&format!(" {keys} {hint} "))
        };
        if command.is_essential() {
            assert!(
                shown,
                "{what}: {command:?} ({keys} {hint}) missing from\n{bar}"
            );
        } else if !shown {
            missing_navigation = true;
        }
    }
    if missing_navigation && now.accepts(Command::Help) {
        assert!(bar.contains(" more "), "{what}: no \"more\" in\n{bar}");
    }
}

#[test]
fn the_hint_bar_at_80x24_shows_every_key_that_matters() {
    let mut app = Harness::with_demo();
    assert_eq!(Place::of(&app.state), Place::Queue);
    assert_hints_complete(&mut app, "queue");
    app.press("tab");
    assert_eq!(Place::of(&app.state), Place::Customer);
    assert_hints_complete(&mut app, "customer");
    app.press("shift-tab");
    app.press("/");
    assert_eq!(Place::of(&app.state), Place::QueueFilter);
    assert_hints_complete(&mut app, "queue filter");
    app.press("esc");
    app.press("enter");
    assert_eq!(Place::of(&app.state), Place::Notes);
    assert_hints_complete(&mut app, "notes");
    app.press("esc");
    assert_eq!(Place::of(&app.state), Place::Road);
    assert_hints_complete(&mut app, "road pane");
    let bar = app.render(80, 24);
    for key in [
        " o outcome",
        " ] due+1d",
        " [ due-1d",
        " s status",
        " r reason",
    ] {
        assert!(bar.contains(key), "{key} missing:\n{bar}");
    }
    app.press(":");
    assert_hints_complete(&mut app, "palette");
    app.press("esc");
    app.press("f1");
    assert_hints_complete(&mut app, "help");
    app.press("esc");
    app.press("f3");
    assert_hints_complete(&mut app, "review calls (agent)");
    app.press("o");
    assert_hints_complete(&mut app, "review cases (agent)");
    app.press("f4");
    assert_eq!(app.state.view, View::Dashboard);
    assert_hints_complete(&mut app, "dashboard");
    app.press("f2");
    app.press("a");
    assert_hints_complete(&mut app, "add-customer form");

    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f3");
    assert_hints_complete(&mut app, "review calls (lead)");
    app.press("/");
    assert_hints_complete(&mut app, "review filter prompt");
    app.press("esc");
    app.press("o");
    assert_hints_complete(&mut app, "review cases (lead)");

    let mut app = Harness::empty();
    assert_hints_complete(&mut app, "welcome");
}

#[test]
fn the_title_and_pane_texts_name_the_keys_the_user_bound() {
    let mut app = Harness::empty();
    let mut keys = KeyOverrides::new();
    keys.insert(
        "global".into(),
        BTreeMap::from([
            ("f3".to_string(), "none".to_string()),
            ("f5".to_string(), "view_review".to_string()),
        ]),
    );
    keys.insert(
        "queue".into(),
        BTreeMap::from([
            ("a".to_string(), "none".to_string()),
            ("n".to_string(), "add_customer".to_string()),
        ]),
    );
    app.keymap = Keymap::with_overrides(&keys).unwrap();
    app.press("esc");
    let screen = app.render(80, 24);
    assert!(screen.contains(" F5 Review "), "{screen}");
    assert!(!screen.contains("F3"), "{screen}");
    assert!(screen.contains("Press n to"), "{screen}");
}

#[test]
fn the_hint_bar_at_80x24_shows_the_context_panel_the_past_call_and_the_one_call_question() {
    let mut app = Harness::with_demo();
    app.find("helen");
    app.press("enter");
    app.press("esc");
    app.press("tab");
    assert_eq!(Place::of(&app.state), Place::CallContext);
    assert_hints_complete(&mut app, "call context");
    app.press("enter");
    assert_eq!(Place::of(&app.state), Place::PastCall);
    assert_hints_complete(&mut app, "past call");
    assert!(app.render(80, 24).contains(" Esc back "));
    app.press("esc");
    app.press("tab");
    assert_eq!(Place::of(&app.state), Place::Queue);
    app.press("esc");
    app.press("down");
    app.press("enter");
    assert_eq!(Place::of(&app.state), Place::SwitchCall);
    assert_hints_complete(&mut app, "one call at a time");
    app.press("f1");
    assert_eq!(Place::of(&app.state), Place::SwitchCall, "help waits");
}

#[test]
fn messages_name_the_users_own_key_not_the_default() {
    let mut app = Harness::with_demo();
    let mut overrides = KeyOverrides::new();
    overrides.insert(
        "global".into(),
        BTreeMap::from([
            ("f9".to_string(), "wrap_up".to_string()),
            ("ctrl-e".to_string(), "none".to_string()),
        ]),
    );
    app.keymap = Keymap::with_overrides(&overrides).unwrap();
    app.press("enter");
    let message = app.message();
    assert!(message.contains("F9 wraps up"), "{message}");
    assert!(!message.contains("Ctrl-E"), "{message}");
    let screen = app.render(120, 40);
    assert!(screen.contains("F9 wraps up"), "{screen}");
}
