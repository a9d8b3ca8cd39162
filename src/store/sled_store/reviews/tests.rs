use jiff::tz::TimeZone;

use super::*;
use crate::domain::Clock;
use crate::store::{SCHEMA_VERSION, demo};

fn demo_store(path: &std::path::Path) -> SledStore {
    let store = SledStore::open_in_zone(path, TimeZone::UTC).unwrap();
    let now = "2026-11-20T15:00:00Z".parse().unwrap();
    demo::load(&store, &Clock::fixed(now)).unwrap();
    store
}

/// Every reviewed call with the review it shows and the operation `T_REVIEW_OPS` names.
fn shown_reviews(store: &SledStore) -> Vec<(Call, Option<OpId>)> {
    let mut out = Vec::new();
    for item in store.tree(T_CALLS).iter() {
        let (key, value) = item.unwrap();
        let call: Call = decode(&value).unwrap();
        if call.review.is_none() {
            continue;
        }
        let op = store
            .tree(T_REVIEW_OPS)
            .get(&key)
            .unwrap()
            .map(|b| super::super::oplog::op_id_from(&b).unwrap());
        out.push((call, op));
    }
    out
}

/// Makes `path` what schema 6 wrote: the same records, no reviews tree.
fn as_schema_6(store: &SledStore) {
    store.tree(T_REVIEWS).clear().unwrap();
    store
        .db
        .insert(b"schema_version", &6u32.to_be_bytes())
        .unwrap();
    store.db.flush().unwrap();
}

#[test]
fn a_schema_6_store_gets_a_record_for_each_review_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let before = {
        let store = demo_store(&path);
        let before = shown_reviews(&store);
        assert!(before.len() > 20, "the demo reviews calls");
        assert!(before.iter().all(|(_, op)| op.is_some()));
        as_schema_6(&store);
        assert!(!store.check_reviews().unwrap().is_empty());
        before
    };
    let notices = std::cell::RefCell::new(Vec::new());
    let store = SledStore::open_inner(&path, TimeZone::UTC, &|text| {
        notices.borrow_mut().push(text.to_string())
    })
    .unwrap();
    assert_eq!(notices.borrow().len(), 1, "{:?}", notices.borrow());
    assert!(notices.borrow()[0].contains("a record for each review"));
    let version = store.db.get(b"schema_version").unwrap().unwrap();
    assert_eq!(version.as_ref(), &SCHEMA_VERSION.to_be_bytes());
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    for (call, op) in &before {
        let list = store.lead_reviews(call).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(Some(&list[0].review), call.review.as_ref());
        assert_eq!(list[0].op, *op, "the operation that made it");
        let stamp = store
            .tree(T_OPS)
            .get(super::super::oplog::op_id_bytes(op.unwrap()))
            .unwrap()
            .map(|b| decode::<Op>(&b).unwrap().hlc);
        assert_eq!(list[0].stamp, stamp);
    }
    drop(store);
    // Opening again changes nothing and announces nothing.
    let notices = std::cell::RefCell::new(0);
    let store =
        SledStore::open_inner(&path, TimeZone::UTC, &|_| *notices.borrow_mut() += 1).unwrap();
    assert_eq!(*notices.borrow(), 0);
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
}

/// A schema-6 store that never had operations (it came from schema 5 and never synced):
/// its records have no operation yet; covering them gives each review one, and the
/// records stay what they were.
#[test]
fn a_schema_6_store_without_operations_migrates_and_its_reviews_are_covered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let records_before = {
        let store = demo_store(&path);
        for tree in [
            T_OPS,
            T_OPS_BY_CUSTOMER,
            T_OPLOG,
            T_REVIEW_OPS,
            T_CASE_HEADS,
        ] {
            store.tree(tree).clear().unwrap();
        }
        as_schema_6(&store);
        lines(&store)
    };
    let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
    let reviewed = shown_reviews(&store);
    for (call, _) in &reviewed {
        let list = store.lead_reviews(call).unwrap();
        assert_eq!((list.len(), list[0].op), (1, None), "no operation yet");
    }
    store.cover_records(&mut |_, _| {}).unwrap();
    let ops = store.all_ops().unwrap();
    store.mark_sent(&ops).unwrap();
    store.redo_pending(&mut |_, _| {}).unwrap();
    for (call, _) in &reviewed {
        let list = store.lead_reviews(call).unwrap();
        assert_eq!(list.len(), 1);
        assert!(list[0].op.is_some() && list[0].stamp.is_some(), "{list:?}");
    }
    assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
    // The records are the same but for the operations now named.
    let strip = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| !l.starts_with("{\"type\":\"review\""))
            .collect()
    };
    assert_eq!(strip(lines(&store)), strip(records_before));
}

#[test]
fn a_store_of_a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = demo_store(&path);
        store
            .db
            .insert(b"schema_version", &(SCHEMA_VERSION + 1).to_be_bytes())
            .unwrap();
        store.db.flush().unwrap();
    }
    let error = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("newer fourroads"), "{text}");
    assert!(
        text.contains(&format!("schema {}", SCHEMA_VERSION + 1)),
        "{text}"
    );
    let db = sled::open(path.join("db")).unwrap();
    let version = db.get(b"schema_version").unwrap().unwrap();
    assert_eq!(version.as_ref(), &(SCHEMA_VERSION + 1).to_be_bytes());
}

fn lines(store: &SledStore) -> Vec<String> {
    let mut lines = Vec::new();
    store
        .each_record(&mut |record| {
            lines.push(serde_json::to_string(&record).unwrap());
            Ok(())
        })
        .unwrap();
    lines
}
