//! Commands that write many records (demo, import, gen) complete or leave the store as
//! it was: they are built in a fresh database inside the store folder (`transfer::staging`) and
//! swapped in only when complete. A failure is injected at the Nth write by a wrapper
//! around the real sled store.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use fourroads::domain::call::AuditEntry;
use fourroads::domain::{Call, Case, Clock, Customer, Id, QueueEntry, Road};
use fourroads::store::{
    Actor, CallDetail, CasePage, CaseRow, Counters, CustomerContext, Dashboard, ReviewPage,
    ReviewQuery, SledStore, Store, StoreError, StoreResult, WrapUpResult, demo,
};
use fourroads::transfer::{generate, import, staging};
use support::fixed_now;

/// The real store, whose writes fail from the `fail_at`-th on (as a full disk would).
struct Failing<'a> {
    inner: &'a dyn Store,
    writes: AtomicUsize,
    fail_at: usize,
}

impl<'a> Failing<'a> {
    fn new(inner: &'a dyn Store, fail_at: usize) -> Failing<'a> {
        Failing {
            inner,
            writes: AtomicUsize::new(0),
            fail_at,
        }
    }

    fn write(&self) -> StoreResult<()> {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 >= self.fail_at {
            return Err(StoreError::Rule("injected: the disk is full".into()));
        }
        Ok(())
    }
}

impl Store for Failing<'_> {
    fn counters(&self) -> StoreResult<Counters> {
        self.inner.counters()
    }
    fn put_customer(&self, customer: &Customer) -> StoreResult<()> {
        self.write()?;
        self.inner.put_customer(customer)
    }
    fn customer(&self, id: Id) -> StoreResult<Option<Customer>> {
        self.inner.customer(id)
    }
    fn queue_entries(&self) -> StoreResult<(Vec<QueueEntry>, u64)> {
        self.inner.queue_entries()
    }
    fn start_call(&self, call: &Call) -> StoreResult<()> {
        self.write()?;
        self.inner.start_call(call)
    }
    fn update_call(&self, call: &Call, actor: &Actor) -> StoreResult<()> {
        self.write()?;
        self.inner.update_call(call, actor)
    }
    fn save_notes(&self, call_id: Id, text: &str) -> StoreResult<()> {
        self.write()?;
        self.inner.save_notes(call_id, text)
    }
    fn notes(&self, call_id: Id) -> StoreResult<String> {
        self.inner.notes(call_id)
    }
    fn call(&self, call_id: Id) -> StoreResult<Option<Call>> {
        self.inner.call(call_id)
    }
    fn open_call_for(&self, customer_id: Id) -> StoreResult<Option<Call>> {
        self.inner.open_call_for(customer_id)
    }
    fn wrap_up_call(&self, call: &Call, notes: &str, actor: &Actor) -> StoreResult<WrapUpResult> {
        self.write()?;
        self.inner.wrap_up_call(call, notes, actor)
    }
    fn customer_context(&self, id: Id, limit: usize) -> StoreResult<Option<CustomerContext>> {
        self.inner.customer_context(id, limit)
    }
    fn audit_for(&self, subject: Id) -> StoreResult<Vec<AuditEntry>> {
        self.inner.audit_for(subject)
    }
    fn flush(&self) -> StoreResult<()> {
        self.inner.flush()
    }
    fn cases_of(&self, customer_id: Id) -> StoreResult<Vec<Case>> {
        self.inner.cases_of(customer_id)
    }
    fn all_customers(&self) -> StoreResult<Vec<Customer>> {
        self.inner.all_customers()
    }
    fn edit_customer(
        &self,
        customer_id: Id,
        edit: &fourroads::domain::customer_edit::CustomerEdit,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        self.write()?;
        self.inner.edit_customer(customer_id, edit, actor)
    }
    fn set_do_not_contact(
        &self,
        customer_id: Id,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        self.write()?;
        self.inner.set_do_not_contact(customer_id, reason, actor)
    }
    fn merge_preview(
        &self,
        duplicate: Id,
        keep: Id,
    ) -> StoreResult<fourroads::store::MergePreview> {
        self.inner.merge_preview(duplicate, keep)
    }
    fn merge_customers(
        &self,
        duplicate: Id,
        keep: Id,
        actor: &Actor,
    ) -> StoreResult<fourroads::store::MergeResult> {
        self.write()?;
        self.inner.merge_customers(duplicate, keep, actor)
    }
    fn reassign_case(
        &self,
        case_id: Id,
        owner: &str,
        actor: &Actor,
    ) -> StoreResult<fourroads::store::CaseRow> {
        self.write()?;
        self.inner.reassign_case(case_id, owner, actor)
    }
    fn review_page(
        &self,
        query: &ReviewQuery,
        after: Option<&fourroads::store::PageCursor>,
        limit: usize,
    ) -> StoreResult<ReviewPage> {
        self.inner.review_page(query, after, limit)
    }
    fn call_detail(&self, call_id: Id) -> StoreResult<Option<CallDetail>> {
        self.inner.call_detail(call_id)
    }
    fn review_call(&self, id: Id, road: Road, comment: &str, actor: &Actor) -> StoreResult<Call> {
        self.write()?;
        self.inner.review_call(id, road, comment, actor)
    }
    fn blind_pick(&self, id: Id, road: Road, actor: &Actor) -> StoreResult<Call> {
        self.write()?;
        self.inner.blind_pick(id, road, actor)
    }
    fn acknowledge_review(&self, call_id: Id, actor: &Actor) -> StoreResult<Call> {
        self.write()?;
        self.inner.acknowledge_review(call_id, actor)
    }
    fn search(&self, query: &str, limit: usize) -> StoreResult<fourroads::store::SearchResults> {
        self.inner.search(query, limit)
    }
    fn count_review_matches(
        &self,
        query: &fourroads::store::ReviewQuery,
        after: Option<&fourroads::store::PageCursor>,
    ) -> StoreResult<fourroads::store::MatchCount> {
        self.inner.count_review_matches(query, after)
    }
    fn open_cases(
        &self,
        after: Option<&fourroads::store::PageCursor>,
        limit: usize,
    ) -> StoreResult<CasePage> {
        self.inner.open_cases(after, limit)
    }
    fn set_case_due(
        &self,
        case_id: Id,
        due: jiff::civil::Date,
        actor: &Actor,
    ) -> StoreResult<CaseRow> {
        self.write()?;
        self.inner.set_case_due(case_id, due, actor)
    }
    fn close_case(&self, case_id: Id, note: &str, actor: &Actor) -> StoreResult<CaseRow> {
        self.write()?;
        self.inner.close_case(case_id, note, actor)
    }
    fn reopen_case(&self, case_id: Id, actor: &Actor) -> StoreResult<CaseRow> {
        self.write()?;
        self.inner.reopen_case(case_id, actor)
    }
    fn agents(&self) -> StoreResult<Vec<String>> {
        self.inner.agents()
    }
    fn dashboard(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        today: jiff::civil::Date,
    ) -> StoreResult<Dashboard> {
        self.inner.dashboard(from, to, today)
    }
}

fn open(path: &std::path::Path) -> SledStore {
    SledStore::open_in_zone(path, jiff::tz::TimeZone::UTC).unwrap()
}

/// What a user could see of a store: every record, as a backup writes them.
fn contents(store: &SledStore) -> Vec<String> {
    let mut out = Vec::new();
    fourroads::transfer::backup::write_to(store, &mut out, fixed_now()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Without the header (its time) and the checksum over it.
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

fn no_leftovers(dir: &std::path::Path) {
    for inside in [".next", "db.old"] {
        assert!(!dir.join("store").join(inside).exists(), "{inside} left");
    }
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "left beside the store: {names:?}");
}

#[test]
fn demo_force_that_fails_part_way_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::fixed(fixed_now());
    let mut store = open(&dir.path().join("store"));
    demo::load(&store, &clock).unwrap();
    let before = contents(&store);
    let counters = store.counters().unwrap();

    // The injected failure is real: straight into the store it leaves phantoms (a call
    // still open, customers without their calls).
    let control = open(&dir.path().join("control"));
    demo::load(&control, &clock).unwrap();
    assert!(demo::load(&Failing::new(&control, 150), &clock).is_err());
    assert_ne!(contents(&control), before, "the control store was changed");
    drop(control);
    std::fs::remove_dir_all(dir.path().join("control")).unwrap();

    // Part-way at several points: after a few customers, inside a call (started, not
    // wrapped up), inside a review.
    for fail_at in [1, 30, 150, 151, 400] {
        let result = staging::replace(&mut store, true, |fresh| {
            demo::load(&Failing::new(fresh, fail_at), &clock)
        });
        let error = result.unwrap_err().to_string();
        assert!(error.contains("injected"), "{error}");
        assert_eq!(contents(&store), before, "failing at write {fail_at}");
        assert_eq!(store.counters().unwrap(), counters);
        assert_eq!(store.counters().unwrap().open_calls, 0);
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        no_leftovers(dir.path());
    }

    // And when nothing fails, the demo is added once more.
    let loaded = staging::replace(&mut store, true, |fresh| demo::load(fresh, &clock)).unwrap();
    assert_eq!(
        store.counters().unwrap().customers,
        2 * loaded.customers as u64
    );
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    no_leftovers(dir.path());
}

#[test]
fn an_import_that_fails_part_way_adds_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("store"));
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    let first = store.all_customers().unwrap().remove(0);
    let mut csv = String::from("name,phone,segment\n");
    // An update of an existing customer first, then new ones.
    csv.push_str(&format!(
        "{},{},Changed segment\n",
        first.name,
        first.phone.clone().unwrap_or_default()
    ));
    for n in 0..100 {
        csv.push_str(&format!("Imported Person {n},+44 7700 9{n:05}\n"));
    }
    let parsed = import::parse("people.csv", csv.as_bytes(), fixed_now()).unwrap();
    let before = contents(&store);
    let error = staging::replace(&mut store, true, |fresh| {
        import::apply(
            &Failing::new(fresh, 60),
            &parsed,
            fixed_now(),
            &mut |_, _| {},
        )
    })
    .unwrap_err()
    .to_string();
    assert!(error.contains("injected"), "{error}");
    assert_eq!(contents(&store), before);
    no_leftovers(dir.path());

    let summary = staging::replace(&mut store, true, |fresh| {
        import::apply(fresh, &parsed, fixed_now(), &mut |_, _| {})
    })
    .unwrap();
    assert_eq!(summary.added, 100);
    assert_eq!(store.counters().unwrap().customers, 144);
}

#[test]
fn a_gen_that_fails_at_the_end_leaves_the_store_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("store"));
    let request = generate::GenRequest {
        customers: 50,
        calls: 300,
        seed: 7,
        agents: 3,
    };
    let result: Result<(), StoreError> = staging::replace(&mut store, true, |fresh| {
        generate::generate(fresh, &request, &mut |_, _, _| {})?;
        Err(StoreError::Rule("injected: the disk is full".into()))
    });
    assert!(result.is_err());
    assert!(!store.has_records());
    no_leftovers(dir.path());
    let generated = staging::replace(&mut store, true, |fresh| {
        generate::generate(fresh, &request, &mut |_, _, _| {})
    })
    .unwrap();
    assert_eq!(store.counters().unwrap().calls, generated.calls as u64);
}
