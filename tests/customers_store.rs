//! Keeping customers clean in the store: editing details, do-not-contact with a reason,
//! merging a duplicate and handing a case to another owner. Each change is audited and
//! leaves every index, counter and the search index equal to a full recount.

mod support;

use fourroads::domain::call::Role;
use fourroads::domain::customer_edit::CustomerEdit;
use fourroads::domain::{Call, CallReason, Clock, Customer, NewCustomer, Outcome, Road};
use fourroads::store::{Actor, SledStore, Store, demo};
use jiff::SignedDuration;
use support::fixed_now;

fn store() -> (SledStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    (store, dir)
}

fn named(store: &SledStore, name: &str) -> Customer {
    store
        .all_customers()
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
}

fn actor(who: &str, role: Role) -> Actor {
    Actor {
        who: who.into(),
        role,
        reason: String::new(),
        at: fixed_now(),
    }
}

fn consistent(store: &SledStore) {
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
}

fn finds_customer(store: &SledStore, query: &str, id: fourroads::domain::Id) -> bool {
    store
        .search(query, 50)
        .unwrap()
        .customers
        .iter()
        .any(|hit| hit.customer.id == id)
}

#[test]
fn an_edit_is_audited_field_by_field_and_search_follows() {
    let (store, _dir) = store();
    let moira = named(&store, "Moira Cattanach");
    let mut edit = CustomerEdit::of(&moira);
    edit.name = "Moira Quillfeather".into();
    edit.email = Some("mq@example.org".into());
    let saved = store
        .edit_customer(moira.id, &edit, &actor("Priya Shah", Role::Agent))
        .unwrap();
    assert_eq!(saved.name, "Moira Quillfeather");
    assert_eq!(
        saved.status_history, moira.status_history,
        "nothing else moved"
    );
    let audit = store.audit_for(moira.id).unwrap();
    let fields: Vec<_> = audit.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(fields, ["name", "email"]);
    assert_eq!(audit[0].old.as_deref(), Some("Moira Cattanach"));
    assert_eq!(audit[0].new.as_deref(), Some("Moira Quillfeather"));
    assert_eq!(
        (audit[0].who.as_str(), audit[0].role),
        ("Priya Shah", Role::Agent)
    );
    assert!(finds_customer(&store, "quillfeather", moira.id));
    assert!(!finds_customer(&store, "cattanach", moira.id));
    consistent(&store);
}

#[test]
fn an_empty_name_is_refused_and_changes_nothing() {
    let (store, _dir) = store();
    let moira = named(&store, "Moira Cattanach");
    let mut edit = CustomerEdit::of(&moira);
    edit.name = "  ".into();
    edit.phone = None;
    let refused = store
        .edit_customer(moira.id, &edit, &actor("Priya Shah", Role::Agent))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("needs a name"), "{refused}");
    assert_eq!(store.customer(moira.id).unwrap().unwrap(), moira);
    assert!(store.audit_for(moira.id).unwrap().is_empty());
}

#[test]
fn do_not_contact_records_why_when_and_who_and_clearing_is_audited() {
    let (store, _dir) = store();
    let moira = named(&store, "Moira Cattanach");
    let priya = actor("Priya Shah", Role::Agent);
    let refused = store.set_do_not_contact(moira.id, Some("  "), &priya);
    assert!(refused.is_err(), "a reason is required");
    assert!(!store.customer(moira.id).unwrap().unwrap().do_not_contact);
    let marked = store
        .set_do_not_contact(moira.id, Some("asked not to be called"), &priya)
        .unwrap();
    let note = marked.do_not_contact_note.clone().unwrap();
    assert_eq!(note.reason, "asked not to be called");
    assert_eq!((note.since, note.by.as_str()), (fixed_now(), "Priya Shah"));
    let (entries, _) = store.queue_entries().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.customer_id == moira.id && e.do_not_contact)
    );
    let cleared = store
        .set_do_not_contact(moira.id, None, &actor("Jordan Reyes", Role::Lead))
        .unwrap();
    assert!(!cleared.do_not_contact && cleared.do_not_contact_note.is_none());
    let audit = store.audit_for(moira.id).unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].reason, "asked not to be called");
    assert_eq!(audit[1].who, "Jordan Reyes");
    assert_eq!(audit[1].new.as_deref(), Some("no"));
    consistent(&store);
}

/// A second record of Moira, with a call (and the case it opened) and an edit on it.
fn duplicate_of_moira(store: &SledStore) -> (Customer, Call) {
    let mut duplicate = NewCustomer {
        name: "Moira Cattanach".into(),
        email: "moira.c@example.org".into(),
        ..NewCustomer::default()
    }
    .validate(fixed_now() - SignedDuration::from_hours(48), "Sam Okafor")
    .unwrap();
    duplicate.external_id = Some("CRM-7".into());
    store.put_customer(&duplicate).unwrap();
    let at = fixed_now() - SignedDuration::from_hours(24);
    let mut call = Call::new(duplicate.id, "Sam Okafor", CallReason::Inbound, at);
    store.start_call(&call).unwrap();
    call.ended_at = Some(at + SignedDuration::from_mins(6));
    call.road = Some(Road::Care);
    call.outcome = Outcome::FollowUp;
    call.follow_up_due = Some(jiff::civil::date(2026, 11, 24));
    store
        .wrap_up_call(
            &call,
            "Parcel XQ-5521 never came",
            &Actor::agent("Sam Okafor", at),
        )
        .unwrap();
    let mut edit = CustomerEdit::of(&duplicate);
    edit.segment = Some("home".into());
    let duplicate = store
        .edit_customer(duplicate.id, &edit, &actor("Sam Okafor", Role::Agent))
        .unwrap();
    (duplicate, call)
}

#[test]
fn a_merge_moves_everything_and_leaves_the_indexes_equal_to_a_recount() {
    let (store, dir) = store();
    let moira = named(&store, "Moira Cattanach");
    let (duplicate, call) = duplicate_of_moira(&store);
    let kept_calls = store.customer_context(moira.id, 1000).unwrap().unwrap();
    let before = store.counters().unwrap();
    consistent(&store);

    let preview = store.merge_preview(duplicate.id, moira.id).unwrap();
    assert_eq!((preview.calls, preview.cases), (1, 1));
    let priya = actor("Priya Shah", Role::Agent);
    let result = store
        .merge_customers(duplicate.id, moira.id, &priya)
        .unwrap();
    assert_eq!(
        (result.calls, result.cases, result.audit_entries),
        (1, 1, 1)
    );

    assert!(store.customer(duplicate.id).unwrap().is_none());
    let kept = store.customer(moira.id).unwrap().unwrap();
    assert_eq!(kept.name, moira.name);
    assert_eq!(kept.phone, moira.phone, "the kept record's details stay");
    assert_eq!(kept.merged.len(), 1);
    assert_eq!(kept.merged[0].status_history, duplicate.status_history);
    let context = store.customer_context(moira.id, 1000).unwrap().unwrap();
    assert_eq!(context.history.len(), kept_calls.history.len() + 1);
    assert!(context.history.iter().any(|c| c.call.id == call.id));
    assert_eq!(store.call(call.id).unwrap().unwrap().customer_id, moira.id);
    assert_eq!(store.notes(call.id).unwrap(), "Parcel XQ-5521 never came");
    assert!(
        store
            .cases_of(moira.id)
            .unwrap()
            .iter()
            .any(|c| c.opened_by_call == call.id)
    );
    assert!(store.cases_of(duplicate.id).unwrap().is_empty());
    let audit = store.audit_for(moira.id).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.what == "segment" && e.who == "Sam Okafor"),
        "the duplicate's trail moved: {audit:?}"
    );
    let merge = audit.iter().find(|e| e.what == "merged in").unwrap();
    assert_eq!((merge.who.as_str(), merge.at), ("Priya Shah", fixed_now()));
    assert!(merge.new.as_deref().unwrap().contains("1 call and 1 case"));
    assert!(store.audit_for(duplicate.id).unwrap().is_empty());

    let after = store.counters().unwrap();
    assert_eq!(after.customers, before.customers - 1);
    assert_eq!(after.calls, before.calls);
    assert_eq!(after.open_cases, before.open_cases);
    let (entries, _) = store.queue_entries().unwrap();
    assert!(entries.iter().all(|e| e.customer_id != duplicate.id));
    assert!(finds_customer(&store, "moira.c@example.org", moira.id));
    assert!(!finds_customer(&store, "moira.c@example.org", duplicate.id));
    let hits = store.search("XQ-5521", 10).unwrap().calls;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].call.customer_id, moira.id);
    consistent(&store);

    let templates = fourroads::export::Templates::load(None, false).unwrap();
    let clock = Clock::fixed(fixed_now());
    let markdown =
        fourroads::export::summary::customer(&store, &templates, moira.id, &clock).unwrap();
    assert!(markdown.contains("Parcel XQ-5521 never came"), "{markdown}");
    assert!(markdown.contains("merged in"), "{markdown}");

    // A backup carries the merge, the do-not-contact reason and the moved trail.
    store
        .set_do_not_contact(moira.id, Some("moved abroad"), &priya)
        .unwrap();
    let file = dir.path().join("backup.jsonl");
    fourroads::transfer::backup::backup(&store, &file, fixed_now()).unwrap();
    let mut restored =
        SledStore::open_in_zone(&dir.path().join("restored"), jiff::tz::TimeZone::UTC).unwrap();
    fourroads::transfer::backup::restore(&mut restored, &file, false).unwrap();
    assert_eq!(
        restored.customer(moira.id).unwrap(),
        store.customer(moira.id).unwrap()
    );
    assert_eq!(
        restored.audit_for(moira.id).unwrap(),
        store.audit_for(moira.id).unwrap()
    );
    consistent(&restored);
}

#[test]
fn a_merge_into_oneself_or_during_an_open_call_is_refused_and_changes_nothing() {
    let (store, _dir) = store();
    let moira = named(&store, "Moira Cattanach");
    let (duplicate, _) = duplicate_of_moira(&store);
    let priya = actor("Priya Shah", Role::Agent);
    let itself = store
        .merge_customers(moira.id, moira.id, &priya)
        .unwrap_err()
        .to_string();
    assert!(itself.contains("into themselves"), "{itself}");

    let open = Call::new(duplicate.id, "Priya Shah", CallReason::Inbound, fixed_now());
    store.start_call(&open).unwrap();
    let before = store.counters().unwrap();
    for (from, into) in [(duplicate.id, moira.id), (moira.id, duplicate.id)] {
        let refused = store
            .merge_customers(from, into, &priya)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("open call"), "{refused}");
        assert!(store.merge_preview(from, into).is_err());
    }
    assert_eq!(store.counters().unwrap(), before);
    assert!(store.customer(duplicate.id).unwrap().is_some());
    assert_eq!(
        store.call(open.id).unwrap().unwrap().customer_id,
        duplicate.id
    );
    consistent(&store);
}

#[test]
fn a_lead_hands_a_case_to_anyone_and_an_agent_only_takes_one() {
    let (store, _dir) = store();
    let row = store.open_cases(None, 1).unwrap().rows.remove(0);
    let owner = row.case.owner.clone();
    let someone_else = if owner == "Sam Okafor" {
        "Dana Whitfield"
    } else {
        "Sam Okafor"
    };
    let refused = store
        .reassign_case(row.case.id, someone_else, &actor("Priya Shah", Role::Agent))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("only a team lead"), "{refused}");
    assert_eq!(store.open_cases(None, 1).unwrap().rows[0].case.owner, owner);

    let taken = store
        .reassign_case(row.case.id, "Priya Shah", &actor("Priya Shah", Role::Agent))
        .unwrap();
    assert_eq!(taken.case.owner, "Priya Shah");
    let given = store
        .reassign_case(
            row.case.id,
            someone_else,
            &actor("Jordan Reyes", Role::Lead),
        )
        .unwrap();
    assert_eq!(given.case.owner, someone_else);
    let owners: Vec<_> = given
        .audit
        .iter()
        .filter(|e| e.what == "case owner")
        .map(|e| (e.who.as_str(), e.new.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        owners,
        [("Priya Shah", "Priya Shah"), ("Jordan Reyes", someone_else)]
    );
    consistent(&store);
}

#[test]
fn importing_the_same_file_again_does_not_bring_a_merged_duplicate_back() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    let text = b"external_id,name,phone,email\n\
        C-1,Ann Lee,+44 20 7946 0000,ann@example.com\n\
        C-2,Ann Lee,,ann.lee@work.example.com\n";
    let import = || {
        let parsed =
            fourroads::transfer::import::parse("customers.csv", text, fixed_now()).unwrap();
        fourroads::transfer::import::apply(&store, &parsed, fixed_now(), &mut |_, _| {}).unwrap()
    };
    assert_eq!(import().added, 2);
    let customers = store.all_customers().unwrap();
    let id_of = |external: &str| {
        customers
            .iter()
            .find(|c| c.external_id.as_deref() == Some(external))
            .unwrap()
            .id
    };
    let (keep, duplicate) = (id_of("C-1"), id_of("C-2"));
    store
        .merge_customers(duplicate, keep, &actor("Priya Shah", Role::Agent))
        .unwrap();
    let kept = store.customer(keep).unwrap().unwrap();
    let again = import();
    assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
    assert_eq!(store.counters().unwrap().customers, 1);
    assert_eq!(store.customer(keep).unwrap().unwrap(), kept);
    consistent(&store);
}
