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

/// A row as the hub's columns hold it.
struct Row {
    role: &'static str,
    kind: &'static str,
    customer: uuid::Uuid,
    version: i16,
    payload: Vec<u8>,
    hlc_ms: i64,
    hlc_counter: i64,
}

/// Puts `row` straight into the hub, past its trigger, from a workstation of nobody's.
async fn smuggle_row(db: &TestDb, row: Row) {
    let raw = db.raw().await;
    let ws = new_id();
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
         VALUES ($1, 1, 'Mallory', $2, $3, $4, $5, $6, $7, $8)",
        &[
            &ws,
            &row.role,
            &row.hlc_ms,
            &row.hlc_counter,
            &row.kind,
            &row.customer,
            &row.version,
            &row.payload,
        ],
    )
    .await
    .unwrap();
    raw.batch_execute("ALTER TABLE ops ENABLE TRIGGER ops_checked")
        .await
        .unwrap();
}

fn future_customer() -> Payload {
    Payload::CustomerCreate {
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
    }
}

/// A customer-create row stamped `hlc_ms`/`hlc_counter`.
async fn smuggle(db: &TestDb, hlc_ms: i64, hlc_counter: i64) {
    let payload = future_customer();
    smuggle_row(
        db,
        Row {
            role: "agent",
            kind: "customer-create",
            customer: payload.customer(),
            version: 2,
            payload: payload.encode().unwrap(),
            hlc_ms,
            hlc_counter,
        },
    )
    .await;
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

/// The hub made, and two agents' stores (not joined yet) with their addresses.
async fn two_agents(
    db: &TestDb,
    dir: &tempfile::TempDir,
) -> (SledStore, String, SledStore, String) {
    db.init_hub().await;
    let priya_url = db.member("priya", "Priya", Role::Agent).await;
    let sam_url = db.member("sam", "Sam", Role::Agent).await;
    let open = |name: &str| {
        SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
    };
    (open("priya"), priya_url, open("sam"), sam_url)
}

#[tokio::test]
async fn stamps_far_in_the_future_leave_every_workstation_able_to_push() {
    let Some(db) = TestDb::create("far_future_stamps").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (priya, priya_url, sam, sam_url) = two_agents(&db, &dir).await;
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

#[tokio::test]
async fn unreadable_and_rule_breaking_rows_are_set_aside_and_the_rest_arrives() {
    let Some(db) = TestDb::create("rows_set_aside").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (priya, priya_url, sam, sam_url) = two_agents(&db, &dir).await;
    sync::join(&priya, &priya_url, &mut |_| {}).await.unwrap();
    sync::join(&sam, &sam_url, &mut |_| {}).await.unwrap();

    let now = Timestamp::now().as_millisecond();
    let good = future_customer();
    let review = Payload::Review {
        customer: new_id(),
        call: new_id(),
        road: fourroads::domain::Road::GoAway,
        comment: "forged".into(),
        at: Timestamp::now(),
    };
    let row = |role, kind, customer, version, payload: Vec<u8>| Row {
        role,
        kind,
        customer,
        version,
        payload,
        hlc_ms: now,
        hlc_counter: 0,
    };
    for bad in [
        row(
            "agent",
            "customer-create",
            new_id(),
            2,
            vec![0xc1, 0x00, 0xff],
        ),
        row(
            "agent",
            "customer-create",
            new_id(),
            2,
            b"\xff\xfe not utf-8".to_vec(),
        ),
        row(
            "agent",
            "customer-create",
            good.customer(),
            9,
            good.encode().unwrap(),
        ),
        row(
            "agent",
            "review",
            review.customer(),
            2,
            review.encode().unwrap(),
        ),
        row(
            "lead",
            "customer-field",
            good.customer(),
            2,
            good.encode().unwrap(),
        ),
        row(
            "agent",
            "customer-create",
            new_id(),
            2,
            good.encode().unwrap(),
        ),
    ] {
        smuggle_row(&db, bad).await;
    }

    // Sam's change after the bad rows reaches Priya, and her sync says how many it set
    // aside instead of stopping.
    add_customer(&sam, "Bob");
    let mut sams = Hub::connect(&sam_url).await.unwrap();
    sync::sync_once(&sam, &mut sams, &mut |_| {}).await.unwrap();
    let mut hub = Hub::connect(&priya_url).await.unwrap();
    let got = sync::sync_once(&priya, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(got.set_aside, 6, "{got:?}");
    let names: Vec<String> = priya
        .all_customers()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        names,
        vec!["Bob".to_string()],
        "only the good change is taken in"
    );
    let reasons: Vec<String> = priya
        .set_aside(10)
        .unwrap()
        .into_iter()
        .map(|s| s.reason)
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("update fourroads")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("not a lead")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("cannot be read")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("but it is")),
        "{reasons:?}"
    );

    // Again: nothing new, nothing counted twice, and Priya still sends her own work.
    add_customer(&priya, "Ann");
    let again = sync::sync_once(&priya, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((again.set_aside, again.received), (6, 0));
    assert!(again.sent >= 1);
    sync::sync_once(&sam, &mut sams, &mut |_| {}).await.unwrap();
    assert_eq!(sam.all_customers().unwrap().len(), 2, "Ann reached Sam");
    assert_eq!(sam.set_aside_count(), 6);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `cp -a` of a store folder to set up a second machine: both copies have one identity
/// until the hub shows they differ; then the copy becomes a workstation of its own and
/// its changes reach the team all the same, and so do the original's.
#[tokio::test]
async fn a_copied_store_becomes_its_own_workstation_and_loses_nothing() {
    let Some(db) = TestDb::create("copied_store").await else {
        return;
    };
    db.init_hub().await;
    let url = db.member("priya", "Priya", Role::Agent).await;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("copy"));
    {
        let store = SledStore::open_in_zone(&first, jiff::tz::TimeZone::UTC).unwrap();
        sync::join(&store, &url, &mut |_| {}).await.unwrap();
        add_customer(&store, "Before the copy");
        let mut hub = Hub::connect(&url).await.unwrap();
        sync::sync_once(&store, &mut hub, &mut |_| {})
            .await
            .unwrap();
    }
    copy_dir(&first, &second);
    let original = SledStore::open_in_zone(&first, jiff::tz::TimeZone::UTC).unwrap();
    let copy = SledStore::open_in_zone(&second, jiff::tz::TimeZone::UTC).unwrap();
    assert_eq!(original.workstation().unwrap(), copy.workstation().unwrap());

    add_customer(&original, "Ann on the original");
    add_customer(&copy, "Bob on the copy");
    let mut hub = Hub::connect(&url).await.unwrap();
    sync::sync_once(&original, &mut hub, &mut |_| {})
        .await
        .unwrap();
    let report = sync::sync_once(&copy, &mut hub, &mut |_| {}).await.unwrap();
    let new = report
        .new_workstation
        .expect("the copy found out and said so");
    assert_ne!(new, original.workstation().unwrap());
    assert_eq!(copy.workstation().unwrap(), new);
    assert!(report.sent >= 1, "{report:?}");
    sync::sync_once(&original, &mut hub, &mut |_| {})
        .await
        .unwrap();
    for store in [&original, &copy] {
        let mut names: Vec<String> = store
            .all_customers()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec!["Ann on the original", "Before the copy", "Bob on the copy"],
            "nothing is lost on either"
        );
    }
    // Both go on syncing as two workstations.
    add_customer(&copy, "Cleo later");
    let later = sync::sync_once(&copy, &mut hub, &mut |_| {}).await.unwrap();
    assert_eq!(later.new_workstation, None);
    sync::sync_once(&original, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(original.all_customers().unwrap().len(), 4);
}
