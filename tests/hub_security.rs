//! The hub as its own perimeter (SPEC §12), tried the way a hostile member would: with
//! plain SQL over their own login and password, not through fourroads. Each test starts a
//! throwaway PostgreSQL with password authentication (`pg/cluster.rs`), makes a hub with
//! `team init`, and adds Priya and Omar (agents) and Dana (a lead) with `team add`.

mod pg;

use fourroads::domain::call::Role;
use fourroads::domain::member::Member;
use fourroads::domain::ops::{CustomerField, Op, PAYLOAD_VERSION, Payload};
use fourroads::domain::{Call, CallReason, CustomerStatus, Id, Road, new_id};
use fourroads::hub::{Hub, HubError, Listener, Whoami};
use fourroads::store::{Actor, SledStore, Store};
use jiff::Timestamp;
use pg::cluster::{Cluster, connect};

/// A hub on a cluster of its own, and the addresses of its people (with their passwords,
/// as a person's password file would give them).
struct Team {
    cluster: Cluster,
    owner: String,
    priya: String,
    omar: String,
    dana: String,
}

async fn team(test: &str) -> Option<Team> {
    let cluster = Cluster::start(test)?;
    let admin = connect(&cluster.admin_url())
        .await
        .expect("the superuser logs in");
    admin.batch_execute("CREATE DATABASE team").await.unwrap();
    let owner = cluster.url_for("postgres", Some(cluster.admin_password()), "team");
    let mut hub = Hub::connect(&owner).await.expect("the owner connects");
    hub.init().await.expect("team init");
    let report = hub.check().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let mut add = async |login: &str, name: &str, role: Role| {
        let added = hub.add_member(login, name, role, &[]).await.unwrap();
        let password = added.password.expect("a new login gets a password");
        cluster.url_for(login, Some(&password), "team")
    };
    let priya = add("priya", "Priya Shah", Role::Agent).await;
    let omar = add("omar", "Omar Haddad", Role::Agent).await;
    let dana = add("dana", "Dana Lee", Role::Lead).await;
    Some(Team {
        cluster,
        owner,
        priya,
        omar,
        dana,
    })
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// One row as a member would insert it by hand.
#[derive(Clone)]
struct Row {
    workstation: Id,
    seq: i64,
    author: String,
    role: &'static str,
    hlc_ms: i64,
    kind: &'static str,
    customer: Id,
    subject: Option<Id>,
    payload: Option<Vec<u8>>,
    pushed_by: Option<&'static str>,
}

impl Row {
    fn of(workstation: Id, seq: i64, author: &str, role: Role, payload: &Payload) -> Row {
        Row {
            workstation,
            seq,
            author: author.into(),
            role: role.as_str(),
            hlc_ms: now_ms(),
            kind: payload.kind().as_str(),
            customer: payload.customer(),
            subject: payload.subject(),
            payload: Some(payload.encode().unwrap()),
            pushed_by: None,
        }
    }
}

async fn insert(client: &tokio_postgres::Client, row: &Row) -> Result<u64, tokio_postgres::Error> {
    let pushed_by = row.pushed_by.map(str::to_string);
    client
        .execute(
            "INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                              customer_id, subject_id, payload_version, payload, pushed_by)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, 2, $9, coalesce($10, session_user))",
            &[
                &row.workstation,
                &row.seq,
                &row.author,
                &row.role,
                &row.hlc_ms,
                &row.kind,
                &row.customer,
                &row.subject,
                &row.payload,
                &pushed_by,
            ],
        )
        .await
}

fn create(customer: Id, name: &str) -> Payload {
    Payload::CustomerCreate {
        customer,
        created_at: Timestamp::now(),
        name: name.into(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: CustomerStatus::Active,
        do_not_contact: false,
        history: None,
    }
}

fn review(customer: Id, call: Id) -> Payload {
    Payload::Review {
        customer,
        call,
        road: Road::GoAway,
        comment: "bounced".into(),
        at: Timestamp::now(),
    }
}

fn call_put(customer: Id, agent: &str) -> Payload {
    Payload::CallPut {
        call: Call::new(customer, agent, CallReason::Inbound, Timestamp::now()),
    }
}

/// The SQLSTATE of a refusal (panics on success: every try here must fail).
fn refused<T: std::fmt::Debug>(what: &str, result: Result<T, tokio_postgres::Error>) -> String {
    match result {
        Ok(done) => panic!("{what}: the hub let it through ({done:?})"),
        Err(e) => e
            .code()
            .map(|c| c.code().to_string())
            .unwrap_or_else(|| format!("no SQLSTATE: {e}")),
    }
}

/// Every table of the hub, with a column to try to change.
const TABLES: [(&str, &str); 7] = [
    ("ops", "author"),
    ("workstations", "high_seq"),
    ("members", "role"),
    ("erased_customers", "erased_by"),
    ("hub", "max_ahead_ms"),
    ("fourroads_schema", "version"),
    ("call_origins", "workstation_id"),
];

#[tokio::test]
async fn an_agent_with_psql_can_do_none_of_what_the_rules_forbid() {
    let Some(team) = team("an_agent_with_psql").await else {
        return;
    };
    let priya = connect(&team.priya).await.expect("priya logs in");
    let omar = connect(&team.omar).await.expect("omar logs in");
    let (mine, omars) = (new_id(), new_id());
    for (client, ws) in [(&priya, mine), (&omar, omars)] {
        client
            .execute("SELECT fourroads_register($1)", &[&ws])
            .await
            .expect("a member registers their own workstation");
    }

    // What she may do works, so every refusal below is the rules and not the set-up.
    let ann = new_id();
    let first = Row::of(mine, 1, "Priya Shah", Role::Agent, &create(ann, "Ann"));
    assert_eq!(insert(&priya, &first).await.expect("her own change"), 1);
    assert_eq!(
        insert(&priya, &first).await.expect("the same change again"),
        0
    );
    let omars_call = call_put(ann, "Omar Haddad");
    insert(
        &omar,
        &Row::of(omars, 1, "Omar Haddad", Role::Agent, &omars_call),
    )
    .await
    .expect("omar takes a call");
    let Payload::CallPut { call: taken } = &omars_call else {
        unreachable!()
    };

    let next = |payload: &Payload| Row::of(mine, 2, "Priya Shah", Role::Agent, payload);
    let field = Payload::CustomerField {
        customer: ann,
        change: CustomerField::Name("Ann B".into()),
    };
    // A review, as herself or claiming to be a lead or Dana.
    let as_lead = Row {
        role: "lead",
        ..next(&review(ann, taken.id))
    };
    for (what, row) in [
        ("a review by an agent", next(&review(ann, taken.id))),
        ("a review claiming the lead role", as_lead),
        (
            "a review in the lead's name",
            Row::of(mine, 2, "Dana Lee", Role::Lead, &review(ann, taken.id)),
        ),
        (
            "a change in a colleague's name",
            Row::of(mine, 2, "Omar Haddad", Role::Agent, &field),
        ),
        (
            "a change pushed in a colleague's login name",
            Row {
                pushed_by: Some("omar"),
                ..next(&field)
            },
        ),
        (
            "a change as a colleague's workstation",
            Row::of(omars, 2, "Priya Shah", Role::Agent, &field),
        ),
        (
            "an erased customer's remains for a customer nobody erased",
            Row {
                kind: "gone",
                payload: None,
                subject: None,
                ..next(&field)
            },
        ),
    ] {
        assert_eq!(refused(what, insert(&priya, &row).await), "42501", "{what}");
    }

    // The hub's own checks, in its own words (SQLSTATE class FR).
    let changed_seq_1 = Row::of(
        mine,
        1,
        "Priya Shah",
        Role::Agent,
        &create(ann, "Someone else"),
    );
    let ahead = Row {
        hlc_ms: now_ms() + 3_600_000,
        ..next(&field)
    };
    let mislabelled = Row {
        kind: "customer-field",
        subject: None,
        ..next(&review(ann, taken.id))
    };
    let other_customer = Row {
        customer: new_id(),
        ..next(&field)
    };
    let garbage = Row {
        payload: Some(vec![0xc1, 0x00, 0xff]),
        ..next(&field)
    };
    let huge = Row {
        payload: Some(vec![0u8; 300_000]),
        ..next(&field)
    };
    let their_call = Payload::CallPut {
        call: Call {
            agent: "Priya Shah".into(),
            ..taken.clone()
        },
    };
    for (what, row, code) in [
        (
            "a gap in her own log",
            Row::of(mine, 3, "Priya Shah", Role::Agent, &field),
            "FR001",
        ),
        (
            "another change under a number the hub holds",
            changed_seq_1,
            "FR002",
        ),
        ("a stamp an hour ahead of the hub's clock", ahead, "FR003"),
        ("a payload far over the limit", huge, "FR005"),
        ("a review labelled as a field change", mislabelled, "FR006"),
        (
            "a change whose envelope names another customer",
            other_customer,
            "FR006",
        ),
        ("bytes that are no payload", garbage, "FR006"),
        (
            "a colleague's call changed from her workstation",
            next(&their_call),
            "FR007",
        ),
    ] {
        assert_eq!(refused(what, insert(&priya, &row).await), code, "{what}");
    }

    // Nothing stored can be changed or removed, nothing but ops added, nothing read that
    // is not for members.
    for (table, column) in TABLES {
        for sql in [
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
            format!("TRUNCATE {table}"),
        ] {
            assert_eq!(
                refused(&sql, priya.execute(&sql, &[]).await),
                "42501",
                "{sql}"
            );
        }
    }
    for sql in [
        "INSERT INTO workstations (workstation_id, high_seq) VALUES (gen_random_uuid(), 99)",
        "INSERT INTO members (login, name, role) VALUES ('priya2', 'Boss', 'lead')",
        "INSERT INTO erased_customers (customer_id) VALUES (gen_random_uuid())",
        "SELECT count(*) FROM call_origins",
        "SELECT rolpassword FROM pg_authid",
        "SELECT passwd FROM pg_shadow",
        "ALTER TABLE ops DISABLE ROW LEVEL SECURITY",
        "DROP POLICY members_push ON ops",
        "CREATE TABLE mine (x int)",
        "DROP TRIGGER ops_checked ON ops",
    ] {
        assert_eq!(
            refused(sql, priya.execute(sql, &[]).await),
            "42501",
            "{sql}"
        );
    }
    let set_role = priya.batch_execute("SET ROLE dana").await;
    assert!(set_role.is_err(), "she cannot act as a lead's login");
    let erase = priya.execute("SELECT fourroads_erase($1)", &[&ann]).await;
    assert_eq!(refused("calling the erase function", erase), "42501");
    let claim = priya
        .execute("SELECT fourroads_register($1)", &[&omars])
        .await;
    assert_eq!(
        refused("claiming a colleague's workstation", claim),
        "FR008"
    );

    // Through fourroads too: an erasure from an agent's workstation goes nowhere.
    let mut her_hub = Hub::connect(&team.priya).await.unwrap();
    let erasure = Op {
        workstation: mine,
        seq: 2,
        author: "Priya Shah".into(),
        role: Role::Agent,
        hlc: fourroads::domain::hlc::HlcClock::new(mine).tick(now_ms() as u64),
        payload_version: PAYLOAD_VERSION,
        payload: Payload::Erase { customer: ann },
    };
    let refusal = her_hub.push(&[erasure]).await.unwrap_err();
    assert!(matches!(refusal, HubError::Refused(_)), "{refusal}");
    assert!(
        refusal.to_string().contains("only a lead may erase"),
        "{refusal}"
    );

    // Behind every try, the hub holds just the two changes that were allowed.
    let owner = connect(&team.owner).await.unwrap();
    let held: i64 = owner
        .query_one("SELECT count(*) FROM ops", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(held, 2);
    let highs: Vec<i64> = owner
        .query("SELECT high_seq FROM workstations ORDER BY high_seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(highs, vec![1, 1]);
    let pushers: Vec<String> = owner
        .query("SELECT pushed_by::text FROM ops ORDER BY pushed_by", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(pushers, vec!["omar", "priya"]);
    drop(team.cluster);
}

#[tokio::test]
async fn a_login_that_is_not_a_member_reads_nothing_and_wake_ups_say_nothing() {
    let Some(team) = team("not_a_member").await else {
        return;
    };
    let admin = connect(&team.cluster.admin_url()).await.unwrap();
    admin
        .batch_execute("CREATE ROLE stranger LOGIN PASSWORD 'stranger-pw'")
        .await
        .unwrap();
    let at_team = connect(
        &team
            .cluster
            .url_for("stranger", Some("stranger-pw"), "team"),
    )
    .await;
    assert!(
        at_team.is_err(),
        "a hub in its own database lets only members in"
    );
    let through = Hub::connect(
        &team
            .cluster
            .url_for("stranger", Some("stranger-pw"), "team"),
    )
    .await;
    assert!(through.is_err());

    // A wake-up any login could hear carries no customer: only how many changes arrived.
    let mut listener = Listener::connect(&team.omar).await.unwrap();
    let mut priya = Hub::connect(&team.priya).await.unwrap();
    let ws = new_id();
    priya.register(ws).await.unwrap();
    let Whoami::Member(me) = priya.whoami().await.unwrap() else {
        panic!("priya is a member")
    };
    assert_eq!(
        me,
        Member {
            login: "priya".into(),
            name: "Priya Shah".into(),
            role: Role::Agent
        }
    );
    let ann = new_id();
    let op = Op {
        workstation: ws,
        seq: 1,
        author: me.name.clone(),
        role: me.role,
        hlc: fourroads::domain::hlc::HlcClock::new(ws).tick(now_ms() as u64),
        payload_version: PAYLOAD_VERSION,
        payload: create(ann, "Ann Secret"),
    };
    priya.push(&[op]).await.unwrap();
    let said = tokio::time::timeout(std::time::Duration::from_secs(10), listener.next())
        .await
        .expect("the wake-up arrives")
        .expect("the listener is up");
    assert!(said.chars().all(|c| c.is_ascii_digit()), "{said:?}");
    assert!(!said.contains("Ann") && !said.contains(&ann.to_string()));
}

#[tokio::test]
async fn a_lead_reviews_and_erases_and_the_hub_keeps_who_erased() {
    let Some(team) = team("a_lead_reviews").await else {
        return;
    };
    let (mut priya, mut dana) = (
        Hub::connect(&team.priya).await.unwrap(),
        Hub::connect(&team.dana).await.unwrap(),
    );
    let (hers, leads) = (new_id(), new_id());
    priya.register(hers).await.unwrap();
    dana.register(leads).await.unwrap();
    let ann = new_id();
    let stamp = |ws| fourroads::domain::hlc::HlcClock::new(ws).tick(now_ms() as u64);
    let call = call_put(ann, "Priya Shah");
    let call_id = call.subject().unwrap();
    let ops: Vec<Op> = [create(ann, "Ann"), call]
        .into_iter()
        .enumerate()
        .map(|(at, payload)| Op {
            workstation: hers,
            seq: at as u64 + 1,
            author: "Priya Shah".into(),
            role: Role::Agent,
            hlc: stamp(hers),
            payload_version: PAYLOAD_VERSION,
            payload,
        })
        .collect();
    priya.push(&ops).await.unwrap();
    let lead_op = |seq, payload| Op {
        workstation: leads,
        seq,
        author: "Dana Lee".into(),
        role: Role::Lead,
        hlc: stamp(leads),
        payload_version: PAYLOAD_VERSION,
        payload,
    };
    let pushed = dana
        .push(&[lead_op(1, review(ann, call_id))])
        .await
        .unwrap();
    assert_eq!(pushed.added, 1, "a lead's review goes in");
    dana.push(&[lead_op(2, Payload::Erase { customer: ann })])
        .await
        .expect("a lead erases");

    let owner = connect(&team.owner).await.unwrap();
    let row = owner
        .query_one(
            "SELECT erased_by::text FROM erased_customers WHERE customer_id = $1",
            &[&ann],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "dana");
    let left: i64 = owner
        .query_one(
            "SELECT count(*) FROM ops WHERE customer_id = $1 AND payload IS NOT NULL
                                              AND kind <> 'erase'",
            &[&ann],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "nothing about Ann is readable at the hub");
    let origins: i64 = owner
        .query_one(
            "SELECT count(*) FROM call_origins WHERE customer_id = $1",
            &[&ann],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(origins, 0);
}

#[tokio::test]
async fn a_removed_member_cannot_connect_and_their_work_stays_theirs() {
    let Some(team) = team("a_removed_member").await else {
        return;
    };
    let mut omar = Hub::connect(&team.omar).await.unwrap();
    let ws = new_id();
    omar.register(ws).await.unwrap();
    let op = Op {
        workstation: ws,
        seq: 1,
        author: "Omar Haddad".into(),
        role: Role::Agent,
        hlc: fourroads::domain::hlc::HlcClock::new(ws).tick(now_ms() as u64),
        payload_version: PAYLOAD_VERSION,
        payload: create(new_id(), "Ann"),
    };
    omar.push(&[op]).await.unwrap();
    let mut owner = Hub::connect(&team.owner).await.unwrap();
    owner.remove_member("omar").await.unwrap();

    let again = connect(&team.omar).await;
    let code = refused("a removed member logging in", again.map(|_| ()));
    assert_eq!(code, "28000", "the login may no longer log in");
    let members = owner.members().await.unwrap();
    let gone = members
        .people
        .iter()
        .find(|p| p.member.login == "omar")
        .expect("omar is still on record");
    assert!(gone.removed_at.is_some() && !gone.can_log_in);
    assert!(
        members
            .workstations
            .iter()
            .any(|w| w.id == ws && w.login == "omar")
    );
    let pushed_by: String = connect(&team.owner)
        .await
        .unwrap()
        .query_one("SELECT pushed_by::text FROM ops", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(pushed_by, "omar", "his past work stays his");
    assert!(owner.check().await.unwrap().findings.is_empty());

    // Only the owner manages people: a lead cannot add a colleague.
    let mut dana = Hub::connect(&team.dana).await.unwrap();
    let refusal = dana
        .add_member("eve", "Eve", Role::Lead, &[])
        .await
        .unwrap_err();
    assert!(
        refusal.to_string().contains("only the hub's owner"),
        "{refusal}"
    );
}

#[tokio::test]
async fn an_agents_app_started_as_lead_cannot_get_a_review_to_anyone() {
    let Some(team) = team("an_agent_started_as_lead").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let open = |name: &str| {
        SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
    };
    let (priya, dana) = (open("priya"), open("dana"));
    let mut quiet = |_| {};
    fourroads::sync::join(&priya, &team.priya, &mut quiet)
        .await
        .unwrap();
    fourroads::sync::join(&dana, &team.dana, &mut quiet)
        .await
        .unwrap();
    assert_eq!(priya.identity().unwrap().unwrap().role, Role::Agent);

    // Priya takes a call, started with `--role lead --agent "Dana Lee"` as it were.
    let customer = fourroads::domain::NewCustomer {
        name: "Ann".into(),
        status: "active".into(),
        ..Default::default()
    }
    .validate(Timestamp::now(), "Priya Shah")
    .unwrap();
    priya.put_customer(&customer).unwrap();
    let mut call = Call::new(
        customer.id,
        "Priya Shah",
        CallReason::Inbound,
        Timestamp::now(),
    );
    priya.start_call(&call).unwrap();
    call.road = Some(Road::Care);
    call.ended_at = Some(Timestamp::now());
    let posing = Actor {
        who: "Dana Lee".into(),
        role: Role::Lead,
        reason: String::new(),
        at: Timestamp::now(),
    };
    priya.wrap_up_call(&call, "helped", &posing).unwrap();
    let refusal = priya.review_call(call.id, Road::GoAway, "mine", &posing);
    assert!(
        refusal.is_err(),
        "the store acts as the hub's Priya: an agent"
    );

    // (The store keeps its address without the password; a person's password file gives it.)
    let mut hub = Hub::connect(&team.priya).await.unwrap();
    fourroads::sync::sync_once(&priya, &mut hub, &mut quiet)
        .await
        .unwrap();
    let ops = priya.all_ops().unwrap();
    assert!(!ops.is_empty());
    assert!(
        ops.iter()
            .all(|op| op.author == "Priya Shah" && op.role == Role::Agent),
        "every change of hers carries the hub's name and role"
    );

    // Dana receives the call, and no review but her own can reach her.
    let mut dana_hub = Hub::connect(&team.dana).await.unwrap();
    fourroads::sync::sync_once(&dana, &mut dana_hub, &mut quiet)
        .await
        .unwrap();
    let seen = dana
        .call(call.id)
        .unwrap()
        .expect("the call reached the lead");
    assert_eq!(seen.agent, "Priya Shah");
    assert!(seen.review.is_none());

    // The app takes the hub's word over its flags, and says so in one line.
    let mut state = fourroads::app::State::new(
        "Dana Lee",
        Role::Lead,
        "/tmp/store",
        fourroads::domain::Clock::system(),
    );
    let me = priya.identity().unwrap().unwrap();
    state.take_identity(&me, Some("Dana Lee"), Some(Role::Lead));
    assert_eq!(
        (state.agent.as_str(), state.role),
        ("Priya Shah", Role::Agent)
    );
    let said = state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("you are Priya Shah (agent)") && !said.contains('\n'),
        "{said}"
    );
}

#[tokio::test]
async fn passwords_stay_out_of_the_servers_log() {
    let Some(team) = team("passwords_stay_out").await else {
        return;
    };
    let admin = connect(&team.cluster.admin_url()).await.unwrap();
    admin
        .batch_execute("ALTER SYSTEM SET log_statement = 'all'")
        .await
        .unwrap();
    admin
        .batch_execute("SELECT pg_reload_conf()")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut owner = Hub::connect(&team.owner).await.unwrap();
    let added = owner
        .add_member("lena", "Lena Park", Role::Lead, &[])
        .await
        .unwrap();
    let password = added.password.unwrap();
    let log = std::fs::read_to_string(team.cluster.log_file()).unwrap();
    assert!(log.contains("CREATE ROLE"), "statements are logged");
    assert!(
        !log.contains(&password),
        "the password never reaches the server's log"
    );
    connect(&team.cluster.url_for("lena", Some(&password), "team"))
        .await
        .expect("and it works");
}

#[tokio::test]
async fn verify_full_checks_a_real_certificate_and_its_name() {
    let Some(team) = team("verify_full").await else {
        return;
    };
    if !team.cluster.ca_file().exists() {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"verify_full: skipped: no openssl to make the test CA\n",
        );
        return;
    }
    let ca = team.cluster.ca_file().display().to_string();
    let by_name = format!(
        "{}?sslmode=verify-full&sslrootcert={ca}",
        team.priya.replace("@127.0.0.1", "@localhost")
    );
    let hub = Hub::connect(&by_name)
        .await
        .expect("the certificate names localhost and chains to the CA");
    assert!(hub.encrypted().await.unwrap());
    assert!(matches!(hub.whoami().await.unwrap(), Whoami::Member(_)));

    // The address by number is not a name the certificate holds, and roots that did not
    // sign it do not vouch for it: refused, in one line that shows no password.
    let by_number = format!("{}?sslmode=verify-full&sslrootcert={ca}", team.priya);
    let refused = Hub::connect(&by_number).await.err().expect("refused");
    let said = refused.to_string();
    assert!(!said.contains('\n'), "{said}");
    let password = team
        .priya
        .split(':')
        .nth(2)
        .unwrap()
        .split('@')
        .next()
        .unwrap();
    assert!(!said.contains(password), "{said}");
    let system = format!(
        "{}?sslmode=verify-full&sslrootcert=system",
        team.priya.replace("@127.0.0.1", "@localhost")
    );
    assert!(
        Hub::connect(&system).await.is_err(),
        "the machine's own roots did not sign the test CA"
    );
}
