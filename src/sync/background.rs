//! The sync the app runs in the background (SPEC §12): at start, as soon as this
//! workstation has made a change to send (the store says so when the change commits;
//! also looked for every [`LOCAL_EVERY`]), when the hub's LISTEN wake-up says another
//! workstation pushed, and every [`PULL_EVERY`] as the fallback. It reports each state
//! in words for the header and never waits on typing: the store's own writes go on while
//! it runs, and a call's notes typed meanwhile are never replaced (see the store's
//! `apply`).

use std::sync::Arc;
use std::time::Duration;

use crate::hub::Listener;
use crate::store::SledStore;

use super::{SyncError, connect, sync_once};

/// How often this workstation's unsent changes are looked for (a meta read, no network).
pub const LOCAL_EVERY: Duration = Duration::from_secs(2);
/// The periodic pull, for when a wake-up was missed.
pub const PULL_EVERY: Duration = Duration::from_secs(30);
/// After a failed sync, the next try waits this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(10);
/// A sync that hears nothing from the hub for this long says so in the header (it goes on
/// until the hub's deadline, `hub::answer_within`).
pub const QUIET_AFTER: Duration = Duration::from_secs(5);

/// What the header shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Syncing {
        percent: u8,
    },
    /// Done; `received` changes came from others (the screens reload when any did).
    Synced {
        received: u64,
    },
    /// How many changes from the hub this store holds set aside (reported when it changes).
    SetAside(u64),
    /// A sync under way has heard nothing from the hub for [`QUIET_AFTER`].
    NotAnswering {
        unsent: u64,
    },
    /// The hub cannot be reached; `unsent` changes wait here.
    Offline {
        unsent: u64,
        reason: String,
    },
    /// The hub's record of who this workstation is changed (a lead made a lead, a name
    /// corrected): the app shows and acts as the new one.
    Member(crate::domain::member::Member),
}

/// How often the loop looks on its own; the defaults are the constants above.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub local_every: Duration,
    pub pull_every: Duration,
    pub retry_after: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            local_every: LOCAL_EVERY,
            pull_every: PULL_EVERY,
            retry_after: RETRY_AFTER,
        }
    }
}

/// Runs until the runtime ends. `report` hears every status.
pub async fn run(store: Arc<SledStore>, report: Arc<dyn Fn(Status) + Send + Sync>) {
    run_with(store, report, Timing::default()).await
}

/// As [`run`], looking on its own as often as `timing` says.
pub async fn run_with(
    store: Arc<SledStore>,
    report: Arc<dyn Fn(Status) + Send + Sync>,
    timing: Timing,
) {
    let mut listener: Option<Listener> = None;
    let mut set_aside = 0;
    let mut next_pull = tokio::time::Instant::now();
    // After a failure, not again before this (the header says offline meanwhile).
    let mut retry_at = tokio::time::Instant::now();
    loop {
        let now = tokio::time::Instant::now();
        let due = now >= retry_at
            && (now >= next_pull || store.sync_state().map(|s| s.unsent > 0).unwrap_or(false));
        if due {
            let mut last = None;
            // When the hub last answered, in milliseconds into this sync.
            let began = tokio::time::Instant::now();
            let heard = std::sync::atomic::AtomicU64::new(0);
            let hear = || {
                let at = began.elapsed().as_millis() as u64;
                heard.store(at, std::sync::atomic::Ordering::Relaxed);
            };
            let sync = async {
                let mut hub = connect(&store).await?;
                hear();
                if let Ok(super::Identity {
                    member: Some(member),
                    changed: true,
                }) = super::identify(&store, &hub).await
                {
                    report(Status::Member(member));
                }
                hear();
                sync_once(&store, &mut hub, &mut |p| {
                    hear();
                    let percent = p.percent();
                    if last != Some(percent) {
                        last = Some(percent);
                        report(Status::Syncing { percent });
                    }
                })
                .await
            };
            tokio::pin!(sync);
            let mut said = false;
            let outcome = loop {
                tokio::select! {
                    done = &mut sync => break done,
                    _ = tokio::time::sleep(QUIET_AFTER / 5) => {
                        let at = began.elapsed().as_millis() as u64;
                        let quiet = at.saturating_sub(heard.load(std::sync::atomic::Ordering::Relaxed));
                        if !said && quiet >= QUIET_AFTER.as_millis() as u64 {
                            said = true;
                            let unsent = store.sync_state().map(|s| s.unsent).unwrap_or(0);
                            report(Status::NotAnswering { unsent });
                        }
                    }
                }
            };
            match outcome {
                Ok(done) => {
                    if done.set_aside != set_aside {
                        set_aside = done.set_aside;
                        report(Status::SetAside(set_aside));
                    }
                    report(Status::Synced {
                        received: done.received,
                    })
                }
                Err(e) => {
                    tracing::warn!("background sync: {e}");
                    let unsent = store.sync_state().map(|s| s.unsent).unwrap_or(0);
                    report(Status::Offline {
                        unsent,
                        reason: one_line(&e),
                    });
                    listener = None;
                    retry_at = tokio::time::Instant::now() + timing.retry_after;
                }
            }
            next_pull = tokio::time::Instant::now() + timing.pull_every;
        }
        if listener.is_none()
            && tokio::time::Instant::now() >= retry_at
            && let Ok(Some(url)) = store.hub_url()
        {
            listener = Listener::connect(&url).await.ok();
        }
        let woken = async {
            match &mut listener {
                Some(l) => l.next().await.is_some(),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            alive = woken => {
                if alive {
                    next_pull = tokio::time::Instant::now();
                } else {
                    listener = None;
                    retry_at = tokio::time::Instant::now() + timing.retry_after;
                }
            }
            // A change made here: the loop's next turn sends it.
            _ = store.changes_to_send() => {}
            _ = tokio::time::sleep(timing.local_every) => {}
        }
        if let Some(l) = &mut listener
            && l.drain()
        {
            next_pull = tokio::time::Instant::now();
        }
    }
}

fn one_line(e: &SyncError) -> String {
    e.to_string().lines().collect::<Vec<_>>().join(" ")
}
