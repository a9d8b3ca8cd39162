//! Erasing a customer: everything about them goes, indexes and counters follow, and no
//! query, figure or backup mentions them afterwards.

mod support;

use fourroads::domain::{Clock, period};
use fourroads::store::{ReviewQuery, SledStore, Store, demo};
use fourroads::transfer::backup::backup;
use jiff::civil::date;
use support::{files_holding, fixed_now};

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
        blind_lead: None,
        own_figures: None,
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
        blind_lead: None,
        own_figures: None,
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

#[test]
fn nothing_readable_of_an_erased_customer_remains_on_disk() {
    use fourroads::domain::call::Call;
    use fourroads::store::Actor;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut store = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let customer = fourroads::domain::NewCustomer {
        name: "Zebulon Quixotewright".into(),
        phone: "+44 7700 918273".into(),
        email: "zebulon@quixotewright.example".into(),
        ..Default::default()
    }
    .validate(fixed_now(), "test")
    .unwrap();
    store.put_customer(&customer).unwrap();
    let mut call = Call::new(
        customer.id,
        "Priya Shah",
        fourroads::domain::CallReason::Inbound,
        fixed_now(),
    );
    store.start_call(&call).unwrap();
    store
        .save_notes(call.id, "Zebulon Quixotewright asked about the bill")
        .unwrap();
    call.ended_at = Some(fixed_now() + jiff::SignedDuration::from_mins(5));
    call.road = Some(fourroads::domain::Road::from_number(1).unwrap());
    store
        .wrap_up_call(
            &call,
            "Zebulon Quixotewright asked about the bill",
            &Actor::agent("Priya Shah", fixed_now()),
        )
        .unwrap();
    store.flush().unwrap();
    let phone = customer.phone.clone().unwrap();
    assert!(
        !files_holding(&path, b"Quixotewright").is_empty(),
        "the name is on disk before the erase"
    );

    let erased = fourroads::transfer::staging::erase_customer(&mut store, customer.id)
        .unwrap()
        .unwrap();
    assert_eq!(erased.calls, 1);
    store.flush().unwrap();
    for needle in [
        "Quixotewright".as_bytes(),
        phone.as_bytes(),
        b"zebulon@",
        customer.id.as_bytes().as_slice(),
    ] {
        let found = files_holding(&path, needle);
        assert!(
            found.is_empty(),
            "{} still in {found:?}",
            String::from_utf8_lossy(needle)
        );
    }
    // The rest of the store is intact, and nothing was left beside it.
    assert_eq!(store.counters().unwrap().customers, 44);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
}
