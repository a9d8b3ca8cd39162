//! Erasing a customer: everything about them goes, indexes and counters follow, and no
//! query, figure or backup mentions them afterwards.

mod support;

use fourroads::domain::{Clock, period};
use fourroads::store::{ReviewQuery, SledStore, Store, demo};
use fourroads::transfer::backup::backup;
use jiff::civil::date;
use support::fixed_now;

#[test]
fn an_erased_customer_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let customer = store
        .all_customers()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Moira Cattanach")
        .unwrap();
    let before = store.counters().unwrap();
    let context = store.customer_context(customer.id, 1000).unwrap().unwrap();
    let calls = context.history.len();
    assert!(calls > 0);

    let templates = fourroads::export::Templates::load(None, false).unwrap();
    let request = fourroads::export::summary::SummaryRequest {
        from: period::beginning(),
        to: date(2026, 11, 20),
        agent: None,
        road: None,
        calls: true,
    };
    let clock = Clock::fixed(fixed_now());
    let markdown =
        fourroads::export::summary::summary(&store, &templates, &request, &clock).unwrap();
    assert!(
        markdown.contains("Moira"),
        "the export mentions them before"
    );

    let erased = store.erase_customer(customer.id).unwrap().unwrap();
    assert_eq!(erased.calls, calls);
    assert_eq!(erased.notes, calls);
    assert!(erased.cases > 0);
    assert!(
        erased.audit >= calls,
        "at least the agent's road of each call"
    );

    assert!(store.customer(customer.id).unwrap().is_none());
    assert!(store.customer_context(customer.id, 10).unwrap().is_none());
    for summary in &context.history {
        assert!(store.call(summary.call.id).unwrap().is_none());
        assert_eq!(store.notes(summary.call.id).unwrap(), "");
        assert!(store.audit_for(summary.call.id).unwrap().is_empty());
    }
    let after = store.counters().unwrap();
    assert_eq!(after.customers, before.customers - 1);
    assert_eq!(after.calls, before.calls - calls as u64);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    let (entries, _) = store.queue_entries().unwrap();
    assert!(entries.iter().all(|e| e.customer_id != customer.id));
    let everything = ReviewQuery::period(period::beginning(), date(2026, 11, 20));
    let rows = store.review_page(&everything, None, 10_000).unwrap().rows;
    assert_eq!(rows.len() as u64, after.calls);
    assert!(rows.iter().all(|r| r.call.customer_id != customer.id));
    let cases = store.open_cases(None, 1000).unwrap().rows;
    assert!(cases.iter().all(|r| r.case.customer_id != customer.id));
    let dashboard = store
        .dashboard(period::beginning(), date(2026, 11, 20), date(2026, 11, 20))
        .unwrap();
    assert!(
        dashboard
            .stories
            .iter()
            .all(|s| s.customer != customer.name)
    );

    let templates = fourroads::export::Templates::load(None, false).unwrap();
    let request = fourroads::export::summary::SummaryRequest {
        from: period::beginning(),
        to: date(2026, 11, 20),
        agent: None,
        road: None,
        calls: true,
    };
    let markdown = fourroads::export::summary::summary(
        &store,
        &templates,
        &request,
        &Clock::fixed(fixed_now()),
    )
    .unwrap();
    assert!(
        !markdown.contains("Moira"),
        "the export no longer mentions them"
    );
    assert!(
        fourroads::export::summary::customer(
            &store,
            &templates,
            customer.id,
            &Clock::fixed(fixed_now())
        )
        .is_err()
    );

    let file = dir.path().join("after.jsonl");
    backup(&store, &file, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(&customer.name));
    assert!(!text.contains(&customer.id.to_string()));
    assert!(store.erase_customer(customer.id).unwrap().is_none());
}
