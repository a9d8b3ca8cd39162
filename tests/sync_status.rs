//! The team sync as a user sees it: the title bar's words, and what happens on screen
//! when changes from other workstations arrive (no dialog, nothing taken away).

mod support;

use fourroads::app::Action;
use fourroads::app::team_sync::TeamSync;
use fourroads::domain::call::Role;
use jiff::SignedDuration;
use support::Harness;

fn title(app: &mut Harness, width: u16) -> String {
    app.render(width, 24)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_title_bar_says_the_sync_state_in_words_at_80_columns() {
    let mut app = Harness::with_demo();
    // Not in a team: the title is as it always was.
    assert!(!title(&mut app, 80).contains("sync"));
    let at = app.now - SignedDuration::from_secs(4);
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at },
        changed: false,
    });
    let line = title(&mut app, 80);
    assert!(line.contains("synced 4s ago"), "{line}");
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Offline { unsent: 12 },
        changed: false,
    });
    let line = title(&mut app, 80);
    assert!(line.contains("offline · 12 to send"), "{line}");
    // The view tabs are never pushed out by it.
    assert!(line.contains("F4 Dashboard"), "{line}");
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Syncing { percent: 45 },
        changed: false,
    });
    assert!(title(&mut app, 80).contains("syncing 45%"));
    // Wider, the name is there too.
    let wide = title(&mut app, 160);
    assert!(wide.contains("syncing 45% · Priya Shah (agent)"), "{wide}");
}

#[test]
fn changes_arriving_keep_the_leads_selected_call_and_its_detail() {
    let mut app = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    app.press("f3");
    app.press("j");
    app.press("j");
    let chosen = app.state.review.selected_call().map(|c| c.id);
    assert!(chosen.is_some());
    assert!(app.state.review.detail.is_some());
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at: app.now },
        changed: true,
    });
    assert_eq!(app.state.review.selected_call().map(|c| c.id), chosen);
    assert_eq!(
        app.state.review.detail.as_ref().map(|d| d.call.id),
        chosen,
        "the detail the lead was reading stays"
    );
}

#[test]
fn changes_arriving_under_an_open_prompt_leave_it_alone() {
    let mut app = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    app.press("f3");
    app.press(":");
    assert!(app.state.overlay.is_some());
    let before = app.effects.len();
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at: app.now },
        changed: true,
    });
    assert!(app.state.overlay.is_some(), "the palette is still open");
    let reloads: Vec<_> = app.effects[before..]
        .iter()
        .map(|e| format!("{e:?}"))
        .collect();
    assert!(
        !reloads.iter().any(|e| e.starts_with("LoadReviewPage")),
        "{reloads:?}"
    );
    // Nothing arrived: nothing reloads.
    let before = app.effects.len();
    app.dispatch(Action::TeamSync {
        sync: TeamSync::Synced { at: app.now },
        changed: false,
    });
    assert_eq!(app.effects.len(), before);
}
