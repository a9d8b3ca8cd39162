//! Store contract tests for the lead's work on real sled: reviews and case changes write
//! exactly one audit entry each and keep counters equal to a recount; review pages are a
//! true keyset pagination; the dashboard's figures agree with the records.

mod support;

use fourroads::domain::call::Role;
use fourroads::domain::stats::Agreement;
use fourroads::domain::{Clock, Customer, CustomerStatus, Period, Road, StatusChange, new_id};
use fourroads::store::{Actor, ReviewQuery, SledStore, Store, demo};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use support::fixed_now;

fn demo_store() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    demo::load(&store, &Clock::fixed(fixed_now())).unwrap();
    (dir, store)
}

fn lead() -> Actor {
    Actor {
        who: "Jordan Reyes".into(),
        role: Role::Lead,
        reason: String::new(),
        at: fixed_now(),
    }
}

fn today() -> Date {
    date(2026, 11, 20)
}

fn everything() -> ReviewQuery {
    ReviewQuery::period(fourroads::domain::period::beginning(), today())
}

fn unreviewed() -> ReviewQuery {
    ReviewQuery {
        unreviewed_only: true,
        ..everything()
    }
}

fn other_road(road: Road) -> Road {
    if road == Road::Care {
        Road::Teach
    } else {
        Road::Care
    }
}

#[test]
fn each_road_change_writes_exactly_one_audit_entry_and_counters_follow() {
    let (_dir, store) = demo_store();
    let before = store.counters().unwrap();
    let page = store.review_page(&unreviewed(), None, 3).unwrap();
    assert_eq!(page.rows.len(), 3);
    let call = &page.rows[0].call;
    let agent_road = call.road.unwrap();
    let audit_before = store.audit_for(call.id).unwrap().len();

    // Disagreeing without a reason is refused and changes nothing.
    let refused = store.review_call(call.id, other_road(agent_road), "  ", &lead());
    assert!(refused.unwrap_err().to_string().contains("reason"));
    assert_eq!(store.audit_for(call.id).unwrap().len(), audit_before);
    assert_eq!(store.counters().unwrap(), before);

    // Disagreeing with a reason: one audit entry carrying it.
    let reviewed = store
        .review_call(
            call.id,
            other_road(agent_road),
            "they asked to be shown",
            &lead(),
        )
        .unwrap();
    assert_eq!(
        reviewed.review.as_ref().unwrap().road,
        other_road(agent_road)
    );
    let audit = store.audit_for(call.id).unwrap();
    assert_eq!(audit.len(), audit_before + 1);
    let entry = audit.last().unwrap();
    assert_eq!(entry.what, "lead road");
    assert_eq!(entry.role, Role::Lead);
    assert_eq!(entry.old, None);
    assert_eq!(entry.new, Some(other_road(agent_road).to_string()));
    assert_eq!(entry.reason, "they asked to be shown");
    assert_eq!(store.counters().unwrap().unreviewed, before.unreviewed - 1);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    // Changing the lead's mind back to the agent's road: one more entry, no reason needed.
    store.review_call(call.id, agent_road, "", &lead()).unwrap();
    let audit = store.audit_for(call.id).unwrap();
    assert_eq!(audit.len(), audit_before + 2);
    assert_eq!(
        audit.last().unwrap().old,
        Some(other_road(agent_road).to_string())
    );
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    // An agent's own road change on the second call: exactly one entry too.
    let mut second = page.rows[1].call.clone();
    let second_before = store.audit_for(second.id).unwrap().len();
    second.road = Some(other_road(second.road.unwrap()));
    store
        .update_call(&second, &Actor::agent(&second.agent, fixed_now()))
        .unwrap();
    assert_eq!(store.audit_for(second.id).unwrap().len(), second_before + 1);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn an_agent_acknowledges_the_review_of_their_own_call_once() {
    let (_dir, store) = demo_store();
    let reviewed = ReviewQuery {
        reviewed_only: true,
        ..everything()
    };
    let call = store.review_page(&reviewed, None, 1).unwrap().rows[0]
        .call
        .clone();
    let someone_else = Actor::agent("Not the agent", fixed_now());
    assert!(store.acknowledge_review(call.id, &someone_else).is_err());
    let before = store.audit_for(call.id).unwrap().len();
    let agent = Actor::agent(&call.agent, fixed_now());
    let acknowledged = store.acknowledge_review(call.id, &agent).unwrap();
    assert_eq!(
        acknowledged.review.unwrap().acknowledged_at,
        Some(fixed_now())
    );
    let audit = store.audit_for(call.id).unwrap();
    assert_eq!(audit.len(), before + 1);
    assert_eq!(audit.last().unwrap().what, "review acknowledged");
    assert!(store.acknowledge_review(call.id, &agent).is_err());
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn review_pages_are_keyset_pages_over_the_same_newest_first_list() {
    let (_dir, store) = demo_store();
    for query in [everything(), unreviewed()] {
        let whole = store.review_page(&query, None, 10_000).unwrap();
        assert!(whole.next.is_none());
        assert!(
            whole
                .rows
                .windows(2)
                .all(|w| w[0].call.started_at >= w[1].call.started_at),
            "newest first"
        );
        let mut paged = Vec::new();
        let mut cursor: Option<fourroads::store::PageCursor> = None;
        loop {
            let page = store.review_page(&query, cursor.as_ref(), 7).unwrap();
            assert!(page.rows.len() <= 7);
            paged.extend(page.rows.into_iter().map(|r| r.call.id));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let whole_ids: Vec<_> = whole.rows.iter().map(|r| r.call.id).collect();
        assert_eq!(paged, whole_ids);
    }
    let counters = store.counters().unwrap();
    let all_unreviewed = store.review_page(&unreviewed(), None, 10_000).unwrap();
    assert_eq!(all_unreviewed.rows.len() as u64, counters.unreviewed);
}

#[test]
fn review_filters_narrow_the_list() {
    let (_dir, store) = demo_store();
    let all = store.review_page(&everything(), None, 10_000).unwrap().rows;
    let marco = ReviewQuery {
        agent: Some("Marco Bellini".into()),
        agent_road: Some(Road::GoAway),
        ..everything()
    };
    let rows = store.review_page(&marco, None, 10_000).unwrap().rows;
    let expected = all
        .iter()
        .filter(|r| r.call.agent == "Marco Bellini" && r.call.road == Some(Road::GoAway))
        .count();
    assert!(expected > 0);
    assert_eq!(rows.len(), expected);

    let disagreements = ReviewQuery {
        disagreements_only: true,
        ..everything()
    };
    let rows = store
        .review_page(&disagreements, None, 10_000)
        .unwrap()
        .rows;
    assert_eq!(rows.len(), 19, "the demo data holds 19 disagreements");
    assert!(
        rows.iter()
            .all(|r| r.call.review.as_ref().map(|v| v.road) != r.call.road)
    );

    let week = Period::ThisWeek.range(today());
    let this_week = ReviewQuery {
        from: week.0,
        to: week.1,
        ..everything()
    };
    let rows = store.review_page(&this_week, None, 10_000).unwrap().rows;
    let expected = all
        .iter()
        .filter(|r| r.call.started_at.to_zoned(jiff::tz::TimeZone::UTC).date() >= week.0)
        .count();
    assert_eq!(rows.len(), expected);

    let tagged = all.iter().find(|r| !r.call.tags.is_empty()).unwrap();
    let tag = tagged.call.tags[0].clone();
    let by_tag = ReviewQuery {
        tag: Some(tag.clone()),
        ..everything()
    };
    let rows = store.review_page(&by_tag, None, 10_000).unwrap().rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.call.tags.contains(&tag)));

    let by_customer = ReviewQuery {
        customer: Some(tagged.customer.to_uppercase()),
        ..everything()
    };
    let rows = store.review_page(&by_customer, None, 10_000).unwrap().rows;
    assert!(rows.iter().any(|r| r.call.id == tagged.call.id));
    assert!(rows.iter().all(|r| r.customer == tagged.customer));

    let words = tagged
        .first_line
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let by_text = ReviewQuery {
        text: Some(words),
        ..everything()
    };
    let rows = store.review_page(&by_text, None, 10_000).unwrap().rows;
    assert!(rows.iter().any(|r| r.call.id == tagged.call.id));
}

#[test]
fn dashboard_figures_agree_with_the_records() {
    let (_dir, store) = demo_store();
    let from = fourroads::domain::period::beginning();
    let dashboard = store.dashboard(from, today(), today()).unwrap();
    let calls = store.review_page(&everything(), None, 10_000).unwrap().rows;
    let mut roads = [0u64; 4];
    let mut agreement = Agreement::default();
    for row in &calls {
        let road = row.call.road.unwrap();
        roads[usize::from(road.number() - 1)] += 1;
        if let Some(review) = &row.call.review {
            agreement.add(road, review.road, 1);
        }
    }
    assert_eq!(dashboard.overall.roads, roads);
    assert_eq!(dashboard.overall.agreement, agreement);
    assert_eq!(dashboard.overall.agreement.total(), 78);
    let counters = store.counters().unwrap();
    assert_eq!(dashboard.open_cases, counters.open_cases);
    assert_eq!(dashboard.case_ages.iter().sum::<u64>(), counters.open_cases);
    assert_eq!(dashboard.overdue, 5);
    assert_eq!(dashboard.agents.len(), 4);
    assert_eq!(dashboard.weekly_road4.len(), 12);
    assert!(!dashboard.top_tags.is_empty());
    assert!(!dashboard.stories.is_empty());

    // Reviewing a call moves the agreement figures.
    let call = store.review_page(&unreviewed(), None, 1).unwrap().rows[0]
        .call
        .clone();
    store
        .review_call(call.id, call.road.unwrap(), "", &lead())
        .unwrap();
    let after = store.dashboard(from, today(), today()).unwrap();
    assert_eq!(after.overall.agreement.total(), 79);
    assert_eq!(after.overall.agreement.agreed(), agreement.agreed() + 1);
}

fn fixture_customer(created: &str, changes: &[(&str, CustomerStatus)]) -> Customer {
    let created_at: Timestamp = created.parse().unwrap();
    let first = changes[0].1;
    let mut customer = Customer {
        id: new_id(),
        name: format!("Fixture {created}"),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: first,
        do_not_contact: false,
        created_at,
        status_history: vec![StatusChange {
            at: created_at,
            from: None,
            to: first,
            by: "test".into(),
        }],
        last_contact: None,
        do_not_contact_note: None,
        merged: Vec::new(),
    };
    for (at, to) in &changes[1..] {
        customer.change_status(*to, at.parse().unwrap(), "test");
    }
    customer
}

#[test]
fn customer_math_on_a_fixture_with_known_answers() {
    use CustomerStatus::*;
    let dir = tempfile::tempdir().unwrap();
    let store =
        SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
    // The period is November 2026. Before it: A, B, C, D are customers; E was lost in
    // October (so S = 4). During it: B is lost, C is lost and won back, E is won back,
    // F and G join, H is imported as already lost.
    let fixture = [
        fixture_customer("2026-01-10T09:00:00Z", &[("", Active)]),
        fixture_customer(
            "2026-02-10T09:00:00Z",
            &[("", Active), ("2026-11-03T10:00:00Z", Lost)],
        ),
        fixture_customer(
            "2026-03-10T09:00:00Z",
            &[
                ("", Active),
                ("2026-11-04T10:00:00Z", Lost),
                ("2026-11-18T10:00:00Z", WonBack),
            ],
        ),
        fixture_customer("2026-04-10T09:00:00Z", &[("", AtRisk)]),
        fixture_customer(
            "2026-05-10T09:00:00Z",
            &[
                ("", Active),
                ("2026-10-01T10:00:00Z", Lost),
                ("2026-11-30T23:59:00Z", WonBack),
            ],
        ),
        fixture_customer("2026-11-01T00:00:00Z", &[("", New)]),
        fixture_customer("2026-11-30T23:00:00Z", &[("", New)]),
        fixture_customer("2026-11-15T09:00:00Z", &[("", Lost)]),
        // After the period: counts for nothing.
        fixture_customer("2026-12-01T00:00:00Z", &[("", New)]),
    ];
    for customer in &fixture {
        store.put_customer(customer).unwrap();
    }
    let math = store
        .dashboard(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1))
        .unwrap()
        .customers;
    assert_eq!(math.start, 4, "S");
    assert_eq!(math.gained, 2, "N");
    assert_eq!(math.lost, 2, "L");
    assert_eq!(math.won_back, 2);
    assert_eq!(math.net(), 0);
    assert_eq!(math.end(), 6, "E");
    // N counts the gained and the won back: (E − N)/S = (6 − 4)/4 = 50%; of the four
    // starting customers, B and C were lost (C came back, but as a return, not a stay).
    assert_eq!(math.arrived(), 4, "N");
    assert_eq!(math.retention(), Some(0.5));
    assert_eq!(math.churn(), Some(0.5));
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
}

#[test]
fn cases_close_reopen_and_move_with_audit_entries() {
    let (_dir, store) = demo_store();
    let before = store.counters().unwrap();
    let page = store.open_cases(None, 100).unwrap();
    assert_eq!(page.rows.len() as u64, before.open_cases);
    assert!(page.rows.windows(2).all(|w| w[0].case.due <= w[1].case.due));
    let first = page.rows[0].case.clone();
    assert!(first.is_overdue(today()), "overdue cases come first");

    assert!(store.close_case(first.id, "   ", &lead()).is_err());
    assert_eq!(store.counters().unwrap(), before);

    let audit_before = store.audit_for(first.id).unwrap().len();
    let closed = store
        .close_case(first.id, "Customer confirmed by email", &lead())
        .unwrap();
    assert_eq!(
        closed.case.close_note.as_deref(),
        Some("Customer confirmed by email")
    );
    assert_eq!(closed.audit.len(), audit_before + 1);
    assert_eq!(
        closed.audit.last().unwrap().reason,
        "Customer confirmed by email"
    );
    let counters = store.counters().unwrap();
    assert_eq!(counters.open_cases, before.open_cases - 1);
    assert_eq!(counters.closed_cases, before.closed_cases + 1);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    let reopened = store.reopen_case(first.id, &lead()).unwrap();
    assert_eq!(reopened.audit.len(), audit_before + 2);
    assert_eq!(reopened.audit.last().unwrap().new.as_deref(), Some("open"));
    let moved = store
        .set_case_due(first.id, date(2026, 11, 27), &lead())
        .unwrap();
    assert_eq!(moved.case.due, date(2026, 11, 27));
    assert_eq!(moved.audit.len(), audit_before + 3);
    assert_eq!(moved.audit.last().unwrap().what, "case due");
    assert_eq!(store.counters().unwrap(), before);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    let paged = store.open_cases(None, 5).unwrap();
    let rest = store.open_cases(paged.next.as_ref(), 100).unwrap();
    assert_eq!(
        paged.rows.len() + rest.rows.len(),
        before.open_cases as usize
    );
}

/// An agent's change to a call (its outcome, sentiment, road) never changes the call's
/// review: a copy of the call the agent's screen loaded before a lead reviewed it (here,
/// or on another workstation, by sync) does not take the review away or send an older one
/// again.
#[test]
fn an_agents_change_from_an_older_copy_keeps_the_leads_review() {
    let (_dir, store) = demo_store();
    let call = store.review_page(&unreviewed(), None, 1).unwrap().rows[0]
        .call
        .clone();
    assert!(call.review.is_none());
    let road = call.road.unwrap();
    let reviewed = store
        .review_call(call.id, other_road(road), "care first", &lead())
        .unwrap();
    let before = store.counters().unwrap();

    // The agent's screen still holds the copy from before the review.
    let mut stale = call.clone();
    stale.sentiment = -2;
    store
        .update_call(&stale, &Actor::agent(&stale.agent, fixed_now()))
        .unwrap();
    let now = store.call(call.id).unwrap().unwrap();
    assert_eq!(now.sentiment, -2, "the agent's change is kept");
    assert_eq!(now.review, reviewed.review, "the lead's review stays");
    assert_eq!(store.counters().unwrap().unreviewed, before.unreviewed);
    assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());

    // Nor can an agent's change put a review of their own on the call.
    let mut forged = now.clone();
    forged.review.as_mut().unwrap().road = road;
    store
        .update_call(&forged, &Actor::agent(&forged.agent, fixed_now()))
        .unwrap();
    assert_eq!(
        store.call(call.id).unwrap().unwrap().review,
        reviewed.review
    );
}
