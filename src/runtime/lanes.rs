//! The store lanes: three threads, each running its effects in the order they were asked
//! for, so that one slow piece of work never holds up another kind.
//!
//! - **writes**: the agent's notes and every small write (open, update and wrap up a
//!   call, customers, reviews, cases). Notes never queue behind a load or a report, and
//!   an autosave can never land after the wrap-up that followed it (same lane, in order).
//! - **loads**: the queue, customer context, review pages, call detail, cases, agents.
//! - **reports**: the dashboard, summary exports (user templates may run long) and the
//!   demo data.
//!
//! Writes never wait for anything else. A load or report waits for the writes asked
//! before it (so the dashboard asked right after a wrap-up counts that call), never for
//! later ones.
//!
//! The lanes keep the text of every notes save not yet confirmed by the store, so that
//! quitting can rescue it ([`Lanes::finish`] waits for the writes lane only up to a
//! deadline), and they note what each lane is busy with, for the watchdog
//! ([`Lanes::stalls`]). Nothing here touches the terminal: it is driven the same way by
//! the runtime and by tests.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::effects;
use crate::app::{Action, Effect};
use crate::domain::{Clock, Id};
use crate::store::Store;

/// Where results go (the runtime's event channel, or a test's).
pub type Sink = Arc<dyn Fn(Action) + Send + Sync>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneId {
    Writes,
    Loads,
    Reports,
}

/// Which lane runs `effect`; `None` for `Quit`, which [`Lanes::finish`] carries out.
pub fn lane_of(effect: &Effect) -> Option<LaneId> {
    Some(match effect {
        Effect::OpenCall { .. }
        | Effect::UpdateCall(_)
        | Effect::SaveNotes { .. }
        | Effect::WrapUp { .. }
        | Effect::SaveCustomer { .. }
        | Effect::SaveReview { .. }
        | Effect::AcknowledgeReview { .. }
        | Effect::ChangeCase { .. }
        | Effect::ChangeCustomer { .. }
        | Effect::ReassignCase { .. } => LaneId::Writes,
        Effect::LoadQueue
        | Effect::LoadContext(_)
        | Effect::LoadReviewPage { .. }
        | Effect::LoadCallDetail(_)
        | Effect::LoadCases { .. }
        | Effect::LoadAgents
        | Effect::PreviewMerge { .. }
        | Effect::Search { .. } => LaneId::Loads,
        // Counting the review list's matches may walk an index a stretch at a time.
        Effect::LoadDashboard { .. }
        | Effect::ExportSummary { .. }
        | Effect::LoadDemo
        | Effect::CountReviewMatches { .. }
        | Effect::BuildRoadModel { .. }
        | Effect::CountSuggestionAgreement { .. } => LaneId::Reports,
        Effect::Quit => return None,
    })
}

/// What an effect is doing, as the message line says it.
pub fn describe(effect: &Effect) -> &'static str {
    match effect {
        Effect::LoadQueue => "Loading the customers",
        Effect::LoadContext(_) => "Loading the customer",
        Effect::OpenCall { .. } => "Opening the call",
        Effect::UpdateCall(_) => "Saving the call",
        Effect::SaveNotes { .. } => describe_notes(),
        Effect::WrapUp { .. } => "Wrapping up the call",
        Effect::SaveCustomer { .. } => "Saving the customer",
        Effect::LoadDemo => "Loading the demo data",
        Effect::LoadReviewPage { .. } => "Loading the review list",
        Effect::LoadCallDetail(_) => "Loading the call",
        Effect::SaveReview { .. } => "Saving the review",
        Effect::AcknowledgeReview { .. } => "Saving the acknowledgement",
        Effect::LoadCases { .. } => "Loading the open cases",
        Effect::ChangeCase { .. } | Effect::ReassignCase { .. } => "Saving the case",
        Effect::ChangeCustomer { .. } => "Saving the customer",
        Effect::PreviewMerge { .. } => "Counting what the merge moves",
        Effect::LoadAgents => "Listing the agents",
        Effect::Search { .. } => "Searching",
        Effect::LoadDashboard { .. } => "Computing the dashboard",
        Effect::ExportSummary { .. } => "Writing the summary",
        Effect::CountReviewMatches { .. } => "Counting the matching calls",
        Effect::BuildRoadModel { .. } => "Learning the team's roads",
        Effect::CountSuggestionAgreement { .. } => "Comparing suggestions with reviews",
        Effect::Quit => "Writing everything to disk",
    }
}

/// A job that has run longer than the watchdog allows (reported once per job).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    pub lane: LaneId,
    pub what: &'static str,
    pub seconds: u64,
}

/// Notes handed to the store and not confirmed on disk yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsavedNotes {
    pub call_id: Id,
    pub revision: u64,
    pub text: String,
}

/// How quitting went.
#[derive(Debug, PartialEq, Eq)]
pub struct Finish {
    /// The writes lane ran everything asked before quitting and the store flushed.
    pub flushed: bool,
    /// Why the flush failed, when the store answered with an error.
    pub flush_error: Option<String>,
    /// Notes the store never confirmed, oldest call first.
    pub unsaved: Vec<UnsavedNotes>,
    /// Other writes still queued or running, as [`describe`] says them.
    pub pending: Vec<&'static str>,
    /// Loads and reports that had been running for [`STUCK_AFTER`] or more.
    pub stuck: Vec<&'static str>,
}

/// A load or report running this long counts as stuck (the watchdog says so, and so
/// does the line printed when the app leaves).
pub const STUCK_AFTER: Duration = Duration::from_secs(5);

enum Job {
    /// An effect, to run once the writes lane has done `after` writes.
    Run {
        effect: Box<Effect>,
        after: u64,
    },
    Flush(Sender<Result<(), String>>),
}

/// How many writes were handed to the writes lane, and how many it has done. A load or
/// report waits for the writes asked before it (the dashboard right after a wrap-up
/// counts that call), never for later ones; writes never wait for anything.
#[derive(Default)]
struct WritesDone {
    counts: Mutex<(u64, u64)>,
    changed: Condvar,
}

impl WritesDone {
    fn submitted(&self) -> u64 {
        let mut counts = lock(&self.counts);
        counts.0 += 1;
        counts.0
    }

    fn asked(&self) -> u64 {
        lock(&self.counts).0
    }

    fn one_done(&self) {
        lock(&self.counts).1 += 1;
        self.changed.notify_all();
    }

    fn wait_for(&self, after: u64) {
        let mut counts = lock(&self.counts);
        while counts.1 < after {
            counts = self
                .changed
                .wait(counts)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

struct Busy {
    what: &'static str,
    since: Instant,
    reported: bool,
}

struct Lane {
    id: LaneId,
    jobs: Sender<Job>,
    busy: Arc<Mutex<Option<Busy>>>,
    /// What is queued or running, oldest first.
    queued: Arc<Mutex<VecDeque<&'static str>>>,
}

type Unsaved = Arc<Mutex<BTreeMap<Id, UnsavedNotes>>>;

/// The three lanes, started together on one store.
pub struct Lanes {
    lanes: [Lane; 3],
    unsaved: Unsaved,
    writes_done: Arc<WritesDone>,
}

/// A poisoned lock only means a lane thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Lanes {
    pub fn start(store: Arc<dyn Store>, tz: jiff::tz::TimeZone, sink: Sink) -> Lanes {
        let unsaved: Unsaved = Arc::default();
        let writes_done: Arc<WritesDone> = Arc::default();
        let lane = |id| {
            let (jobs, rx) = mpsc::channel();
            let busy = Arc::new(Mutex::new(None));
            let queued = Arc::new(Mutex::new(VecDeque::new()));
            let worker = Worker {
                store: store.clone(),
                tz: tz.clone(),
                sink: sink.clone(),
                busy: busy.clone(),
                queued: queued.clone(),
                unsaved: unsaved.clone(),
                writes_done: (id == LaneId::Writes).then(|| writes_done.clone()),
                waits_for: (id != LaneId::Writes).then(|| writes_done.clone()),
            };
            let name = format!("store-{id:?}").to_lowercase();
            let spawned = std::thread::Builder::new()
                .name(name)
                .spawn(move || worker.run(rx));
            if let Err(e) = spawned {
                // The sender's receiver is gone with the closure: submits report failure.
                tracing::error!("could not start a store lane: {e}");
            }
            Lane {
                id,
                jobs,
                busy,
                queued,
            }
        };
        Lanes {
            lanes: [
                lane(LaneId::Writes),
                lane(LaneId::Loads),
                lane(LaneId::Reports),
            ],
            unsaved,
            writes_done,
        }
    }

    fn lane(&self, id: LaneId) -> &Lane {
        match id {
            LaneId::Writes => &self.lanes[0],
            LaneId::Loads => &self.lanes[1],
            LaneId::Reports => &self.lanes[2],
        }
    }

    /// Queues `effect` on its lane. `Quit` is ignored here: call [`Lanes::finish`].
    /// False when the lane is gone (its thread could not start).
    pub fn submit(&self, effect: Effect) -> bool {
        let Some(id) = lane_of(&effect) else {
            return true;
        };
        let mut effect = effect;
        if let Effect::SaveNotes {
            call_id,
            text,
            revision,
        } = &mut effect
        {
            // The text waits here, not in the queue: a lane stuck while typing goes on
            // holds one copy of the notes and saves only the newest. The newest asked
            // always wins: revisions rise within one opening of a call, and a call opened
            // again (on this lane, so after its earlier saves) starts from this text.
            let text = std::mem::take(text);
            lock(&self.unsaved).insert(
                *call_id,
                UnsavedNotes {
                    call_id: *call_id,
                    revision: *revision,
                    text,
                },
            );
        }
        let lane = self.lane(id);
        let after = if id == LaneId::Writes {
            self.writes_done.submitted();
            0
        } else {
            self.writes_done.asked()
        };
        lock(&lane.queued).push_back(describe(&effect));
        let effect = Box::new(effect);
        lane.jobs.send(Job::Run { effect, after }).is_ok()
    }

    /// Whether any lane is working on something (the runtime then wakes for the
    /// watchdog).
    pub fn any_busy(&self) -> bool {
        self.lanes.iter().any(|lane| lock(&lane.busy).is_some())
    }

    /// Jobs running longer than `after` (the writes lane: `writes_after`), each reported
    /// only once.
    pub fn stalls(&self, after: Duration, writes_after: Duration) -> Vec<Stall> {
        let mut stalls = Vec::new();
        for lane in &self.lanes {
            let limit = if lane.id == LaneId::Writes {
                writes_after
            } else {
                after
            };
            let mut busy = lock(&lane.busy);
            if let Some(job) = busy.as_mut()
                && !job.reported
                && job.since.elapsed() >= limit
            {
                job.reported = true;
                stalls.push(Stall {
                    lane: lane.id,
                    what: job.what,
                    seconds: job.since.elapsed().as_secs(),
                });
            }
        }
        stalls
    }

    /// Notes not confirmed on disk yet.
    pub fn unsaved_notes(&self) -> Vec<UnsavedNotes> {
        lock(&self.unsaved).values().cloned().collect()
    }

    /// Waits, at most `deadline`, for the writes lane to run everything queued before
    /// and flush the store. Loads and reports are not waited for: loads write nothing,
    /// and an export (or a demo load) still running when the agent quits is given up.
    pub fn finish(&self, deadline: Duration) -> Finish {
        let (reply, answer) = mpsc::channel();
        let sent = self
            .lane(LaneId::Writes)
            .jobs
            .send(Job::Flush(reply))
            .is_ok();
        let (flushed, flush_error) = match sent.then(|| answer.recv_timeout(deadline)) {
            Some(Ok(Ok(()))) => (true, None),
            Some(Ok(Err(e))) => (false, Some(e)),
            _ => (false, None),
        };
        let pending = lock(&self.lane(LaneId::Writes).queued)
            .iter()
            .copied()
            .filter(|&what| what != describe_notes())
            .collect();
        let stuck = self
            .lanes
            .iter()
            .filter(|lane| lane.id != LaneId::Writes)
            .filter_map(|lane| {
                lock(&lane.busy)
                    .as_ref()
                    .filter(|job| job.since.elapsed() >= STUCK_AFTER)
                    .map(|job| job.what)
            })
            .collect();
        Finish {
            flushed,
            flush_error,
            unsaved: self.unsaved_notes(),
            pending,
            stuck,
        }
    }
}

/// One lane's thread.
struct Worker {
    store: Arc<dyn Store>,
    tz: jiff::tz::TimeZone,
    sink: Sink,
    busy: Arc<Mutex<Option<Busy>>>,
    queued: Arc<Mutex<VecDeque<&'static str>>>,
    unsaved: Unsaved,
    /// The writes lane counts its writes here…
    writes_done: Option<Arc<WritesDone>>,
    /// …and the other lanes wait on it.
    waits_for: Option<Arc<WritesDone>>,
}

fn describe_notes() -> &'static str {
    "Saving the notes"
}

impl Worker {
    fn run(self, jobs: Receiver<Job>) {
        for job in jobs {
            match job {
                Job::Run { effect, after } => {
                    let Some(effect) = self.newest_notes(*effect) else {
                        lock(&self.queued).pop_front();
                        self.count_write();
                        continue;
                    };
                    *lock(&self.busy) = Some(Busy {
                        what: describe(&effect),
                        since: Instant::now(),
                        reported: false,
                    });
                    if let Some(writes) = &self.waits_for {
                        writes.wait_for(after);
                    }
                    let clock = Clock {
                        now: Timestamp::now(),
                        tz: self.tz.clone(),
                    };
                    let actions = effects::execute(self.store.as_ref(), effect, &clock);
                    *lock(&self.busy) = None;
                    lock(&self.queued).pop_front();
                    for mut action in actions {
                        self.confirm(&mut action);
                        (self.sink)(action);
                    }
                    self.count_write();
                }
                Job::Flush(reply) => {
                    *lock(&self.busy) = Some(Busy {
                        what: describe(&Effect::Quit),
                        since: Instant::now(),
                        reported: false,
                    });
                    let flushed = self.store.flush().map_err(|e| e.to_string());
                    *lock(&self.busy) = None;
                    let _ = reply.send(flushed);
                }
            }
        }
    }

    fn count_write(&self) {
        if let Some(writes) = &self.writes_done {
            writes.one_done();
        }
    }

    /// A notes save takes the newest text handed in for its call; `None` when the store
    /// has already confirmed it (nothing left to save).
    fn newest_notes(&self, effect: Effect) -> Option<Effect> {
        let Effect::SaveNotes { call_id, .. } = effect else {
            return Some(effect);
        };
        let unsaved = lock(&self.unsaved);
        let newest = unsaved.get(&call_id)?;
        Some(Effect::SaveNotes {
            call_id,
            text: newest.text.clone(),
            revision: newest.revision,
        })
    }

    /// Forgets notes the store has confirmed; a call opened again gets back the notes
    /// the store never took.
    fn confirm(&self, action: &mut Action) {
        let mut unsaved = lock(&self.unsaved);
        match action {
            Action::CallOpened {
                call,
                notes,
                unsaved: newer,
                ..
            } => {
                if let Some(kept) = unsaved.get(&call.id) {
                    *notes = kept.text.clone();
                    *newer = true;
                }
            }
            Action::NotesSaved { call_id, revision }
                if unsaved
                    .get(call_id)
                    .is_some_and(|u| u.revision <= *revision) =>
            {
                unsaved.remove(call_id);
            }
            // The wrap-up wrote the final notes in its own transaction.
            Action::CallWrappedUp { call, .. } => {
                unsaved.remove(&call.id);
            }
            _ => {}
        }
    }
}
