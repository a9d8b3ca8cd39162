//! Outcomes and cases as agents work them (issue 11): nothing closes that the agent did
//! not choose to close, a follow-up goes to the case it is about, and a callback comes
//! due at its time in the queue and the header.

mod support;

use fourroads::domain::{CaseStatus, Outcome};
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

fn open_cases(app: &Harness, name: &str) -> Vec<fourroads::domain::Case> {
    let entry = app
        .state
        .queue
        .entries
        .iter()
        .find(|e| e.name == name)
        .unwrap()
        .clone();
    app.store
        .cases_of(entry.customer_id)
        .unwrap()
        .into_iter()
        .filter(|c| c.status == CaseStatus::Open)
        .collect()
}

#[test]
fn a_voicemail_never_closes_the_customers_overdue_case() {
    let mut app = Harness::with_demo();
    let before = open_cases(&app, "Moira Cattanach");
    assert_eq!(before.len(), 1);
    assert!(before[0].is_overdue(app.state.clock.today()));
    app.find("moira");
    app.press("enter");
    app.type_text("Rang, no reply, left a message");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::Voicemail);
    // Trying to close the case on a voicemail is refused.
    app.press("c");
    app.press("x");
    assert!(
        app.message().contains("Only a resolved call"),
        "{}",
        app.message()
    );
    let screen = app.render(80, 24);
    assert!(screen.contains("stays open"), "{screen}");
    app.press("ctrl-e");
    assert!(app.state.call.is_none(), "{}", app.message());
    let after = open_cases(&app, "Moira Cattanach");
    assert_eq!(after.len(), 1, "still open");
    assert_eq!(after[0].id, before[0].id);
    assert_eq!(
        after[0].calls.len(),
        before[0].calls.len() + 1,
        "the call is on the case"
    );
    // The default outcome, resolved, closes nothing either unless chosen.
    app.find("moira");
    app.press("enter");
    app.press("alt-2");
    app.press("ctrl-e");
    assert_eq!(open_cases(&app, "Moira Cattanach").len(), 1);
}

#[test]
fn a_case_handled_over_three_calls_closes_on_the_third_when_chosen() {
    let mut app = Harness::with_demo();
    app.find("lucas");
    assert!(open_cases(&app, "Lucas Ferreira").is_empty());
    // 1. Follow-up needed: a case opens.
    app.press("enter");
    app.type_text("Router keeps rebooting, engineer to check the line #router");
    app.press("alt-3");
    app.press("esc");
    set_outcome(&mut app, Outcome::FollowUp);
    app.press("ctrl-e");
    let cases = open_cases(&app, "Lucas Ferreira");
    assert_eq!(cases.len(), 1);
    let case = cases[0].clone();
    assert_eq!(case.owner, "Priya Shah");
    // 2. Another follow-up: the same case, not a second one.
    app.press("enter");
    app.type_text("Engineer booked for Tuesday");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::FollowUp);
    app.press("]");
    app.press("ctrl-e");
    let cases = open_cases(&app, "Lucas Ferreira");
    assert_eq!(cases.len(), 1, "no duplicate case");
    assert_eq!(cases[0].id, case.id);
    assert_eq!(cases[0].calls.len(), 1);
    // 3. Resolved, and the agent chooses to close it.
    app.press("enter");
    app.type_text("Line fixed, router stable since");
    app.press("alt-3");
    app.press("esc");
    app.press("c");
    app.press("x");
    let screen = app.render(120, 40);
    assert!(screen.contains("CLOSES at wrap-up"), "{screen}");
    app.press("ctrl-e");
    assert!(open_cases(&app, "Lucas Ferreira").is_empty());
    let closed = app
        .store
        .cases_of(case.customer_id)
        .unwrap()
        .into_iter()
        .find(|c| c.id == case.id)
        .unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    assert_eq!(closed.calls.len(), 2, "the second and third calls");
    assert_eq!(app.store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn a_callback_comes_due_at_its_time_in_the_queue_and_the_header() {
    let mut app = Harness::with_demo();
    app.find("lucas");
    app.press("enter");
    app.type_text("Wants a call back after work");
    app.press("alt-2");
    app.press("esc");
    set_outcome(&mut app, Outcome::Callback);
    let at = app.state.call.as_ref().unwrap().call.callback_at.unwrap();
    // Friday 15:00 now: the next working day at 10:00, and } moves it half an hour.
    assert_eq!(at.to_string(), "2026-11-23T10:00:00Z");
    app.press("}");
    let at = app.state.call.as_ref().unwrap().call.callback_at.unwrap();
    assert_eq!(at.to_string(), "2026-11-23T10:30:00Z");
    app.press("ctrl-e");
    assert!(app.state.call.is_none(), "{}", app.message());
    app.press("esc");
    let screen = app.render(120, 40);
    assert!(screen.contains("callback Mon"), "{screen}");
    assert!(!screen.contains("CALL BACK"), "not yet: {screen}");
    // Monday 10:31: the callback is due, first in the queue and in the header.
    app.now = "2026-11-23T10:31:00Z".parse().unwrap();
    app.dispatch(fourroads::app::Action::Tick);
    app.press("f2");
    let entries = app.store.queue_entries().unwrap().0;
    app.dispatch(fourroads::app::Action::QueueLoaded {
        entries,
        skipped: 0,
    });
    let screen = app.render(120, 40);
    assert!(
        screen.contains("CALL BACK Lucas Ferreira (10:30)"),
        "{screen}"
    );
    let first = app.state.queue.entries[app.state.queue.visible[0]].clone();
    assert_eq!(first.name, "Lucas Ferreira");
    assert!(screen.contains("CALL BACK NOW"), "{screen}");
}

#[test]
fn enter_on_a_case_calls_the_customer_about_that_case() {
    let mut app = Harness::with_demo_as("Jordan Reyes", fourroads::domain::call::Role::Lead);
    app.press("f3");
    app.press("o");
    let row = app.state.review.cases.selected_row().unwrap().clone();
    app.press("enter");
    assert_eq!(app.state.view, fourroads::app::View::Agent);
    let call = app
        .state
        .call
        .as_ref()
        .expect("a call started")
        .call
        .clone();
    assert_eq!(call.customer_id, row.case.customer_id);
    assert_eq!(
        call.case_id,
        Some(row.case.id),
        "the call is about that case"
    );
    assert_eq!(app.state.focus, fourroads::app::Pane::Notes);
    let screen = app.render(120, 40);
    assert!(screen.contains("stays open"), "{screen}");
}
