//! The full-text index behind `Store::search`: it finds customers and notes, it always
//! equals a recount from the records (after autosave, wrap-up, a customer edit, an
//! erase and a restore), and an erased customer cannot be found by anything they said.

mod support;

use fourroads::domain::{CallReason, Clock, Customer, Road};
use fourroads::store::{Actor, SledStore, Store, demo};
use fourroads::transfer::backup::{backup, restore};
use support::fixed_now;

fn open(dir: &tempfile::TempDir, name: &str) -> SledStore {
    SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
}

fn demo_store(dir: &tempfile::TempDir) -> SledStore {
    let store = open(dir, "store");
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    store
}

fn consistent(store: &SledStore) {
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
}

fn first_customer(store: &SledStore) -> Customer {
    let mut customers = store.all_customers().unwrap();
    customers.sort_by(|a, b| a.name.cmp(&b.name));
    customers.remove(0)
}

/// Starts a call with `customer`, autosaves `notes`, and wraps it up with `final_notes`.
fn call_with_notes(
    store: &SledStore,
    customer: &Customer,
    notes: &str,
    final_notes: Option<&str>,
) -> fourroads::domain::Call {
    let at = fixed_now();
    let mut call = fourroads::domain::Call::new(customer.id, "sam", CallReason::Inbound, at);
    store.start_call(&call).unwrap();
    store.save_notes(call.id, notes).unwrap();
    consistent(store);
    if let Some(text) = final_notes {
        call.road = Some(Road::Care);
        call.ended_at = Some(at);
        store
            .wrap_up_call(&call, text, &Actor::agent("sam", at))
            .unwrap();
    }
    call
}

#[test]
fn a_refund_reference_in_autosaved_notes_is_found_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    consistent(&store);
    let customer = first_customer(&store);
    let call = call_with_notes(
        &store,
        &customer,
        "Called about a double charge.\nRefund RF-20931 sent today.",
        None,
    );
    let results = store.search("rf-20931", 20).unwrap();
    assert_eq!(results.calls.len(), 1, "{results:?}");
    let hit = &results.calls[0];
    assert_eq!(hit.call.id, call.id);
    assert_eq!(hit.customer_name, customer.name);
    assert_eq!(hit.line, "Refund RF-20931 sent today.");
    assert_eq!(&hit.line[hit.mark.0..hit.mark.1], "RF-20931");
    // The same terms apart are not the reference.
    assert!(store.search("RF-20932", 20).unwrap().calls.is_empty());
    assert!(
        store
            .search("\"sent refund\"", 20)
            .unwrap()
            .calls
            .is_empty()
    );
    assert_eq!(store.search("refund double", 20).unwrap().calls.len(), 1);
}

#[test]
fn wrap_up_replaces_what_autosave_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let customer = first_customer(&store);
    let call = call_with_notes(
        &store,
        &customer,
        "draft mentions zebracorn",
        Some("final text mentions quokkaplan"),
    );
    consistent(&store);
    assert!(store.search("zebracorn", 10).unwrap().calls.is_empty());
    let found = store.search("quokkaplan", 10).unwrap();
    assert_eq!(found.calls.len(), 1);
    assert_eq!(found.calls[0].call.id, call.id);
    // Autosave after wrap-up is not possible, but another autosave of another call is.
    store.save_notes(call.id, "").unwrap();
    consistent(&store);
    assert!(store.search("quokkaplan", 10).unwrap().calls.is_empty());
}

#[test]
fn customers_are_found_by_name_phone_and_email_and_an_edit_moves_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let mut customer = first_customer(&store);
    customer.name = "Philippa Quennell".into();
    customer.phone = Some("+44 20 7946 0958".into());
    customer.email = Some("pq@example.org".into());
    store.put_customer(&customer).unwrap();
    consistent(&store);
    for query in [
        "quennell",
        "Philippa QUENNELL",
        "7946 0958",
        "442079460958",
        "pq@example.org",
    ] {
        let found = store.search(query, 10).unwrap();
        assert_eq!(found.customers.len(), 1, "{query}: {found:?}");
        assert_eq!(found.customers[0].customer.id, customer.id);
    }
    let hit = &store.search("pq@example.org", 10).unwrap().customers[0];
    assert_eq!(&hit.line[hit.mark.0..hit.mark.1], "pq@example.org");

    customer.name = "Philippa Stone".into();
    store.put_customer(&customer).unwrap();
    consistent(&store);
    assert!(store.search("quennell", 10).unwrap().customers.is_empty());
    assert_eq!(
        store.search("stone philippa", 10).unwrap().customers.len(),
        1
    );
}

#[test]
fn an_erased_customer_cannot_be_found_by_anything() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let mut customer = first_customer(&store);
    customer.name = "Wilhelmina Ostrander".into();
    store.put_customer(&customer).unwrap();
    call_with_notes(
        &store,
        &customer,
        "ref XQ-77123",
        Some("ref XQ-77123 xyloquent"),
    );
    call_with_notes(&store, &customer, "open call, ref XQ-77123 again", None);
    assert_eq!(store.search("XQ-77123", 10).unwrap().calls.len(), 2);
    assert_eq!(store.search("ostrander", 10).unwrap().customers.len(), 1);

    store.erase_customer(customer.id).unwrap().unwrap();
    consistent(&store);
    for query in ["XQ-77123", "77123", "ostrander", "wilhelmina", "xyloquent"] {
        assert!(store.search(query, 10).unwrap().is_empty(), "{query}");
    }
}

#[test]
fn a_restored_store_has_the_same_index_and_finds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let customer = first_customer(&store);
    call_with_notes(&store, &customer, "x", Some("Refund RF-20931 sent."));
    let file = dir.path().join("backup.jsonl");
    backup(&store, &file, fixed_now()).unwrap();
    let mut restored = open(&dir, "restored");
    restore(&mut restored, &file, false).unwrap();
    consistent(&restored);
    let before = store.search("refund", 100).unwrap();
    let after = restored.search("refund", 100).unwrap();
    assert!(!before.calls.is_empty());
    assert_eq!(before, after);
    assert_eq!(restored.search("RF-20931", 5).unwrap().calls.len(), 1);
}

#[test]
fn results_are_newest_first_and_limited() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let customer = first_customer(&store);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(call_with_notes(&store, &customer, "a", Some("quarterly statement query")).id);
    }
    let found = store.search("statement quarterly", 3).unwrap();
    let got: Vec<_> = found.calls.iter().map(|h| h.call.id).collect();
    ids.reverse();
    assert_eq!(got, ids[..3]);
    assert!(found.more);
    assert!(store.search("", 3).unwrap().is_empty());
    assert!(store.search("   \"\" ", 3).unwrap().is_empty());
}
