//! One call at a time (issue 11, item 4): starting a call while another customer's call
//! is open asks to wrap it up (a road still required), park it, or cancel; nothing is
//! parked or started behind the agent's back.

mod support;

use fourroads::app::{Effect, Overlay, Pane, Place, View};
use fourroads::domain::{Direction, Road};
use fourroads::store::Store;
use support::Harness;

/// The queue focused, with the first customer matching `name` selected.
fn select(app: &mut Harness, name: &str) {
    for _ in 0..4 {
        if Place::of(&app.state) == Place::Queue {
            break;
        }
        app.press("shift-tab");
    }
    assert_eq!(Place::of(&app.state), Place::Queue);
    app.press("esc");
    app.find(name);
    let entry = app.state.queue.selected_entry().unwrap();
    assert!(entry.name.to_lowercase().contains(name), "{}", entry.name);
}

/// A call with Helen in progress, notes typed and saved.
fn helen_on_the_line() -> Harness {
    let mut app = Harness::with_demo();
    app.find("helen");
    app.press("enter");
    app.type_text("Router replaced, still dropping");
    app.autosave();
    assert_eq!(
        app.state.call.as_ref().unwrap().customer.name,
        "Helen Marsh"
    );
    app
}

fn asked(app: &Harness) -> bool {
    matches!(app.state.overlay, Some(Overlay::SwitchCall(_)))
}

/// Effects asked for since `from` that start, park or wrap up a call.
fn call_changes(app: &Harness, from: usize) -> Vec<Effect> {
    app.effects[from..]
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::OpenCall { .. } | Effect::UpdateCall(_) | Effect::WrapUp { .. }
            )
        })
        .cloned()
        .collect()
}

fn active_name(app: &Harness) -> String {
    app.state.call.as_ref().unwrap().customer.name.clone()
}

#[test]
fn another_customer_asks_first_and_the_question_names_both_and_its_keys() {
    let mut app = helen_on_the_line();
    select(&mut app, "moira");
    let before = app.effects.len();
    app.press("enter");
    assert!(asked(&app));
    assert!(call_changes(&app, before).is_empty(), "nothing started yet");
    assert_eq!(active_name(&app), "Helen Marsh");
    let screen = app.render(80, 24);
    assert!(screen.contains("Call with Helen Marsh is open"), "{screen}");
    assert!(screen.contains("Moira Cattanach"), "{screen}");
    for hint in [" w/Ctrl-E wrap up first ", " p park it ", " Esc cancel "] {
        assert!(screen.contains(hint), "{hint} missing:\n{screen}");
    }
}

#[test]
fn park_keeps_the_first_call_open_in_the_queue_and_starts_the_new_one() {
    let mut app = helen_on_the_line();
    app.type_text(" - more");
    let helen = app.state.call.as_ref().unwrap().call.clone();
    select(&mut app, "moira");
    app.press("enter");
    app.press("p");
    assert!(!asked(&app));
    assert_eq!(active_name(&app), "Moira Cattanach");
    assert_eq!(app.state.focus, Pane::Notes, "typing goes straight in");
    let parked = app.store.open_call_for(helen.customer_id).unwrap();
    assert_eq!(
        parked.map(|c| c.id),
        Some(helen.id),
        "Helen's call stays open"
    );
    assert_eq!(
        app.store.notes(helen.id).unwrap(),
        "Router replaced, still dropping - more",
        "its notes were saved before it was parked"
    );
    let helen_row = app
        .state
        .queue
        .entries
        .iter()
        .find(|e| e.customer_id == helen.customer_id)
        .unwrap();
    assert!(helen_row.open_call, "shown as call open");
    assert!(app.render(120, 40).contains("call open"));
    assert_eq!(
        app.state.queue.selected_entry().unwrap().name,
        "Moira Cattanach"
    );

    // Going back to Helen asks again (Moira is on the line now), and parking resumes
    // Helen's call with its notes.
    select(&mut app, "helen");
    app.press("enter");
    assert!(asked(&app));
    app.press("p");
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.call.id, helen.id);
    assert!(active.resumed);
    assert_eq!(active.text(), "Router replaced, still dropping - more");
}

#[test]
fn wrap_up_first_without_a_road_goes_to_the_road_pane_and_starts_nothing() {
    let mut app = helen_on_the_line();
    let helen = app.state.call.as_ref().unwrap().call.id;
    select(&mut app, "moira");
    app.press("enter");
    let before = app.effects.len();
    app.press("w");
    assert!(!asked(&app));
    assert_eq!(app.state.call.as_ref().unwrap().call.id, helen);
    assert_eq!(app.state.focus, Pane::Road);
    assert!(app.message().contains("Choose a road"), "{}", app.message());
    assert!(
        app.message()
            .contains("no call with Moira Cattanach was started")
    );
    assert!(
        !call_changes(&app, before)
            .iter()
            .any(|e| matches!(e, Effect::OpenCall { .. } | Effect::WrapUp { .. })),
        "{:?}",
        call_changes(&app, before)
    );
    assert!(app.store.call(helen).unwrap().unwrap().ended_at.is_none());
    let moira = app.state.queue.selected_id().unwrap();
    assert!(app.store.open_call_for(moira).unwrap().is_none());
}

#[test]
fn wrap_up_first_with_a_road_wraps_up_and_starts_the_new_call() {
    let mut app = helen_on_the_line();
    app.press("alt-2");
    let helen = app.state.call.as_ref().unwrap().call.id;
    select(&mut app, "moira");
    let moira = app.state.queue.selected_id().unwrap();
    app.press("enter");
    app.press("w");
    assert!(!asked(&app));
    let wrapped = app.store.call(helen).unwrap().unwrap();
    assert!(wrapped.ended_at.is_some(), "Helen's call is wrapped up");
    assert_eq!(wrapped.road, Some(Road::Care));
    assert_eq!(
        app.store.notes(helen).unwrap(),
        "Router replaced, still dropping"
    );
    assert_eq!(active_name(&app), "Moira Cattanach");
    assert_eq!(app.state.queue.selected_id(), Some(moira));
    assert!(app.message().contains("Call with Moira Cattanach started"));
}

#[test]
fn cancel_or_esc_changes_nothing() {
    let mut app = helen_on_the_line();
    let call = app.state.call.as_ref().unwrap().call.clone();
    select(&mut app, "moira");
    let moira = app.state.queue.selected_id();
    let before = app.effects.len();
    app.press("enter");
    app.press("esc");
    assert!(!asked(&app));
    assert_eq!(app.state.call.as_ref().unwrap().call, call);
    assert_eq!(app.state.focus, Pane::Queue);
    assert_eq!(app.state.queue.selected_id(), moira);
    assert!(call_changes(&app, before).is_empty());
    assert_eq!(
        app.state.call.as_ref().unwrap().text(),
        "Router replaced, still dropping"
    );
    assert!(app.store.open_call_for(moira.unwrap()).unwrap().is_none());
}

#[test]
fn a_second_enter_or_other_keys_while_asking_choose_nothing() {
    let mut app = helen_on_the_line();
    select(&mut app, "moira");
    let before = app.effects.len();
    app.press("enter");
    for key in ["enter", "enter", "2", "i", "a", "f3", "tab", "ctrl-t", "q"] {
        app.press(key);
        assert!(asked(&app), "{key} closed the question");
    }
    app.dispatch(fourroads::app::Action::Paste("pasted".into()));
    assert!(asked(&app));
    assert!(call_changes(&app, before).is_empty());
    assert_eq!(app.state.view, View::Agent);
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.call.road, None, "a road key did not reach the call");
    assert_eq!(active.text(), "Router replaced, still dropping");
    assert!(!app.state.quitting);
}

#[test]
fn resuming_the_open_calls_own_customer_does_not_ask() {
    let mut app = helen_on_the_line();
    let call = app.state.call.as_ref().unwrap().call.id;
    select(&mut app, "helen");
    let before = app.effects.len();
    app.press("enter");
    assert!(!asked(&app));
    assert_eq!(app.state.focus, Pane::Notes);
    assert_eq!(app.state.call.as_ref().unwrap().call.id, call);
    assert!(call_changes(&app, before).is_empty());
    // `i` on the same customer: the same.
    select(&mut app, "helen");
    app.press("i");
    assert!(!asked(&app));
    assert_eq!(app.state.call.as_ref().unwrap().call.id, call);
}

#[test]
fn a_do_not_contact_customer_is_not_rung_but_may_ring_in() {
    let mut app = helen_on_the_line();
    select(&mut app, "victor");
    assert!(app.state.queue.selected_entry().unwrap().do_not_contact);
    app.press("enter");
    assert!(!asked(&app), "no question for a call that may not be made");
    assert!(app.message().contains("asked not to be contacted"));
    assert_eq!(active_name(&app), "Helen Marsh");
    app.press("i");
    assert!(asked(&app), "an incoming call asks");
    app.press("p");
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.customer.name, "Victor Albescu");
    assert_eq!(active.call.direction, Direction::Inbound);
}

#[test]
fn enter_on_a_case_asks_in_the_review_view_and_calls_about_that_case() {
    let mut app = helen_on_the_line();
    app.press("f3");
    app.press("o");
    let rows = app.state.review.cases.rows.clone();
    let (at, row) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.customer != "Helen Marsh" && !r.customer.contains("Victor"))
        .map(|(i, r)| (i, r.clone()))
        .expect("another customer's open case");
    for _ in 0..at {
        app.press("down");
    }
    app.press("enter");
    assert!(asked(&app));
    app.press("esc");
    assert_eq!(app.state.view, View::Review, "cancel stays where it was");
    assert_eq!(active_name(&app), "Helen Marsh");
    app.press("enter");
    app.press("p");
    assert_eq!(app.state.view, View::Agent);
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.customer.id, row.case.customer_id);
    assert_eq!(active.call.case_id, Some(row.case.id));
    assert_eq!(
        app.state.queue.selected_id(),
        Some(row.case.customer_id),
        "the queue shows who is on the line"
    );
}

#[test]
fn a_call_that_opens_while_another_is_active_parks_it_and_says_so() {
    // Keys typed ahead: two calls asked for before the first had opened. The second's
    // result arrives while the first is active.
    let mut app = helen_on_the_line();
    app.type_text(" - typed");
    let helen = app.state.call.as_ref().unwrap().call.clone();
    let moira = app
        .state
        .queue
        .entries
        .iter()
        .find(|e| e.name == "Moira Cattanach")
        .unwrap()
        .customer_id;
    let call = fourroads::domain::Call::new(
        moira,
        "Priya Shah",
        fourroads::domain::CallReason::FollowUp,
        app.now,
    );
    app.store.start_call(&call).unwrap();
    let customer = app.store.customer(moira).unwrap().unwrap();
    app.dispatch(fourroads::app::Action::CallOpened {
        call: Box::new(call.clone()),
        customer: Box::new(customer),
        notes: String::new(),
        resumed: false,
        open_cases: Vec::new(),
        unsaved: false,
    });
    assert_eq!(app.state.call.as_ref().unwrap().call.id, call.id);
    assert!(
        app.message()
            .contains("the call with Helen Marsh is parked")
    );
    let parked = app.store.open_call_for(helen.customer_id).unwrap().unwrap();
    assert_eq!(parked.id, helen.id);
    assert_eq!(
        app.store.notes(helen.id).unwrap(),
        "Router replaced, still dropping - typed",
        "nothing typed is lost"
    );
}
