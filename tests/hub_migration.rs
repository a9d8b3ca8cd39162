//! A hub set up before logins (schema 3: one shared login, no rules at the hub) moves over
//! with `team init`: every change keeps its author, the workstations it knew wait for the
//! owner to hand each to its person, and that person's store goes on syncing under their
//! own login without sending anything again.

mod pg;

use fourroads::domain::call::Role;
use fourroads::domain::{Call, CallReason, NewCustomer, Road};
use fourroads::hub::{Hub, HubError};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::sync;
use jiff::Timestamp;
use pg::TestDb;

/// The hub's first three migrations, as a hub of that time was made.
const OLD: [&str; 3] = [
    include_str!("../migrations/0001_hub.sql"),
    include_str!("../migrations/0002_case_field.sql"),
    include_str!("../migrations/0003_customer_merge.sql"),
];

/// Pushes `store`'s operations the way a fourroads of schema 3 did: straight into the
/// tables over the shared login, registering the workstation on the way.
async fn push_as_before(raw: &tokio_postgres::Client, store: &SledStore) {
    let ops = store.all_ops().unwrap();
    let ws = store.workstation().unwrap();
    raw.execute(
        "INSERT INTO workstations (workstation_id, high_seq, last_push_at) VALUES ($1, $2, now())",
        &[&ws, &(ops.len() as i64)],
    )
    .await
    .unwrap();
    for op in &ops {
        raw.execute(
            "INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                              customer_id, subject_id, payload_version, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &ws,
                &(op.seq as i64),
                &op.author,
                &op.role.as_str(),
                &(op.hlc.millis as i64),
                &i64::from(op.hlc.counter),
                &op.payload.kind().as_str(),
                &op.payload.customer(),
                &op.payload.subject(),
                &(op.payload_version as i16),
                &op.payload.encode().unwrap(),
            ],
        )
        .await
        .unwrap();
    }
    store.mark_sent(&ops).unwrap();
}

#[tokio::test]
async fn a_hub_from_before_logins_moves_over_keeping_every_author() {
    let Some(db) = TestDb::create("a_hub_from_before_logins").await else {
        return;
    };
    let raw = db.raw().await;
    raw.batch_execute(
        "CREATE TABLE fourroads_schema (version integer PRIMARY KEY,
                                        applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await
    .unwrap();
    for (at, sql) in OLD.iter().enumerate() {
        raw.batch_execute(sql).await.unwrap();
        raw.execute(
            "INSERT INTO fourroads_schema (version) VALUES ($1)",
            &[&(at as i32 + 1)],
        )
        .await
        .unwrap();
    }

    // Priya's workstation, in the team through the shared login.
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("priya"), jiff::tz::TimeZone::UTC).unwrap();
    let now = Timestamp::now();
    let ann = NewCustomer {
        name: "Ann".into(),
        status: "active".into(),
        ..NewCustomer::default()
    }
    .validate(now, "Priya")
    .unwrap();
    store.put_customer(&ann).unwrap();
    let mut call = Call::new(ann.id, "Priya", CallReason::Inbound, now);
    store.start_call(&call).unwrap();
    call.road = Some(Road::Teach);
    call.ended_at = Some(now);
    store
        .wrap_up_call(&call, "showed the reset", &Actor::agent("Priya", now))
        .unwrap();
    store.join_hub(&db.url).unwrap();
    push_as_before(&raw, &store).await;
    let before: Vec<(i64, String)> = raw
        .query("SELECT seq, author FROM ops ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(before.len() >= 3);

    db.init_hub().await;
    let after: Vec<(i64, String)> = raw
        .query("SELECT seq, author FROM ops ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(after, before, "every change keeps its author");
    let origin: uuid::Uuid = raw
        .query_one(
            "SELECT workstation_id FROM call_origins WHERE call_id = $1",
            &[&call.id],
        )
        .await
        .expect("the call's origin is known from its put")
        .get(0);
    assert_eq!(origin, store.workstation().unwrap());

    // Priya gets her own login; until her workstation is handed to her, it is not hers.
    let priya = db.member("priya", "Priya", Role::Agent).await;
    let mut owner = Hub::connect(&db.url).await.unwrap();
    let listed = owner.members().await.unwrap();
    let waiting = listed
        .workstations
        .iter()
        .find(|w| w.id == store.workstation().unwrap())
        .unwrap();
    assert_eq!(
        waiting.authors.as_deref(),
        Some("Priya"),
        "named by who worked on it"
    );
    let refused = sync::join(&store, &priya, &mut |_| {}).await.unwrap_err();
    assert!(
        matches!(&refused, sync::SyncError::Hub(HubError::Refused(why)) if why.contains("--workstation")),
        "{refused}"
    );
    let login = priya
        .split("://")
        .nth(1)
        .unwrap()
        .split('@')
        .next()
        .unwrap();
    let handed = owner
        .add_member(login, "Priya", Role::Agent, &[store.workstation().unwrap()])
        .await
        .unwrap();
    assert_eq!(handed.workstations, 1);

    // Her store goes on under her login: nothing sent again, and her next change is taken.
    let report = sync::join(&store, &priya, &mut |_| {}).await.unwrap();
    assert_eq!(report.sent, 0, "the hub had all of it");
    assert_eq!(store.identity().unwrap().unwrap().name, "Priya");
    let mut renamed = ann.clone();
    renamed.phone = Some("+44 20 7946 0000".into());
    store.put_customer(&renamed).unwrap();
    let mut hub = Hub::connect(&priya).await.unwrap();
    let report = sync::sync_once(&store, &mut hub, &mut |_| {})
        .await
        .unwrap();
    assert!(report.sent >= 1, "{report:?}");
    let pushers: Vec<String> = raw
        .query("SELECT DISTINCT pushed_by::text FROM ops ORDER BY 1", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(pushers, vec![login.to_string(), "postgres".to_string()]);
    assert!(owner.check().await.unwrap().findings.is_empty());
}
