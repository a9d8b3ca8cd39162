//! The app in a team (SPEC §12): the header's words for the team sync as the background
//! sync reports them (`synced 4s ago`, `syncing 45%`, `offline · 12 to send`) beside the
//! user's name, none of it for a store not in a team; and another agent's open call,
//! arrived from their workstation, is not resumed here.

mod support;

use fourroads::app::Action;
use fourroads::app::team_sync::TeamSync;
use fourroads::store::Store;
use jiff::SignedDuration;
use support::{Harness, fixed_now};

fn header(h: &mut Harness) -> String {
    h.render(80, 24)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_header_says_the_sync_state_in_words_beside_the_name() {
    let mut h = Harness::with_demo();
    let alone = header(&mut h);
    assert!(
        !alone.contains("sync") && !alone.contains("offline"),
        "{alone}"
    );
    h.dispatch(Action::TeamSync {
        sync: TeamSync::Syncing { percent: 45 },
        changed: false,
    });
    assert!(header(&mut h).contains("syncing 45%"), "{}", header(&mut h));
    h.dispatch(Action::TeamSync {
        sync: TeamSync::Synced {
            at: fixed_now() - SignedDuration::from_secs(4),
        },
        changed: true,
    });
    let line = header(&mut h);
    assert!(line.contains("synced 4s ago"), "{line}");
    assert!(line.contains("Priya Shah"), "the name stays: {line}");
    assert!(
        h.render(120, 40)
            .lines()
            .next()
            .unwrap()
            .contains("Priya Shah (agent)")
    );
    h.dispatch(Action::TeamSync {
        sync: TeamSync::Offline { unsent: 12 },
        changed: false,
    });
    assert!(header(&mut h).contains("offline · 12 to send"));
}

/// A call another agent has open (it arrived from their workstation) is theirs: Enter on
/// the customer does not resume it here, and says who is on the call.
#[test]
fn another_agents_open_call_is_not_resumed_here() {
    use fourroads::store::Store;
    let mut h = Harness::with_demo();
    h.find("helen");
    let customer = h.state.queue.selected_id().unwrap();
    let theirs = fourroads::domain::Call::new(
        customer,
        "Sam Elsewhere",
        fourroads::domain::CallReason::Inbound,
        fixed_now(),
    );
    h.store.start_call(&theirs).unwrap();
    h.press("enter");
    assert!(h.state.call.is_none(), "not resumed");
    let message = h.message();
    assert!(
        message.contains("Sam Elsewhere is on a call with Helen Marsh"),
        "{message}"
    );
    assert!(
        h.store.open_call_for(customer).unwrap().is_some(),
        "theirs stays open"
    );
}

/// A lead's blind pick that differs from the agent's road travels before its reason: the
/// agent, seeing it in F3, is told who owes the reason, not asked for it; the lead who
/// picked is.
#[test]
fn an_owed_reason_is_asked_of_the_lead_who_picked_and_only_named_to_the_agent() {
    use fourroads::domain::call::Role;
    use fourroads::store::{Actor, Store};
    let mut agent = Harness::with_demo_as("Priya Shah", Role::Agent);
    agent.press("f3");
    let call = agent
        .state
        .review
        .selected_call()
        .expect("one of Priya's calls")
        .clone();
    let other = match call.road {
        Some(fourroads::domain::Road::Learn) => fourroads::domain::Road::Care,
        _ => fourroads::domain::Road::Learn,
    };
    let lead = Actor {
        who: "Lena Lead".into(),
        role: Role::Lead,
        reason: String::new(),
        at: fixed_now(),
    };
    agent.store.blind_pick(call.id, other, &lead).unwrap();
    agent.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at: fixed_now() },
        changed: true,
    });
    let screen = agent.render(120, 40);
    assert!(
        screen.contains("Reason owed: Lena Lead has not yet said why"),
        "{screen}"
    );
    assert!(!screen.contains("your road differs"), "{screen}");
}

/// An app on an empty store that joined a team, as the runtime starts it: in a team
/// before the first sync ends.
fn empty_in_a_team() -> Harness {
    let mut h = Harness::empty();
    h.store
        .join_hub("postgres://priya@db.example/team")
        .unwrap();
    h.dispatch(Action::TeamSync {
        sync: TeamSync::Syncing { percent: 0 },
        changed: false,
    });
    h
}

/// Demo data is only for a store on its own (SPEC §12): in a team the welcome screen does
/// not offer it, nor does the empty queue, its key does nothing, and the store refuses it
/// anyway.
#[test]
fn a_store_in_a_team_is_never_offered_demo_data() {
    let mut h = empty_in_a_team();
    let screen = h.render(80, 24);
    assert!(screen.contains("Welcome to fourroads"), "{screen}");
    assert!(
        screen.contains("the team's customers arrive as it syncs"),
        "{screen}"
    );
    assert!(
        !screen.to_lowercase().contains("demo"),
        "the welcome offers no demo data in a team:\n{screen}"
    );
    h.press("d");
    assert_eq!(h.store.counters().unwrap().customers, 0);
    // Past the welcome screen, the empty queue does not offer it either.
    h.press("esc");
    let screen = h.render(120, 40);
    assert!(!screen.to_lowercase().contains("demo"), "{screen}");
    h.press("d");
    assert_eq!(h.store.counters().unwrap().customers, 0);
    // And the store itself refuses, whoever asks.
    let refused = fourroads::store::demo::load(&h.store, &fourroads::domain::Clock::system());
    assert!(
        refused.is_err_and(|e| e.to_string().contains("in a team")),
        "demo data loaded into a store in a team"
    );
    assert_eq!(h.store.counters().unwrap().customers, 0);
}

/// The welcome screen says the store is empty: when the team's customers arrive by sync
/// while it is up, it goes, and the queue shows them.
#[test]
fn the_welcome_goes_when_the_teams_customers_arrive() {
    let mut h = empty_in_a_team();
    assert!(h.render(80, 24).contains("Welcome to fourroads"));
    // What a sync that brought customers does to the records, then its report.
    let customer = fourroads::domain::NewCustomer {
        name: "Moira Cattanach".into(),
        ..Default::default()
    }
    .validate(fixed_now(), "omar")
    .unwrap();
    h.store.put_customer(&customer).unwrap();
    h.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at: fixed_now() },
        changed: true,
    });
    let screen = h.render(80, 24);
    assert!(!screen.contains("Welcome to fourroads"), "{screen}");
    assert!(!screen.contains("store is empty"), "{screen}");
    assert!(screen.contains("Moira Cattanach"), "{screen}");
}
