//! Context during a call (issue 11, item 4): the call's customer's open cases and recent
//! calls stay beside the notes on a large screen and behind F6 on a small one; Tab
//! reaches the panel, and Enter opens a past call read-only without leaving the call.

mod support;

use fourroads::app::call_context::past_calls;
use fourroads::app::{Command, Pane, Place, available};
use fourroads::domain::Road;
use fourroads::domain::call::Role;
use fourroads::store::Store;
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

/// Focus the context panel with Tab from wherever the call's focus is.
fn tab_to_context(app: &mut Harness) {
    for _ in 0..4 {
        if app.state.focus == Pane::Context {
            return;
        }
        app.press("tab");
    }
    assert_eq!(app.state.focus, Pane::Context, "Tab reaches the context");
}

#[test]
fn tab_reaches_the_context_and_enter_opens_a_past_call_read_only_then_esc_returns() {
    let (mut app, _, _) = start_call_with_helen();
    app.type_text("Asked about the refund\nand the router");
    app.press("left");
    app.press("left");
    let active = app.state.call.as_ref().unwrap();
    let (call_id, cursor, text) = (active.call.id, active.notes.cursor(), active.text());
    app.render(80, 24);
    app.press("esc");
    tab_to_context(&mut app);
    assert_eq!(Place::of(&app.state), Place::CallContext);
    // On a small screen, having the focus shows the panel (in place of the road pane).
    let screen = app.render(80, 24);
    assert!(screen.contains("Context: 1 open"), "{screen}");
    assert!(
        screen.contains("Context: 1 open · 9 calls · road not set ◆"),
        "{screen}"
    );
    assert!(
        screen.contains("Enter open call"),
        "the hint bar says how:\n{screen}"
    );

    app.press("down");
    let past = {
        let active = app.state.call.as_ref().unwrap();
        past_calls(active).nth(1).unwrap().call.clone()
    };
    assert!(app.render(80, 24).contains(&format!(
        "▶{}",
        app.state.clock.date_of(past.started_at).strftime("%d %b")
    )));
    app.press("enter");
    assert_eq!(Place::of(&app.state), Place::PastCall);
    let screen = app.render(120, 40);
    assert!(screen.contains("Past call (read-only)"), "{screen}");
    // Its full notes, every line, and its road history.
    let notes = app.store.notes(past.id).unwrap();
    for line in notes.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            screen.contains(&head(line, 40)),
            "{line:?} missing:\n{screen}"
        );
    }
    assert!(screen.contains("Road changes"), "{screen}");
    assert!(screen.contains("agent road: — →"), "{screen}");
    // The call goes on: its header and timer stay, the store still has it open.
    assert!(screen.contains("● ON CALL Helen Marsh"), "{screen}");
    assert_eq!(
        app.store
            .open_call_for(past.customer_id)
            .unwrap()
            .map(|c| c.id),
        Some(call_id)
    );
    assert!(
        app.render(80, 24).contains("Esc back"),
        "the way back is shown"
    );

    // Read-only: typing and Tab change nothing here, and the past call's road stays.
    app.type_text("xyz");
    app.press("tab");
    assert_eq!(Place::of(&app.state), Place::PastCall);
    assert_eq!(app.state.call.as_ref().unwrap().text(), text);
    assert_eq!(app.store.call(past.id).unwrap().unwrap(), past);

    app.press("esc");
    assert_eq!(
        Place::of(&app.state),
        Place::CallContext,
        "back to the list"
    );
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.call.id, call_id, "the same call");
    assert_eq!(active.text(), text, "the notes as they were");
    assert_eq!(active.notes.cursor(), cursor, "the cursor where it was");
    assert_eq!(active.panel.selected, 1, "the row chosen stays chosen");
    app.press("e");
    assert_eq!(app.state.focus, Pane::Notes);
    app.type_text("X");
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        "Asked about the refund\nand the routXer"
    );
}

#[test]
fn a_road_key_or_a_wrap_up_from_the_past_call_is_for_the_call_in_progress() {
    let (mut app, _, _) = start_call_with_helen();
    app.press("esc");
    tab_to_context(&mut app);
    app.press("enter");
    let past_id = app
        .state
        .call
        .as_ref()
        .and_then(|a| a.panel.past.detail.as_ref())
        .map(|d| d.call.id)
        .expect("the newest past call opened");
    let past = app.store.call(past_id).unwrap().unwrap();
    app.press("4");
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(
        active.call.road,
        Some(Road::GoAway),
        "the active call's road"
    );
    let call_id = active.call.id;
    assert_eq!(app.store.call(past_id).unwrap().unwrap(), past, "untouched");
    app.press("ctrl-e");
    assert!(app.state.call.is_none(), "the call in progress wrapped up");
    assert!(app.store.call(call_id).unwrap().unwrap().ended_at.is_some());
    assert_eq!(app.store.call(past_id).unwrap().unwrap(), past);
    assert_eq!(app.state.focus, Pane::Queue);
    assert!(!app.render(80, 24).contains("Past call"));
}

#[test]
fn leaving_the_panel_closes_the_past_call_and_f6_from_the_panel_goes_back_to_the_notes() {
    let (mut app, _, _) = start_call_with_helen();
    app.type_text("Notes");
    app.render(80, 24);
    tab_to_context(&mut app);
    app.press("enter");
    assert_eq!(Place::of(&app.state), Place::PastCall);
    app.press("f3");
    app.press("f2");
    assert_eq!(
        Place::of(&app.state),
        Place::CallContext,
        "closed on leaving"
    );
    app.press("f6");
    assert_eq!(app.state.focus, Pane::Notes);
    let screen = app.render(80, 24);
    assert!(!screen.contains("Context"), "{screen}");
    assert_eq!(app.state.call.as_ref().unwrap().text(), "Notes");
}

#[test]
fn a_blind_lead_sees_hidden_for_the_agents_road_in_a_past_call_opened_from_the_context() {
    let lead = "Jordan Reyes";
    let mut app = Harness::with_demo_as(lead, Role::Lead);
    app.state.review.blind = true;
    app.find("helen");
    app.press("enter");
    app.press("esc");
    tab_to_context(&mut app);
    let viewer = app.state.viewer();
    let (hidden_at, shown_at) = {
        let active = app.state.call.as_ref().unwrap();
        let calls: Vec<_> = past_calls(active).map(|s| s.call.clone()).collect();
        let hidden = calls
            .iter()
            .position(|c| c.road.is_some() && viewer.hides_agent_road(c))
            .expect("a call this lead has not reviewed");
        let shown = calls
            .iter()
            .position(|c| c.road.is_some() && viewer.has_reviewed(c))
            .expect("a call this lead reviewed");
        (hidden, shown)
    };
    for _ in 0..hidden_at {
        app.press("down");
    }
    app.press("enter");
    let screen = app.render(120, 40);
    let road_lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("Agent's road") || l.contains("agent road"))
        .collect();
    assert!(!road_lines.is_empty(), "{screen}");
    for line in &road_lines {
        assert!(line.contains("hidden"), "{line}\n{screen}");
        for road in ["Learn", "Care", "Teach", "Go away"] {
            assert!(!line.contains(road), "{road} shown: {line}");
        }
    }
    // The lead's own reviewed call shows the road.
    app.press("esc");
    app.press("home");
    for _ in 0..shown_at {
        app.press("down");
    }
    app.press("enter");
    let screen = app.render(120, 40);
    let line = screen
        .lines()
        .find(|l| l.contains("Agent's road"))
        .unwrap()
        .to_string();
    assert!(!line.contains("hidden"), "{line}");
}

#[test]
fn scrolling_past_the_end_of_a_past_call_comes_straight_back() {
    let (mut app, _, _) = start_call_with_helen();
    app.press("esc");
    tab_to_context(&mut app);
    app.press("enter");
    for _ in 0..500 {
        app.press("down");
    }
    let scrolled = app.state.call.as_ref().unwrap().panel.past.scroll;
    assert!(scrolled < 100, "{scrolled}");
    for _ in 0..scrolled {
        app.press("up");
    }
    let screen = app.render(80, 24);
    assert!(
        screen.contains("Helen Marsh · at-risk"),
        "back at the top:\n{screen}"
    );
}
