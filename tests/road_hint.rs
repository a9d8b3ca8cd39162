//! The road suggestion in the app, headless: learned from the store's confirmed calls,
//! shown and explained while typing, never setting the road, recorded at wrap-up,
//! rebuilt after a review, and forgetting an erased customer's calls.

mod support;

use jiff::SignedDuration;

use fourroads::app::road_hint::HintLine;
use fourroads::app::{Action, Effect};
use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, Customer, CustomerStatus, Road, StatusChange, new_id};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::transfer::roads::parse_labelled;
use support::{Harness, fixed_now};

const DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/roads_dev.csv");

fn customer(name: &str) -> Customer {
    let created = fixed_now() - SignedDuration::from_hours(24 * 90);
    Customer {
        id: new_id(),
        name: name.into(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: CustomerStatus::Active,
        do_not_contact: false,
        created_at: created,
        status_history: vec![StatusChange {
            at: created,
            from: None,
            to: CustomerStatus::Active,
            by: "test".into(),
        }],
        last_contact: None,
        do_not_contact_note: None,
        merged: Vec::new(),
    }
}

/// Every note of the development set as a finished call of `who`, reviewed by a lead with
/// the note's road.
fn confirmed_calls(store: &SledStore, who: &Customer) -> usize {
    let notes = parse_labelled("dev", &std::fs::read(DEV).unwrap()).unwrap();
    let mut lead = Actor::agent("Lena Lead", fixed_now());
    lead.role = Role::Lead;
    for (i, (text, road)) in notes.iter().enumerate() {
        let start = fixed_now() - SignedDuration::from_mins(10 * (i as i64 + 10));
        let mut call = Call::new(who.id, "Sam", CallReason::Inbound, start);
        store.start_call(&call).unwrap();
        call.road = Some(*road);
        call.ended_at = Some(start + SignedDuration::from_mins(5));
        store
            .wrap_up_call(&call, text, &Actor::agent("Sam", start))
            .unwrap();
        store.review_call(call.id, *road, "", &lead).unwrap();
    }
    notes.len()
}

fn trained() -> (Harness, Customer) {
    let app = Harness::empty();
    let past = customer("Past Caller");
    let today = customer("Moira Cattanach");
    app.store.put_customer(&past).unwrap();
    app.store.put_customer(&today).unwrap();
    confirmed_calls(&app.store, &past);
    (app.restart(), past)
}

#[test]
fn the_agent_sees_an_explained_suggestion_that_never_sets_the_road() {
    let (mut app, _) = trained();
    assert!(app.state.road_hint.model().is_some(), "built at start-up");
    app.find("Moira");
    app.press("enter");
    let typed = "so sorry for the trouble, waived the late fee and will call back friday";
    app.type_text(typed);
    let HintLine::Reads(suggestion) = app.state.road_hint.line() else {
        panic!("{:?}", app.state.road_hint.line());
    };
    assert_eq!(suggestion.road, Road::Care);
    assert!(!suggestion.cues.is_empty());
    let screen = app.render(120, 40);
    assert!(screen.contains("reads like 2 Care ("), "{screen}");
    assert!(screen.contains("%) — "), "{screen}");
    // Every mark is a cue word of the notes, on the line it is on.
    let active = app.state.call.as_ref().unwrap();
    assert_eq!(active.call.road, None, "the suggestion never sets the road");
    for &(line, start, end) in &app.state.road_hint.marks {
        let word = &active.notes.line(line)[start..end];
        assert!(
            suggestion
                .cues
                .iter()
                .any(|c| c.words == word.to_lowercase()),
            "{word} is a cue"
        );
    }
    // The agent picks another road; wrap-up records what the notes read like.
    app.press("alt-4");
    app.press("ctrl-e");
    let calls = app
        .store
        .review_page(
            &fourroads::store::ReviewQuery::period(
                jiff::civil::date(2026, 11, 20),
                jiff::civil::date(2026, 11, 20),
            ),
            None,
            5,
        )
        .unwrap();
    let wrapped = calls
        .rows
        .iter()
        .find(|r| r.customer == "Moira Cattanach")
        .expect("the call is stored");
    assert_eq!(wrapped.call.road, Some(Road::GoAway));
    assert_eq!(wrapped.call.suggested_road, Some(Road::Care));
}

#[test]
fn the_suggestion_follows_the_notes_and_leaves_with_the_call() {
    let (mut app, _) = trained();
    app.find("Moira");
    app.press("enter");
    app.type_text("walked her through resetting the router step by step");
    assert_eq!(app.state.road_hint.shown_road(), Some(Road::Teach));
    // Deleting the words takes the suggestion with them.
    for _ in 0..60 {
        app.press("backspace");
    }
    assert_eq!(app.state.road_hint.line(), HintLine::NothingYet);
    app.type_text("put on hold then transferred to billing, told to email in");
    assert_eq!(app.state.road_hint.shown_road(), Some(Road::GoAway));
    app.press("alt-4");
    app.press("ctrl-e");
    assert!(app.state.call.is_none());
    assert!(app.state.road_hint.marks.is_empty());
    assert_eq!(app.state.road_hint.current, None);
}

#[test]
fn until_each_road_has_enough_reviews_it_says_how_many_more() {
    let app = Harness::empty();
    let HintLine::NeedsMore(needed) = app.state.road_hint.line() else {
        panic!("{:?}", app.state.road_hint.line());
    };
    assert_eq!(needed.len(), 4);
    assert!(needed.iter().all(|(_, more)| *more == 20));
    let mut app = Harness::with_demo();
    app.find("Moira");
    app.press("enter");
    app.type_text("apologised and waived the fee");
    assert_eq!(app.state.road_hint.shown_road(), None);
    let screen = app.render(80, 24);
    assert!(screen.contains("suggestion: "), "{screen}");
    assert!(screen.contains("more reviews of road"), "{screen}");
}

#[test]
fn a_saved_review_rebuilds_the_model_and_an_erased_customer_no_longer_counts() {
    let (app, past) = trained();
    let before = app.state.road_hint.per_road;
    assert_eq!(before.iter().sum::<u32>(), 239);
    // A saved review asks for a rebuild, off the UI task (and only one at a time).
    let mut lead = Harness::with_demo_as("Lena Lead", Role::Lead);
    let builds = |h: &Harness| {
        h.effects
            .iter()
            .filter(|e| matches!(e, Effect::BuildRoadModel { .. }))
            .count()
    };
    let before_review = builds(&lead);
    let mut query = fourroads::store::ReviewQuery::period(
        jiff::civil::date(2026, 1, 1),
        jiff::civil::date(2026, 11, 20),
    );
    query.reviewed_only = true;
    let reviewed = lead.store.review_page(&query, None, 1).unwrap().rows[0]
        .call
        .clone();
    lead.dispatch(Action::ReviewSaved(Box::new(reviewed)));
    assert_eq!(
        builds(&lead),
        before_review + 1,
        "a review rebuilds the model"
    );
    // Erase the customer whose calls taught the model: after a restart, none count.
    app.store.erase_customer(past.id).unwrap();
    let app = app.restart();
    assert_eq!(app.state.road_hint.per_road, [0; 4]);
    assert!(app.state.road_hint.model().is_none());
}

#[test]
fn a_lead_brings_calls_whose_notes_disagree_with_the_road_first() {
    let app = Harness::empty();
    let past = customer("Past Caller");
    let odd = customer("Odd One");
    app.store.put_customer(&past).unwrap();
    app.store.put_customer(&odd).unwrap();
    confirmed_calls(&app.store, &past);
    // An older call, not reviewed yet, whose notes teach but which its agent put on road 4.
    let start = fixed_now() - SignedDuration::from_hours(60);
    let mut call = Call::new(odd.id, "Sam", CallReason::Inbound, start);
    app.store.start_call(&call).unwrap();
    call.road = Some(Road::GoAway);
    call.ended_at = Some(start + SignedDuration::from_mins(5));
    let notes = "walked him through resetting the router step by step, showed him how";
    app.store
        .wrap_up_call(&call, notes, &Actor::agent("Sam", start))
        .unwrap();
    let mut app = app.restart_as("Lena Lead", Role::Lead);
    // With blind review the agent's road of an unreviewed call is hidden from the lead,
    // and ordering by it would give it away; this team reviews with roads shown.
    app.state.review.blind = false;
    app.press("f3");
    // Every call of the period, reviewed or not.
    app.press("u");
    let first = |app: &Harness| app.state.review.calls.rows.first().map(|r| r.call.id);
    assert_ne!(first(&app), Some(call.id), "newest first before ordering");
    app.press("s");
    assert_eq!(first(&app), Some(call.id), "{}", app.message());
    assert!(
        app.message().contains("read like another road"),
        "{}",
        app.message()
    );
    let screen = app.render(160, 50);
    assert!(screen.contains("reads 3 · walked"), "{screen}");
    assert!(screen.contains("notes disagreeing first"), "{screen}");
    assert!(screen.contains("Notes read like 3 Teach ("), "{screen}");
    // Off again: time order.
    app.press("s");
    assert_ne!(first(&app), Some(call.id));
}

#[test]
fn in_blind_review_a_hidden_road_is_never_compared() {
    let app = Harness::empty();
    let past = customer("Past Caller");
    let odd = customer("Odd One");
    app.store.put_customer(&past).unwrap();
    app.store.put_customer(&odd).unwrap();
    confirmed_calls(&app.store, &past);
    let start = fixed_now() - SignedDuration::from_hours(60);
    let mut call = Call::new(odd.id, "Sam", CallReason::Inbound, start);
    app.store.start_call(&call).unwrap();
    call.road = Some(Road::GoAway);
    call.ended_at = Some(start + SignedDuration::from_mins(5));
    app.store
        .wrap_up_call(
            &call,
            "walked him through the reset step by step",
            &Actor::agent("Sam", start),
        )
        .unwrap();
    let mut app = app.restart_as("Lena Lead", Role::Lead);
    assert!(app.state.review.blind);
    app.press("f3");
    app.press("s");
    let row = app
        .state
        .review
        .calls
        .rows
        .iter()
        .find(|r| r.call.id == call.id)
        .expect("listed");
    assert_eq!(
        fourroads::app::road_hint::row_disagrees(&app.state, &row.call),
        None
    );
    assert!(!app.render(160, 50).contains("reads 3 ·"));
}

#[test]
fn an_agent_cannot_order_the_review_list_by_the_suggestion() {
    let (mut app, _) = trained();
    app.press("f3");
    app.press("s");
    assert!(!app.state.road_hint.disagree_first);
}

#[test]
fn the_dashboard_says_how_often_the_suggestion_agreed_with_the_lead() {
    let (mut app, _) = trained();
    app.find("Moira");
    app.press("enter");
    app.type_text("so sorry, waived the fee and will follow up friday");
    assert_eq!(app.state.road_hint.shown_road(), Some(Road::Care));
    app.press("alt-2");
    app.press("ctrl-e");
    let mut query = fourroads::store::ReviewQuery::period(
        jiff::civil::date(2026, 11, 20),
        jiff::civil::date(2026, 11, 20),
    );
    query.unreviewed_only = true;
    let call = app.store.review_page(&query, None, 5).unwrap().rows[0]
        .call
        .clone();
    assert_eq!(call.suggested_road, Some(Road::Care));
    let mut lead = Actor::agent("Lena Lead", fixed_now());
    lead.role = Role::Lead;
    app.store
        .review_call(call.id, Road::Teach, "taught her the app", &lead)
        .unwrap();
    let mut app = app.restart_as("Lena Lead", Role::Lead);
    app.press("f4");
    assert_eq!(app.state.road_hint.agreement, Some((0, 1)));
    let screen = app.render(120, 40);
    assert!(
        screen.contains("Road suggestion: agreed with the lead on 0% (0 of 1)"),
        "{screen}"
    );
}

#[test]
fn a_long_note_is_read_again_when_typing_pauses_not_on_every_key() {
    let (mut app, _) = trained();
    app.find("Moira");
    app.press("enter");
    let long = "walked her through resetting the router step by step. ".repeat(100);
    assert!(long.len() > fourroads::app::road_hint::QUICK_READ);
    app.dispatch(fourroads::app::Action::Paste(long));
    assert_eq!(
        app.state.road_hint.current, None,
        "not read while typing goes on"
    );
    app.autosave();
    assert_eq!(app.state.road_hint.shown_road(), Some(Road::Teach));
}

#[test]
fn until_the_first_build_answers_it_says_it_is_learning() {
    use fourroads::app::{State, road_hint};
    let mut state = State::new(
        "Priya Shah",
        Role::Agent,
        "/tmp/store",
        fourroads::domain::Clock::fixed(fixed_now()),
    );
    assert_eq!(state.road_hint.line(), HintLine::Learning);
    let effects = road_hint::build(&mut state);
    let [Effect::BuildRoadModel { generation }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    // A second request while the first runs waits for it.
    assert!(road_hint::build(&mut state).is_empty());
    // An answer for another generation is dropped.
    road_hint::built(&mut state, None, [5, 5, 5, 5], generation + 1);
    assert_eq!(state.road_hint.line(), HintLine::Learning);
    let again = road_hint::built(&mut state, None, [25, 3, 20, 0], *generation);
    assert_eq!(
        state.road_hint.line(),
        HintLine::NeedsMore(vec![(Road::Care, 17), (Road::GoAway, 20)])
    );
    assert!(
        matches!(again.as_slice(), [Effect::BuildRoadModel { .. }]),
        "the request made meanwhile runs now"
    );
}

#[test]
fn cue_words_are_underlined_in_the_notes_and_nothing_else_is() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Modifier;
    let (mut app, _) = trained();
    app.find("Moira");
    app.press("enter");
    app.type_text("so sorry, waived the fee");
    app.render(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let theme = fourroads::ui::Theme::new(true);
    terminal
        .draw(|frame| fourroads::ui::render(frame, &app.state, &theme, &app.keymap))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    // The notes' first row: find it by its text, then read which cells are underlined.
    let row = (0..40)
        .find(|y| {
            let line: String = (0..120)
                .map(|x| buffer[(x, *y)].symbol().to_string())
                .collect();
            line.contains("so sorry, waived the fee")
        })
        .expect("the notes are drawn");
    let line: String = (0..120)
        .map(|x| buffer[(x, row)].symbol().to_string())
        .collect();
    let at = line.find("so sorry").unwrap();
    let start = line[..at].chars().count() as u16;
    let underlined: String = (start..120u16)
        .map(|x| {
            let cell = &buffer[(x, row)];
            if cell.modifier.contains(Modifier::UNDERLINED) {
                cell.symbol().to_string()
            } else {
                " ".to_string()
            }
        })
        .collect();
    let cues: Vec<&str> = underlined.split_whitespace().collect();
    assert!(!cues.is_empty(), "some cue is marked: {line}");
    for cue in &cues {
        let cue = cue.trim_matches(',');
        assert!(
            ["so", "sorry", "waived", "the", "fee"].contains(&cue),
            "{cue} is a word of the notes"
        );
    }
    let HintLine::Reads(suggestion) = app.state.road_hint.line() else {
        panic!("a suggestion");
    };
    for cue in &cues {
        let cue = cue.trim_matches(',');
        assert!(
            suggestion
                .cues
                .iter()
                .any(|c| c.words.split(' ').any(|w| w == cue)),
            "{cue} is one of the cues {:?}",
            suggestion.cues
        );
    }
}
