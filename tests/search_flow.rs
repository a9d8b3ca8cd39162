//! The Search view driven through the real keymap and reducer: F5 from anywhere, a
//! reference typed and found in a call's notes, Enter opening the call read-only (with
//! blind review kept) or the customer in the Agent view, and stale results dropped.

mod support;

use fourroads::app::{Action, Effect, Pane, View};
use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, Road};
use fourroads::store::{Actor, Store};
use support::{Harness, fixed_now};

/// A finished call by `agent` for the first customer in the queue, with `notes`.
fn finished_call(app: &Harness, agent: &str, notes: &str) -> (Call, String) {
    let entry = app.state.queue.selected_entry().unwrap().clone();
    let mut call = Call::new(entry.customer_id, agent, CallReason::Inbound, fixed_now());
    app.store.start_call(&call).unwrap();
    call.road = Some(Road::GoAway);
    call.ended_at = Some(fixed_now());
    app.store
        .wrap_up_call(&call, notes, &Actor::agent(agent, fixed_now()))
        .unwrap();
    (call, entry.name)
}

#[test]
fn searching_a_refund_reference_finds_the_call_and_opens_it_read_only() {
    let mut app = Harness::with_demo();
    let (call, customer) = finished_call(
        &app,
        "Priya Shah",
        "Double charge on the November bill.\nRefund RF-20931 sent, 3-5 days.",
    );
    app.press("f5");
    assert_eq!(app.state.view, View::Search);
    assert!(
        fourroads::app::Place::of(&app.state).takes_text(),
        "the query line has the keys"
    );
    // Letters that are commands elsewhere (q quits, 1 sets a road) are typed here.
    app.type_text("q1");
    assert!(!app.state.quitting);
    assert_eq!(app.state.search.query, "q1");
    app.press("backspace");
    app.press("backspace");
    app.type_text("RF-20931");
    assert!(
        matches!(app.effects.last(), Some(Effect::Search { query, .. }) if query == "RF-20931")
    );
    let results = &app.state.search.results;
    assert_eq!(results.calls.len(), 1, "{results:?}");
    assert_eq!(results.calls[0].call.id, call.id);
    let screen = app.render(120, 40);
    assert!(screen.contains("»RF-20931«"), "{screen}");
    assert!(screen.contains(&customer), "{screen}");

    app.press("enter");
    let detail = app
        .state
        .search
        .opened
        .detail
        .as_ref()
        .expect("the call opens");
    assert_eq!(detail.call.id, call.id);
    assert!(
        !fourroads::app::Place::of(&app.state).takes_text(),
        "an open call is read-only"
    );
    let screen = app.render(120, 40);
    assert!(
        screen.contains("Double charge on the November bill."),
        "{screen}"
    );
    assert!(screen.contains("Refund RF-20931 sent"), "{screen}");
    // A road key does not touch the call found.
    app.press("2");
    assert_eq!(
        app.store.call(call.id).unwrap().unwrap().road,
        Some(Road::GoAway)
    );

    app.press("esc");
    assert!(app.state.search.opened.detail.is_none());
    assert_eq!(
        app.state.search.query, "RF-20931",
        "back to the same results"
    );
    app.press("esc");
    assert_eq!(app.state.search.query, "");
    app.press("esc");
    assert_eq!(app.state.view, View::Agent);
}

#[test]
fn enter_on_a_customer_selects_them_in_the_agent_view_queue() {
    let mut app = Harness::with_demo();
    let last = app.state.queue.visible.len() - 1;
    let wanted = app.state.queue.entries[app.state.queue.visible[last]].clone();
    // A filter that hides them must not stop the queue from showing them.
    app.find("zzzz-nobody");
    app.press("f5");
    app.type_text(&wanted.name);
    let first = &app.state.search.results.customers[0];
    assert_eq!(first.customer.id, wanted.customer_id);
    app.press("enter");
    assert_eq!(app.state.view, View::Agent);
    assert_eq!(app.state.focus, Pane::Queue);
    assert_eq!(app.state.queue.selected_id(), Some(wanted.customer_id));
    assert_eq!(
        app.state.context.as_ref().map(|c| c.customer.id),
        Some(wanted.customer_id)
    );
}

#[test]
fn a_lead_does_not_see_the_agents_road_of_an_unreviewed_call_found_by_search() {
    let mut app = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    let (call, _) = finished_call(&app, "Priya Shah", "Customer quoted ticket ZZ-4411.");
    app.press("f5");
    app.type_text("zz-4411");
    app.press("enter");
    assert_eq!(
        app.state.search.opened.detail.as_ref().unwrap().call.id,
        call.id
    );
    let screen = app.render(120, 40);
    assert!(screen.contains("hidden until you choose"), "{screen}");
    assert!(!screen.contains("Go away"), "{screen}");
}

#[test]
fn results_of_an_older_query_are_dropped() {
    let mut app = Harness::with_demo();
    app.press("f5");
    app.type_text("refund");
    let generation = app.state.search.generation;
    assert!(!app.state.search.results.is_empty());
    let stale = app.store.search("nothing-like-this", 10).unwrap();
    app.dispatch(Action::SearchLoaded {
        query: "old".into(),
        results: Box::new(stale),
        generation: generation - 1,
    });
    assert_eq!(app.state.search.searched, "refund");
    assert!(!app.state.search.results.is_empty());
    // Emptying the query clears the results without asking the store.
    let asked = app.effects.len();
    for _ in 0.."refund".len() {
        app.press("backspace");
    }
    assert!(app.state.search.results.is_empty());
    let searches = app.effects[asked..]
        .iter()
        .filter(|e| matches!(e, Effect::Search { .. }))
        .count();
    assert_eq!(searches, "refund".len() - 1);
}

#[test]
fn the_search_key_is_in_the_help_and_the_palette() {
    let mut app = Harness::with_demo();
    app.press("?");
    let screen = app.render(120, 40);
    assert!(
        screen.contains("Search customers and the notes of every call"),
        "{screen}"
    );
    app.press("esc");
    app.press(":");
    app.type_text("search cust");
    app.press("enter");
    assert_eq!(app.state.view, View::Search);
}

#[test]
fn queue_commands_from_the_palette_do_not_reach_the_queue_while_searching() {
    let mut app = Harness::with_demo();
    let (_, _) = finished_call(&app, "Priya Shah", "Refund RF-55501 sent.");
    app.press("f5");
    app.type_text("RF-55501");
    app.press("enter");
    assert!(app.state.search.opened.detail.is_some());
    app.press(":");
    // The palette offers only what works here: no queue commands while searching.
    let Some(fourroads::app::Overlay::Palette(palette)) = &app.state.overlay else {
        panic!("the palette opens");
    };
    assert!(
        !palette
            .items
            .iter()
            .any(|item| item.command == fourroads::app::Command::Filter),
        "the queue filter is not offered in the Search view"
    );
    app.type_text("filter customers");
    app.press("enter");
    assert!(!app.state.queue.filter_editing, "{}", app.message());
    assert_eq!(app.state.view, View::Search);
}
