//! The team sync as the title bar tells it (SPEC §12): a few words, never a dialog.
//! The runtime's sync task reports what it is doing; network trouble only changes the
//! words. Changes that arrived from the team reload what the user is looking at without
//! taking away what they are doing.

use jiff::Timestamp;

use super::{Effect, State, View, review};

/// What the sync is doing, as last reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SyncStatus {
    /// The store is not in a team: nothing to say.
    #[default]
    Alone,
    /// In a team; the first sync of this session has not finished.
    Connecting,
    /// A sync is moving many changes; how far it has got.
    Syncing { percent: u8 },
    /// The last sync finished at `at`; `to_send` changes were made since.
    Synced { at: Timestamp, to_send: u64 },
    /// The hub cannot be reached; `to_send` changes wait for it.
    Offline { to_send: u64 },
}

impl SyncStatus {
    /// The words for the title bar, `None` when there is no team.
    pub fn words(&self, now: Timestamp) -> Option<String> {
        Some(match self {
            SyncStatus::Alone => return None,
            SyncStatus::Connecting => "connecting to the team…".into(),
            SyncStatus::Syncing { percent } => format!("syncing {percent}%"),
            SyncStatus::Synced { at, to_send } => {
                let ago = (now.as_second() - at.as_second()).max(0);
                let when = match ago {
                    0..=59 => format!("{ago}s ago"),
                    60..=3599 => format!("{}m ago", ago / 60),
                    _ => format!("{}h ago", ago / 3600),
                };
                match to_send {
                    0 => format!("synced {when}"),
                    n => format!("synced {when} · {n} to send"),
                }
            }
            SyncStatus::Offline { to_send: 0 } => "offline".into(),
            SyncStatus::Offline { to_send } => format!("offline · {to_send} to send"),
        })
    }

    /// Whether the words need a team hub's attention (shown like a warning).
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncStatus::Offline { .. })
    }
}

/// The sync task's latest report.
pub(super) fn reported(state: &mut State, status: SyncStatus) -> Vec<Effect> {
    state.sync = status;
    Vec::new()
}

/// Changes from other workstations are in the store: reload what is on screen. The
/// queue keeps its selection; the review list keeps the selected call. While a prompt or
/// a form is open over the review list it is left alone: it reloads with the next change
/// or when the view is opened again.
pub(super) fn arrived(state: &mut State, changes: u64) -> Vec<Effect> {
    if changes == 0 {
        return Vec::new();
    }
    let mut effects = vec![Effect::LoadQueue];
    match state.view {
        View::Review if state.overlay.is_none() => effects.extend(review::refresh(state)),
        View::Dashboard => effects.extend(super::dashboard::reload(state)),
        _ => {}
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_says_the_state_in_words() {
        let now = Timestamp::from_second(1_763_600_000).unwrap();
        let ago = |s: i64| Timestamp::from_second(1_763_600_000 - s).unwrap();
        assert_eq!(SyncStatus::Alone.words(now), None);
        let synced = |s, n| {
            SyncStatus::Synced {
                at: ago(s),
                to_send: n,
            }
            .words(now)
        };
        assert_eq!(synced(4, 0).as_deref(), Some("synced 4s ago"));
        assert_eq!(synced(125, 0).as_deref(), Some("synced 2m ago"));
        assert_eq!(
            synced(7300, 3).as_deref(),
            Some("synced 2h ago · 3 to send")
        );
        // A clock that went back never reads as the future.
        assert_eq!(synced(-30, 0).as_deref(), Some("synced 0s ago"));
        assert_eq!(
            SyncStatus::Syncing { percent: 45 }.words(now).as_deref(),
            Some("syncing 45%")
        );
        assert_eq!(
            SyncStatus::Offline { to_send: 12 }.words(now).as_deref(),
            Some("offline · 12 to send")
        );
        assert!(SyncStatus::Offline { to_send: 0 }.is_offline());
    }
}
