//! Headless flows through the Review and Dashboard views: keys go through the real keymap
//! and reducer, effects run on a real store holding the demo data, on a fixed clock.

mod support;

use fourroads::app::{Overlay, ReviewTab, View};
use fourroads::domain::call::Role;
use fourroads::domain::stats::{kappa_text, percent_text};
use fourroads::domain::{CaseStatus, Road};
use fourroads::store::Store;
use support::Harness;

const LEAD: &str = "Jordan Reyes";

fn lead() -> Harness {
    Harness::with_demo_as(LEAD, Role::Lead)
}

fn selected_road(app: &Harness) -> Road {
    app.state.review.selected_call().unwrap().road.unwrap()
}

fn other_road(road: Road) -> Road {
    if road == Road::Teach {
        Road::Care
    } else {
        Road::Teach
    }
}

fn key_for(road: Road) -> String {
    road.number().to_string()
}

#[test]
fn review_three_calls_then_the_dashboard_shows_the_new_agreement() {
    let mut app = lead();
    // The dashboard before: same period (last 30 days) as the review list.
    app.press("f4");
    let mut expected = app
        .state
        .dashboard
        .figures
        .as_ref()
        .unwrap()
        .overall
        .agreement;
    app.press("f3");
    assert_eq!(app.state.view, View::Review);
    assert!(app.state.review.filters.unreviewed_only);
    let first = app.state.review.selected_call().unwrap().clone();

    // 1. Agree: one key saves it.
    let road = selected_road(&app);
    app.press(&key_for(road));
    expected.add(road, road, 1);
    assert!(app.message().contains("you agree"), "{}", app.message());
    assert!(app.state.overlay.is_none());

    // 2. Next unreviewed, disagree: the blind pick is saved at once (before the agent's
    // road is shown), then the reason is asked for and required.
    app.press("n");
    let second = app.state.review.selected_call().unwrap().clone();
    assert_ne!(second.id, first.id);
    let agent_road = selected_road(&app);
    app.press(&key_for(other_road(agent_road)));
    let picked = app.store.call(second.id).unwrap().unwrap().review.unwrap();
    assert_eq!(picked.road, other_road(agent_road));
    assert!(picked.comment.is_empty(), "the reason is owed");
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
    app.press("enter");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("the prompt stays open without a reason");
    };
    assert!(
        prompt
            .error
            .as_deref()
            .unwrap()
            .contains("reason is required")
    );
    app.type_text("She wanted to be shown how");
    app.press("enter");
    assert!(app.state.overlay.is_none());
    expected.add(agent_road, other_road(agent_road), 1);
    let saved = app.store.call(second.id).unwrap().unwrap();
    assert_eq!(saved.review.unwrap().road, other_road(agent_road));
    let audit = app.store.audit_for(second.id).unwrap();
    assert_eq!(audit.last().unwrap().reason, "She wanted to be shown how");

    // 3. Skip: n moves on without saving anything.
    app.press("n");
    let third = app.state.review.selected_call().unwrap().clone();
    app.press("n");
    assert_ne!(app.state.review.selected_call().unwrap().id, third.id);
    assert!(app.store.call(third.id).unwrap().unwrap().review.is_none());

    // The dashboard shows the agreement the three decisions make.
    app.press("f4");
    let figures = app.state.dashboard.figures.as_ref().unwrap();
    assert_eq!(figures.overall.agreement, expected);
    let screen = app.render(120, 40);
    let line = format!(
        "Everyone: {} agree · {}",
        percent_text(expected.percent()),
        kappa_text(expected.kappa())
    );
    assert!(screen.contains(&line), "{line} not in\n{screen}");
    assert!(screen.contains(&format!("({} reviewed calls)", expected.total())));
}

#[test]
fn blind_review_hides_the_agents_road_until_the_lead_chooses() {
    let mut app = lead();
    app.press("f3");
    let road = selected_road(&app);
    let screen = app.render(120, 40);
    assert!(screen.contains("hidden until you choose"));
    assert!(!screen.contains(&format!("Agent's road: {road}")));
    app.press(&key_for(road));
    let screen = app.render(120, 40);
    assert!(
        screen.contains(&format!("Agent's road: {road}")),
        "{screen}"
    );

    // With blind review off, the road shows from the start.
    let mut open = lead();
    open.state.review.blind = false;
    open.press("f3");
    let road = selected_road(&open);
    assert!(
        open.render(120, 40)
            .contains(&format!("Agent's road: {road}"))
    );
}

#[test]
fn escape_from_the_reason_keeps_the_blind_pick_and_the_reason_owed() {
    let mut app = lead();
    app.press("f3");
    let call = app.state.review.selected_call().unwrap().clone();
    let mine = other_road(call.road.unwrap());
    app.press(&key_for(mine));
    app.press("esc");
    assert!(app.state.overlay.is_none());
    assert!(
        app.message().contains("reason is still owed"),
        "{}",
        app.message()
    );
    let stored = app.store.call(call.id).unwrap().unwrap();
    assert_eq!(stored.review.as_ref().unwrap().road, mine);
    let screen = app.render(120, 40);
    assert!(screen.contains("Reason owed"), "{screen}");
    // Probing another road now needs a reason: the first pick cannot be walked back
    // to agreement without one.
    app.press(&key_for(other_road(mine)));
    if call.road != Some(other_road(mine)) {
        assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
        app.press("esc");
    }
    let stored = app.store.call(call.id).unwrap().unwrap();
    assert!(stored.review.is_some());
}

#[test]
fn nothing_reveals_the_agents_road_before_the_lead_saves_one() {
    let mut app = lead();
    app.press("f3");
    let call = app.state.review.selected_call().unwrap().clone();
    let agent_road = call.road.unwrap();
    let labels: Vec<String> = Road::ALL.iter().map(|r| r.label()).collect();
    // The list row and the detail say "hidden", and no road appears on the row.
    let screen = app.render(120, 40);
    assert!(screen.contains("hidden until you choose"), "{screen}");
    assert!(!screen.contains(&format!("Agent's road: {agent_road}")));
    // Pressing a road never opens a prompt before the road is saved: had the prompt
    // appeared only for a different road, the lead could probe road after road.
    for road in Road::ALL {
        let mut probe = lead();
        probe.press("f3");
        let id = probe.state.review.selected_call().unwrap().id;
        probe.press(&key_for(road));
        let stored = probe.store.call(id).unwrap().unwrap();
        assert_eq!(
            stored.review.map(|r| r.road),
            Some(road),
            "the first road is saved whatever it is"
        );
    }
    // The agent's-road filter cannot list unreviewed calls by their hidden road.
    let mut filtered = lead();
    filtered.press("f3");
    filtered.press("p"); // this week → … the period does not matter here
    filtered.press("r");
    let rows = &filtered.state.review.calls.rows;
    assert!(!rows.is_empty(), "the demo lead has reviewed road-1 calls");
    assert!(
        filtered.state.review.calls.next.is_none(),
        "one page holds them all"
    );
    assert_eq!(
        filtered.state.review.count.total(),
        Some(rows.len() as u64),
        "the count says no more than the list: it would otherwise tell how many hidden calls took the road"
    );
    assert!(
        rows.iter()
            .all(|r| r.call.review.as_ref().is_some_and(|v| v.lead == LEAD)),
        "only calls this lead has reviewed"
    );
    assert!(
        filtered
            .render(120, 40)
            .contains("agent's road 1 Learn (calls you reviewed)")
    );
    // Another lead's review of the call does not reveal it either.
    let mut other = Harness::with_demo_as("Alex Morgan", Role::Lead);
    other.press("f3");
    let shown = other.state.review.selected_call().unwrap().clone();
    other.state.agent = LEAD.into(); // review it as Jordan, then look as Alex
    other.press(&key_for(other_road(shown.road.unwrap())));
    other.press("esc");
    other.state.agent = "Alex Morgan".into();
    other.press("f2");
    other.press("f3");
    other.press("u");
    for _ in 0..200 {
        if other.state.review.selected_call().unwrap().id == shown.id {
            break;
        }
        other.press("j");
    }
    assert_eq!(other.state.review.selected_call().unwrap().id, shown.id);
    let screen = other.render(120, 40);
    assert!(screen.contains("reviewed by Jordan Reyes;"), "{screen}");
    for label in &labels {
        assert!(
            !screen.contains(&format!("Agent's road: {label}")),
            "{screen}"
        );
    }
    assert!(screen.contains("hidden until you choose"));
}

#[test]
fn a_lead_cannot_review_their_own_call() {
    let mut app = Harness::with_demo_as("Priya Shah", Role::Lead);
    app.press("f3");
    app.press("/");
    app.type_text("agent:priya");
    app.press("enter");
    let call = app.state.review.selected_call().unwrap().clone();
    assert_eq!(call.agent, "Priya Shah");
    app.press(&key_for(call.road.unwrap()));
    assert!(app.message().contains("your own call"), "{}", app.message());
    assert!(app.store.call(call.id).unwrap().unwrap().review.is_none());
    // Nor can the store be asked directly.
    let actor = fourroads::store::Actor {
        who: "Priya Shah".into(),
        role: Role::Lead,
        reason: String::new(),
        at: support::fixed_now(),
    };
    let refused = app
        .store
        .review_call(call.id, call.road.unwrap(), "", &actor)
        .unwrap_err();
    assert!(
        refused.to_string().contains("you took this call"),
        "{refused}"
    );
    assert!(app.store.blind_pick(call.id, Road::Care, &actor).is_err());
}

#[test]
fn an_agent_is_not_told_how_to_become_a_lead() {
    let mut app = Harness::with_demo();
    app.press("f3");
    app.press("u");
    app.press("1");
    let message = app.message();
    assert!(message.contains("Only a team lead"), "{message}");
    assert!(!message.contains("--role"), "{message}");
}

#[test]
fn filters_are_set_from_the_keyboard_and_shown_in_words() {
    let mut app = lead();
    app.press("f3");
    app.press("u");
    assert!(!app.state.review.filters.unreviewed_only);
    app.press("d");
    assert!(app.state.review.filters.disagreements_only);
    app.press("p");
    let rows = &app.state.review.calls.rows;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.call.review.as_ref().unwrap().road != r.call.road.unwrap())
    );
    assert!(
        app.render(120, 40)
            .contains("disagreements · all time · all agents · any road")
    );

    app.press("d");
    app.press("g");
    let agent = app.state.review.filters.agent.clone().unwrap();
    assert!(
        !app.state.review.calls.rows.is_empty(),
        "an empty list passes any .all()"
    );
    assert!(
        app.state
            .review
            .calls
            .rows
            .iter()
            .all(|r| r.call.agent == agent)
    );
    app.press("r");
    assert!(!app.state.review.calls.rows.is_empty());
    assert!(
        app.state
            .review
            .calls
            .rows
            .iter()
            .all(|r| r.call.road == Some(Road::Learn))
    );

    app.press("/");
    app.type_text("from:last-week");
    app.press("enter");
    let Some(Overlay::Prompt(prompt)) = &app.state.overlay else {
        panic!("a bad filter keeps the prompt open");
    };
    assert!(prompt.error.as_deref().unwrap().contains("YYYY-MM-DD"));
    app.press("esc");
    // Eight more presses go round the road filter back to "any road".
    for _ in 0..8 {
        app.press("r");
    }
    assert_eq!(
        app.state.review.filters.road,
        fourroads::app::RoadFilter::Any
    );
    app.press("/");
    app.type_text("#billing");
    app.press("enter");
    let rows = &app.state.review.calls.rows;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.call.tags.iter().any(|t| t == "billing"))
    );
    assert!(app.render(120, 40).contains("#billing"));
}

#[test]
fn scrolling_loads_the_next_page_only_when_needed() {
    let mut app = lead();
    app.press("f3");
    app.press("u");
    app.press("p");
    let total = app.store.counters().unwrap().calls as usize;
    assert!(total > fourroads::app::PAGE_SIZE);
    assert_eq!(app.state.review.calls.rows.len(), fourroads::app::PAGE_SIZE);
    for _ in 0..4 {
        app.press("end");
    }
    assert_eq!(app.state.review.calls.rows.len(), total);
    assert!(app.state.review.calls.next.is_none());
}

#[test]
fn a_lead_closes_reopens_and_moves_a_case() {
    let mut app = lead();
    app.press("f3");
    app.press("o");
    assert_eq!(app.state.review.tab, ReviewTab::Cases);
    let case = app.state.review.cases.selected_row().unwrap().case.clone();
    app.press("x");
    app.press("enter");
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
    app.type_text("Refund confirmed by email");
    app.press("enter");
    let stored: fourroads::store::CaseRow = app.state.review.cases.selected_row().unwrap().clone();
    assert_eq!(stored.case.status, CaseStatus::Closed);
    assert_eq!(
        stored.audit.last().unwrap().reason,
        "Refund confirmed by email"
    );
    app.press("x");
    assert_eq!(
        app.state.review.cases.selected_row().unwrap().case.status,
        CaseStatus::Open
    );
    app.press("]");
    let moved = app.state.review.cases.selected_row().unwrap();
    assert!(moved.case.due > case.due);
    assert_eq!(moved.audit.len(), 3);
    assert!(app.store.check_consistency().unwrap().is_empty());
}

#[test]
fn an_agent_sees_their_own_calls_and_acknowledges_a_review() {
    let mut app = Harness::with_demo_as("Priya Shah", Role::Agent);
    app.press("f3");
    assert!(
        app.state
            .review
            .calls
            .rows
            .iter()
            .all(|r| r.call.agent == "Priya Shah")
    );
    app.press("2");
    assert!(app.message().contains("Only a team lead"));
    let reviewed = app
        .state
        .review
        .calls
        .rows
        .iter()
        .position(|r| r.call.review.is_some())
        .expect("one of Priya's calls has a review");
    for _ in 0..reviewed {
        app.press("j");
    }
    let call = app.state.review.selected_call().unwrap().clone();
    app.press("a");
    let stored = app.store.call(call.id).unwrap().unwrap();
    assert!(stored.review.unwrap().acknowledged_at.is_some());
    assert!(app.message().contains("Acknowledged"));
    assert_eq!(
        app.store.audit_for(call.id).unwrap().last().unwrap().what,
        "review acknowledged"
    );
}

#[test]
fn e_on_the_dashboard_writes_the_summary_and_says_where() {
    let mut app = lead();
    app.press("f4");
    app.press("e");
    let path = app
        .state
        .export_dir
        .join("summary-2026-10-22-to-2026-11-20.md");
    assert!(
        app.message().contains(&path.display().to_string()),
        "{}",
        app.message()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Team summary: 22 Oct – 20 Nov 2026\n"));
    assert!(text.contains("## Review disagreements"));
}

#[test]
fn alt_road_keys_set_the_active_calls_road_from_the_case_list() {
    let mut app = lead();
    app.find("helen");
    app.press("enter");
    assert!(app.state.call.is_some());
    app.press("f3");
    app.press("o");
    assert_eq!(app.state.review.tab, ReviewTab::Cases);
    app.press("alt-2");
    assert_eq!(
        app.state.call.as_ref().unwrap().call.road,
        Some(Road::Care),
        "{}",
        app.message()
    );
    let stored = app
        .store
        .call(app.state.call.as_ref().unwrap().call.id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.road, Some(Road::Care));
}

#[test]
fn at_80x24_the_review_filter_line_shows_every_active_filter() {
    let mut app = lead();
    app.press("f3");
    app.press("/");
    app.type_text("#billing customer:moira refund");
    app.press("enter");
    let screen = app.render(80, 24);
    let joined: String = screen.lines().take(4).collect::<Vec<_>>().join(" ");
    for part in ["#billing", "customer \"moira\"", "notes with \"refund\""] {
        assert!(joined.contains(part), "{part} missing:\n{screen}");
    }
}

#[test]
fn an_export_from_the_review_view_quotes_no_road_hidden_from_the_lead() {
    // Alex has reviewed nothing: every road-1 story would reveal an agent's road.
    let mut app = Harness::with_demo_as("Alex Morgan", Role::Lead);
    app.press("f3");
    app.press("e");
    let dir = app.state.export_dir.clone();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .expect("the summary was written")
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("Blind review"), "{text}");
    let learned = text
        .split("## What we learned")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(
        !learned.contains('“') && !learned.contains("> "),
        "{learned}"
    );
    // The lead of the demo has reviewed calls: their summary quotes those.
    let mut jordan = lead();
    jordan.press("f3");
    jordan.press("e");
    let dir = jordan.state.export_dir.clone();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("Blind review"), "{text}");
}

#[test]
fn the_dashboards_stories_name_no_road_to_a_blind_lead() {
    let mut app = Harness::with_demo_as("Alex Morgan", Role::Lead);
    app.press("f4");
    let figures = app.state.dashboard.figures.clone().unwrap();
    assert!(!figures.stories.is_empty());
    let mut screen = String::new();
    for _ in 0..12 {
        screen.push_str(&app.render(120, 40));
        app.press("pagedown");
    }
    let story = &figures.stories[0];
    let line = screen
        .lines()
        .find(|l| l.contains(&story.customer) && l.contains(&app.state.clock.date_time(story.at)))
        .unwrap_or_else(|| panic!("the story's line:\n{screen}"));
    for road in Road::ALL {
        assert!(!line.contains(&road.label()), "{line}");
    }
    let mut open = Harness::with_demo_as("Alex Morgan", Role::Agent);
    open.press("f4");
    assert!(open.state.dashboard.figures.is_some());
}
