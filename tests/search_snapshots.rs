//! The Search view as a picture, at the two sizes the SPEC names: results for a word in
//! the demo's notes (customers then calls, the match set off by »…«), and a call opened.

mod support;

use insta::assert_snapshot;
use support::Harness;

#[test]
fn search_results_and_an_opened_call() {
    let mut app = Harness::with_demo();
    app.press("f5");
    assert_snapshot!("search_empty_80x24", app.render(80, 24));
    app.type_text("refund");
    assert_snapshot!("search_results_80x24", app.render(80, 24));
    assert_snapshot!("search_results_120x40", app.render(120, 40));
    app.press("down");
    app.press("enter");
    assert_snapshot!("search_call_80x24", app.render(80, 24));
    assert_snapshot!("search_call_120x40", app.render(120, 40));
}

#[test]
fn search_finds_customers_before_calls() {
    let mut app = Harness::with_demo();
    app.press("f5");
    app.type_text("moira");
    assert_snapshot!("search_customer_120x40", app.render(120, 40));
}
