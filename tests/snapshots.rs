//! Render snapshots on ratatui's TestBackend with a fixed clock and the demo data.

mod support;

use insta::assert_snapshot;
use support::Harness;

#[test]
fn welcome_screen_on_an_empty_store() {
    let mut app = Harness::empty();
    assert_snapshot!("welcome_80x24", app.render(80, 24));
}

#[test]
fn agent_view_with_customer_context() {
    let mut app = Harness::with_demo();
    assert_snapshot!("agent_80x24", app.render(80, 24));
    assert_snapshot!("agent_120x40", app.render(120, 40));
}

#[test]
fn agent_view_during_a_call() {
    let mut app = Harness::with_demo();
    app.press("enter");
    app.type_text("Discount still missing from the bill #billing\n> I have asked three times now");
    app.press("alt-2");
    app.press("esc");
    app.press("o");
    app.advance_ms(95_000);
    assert_snapshot!("call_80x24", app.render(80, 24));
    assert_snapshot!("call_120x40", app.render(120, 40));
    assert_snapshot!("call_160x50", app.render(160, 50));
}

#[test]
fn call_with_context_toggled_at_80x24() {
    let mut app = Harness::with_demo();
    app.find("helen");
    app.press("enter");
    app.type_text("Refund RF-20931 still not on the card");
    app.render(80, 24);
    app.press("f6");
    assert_snapshot!("call_context_80x24", app.render(80, 24));
}

#[test]
fn help_overlay() {
    let mut app = Harness::with_demo();
    app.press("f1");
    assert_snapshot!("help_120x40", app.render(120, 40));
}

#[test]
fn add_customer_form_with_errors() {
    let mut app = Harness::with_demo();
    app.press("a");
    app.press("tab");
    app.press("tab");
    app.type_text("ann at example");
    app.press("enter");
    assert_snapshot!("add_customer_80x24", app.render(80, 24));
}

fn lead() -> Harness {
    Harness::with_demo_as("Jordan Reyes", fourroads::domain::call::Role::Lead)
}

#[test]
fn review_view_blind_and_revealed() {
    let mut app = lead();
    app.press("f3");
    assert_snapshot!("review_blind_80x24", app.render(80, 24));
    assert_snapshot!("review_blind_120x40", app.render(120, 40));
    let road = app.state.review.selected_call().unwrap().road.unwrap();
    app.press(&road.number().to_string());
    assert_snapshot!("review_revealed_80x24", app.render(80, 24));
    assert_snapshot!("review_revealed_120x40", app.render(120, 40));
}

#[test]
fn review_case_list() {
    let mut app = lead();
    app.press("f3");
    app.press("o");
    assert_snapshot!("cases_80x24", app.render(80, 24));
    assert_snapshot!("cases_120x40", app.render(120, 40));
}

#[test]
fn dashboard_view() {
    let mut app = lead();
    app.press("f4");
    assert_snapshot!("dashboard_80x24", app.render(80, 24));
    assert_snapshot!("dashboard_120x40", app.render(120, 40));
}

#[test]
fn a_past_call_opened_from_the_context_during_a_call() {
    let mut app = Harness::with_demo();
    app.find("helen");
    app.press("enter");
    app.type_text("Refund RF-20931 still not on the card");
    app.press("esc");
    app.press("tab");
    app.press("down");
    assert_snapshot!("call_context_focused_80x24", app.render(80, 24));
    app.press("enter");
    assert_snapshot!("past_call_80x24", app.render(80, 24));
    assert_snapshot!("past_call_120x40", app.render(120, 40));
}

#[test]
fn starting_a_call_while_another_is_open_asks() {
    let mut app = Harness::with_demo();
    app.find("helen");
    app.press("enter");
    app.type_text("Router replaced, still dropping");
    app.press("shift-tab");
    app.press("esc");
    app.press("down");
    app.press("enter");
    assert_snapshot!("switch_call_80x24", app.render(80, 24));
}
