//! A call reviewed by more than one lead, through the real keymap, reducer and screen: the
//! detail shows the review the call shows and the other leads' below it, latest first;
//! in blind review a lead who has not chosen a road sees no lead's road and not the
//! agent's, wherever they look; a lead whose review another replaced still sees their
//! own; the agent acknowledges the review shown.

mod support;

use fourroads::app::Overlay;
use fourroads::domain::call::Role;
use fourroads::domain::{Id, Road};
use fourroads::store::{Actor, Store};
use insta::assert_snapshot;
use support::{Harness, fixed_now};

const JORDAN: &str = "Jordan Reyes";
const KIM: &str = "Kim Park";
const LEE: &str = "Lee Novak";
const KIM_REASON: &str = "missed the second question";

fn as_lead(name: &str) -> Actor {
    Actor {
        who: name.into(),
        role: Role::Lead,
        reason: String::new(),
        at: fixed_now(),
    }
}

fn other_road(road: Road) -> Road {
    if road == Road::Teach {
        Road::Care
    } else {
        Road::Teach
    }
}

/// Selects the call `id` in the Review list (every call listed, reviewed or not).
fn select(app: &mut Harness, id: Id) {
    app.press("f3");
    if app.state.review.filters.unreviewed_only {
        app.press("u");
    }
    for _ in 0..app.state.review.calls.rows.len() {
        if app.state.review.selected_call().map(|c| c.id) == Some(id) {
            return;
        }
        app.press("down");
    }
    panic!("call {id} is not in the list");
}

/// The demo, with its newest finished call reviewed by Jordan (the agent's road, Jordan's
/// own comment) and then by Kim (another road, with a reason): Kim's is shown.
fn two_reviews() -> (Harness, Id, Road, Road) {
    let mut app = Harness::with_demo_as(JORDAN, Role::Lead);
    app.press("f3");
    app.press("u");
    let call = app.state.review.selected_call().unwrap().clone();
    assert!(!call.is_open());
    let agent_road = call.road.unwrap();
    app.store
        .review_call(call.id, agent_road, "well handled", &as_lead(JORDAN))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let kims = other_road(agent_road);
    app.store
        .review_call(call.id, kims, KIM_REASON, &as_lead(KIM))
        .unwrap();
    (app, call.id, agent_road, kims)
}

#[test]
fn a_lead_whose_review_was_replaced_sees_it_among_the_others() {
    let (app, id, agent_road, kims) = two_reviews();
    let mut app = app.restart_as(JORDAN, Role::Lead);
    select(&mut app, id);
    let screen = app.render(120, 40);
    assert!(
        screen.contains(&format!("Agent's road: {}", agent_road.label())),
        "Jordan has chosen a road: {screen}"
    );
    assert!(screen.contains(&format!("Lead's road: {}", kims.label())));
    assert!(screen.contains(&format!("by {KIM}")));
    assert!(screen.contains("Earlier reviews"), "{screen}");
    assert!(screen.contains(&format!("{JORDAN}: {}", agent_road.label())));
    assert_snapshot!("review_two_leads_120x40", screen);
    assert_snapshot!("review_two_leads_80x24", app.render(80, 24));
    // The agent's-road filter lists the call for Jordan, who has reviewed it.
    for _ in 0..agent_road.number() {
        app.press("r");
    }
    assert!(app.state.review.calls.rows.iter().any(|r| r.call.id == id));
    select(&mut app, id);
    // Jordan's comment prompt holds Jordan's words, never Kim's.
    app.press("c");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("c opens the comment prompt");
    };
    assert_eq!(prompt.text(), "well handled");
}

#[test]
fn a_blind_lead_who_has_not_chosen_sees_no_leads_road_anywhere() {
    let (app, id, agent_road, kims) = two_reviews();
    let call = app.store.call(id).unwrap().unwrap();
    let mut app = app.restart_as(LEE, Role::Lead);
    assert!(app.state.review.blind, "blind review is on by default");
    select(&mut app, id);
    for (width, height) in [(120, 40), (80, 24)] {
        let screen = app.render(width, height);
        assert!(screen.contains("Agent's road: hidden"), "{screen}");
        assert!(!screen.contains(KIM_REASON), "{screen}");
        assert!(!screen.contains("well handled"), "{screen}");
        assert!(!screen.contains("Earlier reviews"), "{screen}");
        assert!(!screen.contains(&format!("Lead's road: {}", kims.label())));
        for road in [agent_road, kims] {
            assert!(
                !screen.contains(&format!("{JORDAN}: {}", road.label())),
                "{screen}"
            );
        }
    }
    // The filter by agent's road lists only calls Lee has reviewed: none.
    for _ in 0..agent_road.number() {
        app.press("r");
    }
    assert!(app.state.review.calls.rows.iter().all(|r| r.call.id != id));
    // The customer's history beside a call: the road reads hidden.
    let customer = app.store.customer(call.customer_id).unwrap().unwrap();
    let mut app = app.restart_as(LEE, Role::Lead);
    app.find(&customer.name);
    let screen = app.render(120, 40);
    assert!(!screen.contains(KIM_REASON), "{screen}");
    assert!(!screen.contains("Earlier reviews"), "{screen}");

    // Search: the call found by a word of its notes opens read-only, roads hidden.
    let notes = app.store.notes(id).unwrap();
    app.store
        .save_notes(id, &format!("{notes}\nzebrafinch"))
        .unwrap();
    let mut app = app.restart_as(LEE, Role::Lead);
    app.press("f5");
    app.type_text("zebrafinch");
    assert_eq!(app.state.search.results.calls.len(), 1);
    app.press("enter");
    let opened = app.state.search.opened.detail.as_ref().expect("it opens");
    assert_eq!(opened.call.id, id);
    let screen = app.render(120, 40);
    assert!(screen.contains("zebrafinch"), "{screen}");
    assert!(screen.contains("Agent's road: hidden"), "{screen}");
    assert!(!screen.contains(KIM_REASON), "{screen}");
    assert!(!screen.contains("Earlier reviews"), "{screen}");
    assert!(!screen.contains(&format!("Lead's road: {}", kims.label())));

    // Lee's blind pick saves first; then everything shows.
    let mut app = app.restart_as(LEE, Role::Lead);
    select(&mut app, id);
    app.press(&agent_road.number().to_string());
    let screen = app.render(120, 40);
    assert!(screen.contains(&format!("Agent's road: {}", agent_road.label())));
    assert!(screen.contains(&format!("by {LEE}")), "{screen}");
    assert!(screen.contains(KIM_REASON), "{screen}");
    assert!(screen.contains(&format!("{JORDAN}: {}", agent_road.label())));
}

#[test]
fn the_agent_sees_every_review_and_acknowledges_the_one_shown() {
    let (app, id, _, kims) = two_reviews();
    let agent = app.store.call(id).unwrap().unwrap().agent;
    let mut app = app.restart_as(&agent, Role::Agent);
    select(&mut app, id);
    let screen = app.render(120, 40);
    assert!(screen.contains(&format!("Lead's road: {}", kims.label())));
    assert!(screen.contains(KIM_REASON));
    assert!(screen.contains("Earlier reviews"), "{screen}");
    assert!(screen.contains(&format!("Not yet acknowledged by {agent}")));
    app.press("a");
    let call = app.store.call(id).unwrap().unwrap();
    let reviews = app.store.lead_reviews(&call).unwrap();
    assert_eq!(reviews[0].review.lead, KIM);
    assert!(reviews[0].review.acknowledged_at.is_some());
    assert_eq!(reviews[1].review.lead, JORDAN);
    assert_eq!(
        reviews[1].review.acknowledged_at, None,
        "only the one shown"
    );
    let screen = app.render(120, 40);
    assert!(screen.contains(&format!("Seen by {agent}")), "{screen}");
}
