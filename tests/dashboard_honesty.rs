//! Dashboard honesty (issue 9, item 16): kappa on few reviews is marked, the customer
//! math reconciles on screen (S + gained + won back − lost = E, and S and E are the real
//! numbers of customers at the period's edges), and the plural forms read right.

mod support;

use insta::assert_snapshot;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use fourroads::app::View;
use fourroads::domain::call::Role;
use fourroads::domain::stats::FEW_REVIEWS;
use fourroads::domain::{Call, CallReason, Customer, CustomerStatus, Road, StatusChange, new_id};
use fourroads::store::{Actor, SledStore, Store};
use support::Harness;

const LEAD: &str = "Jordan Reyes";

#[test]
fn kappa_on_few_reviews_is_marked_beside_every_kappa() {
    let mut app = Harness::with_demo_as(LEAD, Role::Lead);
    app.press("f4");
    assert_eq!(app.state.view, View::Dashboard);
    let figures = app.state.dashboard.figures.clone().unwrap();
    let dana = figures
        .agents
        .iter()
        .find(|a| a.agent == "Dana Okafor")
        .unwrap();
    // The demo's case from the issue: 3 reviews, all agreeing.
    assert_eq!(dana.agreement.total(), 3);
    assert_eq!(dana.agreement.kappa(), Some(1.0));
    for (width, height) in [(80, 24), (120, 40)] {
        let screen = app.render(width, height);
        let row = screen
            .lines()
            .find(|l| l.contains("Dana Okafor"))
            .unwrap()
            .to_string();
        assert!(row.contains("1.00 almost perfect (few)"), "{row}");
        for agent in &figures.agents {
            let row = screen.lines().find(|l| l.contains(&agent.agent)).unwrap();
            let few = agent.agreement.total() < FEW_REVIEWS;
            assert_eq!(row.contains("(few)"), few, "{row}");
            assert_eq!(row.contains('±'), !few, "{row}");
        }
        // Everyone: 29 reviewed calls, so a margin rather than "(few)".
        let everyone = screen.lines().find(|l| l.contains("Everyone:")).unwrap();
        assert!(everyone.contains("κ 0.62 substantial ±0.22"), "{everyone}");
        assert!(screen.contains(&format!("under {FEW_REVIEWS} reviews")));
    }
}

#[test]
fn the_summary_template_marks_few_reviews_at_the_same_threshold() {
    let template = include_str!("../assets/templates/summary.md.j2");
    assert_eq!(
        template.matches(&format!("< {FEW_REVIEWS} %}}")).count(),
        2,
        "the template's threshold must be domain::stats::FEW_REVIEWS"
    );
    assert!(template.contains(&format!("fewer than {FEW_REVIEWS} reviewed calls")));
}

/// Noon UTC on `day`.
fn at(day: &str) -> Timestamp {
    format!("{day}T12:00:00Z").parse().unwrap()
}

fn customer(name: &str, created: Timestamp, first: CustomerStatus) -> Customer {
    Customer {
        id: new_id(),
        name: name.into(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: first,
        do_not_contact: false,
        created_at: created,
        status_history: vec![StatusChange {
            at: created,
            from: None,
            to: first,
            by: "test".into(),
        }],
        last_contact: None,
        do_not_contact_note: None,
        merged: Vec::new(),
    }
}

fn changed(mut customer: Customer, moves: &[(&str, CustomerStatus)]) -> Customer {
    for (day, to) in moves {
        customer.change_status(*to, at(day), "test");
    }
    customer
}

#[test]
fn customer_math_reconciles_on_a_small_store() {
    use CustomerStatus::*;
    let app = Harness::empty();
    // The last 30 days of the fixed clock: 22 Oct – 20 Nov 2026.
    let customers = [
        // A customer all along.
        customer("Stays", at("2026-09-01"), Active),
        // A customer at the start, lost during the period.
        changed(
            customer("Leaves", at("2026-09-01"), Active),
            &[("2026-11-01", Lost)],
        ),
        // Joined and lost within the period: gained and lost, in neither S nor E.
        changed(
            customer("Brief", at("2026-11-05"), New),
            &[("2026-11-10", Lost)],
        ),
        // Lost before the period, won back during it.
        changed(
            customer("Returns", at("2026-09-01"), Active),
            &[("2026-10-01", Lost), ("2026-11-12", WonBack)],
        ),
        // Joined, then at risk: at-risk is still a customer, no event.
        changed(
            customer("Wobbles", at("2026-11-15"), New),
            &[("2026-11-18", AtRisk)],
        ),
        // A customer at the start, lost and won back within the period.
        changed(
            customer("Boomerang", at("2026-09-01"), Active),
            &[("2026-11-02", Lost), ("2026-11-09", WonBack)],
        ),
        // Lost before the period and still lost: in nothing.
        changed(
            customer("Gone", at("2026-09-01"), Active),
            &[("2026-10-02", Lost)],
        ),
    ];
    for c in &customers {
        app.store.put_customer(c).unwrap();
    }
    let mut app = app.restart();
    app.press("f4");
    let math = app.state.dashboard.figures.as_ref().unwrap().customers;
    // S: Stays, Leaves, Boomerang. E: Stays, Returns, Wobbles, Boomerang.
    assert_eq!(math.start, 3);
    assert_eq!(math.end(), 4);
    assert_eq!((math.gained, math.lost, math.won_back), (2, 3, 2));
    assert_eq!(math.net(), -1);
    // E − S is not the net: won back customers count apart.
    assert_eq!(math.end() - math.start, math.net() + math.won_back);
    let screen = app.render(120, 40);
    for line in [
        "Gained 2 · Lost 3 · Won back 2 · Net -1",
        "S 3 + gained 2 + won back 2 − lost 3 = E 4",
        "Net is gained − lost; E − S = net + won back",
    ] {
        assert!(screen.contains(line), "{line} not in\n{screen}");
    }
    assert_snapshot!("customer_math_120x40", screen);
}

/// A finished call of `customer` by `agent` on `road`, `hours` before the fixed clock.
pub fn finished_call(
    store: &SledStore,
    customer: &Customer,
    agent: &str,
    road: Road,
    hours: i64,
) -> Call {
    let start = support::fixed_now() - SignedDuration::from_hours(hours);
    let mut call = Call::new(customer.id, agent, CallReason::Inbound, start);
    store.start_call(&call).unwrap();
    call.road = Some(road);
    call.ended_at = Some(start + SignedDuration::from_mins(5));
    store
        .wrap_up_call(
            &call,
            "Asked about the bill #billing",
            &Actor::agent(agent, start),
        )
        .unwrap();
    call
}

#[test]
fn one_of_everything_reads_in_the_singular() {
    let app = Harness::empty();
    let one = customer("Only One", at("2026-11-19"), CustomerStatus::Active);
    app.store.put_customer(&one).unwrap();
    let call = finished_call(&app.store, &one, "Priya Shah", Road::Care, 3);
    let mut lead = Actor::agent(LEAD, support::fixed_now());
    lead.role = Role::Lead;
    app.store
        .review_call(call.id, Road::Care, "", &lead)
        .unwrap();
    // Another agent's call: Priya's review list (her own calls) holds one.
    finished_call(&app.store, &one, "Sam Lindqvist", Road::Teach, 2);
    let mut app = app.restart();
    app.press("f4");
    let screen = app.render(120, 40);
    assert!(screen.contains("Road mix (2 finished calls)"), "{screen}");
    assert!(
        screen.contains("Agreement with leads (1 reviewed call)"),
        "{screen}"
    );
    app.press("f3");
    let screen = app.render(120, 40);
    assert!(
        screen.contains("Calls, newest first (1 call matches)"),
        "{screen}"
    );
    assert!(!screen.contains("1 calls"), "{screen}");
}

/// Each customer: days before today it was created, its first status, then (gap in
/// days, status) moves.
type Plan = (i64, usize, Vec<(i64, usize)>);

fn status_of(i: usize) -> CustomerStatus {
    CustomerStatus::ALL[i % CustomerStatus::ALL.len()]
}

/// Whether `customer` counts as a customer at the end of `day`: created by then and its
/// latest status by then is not lost.
fn customer_on(customer: &Customer, day: Date) -> bool {
    let day_of = |t: Timestamp| t.to_zoned(jiff::tz::TimeZone::UTC).date();
    if day_of(customer.created_at) > day {
        return false;
    }
    let status = customer
        .status_history
        .iter()
        .rev()
        .find(|c| day_of(c.at) <= day)
        .map_or(customer.status, |c| c.to);
    status != CustomerStatus::Lost
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// On a real store, whatever the customers' histories and the period: S and E are the
    /// customers counted directly at the period's edges, and S + gained + won back − lost
    /// = E, which is what the dashboard shows.
    #[test]
    fn customer_math_matches_a_direct_count(
        plans in prop::collection::vec(
            (0i64..90, 0usize..5, prop::collection::vec((0i64..20, 0usize..5), 0..5)),
            1..8,
        ),
        from_ago in 0i64..100,
        length in 0i64..60,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SledStore::open_in_zone(&dir.path().join("store"), jiff::tz::TimeZone::UTC).unwrap();
        let now = support::fixed_now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut customers = Vec::new();
        for (i, (created_ago, first, moves)) in plans.iter().enumerate() {
            let plan: &Plan = &(*created_ago, *first, moves.clone());
            let created = now - SignedDuration::from_hours(24 * plan.0);
            let mut c = customer(&format!("C{i}"), created, status_of(plan.1));
            let mut when = created;
            for (n, (gap, to)) in plan.2.iter().enumerate() {
                when += SignedDuration::from_hours(24 * gap) + SignedDuration::from_mins(n as i64 + 1);
                c.change_status(status_of(*to), when, "test");
            }
            store.put_customer(&c).unwrap();
            customers.push(c);
        }
        let from = today - jiff::Span::new().days(from_ago);
        let to = (from + jiff::Span::new().days(length)).min(today);
        let math = store.dashboard(from, to, today).unwrap().customers;
        let before = from.yesterday().unwrap();
        let start = customers.iter().filter(|c| customer_on(c, before)).count() as i64;
        let end = customers.iter().filter(|c| customer_on(c, to)).count() as i64;
        prop_assert_eq!(math.start, start);
        prop_assert_eq!(math.end(), end);
        prop_assert_eq!(math.start + math.gained + math.won_back - math.lost, end);
        prop_assert_eq!(math.end() - math.start, math.net() + math.won_back);
    }
}

/// Colleagues' road mix, road-4 share and agreement are for leads: an agent's dashboard
/// shows the team's totals and their own row only (README, "What a member can read").
#[test]
fn an_agents_dashboard_shows_their_own_row_and_not_their_colleagues() {
    let mut agent = Harness::with_demo();
    agent.press("f4");
    for (width, height) in [(120, 40), (200, 50)] {
        let screen = agent.render(width, height);
        assert!(screen.contains("Priya Shah"), "{screen}");
        for colleague in ["Marco Bellini", "Dana Okafor", "Sam Lindqvist"] {
            assert!(
                !screen.contains(colleague),
                "{colleague} shown to an agent:\n{screen}"
            );
        }
        assert!(
            screen.contains("Colleagues' figures are for team leads."),
            "{screen}"
        );
    }
    let mut lead = Harness::with_demo_as("Jordan Reyes", Role::Lead);
    lead.press("f4");
    let screen = lead.render(200, 50);
    for everyone in [
        "Priya Shah",
        "Marco Bellini",
        "Dana Okafor",
        "Sam Lindqvist",
    ] {
        assert!(
            screen.contains(everyone),
            "{everyone} missing for the lead:\n{screen}"
        );
    }
    assert!(!screen.contains("Colleagues' figures"));
}
