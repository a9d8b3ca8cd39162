//! Whole flows of an agent's day, headless through the real keymap, reducer and store
//! (issue 11): a case handled over three calls, and a shift of inbound and outbound
//! calls, a voicemail, a callback, a call parked for another, and searches for
//! references — with nothing closed that the agent did not choose to close.

mod support;

use std::collections::BTreeMap;

use fourroads::app::{Action, Overlay, Pane, Place, View};
use fourroads::domain::{Case, CaseStatus, Direction, Id, Outcome};
use fourroads::store::Store;
use support::Harness;

fn set_outcome(app: &mut Harness, outcome: Outcome) {
    for _ in 0..Outcome::ALL.len() {
        if app.state.call.as_ref().unwrap().call.outcome == outcome {
            return;
        }
        app.press("o");
    }
    panic!("o never reached {outcome:?}");
}

/// The queue focused, filter cleared, and the customer called `name` selected.
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
    assert_eq!(app.state.queue.selected_entry().unwrap().name, name);
}

/// Every case in the store, by id.
fn all_cases(app: &Harness) -> BTreeMap<Id, Case> {
    let mut cases = BTreeMap::new();
    for entry in &app.state.queue.entries {
        for case in app.store.cases_of(entry.customer_id).unwrap() {
            cases.insert(case.id, case);
        }
    }
    cases
}

/// The clock moves on (a new day, a later hour) and the queue is read again, as the
/// runtime does when the app is in use.
fn later(app: &mut Harness, at: &str) {
    app.now = at.parse().unwrap();
    app.dispatch(Action::Tick);
    let (entries, skipped) = app.store.queue_entries().unwrap();
    app.dispatch(Action::QueueLoaded { entries, skipped });
}

fn active_call_id(app: &Harness) -> Id {
    app.state.call.as_ref().expect("a call in progress").call.id
}

fn wrap_up(app: &mut Harness) {
    app.press("ctrl-e");
    assert!(app.state.call.is_none(), "{}", app.message());
}

#[test]
fn a_case_over_three_calls_follow_up_then_callback_then_resolved_and_closed_with_x() {
    let mut app = Harness::with_demo();
    let others_before: Vec<Case> = all_cases(&app).into_values().collect();

    // Friday 15:00: Lucas rings in; a follow-up is needed, so a case opens.
    select(&mut app, "Lucas Ferreira");
    app.press("i");
    let first = active_call_id(&app);
    assert_eq!(
        app.state.call.as_ref().unwrap().call.direction,
        Direction::Inbound
    );
    app.type_text("Router keeps rebooting every evening #router");
    app.press("alt-3");
    app.press("esc");
    set_outcome(&mut app, Outcome::FollowUp);
    assert!(app.render(80, 24).contains("Case: a new one opens"));
    wrap_up(&mut app);
    let lucas = app.state.queue.selected_id().unwrap();
    let open_of = |app: &Harness| -> Vec<Case> {
        let cases = app.store.cases_of(lucas).unwrap();
        cases
            .into_iter()
            .filter(|c| c.status == CaseStatus::Open)
            .collect()
    };
    let cases = open_of(&app);
    assert_eq!(cases.len(), 1);
    let case = cases[0].clone();
    assert_eq!(case.opened_by_call, first);
    assert_eq!(case.due.to_string(), "2026-11-24", "two working days on");

    // Monday: the agent rings him; he asks to be called back tomorrow morning.
    later(&mut app, "2026-11-23T09:00:00Z");
    select(&mut app, "Lucas Ferreira");
    app.press("enter");
    let second = active_call_id(&app);
    assert_eq!(
        app.state.call.as_ref().unwrap().call.direction,
        Direction::Outbound
    );
    app.type_text("Engineer found a faulty filter; wants a call back once it is swapped");
    app.press("alt-2");
    app.press("esc");
    app.press("c");
    set_outcome(&mut app, Outcome::Callback);
    let callback_at = app.state.call.as_ref().unwrap().call.callback_at.unwrap();
    assert_eq!(callback_at.to_string(), "2026-11-24T10:00:00Z");
    assert!(app.render(120, 40).contains("stays open"));
    wrap_up(&mut app);
    let cases = open_of(&app);
    assert_eq!(cases.len(), 1, "the same case, no copy");
    assert_eq!(cases[0].id, case.id);
    assert_eq!(cases[0].calls, vec![second]);
    assert_eq!(cases[0].callback_at, Some(callback_at));

    // Tuesday 10:05: the callback is due, first in the queue and in the title bar.
    later(&mut app, "2026-11-24T10:05:00Z");
    let screen = app.render(160, 50);
    assert!(
        screen.contains("CALL BACK Lucas Ferreira (10:00)"),
        "{screen}"
    );
    let first_row = &app.state.queue.entries[app.state.queue.visible[0]];
    assert_eq!(first_row.name, "Lucas Ferreira");
    select(&mut app, "Lucas Ferreira");
    app.press("enter");
    let third = active_call_id(&app);
    app.type_text("Filter swapped, ");
    // What was said yesterday, from the context beside the notes, read-only.
    app.press("esc");
    app.press("tab");
    assert_eq!(app.state.focus, Pane::Context);
    app.press("enter");
    let screen = app.render(80, 24);
    assert!(screen.contains("Engineer found a faulty"), "{screen}");
    app.press("e");
    app.type_text("no reboots since #router");
    app.press("alt-3");
    app.press("esc");
    assert_eq!(
        app.state.call.as_ref().unwrap().call.outcome,
        Outcome::Resolved
    );
    app.press("c");
    assert!(
        app.render(80, 24).contains("stays open"),
        "not closed by default"
    );
    app.press("x");
    assert!(app.render(80, 24).contains("CLOSES at wrap-up"));
    wrap_up(&mut app);

    assert!(open_of(&app).is_empty());
    let closed = all_cases(&app)[&case.id].clone();
    assert_eq!(closed.status, CaseStatus::Closed);
    assert_eq!(closed.closed_by_call, Some(third));
    assert_eq!(closed.calls, vec![second, third], "its history of calls");
    assert_eq!(
        app.store.notes(third).unwrap(),
        "Filter swapped, no reboots since #router"
    );
    // Every other case is as it was.
    let after = all_cases(&app);
    for case in others_before {
        assert_eq!(after[&case.id], case, "{}", case.summary);
    }
    assert_eq!(app.store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn a_whole_shift_closes_only_the_case_the_agent_chose() {
    let mut app = Harness::with_demo();
    let before = all_cases(&app);
    let open_before: Vec<Id> = before
        .values()
        .filter(|c| c.status == CaseStatus::Open)
        .map(|c| c.id)
        .collect();
    assert!(open_before.len() >= 10);
    let mut calls = Vec::new();

    // 1. Clara rings in about her bill; the agent sorts it and closes her case.
    later(&mut app, "2026-11-20T09:02:00Z");
    select(&mut app, "Clara Weiss");
    app.press("i");
    calls.push(active_call_id(&app));
    app.type_text("Billed twice after the move. Refund RF-20931 issued #billing\n");
    app.type_text("> Thank you, that's all I wanted");
    app.press("alt-2");
    app.press("esc");
    app.press("c");
    app.press("x");
    let clara_case = app.state.call.as_ref().unwrap().call.close_cases[0];
    assert!(app.render(80, 24).contains("CLOSES at wrap-up"));
    wrap_up(&mut app);

    // 2. The agent rings Moira about her overdue case: a follow-up on the same case.
    later(&mut app, "2026-11-20T09:20:00Z");
    select(&mut app, "Moira Cattanach");
    app.press("enter");
    calls.push(active_call_id(&app));
    app.type_text("Discount confirmed for the next bill");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::FollowUp);
    wrap_up(&mut app);

    // 3. Helen does not answer: a voicemail.
    later(&mut app, "2026-11-20T09:40:00Z");
    select(&mut app, "Helen Marsh");
    app.press("enter");
    calls.push(active_call_id(&app));
    app.type_text("No answer, left a message about NET-4471");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::Voicemail);
    wrap_up(&mut app);

    // 4. Dev asks for a callback; mid-call Yusuf rings in, so Dev's call is parked.
    later(&mut app, "2026-11-20T10:00:00Z");
    select(&mut app, "Dev Raman");
    app.press("enter");
    let dev_call = active_call_id(&app);
    calls.push(dev_call);
    app.type_text("Comparing providers; call back Monday with the retention offer");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::Callback);
    select(&mut app, "Yusuf Demir");
    app.press("i");
    assert!(matches!(app.state.overlay, Some(Overlay::SwitchCall(_))));
    app.press("p");
    assert_eq!(
        app.state.call.as_ref().unwrap().customer.name,
        "Yusuf Demir"
    );
    calls.push(active_call_id(&app));
    assert!(
        app.render(160, 50).contains("call open"),
        "Dev's call is parked"
    );
    app.type_text("Divert working again after a reset");
    app.press("alt-3");
    wrap_up(&mut app);
    // Dev's parked call resumes as it was, callback and all.
    select(&mut app, "Dev Raman");
    app.press("enter");
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.call.id, dev_call);
    assert_eq!(active.call.outcome, Outcome::Callback);
    assert!(active.text().starts_with("Comparing providers"));
    wrap_up(&mut app);

    // 5. A search for an old reference finds the old call, read-only.
    app.press("f5");
    app.type_text("NET-4471");
    let found = app.state.search.results.calls.clone();
    assert!(found.len() >= 2, "today's voicemail and the old calls");
    let old = found
        .iter()
        .position(|hit| !calls.contains(&hit.call.id))
        .expect("an old call");
    for _ in 0..app.state.search.results.customers.len() + old {
        app.press("down");
    }
    app.press("enter");
    let detail = app.state.search.opened.detail.as_ref().expect("opened");
    assert!(detail.notes.contains("NET-4471"));
    assert!(app.render(80, 24).contains("NET-4471"));
    app.press("esc");
    // And this morning's refund reference.
    for _ in 0.."NET-4471".len() {
        app.press("backspace");
    }
    app.type_text("RF-20931");
    let found = &app.state.search.results.calls;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].call.id, calls[0]);
    app.press("esc");
    app.press("esc");
    assert_eq!(app.state.view, View::Agent);

    // Nothing closed but Clara's case; every call is wrapped up; the store adds up.
    let after = all_cases(&app);
    for id in &open_before {
        let case = &after[id];
        if *id == clara_case {
            assert_eq!(case.status, CaseStatus::Closed);
            assert_eq!(case.closed_by_call, Some(calls[0]));
        } else {
            assert_eq!(case.status, CaseStatus::Open, "{} closed", case.summary);
        }
    }
    assert_eq!(
        after
            .values()
            .filter(|c| c.status == CaseStatus::Open)
            .count(),
        open_before.len() - 1,
        "no case opened twice"
    );
    for id in &calls {
        let call = app.store.call(*id).unwrap().unwrap();
        assert!(call.ended_at.is_some(), "{id} still open");
    }
    assert!(app.state.queue.entries.iter().all(|e| !e.open_call));
    assert_eq!(app.store.check_consistency().unwrap(), Vec::<String>::new());
    for (width, height) in [(80, 24), (160, 50)] {
        let screen = app.render(width, height);
        assert!(!screen.contains("ON CALL"), "{screen}");
        assert!(!screen.contains("call open"), "{screen}");
    }
}
