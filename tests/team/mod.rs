//! Workstations for the team tests: temporary stores, a customer, a call taken and
//! wrapped up, a lead, and the check that every store holds the same records (backups
//! identical apart from the header, indexes and counters equal to a recount). Each
//! workstation joins as its own person's login (SPEC §12); a store holding several
//! people's work (the demo, generated data) comes in through the hub's owner and is then
//! handed to its person (`bring_in`).

#![allow(dead_code)]

use fourroads::domain::call::Role;
use fourroads::domain::member::Member;
use fourroads::domain::{Call, CallReason, Customer, Id, NewCustomer, Outcome, Road};
use fourroads::hub::{Hub, Whoami};
use fourroads::store::{Actor, SledStore, Store};
use fourroads::sync::{self, Progress, Report};
use fourroads::transfer::backup::backup;
use jiff::{SignedDuration, Timestamp};

/// Friday 20 November 2026, 15:00 UTC.
pub fn fixed_now() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

pub fn at(minutes: i64) -> Timestamp {
    fixed_now() + SignedDuration::from_mins(minutes)
}

pub fn open(dir: &tempfile::TempDir, name: &str) -> SledStore {
    SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap()
}

pub fn customer(name: &str) -> Customer {
    NewCustomer {
        name: name.into(),
        status: "active".into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now(), "Priya")
    .unwrap()
}

/// A call taken and wrapped up on `store` by `agent`.
pub fn take_call(
    store: &SledStore,
    customer: Id,
    agent: &str,
    minutes: i64,
    outcome: Outcome,
) -> Call {
    let mut call = Call::new(customer, agent, CallReason::Inbound, at(minutes));
    store.start_call(&call).unwrap();
    store.save_notes(call.id, "first words").unwrap();
    call.road = Some(Road::Care);
    call.outcome = outcome;
    if outcome == Outcome::FollowUp {
        call.follow_up_due = Some(jiff::civil::date(2026, 11, 27));
    }
    call.ended_at = Some(at(minutes + 5));
    store
        .wrap_up_call(
            &call,
            &format!("{agent} helped #billing"),
            &Actor::agent(agent, at(minutes + 5)),
        )
        .unwrap();
    call
}

pub fn lead(at: Timestamp) -> Actor {
    Actor {
        who: "Dana".into(),
        role: Role::Lead,
        reason: String::new(),
        at,
    }
}

fn lines_after_header(store: &SledStore, dir: &tempfile::TempDir, name: &str) -> Vec<String> {
    let path = dir.path().join(format!("{name}.jsonl"));
    backup(store, &path, fixed_now()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
    lines.pop(); // the checksum covers the header
    lines
}

/// Every store's backup is the first one's, and every store agrees with a recount.
pub fn assert_same(stores: &[&SledStore], dir: &tempfile::TempDir) {
    let first = lines_after_header(stores[0], dir, "first");
    assert!(first.len() > 1);
    for (n, store) in stores.iter().enumerate() {
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        assert_eq!(store.check_reviews().unwrap(), Vec::<String>::new());
        let lines = lines_after_header(store, dir, &format!("store{n}"));
        let differing: Vec<_> = lines.iter().filter(|l| !first.contains(l)).collect();
        assert!(
            lines == first,
            "store {n} differs from store 0: {} vs {} lines; first differing: {:?}",
            lines.len(),
            first.len(),
            differing.first()
        );
    }
}

/// The hub's record of the login that `url` connects as (a person of the team).
pub async fn whoami(url: &str) -> Member {
    match Hub::connect(url).await.unwrap().whoami().await.unwrap() {
        Whoami::Member(member) => member,
        Whoami::Owner { login } => panic!("{login} is the hub's owner, not a person of the team"),
    }
}

/// The hub's owner hands `store`'s workstation to the person `member_url` logs in as (what
/// `fourroads team add LOGIN … --workstation ID` does).
pub async fn hand_over(store: &SledStore, owner_url: &str, member_url: &str) {
    let member = whoami(member_url).await;
    let workstation = store.workstation().unwrap();
    let added = Hub::connect(owner_url)
        .await
        .unwrap()
        .add_member(&member.login, &member.name, member.role, &[workstation])
        .await
        .unwrap();
    assert_eq!(added.workstations, 1);
}

/// A store holding several people's work from before the team (the demo, generated data:
/// other agents' calls, a lead's reviews) comes in as it is through the hub's owner (a
/// person's login is refused others' reviews, and would take the rest on as theirs); the
/// owner hands the workstation to its person, who joins with their own login and syncs
/// it from then on. Returns the owner's upload.
pub async fn bring_in(
    store: &SledStore,
    owner_url: &str,
    member_url: &str,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Report {
    let report = sync::join(store, owner_url, progress).await.unwrap();
    assert_eq!(
        store.identity().unwrap(),
        None,
        "the owner brings it in as it is"
    );
    hand_over(store, owner_url, member_url).await;
    let again = sync::join(store, member_url, &mut |_| {}).await.unwrap();
    assert_eq!(again.sent, 0, "the owner sent everything: {again:?}");
    assert_eq!(
        store.identity().unwrap(),
        Some(whoami(member_url).await),
        "the store is its person's from now on"
    );
    report
}

/// The start of every login of the test hub at `url` (the test's schema, or its database
/// for a hub in `public`): a login named with it goes when the test's hub does.
pub async fn login_prefix(url: &str) -> String {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let base: String = client
        .query_one(
            "SELECT CASE WHEN current_schema() = 'public' THEN current_database()::text
                         ELSE current_schema()::text END",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    drop(client);
    let _ = connection.await;
    base
}

/// The arguments of `fourroads team add` for a person (`role` is `agent` or `lead`), run as
/// the owner of the hub at `hub`.
pub fn add_args<'a>(login: &'a str, role: &'a str, name: &'a str, hub: &'a str) -> Vec<&'a str> {
    vec![
        "team", "add", login, "--role", role, "--name", name, "--hub", hub,
    ]
}

/// The address `fourroads team add` printed for the new person to join with.
pub fn join_url_in(added: &str) -> String {
    added
        .lines()
        .find_map(|line| line.trim().strip_prefix("fourroads team join "))
        .unwrap_or_else(|| panic!("no join command in: {added}"))
        .trim()
        .to_string()
}

/// The workstation id `fourroads team status` printed.
pub fn workstation_in(status: &str) -> String {
    status
        .lines()
        .find_map(|line| line.strip_prefix("This workstation: "))
        .unwrap_or_else(|| panic!("no workstation in: {status}"))
        .trim()
        .to_string()
}
