//! Sync: the orchestration between this workstation's store and the team hub (SPEC §12).
//! One sync sends the notes typed since they last travelled, covers records no operation
//! covers yet (a store that worked alone before it joined), pushes this workstation's
//! unsent operations in batches (idempotent: a batch sent twice adds nothing), pulls what
//! the other workstations pushed, page by page from where the last pull stopped, and makes
//! every customer touched on either side again from the operations. Each step is saved as
//! it goes, so a sync cut off anywhere resumes where it stopped and loses nothing.
//!
//! Below the runtime, above the store and the hub: it knows neither screens nor SQL.

pub mod background;

use crate::domain::Id;
use crate::domain::member::Member;
use crate::hub::{Hub, HubError, Seen, Whoami, within};
use crate::store::{SledStore, StoreError, StoreResult};

/// Operations per push and per pull page: a push is one hub transaction, a pull page one
/// store transaction; both stay small enough to keep memory flat on a large join.
pub const BATCH: usize = 1_000;

/// Operations per pull page: larger than a push, since each page costs the hub a round
/// of queries and the store a transaction (a few megabytes of operations at most).
pub const PULL_PAGE: usize = 5_000;

/// Which part of a sync is under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Making operations for records that have none yet.
    Covering,
    Sending,
    Receiving,
    /// Making customers' records again from their operations.
    Applying,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Covering => "preparing",
            Stage::Sending => "sending",
            Stage::Receiving => "receiving",
            Stage::Applying => "applying",
        }
    }
}

/// How far a sync has come, for a progress line or the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    /// The whole sync's share done, 0–100 (each stage weighs the same).
    pub fn percent(&self) -> u8 {
        let stage = match self.stage {
            Stage::Covering => 0,
            Stage::Sending => 1,
            Stage::Receiving => 2,
            Stage::Applying => 3,
        };
        let within = (self.done.min(self.total) * 25)
            .checked_div(self.total)
            .unwrap_or(0);
        (stage * 25 + within).min(100) as u8
    }
}

/// What one sync did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// This workstation's operations the hub did not have before.
    pub sent: u64,
    /// Other workstations' operations this store did not have before.
    pub received: u64,
    /// Customers whose records were made again.
    pub customers: u64,
    /// Rows from the hub this store holds set aside (not taken in), after this sync.
    pub set_aside: u64,
    /// This store found itself a copy of another workstation's and became this one.
    pub new_workstation: Option<Id>,
}

/// Who this workstation is at the hub, and whether that changed with this sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// `None`: the hub's owner, bringing history in as it is.
    pub member: Option<Member>,
    /// The hub's record differs from what the store held before this sync.
    pub changed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Hub(#[from] HubError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("this store is not in a team; run `fourroads team join URL` first")]
    NotInTeam,
    #[error(
        "the hub's schema is version {hub}, older than this fourroads needs ({ours}); run `fourroads team init URL` to update it"
    )]
    OlderHub { hub: i32, ours: i32 },
    #[error(
        "this store holds {count} change{s} made before it joined by someone else (such as {example}) that only a lead may send, and you are {you} at the hub: join from a new store, or have the hub's owner bring this one in (`fourroads team join` with the owner's login, then `fourroads team add {login} … --workstation ID`)",
        s = if *count == 1 { "" } else { "s" }
    )]
    LeadWorkOfOthers {
        count: u64,
        example: String,
        you: String,
        login: String,
    },
}

/// One sync of `store` with `hub`; `progress` hears how far it has come. Safe while the
/// app writes to the store meanwhile (the background sync).
pub async fn sync_once(
    store: &SledStore,
    hub: &mut Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    once_as_itself(store, hub, progress, false).await
}

/// A sync; a store that finds itself a copy of another workstation's (see
/// `SledStore::become_a_workstation_of_its_own`) becomes a workstation of its own and
/// syncs again, so that its own changes still reach the team.
async fn once_as_itself(
    store: &SledStore,
    hub: &mut Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
    alone: bool,
) -> Result<Report, SyncError> {
    match sync_with(store, hub, progress, alone).await {
        Err(SyncError::Hub(HubError::Copied(why))) => {
            tracing::warn!("{why}");
            let new = store.become_a_workstation_of_its_own()?;
            let mut report = sync_with(store, hub, progress, alone).await?;
            report.new_workstation = Some(new);
            Ok(report)
        }
        done => done,
    }
}

/// As `sync_once`, for a process that holds the store alone (a `team` command): a store
/// with no records yet makes the hub's customers in bulk (much faster on a large hub).
pub async fn sync_alone(
    store: &SledStore,
    hub: &mut Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    once_as_itself(store, hub, progress, true).await
}

async fn sync_with(
    store: &SledStore,
    hub: &mut Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
    alone: bool,
) -> Result<Report, SyncError> {
    check_hub(hub).await?;
    let me = store.workstation()?;
    identify(store, hub).await?;
    hub.within("registering this workstation", hub.register(me))
        .await?;
    let mut report = Report::default();
    store.flush_dirty_notes()?;
    // A store whose records are not all operations yet (it worked alone, or was restored
    // from a backup) first takes what the hub has: covering then makes operations only for
    // what the team does not hold already, and none for calls other workstations took.
    report.received += receive_and_cover(store, hub, me, progress).await?;

    let to_send = store.sync_state()?.unsent;
    let mut sent = 0;
    loop {
        let ops = store.unsent_ops(BATCH)?;
        if ops.is_empty() {
            break;
        }
        let url = hub.url().to_string();
        report.sent += within(&url, "taking this workstation's changes", hub.push(&ops))
            .await?
            .added;
        store.mark_sent(&ops)?;
        sent += ops.len() as u64;
        progress(Progress {
            stage: Stage::Sending,
            done: sent,
            total: to_send.max(sent),
        });
    }

    report.received += receive(store, hub, me, progress).await?;

    let mut applying = |done, total| {
        progress(Progress {
            stage: Stage::Applying,
            done,
            total,
        })
    };
    report.customers = if alone {
        store.redo_pending_alone(&mut applying)?
    } else {
        store.redo_pending(&mut applying)?
    } as u64;
    store.set_last_sync(jiff::Timestamp::now())?;
    crate::store::Store::flush(store)?;
    hub.within("noting the sync", hub.synced(me)).await?;
    report.set_aside = store.set_aside_count();
    Ok(report)
}

/// For a store whose records are not all operations yet: what the hub has first, then
/// operations for the rest. Returns how many operations were new here.
async fn receive_and_cover(
    store: &SledStore,
    hub: &mut Hub,
    me: Id,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<u64, SyncError> {
    if store.covered()? {
        return Ok(0);
    }
    let received = receive(store, hub, me, progress).await?;
    store.cover_records(&mut |done, total| {
        progress(Progress {
            stage: Stage::Covering,
            done,
            total,
        })
    })?;
    Ok(received)
}

/// Pulls everything the hub has past this store's position and keeps it (the customers
/// it touches wait to be made again). Returns how many operations were new here.
async fn receive(
    store: &SledStore,
    hub: &mut Hub,
    me: Id,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<u64, SyncError> {
    let mut seen = Seen(store.seen()?);
    // This workstation's own operations are here already.
    let own = store.sent_seq()?;
    if seen.get(me) < own {
        seen.0.insert(me, own);
    }
    let to_receive = waiting(hub, &seen, me).await?;
    let mut received = 0;
    let mut kept_total = 0;
    let writer = store.pulled_writer();
    // What an older fourroads set aside and this one can read.
    let retaken = store.retake_set_aside()?;
    if !retaken.is_empty() {
        kept_total += writer.store(&retaken, &seen.0)? as u64;
    }
    // Each page is kept on a blocking thread while the next one is pulled, so the hub's
    // round trips and the decoding overlap the store's writes. One page at most is in
    // flight, and pages are kept in order: a cut-off sync resumes after the last one kept.
    let mut keeping: Option<tokio::task::JoinHandle<StoreResult<usize>>> = None;
    loop {
        let page = hub
            .within("sending the team's changes", hub.pull(&seen, PULL_PAGE))
            .await;
        if let Some(kept) = keeping.take() {
            kept_total += finish(kept).await? as u64;
        }
        let page = page?;
        // Before the page's position is saved with its operations: a cut-off sync pulls
        // the page again and sets the same rows aside again, once.
        store.keep_set_aside(&page.set_aside)?;
        let foreign: Vec<_> = page
            .ops
            .into_iter()
            .filter(|op| op.workstation != me)
            .collect();
        received += foreign.len() as u64;
        let (writer, pulled_to) = (writer.clone(), page.seen.0.clone());
        keeping = Some(tokio::task::spawn_blocking(move || {
            writer.store(&foreign, &pulled_to)
        }));
        seen = page.seen;
        progress(Progress {
            stage: Stage::Receiving,
            done: received,
            total: to_receive.max(received),
        });
        if !page.more {
            break;
        }
    }
    if let Some(kept) = keeping.take() {
        kept_total += finish(kept).await? as u64;
    }
    Ok(kept_total)
}

/// Who this workstation is at the hub: kept in the store, so that its changes carry the
/// hub's name and role for the login (see `SledStore::identity`).
pub async fn identify(store: &SledStore, hub: &Hub) -> Result<Identity, SyncError> {
    let member = match hub.within("saying who you are", hub.whoami()).await? {
        Whoami::Member(member) => Some(member),
        Whoami::Owner { .. } => None,
    };
    let before = store.identity()?;
    let changed = before != member;
    if changed {
        store.set_identity(member.as_ref())?;
    }
    Ok(Identity { member, changed })
}

/// Waits for a page kept on a blocking thread; a panic there goes on here.
async fn finish(kept: tokio::task::JoinHandle<StoreResult<usize>>) -> Result<usize, SyncError> {
    match kept.await {
        Ok(result) => Ok(result?),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(SyncError::Store(StoreError::Rule(format!(
            "keeping pulled changes stopped: {e}"
        )))),
    }
}

/// Refuses a hub without our schema, or with an older or newer one.
async fn check_hub(hub: &Hub) -> Result<(), SyncError> {
    let version = hub.within("reading its schema", hub.check_schema()).await?;
    if version < crate::hub::SCHEMA_VERSION {
        return Err(SyncError::OlderHub {
            hub: version,
            ours: crate::hub::SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// How many operations of other workstations the hub holds past `seen`.
async fn waiting(hub: &Hub, seen: &Seen, me: Id) -> Result<u64, HubError> {
    Ok(hub
        .within("listing the workstations", hub.workstations())
        .await?
        .iter()
        .filter(|w| w.id != me)
        .map(|w| w.changes.saturating_sub(seen.get(w.id)))
        .sum())
}

/// Connects to the hub this store is in (the password from `PGPASSWORD` or the password
/// file, never from the store).
pub async fn connect(store: &SledStore) -> Result<Hub, SyncError> {
    let url = store.hub_url()?.ok_or(SyncError::NotInTeam)?;
    Ok(Hub::connect(&url).await?)
}

/// Attaches `store` to the hub at `url` (kept without its password) and makes the first
/// sync: everything this store has goes up, everything else comes down. For a process
/// that holds the store alone (see `sync_alone`).
pub async fn join(
    store: &SledStore,
    url: &str,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let mut hub = Hub::connect(url).await?;
    check_hub(&hub).await?;
    let who = hub.within("saying who you are", hub.whoami()).await?;
    let me = store.workstation()?;
    let shown = crate::hub::redact_url(url);
    let another = store.joins_another_hub(&shown)?;
    store.join_hub(&shown)?;
    // What the team holds first, so that covering this store's records makes operations
    // only for what is this store's own (named as the records name their authors).
    let received = receive_and_cover(store, &mut hub, me, progress).await?;
    if let Whoami::Member(member) = who {
        // What this store made before it joined goes to the team as the joining person's
        // work, since the hub takes nothing else from their login; work only a lead may
        // make cannot go that way from an agent's login.
        let foreign = store.foreign_unsent(&shown, &member)?;
        if foreign.lead_only > 0 {
            if another {
                store.set_hub_url(None)?;
            }
            return Err(SyncError::LeadWorkOfOthers {
                count: foreign.lead_only,
                example: foreign.example.unwrap_or_else(|| "nobody named".into()),
                you: member.describe(),
                login: member.login.clone(),
            });
        }
        store.adopt_unsent(&shown, &member)?;
    }
    // Only now, once the store may join as this login: a refused join leaves the
    // workstation free for whoever brings it in.
    hub.within("registering this workstation", hub.register(me))
        .await?;
    let mut report = sync_alone(store, &mut hub, progress).await?;
    report.received += received;
    Ok(report)
}
