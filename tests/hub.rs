//! The team hub against a real PostgreSQL (see `pg/mod.rs`): schema, push, pull, erase,
//! listen, and a push cut off in the middle. Every workstation pushes through its own
//! person's login (made by `team add`, see `TestDb::member`), registered to it first, as
//! the hub requires (SPEC §12); the server's superuser, the hub's owner here, only makes
//! the hub and looks behind its back.

mod pg;

use std::time::Duration;

use fourroads::domain::call::Role;
use fourroads::domain::hlc::HlcClock;
use fourroads::domain::merge::materialise;
use fourroads::domain::ops::{CustomerField, Op, PAYLOAD_VERSION, Payload};
use fourroads::domain::{Call, CallReason, CustomerStatus, Id};
use fourroads::hub::{Hub, HubError, Listener, SCHEMA_VERSION, Seen};
use jiff::Timestamp;
use pg::TestDb;

struct Ws {
    id: Id,
    seq: u64,
    clock: HlcClock,
    author: String,
    role: Role,
}

impl Ws {
    fn new(author: &str, role: Role) -> Ws {
        let id = fourroads::domain::new_id();
        Ws {
            id,
            seq: 0,
            clock: HlcClock::new(id),
            author: author.into(),
            role,
        }
    }

    /// A workstation of the person `hub` is connected as, registered to their login (the
    /// hub takes a workstation's changes only from the login it is registered to).
    async fn on(hub: &Hub, author: &str, role: Role) -> Ws {
        let ws = Ws::new(author, role);
        hub.register(ws.id).await.expect("register the workstation");
        ws
    }

    fn op(&mut self, payload: Payload) -> Op {
        self.seq += 1;
        let now = 1_763_600_000_000 + self.seq * 1_000;
        Op {
            workstation: self.id,
            seq: self.seq,
            author: self.author.clone(),
            role: self.role,
            hlc: self.clock.tick(now),
            payload_version: PAYLOAD_VERSION,
            payload,
        }
    }

    fn create(&mut self, customer: Id, name: &str) -> Op {
        self.op(Payload::CustomerCreate {
            customer,
            created_at: Timestamp::UNIX_EPOCH,
            name: name.into(),
            phone: Some("+44 20 7946 0000".into()),
            email: None,
            segment: None,
            external_id: None,
            status: CustomerStatus::New,
            do_not_contact: false,
            history: None,
        })
    }

    fn rename(&mut self, customer: Id, name: &str) -> Op {
        self.op(Payload::CustomerField {
            customer,
            change: CustomerField::Name(name.into()),
        })
    }
}

/// A person of the team (login `<test>_who`, name `who`): their own connection to the hub.
async fn person(db: &TestDb, who: &str, role: Role) -> Hub {
    let url = db.member(who, who, role).await;
    Hub::connect(&url).await.expect("connect as a member")
}

/// Makes the hub (as its owner) and the first person, connected as themselves.
async fn hub_with(db: &TestDb, who: &str, role: Role) -> Hub {
    db.init_hub().await;
    person(db, who, role).await
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.raw().await.query_one(sql, &[]).await.unwrap().get(0)
}

/// Pulls page by page until the hub has nothing more.
async fn pull_all(hub: &Hub, seen: &mut Seen, page: usize) -> Vec<Op> {
    let mut all = Vec::new();
    loop {
        let pulled = hub.pull(seen, page).await.expect("pull");
        assert!(pulled.ops.len() <= page);
        all.extend(pulled.ops);
        *seen = pulled.seen;
        if !pulled.more {
            return all;
        }
    }
}

#[tokio::test]
async fn init_is_idempotent_and_refuses_a_newer_schema() {
    let Some(db) = TestDb::create("init").await else {
        return;
    };
    // The hub's owner: before `team init` there is nobody else (no team to add people to).
    let mut hub = Hub::connect(&db.url).await.unwrap();
    assert!(matches!(
        hub.check_schema().await,
        Err(HubError::NotInitialised)
    ));
    let mut ws = Ws::new("priya", Role::Agent);
    let op = ws.create(fourroads::domain::new_id(), "Ann");
    let refused = hub.push(&[op]).await.unwrap_err();
    assert!(matches!(refused, HubError::NotInitialised), "{refused}");
    assert!(refused.to_string().contains("fourroads team init"));
    let refused = hub.pull(&Seen::default(), 10).await.unwrap_err();
    assert!(matches!(refused, HubError::NotInitialised), "{refused}");
    let first = hub.init().await.unwrap();
    assert_eq!((first.from, first.to), (0, SCHEMA_VERSION));
    let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()";
    let made = count(&db, tables).await;
    let again = hub.init().await.unwrap();
    assert_eq!((again.from, again.to), (SCHEMA_VERSION, SCHEMA_VERSION));
    assert_eq!(count(&db, tables).await, made);
    assert_eq!(
        count(&db, "SELECT count(*) FROM fourroads_schema").await,
        i64::from(SCHEMA_VERSION)
    );
    assert_eq!(hub.check_schema().await.unwrap(), SCHEMA_VERSION);

    db.raw()
        .await
        .execute(
            "INSERT INTO fourroads_schema (version) VALUES ($1)",
            &[&(SCHEMA_VERSION + 1)],
        )
        .await
        .unwrap();
    let refused = hub.init().await.unwrap_err();
    assert!(matches!(refused, HubError::NewerSchema { .. }), "{refused}");
    assert!(refused.to_string().contains("update fourroads"));
    assert!(matches!(
        hub.check_schema().await,
        Err(HubError::NewerSchema { .. })
    ));
}

#[tokio::test]
async fn pushing_the_same_changes_twice_stores_them_once() {
    let Some(db) = TestDb::create("push twice").await else {
        return;
    };
    let mut hub = hub_with(&db, "priya", Role::Agent).await;
    let mut ws = Ws::on(&hub, "priya", Role::Agent).await;
    let customer = fourroads::domain::new_id();
    let mut ops = vec![ws.create(customer, "Ann")];
    for n in 0..4 {
        ops.push(ws.rename(customer, &format!("Ann {n}")));
    }
    assert_eq!(hub.push(&ops[..3]).await.unwrap().added, 3);
    assert_eq!(hub.push(&ops[..3]).await.unwrap().added, 0);
    assert_eq!(hub.push(&ops[1..]).await.unwrap().added, 2);
    assert_eq!(hub.push(&ops).await.unwrap().added, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 5);
    assert_eq!(
        count(&db, "SELECT max(high_seq) FROM workstations").await,
        5
    );
    // New with the hub's own checks: the same number sent again with other content is not
    // the same change (two stores with one workstation's id), and is refused, not skipped.
    let mut other = ops[2].clone();
    other.payload = Payload::CustomerField {
        customer,
        change: CustomerField::Name("Someone else".into()),
    };
    let refused = hub.push(&[other]).await.unwrap_err();
    assert!(
        matches!(&refused, HubError::Copied(why) if why.contains("different change")),
        "{refused}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 5);
    assert_eq!(hub.push(&ops).await.unwrap().added, 0);
}

#[tokio::test]
async fn a_third_workstation_pulls_everything_once_and_resumes_where_it_stopped() {
    let Some(db) = TestDb::create("pull resumes").await else {
        return;
    };
    let mut hub_a = hub_with(&db, "priya", Role::Agent).await;
    let mut hub_b = person(&db, "dana", Role::Lead).await;
    let mut a = Ws::on(&hub_a, "priya", Role::Agent).await;
    let mut b = Ws::on(&hub_b, "dana", Role::Lead).await;
    let (ann, bo) = (fourroads::domain::new_id(), fourroads::domain::new_id());
    let mut pushed = Vec::new();
    for round in 0..4 {
        let from_a = vec![a.create(ann, "Ann"), a.rename(ann, &format!("Ann {round}"))];
        let from_b = vec![b.create(bo, "Bo"), b.rename(bo, &format!("Bo {round}"))];
        hub_a.push(&from_a).await.unwrap();
        hub_b.push(&from_b).await.unwrap();
        pushed.extend(from_a);
        pushed.extend(from_b);
    }

    // The third workstation's person only pulls here (it registers nothing).
    let c = person(&db, "sam", Role::Agent).await;
    let mut seen = Seen::default();
    let mut pulled = pull_all(&c, &mut seen, 3).await;
    assert_eq!(pulled.len(), pushed.len());
    assert_eq!((seen.get(a.id), seen.get(b.id)), (8, 8));

    let later = vec![a.rename(ann, "Ann Lee"), a.rename(ann, "Ann Lee-Smith")];
    let from_b = b.rename(bo, "Bo Diddley");
    hub_a.push(&later).await.unwrap();
    hub_b.push(std::slice::from_ref(&from_b)).await.unwrap();
    pushed.extend(later);
    pushed.push(from_b);
    let more = pull_all(&c, &mut seen, 2).await;
    assert_eq!(more.len(), 3, "only what came after the last pull");
    pulled.extend(more);
    assert!(c.pull(&seen, 10).await.unwrap().ops.is_empty());

    let mut ids: Vec<_> = pulled.iter().map(Op::id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), pulled.len(), "no duplicates");
    let mut want: Vec<_> = pushed.iter().map(Op::id).collect();
    want.sort();
    assert_eq!(ids, want, "no gaps");
    // Every change comes back exactly as it was made.
    for op in &pushed {
        assert!(pulled.contains(op), "{op:?}");
    }
    let records = materialise(&pulled);
    assert_eq!(records.customers[&ann].name, "Ann Lee-Smith");
    let known = c.workstations().await.unwrap();
    let mut expected = vec![(a.id, 10), (b.id, 9)];
    expected.sort();
    let listed: Vec<_> = known.iter().map(|w| (w.id, w.changes)).collect();
    assert_eq!(listed, expected);
    assert!(known.iter().all(|w| w.last_push.is_some()));
    assert_eq!(records.customers[&bo].name, "Bo Diddley");
}

#[tokio::test]
async fn a_push_that_would_leave_a_gap_stores_nothing() {
    let Some(db) = TestDb::create("gap").await else {
        return;
    };
    db.init_hub().await;
    let url = db.member("priya", "priya", Role::Agent).await;
    let mut hub = Hub::connect(&url).await.unwrap();
    let mut ws = Ws::on(&hub, "priya", Role::Agent).await;
    let customer = fourroads::domain::new_id();
    let ops: Vec<Op> = (0..5)
        .map(|n| ws.rename(customer, &n.to_string()))
        .collect();
    let with_gap = [&ops[..3], &ops[4..]].concat();
    let refused = hub.push(&with_gap).await.unwrap_err();
    assert!(
        matches!(
            refused,
            HubError::Gap {
                has: 3,
                sent: 5,
                ..
            }
        ),
        "{refused}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 0);
    // Changed: the workstation is registered before it pushes (it used to be made by the
    // push itself, so there was no row at all), and the refused push moved it not at all.
    assert_eq!(count(&db, "SELECT count(*) FROM workstations").await, 1);
    assert_eq!(
        count(&db, "SELECT max(high_seq) FROM workstations").await,
        0
    );

    // The hub refuses a gap itself, whatever client sends it: the person's own login
    // writing straight into the table, past the check `Hub::push` makes first.
    let (raw, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let gap = raw
        .execute(
            "INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                              customer_id, payload_version, payload)
             VALUES ($1, 2, 'priya', 'agent', 0, 0, 'customer-field', $2, 1, '\\x80')",
            &[&ws.id, &customer],
        )
        .await
        .unwrap_err();
    let refused = HubError::from(gap);
    assert!(
        matches!(&refused, HubError::Refused(why) if why.contains("would leave a gap")),
        "{refused}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 0);

    assert_eq!(hub.push(&ops).await.unwrap().added, 5);
}

#[tokio::test]
async fn a_hub_missing_changes_it_claims_is_an_error_not_an_endless_pull() {
    let Some(db) = TestDb::create("missing rows").await else {
        return;
    };
    let mut hub = hub_with(&db, "priya", Role::Agent).await;
    let mut ws = Ws::on(&hub, "priya", Role::Agent).await;
    let customer = fourroads::domain::new_id();
    let ops: Vec<Op> = (0..4)
        .map(|n| ws.rename(customer, &n.to_string()))
        .collect();
    hub.push(&ops).await.unwrap();
    db.raw()
        .await
        .execute("DELETE FROM ops WHERE seq >= 3", &[])
        .await
        .unwrap();
    let failed = hub.pull(&Seen::default(), 10).await.unwrap_err();
    assert!(matches!(failed, HubError::Corrupt(_)), "{failed}");
    assert!(failed.to_string().contains("stop at 2"), "{failed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_cut_off_in_the_middle_leaves_nothing_half_written() {
    let Some(db) = TestDb::create("cut off").await else {
        return;
    };
    db.init_hub().await;
    let url = db.member("priya", "priya", Role::Agent).await;
    let mut setup = Hub::connect(&url).await.unwrap();
    // Two workstations of one person (a desk and a laptop): only a login they are both
    // registered to may push them in one go.
    let mut first = Ws::on(&setup, "priya", Role::Agent).await;
    let mut second = Ws::on(&setup, "priya", Role::Agent).await;
    if second.id < first.id {
        std::mem::swap(&mut first, &mut second);
    }
    // A push handles workstations in id order: `first`'s changes are written before the
    // push waits for `second`'s row, which another transaction holds.
    let customer = fourroads::domain::new_id();
    let registered = second.rename(customer, "x");
    setup.push(std::slice::from_ref(&registered)).await.unwrap();
    let mut ops: Vec<Op> = (0..3)
        .map(|n| first.rename(customer, &n.to_string()))
        .collect();
    ops.push(second.rename(customer, "y"));

    let mut blocker = db.raw().await;
    let holding = blocker.transaction().await.unwrap();
    holding
        .execute(
            "SELECT 1 FROM workstations WHERE workstation_id = $1 FOR UPDATE",
            &[&second.id],
        )
        .await
        .unwrap();

    let mut pushing = Hub::connect(&url).await.unwrap();
    let pid = pushing.backend_pid().await.unwrap();
    let to_push = ops.clone();
    let push = tokio::spawn(async move { pushing.push(&to_push).await });
    let watcher = db.raw().await;
    let mut waiting = false;
    for _ in 0..1_000 {
        let row = watcher
            .query_one(
                "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .await
            .unwrap();
        if row.get::<_, String>(0) == "Lock" {
            waiting = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(waiting, "the push never reached the locked row");
    // The first workstation's rows are written but not committed: cut the connection now.
    let killed: bool = watcher
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap()
        .get(0);
    assert!(killed);
    assert!(push.await.unwrap().is_err(), "the push must report failure");
    holding.rollback().await.unwrap();

    let sql = format!(
        "SELECT count(*) FROM ops WHERE workstation_id = '{}'",
        first.id
    );
    assert_eq!(count(&db, &sql).await, 0, "nothing half-written");
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 1);
    // Sending the same changes again after the failure stores each exactly once.
    let mut retry = Hub::connect(&url).await.unwrap();
    assert_eq!(retry.push(&ops).await.unwrap().added, 4);
    assert_eq!(count(&db, "SELECT count(*) FROM ops").await, 5);
}

#[tokio::test]
async fn erasing_a_customer_leaves_only_the_id_in_the_hub() {
    let Some(db) = TestDb::create("erase").await else {
        return;
    };
    let mut hub = hub_with(&db, "priya", Role::Agent).await;
    let mut dana = person(&db, "dana", Role::Lead).await;
    let mut sam = person(&db, "sam", Role::Agent).await;
    let mut agent = Ws::on(&hub, "priya", Role::Agent).await;
    let mut lead = Ws::on(&dana, "dana", Role::Lead).await;
    let mut offline = Ws::on(&sam, "sam", Role::Agent).await;
    let (ann, bo) = (fourroads::domain::new_id(), fourroads::domain::new_id());
    let mut call = Call::new(ann, "priya", CallReason::Inbound, Timestamp::UNIX_EPOCH);
    call.tags.push("Annsecret".into());
    let before = vec![
        agent.create(ann, "Annsecret"),
        agent.create(bo, "Bo"),
        agent.op(Payload::CallPut { call: call.clone() }),
        agent.op(Payload::CallNotes {
            customer: ann,
            call: call.id,
            text: "Annsecret said".into(),
        }),
    ];
    hub.push(&before).await.unwrap();
    dana.push(&[lead.op(Payload::Erase { customer: ann })])
        .await
        .unwrap();
    // A workstation that was offline during the erase sends a change about her later.
    sam.push(&[offline.rename(ann, "Annsecret again")])
        .await
        .unwrap();

    let raw = db.raw().await;
    let secret = "SELECT count(*) FROM ops WHERE position('Annsecret'::bytea IN payload) > 0";
    assert_eq!(count(&db, secret).await, 0);
    let rows = raw
        .query(
            "SELECT kind, subject_id IS NULL, payload IS NULL FROM ops WHERE customer_id = $1",
            &[&ann],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
    for row in &rows {
        let kind: String = row.get(0);
        match kind.as_str() {
            "erase" => {}
            "gone" => assert!(row.get::<_, bool>(1) && row.get::<_, bool>(2)),
            other => panic!("a {other} about an erased customer survived"),
        }
    }
    assert_eq!(count(&db, "SELECT count(*) FROM erased_customers").await, 1);
    // New: the hub keeps who erased: the erasing lead's own login (every push came through
    // the superuser before, so it could only ever have been that).
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM erased_customers e JOIN members m ON m.login = e.erased_by
             WHERE m.name = 'dana' AND m.role = 'lead'"
        )
        .await,
        1
    );

    // A workstation that erased a customer itself before pushing sends its emptied
    // changes (only the id) and then the erase, all in one push. Changed: only a lead
    // erases now, so that workstation is the lead's (it was an agent's); the same push
    // from an agent's workstation is refused by the hub and stores nothing.
    let cy = fourroads::domain::new_id();
    let mut refused = vec![
        offline.create(cy, "Cysecret"),
        offline.rename(cy, "Cysecret 2"),
    ];
    for op in &mut refused {
        op.payload = Payload::Gone { customer: cy };
    }
    refused.push(offline.op(Payload::Erase { customer: cy }));
    let refusal = sam.push(&refused).await.unwrap_err();
    assert!(matches!(refusal, HubError::Refused(_)), "{refusal}");
    assert_eq!(count(&db, "SELECT count(*) FROM erased_customers").await, 1);
    let about_cy = format!("SELECT count(*) FROM ops WHERE customer_id = '{cy}'");
    assert_eq!(
        count(&db, &about_cy).await,
        0,
        "nothing of the refused push"
    );
    let mut emptied = vec![lead.create(cy, "Cysecret"), lead.rename(cy, "Cysecret 2")];
    for op in &mut emptied {
        op.payload = Payload::Gone { customer: cy };
    }
    emptied.push(lead.op(Payload::Erase { customer: cy }));
    assert_eq!(dana.push(&emptied).await.unwrap().added, 3);

    let mut seen = Seen::default();
    let pulled = pull_all(&hub, &mut seen, 100).await;
    assert_eq!(pulled.len(), 9, "the log keeps its places");
    let gone = |customer| {
        pulled
            .iter()
            .filter(|op| op.payload == Payload::Gone { customer })
            .count()
    };
    assert_eq!((gone(ann), gone(cy)), (4, 2), "nothing but the ids");
    let records = materialise(&pulled);
    assert_eq!(records.erased, [ann, cy].into_iter().collect());
    assert_eq!(records.customers.keys().collect::<Vec<_>>(), [&bo]);
    assert!(records.calls.is_empty() && records.notes.is_empty());
}

#[tokio::test]
async fn a_listener_wakes_up_after_a_push() {
    let Some(db) = TestDb::create_database("listen").await else {
        return;
    };
    db.init_hub().await;
    let url = db.member("priya", "priya", Role::Agent).await;
    let mut hub = Hub::connect(&url).await.unwrap();
    // Another person listens, as their workstation would.
    let listening = db.member("sam", "sam", Role::Agent).await;
    let mut listener = Listener::connect(&listening).await.unwrap();
    assert!(!listener.drain());
    let mut ws = Ws::on(&hub, "priya", Role::Agent).await;
    let op = ws.create(fourroads::domain::new_id(), "Ann");
    hub.push(std::slice::from_ref(&op)).await.unwrap();
    // A generous bound only so that a broken build cannot hang the suite.
    let notice = tokio::time::timeout(Duration::from_secs(60), listener.next())
        .await
        .expect("no notice within a minute");
    assert_eq!(notice.as_deref(), Some("1"));
}

/// The trap a global row number falls into: changes commit out of order. Here three
/// workstations push at once (one of them from two connections at the same time, as
/// after a retry) while a fourth pulls in small pages; it must end with every change
/// exactly once, and each workstation's log without a gap at every step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulling_while_others_push_at_once_misses_nothing() {
    let Some(db) = TestDb::create("concurrent").await else {
        return;
    };
    db.init_hub().await;
    let customer = fourroads::domain::new_id();
    // Each workstation is its own person's, pushed only through their login.
    let (mut logs, mut urls) = (Vec::new(), Vec::new());
    for name in ["priya", "sam", "dana"] {
        let url = db.member(name, name, Role::Agent).await;
        let mut ws = Ws::on(&Hub::connect(&url).await.unwrap(), name, Role::Agent).await;
        let log: Vec<Op> = (0..24)
            .map(|n| ws.rename(customer, &format!("{name} {n}")))
            .collect();
        logs.push(log);
        urls.push(url);
    }
    let mut pushers = Vec::new();
    for (at, log) in logs.iter().enumerate() {
        // The first log is pushed from two connections at once, each sending growing
        // prefixes of it; the others from one, in batches of three.
        let connections = if at == 0 { 2 } else { 1 };
        for _ in 0..connections {
            let log = log.clone();
            let url = urls[at].clone();
            pushers.push(tokio::spawn(async move {
                let mut hub = Hub::connect(&url).await.unwrap();
                for end in (3..=log.len()).step_by(3) {
                    let batch = if at == 0 {
                        &log[..end]
                    } else {
                        &log[end - 3..end]
                    };
                    hub.push(batch).await.unwrap();
                    tokio::task::yield_now().await;
                }
            }));
        }
    }
    let puller = person(&db, "lee", Role::Agent).await;
    let mut seen = Seen::default();
    let mut pulled: Vec<Op> = Vec::new();
    loop {
        let finished = pushers.iter().all(|p| p.is_finished());
        let page = puller.pull(&seen, 5).await.unwrap();
        for op in page.ops {
            let before = pulled
                .iter()
                .filter(|p| p.workstation == op.workstation)
                .count();
            assert_eq!(op.seq, before as u64 + 1, "a gap or a repeat");
            pulled.push(op);
        }
        seen = page.seen;
        if finished && !page.more {
            break;
        }
        tokio::task::yield_now().await;
    }
    for pusher in pushers {
        pusher.await.unwrap();
    }
    let last = puller.pull(&seen, 100).await.unwrap();
    assert!(last.ops.is_empty(), "everything was pulled before the end");
    let all: Vec<Op> = logs.concat();
    assert_eq!(pulled.len(), all.len());
    for op in &all {
        assert!(pulled.contains(op), "missing {:?}", op.id());
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM ops").await,
        all.len() as i64
    );
}
