//! Rows at the hub that no fourroads should have sent, put there by the hub's owner behind
//! the hub's checks (standing for a compromised or buggy member): they cost one line, not
//! the team. Here: stamps far in the future, up to the largest the hub's columns hold.

mod pg;

use fourroads::domain::call::Role;
use fourroads::domain::ops::Payload;
use fourroads::domain::{CustomerStatus, NewCustomer, new_id};
use fourroads::hub::Hub;
use fourroads::store::{SledStore, Store};
use fourroads::sync;
use jiff::Timestamp;
use pg::TestDb;

/// Puts a customer-create row straight into the hub, past its trigger, from a workstation
/// of nobody's.
async fn smuggle(db: &TestDb, hlc_ms: i64, hlc_counter: i64) {
    let raw = db.raw().await;
    let ws = new_id();
    let payload = Payload::CustomerCreate {
        customer: new_id(),
        created_at: Timestamp::now(),
        name: "From the future".into(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: CustomerStatus::Active,
        do_not_contact: false,
        history: None,
    };
    raw.batch_execute("ALTER TABLE ops DISABLE TRIGGER ops_checked")
        .await
        .unwrap();
    raw.execute(
        "INSERT INTO workstations (workstation_id, registered_by, high_seq) VALUES ($1, 'nobody', 1)",
        &[&ws],
    )
    .await
    .unwrap();
    raw.execute(
        "INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                          customer_id, payload_version, payload)
         VALUES ($1, 1, 'Mallory', 'agent', $2, $3, 'customer-create', $4, 2, $5)",
        &[
            &ws,
            &hlc_ms,
            &hlc_counter,
            &payload.customer(),
            &payload.encode().unwrap(),
        ],
    )
    .await
    .unwrap();
    raw.batch_execute("ALTER TABLE ops ENABLE TRIGGER ops_checked")
        .await
        .unwrap();
}

fn add_customer(store: &SledStore, name: &str) {
    let customer = NewCustomer {
        name: name.into(),
        status: "active".into(),
        ..NewCustomer::default()
    }
    .validate(Timestamp::now(), "Priya")
    .unwrap();
    store.put_customer(&customer).unwrap();
}

#[tokio::test]
async fn stamps_far_in_the_future_leave_every_workstation_able_to_push() {
    let Some(db) = TestDb::create("far_future_stamps").await else {
        return;
    };
    db.init_hub().await;
    let priya_url = db.member("priya", "Priya", Role::Agent).await;
    let sam_url = db.member("sam", "Sam", Role::Agent).await;
    let dir = tempfile::tempdir().unwrap();
    let open = |name: &str| {
        SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
    };
    let (priya, sam) = (open("priya"), open("sam"));
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();

    smuggle(&db, 4_102_444_800_000, 0).await; // 2100-01-01
    smuggle(&db, i64::MAX, u32::MAX as i64).await;

    // Sam joins after them and Priya syncs past them: both receive them, and both go on
    // sending their own changes, which arrive at the other.
    sync::join(&sam, &sam_url, &mut |_| {}).await.unwrap();
    let mut hub = Hub::connect(&priya_url).await.unwrap();
    let got = sync::sync_once(&priya, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(got.received, 2);
    add_customer(&priya, "Ann");
    let sent = sync::sync_once(&priya, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert!(sent.sent >= 1, "{sent:?}");
    add_customer(&sam, "Bob");
    let mut sams = Hub::connect(&sam_url).await.unwrap();
    let sent = sync::sync_once(&sam, &mut sams, &mut |_| {}).await.unwrap();
    assert!(sent.sent >= 1, "{sent:?}");
    sync::sync_once(&priya, &mut hub, &mut |_| {})
        .await
        .unwrap();
    let names: Vec<String> = priya
        .all_customers()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"Bob".to_string()), "{names:?}");
    // Their own stamps stayed near the real time.
    let now = Timestamp::now().as_millisecond() as u64;
    for store in [&priya, &sam] {
        let own = store.workstation().unwrap();
        for op in store
            .all_ops()
            .unwrap()
            .iter()
            .filter(|op| op.workstation == own)
        {
            assert!(op.hlc.millis <= now + 60_000, "{op:?}");
        }
    }
}
