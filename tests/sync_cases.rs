//! Case closes and reopens through a real team hub (PostgreSQL, see `pg/mod.rs`): after
//! changes that did not see each other, the next close or reopen settles every one of them
//! it saw, on every store, whatever the order of the syncs. Each workstation syncs as its
//! own person's login.

mod pg;
mod team;

use fourroads::domain::call::Role;
use fourroads::domain::{CaseStatus, Id, Outcome};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::sync;
use pg::TestDb;
use team::{assert_same, at, customer, lead, open, take_call};

async fn sync_all(stores: &[&SledStore]) {
    for store in stores {
        let mut hub = sync::connect(store).await.unwrap();
        sync::sync_once(store, &mut hub, &mut |_| {}).await.unwrap();
    }
}

fn status(store: &SledStore, customer: Id, case: Id) -> CaseStatus {
    let found = store.cases_of(customer).unwrap();
    found.into_iter().find(|c| c.id == case).unwrap().status
}

#[tokio::test]
async fn a_close_after_two_reopens_that_did_not_see_each_other_closes_the_case() {
    let Some(db) = TestDb::create("sync case heads").await else {
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
    let ann = customer("Ann Heads");
    priya.put_customer(&ann).unwrap();
    take_call(&priya, ann.id, "Priya", 0, Outcome::FollowUp);
    for (store, url) in [&priya, &sam, &dana].into_iter().zip(&urls) {
        sync::join(store, url, &mut |_| {}).await.unwrap();
    }
    let case = priya.cases_of(ann.id).unwrap().pop().unwrap().id;
    dana.close_case(case, "sorted", &lead(at(10))).unwrap();
    sync_all(&[&dana, &priya, &sam]).await;
    assert_eq!(status(&sam, ann.id, case), CaseStatus::Closed);

    // Offline from each other, both agents reopen the closed case.
    priya
        .reopen_case(case, &Actor::agent("Priya", at(20)))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3));
    sam.reopen_case(case, &Actor::agent("Sam", at(21))).unwrap();
    sync_all(&[&sam, &priya, &dana, &sam, &priya]).await;
    for store in [&priya, &sam, &dana] {
        assert_eq!(status(store, ann.id, case), CaseStatus::Open);
    }

    // The lead saw both reopens; closing now closes the case everywhere. (Naming only
    // the latest reopen would leave the other standing and the case open for good.)
    dana.close_case(case, "sorted for real", &lead(at(30)))
        .unwrap();
    assert_eq!(status(&dana, ann.id, case), CaseStatus::Closed);
    sync_all(&[&dana, &sam, &priya]).await;
    for store in [&priya, &sam, &dana] {
        assert_eq!(
            status(store, ann.id, case),
            CaseStatus::Closed,
            "closed everywhere"
        );
    }
    // And a reopen after that reopens it again everywhere.
    sam.reopen_case(case, &Actor::agent("Sam", at(40))).unwrap();
    sync_all(&[&sam, &dana, &priya]).await;
    for store in [&priya, &sam, &dana] {
        assert_eq!(status(store, ann.id, case), CaseStatus::Open);
    }
    assert_same(&[&priya, &sam, &dana], &dir);
}
