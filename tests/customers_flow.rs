//! Keeping customers clean, headless: keys through the real keymap and reducer, effects
//! against a temporary store. Editing a customer, do-not-contact with its reason,
//! merging a duplicate and reassigning a case, each with the ways a user backs out.

mod support;

use fourroads::app::{Overlay, Pane};
use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, Customer, NewCustomer, Outcome, Road};
use fourroads::store::{Actor, Store};
use insta::assert_snapshot;
use jiff::SignedDuration;
use support::{Harness, fixed_now};

fn named(app: &Harness, name: &str) -> Customer {
    app.store
        .all_customers()
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
}

fn form_values(app: &Harness) -> Vec<String> {
    match &app.state.overlay {
        Some(Overlay::AddCustomer(form)) => (0..form.fields.len()).map(|i| form.value(i)).collect(),
        _ => panic!("the customer form is not open"),
    }
}

/// Clears the focused form field.
fn clear_field(app: &mut Harness) {
    app.press("end");
    for _ in 0..60 {
        app.press("backspace");
    }
}

#[test]
fn editing_a_customer_saves_each_changed_field_audited_and_the_filter_finds_the_new_name() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("e");
    let values = form_values(&app);
    assert_eq!(values.len(), 4, "name, phone, email, segment: no status");
    assert_eq!(values[0], "Moira Cattanach");
    assert_eq!(Some(values[1].as_str()), moira.phone.as_deref());
    clear_field(&mut app);
    app.type_text("Moira Quillfeather");
    app.press("enter");
    assert!(app.state.overlay.is_none(), "{:?}", app.message());
    let saved = app.store.customer(moira.id).unwrap().unwrap();
    assert_eq!(saved.name, "Moira Quillfeather");
    assert_eq!(saved.phone, moira.phone);
    let audit = app.store.audit_for(moira.id).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].what.as_str(), audit[0].who.as_str()),
        ("name", "Priya Shah")
    );
    app.press("esc");
    app.find("quillfeather");
    assert_eq!(app.state.queue.selected_id(), Some(moira.id));
    assert_eq!(app.store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn esc_closes_the_edit_form_and_changes_nothing() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("e");
    app.type_text(" Junior");
    app.press("esc");
    assert!(app.state.overlay.is_none());
    assert!(
        app.state.customer_draft.is_none(),
        "an edit is not an add-customer draft"
    );
    assert_eq!(app.store.customer(moira.id).unwrap().unwrap(), moira);
    assert!(app.store.audit_for(moira.id).unwrap().is_empty());
    // Adding a customer afterwards starts blank, not with Moira's details.
    app.press("a");
    assert!(form_values(&app).iter().all(String::is_empty));
}

#[test]
fn an_empty_name_is_refused_in_one_line_and_nothing_is_saved() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("e");
    clear_field(&mut app);
    app.press("enter");
    let Some(Overlay::AddCustomer(form)) = &app.state.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(form.error_for("Name"), Some("a name is required"));
    assert_eq!(app.store.customer(moira.id).unwrap().unwrap(), moira);
}

#[test]
fn an_edit_that_makes_a_duplicate_warns_first_and_saves_on_a_second_enter() {
    let mut app = Harness::with_demo();
    let victor = app
        .store
        .all_customers()
        .unwrap()
        .into_iter()
        .find(|c| c.name.starts_with("Victor") && c.phone.is_some())
        .unwrap();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("e");
    clear_field(&mut app);
    app.type_text(&victor.name);
    app.press("tab");
    clear_field(&mut app);
    app.type_text(victor.phone.as_deref().unwrap());
    app.press("enter");
    let Some(Overlay::AddCustomer(form)) = &app.state.overlay else {
        panic!("the form stays open with the warning");
    };
    assert_eq!(form.duplicate_of.as_ref().map(|d| d.0), Some(victor.id));
    assert_eq!(
        app.store.customer(moira.id).unwrap().unwrap().name,
        moira.name
    );
    let screen = app.render(80, 24);
    assert!(screen.contains("same name and phone or email"), "{screen}");
    assert!(
        screen.contains("merge") && screen.contains("(m in the queue)"),
        "{screen}"
    );
    app.press("enter");
    assert!(app.state.overlay.is_none());
    assert_eq!(
        app.store.customer(moira.id).unwrap().unwrap().name,
        victor.name
    );
}

#[test]
fn do_not_contact_asks_why_and_cancelling_changes_nothing() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("tab");
    assert_eq!(app.state.focus, Pane::Customer);
    app.press("d");
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
    app.type_text("asked not to be called");
    app.press("esc");
    assert!(
        !app.store
            .customer(moira.id)
            .unwrap()
            .unwrap()
            .do_not_contact
    );

    app.press("d");
    app.press("enter");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("an empty reason keeps the prompt open");
    };
    assert!(prompt.error.is_some());
    app.type_text("asked not to be called");
    app.press("enter");
    assert!(app.state.overlay.is_none());
    let marked = app.store.customer(moira.id).unwrap().unwrap();
    let note = marked.do_not_contact_note.unwrap();
    assert_eq!(
        (note.reason.as_str(), note.by.as_str(), note.since),
        ("asked not to be called", "Priya Shah", fixed_now())
    );
    let wide = app.render(120, 40);
    assert!(
        wide.contains("Do not contact since 20 Nov: asked not to be called — Priya Shah"),
        "{wide}"
    );
    assert_snapshot!("do_not_contact_80x24", app.render(80, 24));

    // An outbound call is refused now; clearing is one key, and audited.
    app.press("enter");
    assert!(app.state.call.is_none(), "{}", app.message());
    app.press("d");
    assert!(
        !app.store
            .customer(moira.id)
            .unwrap()
            .unwrap()
            .do_not_contact
    );
    let audit = app.store.audit_for(moira.id).unwrap();
    let values: Vec<_> = audit.iter().map(|e| e.new.clone().unwrap()).collect();
    assert_eq!(values, ["yes: asked not to be called", "no"]);
}

#[test]
fn the_edit_form_at_80x24() {
    let mut app = Harness::with_demo();
    app.find("moira");
    app.press("e");
    app.press("tab");
    app.press("tab");
    clear_field(&mut app);
    app.type_text("moira at example");
    app.press("enter");
    assert_snapshot!("edit_customer_80x24", app.render(80, 24));
}

/// A second record of Moira (another email) with one call that opened a case.
fn add_duplicate(app: Harness) -> (Harness, Customer, Call) {
    let mut duplicate = NewCustomer {
        name: "Moira Cattanach".into(),
        email: "moira.c@example.org".into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now() - SignedDuration::from_hours(48), "Sam Okafor")
    .unwrap();
    duplicate.segment = Some("home".into());
    app.store.put_customer(&duplicate).unwrap();
    let at = fixed_now() - SignedDuration::from_hours(24);
    let mut call = Call::new(duplicate.id, "Sam Okafor", CallReason::Inbound, at);
    app.store.start_call(&call).unwrap();
    call.ended_at = Some(at + SignedDuration::from_mins(5));
    call.road = Some(Road::Care);
    call.outcome = Outcome::FollowUp;
    call.follow_up_due = Some(jiff::civil::date(2026, 11, 24));
    app.store
        .wrap_up_call(
            &call,
            "Parcel XQ-5521 never came",
            &Actor::agent("Sam Okafor", at),
        )
        .unwrap();
    (app.restart(), duplicate, call)
}

#[test]
fn merging_a_duplicate_moves_its_calls_and_cases_after_a_confirmation() {
    let (mut app, duplicate, call) = add_duplicate(Harness::with_demo());
    let moira = named(&app, "Moira Cattanach");
    let moira = if moira.id == duplicate.id {
        panic!("the demo's Moira comes first")
    } else {
        moira
    };
    let customers = app.store.counters().unwrap().customers;
    app.find("moira.c@example.org");
    assert_eq!(app.state.queue.selected_id(), Some(duplicate.id));
    app.press("esc");
    app.press("m");
    let Some(Overlay::Picker(picker)) = &app.state.overlay else {
        panic!("merge opens the customer picker");
    };
    assert_eq!(
        picker.chosen().and_then(|c| c.id),
        Some(moira.id),
        "the record of the same name is offered first"
    );
    assert!(picker.choices.iter().all(|c| c.id != Some(duplicate.id)));
    app.press("enter");
    let Some(Overlay::Confirm(confirmation)) = &app.state.overlay else {
        panic!(
            "a confirmation comes before anything moves: {}",
            app.message()
        );
    };
    let text = confirmation.lines.join("\n");
    assert!(text.contains("1 call and 1 case"), "{text}");
    assert!(text.contains("moira.c@example.org"), "{text}");
    assert_snapshot!("merge_confirmation_80x24", app.render(80, 24));

    // No: nothing moves.
    app.press("n");
    assert!(app.state.overlay.is_none());
    assert!(app.store.customer(duplicate.id).unwrap().is_some());

    app.press("m");
    app.press("enter");
    app.press("y");
    assert!(app.state.overlay.is_none());
    assert!(
        app.message().contains("1 call and 1 case moved"),
        "{}",
        app.message()
    );
    assert!(app.store.customer(duplicate.id).unwrap().is_none());
    assert_eq!(app.store.counters().unwrap().customers, customers - 1);
    assert_eq!(
        app.store.call(call.id).unwrap().unwrap().customer_id,
        moira.id
    );
    assert_eq!(app.state.queue.selected_id(), Some(moira.id));
    let context = app.state.context.as_ref().unwrap();
    assert!(context.history.iter().any(|c| c.call.id == call.id));
    assert!(
        context
            .open_cases
            .iter()
            .any(|c| c.opened_by_call == call.id)
    );
    assert_eq!(app.store.check_consistency().unwrap(), Vec::<String>::new());
    let screen = app.render(80, 24);
    assert!(screen.contains("Merged in Moira Cattanach"), "{screen}");
}

#[test]
fn a_customer_with_an_open_call_cannot_be_merged() {
    let (mut app, duplicate, _) = add_duplicate(Harness::with_demo());
    app.find("moira.c@example.org");
    app.press("i");
    assert!(app.state.call.is_some());
    app.press("esc");
    // Tab goes round the call's panes back to the queue.
    for _ in 0..4 {
        if app.state.focus == Pane::Queue {
            break;
        }
        app.press("tab");
    }
    assert_eq!(app.state.focus, Pane::Queue);
    app.press("m");
    assert!(app.state.overlay.is_none());
    assert!(app.message().contains("open call"), "{}", app.message());
    // Nor can another customer be merged into them.
    app.press("esc");
    let other = app
        .state
        .queue
        .entries
        .iter()
        .position(|e| e.name == "Moira Cattanach" && e.customer_id != duplicate.id)
        .unwrap();
    let at = app
        .state
        .queue
        .visible
        .iter()
        .position(|&i| i == other)
        .unwrap();
    app.state.queue.selected = at;
    app.press("m");
    let Some(Overlay::Picker(picker)) = &app.state.overlay else {
        panic!("the picker opens for a customer without a call");
    };
    assert_eq!(picker.chosen().and_then(|c| c.id), Some(duplicate.id));
    app.press("enter");
    assert!(app.state.overlay.is_none());
    assert!(app.message().contains("open call"), "{}", app.message());
    assert!(app.store.customer(duplicate.id).unwrap().is_some());
}

#[test]
fn merging_a_customer_into_themselves_is_not_offered_and_the_store_refuses_it() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("m");
    let Some(Overlay::Picker(picker)) = &app.state.overlay else {
        panic!("the picker opens");
    };
    assert!(picker.choices.iter().all(|c| c.id != Some(moira.id)));
    app.press("esc");
    let refused = app
        .store
        .merge_customers(moira.id, moira.id, &Actor::agent("Priya Shah", fixed_now()))
        .unwrap_err();
    assert!(refused.to_string().contains("themselves"), "{refused}");
}

#[test]
fn an_agent_takes_a_case_and_a_lead_gives_one_to_anyone() {
    let mut app = Harness::with_demo();
    app.press("f3");
    app.press("o");
    let row = app.state.review.cases.selected_row().cloned().unwrap();
    assert_ne!(row.case.owner, "Priya Shah");
    app.press("a");
    assert!(
        app.state.overlay.is_none(),
        "an agent takes, without a list"
    );
    let taken = app.store.open_cases(None, 1).unwrap().rows.remove(0);
    assert_eq!(taken.case.owner, "Priya Shah");
    assert!(
        app.message().contains("now Priya Shah's"),
        "{}",
        app.message()
    );
    app.press("a");
    assert!(app.message().contains("already yours"), "{}", app.message());

    let mut lead = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    lead.press("f3");
    lead.press("o");
    let row = lead.state.review.cases.selected_row().cloned().unwrap();
    lead.press("a");
    let Some(Overlay::Picker(picker)) = &lead.state.overlay else {
        panic!("a lead picks the new owner");
    };
    assert!(picker.choices.iter().all(|c| c.label != row.case.owner));
    let target = picker
        .choices
        .iter()
        .find(|c| c.label != "Jordan Reyes")
        .unwrap()
        .label
        .clone();
    // Esc: nothing changes.
    lead.press("esc");
    assert_eq!(
        lead.store.open_cases(None, 1).unwrap().rows[0].case.owner,
        row.case.owner
    );
    lead.press("a");
    lead.type_text(&target);
    lead.press("enter");
    let after = lead.store.open_cases(None, 1).unwrap().rows.remove(0);
    assert_eq!(after.case.owner, target);
    let last = after.audit.last().unwrap();
    assert_eq!(
        (last.what.as_str(), last.who.as_str(), last.role),
        ("case owner", "Jordan Reyes", Role::Lead)
    );
    assert_eq!(
        lead.state.review.cases.selected_row().unwrap().case.owner,
        target
    );
}

#[test]
fn an_overlong_reason_is_refused_in_the_prompt_and_nothing_is_saved() {
    let mut app = Harness::with_demo();
    app.find("moira");
    let moira = named(&app, "Moira Cattanach");
    app.press("tab");
    app.press("d");
    app.dispatch(fourroads::app::Action::Paste(
        "a very long story ".repeat(20),
    ));
    app.press("enter");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("the prompt stays open");
    };
    assert!(
        prompt
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("at most"),
        "{:?}",
        prompt.error
    );
    assert_eq!(app.store.customer(moira.id).unwrap().unwrap(), moira);
}
