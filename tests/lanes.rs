//! Fault injection for the store lanes: a real sled store wrapped so that tests can make
//! its writes fail (as on a full disk) or block (as when sled deadlocks, or a runaway
//! template keeps a job busy), driven by the real reducer and the real lanes.
//!
//! Every wait is bounded ([`WAIT`]), so a regression fails instead of hanging CI.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use fourroads::app::{Action, Command, Effect, NotesStatus, SaveTrouble, State, update};
use fourroads::domain::call::{AuditEntry, Role};
use fourroads::domain::{Call, Case, Clock, Customer, Id, QueueEntry, Road};
use fourroads::input::Keymap;
use fourroads::runtime::lanes::{Lanes, UnsavedNotes};
use fourroads::runtime::{QUIT_WAIT, shut_down};
use fourroads::store::{
    Actor, CallDetail, CasePage, CaseRow, Counters, CustomerContext, Dashboard, ReviewPage,
    ReviewQuery, SledStore, Store, StoreError, StoreResult, WrapUpResult, demo,
};
use fourroads::ui::{Theme, render};

/// How long any one wait in these tests may take before it counts as a hang.
const WAIT: Duration = Duration::from_secs(20);

/// A gate a store call waits at while it is closed.
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    fn set(&self, closed: bool) {
        *self.closed.lock().unwrap() = closed;
        self.changed.notify_all();
    }

    fn pass(&self) {
        let mut closed = self.closed.lock().unwrap();
        while *closed {
            closed = self.changed.wait(closed).unwrap();
        }
    }
}

/// The real sled store, with faults on demand: `save_notes` can fail like a full disk or
/// block; the heavy reads (queue, dashboard, which the summary export reads) can block.
struct Faulty {
    inner: SledStore,
    fail_notes: AtomicBool,
    notes_gate: Gate,
    heavy_gate: Gate,
}

fn disk_full() -> StoreError {
    StoreError::Sled(sled::Error::Io(std::io::Error::from(
        std::io::ErrorKind::StorageFull,
    )))
}

impl Store for Faulty {
    fn counters(&self) -> StoreResult<Counters> {
        self.inner.counters()
    }
    fn put_customer(&self, customer: &Customer) -> StoreResult<()> {
        self.inner.put_customer(customer)
    }
    fn customer(&self, id: Id) -> StoreResult<Option<Customer>> {
        self.inner.customer(id)
    }
    fn queue_entries(&self) -> StoreResult<(Vec<QueueEntry>, u64)> {
        self.heavy_gate.pass();
        self.inner.queue_entries()
    }
    fn start_call(&self, call: &Call) -> StoreResult<()> {
        self.inner.start_call(call)
    }
    fn update_call(&self, call: &Call, actor: &Actor) -> StoreResult<()> {
        self.inner.update_call(call, actor)
    }
    fn save_notes(&self, call_id: Id, text: &str) -> StoreResult<()> {
        self.notes_gate.pass();
        if self.fail_notes.load(Ordering::SeqCst) {
            return Err(disk_full());
        }
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
        if self.fail_notes.load(Ordering::SeqCst) {
            return Err(disk_full());
        }
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
        self.inner.edit_customer(customer_id, edit, actor)
    }
    fn set_do_not_contact(
        &self,
        customer_id: Id,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Customer> {
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
        self.inner.merge_customers(duplicate, keep, actor)
    }
    fn reassign_case(
        &self,
        case_id: Id,
        owner: &str,
        actor: &Actor,
    ) -> StoreResult<fourroads::store::CaseRow> {
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
        self.inner.review_call(id, road, comment, actor)
    }
    fn acknowledge_review(&self, call_id: Id, actor: &Actor) -> StoreResult<Call> {
        self.inner.acknowledge_review(call_id, actor)
    }
    fn blind_pick(
        &self,
        id: Id,
        road: fourroads::domain::Road,
        actor: &Actor,
    ) -> StoreResult<Call> {
        self.inner.blind_pick(id, road, actor)
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
    fn set_case_due(&self, id: Id, due: jiff::civil::Date, actor: &Actor) -> StoreResult<CaseRow> {
        self.inner.set_case_due(id, due, actor)
    }
    fn close_case(&self, case_id: Id, note: &str, actor: &Actor) -> StoreResult<CaseRow> {
        self.inner.close_case(case_id, note, actor)
    }
    fn reopen_case(&self, case_id: Id, actor: &Actor) -> StoreResult<CaseRow> {
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
        self.heavy_gate.pass();
        self.inner.dashboard(from, to, today)
    }
}

/// Friday 20 November 2026, 15:00 UTC.
fn start_time() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

/// The reducer and the real lanes on a faulty demo store; the test plays the runtime's
/// loop (applying results, firing the autosave timer) with a clock it moves by hand.
struct App {
    state: State,
    lanes: Lanes,
    results: Receiver<Action>,
    store: Arc<Faulty>,
    keymap: Keymap,
    now: Timestamp,
    dir: tempfile::TempDir,
}

impl App {
    fn start() -> App {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let inner = SledStore::open_in_zone(&path, jiff::tz::TimeZone::UTC).unwrap();
        demo::load(&inner, &Clock::fixed(start_time())).unwrap();
        let store = Arc::new(Faulty {
            inner,
            fail_notes: AtomicBool::new(false),
            notes_gate: Gate::default(),
            heavy_gate: Gate::default(),
        });
        let (tx, results) = mpsc::channel();
        let tx = Mutex::new(tx);
        let lanes = Lanes::start(
            store.clone(),
            jiff::tz::TimeZone::UTC,
            Arc::new(move |action| {
                let _ = tx.lock().unwrap().send(action);
            }),
        );
        let label = path.display().to_string();
        let state = State::new(
            "Priya Shah",
            Role::Agent,
            &label,
            Clock::fixed(start_time()),
        );
        let mut app = App {
            state,
            lanes,
            results,
            store,
            keymap: Keymap::default_keymap().unwrap(),
            now: start_time(),
            dir,
        };
        app.apply(Action::Resize {
            width: 120,
            height: 40,
        });
        app.lanes.submit(Effect::LoadQueue);
        app.until("the queue", |a| matches!(a, Action::QueueLoaded { .. }));
        app.apply(Action::Command(Command::StartCall));
        app.until("the call", |a| matches!(a, Action::CallOpened { .. }));
        assert!(app.state.call.is_some(), "a call is open");
        app
    }

    /// Applies an action and hands its effects to the lanes, then checks that the app
    /// never claims saved notes the store does not hold.
    fn apply(&mut self, action: Action) {
        for effect in update(&mut self.state, action, self.now) {
            self.lanes.submit(effect);
        }
        self.check_saved_means_saved();
    }

    fn check_saved_means_saved(&self) {
        let Some(call) = &self.state.call else {
            return;
        };
        if call.notes_status() == NotesStatus::Saved {
            let stored = self.store.inner.notes(call.call.id).unwrap();
            assert_eq!(
                stored,
                call.text(),
                "the header says \"notes saved\" but the store holds other text"
            );
        }
    }

    /// Applies results as they come until one matches `done` (which is applied too).
    fn until(&mut self, what: &str, done: impl Fn(&Action) -> bool) {
        loop {
            let action = self
                .results
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"));
            let found = done(&action);
            self.apply(action);
            if found {
                return;
            }
        }
    }

    /// Applies results until none has come for a moment (the lanes are idle).
    fn settle(&mut self) {
        while let Ok(action) = self.results.recv_timeout(Duration::from_millis(300)) {
            self.apply(action);
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.now += SignedDuration::from_millis(20);
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            let action = fourroads::input::key_action(&self.state, &self.keymap, key).unwrap();
            self.apply(action);
        }
    }

    /// Moves the clock to the autosave (or retry) deadline and fires it.
    fn autosave(&mut self) {
        let deadline = self.state.autosave_deadline().expect("a save is due");
        self.now = self.now.max(deadline);
        self.apply(Action::AutosaveDue);
    }

    fn status(&self) -> NotesStatus {
        self.state.call.as_ref().unwrap().notes_status()
    }

    fn editor_text(&self) -> String {
        self.state.call.as_ref().unwrap().text()
    }

    fn stored_notes(&self) -> String {
        let id = self.state.call.as_ref().unwrap().call.id;
        self.store.inner.notes(id).unwrap()
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|frame| render(frame, &self.state, &Theme::new(true), &self.keymap))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..40 {
            for x in 0..120 {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

/// What the watchdog reports once some lane has picked up its stuck job.
fn stalls_soon(lanes: &Lanes) -> Vec<fourroads::runtime::lanes::Stall> {
    let start = std::time::Instant::now();
    loop {
        let stalls = lanes.stalls(Duration::ZERO, Duration::ZERO);
        if !stalls.is_empty() || start.elapsed() > WAIT {
            return stalls;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn is_notes_result(action: &Action) -> bool {
    matches!(
        action,
        Action::NotesSaved { .. } | Action::NotesNotSaved { .. }
    )
}

#[test]
fn notes_typed_while_the_disk_is_full_are_saved_once_it_recovers() {
    let mut app = App::start();
    app.type_text("Router drops. ");
    app.autosave();
    app.until("the first save", is_notes_result);
    assert_eq!(app.status(), NotesStatus::Saved);
    assert!(app.screen().contains("notes saved"));

    // The disk fills up: the next saves fail.
    app.store.fail_notes.store(true, Ordering::SeqCst);
    app.type_text("Customer says the light blinks red.");
    assert_eq!(app.status(), NotesStatus::Saving);
    app.autosave();
    app.until("the failed save", is_notes_result);
    assert_eq!(app.status(), NotesStatus::NotSaved(SaveTrouble::Failed));
    let screen = app.screen();
    assert!(
        screen.contains("NOT SAVED") && !screen.contains("notes saved"),
        "the header must say the notes are not saved:\n{screen}"
    );
    // It keeps trying, and more typing meanwhile is kept too.
    app.autosave();
    app.until("the retried save", is_notes_result);
    assert_eq!(app.status(), NotesStatus::NotSaved(SaveTrouble::Failed));
    app.type_text(" Sent a new one.");
    app.autosave();
    app.until("another failed save", is_notes_result);
    assert_eq!(app.stored_notes(), "Router drops. ");

    // Space is freed: the next retry saves everything typed in between.
    app.store.fail_notes.store(false, Ordering::SeqCst);
    assert!(
        app.state.autosave_deadline().is_some(),
        "a retry is planned"
    );
    app.autosave();
    app.until("the save after recovery", is_notes_result);
    assert_eq!(app.status(), NotesStatus::Saved);
    assert_eq!(
        app.stored_notes(),
        "Router drops. Customer says the light blinks red. Sent a new one."
    );
    assert_eq!(app.stored_notes(), app.editor_text());
    let message = app
        .state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        message.contains("saved again"),
        "the agent is told: {message:?}"
    );
    assert!(app.screen().contains("notes saved"));
}

#[test]
fn a_stuck_export_and_stuck_loads_do_not_delay_notes_or_quitting() {
    let mut app = App::start();
    app.store.heavy_gate.set(true);
    let (from, to) = (app.state.clock.today(), app.state.clock.today());
    app.lanes.submit(Effect::ExportSummary {
        from,
        to,
        dir: app.dir.path().join("exports"),
        templates: None,
        blind_lead: None,
        own_figures: None,
    });
    app.lanes.submit(Effect::LoadDashboard {
        from,
        to,
        today: to,
        generation: 1,
    });
    app.lanes.submit(Effect::LoadQueue);

    app.type_text("Typed while the export runs.");
    app.autosave();
    app.until("the notes save", is_notes_result);
    assert_eq!(app.status(), NotesStatus::Saved);
    assert_eq!(app.stored_notes(), "Typed while the export runs.");

    // The watchdog names the stuck jobs (the export and the queue load), never the notes.
    let start = std::time::Instant::now();
    let mut named = Vec::new();
    let wanted = ["Loading the customers", "Writing the summary"];
    while !wanted.iter().all(|w| named.contains(w)) && start.elapsed() < WAIT {
        named.extend(stalls_soon(&app.lanes).into_iter().map(|s| s.what));
    }
    assert!(wanted.iter().all(|w| named.contains(w)), "{named:?}");
    assert!(!named.contains(&"Saving the notes"), "{named:?}");
    // A load that never answers (a damaged store) is named in the message line.
    app.apply(Action::StoreSlow {
        what: "Loading the customers".to_string(),
        seconds: 5,
        writes: false,
    });
    let message = app
        .state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        message.starts_with("Loading the customers has not finished after 5 s")
            && message.contains("Ctrl-Q still quits"),
        "{message}"
    );
    assert_eq!(
        app.status(),
        NotesStatus::Saved,
        "a slow load says nothing about notes"
    );

    app.type_text(" And more.");
    app.apply(Action::Command(Command::Quit));
    let finish = app.lanes.finish(QUIT_WAIT);
    assert!(finish.flushed, "quitting is not held up by the export");
    assert!(
        finish.unsaved.is_empty() && finish.pending.is_empty(),
        "{finish:?}"
    );
    assert_eq!(app.stored_notes(), "Typed while the export runs. And more.");
    app.store.heavy_gate.set(false);
}

#[test]
fn quitting_with_a_stuck_store_leaves_and_rescues_the_notes() {
    let mut app = App::start();
    app.type_text("Saved part. ");
    app.autosave();
    app.until("the first save", is_notes_result);

    // sled stops answering (as its flush did after a full disk).
    app.store.notes_gate.set(true);
    app.type_text("Words the store never took.");
    app.autosave();
    // The watchdog names it (other lanes may be busy for a moment too).
    let start = std::time::Instant::now();
    let mut named = Vec::new();
    while !named.contains(&"Saving the notes") && start.elapsed() < WAIT {
        named.extend(stalls_soon(&app.lanes).into_iter().map(|s| s.what));
    }
    assert!(named.contains(&"Saving the notes"), "{named:?}");
    app.apply(Action::StoreSlow {
        what: "Saving the notes".to_string(),
        seconds: 3,
        writes: true,
    });
    assert_eq!(
        app.status(),
        NotesStatus::NotSaved(SaveTrouble::NotAnswering)
    );
    assert!(app.screen().contains("NOT SAVED"));

    // SIGTERM, Ctrl-Q and a closed terminal all end in `shut_down`: it gives up after
    // its deadline (run on a thread here, so that a hang fails the test).
    let text = "Saved part. Words the store never took.";
    let unsaved = UnsavedNotes {
        call_id: app.state.call.as_ref().unwrap().call.id,
        revision: app.state.call.as_ref().unwrap().revision(),
        text: text.to_string(),
    };
    let (done_tx, done) = mpsc::channel();
    let dir = app.dir.path().to_path_buf();
    let store = app.store.clone();
    std::thread::spawn(move || {
        let line = shut_down(&mut app.state, &app.lanes, Duration::from_millis(300));
        let finish = app.lanes.finish(Duration::from_millis(10));
        let _ = done_tx.send((line, finish, app));
    });
    let (line, finish, _app) = done
        .recv_timeout(WAIT)
        .expect("quitting ends within its deadline");
    assert!(!finish.flushed);
    assert_eq!(finish.unsaved, vec![unsaved]);
    let line = line.expect("a line for stderr");
    let rescued = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("rescued-notes"))
        .expect("a rescue file beside the store");
    assert!(line.contains(&rescued.display().to_string()), "{line}");
    assert!(line.contains("did not save the notes"), "{line}");
    assert!(std::fs::read_to_string(&rescued).unwrap().contains(text));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&rescued).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the rescue file is readable by its owner only");
    store.notes_gate.set(false);
}

#[test]
fn notes_of_a_wrap_up_that_failed_come_back_when_the_call_is_resumed() {
    let mut app = App::start();
    let call_id = app.state.call.as_ref().unwrap().call.id;
    app.type_text("Saved part. ");
    app.autosave();
    app.until("the first save", is_notes_result);

    // The disk is full: the wrap-up and its notes fail, and the call leaves the screen.
    app.store.fail_notes.store(true, Ordering::SeqCst);
    app.type_text("Only in memory.");
    app.apply(Action::Command(Command::Road2));
    app.apply(Action::Command(Command::WrapUp));
    assert!(app.state.call.is_none());
    app.until("the failed wrap-up", |a| matches!(a, Action::Failed(_)));
    assert_eq!(app.store.inner.notes(call_id).unwrap(), "Saved part. ");

    // Space is freed; the agent resumes the call: the notes the store never took are
    // back in the editor and saved.
    app.store.fail_notes.store(false, Ordering::SeqCst);
    app.apply(Action::Command(Command::StartCall));
    app.until("the resumed call", |a| {
        matches!(a, Action::CallOpened { .. })
    });
    assert_eq!(app.state.call.as_ref().unwrap().call.id, call_id);
    assert_eq!(app.editor_text(), "Saved part. Only in memory.");
    assert_eq!(app.status(), NotesStatus::Saving);
    app.autosave();
    app.until("the save", is_notes_result);
    assert_eq!(app.status(), NotesStatus::Saved);
    assert_eq!(app.stored_notes(), "Saved part. Only in memory.");
    assert!(app.lanes.unsaved_notes().is_empty());
}

#[test]
fn an_autosave_held_up_never_lands_after_the_wrap_up_that_followed_it() {
    let mut app = App::start();
    let call_id = app.state.call.as_ref().unwrap().call.id;
    // The first save is held inside the store with the older text…
    app.store.notes_gate.set(true);
    app.type_text("Older text.");
    app.autosave();
    let start = std::time::Instant::now();
    let mut named = Vec::new();
    while !named.contains(&"Saving the notes") && start.elapsed() < WAIT {
        named.extend(stalls_soon(&app.lanes).into_iter().map(|s| s.what));
    }
    assert!(
        named.contains(&"Saving the notes"),
        "the save is held: {named:?}"
    );
    // …while the agent finishes the call with more text.
    app.type_text(" Final words.");
    app.apply(Action::Command(Command::Road3));
    app.apply(Action::Command(Command::WrapUp));
    app.store.notes_gate.set(false);
    app.until("the wrap-up", |a| matches!(a, Action::CallWrappedUp { .. }));
    let finish = app.lanes.finish(WAIT);
    assert!(finish.flushed && finish.unsaved.is_empty(), "{finish:?}");
    assert_eq!(
        app.store.inner.notes(call_id).unwrap(),
        "Older text. Final words."
    );
    let call = app.store.inner.call(call_id).unwrap().unwrap();
    assert!(call.ended_at.is_some(), "the call is wrapped up");
}

#[test]
fn a_load_asked_after_a_write_sees_it_even_when_the_write_is_held_up() {
    let mut app = App::start();
    let customer_id = app.state.call.as_ref().unwrap().call.customer_id;
    app.type_text("Fixed it.");
    app.apply(Action::Command(Command::Road3));
    app.settle();
    // The wrap-up's notes save is held inside the store…
    app.store.notes_gate.set(true);
    app.apply(Action::Command(Command::WrapUp));
    // …and the agent asks for the queue right away (as F2 or a refresh would).
    app.lanes.submit(Effect::LoadQueue);
    std::thread::sleep(Duration::from_millis(50));
    app.store.notes_gate.set(false);
    let (tx, rx) = mpsc::channel();
    loop {
        let action = app
            .results
            .recv_timeout(WAIT)
            .expect("the queue loads once the wrap-up is done");
        if let Action::QueueLoaded { entries, .. } = &action {
            let entry = entries.iter().find(|e| e.customer_id == customer_id);
            let _ = tx.send(entry.map(|e| e.open_call));
            break;
        }
    }
    assert_eq!(
        rx.recv().unwrap(),
        Some(false),
        "the queue loaded after the wrap-up was asked for still shows the call open"
    );
}
