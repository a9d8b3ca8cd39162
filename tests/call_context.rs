//! Context during a call (issue 11, item 4): the call's customer's open cases and recent
//! calls stay beside the notes on a large screen and behind F6 on a small one.

mod support;

use fourroads::app::{Command, available};
use fourroads::domain::call::Role;
use support::Harness;

/// Helen's open case summary and the first line of one of her earlier calls.
fn helen_context(app: &Harness) -> (String, String) {
    let context = app.state.context.as_ref().expect("Helen's context loaded");
    assert_eq!(context.customer.name, "Helen Marsh");
    let case = context.open_cases.first().expect("Helen has an open case");
    let call = context.history.first().expect("Helen has earlier calls");
    (case.summary.clone(), call.first_line.clone())
}

fn start_call_with_helen() -> (Harness, String, String) {
    let mut app = Harness::with_demo();
    app.find("helen");
    let (case, first_line) = helen_context(&app);
    app.press("enter");
    assert!(app.state.call.is_some(), "Enter starts a call");
    (app, case, first_line)
}

/// The first `n` characters of `text`, as much as any panel shows of it.
fn head(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

#[test]
fn a_large_screen_shows_open_cases_and_past_calls_while_typing() {
    let (mut app, case, first_line) = start_call_with_helen();
    app.type_text("Asked about the refund");
    for (width, height) in [(120, 40), (160, 50), (200, 50)] {
        let screen = app.render(width, height);
        assert!(
            screen.contains("Context: 1 open"),
            "{width}×{height}\n{screen}"
        );
        assert!(
            screen.contains(&head(&case, 12)),
            "{width}×{height}\n{screen}"
        );
        assert!(
            screen.contains(&head(&first_line, 12)),
            "{width}×{height}\n{screen}"
        );
        assert!(screen.contains("Asked about the refund"), "{screen}");
        assert!(screen.contains("Road"), "the road pane stays: {screen}");
    }
    // Nothing to toggle where the context is always there.
    assert!(!available(&app.state).accepts(Command::ToggleContext));
}

#[test]
fn moving_the_queue_selection_keeps_the_calls_customer_in_the_context() {
    let (mut app, case, first_line) = start_call_with_helen();
    app.press("shift-tab");
    assert_eq!(app.state.focus, fourroads::app::Pane::Queue);
    app.press("esc");
    assert!(app.state.queue.filter.is_empty(), "the filter is cleared");
    app.press("down");
    app.press("down");
    let selected = app.state.queue.selected_entry().unwrap().name.clone();
    assert_ne!(selected, "Helen Marsh", "the queue selection moved");
    assert_ne!(
        app.state.context.as_ref().map(|c| c.customer.name.as_str()),
        Some("Helen Marsh"),
        "the queue loaded its own customer"
    );
    let active = app.state.call.as_ref().unwrap();
    let context = active.context.as_ref().expect("the call keeps its context");
    assert_eq!(context.customer.name, "Helen Marsh");
    let screen = app.render(120, 40);
    assert!(screen.contains(&head(&case, 12)), "{screen}");
    assert!(screen.contains(&head(&first_line, 12)), "{screen}");
}

#[test]
fn a_small_screen_hides_the_context_until_f6_while_typing() {
    let (mut app, case, _) = start_call_with_helen();
    app.type_text("Refund");
    let screen = app.render(80, 24);
    assert!(!screen.contains("Context"), "hidden by default:\n{screen}");
    assert!(!screen.contains(&head(&case, 12)), "{screen}");
    assert!(available(&app.state).accepts(Command::ToggleContext));
    assert!(
        screen.contains("F6 context"),
        "the hint bar names the key:\n{screen}"
    );

    app.press("f6");
    app.type_text(" asked");
    let screen = app.render(80, 24);
    assert!(screen.contains("Context: 1 open"), "{screen}");
    assert!(screen.contains(&head(&case, 10)), "{screen}");
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        "Refund asked",
        "F6 does not type into the notes"
    );

    // The road pane, when focused, takes its place back; typing again shows the context.
    app.press("esc");
    let screen = app.render(80, 24);
    assert!(screen.contains("Road: not set (1-4) ◆"), "{screen}");
    assert!(!screen.contains("Context"), "{screen}");
    app.press("e");
    assert!(app.render(80, 24).contains("Context: 1 open"));

    app.press("f6");
    let screen = app.render(80, 24);
    assert!(!screen.contains("Context"), "hidden again:\n{screen}");
}

#[test]
fn help_lists_the_toggle_during_a_call() {
    let (mut app, _, _) = start_call_with_helen();
    app.render(80, 24);
    app.press("f1");
    let screen = app.render(80, 24);
    assert!(screen.contains("F6"), "{screen}");
}

#[test]
fn a_blind_lead_sees_hidden_for_roads_they_have_not_reviewed() {
    let mut app = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    app.state.review.blind = true;
    app.find("helen");
    app.press("enter");
    let active = app.state.call.as_ref().unwrap();
    let context = active.context.as_ref().expect("context loaded");
    assert!(
        context.history.iter().any(|s| s.call.road.is_some()),
        "Helen has calls with a road"
    );
    let screen = app.render(120, 40);
    let panel: Vec<&str> = screen.lines().filter(|l| l.contains("hidden")).collect();
    assert!(!panel.is_empty(), "{screen}");
    for road in ["Learn", "Care", "Teach", "Go away"] {
        assert!(
            !panel.iter().any(|l| l.contains(road)),
            "{road} shown:\n{screen}"
        );
    }
}
