//! Sync through a real team hub (PostgreSQL, see `pg/mod.rs`): two agents and a lead on
//! temporary stores, offline edits everywhere, syncs in random orders; then every store's
//! backup is identical apart from the header, each conflict ended as SPEC §12 says, the
//! lead reviews the agents' calls, an erasure reaches every store and the hub, and a push
//! cut off midway then retried duplicates nothing. Every workstation syncs as its own
//! person's login (`TestDb::member`); a store holding the demo (other people's calls, a
//! lead's reviews) comes in through the hub's owner first (`team::bring_in`).

mod pg;
mod team;

use fourroads::domain::call::Role;
use fourroads::domain::ops::Payload;
use fourroads::domain::{CaseStatus, Clock, Outcome, Road};
use fourroads::hub::Hub;
use fourroads::store::{Actor, ReviewQuery, SledStore, Store, demo};
use fourroads::sync::{self, Stage};
use pg::TestDb;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use team::{assert_same, at, bring_in, customer, fixed_now, lead, open, take_call};

async fn init(db: &TestDb) {
    db.init_hub().await;
}

/// The team's people as the hub records them: two agents and the lead, named as their
/// calls and reviews name them. Returns the addresses Priya, Sam and Dana sync with.
async fn people(db: &TestDb) -> (String, String, String) {
    (
        db.member("priya", "Priya", Role::Agent).await,
        db.member("sam", "Sam", Role::Agent).await,
        db.member("dana", "Dana", Role::Lead).await,
    )
}

async fn sync(store: &SledStore, _db: &TestDb) -> sync::Report {
    let mut hub = sync::connect(store).await.unwrap();
    sync::sync_once(store, &mut hub, &mut |_| {}).await.unwrap()
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.raw().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn two_agents_and_a_lead_converge_whatever_the_order_of_their_syncs() {
    let Some(db) = TestDb::create("sync converge").await else {
        return;
    };
    init(&db).await;
    let (priya_url, sam_url, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam, dana) = (open(&dir, "priya"), open(&dir, "sam"), open(&dir, "dana"));
    // Priya worked alone before the team existed: the demo, plus a customer of her own.
    demo::load(&priya, &Clock::fixed(fixed_now())).unwrap();
    let ann = customer("Ann Conflict");
    priya.put_customer(&ann).unwrap();
    let first = take_call(&priya, ann.id, "Priya", 0, Outcome::FollowUp);
    // The demo holds a lead's reviews, which Priya's own (agent's) login may not send:
    // her store's history comes in through the hub's owner, who then hands her the
    // workstation (`team::bring_in`).
    let mut stages = Vec::new();
    let report = bring_in(&priya, &db.url, &priya_url, &mut |p| stages.push(p.stage)).await;
    assert!(report.sent > 170, "the history went up: {report:?}");
    assert!(stages.contains(&Stage::Sending));
    sync::join(&sam, &sam_url, &mut |_| {}).await.unwrap();
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    assert_eq!(dana.counters().unwrap().customers, 45);
    let case = sam
        .cases_of(ann.id)
        .unwrap()
        .pop()
        .expect("the case reached Sam");

    // Offline everywhere: two renames, a close on the lead's store and a reopen-less
    // close by Sam that did not see it, a review, calls on both agents' stores.
    let mut renamed = sam.customer(ann.id).unwrap().unwrap();
    renamed.name = "Ann by Sam".into();
    sam.put_customer(&renamed).unwrap();
    dana.close_case(case.id, "sorted", &lead(at(30))).unwrap();
    dana.review_call(first.id, Road::Teach, "showed how", &lead(at(31)))
        .unwrap();
    let bob = customer("Bob Team");
    sam.put_customer(&bob).unwrap();
    let sams = take_call(&sam, bob.id, "Sam", 40, Outcome::Resolved);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut renamed = priya.customer(ann.id).unwrap().unwrap();
    renamed.name = "Ann by Priya".into();
    priya.put_customer(&renamed).unwrap();

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    for _ in 0..3 {
        let mut order = [&priya, &sam, &dana];
        order.shuffle(&mut rng);
        for store in order {
            sync(store, &db).await;
        }
    }
    // The case closed on the lead's store; now a reopen (Priya) and a close (Sam) that
    // do not see each other.
    let closed = sam.cases_of(ann.id).unwrap().pop().unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    priya
        .reopen_case(case.id, &Actor::agent("Priya", at(50)))
        .unwrap();
    sam.set_case_due(
        case.id,
        jiff::civil::date(2026, 12, 3),
        &Actor::agent("Sam", at(50)),
    )
    .ok();
    for _ in 0..2 {
        let mut order = [&priya, &sam, &dana];
        order.shuffle(&mut rng);
        for store in order {
            sync(store, &db).await;
        }
    }

    for store in [&priya, &sam, &dana] {
        assert_eq!(
            store.customer(ann.id).unwrap().unwrap().name,
            "Ann by Priya"
        );
        let case = store.cases_of(ann.id).unwrap().pop().unwrap();
        assert_eq!(case.status, CaseStatus::Open, "the reopen stands");
        let reviewed = store.call(first.id).unwrap().unwrap();
        assert_eq!(reviewed.review.map(|r| r.road), Some(Road::Teach));
        assert_eq!(store.sync_state().unwrap().unsent, 0);
    }
    let page = dana
        .review_page(
            &ReviewQuery::period(
                jiff::civil::date(2026, 11, 1),
                jiff::civil::date(2026, 11, 30),
            ),
            None,
            500,
        )
        .unwrap();
    assert!(page.rows.iter().any(|row| row.call.id == sams.id));
    assert!(page.rows.iter().any(|row| row.call.agent == "Priya Shah"));
    assert_same(&[&priya, &sam, &dana], &dir);
}

#[tokio::test]
async fn an_erasure_on_the_leads_store_reaches_every_store_and_the_hub() {
    let Some(db) = TestDb::create("sync erase").await else {
        return;
    };
    init(&db).await;
    let (priya_url, _, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, dana) = (open(&dir, "priya"), open(&dir, "dana"));
    let ann = customer("Ann Forgettable");
    let kept = customer("Kept Customer");
    priya.put_customer(&ann).unwrap();
    priya.put_customer(&kept).unwrap();
    take_call(&priya, ann.id, "Priya", 0, Outcome::FollowUp);
    take_call(&priya, kept.id, "Priya", 10, Outcome::Resolved);
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    assert!(dana.customer(ann.id).unwrap().is_some());
    // Priya, offline, adds to Ann's history while the lead erases her.
    take_call(&priya, ann.id, "Priya", 20, Outcome::Resolved);
    dana.erase_customer(ann.id).unwrap().unwrap();
    sync(&dana, &db).await;
    sync(&priya, &db).await;
    sync(&dana, &db).await;
    for store in [&priya, &dana] {
        assert_eq!(store.customer(ann.id).unwrap(), None);
        assert!(store.search("Forgettable", 5).unwrap().customers.is_empty());
        assert!(store.all_ops().unwrap().iter().all(|op| {
            op.payload.customer() != ann.id
                || matches!(op.payload, Payload::Gone { .. } | Payload::Erase { .. })
        }));
    }
    let left = count(
        &db,
        &format!(
            "SELECT count(*) FROM ops WHERE customer_id = '{}' AND kind NOT IN ('gone', 'erase')",
            ann.id
        ),
    )
    .await;
    assert_eq!(left, 0, "the hub keeps only the id");
    let payloads = count(
        &db,
        &format!(
            "SELECT count(*) FROM ops WHERE customer_id = '{}' AND payload IS NOT NULL AND kind <> 'erase'",
            ann.id
        ),
    )
    .await;
    assert_eq!(payloads, 0);
    assert_same(&[&priya, &dana], &dir);
}

#[tokio::test]
async fn a_push_cut_off_midway_then_retried_duplicates_nothing() {
    let Some(db) = TestDb::create("sync cut off").await else {
        return;
    };
    init(&db).await;
    let (priya_url, _, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, dana) = (open(&dir, "priya"), open(&dir, "dana"));
    // Priya joins, then works offline: a few hundred changes of her own, pushed as her
    // own login. (A push of the demo's history would be the hub owner's: it holds a
    // lead's reviews, which her login may not send.)
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    for n in 0..40 {
        let someone = customer(&format!("Offline Customer {n}"));
        priya.put_customer(&someone).unwrap();
        take_call(&priya, someone.id, "Priya", n, Outcome::FollowUp);
    }
    // The first half reaches the hub but the reply is lost: the store never hears.
    let ops = priya.unsent_ops(usize::MAX).unwrap();
    assert!(ops.len() > 150, "{} operations", ops.len());
    assert!(
        ops.iter()
            .all(|op| op.author == "Priya" && op.role == Role::Agent)
    );
    let mut hub = Hub::connect(&priya_url).await.unwrap();
    hub.push(&ops[..ops.len() / 2]).await.unwrap();
    // Then the connection is cut in the middle of the next attempt.
    let mut doomed = Hub::connect(&priya_url).await.unwrap();
    let pid = doomed.backend_pid().await.unwrap();
    db.raw()
        .await
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    assert!(
        sync::sync_once(&priya, &mut doomed, &mut |_| {})
            .await
            .is_err()
    );
    assert_eq!(priya.sync_state().unwrap().unsent, ops.len() as u64);
    // The retry sends the rest and nothing twice.
    let report = sync(&priya, &db).await;
    assert_eq!(report.sent, (ops.len() - ops.len() / 2) as u64);
    assert_eq!(
        count(&db, "SELECT count(*) FROM ops").await,
        ops.len() as i64
    );
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    assert_eq!(dana.counters().unwrap(), priya.counters().unwrap());
    assert_same(&[&priya, &dana], &dir);
}

#[tokio::test]
async fn notes_typed_during_a_sync_are_kept_and_travel_at_the_next() {
    let Some(db) = TestDb::create("sync notes").await else {
        return;
    };
    init(&db).await;
    let (priya_url, _, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, dana) = (open(&dir, "priya"), open(&dir, "dana"));
    let ann = customer("Ann Typing");
    priya.put_customer(&ann).unwrap();
    let call = fourroads::domain::Call::new(
        ann.id,
        "Priya",
        fourroads::domain::CallReason::Inbound,
        at(0),
    );
    priya.start_call(&call).unwrap();
    priya.save_notes(call.id, "typing").unwrap();
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    assert_eq!(dana.notes(call.id).unwrap(), "typing");
    // Autosaves between a sync's start and its end: a sync run while typing goes on.
    let mut hub = sync::connect(&priya).await.unwrap();
    let mut typed = false;
    sync::sync_once(&priya, &mut hub, &mut |p| {
        if p.stage == Stage::Receiving && !typed {
            priya.save_notes(call.id, "typing more").unwrap();
            typed = true;
        }
    })
    .await
    .unwrap();
    assert_eq!(priya.notes(call.id).unwrap(), "typing more");
    sync(&priya, &db).await;
    sync(&dana, &db).await;
    assert_eq!(dana.notes(call.id).unwrap(), "typing more");
}

/// Waits (at most `limit`) for a status `wanted` accepts.
async fn wait_for(
    statuses: &mut tokio::sync::mpsc::UnboundedReceiver<sync::background::Status>,
    limit: std::time::Duration,
    wanted: impl Fn(&sync::background::Status) -> bool,
) -> sync::background::Status {
    tokio::time::timeout(limit, async {
        loop {
            let status = statuses.recv().await.expect("the background sync ended");
            if wanted(&status) {
                return status;
            }
        }
    })
    .await
    .expect("no such status in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_sync_wakes_on_a_push_elsewhere_and_says_offline_without_the_hub() {
    use std::sync::Arc;
    use sync::background::{Status, run};
    let Some(db) = TestDb::create_database("sync background").await else {
        return;
    };
    init(&db).await;
    let (priya_url, _, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let priya = open(&dir, "priya");
    let dana = Arc::new(open(&dir, "dana"));
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    let (tx, mut statuses) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(run(
        dana.clone(),
        Arc::new(move |status| {
            let _ = tx.send(status);
        }),
    ));
    let limit = std::time::Duration::from_secs(20);
    wait_for(&mut statuses, limit, |s| matches!(s, Status::Synced { .. })).await;
    // Priya wraps up a call and syncs: the hub's wake-up brings it to the lead.
    let ann = customer("Ann Awake");
    priya.put_customer(&ann).unwrap();
    let call = take_call(&priya, ann.id, "Priya", 0, Outcome::Resolved);
    sync(&priya, &db).await;
    wait_for(
        &mut statuses,
        limit,
        |s| matches!(s, Status::Synced { received } if *received > 0),
    )
    .await;
    assert!(dana.call(call.id).unwrap().is_some());
    task.abort();

    // With the hub away, the header's words say so and count what waits.
    let alone = Arc::new(open(&dir, "alone"));
    alone
        .set_hub_url(Some("postgres://nobody@127.0.0.1:1/team"))
        .unwrap();
    alone.put_customer(&customer("Offline Olga")).unwrap();
    let (tx, mut statuses) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(run(
        alone.clone(),
        Arc::new(move |status| {
            let _ = tx.send(status);
        }),
    ));
    let status = wait_for(&mut statuses, limit, |s| {
        matches!(s, Status::Offline { .. })
    })
    .await;
    assert!(
        matches!(status, Status::Offline { unsent: 1, .. }),
        "{status:?}"
    );
    task.abort();
}

/// A change made on this workstation goes to the hub at once: the store's word wakes
/// the background sync, which here would otherwise look only once an hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_here_wakes_the_background_sync_to_send_it() {
    use std::sync::Arc;
    use sync::background::{Status, Timing, run_with};
    let Some(db) = TestDb::create_database("sync sends at once").await else {
        return;
    };
    init(&db).await;
    let priya_url = db.member("priya", "Priya", Role::Agent).await;
    let dir = tempfile::tempdir().unwrap();
    let priya = Arc::new(open(&dir, "priya"));
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    let (tx, mut statuses) = tokio::sync::mpsc::unbounded_channel();
    let hour = std::time::Duration::from_secs(3_600);
    let task = tokio::spawn(run_with(
        priya.clone(),
        Arc::new(move |status| {
            let _ = tx.send(status);
        }),
        Timing {
            local_every: hour,
            pull_every: hour,
            retry_after: hour,
        },
    ));
    let limit = std::time::Duration::from_secs(20);
    wait_for(&mut statuses, limit, |s| matches!(s, Status::Synced { .. })).await;
    assert_eq!(
        count(&db, "SELECT count(*) FROM ops WHERE kind = 'call-put'").await,
        0
    );

    let ann = customer("Ann Eager");
    priya.put_customer(&ann).unwrap();
    take_call(&priya, ann.id, "Priya", 0, Outcome::Resolved);
    // The call takes a few transactions; the syncs they wake end with nothing unsent.
    wait_for(&mut statuses, limit, |s| {
        matches!(s, Status::Synced { .. }) && priya.sync_state().unwrap().unsent == 0
    })
    .await;
    assert!(count(&db, "SELECT count(*) FROM ops WHERE kind = 'call-put'").await > 0);
    task.abort();
}

#[tokio::test]
async fn a_hub_of_an_older_schema_is_refused_with_what_to_do() {
    let Some(db) = TestDb::create("sync older hub").await else {
        return;
    };
    init(&db).await;
    let priya_url = db.member("priya", "Priya", Role::Agent).await;
    db.raw()
        .await
        .batch_execute("DELETE FROM fourroads_schema WHERE version > 1")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "store");
    let error = sync::join(&store, &priya_url, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("run `fourroads team init URL` to update it"),
        "{error}"
    );
    assert_eq!(store.hub_url().unwrap(), None, "not joined");
}

#[tokio::test]
async fn a_new_store_joins_in_bulk_and_an_erased_customer_stays_erased() {
    let Some(db) = TestDb::create("sync bulk erase").await else {
        return;
    };
    init(&db).await;
    let (priya_url, sam_url, dana_url) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, dana, sam) = (open(&dir, "priya"), open(&dir, "dana"), open(&dir, "sam"));
    demo::load(&priya, &Clock::fixed(fixed_now())).unwrap();
    let ann = customer("Ann Forgettable");
    priya.put_customer(&ann).unwrap();
    take_call(&priya, ann.id, "Priya", 0, Outcome::FollowUp);
    bring_in(&priya, &db.url, &priya_url, &mut |_| {}).await;
    sync::join(&dana, &dana_url, &mut |_| {}).await.unwrap();
    dana.erase_customer(ann.id).unwrap().unwrap();
    sync(&dana, &db).await;
    sync(&priya, &db).await;
    // Sam's store is empty: the hub's customers are written in bulk, the erased one not.
    let report = sync::join(&sam, &sam_url, &mut |_| {}).await.unwrap();
    assert!(report.customers > 40, "{report:?}");
    assert_eq!(sam.customer(ann.id).unwrap(), None);
    assert!(sam.search("Forgettable", 5).unwrap().customers.is_empty());
    assert_eq!(sam.counters().unwrap(), priya.counters().unwrap());
    assert!(sam.pending_customers().unwrap().is_empty());
    assert_same(&[&priya, &dana, &sam], &dir);
}

#[tokio::test]
async fn a_bulk_join_cut_off_midway_is_finished_when_the_store_opens_again() {
    let Some(db) = TestDb::create("sync bulk cut off").await else {
        return;
    };
    init(&db).await;
    let (priya_url, sam_url, _) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let priya = open(&dir, "priya");
    demo::load(&priya, &Clock::fixed(fixed_now())).unwrap();
    bring_in(&priya, &db.url, &priya_url, &mut |_| {}).await;
    // Sam's join dies as soon as the first customers' records are written in bulk (the
    // indexes are not rebuilt yet); the unwinding closes the store as a kill would.
    let path = dir.path().join("sam");
    let url = sam_url.clone();
    let died = tokio::spawn(async move {
        let sam = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
        sync::join(&sam, &url, &mut |p| {
            assert!(p.stage != Stage::Applying || p.done == 0, "killed");
        })
        .await
    })
    .await;
    assert!(died.is_err(), "the join was cut off");
    let sam = open(&dir, "sam");
    // Opening finished the indexes: they agree with the records already written.
    assert_eq!(sam.check_consistency().unwrap(), Vec::<String>::new());
    assert!(
        sam.counters().unwrap().customers > 0,
        "some customers were written"
    );
    sync(&sam, &db).await;
    assert!(sam.pending_customers().unwrap().is_empty());
    assert_eq!(sam.counters().unwrap(), priya.counters().unwrap());
    assert_same(&[&priya, &sam], &dir);
}

#[tokio::test]
async fn a_join_of_many_pages_keeps_every_page_while_pulling_the_next() {
    let Some(db) = TestDb::create("sync many pages").await else {
        return;
    };
    init(&db).await;
    let (priya_url, sam_url, _) = people(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let (priya, sam) = (open(&dir, "priya"), open(&dir, "sam"));
    let request = fourroads::transfer::generate::GenRequest {
        customers: 250,
        calls: 2_600,
        seed: 7,
        agents: 3,
    };
    fourroads::transfer::generate::generate(&priya, &request, &mut |_, _, _| {}).unwrap();
    // Generated data is several agents' calls and a lead's reviews: the owner brings it in.
    let sent = bring_in(&priya, &db.url, &priya_url, &mut |_| {})
        .await
        .sent;
    // More than two pages: each is kept on another thread while the next is pulled.
    assert!(sent > 2 * sync::PULL_PAGE as u64, "{sent} operations");
    let mut pages = 0;
    let report = sync::join(&sam, &sam_url, &mut |p| {
        if p.stage == Stage::Receiving {
            pages += 1;
        }
    })
    .await
    .unwrap();
    assert!(pages > 2, "{pages} pages");
    assert_eq!(report.received, sent, "every operation counted once");
    assert!(sam.pending_customers().unwrap().is_empty());
    assert_eq!(sam.counters().unwrap(), priya.counters().unwrap());
    assert_same(&[&priya, &sam], &dir);
    // Pulling again finds nothing new and changes nothing.
    let again = sync(&sam, &db).await;
    assert_eq!((again.received, again.customers), (0, 0));
    assert_same(&[&priya, &sam], &dir);
}
