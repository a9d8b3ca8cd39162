//! The team sync as the header says it (SPEC §12): `synced 4s ago`, `syncing 45%`,
//! `offline · 12 to send`. The runtime's background sync reports; a sync that brought
//! other workstations' changes reloads the queue and the customer shown.

use jiff::Timestamp;

use super::{Effect, State, View};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TeamSync {
    Synced {
        at: Timestamp,
    },
    Syncing {
        percent: u8,
    },
    Offline {
        unsent: u64,
    },
    /// A sync has heard nothing from the hub for a few seconds (it goes on waiting).
    NotAnswering {
        unsent: u64,
    },
}

impl TeamSync {
    /// The words for the header, as of `now`.
    pub fn label(&self, now: Timestamp) -> String {
        match self {
            TeamSync::Syncing { percent } => format!("syncing {percent}%"),
            TeamSync::Offline { unsent: 0 } => "offline".into(),
            TeamSync::Offline { unsent } => format!("offline · {unsent} to send"),
            TeamSync::NotAnswering { unsent: 0 } => "hub not answering".into(),
            TeamSync::NotAnswering { unsent } => {
                format!("hub not answering · {unsent} to send")
            }
            TeamSync::Synced { at } => {
                let seconds = (now.as_second() - at.as_second()).max(0);
                match seconds {
                    0..=59 => format!("synced {seconds}s ago"),
                    60..=3_599 => format!("synced {}m ago", seconds / 60),
                    _ => format!("synced {}h ago", seconds / 3_600),
                }
            }
        }
    }
}

/// Whether this store is in a team (the runtime says so before the first sync ends).
pub(super) fn in_team(state: &State) -> bool {
    state.team_sync.is_some()
}

/// The hub's record of who this workstation's person is: their name on new calls and
/// their role from now on (the store stamps its changes with the same record).
pub(super) fn identified(state: &mut State, member: crate::domain::member::Member) -> Vec<Effect> {
    if state.agent == member.name && state.role == member.role {
        return Vec::new();
    }
    state.agent = member.name.clone();
    state.role = member.role;
    state.info(format!(
        "You are {}, as the hub records login {}.",
        member.describe(),
        member.login
    ));
    Vec::new()
}

/// A report from the background sync; `changed`: records changed under the screens.
/// What is on screen reloads without taking away what the user is doing: the queue
/// keeps its selection, the review list keeps the selected call and its detail. While a
/// prompt or a form is open over the review list it is left alone: it reloads with the
/// next change or when the view is opened again.
pub(super) fn reported(state: &mut State, sync: TeamSync, changed: bool) -> Vec<Effect> {
    state.team_sync = Some(sync);
    if !changed {
        return Vec::new();
    }
    let mut effects = vec![Effect::LoadQueue];
    if let Some(customer) = state.context.as_ref().map(|c| c.customer.id) {
        effects.push(Effect::LoadContext(customer));
    }
    match state.view {
        View::Review if state.overlay.is_none() => effects.extend(super::review::refresh(state)),
        View::Dashboard => effects.extend(super::dashboard::reload(state)),
        _ => {}
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_says_the_sync_state_in_words() {
        let now: Timestamp = "2026-11-20T15:00:00Z".parse().unwrap();
        let ago = |s: i64| TeamSync::Synced {
            at: now - jiff::SignedDuration::from_secs(s),
        };
        assert_eq!(ago(4).label(now), "synced 4s ago");
        assert_eq!(ago(125).label(now), "synced 2m ago");
        assert_eq!(TeamSync::Syncing { percent: 45 }.label(now), "syncing 45%");
        assert_eq!(
            TeamSync::Offline { unsent: 12 }.label(now),
            "offline · 12 to send"
        );
    }

    #[test]
    fn changes_from_the_team_reload_the_queue_and_nothing_else_does() {
        let now: Timestamp = "2026-11-20T15:00:00Z".parse().unwrap();
        let mut state = State::new(
            "Priya",
            crate::domain::call::Role::Agent,
            "store",
            crate::domain::Clock::fixed(now),
        );
        assert!(reported(&mut state, TeamSync::Syncing { percent: 10 }, false).is_empty());
        assert_eq!(
            reported(&mut state, TeamSync::Synced { at: now }, true),
            vec![Effect::LoadQueue]
        );
        assert_eq!(state.team_sync, Some(TeamSync::Synced { at: now }));
    }
}
