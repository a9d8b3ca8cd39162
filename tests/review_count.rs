//! The review list says how many calls match its filters (issue 9, item 16): the count
//! comes off the UI task (from the daily tallies, or a walk of the same index range as
//! the list, a stretch at a time), a count for old filters is dropped, and "counting…"
//! shows until it arrives.

mod support;

use fourroads::app::{Action, Command, Effect, update};
use fourroads::domain::call::Role;
use fourroads::runtime::effects::execute;
use fourroads::store::{ReviewQuery, SledStore, Store};
use fourroads::transfer::generate::{GenRequest, end, generate};
use support::Harness;

const LEAD: &str = "Jordan Reyes";

/// Every call the list would show for `query`, page after page.
fn listed(store: &dyn Store, query: &ReviewQuery) -> u64 {
    let mut total = 0;
    let mut after: Option<fourroads::store::PageCursor> = None;
    loop {
        let page = store.review_page(query, after.as_ref(), 50).unwrap();
        total += page.rows.len() as u64;
        match page.next {
            Some(next) => after = Some(next),
            None => return total,
        }
    }
}

/// The count as the app asks for it: stretch after stretch until `next` is `None`.
fn counted(store: &dyn Store, query: &ReviewQuery) -> (u64, usize) {
    let mut total = 0;
    let mut stretches = 0;
    let mut after: Option<fourroads::store::PageCursor> = None;
    loop {
        let count = store.count_review_matches(query, after.as_ref()).unwrap();
        total += count.matches;
        stretches += 1;
        match count.next {
            Some(next) => after = Some(next),
            None => return (total, stretches),
        }
    }
}

fn title_count(app: &Harness) -> u64 {
    let query = app.state.review.filters.query(app.state.clock.today());
    let expected = listed(&app.store, &query);
    assert_eq!(
        app.state.review.count.total(),
        Some(expected),
        "count for {query:?}"
    );
    expected
}

#[test]
fn the_list_title_says_how_many_calls_match_for_every_filter() {
    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f3");
    let n = title_count(&app);
    assert!(n > 50, "the demo has more unreviewed calls than a page");
    let screen = app.render(80, 24);
    assert!(
        screen.contains(&format!(
            "Calls, newest first ({n} calls match · 50 loaded)"
        )),
        "{screen}"
    );
    let mut seen = vec![n];
    // Each filter key, then the filter line (a walk, not the tallies).
    for keys in [
        &["u"][..],
        &["g"],
        &["r"],
        &["r", "r", "r", "r", "r"],
        &["u"],
        &["d"],
        &["p"],
        &["p", "p", "p", "p"],
    ] {
        for key in keys {
            app.press(key);
        }
        seen.push(title_count(&app));
    }
    app.press("/");
    app.type_text("#billing");
    app.press("enter");
    assert_eq!(app.state.review.filters.tag.as_deref(), Some("billing"));
    seen.push(title_count(&app));
    app.press("/");
    app.type_text("customer:moira");
    app.press("enter");
    seen.push(title_count(&app));
    // The counts differ between filters, so the title follows them.
    seen.sort();
    seen.dedup();
    assert!(seen.len() >= 5, "{seen:?}");
}

#[test]
fn an_agent_sees_the_count_of_their_own_calls_and_a_review_updates_it() {
    let mut app = Harness::with_demo_as("Priya Shah", Role::Agent);
    app.press("f3");
    title_count(&app);
    let mut lead = Harness::with_demo_as(LEAD, Role::Lead);
    lead.press("f3");
    let before = title_count(&lead);
    let road = lead.state.review.selected_call().unwrap().road.unwrap();
    lead.press(&road.number().to_string());
    // The reviewed call is still in the loaded rows, but no longer matches.
    assert_eq!(title_count(&lead), before - 1);
}

#[test]
fn counting_shows_until_the_count_arrives_and_a_stale_count_is_dropped() {
    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f3");
    let all_unreviewed = app.state.review.count.total().unwrap();
    // Change the period without running the effects yet.
    let effects = update(
        &mut app.state,
        Action::Command(Command::CyclePeriod),
        app.now,
    );
    let stale = effects
        .iter()
        .find(|e| matches!(e, Effect::CountReviewMatches { .. }))
        .cloned()
        .unwrap();
    assert_eq!(app.state.review.count.total(), None);
    assert!(app.render(80, 24).contains("(loading…)"));
    // Then change it again before the first count comes back.
    let effects = update(
        &mut app.state,
        Action::Command(Command::CyclePeriod),
        app.now,
    );
    let fresh = effects
        .into_iter()
        .find(|e| matches!(e, Effect::CountReviewMatches { .. }))
        .unwrap();
    let clock = app.state.clock.clone();
    for action in execute(&app.store, stale, &clock) {
        let more = update(&mut app.state, action, app.now);
        assert!(more.is_empty());
    }
    assert_eq!(app.state.review.count.total(), None, "stale count dropped");
    // The list's page arrives before the count: the title says counting.
    let page_effect = Effect::LoadReviewPage {
        query: app.state.review.filters.query(clock.today()),
        after: None,
        generation: app.state.review.calls.generation,
    };
    for action in execute(&app.store, page_effect, &clock) {
        update(&mut app.state, action, app.now);
    }
    let screen = app.render(80, 24);
    assert!(screen.contains("counting… ·"), "{screen}");
    for action in execute(&app.store, fresh, &clock) {
        update(&mut app.state, action, app.now);
    }
    let n = title_count(&app);
    assert_ne!(n, all_unreviewed);
    assert!(
        app.render(80, 24).contains("match"),
        "{}",
        app.render(80, 24)
    );
}

#[test]
fn a_long_walk_is_counted_a_stretch_at_a_time_and_agrees_with_the_tallies() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    let request = GenRequest {
        customers: 300,
        calls: 3_000,
        seed: 7,
        agents: 4,
    };
    generate(&store, &request, &mut |_, _, _| {}).unwrap();
    let today = end().to_zoned(jiff::tz::TimeZone::UTC).date();
    let year = ReviewQuery::period(today - jiff::Span::new().days(400), today);
    let agent = store.agents().unwrap().first().cloned();
    let mut walked_far = false;
    for query in [
        year.clone(),
        ReviewQuery {
            unreviewed_only: true,
            ..year.clone()
        },
        ReviewQuery {
            agent: agent.clone(),
            disagreements_only: true,
            ..year.clone()
        },
        ReviewQuery {
            agent,
            agent_road: Some(fourroads::domain::Road::GoAway),
            lead_road: Some(fourroads::domain::Road::Care),
            ..year.clone()
        },
    ] {
        // From the tallies: one answer, the same as walking the list.
        let (tallied, stretches) = counted(&store, &query);
        assert_eq!(stretches, 1);
        assert_eq!(tallied, listed(&store, &query), "{query:?}");
        // The same filters with an empty customer filter (it matches every call) must
        // walk: several stretches, the same total.
        let walking = ReviewQuery {
            customer: Some(String::new()),
            ..query.clone()
        };
        let (walked, stretches) = counted(&store, &walking);
        assert_eq!(walked, tallied, "{query:?}");
        // One stretch reads at most 2,000 index entries.
        if tallied > 2_000 {
            assert!(stretches > 1, "{stretches} stretch(es) for {tallied}");
            walked_far = true;
        }
    }
    assert!(walked_far, "one query walks past a single stretch");
}
