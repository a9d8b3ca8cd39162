//! Merging duplicate customers in a team (PostgreSQL, see `pg/mod.rs`): the lead merges
//! while an agent, offline, still takes a call with the duplicate; whatever the order of
//! the syncs, every store ends with one customer holding every call and case, the same
//! records everywhere (indexes and counters equal to a recount), and erasing the kept
//! customer afterwards erases the duplicate too, on every store and at the hub. Each
//! workstation syncs as its own person's login.

mod pg;
mod team;

use fourroads::domain::Outcome;
use fourroads::domain::call::Role;
use fourroads::store::{SledStore, Store};
use fourroads::sync;
use pg::TestDb;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use team::{assert_same, at, customer, lead, open, take_call};

async fn sync_now(store: &SledStore) {
    let mut hub = sync::connect(store).await.unwrap();
    sync::sync_once(store, &mut hub, &mut |_| {}).await.unwrap();
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.raw().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn a_merge_reaches_every_store_and_files_an_offline_call_under_the_kept_customer() {
    let Some(db) = TestDb::create("sync merge").await else {
        return;
    };
    db.init_hub().await;
    let urls = [
        db.member("priya", "Priya", Role::Agent).await,
        db.member("sam", "Sam", Role::Agent).await,
        db.member("dana", "Dana", Role::Lead).await,
    ];
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam, dana) = (open(&dir, "priya"), open(&dir, "sam"), open(&dir, "dana"));
    let keep = customer("Ann Shore");
    let dup = customer("Ann Shore-Twice");
    priya.put_customer(&keep).unwrap();
    priya.put_customer(&dup).unwrap();
    take_call(&priya, keep.id, "Priya", 0, Outcome::Resolved);
    take_call(&priya, dup.id, "Priya", 10, Outcome::FollowUp);
    for (store, url) in [&priya, &sam, &dana].into_iter().zip(&urls) {
        sync::join(store, url, &mut |_| {}).await.unwrap();
    }
    assert!(sam.customer(dup.id).unwrap().is_some());

    // Offline from each other: the lead merges; Sam takes a call with the duplicate.
    let preview = dana.merge_preview(dup.id, keep.id).unwrap();
    assert_eq!((preview.calls, preview.cases), (1, 1));
    dana.merge_customers(dup.id, keep.id, &lead(at(30)))
        .unwrap();
    let sams = take_call(&sam, dup.id, "Sam", 40, Outcome::Resolved);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for _ in 0..2 {
        let mut order = [&priya, &sam, &dana];
        order.shuffle(&mut rng);
        for store in order {
            sync_now(store).await;
        }
    }
    for store in [&priya, &sam, &dana] {
        assert_eq!(
            store.customer(dup.id).unwrap(),
            None,
            "the duplicate is gone"
        );
        let context = store.customer_context(keep.id, 10).unwrap().unwrap();
        assert_eq!(
            context.history.len(),
            3,
            "every call, Sam's offline one too"
        );
        assert!(context.history.iter().any(|c| c.call.id == sams.id));
        assert_eq!(store.cases_of(keep.id).unwrap().len(), 1);
        assert!(store.cases_of(dup.id).unwrap().is_empty());
        assert_eq!(store.counters().unwrap().customers, 1);
        let merged = &store.customer(keep.id).unwrap().unwrap().merged;
        assert_eq!(merged.len(), 1, "the kept customer remembers the duplicate");
        assert_eq!(merged[0].id, dup.id);
    }
    assert_same(&[&priya, &sam, &dana], &dir);

    // The person asks to be forgotten: erasing the kept customer erases the duplicate.
    dana.erase_customer(keep.id).unwrap().unwrap();
    for store in [&dana, &priya, &sam, &dana] {
        sync_now(store).await;
    }
    for store in [&priya, &sam, &dana] {
        assert_eq!(store.counters().unwrap().customers, 0);
        assert_eq!(store.counters().unwrap().calls, 0);
        assert!(store.search("Shore", 5).unwrap().customers.is_empty());
    }
    for id in [keep.id, dup.id] {
        let left = count(
            &db,
            &format!(
                "SELECT count(*) FROM ops WHERE customer_id = '{id}' AND payload IS NOT NULL AND kind <> 'erase'"
            ),
        )
        .await;
        assert_eq!(left, 0, "the hub keeps only the id of {id}");
    }
}

#[tokio::test]
async fn a_merge_made_before_joining_travels_with_the_history() {
    let Some(db) = TestDb::create("sync merge before join").await else {
        return;
    };
    db.init_hub().await;
    let priya_url = db.member("priya", "Priya", Role::Agent).await;
    let sam_url = db.member("sam", "Sam", Role::Agent).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam) = (open(&dir, "priya"), open(&dir, "sam"));
    let keep = customer("Bo Keep");
    let dup = customer("Bo Keep Again");
    priya.put_customer(&keep).unwrap();
    priya.put_customer(&dup).unwrap();
    let call = take_call(&priya, dup.id, "Priya", 0, Outcome::FollowUp);
    // Alone, before any team: the duplicate is merged.
    priya
        .merge_customers(dup.id, keep.id, &lead(at(5)))
        .unwrap();
    // The merge goes to the team as Priya's, who joins with this store (a merge is not
    // a change only a lead may send).
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    sync::join(&sam, &sam_url, &mut |_| {}).await.unwrap();
    assert_eq!(sam.customer(dup.id).unwrap(), None);
    assert_eq!(sam.call(call.id).unwrap().unwrap().customer_id, keep.id);
    assert_eq!(sam.cases_of(keep.id).unwrap().len(), 1);
    assert_same(&[&priya, &sam], &dir);
}
